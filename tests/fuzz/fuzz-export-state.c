/*
 * fuzz-export-state.c: the --delta state file reader on any bytes.  The
 * input is the state a previous export left; an export of a small store
 * against it must end in a clean result (what was removed and added) or
 * a clean error, and never write what it read into the wrong place.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char feed[] =
    "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",\"ioc_type\","
    "\"threat_type\",\"fk_malware\",\"malware_alias\",\"malware_printable\","
    "\"last_seen_utc\",\"confidence_level\",\"reference\",\"tags\","
    "\"anonymous\",\"reporter\"\n"
    "\"2020-11-27 09:13:22\", \"1\", \"www.example.com\", \"domain\", "
    "\"payload_delivery\", \"win.emotet\", \"None\", \"Emotet\", \"\", "
    "\"75\", \"None\", \"None\", \"0\", \"x\"\n"
    "\"2020-11-27 08:20:41\", \"2\", \"192.0.2.1:8080\", \"ip:port\", "
    "\"botnet_cc\", \"win.emotet\", \"None\", \"Emotet\", \"\", \"100\", "
    "\"None\", \"None\", \"0\", \"x\"\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chousa_store *st;
	static char dir[64], state[96], out[96];
	struct chousa_import_report rep;
	struct chousa_export_opts o;
	FILE *fp;

	if (st == NULL) {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/fuzz-export.XXXXXX",
		    tmp != NULL && strlen(tmp) < 32 ? tmp : "/tmp");
		if (mkdtemp(dir) == NULL ||
		    chousa_store_open(&st, ":memory:", 0, NULL) != CHOUSA_OK)
			return 0;
		store_import_mem(st, "threatfox", feed, sizeof(feed) - 1,
		    NULL, &rep, NULL);
		snprintf(state, sizeof(state), "%s/state", dir);
		snprintf(out, sizeof(out), "%s/out.txt", dir);
	}
	fp = fopen(state, "wb");
	if (fp == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	memset(&o, 0, sizeof(o));
	o.format = "txt";
	o.out = out;
	o.min_confidence = -1;
	o.delta_state = state;
	o.now = o.stamp = 1790000000;
	chousa_export(st, &o, NULL, NULL);
	return 0;
}
