/*
 * export.c: `chousa export`.  Reads the store once, as one merged record
 * per indicator (chousa_store_foreach_indicator), leaves out what the
 * filters and the known-benign lists exclude, prepares each indicator once
 * and hands it to the format; counts what each file holds and why each
 * indicator left out was.  With --delta it also compares what it wrote
 * with a state file from the last run and has the format write the
 * additions and removals in the engine's live form.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/hash.h"
#include "base/mem.h"
#include "export/export.h"

/* Values longer than this are no indicator any engine takes. */
#define VALUE_MAX	8192
/* Metadata is cut to this, on a character boundary. */
#define META_MAX	1024

const char *
chousa_export_why_name(int why)
{
	static const char *const names[CHOUSA_EXPORT_WHY_COUNT] = {
		"family", "confidence", "since", "inactive", "benign",
		"type", "value", "scheme"
	};

	if (why < 0 || why >= CHOUSA_EXPORT_WHY_COUNT)
		return "unknown";
	return names[why];
}

/* ---- helpers for the formats ---- */

void
export_refuse(struct export_run *r)
{
	r->refused = CHOUSA_EXPORT_WHY_VALUE + 1;
}

void
export_refuse_why(struct export_run *r, int why)
{
	r->refused = why + 1;
}

void
export_date(char *out, int64_t t)
{
	if (t <= 0 || t > 253402300799) {	/* past 9999-12-31 */
		out[0] = '\0';
		return;
	}
	chousa_time_format(t, out, 21);
}

const char *
export_tlp_upper(const struct export_run *r)
{
	static const char *const names[][2] = {
		{ "clear", "CLEAR" }, { "green", "GREEN" },
		{ "amber", "AMBER" }, { "amber+strict", "AMBER+STRICT" },
		{ "red", "RED" }
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(r->tlp, names[i][0]) == 0)
			return names[i][1];
	return "CLEAR";
}

uint64_t
export_key(int type, const char *value)
{
	return chousa_fnv1a64(CHOUSA_FNV64_INIT ^ (uint64_t)type, value,
	    strlen(value));
}

int
export_is_hostname(const char *v)
{
	size_t label = 0, n = 0;

	for (; *v != '\0'; v++, n++) {
		unsigned char c = (unsigned char)*v;

		if (c == '.') {
			if (label == 0 || label > 63 || v[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
		if (label == 0 && c == '-')
			return 0;
		label++;
	}
	return n > 0 && n <= 253 && label > 0 && label <= 63;
}

static size_t
map_slot(const struct export_map *m, const char *key)
{
	uint64_t h = export_key(0, key);
	size_t i;

	for (i = (size_t)h & (m->n_slots - 1); m->slots[i] != 0;
	    i = (i + 1) & (m->n_slots - 1))
		if (strcmp(m->keys[m->slots[i] - 1], key) == 0)
			break;
	return i;
}

int
export_map_find(struct export_map *m, const char *key, size_t *index,
    int *added, struct chousa_err *err)
{
	size_t i;

	*added = 0;
	if (m->n_slots > 0) {
		i = map_slot(m, key);
		if (m->slots[i] != 0) {
			*index = m->slots[i] - 1;
			return CHOUSA_OK;
		}
	}
	if ((m->n + 1) * 2 > m->n_slots) {
		struct export_map t = *m;
		size_t j;

		t.n_slots = m->n_slots ? m->n_slots * 2 : 64;
		t.slots = mem_alloc(t.n_slots * sizeof(*t.slots));
		if (t.slots == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		for (j = 0; j < m->n; j++)
			t.slots[map_slot(&t, m->keys[j])] = j + 1;
		mem_free(m->slots);
		*m = t;
	}
	if (MEM_GROW(m->keys, m->n, m->cap, 16, 0) != CHOUSA_OK)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	m->keys[m->n] = mem_strdup(key);
	if (m->keys[m->n] == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	m->slots[map_slot(m, key)] = m->n + 1;
	*index = m->n++;
	*added = 1;
	return CHOUSA_OK;
}

void
export_map_release(struct export_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		mem_free(m->keys[i]);
	mem_free(m->keys);
	mem_free(m->slots);
	memset(m, 0, sizeof(*m));
}

void
export_cat(struct chousa_buf *b, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, b);
	for (;;) {
		s = va_arg(ap, const char *);
		if (s == NULL)
			break;
		chousa_buf_add(b, s, strlen(s));
	}
	va_end(ap);
}

void
export_hex64(char out[17], uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[16] = '\0';
}

void
export_jw_kv(struct chousa_jw *w, const char *key, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	chousa_jw_kstr(w, key, value);
}

/* ---- the run ---- */

struct core {
	struct export_run	 run;
	struct chousa_err	*err;
	struct chousa_arena	*arena;
	const char		**family_ids;	/* --family, resolved */
	size_t			 n_families;
	struct chousa_buf	 meta;		/* printable metadata */
	struct chousa_buf	 desc;
	int64_t			 active_since;
	/* --delta */
	struct export_file	*state;
	char			*line;		/* a state line */
	struct delta_key {
		uint64_t	key;
		uint64_t	meta;
		int		used;
		int		seen;
	}			*keys;
	size_t			 keys_cap;
};

static int
value_ok(const char *v)
{
	size_t len = strlen(v), i;

	if (len == 0 || len > VALUE_MAX ||
	    chousa_utf8_valid_prefix(v, len) != len)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return 1;
}

/* Feed text made one safe line, cut to META_MAX; offset into c->meta. */
static size_t
printable(struct core *c, const char *s)
{
	size_t at = c->meta.len, len, i;

	if (s == NULL || s[0] == '\0')
		return (size_t)-1;
	len = strlen(s);
	if (len > META_MAX)
		len = chousa_utf8_valid_prefix(s, META_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			break;
	if (i == len)
		chousa_buf_add(&c->meta, s, len);
	else
		chousa_esc_text(&c->meta, s, len);
	chousa_buf_addch(&c->meta, '\0');
	return at;
}

static const char *
meta_at(const struct core *c, size_t at)
{
	return at == (size_t)-1 || c->meta.failed ? NULL : c->meta.data + at;
}

/* The one-line description every format carries somewhere. */
static void
describe(struct core *c, struct export_item *it)
{
	const struct chousa_export_row *row = it->row;
	struct chousa_buf *b = &c->desc;

	chousa_buf_reset(b);
	if (it->family_name != NULL && it->family != NULL)
		chousa_buf_addf(b, "%s (%s)", it->family_name, it->family);
	else if (it->family != NULL)
		chousa_buf_adds(b, it->family);
	else
		chousa_buf_adds(b, "unknown family");
	if (it->threat != NULL)
		chousa_buf_addf(b, ", %s", it->threat);
	if (row->port != 0)
		chousa_buf_addf(b, ", port %u", row->port);
	if (row->confidence >= 0)
		chousa_buf_addf(b, ", confidence %d", row->confidence);
	else
		chousa_buf_adds(b, ", confidence unknown");
	if (it->first[0] != '\0')
		chousa_buf_addf(b, ", first seen %.10s", it->first);
	if (it->last[0] != '\0')
		chousa_buf_addf(b, ", last seen %.10s", it->last);
	if (row->status != NULL && strcmp(row->status, "online") == 0)
		chousa_buf_adds(b, ", online");
	if (it->sources != NULL)
		chousa_buf_addf(b, ", from %s", it->sources);
	it->desc = b->failed ? "" : b->data;
}

/* Which filter leaves row out, or -1. */
static int
filtered(struct core *c, const struct chousa_export_row *row)
{
	const struct chousa_export_opts *o = c->run.opts;
	int64_t seen = row->last_seen > 0 ? row->last_seen : row->first_seen;
	size_t i;

	if (c->n_families > 0) {
		for (i = 0; i < c->n_families; i++)
			if (row->family != NULL &&
			    strcasecmp(row->family, c->family_ids[i]) == 0)
				break;
		if (i == c->n_families)
			return CHOUSA_EXPORT_WHY_FAMILY;
	}
	if (o->min_confidence >= 0 && row->confidence < o->min_confidence)
		return CHOUSA_EXPORT_WHY_CONFIDENCE;
	if (o->since > 0 && seen < o->since)
		return CHOUSA_EXPORT_WHY_SINCE;
	if (o->active_days > 0 && seen < c->active_since &&
	    (row->status == NULL || strcmp(row->status, "online") != 0))
		return CHOUSA_EXPORT_WHY_INACTIVE;
	if (row->benign_list != NULL && !o->include_benign)
		return CHOUSA_EXPORT_WHY_BENIGN;
	if (!(c->run.fmt->types & CHOUSA_IOC_BIT(row->type)))
		return CHOUSA_EXPORT_WHY_TYPE;
	if (!value_ok(row->value))
		return CHOUSA_EXPORT_WHY_VALUE;
	return -1;
}

static void
left_out(struct core *c, int why, int type)
{
	struct chousa_export_report *rep = c->run.rep;

	rep->left_out[why]++;
	if (type >= 0 && type < CHOUSA_IOC_TYPE_COUNT)
		rep->left_out_type[why][type]++;
}

/* ---- --delta ---- */

#define STATE_HEADER	"# chousa export state 1 format="
#define STATE_LINE_MAX	(VALUE_MAX + 128)

static struct delta_key *
key_find(struct core *c, uint64_t key)
{
	size_t i;

	if (c->keys_cap == 0)
		return NULL;
	for (i = (size_t)(key >> 20) & (c->keys_cap - 1); c->keys[i].used;
	    i = (i + 1) & (c->keys_cap - 1))
		if (c->keys[i].key == key)
			return &c->keys[i];
	return &c->keys[i];
}

static int
key_add(struct core *c, uint64_t key, uint64_t meta, size_t *n)
{
	struct delta_key *k;

	if ((*n + 1) * 2 > c->keys_cap) {
		struct delta_key *old = c->keys;
		size_t old_cap = c->keys_cap, i;

		c->keys_cap = old_cap ? old_cap * 2 : 4096;
		c->keys = mem_alloc(c->keys_cap * sizeof(*c->keys));
		if (c->keys == NULL) {
			c->keys = old;
			c->keys_cap = old_cap;
			return CHOUSA_ENOMEM;
		}
		for (i = 0; i < old_cap; i++)
			if (old[i].used)
				*key_find(c, old[i].key) = old[i];
		mem_free(old);
	}
	k = key_find(c, key);
	if (!k->used)
		(*n)++;
	k->key = key;
	k->meta = meta;
	k->used = 1;
	return CHOUSA_OK;
}

/*
 * Read one state line: "KEY META TYPE VALUE".  0 at the end, 1 for a
 * line, -1 for a damaged one.
 */
static int
state_line(FILE *fp, char *line, size_t size, uint64_t *key,
    uint64_t *meta, int *type, char **value)
{
	char *p, *end;
	size_t len;

	do {
		if (fgets(line, (int)size, fp) == NULL)
			return 0;
	} while (line[0] == '#');
	len = strlen(line);
	if (len == 0 || line[len - 1] != '\n')
		return -1;
	line[--len] = '\0';
	*key = strtoull(line, &end, 16);
	if (end != line + 16 || *end != ' ')
		return -1;
	*meta = strtoull(end + 1, &p, 16);
	if (p != end + 17 || *p != ' ')
		return -1;
	end = strchr(p + 1, ' ');
	if (end == NULL)
		return -1;
	*end = '\0';
	*type = chousa_ioc_type_from_name(p + 1);
	*value = end + 1;
	if (*type == CHOUSA_IOC_NONE || (*value)[0] == '\0')
		return -1;
	return 1;
}

static int
state_damaged(struct core *c, unsigned long lineno)
{
	return chousa_errf(c->err, CHOUSA_EPARSE, "state file '%s' is "
	    "damaged at line %lu (remove it to start over)",
	    c->run.opts->delta_state, lineno);
}

/* The old state, or *fp NULL when there is none: the first run. */
static int
state_open(struct core *c, FILE **fp)
{
	const char *path = c->run.opts->delta_state;

	*fp = fopen(path, "r");
	if (*fp != NULL || errno == ENOENT)
		return CHOUSA_OK;
	return chousa_errf(c->err, CHOUSA_EIO, "cannot read state file "
	    "'%s': %s", path, strerror(errno));
}

static int
delta_begin(struct core *c)
{
	const char *path = c->run.opts->delta_state;
	char *line, want[128];
	FILE *fp;
	size_t n = 0;
	unsigned long lineno = 1;
	uint64_t key, meta;
	char *value;
	int type, got, rc;

	rc = export_open_path(&c->run, path, &c->state, c->err);
	if (rc == CHOUSA_OK) {
		c->line = mem_alloc(STATE_LINE_MAX);
		if (c->line == NULL)
			rc = chousa_errf(c->err, CHOUSA_ENOMEM,
			    "out of memory");
	}
	if (rc == CHOUSA_OK)
		rc = state_open(c, &fp);
	if (rc != CHOUSA_OK)
		return rc;
	line = c->line;
	snprintf(want, sizeof(want), STATE_HEADER "%s\n", c->run.fmt->name);
	chousa_buf_adds(&c->state->buf, want);
	if (fp == NULL)
		return CHOUSA_OK;
	if (fgets(line, STATE_LINE_MAX, fp) == NULL ||
	    strncmp(line, STATE_HEADER, strlen(STATE_HEADER)) != 0)
		rc = state_damaged(c, 1);
	else if (strcmp(line, want) != 0)
		rc = chousa_errf(c->err, CHOUSA_EINVAL, "state file '%s' is "
		    "of another format (%.*s); give each export its own",
		    path, (int)strcspn(line + strlen(STATE_HEADER), "\n"),
		    line + strlen(STATE_HEADER));
	while (rc == CHOUSA_OK) {
		got = state_line(fp, line, STATE_LINE_MAX, &key, &meta, &type,
		    &value);
		if (got == 0)
			break;
		lineno++;
		if (got < 0)
			rc = state_damaged(c, lineno);
		else if (key_add(c, key, meta, &n) != CHOUSA_OK)
			rc = chousa_errf(c->err, CHOUSA_ENOMEM,
			    "out of memory");
	}
	if (rc == CHOUSA_OK && ferror(fp))
		rc = chousa_errf(c->err, CHOUSA_EIO, "cannot read state "
		    "file '%s'", path);
	fclose(fp);
	return rc;
}

static uint64_t
meta_hash(const struct export_item *it)
{
	const char *parts[2] = { it->desc, it->reference };
	/* Not CHOUSA_FNV64_INIT: the delta state files hold these values. */
	uint64_t h = 1469598103934665603ull;
	const unsigned char end = 0xff;
	int i;

	for (i = 0; i < 2; i++) {
		const char *p = parts[i] != NULL ? parts[i] : "";

		h = chousa_fnv1a64(h, p, strlen(p));
		h = chousa_fnv1a64(h, &end, 1);
	}
	return h;
}

/* One indicator written: record it, and tell the format when it is new. */
static int
delta_item(struct core *c, const struct export_item *it)
{
	struct export_run *r = &c->run;
	uint64_t key = export_key(it->row->type, it->row->value);
	uint64_t meta = meta_hash(it);
	struct delta_key *k = key_find(c, key);
	int rc;

	chousa_buf_addf(&c->state->buf, "%016llx %016llx %s %s\n",
	    (unsigned long long)key, (unsigned long long)meta,
	    chousa_ioc_type_name(it->row->type), it->row->value);
	rc = export_entry(c->state, c->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (k != NULL && k->used) {
		k->seen = 1;
		if (k->meta == meta)
			return CHOUSA_OK;
	}
	r->rep->n_added++;
	return r->fmt->added(r, it, c->err);
}

/* What the old state holds and this run did not write: removed. */
static int
delta_end(struct core *c)
{
	struct export_run *r = &c->run;
	uint64_t key, meta;
	char *value;
	FILE *fp;
	int type, rc;

	if (c->keys_cap == 0)
		return CHOUSA_OK;
	rc = state_open(c, &fp);
	if (rc != CHOUSA_OK || fp == NULL)
		return rc;
	while (rc == CHOUSA_OK && state_line(fp, c->line, STATE_LINE_MAX,
	    &key, &meta, &type, &value) > 0) {
		struct delta_key *k = key_find(c, key);

		if (k != NULL && k->used && !k->seen) {
			k->seen = 1;
			r->rep->n_removed++;
			rc = r->fmt->removed(r, type, value, c->err);
		}
	}
	fclose(fp);
	return rc;
}

/* ---- one indicator ---- */

static int
on_row(void *arg, const struct chousa_export_row *row)
{
	struct core *c = arg;
	struct export_run *r = &c->run;
	struct export_item it;
	size_t family, name, reference, threat, sources;
	int why, rc;

	r->rep->n_read++;
	why = filtered(c, row);
	if (why >= 0) {
		left_out(c, why, row->type);
		return CHOUSA_OK;
	}
	memset(&it, 0, sizeof(it));
	it.row = row;
	it.score = row->confidence >= 0 ? row->confidence : 50;
	if (it.score > 100)
		it.score = 100;
	export_date(it.first, row->first_seen);
	export_date(it.last, row->last_seen);
	chousa_buf_reset(&c->meta);
	family = printable(c, row->family);
	name = printable(c, row->family_name);
	reference = printable(c, row->reference);
	threat = printable(c, row->threat);
	sources = printable(c, row->sources);
	it.family = meta_at(c, family);
	it.family_name = meta_at(c, name);
	it.reference = meta_at(c, reference);
	it.threat = meta_at(c, threat);
	it.sources = meta_at(c, sources);
	describe(c, &it);
	r->refused = 0;
	rc = r->fmt->item(r, &it, c->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (r->refused) {
		left_out(c, r->refused - 1, row->type);
		return CHOUSA_OK;
	}
	r->rep->n_written++;
	return c->state != NULL ? delta_item(c, &it) : CHOUSA_OK;
}

/* ---- setting up ---- */

static int
resolve_families(struct core *c, const char *list)
{
	const char *p = list, *end;
	size_t n = 1, i = 0;

	for (end = list; *end != '\0'; end++)
		n += *end == ',';
	c->family_ids = chousa_arena_alloc(c->arena, n * sizeof(char *));
	if (c->family_ids == NULL)
		return chousa_errf(c->err, CHOUSA_ENOMEM, "out of memory");
	for (; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		struct chousa_family f;
		char *label;

		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		label = chousa_arena_strndup(c->arena, p, (size_t)(end - p));
		if (label == NULL)
			return chousa_errf(c->err, CHOUSA_ENOMEM,
			    "out of memory");
		/* A label no catalogue knows is compared as it is. */
		if (chousa_store_family(c->run.st, c->arena, label, &f,
		    NULL) == CHOUSA_OK)
			label = (char *)f.id;
		c->family_ids[i++] = label;
	}
	c->n_families = i;
	if (i == 0)
		return chousa_errf(c->err, CHOUSA_EINVAL, "--family names "
		    "no family");
	return CHOUSA_OK;
}

static char *
dir_of(struct chousa_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return chousa_arena_strdup(a, ".");
	if (slash == path)
		return chousa_arena_strdup(a, "/");
	return chousa_arena_strndup(a, path, (size_t)(slash - path));
}

static int	deploy_dir_ok(const char *d);

int
export_place(struct export_run *r, struct chousa_arena *a,
    struct chousa_err *err)
{
	const struct export_format *fmt = r->fmt;
	int rc = CHOUSA_OK;
	const char *out = r->opts->out;
	struct stat sb;
	int to_stdout = out == NULL || strcmp(out, "-") == 0;
	int is_dir = !to_stdout && stat(out, &sb) == 0 && S_ISDIR(sb.st_mode);

	if (fmt->flags & EXPORT_F_DIR) {
		if (to_stdout)
			return chousa_errf(err, CHOUSA_EINVAL, "format '%s' "
			    "writes a directory: give one with -o DIR",
			    fmt->name);
		if (!is_dir && mkdir(out, 0777) != 0)
			return chousa_errf(err, CHOUSA_EIO, "cannot create "
			    "directory '%s': %s", out, strerror(errno));
		r->dir = chousa_arena_strdup(a, out);
	} else if (is_dir && (fmt->flags & EXPORT_F_SPLIT)) {
		r->dir = chousa_arena_strdup(a, out);
	} else if (is_dir) {
		r->dir = chousa_arena_strdup(a, out);
		r->file = chousa_arena_printf(a, "%s/%s", out,
		    fmt->file);
		if (r->file == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
	} else if (!to_stdout) {
		r->file = out;
		r->dir = dir_of(a, out);
	}
	if (!to_stdout && r->dir == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (r->opts->delta_state != NULL && to_stdout)
		return chousa_errf(err, CHOUSA_EINVAL, "--delta writes "
		    "files beside the export: give -o");
	r->deploy = r->opts->deploy_dir != NULL ? r->opts->deploy_dir : r->dir;
	/*
	 * A snippet names the files by the directory's absolute path: a
	 * relative one would be read from wherever the engine runs, and the
	 * team server's export (given the client's directory so) writes the
	 * same bytes.  A path YAML or SQL would need quoted stays as given.
	 */
	if (r->opts->deploy_dir == NULL && r->dir != NULL &&
	    (fmt->flags & EXPORT_F_DEPLOY)) {
		char *abs = realpath(r->dir, NULL);

		if (abs != NULL && deploy_dir_ok(abs) &&
		    (r->deploy = chousa_arena_strdup(a, abs)) == NULL)
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		free(abs);
	}
	return rc;
}

/* An absolute path that YAML and SQL take as is: no quoting needed. */
static int
deploy_dir_ok(const char *d)
{
	size_t n = strlen(d);

	if (d[0] != '/' || n > 1024)
		return 0;
	return strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-") == n;
}

static int
check_opts(struct core *c)
{
	const struct chousa_export_opts *o = c->run.opts;
	static const char *const tlps[] = { "clear", "white", "green",
	    "amber", "amber+strict", "red" };
	size_t i;

	c->run.tlp = "clear";
	if (o->tlp != NULL) {
		for (i = 0; i < sizeof(tlps) / sizeof(tlps[0]); i++)
			if (strcasecmp(o->tlp, tlps[i]) == 0)
				break;
		if (i == sizeof(tlps) / sizeof(tlps[0]))
			return chousa_errf(c->err, CHOUSA_EINVAL, "unknown TLP "
			    "'%s' (clear, green, amber, amber+strict, red)",
			    o->tlp);
		c->run.tlp = i == 1 ? "clear" : tlps[i];
	}
	if (o->delta_state != NULL && !(c->run.fmt->flags & EXPORT_F_DELTA))
		return chousa_errf(c->err, CHOUSA_EINVAL, "format '%s' takes "
		    "no --delta (zeek-intel, suricata, ecs, csv and txt do)",
		    c->run.fmt->name);
	if (o->min_confidence > 100)
		return chousa_errf(c->err, CHOUSA_EINVAL, "--min-confidence "
		    "is 0 to 100");
	if (o->active_days < 0)
		return chousa_errf(c->err, CHOUSA_EINVAL, "--active takes a "
		    "number of days");
	if (o->deploy_dir != NULL && !deploy_dir_ok(o->deploy_dir))
		return chousa_errf(c->err, CHOUSA_EINVAL, "--deploy-dir must "
		    "be an absolute path of letters, digits and / . _ - (it "
		    "goes into YAML and SQL as is)");
	return CHOUSA_OK;
}

int
chousa_export(struct chousa_store *st, const struct chousa_export_opts *opts,
    struct chousa_export_report *rep, struct chousa_err *err)
{
	struct chousa_export_report local;
	struct export_run *r;
	struct chousa_export_query q;
	struct core *c;
	int rc;

	if (opts == NULL || opts->format == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no export format");
	c = mem_alloc(sizeof(*c));
	if (c == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r = &c->run;
	c->err = err;
	chousa_buf_init(&c->meta, 0);
	chousa_buf_init(&c->desc, 0);
	chousa_buf_init(&r->line, 0);
	r->rep = rep != NULL ? rep : &local;
	memset(r->rep, 0, sizeof(*r->rep));
	r->rep->delta = opts->delta_state != NULL;
	r->opts = opts;
	r->st = st;
	r->fmt = export_format_find(opts->format);
	rc = chousa_arena_new(&c->arena, 0, err);
	if (rc != CHOUSA_OK)
		goto out;
	if (r->fmt == NULL) {
		rc = chousa_errf(err, CHOUSA_EINVAL, "unknown export format "
		    "'%s'", opts->format);
		goto out;
	}
	rc = check_opts(c);
	if (rc == CHOUSA_OK && opts->families != NULL)
		rc = resolve_families(c, opts->families);
	if (rc != CHOUSA_OK)
		goto out;
	r->now = opts->now > 0 ? opts->now : (int64_t)time(NULL);
	r->stamp = opts->stamp;
	if (r->stamp <= 0) {
		rc = chousa_store_changed_at(st, &r->stamp, err);
		if (rc != CHOUSA_OK)
			goto out;
		if (r->stamp <= 0)
			r->stamp = r->now;
	}
	c->active_since = r->now - (int64_t)opts->active_days * 86400;
	rc = export_place(r, c->arena, err);
	if (rc == CHOUSA_OK && opts->delta_state != NULL)
		rc = delta_begin(c);
	if (rc == CHOUSA_OK && r->fmt->begin != NULL)
		rc = r->fmt->begin(r, err);
	if (rc != CHOUSA_OK)
		goto out;
	memset(&q, 0, sizeof(q));
	q.types = opts->types;
	q.sources = opts->sources;
	q.check_benign = !opts->include_benign;
	rc = chousa_store_foreach_indicator(st, &q, on_row, c, err);
	if (rc == CHOUSA_OK && c->state != NULL)
		rc = delta_end(c);
	if (rc == CHOUSA_OK && r->fmt->end != NULL)
		rc = r->fmt->end(r, err);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(&c->meta, "an indicator's metadata", err);
	if (rc == CHOUSA_OK)
		rc = export_commit(r, err);
out:
	if (r->fmt != NULL && r->fmt->release != NULL && r->state != NULL)
		r->fmt->release(r);
	mem_free(r->state);
	export_discard(r);
	chousa_buf_release(&c->meta);
	chousa_buf_release(&c->desc);
	chousa_buf_release(&r->line);
	chousa_arena_free(c->arena);
	mem_free(c->keys);
	mem_free(c->line);
	mem_free(c);
	return rc;
}
