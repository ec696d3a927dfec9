/*
 * cmd-config.c: `chousa config` shows the settings in effect, keys masked,
 * each with where it came from (a file line, a variable, the default);
 * `config check` says what is wrong in the file and the environment;
 * `config init` writes a commented template, private from the start.
 * The man page's configuration reference is made here too.  All of it
 * comes from the library's one table of settings (chousa_config_keys()).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* ---- values ---- */

/* The source of an online section, or NULL for feeds, http, abusech. */
static const struct chousa_source *
source_of(const char *section)
{
	const struct chousa_source *s = chousa_source_find(section);

	return s != NULL && !(s->flags & CHOUSA_SRC_LOCAL) ? s : NULL;
}

/* The default of k in section as text, into buf; NULL for none. */
static const char *
default_of(const struct chousa_config_key *k, const char *section,
    char *buf, size_t size)
{
	const struct chousa_source *s = source_of(section);

	if (s != NULL && strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0) {
		if (strcmp(k->key, "rate") == 0 ||
		    strcmp(k->key, "burst") == 0) {
			snprintf(buf, size, "%g", s->rate_per_min);
			return buf;
		}
		if (strcmp(k->key, "daily") == 0) {
			snprintf(buf, size, "%ld", s->daily);
			return buf;
		}
		if (strcmp(k->key, "ttl") == 0) {
			snprintf(buf, size, "%ld", s->ttl > 0 ? s->ttl : 86400);
			return buf;
		}
		if (strcmp(k->key, "base_url") == 0)
			return s->default_url;
	}
	return k->def;
}

/* A key as "****cdef (64 characters)": enough to tell two keys apart. */
static void
mask(struct chousa_buf *b, const char *v)
{
	size_t len = strlen(v);

	chousa_buf_adds(b, "****");
	if (len >= 16)
		chousa_esc_text(b, v + len - 4, 4);
	chousa_buf_addf(b, " (%zu characters)", len);
}

/* What stands in for a value chousa does not take, or NULL when it does. */
static const char *
refused(const struct chousa_config *c, const struct chousa_config_key *k,
    const char *section, const char *v)
{
	int b;

	if (k->type == CHOUSA_CFG_NUMBER &&
	    chousa_config_get_long(c, section, k->key, LONG_MIN) == LONG_MIN)
		return "not taken: the default is used";
	if (k->type == CHOUSA_CFG_BOOL &&
	    chousa_config_parse_bool(v, &b) != CHOUSA_OK)
		return "not yes or no: the default is used";
	return NULL;
}

/* ---- show ---- */

struct show {
	const struct chousa_config	*c;
	struct chousa_buf		*b;
	struct chousa_jw		*w;	/* NULL: text */
	int				 all;
	size_t				 n;
};

/* Whether anything of section is set, in the file or the environment. */
static int
section_set(const struct chousa_config *c, const char *section,
    const char *const *sources)
{
	const struct chousa_config_key *k;

	for (k = chousa_config_keys(); k->section != NULL; k++)
		if (chousa_config_key_find(section, k->key, sources) == k &&
		    chousa_config_get(c, section, k->key) != NULL)
			return 1;
	return 0;
}

/* One setting as a member of "settings"; every key present, null if none. */
static void
show_json(struct chousa_jw *w, const char *section,
    const struct chousa_config_key *k, const char *v, const char *def,
    const struct chousa_config_origin *o, const char *why)
{
	struct chousa_buf m;

	chousa_jw_object(w);
	chousa_jw_kstr(w, "section", section);
	chousa_jw_kstr(w, "key", k->key);
	chousa_jw_key(w, "value");
	if (v != NULL && k->type == CHOUSA_CFG_SECRET) {
		chousa_buf_init(&m, 256);
		mask(&m, v);
		chousa_jw_str(w, m.data);
		chousa_buf_release(&m);
	} else
		chousa_jw_str(w, v != NULL ? v : def);
	chousa_jw_kstr(w, "origin", v == NULL ? "default" :
	    o->env[0] != '\0' ? "environment" : "file");
	chousa_jw_key(w, "env");
	chousa_jw_strn_or_null(w, o->env, strlen(o->env));
	chousa_jw_kstr(w, "file", o->file);
	chousa_jw_kint_if(w, "line", (int64_t)o->line, o->file != NULL);
	chousa_jw_kstr(w, "default", def);
	chousa_jw_kbool(w, "valid", why == NULL);
	chousa_jw_object_end(w);
}

/* section.key, value, origin: three columns, and why a value is refused. */
static void
show_text(struct chousa_buf *b, const char *section,
    const struct chousa_config_key *k, const char *v, const char *def,
    const struct chousa_config_origin *o, const char *why)
{
	char where[64];
	size_t start;

	start = b->len;
	chousa_buf_addf(b, "%s.%s", section, k->key);
	chousa_buf_addf(b, "%*s", (int)(b->len - start < 28 ?
	    28 - (b->len - start) : 1), "");
	start = b->len;
	if (v == NULL)
		chousa_buf_adds(b, def != NULL ? def : "(none)");
	else if (k->type == CHOUSA_CFG_SECRET)
		mask(b, v);
	else
		chousa_esc_text(b, v, strnlen(v, 200));
	chousa_buf_addf(b, "%*s", (int)(b->len - start < 32 ?
	    32 - (b->len - start) : 1), "");
	if (v == NULL)
		chousa_buf_adds(b, "default");
	else if (o->env[0] != '\0')
		chousa_buf_addf(b, "environment %s", o->env);
	else {
		chousa_esc_text(b, o->file, strlen(o->file));
		snprintf(where, sizeof(where), ":%zu", o->line);
		chousa_buf_adds(b, where);
	}
	if (why != NULL)
		chousa_buf_addf(b, "  (%s)", why);
	chousa_buf_addch(b, '\n');
}

static void
show_one(struct show *sh, const char *section,
    const struct chousa_config_key *k)
{
	struct chousa_config_origin o;
	const char *v = chousa_config_get_origin(sh->c, section, k->key, &o);
	const char *def, *why = NULL;
	char dbuf[64];

	def = default_of(k, section, dbuf, sizeof(dbuf));
	if (v != NULL)
		why = refused(sh->c, k, section, v);
	if (sh->w != NULL)
		show_json(sh->w, section, k, v, def, &o, why);
	else
		show_text(sh->b, section, k, v, def, &o, why);
	sh->n++;
}

static void
show_section(struct show *sh, const char *section,
    const char *const *sources)
{
	const struct chousa_config_key *k;
	int whole = sh->all || section_set(sh->c, section, sources);

	for (k = chousa_config_keys(); k->section != NULL; k++) {
		if (chousa_config_key_find(section, k->key, sources) != k)
			continue;
		if (whole || chousa_config_get(sh->c, section, k->key) != NULL)
			show_one(sh, section, k);
	}
}

/*
 * Every section once, in the order of the table: the sources where SOURCE
 * stands (a source's own rows, as virustotal's, come with it).
 */
static void
for_each_section(struct show *sh)
{
	const char *const *sources = cli_source_sections();
	const struct chousa_config_key *k, *prev = NULL;
	size_t i;

	for (k = chousa_config_keys(); k->section != NULL; prev = k, k++) {
		if (prev != NULL && strcmp(prev->section, k->section) == 0)
			continue;
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0)
			for (i = 0; sources[i] != NULL; i++)
				show_section(sh, sources[i], sources);
		else if (source_of(k->section) == NULL)
			show_section(sh, k->section, sources);
	}
}

static int
show(const struct chousa_config *c, int all, int json)
{
	struct chousa_buf b;
	struct chousa_jw w;
	struct show sh = { c, &b, json ? &w : NULL, all, 0 };
	const char *path = chousa_config_path(c);

	chousa_buf_init(&b, 0);
	chousa_jw_init(&w, &b);
	if (json) {
		chousa_jw_object(&w);
		chousa_jw_kstr(&w, "path", path);
		chousa_jw_key(&w, "settings");
		chousa_jw_array(&w);
	} else {
		chousa_buf_adds(&b, "# config: ");
		if (path != NULL)
			chousa_esc_text(&b, path, strlen(path));
		else
			chousa_buf_adds(&b, "none (chousa config init writes "
			    "one)");
		chousa_buf_addch(&b, '\n');
	}
	for_each_section(&sh);
	if (json) {
		chousa_jw_array_end(&w);
		chousa_jw_object_end(&w);
		chousa_buf_addch(&b, '\n');
	} else if (sh.n == 0)
		chousa_buf_adds(&b, "# nothing is set: chousa runs on its "
		    "defaults ('chousa config --all' lists them)\n");
	cli_output(&b);
	return EXIT_CLEAN;
}

/* ---- check ---- */

struct problems {
	struct chousa_buf	*b;
	struct chousa_jw	*w;	/* NULL: text */
	size_t			 n;
};

static void
on_problem(void *arg, const char *where, const char *message)
{
	struct problems *p = arg;

	if (p->w != NULL) {
		chousa_jw_object(p->w);
		chousa_jw_kstr(p->w, "where", where);
		chousa_jw_kstr(p->w, "message", message);
		chousa_jw_object_end(p->w);
	} else {
		chousa_esc_text(p->b, where, strlen(where));
		chousa_buf_adds(p->b, ": ");
		chousa_esc_text(p->b, message, strlen(message));
		chousa_buf_addch(p->b, '\n');
	}
	p->n++;
}

static int
check(const struct chousa_config *c, int json)
{
	struct chousa_buf b;
	struct chousa_jw w;
	struct problems p = { &b, json ? &w : NULL, 0 };
	const char *path = chousa_config_path(c);

	chousa_buf_init(&b, 0);
	chousa_jw_init(&w, &b);
	if (json) {
		chousa_jw_object(&w);
		chousa_jw_key(&w, "problems");
		chousa_jw_array(&w);
	}
	chousa_config_check(c, cli_source_sections(),
	    CHOUSA_CONFIG_CHECK_ENV_NAMES, on_problem, &p);
	if (json) {
		chousa_jw_array_end(&w);
		chousa_jw_kstr(&w, "path", path);
		chousa_jw_kbool(&w, "ok", p.n == 0);
		chousa_jw_object_end(&w);
		chousa_buf_addch(&b, '\n');
	} else if (p.n == 0 && !g_opt.quiet) {
		chousa_buf_adds(&b, "ok: ");
		if (path != NULL)
			chousa_esc_text(&b, path, strlen(path));
		else
			chousa_buf_adds(&b, "no config file, and");
		chousa_buf_adds(&b, " no problem found\n");
	}
	cli_output(&b);
	if (p.n > 0 && !json)
		cli_warn("%zu problem%s in the config", p.n, p.n > 1 ? "s" :
		    "");
	return p.n > 0 ? EXIT_BADINPUT : EXIT_CLEAN;
}

/* ---- init ---- */

/* One "# key = default" line per setting of section, with its help. */
static void
template_keys(struct chousa_buf *b, const char *section)
{
	const struct chousa_config_key *k;
	char dbuf[64];

	for (k = chousa_config_keys(); k->section != NULL; k++) {
		const char *def;

		if (strcmp(k->section, section) != 0)
			continue;
		def = default_of(k, section, dbuf, sizeof(dbuf));
		chousa_buf_addf(b, "#%s = %s\n", k->key, def != NULL ? def :
		    "");
	}
}

static void
template(struct chousa_buf *b)
{
	const char *const *sources = cli_source_sections();
	const struct chousa_config_key *k, *prev = NULL;
	size_t i;

	chousa_buf_addf(b, "# chousa config, written by 'chousa config "
	    "init' (chousa %s).\n"
	    "#\n"
	    "# [section] lines, then key = value lines.  A line starting "
	    "with # or ; is a\n"
	    "# comment, and so is the rest of a line after \" #\" or \" ;\".  "
	    "Quotes around a\n"
	    "# value are optional.  Remove the # before a setting to set "
	    "it; each shows\n"
	    "# its default.  CHOUSA_<SECTION>_<KEY> in the environment wins "
	    "over this file.\n"
	    "# Keep it private (chmod 600): it holds keys.  'chousa config "
	    "check' checks it,\n"
	    "# 'chousa config' shows what is in effect, 'man chousa' "
	    "describes every setting.\n"
	    "#\n"
	    "# Each online source's section takes:", CHOUSA_VERSION);
	for (k = chousa_config_keys(); k->section != NULL; k++)
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0)
			chousa_buf_addf(b, " %s", k->key);
	chousa_buf_adds(b, ".\n");
	for (i = 0; sources[i] != NULL; i++) {
		const struct chousa_source *s = source_of(sources[i]);

		chousa_buf_addf(b, "\n[%s]\t# %s%s\n", sources[i], s->title,
		    (s->flags & CHOUSA_SRC_NEEDS_KEY) ? ": needs a key" :
		    (s->flags & CHOUSA_SRC_KEY_OPTIONAL) ? ": a key is "
		    "optional" : "");
		if (s->flags & (CHOUSA_SRC_NEEDS_KEY | CHOUSA_SRC_KEY_OPTIONAL))
			chousa_buf_adds(b, "#api_key = \n");
		chousa_buf_addf(b, "#rate = %g\n#daily = %ld\n",
		    s->rate_per_min, s->daily);
		template_keys(b, sources[i]);
	}
	for (k = chousa_config_keys(); k->section != NULL; prev = k, k++) {
		if (strcmp(k->section, CHOUSA_CONFIG_SOURCE) == 0 ||
		    source_of(k->section) != NULL ||
		    (prev != NULL && strcmp(prev->section, k->section) == 0))
			continue;
		chousa_buf_addf(b, "\n[%s]\n", k->section);
		template_keys(b, k->section);
	}
}

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
	template(&b);
	if (b.failed != CHOUSA_OK || write(fd, b.data, b.len) !=
	    (ssize_t)b.len || close(fd) != 0)
		cli_die(EXIT_BADINPUT, "cannot write '%s': %s", path,
		    strerror(errno));
	chousa_buf_release(&b);
	cli_info("wrote %s (mode 0600); every setting in it is commented "
	    "out", path);
	return EXIT_CLEAN;
}

static int
run_config(const struct cli_cmd *self, int argc, char **argv)
{
	static const char *const verbs[] = { "check", "init", NULL };
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
		cli_unknown_name(self, "subcommand", verb, verbs);
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
	"from: the config file and line, an environment variable, or the "
	"default.  --all lists every setting chousa knows.\n\n"
	"check reads the config file and the CHOUSA_* environment variables "
	"and prints every problem: an unknown section, key or variable "
	"(with the name meant, when it is close), a value that is not of "
	"its kind or out of range (and what is used instead), a quote left "
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
	"\"default\")'"
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
	const char *const *sources = cli_source_sections();
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
		const struct chousa_source *s = source_of(sources[i]);

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
