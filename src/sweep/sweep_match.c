/*
 * sweep_match.c: looking one record's observables up in the matcher.
 * Values come straight from the log, so each is brought to the form the
 * store keeps on a stack buffer: lower-case hosts, ports and trailing
 * dots stripped, URLs rebuilt from their parts.  Only a URL with something
 * unusual in it (percent-encoding, dot segments, IDN, userinfo) goes to
 * the full normaliser, chousa_ioc_parse(); the common path allocates
 * nothing.
 */
#include <arpa/inet.h>
#include <string.h>

#include "chousa.h"
#include "base/hash.h"
#include "base/mem.h"
#include "sweep/sweep.h"

#define URL_MAX		8192
#define SLOW_ARENA_MAX	((size_t)4 << 20)

char *
rec_scratch(struct rec *r, const char *p, size_t len)
{
	char *s;

	if (r->scratch == NULL || REC_SCRATCH - r->scratch_len < len)
		return NULL;
	s = r->scratch + r->scratch_len;
	memcpy(s, p, len);
	r->scratch_len += len;
	return s;
}

int64_t
rec_time(const struct rec *r)
{
	if (r->time_fn == NULL || r->time.p == NULL || r->time.len == 0)
		return 0;
	return r->time_fn(r->time.p, r->time.len);
}

/* ---- normalising values ---- */

static inline char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* Parse an IP in text: 4 or 16 bytes into addr; 0 on success. */
static int
parse_ip(const char *p, size_t len, uint8_t addr[16], int *is_v6)
{
	char buf[64];
	uint32_t v4;
	const char *pct;

	if (sweep_parse_ipv4(p, len, &v4) == 0) {
		addr[0] = (uint8_t)(v4 >> 24);
		addr[1] = (uint8_t)(v4 >> 16);
		addr[2] = (uint8_t)(v4 >> 8);
		addr[3] = (uint8_t)v4;
		*is_v6 = 0;
		return 0;
	}
	if (len < 2 || len >= sizeof(buf) || memchr(p, ':', len) == NULL)
		return -1;
	if (p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	pct = memchr(p, '%', len);
	if (pct != NULL)
		len = (size_t)(pct - p);
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, addr) != 1)
		return -1;
	*is_v6 = 1;
	return 0;
}

static const struct matcher_entry *
look_ip(struct worker *w, const uint8_t *addr, int is_v6, int *match)
{
	w->probe_kind = is_v6 ? PROBE_V6 : PROBE_V4;
	memcpy(w->probe_addr, addr, is_v6 ? 16 : 4);
	if (!is_v6)
		return matcher_ipv4(w->run->m, (uint32_t)addr[0] << 24 |
		    (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3],
		    match);
	return matcher_ipv6(w->run->m, addr, match);
}

static const struct matcher_entry *
look_domain(struct worker *w, const char *p, size_t len, int *match)
{
	size_t i;

	while (len > 0 && p[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return NULL;
	for (i = 0; i < len; i++)
		w->probe_name[i] = lower(p[i]);
	w->probe_len = len;
	w->probe_kind = PROBE_DOMAIN;
	if (len <= DCACHE_KEY) {
		/*
		 * FNV-1a's constants, eight bytes a step with a fold after
		 * each: this runs for every domain of every line, and the
		 * cache compares the key itself, so a weaker mix costs little.
		 */
		uint64_t h = CHOUSA_FNV64_INIT ^ len;
		struct dcache_slot *c;
		const struct matcher_entry *e;

		for (i = 0; i + 8 <= len; i += 8) {
			uint64_t v;

			memcpy(&v, w->probe_name + i, 8);
			h = (h ^ v) * CHOUSA_FNV64_PRIME;
			h ^= h >> 29;
		}
		h = chousa_fnv1a64(h, w->probe_name + i, len - i);
		h ^= h >> 32;
		c = &w->dcache[h & (DCACHE_SIZE - 1)];
		if (c->len == len && c->h == h &&
		    memcmp(c->key, w->probe_name, len) == 0) {
			*match = c->match;
			return c->e;
		}
		e = matcher_domain(w->run->m, w->probe_name, len, match);
		c->h = h;
		c->e = e;
		c->len = (uint8_t)len;
		c->match = (uint8_t)(e ? *match : 0);
		memcpy(c->key, w->probe_name, len);
		return e;
	}
	return matcher_domain(w->run->m, w->probe_name, len, match);
}

/* A host as logs write it: IP, [IPv6], name, each maybe with ":port". */
static const struct matcher_entry *
look_host(struct worker *w, const char *p, size_t len, int *match)
{
	uint8_t addr[16];
	const char *colon;
	int is_v6;

	if (len == 0)
		return NULL;
	if (p[0] == '[') {
		const char *rb = memchr(p, ']', len);

		if (rb == NULL)
			return NULL;
		len = (size_t)(rb - p + 1);
	} else {
		/* One colon is a port; more make an IPv6 address. */
		colon = memchr(p, ':', len);
		if (colon != NULL && memchr(colon + 1, ':',
		    len - (size_t)(colon + 1 - p)) == NULL)
			len = (size_t)(colon - p);
	}
	if (len > 0 && ((p[0] >= '0' && p[0] <= '9') || p[0] == '[' ||
	    memchr(p, ':', len) != NULL) && parse_ip(p, len, addr, &is_v6) ==
	    0)
		return look_ip(w, addr, is_v6, match);
	return look_domain(w, p, len, match);
}

static int
default_port(const char *scheme, size_t len, unsigned port)
{
	return (len == 4 && memcmp(scheme, "http", 4) == 0 && port == 80) ||
	    (len == 5 && memcmp(scheme, "https", 5) == 0 && port == 443) ||
	    (len == 3 && memcmp(scheme, "ftp", 3) == 0 && port == 21);
}

/*
 * Bytes after which a URL path is left to the full normaliser: controls,
 * space, non-ASCII (IDN, raw UTF-8) and what WHATWG percent-encodes or
 * keeps encoded ('%').
 */
static const uint64_t url_unusual_bits[4] = {
	0x500000a5ffffffffULL, 0xa800000110000000ULL,
	0xffffffffffffffffULL, 0xffffffffffffffffULL
};
#define url_unusual(c) \
	((url_unusual_bits[(c) >> 6] >> ((c) & 63)) & 1)

/*
 * The store's normal form of a plain URL, written to out: lower-case
 * scheme and host, no default port, "/" for an empty path.  Returns 0, 1
 * when the URL needs the full normaliser, -1 when it is not a URL.  host
 * (OUT) is the host in out.
 */
static int
url_fast(const char *u, size_t len, char *out, size_t cap, size_t *out_len,
    struct chousa_str *host)
{
	const char *end = u + len, *p = u, *a, *hend, *ps;
	size_t n = 0, slen, i;
	unsigned port = 0;
	int has_port = 0;

	while (p < end && p - u < 10 && *p != ':')
		p++;
	if (p == u || end - p < 3 || memcmp(p, "://", 3) != 0)
		return -1;
	slen = (size_t)(p - u);
	if (len + 2 > cap)
		return 1;
	for (i = 0; i < slen; i++) {
		char c = lower(u[i]);

		if (c < 'a' || c > 'z')
			return -1;
		out[n++] = c;
	}
	memcpy(out + n, "://", 3);
	n += 3;
	a = p + 3;
	for (hend = a; hend < end && *hend != '/' && *hend != '?' &&
	    *hend != '#'; hend++)
		if (*hend == '@' || *hend == '[' || *hend == '\\')
			return 1;
	host->p = out + n;
	for (p = a; p < hend && *p != ':'; p++) {
		char c = lower(*p);

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_'))
			return 1;
		out[n++] = c;
	}
	host->len = (size_t)(out + n - host->p);
	if (host->len == 0 || out[n - 1] == '.')
		return 1;
	if (p < hend) {
		const char *q = ++p;

		if (q == hend || *q == '0')
			return 1;
		while (p < hend && *p >= '0' && *p <= '9' && p - q < 6)
			port = port * 10 + (unsigned)(*p++ - '0');
		if (p != hend || port > 65535)
			return 1;
		has_port = 1;
	}
	if (has_port && !default_port(out, slen, port)) {
		char pb[8];
		int pl = snprintf(pb, sizeof(pb), ":%u", port);

		memcpy(out + n, pb, (size_t)pl);
		n += (size_t)pl;
	}
	ps = hend;
	if (ps == end || *ps != '/')
		out[n++] = '/';
	for (p = ps; p < end; p++)
		if (url_unusual((unsigned char)*p))
			return 1;
	/* "/." starts every dot segment; most paths have none. */
	for (p = ps; p < end && (p = memchr(p, '.', (size_t)(end - p))) !=
	    NULL; p++) {
		if (p[-1] != '/')
			continue;
		if (p + 1 == end || p[1] == '/' || p[1] == '?' || p[1] == '#' ||
		    (p[1] == '.' && (p + 2 == end || p[2] == '/' ||
		    p[2] == '?' || p[2] == '#')))
			return 1;
	}
	if (n + (size_t)(end - ps) > cap)
		return 1;
	memcpy(out + n, ps, (size_t)(end - ps));
	n += (size_t)(end - ps);
	*out_len = n;
	return 0;
}

static const struct matcher_entry *
look_url(struct worker *w, const char *u, size_t len,
    struct chousa_str *host)
{
	struct chousa_indicator ind;
	size_t n;
	int rc;

	host->len = 0;
	rc = url_fast(u, len, w->url, sizeof(w->url), &n, host);
	if (rc < 0)
		return NULL;
	if (rc == 0) {
		w->probe_kind = PROBE_NONE;
		return matcher_url(w->run->m, w->url, n);
	}
	/* The rare URL that needs the full normaliser. */
	if (w->slow != NULL && chousa_arena_used(w->slow) > SLOW_ARENA_MAX) {
		chousa_arena_free(w->slow);
		w->slow = NULL;
	}
	if (w->slow == NULL && chousa_arena_new(&w->slow, SLOW_ARENA_MAX * 2,
	    NULL) != CHOUSA_OK)
		return NULL;
	if (chousa_ioc_parse(w->slow, u, len, CHOUSA_IOC_BIT(CHOUSA_IOC_URL),
	    &ind, NULL) != CHOUSA_OK || ind.value == NULL)
		return NULL;
	if (ind.host != NULL) {
		host->p = ind.host;
		host->len = strlen(ind.host);
	}
	w->probe_kind = PROBE_NONE;
	return matcher_url(w->run->m, ind.value, ind.value_len);
}

/* Rebuild "http://" host[:port] path and look it up. */
static const struct matcher_entry *
look_urlpart(struct worker *w, const struct obs *o)
{
	struct chousa_str host;
	char *b = w->raw;
	size_t n = 0;
	const char *scheme = o->https ? "https://" : "http://";
	size_t slen = strlen(scheme);

	if (slen + o->v.len + 8 + o->path.len > sizeof(w->raw))
		return NULL;
	memcpy(b, scheme, slen);
	n = slen;
	memcpy(b + n, o->v.p, o->v.len);
	n += o->v.len;
	if (o->port != 0 && memchr(o->v.p, ':', o->v.len) == NULL)
		n += (size_t)snprintf(b + n, 8, ":%u", o->port);
	memcpy(b + n, o->path.p, o->path.len);
	n += o->path.len;
	return look_url(w, b, n, &host);
}

static const struct matcher_entry *
look_hash(struct worker *w, const char *p, size_t len)
{
	char h[128];
	size_t i;

	if (len != 32 && len != 40 && len != 64 && len != 128)
		return NULL;
	for (i = 0; i < len; i++)
		h[i] = lower(p[i]);
	w->probe_kind = PROBE_NONE;
	return matcher_hash(w->run->m, h, len);
}

/* An RFC 1918 address by its first octets ("10.", "192.168.", ...). */
static int
private_v4_text(const char *p, size_t len)
{
	if (len < 7)
		return 0;
	if (p[0] == '1' && p[1] == '0' && p[2] == '.')
		return 1;
	if (memcmp(p, "192.168.", 8 <= len ? 8 : len) == 0 && len > 8)
		return 1;
	if (memcmp(p, "172.", 4) == 0 && p[6] == '.' && p[4] >= '1' &&
	    p[4] <= '3') {
		int second = (p[4] - '0') * 10 + (p[5] - '0');

		return p[5] >= '0' && p[5] <= '9' && second >= 16 &&
		    second <= 31;
	}
	return 0;
}

/* ---- reporting ---- */

size_t
sweep_keep(struct worker *w, const char *p, size_t len)
{
	size_t off = w->text.len;

	if (len == 0)
		return off;
	if (len > 4096)
		len = 4096;	/* a hit shows the start of a huge field */
	chousa_buf_add(&w->text, p, len);
	return off;
}

/* Whether the host just probed is on a known-benign list. */
static int
probed_benign(struct worker *w)
{
	switch (w->probe_kind) {
	case PROBE_V4:
		return matcher_benign_ip(w->run->m, w->probe_addr, 0);
	case PROBE_V6:
		return matcher_benign_ip(w->run->m, w->probe_addr, 1);
	case PROBE_DOMAIN:
		return matcher_benign_domain(w->run->m, w->probe_name,
		    w->probe_len);
	}
	return 0;
}

/*
 * Why a hit is left out (enum matcher_supp), in the terms of
 * docs/verdict-policy.md.  A listed URL is never (row 1), unless it
 * names a whole host (http://host/), judged as the host.  A hit on the
 * listed value itself holds unless a benign list names that value or
 * chousa's lists call it a shared host or a public resolver (rows 2, 3):
 * worked out once per entry.  A hit through a listed parent or range
 * holds only where no benign list covers the host seen (rows 12, 13),
 * and never on a tenant of a listed platform.
 */
static int
suppression(struct worker *w, const struct matcher_entry *e, int match)
{
	if (w->run->opts->no_benign_filter)
		return SUPP_NONE;
	if (match == CHOUSA_SWEEP_URL || e->type == CHOUSA_IOC_URL)
		return e->supp;	/* a root URL's, as its host's */
	switch (match) {
	case CHOUSA_SWEEP_EXACT:
	case CHOUSA_SWEEP_HOST:
		return e->supp;
	case CHOUSA_SWEEP_PARENT:
		if (e->supp != SUPP_NONE)
			return e->supp;
		break;
	}
	if (probed_benign(w))
		return SUPP_BENIGN;
	if (w->probe_kind == PROBE_V4 || w->probe_kind == PROBE_V6)
		return matcher_resolver_ip(w->run->m, w->probe_addr,
		    w->probe_kind == PROBE_V6) ? SUPP_RESOLVER : SUPP_NONE;
	return SUPP_NONE;
}

static void
report(struct worker *w, const struct rec *r, const struct obs *o,
    const struct matcher_entry *e, int match, uint64_t line)
{
	const struct chousa_sweep_opts *opt = w->run->opts;
	struct hitrow *h;
	int64_t t;
	size_t i;

	for (i = 0; i < w->n_seen; i++)
		if (w->seen[i] == e) {
			/* The same entry again: note the end it also was. */
			for (i = w->rec_first; i < w->n_hits; i++)
				if (w->hits[i].e == e)
					w->hits[i].obs_flags |= o->flags;
			return;
		}
	if (w->n_seen < sizeof(w->seen) / sizeof(w->seen[0]))
		w->seen[w->n_seen++] = e;
	switch (suppression(w, e, match)) {
	case SUPP_NONE:
		break;
	case SUPP_SHARED:
		w->shared_sup++;
		w->benign++;
		return;
	case SUPP_RESOLVER:
		w->resolver_sup++;
		w->benign++;
		return;
	default:
		w->benign++;
		return;
	}
	t = rec_time(r);
	if (opt->as_of_log_time && (e->first_seen || e->last_seen)) {
		int64_t lo = e->first_seen ? e->first_seen : e->last_seen;
		int64_t hi = e->last_seen > lo ? e->last_seen : lo;

		if (t != 0 && (t < lo - opt->window || t > hi + opt->window)) {
			w->time_sup++;
			return;
		}
	}
	if (MEM_GROW(w->hits, w->n_hits, w->cap_hits, 64, HITS_MAX) !=
	    CHOUSA_OK) {
		w->rc = CHOUSA_ENOMEM;
		return;
	}
	h = &w->hits[w->n_hits++];
	h->line = line;
	h->time = t;
	h->time_len = r->time.len > 64 ? 64 : r->time.len;
	h->time_off = sweep_keep(w, r->time.p, h->time_len);
	h->obs_len = o->v.len > 4096 ? 4096 : o->v.len;
	h->obs_off = sweep_keep(w, o->v.p, h->obs_len);
	h->obs_flags = o->flags;
	/* The sides are set once the whole record is looked up. */
	h->src_off = h->dst_off = 0;
	h->src_len = h->dst_len = 0;
	h->match = match;
	h->e = e;
	if (w->text.failed)
		w->rc = w->text.failed;
	w->n_hit++;
	if (w->last_hit_line != line)
		w->hit_lines++;
	w->last_hit_line = line;
}

/* The host of a URL, without normalising (for host look-ups only). */
static void
url_host(const char *u, size_t len, struct chousa_str *host)
{
	const char *end = u + len, *p = memmem(u, len, "://", 3), *a;

	host->p = NULL;
	host->len = 0;
	if (p == NULL || p - u > 10)
		return;
	a = p + 3;
	for (p = a; p < end && *p != '/' && *p != '?' && *p != '#'; p++)
		;
	host->p = a;
	host->len = (size_t)(p - a);
	if (memchr(a, '@', host->len) != NULL) {
		const char *at = memrchr(a, '@', host->len);

		host->len -= (size_t)(at + 1 - a);
		host->p = at + 1;
	}
}

void
sweep_match_record(struct worker *w, const struct rec *r, uint64_t line)
{
	const struct matcher_entry *e;
	struct chousa_str host;
	uint8_t addr[16];
	size_t i, first;
	int match, is_v6;

	w->n_seen = 0;
	first = w->rec_first = w->n_hits;
	for (i = 0; i < r->n_obs; i++) {
		const struct obs *o = &r->obs[i];

		e = NULL;
		match = CHOUSA_SWEEP_EXACT;
		switch (o->kind) {
		case OBS_IP:
			/* Most lines name an internal address first. */
			if (!matcher_has_private(w->run->m) &&
			    private_v4_text(o->v.p, o->v.len))
				break;
			if (parse_ip(o->v.p, o->v.len, addr, &is_v6) == 0)
				e = look_ip(w, addr, is_v6, &match);
			break;
		case OBS_HOST:
			e = look_host(w, o->v.p, o->v.len, &match);
			break;
		case OBS_DOMAIN:
			e = look_host(w, o->v.p, o->v.len, &match);
			break;
		case OBS_URL:
			if (matcher_has_urls(w->run->m)) {
				e = look_url(w, o->v.p, o->v.len, &host);
				if (e != NULL)
					report(w, r, o, e, CHOUSA_SWEEP_EXACT,
					    line);
			} else
				url_host(o->v.p, o->v.len, &host);
			e = NULL;
			if (host.len > 0) {
				e = look_host(w, host.p, host.len, &match);
				if (e != NULL && match == CHOUSA_SWEEP_EXACT)
					match = CHOUSA_SWEEP_HOST;
			}
			break;
		case OBS_URLPART:
			if (matcher_has_urls(w->run->m)) {
				e = look_urlpart(w, o);
				match = CHOUSA_SWEEP_URL;
			}
			break;
		case OBS_HASH:
			e = look_hash(w, o->v.p, o->v.len);
			break;
		case OBS_IND:
			if (o->type == CHOUSA_IOC_URL) {
				e = look_url(w, o->v.p, o->v.len, &host);
				if (e != NULL)
					report(w, r, o, e, CHOUSA_SWEEP_EXACT,
					    line);
				e = host.len > 0 ? look_host(w, host.p,
				    host.len, &match) : NULL;
				if (e != NULL && match == CHOUSA_SWEEP_EXACT)
					match = CHOUSA_SWEEP_HOST;
			} else if (o->type == CHOUSA_IOC_IPV4 ||
			    o->type == CHOUSA_IOC_IPV6 ||
			    o->type == CHOUSA_IOC_DOMAIN)
				e = look_host(w, o->v.p, o->v.len, &match);
			else if (o->type == CHOUSA_IOC_MD5 ||
			    o->type == CHOUSA_IOC_SHA1 ||
			    o->type == CHOUSA_IOC_SHA256 ||
			    o->type == CHOUSA_IOC_SHA512)
				e = look_hash(w, o->v.p, o->v.len);
			break;
		}
		if (e != NULL)
			report(w, r, o, e, match, line);
	}
	if (w->n_hits > first)
		sides_orient(w, r, first);
}
