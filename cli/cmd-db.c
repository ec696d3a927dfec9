/*
 * cmd-db.c: `chousa db stats` (what the store holds, how fresh each
 * source is, how big the file is), `chousa db check` (SQLite's integrity
 * check), `chousa db backup FILE` (a checked copy, made while the store
 * is in use) and `chousa db restore FILE` (one put back, the same way).
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

static const char *const db_verbs[] = { "stats", "check", "backup",
    "restore", NULL };

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
restore(const struct cli_cmd *self, struct chousa_store *st, int argc,
    char **argv)
{
	struct chousa_store_restored r;
	struct chousa_err err = { 0 };
	struct chousa_arena *a;
	struct cli_progress p;
	const char *file;
	size_t i;
	int current, version;

	if (argc - cli_optind != 2)
		cli_usage_error(self, "restore takes one FILE, a backup made by "
		    "chousa db backup");
	file = argv[cli_optind + 1];
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	cli_progress_init(&p, "restore");
	p.unit = "pages";
	if (chousa_store_restore(st, file, a, &r, cli_progress_update, &p,
	    &err) != CHOUSA_OK) {
		cli_progress_end(&p);
		cli_die_err(&err);
	}
	cli_progress_end(&p);
	chousa_store_schema(st, &version, &current);
	if (!g_opt.quiet) {
		cli_warn("'%s' restored over '%s' and checked%s", file,
		    cli_db_path(), r.schema < current ? " (its schema "
		    "migrated)" : "");
		if (r.revoked_again > 0)
			cli_warn("%zu token%s revoked since the backup %s "
			    "revoked", r.revoked_again, r.revoked_again == 1 ?
			    "" : "s", r.revoked_again == 1 ? "stays" : "stay");
		for (i = 0; i < r.n_gone; i++)
			cli_warn("token '%s' was made after the backup and is "
			    "gone: make it again (chousa token create)",
			    r.gone[i]);
	}
	chousa_arena_free(a);
	chousa_store_close(st);
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
	if (strcmp(verb, "restore") == 0)
		return restore(self, cli_open_store(0), argc, argv);
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
	"db", "Show what the local store holds, check it, back it up or "
	"restore it",
	"stats [--json] | check | backup FILE | restore FILE",
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
	"read it (it holds the tokens' hashes and cached answers).\n\n"
	"restore puts such a backup back in place of the store's content, "
	"also while a team server uses it: the backup is copied beside the "
	"store, checked to be a chousa store this build reads (an older one "
	"is migrated) and checked as backup checks it, then written over the "
	"store in one transaction, so that readers see the store before or "
	"after, never a mix; on any failure the store is left as it was.  "
	"What changed since the backup is lost, but for two things about "
	"tokens: one revoked since (it may have leaked) stays revoked, and "
	"one made since is named, to be made again.",
	db_opts, run_db,
	"chousa db stats\n"
	"chousa db stats --json | jq '.imports[] | {source, age_seconds}'\n"
	"chousa db check\n"
	"chousa db backup /var/backups/chousa-$(date +%F).db\n"
	"chousa db restore /var/backups/chousa-2026-12-01.db",
	db_verbs,
	NULL
};
