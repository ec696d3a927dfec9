/*
 * misp.c: MISP events in every shape they are saved in: the event object
 * bare (PyMISP's to_json), wrapped ({"Event": {...}}), in a REST response
 * ({"response": [...]}, wrapped or bare), an array of wrapped events (a
 * saved search), and MISP feeds (a directory, its manifest.json or its
 * hashes.csv, with the <uuid>.json event files beside).
 *
 * An attribute with to_ids true is a listing: it may make a verdict.  One
 * with to_ids false is an observation (a sandbox report names every host a
 * sample touched, benign ones too): identification evidence only.  Tags
 * such as misp-galaxy:malpedia="Emotet" and malpedia galaxy clusters give
 * the family; object references (communicates-with, connects-to,
 * downloaded-from, drops) between a file object and a network object
 * become relations.  An event's attributes are held in a temporary table
 * until its tags, which may come last, are known.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define FEED_MAX_EVENTS	100000
#define IPS_CIDR	(CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR))
#define TAGS_MAX	1024

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS misp_attr (obj TEXT, uuid TEXT,"
	" type TEXT, value TEXT, seen INTEGER, last INTEGER, family TEXT,"
	" tags TEXT, comment TEXT, to_ids INTEGER, at TEXT);"
	"CREATE TEMP TABLE IF NOT EXISTS misp_ref (src TEXT, dst TEXT,"
	" kind TEXT);"
	"DELETE FROM misp_attr; DELETE FROM misp_ref;";

static const char clear_sql[] = "DELETE FROM misp_attr; DELETE FROM misp_ref;";

/* Where the events are: the keys above an event object. */
struct form {
	const char	*prefix[3];	/* "response", "[]", "Event" */
	int		 n;
	int		 many;		/* the prefix holds an array */
};

struct misp {
	struct imp	*imp;
	sqlite3_stmt	*put_attr;
	sqlite3_stmt	*put_ref;
	struct form	 form;
	const char	*file;		/* the event file of a feed, or NULL */
	/* The event at hand. */
	char		 at[96];	/* where it starts ("response[2]") */
	int		 open;
	char		 family[128];	/* from the event's tags */
	int		 family_prio;
	char		 uuid[64];
	char		 info[128];
	struct chousa_buf tags;		/* the event's tags, comma-joined */
	uint64_t	 n_events;
	uint64_t	 n_attrs;
};

/* ---- which shape ---- */

/* Whether a sampled object is a MISP event, bare. */
static int
is_event(const struct shape_obj *o)
{
	const struct shape_key *k;

	if (o == NULL || (!shape_has(o, "info", -1) &&
	    !shape_has(o, "Attribute", J_ARR) &&
	    !shape_has(o, "Object", J_ARR)))
		return 0;
	if (shape_has(o, "Attribute", J_ARR) || shape_has(o, "Object", J_ARR)
	    || shape_has(o, "Orgc", -1) || shape_has(o, "threat_level_id", -1)
	    || shape_has(o, "analysis", -1))
		return 1;
	k = shape_key(o, "uuid");
	return k != NULL && shape_has(o, "date", -1);
}

/* A bare event whose keys are sorted: its Attribute[] comes first. */
static int
is_attribute(const struct shape_obj *o)
{
	return o != NULL && shape_has(o, "type", J_STR) &&
	    shape_has(o, "value", -1) && (shape_has(o, "category", -1) ||
	    shape_has(o, "to_ids", -1));
}

/* A feed's manifest: {"<event uuid>": {"info": ..., "timestamp": ...}}. */
static int
is_manifest(const struct jshape *sh)
{
	const struct shape_obj *ev = shape_gobj(sh, "*");
	const struct shape_obj *root = shape_obj(sh, "");

	if (ev == NULL || root == NULL || root->n_keys == 0 ||
	    strlen(root->keys[0].name) < 32 ||
	    strspn(root->keys[0].name, "0123456789abcdefABCDEF-") !=
	    strlen(root->keys[0].name))
		return 0;
	return shape_has(ev, "info", -1) && (shape_has(ev, "timestamp", -1) ||
	    shape_has(ev, "Orgc", -1) || shape_has(ev, "date", -1));
}

static int
misp_probe_json(const struct jshape *sh)
{
	const struct shape_obj *root = shape_obj(sh, "");
	const struct shape_obj *el;

	if (sh->root == J_OBJ) {
		if (shape_has(root, "Event", J_OBJ))
			return 95;
		if (shape_has(root, "response", J_ARR)) {
			el = shape_obj(sh, "response[]");
			if (shape_has(el, "Event", J_OBJ) || is_event(el))
				return 95;
			return el == NULL && !sh->complete ? 30 : 0;
		}
		if (is_manifest(sh))
			return 90;
		if (is_event(root) || is_attribute(shape_obj(sh,
		    "Attribute[]")))
			return 90;
		return 0;
	}
	if (sh->root == J_ARR) {
		el = shape_obj(sh, "[]");
		if (shape_has(el, "Event", J_OBJ))
			return 95;
		return is_event(el) && (shape_has(el, "Attribute", J_ARR) ||
		    shape_has(el, "Object", J_ARR)) ? 90 : 0;
	}
	return 0;
}

/* A feed's hashes.csv: "<md5 of a value>,<event uuid>" lines. */
static int
misp_probe(const char *p, size_t len)
{
	size_t n;
	const char *line = probe_first_data(p, len, &n);

	if (line == NULL || n < 34 || line[32] != ',' ||
	    strspn(line, "0123456789abcdef") != 32 ||
	    strspn(line + 33, "0123456789abcdef-") < 32)
		return 0;
	return 90;
}

static void
form_of(const struct jshape *sh, struct form *f)
{
	const struct shape_obj *root = shape_obj(sh, "");

	memset(f, 0, sizeof(*f));
	if (sh->root == J_ARR) {
		f->prefix[f->n++] = "[]";
		f->many = 1;
		if (shape_has(shape_obj(sh, "[]"), "Event", J_OBJ))
			f->prefix[f->n++] = "Event";
	} else if (shape_has(root, "Event", J_OBJ)) {
		f->prefix[f->n++] = "Event";
	} else if (shape_has(root, "response", J_ARR)) {
		f->prefix[f->n++] = "response";
		f->prefix[f->n++] = "[]";
		f->many = 1;
		if (shape_has(shape_obj(sh, "response[]"), "Event", J_OBJ))
			f->prefix[f->n++] = "Event";
	}
}

/* ---- tags and families ---- */

/*
 * The family a tag names, with its priority (lower is better), or 0.
 * misp-galaxy:malpedia="Emotet" beats other malware galaxies, which beat
 * malware_classification.  The value may be unquoted (banker=Qakbot).
 */
static int
tag_family(const char *tag, char *out, size_t out_size)
{
	const char *q = strchr(tag, '=');
	size_t n;
	int prio;

	if (q == NULL)
		return 0;
	if (strncmp(tag, "misp-galaxy:malpedia=", 21) == 0)
		prio = 1;
	else if (strncmp(tag, "misp-galaxy:", 12) == 0 &&
	    (strstr(tag, "malware") != NULL && strstr(tag, "malware") < q))
		prio = 2;
	else if (strncmp(tag, "misp-galaxy:banker=", 19) == 0 ||
	    strncmp(tag, "misp-galaxy:ransomware=", 23) == 0 ||
	    strncmp(tag, "misp-galaxy:rat=", 16) == 0 ||
	    strncmp(tag, "misp-galaxy:stealer=", 20) == 0 ||
	    strncmp(tag, "misp-galaxy:botnet=", 19) == 0)
		prio = 2;
	else if (strncmp(tag, "malware_classification:", 23) == 0)
		prio = 3;
	else
		return 0;
	q++;
	if (*q == '"')
		q++;
	n = strcspn(q, "\"");
	if (n == 0 || n >= out_size)
		return 0;
	memcpy(out, q, n);
	out[n] = '\0';
	return prio;
}

/* The best family of a Tag[] array, and its names into tags (or NULL). */
static void
tags_read(const struct jnode *tags, char *family, size_t family_size,
    int *prio, struct chousa_buf *names)
{
	char one[128];
	size_t i;
	int p;

	if (tags == NULL || tags->type != J_ARR)
		return;
	for (i = 0; i < tags->n; i++) {
		const struct jnode *t = tags->v[i];
		const char *name = jt_text(jt_get(t, "Tag") != NULL ?
		    jt_get(t, "Tag") : t, "name");

		if (name == NULL || name[0] == '\0')
			continue;
		if (names != NULL && strlen(name) < 200 && strchr(name, ',') ==
		    NULL) {
			if (names->len > 0)
				chousa_buf_addch(names, ',');
			chousa_buf_adds(names, name);
		}
		p = tag_family(name, one, sizeof(one));
		if (p != 0 && (*prio == 0 || p < *prio)) {
			*prio = p;
			snprintf(family, family_size, "%s", one);
		}
	}
}

/* ---- reading an event ---- */

/* How many of path's keys are the form's prefix; -1 when they are not. */
static int
past_prefix(const struct misp *m, char path[][JT_PATH_KEY], int depth)
{
	int i;

	if (depth < m->form.n)
		return -1;
	for (i = 0; i < m->form.n; i++)
		if (strcmp(path[i], m->form.prefix[i]) != 0)
			return -1;
	return m->form.n;
}

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	const struct misp *m = arg;
	int n = past_prefix(m, path, depth), r, lists;
	const char *k;

	if (n < 0)
		return 0;
	r = depth - n;
	k = path[n];
	lists = strcmp(k, "Attribute") == 0 || strcmp(k, "Object") == 0 ||
	    strcmp(k, "Tag") == 0 || strcmp(k, "EventTag") == 0 ||
	    strcmp(k, "Galaxy") == 0;
	if (r == 1)
		return lists ? JT_LIST : strcmp(k, "uuid") == 0 ||
		    strcmp(k, "info") == 0;
	return r == 2 && strcmp(path[n + 1], "[]") == 0 && lists;
}

/* A truth value as MISP writes them: true, "1", 1; dflt when absent. */
static int
truth(const struct jnode *v, int dflt)
{
	if (v == NULL || v->type == J_NULL)
		return dflt;
	if (v->type == J_BOOL)
		return v->b;
	if (v->s == NULL)
		return dflt;
	return strcmp(v->s, "1") == 0 || strcmp(v->s, "true") == 0 ||
	    strcmp(v->s, "True") == 0;
}

/* A MISP time: epoch seconds (as a string or number) or ISO 8601. */
static int64_t
misp_time(const char *s)
{
	char *end;
	long long t;

	if (s == NULL || s[0] == '\0')
		return 0;
	t = strtoll(s, &end, 10);
	if (*end == '\0')
		return t > 0 ? (int64_t)t : 0;
	return imp_time(s);
}

static int
hold_attr(struct misp *m, const char *obj, const struct jnode *a,
    const char *at)
{
	struct imp *imp = m->imp;
	char family[128] = "";
	struct chousa_buf tags;
	sqlite3_stmt *s = m->put_attr;
	int64_t ts = misp_time(jt_text(a, "timestamp"));
	int64_t first = misp_time(jt_text(a, "first_seen"));
	int64_t last = misp_time(jt_text(a, "last_seen"));
	int prio = 0, rc;

	if (a->type != J_OBJ || jt_text(a, "type") == NULL ||
	    jt_text(a, "value") == NULL) {
		snprintf(imp->where, sizeof(imp->where), "%s", at);
		return imp_reject(imp, 0, "an attribute without type or "
		    "value");
	}
	if (truth(jt_get(a, "deleted"), 0)) {
		imp_skip(imp, "deleted attributes");
		return CHOUSA_OK;
	}
	chousa_buf_init(&tags, TAGS_MAX);
	tags_read(jt_get(a, "Tag"), family, sizeof(family), &prio, &tags);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_text(s, 1, obj, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, jt_text(a, "uuid"), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, jt_text(a, "type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, jt_text(a, "value"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, first != 0 ? first : ts);
	sqlite3_bind_int64(s, 6, last != 0 ? last : ts);
	if (family[0] != '\0')
		sqlite3_bind_text(s, 7, family, -1, SQLITE_TRANSIENT);
	if (tags.len > 0 && !tags.failed)
		sqlite3_bind_text(s, 8, tags.data, (int)tags.len,
		    SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 9, jt_text(a, "comment"), -1, SQLITE_STATIC);
	/* Absent: MISP's own default for the types kept, which is true. */
	sqlite3_bind_int(s, 10, truth(jt_get(a, "to_ids"), 1));
	sqlite3_bind_text(s, 11, at, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? CHOUSA_OK : store_dberr(imp->st,
	    imp->err, "cannot hold a MISP attribute");
	chousa_buf_release(&tags);
	m->n_attrs++;
	return rc;
}

static int
hold_object(struct misp *m, const struct jnode *o)
{
	struct imp *imp = m->imp;
	const char *uuid = jt_text(o, "uuid");
	const struct jnode *attrs = jt_get(o, "Attribute");
	const struct jnode *refs = jt_get(o, "ObjectReference");
	char at[sizeof(imp->where)], one[sizeof(imp->where) + 24];
	size_t i;
	int rc = CHOUSA_OK;

	memcpy(at, imp->where, sizeof(at));
	if (truth(jt_get(o, "deleted"), 0))
		return CHOUSA_OK;
	/* Attributes that cannot be read are a rejected row, never none. */
	if (attrs != NULL && attrs->type != J_ARR && attrs->type != J_NULL) {
		imp_row(imp);
		return imp_reject(imp, 0, "an object whose Attribute is not a "
		    "list");
	}
	for (i = 0; attrs != NULL && attrs->type == J_ARR &&
	    i < attrs->n && rc == CHOUSA_OK; i++) {
		imp_row(imp);
		snprintf(one, sizeof(one), "%s.Attribute[%zu]", at, i);
		rc = hold_attr(m, uuid, attrs->v[i], one);
	}
	for (i = 0; refs != NULL && refs->type == J_ARR &&
	    i < refs->n && rc == CHOUSA_OK; i++) {
		const struct jnode *r = refs->v[i];
		sqlite3_stmt *s = m->put_ref;
		const char *src = jt_text(r, "object_uuid");

		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, src != NULL ? src : uuid, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 2, jt_text(r, "referenced_uuid"), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 3, jt_text(r, "relationship_type"), -1,
		    SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_dberr(imp->st, imp->err,
			    "cannot hold a MISP reference");
	}
	return rc;
}

static int end_event(struct misp *m);

/* Which event a record at where belongs to: "response[2]", or "". */
static void
event_at(const struct misp *m, const char *where, char *out, size_t size)
{
	const char *end = m->form.many ? strchr(where, ']') : NULL;
	size_t n = end != NULL ? (size_t)(end - where) + 1 : 0;

	if (n >= size)
		n = size - 1;
	memcpy(out, where, n);
	out[n] = '\0';
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *o)
{
	struct misp *m = arg;
	struct imp *imp = m->imp;
	int n = past_prefix(m, path, depth), rc;
	const char *k = path[n];
	char at[sizeof(m->at)];

	rc = imp_scratch(imp);
	if (rc != CHOUSA_OK)
		return rc;
	/* The next event of a response or an array: the last one is done. */
	event_at(m, imp->where, at, sizeof(at));
	if (m->open && strcmp(at, m->at) != 0) {
		rc = end_event(m);
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (!m->open) {
		m->open = 1;
		memcpy(m->at, at, sizeof(at));
	}
	if (depth - n == 1) {
		if (o->type == J_STR && strcmp(k, "uuid") == 0)
			snprintf(m->uuid, sizeof(m->uuid), "%s", o->s);
		else if (o->type == J_STR)
			snprintf(m->info, sizeof(m->info), "%s", o->s);
		return CHOUSA_OK;
	}
	if (strcmp(k, "Tag") == 0 || strcmp(k, "EventTag") == 0) {
		struct jnode one = { J_ARR, NULL, 0, 0, 1, 1, NULL, &o };

		tags_read(&one, m->family, sizeof(m->family),
		    &m->family_prio, &m->tags);
		return CHOUSA_OK;
	}
	if (strcmp(k, "Galaxy") == 0) {
		const struct jnode *cl = jt_get(o, "GalaxyCluster");
		const char *type = jt_text(o, "type");

		if (cl == NULL || cl->type != J_ARR || cl->n == 0 ||
		    jt_text(cl->v[0], "value") == NULL)
			return CHOUSA_OK;
		if (type != NULL && strcmp(type, "malpedia") == 0 &&
		    (m->family_prio == 0 || m->family_prio > 1)) {
			m->family_prio = 1;
			snprintf(m->family, sizeof(m->family), "%s",
			    jt_text(cl->v[0], "value"));
		}
		return CHOUSA_OK;
	}
	if (strcmp(k, "Attribute") == 0) {
		char where[sizeof(imp->where)];

		imp_row(imp);
		memcpy(where, imp->where, sizeof(where));
		return hold_attr(m, NULL, o, where);
	}
	return hold_object(m, o);
}

/* ---- writing an event ---- */

/* What a MISP attribute type holds: the type mask of each '|' part. */
static void
attr_types(const char *t, unsigned *first, unsigned *second)
{
	static const struct {
		const char	*name;
		unsigned	 first;
		unsigned	 second;
	} map[] = {
		{ "domain", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN), 0 },
		{ "hostname", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN), 0 },
		{ "ip-dst", IPS_CIDR, 0 },
		{ "ip-src", IPS_CIDR, 0 },
		{ "url", CHOUSA_IOC_BIT(CHOUSA_IOC_URL), 0 },
		{ "md5", CHOUSA_IOC_BIT(CHOUSA_IOC_MD5), 0 },
		{ "sha1", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1), 0 },
		{ "sha256", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256), 0 },
		{ "email-src", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), 0 },
		{ "email-dst", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), 0 },
		{ "ip-dst|port", CHOUSA_IOC_IPS, 0 },
		{ "ip-src|port", CHOUSA_IOC_IPS, 0 },
		{ "hostname|port", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN), 0 },
		{ "domain|ip", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN),
		    CHOUSA_IOC_IPS },
		{ "filename|md5", 0, CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) },
		{ "filename|sha1", 0, CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) },
		{ "filename|sha256", 0, CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256) },
		{ "malware-sample", 0, CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) },
	};
	size_t i;

	*first = *second = 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, t) == 0) {
			*first = map[i].first;
			*second = map[i].second;
			return;
		}
}

/* One attribute row of misp_attr, as it is written. */
struct held {
	const char	*family;
	const char	*tags;
	const char	*reference;
	const char	*uuid;
	int64_t		 seen, last;
	int		 to_ids;
};

static int
put_part(struct misp *m, const struct held *h, const char *v, size_t len,
    unsigned mask, unsigned port)
{
	struct imp_ind r;

	memset(&r, 0, sizeof(r));
	r.value = v;
	r.value_len = len;
	r.types = mask;
	r.url_context = 1;
	r.port = port;
	r.first_seen = h->seen;
	r.last_seen = h->last;
	r.family = h->family;
	r.tags = h->tags;
	r.reference = h->reference;
	r.source_id = h->uuid;
	r.confidence = -1;
	r.is_observation = !h->to_ids;
	return imp_put_indicator(m->imp, &r, 0);
}

/* The event's tags and the attribute's, comma-joined, in the arena. */
static const char *
join_tags(struct misp *m, const char *attr_tags)
{
	if (m->tags.len == 0 || m->tags.failed)
		return attr_tags;
	if (attr_tags == NULL)
		return chousa_arena_strdup(m->imp->a, m->tags.data);
	return chousa_arena_printf(m->imp->a, "%s,%s", m->tags.data,
	    attr_tags);
}

/*
 * A link to the record: the attribute's comment when it is one (feeds put
 * the post the value came from there), else the event by uuid and title.
 */
static const char *
reference(struct misp *m, const char *comment)
{
	if (comment != NULL && (strncmp(comment, "https://", 8) == 0 ||
	    strncmp(comment, "http://", 7) == 0) && strchr(comment, ' ') ==
	    NULL)
		return comment;
	if (m->uuid[0] == '\0' && m->info[0] == '\0')
		return NULL;
	return chousa_arena_printf(m->imp->a, "MISP event %s%s%.60s%s",
	    m->uuid, m->uuid[0] != '\0' && m->info[0] != '\0' ? ": " : "",
	    m->info, strlen(m->info) > 60 ? "..." : "");
}

static int
put_attr(struct misp *m, sqlite3_stmt *s)
{
	struct imp *imp = m->imp;
	const char *type = (const char *)sqlite3_column_text(s, 0);
	const char *v = (const char *)sqlite3_column_text(s, 1);
	const char *bar = v != NULL ? strchr(v, '|') : NULL;
	struct held h;
	unsigned first, second;
	int rc = CHOUSA_OK;

	snprintf(imp->where, sizeof(imp->where), "%s%s%s", m->file != NULL ?
	    m->file : "", m->file != NULL ? ": " : "",
	    (const char *)sqlite3_column_text(s, 9));
	if (type == NULL || v == NULL)
		return CHOUSA_OK;
	attr_types(type, &first, &second);
	if (first == 0 && second == 0) {
		/* comment, text, filename, regkey, AS ... */
		imp_skip(imp, type);
		return CHOUSA_OK;
	}
	memset(&h, 0, sizeof(h));
	h.seen = sqlite3_column_int64(s, 2);
	h.last = sqlite3_column_int64(s, 3);
	h.family = (const char *)sqlite3_column_text(s, 4);
	if (h.family == NULL && m->family[0] != '\0')
		h.family = m->family;
	h.tags = join_tags(m, (const char *)sqlite3_column_text(s, 5));
	h.reference = reference(m, (const char *)sqlite3_column_text(s, 6));
	h.to_ids = sqlite3_column_int(s, 7);
	h.uuid = (const char *)sqlite3_column_text(s, 8);
	if (bar == NULL)
		return put_part(m, &h, v, strlen(v), first | second, 0);
	if (second == 0 && strstr(type, "|port") != NULL) {
		long port = strtol(bar + 1, NULL, 10);

		return put_part(m, &h, v, (size_t)(bar - v), first,
		    port > 0 && port < 65536 ? (unsigned)port : 0);
	}
	if (first != 0)
		rc = put_part(m, &h, v, (size_t)(bar - v), first, 0);
	if (rc == CHOUSA_OK && second != 0)
		rc = put_part(m, &h, bar + 1, strlen(bar + 1), second, 0);
	return rc;
}

static int
put_attrs(struct misp *m)
{
	struct imp *imp = m->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT type, value, seen, last,"
	    " family, tags, comment, to_ids, uuid, at FROM misp_attr"
	    " ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read MISP");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		rc = imp_scratch(imp);
		if (rc == CHOUSA_OK)
			rc = put_attr(m, s);
	}
	sqlite3_finalize(s);
	imp->where[0] = '\0';
	return rc;
}

static int
rel_kind(const char *k, int *swap)
{
	*swap = 0;
	if (k == NULL)
		return 0;
	if (strcmp(k, "communicates-with") == 0 ||
	    strcmp(k, "connects-to") == 0 || strcmp(k, "contacts") == 0)
		return CHOUSA_REL_CONTACTED;
	if (strcmp(k, "downloaded-from") == 0) {
		*swap = 1;
		return CHOUSA_REL_DELIVERED;
	}
	if (strcmp(k, "drops") == 0 || strcmp(k, "dropped-by") == 0) {
		*swap = k[1] == 'r' && k[5] == '-';
		return CHOUSA_REL_DROPPED;
	}
	if (strcmp(k, "downloads") == 0)
		return CHOUSA_REL_DELIVERED;
	return 0;
}

/* The value that stands for an object: a hash first, else a network one. */
static int
object_value(struct misp *m, const char *uuid, int *type, const char **out)
{
	static const char sql[] = "SELECT type, value FROM misp_attr WHERE"
	    " (obj = ?1 OR uuid = ?1) ORDER BY CASE type WHEN 'sha256' THEN 0"
	    " WHEN 'sha1' THEN 1 WHEN 'md5' THEN 2 WHEN 'url' THEN 3"
	    " WHEN 'domain' THEN 4 WHEN 'hostname' THEN 4 WHEN 'ip-dst' THEN 5"
	    " WHEN 'ip-src' THEN 5 ELSE 9 END LIMIT 1";
	struct chousa_indicator ind;
	sqlite3_stmt *s = NULL;
	unsigned first, second;
	int rc = CHOUSA_ENOTFOUND;

	if (sqlite3_prepare_v2(m->imp->st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(m->imp->st, m->imp->err, "cannot read MISP");
	sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		const char *v = (const char *)sqlite3_column_text(s, 1);

		attr_types(t, &first, &second);
		if (first != 0 && second == 0 && strchr(v, '|') == NULL &&
		    chousa_ioc_parse(m->imp->a, v, strlen(v), first, &ind,
		    NULL) == CHOUSA_OK) {
			*type = ind.type;
			*out = ind.value;
			rc = CHOUSA_OK;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

static int
put_refs(struct misp *m)
{
	struct imp *imp = m->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT src, dst, kind FROM"
	    " misp_ref", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read MISP");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(s, 0);
		const char *dst = (const char *)sqlite3_column_text(s, 1);
		const char *a, *b;
		int swap, ta, tb, kind, ra, rb;

		kind = rel_kind((const char *)sqlite3_column_text(s, 2),
		    &swap);
		if (kind == 0 || src == NULL || dst == NULL)
			continue;
		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			break;
		ra = object_value(m, src, &ta, &a);
		rb = object_value(m, dst, &tb, &b);
		/* Not found is the reference's; anything else the store's. */
		if (ra != CHOUSA_OK && ra != CHOUSA_ENOTFOUND) {
			rc = ra;
			break;
		}
		if (rb != CHOUSA_OK && rb != CHOUSA_ENOTFOUND) {
			rc = rb;
			break;
		}
		if (ra != CHOUSA_OK || rb != CHOUSA_OK)
			continue;
		rc = swap ? imp_put_relation(imp, kind, tb, b, ta, a, 0) :
		    imp_put_relation(imp, kind, ta, a, tb, b, 0);
	}
	sqlite3_finalize(s);
	return rc;
}

/* The event at hand is read: write it, and make ready for the next. */
static int
end_event(struct misp *m)
{
	int rc;

	if (!m->open)
		return CHOUSA_OK;
	rc = put_attrs(m);
	if (rc == CHOUSA_OK)
		rc = put_refs(m);
	if (rc == CHOUSA_OK)
		rc = store_exec(m->imp->st, clear_sql, m->imp->err);
	m->open = 0;
	m->n_events++;
	m->family[0] = m->uuid[0] = m->info[0] = '\0';
	m->family_prio = 0;
	chousa_buf_reset(&m->tags);
	return rc;
}

/* The events of one document, read from imp->in, of shape sh. */
static int
run_events(struct misp *m, const struct jshape *sh)
{
	int rc;

	form_of(sh, &m->form);
	rc = json_stream(m->imp, want, record, m);
	if (rc == CHOUSA_OK)
		rc = end_event(m);
	m->open = 0;
	return rc;
}

/* ---- feeds ---- */

/* A feed's manifest: collect the event uuids. */
static int
manifest_want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	(void)arg;
	(void)path;
	return depth == 1;
}

static int
manifest_record(void *arg, char path[][JT_PATH_KEY], int depth,
    struct jnode *o)
{
	struct chousa_buf *uuids = arg;
	size_t n = strlen(path[0]);

	(void)depth;
	(void)o;
	/* Only names that are safe as file names: hex digits and dashes. */
	if (n > 0 && strspn(path[0], "0123456789abcdefABCDEF-") == n)
		chousa_buf_add(uuids, path[0], n + 1);
	return CHOUSA_OK;
}

/* One event file of a feed. */
static int
run_file(struct misp *m, const char *path, const char *name)
{
	struct imp *imp = m->imp;
	struct import_src src = { path, NULL, 0 };
	const struct importer *importer;
	struct jshape *sh = NULL;
	struct input *ev = NULL;
	int rc;

	rc = input_open(&ev, path, imp->err);
	if (rc == CHOUSA_OK)
		rc = import_choose("misp", &src, ev, &importer, &sh,
		    imp->err);
	if (rc == CHOUSA_OK && sh == NULL)
		rc = chousa_errf(imp->err, CHOUSA_EFORMAT, "'%s' is not a "
		    "MISP event", path);
	if (rc == CHOUSA_ENOMEM || rc == CHOUSA_EDB)
		goto out;
	if (rc != CHOUSA_OK) {
		/* A missing or unreadable event file is a rejected row. */
		imp->where[0] = '\0';
		rc = imp_reject(imp, 0, "event %s: %s", name,
		    imp->err != NULL ? imp->err->msg : "cannot read it");
		goto out;
	}
	imp->in = ev;
	m->file = name;
	rc = run_events(m, sh);
	m->file = NULL;
	imp->in = NULL;
out:
	input_free(ev);
	mem_free(sh);
	return rc;
}

static int
run_feed(struct misp *m, const char *dir)
{
	struct imp *imp = m->imp;
	struct input *manifest = NULL, *saved = imp->in;
	struct chousa_buf uuids, path;
	struct stat sb;
	const char *u, *end;
	int rc = CHOUSA_OK, n = 0;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "feed");
	chousa_buf_init(&uuids, (size_t)16 << 20);
	chousa_buf_init(&path, PATH_MAX);
	chousa_buf_addf(&path, "%s/manifest.json", dir);
	rc = chousa_buf_rc(&path, "a path", imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	/* Any directory reaches here (auto picks this importer for one):
	 * name what it lacks, not a manifest path the user never gave. */
	if (stat(path.data, &sb) != 0 && errno == ENOENT) {
		rc = chousa_errf(imp->err, CHOUSA_EIO, "'%s' is a directory, "
		    "not a MISP feed (no manifest.json in it): name the "
		    "files to import", dir);
		goto out;
	}
	rc = input_open(&manifest, path.data, imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	imp->in = manifest;
	rc = json_stream(imp, manifest_want, manifest_record, &uuids);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(&uuids, "the manifest", imp->err);
	input_free(manifest);
	imp->in = NULL;
	if (rc != CHOUSA_OK)
		goto out;
	for (u = uuids.data, end = u + uuids.len; u < end && n <
	    FEED_MAX_EVENTS && rc == CHOUSA_OK; u += strlen(u) + 1, n++) {
		char name[80];

		snprintf(name, sizeof(name), "%.40s.json", u);
		chousa_buf_reset(&path);
		chousa_buf_addf(&path, "%s/%s", dir, name);
		rc = chousa_buf_rc(&path, "a path", imp->err);
		if (rc == CHOUSA_OK)
			rc = run_file(m, path.data, name);
	}
out:
	imp->in = saved;
	chousa_buf_release(&uuids);
	chousa_buf_release(&path);
	return rc;
}

/* The directory of a file path: its own copy, or "." */
static int
feed_dir(struct misp *m)
{
	char *dir, *slash;
	int rc;

	if (m->imp->from_memory)
		return chousa_errf(m->imp->err, CHOUSA_EFORMAT, "a MISP feed's "
		    "index read from memory has no event files beside it");
	dir = mem_strdup(m->imp->path);
	if (dir == NULL)
		return chousa_errf(m->imp->err, CHOUSA_ENOMEM,
		    "out of memory");
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	rc = run_feed(m, slash != NULL ? dir : ".");
	mem_free(dir);
	return rc;
}

static int
misp_run(struct imp *imp)
{
	struct misp *m = mem_alloc(sizeof(*m));
	int rc;

	if (m == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	m->imp = imp;
	chousa_buf_init(&m->tags, TAGS_MAX);
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO misp_attr VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", -1,
	    &m->put_attr, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(imp->st->db, "INSERT INTO misp_ref VALUES"
	    " (?1, ?2, ?3)", -1, &m->put_ref, NULL) != SQLITE_OK) {
		rc = store_dberr(imp->st, imp->err, "cannot hold MISP");
		goto out;
	}
	if (imp->in == NULL)
		rc = run_feed(m, imp->path);
	else if (imp->shape == NULL || is_manifest(imp->shape))
		/* A manifest.json or hashes.csv: the events are beside it. */
		rc = feed_dir(m);
	else {
		snprintf(imp->rep->format, sizeof(imp->rep->format), "event");
		rc = run_events(m, imp->shape);
		if (rc == CHOUSA_OK && m->n_events > 1)
			snprintf(imp->rep->format, sizeof(imp->rep->format),
			    "%llu events", (unsigned long long)m->n_events);
	}
	if (rc == CHOUSA_OK && m->n_attrs == 0 && imp->rep->rejected == 0)
		snprintf(imp->rep->note, sizeof(imp->rep->note),
		    "%s holds no attributes", m->n_events > 1 ? "no event" :
		    "the event");
out:
	sqlite3_finalize(m->put_attr);
	sqlite3_finalize(m->put_ref);
	chousa_buf_release(&m->tags);
	mem_free(m);
	return rc;
}

const struct importer importer_misp = {
	.feed = {
		.name = "misp",
		.title = "MISP",
		.local_source = "local-lists",
		.flags = CHOUSA_FEED_DIRECTORY | CHOUSA_FEED_SOURCE_NAME,
	},
	.expects = "a MISP event or feed (manifest.json and events)",
	.help = "an event bare, wrapped, in a REST response or a saved "
	    "search, or a feed: its directory, manifest.json or hashes.csv",
	.probe = misp_probe,
	.run = misp_run,
	.probe_json = misp_probe_json,
};
