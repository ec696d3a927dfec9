/*
 * db.c: `chousa db stats`, what the store holds, as text and as a JSON
 * document: rows per source and type, the known-benign lists, the last
 * import of each source and the latest failed imports.
 */
#include <string.h>

#include "chousa.h"

/* ---- text ---- */

/*
 * The start of an import's line, as far as its age:
 * "  urlhaus  2024-03-13T10:00:00Z (3h ago".
 */
static void
import_line(struct chousa_buf *b, const char *source, int64_t t,
    int64_t now)
{
	char when[32];
	int64_t d = now - t;

	chousa_time_format(t, when, sizeof(when));
	chousa_buf_adds(b, "  ");
	chousa_esc_text(b, source, strlen(source));
	chousa_buf_addf(b, "  %s (", when);
	if (d < 0)
		d = 0;
	if (d < 3600)
		chousa_buf_addf(b, "%lldm ago", (long long)(d / 60));
	else if (d < 86400 * 2)
		chousa_buf_addf(b, "%lldh ago", (long long)(d / 3600));
	else
		chousa_buf_addf(b, "%lldd ago", (long long)(d / 86400));
}

/* "  2026-12-06T03:15:00Z (3h ago)  172.0 kB in 0.4 s  FILE". */
static void
backup_line(struct chousa_buf *b, const struct chousa_backup_record *r,
    int64_t now)
{
	import_line(b, r->ok ? "good  " : "failed", r->at, now);
	chousa_buf_adds(b, ")  ");
	if (r->ok)
		chousa_buf_addf(b, "%.1f MB in %.1f s  ", (double)r->bytes / 1e6,
		    r->seconds);
	chousa_esc_text(b, r->file, strlen(r->file));
	if (r->message != NULL) {
		chousa_buf_adds(b, ": ");
		chousa_esc_text(b, r->message, strnlen(r->message, 300));
	}
	chousa_buf_addch(b, '\n');
}

void
chousa_stats_text(struct chousa_buf *b, const char *path,
    const struct chousa_store_stats *s, int64_t now)
{
	size_t i;

	chousa_buf_adds(b, "store ");
	chousa_esc_text(b, path, strlen(path));
	chousa_buf_addf(b, " (schema %d, %.1f MB)\n", s->schema,
	    (double)s->file_size / 1e6);
	chousa_buf_addf(b, "%llu indicators, %llu samples, %llu relations, "
	    "%llu families\n", (unsigned long long)s->indicators,
	    (unsigned long long)s->samples, (unsigned long long)s->relations,
	    (unsigned long long)s->families);
	if (s->n_counts > 0)
		chousa_buf_adds(b, "\nindicators by source and type:\n");
	for (i = 0; i < s->n_counts; i++) {
		chousa_buf_adds(b, "  ");
		chousa_esc_text(b, s->counts[i].source,
		    strlen(s->counts[i].source));
		chousa_buf_addf(b, "  %s  %llu\n",
		    chousa_ioc_type_name(s->counts[i].type),
		    (unsigned long long)s->counts[i].n);
	}
	if (s->n_benign > 0)
		chousa_buf_adds(b, "\nknown-benign lists:\n");
	for (i = 0; i < s->n_benign; i++) {
		chousa_buf_adds(b, "  ");
		chousa_esc_text(b, s->benign[i].source,
		    strlen(s->benign[i].source));
		chousa_buf_addf(b, "  %llu\n",
		    (unsigned long long)s->benign[i].n);
	}
	if (s->n_imports > 0)
		chousa_buf_adds(b, "\nlast import of each source:\n");
	for (i = 0; i < s->n_imports; i++) {
		const struct chousa_stat_import *im = &s->imports[i];

		import_line(b, im->source, im->finished_at, now);
		chousa_buf_addf(b, ")  read %llu, added %llu, updated %llu, "
		    "rejected %llu  ", (unsigned long long)im->rows_read,
		    (unsigned long long)im->added,
		    (unsigned long long)im->updated,
		    (unsigned long long)im->rejected);
		if (im->file != NULL)
			chousa_esc_text(b, im->file, strlen(im->file));
		chousa_buf_addch(b, '\n');
	}
	if (s->failed_imports > 0)
		chousa_buf_addf(b, "\nfailed imports (%llu recorded, nothing "
		    "of them stored; the latest first):\n",
		    (unsigned long long)s->failed_imports);
	for (i = 0; i < s->n_failures; i++) {
		const struct chousa_stat_failure *f = &s->failures[i];

		import_line(b, f->source, f->finished_at, now);
		chousa_buf_adds(b, ")  ");
		if (f->file != NULL)
			chousa_esc_text(b, f->file, strlen(f->file));
		chousa_buf_adds(b, ": ");
		if (f->message != NULL)
			chousa_esc_text(b, f->message, strnlen(f->message,
			    300));
		else
			chousa_buf_adds(b, "no reason was recorded");
		if (f->since_ok)
			chousa_buf_adds(b, "  [imported fine since]");
		chousa_buf_addch(b, '\n');
	}
	if (s->backup_last.at == 0)
		return;
	chousa_buf_adds(b, "\nlast backup (chousa db backup):\n");
	if (!s->backup_last.ok)
		backup_line(b, &s->backup_last, now);
	if (s->backup_good.at != 0)
		backup_line(b, &s->backup_good, now);
}

/* ---- JSON ---- */

static void
count_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_stat_count *counts = arg;

	chousa_jw_kstr(w, "source", counts[i].source);
	chousa_jw_kstr(w, "type", chousa_ioc_type_name(counts[i].type));
	chousa_jw_kuint(w, "count", counts[i].n);
}

static void
benign_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_stat_count *benign = arg;

	chousa_jw_kstr(w, "list", benign[i].source);
	chousa_jw_kuint(w, "count", benign[i].n);
}

/* An import's age is counted from the now the document is written at. */
struct imports {
	const struct chousa_stat_import	*rows;
	int64_t				 now;
};

static void
import_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct imports *imports = arg;
	const struct chousa_stat_import *im = &imports->rows[i];

	chousa_jw_kstr(w, "source", im->source);
	chousa_jw_kstr(w, "file", im->file);
	chousa_jw_kstr(w, "sha256", im->sha256);
	chousa_jw_ktime(w, "finished_at", im->finished_at);
	chousa_jw_kint(w, "age_seconds", imports->now - im->finished_at);
	chousa_jw_kuint(w, "rows_read", im->rows_read);
	chousa_jw_kuint(w, "added", im->added);
	chousa_jw_kuint(w, "updated", im->updated);
	chousa_jw_kuint(w, "rejected", im->rejected);
}

static void
failure_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_stat_failure *failures = arg;
	const struct chousa_stat_failure *f = &failures[i];

	chousa_jw_kstr(w, "source", f->source);
	chousa_jw_kstr(w, "file", f->file);
	chousa_jw_ktime(w, "finished_at", f->finished_at);
	chousa_jw_kstr(w, "message", f->message);
	chousa_jw_kbool(w, "imported_fine_since", f->since_ok);
}

/* A backup noted, as an object; null when there is none. */
static void
backup_json(struct chousa_jw *w, const char *key,
    const struct chousa_backup_record *r, int64_t now)
{
	chousa_jw_key(w, key);
	if (r->at == 0) {
		chousa_jw_null(w);
		return;
	}
	chousa_jw_object(w);
	chousa_jw_ktime(w, "at", r->at);
	chousa_jw_kint(w, "age_seconds", now - r->at);
	chousa_jw_kstr(w, "file", r->file);
	chousa_jw_kbool(w, "ok", r->ok);
	chousa_jw_kint(w, "bytes", r->bytes);
	chousa_jw_key(w, "seconds");
	chousa_jw_double(w, r->seconds, 3);
	chousa_jw_kstr(w, "message", r->message);
	chousa_jw_object_end(w);
}

void
chousa_stats_json(struct chousa_buf *b, const char *path,
    const struct chousa_store_stats *s, int64_t now)
{
	struct imports imports = { s->imports, now };
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "path", path);
	chousa_jw_kint(&w, "schema", s->schema);
	chousa_jw_kuint(&w, "file_size", s->file_size);
	chousa_jw_kuint(&w, "indicators", s->indicators);
	chousa_jw_kuint(&w, "samples", s->samples);
	chousa_jw_kuint(&w, "relations", s->relations);
	chousa_jw_kuint(&w, "families", s->families);
	chousa_jw_kuint(&w, "failed_imports", s->failed_imports);
	chousa_jw_krows(&w, "counts", s->n_counts, count_json, s->counts);
	chousa_jw_krows(&w, "benign", s->n_benign, benign_json, s->benign);
	chousa_jw_krows(&w, "imports", s->n_imports, import_json, &imports);
	chousa_jw_krows(&w, "failures", s->n_failures, failure_json,
	    s->failures);
	backup_json(&w, "last_backup", &s->backup_last, now);
	backup_json(&w, "last_good_backup", &s->backup_good, now);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
