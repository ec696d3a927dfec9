/*
 * config.c: the INI config.  [section] and key = value lines, '#' and ';'
 * comments; values may be quoted.  Environment variables
 * CHOUSA_<SECTION>_<KEY> win over the file, so CI and one-off runs need no
 * file.  A file that holds API keys must not be readable by others: that is
 * checked here, before any key is used.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "chousa.h"
#include "base/mem.h"

#define CONFIG_MAX_SIZE		((size_t)1 << 20)
#define CONFIG_MAX_ENTRIES	4096
#define CONFIG_MAX_TOKEN	4096

struct config_entry {
	char	*section;
	char	*key;
	char	*value;
};

struct chousa_config {
	struct config_entry	*entries;
	size_t			 n_entries;
	char			*path;
	char			 env_name[160];	/* scratch for get() */
};

void
chousa_config_free(struct chousa_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_entries; i++) {
		mem_free(c->entries[i].section);
		mem_free(c->entries[i].key);
		mem_free(c->entries[i].value);
	}
	mem_free(c->entries);
	mem_free(c->path);
	mem_free(c);
}

static struct chousa_str
trim(const char *p, size_t len)
{
	while (len > 0 && isspace((unsigned char)*p)) {
		p++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	return (struct chousa_str){ p, len };
}

/* Lower-case copy; names are case-insensitive. */
static char *
lower_dup(struct chousa_str s)
{
	char *d = mem_strndup(s.p, s.len);
	size_t i;

	if (d != NULL)
		for (i = 0; i < s.len; i++)
			d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
valid_name(struct chousa_str s)
{
	size_t i;

	if (s.len == 0 || s.len > 64)
		return 0;
	for (i = 0; i < s.len; i++)
		if (!isalnum((unsigned char)s.p[i]) && s.p[i] != '_' &&
		    s.p[i] != '-' && s.p[i] != '.')
			return 0;
	return 1;
}

static int
add_entry(struct chousa_config *c, struct chousa_str section,
    struct chousa_str key, struct chousa_str value, const char *name,
    size_t line, struct chousa_err *err)
{
	struct config_entry *e;

	if (c->n_entries >= CONFIG_MAX_ENTRIES)
		return chousa_errf(err, CHOUSA_ELIMIT,
		    "too many settings in '%s' (limit %d)", name,
		    CONFIG_MAX_ENTRIES);
	if (value.len >= 2 && (value.p[0] == '"' || value.p[0] == '\'') &&
	    value.p[value.len - 1] == value.p[0]) {
		value.p++;
		value.len -= 2;
	}
	if (memchr(value.p, '\0', value.len) != NULL)
		return chousa_errf(err, CHOUSA_EPARSE,
		    "NUL byte in '%s' line %zu", name, line);
	e = mem_realloc(c->entries, (c->n_entries + 1) * sizeof(*e));
	if (e == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	c->entries = e;
	e = &c->entries[c->n_entries];
	e->section = lower_dup(section);
	e->key = lower_dup(key);
	e->value = mem_strndup(value.p, value.len);
	if (e->section == NULL || e->key == NULL || e->value == NULL) {
		mem_free(e->section);
		mem_free(e->key);
		mem_free(e->value);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	c->n_entries++;
	return CHOUSA_OK;
}

int
chousa_config_parse(struct chousa_config **out, const char *text, size_t len,
    const char *name, struct chousa_err *err)
{
	struct chousa_config *c;
	struct chousa_str section = CHOUSA_STR("");
	size_t pos = 0, line = 0;
	int rc = CHOUSA_OK;

	if (len > CONFIG_MAX_SIZE)
		return chousa_errf(err, CHOUSA_ELIMIT,
		    "config '%s' is over %zu bytes", name, CONFIG_MAX_SIZE);
	c = mem_alloc(sizeof(*c));
	if (c == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	/* The UTF-8 byte order mark Windows editors put first. */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct chousa_str l = trim(text + pos, end - pos);
		const char *eq;

		pos = end + 1;
		line++;
		if (l.len > CONFIG_MAX_TOKEN) {
			rc = chousa_errf(err, CHOUSA_ELIMIT,
			    "line %zu of '%s' is too long", line, name);
			goto out;
		}
		if (l.len == 0 || l.p[0] == '#' || l.p[0] == ';')
			continue;
		if (l.p[0] == '[') {
			if (l.p[l.len - 1] != ']') {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "unclosed section in '%s' line %zu",
				    name, line);
				goto out;
			}
			section = trim(l.p + 1, l.len - 2);
			if (!valid_name(section)) {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "bad section name in '%s' line %zu",
				    name, line);
				goto out;
			}
			continue;
		}
		eq = memchr(l.p, '=', l.len);
		if (eq == NULL) {
			rc = chousa_errf(err, CHOUSA_EPARSE,
			    "expected 'key = value' in '%s' line %zu",
			    name, line);
			goto out;
		}
		{
			struct chousa_str key = trim(l.p, (size_t)(eq - l.p));
			struct chousa_str value = trim(eq + 1,
			    l.len - (size_t)(eq - l.p) - 1);

			if (!valid_name(key)) {
				rc = chousa_errf(err, CHOUSA_EPARSE,
				    "bad key name in '%s' line %zu", name,
				    line);
				goto out;
			}
			rc = add_entry(c, section, key, value, name, line,
			    err);
			if (rc != CHOUSA_OK)
				goto out;
		}
	}
out:
	if (rc != CHOUSA_OK) {
		chousa_config_free(c);
		return rc;
	}
	*out = c;
	return CHOUSA_OK;
}

static int
has_api_key(const struct chousa_config *c)
{
	size_t i;

	for (i = 0; i < c->n_entries; i++)
		if (strcmp(c->entries[i].key, "api_key") == 0 ||
		    strcmp(c->entries[i].key, "auth_key") == 0)
			return 1;
	return 0;
}

static int
default_config_path(struct chousa_buf *b)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		chousa_buf_addf(b, "%s/chousa/config", xdg);
	else if (home != NULL && home[0] != '\0')
		chousa_buf_addf(b, "%s/.config/chousa/config", home);
	else
		return 0;
	return b->failed == CHOUSA_OK;
}

int
chousa_config_load(struct chousa_config **out, const char *path,
    struct chousa_err *err)
{
	struct chousa_buf pbuf, text;
	struct chousa_config *c = NULL;
	struct stat sb;
	int explicit = 1, rc = CHOUSA_OK;
	FILE *fp = NULL;
	char chunk[8192];
	size_t n;

	chousa_buf_init(&pbuf, 4096);
	chousa_buf_init(&text, CONFIG_MAX_SIZE + 1);
	if (path == NULL || path[0] == '\0') {
		const char *env = getenv("CHOUSA_CONFIG");

		if (env != NULL && env[0] != '\0')
			chousa_buf_adds(&pbuf, env);
		else {
			explicit = 0;
			if (!default_config_path(&pbuf))
				goto empty;
		}
	} else
		chousa_buf_adds(&pbuf, path);
	rc = chousa_buf_rc(&pbuf, "config path", err);
	if (rc != CHOUSA_OK)
		goto out;
	fp = fopen(pbuf.data, "r");
	if (fp == NULL) {
		if (!explicit && errno == ENOENT)
			goto empty;
		rc = chousa_errf(err, CHOUSA_EIO, "cannot read config '%s': %s",
		    pbuf.data, strerror(errno));
		goto out;
	}
	if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		rc = chousa_errf(err, CHOUSA_EIO,
		    "config '%s' is not a regular file", pbuf.data);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		chousa_buf_add(&text, chunk, n);
	if (ferror(fp)) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot read config '%s'",
		    pbuf.data);
		goto out;
	}
	rc = chousa_buf_rc(&text, "the config", err);
	if (rc != CHOUSA_OK)
		goto out;
	rc = chousa_config_parse(&c, text.data, text.len, pbuf.data, err);
	if (rc != CHOUSA_OK)
		goto out;
	if (has_api_key(c) && (sb.st_mode & 077) != 0) {
		rc = chousa_errf(err, CHOUSA_EPERM,
		    "config '%s' holds API keys but others can read it; "
		    "run: chmod 600 '%s'", pbuf.data, pbuf.data);
		goto out;
	}
	c->path = mem_strdup(pbuf.data);
	if (c->path == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	goto done;
empty:
	rc = chousa_config_parse(&c, "", 0, "(none)", err);
	if (rc != CHOUSA_OK)
		goto out;
done:
	*out = c;
	c = NULL;
out:
	if (fp != NULL)
		fclose(fp);
	chousa_config_free(c);
	chousa_buf_release(&pbuf);
	chousa_buf_release(&text);
	return rc;
}

/* getenv("CHOUSA_<SECTION>_<SUFFIX>"), upper-cased, '-' and '.' as '_'. */
static const char *
env_lookup(struct chousa_config *c, const char *section, const char *suffix)
{
	size_t j;
	int n;

	n = snprintf(c->env_name, sizeof(c->env_name), "CHOUSA_%s_%s",
	    section, suffix);
	if (n < 0 || (size_t)n >= sizeof(c->env_name))
		return NULL;
	for (j = 0; c->env_name[j] != '\0'; j++) {
		char ch = c->env_name[j];

		c->env_name[j] = (ch == '-' || ch == '.') ? '_' :
		    (char)toupper((unsigned char)ch);
	}
	return getenv(c->env_name);
}

const char *
chousa_config_get(const struct chousa_config *c, const char *section,
    const char *key)
{
	struct chousa_config *mc = (struct chousa_config *)c;
	const char *env;
	size_t i;

	env = env_lookup(mc, section, key);
	/* The documented short forms: CHOUSA_VIRUSTOTAL_KEY, ..._URL. */
	if (env == NULL && strcmp(key, "api_key") == 0)
		env = env_lookup(mc, section, "key");
	if (env == NULL && strcmp(key, "base_url") == 0)
		env = env_lookup(mc, section, "url");
	if (env != NULL)
		return env;
	for (i = c->n_entries; i > 0; i--) {
		const struct config_entry *e = &c->entries[i - 1];

		if (strcasecmp(e->section, section) == 0 &&
		    strcasecmp(e->key, key) == 0)
			return e->value;
	}
	return NULL;
}

long
chousa_config_get_long(const struct chousa_config *c, const char *section,
    const char *key, long def)
{
	const char *v = chousa_config_get(c, section, key);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return n;
}

const char *
chousa_config_path(const struct chousa_config *c)
{
	return c->path;
}
