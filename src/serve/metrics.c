/*
 * metrics.c: GET /metrics, the server's state in the Prometheus text
 * exposition format (version 0.0.4), for the monitoring a platform team
 * already runs.  Requests by route, method and status, their durations
 * as histograms, the connections, the investigations' queues, the audit
 * log's lines written and lost, each source's feed age, quota and cache,
 * the scheduled update, and the process's own figures under the names
 * every Prometheus client library gives them (process_*).
 *
 * Counting costs a request a few relaxed atomic additions and no lock:
 * the counters are keyed by (route, method, status) in a fixed table
 * filled by compare-and-swap, and every label value is a route's path
 * from the code, a method or a status, never text a client sent, so the
 * series stay few whatever the clients ask.  The rest is read when the
 * page is asked for.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

/* Upper bounds of the duration buckets, in seconds (+Inf is the count). */
static const double bucket_le[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10, 30
};
#define N_BUCKETS	(sizeof(bucket_le) / sizeof(bucket_le[0]))

/*
 * (route, method, status) keys: routes, times 5 methods, times the
 * statuses a route answers, stays far below this.  A key past it is
 * counted in the overflow series, not lost.
 */
#define N_SLOTS		1024

/* Each bucket counts its own (not cumulative); the last is past 30 s. */
struct histogram {
	uint64_t	 bucket[N_BUCKETS + 1];
	uint64_t	 sum_us;
};

struct metrics {
	const struct route	**routes;	/* every route; index n: none */
	size_t			 *canon;	/* of a route, the first with
						 * its path */
	size_t			  n_routes;
	uint32_t		  key[N_SLOTS];	/* 0: free */
	uint64_t		  count[N_SLOTS];
	uint64_t		  overflow;
	struct histogram	 *hist;		/* n_routes + 1 */
	int64_t			  started;	/* Unix seconds */
};

static const char *const method_name[] = {
	"GET", "POST", "DELETE", "HEAD", "OTHER"
};

static unsigned
method_index(unsigned m)
{
	return m == M_GET ? 0 : m == M_POST ? 1 : m == M_DELETE ? 2 :
	    m == M_HEAD ? 3 : 4;
}

int
metrics_new(struct metrics **out, const struct route *const *tables,
    struct chousa_err *err)
{
	struct metrics *m = mem_alloc(sizeof(*m));
	const struct route *const *t;
	const struct route *rt;
	size_t n = 0;

	if (m == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	for (t = tables; *t != NULL; t++)
		for (rt = *t; rt->path != NULL; rt++)
			n++;
	m->routes = mem_alloc(n * sizeof(*m->routes));
	m->canon = mem_alloc(n * sizeof(*m->canon));
	m->hist = mem_alloc((n + 1) * sizeof(*m->hist));
	if (m->routes == NULL || m->canon == NULL || m->hist == NULL) {
		metrics_free(m);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	for (t = tables; *t != NULL; t++)
		for (rt = *t; rt->path != NULL; rt++) {
			size_t j = 0;

			while (j < m->n_routes &&
			    strcmp(m->routes[j]->path, rt->path) != 0)
				j++;
			m->canon[m->n_routes] = j;
			m->routes[m->n_routes++] = rt;
		}
	m->started = (int64_t)time(NULL);
	*out = m;
	return CHOUSA_OK;
}

void
metrics_free(struct metrics *m)
{
	if (m == NULL)
		return;
	mem_free(m->routes);
	mem_free(m->canon);
	mem_free(m->hist);
	mem_free(m);
}

static size_t
route_index(const struct metrics *m, const struct route *rt)
{
	size_t i;

	for (i = 0; i < m->n_routes; i++)
		if (m->routes[i] == rt)
			return i;
	return m->n_routes;
}

/* The first route with the path of route ri (n_routes: none). */
static size_t
path_index(const struct metrics *m, size_t ri)
{
	return ri < m->n_routes ? m->canon[ri] : ri;
}

/* The key's slot, taken when free; NULL when the table is full. */
static uint64_t *
slot(struct metrics *m, uint32_t key)
{
	size_t i, h = (key * 2654435761u) % N_SLOTS;

	for (i = 0; i < N_SLOTS; i++, h = (h + 1) % N_SLOTS) {
		uint32_t k = __atomic_load_n(&m->key[h], __ATOMIC_ACQUIRE);

		if (k == 0) {
			uint32_t zero = 0;

			if (__atomic_compare_exchange_n(&m->key[h], &zero, key,
			    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return &m->count[h];
			k = zero;	/* another thread took it: whose? */
		}
		if (k == key)
			return &m->count[h];
	}
	return NULL;
}

void
metrics_request(struct metrics *m, const struct route *rt, unsigned method,
    int status, double seconds)
{
	size_t ri, b;
	uint64_t *c;
	struct histogram *h;

	if (m == NULL)
		return;
	/* Routes that share a path are one route here. */
	ri = path_index(m, route_index(m, rt));
	if (status < 100 || status > 599)
		status = 0;	/* no answer: the client went first */
	c = slot(m, (uint32_t)(ri + 1) << 16 |
	    method_index(method) << 10 | (uint32_t)status);
	__atomic_fetch_add(c != NULL ? c : &m->overflow, 1, __ATOMIC_RELAXED);
	h = &m->hist[ri];
	for (b = 0; b < N_BUCKETS && seconds > bucket_le[b]; b++)
		;
	__atomic_fetch_add(&h->bucket[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum_us, (uint64_t)(seconds > 0 ?
	    seconds * 1e6 + 0.5 : 0), __ATOMIC_RELAXED);
}

/* ---- the exposition ---- */

/* A label value: backslash, double quote and newline escaped. */
static void
label_value(struct chousa_buf *b, const char *s)
{
	chousa_buf_addch(b, '"');
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			chousa_buf_addch(b, '\\');
		if (*s == '\n')
			chousa_buf_adds(b, "\\n");
		else
			chousa_buf_addch(b, *s);
	}
	chousa_buf_addch(b, '"');
}

static void
family(struct chousa_buf *b, const char *name, const char *type,
    const char *help)
{
	chousa_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* One sample with at most one label (label NULL: none). */
static void
sample(struct chousa_buf *b, const char *name, const char *label,
    const char *value, double v)
{
	chousa_buf_adds(b, name);
	if (label != NULL) {
		chousa_buf_addf(b, "{%s=", label);
		label_value(b, value);
		chousa_buf_addch(b, '}');
	}
	if (v == (double)(int64_t)v)
		chousa_buf_addf(b, " %lld\n", (long long)v);
	else
		chousa_buf_addf(b, " %.9g\n", v);
}

static void
gauge(struct chousa_buf *b, const char *name, const char *help, double v)
{
	family(b, name, "gauge", help);
	sample(b, name, NULL, NULL, v);
}

static void
counter(struct chousa_buf *b, const char *name, const char *help, double v)
{
	family(b, name, "counter", help);
	sample(b, name, NULL, NULL, v);
}

static int
cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static const char *
route_label(const struct metrics *m, size_t ri)
{
	return ri < m->n_routes ? m->routes[ri]->path : "other";
}

static void
put_requests(struct chousa_buf *b, struct metrics *m)
{
	uint32_t keys[N_SLOTS];
	size_t i, n = 0, ri, k;
	uint64_t cum;

	for (i = 0; i < N_SLOTS; i++)
		if ((keys[n] = __atomic_load_n(&m->key[i], __ATOMIC_ACQUIRE)))
			n++;
	qsort(keys, n, sizeof(keys[0]), cmp_u32);
	family(b, "chousa_http_requests_total", "counter", "Requests "
	    "answered, by route (a path of the server's, 'other' for any "
	    "other), method and status ('none': the client left first).");
	for (i = 0; i < n; i++) {
		uint64_t *c = slot(m, keys[i]);

		ri = (keys[i] >> 16) - 1;
		chousa_buf_adds(b, "chousa_http_requests_total{route=");
		label_value(b, route_label(m, ri));
		chousa_buf_addf(b, ",method=\"%s\",code=\"", method_name[
		    (keys[i] >> 10) & 7]);
		if ((keys[i] & 0x3ff) == 0)
			chousa_buf_adds(b, "none");
		else
			chousa_buf_addf(b, "%u", keys[i] & 0x3ff);
		chousa_buf_addf(b, "\"} %llu\n", (unsigned long long)
		    __atomic_load_n(c, __ATOMIC_RELAXED));
	}
	counter(b, "chousa_http_requests_uncounted_total", "Requests past "
	    "the table of route, method and status (should stay 0).",
	    (double)__atomic_load_n(&m->overflow, __ATOMIC_RELAXED));

	family(b, "chousa_http_request_duration_seconds", "histogram",
	    "From a request's headers read to its answer's last byte sent, "
	    "by route.");
	for (ri = 0; ri <= m->n_routes; ri++) {
		struct histogram *h = &m->hist[ri];
		const char *route = route_label(m, ri);

		if (path_index(m, ri) != ri)
			continue;
		cum = 0;
		for (k = 0; k <= N_BUCKETS; k++)
			cum += __atomic_load_n(&h->bucket[k], __ATOMIC_RELAXED);
		if (cum == 0)
			continue;
		cum = 0;
		for (k = 0; k <= N_BUCKETS; k++) {
			cum += __atomic_load_n(&h->bucket[k], __ATOMIC_RELAXED);
			chousa_buf_adds(b,
			    "chousa_http_request_duration_seconds_bucket"
			    "{route=");
			label_value(b, route);
			if (k < N_BUCKETS)
				chousa_buf_addf(b, ",le=\"%g\"} %llu\n",
				    bucket_le[k], (unsigned long long)cum);
			else
				chousa_buf_addf(b, ",le=\"+Inf\"} %llu\n",
				    (unsigned long long)cum);
		}
		chousa_buf_adds(b, "chousa_http_request_duration_seconds_sum"
		    "{route=");
		label_value(b, route);
		chousa_buf_addf(b, "} %.6f\n", (double)__atomic_load_n(
		    &h->sum_us, __ATOMIC_RELAXED) / 1e6);
		chousa_buf_adds(b, "chousa_http_request_duration_seconds_count"
		    "{route=");
		label_value(b, route);
		chousa_buf_addf(b, "} %llu\n", (unsigned long long)cum);
	}
}

/* Some of this process's own figures, under the names client libraries use. */
static void
put_process(struct chousa_buf *b, const struct metrics *m)
{
	struct rusage ru;
	struct rlimit rl;
	unsigned long long vsize = 0, rss = 0;
	long page = sysconf(_SC_PAGESIZE);
	FILE *f;
	DIR *d;
	struct dirent *e;
	long fds = 0;

	if (getrusage(RUSAGE_SELF, &ru) == 0)
		counter(b, "process_cpu_seconds_total", "User and system CPU "
		    "time spent, in seconds.", (double)ru.ru_utime.tv_sec +
		    (double)ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec +
		    ru.ru_stime.tv_usec) / 1e6);
	f = fopen("/proc/self/statm", "r");
	if (f != NULL) {
		if (fscanf(f, "%llu %llu", &vsize, &rss) == 2 && page > 0) {
			gauge(b, "process_resident_memory_bytes", "Resident "
			    "memory size in bytes.", (double)(rss *
			    (unsigned long long)page));
			gauge(b, "process_virtual_memory_bytes", "Virtual "
			    "memory size in bytes.", (double)(vsize *
			    (unsigned long long)page));
		}
		fclose(f);
	}
	d = opendir("/proc/self/fd");
	if (d != NULL) {
		while ((e = readdir(d)) != NULL)
			fds += e->d_name[0] != '.';
		closedir(d);
		/* Less the one this count holds open. */
		gauge(b, "process_open_fds", "Number of open file "
		    "descriptors.", (double)(fds > 0 ? fds - 1 : 0));
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		gauge(b, "process_max_fds", "Maximum number of open file "
		    "descriptors.", (double)rl.rlim_cur);
	gauge(b, "process_start_time_seconds", "Start time of the process "
	    "since the Unix epoch in seconds.", (double)m->started);
}

static void
put_server(struct chousa_buf *b, struct server *s)
{
	struct audit_stats as;
	struct update_state us;
	size_t busy = 0, cap = 0, held, max_held;
	struct sweeper_stats ss;
	int64_t loaded_at;
	long n_bg, max_bg;
	int reload_ok;

	family(b, "chousa_build_info", "gauge", "Always 1; the version "
	    "in its label.");
	sample(b, "chousa_build_info", "version", CHOUSA_VERSION, 1);
	gauge(b, "chousa_http_connections", "Connections open now.",
	    (double)server_connections(s));
	gauge(b, "chousa_http_connections_limit", "Connections the server "
	    "holds at most ([server] max_connections, or fewer when the "
	    "descriptor limit is lower); more wait to be accepted.",
	    (double)__atomic_load_n(&s->max_conns, __ATOMIC_RELAXED));
	gauge(b, "chousa_http_connections_per_address_limit", "Connections "
	    "one address may hold ([server] max_per_ip); 0: no limit.",
	    (double)__atomic_load_n(&s->max_per_ip, __ATOMIC_RELAXED));
	counter(b, "chousa_http_connections_accepted_total", "Connections "
	    "accepted since the start.", (double)__atomic_load_n(
	    &s->accepted, __ATOMIC_RELAXED));
	counter(b, "chousa_http_connections_refused_total", "Connections "
	    "closed as they came, from an address that held [server] "
	    "max_per_ip (or, rarely, with no memory left to count it).", (double)__atomic_load_n(&s->refused_per_ip,
	    __ATOMIC_RELAXED));
	counter(b, "chousa_http_connections_header_timeout_total",
	    "Connections closed because a request's headers took longer "
	    "than [server] header_timeout (slow clients).",
	    (double)hdrwatch_cut(s->hdrwatch));
	pthread_mutex_lock(&s->cfg_lock);
	reload_ok = s->cfg_reload_ok && s->listen_refused[0] == '\0';
	loaded_at = s->cfg_loaded_at;
	pthread_mutex_unlock(&s->cfg_lock);
	gauge(b, "chousa_config_last_reload_successful", "1 when the config "
	    "file read at the last SIGHUP (or at start) is in force; 0 when "
	    "it could not be read and the one before was kept, or when its "
	    "[server] listen could not be taken.",
	    (double)reload_ok);
	gauge(b, "chousa_config_last_reload_success_timestamp_seconds",
	    "When the config in force was read.", (double)loaded_at);
	pool_load(s->pool, &busy, &cap);
	gauge(b, "chousa_investigations_offline", "Offline investigations "
	    "queued or running.", (double)busy);
	gauge(b, "chousa_investigations_offline_limit", "Offline "
	    "investigations queued or running at most ([server] "
	    "investigate_threads + investigate_queue); past it, 503.",
	    (double)cap);
	counter(b, "chousa_investigations_kept_total", "Offline "
	    "investigations answered from the answers kept ([server] "
	    "answer_cache), without running again.",
	    (double)kept_hits(s->kept));
	gauge(b, "chousa_investigations_online_queued", "Online "
	    "investigations waiting for the one online thread.",
	    (double)worker_queued(s->worker));
	pthread_mutex_lock(&s->lock);
	held = s->held;
	max_held = s->max_held;
	n_bg = s->n_bg;
	max_bg = s->max_bg;
	pthread_mutex_unlock(&s->lock);
	gauge(b, "chousa_background_jobs", "Sweeps of uploaded logs and "
	    "exports running.", (double)n_bg);
	gauge(b, "chousa_background_jobs_limit", "[server] background_jobs: "
	    "past it, sweeps and exports get 503.", (double)max_bg);
	sweeper_stats(s->sweeper, &ss);
	counter(b, "chousa_sweep_received_bytes_total", "Bytes of logs "
	    "uploaded to be swept.", (double)ss.received);
	counter(b, "chousa_sweep_upload_waits_total", "Times an upload "
	    "waited for its sweep: the queue between them was full.",
	    (double)ss.waits);
	counter(b, "chousa_sweep_matcher_builds_total", "Matchers built from "
	    "the store for the sweeps: the first, then one after each "
	    "import.", (double)ss.builds);
	gauge(b, "chousa_sweep_matcher_bytes", "Memory of the matcher the "
	    "sweeps share (0: none built yet).", (double)ss.matcher_bytes);
	gauge(b, "chousa_queue_memory_bytes", "Bytes the requests and "
	    "answers of investigations hold.", (double)held);
	if (max_held > 0)
		gauge(b, "chousa_queue_memory_limit_bytes", "[server] "
		    "queue_memory: past it, investigations get 503.",
		    (double)max_held);
	if (server_audit(s) != NULL) {
		audit_stats(server_audit(s), &as);
		counter(b, "chousa_audit_lines_total", "Lines written to the "
		    "audit log.", (double)as.written);
		counter(b, "chousa_audit_lines_lost_total", "Lines the audit "
		    "log could not take (its disk full or failing); each "
		    "loss is also said on stderr.", (double)as.lost);
		counter(b, "chousa_audit_log_deleted_total", "Times the "
		    "audit log was deleted under the server (a new one is "
		    "started; the lines in the deleted file are gone).",
		    (double)as.deleted);
		counter(b, "chousa_audit_lines_gone_total", "Lines written "
		    "to audit logs later deleted under the server.",
		    (double)as.gone);
		gauge(b, "chousa_audit_log_bytes", "Size of the audit log "
		    "being written, rotated past --audit-max.",
		    (double)as.size);
	}
	if (s->opts.tls_cert != NULL) {
		gauge(b, "chousa_tls_certificate_expiry_timestamp_seconds",
		    "The notAfter of the TLS certificate in force (renew, "
		    "then SIGHUP).", (double)tls_expires());
		pthread_mutex_lock(&s->cfg_lock);
		reload_ok = s->tls_refused[0] == '\0';
		pthread_mutex_unlock(&s->cfg_lock);
		gauge(b, "chousa_tls_last_reload_successful", "1 when the TLS "
		    "pair read at the last SIGHUP (or at start) is in force; "
		    "0 when it was refused and the one before kept.",
		    (double)reload_ok);
	}
	if (s->updater != NULL) {
		updater_state(s->updater, &us);
		gauge(b, "chousa_update_running", "1 while a feed update "
		    "(scheduled or asked for) runs.", us.running);
		gauge(b, "chousa_update_last_success_timestamp_seconds",
		    "When a feed update last succeeded (0: never).",
		    (double)us.last_ok);
		gauge(b, "chousa_update_last_attempt_timestamp_seconds",
		    "When a feed update last started (0: never).",
		    (double)us.last_try);
		gauge(b, "chousa_update_failures", "Feed updates failed in a "
		    "row since the last success.", us.failures);
	}
}

/* Which sources a family has a sample for. */
enum { ALL, FEEDS, ONLINE, LIMITED };

/* What a family gives of a source. */
enum {
	USABLE, UPDATED, MAX_AGE, STALE, ROWS, USED, DAILY, ERROR_AT, ENTRIES,
	BYTES
};

/* A gauge per source: its name, which sources have it, help, value. */
struct source_family {
	const char	*name;
	int		 which;
	const char	*help;
	int		 value;
};

static double
source_value(int value, const struct chousa_source_row *r)
{
	switch (value) {
	case USABLE:
		return r->is_enabled && strcmp(r->configured, "no key") != 0;
	case UPDATED:
		return (double)r->fresh.updated_at;
	case MAX_AGE:
		return (double)r->fresh.max_age;
	case STALE:
		return r->fresh.stale;
	case ROWS:
		return (double)r->fresh.rows;
	case USED:
		return (double)r->info.used_today;
	case DAILY:
		return (double)r->info.daily;
	case ERROR_AT:
		return (double)r->info.last_error_at;
	case ENTRIES:
		return (double)r->info.cache_entries;
	default:
		return (double)r->info.cache_bytes;
	}
}

static const struct source_family source_families[] = {
	{ "chousa_source_usable", ALL, "1 when chousa asks the source: "
	    "enabled, and its key set when it needs one.", USABLE },
	{ "chousa_feed_last_update_timestamp_seconds", FEEDS, "When the feed "
	    "behind a local source was last imported (0: never).",
	    UPDATED },
	{ "chousa_feed_max_age_seconds", FEEDS, "The age past which a local "
	    "source's data is stale ([freshness] max_age_days).", MAX_AGE },
	{ "chousa_feed_stale", FEEDS, "1 when a local source was never "
	    "imported or is older than its max age; its answers say so.",
	    STALE },
	{ "chousa_feed_rows", FEEDS, "Rows the last import of a local "
	    "source's feed read.", ROWS },
	{ "chousa_online_requests_today", ONLINE, "Requests made to an "
	    "online service since 00:00 UTC.", USED },
	{ "chousa_online_daily_limit", LIMITED, "The daily quota in force "
	    "for an online service (services without one are left out).",
	    DAILY },
	{ "chousa_online_last_error_timestamp_seconds", ONLINE, "When an "
	    "online service last failed (0: not on record).", ERROR_AT },
	{ "chousa_cache_entries", ONLINE, "Answers of an online service in "
	    "the shared cache.", ENTRIES },
	{ "chousa_cache_bytes", ONLINE, "Bytes of an online service's "
	    "answers in the shared cache.", BYTES },
};

static int
has(int which, const struct chousa_source_row *r)
{
	switch (which) {
	case FEEDS:
		return !r->is_online && r->fresh.known;
	case ONLINE:
		return r->is_online;
	case LIMITED:
		return r->is_online && r->info.daily > 0;
	default:
		return 1;
	}
}

/* Each family over every source that has it: families stay grouped. */
static void
put_sources(struct chousa_buf *b, const struct chousa_source_row *rows,
    size_t n)
{
	const struct source_family *f;
	size_t i, k;

	for (k = 0; k < sizeof(source_families) / sizeof(*f); k++) {
		f = &source_families[k];
		family(b, f->name, "gauge", f->help);
		for (i = 0; i < n; i++)
			if (has(f->which, &rows[i]))
				sample(b, f->name, "source",
				    rows[i].source->name,
				    source_value(f->value, &rows[i]));
	}
	family(b, "chousa_source_info", "gauge", "Always 1: a source, its "
	    "kind and how it is configured (as chousa sources says it).");
	for (i = 0; i < n; i++) {
		chousa_buf_adds(b, "chousa_source_info{source=");
		label_value(b, rows[i].source->name);
		chousa_buf_addf(b, ",kind=\"%s\",configured=",
		    rows[i].is_online ? "online" : "local");
		label_value(b, rows[i].configured);
		chousa_buf_adds(b, "} 1\n");
	}
}

/* The latest use of any of name's tokens; 0: none used. */
static int64_t
last_use_of(const struct chousa_token *t, size_t n, const char *name)
{
	int64_t last = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0 && t[i].last_used_at > last)
			last = t[i].last_used_at;
	return last;
}

/* The families by a token's name, from its current token. */
enum { N_EXPIRY, N_SPENT, N_BUDGET, N_CREATED, N_LAST_USED };
static const struct {
	int		 what;
	const char	*name, *help;
} by_name[] = {
	{ N_EXPIRY, "chousa_token_expiry_timestamp_seconds", "When a name's "
	    "current token stops working, if made with an end (--expires), "
	    "by its name." },
	{ N_SPENT, "chousa_token_online_requests_today", "Online requests "
	    "charged to a name with a valid token today (UTC), by its "
	    "name." },
	{ N_BUDGET, "chousa_token_online_budget", "Online requests a name "
	    "with a valid token may cause a day (its own budget, else "
	    "[server] online_budget), by its name; 0: no limit." },
	{ N_CREATED, "chousa_token_created_timestamp_seconds", "When a "
	    "name's current token was made (a rotation makes a new one), by "
	    "its name: beside its last use, how long a token nobody used has "
	    "been there." },
	{ N_LAST_USED, "chousa_token_last_used_timestamp_seconds", "When the "
	    "server last let in a token of a name with a valid token (any of "
	    "its tokens, a rotated one in its grace too), by its name; 0: "
	    "never, so that an alert on dormant tokens fires for those nobody "
	    "ever used." },
};

static double
by_name_value(int what, const struct chousa_token *t, size_t n, size_t i,
    long default_budget)
{
	switch (what) {
	case N_EXPIRY:
		return (double)t[i].expires_at;
	case N_SPENT:
		return (double)t[i].online_today;
	case N_BUDGET:
		return (double)(t[i].online_budget >= 0 ?
		    t[i].online_budget : default_budget);
	case N_CREATED:
		return (double)t[i].created_at;
	default:
		return (double)last_use_of(t, n, t[i].name);
	}
}

/*
 * Tokens by state; with by_name_too, of each name with a valid token,
 * when its current one ends, what it spent online today against its
 * budget (default: the server's), and when it was last used.  A name is
 * often a person's e-mail address (a single sign-on user's row): by name,
 * these say who works here and when, which is for the scrapes
 * auth_sees_token_names() lets see them.  Another scrape says it has the
 * counts alone, or the alerts on tokens would be silent with no reason
 * shown.
 */
static void
put_tokens(struct chousa_buf *b, const struct chousa_token *t, size_t n,
    long default_budget, int by_name_too)
{
	static const char *const states[] = { "valid", "expired", "revoked" };
	int64_t now = (int64_t)time(NULL);
	unsigned char *current;
	size_t i, k, count;

	family(b, "chousa_tokens", "gauge", "API tokens in the store, by "
	    "state.");
	for (k = 0; k < 3; k++) {
		for (i = count = 0; i < n; i++)
			count += strcmp(chousa_token_state(&t[i], now),
			    states[k]) == 0;
		sample(b, "chousa_tokens", "state", states[k], (double)count);
	}
	gauge(b, "chousa_metrics_token_names", "1 when this scrape has the "
	    "series by token name (chousa_token_*): an admin's, or a token's "
	    "[server] metrics_scrapers names; 0: the counts by state alone, "
	    "and no alert on a token's end or disuse can fire.",
	    by_name_too);
	if (!by_name_too)
		return;
	/*
	 * By name, from its current token: while a rotation's grace runs a
	 * name has two valid tokens, and of two samples of one series in a
	 * scrape Prometheus keeps one and counts a duplicate-sample error.
	 * The current ones are found once, for every family.
	 */
	current = mem_alloc(n != 0 ? n : 1);
	if (current == NULL) {
		b->failed = CHOUSA_ENOMEM;
		return;
	}
	for (i = 0; i < n; i++)
		current[i] = (unsigned char)auth_token_current(t, n, i, now, 0);
	for (k = 0; k < sizeof(by_name) / sizeof(by_name[0]); k++) {
		family(b, by_name[k].name, "gauge", by_name[k].help);
		for (i = 0; i < n; i++)
			if (current[i] && (by_name[k].what != N_EXPIRY ||
			    t[i].expires_at != 0))
				sample(b, by_name[k].name, "name", t[i].name,
				    by_name_value(by_name[k].what, t, n, i,
				    default_budget));
	}
	mem_free(current);
}

/* GET /api/v1/health's checks, one series each. */
static void
put_health(struct chousa_buf *b, const struct health_report *hr)
{
	size_t i;

	family(b, "chousa_health_status", "gauge", "Each check of GET "
	    "/api/v1/health, by its name: 0 ok, 1 degraded (something needs a "
	    "person: the health answer says what), 2 draining, 3 unavailable.");
	for (i = 0; i < hr->n; i++)
		sample(b, "chousa_health_status", "check", hr->c[i].name,
		    (double)hr->c[i].status);
}

/*
 * The backups chousa db backup noted in the store.  With none, only the
 * last good one's time, 0: a store never backed up is the one an alert
 * must find (ChousaBackupStale, once the server has run 2 days), and a
 * family absent is easily taken for a scrape that lacks it.
 */
static void
put_backups(struct chousa_buf *b, struct chousa_store *st,
    struct chousa_arena *a)
{
	struct chousa_backup_record last, good;
	struct chousa_err err = { 0 };

	if (chousa_store_backup_last(st, a, &last, &good, &err) != CHOUSA_OK)
		return;
	if (last.at == 0) {
		gauge(b, "chousa_backup_last_success_timestamp_seconds", "When "
		    "the last good backup ended (0: none yet).", 0);
		return;
	}
	gauge(b, "chousa_backup_last_attempt_timestamp_seconds", "When chousa "
	    "db backup last ended, good or not.", (double)last.at);
	gauge(b, "chousa_backup_last_attempt_successful", "1 when the last "
	    "backup was written and checked; 0 when it failed (chousa db "
	    "stats, or the backup's own log, says why).", (double)last.ok);
	gauge(b, "chousa_backup_last_success_timestamp_seconds", "When the "
	    "last good backup ended (0: none yet).", (double)good.at);
	if (good.at != 0) {
		gauge(b, "chousa_backup_last_success_size_bytes", "Size of the "
		    "last good backup.", (double)good.bytes);
		gauge(b, "chousa_backup_last_success_duration_seconds", "How "
		    "long the last good backup took.", good.seconds);
	}
}

static int
h_metrics(struct sreq *r)
{
	struct server *s = r->srv;
	struct chousa_err err = { 0 };
	struct chousa_source_row *rows = NULL;
	struct chousa_token *tokens = NULL;
	struct health_report hr;
	size_t n = 0, n_tokens = 0;
	int readable;

	r->ctype = "text/plain; version=0.0.4; charset=utf-8";
	put_requests(&r->out, s->metrics);
	put_server(&r->out, s);
	readable = chousa_sources_state(r->env.st, r->env.cfg, r->a, &rows,
	    &n, &err) == CHOUSA_OK;
	gauge(&r->out, "chousa_sources_readable", "1 when the sources' "
	    "state could be read from the store for this page.", readable);
	if (readable)
		put_sources(&r->out, rows, n);
	health_run(r, readable ? rows : NULL, readable ? n : 0, readable ?
	    NULL : err.msg[0] != '\0' ? err.msg : "unknown error", &hr);
	put_health(&r->out, &hr);
	put_backups(&r->out, r->env.st, r->a);
	if (uses_tokens(s->uses, r->env.st, r->a, -1, &tokens, &n_tokens,
	    &err) == CHOUSA_OK)
		put_tokens(&r->out, tokens, n_tokens,
		    LIVE(s->online_budget), auth_sees_token_names(r->env.cfg,
		    &r->who));
	put_process(&r->out, s->metrics);
	if (r->out.failed != CHOUSA_OK) {
		chousa_buf_reset(&r->out);
		r->out.failed = CHOUSA_OK;
		req_error(r, 500, "the metrics page could not be made");
	}
	return 0;
}

const struct route metrics_routes[] = {
	{ "/metrics", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_NO_AUDIT, h_metrics,
	    "metrics" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
