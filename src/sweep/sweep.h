/*
 * sweep.h: the sweep's workers, shared by sweep.c (reading and handing
 * out hits in order), sweep_match.c (looking a record up) and sides.c
 * (which end of a flow is the internal host).  A worker is one thread's
 * state; it allocates nothing per line.
 */
#ifndef CHOUSA_SWEEP_INTERNAL_H
#define CHOUSA_SWEEP_INTERNAL_H

#include "chousa.h"
#include "base/ranges.h"
#include "sweep/logfmt.h"
#include "sweep/matcher.h"
#include "sweep/rec.h"

/* ---- which end is internal (src/sweep/sides.c) ---- */

/* The private ranges, then each range of list ("a/n,b,..."; NULL none). */
int	sides_init(struct addr_ranges *s, const char *list,
	    struct chousa_err *err);

/* ---- hits kept until their chunk is emitted in line order ---- */

struct hitrow {
	uint64_t			 line;	/* within the chunk, 1-based */
	int64_t				 time;
	size_t				 time_off, time_len;
	size_t				 src_off, src_len;
	size_t				 dst_off, dst_len;
	size_t				 obs_off, obs_len;
	int				 match;
	uint8_t				 obs_flags;	/* OBS_F_* hit */
	const struct matcher_entry	*e;
};

#define HITS_MAX	((size_t)1 << 24)	/* per chunk */
#define BAD_KEEP	8

/* What every worker of one sweep shares, read-only. */
struct sweep_run {
	const struct chousa_matcher		*m;
	const struct chousa_logfmt		*fmt;
	const struct chousa_sweep_opts		*opts;
	struct addr_ranges			 internal;
	struct lf_env				 env;
	size_t					 max_line;
};

enum { PROBE_NONE = 0, PROBE_V4, PROBE_V6, PROBE_DOMAIN };

/*
 * A per-worker cache of domain look-ups: logs name the same few thousand
 * hosts over and over, and a hit here saves the walk over the parents.
 */
#define DCACHE_SIZE	4096
#define DCACHE_KEY	54
struct dcache_slot {
	uint64_t			 h;
	const struct matcher_entry	*e;
	uint8_t				 len;	/* 0: empty */
	uint8_t				 match;
	char				 key[DCACHE_KEY];
};

/* One thread's state: its record, its hits, its counts. */
struct worker {
	const struct sweep_run		*run;
	struct lf_state			 st;
	struct lf_state			 start_st;
	struct rec			 rec;
	struct chousa_buf		 text;	/* the hits' strings */
	struct hitrow			*hits;
	size_t				 n_hits, cap_hits;
	uint64_t			 lines, records, malformed;
	uint64_t			 n_hit, hit_lines, time_sup;
	/* Hits left out, all of them, and those by chousa's own lists. */
	uint64_t			 benign, shared_sup, resolver_sup;
	uint64_t			 last_hit_line;
	struct {
		uint64_t	 line;
		const char	*why;
		size_t		 len;
		char		 text[160];
	}				 bad[BAD_KEEP];
	size_t				 n_bad;
	struct chousa_arena		*slow;	/* rare URL normalising */
	struct dcache_slot		*dcache;	/* DCACHE_SIZE */
	int				 rc;
	const char			*chunk;
	size_t				 chunk_len;
	/* Per record: entries already reported, the last host probed. */
	const struct matcher_entry	*seen[32];
	size_t				 n_seen;
	size_t				 rec_first;	/* its first hit */
	int				 probe_kind;
	uint8_t				 probe_addr[16];
	char				 probe_name[256];
	size_t				 probe_len;
	char				 url[8192 + 64];
	char				 raw[8192 + 64];
};

/* Look every observable of r up and keep its hits (line: in the chunk). */
void	sweep_match_record(struct worker *w, const struct rec *r,
	    uint64_t line);
/* Give the hits of r from index first on the same two sides. */
void	sides_orient(struct worker *w, const struct rec *r, size_t first);
/* Copy a hit's string to the worker's text; its offset there. */
size_t	sweep_keep(struct worker *w, const char *p, size_t len);

#endif /* CHOUSA_SWEEP_INTERNAL_H */
