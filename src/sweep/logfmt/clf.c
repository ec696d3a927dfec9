/*
 * clf.c: the common and combined web log formats of Apache and nginx,
 * and vhost_combined (a leading "vhost:port").  The client address is the
 * remote side here; the request target is a path, which becomes a URL only
 * when the log names the virtual host, or a whole URL on a proxy.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

/* "10/Oct/2000:13:55:36 -0700" */
static int64_t
clf_time(const char *p, size_t len)
{
	const char *end = p + len;
	int d, mo, y, h, mi, s;
	long oh, om;
	int sign;

	if (logtime_dmy(&p, end, '/', &d, &mo, &y) != 0 ||
	    logtime_clock(&p, end, &h, &mi, &s) != 0)
		return 0;
	while (p < end && *p == ' ')
		p++;
	if (end - p < 5 || (*p != '+' && *p != '-'))
		return 0;
	sign = *p++ == '-' ? -1 : 1;
	oh = logtime_digits(&p, end, 2);
	om = logtime_digits(&p, end, 2);
	if (oh < 0 || om < 0)
		return 0;
	return logtime_fields(y, mo, d, h, mi, s, sign * (oh * 3600 +
	    om * 60));
}

/* Split a line into the fields before '[', the time and the request. */
static int
split(const char *line, size_t len, struct chousa_str *pre, int *n_pre,
    struct chousa_str *time, struct chousa_str *req)
{
	const char *p = line, *end = line + len, *lb, *rb, *q1, *q2;

	lb = memchr(line, '[', len);
	if (lb == NULL)
		return -1;
	*n_pre = 0;
	while (p < lb && *n_pre < 5) {
		const char *s;

		while (p < lb && *p == ' ')
			p++;
		if (p >= lb)
			break;
		s = p;
		while (p < lb && *p != ' ')
			p++;
		pre[*n_pre].p = s;
		pre[(*n_pre)++].len = (size_t)(p - s);
	}
	if (*n_pre < 3 || *n_pre > 4)
		return -1;
	rb = memchr(lb, ']', (size_t)(end - lb));
	if (rb == NULL)
		return -1;
	time->p = lb + 1;
	time->len = (size_t)(rb - lb - 1);
	q1 = memchr(rb, '"', (size_t)(end - rb));
	if (q1 == NULL)
		return -1;
	/* The request may hold escaped quotes (\"): find the real end. */
	for (q2 = q1 + 1; q2 < end; q2++) {
		if (*q2 == '\\' && q2 + 1 < end)
			q2++;
		else if (*q2 == '"')
			break;
	}
	if (q2 >= end)
		return -1;
	req->p = q1 + 1;
	req->len = (size_t)(q2 - q1 - 1);
	return 0;
}

static int
clf_probe(const char *p, size_t len)
{
	struct chousa_str pre[5], time, req;
	const char *nl = memchr(p, '\n', len);
	int n_pre;

	if (split(p, nl ? (size_t)(nl - p) : len, pre, &n_pre, &time,
	    &req) != 0)
		return 0;
	if (time.len < 20 || time.p[2] != '/' || time.p[6] != '/')
		return 0;
	return 85;
}

static int
clf_parse(struct lf_state *st, const char *line, size_t len, struct rec *r,
    const char **why)
{
	struct chousa_str pre[5], time, req, vhost = { NULL, 0 }, client;
	const char *sp, *sp2, *end, *colon;
	size_t tlen;
	unsigned port = 0;
	int n_pre;

	(void)st;
	if (len == 0)
		return LF_SKIP;
	if (split(line, len, pre, &n_pre, &time, &req) != 0) {
		*why = "not a common or combined log line";
		return LF_MALFORMED;
	}
	client = pre[0];
	if (n_pre == 4) {
		vhost = pre[0];
		client = pre[1];
		colon = memchr(vhost.p, ':', vhost.len);
		if (colon != NULL) {
			port = lf_port(colon + 1,
			    vhost.len - (size_t)(colon + 1 - vhost.p));
			vhost.len = (size_t)(colon - vhost.p);
		}
	}
	r->time = time;
	r->time_fn = clf_time;
	r->src = client;
	r->dst = vhost;
	rec_add(r, OBS_IP, client.p, client.len, OBS_F_SRC);
	/* "METHOD target PROTOCOL" */
	end = req.p + req.len;
	sp = memchr(req.p, ' ', req.len);
	if (sp == NULL)
		return LF_RECORD;
	sp2 = memchr(sp + 1, ' ', (size_t)(end - sp - 1));
	tlen = sp2 ? (size_t)(sp2 - sp - 1) : (size_t)(end - sp - 1);
	if (tlen == 0)
		return LF_RECORD;
	if ((size_t)(sp - req.p) == 7 && memcmp(req.p, "CONNECT", 7) == 0)
		rec_add(r, OBS_HOST, sp + 1, tlen, OBS_F_DST);
	else if (memmem(sp + 1, tlen, "://", 3) != NULL)
		rec_add(r, OBS_URL, sp + 1, tlen, OBS_F_DST);
	else if (vhost.len > 0 && sp[1] == '/') {
		struct obs *o = rec_add(r, OBS_URLPART, vhost.p, vhost.len,
		    OBS_F_DST);

		if (o != NULL) {
			o->path.p = sp + 1;
			o->path.len = tlen;
			o->port = port;
			o->https = port == 443;
		}
	}
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_clf = {
	.name = "clf",
	.summary = "Apache and nginx common and combined web logs",
	.probe = clf_probe,
	.parse = clf_parse,
};
