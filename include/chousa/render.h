/*
 * chousa/render.h: the documents of results other than investigation
 * reports (src/render/): a store look-up, the indicators extracted from
 * text, the list of sources, the config; and the order in which a run
 * of many reports goes out.  Each is one call that gathers the result and writers
 * that format it as text and as JSON, so that the CLI's output and the team
 * server's answers (src/serve/) are the same bytes.  Part of chousa.h.
 */
#ifndef CHOUSA_RENDER_RESULTS_H
#define CHOUSA_RENDER_RESULTS_H

/* ---- look-up (src/render/lookup.c) ---- */

/* What the store knows about one indicator; all of it in the arena. */
struct chousa_lookup {
	struct chousa_indicator	 ind;
	struct chousa_record	*records;
	size_t			 n_records;
	/* Per record: the family's Malpedia id and name (NULL when none). */
	const char		**family_ids;
	const char		**family_names;
	struct chousa_benign	*benign;
	size_t			 n_benign;
	/*
	 * The verdict of docs/verdict-policy.md on what the store holds
	 * (enum chousa_verdict): investigate's, offline, with no pivots.
	 * is_malicious is verdict == CHOUSA_V_MALICIOUS, the exit status.
	 */
	int			 verdict;
	int			 is_malicious;
	/*
	 * A CIDR: how many records the store holds inside the range (its
	 * addresses, the URLs on them, narrower ranges), of which records
	 * holds the CHOUSA_LOOKUP_INSIDE_MAX most recently seen; else 0.
	 */
	uint64_t		 n_inside_total;
};
/* The records inside a range that a look-up of a CIDR lists, at most. */
#define CHOUSA_LOOKUP_INSIDE_MAX	100

/*
 * Look text (an indicator as written, maybe defanged) up in st, records
 * and benign lists from one snapshot of the store; an e-mail address's
 * domain too, its records matching as its host.  With records or a
 * known-benign list, the verdict is an offline investigation's from the
 * store's own sources (a fraction of a millisecond), under cfg's settings (its
 * [freshness], as `chousa investigate` reads them; NULL: the defaults);
 * with neither, unknown.  CHOUSA_EPARSE (with the reason in err) when
 * text is not an indicator; other codes when the store cannot be read.
 */
int	chousa_lookup(struct chousa_store *st,
	    const struct chousa_config *cfg, struct chousa_arena *a,
	    const char *text, size_t len, struct chousa_lookup *out,
	    struct chousa_err *err);
/*
 * The `chousa lookup` text block of one indicator; color adds the SGR
 * codes of a terminal (a verdict of malicious in red, suspicious in
 * yellow, benign lists in green).
 */
void	chousa_lookup_text(struct chousa_buf *b, struct chousa_arena *a,
	    const struct chousa_lookup *l, int color);
/* One object of the `chousa lookup --json` array (no separator). */
void	chousa_lookup_json(struct chousa_buf *b, const struct chousa_lookup *l);
/*
 * The exit status (enum chousa_exit) of a run of look-ups so far, status,
 * after one more that ended with one: bad input outranks found, which
 * outranks clean.  `chousa lookup` and the server's answer for it agree.
 */
int	chousa_lookup_status(int status, int one);

/* ---- extraction (src/render/extract.c) ---- */

/*
 * One indicator found by chousa_extract() as a TSV line ("type\tvalue\n")
 * or a JSON line ({"type","value","raw","offset","host_error","file"},
 * docs/json.md).  value is what to print (the normal form, or its defanged
 * form); file is NULL (null in JSON) unless several files are read.
 */
void	chousa_extract_tsv(struct chousa_buf *b,
	    const struct chousa_indicator *ind, const char *value,
	    size_t value_len);
void	chousa_extract_json(struct chousa_buf *b,
	    const struct chousa_indicator *ind, const char *value,
	    size_t value_len, const char *file);

/* ---- sources (src/render/sources.c) ---- */

/* One source as `chousa sources` shows it; strings arena or static. */
struct chousa_source_row {
	const struct chousa_source	*source;
	int				 is_online;
	int				 is_enabled;
	int				 is_used;	/* online: enabled, and
							 * its key set if it
							 * needs one */
	const char			*configured;	/* "key set", "no key",
							 * "keyless", "local",
							 * "disabled"; never
							 * the key */
	long				 rate_per_min;
	struct chousa_source_info	 info;		/* online only */
	struct chousa_freshness		 fresh;		/* local only: how
							 * old its data is */
	int64_t				 now;		/* when fresh was
							 * judged */
	const char			*warning;	/* why info is
							 * partial, or NULL */
};

/*
 * Every source in ask order with its state from st (may be NULL: no
 * quotas or cache then) and cfg.  A source whose state cannot be read
 * gets a warning, not a failure.  *out and the strings are arena.
 */
int	chousa_sources_state(struct chousa_store *st,
	    const struct chousa_config *cfg, struct chousa_arena *a,
	    struct chousa_source_row **out, size_t *n_out,
	    struct chousa_err *err);
/* The `chousa sources` table, and its --json document. */
void	chousa_sources_text(struct chousa_buf *b,
	    const struct chousa_source_row *rows, size_t n);
void	chousa_sources_json(struct chousa_buf *b,
	    const struct chousa_source_row *rows, size_t n);

/* ---- the response cache (src/render/cache.c) ---- */

/* What the cache holds per source, and in all; arena memory. */
struct chousa_cache_listing {
	struct chousa_cache_stat	*rows;	/* by source name */
	size_t				 n;
	uint64_t			 entries;
	uint64_t			 bytes;
};

/* Gather the cache's counts from st into *out (strings in a). */
int	chousa_cache_listing(struct chousa_store *st, struct chousa_arena *a,
	    struct chousa_cache_listing *out, struct chousa_err *err);
/* `chousa cache stats` as a table, or as one JSON object. */
void	chousa_cache_listing_text(struct chousa_buf *b,
	    const struct chousa_cache_listing *l);
void	chousa_cache_listing_json(struct chousa_buf *b,
	    const struct chousa_cache_listing *l);

/* ---- import (src/render/import.c) ---- */

/*
 * The JSON line of one imported file (docs/json.md, "Import result"):
 * state is "imported", "failed", "not_modified"...; rep is NULL when
 * nothing was read; error (with the exit status it gives) is NULL on
 * success.
 */
void	chousa_import_json(struct chousa_buf *b, const char *source,
	    const char *file, const char *state,
	    const struct chousa_import_report *rep, int exit_status,
	    const char *error);

/*
 * The JSON line of a bundle of lists imported list by list (docs/json.md,
 * "Bundle of lists import result"): source "warninglist" and format
 * "archive" for a MISP warninglists archive
 * (chousa_store_import_warninglists), "abusech-fp" and "json" for
 * abuse.ch's false-positive list (chousa_store_import_fplist).  err NULL:
 * it went in; else the store failed midway (a full disk), state "failed"
 * with err's message and exit_status, the lists counted those that went
 * in before it.
 */
void	chousa_import_bundle_json(struct chousa_buf *b, const char *source,
	    const char *file, const char *format,
	    const struct chousa_bundle_report *rep, int exit_status,
	    const struct chousa_err *err);
/*
 * What is said of a bundle the store failed on midway after rep->lists
 * lists went in: "ERROR (N lists VERB before it; the rest keep their
 * previous data)", VERB "imported" or "updated", into out (size bytes:
 * CHOUSA_BUNDLE_FAILED_TEXT holds any); returns out.
 */
#define CHOUSA_BUNDLE_FAILED_TEXT	(CHOUSA_ERR_MSG_SIZE + 128)
const char *chousa_import_bundle_failed_text(char *out, size_t size,
	    const struct chousa_bundle_report *rep, const char *verb,
	    const struct chousa_err *err);
/*
 * What `chousa import` says on stderr of a file imported: "SOURCE: FILE
 * (FORMAT): read N, added N, updated N, unchanged N, rejected N", then
 * the first three rejects (verbose: all kept, and how many more), what
 * was skipped, and why nothing was.  asked is the source as the user
 * named it ("auto" or an importer).
 */
void	chousa_import_text(struct chousa_buf *b, const char *asked,
	    const char *file, const struct chousa_import_report *rep,
	    int verbose);
/* The first n rejects kept in rep, one "  rejected ...: why" line each. */
void	chousa_import_rejects_text(struct chousa_buf *b,
	    const struct chousa_import_report *rep, size_t n);
/* "warninglist: FILE (N lists): read N, added N, rejected N". */
void	chousa_import_bundle_text(struct chousa_buf *b, const char *file,
	    const struct chousa_bundle_report *rep);

/* ---- store statistics (src/render/db.c) ---- */

/*
 * `chousa db stats` of the store at path, as text or as one JSON object;
 * ages are counted from now (Unix seconds).
 */
void	chousa_stats_text(struct chousa_buf *b, const char *path,
	    const struct chousa_store_stats *s, int64_t now);
void	chousa_stats_json(struct chousa_buf *b, const char *path,
	    const struct chousa_store_stats *s, int64_t now);

/* ---- sets and tallies (src/render/set.c, tally.c) ---- */

/*
 * Distinct keys, compared by value: two keys with one hash are still two
 * (extract --unique, and the tally below).  Zero it before the first add.
 * Keys are copied (any bytes, any length).  hash is FNV-1a when NULL; a
 * test may set one that collides.
 */
struct chousa_set_slot {
	uint64_t	 hash;
	char		*key;	/* NUL after len; NULL: an empty slot */
	size_t		 len;
	uint64_t	 n;	/* times it was added */
};
struct chousa_set {
	struct chousa_set_slot	*slot;
	size_t			 n, cap;	/* cap: a power of two */
	uint64_t		(*hash)(const void *p, size_t len);
};
/*
 * Add key[0, len).  OUT: *is_new 1 when it was not in the set.  Returns
 * CHOUSA_OK or CHOUSA_ENOMEM (the set as it was).
 */
int	chousa_set_add(struct chousa_set *s, const void *key, size_t len,
	    int *is_new);
void	chousa_set_free(struct chousa_set *s);

/* A name and how often it was seen, for the summary's tables. */
struct chousa_count {
	const char	*name;
	uint64_t	 n;
};

/*
 * A count per name (src/render/tally.c): a chousa_set that counts the
 * adds; zero it before the first add.  Names are copied, cut at
 * CHOUSA_TALLY_NAME_MAX - 1 bytes.  add returns CHOUSA_OK or CHOUSA_ENOMEM
 * (the tally as it was).  sorted gives the n names, most counted first and
 * then by name, valid until the next add or the free; NULL when out of
 * memory.
 */
#define CHOUSA_TALLY_NAME_MAX	512
struct chousa_tally {
	struct chousa_set	 set;
	size_t			 n;	/* distinct names */
	struct chousa_count	*sorted;
};
int	chousa_tally_add(struct chousa_tally *t, const char *s, size_t len);
const struct chousa_count *chousa_tally_sorted(struct chousa_tally *t);
void	chousa_tally_free(struct chousa_tally *t);

/* ---- the config (src/render/config.c) ---- */

/*
 * `chousa config`: each setting that is set and the others of its section
 * (all: every setting), as section.key, the value (API keys masked: the
 * last four characters and the length) and where it came from; as text,
 * or one JSON object (docs/json.md).  sources are the names of the source
 * sections, as chousa_config_check() takes them.
 */
void	chousa_config_show_text(struct chousa_buf *b,
	    const struct chousa_config *c, const char *const *sources,
	    int all);
void	chousa_config_show_json(struct chousa_buf *b,
	    const struct chousa_config *c, const char *const *sources,
	    int all);
/*
 * `chousa config check`: every problem of chousa_config_check() as a line
 * ("where: message"), and with none "ok: PATH no problem found" unless
 * quiet; or one JSON object.  Both return the number of problems.
 */
size_t	chousa_config_check_text(struct chousa_buf *b,
	    const struct chousa_config *c, const char *const *sources,
	    int quiet);
size_t	chousa_config_check_json(struct chousa_buf *b,
	    const struct chousa_config *c, const char *const *sources);
/*
 * The template `chousa config init` writes: every section and setting,
 * commented out, with its default.
 */
void	chousa_config_template(struct chousa_buf *b,
	    const char *const *sources);

/* ---- a run of investigations (src/render/batch.c) ---- */

/*
 * The output of many investigations in the order a reader wants it: with
 * more than one input (or --brief), and a format that has one, a triage
 * table first, the worst first, and the reports after it in its order;
 * the reports are held back (in a temporary file, so that memory stays
 * flat over a long list, or in memory) until the table is known.  JSON
 * lines keep input order with no table, unless only the table is asked
 * for.  Every piece goes to write as soon as it is final, or is added to
 * out if that is set (and what need not wait for a table is rendered
 * into it directly).  The same batch tallies what the reports found, for
 * an exit status.
 */
typedef int (*chousa_batch_write_fn)(void *arg, const char *data,
    size_t len, struct chousa_err *err);

struct chousa_batch_opts {
	const struct chousa_renderer	*renderer;	/* NULL: no output,
							 * the tally alone */
	struct chousa_render_opts	 render;	/* triage is set by the
							 * batch */
	size_t				 n_inputs;	/* investigated and
							 * left out */
	int				 brief;		/* the table alone */
	int				 from_text;	/* inputs found in a
							 * text (--extract) */
	int				 spool_file;	/* held reports in a
							 * temporary file, not
							 * in memory */
	int				 table;		/* with no renderer,
							 * a triage table all
							 * the same, for
							 * chousa_batch_take_triage
							 */
	chousa_batch_write_fn		 write;
	void				*arg;
	struct chousa_buf		*out;		/* or NULL: write */
};

/* What the reports added so far found. */
struct chousa_batch_summary {
	int	found;		/* a verdict of malicious or suspicious */
	int	bad;		/* an input that is no indicator */
	int	failed;		/* "unknown" while sources failed */
	int	answered;	/* a report that has an answer */
	int	table;		/* a triage table is made */
	int	streaming;	/* each report is written as it is added */
};

struct chousa_batch;

/*
 * Start the output: the renderer's head is written now, or held for the
 * table.  OUT: *out, to free with chousa_batch_free(); NULL on failure
 * (memory, a temporary file that cannot be made, a failed write).  o is
 * copied; o->write's arg, or o->out, is borrowed until the free.
 */
int	chousa_batch_new(struct chousa_batch **out,
	    const struct chousa_batch_opts *o, struct chousa_err *err);
/*
 * A finished report, in input order, with where its input came from
 * (enum chousa_context; the e-mail header field or NULL); rep may be
 * freed (chousa_ctx_reset) after.
 */
int	chousa_batch_add(struct chousa_batch *b,
	    const struct chousa_report *rep, int context, const char *field,
	    struct chousa_err *err);
/*
 * An input left out of the investigation (chousa_triage_left_out), as
 * written, at its place in input order: a row of the table, if any.
 */
int	chousa_batch_leave_out(struct chousa_batch *b, const char *input,
	    int context, const char *field, struct chousa_err *err);
/* The table, the held reports, the renderer's end. */
int	chousa_batch_finish(struct chousa_batch *b, struct chousa_err *err);
/*
 * The ranked table of a finished batch (chousa_triage_finish's order, the
 * one the CLI prints), for a caller that lays it out itself: the team
 * server's web page.  OUT: the caller's, to free with chousa_triage_free();
 * NULL when the batch made no table.
 */
struct chousa_triage *chousa_batch_take_triage(struct chousa_batch *b);
void	chousa_batch_summary(const struct chousa_batch *b,
	    struct chousa_batch_summary *s);
/*
 * The exit status (enum chousa_exit) `chousa investigate` ends with for s,
 * and the server answers: FOUND something found, else BADINPUT an input
 * that is no indicator, else SOURCE sources failed and none answered,
 * else CLEAN.
 */
int	chousa_batch_status(const struct chousa_batch_summary *s);
void	chousa_batch_free(struct chousa_batch *b);

/* ---- sweep (src/render/sweep.c) ---- */

/*
 * One hit of chousa_sweep_file() as a line: tab-separated text (color adds
 * a terminal's SGR codes), CSV (after chousa_sweep_csv_header) or JSON.
 * CSV and JSON have no colour and ignore color: the three share the
 * signature of the sweep_hit hook, so each is its format's hook.
 */
void	chousa_sweep_hit_text(struct chousa_buf *b,
	    const struct chousa_hit *h, int color);
void	chousa_sweep_csv_header(struct chousa_buf *b);
void	chousa_sweep_hit_csv(struct chousa_buf *b, const struct chousa_hit *h,
	    int color);
void	chousa_sweep_hit_json(struct chousa_buf *b,
	    const struct chousa_hit *h, int color);

/* The counts of a sweep over all its files. */
struct chousa_sweep_summary {
	uint64_t	files;
	uint64_t	unreadable;	/* files that could not be read */
	uint64_t	incomplete;	/* files read only in part (cut short,
					 * damaged): what was read is swept */
	uint64_t	lines;
	uint64_t	bytes;
	uint64_t	malformed;
	uint64_t	hits;
	uint64_t	benign_suppressed;	/* all hits left out as benign */
	uint64_t	shared_suppressed;	/* of them: chousa's shared
						 * platforms list */
	uint64_t	resolver_suppressed;	/* and its public resolvers */
	uint64_t	time_suppressed;
	int		as_of_log_time;	/* time_suppressed means anything */
	double		seconds;
};

/*
 * The exit status a sweep of these counts gives (enum chousa_exit): 3
 * when a file could not be read; else 1 with hits; else 3 when a file was
 * read only in part (nothing found in part of it is no clean answer);
 * else 0.
 */
int	chousa_sweep_exit_status(const struct chousa_sweep_summary *s);
/* The summary as the last JSON line, or the first line of the text one. */
void	chousa_sweep_summary_json(struct chousa_buf *b,
	    const struct chousa_sweep_summary *s);
void	chousa_sweep_summary_text(struct chousa_buf *b,
	    const struct chousa_sweep_summary *s);
/*
 * A table of the text summary: label, then the n counts given (most first)
 * and how many of n_all were left out.
 */
void	chousa_sweep_counts_text(struct chousa_buf *b, const char *label,
	    const struct chousa_count *c, size_t n, size_t n_all);
/*
 * What the investigation of one indicator hit `hits` times concluded, as
 * a JSON line, as text, or as the text in "#" comment lines after CSV.
 */
void	chousa_sweep_investigation_json(struct chousa_buf *b,
	    const struct chousa_report *r, uint64_t hits);
void	chousa_sweep_investigation_text(struct chousa_buf *b,
	    const struct chousa_report *r, uint64_t hits);
void	chousa_sweep_investigation_csv(struct chousa_buf *b,
	    const struct chousa_report *r, uint64_t hits);

/* ---- output formats (src/render/registry.c) ---- */

/*
 * The kinds of result an output format may show.  A format shows a kind
 * when it has that kind's hook: a renderer for reports, the hooks below
 * for the others.
 */
enum chousa_result_kind {
	CHOUSA_RESULT_REPORT,	/* investigation reports */
	CHOUSA_RESULT_LOOKUP,	/* chousa_lookup() */
	CHOUSA_RESULT_EXTRACT,	/* indicators found by chousa_extract() */
	CHOUSA_RESULT_SWEEP,	/* hits, their investigations, the summary */
	CHOUSA_RESULT_SOURCES,	/* chousa_sources_state() */
	CHOUSA_RESULT_CACHE,	/* chousa_cache_listing() */
	CHOUSA_RESULT_STATS,	/* chousa_store_stats() */
	CHOUSA_RESULT_IMPORT	/* one imported or updated file */
};

/*
 * How one format writes every kind but reports: each hook appends to b
 * what goes on standard output, or is NULL when the format cannot show
 * that part.  The json format's hooks are the chousa_*_json functions
 * above, which the team server calls too, so both give the same bytes.
 */
struct chousa_result_hooks {
	/* Around a list of look-ups: before the first (end 0) and after
	 * the last (end 1); NULL: nothing. */
	void	(*lookup_list)(struct chousa_buf *b, int end);
	/* The i-th look-up of the list (from 0); color: SGR codes. */
	void	(*lookup)(struct chousa_buf *b, struct chousa_arena *a,
		    const struct chousa_lookup *l, size_t i, int color);
	/* As chousa_extract_json: file is NULL unless several are read. */
	void	(*extract)(struct chousa_buf *b,
		    const struct chousa_indicator *ind, const char *value,
		    size_t value_len, const char *file);
	/* Before the first hit (a header row); NULL: nothing. */
	void	(*sweep_begin)(struct chousa_buf *b);
	void	(*sweep_hit)(struct chousa_buf *b, const struct chousa_hit *h,
		    int color);
	/* What the investigation of an indicator hit `hits` times gave. */
	void	(*sweep_investigation)(struct chousa_buf *b,
		    const struct chousa_report *r, uint64_t hits);
	/* The summary after the hits; NULL: it goes to stderr as text. */
	void	(*sweep_summary)(struct chousa_buf *b,
		    const struct chousa_sweep_summary *s);
	void	(*sources)(struct chousa_buf *b,
		    const struct chousa_source_row *rows, size_t n);
	void	(*cache)(struct chousa_buf *b,
		    const struct chousa_cache_listing *l);
	void	(*stats)(struct chousa_buf *b, const char *path,
		    const struct chousa_store_stats *s, int64_t now);
	/* As chousa_import_json; NULL: the import is said on stderr. */
	void	(*import)(struct chousa_buf *b, const char *source,
		    const char *file, const char *state,
		    const struct chousa_import_report *rep, int exit_status,
		    const char *error);
};

/*
 * An output format: its name (--format, the team server's format=), the
 * renderer of reports (NULL: it cannot show them) and the hooks of the
 * other kinds (NULL: reports only).  Adding a format is one file that
 * defines its renderer or hooks and one line in src/render/registry.c.
 */
struct chousa_format {
	const char				*name;
	const struct chousa_renderer		*report;
	const struct chousa_result_hooks	*results;
};

/* The formats, ended by one with a NULL name; static. */
const struct chousa_format *chousa_formats(void);
/* The format called name, or NULL; static. */
const struct chousa_format *chousa_format_find(const char *name);
/* Whether f shows kind (enum chousa_result_kind). */
int	chousa_format_shows(const struct chousa_format *f, int kind);
/*
 * The names of the formats that show kind, in table order, NULL-ended in
 * names (cap slots, the last for the NULL); returns how many.
 */
size_t	chousa_format_names(int kind, const char **names, size_t cap);
/*
 * The format called name, to show kind: CHOUSA_EINVAL with "unknown
 * format 'x' (text, json)" (the names that show kind) or "format 'x'
 * cannot show look-ups" in err.  *out is static.
 */
int	chousa_format_get(const char *name, int kind,
	    const struct chousa_format **out, struct chousa_err *err);

#endif /* CHOUSA_RENDER_RESULTS_H */
