/*
 * fuzz-labels.c: family names from labels (src/investigate/labels.c) over
 * any bytes: each line a label, all lines one engine's detection names
 * each.  Besides memory safety, a family named must be a non-empty word
 * of the input or an id of the compiled-in aliases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/labels.h"

#define NAMES_MAX	256

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct chousa_arena *arena;

static const char *
builtin(void *arg, const char *label)
{
	(void)arg;
	return labels_builtin_family(arena, label, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[NAMES_MAX], *f;
	char *text, *p;
	size_t n = 0;
	int engines;

	if (size > 1 << 16 || chousa_arena_new(&arena, 0, NULL) != CHOUSA_OK)
		return 0;
	text = chousa_arena_strndup(arena, (const char *)data, size);
	for (p = text; p != NULL && *p != '\0' && n < NAMES_MAX;) {
		char *nl = strchr(p, '\n');

		if (nl != NULL)
			*nl = '\0';
		names[n++] = p;
		f = labels_family(arena, p, builtin, NULL, NULL);
		if (f != NULL && *f == '\0')
			abort();
		p = nl != NULL ? nl + 1 : NULL;
	}
	f = labels_from_detections(arena, names, n, builtin, NULL, &engines,
	    NULL);
	if (f != NULL && (*f == '\0' || engines < 1))
		abort();
	(void)data_shared_platform(text);
	(void)data_shared_host(text);
	(void)data_public_resolver(text);
	chousa_arena_free(arena);
	return 0;
}
