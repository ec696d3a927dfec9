/*
 * store_schema.c: the store's schema and its forward migrations.  Each step
 * moves PRAGMA user_version from i to i + 1 inside the caller's transaction,
 * so a store is always at one whole version.  docs/schema.md describes the
 * tables; keep the two in step.
 */
#include <string.h>

#include "store/store.h"
#include "base/mem.h"

/* The indicators table's columns (frozen: later columns are migrations). */
#define INDICATOR_COLUMNS \
	" id INTEGER PRIMARY KEY," \
	" type INTEGER NOT NULL," \
	" value TEXT NOT NULL," \
	" vhash INTEGER NOT NULL," \
	" source TEXT NOT NULL," \
	" source_id TEXT," \
	" first_seen INTEGER NOT NULL DEFAULT 0," \
	" last_seen INTEGER NOT NULL DEFAULT 0," \
	" status TEXT," \
	" threat TEXT," \
	" family TEXT," \
	" tags TEXT," \
	" confidence INTEGER NOT NULL DEFAULT -1," \
	" reference TEXT," \
	" port INTEGER," \
	" host TEXT," \
	" hhash INTEGER," \
	" regdomain TEXT," \
	" rhash INTEGER," \
	" net BLOB," \
	" prefix INTEGER," \
	" import_id INTEGER"

/* Version 0 -> 1: the first schema. */
static const char schema_v1[] =
	"CREATE TABLE indicators (" INDICATOR_COLUMNS ","
	" UNIQUE (vhash, type, source));"
	"CREATE TABLE samples ("
	" id INTEGER PRIMARY KEY,"
	" sha256 TEXT NOT NULL UNIQUE,"
	" md5 TEXT, sha1 TEXT, file_type TEXT, file_name TEXT,"
	" family TEXT, tags TEXT,"
	" first_seen INTEGER NOT NULL DEFAULT 0,"
	" source TEXT NOT NULL);"
	"CREATE INDEX samples_md5 ON samples(md5) WHERE md5 IS NOT NULL;"
	"CREATE INDEX samples_sha1 ON samples(sha1) WHERE sha1 IS NOT NULL;"
	"CREATE TABLE relations ("
	" id INTEGER PRIMARY KEY,"
	" rel INTEGER NOT NULL,"
	" from_type INTEGER NOT NULL, from_value TEXT NOT NULL,"
	" to_type INTEGER NOT NULL, to_value TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" seen INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE (from_value, to_value, rel, source));"
	"CREATE INDEX relations_to ON relations(to_value);"
	"CREATE TABLE families ("
	" id TEXT PRIMARY KEY,"
	" name TEXT, aliases TEXT, description TEXT, actors TEXT,"
	" refs TEXT, uuid TEXT, source TEXT, updated INTEGER);"
	"CREATE TABLE family_alias ("
	" key TEXT NOT NULL,"
	" id TEXT NOT NULL,"
	" prio INTEGER NOT NULL,"
	" UNIQUE (key, id));"
	"CREATE TABLE benign ("
	" list TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" match TEXT NOT NULL,"
	" entry TEXT NOT NULL,"
	" net BLOB, prefix INTEGER,"
	" UNIQUE (list, entry));"
	"CREATE INDEX benign_entry ON benign(entry);"
	"CREATE INDEX benign_net ON benign(net, prefix) WHERE net IS NOT NULL;"
	"CREATE INDEX benign_match ON benign(match);"
	"CREATE TABLE imports ("
	" id INTEGER PRIMARY KEY,"
	" source TEXT NOT NULL, format TEXT, file TEXT, sha256 TEXT,"
	" started_at INTEGER NOT NULL, finished_at INTEGER,"
	" rows_read INTEGER NOT NULL DEFAULT 0,"
	" added INTEGER NOT NULL DEFAULT 0,"
	" updated INTEGER NOT NULL DEFAULT 0,"
	" rejected INTEGER NOT NULL DEFAULT 0,"
	" outcome TEXT NOT NULL, message TEXT);"
	"CREATE INDEX imports_source ON imports(source, started_at);"
	"CREATE TABLE feed_state ("
	" source TEXT PRIMARY KEY, url TEXT, etag TEXT,"
	" last_modified TEXT, checked_at INTEGER);"
	"CREATE TABLE cache (source TEXT NOT NULL, key TEXT NOT NULL,"
	" status INTEGER NOT NULL, body BLOB, fetched_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL, PRIMARY KEY(source, key));"
	"CREATE TABLE quota (source TEXT NOT NULL, day TEXT NOT NULL,"
	" used INTEGER NOT NULL, PRIMARY KEY(source, day));"
	"CREATE TABLE source_state (source TEXT PRIMARY KEY, last_error TEXT,"
	" last_error_at INTEGER);";

/*
 * Version 1 -> 2.  The unique key becomes an index of its own
 * (indicators_key), which a bulk load drops and builds once at the end: kept
 * up row by row it was a third of a first import's time, and a table
 * constraint cannot be dropped, so the table is copied once.  And the probe
 * filter (store_filter.c), a Bloom filter of the indexed keys that look-ups
 * ask before probing; the next import builds it, and until then look-ups go
 * without, so a reader takes version 1 as it is.  The migration then builds
 * bulk_indexes.
 */
static const char schema_v2[] =
	"CREATE TABLE indicators_v2 (" INDICATOR_COLUMNS ");"
	"INSERT INTO indicators_v2 SELECT * FROM indicators;"
	"DROP TABLE indicators;"
	"ALTER TABLE indicators_v2 RENAME TO indicators;"
	"CREATE TABLE probe_filter ("
	" chunk INTEGER PRIMARY KEY,"
	" bits BLOB NOT NULL);"
	"CREATE TABLE probe_filter_meta ("
	" one INTEGER PRIMARY KEY CHECK (one = 1),"
	" log2_blocks INTEGER NOT NULL,"
	" covers_id INTEGER NOT NULL,"
	" keys INTEGER NOT NULL);";

/*
 * Version 2 -> 3.  Whether a row is a listing (a verdict) or an
 * observation (seen in a report, evidence to identify it by).  MISP rows
 * written before did not keep to_ids: observations, until their event is
 * imported again.
 */
static const char schema_v3[] =
	"ALTER TABLE indicators ADD COLUMN observation INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE indicators SET observation = 1 WHERE source = 'misp';";

/*
 * A read-only open of a store older than 3 cannot add the column: a
 * temporary view of the same name, which a read-only connection may
 * create and which every statement then reads, gives it, as the
 * migration would.
 */
static const char observation_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS indicators AS SELECT *,"
	" source = 'misp' AS observation FROM main.indicators;";

/*
 * Version 3 -> 4: the team server's API tokens (src/store/store_tokens.c).
 * Only a token's SHA-256 is kept; the token itself is shown once.
 */
static const char schema_v4[] =
	"CREATE TABLE tokens ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" role TEXT NOT NULL,"
	" hash TEXT NOT NULL UNIQUE,"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER);"
	"CREATE INDEX tokens_name ON tokens(name);";

/*
 * Version 4 -> 5: a token may expire.  A read-only open of a version 4
 * store reads its tokens through a temporary view that has the column,
 * never set, as the migration leaves it.
 */
static const char schema_v5[] =
	"ALTER TABLE tokens ADD COLUMN expires_at INTEGER;";

/*
 * Version 5 -> 6: a token may have a daily budget of online requests
 * (NULL: the server's [server] online_budget), and what each name spent
 * of it, day by day (UTC), as the quota table keeps the sources'.  The
 * budget belongs to the name, so a token made again after a revocation
 * does not start the day afresh.
 */
static const char schema_v6[] =
	"ALTER TABLE tokens ADD COLUMN online_budget INTEGER;"
	"CREATE TABLE token_usage (name TEXT NOT NULL, day TEXT NOT NULL,"
	" online INTEGER NOT NULL, PRIMARY KEY(name, day));";

/*
 * Version 6 -> 7: a token may be bound to the addresses it is accepted
 * from (NULL: any), a comma-separated list of addresses and CIDR ranges.
 */
static const char schema_v7[] =
	"ALTER TABLE tokens ADD COLUMN allow_from TEXT;";

/*
 * Version 7 -> 8: when each token was last let in by chousa serve, and
 * from which address (NULL: never), written by the server about once a
 * minute, so that dormant tokens can be found and revoked; and a note on
 * each (NULL: none), whose it is and what for.
 */
static const char schema_v8[] =
	"ALTER TABLE tokens ADD COLUMN last_used_at INTEGER;"
	"ALTER TABLE tokens ADD COLUMN last_used_from TEXT;"
	"ALTER TABLE tokens ADD COLUMN note TEXT;";

/*
 * Version 8 -> 9: each backup chousa db backup made of the store, or
 * failed to, so that the team server's /metrics and serve --check can
 * say how old the last good one is.  The newest rows are kept.
 */
static const char schema_v9[] =
	"CREATE TABLE backups ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" file TEXT NOT NULL,"
	" bytes INTEGER,"
	" seconds REAL,"
	" ok INTEGER NOT NULL,"
	" message TEXT);";

/*
 * Version 9 -> 10: when each imported file says its data was published
 * (abuse.ch's "Last updated:"), NULL when it does not say: a source's age
 * counts from it, not from the day an old file was imported.  A read-only
 * open of an older store reads it through a view, never set.
 */
static const char schema_v10[] =
	"ALTER TABLE imports ADD COLUMN published_at INTEGER;";
static const char imports_v9_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS imports AS SELECT *,"
	" NULL AS published_at FROM main.imports;";

/*
 * Version 10 -> 11: the team server's web sessions, so that a restart or
 * an upgrade signs no browser out (src/store/store_sessions.c).  Only the
 * SHA-256 of a session's id is kept, as of a token; the forms' CSRF token
 * is derived from the id, so the store holds nothing a browser shows.  A
 * session names the token row it signed in by, which the server checks on
 * each use: a revocation ends it.
 */
static const char schema_v11[] =
	"CREATE TABLE sessions ("
	" id_hash TEXT PRIMARY KEY,"
	" token_hash TEXT NOT NULL,"
	" via TEXT NOT NULL CHECK (via IN ('token', 'proxy')),"
	" created_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_token ON sessions(token_hash, expires_at);";

/* A read-only open of an older store sees the columns, never set. */
#define NEVER_USED " NULL AS last_used_at, NULL AS last_used_from," \
	" NULL AS note"
static const char tokens_v4_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS tokens AS SELECT *,"
	" NULL AS expires_at, NULL AS online_budget, NULL AS allow_from,"
	NEVER_USED " FROM main.tokens;";
static const char tokens_v5_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS tokens AS SELECT *,"
	" NULL AS online_budget, NULL AS allow_from," NEVER_USED
	" FROM main.tokens;";
static const char tokens_v6_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS tokens AS SELECT *,"
	" NULL AS allow_from," NEVER_USED " FROM main.tokens;";
static const char tokens_v7_view[] =
	"CREATE TEMP VIEW IF NOT EXISTS tokens AS SELECT *," NEVER_USED
	" FROM main.tokens;";

/* The unique key, which a bulk load drops with the others. */
#define KEY_INDEX "CREATE UNIQUE INDEX IF NOT EXISTS indicators_key" \
	" ON indicators(vhash, type, source);"

/* The indexes a bulk load into an empty table builds at the end. */
static const char bulk_indexes[] =
	"CREATE INDEX IF NOT EXISTS indicators_host ON indicators(hhash)"
	" WHERE hhash IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS indicators_regdomain"
	" ON indicators(rhash) WHERE rhash IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS indicators_net ON indicators(net, prefix)"
	" WHERE net IS NOT NULL;";

/*
 * indicators_net stays: only CIDR rows, a few, enter it, and building it
 * afterwards would read the whole table for them.
 */
static const char drop_bulk_indexes[] =
	"DROP INDEX IF EXISTS indicators_key;"
	"DROP INDEX IF EXISTS indicators_host;"
	"DROP INDEX IF EXISTS indicators_regdomain;";

/*
 * A bulk load wrote every row as new, the same indicator twice included.
 * Move the later copies aside, build the unique key, and write them again
 * through the importers' own upsert, in their order.
 */
static const char dup_aside[] =
	"CREATE INDEX indicators_key ON indicators(vhash, type, source);"
	"CREATE TEMP TABLE bulk_dup AS SELECT * FROM indicators WHERE id IN"
	" (SELECT i.id FROM indicators AS i JOIN"
	"  (SELECT vhash, type, source, min(id) AS first FROM indicators"
	"   GROUP BY vhash, type, source HAVING count(*) > 1) AS d"
	"  ON i.vhash = d.vhash AND i.type = d.type AND i.source = d.source"
	"  AND i.id > d.first);"
	"DELETE FROM indicators WHERE id IN (SELECT id FROM temp.bulk_dup);"
	"DROP INDEX indicators_key;"
	KEY_INDEX;

static const char dup_again[] =
	"INSERT INTO indicators (" PUT_IND_COLS ") SELECT " PUT_IND_COLS
	" FROM temp.bulk_dup WHERE true ORDER BY id" PUT_IND_UPSERT;

static int
merge_duplicates(struct chousa_store *st, int64_t *merged, int64_t *updated,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = store_exec(st, dup_aside, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM temp.bulk_dup",
	    -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_dberr(st, err, "cannot merge duplicate rows");
	}
	*merged = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, dup_again, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		return store_dberr(st, err, "cannot merge duplicate rows");
	}
	*updated = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return store_exec(st, "DROP TABLE temp.bulk_dup", err);
}

/* Forward steps: migrations[i] takes version i to i + 1. */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	schema_v1,
	schema_v2,
	schema_v3,
	schema_v4,
	schema_v5,
	schema_v6,
	schema_v7,
	schema_v8,
	schema_v9,
	schema_v10,
	schema_v11,
};

int
store_schema_drop_bulk_indexes(struct chousa_store *st,
    struct chousa_err *err)
{
	return store_exec(st, drop_bulk_indexes, err);
}

int
store_schema_create_bulk_indexes(struct chousa_store *st, int64_t *merged,
    int64_t *updated, struct chousa_err *err)
{
	int rc;

	*merged = *updated = 0;
	if (sqlite3_exec(st->db, KEY_INDEX, NULL, NULL, NULL) != SQLITE_OK) {
		if (sqlite3_extended_errcode(st->db) !=
		    SQLITE_CONSTRAINT_UNIQUE)
			return store_dberr(st, err, "cannot index the store");
		rc = merge_duplicates(st, merged, updated, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return store_exec(st, bulk_indexes, err);
}

static int
pragma_int(struct chousa_store *st, const char *sql, int *out,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		goto fail;
	*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return CHOUSA_OK;
fail:
	sqlite3_finalize(s);
	if (sqlite3_errcode(st->db) == SQLITE_NOTADB)
		return chousa_errf(err, CHOUSA_EFORMAT,
		    "'%s' is not a chousa store", st->path);
	return store_dberr(st, err, "cannot read the schema");
}

/*
 * Check that the file is ours and not from a newer chousa, then migrate.
 * An empty database (no tables, application_id 0) becomes a new store; any
 * other file with a foreign application_id is refused untouched.
 */
int
store_schema_apply(struct chousa_store *st, struct chousa_err *err)
{
	int app, version, n_tables, rc, i;
	char sql[96];

	rc = pragma_int(st, "PRAGMA application_id", &app, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = pragma_int(st, "PRAGMA user_version", &version, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = pragma_int(st, "SELECT count(*) FROM sqlite_master", &n_tables,
	    err);
	if (rc != CHOUSA_OK)
		return rc;
	if (app != STORE_APP_ID && (app != 0 || n_tables != 0 || version != 0))
		return chousa_errf(err, CHOUSA_EFORMAT,
		    "'%s' is not a chousa store", st->path);
	if (version > STORE_SCHEMA_VERSION)
		return chousa_errf(err, CHOUSA_EFORMAT,
		    "'%s' is from a newer chousa (schema %d, this build "
		    "reads up to %d)", st->path, version,
		    STORE_SCHEMA_VERSION);
	if (version == STORE_SCHEMA_VERSION)
		return CHOUSA_OK;
	if ((st->flags & CHOUSA_STORE_READONLY) &&
	    version >= STORE_SCHEMA_READABLE) {
		static const char *const tokens_views[] = {
			tokens_v4_view, tokens_v5_view, tokens_v6_view,
			tokens_v7_view
		};

		/* Each table gets the view of the columns its version lacks. */
		rc = CHOUSA_OK;
		if (version < 3)
			rc = store_exec(st, observation_view, err);
		if (rc == CHOUSA_OK && version >= 4 && version <= 7)
			rc = store_exec(st, tokens_views[version - 4], err);
		if (rc == CHOUSA_OK && version < 10)
			rc = store_exec(st, imports_v9_view, err);
		return rc;
	}
	if ((st->flags & CHOUSA_STORE_READONLY) && version == 0 &&
	    n_tables == 0)
		return chousa_errf(err, CHOUSA_EIO, "'%s' is an empty store: "
		    "import a feed first (chousa import, chousa update)",
		    st->path);
	if (st->flags & CHOUSA_STORE_READONLY)
		return chousa_errf(err, CHOUSA_EFORMAT,
		    "'%s' has schema %d and needs a migration; open it for "
		    "writing once", st->path, version);
	rc = store_exec(st, "BEGIN IMMEDIATE", err);
	if (rc != CHOUSA_OK)
		return rc;
	/* Re-read under the write lock: another process may have migrated. */
	rc = pragma_int(st, "PRAGMA user_version", &version, err);
	for (i = version; rc == CHOUSA_OK && i < STORE_SCHEMA_VERSION; i++)
		rc = store_exec(st, migrations[i], err);
	if (rc == CHOUSA_OK && version < STORE_SCHEMA_VERSION)
		rc = store_exec(st, KEY_INDEX, err);
	if (rc == CHOUSA_OK && version < STORE_SCHEMA_VERSION)
		rc = store_exec(st, bulk_indexes, err);
	if (rc == CHOUSA_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d;"
		    "PRAGMA user_version = %d", STORE_APP_ID,
		    STORE_SCHEMA_VERSION);
		rc = store_exec(st, sql, err);
	}
	if (rc == CHOUSA_OK)
		rc = store_exec(st, "COMMIT", err);
	if (rc == CHOUSA_OK) {
		/* A new store (version 0) was made, not migrated. */
		st->migrated_from = version < STORE_SCHEMA_VERSION ? version :
		    0;
		return CHOUSA_OK;
	}
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
