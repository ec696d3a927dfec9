/*
 * json_tree.h: small readers over yajl's tree API, shared by the online
 * sources.  Every answer is parsed once into a tree (bodies are capped by
 * the HTTP layer) and read by path; a missing key or a value of another
 * type reads as absent, so parsers tolerate fields that come and go.
 */
#ifndef CHOUSA_JSON_TREE_H
#define CHOUSA_JSON_TREE_H

#include <stdint.h>
#include <yajl/yajl_tree.h>

/*
 * Parse a NUL-terminated body of len bytes.  On failure returns NULL and
 * writes a short reason to why (which says "truncated" when the text ends
 * inside a value).
 */
yajl_val	jt_parse(const char *body, size_t len, char *why,
		    size_t why_size);
void		jt_free(yajl_val v);

/* The value at a NULL-terminated path of object keys, or NULL. */
yajl_val	jt_getv(yajl_val v, const char *const *path);
#define jt_get(v, ...)	jt_getv((v), (const char *const[]){ __VA_ARGS__, NULL })

/* A string at path, or NULL (also for null and non-strings). */
const char	*jt_strv(yajl_val v, const char *const *path);
#define jt_str(v, ...)	jt_strv((v), (const char *const[]){ __VA_ARGS__, NULL })

/*
 * A number at path, accepting numbers written as strings ("105821", as the
 * abuse.ch APIs do); def when absent or not a number.
 */
int64_t		jt_intv(yajl_val v, int64_t def, const char *const *path);
#define jt_int(v, def, ...) \
	jt_intv((v), (def), (const char *const[]){ __VA_ARGS__, NULL })

/* true/false, also "true"/"false" strings; -1 when absent. */
int		jt_boolv(yajl_val v, const char *const *path);
#define jt_bool(v, ...) \
	jt_boolv((v), (const char *const[]){ __VA_ARGS__, NULL })

/* Array length and element (NULL past the end or for a non-array). */
size_t		jt_len(yajl_val arr);
yajl_val	jt_at(yajl_val arr, size_t i);

/* Whether v is a string (the tree's own test, for readability). */
int		jt_is_str(yajl_val v);

#endif /* CHOUSA_JSON_TREE_H */
