/*
 * cmd-completion.c: `chousa completion bash|zsh|fish` prints a completion
 * script made from the same tables as --help: the commands, each one's
 * options and the global ones, the values an option takes (files, a
 * fixed list such as the report formats) and what a command's operands
 * are.  A new option or format is completed the day it is added.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_opt completion_opts[] = {
	{ 0 }
};

/* What a word takes: nothing to offer, file names, or a list of words. */
enum { V_NONE, V_FILES, V_WORDS };

/* The values option o takes into w. */
static int
value_kind(const struct cli_opt *o, struct chousa_buf *w)
{
	if (o->arg == NULL)
		return V_NONE;
	if (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "PATH") == 0)
		return V_FILES;
	/* --color's words, the formats and sources its help lists. */
	if (cli_opt_words(o, w))
		return V_WORDS;
	return V_NONE;
}

/* What cmd's operands are, words into w. */
static int
operand_kind(const struct cli_cmd *cmd, struct chousa_buf *w)
{
	if (cmd->verbs != NULL) {
		cli_add_words(w, cmd->verbs);
		return V_WORDS;
	}
	if (strcmp(cmd->name, "help") == 0) {
		cli_add_words(w, cli_command_names());
		return V_WORDS;
	}
	if (strcmp(cmd->name, "import") == 0) {
		chousa_buf_adds(w, "auto");
		cli_add_words(w, chousa_importer_names());
		return V_FILES | V_WORDS;
	}
	if (strcmp(cmd->name, "extract") == 0 ||
	    strcmp(cmd->name, "sweep") == 0)
		return V_FILES;
	return V_NONE;
}

/* Whether global option g is cmd's too (its own then wins). */
static int
shadowed(const struct cli_cmd *cmd, const struct cli_opt *g)
{
	size_t i;

	for (i = 0; cmd->opts != NULL && cmd->opts[i].id != 0; i++)
		if (strcmp(cmd->opts[i].name, g->name) == 0 ||
		    (g->id < 256 && cmd->opts[i].id == g->id))
			return 1;
	return 0;
}

/* Call fn for each option of cmd, its own first, then the globals. */
static void
each_opt(const struct cli_cmd *cmd, void (*fn)(const struct cli_cmd *,
    const struct cli_opt *, void *), void *arg)
{
	size_t i;

	for (i = 0; cmd->opts != NULL && cmd->opts[i].id != 0; i++)
		fn(cmd, &cmd->opts[i], arg);
	for (i = 0; cli_global_opts[i].id != 0; i++)
		if (!shadowed(cmd, &cli_global_opts[i]))
			fn(cmd, &cli_global_opts[i], arg);
}

/*
 * The first sentence of text, cut at a word, without the characters the
 * shells' quoting would trip on: [ ] become ( ), : and the rest go.
 */
static void
describe(struct chousa_buf *b, const char *text)
{
	size_t i, start = b->len, cut = 0;

	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] == '.' && (text[i + 1] == ' ' || text[i + 1] == '\0'))
			return;
		if (b->len - start >= 60) {
			/* Back to the last blank, and say that more follows. */
			if (cut > 0)
				b->len = start + cut;
			b->data[b->len] = '\0';
			chousa_buf_adds(b, "...");
			return;
		}
		if (text[i] == ' ' || text[i] == '\n')
			cut = b->len - start;
		if (text[i] == '[' || text[i] == ']')
			chousa_buf_addch(b, text[i] == '[' ? '(' : ')');
		else if (text[i] == '\n')
			chousa_buf_addch(b, ' ');
		else if (strchr(":'\"`$\\", text[i]) == NULL)
			chousa_buf_addch(b, text[i]);
	}
}

/* ---- bash ---- */

static void
bash_opt_words(const struct cli_cmd *cmd, const struct cli_opt *o,
    void *arg)
{
	struct chousa_buf *b = arg;

	(void)cmd;
	if (o->id < 256)
		chousa_buf_addf(b, " -%c", o->id);
	chousa_buf_addf(b, " --%s", o->name);
}

/* The case of the option o of cmd (NULL: a global one, after any). */
static void
bash_value_case(const struct cli_cmd *cmd, const struct cli_opt *o,
    struct chousa_buf *b)
{
	const char *name = cmd != NULL ? cmd->name : "*";
	struct chousa_buf w;
	int kind;

	if (o->arg == NULL)
		return;
	chousa_buf_init(&w, 0);
	kind = value_kind(o, &w);
	chousa_buf_addf(b, "\t%s:--%s", name, o->name);
	if (o->id < 256)
		chousa_buf_addf(b, "|%s:-%c", name, o->id);
	if (kind == V_FILES)
		chousa_buf_adds(b, ")\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))"
		    "\n\t\treturn ;;\n");
	else if (kind == V_WORDS)
		chousa_buf_addf(b, ")\n\t\tCOMPREPLY=($(compgen -W '%s' -- "
		    "\"$cur\"))\n\t\treturn ;;\n", w.data);
	else
		chousa_buf_adds(b, ")\n\t\treturn ;;\n");
	chousa_buf_release(&w);
}

static void
bash(struct chousa_buf *b)
{
	struct chousa_buf w;
	size_t i;

	chousa_buf_adds(b, "# bash completion for chousa, made by 'chousa "
	    "completion bash' from the\n# option tables of --help.  Load "
	    "it with: source <(chousa completion bash)\n"
	    "_chousa()\n{\n"
	    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	    "prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\tlocal cmd= i w\n"
	    "\t# --format=js: bash splits at the '='.\n"
	    "\tif [[ $cur == = ]]; then cur=; "
	    "prev=${COMP_WORDS[COMP_CWORD-1]}; fi\n"
	    "\tif [[ $prev == = ]]; then "
	    "prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
	    "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	    "\t\tw=${COMP_WORDS[i]}\n"
	    "\t\tcase $w in\n\t\t");
	/* The global options that take a value hide the word after them. */
	for (i = 0; cli_global_opts[i].id != 0; i++)
		if (cli_global_opts[i].arg != NULL)
			chousa_buf_addf(b, "%s--%s", i ? "|" : "",
			    cli_global_opts[i].name);
	chousa_buf_adds(b, ") ((i++)) ;;\n"
	    "\t\t-*) ;;\n"
	    "\t\t*) cmd=$w; break ;;\n"
	    "\t\tesac\n\tdone\n"
	    "\tcase \"$cmd:$prev\" in\n");
	/* A command's own options first: the first case that fits wins. */
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_opt *o = cli_commands[i]->opts;

		for (; o != NULL && o->id != 0; o++)
			bash_value_case(cli_commands[i], o, b);
	}
	for (i = 0; cli_global_opts[i].id != 0; i++)
		bash_value_case(NULL, &cli_global_opts[i], b);
	chousa_buf_adds(b, "\tesac\n\tcase $cmd in\n\t'')\n"
	    "\t\tif [[ $cur == -* ]]; then\n\t\t\tCOMPREPLY=($(compgen -W '");
	for (i = 0; cli_global_opts[i].id != 0; i++)
		chousa_buf_addf(b, "%s--%s", i ? " " : "",
		    cli_global_opts[i].name);
	chousa_buf_adds(b, " --version' -- \"$cur\"))\n\t\telse\n"
	    "\t\t\tCOMPREPLY=($(compgen -W '");
	for (i = 0; cli_commands[i] != NULL; i++)
		chousa_buf_addf(b, "%s%s", i ? " " : "",
		    cli_commands[i]->name);
	chousa_buf_adds(b, "' -- \"$cur\"))\n\t\tfi\n\t\treturn ;;\n");
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_cmd *c = cli_commands[i];
		int kind;

		chousa_buf_init(&w, 0);
		kind = operand_kind(c, &w);
		chousa_buf_addf(b, "\t%s)\n\t\tif [[ $cur == -* ]]; then\n"
		    "\t\t\tCOMPREPLY=($(compgen -W '", c->name);
		{
			struct chousa_buf o;

			chousa_buf_init(&o, 0);
			each_opt(c, bash_opt_words, &o);
			chousa_buf_adds(b, o.data + (o.len > 0));
			chousa_buf_release(&o);
		}
		chousa_buf_adds(b, "' -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n");
		if (kind & V_WORDS)
			chousa_buf_addf(b, "\t\tCOMPREPLY=($(compgen -W '%s' -- "
			    "\"$cur\"))\n", w.data);
		if (kind & V_FILES)
			chousa_buf_adds(b, "\t\tCOMPREPLY+=($(compgen -f -- "
			    "\"$cur\"))\n");
		chousa_buf_adds(b, "\t\t;;\n");
		chousa_buf_release(&w);
	}
	chousa_buf_adds(b, "\tesac\n}\ncomplete -o filenames -F _chousa "
	    "chousa\n");
}

/* ---- zsh ---- */

static void
zsh_spec(const struct cli_cmd *cmd, const struct cli_opt *o, void *arg)
{
	struct chousa_buf *b = arg, w;
	int kind;

	(void)cmd;
	chousa_buf_adds(b, "\t\t");
	if (o->id < 256)
		chousa_buf_addf(b, "'(-%c --%s)'{-%c,--%s}'[", o->id, o->name,
		    o->id, o->name);
	else
		chousa_buf_addf(b, "'--%s[", o->name);
	describe(b, cli_text(o->help));
	chousa_buf_addch(b, ']');
	if (o->arg != NULL) {
		chousa_buf_init(&w, 0);
		kind = value_kind(o, &w);
		chousa_buf_addf(b, ":%s:", o->arg);
		if (kind == V_FILES)
			chousa_buf_adds(b, "_files");
		else if (kind == V_WORDS)
			chousa_buf_addf(b, "(%s)", w.data);
		else
			chousa_buf_adds(b, " ");
		chousa_buf_release(&w);
	}
	chousa_buf_adds(b, "' \\\n");
}

static void
zsh(struct chousa_buf *b)
{
	struct chousa_buf w;
	size_t i;

	chousa_buf_adds(b, "#compdef chousa\n# zsh completion for chousa, made "
	    "by 'chousa completion zsh' from the\n# option tables of --help.  "
	    "Put it in a directory of $fpath as _chousa.\n"
	    "_chousa() {\n"
	    "\tlocal curcontext=$curcontext state line ret=1\n"
	    "\t_arguments -C \\\n");
	for (i = 0; cli_global_opts[i].id != 0; i++)
		zsh_spec(NULL, &cli_global_opts[i], b);
	chousa_buf_adds(b, "\t\t'--version[Print the version]' \\\n"
	    "\t\t'1: :->cmd' '*:: :->args' && ret=0\n"
	    "\tcase $state in\n\tcmd)\n\t\tlocal -a cmds\n\t\tcmds=(\n");
	for (i = 0; cli_commands[i] != NULL; i++) {
		chousa_buf_addf(b, "\t\t\t'%s:", cli_commands[i]->name);
		describe(b, cli_commands[i]->summary);
		chousa_buf_adds(b, "'\n");
	}
	chousa_buf_adds(b, "\t\t)\n\t\t_describe -t commands 'chousa command' "
	    "cmds && ret=0\n\t\t;;\n\targs)\n\t\tcase $words[1] in\n");
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_cmd *c = cli_commands[i];
		int kind;

		chousa_buf_addf(b, "\t\t%s)\n\t\t_arguments \\\n", c->name);
		each_opt(c, zsh_spec, b);
		chousa_buf_init(&w, 0);
		kind = operand_kind(c, &w);
		if (kind == V_FILES)
			chousa_buf_adds(b, "\t\t'*:file:_files'");
		else if (kind & V_WORDS)
			chousa_buf_addf(b, "\t\t'*:argument:(%s)'", w.data);
		else
			chousa_buf_adds(b, "\t\t'*: :'");
		chousa_buf_adds(b, " && ret=0\n\t\t;;\n");
		chousa_buf_release(&w);
	}
	chousa_buf_adds(b, "\t\tesac\n\t\t;;\n\tesac\n\treturn ret\n}\n"
	    "_chousa \"$@\"\n");
}

/* ---- fish ---- */

static void
fish_opt(const struct cli_cmd *cmd, const struct cli_opt *o, void *arg)
{
	struct chousa_buf *b = arg, w;
	int kind;

	chousa_buf_addf(b, "complete -c chousa -n '__fish_seen_subcommand_from "
	    "%s'", cmd->name);
	if (o->id < 256)
		chousa_buf_addf(b, " -s %c", o->id);
	chousa_buf_addf(b, " -l %s", o->name);
	if (o->arg != NULL) {
		chousa_buf_init(&w, 0);
		kind = value_kind(o, &w);
		if (kind == V_FILES)
			chousa_buf_adds(b, " -r -F");
		else if (kind == V_WORDS)
			chousa_buf_addf(b, " -x -a '%s'", w.data);
		else
			chousa_buf_adds(b, " -x");
		chousa_buf_release(&w);
	}
	chousa_buf_adds(b, " -d '");
	describe(b, cli_text(o->help));
	chousa_buf_adds(b, "'\n");
}

static void
fish(struct chousa_buf *b)
{
	struct chousa_buf w;
	size_t i;

	chousa_buf_adds(b, "# fish completion for chousa, made by 'chousa "
	    "completion fish' from the\n# option tables of --help.  Save it "
	    "as ~/.config/fish/completions/chousa.fish.\n"
	    "complete -c chousa -e\ncomplete -c chousa -f\n"
	    "set -l chousa_commands");
	for (i = 0; cli_commands[i] != NULL; i++)
		chousa_buf_addf(b, " %s", cli_commands[i]->name);
	chousa_buf_adds(b, "\n");
	for (i = 0; cli_commands[i] != NULL; i++) {
		chousa_buf_addf(b, "complete -c chousa -n 'not "
		    "__fish_seen_subcommand_from $chousa_commands' -a %s -d '",
		    cli_commands[i]->name);
		describe(b, cli_commands[i]->summary);
		chousa_buf_adds(b, "'\n");
	}
	chousa_buf_adds(b, "complete -c chousa -n 'not "
	    "__fish_seen_subcommand_from $chousa_commands' -l version "
	    "-d 'Print the version'\n");
	for (i = 0; cli_commands[i] != NULL; i++) {
		const struct cli_cmd *c = cli_commands[i];
		int kind;

		each_opt(c, fish_opt, b);
		chousa_buf_init(&w, 0);
		kind = operand_kind(c, &w);
		if (kind & V_WORDS)
			chousa_buf_addf(b, "complete -c chousa -n "
			    "'__fish_seen_subcommand_from %s' -a '%s'\n",
			    c->name, w.data);
		if (kind & V_FILES)
			chousa_buf_addf(b, "complete -c chousa -n "
			    "'__fish_seen_subcommand_from %s' -F\n", c->name);
		chousa_buf_release(&w);
	}
}

static const char *const shells[] = { "bash", "zsh", "fish", NULL };

static int
run_completion(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_buf b;
	const char *arg, *shell;

	while (cli_getopt(self, argc, argv, &arg) != -1)
		;
	if (cli_optind + 1 != argc)
		cli_usage_error(self, "name one shell: bash, zsh or fish");
	shell = argv[cli_optind];
	chousa_buf_init(&b, 0);
	if (strcmp(shell, "bash") == 0)
		bash(&b);
	else if (strcmp(shell, "zsh") == 0)
		zsh(&b);
	else if (strcmp(shell, "fish") == 0)
		fish(&b);
	else
		cli_unknown_name(self, "shell", shell, self->verbs);
	if (b.failed != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory");
	if (g_opt.json) {
		struct chousa_buf j;
		struct chousa_jw w;

		chousa_buf_init(&j, 0);
		chousa_jw_init(&w, &j);
		chousa_jw_object(&w);
		chousa_jw_kstr(&w, "shell", shell);
		chousa_jw_key(&w, "script");
		chousa_jw_strn(&w, b.data, b.len);
		chousa_jw_object_end(&w);
		chousa_buf_addch(&j, '\n');
		cli_output(&j);
	} else
		cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_completion = {
	"completion", "Print a shell completion script (bash, zsh, fish)",
	"bash|zsh|fish",
	"Print a script that completes chousa's commands, options, report "
	"and log formats, source names and file names in the shell named.  "
	"It is made from the same tables as --help, so it knows every "
	"option of this version.  With --json, the script is the \"script\" "
	"member of one JSON object.",
	completion_opts, run_completion,
	"source <(chousa completion bash)\n"
	"chousa completion zsh > ~/.zfunc/_chousa\n"
	"chousa completion fish > ~/.config/fish/completions/chousa.fish",
	shells,
	NULL
};
