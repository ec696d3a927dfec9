/*
 * squid.c: Squid's native access.log, "time elapsed client code/status
 * bytes method URL user hier/peer type".  A CONNECT names host:port; other
 * methods the whole URL, which an ssl-bump proxy also logs for https.  The
 * peer after HIER_DIRECT/ is the address the proxy really contacted.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

#define SQUID_FIELDS	10

/*
 * Split on runs of spaces (Squid pads the elapsed time with them); returns
 * the number of tokens found.  Token ends are found with memchr.
 */
static int
tokens(const char *p, size_t len, struct chousa_str *tok, int max)
{
	const char *end = p + len;
	int n = 0;

	while (p < end && n < max) {
		const char *s;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		s = p;
		p = memchr(s, ' ', (size_t)(end - s));
		if (p == NULL)
			p = end;
		tok[n].p = s;
		tok[n].len = (size_t)(p - s);
		n++;
	}
	return n;
}

static int
is_epoch(const struct chousa_str *t)
{
	size_t i, dots = 0;

	if (t->len < 9 || t->len > 20)
		return 0;
	for (i = 0; i < t->len; i++) {
		if (t->p[i] == '.')
			dots++;
		else if (t->p[i] < '0' || t->p[i] > '9')
			return 0;
	}
	return dots <= 1;
}

static int
squid_probe(const char *p, size_t len)
{
	struct chousa_str tok[SQUID_FIELDS];
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;

	if (tokens(p, n, tok, SQUID_FIELDS) < 9 || !is_epoch(&tok[0]) ||
	    memchr(tok[3].p, '/', tok[3].len) == NULL ||
	    memchr(tok[8].p, '/', tok[8].len) == NULL)
		return 0;
	return 90;
}

static int
squid_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	struct chousa_str tok[SQUID_FIELDS];
	const char *slash;
	int n;

	(void)st;
	n = tokens(line, len, tok, SQUID_FIELDS);
	if (n == 0)
		return LF_SKIP;
	if (n < 7 || !is_epoch(&tok[0])) {
		*why = "not a Squid native access.log line";
		return LF_MALFORMED;
	}
	r->time = tok[0];
	r->time_fn = logtime_epoch;
	r->src = tok[2];
	rec_add(r, OBS_IP, tok[2].p, tok[2].len, OBS_F_SRC);
	if (tok[5].len == 7 && memcmp(tok[5].p, "CONNECT", 7) == 0) {
		r->dst = tok[6];
		rec_add(r, OBS_HOST, tok[6].p, tok[6].len, OBS_F_DST);
	} else if (memmem(tok[6].p, tok[6].len, "://", 3) != NULL) {
		r->dst = tok[6];
		rec_add(r, OBS_URL, tok[6].p, tok[6].len, OBS_F_DST);
	}
	slash = n >= 9 ? memchr(tok[8].p, '/', tok[8].len) : NULL;
	if (slash != NULL) {
		size_t plen = tok[8].len - (size_t)(slash + 1 - tok[8].p);

		if (plen > 0 && !(plen == 1 && slash[1] == '-')) {
			r->dst.p = slash + 1;
			r->dst.len = plen;
			rec_add(r, OBS_HOST, slash + 1, plen, OBS_F_DST);
		}
	}
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_squid = {
	.name = "squid",
	.summary = "Squid's native access log",
	.probe = squid_probe,
	.parse = squid_parse,
};
