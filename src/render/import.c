/*
 * import.c: the JSON line `chousa import --json` and `chousa update --json`
 * print for each file: what was imported, or why it was not.
 */
#include <string.h>

#include "chousa.h"

void
chousa_import_json(struct chousa_buf *b, const char *source,
    const char *file, const char *state,
    const struct chousa_import_report *rep, int exit_status,
    const char *error)
{
	static const struct chousa_import_report none;
	const struct chousa_import_report *r = rep != NULL ? rep : &none;
	int done = rep != NULL && error == NULL;
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "source", source);
	chousa_jw_kstr(&w, "file", file);
	chousa_jw_kstr(&w, "state", state);
	chousa_jw_key(&w, "format");
	chousa_jw_strn_or_null(&w, r->format, strlen(r->format));
	chousa_jw_key(&w, "sha256");
	chousa_jw_strn_or_null(&w, r->sha256, strlen(r->sha256));
	/* Counts of an import that did not finish would mislead: null. */
	chousa_jw_kint_if(&w, "rows_read", (int64_t)r->rows_read, done);
	chousa_jw_kint_if(&w, "added", (int64_t)r->added, done);
	chousa_jw_kint_if(&w, "updated", (int64_t)r->updated, done);
	chousa_jw_kint_if(&w, "rejected", (int64_t)r->rejected, done);
	chousa_jw_kint(&w, "exit_status", error != NULL ? exit_status : 0);
	chousa_jw_kstr(&w, "error", error);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
