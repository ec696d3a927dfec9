/*
 * ioc.h: what the indicator files share.  src/ioc/ioc.c classifies and
 * normalises one token, ioc-url.c parses WHATWG URLs, ioc-host.c judges
 * host names and the public suffix list, ioc-idna.c runs UTS #46, and
 * ioc-scan.c refangs and extracts.  Results are built in a reusable
 * scratch buffer as offsets, so that extraction allocates nothing per
 * indicator.
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
	const char		*host_error;	/* static; with INVALID_HOST */
	int			 lenient_tld;	/* accept an unlisted TLD */
	int			 url_context;	/* "host/path" is a URL */
	int			 query_context;	/* CTX_QUERY */
	const char		*why;	/* static; set on failure */
};

/* Append b's own bytes [off, off + len) to b (which may move). */
void	ioc_buf_add_self(struct chousa_buf *b, size_t off, size_t len);

/* Append s and a NUL to r->b; returns its offset. */
size_t	ioc_res_add(struct ioc_res *r, const char *s, size_t len);

/* The code point of the UTF-8 character at s and its length in *n; *n is
 * 0 when it is not valid UTF-8 (overlong, surrogate, cut short). */
uint32_t ioc_utf8_decode(const unsigned char *s, size_t len, size_t *n);

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
 * A host name to its normal form in r->b (WHATWG domain to ASCII: lower
 * case, punycode, no trailing dot); sets r->display when the host has a
 * Unicode form.  With need_tld, the last label must be a public suffix.
 * A host whose labels fail IDNA or DNS syntax is kept as written with
 * CHOUSA_IOC_F_INVALID_HOST and r->host_error, its registrable domain
 * taken from the labels that are sound.  1 on success, 0 with r->why.
 */
int	ioc_domain(struct ioc_res *r, const char *s, size_t len,
	    int need_tld, size_t *host_off);
/* Whether tld (lower case ASCII) is a top-level domain of the list: a
 * public suffix itself, or the parent of one ("za" of "gov.za"). */
int	ioc_tld_known(struct ioc_res *r, const char *tld, size_t len);
struct ioc_tld_cache *ioc_tld_cache_new(void);
void	ioc_tld_cache_free(struct ioc_tld_cache *c);
/* The public suffix list in use (CHOUSA_PSL, else libpsl's own). */
const struct psl_ctx_st *ioc_psl(void);

/* The URL Standard's forbidden domain code points, space and C0 (inline:
 * every byte of every candidate host comes here). */
static inline int
ioc_forbidden_host_byte(unsigned char c)
{
	switch (c) {
	case '#': case '%': case '/': case ':': case '<': case '>': case '?':
	case '@': case '[': case '\\': case ']': case '^': case '|':
	case 0x7f:
		return 1;
	}
	return c <= 0x20;
}
/*
 * WHATWG domain to ASCII of s, appended to out: ASCII text lower-cased as
 * it is, other text through UTS #46.  1, or 0 with *why (static).
 */
int	ioc_host_to_ascii(const char *s, size_t len, struct chousa_buf *out,
	    const char **why);
/*
 * The Unicode form of an ASCII host, for display, appended to out: 1; 0
 * when it has no "xn--" label; -1 with *why when one is not valid.
 */
int	ioc_host_display(const char *ascii, size_t len,
	    struct chousa_buf *out, const char **why);

/* UTS #46 ToASCII with the URL Standard's settings (ICU, else libidn2);
 * 1, or 0 with *why.  ioc_idna_to_unicode is ToUnicode, the same way. */
int	ioc_idna_uts46(const char *s, size_t len, struct chousa_buf *out,
	    const char **why);
int	ioc_idna_to_unicode(const char *ascii, size_t len,
	    struct chousa_buf *out, const char **why);
/* "ICU 72.1 (UTS #46)" or "libidn2 (IDNA2008)": what converts hosts. */
const char *ioc_idna_engine(void);

/* Set r->regdomain for the ASCII host at offset host_off. */
void	ioc_set_regdomain(struct ioc_res *r, size_t host_off);
/* The same for an ASCII host held elsewhere (copied into r->b). */
void	ioc_set_regdomain_of(struct ioc_res *r, const char *host,
	    size_t len);
/* The same for an invalid host, from its sound labels at the right. */
void	ioc_set_regdomain_sound(struct ioc_res *r, const char *s,
	    size_t len);
/* Flag r's host invalid (CHOUSA_IOC_F_INVALID_HOST); the first reason
 * stays in r->host_error. */
void	ioc_host_invalid(struct ioc_res *r, const char *why);

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
