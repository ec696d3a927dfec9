/*
 * cmd-help.c: `chousa help [COMMAND]`, `chousa help --man` (the man page,
 * made from the same option tables as --help), and `chousa version`.
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <sqlite3.h>
#include <libpsl.h>
#include <idn2.h>

#include "cli.h"

enum { OPT_MAN = 256 };

static const struct cli_opt help_opts[] = {
	{ OPT_MAN, "man", NULL, "Print the chousa(1) man page in roff, "
	    "made from the same text as --help." },
	{ 0 }
};

static int
run_help(const struct cli_cmd *self, int argc, char **argv)
{
	const char *arg;
	int c, man = 0;
	size_t i;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_MAN)
			man = 1;
	if (man) {
		cli_man(stdout);
		return EXIT_CLEAN;
	}
	if (cli_optind >= argc) {
		cli_help(NULL, stdout);
		return EXIT_CLEAN;
	}
	for (i = 0; cli_commands[i] != NULL; i++)
		if (strcmp(cli_commands[i]->name, argv[cli_optind]) == 0) {
			cli_help(cli_commands[i], stdout);
			return EXIT_CLEAN;
		}
	cli_usage_error(self, "unknown command '%s'", argv[cli_optind]);
}

const struct cli_cmd cmd_help = {
	"help", "Describe chousa or one of its commands", "[--man] [COMMAND]",
	"Print the list of commands, one command's help, or with --man the "
	"whole manual page.",
	help_opts, run_help, "chousa help investigate\n"
	"chousa help --man | man -l -"
};

static int
run_version(const struct cli_cmd *self, int argc, char **argv)
{
	const char *arg;

	if (argc > 1)
		while (cli_getopt(self, argc, argv, &arg) != -1)
			;
	printf("chousa %s\n", CHOUSA_VERSION);
	if (g_opt.verbose || argc <= 1) {
		printf("sqlite %s, %s, libpsl %s, libidn2 %s\n",
		    sqlite3_libversion(), curl_version(),
		    psl_get_version(), idn2_check_version(NULL));
	}
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_version = {
	"version", "Print the version of chousa and its libraries", "",
	"Print chousa's version, then the versions of the libraries it runs "
	"with.",
	NULL, run_version, NULL
};
