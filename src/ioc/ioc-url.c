/*
 * ioc-url.c: absolute http, https and ftp URLs as the WHATWG URL Standard
 * parses them (no base URL): slashes and backslashes after the scheme,
 * userinfo, IPv4 hosts in every form a browser accepts (0x7f.1,
 * 2130706433), IPv6 hosts, default ports dropped, dot segments removed and
 * the standard's percent-encode sets.  One deliberate difference: a
 * trailing dot of the host is dropped, because the normal form is an
 * identity and "evil.com." is "evil.com".
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "base/hex.h"
#include "ioc/ioc.h"
#include "base/mem.h"

/* Percent-encode sets of the standard, as bits per ASCII byte. */
enum { PE_FRAGMENT = 1, PE_QUERY = 2, PE_SQUERY = 4, PE_PATH = 8,
	PE_USERINFO = 16 };

static int
pe_set(unsigned char c, int set)
{
	if (c < 0x20 || c > 0x7e)
		return 1;
	switch (set) {
	case PE_USERINFO:
		if (strchr("/:;=@[\\]^|", c) != NULL)
			return 1;
		/* FALLTHROUGH */
	case PE_PATH:
		if (c == '?' || c == '^' || c == '`' || c == '{' || c == '}')
			return 1;
		/* FALLTHROUGH */
	case PE_QUERY:
		return c == ' ' || c == '"' || c == '#' || c == '<' ||
		    c == '>';
	case PE_SQUERY:
		return c == ' ' || c == '"' || c == '#' || c == '<' ||
		    c == '>' || c == '\'';
	case PE_FRAGMENT:
		return c == ' ' || c == '"' || c == '<' || c == '>' ||
		    c == '`';
	}
	return 0;
}

/* Append s percent-encoded with set; invalid UTF-8 becomes U+FFFD. */
static void
pe_add(struct chousa_buf *b, const char *s, size_t len, int set)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;

	while (i < len) {
		if (u[i] < 0x80) {
			if (pe_set(u[i], set)) {
				chousa_buf_addch(b, '%');
				chousa_buf_addch(b, hex[u[i] >> 4]);
				chousa_buf_addch(b, hex[u[i] & 15]);
			} else
				chousa_buf_addch(b, u[i]);
			i++;
			continue;
		}
		(void)ioc_utf8_decode(u + i, len - i, &n);
		if (n == 0) {
			chousa_buf_adds(b, "%EF%BF%BD");
			i++;
			continue;
		}
		for (k = 0; k < n; k++) {
			chousa_buf_addch(b, '%');
			chousa_buf_addch(b, hex[u[i + k] >> 4]);
			chousa_buf_addch(b, hex[u[i + k] & 15]);
		}
		i += n;
	}
}

size_t
ioc_url_scheme_len(const char *s, size_t len)
{
	if (len < 4 || ((s[0] | 0x20) != 'h' && (s[0] | 0x20) != 'f'))
		return 0;
	if (len >= 5 && strncasecmp(s, "http:", 5) == 0)
		return 5;
	if (len >= 6 && strncasecmp(s, "https:", 6) == 0)
		return 6;
	if (len >= 4 && strncasecmp(s, "ftp:", 4) == 0)
		return 4;
	return 0;
}

/* ---- hosts ---- */

/*
 * The WHATWG IPv4 number parser for one part: 0x hex, leading-0 octal,
 * decimal.  Returns 1 and *v, or 0 when not a number.
 */
static int
ipv4_number(const char *s, size_t len, uint64_t *v)
{
	unsigned base = 10;
	uint64_t x = 0;
	size_t i;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	} else if (len >= 2 && s[0] == '0') {
		base = 8;
		s++;
		len--;
	}
	for (i = 0; i < len; i++) {
		int d = chousa_hex_value(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return 0;
		x = x * base + (unsigned)d;
		if (x > 0xffffffffffull)
			x = 0xffffffffffull;	/* too big anyway */
	}
	*v = x;
	return 1;
}

/* Whether the host "ends in a number" (the standard's test). */
static int
ends_in_number(const char *h, size_t len)
{
	size_t end = len, start, i;

	if (end > 0 && h[end - 1] == '.') {
		if (end == 1)
			return 0;
		end--;
	}
	start = end;
	while (start > 0 && h[start - 1] != '.')
		start--;
	if (start == end)
		return 0;
	for (i = start; i < end && h[i] >= '0' && h[i] <= '9'; i++)
		;
	if (i == end)
		return 1;
	if (end - start >= 2 && h[start] == '0' && (h[start + 1] == 'x' ||
	    h[start + 1] == 'X')) {
		for (i = start + 2; i < end; i++)
			if (chousa_hex_value((unsigned char)h[i]) < 0)
				return 0;
		return 1;
	}
	return 0;
}

static int
whatwg_ipv4(const char *h, size_t len, uint8_t out[4])
{
	uint64_t part[4], v;
	size_t start = 0, i, n = 0;

	if (len > 0 && h[len - 1] == '.')
		len--;
	for (i = 0; i <= len; i++) {
		if (i < len && h[i] != '.')
			continue;
		if (n >= 4)
			return 0;
		if (i == start || !ipv4_number(h + start, i - start,
		    &part[n]))
			return 0;
		n++;
		start = i + 1;
	}
	for (i = 0; i + 1 < n; i++)
		if (part[i] > 255)
			return 0;
	if (part[n - 1] >= (1ull << (8 * (5 - n))))
		return 0;
	v = part[n - 1];
	for (i = 0; i + 1 < n; i++)
		v += part[i] << (8 * (3 - i));
	out[0] = (uint8_t)(v >> 24);
	out[1] = (uint8_t)(v >> 16);
	out[2] = (uint8_t)(v >> 8);
	out[3] = (uint8_t)v;
	return 1;
}

static int
forbidden_domain(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || strchr("#%/:<>?@[\\]^|", c) != NULL;
}

/*
 * Parse the host of a special URL into r: sets host, host_type, addr and
 * display (Unicode form).  host_txt receives the serialised host.
 */
static int
url_host(struct ioc_res *r, const char *s, size_t len, struct chousa_buf *hb)
{
	char dec[1024];
	struct chousa_buf ab, ub;
	const char *why = NULL;
	size_t n = 0, i;
	int non_ascii = 0, d;
	uint8_t a[16];
	char txt[48];

	if (len == 0)
		return (r->why = "URL without a host"), 0;
	if (s[0] == '[') {
		if (len < 3 || s[len - 1] != ']' ||
		    !ioc_ipv6_parse(s + 1, len - 2, a))
			return (r->why = "bad IPv6 host"), 0;
		memcpy(r->addr, a, 16);
		r->is_v6 = 1;
		r->host_type = CHOUSA_IOC_IPV6;
		r->flags |= CHOUSA_IOC_F_IP_HOST;
		ioc_ipv6_format(a, 0, txt);
		chousa_buf_addch(hb, '[');
		chousa_buf_adds(hb, txt);
		chousa_buf_addch(hb, ']');
		return 1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int byte;

		if (n + 1 >= sizeof(dec))
			return (r->why = "host too long"), 0;
		/* "%XX": the byte it stands for. */
		byte = c == '%' && i + 2 < len ? chousa_hex_byte(s + i + 1) : -1;
		if (byte >= 0) {
			c = (unsigned char)byte;
			i += 2;
		}
		if (c >= 0x80)
			non_ascii = 1;
		else if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		dec[n++] = (char)c;
	}
	dec[n] = '\0';
	if (memchr(dec, '\0', n) != NULL)
		return (r->why = "NUL in host"), 0;
	if (non_ascii && chousa_utf8_valid_prefix(dec, n) != n)
		return (r->why = "host is not UTF-8"), 0;
	chousa_buf_init(&ab, sizeof(dec));
	if (!ioc_host_to_ascii(dec, n, &ab, &why) || ab.failed != CHOUSA_OK ||
	    ab.len >= sizeof(dec)) {
		/*
		 * A host a browser would refuse, but an indicator all the
		 * same: kept as written, flagged.  Forbidden characters
		 * still end it.
		 */
		chousa_buf_release(&ab);
		for (i = 0; i < n; i++)
			if (ioc_forbidden_host_byte((unsigned char)dec[i]))
				return (r->why = "forbidden character in host"),
				    0;
		while (n > 0 && dec[n - 1] == '.')
			dec[--n] = '\0';
		ioc_host_invalid(r, why != NULL ? why : "not a valid host "
		    "name");
		r->host_type = CHOUSA_IOC_DOMAIN;
		chousa_buf_add(hb, dec, n);
		return 1;
	}
	memcpy(dec, ab.data, ab.len);
	n = ab.len;
	dec[n] = '\0';
	chousa_buf_release(&ab);
	for (i = 0; i < n; i++)
		if (forbidden_domain((unsigned char)dec[i]))
			return (r->why = "forbidden character in host"), 0;
	/* Trailing dots are dropped from the normal form, so they cannot
	 * decide whether the host is a number. */
	while (n > 1 && dec[n - 1] == '.' && dec[n - 2] == '.' &&
	    strspn(dec, ".") != n)
		dec[--n] = '\0';
	if (ends_in_number(dec, n)) {
		if (!whatwg_ipv4(dec, n, a))
			return (r->why = "bad IPv4 host"), 0;
		memcpy(r->addr, a, 4);
		r->host_type = CHOUSA_IOC_IPV4;
		r->flags |= CHOUSA_IOC_F_IP_HOST;
		ioc_ipv4_format(a, txt);
		chousa_buf_adds(hb, txt);
		return 1;
	}
	/* A host of dots alone ("http://./") stays as it is: dropping its
	 * trailing dots would leave none. */
	if (strspn(dec, ".") != n)
		while (n > 0 && dec[n - 1] == '.')
			dec[--n] = '\0';
	if (n == 0)
		return (r->why = "URL without a host"), 0;
	r->host_type = CHOUSA_IOC_DOMAIN;
	chousa_buf_add(hb, dec, n);
	chousa_buf_init(&ub, sizeof(dec) * 4);
	d = ioc_host_display(dec, n, &ub, &why);
	if (d > 0) {
		r->flags |= CHOUSA_IOC_F_IDN;
		r->display = 0;	/* "has a Unicode form" */
		chousa_buf_addch(hb, '\0');
		chousa_buf_add(hb, ub.data, ub.len);
	} else if (d < 0)
		ioc_host_invalid(r, why);
	chousa_buf_release(&ub);
	return 1;
}

/* ---- paths ---- */

static int
single_dot(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 3 && strncasecmp(s, "%2e",
	    3) == 0);
}

static int
double_dot(const char *s, size_t n)
{
	return (n == 2 && s[0] == '.' && s[1] == '.') ||
	    (n == 4 && (strncasecmp(s, ".%2e", 4) == 0 ||
	    strncasecmp(s, "%2e.", 4) == 0)) ||
	    (n == 6 && strncasecmp(s, "%2e%2e", 6) == 0);
}

/* Append the path of a special URL, dot segments resolved. */
static void
url_path(struct chousa_buf *b, const char *s, size_t len)
{
	size_t start = b->len, i = 0, seg, n;

	/* s starts with '/' or '\' (or is empty). */
	if (len == 0) {
		chousa_buf_addch(b, '/');
		return;
	}
	i = 1;
	for (;;) {
		seg = i;
		while (i < len && s[i] != '/' && s[i] != '\\')
			i++;
		n = i - seg;
		if (double_dot(s + seg, n)) {
			/* Pop the last segment. */
			while (b->len > start && b->data[b->len - 1] != '/')
				b->len--;
			if (b->len > start)
				b->len--;
			if (i >= len)
				chousa_buf_addch(b, '/');
		} else if (single_dot(s + seg, n)) {
			if (i >= len)
				chousa_buf_addch(b, '/');
		} else {
			chousa_buf_addch(b, '/');
			pe_add(b, s + seg, n, PE_PATH);
		}
		if (i >= len)
			break;
		i++;
	}
	if (b->len == start)
		chousa_buf_addch(b, '/');
	if (b->failed == CHOUSA_OK)
		b->data[b->len] = '\0';
}

/* ---- the URL ---- */

/* Where the pieces of a URL sit in its cleaned text. */
struct url_split {
	const char	*scheme;	/* "http", "https" or "ftp" */
	size_t		 auth;		/* the authority: userinfo@host:port */
	size_t		 auth_end;	/* where the path, query or fragment starts */
	size_t		 at;		/* the '@' after userinfo, or IOC_NOOFF */
	size_t		 host;
	size_t		 host_end;	/* the ':' before the port, or auth_end */
	unsigned	 port;
	int		 has_port;	/* a port other than the scheme's */
};

/*
 * Copies the URL into s without the C0 controls and spaces around it and
 * the tabs and newlines inside it, as the standard drops them.
 */
static int
url_clean(struct ioc_res *r, const char *in, size_t in_len,
    char s[IOC_MAX_TOKEN + 1], size_t *len)
{
	size_t i;

	while (in_len > 0 && (unsigned char)in[0] <= 0x20) {
		in++;
		in_len--;
	}
	while (in_len > 0 && (unsigned char)in[in_len - 1] <= 0x20)
		in_len--;
	if (in_len >= IOC_MAX_TOKEN + 1)
		return (r->why = "URL too long"), 0;
	*len = 0;
	for (i = 0; i < in_len; i++)
		if (in[i] != '\t' && in[i] != '\n' && in[i] != '\r')
			s[(*len)++] = in[i];
	return 1;
}

/* The port after host_end, dropped when it is the scheme's default. */
static int
url_port(struct ioc_res *r, const char *s, struct url_split *u,
    unsigned def_port)
{
	size_t k;

	u->port = 0;
	u->has_port = 0;
	if (u->host_end == u->auth_end)
		return 1;
	if (u->auth_end - u->host_end - 1 > 0)
		u->has_port = 1;
	for (k = u->host_end + 1; k < u->auth_end; k++) {
		if (s[k] < '0' || s[k] > '9')
			return (r->why = "bad port"), 0;
		u->port = u->port * 10 + (unsigned)(s[k] - '0');
		if (u->port > 65535)
			return (r->why = "port out of range"), 0;
	}
	if (u->port == def_port)
		u->has_port = 0;
	return 1;
}

/* Finds the scheme, the authority and its parts. */
static int
url_split(struct ioc_res *r, const char *s, size_t len, struct url_split *u)
{
	size_t i, sl = ioc_url_scheme_len(s, len);
	unsigned def_port;
	int in_brackets = 0;

	if (sl == 0)
		return (r->why = "not an http, https or ftp URL"), 0;
	if (sl == 6) {
		u->scheme = "https";
		def_port = 443;
	} else if (s[0] == 'f' || s[0] == 'F') {
		u->scheme = "ftp";
		def_port = 21;
	} else {
		u->scheme = "http";
		def_port = 80;
	}
	u->auth = sl;
	while (u->auth < len && (s[u->auth] == '/' || s[u->auth] == '\\'))
		u->auth++;
	for (u->auth_end = u->auth; u->auth_end < len &&
	    s[u->auth_end] != '/' && s[u->auth_end] != '\\' &&
	    s[u->auth_end] != '?' && s[u->auth_end] != '#'; u->auth_end++)
		;
	u->at = IOC_NOOFF;
	for (i = u->auth; i < u->auth_end; i++)
		if (s[i] == '@')
			u->at = i;
	u->host = u->at == IOC_NOOFF ? u->auth : u->at + 1;
	/* The port starts at the first ':' outside brackets. */
	u->host_end = u->auth_end;
	for (i = u->host; i < u->auth_end; i++) {
		if (s[i] == '[')
			in_brackets = 1;
		else if (s[i] == ']')
			in_brackets = 0;
		else if (s[i] == ':' && !in_brackets) {
			u->host_end = i;
			break;
		}
	}
	if (!url_port(r, s, u, def_port))
		return 0;
	if (u->at != IOC_NOOFF && u->host == u->host_end)
		return (r->why = "URL without a host"), 0;
	return 1;
}

/* "user:password@", percent-encoded; nothing when both are empty. */
static void
url_userinfo(struct chousa_buf *b, const char *s, const struct url_split *u)
{
	size_t colon = u->auth;

	if (u->at == IOC_NOOFF || u->at <= u->auth)
		return;
	while (colon < u->at && s[colon] != ':')
		colon++;
	pe_add(b, s + u->auth, colon - u->auth, PE_USERINFO);
	if (colon + 1 < u->at) {
		chousa_buf_addch(b, ':');
		pe_add(b, s + colon + 1, u->at - colon - 1, PE_USERINFO);
	}
	/* "http://@host" and "http://:@host" have no userinfo. */
	if (b->data[b->len - 1] != '/')
		chousa_buf_addch(b, '@');
}

/* The path, the query and the fragment after the authority. */
static void
url_rest(struct chousa_buf *b, const char *s, size_t len,
    const struct url_split *u)
{
	size_t q, f;

	for (q = u->auth_end; q < len && s[q] != '?' && s[q] != '#'; q++)
		;
	url_path(b, s + u->auth_end, q - u->auth_end);
	f = q;
	if (q < len && s[q] == '?') {
		for (f = q + 1; f < len && s[f] != '#'; f++)
			;
		chousa_buf_addch(b, '?');
		pe_add(b, s + q + 1, f - q - 1, PE_SQUERY);
	}
	if (f < len && s[f] == '#') {
		chousa_buf_addch(b, '#');
		pe_add(b, s + f + 1, len - f - 1, PE_FRAGMENT);
	}
}

/*
 * After the normal form at r->value: the path on its own, the host on its
 * own (IPv6 without brackets) and, for a host written in Unicode (uni
 * indexes it in host), the URL as it displays.
 */
static void
url_fields(struct ioc_res *r, const char *host, size_t uni,
    size_t host_start, size_t path_start)
{
	size_t value_end = r->value + r->value_len;
	size_t host_len = strlen(host);

	r->path = r->b->len;
	ioc_buf_add_self(r->b, path_start, value_end - path_start);
	chousa_buf_addch(r->b, '\0');
	r->host = r->b->len;
	if (host[0] == '[')
		chousa_buf_add(r->b, host + 1, host_len - 2);
	else
		chousa_buf_adds(r->b, host);
	chousa_buf_addch(r->b, '\0');
	if (uni != IOC_NOOFF) {
		size_t d = r->b->len;

		ioc_buf_add_self(r->b, r->value, host_start - r->value);
		chousa_buf_adds(r->b, host + uni);
		ioc_buf_add_self(r->b, host_start + host_len,
		    value_end - host_start - host_len);
		chousa_buf_addch(r->b, '\0');
		r->display = d;
	}
}

int
ioc_url(struct ioc_res *r, const char *in, size_t in_len)
{
	char s[IOC_MAX_TOKEN + 1];
	struct url_split u;
	struct chousa_buf hb;
	size_t len, value_off, host_start, path_start, uni = IOC_NOOFF;
	int ok = 0;

	if (!url_clean(r, in, in_len, s, &len) || !url_split(r, s, len, &u))
		return 0;
	chousa_buf_init(&hb, 4096);
	if (!url_host(r, s + u.host, u.host_end - u.host, &hb))
		goto out;
	if (hb.failed != CHOUSA_OK) {
		r->why = "host too long";
		goto out;
	}
	if (r->display == 0)
		uni = strlen(hb.data) + 1;
	r->display = IOC_NOOFF;

	/* value = scheme://[userinfo@]host[:port]path[?query][#frag] */
	value_off = r->b->len;
	chousa_buf_adds(r->b, u.scheme);
	chousa_buf_adds(r->b, "://");
	url_userinfo(r->b, s, &u);
	host_start = r->b->len;
	chousa_buf_adds(r->b, hb.data);
	if (u.has_port)
		chousa_buf_addf(r->b, ":%u", u.port);
	path_start = r->b->len;
	url_rest(r->b, s, len, &u);
	/* Percent-encoding can triple the text: keep the normal form
	 * parseable on its own. */
	if (r->b->failed != CHOUSA_OK ||
	    r->b->len - value_off > IOC_MAX_TOKEN) {
		r->why = "URL too long";
		goto out;
	}
	r->value = value_off;
	r->value_len = r->b->len - value_off;
	chousa_buf_addch(r->b, '\0');
	url_fields(r, hb.data, uni, host_start, path_start);
	r->port = u.has_port ? u.port : 0;
	if (r->host_type == CHOUSA_IOC_DOMAIN &&
	    (r->flags & CHOUSA_IOC_F_INVALID_HOST))
		ioc_set_regdomain_sound(r, r->b->data + r->host,
		    strlen(r->b->data + r->host));
	else if (r->host_type == CHOUSA_IOC_DOMAIN)
		ioc_set_regdomain(r, r->host);
	else
		r->flags |= chousa_ioc_ip_flags(r->addr, r->is_v6);
	r->prefix = 0;
	if (r->b->failed != CHOUSA_OK) {
		r->why = "URL too long";
		goto out;
	}
	r->type = CHOUSA_IOC_URL;
	ok = 1;
out:
	chousa_buf_release(&hb);
	return ok;
}
