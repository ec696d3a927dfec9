/*
 * ioc.c: one indicator on its own: classify a refanged token as an IP,
 * CIDR, domain, URL, email, hash or ASN and write its normal form (RFC 5952
 * for IPv6, UTS #46 punycode for hosts, the public suffix list for the
 * registrable domain).  The rules are strict on purpose: a host is a
 * domain only under a known public suffix, so file names stay file names.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "base/hex.h"
#include "ioc/ioc.h"
#include "base/mem.h"

static const char *const type_names[CHOUSA_IOC_TYPE_COUNT] = {
	"none", "ipv4", "ipv6", "cidr", "domain", "url", "email", "md5",
	"sha1", "sha256", "sha512", "asn"
};

const char *
chousa_ioc_type_name(int type)
{
	if (type <= 0 || type >= CHOUSA_IOC_TYPE_COUNT)
		return "none";
	return type_names[type];
}

int
chousa_ioc_type_from_name(const char *name)
{
	int t;

	if (name == NULL)
		return CHOUSA_IOC_NONE;
	for (t = 1; t < CHOUSA_IOC_TYPE_COUNT; t++)
		if (strcasecmp(name, type_names[t]) == 0)
			return t;
	return CHOUSA_IOC_NONE;
}

int
chousa_ioc_types_parse(const char *list, unsigned *mask,
    struct chousa_err *err)
{
	unsigned m = 0;
	const char *p = list, *e;
	char name[32];
	size_t n;
	int t;

	if (list == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no type list");
	while (*p != '\0') {
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(name))
			goto bad;
		memcpy(name, p, n);
		name[n] = '\0';
		if (strcasecmp(name, "ip") == 0)
			m |= CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR);
		else if (strcasecmp(name, "hash") == 0)
			m |= CHOUSA_IOC_HASHES;
		else if (strcasecmp(name, "all") == 0)
			m |= ((1u << CHOUSA_IOC_TYPE_COUNT) - 1) & ~1u;
		else {
			t = chousa_ioc_type_from_name(name);
			if (t == CHOUSA_IOC_NONE)
				goto bad;
			m |= CHOUSA_IOC_BIT(t);
		}
		p += n;
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
		continue;
bad:
		return chousa_errf(err, CHOUSA_EINVAL, "unknown indicator type "
		    "'%.*s' (one of ipv4, ipv6, cidr, ip, domain, url, email, "
		    "md5, sha1, sha256, sha512, hash, asn)", (int)(n < 32 ?
		    n : 32), p);
	}
	if (m == 0)
		return chousa_errf(err, CHOUSA_EINVAL, "empty type list");
	*mask = m;
	return CHOUSA_OK;
}

/* ---- results ---- */

void
ioc_res_init(struct ioc_res *r, struct chousa_buf *b,
    struct ioc_tld_cache *tlds)
{
	memset(r, 0, sizeof(*r));
	r->b = b;
	r->tlds = tlds;
	chousa_buf_reset(b);
	r->value = r->display = r->host = r->regdomain = r->path = IOC_NOOFF;
}

static const char *
res_str(const struct ioc_res *r, size_t off)
{
	return off == IOC_NOOFF ? NULL : r->b->data + off;
}

void
ioc_res_fill(const struct ioc_res *r, struct chousa_indicator *ind)
{
	ind->type = r->type;
	ind->value = res_str(r, r->value);
	ind->value_len = r->value_len;
	ind->display = r->display != IOC_NOOFF ? res_str(r, r->display) :
	    ind->value;
	ind->host = res_str(r, r->host);
	ind->host_type = r->host_type;
	ind->regdomain = res_str(r, r->regdomain);
	ind->port = r->port;
	ind->path = res_str(r, r->path);
	memcpy(ind->addr, r->addr, sizeof(ind->addr));
	ind->is_v6 = r->is_v6;
	ind->prefix = r->prefix;
	ind->flags = r->flags;
	ind->host_error = r->flags & CHOUSA_IOC_F_INVALID_HOST ?
	    r->host_error : NULL;
}

void
ioc_buf_add_self(struct chousa_buf *b, size_t off, size_t len)
{
	char tmp[512];
	size_t n;

	/* In pieces through tmp: appending may move b->data. */
	while (len > 0 && b->failed == CHOUSA_OK) {
		n = len < sizeof(tmp) ? len : sizeof(tmp);
		memcpy(tmp, b->data + off, n);
		chousa_buf_add(b, tmp, n);
		off += n;
		len -= n;
	}
}

size_t
ioc_res_add(struct ioc_res *r, const char *s, size_t len)
{
	size_t off = r->b->len;

	chousa_buf_add(r->b, s, len);
	chousa_buf_addch(r->b, '\0');
	return off;
}

uint32_t
ioc_utf8_decode(const unsigned char *s, size_t len, size_t *n)
{
	uint32_t cp;
	size_t k, i;

	*n = 0;
	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (k > len)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	*n = k;
	return cp;
}

/* ---- IP addresses ---- */

int
ioc_ipv4_dotted(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part, nd;
	unsigned v;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		v = 0;
		nd = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && nd < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			nd++;
		}
		if (nd == 0 || nd > 3 || v > 255)
			return 0;
		out[part] = (uint8_t)v;
	}
	return i == len;
}

void
ioc_ipv4_format(const uint8_t a[4], char *out)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

int
ioc_ipv6_parse(const char *s, size_t len, uint8_t out[16])
{
	uint16_t g[8];
	size_t i = 0;
	int n = 0, gap = -1, nd, h;
	unsigned v;
	uint8_t v4[4];

	if (len < 2 || len > 45)
		return 0;
	if (s[0] == ':') {
		if (s[1] != ':')
			return 0;
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	}
	for (;;) {
		/* An embedded IPv4 address ends the text. */
		size_t j = i;

		while (j < len && s[j] != ':' && s[j] != '.')
			j++;
		if (j < len && s[j] == '.') {
			if (n > 6 || !ioc_ipv4_dotted(s + i, len - i, v4))
				return 0;
			g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
			g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
			break;
		}
		v = 0;
		nd = 0;
		while (i < len && (h = chousa_hex_value((unsigned char)s[i])) >= 0) {
			v = v << 4 | (unsigned)h;
			i++;
			if (++nd > 4)
				return 0;
		}
		if (nd == 0 || n >= 8)
			return 0;
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return 0;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len)
			return 0;
	}
done:
	if (gap < 0 && n != 8)
		return 0;
	if (gap >= 0 && n > 7)
		return 0;
	memset(out, 0, 16);
	if (gap < 0)
		gap = n;
	for (i = 0; i < (size_t)gap; i++) {
		out[2 * i] = (uint8_t)(g[i] >> 8);
		out[2 * i + 1] = (uint8_t)g[i];
	}
	for (i = (size_t)gap; i < (size_t)n; i++) {
		size_t k = 8 - (size_t)n + i;

		out[2 * k] = (uint8_t)(g[i] >> 8);
		out[2 * k + 1] = (uint8_t)g[i];
	}
	return 1;
}

void
ioc_ipv6_format(const uint8_t a[16], int mapped_dotted, char *out)
{
	int best = -1, best_len = 0, cur = -1, cur_len = 0, i;
	char *p = out;
	uint16_t g[8];
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (mapped_dotted && memcmp(a, mapped, 12) == 0) {
		snprintf(out, 46, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14],
		    a[15]);
		return;
	}
	for (i = 0; i < 8; i++)
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	for (i = 0; i < 8; i++) {
		if (g[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			cur_len++;
			if (cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else
			cur = -1;
	}
	/* RFC 5952 4.2.2: a single zero group is not shortened. */
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		p += snprintf(p, 6, "%x", g[i]);
		if (i < 7)
			*p++ = ':';
	}
	*p = '\0';
}

static int
in4(const uint8_t *a, unsigned net, int bits)
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];
	uint32_t m = bits == 0 ? 0 : 0xffffffffu << (32 - bits);

	return (v & m) == (net & m);
}

static unsigned
ip4_flags(const uint8_t *a)
{
	if (in4(a, 0x0a000000, 8) || in4(a, 0xac100000, 12) ||
	    in4(a, 0xc0a80000, 16))
		return CHOUSA_IOC_F_PRIVATE;
	if (in4(a, 0x7f000000, 8))
		return CHOUSA_IOC_F_LOOPBACK;
	if (in4(a, 0x64400000, 10))
		return CHOUSA_IOC_F_CGNAT;
	if (in4(a, 0xa9fe0000, 16))
		return CHOUSA_IOC_F_LINKLOCAL;
	if (in4(a, 0xc0000200, 24) || in4(a, 0xc6336400, 24) ||
	    in4(a, 0xcb007100, 24))
		return CHOUSA_IOC_F_DOC;
	if (in4(a, 0xe0000000, 4))
		return CHOUSA_IOC_F_MULTICAST;
	/* 0/8, 192.0.0/24, 192.88.99/24 (6to4 relay), 198.18/15
	 * (benchmarking), 240/4 and the broadcast address. */
	if (in4(a, 0, 8) || in4(a, 0xc0000000, 24) ||
	    in4(a, 0xc0586300, 24) || in4(a, 0xc6120000, 15) ||
	    in4(a, 0xf0000000, 4))
		return CHOUSA_IOC_F_RESERVED;
	return 0;
}

unsigned
chousa_ioc_ip_flags(const uint8_t *a, int is_v6)
{
	static const uint8_t zero[16], mapped[12] = { 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0xff, 0xff };
	static const uint8_t loop[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 1 };

	if (a == NULL)
		return 0;
	if (!is_v6)
		return ip4_flags(a);
	if (memcmp(a, mapped, 12) == 0)
		return ip4_flags(a + 12);
	if (memcmp(a, loop, 16) == 0)
		return CHOUSA_IOC_F_LOOPBACK;
	if (memcmp(a, zero, 16) == 0)
		return CHOUSA_IOC_F_RESERVED;
	if ((a[0] & 0xfe) == 0xfc)
		return CHOUSA_IOC_F_PRIVATE;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return CHOUSA_IOC_F_LINKLOCAL;
	if (a[0] == 0xff)
		return CHOUSA_IOC_F_MULTICAST;
	if ((a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) ||
	    (a[0] == 0x3f && a[1] == 0xff && (a[2] & 0xf0) == 0))
		return CHOUSA_IOC_F_DOC;
	/* Everything outside global unicast 2000::/3 (site-local fec0::/10,
	 * discard 100::/64, IPv4-compatible ::a.b.c.d...). */
	if ((a[0] & 0xe0) != 0x20)
		return CHOUSA_IOC_F_RESERVED;
	return 0;
}

/* ---- classification ---- */

static int
want(unsigned types, int t)
{
	return types == 0 || (types & CHOUSA_IOC_BIT(t)) != 0;
}

static int
set_ip(struct ioc_res *r, const uint8_t *a, int is_v6)
{
	char txt[46];

	if (is_v6) {
		memcpy(r->addr, a, 16);
		ioc_ipv6_format(a, 1, txt);
	} else {
		memcpy(r->addr, a, 4);
		ioc_ipv4_format(a, txt);
	}
	r->is_v6 = is_v6;
	r->prefix = is_v6 ? 128 : 32;
	r->flags |= chousa_ioc_ip_flags(a, is_v6);
	r->value = ioc_res_add(r, txt, strlen(txt));
	r->value_len = strlen(txt);
	/* host is for URLs, emails and domains (the header's contract). */
	return r->type = is_v6 ? CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4;
}

static int
classify_cidr(struct ioc_res *r, const char *s, size_t len, size_t slash,
    unsigned types)
{
	uint8_t a[16];
	char txt[64];
	int is_v6, bits = 0, i, max;
	size_t k;

	if (slash + 1 >= len || len - slash - 1 > 3)
		return (r->why = "bad prefix length"), 0;
	for (k = slash + 1; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return (r->why = "bad prefix length"), 0;
		bits = bits * 10 + (s[k] - '0');
	}
	memset(a, 0, sizeof(a));
	if (ioc_ipv4_dotted(s, slash, a))
		is_v6 = 0;
	else if (ioc_ipv6_parse(s, slash, a))
		is_v6 = 1;
	else
		return (r->why = "not an address before '/'"), 0;
	max = is_v6 ? 128 : 32;
	if (bits > max)
		return (r->why = "prefix length too long"), 0;
	/* Firewall and SIEM exports write a single host as /32 or /128. */
	if (bits == max && r->query_context &&
	    want(types, is_v6 ? CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4)) {
		r->flags |= CHOUSA_IOC_F_ADDRESS_ONLY;
		return set_ip(r, a, is_v6);
	}
	for (i = bits; i < max; i++)
		a[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
	memcpy(r->addr, a, 16);
	r->is_v6 = is_v6;
	r->prefix = bits;
	r->flags |= chousa_ioc_ip_flags(a, is_v6);
	if (is_v6)
		ioc_ipv6_format(a, 1, txt);
	else
		ioc_ipv4_format(a, txt);
	k = strlen(txt);
	snprintf(txt + k, sizeof(txt) - k, "/%d", bits);
	r->value = ioc_res_add(r, txt, strlen(txt));
	r->value_len = strlen(txt);
	return r->type = CHOUSA_IOC_CIDR;
}

/* "[192.0.2.7]" or "[IPv6:2001:db8::1]" (RFC 5321 4.1.3); 1 on success. */
static int
address_literal(struct ioc_res *r, const char *s, size_t len)
{
	char txt[48];
	uint8_t a[16];

	if (len < 3 || s[0] != '[' || s[len - 1] != ']')
		return 0;
	s++;
	len -= 2;
	memset(a, 0, sizeof(a));
	if (ioc_ipv4_dotted(s, len, a)) {
		ioc_ipv4_format(a, txt);
		r->host_type = CHOUSA_IOC_IPV4;
	} else if (len > 5 && strncasecmp(s, "IPv6:", 5) == 0 &&
	    ioc_ipv6_parse(s + 5, len - 5, a)) {
		ioc_ipv6_format(a, 1, txt);
		r->host_type = CHOUSA_IOC_IPV6;
		r->is_v6 = 1;
	} else
		return 0;
	memcpy(r->addr, a, 16);
	r->flags |= CHOUSA_IOC_F_IP_HOST | chousa_ioc_ip_flags(a, r->is_v6);
	r->host = ioc_res_add(r, txt, strlen(txt));
	return 1;
}

static int
classify_email(struct ioc_res *r, const char *s, size_t len, size_t at)
{
	size_t i, host, lp;

	if (at == 0 || at > 64 || at + 1 >= len)
		return (r->why = "bad email address"), 0;
	for (i = 0; i < at; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0 || (!isalnum(c) &&
		    strchr("!#$%&'*+/=?^_`{|}~.-", c) == NULL))
			return (r->why = "character not allowed in an email "
			    "address"), 0;
	}
	if (s[0] == '.' || s[at - 1] == '.')
		return (r->why = "bad email address"), 0;
	if (s[at + 1] == '[') {
		if (!address_literal(r, s + at + 1, len - at - 1))
			return (r->why = "bad address literal after '@'"), 0;
		lp = r->b->len;
		chousa_buf_add(r->b, s, at + 1);
		chousa_buf_addch(r->b, '[');
		if (r->host_type == CHOUSA_IOC_IPV6)
			chousa_buf_adds(r->b, "IPv6:");
		ioc_buf_add_self(r->b, r->host, strlen(r->b->data + r->host));
		chousa_buf_adds(r->b, "]");
		chousa_buf_addch(r->b, '\0');
		r->value = lp;
		r->value_len = r->b->len - lp - 1;
		return r->type = CHOUSA_IOC_EMAIL;
	}
	if (!ioc_domain(r, s + at + 1, len - at - 1, 1, &host))
		return 0;
	if (r->b->failed != CHOUSA_OK)
		return (r->why = "out of memory"), 0;
	lp = r->b->len;
	chousa_buf_add(r->b, s, at + 1);
	ioc_buf_add_self(r->b, host, strlen(r->b->data + host));
	chousa_buf_addch(r->b, '\0');
	r->value = lp;
	r->value_len = r->b->len - lp - 1;
	if (r->display != IOC_NOOFF) {
		size_t d = r->b->len;

		chousa_buf_add(r->b, s, at + 1);
		ioc_buf_add_self(r->b, r->display,
		    strlen(r->b->data + r->display));
		chousa_buf_addch(r->b, '\0');
		r->display = d;
	}
	r->host = host;
	r->host_type = CHOUSA_IOC_DOMAIN;
	return r->type = CHOUSA_IOC_EMAIL;
}

static int
classify_hash(struct ioc_res *r, const char *s, size_t len)
{
	char h[129];
	size_t i;
	int t;

	switch (len) {
	case 32:
		t = CHOUSA_IOC_MD5;
		break;
	case 40:
		t = CHOUSA_IOC_SHA1;
		break;
	case 64:
		t = CHOUSA_IOC_SHA256;
		break;
	case 128:
		t = CHOUSA_IOC_SHA512;
		break;
	default:
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (chousa_hex_value((unsigned char)s[i]) < 0)
			return 0;
		h[i] = (char)tolower((unsigned char)s[i]);
	}
	r->value = ioc_res_add(r, h, len);
	r->value_len = len;
	return r->type = t;
}

static int
classify_asn(struct ioc_res *r, const char *s, size_t len)
{
	size_t i = 2, nd = 0;
	unsigned long long v = 0;
	char txt[24];

	if (len < 3 || (s[0] != 'a' && s[0] != 'A') ||
	    (s[1] != 's' && s[1] != 'S'))
		return 0;
	if (s[2] == 'n' || s[2] == 'N')
		i = 3;
	/* "AS 1234", "ASN 1234": one space, as reports write it. */
	if (i + 1 < len && s[i] == ' ')
		i++;
	for (; i < len; i++, nd++) {
		if (s[i] < '0' || s[i] > '9' || nd >= 10)
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (nd == 0 || v > 4294967295ull)
		return 0;
	snprintf(txt, sizeof(txt), "AS%llu", v);
	r->value = ioc_res_add(r, txt, strlen(txt));
	r->value_len = strlen(txt);
	return r->type = CHOUSA_IOC_ASN;
}

/* Whether s starts with a scheme other than ours ("tcp://", "ssh:"). */
static int
other_scheme(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len && i < 32 && (isalnum((unsigned char)s[i]) ||
	    s[i] == '+' || s[i] == '.' || s[i] == '-'); i++)
		;
	return i + 2 < len && s[i] == ':' && s[i + 1] == '/' &&
	    s[i + 2] == '/';
}

/*
 * "evil.com/gate.php", "1.2.3.4:8080/x": a URL written without its
 * scheme, taken as http.  Outside a URL field the host must be a domain
 * under a known TLD or an IP address, so that "dir/file.txt" stays text.
 */
static int
classify_bare_url(struct ioc_res *r, const char *s, size_t len)
{
	char tmp[IOC_MAX_TOKEN + 8];
	const char *h;
	size_t n, dot;

	if (other_scheme(s, len))
		return (r->why = "not an http, https or ftp URL"), 0;
	if (len + 7 >= sizeof(tmp))
		return (r->why = "URL too long"), 0;
	n = len >= 2 && s[0] == '/' && s[1] == '/' ? 5 : 7;
	memcpy(tmp, "http://", n);
	memcpy(tmp + n, s, len);
	if (!ioc_url(r, tmp, len + n))
		return 0;
	if (!r->url_context && r->host_type == CHOUSA_IOC_DOMAIN) {
		h = r->b->data + r->host;
		n = strlen(h);
		for (dot = n; dot > 0 && h[dot - 1] != '.'; dot--)
			;
		if (dot == 0)
			return (r->why = "a single label before '/' is not a "
			    "host"), 0;
		if (!ioc_tld_known(r, h + dot, n - dot))
			return (r->why = "unknown top-level domain before "
			    "'/'"), 0;
	}
	r->flags |= CHOUSA_IOC_F_NO_SCHEME;
	return r->type = CHOUSA_IOC_URL;
}

/* "1.2.3.0/24", "2001:db8::/32": an address, '/', 1-3 digits. */
static int
cidr_like(const char *s, size_t len, size_t slash)
{
	size_t k;

	if (slash + 1 >= len || len - slash - 1 > 3)
		return 0;
	for (k = slash + 1; k < len; k++)
		if (s[k] < '0' || s[k] > '9')
			return 0;
	return memchr(s, ':', slash) != NULL || (slash > 0 &&
	    s[slash - 1] >= '0' && s[slash - 1] <= '9');
}

/* The digits after ':' as a number (at most 6 read), or -1. */
static long
port_number(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (len == 0 || len > 6)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * Whether s is written like an IPv6 address, so that saying it is not a
 * valid one helps: bracketed, or hex digits and at least two ':' up to a
 * zone ("fe80::1%eth0"), dots only in an IPv4 address at the end.
 */
static int
ipv6_like(const char *s, size_t len)
{
	size_t i, n_colon = 0;
	int dot = 0;

	if (len > 2 && s[0] == '[' && s[len - 1] == ']')
		return 1;
	for (i = 0; i < len && s[i] != '%'; i++) {
		if (s[i] == ':' && dot)
			return 0;
		if (s[i] == ':')
			n_colon++;
		else if (s[i] == '.')
			dot = 1;
		else if (chousa_hex_value((unsigned char)s[i]) < 0)
			return 0;
	}
	return n_colon >= 2;
}

/*
 * A token with ':' and no '/': an IPv6 address, bracketed or not, else
 * (with query_context) IPv4:port or [IPv6]:port as the address.
 */
static int
classify_colon(struct ioc_res *r, const char *s, size_t len, unsigned types)
{
	uint8_t a[16];
	const char *colon;
	size_t n = len, host_len;
	long port;
	int is_v6;

	memset(a, 0, sizeof(a));
	if (n > 2 && s[0] == '[' && s[n - 1] == ']') {
		if (ioc_ipv6_parse(s + 1, n - 2, a))
			return want(types, CHOUSA_IOC_IPV6) ? set_ip(r, a, 1) :
			    CHOUSA_IOC_NONE;
	} else if (ioc_ipv6_parse(s, n, a))
		return want(types, CHOUSA_IOC_IPV6) ? set_ip(r, a, 1) :
		    CHOUSA_IOC_NONE;
	/* A bare IPv6 address has no port: its last group is no port. */
	colon = s + len - 1;
	while (colon > s && *colon != ':')
		colon--;
	host_len = (size_t)(colon - s);
	port = port_number(colon + 1, len - host_len - 1);
	if (port >= 0 && ioc_ipv4_dotted(s, host_len, a))
		is_v6 = 0;
	else if (port >= 0 && host_len > 2 && s[0] == '[' &&
	    s[host_len - 1] == ']' && ioc_ipv6_parse(s + 1, host_len - 2, a))
		is_v6 = 1;
	else {
		r->why = ipv6_like(s, len) ? "not an IPv6 address" :
		    "not a URL, an IPv6 address or an IP address and port";
		return CHOUSA_IOC_NONE;
	}
	if (port < 1 || port > 65535) {
		r->why = "port not in 1-65535 after the address";
		return CHOUSA_IOC_NONE;
	}
	if (!r->query_context) {
		r->why = "an IP address and port, not one indicator";
		return CHOUSA_IOC_NONE;
	}
	if (!want(types, is_v6 ? CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4))
		return CHOUSA_IOC_NONE;
	r->port = (unsigned)port;
	r->flags |= CHOUSA_IOC_F_ADDRESS_ONLY;
	return set_ip(r, a, is_v6);
}

int
ioc_classify(struct ioc_res *r, const char *s, size_t len, unsigned types)
{
	uint8_t a[16];
	const char *slash, *at;
	size_t host;
	int t = CHOUSA_IOC_NONE;

	r->why = "not an indicator";
	if (len == 0 || len > IOC_MAX_TOKEN)
		return CHOUSA_IOC_NONE;
	if (ioc_url_scheme_len(s, len) > 0) {
		if (!want(types, CHOUSA_IOC_URL)) {
			r->why = "a URL, not a wanted type";
			return CHOUSA_IOC_NONE;
		}
		t = ioc_url(r, s, len) ? CHOUSA_IOC_URL : CHOUSA_IOC_NONE;
		goto out;
	}
	if (r->url_context) {
		t = classify_bare_url(r, s, len);
		goto out;
	}
	slash = memchr(s, '/', len);
	if (slash != NULL) {
		if (cidr_like(s, len, (size_t)(slash - s))) {
			if (want(types, CHOUSA_IOC_CIDR))
				t = classify_cidr(r, s, len,
				    (size_t)(slash - s), types);
		} else if (want(types, CHOUSA_IOC_URL))
			t = classify_bare_url(r, s, len);
		goto out;
	}
	at = memchr(s, '@', len);
	/* user@[IPv6:2001:db8::1] before the ':' of an IPv6 address. */
	if (at != NULL && (size_t)(at - s) + 1 < len && at[1] == '[') {
		if (want(types, CHOUSA_IOC_EMAIL))
			t = classify_email(r, s, len, (size_t)(at - s));
		goto out;
	}
	memset(a, 0, sizeof(a));
	if (ioc_ipv4_dotted(s, len, a)) {
		if (want(types, CHOUSA_IOC_IPV4))
			t = set_ip(r, a, 0);
		goto out;
	}
	if (memchr(s, ':', len) != NULL) {
		t = classify_colon(r, s, len, types);
		goto out;
	}
	if (at != NULL) {
		if (want(types, CHOUSA_IOC_EMAIL))
			t = classify_email(r, s, len, (size_t)(at - s));
		goto out;
	}
	if ((types == 0 || (types & CHOUSA_IOC_HASHES)) &&
	    classify_hash(r, s, len)) {
		if (!want(types, r->type)) {
			r->type = CHOUSA_IOC_NONE;
			r->why = "a hash of an unwanted length";
		}
		t = r->type;
		goto out;
	}
	if (want(types, CHOUSA_IOC_ASN) && classify_asn(r, s, len)) {
		t = CHOUSA_IOC_ASN;
		goto out;
	}
	if (memchr(s, '.', len) == NULL) {
		r->why = "not an indicator";
		goto out;
	}
	if (!want(types, CHOUSA_IOC_DOMAIN))
		goto out;
	if (ioc_domain(r, s, len, 1, &host)) {
		r->value = host;
		r->value_len = strlen(r->b->data + host);
		r->host = host;
		r->host_type = CHOUSA_IOC_DOMAIN;
		t = r->type = CHOUSA_IOC_DOMAIN;
	}
out:
	if (r->b->failed != CHOUSA_OK) {
		r->why = "out of memory";
		t = CHOUSA_IOC_NONE;
	}
	r->type = t;
	return t;
}

/* ---- the public face ---- */

static char *
arena_str(struct chousa_arena *a, const char *s, int *ok)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = chousa_arena_strdup(a, s);
	if (d == NULL)
		*ok = 0;
	return d;
}

int
chousa_ioc_parse(struct chousa_arena *a, const char *s, size_t len,
    unsigned types, struct chousa_indicator *out, struct chousa_err *err)
{
	return chousa_ioc_parse_context(a, s, len, types, 0, out, err);
}

int
chousa_ioc_parse_url_context(struct chousa_arena *a, const char *s,
    size_t len, struct chousa_indicator *out, struct chousa_err *err)
{
	return chousa_ioc_parse_context(a, s, len, CHOUSA_IOC_BIT(
	    CHOUSA_IOC_URL), CHOUSA_IOC_CTX_URL | CHOUSA_IOC_CTX_TYPED, out,
	    err);
}

int
chousa_ioc_parse_context(struct chousa_arena *a, const char *s, size_t len,
    unsigned types, unsigned context, struct chousa_indicator *out,
    struct chousa_err *err)
{
	struct chousa_buf clean, work;
	struct ioc_res r;
	struct chousa_indicator ind;
	int rc = CHOUSA_OK, ok = 1, changed;
	size_t shown;

	chousa_buf_init(&clean, IOC_MAX_TOKEN * 4);
	chousa_buf_init(&work, IOC_MAX_TOKEN * 8);
	if (s == NULL)
		len = 0;
	changed = ioc_refang_token(&clean, s, len);
	shown = len > 80 ? 80 : len;
	if (clean.failed == CHOUSA_ENOMEM) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory parsing "
		    "an indicator");
		goto out;
	}
	if (clean.failed != CHOUSA_OK) {
		rc = chousa_errf(err, CHOUSA_EPARSE, "indicator too long "
		    "(over %d bytes)", IOC_MAX_TOKEN);
		goto out;
	}
	if (clean.len == 0) {
		rc = chousa_errf(err, CHOUSA_EPARSE, "empty indicator");
		goto out;
	}
	ioc_res_init(&r, &work, NULL);
	r.url_context = (context & CHOUSA_IOC_CTX_URL) != 0;
	r.lenient_tld = (context & CHOUSA_IOC_CTX_TYPED) != 0;
	r.query_context = (context & CHOUSA_IOC_CTX_QUERY) != 0;
	if (ioc_classify(&r, clean.data, clean.len, types) ==
	    CHOUSA_IOC_NONE) {
		const char *what = types == 0 ? "an indicator" :
		    "a wanted indicator";
		/* The reason only when it adds to "is not an indicator". */
		int say = r.why != NULL &&
		    strcmp(r.why, "not an indicator") != 0;

		rc = chousa_errf(err, r.b->failed == CHOUSA_ENOMEM ?
		    CHOUSA_ENOMEM : CHOUSA_EPARSE, "'%.*s' is not %s%s%s",
		    (int)shown, s, what, say ? ": " : "", say ? r.why : "");
		goto out;
	}
	if (changed)
		r.flags |= CHOUSA_IOC_F_DEFANGED;
	memset(&ind, 0, sizeof(ind));
	ioc_res_fill(&r, &ind);
	ind.value = arena_str(a, ind.value, &ok);
	ind.display = r.display != IOC_NOOFF ?
	    arena_str(a, r.b->data + r.display, &ok) : ind.value;
	ind.host = r.host == r.value ? ind.value : arena_str(a, ind.host,
	    &ok);
	ind.regdomain = arena_str(a, ind.regdomain, &ok);
	ind.path = arena_str(a, ind.path, &ok);
	ind.raw = chousa_arena_strndup(a, s, len);
	ind.raw_len = len;
	ind.offset = 0;
	if (!ok || ind.raw == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory parsing "
		    "an indicator");
		goto out;
	}
	*out = ind;
out:
	chousa_buf_release(&clean);
	chousa_buf_release(&work);
	return rc;
}

int
ioc_each_parent_upto(const char *domain, const char *rd,
    int (*fn)(void *arg, const char *parent), void *arg)
{
	size_t dl, rl;
	const char *stop, *p;
	int rc;

	if (domain == NULL || rd == NULL)
		return 0;
	dl = strlen(domain);
	rl = strlen(rd);
	/* rd must end domain, after a dot: then it is a proper parent. */
	if (rl >= dl || domain[dl - rl - 1] != '.' ||
	    strcmp(domain + dl - rl, rd) != 0)
		return 0;
	stop = domain + dl - rl;
	for (p = strchr(domain, '.'); p != NULL && p + 1 <= stop;
	    p = strchr(p + 1, '.')) {
		rc = fn(arg, p + 1);
		if (rc != 0)
			return rc;
		if (p + 1 == stop)
			break;
	}
	return 0;
}

void
chousa_ioc_defang(struct chousa_buf *out, const char *v, size_t len)
{
	size_t i = 0, host_end = len;
	int in_host = 1, is_url = 0;

	if (len >= 7 && strncasecmp(v, "http", 4) == 0 &&
	    ioc_url_scheme_len(v, len) > 0) {
		chousa_buf_add(out, "hxxp", 4);
		i = 4;
		is_url = 1;
	} else if (len >= 3 && strncasecmp(v, "ftp", 3) == 0 &&
	    ioc_url_scheme_len(v, len) > 0) {
		chousa_buf_add(out, "fxp", 3);
		i = 3;
		is_url = 1;
	}
	if (is_url) {
		const char *c = memchr(v + i, ':', len - i);

		if (c != NULL) {
			chousa_buf_add(out, v + i, (size_t)(c - v) - i);
			chousa_buf_add(out, "[:]", 3);
			i = (size_t)(c - v) + 1;
			while (i < len && v[i] == '/') {
				chousa_buf_addch(out, '/');
				i++;
			}
		}
		for (host_end = i; host_end < len && v[host_end] != '/' &&
		    v[host_end] != '?' && v[host_end] != '#'; host_end++)
			;
	}
	for (; i < len; i++) {
		if (i >= host_end)
			in_host = 0;
		if (v[i] == '.' && in_host)
			chousa_buf_add(out, "[.]", 3);
		else if (v[i] == '@' && in_host)
			chousa_buf_add(out, "[@]", 3);
		else
			chousa_buf_addch(out, v[i]);
	}
}
