/*
 * cmd-sources.c: `chousa sources` lists every source: local or online, the
 * stages and indicator types it answers, whether it is configured (a key,
 * never shown), today's quota, its last error and its share of the cache.
 * `--check` makes one cheap call per online source with a key to test it,
 * and contacts no source without one; it says so as lines or, with --json,
 * as one document.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum { OPT_JSON = 256, OPT_CHECK };

static const struct cli_opt sources_opts[] = {
	{ OPT_JSON, "json", NULL, "Print one JSON object with a list of "
	    "sources; with --check, one with each source's check: its state, "
	    "why and the HTTP status (docs/json.md)." },
	{ OPT_CHECK, "check", NULL, "Make one cheap call per online source "
	    "with a key to test it; a source without one is not contacted "
	    "(one that needs none says whether runs use it); exit 4 when one "
	    "fails." },
	{ 0 }
};

static int
is_online(const struct chousa_source *s)
{
	return !(s->flags & CHOUSA_SRC_LOCAL);
}

static void
list(const struct chousa_config *cfg, struct chousa_store *st, int json)
{
	const struct chousa_format *f;
	struct chousa_err err = { 0 };
	struct chousa_source_row *rows;
	struct chousa_arena *a;
	struct chousa_buf b;
	size_t i, n;

	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_SOURCES,
	    &f, &err) != CHOUSA_OK || chousa_arena_new(&a, 0, &err) !=
	    CHOUSA_OK || chousa_sources_state(st, cfg, a, &rows, &n, &err) != CHOUSA_OK)
		cli_die_err(&err);
	for (i = 0; i < n; i++)
		if (rows[i].warning != NULL)
			cli_warn("%s", rows[i].warning);
	chousa_buf_init(&b, 0);
	f->results->sources(&b, rows, n);
	cli_output(&b);
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

/* One source's key test, as the text line and the JSON object say it. */
struct check_row {
	const struct chousa_source	*source;
	const char			*state;	/* ok refused error skipped */
	int				 status; /* CHOUSA_ST_*: a miss is a hit */
	const char			*what;	/* what the test found */
	int				 http_status; /* last answer, or 0 */
};

/* A key the service refused: by its HTTP status or in its answer. */
static int
is_refused(const struct chousa_finding *f)
{
	const char *r = f->reason ? f->reason : "";

	return f->http_status == 401 || f->http_status == 403 ||
	    strncmp(r, "key refused", 11) == 0 ||
	    strncmp(r, "access refused", 14) == 0;
}

/* How a finding reads as a check; 1 when it is a failure (exit 4). */
static int
check_row(struct check_row *r, const struct chousa_source *s,
    const struct chousa_finding *f)
{
	r->source = s;
	r->status = f->status == CHOUSA_ST_MISS ? CHOUSA_ST_HIT : f->status;
	r->http_status = f->http_status;
	r->what = f->reason ? f->reason : "";
	switch (r->status) {
	case CHOUSA_ST_HIT:
		r->state = "ok";
		r->what = f->detail ? f->detail : "key accepted";
		return 0;
	case CHOUSA_ST_PENDING:
		r->state = "error";
		r->what = "no answer";
		return 1;
	case CHOUSA_ST_ERROR:
		r->state = is_refused(f) ? "refused" : "error";
		return 1;
	default:
		r->state = "skipped";
		return 0;
	}
}

static void
check_text(struct chousa_buf *b, const struct chousa_config *cfg,
    const struct check_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];

		chousa_buf_addf(b, "%-16s %-8s ", r->source->name,
		    chousa_status_name(r->status));
		chousa_esc_text(b, r->what, strnlen(r->what, 200));
		cli_key_hint(b, cfg, key_section(cfg, r->source), r->what);
		chousa_buf_addch(b, '\n');
	}
}

struct check_json {
	const struct chousa_config	*cfg;
	const struct check_row		*rows;
};

/* A source's check: the text line's reason, hint included; no key. */
static void
check_row_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct check_json *cj = arg;
	const struct check_row *r = &cj->rows[i];
	struct chousa_buf why;

	chousa_buf_init(&why, 0);
	chousa_buf_adds(&why, r->what);
	cli_key_hint(&why, cj->cfg, key_section(cj->cfg, r->source), r->what);
	chousa_jw_kstr(w, "name", r->source->name);
	chousa_jw_kstr(w, "state", r->state);
	chousa_jw_kstr(w, "reason", why.len > 0 ? why.data : NULL);
	chousa_jw_kint_if(w, "http_status", r->http_status,
	    r->http_status > 0);
	chousa_buf_release(&why);
}

static void
check_json(struct chousa_buf *b, const struct chousa_config *cfg,
    const struct check_row *rows, size_t n, int failed)
{
	struct check_json cj = { cfg, rows };
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_krows(&w, "sources", n, check_row_json, &cj);
	chousa_jw_kbool(&w, "ok", !failed);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

/* One key test per configured online source, all in flight together. */
static int
check(const struct chousa_config *cfg, struct chousa_store *st, int json)
{
	const struct chousa_source *const *all = chousa_sources();
	struct chousa_investigate_opts io;
	struct chousa_err err = { 0 };
	struct check_row *rows;
	struct chousa_ctx *ctx;
	struct chousa_finding *f;
	struct chousa_query *q;
	struct chousa_buf b;
	size_t i, n = 0, n_rows = 0;
	int failed = 0;

	memset(&io, 0, sizeof(io));
	if (chousa_ctx_new(&ctx, st, cfg, &io, &err) != CHOUSA_OK)
		cli_die_err(&err);
	for (i = 0; all[i] != NULL; i++)
		n++;
	f = xmalloc(n * sizeof(*f));
	q = xmalloc(n * sizeof(*q));
	rows = xmalloc(n * sizeof(*rows));
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
	for (i = 0; i < n; i++)
		if (is_online(all[i]) && all[i]->check != NULL)
			failed |= check_row(&rows[n_rows++], all[i], &f[i]);
	chousa_buf_init(&b, 0);
	if (json)
		check_json(&b, cfg, rows, n_rows, failed);
	else
		check_text(&b, cfg, rows, n_rows);
	cli_output(&b);
	free(rows);
	free(f);
	free(q);
	chousa_ctx_free(ctx);
	return failed ? EXIT_SOURCE : EXIT_CLEAN;
}

static int
run_sources(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	struct chousa_config *cfg;
	const char *arg;
	int c, json = 0, do_check = 0, status;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);

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
		status = check(cfg, st, json);
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
	"chousa sources --check\n"
	"chousa --json sources --check | jq '.sources[] | select(.state != "
	"\"ok\")'",
	NULL,
	NULL
};
