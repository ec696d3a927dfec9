/*
 * clickhouse.c: dictionaries for ClickHouse.  TabSeparatedWithNames files
 * (an IP_TRIE of addresses and ranges, complex-key hashed sets of domains,
 * URLs and hashes, each with family, confidence, dates, sources and
 * evidence), and the CREATE DICTIONARY statements that load them, so a
 * query enriches a column with dictGet('chousa.ip_intel', 'family', ip).
 * Strings use the format's backslash escapes.
 */
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

enum { D_IP, D_DOMAIN, D_URL, D_HASH, D_COUNT };

static const struct dict {
	const char	*name;		/* chousa.<name> */
	const char	*file;
	const char	*key;		/* the key column */
	const char	*layout;
} dicts[D_COUNT] = {
	{ "ip_intel", "ip_trie.tsv", "prefix", "IP_TRIE()" },
	{ "domain_intel", "domains.tsv", "domain", "COMPLEX_KEY_HASHED()" },
	{ "url_intel", "urls.tsv", "url", "COMPLEX_KEY_HASHED()" },
	{ "hash_intel", "hashes.tsv", "hash", "COMPLEX_KEY_HASHED()" },
};

#define ATTR_NAMES "family\tfamily_name\tconfidence\tfirst_seen\t" \
	"last_seen\tsources\treference\n"

struct clickhouse {
	struct export_file	*f[D_COUNT];
	struct export_file	*sql;
};

static int
ch_begin(struct export_run *r, struct chousa_err *err)
{
	struct clickhouse *c = mem_alloc(sizeof(*c));
	int i, rc = CHOUSA_OK;

	if (c == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = c;
	for (i = 0; i < D_COUNT && rc == CHOUSA_OK; i++) {
		rc = export_open(r, dicts[i].file, 1, &c->f[i], err);
		if (rc == CHOUSA_OK)
			chousa_buf_addf(&c->f[i]->buf, "%s\t" ATTR_NAMES,
			    dicts[i].key);
	}
	if (rc == CHOUSA_OK)
		rc = export_open(r, "dictionaries.sql", 1, &c->sql, err);
	return rc;
}

/* One TabSeparated field. */
static void
field(struct chousa_buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '\\':
			chousa_buf_adds(b, "\\\\");
			break;
		case '\t':
			chousa_buf_adds(b, "\\t");
			break;
		case '\n':
			chousa_buf_adds(b, "\\n");
			break;
		case '\r':
			chousa_buf_adds(b, "\\r");
			break;
		default:
			chousa_buf_addch(b, *s);
		}
	}
}

/* A DateTime as the text format reads it: "YYYY-MM-DD hh:mm:ss". */
static void
datetime(struct chousa_buf *b, const char *iso)
{
	if (iso[0] == '\0') {
		chousa_buf_adds(b, "1970-01-01 00:00:00");
		return;
	}
	chousa_buf_add(b, iso, 10);
	chousa_buf_addch(b, ' ');
	chousa_buf_add(b, iso + 11, 8);
}

static int
ch_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct clickhouse *c = r->state;
	const struct chousa_export_row *row = it->row;
	struct export_file *f;
	struct chousa_buf *b;

	switch (row->type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
	case CHOUSA_IOC_CIDR:
		f = c->f[D_IP];
		break;
	case CHOUSA_IOC_DOMAIN:
		f = c->f[D_DOMAIN];
		break;
	case CHOUSA_IOC_URL:
		f = c->f[D_URL];
		break;
	default:
		f = c->f[D_HASH];
		break;
	}
	b = &f->buf;
	field(b, row->value);
	if (row->type == CHOUSA_IOC_IPV4)
		chousa_buf_adds(b, "/32");
	else if (row->type == CHOUSA_IOC_IPV6)
		chousa_buf_adds(b, "/128");
	chousa_buf_addch(b, '\t');
	field(b, it->family);
	chousa_buf_addch(b, '\t');
	field(b, it->family_name);
	chousa_buf_addf(b, "\t%d\t", row->confidence);
	datetime(b, it->first);
	chousa_buf_addch(b, '\t');
	datetime(b, it->last);
	chousa_buf_addch(b, '\t');
	field(b, it->sources);
	chousa_buf_addch(b, '\t');
	field(b, it->reference);
	chousa_buf_addch(b, '\n');
	return export_entry(f, err);
}

/* A ClickHouse string literal. */
static void
sql_string(struct chousa_buf *b, const char *s)
{
	chousa_buf_addch(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'' || *s == '\\')
			chousa_buf_addch(b, '\\');
		chousa_buf_addch(b, *s);
	}
	chousa_buf_addch(b, '\'');
}

static int
ch_end(struct export_run *r, struct chousa_err *err)
{
	struct clickhouse *c = r->state;
	struct chousa_buf *b = &c->sql->buf;
	char path[4096];
	int i;

	chousa_buf_adds(b, "-- chousa export: dictionaries over the files "
	    "beside this one.  ClickHouse\n-- reads FILE sources from its "
	    "user_files directory: export there, or\n-- copy the files and "
	    "change the paths.\nCREATE DATABASE IF NOT EXISTS chousa;\n");
	for (i = 0; i < D_COUNT; i++) {
		chousa_buf_addf(b, "\n-- %llu entries\nCREATE OR REPLACE "
		    "DICTIONARY chousa.%s\n(\n    %s String,\n"
		    "    family String DEFAULT '',\n"
		    "    family_name String DEFAULT '',\n"
		    "    confidence Int16 DEFAULT -1,\n"
		    "    first_seen DateTime('UTC') DEFAULT 0,\n"
		    "    last_seen DateTime('UTC') DEFAULT 0,\n"
		    "    sources String DEFAULT '',\n"
		    "    reference String DEFAULT ''\n)\nPRIMARY KEY %s\n"
		    "SOURCE(FILE(path ", (unsigned long long)c->f[i]->n,
		    dicts[i].name, dicts[i].key, dicts[i].key);
		snprintf(path, sizeof(path), "%s/%s", r->deploy, dicts[i].file);
		sql_string(b, path);
		chousa_buf_addf(b, " format 'TabSeparatedWithNames'))\n"
		    "LAYOUT(%s)\nLIFETIME(MIN 3600 MAX 7200);\n",
		    dicts[i].layout);
		c->sql->n++;
	}
	return chousa_buf_rc(b, "dictionaries.sql", err);
}

const struct export_format export_clickhouse = {
	"clickhouse",
	"ClickHouse IP_TRIE and hashed dictionaries (TSV) with their CREATE "
	"DICTIONARY statements",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_HASHES,
	EXPORT_F_DIR | EXPORT_F_DEPLOY, NULL,
	ch_begin, ch_item, ch_end, NULL, NULL, NULL
};
