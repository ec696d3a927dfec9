/*
 * libarchive, loaded on first use (see dynlib.h): the functions
 * src/base/input.c calls to read zip and gzip feeds, the tar walk of
 * src/store/store_bundle.c, and the tar an export of the team server is
 * sent in (src/serve/api_export.c) and unpacked from (cli/client-export.c),
 * under their own names.
 */
#include <stdarg.h>
#include <stdio.h>

#include <archive.h>
#include <archive_entry.h>

#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_ARCHIVE
#define CHOUSA_SONAME_ARCHIVE "libarchive.so.13"
#endif

#define A struct archive *ar
#define ARCHIVE_FUNCS(X) \
	X(struct archive *, archive_read_new, (void), (), NULL) \
	X(int, archive_read_support_filter_all, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_read_support_format_zip, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_read_support_format_raw, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_read_set_read_callback, \
	    (A, archive_read_callback *cb), (ar, cb), ARCHIVE_FATAL) \
	X(int, archive_read_set_callback_data, (A, void *data), (ar, data), \
	    ARCHIVE_FATAL) \
	X(int, archive_read_open1, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_read_next_header, (A, struct archive_entry **e), \
	    (ar, e), ARCHIVE_FATAL) \
	X(la_ssize_t, archive_read_data, (A, void *buf, size_t len), \
	    (ar, buf, len), ARCHIVE_FATAL) \
	X(int, archive_read_free, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_filter_count, (A), (ar), 0) \
	X(int, archive_format, (A), (ar), 0) \
	X(const char *, archive_error_string, (A), (ar), \
	    dynlib_error(&archive_lib)) \
	X(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *e), \
	    (e), 0) \
	X(int, archive_read_support_format_tar, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_read_open_filename, (A, const char *name, \
	    size_t block), (ar, name, block), ARCHIVE_FATAL) \
	X(int, archive_read_open_fd, (A, int fd, size_t block), \
	    (ar, fd, block), ARCHIVE_FATAL) \
	X(const char *, archive_entry_pathname, (struct archive_entry *e), \
	    (e), NULL) \
	X(la_int64_t, archive_entry_size, (struct archive_entry *e), (e), 0) \
	X(struct archive *, archive_write_new, (void), (), NULL) \
	X(int, archive_write_set_format_pax_restricted, (A), (ar), \
	    ARCHIVE_FATAL) \
	X(int, archive_write_open_fd, (A, int fd), (ar, fd), ARCHIVE_FATAL) \
	X(int, archive_write_header, (A, struct archive_entry *e), (ar, e), \
	    ARCHIVE_FATAL) \
	X(la_ssize_t, archive_write_data, (A, const void *buf, size_t len), \
	    (ar, buf, len), ARCHIVE_FATAL) \
	X(int, archive_write_close, (A), (ar), ARCHIVE_FATAL) \
	X(int, archive_write_free, (A), (ar), ARCHIVE_FATAL) \
	X(struct archive_entry *, archive_entry_new, (void), (), NULL)

#define ARCHIVE_VOID_FUNCS(X) \
	X(archive_entry_free, (struct archive_entry *e), (e)) \
	X(archive_entry_set_pathname, (struct archive_entry *e, \
	    const char *name), (e, name)) \
	X(archive_entry_set_size, (struct archive_entry *e, la_int64_t size), \
	    (e, size)) \
	X(archive_entry_set_filetype, (struct archive_entry *e, \
	    unsigned int type), (e, type)) \
	X(archive_entry_set_perm, (struct archive_entry *e, __LA_MODE_T perm), \
	    (e, perm)) \
	X(archive_entry_set_mtime, (struct archive_entry *e, time_t t, \
	    long ns), (e, t, ns))

/* The variadic one, forwarded by hand below. */
#define ARCHIVE_VARIADIC(X) \
	X(void, archive_set_error, (A, int err, const char *fmt, ...), (), 0)

enum {
	ARCHIVE_FUNCS(DYNLIB_ENUM) ARCHIVE_VOID_FUNCS(DYNLIB_VOID_ENUM)
	ARCHIVE_VARIADIC(DYNLIB_ENUM) N_ARCHIVE_SYMS
};
static const char *const archive_names[] = {
	ARCHIVE_FUNCS(DYNLIB_NAME) ARCHIVE_VOID_FUNCS(DYNLIB_VOID_NAME)
	ARCHIVE_VARIADIC(DYNLIB_NAME)
};
static dynlib_fn archive_syms[N_ARCHIVE_SYMS];
static struct dynlib archive_lib = {
	CHOUSA_SONAME_ARCHIVE, archive_names, archive_syms, N_ARCHIVE_SYMS,
	0, ""
};

#define FORWARD(ret, name, params, args, fail) \
	DYNLIB_FORWARD(archive_lib, ret, name, params, args, fail)
#define FORWARD_VOID(name, params, args) \
	DYNLIB_FORWARD_VOID(archive_lib, name, params, args)
ARCHIVE_FUNCS(FORWARD)
ARCHIVE_VOID_FUNCS(FORWARD_VOID)

/* Variadic: formatted here, handed on as one string. */
void
archive_set_error(struct archive *ar, int err, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (dynlib_load(&archive_lib) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	DYNLIB_CALL(archive_lib, void, archive_set_error,
	    (struct archive *, int, const char *, ...))(ar, err, "%s", msg);
}

const char *
dynlib_archive_missing(void)
{
	return __atomic_load_n(&archive_lib.state, __ATOMIC_ACQUIRE) < 0 ?
	    dynlib_error(&archive_lib) : NULL;
}
