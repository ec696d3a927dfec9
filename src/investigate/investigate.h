/*
 * investigate.h: what the investigation's files share inside the library:
 * the run context, the per-input working state the stages fill, and the
 * helpers that turn findings into a verdict, a family and a conclusion.
 * Not exported; sources use only the accessors in chousa/investigate.h.
 */
#ifndef CHOUSA_SRC_INVESTIGATE_H
#define CHOUSA_SRC_INVESTIGATE_H

#include "chousa.h"

#define INV_MAX_DEPTH		5
#define INV_DEFAULT_DEPTH	2
#define INV_DEFAULT_SAMPLES	5
#define INV_DEFAULT_BUDGET	200
#define INV_MAX_SOURCES		64

struct chousa_ctx {
	struct chousa_store		*store;		/* borrowed, or NULL */
	const struct chousa_config	*cfg;		/* borrowed, own_cfg */
	struct chousa_config		*own_cfg;
	struct chousa_http		*http;		/* NULL when offline */
	struct chousa_arena		*arena;		/* the run's */
	struct chousa_investigate_opts	 opts;
	/* The selected sources, in ask order. */
	const struct chousa_source	*sources[INV_MAX_SOURCES];
	size_t				 n_sources;
	/* Named one by one in --sources (not through a group). */
	const struct chousa_source	*named[INV_MAX_SOURCES];
	size_t				 n_named;
	/*
	 * The last store look-up, so the per-feed local sources share one
	 * query for the same subject.
	 */
	/* Family look-ups by label, the same few labels again and again. */
	struct {
		const char	*label;		/* arena */
		const char	*id;		/* NULL: no catalogue has it */
		const char	*name;
	}				 fam_memo[64];
	size_t				 fam_next;
	const char			*memo_value;
	struct chousa_record		*memo_recs;
	size_t				 memo_n;
	/* What outlives a batch (chousa_ctx_reset): the family list. */
	struct chousa_arena		*keep;
	struct families			*families;
	int				 fam_tried;
	const char			*fam_note;
	int64_t				 now;	/* the batch's start */
	/*
	 * The feeds' ages, read once per batch (run arena), with the
	 * [freshness] limits they are judged by.
	 */
	struct chousa_feed_age		*ages;
	size_t				 n_ages;
	int				 ages_read;
	long				 fresh_max_age;
	uint64_t			 fresh_rows;
};

/* A subject to ask about: the input, its host, a sample, a family... */
struct inv_subject {
	const char			*value;
	int				 type;
	int				 depth;
	int				 match;	/* how it relates to the input:
						 * EXACT, HOST, REGDOMAIN */
	int				 enriched; /* a sample asked about
						    * in the enrichment stage */
	struct chousa_indicator		 ind;
};

/* The working state of one input while the stages run. */
struct inv_item {
	struct chousa_report		*rep;
	size_t				 index;	/* of its input */
	struct inv_subject		*subjects;
	size_t				 n_subjects;
	size_t				 cap_subjects;
	/* findings per stage, growing */
	struct chousa_finding		**found[3];
	size_t				 n_found[3];
	size_t				 cap_found[3];
	size_t				 cap_samples;
	size_t				 cap_edges;
	size_t				 cap_notes;
	size_t				 cap_conclusion;
	int				 settled;	/* verdict settled */
	int				 family_settled;
	const char			*listers;	/* "URLhaus and X" */
	const char			*benign_lists;	/* covering lists */
	/*
	 * Why the input is shared infrastructure (a publishing platform,
	 * a public resolver, a CDN or cloud range), or NULL: listings near
	 * it then say little about it.
	 */
	const char			*shared;
	int				 hosts_listed;	/* it only hosts
							 * listed content */
	int				 contacted_only; /* samples only
							  * contacted it */
	/*
	 * How much of the verdict's reason says who lists it, when a caveat
	 * follows ("listed by X" of "listed by X, but ..."): the conclusion
	 * says what they list it as there.  0: the whole reason.
	 */
	size_t				 reason_listed;
	int				 usage_tor;	/* a Tor exit node */
	int				 usage_hosting;	/* a hosting provider */
};

/* investigate.c */
int	inv_add_subject(struct chousa_ctx *ctx, struct inv_item *it,
	    const char *value, int type, int depth, int match);
int	inv_add_edge(struct chousa_ctx *ctx, struct inv_item *it,
	    const char *from, int from_type, const char *to, int to_type,
	    const char *kind, const char *source);
int	inv_add_note(struct chousa_ctx *ctx, struct inv_item *it,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int	inv_add_sentence(struct chousa_ctx *ctx, struct inv_item *it,
	    const char *s);
/* Whether value is already a subject of it. */
int	inv_has_subject(const struct inv_item *it, const char *value);
/*
 * Why src is not asked about an indicator of type (CHOUSA_IOC_NONE: a
 * family; -1: no indicator, a key check), or NULL to ask it.  The
 * look-ups and online_begin both ask here.
 */
const char *inv_skip_reason(struct chousa_ctx *ctx,
	    const struct chousa_source *src, int type);

/* investigate_verdict.c: verdict, family votes, samples, --at. */
int	inv_verdict(struct chousa_ctx *ctx, struct inv_item *it);
int	inv_family(struct chousa_ctx *ctx, struct inv_item *it);
int	inv_collect_samples(struct chousa_ctx *ctx, struct inv_item *it);
void	inv_rank_samples(struct chousa_report *rep, int64_t now);
int	inv_time_check(struct chousa_ctx *ctx, struct inv_item *it);
/*
 * The family label a store's record names, read as chousa_record_family()
 * reads it for lookup, sweep and export: its family value when that names
 * one, else the first of its tags a catalogue knows; NULL when neither.
 * The label as written (the vote resolves it), borrowed from the record.
 */
const char *inv_record_family(struct chousa_ctx *ctx, const char *family,
	    const char *tags);
/* A source's display title from its name (the registry's, else name). */
const char *inv_source_title(const char *name);

/*
 * The family a label names (labels.c over the run's catalogue chain):
 * its Malpedia id, or the label's family word; NULL when the label holds
 * only generic words.  *name (may be NULL) gets a display name.
 */
const char *inv_label_family(struct chousa_ctx *ctx, const char *label,
	    const char **name);
/* The family a finding's detection names agree on, or NULL. */
const char *inv_detection_family(struct chousa_ctx *ctx,
	    const struct chousa_finding *f, const char **name, int *engines);

/*
 * investigate_pivots.c: the records listed around the input (on its host,
 * inside its range) and the next steps, ready-made commands.
 */
int	inv_listings(struct chousa_ctx *ctx, struct inv_item *it);
int	inv_next_steps(struct chousa_ctx *ctx, struct inv_item *it);

/* investigate_conclude.c: the sentences. */
int	inv_conclude(struct chousa_ctx *ctx, struct inv_item *it);

/*
 * ctx.c: the family a label names (chousa_store_family), remembered for
 * the run: *id and *name (arena) are NULL when no catalogue knows it.
 */
int	ctx_family(struct chousa_ctx *ctx, const char *label, const char **id,
	    const char **name);

/* freshness.c: the limits in cfg, and one source's freshness from the
 * store's feed ages. */
int	fresh_limits(const struct chousa_config *cfg, long *max_age,
	    uint64_t *historical_rows);
int	fresh_of(struct chousa_store *st, const struct chousa_feed_age *ages,
	    size_t n_ages, const char *source, long max_age,
	    uint64_t historical_rows, int64_t now,
	    struct chousa_freshness *out, struct chousa_err *err);

/* The freshness of a source's data for the run (feed ages read once). */
int	ctx_freshness(struct chousa_ctx *ctx, const char *source, int64_t now,
	    struct chousa_freshness *out);

/*
 * families.c: Malpedia's family list for a run whose store has no
 * catalogue: fetched once (then cached in the store for 7 days) when the
 * run is online, so that aliases meet under one id.  families_prepare
 * notes what it did in *note (arena, or NULL); families_find is the
 * look-up (NULL when the list is not there or does not know the label).
 */
int	families_prepare(struct chousa_ctx *ctx, const char **note);
const char *families_find(struct chousa_ctx *ctx, const char *label,
	    const char **name);
void	families_free(struct chousa_ctx *ctx);

/* ctx.c: the shared store look-up of the local sources. */
int	ctx_store_lookup(struct chousa_ctx *ctx,
	    const struct chousa_indicator *ind, struct chousa_record **out,
	    size_t *n_out, struct chousa_err *err);

/* sources/local.c: the local source a feed's descriptor makes, into s. */
void	local_feed_source(struct chousa_source *s,
	    const struct chousa_feed *feed);

#endif /* CHOUSA_SRC_INVESTIGATE_H */
