/*
 * fuzz-source-otx.c: the otx module's answer parser over arbitrary bytes,
 * with no network: general (0), malware (1), passive_dns (2) and url_list
 * (3).  The first byte picks the kind of answer (otx_parse takes it modulo
 * the kind count); the rest is the body.  Any input must end
 * in a clean status.
 */
#include <stddef.h>
#include <stdint.h>

#include "investigate/sources/online.h"
#include "fuzz-source.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_arena *a;
	struct chousa_finding f;

	if (size < 1 || chousa_arena_new(&a, 64 << 20, NULL) != CHOUSA_OK)
		return 0;
	f = (struct chousa_finding){ 0 };
	otx_parse(fuzz_subject(data[0]), (const char *)data + 1, size - 1,
	    FUZZ_KIND(data[0]), a, &f);
	chousa_arena_free(a);
	return 0;
}
