/*
 * eve.c: Suricata EVE JSON, one event per line: flow, dns (versions 1 and
 * 2, and 3 of Suricata 8 with its queries[] and answers[]), http, tls,
 * quic, fileinfo, dhcp, alert and any other event type that carries the
 * same objects.  The JSON scanner walks the line once; this file only
 * picks the paths that name hosts, addresses, URLs and hashes.  An http
 * event splits its URL into hostname, http_port and url: it is rebuilt
 * here.  src_ip and dest_ip follow the packet, so a response's src_ip is
 * the server: the flow's own direction comes from the event's flow
 * object, its direction, or the DNS message type.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/json_scan.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

struct eve_ctx {
	struct rec		*r;
	struct chousa_str	 src_ip, dest_ip;	/* as the packet went */
	struct chousa_str	 flow_src, flow_dst;	/* as the flow began */
	struct chousa_str	 hostname;
	struct chousa_str	 url;
	unsigned		 port;
	unsigned		 src_port, dest_port;
	int			 reversed;	/* src_ip is the server */
	int			 told;		/* the event says its direction */
};

#define KEY(k, lit) JSON_KEY(k, lit)

static int
is_url(const char *p, size_t len)
{
	return (len > 7 && memcmp(p, "http://", 7) == 0) ||
	    (len > 8 && memcmp(p, "https://", 8) == 0);
}

/* The top-level keys: time, the two ends and the direction. */
static void
eve_top(struct eve_ctx *c, const struct chousa_str *k, const char *val,
    size_t len)
{
	struct rec *r = c->r;

	if (KEY(*k, "timestamp")) {
		r->time.p = val;
		r->time.len = len;
		r->time_fn = logtime_iso;
	} else if (KEY(*k, "src_ip")) {
		c->src_ip.p = val;
		c->src_ip.len = len;
	} else if (KEY(*k, "dest_ip")) {
		c->dest_ip.p = val;
		c->dest_ip.len = len;
	} else if (KEY(*k, "src_port"))
		c->src_port = lf_port(val, len);
	else if (KEY(*k, "dest_port"))
		c->dest_port = lf_port(val, len);
	else if (KEY(*k, "direction")) {
		c->told = 1;
		c->reversed = len == 9 && memcmp(val, "to_client", 9) == 0;
	}
}

static void
eve_dns(struct eve_ctx *c, const struct chousa_str *keys, int depth,
    const char *val, size_t len)
{
	const struct chousa_str *k = &keys[depth - 1];
	struct rec *r = c->r;

	if (depth == 2) {
		if (KEY(*k, "rrname"))
			rec_add(r, OBS_DOMAIN, val, len, 0);
		else if (KEY(*k, "rdata"))
			rec_add(r, OBS_HOST, val, len, 0);
		else if (KEY(*k, "type") && ((len == 6 &&
		    memcmp(val, "answer", 6) == 0) || (len == 8 &&
		    memcmp(val, "response", 8) == 0))) {
			c->told = 1;
			c->reversed = 1;
		}
		return;
	}
	/* v2 alerts: query[] and answer; v3: queries[]; answers[]. */
	if ((KEY(keys[1], "query") || KEY(keys[1], "queries") ||
	    KEY(keys[1], "answers") || KEY(keys[1], "answer")) &&
	    KEY(*k, "rrname"))
		rec_add(r, OBS_DOMAIN, val, len, 0);
	else if (KEY(keys[1], "answers") && KEY(*k, "rdata"))
		rec_add(r, OBS_HOST, val, len, 0);
	else if (KEY(keys[1], "grouped"))
		rec_add(r, OBS_HOST, val, len, 0);
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
	if (!is_string && !(depth == 2 && KEY(*k, "http_port")) &&
	    !(depth == 1 && (KEY(*k, "src_port") || KEY(*k, "dest_port"))))
		return;
	if (has_esc) {
		val = json_unescape(r, val, len, &len);
		if (val == NULL)
			return;
	}
	if (depth == 1) {
		eve_top(c, k, val, len);
		return;
	}
	if (KEY(keys[0], "dns")) {
		eve_dns(c, keys, depth, val, len);
		return;
	}
	if (depth == 2 && KEY(keys[0], "flow")) {
		if (KEY(*k, "src_ip"))
			c->flow_src = (struct chousa_str){ val, len };
		else if (KEY(*k, "dest_ip"))
			c->flow_dst = (struct chousa_str){ val, len };
	} else if (KEY(keys[0], "http") && depth == 2) {
		if (KEY(*k, "hostname")) {
			c->hostname.p = val;
			c->hostname.len = len;
			rec_add(r, OBS_HOST, val, len, 0);
		} else if (KEY(*k, "url")) {
			c->url.p = val;
			c->url.len = len;
		} else if (KEY(*k, "http_port"))
			c->port = lf_port(val, len);
	} else if ((KEY(keys[0], "tls") || KEY(keys[0], "quic")) &&
	    depth == 2) {
		if (KEY(*k, "sni"))
			rec_add(r, OBS_DOMAIN, val, len, 0);
	} else if (KEY(keys[0], "fileinfo") || KEY(keys[0], "files")) {
		if (KEY(*k, "sha256") || KEY(*k, "md5") || KEY(*k, "sha1"))
			rec_add(r, OBS_HASH, val, len, 0);
	} else if (KEY(keys[0], "dhcp") && depth == 2) {
		if (KEY(*k, "assigned_ip") || KEY(*k, "client_ip") ||
		    KEY(*k, "next_server_ip") || KEY(*k, "relay_ip"))
			rec_add(r, OBS_IP, val, len, 0);
	} else if (KEY(keys[0], "tunnel") && depth == 2) {
		/* The outer addresses of a decapsulated packet. */
		if (KEY(*k, "src_ip") || KEY(*k, "dest_ip"))
			rec_add(r, OBS_IP, val, len, 0);
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

/* The flow's ends, client first, and the addresses as observables. */
static void
eve_ends(struct eve_ctx *c)
{
	struct rec *r = c->r;

	if (c->flow_src.len > 0 && c->flow_dst.len > 0) {
		r->src = c->flow_src;
		r->dst = c->flow_dst;
	} else if (c->reversed || (!c->told && c->src_port != 0 &&
	    c->src_port < 1024 && c->dest_port >= 1024)) {
		/* Told so, or else a packet from a server's well-known port. */
		r->src = c->dest_ip;
		r->dst = c->src_ip;
	} else {
		r->src = c->src_ip;
		r->dst = c->dest_ip;
	}
	rec_add(r, OBS_IP, r->src.p, r->src.len, OBS_F_SRC);
	rec_add(r, OBS_IP, r->dst.p, r->dst.len, OBS_F_DST);
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
	eve_ends(&c);
	if (c.url.len > 0) {
		if (is_url(c.url.p, c.url.len))
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
	.name = "eve",
	.summary = "Suricata EVE JSON, DNS versions 1 to 3",
	.probe = eve_probe,
	.parse = eve_parse,
};
