/*
 * replay.c: a main() for the fuzz targets without libFuzzer.  It runs
 * LLVMFuzzerTestOneInput on every file of the target's corpus directories
 * (and on the files given), so make check keeps old findings fixed, as
 * SQLite's fuzzcheck does.  Prints one "ok" line per corpus.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data;
	long size;

	if (fp == NULL)
		return -1;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL || (size > 0 &&
	    fread(data, 1, (size_t)size, fp) != (size_t)size)) {
		free(data);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;
		size_t n = 0;
		char path[4096];

		if (stat(argv[i], &sb) != 0) {
			printf("not ok - replay %s: missing\n", argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(sb.st_mode)) {
			bad += run_file(argv[i]) != 0;
			continue;
		}
		d = opendir(argv[i]);
		while (d != NULL && (e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    e->d_name);
			if (run_file(path) == 0)
				n++;
		}
		if (d != NULL)
			closedir(d);
		printf("ok - replay %s (%zu inputs)\n", argv[i], n);
	}
	return bad ? 1 : 0;
}
