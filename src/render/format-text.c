/*
 * format-text.c: the text format's hooks, for a terminal and for cut(1):
 * the blocks and tables of each kind, an extracted indicator as a TSV
 * line, a sweep hit as tab-separated fields.  Its reports are
 * chousa_renderer_text.
 */
#include "chousa.h"

static void
lookup_text(struct chousa_buf *b, struct chousa_arena *a,
    const struct chousa_lookup *l, size_t i, int color)
{
	(void)i;
	chousa_lookup_text(b, a, l, color);
}

static void
extract_tsv(struct chousa_buf *b, const struct chousa_indicator *ind,
    const char *value, size_t value_len, const char *file)
{
	(void)file;
	chousa_extract_tsv(b, ind, value, value_len);
}

const struct chousa_result_hooks chousa_results_text = {
	.lookup = lookup_text,
	.extract = extract_tsv,
	.sweep_hit = chousa_sweep_hit_text,
	.sweep_investigation = chousa_sweep_investigation_text,
	.sources = chousa_sources_text,
	.cache = chousa_cache_listing_text,
	.stats = chousa_stats_text,
};
