/*
 * cmd-sources.c: `chousa sources` lists every source: local or online, the
 * stages and indicator types it answers, whether it is configured (a key,
 * never shown), today's quota, its last error and its share of the cache.
 * `--check` makes one cheap call per configured online source to test its
 * key.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { OPT_JSON = 256, OPT_CHECK };

static const struct cli_opt sources_opts[] = {
	{ OPT_JSON, "json", NULL, "Print one JSON object with a list of "
	    "sources." },
	{ OPT_CHECK, "check", NULL, "Make one cheap call per configured online "
	    "source to test its key; exit 4 when one fails." },
	{ 0 }
};

static int
is_online(const struct chousa_source *s)
{
	return !(s->flags & CHOUSA_SRC_LOCAL);
}

static int
is_enabled(const struct chousa_config *cfg, const struct chousa_source *s)
{
	return chousa_config_get_bool(cfg, s->name, "enabled", 1);
}

/* "key", "no key", "keyless", "key optional (none)" */
static const char *
configured(const struct chousa_config *cfg, const struct chousa_source *s)
{
	int has = chousa_source_key(cfg, s) != NULL;

	if (!is_online(s))
		return "local";
	if (!is_enabled(cfg, s))
		return "disabled";
	if (s->flags & CHOUSA_SRC_NEEDS_KEY)
		return has ? "key set" : "no key";
	if (s->flags & CHOUSA_SRC_KEY_OPTIONAL)
		return has ? "key set" : "keyless";
	return "keyless";
}

static void
stages(struct chousa_buf *b, unsigned st)
{
	size_t len = b->len;

	if (st & CHOUSA_STAGE_REPUTATION)
		chousa_buf_adds(b, "rep,");
	if (st & CHOUSA_STAGE_IDENTIFICATION)
		chousa_buf_adds(b, "ident,");
	if (st & CHOUSA_STAGE_ENRICHMENT)
		chousa_buf_adds(b, "enrich,");
	if (b->len > len)
		b->len--;
	b->data[b->len] = '\0';
}

static void
types(struct chousa_buf *b, const struct chousa_source *s)
{
	size_t len = b->len;
	int t;

	if (s->flags & CHOUSA_SRC_FAMILY)
		chousa_buf_adds(b, "family,");
	for (t = 1; t < CHOUSA_IOC_TYPE_COUNT; t++)
		if (s->types & CHOUSA_IOC_BIT(t))
			chousa_buf_addf(b, "%s,", chousa_ioc_type_name(t));
	if (b->len > len)
		b->len--;
	b->data[b->len] = '\0';
}

static void
json_str_buf(struct chousa_buf *out, struct chousa_buf *tmp)
{
	chousa_esc_json_str(out, tmp->data);
	chousa_buf_reset(tmp);
}

/* A local source's data: its last update, how old, stale or historical. */
static void
freshness(struct chousa_buf *b, const struct chousa_freshness *fr,
    int64_t now, int json)
{
	char when[32], until[32];

	chousa_time_format(fr->updated_at, when, sizeof(when));
	chousa_time_format(fr->data_until, until, sizeof(until));
	if (json) {
		chousa_buf_addf(b, ",\"updated_at\":%lld,\"stale\":%s,"
		    "\"historical\":%s,\"data_until\":%lld,"
		    "\"max_age_days\":%ld", (long long)fr->updated_at,
		    fr->stale ? "true" : "false", fr->historical ? "true" :
		    "false", (long long)fr->data_until, fr->max_age / 86400);
		return;
	}
	chousa_buf_addf(b, "%-20s data: ", "");
	if (fr->updated_at == 0)
		chousa_buf_adds(b, "none (chousa update, or chousa import)\n");
	else if (fr->historical)
		chousa_buf_addf(b, "HISTORICAL: its last update (%.10s) held "
		    "%llu row%s, upstream emptied or retired it; data ends "
		    "%.10s\n", when, (unsigned long long)fr->rows,
		    fr->rows == 1 ? "" : "s", fr->data_until ? until :
		    "at an unknown date");
	else
		chousa_buf_addf(b, "%supdated %.10s, %lld day%s old%s\n",
		    fr->stale ? "STALE: " : "", when,
		    (long long)((now - fr->updated_at) / 86400),
		    (now - fr->updated_at) / 86400 == 1 ? "" : "s", fr->stale ?
		    " ([freshness] max_age_days is exceeded: chousa update)" :
		    "");
}

static void
list(const struct chousa_config *cfg, struct chousa_store *st, int json)
{
	const struct chousa_source *const *all = chousa_sources();
	struct chousa_err err = { 0 };
	struct chousa_arena *a;
	struct chousa_buf b, t;
	int64_t now = (int64_t)time(NULL);
	size_t i;

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_init(&b, 0);
	chousa_buf_init(&t, 4096);
	if (json)
		chousa_buf_adds(&b, "{\"sources\":[");
	else
		chousa_buf_addf(&b, "%-20s %-7s %-18s %-10s %-11s %-8s %s\n",
		    "SOURCE", "KIND", "STAGES", "CONFIG", "QUOTA LEFT",
		    "CACHED", "LAST ERROR");
	for (i = 0; all[i] != NULL; i++) {
		const struct chousa_source *s = all[i];
		struct chousa_source_info info;

		struct chousa_freshness fr;

		memset(&info, 0, sizeof(info));
		memset(&fr, 0, sizeof(fr));
		info.quota_left = -1;
		if (!is_online(s) && chousa_source_freshness(st, a, cfg, s, now,
		    &fr, &err) != CHOUSA_OK)
			cli_warn("%s", err.msg);
		if (is_online(s) && chousa_source_state(st, a, s, cfg, &info,
		    &err) != CHOUSA_OK)
			cli_warn("%s", err.msg);
		if (json) {
			chousa_buf_adds(&b, i ? ",{\"name\":" : "{\"name\":");
			chousa_esc_json_str(&b, s->name);
			chousa_buf_adds(&b, ",\"title\":");
			chousa_esc_json_str(&b, s->title);
			chousa_buf_addf(&b, ",\"kind\":\"%s\",\"stages\":",
			    is_online(s) ? "online" : "local");
			stages(&t, s->stages);
			json_str_buf(&b, &t);
			chousa_buf_adds(&b, ",\"types\":");
			types(&t, s);
			json_str_buf(&b, &t);
			chousa_buf_addf(&b, ",\"configured\":\"%s\","
			    "\"enabled\":%s", configured(cfg, s),
			    is_enabled(cfg, s) ? "true" : "false");
			if (is_online(s)) {
				chousa_buf_addf(&b, ",\"rate_per_min\":%ld,"
				    "\"daily\":%ld,\"used_today\":%ld,"
				    "\"quota_left\":", chousa_config_get_long(
				    cfg, s->name, "rate",
				    (long)s->rate_per_min), info.daily,
				    info.used_today);
				if (info.quota_left < 0)
					chousa_buf_adds(&b, "null");
				else
					chousa_buf_addf(&b, "%ld",
					    info.quota_left);
				chousa_buf_adds(&b, ",\"last_error\":");
				chousa_esc_json_str(&b, info.last_error);
				chousa_buf_addf(&b, ",\"last_error_at\":%lld,"
				    "\"cache_entries\":%llu,\"cache_bytes\":"
				    "%llu", (long long)info.last_error_at,
				    (unsigned long long)info.cache_entries,
				    (unsigned long long)info.cache_bytes);
			}
			if (fr.known)
				freshness(&b, &fr, now, 1);
			chousa_buf_adds(&b, "}");
			continue;
		}
		chousa_buf_addf(&b, "%-20s %-7s ", s->name,
		    is_online(s) ? "online" : "local");
		stages(&t, s->stages);
		chousa_buf_addf(&b, "%-18s %-10s ", t.data, configured(cfg, s));
		chousa_buf_reset(&t);
		if (!is_online(s))
			chousa_buf_addf(&b, "%-11s %-8s -\n", "-", "-");
		else {
			if (info.quota_left < 0)
				chousa_buf_addf(&b, "%-11s ", "unlimited");
			else
				chousa_buf_addf(&b, "%-11ld ", info.quota_left);
			chousa_buf_addf(&b, "%-8llu ",
			    (unsigned long long)info.cache_entries);
			if (info.last_error != NULL)
				chousa_esc_text(&b, info.last_error,
				    strnlen(info.last_error, 120));
			else
				chousa_buf_adds(&b, "-");
			chousa_buf_addch(&b, '\n');
		}
		/* The types on a line of their own: a column would not fit. */
		types(&t, s);
		chousa_buf_addf(&b, "%-20s types: %s\n", "", t.data);
		chousa_buf_reset(&t);
		if (fr.known && st != NULL)
			freshness(&b, &fr, now, 0);
	}
	if (json)
		chousa_buf_adds(&b, "]}\n");
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&t);
	chousa_buf_release(&b);
	chousa_arena_free(a);
}

/* The config section a source's key comes from ([abusech] for siblings). */
static const char *
key_section(const struct chousa_config *cfg, const struct chousa_source *s)
{
	const char *k = chousa_config_get(cfg, s->name, "api_key");

	if ((s->flags & CHOUSA_SRC_ABUSECH_KEY) && (k == NULL || *k == '\0'))
		return "abusech";
	return s->name;
}

/* One key test per configured online source, all in flight together. */
static int
check(const struct chousa_config *cfg, struct chousa_store *st)
{
	const struct chousa_source *const *all = chousa_sources();
	struct chousa_investigate_opts io;
	struct chousa_err err = { 0 };
	struct chousa_ctx *ctx;
	struct chousa_finding *f;
	struct chousa_query *q;
	struct chousa_buf b;
	size_t i, n = 0;
	int status = EXIT_CLEAN;

	memset(&io, 0, sizeof(io));
	if (chousa_ctx_new(&ctx, st, cfg, &io, &err) != CHOUSA_OK)
		cli_die_err(&err);
	for (i = 0; all[i] != NULL; i++)
		n++;
	f = xmalloc(n * sizeof(*f));
	q = xmalloc(n * sizeof(*q));
	memset(f, 0, n * sizeof(*f));
	memset(q, 0, n * sizeof(*q));
	for (i = 0; i < n; i++) {
		const struct chousa_source *s = all[i];

		f[i].source = s->name;
		if (!is_online(s) || s->check == NULL)
			continue;
		if ((s->flags & CHOUSA_SRC_NEEDS_KEY) &&
		    chousa_ctx_key(ctx, s) == NULL) {
			f[i].status = CHOUSA_ST_SKIPPED;
			f[i].reason = "no key";
			continue;
		}
		q[i].ctx = ctx;
		q[i].source = s;
		q[i].finding = &f[i];
		memset(&err, 0, sizeof(err));
		if (s->check(&q[i], &err) != CHOUSA_OK) {
			f[i].status = CHOUSA_ST_ERROR;
			f[i].reason = xstrdup(err.msg);
		}
	}
	if (chousa_ctx_http(ctx) != NULL &&
	    chousa_http_run(chousa_ctx_http(ctx), &err) != CHOUSA_OK)
		cli_warn("%s", err.msg);
	chousa_buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		const struct chousa_source *s = all[i];
		const char *what;

		if (!is_online(s) || s->check == NULL)
			continue;
		switch (f[i].status) {
		case CHOUSA_ST_HIT:
		case CHOUSA_ST_MISS:
			what = f[i].detail ? f[i].detail : "key accepted";
			break;
		case CHOUSA_ST_PENDING:
			what = "no answer";
			status = EXIT_SOURCE;
			break;
		case CHOUSA_ST_ERROR:
			status = EXIT_SOURCE;
			/* FALLTHROUGH */
		default:
			what = f[i].reason ? f[i].reason : "";
			break;
		}
		chousa_buf_addf(&b, "%-16s %-8s ", s->name,
		    chousa_status_name(f[i].status == CHOUSA_ST_MISS ?
		    CHOUSA_ST_HIT : f[i].status));
		chousa_esc_text(&b, what, strnlen(what, 200));
		cli_key_hint(&b, cfg, key_section(cfg, s), what);
		chousa_buf_addch(&b, '\n');
	}
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
	free(f);
	free(q);
	chousa_ctx_free(ctx);
	return status;
}

static int
run_sources(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	struct chousa_config *cfg;
	const char *arg;
	int c, json = 0, do_check = 0, status;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_CHECK)
			do_check = 1;
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	cfg = cli_load_config();
	if (chousa_http_insecure(cfg))
		cli_warn("warning: TLS verification is off");
	/* No store yet: list without quotas and cache. */
	if (chousa_store_open(&st, cli_db_path(), CHOUSA_STORE_READONLY,
	    &err) != CHOUSA_OK)
		st = NULL;
	if (do_check)
		status = check(cfg, st);
	else {
		list(cfg, st, json);
		status = EXIT_CLEAN;
	}
	chousa_store_close(st);
	chousa_config_free(cfg);
	return status;
}

const struct cli_cmd cmd_sources = {
	"sources", "List the sources, their keys, quotas and errors",
	"[--json] [--check]",
	"List every source in the order an investigation asks them: its kind "
	"(local sources read the store, online ones call a service), the "
	"stages it serves, whether it is configured, the quota left today "
	"(daily counters are shared by every run through the store), the "
	"answers it has in the cache, and its last error.  Keys are never "
	"printed.  For a local source, how old its data is: the date of its "
	"feed's last update (an import, or a download that found it "
	"unchanged), STALE past [freshness] max_age_days (default 7), and "
	"HISTORICAL when the last download of the feed held fewer than "
	"[freshness] historical_rows rows (default 10: upstream emptied or "
	"retired it), with the date its data ends.  An investigation names "
	"such feeds in its notes, and their \"not listed\" is no evidence.\n\n"
	"Online sources are configured in the config file, one section per "
	"source: api_key, base_url, rate (requests a minute), daily, ttl "
	"(cache seconds for answers, miss_ttl for misses) and enabled = no "
	"(virustotal also takes relationships, the pages worth a request, and "
	"malicious_min, the engines that make an object malicious, 5 by "
	"default; fewer make it suspicious); CHOUSA_<SOURCE>_KEY and "
	"CHOUSA_<SOURCE>_URL override it.  abuse.ch requires an Auth-Key on "
	"its APIs: urlhaus, threatfox and malwarebazaar take [abusech] "
	"auth_key (CHOUSA_ABUSECH_AUTH_KEY) when they have no api_key of "
	"their own.  A key the service refuses (HTTP 401 or 403) is not sent "
	"again in that run: the source, and its abuse.ch siblings, are "
	"skipped with the reason.  The daily count (used_today) counts only "
	"the calls the service answered; refused and failed calls are not "
	"counted.  An answer that does not have the shape the source relies "
	"on is an error ('unexpected answer from ...', never 'not found', "
	"never cached); -v shows its first bytes.  The [http] "
	"section sets timeout and connect_timeout (seconds), max_body, "
	"max_parallel, retries, backoff_ms and max_wait (the longest a "
	"request waits for its rate limit before it is skipped as quota).  "
	"Requests go through the proxy named by https_proxy or HTTPS_PROXY "
	"(http_proxy for plain http, NO_PROXY for exceptions).",
	sources_opts, run_sources,
	"chousa sources\n"
	"chousa sources --json | jq '.sources[] | {name, quota_left}'\n"
	"chousa sources --check"
};
