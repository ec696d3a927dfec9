/*
 * store_listing.c: what the store lists around an indicator, record by
 * record: on its host (the host's own records and every URL listed on it)
 * or inside a range.  A range is read address by address through the
 * probe filter, so a /24 costs 512 filter checks and a few seeks; one
 * wider than CHOUSA_LISTINGS_PROBE_MAX addresses scans the table.  And
 * each record's own page at its source, which the feeds give only in part.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "base/mem.h"

#define LIST_COLS "type, value, source, source_id, first_seen, last_seen, " \
	"status, threat, family, tags, confidence, reference, port"
/*
 * Listings only: an observation (a MISP attribute not for IDS, a STIX
 * observable) is what a report saw, benign hosts included, whatever
 * --source-name called its import (docs/schema.md).
 */
#define LISTED " AND observation = 0"
/* Rows a range keeps in memory at most before the newest are chosen. */
#define RANGE_ROWS_MAX	100000

enum { S_BY_VALUE, S_BY_HOST, S_HOST_NEWEST, S_HOST_COUNT, S_BY_NET,
	S_SCAN, S_COUNT };

static const char *const list_sql[S_COUNT] = {
	[S_BY_VALUE] = "SELECT " LIST_COLS " FROM indicators"
	    " WHERE vhash = ?1 AND value = ?2" LISTED,
	[S_BY_HOST] = "SELECT " LIST_COLS " FROM indicators"
	    " WHERE hhash = ?1 AND host = ?2" LISTED,
	[S_HOST_NEWEST] = "SELECT " LIST_COLS " FROM indicators"
	    " WHERE hhash = ?1 AND host = ?2" LISTED
	    " ORDER BY last_seen DESC, first_seen DESC, value LIMIT ?3",
	[S_HOST_COUNT] = "SELECT count(*) FROM indicators"
	    " WHERE hhash = ?1 AND host = ?2" LISTED,
	[S_BY_NET] = "SELECT " LIST_COLS " FROM indicators"
	    " WHERE net >= ?1 AND net <= ?2 AND length(net) = ?3"
	    " AND prefix >= ?4" LISTED,
	[S_SCAN] = "SELECT " LIST_COLS ", host FROM indicators"
	    " WHERE (type IN (1, 2) OR (type = 5 AND host IS NOT NULL))"
	    LISTED,
};

struct listing_run {
	struct chousa_store	*st;
	struct chousa_arena	*a;
	sqlite3_stmt		*s[S_COUNT];
	struct chousa_listing	*v;		/* mem_realloc'd */
	size_t			 n;
	size_t			 cap;
	uint64_t		 total;
	int			 rc;
	struct chousa_err	*err;
};

/* ---- each record's own page ---- */

static int
is_number(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n < 24 && strspn(s, "0123456789") == n;
}

/*
 * The record's own page, from its feed's record_page: by its numeric id
 * unless the feed gives a reference of its own that is the record's page;
 * by value where the feed gives only the stem of that page (Feodo
 * Tracker's lists give its browse page).
 */
const char *
store_record_page(const char *source, int type, const char *value,
    const char *source_id, const char *reference, const char **page)
{
	const struct chousa_feed *f = source != NULL ?
	    chousa_feed_find(source) : NULL;

	*page = NULL;
	if (f == NULL || f->record_page == NULL)
		return NULL;
	*page = f->record_page;
	if (f->flags & CHOUSA_FEED_PAGE_BY_VALUE) {
		size_t stem = strcspn(*page, "%");

		if (type != CHOUSA_IOC_CIDR && value != NULL &&
		    (reference == NULL || (strlen(reference) == stem &&
		    memcmp(reference, *page, stem) == 0)))
			return value;
	} else if (is_number(source_id) && (reference == NULL ||
	    (f->flags & CHOUSA_FEED_REFERENCE_ELSEWHERE)))
		return source_id;
	return NULL;
}

void
store_record_link(struct chousa_arena *a, struct chousa_record *r)
{
	const char *page, *arg = store_record_page(r->source, r->type,
	    r->value, r->source_id, r->reference, &page);
	const char *link = NULL;

	if (arg != NULL)
		link = chousa_arena_printf(a, page, arg);
	if (link != NULL)
		r->reference = link;
}

/* ---- reading ---- */

static int
prepare(struct listing_run *lr, int i)
{
	if (lr->s[i] != NULL) {
		sqlite3_reset(lr->s[i]);
		sqlite3_clear_bindings(lr->s[i]);
		return CHOUSA_OK;
	}
	lr->s[i] = store_kept(lr->st, list_sql[i]);
	if (lr->s[i] == NULL)
		return lr->rc = store_dberr(lr->st, lr->err,
		    "cannot read the store");
	return CHOUSA_OK;
}

/* Append one row of s (LIST_COLS) as a listing of kind match. */
static int
add_row(struct listing_run *lr, sqlite3_stmt *s, int match)
{
	struct chousa_listing *l;
	const struct chousa_feed *feed;
	int failed = 0;

	if (MEM_GROW(lr->v, lr->n, lr->cap, 32, 0) != CHOUSA_OK)
		return lr->rc = chousa_errf(lr->err, CHOUSA_ENOMEM,
		    "out of memory");
	l = &lr->v[lr->n];
	memset(l, 0, sizeof(*l));
	l->rec.match = match;
	l->rec.type = sqlite3_column_int(s, 0);
	l->rec.value = store_col_dup(lr->a, s, 1, &failed);
	l->rec.source = store_col_dup(lr->a, s, 2, &failed);
	l->rec.source_id = store_col_dup(lr->a, s, 3, &failed);
	l->rec.first_seen = sqlite3_column_int64(s, 4);
	l->rec.last_seen = sqlite3_column_int64(s, 5);
	l->rec.status = store_col_dup(lr->a, s, 6, &failed);
	l->rec.threat = store_col_dup(lr->a, s, 7, &failed);
	l->rec.family = store_col_dup(lr->a, s, 8, &failed);
	l->rec.tags = store_col_dup(lr->a, s, 9, &failed);
	l->rec.confidence = sqlite3_column_int(s, 10);
	l->rec.reference = store_col_dup(lr->a, s, 11, &failed);
	l->port = (unsigned)sqlite3_column_int(s, 12);
	if (failed || l->rec.value == NULL)
		return lr->rc = chousa_errf(lr->err, CHOUSA_ENOMEM,
		    "out of memory");
	feed = chousa_feed_find(l->rec.source);
	if (l->rec.reference != NULL && feed != NULL &&
	    (feed->flags & CHOUSA_FEED_REFERENCE_ELSEWHERE))
		l->external = l->rec.reference;
	store_record_family(lr->st, lr->a, &l->rec);
	store_record_link(lr->a, &l->rec);
	if (l->external != NULL && l->rec.reference != NULL &&
	    strcmp(l->external, l->rec.reference) == 0)
		l->external = NULL;
	lr->n++;
	return CHOUSA_OK;
}

/*
 * Every row of s as a listing of kind match, then s reset.  counted: each
 * row counts in the total and RANGE_ROWS_MAX of them are kept; else the
 * query's LIMIT keeps them few.
 */
static int
read_rows(struct listing_run *lr, sqlite3_stmt *s, int match, int counted)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (counted)
			lr->total++;
		if (counted && lr->n >= RANGE_ROWS_MAX)
			continue;
		if (add_row(lr, s, match) != CHOUSA_OK)
			break;
	}
	sqlite3_reset(s);
	if (lr->rc == CHOUSA_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		lr->rc = store_dberr(lr->st, lr->err, "cannot read the store");
	return lr->rc;
}

/* A text key as the by-key queries take it: its hash, then itself. */
static void
bind_key(sqlite3_stmt *s, const char *key)
{
	sqlite3_bind_int64(s, 1, store_hash(key, strlen(key)));
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
}

/* Every row of statement i bound to a text key; each one counts. */
static int
rows_by(struct listing_run *lr, int i, const char *key, int match)
{
	if (lr->rc != CHOUSA_OK || prepare(lr, i) != CHOUSA_OK)
		return lr->rc;
	bind_key(lr->s[i], key);
	return read_rows(lr, lr->s[i], match, 1);
}

/* A host: its own records, then its newest URLs and how many there are. */
static int
on_host(struct listing_run *lr, const char *host, size_t max)
{
	sqlite3_stmt *s;

	rows_by(lr, S_BY_VALUE, host, CHOUSA_MATCH_EXACT);
	if (lr->rc != CHOUSA_OK || prepare(lr, S_HOST_COUNT) != CHOUSA_OK)
		return lr->rc;
	s = lr->s[S_HOST_COUNT];
	bind_key(s, host);
	if (sqlite3_step(s) == SQLITE_ROW)
		lr->total += (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (prepare(lr, S_HOST_NEWEST) != CHOUSA_OK)
		return lr->rc;
	s = lr->s[S_HOST_NEWEST];
	bind_key(s, host);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
	return read_rows(lr, s, CHOUSA_MATCH_URL_HOST, 0);
}

/* One address of a range: its records and the URLs on it. */
static int
on_address(struct listing_run *lr, const char *ip)
{
	int64_t h = store_hash(ip, strlen(ip));

	if (store_filter_may(lr->st, FILTER_VALUE, h))
		rows_by(lr, S_BY_VALUE, ip, CHOUSA_MATCH_CIDR);
	if (store_filter_may(lr->st, FILTER_HOST, h))
		rows_by(lr, S_BY_HOST, ip, CHOUSA_MATCH_URL_HOST);
	return lr->rc;
}

/* The narrower ranges inside [lo, hi] (network keys of len bytes). */
static int
nets_inside(struct listing_run *lr, const uint8_t *lo, const uint8_t *hi,
    int len, int prefix)
{
	sqlite3_stmt *s;

	if (lr->rc != CHOUSA_OK || prepare(lr, S_BY_NET) != CHOUSA_OK)
		return lr->rc;
	s = lr->s[S_BY_NET];
	sqlite3_bind_blob(s, 1, lo, len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hi, len, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, len);
	sqlite3_bind_int(s, 4, prefix);
	return read_rows(lr, s, CHOUSA_MATCH_CIDR, 1);
}

/* Whether the address text ip lies in net/prefix. */
static int
in_range(const char *ip, const uint8_t *net, int is_v6, int prefix)
{
	uint8_t addr[16];
	int i;

	if (inet_pton(is_v6 ? AF_INET6 : AF_INET, ip, addr) != 1)
		return 0;
	for (i = 0; i < prefix; i++) {
		int bit = 0x80 >> (i % 8);

		if ((addr[i / 8] & bit) != (net[i / 8] & bit))
			return 0;
	}
	return 1;
}

/* A range too wide to probe: one pass over the addresses and IP URLs. */
static int
scan_range(struct listing_run *lr, const uint8_t *net, int is_v6,
    int prefix)
{
	sqlite3_stmt *s;
	int rc;

	if (prepare(lr, S_SCAN) != CHOUSA_OK)
		return lr->rc;
	s = lr->s[S_SCAN];
	store_io_mode(lr->st, STORE_IO_SCAN);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int url = sqlite3_column_int(s, 0) == CHOUSA_IOC_URL;
		const char *ip = (const char *)sqlite3_column_text(s,
		    url ? 13 : 1);

		if (ip == NULL || !in_range(ip, net, is_v6, prefix))
			continue;
		lr->total++;
		if (lr->n < RANGE_ROWS_MAX && add_row(lr, s, url ?
		    CHOUSA_MATCH_URL_HOST : CHOUSA_MATCH_CIDR) != CHOUSA_OK)
			break;
	}
	sqlite3_reset(s);
	store_io_mode(lr->st, STORE_IO_LOOKUP);
	if (lr->rc == CHOUSA_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		lr->rc = store_dberr(lr->st, lr->err, "cannot read the store");
	return lr->rc;
}

static int
on_range(struct listing_run *lr, const struct chousa_indicator *ind)
{
	int bits = ind->is_v6 ? 128 : 32, len = ind->is_v6 ? 16 : 4, i;
	uint8_t lo[16], hi[16];
	uint64_t count, k;
	char ip[64];

	store_net_key(ind->addr, ind->is_v6, ind->prefix, lo);
	memcpy(hi, lo, sizeof(hi));
	for (i = ind->prefix; i < bits; i++)
		hi[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	if (bits - ind->prefix > 16) {
		scan_range(lr, lo, ind->is_v6, ind->prefix);
	} else {
		count = (uint64_t)1 << (bits - ind->prefix);
		for (k = 0; k < count && lr->rc == CHOUSA_OK; k++) {
			uint8_t addr[16];

			memcpy(addr, lo, sizeof(addr));
			addr[len - 1] |= (uint8_t)(k & 0xff);
			addr[len - 2] |= (uint8_t)(k >> 8);
			if (inet_ntop(ind->is_v6 ? AF_INET6 : AF_INET, addr, ip,
			    sizeof(ip)) == NULL)
				continue;
			on_address(lr, ip);
		}
	}
	return nets_inside(lr, lo, hi, len, ind->prefix);
}

static int
cmp_listing(const void *pa, const void *pb)
{
	const struct chousa_listing *a = pa, *b = pb;
	int c;

	if (a->rec.last_seen != b->rec.last_seen)
		return a->rec.last_seen > b->rec.last_seen ? -1 : 1;
	if (a->rec.first_seen != b->rec.first_seen)
		return a->rec.first_seen > b->rec.first_seen ? -1 : 1;
	c = strcmp(a->rec.value, b->rec.value);
	return c != 0 ? c : strcmp(a->rec.source != NULL ? a->rec.source : "",
	    b->rec.source != NULL ? b->rec.source : "");
}

int
chousa_store_listings(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_indicator *ind, size_t max,
    struct chousa_listing **out, size_t *n_out, uint64_t *total,
    struct chousa_err *err)
{
	struct listing_run lr;
	const char *host = NULL;
	int own_txn, i;

	memset(&lr, 0, sizeof(lr));
	lr.st = st;
	lr.a = a;
	lr.err = err;
	*out = NULL;
	*n_out = 0;
	*total = 0;
	switch (ind->type) {
	case CHOUSA_IOC_DOMAIN:
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		host = ind->value;
		break;
	case CHOUSA_IOC_URL:
	case CHOUSA_IOC_EMAIL:
		host = ind->host;
		break;
	case CHOUSA_IOC_CIDR:
		break;
	default:
		return CHOUSA_OK;
	}
	if (host == NULL && ind->type != CHOUSA_IOC_CIDR)
		return CHOUSA_OK;
	own_txn = store_read_begin(st);
	if (!st->snapshot)
		store_filter_sync(st);
	if (host != NULL)
		on_host(&lr, host, max);
	else
		on_range(&lr, ind);
	for (i = 0; i < S_COUNT; i++)
		if (lr.s[i] != NULL)
			sqlite3_reset(lr.s[i]);
	if (own_txn)
		store_read_end(st);
	if (lr.rc == CHOUSA_OK && lr.n > 0)
		qsort(lr.v, lr.n, sizeof(*lr.v), cmp_listing);
	if (lr.n > max)
		lr.n = max;
	if (lr.rc == CHOUSA_OK && lr.n > 0) {
		*out = chousa_arena_alloc(a, lr.n * sizeof(**out));
		if (*out == NULL)
			lr.rc = chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
		else {
			memcpy(*out, lr.v, lr.n * sizeof(**out));
			*n_out = lr.n;
		}
	}
	if (lr.rc == CHOUSA_OK)
		*total = lr.total;
	mem_free(lr.v);
	return lr.rc;
}
