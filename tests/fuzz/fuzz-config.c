/*
 * fuzz-config.c: the INI config parser on any bytes.  Whatever parses must
 * answer look-ups (the env-override path included; each value read as a
 * number and as a duration too), be checked against
 * the table of settings (did-you-mean included) and have its keys judged,
 * without reading out of bounds, and a refused file must leave nothing
 * allocated.
 */
#include <stdint.h>
#include <stdlib.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_issue(void *arg, const char *where, const char *message)
{
	(void)where;
	(void)message;
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[][2] = {
		{ "virustotal", "api_key" }, { "virustotal", "base_url" },
		{ "feeds", "urlhaus_url" }, { "http", "ca_file" },
		{ "server", "update_every" }, { "a", "b" }, { "", "" }
	};
	static const char *const sources[] = { "virustotal", "otx",
	    "abuseipdb", NULL };
	static int ready;
	const struct chousa_config_key *feed_keys;
	const struct chousa_config_value_check *checks;
	struct chousa_config *c = NULL;
	struct chousa_err err;
	char why[256];
	size_t i, n = 0;

	/*
	 * The table as the program composes it: base's and the feeds', with
	 * the server's checks of values.
	 */
	if (!ready) {
		feed_keys = chousa_feed_config_keys(&n);
		(void)chousa_config_add_keys(feed_keys, n);
		checks = chousa_serve_config_checks(&n);
		(void)chousa_config_add_checks(checks, n);
		n = 0;
		ready = 1;
	}
	if (chousa_config_parse(&c, (const char *)data, size, "fuzz", &err) !=
	    CHOUSA_OK)
		return 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = chousa_config_get(c, keys[i][0], keys[i][1]);

		if (v != NULL) {
			(void)chousa_config_get_long(c, keys[i][0],
			    keys[i][1], 0);
			/* Durations ([server] update_every, --expires). */
			(void)chousa_duration_parse(v);
		}
	}
	(void)chousa_config_get_bool(c, "http", "insecure", 0);
	(void)chousa_config_check(c, sources, 0, on_issue, &n);
	for (i = 0; sources[i] != NULL; i++)
		(void)chousa_config_key_problem(c, sources[i], why,
		    sizeof(why));
	chousa_config_free(c);
	return 0;
}
