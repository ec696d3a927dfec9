/*
 * ioc.h: what the indicator files share (src/ioc/ioc.c classifies and
 * normalises one token, src/ioc/ioc-url.c parses WHATWG URLs, src/ioc/ioc-scan.c
 * refangs and extracts).  Results are built in a reusable scratch buffer
 * as offsets, so that extraction allocates nothing per indicator.
 */
#ifndef CHOUSA_IOC_INTERNAL_H
#define CHOUSA_IOC_INTERNAL_H

#include "chousa.h"

#define IOC_NOOFF	((size_t)-1)
#define IOC_MAX_TOKEN	8192	/* longest indicator, bytes */

/* A cache of top-level-domain answers for the extractor (NULL: none). */
struct ioc_tld_cache;

/* One classified token; strings are offsets into b, NUL-terminated. */
struct ioc_res {
	struct chousa_buf	*b;
	struct ioc_tld_cache	*tlds;
	int			 type;
	size_t			 value, value_len, display, host;
	size_t			 regdomain, path;
	int			 host_type;
	unsigned		 port;
	uint8_t			 addr[16];
	int			 is_v6;
	int			 prefix;
	unsigned		 flags;
	const char		*why;	/* static; set on failure */
};

/* Append b's own bytes [off, off + len) to b (which may move). */
void	ioc_buf_add_self(struct chousa_buf *b, size_t off, size_t len);

/* Reset r to hold a new result in b (which is emptied). */
void	ioc_res_init(struct ioc_res *r, struct chousa_buf *b,
	    struct ioc_tld_cache *tlds);
/* Point ind's fields into r's buffer (raw, offset are left alone). */
void	ioc_res_fill(const struct ioc_res *r, struct chousa_indicator *ind);

/*
 * Classify one already refanged token: URL, CIDR, IP, email, hash, ASN or
 * domain, restricted to mask types (0: any).  Returns the type, or
 * CHOUSA_IOC_NONE with r->why set.
 */
int	ioc_classify(struct ioc_res *r, const char *s, size_t len,
	    unsigned types);

/* Dotted-decimal IPv4, exactly four parts of 1-3 digits each <= 255. */
int	ioc_ipv4_dotted(const char *s, size_t len, uint8_t out[4]);
/* RFC 4291 text form, embedded IPv4 allowed, no zone; 1 on success. */
int	ioc_ipv6_parse(const char *s, size_t len, uint8_t out[16]);
/* RFC 5952; mapped_dotted writes ::ffff:a.b.c.d.  out has 46 bytes. */
void	ioc_ipv6_format(const uint8_t a[16], int mapped_dotted, char *out);
void	ioc_ipv4_format(const uint8_t a[4], char *out);

/*
 * A host name to its ASCII normal form in r->b (lower case, punycode, no
 * trailing dot); sets r->display when the host has a Unicode form.  With
 * need_tld, the last label must be a public suffix.  1 on success.
 */
int	ioc_domain(struct ioc_res *r, const char *s, size_t len,
	    int need_tld, size_t *host_off);
/* Whether tld (lower case ASCII) is a public suffix on its own. */
int	ioc_tld_known(struct ioc_res *r, const char *tld, size_t len);
struct ioc_tld_cache *ioc_tld_cache_new(void);
void	ioc_tld_cache_free(struct ioc_tld_cache *c);

/*
 * The Unicode form of an ASCII host with xn-- labels, into *uni (free with
 * idn2_free); 0 when a label is not valid IDNA (it does not convert back
 * to the same ASCII).
 */
int	ioc_idn_roundtrip(const char *ascii, char **uni);

/* Set r->regdomain for the ASCII host at offset host_off. */
void	ioc_set_regdomain(struct ioc_res *r, size_t host_off);

/* A WHATWG URL (http, https, ftp) into r; 1 on success. */
int	ioc_url(struct ioc_res *r, const char *s, size_t len);

/*
 * Refang one token written on its own (chousa_ioc_parse): trims white
 * space, quotes and brackets around it, undoes every defang style, and
 * appends the result to out.  Returns whether anything was undone.
 */
int	ioc_refang_token(struct chousa_buf *out, const char *s, size_t len);

/*
 * chousa_ioc_each_parent() for a caller that knows the registrable domain
 * rd already (an indicator's regdomain): the PSL look-up is most of its
 * cost.  Parents of domain up to rd, nothing when rd is not a parent.
 */
int	ioc_each_parent_upto(const char *domain, const char *rd,
	    int (*fn)(void *arg, const char *parent), void *arg);

/* Length of a scheme like "http://" at s (after refanging), or 0. */
size_t	ioc_url_scheme_len(const char *s, size_t len);

#endif /* CHOUSA_IOC_INTERNAL_H */
