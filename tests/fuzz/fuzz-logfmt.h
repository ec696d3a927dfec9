/*
 * fuzz-logfmt.h: the body shared by the log-format fuzz targets.  Each
 * fuzz-logfmt-<name>.c defines LOGFMT and includes this: the input is one
 * log, swept with that format against a small matcher built once, so the
 * parser and every look-up path it feeds (URL rebuilding, parent walks,
 * CIDR search, unescaping) run on hostile bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct chousa_matcher *
fuzz_matcher(void)
{
	static struct chousa_matcher *m;
	static const struct {
		int		 type;
		const char	*value;
	} rows[] = {
		{ CHOUSA_IOC_IPV4, "185.244.25.10" },
		{ CHOUSA_IOC_IPV6, "2a0e:1c80:1:1:45:15:158:1" },
		{ CHOUSA_IOC_CIDR, "91.92.240.0/22" },
		{ CHOUSA_IOC_CIDR, "2a0e:2000::/32" },
		{ CHOUSA_IOC_DOMAIN, "evilcorp.xyz" },
		{ CHOUSA_IOC_URL, "http://malware-drop.top/x.exe" },
		{ CHOUSA_IOC_URL, "http://185.244.25.10:8080/bins/mozi.m" },
		{ CHOUSA_IOC_SHA256, "9f2b1c0d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
		    "0f9a8b7c6d5e4f3a2b1c" },
	};
	size_t i;

	if (m != NULL)
		return m;
	if (chousa_matcher_new(&m, NULL) != CHOUSA_OK)
		abort();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct chousa_store_row r = { rows[i].type, rows[i].value,
		    "fuzz", "win.emotet", 1710000000, 1710000000 };

		chousa_matcher_add(m, &r, NULL);
	}
	{
		struct chousa_store_row b = { CHOUSA_IOC_DOMAIN, "example.com",
		    "fuzz", NULL, 0, 0 };

		chousa_matcher_add_benign(m, &b, NULL);
	}
	chousa_matcher_finish(m, NULL);
	return m;
}

static int
fuzz_hit(void *arg, const struct chousa_hit *h)
{
	size_t *n = arg;

	/* Touch every view: a bad offset shows under ASan here. */
	*n += h->src.len + h->dst.len + h->observed.len + h->time_text.len +
	    strlen(h->indicator) + (h->src.len ? (size_t)h->src.p[0] : 0) +
	    (h->observed.len ? (size_t)h->observed.p[h->observed.len - 1] : 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_sweep_opts o;
	struct chousa_sweep_stats st;
	size_t n = 0;

	memset(&o, 0, sizeof(o));
	o.format = LOGFMT;
	o.max_line = 1 << 16;
	o.as_of_log_time = 1;
	o.window = 86400;
	chousa_sweep_buffer(fuzz_matcher(), "fuzz", data, size, &o, fuzz_hit,
	    &n, &st, NULL);
	(void)chousa_sweep_detect(data, size);
	return 0;
}
