/*
 * fuzz-token-allow.c: the list of addresses a token is accepted from
 * (token create --allow-from, token allow, the API's allow_from), as the
 * server normalizes it before the store keeps it (src/serve/auth.c), on
 * any bytes.  Besides memory safety it checks what the store is given:
 * within its size, no blank around an entry, read back the same, and the
 * same ranges as the text they came from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ranges.h"
#include "serve/serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a and b hold the same ranges in the same order. */
static int
same_ranges(const struct addr_ranges *a, const struct addr_ranges *b)
{
	return a->n == b->n && memcmp(a->r, b->r, a->n * sizeof(a->r[0])) ==
	    0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], out[CHOUSA_TOKEN_ALLOW_MAX + 1];
	char again[CHOUSA_TOKEN_ALLOW_MAX + 1];
	struct addr_ranges given, kept;
	struct chousa_err err = { 0 };
	size_t n;

	if (size >= sizeof(in) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (auth_allow_normal(in, out, &err) != CHOUSA_OK) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	n = strlen(out);
	if (n > CHOUSA_TOKEN_ALLOW_MAX || strpbrk(out, " \t") != NULL ||
	    out[0] == ',' || (n > 0 && out[n - 1] == ',') ||
	    strstr(out, ",,") != NULL)
		abort();
	if (auth_allow_normal(out, again, &err) != CHOUSA_OK ||
	    strcmp(out, again) != 0)
		abort();
	if (n == 0)
		return 0;
	memset(&given, 0, sizeof(given));
	memset(&kept, 0, sizeof(kept));
	if (addr_ranges_add(&given, in, "address range", NULL) != CHOUSA_OK ||
	    addr_ranges_add(&kept, out, "address range", NULL) != CHOUSA_OK ||
	    !same_ranges(&given, &kept))
		abort();
	return 0;
}
