/*
 * main.c: the subcommand table and dispatch (after git.c's commands[]).
 * Global options may stand before the command; each command parses the
 * rest with its own option table (cli/opt.c).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

extern const struct cli_cmd cmd_help, cmd_version;
extern const struct cli_cmd cmd_extract, cmd_parse, cmd_refang, cmd_defang;
extern const struct cli_cmd cmd_investigate;
extern const struct cli_cmd cmd_import, cmd_lookup, cmd_db, cmd_update;
extern const struct cli_cmd cmd_sources, cmd_cache;
extern const struct cli_cmd cmd_sweep;
extern const struct cli_cmd cmd_serve, cmd_token, cmd_mcp;

/* Every command, in the order --help lists them. */
const struct cli_cmd *const cli_commands[] = {
	&cmd_help,
	&cmd_version,
	&cmd_extract,
	&cmd_parse,
	&cmd_refang,
	&cmd_defang,
	&cmd_investigate,
	&cmd_import,
	&cmd_lookup,
	&cmd_db,
	&cmd_update,
	&cmd_sources,
	&cmd_cache,
	&cmd_sweep,
	&cmd_serve,
	&cmd_token,
	&cmd_mcp,
	NULL
};

static const struct cli_cmd *
find_command(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i] != NULL; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

/* Take one global option at argv[*i]; 0 when argv[*i] is not one. */
static int
take_global(int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char **slot = NULL;
	size_t n = 0;

	if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
		g_opt.quiet = 1;
		return 1;
	}
	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		g_opt.verbose++;
		return 1;
	}
	if (strcmp(a, "--no-color") == 0) {
		g_opt.color = 0;
		return 1;
	}
	if (strncmp(a, "--color=", 8) == 0) {
		g_opt.color = strcmp(a + 8, "always") == 0 ? 1 :
		    strcmp(a + 8, "never") == 0 ? 0 : -1;
		return 1;
	}
	if (strncmp(a, "--db", 4) == 0) {
		slot = &g_opt.db;
		n = 4;
	} else if (strncmp(a, "--config", 8) == 0) {
		slot = &g_opt.config;
		n = 8;
	} else if (strncmp(a, "--server", 8) == 0) {
		slot = &g_opt.server;
		n = 8;
	}
	if (slot == NULL)
		return 0;
	if (a[n] == '=') {
		*slot = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		cli_usage_error(NULL, "option '%s' needs a value", a);
	*slot = argv[++*i];
	return 1;
}

int
main(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int i = 1;

	/* A closed pipe (chousa ... | head) ends output quietly. */
	signal(SIGPIPE, SIG_IGN);
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cli_help(NULL, stdout);
			return EXIT_CLEAN;
		}
		if (strcmp(argv[i], "--version") == 0 ||
		    strcmp(argv[i], "-V") == 0)
			return cmd_version.run(&cmd_version, 1, argv);
		if (!take_global(argc, argv, &i))
			cli_usage_error(NULL, "unknown option '%s'", argv[i]);
		i++;
	}
	if (i >= argc) {
		cli_help(NULL, stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (cmd == NULL)
		cli_usage_error(NULL, "unknown command '%s'", argv[i]);
	return cmd->run(cmd, argc - i, argv + i);
}
