/*
 * chousa/ioc.h: indicators, read the way analysts write them.  Refang
 * (hxxp, [.], full-width forms), classify, normalise (WHATWG URL, UTS #46,
 * RFC 5952) and extract them from free text.  Part of chousa.h.
 */
#ifndef CHOUSA_IOC_H
#define CHOUSA_IOC_H

/* Indicator types.  Append only: the numbers are stored in the database. */
enum chousa_ioc_type {
	CHOUSA_IOC_NONE = 0,
	CHOUSA_IOC_IPV4,
	CHOUSA_IOC_IPV6,
	CHOUSA_IOC_CIDR,	/* v4 or v6: see is_v6 */
	CHOUSA_IOC_DOMAIN,
	CHOUSA_IOC_URL,
	CHOUSA_IOC_EMAIL,
	CHOUSA_IOC_MD5,
	CHOUSA_IOC_SHA1,
	CHOUSA_IOC_SHA256,
	CHOUSA_IOC_SHA512,
	CHOUSA_IOC_ASN,		/* "AS13335" */
	CHOUSA_IOC_TYPE_COUNT
};

/* Type masks: CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | ...; 0 means every type. */
#define CHOUSA_IOC_BIT(t)	(1u << (t))
#define CHOUSA_IOC_ALL		0u
#define CHOUSA_IOC_HASHES	(CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) | \
	CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) | CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256) | \
	CHOUSA_IOC_BIT(CHOUSA_IOC_SHA512))
#define CHOUSA_IOC_IPS		(CHOUSA_IOC_BIT(CHOUSA_IOC_IPV4) | \
	CHOUSA_IOC_BIT(CHOUSA_IOC_IPV6))

/* "ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", ... "asn". */
const char *chousa_ioc_type_name(int type);
/* The inverse; CHOUSA_IOC_NONE when unknown.  "hash" is not a type. */
int	chousa_ioc_type_from_name(const char *name);
/*
 * Parse a comma-separated list of type names ("url,domain,ip,hash"; "ip"
 * means ipv4+ipv6+cidr, "hash" every hash) into a mask.
 */
int	chousa_ioc_types_parse(const char *list, unsigned *mask,
	    struct chousa_err *err);

/* Flags of an indicator. */
#define CHOUSA_IOC_F_PRIVATE	0x0001u	/* RFC 1918, fc00::/7 */
#define CHOUSA_IOC_F_LOOPBACK	0x0002u
#define CHOUSA_IOC_F_CGNAT	0x0004u	/* 100.64.0.0/10 */
#define CHOUSA_IOC_F_LINKLOCAL	0x0008u
#define CHOUSA_IOC_F_DOC	0x0010u	/* documentation ranges */
#define CHOUSA_IOC_F_MULTICAST	0x0020u
#define CHOUSA_IOC_F_RESERVED	0x0040u	/* other special-purpose ranges */
#define CHOUSA_IOC_F_DEFANGED	0x0100u	/* the raw text was defanged */
#define CHOUSA_IOC_F_IDN	0x0200u	/* the host has a Unicode form */
#define CHOUSA_IOC_F_IP_HOST	0x0400u	/* a URL or email whose host is an IP */
/* The host fails IDNA (UTS #46) or DNS syntax in a label; it is kept as
 * written, host_error says why, regdomain comes from the sound labels. */
#define CHOUSA_IOC_F_INVALID_HOST 0x0800u
#define CHOUSA_IOC_F_NO_SCHEME	0x1000u	/* a URL written without "http://" */
#define CHOUSA_IOC_F_UNLISTED_TLD 0x2000u /* a TLD the list does not name,
					 * accepted from a typed field */
/* An IP written as more than the address, taken as the address (with
 * CHOUSA_IOC_CTX_QUERY only): a single-host CIDR (/32, /128) or IP:port
 * (the port in port); raw says how it was written. */
#define CHOUSA_IOC_F_ADDRESS_ONLY 0x4000u
/* Any flag of an address that is not on the public internet. */
#define CHOUSA_IOC_F_NONPUBLIC	0x007fu

/*
 * One indicator.  All strings are NUL-terminated; who owns them depends on
 * the function that filled the struct (arena for chousa_ioc_parse,
 * borrowed for the extract callback).
 */
struct chousa_indicator {
	int		 type;		/* enum chousa_ioc_type */
	const char	*value;		/* the normal form, the identity */
	size_t		 value_len;
	const char	*display;	/* Unicode host form, else == value */
	const char	*host;		/* URL or email host, domain itself;
					 * IPv6 without brackets; else NULL */
	int		 host_type;	/* DOMAIN, IPV4 or IPV6 for host */
	const char	*regdomain;	/* registrable domain (PSL), or NULL */
	unsigned	 port;		/* URL port, 0 when default */
	const char	*path;		/* URL path, query and fragment */
	uint8_t		 addr[16];	/* IPv4 (first 4 bytes), IPv6, CIDR,
					 * or a URL's IP host */
	int		 is_v6;
	int		 prefix;	/* CIDR prefix length; 32/128 for IPs */
	unsigned	 flags;		/* CHOUSA_IOC_F_* */
	/* Set by extraction only: */
	const char	*raw;		/* the text as written */
	size_t		 raw_len;
	size_t		 offset;	/* byte offset of raw in the input */
	/* Why the host is flagged CHOUSA_IOC_F_INVALID_HOST (static), or
	 * NULL. */
	const char	*host_error;
};

/*
 * Parse one indicator written on its own (surrounding white space and
 * quotes are allowed), refanging it first.  types restricts what it may be
 * (CHOUSA_IOC_ALL for any).  Strings go to the arena a.  Returns
 * CHOUSA_EPARSE with a message saying what the text is not.
 */
int	chousa_ioc_parse(struct chousa_arena *a, const char *s, size_t len,
	    unsigned types, struct chousa_indicator *out,
	    struct chousa_err *err);

/* What the caller knows about a value (chousa_ioc_parse_context). */
#define CHOUSA_IOC_CTX_URL	0x1u	/* the field holds a URL: "host/path"
					 * and "host" are URLs, http assumed
					 * (flag no-scheme) */
#define CHOUSA_IOC_CTX_TYPED	0x2u	/* the field names its type: a domain
					 * under a TLD the list does not name
					 * yet is accepted (unlisted-tld) */
/* An analyst asks about one host (lookup, investigate): a single-host CIDR
 * (1.2.3.4/32, 2001:db8::1/128) and IP:port (1.2.3.4:8080,
 * [2001:db8::1]:443, ThreatFox's form) are the IP, flag address-only. */
#define CHOUSA_IOC_CTX_QUERY	0x4u

/*
 * chousa_ioc_parse for a value whose field says what it is, as importers
 * and log readers know (a STIX url:value, a MISP "url" attribute, a "url"
 * column).  context is CHOUSA_IOC_CTX_*; 0 is chousa_ioc_parse.
 */
int	chousa_ioc_parse_context(struct chousa_arena *a, const char *s,
	    size_t len, unsigned types, unsigned context,
	    struct chousa_indicator *out, struct chousa_err *err);

/* A URL field: chousa_ioc_parse_context(..., CHOUSA_IOC_BIT(URL),
 * CHOUSA_IOC_CTX_URL | CHOUSA_IOC_CTX_TYPED, ...). */
int	chousa_ioc_parse_url_context(struct chousa_arena *a, const char *s,
	    size_t len, struct chousa_indicator *out, struct chousa_err *err);

/*
 * Refang free text: hxxp, [.], (dot), [:], [@], \., http[s], full-width
 * and ideographic forms, appended to out.  Prose stays prose: only
 * sequences that are part of an indicator are changed.
 */
int	chousa_ioc_refang(struct chousa_buf *out, const char *s, size_t len,
	    struct chousa_err *err);

/*
 * Append a defanged form of an indicator's normal form, as reports meant
 * for sharing write it: hxxp(s), [.] for dots in hosts and IPs, [:]// and
 * [@].  Hashes and ASNs are unchanged.  The inverse of refang.
 */
void	chousa_ioc_defang(struct chousa_buf *out, const char *value,
	    size_t len);

/*
 * Defang free text: every indicator extract finds is replaced by its
 * normal form defanged (chousa_ioc_defang); the rest is copied.  x is an
 * extractor to reuse (private addresses kept), or NULL for one of its own.
 */
struct chousa_extractor;
int	chousa_ioc_defang_text(struct chousa_extractor *x,
	    struct chousa_buf *out, const char *s, size_t len,
	    struct chousa_err *err);

/* The address class flags of an IP (4 or 16 bytes). */
unsigned chousa_ioc_ip_flags(const uint8_t *addr, int is_v6);

/*
 * Parents of a domain, nearest first, not going above the registrable
 * domain ("a.b.evil.co.uk" gives "b.evil.co.uk", "evil.co.uk").  Calls fn
 * for each; a non-zero return stops.
 */
int	chousa_ioc_each_parent(const char *domain,
	    int (*fn)(void *arg, const char *parent), void *arg);

/* ---- extraction ---- */

/*
 * Called for each indicator found.  ind and its strings are borrowed for
 * the call only.  A non-zero return stops the extraction and is returned.
 */
typedef int (*chousa_ioc_fn)(void *arg, const struct chousa_indicator *ind);

/* Options of an extractor. */
struct chousa_extract_opts {
	unsigned	types;		/* mask, CHOUSA_IOC_ALL for every type */
	int		unique;		/* report each normal form once */
	int		keep_private;	/* also private and loopback IPs */
};

/*
 * An extractor holds what can be reused across calls (the compiled
 * scanner, the unique set).  Caller frees with chousa_extractor_free().
 */
struct chousa_extractor;

int	chousa_extractor_new(struct chousa_extractor **out,
	    const struct chousa_extract_opts *opts, struct chousa_err *err);
void	chousa_extractor_free(struct chousa_extractor *x);

/*
 * Find every indicator in text, defanged or not.  base is added to the
 * offsets reported (for input read in chunks: pass whole lines).  Invalid
 * UTF-8, NUL bytes and huge lines are survived.
 */
int	chousa_extract(struct chousa_extractor *x, const char *text,
	    size_t len, size_t base, chousa_ioc_fn fn, void *arg,
	    struct chousa_err *err);

#endif /* CHOUSA_IOC_H */
