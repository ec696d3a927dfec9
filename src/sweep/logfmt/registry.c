/*
 * registry.c: every log format, in the order --format=auto asks them (a
 * tie goes to the first).  Adding a format is its file and one X() line
 * here, which both declares and lists it.
 */
#include <string.h>

#include "chousa.h"
#include "sweep/logfmt.h"

#define FORMATS(X) \
	X(pcap) \
	X(zeek) \
	X(eve) \
	X(zeek_json) \
	X(squid) \
	X(clf) \
	X(bind) \
	X(windns) \
	X(text)

#define DECLARE(name)	extern const struct chousa_logfmt logfmt_##name;
#define ENTRY(name)	&logfmt_##name,

FORMATS(DECLARE)

const struct chousa_logfmt *const logfmt_registry[] = {
	FORMATS(ENTRY)
	NULL
};

const struct chousa_logfmt *
logfmt_find(const char *name)
{
	size_t i;

	for (i = 0; logfmt_registry[i] != NULL; i++)
		if (strcmp(logfmt_registry[i]->name, name) == 0)
			return logfmt_registry[i];
	return NULL;
}
