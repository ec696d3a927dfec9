/*
 * zeek_json.c: Zeek logs written as JSON lines (LogAscii::use_json), of
 * any path: conn and http as much as known_hosts or software, which have
 * neither uid nor id.  The field names are those of the TSV logs, flat
 * ("id.orig_h") or nested ("id": {"orig_h": ...}) depending on the
 * writer, so the roles come from zeek.c and only the reading differs;
 * with no #types to go by, other address fields are known by their name.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/json_scan.h"
#include "sweep/logfmt.h"
#include "sweep/logfmt/zeek.h"

struct zj_ctx {
	struct rec		*r;
	struct zeek_fields	 f;
};

static void
zj_value(void *arg, const struct chousa_str *keys, int depth,
    const char *val, size_t len, int is_string, int has_esc)
{
	struct zj_ctx *c = arg;
	char name[64];
	size_t nlen;
	int role;

	if (depth == 1) {
		nlen = keys[0].len < sizeof(name) ? keys[0].len : 0;
		memcpy(name, keys[0].p, nlen);
	} else if (depth == 2 && keys[0].len + keys[1].len + 1 < sizeof(name)) {
		memcpy(name, keys[0].p, keys[0].len);
		name[keys[0].len] = '.';
		memcpy(name + keys[0].len + 1, keys[1].p, keys[1].len);
		nlen = keys[0].len + keys[1].len + 1;
	} else
		return;
	role = zeek_role(name, nlen);
	if (role == ZR_NONE && is_string && zeek_addr_name(name, nlen))
		role = ZR_ADDR;
	if (role == ZR_NONE || (!is_string && role != ZR_TS))
		return;
	if (has_esc) {
		val = json_unescape(c->r, val, len, &len);
		if (val == NULL)
			return;
	}
	/* A set is an array: each element comes on its own. */
	zeek_value(c->r, &c->f, role, val, len, NULL, 0);
}

static int
zj_probe(const char *p, size_t len)
{
	const char *nl, *q;
	size_t n;
	int skip;

	/* Comment lines before the first record (a test baseline's). */
	for (skip = 0; skip < 4 && len > 0 && p[0] == '#'; skip++) {
		nl = memchr(p, '\n', len);
		if (nl == NULL)
			return 0;
		len -= (size_t)(nl + 1 - p);
		p = nl + 1;
	}
	nl = memchr(p, '\n', len);
	n = nl ? (size_t)(nl - p) : len;
	q = p;
	if (n < 2 || p[0] != '{' || memmem(p, n, "\"event_type\"", 12))
		return 0;
	if (memmem(p, n, "\"ts\"", 4) == NULL)
		return 0;
	if (memmem(p, n, "\"uid\"", 5) || memmem(p, n, "\"id.orig_h\"", 11) ||
	    memmem(p, n, "\"fuid\"", 6) || memmem(p, n, "\"_path\"", 7))
		return 95;
	/* Zeek writes ts first, whatever the log. */
	for (q++; q < p + n && (*q == ' ' || *q == '\t'); q++)
		;
	return p + n - q >= 5 && memcmp(q, "\"ts\"", 4) == 0 ? 90 : 0;
}

static int
zj_parse(struct lf_state *st, const char *line, size_t len, struct rec *r,
    const char **why)
{
	struct zj_ctx c;

	(void)st;
	if (len == 0)
		return LF_SKIP;
	memset(&c, 0, sizeof(c));
	c.r = r;
	if (json_scan(line, len, zj_value, &c) != 0) {
		*why = "not a JSON object";
		return LF_MALFORMED;
	}
	zeek_finish(r, &c.f);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_zeek_json = {
	.name = "zeek-json",
	.summary = "Zeek JSON logs of any path",
	.probe = zj_probe,
	.parse = zj_parse,
};
