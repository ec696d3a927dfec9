/*
 * store_export.c: the store read as one record per indicator, for
 * exports.  A table scan in rowid order, as fast as SQLite reads the table
 * (sorting a million rows by value would take longer than the export);
 * the few indicators that several sources list are found first from the
 * unique key's index (vhash, type), which is read without touching the
 * table, and merged when the scan first meets one of them.
 */
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "ioc/labels.h"
#include "store/store.h"
#include "base/hash.h"
#include "base/mem.h"

#define ROW_COLS "type, value, source, first_seen, last_seen, status," \
	" threat, family, tags, confidence, reference, port, host," \
	" regdomain, vhash, source_id"
enum {
	C_TYPE, C_VALUE, C_SOURCE, C_FIRST, C_LAST, C_STATUS, C_THREAT,
	C_FAMILY, C_TAGS, C_CONFIDENCE, C_REFERENCE, C_PORT, C_HOST,
	C_REGDOMAIN, C_VHASH, C_SOURCE_ID
};
/*
 * Listings only: an observation (what a sandbox report saw, benign hosts
 * included) is no indicator to alert on (docs/schema.md).  ?1 the type
 * mask, ?2 ",src1,src2," or NULL.
 */
#define ROW_FILTER " observation = 0" \
	" AND (?1 = 0 OR ((1 << type) & ?1) <> 0)" \
	" AND (?2 IS NULL OR instr(?2, ',' || source || ',') > 0)"

static const char scan_sql[] = "SELECT " ROW_COLS " FROM indicators"
    " WHERE" ROW_FILTER;
static const char shared_sql[] = "SELECT vhash, type FROM indicators"
    " WHERE" ROW_FILTER " GROUP BY vhash, type HAVING count(*) > 1";
static const char group_sql[] = "SELECT " ROW_COLS " FROM indicators"
    " WHERE vhash = ?3 AND type = ?4 AND" ROW_FILTER
    " ORDER BY value, source";

/* ---- the keys several sources share ---- */

struct shared_key {
	int64_t	vhash;
	int	type;		/* 0: an empty slot */
	int	done;		/* its records were merged and passed on */
};

struct shared_set {
	struct shared_key	*v;
	size_t			 cap;	/* a power of two */
	size_t			 n;
};

static size_t
key_slot(const struct shared_set *s, int64_t vhash, int type)
{
	uint64_t h = ((uint64_t)vhash ^ (uint64_t)type) *
	    0x9e3779b97f4a7c15ull;
	size_t i = (size_t)(h >> 17) & (s->cap - 1);

	while (s->v[i].type != 0 &&
	    (s->v[i].vhash != vhash || s->v[i].type != type))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
shared_add(struct shared_set *s, int64_t vhash, int type)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct shared_set t = { NULL, s->cap ? s->cap * 2 : 1024, 0 };
		size_t j;

		t.v = mem_alloc(t.cap * sizeof(*t.v));
		if (t.v == NULL)
			return CHOUSA_ENOMEM;
		for (j = 0; j < s->cap; j++)
			if (s->v[j].type != 0)
				t.v[key_slot(&t, s->v[j].vhash,
				    s->v[j].type)] = s->v[j];
		t.n = s->n;
		mem_free(s->v);
		*s = t;
	}
	i = key_slot(s, vhash, type);
	if (s->v[i].type == 0) {
		s->v[i].vhash = vhash;
		s->v[i].type = type;
		s->n++;
	}
	return CHOUSA_OK;
}

static struct shared_key *
shared_find(const struct shared_set *s, int64_t vhash, int type)
{
	size_t i;

	if (s->n == 0)
		return NULL;
	i = key_slot(s, vhash, type);
	return s->v[i].type != 0 ? &s->v[i] : NULL;
}

/* ---- the known-benign lists' entries ---- */

/* list: "name\0kind\0", as chousa_store_benign gives both. */
struct benign_str {
	size_t		entry;		/* offsets into text */
	size_t		list;
	int		used;
};

struct benign_net {
	uint8_t		addr[16];
	uint8_t		prefix;
	uint8_t		v6;
	uint8_t		used;
	size_t		entry;
	size_t		list;
};

struct benign_set {
	int			 loaded;	/* the table had rows */
	struct benign_str	*str;		/* hostname and string */
	size_t			 str_cap, n_str;
	struct benign_net	*net;		/* cidr */
	size_t			 net_cap, n_net;
	uint8_t			 v4[33], v6[129];	/* prefixes held */
	size_t			*sub;		/* substring: entry, list */
	size_t			 n_sub;
	struct chousa_buf	 text;		/* entries and list names */
};

/* ---- one walk ---- */

#define NAME_SLOTS	1024

struct walk {
	struct chousa_store		*st;
	const struct chousa_export_query *q;
	chousa_export_row_fn		 fn;
	void				*arg;
	struct chousa_err		*err;
	char				*source_list;	/* ",a,b," */
	struct shared_set		 shared;
	sqlite3_stmt			*group;
	struct benign_set		 benign;
	/* Family id -> catalogue name (direct-mapped). */
	struct store_memo		 names[NAME_SLOTS];
	/* The merged record's strings, for a shared indicator. */
	struct chousa_buf		 group_buf;
	struct chousa_buf		 group_sources;
};

static void
bind_filter(struct walk *w, sqlite3_stmt *s)
{
	sqlite3_bind_int64(s, 1, (sqlite3_int64)w->q->types);
	if (w->source_list != NULL)
		sqlite3_bind_text(s, 2, w->source_list, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

/*
 * A record's reference as an evidence link: a web address only.  Some
 * imports keep a description there (a MISP event's uuid and title),
 * which no engine's URL field may carry.
 */
static const char *
col_link(sqlite3_stmt *s, int col)
{
	const char *v = col_text(s, col);

	return v != NULL && (strncmp(v, "https://", 8) == 0 ||
	    strncmp(v, "http://", 7) == 0) ? v : NULL;
}

/* Room for a record's own page: a feed's page and an address or id. */
#define LINK_MAX	512

/*
 * The record's evidence link, as lookup and investigate give it
 * (store_record_page): its own page at the feed (Feodo Tracker's host
 * page with the address, ThreatFox's IOC page), else its reference.
 */
static const char *
record_link(sqlite3_stmt *s, char *buf, size_t size)
{
	const char *page, *arg = store_record_page(col_text(s, C_SOURCE),
	    sqlite3_column_int(s, C_TYPE), col_text(s, C_VALUE),
	    col_text(s, C_SOURCE_ID), col_text(s, C_REFERENCE), &page);

	if (arg != NULL && page != NULL) {
		int n = snprintf(buf, size, page, arg);

		if (n > 0 && (size_t)n < size)
			return buf;
	}
	return col_link(s, C_REFERENCE);
}

/*
 * The family a record names (store_family_of), copied to buf; *known says
 * a catalogue knows it.  NULL when none does or it does not fit.
 */
static const char *
record_family(struct chousa_store *st, sqlite3_stmt *s, char *buf,
    size_t size, int *known)
{
	const char *id = store_family_of(st, col_text(s, C_FAMILY),
	    col_text(s, C_TAGS), known);

	if (id == NULL || strlen(id) >= size) {
		*known = 0;
		return NULL;
	}
	memcpy(buf, id, strlen(id) + 1);
	return buf;
}

static unsigned
name_slot(const char *id)
{
	return chousa_fnv1a32(CHOUSA_FNV32_INIT, id, strlen(id)) % NAME_SLOTS;
}

/*
 * The catalogue's name of a family id, else the name chousa's built-in
 * aliases give it (as lookup and investigate show it), or NULL; borrowed.
 */
static const char *
family_name(struct walk *w, const char *id)
{
	unsigned i = name_slot(id);
	struct store_memo *m = &w->names[i];
	struct chousa_arena *a;
	const char *name = NULL;

	if (store_memo_has(m, id, strlen(id)))
		return m->value;
	if (store_memo_fill(w->st, m, id, strlen(id), Q_FAMILY_GET, NULL,
	    1) != NULL || m->key == NULL)
		return m->value;
	if (chousa_arena_new(&a, 1 << 16, NULL) != CHOUSA_OK)
		return NULL;
	if (labels_builtin_family(a, id, &name) != NULL && name != NULL)
		m->value = mem_strdup(name);
	chousa_arena_free(a);
	return m->value;
}

/* ---- the known-benign lists, held in memory ---- */

/*
 * `chousa lookup` asks the benign table a few indexed questions per
 * indicator; a million indicators asking them took longer than the rest
 * of the export.  The lists are read once instead (their size, not the
 * store's, sets the memory) and the same questions answered here.
 */
static uint64_t
text_hash(const char *s, size_t len)
{
	return (uint64_t)store_hash(s, len);
}

static size_t
str_slot(const struct benign_set *b, const char *s, size_t len)
{
	size_t i = (size_t)(text_hash(s, len) >> 7) & (b->str_cap - 1);

	while (b->str[i].used) {
		const char *e = b->text.data + b->str[i].entry;

		if (strlen(e) == len && memcmp(e, s, len) == 0)
			break;
		i = (i + 1) & (b->str_cap - 1);
	}
	return i;
}

static size_t
net_slot(const struct benign_set *b, const uint8_t *net, int v6, int prefix)
{
	uint64_t h = text_hash((const char *)net, v6 ? 16 : 4) ^
	    (uint64_t)(prefix * 2 + v6);
	size_t i = (size_t)(h >> 7) & (b->net_cap - 1);

	while (b->net[i].used && (b->net[i].v6 != v6 ||
	    b->net[i].prefix != prefix ||
	    memcmp(b->net[i].addr, net, v6 ? 16 : 4) != 0))
		i = (i + 1) & (b->net_cap - 1);
	return i;
}

/*
 * Give a table of n entries of size bytes a new, empty array twice the
 * size when it is half full: 1, and the caller moves the entries from the
 * old array it kept and frees it; 0 when there is room; -1 out of memory.
 */
static int
grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *t;

	if ((n + 1) * 2 <= *cap)
		return 0;
	t = mem_alloc((*cap ? *cap * 2 : 1024) * size);
	if (t == NULL)
		return -1;
	*v = t;
	*cap = *cap ? *cap * 2 : 1024;
	return 1;
}

static int
benign_add(struct benign_set *b, const char *match, const char *entry,
    const void *net, int net_len, int prefix, size_t list)
{
	size_t at = b->text.len, i;
	int g;

	if (net != NULL && (net_len == 4 || net_len == 16) && entry != NULL) {
		struct benign_net *old = b->net;
		size_t old_cap = b->net_cap;

		g = grow((void **)&b->net, &b->net_cap, b->n_net,
		    sizeof(*b->net));
		if (g < 0)
			return CHOUSA_ENOMEM;
		for (i = 0; g && i < old_cap; i++)
			if (old[i].used)
				b->net[net_slot(b, old[i].addr, old[i].v6,
				    old[i].prefix)] = old[i];
		if (g)
			mem_free(old);
		i = net_slot(b, net, net_len == 16, prefix);
		if (!b->net[i].used) {
			chousa_buf_add(&b->text, entry, strlen(entry) + 1);
			if (b->text.failed)
				return b->text.failed;
			b->net[i].entry = at;
			memcpy(b->net[i].addr, net, (size_t)net_len);
			b->net[i].v6 = net_len == 16;
			b->net[i].prefix = (uint8_t)prefix;
			b->net[i].list = list;
			b->net[i].used = 1;
			b->n_net++;
			if (net_len == 4 && prefix <= 32)
				b->v4[prefix] = 1;
			else if (net_len == 16 && prefix <= 128)
				b->v6[prefix] = 1;
		}
		return CHOUSA_OK;
	}
	if (entry == NULL || match == NULL)
		return CHOUSA_OK;
	if (strcmp(match, "substring") == 0) {
		size_t *v = mem_realloc(b->sub, (b->n_sub + 1) * 2 *
		    sizeof(*v));

		if (v == NULL)
			return CHOUSA_ENOMEM;
		b->sub = v;
		chousa_buf_add(&b->text, entry, strlen(entry) + 1);
		v[b->n_sub * 2] = at;
		v[b->n_sub * 2 + 1] = list;
		b->n_sub++;
		return CHOUSA_OK;
	}
	if (strcmp(match, "string") != 0 && strcmp(match, "hostname") != 0)
		return CHOUSA_OK;	/* regex: lookup ignores them too */
	{
		struct benign_str *old = b->str;
		size_t old_cap = b->str_cap;

		chousa_buf_add(&b->text, entry, strlen(entry) + 1);
		if (b->text.failed)
			return b->text.failed;
		g = grow((void **)&b->str, &b->str_cap, b->n_str,
		    sizeof(*b->str));
		if (g < 0)
			return CHOUSA_ENOMEM;
		for (i = 0; g && i < old_cap; i++)
			if (old[i].used) {
				const char *e = b->text.data + old[i].entry;

				b->str[str_slot(b, e, strlen(e))] = old[i];
			}
		if (g)
			mem_free(old);
		i = str_slot(b, entry, strlen(entry));
		if (!b->str[i].used) {
			b->str[i].entry = at;
			b->str[i].list = list;
			b->str[i].used = 1;
			b->n_str++;
		}
	}
	return CHOUSA_OK;
}

static int
benign_load(struct walk *w)
{
	struct benign_set *b = &w->benign;
	sqlite3_stmt *s = NULL;
	size_t list = 0;
	int step, rc = CHOUSA_OK, have_list = 0;

	chousa_buf_init(&b->text, (size_t)1 << 30);
	if (sqlite3_prepare_v2(w->st->db, "SELECT list, match, entry, net,"
	    " prefix, kind FROM benign ORDER BY list, kind", -1, &s,
	    NULL) != SQLITE_OK)
		return store_dberr(w->st, w->err, "cannot read the store");
	while (rc == CHOUSA_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = col_text(s, 0), *kind = col_text(s, 5);

		if (name == NULL || kind == NULL || b->text.failed)
			continue;
		if (!have_list || strcmp(b->text.data + list, name) != 0 ||
		    strcmp(b->text.data + list + strlen(name) + 1, kind) != 0) {
			list = b->text.len;
			chousa_buf_add(&b->text, name, strlen(name) + 1);
			chousa_buf_add(&b->text, kind, strlen(kind) + 1);
			have_list = 1;
		}
		rc = benign_add(b, col_text(s, 1), col_text(s, 2),
		    sqlite3_column_blob(s, 3), sqlite3_column_bytes(s, 3),
		    sqlite3_column_int(s, 4), list);
		b->loaded = 1;
	}
	if (rc == CHOUSA_OK && step != SQLITE_DONE)
		rc = store_dberr(w->st, w->err, "cannot read the store");
	else if (rc == CHOUSA_OK && b->text.failed)
		rc = b->text.failed;
	if (rc == CHOUSA_ENOMEM || rc == CHOUSA_ELIMIT)
		rc = chousa_errf(w->err, rc, "the known-benign lists do not "
		    "fit in memory");
	sqlite3_finalize(s);
	return rc;
}

static void
benign_release(struct benign_set *b)
{
	mem_free(b->str);
	mem_free(b->net);
	mem_free(b->sub);
	chousa_buf_release(&b->text);
}

/*
 * The entries that cover an indicator, as chousa_store_benign gives them
 * (list, kind, entry), for chousa_benign_exact.  A few are enough: the
 * judgement needs the one naming the value, one of a CDN or resolver,
 * and whether there is any.
 */
#define COVER_MAX	16

struct cover {
	const struct benign_set	*b;
	struct chousa_benign	 v[COVER_MAX];
	size_t			 n;
};

static void
cover_add(struct cover *c, size_t entry, size_t list)
{
	const char *text = c->b->text.data;

	if (c->n == COVER_MAX)
		return;
	c->v[c->n].entry = text + entry;
	c->v[c->n].list = text + list;
	c->v[c->n].kind = text + list + strlen(text + list) + 1;
	c->n++;
}

static void
cover_text(struct cover *c, const char *s)
{
	const struct benign_set *b = c->b;
	size_t i;

	if (b->n_str == 0)
		return;
	i = str_slot(b, s, strlen(s));
	if (b->str[i].used)
		cover_add(c, b->str[i].entry, b->str[i].list);
}

/*
 * The ranges that hold an address, or the whole of a range (a range
 * narrower than it covers only part of it), most specific first.
 */
static void
cover_ip(struct cover *c, const char *value)
{
	const struct benign_set *b = c->b;
	uint8_t addr[16], key[16];
	const uint8_t *have;
	const char *slash = strchr(value, '/');
	char text[64];
	size_t len = strcspn(value, "/");
	int v6, p, top;

	if (b->n_net == 0 || len >= sizeof(text))
		return;
	memcpy(text, value, len);
	text[len] = '\0';
	v6 = strchr(text, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, addr) != 1)
		return;
	top = v6 ? 128 : 32;
	if (slash != NULL)
		top = (int)strtol(slash + 1, NULL, 10);
	have = v6 ? b->v6 : b->v4;
	for (p = top; p >= 0; p--) {
		size_t i;

		if (!have[p])
			continue;
		store_net_key(addr, v6, p, key);
		i = net_slot(b, key, v6, p);
		if (b->net[i].used)
			cover_add(c, b->net[i].entry, b->net[i].list);
	}
}

/* A host name and its parents up to the registrable domain. */
static void
cover_host(struct cover *c, const char *host, const char *regdomain)
{
	size_t rl = regdomain != NULL ? strlen(regdomain) : 0;
	size_t hl = strlen(host);
	const char *p;

	cover_text(c, host);
	/* Parents only when the registrable domain is one. */
	if (rl > 0 && rl < hl && host[hl - rl - 1] == '.' &&
	    strcmp(host + hl - rl, regdomain) == 0)
		for (p = strchr(host, '.'); p != NULL; p = strchr(p + 1, '.')) {
			cover_text(c, p + 1);
			if (strcmp(p + 1, regdomain) == 0)
				break;
		}
}

/* The names the built-in lists go by, as the summary counts them. */
#define BUILTIN_SHARED		"chousa shared platforms"
#define BUILTIN_RESOLVERS	"chousa public resolvers"

/*
 * How many sources list a merged record ("a,b,c"), counted as
 * investigate counts them: by the source that answers for each feed's
 * records (chousa_feed_local_source), so that two lists imported under
 * two names are one source, "Imported lists".
 */
static size_t
count_origins(const char *sources)
{
	const char *seen[8];
	char name[128];
	size_t n = 0, i, len;

	while (*sources != '\0') {
		const char *origin;

		len = strcspn(sources, ",");
		if (len < sizeof(name)) {
			memcpy(name, sources, len);
			name[len] = '\0';
			origin = chousa_feed_local_source(name);
			for (i = 0; i < n && strcmp(seen[i], origin) != 0; i++)
				;
			if (i == n && n < sizeof(seen) / sizeof(seen[0]))
				seen[n++] = origin;
		}
		sources += len;
		if (*sources == ',')
			sources++;
	}
	return n;
}

/*
 * The known-benign list that makes row not malicious, judged as
 * `chousa investigate` judges an exact listing (chousa_benign_exact,
 * docs/verdict-policy.md rows 1 to 5): a value a benign list names
 * itself, or a shared platform's own host (chousa's list, so that no
 * export blocks github.com with or without warninglists); an address on
 * a public resolver or in a CDN range that fewer than three feeds list,
 * or in another benign range that one feed lists.  A domain under a
 * benign parent is kept: a tenant's subdomain is its own
 * (evil.wordpress.org), and so is a URL: it names one resource on its
 * host.  But a root URL (http://www.google.com/) names the whole host,
 * and is judged as its host.
 */
static const char *
row_benign(const struct benign_set *b, const struct chousa_export_row *row,
    const char *regdomain)
{
	const struct chousa_benign *why = NULL;
	struct cover c;
	const char *value = row->value;
	int type = row->type;
	size_t i;

	c.b = b;
	c.n = 0;
	if (!chousa_benign_subject(&type, &value, row->host))
		return NULL;
	switch (type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
	case CHOUSA_IOC_CIDR:
		cover_ip(&c, value);
		break;
	case CHOUSA_IOC_DOMAIN:
		cover_host(&c, value, regdomain);
		for (i = 0; i < b->n_sub && c.n < COVER_MAX; i++)
			if (strstr(row->value, b->text.data + b->sub[i * 2]))
				cover_add(&c, b->sub[i * 2],
				    b->sub[i * 2 + 1]);
		break;
	default:
		if (CHOUSA_IOC_BIT(type) & CHOUSA_IOC_HASHES)
			cover_text(&c, value);
		else
			return NULL;
	}
	switch (chousa_benign_exact(row->type, row->value, row->host, c.v, c.n,
	    count_origins(row->sources), &why)) {
	case CHOUSA_BENIGN_STANDS:
		return NULL;
	case CHOUSA_BENIGN_PLATFORM:
		return BUILTIN_SHARED;
	default:
		return why != NULL ? why->list : BUILTIN_RESOLVERS;
	}
}

/* A record passed on as it is: the indicator has only this one. */
static int
emit_single(struct walk *w, sqlite3_stmt *s)
{
	struct chousa_export_row row;
	char idbuf[128], link[LINK_MAX];
	int known;

	memset(&row, 0, sizeof(row));
	row.type = sqlite3_column_int(s, C_TYPE);
	row.value = col_text(s, C_VALUE);
	row.sources = col_text(s, C_SOURCE);
	if (row.value == NULL || row.sources == NULL)
		return CHOUSA_OK;
	row.port = (unsigned)sqlite3_column_int(s, C_PORT);
	row.host = col_text(s, C_HOST);
	row.first_seen = sqlite3_column_int64(s, C_FIRST);
	row.last_seen = sqlite3_column_int64(s, C_LAST);
	row.status = col_text(s, C_STATUS);
	row.threat = col_text(s, C_THREAT);
	row.confidence = sqlite3_column_int(s, C_CONFIDENCE);
	row.reference = record_link(s, link, sizeof(link));
	row.family = record_family(w->st, s, idbuf, sizeof(idbuf), &known);
	if (known)
		row.family_name = family_name(w, row.family);
	if (w->q->check_benign)
		row.benign_list = row_benign(&w->benign, &row,
		    col_text(s, C_REGDOMAIN));
	return w->fn(w->arg, &row);
}

/* ---- merging the records of a shared indicator ---- */

/* Offsets into group_buf, as strings move when it grows; 0: none. */
struct merged {
	int	 type;
	size_t	 value, host, family, threat, reference, regdomain, status;
	int	 known;
	unsigned port;
	int	 confidence;
	int	 ref_confidence;	/* of the record the reference is from */
	int64_t	 first_seen, last_seen;
};

static size_t
keep(struct chousa_buf *b, const char *s)
{
	size_t at = b->len;

	if (s == NULL)
		return 0;
	chousa_buf_add(b, s, strlen(s) + 1);
	return at;
}

static const char *
kept(const struct chousa_buf *b, size_t at)
{
	/* A buffer that failed holds nothing: emit_merged() says why. */
	return at == 0 || b->failed || at >= b->len ? NULL : b->data + at;
}

static int
emit_merged(struct walk *w, struct merged *m)
{
	struct chousa_buf *b = &w->group_buf;
	struct chousa_export_row row;
	int rc;

	rc = chousa_buf_rc(b, "an indicator's records", w->err);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(&w->group_sources, "an indicator's sources",
		    w->err);
	if (rc != CHOUSA_OK)
		return rc;
	memset(&row, 0, sizeof(row));
	row.type = m->type;
	row.value = kept(b, m->value);
	row.host = kept(b, m->host);
	row.sources = w->group_sources.data;
	row.family = kept(b, m->family);
	if (m->known && row.family != NULL)
		row.family_name = family_name(w, row.family);
	row.threat = kept(b, m->threat);
	row.reference = kept(b, m->reference);
	row.status = kept(b, m->status);
	row.port = m->port;
	row.confidence = m->confidence;
	row.first_seen = m->first_seen;
	row.last_seen = m->last_seen;
	if (w->q->check_benign)
		row.benign_list = row_benign(&w->benign, &row,
		    kept(b, m->regdomain));
	return w->fn(w->arg, &row);
}

/* Fold one more record (same value, a later source) into m. */
static void
merge_record(struct walk *w, struct merged *m, sqlite3_stmt *s)
{
	struct chousa_buf *b = &w->group_buf;
	const char *status = col_text(s, C_STATUS);
	int64_t first = sqlite3_column_int64(s, C_FIRST);
	int64_t last = sqlite3_column_int64(s, C_LAST);
	int confidence = sqlite3_column_int(s, C_CONFIDENCE);
	char idbuf[128], link[LINK_MAX];
	const char *family, *ref = record_link(s, link, sizeof(link));
	int known;

	/* Sorted by the query, so appending keeps them sorted. */
	chousa_buf_addch(&w->group_sources, ',');
	chousa_buf_adds(&w->group_sources, col_text(s, C_SOURCE));
	if (first > 0 && (m->first_seen == 0 || first < m->first_seen))
		m->first_seen = first;
	if (last > m->last_seen)
		m->last_seen = last;
	if (confidence > m->confidence)
		m->confidence = confidence;
	/* The most confident record's link is the best evidence. */
	if (ref != NULL && (m->reference == 0 ||
	    confidence > m->ref_confidence)) {
		m->reference = keep(b, ref);
		m->ref_confidence = confidence;
	}
	if (m->port == 0)
		m->port = (unsigned)sqlite3_column_int(s, C_PORT);
	if (status != NULL && (m->status == 0 ||
	    strcmp(status, "online") == 0))
		m->status = keep(b, status);
	if (m->threat == 0)
		m->threat = keep(b, col_text(s, C_THREAT));
	family = record_family(w->st, s, idbuf, sizeof(idbuf), &known);
	if (family != NULL && (m->family == 0 || (known && !m->known))) {
		m->family = keep(b, family);
		m->known = known;
	}
}

/*
 * Every record of the shared key (vhash, type): one merged indicator per
 * value (two values can share a hash), each passed on once.
 */
static int
emit_group(struct walk *w, int64_t vhash, int type)
{
	struct chousa_buf *b = &w->group_buf;
	sqlite3_stmt *s = w->group;
	struct merged m;
	int rc, step, open = 0, stop = 0;

	sqlite3_reset(s);
	bind_filter(w, s);
	sqlite3_bind_int64(s, 3, vhash);
	sqlite3_bind_int(s, 4, type);
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *value = col_text(s, C_VALUE);
		const char *source = col_text(s, C_SOURCE);
		char idbuf[128], link[LINK_MAX];
		const char *family;

		if (value == NULL || source == NULL)
			continue;
		if (open && kept(b, m.value) != NULL &&
		    strcmp(value, kept(b, m.value)) == 0) {
			merge_record(w, &m, s);
			continue;
		}
		if (open)
			stop = emit_merged(w, &m);
		if (stop)
			break;
		chousa_buf_reset(b);
		chousa_buf_addch(b, '\0');	/* offset 0 means none */
		memset(&m, 0, sizeof(m));
		m.type = type;
		m.value = keep(b, value);
		m.host = keep(b, col_text(s, C_HOST));
		m.regdomain = keep(b, col_text(s, C_REGDOMAIN));
		m.status = keep(b, col_text(s, C_STATUS));
		m.threat = keep(b, col_text(s, C_THREAT));
		m.reference = keep(b, record_link(s, link, sizeof(link)));
		family = record_family(w->st, s, idbuf, sizeof(idbuf),
		    &m.known);
		m.family = keep(b, family);
		m.port = (unsigned)sqlite3_column_int(s, C_PORT);
		m.confidence = sqlite3_column_int(s, C_CONFIDENCE);
		m.ref_confidence = m.confidence;
		m.first_seen = sqlite3_column_int64(s, C_FIRST);
		m.last_seen = sqlite3_column_int64(s, C_LAST);
		chousa_buf_reset(&w->group_sources);
		chousa_buf_adds(&w->group_sources, source);
		open = 1;
	}
	if (!stop && open)
		stop = emit_merged(w, &m);
	rc = stop;
	if (!stop && step != SQLITE_DONE)
		rc = store_dberr(w->st, w->err, "cannot read the store");
	sqlite3_reset(s);
	return rc;
}

/* ---- the filters ---- */

/* The names of the sources that imported into the store, for a
 * suggestion; NULL-terminated, in w's arena-free buffer *text. */
static const char **
source_names(struct walk *w, struct chousa_buf *text)
{
	sqlite3_stmt *s = NULL;
	const char **names;
	size_t n = 0, i, off;

	if (sqlite3_prepare_v2(w->st->db, "SELECT DISTINCT source FROM "
	    "imports", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = col_text(s, 0);

		if (name == NULL)
			continue;
		chousa_buf_adds(text, name);
		chousa_buf_addch(text, '\0');
		n++;
	}
	sqlite3_finalize(s);
	if (text->failed || (names = mem_alloc((n + 1) * sizeof(*names))) ==
	    NULL)
		return NULL;
	for (i = 0, off = 0; i < n; i++) {
		names[i] = text->data + off;
		off += strlen(names[i]) + 1;
	}
	names[n] = NULL;
	return names;
}

/*
 * Each name of --sources lists something in the store: a misspelt one
 * would narrow the export silently (feodo,urlhuas gives feodo's alone),
 * so it is refused as a usage error, with the nearest name imported.
 */
static int
check_sources(struct walk *w, const char *list)
{
	sqlite3_stmt *s = NULL;
	const char *p, *end;
	int rc = CHOUSA_OK;

	if (sqlite3_prepare_v2(w->st->db, "SELECT 1 FROM indicators WHERE "
	    "source = ? LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return store_dberr(w->st, w->err, "cannot read the store");
	for (p = list; *p != '\0' && rc == CHOUSA_OK;
	    p = *end == ',' ? end + 1 : end) {
		struct chousa_buf text;
		const char **names, *near;
		int step;

		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, p, (int)(end - p), SQLITE_STATIC);
		step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			continue;
		if (step != SQLITE_DONE) {
			rc = store_dberr(w->st, w->err, "cannot read the "
			    "store");
			break;
		}
		chousa_buf_init(&text, 0);
		names = source_names(w, &text);
		{
			char word[128];
			size_t len = (size_t)(end - p) < sizeof(word) ?
			    (size_t)(end - p) : sizeof(word) - 1;

			memcpy(word, p, len);
			word[len] = '\0';
			near = names != NULL ? chousa_suggest(word, names) :
			    NULL;
			rc = chousa_errf(w->err, CHOUSA_EINVAL, "--sources: "
			    "the store holds nothing from '%s'%s%s%s", word,
			    near != NULL ? " (did you mean '" : "",
			    near != NULL ? near : "", near != NULL ? "'?)" :
			    "");
		}
		mem_free(names);
		chousa_buf_release(&text);
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- the walk ---- */

static int
find_shared(struct walk *w)
{
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK, step;

	if (sqlite3_prepare_v2(w->st->db, shared_sql, -1, &s, NULL) !=
	    SQLITE_OK)
		return store_dberr(w->st, w->err, "cannot read the store");
	bind_filter(w, s);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (shared_add(&w->shared, sqlite3_column_int64(s, 0),
		    sqlite3_column_int(s, 1)) != CHOUSA_OK) {
			rc = chousa_errf(w->err, CHOUSA_ENOMEM,
			    "out of memory");
			break;
		}
	if (rc == CHOUSA_OK && step != SQLITE_DONE)
		rc = store_dberr(w->st, w->err, "cannot read the store");
	sqlite3_finalize(s);
	return rc;
}

static int
scan(struct walk *w)
{
	sqlite3_stmt *s = NULL;
	int rc = CHOUSA_OK, step;

	if (sqlite3_prepare_v2(w->st->db, scan_sql, -1, &s, NULL) !=
	    SQLITE_OK ||
	    sqlite3_prepare_v2(w->st->db, group_sql, -1, &w->group, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		return store_dberr(w->st, w->err, "cannot read the store");
	}
	bind_filter(w, s);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		int type = sqlite3_column_int(s, C_TYPE);
		struct shared_key *k = shared_find(&w->shared,
		    sqlite3_column_int64(s, C_VHASH), type);

		if (k == NULL)
			rc = emit_single(w, s);
		else if (!k->done) {
			k->done = 1;
			rc = emit_group(w, k->vhash, type);
		}
		if (rc != CHOUSA_OK)
			break;
	}
	if (rc == CHOUSA_OK && step != SQLITE_DONE)
		rc = store_dberr(w->st, w->err, "cannot read the store");
	sqlite3_finalize(s);
	return rc;
}

int
chousa_store_foreach_indicator(struct chousa_store *st,
    const struct chousa_export_query *q, chousa_export_row_fn fn, void *arg,
    struct chousa_err *err)
{
	struct walk *w = mem_alloc(sizeof(*w));
	int rc, own_snapshot = 0;

	if (w == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	w->st = st;
	w->q = q;
	w->fn = fn;
	w->arg = arg;
	w->err = err;
	chousa_buf_init(&w->group_buf, 0);
	chousa_buf_init(&w->group_sources, 0);
	rc = CHOUSA_OK;
	if (q->sources != NULL) {
		size_t len = strlen(q->sources);

		w->source_list = mem_alloc(len + 3);
		if (w->source_list == NULL) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			goto out;
		}
		w->source_list[0] = ',';
		memcpy(w->source_list + 1, q->sources, len);
		memcpy(w->source_list + 1 + len, ",", 2);
	}
	/* The shared keys and the scan must see the same rows. */
	if (!st->snapshot) {
		rc = chousa_store_snapshot_begin(st, err);
		if (rc != CHOUSA_OK)
			goto out;
		own_snapshot = 1;
	}
	store_io_mode(st, STORE_IO_SCAN);
	rc = q->sources != NULL ? check_sources(w, q->sources) : CHOUSA_OK;
	if (rc == CHOUSA_OK)
		rc = find_shared(w);
	if (rc == CHOUSA_OK && q->check_benign)
		rc = benign_load(w);
	if (rc == CHOUSA_OK)
		rc = scan(w);
	store_io_mode(st, STORE_IO_LOOKUP);
out:
	if (own_snapshot)
		chousa_store_snapshot_end(st);
	sqlite3_finalize(w->group);
	store_memo_release(w->names, NAME_SLOTS);
	benign_release(&w->benign);
	chousa_buf_release(&w->group_buf);
	chousa_buf_release(&w->group_sources);
	mem_free(w->shared.v);
	mem_free(w->source_list);
	mem_free(w);
	return rc;
}

/* One number of the imports that succeeded: sql selects it. */
static int
ok_imports(struct chousa_store *st, const char *sql, int64_t *out,
    struct chousa_err *err)
{
	sqlite3_stmt *s = NULL;
	int step;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, err, "cannot read the store");
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return store_dberr(st, err, "cannot read the store");
	return CHOUSA_OK;
}

int
chousa_store_changed_at(struct chousa_store *st, int64_t *out,
    struct chousa_err *err)
{
	/* A restore's time too (store_backup.c): the store went back to
	 * an older copy, which a client holding a newer one must refetch. */
	return ok_imports(st, "SELECT max(coalesce((SELECT max(finished_at) "
	    "FROM imports WHERE outcome = 'ok'), 0), coalesce((SELECT "
	    "checked_at FROM feed_state WHERE source = '" STORE_RESTORE_STAMP
	    "'), 0))", out, err);
}

int
chousa_store_generation(struct chousa_store *st, int64_t *out,
    struct chousa_err *err)
{
	return ok_imports(st, "SELECT coalesce(max(id), 0) FROM imports "
	    "WHERE outcome = 'ok'", out, err);
}
