/*
 * import.h: what the importers share.  Each format is one file defining a
 * struct importer (name, probe, run), listed in registry.c.  An importer
 * reads from imp->in and writes only through imp_put_*, which normalise
 * values with chousa_ioc_parse, map family labels to Malpedia ids and
 * count added, updated and rejected rows.  The caller holds the
 * transaction.
 */
#ifndef CHOUSA_IMPORT_H
#define CHOUSA_IMPORT_H

#include "store/store.h"
#include "base/input.h"

struct imp_pipe;

struct imp {
	struct chousa_store		*st;
	struct input			*in;	/* NULL for a directory */
	const char			*path;
	const struct chousa_import_opts	*opts;
	struct chousa_import_report	*rep;
	const char			*source;	/* recorded in rows */
	int64_t				 import_id;
	int64_t				 now;
	struct chousa_arena		*a;	/* per-row scratch */
	struct chousa_err		*err;
	struct imp_pipe			*pipe;	/* NULL: write inline */
};

struct importer {
	const char	*name;
	const char	*expects;	/* "a URLhaus CSV, JSON or URL list" */
	/* 0-100: how sure the first bytes are this importer's format. */
	int		(*probe)(const char *p, size_t len);
	int		(*run)(struct imp *imp);
	/* Writes nothing but imp_put_indicator: may use the pipeline. */
	int		 pipelined;
};

extern const struct importer *const importers[];

/*
 * Count a rejected row at line (0: unknown) with a reason.  Returns
 * CHOUSA_EPARSE under --strict (the import fails), else CHOUSA_OK.
 */
int	imp_reject(struct imp *imp, uint64_t line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* One indicator as a feed gives it; NULL/0/-1 for what it leaves out. */
struct imp_ind {
	const char	*value;
	size_t		 value_len;
	unsigned	 types;		/* what value may be; 0 any */
	const char	*source_id;
	int64_t		 first_seen;
	int64_t		 last_seen;
	const char	*status;
	const char	*threat;
	const char	*family;	/* a label, mapped to an id here */
	const char	*family_alt;	/* tried when family is not known */
	int		 family_from_tags; /* else the first tag known */
	const char	*tags;
	int		 confidence;
	const char	*reference;
	unsigned	 port;
};

/* An indicator row, normalised, as it is written. */
struct ind_row {
	const char	*value, *source_id, *status, *threat, *family,
			*family_alt, *tags, *reference, *host, *regdomain;
	size_t		 value_len;
	int		 type, confidence, prefix, net_len, family_from_tags;
	unsigned	 port;
	int64_t		 first_seen, last_seen, vhash, hhash, rhash;
	uint8_t		 net[16];
	uint64_t	 line;
};

/* Write one row (family mapped here), counting it; errors go to err. */
int	imp_write_row(struct imp *imp, const struct ind_row *row,
	    struct chousa_err *err);

/* ---- the write pipeline (pipe.c) ---- */

/*
 * Start a thread that writes the rows imp_put_indicator pushes, while the
 * importer's thread reads and normalises the next ones.  imp_pipe_drain
 * waits until every row pushed is written (the SQLite handle is then the
 * caller's again); imp_pipe_stop drains, ends the thread, and gives the
 * first error either side met.
 */
int	imp_pipe_start(struct imp *imp);
int	imp_pipe_push(struct imp *imp, const struct ind_row *row);
int	imp_pipe_drain(struct imp *imp);
int	imp_pipe_stop(struct imp *imp);

/* Normalise and upsert; a value that does not parse is a reject. */
int	imp_put_indicator(struct imp *imp, const struct imp_ind *ind,
	    uint64_t line);
int	imp_put_sample(struct imp *imp, const struct chousa_sample *s);
int	imp_put_relation(struct imp *imp, int rel, int from_type,
	    const char *from, int to_type, const char *to, int64_t seen);
int	imp_put_family(struct imp *imp, const struct chousa_family *f,
	    const char *uuid);
int	imp_put_benign(struct imp *imp, const char *list, const char *kind,
	    const char *match, const char *entry, size_t entry_len,
	    uint64_t line);
/* A label as the family id it maps to, or itself; NULL for no family. */
const char *imp_family(struct imp *imp, const char *label);
/* A time as feeds write it; 0 when empty or unreadable. */
int64_t	imp_time(const char *s);
/* Count a row read and report progress now and then. */
void	imp_row(struct imp *imp);
/*
 * Recycle the scratch arena when it has grown.  Call it before a row's
 * first allocation, never while a row's strings are in use.
 */
int	imp_scratch(struct imp *imp);
/* A JSON record begins: imp_row() and imp_scratch() in one. */
int	imp_record(struct imp *imp);
/* Whether a value is one of the feeds' ways of writing nothing. */
int	imp_is_null(const char *s, size_t len);
/* Case-insensitive search in the first len bytes. */
int	imp_contains(const char *p, size_t len, const char *needle);

/* ---- CSV (csv.c) ---- */

#define CSV_MAX_FIELDS	64
#define CSV_MAX_COLS	24

/*
 * The abuse.ch CSV dialects: quoted fields, "," or ", " between them, the
 * header either a comment line ("# id,dateadded,...") or a plain first
 * line, footers as comments.  Columns are found by name.
 */
struct csv {
	const char *const	*names;		/* wanted columns, NULL-ended */
	int			 idx[CSV_MAX_COLS];
	int			 have_header;
	int			 min_match;	/* names a header must hold */
	char			*f[CSV_MAX_FIELDS];
	size_t			 fl[CSV_MAX_FIELDS];
	int			 nf;
	uint64_t		 line;
};

void	csv_init(struct csv *c, const char *const *names, int min_match);
/*
 * The next data row into c->f; *eof at the end.  Comment lines and the
 * header are consumed here; an unreadable row is rejected here.
 */
int	csv_next(struct imp *imp, struct csv *c, int *eof);
/* Column i of names as a NUL-terminated string; NULL when null/absent. */
const char *csv_get(struct csv *c, int i);
/* Split line in place; returns the number of fields, -1 when malformed. */
int	csv_split(char *line, size_t len, char **f, size_t *fl, int max);
/* The first non-comment, non-blank line of p, or NULL. */
const char *probe_first_data(const char *p, size_t len, size_t *line_len);

/* ---- streaming JSON (json.c) ---- */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	int		  type;
	const char	 *s;		/* string, or a number's text */
	size_t		  len;
	int		  b;
	size_t		  n;		/* members */
	size_t		  cap;
	const char	**keys;		/* objects */
	struct jnode	**v;
};

#define JSON_MAX_DEPTH	64
#define JSON_PATH_KEY	128

/*
 * want: whether the value starting at depth (path[0..depth-1] are the keys
 * above it, "[]" for array members) is a record.  fn receives each record
 * whole, built in the scratch arena; a non-OK return stops the parse.
 */
typedef int (*json_want_fn)(void *arg, char path[][JSON_PATH_KEY], int depth);
typedef int (*json_record_fn)(void *arg, char path[][JSON_PATH_KEY],
	    int depth, struct jnode *node);

int	json_stream(struct imp *imp, json_want_fn want, json_record_fn fn,
	    void *arg);
/* Member key of an object, or NULL. */
struct jnode *jget(const struct jnode *o, const char *key);
/* A string member (numbers as their text), or NULL for null/absent. */
const char *jstr(const struct jnode *o, const char *key);
/* The strings of array v joined by sep, in arena a; NULL when none. */
const char *jjoin(struct chousa_arena *a, const struct jnode *v, int sep);
/* The first non-space byte of p is c. */
int	probe_starts(const char *p, size_t len, int c);

#endif /* CHOUSA_IMPORT_H */
