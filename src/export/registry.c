/*
 * registry.c: every export format (after masscan's OutputType).  Adding a
 * format is one file in src/export/ and one line here.
 */
#include <string.h>

#include "export/export.h"

extern const struct export_format export_zeek;
extern const struct export_format export_suricata;
extern const struct export_format export_ecs;
extern const struct export_format export_splunk;
extern const struct export_format export_clickhouse;
extern const struct export_format export_rpz;
extern const struct export_format export_misp;
extern const struct export_format export_stix;
extern const struct export_format export_csv;
extern const struct export_format export_txt;

static const struct export_format *const formats[] = {
	&export_zeek,
	&export_suricata,
	&export_ecs,
	&export_splunk,
	&export_clickhouse,
	&export_rpz,
	&export_misp,
	&export_stix,
	&export_csv,
	&export_txt,
	NULL
};

#define N_FORMATS	(sizeof(formats) / sizeof(formats[0]) - 1)

const struct export_format *
export_format_find(const char *name)
{
	size_t i;

	for (i = 0; formats[i] != NULL; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const char *const *
chousa_export_formats(void)
{
	static const char *names[N_FORMATS + 1];
	size_t i;

	for (i = 0; i < N_FORMATS; i++)
		names[i] = formats[i]->name;
	return names;
}

const char *
chousa_export_format_summary(const char *name)
{
	const struct export_format *f = export_format_find(name);

	return f != NULL ? f->summary : NULL;
}

int
chousa_export_format_is_dir(const char *name)
{
	const struct export_format *f = export_format_find(name);

	return f != NULL && (f->flags & EXPORT_F_DIR) != 0;
}
