/*
 * format-csv.c: the csv format's hooks, for a spreadsheet: sweep hits as
 * rows after a header row, the investigations of the indicators hit as
 * "#" comment lines after them.  It shows nothing else.
 */
#include "chousa.h"

static void
sweep_hit_csv(struct chousa_buf *b, const struct chousa_hit *h, int color)
{
	(void)color;
	chousa_sweep_hit_csv(b, h);
}

static void
sweep_investigation_csv(struct chousa_buf *b, const struct chousa_report *r,
    uint64_t hits)
{
	chousa_sweep_investigation_text(b, r, hits, 1);
}

const struct chousa_result_hooks chousa_results_csv = {
	.sweep_begin = chousa_sweep_csv_header,
	.sweep_hit = sweep_hit_csv,
	.sweep_investigation = sweep_investigation_csv,
};
