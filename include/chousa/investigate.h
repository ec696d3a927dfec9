/*
 * chousa/investigate.h: the three-stage investigation (reputation,
 * identification, enrichment) over pluggable sources, and the report model
 * that the renderers format.  Part of chousa.h.
 *
 * A source is a const table of hooks (src/investigate/sources/<name>.c, listed in
 * src/investigate/sources/registry.c).  A look-up is started for one indicator and ends
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
	const char	**labels;	/* family labels and tags as written */
	size_t		 n_labels;
	/*
	 * Anti-virus or sandbox detection names as the engines wrote them
	 * ("Trojan.Generic", "Win32/Emotet.AB", "malicious_confidence_90%"):
	 * never a family by themselves.  The investigation derives a family
	 * from them only through label normalisation and agreement between
	 * engines.
	 */
	const char	**detections;
	size_t		 n_detections;
	const char	*family;	/* Malpedia id when one is known */
	/*
	 * For a store's records (has_families 1): the family each record
	 * names, read as lookup, sweep and export read it (its family value,
	 * else a tag a catalogue knows), which the family vote counts instead
	 * of labels.  A list's or an event's tags also name its feed, its
	 * organisation or a workflow ("TweetFeed", "for_intelmq_processing"):
	 * no family unless a catalogue knows it.  has_families 0: the vote
	 * reads labels.
	 */
	const char	**families;
	size_t		 n_families;
	int		 has_families;
	struct chousa_related *related;
	size_t		 n_related;
	/*
	 * enum chousa_match of the level: EXACT when the source lists the
	 * subject itself; URL_HOST when it only lists URLs hosted on it
	 * (URLhaus host/, a url_list): the verdict takes those as hosted
	 * content (docs/verdict-policy.md), never as a listing of the host.
	 */
	int		 match;
	const char	*matched;	/* the value that matched, or NULL */
	int64_t		 first_seen;
	int64_t		 last_seen;
	const char	*online;	/* "online", "offline", or NULL */
	const char	*threat;	/* "botnet_cc", "malware_download";
					 * "reported_abuse" (an address
					 * reported for abuse: not evidence
					 * of malware) */
	const char	*detail;	/* one line for the report, or NULL */
	const char	*reference;	/* a link, or NULL */
	const char	*file_type;	/* for samples */
	const char	*file_name;
	int		 from_cache;	/* answered from the cache */
	int64_t		 cached_at;	/* when the cached answer was fetched */
	int		 n_records;	/* listings behind a local hit, or 0 */
	/*
	 * What the address is, as the source knows it: "tor" (a Tor exit
	 * node), "hosting" (a data centre or hosting provider),
	 * "allowlisted" (on the source's own allow list), or NULL
	 * (AbuseIPDB's isTor, usageType, isWhitelisted).  Reports against
	 * such an address never make it malware by themselves.
	 */
	const char	*usage;
	/*
	 * local-lists: the name the user gave the list (import --source-name),
	 * which the verdict names; NULL for an importer's own name.
	 */
	const char	*list_name;
	/*
	 * An answer the source could not read (status error, "unexpected
	 * answer from ..."): its first bytes, escaped and bounded, for -v;
	 * else NULL.
	 */
	const char	*answer_head;
	/*
	 * The HTTP status of the service's last answer to this query, or 0
	 * when none came (skipped, network error, from the cache): what
	 * `sources --check --json` gives beside the reason.
	 */
	int		 http_status;
	/* Set by the investigation, not by sources: */
	int64_t		 data_at;	/* when the data behind the answer was
					 * fetched: the feed's last import, or
					 * the online answer's download; 0
					 * unknown */
	int		 stale;		/* from a feed older than [freshness]
					 * max_age, or historical: its "not
					 * listed" is no evidence */
	const char	*subject;	/* the value that was asked about */
	int		 subject_type;	/* its ioc type */
	int		 depth;		/* hops from the input, 0 = itself */
	double		 elapsed;	/* seconds the look-up took, or 0 */
};

struct chousa_ctx;	/* one run: store, config, http, arena, options */

/* Flags of a source. */
#define CHOUSA_SRC_LOCAL	0x1u	/* reads the store only */
#define CHOUSA_SRC_NEEDS_KEY	0x2u	/* skipped (no key) without one */
#define CHOUSA_SRC_KEY_OPTIONAL	0x4u	/* works better with a key */
/*
 * Answers family look-ups (enrichment): the query's ind has type
 * CHOUSA_IOC_NONE and value the family id or label ("win.emotet").
 */
#define CHOUSA_SRC_FAMILY	0x8u
/* A judge of benign infrastructure: its hits make a verdict benign. */
#define CHOUSA_SRC_BENIGN	0x10u
/*
 * Takes the abuse.ch Auth-Key ([abusech] auth_key) when its own api_key is
 * unset.  Such siblings share a refusal too: a key refused by one is not
 * sent again by any of them in that run.
 */
#define CHOUSA_SRC_ABUSECH_KEY	0x100u

/* A pending look-up handed to a source's start hook. */
struct chousa_query {
	struct chousa_ctx		*ctx;
	const struct chousa_source	*source;
	const struct chousa_indicator	*ind;	/* borrowed for the run */
	struct chousa_finding		*finding; /* fill, then set status */
	void				*state;	/* the source's, per query */
	size_t				 input;	/* its input's index in the
						 * chousa_investigate() call */
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
	/*
	 * Read body (len bytes, not NUL-terminated) as the source's answer
	 * of the given kind about subject (an indicator as written, or
	 * NULL) into f, with no request: the unit tests and fuzz targets
	 * replay answers through it.  The source's file numbers its kinds
	 * of answer; any kind is taken modulo their count.  Strings go to a.
	 * Returns how the answer would be cached (0 not, 1 as a hit, 2 as a
	 * miss), or -1 when body is not JSON.  NULL for local sources.
	 */
	int		(*parse)(const char *subject, const char *body,
			    size_t len, int kind, struct chousa_arena *a,
			    struct chousa_finding *f);
};

/* The sources in ask order; NULL-terminated; borrowed. */
const struct chousa_source *const *chousa_sources(void);
/*
 * The online sources' names, the config's source sections (as
 * chousa_config_check() takes them); NULL-terminated; borrowed.
 */
const char *const *chousa_source_sections(void);
const struct chousa_source *chousa_source_find(const char *name);
/*
 * A source's key in cfg (may be NULL): its api_key (CHOUSA_<NAME>_KEY),
 * else, with CHOUSA_SRC_ABUSECH_KEY, [abusech] auth_key
 * (CHOUSA_ABUSECH_AUTH_KEY); an empty setting counts as unset.  NULL when
 * none; borrowed from cfg.
 */
const char *chousa_source_key(const struct chousa_config *cfg,
	    const struct chousa_source *s);

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
/* Whether the run may not touch the network / must bypass the cache. */
int	chousa_ctx_offline(const struct chousa_ctx *ctx);
int	chousa_ctx_refresh(const struct chousa_ctx *ctx);
/* Whether online sources answer from the cache alone (opts cache_only). */
int	chousa_ctx_cache_only(const struct chousa_ctx *ctx);
/* Who pays for the run's online requests, or NULL. */
const struct chousa_payer *chousa_ctx_payer(const struct chousa_ctx *ctx);

/* ---- how fresh a local source's data is ---- */

/* The defaults of [freshness] max_age_days and historical_rows. */
#define CHOUSA_FRESH_MAX_AGE_DAYS	7
#define CHOUSA_FRESH_HISTORICAL_ROWS	10

struct chousa_freshness {
	int		 known;		/* the source has a feed behind it */
	int64_t		 updated_at;	/* its last update, 0: never */
	long		 max_age;	/* the limit in force, seconds */
	int		 stale;		/* never updated, or older than
					 * max_age */
	/*
	 * Upstream retired or emptied it: its last update read fewer than
	 * [freshness] historical_rows rows.  data_until is the newest date
	 * in what the store keeps of it, 0 unknown.
	 */
	int		 historical;
	uint64_t	 rows;		/* rows of its last update */
	int64_t		 data_until;
	const char	*feed;		/* the feed's import name, arena */
};

/*
 * How fresh the data behind a local source is ([freshness] in cfg: the
 * limit max_age_days, default 7, and historical_rows, default 10), at
 * time now.  Sources with no feed (online ones) give known = 0.
 */
int	chousa_source_freshness(struct chousa_store *st,
	    struct chousa_arena *a, const struct chousa_config *cfg,
	    const struct chousa_source *src, int64_t now,
	    struct chousa_freshness *out, struct chousa_err *err);

/* ---- running an investigation ---- */

/*
 * Who pays for the online requests of a run (the team server charges
 * each to a token's daily budget).  charge is asked before a source sends
 * a request (an answer from the cache is free), with the index of the
 * input it is for: 1 lets it go, charged to *ticket (the payer's own
 * number); 0 skips the source with the reason written to why ("quota
 * (...)") until *retry_at.  refund gives a ticket back when its request
 * failed before the service counted it.  Both run in the thread of
 * chousa_investigate().
 */
struct chousa_payer {
	int	(*charge)(void *arg, size_t input, const char *source,
		    int *ticket, char *why, size_t why_size,
		    int64_t *retry_at);
	void	(*refund)(void *arg, int ticket);
	void	*arg;
};

/* Options of a run.  Zero means the default everywhere. */
struct chousa_investigate_opts {
	int		 offline;	/* no http handle at all: no socket */
	int		 refresh;	/* bypass the response cache */
	/*
	 * Online sources answer from the online cache only, as fresh as an
	 * online run would take it: no http handle (offline is implied), no
	 * quota, no payer, no key needed.  A source with no cached answer
	 * is skipped "not in the online cache" (never a miss).  Overrides
	 * refresh.
	 */
	int		 cache_only;
	int		 exhaustive;	/* ask costly sources after a settled
					 * verdict too */
	int		 depth;		/* pivot hops; 0: 2, < 0: none, max 5 */
	int		 max_samples;	/* samples to enrich; 0: 5 */
	int		 budget;	/* look-ups per input; 0: 200 */
	int64_t		 at;		/* time of the observed traffic, or 0 */
	const char	*sources;	/* comma-separated names, or NULL: all */
	const struct chousa_http_opts *http;	/* NULL: defaults */
	/*
	 * Run on this handle instead of a new one (borrowed; ignored when
	 * offline): runs that share it share the online sources' rate
	 * buckets and daily counters, as the team server's runs do.
	 */
	struct chousa_http *shared_http;
	const struct chousa_payer *payer;	/* NULL: nobody counts */
};

/*
 * A run context: the store (borrowed, may be NULL for online-only runs),
 * the config (borrowed, may be NULL), an http handle (created here unless
 * offline) and the run arena.  Fails with CHOUSA_ENOTFOUND on an unknown
 * name in opts->sources.  Caller frees with chousa_ctx_free().
 */
int	chousa_ctx_new(struct chousa_ctx **out, struct chousa_store *st,
	    const struct chousa_config *cfg,
	    const struct chousa_investigate_opts *opts, struct chousa_err *err);
void	chousa_ctx_free(struct chousa_ctx *ctx);
/* Free everything in the run arena (reports of earlier batches too). */
int	chousa_ctx_reset(struct chousa_ctx *ctx, struct chousa_err *err);
/*
 * The store's records for indicator value, as chousa_store_lookup() gave
 * them to the caller inside the snapshot the run will read: the run uses
 * them rather than asking the store again (a look-up's verdict).  They
 * are borrowed, and must outlive the run; the next reset forgets them.
 */
void	chousa_ctx_known_records(struct chousa_ctx *ctx, const char *value,
	    struct chousa_record *recs, size_t n);

/* ---- the report model: what a finished investigation is ---- */

/*
 * Everything below lives in the run arena (chousa_ctx_arena) until
 * chousa_ctx_reset() or chousa_ctx_free().  Strings from feeds and APIs
 * are untrusted: renderers escape them.  Arrays may be empty (n_x == 0,
 * x may then be NULL).
 */

/* A sample the evidence ties to the indicator. */
struct chousa_report_sample {
	const char	*sha256;	/* or md5/sha1 when no sha256 known */
	const char	*family;	/* Malpedia id when known, else the
					 * label, or NULL */
	int		 rel;		/* enum chousa_rel, from the
					 * indicator's side (CONTACTED: the
					 * sample contacted it) */
	const char	*via;		/* the value the relation was found on
					 * (the input, its host...) */
	const char	**sources;	/* sources that support it */
	size_t		 n_sources;
	const char	*file_type;	/* "doc", "exe"..., or NULL */
	const char	*file_name;
	int64_t		 first_seen;	/* 0 unknown */
	int		 score;		/* ranking: strength and recency */
	int		 enriched;	/* asked about in enrichment */
};

/* One stage and the findings of every look-up it made. */
struct chousa_report_stage {
	const char		*name;	/* "reputation", "identification",
					 * "enrichment" */
	struct chousa_finding	*findings;	/* in ask order */
	size_t			 n_findings;
};

/* One edge of the evidence graph; every edge names its source. */
struct chousa_edge {
	const char	*from;		/* a value (indicator, sha256, family
					 * id) */
	int		 from_type;	/* ioc type, or 0 for a family */
	const char	*to;
	int		 to_type;	/* ioc type, or 0 for a family */
	const char	*kind;		/* "listed" (to is the listing
					 * source's name, to_type 0),
					 * "host-of", "regdomain-of",
					 * "delivered", "contacted", "c2",
					 * "resolves", "dropped", "family",
					 * ... (chousa_rel_name or these) */
	const char	*source;	/* who supports it */
};

/* One candidate family and the votes behind it. */
struct chousa_family_vote {
	const char	*id;		/* Malpedia id, or the raw label */
	const char	*name;		/* display name */
	double		 weight;	/* summed vote weight */
	const char	**sources;	/* distinct sources that voted */
	size_t		 n_sources;
};

/* The family behind the indicator. */
struct chousa_report_family {
	const char	*id;		/* "win.emotet", or the label */
	const char	*name;		/* "Emotet" */
	int		 confidence;	/* 0-100 */
	const char	*aliases;	/* comma-separated, or NULL */
	const char	*description;	/* Malpedia's, or NULL */
	const char	*refs;		/* newline-separated URLs, or NULL */
	int		 known;		/* in the Malpedia catalogue */
	/* Every candidate, winner first; conflict when n_votes > 1. */
	struct chousa_family_vote *votes;
	size_t		 n_votes;
	/* Why the confidence was lowered (shared infrastructure...). */
	const char	**caveats;
	size_t		 n_caveats;
};

/* --at TIME: was the indicator listed and online then? */
struct chousa_time_check {
	int64_t		 at;		/* 0: not asked */
	int		 listed;	/* 1 yes, 0 no, -1 cannot tell */
	int		 online;	/* 1 yes, 0 no, -1 cannot tell */
	int64_t		 first_seen;	/* earliest listing, 0 unknown */
	int64_t		 last_seen;	/* latest sighting, 0 unknown */
	const char	*text;		/* one sentence for the report */
};

/* The investigation of one input. */
struct chousa_report {
	const char	*input;		/* as given (untrusted) */
	int		 parse_rc;	/* CHOUSA_OK, or why it is not an
					 * indicator (then only input and
					 * parse_error are set) */
	const char	*parse_error;
	struct chousa_indicator ind;	/* the parsed indicator */
	int		 verdict;	/* enum chousa_verdict */
	const char	*verdict_reason;	/* one clause: "listed by
						 * URLhaus and ThreatFox" */
	int		 match;		/* enum chousa_match of the best
					 * listing (a URL's host...), -1 n/a */
	const char	*matched;	/* the value that was listed */
	struct chousa_report_family *family;	/* NULL when none */
	struct chousa_report_sample *samples;	/* ranked, best first */
	size_t		 n_samples;
	struct chousa_report_stage stages[3];	/* in stage order */
	size_t		 n_stages;
	struct chousa_edge *edges;
	size_t		 n_edges;
	const char	**conclusion;	/* plain sentences */
	size_t		 n_conclusion;
	struct chousa_time_check at;
	struct chousa_benign *benign;	/* benign lists that cover it */
	size_t		 n_benign;
	const char	**notes;	/* cache ages, budget, skipped... */
	size_t		 n_notes;
	/* Counts over every finding, for exit codes and summaries. */
	int		 n_hits;
	int		 n_misses;
	int		 n_skipped;
	int		 n_errors;
	int		 lookups;	/* look-ups made, against the budget */
	/*
	 * How sure the verdict is, 0-100 (STIX's confidence): an exact
	 * listing by three sources or more 95, two 90, one 75; through the
	 * host 70; hosted content 60; suspicious 40; benign 80; unknown 0.
	 */
	int		 confidence;
	/* The earliest listing of the input or its host, 0 unknown. */
	int64_t		 first_seen;
	/*
	 * What the store lists around the input, record by record, the most
	 * recently seen first (at most CHOUSA_LISTED_MAX): on its host (a
	 * domain's, an address's, a URL's or an e-mail's) or inside its
	 * range (a CIDR).  listed_on names the host or range; n_listed_total
	 * counts every record, shown or not.
	 */
	const char	*listed_on;
	struct chousa_listing *listed;
	size_t		 n_listed;
	uint64_t	 n_listed_total;
	/* Ready-made commands for the obvious pivots, in order. */
	struct chousa_next_step *next_steps;
	size_t		 n_next_steps;
};

/* Listings a report keeps at most (renderers may show fewer). */
#define CHOUSA_LISTED_MAX	100

/*
 * One next step: why, and a command line.  The command is a shell prefix;
 * each argument follows it as one quoted shell word, defanged when the
 * report is (render_next_step() in the renderers).  With refang set the
 * arguments are patterns for grep: defanged, each is written as
 * "$(chousa refang 'VALUE')", so the command still runs as pasted.
 */
struct chousa_next_step {
	const char	*why;		/* "Sweep your logs for it" */
	const char	*command;	/* "chousa sweep LOGS... | grep -F --" */
	const char	**args;		/* values */
	int		*arg_types;	/* their ioc types (0: not defanged) */
	size_t		 n_args;
	int		 refang;
};

/*
 * Investigate n inputs (indicators as written, maybe defanged) in one
 * batch: each stage starts every look-up for every input, then drives the
 * online ones together.  *out gets n reports in input order (arena).  A
 * malformed input gives a report with parse_rc set; a failing source gives
 * findings with status error; neither fails the call.  Fails only on
 * memory or store-wide errors.
 */
int	chousa_investigate(struct chousa_ctx *ctx, const char *const *inputs,
	    size_t n, struct chousa_report **out, struct chousa_err *err);

/* ---- triage: many reports ranked, one line each (triage.c) ---- */

/* Where an input came from, in a pasted text (chousa_triage_context). */
enum chousa_context {
	CHOUSA_CTX_BODY = 0,	/* the text itself, or a list of inputs */
	CHOUSA_CTX_HEADER,	/* an e-mail's own header (From:, Received:,
				 * Message-ID:...): ranked after the body */
	CHOUSA_CTX_RECIPIENT,	/* its recipients (To:, Cc:, Delivered-To:):
				 * left out unless asked */
	CHOUSA_CTX_REFERENCE	/* a well-known reference site (a CERT, a
				 * vulnerability database, an intel service:
				 * data/reference-sites.txt): left out unless
				 * asked */
};
const char *chousa_context_name(int context);	/* "body", "header"... */

/*
 * Where the indicator ind, found at ind->offset of text by
 * chousa_extract(), sits: in the header block of an e-mail message (a run
 * of header fields with From:, To:, Subject:, Received:... and their
 * folded lines), and which field (its name, as written, into field, at
 * most field_size bytes; "" for the body); or at a reference site.
 */
int	chousa_triage_context(const char *text, size_t len,
	    const struct chousa_indicator *ind, char *field,
	    size_t field_size);

/*
 * The indicators of a pasted text as `investigate --extract` takes them
 * (every type, each normal form once, public addresses only), each handed
 * to fn in order with where it sat (chousa_triage_context; field is "" in
 * the body).  fn returning nonzero stops the extraction.
 */
typedef int (*chousa_text_input_fn)(void *arg,
    const struct chousa_indicator *ind, int context, const char *field);
int	chousa_triage_extract(const char *text, size_t len,
	    chousa_text_input_fn fn, void *arg, struct chousa_err *err);
/*
 * Whether an input from this context is left out of the investigation
 * (named in the table only): an e-mail's recipients and reference sites
 * are, unless all (--all) asks for every input.
 */
int	chousa_triage_left_out(int context, int all);
/* The warning that n inputs were left out, for a run without a table. */
void	chousa_triage_left_out_note(char *buf, size_t size, size_t n);

/* One input of the triage, copied from its report. */
struct chousa_triage_row {
	size_t		 index;		/* input order, from 0 */
	size_t		 report;	/* the report's number in the order
					 * they were added, from 1 (what a
					 * renderer's n_items + 1 was); 0 when
					 * left out */
	const char	*input;		/* as given */
	const char	*value;		/* the normal form, or NULL when the
					 * input is not an indicator */
	int		 type;		/* ioc type, 0 when not one */
	int		 verdict;	/* enum chousa_verdict, or -1: not an
					 * indicator */
	int		 confidence;	/* the verdict's, 0-100 */
	const char	*family_id;	/* or NULL */
	const char	*family;	/* display name, or NULL */
	int		 family_confidence;
	const char	*evidence;	/* the strongest evidence in one
					 * clause (the verdict's reason), or
					 * why it was left out */
	int		 context;	/* enum chousa_context */
	const char	*field;		/* the header field, or NULL */
	int		 left_out;	/* not investigated (its context) */
	int		 n_errors;	/* failed look-ups */
};

/* The triage: rows ranked by severity and a summary.  Arena memory. */
struct chousa_triage {
	struct chousa_triage_row *rows;	/* ranked after finish */
	size_t		 n_rows;
	/* Rows by verdict (enum chousa_verdict), and the others. */
	size_t		 n_verdict[4];
	size_t		 n_invalid;	/* not indicators */
	size_t		 n_left_out;
	size_t		 n_header;	/* e-mail header rows investigated */
	int		 from_text;	/* the inputs came from one text */
	int		 overall;	/* the worst verdict investigated, -1
					 * when none was */
	/* One line for the whole input: "malicious: 2 of 9 indicators..." */
	const char	*overall_text;
	/* The families of the malicious and suspicious rows, best first. */
	const char	**families;
	size_t		 n_families;
	struct chousa_arena *arena;	/* the triage's own */
	size_t		 cap;
	size_t		 n_reports;	/* rows from reports so far */
};

/*
 * A new triage; from_text says the inputs were extracted from one text
 * (an e-mail, an alert), which gets an overall line.  Caller frees with
 * chousa_triage_free().
 */
int	chousa_triage_new(struct chousa_triage **out, int from_text,
	    struct chousa_err *err);
void	chousa_triage_free(struct chousa_triage *t);
/*
 * Add the row of a finished report, with where its input came from;
 * everything is copied, so rep may be freed (chousa_ctx_reset) after.
 */
int	chousa_triage_add(struct chousa_triage *t,
	    const struct chousa_report *rep, int context, const char *field,
	    struct chousa_err *err);
/*
 * Add an input that was left out of the investigation for its context
 * (CHOUSA_CTX_RECIPIENT, CHOUSA_CTX_REFERENCE), so the table still
 * names it.
 */
int	chousa_triage_leave_out(struct chousa_triage *t, const char *value,
	    int type, int context, const char *field, struct chousa_err *err);
/*
 * Rank the rows (malicious, suspicious, unknown, benign, not an
 * indicator, left out; within one verdict the body before the header,
 * then by family confidence, then input order) and write the summary.
 * Call once, after the last row.
 */
int	chousa_triage_finish(struct chousa_triage *t, struct chousa_err *err);

/* ---- renderers (src/investigate/render/) ---- */

/* What the caller decides for a rendering. */
struct chousa_render_opts {
	int		 color;		/* ANSI colour (text), caller decides
					 * by TTY */
	int		 defang;	/* defang indicators in text, md, html:
					 * every one, in sentences too */
	int64_t		 now;		/* report time (0: time(NULL)); tests
					 * pin it for golden files */
	int		 verbose;	/* 1: every look-up (skipped and
					 * missed ones too) line by line */
	int		 width;		/* text: wrap at this many columns;
					 * 0: no wrapping */
	/*
	 * A triage table comes before the reports (chousa_render_triage),
	 * which may then come in its order rather than input order.
	 */
	int		 triage;
	/*
	 * The TLP level the report is shared under ("clear", "green",
	 * "amber", "amber+strict", "red"), or NULL for none: a banner in
	 * text, md and html, a marking in stix, a tag in misp.
	 */
	const char	*tlp;
};

/* One rendering: begin, item per report, end, into out. */
struct chousa_render {
	const struct chousa_renderer	*renderer;
	struct chousa_render_opts	 opts;
	struct chousa_buf		*out;	/* borrowed; caller writes
						 * it out between items */
	struct chousa_arena		*arena;	/* scratch for the renderer,
						 * lives until end */
	void				*state;	/* the renderer's */
	size_t				 n_items;	/* items so far */
	int				 triaged;	/* a triage was
							 * rendered */
	/* Finds the indicators of free text to defang (registry.c). */
	struct chousa_extractor		*defanger;
};

/*
 * The TLP 2.0 level a name gives, as the renderers write it ("clear",
 * "green", "amber", "amber+strict", "red"; "white", TLP 1.0's, reads as
 * clear; case is ignored), or NULL for a name that is no level.  Static.
 */
const char *chousa_tlp_level(const char *name);

/* A renderer formats the report model and never queries anything. */
struct chousa_renderer {
	const char	*name;		/* "text", "json", ... */
	const char	*title;		/* one line for --help */
	int		(*begin)(struct chousa_render *r, struct chousa_err *err);
	int		(*item)(struct chousa_render *r,
			    const struct chousa_report *rep,
			    struct chousa_err *err);
	int		(*end)(struct chousa_render *r, struct chousa_err *err);
	/*
	 * The triage of a run of many inputs, or NULL when the format has
	 * none (its reports then stay in input order).  Human formats print
	 * it before the reports; with CHOUSA_RENDER_TRIAGE_LAST (JSON lines)
	 * it follows them and the reports keep input order.
	 */
	int		(*triage)(struct chousa_render *r,
			    const struct chousa_triage *t,
			    struct chousa_err *err);
	unsigned	 flags;		/* CHOUSA_RENDER_* */
};

#define CHOUSA_RENDER_TRIAGE_LAST	0x1u

/*
 * The renderers, NULL-terminated, in the order of the formats
 * (src/render/registry.c, chousa_formats()), and the renderer of the
 * format called name (NULL: none, or it cannot show reports); static.
 */
const struct chousa_renderer *const *chousa_renderers(void);
const struct chousa_renderer *chousa_renderer_find(const char *name);

/*
 * Start a rendering into out (borrowed until chousa_render_end).  Fails
 * on memory or an unknown TLP level, and then holds nothing (calling
 * chousa_render_end is harmless).  Each call appends to out; the caller
 * may flush and chousa_buf_reset(out) between calls.
 */
int	chousa_render_begin(struct chousa_render *r,
	    const struct chousa_renderer *renderer,
	    const struct chousa_render_opts *opts, struct chousa_buf *out,
	    struct chousa_err *err);
int	chousa_render_item(struct chousa_render *r,
	    const struct chousa_report *rep, struct chousa_err *err);
/* The triage, where the renderer puts it (a no-op without a hook). */
int	chousa_render_triage(struct chousa_render *r,
	    const struct chousa_triage *t, struct chousa_err *err);
/* Ends the rendering and frees its scratch arena, also after a failure. */
int	chousa_render_end(struct chousa_render *r, struct chousa_err *err);

#endif /* CHOUSA_INVESTIGATE_H */
