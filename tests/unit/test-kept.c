/*
 * test-kept.c: the offline answers the team server keeps (src/serve/
 * kept.c).  An answer is given again only to its own key, with its bytes,
 * status, verdicts and sources as kept; still after this process's
 * bookkeeping (a session), never after a commit of data (another
 * process's is test-serve-investigate-kept's), under another
 * config generation, or when the bytes
 * bound was passed; thousands of keys all stay (chained, so no two evict
 * each other), and the same key kept again replaces its answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"
#include "serve/serve.h"
#include "store/store.h"
#include "t.h"

static char dir[256];

static void
put(struct kept *k, const char *key, const char *bytes,
    const struct chousa_store_mark *mark, unsigned gen)
{
	struct kept_put p;

	memset(&p, 0, sizeof(p));
	p.bytes = bytes;
	p.len = strlen(bytes);
	p.verdicts = "malicious:1";
	p.asked = "local-threatfox";
	p.exit_status = 1;
	p.mark = *mark;
	p.cfg_gen = gen;
	p.at = kept_now();
	kept_put(k, key, strlen(key), &p);
}

/* The answer kept for key, as a string in b ("" when none). */
static const char *
get(struct kept *k, struct chousa_store *st, const char *key, unsigned gen,
    struct chousa_arena *a, struct chousa_buf *b, struct kept_meta *m)
{
	chousa_buf_reset(b);
	memset(m, 0, sizeof(*m));
	m->verdicts = m->asked = "";
	if (!kept_get(k, key, strlen(key), st, gen, a, b, m))
		return "";
	return b->data;
}

static void
test_kept(void)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	struct chousa_store_mark mark;
	struct chousa_arena *a = NULL;
	struct chousa_buf b;
	struct kept_meta m;
	struct kept *k = NULL;
	char path[300], key[32], want[32];
	struct chousa_session s;
	int i, all = 1;

	T_INTEQ("arena", chousa_arena_new(&a, 0, &err), CHOUSA_OK);
	chousa_buf_init(&b, 0);
	snprintf(path, sizeof(path), "%s/kept.db", dir);
	T_INTEQ("store_open", chousa_store_open(&st, path, 0, &err),
	    CHOUSA_OK);
	/* A first write, so that the store has its WAL and a mark to take. */
	memset(&s, 0, sizeof(s));
	snprintf(s.token_hash, sizeof(s.token_hash), "%064d", 1);
	s.created_at = 1000;
	s.expires_at = 2000;
	T_INTEQ("first_write", chousa_store_session_add(st, "w", &s, 4, 64,
	    &err), CHOUSA_OK);
	T_OK("store_marked", chousa_store_mark(st, &mark));
	T_INTEQ("kept_new", kept_new(&k, 1 << 20), CHOUSA_OK);

	put(k, "a", "answer a", &mark, 0);
	T_STREQ("same_key_kept", get(k, st, "a", 0, a, &b, &m), "answer a");
	T_INTEQ("status_kept", m.exit_status, 1);
	T_STREQ("verdicts_kept", m.verdicts, "malicious:1");
	T_STREQ("sources_kept", m.asked, "local-threatfox");
	T_OK("age_now", m.age >= 0 && m.age < 60);
	T_STREQ("other_key_none", get(k, st, "b", 0, a, &b, &m), "");
	T_STREQ("prefix_key_none", get(k, st, "", 0, a, &b, &m), "");
	T_STREQ("other_config_none", get(k, st, "a", 1, a, &b, &m), "");
	/* Asked under another config, it was forgotten. */
	T_STREQ("forgotten_after_other_config", get(k, st, "a", 0, a, &b, &m),
	    "");

	put(k, "a", "answer a", &mark, 0);
	put(k, "a", "answer a2", &mark, 0);
	T_STREQ("same_key_replaced", get(k, st, "a", 0, a, &b, &m),
	    "answer a2");

	/* Thousands of keys: every one still there. */
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key %d", i);
		put(k, key, key, &mark, 0);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "key %d", i);
		snprintf(want, sizeof(want), "key %d", i);
		if (strcmp(get(k, st, key, 0, a, &b, &m), want) != 0)
			all = 0;
	}
	T_OK("thousands_all_kept", all);
	T_INTEQ("hits_counted", (int)kept_hits(k), 5000 + 2);

	/* Bookkeeping (a session) leaves the data: every answer holds. */
	T_INTEQ("a_session", chousa_store_session_add(st, "x", &s, 4, 64,
	    &err), CHOUSA_OK);
	T_STREQ("kept_after_session", get(k, st, "key 1", 0, a, &b, &m),
	    "key 1");
	/* A commit of data: nothing kept holds. */
	T_INTEQ("a_commit", sqlite3_exec(store_db(st), "INSERT INTO "
	    "family_alias (key, id, prio) VALUES ('x', 'win.x', 1)", NULL,
	    NULL, NULL), SQLITE_OK);
	T_STREQ("none_after_commit", get(k, st, "key 2", 0, a, &b, &m), "");
	T_OK("marked_again", chousa_store_mark(st, &mark));
	put(k, "c", "answer c", &mark, 0);
	T_STREQ("kept_after_commit", get(k, st, "c", 0, a, &b, &m),
	    "answer c");

	/* Past the bound, all go; one bigger than it is not kept. */
	kept_set_max(k, 64);
	T_STREQ("lowered_bound_forgets", get(k, st, "c", 0, a, &b, &m), "");
	put(k, "big", "an answer far longer than the sixty-four bytes "
	    "the bound now allows", &mark, 0);
	T_STREQ("over_bound_not_kept", get(k, st, "big", 0, a, &b, &m), "");
	kept_set_max(k, 0);
	put(k, "d", "d", &mark, 0);
	T_STREQ("bound_0_keeps_none", get(k, st, "d", 0, a, &b, &m), "");

	kept_free(k);
	chousa_buf_release(&b);
	chousa_arena_free(a);
	chousa_store_close(st);
}

int
main(void)
{
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/chousa-test-kept.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_kept();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return T_DONE();
}
