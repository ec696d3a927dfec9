/*
 * store_filter.c: the probe filter.  A blocked Bloom filter of the keys the
 * look-ups probe (vhash, hhash and rhash of every indicator row), kept in
 * the store (tables probe_filter and probe_filter_meta) and rewritten inside
 * each import's transaction, so it can never be newer or older than the
 * rows it describes.
 *
 * Why: a look-up of a URL probes its value, its host and the host's parents;
 * most of those probes find nothing, and each costs a SQLite statement
 * (about 8,000 instructions).  Asking the filter first costs one cache line,
 * and "absent" is certain.  "Maybe" goes to SQLite as before, which
 * compares the text, so a false positive (about 1 in 100) only costs time.
 *
 * The filter is a shortcut and never the truth: when it is missing, or does
 * not cover the newest indicator row (a row written by hand, a damaged
 * chunk), every probe goes to SQLite.
 *
 * Layout: 2^log2 blocks of 64 bytes; a key sets FILTER_K bits in one block
 * (one cache line per test).  The block is the low bits of the mixed key,
 * so a filter folds to half its size by OR-ing its halves: an import fills
 * a working filter sized for its file (16 MiB at most) and folds it to the
 * size the keys need.  The
 * blocks are stored in chunks of 256 (16 KiB rows), which a reader loads on
 * first use: one look-up in a new process reads a few chunks, not the
 * whole filter.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <sys/mman.h>

#include "store/store.h"
#include "base/mem.h"

#define BLOCK		64		/* bytes: one cache line */
#define FILTER_K	6		/* bits per key, 9 bits of hash each */
#define BITS_PER_KEY	12		/* about 1% false positives */
#define CHUNK_LOG2	8		/* 2^8 blocks (16 KiB) a stored row */
#define LOG2_MIN	4		/* 1 KiB: the smallest filter */
#define LOG2_WORK	18		/* an import's working filter, 16 MiB */
#define LOG2_MAX	22		/* 256 MiB, 170M keys: beyond, none */

/* LOG2_WORK, but the tests take it down to reach every path with few rows. */
static unsigned log2_work = LOG2_WORK;

void
store_filter_set_work_log2(unsigned log2)
{
	log2_work = log2 >= LOG2_MIN && log2 <= LOG2_MAX ? log2 : LOG2_WORK;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The filter key of a hash in one of the indexes. */
static uint64_t
filter_key(int kind, int64_t hash)
{
	return mix((uint64_t)hash + (uint64_t)(kind + 1) *
	    0x9e3779b97f4a7c15ull);
}

static void
block_set(uint8_t *block, uint64_t key)
{
	uint64_t y = mix(key ^ 0x5851f42d4c957f2dull);
	int i;

	for (i = 0; i < FILTER_K; i++, y >>= 9)
		block[(y & 511) >> 3] |= (uint8_t)(1u << (y & 7));
}

static int
block_test(const uint8_t *block, uint64_t key)
{
	uint64_t y = mix(key ^ 0x5851f42d4c957f2dull);
	int i;

	for (i = 0; i < FILTER_K; i++, y >>= 9)
		if (!(block[(y & 511) >> 3] & (1u << (y & 7))))
			return 0;
	return 1;
}

static size_t
filter_bytes(unsigned log2)
{
	return (size_t)BLOCK << log2;
}

static size_t
chunk_count(unsigned log2)
{
	return log2 > CHUNK_LOG2 ? (size_t)1 << (log2 - CHUNK_LOG2) : 1;
}

static size_t
chunk_bytes(unsigned log2)
{
	return filter_bytes(log2 < CHUNK_LOG2 ? log2 : CHUNK_LOG2);
}

/* The smallest size that holds n keys at BITS_PER_KEY. */
static unsigned
log2_for(int64_t n)
{
	unsigned log2 = LOG2_MIN;

	while (log2 < LOG2_MAX + 1 &&
	    (double)filter_bytes(log2) * 8 < (double)n * BITS_PER_KEY)
		log2++;
	return log2;
}

/* Set bits in a 64-bit word (no popcnt instruction assumed). */
static unsigned
bits_set(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* How many distinct keys a filter holds, from how many bits are set. */
static int64_t
keys_estimate(const uint8_t *f, unsigned log2)
{
	size_t i, len = filter_bytes(log2);
	double m = (double)len * 8, set = 0, fill;
	uint64_t w;

	for (i = 0; i < len; i += 8) {
		memcpy(&w, f + i, 8);
		set += bits_set(w);
	}
	fill = set / m;
	if (fill >= 1)
		return INT64_MAX / 2;
	return (int64_t)(-(m / FILTER_K) * log(1 - fill) + 0.5);
}

/*
 * keys_estimate() of the working filter, but never more than the rows can
 * hold (three keys a row): a working filter sized from a compressed file
 * can fill up, and a full one says nothing of how many keys it saw.
 */
static int64_t
work_keys(const struct store_filter *pf, int64_t rows)
{
	int64_t keys = keys_estimate(pf->work, pf->work_log2);

	return keys < 3 * rows + 16 ? keys : 3 * rows + 16;
}

/* Halve a filter in place until it is to_log2 big. */
static void
fold(uint8_t *f, unsigned from_log2, unsigned to_log2)
{
	size_t half, i;

	for (; from_log2 > to_log2; from_log2--) {
		half = filter_bytes(from_log2 - 1);
		for (i = 0; i < half; i++)
			f[i] |= f[i + half];
	}
}

/*
 * A whole filter, zeroed, for an import to fill.  Its keys land at random,
 * so on 4 KiB pages nearly every one misses the TLB; huge pages (where the
 * kernel gives them on request) took that cost off the import.
 */
static uint8_t *
filter_alloc(unsigned log2)
{
	size_t len = filter_bytes(log2), huge = (size_t)2 << 20;
	void *p;

	if (len < huge)
		return mem_alloc(len);
	if (posix_memalign(&p, huge, len) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE);
#endif
	memset(p, 0, len);
	return p;
}

static void
filter_free(uint8_t *f)
{
	free(f);
}

/* ---- reading ---- */

static void
chunks_free(struct store_filter *pf)
{
	size_t i;

	for (i = 0; i < pf->n_chunks; i++)
		mem_free(pf->chunk[i]);
	mem_free(pf->chunk);
	pf->chunk = NULL;
	pf->n_chunks = 0;
}

static int64_t
max_indicator_id(struct chousa_store *st)
{
	sqlite3_stmt *s = store_stmt(st, Q_FILTER_MAX_ID, NULL);
	int64_t id = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

/* The stored filter's size and the row it covers; 0 if there is none. */
static int
meta_read(struct chousa_store *st, unsigned *log2, int64_t *covers,
    int64_t *keys)
{
	sqlite3_stmt *s = store_stmt(st, Q_FILTER_META, NULL);
	int ok = 0;

	if (s == NULL)		/* a schema 1 store opened read-only */
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW) {
		int64_t l = sqlite3_column_int64(s, 0);

		if (l >= LOG2_MIN && l <= LOG2_MAX) {
			*log2 = (unsigned)l;
			*covers = sqlite3_column_int64(s, 1);
			*keys = sqlite3_column_int64(s, 2);
			ok = 1;
		}
	}
	sqlite3_reset(s);
	return ok;
}

void
store_filter_sync(struct chousa_store *st)
{
	struct store_filter *pf = &st->filter;
	struct chousa_store_mark before;
	unsigned version = 0;
	int64_t covers, keys, max_id;
	int reads = 0, marked;
	sqlite3_stmt *s;

	/*
	 * BEGIN takes no lock until a statement reads, and only then does the
	 * data version see other connections' commits: read first (the
	 * header's schema version, the cheapest read there is) unless the
	 * transaction has read already.  The newest row, which the filter
	 * must cover, is asked only when the version moved: an unchanged
	 * store costs no query of its tables.
	 */
	marked = st->snapshot ? st->marked : store_mark_now(st, &before);
	if (st->snapshot && marked)
		before = st->mark;
	if (sqlite3_txn_state(st->db, "main") == SQLITE_TXN_NONE) {
		reads = 1;
		s = store_stmt(st, Q_FILTER_VIEW, NULL);
		if (s != NULL) {
			(void)sqlite3_step(s);
			sqlite3_reset(s);
		}
	}
	sqlite3_file_control(st->db, "main", SQLITE_FCNTL_DATA_VERSION,
	    &version);
	if (pf->state != FILTER_UNKNOWN && version == pf->data_version)
		return;
	/*
	 * Commits of bookkeeping only (a token's use, the online cache)
	 * leave the data, the filter and the memos as they were.  The header
	 * now is at or past this read's view, so its root holds for the view.
	 */
	if (pf->state != FILTER_UNKNOWN && pf->rooted &&
	    !store_data_moved(st, &pf->root)) {
		pf->data_version = version;
		return;
	}
	store_derived_forget(st);
	max_id = max_indicator_id(st);
	chunks_free(pf);
	pf->data_version = version;
	pf->state = FILTER_NONE;
	/*
	 * What is now read is the data of a header no older than before
	 * (taken before the view began): its root names that data.
	 */
	pf->rooted = marked && (reads || st->snapshot);
	if (pf->rooted) {
		pf->root = before;
		store_mark_root(&pf->root);
	}
	if (!meta_read(st, &pf->log2, &covers, &keys) || covers != max_id)
		return;
	pf->chunk = mem_alloc(chunk_count(pf->log2) * sizeof(*pf->chunk));
	if (pf->chunk == NULL)
		return;
	pf->n_chunks = chunk_count(pf->log2);
	pf->state = FILTER_READY;
}

/* Stored chunk c into dst (len bytes); 0 when missing or the wrong size. */
static int
chunk_read(struct chousa_store *st, size_t c, uint8_t *dst, size_t len)
{
	sqlite3_stmt *s = store_stmt(st, Q_FILTER_CHUNK, NULL);
	int ok;

	if (s == NULL)
		return 0;
	sqlite3_bind_int64(s, 1, (int64_t)c);
	ok = sqlite3_step(s) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(s, 0) == len;
	if (ok)
		memcpy(dst, sqlite3_column_blob(s, 0), len);
	sqlite3_reset(s);
	return ok;
}

static const uint8_t *
chunk_load(struct chousa_store *st, size_t c)
{
	struct store_filter *pf = &st->filter;
	size_t len = chunk_bytes(pf->log2);
	uint8_t *copy = mem_alloc(len);

	if (copy != NULL && !chunk_read(st, c, copy, len)) {
		mem_free(copy);
		copy = NULL;
	}
	pf->chunk[c] = copy;
	return copy;
}

int
store_filter_may(struct chousa_store *st, int kind, int64_t hash)
{
	struct store_filter *pf = &st->filter;
	uint64_t key, block;
	const uint8_t *chunk;

	/* An import's rows are not in the filter until it commits. */
	if (pf->state != FILTER_READY || pf->work != NULL)
		return 1;
	key = filter_key(kind, hash);
	block = key & (((uint64_t)1 << pf->log2) - 1);
	chunk = pf->chunk[block >> CHUNK_LOG2];
	if (chunk == NULL) {
		chunk = chunk_load(st, (size_t)(block >> CHUNK_LOG2));
		if (chunk == NULL) {
			/* A damaged filter: do without it. */
			chunks_free(pf);
			pf->state = FILTER_NONE;
			return 1;
		}
	}
	return block_test(chunk + (block & ((1u << CHUNK_LOG2) - 1)) * BLOCK,
	    key);
}

void
store_filter_forget(struct chousa_store *st)
{
	chunks_free(&st->filter);
	st->filter.state = FILTER_UNKNOWN;
}

/* ---- writing, inside an import's transaction ---- */

/* Load the whole stored filter into f (filter_bytes(log2) bytes). */
static int
filter_load(struct chousa_store *st, uint8_t *f, unsigned log2)
{
	size_t c, n = chunk_count(log2), len = chunk_bytes(log2);

	for (c = 0; c < n; c++)
		if (!chunk_read(st, c, f + c * len, len))
			return 0;
	return 1;
}

int
store_filter_import_begin(struct chousa_store *st, uint64_t size_hint,
    struct chousa_err *err)
{
	struct store_filter *pf = &st->filter;
	unsigned log2, work = log2_work;
	int64_t covers, keys;

	store_filter_forget(st);
	pf->old_max = max_indicator_id(st);
	if (pf->old_max < 0)
		return store_dberr(st, err, "cannot read the store");
	pf->old_valid = meta_read(st, &log2, &covers, &keys) &&
	    covers == pf->old_max;
	pf->old_log2 = pf->old_valid ? log2 : 0;
	pf->old_keys = pf->old_valid ? keys : 0;
	/*
	 * A file of n bytes holds at most 3n/4 keys (a 4-byte line, three
	 * keys): a small file needs no 16 MiB working filter to zero and
	 * count.  A compressed file may hold more than that; the filter then
	 * turns out too full and is rebuilt from the rows at the end.
	 */
	if (size_hint > 0 && size_hint < ((uint64_t)1 << 40)) {
		unsigned need = log2_for((int64_t)(size_hint / 4 * 3 + 16));

		if (need < work)
			work = need;
	}
	/* A big stored filter is added to in place, a small one merged. */
	pf->work_log2 = pf->old_log2 > work ? pf->old_log2 : work;
	pf->work = filter_alloc(pf->work_log2);
	if (pf->work == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	pf->work_has_old = 0;
	pf->n_lag = 0;
	if (pf->old_log2 > work) {
		if (!filter_load(st, pf->work, pf->work_log2)) {
			/* Unreadable: rebuild from the rows at the end. */
			memset(pf->work, 0, filter_bytes(pf->work_log2));
			pf->old_valid = 0;
		} else
			pf->work_has_old = 1;
	}
	return CHOUSA_OK;
}

static void
work_set(struct store_filter *pf, uint64_t key)
{
	block_set(pf->work + (key & (((uint64_t)1 << pf->work_log2) - 1)) *
	    BLOCK, key);
}

/*
 * A key's bits are set FILTER_LAG keys later, its block fetched now: the
 * SQLite insert in between hides the cache miss, which was most of the
 * filter's cost to an import.
 */
void
store_filter_add(struct chousa_store *st, int kind, int64_t hash)
{
	struct store_filter *pf = &st->filter;
	uint64_t key;
	unsigned slot;

	if (pf->work == NULL)
		return;
	key = filter_key(kind, hash);
	__builtin_prefetch(pf->work + (key & (((uint64_t)1 <<
	    pf->work_log2) - 1)) * BLOCK, 1);
	slot = pf->n_lag++ % FILTER_LAG;
	if (pf->n_lag > FILTER_LAG)
		work_set(pf, pf->lag[slot]);
	pf->lag[slot] = key;
}

/* Set the keys still waiting. */
static void
lag_flush(struct store_filter *pf)
{
	unsigned i, n = pf->n_lag < FILTER_LAG ? pf->n_lag : FILTER_LAG;

	for (i = 0; i < n; i++)
		work_set(pf, pf->lag[i]);
	pf->n_lag = 0;
}

/* Add the keys of every indicator row with id <= upto to f. */
static int
add_rows(struct chousa_store *st, uint8_t *f, unsigned log2, int64_t upto,
    struct chousa_err *err)
{
	static const int kinds[3] = { FILTER_VALUE, FILTER_HOST,
	    FILTER_REGDOMAIN };
	sqlite3_stmt *s = store_stmt(st, Q_FILTER_ROWS, err);
	uint64_t mask = ((uint64_t)1 << log2) - 1, key;
	int rc, i;

	if (s == NULL)
		return CHOUSA_EDB;
	sqlite3_bind_int64(s, 1, upto);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		for (i = 0; i < 3; i++) {
			if (sqlite3_column_type(s, i) == SQLITE_NULL)
				continue;
			key = filter_key(kinds[i], sqlite3_column_int64(s, i));
			block_set(f + (key & mask) * BLOCK, key);
		}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_dberr(st, err, "cannot build the probe filter");
	return CHOUSA_OK;
}

static int
filter_write(struct chousa_store *st, const uint8_t *f, unsigned log2,
    int64_t covers, int64_t keys, struct chousa_err *err)
{
	size_t c, n = chunk_count(log2), len = chunk_bytes(log2);
	sqlite3_stmt *s;
	int rc;

	rc = store_exec(st, "DELETE FROM probe_filter", err);
	for (c = 0; c < n && rc == CHOUSA_OK; c++) {
		s = store_stmt(st, Q_FILTER_PUT, err);
		if (s == NULL)
			return CHOUSA_EDB;
		sqlite3_bind_int64(s, 1, (int64_t)c);
		sqlite3_bind_blob(s, 2, f + c * len, (int)len, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = store_dberr(st, err, "cannot store the probe "
			    "filter");
		sqlite3_reset(s);
	}
	if (rc != CHOUSA_OK)
		return rc;
	s = store_stmt(st, Q_FILTER_PUT_META, err);
	if (s == NULL)
		return CHOUSA_EDB;
	sqlite3_bind_int(s, 1, (int)log2);
	sqlite3_bind_int64(s, 2, covers);
	sqlite3_bind_int64(s, 3, keys);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_dberr(st, err, "cannot store the probe filter");
	sqlite3_reset(s);
	return rc;
}

/* No filter at all: every probe goes to SQLite. */
static int
filter_drop(struct chousa_store *st, struct chousa_err *err)
{
	return store_exec(st, "DELETE FROM probe_filter;"
	    "DELETE FROM probe_filter_meta", err);
}

/* A new filter of log2 with every row's keys, from the rows themselves. */
static int
rebuild(struct chousa_store *st, unsigned log2, int64_t covers, int64_t keys,
    struct chousa_err *err)
{
	uint8_t *f = filter_alloc(log2);
	int rc;

	if (f == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = add_rows(st, f, log2, covers, err);
	if (rc == CHOUSA_OK)
		rc = filter_write(st, f, log2, covers, keys, err);
	filter_free(f);
	return rc;
}

/* OR the stored filter (log2) into f, or else add the rows it covered. */
static int
merge_old(struct chousa_store *st, uint8_t *f, unsigned log2,
    struct chousa_err *err)
{
	uint8_t *old = filter_alloc(log2);
	size_t i;
	int ok;

	if (old == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	ok = filter_load(st, old, log2);
	if (ok)
		for (i = 0; i < filter_bytes(log2); i++)
			f[i] |= old[i];
	filter_free(old);
	return ok ? CHOUSA_OK : add_rows(st, f, log2, st->filter.old_max, err);
}

/*
 * Before the import commits: store a filter that covers every row.  The
 * working filter holds the new rows' keys (and the old ones, when the
 * stored filter was big enough to be loaded); the old rows join by merging
 * the stored filter when the size stays, else by reading them.
 */
int
store_filter_import_end(struct chousa_store *st, struct chousa_err *err)
{
	struct store_filter *pf = &st->filter;
	int64_t covers = max_indicator_id(st), keys;
	unsigned log2;
	int rc;

	if (pf->work == NULL)
		return CHOUSA_OK;
	lag_flush(pf);
	if (covers < 0)
		return store_dberr(st, err, "cannot read the store");
	if (covers == pf->old_max && pf->old_valid)
		return CHOUSA_OK;		/* no new row */
	keys = work_keys(pf, covers);
	if (pf->work_has_old) {
		log2 = log2_for(keys);
		if (log2 <= pf->work_log2)
			return filter_write(st, pf->work, pf->work_log2,
			    covers, keys, err);
		return log2 > LOG2_MAX ? filter_drop(st, err) :
		    rebuild(st, log2, covers, keys, err);
	}
	if (pf->old_valid && pf->old_max > 0) {
		log2 = log2_for(keys + pf->old_keys);
		if (log2 <= pf->old_log2) {
			fold(pf->work, pf->work_log2, pf->old_log2);
			rc = merge_old(st, pf->work, pf->old_log2, err);
			return rc != CHOUSA_OK ? rc : filter_write(st, pf->work,
			    pf->old_log2, covers, keys + pf->old_keys, err);
		}
	}
	/* Grown past the stored filter, or none: read the old rows. */
	if (pf->old_max > 0) {
		rc = add_rows(st, pf->work, pf->work_log2, pf->old_max, err);
		if (rc != CHOUSA_OK)
			return rc;
		keys = work_keys(pf, covers);
	}
	log2 = log2_for(keys);
	if (log2 > LOG2_MAX)
		return filter_drop(st, err);
	if (log2 > pf->work_log2)
		return rebuild(st, log2, covers, keys, err);
	fold(pf->work, pf->work_log2, log2);
	return filter_write(st, pf->work, log2, covers, keys, err);
}

void
store_filter_import_done(struct chousa_store *st)
{
	filter_free(st->filter.work);
	st->filter.work = NULL;
	store_filter_forget(st);
}
