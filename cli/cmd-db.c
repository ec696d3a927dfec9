/*
 * cmd-db.c: `chousa db stats` (what the store holds, how fresh each
 * source is, how big the file is) and `chousa db check` (SQLite's
 * integrity check).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { OPT_JSON = 256 };

static const struct cli_opt db_opts[] = {
	{ OPT_JSON, "json", NULL, "stats: print one JSON object." },
	{ 0 }
};

static void
age(struct chousa_buf *b, int64_t t)
{
	int64_t d = (int64_t)time(NULL) - t;

	if (d < 0)
		d = 0;
	if (d < 3600)
		chousa_buf_addf(b, "%lldm ago", (long long)(d / 60));
	else if (d < 86400 * 2)
		chousa_buf_addf(b, "%lldh ago", (long long)(d / 3600));
	else
		chousa_buf_addf(b, "%lldd ago", (long long)(d / 86400));
}

static void
stats_text(struct chousa_buf *b, const char *path,
    const struct chousa_store_stats *s)
{
	char when[32];
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

		chousa_time_format(im->finished_at, when, sizeof(when));
		chousa_buf_adds(b, "  ");
		chousa_esc_text(b, im->source, strlen(im->source));
		chousa_buf_addf(b, "  %s (", when);
		age(b, im->finished_at);
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
		chousa_buf_addf(b, "\nfailed imports (%llu recorded, nothing of "
		    "them stored; the latest first):\n",
		    (unsigned long long)s->failed_imports);
	for (i = 0; i < s->n_failures; i++) {
		const struct chousa_stat_failure *f = &s->failures[i];

		chousa_time_format(f->finished_at, when, sizeof(when));
		chousa_buf_adds(b, "  ");
		chousa_esc_text(b, f->source, strlen(f->source));
		chousa_buf_addf(b, "  %s (", when);
		age(b, f->finished_at);
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
}

static void
stats_json(struct chousa_buf *b, const char *path,
    const struct chousa_store_stats *s)
{
	char when[32];
	size_t i;

	chousa_buf_adds(b, "{\"path\":");
	chousa_esc_json_str(b, path);
	chousa_buf_addf(b, ",\"schema\":%d,\"file_size\":%llu,"
	    "\"indicators\":%llu,\"samples\":%llu,\"relations\":%llu,"
	    "\"families\":%llu,\"failed_imports\":%llu,\"counts\":[",
	    s->schema, (unsigned long long)s->file_size,
	    (unsigned long long)s->indicators, (unsigned long long)s->samples,
	    (unsigned long long)s->relations, (unsigned long long)s->families,
	    (unsigned long long)s->failed_imports);
	for (i = 0; i < s->n_counts; i++) {
		chousa_buf_adds(b, i ? ",{\"source\":" : "{\"source\":");
		chousa_esc_json_str(b, s->counts[i].source);
		chousa_buf_addf(b, ",\"type\":\"%s\",\"count\":%llu}",
		    chousa_ioc_type_name(s->counts[i].type),
		    (unsigned long long)s->counts[i].n);
	}
	chousa_buf_adds(b, "],\"benign\":[");
	for (i = 0; i < s->n_benign; i++) {
		chousa_buf_adds(b, i ? ",{\"list\":" : "{\"list\":");
		chousa_esc_json_str(b, s->benign[i].source);
		chousa_buf_addf(b, ",\"count\":%llu}",
		    (unsigned long long)s->benign[i].n);
	}
	chousa_buf_adds(b, "],\"imports\":[");
	for (i = 0; i < s->n_imports; i++) {
		const struct chousa_stat_import *im = &s->imports[i];

		chousa_time_format(im->finished_at, when, sizeof(when));
		chousa_buf_adds(b, i ? ",{\"source\":" : "{\"source\":");
		chousa_esc_json_str(b, im->source);
		chousa_buf_adds(b, ",\"file\":");
		chousa_esc_json_str(b, im->file);
		chousa_buf_adds(b, ",\"sha256\":");
		chousa_esc_json_str(b, im->sha256);
		chousa_buf_addf(b, ",\"finished_at\":\"%s\",\"age_seconds\":"
		    "%lld,\"rows_read\":%llu,\"added\":%llu,\"updated\":%llu,"
		    "\"rejected\":%llu}", when,
		    (long long)((int64_t)time(NULL) - im->finished_at),
		    (unsigned long long)im->rows_read,
		    (unsigned long long)im->added,
		    (unsigned long long)im->updated,
		    (unsigned long long)im->rejected);
	}
	chousa_buf_adds(b, "],\"failures\":[");
	for (i = 0; i < s->n_failures; i++) {
		const struct chousa_stat_failure *f = &s->failures[i];

		chousa_time_format(f->finished_at, when, sizeof(when));
		chousa_buf_adds(b, i ? ",{\"source\":" : "{\"source\":");
		chousa_esc_json_str(b, f->source);
		chousa_buf_adds(b, ",\"file\":");
		chousa_esc_json_str(b, f->file);
		chousa_buf_addf(b, ",\"finished_at\":\"%s\",\"message\":", when);
		chousa_esc_json_str(b, f->message);
		chousa_buf_addf(b, ",\"imported_fine_since\":%s}",
		    f->since_ok ? "true" : "false");
	}
	chousa_buf_adds(b, "]}\n");
}

static int
run_db(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_store_stats s;
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_arena *a;
	struct chousa_buf b;
	const char *arg, *verb;
	int c, json = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
	if (cli_optind >= argc)
		cli_usage_error(self, "name a subcommand: stats or check");
	verb = argv[cli_optind];
	if (strcmp(verb, "stats") != 0 && strcmp(verb, "check") != 0)
		cli_usage_error(self, "unknown subcommand '%s'", verb);
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (strcmp(verb, "check") == 0) {
		if (chousa_store_check(st, &err) != CHOUSA_OK)
			cli_die(EXIT_BADINPUT, "%s", err.msg);
		if (!g_opt.quiet)
			printf("ok\n");
		chousa_store_close(st);
		return EXIT_CLEAN;
	}
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK ||
	    chousa_store_stats(st, a, &s, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_init(&b, 0);
	if (json)
		stats_json(&b, chousa_store_path(st), &s);
	else
		stats_text(&b, chousa_store_path(st), &s);
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
	chousa_arena_free(a);
	chousa_store_close(st);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_db = {
	"db", "Show what the local store holds, or check it",
	"stats [--json] | check",
	"stats prints the rows per source and indicator type, the known-benign "
	"lists, the last import of each source with its age and counts, the "
	"latest failed imports with the file and the reason each failed (and "
	"whether the source was imported fine since), and the size of the "
	"store (database and write-ahead log).\n\n"
	"check runs SQLite's integrity check and exits 3 when the file is "
	"damaged.",
	db_opts, run_db,
	"chousa db stats\n"
	"chousa db stats --json | jq '.imports[] | {source, age_seconds}'\n"
	"chousa db check"
};
