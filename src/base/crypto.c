/*
 * crypto.c: SHA-1 and SHA-256 through libcrypto's EVP interface, loaded on
 * first use (see crypto.h).
 */
#include <openssl/evp.h>

#include "base/crypto.h"
#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_CRYPTO
#define CHOUSA_SONAME_CRYPTO "libcrypto.so.3"
#endif

#define CRYPTO_FUNCS(X) \
	X(EVP_MD_CTX *, EVP_MD_CTX_new, (void), (), NULL) \
	X(const EVP_MD *, EVP_sha1, (void), (), NULL) \
	X(const EVP_MD *, EVP_sha256, (void), (), NULL) \
	X(int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *md, \
	    ENGINE *engine), (ctx, md, engine), 0) \
	X(int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *p, \
	    size_t len), (ctx, p, len), 0) \
	X(int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, \
	    unsigned int *len), (ctx, md, len), 0)

enum {
	CRYPTO_FUNCS(DYNLIB_ENUM) SYM_EVP_MD_CTX_free, N_CRYPTO_SYMS
};
static const char *const crypto_names[] = {
	CRYPTO_FUNCS(DYNLIB_NAME) "EVP_MD_CTX_free"
};
static dynlib_fn crypto_syms[N_CRYPTO_SYMS];
static struct dynlib crypto_lib = {
	CHOUSA_SONAME_CRYPTO, crypto_names, crypto_syms, N_CRYPTO_SYMS, 0, ""
};
/* evp_...(): each called only once crypto_lib has loaded. */
#define CRYPTO_WRAP(ret, name, params, args, fail) \
	static ret evp_##name params \
	{ \
		return DYNLIB_CALL(crypto_lib, ret, name, params) args; \
	}
CRYPTO_FUNCS(CRYPTO_WRAP)

void
crypto_md_free(void *ctx)
{
	if (ctx != NULL)
		DYNLIB_CALL(crypto_lib, void, EVP_MD_CTX_free,
		    (EVP_MD_CTX *))(ctx);
}

void *
crypto_md_new(enum crypto_alg alg)
{
	EVP_MD_CTX *ctx;

	if (dynlib_load(&crypto_lib) != 0)
		return NULL;
	ctx = evp_EVP_MD_CTX_new();
	if (ctx != NULL && evp_EVP_DigestInit_ex(ctx, alg == CRYPTO_SHA1 ?
	    evp_EVP_sha1() : evp_EVP_sha256(), NULL) == 1)
		return ctx;
	crypto_md_free(ctx);
	return NULL;
}

void
crypto_md_update(void *ctx, const void *p, size_t len)
{
	/* A failure here cannot happen with an initialised context. */
	evp_EVP_DigestUpdate(ctx, p, len);
}

void
crypto_md_final(void *ctx, unsigned char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	evp_EVP_DigestFinal_ex(ctx, md, &len);
	for (i = 0; i < len; i++)
		out[i] = md[i];
	crypto_md_free(ctx);
}
