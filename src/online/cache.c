/*
 * cache.c: the online sources' answers, quotas and last errors in the
 * store (tables cache, quota and source_state).  Keys never reach these
 * tables: the cache key is built from the request without its key.  Writes
 * are grouped in one transaction per burst so that thousands of answers
 * cost one sync, not one each.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "chousa.h"
#include "store/store.h"
#include "online/cache.h"

/*
 * A run that opened the store read-only (investigate does, so that a look-up
 * never changes the feeds) still keeps its answers and quotas: those go
 * through a second, writing connection to the same file, which WAL allows.
 * It never creates the file, and lives until the process ends.
 */
static struct {
	const struct chousa_store	*st;
	char				*path;
	sqlite3				*db;
} writer;

static sqlite3 *
db_of(struct chousa_store *st)
{
	if (!(st->flags & CHOUSA_STORE_READONLY))
		return store_db(st);
	if (writer.st == st && writer.path != NULL &&
	    strcmp(writer.path, st->path) == 0)
		return writer.db;
	if (writer.db != NULL)
		sqlite3_close(writer.db);
	mem_free(writer.path);
	writer.st = NULL;
	writer.path = NULL;
	writer.db = NULL;
	if (sqlite3_open_v2(st->path, &writer.db, SQLITE_OPEN_READWRITE,
	    NULL) != SQLITE_OK) {
		/* Cannot write: read through the store's own handle. */
		sqlite3_close(writer.db);
		writer.db = NULL;
		return store_db(st);
	}
	sqlite3_busy_timeout(writer.db, 2000);
	/* As the store's own handle: WAL is durable enough at NORMAL. */
	sqlite3_exec(writer.db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	writer.st = st;
	writer.path = mem_strdup(st->path);
	return writer.db;
}

static int
prep(struct chousa_store *st, const char *sql, sqlite3_stmt **out,
    struct chousa_err *err)
{
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store");
	if (sqlite3_prepare_v2(db_of(st), sql, -1, out, NULL) != SQLITE_OK)
		return chousa_errf(err, CHOUSA_EDB, "cache: %s",
		    sqlite3_errmsg(db_of(st)));
	return CHOUSA_OK;
}

/* Every write here is bookkeeping: the cache, quotas, sources' errors. */
static int
step_done(struct chousa_store *st, sqlite3_stmt *s, struct chousa_err *err)
{
	int rc = store_book_step(st, db_of(st), s);

	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return chousa_errf(err, CHOUSA_EDB, "cache: %s",
		    sqlite3_errmsg(db_of(st)));
	return CHOUSA_OK;
}

int
cache_get(struct chousa_store *st, const char *source, const char *key,
    int64_t now, struct cache_entry *out, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = prep(st, "SELECT status, body, fetched_at FROM cache"
	    " WHERE source = ?1 AND key = ?2 AND expires_at > ?3", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const void *b = sqlite3_column_blob(s, 1);
		size_t n = (size_t)sqlite3_column_bytes(s, 1);

		out->status = (long)sqlite3_column_int64(s, 0);
		out->fetched_at = sqlite3_column_int64(s, 2);
		out->body = mem_strndup(b ? b : "", n);
		out->body_len = n;
		rc = out->body ? CHOUSA_OK :
		    chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_ENOTFOUND, "not cached");
	else
		rc = chousa_errf(err, CHOUSA_EDB, "cache: %s",
		    sqlite3_errmsg(db_of(st)));
	sqlite3_finalize(s);
	return rc;
}

int64_t
cache_expired_at(struct chousa_store *st, const char *source, const char *key,
    int64_t now)
{
	sqlite3_stmt *s;
	int64_t at = 0;

	if (prep(st, "SELECT fetched_at FROM cache WHERE source = ?1 AND"
	    " key = ?2 AND expires_at <= ?3", &s, NULL) != CHOUSA_OK)
		return 0;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	if (sqlite3_step(s) == SQLITE_ROW)
		at = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return at;
}

int
cache_put(struct chousa_store *st, const char *source, const char *key,
    long status, const char *body, size_t body_len, int64_t now, long ttl,
    struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = prep(st, "INSERT OR REPLACE INTO cache (source, key, status,"
	    " body, fetched_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, status);
	sqlite3_bind_blob(s, 4, body, (int)body_len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, now + ttl);
	return step_done(st, s, err);
}

int
cache_quota_used(struct chousa_store *st, const char *source, int64_t now,
    long *used, struct chousa_err *err)
{
	sqlite3_stmt *s;
	char day[16];
	int rc;

	rc = prep(st, "SELECT used FROM quota WHERE source = ?1 AND day = ?2",
	    &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	chousa_time_day(now, day);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	*used = sqlite3_step(s) == SQLITE_ROW ?
	    (long)sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return CHOUSA_OK;
}

int
cache_quota_add(struct chousa_store *st, const char *source, int64_t now,
    long n, struct chousa_err *err)
{
	sqlite3_stmt *s;
	char day[16];
	int rc;

	rc = prep(st, "INSERT INTO quota (source, day, used)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT(source, day)"
	    " DO UPDATE SET used = used + ?3", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	chousa_time_day(now, day);
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, n);
	return step_done(st, s, err);
}

int
cache_set_error(struct chousa_store *st, const char *source, const char *msg,
    int64_t now, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = prep(st, "INSERT OR REPLACE INTO source_state (source, last_error,"
	    " last_error_at) VALUES (?1, ?2, ?3)", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, msg, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return step_done(st, s, err);
}

int
cache_prune(struct chousa_store *st, int64_t now, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = prep(st, "DELETE FROM cache WHERE expires_at <= ?1", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_int64(s, 1, now);
	return step_done(st, s, err);
}

int
cache_begin(struct chousa_store *st, int *opened)
{
	*opened = 0;
	if (st == NULL || !sqlite3_get_autocommit(db_of(st)))
		return CHOUSA_OK;
	store_book_begin(st, db_of(st));
	if (sqlite3_exec(db_of(st), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return CHOUSA_EDB;
	*opened = 1;
	return CHOUSA_OK;
}

/*
 * A COMMIT that fails is rolled back: a transaction left open would hold
 * the connection's later writes (a server's, for every request on its
 * thread) uncommitted and the store's write lock with them.
 */
void
cache_commit(struct chousa_store *st)
{
	int ok;

	if (st == NULL || sqlite3_get_autocommit(db_of(st)))
		return;
	ok = sqlite3_exec(db_of(st), "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	if (!ok)
		sqlite3_exec(db_of(st), "ROLLBACK", NULL, NULL, NULL);
	store_book_end(st, db_of(st), ok);
}

/* ---- the public part: cache stats and clearing, source state ---- */

int
chousa_cache_stats(struct chousa_store *st, chousa_cache_stat_fn fn,
    void *arg, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc, step;

	rc = prep(st, "SELECT source, count(*), sum(length(body)),"
	    " sum(expires_at <= strftime('%s','now')), min(fetched_at),"
	    " max(fetched_at) FROM cache GROUP BY source ORDER BY source",
	    &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct chousa_cache_stat cs;

		memset(&cs, 0, sizeof(cs));
		cs.source = (const char *)sqlite3_column_text(s, 0);
		cs.entries = (uint64_t)sqlite3_column_int64(s, 1);
		cs.bytes = (uint64_t)sqlite3_column_int64(s, 2);
		cs.expired = (uint64_t)sqlite3_column_int64(s, 3);
		cs.oldest = sqlite3_column_int64(s, 4);
		cs.newest = sqlite3_column_int64(s, 5);
		if (cs.source == NULL)
			continue;
		rc = fn(arg, &cs);
		if (rc != CHOUSA_OK)
			break;
	}
	if (rc == CHOUSA_OK && step != SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_EDB, "cache: %s",
		    sqlite3_errmsg(db_of(st)));
	sqlite3_finalize(s);
	return rc;
}

int
chousa_cache_clear(struct chousa_store *st, const char *source,
    uint64_t *n_removed, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int rc;

	rc = prep(st, source != NULL ? "DELETE FROM cache WHERE source = ?1" :
	    "DELETE FROM cache", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (source != NULL)
		sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	rc = step_done(st, s, err);
	if (rc == CHOUSA_OK && n_removed != NULL)
		*n_removed = (uint64_t)sqlite3_changes(db_of(st));
	return rc;
}

int
chousa_source_state(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_source *src, const struct chousa_config *cfg,
    struct chousa_source_info *out, struct chousa_err *err)
{
	sqlite3_stmt *s;
	int64_t now = (int64_t)time(NULL);
	long used = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->daily = chousa_config_get_long(cfg, src->name, "daily",
	    src->daily);
	out->quota_left = -1;
	if (st == NULL)
		return CHOUSA_OK;
	rc = cache_quota_used(st, src->name, now, &used, err);
	if (rc != CHOUSA_OK)
		return rc;
	out->used_today = used;
	if (out->daily > 0)
		out->quota_left = out->daily > used ? out->daily - used : 0;
	rc = prep(st, "SELECT last_error, last_error_at FROM source_state"
	    " WHERE source = ?1", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_text(s, 1, src->name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *m = (const char *)sqlite3_column_text(s, 0);

		out->last_error = m ? chousa_arena_strdup(a, m) : NULL;
		out->last_error_at = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	rc = prep(st, "SELECT count(*), coalesce(sum(length(body)), 0)"
	    " FROM cache WHERE source = ?1", &s, err);
	if (rc != CHOUSA_OK)
		return rc;
	sqlite3_bind_text(s, 1, src->name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->cache_entries = (uint64_t)sqlite3_column_int64(s, 0);
		out->cache_bytes = (uint64_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	return CHOUSA_OK;
}
