/*
 * fuzz-extract.c: chousa_extract on any bytes, with and without unique.
 * Each reported indicator must point inside the input, and its normal
 * form must parse again to the same type and value (normalising is
 * idempotent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "ioc/ioc.h"

/*
 * Whether refang leaves s alone: a normal form may hold text that reads
 * as a defang marker ("/a[.]b" in a path), and then parsing it again
 * refangs it, so idempotence is only asked of the others.
 */
static int
refang_stable(const char *s, size_t len)
{
	struct chousa_buf b;
	int same;

	chousa_buf_init(&b, 0);
	same = !ioc_refang_token(&b, s, len) && b.len == len &&
	    memcmp(b.data, s, len) == 0;
	chousa_buf_release(&b);
	return same;
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	const uint8_t		*data;
	size_t			 size;
	struct chousa_arena	*a;
	size_t			 base;
};

static int
check(void *arg, const struct chousa_indicator *ind)
{
	struct ctx *c = arg;
	struct chousa_indicator again;

	size_t off = ind->offset - c->base;

	if (ind->offset < c->base || off > c->size ||
	    ind->raw_len > c->size - off ||
	    ind->raw != (const char *)c->data + off)
		abort();
	if (ind->value == NULL || strlen(ind->value) != ind->value_len)
		abort();
	if (refang_stable(ind->value, ind->value_len) &&
	    (chousa_ioc_parse(c->a, ind->value, ind->value_len, 0, &again,
	    NULL) != CHOUSA_OK || again.type != ind->type ||
	    strcmp(again.value, ind->value) != 0))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_extract_opts o = { 0, 0, 1 };
	struct chousa_extractor *x;
	struct ctx c = { data, size, NULL, 0 };

	if (size > 1 << 20)
		return 0;
	if (chousa_arena_new(&c.a, 0, NULL) != CHOUSA_OK)
		return 0;
	if (chousa_extractor_new(&x, &o, NULL) == CHOUSA_OK) {
		chousa_extract(x, (const char *)data, size, 0, check, &c,
		    NULL);
		chousa_extractor_free(x);
	}
	o.unique = 1;
	o.keep_private = 0;
	o.types = CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN);
	if (chousa_extractor_new(&x, &o, NULL) == CHOUSA_OK) {
		c.base = 7;
		chousa_extract(x, (const char *)data, size, 7, check, &c,
		    NULL);
		chousa_extractor_free(x);
	}
	chousa_arena_free(c.a);
	return 0;
}
