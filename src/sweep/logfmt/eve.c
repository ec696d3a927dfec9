/*
 * eve.c: Suricata EVE JSON, one event per line (flow, dns v1 and v2, http,
 * tls, fileinfo, alert and any other event type that carries the same
 * objects).  The JSON scanner walks the line once; this file only picks
 * the paths that name hosts, addresses, URLs and hashes.  An http event
 * splits its URL into hostname, http_port and url: it is rebuilt here.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/sweep.h"

struct eve_ctx {
	struct rec		*r;
	struct chousa_str	 hostname;
	struct chousa_str	 url;
	unsigned		 port;
	int			 bad;
};

#define KEY(k, lit) ((k).len == sizeof(lit) - 1 && \
	memcmp((k).p, lit, sizeof(lit) - 1) == 0)

static unsigned
parse_port(const char *p, size_t len)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 5)
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

static void
eve_value(void *arg, const struct chousa_str *keys, int depth,
    const char *val, size_t len, int is_string, int has_esc)
{
	struct eve_ctx *c = arg;
	struct rec *r = c->r;
	const struct chousa_str *k = &keys[depth - 1];

	if (depth < 1 || depth > 3)
		return;
	if (has_esc) {
		val = json_unescape(r, val, len, &len);
		if (val == NULL)
			return;
	}
	if (depth == 1) {
		if (KEY(*k, "timestamp") && is_string) {
			r->time.p = val;
			r->time.len = len;
			r->time_kind = REC_TIME_ISO;
		} else if (KEY(*k, "src_ip") && is_string) {
			r->src.p = val;
			r->src.len = len;
			rec_add(r, OBS_IP, val, len, OBS_F_SRC);
		} else if (KEY(*k, "dest_ip") && is_string) {
			r->dst.p = val;
			r->dst.len = len;
			rec_add(r, OBS_IP, val, len, OBS_F_DST);
		}
		return;
	}
	if (!is_string && !(depth == 2 && KEY(*k, "http_port")))
		return;
	if (KEY(keys[0], "dns")) {
		if (depth == 2 && KEY(*k, "rrname"))
			rec_add(r, OBS_DOMAIN, val, len, 0);
		else if (depth == 2 && KEY(*k, "rdata"))
			rec_add(r, OBS_HOST, val, len, 0);
		else if (depth == 3 && KEY(keys[1], "query") &&
		    KEY(*k, "rrname"))
			rec_add(r, OBS_DOMAIN, val, len, 0);
		else if (depth == 3 && KEY(keys[1], "answers") &&
		    KEY(*k, "rdata"))
			rec_add(r, OBS_HOST, val, len, 0);
		else if (depth == 3 && KEY(keys[1], "grouped"))
			rec_add(r, OBS_HOST, val, len, 0);
	} else if (KEY(keys[0], "http") && depth == 2) {
		if (KEY(*k, "hostname")) {
			c->hostname.p = val;
			c->hostname.len = len;
			rec_add(r, OBS_HOST, val, len, 0);
		} else if (KEY(*k, "url")) {
			c->url.p = val;
			c->url.len = len;
		} else if (KEY(*k, "http_port"))
			c->port = parse_port(val, len);
	} else if (KEY(keys[0], "tls") && depth == 2) {
		if (KEY(*k, "sni"))
			rec_add(r, OBS_DOMAIN, val, len, 0);
	} else if (KEY(keys[0], "fileinfo") && depth == 2) {
		if (KEY(*k, "sha256") || KEY(*k, "md5") || KEY(*k, "sha1"))
			rec_add(r, OBS_HASH, val, len, 0);
	}
}

static int
eve_probe(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;

	if (n < 2 || p[0] != '{')
		return 0;
	if (memmem(p, n, "\"event_type\"", 12) != NULL)
		return memmem(p, n, "\"timestamp\"", 11) != NULL ? 100 : 80;
	return 0;
}

static void
eve_init(struct lf_state *st)
{
	memset(st, 0, sizeof(*st));
}

static int
eve_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	struct eve_ctx c;

	(void)st;
	while (len > 0 && (line[0] == ' ' || line[0] == '\t')) {
		line++;
		len--;
	}
	if (len == 0)
		return LF_SKIP;
	memset(&c, 0, sizeof(c));
	c.r = r;
	if (json_scan(line, len, eve_value, &c) != 0) {
		*why = "not a JSON object";
		return LF_MALFORMED;
	}
	if (c.url.len > 0) {
		if (c.url.len > 7 && (memcmp(c.url.p, "http://", 7) == 0 ||
		    memcmp(c.url.p, "https://", 8) == 0))
			rec_add(r, OBS_URL, c.url.p, c.url.len, 0);
		else if (c.hostname.len > 0 && c.url.p[0] == '/') {
			struct obs *o = rec_add(r, OBS_URLPART, c.hostname.p,
			    c.hostname.len, 0);

			if (o != NULL) {
				o->path = c.url;
				o->port = c.port;
			}
		}
	}
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_eve = {
	"eve", 0, eve_probe, eve_init, eve_parse
};
