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
	size_t		 n_attrs;
	size_t		 n_objects;
	int		 threat;	/* best (lowest) threat_level_id */
	const char	*first;		/* first input, for info (arena) */
	const char	*tags[MISP_MAX_TAGS];	/* family names (arena) */
	size_t		 n_tags;
	struct chousa_buf objects;	/* Object[] so far */
	struct chousa_buf name;
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

/* MISP's attribute type and category for an indicator type. */
static const char *
attr_type(int type, const char **category)
{
	*category = "Network activity";
	switch (type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
	case CHOUSA_IOC_CIDR:
		return "ip-dst";
	case CHOUSA_IOC_DOMAIN:
		return "domain";
	case CHOUSA_IOC_URL:
		return "url";
	case CHOUSA_IOC_ASN:
		return "AS";
	}
	*category = "Payload delivery";
	switch (type) {
	case CHOUSA_IOC_EMAIL:
		return "email-src";
	case CHOUSA_IOC_MD5:
		return "md5";
	case CHOUSA_IOC_SHA1:
		return "sha1";
	case CHOUSA_IOC_SHA256:
		return "sha256";
	case CHOUSA_IOC_SHA512:
		return "sha512";
	}
	return NULL;
}

static const char *
hash_type(const char *h)
{
	switch (strlen(h)) {
	case 32:
		return "md5";
	case 40:
		return "sha1";
	case 128:
		return "sha512";
	default:
		return "sha256";
	}
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
	char when[32];

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->objects, 0);
	chousa_buf_init(&st->name, 1 << 20);
	r->state = st;
	st->now = r->opts.now != 0 ? r->opts.now : (int64_t)time(NULL);
	st->threat = 4;
	chousa_time_format(st->now, when, sizeof(when));
	chousa_buf_addf(&st->name, "event|%s", when);
	digest_uuid5(st->event, ns_misp, st->name.data, st->name.len);
	chousa_buf_addf(r->out, "{\"Event\":{\"uuid\":\"%s\",\"date\":"
	    "\"%.10s\",\"timestamp\":\"%lld\",\"analysis\":\"2\","
	    "\"distribution\":\"0\",\"published\":false,\n\"Attribute\":[",
	    st->event, when, (long long)st->now);
	return CHOUSA_OK;
}

/* A Tag array of the family's galaxy cluster ("Tag":[...]), or nothing. */
static void
family_tag(struct chousa_buf *o, const char *family)
{
	struct chousa_buf name;

	if (family == NULL)
		return;
	chousa_buf_init(&name, 4096);
	/* MISP's galaxy cluster tag: the value is in double quotes. */
	chousa_buf_adds(&name, "misp-galaxy:malpedia=\"");
	chousa_buf_adds(&name, family);
	chousa_buf_adds(&name, "\"");
	chousa_buf_adds(o, ",\"Tag\":[{\"name\":");
	chousa_esc_json_str(o, name.data != NULL ? name.data : "");
	chousa_buf_adds(o, "}]");
	if (name.failed != CHOUSA_OK && o->failed == CHOUSA_OK)
		o->failed = name.failed;
	chousa_buf_release(&name);
}

/* One file Object for a sample, referencing the indicator's attribute. */
static void
sample_object(struct chousa_render *r, const struct chousa_report_sample *s,
    const char *attr_uuid, const char *family)
{
	struct misp_state *st = r->state;
	struct chousa_buf *o = &st->objects;
	char id[40], aid[40], ref[40];

	uuid(st, id, "object", s->sha256, attr_uuid);
	if (st->n_objects++ > 0)
		chousa_buf_adds(o, ",");
	chousa_buf_addf(o, "\n{\"uuid\":\"%s\",\"name\":\"file\","
	    "\"meta-category\":\"file\",\"template_uuid\":\"" FILE_TEMPLATE
	    "\",\"template_version\":\"" FILE_TEMPLATE_VERSION "\","
	    "\"distribution\":\"5\",\"comment\":", id);
	chousa_buf_reset(&st->name);
	chousa_buf_addf(&st->name, "%s sample", chousa_rel_name(s->rel));
	if (s->family != NULL) {
		chousa_buf_adds(&st->name, " of ");
		chousa_buf_adds(&st->name, s->family);
	}
	chousa_esc_json_str(o, st->name.data);
	chousa_buf_adds(o, ",\"Attribute\":[");
	uuid(st, aid, "object-hash", s->sha256, id);
	chousa_buf_addf(o, "{\"uuid\":\"%s\",\"type\":\"%s\","
	    "\"object_relation\":\"%s\",\"category\":\"Payload delivery\","
	    "\"to_ids\":true,\"value\":", aid, hash_type(s->sha256),
	    hash_type(s->sha256));
	chousa_esc_json_str(o, s->sha256);
	family_tag(o, family);
	chousa_buf_adds(o, "}");
	if (s->file_name != NULL) {
		uuid(st, aid, "object-filename", s->file_name, id);
		chousa_buf_addf(o, ",{\"uuid\":\"%s\",\"type\":\"filename\","
		    "\"object_relation\":\"filename\",\"category\":"
		    "\"Payload delivery\",\"to_ids\":false,\"value\":", aid);
		chousa_esc_json_str(o, s->file_name);
		chousa_buf_adds(o, "}");
	}
	/*
	 * A MIME type has its relation; a feed's file type ("doc", "exe")
	 * is the template's free text.
	 */
	if (s->file_type != NULL) {
		int mime = strchr(s->file_type, '/') != NULL;

		uuid(st, aid, "object-mimetype", s->file_type, id);
		chousa_buf_addf(o, ",{\"uuid\":\"%s\",\"type\":\"%s\","
		    "\"object_relation\":\"%s\",\"category\":"
		    "\"%s\",\"to_ids\":false,\"disable_correlation\":true,"
		    "\"value\":", aid, mime ? "mime-type" : "text", mime ?
		    "mimetype" : "text", mime ? "Payload delivery" : "Other");
		chousa_buf_reset(&st->name);
		if (!mime)
			chousa_buf_adds(&st->name, "file type: ");
		chousa_buf_adds(&st->name, s->file_type);
		chousa_esc_json_str(o, st->name.data);
		chousa_buf_adds(o, "}");
	}
	chousa_buf_adds(o, "]");
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
		chousa_buf_addf(o, ",\"ObjectReference\":[{\"uuid\":\"%s\","
		    "\"object_uuid\":\"%s\",\"referenced_uuid\":\"%s\","
		    "\"relationship_type\":\"%s\",\"comment\":", ref, id,
		    attr_uuid, rel);
		chousa_esc_json_str(o, chousa_rel_name(s->rel));
		chousa_buf_adds(o, "}]");
	}
	chousa_buf_adds(o, "}");
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
	struct chousa_buf *o = &st->objects;
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
		if (st->n_objects++ > 0)
			chousa_buf_adds(o, ",");
		chousa_buf_addf(o, "\n{\"uuid\":\"%s\",\"name\":\"ip-port\","
		    "\"meta-category\":\"network\",\"template_uuid\":\""
		    IP_PORT_TEMPLATE "\",\"template_version\":\""
		    IP_PORT_TEMPLATE_VERSION "\",\"distribution\":\"5\","
		    "\"comment\":\"the port its listings give\",\"Attribute\":[",
		    id);
		uuid(st, aid, "object-ip", rep->ind.value, id);
		chousa_buf_addf(o, "{\"uuid\":\"%s\",\"type\":\"ip-dst\","
		    "\"object_relation\":\"ip\",\"category\":"
		    "\"Network activity\",\"to_ids\":true,\"value\":", aid);
		chousa_esc_json_str(o, rep->ind.value);
		chousa_buf_adds(o, "}");
		uuid(st, aid, "object-port", port, id);
		chousa_buf_addf(o, ",{\"uuid\":\"%s\",\"type\":\"port\","
		    "\"object_relation\":\"dst-port\",\"category\":"
		    "\"Network activity\",\"to_ids\":false,"
		    "\"disable_correlation\":true,\"value\":\"%s\"}]", aid,
		    port);
		uuid(st, ref, "ref", id, attr_uuid);
		chousa_buf_addf(o, ",\"ObjectReference\":[{\"uuid\":\"%s\","
		    "\"object_uuid\":\"%s\",\"referenced_uuid\":\"%s\","
		    "\"relationship_type\":\"related-to\"}]}", ref, id,
		    attr_uuid);
	}
}

static int
misp_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct misp_state *st = r->state;
	struct chousa_buf *out = r->out;
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
	type = attr_type(rep->ind.type, &category);
	if (type != NULL) {
		uuid(st, id, "attribute", type, rep->ind.value);
		attr = id;
		if (st->n_attrs++ > 0)
			chousa_buf_adds(out, ",");
		chousa_buf_addf(out, "\n{\"uuid\":\"%s\",\"type\":\"%s\","
		    "\"category\":\"%s\",\"to_ids\":%s,\"distribution\":\"5\","
		    "\"value\":", id, type, category,
		    to_ids ? "true" : "false");
		chousa_esc_json_str(out, rep->ind.value);
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
		chousa_buf_adds(out, ",\"comment\":");
		chousa_esc_json_str(out, st->name.data);
		/* Each attribute says its own family: events mix them. */
		if (to_ids && rep->family != NULL)
			family_tag(out, rep->family->name != NULL ?
			    rep->family->name : rep->family->id);
		chousa_buf_adds(out, "}");
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
	size_t i;

	(void)err;
	if (st == NULL)
		return CHOUSA_OK;
	chousa_buf_adds(out, "],\n\"Object\":[");
	chousa_buf_add(out, st->objects.data, st->objects.len);
	chousa_buf_adds(out, "],\n\"Tag\":[");
	/* The TLP taxonomy's tag, first: "tlp:amber+strict". */
	if (r->opts.tlp != NULL)
		chousa_buf_addf(out, "{\"name\":\"tlp:%s\"}%s", r->opts.tlp,
		    st->n_tags > 0 ? "," : "");
	for (i = 0; i < st->n_tags; i++) {
		chousa_buf_reset(&st->name);
		/* MISP's galaxy cluster tag: the value is in double quotes. */
		chousa_buf_adds(&st->name, "misp-galaxy:malpedia=\"");
		chousa_buf_adds(&st->name, st->tags[i]);
		chousa_buf_adds(&st->name, "\"");
		chousa_buf_adds(out, i > 0 ? ",{\"name\":" : "{\"name\":");
		chousa_esc_json_str(out, st->name.data);
		chousa_buf_adds(out, "}");
	}
	chousa_buf_addf(out, "],\n\"threat_level_id\":\"%d\",\"info\":",
	    st->threat);
	chousa_buf_reset(&st->name);
	if (r->n_items == 1 && st->first != NULL) {
		chousa_buf_adds(&st->name, "chousa investigation of ");
		chousa_buf_adds(&st->name, st->first);
	} else
		chousa_buf_addf(&st->name, "chousa investigation of %zu "
		    "indicators", r->n_items);
	chousa_esc_json_str(out, st->name.data);
	chousa_buf_adds(out, "}}\n");
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
