/*
 * store_import.c: one import, one transaction.  The importer is chosen by
 * name or by probing the first 64 KiB, and refused before anything is
 * written when the content is not its format.  Rows go through
 * imp_put_*, which normalise every value with chousa_ioc_parse so that
 * look-ups and feeds agree on one form.  Into an empty table the host and
 * network indexes are built once at the end, which is what makes a first
 * bulk load fast.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/import/import.h"
#include "base/mem.h"

#define SCRATCH_MAX	((size_t)4 << 20)
#define PIPE_MIN_BYTES	((uint64_t)1 << 20)

/* ---- helpers for importers ---- */

int
imp_reject(struct imp *imp, uint64_t line, const char *fmt, ...)
{
	struct chousa_import_report *rep = imp->rep;
	char msg[sizeof(rep->rejects[0].msg)];
	va_list ap;

	/*
	 * Some parsers report a failed allocation as a parse error; in a
	 * failure-injection build the row is then not bad, memory is.
	 */
	if (mem_inject_fired())
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rep->rejected++;
	if (rep->n_rejects < CHOUSA_IMPORT_MAX_REJECTS) {
		rep->rejects[rep->n_rejects].line = line;
		snprintf(rep->rejects[rep->n_rejects].where,
		    sizeof(rep->rejects[0].where), "%s",
		    line == 0 ? imp->where : "");
		memcpy(rep->rejects[rep->n_rejects].msg, msg, sizeof(msg));
		rep->n_rejects++;
	}
	if (imp->opts->strict) {
		if (line > 0)
			return chousa_errf(imp->err, CHOUSA_EPARSE,
			    "line %llu of '%s': %s", (unsigned long long)line,
			    imp->path, msg);
		if (imp->where[0] != '\0')
			return chousa_errf(imp->err, CHOUSA_EPARSE,
			    "%s of '%s': %s", imp->where, imp->path, msg);
		return chousa_errf(imp->err, CHOUSA_EPARSE, "'%s': %s",
		    imp->path, msg);
	}
	return CHOUSA_OK;
}

void
imp_skip(struct imp *imp, const char *what)
{
	struct chousa_import_report *rep = imp->rep;
	size_t have = strlen(rep->skipped_kinds), n = strlen(what);
	const char *p = rep->skipped_kinds;

	rep->skipped++;
	/* Each kind once: "comment, text, file:name". */
	while ((p = strstr(p, what)) != NULL) {
		if ((p == rep->skipped_kinds || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ','))
			return;
		p += n;
	}
	if (have + n + 3 < sizeof(rep->skipped_kinds))
		snprintf(rep->skipped_kinds + have,
		    sizeof(rep->skipped_kinds) - have, "%s%s",
		    have > 0 ? ", " : "", what);
}

int
imp_is_null(const char *s, size_t len)
{
	return len == 0 || (len == 4 && memcmp(s, "None", 4) == 0) ||
	    (len == 3 && (memcmp(s, "n/a", 3) == 0 ||
	    memcmp(s, "N/A", 3) == 0)) ||
	    (len == 4 && memcmp(s, "null", 4) == 0);
}

int
imp_contains(const char *p, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(p + i, needle, n) == 0)
			return 1;
	return 0;
}

int64_t
imp_time(const char *s)
{
	int64_t t;

	if (s == NULL || s[0] == '\0')
		return 0;
	if (chousa_time_parse(s, strlen(s), &t) != CHOUSA_OK || t < 0)
		return 0;
	return t;
}

void
imp_comment(struct imp *imp, const char *p, size_t len)
{
	static const char key[] = "last updated:";
	const size_t klen = sizeof(key) - 1;
	int64_t t;

	if (imp->n_rows > 0 || imp->rep->published_at != 0)
		return;
	while (len > 0 && (*p == ' ' || *p == '#')) {
		p++;
		len--;
	}
	if (len <= klen || strncasecmp(p, key, klen) != 0)
		return;
	p += klen;
	len -= klen;
	while (len > 0 && *p == ' ') {
		p++;
		len--;
	}
	/* "2021-12-20 00:03:32 UTC   #", "... (UTC)   #": 19 bytes of date. */
	if (len < 19 || chousa_time_parse(p, 19, &t) != CHOUSA_OK || t <= 0)
		return;
	/* A date after the import is no publication date. */
	if (t <= imp->now)
		imp->rep->published_at = t;
}

int
imp_scratch(struct imp *imp)
{
	if (imp->a != NULL && chousa_arena_used(imp->a) < SCRATCH_MAX)
		return CHOUSA_OK;
	chousa_arena_free(imp->a);
	imp->a = NULL;
	return chousa_arena_new(&imp->a, (size_t)256 << 20, imp->err);
}

void
imp_row(struct imp *imp)
{
	uint64_t done, total;

	imp->n_rows++;
	if (imp->opts->progress != NULL && imp->in != NULL &&
	    (imp->n_rows & 4095) == 0) {
		input_progress(imp->in, &done, &total);
		imp->opts->progress(imp->opts->progress_arg, done, total);
	}
}

int
imp_record(struct imp *imp)
{
	imp_row(imp);
	return imp_scratch(imp);
}

/* Whether a label is a feed's way of naming no family. */
static int
no_family(const char *label, size_t len)
{
	return imp_is_null(label, len) ||
	    (len == 7 && strncasecmp(label, "unknown", 7) == 0) ||
	    (len == 15 && strncasecmp(label, "unknown malware", 15) == 0);
}

/* A label's family id when the catalogue knows it, else NULL. */
static const char *
known_family(struct imp *imp, const char *label, size_t len)
{
	if (label == NULL || no_family(label, len))
		return NULL;
	return store_family_resolve(imp->st, label, len);
}

const char *
imp_family(struct imp *imp, const char *label)
{
	const char *id;
	size_t len;

	if (label == NULL)
		return NULL;
	len = strlen(label);
	if (no_family(label, len))
		return NULL;
	id = store_family_resolve(imp->st, label, len);
	return id != NULL ? id : label;
}

/* Step an upsert and count it: a new rowid means added. */
static int
step_count_err(struct imp *imp, sqlite3_stmt *s, const char *what,
    struct chousa_err *err)
{
	int rc;

	/* An upsert that updates leaves the rowid alone: 0 stays 0. */
	sqlite3_set_last_insert_rowid(imp->st->db, 0);
	rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return store_dberr(imp->st, err, what);
	}
	if (sqlite3_changes(imp->st->db) > 0) {
		if (sqlite3_last_insert_rowid(imp->st->db) != 0)
			imp->rep->added++;
		else
			imp->rep->updated++;
	} else
		imp->rep->unchanged++;
	sqlite3_reset(s);
	return CHOUSA_OK;
}

static int
step_count(struct imp *imp, sqlite3_stmt *s, const char *what)
{
	return step_count_err(imp, s, what, imp->err);
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* Whether v starts with a scheme and "://" ("http://", "hxxps://"). */
static int
has_scheme(const char *v, size_t len)
{
	size_t i = 0;

	if (len == 0 || !((v[0] >= 'a' && v[0] <= 'z') ||
	    (v[0] >= 'A' && v[0] <= 'Z')))
		return 0;
	while (i < len && v[i] != ':' && (((v[i] | 0x20) >= 'a' &&
	    (v[i] | 0x20) <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
	    v[i] == '+' || v[i] == '-' || v[i] == '.'))
		i++;
	return i + 3 <= len && memcmp(v + i, "://", 3) == 0;
}

/*
 * A URL written without its scheme where the field says it is a URL (a
 * STIX url:value, a MISP url attribute): "host/path" or "host:port" is
 * read as http, when what comes before the first '/', '?' or '#' (less a
 * port) is a host on its own: a domain under a known suffix or an
 * address.  So junk typed as a URL ("igfxtray.exe", "107.183.86") stays
 * rejected.  The indicator core may one day parse this itself.
 */
static int
parse_context_url(struct imp *imp, const char *v, size_t len,
    struct chousa_indicator *ind, struct chousa_err *perr)
{
	struct chousa_indicator host;
	size_t n = 0, h;
	char *url;
	int rc;

	while (n < len && v[n] != '/' && v[n] != '?' && v[n] != '#')
		n++;
	h = n;
	if (h > 0 && v[0] != '[') {
		size_t colon = h;

		while (colon > 0 && v[colon - 1] >= '0' && v[colon - 1] <= '9')
			colon--;
		if (colon > 0 && colon < h && v[colon - 1] == ':')
			h = colon - 1;
	}
	rc = chousa_ioc_parse(imp->a, v, h, CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) |
	    CHOUSA_IOC_IPS, &host, perr);
	if (rc != CHOUSA_OK)
		return rc == CHOUSA_ENOMEM ? rc : chousa_errf(perr,
		    CHOUSA_EPARSE, "'%.60s' is no URL: no scheme, and "
		    "'%.*s' is no host", v, (int)(h < 60 ? h : 60), v);
	url = chousa_arena_alloc(imp->a, len + 8);
	if (url == NULL)
		return chousa_errf(perr, CHOUSA_ENOMEM, "out of memory");
	memcpy(url, "http://", 7);
	memcpy(url + 7, v, len);
	url[len + 7] = '\0';
	return chousa_ioc_parse(imp->a, url, len + 7,
	    CHOUSA_IOC_BIT(CHOUSA_IOC_URL), ind, perr);
}

/*
 * The normalising half of imp_put_indicator: parse the value and work out
 * every column.  *skip is set when the row was rejected (rc is then what
 * imp_reject said).
 */
static int
row_build(struct imp *imp, const struct imp_ind *r, uint64_t line,
    struct ind_row *row, int *skip)
{
	struct chousa_indicator ind;
	struct chousa_err perr = { 0 };
	int rc;

	*skip = 1;
	if (r->value == NULL || r->value_len == 0)
		return imp_reject(imp, line, "no indicator value");
	if (r->url_context && r->types == CHOUSA_IOC_BIT(CHOUSA_IOC_URL) &&
	    !has_scheme(r->value, r->value_len))
		rc = parse_context_url(imp, r->value, r->value_len, &ind,
		    &perr);
	else
		rc = chousa_ioc_parse(imp->a, r->value, r->value_len,
		    r->types, &ind, &perr);
	if (rc == CHOUSA_ENOMEM)
		return chousa_errf(imp->err, rc, "%s", perr.msg);
	if (rc != CHOUSA_OK)
		return imp_reject(imp, line, "%s", perr.msg);
	*skip = 0;
	memset(row, 0, sizeof(*row));
	row->type = ind.type;
	row->value = ind.value;
	row->value_len = ind.value_len;
	row->vhash = store_hash(ind.value, ind.value_len);
	row->source_id = r->source_id;
	row->first_seen = r->first_seen;
	row->last_seen = r->last_seen > r->first_seen ? r->last_seen :
	    r->first_seen;
	row->status = r->status;
	row->threat = r->threat;
	row->family = r->family;
	row->family_alt = r->family_alt;
	row->family_from_tags = r->family_from_tags;
	row->tags = r->tags;
	row->confidence = r->confidence;
	row->reference = r->reference;
	row->is_observation = r->is_observation;
	row->port = r->port ? r->port : ind.port;
	if (ind.type == CHOUSA_IOC_URL && ind.host != NULL) {
		row->host = ind.host;
		row->hhash = store_hash(ind.host, strlen(ind.host));
	}
	if ((ind.type == CHOUSA_IOC_URL || ind.type == CHOUSA_IOC_DOMAIN) &&
	    ind.regdomain != NULL) {
		row->regdomain = ind.regdomain;
		row->rhash = store_hash(ind.regdomain, strlen(ind.regdomain));
	}
	if (ind.type == CHOUSA_IOC_CIDR) {
		store_net_key(ind.addr, ind.is_v6, ind.prefix, row->net);
		row->net_len = ind.is_v6 ? 16 : 4;
		row->prefix = ind.prefix;
	}
	row->line = line;
	return CHOUSA_OK;
}

/* The first of comma-separated tags the catalogue knows, or NULL. */
static const char *
family_of_tags(struct imp *imp, const char *tags)
{
	const char *p, *end, *id;

	for (p = tags; p != NULL && *p != '\0'; p = end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		id = end > p ? known_family(imp, p, (size_t)(end - p)) : NULL;
		if (id != NULL)
			return id;
		if (*end == ',')
			end++;
	}
	return NULL;
}

/*
 * A row's family: the id of its label, or of its other label, or of the
 * first of its tags the catalogue knows (URLhaus names the family only
 * among its tags); else the label as the feed gave it.  Here, on the
 * writing side, because it reads the store.
 */
static const char *
row_family(struct imp *imp, const struct ind_row *row)
{
	const char *id = NULL;

	if (row->family != NULL)
		id = known_family(imp, row->family, strlen(row->family));
	if (id == NULL && row->family_alt != NULL)
		id = known_family(imp, row->family_alt,
		    strlen(row->family_alt));
	if (id == NULL && row->family_from_tags)
		id = family_of_tags(imp, row->tags);
	return id != NULL ? id : imp_family(imp, row->family);
}

/* The code store_stmt() said in err on failure; CHOUSA_EDB without err. */
static int
stmt_failed(const struct chousa_err *err)
{
	return err != NULL && err->code != CHOUSA_OK ? err->code : CHOUSA_EDB;
}

/* The writing half: map the family, upsert, count, and feed the filter. */
int
imp_write_row(struct imp *imp, const struct ind_row *row,
    struct chousa_err *err)
{
	struct chousa_store *st = imp->st;
	sqlite3_stmt *s;

	s = store_stmt(st, st->bulk ? Q_PUT_IND_BULK : Q_PUT_IND, err);
	if (s == NULL)
		return stmt_failed(err);
	sqlite3_bind_int(s, 1, row->type);
	sqlite3_bind_text(s, 2, row->value, (int)row->value_len,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 3, imp->source, -1, SQLITE_STATIC);
	bind_text(s, 4, row->source_id);
	sqlite3_bind_int64(s, 5, row->first_seen);
	sqlite3_bind_int64(s, 6, row->last_seen);
	bind_text(s, 7, row->status);
	bind_text(s, 8, row->threat);
	bind_text(s, 9, row_family(imp, row));
	bind_text(s, 10, row->tags);
	sqlite3_bind_int(s, 11, row->confidence);
	bind_text(s, 12, row->reference);
	if (row->port)
		sqlite3_bind_int(s, 13, (int)row->port);
	sqlite3_bind_int64(s, 19, row->vhash);
	store_filter_add(st, FILTER_VALUE, row->vhash);
	if (row->host != NULL) {
		bind_text(s, 14, row->host);
		sqlite3_bind_int64(s, 20, row->hhash);
		store_filter_add(st, FILTER_HOST, row->hhash);
	}
	if (row->regdomain != NULL) {
		bind_text(s, 15, row->regdomain);
		sqlite3_bind_int64(s, 21, row->rhash);
		store_filter_add(st, FILTER_REGDOMAIN, row->rhash);
	}
	if (row->net_len > 0) {
		sqlite3_bind_blob(s, 16, row->net, row->net_len,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 17, row->prefix);
	}
	sqlite3_bind_int64(s, 18, imp->import_id);
	sqlite3_bind_int(s, 22, row->is_observation);
	return step_count_err(imp, s, "cannot store an indicator", err);
}

int
imp_put_indicator(struct imp *imp, const struct imp_ind *r, uint64_t line)
{
	struct ind_row row;
	int rc, skip;

	rc = row_build(imp, r, line, &row, &skip);
	if (rc != CHOUSA_OK || skip)
		return rc;
	if (imp->pipe != NULL)
		return imp_pipe_push(imp, &row);
	return imp_write_row(imp, &row, imp->err);
}

/*
 * The statement for a write other than an indicator's, once the pipeline
 * (if any) has written every row before it, in *out.  The pipeline's
 * error or the store's, its own code kept: a full disk is no bad row.
 */
static int
put_stmt(struct imp *imp, int q, sqlite3_stmt **out)
{
	int rc = imp_pipe_drain(imp);

	if (rc != CHOUSA_OK)
		return rc;
	*out = store_stmt(imp->st, q, imp->err);
	return *out != NULL ? CHOUSA_OK : stmt_failed(imp->err);
}

int
imp_put_sample(struct imp *imp, const struct chousa_sample *m)
{
	sqlite3_stmt *s = NULL;
	int rc = put_stmt(imp, Q_PUT_SAMPLE, &s);

	if (rc != CHOUSA_OK)
		return rc;
	bind_text(s, 1, m->sha256);
	bind_text(s, 2, m->md5);
	bind_text(s, 3, m->sha1);
	bind_text(s, 4, m->file_type);
	bind_text(s, 5, m->file_name);
	bind_text(s, 6, imp_family(imp, m->family));
	bind_text(s, 7, m->tags);
	sqlite3_bind_int64(s, 8, m->first_seen);
	bind_text(s, 9, imp->source);
	return step_count(imp, s, "cannot store a sample");
}

int
imp_put_relation(struct imp *imp, int rel, int from_type, const char *from,
    int to_type, const char *to, int64_t seen)
{
	sqlite3_stmt *s = NULL;
	int rc = put_stmt(imp, Q_PUT_REL, &s);

	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_int(s, 1, rel);
	sqlite3_bind_int(s, 2, from_type);
	bind_text(s, 3, from);
	sqlite3_bind_int(s, 4, to_type);
	bind_text(s, 5, to);
	bind_text(s, 6, imp->source);
	sqlite3_bind_int64(s, 7, seen);
	return step_count(imp, s, "cannot store a relation");
}

static int
put_alias(struct imp *imp, const char *label, size_t len, const char *id,
    int prio)
{
	char key[128];
	sqlite3_stmt *s;

	store_family_key(label, len, key, sizeof(key));
	if (key[0] == '\0')
		return CHOUSA_OK;
	s = store_stmt(imp->st, Q_PUT_ALIAS, imp->err);
	if (s == NULL)
		return stmt_failed(imp->err);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, prio);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_reset(s);
		return store_dberr(imp->st, imp->err, "cannot store an alias");
	}
	sqlite3_reset(s);
	return CHOUSA_OK;
}

/*
 * A family and its keys: the id ("winemotet") and its name part
 * ("emotet") and common name first, then every alias, so that an alias
 * two families share loses to a family's own name.
 */
int
imp_put_family(struct imp *imp, const struct chousa_family *f,
    const char *uuid)
{
	sqlite3_stmt *s = NULL;
	const char *p, *end, *dot;
	int rc = put_stmt(imp, Q_PUT_FAMILY, &s);

	if (rc != CHOUSA_OK)
		return rc;
	bind_text(s, 1, f->id);
	bind_text(s, 2, f->name);
	bind_text(s, 3, f->aliases);
	bind_text(s, 4, f->description);
	bind_text(s, 5, f->actors);
	bind_text(s, 6, f->refs);
	bind_text(s, 7, uuid);
	bind_text(s, 8, imp->source);
	sqlite3_bind_int64(s, 9, imp->now);
	rc = step_count(imp, s, "cannot store a family");
	if (rc != CHOUSA_OK)
		return rc;
	rc = put_alias(imp, f->id, strlen(f->id), f->id, 0);
	dot = strchr(f->id, '.');
	if (rc == CHOUSA_OK && dot != NULL)
		rc = put_alias(imp, dot + 1, strlen(dot + 1), f->id, 1);
	if (rc == CHOUSA_OK && f->name != NULL)
		rc = put_alias(imp, f->name, strlen(f->name), f->id, 1);
	for (p = f->aliases; rc == CHOUSA_OK && p != NULL && *p != '\0';
	    p = end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		rc = put_alias(imp, p, (size_t)(end - p), f->id, 2);
		if (*end == ',')
			end++;
	}
	return rc;
}

/* An address or range as a benign entry: its value and network key. */
static int
benign_net(struct imp *imp, const char *entry, size_t len,
    struct chousa_indicator *ind, uint8_t net[16], struct chousa_err *perr)
{
	int rc;

	rc = chousa_ioc_parse(imp->a, entry, len,
	    CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) | CHOUSA_IOC_IPS, ind, perr);
	if (rc != CHOUSA_OK)
		return rc;
	if (ind->type != CHOUSA_IOC_CIDR) {
		ind->is_v6 = ind->type == CHOUSA_IOC_IPV6;
		ind->prefix = ind->is_v6 ? 128 : 32;
	}
	store_net_key(ind->addr, ind->is_v6, ind->prefix, net);
	return CHOUSA_OK;
}

int
imp_put_benign(struct imp *imp, const char *list, const char *kind,
    const char *match, const char *entry, size_t entry_len, uint64_t line)
{
	struct chousa_indicator ind;
	struct chousa_err perr = { 0 };
	sqlite3_stmt *s;
	uint8_t net[16];
	const char *value = NULL;
	int rc, is_net = 0;

	while (entry_len > 0 && (*entry == ' ' || *entry == '\t')) {
		entry++;
		entry_len--;
	}
	while (entry_len > 0 && (entry[entry_len - 1] == ' ' ||
	    entry[entry_len - 1] == '\t'))
		entry_len--;
	if (entry_len == 0)
		return imp_reject(imp, line, "empty list entry");
	if (strcmp(match, "cidr") == 0) {
		rc = benign_net(imp, entry, entry_len, &ind, net, &perr);
		is_net = rc == CHOUSA_OK;
		value = ind.value;
	} else if (strcmp(match, "hostname") == 0 ||
	    strcmp(match, "string") == 0) {
		const char *d = entry;
		size_t n = entry_len;

		/*
		 * ".amazonaws.com" is the domain and every name under it,
		 * which is how every domain entry is matched; a trailing
		 * dot is the root's.
		 */
		if (n > 1 && d[0] == '.') {
			d++;
			n--;
		}
		while (n > 1 && d[n - 1] == '.')
			n--;
		rc = chousa_ioc_parse(imp->a, d, n,
		    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN), &ind, &perr);
		if (rc == CHOUSA_OK)
			value = ind.value;
		else if (strcmp(match, "string") == 0) {
			/*
			 * A string list may hold anything: an address is
			 * matched as one, a hash in its normal form, the rest
			 * is kept as it is.
			 */
			struct chousa_err ignore = { 0 };

			rc = benign_net(imp, entry, entry_len, &ind, net,
			    &ignore);
			if (rc == CHOUSA_OK)
				is_net = 1;
			else if (rc != CHOUSA_ENOMEM)
				rc = chousa_ioc_parse(imp->a, entry, entry_len,
				    CHOUSA_IOC_HASHES, &ind, &ignore);
			if (rc == CHOUSA_OK)
				value = ind.value;
			else if (rc != CHOUSA_ENOMEM) {
				value = chousa_arena_strndup(imp->a, entry,
				    entry_len);
				rc = value != NULL ? CHOUSA_OK : CHOUSA_ENOMEM;
			}
		}
	} else {
		value = chousa_arena_strndup(imp->a, entry, entry_len);
		rc = value != NULL ? CHOUSA_OK : CHOUSA_ENOMEM;
	}
	if (rc == CHOUSA_ENOMEM)
		return chousa_errf(imp->err, rc, "out of memory");
	if (rc != CHOUSA_OK)
		return imp_reject(imp, line, "%s", perr.msg);
	rc = put_stmt(imp, Q_PUT_BENIGN, &s);
	if (rc != CHOUSA_OK)
		return rc;
	bind_text(s, 1, list);
	bind_text(s, 2, kind);
	bind_text(s, 3, match);
	bind_text(s, 4, value);
	if (is_net) {
		sqlite3_bind_blob(s, 5, net, ind.is_v6 ? 16 : 4,
		    SQLITE_STATIC);
		sqlite3_bind_int(s, 6, ind.prefix);
	}
	return step_count(imp, s, "cannot store a list entry");
}

/* ---- the import ---- */

int
chousa_import_label_check(const char *what, const char *label,
    struct chousa_err *err)
{
	if (label == NULL || *label == '\0')
		return chousa_errf(err, CHOUSA_EINVAL, "the %s is empty: 1 to "
		    "%d bytes of one line", what, CHOUSA_IMPORT_LABEL_MAX);
	return chousa_text_line_check(what, label, CHOUSA_IMPORT_LABEL_MAX,
	    err);
}

const char *const *
chousa_importer_names(void)
{
	static const char *names[32];
	size_t i;

	if (names[0] == NULL)
		for (i = 0; i < 31 && importers[i] != NULL; i++)
			names[i] = importers[i]->feed.name;
	return names;
}

static int
is_dir(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") != 0 && stat(path, &sb) == 0 &&
	    S_ISDIR(sb.st_mode);
}

static int
begin_run(struct imp *imp, const char *format)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO imports (source,"
	    " format, file, started_at, outcome) VALUES (?1, ?2, ?3, ?4,"
	    " 'running')", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err, "cannot record import");
	sqlite3_bind_text(s, 1, imp->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, format, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, imp->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, imp->now);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(imp->st, imp->err, "cannot record import");
	imp->import_id = sqlite3_last_insert_rowid(imp->st->db);
	return CHOUSA_OK;
}

static int
end_run(struct chousa_store *st, int64_t id, const struct imp *imp,
    const char *outcome, const char *message, int insert)
{
	const struct chousa_import_report *rep = imp->rep;
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, insert ?
	    "INSERT INTO imports (sha256, finished_at, rows_read, added,"
	    " updated, rejected, outcome, message, source, format, file,"
	    " started_at, published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?10, ?11, ?12, ?2, ?13)" :
	    "UPDATE imports SET sha256 = ?1, finished_at = ?2,"
	    " rows_read = ?3, added = ?4, updated = ?5, rejected = ?6,"
	    " outcome = ?7, message = ?8, format = ?11, published_at = ?13"
	    " WHERE id = ?9", -1, &s,
	    NULL) !=
	    SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_text(s, 1, rep->sha256[0] ? rep->sha256 : NULL, -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(s, 3, (sqlite3_int64)rep->rows_read);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)rep->added);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)rep->updated);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)rep->rejected);
	sqlite3_bind_text(s, 7, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, message, -1, SQLITE_STATIC);
	if (rep->published_at > 0)
		sqlite3_bind_int64(s, 13, (sqlite3_int64)rep->published_at);
	if (insert) {
		sqlite3_bind_text(s, 10, imp->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 11, rep->format, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 12, imp->path, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_int64(s, 9, id);
		sqlite3_bind_text(s, 11, rep->format, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
}

static int
table_empty(struct chousa_store *st)
{
	sqlite3_stmt *s = NULL;
	int empty = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT 1 FROM indicators LIMIT 1",
	    -1, &s, NULL) == SQLITE_OK)
		empty = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return empty;
}

/*
 * A first import into an empty store writes each page once, straight to
 * the file, under a rollback journal.  In WAL mode every page went to the
 * WAL, was read back from it to build the indexes, and was copied again by
 * the checkpoint: 0.75 s of 5.6 s for a million URLhaus rows.  Only when
 * this is the store's only connection (SQLite will not leave WAL mode
 * otherwise) and the store is empty: a reader that comes meanwhile waits
 * for the first data, as there is nothing to read before it.  1 when the
 * journal was changed; journal_restore() puts WAL back.
 */
static int
journal_for_first_load(struct chousa_store *st)
{
	sqlite3_stmt *s = NULL;
	const char *mode;
	int changed = 0;

	if (!table_empty(st))
		return 0;
	store_wal_forget(st);	/* leaving WAL mode unmaps the -shm file */
	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = DELETE", -1,
	    &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		mode = (const char *)sqlite3_column_text(s, 0);
		changed = mode != NULL && strcmp(mode, "delete") == 0;
	}
	sqlite3_finalize(s);
	/*
	 * NORMAL is safe from corruption in WAL mode only; under a rollback
	 * journal a power cut at the wrong moment could damage the file.
	 */
	if (changed)
		sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL, NULL,
		    NULL);
	return changed;
}

static void
journal_restore(struct chousa_store *st)
{
	/* On failure the next writer's open sets WAL again. */
	sqlite3_exec(st->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

/* The file's size in bytes as read (compressed or not); 0 unknown. */
static uint64_t
input_size(struct input *in)
{
	uint64_t done, total = 0;

	if (in != NULL)
		input_progress(in, &done, &total);
	return total;
}

/*
 * Whether to write on a second thread (src/store/import/pipe.c): for the row
 * importers, on files of a megabyte or more, unless the caller asked for
 * one thread.  Not in builds that inject allocation failures, whose tests
 * count allocations in one order.
 */
static int
use_pipe(struct imp *imp, const struct importer *importer)
{
#ifdef CHOUSA_INJECT
	return 0;
#endif
	if (!importer->pipelined || imp->opts->threads == 1 || imp->in == NULL)
		return 0;
	return input_size(imp->in) >= PIPE_MIN_BYTES || imp->opts->threads > 1;
}

/* The importer, with the pipeline when it pays; the first error. */
static int
run_importer(struct imp *imp, const struct importer *importer)
{
	int rc = CHOUSA_OK, stop_rc;

	if (use_pipe(imp, importer))
		rc = imp_pipe_start(imp);
	if (rc == CHOUSA_OK)
		rc = importer->run(imp);
	/* The SQLite handle is this thread's again only after the stop. */
	stop_rc = imp_pipe_stop(imp);
	return rc != CHOUSA_OK ? rc : stop_rc;
}

/* Every record read is added, updated, unchanged or rejected. */
static void
report_total(struct chousa_import_report *r)
{
	r->rows_read = r->added + r->updated + r->unchanged + r->rejected;
}

/* One import of in (NULL: the directory src->path); takes in over. */
static int
import_input(struct chousa_store *st, const char *source,
    const struct import_src *src, struct input *in,
    const struct chousa_import_opts *opts, struct chousa_import_report *rep,
    struct chousa_err *err)
{
	static const struct chousa_import_opts no_opts;
	const struct importer *importer = NULL;
	struct chousa_import_report r;
	struct jshape *shape = NULL;
	struct imp imp;
	const char *path = src->path;
	int rc, in_txn = 0, bulk = 0, rollback_journal = 0;

	memset(&r, 0, sizeof(r));
	memset(&imp, 0, sizeof(imp));
	imp.in = in;
	if (st->flags & CHOUSA_STORE_READONLY) {
		rc = chousa_errf(err, CHOUSA_EINVAL,
		    "the store is open read-only");
		goto out;
	}
	if (source == NULL)
		source = "auto";
	imp.st = st;
	imp.opts = opts != NULL ? opts : &no_opts;
	imp.path = imp.opts->file_name != NULL ? imp.opts->file_name : path;
	imp.rep = &r;
	imp.err = err;
	imp.now = (int64_t)time(NULL);
	rc = import_choose(source, src, imp.in, &importer, &shape, err);
	if (rc != CHOUSA_OK)
		goto out;
	imp.shape = shape;
	imp.from_memory = src->mem != NULL;
	imp.source = importer->feed.name;
	if ((importer->feed.flags & CHOUSA_FEED_SOURCE_NAME) &&
	    imp.opts->source_name != NULL)
		imp.source = imp.opts->source_name;
	snprintf(r.source, sizeof(r.source), "%s", imp.source);
	store_io_mode(st, STORE_IO_IMPORT);
	rollback_journal = journal_for_first_load(st);
	rc = store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc != CHOUSA_OK)
		goto out;
	in_txn = 1;
	rc = begin_run(&imp, "");
	if (rc != CHOUSA_OK)
		goto out;
	/* Into an empty table, build the secondary indexes once at the end. */
	if (table_empty(st)) {
		bulk = 1;
		rc = store_schema_drop_bulk_indexes(st, err);
		if (rc != CHOUSA_OK)
			goto out;
		st->bulk = 1;
	}
	rc = store_filter_import_begin(st, input_size(imp.in), err);
	if (rc != CHOUSA_OK)
		goto out;
	rc = imp_scratch(&imp);
	if (rc == CHOUSA_OK)
		rc = run_importer(&imp, importer);
	if (rc != CHOUSA_OK)
		goto out;
	if (imp.in != NULL) {
		rc = input_finish(imp.in, r.sha256, err);
		if (rc != CHOUSA_OK)
			goto out;
	}
	if (bulk) {
		int64_t merged, updated;

		st->bulk = 0;
		store_io_mode(st, STORE_IO_INDEX);
		rc = store_schema_create_bulk_indexes(st, &merged, &updated,
		    err);
		store_io_mode(st, STORE_IO_IMPORT);
		if (rc != CHOUSA_OK)
			goto out;
		r.added -= (uint64_t)merged;
		r.updated += (uint64_t)updated;
		r.unchanged += (uint64_t)(merged - updated);
	}
	rc = store_filter_import_end(st, err);
	if (rc != CHOUSA_OK)
		goto out;
	report_total(&r);
	if (end_run(st, imp.import_id, &imp, "ok", NULL, 0) != SQLITE_OK) {
		rc = store_dberr(st, err, "cannot record import");
		goto out;
	}
	rc = store_exec(st, "COMMIT", err);
	if (rc == CHOUSA_OK)
		in_txn = 0;
out:
	if (in_txn) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		/* Remember the failure; nothing else of the run is kept. */
		report_total(&r);
		if (importer != NULL && rc != CHOUSA_ENOMEM)
			end_run(st, 0, &imp, "failed",
			    err != NULL ? err->msg : NULL, 1);
	}
	st->bulk = 0;
	if (rollback_journal)
		journal_restore(st);
	store_io_mode(st, STORE_IO_LOOKUP);
	store_filter_import_done(st);
	store_derived_forget(st);
	chousa_arena_free(imp.a);
	r.damaged = rc != CHOUSA_OK && imp.in != NULL &&
	    input_damaged(imp.in);
	input_free(imp.in);
	mem_free(shape);
	report_total(&r);
	if (rep != NULL)
		*rep = r;
	return rc;
}

int
chousa_store_import_failed(struct chousa_store *st, const char *source,
    const char *file, const char *why)
{
	struct chousa_import_report r;
	struct imp imp;

	if (st == NULL || (st->flags & CHOUSA_STORE_READONLY))
		return CHOUSA_EINVAL;
	memset(&r, 0, sizeof(r));
	memset(&imp, 0, sizeof(imp));
	imp.st = st;
	imp.source = source;
	imp.path = file;
	imp.rep = &r;
	return end_run(st, 0, &imp, "failed", why, 1) == SQLITE_OK ?
	    CHOUSA_OK : CHOUSA_ESTORE;
}

int
chousa_store_import(struct chousa_store *st, const char *source,
    const char *path, const struct chousa_import_opts *opts,
    struct chousa_import_report *rep, struct chousa_err *err)
{
	struct import_src src = { path, NULL, 0 };
	struct input *in = NULL;
	int rc;

	if (!is_dir(path)) {
		rc = input_open(&in, path, err);
		if (rc != CHOUSA_OK)
			return rc;
		/* An open file is said by the name its user knows. */
		if (opts != NULL && opts->file_name != NULL) {
			src.path = opts->file_name;
			if (input_rename(in, opts->file_name) != 0) {
				input_free(in);
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			}
		}
	}
	return import_input(st, source, &src, in, opts, rep, err);
}

int
store_import_buffer(struct chousa_store *st, const char *source,
    const char *name, const void *p, size_t len,
    const struct chousa_import_opts *opts, struct chousa_import_report *rep,
    struct chousa_err *err)
{
	struct import_src src = { name, p, len };
	struct input *in = NULL;
	int rc;

	rc = input_open_mem(&in, p, len, name, err);
	if (rc != CHOUSA_OK)
		return rc;
	return import_input(st, source, &src, in, opts, rep, err);
}

int
store_import_mem(struct chousa_store *st, const char *source,
    const void *p, size_t len, const struct chousa_import_opts *opts,
    struct chousa_import_report *rep, struct chousa_err *err)
{
	return store_import_buffer(st, source, "memory", p, len, opts, rep,
	    err);
}
