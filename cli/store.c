/*
 * store.c: opening the store for a command: the path from --db, CHOUSA_DB
 * or the default, its directory made when the command writes, the time to
 * wait for another writer (--wait), Ctrl-C armed to leave the store as it
 * was, a migration said, and any failure turned into one line and the
 * right exit status.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_make_parent_dirs(const char *path)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			cli_die(EXIT_BADINPUT, "cannot create '%s': %s", dir,
			    strerror(errno));
		*p = '/';
	}
	free(dir);
}

int
cli_store_wait_ms(void)
{
	return g_opt.wait >= 0 ? g_opt.wait * 1000 : CHOUSA_STORE_WAIT_MS;
}

/*
 * Said even under -q: a migration cannot be undone, and an older chousa
 * (a server not yet upgraded, a host that shares the file) fails on the
 * store from now on.
 */
void
cli_store_migrated(struct chousa_store *st)
{
	int from = chousa_store_migrated_from(st), version, current;

	if (from == 0)
		return;
	chousa_store_schema(st, &version, &current);
	cli_warn("the store '%s' was migrated from schema %d to %d (chousa "
	    "%s): older versions of chousa cannot open it any more",
	    chousa_store_path(st), from, version, CHOUSA_VERSION);
}

struct chousa_store *
cli_open_store(unsigned flags)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	const char *path = cli_db_path();

	if (!(flags & CHOUSA_STORE_READONLY)) {
		cli_make_parent_dirs(path);
		cli_interrupt_arm();
	}
	if (chousa_store_open_wait(&st, path, flags, cli_store_wait_ms(),
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	cli_store_migrated(st);
	return st;
}
