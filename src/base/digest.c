/*
 * digest.c: SHA-1 (FIPS 180-4) for version 5 UUIDs, MD5 (RFC 1321) for
 * MISP feed hashes, and base64 (RFC 4648).  Nothing here is used where
 * collisions would matter.  SHA-1 comes from libcrypto when it can be
 * loaded (src/base/crypto.c), as SHA-256 does, else from the C below;
 * MD5 and base64 are plain, allocation-free code over the caller's bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "base/crypto.h"
#include "base/digest.h"
#include "base/mem.h"

static const char hex[] = "0123456789abcdef";

/* ---- SHA-1 ---- */

struct sha1 {
	uint32_t	h[5];
	uint64_t	len;
	unsigned char	block[64];
	size_t		used;
};

static uint32_t
rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void
sha1_block(struct sha1 *s, const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	s->h[0] += a, s->h[1] += b, s->h[2] += c, s->h[3] += d, s->h[4] += e;
}

static void
sha1_add(struct sha1 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	while (len > 0) {
		size_t n = 64 - s->used < len ? 64 - s->used : len;

		memcpy(s->block + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used == 64) {
			sha1_block(s, s->block);
			s->used = 0;
		}
	}
}

/* SHA-1(ns || name) into d, by the C code. */
static void
sha1_builtin(unsigned char d[20], const unsigned char ns[16],
    const char *name, size_t name_len)
{
	static const uint32_t h0[5] = { 0x67452301, 0xefcdab89, 0x98badcfe,
	    0x10325476, 0xc3d2e1f0 };
	unsigned char pad = 0x80, len_be[8];
	uint64_t bits;
	struct sha1 s;
	int i;

	memcpy(s.h, h0, sizeof(h0));
	s.len = 0;
	s.used = 0;
	sha1_add(&s, ns, 16);
	sha1_add(&s, name, name_len);
	bits = s.len * 8;
	/* The padding: 0x80, zeros to 56 bytes of a block, the length. */
	s.block[s.used++] = pad;
	if (s.used > 56) {
		memset(s.block + s.used, 0, 64 - s.used);
		sha1_block(&s, s.block);
		s.used = 0;
	}
	memset(s.block + s.used, 0, 56 - s.used);
	for (i = 0; i < 8; i++)
		len_be[i] = (unsigned char)(bits >> (56 - 8 * i));
	memcpy(s.block + 56, len_be, 8);
	sha1_block(&s, s.block);
	for (i = 0; i < 20; i++)
		d[i] = (unsigned char)(s.h[i / 4] >> (24 - 8 * (i % 4)));
}

void
digest_uuid5_with(char out[37], const unsigned char ns[16],
    const char *name, size_t name_len, int use_libcrypto)
{
	void *ctx = use_libcrypto ? crypto_md_new(CRYPTO_SHA1) : NULL;
	unsigned char d[20];
	int i;

	if (ctx != NULL) {
		crypto_md_update(ctx, ns, 16);
		crypto_md_update(ctx, name, name_len);
		crypto_md_final(ctx, d);
	} else
		sha1_builtin(d, ns, name, name_len);
	d[6] = (d[6] & 0x0f) | 0x50;	/* version 5 */
	d[8] = (d[8] & 0x3f) | 0x80;	/* the RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		*out++ = hex[d[i] >> 4];
		*out++ = hex[d[i] & 15];
		if (i == 3 || i == 5 || i == 7 || i == 9)
			*out++ = '-';
	}
	*out = '\0';
}

void
digest_uuid5(char out[37], const unsigned char ns[16], const char *name,
    size_t name_len)
{
	digest_uuid5_with(out, ns, name, name_len, 1);
}

/* ---- MD5 ---- */

static const uint32_t md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
	0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
	0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
	0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
	0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
	0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
	0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
	0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
	0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};
static const unsigned char md5_r[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
};

static void
md5_block(uint32_t h[4], const unsigned char *p)
{
	uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3], f, t;
	int i, g;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		if (i < 16) {
			f = (b & c) | (~b & d);
			g = i;
		} else if (i < 32) {
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
		} else if (i < 48) {
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
		} else {
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
		}
		t = d;
		d = c;
		c = b;
		b = b + rol(a + f + md5_k[i] + w[g], md5_r[i]);
		a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
}

void
digest_md5_hex(char out[33], const void *data, size_t len)
{
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	const unsigned char *p = data;
	unsigned char tail[128];
	uint64_t bits = (uint64_t)len * 8;
	size_t n_tail, i;

	for (; len >= 64; p += 64, len -= 64)
		md5_block(h, p);
	memset(tail, 0, sizeof(tail));
	if (len > 0)
		memcpy(tail, p, len);
	tail[len] = 0x80;
	n_tail = len + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[n_tail - 8 + i] = (unsigned char)(bits >> (8 * i));
	for (i = 0; i < n_tail; i += 64)
		md5_block(h, tail + i);
	for (i = 0; i < 16; i++) {
		unsigned byte = (h[i / 4] >> (8 * (i % 4))) & 0xffu;

		out[2 * i] = hex[byte >> 4];
		out[2 * i + 1] = hex[byte & 15];
	}
	out[32] = '\0';
}

/* ---- base64 ---- */

void
digest_base64(struct chousa_buf *b, const void *data, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	char quad[4];
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];

		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = alphabet[(v >> 6) & 63];
		quad[3] = alphabet[v & 63];
		chousa_buf_add(b, quad, 4);
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		quad[0] = alphabet[v >> 18];
		quad[1] = alphabet[(v >> 12) & 63];
		quad[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		quad[3] = '=';
		chousa_buf_add(b, quad, 4);
	}
}
