/*
 * suggest.c: "did you mean": the known name closest to a word that names
 * nothing, by the optimal string alignment distance (Levenshtein plus the
 * swap of two neighbours, the commonest slip: "investiagte").  Commands,
 * options, formats, sources and config names all ask here, so they agree.
 */
#include <ctype.h>
#include <string.h>

#include "chousa.h"

/* Longer words are refused: a name is never this long. */
#define SUGGEST_MAX	64

static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* The distance of a and b, ignoring case; SUGGEST_MAX when too long. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];

	if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
		return SUGGEST_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
			    d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

const char *
chousa_suggest(const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t best_d = SUGGEST_MAX, len, allowed, i;

	if (word == NULL || names == NULL)
		return NULL;
	len = strlen(word);
	/* A third of the word may be wrong: one slip in four letters. */
	allowed = len / 3;
	if (allowed < 1)
		allowed = 1;
	if (allowed > 3)
		allowed = 3;
	for (i = 0; names[i] != NULL; i++) {
		size_t d = distance(word, names[i]);

		if (d < best_d) {
			best = names[i];
			best_d = d;
		}
	}
	return best_d <= allowed ? best : NULL;
}
