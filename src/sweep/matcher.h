/*
 * matcher.h: the look-ups the sweep makes in a finished matcher
 * (src/sweep/matcher.c); the public half, building one, is in
 * chousa/sweep.h.  Every look-up is read-only and safe from several
 * threads at once.
 */
#ifndef CHOUSA_SWEEP_MATCHER_H
#define CHOUSA_SWEEP_MATCHER_H

#include "chousa.h"

/*
 * Why a hit on a listed value is left out, as docs/verdict-policy.md
 * reads the benign lists: a known-benign list names the value itself (an
 * address: or a range holding it), or chousa's own lists call it a whole
 * shared platform's host (data/shared-platforms.txt) or a public resolver
 * (data/public-resolvers.txt), as the exports leave them out.  A benign
 * parent is no reason: a tenant's subdomain is its own.
 */
enum matcher_supp { SUPP_NONE = 0, SUPP_BENIGN, SUPP_SHARED, SUPP_RESOLVER };

/* One listed value with everything a hit shows; strings in the arena. */
struct matcher_entry {
	uint64_t	 hash;		/* of the key, for the sets */
	const char	*value;		/* NUL-terminated */
	const char	*sources;
	const char	*family;
	int64_t		 first_seen;	/* 0 with last_seen 0: undated */
	int64_t		 last_seen;
	uint32_t	 value_len;
	uint8_t		 type;
	uint8_t		 supp;		/* enum matcher_supp, for a hit on
					 * the value itself; set by
					 * chousa_matcher_finish */
};

int	matcher_is_finished(const struct chousa_matcher *m);
/* match (OUT): exact or cidr. */
const struct matcher_entry *matcher_ipv4(const struct chousa_matcher *m,
	    uint32_t ip, int *match);
const struct matcher_entry *matcher_ipv6(const struct chousa_matcher *m,
	    const uint8_t ip[16], int *match);
/* A lower-case domain without trailing dot; walks parents. */
const struct matcher_entry *matcher_domain(const struct chousa_matcher *m,
	    const char *d, size_t len, int *match);
/* A URL in its normal form. */
const struct matcher_entry *matcher_url(const struct chousa_matcher *m,
	    const char *u, size_t len);
/* A lower-case hex hash. */
const struct matcher_entry *matcher_hash(const struct chousa_matcher *m,
	    const char *h, size_t len);
int	matcher_has_urls(const struct chousa_matcher *m);
/* Whether any listed IPv4 address or range is private (RFC 1918). */
int	matcher_has_private(const struct chousa_matcher *m);
int	matcher_benign_domain(const struct chousa_matcher *m, const char *d,
	    size_t len);
int	matcher_benign_ip(const struct chousa_matcher *m, const uint8_t *ip,
	    int is_v6);
/* Whether an address (4 or 16 bytes) is a public resolver of chousa's
 * list: a range's hit on one is left out as the address's own would be. */
int	matcher_resolver_ip(const struct chousa_matcher *m, const uint8_t *ip,
	    int is_v6);

/* Parse dotted IPv4 text; 0 on success. */
int	sweep_parse_ipv4(const char *p, size_t len, uint32_t *out);

#endif /* CHOUSA_SWEEP_MATCHER_H */
