/*
 * packet.c: one captured packet into a record.  A packet is decoded from
 * its link layer down through VLAN and MPLS stacks, PPPoE and the common
 * tunnels (GRE, ERSPAN, VXLAN, Geneve, Teredo, GTP-U, L2TP, IP in IP), so
 * that both the tunnel's and the inner flow's addresses are looked up;
 * then the DNS questions and answers (UDP, and TCP with its length
 * prefix), the HTTP request target and Host header, and the TLS
 * ClientHello's server name, over TCP and in QUIC's Initial packets
 * (quic.c).  No stream is reassembled: what a sensor would log from one
 * packet is what is looked up.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "sweep/logfmt/packet.h"
#include "sweep/logfmt/quic.h"

#define MAX_RECORDS	64		/* DNS resource records read */
#define MAX_DEPTH	8		/* encapsulations within one packet */

/* ---- link types ---- */

/* LINKTYPE_* values of the capture formats (not libpcap's DLT_*). */
enum {
	LT_NULL = 0, LT_ETHERNET = 1, LT_PPP = 9, LT_FDDI = 10,
	LT_RAW_BSD = 12, LT_RAW_BSD2 = 14, LT_PPP_HDLC = 50, LT_PPP_ETHER = 51,
	LT_ATM_RFC1483 = 100, LT_RAW = 101, LT_C_HDLC = 104,
	LT_IEEE802_11 = 105, LT_LOOP = 108, LT_ENC = 109, LT_LINUX_SLL = 113,
	LT_PFLOG = 117, LT_PRISM = 119, LT_RADIOTAP = 127, LT_PPI = 192,
	LT_MPLS = 219, LT_IPV4 = 228, LT_IPV6 = 229, LT_NFLOG = 239,
	LT_NETANALYZER = 240, LT_NETANALYZER_TRANSPARENT = 241,
	LT_LINUX_SLL2 = 276
};

static const struct {
	int		 type;
	const char	*name;
} lt_names[] = {
	{ LT_NULL, "NULL" }, { LT_ETHERNET, "EN10MB" }, { 6, "IEEE802" },
	{ LT_PPP, "PPP" }, { LT_FDDI, "FDDI" }, { LT_RAW, "RAW" },
	{ LT_PPP_HDLC, "PPP_HDLC" }, { LT_PPP_ETHER, "PPP_ETHER" },
	{ LT_C_HDLC, "C_HDLC" }, { LT_IEEE802_11, "IEEE802_11" },
	{ LT_LOOP, "LOOP" }, { LT_ENC, "ENC" }, { LT_LINUX_SLL, "LINUX_SLL" },
	{ LT_PFLOG, "PFLOG" }, { LT_PRISM, "PRISM_HEADER" },
	{ LT_RADIOTAP, "IEEE802_11_RADIO" }, { LT_PPI, "PPI" },
	{ LT_MPLS, "MPLS" }, { LT_IPV4, "IPV4" }, { LT_IPV6, "IPV6" },
	{ LT_NFLOG, "NFLOG" }, { LT_LINUX_SLL2, "LINUX_SLL2" },
	{ 147, "USER0" }, { 187, "BLUETOOTH_HCI_H4" }, { 189, "USB_LINUX" },
	{ 195, "IEEE802_15_4" }, { 201, "BLUETOOTH_HCI_H4_WITH_PHDR" },
	{ 220, "USB_LINUX_MMAPPED" }, { 227, "CAN_SOCKETCAN" },
	{ 249, "USBPCAP" }, { 252, "WIRESHARK_UPPER_PDU" }, { 253, "NETLINK" },
};

const char *
packet_link_name(int type, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(lt_names) / sizeof(lt_names[0]); i++)
		if (lt_names[i].type == type) {
			snprintf(buf, size, "link type %d (%s)", type,
			    lt_names[i].name);
			return buf;
		}
	snprintf(buf, size, "link type %d", type);
	return buf;
}

int
packet_decodable(int type)
{
	switch (type) {
	case LT_NULL: case LT_ETHERNET: case LT_PPP: case LT_FDDI:
	case LT_RAW_BSD: case LT_RAW_BSD2: case LT_PPP_HDLC:
	case LT_PPP_ETHER: case LT_ATM_RFC1483: case LT_RAW: case LT_C_HDLC:
	case LT_IEEE802_11: case LT_LOOP: case LT_ENC: case LT_LINUX_SLL:
	case LT_PFLOG: case LT_PRISM: case LT_RADIOTAP: case LT_PPI:
	case LT_MPLS: case LT_IPV4: case LT_IPV6: case LT_NFLOG:
	case LT_NETANALYZER: case LT_NETANALYZER_TRANSPARENT:
	case LT_LINUX_SLL2:
		return 1;
	}
	return 0;
}

/* ---- decoding one packet ---- */

static inline unsigned
be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline unsigned
le16(const uint8_t *p)
{
	return (unsigned)p[1] << 8 | p[0];
}

/* The innermost flow's addresses so far, as record observables. */
struct dec {
	struct rec	*r;
	int		 depth;
	int		 i_src, i_dst;	/* their observables, -1 none */
	int		 swap;		/* the packet goes server to client */
};

static void ether(struct dec *, const uint8_t *, size_t);
static void ether_payload(struct dec *, unsigned, const uint8_t *, size_t);
static void ip_any(struct dec *, const uint8_t *, size_t);

/* An address as text into the scratch, and an observable of it. */
static int
add_addr(struct dec *d, const uint8_t *a, int is_v6)
{
	char buf[INET6_ADDRSTRLEN], *o = buf;
	const char *s;
	size_t n;
	int i;

	if (is_v6) {
		if (inet_ntop(AF_INET6, a, buf, sizeof(buf)) == NULL)
			return -1;
		n = strlen(buf);
	} else {
		/* Dotted IPv4 without the printf machinery of inet_ntop. */
		for (i = 0; i < 4; i++) {
			unsigned v = a[i];

			if (v >= 100)
				*o++ = (char)('0' + v / 100);
			if (v >= 10)
				*o++ = (char)('0' + v / 10 % 10);
			*o++ = (char)('0' + v % 10);
			if (i < 3)
				*o++ = '.';
		}
		n = (size_t)(o - buf);
	}
	s = rec_scratch(d->r, buf, n);
	if (s == NULL || rec_add(d->r, OBS_IP, s, n, 0) == NULL)
		return -1;
	return (int)d->r->n_obs - 1;
}

/* A new IP layer: its addresses become the flow's ends. */
static void
ip_layer(struct dec *d, const uint8_t *src, const uint8_t *dst, int is_v6)
{
	d->i_src = add_addr(d, src, is_v6);
	d->i_dst = add_addr(d, dst, is_v6);
	d->swap = 0;
}

/* ---- application layer ---- */

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
add_name(struct rec *r, const char *name, size_t len)
{
	const char *s = len > 0 ? rec_scratch(r, name, len) : NULL;

	if (s != NULL)
		rec_add(r, OBS_DOMAIN, s, len, 0);
}

/*
 * The questions, then the records of all three sections (answers,
 * authority, additional: glue addresses count too): their A and AAAA
 * addresses and CNAME targets.
 */
static void
parse_dns(const uint8_t *m, size_t len, struct rec *r)
{
	char name[256], ip[INET6_ADDRSTRLEN];
	size_t off = 12, nlen, i;
	unsigned qd, rr;
	const char *s;

	if (len < 12)
		return;
	qd = be16(m + 4);
	rr = be16(m + 6) + be16(m + 8) + be16(m + 10);
	for (i = 0; i < qd && i < 4; i++) {
		if (dns_name(m, len, &off, name, &nlen) != 0 || off + 4 > len)
			return;
		off += 4;
		add_name(r, name, nlen);
	}
	for (i = 0; i < rr && i < MAX_RECORDS; i++) {
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

			if (dns_name(m, len, &o, name, &nlen) == 0)
				add_name(r, name, nlen);
		}
		off += rdlen;
	}
}

/* DNS over TCP: each message has a two-byte length before it. */
static void
parse_dns_tcp(const uint8_t *p, size_t len, struct rec *r)
{
	int n;

	for (n = 0; n < 4 && len >= 14; n++) {
		size_t mlen = be16(p);

		if (mlen < 12)
			return;
		/* A message cut by the segment: what is here is read. */
		parse_dns(p + 2, mlen < len - 2 ? mlen : len - 2, r);
		if (mlen + 2 >= len)
			return;
		p += mlen + 2;
		len -= mlen + 2;
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
		rec_add(r, OBS_HOST, t, (size_t)(te - t), 0);
		return;
	}
	if (memmem(t, (size_t)(te - t), "://", 3) != NULL)
		rec_add(r, OBS_URL, t, (size_t)(te - t), 0);
	if (h == NULL || he == h)
		return;
	rec_add(r, OBS_HOST, h, (size_t)(he - h), 0);
	if (*t == '/') {
		o = rec_add(r, OBS_URLPART, h, (size_t)(he - h), 0);
		if (o != NULL) {
			o->path.p = t;
			o->path.len = (size_t)(te - t);
			if (memchr(h, ':', (size_t)(he - h)) == NULL &&
			    dport != 80)
				o->port = dport;
		}
	}
}

/*
 * A TLS ClientHello handshake message (type, length, body), maybe cut
 * short: its server name.  copy: the bytes do not outlive the call.
 */
static void
client_hello(const uint8_t *p, size_t len, struct rec *r, int copy)
{
	size_t off, end, ext_end;
	const char *name;

	if (len < 38 || p[0] != 1)
		return;
	end = 4 + ((size_t)p[1] << 16 | (size_t)be16(p + 2));
	if (end > len)
		end = len;	/* cut by the snap length or the packet */
	off = 4 + 2 + 32;
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

			if (5 + nlen > elen)
				return;
			name = (const char *)p + off + 5;
			if (copy)
				name = rec_scratch(r, name, nlen);
			if (name != NULL)
				rec_add(r, OBS_DOMAIN, name, nlen, 0);
			return;
		}
		off += elen;
	}
}

/* A TLS handshake record that holds a ClientHello. */
static void
parse_tls(const uint8_t *p, size_t len, struct rec *r)
{
	size_t end;

	if (len < 9 || p[0] != 0x16 || p[1] != 3)
		return;
	end = 5 + be16(p + 3);
	client_hello(p + 5, (end < len ? end : len) - 5, r, 0);
}

/* QUIC: a client Initial's ClientHello, decrypted. */
static void
parse_quic(const uint8_t *p, size_t len, struct rec *r)
{
	uint8_t hello[4096];
	size_t n = quic_client_hello(p, len, hello, sizeof(hello));

	if (n > 0)
		client_hello(hello, n, r, 1);
}

/* ---- tunnels ---- */

/* VXLAN (RFC 7348): an I flag and reserved bits, then Ethernet. */
static int
vxlan(struct dec *d, const uint8_t *p, size_t len)
{
	if (len < 8 + 14 || (p[0] & 0x08) == 0 || p[7] != 0)
		return 0;
	ether(d, p + 8, len - 8);
	return 1;
}

/* Geneve (RFC 8926): options, then the protocol its header names. */
static int
geneve(struct dec *d, const uint8_t *p, size_t len)
{
	size_t hlen;

	if (len < 8 || (p[0] >> 6) != 0)
		return 0;
	hlen = 8 + (size_t)(p[0] & 0x3f) * 4;
	if (hlen > len)
		return 0;
	if (be16(p + 2) == 0x6558)
		ether(d, p + hlen, len - hlen);
	else
		ether_payload(d, be16(p + 2), p + hlen, len - hlen);
	return 1;
}

/* Teredo (RFC 4380): optional authentication and origin, then IPv6. */
static int
teredo(struct dec *d, const uint8_t *p, size_t len)
{
	if (len >= 4 && p[0] == 0 && p[1] == 1) {
		size_t alen = 4 + (size_t)p[2] + p[3] + 8 + 1;

		if (alen > len)
			return 0;
		p += alen;
		len -= alen;
	}
	if (len >= 8 && p[0] == 0 && p[1] == 0) {
		p += 8;
		len -= 8;
	}
	if (len < 40 || (p[0] >> 4) != 6 || 40 + be16(p + 4) < len)
		return 0;
	ip_any(d, p, len);
	return 1;
}

/* GTP-U (3GPP TS 29.281): a G-PDU carries the user's IP packet. */
static int
gtpu(struct dec *d, const uint8_t *p, size_t len)
{
	size_t off = 8;

	if (len < 8 || (p[0] >> 5) != 1 || (p[0] & 0x10) == 0 ||
	    p[1] != 0xff)
		return 0;
	if (p[0] & 0x07) {
		unsigned next;
		int n = 0;

		if (len < 12)
			return 0;
		next = p[11];
		off = 12;
		while (next != 0 && n++ < 8) {
			size_t elen;

			if (off >= len || p[off] == 0)
				return 0;
			elen = (size_t)p[off] * 4;
			if (off + elen > len)
				return 0;
			next = p[off + elen - 1];
			off += elen;
		}
	}
	if (off < len)
		ip_any(d, p + off, len - off);
	return 1;
}

/* PPP: an optional ff 03, a one- or two-byte protocol. */
static void
ppp(struct dec *d, const uint8_t *p, size_t len)
{
	unsigned proto;

	if (len >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		len -= 2;
	}
	if (len < 1)
		return;
	if (p[0] & 1) {
		proto = p[0];
		p++;
		len--;
	} else {
		if (len < 2)
			return;
		proto = be16(p);
		p += 2;
		len -= 2;
	}
	if (proto == 0x21)
		ether_payload(d, 0x0800, p, len);
	else if (proto == 0x57)
		ether_payload(d, 0x86dd, p, len);
	else if (proto == 0x281)
		ether_payload(d, 0x8847, p, len);
}

/* L2TP version 2 data messages (RFC 2661): PPP frames. */
static int
l2tp(struct dec *d, const uint8_t *p, size_t len)
{
	size_t off = 6;

	if (len < 6 || (p[1] & 0x0f) != 2)
		return 0;
	if (p[0] & 0x80)
		return 1;	/* a control message */
	if (p[0] & 0x40)
		off += 2;	/* length */
	if (p[0] & 0x08)
		off += 4;	/* Ns, Nr */
	if (p[0] & 0x02) {
		if (off + 2 > len)
			return 0;
		off += 2 + be16(p + off);
	}
	if (off < len)
		ppp(d, p + off, len - off);
	return 1;
}

/* GRE (RFC 2784, 2890; PPTP's version 1), ERSPAN types I to III. */
static void
gre(struct dec *d, const uint8_t *p, size_t len)
{
	unsigned flags, proto;
	size_t off = 4;

	if (len < 4)
		return;
	flags = be16(p);
	proto = be16(p + 2);
	if (flags & 0x8000)
		off += 4;	/* checksum */
	if (flags & 0x2000)
		off += 4;	/* key */
	if (flags & 0x1000)
		off += 4;	/* sequence */
	if ((flags & 7) == 1 && (flags & 0x0080))
		off += 4;	/* PPTP acknowledgment */
	if (off > len)
		return;
	p += off;
	len -= off;
	switch (proto) {
	case 0x6558:
		ether(d, p, len);
		break;
	case 0x88be:
		/* Type II has a sequence number and a header; type I none. */
		if (flags & 0x1000) {
			if (len < 8)
				return;
			p += 8;
			len -= 8;
		}
		ether(d, p, len);
		break;
	case 0x22eb:
		if (len < 12)
			return;
		off = 12 + ((p[11] & 1) ? 8 : 0);
		if (off <= len)
			ether(d, p + off, len - off);
		break;
	case 0x880b:
		ppp(d, p, len);
		break;
	default:
		ether_payload(d, proto, p, len);
		break;
	}
}

/* ---- transport ---- */

static void
udp(struct dec *d, const uint8_t *p, size_t len)
{
	unsigned sport, dport;

	if (len < 8)
		return;
	sport = be16(p);
	dport = be16(p + 2);
	if (be16(p + 4) >= 8 && be16(p + 4) < len)
		len = be16(p + 4);	/* trailing padding */
	p += 8;
	len -= 8;
	d->swap = sport < 1024 && dport >= 1024;
	/* DNS, multicast DNS and LLMNR share the message format. */
	if (sport == 53 || dport == 53 || sport == 5353 || dport == 5353 ||
	    sport == 5355 || dport == 5355) {
		parse_dns(p, len, d->r);
		return;
	}
	/* A client's Initial is padded to 1200 bytes at least (RFC 9000). */
	if (len >= 1200 && (p[0] & 0xc0) == 0xc0) {
		parse_quic(p, len, d->r);
		return;
	}
	if (d->depth >= MAX_DEPTH)
		return;
	d->depth++;
	if (dport == 4789 || dport == 8472)
		(void)vxlan(d, p, len);
	else if (dport == 6081)
		(void)geneve(d, p, len);
	else if (sport == 3544 || dport == 3544)
		(void)teredo(d, p, len);
	else if (sport == 2152 || dport == 2152)
		(void)gtpu(d, p, len);
	else if (sport == 1701 || dport == 1701)
		(void)l2tp(d, p, len);
}

static void
tcp(struct dec *d, const uint8_t *p, size_t len)
{
	size_t doff;
	unsigned sport, dport, flags;

	if (len < 20)
		return;
	sport = be16(p);
	dport = be16(p + 2);
	flags = p[13];
	doff = (size_t)(p[12] >> 4) * 4;
	/* A SYN tells the client; otherwise the lower port is the server. */
	if ((flags & 0x12) == 0x02)
		d->swap = 0;
	else if ((flags & 0x12) == 0x12)
		d->swap = 1;
	else
		d->swap = sport < dport && sport < 1024;
	if (doff < 20 || doff >= len)
		return;
	p += doff;
	len -= doff;
	if (sport == 53 || dport == 53)
		parse_dns_tcp(p, len, d->r);
	else if (p[0] == 0x16)
		parse_tls(p, len, d->r);
	else
		parse_http(p, len, dport, d->r);
}

/*
 * An ICMP error quotes the packet it is about: what that packet names
 * counts too, but the flow's ends stay those of the ICMP packet.
 */
static void
icmp_quote(struct dec *d, const uint8_t *p, size_t len)
{
	struct dec q = *d;

	if (len <= 8 || d->depth >= MAX_DEPTH)
		return;
	q.depth++;
	ip_any(&q, p + 8, len - 8);
}

static void
transport(struct dec *d, unsigned proto, const uint8_t *p, size_t len)
{
	switch (proto) {
	case 6:
		tcp(d, p, len);
		break;
	case 17:
		udp(d, p, len);
		break;
	case 1:
		if (len >= 1 && (p[0] == 3 || p[0] == 4 || p[0] == 5 ||
		    p[0] == 11 || p[0] == 12))
			icmp_quote(d, p, len);
		break;
	case 58:
		if (len >= 1 && p[0] >= 1 && p[0] <= 4)
			icmp_quote(d, p, len);
		break;
	case 4:
	case 41:
		if (d->depth++ < MAX_DEPTH)
			ip_any(d, p, len);
		break;
	case 47:
		if (d->depth++ < MAX_DEPTH)
			gre(d, p, len);
		break;
	}
}

/* ---- network ---- */

static void
ipv4(struct dec *d, const uint8_t *ip, size_t len)
{
	size_t ihl, tot;

	if (len < 20 || (ip[0] >> 4) != 4)
		return;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = be16(ip + 2);
	if (ihl < 20 || ihl > len)
		return;
	if (tot >= ihl && tot < len)
		len = tot;
	ip_layer(d, ip + 12, ip + 16, 0);
	/* Only the first fragment has the transport header. */
	if ((be16(ip + 6) & 0x1fff) == 0)
		transport(d, ip[9], ip + ihl, len - ihl);
}

static void
ipv6(struct dec *d, const uint8_t *ip, size_t len)
{
	const uint8_t *p;
	unsigned proto, hops;

	if (len < 40 || (ip[0] >> 4) != 6)
		return;
	if (40 + (size_t)be16(ip + 4) < len)
		len = 40 + (size_t)be16(ip + 4);
	ip_layer(d, ip + 8, ip + 24, 1);
	proto = ip[6];
	p = ip + 40;
	len -= 40;
	for (hops = 0; hops < 8 && (proto == 0 || proto == 43 ||
	    proto == 60 || proto == 44); hops++) {
		size_t hlen;

		if (len < 8)
			return;
		hlen = proto == 44 ? 8 : ((size_t)p[1] + 1) * 8;
		if (proto == 44 && (be16(p + 2) & 0xfff8) != 0)
			return;	/* a later fragment */
		proto = p[0];
		if (hlen > len)
			return;
		p += hlen;
		len -= hlen;
	}
	transport(d, proto, p, len);
}

/* IPv4 or IPv6, by the version in the first nibble. */
static void
ip_any(struct dec *d, const uint8_t *p, size_t len)
{
	if (len >= 20 && (p[0] >> 4) == 4)
		ipv4(d, p, len);
	else if (len >= 40 && (p[0] >> 4) == 6)
		ipv6(d, p, len);
}

/* ---- link ---- */

/* MPLS: the label stack, then IP, or an Ethernet pseudowire. */
static void
mpls(struct dec *d, const uint8_t *p, size_t len)
{
	int n;

	for (n = 0; n < 16; n++) {
		if (len < 4)
			return;
		p += 4;
		len -= 4;
		if (p[-2] & 1)
			break;		/* bottom of the stack */
	}
	if (len < 1)
		return;
	if ((p[0] >> 4) == 4 || (p[0] >> 4) == 6)
		ip_any(d, p, len);
	else if ((p[0] >> 4) == 0 && len > 4)
		ether(d, p + 4, len - 4);	/* after the control word */
}

/* 802.2 LLC with SNAP: the EtherType after the header. */
static void
llc(struct dec *d, const uint8_t *p, size_t len)
{
	if (len >= 8 && p[0] == 0xaa && p[1] == 0xaa && p[2] == 0x03)
		ether_payload(d, be16(p + 6), p + 8, len - 8);
}

/* What an EtherType (or a tunnel's protocol field of that space) holds. */
static void
ether_payload(struct dec *d, unsigned type, const uint8_t *p, size_t len)
{
	int n;

	/* VLAN tags, stacked (802.1Q, 802.1ad QinQ, older 0x9100). */
	for (n = 0; n < 8 && (type == 0x8100 || type == 0x88a8 ||
	    type == 0x9100 || type == 0x9200); n++) {
		if (len < 4)
			return;
		type = be16(p + 2);
		p += 4;
		len -= 4;
	}
	if (d->depth >= MAX_DEPTH)
		return;
	switch (type) {
	case 0x0800:
	case 0x86dd:
		ip_any(d, p, len);
		break;
	case 0x8847:
	case 0x8848:
		d->depth++;
		mpls(d, p, len);
		break;
	case 0x8864:		/* PPPoE session: 6 bytes, then PPP */
		if (len > 6) {
			d->depth++;
			ppp(d, p + 6, len - 6);
		}
		break;
	case 0x88e7:		/* 802.1ah: an I-tag, then a whole frame */
		if (len > 4) {
			d->depth++;
			ether(d, p + 4, len - 4);
		}
		break;
	default:
		if (type <= 1500)
			llc(d, p, len);	/* an 802.3 length */
		break;
	}
}

static void
ether(struct dec *d, const uint8_t *p, size_t len)
{
	if (len < 14)
		return;
	ether_payload(d, be16(p + 12), p + 14, len - 14);
}

/* 802.11 data frames: their LLC/SNAP payload; protected ones are opaque. */
static void
wifi(struct dec *d, const uint8_t *p, size_t len)
{
	size_t hlen = 24;

	if (len < 24 || ((p[0] >> 2) & 3) != 2 || (p[1] & 0x40))
		return;
	if ((p[1] & 3) == 3)
		hlen += 6;		/* four addresses */
	if (p[0] & 0x80) {
		hlen += 2;		/* QoS */
		if (p[1] & 0x80)
			hlen += 4;	/* HT control */
	}
	if ((p[0] & 0x40) == 0 && hlen < len)	/* not a "no data" subtype */
		llc(d, p + hlen, len - hlen);
}

/* NFLOG: TLVs in the capturing host's byte order; 9 is the payload. */
static void
nflog(struct dec *d, const uint8_t *p, size_t len)
{
	size_t off = 4;

	while (off + 4 <= len) {
		size_t tlen = le16(p + off), type = le16(p + off + 2);

		if (tlen < 4 || off + tlen > len) {
			/* Written big-endian? */
			tlen = be16(p + off);
			type = be16(p + off + 2);
			if (tlen < 4 || off + tlen > len)
				return;
		}
		if (type == 9) {
			ip_any(d, p + off + 4, tlen - 4);
			return;
		}
		off += (tlen + 3) & ~(size_t)3;
	}
}

static void
link_layer(struct dec *d, int lt, const uint8_t *p, size_t len)
{
	size_t hlen;

	switch (lt) {
	case LT_ETHERNET:
		ether(d, p, len);
		break;
	case LT_NULL:
	case LT_LOOP:
		if (len > 4)
			ip_any(d, p + 4, len - 4);
		break;
	case LT_ENC:
		if (len > 12)
			ip_any(d, p + 12, len - 12);
		break;
	case LT_RAW:
	case LT_RAW_BSD:
	case LT_RAW_BSD2:
	case LT_IPV4:
	case LT_IPV6:
		ip_any(d, p, len);
		break;
	case LT_LINUX_SLL:
		if (len >= 16)
			ether_payload(d, be16(p + 14), p + 16, len - 16);
		break;
	case LT_LINUX_SLL2:
		if (len >= 20)
			ether_payload(d, be16(p), p + 20, len - 20);
		break;
	case LT_NFLOG:
		nflog(d, p, len);
		break;
	case LT_PPP:
	case LT_PPP_HDLC:
		ppp(d, p, len);
		break;
	case LT_PPP_ETHER:
		if (len > 6)
			ppp(d, p + 6, len - 6);
		break;
	case LT_C_HDLC:
		if (len >= 4)
			ether_payload(d, be16(p + 2), p + 4, len - 4);
		break;
	case LT_FDDI:
		if (len > 13)
			llc(d, p + 13, len - 13);
		break;
	case LT_ATM_RFC1483:
		llc(d, p, len);
		break;
	case LT_MPLS:
		mpls(d, p, len);
		break;
	case LT_PFLOG:
		/* The header's length is its first byte, word-aligned. */
		hlen = len >= 1 ? ((size_t)p[0] + 3) & ~(size_t)3 : 0;
		if (hlen >= 4 && hlen < len)
			ip_any(d, p + hlen, len - hlen);
		break;
	case LT_IEEE802_11:
		wifi(d, p, len);
		break;
	case LT_PRISM:
		if (len > 144)
			wifi(d, p + 144, len - 144);
		break;
	case LT_RADIOTAP:
		hlen = len >= 4 ? le16(p + 2) : 0;
		if (hlen >= 8 && hlen < len)
			wifi(d, p + hlen, len - hlen);
		break;
	case LT_PPI:
		hlen = len >= 8 ? le16(p + 2) : 0;
		if (hlen >= 8 && hlen < len && d->depth++ < MAX_DEPTH)
			link_layer(d, (int)(p[4] | p[5] << 8 | p[6] << 16 |
			    (unsigned)p[7] << 24), p + hlen, len - hlen);
		break;
	case LT_NETANALYZER:
		if (len > 4)
			ether(d, p + 4, len - 4);
		break;
	case LT_NETANALYZER_TRANSPARENT:
		if (len > 12)
			ether(d, p + 12, len - 12);
		break;
	}
}

void
packet_decode(struct rec *r, int lt, const uint8_t *p, size_t len)
{
	struct dec d;
	int a, b;

	memset(&d, 0, sizeof(d));
	d.r = r;
	d.i_src = d.i_dst = -1;
	link_layer(&d, lt, p, len);
	a = d.swap ? d.i_dst : d.i_src;
	b = d.swap ? d.i_src : d.i_dst;
	if (a < 0 || b < 0)
		return;
	r->obs[a].flags = OBS_F_SRC;
	r->obs[b].flags = OBS_F_DST;
	r->src = r->obs[a].v;
	r->dst = r->obs[b].v;
}

