/*
 * json.c: an importer's JSON document, streamed record by record into the
 * library's JSON tree (base/json_tree.h) from imp->in.  Each record's
 * place in the document is kept in imp->where for the rejects that name
 * it.
 */
#include <string.h>

#include "store/import/import.h"

#define RECORD_MAX	((size_t)64 << 20)

struct js {
	struct imp		*imp;
	struct jt_stream	*st;
	jt_want_fn		 want;
	jt_record_fn		 fn;
	void			*arg;
};

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	struct js *js = arg;

	return js->want(js->arg, path, depth);
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *node)
{
	struct js *js = arg;
	const char *where = jt_stream_where(js->st);
	size_t n = strnlen(where, sizeof(js->imp->where) - 1);

	memcpy(js->imp->where, where, n);
	js->imp->where[n] = '\0';
	return js->fn(js->arg, path, depth, node);
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
	return rc;
}
