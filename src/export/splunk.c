/*
 * splunk.c: CSV lookups with the field names of Splunk Enterprise
 * Security's threat intelligence collections (the "Local ... Intel"
 * headers: description, ip or domain or url or file_hash or src_user,
 * weight) followed by chousa's own columns (family, confidence, dates,
 * sources, evidence), and a transforms.conf that defines a lookup on each,
 * the addresses with match_type = CIDR(ip) so listed ranges match.
 */
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

enum { L_IP, L_DOMAIN, L_HTTP, L_FILE, L_EMAIL, L_COUNT };

static const struct lookup {
	const char	*name;
	const char	*header;	/* the collection's fields first */
	const char	*transform;	/* extra transforms.conf lines */
} lookups[L_COUNT] = {
	{ "chousa_ip_intel", "description,ip,weight",
	    "match_type = CIDR(ip)\n" },
	{ "chousa_domain_intel", "description,domain,weight",
	    "case_sensitive_match = false\n" },
	{ "chousa_http_intel",
	    "description,http_referrer,http_user_agent,url,weight", "" },
	{ "chousa_file_intel", "description,file_hash,file_name,weight",
	    "case_sensitive_match = false\n" },
	{ "chousa_email_intel", "description,src_user,subject,weight",
	    "case_sensitive_match = false\n" },
};

#define EXTRA_COLUMNS ",threat_key,time,family,family_name,confidence," \
	"first_seen,last_seen,sources,reference\n"

struct splunk {
	struct export_file	*f[L_COUNT];
};

static int
splunk_begin(struct export_run *r, struct chousa_err *err)
{
	struct splunk *s = mem_alloc(sizeof(*s));
	struct export_file *conf;
	char name[64];
	int i, rc = CHOUSA_OK;

	if (s == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = s;
	for (i = 0; i < L_COUNT && rc == CHOUSA_OK; i++) {
		snprintf(name, sizeof(name), "%s.csv", lookups[i].name);
		rc = export_open(r, name, 1, &s->f[i], err);
		if (rc == CHOUSA_OK)
			chousa_buf_addf(&s->f[i]->buf, "%s" EXTRA_COLUMNS,
			    lookups[i].header);
	}
	if (rc == CHOUSA_OK)
		rc = export_open(r, "transforms.conf", 1, &conf, err);
	if (rc != CHOUSA_OK)
		return rc;
	chousa_buf_adds(&conf->buf, "# chousa export: lookups over the "
	    "CSV files beside this file (copy them\n# to "
	    "$SPLUNK_HOME/etc/apps/<app>/lookups/).\n");
	for (i = 0; i < L_COUNT; i++) {
		chousa_buf_addf(&conf->buf, "\n[%s]\nfilename = %s.csv\n%s"
		    "max_matches = 1\nmin_matches = 0\n", lookups[i].name,
		    lookups[i].name, lookups[i].transform);
		conf->n++;
	}
	return CHOUSA_OK;
}

static void
cell(struct chousa_buf *b, const char *s)
{
	if (s != NULL && s[0] != '\0')
		chousa_esc_csv(b, s, strlen(s));
}

static int
splunk_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct splunk *s = r->state;
	const struct chousa_export_row *row = it->row;
	int which, weight = it->score < 1 ? 1 : it->score;
	struct export_file *f;
	struct chousa_buf *b;
	int64_t time = row->last_seen > 0 ? row->last_seen : row->first_seen;

	switch (row->type) {
	case CHOUSA_IOC_DOMAIN:
		which = L_DOMAIN;
		break;
	case CHOUSA_IOC_URL:
		which = L_HTTP;
		break;
	case CHOUSA_IOC_EMAIL:
		which = L_EMAIL;
		break;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
	case CHOUSA_IOC_CIDR:
		which = L_IP;
		break;
	default:
		which = L_FILE;
		break;
	}
	f = s->f[which];
	b = &f->buf;
	cell(b, it->desc);
	chousa_buf_addch(b, ',');
	if (which == L_HTTP)
		chousa_buf_adds(b, ",,");	/* no referrer, user agent */
	cell(b, row->value);
	if (which == L_FILE || which == L_EMAIL)
		chousa_buf_addch(b, ',');	/* no file name, subject */
	chousa_buf_addf(b, ",%d,chousa,", weight);
	if (time > 0)
		chousa_buf_addf(b, "%lld", (long long)time);
	chousa_buf_addch(b, ',');
	cell(b, it->family);
	chousa_buf_addch(b, ',');
	cell(b, it->family_name);
	chousa_buf_addch(b, ',');
	if (row->confidence >= 0)
		chousa_buf_addf(b, "%d", row->confidence);
	chousa_buf_addf(b, ",%s,%s,", it->first, it->last);
	cell(b, it->sources);
	chousa_buf_addch(b, ',');
	cell(b, it->reference);
	chousa_buf_addch(b, '\n');
	return export_entry(f, err);
}

const struct export_format export_splunk = {
	"splunk",
	"Splunk ES intel CSV lookups (ip, domain, http, file, email) and "
	"transforms.conf",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_HASHES,
	EXPORT_F_DIR, NULL,
	splunk_begin, splunk_item, NULL, NULL, NULL, NULL
};
