/*
 * store_backup.c: a copy of the store, consistent and checked, while
 * others read and write it (the team server, a scheduled update).
 *
 * SQLite's online backup copies the pages; it runs inside one read
 * transaction of ours, so the copy is the store as it was at one commit,
 * however long it takes, and writers are never held (WAL: a reader does
 * not block them).  The copy goes to a new file beside the destination,
 * made only for its owner (the store holds token hashes and cached
 * answers), is checked (PRAGMA quick_check), synced, and only then renamed
 * to the destination: a destination is a whole, checked backup or
 * nothing, and an existing file is never overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

/* Pages copied per step: about 4 MiB, between two progress reports. */
#define BACKUP_STEP_PAGES	1024

static int
copy_pages(struct chousa_store *st, sqlite3 *to, chousa_progress_fn fn,
    void *arg, struct chousa_err *err)
{
	sqlite3_backup *b;
	int rc, total;

	b = sqlite3_backup_init(to, "main", st->db, "main");
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
	    chousa_errf(err, CHOUSA_EDB, "the backup '%s' is damaged: %s",
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

int
chousa_store_backup(struct chousa_store *st, const char *dest,
    chousa_progress_fn fn, void *arg, struct chousa_err *err)
{
	char tmp[4096], dir[4096];
	const char *slash;
	struct stat sb;
	sqlite3 *to = NULL;
	int fd, rc;

	if (lstat(dest, &sb) == 0)
		return chousa_errf(err, CHOUSA_EINVAL, "'%s' exists: a backup "
		    "never overwrites a file; name a new one", dest);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial-%ld", dest,
	    (long)getpid()) >= sizeof(tmp))
		return chousa_errf(err, CHOUSA_EINVAL, "path too long: '%s'",
		    dest);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot create '%s': %s",
		    tmp, strerror(errno));
	close(fd);
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
	rc = copy_pages(st, to, fn, arg, err);
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
	if (sync_path(tmp, O_RDONLY) != 0 || rename(tmp, dest) != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s", dest,
		    strerror(errno));
		goto fail;
	}
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
