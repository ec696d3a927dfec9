/*
 * cmd-db.c: `chousa db stats` (what the store holds, how fresh each
 * source is, how big the file is), `chousa db check` (SQLite's integrity
 * check) and `chousa db backup FILE` (a checked copy, made while the store
 * is in use).
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

static const char *const db_verbs[] = { "stats", "check", "backup", NULL };

static int
backup(const struct cli_cmd *self, struct chousa_store *st, int argc,
    char **argv)
{
	struct chousa_err err = { 0 };
	struct cli_progress p;

	if (argc - cli_optind != 2)
		cli_usage_error(self, "backup takes one FILE, which must not "
		    "exist");
	cli_progress_init(&p, "backup");
	p.unit = "pages";
	if (chousa_store_backup(st, argv[cli_optind + 1], cli_progress_update,
	    &p, &err) != CHOUSA_OK) {
		cli_progress_end(&p);
		cli_die_err(&err);
	}
	cli_progress_end(&p);
	chousa_store_close(st);
	if (!g_opt.quiet)
		cli_warn("backup of '%s' written to '%s' and checked",
		    cli_db_path(), argv[cli_optind + 1]);
	return EXIT_CLEAN;
}

static int
run_db(const struct cli_cmd *self, int argc, char **argv)
{
	const struct chousa_format *f;
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
	verb = cli_subcommand(self, argc, argv, self->verbs);
	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_STATS, &f,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (strcmp(verb, "backup") == 0)
		return backup(self, st, argc, argv);
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
	f->results->stats(&b, chousa_store_path(st), &s, (int64_t)time(NULL));
	cli_output(&b);
	chousa_arena_free(a);
	chousa_store_close(st);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_db = {
	"db", "Show what the local store holds, check it, or back it up",
	"stats [--json] | check | backup FILE",
	"stats prints the rows per source and indicator type, the known-benign "
	"lists, the last import of each source with its age and counts, the "
	"latest failed imports with the file and the reason each failed (and "
	"whether the source was imported fine since), and the size of the "
	"store (database and write-ahead log).\n\n"
	"check runs SQLite's integrity check and exits 3 when the file is "
	"damaged.\n\n"
	"backup copies the store to FILE, which must not exist, as it is at "
	"one moment, while a team server or an update goes on using it.  The "
	"copy is checked (PRAGMA quick_check) and synced before it takes the "
	"name FILE, so FILE is a whole backup or nothing; only its owner may "
	"read it (it holds the tokens' hashes and cached answers).  To "
	"restore: stop what uses the store, then copy FILE over it and remove "
	"its -wal and -shm files.",
	db_opts, run_db,
	"chousa db stats\n"
	"chousa db stats --json | jq '.imports[] | {source, age_seconds}'\n"
	"chousa db check\n"
	"chousa db backup /var/backups/chousa-$(date +%F).db",
	db_verbs,
	NULL
};
