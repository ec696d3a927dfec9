/*
 * freshness.c: how old the data behind each local source is.  A feed's
 * age is the time since its last import (or since a download that found
 * it unchanged); past [freshness] max_age_days it is stale, and its "not
 * listed" is no evidence.  A feed whose last import read almost nothing
 * when `chousa update` downloaded it was emptied or retired upstream
 * (Feodo Tracker): it is historical, and
 * the report gives the date its data ends.
 */
#include <string.h>
#include <strings.h>

#include "investigate/investigate.h"

/*
 * Whether the import named feed is data of the local source: the feed's
 * table entry names the source that answers for it, and local-lists
 * answers for every import no feed names (a --source-name).
 */
static int
feed_of(const char *source, const char *feed)
{
	return strcmp(chousa_feed_local_source(feed), source) == 0;
}

/* Whether some feed is behind the local source. */
static int
has_feed(const char *source)
{
	const struct chousa_feed *const *feeds = chousa_feeds();
	size_t i;

	for (i = 0; feeds[i] != NULL; i++)
		if (feeds[i]->local_source != NULL &&
		    strcmp(feeds[i]->local_source, source) == 0)
			return 1;
	return 0;
}

/*
 * Whether an import can tell that upstream stopped publishing: only a
 * listing feed that update downloads.  A catalogue or a benign list is
 * reference data, and a list, MISP event or STIX bundle the user
 * imported may be any excerpt.
 */
static int
can_be_historical(const char *feed)
{
	const struct chousa_feed *f = chousa_feed_find(feed);

	return f != NULL && f->url != NULL &&
	    !(f->flags & CHOUSA_FEED_REFERENCE);
}

int
fresh_limits(const struct chousa_config *cfg, long *max_age,
    uint64_t *historical_rows)
{
	long days = chousa_config_get_long(cfg, "freshness", "max_age_days",
	    CHOUSA_FRESH_MAX_AGE_DAYS);
	long rows = chousa_config_get_long(cfg, "freshness",
	    "historical_rows", CHOUSA_FRESH_HISTORICAL_ROWS);

	*max_age = (days > 0 ? days : CHOUSA_FRESH_MAX_AGE_DAYS) * 86400L;
	*historical_rows = rows >= 0 ? (uint64_t)rows :
	    CHOUSA_FRESH_HISTORICAL_ROWS;
	return CHOUSA_OK;
}

int
fresh_of(struct chousa_store *st, const struct chousa_feed_age *ages,
    size_t n_ages, const char *source, long max_age,
    uint64_t historical_rows, int64_t now, struct chousa_freshness *out,
    struct chousa_err *err)
{
	const struct chousa_feed_age *best = NULL;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->max_age = max_age;
	if (!has_feed(source))
		return CHOUSA_OK;
	out->known = 1;
	for (i = 0; i < n_ages; i++)
		if (feed_of(source, ages[i].source) && (best == NULL ||
		    ages[i].updated_at > best->updated_at))
			best = &ages[i];
	if (best == NULL) {
		out->stale = 1;
		return CHOUSA_OK;
	}
	out->feed = best->source;
	out->updated_at = best->updated_at;
	out->rows = best->rows;
	out->stale = now - best->updated_at > max_age;
	/* Only a download says what upstream publishes now. */
	if (best->downloaded && historical_rows > 0 &&
	    best->rows < historical_rows && can_be_historical(best->source)) {
		out->historical = 1;
		out->stale = 1;
		if (st != NULL)
			return chousa_store_source_newest(st, best->source,
			    &out->data_until, err);
	}
	return CHOUSA_OK;
}

int
chousa_source_freshness(struct chousa_store *st, struct chousa_arena *a,
    const struct chousa_config *cfg, const struct chousa_source *src,
    int64_t now, struct chousa_freshness *out, struct chousa_err *err)
{
	struct chousa_feed_age *ages = NULL;
	size_t n = 0;
	uint64_t rows;
	long max_age;
	int rc;

	fresh_limits(cfg, &max_age, &rows);
	if (st != NULL && has_feed(src->name)) {
		rc = chousa_store_feed_ages(st, a, &ages, &n, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return fresh_of(st, ages, n, src->name, max_age, rows, now, out, err);
}

int
ctx_freshness(struct chousa_ctx *ctx, const char *source, int64_t now,
    struct chousa_freshness *out)
{
	struct chousa_err err = { 0 };
	int rc;

	if (!ctx->ages_read) {
		/* Asked once per source: the limits are read once too. */
		fresh_limits(ctx->cfg, &ctx->fresh_max_age, &ctx->fresh_rows);
		if (ctx->store != NULL) {
			rc = chousa_store_feed_ages(ctx->store, ctx->arena,
			    &ctx->ages, &ctx->n_ages, &err);
			if (rc == CHOUSA_ENOMEM)
				return rc;
		}
		ctx->ages_read = 1;
	}
	rc = fresh_of(ctx->store, ctx->ages, ctx->n_ages, source,
	    ctx->fresh_max_age, ctx->fresh_rows, now, out, &err);
	return rc == CHOUSA_ENOMEM ? rc : CHOUSA_OK;
}
