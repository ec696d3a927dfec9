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
json_opts(struct chousa_jw *w, const struct cli_opt *o)
{
	size_t i;

	chousa_jw_array(w);
	for (i = 0; o != NULL && o[i].id != 0; i++) {
		char letter[2] = { (char)o[i].id, '\0' };

		chousa_jw_object(w);
		chousa_jw_kstr(w, "name", o[i].name);
		if (o[i].id < 256)
			chousa_jw_kstr(w, "short", letter);
		chousa_jw_kstr(w, "arg", o[i].arg);
		chousa_jw_kstr(w, "help", cli_text(o[i].help));
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

static void
json_command(struct chousa_jw *w, const struct cli_cmd *c)
{
	chousa_jw_object(w);
	chousa_jw_kstr(w, "name", c->name);
	chousa_jw_kstr(w, "summary", c->summary);
	chousa_jw_kstr(w, "usage", c->usage);
	chousa_jw_kstr(w, "description", cli_text(c->description));
	chousa_jw_key(w, "options");
	json_opts(w, c->opts);
	chousa_jw_object_end(w);
}

/* The tables --help prints, for tools: one object. */
static void
help_json(const struct cli_cmd *only)
{
	struct chousa_buf b;
	struct chousa_jw w;
	size_t i;

	chousa_buf_init(&b, 0);
	chousa_jw_init(&w, &b);
	if (only != NULL)
		json_command(&w, only);
	else {
		chousa_jw_object(&w);
		chousa_jw_key(&w, "commands");
		chousa_jw_array(&w);
		for (i = 0; cli_commands[i] != NULL; i++)
			json_command(&w, cli_commands[i]);
		chousa_jw_array_end(&w);
		chousa_jw_key(&w, "global_options");
		json_opts(&w, cli_global_opts);
		chousa_jw_key(&w, "exit_statuses");
		chousa_jw_array(&w);
		for (i = 0; cli_exit_statuses[i].meaning != NULL; i++) {
			chousa_jw_object(&w);
			chousa_jw_kint(&w, "status",
			    cli_exit_statuses[i].status);
			chousa_jw_kstr(&w, "meaning",
			    cli_exit_statuses[i].meaning);
			chousa_jw_object_end(&w);
		}
		chousa_jw_array_end(&w);
		chousa_jw_object_end(&w);
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
	"chousa help --man | man -l -",
	NULL,
	NULL
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
		struct chousa_jw w;

		chousa_buf_init(&b, 0);
		chousa_jw_init(&w, &b);
		chousa_jw_object(&w);
		chousa_jw_kstr(&w, "version", CHOUSA_VERSION);
		chousa_jw_kstr(&w, "sqlite", v.sqlite);
		chousa_jw_kstr(&w, "curl", v.curl);
		chousa_jw_kstr(&w, "libpsl", v.libpsl);
		chousa_jw_kstr(&w, "libidn2", v.libidn2);
		chousa_jw_object_end(&w);
		chousa_buf_addch(&b, '\n');
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
	NULL, run_version, NULL,
	NULL,
	NULL
};
