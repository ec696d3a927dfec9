/*
 * json_tree.c: the JSON tree, built from yajl's callbacks into an arena,
 * and its readers.  Only the values a reader asks for are built ("each
 * member of the top-level object", "each element of objects[]", or the
 * whole document), one at a time, so a streamed export imports in the
 * memory of its largest record.  Absent, null and wrongly typed values
 * all read as "absent", so one parser copes with 2019 and 2024 shapes of
 * the same answer.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "chousa.h"
#include "base/mem.h"
#include "base/json_tree.h"

/* Past this the stream's arena is recycled before the next record. */
#define RECYCLE_AT	((size_t)4 << 20)

struct jt_stream {
	const char		*name;
	jt_want_fn		 want;
	jt_record_fn		 fn;
	void			*arg;
	struct chousa_err	*err;
	yajl_handle		 h;
	char			 path[JT_MAX_DEPTH + 1][JT_PATH_KEY];
	/* Elements begun in the array at each level ("[]" in path). */
	uint64_t		 n_elem[JT_MAX_DEPTH + 1];
	int			 depth;
	char			 where[96];
	int			 building;
	int			 root_depth;
	struct jnode		*stk[JT_MAX_DEPTH + 1];
	int			 nstk;
	const char		*key;
	struct chousa_arena	*a;
	size_t			 record_max;
	int			 owns_arena;	/* recycled between records */
	int			 rc;
};

/* ---- building ---- */

static int
fail(struct jt_stream *st, int rc, const char *msg)
{
	if (st->rc == CHOUSA_OK)
		st->rc = chousa_errf(st->err, rc, "%s in '%s'", msg,
		    st->name);
	return 0;
}

static int
add_child(struct jt_stream *st, struct jnode *parent, struct jnode *node)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct jnode **v = chousa_arena_alloc(st->a,
		    cap * sizeof(*v));
		const char **k = parent->type == J_OBJ ?
		    chousa_arena_alloc(st->a, cap * sizeof(*k)) : NULL;

		if (v == NULL || (parent->type == J_OBJ && k == NULL))
			return fail(st, CHOUSA_ELIMIT, "a record too large");
		if (parent->n) {
			memcpy(v, parent->v, parent->n * sizeof(*v));
			if (k != NULL)
				memcpy(k, parent->keys, parent->n * sizeof(*k));
		}
		parent->v = v;
		parent->keys = k;
		parent->cap = cap;
	}
	if (parent->type == J_OBJ)
		parent->keys[parent->n] = st->key != NULL ? st->key : "";
	parent->v[parent->n++] = node;
	st->key = NULL;
	return 1;
}

/* The record ends when its root closes (or is a scalar). */
static int
finish(struct jt_stream *st, struct jnode *root)
{
	int rc;

	st->building = 0;
	rc = st->fn(st->arg, st->path, st->root_depth, root);
	if (rc != CHOUSA_OK) {
		st->rc = rc;
		return 0;
	}
	return 1;
}

/* A record begins: the last one's tree is garbage now. */
static int
recycle(struct jt_stream *st)
{
	if (!st->owns_arena || chousa_arena_used(st->a) <= RECYCLE_AT)
		return 1;
	chousa_arena_free(st->a);
	st->a = NULL;
	if (chousa_arena_new(&st->a, st->record_max, st->err) != CHOUSA_OK)
		return fail(st, CHOUSA_ENOMEM, "out of memory");
	return 1;
}

/* "objects[12]", "Event.Attribute[3]": where the value at depth lies. */
static void
locate(struct jt_stream *st)
{
	size_t n = 0, size = sizeof(st->where);
	int d, w;

	st->where[0] = '\0';
	for (d = 0; d < st->depth && n < size; d++) {
		if (strcmp(st->path[d], "[]") == 0)
			w = snprintf(st->where + n, size - n, "[%llu]",
			    (unsigned long long)(st->n_elem[d] - 1));
		else
			w = snprintf(st->where + n, size - n, "%s%s",
			    n > 0 ? "." : "", st->path[d]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

static const char *
type_name(int type)
{
	switch (type) {
	case J_OBJ:	return "an object";
	case J_STR:	return "a string";
	case J_NUM:	return "a number";
	case J_BOOL:	return "true or false";
	default:	return "a value";
	}
}

/* A value where the records' list should be: not the format expected. */
static int
not_list(struct jt_stream *st, int type)
{
	char msg[160];

	locate(st);
	snprintf(msg, sizeof(msg), "'%.96s' is %s, not a list,", st->where,
	    type_name(type));
	return fail(st, CHOUSA_EPARSE, msg);
}

/* A container begins at st->depth: one level more. */
static int
push(struct jt_stream *st, int type)
{
	if (st->depth >= JT_MAX_DEPTH)
		return fail(st, CHOUSA_ELIMIT, "JSON nested too deep");
	st->depth++;
	snprintf(st->path[st->depth - 1], JT_PATH_KEY, "%s",
	    type == J_ARR ? "[]" : "");
	st->n_elem[st->depth - 1] = 0;
	return 1;
}

/* A value begins: attach it, start a record, or pass it by. */
static int
value(struct jt_stream *st, int type, const char *s, size_t len, int b)
{
	struct jnode *node;
	int container = type == J_ARR || type == J_OBJ;

	if (st->depth > 0 && strcmp(st->path[st->depth - 1], "[]") == 0)
		st->n_elem[st->depth - 1]++;
	if (!st->building) {
		int w = st->want(st->arg, st->path, st->depth);

		if (w == JT_LIST && type != J_ARR && type != J_NULL)
			return not_list(st, type);
		if (w != JT_RECORD)
			return container ? push(st, type) : 1;
		if (!recycle(st))
			return 0;
		locate(st);
		st->building = 1;
		st->root_depth = st->depth;
		st->nstk = 0;
	}
	node = chousa_arena_alloc(st->a, sizeof(*node));
	if (node == NULL)
		return fail(st, CHOUSA_ELIMIT, "a record too large");
	node->type = type;
	node->b = b;
	if (s != NULL) {
		node->s = chousa_arena_strndup(st->a, s, len);
		node->len = len;
		if (node->s == NULL)
			return fail(st, CHOUSA_ELIMIT, "a record too large");
	}
	if (st->nstk > 0 && !add_child(st, st->stk[st->nstk - 1], node))
		return 0;
	if (container) {
		st->stk[st->nstk++] = node;
		return push(st, type);
	}
	if (st->nstk == 0)
		return finish(st, node);
	return 1;
}

static int
cb_null(void *ctx)
{
	return value(ctx, J_NULL, NULL, 0, 0);
}

static int
cb_bool(void *ctx, int b)
{
	return value(ctx, J_BOOL, b ? "true" : "false", b ? 4 : 5, b);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return value(ctx, J_NUM, s, len, 0);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return value(ctx, J_STR, (const char *)s, len, 0);
}

static int
cb_start_map(void *ctx)
{
	return value(ctx, J_OBJ, NULL, 0, 0);
}

static int
cb_start_array(void *ctx)
{
	return value(ctx, J_ARR, NULL, 0, 0);
}

static int
cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jt_stream *st = ctx;

	if (st->depth > 0) {
		size_t n = len < JT_PATH_KEY - 1 ? len : JT_PATH_KEY - 1;

		memcpy(st->path[st->depth - 1], s, n);
		st->path[st->depth - 1][n] = '\0';
	}
	if (st->building) {
		st->key = chousa_arena_strndup(st->a, (const char *)s, len);
		if (st->key == NULL)
			return fail(st, CHOUSA_ELIMIT, "a record too large");
	}
	return 1;
}

static int
cb_end(void *ctx)
{
	struct jt_stream *st = ctx;

	if (st->depth > 0)
		st->depth--;
	if (!st->building)
		return 1;
	st->nstk--;
	if (st->nstk == 0)
		return finish(st, st->stk[0]);
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
};

/*
 * A stream building in arena a (NULL: its own, recycled between records),
 * validating strings and allowing comments when strict, as yajl's own tree
 * parser did for the online answers.
 */
static int
stream_open(struct jt_stream **out, const char *name, size_t record_max,
    struct chousa_arena *a, int strict, jt_want_fn want, jt_record_fn fn,
    void *arg, struct chousa_err *err)
{
	struct jt_stream *st = mem_alloc(sizeof(*st));
	int rc;

	*out = NULL;
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	st->name = name;
	st->want = want;
	st->fn = fn;
	st->arg = arg;
	st->err = err;
	st->record_max = record_max;
	st->a = a;
	if (a == NULL) {
		st->owns_arena = 1;
		rc = chousa_arena_new(&st->a, record_max, err);
		if (rc != CHOUSA_OK) {
			mem_free(st);
			return rc;
		}
	}
	st->h = yajl_alloc(&callbacks, NULL, st);
	if (st->h == NULL) {
		jt_stream_free(st);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	if (strict)
		yajl_config(st->h, yajl_allow_comments, 1);
	else
		yajl_config(st->h, yajl_dont_validate_strings, 1);
	*out = st;
	return CHOUSA_OK;
}

int
jt_stream_new(struct jt_stream **out, const char *name, size_t record_max,
    jt_want_fn want, jt_record_fn fn, void *arg, struct chousa_err *err)
{
	return stream_open(out, name, record_max, NULL, 0, want, fn, arg,
	    err);
}

static int
status(struct jt_stream *st, yajl_status s)
{
	char why[128];

	if (s == yajl_status_ok)
		return CHOUSA_OK;
	if (st->rc != CHOUSA_OK)
		return st->rc;
	jt_stream_why(st, why, sizeof(why));
	return chousa_errf(st->err, CHOUSA_EPARSE,
	    "'%s' is not valid JSON: %s", st->name, why);
}

int
jt_stream_feed(struct jt_stream *st, const char *p, size_t len)
{
	return status(st, yajl_parse(st->h, (const unsigned char *)p, len));
}

int
jt_stream_end(struct jt_stream *st)
{
	return status(st, yajl_complete_parse(st->h));
}

void
jt_stream_why(struct jt_stream *st, char *why, size_t why_size)
{
	unsigned char *msg = yajl_get_error(st->h, 0, NULL, 0);
	char *nl;

	if (msg == NULL) {
		snprintf(why, why_size, "out of memory");
		return;
	}
	nl = strchr((char *)msg, '\n');
	if (nl != NULL)
		*nl = '\0';
	snprintf(why, why_size, "%s", (char *)msg);
	yajl_free_error(st->h, msg);
}

const char *
jt_stream_where(const struct jt_stream *st)
{
	return st->where;
}

void
jt_stream_free(struct jt_stream *st)
{
	if (st == NULL)
		return;
	if (st->h != NULL)
		yajl_free(st->h);
	if (st->owns_arena)
		chousa_arena_free(st->a);
	mem_free(st);
}

/* ---- a whole document ---- */

/* The root and the arena that holds the tree, freed together. */
struct jt_doc {
	struct chousa_arena	*a;
	struct jnode		 root;
	int			 done;
};

static int
want_root(void *arg, char path[][JT_PATH_KEY], int depth)
{
	(void)arg;
	(void)path;
	return depth == 0;
}

static int
take_root(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *node)
{
	struct jt_doc *doc = arg;

	(void)path;
	(void)depth;
	doc->root = *node;
	doc->done = 1;
	return CHOUSA_OK;
}

/*
 * A hostile answer nested a million deep is refused before it is read, in
 * the same words whatever comes before it.
 */
static int
too_deep(const char *s, size_t len)
{
	int depth = 0, in_str = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > JT_MAX_DEPTH)
				return 1;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return 0;
}

struct jnode *
jt_parse(const char *body, size_t len, char *why, size_t why_size)
{
	struct chousa_err err;
	struct chousa_arena *a = NULL;
	struct jt_stream *st = NULL;
	struct jt_doc *doc;
	char ebuf[128];
	int rc;

	if (why_size > 0)
		why[0] = '\0';
	/* yajl used to read up to the NUL: a NUL inside is malformed. */
	if (strlen(body) != len) {
		snprintf(why, why_size, "a NUL byte inside the answer");
		return NULL;
	}
	if (too_deep(body, len)) {
		snprintf(why, why_size, "JSON nested over %d deep",
		    JT_MAX_DEPTH);
		return NULL;
	}
	memset(&err, 0, sizeof(err));
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		goto nomem;
	doc = chousa_arena_alloc(a, sizeof(*doc));
	if (doc == NULL)
		goto nomem;
	doc->a = a;
	if (stream_open(&st, "the answer", 0, a, 1, want_root, take_root,
	    doc, &err) != CHOUSA_OK)
		goto nomem;
	rc = jt_stream_feed(st, body, len);
	if (rc == CHOUSA_OK)
		rc = jt_stream_end(st);
	if (rc == CHOUSA_OK && doc->done) {
		jt_stream_free(st);
		return &doc->root;
	}
	if (st->rc == CHOUSA_OK) {
		jt_stream_why(st, ebuf, sizeof(ebuf));
		if (strstr(ebuf, "premature EOF") != NULL)
			snprintf(why, why_size, "truncated JSON");
		else
			snprintf(why, why_size, "malformed JSON%s%.80s",
			    ebuf[0] ? ": " : "", ebuf);
	} else
		snprintf(why, why_size, "%s", err.msg);
	jt_stream_free(st);
	chousa_arena_free(a);
	return NULL;
nomem:
	jt_stream_free(st);
	chousa_arena_free(a);
	snprintf(why, why_size, "out of memory");
	return NULL;
}

void
jt_free(struct jnode *root)
{
	if (root != NULL)
		chousa_arena_free(((struct jt_doc *)(void *)((char *)root -
		    offsetof(struct jt_doc, root)))->a);
}

/* ---- reading ---- */

/* The importers read every column of every record through here. */
struct jnode *
jt_getv(const struct jnode *v, const char *const *path)
{
	size_t i;

	for (; v != NULL && *path != NULL; path++) {
		const struct jnode *next = NULL;

		if (v->type != J_OBJ)
			return NULL;
		for (i = 0; i < v->n; i++)
			if (v->keys[i][0] == (*path)[0] &&
			    strcmp(v->keys[i], *path) == 0) {
				next = v->v[i];
				break;
			}
		v = next;
	}
	return (struct jnode *)v;
}

const char *
jt_strv(const struct jnode *v, const char *const *path)
{
	v = jt_getv(v, path);
	return v != NULL && v->type == J_STR ? v->s : NULL;
}

const char *
jt_textv(const struct jnode *v, const char *const *path)
{
	v = jt_getv(v, path);
	if (v == NULL || (v->type != J_STR && v->type != J_NUM &&
	    v->type != J_BOOL))
		return NULL;
	return v->s;
}

int
jt_is_integer(const struct jnode *v, int64_t *n)
{
	const char *p;
	long long x;
	char *end;

	if (v == NULL || v->type != J_NUM)
		return 0;
	/* Digits only, as yajl read integers: "1e3" and "1.0" are not. */
	for (p = v->s[0] == '-' ? v->s + 1 : v->s; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return 0;
	errno = 0;
	x = strtoll(v->s, &end, 10);
	if (errno != 0 || *end != '\0' || end == v->s)
		return 0;
	if (n != NULL)
		*n = (int64_t)x;
	return 1;
}

int64_t
jt_intv(const struct jnode *v, int64_t def, const char *const *path)
{
	const char *s;
	char *end;
	long long n;
	int64_t i;
	double d;

	v = jt_getv(v, path);
	if (v == NULL)
		return def;
	if (jt_is_integer(v, &i))
		return i;
	if (v->type == J_NUM) {
		errno = 0;
		d = strtod(v->s, &end);
		if (errno != 0 || *end != '\0')
			return def;
		/* Out of range (or NaN) would be undefined: absent. */
		return d > -9.2e18 && d < 9.2e18 ? (int64_t)d : def;
	}
	if (v->type != J_STR)
		return def;
	s = v->s;
	if (*s == '\0')
		return def;
	n = strtoll(s, &end, 10);
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	return *end == '\0' ? (int64_t)n : def;
}

int
jt_boolv(const struct jnode *v, const char *const *path)
{
	v = jt_getv(v, path);
	if (v == NULL)
		return -1;
	if (v->type == J_BOOL)
		return v->b;
	if (v->type == J_STR) {
		if (strcmp(v->s, "true") == 0)
			return 1;
		if (strcmp(v->s, "false") == 0)
			return 0;
	}
	return -1;
}

size_t
jt_len(const struct jnode *arr)
{
	return arr != NULL && arr->type == J_ARR ? arr->n : 0;
}

struct jnode *
jt_at(const struct jnode *arr, size_t i)
{
	return i < jt_len(arr) ? arr->v[i] : NULL;
}

int
jt_is(const struct jnode *v, int type)
{
	return v != NULL && v->type == type;
}

int
jt_is_str(const struct jnode *v)
{
	return jt_is(v, J_STR);
}

const char *
jt_join(struct chousa_arena *a, const struct jnode *v, int sep)
{
	struct chousa_buf b;
	const char *out;
	size_t i;

	if (v == NULL)
		return NULL;
	if (v->type == J_STR)
		return v->len ? v->s : NULL;
	if (v->type != J_ARR || v->n == 0)
		return NULL;
	/* Malpedia's references run to tens of KiB; a hostile array stops. */
	chousa_buf_init(&b, (size_t)1 << 20);
	for (i = 0; i < v->n; i++) {
		if (v->v[i]->type != J_STR || v->v[i]->len == 0)
			continue;
		if (b.len > 0)
			chousa_buf_addch(&b, sep);
		chousa_buf_add(&b, v->v[i]->s, v->v[i]->len);
	}
	out = b.failed || b.len == 0 ? NULL :
	    chousa_arena_strndup(a, b.data, b.len);
	chousa_buf_release(&b);
	return out;
}
