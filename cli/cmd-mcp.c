/*
 * cmd-mcp.c: `chousa mcp`: the Model Context Protocol over stdio, for an
 * agent that starts chousa itself (src/serve/mcp.c holds the tools, the
 * same as chousa serve offers at /mcp).
 */
#include <unistd.h>

#include "cli.h"

enum { OPT_ONLINE = 256 };

static const struct cli_opt mcp_opts[] = {
	{ OPT_ONLINE, "online", NULL, "Let the investigate tool ask the online "
	    "services when a call says online = true (it spends this user's "
	    "keys and quota).  Without it every tool reads the store only." },
	{ 0 }
};

static int
run_mcp(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_config *cfg;
	struct chousa_store *st;
	const char *arg;
	int c, online = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_ONLINE)
			online = 1;
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	cfg = cli_load_config();
	/* --online writes (the cache), so may migrate: said before serving. */
	if (online && access(cli_db_path(), F_OK) == 0 &&
	    chousa_store_open_wait(&st, cli_db_path(), CHOUSA_STORE_NOCREATE,
	    cli_store_wait_ms(), NULL) == CHOUSA_OK) {
		cli_store_migrated(st);
		chousa_store_close(st);
	}
	if (chousa_mcp_stdio(cli_db_path(), cfg, online, STDIN_FILENO,
	    STDOUT_FILENO, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_config_free(cfg);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_mcp = {
	"mcp", "Answer an agent over the Model Context Protocol (stdio)",
	"[--online]",
	"Speak the Model Context Protocol (JSON-RPC 2.0, one message a line) "
	"on standard input and output until input ends, for an agent that "
	"runs chousa as a tool server.  Five read-only tools: investigate "
	"(indicators or a text), lookup, extract, sweep (a log's lines "
	"against the store) and sources, each with a JSON schema for its "
	"arguments and its result.  Every string that came from "
	"a feed, a service or the input is returned as data in "
	"structuredContent.untrusted_data, marked untrusted, and never in the "
	"text meant for the model, so feed text cannot pose as instructions.  "
	"A call's arguments are checked against its tool's schema: one the "
	"tool does not take, or of another type, is refused as a tool error "
	"that names the argument and what it takes (null reads as not "
	"given); an error's text never repeats a value given, which is "
	"returned as data in structuredContent.untrusted_data.  "
	"A session that agreed on a protocol version before 2025-06-18 "
	"(which have no structuredContent) gets the same structured result "
	"as an embedded resource too (chousa:result/TOOL, application/json).  "
	"A message is at most 16 MiB: a longer line is read past, answered "
	"with an error (id null) and the session goes on; send a large log "
	"in parts.  "
	"chousa serve offers the same tools at /mcp over HTTP, where the "
	"token's role decides whether investigate may go online.",
	mcp_opts, run_mcp,
	"chousa mcp\n"
	"claude mcp add chousa -- chousa mcp",
	NULL,
	NULL
};
