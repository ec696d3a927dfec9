/*
 * hybridanalysis.c: Hybrid Analysis (Falcon Sandbox) API v2, headers
 * api-key and "User-Agent: Falcon Sandbox".  Hosts and URLs go to
 * search/terms (domain=, host=, url=): its results are sandbox reports of
 * samples that contacted them.  Hashes go to search/hash, then overview
 * for the verdict.  Both searches are POST forms as recorded in 2020; the
 * item keys of search/terms results and the error bodies are
 * [UNCONFIRMED] (the only real sample is an empty result), and the API was
 * reworked in 2024-2025, so every key is read as optional.
 * The seeded limits (5 a minute, 200 a day) are a cautious guess
 * [UNCONFIRMED]; set rate and daily in the config.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define HA_GUI	"https://www.hybrid-analysis.com/sample/"

/* The worst verdict of a report, raised into f. */
static void
worst(struct chousa_finding *f, yajl_val report)
{
	online_raise_verdict(f, online_verdict_word(jt_str(report, "verdict")));
}

static void
ha_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "api-key: ");
	req->headers[0] = "User-Agent: Falcon Sandbox";
	req->headers[1] = "Accept: application/json";
}

/* search/terms: {"count": n, "result": [report summaries]}. */
static int
on_terms(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val res = jt_get(r->json, "result");
	size_t i, n = 0;

	(void)arg;
	for (i = 0; i < jt_len(res) && i < 200; i++) {
		yajl_val it = jt_at(res, i);
		const char *fam = jt_str(it, "vx_family");

		if (!online_add_sample(f, a, CHOUSA_REL_CONTACTED,
		    jt_str(it, "sha256"), fam,
		    online_time(jt_str(it, "analysis_start_time"))))
			continue;
		online_add_label(f, a, fam);
		worst(f, it);
		n++;
	}
	if (n == 0) {
		online_miss(f);
		f->detail = "no sandbox report mentions it";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu sandbox report%s of samples"
	    " that contacted it", n, n == 1 ? "" : "s");
	return ONLINE_CACHE_HIT;
}

/* overview/{sha256}: verdict, threat score, multiscan. */
static int
on_overview(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	int64_t ts, ms;

	(void)arg;
	if (r->failed || r->status != 200 || !YAJL_IS_OBJECT(r->json))
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	worst(f, r->json);
	ts = jt_int(r->json, -1, "threat_score");
	ms = jt_int(r->json, -1, "multiscan_result");
	if (ts >= 0 && ts <= 100)
		f->score = (int)ts;
	else if (ms >= 0 && ms <= 100)
		f->score = (int)ms;
	if (f->file_type == NULL)
		f->file_type = online_strn(a, jt_str(r->json, "type"), 200);
	if (f->file_name == NULL)
		f->file_name = online_strn(a, jt_str(r->json,
		    "last_file_name"), 200);
	if (f->status == CHOUSA_ST_MISS && jt_str(r->json, "sha256") != NULL)
		online_hit(f, a);
	return ONLINE_CACHE_HIT;
}

/* search/hash: an array of report summaries of the sample. */
static int
on_hash(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	const char *sha256 = NULL;
	size_t i, n = jt_len(r->json);

	(void)arg;
	for (i = 0; i < n && i < 200; i++) {
		yajl_val it = jt_at(r->json, i);
		int64_t av = jt_int(it, -1, "av_detect");
		int64_t ts = jt_int(it, -1, "threat_score");

		online_add_label(f, a, jt_str(it, "vx_family"));
		worst(f, it);
		if (ts >= 0 && ts <= 100 && ts > f->score)
			f->score = (int)ts;
		else if (f->score < 0 && av >= 0 && av <= 100)
			f->score = (int)av;
		if (sha256 == NULL)
			sha256 = jt_str(it, "sha256");
		if (f->file_type == NULL)
			f->file_type = online_strn(a, jt_str(it, "type"), 200);
		if (f->file_name == NULL)
			f->file_name = online_strn(a, jt_str(it,
			    "submit_name"), 200);
	}
	if (n == 0 || sha256 == NULL ||
	    online_hash_type(sha256) != CHOUSA_IOC_SHA256) {
		online_miss(f);
		f->detail = "no sandbox report of this sample";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu report%s of the sample", n,
	    n == 1 ? "" : "s");
	f->reference = chousa_arena_printf(a, HA_GUI "%s", sha256);
	if (q->ctx != NULL) {
		struct online_req req;

		ha_req(&req);
		req.optional = 1;
		req.path = chousa_arena_printf(a, "/overview/%s", sha256);
		if (req.path != NULL)
			online_call(oq, &req, on_overview, NULL);
	}
	return ONLINE_CACHE_HIT;
}

static int
ha_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	const char *field;

	if (oq == NULL)
		return CHOUSA_OK;
	ha_req(&req);
	req.method = "POST";
	if (online_is_hash(q)) {
		req.path = "/search/hash";
		req.body = online_form(online_arena(oq), "hash=",
		    q->ind->value);
		return online_ask(oq, &req, on_hash, NULL, err);
	}
	field = online_type_word(q, "domain=", "host=", "url=");
	req.path = "/search/terms";
	req.body = online_form(online_arena(oq), field, q->ind->value);
	return online_ask(oq, &req, on_terms, NULL, err);
}

static int
ha_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, ha_req, "/key/current", NULL);
}

int
hybridanalysis_parse(const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(kind == 0 ? on_terms : kind == 1 ? on_hash :
	    on_overview, NULL, body, len, a, f);
}

const struct chousa_source chousa_source_hybridanalysis = {
	.name = "hybridanalysis",
	.title = "Hybrid Analysis",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 60,
	.rate_per_min = 5,
	.daily = 200,
	.ttl = 86400,
	.default_url = "https://www.hybrid-analysis.com/api/v2",
	.start = ha_start,
	.check = ha_check,
};
