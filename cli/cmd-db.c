/*
 * cmd-db.c: `chousa db stats` (what the store holds, how fresh each
 * source is, how big the file is), `chousa db check` (SQLite's integrity
 * check), `chousa db backup FILE` (a checked copy, made while the store
 * is in use) and `chousa db restore FILE` (one put back, the same way).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_JSON = 256, OPT_KEEP };

static const struct cli_opt db_opts[] = {
	{ OPT_JSON, "json", NULL, "stats: print one JSON object." },
	{ OPT_KEEP, "keep", "N", "backup into a directory: then delete the "
	    "oldest of its backups (chousa-*.db, as backup names them) but "
	    "the newest N." },
	{ 0 }
};

/*
 * A backup's name in a directory: chousa-20261206T023600Z.db, or, for a
 * second one in the same second, chousa-20261206T023600Z-1.db.
 */
#define BACKUP_STAMP_LEN	(sizeof("chousa-20261206T023600Z") - 1)

/* Its number in its second (0: the first), or -1 when not a backup's. */
static long
backup_number(const char *name)
{
	static const char shape[] = "chousa-########T######Z";
	const char *p = name + BACKUP_STAMP_LEN;
	size_t i;
	long n = 0;

	if (strlen(name) < BACKUP_STAMP_LEN)
		return -1;
	for (i = 0; i < BACKUP_STAMP_LEN; i++)
		if (shape[i] == '#' ? name[i] < '0' || name[i] > '9' :
		    name[i] != shape[i])
			return -1;
	if (*p == '-') {
		if (p[1] < '1' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9' && n < 1000000; p++)
			n = n * 10 + (*p - '0');
	}
	return strcmp(p, ".db") == 0 ? n : -1;
}

/* Oldest first: by the time in the name, then the number in its second. */
static int
by_age(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strncmp(x, y, BACKUP_STAMP_LEN);
	long nx, ny;

	if (c != 0)
		return c;
	nx = backup_number(x);
	ny = backup_number(y);
	return nx < ny ? -1 : nx > ny;
}

/*
 * Keep the newest keep backups in dir, by their names (which say their
 * times); delete the others.  Only files named as backup names
 * them are touched.
 */
static void
prune(const char *dir, long keep)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4200];
	size_t n = 0, cap = 0, i;

	if (d == NULL) {
		cli_warn("cannot list '%s' to keep %ld backups: %s", dir, keep,
		    strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (backup_number(e->d_name) < 0)
			continue;
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_age);
	for (i = 0; i + (size_t)keep < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) != 0)
			cli_warn("cannot delete the old backup '%s': %s", path,
			    strerror(errno));
		else if (!g_opt.quiet)
			cli_warn("deleted the old backup '%s' (keeping %ld)",
			    path, keep);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The backup noted in the store, for the team server's /metrics and
 * serve --check.  Only in a store of this build's schema (a backup
 * migrates nothing); a store that cannot be written is said, and the
 * backup stands.
 */
static void
note_backup(struct chousa_store *read, struct chousa_backup_record *r)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	int version, current;

	chousa_store_schema(read, &version, &current);
	if (version != current)
		return;
	r->at = (int64_t)time(NULL);
	if (chousa_store_open_wait(&st, cli_db_path(), 0, cli_store_wait_ms(),
	    &err) != CHOUSA_OK) {
		cli_warn("cannot note the backup in the store, where chousa "
		    "serve's /metrics reads it: %s", err.msg);
		return;
	}
	if (chousa_store_backup_note(st, r, &err) != CHOUSA_OK)
		cli_warn("cannot note the backup in the store, where chousa "
		    "serve's /metrics reads it: %s", err.msg);
	chousa_store_close(st);
}

static const char *const db_verbs[] = { "stats", "check", "backup",
    "restore", NULL };

/* path, absolute (into out) whatever directory chousa runs in. */
static const char *
absolute(const char *path, char *out, size_t size)
{
	char cwd[PATH_MAX];

	if (path[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL &&
	    (size_t)snprintf(out, size, "%s/%s", cwd, path) < size)
		return out;
	return path;
}

/* The backup r, noted as failed with err's why; then exit. */
static void
backup_failed(struct chousa_store *st, struct cli_progress *p,
    struct chousa_backup_record *r, const struct chousa_err *err)
{
	cli_progress_end(p);
	r->seconds = chousa_monotonic() - p->start;
	r->message = err->msg;
	note_backup(st, r);
	cli_die_err(err);
}

/*
 * backup FILE, or backup [--keep N] DIR: a new file in DIR named for the
 * time (UTC), then the oldest beyond N deleted.  A DIR that does not
 * exist is a failed backup, noted as one (what a timer runs must reach
 * its alert), and is not made: a misspelt one would hold the backups
 * where no one looks, and prune nothing where they are looked for.
 */
static int
backup(const struct cli_cmd *self, struct chousa_store *st, int argc,
    char **argv, long keep)
{
	struct chousa_err err = { 0 };
	struct cli_progress p;
	struct chousa_backup_record r;
	const char *dest, *dir;
	char path[4200], stamp[32], full[PATH_MAX + 4200], cwd[PATH_MAX];
	struct stat sb;
	time_t now = time(NULL);
	struct tm tm;
	size_t len;
	int is_dir, why, rc = CHOUSA_OK, n;

	if (argc - cli_optind != 2)
		cli_usage_error(self, "backup takes one FILE, which must not "
		    "exist, or a DIR");
	dir = dest = argv[cli_optind + 1];
	len = strlen(dest);
	is_dir = stat(dest, &sb) == 0 && S_ISDIR(sb.st_mode);
	why = errno;
	if (keep > 0 && !is_dir && lstat(dest, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode) && !S_ISLNK(sb.st_mode))
		cli_usage_error(self, "--keep is for a backup into a directory: "
		    "'%s' is not one", dest);
	cli_progress_init(&p, "backup");
	p.unit = "pages";
	memset(&r, 0, sizeof(r));
	r.file = absolute(dest, full, sizeof(full));
	if (!is_dir && (keep > 0 || (len > 0 && dest[len - 1] == '/'))) {
		chousa_errf(&err, CHOUSA_EIO, why == ENOENT ? "the directory "
		    "'%s' does not exist: make it, for the user who runs the "
		    "backups only (install -d -m 700 '%s')" : "cannot reach "
		    "the directory '%s': %s", dest, why == ENOENT ? dest :
		    strerror(why));
		backup_failed(st, &p, &r, &err);
	}
	/* Another backup may take a name meanwhile: then the next one. */
	for (n = 0; is_dir; n++) {
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ",
		    gmtime_r(&now, &tm));
		snprintf(path, sizeof(path), n == 0 ? "%s%schousa-%s.db" :
		    "%s%schousa-%s-%d.db", dir, dir[len - 1] == '/' ? "" : "/",
		    stamp, n);
		if (n < 100 && lstat(path, &sb) == 0)
			continue;
		dest = path;
		r.file = absolute(dest, full, sizeof(full));
		rc = chousa_store_backup(st, dest, cli_progress_update, &p,
		    &err);
		if (rc != CHOUSA_EINVAL || n >= 100 || lstat(dest, &sb) != 0)
			break;
	}
	if (!is_dir)
		rc = chousa_store_backup(st, dest, cli_progress_update, &p,
		    &err);
	if (rc != CHOUSA_OK)
		backup_failed(st, &p, &r, &err);
	cli_progress_end(&p);
	r.seconds = chousa_monotonic() - p.start;
	r.ok = 1;
	r.bytes = stat(dest, &sb) == 0 ? (int64_t)sb.st_size : 0;
	if (realpath(dest, cwd) != NULL)
		r.file = cwd;
	note_backup(st, &r);
	chousa_store_close(st);
	if (!g_opt.quiet)
		cli_warn("backup of '%s' written to '%s' and checked",
		    cli_db_path(), dest);
	if (keep > 0)
		prune(argv[cli_optind + 1], keep);
	return EXIT_CLEAN;
}

/*
 * A store deleted under a running server cannot be restored in place:
 * the server still reads the file it opened, and its -wal and -shm at the
 * path are that file's, which a new store there would take as its own.
 */
static void
restore_refused_under_server(const char *path)
{
	struct stat sb;
	char who[48] = "a chousa serve";
	int unknown;
	long pid;

	if (stat(path, &sb) == 0 || errno != ENOENT)
		return;
	pid = chousa_serve_owner(path, &unknown);
	if (pid == 0)
		return;
	if (pid > 0)
		snprintf(who, sizeof(who), "chousa serve (pid %ld)", pid);
	cli_die(EXIT_BADINPUT, "the store '%s' is not there, and %s still "
	    "runs on the file deleted under it: stop the server, then "
	    "restore, then start it", path, who);
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
			    "revoked (kept, so that its ID is not given "
			    "again): make another (chousa token create)",
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
	long keep = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_KEEP)
			keep = cli_number_arg(self, "keep", arg, 1, 100000);
	verb = cli_subcommand(self, argc, argv, self->verbs);
	if (keep > 0 && strcmp(verb, "backup") != 0)
		cli_usage_error(self, "--keep is for backup");
	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_STATS, &f,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (strcmp(verb, "restore") == 0) {
		restore_refused_under_server(cli_db_path());
		return restore(self, cli_open_store(0), argc, argv);
	}
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (strcmp(verb, "backup") == 0)
		return backup(self, st, argc, argv, keep);
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
	"stats [--json] | check | backup FILE|[--keep N] DIR | restore FILE",
	"stats prints the rows per source and indicator type, the known-benign "
	"lists, the last import of each source with its age and counts, the "
	"latest failed imports with the file and the reason each failed (an "
	"import refused midway, a feed update could not download; a file of "
	"the wrong format writes nothing, and is not listed; and "
	"whether the source was imported fine since), and the size of the "
	"store (database and write-ahead log).\n\n"
	"check runs SQLite's integrity check and exits 3 when the file is "
	"damaged.\n\n"
	"backup copies the store to FILE, which must not exist, as it is at "
	"one moment, while a team server or an update goes on using it.  The "
	"copy is checked (PRAGMA quick_check) and synced before it takes the "
	"name FILE, so FILE is a whole backup or nothing; only its owner may "
	"read it (it holds the tokens' hashes and cached answers).  Given a "
	"directory, backup names the file for the time, chousa-"
	"20261206T023600Z.db (UTC; a second one in the same second "
	"-1.db), and with --keep N then deletes the oldest backups so named "
	"there but the newest N: what a daily timer runs "
	"(chousa-backup.timer, installed beside chousa.service).  A "
	"directory that does not exist is not made: that backup fails (exit "
	"3) and is noted as failed.  Each "
	"backup, good or failed, is noted in the store: stats says the last "
	"good one and a failure since, as do chousa serve --check and its "
	"/metrics.\n\n"
	"restore puts such a backup back in place of the store's content, "
	"also while a team server uses it (not one whose store was deleted "
	"under it, which is refused: stop that server first): the backup is "
	"copied beside the "
	"store, checked to be a chousa store this build reads (an older one "
	"is migrated) and checked as backup checks it, then written over the "
	"store in one transaction, so that readers see the store before or "
	"after, never a mix; on any failure the store is left as it was.  "
	"What changed since the backup is lost, but a token revoked since (it "
	"may have leaked) stays revoked, one made since is named and kept "
	"revoked (its ID, which the audit log names, is never given to "
	"another token), to be made again, and the online quota and token "
	"budgets spent each day keep the higher count (the services counted "
	"them too).",
	db_opts, run_db,
	"chousa db stats\n"
	"chousa db stats --json | jq '.imports[] | {source, age_seconds}'\n"
	"chousa db check\n"
	"chousa db backup /var/backups/chousa-$(date +%F).db\n"
	"chousa db backup --keep 14 /var/backups/chousa\n"
	"chousa db restore /var/backups/chousa-2026-12-01.db",
	db_verbs,
	NULL
};
