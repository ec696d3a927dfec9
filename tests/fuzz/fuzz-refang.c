/*
 * fuzz-refang.c: chousa_ioc_refang on any bytes.  Besides memory safety
 * it checks that refanging never lengthens text (every marker stands for
 * something no longer than itself).  Refanging twice may legitimately
 * change more ("[[.]]"), so idempotence is not asked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_buf once;

	if (size > 1 << 20)
		return 0;
	chousa_buf_init(&once, 0);
	if (chousa_ioc_refang(&once, (const char *)data, size, NULL) ==
	    CHOUSA_OK && once.len > size)
		abort();
	chousa_buf_release(&once);
	return 0;
}
