/*
 * cache.h: the online answers' cache, the daily quota counters and each
 * source's last error, kept in the store (docs/schema.md: cache, quota,
 * source_state).  Only the online-source framework calls these.
 */
#ifndef CHOUSA_CACHE_H
#define CHOUSA_CACHE_H

#include "chousa.h"

struct cache_entry {
	long	 status;
	char	*body;		/* mem_alloc'd, NUL-terminated */
	size_t	 body_len;
	int64_t	 fetched_at;
};

/* Fresh entry for (source, key), or CHOUSA_ENOTFOUND. */
int	cache_get(struct chousa_store *st, const char *source,
	    const char *key, int64_t now, struct cache_entry *out,
	    struct chousa_err *err);
/*
 * When the expired answer for (source, key) was fetched, or 0 when none is
 * kept (never cached, or pruned): why a cache-only run has no answer.
 */
int64_t	cache_expired_at(struct chousa_store *st, const char *source,
	    const char *key, int64_t now);
int	cache_put(struct chousa_store *st, const char *source,
	    const char *key, long status, const char *body, size_t body_len,
	    int64_t now, long ttl, struct chousa_err *err);
/* Requests used today (UTC) by source, and adding n to it. */
int	cache_quota_used(struct chousa_store *st, const char *source,
	    int64_t now, long *used, struct chousa_err *err);
int	cache_quota_add(struct chousa_store *st, const char *source,
	    int64_t now, long n, struct chousa_err *err);
int	cache_set_error(struct chousa_store *st, const char *source,
	    const char *msg, int64_t now, struct chousa_err *err);
/* Drop the answers that expired (once per run, so the cache stays small). */
int	cache_prune(struct chousa_store *st, int64_t now,
	    struct chousa_err *err);
/* Group writes: begin when none is open; commit what begin opened. */
int	cache_begin(struct chousa_store *st, int *opened);
void	cache_commit(struct chousa_store *st);

#endif /* CHOUSA_CACHE_H */
