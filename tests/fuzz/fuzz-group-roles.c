/*
 * fuzz-group-roles.c: the roles a single sign-on proxy's groups give
 * ([server] proxy_group_roles against the proxy's groups header;
 * auth_group_role in src/serve/auth.c), on any bytes: the map, then after
 * the first newline the groups.  Besides memory safety it checks that
 * whether the map is taken does not depend on the groups, that a role is
 * only ever raised and stays a role, and that a group the map names,
 * listed alone in any case, gets at least its entry's role.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The role the map's first entry gives its group, and the group in g. */
static int
first_entry(const char *map, char *g, size_t n)
{
	const char *p = map + strspn(map, " \t,");
	size_t len = strcspn(p, ",");
	const char *eq;

	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= n)
		return CHOUSA_ROLE_NONE;
	memcpy(g, p, len);
	g[len] = '\0';
	eq = strrchr(g, '=');
	if (eq == NULL)
		return CHOUSA_ROLE_NONE;
	g[eq - g] = '\0';
	return chousa_role_parse(eq + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chousa_err err = { 0 };
	char s[1024], g[300];
	const char *groups = NULL;
	char *nl;
	int alone = CHOUSA_ROLE_NONE, with = CHOUSA_ROLE_NONE;
	int top = CHOUSA_ROLE_ADMIN, rc, want;
	size_t i;

	if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		groups = nl + 1;
	}
	rc = auth_group_role(s, NULL, &alone, &err);
	if (alone != CHOUSA_ROLE_NONE ||
	    auth_group_role(s, groups, &with, &err) != rc ||
	    with < CHOUSA_ROLE_NONE || with > CHOUSA_ROLE_ADMIN ||
	    (rc != CHOUSA_OK && rc != CHOUSA_EINVAL) ||
	    auth_group_role(s, groups, &top, &err) != rc ||
	    top != CHOUSA_ROLE_ADMIN)
		abort();
	/* The first entry's group, alone and in capitals: its role. */
	want = first_entry(s, g, sizeof(g));
	if (rc != CHOUSA_OK || want == CHOUSA_ROLE_NONE || g[0] == '\0' ||
	    strpbrk(g, ", \t") != NULL)
		return 0;
	for (i = 0; g[i] != '\0'; i++)
		if (g[i] >= 'a' && g[i] <= 'z')
			g[i] = (char)(g[i] - 32);
	with = CHOUSA_ROLE_NONE;
	if (auth_group_role(s, g, &with, &err) != CHOUSA_OK || with < want)
		abort();
	return 0;
}
