/*
 * json_tree.h: the library's one JSON tree.  yajl's callbacks build it in
 * an arena: a whole answer at once for the online sources, the server and
 * bundles (jt_parse, bodies capped by their readers), or one record at a
 * time for the importers (jt_stream, which never holds a 2 GB export
 * whole).  Both are read with the same accessors, by path; a missing key
 * or a value of another type reads as absent, so parsers tolerate fields
 * that come and go.
 */
#ifndef CHOUSA_JSON_TREE_H
#define CHOUSA_JSON_TREE_H

#include <stddef.h>
#include <stdint.h>

struct chousa_arena;
struct chousa_err;

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

/*
 * A value.  Its fields may be read directly: s (NUL-terminated, len
 * bytes) is a string, a number's text or "true"/"false"; b a boolean;
 * an array's or object's n members are v[], an object's keys keys[].
 */
struct jnode {
	int		  type;
	const char	 *s;
	size_t		  len;
	int		  b;
	size_t		  n;
	size_t		  cap;
	const char	**keys;
	struct jnode **v;
};

#define JT_MAX_DEPTH	64
#define JT_PATH_KEY	128

/* ---- a whole document ---- */

/*
 * Parse a NUL-terminated body of len bytes (strings must be UTF-8; comments
 * are allowed).  Returns the root, which the caller frees with jt_free;
 * on failure NULL, with a short reason in why (which says "truncated" when
 * the text ends inside a value).
 */
struct jnode *jt_parse(const char *body, size_t len, char *why,
		    size_t why_size);
/* Free what jt_parse returned (NULL is fine); never a member of it. */
void		 jt_free(struct jnode *root);

/* ---- a document streamed record by record ---- */

/*
 * want: whether the value starting at depth (path[0..depth-1] are the keys
 * above it, "[]" for array members) is a record (JT_RECORD), is passed by
 * (JT_PASS), or must be the list that holds records (JT_LIST: an array or
 * null; anything else stops the parse as not the format, rather than
 * reading as a list of nothing).  fn receives each record whole, built in
 * an arena recycled between records; a non-OK return stops the parse with
 * that code.
 */
enum { JT_PASS = 0, JT_RECORD = 1, JT_LIST = 2 };
typedef int (*jt_want_fn)(void *arg, char path[][JT_PATH_KEY], int depth);
typedef int (*jt_record_fn)(void *arg, char path[][JT_PATH_KEY], int depth,
	    struct jnode *node);

struct jt_stream;

/*
 * A stream over text fed in pieces.  name says what is read in error
 * messages ("a record too large in 'name'"); records are capped at
 * record_max bytes of tree (0: 256 MiB).  Strings are taken as they come,
 * valid UTF-8 or not (feeds are not always valid; output escaping copes).
 */
int	jt_stream_new(struct jt_stream **out, const char *name,
	    size_t record_max, jt_want_fn want, jt_record_fn fn, void *arg,
	    struct chousa_err *err);
/*
 * Feed len bytes; jt_stream_end says the text is over.  Both return
 * CHOUSA_OK, fn's code, a limit met, or CHOUSA_EPARSE for text that is not
 * JSON ("'name' is not valid JSON: ..." in err).
 */
int	jt_stream_feed(struct jt_stream *st, const char *p, size_t len);
int	jt_stream_end(struct jt_stream *st);
/* After text that is not JSON, yajl's reason in one line. */
void	jt_stream_why(struct jt_stream *st, char *why, size_t why_size);
/* Where the record at hand lies: "objects[12]", "Event.Attribute[3]". */
const char *jt_stream_where(const struct jt_stream *st);
void	jt_stream_free(struct jt_stream *st);

/* ---- reading ---- */

/* The value at a NULL-terminated path of object keys, or NULL. */
struct jnode *jt_getv(const struct jnode *v, const char *const *path);
#define jt_get(v, ...)	jt_getv((v), (const char *const[]){ __VA_ARGS__, NULL })

/* A string at path, or NULL (also for null and non-strings). */
const char	*jt_strv(const struct jnode *v, const char *const *path);
#define jt_str(v, ...)	jt_strv((v), (const char *const[]){ __VA_ARGS__, NULL })

/*
 * A string, a number's text or "true"/"false" at path, as the feeds'
 * columns are read; NULL for null, containers and absent values.
 */
const char	*jt_textv(const struct jnode *v, const char *const *path);
#define jt_text(v, ...) \
	jt_textv((v), (const char *const[]){ __VA_ARGS__, NULL })

/*
 * A number at path, accepting numbers written as strings ("105821", as the
 * abuse.ch APIs do); def when absent or not a number.
 */
int64_t		jt_intv(const struct jnode *v, int64_t def,
		    const char *const *path);
#define jt_int(v, def, ...) \
	jt_intv((v), (def), (const char *const[]){ __VA_ARGS__, NULL })

/* true/false, also "true"/"false" strings; -1 when absent. */
int		jt_boolv(const struct jnode *v, const char *const *path);
#define jt_bool(v, ...) \
	jt_boolv((v), (const char *const[]){ __VA_ARGS__, NULL })

/*
 * Whether v is a number written as an integer that fits in 64 bits (not
 * "1.0", not a string), its value in *n (OUT, may be NULL).
 */
int		jt_is_integer(const struct jnode *v, int64_t *n);

/* Array length and element (NULL past the end or for a non-array). */
size_t		jt_len(const struct jnode *arr);
struct jnode *jt_at(const struct jnode *arr, size_t i);

/* Whether v is there and of type J_*. */
int		jt_is(const struct jnode *v, int type);
/* Whether v is a string (jt_is(v, J_STR), for readability). */
int		jt_is_str(const struct jnode *v);

/*
 * The non-empty strings of array v (or v itself, a string) joined by sep,
 * in arena a; NULL when none, or when the join passes 1 MiB.
 */
const char	*jt_join(struct chousa_arena *a, const struct jnode *v,
		    int sep);

#endif /* CHOUSA_JSON_TREE_H */
