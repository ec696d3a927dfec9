/*
 * quic.c: the TLS ClientHello inside a QUIC client Initial packet (RFC
 * 9000, 9001; version 2, RFC 9369).  Initial packets are encrypted with
 * keys anyone can derive from the packet's own destination connection ID,
 * so reading the server name costs an HKDF, one AES block and one AES-GCM
 * decryption per Initial, done with libcrypto loaded on first use (without
 * it, QUIC is not read).  Only what one packet carries is read: a
 * ClientHello split over two Initials gives what the first one holds.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "chousa.h"
#include "base/dynlib.h"
#include "sweep/logfmt/quic.h"

#ifndef CHOUSA_SONAME_CRYPTO
#define CHOUSA_SONAME_CRYPTO "libcrypto.so.3"
#endif

#define QUIC_MAX_PAYLOAD	4096
#define QUIC_MAX_HEADER		512
#define QUIC_MAX_FRAMES		64

#define CRYPTO_FUNCS(X) \
	X(const EVP_MD *, EVP_sha256, (void)) \
	X(unsigned char *, HMAC, (const EVP_MD *md, const void *key, \
	    int key_len, const unsigned char *data, size_t data_len, \
	    unsigned char *out, unsigned int *out_len)) \
	X(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void)) \
	X(void, EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX *ctx)) \
	X(int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX *ctx, int type, int arg, \
	    void *ptr)) \
	X(const EVP_CIPHER *, EVP_aes_128_ecb, (void)) \
	X(const EVP_CIPHER *, EVP_aes_128_gcm, (void)) \
	X(int, EVP_EncryptInit_ex, (EVP_CIPHER_CTX *ctx, \
	    const EVP_CIPHER *cipher, ENGINE *engine, \
	    const unsigned char *key, const unsigned char *iv)) \
	X(int, EVP_EncryptUpdate, (EVP_CIPHER_CTX *ctx, unsigned char *out, \
	    int *out_len, const unsigned char *in, int in_len)) \
	X(int, EVP_DecryptInit_ex, (EVP_CIPHER_CTX *ctx, \
	    const EVP_CIPHER *cipher, ENGINE *engine, \
	    const unsigned char *key, const unsigned char *iv)) \
	X(int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *ctx, unsigned char *out, \
	    int *out_len, const unsigned char *in, int in_len)) \
	X(int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX *ctx, unsigned char *out, \
	    int *out_len))

#define QUIC_ENUM(ret, name, params)	SYM_##name,
#define QUIC_NAME(ret, name, params)	#name,
enum { CRYPTO_FUNCS(QUIC_ENUM) N_CRYPTO_SYMS };
static const char *const crypto_names[] = { CRYPTO_FUNCS(QUIC_NAME) };
static dynlib_fn crypto_syms[N_CRYPTO_SYMS];
static struct dynlib crypto_lib = {
	CHOUSA_SONAME_CRYPTO, crypto_names, crypto_syms, N_CRYPTO_SYMS, 0, ""
};
/* C(name) is libcrypto's function; only once crypto_lib has loaded. */
#define C(ret, name, params)	DYNLIB_CALL(crypto_lib, ret, name, params)

struct version {
	uint32_t	 number;
	unsigned	 initial;	/* the Initial's long-header type */
	uint8_t		 salt[20];
	const char	*key, *iv, *hp;	/* HKDF labels */
};

static const struct version versions[] = {
	{ 0x00000001, 0, { 0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3,
	    0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f,
	    0x0a }, "quic key", "quic iv", "quic hp" },
	{ 0x6b3343cf, 1, { 0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb,
	    0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e,
	    0xd9 }, "quicv2 key", "quicv2 iv", "quicv2 hp" },
};

/* A QUIC variable-length integer at *off; -1 when it does not fit. */
static int
varint(const uint8_t *p, size_t len, size_t *off, uint64_t *out)
{
	size_t n, i;

	if (*off >= len)
		return -1;
	n = (size_t)1 << (p[*off] >> 6);
	if (len - *off < n)
		return -1;
	*out = p[*off] & 0x3f;
	for (i = 1; i < n; i++)
		*out = *out << 8 | p[*off + i];
	*off += n;
	return 0;
}

/* HKDF-Expand-Label (RFC 8446) of at most 32 bytes: one HMAC block. */
static int
expand_label(const uint8_t secret[32], const char *label, uint8_t *out,
    size_t out_len)
{
	uint8_t info[64], block[32];
	size_t llen = strlen(label), n = 0;
	unsigned int blen = 0;

	info[n++] = 0;
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + llen);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;		/* no context */
	info[n++] = 1;		/* the first block */
	if (C(unsigned char *, HMAC, (const EVP_MD *, const void *, int,
	    const unsigned char *, size_t, unsigned char *,
	    unsigned int *))(C(const EVP_MD *, EVP_sha256, (void))(), secret,
	    32, info, n, block, &blen) == NULL || blen != 32)
		return -1;
	memcpy(out, block, out_len);
	return 0;
}

/* The client's Initial key, IV and header-protection key. */
static int
initial_keys(const struct version *v, const uint8_t *dcid, size_t dcid_len,
    uint8_t key[16], uint8_t iv[12], uint8_t hp[16])
{
	uint8_t initial[32], client[32];
	unsigned int n = 0;

	if (C(unsigned char *, HMAC, (const EVP_MD *, const void *, int,
	    const unsigned char *, size_t, unsigned char *,
	    unsigned int *))(C(const EVP_MD *, EVP_sha256, (void))(), v->salt,
	    20, dcid, dcid_len, initial, &n) == NULL || n != 32)
		return -1;
	if (expand_label(initial, "client in", client, 32) != 0 ||
	    expand_label(client, v->key, key, 16) != 0 ||
	    expand_label(client, v->iv, iv, 12) != 0 ||
	    expand_label(client, v->hp, hp, 16) != 0)
		return -1;
	return 0;
}

/* AES-128 of one block (header protection's mask), or GCM decryption. */
static int
aes(const uint8_t key[16], const uint8_t *iv, const uint8_t *aad,
    size_t aad_len, const uint8_t *in, size_t in_len, const uint8_t *tag,
    uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = C(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new,
	    (void))();
	int n = 0, ok;

	if (ctx == NULL)
		return -1;
	if (iv == NULL)
		ok = C(int, EVP_EncryptInit_ex, (EVP_CIPHER_CTX *,
		    const EVP_CIPHER *, ENGINE *, const unsigned char *,
		    const unsigned char *))(ctx, C(const EVP_CIPHER *,
		    EVP_aes_128_ecb, (void))(), NULL, key, NULL) == 1 &&
		    C(int, EVP_EncryptUpdate, (EVP_CIPHER_CTX *,
		    unsigned char *, int *, const unsigned char *, int))(ctx,
		    out, &n, in, 16) == 1 && n == 16;
	else
		ok = C(int, EVP_DecryptInit_ex, (EVP_CIPHER_CTX *,
		    const EVP_CIPHER *, ENGINE *, const unsigned char *,
		    const unsigned char *))(ctx, C(const EVP_CIPHER *,
		    EVP_aes_128_gcm, (void))(), NULL, key, iv) == 1 &&
		    C(int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *,
		    unsigned char *, int *, const unsigned char *, int))(ctx,
		    NULL, &n, aad, (int)aad_len) == 1 &&
		    C(int, EVP_DecryptUpdate, (EVP_CIPHER_CTX *,
		    unsigned char *, int *, const unsigned char *, int))(ctx,
		    out, &n, in, (int)in_len) == 1 &&
		    C(int, EVP_CIPHER_CTX_ctrl, (EVP_CIPHER_CTX *, int, int,
		    void *))(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1 &&
		    C(int, EVP_DecryptFinal_ex, (EVP_CIPHER_CTX *,
		    unsigned char *, int *))(ctx, out + n, &n) == 1;
	C(void, EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX *))(ctx);
	return ok ? 0 : -1;
}

/*
 * The CRYPTO frames of a decrypted payload, put at their offsets in out;
 * the length of what is there from offset 0 on.
 */
static size_t
crypto_frames(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	uint64_t ranges[QUIC_MAX_FRAMES][2], type, a, b, n, i;
	size_t off = 0, n_ranges = 0, have = 0, k;
	int grew;

	while (off < len && n_ranges < QUIC_MAX_FRAMES) {
		if (varint(p, len, &off, &type) != 0)
			break;
		if (type == 0x00 || type == 0x01)
			continue;	/* PADDING, PING */
		if (type == 0x02 || type == 0x03) {	/* ACK */
			if (varint(p, len, &off, &a) != 0 ||
			    varint(p, len, &off, &a) != 0 ||
			    varint(p, len, &off, &n) != 0 ||
			    varint(p, len, &off, &a) != 0 || n > 256)
				break;
			for (i = 0; i < 2 * n + (type == 0x03 ? 3 : 0); i++)
				if (varint(p, len, &off, &a) != 0)
					return have;
			continue;
		}
		if (type != 0x06 || varint(p, len, &off, &a) != 0 ||
		    varint(p, len, &off, &b) != 0 || b > len - off)
			break;		/* not CRYPTO: nothing more to read */
		if (a < cap && b <= cap - a) {
			memcpy(out + a, p + off, b);
			ranges[n_ranges][0] = a;
			ranges[n_ranges++][1] = a + b;
		}
		off += b;
	}
	/* Chrome sends the ClientHello's pieces out of order. */
	do {
		grew = 0;
		for (k = 0; k < n_ranges; k++)
			if (ranges[k][0] <= have && ranges[k][1] > have) {
				have = ranges[k][1];
				grew = 1;
			}
	} while (grew);
	return have;
}

size_t
quic_client_hello(const uint8_t *p, size_t len, uint8_t *out, size_t cap)
{
	const struct version *v = NULL;
	uint8_t key[16], iv[12], hp[16], mask[16], hdr[QUIC_MAX_HEADER];
	uint8_t plain[QUIC_MAX_PAYLOAD];
	uint64_t token, length, pn = 0;
	size_t off, pn_off, pn_len, i, dcid_off, dcid_len, clen;
	uint32_t number;

	if (len < 7 || (p[0] & 0xc0) != 0xc0)
		return 0;
	number = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 8 | p[4];
	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (versions[i].number == number &&
		    ((p[0] >> 4) & 3) == versions[i].initial)
			v = &versions[i];
	if (v == NULL)
		return 0;
	dcid_len = p[5];
	dcid_off = 6;
	off = dcid_off + dcid_len;
	if (dcid_len > 20 || off >= len || p[off] > 20)
		return 0;
	off += 1 + p[off];	/* the source connection ID */
	if (varint(p, len, &off, &token) != 0 || token > len - off)
		return 0;
	off += token;
	if (varint(p, len, &off, &length) != 0 || length > len - off ||
	    length < 4 + 16 + 16)
		return 0;
	pn_off = off;
	if (pn_off + 4 > sizeof(hdr) || dynlib_load(&crypto_lib) != 0 ||
	    initial_keys(v, p + dcid_off, dcid_len, key, iv, hp) != 0 ||
	    aes(hp, NULL, NULL, 0, p + pn_off + 4, 16, NULL, mask) != 0)
		return 0;
	/* Header protection off: the packet number's length and value. */
	memcpy(hdr, p, pn_off + 4);
	hdr[0] ^= mask[0] & 0x0f;
	pn_len = (size_t)(hdr[0] & 3) + 1;
	for (i = 0; i < pn_len; i++) {
		hdr[pn_off + i] ^= mask[1 + i];
		pn = pn << 8 | hdr[pn_off + i];
	}
	for (i = 0; i < 8; i++)
		iv[11 - i] ^= (uint8_t)(pn >> (8 * i));
	clen = (size_t)length - pn_len - 16;
	if (clen > sizeof(plain) || aes(key, iv, hdr, pn_off + pn_len,
	    p + pn_off + pn_len, clen, p + pn_off + pn_len + clen, plain) != 0)
		return 0;
	return crypto_frames(plain, clen, out, cap);
}
