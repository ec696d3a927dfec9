/*
 * cmd-serve.c: `chousa serve`: the team server (src/serve/) on the store
 * and config of this command, until SIGINT or SIGTERM.  Options override
 * the [server] section of the config.
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_LISTEN = 256, OPT_UPDATE, OPT_TLS_CERT, OPT_TLS_KEY, OPT_AUDIT,
	OPT_AUDIT_MAX, OPT_AUDIT_KEEP, OPT_THREADS, OPT_PORT_FILE, OPT_CHECK
};

static const struct cli_opt serve_opts[] = {
	{ OPT_LISTEN, "listen", "ADDR:PORT", "Listen on this address "
	    "(default 127.0.0.1:8080; localhost:8080 is the same, [::1]:8080 "
	    "for IPv6, 0.0.0.0:8443 for every address; port 0 picks a free "
	    "one).  Anything but loopback should use TLS." },
	{ OPT_UPDATE, "update-every", "DURATION", "Download and import the "
	    "feeds (as chousa update does) every DURATION: 90s, 30m, 6h, 1d.  "
	    "An update that was cut short (the server killed) runs again at "
	    "the next start." },
	{ OPT_TLS_CERT, "tls-cert", "FILE", "Serve HTTPS with this PEM "
	    "certificate (chain: the server's first); needs --tls-key.  "
	    "After a renewal, SIGHUP reads both files again: new connections "
	    "get the new pair, those up keep theirs, and a pair that is wrong "
	    "is said and the old one kept." },
	{ OPT_TLS_KEY, "tls-key", "FILE", "The PEM private key of "
	    "--tls-cert." },
	{ OPT_AUDIT, "audit-log", "FILE", "Append one JSON line per request "
	    "to FILE (default: audit.log beside the store; 'none' for no "
	    "log)." },
	{ OPT_AUDIT_MAX, "audit-max", "SIZE", "Rotate the audit log past SIZE "
	    "(bytes, or with k, M, G; default 64M): FILE becomes FILE.1.  "
	    "'none': never, for logrotate (move, then SIGHUP)." },
	{ OPT_AUDIT_KEEP, "audit-keep", "N", "Keep N rotated audit logs "
	    "(default 5)." },
	{ OPT_THREADS, "threads", "N", "HTTP threads (default one per core, at least 2)." },
	{ OPT_PORT_FILE, "port-file", "FILE", "Write the port listened on "
	    "to FILE once the server is up (for scripts and tests)." },
	{ OPT_CHECK, "check", NULL, "Check the configuration and these "
	    "options without starting (nothing listened on, created or "
	    "written): the config's problems (an error for a [server] value "
	    "a start refuses, such as an unknown proxy_user_role; a warning "
	    "for one replaced by its default), the address and whether a "
	    "start could take it (in use, a port under 1024, not this "
	    "machine's), trusted_proxies, the TLS "
	    "pair and its end, the "
	    "audit log's place, the store (its schema) and its tokens, "
	    "whether a server runs on the store; one "
	    "line each "
	    "(ok, warning or error; --json: one object), then exit 0, or 2 "
	    "on an error.  Before "
	    "a SIGHUP, or as a configuration tool's validate step." },
	{ 0 }
};

/* A size of bytes as the config takes it too, above 0; else -1. */
static long
size_arg(const char *s)
{
	long n;

	if (chousa_config_parse_size(s, &n) != CHOUSA_OK || n <= 0)
		return -1;
	return n;
}

static void
log_line(void *arg, const char *msg)
{
	(void)arg;
	if (!g_opt.quiet)
		cli_warn("serve: %s", msg);
}


/* What run_serve reads besides the server's options. */
struct serve_args {
	const char	*cert, *key;	/* --tls-cert, --tls-key: paths */
	char		*cert_set, *key_set;	/* as a reload set them */
	const char	*port_file;
	const char	*cfg_path;	/* the config's, for the messages */
	char		*tls_unread;	/* --check: why the pair is not read */
	int		 check;		/* --check: check, do not start */
	int		 fds[16];	/* sockets passed by systemd */
	char		*audit;		/* the default audit log's path */
	char		 exe[PATH_MAX];
	/* The [server] keys the options set, for the server's reloads. */
	const char	*keys[16];
	int		 n_keys;
	/* A [server] value a start refuses: --check says it among its lines. */
	int			 refused;
	struct chousa_err	 refusal;
};

/* Whether an option set [server] key, which a reload then leaves. */
static int
option_set(const struct serve_args *x, const char *key)
{
	int i;

	for (i = 0; i < x->n_keys; i++)
		if (strcmp(x->keys[i], key) == 0)
			return 1;
	return 0;
}

/* The option set [server] key: a reload leaves it as the option said. */
static void
cli_sets(struct serve_args *x, const char *key)
{
	if (!option_set(x, key) &&
	    x->n_keys < (int)(sizeof(x->keys) / sizeof(x->keys[0])) - 1)
		x->keys[x->n_keys++] = key;
}

/*
 * The [server] section of the configuration: the defaults.  A value the
 * server refuses is kept in x, for run_serve to stop on, or --check to
 * say with the rest.
 */
static void
serve_config(struct chousa_config *cfg, struct chousa_serve_opts *so,
    struct serve_args *x)
{
	x->refused = chousa_serve_opts_from_config(so, cfg, &x->refusal) !=
	    CHOUSA_OK;
	x->cert = chousa_config_get(cfg, "server", "tls_cert");
	x->key = chousa_config_get(cfg, "server", "tls_key");
	x->cfg_path = chousa_config_path(cfg);
}

/*
 * How the messages name a TLS file, key "tls_cert" or "tls_key", at path:
 * "'FILE' (--tls-cert)" when an option named it, else "'FILE' ([server]
 * tls_cert in CONFIG)".
 */
static void
tls_file_name(const struct serve_args *x, const char *key, const char *path,
    char *buf, size_t size)
{
	if (option_set(x, key))
		snprintf(buf, size, "'%s' (--%s)", path,
		    strcmp(key, "tls_cert") == 0 ? "tls-cert" : "tls-key");
	else
		snprintf(buf, size, "'%s' ([server] %s in %s)", path, key,
		    x->cfg_path != NULL ? x->cfg_path : "the config");
}

/* The pair's names put in force for the TLS messages from now on. */
static void
tls_names(const struct serve_args *x)
{
	char cert[PATH_MAX + 300], key[PATH_MAX + 300];

	if (x->cert == NULL || x->key == NULL) {
		chousa_serve_tls_names(NULL, NULL);
		return;
	}
	tls_file_name(x, "tls_cert", x->cert, cert, sizeof(cert));
	tls_file_name(x, "tls_key", x->key, key, sizeof(key));
	chousa_serve_tls_names(cert, key);
}

/*
 * A TLS file read into out, or why not into why: "cannot read the TLS
 * certificate in NAME: REASON"; the status cli_try_read_file gave.
 */
static int
tls_read(const struct serve_args *x, const char *key, const char *path,
    struct chousa_buf *out, char *why, size_t why_size)
{
	char name[PATH_MAX + 300], reason[PATH_MAX + 128];
	const char *r = reason;
	int rc = cli_try_read_file(path, out, 1 << 20, reason,
	    sizeof(reason));

	if (rc == 0)
		return 0;
	/* The reason names the path too: only its cause is wanted. */
	if (strncmp(reason, "cannot open '", 13) == 0 &&
	    strstr(reason, "': ") != NULL)
		r = strstr(reason, "': ") + 3;
	tls_file_name(x, key, path, name, sizeof(name));
	/* Cut, if ever, at the reason's end: the name comes first. */
	if (snprintf(why, why_size, "cannot read the TLS %s in %s: %s",
	    strcmp(key, "tls_cert") == 0 ? "certificate" : "key", name,
	    r) < 0)
		why[0] = '\0';
	return rc;
}

/*
 * A certificate without its key, or a key without its certificate: a
 * usage error when an option named the one given, else a config one
 * (--check says it as its tls error).
 */
static void
tls_half(const struct cli_cmd *self, struct serve_args *x)
{
	const char *has = x->cert != NULL ? "tls_cert" : "tls_key";
	const char *lacks = x->cert != NULL ? "tls_key" : "tls_cert";
	char why[PATH_MAX + 300];

	if (option_set(x, has))
		cli_usage_error(self, "--tls-cert and --tls-key go together");
	snprintf(why, sizeof(why), "[server] %s is set in %s but %s is not: "
	    "the TLS certificate and its key go together", has,
	    x->cfg_path != NULL ? x->cfg_path : "the config", lacks);
	if (!x->check)
		cli_die(EXIT_BADINPUT, "serve: %s", why);
	x->tls_unread = xstrdup(why);
	x->cert = x->key = NULL;
}

/* The command line, over the configuration. */
static void
serve_options(const struct cli_cmd *self, int argc, char **argv,
    struct chousa_serve_opts *so, struct serve_args *x)
{
	const char *arg;
	int c;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			cli_sets(x, "listen");
			so->listen = arg;
			break;
		case OPT_UPDATE:
			cli_sets(x, "update_every");
			so->update_every = chousa_duration_parse(arg);
			if (so->update_every < 0)
				cli_usage_error(self, "--update-every: cannot "
				    "read '%s' (90s, 30m, 6h, 1d)", arg);
			break;
		case OPT_TLS_CERT:
			cli_sets(x, "tls_cert");
			x->cert = arg;
			break;
		case OPT_TLS_KEY:
			cli_sets(x, "tls_key");
			x->key = arg;
			break;
		case OPT_AUDIT:
			cli_sets(x, "audit_log");
			so->audit_path = arg;
			break;
		case OPT_AUDIT_MAX:
			cli_sets(x, "audit_max");
			so->audit_max_bytes = strcmp(arg, "none") == 0 ?
			    CHOUSA_AUDIT_NO_ROTATION : size_arg(arg);
			if (so->audit_max_bytes < 0)
				cli_usage_error(self, "--audit-max: cannot "
				    "read '%s' (bytes, or with k, M or G: 64M; "
				    "or none)", arg);
			break;
		case OPT_AUDIT_KEEP:
			cli_sets(x, "audit_keep");
			so->audit_keep = (int)cli_number_arg(self,
			    "audit-keep", arg, 1, 1000);
			break;
		case OPT_THREADS:
			cli_sets(x, "threads");
			so->threads = (int)cli_number_arg(self, "threads",
			    arg, 1, 256);
			break;
		case OPT_PORT_FILE:	x->port_file = arg; break;
		case OPT_CHECK:		x->check = 1; break;
		}
	}
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	x->keys[x->n_keys] = NULL;
	so->cli_keys = x->keys;
	if ((x->cert == NULL) != (x->key == NULL))
		tls_half(self, x);
	tls_names(x);
}

/*
 * The TLS pair read for the start; one that cannot be read stops it, or
 * is --check's tls error.
 */
static void
prepare_tls(struct chousa_serve_opts *so, struct serve_args *x)
{
	struct chousa_buf cert, key;
	char why[2 * PATH_MAX];
	int rc;

	rc = tls_read(x, "tls_cert", x->cert, &cert, why, sizeof(why));
	if (rc == 0) {
		rc = tls_read(x, "tls_key", x->key, &key, why, sizeof(why));
		if (rc != 0)
			chousa_buf_release(&cert);
	}
	if (rc != 0 && !x->check)
		cli_die(rc, "serve: %s", why);
	if (rc != 0) {
		x->tls_unread = xstrdup(why);
		return;
	}
	so->tls_cert = cert.data != NULL ? cert.data : xstrdup("");
	so->tls_key = key.data != NULL ? key.data : xstrdup("");
}

/*
 * What is left to decide before starting: the default address and audit
 * log, the certificate, the store (created or migrated now, before any
 * thread reads it) and this program's path, which updates run.
 */
static void
serve_prepare(struct chousa_serve_opts *so, struct serve_args *x,
    const char *argv0)
{
	struct chousa_store *st;
	ssize_t n;
	int is_new;

	if (so->listen == NULL)
		so->listen = "127.0.0.1:8080";
	if (so->audit_path == NULL)
		so->audit_path = x->audit = cli_audit_default();
	else if (strcmp(so->audit_path, "none") == 0)
		so->audit_path = NULL;
	if (x->cert != NULL)
		prepare_tls(so, x);
	so->tls_unread = x->tls_unread;
	/*
	 * Made here or never: the server's own opens never make it, so a
	 * store deleted under it does not come back empty.  Made empty, it
	 * is said, as a deleted store a restart remade would be.
	 */
	if (!x->check) {
		is_new = access(cli_db_path(), F_OK) != 0;
		st = cli_open_store(0);
		chousa_store_close(st);
		if (is_new)
			cli_warn("serve: the store '%s' was not there and is "
			    "made empty: no token works until one is made "
			    "(chousa token create), and no feed answers "
			    "until one is imported (chousa update); if it was "
			    "deleted, restore it (chousa db restore)",
			    cli_db_path());
	}
	so->db_path = cli_db_path();
	so->config_path = chousa_config_path(so->cfg);
	n = readlink("/proc/self/exe", x->exe, sizeof(x->exe) - 1);
	if (n > 0) {
		x->exe[n] = '\0';
		so->update_exe = x->exe;
	} else
		so->update_exe = argv0;
	so->log = log_line;
	so->verbose = g_opt.verbose;
}

/*
 * Tell systemd (a Type=notify unit, scripts/chousa.service.in) how the
 * server is: READY=1 once it listens, RELOADING=1 and READY=1 around a
 * SIGHUP, STOPPING=1 as it stops.  The protocol is one datagram to the
 * socket $NOTIFY_SOCKET names ('@': Linux's abstract namespace); without
 * it, nothing.  The variable is taken out of the environment, so that
 * the update runs this server starts do not speak for it.
 */
static char notify_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

static void
notify_take(void)
{
	const char *p = getenv("NOTIFY_SOCKET");

	if (p != NULL && (p[0] == '/' || p[0] == '@') &&
	    strlen(p) < sizeof(notify_path))
		memcpy(notify_path, p, strlen(p) + 1);
	unsetenv("NOTIFY_SOCKET");
}

/*
 * Socket activation (sd_listen_fds(3)): systemd passes the sockets of
 * chousa.socket, already listening, as descriptors 3 and on, and says so
 * in LISTEN_PID (this process) and LISTEN_FDS (how many).  Served instead
 * of --listen; the variables are taken out of the environment, as above.
 */
static void
listen_fds_take(struct chousa_serve_opts *so, struct serve_args *x)
{
	const char *pid = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	char *end;
	long count;
	int i;

	if (pid == NULL || n == NULL ||
	    strtol(pid, &end, 10) != (long)getpid() || *end != '\0')
		goto out;
	count = strtol(n, &end, 10);
	if (*end != '\0' || count < 1 || count > (long)(sizeof(x->fds) /
	    sizeof(x->fds[0])))
		cli_die(EXIT_USAGE, "serve: LISTEN_FDS=%s: systemd may pass 1 "
		    "to %zu sockets", n, sizeof(x->fds) / sizeof(x->fds[0]));
	for (i = 0; i < (int)count; i++)
		x->fds[i] = 3 + i;
	so->listen_fds = x->fds;
	so->n_listen_fds = (int)count;
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

static void
notify(const char *state)
{
	struct sockaddr_un sa;
	size_t len = strlen(notify_path);
	int fd;

	if (len == 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, notify_path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un,
	    sun_path) + len)) < 0 && g_opt.verbose)
		cli_warn("serve: cannot tell systemd '%s': %s", state,
		    strerror(errno));
	close(fd);
}

/*
 * Say where the server listens: on stderr, in --port-file, and to
 * systemd; again ("now") when a reload moved it.
 */
static void
serve_announce(const struct chousa_serve_opts *so,
    const struct serve_args *x, struct chousa_server *srv, int moved)
{
	char ready[512], where[256];

	chousa_server_addresses(srv, where, sizeof(where));
	snprintf(ready, sizeof(ready), "READY=1\nSTATUS=%s%s\nMAINPID=%ld",
	    where[0] != '\0' ? "serving on " : "listening nowhere (the "
	    "reload could not move it): restart it", where, (long)getpid());
	if (g_opt.quiet || where[0] == '\0')
		;
	else if (so->n_listen_fds > 0)
		cli_warn("listening on the %s systemd passed: %s",
		    so->n_listen_fds > 1 ? "sockets" : "socket", where);
	else
		cli_warn("%slistening on %s://%s%s", moved ? "serve: now " : "",
		    x->cert != NULL ? "https" :
		    "http", where, strncmp(where, "0.0.0.0:", 8) == 0 ?
		    " (every IPv4 address of this machine)" :
		    strncmp(where, "[::]:", 5) == 0 ? " (every IPv6 address "
		    "of this machine)" : "");
	if (x->port_file != NULL) {
		FILE *fp = fopen(x->port_file, "w");

		if (fp == NULL || fprintf(fp, "%d\n",
		    chousa_server_port(srv)) < 0 || fclose(fp) != 0)
			cli_die(EXIT_BADINPUT, "cannot write '%s': %s",
			    x->port_file, strerror(errno));
	}
	notify(ready);
}

/*
 * The certificate and key read again from their files and put in force;
 * anything wrong with them is said, and the pair in force kept.
 */
static void
reload_tls(struct chousa_server *srv, const struct serve_args *x)
{
	struct chousa_err err = { 0 };
	struct chousa_buf cert, key;
	char why[2 * PATH_MAX];

	tls_names(x);
	if (tls_read(x, "tls_cert", x->cert, &cert, why, sizeof(why)) != 0) {
		cli_warn("serve: kept the TLS certificate in force: %s", why);
		chousa_server_tls_refused(srv, why);
		return;
	}
	if (tls_read(x, "tls_key", x->key, &key, why, sizeof(why)) != 0) {
		cli_warn("serve: kept the TLS certificate in force: %s", why);
		chousa_server_tls_refused(srv, why);
		chousa_buf_release(&cert);
		return;
	}
	if (chousa_server_reload_tls(srv, cert.data != NULL ? cert.data : "",
	    key.data != NULL ? key.data : "", &err) != CHOUSA_OK)
		cli_warn("serve: kept the TLS certificate in force: %s",
		    err.msg);
	explicit_bzero(key.data, key.len);
	chousa_buf_release(&key);
	chousa_buf_release(&cert);
}

/*
 * A TLS path of cfg in *path (its copy in *own) when the server runs TLS,
 * no option set it, and the config names one; a server without TLS, or
 * a config that no longer names one, keeps what it had until a restart.
 */
static void
follow_tls_path(const struct chousa_config *cfg, const struct serve_args *x,
    const char *key, const char **path, char **own)
{
	const char *v = chousa_config_get(cfg, "server", key);
	char *copy;

	if (x->cert == NULL || option_set(x, key) || v == NULL ||
	    strcmp(v, *path) == 0 || (copy = strdup(v)) == NULL)
		return;
	free(*own);
	*path = *own = copy;
}

/*
 * The config file read again and put in force for the requests from now
 * on: a key added or rotated, a source's settings, the TLS files' paths.
 * One that cannot be read is said, and the config in force kept.
 */
static void
reload_config(struct chousa_server *srv, struct serve_args *x)
{
	struct chousa_err err = { 0 };
	struct chousa_config *cfg = cli_try_load_config(&err);

	if (cfg == NULL) {
		cli_warn("serve: kept the config in force: %s", err.msg);
		(void)chousa_server_reload_config(srv, NULL, NULL);
		return;
	}
	/* Copied first: the server owns cfg once it has it. */
	follow_tls_path(cfg, x, "tls_cert", &x->cert, &x->cert_set);
	follow_tls_path(cfg, x, "tls_key", &x->key, &x->key_set);
	if (chousa_server_reload_config(srv, cfg, &err) != CHOUSA_OK)
		cli_warn("serve: kept the config in force: %s", err.msg);
	else if (!g_opt.quiet)
		cli_warn("serve: the config read again: its keys, the sources' "
		    "settings and the [server] limits are in force for the "
		    "requests from now on");
}

/*
 * SIGHUP: what may change without a restart, taken again: the config's
 * keys, sources and [server] limits, the audit log's file, and the TLS
 * certificate and key.
 */
static void
serve_reload(struct chousa_server *srv, const struct chousa_serve_opts *so,
    struct serve_args *x)
{
	struct timespec ts;
	char msg[64], was[256], now[256];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%lld",
	    (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	notify(msg);
	chousa_server_addresses(srv, was, sizeof(was));
	reload_config(srv, x);
	chousa_server_reopen_logs(srv);
	if (x->cert != NULL)
		reload_tls(srv, x);
	chousa_server_addresses(srv, now, sizeof(now));
	if (strcmp(was, now) != 0)
		serve_announce(so, x, srv, 1);	/* READY=1 with it */
	else
		notify("READY=1");
}

/*
 * A graceful stop: no new connections (with socket activation, clients
 * wait in systemd's socket for the next process), and the requests under
 * way finish, for at most [server] drain_timeout seconds (as the last
 * reload left it).  Another SIGTERM or SIGINT stops at once.
 */
static void
serve_drain(struct chousa_server *srv, const sigset_t *set)
{
	struct timespec end, now, step = { 0, 50 * 1000 * 1000 };
	long busy, secs = chousa_server_drain_timeout(srv);
	int said = 0, sig;

	chousa_server_stop_accepting(srv);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	while ((busy = chousa_server_busy(srv)) > 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec &&
		    now.tv_nsec >= end.tv_nsec)) {
			cli_warn("serve: stopping: %ld %s cut short after "
			    "%ld s ([server] drain_timeout)", busy, busy > 1 ?
			    "requests" : "request", secs);
			return;
		}
		if (!said && !g_opt.quiet)
			cli_warn("serve: stopping: finishing %ld %s under way "
			    "(at most %ld s; signal again to stop now)", busy,
			    busy > 1 ? "requests" : "request", secs);
		said = 1;
		sig = sigtimedwait(set, NULL, &step);
		if (sig == SIGINT || sig == SIGTERM) {
			cli_warn("serve: stopping now: %ld %s cut short", busy,
			    busy > 1 ? "requests" : "request");
			return;
		}
	}
	if (said && !g_opt.quiet)
		cli_warn("serve: stopping: every request under way was "
		    "answered");
}

/* serve --check: say each check, and exit 2 on an error. */
static int
serve_check(struct chousa_serve_opts *so, struct serve_args *x,
    struct chousa_config *cfg)
{
	struct chousa_err err = { 0 };
	struct chousa_buf out;
	int rc;

	chousa_buf_init(&out, 0);
	rc = chousa_server_check(so, g_opt.json, &out, &err);
	if (!g_opt.quiet)
		fwrite(out.data != NULL ? out.data : "", 1, out.len, stdout);
	chousa_buf_release(&out);
	free((char *)(uintptr_t)so->tls_cert);
	free((char *)(uintptr_t)so->tls_key);
	free(x->audit);
	free(x->tls_unread);
	chousa_config_free(cfg);
	if (rc != CHOUSA_OK)
		cli_die(EXIT_USAGE, "serve --check: %s", err.msg);
	return EXIT_CLEAN;
}

static int
run_serve(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_serve_opts so;
	struct serve_args x;
	struct chousa_server *srv;
	struct chousa_err err = { 0 };
	struct chousa_config *cfg;
	sigset_t set;
	int sig, claim = -1;

	memset(&so, 0, sizeof(so));
	memset(&x, 0, sizeof(x));
	notify_take();
	cfg = cli_load_config_unsaid();
	serve_config(cfg, &so, &x);
	serve_options(self, argc, argv, &so, &x);
	/* A config that cannot be used: 3, as chousa config check says. */
	if (x.refused && !x.check)
		cli_die(EXIT_BADINPUT, "%s", x.refusal.msg);
	if (!x.check)
		cli_config_say(cfg);
	listen_fds_take(&so, &x);
	/*
	 * Before the store is made or migrated: that is the owner's to do.
	 * The lock file is beside the store, so its directory is made first,
	 * as every command that writes a new store makes it.
	 */
	if (!x.check)
		cli_make_parent_dirs(cli_db_path());
	if (!x.check && chousa_serve_claim(cli_db_path(), &claim, &err) !=
	    CHOUSA_OK)
		cli_die(chousa_exit_for_rc(err.code), "%s", err.msg);
	serve_prepare(&so, &x, argv[0]);
	if (x.check)
		return serve_check(&so, &x, cfg);
	/*
	 * Each request allocates and frees its buffers on its thread's malloc
	 * arena; by default glibc gives the freed top of an arena back to the
	 * system at once (madvise, a TLB flush on every core) and faults it in
	 * again on the next request.  A server keeps what it had at its peak.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	/* Signals are taken by sigwait below, not by the server's threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* Said as the start's other refusals are: the command names it. */
	if (chousa_server_start(&srv, &so, &err) != CHOUSA_OK)
		cli_die(chousa_exit_for_rc(err.code), "serve: %s", err.msg);
	serve_announce(&so, &x, srv, 0);
	/* SIGHUP: the config, the audit log or the certificate changed. */
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		serve_reload(srv, &so, &x);
	}
	notify("STOPPING=1");
	if (!g_opt.quiet)
		cli_warn("serve: stopping");
	serve_drain(srv, &set);
	chousa_server_free(srv);
	free((char *)(uintptr_t)so.tls_cert);
	free((char *)(uintptr_t)so.tls_key);
	free(x.audit);
	free(x.cert_set);
	free(x.key_set);
	chousa_config_free(cfg);
	close(claim);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_serve = {
	"serve", "Serve a team: REST API, web page and MCP",
	"[--listen ADDR:PORT] [--update-every DURATION] [OPTIONS]",
	"Run the team server: one process that owns the store, the online "
	"cache, the quota counters and the scheduled feed updates, so a team "
	"shares one set of keys and one daily quota; a second server on the "
	"same store is refused (exit 6; the claim is a lock on "
	"STORE.serve.lock, let go when the server ends).  It answers the "
	"REST API "
	"under /api/v1/ (the same JSON documents as --json; docs/openapi.json), "
	"a web page at / (paste an e-mail, get the triage table and each "
	"report), and the Model Context Protocol at /mcp.  Every online "
	"investigation runs through one queue: the same indicator asked by "
	"many at once reaches each service once.  Offline investigations run "
	"on threads of their own ([server] investigate_threads, one per "
	"core but one), so look-ups are not queued behind them; past [server] "
	"investigate_queue (256) waiting, or once the investigations' "
	"requests and answers hold [server] queue_memory (256 MiB), more are "
	"refused with 503 and Retry-After.\n\n"
	"POST /api/v1/sweep sweeps the log or capture in its body (plain or "
	"compressed, Content-Length or chunked) as it arrives, never storing "
	"it, and answers what chousa sweep --json (or format=text or csv) "
	"prints, its exit status in Chousa-Exit; a client faster than the "
	"sweep waits for it, and a log over [server] sweep_max (1 GiB) gets "
	"413.  GET /api/v1/export?format=F answers the store as chousa "
	"export --format F writes it, byte for byte, its options as query "
	"parameters (file=NAME: one file of a format that writes several), "
	"with an ETag: sent back as If-None-Match, an unchanged store answers "
	"304.  Sweeps and exports run on threads of their own, [server] "
	"background_jobs (2) at once; past them, 503 and Retry-After.  "
	"POST /api/v1/import?source=NAME (admin) imports the file in its "
	"body as chousa import does (chousa --server URL import), at most "
	"[server] import_max (1 GiB), one at a time, in one transaction: "
	"requests meanwhile read the store as it was; a client that leaves "
	"rolls it back.  An "
	"unknown query parameter gets 400: a misspelt filter cannot widen an "
	"answer.\n\n"
	"Every request but /api/v1/health needs a token (chousa token "
	"create): 'Authorization: Bearer TOKEN', or the web page's sign-in.  "
	"/api/v1/health answers its status without one (ok or degraded: "
	"200; draining or unavailable: 503), and with any token each check "
	"and what it found (stale feeds, a failing update, the audit log "
	"not written, a spent quota, a refused reload, the certificate's "
	"end).  "
	"Roles: read (the store only), investigate (may spend online quota), "
	"admin (also imports, updates and tokens).  Each request is appended "
	"to the "
	"audit log as one JSON line: who, when, what, the indicators and "
	"sources asked, the verdict or why it was refused, and how long it "
	"took in the server (duration_ms: from its headers to its answer's "
	"last byte sent); docs/json.md lists every key.  Its own thread "
	"writes the log within 10 ms of each request's end: no request waits "
	"for the disk, and a crash loses at most those 10 ms.  A write that fails (a full disk) loses its lines "
	"but never silently: they are counted, and said on stderr at once "
	"and then once a minute while it lasts; meanwhile the requests it "
	"audits are refused (503), never answered unaudited, and the "
	"server serves again by itself once a write succeeds.  SIGHUP reads again the "
	"config (keys, sources, and the [server] limits: rate, burst, "
	"trusted_proxies, the caps, queues and investigation threads, "
	"idle_timeout, peer_timeout, max_connections, max_per_ip, "
	"sweep_matcher_keep, drain_timeout, update_every, audit_max, "
	"audit_keep, listen (the new address taken before the old is let "
	"go) and audit_log (to another file, or on; 'none' waits), unless "
	"set by an option; the rest waits "
	"for a restart), the log's path (logrotate) and the TLS pair (a renewal).  Each token may "
	"make [server] rate requests a minute (default 600, burst 120).  "
	"Keys are never in any answer, page or log.",
	serve_opts, run_serve,
	"chousa token create --role investigate alice\n"
	"chousa serve --listen 0.0.0.0:8443 --tls-cert cert.pem --tls-key "
	"key.pem --update-every 6h\n"
	"curl -H \"Authorization: Bearer $TOKEN\" "
	"'https://chousa.example:8443/api/v1/lookup?indicator=evil.example'\n"
	"curl -H \"Authorization: Bearer $TOKEN\" -T conn.log.gz "
	"-X POST 'https://chousa.example:8443/api/v1/sweep?format=text'",
	NULL,
	"The same offline investigation asked again (a POST of one indicator, "
	"the same JSON body) is answered from the answers kept, with an Age "
	"header, while the store has had no commit, the config is the same "
	"and a minute has not passed ([server] answer_cache, 64 MiB; 0 keeps "
	"none).\n\n"
	"GET /metrics gives any token the server's state in Prometheus's "
	"text format: requests by route and status with their durations, "
	"connections, queues, audit lines written and lost, each feed's age, "
	"each service's requests today and limit, the tokens by state, the "
	"scheduled update, and the process's CPU, memory and descriptors.  "
	"Each token name's end, spend and last use (0: never) are only in "
	"the scrape of an admin token, or of a token named in [server] "
	"metrics_scrapers (the one Prometheus uses), as a name is often a "
	"person's e-mail address.\n\n"
	"Under systemd (make install puts a unit in lib/systemd/system), "
	"the server says when it is ready, reloading and stopping "
	"(Type=notify).  SIGTERM or SIGINT stops it gracefully: no new "
	"connection is taken, and the requests under way are finished for "
	"at most [server] drain_timeout seconds (default 30); a second "
	"signal stops it at once.  With chousa.socket (socket activation), "
	"systemd holds the listening sockets (ListenStream= instead of "
	"--listen): clients that connect during a restart wait for the next "
	"server instead of being refused, and a port under 1024 needs no "
	"privilege.\n\n"
	"Connections idle for [server] idle_timeout seconds (default 15) are "
	"closed; a request line and headers over 32 KiB get 414 or 431 (about "
	"300 ?indicator= parameters: POST a JSON body for more), and bodies "
	"over their cap 413.  "
	"Clients past [server] max_connections wait to be accepted.  The "
	"server raises its descriptor limit (ulimit -n) to fit them, or "
	"lowers max_connections to fit the hard limit, saying so.  A request "
	"it cannot check for want of its token store gets 503 and "
	"Retry-After, never 401.\n\n"
	"Behind a TLS reverse proxy (dist/chousa.nginx), set [server] "
	"trusted_proxies to it: the audit log then names each client by its "
	"X-Forwarded-For, and X-Forwarded-Proto: https makes the session "
	"cookie Secure.  A proxy that signs users in (single sign-on) can "
	"name the user in a header, [server] proxy_user_header: the web page "
	"then signs that user in without a token, as proxy_user_role (or "
	"admin, for proxy_admins, or by the groups it lists in "
	"proxy_groups_header, with proxy_group_roles), with a token row of "
	"the user's own that token list, budget and revoke work on.  The "
	"[server] settings: "
	"@SERVERKEYS@."
};
