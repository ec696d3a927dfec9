/*
 * cmd-cache.c: `chousa cache stats` (answers kept per online source, their
 * size and age) and `chousa cache clear [SOURCE]`.  The cache lives in the
 * store; investigate --refresh bypasses it for one run.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { OPT_JSON = 256 };

static const struct cli_opt cache_opts[] = {
	{ OPT_JSON, "json", NULL, "stats: print one JSON object." },
	{ 0 }
};

static const char *const cache_verbs[] = { "stats", "clear", NULL };

static int
run_cache(const struct cli_cmd *self, int argc, char **argv)
{
	const struct chousa_format *f;
	struct chousa_err err = { 0 };
	struct chousa_cache_listing l;
	struct chousa_store *st;
	struct chousa_arena *a;
	struct chousa_buf b;
	const char *arg, *verb;
	uint64_t n = 0;
	int c, json = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
	verb = cli_subcommand(self, argc, argv, self->verbs);
	if (strcmp(verb, "clear") == 0) {
		const char *src = cli_optind + 1 < argc ? argv[cli_optind + 1] :
		    NULL;

		if (cli_optind + 2 < argc)
			cli_usage_error(self, "clear takes one source at most");
		if (src != NULL && chousa_source_find(src) == NULL)
			cli_usage_error(self, "unknown source '%s' (see chousa "
			    "sources)", src);
		st = cli_open_store(0);
		if (chousa_cache_clear(st, src, &n, &err) != CHOUSA_OK)
			cli_die_err(&err);
		if (!g_opt.quiet)
			cli_info("removed %llu cached answer%s%s%s",
			    (unsigned long long)n, n == 1 ? "" : "s",
			    src ? " of " : "", src ? src : "");
		chousa_store_close(st);
		return EXIT_CLEAN;
	}
	if (cli_optind + 1 < argc)
		cli_usage_error(self, "stats takes no argument");
	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_CACHE, &f,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK ||
	    chousa_cache_listing(st, a, &l, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_init(&b, 0);
	f->results->cache(&b, &l);
	cli_output(&b);
	chousa_arena_free(a);
	chousa_store_close(st);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_cache = {
	"cache", "Show or clear the cache of online answers",
	"stats [--json] | clear [SOURCE]",
	"The answers of online sources are kept in the store, so that a quota "
	"is never spent twice on the same question: hits for the source's ttl "
	"(24 hours by default), misses for its miss_ttl (1 hour).  Reports say "
	"which answers came from the cache and when they were fetched; "
	"investigate --refresh asks again.\n\n"
	"stats prints the entries, size and age per source; clear removes the "
	"answers of one source, or all of them.",
	cache_opts, run_cache,
	"chousa cache stats\n"
	"chousa cache clear virustotal",
	cache_verbs,
	NULL
};
