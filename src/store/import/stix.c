/*
 * stix.c: STIX 2.0 and 2.1, as a bundle (keys in any order), an array of
 * objects, or one object.  An indicator is a listing: each equality in
 * its pattern on a domain, URL, address, range, e-mail or file hash (and
 * network-traffic's dst_ref.value) becomes an indicator, with the family an
 * `indicates` relationship names, its labels as tags, and the link of the
 * report that cites it.  Cyber observables (top-level in 2.1, inside
 * observed-data in 2.0) are observations: what a sandbox or a sensor saw,
 * evidence to identify, never a verdict.  Relationships between a file
 * and a network observable (communicates-with, downloads, drops,
 * related-to) become relations.  A bundle may list objects in any order,
 * so references are resolved at the end through temporary tables.
 */
#include <stdlib.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define NET_TYPES	(CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR))

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS stix_obj (sid TEXT, kind TEXT,"
	" types INTEGER, value TEXT, seen INTEGER, last INTEGER, at TEXT,"
	" tags TEXT, ref TEXT, confidence INTEGER);"
	"CREATE TEMP TABLE IF NOT EXISTS stix_rel (kind TEXT, src TEXT,"
	" dst TEXT, seen INTEGER);"
	"CREATE INDEX IF NOT EXISTS temp.stix_obj_sid ON stix_obj(sid);"
	"CREATE INDEX IF NOT EXISTS temp.stix_rel_dst ON stix_rel(dst);"
	"DELETE FROM stix_obj; DELETE FROM stix_rel;";

struct stix {
	struct imp	*imp;
	sqlite3_stmt	*put_obj;
	sqlite3_stmt	*put_rel;
	int		 form;	/* J_OBJ bundle, J_ARR array, J_STR one */
	int		 is_21;		/* an object says spec_version 2.1 */
	uint64_t	 n_objects;
	uint64_t	 n_indicators;
	char		 kinds[96];	/* object types seen, for the note */
};

/* A STIX id: "<type>--<uuid>", whose type is the object's. */
static int
is_stix_object(const struct shape_obj *o)
{
	const char *type = shape_str(o, "type"), *id = shape_str(o, "id");
	size_t n;

	if (type == NULL || id == NULL)
		return 0;
	n = strlen(type);
	return strncmp(id, type, n) == 0 && strncmp(id + n, "--", 2) == 0;
}

static int
stix_probe_json(const struct jshape *sh)
{
	const struct shape_obj *root = shape_obj(sh, "");
	const char *type = shape_str(root, "type");

	if (sh->root == J_ARR)
		return is_stix_object(shape_obj(sh, "[]")) ? 90 : 0;
	if (sh->root != J_OBJ)
		return 0;
	if (type != NULL && strcmp(type, "bundle") == 0)
		return 95;
	if (shape_has(root, "objects", J_ARR) &&
	    is_stix_object(shape_obj(sh, "objects[]")))
		return 95;
	/* One object on its own: an indicator, a malware... */
	if (is_stix_object(root) && (shape_has(root, "spec_version", -1) ||
	    shape_has(root, "created", -1)))
		return 85;
	return 0;
}

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	const struct stix *sx = arg;

	if (sx->form == J_STR)
		return depth == 0;
	if (sx->form == J_ARR)
		return depth == 1;
	if (depth == 1 && strcmp(path[0], "objects") == 0)
		return JT_LIST;
	return depth == 2 && strcmp(path[0], "objects") == 0 &&
	    strcmp(path[1], "[]") == 0;
}

/* One object of the bundle, as held until the end. */
struct held {
	const char	*sid;
	const char	*kind;	/* indicator, observable, malware, report */
	unsigned	 types;
	const char	*value;
	int64_t		 seen, last;
	const char	*tags;
	const char	*ref;
	int		 confidence;
};

static int
hold(struct stix *sx, const struct held *h)
{
	sqlite3_stmt *s = sx->put_obj;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, h->sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, h->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, h->types);
	sqlite3_bind_text(s, 4, h->value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, h->seen);
	sqlite3_bind_int64(s, 6, h->last);
	sqlite3_bind_text(s, 7, sx->imp->where, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, h->tags, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, h->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 10, h->confidence);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_dberr(sx->imp->st, sx->imp->err,
		    "cannot hold a STIX object");
	return CHOUSA_OK;
}

static int
hold_rel(struct stix *sx, const char *kind, const char *src, const char *dst,
    int64_t seen)
{
	sqlite3_stmt *s = sx->put_rel;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, src, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, dst, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, seen);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_dberr(sx->imp->st, sx->imp->err,
		    "cannot hold a STIX relationship");
	return CHOUSA_OK;
}

/* ---- patterns ---- */

/* The hash a "file:hashes.X" path names: 'SHA-256', SHA256, sha256... */
static unsigned
hash_type(const char *p, size_t n)
{
	char name[16];
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < sizeof(name); i++)
		if (p[i] != '\'' && p[i] != '"' && p[i] != '-')
			name[k++] = (char)(p[i] | 0x20);
	name[k] = '\0';
	if (i < n)
		return 0;
	if (strcmp(name, "md5") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_MD5);
	if (strcmp(name, "sha1") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1);
	if (strcmp(name, "sha256") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256);
	return 0;
}

/* The indicator types an object path compares, or 0. */
static unsigned
path_types(const char *p, size_t n)
{
	static const struct {
		const char	*path;
		unsigned	 types;
	} paths[] = {
		{ "domain-name:value", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) },
		{ "url:value", CHOUSA_IOC_BIT(CHOUSA_IOC_URL) },
		{ "ipv4-addr:value", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV4) |
		    CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) },
		{ "ipv6-addr:value", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV6) |
		    CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) },
		{ "email-addr:value", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) },
		/* The server the traffic went to, by address or name. */
		{ "network-traffic:dst_ref.value", NET_TYPES |
		    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) },
	};
	static const char hashes[] = "file:hashes.";
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strlen(paths[i].path) == n &&
		    strncasecmp(paths[i].path, p, n) == 0)
			return paths[i].types;
	if (n > sizeof(hashes) - 1 && strncasecmp(p, hashes,
	    sizeof(hashes) - 1) == 0)
		return hash_type(p + sizeof(hashes) - 1,
		    n - (sizeof(hashes) - 1));
	return 0;
}

/*
 * Every "path = 'value'" comparison of a pattern, held as an indicator.
 * Comparisons on paths chousa does not keep (file:name, a command line)
 * are named in *other; other operators and qualifiers are left out.
 */
static int
pattern(struct stix *sx, struct held *h, const char *pat, int *n_kept,
    char *other, size_t other_size)
{
	const char *p = pat;
	int rc;

	while ((p = strchr(p, '=')) != NULL) {
		const char *e = p, *b, *v;
		char *val;
		size_t n = 0;
		unsigned types;

		/* The path before " = ". */
		while (e > pat && e[-1] == ' ')
			e--;
		b = e;
		while (b > pat && b[-1] != '[' && b[-1] != ' ' &&
		    b[-1] != '(')
			b--;
		v = p + 1;
		p++;
		if (p - pat >= 2 && (p[-2] == '!' || p[-2] == '<' ||
		    p[-2] == '>'))
			continue;
		while (*v == ' ')
			v++;
		if (*v != '\'' || e == b)
			continue;
		types = path_types(b, (size_t)(e - b));
		if (types == 0) {
			if (other[0] == '\0')
				snprintf(other, other_size, "%.*s",
				    (int)(e - b), b);
			continue;
		}
		v++;
		val = chousa_arena_alloc(sx->imp->a, strlen(v) + 1);
		if (val == NULL)
			return chousa_errf(sx->imp->err, CHOUSA_ENOMEM,
			    "out of memory");
		/* STIX escapes \' and \\ inside string literals. */
		for (; *v != '\0' && *v != '\''; v++) {
			if (*v == '\\' && v[1] != '\0')
				v++;
			val[n++] = *v;
		}
		val[n] = '\0';
		h->types = types;
		h->value = val;
		rc = hold(sx, h);
		if (rc != CHOUSA_OK)
			return rc;
		(*n_kept)++;
	}
	return CHOUSA_OK;
}

/* ---- objects ---- */

/* The first http(s) link of external_references, or NULL. */
static const char *
ext_url(const struct jnode *o)
{
	const struct jnode *refs = jt_get(o, "external_references");
	size_t i;

	for (i = 0; refs != NULL && refs->type == J_ARR && i < refs->n; i++) {
		const char *url = jt_text(refs->v[i], "url");

		if (url != NULL && (strncmp(url, "https://", 8) == 0 ||
		    strncmp(url, "http://", 7) == 0))
			return url;
	}
	return NULL;
}

static int
indicator(struct stix *sx, const struct jnode *o, struct held *h)
{
	struct imp *imp = sx->imp;
	const char *pat = jt_text(o, "pattern");
	const char *ptype = jt_text(o, "pattern_type");
	const char *conf = jt_text(o, "confidence");
	char other[64] = "";
	int n = 0, rc;

	sx->n_indicators++;
	if (jt_get(o, "revoked") != NULL && jt_get(o, "revoked")->b) {
		imp_skip(imp, "revoked indicators");
		return CHOUSA_OK;
	}
	if (ptype != NULL && strcmp(ptype, "stix") != 0) {
		char what[48];

		snprintf(what, sizeof(what), "%.30s patterns", ptype);
		imp_skip(imp, what);
		return CHOUSA_OK;
	}
	imp_row(imp);
	if (pat == NULL)
		return imp_reject(imp, 0, "indicator %.60s has no pattern",
		    h->sid);
	h->kind = "indicator";
	h->tags = jt_join(imp->a, jt_get(o, "indicator_types"), ',');
	if (h->tags == NULL)
		h->tags = jt_join(imp->a, jt_get(o, "labels"), ',');
	h->ref = ext_url(o);
	h->confidence = conf != NULL ? (int)strtol(conf, NULL, 10) : -1;
	if (h->confidence < 0 || h->confidence > 100)
		h->confidence = -1;
	h->seen = imp_time(jt_text(o, "valid_from"));
	if (h->seen == 0)
		h->seen = imp_time(jt_text(o, "created"));
	rc = pattern(sx, h, pat, &n, other, sizeof(other));
	if (rc != CHOUSA_OK || n > 0)
		return rc;
	if (other[0] != '\0') {
		imp_skip(imp, other);
		return CHOUSA_OK;
	}
	return imp_reject(imp, 0, "the pattern of %.60s compares nothing: "
	    "%.40s", h->sid, pat);
}

/* A cyber observable: its value and types, or 0. */
static unsigned
observable(const struct jnode *o, const char **value)
{
	const char *type = jt_text(o, "type");
	const struct jnode *h = jt_get(o, "hashes");
	size_t i;

	*value = NULL;
	if (type == NULL)
		return 0;
	if (strcmp(type, "file") == 0 || strcmp(type, "artifact") == 0) {
		unsigned best = 0, t;

		/* SHA-256 first, then SHA-1, then MD5. */
		for (i = 0; h != NULL && h->type == J_OBJ && i < h->n; i++) {
			t = hash_type(h->keys[i], strlen(h->keys[i]));
			if (t != 0 && h->v[i]->type == J_STR && t > best) {
				best = t;
				*value = h->v[i]->s;
			}
		}
		return best;
	}
	*value = jt_text(o, "value");
	if (*value == NULL)
		return 0;
	if (strcmp(type, "domain-name") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN);
	if (strcmp(type, "url") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
	if (strcmp(type, "ipv4-addr") == 0 || strcmp(type, "ipv6-addr") == 0)
		return NET_TYPES;
	if (strcmp(type, "email-addr") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL);
	return 0;
}

/* STIX 2.0 observed-data: the observables inside it, keyed "0", "1"... */
static int
observed_data(struct stix *sx, const struct jnode *o, struct held *h)
{
	const struct jnode *objs = jt_get(o, "objects");
	size_t i;
	int rc = CHOUSA_OK;

	h->seen = imp_time(jt_text(o, "first_observed"));
	h->last = imp_time(jt_text(o, "last_observed"));
	h->tags = NULL;
	for (i = 0; objs != NULL && objs->type == J_OBJ && i < objs->n &&
	    rc == CHOUSA_OK; i++) {
		char sid[128];

		h->types = observable(objs->v[i], &h->value);
		if (h->types == 0)
			continue;
		snprintf(sid, sizeof(sid), "%.100s:%.20s", h->sid,
		    objs->keys[i]);
		h->sid = sid;
		h->kind = "observable";
		rc = hold(sx, h);
		h->sid = jt_text(o, "id");
	}
	return rc;
}

static void
note_kind(struct stix *sx, const char *type)
{
	size_t n = strlen(sx->kinds);

	if (strstr(sx->kinds, type) != NULL || n + strlen(type) + 3 >=
	    sizeof(sx->kinds))
		return;
	snprintf(sx->kinds + n, sizeof(sx->kinds) - n, "%s%s",
	    n > 0 ? ", " : "", type);
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *o)
{
	struct stix *sx = arg;
	struct imp *imp = sx->imp;
	const char *type = jt_text(o, "type");
	const char *spec = jt_text(o, "spec_version");
	struct held h;
	size_t i;
	int rc;

	(void)path;
	(void)depth;
	rc = imp_scratch(imp);
	if (rc != CHOUSA_OK)
		return rc;
	memset(&h, 0, sizeof(h));
	h.sid = jt_text(o, "id");
	h.confidence = -1;
	if (type == NULL || h.sid == NULL)
		return CHOUSA_OK;
	sx->n_objects++;
	note_kind(sx, type);
	if (spec != NULL && strcmp(spec, "2.0") != 0)
		sx->is_21 = 1;
	h.seen = imp_time(jt_text(o, "created"));
	h.last = imp_time(jt_text(o, "modified"));
	if (strcmp(type, "indicator") == 0)
		return indicator(sx, o, &h);
	if (strcmp(type, "malware") == 0) {
		h.kind = "malware";
		h.value = jt_text(o, "name");
		if (h.value == NULL) {
			struct jnode *al = jt_get(o, "aliases");

			if (al != NULL && al->type == J_ARR && al->n > 0 &&
			    al->v[0]->type == J_STR)
				h.value = al->v[0]->s;
		}
		return h.value != NULL ? hold(sx, &h) : CHOUSA_OK;
	}
	if (strcmp(type, "relationship") == 0) {
		const char *kind = jt_text(o, "relationship_type");
		const char *src = jt_text(o, "source_ref");
		const char *dst = jt_text(o, "target_ref");

		if (kind == NULL || src == NULL || dst == NULL)
			return CHOUSA_OK;
		return hold_rel(sx, kind, src, dst, h.seen);
	}
	if (strcmp(type, "report") == 0) {
		const struct jnode *refs = jt_get(o, "object_refs");

		h.kind = "report";
		h.value = ext_url(o);
		if (h.value == NULL)
			return CHOUSA_OK;
		rc = hold(sx, &h);
		for (i = 0; refs != NULL && refs->type == J_ARR &&
		    i < refs->n && rc == CHOUSA_OK; i++)
			if (refs->v[i]->type == J_STR)
				rc = hold_rel(sx, "object-ref", h.sid,
				    refs->v[i]->s, 0);
		return rc;
	}
	if (strcmp(type, "observed-data") == 0)
		return observed_data(sx, o, &h);
	h.types = observable(o, &h.value);
	if (h.types == 0)
		return CHOUSA_OK;
	h.kind = "observable";
	return hold(sx, &h);
}

/* ---- resolving ---- */

static int
rel_kind(const char *k)
{
	if (strcmp(k, "communicates-with") == 0 ||
	    strcmp(k, "connects-to") == 0)
		return CHOUSA_REL_CONTACTED;
	if (strcmp(k, "downloads") == 0 || strcmp(k, "delivers") == 0 ||
	    strcmp(k, "downloaded-from") == 0)
		return CHOUSA_REL_DELIVERED;
	if (strcmp(k, "drops") == 0)
		return CHOUSA_REL_DROPPED;
	if (strcmp(k, "related-to") == 0)
		return CHOUSA_REL_REFERRER;
	return 0;
}

/* Normal form of a held value, in the scratch arena; NULL if it fails. */
static const char *
norm(struct imp *imp, unsigned types, const char *v, int *type)
{
	struct chousa_indicator ind;

	if (v == NULL || chousa_ioc_parse(imp->a, v, strlen(v), types, &ind,
	    NULL) != CHOUSA_OK)
		return NULL;
	*type = ind.type;
	return ind.value;
}

static const char *
col(struct imp *imp, sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	return v != NULL ? chousa_arena_strdup(imp->a, v) : NULL;
}

/* Indicators (listings) and observables (observations), as indicators. */
static int
put_values(struct stix *sx)
{
	struct imp *imp = sx->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT i.types, i.value, i.seen,"
	    " i.last, i.sid, (SELECT m.value FROM stix_rel r JOIN stix_obj m"
	    " ON m.sid = r.dst AND m.kind = 'malware' WHERE r.src = i.sid AND"
	    " r.kind = 'indicates' LIMIT 1), i.kind, i.at, i.tags,"
	    " coalesce(i.ref, (SELECT p.value FROM stix_rel r JOIN stix_obj p"
	    " ON p.sid = r.src AND p.kind = 'report' WHERE r.dst = i.sid AND"
	    " r.kind = 'object-ref' LIMIT 1)), i.confidence"
	    " FROM stix_obj i WHERE i.kind IN ('indicator', 'observable')"
	    " ORDER BY i.rowid", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read STIX");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		struct imp_ind r;
		const char *at;

		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			break;
		memset(&r, 0, sizeof(r));
		r.types = (unsigned)sqlite3_column_int64(s, 0);
		r.value = col(imp, s, 1);
		r.value_len = r.value != NULL ? strlen(r.value) : 0;
		r.first_seen = sqlite3_column_int64(s, 2);
		r.last_seen = sqlite3_column_int64(s, 3);
		r.source_id = col(imp, s, 4);
		r.family = col(imp, s, 5);
		r.is_observation = strcmp((const char *)
		    sqlite3_column_text(s, 6), "observable") == 0;
		r.threat = r.family != NULL && !r.is_observation ? "malware" :
		    NULL;
		r.tags = col(imp, s, 8);
		r.reference = col(imp, s, 9);
		r.confidence = sqlite3_column_int(s, 10);
		r.url_context = 1;
		at = (const char *)sqlite3_column_text(s, 7);
		snprintf(imp->where, sizeof(imp->where), "%s",
		    at != NULL ? at : "");
		if (r.is_observation)
			imp_row(imp);
		rc = imp_put_indicator(imp, &r, 0);
	}
	sqlite3_finalize(s);
	imp->where[0] = '\0';
	return rc;
}

static int
put_relations(struct stix *sx)
{
	struct imp *imp = sx->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT r.kind, a.types, a.value,"
	    " b.types, b.value, r.seen FROM stix_rel r"
	    " JOIN stix_obj a ON a.sid = r.src"
	    "  AND a.kind IN ('indicator', 'observable')"
	    " JOIN stix_obj b ON b.sid = r.dst"
	    "  AND b.kind IN ('indicator', 'observable')",
	    -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read STIX");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		int kind = rel_kind((const char *)sqlite3_column_text(s, 0));
		const char *a, *b;
		int ta = 0, tb = 0;

		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK || kind == 0)
			continue;
		a = norm(imp, (unsigned)sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2), &ta);
		b = norm(imp, (unsigned)sqlite3_column_int64(s, 3),
		    (const char *)sqlite3_column_text(s, 4), &tb);
		if (a == NULL || b == NULL)
			continue;
		rc = imp_put_relation(imp, kind, ta, a, tb, b,
		    sqlite3_column_int64(s, 5));
	}
	sqlite3_finalize(s);
	return rc;
}

static int
stix_run(struct imp *imp)
{
	struct stix sx;
	const struct shape_obj *root;
	int rc;

	memset(&sx, 0, sizeof(sx));
	sx.imp = imp;
	sx.form = J_OBJ;
	if (imp->shape != NULL && imp->shape->root == J_ARR)
		sx.form = J_ARR;
	root = imp->shape != NULL ? shape_obj(imp->shape, "") : NULL;
	if (imp->shape != NULL && imp->shape->root == J_OBJ &&
	    !shape_has(root, "objects", -1) && is_stix_object(root))
		sx.form = J_STR;
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO stix_obj VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &sx.put_obj,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(imp->st->db, "INSERT INTO stix_rel VALUES"
	    " (?1, ?2, ?3, ?4)", -1, &sx.put_rel, NULL) != SQLITE_OK) {
		rc = store_dberr(imp->st, imp->err, "cannot hold STIX");
		goto out;
	}
	rc = json_stream(imp, want, &record, &sx);
	imp->where[0] = '\0';
	if (rc == CHOUSA_OK)
		rc = put_values(&sx);
	if (rc == CHOUSA_OK)
		rc = put_relations(&sx);
	snprintf(imp->rep->format, sizeof(imp->rep->format), "%s",
	    sx.is_21 ? "stix2.1" : "stix2.0");
	if (rc == CHOUSA_OK && imp->rep->added + imp->rep->updated +
	    imp->rep->unchanged + imp->rep->rejected == 0 && sx.n_objects > 0)
		snprintf(imp->rep->note, sizeof(imp->rep->note), "no "
		    "indicator or observable chousa keeps among its %llu "
		    "objects (%.60s)", (unsigned long long)sx.n_objects,
		    sx.kinds);
out:
	sqlite3_finalize(sx.put_obj);
	sqlite3_finalize(sx.put_rel);
	return rc;
}

const struct importer importer_stix = {
	.feed = {
		.name = "stix",
		.title = "STIX",
		.local_source = "local-lists",
		.flags = CHOUSA_FEED_SOURCE_NAME,
	},
	.expects = "a STIX 2.0 or 2.1 bundle",
	.help = "STIX 2.0 and 2.1",
	.run = stix_run,
	.probe_json = stix_probe_json,
};
