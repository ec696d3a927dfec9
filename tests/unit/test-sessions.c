/*
 * test-sessions.c: the web sessions of the team server, as the store keeps
 * them (src/store/store_sessions.c, with src/serve/auth.c's caps).  A
 * token signing in over and over ends its own oldest sessions past its
 * cap, never another token's; a store full of other tokens' live
 * sessions refuses a new one rather than end one; expired ones are never
 * found and give way to the next; and a client address's sign-ins are
 * rate-limited, with only the first refusal of a flood marked for the
 * audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "chousa.h"
#include "serve/serve.h"
#include "t.h"

/* Smaller than the server's (4,096 and 16): the same rules. */
#define TABLE		64
#define PER_TOKEN	4
#define NOW		1000000

static char dir[256];

/* The rows of table sessions, live or not. */
static int
rows_of_sessions(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int n = -1;

	sqlite3_open(path, &db);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sessions", -1, &s,
	    NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Session id (its hash, as the store takes it) of token, at NOW. */
static int
add_at(struct chousa_store *st, const char *id, int token, int64_t now,
    int64_t expires)
{
	struct chousa_err err = { 0 };
	struct chousa_session s;

	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", token);
	s.created_at = now;
	s.expires_at = expires;
	return chousa_store_session_add(st, id, &s, PER_TOKEN, TABLE, &err);
}

static int
add(struct chousa_store *st, const char *id, int token, int64_t expires)
{
	return add_at(st, id, token, NOW, expires);
}

static int
live_at(struct chousa_store *st, const char *id, int64_t now)
{
	struct chousa_err err = { 0 };
	struct chousa_session s;

	return chousa_store_session_find(st, id, now, &s, &err) == CHOUSA_OK;
}

static int
live(struct chousa_store *st, const char *id)
{
	return live_at(st, id, NOW);
}

static void
test_sessions(void)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	char path[300], id[32];
	int i, rc = 0, n_ok = 0;
	int64_t later = NOW + 3600;

	snprintf(path, sizeof(path), "%s/sessions.db", dir);
	T_INTEQ("store_open", chousa_store_open(&st, path, 0, &err),
	    CHOUSA_OK);
	T_INTEQ("victim_signs_in", add(st, "victim", 9999, later), CHOUSA_OK);
	/* One token over and over: its own first session goes, no other. */
	for (i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "mine%d", i);
		if (add(st, id, 1, later) == CHOUSA_OK)
			n_ok++;
	}
	T_INTEQ("one_token_signs_in_as_often_as_it_likes", n_ok, 50);
	T_OK("its_oldest_ended", !live(st, "mine0") && !live(st, "mine45"));
	T_OK("its_latest_kept", live(st, "mine46") && live(st, "mine49"));
	T_OK("another_tokens_session_kept", live(st, "victim"));
	/* Other tokens fill the table (PER_TOKEN taken, and the victim's). */
	n_ok = 0;
	for (i = 2; i < 2 + TABLE; i++) {
		snprintf(id, sizeof(id), "other%d", i);
		if ((rc = add(st, id, i, later)) != CHOUSA_OK)
			break;
		n_ok++;
	}
	T_INTEQ("table_fills_to_its_size", n_ok, TABLE - PER_TOKEN - 1);
	T_INTEQ("full_table_refuses", rc, CHOUSA_ELIMIT);
	T_OK("full_table_ended_no_session", live(st, "victim"));
	/* A token with sessions still signs in: its own oldest goes. */
	T_INTEQ("token_at_its_cap_signs_in_on_a_full_table",
	    add(st, "mine50", 1, later), CHOUSA_OK);
	T_OK("ended_at_cap_on_full_table", !live(st, "mine46"));
	T_INTEQ("session_end", chousa_store_session_end(st, "victim", &err),
	    CHOUSA_OK);
	T_OK("ended_session_gone", !live(st, "victim"));
	T_INTEQ("an_ended_session_frees_a_place",
	    add(st, "freed", 5000, later), CHOUSA_OK);
	/* Expired: never found, and their places free for the next. */
	T_INTEQ("full_again", add(st, "over", 5001, later), CHOUSA_ELIMIT);
	T_OK("live_until_its_end", live_at(st, "freed", later - 1));
	T_OK("expired_not_found", !live_at(st, "freed", later));
	T_INTEQ("expired_make_room", add_at(st, "over", 5001, later,
	    later + 3600), CHOUSA_OK);
	T_OK("expired_deleted", rows_of_sessions(path) == 1);
	chousa_store_close(st);
}

static void
test_login_rate(void)
{
	struct chousa_err err = { 0 };
	struct auth *a;
	long retry = 0;
	int i, first, n_in = 0, n_first = 0;

	T_INTEQ("auth_new_rate", auth_new(&a, 60, 5, &err), CHOUSA_OK);
	for (i = 0; i < 50; i++) {
		if (auth_login_take(a, "192.0.2.7", &retry, &first))
			n_in++;
		else
			n_first += first;
	}
	T_INTEQ("burst_let_in", n_in, 5);
	T_INTEQ("one_refusal_of_the_flood_audited", n_first, 1);
	T_OK("retry_after_said", retry >= 1);
	T_OK("another_address_let_in",
	    auth_login_take(a, "192.0.2.8", &retry, &first));
	auth_set_rate(a, 0, 1);
	T_OK("no_rate_lets_in", auth_login_take(a, "192.0.2.7", &retry,
	    &first));
	auth_free(a);
}

int
main(void)
{
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/chousa-test-sessions.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_sessions();
	test_login_rate();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return T_DONE();
}
