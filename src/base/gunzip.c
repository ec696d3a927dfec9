/*
 * gunzip.c: zlib's gzip decoding (windowBits 16 + 15), which checks each
 * member's CRC-32 and ISIZE when it reaches the member's end.  What this
 * adds is the file around the members: one follows another until the
 * input ends, an end anywhere else is a truncation, and bytes after the
 * last member are damage, not ignored (gzip(1) only warns of them).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "base/gunzip.h"
#include "base/mem.h"

struct gunzip {
	z_stream		 z;
	int			 z_on;		/* inflateInit2 done */
	gunzip_source_fn	 fn;
	void			*arg;
	int			 src_end;	/* fn said 0 */
	int			 boundary;	/* a member ended: the input may */
	int			 done;
	unsigned long		 n_members;	/* ended */
	long			 failed;	/* GUNZIP_E*, or 0 */
	char			 why[80];
};

/* zlib's allocations go through mem_alloc, so injection reaches them. */
static voidpf
zalloc_mem(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	if (size != 0 && items > SIZE_MAX / size)
		return Z_NULL;
	return mem_alloc((size_t)items * size);
}

static void
zfree_mem(voidpf opaque, voidpf p)
{
	(void)opaque;
	mem_free(p);
}

struct gunzip *
gunzip_new(gunzip_source_fn fn, void *arg)
{
	struct gunzip *gz = mem_alloc(sizeof(*gz));

	if (gz == NULL)
		return NULL;
	gz->fn = fn;
	gz->arg = arg;
	gz->z.zalloc = zalloc_mem;
	gz->z.zfree = zfree_mem;
	if (inflateInit2(&gz->z, 16 + MAX_WBITS) != Z_OK) {
		mem_free(gz);
		return NULL;
	}
	gz->z_on = 1;
	return gz;
}

void
gunzip_free(struct gunzip *gz)
{
	if (gz == NULL)
		return;
	if (gz->z_on)
		inflateEnd(&gz->z);
	mem_free(gz);
}

const char *
gunzip_error(const struct gunzip *gz)
{
	return gz->why;
}

static void
fail(struct gunzip *gz, long code, const char *why)
{
	gz->failed = code;
	snprintf(gz->why, sizeof(gz->why), "%s", why);
}

/* inflate's Z_DATA_ERROR in words a user can act on. */
static void
fail_data(struct gunzip *gz)
{
	const char *msg = gz->z.msg != NULL ? gz->z.msg : "corrupt data";

	if (strcmp(msg, "incorrect data check") == 0)
		msg = "CRC mismatch";
	else if (strcmp(msg, "incorrect length check") == 0)
		msg = "length mismatch";
	else if (strcmp(msg, "incorrect header check") == 0 &&
	    gz->n_members > 0)
		msg = "data after the last gzip member";
	snprintf(gz->why, sizeof(gz->why), "damaged gzip input: %s", msg);
	gz->failed = GUNZIP_EDAMAGED;
}

/* More compressed bytes when zlib has used all it had; 0 or GUNZIP_EREAD. */
static long
refill(struct gunzip *gz)
{
	const void *buf = NULL;
	long n;

	if (gz->z.avail_in > 0 || gz->src_end)
		return 0;
	n = gz->fn(gz->arg, &buf);
	if (n < 0) {
		fail(gz, GUNZIP_EREAD, "read failed");
		return GUNZIP_EREAD;
	}
	if (n == 0)
		gz->src_end = 1;
	gz->z.next_in = (Bytef *)(uintptr_t)buf;
	gz->z.avail_in = (uInt)n;
	return 0;
}

/* One step of inflate: 0 to go on, 1 at the end, or a failure. */
static int
step(struct gunzip *gz)
{
	int zrc;

	if (refill(gz) != 0)
		return -1;
	if (gz->z.avail_in == 0) {
		if (gz->boundary)
			gz->done = 1;
		else
			fail(gz, GUNZIP_EDAMAGED, "truncated gzip input");
		return gz->done ? 1 : -1;
	}
	if (gz->boundary) {
		/* A member starts here, or nothing may. */
		if (gz->z.next_in[0] != 0x1f || (gz->z.avail_in > 1 &&
		    gz->z.next_in[1] != 0x8b)) {
			fail(gz, GUNZIP_EDAMAGED, "damaged gzip input: data "
			    "after the last gzip member");
			return -1;
		}
		gz->boundary = 0;
	}
	zrc = inflate(&gz->z, Z_NO_FLUSH);
	switch (zrc) {
	case Z_STREAM_END:
		/* The member's CRC-32 and length matched. */
		gz->n_members++;
		gz->boundary = 1;
		if (inflateReset(&gz->z) != Z_OK) {
			fail(gz, GUNZIP_ENOMEM, "cannot reset zlib");
			return -1;
		}
		return 0;
	case Z_OK:
	case Z_BUF_ERROR:	/* needs more input: refill() gives it */
		return 0;
	case Z_MEM_ERROR:
		fail(gz, GUNZIP_ENOMEM, "out of memory");
		return -1;
	default:
		fail_data(gz);
		return -1;
	}
}

long
gunzip_read(struct gunzip *gz, void *out, size_t cap)
{
	size_t got;

	if (gz->failed != 0)
		return gz->failed;
	if (gz->done || cap == 0)
		return 0;
	if (cap > UINT_MAX)
		cap = UINT_MAX;
	gz->z.next_out = out;
	gz->z.avail_out = (uInt)cap;
	while (gz->z.avail_out > 0 && step(gz) == 0)
		;
	got = cap - gz->z.avail_out;
	if (got > 0)
		return (long)got;
	return gz->failed;
}
