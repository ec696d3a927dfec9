/*
 * json.c: an importer's JSON document, streamed record by record into the
 * library's JSON tree (base/json_tree.h) from imp->in.  Each record's
 * place in the document is kept in imp->where for the rejects that name
 * it.
 */
#include <stdio.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define RECORD_MAX	((size_t)64 << 20)

struct js {
	struct imp		*imp;
	struct jt_stream	*st;
	jt_want_fn		 want;
	jt_record_fn		 fn;
	void			*arg;
	char			**fixed;	/* strings unNULed, this record */
	size_t			 n_fixed;
	size_t			 cap_fixed;
};

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	struct js *js = arg;

	return js->want(js->arg, path, depth);
}

/*
 * Each string of v holding a NUL ("\u0000") with the NUL as U+FFFD, as
 * the CSV fields are (imp_nul_replace): an importer reads C strings.  The
 * copies live until the record is done.
 */
static int
unnul(struct js *js, struct jnode *v)
{
	size_t i;
	char *s;

	if (v == NULL)
		return CHOUSA_OK;
	if (v->type == J_STR && v->s != NULL &&
	    memchr(v->s, '\0', v->len) != NULL) {
		if (js->n_fixed == js->cap_fixed) {
			size_t ncap = js->cap_fixed ? js->cap_fixed * 2 : 8;
			char **nv = mem_alloc(ncap * sizeof(*nv));

			if (nv == NULL)
				return CHOUSA_ENOMEM;
			if (js->n_fixed > 0)
				memcpy(nv, js->fixed, js->n_fixed *
				    sizeof(*nv));
			mem_free(js->fixed);
			js->fixed = nv;
			js->cap_fixed = ncap;
		}
		s = imp_nul_replace(NULL, v->s, v->len, &v->len);
		if (s == NULL)
			return CHOUSA_ENOMEM;
		js->fixed[js->n_fixed++] = s;
		v->s = s;
	}
	if (v->type == J_OBJ || v->type == J_ARR)
		for (i = 0; i < v->n; i++)
			if (unnul(js, v->v[i]) != CHOUSA_OK)
				return CHOUSA_ENOMEM;
	return CHOUSA_OK;
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *node)
{
	struct js *js = arg;
	const char *where = jt_stream_where(js->st);
	size_t n = strnlen(where, sizeof(js->imp->where) - 1);
	int rc;

	memcpy(js->imp->where, where, n);
	js->imp->where[n] = '\0';
	rc = unnul(js, node);
	if (rc == CHOUSA_OK)
		rc = js->fn(js->arg, path, depth, node);
	else
		rc = chousa_errf(js->imp->err, rc, "out of memory");
	while (js->n_fixed > 0)
		mem_free(js->fixed[--js->n_fixed]);
	return rc;
}

int
json_stream(struct imp *imp, jt_want_fn want_fn, jt_record_fn fn, void *arg)
{
	struct js js;
	const char *p;
	size_t len = 0;
	int rc;

	js.imp = imp;
	js.want = want_fn;
	js.fn = fn;
	js.arg = arg;
	js.fixed = NULL;
	js.n_fixed = js.cap_fixed = 0;
	rc = jt_stream_new(&js.st, imp->path, RECORD_MAX, want, record, &js,
	    imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	for (;;) {
		rc = input_read(imp->in, &p, &len, imp->err);
		if (rc != CHOUSA_OK || len == 0)
			break;
		rc = jt_stream_feed(js.st, p, len);
		if (rc != CHOUSA_OK)
			break;
	}
	if (rc == CHOUSA_OK && len == 0)
		rc = jt_stream_end(js.st);
	jt_stream_free(js.st);
	mem_free(js.fixed);
	return rc;
}

/* ---- a JSON array of records ---- */

struct records {
	struct imp	*imp;
	int		 depth;
	json_record_fn	 fn;
};

static int
records_want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	const struct records *r = arg;

	return depth == r->depth && strcmp(path[depth - 1], "[]") == 0;
}

static int
records_one(void *arg, char path[][JT_PATH_KEY], int depth,
    struct jnode *o)
{
	const struct records *r = arg;
	int rc;

	rc = imp_record(r->imp);
	if (rc != CHOUSA_OK)
		return rc;
	if (o->type != J_OBJ)
		return depth == 1 ? imp_reject(r->imp, 0, "an entry is not an "
		    "object") : imp_reject(r->imp, 0, "record '%.40s' is not "
		    "an object", path[0]);
	return r->fn(r->imp, depth == 1 ? NULL : path[0], o);
}

int
json_records(struct imp *imp, int depth, json_record_fn fn)
{
	struct records r = { imp, depth, fn };

	snprintf(imp->rep->format, sizeof(imp->rep->format), "json");
	return json_stream(imp, records_want, records_one, &r);
}
