/*
 * stix.c: STIX 2.1 bundles.  Indicators whose patterns are equality
 * comparisons on domain-name, url, ipv4-addr, ipv6-addr and file hashes
 * become indicators; malware objects name families; `indicates` gives an
 * indicator its family; relationships between a file and a network
 * observable (communicates-with, downloads, drops, related-to) become
 * relations.  References are resolved at the end through temporary tables,
 * since a bundle may list objects in any order.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

static int
stix_probe(const char *p, size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	if (!probe_starts(p, len, '{'))
		return 0;
	if (imp_contains(p, n, "\"bundle\"") &&
	    imp_contains(p, n, "\"objects\""))
		return 95;
	if (imp_contains(p, n, "\"spec_version\"") &&
	    imp_contains(p, n, "\"pattern\""))
		return 80;
	return 0;
}

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS stix_obj (sid TEXT, kind TEXT,"
	" type INTEGER, value TEXT, seen INTEGER, last INTEGER);"
	"CREATE TEMP TABLE IF NOT EXISTS stix_rel (kind TEXT, src TEXT,"
	" dst TEXT, seen INTEGER);"
	"CREATE INDEX IF NOT EXISTS temp.stix_obj_sid ON stix_obj(sid);"
	"DELETE FROM stix_obj; DELETE FROM stix_rel;";

struct stix {
	struct imp	*imp;
	sqlite3_stmt	*put_obj;
	sqlite3_stmt	*put_rel;
};

static int
want(void *arg, char path[][JSON_PATH_KEY], int depth)
{
	(void)arg;
	return depth == 2 && strcmp(path[0], "objects") == 0;
}

static int
put_obj(struct stix *sx, const char *sid, const char *kind, int type,
    const char *value, int64_t seen, int64_t last)
{
	sqlite3_stmt *s = sx->put_obj;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, sid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, type);
	sqlite3_bind_text(s, 4, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, seen);
	sqlite3_bind_int64(s, 6, last);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_dberr(sx->imp->st, sx->imp->err,
		    "cannot hold a STIX object");
	return CHOUSA_OK;
}

/* The indicator type an object path compares, or NONE. */
static int
path_type(const char *p, size_t n)
{
	static const struct {
		const char	*path;
		int		 type;
	} paths[] = {
		{ "domain-name:value", CHOUSA_IOC_DOMAIN },
		{ "url:value", CHOUSA_IOC_URL },
		{ "ipv4-addr:value", CHOUSA_IOC_IPV4 },
		{ "ipv6-addr:value", CHOUSA_IOC_IPV6 },
		{ "email-addr:value", CHOUSA_IOC_EMAIL },
		{ "file:hashes.'SHA-256'", CHOUSA_IOC_SHA256 },
		{ "file:hashes.SHA256", CHOUSA_IOC_SHA256 },
		{ "file:hashes.'SHA256'", CHOUSA_IOC_SHA256 },
		{ "file:hashes.'SHA-1'", CHOUSA_IOC_SHA1 },
		{ "file:hashes.SHA1", CHOUSA_IOC_SHA1 },
		{ "file:hashes.MD5", CHOUSA_IOC_MD5 },
		{ "file:hashes.'MD5'", CHOUSA_IOC_MD5 },
	};
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strlen(paths[i].path) == n &&
		    strncasecmp(paths[i].path, p, n) == 0)
			return paths[i].type;
	return CHOUSA_IOC_NONE;
}

/*
 * Every "path = 'value'" comparison of a pattern.  Anything else in the
 * pattern (other operators, qualifiers) is not an indicator we can keep.
 */
static int
pattern(struct stix *sx, const char *sid, const char *pat, int64_t seen,
    int64_t last, int *n_found)
{
	const char *p = pat;
	int rc;

	while ((p = strchr(p, '=')) != NULL) {
		const char *e = p, *b, *v;
		char *val;
		size_t n = 0;
		int type;

		/* The path before " = ". */
		while (e > pat && e[-1] == ' ')
			e--;
		b = e;
		while (b > pat && b[-1] != '[' && b[-1] != ' ' &&
		    b[-1] != '(')
			b--;
		type = path_type(b, (size_t)(e - b));
		v = p + 1;
		p++;
		if (p[-2] == '!' || p[-2] == '<' || p[-2] == '>')
			continue;
		while (*v == ' ')
			v++;
		if (type == CHOUSA_IOC_NONE || *v != '\'')
			continue;
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
		rc = put_obj(sx, sid, "indicator", type, val, seen, last);
		if (rc != CHOUSA_OK)
			return rc;
		(*n_found)++;
	}
	return CHOUSA_OK;
}

static int
record(void *arg, char path[][JSON_PATH_KEY], int depth, struct jnode *o)
{
	struct stix *sx = arg;
	struct imp *imp = sx->imp;
	const char *type = jstr(o, "type"), *sid = jstr(o, "id");
	int64_t seen, last;
	int rc, n = 0;

	(void)path;
	(void)depth;
	rc = imp_scratch(imp);
	if (rc != CHOUSA_OK)
		return rc;
	if (type == NULL || sid == NULL)
		return CHOUSA_OK;
	seen = imp_time(jstr(o, "valid_from"));
	if (seen == 0)
		seen = imp_time(jstr(o, "created"));
	last = imp_time(jstr(o, "modified"));
	if (strcmp(type, "indicator") == 0) {
		const char *pat = jstr(o, "pattern");
		const char *ptype = jstr(o, "pattern_type");

		imp_row(imp);
		if (pat == NULL || (ptype != NULL &&
		    strcmp(ptype, "stix") != 0))
			return imp_reject(imp, 0, "indicator '%.60s' has no "
			    "STIX pattern", sid);
		rc = pattern(sx, sid, pat, seen, last, &n);
		if (rc == CHOUSA_OK && n == 0)
			rc = imp_reject(imp, 0, "pattern of '%.60s' holds no "
			    "equality we keep", sid);
		return rc;
	}
	if (strcmp(type, "malware") == 0) {
		const char *name = jstr(o, "name");

		if (name == NULL) {
			struct jnode *al = jget(o, "aliases");

			if (al != NULL && al->type == J_ARR && al->n > 0 &&
			    al->v[0]->type == J_STR)
				name = al->v[0]->s;
		}
		return name != NULL ? put_obj(sx, sid, "malware", 0, name, 0,
		    0) : CHOUSA_OK;
	}
	if (strcmp(type, "relationship") == 0) {
		const char *kind = jstr(o, "relationship_type");
		const char *src = jstr(o, "source_ref");
		const char *dst = jstr(o, "target_ref");
		sqlite3_stmt *s = sx->put_rel;

		if (kind == NULL || src == NULL || dst == NULL)
			return CHOUSA_OK;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, src, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, dst, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, seen);
		if (sqlite3_step(s) != SQLITE_DONE)
			return store_dberr(imp->st, imp->err,
			    "cannot hold a STIX relationship");
		return CHOUSA_OK;
	}
	/* Observables: file hashes and network values, for relationships. */
	if (strcmp(type, "file") == 0) {
		struct jnode *h = jget(o, "hashes");
		const char *v = jstr(h, "SHA-256");

		if (v != NULL)
			return put_obj(sx, sid, "observable",
			    CHOUSA_IOC_SHA256, v, seen, last);
		if ((v = jstr(h, "SHA-1")) != NULL)
			return put_obj(sx, sid, "observable", CHOUSA_IOC_SHA1,
			    v, seen, last);
		if ((v = jstr(h, "MD5")) != NULL)
			return put_obj(sx, sid, "observable", CHOUSA_IOC_MD5,
			    v, seen, last);
		return CHOUSA_OK;
	}
	if (strcmp(type, "domain-name") == 0 || strcmp(type, "url") == 0 ||
	    strcmp(type, "ipv4-addr") == 0 || strcmp(type, "ipv6-addr") == 0) {
		const char *v = jstr(o, "value");
		int t = type[0] == 'd' ? CHOUSA_IOC_DOMAIN : type[0] == 'u' ?
		    CHOUSA_IOC_URL : type[3] == '4' ? CHOUSA_IOC_IPV4 :
		    CHOUSA_IOC_IPV6;

		return v != NULL ? put_obj(sx, sid, "observable", t, v, seen,
		    last) : CHOUSA_OK;
	}
	return CHOUSA_OK;
}

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
norm(struct imp *imp, int type, const char *v)
{
	struct chousa_indicator ind;

	if (chousa_ioc_parse(imp->a, v, strlen(v), CHOUSA_IOC_BIT(type), &ind,
	    NULL) != CHOUSA_OK)
		return NULL;
	return ind.value;
}

static int
resolve(struct stix *sx)
{
	struct imp *imp = sx->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	/* Indicators, each with the family an `indicates` names. */
	if (sqlite3_prepare_v2(imp->st->db, "SELECT i.type, i.value, i.seen,"
	    " i.last, i.sid, (SELECT m.value FROM stix_rel r JOIN stix_obj m"
	    " ON m.sid = r.dst AND m.kind = 'malware' WHERE r.src = i.sid AND"
	    " r.kind = 'indicates' LIMIT 1) FROM stix_obj i"
	    " WHERE i.kind = 'indicator'", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read STIX");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		struct imp_ind r;

		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			break;
		memset(&r, 0, sizeof(r));
		r.types = CHOUSA_IOC_BIT(sqlite3_column_int(s, 0));
		r.value = chousa_arena_strdup(imp->a,
		    (const char *)sqlite3_column_text(s, 1));
		r.value_len = r.value != NULL ? strlen(r.value) : 0;
		r.first_seen = sqlite3_column_int64(s, 2);
		r.last_seen = sqlite3_column_int64(s, 3);
		r.source_id = chousa_arena_strdup(imp->a,
		    (const char *)sqlite3_column_text(s, 4));
		if (sqlite3_column_text(s, 5) != NULL)
			r.family = chousa_arena_strdup(imp->a,
			    (const char *)sqlite3_column_text(s, 5));
		r.confidence = -1;
		r.threat = r.family != NULL ? "malware" : NULL;
		rc = imp_put_indicator(imp, &r, 0);
	}
	sqlite3_finalize(s);
	if (rc != CHOUSA_OK)
		return rc;
	/* Relationships between observables or indicators. */
	if (sqlite3_prepare_v2(imp->st->db, "SELECT r.kind, a.type, a.value,"
	    " b.type, b.value, r.seen FROM stix_rel r"
	    " JOIN stix_obj a ON a.sid = r.src AND a.kind <> 'malware'"
	    " JOIN stix_obj b ON b.sid = r.dst AND b.kind <> 'malware'",
	    -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot read STIX");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		int kind = rel_kind((const char *)sqlite3_column_text(s, 0));
		int ta = sqlite3_column_int(s, 1);
		int tb = sqlite3_column_int(s, 3);
		const char *a, *b;

		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK || kind == 0)
			continue;
		a = norm(imp, ta, (const char *)sqlite3_column_text(s, 2));
		b = norm(imp, tb, (const char *)sqlite3_column_text(s, 4));
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
	struct stix sx = { imp, NULL, NULL };
	int rc;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "stix2.1");
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO stix_obj VALUES"
	    " (?1, ?2, ?3, ?4, ?5, ?6)", -1, &sx.put_obj, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(imp->st->db, "INSERT INTO stix_rel VALUES"
	    " (?1, ?2, ?3, ?4)", -1, &sx.put_rel, NULL) != SQLITE_OK) {
		rc = store_dberr(imp->st, imp->err, "cannot hold STIX");
		goto out;
	}
	rc = json_stream(imp, want, record, &sx);
	if (rc == CHOUSA_OK)
		rc = resolve(&sx);
out:
	sqlite3_finalize(sx.put_obj);
	sqlite3_finalize(sx.put_rel);
	return rc;
}

const struct importer importer_stix = {
	"stix", "a STIX 2.1 bundle", stix_probe, stix_run, 0
};
