/*
 * gunzip.h: gzip decompression that checks every member's CRC-32 and
 * length, as gzip -t does.  libarchive's gzip filter inflates raw deflate
 * and leaves the trailer unread, which would let a flipped byte through as
 * a wrong row; input.c reads gzip through this instead.  Members follow one
 * another (a multi-member file is whole); anything after the last member,
 * zeros included, is damage.
 */
#ifndef CHOUSA_GUNZIP_H
#define CHOUSA_GUNZIP_H

#include <stddef.h>

/*
 * The compressed bytes: fn(arg, &buf) points buf at the next ones and
 * returns how many, 0 at the end, or -1 when they cannot be read.  They
 * stay valid until the next call.
 */
typedef long (*gunzip_source_fn)(void *arg, const void **buf);

/* What gunzip_read() returns when it gives no bytes. */
#define GUNZIP_EREAD	(-1L)	/* the source failed */
#define GUNZIP_EDAMAGED	(-2L)	/* corrupt, truncated or trailing data */
#define GUNZIP_ENOMEM	(-3L)

struct gunzip;

/* A decompressor reading fn(arg); NULL out of memory.  gunzip_free(). */
struct gunzip	*gunzip_new(gunzip_source_fn fn, void *arg);
void		 gunzip_free(struct gunzip *gz);
/*
 * Up to cap bytes of content into out: how many, 0 at the end of a whole
 * stream, or a GUNZIP_E* code.  The content before a failure is given
 * first; the failure is then returned by every call.
 */
long		 gunzip_read(struct gunzip *gz, void *out, size_t cap);
/* Why the last failure happened: "truncated gzip input", ... */
const char	*gunzip_error(const struct gunzip *gz);

#endif /* CHOUSA_GUNZIP_H */
