/*
 * fuzz-export-receive.c: a team server's export answer (src/export/
 * receive.c) over any bytes: the input is the tar of a directory's files,
 * handed over in pieces as the network would, then unpacked into a
 * directory of its own and emptied again.  Any input must end in files
 * of that directory only, or a clean error that leaves none.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || (e->d_name[1] != '\0' &&
		    (e->d_name[1] != '.' || e->d_name[2] != '\0')))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[256];
	struct chousa_export_receipt *rx;
	struct chousa_export_report rep;
	struct chousa_err err;
	size_t at, n;
	int tar;

	if (size > 1 << 22)
		return 0;
	if (dir[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(dir, sizeof(dir), "%s/fuzz-export-receive-%d",
		    tmp != NULL ? tmp : "/tmp", (int)getpid());
	}
	if (chousa_export_receive_begin(&rx, "misp-feed", dir, &tar, &err) !=
	    CHOUSA_OK)
		return 0;
	/* In pieces of a size the first byte picks, as a socket reads. */
	for (at = 0; at < size; at += n) {
		n = size > 0 ? 1 + (size_t)data[0] * 37 : 1;
		if (n > size - at)
			n = size - at;
		if (chousa_export_receive_write(rx, (const char *)data + at,
		    n) != (long)n)
			break;
	}
	chousa_export_receive_end(rx, 1, &rep, &err);
	empty(dir);
	rmdir(dir);
	return 0;
}
