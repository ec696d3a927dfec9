/*
 * tally.c: a count per name, for a sweep's most seen hosts and families
 * and its distinct indicators: a chousa_set of names, each cut at
 * CHOUSA_TALLY_NAME_MAX - 1 bytes, whose slots count the adds.
 */
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "base/mem.h"

int
chousa_tally_add(struct chousa_tally *t, const char *s, size_t len)
{
	int is_new, rc;

	if (len >= CHOUSA_TALLY_NAME_MAX)
		len = CHOUSA_TALLY_NAME_MAX - 1;
	/* A name stops at a NUL, as it is shown. */
	len = strnlen(s, len);
	rc = chousa_set_add(&t->set, s, len, &is_new);
	t->n = t->set.n;
	return rc;
}

static int
by_count(const void *a, const void *b)
{
	const struct chousa_count *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

const struct chousa_count *
chousa_tally_sorted(struct chousa_tally *t)
{
	const struct chousa_set *s = &t->set;
	struct chousa_count *c;
	size_t i, n = 0;

	c = mem_realloc(t->sorted, (t->n + 1) * sizeof(*c));
	if (c == NULL)
		return NULL;
	t->sorted = c;
	for (i = 0; i < s->cap; i++)
		if (s->slot[i].key != NULL) {
			c[n].name = s->slot[i].key;
			c[n].n = s->slot[i].n;
			n++;
		}
	qsort(c, n, sizeof(*c), by_count);
	return c;
}

void
chousa_tally_free(struct chousa_tally *t)
{
	chousa_set_free(&t->set);
	mem_free(t->sorted);
	memset(t, 0, sizeof(*t));
}
