/*
 * mem.c: allocation and file writes with optional failure injection.  In a
 * build with -DCHOUSA_INJECT, CHOUSA_FAIL_ALLOC=N makes the Nth allocation
 * (and every later one) fail, and CHOUSA_FAIL_WRITE=N the Nth write, so
 * tests can prove that every failure path ends in a clean error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "base/mem.h"

#ifdef CHOUSA_INJECT
static long alloc_countdown = -2;	/* -2: not read yet; -1: never */
static long write_countdown = -2;
static int injected;

static long
read_countdown(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long n;

	if (s == NULL || *s == '\0')
		return -1;
	n = strtol(s, &end, 10);
	return (*end == '\0' && n > 0) ? n : -1;
}

static int
should_fail(long *countdown, const char *name)
{
	if (*countdown == -2)
		*countdown = read_countdown(name);
	if (*countdown < 0)
		return 0;
	if (*countdown > 1) {
		(*countdown)--;
		return 0;
	}
	injected = 1;
	return 1;
}
#define FAIL_ALLOC()	should_fail(&alloc_countdown, "CHOUSA_FAIL_ALLOC")
#define FAIL_WRITE()	should_fail(&write_countdown, "CHOUSA_FAIL_WRITE")
#else
#define FAIL_ALLOC()	0
#define FAIL_WRITE()	0
static const int injected;
#endif

void *
mem_alloc(size_t size)
{
	if (FAIL_ALLOC())
		return NULL;
	return calloc(1, size ? size : 1);
}

void *
mem_realloc(void *p, size_t size)
{
	if (FAIL_ALLOC())
		return NULL;
	return realloc(p, size ? size : 1);
}

int
mem_grow(void *pv, size_t n, size_t *cap, size_t size, size_t first,
    size_t max)
{
	size_t want;
	void *v;

	if (n < *cap)
		return CHOUSA_OK;
	want = *cap ? *cap * 2 : first;
	if (want <= n || want < *cap || (max != 0 && want > max) ||
	    want > SIZE_MAX / size)
		return CHOUSA_ELIMIT;
	/* pv may point at any pointer type: copy it, never alias it. */
	memcpy(&v, pv, sizeof(v));
	v = mem_realloc(v, want * size);
	if (v == NULL)
		return CHOUSA_ENOMEM;
	memcpy(pv, &v, sizeof(v));
	*cap = want;
	return CHOUSA_OK;
}

void
mem_free(void *p)
{
	free(p);
}

char *
mem_strndup(const char *s, size_t len)
{
	char *d = mem_alloc(len + 1);

	if (d == NULL)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *
mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

size_t
mem_fwrite(const void *p, size_t size, size_t n, FILE *fp)
{
	if (FAIL_WRITE())
		return 0;
	return fwrite(p, size, n, fp);
}

int
mem_inject_fired(void)
{
	return injected;
}
