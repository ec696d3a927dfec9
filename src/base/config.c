/*
 * config.c: the INI config.  [section] and key = value lines, '#' and ';'
 * comments (also after a value, as INI users write them); values may be
 * quoted.  Environment variables CHOUSA_<SECTION>_<KEY> win over the file,
 * so CI and one-off runs need no file.  A file that holds API keys must not
 * be readable by others: that is checked here, before any key is used.
 *
 * One table lists every setting: chousa_config_check() warns of anything
 * outside it, chousa_config_get_long() keeps to its ranges, and the CLI
 * makes `chousa config`, the template and the man page from it.  keys[]
 * holds base's rows; the program adds those a module above base owns as
 * it starts (each download's [feeds] <name>_url, from the feed table), so
 * base names no feed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chousa.h"
#include "base/mem.h"

#define CONFIG_MAX_SIZE		((size_t)1 << 20)
#define CONFIG_MAX_ENTRIES	4096
#define CONFIG_MAX_TOKEN	4096

extern char **environ;

struct config_entry {
	char		*section;
	char		*key;
	char		*value;
	size_t		 line;
	size_t		 section_line;	/* of its [section], 0 none */
	const char	*problem;	/* from parsing, or NULL */
	char		*credential;	/* the file it was read from, or
					 * NULL: the config's line */
};

struct chousa_config {
	struct config_entry	*entries;
	size_t			 n_entries;
	char			*path;		/* the file read, or NULL */
	char			*name;		/* for origins: path or label */
};

/* ---- the settings ---- */

#define N(s, k, lo, hi, def, help) \
	{ s, k, CHOUSA_CFG_NUMBER, lo, hi, def, help, NULL }
#define Z(s, k, lo, hi, def, help) \
	{ s, k, CHOUSA_CFG_SIZE, lo, hi, def, help, NULL }
#define S(s, k, type, def, help) \
	{ s, k, type, 0, 0, def, help, NULL }
#define SRC CHOUSA_CONFIG_SOURCE

static const struct chousa_config_key keys[] = {
	S(SRC, "api_key", CHOUSA_CFG_SECRET, NULL, "The service's API key.  "
	    "A source that needs one is skipped without it, and says so."),
	S(SRC, "base_url", CHOUSA_CFG_URL, NULL, "Where the service "
	    "answers, for a mirror or a test server; default the service's "
	    "own."),
	S(SRC, "enabled", CHOUSA_CFG_BOOL, "yes", "no: never ask this "
	    "source.  yes: also ask a source whose key is optional when no "
	    "key is set."),
	N(SRC, "rate", 0, 1000000, NULL, "Requests a minute (0: no limit); "
	    "default the service's free tier."),
	N(SRC, "burst", 1, 1000000, NULL, "Requests that may go at once "
	    "before the rate applies; default the rate."),
	N(SRC, "daily", 0, 100000000, NULL, "Requests a day (0: no limit), "
	    "counted in the store across runs; default the free tier."),
	N(SRC, "ttl", 0, 31536000, NULL, "Seconds an answer that found "
	    "something stays in the cache (0: not cached); default the "
	    "source's, else 86400."),
	N(SRC, "miss_ttl", 0, 31536000, "3600", "Seconds an answer that "
	    "found nothing stays in the cache (0: not cached)."),
	S("virustotal", "relationships", CHOUSA_CFG_LIST, NULL, "The "
	    "relationship pages to ask for (comma-separated, or none); each "
	    "costs a request of the quota.  Default all."),
	N("virustotal", "malicious_min", 1, 1000, "5", "Engines that must "
	    "flag an object before VirusTotal's finding says malicious; "
	    "fewer make it suspicious."),
	N("abuseipdb", "max_age_days", 1, 365, "90", "How many days back "
	    "reports count."),
	S("abusech", "auth_key", CHOUSA_CFG_SECRET, NULL, "The abuse.ch "
	    "Auth-Key, sent with chousa update's downloads from URLhaus, "
	    "ThreatFox, Feodo Tracker and MalwareBazaar, and to the URLhaus, "
	    "ThreatFox and MalwareBazaar APIs when their own api_key is "
	    "unset.  A key refused there stops all three for the run."),
	S("server", "url", CHOUSA_CFG_URL, NULL, "The team server (chousa "
	    "serve) that investigate, lookup, extract and sources ask instead "
	    "of the local store and keys; --server overrides it."),
	S("server", "api_key", CHOUSA_CFG_SECRET, NULL, "The token (chousa "
	    "token create) sent to the team server at url."),
	N("server", "timeout", 1, 86400, "600", "Seconds a command run "
	    "through the team server at url (or --server) waits while "
	    "nothing is sent or received; then it gives up (exit 4).  The "
	    "server sends its answer when the command has run, so this is "
	    "also the longest an investigation there may take: raise it for "
	    "long online runs.  Connecting is given [http] connect_timeout."),
	S("server", "listen", CHOUSA_CFG_TEXT, "127.0.0.1:8080", "chousa "
	    "serve: the address and port to listen on."),
	S("server", "update_every", CHOUSA_CFG_TEXT, NULL, "chousa serve: "
	    "run chousa update this often (30m, 6h, 1d); default never."),
	S("server", "tls_cert", CHOUSA_CFG_PATH, NULL, "chousa serve: the "
	    "certificate chain (PEM) for HTTPS; SIGHUP reads it again, from "
	    "a new path if this one changed."),
	S("server", "tls_key", CHOUSA_CFG_PATH, NULL, "chousa serve: the "
	    "private key (PEM) of tls_cert."),
	S("server", "audit_log", CHOUSA_CFG_TEXT, NULL, "chousa serve: the "
	    "audit log, one JSON line per request; default beside the store; "
	    "'none': no log.  A SIGHUP moves it to a new path."),
	/* The defaults and ranges of src/serve/audit.c and --audit-max. */
	{ "server", "audit_max", CHOUSA_CFG_SIZE, 1, 1099511627776LL,
	    "67108864", "chousa serve: bytes after which the audit log is "
	    "rotated; 'none': never, for logrotate (which moves it, then "
	    "SIGHUP).", "none" },
	N("server", "audit_keep", 1, 1000, "5", "chousa serve: rotated "
	    "audit logs kept."),
	N("server", "threads", 0, 256, NULL, "chousa serve: HTTP threads; "
	    "default one per core, at least 2."),
	N("server", "rate", 0, 1000000, "600", "chousa serve: requests a "
	    "minute each token may make."),
	N("server", "burst", 1, 1000000, "120", "chousa serve: requests a "
	    "token may make at once before the rate applies."),
	N("server", "idle_timeout", 1, 3600, "15", "chousa serve: seconds "
	    "after which an idle connection is closed."),
	N("server", "peer_timeout", 2, 3600, "40", "chousa serve: seconds "
	    "of silence after which a client that vanished without closing "
	    "(a laptop off the network) is dropped, even while its request "
	    "waits; TCP keep-alive, and the bound on an answer it no longer "
	    "acknowledges."),
	N("server", "header_timeout", 1, 3600, "20", "chousa serve: seconds "
	    "a connection may take to send a request's headers, from its "
	    "accept or its last answer; past them it is closed (a slow "
	    "client holding connections open a byte at a time)."),
	N("server", "max_connections", 1, 1000000, "1024", "chousa serve: "
	    "connections at once (past them, clients wait to be accepted); "
	    "lowered when the descriptor limit (ulimit -n) cannot be raised "
	    "to fit them."),
	N("server", "max_per_ip", 1, 1000000, "512", "chousa serve: "
	    "connections at once from one address; unset, no limit when "
	    "trusted_proxies is set (the clients all come from the proxies' "
	    "addresses)."),
	S("server", "trusted_proxies", CHOUSA_CFG_LIST, NULL, "chousa serve: "
	    "the reverse proxies in front of it (addresses or CIDRs, "
	    "comma-separated).  A connection from one is audited as the "
	    "client its X-Forwarded-For names (the last address there that "
	    "is not itself a trusted proxy), and X-Forwarded-Proto: https "
	    "from one marks the session cookie Secure.  Default none: the "
	    "headers are ignored, as any client can send them."),
	S("server", "proxy_user_header", CHOUSA_CFG_TEXT, NULL, "chousa "
	    "serve: the header in which an authenticating proxy among "
	    "trusted_proxies (oauth2-proxy, Authelia, a web server's SSO "
	    "module) names the user it signed in: X-Forwarded-Email, "
	    "Remote-User.  A browser coming by that proxy is signed in to the "
	    "web page as that user without a token, given a token of its own "
	    "on first sight (named as the user: token list, budget and revoke "
	    "work on it) and the role proxy_user_role.  From any other "
	    "address the header is ignored; the API and MCP still take "
	    "tokens."),
	S("server", "proxy_user_role", CHOUSA_CFG_TEXT, "read", "chousa "
	    "serve: the role of a user signed in by proxy_user_header: read "
	    "or investigate (admins are named in proxy_admins), or none, so "
	    "that only a user proxy_group_roles or proxy_admins gives a role "
	    "comes in."),
	S("server", "proxy_admins", CHOUSA_CFG_LIST, NULL, "chousa serve: "
	    "the users signed in by proxy_user_header who are admins, as the "
	    "header names them (comma-separated)."),
	S("server", "proxy_groups_header", CHOUSA_CFG_TEXT, NULL, "chousa "
	    "serve: the header in which the proxy of proxy_user_header lists "
	    "the user's groups, comma-separated: X-Forwarded-Groups "
	    "(oauth2-proxy's X-Auth-Request-Groups), Remote-Groups.  The "
	    "proxy must set it on every request, as it does the user's."),
	S("server", "proxy_group_roles", CHOUSA_CFG_LIST, NULL, "chousa "
	    "serve: roles by group, GROUP=ROLE, comma-separated "
	    "(soc-l1=read, soc-l2=investigate, soc-leads=admin): a user "
	    "signed in by the proxy has the highest role among its groups' "
	    "and proxy_user_role (groups compared in any case)."),
	N("server", "drain_timeout", 0, 3600, "30", "chousa serve: seconds "
	    "a stop (SIGTERM, SIGINT) waits for the requests under way to "
	    "finish, taking no new ones; a second signal stops at once.  "
	    "0: stop at once."),
	N("server", "investigate_threads", 1, 256, NULL, "chousa serve: "
	    "threads for offline investigations; default one per core but one, "
	    "left to the look-ups."),
	N("server", "investigate_queue", 0, 1000000, "256", "chousa serve: "
	    "offline investigations waiting for a thread before more are "
	    "refused (503)."),
	Z("server", "queue_memory", 0, 1099511627776LL, "268435456",
	    "chousa serve: bytes the investigations' requests may hold (their "
	    "bodies while queued or running, then their answers until sent) "
	    "before more are refused (503); 0: no limit.  An answer past 1 MiB "
	    "is made and kept in an unlinked file of TMPDIR, not in memory, "
	    "and counts here once: this bounds that disk too, plus at most "
	    "64 MiB for each investigation running."),
	Z("server", "answer_cache", 0, 1099511627776LL, "67108864",
	    "chousa serve: bytes of offline investigations' answers kept, "
	    "so that the same request is answered again without running "
	    "again while the store has had no commit, the config is the same "
	    "and a minute has not passed; 0 keeps none."),
	N("server", "background_jobs", 1, 64, "2", "chousa serve: sweeps "
	    "of uploaded logs and exports running at once, each on a thread "
	    "of its own; past them, 503 with Retry-After."),
	Z("server", "sweep_max", 1, 1099511627776LL, "1073741824",
	    "chousa serve: bytes an uploaded log may have (as sent, before "
	    "decompression); a longer one is refused (413).  The log is swept "
	    "as it arrives and never stored."),
	Z("server", "import_max", 1, 1099511627776LL, "1073741824",
	    "chousa serve: bytes a file imported through POST /api/v1/import "
	    "(chousa --server URL import) may have, as sent; a longer one is "
	    "refused (413).  It is kept in an unlinked file of TMPDIR while "
	    "it is imported."),
	N("server", "online_budget", 0, 1000000000, "0", "chousa serve: "
	    "online requests (to VirusTotal and the other keyed services; "
	    "answers from the cache are free) each token may cause a day "
	    "(UTC), unless the token has its own (chousa token budget); 0: no "
	    "limit.  Past it, that token's investigations skip the online "
	    "sources, saying why, until midnight UTC."),
	S("server", "metrics_scrapers", CHOUSA_CFG_LIST, NULL, "chousa serve: "
	    "the tokens (by name, comma-separated) whose scrape of GET "
	    "/metrics has the series by token name, as an admin's has: each "
	    "name's end, online spend and last use, which the alerts on "
	    "tokens need.  Any other token's has the counts by state alone, "
	    "as a name is often a person's e-mail address.  Name there the "
	    "read token Prometheus scrapes with."),
	N("server", "sweep_matcher_keep", 0, 31536000, "900", "chousa serve: "
	    "seconds the matcher the sweeps share (built from the store at "
	    "the first sweep; hundreds of MB on a big store) is kept unused "
	    "before it is freed; 0: kept while the server runs."),
	N("feeds", "timeout", 1, 86400, "600", "Seconds a feed download may "
	    "take."),
	N("freshness", "max_age_days", 1, 3650, "7", "Days after which a "
	    "feed's data is stale: reports and chousa sources name it, and "
	    "its \"not listed\" is no evidence."),
	N("freshness", "historical_rows", 0, 100000000, "10", "A feed whose "
	    "last download held fewer rows is historical (retired or emptied "
	    "upstream), shown with the date its data ends; 0 turns this "
	    "off."),
	N("http", "timeout", 1, 3600, "30", "Seconds an online request may "
	    "take."),
	N("http", "timeout_ms", 1, 3600000, NULL, "The same in milliseconds; "
	    "wins over timeout."),
	N("http", "connect_timeout", 1, 600, "10", "Seconds a connection may "
	    "take to open."),
	Z("http", "max_body", 1, 2147483647L, "33554432", "Bytes an answer "
	    "may have; a longer one is an error."),
	N("http", "max_parallel", 1, 256, "16", "Requests in flight at "
	    "once."),
	N("http", "retries", 1, 20, "3", "Tries of a request that met a "
	    "server error or a rate limit, the first included."),
	N("http", "backoff_ms", 0, 600000, "1000", "The first wait before a "
	    "retry, in milliseconds; it doubles with each try."),
	N("http", "max_wait", 0, 3600, "20", "Seconds a request may wait for "
	    "its rate limit or a retry before it is skipped as quota."),
	S("http", "ca_file", CHOUSA_CFG_PATH, NULL, "A CA bundle (PEM) to "
	    "trust, for an on-premises proxy or mirror; verification stays "
	    "on."),
	S("http", "insecure", CHOUSA_CFG_BOOL, "no", "yes turns TLS "
	    "verification off; every run then warns."),
	{ NULL, NULL, 0, 0, 0, NULL, NULL, NULL }
};

#undef N
#undef Z
#undef S
#undef SRC

/*
 * Key lengths as the services issue them (their keys are hex strings of
 * this many digits), for a likely reason when one is refused.
 */
static const struct {
	const char	*section;
	size_t		 len;
} key_lengths[] = {
	{ "virustotal", 64 },
	{ "abuseipdb", 80 },
	{ "otx", 64 },
	{ NULL, 0 }
};

/* Variables that are not settings but are chousa's all the same. */
static const char *const other_env[] = {
	"CHOUSA_DB", "CHOUSA_CONFIG",
	/* The failure-injection build's knobs (src/base/mem.c). */
	"CHOUSA_FAIL_ALLOC", "CHOUSA_FAIL_WRITE",
	NULL
};

/*
 * Rows of keys[] and those added, each added row after its section's.
 * chousa_config_add_keys() writes them as the program starts, before any
 * thread; from then on they are only read.
 */
#define CONFIG_MAX_KEYS	128

static struct chousa_config_key merged[CONFIG_MAX_KEYS];
static const struct chousa_config_key *table = keys;
static size_t n_table = sizeof(keys) / sizeof(keys[0]);	/* NULL row too */

int
chousa_config_add_keys(const struct chousa_config_key *rows, size_t n)
{
	size_t i, at, j;

	if (n_table + n > CONFIG_MAX_KEYS)
		return CHOUSA_ELIMIT;
	if (table != merged) {
		memcpy(merged, keys, sizeof(keys));
		table = merged;
	}
	for (i = 0, at = 0; i < n; i++, at++) {
		/* After the last row of its section: a section is one run. */
		if (i == 0 || strcmp(rows[i].section, rows[i - 1].section) != 0)
			for (j = 0, at = n_table - 1; j + 1 < n_table; j++)
				if (strcmp(merged[j].section,
				    rows[i].section) == 0)
					at = j + 1;
		memmove(&merged[at + 1], &merged[at],
		    (n_table - at) * sizeof(merged[0]));
		merged[at] = rows[i];
		n_table++;
	}
	return CHOUSA_OK;
}

const struct chousa_config_key *
chousa_config_keys(void)
{
	return table;
}

/*
 * The modules' checks of values, chousa_config_add_checks() wrote as the
 * program started; only read from then on.
 */
#define CONFIG_MAX_CHECKS	32

static const struct chousa_config_value_check *owner_checks[CONFIG_MAX_CHECKS];
static size_t n_owner_checks;

int
chousa_config_add_checks(const struct chousa_config_value_check *rows,
    size_t n)
{
	size_t i;

	if (n_owner_checks + n > CONFIG_MAX_CHECKS)
		return CHOUSA_ELIMIT;
	for (i = 0; i < n; i++)
		owner_checks[n_owner_checks++] = &rows[i];
	return CHOUSA_OK;
}

static int
in_list(const char *name, const char *const *list)
{
	size_t i;

	for (i = 0; list != NULL && list[i] != NULL; i++)
		if (strcasecmp(list[i], name) == 0)
			return 1;
	return 0;
}

int
chousa_config_key_is_serve(const struct chousa_config_key *k)
{
	return strcmp(k->section, "server") == 0 &&
	    strcmp(k->key, "url") != 0 && strcmp(k->key, "api_key") != 0;
}

const struct chousa_config_key *
chousa_config_key_find(const char *section, const char *key,
    const char *const *sources)
{
	const struct chousa_config_key *k;
	int is_source = in_list(section, sources);

	for (k = table; k->section != NULL; k++)
		if (strcasecmp(k->section, section) == 0 &&
		    strcasecmp(k->key, key) == 0)
			return k;
	for (k = table; is_source && k->section != NULL; k++)
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0 &&
		    strcasecmp(k->key, key) == 0)
			return k;
	return NULL;
}

/* The row without knowing the sources: any section may be a source's. */
static const struct chousa_config_key *
find_any(const char *section, const char *key)
{
	const char *any[2] = { section, NULL };

	return chousa_config_key_find(section, key, any);
}

/* ---- parsing ---- */

void
chousa_config_free(struct chousa_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_entries; i++) {
		mem_free(c->entries[i].section);
		mem_free(c->entries[i].key);
		mem_free(c->entries[i].value);
		mem_free(c->entries[i].credential);
	}
	mem_free(c->entries);
	mem_free(c->path);
	mem_free(c->name);
	mem_free(c);
}

static struct chousa_str
trim(const char *p, size_t len)
{
	while (len > 0 && isspace((unsigned char)*p)) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	return (struct chousa_str){ p, len };
}

/* Lower-case copy; names are case-insensitive. */
static char *
lower_dup(struct chousa_str s)
{
	char *d = mem_strndup(s.p, s.len);
	size_t i;

	if (d != NULL)
		for (i = 0; i < s.len; i++)
			d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
valid_name(struct chousa_str s)
{
	size_t i;

	if (s.len == 0 || s.len > 64)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!isalnum((unsigned char)s.p[i]) && s.p[i] != '_' &&
		    s.p[i] != '-' && s.p[i] != '.')
			return 0;
	return 1;
}

/*
 * The value part of a line, trimmed.  Quoted, it is what stands between
 * the quotes, '#' and ';' included; a comment may follow.  Unquoted, a '#'
 * or ';' after a blank starts a comment ("rate = 4   # a minute"), while
 * one inside a word stays ("https://host/#x").  *problem names what was
 * odd, for chousa_config_check().
 */
static struct chousa_str
value_of(struct chousa_str v, const char **problem)
{
	size_t i;

	*problem = NULL;
	if (v.len > 0 && (v.p[0] == '"' || v.p[0] == '\'')) {
		const char *close = memchr(v.p + 1, v.p[0], v.len - 1);
		struct chousa_str rest;

		if (close == NULL) {
			*problem = "its quote is never closed; the value is "
			    "read as written, quote included";
			return v;
		}
		rest = trim(close + 1, v.len - (size_t)(close + 1 - v.p));
		if (rest.len > 0 && rest.p[0] != '#' && rest.p[0] != ';')
			*problem = "text after the closing quote is ignored";
		return (struct chousa_str){ v.p + 1,
		    (size_t)(close - v.p - 1) };
	}
	for (i = 0; i < v.len; i++)
		if ((v.p[i] == '#' || v.p[i] == ';') &&
		    (i == 0 || v.p[i - 1] == ' ' || v.p[i - 1] == '\t'))
			return trim(v.p, i);
	return v;
}

/*
 * Append [section] key = value, from a line of the file or from the file
 * of a credential (credential NULL for a line); *out is the new entry.
 */
static int
append_entry(struct chousa_config *c, struct chousa_str section,
    struct chousa_str key, struct chousa_str value, const char *credential,
    const char *name, struct config_entry **out, struct chousa_err *err)
{
	struct config_entry *e;

	if (c->n_entries >= CONFIG_MAX_ENTRIES)
		return chousa_errf(err, CHOUSA_ELIMIT,
		    "too many settings in '%s' (limit %d)", name,
		    CONFIG_MAX_ENTRIES);
	e = mem_realloc(c->entries, (c->n_entries + 1) * sizeof(*e));
	if (e == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	c->entries = e;
	e = &c->entries[c->n_entries];
	memset(e, 0, sizeof(*e));
	e->section = lower_dup(section);
	e->key = lower_dup(key);
	e->value = mem_strndup(value.p, value.len);
	if (credential != NULL)
		e->credential = mem_strdup(credential);
	if (e->section == NULL || e->key == NULL || e->value == NULL ||
	    (credential != NULL && e->credential == NULL)) {
		mem_free(e->section);
		mem_free(e->key);
		mem_free(e->value);
		mem_free(e->credential);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	c->n_entries++;
	*out = e;
	return CHOUSA_OK;
}

static int
add_entry(struct chousa_config *c, struct chousa_str section,
    size_t section_line, struct chousa_str key, struct chousa_str raw,
    const char *name, size_t line, struct chousa_err *err)
{
	struct config_entry *e;
	struct chousa_str value;
	const char *problem;
	int rc;

	value = value_of(raw, &problem);
	if (memchr(value.p, '\0', value.len) != NULL)
		return chousa_errf(err, CHOUSA_EPARSE,
		    "NUL byte in '%s' line %zu", name, line);
	rc = append_entry(c, section, key, value, NULL, name, &e, err);
	if (rc != CHOUSA_OK)
		return rc;
	e->line = line;
	e->section_line = section_line;
	e->problem = problem;
	return CHOUSA_OK;
}

int
chousa_config_parse(struct chousa_config **out, const char *text, size_t len,
    const char *name, struct chousa_err *err)
{
	struct chousa_config *c;
	struct chousa_str section = CHOUSA_STR("");
	size_t pos = 0, line = 0, section_line = 0;
	int rc = CHOUSA_OK;

	if (len > CONFIG_MAX_SIZE)
		return chousa_errf(err, CHOUSA_ELIMIT,
		    "config '%s' is over %zu bytes", name, CONFIG_MAX_SIZE);
	c = mem_alloc(sizeof(*c));
	if (c == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	c->name = mem_strdup(name);
	if (c->name == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	/* The UTF-8 byte order mark Windows editors put first. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct chousa_str l = trim(text + pos, end - pos);
		const char *eq;

		pos = end + 1;
		line++;
		if (l.len > CONFIG_MAX_TOKEN) {
			rc = chousa_errf(err, CHOUSA_ELIMIT,
			    "line %zu of '%s' is too long", line, name);
			goto out;
		}
		if (l.len == 0 || l.p[0] == '#' || l.p[0] == ';')
			continue;
		if (l.p[0] == '[') {
			const char *close = memchr(l.p, ']', l.len);
			struct chousa_str rest;

			if (close == NULL) {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "unclosed section in '%s' line %zu",
				    name, line);
				goto out;
			}
			/* "[http]   # proxies" */
			rest = trim(close + 1, l.len - (size_t)(close + 1 -
			    l.p));
			section = trim(l.p + 1, (size_t)(close - l.p - 1));
			section_line = line;
			if (!valid_name(section) || (rest.len > 0 &&
			    rest.p[0] != '#' && rest.p[0] != ';')) {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "bad section name in '%s' line %zu",
				    name, line);
				goto out;
			}
			continue;
		}
		eq = memchr(l.p, '=', l.len);
		if (eq == NULL) {
			rc = chousa_errf(err, CHOUSA_EPARSE,
			    "expected 'key = value' in '%s' line %zu",
			    name, line);
			goto out;
		}
		{
			struct chousa_str key = trim(l.p, (size_t)(eq - l.p));
			struct chousa_str value = trim(eq + 1,
			    l.len - (size_t)(eq - l.p) - 1);

			if (!valid_name(key)) {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "bad key name in '%s' line %zu", name,
				    line);
				goto out;
			}
			rc = add_entry(c, section, section_line, key, value,
			    name, line, err);
			if (rc != CHOUSA_OK)
				goto out;
		}
	}
out:
	if (rc != CHOUSA_OK) {
		chousa_config_free(c);
		return rc;
	}
	*out = c;
	return CHOUSA_OK;
}

/* ---- loading ---- */

static int
has_api_key(const struct chousa_config *c)
{
	size_t i;

	for (i = 0; i < c->n_entries; i++)
		if (strcmp(c->entries[i].key, "api_key") == 0 ||
		    strcmp(c->entries[i].key, "auth_key") == 0)
			return 1;
	return 0;
}

static int
default_config_path(struct chousa_buf *b)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		chousa_buf_addf(b, "%s/chousa/config", xdg);
	else if (home != NULL && home[0] != '\0')
		chousa_buf_addf(b, "%s/.config/chousa/config", home);
	else
		return 0;
	return b->failed == CHOUSA_OK;
}

/*
 * systemd's credentials (LoadCredential= in the unit): with
 * $CREDENTIALS_DIRECTORY set, each file there named SECTION.KEY
 * ("virustotal.api_key") sets that setting, over the config file's line
 * (the environment's CHOUSA_... still wins).  The keys then stay out of
 * the config file, in files only root reads, which systemd copies where
 * only the service can.  A trailing newline is not part of the value.
 */
static int
load_credentials(struct chousa_config *c, struct chousa_err *err)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	struct chousa_buf path;
	char value[CONFIG_MAX_TOKEN + 1];
	struct dirent *de;
	DIR *d;
	int rc = CHOUSA_OK;

	if (dir == NULL || dir[0] == '\0')
		return CHOUSA_OK;
	d = opendir(dir);
	if (d == NULL)
		return chousa_errf(err, CHOUSA_EIO, "cannot read the credentials "
		    "in '%s' ($CREDENTIALS_DIRECTORY): %s", dir,
		    strerror(errno));
	chousa_buf_init(&path, 4096);
	while (rc == CHOUSA_OK && (de = readdir(d)) != NULL) {
		const char *dot = strchr(de->d_name, '.');
		struct config_entry *e;
		FILE *fp;
		size_t n, len;

		/* SECTION.KEY; systemd's own files and others are not ours. */
		if (de->d_name[0] == '.' || dot == NULL || dot[1] == '\0')
			continue;
		chousa_buf_reset(&path);
		chousa_buf_addf(&path, "%s/%s", dir, de->d_name);
		fp = path.failed == CHOUSA_OK ? fopen(path.data, "r") : NULL;
		if (fp == NULL) {
			rc = chousa_errf(err, CHOUSA_EIO, "cannot read the "
			    "credential '%s' in '%s': %s", de->d_name, dir,
			    strerror(errno));
			break;
		}
		len = fread(value, 1, sizeof(value), fp);
		fclose(fp);
		n = len;
		while (n > 0 && (value[n - 1] == '\n' || value[n - 1] == '\r' ||
		    value[n - 1] == ' ' || value[n - 1] == '\t'))
			n--;
		if (len > CONFIG_MAX_TOKEN || memchr(value, '\0', n) != NULL ||
		    memchr(value, '\n', n) != NULL) {
			rc = chousa_errf(err, CHOUSA_EPARSE, "the credential "
			    "'%s' is not one line of at most %d bytes",
			    path.data, CONFIG_MAX_TOKEN);
			break;
		}
		rc = append_entry(c, (struct chousa_str){ de->d_name,
		    (size_t)(dot - de->d_name) }, (struct chousa_str){ dot + 1,
		    strlen(dot + 1) }, (struct chousa_str){ value, n },
		    path.data, dir, &e, err);
	}
	closedir(d);
	chousa_buf_release(&path);
	explicit_bzero(value, sizeof(value));
	return rc;
}

int
chousa_config_load(struct chousa_config **out, const char *path,
    struct chousa_err *err)
{
	struct chousa_buf pbuf, text;
	struct chousa_config *c = NULL;
	struct stat sb;
	int explicit = 1, rc = CHOUSA_OK;
	const char *named_by = "--config";
	FILE *fp = NULL;
	char chunk[8192];
	size_t n;

	chousa_buf_init(&pbuf, 4096);
	chousa_buf_init(&text, CONFIG_MAX_SIZE + 1);
	if (path == NULL || path[0] == '\0') {
		const char *env = getenv("CHOUSA_CONFIG");

		if (env != NULL && env[0] != '\0') {
			chousa_buf_adds(&pbuf, env);
			named_by = "CHOUSA_CONFIG";
		} else {
			explicit = 0;
			if (!default_config_path(&pbuf))
				goto empty;
		}
	} else
		chousa_buf_adds(&pbuf, path);
	rc = chousa_buf_rc(&pbuf, "config path", err);
	if (rc != CHOUSA_OK)
		goto out;
	fp = fopen(pbuf.data, "r");
	if (fp == NULL) {
		if (!explicit && errno == ENOENT)
			goto empty;
		/* A path named but not made yet: say which name, and what
		 * makes the file (config init writes to the same path). */
		rc = chousa_errf(err, CHOUSA_EIO,
		    "cannot read config '%s' (%s): %s%s", pbuf.data, named_by,
		    strerror(errno), errno == ENOENT ?
		    "; 'chousa config init' writes one" : "");
		goto out;
	}
	if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = chousa_errf(err, CHOUSA_EIO,
		    "config '%s' is not a regular file", pbuf.data);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		chousa_buf_add(&text, chunk, n);
	if (ferror(fp)) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot read config '%s'",
		    pbuf.data);
		goto out;
	}
	rc = chousa_buf_rc(&text, "the config", err);
	if (rc != CHOUSA_OK)
		goto out;
	rc = chousa_config_parse(&c, text.data, text.len, pbuf.data, err);
	if (rc != CHOUSA_OK)
		goto out;
	if (has_api_key(c) && (sb.st_mode & 077) != 0) {
		rc = chousa_errf(err, CHOUSA_EPERM,
		    "config '%s' holds API keys but others can read it; "
		    "run: chmod 600 '%s'", pbuf.data, pbuf.data);
		goto out;
	}
	c->path = mem_strdup(pbuf.data);
	if (c->path == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	goto done;
empty:
	rc = chousa_config_parse(&c, "", 0, "(none)", err);
	if (rc != CHOUSA_OK)
		goto out;
done:
	rc = load_credentials(c, err);
	if (rc != CHOUSA_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	chousa_config_free(c);
	chousa_buf_release(&pbuf);
	chousa_buf_release(&text);
	return rc;
}

/* ---- reading a setting ---- */

/*
 * "CHOUSA_<SECTION>_<SUFFIX>" into out: upper case, '-' and '.' as '_'.
 * Built by hand: an investigation reads some thirty settings, and
 * snprintf was most of what each read cost.
 */
static int
env_name(char *out, size_t size, const char *section, const char *suffix)
{
	static const char prefix[] = "CHOUSA_";
	size_t ls = strlen(section), lk = strlen(suffix), j;

	if (sizeof(prefix) + ls + 1 + lk > size)
		return 0;
	memcpy(out, prefix, sizeof(prefix) - 1);
	j = sizeof(prefix) - 1;
	memcpy(out + j, section, ls);
	j += ls;
	out[j++] = '_';
	memcpy(out + j, suffix, lk);
	out[j + lk] = '\0';
	for (j = sizeof(prefix) - 1; out[j] != '\0'; j++) {
		char ch = out[j];

		if (ch == '-' || ch == '.')
			out[j] = '_';
		else if (ch >= 'a' && ch <= 'z')
			out[j] = (char)(ch - 'a' + 'A');
	}
	return 1;
}

/* getenv of the variable for section and suffix; its name into name. */
static const char *
env_lookup(char *name, size_t size, const char *section, const char *suffix)
{
	if (!env_name(name, size, section, suffix))
		return NULL;
	return getenv(name);
}

/*
 * The environment's value for section and key: CHOUSA_<SECTION>_<KEY>, or
 * the documented short forms CHOUSA_VIRUSTOTAL_KEY and ..._URL.
 */
static const char *
env_value(char *name, size_t size, const char *section, const char *key)
{
	const char *env = env_lookup(name, size, section, key);

	if (env == NULL && strcmp(key, "api_key") == 0)
		env = env_lookup(name, size, section, "key");
	if (env == NULL && strcmp(key, "base_url") == 0)
		env = env_lookup(name, size, section, "url");
	return env;
}

static const struct config_entry *
file_entry(const struct chousa_config *c, const char *section,
    const char *key)
{
	size_t i;

	/* The last one wins, as in every INI reader. */
	for (i = c->n_entries; i > 0; i--) {
		const struct config_entry *e = &c->entries[i - 1];

		if (strcasecmp(e->section, section) == 0 &&
		    strcasecmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

const char *
chousa_config_get_origin(const struct chousa_config *c, const char *section,
    const char *key, struct chousa_config_origin *out)
{
	const struct config_entry *e;
	const char *env;

	memset(out, 0, sizeof(*out));
	env = env_value(out->env, sizeof(out->env), section, key);
	if (env != NULL)
		return env;
	out->env[0] = '\0';
	e = file_entry(c, section, key);
	if (e == NULL)
		return NULL;
	out->file = e->credential != NULL ? e->credential : c->name;
	out->line = e->line;
	out->credential = e->credential != NULL;
	return e->value;
}

const char *
chousa_config_get(const struct chousa_config *c, const char *section,
    const char *key)
{
	char name[96];	/* on the stack: the server's threads share c */
	const char *env;
	const struct config_entry *e;

	env = env_value(name, sizeof(name), section, key);
	if (env != NULL)
		return env;
	e = file_entry(c, section, key);
	return e != NULL ? e->value : NULL;
}

int
chousa_config_parse_size(const char *value, long *out)
{
	static const struct {
		char	unit;
		int	shift;
	} units[] = { { 'k', 10 }, { 'K', 10 }, { 'M', 20 }, { 'G', 30 } };
	char *end;
	size_t i;
	long n;

	/* strtol would take blanks and a sign before the digits. */
	if (value == NULL || !isdigit((unsigned char)value[0]))
		return CHOUSA_EPARSE;
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno != 0)
		return CHOUSA_ELIMIT;
	if (*end == '\0') {
		*out = n;
		return CHOUSA_OK;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (end[0] != units[i].unit || end[1] != '\0')
			continue;
		if (n > LONG_MAX >> units[i].shift)
			return CHOUSA_ELIMIT;
		*out = n << units[i].shift;
		return CHOUSA_OK;
	}
	return CHOUSA_EPARSE;
}

/*
 * A whole number, or for a SIZE row a size, in the key's range:
 * CHOUSA_OK, else why not in *why.
 */
static int
parse_number(const struct chousa_config_key *k, const char *v, long *out,
    const char **why)
{
	char *end;
	long n;
	int rc;

	if (k != NULL && k->type == CHOUSA_CFG_SIZE) {
		rc = chousa_config_parse_size(v, &n);
		if (rc != CHOUSA_OK) {
			*why = rc == CHOUSA_ELIMIT ? "out of range" :
			    "not a size";
			return rc;
		}
	} else {
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || errno != 0 || *end != '\0' ||
		    isspace((unsigned char)*v)) {
			*why = "not a whole number";
			return CHOUSA_EPARSE;
		}
	}
	if (k != NULL && (n < k->min || n > k->max)) {
		*why = "out of range";
		return CHOUSA_ELIMIT;
	}
	*out = n;
	return CHOUSA_OK;
}

long
chousa_config_get_long(const struct chousa_config *c, const char *section,
    const char *key, long def)
{
	const char *v = chousa_config_get(c, section, key);
	const struct chousa_config_key *k;
	const char *why;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	/* The key's row (for its range) only for a value that is set. */
	k = find_any(section, key);
	if (k != NULL && k->type != CHOUSA_CFG_NUMBER &&
	    k->type != CHOUSA_CFG_SIZE)
		k = NULL;
	return parse_number(k, v, &n, &why) == CHOUSA_OK ? n : def;
}

int
chousa_config_parse_bool(const char *value, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	if (value == NULL)
		return CHOUSA_EPARSE;
	if (in_list(value, yes)) {
		*out = 1;
		return CHOUSA_OK;
	}
	if (in_list(value, no)) {
		*out = 0;
		return CHOUSA_OK;
	}
	return CHOUSA_EPARSE;
}

int
chousa_config_get_bool(const struct chousa_config *c, const char *section,
    const char *key, int def)
{
	int v;

	if (chousa_config_parse_bool(chousa_config_get(c, section, key), &v) !=
	    CHOUSA_OK)
		return def;
	return v;
}

const char *
chousa_config_path(const struct chousa_config *c)
{
	return c->path;
}

/* ---- checking ---- */

struct check {
	const struct chousa_config	*c;
	const char *const		*sources;
	unsigned			 flags;
	chousa_config_issue_fn		 fn;
	void				*arg;
	size_t				 n;
};

static void
issue(struct check *ck, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
issue(struct check *ck, const char *where, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck->n++;
	if (ck->fn != NULL)
		ck->fn(ck->arg, where, msg);
}

/*
 * Names for chousa_suggest(): the sections (want_keys 0) or the keys of
 * section, into a NULL-terminated array the caller frees; NULL when out
 * of memory.
 */
static const char **
known_names(const struct check *ck, const char *section, int want_keys)
{
	size_t n_rows = n_table, n_src = 0, n = 0, i;
	const struct chousa_config_key *k;
	const char **v;

	while (ck->sources != NULL && ck->sources[n_src] != NULL)
		n_src++;
	v = mem_alloc((n_rows + n_src + 1) * sizeof(*v));
	if (v == NULL)
		return NULL;
	if (!want_keys)
		for (i = 0; i < n_src; i++)
			v[n++] = ck->sources[i];
	v[n] = NULL;
	for (k = table; k->section != NULL; k++) {
		if (want_keys) {
			if (chousa_config_key_find(section, k->key,
			    ck->sources) == k)
				v[n++] = k->key;
		} else if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) != 0 &&
		    !in_list(k->section, v))
			v[n++] = k->section;
		v[n] = NULL;
	}
	return v;
}

static int
section_known(const struct check *ck, const char *section)
{
	const struct chousa_config_key *k;

	if (in_list(section, ck->sources))
		return 1;
	for (k = table; k->section != NULL; k++)
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) != 0 &&
		    strcasecmp(k->section, section) == 0)
			return 1;
	return 0;
}

/* Whether a key's value has what a pasted key should not. */
static const char *
secret_flaw(const char *section, const char *v)
{
	size_t len = strlen(v), i;

	if (len == 0)
		return NULL;
	if (v[0] == '"' || v[0] == '\'' || v[len - 1] == '"' ||
	    v[len - 1] == '\'')
		return "it has quotes in it";
	for (i = 0; i < len; i++)
		if (isspace((unsigned char)v[i]))
			return v[i] == '\r' ? "it ends in a carriage return "
			    "(a file saved with Windows line ends)" :
			    "it has blanks in it";
	if (strchr(v, '#') != NULL || strchr(v, ';') != NULL)
		return "it has a '#' or ';' in it, as if a comment were part "
		    "of it";
	for (i = 0; key_lengths[i].section != NULL; i++)
		if (strcasecmp(key_lengths[i].section, section) == 0 &&
		    len != key_lengths[i].len)
			return "its length is not the one the service issues";
	return NULL;
}

static size_t
key_length(const char *section)
{
	size_t i;

	for (i = 0; key_lengths[i].section != NULL; i++)
		if (strcasecmp(key_lengths[i].section, section) == 0)
			return key_lengths[i].len;
	return 0;
}

/*
 * What a bad value of k means: the default that stands in for it, as the
 * setting's reader has it when the table gives none (one per core...).
 */
static const char *
fallback(const struct chousa_config_key *k)
{
	if (k->def != NULL)
		return k->def;
	return strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0 ?
	    "the source's own" : "the default";
}

const struct chousa_config_value_check *
chousa_config_value_refused(const char *section, const char *key,
    const char *v, struct chousa_err *err)
{
	size_t i;

	for (i = 0; i < n_owner_checks; i++) {
		const struct chousa_config_value_check *o = owner_checks[i];

		if (strcasecmp(o->section, section) != 0 ||
		    strcmp(o->key, key) != 0)
			continue;
		memset(err, 0, sizeof(*err));
		return o->fn(v, err) != CHOUSA_OK ? o : NULL;
	}
	return NULL;
}

/* The checks of the module that reads k, unless the caller makes them. */
static void
check_owners(struct check *ck, const char *where, const char *label,
    const char *section, const struct chousa_config_key *k, const char *v)
{
	const struct chousa_config_value_check *o;
	struct chousa_err err;

	if (ck->flags & CHOUSA_CONFIG_CHECK_NO_OWNERS)
		return;
	o = chousa_config_value_refused(section, k->key, v, &err);
	if (o != NULL)
		issue(ck, where, "%s = '%.80s': %s; %s", label, v, err.msg,
		    o->refusal);
}

/* Check one value of k; label is "[section] key". */
static void
check_value(struct check *ck, const char *where, const char *label,
    const char *section, const struct chousa_config_key *k, const char *v)
{
	const char *why, *flaw;
	size_t before = ck->n;
	long n;
	int b;

	if (k->word != NULL && strcmp(v, k->word) == 0)
		return;
	switch (k->type) {
	case CHOUSA_CFG_NUMBER:
		if (parse_number(k, v, &n, &why) == CHOUSA_OK)
			break;
		issue(ck, where, "%s = '%.40s' is %s: it takes a whole number "
		    "from %ld to %ld; %s is used instead", label, v, why,
		    k->min, k->max, fallback(k));
		break;
	case CHOUSA_CFG_SIZE:
		if (parse_number(k, v, &n, &why) == CHOUSA_OK)
			break;
		issue(ck, where, "%s = '%.40s' is %s: it takes bytes, or a "
		    "number with k, M or G (64M), from %ld to %ld bytes; %s is "
		    "used instead", label, v, why, k->min, k->max,
		    fallback(k));
		break;
	case CHOUSA_CFG_BOOL:
		if (chousa_config_parse_bool(v, &b) == CHOUSA_OK)
			break;
		issue(ck, where, "%s = '%.40s' is neither yes nor no (true/"
		    "false, on/off and 1/0 are read too); %s is used instead",
		    label, v, fallback(k));
		break;
	case CHOUSA_CFG_URL:
		if ((strncasecmp(v, "http://", 7) == 0 ||
		    strncasecmp(v, "https://", 8) == 0) &&
		    strpbrk(v, " \t\"'") == NULL)
			break;
		issue(ck, where, "%s = '%.80s' is not an http:// or https:// "
		    "URL", label, v);
		break;
	case CHOUSA_CFG_PATH:
		if (*v != '\0' && access(v, R_OK) == 0)
			break;
		issue(ck, where, "%s: cannot read '%.200s'", label, v);
		break;
	case CHOUSA_CFG_SECRET:
		flaw = secret_flaw(section, v);
		if (flaw == NULL)
			break;
		if (key_length(section) != 0 && strlen(v) !=
		    key_length(section) && strcmp(flaw, "its length is not "
		    "the one the service issues") == 0)
			issue(ck, where, "%s has %zu characters; %s issues "
			    "keys of %zu", label, strlen(v), section,
			    key_length(section));
		else
			issue(ck, where, "%s looks wrong: %s", label, flaw);
		break;
	default:
		break;
	}
	/* One problem a value: its type's first. */
	if (ck->n == before)
		check_owners(ck, where, label, section, k, v);
}

static void
check_entry(struct check *ck, size_t idx)
{
	const struct config_entry *e = &ck->c->entries[idx];
	const struct chousa_config_key *k;
	const char *near, **names;
	char where[4200], label[160];
	size_t j;

	if (e->credential != NULL)
		snprintf(where, sizeof(where), "credential %s", e->credential);
	else
		snprintf(where, sizeof(where), "%s:%zu", ck->c->name, e->line);
	snprintf(label, sizeof(label), "[%s] %s", e->section, e->key);
	if (e->section[0] == '\0') {
		issue(ck, where, "'%s' stands before any [section]; it is "
		    "ignored", e->key);
		return;
	}
	if (!section_known(ck, e->section)) {
		/* One warning per unknown section, at its [section] line. */
		for (j = 0; j < idx; j++)
			if (strcmp(ck->c->entries[j].section, e->section) == 0)
				return;
		if (e->credential == NULL)
			snprintf(where, sizeof(where), "%s:%zu", ck->c->name,
			    e->section_line);
		names = known_names(ck, NULL, 0);
		near = chousa_suggest(e->section, names);
		if (near != NULL)
			issue(ck, where, "unknown section [%s]; did you mean "
			    "[%s]?", e->section, near);
		else
			issue(ck, where, "unknown section [%s]; it is ignored "
			    "(chousa config --help lists the sections)",
			    e->section);
		mem_free(names);
		return;
	}
	k = chousa_config_key_find(e->section, e->key, ck->sources);
	if (k == NULL) {
		names = known_names(ck, e->section, 1);
		near = chousa_suggest(e->key, names);
		if (near != NULL)
			issue(ck, where, "unknown key '%s' in [%s]; did you "
			    "mean '%s'?", e->key, e->section, near);
		else
			issue(ck, where, "unknown key '%s' in [%s]; it is "
			    "ignored", e->key, e->section);
		mem_free(names);
		return;
	}
	/* One warning a line: the value's own check would say it again. */
	if (e->problem != NULL) {
		issue(ck, where, "%s: %s", label, e->problem);
		return;
	}
	for (j = idx + 1; j < ck->c->n_entries; j++)
		if (strcmp(ck->c->entries[j].section, e->section) == 0 &&
		    strcmp(ck->c->entries[j].key, e->key) == 0) {
			issue(ck, where, "%s is set again on line %zu, which "
			    "wins", label, ck->c->entries[j].line);
			return;
		}
	check_value(ck, where, label, e->section, k, e->value);
}

/* The environment's values for the settings of section. */
static void
check_env_section(struct check *ck, const char *section, int is_source)
{
	const struct chousa_config_key *k;
	char name[96], where[160], label[160];
	const char *v;

	for (k = table; k->section != NULL; k++) {
		if (is_source ? strcmp(k->section, CHOUSA_CONFIG_SOURCE) != 0 :
		    strcasecmp(k->section, section) != 0)
			continue;
		v = env_value(name, sizeof(name), section, k->key);
		if (v == NULL)
			continue;
		snprintf(where, sizeof(where), "%s in the environment", name);
		snprintf(label, sizeof(label), "[%s] %s", section, k->key);
		check_value(ck, where, label, section, k, v);
	}
}

/* Whether name is a variable some setting reads. */
static int
env_known(const char *name, char **all, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(all[i], name) == 0)
			return 1;
	return 0;
}

/*
 * The names env_value() reads for section and key into v from n: the
 * short forms too, for a source's key and [server] api_key alike.
 */
static size_t
env_names_of(char **v, size_t n, const char *section, const char *key)
{
	char buf[96];

	if (env_name(buf, sizeof(buf), section, key))
		v[n++] = mem_strdup(buf);
	if (strcmp(key, "api_key") == 0 &&
	    env_name(buf, sizeof(buf), section, "key"))
		v[n++] = mem_strdup(buf);
	if (strcmp(key, "base_url") == 0 &&
	    env_name(buf, sizeof(buf), section, "url"))
		v[n++] = mem_strdup(buf);
	return n;
}

/* Every variable name a setting reads, into a NULL-terminated array. */
static char **
env_names(const struct check *ck, size_t *n_out)
{
	const struct chousa_config_key *k;
	size_t n_src = 0, cap, n = 0, i;
	char **v;

	while (ck->sources != NULL && ck->sources[n_src] != NULL)
		n_src++;
	cap = (n_src + 2) * (n_table + 2) + 8;
	v = mem_alloc(cap * sizeof(*v));
	if (v == NULL)
		return NULL;
	for (k = table; k->section != NULL; k++) {
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) != 0) {
			n = env_names_of(v, n, k->section, k->key);
			continue;
		}
		for (i = 0; i < n_src; i++)
			n = env_names_of(v, n, ck->sources[i], k->key);
	}
	for (i = 0; other_env[i] != NULL; i++)
		v[n++] = mem_strdup(other_env[i]);
	v[n] = NULL;
	for (i = 0; i < n; i++)
		if (v[i] == NULL) {
			while (n > 0)
				mem_free(v[--n]);
			mem_free(v);
			return NULL;
		}
	*n_out = n;
	return v;
}

static void
check_env_names(struct check *ck)
{
	size_t n = 0, i;
	char **all = env_names(ck, &n);
	char **e;

	if (all == NULL)
		return;
	for (e = environ; e != NULL && *e != NULL; e++) {
		char name[96];
		const char *eq = strchr(*e, '='), *near;
		size_t len = eq != NULL ? (size_t)(eq - *e) : strlen(*e);

		if (strncmp(*e, "CHOUSA_", 7) != 0 || len >= sizeof(name))
			continue;
		memcpy(name, *e, len);
		name[len] = '\0';
		if (env_known(name, all, n))
			continue;
		near = chousa_suggest(name, (const char *const *)all);
		if (near != NULL)
			issue(ck, "the environment", "%s is not a setting "
			    "chousa reads; did you mean %s?", name, near);
		else
			issue(ck, "the environment", "%s is not a setting "
			    "chousa reads", name);
	}
	for (i = 0; i < n; i++)
		mem_free(all[i]);
	mem_free(all);
}

size_t
chousa_config_check(const struct chousa_config *c,
    const char *const *sources, unsigned flags, chousa_config_issue_fn fn,
    void *arg)
{
	struct check ck = { c, sources, flags, fn, arg, 0 };
	const struct chousa_config_key *k;
	size_t i;

	for (i = 0; i < c->n_entries; i++)
		check_entry(&ck, i);
	for (i = 0; sources != NULL && sources[i] != NULL; i++)
		check_env_section(&ck, sources[i], 1);
	for (k = table; k->section != NULL; k++)
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) != 0 &&
		    (k == table || strcmp(k[-1].section, k->section) != 0))
			check_env_section(&ck, k->section, 0);
	if (flags & CHOUSA_CONFIG_CHECK_ENV_NAMES)
		check_env_names(&ck);
	return ck.n;
}

/* ---- a refused key ---- */

const char *
chousa_config_key_problem(const struct chousa_config *c, const char *section,
    char *buf, size_t size)
{
	const char *key = strcasecmp(section, "abusech") == 0 ? "auth_key" :
	    "api_key";
	struct chousa_config_origin o;
	const struct config_entry *e;
	const char *v, *flaw;
	size_t want;

	v = chousa_config_get_origin(c, section, key, &o);
	if (v == NULL || *v == '\0')
		return NULL;
	flaw = secret_flaw(section, v);
	want = key_length(section);
	e = file_entry(c, section, key);
	if (flaw != NULL && want != 0 && strlen(v) != want &&
	    strncmp(flaw, "its length", 10) == 0)
		snprintf(buf, size, "the key has %zu characters, and %s "
		    "issues keys of %zu", strlen(v), section, want);
	else if (flaw != NULL)
		snprintf(buf, size, "the key looks wrong: %s", flaw);
	else if (o.env[0] != '\0' && e != NULL && strcmp(e->value, v) != 0)
		snprintf(buf, size, "%s in the environment overrides the key "
		    "on line %zu of %s", o.env, e->line, c->name);
	else
		return NULL;
	if (flaw != NULL && o.env[0] != '\0')
		snprintf(buf + strlen(buf), size - strlen(buf), " (it comes "
		    "from %s)", o.env);
	else if (flaw != NULL && o.credential)
		snprintf(buf + strlen(buf), size - strlen(buf), " (credential "
		    "%s)", o.file);
	else if (flaw != NULL && o.file != NULL)
		snprintf(buf + strlen(buf), size - strlen(buf), " (%s line "
		    "%zu)", o.file, o.line);
	return buf;
}
