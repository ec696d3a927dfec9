/*
 * stix.c: one STIX 2.1 bundle: chousa's identity, the TLP marking, an
 * indicator with a STIX pattern per indicator (valid from the first
 * sighting, the family and evidence as labels and an external reference,
 * the confidence), a malware object per family (is_family, its Malpedia
 * id and link) and an "indicates" relationship between them.  Ids are
 * version 5 uuids of what they name, so the same indicator keeps its id
 * from one export to the next and a TIP updates it instead of adding one.
 * The bundle is streamed: only the families are held until the end.
 */
#include <string.h>

#include "base/digest.h"
#include "base/mem.h"
#include "export/export.h"
#include "ioc/vocab.h"

/* chousa's namespace for STIX ids in exports (a fixed random uuid). */
static const unsigned char ns_export[16] = { 0x8f, 0x2a, 0x61, 0xd4, 0x0b,
    0x7e, 0x4c, 0x93, 0xa5, 0x18, 0x3d, 0x6f, 0xe2, 0x40, 0x9c, 0x57 };

#define IDENTITY_TIME	"2024-01-01T00:00:00.000Z"

struct stix {
	struct export_file	*out;
	char			 identity[64];
	const char		*marking;	/* the TLP 1.0 definition's id */
	struct export_map	 families;
	char			**names;	/* by index: name or NULL */
	char			(*ids)[80];	/* by index: the malware id */
	size_t			 cap_names;
	struct chousa_jw	 w;		/* into out->buf */
	struct chousa_buf	 tmp;
};

/* The TLP 1.0 marking definitions the STIX 2.1 spec predefines (7.2.1.4). */
static const struct tlp {
	const char	*tlp;
	const char	*id;
	const char	*name;		/* TLP 1.0's word */
	const char	*upper;
} tlps[] = {
	{ "clear", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	    "white", "WHITE" },
	{ "green", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	    "green", "GREEN" },
	{ "amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	    "amber", "AMBER" },
	{ "amber+strict",
	    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	    "amber", "AMBER" },
	{ "red", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
	    "red", "RED" },
};

static void
make_id(struct stix *s, char *out, size_t size, const char *type,
    const char *name)
{
	char uuid[37];

	chousa_buf_reset(&s->tmp);
	export_cat(&s->tmp, type, ":", name, (char *)NULL);
	digest_uuid5(uuid, ns_export, s->tmp.data, s->tmp.len);
	snprintf(out, size, "%s--%s", type, uuid);
}

/* A STIX timestamp with milliseconds, as created and modified need. */
static void
stix_time(char *out, int64_t t)
{
	char iso[24];

	export_date(iso, t);
	snprintf(out, 32, "%.19s.000Z", iso);
}

/* An object of the bundle begins, on a line of its own: its first members. */
static void
object_begin(struct stix *s, const char *type, const char *id)
{
	chousa_jw_newline(&s->w);
	chousa_jw_object(&s->w);
	chousa_jw_kstr(&s->w, "type", type);
	chousa_jw_kstr(&s->w, "spec_version", "2.1");
	chousa_jw_kstr(&s->w, "id", id);
}

/* created_by_ref, created, modified. */
static void
object_times(struct stix *s, const char *created, const char *modified)
{
	chousa_jw_kstr(&s->w, "created_by_ref", s->identity);
	chousa_jw_kstr(&s->w, "created", created);
	chousa_jw_kstr(&s->w, "modified", modified);
}

/* The TLP marking, and the object ends. */
static void
object_end(struct stix *s)
{
	chousa_jw_key(&s->w, "object_marking_refs");
	chousa_jw_array(&s->w);
	chousa_jw_str(&s->w, s->marking);
	chousa_jw_array_end(&s->w);
	chousa_jw_object_end(&s->w);
}

static int
stix_begin(struct export_run *r, struct chousa_err *err)
{
	struct stix *s = mem_alloc(sizeof(*s));
	const struct tlp *t = &tlps[0];
	struct chousa_jw *w;
	char id[64], stamp[32], name[32];
	size_t i;
	int rc;

	if (s == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = s;
	chousa_buf_init(&s->tmp, 0);
	rc = export_open(r, NULL, 1, &s->out, err);
	if (rc != CHOUSA_OK)
		return rc;
	w = &s->w;
	chousa_jw_init(w, &s->out->buf);
	for (i = 0; i < sizeof(tlps) / sizeof(tlps[0]); i++)
		if (strcmp(tlps[i].tlp, r->tlp) == 0)
			t = &tlps[i];
	s->marking = t->id;
	stix_time(stamp, r->stamp);
	make_id(s, id, sizeof(id), "bundle", stamp);
	make_id(s, s->identity, sizeof(s->identity), "identity", "chousa");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "type", "bundle");
	chousa_jw_kstr(w, "id", id);
	chousa_jw_key(w, "objects");
	chousa_jw_array(w);
	object_begin(s, "identity", s->identity);
	chousa_jw_kstr(w, "created", IDENTITY_TIME);
	chousa_jw_kstr(w, "modified", IDENTITY_TIME);
	chousa_jw_kstr(w, "name", "chousa");
	chousa_jw_kstr(w, "identity_class", "system");
	chousa_jw_kstr(w, "description", "chousa export of a local intel "
	    "store");
	chousa_jw_object_end(w);
	object_begin(s, "marking-definition", t->id);
	chousa_jw_kstr(w, "created", "2017-01-20T00:00:00.000Z");
	chousa_jw_kstr(w, "definition_type", "tlp");
	snprintf(name, sizeof(name), "TLP:%s", t->upper);
	chousa_jw_kstr(w, "name", name);
	chousa_jw_key(w, "definition");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "tlp", t->name);
	chousa_jw_object_end(w);
	chousa_jw_object_end(w);
	return chousa_buf_rc(&s->out->buf, "the bundle", err);
}

/* The family's malware object, remembered for the end: its id. */
static const char *
malware_for(struct export_run *r, const struct export_item *it,
    struct chousa_err *err, int *rc)
{
	struct stix *s = r->state;
	size_t i;
	int added;

	*rc = export_map_find(&s->families, it->family, &i, &added, err);
	if (*rc != CHOUSA_OK)
		return NULL;
	if (!added)
		return s->ids[i];
	if (i == s->cap_names) {
		size_t cap = s->cap_names ? s->cap_names * 2 : 16;
		char **v = mem_realloc(s->names, cap * sizeof(*v));
		char (*ids)[80];

		if (v != NULL) {
			memset(v + s->cap_names, 0,
			    (cap - s->cap_names) * sizeof(*v));
			s->names = v;
		}
		ids = v != NULL ? mem_realloc(s->ids, cap * sizeof(*ids)) :
		    NULL;
		if (ids == NULL) {
			*rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			return NULL;
		}
		s->ids = ids;
		s->cap_names = cap;
	}
	make_id(s, s->ids[i], sizeof(s->ids[i]), "malware", it->family);
	if (it->family_name != NULL) {
		s->names[i] = mem_strdup(it->family_name);
		if (s->names[i] == NULL) {
			*rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			return NULL;
		}
	}
	return s->ids[i];
}

/*
 * The relationship from indicator id to its family's malware object
 * (written at the end), with the indicator's times.
 */
static int
indicates(struct export_run *r, const struct export_item *it,
    const char *id, const char *created, const char *modified,
    struct chousa_err *err)
{
	struct stix *s = r->state;
	const char *mal;
	char rel[80];
	int rc;

	mal = malware_for(r, it, err, &rc);
	if (mal == NULL)
		return rc;
	/* Not in s->tmp: make_id builds its name there. */
	chousa_buf_reset(&r->line);
	export_cat(&r->line, id, " indicates ", mal, (char *)NULL);
	make_id(s, rel, sizeof(rel), "relationship", r->line.data);
	object_begin(s, "relationship", rel);
	object_times(s, created, modified);
	chousa_jw_kstr(&s->w, "relationship_type", "indicates");
	chousa_jw_kstr(&s->w, "source_ref", id);
	chousa_jw_kstr(&s->w, "target_ref", mal);
	object_end(s);
	return CHOUSA_OK;
}

static int
stix_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct stix *s = r->state;
	const struct chousa_export_row *row = it->row;
	struct chousa_jw *w = &s->w;
	char id[80], created[32], modified[32];
	int64_t t1, t2;
	int rc;

	t1 = row->first_seen > 0 ? row->first_seen : row->last_seen > 0 ?
	    row->last_seen : r->stamp;
	t2 = row->last_seen > t1 ? row->last_seen : t1;
	stix_time(created, t1);
	stix_time(modified, t2);
	make_id(s, id, sizeof(id), "indicator", row->value);
	object_begin(s, "indicator", id);
	object_times(s, created, modified);
	export_jw_kv(w, "name", row->value);
	export_jw_kv(w, "description", it->desc);
	chousa_jw_key(w, "indicator_types");
	chousa_jw_list(w, "malicious-activity", ',');
	chousa_buf_reset(&s->tmp);
	vocab_stix_pattern(&s->tmp, row->type, row->value);
	chousa_jw_key(w, "pattern");
	chousa_jw_strn(w, s->tmp.data, s->tmp.len);
	chousa_jw_kstr(w, "pattern_type", "stix");
	chousa_jw_kstr(w, "pattern_version", "2.1");
	chousa_jw_kstr(w, "valid_from", created);
	if (row->confidence >= 0)
		chousa_jw_kint(w, "confidence", row->confidence);
	if (it->family != NULL) {
		chousa_jw_key(w, "labels");
		chousa_jw_array(w);
		chousa_jw_str(w, it->family);
		chousa_jw_array_end(w);
	}
	if (it->reference != NULL) {
		chousa_jw_key(w, "external_references");
		chousa_jw_array(w);
		chousa_jw_object(w);
		chousa_jw_kstr(w, "source_name", it->sources != NULL ?
		    it->sources : "chousa");
		export_jw_kv(w, "url", it->reference);
		chousa_jw_object_end(w);
		chousa_jw_array_end(w);
	}
	object_end(s);
	if (it->family != NULL) {
		rc = indicates(r, it, id, created, modified, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return export_entry(s->out, err);
}

static int
stix_end(struct export_run *r, struct chousa_err *err)
{
	struct stix *s = r->state;
	struct chousa_jw *w = &s->w;
	char stamp[32];
	size_t i;

	stix_time(stamp, r->stamp);
	for (i = 0; i < s->families.n; i++) {
		const char *family = s->families.keys[i];

		object_begin(s, "malware", s->ids[i]);
		object_times(s, stamp, stamp);
		chousa_jw_kstr(w, "name", s->names[i] != NULL ? s->names[i] :
		    family);
		chousa_jw_kbool(w, "is_family", 1);
		if (s->names[i] != NULL) {
			chousa_jw_key(w, "aliases");
			chousa_jw_array(w);
			chousa_jw_str(w, family);
			chousa_jw_array_end(w);
			chousa_jw_key(w, "external_references");
			chousa_jw_array(w);
			chousa_jw_object(w);
			chousa_jw_kstr(w, "source_name", "malpedia");
			chousa_jw_kstr(w, "external_id", family);
			chousa_buf_reset(&s->tmp);
			export_cat(&s->tmp, "https://malpedia.caad.fkie."
			    "fraunhofer.de/details/", family, (char *)NULL);
			chousa_jw_kstr(w, "url", s->tmp.data);
			chousa_jw_object_end(w);
			chousa_jw_array_end(w);
		}
		object_end(s);
	}
	chousa_buf_addch(&s->out->buf, '\n');
	chousa_jw_array_end(w);
	chousa_jw_object_end(w);
	chousa_buf_addch(&s->out->buf, '\n');
	return chousa_buf_rc(&s->out->buf, "the bundle", err);
}

static void
stix_release(struct export_run *r)
{
	struct stix *s = r->state;
	size_t i;

	for (i = 0; i < s->families.n && i < s->cap_names; i++)
		mem_free(s->names[i]);
	mem_free(s->names);
	mem_free(s->ids);
	export_map_release(&s->families);
	chousa_buf_release(&s->tmp);
}

const struct export_format export_stix = {
	"stix",
	"a STIX 2.1 bundle: indicators with patterns, malware families, "
	"indicates relationships",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_HASHES |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_ASN),
	0, "chousa.stix.json",
	stix_begin, stix_item, stix_end, NULL, NULL, stix_release
};
