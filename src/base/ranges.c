/*
 * ranges.c: address ranges, parsed once and tested per address (a
 * linear scan: the lists are a few entries long).
 */
#include <arpa/inet.h>
#include <string.h>

#include "base/ranges.h"

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96); 0 on success. */
static int
addr16(const char *p, size_t len, uint8_t out[16], int *is_v6)
{
	char buf[64];
	const char *pct;

	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	pct = memchr(p, '%', len);
	if (pct != NULL)
		len = (size_t)(pct - p);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		*is_v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*is_v6 = 1;
		return 0;
	}
	return -1;
}

/*
 * Whether the zone after a '%' of a written range, if any, is an
 * interface's name (at most 15 of letters, digits, '.', '_', '-'): a list
 * an operator writes holds no other text the address reader would skip.
 */
static int
zone_ok(const char *p, size_t len)
{
	const char *pct = memchr(p, '%', len);
	size_t n;

	if (pct == NULL)
		return 1;
	n = len - (size_t)(pct + 1 - p);
	if (n > 0 && p[len - 1] == ']')
		n--;
	return n >= 1 && n <= 15 && strspn(pct + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") >= n;
}

/* "addr" or "addr/prefix" into its first and last address; 0 on success. */
static int
range_of(const char *p, size_t len, uint8_t lo[16], uint8_t hi[16])
{
	const char *slash = memchr(p, '/', len);
	size_t alen = slash ? (size_t)(slash - p) : len;
	long prefix;
	int is_v6, i;

	if (!zone_ok(p, alen) || addr16(p, alen, lo, &is_v6) != 0)
		return -1;
	prefix = is_v6 ? 128 : 32;
	if (slash != NULL) {
		const char *q = slash + 1, *end = p + len;

		prefix = 0;
		if (q == end || end - q > 3)
			return -1;
		for (; q < end; q++) {
			if (*q < '0' || *q > '9')
				return -1;
			prefix = prefix * 10 + (*q - '0');
		}
		if (prefix > (is_v6 ? 128 : 32))
			return -1;
	}
	if (!is_v6)
		prefix += 96;
	for (i = 0; i < 16; i++) {
		int bits = (int)prefix - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));

		lo[i] &= mask;
		hi[i] = (uint8_t)(lo[i] | (uint8_t)~mask);
	}
	return 0;
}

int
addr_ranges_add(struct addr_ranges *s, const char *list, const char *what,
    struct chousa_err *err)
{
	size_t room = ADDR_RANGES_MAX - s->n;
	const char *p, *end;

	for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		const char *last;

		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		for (last = end; last > p && (last[-1] == ' ' ||
		    last[-1] == '\t'); last--)
			;
		if (p == last)
			continue;
		if (s->n >= ADDR_RANGES_MAX)
			return chousa_errf(err, CHOUSA_EINVAL, "more than %zu "
			    "%s entries", room, what);
		if (range_of(p, (size_t)(last - p), s->r[s->n].lo,
		    s->r[s->n].hi) != 0)
			return chousa_errf(err, CHOUSA_EINVAL, "bad %s "
			    "'%.*s': want an address or CIDR such as "
			    "10.20.0.0/16", what, (int)(last - p), p);
		s->n++;
	}
	return CHOUSA_OK;
}

int
addr_ranges_has(const struct addr_ranges *s, const char *p, size_t len)
{
	uint8_t a[16];
	size_t i;
	int is_v6;

	if (len == 0 || addr16(p, len, a, &is_v6) != 0)
		return 0;
	for (i = 0; i < s->n; i++)
		if (memcmp(a, s->r[i].lo, 16) >= 0 &&
		    memcmp(a, s->r[i].hi, 16) <= 0)
			return 1;
	return 0;
}

/* Whether p[0..len) is a port: 1 to 5 digits. */
static int
is_port(const char *p, size_t len)
{
	size_t i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int
sockaddr_text(const struct sockaddr *sa, char *out, int *port)
{
	const struct sockaddr_in *in4 = (const void *)sa;
	const struct sockaddr_in6 *in6 = (const void *)sa;

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &in4->sin_addr, out, ADDR_TEXT_MAX);
		if (port != NULL)
			*port = ntohs(in4->sin_port);
		return 0;
	}
	if (sa->sa_family != AF_INET6)
		return -1;
	if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
		inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], out,
		    ADDR_TEXT_MAX);
	else
		inet_ntop(AF_INET6, &in6->sin6_addr, out, ADDR_TEXT_MAX);
	if (port != NULL)
		*port = ntohs(in6->sin6_port);
	return 0;
}

int
addr_text(const char *p, size_t len, char *out)
{
	const char *colon = memchr(p, ':', len);
	uint8_t a[16];
	int is_v6;

	if (len > 0 && p[0] == '[') {
		const char *close = memchr(p, ']', len);
		size_t rest;

		if (close == NULL)
			return -1;
		rest = len - (size_t)(close + 1 - p);
		if (rest > 0 && !(close[1] == ':' &&
		    is_port(close + 2, rest - 1)))
			return -1;
		len = (size_t)(close + 1 - p);
	} else if (colon != NULL && memchr(colon + 1, ':',
	    len - (size_t)(colon + 1 - p)) == NULL) {
		/* One colon: an IPv4 address and its port. */
		if (!is_port(colon + 1, len - (size_t)(colon + 1 - p)))
			return -1;
		len = (size_t)(colon - p);
	}
	if (addr16(p, len, a, &is_v6) != 0)
		return -1;
	if (is_v6)
		return inet_ntop(AF_INET6, a, out, ADDR_TEXT_MAX) ? 0 : -1;
	return inet_ntop(AF_INET, a + 12, out, ADDR_TEXT_MAX) ? 0 : -1;
}

int
addr_forwarded_client(const struct addr_ranges *trusted, const char *xff,
    size_t len, char *client)
{
	const char *end, *start;
	char hop[ADDR_TEXT_MAX];
	int found = -1;

	for (end = xff + len; xff != NULL && end > xff; end = start - 1) {
		const char *p, *q = end;

		for (start = end; start > xff && start[-1] != ','; start--)
			;
		for (p = start; p < q && (*p == ' ' || *p == '\t'); p++)
			;
		while (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (addr_text(p, (size_t)(q - p), hop) != 0)
			break;
		memcpy(client, hop, ADDR_TEXT_MAX);
		found = 0;
		if (!addr_ranges_has(trusted, hop, strlen(hop)) ||
		    start == xff)
			break;
	}
	return found;
}
