/*
 * import.c: what `chousa import` says of each file, on a terminal and in
 * the JSON line `chousa import --json` and `chousa update --json` print:
 * what was imported, or why it was not.  The team server's import says
 * the same through these.
 */
#include <string.h>
#include <time.h>

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
	size_t i;

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
	chousa_jw_kint_if(&w, "unchanged", (int64_t)r->unchanged, done);
	chousa_jw_kint_if(&w, "skipped", (int64_t)r->skipped, done);
	chousa_jw_key(&w, "skipped_kinds");
	chousa_jw_strn_or_null(&w, r->skipped_kinds, strlen(r->skipped_kinds));
	chousa_jw_key(&w, "note");
	chousa_jw_strn_or_null(&w, r->note, strlen(r->note));
	chousa_jw_ktime(&w, "published_at", r->published_at);
	chousa_jw_key(&w, "rejects");
	chousa_jw_array(&w);
	for (i = 0; i < r->n_rejects && i < CHOUSA_IMPORT_MAX_REJECTS; i++) {
		chousa_jw_object(&w);
		chousa_jw_key(&w, "line");
		if (r->rejects[i].line > 0)
			chousa_jw_int(&w, (int64_t)r->rejects[i].line);
		else
			chousa_jw_null(&w);
		chousa_jw_key(&w, "where");
		chousa_jw_strn_or_null(&w, r->rejects[i].where,
		    strlen(r->rejects[i].where));
		chousa_jw_kstr(&w, "message", r->rejects[i].msg);
		chousa_jw_object_end(&w);
	}
	chousa_jw_array_end(&w);
	chousa_jw_kint(&w, "exit_status", error != NULL ? exit_status : 0);
	chousa_jw_kstr(&w, "error", error);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

void
chousa_import_bundle_json(struct chousa_buf *b, const char *source,
    const char *file, const char *format,
    const struct chousa_bundle_report *rep, int exit_status,
    const struct chousa_err *err)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "source", source);
	chousa_jw_kstr(&w, "file", file);
	chousa_jw_kstr(&w, "state", err != NULL ? "failed" : "imported");
	chousa_jw_kstr(&w, "format", format);
	chousa_jw_kint(&w, "lists", rep->lists);
	chousa_jw_kint(&w, "lists_failed", rep->failed);
	chousa_jw_key(&w, "first_failure");
	chousa_jw_strn_or_null(&w, rep->first_failure,
	    strlen(rep->first_failure));
	chousa_jw_kint(&w, "rows_read", (int64_t)rep->rows);
	chousa_jw_kint(&w, "added", (int64_t)rep->added);
	chousa_jw_kint(&w, "rejected", (int64_t)rep->rejected);
	chousa_jw_kint(&w, "skipped", (int64_t)rep->skipped);
	chousa_jw_kint(&w, "exit_status", err != NULL ? exit_status : 0);
	chousa_jw_kstr(&w, "error", err != NULL ? err->msg : NULL);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

const char *
chousa_import_bundle_failed_text(char *out, size_t size,
    const struct chousa_bundle_report *rep, const char *verb,
    const struct chousa_err *err)
{
	snprintf(out, size, "%s (%u list%s %s before it; the rest keep their "
	    "previous data)", err->msg, rep->lists, rep->lists == 1 ? "" : "s",
	    verb);
	return out;
}

/* Text of the file (a row, a key) made inert for a terminal. */
static void
add_text(struct chousa_buf *b, const char *s)
{
	chousa_esc_text(b, s, strlen(s));
}

/*
 * "  rejected line 3: ..." or "  rejected objects[12]: ...": the why
 * quotes the row, which is the file's, so it is made inert.
 */
static void
reject_text(struct chousa_buf *b, const struct chousa_import_report *rep,
    size_t i)
{
	chousa_buf_adds(b, "  rejected");
	if (rep->rejects[i].where[0] != '\0') {
		chousa_buf_addch(b, ' ');
		add_text(b, rep->rejects[i].where);
	} else if (rep->rejects[i].line > 0)
		chousa_buf_addf(b, " line %llu",
		    (unsigned long long)rep->rejects[i].line);
	chousa_buf_adds(b, ": ");
	add_text(b, rep->rejects[i].msg);
	chousa_buf_addch(b, '\n');
}

void
chousa_import_rejects_text(struct chousa_buf *b,
    const struct chousa_import_report *rep, size_t n)
{
	size_t i;

	for (i = 0; i < rep->n_rejects && i < n; i++)
		reject_text(b, rep, i);
}

/*
 * An old file's own date: its data is that old, whatever day it was
 * imported, and the source's age (sources, reports) counts from it.
 */
static void
published_text(struct chousa_buf *b, const struct chousa_import_report *rep)
{
	char day[11];
	int64_t age = (int64_t)time(NULL) - rep->published_at;

	if (rep->published_at <= 0 || age < 86400)
		return;
	chousa_time_day(rep->published_at, day);
	chousa_buf_addf(b, "  the file says its data was published %s, %lld "
	    "day%s ago: the source's age counts from then\n", day,
	    (long long)(age / 86400), age / 86400 == 1 ? "" : "s");
}

void
chousa_import_text(struct chousa_buf *b, const char *asked, const char *file,
    const struct chousa_import_report *rep, int verbose)
{
	const struct chousa_feed *read_as;

	chousa_buf_addf(b, "%s: %s (%s): read %llu, added %llu, updated %llu, "
	    "unchanged %llu, rejected %llu\n", rep->source, file, rep->format,
	    (unsigned long long)rep->rows_read, (unsigned long long)rep->added,
	    (unsigned long long)rep->updated,
	    (unsigned long long)rep->unchanged,
	    (unsigned long long)rep->rejected);
	chousa_import_rejects_text(b, rep, verbose ? rep->n_rejects : 3);
	published_text(b, rep);
	if (rep->rejected > rep->n_rejects && verbose)
		chousa_buf_addf(b, "  (%llu more rejected)\n",
		    (unsigned long long)(rep->rejected - rep->n_rejects));
	if (rep->skipped > 0) {
		chousa_buf_addf(b, "  skipped %llu not kept: ",
		    (unsigned long long)rep->skipped);
		add_text(b, rep->skipped_kinds);
		chousa_buf_addch(b, '\n');
	}
	if (rep->note[0] != '\0') {
		chousa_buf_adds(b, "  nothing to import: ");
		add_text(b, rep->note);
		chousa_buf_addch(b, '\n');
	}
	/* Any text read by auto that found nothing in it. */
	read_as = chousa_feed_find(rep->source);
	if (chousa_feed_find(asked) == NULL && read_as != NULL &&
	    (read_as->flags & CHOUSA_FEED_ANY_TEXT) && rep->added +
	    rep->updated + rep->unchanged == 0 && rep->rejected > 0)
		chousa_buf_adds(b, "  no feed format was recognised and no "
		    "line holds an indicator; if it is a feed, name it (chousa "
		    "import --help lists them)\n");
}

void
chousa_import_bundle_text(struct chousa_buf *b, const char *file,
    const struct chousa_bundle_report *rep)
{
	chousa_buf_addf(b, "warninglist: %s (%u lists): read %llu, added %llu, "
	    "rejected %llu\n", file, rep->lists, (unsigned long long)rep->rows,
	    (unsigned long long)rep->added, (unsigned long long)rep->rejected);
}
