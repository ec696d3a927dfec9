/*
 * sha256.h: SHA-256 of a stream, through libcrypto when it can be loaded
 * (src/base/dynlib.h), else the built-in code.  Import hashes every file
 * it reads with it, so a feed file imported twice is recognised.
 */
#ifndef CHOUSA_SHA256_H
#define CHOUSA_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct store_sha256 {
	void		*evp;		/* libcrypto's context, or NULL */
	uint32_t	h[8];
	uint64_t	n;
	uint8_t		buf[64];
	size_t		buf_len;
};
void	store_sha256_init(struct store_sha256 *c);
/* use_libcrypto 0: the built-in code only (tests compare the two). */
void	store_sha256_init_with(struct store_sha256 *c, int use_libcrypto);
/* Frees what init took, unless store_sha256_hex() already did. */
void	store_sha256_free(struct store_sha256 *c);
void	store_sha256_update(struct store_sha256 *c, const void *p, size_t len);
void	store_sha256_hex(struct store_sha256 *c, char out[65]);

#endif /* CHOUSA_SHA256_H */
