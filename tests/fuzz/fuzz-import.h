/*
 * fuzz-import.h: the body shared by the importer fuzz targets.  Each
 * fuzz-import-<name>.c defines IMPORTER and includes this: the input is one
 * feed file, imported with that importer into an in-memory store, and any
 * input must end in a clean result or a clean error.
 */
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chousa_store *st;
	static unsigned runs;
	struct chousa_import_report rep;

	/* A fresh store now and then keeps memory flat over long runs. */
	if (st != NULL && ++runs % 512 == 0) {
		chousa_store_close(st);
		st = NULL;
	}
	if (st == NULL && chousa_store_open(&st, ":memory:", 0, NULL) !=
	    CHOUSA_OK)
		return 0;
	store_import_mem(st, IMPORTER, data, size, NULL, &rep, NULL);
	return 0;
}
