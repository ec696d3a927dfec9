/*
 * config.c: the documents of `chousa config` (the settings in effect,
 * keys masked, each with where it came from), `config check` (what is
 * wrong in the file and the environment) and `config init` (a commented
 * template), as text and JSON.  All of them come from the library's one
 * table of settings (chousa_config_keys()).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "chousa.h"

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

/*
 * What stands in for a value chousa does not take, or what refuses it
 * (into buf), or NULL when it is taken.
 */
static const char *
refused(const struct chousa_config *c, const struct chousa_config_key *k,
    const char *section, const char *v, char *buf, size_t size)
{
	struct chousa_err err;
	int b;

	if (k->word != NULL && strcmp(v, k->word) == 0)
		return NULL;
	if (chousa_config_value_refused(section, k->key, v, &err) != NULL) {
		snprintf(buf, size, "refused: %s", err.msg);
		return buf;
	}
	if ((k->type == CHOUSA_CFG_NUMBER || k->type == CHOUSA_CFG_SIZE) &&
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
	    o->env[0] != '\0' ? "environment" : o->credential ? "credential" :
	    "file");
	chousa_jw_key(w, "env");
	chousa_jw_strn_or_null(w, o->env, strlen(o->env));
	chousa_jw_kstr(w, "file", o->file);
	chousa_jw_kint_if(w, "line", (int64_t)o->line, o->file != NULL &&
	    !o->credential);
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
	else if (o->credential) {
		chousa_buf_adds(b, "credential ");
		chousa_esc_text(b, o->file, strlen(o->file));
	} else {
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
	char dbuf[64], wbuf[sizeof(((struct chousa_err *)0)->msg) + 16];

	def = default_of(k, section, dbuf, sizeof(dbuf));
	if (v != NULL)
		why = refused(sh->c, k, section, v, wbuf, sizeof(wbuf));
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
for_each_section(struct show *sh, const char *const *sources)
{
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

static void
show(struct chousa_buf *b, const struct chousa_config *c,
    const char *const *sources, int all, int json)
{
	struct chousa_jw w;
	struct show sh = { c, b, json ? &w : NULL, all, 0 };
	const char *path = chousa_config_path(c);

	chousa_jw_init(&w, b);
	if (json) {
		chousa_jw_object(&w);
		chousa_jw_kstr(&w, "path", path);
		chousa_jw_key(&w, "settings");
		chousa_jw_array(&w);
	} else {
		chousa_buf_adds(b, "# config: ");
		if (path != NULL)
			chousa_esc_text(b, path, strlen(path));
		else
			chousa_buf_adds(b, "none (chousa config init writes "
			    "one)");
		chousa_buf_addch(b, '\n');
	}
	for_each_section(&sh, sources);
	if (json) {
		chousa_jw_array_end(&w);
		chousa_jw_object_end(&w);
		chousa_buf_addch(b, '\n');
	} else if (sh.n == 0)
		chousa_buf_adds(b, "# nothing is set: chousa runs on its "
		    "defaults ('chousa config --all' lists them)\n");
}

void
chousa_config_show_text(struct chousa_buf *b, const struct chousa_config *c,
    const char *const *sources, int all)
{
	show(b, c, sources, all, 0);
}

void
chousa_config_show_json(struct chousa_buf *b, const struct chousa_config *c,
    const char *const *sources, int all)
{
	show(b, c, sources, all, 1);
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

size_t
chousa_config_check_text(struct chousa_buf *b, const struct chousa_config *c,
    const char *const *sources, int quiet)
{
	struct problems p = { b, NULL, 0 };
	const char *path = chousa_config_path(c);

	chousa_config_check(c, sources, CHOUSA_CONFIG_CHECK_ENV_NAMES,
	    on_problem, &p);
	if (p.n == 0 && !quiet) {
		chousa_buf_adds(b, "ok: ");
		if (path != NULL)
			chousa_esc_text(b, path, strlen(path));
		else
			chousa_buf_adds(b, "no config file, and");
		chousa_buf_adds(b, " no problem found\n");
	}
	return p.n;
}

size_t
chousa_config_check_json(struct chousa_buf *b, const struct chousa_config *c,
    const char *const *sources)
{
	struct chousa_jw w;
	struct problems p = { b, &w, 0 };

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "problems");
	chousa_jw_array(&w);
	chousa_config_check(c, sources, CHOUSA_CONFIG_CHECK_ENV_NAMES,
	    on_problem, &p);
	chousa_jw_array_end(&w);
	chousa_jw_kstr(&w, "path", chousa_config_path(c));
	chousa_jw_kbool(&w, "ok", p.n == 0);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
	return p.n;
}

/* ---- the template ---- */

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

void
chousa_config_template(struct chousa_buf *b, const char *const *sources)
{
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
