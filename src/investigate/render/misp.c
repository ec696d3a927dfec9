/*
 * misp.c: the reports as one MISP event, the JSON that MISP's "Add event
 * from JSON" and PyMISP read: an Attribute per investigated indicator
 * (to_ids only when chousa found it malicious or suspicious), a file
 * Object per sample with an ObjectReference to the indicator it relates
 * to, and the family as a Malpedia galaxy tag.  UUIDs are UUIDv5 of the
 * content, so re-importing the same investigation updates, never doubles.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/digest.h"
#include "base/mem.h"
#include "investigate/render/graph.h"
#include "investigate/render/render.h"
#include "ioc/vocab.h"

#define MISP_MAX_TAGS	64

/*
 * The object templates used, as MISP/misp-objects defines them
 * (objects/file, objects/ip-port: uuid and version), so that MISP shows
 * the objects with their template's relations.
 */
#define FILE_TEMPLATE		"688c46fb-5edb-40a3-8273-1af7923e2215"
#define FILE_TEMPLATE_VERSION	"25"
#define IP_PORT_TEMPLATE	"9f8cea74-16fe-4968-a2b4-026676949ac6"
#define IP_PORT_TEMPLATE_VERSION "10"

/* chousa's namespace for MISP uuids (a fixed random UUID). */
static const unsigned char ns_misp[16] = { 0x3b, 0x51, 0x7c, 0x0e, 0x92,
    0x6f, 0x4a, 0x2d, 0x8b, 0x13, 0xe4, 0x5a, 0x07, 0xc6, 0xd9, 0x21 };

struct misp_state {
	int64_t		 now;
	char		 event[40];	/* the event's uuid */
	int		 threat;	/* best (lowest) threat_level_id */
	const char	*first;		/* first input, for info (arena) */
	const char	*tags[MISP_MAX_TAGS];	/* family names (arena) */
	size_t		 n_tags;
	struct chousa_buf objects;	/* Object[] so far */
	struct chousa_buf name;
	struct chousa_jw w;		/* into r->out */
	struct chousa_jw ow;		/* into objects */
};

/* A uuid for what (in the event's namespace of content). */
static void
uuid(struct misp_state *st, char out[40], const char *kind, const char *a,
    const char *b)
{
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "%s|%s|%s|%s", st->event, kind,
	    a != NULL ? a : "", b != NULL ? b : "");
	digest_uuid5(out, ns_misp, st->name.data, st->name.len);
}

/* MISP threat levels: 1 high, 2 medium, 3 low, 4 undefined. */
static int
threat_level(const struct chousa_report *rep)
{
	if (rep->verdict == CHOUSA_V_MALICIOUS)
		return rep->family != NULL ? 1 : 2;
	if (rep->verdict == CHOUSA_V_SUSPICIOUS)
		return 3;
	return 4;
}

static int
misp_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct misp_state *st;
	struct chousa_jw *w;
	char when[32], date[16], stamp[24];

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->objects, 0);
	chousa_buf_init(&st->name, 1 << 20);
	r->state = st;
	st->now = chousa_stamp_time(r->opts.now);
	st->threat = 4;
	chousa_time_format(st->now, when, sizeof(when));
	chousa_buf_addf(&st->name, "event|%s", when);
	digest_uuid5(st->event, ns_misp, st->name.data, st->name.len);
	snprintf(date, sizeof(date), "%.10s", when);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)st->now);
	chousa_jw_init(&st->ow, &st->objects);
	chousa_jw_array(&st->ow);
	w = &st->w;
	chousa_jw_init(w, r->out);
	chousa_jw_object(w);
	chousa_jw_key(w, "Event");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "uuid", st->event);
	chousa_jw_kstr(w, "date", date);
	chousa_jw_kstr(w, "timestamp", stamp);
	chousa_jw_kstr(w, "analysis", "2");
	chousa_jw_kstr(w, "distribution", "0");
	chousa_jw_kbool(w, "published", 0);
	chousa_jw_newline(w);
	chousa_jw_key(w, "Attribute");
	chousa_jw_array(w);
	return CHOUSA_OK;
}

/* Malpedia's galaxy cluster tag of a family: the value in double quotes. */
static void
galaxy_tag(struct chousa_jw *w, struct chousa_buf *tmp, const char *family)
{
	chousa_buf_reset(tmp);
	vocab_misp_galaxy(tmp, family);
	vocab_misp_tag(w, tmp->data != NULL ? tmp->data : "");
}

/* A Tag array of the family's galaxy cluster ("Tag":[...]), or nothing. */
static void
family_tag(struct chousa_jw *w, const char *family)
{
	struct chousa_buf name;

	if (family == NULL)
		return;
	chousa_buf_init(&name, 4096);
	chousa_jw_key(w, "Tag");
	chousa_jw_array(w);
	galaxy_tag(w, &name, family);
	chousa_jw_array_end(w);
	if (name.failed != CHOUSA_OK && w->b->failed == CHOUSA_OK)
		w->b->failed = name.failed;
	chousa_buf_release(&name);
}

/* The members every attribute of an object begins with. */
static void
object_attr(struct chousa_jw *w, const char *uuid, const char *type,
    const char *relation, const char *category, int to_ids)
{
	chousa_jw_object(w);
	chousa_jw_kstr(w, "uuid", uuid);
	chousa_jw_kstr(w, "type", type);
	chousa_jw_kstr(w, "object_relation", relation);
	chousa_jw_kstr(w, "category", category);
	chousa_jw_kbool(w, "to_ids", to_ids);
}

/* The members every object begins with, up to its comment. */
static void
object_head(struct chousa_jw *w, const char *uuid, const char *name,
    const char *meta, const char *template, const char *version)
{
	chousa_jw_newline(w);
	chousa_jw_object(w);
	chousa_jw_kstr(w, "uuid", uuid);
	chousa_jw_kstr(w, "name", name);
	chousa_jw_kstr(w, "meta-category", meta);
	chousa_jw_kstr(w, "template_uuid", template);
	chousa_jw_kstr(w, "template_version", version);
	chousa_jw_kstr(w, "distribution", "5");
}

/* An ObjectReference array of one reference. */
static void
object_ref(struct chousa_jw *w, const char *uuid, const char *from,
    const char *to, const char *type, const char *comment)
{
	chousa_jw_key(w, "ObjectReference");
	chousa_jw_array(w);
	chousa_jw_object(w);
	chousa_jw_kstr(w, "uuid", uuid);
	chousa_jw_kstr(w, "object_uuid", from);
	chousa_jw_kstr(w, "referenced_uuid", to);
	chousa_jw_kstr(w, "relationship_type", type);
	if (comment != NULL)
		chousa_jw_kstr(w, "comment", comment);
	chousa_jw_object_end(w);
	chousa_jw_array_end(w);
}

/* One file Object for a sample, referencing the indicator's attribute. */
static void
sample_object(struct chousa_render *r, const struct chousa_report_sample *s,
    const char *attr_uuid, const char *family)
{
	struct misp_state *st = r->state;
	struct chousa_jw *o = &st->ow;
	const char *type, *category;
	char id[40], aid[40], ref[40];

	uuid(st, id, "object", s->sha256, attr_uuid);
	object_head(o, id, "file", "file", FILE_TEMPLATE,
	    FILE_TEMPLATE_VERSION);
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "%s sample", chousa_rel_name(s->rel));
	if (s->family != NULL) {
		chousa_buf_adds(&st->name, " of ");
		chousa_buf_adds(&st->name, s->family);
	}
	chousa_jw_kstr(o, "comment", st->name.data);
	chousa_jw_key(o, "Attribute");
	chousa_jw_array(o);
	uuid(st, aid, "object-hash", s->sha256, id);
	type = vocab_misp_type(vocab_hash_type(s->sha256), 0, &category);
	object_attr(o, aid, type, type, category, 1);
	chousa_jw_kstr(o, "value", s->sha256);
	family_tag(o, family);
	chousa_jw_object_end(o);
	if (s->file_name != NULL) {
		uuid(st, aid, "object-filename", s->file_name, id);
		object_attr(o, aid, "filename", "filename", "Payload delivery",
		    0);
		chousa_jw_kstr(o, "value", s->file_name);
		chousa_jw_object_end(o);
	}
	/*
	 * A MIME type has its relation; a feed's file type ("doc", "exe")
	 * is the template's free text.
	 */
	if (s->file_type != NULL) {
		int mime = strchr(s->file_type, '/') != NULL;

		uuid(st, aid, "object-mimetype", s->file_type, id);
		object_attr(o, aid, mime ? "mime-type" : "text", mime ?
		    "mimetype" : "text", mime ? "Payload delivery" : "Other",
		    0);
		chousa_jw_kbool(o, "disable_correlation", 1);
		chousa_buf_reset(&st->name);
		if (!mime)
			chousa_buf_adds(&st->name, "file type: ");
		chousa_buf_adds(&st->name, s->file_type);
		chousa_jw_kstr(o, "value", st->name.data);
		chousa_jw_object_end(o);
	}
	chousa_jw_array_end(o);
	if (attr_uuid != NULL) {
		const char *rel;

		switch (s->rel) {
		case CHOUSA_REL_DELIVERED:
			rel = "downloaded-from";
			break;
		case CHOUSA_REL_CONTACTED:
		case CHOUSA_REL_C2:
			rel = "communicates-with";
			break;
		case CHOUSA_REL_DROPPED:
			rel = "drops";
			break;
		default:
			rel = "related-to";
		}
		uuid(st, ref, "ref", id, attr_uuid);
		object_ref(o, ref, id, attr_uuid, rel,
		    chousa_rel_name(s->rel));
	}
	chousa_jw_object_end(o);
}

static void
add_tag(struct chousa_render *r, const char *name)
{
	struct misp_state *st = r->state;
	size_t i;

	for (i = 0; i < st->n_tags; i++)
		if (strcmp(st->tags[i], name) == 0)
			return;
	if (st->n_tags < MISP_MAX_TAGS)
		st->tags[st->n_tags++] = chousa_arena_strdup(r->arena, name);
	if (st->n_tags > 0 && st->tags[st->n_tags - 1] == NULL)
		st->n_tags--;	/* out of memory: the tag is lost, not junk */
}

/* A sample's family as its display name when the report knows it. */
static const char *
family_name(const struct chousa_report *rep, const char *id)
{
	size_t i;

	if (rep->family == NULL)
		return id;
	if (strcmp(rep->family->id, id) == 0 && rep->family->name != NULL)
		return rep->family->name;
	for (i = 0; i < rep->family->n_votes; i++)
		if (strcmp(rep->family->votes[i].id, id) == 0 &&
		    rep->family->votes[i].name != NULL)
			return rep->family->votes[i].name;
	return id;
}

/*
 * The ports feeds list for the input address (ThreatFox's ip:port, Feodo
 * Tracker's C2 port), as one ip-port object per port.
 */
static void
port_object(struct chousa_render *r, const struct chousa_report *rep,
    const char *attr_uuid)
{
	struct misp_state *st = r->state;
	struct chousa_jw *o = &st->ow;
	unsigned ports[16];
	size_t n = 0, i, k;
	char id[40], aid[40], ref[40], port[16];

	if (rep->ind.type != CHOUSA_IOC_IPV4 && rep->ind.type !=
	    CHOUSA_IOC_IPV6)
		return;
	for (i = 0; i < rep->n_listed; i++) {
		const struct chousa_listing *l = &rep->listed[i];

		if (l->port == 0 || strcmp(l->rec.value, rep->ind.value) != 0)
			continue;
		for (k = 0; k < n; k++)
			if (ports[k] == l->port)
				break;
		if (k == n && n < 16)
			ports[n++] = l->port;
	}
	for (k = 0; k < n; k++) {
		snprintf(port, sizeof(port), "%u", ports[k]);
		uuid(st, id, "object-ip-port", rep->ind.value, port);
		object_head(o, id, "ip-port", "network", IP_PORT_TEMPLATE,
		    IP_PORT_TEMPLATE_VERSION);
		chousa_jw_kstr(o, "comment", "the port its listings give");
		chousa_jw_key(o, "Attribute");
		chousa_jw_array(o);
		uuid(st, aid, "object-ip", rep->ind.value, id);
		object_attr(o, aid, "ip-dst", "ip", "Network activity", 1);
		chousa_jw_kstr(o, "value", rep->ind.value);
		chousa_jw_object_end(o);
		uuid(st, aid, "object-port", port, id);
		object_attr(o, aid, "port", "dst-port", "Network activity", 0);
		chousa_jw_kbool(o, "disable_correlation", 1);
		chousa_jw_kstr(o, "value", port);
		chousa_jw_object_end(o);
		chousa_jw_array_end(o);
		uuid(st, ref, "ref", id, attr_uuid);
		object_ref(o, ref, id, attr_uuid, "related-to", NULL);
		chousa_jw_object_end(o);
	}
}

static int
misp_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct misp_state *st = r->state;
	struct chousa_buf *out = r->out;
	struct chousa_jw *w = &st->w;
	const char *type, *category;
	char id[40], *attr = NULL;
	int to_ids, level;
	size_t i;

	(void)err;
	if (rep->parse_rc != CHOUSA_OK)
		return CHOUSA_OK;
	if (st->first == NULL)
		st->first = chousa_arena_strdup(r->arena, rep->ind.value);
	level = threat_level(rep);
	if (level < st->threat)
		st->threat = level;
	to_ids = rep->verdict == CHOUSA_V_MALICIOUS ||
	    rep->verdict == CHOUSA_V_SUSPICIOUS;
	type = vocab_misp_type(rep->ind.type, 0, &category);
	if (type != NULL) {
		uuid(st, id, "attribute", type, rep->ind.value);
		attr = id;
		chousa_jw_newline(w);
		chousa_jw_object(w);
		chousa_jw_kstr(w, "uuid", id);
		chousa_jw_kstr(w, "type", type);
		chousa_jw_kstr(w, "category", category);
		chousa_jw_kbool(w, "to_ids", to_ids);
		chousa_jw_kstr(w, "distribution", "5");
		chousa_jw_kstr(w, "value", rep->ind.value);
		chousa_buf_reset(&st->name);
		chousa_buf_addf(&st->name, "chousa: %s",
		    chousa_verdict_name(rep->verdict));
		if (rep->verdict_reason != NULL) {
			chousa_buf_adds(&st->name, ", ");
			chousa_buf_adds(&st->name, rep->verdict_reason);
		}
		for (i = 0; i < rep->n_conclusion; i++) {
			chousa_buf_adds(&st->name, i == 0 ? ". " : " ");
			chousa_buf_adds(&st->name, rep->conclusion[i]);
		}
		chousa_jw_kstr(w, "comment", st->name.data);
		/* Each attribute says its own family: events mix them. */
		if (to_ids && rep->family != NULL)
			family_tag(w, rep->family->name != NULL ?
			    rep->family->name : rep->family->id);
		chousa_jw_object_end(w);
	}
	for (i = 0; i < rep->n_samples; i++)
		sample_object(r, &rep->samples[i], attr,
		    rep->samples[i].family != NULL ? family_name(rep,
		    rep->samples[i].family) : NULL);
	if (attr != NULL)
		port_object(r, rep, attr);
	if (rep->family != NULL && to_ids) {
		const char *name = rep->family->name != NULL ?
		    rep->family->name : rep->family->id;

		if (name != NULL)
			add_tag(r, name);
	}
	if (st->name.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->name.failed;
	if (st->objects.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->objects.failed;
	return CHOUSA_OK;
}

static int
misp_end(struct chousa_render *r, struct chousa_err *err)
{
	struct misp_state *st = r->state;
	struct chousa_buf *out = r->out;
	struct chousa_jw *w;
	char tlp[32], level[16];
	size_t i;

	(void)err;
	if (st == NULL)
		return CHOUSA_OK;
	w = &st->w;
	chousa_jw_array_end(w);
	chousa_jw_array_end(&st->ow);
	chousa_jw_newline(w);
	chousa_jw_key(w, "Object");
	chousa_jw_raw(w, st->objects.data != NULL ? st->objects.data : "[]",
	    st->objects.data != NULL ? st->objects.len : 2);
	chousa_jw_newline(w);
	chousa_jw_key(w, "Tag");
	chousa_jw_array(w);
	/* The TLP taxonomy's tag, first: "tlp:amber+strict". */
	if (r->opts.tlp != NULL) {
		snprintf(tlp, sizeof(tlp), "tlp:%s", r->opts.tlp);
		vocab_misp_tag(w, tlp);
	}
	for (i = 0; i < st->n_tags; i++)
		galaxy_tag(w, &st->name, st->tags[i]);
	chousa_jw_array_end(w);
	chousa_jw_newline(w);
	snprintf(level, sizeof(level), "%d", st->threat);
	chousa_jw_kstr(w, "threat_level_id", level);
	chousa_buf_reset(&st->name);
	if (r->n_items == 1 && st->first != NULL) {
		chousa_buf_adds(&st->name, "chousa investigation of ");
		chousa_buf_adds(&st->name, st->first);
	} else
		chousa_buf_addf(&st->name, "chousa investigation of %zu "
		    "indicators", r->n_items);
	chousa_jw_kstr(w, "info", st->name.data);
	chousa_jw_object_end(w);
	chousa_jw_object_end(w);
	chousa_buf_addch(out, '\n');
	if (st->objects.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->objects.failed;
	chousa_buf_release(&st->objects);
	chousa_buf_release(&st->name);
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_misp = {
	"misp", "a MISP event (JSON) with attributes, file objects and tags",
	misp_begin, misp_item, misp_end, NULL, 0
};
