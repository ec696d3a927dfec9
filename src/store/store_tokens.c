/*
 * store_tokens.c: the team server's API tokens (table tokens, schema 4;
 * expires_at, schema 5; online_budget and table token_usage, schema 6;
 * allow_from, schema 7).
 * Only the SHA-256 of a token is stored, so a copy of the store gives no
 * one a way in; a revoked token stays, so the audit log's names still
 * resolve.  A store older than schema 3 opened read-only has no table:
 * it then holds no token.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"
#include "store/store.h"

/* A name's rows, in any case: one user, as a single sign-on proxy's. */
#define BY_NAME	"name = ?1 COLLATE NOCASE "

static int
no_table(struct chousa_store *st)
{
	return strstr(sqlite3_errmsg(store_db(st)), "no such table") != NULL;
}

void
chousa_store_token_proxy_hash(const char *name, char hex[65])
{
	struct store_sha256 c;
	char low;

	store_sha256_init_with(&c, 0);
	store_sha256_update(&c, "proxy-user:", 11);
	for (; *name != '\0'; name++) {
		low = *name >= 'A' && *name <= 'Z' ? (char)(*name + 32) : *name;
		store_sha256_update(&c, &low, 1);
	}
	store_sha256_hex(&c, hex);
}

/*
 * The row of a new token (expires_at 0: none; online_budget -1: none;
 * allow_from NULL or "": any address; note NULL or "": none).
 */
static int
insert_token(struct chousa_store *st, const char *name, const char *role,
    const char *hash_hex, int64_t now, int64_t expires_at, long online_budget,
    const char *allow_from, const char *note, int64_t *id,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), "INSERT INTO tokens (name, role,"
	    " hash, created_at, expires_at, online_budget, allow_from, note)"
	    " VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), nullif(?6, -1),"
	    " nullif(?7, ''), nullif(?8, ''))", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot add the token");
	sqlite3_bind_text(s, 7, allow_from != NULL ? allow_from : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 8, note != NULL ? note : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, hash_hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)expires_at);
	sqlite3_bind_int64(s, 6, online_budget < 0 ? -1 : online_budget);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot add the token");
	*id = sqlite3_last_insert_rowid(store_db(st));
	return CHOUSA_OK;
}

int
chousa_store_token_add(struct chousa_store *st, const char *name,
    const char *role, const char *hash_hex, int64_t expires_at,
    long online_budget, const char *allow_from, const char *note,
    int64_t *id, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int64_t now = (int64_t)time(NULL);
	char proxy[65];
	int rc;

	chousa_store_token_proxy_hash(name, proxy);
	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM tokens"
	    " WHERE " BY_NAME "AND revoked_at IS NULL AND (expires_at IS NULL"
	    " OR expires_at > ?2) AND hash <> ?3 AND ?3 <> ?4", -1, &s,
	    NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the tokens");
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	sqlite3_bind_text(s, 3, proxy, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, hash_hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
	sqlite3_finalize(s);
	if (rc < 0)
		return store_dberr(st, err, "cannot read the tokens");
	if (rc > 0)
		return chousa_errf(err, CHOUSA_EEXIST, "'%s' already has a "
		    "valid token: revoke it first (chousa token revoke %s), "
		    "rotate it (chousa token rotate %s), or choose another "
		    "name", name, name, name);
	return insert_token(st, name, role, hash_hex, now, expires_at,
	    online_budget, allow_from, note, id, err);
}

/* The columns row() reads, in its order. */
#define TOKEN_COLS "id, name, role, created_at, coalesce(revoked_at, 0)," \
	" coalesce(expires_at, 0), coalesce(online_budget, -1), allow_from," \
	" coalesce(last_used_at, 0), coalesce(last_used_from, ''), note"

static int
row(sqlite3_stmt *s, struct chousa_arena *a, struct chousa_token *t)
{
	const char *name = (const char *)sqlite3_column_text(s, 1);
	const char *role = (const char *)sqlite3_column_text(s, 2);
	const char *from, *used_from, *note;

	t->id = sqlite3_column_int64(s, 0);
	t->name = chousa_arena_strdup(a, name != NULL ? name : "");
	t->role = chousa_arena_strdup(a, role != NULL ? role : "");
	t->created_at = sqlite3_column_int64(s, 3);
	t->revoked_at = sqlite3_column_int64(s, 4);
	t->expires_at = sqlite3_column_int64(s, 5);
	t->online_budget = (long)sqlite3_column_int64(s, 6);
	from = (const char *)sqlite3_column_text(s, 7);
	t->allow_from = from != NULL ? chousa_arena_strdup(a, from) : NULL;
	t->last_used_at = sqlite3_column_int64(s, 8);
	used_from = (const char *)sqlite3_column_text(s, 9);
	snprintf(t->last_used_from, sizeof(t->last_used_from), "%s",
	    used_from != NULL ? used_from : "");
	note = (const char *)sqlite3_column_text(s, 10);
	t->note = note != NULL ? chousa_arena_strdup(a, note) : NULL;
	return t->name != NULL && t->role != NULL && (from == NULL ||
	    t->allow_from != NULL) && (note == NULL || t->note != NULL);
}

int
chousa_store_token_find(struct chousa_store *st, struct chousa_arena *a,
    const char *hash_hex, struct chousa_token *out, struct chousa_err *err)
{
	struct chousa_token t;
	sqlite3_stmt *s = NULL;
	int rc;

	/* Kept prepared: the team server asks on every request. */
	memset(&t, 0, sizeof(t));
	s = store_kept(st, "SELECT " TOKEN_COLS " FROM tokens WHERE hash = ?1");
	if (s == NULL) {
		if (no_table(st))
			return chousa_errf(err, CHOUSA_ENOTFOUND, "no such "
			    "token");
		return store_dberr(st, err, "cannot read the tokens");
	}
	sqlite3_bind_text(s, 1, hash_hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		rc = row(s, a, &t) ? CHOUSA_OK : chousa_errf(err,
		    CHOUSA_ENOMEM, "out of memory");
	else if (rc == SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_ENOTFOUND, "no such token");
	else
		rc = store_dberr(st, err, "cannot read the tokens");
	sqlite3_reset(s);
	if (rc == CHOUSA_OK)
		*out = t;
	return rc;
}

/*
 * Run sql on name (?1) with ?2 and ?3 (when it has one), and ?4 the hash
 * of name's row as a user a proxy names (when it has one); 0 or an error.
 */
static int
token_step(struct chousa_store *st, const char *sql, const char *name,
    int64_t v2, int64_t v3, const char *what, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	char proxy[65];
	int rc;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, what);
	chousa_store_token_proxy_hash(name, proxy);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)v2);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)v3);
	if (sqlite3_bind_parameter_count(s) >= 4)
		sqlite3_bind_text(s, 4, proxy, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CHOUSA_OK : store_dberr(st, err, what);
}

/*
 * Run sql, an UPDATE of name's (?1) tokens, with ?2 value and ?3 now;
 * CHOUSA_ENOTFOUND when it changed none; what says what failed.
 */
static int
update_named(struct chousa_store *st, const char *sql, const char *name,
    int64_t value, const char *what, struct chousa_err *err)
{
	int rc = token_step(st, sql, name, value, (int64_t)time(NULL), what,
	    err);

	if (rc == CHOUSA_OK && sqlite3_changes(store_db(st)) == 0)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "'%s' has no valid "
		    "token (chousa token list names those there are)", name);
	return rc;
}

/*
 * name's newest valid token at now into *t, and what a rotation keeps of
 * it into out (its role, what it is allowed from, "" for any, its note).
 */
static int
newest_valid(struct chousa_store *st, const char *name, int64_t now,
    struct chousa_token_rotation *out, struct chousa_token *t,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	char proxy[65];
	const char *r;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), "SELECT role, created_at,"
	    " coalesce(expires_at, 0), coalesce(online_budget, -1),"
	    " coalesce(allow_from, ''), coalesce(note, '') FROM"
	    " tokens WHERE " BY_NAME "AND revoked_at IS NULL AND (expires_at"
	    " IS NULL OR expires_at > ?2) AND hash <> ?3 ORDER BY id DESC"
	    " LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the tokens");
	chousa_store_token_proxy_hash(name, proxy);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	sqlite3_bind_text(s, 3, proxy, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(s, 0);
		snprintf(out->role, sizeof(out->role), "%s", r != NULL ? r :
		    "");
		t->created_at = sqlite3_column_int64(s, 1);
		t->expires_at = sqlite3_column_int64(s, 2);
		t->online_budget = (long)sqlite3_column_int64(s, 3);
		r = (const char *)sqlite3_column_text(s, 4);
		snprintf(out->allow_from, sizeof(out->allow_from), "%s",
		    r != NULL ? r : "");
		r = (const char *)sqlite3_column_text(s, 5);
		snprintf(out->note, sizeof(out->note), "%s", r != NULL ? r :
		    "");
		rc = CHOUSA_OK;
	} else if (rc == SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_ENOTFOUND, "'%s' has no valid "
		    "token to rotate: create one (chousa token create)", name);
	else
		rc = store_dberr(st, err, "cannot read the tokens");
	sqlite3_finalize(s);
	return rc;
}

/*
 * Inside the rotation's transaction: the tokens before end (or are
 * revoked), then the new one is added, skipping add's check for a valid
 * token, which those in their grace still are.
 */
static int
rotate_in(struct chousa_store *st, const char *name, const char *hash_hex,
    long lifetime, long grace, int64_t now, struct chousa_token_rotation *out,
    struct chousa_err *err)
{
	struct chousa_token was;
	int rc;

	memset(&was, 0, sizeof(was));
	rc = newest_valid(st, name, now, out, &was, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (lifetime > 0)
		out->expires_at = now + lifetime;
	else if (was.expires_at != 0)
		out->expires_at = now + (was.expires_at - was.created_at);
	out->online_budget = was.online_budget;
	if (grace > 0) {
		out->before_until = was.expires_at != 0 && was.expires_at <
		    now + grace ? was.expires_at : now + grace;
		rc = token_step(st, "UPDATE tokens SET expires_at ="
		    " min(coalesce(expires_at, ?3), ?3) WHERE " BY_NAME "AND"
		    " revoked_at IS NULL AND (expires_at IS NULL OR"
		    " expires_at > ?2) AND hash <> ?4", name, now, now + grace,
		    "cannot rotate the token", err);
	} else
		rc = token_step(st, "UPDATE tokens SET revoked_at = ?2 WHERE"
		    " " BY_NAME "AND revoked_at IS NULL AND hash <> ?4", name,
		    now, 0, "cannot rotate the token", err);
	if (rc != CHOUSA_OK)
		return rc;
	return insert_token(st, name, out->role, hash_hex, now,
	    out->expires_at, out->online_budget, out->allow_from, out->note,
	    &out->id, err);
}

int
chousa_store_token_rotate(struct chousa_store *st, const char *name,
    const char *hash_hex, long lifetime, long grace,
    struct chousa_token_rotation *out, struct chousa_err *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = rotate_in(st, name, hash_hex, lifetime, grace,
	    (int64_t)time(NULL), out, err);
	return store_write_end(st, rc, err);
}

int
chousa_store_token_revoke(struct chousa_store *st, const char *name,
    struct chousa_err *err)
{
	return update_named(st, "UPDATE tokens SET revoked_at = ?3 WHERE"
	    " " BY_NAME "AND revoked_at IS NULL", name, 0,
	    "cannot revoke the token", err);
}

int
chousa_store_token_readmit(struct chousa_store *st, const char *name,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	char proxy[65];
	int rc = update_named(st, "UPDATE tokens SET revoked_at = NULL WHERE"
	    " hash = ?4 AND revoked_at IS NOT NULL",
	    name, 0, "cannot readmit the user", err);

	if (rc != CHOUSA_ENOTFOUND)
		return rc;
	/* Why not: a user let in already, or no such user. */
	chousa_store_token_proxy_hash(name, proxy);
	if (sqlite3_prepare_v2(store_db(st), "SELECT 1 FROM tokens WHERE"
	    " hash = ?1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the tokens");
	sqlite3_bind_text(s, 1, proxy, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "'%s' is not revoked: "
		    "the single sign-on proxy signs it in", name);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot read the tokens");
	return chousa_errf(err, CHOUSA_ENOTFOUND, "'%s' was never signed in "
	    "by the single sign-on proxy (a bearer token revoked stays "
	    "revoked, as it may have leaked: chousa token create makes "
	    "another)", name);
}

int
chousa_store_token_used(struct chousa_store *st,
    const struct chousa_token_use *uses, size_t n, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc;

	if (n == 0)
		return CHOUSA_OK;
	store_book_begin(st, store_db(st));
	rc = store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_prepare_v2(store_db(st), "UPDATE tokens SET last_used_at ="
	    " ?2, last_used_from = nullif(?3, '') WHERE id = ?1 AND hash = ?4"
	    " AND coalesce(last_used_at, 0) <= ?2", -1, &s, NULL) !=
	    SQLITE_OK)
		rc = store_dberr(st, err, "cannot record the tokens' use");
	for (i = 0; rc == CHOUSA_OK && i < n; i++) {
		sqlite3_bind_int64(s, 1, (sqlite3_int64)uses[i].id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)uses[i].at);
		sqlite3_bind_text(s, 3, uses[i].from, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, uses[i].hash, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_dberr(st, err, "cannot record the tokens' "
			    "use");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return store_book_write_end(st, rc, err);
}

int
chousa_store_token_list(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_token **out, size_t *n_out, struct chousa_err *err)
{
	struct chousa_token *v = NULL, *nv;
	sqlite3_stmt *s = NULL;
	size_t n = 0, cap = 0;
	int64_t now = (int64_t)time(NULL);
	const char *hash;
	char proxy[65];
	int rc;

	if (sqlite3_prepare_v2(store_db(st), "SELECT " TOKEN_COLS ", hash FROM"
	    " tokens ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
		if (no_table(st)) {
			*out = NULL;
			*n_out = 0;
			return CHOUSA_OK;
		}
		return store_dberr(st, err, "cannot read the tokens");
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = chousa_arena_alloc(a, cap * sizeof(*nv));
			if (nv == NULL)
				break;
			if (n > 0)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		if (!row(s, a, &v[n]))
			break;
		/* Said in listings only: a request's look-up has no need. */
		hash = (const char *)sqlite3_column_text(s, 11);
		chousa_store_token_proxy_hash(v[n].name, proxy);
		v[n].by_proxy = hash != NULL && strcmp(hash, proxy) == 0;
		n++;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot read the tokens");
	for (size_t i = 0; i < n; i++) {
		rc = chousa_store_token_spent(st, v[i].name, now,
		    &v[i].online_today, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	*out = v;
	*n_out = n;
	return CHOUSA_OK;
}

int
chousa_store_token_set_budget(struct chousa_store *st, const char *name,
    long online_budget, struct chousa_err *err)
{
	return update_named(st, "UPDATE tokens SET online_budget ="
	    " nullif(?2, -1) WHERE " BY_NAME "AND revoked_at IS NULL AND"
	    " (expires_at IS NULL OR expires_at > ?3)", name,
	    online_budget < 0 ? -1 : online_budget, "cannot set the budget", err);
}

/*
 * Run sql, an UPDATE of name's (?1) valid tokens at now (?3), with text
 * ?2; CHOUSA_ENOTFOUND when it changed none; what says what failed.
 */
static int
update_text(struct chousa_store *st, const char *sql, const char *name,
    const char *text, const char *what, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, what);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, text != NULL ? text : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, what);
	if (sqlite3_changes(store_db(st)) == 0)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "'%s' has no valid "
		    "token (chousa token list names those there are)", name);
	return CHOUSA_OK;
}

int
chousa_store_token_set_allow(struct chousa_store *st, const char *name,
    const char *allow_from, struct chousa_err *err)
{
	return update_text(st, "UPDATE tokens SET allow_from = nullif(?2, '')"
	    " WHERE " BY_NAME "AND revoked_at IS NULL AND (expires_at IS NULL"
	    " OR expires_at > ?3)", name, allow_from,
	    "cannot set the addresses", err);
}

int
chousa_store_token_set_note(struct chousa_store *st, const char *name,
    const char *note, struct chousa_err *err)
{
	return update_text(st, "UPDATE tokens SET note = nullif(?2, '')"
	    " WHERE " BY_NAME "AND revoked_at IS NULL AND (expires_at IS NULL"
	    " OR expires_at > ?3)", name, note, "cannot set the note", err);
}

int
chousa_store_token_set_role(struct chousa_store *st, const char *hash_hex,
    const char *role, struct chousa_err *err)
{
	return update_text(st, "UPDATE tokens SET role = ?2 WHERE hash = ?1"
	    " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at >"
	    " ?3)", hash_hex, role, "cannot set the role", err);
}

int
chousa_store_token_spent(struct chousa_store *st, const char *name,
    int64_t now, long *spent, struct chousa_err *err)
{
	sqlite3_stmt *s;
	char day[16];
	int rc;

	*spent = 0;
	s = store_kept(st, "SELECT online FROM token_usage WHERE name = lower(?1)"
	    " AND day = ?2");
	if (s == NULL)
		return no_table(st) ? CHOUSA_OK : store_dberr(st, err,
		    "cannot read the tokens' usage");
	chousa_time_day(now, day);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*spent = (long)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? CHOUSA_OK :
	    store_dberr(st, err, "cannot read the tokens' usage");
}

int
chousa_store_token_spend(struct chousa_store *st, const char *name,
    int64_t now, long n, struct chousa_err *err)
{
	sqlite3_stmt *s;
	char day[16];
	int rc;

	s = store_kept(st, "INSERT INTO token_usage (name, day, online)"
	    " VALUES (lower(?1), ?2, max(?3, 0)) ON CONFLICT(name, day)"
	    " DO UPDATE SET online = max(online + ?3, 0)");
	if (s == NULL)
		return store_dberr(st, err, "cannot count the token's usage");
	chousa_time_day(now, day);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, n);
	rc = store_book_step(st, store_db(st), s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? CHOUSA_OK : store_dberr(st, err,
	    "cannot count the token's usage");
}
