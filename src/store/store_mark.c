/*
 * store_mark.c: what a reader can tell of the commits since it read,
 * without a system call: the store's mark (the WAL-index header every
 * connection of every process shares), and which of the commits this
 * process made are bookkeeping only (a token's use, a session, the online
 * cache and quotas) and leave the indicator data as it was.
 *
 * A server's derived state (the probe filter and memos of each handle,
 * the answers kept for the whole server) is the data's, not the
 * bookkeeping's: a commit of a token's last use each minute, or of an
 * online answer to the cache, must not throw it away.  So a bookkeeping
 * commit of this process names the header it made an alias of the one
 * before it, and chousa_store_data_moved() compares the headers' roots.
 * The alias is only ever added when the header after the commit counts
 * exactly one commit more than the one before it (iChange, the WAL
 * index's count of commits), and this connection committed rows: then the
 * one commit between them is this one.  Every other case (another
 * process's commit in between, a header that cannot be read, an alias
 * forgotten) says "moved", which costs a refill and never a stale answer.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "store/store.h"

/* 32 KiB: the size of a wal-index region (walformat.html, 2.2). */
#define WAL_INDEX_REGION	32768

/*
 * The mapped wal-index header, or NULL.  SQLite maps region 0 of the -shm
 * file for as long as the connection is in WAL mode (all of a writable
 * handle's life) and hands it out through the VFS's xShmMap; asked without
 * extending, only a region that exists is given.  Not asked outside WAL
 * mode, where xShmMap would create a -shm file.
 */
static const volatile unsigned char *
wal_hdr(struct chousa_store *st)
{
	sqlite3_file *f = NULL;
	void volatile *p = NULL;
	sqlite3_stmt *s = NULL;
	const unsigned char *mode;
	int wal = 0;

	if (st->wal_hdr_known)
		return st->wal_hdr;
	if (sqlite3_prepare_v2(st->db, "PRAGMA main.journal_mode", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		mode = sqlite3_column_text(s, 0);
		wal = mode != NULL && strcmp((const char *)mode, "wal") == 0;
	}
	sqlite3_finalize(s);
	if (!wal || sqlite3_file_control(st->db, "main",
	    SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || f == NULL ||
	    f->pMethods == NULL || f->pMethods->iVersion < 2 ||
	    f->pMethods->xShmMap == NULL) {
		st->wal_hdr_known = -1;
		return NULL;
	}
	/* Not mapped yet (nothing read): asked again next time. */
	if (f->pMethods->xShmMap(f, 0, WAL_INDEX_REGION, 0, &p) != SQLITE_OK ||
	    p == NULL)
		return NULL;
	st->wal_hdr = p;
	st->wal_hdr_known = 1;
	return st->wal_hdr;
}

void
store_wal_forget(struct chousa_store *st)
{
	st->wal_hdr = NULL;
	st->wal_hdr_known = 0;
	st->marked = 0;
}

/* The header now into m; 0 when it cannot be read. */
int
store_mark_now(struct chousa_store *st, struct chousa_store_mark *m)
{
	const volatile unsigned char *h = wal_hdr(st);
	size_t i;

	if (h == NULL)
		return 0;
	/* Torn by a commit under way: then it differs, which is safe. */
	for (i = 0; i < sizeof(m->h); i++)
		m->h[i] = h[i];
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return 1;
}

int
chousa_store_mark(struct chousa_store *st, struct chousa_store_mark *m)
{
	if (st->snapshot) {
		if (st->marked)
			*m = st->mark;
		return st->marked;
	}
	return store_mark_now(st, m);
}

int
chousa_store_moved(struct chousa_store *st, const struct chousa_store_mark *m)
{
	struct chousa_store_mark now;

	return !store_mark_now(st, &now) || memcmp(now.h, m->h, sizeof(now.h)) != 0;
}

int
chousa_store_snapshot_stale(struct chousa_store *st)
{
	return !st->snapshot || !st->marked || chousa_store_moved(st, &st->mark);
}

/*
 * The aliases, by the header's commit count: ALIAS_SLOTS commits of
 * history, each slot the header after a bookkeeping commit and the root
 * (the header of the last data commit before it).  One table for the
 * process: every handle of a store reads the same headers, and headers of
 * two stores never meet (the salts are random).
 */
#define ALIAS_SLOTS	256

struct mark_alias {
	struct chousa_store_mark at;
	struct chousa_store_mark root;
	int		 used;
};

static struct mark_alias aliases[ALIAS_SLOTS];
static pthread_mutex_t aliases_lock = PTHREAD_MUTEX_INITIALIZER;

/* The WAL index's count of commits (walformat.html, 2.2.1: iChange). */
static uint32_t
mark_commits(const struct chousa_store_mark *m)
{
	uint32_t n;

	memcpy(&n, m->h + 8, sizeof(n));
	return n;
}

static int
mark_eq(const struct chousa_store_mark *a, const struct chousa_store_mark *b)
{
	return memcmp(a->h, b->h, sizeof(a->h)) == 0;
}

/* m's root into root; the caller holds aliases_lock. */
static void
root_of(const struct chousa_store_mark *m, struct chousa_store_mark *root)
{
	const struct mark_alias *a = &aliases[mark_commits(m) % ALIAS_SLOTS];

	*root = a->used && mark_eq(&a->at, m) ? a->root : *m;
}

void
store_mark_root(struct chousa_store_mark *m)
{
	pthread_mutex_lock(&aliases_lock);
	root_of(m, m);
	pthread_mutex_unlock(&aliases_lock);
}

int
store_data_moved(struct chousa_store *st, const struct chousa_store_mark *m)
{
	struct chousa_store_mark now, a, b;

	if (!store_mark_now(st, &now))
		return 1;
	if (mark_eq(&now, m))
		return 0;
	pthread_mutex_lock(&aliases_lock);
	root_of(&now, &a);
	root_of(m, &b);
	pthread_mutex_unlock(&aliases_lock);
	return !mark_eq(&a, &b);
}

int
chousa_store_data_moved(struct chousa_store *st,
    const struct chousa_store_mark *m)
{
	return store_data_moved(st, m);
}

void
store_book_begin(struct chousa_store *st, sqlite3 *db)
{
	st->book_marked = store_mark_now(st, &st->book_before);
	st->book_changes = sqlite3_total_changes64(db);
}

void
store_book_end(struct chousa_store *st, sqlite3 *db, int committed)
{
	struct chousa_store_mark after;
	struct mark_alias *a;

	if (!st->book_marked)
		return;
	st->book_marked = 0;
	/*
	 * Rows changed and committed, and the header counts exactly one
	 * commit more: that commit is this one.  A write still inside an
	 * outer transaction has not committed yet.
	 */
	if (!committed || !sqlite3_get_autocommit(db) ||
	    sqlite3_total_changes64(db) == st->book_changes ||
	    !store_mark_now(st, &after) ||
	    mark_commits(&after) != mark_commits(&st->book_before) + 1)
		return;
	pthread_mutex_lock(&aliases_lock);
	a = &aliases[mark_commits(&after) % ALIAS_SLOTS];
	root_of(&st->book_before, &a->root);
	a->at = after;
	a->used = 1;
	pthread_mutex_unlock(&aliases_lock);
}

int
store_book_step(struct chousa_store *st, sqlite3 *db, sqlite3_stmt *s)
{
	int own = sqlite3_get_autocommit(db), rc;

	if (own)
		store_book_begin(st, db);
	rc = sqlite3_step(s);
	if (own)
		store_book_end(st, db, rc == SQLITE_DONE);
	return rc;
}
