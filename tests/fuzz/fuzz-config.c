/*
 * fuzz-config.c: the INI config parser on any bytes.  Whatever parses must
 * answer look-ups (the env-override path included) without reading out of
 * bounds, and a refused file must leave nothing allocated.
 */
#include <stdint.h>
#include <stdlib.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[][2] = {
		{ "virustotal", "api_key" }, { "virustotal", "base_url" },
		{ "feeds", "urlhaus_url" }, { "http", "ca_file" },
		{ "a", "b" }, { "", "" }
	};
	struct chousa_config *c = NULL;
	struct chousa_err err;
	size_t i;

	if (chousa_config_parse(&c, (const char *)data, size, "fuzz", &err) !=
	    CHOUSA_OK)
		return 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = chousa_config_get(c, keys[i][0], keys[i][1]);

		if (v != NULL)
			(void)chousa_config_get_long(c, keys[i][0],
			    keys[i][1], 0);
	}
	chousa_config_free(c);
	return 0;
}
