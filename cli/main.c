/*
 * main.c: the subcommand table and dispatch (after git.c's commands[]).
 * Global options may stand before the command; each command parses the
 * rest with its own option table (cli/opt.c).  A command name that names
 * nothing gets the one meant, when it is close.  Start-up composes the
 * library's settings table: base's rows and the feed table's.
 */
#include <signal.h>

#include "cli.h"

extern const struct cli_cmd cmd_help, cmd_version;
extern const struct cli_cmd cmd_extract, cmd_parse, cmd_refang, cmd_defang;
extern const struct cli_cmd cmd_investigate;
extern const struct cli_cmd cmd_import, cmd_lookup, cmd_db, cmd_update;
extern const struct cli_cmd cmd_sources, cmd_cache;
extern const struct cli_cmd cmd_sweep;
extern const struct cli_cmd cmd_export;
extern const struct cli_cmd cmd_config, cmd_completion;
extern const struct cli_cmd cmd_serve, cmd_token, cmd_audit, cmd_mcp;

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
	&cmd_export,
	&cmd_config,
	&cmd_completion,
	&cmd_serve,
	&cmd_token,
	&cmd_audit,
	&cmd_mcp,
	NULL
};

int
main(int argc, char **argv)
{
	const struct chousa_config_key *keys;
	const struct chousa_config_value_check *checks;
	const struct cli_cmd *cmd;
	size_t n_keys;
	int i, status;

	/* A closed pipe (chousa ... | head) ends output quietly. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * The feeds' settings join base's before any config is read, and so
	 * do the server's checks of the values it refuses.
	 */
	keys = chousa_feed_config_keys(&n_keys);
	if (chousa_config_add_keys(keys, n_keys) != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "the settings table is full");
	checks = chousa_serve_config_checks(&n_keys);
	if (chousa_config_add_checks(checks, n_keys) != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "the settings' checks are too many");
	i = cli_global_options(argc, argv);
	if (i >= argc) {
		cli_help(NULL, stderr);
		return EXIT_USAGE;
	}
	cmd = cli_find_command(argv[i]);
	if (cmd == NULL)
		cli_unknown_name(NULL, "command", argv[i],
		    cli_command_names());
	else
		cli_server_only_remote(cmd, argc - i, argv + i);
	status = cmd->run(cmd, argc - i, argv + i);
	/* Ctrl-C came while the last step committed: it was kept. */
	if (cli_interrupted()) {
		cli_warn("interrupted: the step under way had already "
		    "finished, as reported above");
		return EXIT_INTERRUPTED;
	}
	return status;
}
