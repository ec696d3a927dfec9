/*
 * libcurl, loaded on first use (see dynlib.h): the functions src/online/http.c
 * and `chousa version` call, under their own names.
 */
#define CURL_DISABLE_TYPECHECK /* the option macros would rename setopt */
#include <stdarg.h>

#include <curl/curl.h>

#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_CURL
#define CHOUSA_SONAME_CURL "libcurl.so.4"
#endif

#define CURL_FUNCS(X) \
	X(CURLcode, curl_global_init, (long flags), (flags), \
	    CURLE_FAILED_INIT) \
	X(CURL *, curl_easy_init, (void), (), NULL) \
	X(CURLcode, curl_easy_perform, (CURL *h), (h), CURLE_FAILED_INIT) \
	X(const char *, curl_easy_strerror, (CURLcode code), (code), \
	    dynlib_error(&curl_lib)) \
	X(struct curl_slist *, curl_slist_append, \
	    (struct curl_slist *list, const char *s), (list, s), NULL) \
	X(CURLM *, curl_multi_init, (void), (), NULL) \
	X(CURLMcode, curl_multi_add_handle, (CURLM *m, CURL *h), (m, h), \
	    CURLM_INTERNAL_ERROR) \
	X(CURLMcode, curl_multi_remove_handle, (CURLM *m, CURL *h), (m, h), \
	    CURLM_INTERNAL_ERROR) \
	X(CURLMcode, curl_multi_perform, (CURLM *m, int *running), \
	    (m, running), CURLM_INTERNAL_ERROR) \
	X(CURLMcode, curl_multi_poll, (CURLM *m, struct curl_waitfd *extra, \
	    unsigned int n_extra, int timeout_ms, int *numfds), \
	    (m, extra, n_extra, timeout_ms, numfds), CURLM_INTERNAL_ERROR) \
	X(CURLMsg *, curl_multi_info_read, (CURLM *m, int *left), (m, left), \
	    NULL) \
	X(CURLMcode, curl_multi_cleanup, (CURLM *m), (m), \
	    CURLM_INTERNAL_ERROR) \
	X(char *, curl_version, (void), (), (char *)"libcurl not loaded")

#define CURL_VOID_FUNCS(X) \
	X(curl_easy_cleanup, (CURL *h), (h)) \
	X(curl_slist_free_all, (struct curl_slist *list), (list))

/* The variadic ones, forwarded by hand below. */
#define CURL_VARIADIC(X) \
	X(CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...), (), 0) \
	X(CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...), (), 0) \
	X(CURLMcode, curl_multi_setopt, (CURLM *, CURLMoption, ...), (), 0)

enum {
	CURL_FUNCS(DYNLIB_ENUM) CURL_VOID_FUNCS(DYNLIB_VOID_ENUM)
	CURL_VARIADIC(DYNLIB_ENUM) N_CURL_SYMS
};
static const char *const curl_names[] = {
	CURL_FUNCS(DYNLIB_NAME) CURL_VOID_FUNCS(DYNLIB_VOID_NAME)
	CURL_VARIADIC(DYNLIB_NAME)
};
static dynlib_fn curl_syms[N_CURL_SYMS];
static struct dynlib curl_lib = {
	CHOUSA_SONAME_CURL, curl_names, curl_syms, N_CURL_SYMS, 0, ""
};

#define FORWARD(ret, name, params, args, fail) \
	DYNLIB_FORWARD(curl_lib, ret, name, params, args, fail)
#define FORWARD_VOID(name, params, args) \
	DYNLIB_FORWARD_VOID(curl_lib, name, params, args)
CURL_FUNCS(FORWARD)
CURL_VOID_FUNCS(FORWARD_VOID)

/*
 * An option's number says the type of its one argument: libcurl numbers
 * them from CURLOPTTYPE_LONG, _OBJECTPOINT, _FUNCTIONPOINT, _OFF_T and
 * _BLOB (a pointer) up, and reads them back the same way.
 */
#define SETOPT_FORWARD(fn, handle, opt, ap) \
	((opt) < CURLOPTTYPE_OBJECTPOINT ? fn(handle, opt, va_arg(ap, long)) : \
	 (opt) < CURLOPTTYPE_FUNCTIONPOINT ? \
	    fn(handle, opt, va_arg(ap, void *)) : \
	 (opt) < CURLOPTTYPE_OFF_T ? \
	    fn(handle, opt, va_arg(ap, dynlib_fn)) : \
	 (opt) < CURLOPTTYPE_BLOB ? \
	    fn(handle, opt, va_arg(ap, curl_off_t)) : \
	    fn(handle, opt, va_arg(ap, void *)))

/* curl_easy_setopt and curl_multi_setopt: the same, on their own types. */
#define SETOPT(ret, name, handle_t, opt_t, fail) \
	ret \
	name(handle_t *h, opt_t opt, ...) \
	{ \
		va_list ap; \
		ret rc; \
 \
		if (dynlib_load(&curl_lib) != 0) \
			return fail; \
		va_start(ap, opt); \
		rc = SETOPT_FORWARD(DYNLIB_CALL(curl_lib, ret, name, \
		    (handle_t *, opt_t, ...)), h, opt, ap); \
		va_end(ap); \
		return rc; \
	}
SETOPT(CURLcode, curl_easy_setopt, CURL, CURLoption, CURLE_FAILED_INIT)
SETOPT(CURLMcode, curl_multi_setopt, CURLM, CURLMoption, CURLM_INTERNAL_ERROR)

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode
curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	if (dynlib_load(&curl_lib) != 0)
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	rc = DYNLIB_CALL(curl_lib, CURLcode, curl_easy_getinfo,
	    (CURL *, CURLINFO, ...))(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
