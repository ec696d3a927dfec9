/*
 * stix.c: the reports as one STIX 2.1 bundle: chousa's identity, an
 * observable for each investigated indicator and sample, indicators with
 * STIX patterns for what is malicious or suspicious, the family as a
 * malware object, the relationships between them, and the conclusion as a
 * note.  Every id is a UUIDv5 of the object's content (observables use the
 * STIX namespace and their id-contributing properties, as the spec says),
 * so the same investigation always gives the same bundle and a TIP merges
 * repeated imports instead of duplicating them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/hash.h"
#include "base/digest.h"
#include "base/mem.h"
#include "investigate/render/graph.h"
#include "investigate/render/render.h"
#include "ioc/vocab.h"

/* The STIX 2.1 namespace for observable ids (section 2.9). */
static const unsigned char ns_stix[16] = { 0x00, 0xab, 0xed, 0xb4, 0xaa,
    0x42, 0x58, 0x1e, 0x8e, 0x1c, 0x9c, 0x6b, 0x1e, 0x5f, 0x5a, 0x4b };
/* chousa's own namespace for the other objects (a fixed random UUID). */
static const unsigned char ns_chousa[16] = { 0x6c, 0x8a, 0x1f, 0x2e, 0x5b,
    0x3d, 0x4e, 0x71, 0x9a, 0x0c, 0x2d, 0x7e, 0x41, 0xb8, 0x93, 0x5f };

/* "type--uuid5(ns, name)" into id (at least ID_SIZE bytes). */
static void
make_id(char *id, size_t id_size, const char *type,
    const unsigned char ns[16], const char *name, size_t name_len)
{
	char uuid[40];

	digest_uuid5(uuid, ns, name, name_len);
	snprintf(id, id_size, "%s--%s", type, uuid);
}

/* ---- the bundle ---- */

#define ID_SIZE		80
/* Objects remembered for de-duplication across reports. */
#define SEEN_MAX	((size_t)1 << 20)

/*
 * The TLP 2.0 marking definitions of the OASIS CTI TC (extension
 * definition 60a3c5c5, as oasis-open/cti-stix-common-objects publishes
 * them): fixed ids, created 2022-10-01, in chousa_tlp_level() order.
 */
#define TLP2_EXTENSION	"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
static const struct {
	const char	*level;
	const char	*id;
} tlp2[] = {
	{ "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487" },
	{ "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" },
	{ "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" },
	{ "amber+strict",
	    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" },
	{ "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" },
};

struct stix_state {
	char		 now[32];	/* "2026-01-01T00:00:00.000Z" */
	const char	*marking;	/* the TLP marking's id, or NULL */
	char		 identity[ID_SIZE];
	struct chousa_jw w;		/* into r->out */
	uint64_t	*seen;		/* open addressing, 0 = empty */
	size_t		 seen_cap;
	size_t		 n_seen;
	struct chousa_buf name;		/* id content */
	struct chousa_buf tmp;
};

static uint64_t
id_key(const char *id)
{
	uint64_t h = chousa_fnv1a64(CHOUSA_FNV64_INIT, id, strlen(id));

	return h ? h : 1;
}

/*
 * Whether id was written already; remembers it when not.  Past the cap,
 * objects may repeat, which STIX consumers merge by id: never unbounded.
 */
static int
seen(struct stix_state *st, const char *id)
{
	uint64_t key = id_key(id);
	size_t i;

	if (st->n_seen * 2 >= st->seen_cap) {
		size_t cap = st->seen_cap ? st->seen_cap * 2 : 1024, j;
		uint64_t *t;

		if (cap > SEEN_MAX)
			return 0;
		t = mem_alloc(cap * sizeof(*t));
		if (t == NULL)
			return 0;
		for (j = 0; j < st->seen_cap; j++) {
			if (st->seen[j] == 0)
				continue;
			for (i = st->seen[j] & (cap - 1); t[i] != 0;
			    i = (i + 1) & (cap - 1))
				;
			t[i] = st->seen[j];
		}
		mem_free(st->seen);
		st->seen = t;
		st->seen_cap = cap;
	}
	for (i = key & (st->seen_cap - 1); st->seen[i] != 0;
	    i = (i + 1) & (st->seen_cap - 1))
		if (st->seen[i] == key)
			return 1;
	st->seen[i] = key;
	st->n_seen++;
	return 0;
}

/*
 * Start an object, on a line of its own: type, spec_version, id, for
 * domain objects created/modified/created_by_ref, and the marking.
 */
static void
obj_begin(struct chousa_render *r, const char *type, const char *id,
    int sdo)
{
	struct stix_state *st = r->state;
	struct chousa_jw *w = &st->w;

	chousa_jw_newline(w);
	chousa_jw_object(w);
	chousa_jw_kstr(w, "type", type);
	chousa_jw_kstr(w, "spec_version", "2.1");
	chousa_jw_kstr(w, "id", id);
	if (sdo) {
		chousa_jw_kstr(w, "created", st->now);
		chousa_jw_kstr(w, "modified", st->now);
		chousa_jw_kstr(w, "created_by_ref", st->identity);
	}
	if (st->marking != NULL) {
		chousa_jw_key(w, "object_marking_refs");
		chousa_jw_array(w);
		chousa_jw_str(w, st->marking);
		chousa_jw_array_end(w);
	}
}

/* A STIX timestamp with milliseconds, "2020-11-27T08:41:05.000Z". */
static void
stix_time(int64_t t, char *out, size_t size)
{
	char when[32];

	chousa_time_format(t, when, sizeof(when));
	snprintf(out, size, "%.19s.000Z", when);
}

/* The member key: value, when value is not NULL. */
static void
kstr_if(struct chousa_jw *w, const char *key, const char *value)
{
	if (value != NULL)
		chousa_jw_kstr(w, key, value);
}

/* An observable's id-contributing properties: {"value": v} or hashes. */
static void
sco_properties(struct chousa_jw *w, int is_file, const char *value)
{
	if (is_file) {
		chousa_jw_key(w, "hashes");
		chousa_jw_object(w);
		chousa_jw_kstr(w, vocab_stix_hash(value), value);
		chousa_jw_object_end(w);
	} else
		chousa_jw_kstr(w, "value", value);
}

/*
 * The id of value's observable into id (ID_SIZE): a UUIDv5 of the JSON of
 * its id-contributing properties.  Returns its type, or NULL when the
 * type has no observable.
 */
static const char *
sco_id(struct stix_state *st, int type, const char *value, char *id)
{
	const char *t = value != NULL ? vocab_stix_sco(type, value) : NULL;
	struct chousa_jw w;

	if (t == NULL)
		return NULL;
	chousa_buf_reset(&st->name);
	chousa_jw_init(&w, &st->name);
	chousa_jw_object(&w);
	sco_properties(&w, strcmp(t, "file") == 0, value);
	chousa_jw_object_end(&w);
	make_id(id, ID_SIZE, t, ns_stix, st->name.data, st->name.len);
	return t;
}

/*
 * Write the observable for value (once per bundle) and put its id in id.
 * Returns 0 when the type has no observable.
 */
static int
sco(struct chousa_render *r, int type, const char *value, char *id)
{
	struct stix_state *st = r->state;
	const char *t = sco_id(st, type, value, id);

	if (t == NULL)
		return 0;
	if (seen(st, id))
		return 1;
	obj_begin(r, t, id, 0);
	sco_properties(&st->w, strcmp(t, "file") == 0, value);
	chousa_jw_object_end(&st->w);
	return 1;
}

/*
 * An indicator for value that indicates malware_id (or nothing): how sure
 * (confidence 0-100, 0 left out) and valid from when it was first seen
 * (or now, when no source says).
 */
static void
indicator(struct chousa_render *r, int type, const char *value, int verdict,
    const char *description, const char *malware_id, int confidence,
    int64_t first_seen)
{
	struct stix_state *st = r->state;
	struct chousa_jw *w = &st->w;
	char id[ID_SIZE], rel[ID_SIZE], from[32];

	if (vocab_stix_sco(type, value) == NULL)
		return;
	chousa_buf_reset(&st->tmp);
	vocab_stix_pattern(&st->tmp, type, value);
	make_id(id, ID_SIZE, "indicator", ns_chousa, st->tmp.data,
	    st->tmp.len);
	if (!seen(st, id)) {
		obj_begin(r, "indicator", id, 1);
		chousa_buf_reset(&st->name);
		chousa_buf_addf(&st->name, "%s %s",
		    chousa_verdict_name(verdict), chousa_ioc_type_name(type));
		chousa_buf_adds(&st->name, " ");
		chousa_buf_adds(&st->name, value);
		chousa_jw_kstr(w, "name", st->name.data);
		kstr_if(w, "description", description);
		chousa_jw_key(w, "indicator_types");
		chousa_jw_array(w);
		chousa_jw_str(w, verdict == CHOUSA_V_MALICIOUS ?
		    "malicious-activity" : "anomalous-activity");
		chousa_jw_array_end(w);
		chousa_jw_kstr(w, "pattern", st->tmp.data);
		chousa_jw_kstr(w, "pattern_type", "stix");
		if (first_seen != 0) {
			stix_time(first_seen, from, sizeof(from));
			chousa_jw_kstr(w, "valid_from", from);
		} else
			chousa_jw_kstr(w, "valid_from", st->now);
		if (confidence > 0)
			chousa_jw_kint(w, "confidence", confidence > 100 ? 100 :
			    confidence);
		chousa_jw_object_end(w);
	}
	if (malware_id == NULL)
		return;
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "%s|indicates|%s", id, malware_id);
	make_id(rel, ID_SIZE, "relationship", ns_chousa, st->name.data,
	    st->name.len);
	if (seen(st, rel))
		return;
	obj_begin(r, "relationship", rel, 1);
	chousa_jw_kstr(w, "relationship_type", "indicates");
	chousa_jw_kstr(w, "source_ref", id);
	chousa_jw_kstr(w, "target_ref", malware_id);
	chousa_jw_object_end(w);
}

static void
relationship(struct chousa_render *r, const char *type, const char *from,
    const char *to, const char *description)
{
	struct stix_state *st = r->state;
	char id[ID_SIZE];

	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "%s|%s|%s|", from, type, to);
	if (description != NULL)
		chousa_buf_adds(&st->name, description);
	make_id(id, ID_SIZE, "relationship", ns_chousa, st->name.data,
	    st->name.len);
	if (seen(st, id))
		return;
	obj_begin(r, "relationship", id, 1);
	chousa_jw_kstr(&st->w, "relationship_type", type);
	chousa_jw_kstr(&st->w, "source_ref", from);
	chousa_jw_kstr(&st->w, "target_ref", to);
	kstr_if(&st->w, "description", description);
	chousa_jw_object_end(&st->w);
}

static int
stix_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct stix_state *st;
	struct chousa_jw *w;
	char when[32], bundle[ID_SIZE], text[128];

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->name, 1 << 20);
	chousa_buf_init(&st->tmp, 1 << 20);
	r->state = st;
	chousa_time_format(chousa_stamp_time(r->opts.now), when, sizeof(when));
	/* STIX wants milliseconds in created and modified. */
	snprintf(st->now, sizeof(st->now), "%.19s.000Z", when);
	make_id(st->identity, ID_SIZE, "identity", ns_chousa, "chousa", 6);
	make_id(bundle, ID_SIZE, "bundle", ns_chousa, st->now,
	    strlen(st->now));
	w = &st->w;
	chousa_jw_init(w, r->out);
	chousa_jw_object(w);
	chousa_jw_kstr(w, "type", "bundle");
	chousa_jw_kstr(w, "id", bundle);
	chousa_jw_key(w, "objects");
	chousa_jw_array(w);
	if (r->opts.tlp != NULL) {
		size_t i;
		char label[32];

		for (i = 0; i < sizeof(tlp2) / sizeof(tlp2[0]); i++)
			if (strcmp(tlp2[i].level, r->opts.tlp) == 0)
				break;
		if (i == sizeof(tlp2) / sizeof(tlp2[0]))
			return chousa_errf(err, CHOUSA_EINVAL, "unknown TLP "
			    "level '%s'", r->opts.tlp);
		render_tlp_label(r->opts.tlp, label, sizeof(label));
		obj_begin(r, "marking-definition", tlp2[i].id, 0);
		chousa_jw_kstr(w, "created", "2022-10-01T00:00:00.000Z");
		chousa_jw_kstr(w, "name", label);
		chousa_jw_key(w, "extensions");
		chousa_jw_object(w);
		chousa_jw_key(w, TLP2_EXTENSION);
		chousa_jw_object(w);
		chousa_jw_kstr(w, "extension_type", "property-extension");
		chousa_jw_kstr(w, "tlp_2_0", tlp2[i].level);
		chousa_jw_object_end(w);
		chousa_jw_object_end(w);
		chousa_jw_object_end(w);
		seen(st, tlp2[i].id);
		/* Every object after it carries the marking. */
		st->marking = tlp2[i].id;
	}
	seen(st, st->identity);
	obj_begin(r, "identity", st->identity, 0);
	chousa_jw_kstr(w, "created", st->now);
	chousa_jw_kstr(w, "modified", st->now);
	chousa_jw_kstr(w, "name", "chousa");
	chousa_jw_kstr(w, "identity_class", "system");
	snprintf(text, sizeof(text), "chousa %s, an investigation tool for "
	    "security analysts", CHOUSA_VERSION);
	chousa_jw_kstr(w, "description", text);
	chousa_jw_object_end(w);
	return CHOUSA_OK;
}

/* A family's aliases, "A, B", as a JSON array (64 at most). */
static void
aliases_array(struct chousa_jw *w, const char *aliases)
{
	const char *p = aliases, *c;
	size_t i;

	chousa_jw_key(w, "aliases");
	chousa_jw_array(w);
	for (i = 0; i < 64; i++) {
		c = strchr(p, ',');
		while (*p == ' ')
			p++;
		chousa_jw_strn(w, p, c != NULL ? (size_t)(c - p) : strlen(p));
		if (c == NULL)
			break;
		p = c + 1;
	}
	chousa_jw_array_end(w);
}

/*
 * The family of a malicious or suspicious report, with the samples that
 * belong to it: their observables, then the malware object once per
 * bundle.  malware (ID_SIZE) gets its id.
 */
static void
malware_object(struct chousa_render *r, const struct chousa_report *rep,
    char *malware)
{
	struct stix_state *st = r->state;
	struct chousa_jw *w = &st->w;
	const struct chousa_report_family *f = rep->family;
	char file_id[ID_SIZE];
	size_t i;

	make_id(malware, ID_SIZE, "malware", ns_chousa, f->id, strlen(f->id));
	for (i = 0; i < rep->n_samples; i++)
		sco(r, CHOUSA_IOC_SHA256, rep->samples[i].sha256, file_id);
	if (seen(st, malware))
		return;
	obj_begin(r, "malware", malware, 1);
	kstr_if(w, "name", f->name != NULL ? f->name : f->id);
	kstr_if(w, "description", f->description);
	chousa_jw_key(w, "malware_types");
	chousa_jw_array(w);
	chousa_jw_str(w, "unknown");
	chousa_jw_array_end(w);
	chousa_jw_kbool(w, "is_family", 1);
	if (f->aliases != NULL && f->aliases[0] != '\0')
		aliases_array(w, f->aliases);
	if (rep->n_samples > 0) {
		/* Ids only: the observables were written above. */
		chousa_jw_key(w, "sample_refs");
		chousa_jw_array(w);
		for (i = 0; i < rep->n_samples; i++)
			if (sco_id(st, CHOUSA_IOC_SHA256,
			    rep->samples[i].sha256, file_id) != NULL)
				chousa_jw_str(w, file_id);
		chousa_jw_array_end(w);
	}
	chousa_jw_object_end(w);
}

/* How each sample relates to the indicator, as chousa saw it. */
static void
sample_relationships(struct chousa_render *r,
    const struct chousa_report *rep, const char *input_id,
    const char *malware)
{
	char file_id[ID_SIZE];
	size_t i;

	for (i = 0; i < rep->n_samples; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];
		int rel = s->rel;

		if (!sco(r, CHOUSA_IOC_SHA256, s->sha256, file_id))
			continue;
		if (rel == CHOUSA_REL_DELIVERED)
			relationship(r, "related-to", input_id, file_id,
			    "delivered");
		else
			relationship(r, "related-to", file_id, input_id,
			    chousa_rel_name(rel));
		if (malware[0] != '\0' && (rel == CHOUSA_REL_CONTACTED ||
		    rel == CHOUSA_REL_C2) && rep->ind.type != CHOUSA_IOC_SHA256)
			relationship(r, "communicates-with", malware,
			    input_id, NULL);
		if (malware[0] != '\0' && rel == CHOUSA_REL_DROPPED)
			relationship(r, "drops", malware, file_id, NULL);
	}
}

/* The conclusion, as a note on the observable. */
static void
conclusion_note(struct chousa_render *r, const struct chousa_report *rep,
    const char *input_id, const char *malware)
{
	struct stix_state *st = r->state;
	struct chousa_jw *w = &st->w;
	char note[ID_SIZE];
	size_t i;

	chousa_buf_reset(&st->tmp);
	for (i = 0; i < rep->n_conclusion; i++) {
		if (i > 0)
			chousa_buf_addch(&st->tmp, ' ');
		chousa_buf_adds(&st->tmp, rep->conclusion[i]);
	}
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "note|%s|", input_id);
	chousa_buf_add(&st->name, st->tmp.data, st->tmp.len);
	make_id(note, ID_SIZE, "note", ns_chousa, st->name.data, st->name.len);
	if (seen(st, note))
		return;
	obj_begin(r, "note", note, 1);
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "chousa: %s",
	    chousa_verdict_name(rep->verdict));
	kstr_if(w, "abstract", st->name.data);
	kstr_if(w, "content", st->tmp.data);
	chousa_jw_key(w, "object_refs");
	chousa_jw_array(w);
	chousa_jw_str(w, input_id);
	if (malware[0] != '\0')
		chousa_jw_str(w, malware);
	chousa_jw_array_end(w);
	chousa_jw_object_end(w);
}

static int
stix_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct stix_state *st = r->state;
	struct chousa_buf *out = r->out;
	const struct chousa_report_family *f = rep->family;
	char input_id[ID_SIZE], malware[ID_SIZE];
	int has_input, bad;
	size_t i;

	(void)err;
	if (rep->parse_rc != CHOUSA_OK)
		return CHOUSA_OK;	/* nothing to describe */
	bad = rep->verdict == CHOUSA_V_MALICIOUS ||
	    rep->verdict == CHOUSA_V_SUSPICIOUS;
	has_input = sco(r, rep->ind.type, rep->ind.value, input_id);
	malware[0] = '\0';
	if (f != NULL && f->id != NULL && bad)
		malware_object(r, rep, malware);

	/* What to detect: the indicator itself and its samples. */
	if (bad) {
		indicator(r, rep->ind.type, rep->ind.value, rep->verdict,
		    rep->verdict_reason, malware[0] ? malware : NULL,
		    rep->confidence, rep->first_seen);
		/* A sample is as sure as the family it was tied by. */
		for (i = 0; i < rep->n_samples; i++)
			indicator(r, CHOUSA_IOC_SHA256, rep->samples[i].sha256,
			    CHOUSA_V_MALICIOUS, rep->samples[i].family,
			    malware[0] ? malware : NULL, f != NULL ?
			    f->confidence : 0, rep->samples[i].first_seen);
	}
	if (has_input)
		sample_relationships(r, rep, input_id, malware);
	if (has_input && rep->n_conclusion > 0)
		conclusion_note(r, rep, input_id, malware);
	if (st->tmp.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->tmp.failed;
	if (st->name.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->name.failed;
	return CHOUSA_OK;
}

static int
stix_end(struct chousa_render *r, struct chousa_err *err)
{
	struct stix_state *st = r->state;

	(void)err;
	if (st == NULL)
		return CHOUSA_OK;
	chousa_buf_addch(r->out, '\n');
	chousa_jw_array_end(&st->w);
	chousa_jw_object_end(&st->w);
	chousa_buf_addch(r->out, '\n');
	chousa_buf_release(&st->name);
	chousa_buf_release(&st->tmp);
	mem_free(st->seen);
	st->seen = NULL;
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_stix = {
	"stix", "a STIX 2.1 bundle: indicators, malware, relationships",
	stix_begin, stix_item, stix_end, NULL, 0
};
