/*
 * set.c: distinct byte strings and how often each was added, for extract
 * --unique and the tally.  An open-addressing table of copied keys kept at
 * most half full; a slot matches on its hash and then on the bytes, so a
 * collision never merges two keys.
 */
#include <string.h>

#include "chousa.h"
#include "base/hash.h"
#include "base/mem.h"

static uint64_t
fnv(const void *p, size_t len)
{
	return chousa_fnv1a64(CHOUSA_FNV64_INIT, p, len);
}

/* The slot holding key, or the empty one where it would go. */
static size_t
slot_of(const struct chousa_set *s, uint64_t h, const void *key, size_t len)
{
	size_t i = (size_t)h & (s->cap - 1);

	while (s->slot[i].key != NULL && (s->slot[i].hash != h ||
	    s->slot[i].len != len || memcmp(s->slot[i].key, key, len) != 0))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Twice the slots, every key moved; the set is unchanged on failure. */
static int
set_double(struct chousa_set *s)
{
	struct chousa_set ns;
	size_t i, j;

	memset(&ns, 0, sizeof(ns));
	ns.cap = s->cap ? s->cap * 2 : 64;
	ns.slot = mem_alloc(ns.cap * sizeof(*ns.slot));
	if (ns.slot == NULL)
		return CHOUSA_ENOMEM;
	for (i = 0; i < s->cap; i++) {
		if (s->slot[i].key == NULL)
			continue;
		j = slot_of(&ns, s->slot[i].hash, s->slot[i].key,
		    s->slot[i].len);
		ns.slot[j] = s->slot[i];
	}
	ns.n = s->n;
	ns.hash = s->hash;
	mem_free(s->slot);
	*s = ns;
	return CHOUSA_OK;
}

int
chousa_set_add(struct chousa_set *s, const void *key, size_t len,
    int *is_new)
{
	uint64_t h;
	size_t i;

	if ((s->n + 1) * 2 > s->cap && set_double(s) != CHOUSA_OK)
		return CHOUSA_ENOMEM;
	h = s->hash != NULL ? s->hash(key, len) : fnv(key, len);
	i = slot_of(s, h, key, len);
	if (s->slot[i].key != NULL) {
		s->slot[i].n++;
		*is_new = 0;
		return CHOUSA_OK;
	}
	s->slot[i].key = mem_strndup(key, len);
	if (s->slot[i].key == NULL)
		return CHOUSA_ENOMEM;
	s->slot[i].hash = h;
	s->slot[i].len = len;
	s->slot[i].n = 1;
	s->n++;
	*is_new = 1;
	return CHOUSA_OK;
}

void
chousa_set_free(struct chousa_set *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		mem_free(s->slot[i].key);
	mem_free(s->slot);
	memset(s, 0, sizeof(*s));
}
