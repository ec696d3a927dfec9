/*
 * fuzz-bundle.c: the bundle importers (src/store/store_bundle.c) over any
 * bytes: the first byte picks abuse.ch's false-positive list (even) or the
 * warninglists archive (odd), the rest is the file, imported into an
 * in-memory store.  Any input must end in a clean result or a clean error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chousa_store *st;
	static char path[256];
	struct chousa_bundle_report rep;
	FILE *fp;

	if (size < 1 || size > 1 << 22)
		return 0;
	if (path[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%s/fuzz-bundle-%d",
		    tmp != NULL ? tmp : "/tmp", (int)getpid());
	}
	if (st == NULL && chousa_store_open(&st, ":memory:", 0, NULL) !=
	    CHOUSA_OK)
		return 0;
	fp = fopen(path, "wb");
	if (fp == NULL)
		return 0;
	fwrite(data + 1, 1, size - 1, fp);
	fclose(fp);
	if (data[0] & 1)
		chousa_store_import_warninglists(st, path, NULL, &rep, NULL);
	else
		chousa_store_import_fplist(st, path, NULL, &rep, NULL);
	unlink(path);
	return 0;
}
