/*
 * settings.c: the [server] values chousa serve refuses rather than put a
 * default in their place (an address, a duration, a role), each with the
 * one check that decides.  A start, a reload, serve --check and, through
 * chousa_config_add_checks(), chousa config check and every command's
 * warnings ask the same check, so that none passes what another refuses.
 */
#include <string.h>
#include <sys/socket.h>

#include "base/ranges.h"
#include "serve/serve.h"

#define REFUSAL	"chousa serve will not start with it, and a reload keeps " \
	"the config in force"

static int
listen_check(const char *v, struct chousa_err *err)
{
	struct sockaddr_storage sa;
	socklen_t len;

	if (parse_listen(v, &sa, &len))
		return CHOUSA_OK;
	return chousa_errf(err, CHOUSA_EINVAL, "cannot be read as %s",
	    listen_form);
}

static int
duration_check(const char *v, struct chousa_err *err)
{
	if (chousa_duration_parse(v) > 0)
		return CHOUSA_OK;
	return chousa_errf(err, CHOUSA_EINVAL, "a duration such as 90s, 30m, "
	    "6h, 1d");
}

static int
proxies_check(const char *v, struct chousa_err *err)
{
	struct addr_ranges r;

	r.n = 0;
	return addr_ranges_add(&r, v, "trusted proxy", err);
}

static const struct chousa_config_value_check checks[] = {
	{ "server", "listen", listen_check, REFUSAL },
	{ "server", "update_every", duration_check, REFUSAL },
	{ "server", "trusted_proxies", proxies_check, REFUSAL },
	{ "server", "proxy_user_role", auth_user_role_check, REFUSAL },
	{ "server", "proxy_group_roles", auth_group_roles_check, REFUSAL },
};

const struct chousa_config_value_check *
chousa_serve_config_checks(size_t *n)
{
	*n = sizeof(checks) / sizeof(checks[0]);
	return checks;
}

size_t
serve_refused(const struct chousa_config *cfg, serve_refused_fn fn,
    void *arg)
{
	struct chousa_err err;
	const char *v;
	size_t i, n = 0;

	for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		v = chousa_config_get(cfg, checks[i].section, checks[i].key);
		memset(&err, 0, sizeof(err));
		if (v == NULL || checks[i].fn(v, &err) == CHOUSA_OK)
			continue;
		n++;
		if (fn != NULL)
			fn(arg, checks[i].key, v, err.msg);
	}
	return n;
}
