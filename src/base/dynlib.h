/*
 * dynlib: load a shared library on first use instead of at start-up.
 *
 * libcurl (the network) and libarchive (compressed feeds and logs) are
 * needed by a few commands only, but linking them makes the dynamic
 * loader map and relocate some forty shared objects on every run: about
 * 17 million instructions, most of a `chousa lookup` that itself takes
 * half a millisecond.  src/base/dynlib-{curl,archive}.c define the
 * functions chousa calls under the libraries' own names, checked against
 * the libraries' own headers, and forward each call to the real function
 * once dlopen has found it.  The callers stay plain library code.  These
 * names are global only inside the build: the installed libchousa.a keeps
 * just the chousa_* symbols global (see the Makefile), so a program that
 * links the real libcurl or libarchive as well gets no clash.
 * (src/base/crypto.c, src/ioc/ioc-idna.c and src/sweep/logfmt/quic.c call
 * libcrypto and ICU through pointers of their own names instead, and fall
 * back or go without when the library is missing.)
 *
 * When a library cannot be loaded, each forwarding function returns the
 * failure its library documents (NULL, an error code), and dynlib_error()
 * says why, so the caller's usual error path reports it.
 */
#ifndef CHOUSA_DYNLIB_H
#define CHOUSA_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

typedef void (*dynlib_fn)(void);

struct dynlib {
	const char *soname;        /* e.g. "libcurl.so.4" */
	const char *const *names;  /* the symbols to resolve, all of them */
	dynlib_fn *syms;           /* filled in the same order */
	size_t n;
	int state;                 /* 0 not tried, 1 loaded, -1 failed */
	char error[256];
};

/* 0 when the library and every symbol were found; -1 otherwise (then
 * dynlib_error() says why).  Thread-safe; the work is done once. */
int dynlib_load(struct dynlib *lib);
const char *dynlib_error(const struct dynlib *lib);

/*
 * Why archive_read_new() gave NULL when libarchive could not be loaded;
 * NULL when it was (then it was memory).
 */
const char *dynlib_archive_missing(void);
/* Why libmicrohttpd could not be loaded, or NULL when it is (serve). */
const char *dynlib_mhd_missing(void);
/* Why GnuTLS could not be loaded, or NULL when it is (serve's TLS). */
const char *dynlib_gnutls_missing(void);

/*
 * The forwarding functions are written once per symbol through an X-macro
 * list:  X(return type, name, (parameters), (arguments), value on failure).
 * DYNLIB_ENUM makes the index names, DYNLIB_NAME the string table and
 * DYNLIB_FORWARD the function.  Functions returning void have a list of
 * their own, X(name, (parameters), (arguments)), for DYNLIB_VOID_ENUM,
 * DYNLIB_VOID_NAME and DYNLIB_FORWARD_VOID.
 */
#define DYNLIB_ENUM(ret, name, params, args, fail) SYM_##name,
#define DYNLIB_NAME(ret, name, params, args, fail) #name,
#define DYNLIB_VOID_ENUM(name, params, args) SYM_##name,
#define DYNLIB_VOID_NAME(name, params, args) #name,
#define DYNLIB_CALL(lib, ret, name, params) \
	((ret(*) params)(lib).syms[SYM_##name])
#define DYNLIB_FORWARD(lib, ret, name, params, args, fail) \
	ret name params \
	{ \
		if (dynlib_load(&(lib)) != 0) \
			return fail; \
		return DYNLIB_CALL(lib, ret, name, params) args; \
	}
#define DYNLIB_FORWARD_VOID(lib, name, params, args) \
	void name params \
	{ \
		if (dynlib_load(&(lib)) == 0) \
			DYNLIB_CALL(lib, void, name, params) args; \
	}

#endif
