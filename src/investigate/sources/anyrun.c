/*
 * anyrun.c: ANY.RUN Threat Intelligence Lookup, for key holders (header
 * "Authorization: API-Key <key>").  One POST intelligence/api/search with
 * {"query": "domainName:\"x\"", "startDate": ...}; the answer's
 * summary.threatLevel (0 none, 1 suspicious, 2 malicious) is the verdict,
 * summary.tags the labels, relatedFiles the samples.
 *
 * Relies on (a missing one is "unexpected answer", never a miss): summary
 * (object), summary.threatLevel (null when unknown), relatedFiles and
 * sourceTasks (arrays).  No genuine TI Lookup answer was found (the
 * genuine ANY.RUN bodies published are of the v1 analysis API, another
 * product): paths, query fields and the answer shape follow ANY.RUN's
 * official Python SDK (anyrun-sdk, LookupConnector and LookupSummary)
 * [UNCONFIRMED].  The seeded rate (10 a minute) is a cautious guess.
 */
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

static int
on_lookup(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *files = jt_get(r->json, "relatedFiles");
	struct jnode *tags = jt_get(r->json, "summary", "tags");
	struct jnode *tasks = jt_get(r->json, "sourceTasks");
	int64_t level = jt_int(r->json, -1, "summary", "threatLevel");
	size_t i;

	(void)arg;
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (!jt_is(jt_get(r->json, "summary"), J_OBJ))
		return online_unexpected(oq, r, "no summary object");
	if (jt_get(r->json, "summary", "threatLevel") == NULL)
		return online_unexpected(oq, r, "no summary.threatLevel");
	if (!jt_is(files, J_ARR) || !jt_is(tasks, J_ARR))
		return online_unexpected(oq, r, "no relatedFiles or sourceTasks "
		    "list");
	if ((jt_len(files) == 0 && jt_len(tasks) == 0 &&
	    jt_len(jt_get(r->json, "relatedDNS")) == 0 &&
	    jt_len(jt_get(r->json, "relatedURLs")) == 0 &&
	    jt_len(jt_get(r->json, "destinationIP")) == 0)) {
		online_miss(f);
		f->detail = "not found by ANY.RUN TI Lookup";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->verdict = level == 2 ? CHOUSA_V_MALICIOUS : level == 1 ?
	    CHOUSA_V_SUSPICIOUS : CHOUSA_V_UNKNOWN;
	online_add_labels(f, a, tags, 16);
	f->last_seen = online_time(jt_str(r->json, "summary", "lastSeen"));
	for (i = 0; !online_is_hash(q) && i < jt_len(files) && i < 50; i++)
		online_add_sample(f, a, CHOUSA_REL_CONTACTED,
		    jt_str(jt_at(files, i), "hashes", "sha256"),
		    f->n_labels ? f->labels[0] : NULL, 0);
	f->detail = chousa_arena_printf(a, "threat level %lld in %zu"
	    " sandbox task%s", (long long)level, jt_len(tasks),
	    jt_len(tasks) == 1 ? "" : "s");
	return ONLINE_CACHE_HIT;
}

static void
ar_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Authorization: API-Key ");
}

/*
 * { "query": "<field>:\"<value>\"", "startDate": <180 days back> }, or
 * NULL when out of memory.
 */
static char *
ar_body(struct chousa_query *q, struct chousa_arena *a, const char *field)
{
	struct chousa_buf b;
	struct chousa_jw w;
	char *term, day[16];

	chousa_time_day((int64_t)time(NULL) - 180 * 86400, day);
	term = chousa_arena_printf(a, "%s:\"%s\"", field, q->ind->value);
	if (term == NULL)
		return NULL;
	online_json_begin(&b, &w);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "query", term);
	chousa_jw_kstr(&w, "startDate", day);
	chousa_jw_object_end(&w);
	return online_json_end(a, &b);
}

static int
ar_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	const char *field;

	if (oq == NULL)
		return CHOUSA_OK;
	field = online_type_word(q, "domainName", "destinationIP", "url");
	/* The value sits inside a quoted query term: no quotes in it. */
	if (strchr(q->ind->value, '"') != NULL) {
		q->finding->status = CHOUSA_ST_SKIPPED;
		q->finding->reason = "value cannot be quoted for ANY.RUN";
		return online_started(oq);
	}
	ar_req(&req);
	req.method = "POST";
	req.path = "/intelligence/api/search";
	req.body_type = "application/json";
	req.body = ar_body(q, online_arena(oq), field);
	return online_ask(oq, &req, on_lookup, NULL, err);
}

static int
ar_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, ar_req, "/intelligence/keycheck", NULL);
}

static int	ar_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_anyrun = {
	.name = "anyrun",
	.title = "ANY.RUN TI Lookup",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 70,
	.rate_per_min = 10,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://api.any.run/v1",
	.start = ar_start,
	.check = ar_check,
	.parse = ar_parse,
};

/* One kind of answer: kind is not read. */
static int
ar_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	(void)kind;
	return online_parse_buffer(on_lookup, NULL, &chousa_source_anyrun,
	    subject, body, len, a, f);
}
