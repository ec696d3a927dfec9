/*
 * chousa/sweep.h: sweeping logs and captures against the store.  Part of
 * chousa.h.
 *
 * A matcher is built once per run from the store: hash sets of exact
 * values (IPv4, IPv6, domains, URLs, file hashes), sorted CIDR intervals
 * and the known-benign entries.  A sweep reads one log or capture, parses
 * each line with a log format (src/sweep/logfmt/), looks up the fields where
 * that format really shows an indicator, and calls a hit callback.  The
 * sweep allocates nothing per line.
 */
#ifndef CHOUSA_SWEEP_H
#define CHOUSA_SWEEP_H

/* ---- the matcher ---- */

struct chousa_matcher;

/* How a hit matched; names by chousa_sweep_match_name(). */
enum chousa_sweep_match {
	CHOUSA_SWEEP_EXACT = 0,	/* a field equals the indicator */
	CHOUSA_SWEEP_PARENT,	/* a listed domain is a parent of the field */
	CHOUSA_SWEEP_CIDR,	/* the address is inside a listed range */
	CHOUSA_SWEEP_URL,	/* a URL rebuilt from host, port and path */
	CHOUSA_SWEEP_HOST	/* a listed domain or IP is a URL's host */
};
const char *chousa_sweep_match_name(int match);	/* "exact", "parent"... */

/* What a matcher holds, and what building it cost. */
struct chousa_matcher_stats {
	uint64_t	n_ipv4;
	uint64_t	n_ipv6;
	uint64_t	n_domain;
	uint64_t	n_url;
	uint64_t	n_hash;
	uint64_t	n_cidr;
	uint64_t	n_benign;
	uint64_t	n_rows;		/* rows read, several per value */
	uint64_t	n_skipped;	/* rows of types it cannot match */
	size_t		memory;		/* bytes it holds */
	double		build_seconds;	/* chousa_matcher_from_store only */
};

/*
 * An empty matcher; add rows, then chousa_matcher_finish() before the
 * first sweep.  Caller frees with chousa_matcher_free().
 */
int	chousa_matcher_new(struct chousa_matcher **out, struct chousa_err *err);
void	chousa_matcher_free(struct chousa_matcher *m);

/*
 * Add one indicator row (the value in its normal form, as the store keeps
 * it).  The same value from several sources is one entry whose sources
 * and families are joined with ",".  Rows of a type the matcher cannot
 * look for (email, ASN...) are counted in n_skipped.  Strings are copied.
 */
int	chousa_matcher_add(struct chousa_matcher *m,
	    const struct chousa_store_row *row, struct chousa_err *err);
/* Add one known-benign entry (a domain, IP or CIDR). */
int	chousa_matcher_add_benign(struct chousa_matcher *m,
	    const struct chousa_store_row *row, struct chousa_err *err);
/* Sort the CIDR intervals; the matcher is read-only afterwards. */
int	chousa_matcher_finish(struct chousa_matcher *m, struct chousa_err *err);

/*
 * Build a matcher from every indicator and benign entry of the store
 * (chousa_store_foreach and chousa_store_foreach_benign), finished.
 */
int	chousa_matcher_from_store(struct chousa_matcher **out,
	    struct chousa_store *st, struct chousa_err *err);

/* Fill st (OUT) with the counts, memory and build time. */
void	chousa_matcher_stats(const struct chousa_matcher *m,
	    struct chousa_matcher_stats *st);

/* ---- sweeping ---- */

/*
 * One hit.  All strings are borrowed for the callback only and are not
 * NUL-terminated unless said; they come from the log and are untrusted:
 * escape them for the output (chousa_esc_*).
 */
struct chousa_hit {
	const char		*file;		/* the path given, NUL-terminated */
	uint64_t		 line;		/* 1-based, header lines counted;
						 * the packet number for pcap */
	int64_t			 time;		/* Unix seconds, 0 unknown */
	struct chousa_str	 time_text;	/* the time as the log writes it */
	/*
	 * The internal host: the end of the flow inside the private or
	 * internal ranges; when both or neither are, the end that is not
	 * listed, else the client.  Every hit of one line has the same.
	 */
	struct chousa_str	 src;		/* or empty */
	struct chousa_str	 dst;		/* the other end, or the value */
	struct chousa_str	 observed;	/* the field value that matched */
	int			 match;		/* enum chousa_sweep_match */
	int			 type;		/* the indicator's type */
	const char		*indicator;	/* NUL-terminated, borrowed from
						 * the matcher */
	const char		*sources;	/* "urlhaus,threatfox" */
	const char		*family;	/* "" when none is known */
	int64_t			 first_seen;	/* of the indicator, 0 unknown */
	int64_t			 last_seen;
};

/* Called for each hit, in line order; a non-zero return stops the sweep. */
typedef int (*chousa_hit_fn)(void *arg, const struct chousa_hit *hit);

/* Called for each of the first malformed lines (opts.max_malformed). */
typedef void (*chousa_malformed_fn)(void *arg, const char *file,
	    uint64_t line, const char *why, const char *text, size_t len);

struct chousa_sweep_stats;
/*
 * Called after each member of a zip or tar is swept, as its own file
 * ("ARCHIVE:MEMBER", the hits' file too): rc is what chousa_sweep_file
 * would return for it, with err; st its own counts.
 */
typedef void (*chousa_member_fn)(void *arg, const char *file, int rc,
	    const struct chousa_sweep_stats *st, const struct chousa_err *err);

#define CHOUSA_SWEEP_MAX_LINE	((size_t)16 << 20)	/* default line cap */

struct chousa_sweep_opts {
	const char		*format;	/* a format name or "auto"/NULL */
	/*
	 * Address ranges that are internal besides the private ones
	 * ("192.0.2.0/24,2001:db8::/32"), or NULL.  A hit's src is the
	 * end of the flow inside them (see chousa_hit).
	 */
	const char		*internal;
	int			 threads;	/* 0: the number of cores, max 8 */
	/*
	 * Keep the hits a known-benign list or chousa's lists of shared
	 * platforms and public resolvers would leave out.
	 */
	int			 no_benign_filter;
	int			 as_of_log_time;	/* hits only if listed then */
	int64_t			 window;	/* seconds around the log time */
	size_t			 max_line;	/* 0: CHOUSA_SWEEP_MAX_LINE */
	chousa_progress_fn	 progress;	/* bytes read of total */
	void			*progress_arg;
	chousa_malformed_fn	 malformed;	/* or NULL */
	void			*malformed_arg;
	unsigned		 max_malformed;	/* how many to report */
	chousa_member_fn	 member;	/* or NULL */
	void			*member_arg;
};

/* What one sweep read and found. */
struct chousa_sweep_stats {
	char		format[16];	/* the format used */
	uint64_t	bytes;		/* bytes read (uncompressed) */
	uint64_t	lines;		/* lines or packets */
	uint64_t	records;	/* lines that parsed as records */
	uint64_t	malformed;	/* lines skipped as malformed */
	uint64_t	hits;
	uint64_t	hit_lines;	/* lines with at least one hit */
	/*
	 * Hits left out as known-benign (--no-benign-filter keeps them):
	 * all of them, and of them those that chousa's own lists of shared
	 * platforms and public resolvers left out (data/).
	 */
	uint64_t	benign_suppressed;
	uint64_t	shared_suppressed;
	uint64_t	resolver_suppressed;
	uint64_t	time_suppressed;	/* --as-of-log-time */
	int		truncated;	/* the input ended early or damaged */
	char		warning[160];	/* why, when truncated */
	int		threads;	/* threads used */
	/*
	 * A zip or tar: its regular members swept (each as its own file,
	 * the counts above their sums, format the first's), those of them
	 * that could not be read (no format fits), and the members that are
	 * no regular file (links, devices), skipped.
	 */
	uint64_t	members;
	uint64_t	members_unreadable;
	uint64_t	members_skipped;
};

/*
 * Sweep one file ("-" is standard input).  Compressed input (gzip, bzip2,
 * xz, zstd) is read as import reads it; every regular member of a zip or
 * a tar (plain or compressed) is swept as a file of its own, named
 * "ARCHIVE:MEMBER", within the decompression caps of the whole archive.  fn is called
 * for each hit, in line order.  stats (OUT, may be NULL) is filled even
 * on failure with what was read.  A truncated or damaged compressed
 * stream or capture is not an error: stats->truncated says so.  Returns
 * CHOUSA_EIO when the file cannot be read at all, CHOUSA_EFORMAT when no
 * format fits (auto), the name is unknown, or a capture cannot be read or
 * decoded at all, CHOUSA_EINVAL for an unfinished matcher or a bad
 * opts->internal.
 */
int	chousa_sweep_file(const struct chousa_matcher *m, const char *path,
	    const struct chousa_sweep_opts *opts, chousa_hit_fn fn, void *arg,
	    struct chousa_sweep_stats *stats, struct chousa_err *err);

/*
 * Sweep a buffer already in memory (tests, fuzzing): as chousa_sweep_file
 * on one thread, name is used as the hit's file.
 */
int	chousa_sweep_buffer(const struct chousa_matcher *m, const char *name,
	    const void *data, size_t len, const struct chousa_sweep_opts *opts,
	    chousa_hit_fn fn, void *arg, struct chousa_sweep_stats *stats,
	    struct chousa_err *err);

/*
 * Sweep a stream that fn reads, as it comes (an upload): as
 * chousa_sweep_file on one thread, name is used as the hit's file.
 * fn(arg, buf, cap) puts up to cap bytes in buf and returns how many, 0 at
 * the end, or -1 with errno set (the sweep then fails with CHOUSA_EIO, or,
 * past compressed data's start, ends truncated).  Compressed streams are
 * read as chousa_sweep_file reads them.
 */
typedef long (*chousa_read_fn)(void *arg, void *buf, size_t cap);
int	chousa_sweep_stream(const struct chousa_matcher *m, const char *name,
	    chousa_read_fn fn, void *fn_arg,
	    const struct chousa_sweep_opts *opts, chousa_hit_fn hit, void *arg,
	    struct chousa_sweep_stats *stats, struct chousa_err *err);

/*
 * The format that fits the first bytes of a log best ("zeek", "eve"...),
 * or NULL when none scores.  The names of every format, NULL-terminated,
 * in the order auto asks them; static.
 */
const char *chousa_sweep_detect(const void *data, size_t len);
const char *const *chousa_sweep_format_names(void);
/*
 * What the format called name is, a phrase for --help ("Squid's native
 * access log"), or NULL when there is no such format; and what its
 * chousa_sweep_stats.lines count: "lines", or "packets" for captures.
 */
const char *chousa_sweep_format_summary(const char *name);
const char *chousa_sweep_format_unit(const char *name);

/* Check a list of internal ranges (opts.internal); CHOUSA_EINVAL if bad. */
int	chousa_sweep_check_internal(const char *list,
	    struct chousa_err *err);

#endif /* CHOUSA_SWEEP_H */
