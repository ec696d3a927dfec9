/*
 * libmicrohttpd, loaded on first use (see dynlib.h): the functions the team
 * server (src/serve/) calls, under their own names.  Linked, it would bring
 * GnuTLS and its dozen libraries into every command's start-up.
 */
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_MHD
#define CHOUSA_SONAME_MHD "libmicrohttpd.so.12"
#endif

#define MHD_FUNCS(X) \
	X(struct MHD_Daemon *, MHD_start_daemon_va, (unsigned int flags, \
	    uint16_t port, MHD_AcceptPolicyCallback apc, void *apc_cls, \
	    MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap), \
	    (flags, port, apc, apc_cls, dh, dh_cls, ap), NULL) \
	X(enum MHD_Result, MHD_queue_response, (struct MHD_Connection *c, \
	    unsigned int status, struct MHD_Response *r), (c, status, r), \
	    MHD_NO) \
	X(struct MHD_Response *, MHD_create_response_from_buffer, \
	    (size_t size, void *buf, enum MHD_ResponseMemoryMode mode), \
	    (size, buf, mode), NULL) \
	X(struct MHD_Response *, \
	    MHD_create_response_from_buffer_with_free_callback, \
	    (size_t size, void *buf, MHD_ContentReaderFreeCallback crfc), \
	    (size, buf, crfc), NULL) \
	X(struct MHD_Response *, MHD_create_response_from_fd64, \
	    (uint64_t size, int fd), (size, fd), NULL) \
	X(struct MHD_Response *, MHD_create_response_from_callback, \
	    (uint64_t size, size_t block_size, MHD_ContentReaderCallback crc, \
	    void *crc_cls, MHD_ContentReaderFreeCallback crfc), \
	    (size, block_size, crc, crc_cls, crfc), NULL) \
	X(enum MHD_Result, MHD_add_response_header, (struct MHD_Response *r, \
	    const char *name, const char *value), (r, name, value), MHD_NO) \
	X(const char *, MHD_lookup_connection_value, \
	    (struct MHD_Connection *c, enum MHD_ValueKind kind, \
	    const char *key), (c, kind, key), NULL) \
	X(int, MHD_get_connection_values, (struct MHD_Connection *c, \
	    enum MHD_ValueKind kind, MHD_KeyValueIterator it, void *cls), \
	    (c, kind, it, cls), -1) \
	X(int, MHD_get_connection_values_n, (struct MHD_Connection *c, \
	    enum MHD_ValueKind kind, MHD_KeyValueIteratorN it, void *cls), \
	    (c, kind, it, cls), -1) \
	X(enum MHD_Result, MHD_add_connection, (struct MHD_Daemon *d, \
	    MHD_socket fd, const struct sockaddr *addr, socklen_t len), \
	    (d, fd, addr, len), MHD_NO) \
	X(const char *, MHD_get_version, (void), (), "not loaded") \
	X(enum MHD_Result, MHD_is_feature_supported, \
	    (enum MHD_FEATURE feature), (feature), MHD_NO) \
	X(struct MHD_PostProcessor *, MHD_create_post_processor, \
	    (struct MHD_Connection *c, size_t size, \
	    MHD_PostDataIterator it, void *cls), (c, size, it, cls), NULL) \
	X(enum MHD_Result, MHD_post_process, (struct MHD_PostProcessor *pp, \
	    const char *data, size_t len), (pp, data, len), MHD_NO) \
	X(enum MHD_Result, MHD_destroy_post_processor, \
	    (struct MHD_PostProcessor *pp), (pp), MHD_NO)

#define MHD_VOID_FUNCS(X) \
	X(MHD_stop_daemon, (struct MHD_Daemon *d), (d)) \
	X(MHD_destroy_response, (struct MHD_Response *r), (r)) \
	X(MHD_suspend_connection, (struct MHD_Connection *c), (c)) \
	X(MHD_resume_connection, (struct MHD_Connection *c), (c))

/* The variadic ones, forwarded by hand below. */
#define MHD_VARIADIC(X) \
	X(const union MHD_ConnectionInfo *, MHD_get_connection_info, (), (), \
	    NULL) \
	X(enum MHD_Result, MHD_set_connection_option, (), (), MHD_NO)

enum {
	MHD_FUNCS(DYNLIB_ENUM) MHD_VOID_FUNCS(DYNLIB_VOID_ENUM)
	MHD_VARIADIC(DYNLIB_ENUM) N_MHD_SYMS
};
static const char *const mhd_names[] = {
	MHD_FUNCS(DYNLIB_NAME) MHD_VOID_FUNCS(DYNLIB_VOID_NAME)
	MHD_VARIADIC(DYNLIB_NAME)
};
static dynlib_fn mhd_syms[N_MHD_SYMS];
static struct dynlib mhd_lib = {
	CHOUSA_SONAME_MHD, mhd_names, mhd_syms, N_MHD_SYMS, 0, ""
};

#define FORWARD(ret, name, params, args, fail) \
	DYNLIB_FORWARD(mhd_lib, ret, name, params, args, fail)
#define FORWARD_VOID(name, params, args) \
	DYNLIB_FORWARD_VOID(mhd_lib, name, params, args)
MHD_FUNCS(FORWARD)
MHD_VOID_FUNCS(FORWARD_VOID)

/* The options list goes on as a va_list to the library's own _va. */
struct MHD_Daemon *
MHD_start_daemon(unsigned int flags, uint16_t port,
    MHD_AcceptPolicyCallback apc, void *apc_cls, MHD_AccessHandlerCallback dh,
    void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	va_start(ap, dh_cls);
	d = MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

/* chousa asks only for kinds that take no further argument. */
const union MHD_ConnectionInfo *
MHD_get_connection_info(struct MHD_Connection *c,
    enum MHD_ConnectionInfoType type, ...)
{
	if (dynlib_load(&mhd_lib) != 0)
		return NULL;
	return DYNLIB_CALL(mhd_lib, const union MHD_ConnectionInfo *,
	    MHD_get_connection_info, (struct MHD_Connection *,
	    enum MHD_ConnectionInfoType, ...))(c, type);
}

/* chousa sets only MHD_CONNECTION_OPTION_TIMEOUT, one unsigned int. */
enum MHD_Result
MHD_set_connection_option(struct MHD_Connection *c,
    enum MHD_CONNECTION_OPTION option, ...)
{
	unsigned int secs;
	va_list ap;

	if (dynlib_load(&mhd_lib) != 0)
		return MHD_NO;
	va_start(ap, option);
	secs = va_arg(ap, unsigned int);
	va_end(ap);
	return DYNLIB_CALL(mhd_lib, enum MHD_Result, MHD_set_connection_option,
	    (struct MHD_Connection *, enum MHD_CONNECTION_OPTION, ...))(c,
	    option, secs);
}

/* Why the server library could not be loaded, or NULL when it was. */
const char *
dynlib_mhd_missing(void)
{
	return dynlib_load(&mhd_lib) != 0 ? dynlib_error(&mhd_lib) : NULL;
}
