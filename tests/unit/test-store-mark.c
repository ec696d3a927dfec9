/*
 * test-store-mark.c: the store's mark and its data mark (src/store/
 * store_mark.c).  Every commit moves the mark; only a commit that may
 * have changed the data moves the data mark: this process's bookkeeping
 * (a session, a token's use, its count, an online answer cached) does
 * not, and keeps a handle's memos; a data commit, any commit of another
 * process, and a bookkeeping commit with another process's commit
 * between its start and its end all do.  Another process is python3's
 * sqlite3, as the tests' other scripts use it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"
#include "online/cache.h"
#include "store/store.h"
#include "t.h"

static char dir[256];
static char path[300];

/* sql run by another process on the store; 1 when it ran. */
static int
other_process(const char *sql)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "python3 -c \"import sqlite3; "
	    "c = sqlite3.connect('%s', isolation_level=None); "
	    "c.execute(\\\"%s\\\"); c.close()\"", path, sql);
	return system(cmd) == 0;
}

static void
session(struct chousa_store *st, const char *id, int n)
{
	struct chousa_session s;
	struct chousa_err err = { 0 };

	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", n);
	s.created_at = 1000;
	s.expires_at = 2000;
	T_INTEQ(id, chousa_store_session_add(st, id, &s, 4, 64, &err),
	    CHOUSA_OK);
}

/*
 * A bookkeeping write of st (a session, id_hash, deleted) with another
 * process's commit of data (an alias, key) between its two ends.
 */
static void
book_around_other(struct chousa_store *st, const char *name,
    const char *key, const char *id_hash)
{
	char sql[256], check[64];

	store_book_begin(st, store_db(st));
	snprintf(sql, sizeof(sql), "INSERT INTO family_alias (key, id, prio) "
	    "VALUES ('%s', 'win.%s', 1)", key, key);
	snprintf(check, sizeof(check), "other_ran_%s", name);
	T_OK(check, other_process(sql));
	snprintf(sql, sizeof(sql), "DELETE FROM sessions WHERE id_hash = "
	    "'%s'", id_hash);
	snprintf(check, sizeof(check), "own_write_%s", name);
	T_INTEQ(check, sqlite3_exec(store_db(st), sql, NULL, NULL, NULL),
	    SQLITE_OK);
	store_book_end(st, store_db(st), 1);
}

static void
test_mark(void)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL, *st2 = NULL;
	struct chousa_store_mark m;
	struct chousa_token_use use;
	int v = 0;

	snprintf(path, sizeof(path), "%s/mark.db", dir);
	T_INTEQ("store_open", chousa_store_open(&st, path, 0, &err),
	    CHOUSA_OK);
	session(st, "first_write", 1);
	memset(&use, 0, sizeof(use));
	snprintf(use.hash, sizeof(use.hash), "%064d", 9);
	T_INTEQ("token_add", chousa_store_token_add(st, "alice", "read",
	    use.hash, 0, -1, NULL, NULL, &use.id, &err), CHOUSA_OK);
	T_OK("marked", chousa_store_mark(st, &m));
	T_OK("unmoved", !chousa_store_moved(st, &m) &&
	    !chousa_store_data_moved(st, &m));

	/* This process's bookkeeping: the mark moves, the data's does not. */
	session(st, "session_added", 2);
	T_OK("session_moves_mark", chousa_store_moved(st, &m));
	T_OK("session_keeps_data", !chousa_store_data_moved(st, &m));
	T_INTEQ("token_spend", chousa_store_token_spend(st, "alice", 1000, 1,
	    &err), CHOUSA_OK);
	T_OK("spend_keeps_data", !chousa_store_data_moved(st, &m));
	T_INTEQ("cache_put", cache_put(st, "virustotal", "k", 200, "{}", 2,
	    1000, 3600, &err), CHOUSA_OK);
	T_OK("cache_keeps_data", !chousa_store_data_moved(st, &m));
	use.at = 1000;
	T_INTEQ("token_used", chousa_store_token_used(st, &use, 1, &err),
	    CHOUSA_OK);
	T_OK("token_used_moves_mark", chousa_store_moved(st, &m));
	T_OK("token_used_keeps_data", !chousa_store_data_moved(st, &m));

	/* Data, through this handle: the data mark moves. */
	T_INTEQ("data_commit", sqlite3_exec(store_db(st), "INSERT INTO "
	    "family_alias (key, id, prio) VALUES ('x', 'win.x', 1)", NULL,
	    NULL, NULL), SQLITE_OK);
	T_OK("data_moves_data", chousa_store_data_moved(st, &m));

	/* Another process's commit, even of a session: moved. */
	T_OK("marked_again", chousa_store_mark(st, &m));
	T_OK("other_ran", other_process("DELETE FROM sessions WHERE "
	    "id_hash = 'first_write'"));
	T_OK("other_moves_data", chousa_store_data_moved(st, &m));

	/* Another process commits between a bookkeeping write's two ends. */
	T_OK("marked_third", chousa_store_mark(st, &m));
	book_around_other(st, "between", "y", "session_added");
	T_OK("between_moves_data", chousa_store_data_moved(st, &m));

	/* A bookkeeping write that changed nothing: another's commit counts. */
	T_OK("marked_fourth", chousa_store_mark(st, &m));
	book_around_other(st, "noop", "z", "none");
	T_OK("noop_moves_data", chousa_store_data_moved(st, &m));

	/* A second handle's memo survives the first's bookkeeping only. */
	T_INTEQ("store_open_2", chousa_store_open(&st2, path, 0, &err),
	    CHOUSA_OK);
	/* Asked first, as a look-up does: the handle's view is read. */
	T_OK("memo_none_yet", !chousa_store_memo_get(st2, "k", &v));
	chousa_store_memo_put(st2, "k", 7);
	T_OK("memo_kept", chousa_store_memo_get(st2, "k", &v) && v == 7);
	session(st, "session_3", 3);
	T_OK("memo_after_bookkeeping", chousa_store_memo_get(st2, "k", &v) &&
	    v == 7);
	T_INTEQ("data_commit_2", sqlite3_exec(store_db(st), "INSERT INTO "
	    "family_alias (key, id, prio) VALUES ('w', 'win.w', 1)", NULL,
	    NULL, NULL), SQLITE_OK);
	T_OK("memo_gone_after_data", !chousa_store_memo_get(st2, "k", &v));
	chousa_store_close(st2);
	chousa_store_close(st);
}

int
main(void)
{
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/chousa-test-mark.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_mark();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return T_DONE();
}
