/*
 * tally.c: a count per name, for a sweep's most seen hosts and families
 * and its distinct indicators.  An open-addressing table of copied names
 * (at most CHOUSA_TALLY_NAME_MAX - 1 bytes each), kept at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "base/hash.h"
#include "base/mem.h"

static size_t
slot_of(const struct chousa_tally *t, const char *name)
{
	size_t i = (size_t)chousa_fnv1a64(CHOUSA_FNV64_INIT, name,
	    strlen(name)) & (t->cap - 1);

	while (t->name[i] != NULL && strcmp(t->name[i], name) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* Twice the slots, every name moved; the tally is unchanged on failure. */
static int
tally_double(struct chousa_tally *t)
{
	struct chousa_tally nt;
	size_t i, j;

	memset(&nt, 0, sizeof(nt));
	nt.cap = t->cap ? t->cap * 2 : 64;
	nt.name = mem_alloc(nt.cap * sizeof(*nt.name));
	nt.count = mem_alloc(nt.cap * sizeof(*nt.count));
	if (nt.name == NULL || nt.count == NULL) {
		mem_free(nt.name);
		mem_free(nt.count);
		return CHOUSA_ENOMEM;
	}
	for (i = 0; i < t->cap; i++) {
		if (t->name[i] == NULL)
			continue;
		j = slot_of(&nt, t->name[i]);
		nt.name[j] = t->name[i];
		nt.count[j] = t->count[i];
	}
	nt.n = t->n;
	nt.sorted = t->sorted;
	mem_free(t->name);
	mem_free(t->count);
	*t = nt;
	return CHOUSA_OK;
}

int
chousa_tally_add(struct chousa_tally *t, const char *s, size_t len)
{
	char key[CHOUSA_TALLY_NAME_MAX];
	size_t i;

	if (len >= sizeof(key))
		len = sizeof(key) - 1;
	memcpy(key, s, len);
	key[len] = '\0';
	if ((t->n + 1) * 2 > t->cap && tally_double(t) != CHOUSA_OK)
		return CHOUSA_ENOMEM;
	i = slot_of(t, key);
	if (t->name[i] != NULL) {
		t->count[i]++;
		return CHOUSA_OK;
	}
	t->name[i] = mem_strndup(key, len);
	if (t->name[i] == NULL)
		return CHOUSA_ENOMEM;
	t->count[i] = 1;
	t->n++;
	return CHOUSA_OK;
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
	struct chousa_count *c;
	size_t i, n = 0;

	c = mem_realloc(t->sorted, (t->n + 1) * sizeof(*c));
	if (c == NULL)
		return NULL;
	t->sorted = c;
	for (i = 0; i < t->cap; i++)
		if (t->name[i] != NULL) {
			c[n].name = t->name[i];
			c[n].n = t->count[i];
			n++;
		}
	qsort(c, n, sizeof(*c), by_count);
	return c;
}

void
chousa_tally_free(struct chousa_tally *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		mem_free(t->name[i]);
	mem_free(t->name);
	mem_free(t->count);
	mem_free(t->sorted);
	memset(t, 0, sizeof(*t));
}
