/*
 * check.c: chousa serve --check.  What a start would refuse, and what it
 * would start with but regret, found without starting: for the validate
 * step of a configuration tool, or before a SIGHUP, as nginx -t and
 * sshd -t serve.  Nothing listens, nor is created or written: the
 * address is bound for a moment, never listened on, to see that a start
 * could take it; the store is opened read-only, and asked whether this
 * user could write it.
 */
#include <sys/statvfs.h>

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

#define CHECK_MAX	64

struct check {
	struct {
		const char	*level;		/* "ok", "warning", "error" */
		const char	*what;
		char		 detail[CHOUSA_ERR_MSG_SIZE];
	}			 r[CHECK_MAX];
	int			 n, errors;
};

/* One finding: its level, what was checked, what it found. */
static void
said(struct check *c, const char *level, const char *what, const char *fmt,
    ...)
{
	va_list ap;

	if (c->n == CHECK_MAX)
		return;
	c->r[c->n].level = level;
	c->r[c->n].what = what;
	va_start(ap, fmt);
	vsnprintf(c->r[c->n].detail, sizeof(c->r[c->n].detail), fmt, ap);
	va_end(ap);
	c->errors += strcmp(level, "error") == 0;
	c->n++;
}

/*
 * The findings as lines "LEVEL WHAT DETAIL", or as one JSON object: the
 * worst level as "status", then each as health's checks are written.
 */
static void
render(const struct check *c, int json, struct chousa_buf *out)
{
	struct chousa_jw w;
	const char *worst = "ok";
	int i;

	if (!json) {
		for (i = 0; i < c->n; i++)
			chousa_buf_addf(out, "%-8s %-10s %s\n", c->r[i].level,
			    c->r[i].what, c->r[i].detail);
		return;
	}
	for (i = 0; i < c->n; i++)
		if (strcmp(c->r[i].level, "error") == 0 ||
		    (strcmp(c->r[i].level, "warning") == 0 &&
		    strcmp(worst, "ok") == 0))
			worst = c->r[i].level;
	chousa_jw_init(&w, out);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "status", worst);
	chousa_jw_key(&w, "checks");
	chousa_jw_array(&w);
	for (i = 0; i < c->n; i++) {
		chousa_jw_object(&w);
		chousa_jw_kstr(&w, "check", c->r[i].what);
		chousa_jw_kstr(&w, "status", c->r[i].level);
		chousa_jw_kstr(&w, "detail", c->r[i].detail);
		chousa_jw_object_end(&w);
	}
	chousa_jw_array_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(out, '\n');
}

/* Each problem of the config file and the environment, as a warning. */
static void
config_issue(void *arg, const char *where, const char *message)
{
	said(arg, "warning", "config", "%s: %s", where, message);
}

/* What refused_line sees: the check, and what the start would use. */
struct refused {
	struct check			*c;
	const struct chousa_serve_opts	*o;
};

/*
 * Where cfg sets [server] key, as a prefix ("FILE:LINE: ", "VAR in the
 * environment: ", "credential FILE: "), into buf; "" when nowhere.
 */
static const char *
origin_text(const struct chousa_config *cfg, const char *key, char *buf,
    size_t size)
{
	struct chousa_config_origin o;

	buf[0] = '\0';
	if (chousa_config_get_origin(cfg, "server", key, &o) == NULL)
		return buf;
	if (o.env[0] != '\0')
		snprintf(buf, size, "%s in the environment: ", o.env);
	else if (o.credential)
		snprintf(buf, size, "credential %s: ", o.file);
	else if (o.file != NULL)
		snprintf(buf, size, "%s:%zu: ", o.file, o.line);
	return buf;
}

/*
 * A [server] value a start refuses (settings.c), as an error: where it is
 * set, and why.  A value another line checks is left to that line:
 * trusted_proxies (proxies), and the listen the start would use (listen).
 */
static void
refused_line(void *arg, const char *key, const char *value, const char *why)
{
	struct refused *r = arg;
	char where[300];

	if (strcmp(key, "trusted_proxies") == 0 ||
	    (strcmp(key, "listen") == 0 && r->o->n_listen_fds == 0 &&
	    r->o->listen != NULL && strcmp(r->o->listen, value) == 0))
		return;
	said(r->c, "error", "config", "%s[server] %s = '%.80s': %s",
	    origin_text(r->o->cfg, key, where, sizeof(where)), key, value, why);
}

static int
is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	return sa->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr);
}

const char *
listen_exposure(const struct sockaddr_storage *sa, int tls,
    const struct chousa_config *cfg)
{
	if (is_loopback(sa) || tls)
		return NULL;
	/*
	 * A TLS proxy in front does not close the port: a client that comes
	 * to it directly skips the proxy's TLS and its single sign-on.
	 */
	if (chousa_config_get(cfg, "server", "trusted_proxies") != NULL)
		return "without TLS: clients can reach this plain-HTTP port "
		    "directly, past the proxy (and its single sign-on): listen "
		    "on 127.0.0.1 behind the proxy, or firewall the port";
	return "without TLS: tokens cross the network in clear (--tls-cert "
	    "and --tls-key, or a TLS proxy in [server] trusted_proxies)";
}

/*
 * Whether a start could take the address (in use, a port under 1024, not
 * this machine's), as the start would find it.  Taken by a server on
 * this store is the usual case before a SIGHUP; port 0 takes any.  In
 * use by another program is a warning, not an error: it says what a start
 * now would meet, where the others hold whenever the start comes (the
 * program may be the one this configuration replaces).
 */
static void
check_bind(struct check *c, const struct chousa_serve_opts *o,
    const struct sockaddr_storage *sa, socklen_t len)
{
	struct chousa_err err = { 0 };
	int in_use, unknown = 0;
	in_port_t port = sa->ss_family == AF_INET ?
	    ((const struct sockaddr_in *)(const void *)sa)->sin_port :
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port;

	if (port == 0 || listener_probe(sa, len, o->listen, &in_use,
	    &err) == CHOUSA_OK)
		return;
	if (in_use && o->db_path != NULL &&
	    chousa_serve_owner(o->db_path, &unknown) != 0)
		said(c, "ok", "listen", "%s is in use, by the server running "
		    "on this store if it listens there (a reload keeps it)",
		    o->listen);
	else
		said(c, in_use ? "warning" : "error", "listen", "%s: %s",
		    in_use ? "a start now would refuse it" :
		    "a start would refuse it", err.msg);
}

static void
check_listen(struct check *c, const struct chousa_serve_opts *o,
    const struct chousa_config *cfg)
{
	struct sockaddr_storage sa;
	socklen_t len;
	const char *why, *v;
	char where[300];

	if (o->n_listen_fds > 0) {
		said(c, "ok", "listen", "%d sockets passed by systemd",
		    o->n_listen_fds);
		return;
	}
	if (o->listen == NULL || !parse_listen(o->listen, &sa, &len)) {
		v = chousa_config_get(cfg, "server", "listen");
		said(c, "error", "listen", "%scannot read '%.80s' as %s",
		    v != NULL && o->listen != NULL && strcmp(v, o->listen) ==
		    0 ? origin_text(cfg, "listen", where, sizeof(where)) : "",
		    o->listen != NULL ? o->listen : "", listen_form);
		return;
	}
	why = listen_exposure(&sa, o->tls_cert != NULL, cfg);
	if (why == NULL)
		said(c, "ok", "listen", "%s%s", o->listen, o->tls_cert != NULL ?
		    " (HTTPS)" : "");
	else
		said(c, "warning", "listen", "%s %s", o->listen, why);
	check_bind(c, o, &sa, len);
}

/*
 * The proxy's settings that name no user themselves, set without
 * proxy_user_header: they do nothing, and their author thinks otherwise.
 */
static void
check_proxy_headerless(struct check *c, const struct chousa_config *cfg)
{
	static const char *const keys[] = { "proxy_user_role", "proxy_admins",
	    "proxy_groups_header", "proxy_group_roles", NULL };
	char set[160] = "";
	size_t i, n = 0;

	for (i = 0; keys[i] != NULL; i++)
		if (chousa_config_get(cfg, "server", keys[i]) != NULL) {
			snprintf(set + strlen(set), sizeof(set) - strlen(set),
			    "%s%s", n > 0 ? ", " : "", keys[i]);
			n++;
		}
	if (n > 0)
		said(c, "warning", "sso", "%s %s no effect without "
		    "proxy_user_header (the header in which the proxy names "
		    "the user)", set, n > 1 ? "have" : "has");
}

/*
 * Whether [server] trusted_proxies names a proxy: a blank value trusts
 * none, as the server reads it, so a proxy's header is never read then.
 */
static int
names_proxies(const struct chousa_config *cfg)
{
	const char *v = chousa_config_get(cfg, "server", "trusted_proxies");

	return v != NULL && v[strspn(v, " \t,")] != '\0';
}

/* Users an authenticating proxy signs in ([server] proxy_user_header). */
static void
check_proxy_users(struct check *c, const struct chousa_config *cfg)
{
	const char *header = chousa_config_get(cfg, "server",
	    "proxy_user_header");
	const char *role = chousa_config_get(cfg, "server", "proxy_user_role");
	const char *admins = chousa_config_get(cfg, "server", "proxy_admins");
	const char *groups = chousa_config_get(cfg, "server",
	    "proxy_groups_header");
	const char *by_group = chousa_config_get(cfg, "server",
	    "proxy_group_roles");
	struct chousa_err err = { 0 };
	char grouped[600] = "";

	if (header == NULL || *header == '\0') {
		check_proxy_headerless(c, cfg);
		return;
	}
	/* A role a start refuses is said as an error (refused_line). */
	if ((role != NULL && auth_user_role_check(role, &err) != CHOUSA_OK) ||
	    (by_group != NULL && auth_group_roles_check(by_group, &err) !=
	    CHOUSA_OK))
		return;
	if (!names_proxies(cfg)) {
		said(c, "warning", "sso", "proxy_user_header %s has no effect "
		    "without trusted_proxies (the proxy that sets it)", header);
		return;
	}
	if (groups != NULL && by_group != NULL)
		snprintf(grouped, sizeof(grouped), "; by group (%s): %s",
		    groups, by_group);
	said(c, "ok", "sso", "users signed in by the proxy's %s header, as "
	    "%s%s%s%s%s", header, role != NULL ? role : "read",
	    role != NULL && strcmp(role, "none") == 0 ? " (only users "
	    "proxy_group_roles or proxy_admins name)" : "", grouped,
	    admins != NULL ? "; admins: " : "", admins != NULL ? admins : "");
	if ((groups == NULL) != (by_group == NULL))
		said(c, "warning", "sso", "%s has no effect without %s",
		    groups != NULL ? "proxy_groups_header" :
		    "proxy_group_roles", groups != NULL ? "proxy_group_roles" :
		    "proxy_groups_header");
	if (role != NULL && strcmp(role, "none") == 0 && admins == NULL &&
	    (groups == NULL || by_group == NULL))
		said(c, "warning", "sso", "proxy_user_role none, and no "
		    "proxy_admins or roles by group: every user the proxy "
		    "signs in is refused");
}

static void
check_proxies(struct check *c, const struct chousa_config *cfg)
{
	const char *v = chousa_config_get(cfg, "server", "trusted_proxies");
	struct chousa_err err = { 0 };
	struct addr_ranges r;

	if (v == NULL)
		return;
	memset(&r, 0, sizeof(r));
	if (addr_ranges_add(&r, v, "trusted proxy", &err) != CHOUSA_OK)
		said(c, "error", "proxies", "%s", err.msg);
	else
		said(c, "ok", "proxies", "%zu trusted (X-Forwarded-For read "
		    "from them)", r.n);
}

static void
check_tls(struct check *c, const struct chousa_serve_opts *o)
{
	struct chousa_err err = { 0 };
	int64_t until = 0, now = (int64_t)time(NULL);
	char day[32] = "";
	struct tm tm;
	time_t t;

	if (o->tls_unread != NULL) {
		said(c, "error", "tls", "%s", o->tls_unread);
		return;
	}
	if (o->tls_cert == NULL)
		return;
	if (tls_check(o->tls_cert, o->tls_key, &until, &err) != CHOUSA_OK) {
		said(c, "error", "tls", "%s", err.msg);
		return;
	}
	t = (time_t)until;
	if (until != 0 && gmtime_r(&t, &tm) != NULL)
		strftime(day, sizeof(day), "%Y-%m-%d %H:%M UTC", &tm);
	if (until != 0 && until <= now)
		said(c, "error", "tls", "the certificate ended on %s: renew "
		    "it", day);
	else if (until != 0 && until - now < TLS_WARN_DAYS * 86400)
		said(c, "warning", "tls", "the certificate ends on %s, in %lld "
		    "days: renew it, then reload", day,
		    tls_days_left(until, now));
	else
		said(c, "ok", "tls", "certificate and key agree, valid until "
		    "%s", day[0] != '\0' ? day : "an unknown date");
}

/*
 * The directory that holds path, into dir; and into there, the nearest
 * directory at or above it that is there: the one in which the start
 * makes what is missing.
 */
static void
dirs_of(const char *path, char *dir, char *there, size_t size)
{
	char *slash;

	snprintf(dir, size, "%s", path);
	snprintf(there, size, "%s", dirname(dir));
	snprintf(dir, size, "%s", there);
	while (access(there, F_OK) != 0 && (slash = strrchr(there, '/')) !=
	    NULL)
		slash[slash == there] = '\0';
	if (access(there, F_OK) != 0)
		snprintf(there, size, ".");
}

/*
 * Whether the start makes dir: it makes the store's directory and those
 * above it, before it opens the audit log.
 */
static int
start_makes(const struct chousa_serve_opts *o, const char *dir)
{
	char store_dir[4096], there[4096];
	size_t n = strlen(dir);

	if (o->db_path == NULL)
		return 0;
	dirs_of(o->db_path, store_dir, there, sizeof(store_dir));
	return strncmp(store_dir, dir, n) == 0 && (store_dir[n] == '\0' ||
	    store_dir[n] == '/');
}

/* Whether the audit log can be appended to (made, if it is not there). */
static void
check_audit(struct check *c, const struct chousa_serve_opts *o)
{
	char dir[4096], there[4096];

	if (o->audit_path == NULL) {
		said(c, "warning", "audit", "off: requests are not recorded "
		    "([server] audit_log = none)");
		return;
	}
	if (access(o->audit_path, F_OK) == 0) {
		if (access(o->audit_path, W_OK) == 0)
			said(c, "ok", "audit", "%s (appended to)",
			    o->audit_path);
		else
			said(c, "error", "audit", "%s: %s", o->audit_path,
			    strerror(errno));
		return;
	}
	dirs_of(o->audit_path, dir, there, sizeof(dir));
	if (access(dir, F_OK) != 0 && !start_makes(o, dir))
		said(c, "error", "audit", "%s: cannot be made: %s is not "
		    "there (the start makes only the store's directory)",
		    o->audit_path, dir);
	else if (access(there, W_OK | X_OK) == 0)
		said(c, "ok", "audit", "%s (made at the start)",
		    o->audit_path);
	else
		said(c, "error", "audit", "%s: cannot be made in %s: %s",
		    o->audit_path, there, strerror(errno));
}

/*
 * The store opens read-only, at this build's schema or one the start
 * migrates, and holds tokens someone can use.
 */
/* The backups chousa db backup noted: the last good one's age. */
static void
check_backups(struct check *c, struct chousa_store *st,
    struct chousa_arena *a, int64_t now)
{
	struct chousa_backup_record last, good;
	struct chousa_err err = { 0 };
	char when[32];

	if (chousa_store_backup_last(st, a, &last, &good, &err) != CHOUSA_OK) {
		said(c, "warning", "backup", "cannot be read: %s", err.msg);
		return;
	}
	if (last.at != 0 && !last.ok) {
		chousa_time_format(last.at, when, sizeof(when));
		said(c, "warning", "backup", "the last one failed, at %s: %s",
		    when, last.message != NULL ? last.message : "no reason "
		    "was noted");
	}
	if (good.at == 0) {
		said(c, "warning", "backup", "none made yet: chousa db backup "
		    "DIR, or chousa-backup.timer, once a day");
		return;
	}
	chousa_time_format(good.at, when, sizeof(when));
	said(c, now - good.at > BACKUP_STALE_DAYS * 86400L ? "warning" : "ok",
	    "backup", "the last good one %s, %lld h ago (%.1f MB): %s", when,
	    (long long)((now - good.at) / 3600), (double)good.bytes / 1e6,
	    good.file);
}

/*
 * Whether this user may write the store: its file, and its directory,
 * where SQLite makes the -wal and -shm files.  Read-only, a store opens
 * and answers, but every write (tokens, imports, the online answers kept,
 * the tokens' last use) fails.  As the server's user, which --check runs
 * as in the unit's ExecStartPre.
 */
static void
check_writable(struct check *c, const char *path)
{
	char dir[4096], there[4096], side[4096];
	struct statvfs vs;

	dirs_of(path, dir, there, sizeof(dir));
	if (access(path, W_OK) != 0)
		said(c, "error", "store", "%s cannot be written by this user "
		    "(uid %ld): %s; every write would fail (tokens, imports, "
		    "the answers kept): give the file to the server's user "
		    "(chown)", path, (long)geteuid(), strerror(errno));
	else if (access(dir, W_OK | X_OK) != 0)
		said(c, "error", "store", "the directory %s cannot be written "
		    "by this user (uid %ld): %s; SQLite makes the store's "
		    "-wal and -shm files there: give the directory to the "
		    "server's user (chown)", dir, (long)geteuid(),
		    strerror(errno));
	else if (snprintf(side, sizeof(side), "%s-shm", path) > 0 &&
	    access(side, F_OK) == 0 && access(side, R_OK | W_OK) != 0)
		said(c, "error", "store", "%s cannot be written by this user "
		    "(uid %ld; made by another user?): give it and the -wal "
		    "to the server's user (chown)", side, (long)geteuid());
	else if (statvfs(dir, &vs) == 0 && (geteuid() == 0 ? vs.f_bfree :
	    vs.f_bavail) == 0)
		said(c, "warning", "store", "the disk that holds %s is full: "
		    "every write would fail until space is made", path);
}

/*
 * What the token rows named entry (entry_len bytes, in any case, as
 * auth_sees_token_names matches) are at now: "admin" or "valid" for a
 * valid token (admin if one is), else the state of the last made
 * ("revoked", "expired"), "proxy" when only a user the proxy signs in
 * has the name, NULL when none has.
 */
static const char *
scraper_state(const struct chousa_token *t, size_t n, const char *entry,
    size_t entry_len, int64_t now)
{
	const char *state = NULL, *s;
	int64_t made = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(t[i].name) != entry_len ||
		    strncasecmp(t[i].name, entry, entry_len) != 0)
			continue;
		s = chousa_token_state(&t[i], now);
		if (t[i].by_proxy) {
			if (state == NULL)
				state = "proxy";
		} else if (strcmp(s, "valid") == 0) {
			if (strcmp(t[i].role, "admin") == 0)
				return "admin";
			state = "valid";
		} else if (state == NULL || (strcmp(state, "valid") != 0 &&
		    t[i].created_at >= made)) {
			state = s;
			made = t[i].created_at;
		}
	}
	return state;
}

/*
 * [server] metrics_scrapers against the tokens: a name no valid token
 * holds (a typo, revoked, expired) leaves the scrape without the series
 * by token name, and the alerts on tokens silent without a word; an
 * admin token needs no naming, and on a Prometheus host is a key to
 * everything.
 */
static void
check_scrapers(struct check *c, const struct chousa_config *cfg,
    const struct chousa_token *t, size_t n, int64_t now)
{
	const char *list = chousa_config_get(cfg, "server", "metrics_scrapers");
	const char *p = list, *entry, *state;
	char where[300];
	size_t len;
	int warned = 0;

	origin_text(cfg, "metrics_scrapers", where, sizeof(where));
	while ((entry = auth_list_next(&p, &len)) != NULL) {
		state = scraper_state(t, n, entry, len, now);
		if (state != NULL && strcmp(state, "valid") == 0)
			continue;
		warned = 1;
		if (state != NULL && strcmp(state, "admin") == 0)
			said(c, "warning", "metrics", "%s[server] "
			    "metrics_scrapers names '%.*s', an admin token: "
			    "an admin's scrape has the series by token name "
			    "anyway, and an admin token on the scraping host "
			    "can do anything; give it a read token (chousa "
			    "token create --role read)", where, (int)len,
			    entry);
		else
			said(c, "warning", "metrics", "%s[server] "
			    "metrics_scrapers names '%.*s', %s: its scrape "
			    "has none of the series by token name, and the "
			    "alerts on tokens stay silent", where, (int)len,
			    entry, state == NULL ? "which no token "
			    "has (a typo?)" : strcmp(state, "proxy") == 0 ?
			    "a user the proxy signs in, not a token (the list "
			    "names tokens)" : strcmp(state, "revoked") == 0 ?
			    "whose token is revoked" : "whose token expired");
	}
	if (list != NULL && !warned && strspn(list, " \t,") < strlen(list))
		said(c, "ok", "metrics", "the series by token name shown to "
		    "the scrapes of: %s", list);
}

static void
check_store(struct check *c, const struct chousa_serve_opts *o)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_arena *a = NULL;
	struct chousa_token *t = NULL;
	size_t n = 0, i, valid = 0, admins = 0, unused;
	int64_t now = (int64_t)time(NULL);
	int version, current;
	char dir[4096], there[4096];

	if (o->db_path == NULL)
		return;
	if (access(o->db_path, F_OK) != 0) {
		dirs_of(o->db_path, dir, there, sizeof(dir));
		if (access(there, W_OK | X_OK) != 0)
			said(c, "error", "store", "%s: cannot be made in %s: "
			    "%s", o->db_path, there, strerror(errno));
		else
			said(c, "warning", "store", "%s is not there yet: "
			    "the start makes it empty, and no token works "
			    "until one is made (chousa token create)",
			    o->db_path);
		return;
	}
	check_writable(c, o->db_path);
	if (chousa_store_open_wait(&st, o->db_path, CHOUSA_STORE_READONLY,
	    1000, &err) != CHOUSA_OK) {
		said(c, "error", "store", "%s", err.msg);
		return;
	}
	chousa_store_schema(st, &version, &current);
	if (version < current)
		said(c, "warning", "store", "%s has schema %d: the start "
		    "migrates it to %d, after which older versions of chousa "
		    "cannot open it (a copy first: chousa db backup FILE)",
		    o->db_path, version, current);
	else
		said(c, "ok", "store", "%s (read)", o->db_path);
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK ||
	    chousa_store_token_list(st, a, &t, &n, &err) != CHOUSA_OK) {
		said(c, "error", "tokens", "cannot be read: %s", err.msg);
		goto out;
	}
	for (i = 0; i < n; i++)
		if (strcmp(chousa_token_state(&t[i], now), "valid") == 0) {
			valid++;
			admins += strcmp(t[i].role, "admin") == 0;
		}
	if (valid == 0)
		said(c, "warning", "tokens", "none valid: every request but "
		    "the health check is refused (chousa token create)");
	else if ((unused = chousa_token_unused(t, n, now,
	    TOKEN_DORMANT_DAYS * 86400L)) > 0)
		said(c, "ok", "tokens", "%zu valid, %zu of them admin; %zu "
		    "unused for %d days or more (chousa token list "
		    "--unused-for %dd)", valid, admins, unused,
		    TOKEN_DORMANT_DAYS, TOKEN_DORMANT_DAYS);
	else
		said(c, "ok", "tokens", "%zu valid, %zu of them admin", valid,
		    admins);
	if (o->cfg != NULL)
		check_scrapers(c, o->cfg, t, n, now);
	check_backups(c, st, a, now);
out:
	chousa_arena_free(a);
	chousa_store_close(st);
}

/*
 * Whether a server runs on the store: before a SIGHUP that is the point;
 * before a start, the start would be refused (one server owns a store).
 */
static void
check_owner(struct check *c, const struct chousa_serve_opts *o)
{
	int unknown;
	long pid;

	if (o->db_path == NULL)
		return;
	pid = chousa_serve_owner(o->db_path, &unknown);
	if (unknown)
		said(c, "warning", "server", "cannot tell whether a server "
		    "runs on %s: its lock file %s.serve.lock cannot be read",
		    o->db_path, o->db_path);
	else if (pid > 0)
		said(c, "ok", "server", "chousa serve (pid %ld) is running on "
		    "this store: SIGHUP it to read the config again; another "
		    "start is refused while it runs", pid);
	else if (pid < 0)
		said(c, "ok", "server", "a chousa serve is running on this "
		    "store: SIGHUP it to read the config again; another "
		    "start is refused while it runs");
	else
		said(c, "ok", "server", "none running on this store");
}

int
chousa_server_check(const struct chousa_serve_opts *opts, int json,
    struct chousa_buf *out, struct chousa_err *err)
{
	struct check c;
	int i;

	memset(&c, 0, sizeof(c));
	if (opts->cfg != NULL) {
		struct refused r = { &c, opts };

		/* The values a start refuses as errors, not warnings. */
		chousa_config_check(opts->cfg, chousa_source_sections(),
		    CHOUSA_CONFIG_CHECK_NO_OWNERS, config_issue, &c);
		serve_refused(opts->cfg, refused_line, &r);
	}
	check_listen(&c, opts, opts->cfg);
	check_proxies(&c, opts->cfg);
	check_proxy_users(&c, opts->cfg);
	check_tls(&c, opts);
	check_audit(&c, opts);
	check_store(&c, opts);
	check_owner(&c, opts);
	if (opts->update_every > 0)
		said(&c, "ok", "update", "the feeds every %ld s",
		    opts->update_every);
	render(&c, json, out);
	for (i = 0; i < c.n; i++)
		if (strcmp(c.r[i].level, "error") == 0)
			return chousa_errf(err, CHOUSA_EINVAL, "%d %s: %s: %s",
			    c.errors, c.errors > 1 ? "problems" : "problem",
			    c.r[i].what, c.r[i].detail);
	return CHOUSA_OK;
}
