/*
 * zeek_json.c: Zeek logs written as JSON lines (LogAscii::use_json).  The
 * field names are those of the TSV logs, flat ("id.orig_h") or nested
 * ("id": {"orig_h": ...}) depending on the writer, so the roles come from
 * zeek.c and only the reading differs.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/sweep.h"

struct zj_ctx {
	struct rec		*r;
	struct chousa_str	 host;
	struct chousa_str	 uri;
};

static void
zj_value(void *arg, const struct chousa_str *keys, int depth,
    const char *val, size_t len, int is_string, int has_esc)
{
	struct zj_ctx *c = arg;
	char name[64];
	int role;

	if (depth == 1)
		role = zeek_role(keys[0].p, keys[0].len);
	else if (depth == 2 && keys[0].len + keys[1].len + 1 < sizeof(name)) {
		memcpy(name, keys[0].p, keys[0].len);
		name[keys[0].len] = '.';
		memcpy(name + keys[0].len + 1, keys[1].p, keys[1].len);
		role = zeek_role(name, keys[0].len + keys[1].len + 1);
	} else
		return;
	if (role == ZR_NONE || (!is_string && role != ZR_TS))
		return;
	if (has_esc) {
		val = json_unescape(c->r, val, len, &len);
		if (val == NULL)
			return;
	}
	if (role == ZR_URI) {
		c->uri.p = val;
		c->uri.len = len;
		return;
	}
	if (role == ZR_HOST) {
		c->host.p = val;
		c->host.len = len;
	}
	zeek_value(c->r, role, val, len, ',');
	if (role == ZR_TS && is_string)
		c->r->time_kind = REC_TIME_ISO;
}

static int
zj_probe(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;

	if (n < 2 || p[0] != '{' || memmem(p, n, "\"event_type\"", 12))
		return 0;
	if (memmem(p, n, "\"ts\"", 4) != NULL && (memmem(p, n, "\"uid\"", 5) ||
	    memmem(p, n, "\"id.orig_h\"", 11) || memmem(p, n, "\"fuid\"", 6)))
		return 95;
	return 0;
}

static void
zj_init(struct lf_state *st)
{
	memset(st, 0, sizeof(*st));
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
	zeek_finish(r, c.host, c.uri);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_zeek_json = {
	"zeek-json", 0, zj_probe, zj_init, zj_parse
};
