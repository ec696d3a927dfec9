/*
 * test-store.c: the store: schema and migrations, refusing files that are
 * not ours or are newer, every look-up kind, family aliases, idempotent
 * imports and the read helpers the investigation and the sweep use.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "chousa.h"
#include "store/store.h"
#include "t.h"
#include "base/sha256.h"

static char dir[256];

static const char *
tmp_path(const char *name)
{
	static char p[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", dir, name);
	return p[i];
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	fputs(text, fp);
	fclose(fp);
}

static int
pragma(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;

	sqlite3_open(path, &db);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	else
		printf("# %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void
exec(const char *path, const char *sql)
{
	sqlite3 *db;

	sqlite3_open(path, &db);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

static long
file_size(const char *path)
{
	FILE *fp = fopen(path, "rb");
	long n;

	if (fp == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fclose(fp);
	return n;
}

static void
test_schema(void)
{
	struct chousa_store *st = NULL;
	struct chousa_err err = { 0 };
	const char *p = tmp_path("new.db"), *q;
	int rc;

	rc = chousa_store_open(&st, p, 0, &err);
	T_OK("open_creates_store", rc == CHOUSA_OK);
	chousa_store_close(st);
	{
		struct stat sb;

		/* Its owner's only, as it holds the tokens' hashes... */
		T_OK("new_store_owner_only", stat(p, &sb) == 0 &&
		    (sb.st_mode & 0777) == 0600);
		/* ...but an existing store keeps the mode it was given. */
		T_OK("store_mode_kept", chmod(p, 0640) == 0 &&
		    chousa_store_open(&st, p, 0, &err) == CHOUSA_OK &&
		    stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0640);
		chousa_store_close(st);
	}
	T_INTEQ("schema_version_set", pragma(p, "PRAGMA user_version"), 11);
	T_INTEQ("application_id_set", pragma(p, "PRAGMA application_id"),
	    0x43485341);
	T_INTEQ("wal_mode", pragma(p, "PRAGMA journal_mode = WAL") >= 0, 1);

	/* A foreign SQLite file is refused and left as it was. */
	q = tmp_path("foreign.db");
	exec(q, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
	{
		long before = file_size(q);

		rc = chousa_store_open(&st, q, 0, &err);
		T_INTEQ("foreign_db_refused", rc, CHOUSA_EFORMAT);
		T_INTEQ("foreign_db_untouched", file_size(q), before);
		T_INTEQ("foreign_db_still_foreign",
		    pragma(q, "PRAGMA application_id"), 0);
		T_OK("foreign_db_no_wal", access(tmp_path("foreign.db-wal"),
		    F_OK) != 0);
	}
	/* A text file is not a store either. */
	q = tmp_path("text.db");
	write_file(q, "this is not a database, just some text that is long "
	    "enough to have a header's worth of bytes in it............\n");
	rc = chousa_store_open(&st, q, 0, &err);
	T_INTEQ("text_file_refused", rc, CHOUSA_EFORMAT);
	/* A newer schema is refused. */
	exec(p, "PRAGMA user_version = 99");
	rc = chousa_store_open(&st, p, 0, &err);
	T_INTEQ("newer_schema_refused", rc, CHOUSA_EFORMAT);
	T_OK("newer_schema_message", strstr(err.msg, "newer") != NULL);
	T_INTEQ("newer_schema_untouched", pragma(p, "PRAGMA user_version"),
	    99);
	/* An empty database stamped as ours at version 0 migrates. */
	q = tmp_path("v0.db");
	exec(q, "PRAGMA application_id = 1128813377");
	rc = chousa_store_open(&st, q, 0, &err);
	T_OK("v0_store_migrates", rc == CHOUSA_OK);
	chousa_store_close(st);
	T_INTEQ("v0_store_now_current", pragma(q, "PRAGMA user_version"), 11);
	/*
	 * Tokens: one that ends, one that does not; a version 4 store (no
	 * expires_at) opened read-only reads its tokens through a view, and
	 * opened for writing gains the column, as never set.
	 */
	q = tmp_path("tokens.db");
	rc = chousa_store_open(&st, q, 0, &err);
	if (rc == CHOUSA_OK) {
		struct chousa_arena *a = NULL;
		struct chousa_token t;
		int64_t id;

		chousa_arena_new(&a, 0, &err);
		T_OK("token_added_with_end", chousa_store_token_add(st, "ends",
		    "read", "aa", 4102444800, -1, NULL, "Grafana on mon-01", &id,
		    &err) == CHOUSA_OK);
		T_OK("token_added_without_end", chousa_store_token_add(st,
		    "stays", "read", "bb", 0, 25, "10.0.0.0/8", NULL, &id,
		    &err) == CHOUSA_OK);
		T_OK("token_end_read", chousa_store_token_find(st, a, "aa", &t,
		    &err) == CHOUSA_OK && t.expires_at == 4102444800);
		T_OK("token_note_read", t.note != NULL &&
		    strcmp(t.note, "Grafana on mon-01") == 0);
		T_OK("token_note_set", chousa_store_token_set_note(st, "ends",
		    "", &err) == CHOUSA_OK && chousa_store_token_find(st, a,
		    "aa", &t, &err) == CHOUSA_OK && t.note == NULL);
		T_INTEQ("token_note_unknown_name", chousa_store_token_set_note(
		    st, "nobody", "x", &err), CHOUSA_ENOTFOUND);
		T_OK("token_no_end_read", chousa_store_token_find(st, a, "bb",
		    &t, &err) == CHOUSA_OK && t.expires_at == 0);
		T_OK("token_allow_from_read", t.allow_from != NULL &&
		    strcmp(t.allow_from, "10.0.0.0/8") == 0);
		T_OK("token_allow_from_set_any",
		    chousa_store_token_set_allow(st, "stays", NULL, &err) ==
		    CHOUSA_OK && chousa_store_token_find(st, a, "bb", &t,
		    &err) == CHOUSA_OK && t.allow_from == NULL);
		T_INTEQ("token_allow_from_unknown_name",
		    chousa_store_token_set_allow(st, "nobody", "10.0.0.1",
		    &err), CHOUSA_ENOTFOUND);
		T_INTEQ("token_name_taken_while_valid",
		    chousa_store_token_add(st, "ends", "read", "cc", 0, -1,
		    NULL, NULL, &id, &err), CHOUSA_EEXIST);
		T_OK("token_name_free_once_expired", chousa_store_token_add(st,
		    "gone", "read", "dd", 1, -1, NULL, NULL, &id, &err) ==
		    CHOUSA_OK && chousa_store_token_add(st, "gone", "read",
		    "ee", 0, -1, NULL, NULL, &id, &err) == CHOUSA_OK);
		{
			long spent = -1;

			T_OK("token_budget_read", chousa_store_token_find(st,
			    a, "bb", &t, &err) == CHOUSA_OK &&
			    t.online_budget == 25 && chousa_store_token_find(st,
			    a, "aa", &t, &err) == CHOUSA_OK &&
			    t.online_budget == -1);
			T_OK("token_budget_set", chousa_store_token_set_budget(
			    st, "ends", 7, &err) == CHOUSA_OK &&
			    chousa_store_token_find(st, a, "aa", &t, &err) ==
			    CHOUSA_OK && t.online_budget == 7);
			T_INTEQ("token_budget_needs_valid_token",
			    chousa_store_token_set_budget(st, "nobody", 7,
			    &err), CHOUSA_ENOTFOUND);
			T_OK("token_spend_counts", chousa_store_token_spend(st,
			    "stays", 1000000, 3, &err) == CHOUSA_OK &&
			    chousa_store_token_spend(st, "stays", 1000000, -1,
			    &err) == CHOUSA_OK && chousa_store_token_spent(st,
			    "stays", 1000001, &spent, &err) == CHOUSA_OK &&
			    spent == 2);
			T_OK("token_spend_by_day", chousa_store_token_spent(st,
			    "stays", 1000000 + 86400, &spent, &err) ==
			    CHOUSA_OK && spent == 0);
			T_OK("token_refund_never_below_zero",
			    chousa_store_token_spend(st, "gone", 1000000, -1,
			    &err) == CHOUSA_OK && chousa_store_token_spent(st,
			    "gone", 1000000, &spent, &err) == CHOUSA_OK &&
			    spent == 0);
		}
		chousa_store_token_set_allow(st, "stays", "192.0.2.7", &err);
		{
			struct chousa_token_use use[2] = {
				{ id, "ee", 2000, "192.0.2.7" },
				{ 1, "aa", 1000, "2001:db8::1" },
			};

			T_OK("token_never_used", chousa_store_token_find(st,
			    a, "aa", &t, &err) == CHOUSA_OK &&
			    t.last_used_at == 0 && t.last_used_from[0] == '\0');
			T_OK("token_use_written", chousa_store_token_used(st,
			    use, 2, &err) == CHOUSA_OK &&
			    chousa_store_token_find(st, a, "aa", &t, &err) ==
			    CHOUSA_OK && t.last_used_at == 1000 &&
			    strcmp(t.last_used_from, "2001:db8::1") == 0);
			/* Another server may have written a later use. */
			use[0].at = 1500;
			snprintf(use[0].from, sizeof(use[0].from), "10.1.1.1");
			T_OK("token_older_use_not_over_later",
			    chousa_store_token_used(st, use, 1, &err) ==
			    CHOUSA_OK && chousa_store_token_find(st, a, "ee",
			    &t, &err) == CHOUSA_OK && t.last_used_at == 2000 &&
			    strcmp(t.last_used_from, "192.0.2.7") == 0);
			/* The id now another token's (a restore): not its. */
			use[1].at = 3000;
			snprintf(use[1].hash, sizeof(use[1].hash), "zz");
			T_OK("token_use_needs_id_and_hash",
			    chousa_store_token_used(st, &use[1], 1, &err) ==
			    CHOUSA_OK && chousa_store_token_find(st, a, "aa",
			    &t, &err) == CHOUSA_OK && t.last_used_at == 1000);
		}
		chousa_store_close(st);
		/* A version 7 store read-only: its tokens never used. */
		exec(q, "ALTER TABLE tokens DROP COLUMN last_used_at;"
		    "ALTER TABLE tokens DROP COLUMN last_used_from;"
		    "ALTER TABLE tokens DROP COLUMN note;"
		    "DROP TABLE sessions; DROP TABLE backups; ALTER TABLE imports DROP COLUMN published_at; PRAGMA user_version = 7");
		rc = chousa_store_open(&st, q, CHOUSA_STORE_READONLY, &err);
		T_OK("v7_tokens_read_only", rc == CHOUSA_OK &&
		    chousa_store_token_find(st, a, "aa", &t, &err) ==
		    CHOUSA_OK && t.last_used_at == 0 && t.note == NULL);
		chousa_store_close(st);
		rc = chousa_store_open(&st, q, 0, &err);
		T_OK("v7_migrated", rc == CHOUSA_OK && pragma(q,
		    "PRAGMA user_version") == 11);
		chousa_store_close(st);
		/* A version 6 store read-only: every token from any address. */
		exec(q, "ALTER TABLE tokens DROP COLUMN allow_from;"
		    "ALTER TABLE tokens DROP COLUMN last_used_at;"
		    "ALTER TABLE tokens DROP COLUMN last_used_from;"
		    "ALTER TABLE tokens DROP COLUMN note;"
		    "DROP TABLE sessions; DROP TABLE backups; ALTER TABLE imports DROP COLUMN published_at; PRAGMA user_version = 6");
		rc = chousa_store_open(&st, q, CHOUSA_STORE_READONLY, &err);
		T_OK("v6_tokens_read_only", rc == CHOUSA_OK &&
		    chousa_store_token_find(st, a, "bb", &t, &err) ==
		    CHOUSA_OK && t.allow_from == NULL && t.online_budget == 25);
		chousa_store_close(st);
		rc = chousa_store_open(&st, q, 0, &err);
		T_OK("v6_migrated", rc == CHOUSA_OK && pragma(q,
		    "PRAGMA user_version") == 11);
		chousa_store_close(st);
		exec(q, "ALTER TABLE tokens DROP COLUMN allow_from;"
		    "ALTER TABLE tokens DROP COLUMN last_used_at;"
		    "ALTER TABLE tokens DROP COLUMN last_used_from;"
		    "ALTER TABLE tokens DROP COLUMN note;"
		    "ALTER TABLE tokens DROP COLUMN expires_at;"
		    "ALTER TABLE tokens DROP COLUMN online_budget;"
		    "DROP TABLE token_usage; DROP TABLE sessions;"
		    " DROP TABLE backups;"
		    " ALTER TABLE imports DROP COLUMN published_at;"
		    " PRAGMA user_version = 4");
		rc = chousa_store_open(&st, q, CHOUSA_STORE_READONLY, &err);
		T_OK("v4_tokens_read_only", rc == CHOUSA_OK &&
		    chousa_store_token_find(st, a, "aa", &t, &err) ==
		    CHOUSA_OK && t.expires_at == 0 && strcmp(t.name, "ends") ==
		    0 && t.online_budget == -1);
		{
			struct chousa_token *all;
			size_t n_all;

			T_OK("v4_read_only_lists_nothing_spent",
			    chousa_store_token_list(st, a, &all, &n_all,
			    &err) == CHOUSA_OK && n_all == 4 &&
			    all[1].online_today == 0);
		}
		chousa_store_close(st);
		T_INTEQ("v4_read_only_not_migrated",
		    pragma(q, "PRAGMA user_version"), 4);
		rc = chousa_store_open(&st, q, 0, &err);
		T_OK("v4_tokens_migrated", rc == CHOUSA_OK &&
		    chousa_store_token_find(st, a, "bb", &t, &err) ==
		    CHOUSA_OK && t.expires_at == 0);
		chousa_store_close(st);
		T_INTEQ("v4_now_current", pragma(q, "PRAGMA user_version"), 11);
		chousa_arena_free(a);
	}
	/* Read-only never creates. */
	rc = chousa_store_open(&st, tmp_path("missing.db"),
	    CHOUSA_STORE_READONLY, &err);
	T_OK("readonly_does_not_create", rc != CHOUSA_OK &&
	    access(tmp_path("missing.db"), F_OK) != 0);
}

static int
has_match(const struct chousa_record *r, size_t n, int match,
    const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].match == match && strcmp(r[i].value, value) == 0)
			return 1;
	return 0;
}

static size_t lookup(struct chousa_store *st, struct chousa_arena *a,
    const char *text, struct chousa_record **r);

/* Write n URLs, from first, as a list file; return its path. */
static const char *
url_list(const char *name, int first, int n)
{
	const char *p = tmp_path(name);
	FILE *fp = fopen(p, "w");
	int i;

	for (i = first; i < first + n; i++)
		fprintf(fp, "http://h%d.zone%d.example.com/p/%d\n", i, i % 7, i);
	fclose(fp);
	return p;
}

/* How many of URLs first..first+n-1 (and their hosts) a look-up finds. */
static int
found_urls(struct chousa_store *st, int first, int n)
{
	struct chousa_arena *a = NULL;
	struct chousa_err err = { 0 };
	struct chousa_record *r;
	char v[128];
	int i, found = 0;

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		return -1;
	for (i = first; i < first + n; i++) {
		snprintf(v, sizeof(v), "http://h%d.zone%d.example.com/p/%d", i,
		    i % 7, i);
		if (lookup(st, a, v, &r) >= 1 && r[0].match ==
		    CHOUSA_MATCH_EXACT) {
			snprintf(v, sizeof(v), "h%d.zone%d.example.com", i,
			    i % 7);
			found += lookup(st, a, v, &r) >= 1;
		}
	}
	chousa_arena_free(a);
	return found;
}

static int
filter_log2(const char *db)
{
	return pragma(db, "SELECT log2_blocks FROM probe_filter_meta");
}

/*
 * The probe filter: built by imports, grown, merged, loaded in place, and
 * never the reason a stored row is not found; absent keys are mostly
 * refused without SQLite.
 */
static void
test_filter(void)
{
	struct chousa_store *st = NULL;
	struct chousa_err err = { 0 };
	struct chousa_import_report rep;
	struct chousa_arena *a = NULL;
	struct chousa_record *r;
	char db[512], sql[256];
	int i, refused = 0, small, grown;

	/* A copy: tmp_path() reuses its buffers. */
	snprintf(db, sizeof(db), "%s", tmp_path("filter.db"));
	if (chousa_store_open(&st, db, 0, &err) != CHOUSA_OK ||
	    chousa_arena_new(&a, 0, &err) != CHOUSA_OK) {
		T_OK("filter_setup", 0);
		printf("# %s\n", err.msg);
		goto out;
	}
	/* Small working filters, so a few thousand rows reach every path. */
	store_filter_set_work_log2(8);
	T_INTEQ("filter_import_small", chousa_store_import(st, "list",
	    url_list("f1.txt", 0, 20), NULL, &rep, &err), CHOUSA_OK);
	small = filter_log2(db);
	T_INTEQ("filter_small_size", small, 4);
	T_INTEQ("filter_small_finds_all", found_urls(st, 0, 20), 20);
	chousa_store_snapshot_begin(st, &err);
	for (i = 0; i < 1000; i++) {
		char v[64];

		snprintf(v, sizeof(v), "absent%d.example.net", i);
		refused += !store_filter_may(st, FILTER_VALUE,
		    store_hash(v, strlen(v)));
	}
	chousa_store_snapshot_end(st);
	T_OK("filter_refuses_absent", refused >= 950);
	/* 3000 more: past the stored filter, which grows from the rows. */
	T_INTEQ("filter_import_grow", chousa_store_import(st, "list",
	    url_list("f2.txt", 20, 3000), NULL, &rep, &err), CHOUSA_OK);
	grown = filter_log2(db);
	T_OK("filter_grew", grown > small && grown <= 8);
	T_INTEQ("filter_grown_finds_all", found_urls(st, 0, 3020), 3020);
	/* A few more: the stored filter is merged, same size. */
	T_INTEQ("filter_import_merge", chousa_store_import(st, "list",
	    url_list("f3.txt", 3020, 10), NULL, &rep, &err), CHOUSA_OK);
	T_INTEQ("filter_merge_same_size", filter_log2(db), grown);
	T_INTEQ("filter_merged_finds_all", found_urls(st, 0, 3030), 3030);
	/* A working filter smaller than the stored one: loaded and added to,
	 * then rebuilt bigger from the rows when it is too full. */
	store_filter_set_work_log2(4);
	T_INTEQ("filter_import_in_place", chousa_store_import(st, "list",
	    url_list("f4.txt", 3030, 5), NULL, &rep, &err), CHOUSA_OK);
	T_INTEQ("filter_in_place_same_size", filter_log2(db), grown);
	T_INTEQ("filter_in_place_finds_all", found_urls(st, 0, 3035), 3035);
	T_INTEQ("filter_import_rebuild", chousa_store_import(st, "list",
	    url_list("f5.txt", 3035, 6000), NULL, &rep, &err), CHOUSA_OK);
	T_OK("filter_rebuilt_bigger", filter_log2(db) > grown);
	T_INTEQ("filter_rebuilt_finds_all", found_urls(st, 0, 9035), 9035);
	store_filter_set_work_log2(0);
	/* A row written behind chousa's back: the filter no longer covers
	 * the newest row, so it is not asked. */
	snprintf(sql, sizeof(sql), "INSERT INTO indicators (type, value,"
	    " vhash, source) VALUES (4, 'sneaky.example.org', %lld, 'hand')",
	    (long long)store_hash("sneaky.example.org", 18));
	exec(db, sql);
	T_INTEQ("filter_stale_not_trusted", lookup(st, a, "sneaky.example.org",
	    &r), 1);
	/* Nor when it is damaged. */
	exec(db, "UPDATE probe_filter SET bits = x'00'");
	exec(db, "UPDATE probe_filter_meta SET covers_id ="
	    " (SELECT max(id) FROM indicators)");
	T_INTEQ("filter_damaged_not_trusted", found_urls(st, 0, 50), 50);
out:
	store_filter_set_work_log2(0);
	chousa_arena_free(a);
	chousa_store_close(st);
}

static size_t
lookup(struct chousa_store *st, struct chousa_arena *a, const char *text,
    struct chousa_record **r)
{
	struct chousa_indicator ind;
	struct chousa_err err = { 0 };
	size_t n = 0;

	if (chousa_ioc_parse(a, text, strlen(text), CHOUSA_IOC_ALL, &ind,
	    &err) != CHOUSA_OK ||
	    chousa_store_lookup(st, a, &ind, r, &n, &err) != CHOUSA_OK) {
		printf("# lookup %s: %s\n", text, err.msg);
		return 0;
	}
	return n;
}

static int
count_row(void *arg, const struct chousa_store_row *row)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

static void
test_lookups(void)
{
	struct chousa_store *st = NULL;
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	struct chousa_import_report rep;
	struct chousa_import_opts opts;
	struct chousa_record *r;
	struct chousa_family f;
	struct chousa_sample smp;
	struct chousa_benign *bn;
	size_t n;
	int rc, rows;
	const char *list = tmp_path("list.txt");

	write_file(list, "# a plain list\nevil.example.com\n"
	    "http://sub.bad.example.org/x.exe\n198.51.100.0/24\n"
	    "hxxps://defanged[.]example[.]net/p\nnot an indicator line here\n"
	    "bogus!token\n");
	rc = chousa_store_open(&st, tmp_path("look.db"), 0, &err);
	T_OK("lookup_store_open", rc == CHOUSA_OK);
	if (rc != CHOUSA_OK)
		return;
	chousa_arena_new(&a, 0, &err);
	memset(&opts, 0, sizeof(opts));
	opts.family = "Heodo";
	opts.tag = "case-1";
	rc = chousa_store_import(st, "list", list, &opts, &rep, &err);
	T_OK("list_import_ok", rc == CHOUSA_OK);
	T_INTEQ("list_import_added", rep.added, 4);
	T_INTEQ("list_import_rejected", rep.rejected, 1);
	T_INTEQ("list_reject_line", rep.n_rejects ? rep.rejects[0].line : 0,
	    7);
	rc = chousa_store_import(st, "list", list, &opts, &rep, &err);
	T_INTEQ("list_reimport_adds_nothing", rep.added, 0);
	rc = chousa_store_import(st, "malpedia",
	    "tests/data/feeds/malpedia.json", NULL, &rep, &err);
	T_OK("malpedia_import_ok", rc == CHOUSA_OK);

	n = lookup(st, a, "evil.example.com", &r);
	T_OK("lookup_exact_domain", has_match(r, n, CHOUSA_MATCH_EXACT,
	    "evil.example.com"));
	n = lookup(st, a, "a.b.evil.example.com", &r);
	T_OK("lookup_parent_domain", has_match(r, n, CHOUSA_MATCH_PARENT,
	    "evil.example.com"));
	n = lookup(st, a, "http://evil.example.com/z", &r);
	T_OK("lookup_url_host", has_match(r, n, CHOUSA_MATCH_HOST,
	    "evil.example.com"));
	n = lookup(st, a, "sub.bad.example.org", &r);
	T_OK("lookup_url_host_of_listed_urls", has_match(r, n,
	    CHOUSA_MATCH_URL_HOST, "http://sub.bad.example.org/x.exe"));
	n = lookup(st, a, "example.org", &r);
	T_OK("lookup_regdomain_of_listed_urls", has_match(r, n,
	    CHOUSA_MATCH_REGDOMAIN, "http://sub.bad.example.org/x.exe"));
	n = lookup(st, a, "198.51.100.77", &r);
	T_OK("lookup_ip_in_cidr", has_match(r, n, CHOUSA_MATCH_CIDR,
	    "198.51.100.0/24"));
	n = lookup(st, a, "http://198.51.100.78:8080/x", &r);
	T_OK("lookup_url_ip_host_in_cidr", has_match(r, n, CHOUSA_MATCH_CIDR,
	    "198.51.100.0/24"));
	n = lookup(st, a, "198.51.101.1", &r);
	T_INTEQ("lookup_ip_outside_cidr", n, 0);
	n = lookup(st, a, "https://defanged.example.net/p", &r);
	T_OK("lookup_defanged_was_stored_refanged", has_match(r, n,
	    CHOUSA_MATCH_EXACT, "https://defanged.example.net/p"));
	T_STREQ("lookup_family_mapped", n ? r[0].family : NULL, "win.emotet");
	T_STREQ("lookup_tag_kept", n ? r[0].tags : NULL, "case-1");

	rc = chousa_store_family(st, a, "Heodo", &f, &err);
	T_STREQ("family_alias_heodo", rc == CHOUSA_OK ? f.id : NULL,
	    "win.emotet");
	rc = chousa_store_family(st, a, "EMOTET", &f, &err);
	T_STREQ("family_case_insensitive", rc == CHOUSA_OK ? f.id : NULL,
	    "win.emotet");
	rc = chousa_store_family(st, a, "win_emotet", &f, &err);
	T_STREQ("family_punctuation_insensitive",
	    rc == CHOUSA_OK ? f.id : NULL, "win.emotet");
	T_STREQ("family_name", rc == CHOUSA_OK ? f.name : NULL, "Emotet");
	rc = chousa_store_family(st, a, "Pinkslipbot", &f, &err);
	T_STREQ("family_alias_qakbot", rc == CHOUSA_OK ? f.id : NULL,
	    "win.qakbot");
	rc = chousa_store_family(st, a, "NoSuchFamily", &f, &err);
	T_INTEQ("family_unknown", rc, CHOUSA_ENOTFOUND);

	rc = chousa_store_import(st, "malwarebazaar",
	    "tests/data/feeds/malwarebazaar-emotet.csv", NULL, &rep, &err);
	T_INTEQ("mb_import_counts_one_per_row", rep.added, 1);
	rc = chousa_store_sample(st, a, "0123456789ABCDEF0123456789ABCDEF",
	    &smp, &err);
	T_STREQ("sample_by_md5", rc == CHOUSA_OK ? smp.sha256 : NULL,
	    "3f1ba0b4bfe1b1b7d2f0e0fd1d8cf3ef6c1f3a40b0a2e1f3e1d0c0b0a0908070");
	T_STREQ("sample_family_id", rc == CHOUSA_OK ? smp.family : NULL,
	    "win.emotet");
	n = lookup(st, a, "0123456789abcdef0123456789abcdef01234567", &r);
	T_OK("lookup_sha1_finds_sample_sha256", n == 1 &&
	    r[0].type == CHOUSA_IOC_SHA256);

	rc = chousa_store_import(st, "warninglist",
	    "tests/data/feeds/warninglist-cdn.json", NULL, &rep, &err);
	T_OK("warninglist_import_ok", rc == CHOUSA_OK && rep.added == 3);
	{
		struct chousa_indicator ind;

		chousa_ioc_parse(a, "192.0.2.200", 11, CHOUSA_IOC_ALL, &ind,
		    &err);
		rc = chousa_store_benign(st, a, &ind, &bn, &n, &err);
		T_OK("benign_cidr_covers_ip", rc == CHOUSA_OK && n == 1 &&
		    strcmp(bn[0].kind, "cdn") == 0);
	}
	rows = 0;
	chousa_store_foreach(st, 0, count_row, &rows, &err);
	T_INTEQ("foreach_all_rows", rows, 5);
	rows = 0;
	chousa_store_foreach(st, CHOUSA_IOC_BIT(CHOUSA_IOC_URL), count_row,
	    &rows, &err);
	T_INTEQ("foreach_type_mask", rows, 2);
	rows = 0;
	chousa_store_foreach_benign(st, count_row, &rows, &err);
	T_INTEQ("foreach_benign_rows", rows, 3);

	/* The wrong format is refused with nothing written. */
	rc = chousa_store_import(st, "threatfox",
	    "tests/data/feeds/feodo.json", NULL, &rep, &err);
	T_INTEQ("wrong_format_refused", rc, CHOUSA_EFORMAT);
	T_OK("wrong_format_names_expected", strstr(err.msg, "ThreatFox") !=
	    NULL);
	/* --strict fails the file and keeps nothing of it. */
	memset(&opts, 0, sizeof(opts));
	opts.strict = 1;
	rc = chousa_store_import(st, "urlhaus", "tests/data/feeds/bad-rows.csv",
	    &opts, &rep, &err);
	T_INTEQ("strict_fails_file", rc, CHOUSA_EPARSE);
	n = lookup(st, a, "http://good.example.com/a", &r);
	T_INTEQ("strict_failure_writes_nothing", n, 0);
	T_OK("check_ok", chousa_store_check(st, &err) == CHOUSA_OK);
	T_STREQ("match_name", chousa_match_name(CHOUSA_MATCH_URL_HOST),
	    "url_host");
	T_STREQ("rel_name", chousa_rel_name(CHOUSA_REL_DELIVERED),
	    "delivered");
	chousa_arena_free(a);
	chousa_store_close(st);
}

/* libcrypto's SHA-256 and the built-in one agree, fed in any pieces. */
static void
test_sha256(void)
{
	static const size_t lens[] = { 0, 1, 55, 56, 63, 64, 65, 119, 120,
	    1000, 100003 };
	unsigned char *data = malloc(100003);
	struct store_sha256 lib, own;
	char hl[65], ho[65], name[64];
	size_t i, k, off;

	if (data == NULL)
		return;
	for (i = 0; i < 100003; i++)
		data[i] = (unsigned char)(i * 7 + (i >> 8));
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		store_sha256_init(&lib);
		store_sha256_init_with(&own, 0);
		for (off = 0; off < lens[k]; off += 37) {
			size_t n = lens[k] - off < 37 ? lens[k] - off : 37;

			store_sha256_update(&lib, data + off, n);
			store_sha256_update(&own, data + off, n);
		}
		store_sha256_hex(&lib, hl);
		store_sha256_hex(&own, ho);
		snprintf(name, sizeof(name), "sha256_agree_%zu", lens[k]);
		T_STREQ(name, hl, ho);
	}
	store_sha256_init(&lib);
	store_sha256_hex(&lib, hl);
	T_STREQ("sha256_empty", hl, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4"
	    "649b934ca495991b7852b855");
	store_sha256_init(&lib);
	store_sha256_update(&lib, "abc", 3);
	store_sha256_free(&lib);	/* abandoned: nothing leaks */
	free(data);
}

/* A snapshot keeps one view while another connection imports. */
static void
test_snapshot(void)
{
	struct chousa_store *reader = NULL, *writer = NULL;
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	struct chousa_import_report rep;
	struct chousa_record *r;
	struct chousa_store_mark m;
	const char *db = tmp_path("snap.db"), *one = tmp_path("snap1.txt"),
	    *two = tmp_path("snap2.txt");

	write_file(one, "first.example.com\n");
	write_file(two, "second.example.com\n");
	if (chousa_store_open(&writer, db, 0, &err) != CHOUSA_OK ||
	    chousa_store_import(writer, "list", one, NULL, &rep, &err) !=
	    CHOUSA_OK || chousa_store_open(&reader, db,
	    CHOUSA_STORE_READONLY, &err) != CHOUSA_OK ||
	    chousa_arena_new(&a, 0, &err) != CHOUSA_OK) {
		T_OK("snapshot_setup", 0);
		printf("# %s\n", err.msg);
		goto out;
	}
	T_INTEQ("mark_known", chousa_store_mark(reader, &m), 1);
	T_INTEQ("mark_not_moved", chousa_store_moved(reader, &m), 0);
	T_INTEQ("snapshot_begin", chousa_store_snapshot_begin(reader, &err),
	    CHOUSA_OK);
	T_INTEQ("snapshot_not_nested", chousa_store_snapshot_begin(reader,
	    &err), CHOUSA_EINVAL);
	T_INTEQ("snapshot_sees_first", lookup(reader, a,
	    "first.example.com", &r), 1);
	T_INTEQ("snapshot_current_while_nothing_written",
	    chousa_store_snapshot_stale(reader), 0);
	T_INTEQ("snapshot_import_meanwhile", chousa_store_import(writer,
	    "list", two, NULL, &rep, &err), CHOUSA_OK);
	T_INTEQ("snapshot_keeps_its_view", lookup(reader, a,
	    "second.example.com", &r), 0);
	T_INTEQ("snapshot_stale_after_a_commit",
	    chousa_store_snapshot_stale(reader), 1);
	T_INTEQ("mark_moved_by_a_commit", chousa_store_moved(reader, &m), 1);
	/* In the snapshot, the mark is of what it reads: moved already. */
	T_INTEQ("mark_in_snapshot", chousa_store_mark(reader, &m), 1);
	T_INTEQ("mark_in_stale_snapshot_moved", chousa_store_moved(reader,
	    &m), 1);
	chousa_store_snapshot_end(reader);
	T_INTEQ("snapshot_stale_when_none", chousa_store_snapshot_stale(reader),
	    1);
	T_INTEQ("snapshot_ended_sees_import", lookup(reader, a,
	    "second.example.com", &r), 1);
	chousa_store_snapshot_end(reader);	/* harmless twice */
	T_INTEQ("snapshot_again", chousa_store_snapshot_begin(reader, &err),
	    CHOUSA_OK);
	T_INTEQ("snapshot_again_current", chousa_store_snapshot_stale(reader),
	    0);
	/* A commit of another process moves the same header. */
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'CREATE TABLE "
		    "t_mark (x); INSERT INTO t_mark VALUES (1)'", db);
		T_INTEQ("snapshot_other_process_commits", system(cmd), 0);
	}
	T_INTEQ("snapshot_stale_after_other_process",
	    chousa_store_snapshot_stale(reader), 1);
out:
	chousa_arena_free(a);
	chousa_store_close(reader);	/* ends an open snapshot */
	chousa_store_close(writer);
}

/* The newest updated_at of source among a handle's feed ages, 0 none. */
static int64_t
age_of(struct chousa_store *st, struct chousa_arena *a, const char *source)
{
	struct chousa_feed_age *ages;
	struct chousa_err err = { 0 };
	size_t n, i;

	if (chousa_store_feed_ages(st, a, &ages, &n, &err) != CHOUSA_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(ages[i].source, source) == 0)
			return ages[i].updated_at;
	return 0;
}

/*
 * What a long-lived handle (the team server's) derives from the tables,
 * the prefix lengths its range probes try and the feeds' ages, follows
 * another connection's commits: an import by `chousa import` while the
 * server runs is seen at the server's next read.
 */
static void
test_derived_follow_commits(void)
{
	struct chousa_store *reader = NULL, *writer = NULL;
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	struct chousa_import_report rep;
	struct chousa_import_opts opts;
	struct chousa_record *r;
	const char *db = tmp_path("derived.db"), *one = tmp_path("der1.txt"),
	    *two = tmp_path("der2.txt");
	const char *bytes;
	char *big;
	size_t len;
	int v = 0;

	memset(&opts, 0, sizeof(opts));
	write_file(one, "198.51.100.0/24\n");
	write_file(two, "10.20.0.0/16\n");
	if (chousa_store_open(&writer, db, 0, &err) != CHOUSA_OK ||
	    chousa_store_import(writer, "list", one, NULL, &rep, &err) !=
	    CHOUSA_OK || chousa_store_open(&reader, db, CHOUSA_STORE_READONLY,
	    &err) != CHOUSA_OK || chousa_arena_new(&a, 0, &err) != CHOUSA_OK) {
		T_OK("derived_setup", 0);
		printf("# %s\n", err.msg);
		goto out;
	}
	T_INTEQ("derived_range_first", lookup(reader, a, "198.51.100.7", &r),
	    1);
	T_INTEQ("derived_no_second_range_yet", lookup(reader, a,
	    "10.20.3.4", &r), 0);
	T_OK("derived_no_age_yet", age_of(reader, a, "second-list") == 0);
	chousa_store_memo_put(reader, "answer", 7);
	T_OK("derived_memo_kept", chousa_store_memo_get(reader, "answer",
	    &v) == 1 && v == 7);
	T_INTEQ("derived_memo_other_key", chousa_store_memo_get(reader,
	    "other", &v), 0);
	chousa_store_memo_put_bytes(reader, "written", 3, "{\"a\":1}", 7);
	bytes = chousa_store_memo_bytes(reader, "written", &v, &len);
	T_OK("derived_memo_bytes_kept", bytes != NULL && len == 7 &&
	    strcmp(bytes, "{\"a\":1}") == 0 && v == 3);
	T_OK("derived_memo_bytes_none", chousa_store_memo_bytes(reader,
	    "answer", &v, &len) != NULL && len == 0 && v == 7);
	big = calloc(1, (size_t)5 << 20);
	if (big != NULL)
		chousa_store_memo_put_bytes(reader, "big", 1, big,
		    (size_t)5 << 20);
	free(big);
	T_OK("derived_memo_bytes_capped", chousa_store_memo_bytes(reader,
	    "big", &v, &len) == NULL);
	opts.source_name = "second-list";
	T_INTEQ("derived_import_meanwhile", chousa_store_import(writer,
	    "list", two, &opts, &rep, &err), CHOUSA_OK);
	T_INTEQ("derived_memo_forgotten", chousa_store_memo_get(reader,
	    "answer", &v), 0);
	T_OK("derived_memo_bytes_forgotten", chousa_store_memo_bytes(reader,
	    "written", &v, &len) == NULL);
	T_INTEQ("derived_new_prefix_length_probed", lookup(reader, a,
	    "10.20.3.4", &r), 1);
	T_OK("derived_new_age_seen", age_of(reader, a, "second-list") > 0);
	T_INTEQ("derived_in_snapshot_too", chousa_store_snapshot_begin(reader,
	    &err), CHOUSA_OK);
	T_OK("derived_snapshot_age", age_of(reader, a, "second-list") > 0);
	chousa_store_snapshot_end(reader);
out:
	chousa_arena_free(a);
	chousa_store_close(reader);
	chousa_store_close(writer);
}

/*
 * Format detection from memory: a STIX bundle whose "type" comes after
 * 100 KiB of objects and a warninglist whose name and type come after its
 * list are told by their structure (the document is read again past the
 * first 64 KiB); an empty document is said to be empty; counts add up.
 */
static void
test_detect(void)
{
	struct chousa_store *st = NULL;
	struct chousa_err err = { 0 };
	struct chousa_import_report rep;
	struct chousa_buf b;
	int i, rc;

	if (chousa_store_open(&st, ":memory:", 0, &err) != CHOUSA_OK) {
		T_OK("detect_setup", 0);
		return;
	}
	chousa_buf_init(&b, (size_t)4 << 20);
	chousa_buf_adds(&b, "{\"id\": \"bundle--1\", \"objects\": [");
	for (i = 0; i < 1200; i++)
		chousa_buf_addf(&b, "%s{\"created\": \"2024-01-01T00:00:00Z\", "
		    "\"id\": \"indicator--%d\", \"pattern\": \"[domain-name:"
		    "value = 'h%d.sorted-example.com']\", \"type\": "
		    "\"indicator\"}", i ? ", " : "", i, i);
	chousa_buf_adds(&b, "], \"spec_version\": \"2.0\", "
	    "\"type\": \"bundle\"}");
	rc = store_import_mem(st, "auto", b.data, b.len, NULL, &rep, &err);
	T_OK("detect_sorted_stix", rc == CHOUSA_OK && b.len > (64 << 10) &&
	    strcmp(rep.source, "stix") == 0 && rep.added == 1200);
	T_OK("detect_counts_add_up", rep.rows_read == rep.added +
	    rep.updated + rep.unchanged + rep.rejected);
	chousa_buf_reset(&b);
	chousa_buf_adds(&b, "{\"list\": [");
	for (i = 0; i < 6000; i++)
		chousa_buf_addf(&b, "%s\"198.18.%d.%d\"", i ? ", " : "",
		    i / 250, i % 250 + 1);
	chousa_buf_adds(&b, "], \"name\": \"late name\", \"type\": \"cidr\"}");
	rc = store_import_mem(st, "auto", b.data, b.len, NULL, &rep, &err);
	T_OK("detect_late_warninglist", rc == CHOUSA_OK &&
	    strcmp(rep.source, "warninglist") == 0 && rep.added == 6000);
	rc = store_import_mem(st, "auto", " \n", 2, NULL, &rep, &err);
	T_OK("detect_empty", rc == CHOUSA_EFORMAT &&
	    strstr(err.msg, "is empty") != NULL);
	rc = store_import_mem(st, "auto", "{\"values\": []}", 14, NULL, &rep,
	    &err);
	T_OK("detect_unknown_json_refused", rc == CHOUSA_EFORMAT &&
	    strstr(err.msg, "cannot tell the format") != NULL);
	chousa_buf_release(&b);
	chousa_store_close(st);
}

/* The backups noted: the newest and the newest good; 100 kept. */
static void
test_backup_notes(void)
{
	struct chousa_backup_record r, last, good;
	struct chousa_feed_age *ages = NULL;
	size_t n_ages = 0;
	struct chousa_store *st = NULL;
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	const char *p = tmp_path("backups.db");
	int i, ok = 1;

	if (chousa_store_open(&st, p, 0, &err) != CHOUSA_OK ||
	    chousa_arena_new(&a, 0, &err) != CHOUSA_OK) {
		T_OK("backup_notes_store", 0);
		return;
	}
	T_OK("backup_none_noted", chousa_store_backup_last(st, a, &last,
	    &good, &err) == CHOUSA_OK && last.at == 0 && good.at == 0);
	memset(&r, 0, sizeof(r));
	r.file = "/b/1.db";
	for (i = 1; i <= 120 && ok; i++) {
		r.at = 1000 + i;
		r.ok = i != 120;
		r.bytes = r.ok ? 4096 * i : 0;
		r.message = r.ok ? NULL : "disk full";
		ok = chousa_store_backup_note(st, &r, &err) == CHOUSA_OK;
	}
	T_OK("backup_noted", ok);
	T_OK("backup_last_failed", chousa_store_backup_last(st, a, &last,
	    &good, &err) == CHOUSA_OK && last.at == 1120 && !last.ok &&
	    strcmp(last.message, "disk full") == 0 && good.at == 1119 &&
	    good.ok && good.bytes == 4096 * 119 && good.message == NULL &&
	    strcmp(good.file, "/b/1.db") == 0);
	chousa_store_close(st);
	T_INTEQ("backup_notes_kept", pragma(p, "SELECT count(*) FROM backups"),
	    100);
	/* A schema 8 store read-only: none noted, and no error. */
	exec(p, "DROP TABLE sessions; DROP TABLE backups; ALTER TABLE imports DROP COLUMN published_at; PRAGMA user_version = 8");
	T_OK("backup_none_in_v8", chousa_store_open(&st, p,
	    CHOUSA_STORE_READONLY, &err) == CHOUSA_OK &&
	    chousa_store_backup_last(st, a, &last, &good, &err) ==
	    CHOUSA_OK && last.at == 0 && good.at == 0);
	chousa_store_close(st);
	/* A schema 9 store read-only: its sources' ages from their imports. */
	exec(p, "PRAGMA user_version = 9");
	T_OK("feed_ages_in_v9", chousa_store_open(&st, p,
	    CHOUSA_STORE_READONLY, &err) == CHOUSA_OK &&
	    chousa_store_feed_ages(st, a, &ages, &n_ages, &err) == CHOUSA_OK);
	chousa_store_close(st);
	chousa_arena_free(a);
}

int
main(void)
{
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/chousa-test-store.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_schema();
	test_lookups();
	test_snapshot();
	test_derived_follow_commits();
	test_filter();
	test_sha256();
	test_detect();
	test_backup_notes();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return T_DONE();
}
