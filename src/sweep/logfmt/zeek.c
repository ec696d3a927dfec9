/*
 * zeek.c: Zeek TSV logs (conn, dns, http, ssl, files, x509 and any other
 * path).  Columns are found through the #fields header, never by
 * position, so a log with extra or reordered fields reads the same; the
 * header also gives the separator (#separator \x09), the set separator
 * and the unset and empty markers.  A line is split only up to the last
 * column worth reading.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/sweep.h"

static const struct {
	const char	*name;
	int		 role;
} roles[] = {
	{ "ts", ZR_TS },
	{ "id.orig_h", ZR_ORIG_H },
	{ "id.resp_h", ZR_RESP_H },
	{ "id.resp_p", ZR_RESP_P },
	{ "query", ZR_QUERY },
	{ "answers", ZR_ANSWERS },
	{ "host", ZR_HOST },
	{ "uri", ZR_URI },
	{ "server_name", ZR_SERVER_NAME },
	{ "md5", ZR_MD5 },
	{ "sha1", ZR_SHA1 },
	{ "sha256", ZR_SHA256 },
	{ "tx_hosts", ZR_TX_HOSTS },
	{ "rx_hosts", ZR_RX_HOSTS },
	{ "san.dns", ZR_SAN_DNS },
	{ "san.ip", ZR_SAN_IP },
};

int
zeek_role(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strlen(roles[i].name) == len &&
		    memcmp(roles[i].name, name, len) == 0)
			return roles[i].role;
	return ZR_NONE;
}

/* Add each element of a set or vector value. */
static void
add_set(struct rec *r, int kind, const char *p, size_t len, char sep,
    unsigned flags)
{
	const char *end = p + len;

	while (p < end) {
		const char *c = memchr(p, sep, (size_t)(end - p));
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);

		rec_add(r, kind, p, n, flags);
		if (c == NULL)
			break;
		p = c + 1;
	}
}

void
zeek_value(struct rec *r, int role, const char *p, size_t len, char set_sep)
{
	switch (role) {
	case ZR_TS:
		r->time.p = p;
		r->time.len = len;
		r->time_kind = memchr(p, '-', len) ? REC_TIME_ISO :
		    REC_TIME_EPOCH;
		break;
	case ZR_ORIG_H:
		r->src.p = p;
		r->src.len = len;
		rec_add(r, OBS_IP, p, len, OBS_F_SRC);
		break;
	case ZR_RESP_H:
		r->dst.p = p;
		r->dst.len = len;
		rec_add(r, OBS_IP, p, len, OBS_F_DST);
		break;
	case ZR_QUERY:
	case ZR_SERVER_NAME:
		rec_add(r, OBS_DOMAIN, p, len, 0);
		break;
	case ZR_ANSWERS:
	case ZR_SAN_DNS:
		add_set(r, OBS_HOST, p, len, set_sep, 0);
		break;
	case ZR_HOST:
		rec_add(r, OBS_HOST, p, len, 0);
		break;
	case ZR_MD5:
	case ZR_SHA1:
	case ZR_SHA256:
		rec_add(r, OBS_HASH, p, len, 0);
		break;
	case ZR_TX_HOSTS:
		add_set(r, OBS_IP, p, len, set_sep, OBS_F_DST);
		break;
	case ZR_RX_HOSTS:
		add_set(r, OBS_IP, p, len, set_sep, OBS_F_SRC);
		break;
	case ZR_SAN_IP:
		add_set(r, OBS_IP, p, len, set_sep, 0);
		break;
	}
}

void
zeek_finish(struct rec *r, struct chousa_str host, struct chousa_str uri)
{
	struct obs *o;

	if (uri.len == 0)
		return;
	/* A proxied request carries the whole URL as its target. */
	if (uri.len > 7 && (memcmp(uri.p, "http://", 7) == 0 ||
	    memcmp(uri.p, "https://", 8) == 0)) {
		rec_add(r, OBS_URL, uri.p, uri.len, 0);
		return;
	}
	if (host.len == 0 || uri.p[0] != '/')
		return;
	o = rec_add(r, OBS_URLPART, host.p, host.len, 0);
	if (o != NULL)
		o->path = uri;
}

/* ---- the TSV reader ---- */

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Zeek writes an unprintable byte, and its separators, as \xNN; a URI
 * with a tab or a UTF-8 path, or a name with a stray byte, only matches
 * the feed's value once that is undone.  Decoded into the record's
 * scratch; the field as written when it does not fit.
 */
static struct chousa_str
zeek_unescape(struct rec *r, const char *p, size_t n)
{
	struct chousa_str v = { p, n };
	char *out;
	size_t i, o = 0;
	int hi, lo;

	if (memchr(p, '\\', n) == NULL || (out = rec_scratch(r, p, n)) == NULL)
		return v;
	for (i = 0; i < n; i++)
		if (p[i] == '\\' && i + 3 < n && p[i + 1] == 'x' &&
		    (hi = hexval(p[i + 2])) >= 0 && (lo = hexval(p[i + 3])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else
			out[o++] = p[i];
	v.p = out;
	v.len = o;
	return v;
}

static int
zeek_probe(const char *p, size_t len)
{
	if (len >= 11 && memcmp(p, "#separator ", 11) == 0)
		return 100;
	if (len >= 8 && memcmp(p, "#fields\t", 8) == 0)
		return 90;
	return 0;
}

static void
zeek_init(struct lf_state *st)
{
	memset(st, 0, sizeof(*st));
	st->sep = '\t';
	st->set_sep = ',';
	memcpy(st->empty, "(empty)", 8);
	memcpy(st->unset, "-", 2);
}

/* "\x09" or a literal character. */
static int
header_char(const char *p, size_t len, char *out)
{
	if (len == 4 && p[0] == '\\' && p[1] == 'x') {
		static const char hex[] = "0123456789abcdef";
		const char *a = memchr(hex, p[2] | 0x20, 16);
		const char *b = memchr(hex, p[3] | 0x20, 16);

		if (a == NULL || b == NULL)
			return -1;
		*out = (char)((a - hex) << 4 | (b - hex));
		return 0;
	}
	if (len == 1) {
		*out = p[0];
		return 0;
	}
	return -1;
}

static int
header(struct lf_state *st, const char *line, size_t len, const char **why)
{
	const char *p, *end = line + len, *v;
	size_t vlen;
	uint16_t col = 0;

	if (len > 11 && memcmp(line, "#separator ", 11) == 0) {
		if (header_char(line + 11, len - 11, &st->sep) != 0) {
			*why = "bad #separator";
			return LF_MALFORMED;
		}
		return LF_SKIP;
	}
	/* The other headers are "#name<sep>value". */
	p = memchr(line, st->sep, len);
	if (p == NULL)
		return LF_SKIP;
	v = p + 1;
	vlen = (size_t)(end - v);
	if ((size_t)(p - line) == 14 && memcmp(line, "#set_separator", 14) ==
	    0) {
		if (header_char(v, vlen, &st->set_sep) != 0)
			st->set_sep = ',';
	} else if ((size_t)(p - line) == 12 &&
	    memcmp(line, "#empty_field", 12) == 0) {
		if (vlen < sizeof(st->empty)) {
			memset(st->empty, 0, sizeof(st->empty));
			memcpy(st->empty, v, vlen);
		}
	} else if ((size_t)(p - line) == 12 &&
	    memcmp(line, "#unset_field", 12) == 0) {
		if (vlen < sizeof(st->unset)) {
			memset(st->unset, 0, sizeof(st->unset));
			memcpy(st->unset, v, vlen);
		}
	} else if ((size_t)(p - line) == 7 && memcmp(line, "#fields", 7) ==
	    0) {
		memset(st->col_role, 0, sizeof(st->col_role));
		st->last_col = 0;
		while (v <= end && col < LF_MAX_COLS) {
			const char *c = memchr(v, st->sep, (size_t)(end - v));
			size_t n = c ? (size_t)(c - v) : (size_t)(end - v);

			st->col_role[col] = (uint8_t)zeek_role(v, n);
			if (st->col_role[col] != ZR_NONE)
				st->last_col = col;
			col++;
			if (c == NULL)
				break;
			v = c + 1;
		}
		st->n_cols = col;
	}
	return LF_SKIP;
}

static int
zeek_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	const char *p = line, *end = line + len;
	struct chousa_str host = { NULL, 0 }, uri = { NULL, 0 };
	size_t ulen = strlen(st->unset), elen = strlen(st->empty);
	unsigned col;

	if (len == 0)
		return LF_SKIP;
	if (line[0] == '#')
		return header(st, line, len, why);
	if (st->n_cols == 0) {
		*why = "a Zeek line before any #fields header";
		return LF_MALFORMED;
	}
	for (col = 0; col <= st->last_col; col++) {
		const char *c = memchr(p, st->sep, (size_t)(end - p));
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
		int role = st->col_role[col];

		if (role != ZR_NONE && n > 0 && !(n == ulen &&
		    memcmp(p, st->unset, n) == 0) && !(n == elen &&
		    memcmp(p, st->empty, n) == 0)) {
			/* Names and URIs only: times, addresses and
			 * hashes never hold an escape. */
			struct chousa_str v = role == ZR_URI ||
			    role == ZR_HOST || role == ZR_QUERY ||
			    role == ZR_SERVER_NAME || role == ZR_ANSWERS ||
			    role == ZR_SAN_DNS ? zeek_unescape(r, p, n) :
			    (struct chousa_str){ p, n };

			if (role == ZR_URI)
				uri = v;
			else {
				if (role == ZR_HOST)
					host = v;
				zeek_value(r, role, v.p, v.len, st->set_sep);
			}
		}
		if (c == NULL) {
			if (col < st->last_col) {
				*why = "fewer columns than #fields names";
				return LF_MALFORMED;
			}
			break;
		}
		p = c + 1;
	}
	zeek_finish(r, host, uri);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_zeek = {
	"zeek", 0, zeek_probe, zeek_init, zeek_parse
};
