/*
 * health.c: GET /api/v1/health, for a load balancer's probe and a
 * monitoring check that has no Prometheus.  The status says whether the
 * server is worth sending requests to:
 *
 *   ok           200  every check below passed
 *   degraded     200  it answers, but something needs a person: the
 *                     store not writable, a feed past its max age,
 *                     updates failing, the audit log not written, an
 *                     online quota spent, the config of the last reload
 *                     refused, the certificate ending
 *   draining     503  a stop has begun: send the next requests elsewhere
 *   unavailable  503  the store cannot be read, or is no longer the file
 *                     at its path (deleted or replaced under the server)
 *
 * Without a token the answer is the status alone: that the audit log is
 * failing, or when the feeds were updated, is for the team, not for any
 * address that can reach the port.  With a token of any role each check
 * follows, with what it found; the web page's Sources page shows the
 * same (health_run serves both).  Every check reads state the server holds
 * or one pass over the sources' rows, so a probe every few seconds costs
 * little.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

static const char *const health_name[] = {
	"ok", "degraded", "draining", "unavailable"
};

const char *
health_status_name(int status)
{
	return status >= H_OK && status <= H_UNAVAILABLE ?
	    health_name[status] : "unavailable";
}

/* Names of the sources a check found wanting, at most this many said. */
#define NAMES_SAID	5

struct health {
	struct sreq		*r;
	struct health_report	*out;
	struct chousa_buf	 detail;
};

/*
 * One check's result, with what it found (h->detail, then emptied), kept
 * in r's arena; out of memory, the detail is left out, never the check.
 */
static void
check_done(struct health *h, const char *name, int status)
{
	struct health_report *out = h->out;
	struct health_check *c;

	if (status > out->worst)
		out->worst = status;
	if (out->n < HEALTH_CHECKS_MAX) {
		c = &out->c[out->n++];
		c->name = name;
		c->status = status;
		c->detail = h->detail.len > 0 && h->detail.failed ==
		    CHOUSA_OK ? chousa_arena_strdup(h->r->a, h->detail.data) :
		    NULL;
	}
	chousa_buf_reset(&h->detail);
	h->detail.failed = CHOUSA_OK;
}

/* "a, b, c and 2 more" over the n names kept. */
static void
add_names(struct chousa_buf *b, const char *const *names, size_t n)
{
	size_t i, said = n < NAMES_SAID ? n : NAMES_SAID;

	for (i = 0; i < said; i++)
		chousa_buf_addf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " and " :
		    ", ", names[i]);
	if (said < n)
		chousa_buf_addf(b, " and %zu more", n - said);
}

/*
 * The local feeds: degraded when one that was ever imported is older
 * than its max age, or when none ever was (the store answers nothing).
 * A feed never imported alongside others is a choice, not a fault.
 */
static void
check_feeds(struct health *h, const struct chousa_source_row *rows,
    size_t n)
{
	const char *stale[NAMES_SAID];
	size_t i, n_feeds = 0, n_imported = 0, n_stale = 0;

	for (i = 0; i < n; i++) {
		if (rows[i].is_online || !rows[i].fresh.known ||
		    !rows[i].is_enabled)
			continue;
		n_feeds++;
		if (rows[i].fresh.updated_at == 0)
			continue;
		n_imported++;
		if (rows[i].fresh.stale && n_stale++ < NAMES_SAID)
			stale[n_stale - 1] = rows[i].source->name;
	}
	if (n_feeds > 0 && n_imported == 0) {
		chousa_buf_addf(&h->detail, "none of the %zu feeds was ever "
		    "imported: run chousa update", n_feeds);
		check_done(h, "feeds", H_DEGRADED);
		return;
	}
	if (n_stale > 0) {
		chousa_buf_addf(&h->detail, "%zu of %zu feeds past their max "
		    "age ([freshness] max_age_days): ", n_stale, n_imported);
		add_names(&h->detail, stale, n_stale);
		check_done(h, "feeds", H_DEGRADED);
		return;
	}
	chousa_buf_addf(&h->detail, "%zu of %zu feeds imported, none past "
	    "its max age", n_imported, n_feeds);
	check_done(h, "feeds", H_OK);
}

/* The online services: degraded when a usable one's daily quota is spent. */
static void
check_online(struct health *h, const struct chousa_source_row *rows,
    size_t n)
{
	const char *spent[NAMES_SAID];
	size_t i, n_usable = 0, n_spent = 0;

	for (i = 0; i < n; i++) {
		if (!rows[i].is_online || !rows[i].is_enabled ||
		    strcmp(rows[i].configured, "no key") == 0)
			continue;
		n_usable++;
		if (rows[i].info.daily > 0 && rows[i].info.quota_left == 0 &&
		    n_spent++ < NAMES_SAID)
			spent[n_spent - 1] = rows[i].source->name;
	}
	if (n_spent > 0) {
		chousa_buf_adds(&h->detail, "the daily quota is spent until "
		    "00:00 UTC: ");
		add_names(&h->detail, spent, n_spent);
	} else
		chousa_buf_addf(&h->detail, "%zu service%s usable, none out of "
		    "its daily quota", n_usable, n_usable == 1 ? "" : "s");
	check_done(h, "online", n_spent > 0 ? H_DEGRADED : H_OK);
}

/* The scheduled updates: degraded after a failure, or long overdue. */
static void
check_update(struct health *h, struct server *s, int64_t now)
{
	struct update_state us;
	char when[32];
	int late;

	if (s->updater == NULL)
		return;
	updater_state(s->updater, &us);
	if (us.last_ok != 0)
		chousa_time_format(us.last_ok, when, sizeof(when));
	else
		snprintf(when, sizeof(when), "never");
	/* Two runs missed: a hung update, not a slow one. */
	late = us.every > 0 && !us.running && now - (us.last_ok != 0 ?
	    us.last_ok : us.last_try) > 2 * us.every && us.last_try != 0;
	if (us.failures == 1)
		chousa_buf_addf(&h->detail, "the last feed update failed "
		    "(exit status %d; the server's log says why); last "
		    "success: %s", us.last_status, when);
	else if (us.failures > 1)
		chousa_buf_addf(&h->detail, "the last %d feed updates failed "
		    "(exit status %d; the server's log says why); last "
		    "success: %s", us.failures, us.last_status, when);
	else if (late)
		chousa_buf_addf(&h->detail, "no feed update has succeeded for "
		    "two of its periods; last success: %s", when);
	else
		chousa_buf_addf(&h->detail, "%s; last success: %s",
		    us.running ? "an update runs now" : us.every > 0 ?
		    "on schedule" : "updates run when asked (no "
		    "--update-every)", when);
	check_done(h, "update", us.failures > 0 || late ? H_DEGRADED : H_OK);
}

static void
check_audit(struct health *h, struct server *s)
{
	struct audit_stats as;
	char when[24];

	if (server_audit(s) == NULL)
		return;
	audit_stats(server_audit(s), &as);
	if (as.failing)
		chousa_buf_addf(&h->detail, "the audit log cannot be written "
		    "now (%s): the requests it audits are refused (503) until "
		    "it can; %llu line%s lost since the start",
		    strerror(as.failing), (unsigned long long)as.lost,
		    as.lost == 1 ? "" : "s");
	else
		chousa_buf_addf(&h->detail, "%llu line%s written, %llu lost "
		    "since the start", (unsigned long long)as.written,
		    as.written == 1 ? "" : "s", (unsigned long long)as.lost);
	if (as.deleted > 0) {
		chousa_time_format((time_t)as.deleted_at, when, sizeof(when));
		chousa_buf_addf(&h->detail, "; deleted under the server %llu "
		    "time%s, last at %s, taking %llu line%s written before "
		    "(the server's log says more)",
		    (unsigned long long)as.deleted, as.deleted == 1 ? "" : "s",
		    when, (unsigned long long)as.gone, as.gone == 1 ? "" : "s");
	}
	check_done(h, "audit", as.failing ? H_DEGRADED : H_OK);
}

static void
check_config(struct health *h, struct server *s)
{
	int64_t since;
	char when[32], listen[sizeof(s->listen_refused)];
	int ok;

	pthread_mutex_lock(&s->cfg_lock);
	ok = s->cfg_reload_ok;
	since = s->cfg_loaded_at;
	memcpy(listen, s->listen_refused, sizeof(listen));
	pthread_mutex_unlock(&s->cfg_lock);
	chousa_time_format(since, when, sizeof(when));
	if (!ok)
		chousa_buf_addf(&h->detail, "the config file read at the last "
		    "reload could not be used (the server's log says why); "
		    "the one read at %s is in force", when);
	else
		chousa_buf_addf(&h->detail, "read at %s", when);
	if (listen[0] != '\0')
		chousa_buf_addf(&h->detail, "; but %s", listen);
	check_done(h, "config", ok && listen[0] == '\0' ? H_OK : H_DEGRADED);
}

static void
check_tls(struct health *h, struct server *s, int64_t now)
{
	int64_t until;
	char when[32], refused[sizeof(s->tls_refused)];

	if (s->opts.tls_cert == NULL)
		return;
	until = tls_expires();
	chousa_time_format(until, when, sizeof(when));
	pthread_mutex_lock(&s->cfg_lock);
	memcpy(refused, s->tls_refused, sizeof(refused));
	pthread_mutex_unlock(&s->cfg_lock);
	if (refused[0] != '\0') {
		chousa_buf_addf(&h->detail, "the last reload refused the "
		    "renewed pair (%s) and kept the certificate in force, "
		    "which ends at %s: fix the files, then reload", refused,
		    when);
		check_done(h, "tls", H_DEGRADED);
		return;
	}
	if (until <= now)
		chousa_buf_addf(&h->detail, "the certificate ended at %s: "
		    "renew it, then reload", when);
	else if (until - now < TLS_WARN_DAYS * 86400)
		chousa_buf_addf(&h->detail, "the certificate ends at %s, in "
		    "under %d days: renew it, then reload", when,
		    TLS_WARN_DAYS);
	else
		chousa_buf_addf(&h->detail, "the certificate ends at %s", when);
	check_done(h, "tls", until - now < TLS_WARN_DAYS * 86400 ?
	    H_DEGRADED : H_OK);
}

void
health_run(struct sreq *r, const struct chousa_source_row *rows, size_t n,
    const char *unreadable, struct health_report *out)
{
	struct server *s = r->srv;
	struct health h;
	int64_t now = (int64_t)time(NULL);
	int store;

	memset(out, 0, sizeof(*out));
	out->at = now;
	h.r = r;
	h.out = out;
	chousa_buf_init(&h.detail, 0);
	if (unreadable != NULL) {
		chousa_buf_addf(&h.detail, "the store cannot be read: %s",
		    unreadable);
		store = H_UNAVAILABLE;
	} else
		store = storewatch_check(s, &h.detail);
	check_done(&h, "store", store);
	/* Over a store gone, the feeds' and quotas' state says nothing. */
	if (store != H_UNAVAILABLE) {
		check_feeds(&h, rows, n);
		check_online(&h, rows, n);
	}
	check_update(&h, s, now);
	check_audit(&h, s);
	check_config(&h, s);
	check_tls(&h, s, now);
	if (__atomic_load_n(&s->closing, __ATOMIC_RELAXED)) {
		chousa_buf_adds(&h.detail, "the server is stopping: it finishes "
		    "the requests under way and takes no new connection");
		check_done(&h, "draining", H_DRAINING);
	}
	chousa_buf_release(&h.detail);
}

static int
h_health(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_source_row *rows = NULL;
	struct health_report hr;
	struct chousa_jw w;
	size_t n = 0, i;

	if (chousa_sources_state(r->env.st, r->env.cfg, r->a, &rows, &n,
	    &err) != CHOUSA_OK)
		health_run(r, NULL, 0, err.msg[0] ? err.msg : "unknown error",
		    &hr);
	else
		health_run(r, rows, n, NULL, &hr);
	r->ctype = "application/json";
	chousa_jw_init(&w, &r->out);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "status", health_name[hr.worst]);
	/* What is wrong is for the team, not for any address. */
	if (r->who.role > CHOUSA_ROLE_NONE) {
		chousa_jw_ktime(&w, "checked_at", hr.at);
		chousa_jw_key(&w, "checks");
		chousa_jw_array(&w);
		for (i = 0; i < hr.n; i++) {
			chousa_jw_object(&w);
			chousa_jw_kstr(&w, "check", hr.c[i].name);
			chousa_jw_kstr(&w, "status",
			    health_name[hr.c[i].status]);
			chousa_jw_kstr(&w, "detail", hr.c[i].detail);
			chousa_jw_object_end(&w);
		}
		chousa_jw_array_end(&w);
	}
	chousa_jw_object_end(&w);
	chousa_buf_addch(&r->out, '\n');
	if (r->out.failed != CHOUSA_OK) {
		chousa_buf_reset(&r->out);
		r->out.failed = CHOUSA_OK;
		return req_error(r, 500, "out of memory");
	}
	r->status = hr.worst >= H_DRAINING ? 503 : 200;
	if (hr.worst >= H_DRAINING)
		req_header_add(r, "Retry-After", "5");
	return 0;
}

const struct route health_routes[] = {
	{ "/api/v1/health", M_GET, CHOUSA_ROLE_NONE, 0, ROUTE_NO_AUDIT,
	    h_health, "health" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
