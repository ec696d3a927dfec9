/*
 * t.h: the unit-test asserts, a few lines and no framework (after redis's
 * testhelp.h).  Each test binary prints "ok - NAME" or "not ok - NAME:
 * why" per check, which tests/run.sh counts.
 */
#ifndef CHOUSA_T_H
#define CHOUSA_T_H

#include <stdio.h>
#include <string.h>

static int t_failed;

#define T_OK(name, cond) do {						\
	if (cond)							\
		printf("ok - %s\n", (name));				\
	else {								\
		printf("not ok - %s: %s (%s:%d)\n", (name), #cond,	\
		    __FILE__, __LINE__);				\
		t_failed++;						\
	}								\
} while (0)

#define T_STREQ(name, got, want) do {					\
	const char *t_g = (got), *t_w = (want);				\
	if (t_g != NULL && t_w != NULL && strcmp(t_g, t_w) == 0)	\
		printf("ok - %s\n", (name));				\
	else if (t_g == NULL && t_w == NULL)				\
		printf("ok - %s\n", (name));				\
	else {								\
		printf("not ok - %s: got '%s', want '%s' (%s:%d)\n",	\
		    (name), t_g ? t_g : "(null)", t_w ? t_w : "(null)",	\
		    __FILE__, __LINE__);				\
		t_failed++;						\
	}								\
} while (0)

#define T_INTEQ(name, got, want) do {					\
	long long t_g = (long long)(got), t_w = (long long)(want);	\
	if (t_g == t_w)							\
		printf("ok - %s\n", (name));				\
	else {								\
		printf("not ok - %s: got %lld, want %lld (%s:%d)\n",	\
		    (name), t_g, t_w, __FILE__, __LINE__);		\
		t_failed++;						\
	}								\
} while (0)

#define T_DONE() (t_failed ? 1 : 0)

#endif /* CHOUSA_T_H */
