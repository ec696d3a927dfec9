/*
 * sources.c: every source with its state (kind, stages, types, whether it
 * is configured, quota left, cache, last error) as `chousa sources` prints
 * it, as a table and as one JSON document.  A key is never part of either:
 * only whether one is set.
 */
#include <string.h>
#include <time.h>

#include "chousa.h"

static int
is_online(const struct chousa_source *s)
{
	return !(s->flags & CHOUSA_SRC_LOCAL);
}

static int
is_enabled(const struct chousa_config *cfg, const struct chousa_source *s)
{
	return chousa_config_get_bool(cfg, s->name, "enabled", 1);
}

/* "key set", "no key", "keyless", "local" or "disabled". */
static const char *
configured(const struct chousa_config *cfg, const struct chousa_source *s)
{
	int has = chousa_source_key(cfg, s) != NULL;

	if (!is_online(s))
		return "local";
	if (!is_enabled(cfg, s))
		return "disabled";
	if (s->flags & CHOUSA_SRC_NEEDS_KEY)
		return has ? "key set" : "no key";
	if (s->flags & CHOUSA_SRC_KEY_OPTIONAL)
		return has ? "key set" : "keyless";
	return "keyless";
}

int
chousa_sources_state(struct chousa_store *st, const struct chousa_config *cfg,
    struct chousa_arena *a, struct chousa_source_row **out, size_t *n_out,
    struct chousa_err *err)
{
	const struct chousa_source *const *all = chousa_sources();
	struct chousa_source_row *rows;
	struct chousa_err e;
	int64_t now = (int64_t)time(NULL);
	size_t i, n = 0;

	while (all[n] != NULL)
		n++;
	rows = chousa_arena_alloc(a, (n + 1) * sizeof(*rows));
	if (rows == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct chousa_source *s = all[i];
		struct chousa_source_row *r = &rows[i];

		r->source = s;
		r->is_online = is_online(s);
		r->is_enabled = is_enabled(cfg, s);
		r->configured = configured(cfg, s);
		r->is_used = r->is_online && r->is_enabled &&
		    !((s->flags & CHOUSA_SRC_NEEDS_KEY) &&
		    chousa_source_key(cfg, s) == NULL);
		r->rate_per_min = chousa_config_get_long(cfg, s->name, "rate",
		    (long)s->rate_per_min);
		r->info.quota_left = -1;
		r->now = now;
		memset(&e, 0, sizeof(e));
		if (!r->is_online && st != NULL && chousa_source_freshness(st, a,
		    cfg, s, now, &r->fresh, &e) != CHOUSA_OK)
			r->warning = chousa_arena_strdup(a, e.msg);
		if (!r->is_online)
			continue;
		memset(&e, 0, sizeof(e));
		if (chousa_source_state(st, a, s, cfg, &r->info, &e) !=
		    CHOUSA_OK)
			r->warning = chousa_arena_strdup(a, e.msg);
	}
	*out = rows;
	*n_out = n;
	return CHOUSA_OK;
}

/* "rep,ident,enrich" for a stage mask. */
static void
stages(struct chousa_buf *b, unsigned st)
{
	size_t len = b->len;

	if (st & CHOUSA_STAGE_REPUTATION)
		chousa_buf_adds(b, "rep,");
	if (st & CHOUSA_STAGE_IDENTIFICATION)
		chousa_buf_adds(b, "ident,");
	if (st & CHOUSA_STAGE_ENRICHMENT)
		chousa_buf_adds(b, "enrich,");
	if (b->len > len)
		b->len--;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/* "family,ipv4,domain,..." for what the source answers. */
static void
types(struct chousa_buf *b, const struct chousa_source *s)
{
	size_t len = b->len;
	int t;

	if (s->flags & CHOUSA_SRC_FAMILY)
		chousa_buf_adds(b, "family,");
	for (t = 1; t < CHOUSA_IOC_TYPE_COUNT; t++)
		if (s->types & CHOUSA_IOC_BIT(t))
			chousa_buf_addf(b, "%s,", chousa_ioc_type_name(t));
	if (b->len > len)
		b->len--;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/* A local source's data: its last update, how old, stale or historical. */
static void
freshness(struct chousa_buf *b, const struct chousa_freshness *fr,
    int64_t now)
{
	char when[32], until[32];

	chousa_time_format(fr->updated_at, when, sizeof(when));
	chousa_time_format(fr->data_until, until, sizeof(until));
	chousa_buf_addf(b, "%-20s data: ", "");
	if (fr->updated_at == 0)
		chousa_buf_adds(b, "none (chousa update, or chousa import)\n");
	else if (fr->historical)
		chousa_buf_addf(b, "HISTORICAL: its last update (%.10s) held "
		    "%llu row%s, upstream emptied or retired it; data ends "
		    "%.10s\n", when, (unsigned long long)fr->rows,
		    fr->rows == 1 ? "" : "s", fr->data_until ? until :
		    "at an unknown date");
	else
		chousa_buf_addf(b, "%supdated %.10s, %lld day%s old%s\n",
		    fr->stale ? "STALE: " : "", when,
		    (long long)((now - fr->updated_at) / 86400),
		    (now - fr->updated_at) / 86400 == 1 ? "" : "s", fr->stale ?
		    " ([freshness] max_age_days is exceeded: chousa update)" :
		    "");
}

/* ---- JSON ---- */

/* The stage mask as an array of names. */
static void
stages_json(struct chousa_jw *w, unsigned st)
{
	chousa_jw_array(w);
	if (st & CHOUSA_STAGE_REPUTATION)
		chousa_jw_str(w, "rep");
	if (st & CHOUSA_STAGE_IDENTIFICATION)
		chousa_jw_str(w, "ident");
	if (st & CHOUSA_STAGE_ENRICHMENT)
		chousa_jw_str(w, "enrich");
	chousa_jw_array_end(w);
}

static void
types_json(struct chousa_jw *w, const struct chousa_source *s)
{
	int t;

	chousa_jw_array(w);
	if (s->flags & CHOUSA_SRC_FAMILY)
		chousa_jw_str(w, "family");
	for (t = 1; t < CHOUSA_IOC_TYPE_COUNT; t++)
		if (s->types & CHOUSA_IOC_BIT(t))
			chousa_jw_str(w, chousa_ioc_type_name(t));
	chousa_jw_array_end(w);
}

/* Quotas, cache and last error: an online source's; null for local. */
static void
online_json(struct chousa_jw *w, const struct chousa_source_row *r)
{
	const struct chousa_source_info *info = &r->info;
	int on = r->is_online;

	chousa_jw_kint_if(w, "rate_per_min", r->rate_per_min, on);
	chousa_jw_kint_if(w, "daily", info->daily, on);
	chousa_jw_kint_if(w, "used_today", info->used_today, on);
	chousa_jw_kint_if(w, "quota_left", info->quota_left, on &&
	    info->quota_left >= 0);
	chousa_jw_kstr(w, "last_error", on ? info->last_error : NULL);
	chousa_jw_ktime(w, "last_error_at", on ? info->last_error_at : 0);
	chousa_jw_kint_if(w, "cache_entries", (int64_t)info->cache_entries,
	    on);
	chousa_jw_kint_if(w, "cache_bytes", (int64_t)info->cache_bytes,
	    on);
}

/* How old a local source's data is; null for online ones. */
static void
freshness_json(struct chousa_jw *w, const struct chousa_source_row *r)
{
	const struct chousa_freshness *fr = &r->fresh;
	int known = r->fresh.known;

	chousa_jw_ktime(w, "updated_at", known ? fr->updated_at : 0);
	chousa_jw_kbool_if(w, "stale", fr->stale, known);
	chousa_jw_kbool_if(w, "historical", fr->historical, known);
	chousa_jw_ktime(w, "data_until", known ? fr->data_until : 0);
	chousa_jw_kint_if(w, "max_age_days", fr->max_age / 86400, known);
}

static void
row_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_source_row *rows = arg;
	const struct chousa_source_row *r = &rows[i];
	const struct chousa_source *s = r->source;

	chousa_jw_kstr(w, "name", s->name);
	chousa_jw_kstr(w, "title", s->title);
	chousa_jw_kstr(w, "kind", r->is_online ? "online" : "local");
	chousa_jw_key(w, "stages");
	stages_json(w, s->stages);
	chousa_jw_key(w, "types");
	types_json(w, s);
	chousa_jw_kstr(w, "configured", r->configured);
	chousa_jw_kbool(w, "enabled", r->is_enabled);
	online_json(w, r);
	freshness_json(w, r);
}

void
chousa_sources_json(struct chousa_buf *b, const struct chousa_source_row *rows,
    size_t n)
{
	chousa_jw_rows_document(b, "sources", n, row_json, rows);
}

void
chousa_sources_text(struct chousa_buf *b, const struct chousa_source_row *rows,
    size_t n)
{
	struct chousa_buf t;
	size_t i;

	chousa_buf_init(&t, 4096);
	chousa_buf_addf(b, "%-20s %-7s %-18s %-10s %-11s %-8s %s\n",
	    "SOURCE", "KIND", "STAGES", "CONFIG", "QUOTA LEFT", "CACHED",
	    "LAST ERROR");
	for (i = 0; i < n; i++) {
		const struct chousa_source *s = rows[i].source;
		const struct chousa_source_info *info = &rows[i].info;

		chousa_buf_addf(b, "%-20s %-7s ", s->name,
		    rows[i].is_online ? "online" : "local");
		stages(&t, s->stages);
		chousa_buf_addf(b, "%-18s %-10s ", t.data != NULL ? t.data : "",
		    rows[i].configured);
		chousa_buf_reset(&t);
		if (!rows[i].is_online)
			chousa_buf_addf(b, "%-11s %-8s -\n", "-", "-");
		else {
			/* "unlimited" of a source not asked would mislead. */
			if (!rows[i].is_used)
				chousa_buf_addf(b, "%-11s ", "not used");
			else if (info->quota_left < 0)
				chousa_buf_addf(b, "%-11s ", "unlimited");
			else
				chousa_buf_addf(b, "%-11ld ", info->quota_left);
			chousa_buf_addf(b, "%-8llu ",
			    (unsigned long long)info->cache_entries);
			if (info->last_error != NULL)
				chousa_esc_text(b, info->last_error,
				    strnlen(info->last_error, 120));
			else
				chousa_buf_adds(b, "-");
			chousa_buf_addch(b, '\n');
		}
		/* The types on a line of their own: a column would not fit. */
		types(&t, s);
		chousa_buf_addf(b, "%-20s types: %s\n", "",
		    t.data != NULL ? t.data : "");
		chousa_buf_reset(&t);
		if (rows[i].fresh.known)
			freshness(b, &rows[i].fresh, rows[i].now);
	}
	chousa_buf_release(&t);
}
