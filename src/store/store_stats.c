/*
 * store_stats.c: what `chousa db stats`, `db check` and `update` need of
 * the store: counts per source and type, the last import of each source,
 * the latest failed imports and why, the file size, an integrity check,
 * and the ETag / Last-Modified state of each feed download.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "base/mem.h"

static char *
dup_col(struct chousa_arena *a, sqlite3_stmt *s, int i, int *failed)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	char *p;

	if (t == NULL)
		return NULL;
	p = chousa_arena_strdup(a, (const char *)t);
	if (p == NULL)
		*failed = 1;
	return p;
}

static int
count_rows(struct chousa_store *st, struct chousa_arena *a, const char *sql,
    struct chousa_stat_count **out, size_t *n_out, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	struct chousa_stat_count *v = NULL, *nv;
	size_t n = 0, cap = 0;
	int rc, failed = 0;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < 4096) {
		nv = chousa_arena_grow(a, v, n, &cap, sizeof(*nv));
		if (nv == NULL) {
			failed = 1;
			break;
		}
		v = nv;
		v[n].source = dup_col(a, s, 0, &failed);
		v[n].type = sqlite3_column_int(s, 1);
		v[n].n = (uint64_t)sqlite3_column_int64(s, 2);
		n++;
	}
	sqlite3_finalize(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	*out = v;
	*n_out = n;
	return CHOUSA_OK;
}

static uint64_t
scalar(struct chousa_store *st, const char *sql)
{
	sqlite3_stmt *s = store_kept(st, sql);
	uint64_t v = 0;

	if (s != NULL && sqlite3_step(s) == SQLITE_ROW)
		v = (uint64_t)sqlite3_column_int64(s, 0);
	if (s != NULL)
		sqlite3_reset(s);
	return v;
}

void
chousa_store_schema(struct chousa_store *st, int *version, int *current)
{
	*version = (int)scalar(st, "PRAGMA user_version");
	*current = STORE_SCHEMA_VERSION;
}

/* The latest failed imports, each with whether its source did better. */
static int
failures(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_store_stats *r, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int failed = 0;

	r->failures = chousa_arena_alloc(a, CHOUSA_STATS_MAX_FAILURES *
	    sizeof(*r->failures));
	if (r->failures == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (sqlite3_prepare_v2(st->db, "SELECT f.source, f.file,"
	    " f.finished_at, f.message, EXISTS (SELECT 1 FROM imports o"
	    " WHERE o.source = f.source AND o.outcome = 'ok' AND o.id > f.id)"
	    " FROM imports f WHERE f.outcome <> 'ok' ORDER BY f.id DESC"
	    " LIMIT ?1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	sqlite3_bind_int(s, 1, CHOUSA_STATS_MAX_FAILURES);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct chousa_stat_failure *f = &r->failures[r->n_failures++];

		f->source = dup_col(a, s, 0, &failed);
		f->file = dup_col(a, s, 1, &failed);
		f->finished_at = sqlite3_column_int64(s, 2);
		f->message = dup_col(a, s, 3, &failed);
		f->since_ok = sqlite3_column_int(s, 4);
	}
	sqlite3_finalize(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

int
chousa_store_stats(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_store_stats *out, struct chousa_err *err)
{
	struct chousa_store_stats r;
	sqlite3_stmt *s = NULL;
	struct stat sb;
	char wal[4200];
	size_t cap = 0;
	int rc, failed = 0;

	memset(&r, 0, sizeof(r));
	rc = count_rows(st, a, "SELECT source, type, count(*) FROM indicators"
	    " GROUP BY source, type ORDER BY source, type", &r.counts,
	    &r.n_counts, err);
	if (rc == CHOUSA_OK)
		rc = count_rows(st, a, "SELECT list || ' (' || kind || ')', 0,"
		    " count(*) FROM benign GROUP BY list, kind ORDER BY list",
		    &r.benign, &r.n_benign, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, "SELECT i.source, i.file, i.sha256,"
	    " i.finished_at, i.rows_read, i.added, i.updated, i.rejected"
	    " FROM imports i WHERE i.outcome = 'ok' AND i.id = (SELECT max(id)"
	    " FROM imports j WHERE j.source = i.source AND j.outcome = 'ok')"
	    " ORDER BY i.source", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	while (sqlite3_step(s) == SQLITE_ROW && r.n_imports < 256) {
		struct chousa_stat_import *im;

		im = chousa_arena_grow(a, r.imports, r.n_imports, &cap,
		    sizeof(*im));
		if (im == NULL) {
			failed = 1;
			break;
		}
		r.imports = im;
		im = &r.imports[r.n_imports++];
		im->source = dup_col(a, s, 0, &failed);
		im->file = dup_col(a, s, 1, &failed);
		im->sha256 = dup_col(a, s, 2, &failed);
		im->finished_at = sqlite3_column_int64(s, 3);
		im->rows_read = (uint64_t)sqlite3_column_int64(s, 4);
		im->added = (uint64_t)sqlite3_column_int64(s, 5);
		im->updated = (uint64_t)sqlite3_column_int64(s, 6);
		im->rejected = (uint64_t)sqlite3_column_int64(s, 7);
	}
	sqlite3_finalize(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r.indicators = scalar(st, "SELECT count(*) FROM indicators");
	r.samples = scalar(st, "SELECT count(*) FROM samples");
	r.relations = scalar(st, "SELECT count(*) FROM relations");
	r.families = scalar(st, "SELECT count(*) FROM families");
	r.failed_imports = scalar(st,
	    "SELECT count(*) FROM imports WHERE outcome <> 'ok'");
	if (r.failed_imports > 0) {
		rc = failures(st, a, &r, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	rc = chousa_store_backup_last(st, a, &r.backup_last, &r.backup_good,
	    err);
	if (rc != CHOUSA_OK)
		return rc;
	r.schema = (int)scalar(st, "PRAGMA user_version");
	if (stat(st->path, &sb) == 0)
		r.file_size = (uint64_t)sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", st->path);
	if (stat(wal, &sb) == 0)
		r.file_size += (uint64_t)sb.st_size;
	*out = r;
	return CHOUSA_OK;
}

int
chousa_store_check(struct chousa_store *st, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	const char *msg;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s,
	    NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot check the store");
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_dberr(st, err, "cannot check the store");
	}
	msg = (const char *)sqlite3_column_text(s, 0);
	if (msg == NULL || strcmp(msg, "ok") != 0) {
		rc = chousa_errf(err, CHOUSA_EDB, "store '%s' is damaged: %s",
		    st->path, msg ? msg : "no answer");
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	return CHOUSA_OK;
}

int
chousa_store_feed_state(struct chousa_store *st, struct chousa_arena *a,
    const char *source, const char **etag, const char **last_modified,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int failed = 0;

	*etag = *last_modified = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT etag, last_modified FROM"
	    " feed_state WHERE source = ?1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read feed state");
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*etag = dup_col(a, s, 0, &failed);
		*last_modified = dup_col(a, s, 1, &failed);
	}
	sqlite3_finalize(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

int
chousa_store_set_feed_state(struct chousa_store *st, const char *source,
    const char *url, const char *etag, const char *last_modified,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO feed_state (source, url,"
	    " etag, last_modified, checked_at) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (source) DO UPDATE SET url = excluded.url,"
	    " etag = excluded.etag, last_modified = excluded.last_modified,"
	    " checked_at = excluded.checked_at", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot save feed state");
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, etag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, last_modified, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot save feed state");
	return CHOUSA_OK;
}

/*
 * The last import of each source into the handle's cache, and the
 * feed_state check that may have found it unchanged since.  The import's
 * data is as old as its file says (published_at), when it says.
 */
static int
ages_read(struct chousa_store *st, struct chousa_err *err)
{
	sqlite3_stmt *s;
	struct chousa_feed_age *v = NULL;
	size_t n = 0, cap = 0;
	int failed = 0;

	s = store_kept(st, "SELECT i.source, max(min(coalesce(i.published_at,"
	    " i.finished_at), i.finished_at), coalesce(f.checked_at, 0)),"
	    " i.rows_read, coalesce(f.checked_at,"
	    " 0) >= i.started_at FROM imports i LEFT JOIN feed_state f ON"
	    " f.source = i.source WHERE i.outcome = 'ok' AND i.id = (SELECT"
	    " max(id) FROM imports k WHERE k.source = i.source AND k.outcome ="
	    " 'ok') ORDER BY i.source");
	if (s == NULL)
		return store_dberr(st, err, "cannot read the store");
	while (sqlite3_step(s) == SQLITE_ROW && n < 256) {
		const char *src = (const char *)sqlite3_column_text(s, 0);

		if (MEM_GROW(v, n, cap, 16, 256) != CHOUSA_OK ||
		    (v[n].source = mem_strdup(src != NULL ? src : "")) ==
		    NULL) {
			failed = 1;
			break;
		}
		v[n].updated_at = sqlite3_column_int64(s, 1);
		v[n].rows = (uint64_t)sqlite3_column_int64(s, 2);
		v[n].downloaded = sqlite3_column_int(s, 3);
		n++;
	}
	sqlite3_reset(s);
	st->ages = v;
	st->n_ages = n;
	if (failed) {
		store_derived_forget(st);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	st->ages_known = 1;
	return CHOUSA_OK;
}

int
chousa_store_feed_ages(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_feed_age **out, size_t *n_out, struct chousa_err *err)
{
	struct chousa_feed_age *v = NULL;
	size_t i;
	int rc;

	/*
	 * Every investigation asks, a look-up's too: read once per data
	 * version (a commit anywhere forgets them), copied for the caller.
	 */
	if (!st->snapshot)
		store_filter_sync(st);
	if (!st->ages_known && (rc = ages_read(st, err)) != CHOUSA_OK)
		return rc;
	if (st->n_ages > 0) {
		v = chousa_arena_alloc(a, st->n_ages * sizeof(*v));
		if (v == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		for (i = 0; i < st->n_ages; i++) {
			v[i] = st->ages[i];
			v[i].source = chousa_arena_strdup(a, st->ages[i].source);
			if (v[i].source == NULL)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
		}
	}
	*out = v;
	*n_out = st->n_ages;
	return CHOUSA_OK;
}

int
chousa_store_source_newest(struct chousa_store *st, const char *source,
    int64_t *out, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT max(max(first_seen,"
	    " last_seen)) FROM indicators WHERE source = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	*out = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return CHOUSA_OK;
}

int
chousa_store_reference(struct chousa_store *st, uint64_t *families,
    uint64_t *benign, struct chousa_err *err)
{
	(void)err;
	/* LIMIT 1: whether there is any, without counting a big table. */
	*families = scalar(st, "SELECT count(*) FROM (SELECT 1 FROM families"
	    " LIMIT 1)");
	*benign = scalar(st, "SELECT count(*) FROM (SELECT 1 FROM benign"
	    " LIMIT 1)");
	return CHOUSA_OK;
}
