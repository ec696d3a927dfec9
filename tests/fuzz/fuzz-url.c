/*
 * fuzz-url.c: chousa_ioc_parse (the WHATWG URL parser, UTS #46, the host
 * checks and every other indicator parser) on any bytes, the same as a
 * URL field (chousa_ioc_parse_url_context) and as a query
 * (CHOUSA_IOC_CTX_QUERY: 1.2.3.4/32 and 1.2.3.4:80 are the address, whose
 * normal form is an IP without either).  What parses must parse again
 * from its normal form to the same value, and a defanged normal form must
 * come back through refang and parse to the same value.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_arena *a;
	struct chousa_indicator ind, again;
	struct chousa_buf d;

	if (size > 16384 || chousa_arena_new(&a, 0, NULL) != CHOUSA_OK)
		return 0;
	if (chousa_ioc_parse(a, (const char *)data, size, 0, &ind, NULL) ==
	    CHOUSA_OK && refang_stable(ind.value, ind.value_len)) {
		if (chousa_ioc_parse(a, ind.value, ind.value_len, 0, &again,
		    NULL) != CHOUSA_OK || again.type != ind.type ||
		    strcmp(again.value, ind.value) != 0)
			abort();
		chousa_buf_init(&d, 0);
		chousa_ioc_defang(&d, ind.value, ind.value_len);
		if (chousa_ioc_parse(a, d.data, d.len, 0, &again, NULL) !=
		    CHOUSA_OK || strcmp(again.value, ind.value) != 0)
			abort();
		chousa_buf_release(&d);
	}
	if (chousa_ioc_parse_url_context(a, (const char *)data, size, &ind,
	    NULL) == CHOUSA_OK && ind.type != CHOUSA_IOC_URL)
		abort();
	if (chousa_ioc_parse_context(a, (const char *)data, size, 0,
	    CHOUSA_IOC_CTX_QUERY, &ind, NULL) == CHOUSA_OK &&
	    (ind.flags & CHOUSA_IOC_F_ADDRESS_ONLY)) {
		if ((ind.type != CHOUSA_IOC_IPV4 &&
		    ind.type != CHOUSA_IOC_IPV6) ||
		    chousa_ioc_parse(a, ind.value, ind.value_len, 0, &again,
		    NULL) != CHOUSA_OK || again.type != ind.type ||
		    strcmp(again.value, ind.value) != 0)
			abort();
	}
	chousa_arena_free(a);
	return 0;
}
