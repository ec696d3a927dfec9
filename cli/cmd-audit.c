/*
 * cmd-audit.c: `chousa audit [INDICATOR]`: who asked the team server
 * about an indicator, what a token did, which requests were refused,
 * newest first.  Locally it reads the audit log the server writes
 * (--log, [server] audit_log, or the server's default beside the store);
 * with --server it asks the server's GET /api/v1/audit (an admin token).
 * The same library search and the same text either way.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"

enum { OPT_WHO = 256, OPT_TOKEN_ID, OPT_PEER, OPT_WHAT, OPT_SINCE,
	OPT_REFUSED, OPT_LIMIT, OPT_LOG, OPT_JSON };

static const struct cli_opt audit_opts[] = {
	{ OPT_WHO, "who", "NAME", "Only the requests of the token called "
	    "NAME." },
	{ OPT_TOKEN_ID, "token-id", "N", "Only the requests made with the "
	    "token of id N (the log's token_id, chousa token list's id): a "
	    "rotated name's old and new tokens differ by it." },
	{ OPT_PEER, "peer", "ADDR", "Only the requests from the client ADDR "
	    "(the log's peer: behind a trusted proxy, the address it "
	    "forwarded for), or from a range (10.0.0.0/8, 2001:db8::/32), or "
	    "from any of a comma-separated list of them." },
	{ OPT_WHAT, "what", "KIND", "Only requests of one kind: lookup, "
	    "investigate, extract, sweep, export, sources, mcp, \"web: "
	    "sweep\"... (the log's \"what\"; an MCP tool call is its "
	    "tool's kind, the protocol's other messages mcp)." },
	{ OPT_SINCE, "since", "WHEN", "Only requests at or after WHEN: a date "
	    "(2024-03-13, 2024-03-13T18:00:00Z) or a duration back from now "
	    "(90m, 12h, 7d).  Rotated files older all through are not read." },
	{ OPT_REFUSED, "refused", NULL, "Only requests that were refused or "
	    "failed (HTTP status 400 and up, and MCP tool calls answered "
	    "with an error): wrong tokens, too low a role, limits." },
	{ OPT_LIMIT, "limit", "N", "Print the newest N (default 100, at most "
	    "10000)." },
	{ OPT_LOG, "log", "FILE", "Read this audit log (and its rotated "
	    "FILE.1, FILE.2.gz ...) instead of [server] audit_log or the "
	    "default: the server's --audit-log, when it was given one.  FILE "
	    "may be a compressed copy itself." },
	{ OPT_JSON, "json", NULL, "Print each entry as the audit log holds "
	    "it, one JSON object a line, then {\"summary\": {...}} "
	    "(docs/json.md)." },
	{ 0 }
};

struct audit_args {
	struct chousa_audit_query q;
	const char	*since;		/* as given, for the server */
	const char	*log;
	long		 limit;		/* 0: not given */
	int		 json;
};

/* The same options, as GET /api/v1/audit takes them. */
static int
audit_remote(const struct audit_args *o)
{
	struct remote rm;
	struct remote_answer a;
	char n[24];

	remote_init(&rm);
	if (o->q.indicator != NULL)
		remote_query(&rm, "indicator", o->q.indicator);
	if (o->q.who != NULL)
		remote_query(&rm, "who", o->q.who);
	if (o->q.token_id > 0) {
		snprintf(n, sizeof(n), "%lld", (long long)o->q.token_id);
		remote_query(&rm, "token_id", n);
	}
	if (o->q.peer != NULL)
		remote_query(&rm, "peer", o->q.peer);
	if (o->q.what != NULL)
		remote_query(&rm, "what", o->q.what);
	if (o->since != NULL)
		remote_query(&rm, "since", o->since);
	if (o->q.refused)
		remote_query(&rm, "refused", "true");
	if (o->limit > 0) {
		snprintf(n, sizeof(n), "%ld", o->limit);
		remote_query(&rm, "limit", n);
	}
	remote_query(&rm, "format", o->json ? "json" : "text");
	remote_call(&rm, "GET", "/api/v1/audit", REMOTE_FRAMED, NULL, &a);
	return remote_framed(&rm, &a);
}

static int
audit_local(const struct audit_args *o)
{
	struct chousa_config *cfg = cli_load_config();
	struct chousa_audit_stats st;
	struct chousa_err err = { 0 };
	struct chousa_buf lines, b;
	const char *path = o->log;
	char warning[4200], *fallback = NULL;

	if (path == NULL)
		path = chousa_config_get(cfg, "server", "audit_log");
	if (path != NULL && strcmp(path, "none") == 0 && o->log == NULL)
		cli_die(EXIT_USAGE, "the config turns the audit log off "
		    "([server] audit_log = none): give --log FILE, or ask the "
		    "server with --server URL");
	/* The server's own default, beside the store. */
	if (path == NULL || *path == '\0')
		path = fallback = cli_audit_default();
	chousa_buf_init(&lines, 0);
	if (chousa_audit_search(path, &o->q, &lines, &st, &err) != CHOUSA_OK)
		cli_die_err(&err);
	/* The default is a guess: say so when neither it nor any rotated
	 * copy of it (a server that has rotated and not yet written) is
	 * there. */
	if (fallback != NULL && st.files == 0)
		cli_die(EXIT_USAGE, "no audit log at %s, where chousa serve "
		    "writes one by default: give --log FILE (the server's "
		    "--audit-log), set [server] audit_log, or ask the server "
		    "with --server URL", path);
	if (chousa_audit_warning(&st, path, warning, sizeof(warning)) != NULL)
		cli_warn("%s", warning);
	chousa_buf_init(&b, 0);
	if (o->json) {
		chousa_buf_add(&b, lines.data, lines.len);
		chousa_audit_summary_json(&b, &st);
	} else if (chousa_audit_text(&b, lines.data, lines.len, &err) !=
	    CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_release(&lines);
	chousa_config_free(cfg);
	free(fallback);
	cli_output(&b);
	return st.shown > 0 ? EXIT_FOUND : EXIT_CLEAN;
}

static int
run_audit(const struct cli_cmd *self, int argc, char **argv)
{
	struct audit_args o;
	struct chousa_indicator ind;
	struct chousa_arena *a;
	struct chousa_err err = { 0 };
	const char *arg;
	int c;

	memset(&o, 0, sizeof(o));
	o.json = g_opt.json;
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_WHO)
			o.q.who = arg;
		else if (c == OPT_TOKEN_ID)
			o.q.token_id = cli_number_arg(self, "token-id", arg, 1,
			    LONG_MAX);
		else if (c == OPT_PEER)
			o.q.peer = arg;
		else if (c == OPT_WHAT)
			o.q.what = arg;
		else if (c == OPT_SINCE)
			o.since = arg;
		else if (c == OPT_REFUSED)
			o.q.refused = 1;
		else if (c == OPT_LIMIT)
			o.limit = cli_number_arg(self, "limit", arg, 1,
			    CHOUSA_AUDIT_LIMIT_MAX);
		else if (c == OPT_LOG)
			o.log = arg;
		else if (c == OPT_JSON)
			o.json = 1;
	if (argc - cli_optind > 1)
		cli_usage_error(self, "name one indicator at most");
	if (cli_optind < argc) {
		o.q.indicator = argv[cli_optind];
		if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
			cli_die_err(&err);
		if (chousa_ioc_parse(a, o.q.indicator, strlen(o.q.indicator),
		    CHOUSA_IOC_ALL, &ind, &err) != CHOUSA_OK)
			cli_usage_error(self, "%s", err.msg);
		chousa_arena_free(a);
	}
	if (o.since != NULL && !chousa_audit_since(o.since,
	    (int64_t)time(NULL), &o.q.since))
		cli_usage_error(self, "bad --since '%s': "
		    CHOUSA_AUDIT_SINCE_HELP, o.since);
	o.q.limit = (size_t)o.limit;
	if (cli_server_url(argc, argv) != NULL) {
		if (o.log != NULL)
			cli_usage_error(self, "--log reads a file of this "
			    "machine; the server reads its own");
		return audit_remote(&o);
	}
	return audit_local(&o);
}

const struct cli_cmd cmd_audit = {
	"audit", "Show who asked the team server what, from its audit log",
	"[--who NAME] [--token-id N] [--peer ADDR] [--what KIND] "
	"[--since WHEN] [--refused] [--limit N] [--log FILE] [--json] "
	"[INDICATOR]",
	"Read back the audit log chousa serve writes (every request: who, "
	"when, what, the indicators asked, the sources, the verdict or why it "
	"was refused), newest first, through the rotated files too: FILE.1, "
	"FILE.2 ... whether chousa serve (audit_max) or logrotate made them, "
	"compressed (FILE.2.gz, .xz, .zst, .bz2) or not, and logrotate's "
	"dated copies (dateext: FILE-20261205.gz).  Given an "
	"INDICATOR, only the requests that asked about it, however it was "
	"written (defanged, in capitals: the normal forms are compared), and "
	"for a domain about its subdomains and URLs, for an address about the "
	"URLs on it: has a colleague already looked at this?\n\n"
	"On the server's machine it reads --log FILE, or [server] "
	"audit_log, or else audit.log beside the store, where chousa serve "
	"writes it by default; elsewhere, with --server URL, it asks the "
	"server, which "
	"needs an admin token.  Each entry is one line: time, who, token id, "
	"client address, what, HTTP status, verdict (or why it was refused) "
	"and the first indicators asked, defanged, tab separated, \"-\" for "
	"what an entry lacks (no token id for a refused token).  A line of the log that is not one "
	"of its entries (cut short by a full disk) is skipped and counted.  "
	"Exit status: 1 when an entry matched, 0 when none did, 2 for a "
	"usage error, 3 for a token the server refuses, 4 when the server "
	"cannot be asked.",
	audit_opts, run_audit,
	"chousa audit www.dnautik.com\n"
	"chousa audit --who alice --since 7d\n"
	"chousa audit --refused --since 24h\n"
	"chousa audit --peer 10.20.0.0/16 --token-id 12\n"
	"chousa --server https://chousa.example:8443 audit --json 185.244.25.10",
	NULL,
	NULL
};
