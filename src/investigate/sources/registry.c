/*
 * registry.c: every source.  A run asks them by cost, cheap and local
 * first; among equal costs, in this order.  A source is a file of its own defining one struct chousa_source, plus its
 * extern and its line here.  Local sources read the store; online ones use
 * the run's HTTP handle.  A few names still carry meaning elsewhere:
 * "local-" prefixes a local source's online twin (investigate_verdict.c),
 * and freshness.c and the conclusion name local-lists, local-malpedia,
 * local-reports and benign.
 */
#include <string.h>

#include "base/mem.h"
#include "chousa.h"

extern const struct chousa_source chousa_source_benign;
extern const struct chousa_source chousa_source_local_urlhaus;
extern const struct chousa_source chousa_source_local_threatfox;
extern const struct chousa_source chousa_source_local_feodo;
extern const struct chousa_source chousa_source_local_malwarebazaar;
extern const struct chousa_source chousa_source_local_lists;
extern const struct chousa_source chousa_source_local_reports;
extern const struct chousa_source chousa_source_local_malpedia;
/* Online sources: one extern per module. */
extern const struct chousa_source chousa_source_urlhaus;
extern const struct chousa_source chousa_source_threatfox;
extern const struct chousa_source chousa_source_malwarebazaar;
extern const struct chousa_source chousa_source_malpedia;
extern const struct chousa_source chousa_source_abuseipdb;
extern const struct chousa_source chousa_source_otx;
extern const struct chousa_source chousa_source_inquest;
extern const struct chousa_source chousa_source_virustotal;
extern const struct chousa_source chousa_source_hybridanalysis;
extern const struct chousa_source chousa_source_triage;
extern const struct chousa_source chousa_source_joesandbox;
extern const struct chousa_source chousa_source_anyrun;

static const struct chousa_source *const sources[] = {
	&chousa_source_benign,
	&chousa_source_local_urlhaus,
	&chousa_source_local_threatfox,
	&chousa_source_local_feodo,
	&chousa_source_local_malwarebazaar,
	&chousa_source_local_lists,
	&chousa_source_local_reports,
	&chousa_source_local_malpedia,
	/* Online sources: one line per module. */
	&chousa_source_urlhaus,
	&chousa_source_threatfox,
	&chousa_source_malwarebazaar,
	&chousa_source_malpedia,
	&chousa_source_abuseipdb,
	&chousa_source_otx,
	&chousa_source_inquest,
	&chousa_source_virustotal,
	&chousa_source_hybridanalysis,
	&chousa_source_triage,
	&chousa_source_joesandbox,
	&chousa_source_anyrun,
	NULL
};

const struct chousa_source *const *
chousa_sources(void)
{
	return sources;
}

/* An empty setting counts as unset, so "api_key =" means no key. */
static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
chousa_source_key(const struct chousa_config *cfg,
    const struct chousa_source *s)
{
	const char *k = nonempty(chousa_config_get(cfg, s->name, "api_key"));

	if (k == NULL && (s->flags & CHOUSA_SRC_ABUSECH_KEY))
		k = nonempty(chousa_config_get(cfg, "abusech", "auth_key"));
	return k;
}

const struct chousa_source *
chousa_source_find(const char *name)
{
	size_t i;

	for (i = 0; sources[i] != NULL; i++)
		if (strcmp(sources[i]->name, name) == 0)
			return sources[i];
	return NULL;
}
