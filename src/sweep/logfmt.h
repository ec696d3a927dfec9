/*
 * logfmt.h: the log-format interface.  A format is one file in
 * src/sweep/logfmt/ defining one const struct chousa_logfmt, and one line
 * in logfmt/registry.c.  A line format parses one line at a time into a
 * record (sweep/rec.h); a format that is not line based (captures) reads
 * the whole input itself through an lf_feed and hands over one record per
 * packet.  The sweep never knows which format it runs.
 */
#ifndef CHOUSA_SWEEP_LOGFMT_H
#define CHOUSA_SWEEP_LOGFMT_H

#include "chousa.h"
#include "sweep/rec.h"

/*
 * What a format keeps between lines (a Zeek #fields map).  It is plain
 * data up to priv, copied to each worker thread and compared after a
 * chunk to see whether a header inside it changed how later lines read.
 */
#define LF_MAX_COLS	128
#define LF_MAX_SEP	8
struct lf_state {
	int		 kind;		/* format specific */
	char		 sep[LF_MAX_SEP];	/* Zeek: field separator */
	uint8_t		 sep_len;
	char		 set_sep[LF_MAX_SEP];	/* Zeek: set separator */
	uint8_t		 set_sep_len;
	uint16_t	 n_cols;
	uint8_t		 col_role[LF_MAX_COLS];	/* Zeek: role of each column */
	uint16_t	 last_col;	/* Zeek: last column worth reading */
	char		 empty[16];	/* Zeek: "(empty)" */
	char		 unset[8];	/* Zeek: "-" */
	void		*priv;		/* from priv_new: per worker, not copied */
};

enum lf_result {
	LF_RECORD = 0,	/* rec holds a record */
	LF_SKIP,	/* a header, comment or blank line */
	LF_MALFORMED	/* counted and skipped */
};

/* What a format's per-worker state may depend on. */
struct lf_env {
	int		 keep_private;	/* the store lists private addresses */
};

/*
 * A format that is not line based reads its input through this, and hands
 * over each record (a packet) in order.  The sweep fills it in.
 */
struct lf_feed {
	const char	*name;		/* the file, for messages */
	/* The whole content when it is in memory (a mapped file), else NULL. */
	const char	*mem;
	size_t		 mem_len;
	/* Otherwise the next bytes, borrowed until the next call; *len is 0
	 * at the end.  A damaged compressed stream ends early with
	 * truncated set. */
	int		(*read)(struct lf_feed *f, const char **p, size_t *len,
			    struct chousa_err *err);
	/* rec holds the next record; non-zero stops the reading. */
	int		(*record)(struct lf_feed *f);
	/*
	 * One unit that could not be decoded, counted as a malformed line;
	 * why is a string constant (it is kept, not copied).
	 */
	void		(*malformed)(struct lf_feed *f, const char *why);
	struct rec	*rec;		/* the record to fill, per worker */
	void		*arg;		/* the sweep's */
	int		 truncated;	/* the input ended inside a unit */
	char		 warning[160];	/* why, when truncated */
};

#define LF_BINARY	0x1u	/* not line based: read(), no parse() */

struct chousa_logfmt {
	const char	*name;
	/* What --help says it is: a phrase, "Squid's native access log". */
	const char	*summary;
	/* What it counts, "packets"; NULL: "lines". */
	const char	*unit;
	unsigned	 flags;
	/* Score 0-100 for how well the first bytes fit this format. */
	int		(*probe)(const char *p, size_t len);
	/*
	 * Optional: set st up for a new file, after the sweep has zeroed
	 * all of it but priv.
	 */
	void		(*init)(struct lf_state *st);
	/*
	 * Parse one line (no newline; may hold NULs).  Fills r (cleared by
	 * the caller) with views into line or r->scratch.  why (OUT) says
	 * what is wrong with a malformed line.  NULL for LF_BINARY.
	 */
	int		(*parse)(struct lf_state *st, const char *line,
			    size_t len, struct rec *r, const char **why);
	/* Optional: per-worker state into *priv; CHOUSA_* on failure. */
	int		(*priv_new)(void **priv, const struct lf_env *env);
	void		(*priv_free)(void *priv);
	/*
	 * LF_BINARY only: read the whole input.  CHOUSA_EFORMAT when it is
	 * not this format or cannot be decoded at all, with the reason.
	 */
	int		(*read)(struct lf_state *st, struct lf_feed *f,
			    struct chousa_err *err);
};

/* A decimal port number of len bytes (1-65535), or 0 when it is not one. */
static inline unsigned
lf_port(const char *p, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/* Every format, NULL-terminated (logfmt/registry.c). */
extern const struct chousa_logfmt *const logfmt_registry[];
/* The format of that name, or NULL. */
const struct chousa_logfmt *logfmt_find(const char *name);

#endif /* CHOUSA_SWEEP_LOGFMT_H */
