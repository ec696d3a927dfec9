/*
 * bind.c: BIND query logs ("client @0x... 10.0.0.5#53211 (name): query:
 * name IN A +E(0)K (10.0.0.53)"), with BIND's own date prefix or a syslog
 * one, and the older form without the @0x token and parentheses.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int
is_month(const char *p)
{
	size_t i;

	for (i = 0; i < 36; i += 3)
		if (memcmp(months + i, p, 3) == 0)
			return 1;
	return 0;
}

/* "25-Nov-2026 10:00:00.000", in the server's zone: taken as UTC. */
static int64_t
bind_time(const char *p, size_t len)
{
	const char *end = p + len;
	int d, mo, y, h, mi, s;

	if (logtime_dmy(&p, end, '-', &d, &mo, &y) != 0 ||
	    logtime_clock(&p, end, &h, &mi, &s) != 0)
		return 0;
	return logtime_fields(y, mo, d, h, mi, s, 0);
}

/* Whether the line holds a query, and where its parts are. */
static int
bind_split(const char *line, size_t len, struct chousa_str *client,
    struct chousa_str *name)
{
	const char *end = line + len, *c, *q, *p, *hash;

	c = memmem(line, len, "client ", 7);
	q = memmem(line, len, " query: ", 8);
	if (c == NULL || q == NULL || q < c)
		return -1;
	p = c + 7;
	if (end - p > 3 && p[0] == '@' && p[1] == '0' && p[2] == 'x') {
		p = memchr(p, ' ', (size_t)(end - p));
		if (p == NULL)
			return -1;
		p++;
	}
	hash = p;
	while (hash < q && *hash != '#' && *hash != ' ' && *hash != ':')
		hash++;
	client->p = p;
	client->len = (size_t)(hash - p);
	p = q + 8;
	name->p = p;
	while (p < end && *p != ' ')
		p++;
	name->len = (size_t)(p - name->p);
	return name->len > 0 ? 0 : -1;
}

/*
 * Most of the first lines are queries, or some are and every line starts
 * with BIND's own date (a debug log mixes in other categories).
 */
static int
bind_probe(const char *p, size_t len)
{
	struct chousa_str client, name;
	const char *end = p + len;
	int lines = 0, hits = 0, dated = 0;

	while (p < end && lines < 20) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (nl == NULL && lines > 0)
			break;	/* a cut last line says nothing */
		lines++;
		if (bind_split(p, n, &client, &name) == 0)
			hits++;
		if (n >= 24 && p[2] == '-' && p[6] == '-' && is_month(p + 3))
			dated++;
		p += n + 1;
	}
	if (lines == 0 || hits == 0)
		return 0;
	if (hits * 10 >= lines * 9)
		return 80;
	return dated == lines ? 70 : 0;
}

static int
bind_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	struct chousa_str client, name;

	(void)st;
	(void)why;
	if (len == 0 || bind_split(line, len, &client, &name) != 0)
		return LF_SKIP;	/* other categories share the file */
	if (len >= 24 && line[2] == '-' && line[6] == '-' &&
	    is_month(line + 3)) {
		r->time.p = line;
		r->time.len = 24;
		r->time_fn = bind_time;
	} else if (len >= 15 && is_month(line) && line[3] == ' ') {
		r->time.p = line;
		r->time.len = 15;	/* syslog's: no year, never compared */
	}
	r->src = client;
	rec_add(r, OBS_IP, client.p, client.len, OBS_F_SRC);
	rec_add(r, OBS_DOMAIN, name.p, name.len, OBS_F_DST);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_bind = {
	.name = "bind",
	.summary = "BIND query logs",
	.probe = bind_probe,
	.parse = bind_parse,
};
