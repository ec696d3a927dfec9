/*
 * format-json.c: the json format's hooks, the documents of docs/json.md.
 * They are the chousa_*_json functions that the team server calls too,
 * so the CLI and the server give the same bytes.  Its reports are
 * chousa_renderer_json.
 */
#include "chousa.h"

/* The look-ups of one run are one array. */
static void
lookup_list(struct chousa_buf *b, int end)
{
	chousa_buf_adds(b, end ? "]\n" : "[");
}

static void
lookup_json(struct chousa_buf *b, struct chousa_arena *a,
    const struct chousa_lookup *l, size_t i, int color)
{
	(void)a;
	(void)color;
	if (i > 0)
		chousa_buf_addch(b, ',');
	chousa_lookup_json(b, l);
}

const struct chousa_result_hooks chousa_results_json = {
	.lookup_list = lookup_list,
	.lookup = lookup_json,
	.extract = chousa_extract_json,
	.sweep_hit = chousa_sweep_hit_json,
	.sweep_investigation = chousa_sweep_investigation_json,
	.sweep_summary = chousa_sweep_summary_json,
	.sources = chousa_sources_json,
	.cache = chousa_cache_listing_json,
	.stats = chousa_stats_json,
	.import = chousa_import_json,
};
