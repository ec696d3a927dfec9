/*
 * format-csv.c: the csv format's hooks, for a spreadsheet: sweep hits as
 * rows after a header row, the investigations of the indicators hit as
 * "#" comment lines after them.  It shows nothing else.
 */
#include "chousa.h"

const struct chousa_result_hooks chousa_results_csv = {
	.sweep_begin = chousa_sweep_csv_header,
	.sweep_hit = chousa_sweep_hit_csv,
	.sweep_investigation = chousa_sweep_investigation_csv,
};
