/*
 * store_backup.c: a copy of the store, consistent and checked, while
 * others read and write it (the team server, a scheduled update).
 *
 * SQLite's online backup copies the pages; it runs inside one read
 * transaction of ours, so the copy is the store as it was at one commit,
 * however long it takes, and writers are never held (WAL: a reader does
 * not block them).  The copy goes to a new file beside the destination,
 * made only for its owner (the store holds token hashes and cached
 * answers), is checked (PRAGMA quick_check), synced, and only then
 * linked to the destination's name: a destination is a whole, checked
 * backup or nothing, and an existing file is never overwritten, even one
 * made meanwhile.
 *
 * A restore goes the other way, in one step the store's readers see
 * whole: the backup is copied to a file beside the store, opened as a
 * store (which checks it is one, not from a newer chousa, and migrates
 * it), checked, given the revocations made since it was taken, the
 * tokens made since (revoked: their rows hold their IDs, which the audit
 * log names, so that no later token is given one), the quota spent since
 * and the store's web sessions (a backup's own are never restored), and
 * only then copied over the store's pages in one write transaction.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

/* Pages copied per step: about 4 MiB, between two progress reports. */
#define BACKUP_STEP_PAGES	1024

/* Copy from's pages to to, BACKUP_STEP_PAGES at a time. */
static int
copy_pages(sqlite3 *from, sqlite3 *to, chousa_progress_fn fn, void *arg,
    struct chousa_err *err)
{
	sqlite3_backup *b;
	int rc, total;

	b = sqlite3_backup_init(to, "main", from, "main");
	if (b == NULL)
		return chousa_errf(err, CHOUSA_EDB, "cannot start the backup: "
		    "%s", sqlite3_errmsg(to));
	do {
		rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		total = sqlite3_backup_pagecount(b);
		if (fn != NULL && total > 0)
			fn(arg, (uint64_t)(total - sqlite3_backup_remaining(b)),
			    (uint64_t)total);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return chousa_errf(err, CHOUSA_EDB, "the backup failed: %s",
		    sqlite3_errstr(rc));
	return CHOUSA_OK;
}

static int
quick_check(sqlite3 *db, const char *path, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	const char *msg;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		rc = chousa_errf(err, CHOUSA_EDB, "cannot check the backup "
		    "'%s': %s", path, sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return rc;
	}
	msg = (const char *)sqlite3_column_text(s, 0);
	rc = msg != NULL && strcmp(msg, "ok") == 0 ? CHOUSA_OK :
	    chousa_errf(err, CHOUSA_EFORMAT, "the backup '%s' is damaged: %s",
	    path, msg != NULL ? msg : "no answer");
	sqlite3_finalize(s);
	return rc;
}

/* Flush path's data, and its directory's entry, to the disk. */
static int
sync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * A new, empty file beside path, named path.WHAT-PID, only for its owner
 * (what is copied there holds token hashes and cached answers); its name
 * into out.
 */
static int
temp_beside(const char *path, const char *what, char *out, size_t size,
    struct chousa_err *err)
{
	int fd;

	if ((size_t)snprintf(out, size, "%s.%s-%ld", path, what,
	    (long)getpid()) >= size)
		return chousa_errf(err, CHOUSA_EINVAL, "path too long: '%s'",
		    path);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot create '%s': %s",
		    out, strerror(errno));
	close(fd);
	return CHOUSA_OK;
}

/*
 * Give the finished copy at tmp the name dest, unless dest exists: another
 * backup may have taken it since it was looked at (two in the same second
 * into a directory).  A hard link fails where the name is taken; a file
 * system without them gets a rename.
 */
static int
name_new(const char *tmp, const char *dest, struct chousa_err *err)
{
	if (link(tmp, dest) == 0) {
		unlink(tmp);
		return CHOUSA_OK;
	}
	if (errno == EEXIST)
		return chousa_errf(err, CHOUSA_EINVAL, "'%s' exists: a backup "
		    "never overwrites a file; name a new one", dest);
	if ((errno == EPERM || errno == EOPNOTSUPP) &&
	    rename(tmp, dest) == 0)
		return CHOUSA_OK;
	return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s", dest,
	    strerror(errno));
}

int
chousa_store_backup(struct chousa_store *st, const char *dest,
    chousa_progress_fn fn, void *arg, struct chousa_err *err)
{
	char tmp[4096], dir[4096];
	const char *slash;
	struct stat sb;
	sqlite3 *to = NULL;
	int rc;

	if (lstat(dest, &sb) == 0)
		return chousa_errf(err, CHOUSA_EINVAL, "'%s' exists: a backup "
		    "never overwrites a file; name a new one", dest);
	rc = temp_beside(dest, "partial", tmp, sizeof(tmp), err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s", tmp,
		    to != NULL ? sqlite3_errmsg(to) : "out of memory");
		goto fail;
	}
	/* One read transaction: the copy is one commit's store. */
	if (sqlite3_exec(st->db, "BEGIN; SELECT count(*) FROM sqlite_master",
	    NULL, NULL, NULL) != SQLITE_OK) {
		rc = store_dberr(st, err, "cannot read the store");
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	rc = copy_pages(st->db, to, fn, arg, err);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	/* The copy stands alone: no -wal beside it. */
	if (rc == CHOUSA_OK && sqlite3_exec(to, "PRAGMA journal_mode = DELETE",
	    NULL, NULL, NULL) != SQLITE_OK)
		rc = chousa_errf(err, CHOUSA_EIO, "cannot finish '%s': %s",
		    tmp, sqlite3_errmsg(to));
	if (rc == CHOUSA_OK)
		rc = quick_check(to, tmp, err);
	sqlite3_close(to);
	to = NULL;
	if (rc != CHOUSA_OK)
		goto fail;
	if (sync_path(tmp, O_RDONLY) != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s", dest,
		    strerror(errno));
		goto fail;
	}
	rc = name_new(tmp, dest, err);
	if (rc != CHOUSA_OK)
		goto fail;
	slash = strrchr(dest, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash == NULL ? 1 : slash == dest ?
	    1 : (int)(slash - dest), slash == NULL ? "." : dest);
	(void)sync_path(dir, O_RDONLY | O_DIRECTORY);
	return CHOUSA_OK;
fail:
	if (to != NULL)
		sqlite3_close(to);
	unlink(tmp);
	return rc;
}

int
chousa_store_backup_note(struct chousa_store *st,
    const struct chousa_backup_record *r, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO backups (at, file, bytes,"
	    " seconds, ok, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s,
	    NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot note the backup");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)r->at);
	sqlite3_bind_text(s, 2, r->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)r->bytes);
	sqlite3_bind_double(s, 4, r->seconds);
	sqlite3_bind_int(s, 5, r->ok != 0);
	if (r->message != NULL)
		sqlite3_bind_text(s, 6, r->message, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot note the backup");
	return store_exec(st, "DELETE FROM backups WHERE id <= (SELECT"
	    " max(id) - 100 FROM backups)", err);
}

/* The newest row of backups WHERE where into *r; at 0 when none. */
static int
newest_backup(struct chousa_store *st, struct chousa_arena *a,
    const char *sql, struct chousa_backup_record *r, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	const char *file, *msg;
	int rc;

	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(st->db), "no such table") != NULL)
			return CHOUSA_OK;
		return store_dberr(st, err, "cannot read the backups noted");
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		r->at = sqlite3_column_int64(s, 0);
		file = (const char *)sqlite3_column_text(s, 1);
		r->bytes = sqlite3_column_int64(s, 2);
		r->seconds = sqlite3_column_double(s, 3);
		r->ok = sqlite3_column_int(s, 4);
		msg = (const char *)sqlite3_column_text(s, 5);
		r->file = chousa_arena_strdup(a, file != NULL ? file : "");
		r->message = msg != NULL ? chousa_arena_strdup(a, msg) : NULL;
		rc = r->file != NULL && (msg == NULL || r->message != NULL) ?
		    CHOUSA_OK : chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	} else if (rc == SQLITE_DONE)
		rc = CHOUSA_OK;
	else
		rc = store_dberr(st, err, "cannot read the backups noted");
	sqlite3_finalize(s);
	return rc;
}

int
chousa_store_backup_last(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_backup_record *last, struct chousa_backup_record *good,
    struct chousa_err *err)
{
#define BACKUP_COLS "SELECT at, file, bytes, seconds, ok, message FROM backups"
	int rc = newest_backup(st, a, BACKUP_COLS " ORDER BY id DESC LIMIT 1",
	    last, err);

	if (rc == CHOUSA_OK)
		rc = newest_backup(st, a, BACKUP_COLS " WHERE ok ORDER BY id"
		    " DESC LIMIT 1", good, err);
	return rc;
#undef BACKUP_COLS
}

static void
unlink_store(const char *path)
{
	char side[4200];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/*
 * Copy the file at src, as SQLite reads it, into the new file at dest;
 * its schema version into *version.
 */
static int
copy_file_pages(const char *src, const char *dest, int *version,
    chousa_progress_fn fn, void *arg, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	sqlite3 *from = NULL, *to = NULL;
	int rc;

	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s", src,
		    from != NULL ? sqlite3_errmsg(from) : "out of memory");
		goto out;
	}
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s", dest,
		    to != NULL ? sqlite3_errmsg(to) : "out of memory");
		goto out;
	}
	/* Ours, before anything is copied. */
	if (sqlite3_prepare_v2(from, "PRAGMA application_id", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
	    sqlite3_column_int(s, 0) != STORE_APP_ID) {
		rc = chousa_errf(err, CHOUSA_EFORMAT, "'%s' is not a chousa "
		    "store (a backup made by chousa db backup)", src);
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	rc = copy_pages(from, to, fn, arg, err);
	if (rc == CHOUSA_OK && sqlite3_prepare_v2(to, "PRAGMA user_version",
	    -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		*version = sqlite3_column_int(s, 0);
out:
	sqlite3_finalize(s);
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}

/*
 * The store's tokens as the restored copy must honour them: each one
 * revoked here is revoked there too (a token that leaked after the
 * backup must not come back), and each one valid here but not there is
 * said, as gone, and its hash kept in *made_since (in a), for
 * carry_tokens.  A single sign-on user's row is not gone: the proxy
 * signs that user in as before.
 */
static int
carry_revocations(struct chousa_store *st, struct chousa_store *copy,
    struct chousa_arena *a, struct chousa_store_restored *out,
    const char ***made_since, struct chousa_err *err)
{
	sqlite3_stmt *list = NULL, *revoke = NULL, *has = NULL;
	const char **gone, **hashes;
	char proxy[65];
	size_t cap = 0, hash_cap = 0;
	int rc = CHOUSA_OK, step;

	if (sqlite3_prepare_v2(st->db, "SELECT hash, name, revoked_at FROM "
	    "tokens ORDER BY id", -1, &list, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store's tokens");
	if (sqlite3_prepare_v2(copy->db, "UPDATE tokens SET revoked_at = ?2 "
	    "WHERE hash = ?1 AND revoked_at IS NULL", -1, &revoke, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(copy->db, "SELECT 1 FROM tokens "
	    "WHERE hash = ?1", -1, &has, NULL) != SQLITE_OK) {
		rc = store_dberr(copy, err, "cannot read the backup's tokens");
		goto out;
	}
	while ((step = sqlite3_step(list)) == SQLITE_ROW) {
		const char *hash = (const char *)sqlite3_column_text(list, 0);
		const char *name = (const char *)sqlite3_column_text(list, 1);

		if (hash == NULL || name == NULL)
			continue;
		if (sqlite3_column_type(list, 2) != SQLITE_NULL) {
			sqlite3_bind_text(revoke, 1, hash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(revoke, 2,
			    sqlite3_column_int64(list, 2));
			if (sqlite3_step(revoke) != SQLITE_DONE) {
				rc = store_dberr(copy, err, "cannot revoke a "
				    "token in the backup");
				goto out;
			}
			out->revoked_again += (size_t)sqlite3_changes(copy->db);
			sqlite3_reset(revoke);
			continue;
		}
		sqlite3_bind_text(has, 1, hash, -1, SQLITE_STATIC);
		step = sqlite3_step(has);
		sqlite3_reset(has);
		chousa_store_token_proxy_hash(name, proxy);
		if (step == SQLITE_ROW || strcmp(hash, proxy) == 0)
			continue;
		gone = chousa_arena_grow(a, (void *)out->gone, out->n_gone,
		    &cap, sizeof(*gone));
		if (gone != NULL)
			out->gone = gone;
		hashes = chousa_arena_grow(a, (void *)*made_since,
		    out->n_gone, &hash_cap, sizeof(*hashes));
		if (hashes != NULL)
			*made_since = hashes;
		if (gone == NULL || hashes == NULL || (gone[out->n_gone] =
		    chousa_arena_strdup(a, name)) == NULL ||
		    (hashes[out->n_gone] = chousa_arena_strdup(a, hash)) ==
		    NULL) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			goto out;
		}
		out->n_gone++;
	}
	if (step != SQLITE_DONE)
		rc = store_dberr(st, err, "cannot read the store's tokens");
out:
	sqlite3_finalize(list);
	sqlite3_finalize(revoke);
	sqlite3_finalize(has);
	return rc;
}

/*
 * The store's tokens the copy lacks (made since the backup), put in the
 * copy under their IDs, with the columns both have; the n made_since
 * (not single sign-on users') revoked now.  A token's ID is the audit
 * log's name for it and the key of its uses a running server writes: a
 * row dropped would give its ID to the next token made.  An ID the copy
 * gives another token (a backup of another store) is left to that one;
 * the copy's highest ID is then at least the store's anyway.
 */
static int
carry_tokens(struct chousa_store *copy, const char **made_since, size_t n,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	const char *cols;
	char *sql = NULL;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(copy->db, "SELECT group_concat('\"' || "
	    "replace(name, '\"', '\"\"') || '\"', ', ') FROM "
	    "pragma_table_info('tokens', 'main') WHERE name IN (SELECT name "
	    "FROM pragma_table_info('tokens', 'live'))", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
	    (cols = (const char *)sqlite3_column_text(s, 0)) == NULL) {
		rc = store_dberr(copy, err, "cannot read the tokens' columns");
		goto out;
	}
	sql = sqlite3_mprintf("INSERT OR IGNORE INTO main.tokens (%s) SELECT "
	    "%s FROM live.tokens WHERE hash NOT IN (SELECT hash FROM "
	    "main.tokens) ORDER BY id", cols, cols);
	sqlite3_finalize(s);
	s = NULL;
	if (sql == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	rc = store_exec(copy, sql, err);
	if (rc != CHOUSA_OK)
		goto out;
	if (sqlite3_prepare_v2(copy->db, "UPDATE main.tokens SET revoked_at "
	    "= ?2 WHERE hash = ?1 AND revoked_at IS NULL", -1, &s, NULL) !=
	    SQLITE_OK) {
		rc = store_dberr(copy, err, "cannot revoke a token made since");
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(s, 1, made_since[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
		if (sqlite3_step(s) != SQLITE_DONE) {
			rc = store_dberr(copy, err, "cannot revoke a token "
			    "made since");
			goto out;
		}
		sqlite3_reset(s);
	}
out:
	sqlite3_finalize(s);
	sqlite3_free(sql);
	return rc;
}

/*
 * Today's spend as the store counts it, kept in the copy where it is
 * higher: the online quotas and the tokens' budgets were spent since the
 * backup, and the services counted it too.  The backups noted are the
 * store's: the copy's are older, and the copy itself is one of them.  So
 * are the web sessions: a restore signs no browser out, and brings back
 * none signed out since the backup (each is still refused when its token
 * is revoked in the copy: a token made since).
 */
static int
carry_spend(struct chousa_store *copy, struct chousa_err *err)
{
	return store_exec(copy, "INSERT INTO main.quota SELECT * FROM "
	    "live.quota WHERE true ON CONFLICT(source, day) DO UPDATE SET "
	    "used = max(used, excluded.used);"
	    "INSERT INTO main.token_usage SELECT * FROM live.token_usage "
	    "WHERE true ON CONFLICT(name, day) DO UPDATE SET online = "
	    "max(online, excluded.online);"
	    "DELETE FROM main.backups;"
	    "INSERT INTO main.backups SELECT * FROM live.backups;"
	    "DELETE FROM main.sessions;"
	    "INSERT INTO main.sessions SELECT * FROM live.sessions", err);
}

/* What the copy takes from the store, which it reads as "live". */
static int
carry_live(struct chousa_store *st, struct chousa_store *copy,
    const char **made_since, size_t n, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(copy->db, "ATTACH DATABASE ?1 AS live", -1, &s,
	    NULL) != SQLITE_OK)
		return store_dberr(copy, err, "cannot read the store");
	sqlite3_bind_text(s, 1, st->path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_dberr(copy, err, "cannot read the store");
	rc = carry_tokens(copy, made_since, n, err);
	if (rc == CHOUSA_OK)
		rc = carry_spend(copy, err);
	sqlite3_exec(copy->db, "DETACH DATABASE live", NULL, NULL, NULL);
	return rc;
}

/* Why the copy at tmp of src was refused, said of src. */
static int
refused(struct chousa_err *err, const char *src, const char *tmp)
{
	char why[sizeof(err->msg)];
	size_t n = strlen(tmp);
	const char *m = err->msg;

	/* "'tmp' is from a newer chousa...": said of the copy, so "it". */
	if (m[0] == '\'' && strncmp(m + 1, tmp, n) == 0 &&
	    strncmp(m + 1 + n, "' ", 2) == 0)
		snprintf(why, sizeof(why), "it %s", m + n + 3);
	else
		snprintf(why, sizeof(why), "%s", m);
	return chousa_errf(err, CHOUSA_EFORMAT, "'%s' is not a backup this "
	    "chousa can restore: %s", src, why);
}

/*
 * The restore as a change of the store, at the time it happened: the
 * copy's own last import is older than what clients may hold, and an
 * export's Last-Modified must not go back in time.
 */
static int
record_restore(struct chousa_store *st, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO feed_state "
	    "(source, checked_at) VALUES ('" STORE_RESTORE_STAMP "', ?)", -1,
	    &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot record the restore");
	sqlite3_bind_int64(s, 1, (int64_t)time(NULL));
	rc = sqlite3_step(s) == SQLITE_DONE ? CHOUSA_OK :
	    store_dberr(st, err, "cannot record the restore");
	sqlite3_finalize(s);
	return rc;
}

int
chousa_store_restore(struct chousa_store *st, const char *src,
    struct chousa_arena *a, struct chousa_store_restored *out,
    chousa_progress_fn fn, void *arg, struct chousa_err *err)
{
	struct chousa_store *copy = NULL;
	const char **made_since = NULL;
	sqlite3 *from = NULL;
	sqlite3_backup *b;
	char tmp[4096];
	int rc;

	memset(out, 0, sizeof(*out));
	if (access(src, R_OK) != 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s", src,
		    strerror(errno));
	rc = temp_beside(st->path, "restore", tmp, sizeof(tmp), err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = copy_file_pages(src, tmp, &out->schema, fn, arg, err);
	/* Opened as a store: ours, not newer, migrated to this build's. */
	if (rc == CHOUSA_OK) {
		rc = chousa_store_open_wait(&copy, tmp, 0, st->wait_ms, err);
		if (rc == CHOUSA_EFORMAT)
			rc = refused(err, src, tmp);
	}
	if (rc == CHOUSA_OK)
		rc = quick_check(copy->db, src, err);
	if (rc == CHOUSA_OK)
		rc = carry_revocations(st, copy, a, out, &made_since, err);
	if (rc == CHOUSA_OK)
		rc = carry_live(st, copy, made_since, out->n_gone, err);
	if (copy != NULL) {
		/* One file again, whole, for the copy below. */
		if (rc == CHOUSA_OK && sqlite3_exec(copy->db, "PRAGMA "
		    "journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
			rc = store_dberr(copy, err, "cannot finish the copy");
		chousa_store_close(copy);
	}
	if (rc != CHOUSA_OK)
		goto out;
	if (sqlite3_open_v2(tmp, &from, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s", tmp,
		    from != NULL ? sqlite3_errmsg(from) : "out of memory");
		goto out;
	}
	/* Every page in one step: one write transaction, seen whole. */
	b = sqlite3_backup_init(st->db, "main", from, "main");
	if (b == NULL) {
		rc = store_dberr(st, err, "cannot start the restore");
		goto out;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		rc = chousa_errf(err, CHOUSA_EBUSY, "the store '%s' is held by "
		    "another chousa (an import?) for more than %d s; nothing "
		    "was restored: try again when it is done", st->path,
		    (st->wait_ms + 999) / 1000);
	else if (rc == SQLITE_READONLY)
		rc = chousa_errf(err, CHOUSA_EDB, "cannot restore '%s' over "
		    "'%s': their page sizes differ (restore it with the store "
		    "stopped: copy it over the file)", src, st->path);
	else if (rc != SQLITE_DONE)
		rc = chousa_errf(err, CHOUSA_EDB, "the restore failed, and left "
		    "the store as it was: %s", sqlite3_errstr(rc));
	else
		rc = record_restore(st, err);
out:
	sqlite3_close(from);
	unlink_store(tmp);
	return rc;
}
