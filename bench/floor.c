/*
 * floor.c: the floor of reading a log, for bench-sweep.sh: map the file
 * (as chousa sweep does) and count its newlines with memchr, on one thread
 * or split over N.  Whatever a sweep does per line comes on top of this.
 * Usage: floor FILE [THREADS]; prints "bytes lines seconds MB/s".
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct part {
	const char	*p;
	size_t		 len;
	size_t		 lines;
};

static void *
count(void *arg)
{
	struct part *pt = arg;
	const char *p = pt->p, *end = pt->p + pt->len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		pt->lines++;
		p = nl + 1;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct part parts[16];
	pthread_t tid[16];
	struct timespec t0, t1;
	struct stat sb;
	size_t lines = 0, chunk;
	double secs;
	char *map;
	int fd, n = argc > 2 ? atoi(argv[2]) : 1, i;

	if (argc < 2 || n < 1 || n > 16) {
		fprintf(stderr, "usage: floor FILE [THREADS]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size == 0) {
		perror(argv[1]);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	chunk = (size_t)sb.st_size / (size_t)n + 1;
	for (i = 0; i < n; i++) {
		size_t off = (size_t)i * chunk;

		parts[i].p = map + (off < (size_t)sb.st_size ? off :
		    (size_t)sb.st_size);
		parts[i].len = off >= (size_t)sb.st_size ? 0 :
		    ((size_t)sb.st_size - off < chunk ?
		    (size_t)sb.st_size - off : chunk);
		parts[i].lines = 0;
		pthread_create(&tid[i], NULL, count, &parts[i]);
	}
	for (i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		lines += parts[i].lines;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%lld %zu %.4f %.0f\n", (long long)sb.st_size, lines, secs,
	    (double)sb.st_size / 1e6 / secs);
	munmap(map, (size_t)sb.st_size);
	close(fd);
	return 0;
}
