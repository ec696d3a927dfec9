/*
 * zeek.c: the Zeek Intel framework's input file.  A "#fields" header,
 * then one tab-separated line per indicator; "-" is an unset field.
 * Zeek's ASCII reader turns \xHH back into the byte, so a backslash is
 * written as \x5c and a tab can never stand in a field.  URLs lose their
 * scheme (and fragment): Zeek's seen scripts compare "host/path", the form
 * HTTP::build_url() makes.  With --delta, the additions go into an intel
 * file of their own and the removals into a script of Intel::remove()
 * calls.
 */
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

struct zeek {
	struct export_file	*main;
	struct export_file	*added;
	struct export_file	*removed;
	size_t			 n_removed;
};

static const char *
intel_type(int type)
{
	switch (type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		return "Intel::ADDR";
	case CHOUSA_IOC_CIDR:
		return "Intel::SUBNET";
	case CHOUSA_IOC_DOMAIN:
		return "Intel::DOMAIN";
	case CHOUSA_IOC_URL:
		return "Intel::URL";
	case CHOUSA_IOC_EMAIL:
		return "Intel::EMAIL";
	default:
		return "Intel::FILE_HASH";
	}
}

/* The indicator as Zeek compares it: a URL without scheme and fragment. */
static void
zeek_value(const char *value, int type, const char **p, size_t *len)
{
	const char *sep, *hash;

	*p = value;
	*len = strlen(value);
	if (type != CHOUSA_IOC_URL)
		return;
	sep = strstr(value, "://");
	if (sep != NULL)
		*p = sep + 3;
	hash = strchr(*p, '#');
	*len = hash != NULL ? (size_t)(hash - *p) : strlen(*p);
}

/* One field: tabs and newlines never, a backslash as \x5c. */
static void
field(struct chousa_buf *b, const char *s, size_t len)
{
	size_t i, start = 0;

	if (s == NULL || len == 0) {
		chousa_buf_addch(b, '-');
		return;
	}
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c != '\\' && c != '\t' && c != '\n' && c != '\r')
			continue;
		chousa_buf_add(b, s + start, i - start);
		chousa_buf_adds(b, c == '\\' ? "\\x5c" : " ");
		start = i + 1;
	}
	chousa_buf_add(b, s + start, len - start);
}

static void
header(struct export_run *r, struct export_file *f)
{
	chousa_buf_adds(&f->buf, "#fields\tindicator\tindicator_type\t"
	    "meta.source\tmeta.desc\tmeta.url");
	if (r->opts->zeek_notice)
		chousa_buf_adds(&f->buf, "\tmeta.do_notice");
	chousa_buf_addch(&f->buf, '\n');
}

static int
zeek_begin(struct export_run *r, struct chousa_err *err)
{
	struct zeek *z = mem_alloc(sizeof(*z));
	int rc;

	if (z == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = z;
	rc = export_open(r, NULL, 1, &z->main, err);
	if (rc == CHOUSA_OK)
		header(r, z->main);
	if (rc == CHOUSA_OK && r->opts->delta_state != NULL) {
		rc = export_open(r, "chousa-added.intel", 1, &z->added, err);
		if (rc == CHOUSA_OK)
			rc = export_open(r, "chousa-remove.zeek", 1,
			    &z->removed, err);
		if (rc != CHOUSA_OK)
			return rc;
		header(r, z->added);
		chousa_buf_adds(&z->removed->buf, "# chousa export: the "
		    "indicators removed since the last export.\n"
		    "@load base/frameworks/intel\n\n"
		    "event zeek_init()\n\t{\n");
	}
	return rc;
}

static int
line(struct export_run *r, struct export_file *f,
    const struct export_item *it, struct chousa_err *err)
{
	struct chousa_buf *b = &f->buf;
	const char *v;
	size_t len;

	zeek_value(it->row->value, it->row->type, &v, &len);
	field(b, v, len);
	chousa_buf_addch(b, '\t');
	chousa_buf_adds(b, intel_type(it->row->type));
	chousa_buf_adds(b, "\tchousa\t");
	field(b, it->desc, strlen(it->desc));
	chousa_buf_addch(b, '\t');
	field(b, it->reference, it->reference ? strlen(it->reference) : 0);
	if (r->opts->zeek_notice)
		chousa_buf_adds(b, "\tT");
	chousa_buf_addch(b, '\n');
	return export_entry(f, err);
}

static int
zeek_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct zeek *z = r->state;
	const char *v;
	size_t len;

	zeek_value(it->row->value, it->row->type, &v, &len);
	/* The reader's unset and empty markers would read as no value. */
	if (len == 0 || (len == 1 && v[0] == '-') ||
	    (len == 7 && memcmp(v, "(empty)", 7) == 0)) {
		export_refuse(r);
		return CHOUSA_OK;
	}
	return line(r, z->main, it, err);
}

static int
zeek_added(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct zeek *z = r->state;

	return line(r, z->added, it, err);
}

/* A Zeek string literal: quote and backslash as \x escapes. */
static void
zeek_string(struct chousa_buf *b, const char *s, size_t len)
{
	size_t i;

	chousa_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f)
			chousa_buf_addf(b, "\\x%02x", c);
		else
			chousa_buf_addch(b, (char)c);
	}
	chousa_buf_addch(b, '"');
}

static int
zeek_removed(struct export_run *r, int type, const char *value,
    struct chousa_err *err)
{
	struct zeek *z = r->state;
	struct chousa_buf *b = &z->removed->buf;
	const char *v;
	size_t len;

	zeek_value(value, type, &v, &len);
	chousa_buf_adds(b, "\tIntel::remove([$indicator=");
	zeek_string(b, v, len);
	chousa_buf_addf(b, ", $indicator_type=%s, $meta=[$source=\"chousa\"]]"
	    ", T);\n", intel_type(type));
	z->n_removed++;
	return export_entry(z->removed, err);
}

static int
zeek_end(struct export_run *r, struct chousa_err *err)
{
	struct zeek *z = r->state;

	(void)err;
	if (z->removed != NULL)
		chousa_buf_adds(&z->removed->buf, "\t}\n");
	return CHOUSA_OK;
}

const struct export_format export_zeek = {
	"zeek-intel",
	"Zeek Intel framework file (ADDR, SUBNET, DOMAIN, URL, FILE_HASH, "
	"EMAIL)",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_HASHES,
	EXPORT_F_DELTA,
	"chousa.intel",
	zeek_begin, zeek_item, zeek_end, zeek_added, zeek_removed,
	NULL
};
