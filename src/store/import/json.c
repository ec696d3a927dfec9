/*
 * json.c: streaming JSON for the importers, over yajl's callbacks.  The
 * document is never held whole: only the values the importer asks for
 * ("each member of the top-level object", "each element of objects[]") are
 * built, one at a time, in an arena that is recycled between them.  So a
 * 2 GB export imports in the memory of its largest record, which is capped.
 */
#include <string.h>

#include <yajl/yajl_parse.h>

#include "store/import/import.h"
#include "base/mem.h"

#define RECORD_MAX	((size_t)64 << 20)

struct js {
	struct imp		*imp;
	json_want_fn		 want;
	json_record_fn		 fn;
	void			*arg;
	char			 path[JSON_MAX_DEPTH + 1][JSON_PATH_KEY];
	/* Elements begun in the array at each level ("[]" in path). */
	uint64_t		 n_elem[JSON_MAX_DEPTH + 1];
	int			 depth;
	char			 where[sizeof(((struct imp *)0)->where)];
	int			 building;
	int			 root_depth;
	struct jnode		*stk[JSON_MAX_DEPTH + 1];
	int			 nstk;
	const char		*key;
	struct chousa_arena	*a;
	int			 rc;
};

static int
fail(struct js *js, int rc, const char *msg)
{
	if (js->rc == CHOUSA_OK)
		js->rc = chousa_errf(js->imp->err, rc, "%s in '%s'", msg,
		    js->imp->path);
	return 0;
}

static int
add_child(struct js *js, struct jnode *parent, struct jnode *node)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct jnode **v = chousa_arena_alloc(js->a,
		    cap * sizeof(*v));
		const char **k = parent->type == J_OBJ ?
		    chousa_arena_alloc(js->a, cap * sizeof(*k)) : NULL;

		if (v == NULL || (parent->type == J_OBJ && k == NULL))
			return fail(js, CHOUSA_ELIMIT, "a record too large");
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
		parent->keys[parent->n] = js->key != NULL ? js->key : "";
	parent->v[parent->n++] = node;
	js->key = NULL;
	return 1;
}

/* The record ends when its root closes (or is a scalar). */
static int
finish(struct js *js, struct jnode *root)
{
	int rc;

	js->building = 0;
	memcpy(js->imp->where, js->where, sizeof(js->where));
	rc = js->fn(js->arg, js->path, js->root_depth, root);
	if (rc != CHOUSA_OK) {
		js->rc = rc;
		return 0;
	}
	if (chousa_arena_used(js->a) > ((size_t)4 << 20)) {
		chousa_arena_free(js->a);
		js->a = NULL;
		if (chousa_arena_new(&js->a, RECORD_MAX, js->imp->err) !=
		    CHOUSA_OK)
			return fail(js, CHOUSA_ENOMEM, "out of memory");
	}
	return 1;
}

/* "objects[12]", "Event.Attribute[3]": where the value at depth lies. */
static void
locate(struct js *js)
{
	size_t n = 0, size = sizeof(js->where);
	int d, w;

	js->where[0] = '\0';
	for (d = 0; d < js->depth && n < size; d++) {
		if (strcmp(js->path[d], "[]") == 0)
			w = snprintf(js->where + n, size - n, "[%llu]",
			    (unsigned long long)(js->n_elem[d] - 1));
		else
			w = snprintf(js->where + n, size - n, "%s%s",
			    n > 0 ? "." : "", js->path[d]);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* A container begins at js->depth: one level more. */
static int
push(struct js *js, int type)
{
	if (js->depth >= JSON_MAX_DEPTH)
		return fail(js, CHOUSA_ELIMIT, "JSON nested too deep");
	js->depth++;
	snprintf(js->path[js->depth - 1], JSON_PATH_KEY, "%s",
	    type == J_ARR ? "[]" : "");
	js->n_elem[js->depth - 1] = 0;
	return 1;
}

/* A value begins: attach it, start a record, or pass it by. */
static int
value(struct js *js, int type, const char *s, size_t len, int b)
{
	struct jnode *node;
	int container = type == J_ARR || type == J_OBJ;

	if (js->depth > 0 && strcmp(js->path[js->depth - 1], "[]") == 0)
		js->n_elem[js->depth - 1]++;
	if (!js->building) {
		if (!js->want(js->arg, js->path, js->depth))
			return container ? push(js, type) : 1;
		locate(js);
		js->building = 1;
		js->root_depth = js->depth;
		js->nstk = 0;
	}
	node = chousa_arena_alloc(js->a, sizeof(*node));
	if (node == NULL)
		return fail(js, CHOUSA_ELIMIT, "a record too large");
	node->type = type;
	node->b = b;
	if (s != NULL) {
		node->s = chousa_arena_strndup(js->a, s, len);
		node->len = len;
		if (node->s == NULL)
			return fail(js, CHOUSA_ELIMIT, "a record too large");
	}
	if (js->nstk > 0 && !add_child(js, js->stk[js->nstk - 1], node))
		return 0;
	if (container) {
		js->stk[js->nstk++] = node;
		return push(js, type);
	}
	if (js->nstk == 0)
		return finish(js, node);
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
	struct js *js = ctx;

	if (js->depth > 0) {
		size_t n = len < JSON_PATH_KEY - 1 ? len : JSON_PATH_KEY - 1;

		memcpy(js->path[js->depth - 1], s, n);
		js->path[js->depth - 1][n] = '\0';
	}
	if (js->building) {
		js->key = chousa_arena_strndup(js->a, (const char *)s, len);
		if (js->key == NULL)
			return fail(js, CHOUSA_ELIMIT, "a record too large");
	}
	return 1;
}

static int
cb_end(void *ctx)
{
	struct js *js = ctx;

	if (js->depth > 0)
		js->depth--;
	if (!js->building)
		return 1;
	js->nstk--;
	if (js->nstk == 0)
		return finish(js, js->stk[0]);
	return 1;
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
};

int
json_stream(struct imp *imp, json_want_fn want, json_record_fn fn,
    void *arg)
{
	struct js *js = mem_alloc(sizeof(*js));
	yajl_handle h = NULL;
	yajl_status st;
	const char *p;
	size_t len;
	int rc;

	if (js == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	js->imp = imp;
	js->want = want;
	js->fn = fn;
	js->arg = arg;
	rc = chousa_arena_new(&js->a, RECORD_MAX, imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	h = yajl_alloc(&callbacks, NULL, js);
	if (h == NULL) {
		rc = chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	/* Feeds are not always valid UTF-8; output escaping copes. */
	yajl_config(h, yajl_dont_validate_strings, 1);
	for (;;) {
		rc = input_read(imp->in, &p, &len, imp->err);
		if (rc != CHOUSA_OK)
			goto out;
		if (len == 0)
			break;
		st = yajl_parse(h, (const unsigned char *)p, len);
		if (st != yajl_status_ok)
			goto bad;
	}
	st = yajl_complete_parse(h);
	if (st != yajl_status_ok)
		goto bad;
	rc = CHOUSA_OK;
	goto out;
bad:
	if (js->rc != CHOUSA_OK)
		rc = js->rc;
	else {
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
		char *nl;

		nl = strchr((char *)msg, '\n');
		if (nl != NULL)
			*nl = '\0';
		rc = chousa_errf(imp->err, CHOUSA_EPARSE,
		    "'%s' is not valid JSON: %s", imp->path, (char *)msg);
		yajl_free_error(h, msg);
	}
out:
	if (h != NULL)
		yajl_free(h);
	chousa_arena_free(js->a);
	mem_free(js);
	return rc;
}

struct jnode *
jget(const struct jnode *o, const char *key)
{
	size_t i;

	if (o == NULL || o->type != J_OBJ)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return o->v[i];
	return NULL;
}

const char *
jstr(const struct jnode *o, const char *key)
{
	struct jnode *v = jget(o, key);

	if (v == NULL || (v->type != J_STR && v->type != J_NUM &&
	    v->type != J_BOOL))
		return NULL;
	return v->s;
}
