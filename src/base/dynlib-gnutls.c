/*
 * GnuTLS, loaded on first use (see dynlib.h): the functions the team
 * server's certificates (src/serve/tls.c) call, under their own names.
 * libmicrohttpd links GnuTLS already, so by the time a server with TLS
 * asks, the library is in the process and dlopen only finds it.
 */
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_GNUTLS
#define CHOUSA_SONAME_GNUTLS "libgnutls.so.30"
#endif

#define GNUTLS_FUNCS(X) \
	X(int, gnutls_pcert_list_import_x509_raw, (gnutls_pcert_st *pcerts, \
	    unsigned int *n, const gnutls_datum_t *data, \
	    gnutls_x509_crt_fmt_t format, unsigned int flags), \
	    (pcerts, n, data, format, flags), GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_privkey_init, (gnutls_privkey_t *key), (key), \
	    GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_privkey_import_x509_raw, (gnutls_privkey_t key, \
	    const gnutls_datum_t *data, gnutls_x509_crt_fmt_t format, \
	    const char *password, unsigned int flags), \
	    (key, data, format, password, flags), GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_pubkey_init, (gnutls_pubkey_t *key), (key), \
	    GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_pubkey_import_privkey, (gnutls_pubkey_t key, \
	    gnutls_privkey_t pkey, unsigned int usage, unsigned int flags), \
	    (key, pkey, usage, flags), GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_pubkey_get_key_id, (gnutls_pubkey_t key, \
	    unsigned int flags, unsigned char *output_data, \
	    size_t *output_data_size), (key, flags, output_data, \
	    output_data_size), GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_x509_crt_init, (gnutls_x509_crt_t *cert), (cert), \
	    GNUTLS_E_INTERNAL_ERROR) \
	X(int, gnutls_x509_crt_import, (gnutls_x509_crt_t cert, \
	    const gnutls_datum_t *data, gnutls_x509_crt_fmt_t format), \
	    (cert, data, format), GNUTLS_E_INTERNAL_ERROR) \
	X(time_t, gnutls_x509_crt_get_expiration_time, \
	    (gnutls_x509_crt_t cert), (cert), (time_t)-1) \
	X(const char *, gnutls_strerror, (int error), (error), \
	    "GnuTLS could not be loaded")

#define GNUTLS_VOID_FUNCS(X) \
	X(gnutls_pcert_deinit, (gnutls_pcert_st *pcert), (pcert)) \
	X(gnutls_privkey_deinit, (gnutls_privkey_t key), (key)) \
	X(gnutls_pubkey_deinit, (gnutls_pubkey_t key), (key)) \
	X(gnutls_x509_crt_deinit, (gnutls_x509_crt_t cert), (cert))

enum {
	GNUTLS_FUNCS(DYNLIB_ENUM) GNUTLS_VOID_FUNCS(DYNLIB_VOID_ENUM)
	N_GNUTLS_SYMS
};
static const char *const gnutls_names[] = {
	GNUTLS_FUNCS(DYNLIB_NAME) GNUTLS_VOID_FUNCS(DYNLIB_VOID_NAME)
};
static dynlib_fn gnutls_syms[N_GNUTLS_SYMS];
static struct dynlib gnutls_lib = {
	CHOUSA_SONAME_GNUTLS, gnutls_names, gnutls_syms, N_GNUTLS_SYMS, 0, ""
};

#define FORWARD(ret, name, params, args, fail) \
	DYNLIB_FORWARD(gnutls_lib, ret, name, params, args, fail)
#define FORWARD_VOID(name, params, args) \
	DYNLIB_FORWARD_VOID(gnutls_lib, name, params, args)
GNUTLS_FUNCS(FORWARD)
GNUTLS_VOID_FUNCS(FORWARD_VOID)

const char *
dynlib_gnutls_missing(void)
{
	return dynlib_load(&gnutls_lib) != 0 ? dynlib_error(&gnutls_lib) :
	    NULL;
}
