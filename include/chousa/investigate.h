/*
 * chousa/investigate.h: the three-stage investigation (reputation,
 * identification, enrichment) over pluggable sources, and the report model
 * that the renderers format.  Part of chousa.h.
 *
 * A source is a const table of hooks (src/sources/<name>.c, listed in
 * src/sources/registry.c).  A look-up is started for one indicator and ends
 * by filling one finding with an explicit status; local sources end at once,
 * online sources queue HTTP requests on the run's chousa_http and end in
 * their callbacks, so many look-ups are in flight together.
 */
#ifndef CHOUSA_INVESTIGATE_H
#define CHOUSA_INVESTIGATE_H

/* Stages, as a mask in a source's table. */
#define CHOUSA_STAGE_REPUTATION		0x1u
#define CHOUSA_STAGE_IDENTIFICATION	0x2u
#define CHOUSA_STAGE_ENRICHMENT		0x4u

/* The status of one look-up.  A skipped source is never shown as clean. */
enum chousa_status {
	CHOUSA_ST_PENDING = 0,
	CHOUSA_ST_HIT,
	CHOUSA_ST_MISS,
	CHOUSA_ST_SKIPPED,	/* reason says why: no key, offline, quota... */
	CHOUSA_ST_ERROR		/* reason holds the message */
};
const char *chousa_status_name(int st);	/* "hit", "miss", ... */

/* Verdicts, on an indicator, from one source or overall. */
enum chousa_verdict {
	CHOUSA_V_UNKNOWN = 0,	/* no evidence: never "clean" */
	CHOUSA_V_BENIGN,	/* known-good infrastructure */
	CHOUSA_V_SUSPICIOUS,
	CHOUSA_V_MALICIOUS
};
const char *chousa_verdict_name(int v);	/* "unknown", "benign", ... */

/* Something a source relates to the indicator. */
struct chousa_related {
	int		 rel;		/* enum chousa_rel, seen from the
					 * indicator: CONTACTED means the
					 * related sample contacted it */
	int		 type;		/* ioc type of value */
	const char	*value;		/* normal form; sha256 for samples */
	const char	*family;	/* label given with it, or NULL */
	int64_t		 seen;		/* Unix seconds, 0 unknown */
};

/* One source's answer about one indicator.  Strings live in the run arena. */
struct chousa_finding {
	const char	*source;
	int		 stage;		/* CHOUSA_STAGE_* it was asked for */
	int		 status;	/* enum chousa_status */
	const char	*reason;	/* skipped/error text, or NULL */
	int64_t		 reset_at;	/* quota skip: when it resets, or 0 */
	int		 verdict;	/* enum chousa_verdict, this source's */
	int		 n_detect;	/* engines saying malicious, -1 n/a */
	int		 n_engines;	/* engines asked, -1 n/a */
	int		 score;		/* 0-100 source score, -1 n/a */
	const char	**labels;	/* family labels as written */
	size_t		 n_labels;
	const char	*family;	/* Malpedia id when one is known */
	struct chousa_related *related;
	size_t		 n_related;
	int		 match;		/* enum chousa_match of the level */
	const char	*matched;	/* the value that matched, or NULL */
	int64_t		 first_seen;
	int64_t		 last_seen;
	const char	*online;	/* "online", "offline", or NULL */
	const char	*threat;	/* "botnet_cc", "malware_download" */
	const char	*detail;	/* one line for the report, or NULL */
	const char	*reference;	/* a link, or NULL */
	const char	*file_type;	/* for samples */
	const char	*file_name;
	int		 from_cache;	/* answered from the cache */
	int64_t		 cached_at;	/* when the cached answer was fetched */
};

struct chousa_ctx;	/* one run: store, config, http, arena, options */

/* Flags of a source. */
#define CHOUSA_SRC_LOCAL	0x1u	/* reads the store only */
#define CHOUSA_SRC_NEEDS_KEY	0x2u	/* skipped (no key) without one */
#define CHOUSA_SRC_KEY_OPTIONAL	0x4u	/* works better with a key */

/* A pending look-up handed to a source's start hook. */
struct chousa_query {
	struct chousa_ctx		*ctx;
	const struct chousa_source	*source;
	const struct chousa_indicator	*ind;	/* borrowed for the run */
	struct chousa_finding		*finding; /* fill, then set status */
	void				*state;	/* the source's, per query */
};

struct chousa_source {
	const char	*name;		/* "urlhaus": CLI, config and reports */
	const char	*title;		/* "URLhaus (abuse.ch)" */
	unsigned	 types;		/* CHOUSA_IOC_BIT mask it answers */
	unsigned	 stages;	/* CHOUSA_STAGE_* mask */
	unsigned	 flags;		/* CHOUSA_SRC_* */
	int		 cost;		/* ask order: cheap and local first */
	/* Free-tier limits, overridable in the config. */
	double		 rate_per_min;	/* 0: unlimited */
	long		 daily;		/* 0: unlimited */
	long		 ttl;		/* cache seconds for hits; 0: 24 h */
	const char	*default_url;	/* base URL, or NULL for local */
	/*
	 * Start the look-up.  A local source fills q->finding and sets its
	 * status before returning; an online one queues requests through
	 * chousa_ctx_http() and ends in their callbacks.  A non-OK return is
	 * turned into status error with err's message.
	 */
	int		(*start)(struct chousa_query *q, struct chousa_err *err);
	/* One cheap call to test the key (sources --check), or NULL. */
	int		(*check)(struct chousa_query *q, struct chousa_err *err);
};

/* The sources in ask order; NULL-terminated; borrowed. */
const struct chousa_source *const *chousa_sources(void);
const struct chousa_source *chousa_source_find(const char *name);

/* ---- what a run gives a source ---- */

struct chousa_store	*chousa_ctx_store(struct chousa_ctx *ctx);
struct chousa_http	*chousa_ctx_http(struct chousa_ctx *ctx);
struct chousa_arena	*chousa_ctx_arena(struct chousa_ctx *ctx);
const struct chousa_config *chousa_ctx_config(struct chousa_ctx *ctx);
/* The source's key (config or CHOUSA_<NAME>_KEY), or NULL; borrowed. */
const char *chousa_ctx_key(struct chousa_ctx *ctx, const struct chousa_source *s);
/* The source's base URL (config, CHOUSA_<NAME>_URL, else default_url). */
const char *chousa_ctx_base_url(struct chousa_ctx *ctx,
	    const struct chousa_source *s);
/* Mark the query done (online sources call this from their callbacks). */
void	chousa_query_done(struct chousa_query *q);

#endif /* CHOUSA_INVESTIGATE_H */
