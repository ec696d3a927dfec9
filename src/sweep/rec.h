/*
 * rec.h: what a log format makes of one line or packet.  A record is a
 * few views into the line (its time and the flow's two ends) and a short
 * list of observables, each a value of a known kind in the role the log
 * gives it.  The sweep looks each observable up in the matcher.  Nothing
 * here allocates: a record and its scratch belong to one worker and are
 * reused for every line.
 */
#ifndef CHOUSA_SWEEP_REC_H
#define CHOUSA_SWEEP_REC_H

#include "chousa.h"

enum obs_kind {
	OBS_IP = 1,	/* an IPv4 or IPv6 address (text) */
	OBS_HOST,	/* a host: IP or domain, maybe with ":port" */
	OBS_DOMAIN,	/* a domain name */
	OBS_URL,	/* a whole URL */
	OBS_HASH,	/* md5, sha1 or sha256 in hex */
	OBS_URLPART,	/* host + port + path: rebuilt as http://host[:port]path */
	OBS_IND		/* an indicator from the extractor: type in .type */
};

/* Which end of the flow the value is (for the sides of a hit). */
#define OBS_F_SRC	0x1u	/* the value is the record's src end */
#define OBS_F_DST	0x2u	/* the value is the record's dst end */

struct obs {
	struct chousa_str	 v;		/* the value (host for URLPART) */
	struct chousa_str	 path;		/* URLPART: the request target */
	unsigned		 port;		/* URLPART: 0 when none given */
	uint8_t			 kind;		/* enum obs_kind */
	uint8_t			 flags;
	uint8_t			 type;		/* OBS_IND: chousa_ioc_type */
	uint8_t			 https;		/* URLPART: rebuild with https */
};

/*
 * A log's time in Unix seconds, 0 when it cannot tell.  Each format has
 * its own (src/sweep/logtime.h has the ones several share); it runs only
 * for lines that hit.
 */
typedef int64_t (*rec_time_fn)(const char *p, size_t len);

#define REC_MAX_OBS	48
#define REC_SCRATCH	(64 * 1024)

struct rec {
	struct chousa_str	 time;
	rec_time_fn		 time_fn;	/* NULL: no time */
	/*
	 * The flow's two ends as the format knows them: src the side that
	 * started it (the client), dst the other.  Either may be empty, or
	 * a name rather than an address.
	 */
	struct chousa_str	 src;
	struct chousa_str	 dst;
	size_t			 n_obs;
	struct obs		 obs[REC_MAX_OBS];
	/* Unescaped JSON strings and decoded names live here, per line. */
	size_t			 scratch_len;
	char			*scratch;	/* REC_SCRATCH bytes, per worker */
};

/* Forget the last line's record, keep the scratch memory. */
static inline void
rec_clear(struct rec *r)
{
	r->n_obs = 0;
	r->scratch_len = 0;
	r->time.p = NULL;
	r->time.len = 0;
	r->time_fn = NULL;
	r->src.p = r->dst.p = NULL;
	r->src.len = r->dst.len = 0;
}

/* Add an observable; NULL (and ignored) when empty or the record is full. */
static inline struct obs *
rec_add(struct rec *r, int kind, const char *p, size_t len, unsigned flags)
{
	struct obs *o;

	if (r->n_obs >= REC_MAX_OBS || len == 0)
		return NULL;
	o = &r->obs[r->n_obs++];
	o->v.p = p;
	o->v.len = len;
	o->path.p = NULL;
	o->path.len = 0;
	o->port = 0;
	o->kind = (uint8_t)kind;
	o->flags = (uint8_t)flags;
	o->type = 0;
	o->https = 0;
	return o;
}

/* Copy bytes to the record's scratch; NULL when it is full. */
char	*rec_scratch(struct rec *r, const char *p, size_t len);

/* The record's time in Unix seconds; 0 when it has none or it is bad. */
int64_t	 rec_time(const struct rec *r);

#endif /* CHOUSA_SWEEP_REC_H */
