/*
 * windns.c: the Windows DNS server debug log ("6/5/2013 10:20:58 AM 0E40
 * PACKET 0000... UDP Rcv 10.2.3.4 4f39 Q [0001 D NOERROR] A
 * (3)www(6)google(3)com(0)").  Names are written as length-prefixed labels;
 * they are decoded into the record's scratch.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

/* "6/5/2013 10:20:58 AM", the server's local time: taken as UTC. */
static int64_t
windns_time(const char *p, size_t len)
{
	const char *end = p + len;
	int mo, d, y, h, mi, s;

	if (logtime_mdy(&p, end, '/', &mo, &d, &y) != 0 ||
	    logtime_clock(&p, end, &h, &mi, &s) != 0)
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (p < end && (*p == 'P' || *p == 'p') && h < 12)
		h += 12;
	else if (p < end && (*p == 'A' || *p == 'a') && h == 12)
		h = 0;
	return logtime_fields(y, mo, d, h, mi, s, 0);
}

/* Decode "(3)www(6)google(3)com(0)"; NULL when it is not that form. */
static const char *
decode_name(struct rec *r, const char *p, size_t len, size_t *out_len)
{
	const char *end = p + len;
	char out[256];
	size_t n = 0;

	while (p < end && *p == '(') {
		unsigned v = 0;
		const char *s = ++p;

		while (p < end && *p >= '0' && *p <= '9' && p - s < 3)
			v = v * 10 + (unsigned)(*p++ - '0');
		if (p >= end || *p != ')' || p == s)
			return NULL;
		p++;
		if (v == 0)
			break;
		if ((size_t)(end - p) < v || n + v + 1 >= sizeof(out))
			return NULL;
		if (n > 0)
			out[n++] = '.';
		memcpy(out + n, p, v);
		n += v;
		p += v;
	}
	if (n == 0)
		return NULL;
	*out_len = n;
	return rec_scratch(r, out, n);
}

static int
windns_probe(const char *p, size_t len)
{
	if (memmem(p, len > 4096 ? 4096 : len, " PACKET ", 8) != NULL &&
	    (memmem(p, len, " Rcv ", 5) || memmem(p, len, " Snd ", 5)))
		return 85;
	if (len >= 25 && memcmp(p, "DNS Server log file", 19) == 0)
		return 70;
	return 0;
}

static int
windns_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	const char *end = line + len, *pk, *p, *dir, *ip, *last;
	const char *name;
	size_t nlen;

	(void)st;
	pk = memmem(line, len, " PACKET ", 8);
	if (pk == NULL)
		return LF_SKIP;	/* headers and other event kinds */
	dir = memmem(pk, (size_t)(end - pk), " Rcv ", 5);
	if (dir == NULL)
		dir = memmem(pk, (size_t)(end - pk), " Snd ", 5);
	if (dir == NULL) {
		*why = "a Windows DNS PACKET line without Rcv or Snd";
		return LF_MALFORMED;
	}
	/* The time is everything before the thread id. */
	p = pk;
	while (p > line && p[-1] == ' ')
		p--;
	while (p > line && p[-1] != ' ')
		p--;
	while (p > line && p[-1] == ' ')
		p--;
	r->time.p = line;
	r->time.len = (size_t)(p - line);
	r->time_fn = windns_time;
	ip = dir + 5;
	while (ip < end && *ip == ' ')
		ip++;
	p = ip;
	while (p < end && *p != ' ')
		p++;
	r->src.p = ip;
	r->src.len = (size_t)(p - ip);
	rec_add(r, OBS_IP, ip, (size_t)(p - ip), OBS_F_SRC);
	/* The name is the last token. */
	while (end > line && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	last = end;
	while (last > line && last[-1] != ' ')
		last--;
	name = decode_name(r, last, (size_t)(end - last), &nlen);
	if (name != NULL)
		rec_add(r, OBS_DOMAIN, name, nlen, OBS_F_DST);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_windns = {
	.name = "windns",
	.summary = "Windows DNS server debug logs",
	.probe = windns_probe,
	.parse = windns_parse,
};
