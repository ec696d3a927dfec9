/*
 * store.h: the store's internals, shared by src/store*.c, the importers
 * (src/store/import/) and the online-source cache (src/online/cache.c).  The SQLite
 * handle and the prepared statements live on struct chousa_store; the
 * importers write through store_put_* so that every feed goes through one
 * normalising path.  Never exported.
 */
#ifndef CHOUSA_STORE_INTERNAL_H
#define CHOUSA_STORE_INTERNAL_H

#include <sqlite3.h>

#include "chousa.h"

/* PRAGMA application_id of a chousa store: "CHSA". */
#define STORE_APP_ID		0x43485341
/* The feed_state row (no feed's name) whose checked_at is the time of
 * the last restore, which chousa_store_changed_at counts as a change. */
#define STORE_RESTORE_STAMP	"(restore)"
/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION	11
/*
 * The oldest schema a read-only open reads as it is (2 only adds a filter,
 * and 3's column a read-only open of an older store sees through a view;
 * 4 the server's tokens, and 5's to 8's columns of theirs a view again;
 * 6's usage table, absent, reads as nothing spent).
 */
#define STORE_SCHEMA_READABLE	1
/* At most this many records per match kind in one look-up. */
#define STORE_LOOKUP_CAP	500

/*
 * An indicator row as the importers write it, and how a record about an
 * indicator already stored (same value, type and source) updates it.  The
 * bulk load's duplicate pass (store_schema.c) applies the same rule.
 */
#define PUT_IND_COLS "type, value, source, source_id, first_seen," \
	" last_seen, status, threat, family, tags, confidence, reference," \
	" port, host, regdomain, net, prefix, import_id, vhash, hhash, rhash," \
	" observation"
#define PUT_IND_UPSERT \
	" ON CONFLICT (vhash, type, source) DO UPDATE SET" \
	" first_seen = CASE WHEN excluded.first_seen > 0" \
	"  AND (first_seen = 0 OR excluded.first_seen < first_seen)" \
	"  THEN excluded.first_seen" \
	"  ELSE first_seen END," \
	" last_seen = max(last_seen, excluded.last_seen)," \
	" status = CASE WHEN excluded.last_seen >= last_seen" \
	"  THEN coalesce(excluded.status, status) ELSE status END," \
	" threat = coalesce(excluded.threat, threat)," \
	" family = coalesce(excluded.family, family)," \
	" tags = coalesce(excluded.tags, tags)," \
	" confidence = CASE WHEN excluded.confidence >= 0" \
	"  THEN excluded.confidence ELSE confidence END," \
	" reference = coalesce(excluded.reference, reference)," \
	" source_id = coalesce(source_id, excluded.source_id)," \
	" observation = min(observation, excluded.observation)," \
	" import_id = excluded.import_id" \
	" WHERE value = excluded.value AND (excluded.last_seen > last_seen" \
	" OR (excluded.last_seen = last_seen" \
	"  AND excluded.status IS NOT NULL" \
	"  AND excluded.status IS NOT status)" \
	" OR (excluded.family IS NOT NULL AND family IS NULL)" \
	" OR excluded.observation < observation" \
	" OR (excluded.first_seen > 0" \
	"  AND excluded.first_seen < first_seen))"

/* Prepared statements kept on the store, prepared on first use. */
enum store_stmt {
	Q_BEGIN, Q_COMMIT, Q_BY_VALUE, Q_BY_HOST, Q_BY_REGDOMAIN, Q_BY_NET,
	Q_NET_PREFIXES,
	Q_SAMPLE_SHA256, Q_SAMPLE_MD5, Q_SAMPLE_SHA1, Q_RELATIONS,
	Q_FAMILY_KEY, Q_FAMILY_GET, Q_BENIGN_VALUE, Q_BENIGN_NET,
	Q_BENIGN_PREFIXES, Q_BENIGN_SUBSTR,
	Q_PUT_IND, Q_PUT_IND_BULK, Q_PUT_SAMPLE, Q_PUT_REL, Q_PUT_FAMILY,
	Q_PUT_ALIAS, Q_PUT_BENIGN,
	Q_FILTER_META, Q_FILTER_MAX_ID, Q_FILTER_VIEW, Q_FILTER_CHUNK, Q_FILTER_ROWS,
	Q_FILTER_PUT, Q_FILTER_PUT_META,
	Q_COUNT
};

/* The probe filter's state on a handle (store_filter.c). */
enum { FILTER_UNKNOWN, FILTER_NONE, FILTER_READY };
/* The indexes it describes. */
enum { FILTER_VALUE, FILTER_HOST, FILTER_REGDOMAIN };

/* Keys added but not yet set (store_filter_add). */
#define FILTER_LAG	8

struct store_filter {
	int		 state;
	unsigned	 data_version;	/* SQLITE_FCNTL_DATA_VERSION */
	int		 rooted;	/* root holds the data it was read from */
	struct chousa_store_mark root;
	unsigned	 log2;		/* 2^log2 blocks */
	uint8_t		**chunk;	/* loaded on first use */
	size_t		 n_chunks;
	/* During an import: the working filter and what was stored. */
	uint8_t		*work;
	unsigned	 work_log2;
	int		 work_has_old;	/* began as the stored one */
	int		 old_valid;
	unsigned	 old_log2;
	int64_t		 old_max, old_keys;
	uint64_t	 lag[FILTER_LAG];
	unsigned	 n_lag;
};

/* Statements store_kept() keeps prepared on one store. */
#define STORE_KEPT_MAX	24

/*
 * One slot of a direct-mapped cache of a query's answer by key: the
 * family id of a label, the catalogue name of an id.
 */
struct store_memo {
	char	*key;
	char	*value;		/* NULL: the query had no answer */
};

struct chousa_store {
	sqlite3		*db;
	char		*path;
	unsigned	 flags;
	int		 wait_ms;	/* the busy timeout */
	int		 migrated_from;	/* chousa_store_migrated_from() */
	int		 snapshot;	/* chousa_store_snapshot_begin() */
	int		 wal_hdr_known;	/* wal_hdr(): 1, or -1 none */
	const volatile unsigned char *wal_hdr;
	int		 marked;	/* mark holds the snapshot's start */
	struct chousa_store_mark mark;
	/* store_book_begin(): the header before a bookkeeping write. */
	int		 book_marked;
	struct chousa_store_mark book_before;
	sqlite3_int64	 book_changes;
	int		 bulk;		/* loading an empty table */
	sqlite3_stmt	*q[Q_COUNT];
	/* store_kept(): statements kept by their SQL's address. */
	struct {
		const char	*sql;
		sqlite3_stmt	*s;
	}		 kept[STORE_KEPT_MAX];
	size_t		 n_kept;
	/* Distinct CIDR prefixes stored (bit p of v4/v6), -1 unknown. */
	int		 prefixes_known;
	uint8_t		 v4_prefixes[33];
	uint8_t		 v6_prefixes[129];
	struct store_filter filter;
	int		 benign_known;
	uint8_t		 bv4_prefixes[33];
	uint8_t		 bv6_prefixes[129];
	/* Family label -> id cache for imports (direct-mapped). */
	struct store_memo fcache[4096];
	/* A record's family and tags -> store_family_of()'s answer. */
	struct store_memo rfcache[4096];
	/*
	 * chousa_store_memo_put()'s answers (direct-mapped by key): the key,
	 * a NUL and then the answer's len bytes, in one allocation.
	 */
	struct {
		char	*key;
		size_t	 len;
		int	 value;
	}		 answers[8192];
	size_t		 answer_bytes;	/* the answers' bytes, all told */
	/* chousa_store_feed_ages()'s rows, read once per data version. */
	struct chousa_feed_age *ages;
	size_t		 n_ages;
	int		 ages_known;
};

/*
 * How the handle reads the file.  LOOKUP (the default): 64 MiB of cache and
 * the file mapped.  SCAN (chousa_store_foreach): 2 MiB and no mapping, so
 * a full scan does not leave the whole file resident.  IMPORT: the cache,
 * no mapping.  INDEX (building indexes after a bulk load): 2 MiB and
 * SQLite's sorter on every core; its sort runs then fit the CPU's caches,
 * which took three index builds on a million rows from 1.86 s to 0.76 s.
 */
enum { STORE_IO_LOOKUP, STORE_IO_SCAN, STORE_IO_IMPORT, STORE_IO_INDEX };
void	store_io_mode(struct chousa_store *st, int mode);

/* Before the handle leaves WAL mode: its wal-index mapping goes. */
void	store_wal_forget(struct chousa_store *st);

/* The SQLite handle, for src/online/cache.c (online answers, quotas). */
sqlite3	*store_db(struct chousa_store *st);

/* Statement i, prepared once and reset; NULL with err set on failure. */
sqlite3_stmt *store_stmt(struct chousa_store *st, int i,
	    struct chousa_err *err);
/*
 * A statement for sql, a string constant whose address is its key,
 * prepared on first use and kept until the store closes, so a query asked
 * on every request of a long-lived process (the team server) is parsed
 * once.  Reset and unbound on each return; the caller resets it when done,
 * so no read transaction stays open.  NULL when it cannot be prepared
 * (sqlite3_errmsg() says why) or more than STORE_KEPT_MAX are asked for.
 */
sqlite3_stmt *store_kept(struct chousa_store *st, const char *sql);
/*
 * The error of the last SQLite call on st, naming what failed: CHOUSA_ESTORE
 * when the store cannot be written (a full disk, its own or its temporary
 * files'; a file not this user's), CHOUSA_EBUSY past the busy timeout,
 * else CHOUSA_EDB with SQLite's message.  Returns the code.
 */
int	store_dberr(struct chousa_store *st, struct chousa_err *err,
	    const char *what);
/* Run SQL without results. */
int	store_exec(struct chousa_store *st, const char *sql,
	    struct chousa_err *err);
/*
 * The end of a write transaction begun with store_exec("BEGIN
 * IMMEDIATE"): committed when rc is CHOUSA_OK, else (or when the commit
 * fails) rolled back.  rc, or the commit's error.
 */
int	store_write_end(struct chousa_store *st, int rc,
	    struct chousa_err *err);

/*
 * A read transaction unless one is open (a snapshot, an import): 1 when
 * this call began it and store_read_end() must end it.
 */
int	store_read_begin(struct chousa_store *st);
void	store_read_end(struct chousa_store *st);
/* Column i of s, NUL-terminated, in the arena (NULL for SQL NULL). */
char	*store_col_dup(struct chousa_arena *a, sqlite3_stmt *s, int i,
	    int *failed);
/* A record's family label as its Malpedia id, when the catalogue knows. */
void	store_record_family(struct chousa_store *st, struct chousa_arena *a,
	    struct chousa_record *r);
/*
 * A record's own page at its source (store_listing.c): Feodo Tracker's
 * host page with the address, ThreatFox's IOC page from its id, URLhaus's
 * URL page from its id.  Other references are kept.
 */
void	store_record_link(struct chousa_arena *a, struct chousa_record *r);
/*
 * The same for a record's columns: the value to print into *page (the
 * feed's record_page, one %s), or NULL when the record keeps reference.
 */
const char *store_record_page(const char *source, int type,
	    const char *value, const char *source_id, const char *reference,
	    const char **page);

/* Schema: create or migrate forward (store_schema.c). */
int	store_schema_apply(struct chousa_store *st, struct chousa_err *err);
/* Secondary indexes on indicators, dropped for a bulk load. */
int	store_schema_drop_bulk_indexes(struct chousa_store *st,
	    struct chousa_err *err);
/*
 * After a bulk load: the indexes, with the unique key's duplicates (one
 * file naming one indicator twice) merged as Q_PUT_IND would have merged
 * them; *merged says how many rows were folded into an earlier one and
 * *updated how many of those changed it.
 */
int	store_schema_create_bulk_indexes(struct chousa_store *st,
	    int64_t *merged, int64_t *updated, struct chousa_err *err);

/*
 * A family label's normal key: lower-case letters and digits only, at most
 * out_size - 1 bytes.  "Win.Emotet" and "win_emotet" give "winemotet".
 */
void	store_family_key(const char *label, size_t len, char *out,
	    size_t out_size);
/* The Malpedia id a label maps to, or NULL (borrowed until next call). */
const char *store_family_resolve(struct chousa_store *st, const char *label,
	    size_t len);
/*
 * The family a record names, read as investigate reads labels
 * (ioc/labels.c): its family value when that is a label, else the first
 * of its comma-separated tags a catalogue knows (URLhaus keeps the family
 * among its tags).  The store's Malpedia id when its catalogue or
 * chousa's built-in aliases know the label (*known set), else the label's
 * own word; NULL when neither names one ("PIVY Variant (<md5>)", markup,
 * a generic word).  Borrowed until the next call on st.
 */
const char *store_family_of(struct chousa_store *st, const char *family,
	    const char *tags, int *known);
/*
 * The answer of query q for key, kept in slot m: column col of q's first
 * row, with bind (NULL: key) bound as parameter 1.  The slot's previous
 * key and value are freed.  NULL when there is no row or memory ran out;
 * borrowed until the slot is filled again or released.
 */
const char *store_memo_fill(struct chousa_store *st, struct store_memo *m,
	    const char *key, size_t key_len, int q, const char *bind,
	    int col);
/* Whether slot m holds key. */
int	store_memo_has(const struct store_memo *m, const char *key,
	    size_t key_len);
/* Free n slots' strings and empty them. */
void	store_memo_release(struct store_memo *m, size_t n);
/*
 * Forget everything the handle derived from the tables (family memos,
 * prefix lengths, feed ages): store_filter_sync calls it when a commit,
 * by any connection, moved the data version, and an import when it ends.
 */
void	store_derived_forget(struct chousa_store *st);
/* store_mark.c: the store's mark, and the bookkeeping commits' aliases. */
int	store_mark_now(struct chousa_store *st, struct chousa_store_mark *m);
void	store_mark_root(struct chousa_store_mark *m);
int	store_data_moved(struct chousa_store *st,
	    const struct chousa_store_mark *m);
/*
 * Around a write of bookkeeping only (no indicator data) through db (st's
 * own, or the online cache's writer): begin before it (or before its
 * BEGIN), end after its COMMIT, saying whether it committed.  The commit
 * then leaves chousa_store_data_moved() at 0.
 */
void	store_book_begin(struct chousa_store *st, sqlite3 *db);
void	store_book_end(struct chousa_store *st, sqlite3 *db, int committed);
/*
 * sqlite3_step(s), a bookkeeping write through db: booked as its own
 * commit when it is one (outside a transaction).
 */
int	store_book_step(struct chousa_store *st, sqlite3 *db,
	    sqlite3_stmt *s);
/* store_write_end() of a bookkeeping write begun with store_book_begin(). */
int	store_book_write_end(struct chousa_store *st, int rc,
	    struct chousa_err *err);

/* The 64-bit key of a value, host or registrable domain in the indexes. */
int64_t	store_hash(const char *s, size_t len);
/* A network's key: 4 or 16 bytes of addr masked to prefix. */
void	store_net_key(const uint8_t *addr, int is_v6, int prefix,
	    uint8_t *out);

/* ---- the probe filter (store_filter.c) ---- */

/*
 * Check the handle's filter against the store once per read transaction
 * (after it began): reloads when another connection committed.
 */
void	store_filter_sync(struct chousa_store *st);
/* 0: no indicator row has this key (certain); 1: one may. */
int	store_filter_may(struct chousa_store *st, int kind, int64_t hash);
/* Drop what the handle holds of it. */
void	store_filter_forget(struct chousa_store *st);
/* An import: begin after BEGIN IMMEDIATE (size_hint: the file's bytes, 0
 * unknown), add each row's keys, end before COMMIT, and done (always) after
 * COMMIT or ROLLBACK. */
int	store_filter_import_begin(struct chousa_store *st,
	    uint64_t size_hint, struct chousa_err *err);
void	store_filter_add(struct chousa_store *st, int kind, int64_t hash);
int	store_filter_import_end(struct chousa_store *st,
	    struct chousa_err *err);
void	store_filter_import_done(struct chousa_store *st);
/* Tests: the working filter's size (0: the default). */
void	store_filter_set_work_log2(unsigned log2);

/*
 * chousa_store_import over bytes in memory, recorded in the imports
 * table under name (the members of a bundle: store_bundle.c).
 */
int	store_import_buffer(struct chousa_store *st, const char *source,
	    const char *name, const void *p, size_t len,
	    const struct chousa_import_opts *opts,
	    struct chousa_import_report *rep, struct chousa_err *err);
/* chousa_store_import over bytes in memory (the fuzz targets). */
int	store_import_mem(struct chousa_store *st, const char *source,
	    const void *p, size_t len, const struct chousa_import_opts *opts,
	    struct chousa_import_report *rep, struct chousa_err *err);

#endif /* CHOUSA_STORE_INTERNAL_H */
