/*
 * import.c: the JSON line `chousa import --json` and `chousa update --json`
 * print for each file: what was imported, or why it was not.
 */
#include <string.h>

#include "chousa.h"

/* A count, null when the import did not finish. */
static void
count(struct chousa_jw *w, const char *key, uint64_t v, int done)
{
	chousa_jw_key(w, key);
	if (done)
		chousa_jw_uint(w, v);
	else
		chousa_jw_null(w);
}

void
chousa_import_json(struct chousa_buf *b, const char *source,
    const char *file, const char *state,
    const struct chousa_import_report *rep, int exit_status,
    const char *error)
{
	int done = rep != NULL && error == NULL;
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "source", source);
	chousa_jw_kstr(&w, "file", file);
	chousa_jw_kstr(&w, "state", state);
	chousa_jw_key(&w, "format");
	chousa_jw_strn_or_null(&w, rep != NULL ? rep->format : NULL,
	    rep != NULL ? strlen(rep->format) : 0);
	chousa_jw_key(&w, "sha256");
	chousa_jw_strn_or_null(&w, rep != NULL ? rep->sha256 : NULL,
	    rep != NULL ? strlen(rep->sha256) : 0);
	count(&w, "rows_read", rep != NULL ? rep->rows_read : 0, done);
	count(&w, "added", rep != NULL ? rep->added : 0, done);
	count(&w, "updated", rep != NULL ? rep->updated : 0, done);
	count(&w, "rejected", rep != NULL ? rep->rejected : 0, done);
	chousa_jw_kint(&w, "exit_status", error != NULL ? exit_status : 0);
	chousa_jw_kstr(&w, "error", error);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
