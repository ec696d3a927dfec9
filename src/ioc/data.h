/*
 * data.h: the data files under data/, compiled in (data.c), and the
 * questions more than one module asks of them: whether a host is a
 * shared publishing platform, whether an address is a big public DNS
 * resolver.  The investigation's verdicts and the exports' known-benign
 * filter ask the same functions, so they judge a name alike.
 */
#ifndef CHOUSA_DATA_H
#define CHOUSA_DATA_H

/* The compiled-in data files, NULL-terminated. */
const char *const *data_generic_words(void);
const char *const *data_family_aliases(void);
const char *const *data_shared_platforms(void);
const char *const *data_public_resolvers(void);
const char *const *data_reference_sites(void);

/* Whether host is, or is under, a name of list (NULL-terminated);
 * case aside.  host NULL: 0. */
int	data_host_in(const char *const *list, const char *host);

/* Whether host is, or is under, a shared publishing platform
 * (data/shared-platforms.txt: github.com, dropbox.com, github.io...):
 * whether anyone can publish there.  host NULL: 0. */
int	data_shared_platform(const char *host);

/* Whether the whole host is shared, so that blocking it would cut every
 * user off: a platform's name, or under a plain entry (www.dropbox.com);
 * not a tenant's host under a "*." entry (evil-user.github.io,
 * d1234.cloudfront.net), which is one tenant's.  host NULL: 0. */
int	data_shared_host(const char *host);

/* Whether an address (normal form) is a big public DNS resolver
 * (data/public-resolvers.txt: 8.8.8.8, 1.1.1.1...).  ip NULL: 0. */
int	data_public_resolver(const char *ip);

#endif /* CHOUSA_DATA_H */
