/*
 * data.c: the data files under data/, compiled into the library by
 * scripts/gen-data.sh, so that the tool needs no file at run time and a
 * test build reads the same lists as an installed one; and the look-ups
 * in them that the investigation and the exports share.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "ioc/data.h"
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

int
data_host_in(const char *const *list, const char *host)
{
	size_t i, hl;

	if (host == NULL)
		return 0;
	hl = strlen(host);
	for (i = 0; list[i] != NULL; i++) {
		size_t ll = strlen(list[i]);

		if (hl == ll && strcasecmp(host, list[i]) == 0)
			return 1;
		if (hl > ll && host[hl - ll - 1] == '.' &&
		    strcasecmp(host + hl - ll, list[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether host is entry, or under it when sub; a tenant entry ("*.name")
 * stands for name.
 */
static int
entry_covers(const char *entry, const char *host, size_t hl, int sub)
{
	size_t ll;

	if (entry[0] == '*' && entry[1] == '.')
		entry += 2;
	ll = strlen(entry);
	if (hl == ll && strcasecmp(host, entry) == 0)
		return 1;
	return sub && hl > ll && host[hl - ll - 1] == '.' &&
	    strcasecmp(host + hl - ll, entry) == 0;
}

int
data_shared_platform(const char *host)
{
	const char *const *list = data_shared_platforms();
	size_t i, hl;

	if (host == NULL)
		return 0;
	hl = strlen(host);
	for (i = 0; list[i] != NULL; i++)
		if (entry_covers(list[i], host, hl, 1))
			return 1;
	return 0;
}

int
data_shared_host(const char *host)
{
	const char *const *list = data_shared_platforms();
	size_t i, hl;

	if (host == NULL)
		return 0;
	hl = strlen(host);
	for (i = 0; list[i] != NULL; i++)
		if (entry_covers(list[i], host, hl, list[i][0] != '*'))
			return 1;
	return 0;
}

int
data_public_resolver(const char *ip)
{
	const char *const *list = data_public_resolvers();
	size_t i;

	if (ip == NULL)
		return 0;
	for (i = 0; list[i] != NULL; i++)
		if (strcasecmp(list[i], ip) == 0)
			return 1;
	return 0;
}
