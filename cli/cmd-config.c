/*
 * cmd-config.c: `chousa config` shows the settings in effect, keys masked,
 * each with where it came from (a file line, a variable, a credential,
 * the default);
 * `config check` says what is wrong in the file and the environment;
 * `config init` writes a commented template, private from the start.
 * The documents are written by the library (src/render/config.c); the
 * man page's configuration reference is made here.  All of it comes from
 * the library's one table of settings (chousa_config_keys()).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum { OPT_ALL = 256, OPT_JSON, OPT_FORCE };

static const struct cli_opt config_opts[] = {
	{ OPT_ALL, "all", NULL, "Show every setting chousa knows, with its "
	    "default, not only those set and their sections." },
	{ OPT_JSON, "json", NULL, "Print one JSON object: the settings (keys "
	    "masked) with their origin, or check's problems." },
	{ OPT_FORCE, "force", NULL, "init: overwrite a config that exists." },
	{ 0 }
};

/* ---- show and check: src/render/config.c writes them ---- */

static int
show(const struct chousa_config *c, int all, int json)
{
	struct chousa_buf b;

	chousa_buf_init(&b, 0);
	if (json)
		chousa_config_show_json(&b, c, chousa_source_sections(), all);
	else
		chousa_config_show_text(&b, c, chousa_source_sections(), all);
	cli_output(&b);
	return EXIT_CLEAN;
}

static int
check(const struct chousa_config *c, int json)
{
	struct chousa_buf b;
	size_t n;

	chousa_buf_init(&b, 0);
	if (json)
		n = chousa_config_check_json(&b, c, chousa_source_sections());
	else
		n = chousa_config_check_text(&b, c, chousa_source_sections(),
		    g_opt.quiet);
	cli_output(&b);
	if (n > 0 && !json)
		cli_warn("%zu problem%s in the config", n, n > 1 ? "s" : "");
	return n > 0 ? EXIT_BADINPUT : EXIT_CLEAN;
}

/* ---- init ---- */

/* The config path as chousa_config_load() picks it; static storage. */
static const char *
config_path(void)
{
	static char path[4096];
	const char *env = getenv("CHOUSA_CONFIG");
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (g_opt.config != NULL && g_opt.config[0] != '\0')
		return g_opt.config;
	if (env != NULL && env[0] != '\0')
		return env;
	if (xdg != NULL && xdg[0] == '/')
		snprintf(path, sizeof(path), "%s/chousa/config", xdg);
	else if (home != NULL && home[0] != '\0')
		snprintf(path, sizeof(path), "%s/.config/chousa/config", home);
	else
		cli_die(EXIT_USAGE, "no HOME: name the config with --config");
	return path;
}

static int
init(int force)
{
	const char *path = config_path();
	struct chousa_buf b;
	int fd;

	/* Its directory is private too: a config holds keys. */
	cli_make_parent_dirs(path);
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
	    (force ? O_TRUNC : O_EXCL), 0600);
	if (fd < 0 && errno == EEXIST)
		cli_die(EXIT_BADINPUT, "config '%s' exists; 'chousa config "
		    "init --force' overwrites it", path);
	if (fd < 0)
		cli_die(EXIT_BADINPUT, "cannot write '%s': %s", path,
		    strerror(errno));
	/* An older file keeps its mode through O_TRUNC: make it private. */
	if (fchmod(fd, 0600) != 0)
		cli_die(EXIT_BADINPUT, "cannot chmod '%s': %s", path,
		    strerror(errno));
	chousa_buf_init(&b, 0);
	chousa_config_template(&b, chousa_source_sections());
	if (b.failed != CHOUSA_OK || write(fd, b.data, b.len) !=
	    (ssize_t)b.len || close(fd) != 0)
		cli_die(EXIT_BADINPUT, "cannot write '%s': %s", path,
		    strerror(errno));
	chousa_buf_release(&b);
	cli_info("wrote %s (mode 0600); every setting in it is commented "
	    "out", path);
	return EXIT_CLEAN;
}

static const char *const config_verbs[] = { "check", "init", NULL };

static int
run_config(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_config *c;
	const char *arg, *verb = NULL;
	int ch, all = 0, json = 0, force = 0, status;

	while ((ch = cli_getopt(self, argc, argv, &arg)) != -1)
		if (ch == OPT_ALL)
			all = 1;
		else if (ch == OPT_JSON)
			json = 1;
		else if (ch == OPT_FORCE)
			force = 1;
	if (cli_optind < argc)
		verb = argv[cli_optind];
	if (cli_optind + 1 < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind + 1]);
	if (verb != NULL && strcmp(verb, "check") != 0 &&
	    strcmp(verb, "init") != 0)
		cli_unknown_name(self, "subcommand", verb, self->verbs);
	if (verb != NULL && strcmp(verb, "init") == 0)
		return init(force);
	/* Read as is: check and show say what is wrong themselves. */
	if (chousa_config_load(&c, g_opt.config, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (verb != NULL)
		status = check(c, json);
	else
		status = show(c, all, json);
	chousa_config_free(c);
	return status;
}

const struct cli_cmd cmd_config = {
	"config", "Show the settings in effect, check them, or write a "
	    "template",
	"[--all] [--json] | check [--json] | init [--force]",
	"With no subcommand, print each setting that is set, and the other "
	"settings of its section, as section.key, its value (API keys "
	"masked: the last four characters and the length) and where it came "
	"from: the config file and line, an environment variable, a "
	"credential, or the default.  --all lists every setting chousa "
	"knows.\n\n"
	"Under systemd, each file of $CREDENTIALS_DIRECTORY (LoadCredential= "
	"in the unit) named SECTION.KEY, such as virustotal.api_key, sets "
	"that setting over the config file's line (the environment's still "
	"wins), so that keys can stay out of the config file.\n\n"
	"check reads the config file and the CHOUSA_* environment variables "
	"and prints every problem: an unknown section, key or variable "
	"(with the name meant, when it is close), a value that is not of "
	"its kind or out of range (and what is used instead), a [server] "
	"value chousa serve refuses rather than replace (a listen address, "
	"update_every, trusted_proxies, proxy_user_role or proxy_group_roles "
	"it cannot read: it does not start with it, and a reload keeps the "
	"config in force), a quote left "
	"open, a key set twice, an API key with quotes, blanks or a comment "
	"in it or of the wrong length.  The status is 0 when there is "
	"nothing to say and 3 otherwise.  Every other command prints the "
	"same problems as warnings.\n\n"
	"init writes a template at the config's path (--config, "
	"CHOUSA_CONFIG, else $XDG_CONFIG_HOME/chousa/config) with mode "
	"0600: every section and setting, commented out, with its default.  "
	"It refuses to overwrite a config unless --force is given.\n\n"
	"The file is INI: [section] lines and key = value lines; # and ; "
	"start comments, also after a value (after a blank), and a value "
	"may be quoted, which keeps a # inside it.  CONFIGURATION in the "
	"man page lists every section, key, variable and default.",
	config_opts, run_config,
	"chousa config\n"
	"chousa config check\n"
	"chousa config init && $EDITOR ~/.config/chousa/config\n"
	"chousa config --json | jq '.settings[] | select(.origin != "
	"\"default\")'",
	config_verbs,
	NULL
};

/* ---- the man page's reference ---- */

/* CHOUSA_<SECTION>_<KEY>, or <KEY> alone when section is NULL. */
static void
man_env(FILE *fp, const char *section, const char *key)
{
	char name[128];
	size_t i;

	if (section != NULL)
		snprintf(name, sizeof(name), "CHOUSA_%s_%s", section, key);
	else
		snprintf(name, sizeof(name), "%s", key);
	for (i = 0; name[i] != '\0'; i++)
		name[i] = name[i] == '-' || name[i] == '.' ? '_' :
		    (char)(name[i] >= 'a' && name[i] <= 'z' ?
		    name[i] - 'a' + 'A' : name[i]);
	cli_roff(fp, name);
}

static void
man_key(FILE *fp, const struct chousa_config_key *k, const char *section)
{
	int source = strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0;

	fputs(".TP\n\\fB", fp);
	cli_roff(fp, k->key);
	fputs("\\fR (", fp);
	if (source) {
		fputs("CHOUSA_\\fISOURCE\\fR_", fp);
		man_env(fp, NULL, k->key);
	} else
		man_env(fp, section, k->key);
	if (source && strcmp(k->key, "api_key") == 0)
		fputs(", or CHOUSA_\\fISOURCE\\fR_KEY", fp);
	if (source && strcmp(k->key, "base_url") == 0)
		fputs(", or CHOUSA_\\fISOURCE\\fR_URL", fp);
	fputs(")\n", fp);
	cli_roff(fp, k->help);
	if (k->type == CHOUSA_CFG_NUMBER)
		fprintf(fp, "  From %ld to %ld.", k->min, k->max);
	if (k->type == CHOUSA_CFG_SIZE)
		fprintf(fp, "  Bytes, or a number with k, M or G (64M), from "
		    "%ld to %ld.", k->min, k->max);
	if (k->def != NULL) {
		fputs("  Default: ", fp);
		cli_roff(fp, k->def);
		fputc('.', fp);
	}
	fputc('\n', fp);
}

void
cli_config_man(FILE *fp)
{
	const char *const *sources = chousa_source_sections();
	const struct chousa_config_key *k, *prev = NULL;
	size_t i;

	fputs(".SH CONFIGURATION\n", fp);
	cli_roff(fp, "The config file is INI: [section] lines, then key = "
	    "value lines.  A line starting with # or ; is a comment, and so "
	    "is the rest of a line after a blank and # or ;.  A value may be "
	    "quoted (\"...\" or '...'), which keeps a # or ; inside it.  "
	    "Names are read in any case.  Each setting can also be given as "
	    "an environment variable, which wins over the file: its name is "
	    "below.  chousa config shows what is in effect and where it came "
	    "from; chousa config check and every other command warn of "
	    "unknown sections and keys and of values chousa does not take "
	    "(the default is used instead); chousa config init writes a "
	    "commented template.");
	fputs("\n.SS \"Every online source: [\\fISOURCE\\fR]\"\n", fp);
	cli_roff(fp, "Each online source has a section named after it, "
	    "which takes these settings; CHOUSA_SOURCE_... names its "
	    "variables with the source's name in capitals "
	    "(CHOUSA_VIRUSTOTAL_KEY).");
	fputc('\n', fp);
	for (k = chousa_config_keys(); k->section != NULL; k++)
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0)
			man_key(fp, k, k->section);
	fputs(".PP\nThe sources, and their own defaults:\n", fp);
	for (i = 0; sources[i] != NULL; i++) {
		const struct chousa_source *s = chousa_source_find(sources[i]);

		fputs(".TP\n\\fB", fp);
		cli_roff(fp, s->name);
		fputs("\\fR\n", fp);
		cli_roff(fp, s->title);
		fprintf(fp, "; %s; rate %g a minute, ",
		    (s->flags & CHOUSA_SRC_NEEDS_KEY) ? "needs a key" :
		    (s->flags & CHOUSA_SRC_KEY_OPTIONAL) ? "a key is optional"
		    : "no key", s->rate_per_min);
		if (s->daily > 0)
			fprintf(fp, "%ld a day", s->daily);
		else
			fputs("no daily limit", fp);
		fprintf(fp, "; ttl %ld; base_url ", s->ttl > 0 ? s->ttl :
		    86400);
		cli_roff(fp, s->default_url != NULL ? s->default_url : "none");
		fputs(".\n", fp);
	}
	for (k = chousa_config_keys(); k->section != NULL; prev = k, k++) {
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0)
			continue;
		if (prev == NULL || strcmp(prev->section, k->section) != 0) {
			fputs(".SS \"[", fp);
			cli_roff(fp, k->section);
			fputs("]\"\n", fp);
		}
		man_key(fp, k, k->section);
	}
}
