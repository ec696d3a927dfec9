/*
 * registry.c: every source.  A run asks them by cost, cheap and local
 * first; among equal costs, in this order.  A source is a file of its own
 * defining one struct chousa_source, plus its extern and its line here; a
 * feed whose descriptor gives its local source's types (local_types)
 * makes that source itself, and needs neither.  Local sources read the
 * store; online ones use the run's HTTP handle.  A few names still carry
 * meaning elsewhere: "local-" prefixes a local source's online twin
 * (investigate_verdict.c), and freshness.c and the conclusion name
 * local-lists, local-malpedia, local-reports and benign.
 */
#include <pthread.h>
#include <string.h>

#include "base/mem.h"
#include "investigate/investigate.h"

extern const struct chousa_source chousa_source_benign;
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

/* Where in table[] the sources the feed descriptors make go. */
static const struct chousa_source feed_sources;

static const struct chousa_source *const table[] = {
	&chousa_source_benign,
	&feed_sources,	/* local-urlhaus, -threatfox, -feodo, -malwarebazaar */
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

#define SOURCES_MAX	64
#define MADE_MAX	32

static struct chousa_source made[MADE_MAX];
static const struct chousa_source *sources[SOURCES_MAX];
static const char *sections[SOURCES_MAX];	/* the online ones' names */
static pthread_once_t sources_once = PTHREAD_ONCE_INIT;

/*
 * table[] with the feeds' own sources in their place, in feed order; and
 * the online sources' names, their config sections.
 */
static void
sources_init(void)
{
	const struct chousa_feed *const *feeds = chousa_feeds();
	size_t i, k, n = 0, n_made = 0, n_sections = 0;

	for (i = 0; table[i] != NULL && n + 1 < SOURCES_MAX; i++) {
		if (table[i] != &feed_sources) {
			sources[n++] = table[i];
			continue;
		}
		for (k = 0; feeds[k] != NULL && n + 1 < SOURCES_MAX &&
		    n_made < MADE_MAX; k++) {
			if (feeds[k]->local_types == 0)
				continue;
			local_feed_source(&made[n_made], feeds[k]);
			sources[n++] = &made[n_made++];
		}
	}
	for (i = 0; i < n; i++)
		if (!(sources[i]->flags & CHOUSA_SRC_LOCAL))
			sections[n_sections++] = sources[i]->name;
}

/* Built once, whichever thread asks first (the server's workers). */
const struct chousa_source *const *
chousa_sources(void)
{
	pthread_once(&sources_once, sources_init);
	return sources;
}

const char *const *
chousa_source_sections(void)
{
	pthread_once(&sources_once, sources_init);
	return sections;
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
	const struct chousa_source *const *all = chousa_sources();
	size_t i;

	for (i = 0; all[i] != NULL; i++)
		if (strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}
