/*
 * chousa/render.h: the documents of results other than investigation
 * reports (src/render/): a store look-up, the indicators extracted from
 * text, and the list of sources.  Each is one call that gathers the result
 * and writers that format it as text and as JSON, so that the CLI's output
 * and the team server's answers (src/serve/) are the same bytes.  Part of
 * chousa.h.
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
	 * A match on the indicator, its host, a listed parent or range;
	 * or one only through the registrable domain or URLs hosted there
	 * while no known-benign list covers the indicator.
	 */
	int			 is_malicious;
};

/*
 * Look text (an indicator as written, maybe defanged) up in st, records
 * and benign lists from one snapshot of the store.  CHOUSA_EPARSE (with the
 * reason in err) when text is not an indicator; other codes when the store
 * cannot be read.
 */
int	chousa_lookup(struct chousa_store *st, struct chousa_arena *a,
	    const char *text, size_t len, struct chousa_lookup *out,
	    struct chousa_err *err);
/*
 * The `chousa lookup` text block of one indicator; color adds the SGR
 * codes of a terminal (a verdict of malicious in red, benign in green).
 */
void	chousa_lookup_text(struct chousa_buf *b, struct chousa_arena *a,
	    const struct chousa_lookup *l, int color);
/* One object of the `chousa lookup --json` array (no separator). */
void	chousa_lookup_json(struct chousa_buf *b, const struct chousa_lookup *l);

/* ---- extraction (src/render/extract.c) ---- */

/*
 * One indicator found by chousa_extract() as a TSV line ("type\tvalue\n")
 * or a JSON line ({"type","value","raw","offset"[,"file"]}).  value is what
 * to print (the normal form, or its defanged form); file is NULL unless
 * several files are read.
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

#endif /* CHOUSA_RENDER_RESULTS_H */
