/*
 * cmd-token.c: `chousa token create|rotate|list|budget|revoke`: the team
 * server's API tokens, in the store.  A new token is printed once; only
 * its hash is kept.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_ROLE = 256, OPT_EXPIRES, OPT_BUDGET, OPT_GRACE, OPT_ALLOW, OPT_JSON,
	OPT_UNUSED, OPT_NOTE, OPT_STATE
};


static const struct cli_opt token_opts[] = {
	{ OPT_ROLE, "role", "ROLE", "create: read (look-ups and offline "
	    "investigations), investigate (may spend online quota) or admin "
	    "(also imports, updates and tokens)." },
	{ OPT_EXPIRES, "expires", "DURATION", "create, rotate: the token "
	    "stops working after DURATION (90s, 30m, 12h, 90d); by default "
	    "create's works until revoked, and rotate's as long as the one it "
	    "replaces was made for." },
	{ OPT_BUDGET, "online-budget", "N", "create: online requests the "
	    "token may cause a day (UTC); 0: no limit; by default the "
	    "server's [server] online_budget." },
	{ OPT_GRACE, "grace", "DURATION", "rotate: how long the token "
	    "replaced still works, for its users to take the new one "
	    "(default " CHOUSA_TOKEN_GRACE_TEXT "; 0: revoked at once, as for "
	    "a token "
	    "that leaked)." },
	{ OPT_ALLOW, "allow-from", "LIST", "create: accept the token only "
	    "from these addresses and CIDR ranges (comma-separated, such as "
	    "10.20.0.0/16,192.0.2.7; behind a [server] trusted_proxies "
	    "proxy, the client's address it forwards); by default from any. "
	    "Rotate keeps it; allow changes it." },
	{ OPT_NOTE, "note", "TEXT", "create: whose the token is and what for "
	    "(\"Grafana on mon-01, ask Bob\"), listed beside it; rotate keeps "
	    "it; note changes it." },
	{ OPT_JSON, "json", NULL, "list: print one JSON object." },
	{ OPT_UNUSED, "unused-for", "DURATION", "list: only the valid tokens "
	    "neither used nor made in the last DURATION (90d): the ones to "
	    "revoke." },
	{ OPT_STATE, "state", "STATES", "list: only the tokens in these "
	    "states, comma-separated: valid, expired, revoked (--state valid "
	    "leaves out the revoked and rotated-out rows kept for the audit "
	    "log)." },
	{ 0 }
};

/* A budget as given: N (0: no limit) or "default" (-1). */
static long
budget_parse(const struct cli_cmd *self, const char *s)
{
	char *end;
	long n;

	if (strcmp(s, "default") == 0)
		return -1;
	n = strtol(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || n > CHOUSA_BUDGET_MAX)
		cli_usage_error(self, "bad budget '%s': a number of online "
		    "requests a day (0: no limit) or 'default'", s);
	return n;
}

/* A duration option's seconds; opt names it in the error. */
static long
duration_arg(const struct cli_cmd *self, const char *opt, const char *s)
{
	long n = strcmp(opt, "grace") == 0 ?
	    chousa_duration_parse_or_zero(s) : chousa_duration_parse(s);

	if (n < 0)
		cli_usage_error(self, "bad --%s '%s': a duration such as 90s, "
		    "30m, 12h or 90d", opt, s);
	return n;
}

/*
 * A new token on stdout, the only time it is shown, and what is said of
 * it (said, released) on stderr unless -q.
 */
static int
token_shown(char token[CHOUSA_TOKEN_SIZE + 1], struct chousa_buf *said)
{
	printf("%s\n", token);
	cli_flush();
	explicit_bzero(token, CHOUSA_TOKEN_SIZE + 1);
	if (!g_opt.quiet)
		cli_warn("%s", said->data != NULL ? said->data : "");
	chousa_buf_release(said);
	return EXIT_CLEAN;
}

static int
create(const struct cli_cmd *self, const char *name, const char *role,
    const char *expires, long budget, const char *from, const char *note,
    int remote)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	int r = chousa_role_parse(role), is_new, rc;
	long lifetime = 0;
	int64_t ends;
	static const char *const roles[] = { "read", "investigate", "admin",
		NULL };

	/* A slip (--role admn) is answered with the role meant. */
	if (role != NULL && r == CHOUSA_ROLE_NONE &&
	    chousa_suggest(role, roles) != NULL)
		cli_unknown_name(self, "role", role, roles);
	if (role == NULL || r == CHOUSA_ROLE_NONE)
		cli_usage_error(self, "--role read, investigate or admin is "
		    "needed");
	if (expires != NULL)
		lifetime = duration_arg(self, "expires", expires);
	if (remote)
		return cli_remote_token("create", name, role, expires, budget,
		    from, note);
	/* A token in a store no server reads is a token nobody accepts. */
	is_new = access(cli_db_path(), F_OK) != 0;
	st = cli_open_store(0);
	if (chousa_token_create(st, name, r, lifetime, budget, from, note,
	    token, &ends, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_store_close(st);
	chousa_buf_init(&said, 0);
	chousa_token_created_text(&said, name, r, ends, from);
	rc = token_shown(token, &said);
	if (is_new)
		cli_warn("the store '%s' did not exist and was made for this "
		    "token: a team server accepts it only if it serves that "
		    "store (as the systemd unit's CHOUSA_DB says; or create "
		    "the token through it: chousa --server URL token create)",
		    cli_db_path());
	return rc;
}

static int
rotate(const struct cli_cmd *self, const char *name, const char *expires,
    const char *grace, int remote)
{
	struct chousa_err err = { 0 };
	struct chousa_token_rotation rot;
	struct chousa_store *st;
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	long lifetime = expires != NULL ? duration_arg(self, "expires",
	    expires) : 0;
	long secs = duration_arg(self, "grace", grace);

	if (remote)
		return cli_remote_token_rotate(name, expires, grace);
	st = cli_open_store(0);
	if (chousa_token_rotate(st, name, lifetime, secs, token, &rot,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_store_close(st);
	chousa_buf_init(&said, 0);
	chousa_token_rotated_text(&said, name, &rot);
	return token_shown(token, &said);
}

/*
 * unused_for: only the tokens unused for that many seconds; -1: all.
 * Read-only, as every listing: an older store is read as it is, never
 * migrated (a server of that older release may be serving it), and a
 * missing one is not made.
 */
static int
list(int json, long unused_for, unsigned states)
{
	struct chousa_err err = { 0 };
	struct chousa_arena *a;
	struct chousa_store *st;
	struct chousa_token *t;
	struct chousa_buf b;
	size_t n;

	if (access(cli_db_path(), F_OK) != 0)
		cli_die(EXIT_BADINPUT, "no store at '%s', so no token (chousa "
		    "token create makes one; a team server's tokens are in "
		    "the store it serves: --db or CHOUSA_DB)", cli_db_path());
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK ||
	    chousa_store_token_list(st, a, &t, &n, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (unused_for >= 0)
		n = chousa_token_unused(t, n, (int64_t)time(NULL), unused_for);
	if (states != 0)
		n = chousa_token_in_states(t, n, (int64_t)time(NULL), states);
	chousa_buf_init(&b, 0);
	if (json)
		chousa_token_list_json(&b, t, n);
	else
		chousa_token_list_text(&b, t, n, (int64_t)time(NULL));
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
	chousa_arena_free(a);
	chousa_store_close(st);
	return EXIT_CLEAN;
}

static const char *const token_verbs[] = { "create", "rotate", "list",
	"budget", "allow", "note", "revoke", "readmit", NULL };

/* The subcommand, from self->verbs; else token's own usage errors. */
static const char *
token_verb(const struct cli_cmd *self, int argc, char **argv)
{
	const char *verb = cli_verb_find(argc, argv, self->verbs);
	const char *list;
	struct chousa_buf names;

	if (verb != NULL)
		return verb;
	chousa_buf_init(&names, 0);
	cli_names_add(&names, self->verbs);
	list = names.data != NULL ? names.data : "";
	if (cli_optind >= argc)
		cli_usage_error(self, "%s?", list);
	cli_usage_error(self, "unknown action '%s' (%s)", argv[cli_optind],
	    list);
}

static int
run_token(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_buf said;
	struct chousa_store *st;
	const char *arg, *role = NULL, *expires = NULL, *verb;
	const char *grace = NULL, *from = NULL, *unused = NULL, *note = NULL;
	const char *state = NULL;
	unsigned states = 0;
	int c, json = 0, remote;
	long budget = -1, unused_for;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_ROLE)
			role = arg;
		else if (c == OPT_EXPIRES)
			expires = arg;
		else if (c == OPT_BUDGET)
			budget = budget_parse(self, arg);
		else if (c == OPT_GRACE)
			grace = arg;
		else if (c == OPT_ALLOW)
			from = arg;
		else if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_UNUSED)
			unused = arg;
		else if (c == OPT_STATE)
			state = arg;
		else if (c == OPT_NOTE)
			note = arg;
	verb = token_verb(self, argc, argv);
	/* The team server's tokens, only when --server asks it. */
	remote = cli_server_url(argc, argv) != NULL && g_opt.server != NULL;
	if (grace != NULL && strcmp(verb, "rotate") != 0)
		cli_usage_error(self, "--grace is for rotate");
	if (unused != NULL && strcmp(verb, "list") != 0)
		cli_usage_error(self, "--unused-for is for list");
	if (state != NULL && strcmp(verb, "list") != 0)
		cli_usage_error(self, "--state is for list");
	if (state != NULL && chousa_token_states_parse(state, &states,
	    &err) != CHOUSA_OK)
		cli_usage_error(self, "%s", err.msg);
	if (note != NULL && strcmp(verb, "create") != 0)
		cli_usage_error(self, "--note is for create (note NAME TEXT "
		    "changes a token's)");
	if (from != NULL && strcmp(verb, "create") != 0)
		cli_usage_error(self, "--allow-from is for create (allow NAME "
		    "LIST changes a token's)");
	if (strcmp(verb, "create") == 0) {
		if (argc - cli_optind != 2)
			cli_usage_error(self, "create takes one NAME");
		return create(self, argv[cli_optind + 1], role, expires,
		    budget, from, note, remote);
	}
	if (strcmp(verb, "allow") == 0) {
		if (argc - cli_optind != 3)
			cli_usage_error(self, "allow takes NAME and the "
			    "addresses (comma-separated, CIDR ranges too) or "
			    "'any'");
		if (remote)
			return cli_remote_token("allow", argv[cli_optind + 1],
			    NULL, NULL, -1, argv[cli_optind + 2], NULL);
		st = cli_open_store(0);
		if (chousa_token_set_allow(st, argv[cli_optind + 1],
		    argv[cli_optind + 2], &err) != CHOUSA_OK)
			cli_die_err(&err);
		chousa_store_close(st);
		return EXIT_CLEAN;
	}
	if (strcmp(verb, "note") == 0) {
		if (argc - cli_optind != 3)
			cli_usage_error(self, "note takes NAME and the text "
			    "(\"\" for none)");
		if (remote)
			return cli_remote_token("note", argv[cli_optind + 1],
			    NULL, NULL, -1, NULL, argv[cli_optind + 2]);
		st = cli_open_store(0);
		if (chousa_token_set_note(st, argv[cli_optind + 1],
		    argv[cli_optind + 2], &err) != CHOUSA_OK)
			cli_die_err(&err);
		chousa_store_close(st);
		return EXIT_CLEAN;
	}
	if (strcmp(verb, "rotate") == 0) {
		if (argc - cli_optind != 2)
			cli_usage_error(self, "rotate takes one NAME");
		if (role != NULL || budget != -1)
			cli_usage_error(self, "rotate keeps the token's role and "
			    "budget (token budget sets a budget; another role "
			    "needs revoke, then create)");
		return rotate(self, argv[cli_optind + 1], expires, grace !=
		    NULL ? grace : CHOUSA_TOKEN_GRACE_TEXT, remote);
	}
	if (strcmp(verb, "budget") == 0) {
		if (argc - cli_optind != 3)
			cli_usage_error(self, "budget takes NAME and N (0: no "
			    "limit) or 'default'");
		budget = budget_parse(self, argv[cli_optind + 2]);
		if (remote)
			return cli_remote_token("budget", argv[cli_optind + 1],
			    NULL, NULL, budget, NULL, NULL);
		st = cli_open_store(0);
		if (chousa_store_token_set_budget(st, argv[cli_optind + 1],
		    budget, &err) != CHOUSA_OK)
			cli_die_err(&err);
		chousa_store_close(st);
		return EXIT_CLEAN;
	}
	if (strcmp(verb, "list") == 0) {
		if (argc - cli_optind != 1)
			cli_usage_error(self, "list takes no argument");
		unused_for = unused != NULL ? duration_arg(self,
		    "unused-for", unused) : -1;
		if (remote)
			return cli_remote_token_list(json, unused, state);
		return list(json, unused_for, states);
	}
	/* revoke or readmit, the verbs left. */
	if (argc - cli_optind != 2)
		cli_usage_error(self, "%s takes one NAME", verb);
	if (remote)
		return cli_remote_token(verb, argv[cli_optind + 1], NULL,
		    NULL, -1, NULL, NULL);
	st = cli_open_store(0);
	if ((strcmp(verb, "revoke") == 0 ? chousa_store_token_revoke(st,
	    argv[cli_optind + 1], &err) : chousa_store_token_readmit(st,
	    argv[cli_optind + 1], &err)) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_store_close(st);
	if (!g_opt.quiet) {
		chousa_buf_init(&said, 0);
		chousa_token_ended_text(&said, argv[cli_optind + 1],
		    strcmp(verb, "readmit") == 0);
		cli_warn("%s", said.data != NULL ? said.data : "");
		chousa_buf_release(&said);
	}
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_token = {
	"token", "Create, rotate, list and revoke the team server's API tokens",
	"create --role ROLE [--expires DURATION] [--online-budget N] "
	"[--allow-from LIST] [--note TEXT] NAME | rotate [--grace DURATION] "
	"[--expires DURATION] NAME | list [--json] [--unused-for DURATION] "
	"[--state STATES] | "
	"budget NAME N|default | allow NAME LIST|any | note NAME TEXT | "
	"revoke NAME | readmit NAME",
	"Manage the tokens chousa serve accepts, in the store.  create prints "
	"a new token for NAME once (keep it: the store holds only its "
	"SHA-256); revoke makes NAME's token fail from the next request on; "
	"list shows each token's id (the audit log's token_id), name, role, "
	"end and state (valid, expired, revoked), each name's online "
	"requests spent today, and when and from which address the server "
	"last let each token in (or never), never a token: a token nobody "
	"has used for months is one to revoke (list --unused-for 90d lists "
	"only those).  A running server writes its "
	"tokens' uses to the store about once a minute and when it stops; "
	"through --server, list is current.  A token made with "
	"--expires is refused from its end on (401 'expired token', "
	"audited).  A name holds one valid token at a time: revoke it, or let "
	"it expire, before making another; or rotate it.  A user a single "
	"sign-on proxy signs in to the web page ([server] proxy_user_header) "
	"has, besides, a row of its own, named in lower case, which create "
	"and rotate leave alone and revoke ends with the rest; readmit lets "
	"that user in again (a bearer token revoked stays revoked, as it may "
	"have leaked).\n\n"
	"A note (create --note, or note NAME TEXT later; \"\" for none) says "
	"whose a token is and what for, so that whoever finds it unused "
	"knows whom to ask: one line of plain text, at most 200 bytes.\n\n"
	"rotate makes NAME a new token with the same role, budget, allowed "
	"addresses and note, printed "
	"once, and lets the one it replaces work for --grace more (default "
	CHOUSA_TOKEN_GRACE_TEXT "), so that a dashboard or a colleague can "
	"take the new "
	"one without a gap; the audit log's token_id tells which of the two "
	"each request came with.  Past the grace the old token is refused as "
	"expired; with --grace 0 it is revoked at once.\n\n"
	"Each name has a daily budget of online requests (UTC days): those "
	"its investigations send to VirusTotal and the other online services. "
	" Answers from the cache cost nothing, and one request shared by "
	"several analysts' jobs is charged once, to the first who asked and "
	"has budget left.  Past the budget, that name's investigations skip "
	"the online sources, saying why, until midnight UTC; offline "
	"answers go on.  budget sets NAME's (0: no limit; default: the "
	"server's [server] online_budget, itself no limit unless set), "
	"effective from the next request.\n\n"
	"A token made with --allow-from (or bound later by allow NAME LIST) "
	"is accepted only from those addresses and CIDR ranges: the client's "
	"own, or behind a proxy named in [server] trusted_proxies the one it "
	"forwards.  From anywhere else it is refused (401 'token not allowed "
	"from this address', audited with the address), so that a dashboard's "
	"token that leaks is of no use off its host.  allow NAME any lifts "
	"the binding; rotate keeps it.\n\n"
	"With --server URL (and an admin token), each action works on the "
	"team server's tokens, from any machine, and prints what it prints "
	"there; [server] url alone leaves them this machine's.",
	token_opts, run_token,
	"chousa token create --role read soc-dashboard\n"
	"chousa token create --role investigate --expires 90d alice\n"
	"chousa token rotate --grace 24h soc-dashboard\n"
	"chousa token budget alice 500\n"
	"chousa token create --role read --allow-from 10.20.0.0/16 grafana\n"
	"chousa token note grafana \"Grafana on mon-01, ask Bob\"\n"
	"chousa token revoke alice\n"
	"chousa --server https://chousa.example:8443 token list",
	token_verbs,
	NULL
};
