/*
 * import.h: what the importers share.  Each format is one file defining a
 * struct importer (its feed's descriptor, what it expects, how it
 * recognises its format, how it runs), listed in registry.c.  An importer
 * reads from imp->in and writes only through imp_put_*, which normalise
 * values with chousa_ioc_parse, map family labels to Malpedia ids and
 * count added, updated and rejected rows.  The caller holds the
 * transaction.
 */
#ifndef CHOUSA_IMPORT_H
#define CHOUSA_IMPORT_H

#include "store/store.h"
#include "base/input.h"
#include "base/json_tree.h"

struct imp_pipe;
struct jshape;

/* A feed of URLs, domains and IPs: its local source's types. */
#define FEED_HOST_TYPES	(CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | \
	CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_IPS)

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
	/* What detection saw of a JSON document, or NULL. */
	const struct jshape		*shape;
	/* Where in a JSON document the record at hand is ("objects[3]"). */
	char				 where[96];
	uint64_t			 n_rows;	/* rows begun */
	int				 from_memory;	/* no file beside */
};

/*
 * An importer, and through feed everything about the feed it reads: its
 * download, its key, the local source that answers for it (see struct
 * chousa_feed in chousa/store.h).
 */
struct importer {
	struct chousa_feed feed;
	const char	*expects;	/* "a URLhaus CSV, JSON or URL list" */
	/* What it reads, for import --help: "CSV dumps, JSON dump, ..." */
	const char	*help;
	/*
	 * 0-100: how sure the first bytes of a document that is not JSON
	 * are this importer's format; NULL when it reads JSON only.
	 */
	int		(*probe)(const char *p, size_t len);
	int		(*run)(struct imp *imp);
	/* Writes nothing but imp_put_indicator: may use the pipeline. */
	int		 pipelined;
	/*
	 * 0-100: how sure the structure of a JSON document is this
	 * importer's format (90 and up: certain); NULL when it reads no
	 * JSON.
	 */
	int		(*probe_json)(const struct jshape *sh);
};

extern const struct importer *const importers[];

/* What an import reads: a path ("-" stdin), or bytes in memory. */
struct import_src {
	const char	*path;
	const void	*mem;		/* NULL: read path */
	size_t		 mem_len;
};

/*
 * The importer for source ("auto": the one the content names; in NULL: a
 * directory) and, for a JSON document, what detection saw of it (*shape,
 * caller frees with mem_free, else NULL).  in is only peeked; when its
 * first 64 KiB do not decide, the document is read again from src, to its
 * end if need be.  Content that is empty, or not the named format, or
 * that no importer names is CHOUSA_EFORMAT saying what it is.
 */
int	import_choose(const char *source, const struct import_src *src,
	    struct input *in, const struct importer **out,
	    struct jshape **shape, struct chousa_err *err);

/*
 * Count a rejected row at line (0: not a line: imp->where, when set, says
 * where in the document) with a reason.  Returns CHOUSA_EPARSE under
 * --strict (the import fails), else CHOUSA_OK.
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
	/*
	 * Seen in a report, not listed (a MISP attribute with to_ids false,
	 * a STIX observable): identification evidence, never a verdict.
	 */
	int		 is_observation;
	/*
	 * The value is a URL even without a scheme ("host/path" in a STIX
	 * url:value or a MISP url attribute): read it as http.
	 */
	int		 url_context;
};

/* An indicator row, normalised, as it is written. */
struct ind_row {
	const char	*value, *source_id, *status, *threat, *family,
			*family_alt, *tags, *reference, *host, *regdomain;
	size_t		 value_len;
	int		 type, confidence, prefix, net_len, family_from_tags,
			 is_observation;
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
/* A row begins: report progress now and then. */
void	imp_row(struct imp *imp);
/*
 * A comment line before the data (without its '#'): a "Last updated:"
 * date in it is when the file's data was published (rep->published_at).
 */
void	imp_comment(struct imp *imp, const char *p, size_t len);
/*
 * Count a record the importer leaves out by design (a MISP comment, a STIX
 * pattern on a file name): not read as an indicator, and said so.  what
 * names the kind ("file:name"); the first kinds are kept for the report.
 */
void	imp_skip(struct imp *imp, const char *what);
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

/*
 * The len bytes of s, each NUL as U+FFFD (EF BF BD), NUL-terminated, in a
 * (NULL: mem_alloc, the caller frees); *out_len (may be NULL) gets the
 * length.  A feed's text is C strings from here on, and a NUL would cut
 * a tag or a name short unseen; kept whole, the value is stored and shown
 * as the feed gave it, the NUL visible.  NULL without memory.
 */
char	*imp_nul_replace(struct chousa_arena *a, const char *s, size_t len,
	    size_t *out_len);

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

/*
 * Stream imp->in through the JSON tree (base/json_tree.h): want picks the
 * records, fn receives each one whole with imp->where saying where it
 * lies.  A non-OK return from fn stops the parse.
 */
int	json_stream(struct imp *imp, jt_want_fn want, jt_record_fn fn,
	    void *arg);
/*
 * A feed that is a JSON array of records, at the top ([{...}, ...], depth
 * 1) or one under each key ({"<id>": [{...}], ...}, depth 2).  fn gets
 * each record that is an object, after imp_record(), with its key (NULL at
 * depth 1); one that is not an object is rejected here.  The report's
 * format says json.
 */
typedef int (*json_record_fn)(struct imp *imp, const char *key,
	    struct jnode *o);
int	json_records(struct imp *imp, int depth, json_record_fn fn);
/* The first non-space byte of p is c. */
int	probe_starts(const char *p, size_t len, int c);

/* ---- the shape of a JSON document (detect.c) ---- */

#define SHAPE_OBJECTS	32
#define SHAPE_KEYS	40
#define SHAPE_NAME	48
#define SHAPE_VALUE	80
#define SHAPE_PATH	96

struct shape_key {
	char	name[SHAPE_NAME];
	int	type;			/* J_* of its value */
	int	elem;			/* arrays: the first element's J_* */
	char	value[SHAPE_VALUE];	/* scalars: the start of the text */
};

/* The first object met at one place of the document. */
struct shape_obj {
	char		 path[SHAPE_PATH];	/* "", "objects[]", "Tag[]" */
	char		 gpath[SHAPE_PATH];	/* root members' keys as "*" */
	struct shape_key keys[SHAPE_KEYS];
	int		 n_keys;
	int		 n_more;	/* keys past SHAPE_KEYS */
	int		 closed;	/* read to its end */
};

struct jshape {
	int		 root;		/* J_* of the document, -1 none */
	int		 root_elem;	/* a root array's first element, -1 */
	struct shape_obj obj[SHAPE_OBJECTS];
	int		 n_obj;
	uint64_t	 n_members;	/* of the root, so far */
	int		 complete;	/* read to its end, valid */
	int		 partial;	/* only its start was read (stdin) */
	char		 error[128];	/* not valid JSON: why */
};

/* Stop reading (nonzero) once the samples say enough. */
typedef int (*shape_stop_fn)(void *arg, const struct jshape *sh);

/*
 * Read in (a fresh one: it is consumed) into sh, asking stop after each
 * sampled object and root member.  Invalid JSON is not an error here:
 * sh->error says it, and the samples keep what came before.
 */
int	shape_read(struct jshape *sh, struct input *in, shape_stop_fn stop,
	    void *arg, struct chousa_err *err);
/* The same over bytes p, which are all of the document when all. */
int	shape_scan(struct jshape *sh, const char *p, size_t len, int all,
	    shape_stop_fn stop, void *arg, struct chousa_err *err);
/* The sample at path, or at gpath ("*" for a root member's key); NULL. */
const struct shape_obj *shape_obj(const struct jshape *sh, const char *path);
const struct shape_obj *shape_gobj(const struct jshape *sh,
	    const char *gpath);
/* A sampled object's key, or NULL (o may be NULL). */
const struct shape_key *shape_key(const struct shape_obj *o,
	    const char *name);
/* Whether o has key name with a value of type (-1: any). */
int	shape_has(const struct shape_obj *o, const char *name, int type);
/* The start of a string member, or NULL. */
const char *shape_str(const struct shape_obj *o, const char *name);
/* "a JSON object with keys "a", "b", ..." or a known shape's name. */
void	shape_describe(struct chousa_buf *b, const struct jshape *sh);

#endif /* CHOUSA_IMPORT_H */
