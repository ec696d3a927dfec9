/*
 * registry.c: every output format, and the look-up by name of a format
 * and of a report renderer.  A format pairs a report renderer
 * (src/investigate/render/) with the hooks of the other kinds of result
 * (src/render/format-*.c); either may be missing.  Adding a format is one
 * file and one line here.
 */
#include <pthread.h>
#include <string.h>

#include "chousa.h"

extern const struct chousa_renderer chousa_renderer_text;
extern const struct chousa_renderer chousa_renderer_json;
extern const struct chousa_renderer chousa_renderer_md;
extern const struct chousa_renderer chousa_renderer_html;
extern const struct chousa_renderer chousa_renderer_stix;
extern const struct chousa_renderer chousa_renderer_misp;
extern const struct chousa_renderer chousa_renderer_dot;
extern const struct chousa_result_hooks chousa_results_text;
extern const struct chousa_result_hooks chousa_results_json;
extern const struct chousa_result_hooks chousa_results_csv;
/* Other formats: one extern per file. */

/* In the order --help, completion and errors list them. */
static const struct chousa_format formats[] = {
	{ "text", &chousa_renderer_text, &chousa_results_text },
	{ "json", &chousa_renderer_json, &chousa_results_json },
	{ "md", &chousa_renderer_md, NULL },
	{ "html", &chousa_renderer_html, NULL },
	{ "stix", &chousa_renderer_stix, NULL },
	{ "misp", &chousa_renderer_misp, NULL },
	{ "dot", &chousa_renderer_dot, NULL },
	{ "csv", NULL, &chousa_results_csv },
	/* Other formats: one line per file. */
	{ NULL, NULL, NULL }
};

#define N_FORMATS	(sizeof(formats) / sizeof(formats[0]))

/* What an error calls each kind, by enum chousa_result_kind. */
static const char *const kind_names[] = {
	"reports", "look-ups", "extracted indicators", "sweeps",
	"sources", "the cache", "store statistics", "import results"
};

const struct chousa_format *
chousa_formats(void)
{
	return formats;
}

const struct chousa_format *
chousa_format_find(const char *name)
{
	size_t i;

	for (i = 0; formats[i].name != NULL; i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

int
chousa_format_shows(const struct chousa_format *f, int kind)
{
	const struct chousa_result_hooks *h = f->results;

	if (kind == CHOUSA_RESULT_REPORT)
		return f->report != NULL;
	if (h == NULL)
		return 0;
	switch (kind) {
	case CHOUSA_RESULT_LOOKUP:
		return h->lookup != NULL;
	case CHOUSA_RESULT_EXTRACT:
		return h->extract != NULL;
	case CHOUSA_RESULT_SWEEP:
		return h->sweep_hit != NULL && h->sweep_investigation != NULL;
	case CHOUSA_RESULT_SOURCES:
		return h->sources != NULL;
	case CHOUSA_RESULT_CACHE:
		return h->cache != NULL;
	case CHOUSA_RESULT_STATS:
		return h->stats != NULL;
	case CHOUSA_RESULT_IMPORT:
		return h->import != NULL;
	}
	return 0;
}

size_t
chousa_format_names(int kind, const char **names, size_t cap)
{
	size_t i, n = 0;

	if (cap == 0)
		return 0;
	for (i = 0; formats[i].name != NULL && n + 1 < cap; i++)
		if (chousa_format_shows(&formats[i], kind))
			names[n++] = formats[i].name;
	names[n] = NULL;
	return n;
}

int
chousa_format_get(const char *name, int kind,
    const struct chousa_format **out, struct chousa_err *err)
{
	const struct chousa_format *f = chousa_format_find(name);
	const char *names[N_FORMATS];
	struct chousa_buf list;
	size_t i, n;
	int rc;

	if (kind < 0 || (size_t)kind >= sizeof(kind_names) /
	    sizeof(kind_names[0]))
		return chousa_errf(err, CHOUSA_EINVAL, "no kind of result %d",
		    kind);
	if (f != NULL && chousa_format_shows(f, kind)) {
		*out = f;
		return CHOUSA_OK;
	}
	if (f != NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "format '%s' cannot "
		    "show %s", name, kind_names[kind]);
	n = chousa_format_names(kind, names, N_FORMATS);
	chousa_buf_init(&list, 1024);
	for (i = 0; i < n; i++)
		chousa_buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
	rc = chousa_errf(err, CHOUSA_EINVAL, "unknown format '%s' (%s)", name,
	    list.data != NULL ? list.data : "");
	chousa_buf_release(&list);
	return rc;
}

/* ---- the report renderers, as the report kind's column ---- */

static const struct chousa_renderer *renderers[N_FORMATS];
static pthread_once_t renderers_once = PTHREAD_ONCE_INIT;

static void
renderers_init(void)
{
	size_t i, n = 0;

	for (i = 0; formats[i].name != NULL; i++)
		if (formats[i].report != NULL)
			renderers[n++] = formats[i].report;
	renderers[n] = NULL;
}

const struct chousa_renderer *const *
chousa_renderers(void)
{
	pthread_once(&renderers_once, renderers_init);
	return renderers;
}

const struct chousa_renderer *
chousa_renderer_find(const char *name)
{
	const struct chousa_format *f = chousa_format_find(name);

	return f != NULL ? f->report : NULL;
}
