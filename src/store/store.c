/*
 * store.c: the local intel store.  SQLite in WAL mode, so readers never wait
 * for an import; every look-up is a handful of index probes through
 * statements prepared once and kept on the store.  A URL is matched through
 * its parts (host, parents, registrable domain, IP host and the CIDRs that
 * hold it), which the importers stored as columns, so nothing scans.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/data.h"
#include "ioc/ioc.h"
#include "ioc/labels.h"
#include "store/store.h"
#include "base/hash.h"
#include "base/mem.h"

/*
 * 64 MiB of page cache, and look-ups read pages straight from the OS page
 * cache through a mapping (store_io_mode() sets them aside for full scans
 * and imports).
 */
#define CACHE_PRAGMA	"PRAGMA cache_size = -65536"
#define MMAP_PRAGMA	"PRAGMA mmap_size = 17179869184"

#define REC_COLS "type, value, source, source_id, first_seen, last_seen, " \
	"status, threat, family, tags, confidence, reference, observation"

#define PUT_IND "INSERT INTO indicators (" PUT_IND_COLS ")" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13," \
	" ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"

static const char *const stmt_sql[Q_COUNT] = {
	[Q_BY_VALUE] = "SELECT " REC_COLS " FROM indicators"
	    " WHERE vhash = ?3 AND value = ?1 LIMIT ?2",
	[Q_BEGIN] = "BEGIN",
	[Q_COMMIT] = "COMMIT",
	[Q_BY_HOST] = "SELECT " REC_COLS " FROM indicators"
	    " WHERE hhash = ?3 AND host = ?1 LIMIT ?2",
	[Q_BY_REGDOMAIN] = "SELECT " REC_COLS " FROM indicators"
	    " WHERE rhash = ?3 AND regdomain = ?1"
	    " AND (host IS NULL OR host <> ?1) AND value <> ?1 LIMIT ?2",
	[Q_BY_NET] = "SELECT " REC_COLS " FROM indicators"
	    " WHERE net = ?1 AND prefix = ?2 LIMIT ?3",
	[Q_NET_PREFIXES] = "SELECT DISTINCT length(net), prefix"
	    " FROM indicators WHERE net IS NOT NULL",
	[Q_SAMPLE_SHA256] = "SELECT sha256, md5, sha1, file_type, file_name,"
	    " family, tags, first_seen, source FROM samples WHERE sha256 = ?1",
	[Q_SAMPLE_MD5] = "SELECT sha256, md5, sha1, file_type, file_name,"
	    " family, tags, first_seen, source FROM samples WHERE md5 = ?1",
	[Q_SAMPLE_SHA1] = "SELECT sha256, md5, sha1, file_type, file_name,"
	    " family, tags, first_seen, source FROM samples WHERE sha1 = ?1",
	[Q_RELATIONS] = "SELECT rel, from_type, from_value, to_type, to_value,"
	    " source, seen FROM relations WHERE from_value = ?1"
	    " UNION ALL SELECT rel, from_type, from_value, to_type, to_value,"
	    " source, seen FROM relations WHERE to_value = ?1"
	    " AND from_value <> ?1 LIMIT ?2",
	[Q_FAMILY_KEY] = "SELECT id FROM family_alias WHERE key = ?1"
	    " ORDER BY prio, id LIMIT 1",
	[Q_FAMILY_GET] = "SELECT id, name, aliases, description, actors, refs"
	    " FROM families WHERE id = ?1",
	[Q_BENIGN_VALUE] = "SELECT list, kind, entry FROM benign"
	    " WHERE entry = ?1 AND match IN ('string', 'hostname')",
	[Q_BENIGN_NET] = "SELECT list, kind, entry FROM benign"
	    " WHERE net = ?1 AND prefix = ?2",
	[Q_BENIGN_PREFIXES] = "SELECT DISTINCT length(net), prefix"
	    " FROM benign WHERE net IS NOT NULL",
	[Q_BENIGN_SUBSTR] = "SELECT list, kind, entry FROM benign"
	    " WHERE match = 'substring' AND instr(?1, entry) > 0 LIMIT 50",
	[Q_PUT_IND] = PUT_IND PUT_IND_UPSERT,
	/* Into an empty table without its unique index (bulk load). */
	[Q_PUT_IND_BULK] = PUT_IND,
	[Q_PUT_SAMPLE] = "INSERT INTO samples (sha256, md5, sha1, file_type,"
	    " file_name, family, tags, first_seen, source)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT (sha256) DO UPDATE SET"
	    " md5 = coalesce(md5, excluded.md5),"
	    " sha1 = coalesce(sha1, excluded.sha1),"
	    " file_type = coalesce(file_type, excluded.file_type),"
	    " file_name = coalesce(file_name, excluded.file_name),"
	    " family = coalesce(family, excluded.family),"
	    " tags = coalesce(tags, excluded.tags)"
	    " WHERE (md5 IS NULL AND excluded.md5 IS NOT NULL)"
	    " OR (sha1 IS NULL AND excluded.sha1 IS NOT NULL)"
	    " OR (family IS NULL AND excluded.family IS NOT NULL)"
	    " OR (file_type IS NULL AND excluded.file_type IS NOT NULL)",
	[Q_PUT_REL] = "INSERT INTO relations (rel, from_type, from_value,"
	    " to_type, to_value, source, seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (from_value, to_value, rel, source) DO UPDATE SET"
	    " seen = excluded.seen WHERE excluded.seen > seen",
	[Q_PUT_FAMILY] = "INSERT INTO families (id, name, aliases,"
	    " description, actors, refs, uuid, source, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT (id) DO UPDATE SET"
	    " name = coalesce(excluded.name, name),"
	    " aliases = coalesce(excluded.aliases, aliases),"
	    " description = coalesce(excluded.description, description),"
	    " actors = coalesce(excluded.actors, actors),"
	    " refs = coalesce(excluded.refs, refs),"
	    " uuid = coalesce(excluded.uuid, uuid),"
	    " updated = excluded.updated"
	    " WHERE coalesce(excluded.name, name) IS NOT name"
	    " OR coalesce(excluded.aliases, aliases) IS NOT aliases"
	    " OR coalesce(excluded.description, description) IS NOT description"
	    " OR coalesce(excluded.actors, actors) IS NOT actors"
	    " OR coalesce(excluded.refs, refs) IS NOT refs",
	[Q_PUT_ALIAS] = "INSERT INTO family_alias (key, id, prio)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (key, id) DO UPDATE SET"
	    " prio = excluded.prio WHERE excluded.prio < prio",
	[Q_PUT_BENIGN] = "INSERT INTO benign (list, kind, match, entry, net,"
	    " prefix) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (list, entry) DO UPDATE SET kind = excluded.kind,"
	    " match = excluded.match"
	    " WHERE kind IS NOT excluded.kind OR match IS NOT excluded.match",
	[Q_FILTER_META] = "SELECT log2_blocks, covers_id, keys"
	    " FROM probe_filter_meta WHERE one = 1",
	[Q_FILTER_MAX_ID] = "SELECT coalesce(max(id), 0) FROM indicators",
	[Q_FILTER_VIEW] = "PRAGMA schema_version",
	[Q_FILTER_CHUNK] = "SELECT bits FROM probe_filter WHERE chunk = ?1",
	[Q_FILTER_ROWS] = "SELECT vhash, hhash, rhash FROM indicators"
	    " WHERE id <= ?1",
	[Q_FILTER_PUT] = "INSERT INTO probe_filter (chunk, bits)"
	    " VALUES (?1, ?2)",
	[Q_FILTER_PUT_META] = "INSERT OR REPLACE INTO probe_filter_meta"
	    " (one, log2_blocks, covers_id, keys) VALUES (1, ?1, ?2, ?3)",
};

sqlite3 *
store_db(struct chousa_store *st)
{
	return st->db;
}

/* Slot i of the answers, emptied. */
static void
answer_forget(struct chousa_store *st, size_t i)
{
	st->answer_bytes -= st->answers[i].len;
	mem_free(st->answers[i].key);
	st->answers[i].key = NULL;
	st->answers[i].len = 0;
}

/* The answers' slot of key. */
static size_t
answer_slot(const struct chousa_store *st, const char *key)
{
	return chousa_fnv1a32(CHOUSA_FNV32_INIT, key, strlen(key)) %
	    (sizeof(st->answers) / sizeof(st->answers[0]));
}

/*
 * Bytes the answers of one handle may hold (the server keeps one handle a
 * thread): past it, a new answer with bytes is not kept.
 */
#define ANSWER_BYTES_MAX	((size_t)4 << 20)

const char *
chousa_store_memo_bytes(struct chousa_store *st, const char *key, int *value,
    size_t *len)
{
	size_t i = answer_slot(st, key);

	/* A snapshot synced at its start; otherwise, the store now. */
	if (!st->snapshot)
		store_filter_sync(st);
	if (st->answers[i].key == NULL || strcmp(st->answers[i].key, key) != 0)
		return NULL;
	*value = st->answers[i].value;
	*len = st->answers[i].len;
	return st->answers[i].key + strlen(key) + 1;
}

int
chousa_store_memo_get(struct chousa_store *st, const char *key, int *out)
{
	size_t len;

	return chousa_store_memo_bytes(st, key, out, &len) != NULL;
}

void
chousa_store_memo_put_bytes(struct chousa_store *st, const char *key,
    int value, const char *bytes, size_t len)
{
	size_t i = answer_slot(st, key), klen = strlen(key);
	char *copy;

	if (st->answer_bytes - st->answers[i].len + len > ANSWER_BYTES_MAX)
		return;
	copy = mem_alloc(klen + 1 + len + 1);
	if (copy == NULL)
		return;
	memcpy(copy, key, klen + 1);
	if (len > 0)
		memcpy(copy + klen + 1, bytes, len);
	copy[klen + 1 + len] = '\0';
	answer_forget(st, i);
	st->answers[i].key = copy;
	st->answers[i].len = len;
	st->answers[i].value = value;
	st->answer_bytes += len;
}

void
chousa_store_memo_put(struct chousa_store *st, const char *key, int value)
{
	chousa_store_memo_put_bytes(st, key, value, NULL, 0);
}

const char *
chousa_store_path(const struct chousa_store *st)
{
	return st->path;
}

int
chousa_store_migrated_from(const struct chousa_store *st)
{
	return st->migrated_from;
}

/*
 * A store SQLite may not write: say which file or directory this user
 * cannot write, and what to do, rather than SQLite's "attempt to write a
 * readonly database", which a read-only look-up gets too when the -shm
 * file cannot be made (WAL mode needs it beside the store).
 */
static int
unwritable(struct chousa_store *st, struct chousa_err *err, const char *what)
{
	char *dir = mem_strdup(st->path), *slash;
	char side[4096];
	int rc;

	if (dir == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else
		slash[slash == dir] = '\0';
	if (access(dir, W_OK | X_OK) != 0 && errno != ENOENT)
		rc = chousa_errf(err, CHOUSA_ESTORE, "%s: the store '%s' "
		    "cannot be written: its directory '%s' is not writable by this "
		    "user (uid %ld), and SQLite makes the store's -wal and "
		    "-shm files there; make the directory the user's that "
		    "runs chousa (chown), or run chousa as its owner", what,
		    st->path, dir, (long)geteuid());
	else if (snprintf(side, sizeof(side), "%s-shm", st->path) > 0 &&
	    access(side, F_OK) == 0 && access(side, R_OK | W_OK) != 0)
		rc = chousa_errf(err, CHOUSA_ESTORE, "%s: the store '%s' "
		    "cannot be written: '%s' is not writable by this user (uid %ld; "
		    "left by another user?): give it and the -wal to the "
		    "store's owner (chown)", what, st->path, side,
		    (long)geteuid());
	else if (!(st->flags & CHOUSA_STORE_READONLY) &&
	    access(st->path, W_OK) != 0 && errno != ENOENT)
		rc = chousa_errf(err, CHOUSA_ESTORE, "%s: the store '%s' is "
		    "not writable by this user (uid %ld): %s", what, st->path,
		    (long)geteuid(), strerror(errno));
	else
		rc = chousa_errf(err, CHOUSA_EDB, "%s: %s (store '%s')", what,
		    sqlite3_errmsg(st->db), st->path);
	mem_free(dir);
	return rc;
}

/* Whether the file system that holds path has no block left for us. */
static int
disk_full(const char *path)
{
	struct statvfs vs;
	char *dir = mem_strdup(path), *slash;
	int full;

	if (dir == NULL)
		return 0;
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir ? 1 : 0] = '\0';
	full = statvfs(slash != NULL ? dir : ".", &vs) == 0 && (geteuid() == 0 ? vs.f_bfree :
	    vs.f_bavail) == 0;
	mem_free(dir);
	return full;
}

int
store_dberr(struct chousa_store *st, struct chousa_err *err, const char *what)
{
	int code = sqlite3_extended_errcode(st->db), full;

	if (code == SQLITE_NOMEM)
		return chousa_errf(err, CHOUSA_ENOMEM, "%s: out of memory",
		    what);
	if ((code & 0xff) == SQLITE_NOTADB)
		return chousa_errf(err, CHOUSA_EFORMAT,
		    "'%s' is not a chousa store", st->path);
	if ((code & 0xff) == SQLITE_READONLY ||
	    (code & 0xff) == SQLITE_CANTOPEN)
		return unwritable(st, err, what);
	if ((code & 0xff) == SQLITE_INTERRUPT)
		return chousa_errf(err, CHOUSA_EDB, "%s: stopped before its end "
		    "(store '%s')", what, st->path);
	/*
	 * A full disk is the machine's state, not a fault of chousa's: an
	 * I/O error too when its disk is full (a -shm that cannot be made).
	 * SQLITE_FULL with room beside the store is SQLite's temporary files
	 * (an index sorted, a big transaction spilled), in SQLITE_TMPDIR,
	 * TMPDIR or /var/tmp.
	 */
	full = ((code & 0xff) == SQLITE_FULL || (code & 0xff) ==
	    SQLITE_IOERR) && disk_full(st->path);
	if ((code & 0xff) == SQLITE_FULL && !full)
		return chousa_errf(err, CHOUSA_ESTORE, "%s: the disk that holds "
		    "store '%s' or its temporary files (TMPDIR, else "
		    "/var/tmp) is full: free space there, then try again",
		    what, st->path);
	if (full)
		return chousa_errf(err, CHOUSA_ESTORE, "%s: the disk that "
		    "holds store '%s' is full: free space on it, then try "
		    "again", what, st->path);
	/* The busy timeout ran out: not a fault of chousa's, say what to do. */
	if ((code & 0xff) == SQLITE_BUSY)
		return chousa_errf(err, CHOUSA_EBUSY, "%s: store '%s' is held "
		    "by another chousa (an import?) for more than %d s; try "
		    "again when it is done", what, st->path,
		    (st->wait_ms + 999) / 1000);
	return chousa_errf(err, CHOUSA_EDB, "%s: %s (store '%s')", what,
	    sqlite3_errmsg(st->db), st->path);
}

int
store_exec(struct chousa_store *st, const char *sql, struct chousa_err *err)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_dberr(st, err, "store statement failed");
	return CHOUSA_OK;
}

int
store_write_end(struct chousa_store *st, int rc, struct chousa_err *err)
{
	if (rc == CHOUSA_OK)
		rc = store_exec(st, "COMMIT", err);
	if (rc != CHOUSA_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int
store_book_write_end(struct chousa_store *st, int rc, struct chousa_err *err)
{
	rc = store_write_end(st, rc, err);
	store_book_end(st, st->db, rc == CHOUSA_OK);
	return rc;
}

sqlite3_stmt *
store_stmt(struct chousa_store *st, int i, struct chousa_err *err)
{
	if (st->q[i] == NULL) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) != SQLITE_OK) {
			store_dberr(st, err, "cannot prepare a statement");
			st->q[i] = NULL;
			return NULL;
		}
	} else {
		sqlite3_reset(st->q[i]);
		sqlite3_clear_bindings(st->q[i]);
	}
	return st->q[i];
}

sqlite3_stmt *
store_kept(struct chousa_store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	size_t i;

	for (i = 0; i < st->n_kept; i++)
		if (st->kept[i].sql == sql) {
			sqlite3_reset(st->kept[i].s);
			sqlite3_clear_bindings(st->kept[i].s);
			return st->kept[i].s;
		}
	if (st->n_kept == STORE_KEPT_MAX || sqlite3_prepare_v3(st->db, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		return NULL;
	st->kept[st->n_kept].sql = sql;
	st->kept[st->n_kept].s = s;
	st->n_kept++;
	return s;
}

/* ---- open and close ---- */

/*
 * SQLite counts every allocation under a global mutex unless told not to;
 * chousa never reads those counts, and look-ups allocate on every probe.
 * It must be said before SQLite initialises, so the first open says it
 * (SQLITE_MISUSE, harmless, if the embedding program already started it).
 */
static pthread_once_t sqlite_config_once = PTHREAD_ONCE_INIT;

static void
sqlite_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * A first import runs under a rollback journal (store_import.c); killed,
 * it leaves a hot journal that a read-only connection may not roll back.
 * Rolling it back only restores the store as it was committed, which any
 * writable connection does on its first read: open one for that.
 */
static int
roll_back_journal(const char *path, int wait_ms, struct chousa_err *err)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, wait_ms);
		rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master",
		    NULL, NULL, NULL);
	}
	sqlite3_close_v2(db);
	if (rc != SQLITE_OK)
		return chousa_errf(err, CHOUSA_EIO, "'%s' holds the journal of "
		    "an import that was cut short; open it for writing once "
		    "(chousa db check) to roll it back", path);
	return CHOUSA_OK;
}

/*
 * SQLite opens a store and its -journal by their absolute paths, each at
 * most its VFS's mxPathname bytes (512 on Unix); a longer one would fail
 * as "unable to open database file", which names no cause.
 */
static int
path_fits(const char *path, struct chousa_err *err)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
	char cwd[PATH_MAX];
	size_t len = strlen(path);

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL)
		len += strlen(cwd) + 1;
	len += sizeof("-journal") - 1;
	if (vfs == NULL || len <= (size_t)vfs->mxPathname)
		return CHOUSA_OK;
	return chousa_errf(err, CHOUSA_EIO, "cannot open store '%s': its "
	    "absolute path is %zu bytes, and SQLite opens at most %zu: give "
	    "a shorter one (a symbolic link to its directory)", path,
	    len - (sizeof("-journal") - 1), (size_t)vfs->mxPathname -
	    (sizeof("-journal") - 1));
}

int
chousa_store_open(struct chousa_store **out, const char *path,
    unsigned flags, struct chousa_err *err)
{
	return chousa_store_open_wait(out, path, flags, CHOUSA_STORE_WAIT_MS,
	    err);
}

int
chousa_store_open_wait(struct chousa_store **out, const char *path,
    unsigned flags, int wait_ms, struct chousa_err *err)
{
	struct chousa_store *st;
	struct stat sb;
	int oflags, rc, is_new;

	if (path == NULL || path[0] == '\0')
		return chousa_errf(err, CHOUSA_EINVAL, "no store path given");
	pthread_once(&sqlite_config_once, sqlite_config);
	st = mem_alloc(sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	st->flags = flags;
	st->wait_ms = wait_ms > 0 ? wait_ms : 0;
	st->path = mem_strdup(path);
	if (st->path == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto fail;
	}
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rc = chousa_errf(err, CHOUSA_EIO, "'%s' is a directory, not a "
		    "store", path);
		goto fail;
	}
	if ((rc = path_fits(path, err)) != CHOUSA_OK)
		goto fail;
	oflags = (flags & CHOUSA_STORE_READONLY) ? SQLITE_OPEN_READONLY :
	    (flags & CHOUSA_STORE_NOCREATE) ? SQLITE_OPEN_READWRITE :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	is_new = (oflags & SQLITE_OPEN_CREATE) && lstat(path, &sb) != 0 &&
	    errno == ENOENT;
	if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
		if (st->db == NULL)
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		else if ((flags & CHOUSA_STORE_NOCREATE) &&
		    lstat(path, &sb) != 0 && errno == ENOENT)
			rc = chousa_errf(err, CHOUSA_EIO, "cannot open store "
			    "'%s': it is not there (deleted or moved?), and is "
			    "not made again here", path);
		else if (flags & CHOUSA_STORE_READONLY)
			rc = chousa_errf(err, CHOUSA_EIO, "cannot open store "
			    "'%s': %s (import a feed first)", path,
			    sqlite3_errmsg(st->db));
		else
			rc = chousa_errf(err, CHOUSA_EIO, "cannot open store "
			    "'%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	/*
	 * Only its owner may read a new store, as a backup: it holds the
	 * tokens' hashes and the online answers cached (its -wal and -shm
	 * take its mode).
	 */
	if (is_new && lstat(path, &sb) == 0 && chmod(path, 0600) != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot make the new store "
		    "'%s' its owner's only: %s", path, strerror(errno));
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	/* Readers wait for a checkpoint or a migration, never fail. */
	sqlite3_busy_timeout(st->db, st->wait_ms);
	/* Check the file is ours before writing anything, WAL included. */
	rc = store_schema_apply(st, err);
	if (rc != CHOUSA_OK && (flags & CHOUSA_STORE_READONLY) &&
	    sqlite3_extended_errcode(st->db) == SQLITE_READONLY_ROLLBACK) {
		rc = roll_back_journal(path, st->wait_ms, err);
		if (rc == CHOUSA_OK)
			rc = store_schema_apply(st, err);
	}
	if (rc != CHOUSA_OK)
		goto fail;
	if (!(flags & CHOUSA_STORE_READONLY)) {
		rc = store_exec(st, "PRAGMA journal_mode = WAL;"
		    "PRAGMA synchronous = NORMAL", err);
		if (rc != CHOUSA_OK)
			goto fail;
	}
	/*
	 * Temporary data (the sort that builds an index after a bulk load)
	 * stays in files, so memory stays flat.  The mapping saves look-ups,
	 * the big store's hot path, a read(2) per page.
	 */
	rc = store_exec(st, "PRAGMA foreign_keys = OFF;" CACHE_PRAGMA, err);
	if (rc == CHOUSA_OK)
		rc = store_exec(st, MMAP_PRAGMA, err);
	if (rc != CHOUSA_OK)
		goto fail;
	*out = st;
	return CHOUSA_OK;
fail:
	chousa_store_close(st);
	return rc;
}

static int
stop_asked(void *flag)
{
	return __atomic_load_n((const int *)flag, __ATOMIC_RELAXED) != 0;
}

void
chousa_store_stop_when(struct chousa_store *st, const int *flag)
{
	/* Every 1000 VM steps: the cost of a load, for a prompt stop. */
	sqlite3_progress_handler(st->db, flag != NULL ? 1000 : 0,
	    flag != NULL ? stop_asked : NULL, (void *)(uintptr_t)flag);
}

void
chousa_store_close(struct chousa_store *st)
{
	int i;

	if (st == NULL)
		return;
	chousa_store_snapshot_end(st);
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	for (i = 0; i < (int)st->n_kept; i++)
		sqlite3_finalize(st->kept[i].s);
	store_derived_forget(st);
	store_filter_forget(st);
	if (st->db != NULL)
		sqlite3_close_v2(st->db);
	mem_free(st->path);
	mem_free(st);
}

/* ---- names ---- */

const char *
chousa_match_name(int match)
{
	static const char *const names[] = {
		"exact", "host", "regdomain", "parent", "cidr", "url_host"
	};

	if (match < 0 || match >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[match];
}

const char *
chousa_rel_name(int rel)
{
	static const char *const names[] = {
		"unknown", "delivered", "contacted", "referrer", "dropped",
		"resolves", "c2", "embedded", "served"
	};

	if (rel < 0 || rel >= (int)(sizeof(names) / sizeof(names[0])))
		return "unknown";
	return names[rel];
}

/* ---- families ---- */

void
store_family_key(const char *label, size_t len, char *out, size_t out_size)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < out_size; i++) {
		unsigned char c = (unsigned char)label[i];

		if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80)
			out[n++] = (char)c;
	}
	out[n] = '\0';
}

void
store_memo_release(struct store_memo *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		mem_free(m[i].key);
		mem_free(m[i].value);
		m[i].key = NULL;
		m[i].value = NULL;
	}
}

int
store_memo_has(const struct store_memo *m, const char *key, size_t key_len)
{
	return m->key != NULL && strlen(m->key) == key_len &&
	    memcmp(m->key, key, key_len) == 0;
}

const char *
store_memo_fill(struct chousa_store *st, struct store_memo *m,
    const char *key, size_t key_len, int q, const char *bind, int col)
{
	sqlite3_stmt *s = store_stmt(st, q, NULL);
	const char *value = NULL;

	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, bind != NULL ? bind : key,
	    bind != NULL ? -1 : (int)key_len, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		value = (const char *)sqlite3_column_text(s, col);
	store_memo_release(m, 1);
	m->key = mem_strndup(key, key_len);
	m->value = value != NULL ? mem_strdup(value) : NULL;
	sqlite3_reset(s);
	if (m->key == NULL)
		store_memo_release(m, 1);
	return m->value;
}

static void
store_family_cache_clear(struct chousa_store *st)
{
	store_memo_release(st->fcache, sizeof(st->fcache) /
	    sizeof(st->fcache[0]));
	store_memo_release(st->rfcache, sizeof(st->rfcache) /
	    sizeof(st->rfcache[0]));
}

static unsigned
hash_str(const char *s, size_t len)
{
	return chousa_fnv1a32(CHOUSA_FNV32_INIT, s, len);
}

const char *
store_family_resolve(struct chousa_store *st, const char *label, size_t len)
{
	char key[128], copy[128];
	unsigned slot;

	if (label == NULL || len == 0 || len > 100)
		return NULL;
	/* label may be a cached id about to be evicted: work on a copy. */
	memcpy(copy, label, len);
	copy[len] = '\0';
	label = copy;
	slot = hash_str(label, len) % 4096;
	if (store_memo_has(&st->fcache[slot], label, len))
		return st->fcache[slot].value;
	store_family_key(label, len, key, sizeof(key));
	if (key[0] == '\0')
		return NULL;
	return store_memo_fill(st, &st->fcache[slot], label, len,
	    Q_FAMILY_KEY, key, 0);
}

/* labels.c's catalogue: the store's, then chousa's built-in aliases. */
struct family_of {
	struct chousa_store	*st;
	struct chousa_arena	*a;
};

static const char *
resolve_in_store(void *arg, const char *label)
{
	struct family_of *fo = arg;
	const char *id = store_family_resolve(fo->st, label, strlen(label));

	/* A copy: the next resolve may evict the cached id. */
	if (id != NULL)
		return chousa_arena_strdup(fo->a, id);
	return labels_builtin_family(fo->a, label, NULL);
}

/* The family of family and tags, as "1id" (known) or "0word", or NULL. */
static char *
family_of(struct chousa_store *st, const char *family, const char *tags)
{
	struct family_of fo = { st, NULL };
	const char *id = NULL, *p, *end;
	char *tag, *out = NULL;
	int known = 0;

	if (chousa_arena_new(&fo.a, 1 << 20, NULL) != CHOUSA_OK)
		return NULL;
	if (family != NULL)
		id = labels_family(fo.a, family, resolve_in_store, &fo,
		    &known);
	for (p = tags; id == NULL && p != NULL && *p != '\0'; p = end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tag = chousa_arena_strndup(fo.a, p, (size_t)(end - p));
		if (tag != NULL)
			id = labels_family(fo.a, tag, resolve_in_store, &fo,
			    &known);
		if (!known)
			id = NULL;
		if (*end == ',')
			end++;
	}
	if (id != NULL) {
		out = mem_alloc(strlen(id) + 2);
		if (out != NULL) {
			out[0] = known ? '1' : '0';
			memcpy(out + 1, id, strlen(id) + 1);
		}
	}
	chousa_arena_free(fo.a);
	return out;
}

/* Whether memo slot m holds the key family, 0x1f, tags. */
static int
family_key_is(const struct store_memo *m, const char *family, size_t flen,
    const char *tags, size_t tlen)
{
	const char *k = m->key;

	return k != NULL && strlen(k) == flen + 1 + tlen &&
	    (flen == 0 || memcmp(k, family, flen) == 0) && k[flen] == '\x1f' &&
	    (tlen == 0 || memcmp(k + flen + 1, tags, tlen) == 0);
}

const char *
store_family_of(struct chousa_store *st, const char *family,
    const char *tags, int *known)
{
	static const char sep = '\x1f';
	struct store_memo *m;
	size_t flen = family != NULL ? strlen(family) : 0;
	size_t tlen = tags != NULL ? strlen(tags) : 0;
	uint32_t h;
	char *key;

	if (known != NULL)
		*known = 0;
	if (flen == 0 && tlen == 0)
		return NULL;
	/* The answer depends on both: the key is family, a 0x1f, tags. */
	h = chousa_fnv1a32(CHOUSA_FNV32_INIT, family, flen);
	h = chousa_fnv1a32(h, &sep, 1);
	h = chousa_fnv1a32(h, tags, tlen);
	m = &st->rfcache[h % (sizeof(st->rfcache) / sizeof(st->rfcache[0]))];
	if (!family_key_is(m, family, flen, tags, tlen)) {
		key = mem_alloc(flen + tlen + 2);
		if (key == NULL)
			return NULL;
		if (flen > 0)
			memcpy(key, family, flen);
		key[flen] = sep;
		if (tlen > 0)
			memcpy(key + flen + 1, tags, tlen);
		key[flen + 1 + tlen] = '\0';
		store_memo_release(m, 1);
		m->key = key;
		m->value = family_of(st, flen > 0 ? family : NULL,
		    tlen > 0 ? tags : NULL);
	}
	if (m->value == NULL)
		return NULL;
	if (known != NULL)
		*known = m->value[0] == '1';
	return m->value + 1;
}

static char *
col_dup(struct chousa_arena *a, sqlite3_stmt *s, int i, int *failed)
{
	const void *t;
	int n;
	char *p;

	/*
	 * The bytes as stored, not sqlite3_column_text(): that must add a
	 * NUL, so it copies each value into memory it allocates and frees.
	 * The copy here adds the NUL anyway.
	 */
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_blob(s, i);
	n = sqlite3_column_bytes(s, i);
	p = chousa_arena_strndup(a, n > 0 ? (const char *)t : "", (size_t)n);
	if (p == NULL)
		*failed = 1;
	return p;
}

int
chousa_store_family(struct chousa_store *st, struct chousa_arena *a,
    const char *label, struct chousa_family *out, struct chousa_err *err)
{
	const char *id;
	sqlite3_stmt *s;
	struct chousa_family f;
	int rc, failed = 0;

	if (label == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no family label");
	id = store_family_resolve(st, label, strlen(label));
	if (id == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND,
		    "no family known as '%s'", label);
	s = store_stmt(st, Q_FAMILY_GET, err);
	if (s == NULL)
		return CHOUSA_EDB;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_dberr(st, err, "cannot read a family");
		return chousa_errf(err, CHOUSA_ENOTFOUND,
		    "no family known as '%s'", label);
	}
	memset(&f, 0, sizeof(f));
	f.id = col_dup(a, s, 0, &failed);
	f.name = col_dup(a, s, 1, &failed);
	f.aliases = col_dup(a, s, 2, &failed);
	f.description = col_dup(a, s, 3, &failed);
	f.actors = col_dup(a, s, 4, &failed);
	f.refs = col_dup(a, s, 5, &failed);
	sqlite3_reset(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	*out = f;
	return CHOUSA_OK;
}

/* ---- look-ups ---- */

/*
 * The 64-bit key of a value in the integer indexes (FNV-1a).  Small keys
 * keep the indexes compact and quick to build; every probe also compares
 * the text, so a collision can only ever merge two rows on import, with a
 * chance of about 1 in 10^12 at 5 million rows.
 */
int64_t
store_hash(const char *s, size_t len)
{
	return (int64_t)chousa_fnv1a64(CHOUSA_FNV64_INIT, s, len);
}

void
store_net_key(const uint8_t *addr, int is_v6, int prefix, uint8_t *out)
{
	int n = is_v6 ? 16 : 4, i;

	for (i = 0; i < n; i++) {
		int bits = prefix - i * 8;

		if (bits >= 8)
			out[i] = addr[i];
		else if (bits <= 0)
			out[i] = 0;
		else
			out[i] = (uint8_t)(addr[i] & (0xff00u >> bits));
	}
}

static void
store_prefix_cache_clear(struct chousa_store *st)
{
	st->prefixes_known = 0;
	st->benign_known = 0;
}

void
store_derived_forget(struct chousa_store *st)
{
	size_t i;

	store_family_cache_clear(st);
	store_prefix_cache_clear(st);
	for (i = 0; i < sizeof(st->answers) / sizeof(st->answers[0]); i++)
		answer_forget(st, i);
	for (i = 0; i < st->n_ages; i++)
		mem_free((char *)st->ages[i].source);
	mem_free(st->ages);
	st->ages = NULL;
	st->n_ages = 0;
	st->ages_known = 0;
}

/* Which prefix lengths the table holds, so a CIDR probe is a few seeks. */
static int
load_prefixes(struct chousa_store *st, int q, uint8_t *v4, uint8_t *v6,
    struct chousa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, q, err);
	int rc;

	if (s == NULL)
		return CHOUSA_EDB;
	memset(v4, 0, 33);
	memset(v6, 0, 129);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int len = sqlite3_column_int(s, 0);
		int prefix = sqlite3_column_int(s, 1);

		if (len == 4 && prefix >= 0 && prefix <= 32)
			v4[prefix] = 1;
		else if (len == 16 && prefix >= 0 && prefix <= 128)
			v6[prefix] = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot read the store");
	return CHOUSA_OK;
}

#define LOOKUP_CANDS	8

struct lookup {
	struct chousa_store	*st;
	struct chousa_arena	*a;
	struct chousa_record	*v;
	size_t			 n;
	size_t			 cap;
	int			 rc;
	struct chousa_err	*err;
	/* Values probed together in one statement, and their match kinds. */
	const char		*cand[LOOKUP_CANDS];
	int			 cand_match[LOOKUP_CANDS];
	int			 n_cand;
};

/* A family a catalogue knows replaces the feed's label by its id. */
static void
record_family(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_record *r)
{
	int known;
	const char *id = store_family_of(st, r->family, r->tags, &known);
	char *copy;

	if (id != NULL && known) {
		copy = chousa_arena_strdup(a, id);
		if (copy != NULL)
			r->family = copy;
	}
}

const char *
chousa_record_family(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_record *r, const char **name)
{
	struct chousa_family f;
	const char *id;
	char *copy;
	int known;

	if (name != NULL)
		*name = NULL;
	id = store_family_of(st, r->family, r->tags, &known);
	if (id == NULL || (copy = chousa_arena_strdup(a, id)) == NULL)
		return NULL;
	if (known && name != NULL) {
		if (chousa_store_family(st, a, copy, &f, NULL) == CHOUSA_OK)
			*name = f.name;
		else
			labels_builtin_family(a, copy, name);
	}
	return copy;
}

/* Run s (bound) and append each row as a record of kind match. */
static int
collect(struct lookup *lk, sqlite3_stmt *s, int match)
{
	int rc, failed = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct chousa_record *r;

		if (MEM_GROW(lk->v, lk->n, lk->cap, 16, 0) != CHOUSA_OK) {
			sqlite3_reset(s);
			return lk->rc = chousa_errf(lk->err, CHOUSA_ENOMEM,
			    "out of memory");
		}
		r = &lk->v[lk->n++];
		memset(r, 0, sizeof(*r));
		r->match = match;
		r->type = sqlite3_column_int(s, 0);
		r->value = col_dup(lk->a, s, 1, &failed);
		r->source = col_dup(lk->a, s, 2, &failed);
		r->source_id = col_dup(lk->a, s, 3, &failed);
		r->first_seen = sqlite3_column_int64(s, 4);
		r->last_seen = sqlite3_column_int64(s, 5);
		r->status = col_dup(lk->a, s, 6, &failed);
		r->threat = col_dup(lk->a, s, 7, &failed);
		r->family = col_dup(lk->a, s, 8, &failed);
		r->tags = col_dup(lk->a, s, 9, &failed);
		r->confidence = sqlite3_column_int(s, 10);
		r->reference = col_dup(lk->a, s, 11, &failed);
		r->is_observation = sqlite3_column_int(s, 12) != 0;
		if (failed) {
			sqlite3_reset(s);
			return lk->rc = chousa_errf(lk->err, CHOUSA_ENOMEM,
			    "out of memory");
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return lk->rc = store_dberr(lk->st, lk->err,
		    "cannot read the store");
	return CHOUSA_OK;
}

/*
 * Probe q (by value, host or registrable domain) bound to value, or NULL
 * when the probe filter says no row has that key, or on failure (lk->rc).
 */
static sqlite3_stmt *
probe(struct lookup *lk, int q, const char *value)
{
	int64_t h = store_hash(value, strlen(value));
	sqlite3_stmt *s;

	if (!store_filter_may(lk->st, q == Q_BY_HOST ? FILTER_HOST :
	    q == Q_BY_REGDOMAIN ? FILTER_REGDOMAIN : FILTER_VALUE, h))
		return NULL;
	s = store_stmt(lk->st, q, lk->err);
	if (s == NULL) {
		lk->rc = CHOUSA_EDB;
		return NULL;
	}
	sqlite3_bind_text(s, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, STORE_LOOKUP_CAP);
	sqlite3_bind_int64(s, 3, h);
	return s;
}

static int
by_text(struct lookup *lk, int q, const char *value, int match)
{
	sqlite3_stmt *s;

	if (lk->rc != CHOUSA_OK || value == NULL)
		return lk->rc;
	s = probe(lk, q, value);
	return s != NULL ? collect(lk, s, match) : lk->rc;
}

static int
by_cidr(struct lookup *lk, const uint8_t *addr, int is_v6)
{
	const uint8_t *have;
	uint8_t key[16];
	int p, max = is_v6 ? 128 : 32;

	if (lk->rc != CHOUSA_OK)
		return lk->rc;
	if (!lk->st->prefixes_known) {
		lk->rc = load_prefixes(lk->st, Q_NET_PREFIXES,
		    lk->st->v4_prefixes, lk->st->v6_prefixes, lk->err);
		if (lk->rc != CHOUSA_OK)
			return lk->rc;
		lk->st->prefixes_known = 1;
	}
	have = is_v6 ? lk->st->v6_prefixes : lk->st->v4_prefixes;
	for (p = max; p >= 0 && lk->rc == CHOUSA_OK; p--) {
		sqlite3_stmt *s;

		if (!have[p])
			continue;
		s = store_stmt(lk->st, Q_BY_NET, lk->err);
		if (s == NULL)
			return lk->rc = CHOUSA_EDB;
		store_net_key(addr, is_v6, p, key);
		sqlite3_bind_blob(s, 1, key, is_v6 ? 16 : 4, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, p);
		sqlite3_bind_int(s, 3, STORE_LOOKUP_CAP);
		collect(lk, s, CHOUSA_MATCH_CIDR);
	}
	return lk->rc;
}

struct parent_arg {
	struct lookup	*lk;
	const char	*regdomain;
};

/* Queue value for the one batched probe (or probe now when full). */
static int
cand_add(struct lookup *lk, const char *value, int match)
{
	char *copy;

	if (lk->rc != CHOUSA_OK || value == NULL)
		return lk->rc;
	if (lk->n_cand == LOOKUP_CANDS)
		return by_text(lk, Q_BY_VALUE, value, match);
	copy = chousa_arena_strdup(lk->a, value);
	if (copy == NULL)
		return lk->rc = chousa_errf(lk->err, CHOUSA_ENOMEM,
		    "out of memory");
	lk->cand[lk->n_cand] = copy;
	lk->cand_match[lk->n_cand++] = match;
	return CHOUSA_OK;
}

/*
 * Probe every queued value (one indexed seek each, inside the look-up's
 * one read transaction), then give each row the match kind of the value
 * it equals; a row that only shares the hash is dropped.
 */
static int
cand_run(struct lookup *lk)
{
	size_t first, i, keep;
	int k;

	for (k = 0; k < lk->n_cand && lk->rc == CHOUSA_OK; k++) {
		sqlite3_stmt *s = probe(lk, Q_BY_VALUE, lk->cand[k]);

		if (s == NULL)
			continue;	/* filtered out, or lk->rc set */
		first = lk->n;
		if (collect(lk, s, lk->cand_match[k]) != CHOUSA_OK)
			return lk->rc;
		for (i = keep = first; i < lk->n; i++)
			if (strcmp(lk->v[i].value, lk->cand[k]) == 0)
				lk->v[keep++] = lk->v[i];
		lk->n = keep;
	}
	lk->n_cand = 0;
	return lk->rc;
}

static int
parent_cb(void *arg, const char *parent)
{
	struct parent_arg *pa = arg;
	int match = pa->regdomain != NULL &&
	    strcmp(parent, pa->regdomain) == 0 ? CHOUSA_MATCH_REGDOMAIN :
	    CHOUSA_MATCH_PARENT;

	return cand_add(pa->lk, parent, match) != CHOUSA_OK;
}

/* Other hashes of the same sample: a ThreatFox md5 for an MB sha256. */
static int
by_sample_hashes(struct lookup *lk, const struct chousa_indicator *ind)
{
	int q = ind->type == CHOUSA_IOC_MD5 ? Q_SAMPLE_MD5 :
	    ind->type == CHOUSA_IOC_SHA1 ? Q_SAMPLE_SHA1 : Q_SAMPLE_SHA256;
	sqlite3_stmt *s = store_stmt(lk->st, q, lk->err);
	char *h[3] = { NULL, NULL, NULL };
	int i, failed = 0;

	if (s == NULL)
		return lk->rc = CHOUSA_EDB;
	sqlite3_bind_text(s, 1, ind->value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		for (i = 0; i < 3; i++)
			h[i] = col_dup(lk->a, s, i, &failed);
	sqlite3_reset(s);
	if (failed)
		return lk->rc = chousa_errf(lk->err, CHOUSA_ENOMEM,
		    "out of memory");
	for (i = 0; i < 3; i++)
		if (h[i] != NULL && strcmp(h[i], ind->value) != 0)
			by_text(lk, Q_BY_VALUE, h[i], CHOUSA_MATCH_EXACT);
	return lk->rc;
}

/*
 * A read transaction, unless the caller is already in one (a snapshot, an
 * import): 1 when this call began it and must end it with read_end().
 */
static int
read_begin(struct chousa_store *st)
{
	sqlite3_stmt *b;
	int rc;

	if (!sqlite3_get_autocommit(st->db))
		return 0;
	b = store_stmt(st, Q_BEGIN, NULL);
	if (b == NULL)
		return 0;
	rc = sqlite3_step(b);
	sqlite3_reset(b);
	return rc == SQLITE_DONE;
}

static void
read_end(struct chousa_store *st)
{
	sqlite3_stmt *c = store_stmt(st, Q_COMMIT, NULL);

	if ((c == NULL || sqlite3_step(c) != SQLITE_DONE) &&
	    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		/* Never left open: the connection's next write would be in it. */
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (c != NULL)
		sqlite3_reset(c);
}

int
store_read_begin(struct chousa_store *st)
{
	return read_begin(st);
}

void
store_read_end(struct chousa_store *st)
{
	read_end(st);
}

char *
store_col_dup(struct chousa_arena *a, sqlite3_stmt *s, int i, int *failed)
{
	return col_dup(a, s, i, failed);
}

void
store_record_family(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_record *r)
{
	record_family(st, a, r);
}

int
chousa_store_snapshot_begin(struct chousa_store *st, struct chousa_err *err)
{
	if (st->snapshot)
		return chousa_errf(err, CHOUSA_EINVAL,
		    "a snapshot is already open");
	if (!sqlite3_get_autocommit(st->db))
		return chousa_errf(err, CHOUSA_EINVAL,
		    "a transaction is already open");
	/* Marked first: a commit between the two then moves the mark. */
	st->marked = store_mark_now(st, &st->mark);
	if (!read_begin(st))
		return store_dberr(st, err, "cannot begin a snapshot");
	st->snapshot = 1;
	/* Its first read fixes the view: now, not at the first look-up. */
	store_filter_sync(st);
	return CHOUSA_OK;
}

void
chousa_store_snapshot_end(struct chousa_store *st)
{
	if (st != NULL && st->snapshot) {
		read_end(st);
		st->snapshot = 0;
	}
}

int
chousa_store_lookup(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_indicator *ind, struct chousa_record **out,
    size_t *n_out, struct chousa_err *err)
{
	struct lookup lk = { .st = st, .a = a, .rc = CHOUSA_OK, .err = err };
	struct parent_arg pa = { &lk, ind->regdomain };
	const char *host = ind->host;
	size_t i, first, keep;
	int own_txn = 0;

	/* One read transaction for all the probes: one WAL lock, not ten. */
	own_txn = read_begin(st);
	if (!st->snapshot)	/* a snapshot synced once, at its start */
		store_filter_sync(st);
	cand_add(&lk, ind->value, CHOUSA_MATCH_EXACT);
	switch (ind->type) {
	case CHOUSA_IOC_URL:
		if (host == NULL)
			break;
		cand_add(&lk, host, CHOUSA_MATCH_HOST);
		if (ind->host_type == CHOUSA_IOC_DOMAIN) {
			if (lk.rc == CHOUSA_OK)
				ioc_each_parent_upto(host, ind->regdomain,
				    parent_cb, &pa);
		} else
			by_cidr(&lk, ind->addr, ind->is_v6);
		/*
		 * The other URLs listed on its host, as the host's own look-up
		 * finds them: a URL on a host that serves listed URLs is not
		 * "not in the store".  The URL itself comes from the exact
		 * probe, so its row here is dropped.
		 */
		first = lk.n;
		by_text(&lk, Q_BY_HOST, host, CHOUSA_MATCH_URL_HOST);
		for (i = keep = first; i < lk.n; i++)
			if (strcmp(lk.v[i].value, ind->value) != 0)
				lk.v[keep++] = lk.v[i];
		lk.n = keep;
		break;
	case CHOUSA_IOC_DOMAIN:
		ioc_each_parent_upto(ind->value, ind->regdomain, parent_cb,
		    &pa);
		cand_run(&lk);
		by_text(&lk, Q_BY_HOST, ind->value, CHOUSA_MATCH_URL_HOST);
		if (ind->regdomain != NULL &&
		    strcmp(ind->regdomain, ind->value) == 0)
			by_text(&lk, Q_BY_REGDOMAIN, ind->value,
			    CHOUSA_MATCH_REGDOMAIN);
		break;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		by_cidr(&lk, ind->addr, ind->type == CHOUSA_IOC_IPV6);
		by_text(&lk, Q_BY_HOST, ind->value, CHOUSA_MATCH_URL_HOST);
		break;
	case CHOUSA_IOC_MD5:
	case CHOUSA_IOC_SHA1:
	case CHOUSA_IOC_SHA256:
		if (lk.rc == CHOUSA_OK)
			by_sample_hashes(&lk, ind);
		break;
	default:
		break;
	}
	cand_run(&lk);
	if (lk.rc != CHOUSA_OK)
		goto out;
	for (i = 0; i < lk.n; i++) {
		record_family(st, a, &lk.v[i]);
		store_record_link(a, &lk.v[i]);
	}
	if (lk.n > 0) {
		*out = chousa_arena_alloc(a, lk.n * sizeof(**out));
		if (*out == NULL) {
			lk.rc = chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
			goto out;
		}
		memcpy(*out, lk.v, lk.n * sizeof(**out));
	} else
		*out = NULL;
	*n_out = lk.n;
out:
	if (own_txn)
		read_end(st);
	mem_free(lk.v);
	return lk.rc;
}

int
chousa_store_sample(struct chousa_store *st, struct chousa_arena *a,
    const char *hash, struct chousa_sample *out, struct chousa_err *err)
{
	size_t len = hash != NULL ? strlen(hash) : 0;
	int q = len == 32 ? Q_SAMPLE_MD5 : len == 40 ? Q_SAMPLE_SHA1 :
	    Q_SAMPLE_SHA256;
	sqlite3_stmt *s;
	struct chousa_sample smp;
	char lower[65];
	int rc, failed = 0;
	size_t i;

	if (len != 32 && len != 40 && len != 64)
		return chousa_errf(err, CHOUSA_EINVAL,
		    "not an md5, sha1 or sha256: '%.80s'", hash ? hash : "");
	for (i = 0; i <= len; i++)
		lower[i] = (char)(hash[i] >= 'A' && hash[i] <= 'F' ?
		    hash[i] - 'A' + 'a' : hash[i]);
	s = store_stmt(st, q, err);
	if (s == NULL)
		return CHOUSA_EDB;
	sqlite3_bind_text(s, 1, lower, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return store_dberr(st, err, "cannot read a sample");
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no sample '%s'",
		    lower);
	}
	memset(&smp, 0, sizeof(smp));
	smp.sha256 = col_dup(a, s, 0, &failed);
	smp.md5 = col_dup(a, s, 1, &failed);
	smp.sha1 = col_dup(a, s, 2, &failed);
	smp.file_type = col_dup(a, s, 3, &failed);
	smp.file_name = col_dup(a, s, 4, &failed);
	smp.family = col_dup(a, s, 5, &failed);
	smp.tags = col_dup(a, s, 6, &failed);
	smp.first_seen = sqlite3_column_int64(s, 7);
	smp.source = col_dup(a, s, 8, &failed);
	sqlite3_reset(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (smp.family != NULL) {
		const char *id = store_family_resolve(st, smp.family,
		    strlen(smp.family));

		if (id != NULL) {
			smp.family = chousa_arena_strdup(a, id);
			if (smp.family == NULL)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
		}
	}
	*out = smp;
	return CHOUSA_OK;
}

int
chousa_store_relations(struct chousa_store *st, struct chousa_arena *a,
    const char *value, struct chousa_relation **out, size_t *n_out,
    struct chousa_err *err)
{
	sqlite3_stmt *s = store_stmt(st, Q_RELATIONS, err);
	struct chousa_relation *v = NULL, *nv;
	size_t n = 0, cap = 0;
	int rc, failed = 0;

	if (s == NULL)
		return CHOUSA_EDB;
	sqlite3_bind_text(s, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, STORE_LOOKUP_CAP);
	while (n < STORE_LOOKUP_CAP && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		/*
		 * Room as the rows come: most values have none or a few, and
		 * the arena zeroes what it hands out.
		 */
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if (cap > STORE_LOOKUP_CAP)
				cap = STORE_LOOKUP_CAP;
			nv = chousa_arena_alloc(a, cap * sizeof(*v));
			if (nv == NULL) {
				sqlite3_reset(s);
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			}
			if (n > 0)
				memcpy(nv, v, n * sizeof(*v));
			v = nv;
		}
		v[n].rel = sqlite3_column_int(s, 0);
		v[n].from_type = sqlite3_column_int(s, 1);
		v[n].from = col_dup(a, s, 2, &failed);
		v[n].to_type = sqlite3_column_int(s, 3);
		v[n].to = col_dup(a, s, 4, &failed);
		v[n].source = col_dup(a, s, 5, &failed);
		v[n].seen = sqlite3_column_int64(s, 6);
		n++;
	}
	if (n < STORE_LOOKUP_CAP && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		return store_dberr(st, err, "cannot read relations");
	}
	sqlite3_reset(s);
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	*out = n ? v : NULL;
	*n_out = n;
	return CHOUSA_OK;
}

/* ---- known-benign lists ---- */

struct benign_acc {
	struct chousa_store	*st;
	struct chousa_arena	*a;
	struct chousa_benign	 v[64];
	size_t			 n;
	int			 rc;
	struct chousa_err	*err;
};

static void
benign_collect(struct benign_acc *b, sqlite3_stmt *s)
{
	int rc, failed = 0;

	while (b->n < 64 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		b->v[b->n].list = col_dup(b->a, s, 0, &failed);
		b->v[b->n].kind = col_dup(b->a, s, 1, &failed);
		b->v[b->n].entry = col_dup(b->a, s, 2, &failed);
		b->n++;
	}
	sqlite3_reset(s);
	if (failed && b->rc == CHOUSA_OK)
		b->rc = chousa_errf(b->err, CHOUSA_ENOMEM, "out of memory");
}

static void
benign_text(struct benign_acc *b, int q, const char *value)
{
	sqlite3_stmt *s;

	if (b->rc != CHOUSA_OK || value == NULL)
		return;
	s = store_stmt(b->st, q, b->err);
	if (s == NULL) {
		b->rc = CHOUSA_EDB;
		return;
	}
	sqlite3_bind_text(s, 1, value, -1, SQLITE_STATIC);
	benign_collect(b, s);
}

static int
benign_parent_cb(void *arg, const char *parent)
{
	struct benign_acc *b = arg;

	benign_text(b, Q_BENIGN_VALUE, parent);
	return b->rc != CHOUSA_OK;
}

/* The ranges of prefix top or shorter that hold addr. */
static void
benign_ip(struct benign_acc *b, const uint8_t *addr, int is_v6, int top)
{
	struct chousa_store *st = b->st;
	const uint8_t *have;
	uint8_t key[16];
	int p;

	if (b->rc != CHOUSA_OK)
		return;
	if (!st->benign_known) {
		b->rc = load_prefixes(st, Q_BENIGN_PREFIXES, st->bv4_prefixes,
		    st->bv6_prefixes, b->err);
		if (b->rc != CHOUSA_OK)
			return;
		st->benign_known = 1;
	}
	have = is_v6 ? st->bv6_prefixes : st->bv4_prefixes;
	for (p = top; p >= 0 && b->rc == CHOUSA_OK; p--) {
		sqlite3_stmt *s;

		if (p > (is_v6 ? 128 : 32) || !have[p])
			continue;
		s = store_stmt(st, Q_BENIGN_NET, b->err);
		if (s == NULL) {
			b->rc = CHOUSA_EDB;
			return;
		}
		store_net_key(addr, is_v6, p, key);
		sqlite3_bind_blob(s, 1, key, is_v6 ? 16 : 4, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, p);
		benign_collect(b, s);
	}
}

int
chousa_store_benign(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_indicator *ind, struct chousa_benign **out,
    size_t *n_out, struct chousa_err *err)
{
	struct benign_acc *b = mem_alloc(sizeof(*b));
	const char *host = ind->host;
	int rc;

	if (b == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	b->st = st;
	b->a = a;
	b->err = err;
	if (ind->type == CHOUSA_IOC_IPV4 || ind->type == CHOUSA_IOC_IPV6)
		benign_ip(b, ind->addr, ind->type == CHOUSA_IOC_IPV6, 128);
	else if (ind->type == CHOUSA_IOC_CIDR)
		/* A range is covered by the ranges that hold all of it. */
		benign_ip(b, ind->addr, ind->is_v6, ind->prefix);
	else if (host != NULL && (ind->host_type == CHOUSA_IOC_IPV4 ||
	    ind->host_type == CHOUSA_IOC_IPV6))
		benign_ip(b, ind->addr, ind->host_type == CHOUSA_IOC_IPV6, 128);
	else if (host != NULL) {
		benign_text(b, Q_BENIGN_VALUE, host);
		if (b->rc == CHOUSA_OK)
			ioc_each_parent_upto(host, ind->regdomain,
			    benign_parent_cb, b);
	}
	if (ind->type == CHOUSA_IOC_DOMAIN || ind->type == CHOUSA_IOC_URL)
		benign_text(b, Q_BENIGN_SUBSTR, ind->value);
	/* A false-positive hash list names the file itself. */
	if (CHOUSA_IOC_BIT(ind->type) & CHOUSA_IOC_HASHES)
		benign_text(b, Q_BENIGN_VALUE, ind->value);
	rc = b->rc;
	if (rc == CHOUSA_OK) {
		*out = NULL;
		if (b->n > 0) {
			*out = chousa_arena_alloc(a, b->n * sizeof(**out));
			if (*out == NULL)
				rc = chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			else
				memcpy(*out, b->v, b->n * sizeof(**out));
		}
		*n_out = b->n;
	}
	mem_free(b);
	return rc;
}

int
chousa_benign_names(const struct chousa_benign *b, const char *value)
{
	size_t n = strlen(value);

	return b->entry != NULL && strncmp(b->entry, value, n) == 0 &&
	    (b->entry[n] == '\0' || strcmp(b->entry + n, "/32") == 0 ||
	    strcmp(b->entry + n, "/128") == 0);
}

static int
benign_kind_is(const struct chousa_benign *b, const char *kind)
{
	return b->kind != NULL && strcmp(b->kind, kind) == 0;
}

/*
 * Whether a URL names its whole host: no path but "/", no query (a
 * fragment never reaches the server).
 */
static int
url_is_root(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	if (*p == '/')
		p++;
	return *p == '\0' || *p == '#';
}

int
chousa_benign_subject(int *type, const char **value, const char *host)
{
	uint8_t addr[16];

	if (*type != CHOUSA_IOC_URL)
		return 1;
	if (host == NULL || host[0] == '\0' || !url_is_root(*value))
		return 0;
	*value = host;
	*type = inet_pton(AF_INET, host, addr) == 1 ? CHOUSA_IOC_IPV4 :
	    inet_pton(AF_INET6, host, addr) == 1 ? CHOUSA_IOC_IPV6 :
	    CHOUSA_IOC_DOMAIN;
	return 1;
}

int
chousa_benign_exact(int type, const char *value, const char *host,
    const struct chousa_benign *b, size_t n, size_t n_origins,
    const struct chousa_benign **why)
{
	int addr;
	size_t i;

	*why = NULL;
	/* Row 1: a listed URL names one resource, whoever hosts it. */
	if (value == NULL || !chousa_benign_subject(&type, &value, host))
		return CHOUSA_BENIGN_STANDS;
	addr = type == CHOUSA_IOC_IPV4 || type == CHOUSA_IOC_IPV6;
	for (i = 0; i < n; i++)
		if (chousa_benign_names(&b[i], value)) {
			*why = &b[i];
			return CHOUSA_BENIGN_SAME;
		}
	/* A platform's own name: a block of it cuts every user off. */
	if (type == CHOUSA_IOC_DOMAIN && data_shared_host(value))
		return CHOUSA_BENIGN_PLATFORM;
	/*
	 * Row 5: a benign parent or substring covers other names than this
	 * one; a tenant's subdomain is its own, and so is a mailbox, also
	 * under a CDN's name: only an address is shared by a CDN's tenants.
	 */
	if (!addr && type != CHOUSA_IOC_CIDR)
		return CHOUSA_BENIGN_STANDS;
	if (n_origins < 3) {
		if (addr && data_public_resolver(value))
			return CHOUSA_BENIGN_WIDE;
		for (i = 0; i < n; i++)
			if (benign_kind_is(&b[i], "cdn") ||
			    benign_kind_is(&b[i], "resolver")) {
				*why = &b[i];
				return CHOUSA_BENIGN_WIDE;
			}
	}
	if (addr && n_origins < 2 && n > 0) {
		*why = &b[0];
		return CHOUSA_BENIGN_RANGE;
	}
	return CHOUSA_BENIGN_STANDS;
}

/*
 * The end of a row loop over s: finalize it, and report a step that failed
 * before the rows ran out (a callback that stopped early is no error).
 */
static int
end_rows(struct chousa_store *st, sqlite3_stmt *s, int stopped, int step_rc,
    struct chousa_err *err)
{
	int rc = CHOUSA_OK;

	if (!stopped && step_rc != SQLITE_DONE)
		rc = store_dberr(st, err, "cannot read the store");
	sqlite3_finalize(s);
	return rc;
}

/* ---- iteration ---- */

/*
 * A whole-table scan reads each page once, so it needs neither the mapping
 * nor the cache look-ups keep warm: through them the scan would leave the
 * whole file resident in the process (a 250 MB store made the sweep's
 * matcher build peak at 370 MB).  Read it through a small cache instead,
 * and put things back after.
 */
void
store_io_mode(struct chousa_store *st, int mode)
{
	static const char *const sql[] = {
		[STORE_IO_LOOKUP] = MMAP_PRAGMA ";" CACHE_PRAGMA,
		[STORE_IO_SCAN] = "PRAGMA mmap_size = 0; PRAGMA cache_size = -2048",
		[STORE_IO_IMPORT] = "PRAGMA mmap_size = 0; PRAGMA threads = 0;"
		    CACHE_PRAGMA,
		[STORE_IO_INDEX] = "PRAGMA mmap_size = 0;"
		    " PRAGMA cache_size = -2048",
	};
	char threads[32];

	sqlite3_exec(st->db, sql[mode], NULL, NULL, NULL);
	if (mode == STORE_IO_INDEX) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		snprintf(threads, sizeof(threads), "PRAGMA threads = %ld",
		    n < 1 ? 1 : n > 4 ? 4 : n);
		sqlite3_exec(st->db, threads, NULL, NULL, NULL);
	}
}

int
chousa_store_foreach(struct chousa_store *st, unsigned types,
    chousa_store_row_fn fn, void *arg, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	struct chousa_store_row row;
	int rc, stop = 0;

	/* Listings only: an observation makes no hit (docs/schema.md). */
	if (sqlite3_prepare_v2(st->db, "SELECT type, value, source, family,"
	    " first_seen, last_seen, tags FROM indicators"
	    " WHERE observation = 0 AND (?1 = 0 OR ((1 << type) & ?1) <> 0)",
	    -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	sqlite3_bind_int64(s, 1, (sqlite3_int64)types);
	store_io_mode(st, STORE_IO_SCAN);
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *family = (const char *)sqlite3_column_text(s, 3);
		const char *tags = (const char *)sqlite3_column_text(s, 6);

		row.type = sqlite3_column_int(s, 0);
		row.value = (const char *)sqlite3_column_text(s, 1);
		row.source = (const char *)sqlite3_column_text(s, 2);
		row.family = store_family_of(st, family, tags, NULL);
		row.first_seen = sqlite3_column_int64(s, 4);
		row.last_seen = sqlite3_column_int64(s, 5);
		if (row.value == NULL || row.source == NULL)
			continue;
		stop = fn(arg, &row);
	}
	rc = end_rows(st, s, stop, rc, err);
	store_io_mode(st, STORE_IO_LOOKUP);
	return rc;
}

int
chousa_store_foreach_benign(struct chousa_store *st,
    chousa_store_row_fn fn, void *arg, struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	struct chousa_store_row row;
	int rc, stop = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT list, kind, match, entry, net,"
	    " prefix FROM benign", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	memset(&row, 0, sizeof(row));
	while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *match = (const char *)sqlite3_column_text(s, 2);
		int netlen = sqlite3_column_bytes(s, 4);

		row.source = (const char *)sqlite3_column_text(s, 0);
		row.family = NULL;
		row.value = (const char *)sqlite3_column_text(s, 3);
		if (netlen == 4 || netlen == 16)
			row.type = sqlite3_column_int(s, 5) ==
			    (netlen == 4 ? 32 : 128) ? (netlen == 4 ?
			    CHOUSA_IOC_IPV4 : CHOUSA_IOC_IPV6) :
			    CHOUSA_IOC_CIDR;
		else if (match != NULL && (strcmp(match, "hostname") == 0 ||
		    strcmp(match, "string") == 0))
			row.type = CHOUSA_IOC_DOMAIN;
		else
			row.type = CHOUSA_IOC_NONE;
		if (row.value == NULL || row.source == NULL)
			continue;
		stop = fn(arg, &row);
	}
	return end_rows(st, s, stop, rc, err);
}
