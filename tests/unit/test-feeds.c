/*
 * test-feeds.c: the feed descriptors (struct chousa_feed) hold together:
 * every name is one feed's, every local source they name exists, every
 * download has its [feeds] <name>_url setting (base's table has none
 * until the program adds the feed table's, as cli/main.c does), and the
 * store names the local sources read resolve as they did when each source
 * kept its list, and a descriptor with local_types makes its source.
 */
#include <string.h>

#include "chousa.h"
#include "t.h"

/* Whether the settings table has [feeds] <name>_url. */
static int
has_url_key(const char *name)
{
	const struct chousa_config_key *k = chousa_config_keys();
	char want[64];

	snprintf(want, sizeof(want), "%s_url", name);
	for (; k->section != NULL; k++)
		if (strcmp(k->section, "feeds") == 0 &&
		    strcmp(k->key, want) == 0)
			return 1;
	return 0;
}

int
main(void)
{
	const struct chousa_feed *const *feeds = chousa_feeds();
	const char *const *importers = chousa_importer_names();
	const struct chousa_config_key *keys;
	size_t i, k, n_importers = 0, n_keys;
	char made[64];
	int names_unique = 1, sources_exist = 1, urls_have_key = 1;
	int downloads_have_file = 1, sources_made = 1, sample_pages = 1;

	T_OK("base_names_no_feed_setting", !has_url_key("urlhaus"));
	keys = chousa_feed_config_keys(&n_keys);
	T_INTEQ("feed_settings_join_the_table", chousa_config_add_keys(keys,
	    n_keys), CHOUSA_OK);
	T_OK("feed_setting_after_base_feeds_rows", strcmp(
	    chousa_config_key_find("feeds", "urlhaus_url", NULL)[-1].key,
	    "timeout") == 0);
	for (i = 0; importers[i] != NULL; i++)
		n_importers++;
	for (i = 0; i < n_importers; i++)
		T_STREQ("every_importer_has_its_feed_in_order",
		    feeds[i] != NULL ? feeds[i]->name : NULL, importers[i]);
	for (i = 0; i < n_importers; i++)
		T_OK("every_importer_says_what_it_reads",
		    chousa_importer_help(importers[i]) != NULL);
	T_OK("no_help_for_no_importer", chousa_importer_help("nosuch") ==
	    NULL);
	for (i = 0; feeds[i] != NULL; i++) {
		if (chousa_feed_find(feeds[i]->name) != feeds[i])
			names_unique = 0;
		for (k = 0; feeds[i]->aliases != NULL &&
		    feeds[i]->aliases[k] != NULL; k++)
			if (chousa_feed_find(feeds[i]->aliases[k]) !=
			    feeds[i])
				names_unique = 0;
		if (feeds[i]->local_source == NULL ||
		    chousa_source_find(feeds[i]->local_source) == NULL)
			sources_exist = 0;
		if (feeds[i]->url != NULL && !has_url_key(feeds[i]->name))
			urls_have_key = 0;
		if (feeds[i]->url != NULL && feeds[i]->file == NULL)
			downloads_have_file = 0;
		/*
		 * local-<name>: its "no data" names `chousa update <name>`,
		 * and its online twin is <name>.
		 */
		snprintf(made, sizeof(made), "local-%s", feeds[i]->name);
		if (feeds[i]->local_types != 0 && (strcmp(made,
		    feeds[i]->local_source) != 0 || chousa_source_find(
		    feeds[i]->local_source) == NULL || chousa_source_find(
		    feeds[i]->local_source)->types != feeds[i]->local_types ||
		    strcmp(chousa_source_find(feeds[i]->local_source)->title,
		    feeds[i]->title) != 0))
			sources_made = 0;
		/* A sample page is for the source the feed makes: one %s. */
		if (feeds[i]->sample_page != NULL && (feeds[i]->local_types ==
		    0 || strstr(feeds[i]->sample_page, "%s") == NULL ||
		    strchr(strchr(feeds[i]->sample_page, '%') + 1, '%') !=
		    NULL))
			sample_pages = 0;
	}
	T_OK("feed_names_and_aliases_find_their_feed", names_unique);
	T_OK("feed_local_sources_exist", sources_exist);
	T_OK("feed_downloads_have_a_url_setting", urls_have_key);
	T_OK("feed_downloads_have_a_file", downloads_have_file);
	T_OK("feed_descriptors_make_their_sources", sources_made);
	T_OK("feed_sample_pages_are_for_their_sources", sample_pages);
	T_STREQ("feed_sources_after_benign", chousa_sources()[1]->name,
	    "local-urlhaus");
	/* The feeds' sources go in feed order, before local-lists. */
	T_STREQ("bazaar_source_after_feodo", chousa_sources()[4]->name,
	    "local-malwarebazaar");
	T_STREQ("lists_after_the_feed_sources", chousa_sources()[5]->name,
	    "local-lists");

	T_STREQ("feed_alias_any_case", chousa_feed_local_source(
	    "FeodoTracker"), "local-feodo");
	T_STREQ("feed_bazaar_alias", chousa_feed_local_source("bazaar"),
	    "local-malwarebazaar");
	T_STREQ("feed_misp_is_a_list", chousa_feed_local_source("misp"),
	    "local-lists");
	T_STREQ("feed_source_name_is_a_list",
	    chousa_feed_local_source("mycase"), "local-lists");
	T_STREQ("feed_no_source_is_a_list", chousa_feed_local_source(NULL),
	    "local-lists");
	T_STREQ("feed_warninglist_is_benign",
	    chousa_feed_local_source("warninglist"), "benign");
	T_OK("feed_fplist_needs_the_key", chousa_feed_find("abusech-fp") !=
	    NULL && (chousa_feed_find("abusech-fp")->flags &
	    CHOUSA_FEED_NEEDS_KEY));
	T_OK("feed_only_misp_takes_a_directory",
	    (chousa_feed_find("misp")->flags & CHOUSA_FEED_DIRECTORY) &&
	    !(chousa_feed_find("list")->flags & CHOUSA_FEED_DIRECTORY));
	return T_DONE();
}
