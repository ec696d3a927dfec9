/*
 * cache.c: `chousa cache stats`, the online answers cached per source,
 * gathered once and written as a table or as one JSON document.
 */
#include <string.h>

#include "chousa.h"

struct gather {
	struct chousa_arena		*a;
	struct chousa_cache_listing	*l;
	size_t				 cap;
};

static int
on_stat(void *arg, const struct chousa_cache_stat *cs)
{
	struct gather *g = arg;
	struct chousa_cache_listing *l = g->l;
	struct chousa_cache_stat *rows, *r;

	rows = chousa_arena_grow(g->a, l->rows, l->n, &g->cap, sizeof(*rows));
	if (rows == NULL)
		return CHOUSA_ENOMEM;
	l->rows = rows;
	r = &l->rows[l->n];
	*r = *cs;
	r->source = chousa_arena_strdup(g->a, cs->source);
	if (r->source == NULL)
		return CHOUSA_ENOMEM;
	l->n++;
	l->entries += cs->entries;
	l->bytes += cs->bytes;
	return CHOUSA_OK;
}

int
chousa_cache_listing(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_cache_listing *out, struct chousa_err *err)
{
	struct gather g;
	int rc;

	memset(out, 0, sizeof(*out));
	g.a = a;
	g.l = out;
	g.cap = 0;
	rc = chousa_cache_stats(st, on_stat, &g, err);
	if (rc == CHOUSA_ENOMEM)
		return chousa_errf(err, rc, "out of memory");
	return rc;
}

void
chousa_cache_listing_text(struct chousa_buf *b,
    const struct chousa_cache_listing *l)
{
	char oldest[32], newest[32];
	size_t i;

	chousa_buf_addf(b, "%-16s %8s %10s %8s  %-20s  %s\n", "SOURCE",
	    "ENTRIES", "KIB", "EXPIRED", "OLDEST", "NEWEST");
	for (i = 0; i < l->n; i++) {
		const struct chousa_cache_stat *cs = &l->rows[i];

		chousa_time_format(cs->oldest, oldest, sizeof(oldest));
		chousa_time_format(cs->newest, newest, sizeof(newest));
		chousa_esc_text(b, cs->source, strnlen(cs->source, 40));
		chousa_buf_addf(b, "%*s %8llu %10.1f %8llu  %s  %s\n",
		    (int)(16 - strnlen(cs->source, 16)), "",
		    (unsigned long long)cs->entries,
		    (double)cs->bytes / 1024.0,
		    (unsigned long long)cs->expired, oldest, newest);
	}
	chousa_buf_addf(b, "%-16s %8llu %10.1f\n", "total",
	    (unsigned long long)l->entries, (double)l->bytes / 1024.0);
}

static void
stat_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_cache_stat *rows = arg;
	const struct chousa_cache_stat *cs = &rows[i];

	chousa_jw_kstr(w, "source", cs->source);
	chousa_jw_kuint(w, "entries", cs->entries);
	chousa_jw_kuint(w, "bytes", cs->bytes);
	chousa_jw_kuint(w, "expired", cs->expired);
	chousa_jw_ktime(w, "oldest", cs->oldest);
	chousa_jw_ktime(w, "newest", cs->newest);
}

void
chousa_cache_listing_json(struct chousa_buf *b,
    const struct chousa_cache_listing *l)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_krows(&w, "sources", l->n, stat_json, l->rows);
	chousa_jw_kuint(&w, "entries", l->entries);
	chousa_jw_kuint(&w, "bytes", l->bytes);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
