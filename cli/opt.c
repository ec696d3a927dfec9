/*
 * opt.c: one option table per command makes the getopt_long parser, the
 * --help text and the man page.  Global options (--db, --config, -q, -v,
 * --color) are accepted before or after the command name.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_global g_opt = { NULL, NULL, 0, 0, -1, NULL };
int cli_optind = 1;

enum { OPT_DB = 1000, OPT_CONFIG, OPT_COLOR, OPT_NO_COLOR, OPT_HELP, OPT_SERVER };

static const struct cli_opt global_opts[] = {
	{ OPT_DB, "db", "PATH", "Use the store at PATH (default "
	    "$CHOUSA_DB, else $XDG_DATA_HOME/chousa/chousa.db)." },
	{ OPT_CONFIG, "config", "PATH", "Read the config from PATH "
	    "(default $CHOUSA_CONFIG, else $XDG_CONFIG_HOME/chousa/config)." },
	{ 'q', "quiet", NULL, "Print no progress and no summaries on "
	    "stderr; errors still go there." },
	{ 'v', "verbose", NULL, "Say more on stderr: skipped rows, sources "
	    "asked, timings.  Give twice for more." },
	{ OPT_COLOR, "color", "WHEN", "Colour output: auto (on a TTY, unless "
	    "NO_COLOR is set), always or never." },
	{ OPT_NO_COLOR, "no-color", NULL, "The same as --color=never." },
	{ OPT_SERVER, "server", "URL", "Ask the team server at URL (chousa "
	    "serve) instead of the local store and keys: investigate, lookup, "
	    "extract and sources print the same output and end with the same "
	    "status.  Also [server] url or CHOUSA_SERVER_URL; the token is "
	    "[server] api_key or CHOUSA_SERVER_KEY." },
	{ OPT_HELP, "help", NULL, "Print this help and exit." },
	{ 0 }
};

static size_t
count_opts(const struct cli_opt *o)
{
	size_t n = 0;

	while (o != NULL && o[n].id != 0)
		n++;
	return n;
}

static const struct cli_opt *
find_opt(const struct cli_cmd *cmd, int id)
{
	size_t i;

	for (i = 0; cmd->opts != NULL && cmd->opts[i].id != 0; i++)
		if (cmd->opts[i].id == id)
			return &cmd->opts[i];
	return NULL;
}

/* Append the options of o to the long table and the short string. */
static void
add_opts(const struct cli_opt *o, struct option *lo, size_t *n_lo,
    char *so, size_t *n_so)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++) {
		lo[*n_lo].name = o[i].name;
		lo[*n_lo].has_arg = o[i].arg ? required_argument : no_argument;
		lo[*n_lo].flag = NULL;
		lo[*n_lo].val = o[i].id;
		(*n_lo)++;
		if (o[i].id < 256) {
			so[(*n_so)++] = (char)o[i].id;
			if (o[i].arg)
				so[(*n_so)++] = ':';
		}
	}
}

int
cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
    const char **arg)
{
	static const struct cli_cmd *built_for;
	static struct option *lo;
	static char *so;
	int c;

	if (built_for != cmd) {
		size_t n = count_opts(cmd->opts) + count_opts(global_opts) + 1;
		size_t n_lo = 0, n_so = 0;

		free(lo);
		free(so);
		lo = xmalloc(n * sizeof(*lo));
		so = xmalloc(3 * n + 2);
		/* ':' first: report a missing value apart from a bad
		 * option.  GNU permutation lets options follow operands. */
		so[n_so++] = ':';
		add_opts(cmd->opts, lo, &n_lo, so, &n_so);
		add_opts(global_opts, lo, &n_lo, so, &n_so);
		memset(&lo[n_lo], 0, sizeof(lo[n_lo]));
		so[n_so] = '\0';
		built_for = cmd;
		optind = 1;
		opterr = 0;
	}
	for (;;) {
		c = getopt_long(argc, argv, so, lo, NULL);
		cli_optind = optind;
		*arg = optarg;
		switch (c) {
		case -1:
			return -1;
		case ':':
			cli_usage_error(cmd, "option '%s' needs a value",
			    argv[optind - 1]);
		case '?':
			if (optopt != 0 && optopt < 256)
				cli_usage_error(cmd, "unknown option '-%c'",
				    optopt);
			cli_usage_error(cmd, "unknown option '%s'",
			    argv[optind - 1]);
		case OPT_DB:
			g_opt.db = optarg;
			continue;
		case OPT_CONFIG:
			g_opt.config = optarg;
			continue;
		case OPT_SERVER:
			g_opt.server = optarg;
			continue;
		case 'q':
			if (find_opt(cmd, 'q') != NULL)
				return c;
			g_opt.quiet = 1;
			continue;
		case 'v':
			if (find_opt(cmd, 'v') != NULL)
				return c;
			g_opt.verbose++;
			continue;
		case OPT_COLOR:
			if (strcmp(optarg, "always") == 0)
				g_opt.color = 1;
			else if (strcmp(optarg, "never") == 0)
				g_opt.color = 0;
			else if (strcmp(optarg, "auto") == 0)
				g_opt.color = -1;
			else
				cli_usage_error(cmd, "--color takes auto, "
				    "always or never, not '%s'", optarg);
			continue;
		case OPT_NO_COLOR:
			g_opt.color = 0;
			continue;
		case OPT_HELP:
			cli_help(cmd, stdout);
			exit(EXIT_CLEAN);
		default:
			return c;
		}
	}
}

/* ---- help ---- */

/* Write text wrapped at width, every line indented by indent spaces. */
static void
wrap(FILE *fp, const char *text, int indent, int width)
{
	const char *p = text;
	int col = 0;

	while (*p != '\0') {
		const char *w = p;
		int len;

		if (*p == '\n') {
			fputc('\n', fp);
			col = 0;
			p++;
			continue;
		}
		while (*w != '\0' && *w != ' ' && *w != '\n')
			w++;
		len = (int)(w - p);
		if (col > indent && col + 1 + len > width) {
			fputc('\n', fp);
			col = 0;
		}
		if (col == 0) {
			fprintf(fp, "%*s", indent, "");
			col = indent;
		} else {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, (size_t)len, fp);
		col += len;
		p = w;
		while (*p == ' ')
			p++;
	}
	if (col > 0)
		fputc('\n', fp);
}

static void
help_opts(FILE *fp, const struct cli_opt *o)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++) {
		char head[96];

		if (o[i].id < 256)
			snprintf(head, sizeof(head), "  -%c, --%s%s%s",
			    o[i].id, o[i].name, o[i].arg ? " " : "",
			    o[i].arg ? o[i].arg : "");
		else
			snprintf(head, sizeof(head), "      --%s%s%s",
			    o[i].name, o[i].arg ? " " : "",
			    o[i].arg ? o[i].arg : "");
		fprintf(fp, "%s\n", head);
		wrap(fp, o[i].help, 10, 79);
	}
}

void
cli_help(const struct cli_cmd *cmd, FILE *fp)
{
	size_t i;

	if (cmd == NULL) {
		fprintf(fp, "usage: chousa [global options] <command> "
		    "[options] [arguments]\n\n"
		    "chousa investigates a suspicious communication (an IP, "
		    "a domain, a URL, or a\nfile hash): was it caused by "
		    "malware, and by which family?\n\nCommands:\n");
		for (i = 0; cli_commands[i] != NULL; i++)
			fprintf(fp, "  %-12s %s\n", cli_commands[i]->name,
			    cli_commands[i]->summary);
		fprintf(fp, "\nGlobal options:\n");
		help_opts(fp, global_opts);
		fprintf(fp, "\nExit status: 0 nothing malicious, 1 "
		    "malicious or suspicious found, 2 usage,\n3 bad input, "
		    "4 network or source failure, 5 internal error.\n"
		    "\n'chousa <command> --help' describes a command; "
		    "'man chousa' has it all.\n");
		return;
	}
	fprintf(fp, "usage: chousa %s %s\n\n", cmd->name, cmd->usage);
	wrap(fp, cmd->description, 0, 79);
	if (count_opts(cmd->opts) > 0) {
		fprintf(fp, "\nOptions:\n");
		help_opts(fp, cmd->opts);
	}
	if (cmd->examples != NULL) {
		fprintf(fp, "\nExamples:\n");
		wrap(fp, cmd->examples, 2, 200);
	}
	fprintf(fp, "\nGlobal options (--db, --config, -q, -v, --color) "
	    "also apply; see 'chousa --help'.\n");
}

/* ---- man page ---- */

/* Roff-escape: backslashes, and a leading dot or quote. */
static void
roff(FILE *fp, const char *s)
{
	int bol = 1;

	for (; *s != '\0'; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", fp);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", fp);
		else if (*s == '-')
			fputs("\\-", fp);
		else if (*s == '\n' && s[1] == '\n') {
			fputs("\n.PP\n", fp);
			s++;
			bol = 1;
		} else
			fputc(*s, fp);
	}
}

static void
man_opts(FILE *fp, const struct cli_opt *o)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++) {
		fputs(".TP\n", fp);
		if (o[i].id < 256)
			fprintf(fp, "\\fB\\-%c\\fR, ", o[i].id);
		fputs("\\fB\\-\\-", fp);
		roff(fp, o[i].name);
		fputs("\\fR", fp);
		if (o[i].arg) {
			fputs(" \\fI", fp);
			roff(fp, o[i].arg);
			fputs("\\fR", fp);
		}
		fputc('\n', fp);
		roff(fp, o[i].help);
		fputc('\n', fp);
	}
}

void
cli_man(FILE *fp)
{
	size_t i;

	fprintf(fp, ".TH CHOUSA 1 \"\" \"chousa %s\" \"User Commands\"\n",
	    CHOUSA_VERSION);
	fputs(".SH NAME\nchousa \\- investigate suspicious communications: "
	    "was it malware, and which family?\n"
	    ".SH SYNOPSIS\n\\fBchousa\\fR [\\fIglobal options\\fR] "
	    "\\fIcommand\\fR [\\fIoptions\\fR] [\\fIarguments\\fR]\n"
	    ".SH DESCRIPTION\n"
	    "chousa answers one question about an IP address, a domain, a "
	    "URL or a file hash seen in a suspicious communication: was it "
	    "caused by malware, and by which family?  It follows the three "
	    "stages an analyst follows by hand (reputation, identification, "
	    "enrichment) over local copies of the open feeds kept in SQLite "
	    "and, when API keys are given, online services, and writes a "
	    "conclusion with the source of every hop.\n"
	    ".SH COMMANDS\n", fp);
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_cmd *c = cli_commands[i];

		fprintf(fp, ".SS \"chousa %s ", c->name);
		roff(fp, c->usage);
		fputs("\"\n", fp);
		roff(fp, c->description);
		fputc('\n', fp);
		man_opts(fp, c->opts);
		if (c->examples != NULL) {
			fputs(".PP\nExamples:\n.nf\n", fp);
			roff(fp, c->examples);
			fputs("\n.fi\n", fp);
		}
	}
	fputs(".SH GLOBAL OPTIONS\n", fp);
	man_opts(fp, global_opts);
	fputs(".SH EXIT STATUS\n"
	    ".TP\n0\nDone, and nothing malicious was found.\n"
	    ".TP\n1\nDone, and something malicious or suspicious was found "
	    "(investigate, lookup, sweep).\n"
	    ".TP\n2\nUsage error.\n"
	    ".TP\n3\nBad input: a file, feed or indicator that cannot be "
	    "read.\n"
	    ".TP\n4\nA network or source failure left no result.\n"
	    ".TP\n5\nInternal error.\n"
	    ".PP\nWhen the reader of standard output goes away (chousa ... | "
	    "head), chousa stops and ends as SIGPIPE ends a program, quietly: "
	    "status 141 in a shell, never 0.\n"
	    ".SH ENVIRONMENT\n"
	    ".TP\nCHOUSA_DB\nThe store, as \\-\\-db.\n"
	    ".TP\nCHOUSA_CONFIG\nThe config file, as \\-\\-config.\n"
	    ".TP\nCHOUSA_\\fISOURCE\\fR_KEY, CHOUSA_\\fISOURCE\\fR_URL\n"
	    "A source's API key and base URL, over the config.\n"
	    ".TP\nNO_COLOR\nNever colour output.\n"
	    ".TP\nHTTPS_PROXY\nThe proxy for online sources and updates.\n"
	    ".SH FILES\n"
	    ".TP\n$XDG_DATA_HOME/chousa/chousa.db\nThe store.\n"
	    ".TP\n$XDG_CONFIG_HOME/chousa/config\nThe INI config: one "
	    "section per source with api_key, base_url, rate, daily, ttl, "
	    "enabled; [feeds] with each feed's location.  It must not be "
	    "readable by others when it holds keys.\n"
	    ".SH SEE ALSO\nsqlite3(1)\n", fp);
}
