/*
 * crypto.h: libcrypto's message digests, loaded on first use
 * (src/base/dynlib.h).  libcrypto is faster than C where the CPU has SHA
 * instructions, and is there wherever libcurl is; sha256.c and digest.c
 * fall back to their own code when it is not.
 */
#ifndef CHOUSA_CRYPTO_H
#define CHOUSA_CRYPTO_H

#include <stddef.h>

enum crypto_alg { CRYPTO_SHA1, CRYPTO_SHA256 };

/*
 * A digest context, or NULL when libcrypto cannot be loaded or is out of
 * memory (then use the built-in code).  crypto_final() writes the digest
 * (20 or 32 bytes) and frees the context; crypto_free() frees it unused.
 */
void	*crypto_md_new(enum crypto_alg alg);
void	 crypto_md_update(void *ctx, const void *p, size_t len);
void	 crypto_md_final(void *ctx, unsigned char *out);
void	 crypto_md_free(void *ctx);

#endif /* CHOUSA_CRYPTO_H */
