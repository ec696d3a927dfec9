/*
 * hash.h: FNV-1a, the one string hash of the library's hash tables, caches
 * and de-duplication sets.  Inline, since every look-up and every imported
 * row hashes a few strings.  h is where to start: CHOUSA_FNV*_INIT, or a
 * previous result to hash several parts as one, or the start mixed with a
 * type so that equal text of two types hashes apart.
 */
#ifndef CHOUSA_HASH_H
#define CHOUSA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define CHOUSA_FNV32_INIT	2166136261u
#define CHOUSA_FNV32_PRIME	16777619u
#define CHOUSA_FNV64_INIT	14695981039346656037ull
#define CHOUSA_FNV64_PRIME	1099511628211ull

static inline uint32_t
chousa_fnv1a32(uint32_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * CHOUSA_FNV32_PRIME;
	return h;
}

static inline uint64_t
chousa_fnv1a64(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * CHOUSA_FNV64_PRIME;
	return h;
}

#endif /* CHOUSA_HASH_H */
