/*
 * registry.c: every log format, in the order --format=auto asks them (a
 * tie goes to the first).  Adding a format is its file and one X() line
 * here, which both declares and lists it.  What the front end says of the
 * formats (--help, completion, "packets" or "lines") is read from here.
 */
#include <pthread.h>
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

/* ---- what the front end says of them ---- */

static const char *names[sizeof(logfmt_registry) /
    sizeof(logfmt_registry[0])];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void
names_init(void)
{
	size_t i;

	for (i = 0; logfmt_registry[i] != NULL; i++)
		names[i] = logfmt_registry[i]->name;
	names[i] = NULL;
}

const char *const *
chousa_sweep_format_names(void)
{
	pthread_once(&names_once, names_init);
	return names;
}

const char *
chousa_sweep_format_summary(const char *name)
{
	const struct chousa_logfmt *f = name != NULL ? logfmt_find(name) :
	    NULL;

	return f != NULL ? f->summary : NULL;
}

const char *
chousa_sweep_format_unit(const char *name)
{
	const struct chousa_logfmt *f = name != NULL ? logfmt_find(name) :
	    NULL;

	return f != NULL && f->unit != NULL ? f->unit : "lines";
}
