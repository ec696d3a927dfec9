/*
 * lookup-bench.c: in-process look-ups per second against a store, the
 * figure the sweep and the investigation live by.  Reads indicators (one
 * per line), parses each once, then looks them all up ROUNDS times with
 * one arena and one snapshot (read transaction) per 1024 look-ups, as a
 * bulk caller would.
 *
 *   lookup-bench STORE INDICATORS [ROUNDS]
 * prints: lookups=N seconds=S per_second=R hits=H
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chousa.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct chousa_store *st;
	struct chousa_err err = { 0 };
	struct chousa_arena *keep, *a = NULL;
	struct chousa_indicator *v = NULL;
	char line[4096];
	size_t n = 0, cap = 0, i, hits = 0, done = 0;
	int rounds = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 3, r;
	double t0, t1;
	FILE *fp;

	if (argc < 3) {
		fprintf(stderr, "usage: lookup-bench STORE INDICATORS "
		    "[ROUNDS]\n");
		return 2;
	}
	if (chousa_store_open(&st, argv[1], CHOUSA_STORE_READONLY, &err) !=
	    CHOUSA_OK || chousa_arena_new(&keep, (size_t)1 << 30, &err) !=
	    CHOUSA_OK) {
		fprintf(stderr, "lookup-bench: %s\n", err.msg);
		return 1;
	}
	fp = fopen(argv[2], "r");
	if (fp == NULL) {
		perror(argv[2]);
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		size_t len = strcspn(line, "\r\n");

		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				return 1;
		}
		if (chousa_ioc_parse(keep, line, len, CHOUSA_IOC_ALL, &v[n],
		    NULL) == CHOUSA_OK)
			n++;
	}
	fclose(fp);
	t0 = now();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++) {
			struct chousa_record *rec;
			size_t n_rec = 0;

			if (done++ % 1024 == 0) {
				chousa_store_snapshot_end(st);
				chousa_arena_free(a);
				if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK ||
				    chousa_store_snapshot_begin(st, &err) !=
				    CHOUSA_OK)
					return 1;
			}
			if (chousa_store_lookup(st, a, &v[i], &rec, &n_rec,
			    &err) != CHOUSA_OK) {
				fprintf(stderr, "lookup-bench: %s\n", err.msg);
				return 1;
			}
			hits += n_rec > 0;
		}
	t1 = now();
	printf("lookups=%zu seconds=%.3f per_second=%.0f hits=%zu\n", done,
	    t1 - t0, (double)done / (t1 - t0), hits);
	chousa_arena_free(a);
	chousa_arena_free(keep);
	chousa_store_close(st);
	free(v);
	return 0;
}
