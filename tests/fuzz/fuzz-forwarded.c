/*
 * fuzz-forwarded.c: the team server's reading of a trusted proxy's
 * X-Forwarded-For (src/base/ranges.c) on any bytes: the first line is
 * the trusted_proxies setting, the rest the header.  Besides memory
 * safety it checks that a client found is an address as written back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ranges.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *nl;
	struct addr_ranges r;
	char list[512], client[ADDR_TEXT_MAX], again[ADDR_TEXT_MAX];
	size_t n;

	if (size > 1 << 16)
		return 0;
	nl = memchr(p, '\n', size);
	n = nl != NULL ? (size_t)(nl - p) : 0;
	if (n >= sizeof(list) || memchr(p, '\0', n) != NULL)
		return 0;
	memcpy(list, p, n);
	list[n] = '\0';
	r.n = 0;
	if (addr_ranges_add(&r, list, "trusted proxy", NULL) != CHOUSA_OK)
		return 0;
	if (nl != NULL) {
		p = nl + 1;
		size -= n + 1;
	}
	if (addr_forwarded_client(&r, p, size, client) == 0 &&
	    (addr_text(client, strlen(client), again) != 0 ||
	    strcmp(client, again) != 0))
		abort();
	return 0;
}
