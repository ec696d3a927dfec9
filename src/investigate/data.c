/*
 * data.c: the data files under data/, compiled into the library by
 * scripts/gen-data.sh, so that the tool needs no file at run time and a
 * test build reads the same lists as an installed one.
 */
#include <stddef.h>

#include "investigate/labels.h"
#include "chousa-data.h"

const char *const *
data_generic_words(void)
{
	return list_labels_generic;
}

const char *const *
data_family_aliases(void)
{
	return list_labels_aliases;
}

const char *const *
data_shared_platforms(void)
{
	return list_shared_platforms;
}

const char *const *
data_public_resolvers(void)
{
	return list_public_resolvers;
}

const char *const *
data_reference_sites(void)
{
	return list_reference_sites;
}
