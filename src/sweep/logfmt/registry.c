/*
 * registry.c: every log format, in the order --format=auto asks them.
 * Adding a format is one file and one line here.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"

const struct chousa_logfmt *const logfmt_registry[] = {
	&logfmt_pcap,
	&logfmt_zeek,
	&logfmt_eve,
	&logfmt_zeek_json,
	&logfmt_squid,
	&logfmt_clf,
	&logfmt_bind,
	&logfmt_windns,
	&logfmt_text,
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
