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

struct stats_ctx {
	struct chousa_buf	*b;
	int			 json;
	int			 n;
	uint64_t		 entries;
	uint64_t		 bytes;
};

static int
on_stat(void *arg, const struct chousa_cache_stat *cs)
{
	struct stats_ctx *sc = arg;
	char oldest[32], newest[32];

	chousa_time_format(cs->oldest, oldest, sizeof(oldest));
	chousa_time_format(cs->newest, newest, sizeof(newest));
	sc->entries += cs->entries;
	sc->bytes += cs->bytes;
	if (sc->json) {
		chousa_buf_adds(sc->b, sc->n++ ? ",{\"source\":" :
		    "{\"source\":");
		chousa_esc_json_str(sc->b, cs->source);
		chousa_buf_addf(sc->b, ",\"entries\":%llu,\"bytes\":%llu,"
		    "\"expired\":%llu,\"oldest\":\"%s\",\"newest\":\"%s\"}",
		    (unsigned long long)cs->entries,
		    (unsigned long long)cs->bytes,
		    (unsigned long long)cs->expired, oldest, newest);
		return CHOUSA_OK;
	}
	chousa_esc_text(sc->b, cs->source, strnlen(cs->source, 40));
	chousa_buf_addf(sc->b, "%*s %8llu %10.1f %8llu  %s  %s\n",
	    (int)(16 - strnlen(cs->source, 16)), "",
	    (unsigned long long)cs->entries, (double)cs->bytes / 1024.0,
	    (unsigned long long)cs->expired, oldest, newest);
	sc->n++;
	return CHOUSA_OK;
}

static int
run_cache(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct stats_ctx sc;
	struct chousa_buf b;
	const char *arg, *verb;
	uint64_t n = 0;
	int c, json = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
	if (cli_optind >= argc)
		cli_usage_error(self, "name a subcommand: stats or clear");
	verb = argv[cli_optind];
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
	if (strcmp(verb, "stats") != 0)
		cli_usage_error(self, "unknown subcommand '%s'", verb);
	if (cli_optind + 1 < argc)
		cli_usage_error(self, "stats takes no argument");
	st = cli_open_store(CHOUSA_STORE_READONLY);
	chousa_buf_init(&b, 0);
	memset(&sc, 0, sizeof(sc));
	sc.b = &b;
	sc.json = json;
	if (json)
		chousa_buf_adds(&b, "{\"sources\":[");
	else
		chousa_buf_addf(&b, "%-16s %8s %10s %8s  %-20s  %s\n", "SOURCE",
		    "ENTRIES", "KIB", "EXPIRED", "OLDEST", "NEWEST");
	if (chousa_cache_stats(st, on_stat, &sc, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (json)
		chousa_buf_addf(&b, "],\"entries\":%llu,\"bytes\":%llu}\n",
		    (unsigned long long)sc.entries,
		    (unsigned long long)sc.bytes);
	else
		chousa_buf_addf(&b, "%-16s %8llu %10.1f\n", "total",
		    (unsigned long long)sc.entries, (double)sc.bytes / 1024.0);
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
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
	"chousa cache clear virustotal"
};
