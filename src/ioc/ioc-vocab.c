/*
 * ioc-vocab.c: MISP's and STIX 2.1's names for chousa's indicator types,
 * one table each, shared by the exports and the reports (both above this
 * layer, so here and not in src/render).  MISP's categories
 * are the default ones describeTypes.json gives each type: an e-mail
 * sender is "Payload delivery" there, and MISP refuses a category that
 * does not list the type.
 */
#include <string.h>

#include "ioc/vocab.h"

static const struct {
	const char	*type;
	const char	*category;
} misp_types[] = {
	[CHOUSA_IOC_IPV4] = { "ip-dst", "Network activity" },
	[CHOUSA_IOC_IPV6] = { "ip-dst", "Network activity" },
	[CHOUSA_IOC_CIDR] = { "ip-dst", "Network activity" },
	[CHOUSA_IOC_DOMAIN] = { "domain", "Network activity" },
	[CHOUSA_IOC_URL] = { "url", "Network activity" },
	[CHOUSA_IOC_EMAIL] = { "email-src", "Payload delivery" },
	[CHOUSA_IOC_MD5] = { "md5", "Payload delivery" },
	[CHOUSA_IOC_SHA1] = { "sha1", "Payload delivery" },
	[CHOUSA_IOC_SHA256] = { "sha256", "Payload delivery" },
	[CHOUSA_IOC_SHA512] = { "sha512", "Payload delivery" },
	[CHOUSA_IOC_ASN] = { "AS", "Network activity" },
};

const char *
vocab_misp_type(int type, int has_port, const char **category)
{
	size_t n = sizeof(misp_types) / sizeof(misp_types[0]);

	if (type < 0 || (size_t)type >= n || misp_types[type].type == NULL)
		return NULL;
	*category = misp_types[type].category;
	if (has_port && (type == CHOUSA_IOC_IPV4 || type == CHOUSA_IOC_IPV6))
		return "ip-dst|port";
	return misp_types[type].type;
}

int
vocab_hash_type(const char *hex)
{
	switch (strlen(hex)) {
	case 32:
		return CHOUSA_IOC_MD5;
	case 40:
		return CHOUSA_IOC_SHA1;
	case 128:
		return CHOUSA_IOC_SHA512;
	default:
		return CHOUSA_IOC_SHA256;
	}
}

void
vocab_misp_tag(struct chousa_jw *w, const char *name)
{
	chousa_jw_object(w);
	chousa_jw_kstr(w, "name", name);
	chousa_jw_object_end(w);
}

void
vocab_misp_galaxy(struct chousa_buf *b, const char *family)
{
	chousa_buf_adds(b, "misp-galaxy:malpedia=\"");
	chousa_buf_adds(b, family);
	chousa_buf_addch(b, '"');
}

const char *
vocab_stix_sco(int type, const char *value)
{
	switch (type) {
	case CHOUSA_IOC_IPV4:
		return "ipv4-addr";
	case CHOUSA_IOC_IPV6:
		return "ipv6-addr";
	case CHOUSA_IOC_CIDR:
		return strchr(value, ':') != NULL ? "ipv6-addr" : "ipv4-addr";
	case CHOUSA_IOC_DOMAIN:
		return "domain-name";
	case CHOUSA_IOC_URL:
		return "url";
	case CHOUSA_IOC_EMAIL:
		return "email-addr";
	case CHOUSA_IOC_MD5:
	case CHOUSA_IOC_SHA1:
	case CHOUSA_IOC_SHA256:
	case CHOUSA_IOC_SHA512:
		return "file";
	default:
		return NULL;
	}
}

const char *
vocab_stix_hash(const char *hex)
{
	switch (vocab_hash_type(hex)) {
	case CHOUSA_IOC_MD5:
		return "MD5";
	case CHOUSA_IOC_SHA1:
		return "SHA-1";
	case CHOUSA_IOC_SHA512:
		return "SHA-512";
	default:
		return "SHA-256";
	}
}

void
vocab_stix_pattern(struct chousa_buf *b, int type, const char *value)
{
	const char *sco;

	/* A number, not a string: "AS13335" compares as 13335. */
	if (type == CHOUSA_IOC_ASN) {
		chousa_buf_addf(b, "[autonomous-system:number = %s]",
		    value + 2);
		return;
	}
	sco = vocab_stix_sco(type, value);
	if (sco == NULL)
		return;
	if (strcmp(sco, "file") == 0)
		chousa_buf_addf(b, "[file:hashes.'%s' = ",
		    vocab_stix_hash(value));
	else
		chousa_buf_addf(b, "[%s:value = ", sco);
	chousa_esc_stix(b, value);
	chousa_buf_addch(b, ']');
}
