/*
 * zeek.c: Zeek TSV logs (conn, dns, http, ssl, files, x509, notice, dhcp,
 * intel, known_hosts, software and any other path).  Columns are found
 * through the #fields header, never by position, so a log with extra or
 * reordered fields reads the same; #types marks every other address
 * column.  The header also gives the separator (#separator \x09, or
 * several bytes), the set separator and the unset and empty markers.  A
 * line is split only up to the last column worth reading.
 */
#include <string.h>

#include "chousa.h"
#include "base/hex.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logfmt/zeek.h"
#include "sweep/logtime.h"

static const struct {
	const char	*name;
	int		 role;
} roles[] = {
	{ "ts", ZR_TS },
	{ "id.orig_h", ZR_ORIG_H },
	{ "id.resp_h", ZR_RESP_H },
	{ "src", ZR_SRC },
	{ "dst", ZR_DST },
	{ "client_addr", ZR_CLIENT_ADDR },
	{ "server_addr", ZR_SERVER_ADDR },
	{ "assigned_addr", ZR_ADDR },
	{ "requested_addr", ZR_ADDR },
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
	{ "seen.indicator", ZR_INTEL },
	{ "seen.indicator_type", ZR_INTEL_TYPE },
	{ "x_originating_ip", ZR_ADDR },
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

static int
ends_with(const char *p, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && memcmp(p + len - n, suffix, n) == 0;
}

int
zeek_addr_name(const char *name, size_t len)
{
	return ends_with(name, len, "_h") || ends_with(name, len, "_addr") ||
	    ends_with(name, len, "_ip");
}

/* Unix seconds with a fraction, milliseconds (JSON::TS_MILLIS) or ISO. */
static int64_t
zeek_time(const char *p, size_t len)
{
	const char *end = p + len, *q = p;

	if (memchr(p, '-', len) != NULL)
		return logtime_iso(p, len);
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q == end && len >= 13)
		return logtime_epoch(p, len - 3);
	return logtime_epoch(p, len);
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
	int byte;

	if (memchr(p, '\\', n) == NULL)
		return v;
	out = rec_scratch(r, p, n);
	if (out == NULL)
		return v;
	for (i = 0; i < n; i++) {
		byte = p[i] == '\\' && i + 3 < n && p[i + 1] == 'x' ?
		    chousa_hex_byte(p + i + 2) : -1;
		if (byte >= 0) {
			out[o++] = (char)byte;
			i += 3;
		} else
			out[o++] = p[i];
	}
	v.p = out;
	v.len = o;
	return v;
}

/* Add each element of a set or vector value. */
static void
add_set(struct rec *r, int kind, const char *p, size_t len, const char *sep,
    size_t sep_len, unsigned flags)
{
	const char *end = p + len;

	while (p < end) {
		const char *c = sep_len == 0 ? NULL : sep_len == 1 ?
		    memchr(p, sep[0], (size_t)(end - p)) :
		    memmem(p, (size_t)(end - p), sep, sep_len);
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
		/* An element holds its separator escaped: undo it after. */
		struct chousa_str v = sep_len > 0 && kind != OBS_IP ?
		    zeek_unescape(r, p, n) : (struct chousa_str){ p, n };

		rec_add(r, kind, v.p, v.len, flags);
		if (c == NULL)
			break;
		p = c + sep_len;
	}
}

/* An end of the flow: the first value of its side sets it. */
static void
add_end(struct rec *r, struct chousa_str *end, const char *p, size_t len,
    unsigned flag)
{
	if (end->len == 0) {
		end->p = p;
		end->len = len;
	}
	rec_add(r, OBS_IP, p, len, flag);
}

#define ESCAPED_ROLES	(1u << ZR_URI | 1u << ZR_HOST | 1u << ZR_QUERY | \
	1u << ZR_SERVER_NAME | 1u << ZR_INTEL)

/*
 * zeek_value(), inlined into the TSV reader's loop: called as a function
 * it cost the TSV reader a tenth more instructions a line.
 */
static inline __attribute__((always_inline)) void
value(struct rec *r, struct zeek_fields *f, int role, const char *p,
    size_t len, const char *set_sep, size_t set_sep_len)
{
	/* TSV: names and URIs may hold \xNN; times and addresses never. */
	if (set_sep_len > 0 && ((1u << role) & ESCAPED_ROLES) != 0 &&
	    memchr(p, '\\', len) != NULL) {
		struct chousa_str v = zeek_unescape(r, p, len);

		p = v.p;
		len = v.len;
	}
	switch (role) {
	case ZR_TS:
		r->time.p = p;
		r->time.len = len;
		r->time_fn = zeek_time;
		break;
	case ZR_ORIG_H:
	case ZR_SRC:
	case ZR_CLIENT_ADDR:
		add_end(r, &r->src, p, len, OBS_F_SRC);
		break;
	case ZR_RESP_H:
	case ZR_DST:
	case ZR_SERVER_ADDR:
		add_end(r, &r->dst, p, len, OBS_F_DST);
		break;
	case ZR_ADDR:
		add_set(r, OBS_IP, p, len, set_sep, set_sep_len, 0);
		break;
	case ZR_QUERY:
	case ZR_SERVER_NAME:
		rec_add(r, OBS_DOMAIN, p, len, 0);
		break;
	case ZR_ANSWERS:
	case ZR_SAN_DNS:
		add_set(r, OBS_HOST, p, len, set_sep, set_sep_len, 0);
		break;
	case ZR_HOST:
		f->host.p = p;
		f->host.len = len;
		rec_add(r, OBS_HOST, p, len, 0);
		break;
	case ZR_URI:
		f->uri.p = p;
		f->uri.len = len;
		break;
	case ZR_MD5:
	case ZR_SHA1:
	case ZR_SHA256:
		rec_add(r, OBS_HASH, p, len, 0);
		break;
	case ZR_TX_HOSTS:
		add_set(r, OBS_IP, p, len, set_sep, set_sep_len,
		    OBS_F_DST);
		break;
	case ZR_RX_HOSTS:
		add_set(r, OBS_IP, p, len, set_sep, set_sep_len,
		    OBS_F_SRC);
		break;
	case ZR_SAN_IP:
		add_set(r, OBS_IP, p, len, set_sep, set_sep_len, 0);
		break;
	case ZR_INTEL:
		f->intel.p = p;
		f->intel.len = len;
		break;
	case ZR_INTEL_TYPE:
		f->intel_type.p = p;
		f->intel_type.len = len;
		break;
	}
}

void
zeek_value(struct rec *r, struct zeek_fields *f, int role, const char *p,
    size_t len, const char *set_sep, size_t set_sep_len)
{
	value(r, f, role, p, len, set_sep, set_sep_len);
}

/*
 * An intel.log indicator, by the type Zeek gives it: addresses, domains,
 * URLs and hashes are looked up; e-mail addresses, user and file names
 * and software cannot be, and an unknown type is taken as a host.
 */
static void
intel_finish(struct rec *r, const struct zeek_fields *f)
{
	static const struct {
		const char	*type;
		int		 kind;
	} kinds[] = {
		{ "Intel::ADDR", OBS_IP }, { "Intel::DOMAIN", OBS_DOMAIN },
		{ "Intel::URL", OBS_URL }, { "Intel::FILE_HASH", OBS_HASH },
		{ "Intel::CERT_HASH", OBS_HASH }, { "Intel::EMAIL", 0 },
		{ "Intel::USER_NAME", 0 }, { "Intel::FILE_NAME", 0 },
		{ "Intel::SOFTWARE", 0 }, { "Intel::SUBNET", 0 },
		{ "Intel::PUBKEY_HASH", 0 },
	};
	const char *v = f->intel.p;
	size_t i, len = f->intel.len;
	int kind = OBS_HOST;

	if (len == 0)
		return;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (f->intel_type.len == strlen(kinds[i].type) &&
		    memcmp(f->intel_type.p, kinds[i].type,
		    f->intel_type.len) == 0)
			kind = kinds[i].kind;
	if (kind == 0)
		return;
	/* Zeek's intel URLs have no scheme ("example.com/path"). */
	if (kind == OBS_URL && memmem(v, len, "://", 3) == NULL) {
		char *u = rec_scratch(r, "http://", 7);

		if (u == NULL || rec_scratch(r, v, len) == NULL)
			return;
		v = u;
		len += 7;
	}
	rec_add(r, kind, v, len, 0);
}

void
zeek_finish(struct rec *r, const struct zeek_fields *f)
{
	struct obs *o;

	if (f->intel.len > 0)
		intel_finish(r, f);
	if (f->uri.len == 0)
		return;
	/* A proxied request carries the whole URL as its target. */
	if (f->uri.len > 7 && (memcmp(f->uri.p, "http://", 7) == 0 ||
	    memcmp(f->uri.p, "https://", 8) == 0)) {
		rec_add(r, OBS_URL, f->uri.p, f->uri.len, 0);
		return;
	}
	if (f->host.len == 0 || f->uri.p[0] != '/')
		return;
	o = rec_add(r, OBS_URLPART, f->host.p, f->host.len, 0);
	if (o != NULL)
		o->path = f->uri;
}

/* ---- the TSV reader ---- */

/* A Zeek header among the leading comment lines. */
static int
zeek_probe(const char *p, size_t len)
{
	const char *end = p + len;
	int lines;

	for (lines = 0; lines < 16 && p < end && *p == '#'; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (end - p >= 11 && memcmp(p, "#separator ", 11) == 0)
			return 100;
		if (end - p >= 8 && memcmp(p, "#fields\t", 8) == 0)
			return 90;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static void
zeek_init(struct lf_state *st)
{
	st->sep[0] = '\t';
	st->sep_len = 1;
	st->set_sep[0] = ',';
	st->set_sep_len = 1;
	memcpy(st->empty, "(empty)", 8);
	memcpy(st->unset, "-", 2);
}

/*
 * A header value: "\x09", "\x7c\x7c" or literal characters, into out (at
 * most max bytes); its length, 0 when it is not one.
 */
static size_t
header_bytes(const char *p, size_t len, char *out, size_t max)
{
	size_t n = 0;
	int byte;

	while (len > 0 && n < max) {
		if (len >= 4 && p[0] == '\\' && p[1] == 'x') {
			byte = chousa_hex_byte(p + 2);
			if (byte < 0)
				return 0;
			out[n++] = (char)byte;
			p += 4;
			len -= 4;
		} else {
			out[n++] = *p++;
			len--;
		}
	}
	return len == 0 ? n : 0;
}

/* The next field of [p, end): its end, or NULL at the last one. */
static inline const char *
next_sep(const struct lf_state *st, const char *p, const char *end)
{
	if (st->sep_len == 1)
		return memchr(p, st->sep[0], (size_t)(end - p));
	return memmem(p, (size_t)(end - p), st->sep, st->sep_len);
}

/* Keep role for column col, and how far a line needs splitting. */
static void
set_role(struct lf_state *st, unsigned col, int role)
{
	st->col_role[col] = (uint8_t)role;
	if (role != ZR_NONE && col > st->last_col)
		st->last_col = (uint16_t)col;
}

/* "#fields ts uid id.orig_h ...": the role of each column. */
static void
header_fields(struct lf_state *st, const char *v, const char *end)
{
	unsigned col = 0;

	memset(st->col_role, 0, sizeof(st->col_role));
	st->last_col = 0;
	while (v <= end && col < LF_MAX_COLS) {
		const char *c = next_sep(st, v, end);
		size_t n = c ? (size_t)(c - v) : (size_t)(end - v);

		set_role(st, col, zeek_role(v, n));
		col++;
		if (c == NULL)
			break;
		v = c + st->sep_len;
	}
	st->n_cols = (uint16_t)col;
}

/* "#types time string addr ...": every other address column is read. */
static void
header_types(struct lf_state *st, const char *v, const char *end)
{
	unsigned col = 0;

	while (v <= end && col < st->n_cols) {
		const char *c = next_sep(st, v, end);
		size_t n = c ? (size_t)(c - v) : (size_t)(end - v);

		if (st->col_role[col] == ZR_NONE && ((n == 4 &&
		    memcmp(v, "addr", 4) == 0) || (n == 9 &&
		    memcmp(v, "set[addr]", 9) == 0) || (n == 12 &&
		    memcmp(v, "vector[addr]", 12) == 0)))
			set_role(st, col, ZR_ADDR);
		col++;
		if (c == NULL)
			break;
		v = c + st->sep_len;
	}
}

static int
header(struct lf_state *st, const char *line, size_t len, const char **why)
{
	const char *p, *end = line + len, *v;
	size_t vlen, nlen;
	char sep[LF_MAX_SEP];

	if (len > 11 && memcmp(line, "#separator ", 11) == 0) {
		nlen = header_bytes(line + 11, len - 11, sep, sizeof(sep));
		if (nlen == 0) {
			*why = "bad #separator";
			return LF_MALFORMED;
		}
		memcpy(st->sep, sep, nlen);
		st->sep_len = (uint8_t)nlen;
		return LF_SKIP;
	}
	/* The other headers are "#name<sep>value". */
	p = next_sep(st, line, end);
	if (p == NULL)
		return LF_SKIP;
	nlen = (size_t)(p - line);
	v = p + st->sep_len;
	vlen = (size_t)(end - v);
	if (nlen == 14 && memcmp(line, "#set_separator", 14) == 0) {
		nlen = header_bytes(v, vlen, sep, sizeof(sep));
		if (nlen > 0) {
			memcpy(st->set_sep, sep, nlen);
			st->set_sep_len = (uint8_t)nlen;
		}
	} else if (nlen == 12 && memcmp(line, "#empty_field", 12) == 0) {
		if (vlen < sizeof(st->empty)) {
			memset(st->empty, 0, sizeof(st->empty));
			memcpy(st->empty, v, vlen);
		}
	} else if (nlen == 12 && memcmp(line, "#unset_field", 12) == 0) {
		if (vlen < sizeof(st->unset)) {
			memset(st->unset, 0, sizeof(st->unset));
			memcpy(st->unset, v, vlen);
		}
	} else if (nlen == 7 && memcmp(line, "#fields", 7) == 0)
		header_fields(st, v, end);
	else if (nlen == 6 && memcmp(line, "#types", 6) == 0)
		header_types(st, v, end);
	return LF_SKIP;
}

static int
zeek_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	const char *p = line, *end = line + len;
	struct zeek_fields f;
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
	memset(&f, 0, sizeof(f));
	for (col = 0; col <= st->last_col; col++) {
		const char *c = next_sep(st, p, end);
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
		int role = st->col_role[col];

		if (role != ZR_NONE && n > 0 && !(n == ulen &&
		    memcmp(p, st->unset, n) == 0) && !(n == elen &&
		    memcmp(p, st->empty, n) == 0))
			value(r, &f, role, p, n, st->set_sep,
			    st->set_sep_len);
		if (c == NULL) {
			if (col < st->last_col) {
				*why = "fewer columns than #fields names";
				return LF_MALFORMED;
			}
			break;
		}
		p = c + st->sep_len;
	}
	zeek_finish(r, &f);
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_zeek = {
	.name = "zeek",
	.summary = "Zeek TSV logs of any path",
	.probe = zeek_probe,
	.init = zeek_init,
	.parse = zeek_parse,
};
