/*
 * rpz.c: a DNS Response Policy Zone: $TTL, SOA and NS, then for each
 * domain "name CNAME ." and "*.name CNAME ." (NXDOMAIN for the name and
 * everything under it), with the family and evidence in a comment.  Names
 * are relative to the zone the resolver loads the file as.  A name is
 * written only when it is plain LDH labels that fit under a zone name of
 * up to 64 characters, is not a bare top-level label, and has no rpz-
 * label (those are the policy triggers' own namespaces); anything else
 * is left out, so the file always loads (named-checkzone in the tests).
 */
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

/* "*." + name + "." + an origin of 64 characters stays within 253. */
#define RPZ_NAME_MAX	(253 - 64 - 1 - 2)

struct rpz {
	struct export_file	*zone;
};

static int
rpz_begin(struct export_run *r, struct chousa_err *err)
{
	struct rpz *z = mem_alloc(sizeof(*z));
	int rc;

	if (z == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = z;
	rc = export_open(r, NULL, 1, &z->zone, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* The serial is the store's last change: it grows with the data. */
	chousa_buf_addf(&z->zone->buf, "; chousa export: DNS response policy "
	    "zone.  Each domain and its subdomains\n; answer NXDOMAIN.  Load "
	    "it as a primary zone named in response-policy.\n$TTL 300\n"
	    "@\tSOA\tlocalhost. hostmaster.localhost. (%lu 3600 600 86400 "
	    "300)\n\tNS\tlocalhost.\n",
	    (unsigned long)((uint64_t)r->stamp & 0xffffffffu));
	return CHOUSA_OK;
}

static int
rpz_name_ok(const char *v)
{
	const char *p;

	if (!export_is_hostname(v) || strlen(v) > RPZ_NAME_MAX ||
	    strchr(v, '.') == NULL)
		return 0;
	for (p = v; p != NULL; p = strchr(p, '.'), p = p ? p + 1 : NULL)
		if (strncmp(p, "rpz-", 4) == 0)
			return 0;
	return 1;
}

static int
rpz_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct rpz *z = r->state;
	struct chousa_buf *b = &z->zone->buf;
	const char *v = it->row->value;

	if (!rpz_name_ok(v)) {
		export_refuse(r);
		return CHOUSA_OK;
	}
	/* The description has no control character: a safe comment. */
	chousa_buf_addf(b, "; %s", it->desc);
	if (it->reference != NULL)
		chousa_buf_addf(b, " <%s>", it->reference);
	chousa_buf_addf(b, "\n%s\tCNAME\t.\n*.%s\tCNAME\t.\n", v, v);
	return export_entry(z->zone, err);
}

const struct export_format export_rpz = {
	"rpz",
	"DNS response policy zone: NXDOMAIN for each domain and its "
	"subdomains",
	CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN),
	0, "chousa.rpz",
	rpz_begin, rpz_item, NULL, NULL, NULL, NULL
};
