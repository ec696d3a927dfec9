/*
 * store_sessions.c: the team server's web sessions (table sessions,
 * schema 11), in the store rather than the server's memory, so that a
 * restart, an upgrade or a second server on the same store keeps every
 * browser signed in.  A row holds the SHA-256 of the session's id, the
 * token row it signed in by (chousa serve re-checks that token on each
 * use: one revoked or expired since ends the session then, and the page
 * says why), and when it ends.  Expired rows are deleted by the next
 * sign-in.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"

/*
 * The live sessions (at ?2) of token ?1, or of every token when ?1 is
 * NULL.
 */
#define COUNT_LIVE "SELECT count(*) FROM sessions WHERE expires_at > ?2" \
	" AND (?1 IS NULL OR token_hash = ?1)"

/* Run sql with ?1 text (NULL: SQL NULL) and ?2 now; its count or -1. */
static int64_t
count_of(struct chousa_store *st, const char *sql, const char *text,
    int64_t now)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (text != NULL)
		sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Run sql with ?1 text and ?2 now (when it has them); 1 when done. */
static int
step_with(struct chousa_store *st, const char *sql, const char *text,
    int64_t now)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	rc = store_book_step(st, store_db(st), s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE;
}

/* Inside add's transaction: room made for s, then its row. */
static int
add_in(struct chousa_store *st, const char *id_hash,
    const struct chousa_session *s, size_t per_token, size_t max,
    struct chousa_err *err)
{
	sqlite3_stmt *ins = NULL;
	int64_t now = s->created_at, mine, all;
	int rc;

	if (!step_with(st, "DELETE FROM sessions WHERE expires_at <= ?2",
	    "", now) ||
	    (mine = count_of(st, COUNT_LIVE, s->token_hash, now)) < 0 ||
	    (all = count_of(st, COUNT_LIVE, NULL, now)) < 0)
		return store_dberr(st, err, "cannot read the sessions");
	/* The token's own oldest goes; another token's, never. */
	if (mine >= (int64_t)per_token) {
		if (!step_with(st, "DELETE FROM sessions WHERE id_hash IN"
		    " (SELECT id_hash FROM sessions WHERE token_hash = ?1"
		    " AND expires_at > ?2 ORDER BY created_at, rowid"
		    " LIMIT 1)", s->token_hash, now))
			return store_dberr(st, err, "cannot end a session");
	} else if (all >= (int64_t)max)
		return chousa_errf(err, CHOUSA_ELIMIT, "the store holds %lld "
		    "live sessions, its most", (long long)all);
	if (sqlite3_prepare_v2(store_db(st), "INSERT INTO sessions (id_hash,"
	    " token_hash, via, created_at, expires_at) VALUES (?1, ?2, ?3,"
	    " ?4, ?5)", -1, &ins, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot add the session");
	sqlite3_bind_text(ins, 1, id_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, s->token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, s->by_proxy ? "proxy" : "token", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(ins, 4, (sqlite3_int64)s->created_at);
	sqlite3_bind_int64(ins, 5, (sqlite3_int64)s->expires_at);
	rc = sqlite3_step(ins);
	sqlite3_finalize(ins);
	return rc == SQLITE_DONE ? CHOUSA_OK : store_dberr(st, err,
	    "cannot add the session");
}

int
chousa_store_session_add(struct chousa_store *st, const char *id_hash,
    const struct chousa_session *s, size_t per_token, size_t max,
    struct chousa_err *err)
{
	int rc;

	store_book_begin(st, store_db(st));
	rc = store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = add_in(st, id_hash, s, per_token, max, err);
	return store_book_write_end(st, rc, err);
}

int
chousa_store_session_find(struct chousa_store *st, const char *id_hash,
    int64_t now, struct chousa_session *out, struct chousa_err *err)
{
	const char *hash, *via;
	sqlite3_stmt *s;
	int rc;

	/* Kept prepared: the team server asks on every page. */
	s = store_kept(st, "SELECT token_hash, via, created_at, expires_at"
	    " FROM sessions WHERE id_hash = ?1 AND expires_at > ?2");
	if (s == NULL) {
		if (strstr(sqlite3_errmsg(store_db(st)), "no such table") !=
		    NULL)
			return chousa_errf(err, CHOUSA_ENOTFOUND, "no such "
			    "session");
		return store_dberr(st, err, "cannot read the sessions");
	}
	sqlite3_bind_text(s, 1, id_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof(*out));
		hash = (const char *)sqlite3_column_text(s, 0);
		via = (const char *)sqlite3_column_text(s, 1);
		snprintf(out->token_hash, sizeof(out->token_hash), "%s",
		    hash != NULL ? hash : "");
		out->by_proxy = via != NULL && strcmp(via, "proxy") == 0;
		out->created_at = sqlite3_column_int64(s, 2);
		out->expires_at = sqlite3_column_int64(s, 3);
		rc = CHOUSA_OK;
	} else if (rc == SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_ENOTFOUND, "no such session");
	else
		rc = store_dberr(st, err, "cannot read the sessions");
	sqlite3_reset(s);
	return rc;
}

int
chousa_store_session_end(struct chousa_store *st, const char *id_hash,
    struct chousa_err *err)
{
	return step_with(st, "DELETE FROM sessions WHERE id_hash = ?1",
	    id_hash, 0) ? CHOUSA_OK : store_dberr(st, err,
	    "cannot end the session");
}
