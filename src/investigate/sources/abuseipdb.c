/*
 * abuseipdb.c: AbuseIPDB API v2 check, headers Key and Accept.  The
 * confidence score (0-100) is the verdict's basis: 75 and over malicious,
 * 25 and over suspicious; a whitelisted address is benign, one never
 * reported a miss.  Shape from the official docs [DOC]; no real body was
 * available, and the 429 headers are [UNCONFIRMED] (Retry-After is used
 * when present).  The free tier allows 1,000 checks a day.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

static int
on_check(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val d = jt_get(r->json, "data");
	int64_t score = jt_int(d, -1, "abuseConfidenceScore");
	int64_t reports = jt_int(d, 0, "totalReports");
	int white = jt_bool(d, "isWhitelisted");

	(void)arg;
	if (r->status == 404 || d == NULL || score < 0 || score > 100) {
		online_miss(f);
		return ONLINE_CACHE_MISS;
	}
	f->score = (int)score;
	f->last_seen = online_time(jt_str(d, "lastReportedAt"));
	if (white == 1) {
		online_hit(f, a);
		f->verdict = CHOUSA_V_BENIGN;
		f->detail = "whitelisted by AbuseIPDB";
		return ONLINE_CACHE_HIT;
	}
	if (reports <= 0) {
		online_miss(f);
		f->detail = "never reported to AbuseIPDB";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->verdict = score >= 75 ? CHOUSA_V_MALICIOUS : score >= 25 ?
	    CHOUSA_V_SUSPICIOUS : CHOUSA_V_UNKNOWN;
	f->detail = chousa_arena_printf(a, "abuse confidence %d%%, %lld"
	    " report%s", f->score, (long long)reports, reports == 1 ? "" : "s");
	if (jt_str(d, "ipAddress") != NULL)
		f->reference = chousa_arena_printf(a,
		    "https://www.abuseipdb.com/check/%.64s",
		    jt_str(d, "ipAddress"));
	return ONLINE_CACHE_HIT;
}

static void
ab_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Key: ");
	req->headers[0] = "Accept: application/json";
}

static int
ab_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	char *v;

	if (oq == NULL)
		return CHOUSA_OK;
	v = online_urlenc(online_arena(oq), q->ind->value);
	ab_req(&req);
	req.path = v ? chousa_arena_printf(online_arena(oq),
	    "/check?ipAddress=%s&maxAgeInDays=%ld", v,
	    chousa_config_get_long(chousa_ctx_config(q->ctx), "abuseipdb",
	    "max_age_days", 90)) : NULL;
	return online_ask(oq, &req, on_check, NULL, err);
}

static int
ab_keycheck(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, ab_req,
	    "/check?ipAddress=127.0.0.1&maxAgeInDays=1", NULL);
}

int
abuseipdb_parse(const char *body, size_t len, int kind, struct chousa_arena *a,
    struct chousa_finding *f)
{
	(void)kind;
	return online_parse_buffer(on_check, NULL, body, len, a, f);
}

const struct chousa_source chousa_source_abuseipdb = {
	.name = "abuseipdb",
	.title = "AbuseIPDB",
	.types = CHOUSA_IOC_IPS,
	.stages = CHOUSA_STAGE_REPUTATION,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 30,
	.rate_per_min = 60,
	.daily = 1000,
	.ttl = 43200,
	.default_url = "https://api.abuseipdb.com/api/v2",
	.start = ab_start,
	.check = ab_keycheck,
};
