/*
 * pcap.c: captures, pcap and pcapng.  The capture file is read here, not
 * by libpcap: a pcapng may give each interface its own link type, snap
 * length and time resolution, which libpcap 1.10 refuses, and a mapped
 * file is read in place.  Each packet goes to packet.c, which decodes it
 * into a record.  A capture that is not one, or holds only packets of
 * link types chousa cannot decode, is an error that names it.
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logfmt/packet.h"
#include "sweep/logtime.h"

#define MAX_BLOCK	((size_t)16 << 20)	/* a pcapng block or packet */
#define MAX_IFACES	65536

/* ---- reading bytes of the capture ---- */

struct cap_in {
	struct lf_feed	*f;
	size_t		 pos;		/* in f->mem */
	const char	*pend;		/* the rest of the last chunk read */
	size_t		 pend_len;
	char		*buf;		/* a unit split over chunks */
	size_t		 buf_len, buf_cap;
	int		 rc;		/* a read error */
	int		 partial;	/* the input ended inside a unit */
};

/*
 * The next n bytes, consumed; valid until the next call.  NULL at the end
 * (partial set when it cut a unit short) or on a read error (rc set).
 */
static const uint8_t *
take(struct cap_in *in, size_t n, struct chousa_err *err)
{
	struct lf_feed *f = in->f;
	const char *p;

	if (f->mem != NULL) {
		if (f->mem_len - in->pos < n) {
			in->partial = in->pos < f->mem_len;
			in->pos = f->mem_len;
			return NULL;
		}
		p = f->mem + in->pos;
		in->pos += n;
		return (const uint8_t *)p;
	}
	if (in->buf_len == 0 && in->pend_len >= n) {
		p = in->pend;
		in->pend += n;
		in->pend_len -= n;
		return (const uint8_t *)p;
	}
	if (n > in->buf_cap) {
		size_t cap = in->buf_cap ? in->buf_cap : 4096;
		char *nb;

		while (cap < n)
			cap *= 2;
		nb = mem_realloc(in->buf, cap);
		if (nb == NULL) {
			in->rc = chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
			return NULL;
		}
		in->buf = nb;
		in->buf_cap = cap;
	}
	while (in->buf_len < n) {
		size_t k;

		if (in->pend_len == 0) {
			in->rc = f->read(f, &in->pend, &in->pend_len, err);
			if (in->rc != CHOUSA_OK)
				return NULL;
			if (in->pend_len == 0) {
				in->partial = in->buf_len > 0;
				in->buf_len = 0;
				return NULL;
			}
		}
		k = n - in->buf_len < in->pend_len ? n - in->buf_len :
		    in->pend_len;
		memcpy(in->buf + in->buf_len, in->pend, k);
		in->buf_len += k;
		in->pend += k;
		in->pend_len -= k;
	}
	in->buf_len = 0;
	return (const uint8_t *)in->buf;
}

/* ---- the capture formats ---- */

struct iface {
	int		 lt;
	uint32_t	 snaplen;
	uint64_t	 units;		/* time units per second */
	int64_t		 offset;	/* seconds added to each time */
};

struct capture {
	struct cap_in	 in;
	struct iface	*ifaces;
	size_t		 n_ifaces, cap_ifaces;
	int		 swapped;	/* the section's byte order is not ours */
	uint64_t	 decoded;	/* packets of a known link type */
	int		 bad_lt;	/* the last link type it cannot decode */
	char		 tbuf[32];
};

static inline uint32_t
rd32(const struct capture *c, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return c->swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t
rd16(const struct capture *c, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return c->swapped ? __builtin_bswap16(v) : v;
}

/* "1710353350.000123" into c->tbuf; its length.  No printf per packet. */
static size_t
epoch_text(struct capture *c, int64_t sec, uint64_t usec)
{
	char tmp[24], *b = c->tbuf;
	size_t n = 0, i;
	uint64_t v = sec > 0 ? (uint64_t)sec : 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && n < 20);
	for (i = 0; i < n; i++)
		b[i] = tmp[n - 1 - i];
	b[n++] = '.';
	for (i = 6; i > 0; i--) {
		b[n + i - 1] = (char)('0' + usec % 10);
		usec /= 10;
	}
	return n + 6;
}

/* Decode one packet and hand it over; non-zero stops. */
static int
deliver(struct capture *c, struct lf_feed *f, const struct iface *ifc,
    uint64_t ts, const uint8_t *data, size_t caplen)
{
	struct rec *r = f->rec;
	uint64_t sec = ts / ifc->units, frac = ts % ifc->units, usec;

	if (!packet_decodable(ifc->lt)) {
		/* Named at the end if no packet could be decoded. */
		c->bad_lt = ifc->lt;
		f->malformed(f, "a packet of a link type chousa cannot decode");
		return 0;
	}
	c->decoded++;
	usec = ifc->units >= 1000000 ? frac / (ifc->units / 1000000) :
	    frac * (1000000 / ifc->units);
	rec_clear(r);
	r->time.p = c->tbuf;
	r->time.len = epoch_text(c, (int64_t)sec + ifc->offset,
	    usec % 1000000);
	r->time_fn = logtime_epoch;
	packet_decode(r, ifc->lt, data, caplen);
	return f->record(f);
}

static int
damaged(struct lf_feed *f, struct chousa_err *err, const char *why)
{
	return chousa_errf(err, CHOUSA_EFORMAT, "cannot read capture '%s': "
	    "%s", f->name, why);
}

/* The classic pcap format: a file header, then records. */
static int
read_pcap(struct capture *c, struct lf_feed *f, struct chousa_err *err)
{
	const uint8_t *h = take(&c->in, 24, err);
	struct iface ifc;
	uint32_t magic;
	char what[64];

	if (h == NULL)
		return c->in.rc ? c->in.rc : damaged(f, err, "the file header "
		    "is cut short");
	memcpy(&magic, h, 4);
	c->swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
	magic = rd32(c, h);
	ifc.units = magic == 0xa1b23c4d ? 1000000000 : 1000000;
	ifc.offset = 0;
	ifc.snaplen = rd32(c, h + 16);
	/* The upper bits say whether frames end with their FCS. */
	ifc.lt = (int)(rd32(c, h + 20) & 0x0fffffff);
	if (rd16(c, h + 4) != 2)
		return damaged(f, err, "not pcap version 2");
	if (!packet_decodable(ifc.lt))
		return chousa_errf(err, CHOUSA_EFORMAT, "cannot read capture "
		    "'%s': %s cannot be decoded", f->name,
		    packet_link_name(ifc.lt, what, sizeof(what)));
	for (;;) {
		uint32_t sec, frac, caplen;
		const uint8_t *data;

		h = take(&c->in, 16, err);
		if (h == NULL)
			break;
		sec = rd32(c, h);
		frac = rd32(c, h + 4);
		caplen = rd32(c, h + 8);
		if (caplen > MAX_BLOCK || frac >= ifc.units) {
			snprintf(f->warning, sizeof(f->warning), "capture "
			    "damaged: a packet record with %u bytes",
			    (unsigned)caplen);
			f->truncated = 1;
			return CHOUSA_OK;
		}
		data = take(&c->in, caplen, err);
		if (data == NULL)
			break;
		if (deliver(c, f, &ifc, (uint64_t)sec * ifc.units + frac, data,
		    caplen) != 0)
			return CHOUSA_OK;
	}
	return c->in.rc;
}

/* ---- pcapng ---- */

#define NG_SHB	0x0a0d0d0aU
#define NG_IDB	1U
#define NG_PB	2U
#define NG_SPB	3U
#define NG_EPB	6U

/* An Interface Description Block: link type, snap length, time options. */
static int
ng_idb(struct capture *c, const uint8_t *b, size_t len)
{
	struct iface ifc;
	size_t off = 8;

	if (len < 8)
		return -1;
	switch (MEM_GROW(c->ifaces, c->n_ifaces, c->cap_ifaces, 8,
	    MAX_IFACES)) {
	case CHOUSA_OK:
		break;
	case CHOUSA_ELIMIT:
		return -1;
	default:
		return -2;
	}
	ifc.lt = rd16(c, b);
	ifc.snaplen = rd32(c, b + 4);
	ifc.units = 1000000;
	ifc.offset = 0;
	while (off + 4 <= len) {
		unsigned code = rd16(c, b + off), olen = rd16(c, b + off + 2);

		off += 4;
		if (code == 0 || off + olen > len)
			break;
		if (code == 9 && olen >= 1) {	/* if_tsresol */
			unsigned e = b[off] & 0x7f, i;

			ifc.units = 1;
			for (i = 0; i < e && ifc.units < ((uint64_t)1 << 62) /
			    10; i++)
				ifc.units *= (b[off] & 0x80) ? 2 : 10;
		} else if (code == 14 && olen >= 8) {	/* if_tsoffset */
			uint64_t v;

			memcpy(&v, b + off, 8);
			ifc.offset = (int64_t)(c->swapped ?
			    __builtin_bswap64(v) : v);
		}
		off += (olen + 3) & ~3u;
	}
	c->ifaces[c->n_ifaces++] = ifc;
	return 0;
}

/* The packet of an EPB, SPB or PB body; 1 when there is none. */
static int
ng_packet(struct capture *c, struct lf_feed *f, uint32_t type,
    const uint8_t *b, size_t len)
{
	const struct iface *ifc;
	uint32_t id, caplen;
	uint64_t ts;

	if (type == NG_SPB) {
		if (len < 4 || c->n_ifaces == 0)
			return 1;
		ifc = &c->ifaces[0];
		caplen = rd32(c, b);
		if (ifc->snaplen != 0 && caplen > ifc->snaplen)
			caplen = ifc->snaplen;
		if (caplen > len - 4)
			caplen = (uint32_t)(len - 4);
		return deliver(c, f, ifc, 0, b + 4, caplen) != 0 ? -1 : 0;
	}
	if (len < 20)
		return 1;
	id = type == NG_PB ? rd16(c, b) : rd32(c, b);
	if (id >= c->n_ifaces)
		return 1;
	ifc = &c->ifaces[id];
	ts = (uint64_t)rd32(c, b + 4) << 32 | rd32(c, b + 8);
	caplen = rd32(c, b + 12);
	if (caplen > len - 20)
		return 1;
	return deliver(c, f, ifc, ts, b + 20, caplen) != 0 ? -1 : 0;
}

static int
read_pcapng(struct capture *c, struct lf_feed *f, struct chousa_err *err)
{
	int started = 0, rc;

	for (;;) {
		const uint8_t *h = take(&c->in, 8, err), *b;
		uint32_t type, total, magic;

		if (h == NULL)
			break;
		memcpy(&type, h, 4);
		memcpy(&total, h + 4, 4);
		if (type == NG_SHB) {
			/* A new section: its own byte order and interfaces. */
			h = take(&c->in, 4, err);
			if (h == NULL)
				break;
			memcpy(&magic, h, 4);
			if (magic != 0x1a2b3c4d && magic != 0x4d3c2b1a)
				return damaged(f, err, "bad pcapng byte-order "
				    "magic");
			c->swapped = magic == 0x4d3c2b1a;
			c->n_ifaces = 0;
			started = 1;
		} else if (!started)
			return damaged(f, err, "not a pcapng section");
		if (c->swapped)
			total = __builtin_bswap32(total);
		type = c->swapped ? __builtin_bswap32(type) : type;
		if (total < 12 || total % 4 != 0 || total > MAX_BLOCK ||
		    (type == NG_SHB && total < 28)) {
			snprintf(f->warning, sizeof(f->warning), "capture "
			    "damaged: a pcapng block of %u bytes",
			    (unsigned)total);
			f->truncated = 1;
			return CHOUSA_OK;
		}
		/* The rest of the block: its body, then the length again. */
		b = take(&c->in, total - (type == NG_SHB ? 12 : 8), err);
		if (b == NULL)
			break;
		if (type == NG_IDB) {
			rc = ng_idb(c, b, total - 12);
			if (rc == -2)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			if (rc != 0)
				f->malformed(f, "a bad pcapng interface block");
		} else if (type == NG_EPB || type == NG_SPB || type == NG_PB) {
			rc = ng_packet(c, f, type, b, total - 12);
			if (rc < 0)
				return CHOUSA_OK;
			if (rc > 0)
				f->malformed(f, "a bad pcapng packet block");
		}
	}
	return c->in.rc;
}

/* ---- the format ---- */

static int
pcap_probe(const char *p, size_t len)
{
	static const uint8_t magics[][4] = {
		{ 0xa1, 0xb2, 0xc3, 0xd4 }, { 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d }, { 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0x0a, 0x0d, 0x0d, 0x0a },
	};
	size_t i;

	if (len < 4)
		return 0;
	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(p, magics[i], 4) == 0)
			return 100;
	return 0;
}

static int
pcap_read(struct lf_state *st, struct lf_feed *f, struct chousa_err *err)
{
	struct capture c;
	const uint8_t *h;
	char what[64];
	int rc;

	(void)st;
	memset(&c, 0, sizeof(c));
	c.in.f = f;
	c.bad_lt = -1;
	/* The first four bytes say which format; read them again after. */
	if (f->mem != NULL)
		h = f->mem_len >= 4 ? (const uint8_t *)f->mem : NULL;
	else {
		rc = f->read(f, &c.in.pend, &c.in.pend_len, err);
		if (rc != CHOUSA_OK)
			return rc;
		h = (const uint8_t *)c.in.pend;
		if (c.in.pend_len < 4)
			h = NULL;
	}
	if (h == NULL || pcap_probe((const char *)h, 4) == 0)
		return chousa_errf(err, CHOUSA_EFORMAT, "cannot read capture "
		    "'%s': not a pcap or pcapng file", f->name);
	if (memcmp(h, "\x0a\x0d\x0d\x0a", 4) == 0)
		rc = read_pcapng(&c, f, err);
	else
		rc = read_pcap(&c, f, err);
	if (rc == CHOUSA_OK && c.in.partial && !f->truncated) {
		f->truncated = 1;
		snprintf(f->warning, sizeof(f->warning), "capture cut short "
		    "in its last packet");
	}
	if (rc == CHOUSA_OK && c.decoded == 0 && c.bad_lt >= 0)
		rc = chousa_errf(err, CHOUSA_EFORMAT, "cannot read capture "
		    "'%s': %s cannot be decoded", f->name,
		    packet_link_name(c.bad_lt, what, sizeof(what)));
	mem_free(c.in.buf);
	mem_free(c.ifaces);
	return rc;
}

const struct chousa_logfmt logfmt_pcap = {
	.name = "pcap",
	.summary = "pcap and pcapng captures",
	.unit = "packets",
	.flags = LF_BINARY,
	.probe = pcap_probe,
	.read = pcap_read,
};
