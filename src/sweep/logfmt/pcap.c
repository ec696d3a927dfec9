/*
 * pcap.c: packets from pcap and pcapng captures (libpcap reads both).
 * Each packet gives its IP endpoints, and from single packets the DNS
 * questions and answers over UDP, the HTTP request target and Host header,
 * and the TLS ClientHello's server name.  No stream is reassembled: what
 * a sensor would log from one packet is what is looked up.
 */
#include <arpa/inet.h>
#include <string.h>

#include <pcap/pcap.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/sweep.h"

#define MAX_ANSWERS	32

static inline unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Decode a DNS name at off (compression followed, bounded). */
static int
dns_name(const uint8_t *msg, size_t len, size_t *off, char *out,
    size_t *out_len)
{
	size_t p = *off, n = 0, end_off = 0;
	int jumps = 0, jumped = 0;

	for (;;) {
		unsigned l;

		if (p >= len)
			return -1;
		l = msg[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++jumps > 16)
				return -1;
			if (!jumped)
				end_off = p + 2;
			jumped = 1;
			p = (l & 0x3fu) << 8 | msg[p + 1];
			continue;
		}
		if (l & 0xc0)
			return -1;
		p++;
		if (l == 0)
			break;
		if (p + l > len || n + l + 1 > 255)
			return -1;
		if (n > 0)
			out[n++] = '.';
		memcpy(out + n, msg + p, l);
		n += l;
		p += l;
	}
	*off = jumped ? end_off : p;
	*out_len = n;
	return 0;
}

static void
parse_dns(const uint8_t *m, size_t len, struct rec *r)
{
	char name[256], ip[INET6_ADDRSTRLEN];
	size_t off = 12, nlen, i;
	unsigned qd, an;
	const char *s;

	if (len < 12)
		return;
	qd = be16(m + 4);
	an = be16(m + 6);
	for (i = 0; i < qd && i < 4; i++) {
		if (dns_name(m, len, &off, name, &nlen) != 0 || off + 4 > len)
			return;
		off += 4;
		if (nlen > 0 && (s = rec_scratch(r, name, nlen)) != NULL)
			rec_add(r, OBS_DOMAIN, s, nlen, 0);
	}
	for (i = 0; i < an && i < MAX_ANSWERS; i++) {
		unsigned type, rdlen;

		if (dns_name(m, len, &off, name, &nlen) != 0 ||
		    off + 10 > len)
			return;
		type = be16(m + off);
		rdlen = be16(m + off + 8);
		off += 10;
		if (off + rdlen > len)
			return;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			if (inet_ntop(type == 1 ? AF_INET : AF_INET6, m + off,
			    ip, sizeof(ip)) != NULL &&
			    (s = rec_scratch(r, ip, strlen(ip))) != NULL)
				rec_add(r, OBS_IP, s, strlen(ip), 0);
		} else if (type == 5) {
			size_t o = off;

			if (dns_name(m, len, &o, name, &nlen) == 0 &&
			    nlen > 0 &&
			    (s = rec_scratch(r, name, nlen)) != NULL)
				rec_add(r, OBS_DOMAIN, s, nlen, 0);
		}
		off += rdlen;
	}
}

static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ",
	"DELETE ", "OPTIONS ", "CONNECT ", "PATCH ", NULL };

static void
parse_http(const uint8_t *pl, size_t len, unsigned dport, struct rec *r)
{
	const char *p = (const char *)pl, *end = p + len, *t, *te, *h, *he;
	size_t i, mlen = 0;
	struct obs *o;

	for (i = 0; methods[i] != NULL; i++) {
		mlen = strlen(methods[i]);
		if (len > mlen && memcmp(p, methods[i], mlen) == 0)
			break;
	}
	if (methods[i] == NULL)
		return;
	t = p + mlen;
	te = t;
	while (te < end && *te != ' ' && *te != '\r' && *te != '\n')
		te++;
	if (te == t)
		return;
	h = NULL;
	he = NULL;
	for (p = te; p + 7 < end; p++) {
		if (p[0] != '\n' || (p[1] | 0x20) != 'h' ||
		    (p[2] | 0x20) != 'o' || (p[3] | 0x20) != 's' ||
		    (p[4] | 0x20) != 't' || p[5] != ':')
			continue;
		h = p + 6;
		while (h < end && (*h == ' ' || *h == '\t'))
			h++;
		he = h;
		while (he < end && *he != '\r' && *he != '\n')
			he++;
		while (he > h && (he[-1] == ' ' || he[-1] == '\t'))
			he--;
		break;
	}
	/* The method that matched: the payload may be shorter than 8. */
	if (strcmp(methods[i], "CONNECT ") == 0) {
		rec_add(r, OBS_HOST, t, (size_t)(te - t), OBS_F_DST);
		return;
	}
	if (memmem(t, (size_t)(te - t), "://", 3) != NULL)
		rec_add(r, OBS_URL, t, (size_t)(te - t), OBS_F_DST);
	if (h == NULL || he == h)
		return;
	rec_add(r, OBS_HOST, h, (size_t)(he - h), OBS_F_DST);
	if (*t == '/') {
		o = rec_add(r, OBS_URLPART, h, (size_t)(he - h), OBS_F_DST);
		if (o != NULL) {
			o->path.p = t;
			o->path.len = (size_t)(te - t);
			if (memchr(h, ':', (size_t)(he - h)) == NULL &&
			    dport != 80)
				o->port = dport;
		}
	}
}

static void
parse_tls(const uint8_t *p, size_t len, struct rec *r)
{
	size_t off, end, ext_end;

	/* handshake record, ClientHello */
	if (len < 43 || p[0] != 0x16 || p[1] != 3 || p[5] != 1)
		return;
	end = 5 + be16(p + 3);
	if (end > len)
		end = len;	/* a ClientHello cut by the snap length */
	off = 5 + 4 + 2 + 32;
	if (off + 1 > end)
		return;
	off += 1 + p[off];			/* session id */
	if (off + 2 > end)
		return;
	off += 2 + be16(p + off);		/* cipher suites */
	if (off + 1 > end)
		return;
	off += 1 + p[off];			/* compression */
	if (off + 2 > end)
		return;
	ext_end = off + 2 + be16(p + off);
	off += 2;
	if (ext_end > end)
		ext_end = end;
	while (off + 4 <= ext_end) {
		unsigned type = be16(p + off), elen = be16(p + off + 2);

		off += 4;
		if (off + elen > ext_end)
			return;
		if (type == 0 && elen >= 5 && p[off + 2] == 0) {
			unsigned nlen = be16(p + off + 3);

			if (5 + nlen <= elen)
				rec_add(r, OBS_DOMAIN,
				    (const char *)p + off + 5, nlen,
				    OBS_F_DST);
			return;
		}
		off += elen;
	}
}

/* Dotted IPv4 text without the printf machinery of inet_ntop. */
static void
ipv4_text(const uint8_t *a, char *out)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

int
pcap_packet_parse(int dlt, const uint8_t *pkt, size_t caplen,
    struct rec *r, char *addrbuf, size_t addrbuf_size)
{
	size_t off = 0, l3len;
	unsigned etype = 0, proto, sport, dport, hops;
	const uint8_t *ip, *l4;
	size_t l4len;
	int is_v6;

	if (addrbuf_size < 2 * INET6_ADDRSTRLEN)
		return -1;
	switch (dlt) {
	case DLT_EN10MB:
		if (caplen < 14)
			return -1;
		etype = be16(pkt + 12);
		off = 14;
		while ((etype == 0x8100 || etype == 0x88a8) &&
		    caplen >= off + 4) {
			etype = be16(pkt + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (caplen < 16)
			return -1;
		etype = be16(pkt + 14);
		off = 16;
		break;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		if (caplen < 20)
			return -1;
		etype = be16(pkt);
		off = 20;
		break;
#endif
	case DLT_NULL:
	case DLT_LOOP:
		if (caplen < 4)
			return -1;
		off = 4;
		etype = 0;
		break;
	default:	/* DLT_RAW, DLT_IPV4, DLT_IPV6 */
		etype = 0;
		break;
	}
	if (off >= caplen)
		return -1;
	ip = pkt + off;
	l3len = caplen - off;
	if (etype == 0)
		etype = (ip[0] >> 4) == 6 ? 0x86dd : 0x0800;
	if (etype == 0x0800) {
		size_t ihl, tot;

		if (l3len < 20 || (ip[0] >> 4) != 4)
			return -1;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		tot = be16(ip + 2);
		if (ihl < 20 || ihl > l3len)
			return -1;
		if (tot >= ihl && tot < l3len)
			l3len = tot;
		proto = ip[9];
		is_v6 = 0;
		ipv4_text(ip + 12, addrbuf);
		ipv4_text(ip + 16, addrbuf + INET6_ADDRSTRLEN);
		/* Only the first fragment has the transport header. */
		if ((be16(ip + 6) & 0x1fff) != 0)
			proto = 0;
		l4 = ip + ihl;
		l4len = l3len - ihl;
	} else if (etype == 0x86dd) {
		size_t plen;

		if (l3len < 40 || (ip[0] >> 4) != 6)
			return -1;
		plen = be16(ip + 4);
		if (40 + plen < l3len)
			l3len = 40 + plen;
		is_v6 = 1;
		inet_ntop(AF_INET6, ip + 8, addrbuf, INET6_ADDRSTRLEN);
		inet_ntop(AF_INET6, ip + 24, addrbuf + INET6_ADDRSTRLEN,
		    INET6_ADDRSTRLEN);
		proto = ip[6];
		l4 = ip + 40;
		l4len = l3len - 40;
		for (hops = 0; hops < 8 && (proto == 0 || proto == 43 ||
		    proto == 60 || proto == 44); hops++) {
			size_t hlen;

			if (l4len < 8)
				return -1;
			hlen = proto == 44 ? 8 : ((size_t)l4[1] + 1) * 8;
			if (proto == 44 && (be16(l4 + 2) & 0xfff8) != 0)
				proto = 0xff;	/* a later fragment */
			else
				proto = l4[0];
			if (hlen > l4len)
				return -1;
			l4 += hlen;
			l4len -= hlen;
		}
	} else
		return 1;	/* not IP: nothing to look up */
	(void)is_v6;
	r->src.p = addrbuf;
	r->src.len = strlen(addrbuf);
	r->dst.p = addrbuf + INET6_ADDRSTRLEN;
	r->dst.len = strlen(r->dst.p);
	rec_add(r, OBS_IP, r->src.p, r->src.len, OBS_F_SRC);
	rec_add(r, OBS_IP, r->dst.p, r->dst.len, OBS_F_DST);
	if (proto == 17 && l4len >= 8) {
		sport = be16(l4);
		dport = be16(l4 + 2);
		if (sport == 53 || dport == 53 || sport == 5353 ||
		    dport == 5353)
			parse_dns(l4 + 8, l4len - 8, r);
	} else if (proto == 6 && l4len >= 20) {
		size_t doff = (size_t)(l4[12] >> 4) * 4;

		dport = be16(l4 + 2);
		if (doff >= 20 && doff < l4len) {
			const uint8_t *pl = l4 + doff;
			size_t plen = l4len - doff;

			if (pl[0] == 0x16)
				parse_tls(pl, plen, r);
			else
				parse_http(pl, plen, dport, r);
		}
	}
	return 0;
}

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

static void
capture_init(struct lf_state *st)
{
	memset(st, 0, sizeof(*st));
}

const struct chousa_logfmt logfmt_pcap = {
	"pcap", LF_BINARY, pcap_probe, capture_init, NULL
};
