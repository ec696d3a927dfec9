/*
 * warninglist.c: MISP warninglists (list.json): known-benign CDN and cloud
 * ranges, top domains, public resolvers, scanners.  The repository's files
 * sort their keys, so the entries come before the name and type that say
 * how to read them: they are held in a temporary table (bounded memory at
 * any size) until the list's end.  The kind (cdn, cloud, top, resolver,
 * scanner, other) is read from the name and description.
 *
 * Only what is benign infrastructure enters the benign filter, which hides
 * sweep hits and makes verdicts benign.  Lists of known identifiers that
 * attackers use as much as anyone (dynamic DNS, URL shorteners, VPN exits,
 * parking, TLDs...), lists for attributes chousa does not check (e-mail,
 * phone numbers, application ids) and regex lists are skipped whole, and
 * said so; so are sinkholes, whose contact is a sign of infection.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

static const char temp_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS wl_entry (entry TEXT, at INTEGER);"
	"DELETE FROM wl_entry;";

struct wl {
	struct imp	*imp;
	sqlite3_stmt	*hold;
	uint64_t	 n_entries;
	char		 name[256];
	char		 type[32];
	char		 desc[512];
	char		 attrs[512];	/* matching_attributes, comma-joined */
	int		 has_attrs;
	char		 why[96];	/* why it is skipped */
};

/*
 * {"description": ..., "list": [...], "matching_attributes": [...],
 * "name": ..., "type": ..., "version": ...} in any order; older lists lack
 * type or version, or spell matching_attribute.
 */
static int
warninglist_probe_json(const struct jshape *sh)
{
	static const char *const others[] = { "name", "description", "type",
		"matching_attributes", "matching_attribute", "version" };
	const struct shape_obj *root = shape_obj(sh, "");
	const struct shape_key *list = shape_key(root, "list");
	size_t i, n = 0;

	if (sh->root != J_OBJ || shape_has(root, "Event", -1) ||
	    shape_has(root, "objects", -1) || shape_has(root, "values", -1))
		return 0;
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		n += shape_has(root, others[i], -1);
	if (list == NULL)
		/* The list may come after them: not yet, not no. */
		return n >= 2 && !sh->complete ? 20 : 0;
	if (list->type != J_ARR || (list->elem != J_STR && list->elem != -1))
		return 0;
	return n >= 1 ? 95 : 50;
}

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	(void)arg;
	if (depth == 1 && strcmp(path[0], "list") == 0)
		return JT_LIST;
	if (depth == 1)
		return strcmp(path[0], "name") == 0 ||
		    strcmp(path[0], "type") == 0 ||
		    strcmp(path[0], "description") == 0;
	return depth == 2 && (strcmp(path[0], "list") == 0 ||
	    strcmp(path[0], "matching_attributes") == 0 ||
	    strcmp(path[0], "matching_attribute") == 0);
}

static int
hold(struct wl *wl, const struct jnode *v)
{
	sqlite3_stmt *s = wl->hold;

	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, v->s, (int)v->len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)wl->n_entries++);
	if (sqlite3_step(s) != SQLITE_DONE)
		return store_dberr(wl->imp->st, wl->imp->err,
		    "cannot hold a warninglist entry");
	return CHOUSA_OK;
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *v)
{
	struct wl *wl = arg;
	size_t n;

	/* An early list wrote its type as an array: ["cidr"]. */
	if (depth == 1 && v->type == J_ARR && v->n > 0)
		v = v->v[0];
	if (v->type != J_STR) {
		if (depth == 2 && strcmp(path[0], "list") == 0) {
			imp_row(wl->imp);
			return imp_reject(wl->imp, 0, "an entry that is not "
			    "a string");
		}
		return CHOUSA_OK;
	}
	if (depth == 2 && strcmp(path[0], "list") == 0)
		return hold(wl, v);
	if (depth == 2) {
		n = strlen(wl->attrs);
		if (n + v->len + 2 < sizeof(wl->attrs))
			snprintf(wl->attrs + n, sizeof(wl->attrs) - n, "%s%s",
			    n > 0 ? "," : "", v->s);
		wl->has_attrs = 1;
		return CHOUSA_OK;
	}
	if (strcmp(path[0], "name") == 0)
		snprintf(wl->name, sizeof(wl->name), "%s", v->s);
	else if (strcmp(path[0], "type") == 0)
		snprintf(wl->type, sizeof(wl->type), "%s", v->s);
	else
		snprintf(wl->desc, sizeof(wl->desc), "%s", v->s);
	return CHOUSA_OK;
}

/* Whether the word is in the list's name or description. */
static int
says(const struct wl *wl, const char *word)
{
	return imp_contains(wl->name, strlen(wl->name), word) ||
	    imp_contains(wl->desc, strlen(wl->desc), word);
}

/*
 * Whether s names a ranking: "Top 100,000 domains from Cloudflare
 * Radar", "top 10K", a ranking's own name.  Asked before the providers'
 * names, which such a list's name also holds.
 */
static int
is_ranking(const char *s)
{
	static const char *const rankers[] = { "tranco", "alexa", "umbrella",
	    "majestic", "most used", "most-used", "popular" };
	size_t i, len = strlen(s);

	for (i = 0; i < sizeof(rankers) / sizeof(rankers[0]); i++)
		if (imp_contains(s, len, rankers[i]))
			return 1;
	for (i = 0; i + 5 <= len; i++)
		if (strncasecmp(s + i, "top ", 4) == 0 && (i == 0 ||
		    s[i - 1] == ' ') && s[i + 4] >= '0' && s[i + 4] <= '9')
			return 1;
	return 0;
}

static const char *
kind_of(const struct wl *wl)
{
	static const struct {
		const char	*word;
		const char	*kind;
	} words[] = {
		{ "resolver", "resolver" }, { "public dns", "resolver" },
		{ "scanning", "scanner" }, { "scanner", "scanner" },
		{ "cdn", "cdn" }, { "akamai", "cdn" }, { "cloudflare", "cdn" },
		{ "fastly", "cdn" }, { "cloud", "cloud" },
		{ "amazon", "cloud" },
		{ "aws", "cloud" }, { "azure", "cloud" }, { "google", "cloud" },
		{ "microsoft", "cloud" }, { "oracle", "cloud" },
		{ "top", "top" }, { "alexa", "top" }, { "tranco", "top" },
		{ "umbrella", "top" }, { "majestic", "top" },
		{ "popular", "top" },
	};
	size_t i;

	if (is_ranking(wl->name) || is_ranking(wl->desc))
		return "top";
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (imp_contains(wl->name, strlen(wl->name), words[i].word))
			return words[i].kind;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (imp_contains(wl->desc, strlen(wl->desc), words[i].word))
			return words[i].kind;
	return "other";
}

/*
 * Why the list must not enter the benign filter, or NULL.  Known
 * identifiers are no judgement: a dynamic DNS name or a VPN exit serves
 * attackers as well, and hiding its hits would hide them.
 */
static const char *
not_benign(struct wl *wl)
{
	static const struct {
		const char	*word;
		const char	*why;
	} known[] = {
		{ "dynamic dns", "dynamic DNS" },
		{ "shortener", "URL shorteners" },
		{ "link in bio", "link-in-bio hosts" },
		{ "ipfs", "IPFS gateways" },
		{ "vpn", "VPN exits" },
		{ "parking", "parking services" },
		{ "disposable", "disposable e-mail" },
		{ "tlds", "top-level domains" },
	};
	/* The attribute types of the indicators chousa checks. */
	static const char *const checked[] = { "ip-src", "ip-dst", "domain",
		"hostname", "url", "uri", "link", "md5", "sha1", "sha256" };
	const char *p, *end;
	size_t i;

	if (strcmp(wl->type, "regex") == 0)
		return "a regex warninglist, which chousa does not apply";
	/*
	 * A sinkhole answers for seized C2 domains: a host that talks to
	 * one is infected, the opposite of benign traffic.
	 */
	if (says(wl, "sinkhole"))
		return "a warninglist of sinkholes, whose contact is a sign "
		    "of infection, not benign";
	if (strcmp(wl->type, "cidr") != 0 &&
	    strcmp(wl->type, "hostname") != 0 &&
	    strcmp(wl->type, "string") != 0 &&
	    strcmp(wl->type, "substring") != 0) {
		snprintf(wl->why, sizeof(wl->why), "a warninglist of type "
		    "'%.20s', which chousa does not know", wl->type);
		return wl->why;
	}
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (says(wl, known[i].word)) {
			snprintf(wl->why, sizeof(wl->why), "a warninglist of "
			    "%s, known but not benign", known[i].why);
			return wl->why;
		}
	if (!wl->has_attrs)
		return NULL;
	for (p = wl->attrs; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = p + strcspn(p, ",|");
		for (i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
			if (strlen(checked[i]) == (size_t)(end - p) &&
			    strncmp(checked[i], p, (size_t)(end - p)) == 0)
				return NULL;
		end += strcspn(end, ",");
	}
	snprintf(wl->why, sizeof(wl->why), "a warninglist for %.40s%s, "
	    "which chousa does not check", wl->attrs,
	    strlen(wl->attrs) > 40 ? "..." : "");
	return wl->why;
}

static int
put_held(struct wl *wl, const char *match, const char *kind)
{
	struct imp *imp = wl->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "SELECT entry, at FROM wl_entry"
	    " ORDER BY rowid", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err,
		    "cannot read the warninglist");
	while (rc == CHOUSA_OK && sqlite3_step(s) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(s, 0);
		size_t n = (size_t)sqlite3_column_bytes(s, 0);

		imp_row(imp);
		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			break;
		snprintf(imp->where, sizeof(imp->where), "list[%lld]",
		    (long long)sqlite3_column_int64(s, 1));
		e = chousa_arena_strndup(imp->a, e != NULL ? e : "", n);
		if (e == NULL)
			rc = chousa_errf(imp->err, CHOUSA_ENOMEM,
			    "out of memory");
		else
			rc = imp_put_benign(imp, wl->name, kind, match, e, n,
			    0);
	}
	sqlite3_finalize(s);
	return rc;
}

/*
 * A list skipped now may be in the table from an older chousa that took
 * it as benign (the sinkholes): its entries go, or they would still hide
 * hits.
 */
static int
forget_list(struct wl *wl)
{
	struct imp *imp = wl->imp;
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(imp->st->db, "DELETE FROM benign WHERE"
	    " list = ?1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(imp->st, imp->err,
		    "cannot update the known-benign lists");
	sqlite3_bind_text(s, 1, wl->name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = store_dberr(imp->st, imp->err,
		    "cannot update the known-benign lists");
	sqlite3_finalize(s);
	return rc;
}

static int
warninglist_run(struct imp *imp)
{
	struct wl *wl = mem_alloc(sizeof(*wl));
	const char *match, *why;
	uint64_t i;
	int rc;

	if (wl == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	wl->imp = imp;
	snprintf(imp->rep->format, sizeof(imp->rep->format), "json");
	rc = store_exec(imp->st, temp_sql, imp->err);
	if (rc != CHOUSA_OK)
		goto out;
	if (sqlite3_prepare_v2(imp->st->db, "INSERT INTO wl_entry VALUES"
	    " (?1, ?2)", -1, &wl->hold, NULL) != SQLITE_OK) {
		rc = store_dberr(imp->st, imp->err,
		    "cannot hold a warninglist");
		goto out;
	}
	rc = json_stream(imp, want, record, wl);
	if (rc != CHOUSA_OK)
		goto out;
	imp->where[0] = '\0';
	if (wl->name[0] == '\0') {
		rc = chousa_errf(imp->err, CHOUSA_EFORMAT, "'%s' is not a "
		    "MISP warninglist: it has no name", imp->path);
		goto out;
	}
	/* No type is "string" (the repository's README). */
	if (wl->type[0] == '\0')
		snprintf(wl->type, sizeof(wl->type), "string");
	why = not_benign(wl);
	if (why != NULL) {
		for (i = 0; i < wl->n_entries; i++)
			imp_skip(imp, why);
		rc = forget_list(wl);
		goto out;
	}
	match = strcmp(wl->type, "cidr") == 0 ? "cidr" :
	    strcmp(wl->type, "hostname") == 0 ? "hostname" :
	    strcmp(wl->type, "substring") == 0 ? "substring" : "string";
	rc = put_held(wl, match, kind_of(wl));
out:
	sqlite3_finalize(wl->hold);
	mem_free(wl);
	return rc;
}

const struct importer importer_warninglist = {
	.feed = {
		.name = "warninglist",
		.title = "MISP warninglists",
		.local_source = "benign",
		.url = "https://github.com/MISP/misp-warninglists/archive/"
		    "refs/heads/main.tar.gz",
		.file = "misp-warninglists.tar.gz",
		.flags = CHOUSA_FEED_REFERENCE | CHOUSA_FEED_WARNINGLISTS,
		.url_help = "Where chousa update downloads the MISP "
		    "warninglists from: the repository's archive (the default "
		    "is GitHub's), or one list.json.",
	},
	.expects = "a MISP warninglist (list.json)",
	.help = "a MISP warninglist of benign infrastructure; lists of known "
	    "identifiers such as dynamic DNS or VPN exits, regex lists and "
	    "lists for attributes chousa does not check are skipped",
	.run = warninglist_run,
	.probe_json = warninglist_probe_json,
};
