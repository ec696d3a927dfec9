/*
 * matcher.c: the sweep's look-up structure, built once per run from the
 * store.  Exact values live in open-addressing hash sets whose slots hold
 * a 32-bit hash tag and an entry index, with every string interned in one
 * arena, so a probe touches one cache line of slots and one entry.  IPv4
 * addresses are keys of their own (a uint32); CIDR ranges are sorted
 * interval arrays searched by bisection, with a running maximum of the
 * range ends so that nested ranges are found too.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chousa.h"
#include "base/mem.h"
#include "ioc/data.h"
#include "sweep/matcher.h"
#include "sweep/rec.h"

#define MAX_ENTRIES	((size_t)1 << 30)
#define MAX_VALUE	8192

/* Key classes of the string set, folded into the hash. */
enum { CLS_DOMAIN = 1, CLS_URL, CLS_HASH, CLS_IPV6 };

struct slot {
	uint32_t	tag;	/* high bits of the hash, never 0 */
	uint32_t	idx;	/* entry index + 1; 0 is empty */
};

/*
 * Each set has a Bloom filter, built by chousa_matcher_finish, whose keys
 * set three bits in one 64-bit word: small enough to stay in the cache, so
 * that most misses, which are nearly every look-up, never touch the slot
 * array.
 */
struct bloom {
	uint64_t	*words;
	size_t		 mask;	/* words - 1 */
};

struct strset {
	struct slot	*slots;
	size_t		 mask;	/* size - 1, size a power of two */
	size_t		 n;
	struct bloom	 bloom;
};

struct v4slot {
	uint32_t	ip;
	uint32_t	idx;	/* + 1; 0 is empty */
};

struct v4set {
	struct v4slot	*slots;
	size_t		 mask;
	size_t		 n;
	struct bloom	 bloom;
};

struct range4 {
	uint32_t	lo, hi, idx, maxhi;
};

struct range6 {
	uint8_t		lo[16], hi[16], maxhi[16];
	uint32_t	idx;
};

/*
 * One set of look-up structures: the indicators, or the benign list.  Each
 * key class has its own string set, so the sets probed on every line
 * (domains) stay small enough for the cache.
 */
#define N_CLS	5
#define N_NAMES	4096
#define N_RESOLVERS	128	/* data/public-resolvers.txt holds ~40 */
struct tables {
	struct strset	 str[N_CLS];
	struct v4set	 v4;
	struct range4	*r4;
	size_t		 n_r4, cap_r4;
	struct range6	*r6;
	size_t		 n_r6, cap_r6;
};

struct chousa_matcher {
	struct chousa_arena		*arena;
	struct matcher_entry		*ent;
	size_t				 n_ent, cap_ent;
	struct tables			 bad;
	struct tables			 benign;
	int				 finished;
	int				 has_private;	/* RFC 1918 */
	int				 build_rc;	/* row callbacks */
	const char			*names[N_NAMES];	/* interned */
	struct chousa_matcher_stats	 stats;
	/* chousa's public resolvers, parsed once for the ranges' hits. */
	uint32_t			 resolver4[N_RESOLVERS];
	uint8_t				 resolver6[N_RESOLVERS][16];
	size_t				 n_resolver4, n_resolver6;
};

/* ---- hashing ---- */

static inline uint64_t
rd64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t
mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

/* A fast hash over bytes, 8 at a time; cls keeps the classes apart. */
static uint64_t
hash_bytes(int cls, const char *p, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)len << 8) ^
	    (uint64_t)cls;
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		h = (h ^ rd64(p + i)) * 0xff51afd7ed558ccdULL;
	if (i < len) {
		uint64_t t = 0;

		memcpy(&t, p + i, len - i);
		h = (h ^ t) * 0xc4ceb9fe1a85ec53ULL;
	}
	return mix(h);
}

static inline uint32_t
tag_of(uint64_t h)
{
	uint32_t t = (uint32_t)(h >> 32);

	return t ? t : 1;
}

static inline uint64_t
hash_v4(uint32_t ip)
{
	return mix((uint64_t)ip * 0x9e3779b97f4a7c15ULL +
	    0x632be59bd9b4e019ULL);
}

/* ---- Bloom filters ---- */

static inline uint64_t
bloom_bits(uint64_t h)
{
	return 1ULL << (h & 63) | 1ULL << ((h >> 6) & 63) |
	    1ULL << ((h >> 12) & 63);
}

static inline int
bloom_may_have(const struct bloom *b, uint64_t h)
{
	uint64_t bits;

	if (b->words == NULL)
		return 1;
	bits = bloom_bits(h);
	return (b->words[(h >> 24) & b->mask] & bits) == bits;
}

static int
bloom_init(struct bloom *b, size_t n)
{
	size_t words = 64;

	/* 16 bits per key: about 1% false positives, and the filters of a
	 * million indicators still fit the L2 and L3 caches. */
	while (words < n / 4 && words < ((size_t)1 << 26))
		words *= 2;
	b->words = mem_alloc(words * sizeof(*b->words));
	if (b->words == NULL)
		return CHOUSA_ENOMEM;
	b->mask = words - 1;
	return CHOUSA_OK;
}

static inline void
bloom_add(struct bloom *b, uint64_t h)
{
	b->words[(h >> 24) & b->mask] |= bloom_bits(h);
}

/* ---- sets ---- */

static int
key_class(int type)
{
	switch (type) {
	case CHOUSA_IOC_DOMAIN:
		return CLS_DOMAIN;
	case CHOUSA_IOC_URL:
		return CLS_URL;
	case CHOUSA_IOC_MD5:
	case CHOUSA_IOC_SHA1:
	case CHOUSA_IOC_SHA256:
	case CHOUSA_IOC_SHA512:
		return CLS_HASH;
	case CHOUSA_IOC_IPV6:
		return CLS_IPV6;
	}
	return 0;
}

/*
 * The key bytes of an entry: the value, except IPv6 whose key is the 16
 * address bytes kept right after the value's NUL.
 */
static inline const char *
entry_key(const struct matcher_entry *e, size_t *len)
{
	if (e->type == CHOUSA_IOC_IPV6) {
		*len = 16;
		return e->value + e->value_len + 1;
	}
	*len = e->value_len;
	return e->value;
}

/* Find a key whose hash h is known. */
static int64_t
strset_find_h(const struct chousa_matcher *m, const struct strset *s,
    int cls, const char *p, size_t len, uint64_t h)
{
	uint32_t tag;
	size_t i;

	if (s->n == 0 || !bloom_may_have(&s->bloom, h))
		return -1;
	tag = tag_of(h);
	for (i = (size_t)h & s->mask;; i = (i + 1) & s->mask) {
		const struct slot *sl = &s->slots[i];
		const struct matcher_entry *e;
		const char *k;
		size_t klen;

		if (sl->idx == 0)
			return -1;
		if (sl->tag != tag)
			continue;
		e = &m->ent[sl->idx - 1];
		k = entry_key(e, &klen);
		if (klen == len && key_class(e->type) == cls &&
		    memcmp(k, p, len) == 0)
			return (int64_t)sl->idx - 1;
	}
}

static int64_t
strset_find(const struct chousa_matcher *m, const struct strset *s, int cls,
    const char *p, size_t len)
{
	if (s->n == 0)
		return -1;
	return strset_find_h(m, s, cls, p, len, hash_bytes(cls, p, len));
}

static int
strset_grow(struct chousa_matcher *m, struct strset *s)
{
	size_t size = s->slots ? (s->mask + 1) * 2 : 1024, i, j;
	struct slot *ns = mem_alloc(size * sizeof(*ns));

	if (ns == NULL)
		return CHOUSA_ENOMEM;
	for (i = 0; s->slots && i <= s->mask; i++) {
		const struct matcher_entry *e;
		uint64_t h;

		if (s->slots[i].idx == 0)
			continue;
		e = &m->ent[s->slots[i].idx - 1];
		h = e->hash;
		for (j = (size_t)h & (size - 1); ns[j].idx != 0;
		    j = (j + 1) & (size - 1))
			;
		ns[j] = s->slots[i];
	}
	mem_free(s->slots);
	s->slots = ns;
	s->mask = size - 1;
	return CHOUSA_OK;
}

/* Insert entry idx, whose key hash h is in the entry already. */
static int
strset_insert(struct chousa_matcher *m, struct strset *s, uint64_t h,
    size_t idx)
{
	size_t i;

	if (s->slots == NULL || (s->n + 1) * 2 > s->mask + 1)
		if (strset_grow(m, s) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
	for (i = (size_t)h & s->mask; s->slots[i].idx != 0;
	    i = (i + 1) & s->mask)
		;
	s->slots[i].tag = tag_of(h);
	s->slots[i].idx = (uint32_t)idx + 1;
	s->n++;
	return CHOUSA_OK;
}

static int64_t
v4set_find(const struct v4set *s, uint32_t ip)
{
	size_t i;

	if (s->n == 0 || !bloom_may_have(&s->bloom, hash_v4(ip)))
		return -1;
	for (i = (size_t)hash_v4(ip) & s->mask;; i = (i + 1) & s->mask) {
		if (s->slots[i].idx == 0)
			return -1;
		if (s->slots[i].ip == ip)
			return (int64_t)s->slots[i].idx - 1;
	}
}

static int
v4set_insert(struct v4set *s, uint32_t ip, size_t idx)
{
	size_t i;

	if (s->slots == NULL || (s->n + 1) * 2 > s->mask + 1) {
		size_t size = s->slots ? (s->mask + 1) * 2 : 1024, j;
		struct v4slot *ns = mem_alloc(size * sizeof(*ns));

		if (ns == NULL)
			return CHOUSA_ENOMEM;
		for (i = 0; s->slots && i <= s->mask; i++) {
			if (s->slots[i].idx == 0)
				continue;
			for (j = (size_t)hash_v4(s->slots[i].ip) & (size - 1);
			    ns[j].idx != 0; j = (j + 1) & (size - 1))
				;
			ns[j] = s->slots[i];
		}
		mem_free(s->slots);
		s->slots = ns;
		s->mask = size - 1;
	}
	for (i = (size_t)hash_v4(ip) & s->mask; s->slots[i].idx != 0;
	    i = (i + 1) & s->mask)
		;
	s->slots[i].ip = ip;
	s->slots[i].idx = (uint32_t)idx + 1;
	s->n++;
	return CHOUSA_OK;
}

static void
tables_release(struct tables *t)
{
	size_t i;

	for (i = 0; i < N_CLS; i++) {
		mem_free(t->str[i].slots);
		mem_free(t->str[i].bloom.words);
	}
	mem_free(t->v4.bloom.words);
	mem_free(t->v4.slots);
	mem_free(t->r4);
	mem_free(t->r6);
}

static size_t
tables_memory(const struct tables *t)
{
	size_t n = 0, i;

	for (i = 0; i < N_CLS; i++) {
		if (t->str[i].slots)
			n += (t->str[i].mask + 1) * sizeof(struct slot);
		if (t->str[i].bloom.words)
			n += (t->str[i].bloom.mask + 1) * sizeof(uint64_t);
	}
	if (t->v4.bloom.words)
		n += (t->v4.bloom.mask + 1) * sizeof(uint64_t);
	if (t->v4.slots)
		n += (t->v4.mask + 1) * sizeof(struct v4slot);
	return n + t->cap_r4 * sizeof(struct range4) +
	    t->cap_r6 * sizeof(struct range6);
}

/* ---- parsing values ---- */

int
sweep_parse_ipv4(const char *p, size_t len, uint32_t *out)
{
	uint32_t ip = 0, part;
	size_t i = 0;
	int dots = 0, digits;

	if (len < 7 || len > 15)
		return -1;
	for (;;) {
		part = 0;
		digits = 0;
		while (i < len && p[i] >= '0' && p[i] <= '9' && digits < 4) {
			part = part * 10 + (uint32_t)(p[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || part > 255)
			return -1;
		ip = ip << 8 | part;
		if (i == len)
			break;
		if (p[i] != '.' || ++dots > 3)
			return -1;
		i++;
	}
	if (dots != 3)
		return -1;
	*out = ip;
	return 0;
}

/* Parse "addr/prefix" into the first and last address; 4 or 16 bytes. */
static int
parse_cidr(const char *v, uint8_t lo[16], uint8_t hi[16], int *is_v6)
{
	const char *slash = strchr(v, '/');
	char addr[64];
	size_t alen;
	long prefix;
	char *end;
	int i, bits;

	if (slash == NULL)
		return -1;
	alen = (size_t)(slash - v);
	if (alen >= sizeof(addr))
		return -1;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	prefix = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1)
		return -1;
	memset(lo, 0, 16);
	if (inet_pton(AF_INET, addr, lo) == 1) {
		*is_v6 = 0;
		bits = 32;
	} else if (inet_pton(AF_INET6, addr, lo) == 1) {
		*is_v6 = 1;
		bits = 128;
	} else
		return -1;
	if (prefix < 0 || prefix > bits)
		return -1;
	memcpy(hi, lo, 16);
	for (i = 0; i < bits; i++) {
		if (i < prefix)
			continue;
		lo[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		hi[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	}
	return 0;
}

static inline uint32_t
be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

/* Whether [lo, hi] overlaps 10/8, 172.16/12 or 192.168/16. */
static int
private_v4(uint32_t lo, uint32_t hi)
{
	static const uint32_t r[3][2] = {
		{ 0x0a000000, 0x0affffff }, { 0xac100000, 0xac1fffff },
		{ 0xc0a80000, 0xc0a8ffff },
	};
	int i;

	for (i = 0; i < 3; i++)
		if (lo <= r[i][1] && hi >= r[i][0])
			return 1;
	return 0;
}

/* ---- building ---- */

int
chousa_matcher_new(struct chousa_matcher **out, struct chousa_err *err)
{
	struct chousa_matcher *m = mem_alloc(sizeof(*m));
	int rc;

	if (m == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = chousa_arena_new(&m->arena, (size_t)2 << 30, err);
	if (rc != CHOUSA_OK) {
		mem_free(m);
		return rc;
	}
	*out = m;
	return CHOUSA_OK;
}

void
chousa_matcher_free(struct chousa_matcher *m)
{
	if (m == NULL)
		return;
	tables_release(&m->bad);
	tables_release(&m->benign);
	mem_free(m->ent);
	chousa_arena_free(m->arena);
	mem_free(m);
}

/* Whether the comma-separated list has item. */
static int
list_has(const char *list, const char *item, size_t len)
{
	const char *p = list;

	while (*p != '\0') {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n == len && memcmp(p, item, len) == 0)
			return 1;
		if (c == NULL)
			break;
		p = c + 1;
	}
	return 0;
}

/* Join item onto *list in the arena unless it is already there. */
static int
list_join(struct chousa_arena *a, const char **list, const char *item)
{
	size_t len, ilen;
	char *s;

	if (item == NULL || *item == '\0')
		return CHOUSA_OK;
	ilen = strlen(item);
	if (**list == '\0') {
		*list = chousa_arena_strndup(a, item, ilen);
		return *list ? CHOUSA_OK : CHOUSA_ENOMEM;
	}
	if (list_has(*list, item, ilen))
		return CHOUSA_OK;
	len = strlen(*list);
	if (len + ilen > 1024)
		return CHOUSA_OK;	/* enough names for one line */
	s = chousa_arena_alloc(a, len + ilen + 2);
	if (s == NULL)
		return CHOUSA_ENOMEM;
	memcpy(s, *list, len);
	s[len] = ',';
	memcpy(s + len + 1, item, ilen + 1);
	*list = s;
	return CHOUSA_OK;
}

/*
 * One copy of each source and family name: a million rows name a handful
 * of sources and a few thousand families.  Returns "" for none, NULL when
 * out of memory.
 */
static const char *
intern(struct chousa_matcher *m, const char *s)
{
	uint64_t h;
	const char **slot;

	if (s == NULL || *s == '\0')
		return "";
	h = hash_bytes(0, s, strlen(s));
	slot = &m->names[h & (N_NAMES - 1)];
	if (*slot != NULL && strcmp(*slot, s) == 0)
		return *slot;
	*slot = chousa_arena_strdup(m->arena, s);
	return *slot;
}

static int
add_entry(struct chousa_matcher *m, int type, const char *value,
    size_t len, const uint8_t *v6key, const struct chousa_store_row *row,
    size_t *idx)
{
	struct matcher_entry *e;
	char *v;
	int rc = MEM_GROW(m->ent, m->n_ent, m->cap_ent, 4096, MAX_ENTRIES);

	if (rc != CHOUSA_OK)
		return rc;
	v = chousa_arena_alloc(m->arena, len + 1 + (v6key ? 16 : 0));
	if (v == NULL)
		return CHOUSA_ENOMEM;
	memcpy(v, value, len);
	v[len] = '\0';
	if (v6key != NULL)
		memcpy(v + len + 1, v6key, 16);
	e = &m->ent[m->n_ent];
	memset(e, 0, sizeof(*e));
	e->value = v;
	e->value_len = (uint32_t)len;
	e->type = (uint8_t)type;
	e->first_seen = row->first_seen;
	e->last_seen = row->last_seen;
	e->sources = intern(m, row->source);
	e->family = intern(m, row->family);
	if (e->sources == NULL || e->family == NULL)
		return CHOUSA_ENOMEM;
	*idx = m->n_ent++;
	return CHOUSA_OK;
}

static int
merge_entry(struct chousa_matcher *m, size_t idx,
    const struct chousa_store_row *row)
{
	struct matcher_entry *e = &m->ent[idx];

	if (row->first_seen && (e->first_seen == 0 ||
	    row->first_seen < e->first_seen))
		e->first_seen = row->first_seen;
	if (row->last_seen > e->last_seen)
		e->last_seen = row->last_seen;
	if (list_join(m->arena, &e->sources, row->source) != CHOUSA_OK ||
	    list_join(m->arena, &e->family, row->family) != CHOUSA_OK)
		return CHOUSA_ENOMEM;
	return CHOUSA_OK;
}

static int
add_range(struct chousa_matcher *m, struct tables *t, const uint8_t *lo,
    const uint8_t *hi, int is_v6, size_t idx)
{
	if (!is_v6) {
		if (MEM_GROW(t->r4, t->n_r4, t->cap_r4, 64, 0) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
		t->r4[t->n_r4].lo = be32(lo);
		t->r4[t->n_r4].hi = be32(hi);
		t->r4[t->n_r4++].idx = (uint32_t)idx;
	} else {
		if (MEM_GROW(t->r6, t->n_r6, t->cap_r6, 64, 0) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
		memcpy(t->r6[t->n_r6].lo, lo, 16);
		memcpy(t->r6[t->n_r6].hi, hi, 16);
		t->r6[t->n_r6++].idx = (uint32_t)idx;
	}
	(void)m;
	return CHOUSA_OK;
}

/* ---- adding a row ---- */

static int
merge_row(struct chousa_matcher *m, int64_t found,
    const struct chousa_store_row *row, struct chousa_err *err)
{
	if (merge_entry(m, (size_t)found, row) != CHOUSA_OK)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

static int
build_failed(int rc, struct chousa_err *err)
{
	return chousa_errf(err, rc, rc == CHOUSA_ELIMIT ?
	    "too many indicators for the matcher" :
	    "out of memory building the matcher");
}

/* One more indicator of its kind in the bad table, or one more benign. */
static void
count_row(struct chousa_matcher *m, const struct tables *t,
    uint64_t *n_bad)
{
	if (t == &m->bad)
		(*n_bad)++;
	else
		m->stats.n_benign++;
}

/*
 * The row's value as a key in buf: lower case, as logs are looked up lower
 * case (URLs keep their case), a domain without its trailing dot.  Returns
 * the key's length, or 0 when there is no key.
 */
static size_t
row_key(const struct chousa_store_row *row, char buf[MAX_VALUE])
{
	const char *v = row->value;
	size_t len, i;

	if (v == NULL)
		return 0;
	len = strlen(v);
	if (len >= MAX_VALUE)
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = (row->type == CHOUSA_IOC_URL) ? v[i] :
		    (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
	buf[len] = '\0';
	if (row->type == CHOUSA_IOC_DOMAIN && len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	return len;
}

/* An address, or a CIDR row without a prefix length, which is one. */
static int
add_ipv4(struct chousa_matcher *m, struct tables *t,
    const struct chousa_store_row *row, char *buf, size_t len,
    struct chousa_err *err)
{
	const char *colon = strchr(buf, ':');
	int64_t found;
	size_t idx;
	uint32_t ip;
	int rc;

	/* "1.2.3.4:80" as ThreatFox writes ip:port. */
	if (colon != NULL && row->type == CHOUSA_IOC_IPV4)
		len = (size_t)(colon - buf);
	if (sweep_parse_ipv4(buf, len, &ip) != 0) {
		m->stats.n_skipped++;
		return CHOUSA_OK;
	}
	buf[len] = '\0';
	found = v4set_find(&t->v4, ip);
	if (found >= 0)
		return merge_row(m, found, row, err);
	rc = add_entry(m, CHOUSA_IOC_IPV4, buf, len, NULL, row, &idx);
	if (rc == CHOUSA_OK)
		rc = v4set_insert(&t->v4, ip, idx);
	if (rc != CHOUSA_OK)
		return build_failed(rc, err);
	if (t == &m->bad && private_v4(ip, ip))
		m->has_private = 1;
	count_row(m, t, &m->stats.n_ipv4);
	return CHOUSA_OK;
}

static int
add_cidr(struct chousa_matcher *m, struct tables *t,
    const struct chousa_store_row *row, const char *buf, size_t len,
    struct chousa_err *err)
{
	uint8_t lo[16], hi[16];
	size_t idx;
	int is_v6, rc;

	if (parse_cidr(buf, lo, hi, &is_v6) != 0) {
		m->stats.n_skipped++;
		return CHOUSA_OK;
	}
	rc = add_entry(m, CHOUSA_IOC_CIDR, buf, len, NULL, row, &idx);
	if (rc == CHOUSA_OK)
		rc = add_range(m, t, lo, hi, is_v6, idx);
	if (rc != CHOUSA_OK)
		return build_failed(rc, err);
	if (t == &m->bad && !is_v6 && private_v4(be32(lo), be32(hi)))
		m->has_private = 1;
	count_row(m, t, &m->stats.n_cidr);
	return CHOUSA_OK;
}

/*
 * A row found by the hash of key in the string set of class cls: merged
 * into the entry with the same key, else a new entry (value, and the
 * address for IPv6).
 */
static int
add_hashed(struct chousa_matcher *m, struct tables *t, int cls,
    const char *key, size_t key_len, const char *value, size_t value_len,
    const uint8_t *v6key, const struct chousa_store_row *row,
    uint64_t *n_bad, struct chousa_err *err)
{
	uint64_t h = hash_bytes(cls, key, key_len);
	int64_t found = strset_find_h(m, &t->str[cls], cls, key, key_len, h);
	size_t idx;
	int rc;

	if (found >= 0)
		return merge_row(m, found, row, err);
	rc = add_entry(m, row->type, value, value_len, v6key, row, &idx);
	if (rc == CHOUSA_OK) {
		m->ent[idx].hash = h;
		rc = strset_insert(m, &t->str[cls], h, idx);
	}
	if (rc != CHOUSA_OK)
		return build_failed(rc, err);
	count_row(m, t, n_bad);
	return CHOUSA_OK;
}

/* An IPv6 address, with or without brackets, keyed by its 16 bytes. */
static int
add_ipv6(struct chousa_matcher *m, struct tables *t,
    const struct chousa_store_row *row, char *buf, size_t len,
    struct chousa_err *err)
{
	uint8_t addr[16];

	if (buf[0] == '[' && len > 2 && buf[len - 1] == ']') {
		len -= 2;
		memmove(buf, buf + 1, len);
		buf[len] = '\0';
	}
	if (len >= 64 || inet_pton(AF_INET6, buf, addr) != 1) {
		m->stats.n_skipped++;
		return CHOUSA_OK;
	}
	return add_hashed(m, t, CLS_IPV6, (const char *)addr, 16, buf, len,
	    addr, row, &m->stats.n_ipv6, err);
}

/* Add a row to t; counts go to the stats when it is the bad table. */
static int
add_row(struct chousa_matcher *m, struct tables *t,
    const struct chousa_store_row *row, struct chousa_err *err)
{
	char buf[MAX_VALUE];
	int type = row->type, cls;
	uint64_t *n_bad;
	size_t len;

	if (m->finished)
		return chousa_errf(err, CHOUSA_EINVAL,
		    "matcher is already finished");
	m->stats.n_rows++;
	len = row_key(row, buf);
	if (len == 0) {
		m->stats.n_skipped++;
		return CHOUSA_OK;
	}
	if (type == CHOUSA_IOC_IPV4 || (type == CHOUSA_IOC_CIDR &&
	    strchr(buf, '/') == NULL))
		return add_ipv4(m, t, row, buf, len, err);
	if (type == CHOUSA_IOC_CIDR)
		return add_cidr(m, t, row, buf, len, err);
	if (type == CHOUSA_IOC_IPV6)
		return add_ipv6(m, t, row, buf, len, err);
	cls = key_class(type);
	if (cls == 0) {
		m->stats.n_skipped++;
		return CHOUSA_OK;
	}
	n_bad = cls == CLS_DOMAIN ? &m->stats.n_domain : cls == CLS_URL ?
	    &m->stats.n_url : &m->stats.n_hash;
	return add_hashed(m, t, cls, buf, len, buf, len, NULL, row, n_bad,
	    err);
}

int
chousa_matcher_add(struct chousa_matcher *m,
    const struct chousa_store_row *row, struct chousa_err *err)
{
	return add_row(m, &m->bad, row, err);
}

int
chousa_matcher_add_benign(struct chousa_matcher *m,
    const struct chousa_store_row *row, struct chousa_err *err)
{
	return add_row(m, &m->benign, row, err);
}

static int
cmp_r4(const void *a, const void *b)
{
	const struct range4 *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static int
cmp_r6(const void *a, const void *b)
{
	const struct range6 *x = a, *y = b;
	int c = memcmp(x->lo, y->lo, 16);

	return c ? c : memcmp(x->hi, y->hi, 16);
}

static int
blooms_build(struct chousa_matcher *m, struct tables *t)
{
	size_t c, i;

	for (c = 0; c < N_CLS; c++) {
		struct strset *s = &t->str[c];

		if (s->n == 0)
			continue;
		if (bloom_init(&s->bloom, s->n) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
		for (i = 0; i <= s->mask; i++) {
			const struct matcher_entry *e;

			if (s->slots[i].idx == 0)
				continue;
			e = &m->ent[s->slots[i].idx - 1];
			bloom_add(&s->bloom, e->hash);
		}
	}
	if (t->v4.n > 0) {
		if (bloom_init(&t->v4.bloom, t->v4.n) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
		for (i = 0; i <= t->v4.mask; i++)
			if (t->v4.slots[i].idx != 0)
				bloom_add(&t->v4.bloom,
				    hash_v4(t->v4.slots[i].ip));
	}
	return CHOUSA_OK;
}

static void
tables_finish(struct tables *t)
{
	size_t i;

	if (t->n_r4 > 0)
		qsort(t->r4, t->n_r4, sizeof(*t->r4), cmp_r4);
	for (i = 0; i < t->n_r4; i++)
		t->r4[i].maxhi = i == 0 || t->r4[i].hi > t->r4[i - 1].maxhi ?
		    t->r4[i].hi : t->r4[i - 1].maxhi;
	if (t->n_r6 > 0)
		qsort(t->r6, t->n_r6, sizeof(*t->r6), cmp_r6);
	for (i = 0; i < t->n_r6; i++)
		memcpy(t->r6[i].maxhi, i == 0 || memcmp(t->r6[i].hi,
		    t->r6[i - 1].maxhi, 16) > 0 ? t->r6[i].hi :
		    t->r6[i - 1].maxhi, 16);
}

/* ---- what a hit on a value leaves out ---- */

/*
 * The names of data/shared-platforms.txt ("*." taken off) in a small hash
 * set: a listed domain is asked data_shared_host(), the list's own
 * judge, only when it or a parent is one of them, so that a million
 * domains cost a million probes and not a scan of the list each.
 */
#define N_PLATFORM_SLOTS	1024
struct platforms {
	const char	*name[N_PLATFORM_SLOTS];
	size_t		 len[N_PLATFORM_SLOTS];
};

static void
platforms_init(struct platforms *p)
{
	const char *const *list = data_shared_platforms();
	size_t i, j, n = 0, len;

	memset(p, 0, sizeof(*p));
	for (i = 0; list[i] != NULL && n < N_PLATFORM_SLOTS / 2; i++) {
		const char *name = list[i];

		if (name[0] == '*' && name[1] == '.')
			name += 2;
		len = strlen(name);
		for (j = hash_bytes(CLS_DOMAIN, name, len) &
		    (N_PLATFORM_SLOTS - 1); p->name[j] != NULL;
		    j = (j + 1) & (N_PLATFORM_SLOTS - 1))
			;
		p->name[j] = name;
		p->len[j] = len;
		n++;
	}
}

static int
platforms_has(const struct platforms *p, const char *d, size_t len)
{
	size_t j;

	for (j = hash_bytes(CLS_DOMAIN, d, len) & (N_PLATFORM_SLOTS - 1);
	    p->name[j] != NULL; j = (j + 1) & (N_PLATFORM_SLOTS - 1))
		if (p->len[j] == len && memcmp(p->name[j], d, len) == 0)
			return 1;
	return 0;
}

/* Whether d or a parent of it is a platform's name. */
static int
platforms_near(const struct platforms *p, const char *d, size_t len)
{
	size_t i;

	if (platforms_has(p, d, len))
		return 1;
	for (i = 0; i < len; i++)
		if (d[i] == '.' && platforms_has(p, d + i + 1, len - i - 1))
			return 1;
	return 0;
}

static void
resolvers_init(struct chousa_matcher *m)
{
	const char *const *list = data_public_resolvers();
	uint8_t addr[16];
	size_t i;

	for (i = 0; list[i] != NULL; i++) {
		if (inet_pton(AF_INET, list[i], addr) == 1 &&
		    m->n_resolver4 < N_RESOLVERS)
			m->resolver4[m->n_resolver4++] = be32(addr);
		else if (inet_pton(AF_INET6, list[i], addr) == 1 &&
		    m->n_resolver6 < N_RESOLVERS)
			memcpy(m->resolver6[m->n_resolver6++], addr, 16);
	}
}

/* An address entry: a benign list's own, or a public resolver. */
static uint8_t
classify_ip(const struct chousa_matcher *m, const uint8_t *ip, int is_v6)
{
	if (matcher_benign_ip(m, ip, is_v6))
		return SUPP_BENIGN;
	return matcher_resolver_ip(m, ip, is_v6) ? SUPP_RESOLVER : SUPP_NONE;
}

/*
 * The host of a URL entry into buf (size bytes): the authority without
 * user information, port or an IPv6 address's brackets; 0 when it has
 * none or it does not fit.
 */
static int
url_entry_host(const char *url, char *buf, size_t size)
{
	const char *p = strstr(url, "://"), *end, *at;
	size_t len;

	if (p == NULL)
		return 0;
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (close == NULL)
			return 0;
		p++;
		end = close;
	} else {
		const char *colon = memchr(p, ':', (size_t)(end - p));

		if (colon != NULL)
			end = colon;
	}
	len = (size_t)(end - p);
	if (len == 0 || len >= size)
		return 0;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 1;
}

/*
 * A listed root URL (http://host/) names its whole host: it is left out
 * as the host would be (chousa_benign_subject, the investigation's rule).
 */
static uint8_t
classify_url(const struct chousa_matcher *m, const struct platforms *p,
    const struct matcher_entry *e)
{
	char host[256];
	const char *value = e->value;
	int type = CHOUSA_IOC_URL;
	uint8_t addr[16];
	size_t len;

	if (!url_entry_host(e->value, host, sizeof(host)) ||
	    !chousa_benign_subject(&type, &value, host) ||
	    type == CHOUSA_IOC_URL)
		return SUPP_NONE;
	if (type == CHOUSA_IOC_IPV4 || type == CHOUSA_IOC_IPV6) {
		if (inet_pton(type == CHOUSA_IOC_IPV4 ? AF_INET : AF_INET6,
		    value, addr) != 1)
			return SUPP_NONE;
		return classify_ip(m, addr, type == CHOUSA_IOC_IPV6);
	}
	len = strlen(value);
	if (strset_find(m, &m->benign.str[CLS_DOMAIN], CLS_DOMAIN, value,
	    len) >= 0)
		return SUPP_BENIGN;
	if ((p == NULL || platforms_near(p, value, len)) &&
	    data_shared_host(value))
		return SUPP_SHARED;
	return SUPP_NONE;
}

/*
 * Each listed domain and address once, when the matcher is finished, so
 * that a hit on a value itself costs one byte's look and no probe.  A
 * domain counts as benign only when a list names it exactly, as the
 * investigation's verdict reads it (a listed tenant of a benign
 * platform stays a hit).
 */
static void
classify_entries(struct chousa_matcher *m)
{
	const struct strset *dom = &m->bad.str[CLS_DOMAIN];
	const struct strset *url = &m->bad.str[CLS_URL];
	const struct strset *v6 = &m->bad.str[CLS_IPV6];
	struct platforms *p = mem_alloc(sizeof(*p));
	uint8_t addr[16];
	size_t i;

	if (p != NULL)
		platforms_init(p);
	for (i = 0; dom->slots != NULL && i <= dom->mask; i++) {
		struct matcher_entry *e;

		if (dom->slots[i].idx == 0)
			continue;
		e = &m->ent[dom->slots[i].idx - 1];
		if (strset_find_h(m, &m->benign.str[CLS_DOMAIN], CLS_DOMAIN,
		    e->value, e->value_len, e->hash) >= 0)
			e->supp = SUPP_BENIGN;
		else if ((p == NULL || platforms_near(p, e->value,
		    e->value_len)) && data_shared_host(e->value))
			e->supp = SUPP_SHARED;
	}
	for (i = 0; url->slots != NULL && i <= url->mask; i++)
		if (url->slots[i].idx != 0)
			m->ent[url->slots[i].idx - 1].supp = classify_url(m, p,
			    &m->ent[url->slots[i].idx - 1]);
	mem_free(p);
	for (i = 0; m->bad.v4.slots != NULL && i <= m->bad.v4.mask; i++) {
		uint32_t ip = m->bad.v4.slots[i].ip;

		if (m->bad.v4.slots[i].idx == 0)
			continue;
		addr[0] = (uint8_t)(ip >> 24);
		addr[1] = (uint8_t)(ip >> 16);
		addr[2] = (uint8_t)(ip >> 8);
		addr[3] = (uint8_t)ip;
		m->ent[m->bad.v4.slots[i].idx - 1].supp = classify_ip(m, addr,
		    0);
	}
	for (i = 0; v6->slots != NULL && i <= v6->mask; i++) {
		struct matcher_entry *e;
		const char *key;
		size_t klen;

		if (v6->slots[i].idx == 0)
			continue;
		e = &m->ent[v6->slots[i].idx - 1];
		key = entry_key(e, &klen);
		e->supp = classify_ip(m, (const uint8_t *)key, 1);
	}
}

int
chousa_matcher_finish(struct chousa_matcher *m, struct chousa_err *err)
{
	if (!m->finished) {
		tables_finish(&m->bad);
		tables_finish(&m->benign);
		if (blooms_build(m, &m->bad) != CHOUSA_OK ||
		    blooms_build(m, &m->benign) != CHOUSA_OK)
			return chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory building the matcher");
		resolvers_init(m);
		classify_entries(m);
		m->finished = 1;
	}
	return CHOUSA_OK;
}

static int
row_bad(void *arg, const struct chousa_store_row *row)
{
	struct chousa_matcher *m = arg;

	return m->build_rc = add_row(m, &m->bad, row, NULL);
}

static int
row_benign(void *arg, const struct chousa_store_row *row)
{
	struct chousa_matcher *m = arg;

	return m->build_rc = add_row(m, &m->benign, row, NULL);
}

int
chousa_matcher_from_store(struct chousa_matcher **out,
    struct chousa_store *st, struct chousa_err *err)
{
	struct chousa_matcher *m = NULL;
	double t0 = chousa_monotonic();
	int rc;

	rc = chousa_matcher_new(&m, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = chousa_store_foreach(st, 0, row_bad, m, err);
	if (rc == CHOUSA_OK)
		rc = chousa_store_foreach_benign(st, row_benign, m, err);
	if (rc != CHOUSA_OK) {
		/* The row callbacks fail without a message of their own. */
		if (m->build_rc != CHOUSA_OK)
			rc = chousa_errf(err, m->build_rc, m->build_rc ==
			    CHOUSA_ELIMIT ? "too many indicators for the "
			    "matcher" : "out of memory building the matcher");
		goto out;
	}
	rc = chousa_matcher_finish(m, err);
	if (rc != CHOUSA_OK)
		goto out;
	m->stats.build_seconds = chousa_monotonic() - t0;
	*out = m;
	m = NULL;
out:
	chousa_matcher_free(m);
	return rc;
}

void
chousa_matcher_stats(const struct chousa_matcher *m,
    struct chousa_matcher_stats *st)
{
	*st = m->stats;
	st->memory = sizeof(*m) + m->cap_ent * sizeof(*m->ent) +
	    chousa_arena_used(m->arena) + tables_memory(&m->bad) +
	    tables_memory(&m->benign);
}

/* ---- looking up ---- */

int
matcher_is_finished(const struct chousa_matcher *m)
{
	return m->finished;
}

int
matcher_has_private(const struct chousa_matcher *m)
{
	return m->has_private;
}

int
matcher_has_urls(const struct chousa_matcher *m)
{
	return m->stats.n_url > 0;
}

static int64_t
range4_find(const struct tables *t, uint32_t ip)
{
	size_t lo = 0, hi = t->n_r4;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->r4[mid].lo <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo is the first range starting above ip; look back. */
	while (lo > 0 && t->r4[lo - 1].maxhi >= ip) {
		lo--;
		if (t->r4[lo].hi >= ip)
			return t->r4[lo].idx;
	}
	return -1;
}

static int64_t
range6_find(const struct tables *t, const uint8_t *ip)
{
	size_t lo = 0, hi = t->n_r6;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(t->r6[mid].lo, ip, 16) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && memcmp(t->r6[lo - 1].maxhi, ip, 16) >= 0) {
		lo--;
		if (memcmp(t->r6[lo].hi, ip, 16) >= 0)
			return t->r6[lo].idx;
	}
	return -1;
}

const struct matcher_entry *
matcher_ipv4(const struct chousa_matcher *m, uint32_t ip, int *match)
{
	int64_t i = v4set_find(&m->bad.v4, ip);

	if (i >= 0) {
		*match = CHOUSA_SWEEP_EXACT;
		return &m->ent[i];
	}
	i = m->bad.n_r4 > 0 ? range4_find(&m->bad, ip) : -1;
	if (i >= 0) {
		*match = CHOUSA_SWEEP_CIDR;
		return &m->ent[i];
	}
	return NULL;
}

const struct matcher_entry *
matcher_ipv6(const struct chousa_matcher *m, const uint8_t ip[16],
    int *match)
{
	int64_t i = strset_find(m, &m->bad.str[CLS_IPV6], CLS_IPV6,
	    (const char *)ip, 16);

	if (i >= 0) {
		*match = CHOUSA_SWEEP_EXACT;
		return &m->ent[i];
	}
	i = m->bad.n_r6 > 0 ? range6_find(&m->bad, ip) : -1;
	if (i >= 0) {
		*match = CHOUSA_SWEEP_CIDR;
		return &m->ent[i];
	}
	return NULL;
}

/* Exact, then each parent that still has a dot (never a bare TLD). */
static int64_t
domain_walk(const struct chousa_matcher *m, const struct strset *s,
    const char *d, size_t len, int *is_parent)
{
	size_t i;
	int64_t r;

	if (s->n == 0)
		return -1;
	r = strset_find(m, s, CLS_DOMAIN, d, len);
	if (r >= 0) {
		*is_parent = 0;
		return r;
	}
	for (i = 0; i < len; i++) {
		if (d[i] != '.')
			continue;
		if (memchr(d + i + 1, '.', len - i - 1) == NULL)
			break;
		r = strset_find(m, s, CLS_DOMAIN, d + i + 1, len - i - 1);
		if (r >= 0) {
			*is_parent = 1;
			return r;
		}
	}
	return -1;
}

const struct matcher_entry *
matcher_domain(const struct chousa_matcher *m, const char *d, size_t len,
    int *match)
{
	int parent = 0;
	int64_t i = domain_walk(m, &m->bad.str[CLS_DOMAIN], d, len, &parent);

	if (i < 0)
		return NULL;
	*match = parent ? CHOUSA_SWEEP_PARENT : CHOUSA_SWEEP_EXACT;
	return &m->ent[i];
}

const struct matcher_entry *
matcher_url(const struct chousa_matcher *m, const char *u, size_t len)
{
	int64_t i = strset_find(m, &m->bad.str[CLS_URL], CLS_URL, u, len);

	return i >= 0 ? &m->ent[i] : NULL;
}

const struct matcher_entry *
matcher_hash(const struct chousa_matcher *m, const char *h, size_t len)
{
	int64_t i = strset_find(m, &m->bad.str[CLS_HASH], CLS_HASH, h, len);

	return i >= 0 ? &m->ent[i] : NULL;
}

int
matcher_benign_domain(const struct chousa_matcher *m, const char *d,
    size_t len)
{
	int parent;

	return domain_walk(m, &m->benign.str[CLS_DOMAIN], d, len, &parent) >= 0;
}

int
matcher_benign_ip(const struct chousa_matcher *m, const uint8_t *ip,
    int is_v6)
{
	if (!is_v6) {
		uint32_t v = be32(ip);

		return v4set_find(&m->benign.v4, v) >= 0 ||
		    (m->benign.n_r4 > 0 && range4_find(&m->benign, v) >= 0);
	}
	return strset_find(m, &m->benign.str[CLS_IPV6], CLS_IPV6,
	    (const char *)ip, 16) >= 0 || (m->benign.n_r6 > 0 &&
	    range6_find(&m->benign, ip) >= 0);
}

int
matcher_resolver_ip(const struct chousa_matcher *m, const uint8_t *ip,
    int is_v6)
{
	size_t i;

	if (!is_v6) {
		uint32_t v = be32(ip);

		for (i = 0; i < m->n_resolver4; i++)
			if (m->resolver4[i] == v)
				return 1;
		return 0;
	}
	for (i = 0; i < m->n_resolver6; i++)
		if (memcmp(m->resolver6[i], ip, 16) == 0)
			return 1;
	return 0;
}

const char *
chousa_sweep_match_name(int match)
{
	static const char *const names[] = { "exact", "parent", "cidr",
	    "url", "host" };

	if (match < 0 || match >= (int)(sizeof(names) / sizeof(names[0])))
		return "?";
	return names[match];
}
