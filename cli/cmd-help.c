/*
 * cmd-help.c: `chousa help [COMMAND]`, `chousa help --man` (the man page,
 * made from the same option tables as --help), and `chousa version`.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_MAN = 256 };

static const struct cli_opt help_opts[] = {
	{ OPT_MAN, "man", NULL, "Print the chousa(1) man page in roff, "
	    "made from the same text as --help." },
	{ 0 }
};

static void
json_opts(struct chousa_buf *b, const struct cli_opt *o)
{
	size_t i;

	chousa_buf_addch(b, '[');
	for (i = 0; o != NULL && o[i].id != 0; i++) {
		chousa_buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
		chousa_esc_json_str(b, o[i].name);
		if (o[i].id < 256)
			chousa_buf_addf(b, ",\"short\":\"%c\"", o[i].id);
		chousa_buf_adds(b, ",\"arg\":");
		chousa_esc_json_str(b, o[i].arg);
		chousa_buf_adds(b, ",\"help\":");
		chousa_esc_json_str(b, cli_text(o[i].help));
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
}

static void
json_command(struct chousa_buf *b, const struct cli_cmd *c)
{
	chousa_buf_adds(b, "{\"name\":");
	chousa_esc_json_str(b, c->name);
	chousa_buf_adds(b, ",\"summary\":");
	chousa_esc_json_str(b, c->summary);
	chousa_buf_adds(b, ",\"usage\":");
	chousa_esc_json_str(b, c->usage);
	chousa_buf_adds(b, ",\"description\":");
	chousa_esc_json_str(b, cli_text(c->description));
	chousa_buf_adds(b, ",\"options\":");
	json_opts(b, c->opts);
	chousa_buf_addch(b, '}');
}

/* The tables --help prints, for tools: one object. */
static void
help_json(const struct cli_cmd *only)
{
	struct chousa_buf b;
	size_t i;

	chousa_buf_init(&b, 0);
	if (only != NULL)
		json_command(&b, only);
	else {
		chousa_buf_adds(&b, "{\"commands\":[");
		for (i = 0; cli_commands[i] != NULL; i++) {
			if (i)
				chousa_buf_addch(&b, ',');
			json_command(&b, cli_commands[i]);
		}
		chousa_buf_adds(&b, "],\"global_options\":");
		json_opts(&b, cli_global_opts);
		chousa_buf_adds(&b, ",\"exit_statuses\":[");
		for (i = 0; cli_exit_statuses[i].meaning != NULL; i++) {
			chousa_buf_addf(&b, "%s{\"status\":%d,\"meaning\":",
			    i ? "," : "", cli_exit_statuses[i].status);
			chousa_esc_json_str(&b, cli_exit_statuses[i].meaning);
			chousa_buf_addch(&b, '}');
		}
		chousa_buf_addch(&b, ']');
		chousa_buf_addch(&b, '}');
	}
	chousa_buf_addch(&b, '\n');
	cli_output(&b);
}

static int
run_help(const struct cli_cmd *self, int argc, char **argv)
{
	const struct cli_cmd *cmd = NULL;
	const char *arg;
	int c, man = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_MAN)
			man = 1;
	if (man) {
		cli_man(stdout);
		return EXIT_CLEAN;
	}
	if (cli_optind < argc) {
		cmd = cli_find_command(argv[cli_optind]);
		if (cmd == NULL)
			cli_unknown_name(self, "command", argv[cli_optind],
			    cli_command_names());
	}
	if (g_opt.json)
		help_json(cmd);
	else
		cli_help(cmd, stdout);
	return EXIT_CLEAN;
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
	struct chousa_library_versions v;
	const char *arg;

	if (argc > 1)
		while (cli_getopt(self, argc, argv, &arg) != -1)
			;
	chousa_library_versions(&v);
	if (g_opt.json) {
		struct chousa_buf b;

		chousa_buf_init(&b, 0);
		chousa_buf_adds(&b, "{\"version\":");
		chousa_esc_json_str(&b, CHOUSA_VERSION);
		chousa_buf_adds(&b, ",\"sqlite\":");
		chousa_esc_json_str(&b, v.sqlite);
		chousa_buf_adds(&b, ",\"curl\":");
		chousa_esc_json_str(&b, v.curl);
		chousa_buf_adds(&b, ",\"libpsl\":");
		chousa_esc_json_str(&b, v.libpsl);
		chousa_buf_adds(&b, ",\"libidn2\":");
		chousa_esc_json_str(&b, v.libidn2);
		chousa_buf_adds(&b, "}\n");
		cli_output(&b);
		return EXIT_CLEAN;
	}
	printf("chousa %s\n", CHOUSA_VERSION);
	if (g_opt.verbose || argc <= 1) {
		printf("sqlite %s, %s, libpsl %s, libidn2 %s\n",
		    v.sqlite, v.curl, v.libpsl, v.libidn2);
	}
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_version = {
	"version", "Print the version of chousa and its libraries", "",
	"Print chousa's version, then the versions of the libraries it runs "
	"with.",
	NULL, run_version, NULL
};
