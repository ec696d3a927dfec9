/*
 * fuzz-sweep-stream.c: chousa_sweep_stream, the sweep of an upload as it
 * comes (the team server's POST /api/v1/sweep), read in pieces whose
 * sizes the input picks, so lines, gzip members and capture records fall
 * across every kind of boundary.  The same bytes swept whole from memory
 * must give the same hits: a difference aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Only the header's matcher and hit check are wanted: its entry renamed. */
#define LOGFMT	NULL
#define LLVMFuzzerTestOneInput	logfmt_one_input
#include "fuzz-logfmt.h"
#undef LLVMFuzzerTestOneInput

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pieces {
	const uint8_t	*p;
	size_t		 len, pos;
	uint8_t		 seed;
	unsigned	 k;
};

/* Up to cap bytes, in pieces of 1 to 256 (or, for some, 64 KiB) bytes. */
static long
piece_read(void *arg, void *buf, size_t cap)
{
	struct pieces *x = arg;
	size_t n = (size_t)((x->seed * 31u + x->k++ * 17u) % 257u) + 1;

	if (x->seed & 1 && x->k % 3 == 0)
		n = 65536;
	if (n > cap)
		n = cap;
	if (n > x->len - x->pos)
		n = x->len - x->pos;
	memcpy(buf, x->p + x->pos, n);
	x->pos += n;
	return (long)n;
}

static int
count_hit(void *arg, const struct chousa_hit *h)
{
	size_t *n = arg;

	*n += 1 + fuzz_hit(&(size_t){ 0 }, h);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_sweep_opts o;
	struct chousa_sweep_stats st;
	struct pieces x;
	size_t whole = 0, streamed = 0;
	int rc_whole, rc_stream;

	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	o.max_line = 1 << 16;
	memset(&x, 0, sizeof(x));
	x.seed = data[0];
	x.p = data + 1;
	x.len = size - 1;
	rc_whole = chousa_sweep_buffer(fuzz_matcher(), "fuzz", x.p, x.len, &o,
	    count_hit, &whole, &st, NULL);
	rc_stream = chousa_sweep_stream(fuzz_matcher(), "fuzz", piece_read, &x,
	    &o, count_hit, &streamed, &st, NULL);
	if (rc_whole != rc_stream || (rc_whole == CHOUSA_OK &&
	    whole != streamed))
		abort();
	return 0;
}
