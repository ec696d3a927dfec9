/*
 * misp.c: MISP events ({"Event": {...}} with Attribute[] and Object[] with
 * ObjectReference[]) and MISP feeds (a directory, or its manifest.json,
 * listing <uuid>.json event files).  Tags such as misp-galaxy:malpedia=
 * "Emotet" and malpedia galaxy clusters give the family; object references
 * (communicates-with, connects-to, downloaded-from, drops) between a file
 * object and a network object become relations.  Attributes are held in a
 * temporary table until the event's tags, which may come last, are known.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define FEED_MAX_EVENTS	100000
#define IPS_CIDR	(CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR))

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS misp_attr (obj TEXT, uuid TEXT,"
	" type TEXT, value TEXT, ts INTEGER, family TEXT);"
	"CREATE TEMP TABLE IF NOT EXISTS misp_ref (src TEXT, dst TEXT,"
	" kind TEXT);"
	"DELETE FROM misp_attr; DELETE FROM misp_ref;";

struct misp {
	struct imp	*imp;
	sqlite3_stmt	*put_attr;
	sqlite3_stmt	*put_ref;
	char		 family[128];	/* from the event's tags */
	int		 family_prio;
	char		 uuid[64];
};

static int
misp_probe(const char *p, size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	if (!probe_starts(p, len, '{'))
		return 0;
	if (imp_contains(p, n, "\"Event\""))
		return 95;
	if (imp_contains(p, n, "\"info\"") &&
	    imp_contains(p, n, "\"timestamp\"") &&
	    imp_contains(p, n, "\"uuid\""))
		return 60;
	return 0;
}

/*
 * The family a tag names, with its priority (lower is better), or 0.
 * misp-galaxy:malpedia="Emotet" beats other malware galaxies, which beat
 * malware_classification.
 */
static int
tag_family(const char *tag, char *out, size_t out_size)
{
	const char *q = strchr(tag, '=');
	size_t n;
	int prio;

	if (q == NULL || q[1] != '"')
		return 0;
	if (strncmp(tag, "misp-galaxy:malpedia=", 21) == 0)
		prio = 1;
	else if (strncmp(tag, "misp-galaxy:", 12) == 0 &&
	    strstr(tag, "malware") != NULL && strstr(tag, "malware") < q)
		prio = 2;
	else if (strncmp(tag, "malware_classification:", 23) == 0)
		prio = 3;
	else
		return 0;
	q += 2;
	n = strcspn(q, "\"");
	if (n == 0 || n >= out_size)
		return 0;
	memcpy(out, q, n);
	out[n] = '\0';
	return prio;
}

/* The best family among a Tag[] array; "" when none. */
static void
tags_family(const struct jnode *tags, char *out, size_t out_size, int *prio)
{
	char one[128];
	size_t i;
	int p;

	if (tags == NULL || tags->type != J_ARR)
		return;
	for (i = 0; i < tags->n; i++) {
		const char *name = jstr(tags->v[i], "name");

		if (name == NULL)
			continue;
		p = tag_family(name, one, sizeof(one));
		if (p != 0 && (*prio == 0 || p < *prio)) {
			*prio = p;
			snprintf(out, out_size, "%s", one);
		}
	}
}

static int
want(void *arg, char path[][JSON_PATH_KEY], int depth)
{
	(void)arg;
	if (strcmp(path[0], "Event") != 0)
		return 0;
	if (depth == 2)
		return strcmp(path[1], "uuid") == 0;
	return depth == 3 && strcmp(path[2], "[]") == 0 &&
	    (strcmp(path[1], "Attribute") == 0 ||
	    strcmp(path[1], "Object") == 0 || strcmp(path[1], "Tag") == 0 ||
	    strcmp(path[1], "Galaxy") == 0);
}

static int
hold_attr(struct misp *m, const char *obj, const struct jnode *a)
{
	char family[128] = "";
	int prio = 0;
	sqlite3_stmt *s = m->put_attr;
	const char *ts = jstr(a, "timestamp");

	if (jstr(a, "type") == NULL || jstr(a, "value") == NULL)
		return imp_reject(m->imp, 0, "an attribute without type or "
		    "value");
	tags_family(jget(a, "Tag"), family, sizeof(family), &prio);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	sqlite3_bind_text(s, 1, obj, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, jstr(a, "uuid"), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, jstr(a, "type"), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, jstr(a, "value"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, ts != NULL ? strtoll(ts, NULL, 10) : 0);
	if (family[0] != '\0')
		sqlite3_bind_text(s, 6, family, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_dberr(m->imp->st, m->imp->err,
		    "cannot hold a MISP attribute");
	return CHOUSA_OK;
}

static int
record(void *arg, char path[][JSON_PATH_KEY], int depth, struct jnode *o)
{
	struct misp *m = arg;
	struct imp *imp = m->imp;
	size_t i;
	int rc;

	rc = imp_scratch(imp);
	if (rc != CHOUSA_OK)
		return rc;
	if (depth == 2) {
		if (o->type == J_STR)
			snprintf(m->uuid, sizeof(m->uuid), "%s", o->s);
		return CHOUSA_OK;
	}
	if (strcmp(path[1], "Tag") == 0) {
		struct jnode one = { J_ARR, NULL, 0, 0, 1, 1, NULL, &o };

		tags_family(&one, m->family, sizeof(m->family),
		    &m->family_prio);
		return CHOUSA_OK;
	}
	if (strcmp(path[1], "Galaxy") == 0) {
		const struct jnode *cl = jget(o, "GalaxyCluster");
		const char *type = jstr(o, "type");

		if (cl == NULL || cl->type != J_ARR || cl->n == 0 ||
		    jstr(cl->v[0], "value") == NULL)
			return CHOUSA_OK;
		if (type != NULL && strcmp(type, "malpedia") == 0 &&
		    (m->family_prio == 0 || m->family_prio > 1)) {
			m->family_prio = 1;
			snprintf(m->family, sizeof(m->family), "%s",
			    jstr(cl->v[0], "value"));
		}
		return CHOUSA_OK;
	}
	if (strcmp(path[1], "Attribute") == 0) {
		imp_row(imp);
		return hold_attr(m, NULL, o);
	}
	/* An object: its attributes and its references. */
	{
		const char *uuid = jstr(o, "uuid");
		const struct jnode *attrs = jget(o, "Attribute");
		const struct jnode *refs = jget(o, "ObjectReference");

		for (i = 0; attrs != NULL && attrs->type == J_ARR &&
		    i < attrs->n && rc == CHOUSA_OK; i++) {
			imp_row(imp);
			rc = hold_attr(m, uuid, attrs->v[i]);
		}
		for (i = 0; refs != NULL && refs->type == J_ARR &&
		    i < refs->n && rc == CHOUSA_OK; i++) {
			const struct jnode *r = refs->v[i];
			sqlite3_stmt *s = m->put_ref;
			const char *src = jstr(r, "object_uuid");

			sqlite3_reset(s);
			sqlite3_bind_text(s, 1, src != NULL ? src : uuid, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(s, 2, jstr(r, "referenced_uuid"), -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(s, 3, jstr(r, "relationship_type"),
			    -1, SQLITE_STATIC);
			if (sqlite3_step(s) != SQLITE_DONE)
				rc = store_dberr(imp->st, imp->err,
				    "cannot hold a MISP reference");
		}
	}
	return rc;
}

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

static int
put_part(struct misp *m, const char *v, size_t len, unsigned mask,
    unsigned port, int64_t ts, const char *family, const char *uuid)
{
	struct imp_ind r;

	memset(&r, 0, sizeof(r));
	r.value = v;
	r.value_len = len;
	r.types = mask;
	r.port = port;
	r.first_seen = ts;
	r.last_seen = ts;
	r.family = family;
	r.source_id = uuid;
	r.confidence = -1;
	return imp_put_indicator(m->imp, &r, 0);
}

static int
put_attrs(struct misp *m)
{
	struct imp *imp = m->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT type, value, ts, family,"
	    " uuid FROM misp_attr", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read MISP");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		const char *v = (const char *)sqlite3_column_text(s, 1);
		const char *fam = (const char *)sqlite3_column_text(s, 3);
		const char *uuid = (const char *)sqlite3_column_text(s, 4);
		const char *bar = v != NULL ? strchr(v, '|') : NULL;
		int64_t ts = sqlite3_column_int64(s, 2);
		unsigned first, second;

		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK || type == NULL || v == NULL)
			break;
		if (fam == NULL && m->family[0] != '\0')
			fam = m->family;
		attr_types(type, &first, &second);
		if (first == 0 && second == 0)
			continue;	/* comments, filenames, ... */
		if (bar == NULL) {
			rc = put_part(m, v, strlen(v), first | second, 0, ts,
			    fam, uuid);
			continue;
		}
		if (second == 0 && strstr(type, "|port") != NULL) {
			long port = strtol(bar + 1, NULL, 10);

			rc = put_part(m, v, (size_t)(bar - v), first,
			    port > 0 && port < 65536 ? (unsigned)port : 0, ts,
			    fam, uuid);
			continue;
		}
		if (first != 0)
			rc = put_part(m, v, (size_t)(bar - v), first, 0, ts,
			    fam, uuid);
		if (rc == CHOUSA_OK && second != 0)
			rc = put_part(m, bar + 1, strlen(bar + 1), second, 0,
			    ts, fam, uuid);
	}
	sqlite3_finalize(s);
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
		if (ra == CHOUSA_EDB || rb == CHOUSA_EDB) {
			rc = CHOUSA_EDB;
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

/* One event file, read from imp->in. */
static int
run_event(struct misp *m)
{
	struct imp *imp = m->imp;
	int rc;

	m->family[0] = '\0';
	m->family_prio = 0;
	m->uuid[0] = '\0';
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = json_stream(imp, want, record, m);
	if (rc == CHOUSA_OK)
		rc = put_attrs(m);
	if (rc == CHOUSA_OK)
		rc = put_refs(m);
	return rc;
}

/* A feed's manifest: collect the event uuids. */
static int
manifest_want(void *arg, char path[][JSON_PATH_KEY], int depth)
{
	(void)arg;
	(void)path;
	return depth == 1;
}

static int
manifest_record(void *arg, char path[][JSON_PATH_KEY], int depth,
    struct jnode *o)
{
	struct chousa_buf *uuids = arg;
	size_t i, n = strlen(path[0]);

	(void)depth;
	(void)o;
	/* Only names that are safe as file names: hex digits and dashes. */
	for (i = 0; i < n; i++)
		if (!((path[0][i] >= '0' && path[0][i] <= '9') ||
		    (path[0][i] >= 'a' && path[0][i] <= 'f') ||
		    (path[0][i] >= 'A' && path[0][i] <= 'F') ||
		    path[0][i] == '-'))
			return CHOUSA_OK;
	if (n > 0)
		chousa_buf_add(uuids, path[0], n + 1);
	return CHOUSA_OK;
}

static int
run_feed(struct misp *m, const char *dir)
{
	struct imp *imp = m->imp;
	struct input *manifest = imp->in, *saved = imp->in;
	struct chousa_buf uuids, path;
	const char *u, *end;
	int rc = CHOUSA_OK, n = 0;

	chousa_buf_init(&uuids, (size_t)16 << 20);
	chousa_buf_init(&path, PATH_MAX);
	if (manifest == NULL) {
		chousa_buf_addf(&path, "%s/manifest.json", dir);
		rc = chousa_buf_rc(&path, "a path", imp->err);
		if (rc == CHOUSA_OK)
			rc = input_open(&manifest, path.data, imp->err);
		if (rc != CHOUSA_OK)
			goto out;
		imp->in = manifest;
	}
	rc = json_stream(imp, manifest_want, manifest_record, &uuids);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(&uuids, "the manifest", imp->err);
	if (manifest != saved)
		input_free(manifest);
	imp->in = NULL;
	if (rc != CHOUSA_OK)
		goto out;
	for (u = uuids.data, end = u + uuids.len; u < end && n <
	    FEED_MAX_EVENTS; u += strlen(u) + 1, n++) {
		struct input *ev = NULL;

		chousa_buf_reset(&path);
		chousa_buf_addf(&path, "%s/%s.json", dir, u);
		rc = chousa_buf_rc(&path, "a path", imp->err);
		if (rc == CHOUSA_OK)
			rc = input_open(&ev, path.data, imp->err);
		if (rc != CHOUSA_OK) {
			/* A missing event file is a rejected row. */
			rc = imp_reject(imp, 0, "event %s: cannot open it", u);
			if (rc != CHOUSA_OK)
				break;
			continue;
		}
		imp->in = ev;
		rc = run_event(m);
		imp->in = NULL;
		input_free(ev);
		if (rc != CHOUSA_OK)
			break;
	}
out:
	imp->in = saved;
	chousa_buf_release(&uuids);
	chousa_buf_release(&path);
	return rc;
}

static int
misp_run(struct imp *imp)
{
	struct misp *m = mem_alloc(sizeof(*m));
	const char *p = "";
	size_t len = 0;
	int rc;

	if (m == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	m->imp = imp;
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO misp_attr VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6)", -1, &m->put_attr, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(imp->st->db, "INSERT INTO misp_ref VALUES"
	    " (?1, ?2, ?3)", -1, &m->put_ref, NULL) != SQLITE_OK) {
		rc = store_dberr(imp->st, imp->err, "cannot hold MISP");
		goto out;
	}
	if (imp->in != NULL) {
		rc = input_peek(imp->in, &p, &len, imp->err);
		if (rc != CHOUSA_OK)
			goto out;
	}
	if (imp->in == NULL) {
		snprintf(imp->rep->format, sizeof(imp->rep->format), "feed");
		rc = run_feed(m, imp->path);
	} else if (!imp_contains(p, len < 8192 ? len : 8192, "\"Event\"")) {
		/* A manifest.json: the events are beside it. */
		char *dir = mem_strdup(imp->path), *slash;

		if (dir == NULL) {
			rc = chousa_errf(imp->err, CHOUSA_ENOMEM,
			    "out of memory");
			goto out;
		}
		slash = strrchr(dir, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(imp->rep->format, sizeof(imp->rep->format), "feed");
		rc = run_feed(m, slash != NULL ? dir : ".");
		mem_free(dir);
	} else {
		snprintf(imp->rep->format, sizeof(imp->rep->format), "event");
		rc = run_event(m);
	}
out:
	sqlite3_finalize(m->put_attr);
	sqlite3_finalize(m->put_ref);
	mem_free(m);
	return rc;
}

const struct importer importer_misp = {
	"misp", "a MISP event JSON or feed (manifest.json and events)",
	misp_probe, misp_run, 0
};
