/*
 * opt.c: one option table per command makes the getopt_long parser, the
 * --help text, the man page and the shell completions.  Global options
 * (--db, --config, --wait, --json, -q, -v, --color, -h) are accepted
 * before or after the command name; what goes wrong is said the same way
 * for every command, with the option meant when it can be told.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct cli_global g_opt = { NULL, NULL, 0, 0, -1, 0, -1, NULL };
int cli_optind = 1;

enum {
	OPT_DB = 1000, OPT_CONFIG, OPT_COLOR, OPT_NO_COLOR, OPT_JSON,
	OPT_WAIT, OPT_SERVER, OPT_HELP = 'h', OPT_VERSION = 'V'
};

const struct cli_exit_status cli_exit_statuses[] = {
	{ EXIT_CLEAN, "done, and nothing malicious was found" },
	{ EXIT_FOUND, "done, and something malicious or suspicious was "
	    "found (investigate, sweep); for lookup, something malicious" },
	{ EXIT_USAGE, "usage error: an unknown command, option, format or "
	    "source name, or a missing argument" },
	{ EXIT_BADINPUT, "bad input: a file, feed, indicator or config that "
	    "cannot be read, or a token the team server refuses; also a "
	    "store that cannot be written (a full disk, a file not this "
	    "user's), which the message names; with --server, the team "
	    "server's store or its room for an upload (HTTP 507)" },
	{ EXIT_SOURCE, "a network or source failure left no result (never "
	    "the store's own failure)" },
	{ EXIT_INTERNAL, "internal error" },
	{ EXIT_BUSY, "the store stayed busy (another chousa was writing to "
	    "it) for longer than --wait" },
	{ EXIT_INTERRUPTED, "interrupted (Ctrl-C); a store being written to "
	    "is left as it was" },
	{ 0, NULL }
};

const struct cli_opt cli_global_opts[] = {
	{ OPT_DB, "db", "PATH", "Use the store at PATH (default "
	    "$CHOUSA_DB, else $XDG_DATA_HOME/chousa/chousa.db)." },
	{ OPT_CONFIG, "config", "PATH", "Read the config from PATH "
	    "(default $CHOUSA_CONFIG, else $XDG_CONFIG_HOME/chousa/config)." },
	{ OPT_WAIT, "wait", "SECONDS", "When another chousa is writing to "
	    "the store, wait up to SECONDS for it (default 10; 0 fails at "
	    "once); then give up with status 6." },
	{ OPT_JSON, "json", NULL, "Print the result as JSON on stdout.  A "
	    "command with a --json of its own says what it prints; import and "
	    "update print one object per file (source, file, state: "
	    "imported, not_modified or failed, the counts or the error), "
	    "refang and defang one JSON string per line, help and version "
	    "one object." },
	{ 'q', "quiet", NULL, "Print no progress and no summaries on "
	    "stderr; errors and warnings still go there." },
	{ 'v', "verbose", NULL, "Say more on stderr: skipped rows, sources "
	    "asked, the first bytes of an answer a source could not read, "
	    "timings.  Give twice (-vv) for more." },
	{ OPT_COLOR, "color", "WHEN", "Colour output: auto (on a TTY, unless "
	    "NO_COLOR is set), always or never." },
	{ OPT_NO_COLOR, "no-color", NULL, "The same as --color=never." },
	{ OPT_SERVER, "server", "URL", "Ask the team server at URL (chousa "
	    "serve) instead of the local store and keys: investigate, lookup, "
	    "extract and sources print the same output and end with the same "
	    "status (a request holds at most 1000 indicators: lookup asks for "
	    "more in pieces and joins them, investigate refuses more); sweep "
	    "uploads its one FILE (or -) as it reads it, and "
	    "prints the server's hits and summary; export writes the "
	    "server's store where it would write this machine's.  With an "
	    "admin token, import, update and token act on the server's store "
	    "(only with --server itself, never from [server] url alone).  "
	    "Also [server] url or CHOUSA_SERVER_URL; the token is [server] "
	    "api_key or CHOUSA_SERVER_KEY.  A request ends after [server] "
	    "timeout seconds (600) with nothing sent or received (exit 4).  "
	    "The commands that work on this "
	    "machine's store only (db, cache, serve, mcp) refuse --server "
	    "rather than answer from the local store." },
	{ OPT_HELP, "help", NULL, "Print the help of chousa or of the "
	    "command, and exit." },
	{ 0 }
};

/*
 * The values of the global options that take one of a list of words: the
 * parser takes these and completion offers them.  --color's words set
 * g_opt.color to the value of the same index.
 */
static const char *const color_words[] = { "auto", "always", "never", NULL };
static const int color_values[] = { -1, 1, 0 };

static const struct opt_words {
	int			 id;
	const char *const	*words;
} opt_words[] = {
	{ OPT_COLOR, color_words },
};

#define N_OPT_WORDS	(sizeof(opt_words) / sizeof(opt_words[0]))

/* Before the command name only. */
static const struct cli_opt main_opts[] = {
	{ OPT_VERSION, "version", NULL, "Print the version and exit." },
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
find_opt(const struct cli_opt *o, int id)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++)
		if (o[i].id == id)
			return &o[i];
	return NULL;
}

static const struct cli_opt *
find_long(const struct cli_opt *o, const char *name, size_t len)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++)
		if (strlen(o[i].name) == len &&
		    strncmp(o[i].name, name, len) == 0)
			return &o[i];
	return NULL;
}

/*
 * The parser's tables for one command: its options, then the global ones
 * it does not define itself (a command's own --json wins).
 */
struct parser {
	const struct cli_cmd	*cmd;
	const struct cli_opt	*own;
	const struct cli_opt	*extra;		/* main_opts, or NULL */
	struct option		*lo;
	const char		**names;	/* "--name", for suggestions */
	char			*so;
};

static int
shadowed(const struct parser *p, const struct cli_opt *o)
{
	return p->own != cli_global_opts &&
	    (find_long(p->own, o->name, strlen(o->name)) != NULL ||
	    (o->id < 256 && find_opt(p->own, o->id) != NULL));
}

static void
add_opts(struct parser *p, const struct cli_opt *o, size_t *n_lo,
    size_t *n_so, int is_global)
{
	size_t i;

	for (i = 0; o != NULL && o[i].id != 0; i++) {
		if (is_global && shadowed(p, &o[i]))
			continue;
		p->lo[*n_lo].name = o[i].name;
		p->lo[*n_lo].has_arg = o[i].arg ? required_argument :
		    no_argument;
		p->lo[*n_lo].flag = NULL;
		p->lo[*n_lo].val = o[i].id;
		p->names[*n_lo] = o[i].name;
		(*n_lo)++;
		if (o[i].id < 256) {
			p->so[(*n_so)++] = (char)o[i].id;
			if (o[i].arg)
				p->so[(*n_so)++] = ':';
		}
	}
}

/* The tables for cmd (NULL: before the command); freed by the next. */
static void
parser_build(struct parser *p, const struct cli_cmd *cmd)
{
	size_t n, n_lo = 0, n_so = 0;

	free(p->lo);
	free(p->so);
	free(p->names);
	p->cmd = cmd;
	p->own = cmd != NULL ? cmd->opts : cli_global_opts;
	p->extra = cmd != NULL ? NULL : main_opts;
	n = count_opts(p->own) + count_opts(cli_global_opts) +
	    count_opts(p->extra) + 1;
	p->lo = xmalloc(n * sizeof(*p->lo));
	p->names = xmalloc(n * sizeof(*p->names));
	p->so = xmalloc(3 * n + 3);
	/*
	 * ':' first: report a missing value apart from a bad option.  Before
	 * the command, '+' stops at its name; after it, GNU permutation lets
	 * options follow operands.
	 */
	if (cmd == NULL)
		p->so[n_so++] = '+';
	p->so[n_so++] = ':';
	add_opts(p, p->own, &n_lo, &n_so, 0);
	if (cmd != NULL)
		add_opts(p, cli_global_opts, &n_lo, &n_so, 1);
	add_opts(p, p->extra, &n_lo, &n_so, 0);
	memset(&p->lo[n_lo], 0, sizeof(p->lo[n_lo]));
	p->names[n_lo] = NULL;
	p->so[n_so] = '\0';
}

static const struct option *
parser_long(const struct parser *p, const char *name, size_t len)
{
	size_t i;

	for (i = 0; p->lo[i].name != NULL; i++)
		if (strlen(p->lo[i].name) == len &&
		    strncmp(p->lo[i].name, name, len) == 0)
			return &p->lo[i];
	return NULL;
}

static const struct option *
parser_short(const struct parser *p, int c)
{
	size_t i;

	for (i = 0; p->lo[i].name != NULL; i++)
		if (p->lo[i].val == c)
			return &p->lo[i];
	return NULL;
}

/* "unknown option" with what was meant, or "ambiguous" with the choices. */
static _Noreturn void
bad_long_option(const struct parser *p, const char *arg)
{
	const char *name = arg + 2, *eq = strchr(name, '='), *near;
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name), i, n = 0;
	char word[64], choices[256] = "";

	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, name, len);
	word[len] = '\0';
	for (i = 0; p->names[i] != NULL; i++)
		if (len > 0 && strncmp(p->names[i], word, len) == 0) {
			size_t used = strlen(choices);

			snprintf(choices + used, sizeof(choices) - used,
			    "%s--%s", n++ ? ", " : "", p->names[i]);
		}
	if (n > 1)
		cli_usage_error(p->cmd, "option '--%s' is ambiguous: %s", word,
		    choices);
	near = chousa_suggest(word, p->names);
	if (near != NULL)
		cli_usage_error(p->cmd, "unknown option '--%s'; did you mean "
		    "'--%s'?", word, near);
	cli_usage_error(p->cmd, "unknown option '--%s'", word);
}

/*
 * "-format json" would be read as -f with the value "ormat": refuse a
 * single-dash word that names a long option (or nearly does, where its
 * first letter takes a value), and say which was meant.
 */
static void
refuse_single_dash(const struct parser *p, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *near;
		const struct option *o;
		size_t len;

		if (strcmp(a, "--") == 0)
			return;
		if (p->cmd == NULL && a[0] != '-')
			return;		/* the command name */
		if (a[0] != '-' || a[1] == '\0')
			continue;
		if (a[1] == '-') {
			o = parser_long(p, a + 2, strcspn(a + 2, "="));
			if (o != NULL && o->has_arg && strchr(a, '=') == NULL)
				i++;	/* its value */
			continue;
		}
		eq = strchr(a + 1, '=');
		len = eq != NULL ? (size_t)(eq - a - 1) : strlen(a + 1);
		o = parser_short(p, (unsigned char)a[1]);
		if (len >= 2 && parser_long(p, a + 1, len) != NULL)
			cli_usage_error(p->cmd, "unknown option '%.*s'; did "
			    "you mean '--%.*s'?", (int)len + 1, a, (int)len,
			    a + 1);
		if (len >= 3 && o != NULL && o->has_arg && eq == NULL) {
			char word[64];

			snprintf(word, sizeof(word), "%s", a + 1);
			near = chousa_suggest(word, p->names);
			if (near != NULL && strlen(near) >= 3)
				cli_usage_error(p->cmd, "unknown option '%s'; "
				    "did you mean '--%s'?  (for -%c with a "
				    "value, write '-%c %s')", a, near, a[1],
				    a[1], a + 2);
		}
		/* A short option with its value apart: skip the value. */
		if (o != NULL && o->has_arg && a[2] == '\0')
			i++;
	}
}

/* Take one global option; 0 when c is not one. */
static int
take_global(const struct parser *p, int c, const char *optarg_)
{
	char *end;
	size_t i;
	long n;

	switch (c) {
	case OPT_DB:
		g_opt.db = optarg_;
		return 1;
	case OPT_CONFIG:
		g_opt.config = optarg_;
		return 1;
	case OPT_SERVER:
		g_opt.server = optarg_;
		return 1;
	case OPT_WAIT:
		n = strtol(optarg_, &end, 10);
		if (*optarg_ == '\0' || *end != '\0' || n < 0 || n > 86400)
			cli_usage_error(p->cmd, "--wait takes a number of "
			    "seconds from 0 to 86400, not '%s'", optarg_);
		g_opt.wait = (int)n;
		return 1;
	case OPT_JSON:
		g_opt.json = 1;
		return 1;
	case 'q':
		g_opt.quiet = 1;
		return 1;
	case 'v':
		g_opt.verbose++;
		return 1;
	case OPT_COLOR:
		for (i = 0; color_words[i] != NULL; i++)
			if (strcmp(optarg_, color_words[i]) == 0)
				break;
		if (color_words[i] == NULL)
			cli_unknown_name(p->cmd, "--color value", optarg_,
			    color_words);
		g_opt.color = color_values[i];
		return 1;
	case OPT_NO_COLOR:
		g_opt.color = 0;
		return 1;
	case OPT_HELP:
		cli_help(p->cmd, stdout);
		exit(EXIT_CLEAN);
	default:
		return 0;
	}
}

/* The next option from p's tables: its id, or -1; errors exit. */
static int
next_option(struct parser *p, int argc, char **argv, const char **arg)
{
	int c;

	for (;;) {
		c = getopt_long(argc, argv, p->so, p->lo, NULL);
		cli_optind = optind;
		*arg = optarg;
		switch (c) {
		case -1:
			return -1;
		case ':':
			cli_usage_error(p->cmd, "option '%s' needs a value",
			    argv[optind - 1]);
		case '?':
			if (optopt != 0)
				cli_usage_error(p->cmd, "unknown option '-%c'",
				    optopt);
			if (strncmp(argv[optind - 1], "--", 2) == 0)
				bad_long_option(p, argv[optind - 1]);
			cli_usage_error(p->cmd, "unknown option '%s'",
			    argv[optind - 1]);
		default:
			/* A command's own -q or -v is its own business. */
			if (p->cmd != NULL && find_opt(p->own, c) != NULL)
				return c;
			if (take_global(p, c, optarg))
				continue;
			return c;
		}
	}
}

int
cli_global_options(int argc, char **argv)
{
	static struct parser p;
	const char *arg;
	int c;

	parser_build(&p, NULL);
	refuse_single_dash(&p, argc, argv);
	optind = 0;
	opterr = 0;
	while ((c = next_option(&p, argc, argv, &arg)) != -1)
		if (c == OPT_VERSION)
			exit(cli_find_command("version")->run(
			    cli_find_command("version"), 1, argv));
	return cli_optind;
}

/*
 * The commands that read standard input when given no operand: on a
 * terminal they print the usage instead of waiting for text no one is
 * going to type.  (investigate, whose -f also gives input, asks itself.)
 */
static int
reads_stdin(const struct cli_cmd *cmd)
{
	static const char *const names[] = { "extract", "refang", "defang",
	    NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(cmd->name, names[i]) == 0)
			return 1;
	return 0;
}

int
cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
    const char **arg)
{
	static struct parser p;
	static int json_pending;
	const struct cli_opt *own_json;
	int c;

	if (p.cmd != cmd || p.lo == NULL) {
		parser_build(&p, cmd);
		refuse_single_dash(&p, argc, argv);
		/* GNU getopt starts afresh, permutation mode included. */
		optind = 0;
		opterr = 0;
		own_json = find_long(cmd->opts, "json", 4);
		json_pending = g_opt.json && own_json != NULL ?
		    own_json->id : 0;
		if (own_json != NULL)
			g_opt.json = 0;
	}
	if (json_pending) {
		c = json_pending;
		json_pending = 0;
		*arg = NULL;
		return c;
	}
	c = next_option(&p, argc, argv, arg);
	if (c == -1 && cli_optind >= argc && reads_stdin(cmd) &&
	    isatty(STDIN_FILENO))
		cli_no_input(cmd);
	return c;
}

const struct cli_cmd *
cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; cli_commands[i] != NULL; i++)
		if (strcmp(cli_commands[i]->name, name) == 0)
			return cli_commands[i];
	return NULL;
}

const char *const *
cli_command_names(void)
{
	static const char *names[64];
	size_t i;

	if (names[0] == NULL)
		for (i = 0; i + 1 < 64 && cli_commands[i] != NULL; i++)
			names[i] = cli_commands[i]->name;
	return names;
}

void
cli_unknown_name(const struct cli_cmd *cmd, const char *what,
    const char *word, const char *const *names)
{
	const char *near = chousa_suggest(word, names);

	if (near != NULL)
		cli_usage_error(cmd, "unknown %s '%s'; did you mean '%s'?",
		    what, word, near);
	cli_usage_error(cmd, "unknown %s '%s'", what, word);
}

long
cli_number_arg(const struct cli_cmd *self, const char *name, const char *arg,
    long lo, long hi)
{
	char *end;
	long v;

	/* Past LONG_MAX strtol gives LONG_MAX, which hi may allow. */
	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno == ERANGE || v < lo ||
	    v > hi)
		cli_usage_error(self, "--%s needs a number from %ld to %ld",
		    name, lo, hi);
	return v;
}

void
cli_names_add(struct chousa_buf *b, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		chousa_buf_addf(b, "%s%s", i == 0 ? "" : names[i + 1] == NULL ?
		    " or " : ", ", names[i]);
}

const char *
cli_verb_find(int argc, char **argv, const char *const *verbs)
{
	size_t i;

	if (cli_optind >= argc)
		return NULL;
	for (i = 0; verbs[i] != NULL; i++)
		if (strcmp(argv[cli_optind], verbs[i]) == 0)
			return verbs[i];
	return NULL;
}

const char *
cli_subcommand(const struct cli_cmd *cmd, int argc, char **argv,
    const char *const *verbs)
{
	const char *verb = cli_verb_find(argc, argv, verbs);
	struct chousa_buf b;

	if (verb != NULL)
		return verb;
	if (cli_optind < argc)
		cli_unknown_name(cmd, "subcommand", argv[cli_optind], verbs);
	chousa_buf_init(&b, 0);
	cli_names_add(&b, verbs);
	cli_usage_error(cmd, "name a subcommand: %s",
	    b.data != NULL ? b.data : "");
}

void
cli_no_input(const struct cli_cmd *cmd)
{
	cli_usage_error(cmd, "no input: give it as arguments or pipe it in "
	    "(standard input is a terminal)");
}

/* ---- the lists help text names ---- */

static const char *const *
download_names(void)
{
	static const char *names[32];
	const struct chousa_feed *const *d = chousa_feed_downloads();
	size_t i;

	for (i = 0; i + 1 < 32 && d[i] != NULL; i++)
		names[i] = d[i]->name;
	names[i] = NULL;
	return names;
}

static const char *const *
report_names(void)
{
	static const char *names[32];

	chousa_format_names(CHOUSA_RESULT_REPORT, names, 32);
	return names;
}

static const char *const *
export_dir_names(void)
{
	static const char *names[32];
	const char *const *f = chousa_export_formats();
	size_t i, n = 0;

	for (i = 0; n + 1 < 32 && f[i] != NULL; i++)
		if (chousa_export_format_is_dir(f[i]))
			names[n++] = f[i];
	names[n] = NULL;
	return names;
}

static const char *const *
type_names(void)
{
	static const char *names[CHOUSA_IOC_TYPE_COUNT];
	int t;

	for (t = 1; t < CHOUSA_IOC_TYPE_COUNT; t++)
		names[t - 1] = chousa_ioc_type_name(t);
	names[CHOUSA_IOC_TYPE_COUNT - 1] = NULL;
	return names;
}

/* The team server's own settings. */
static const char *const *
server_key_names(void)
{
	static const char *names[64];
	const struct chousa_config_key *k = chousa_config_keys();
	size_t n = 0;

	for (; k->section != NULL && n + 1 < 64; k++)
		if (chousa_config_key_is_serve(k))
			names[n++] = k->key;
	names[n] = NULL;
	return names;
}

static const char *
report_title(const char *name)
{
	return chousa_renderer_find(name)->title;
}

/*
 * A list that help text names by its tag and a library table fills in,
 * so that a new feed or format is in --help, the man page and the
 * completion the day it is added.  An item is its name or, with about,
 * "name: what it is".  besides is a word the option also takes, which its
 * text explains itself; completion offers it first.
 */
static const struct text_list {
	const char		*tag;
	const char		*besides;
	const char *const	*(*names)(void);
	const char		*(*about)(const char *name);
	int			 parens;	/* "a (x), b (y), or c (z)" */
} text_lists[] = {
	{ "@IMPORTERS@", "auto", chousa_importer_names, NULL, 0 },
	{ "@DOWNLOADS@", NULL, download_names, NULL, 0 },
	{ "@LOGFORMATS@", "auto", chousa_sweep_format_names,
	    chousa_sweep_format_summary, 0 },
	{ "@REPORTFORMATS@", NULL, report_names, report_title, 0 },
	{ "@EXPORTFORMATS@", NULL, chousa_export_formats,
	    chousa_export_format_summary, 0 },
	{ "@EXPORTDIRS@", NULL, export_dir_names, NULL, 0 },
	{ "@TYPES@", "ip hash", type_names, NULL, 0 },
	{ "@SERVERKEYS@", NULL, server_key_names, NULL, 0 },
	{ "@IMPORTER_HELP@", NULL, chousa_importer_names,
	    chousa_importer_help, 1 },
};

#define N_TEXT_LISTS	(sizeof(text_lists) / sizeof(text_lists[0]))

/* The list whose tag text starts with, or NULL. */
static const struct text_list *
text_list_at(const char *text)
{
	size_t i;

	for (i = 0; i < N_TEXT_LISTS; i++)
		if (strncmp(text, text_lists[i].tag,
		    strlen(text_lists[i].tag)) == 0)
			return &text_lists[i];
	return NULL;
}

/*
 * "a, b, c", or "a: what a is.  b: ..." into b: sentences, since what a
 * format is may hold commas and semicolons.
 */
static void
add_list(struct chousa_buf *b, const struct text_list *l)
{
	const char *const *names = l->names();
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		const char *about = l->about != NULL ? l->about(names[i]) :
		    NULL;

		if (l->parens)
			chousa_buf_addf(b, "%s%s (%s)", i == 0 ? "" :
			    names[i + 1] == NULL ? ", or " : ", ", names[i],
			    about);
		else if (l->about == NULL)
			chousa_buf_addf(b, "%s%s", i ? ", " : "", names[i]);
		else
			chousa_buf_addf(b, "%s%s%s%s", i ? ".  " : "",
			    names[i], about != NULL ? ": " : "",
			    about != NULL ? about : "");
	}
}

void
cli_add_words(struct chousa_buf *w, const char *const *words)
{
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		chousa_buf_addf(w, "%s%s", w->len ? " " : "", words[i]);
}

int
cli_text_words(const char *text, struct chousa_buf *w)
{
	const struct text_list *l = NULL;
	const char *at;

	if (text == NULL)
		return 0;
	for (at = strchr(text, '@'); at != NULL; at = strchr(at + 1, '@')) {
		l = text_list_at(at);
		if (l != NULL)
			break;
	}
	if (l == NULL)
		return 0;
	if (l->besides != NULL)
		chousa_buf_addf(w, "%s%s", w->len ? " " : "", l->besides);
	cli_add_words(w, l->names());
	return 1;
}

int
cli_opt_words(const struct cli_opt *o, struct chousa_buf *w)
{
	size_t i, k;

	for (i = 0; i < N_OPT_WORDS; i++)
		for (k = 0; cli_global_opts[k].id != 0; k++)
			if (o == &cli_global_opts[k] &&
			    o->id == opt_words[i].id) {
				cli_add_words(w, opt_words[i].words);
				return 1;
			}
	/* The formats and sources its help lists, from the same table. */
	return cli_text_words(o->help, w);
}

const char *
cli_description(const struct cli_cmd *cmd)
{
	/* Joined once for the program's life, as cli_text's are. */
	static struct joined {
		const struct cli_cmd	*cmd;
		char			*text;
	} done[64];
	size_t i, a, b;

	if (cmd->more == NULL)
		return cli_text(cmd->description);
	for (i = 0; i < 64 && done[i].cmd != NULL; i++)
		if (done[i].cmd == cmd)
			return cli_text(done[i].text);
	a = strlen(cmd->description);
	b = strlen(cmd->more);
	if (i == 64)
		return cli_text(cmd->description);
	done[i].text = xmalloc(a + b + 3);
	memcpy(done[i].text, cmd->description, a);
	memcpy(done[i].text + a, "\n\n", 2);
	memcpy(done[i].text + a + 2, cmd->more, b + 1);
	done[i].cmd = cmd;
	return cli_text(done[i].text);
}

const char *
cli_text(const char *text)
{
	/* Every text filled in, kept for the program's life. */
	static struct filled {
		const char	*text;
		char		*out;
	} *done;
	static size_t n_done, cap_done;
	const struct text_list *l;
	struct chousa_buf b;
	const char *p, *at;
	size_t i;

	if (text == NULL || strchr(text, '@') == NULL)
		return text;
	for (i = 0; i < n_done; i++)
		if (done[i].text == text)
			return done[i].out;
	chousa_buf_init(&b, 0);
	p = text;
	for (at = strchr(p, '@'); at != NULL; at = strchr(p, '@')) {
		chousa_buf_add(&b, p, (size_t)(at - p));
		l = text_list_at(at);
		if (l != NULL) {
			add_list(&b, l);
			p = at + strlen(l->tag);
		} else {
			chousa_buf_addch(&b, '@');
			p = at + 1;
		}
	}
	chousa_buf_adds(&b, p);
	if (n_done == cap_done) {
		struct filled *more;

		cap_done = cap_done ? cap_done * 2 : 16;
		more = realloc(done, cap_done * sizeof(*done));
		if (more == NULL)
			b.failed = CHOUSA_ENOMEM;
		else
			done = more;
	}
	if (b.failed != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory");
	done[n_done].text = text;
	done[n_done++].out = b.data;
	return b.data;
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
		wrap(fp, cli_text(o[i].help), 10, 79);
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
		help_opts(fp, cli_global_opts);
		help_opts(fp, main_opts);
		fprintf(fp, "\nExit status:\n");
		for (i = 0; cli_exit_statuses[i].meaning != NULL; i++) {
			/* Whole, however long the meaning grows. */
			char line[512];

			snprintf(line, sizeof(line), "%3d  %.500s",
			    cli_exit_statuses[i].status,
			    cli_exit_statuses[i].meaning);
			wrap(fp, line, 2, 79);
		}
		fprintf(fp, "\n'chousa <command> --help' describes a command; "
		    "'man chousa' has it all.\n");
		return;
	}
	fprintf(fp, "usage: chousa %s %s\n\n", cmd->name, cmd->usage);
	wrap(fp, cli_description(cmd), 0, 79);
	if (count_opts(cmd->opts) > 0) {
		fprintf(fp, "\nOptions:\n");
		help_opts(fp, cmd->opts);
	}
	if (cmd->examples != NULL) {
		fprintf(fp, "\nExamples:\n");
		wrap(fp, cmd->examples, 2, 200);
	}
	fprintf(fp, "\nGlobal options (");
	for (i = 0; cli_global_opts[i].id != 0; i++)
		if (cli_global_opts[i].id < 256)
			fprintf(fp, "%s-%c", i ? ", " : "",
			    cli_global_opts[i].id);
		else
			fprintf(fp, "%s--%s", i ? ", " : "",
			    cli_global_opts[i].name);
	fprintf(fp, ") also apply; see 'chousa --help'.\n");
}

/* ---- man page ---- */

void
cli_roff(FILE *fp, const char *s)
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
		cli_roff(fp, o[i].name);
		fputs("\\fR", fp);
		if (o[i].arg) {
			fputs(" \\fI", fp);
			cli_roff(fp, o[i].arg);
			fputs("\\fR", fp);
		}
		fputc('\n', fp);
		cli_roff(fp, cli_text(o[i].help));
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
		cli_roff(fp, c->usage);
		fputs("\"\n", fp);
		cli_roff(fp, cli_description(c));
		fputc('\n', fp);
		man_opts(fp, c->opts);
		if (c->examples != NULL) {
			fputs(".PP\nExamples:\n.nf\n", fp);
			cli_roff(fp, c->examples);
			fputs("\n.fi\n", fp);
		}
	}
	fputs(".SH GLOBAL OPTIONS\n", fp);
	man_opts(fp, cli_global_opts);
	man_opts(fp, main_opts);
	cli_config_man(fp);
	fputs(".SH EXIT STATUS\n", fp);
	for (i = 0; cli_exit_statuses[i].meaning != NULL; i++) {
		fprintf(fp, ".TP\n%d\n", cli_exit_statuses[i].status);
		cli_roff(fp, cli_exit_statuses[i].meaning);
		fputs(".\n", fp);
	}
	fputs(".PP\nWhen the reader of standard output goes away (chousa ... | "
	    "head), chousa stops and ends as SIGPIPE ends a program, quietly: "
	    "status 141 in a shell, never 0.\n"
	    ".SH ENVIRONMENT\n"
	    ".TP\nCHOUSA_DB\nThe store, as \\-\\-db.\n"
	    ".TP\nCHOUSA_CONFIG\nThe config file, as \\-\\-config.\n"
	    ".TP\nCHOUSA_\\fISECTION\\fR_\\fIKEY\\fR\n"
	    "Any setting of the config, over the file: CONFIGURATION "
	    "names each one's variable.\n"
	    ".TP\nNO_COLOR\nNever colour output.\n"
	    ".TP\nHTTPS_PROXY\nThe proxy for online sources and updates.\n"
	    ".TP\nSOURCE_DATE_EPOCH\nUnix seconds to stamp documents with "
	    "instead of the time of the run: the STIX, MISP and HTML "
	    "reports and the exports give the same bytes on every run.  "
	    "Ages and freshness are still measured against the clock.\n"
	    ".TP\nTMPDIR\nWhere temporary files go (/tmp without it): the "
	    "reports held while a triage table is made, and the team "
	    "server's answers past 1 MiB.  They are unlinked from the "
	    "start, so none is left behind.\n"
	    ".SH FILES\n"
	    ".TP\n$XDG_DATA_HOME/chousa/chousa.db\nThe store.\n"
	    ".TP\n$XDG_CONFIG_HOME/chousa/config\nThe INI config "
	    "(~/.config/chousa/config without XDG_CONFIG_HOME), described "
	    "under CONFIGURATION; chousa config init writes a commented "
	    "one.  It must not be readable by others when it holds keys.\n"
	    ".SH SEE ALSO\nsqlite3(1)\n", fp);
}
