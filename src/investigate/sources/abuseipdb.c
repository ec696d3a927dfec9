/*
 * abuseipdb.c: AbuseIPDB API v2 check, headers Key and Accept.  Reports
 * to AbuseIPDB are about abuse (scanning, brute force, spam), not about
 * malware, so this source alone never makes an address malicious: a
 * confidence score of 25 and over is suspicious (threat
 * "reported_abuse").  The finding's usage says what the address is:
 * "tor" (isTor), "hosting" (a usageType of data centres, hosting or
 * CDNs: reports may concern any tenant) or "allowlisted" (isWhitelisted
 * true, which also makes the finding benign).  An address never reported
 * is a miss (AbuseIPDB answers every address).
 *
 * Relies on (a missing one is "unexpected answer", never a miss): data
 * (object), data.abuseConfidenceScore (0-100), data.totalReports and the
 * key data.isWhitelisted (true, false or null).  Read when present:
 * isTor, usageType, lastReportedAt (absent in 2019 answers: hostnames,
 * isTor, numDistinctUsers).  Genuine answers from 2019 and 2024 replay in
 * the tests; no genuine error body or isTor true answer was found.  The
 * free tier allows 1,000 checks a day.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

/* usageType words of shared infrastructure (AbuseIPDB's own values). */
static const char *const shared_usage[] = {
	"Data Center", "Hosting", "Content Delivery Network", NULL
};

/* The finding's usage: what the address is, as AbuseIPDB knows it. */
static const char *
usage_of(int white, int tor, const char *usage_type)
{
	size_t i;

	if (white == 1)
		return "allowlisted";
	if (tor)
		return "tor";
	for (i = 0; usage_type != NULL && shared_usage[i] != NULL; i++)
		if (strstr(usage_type, shared_usage[i]) != NULL)
			return "hosting";
	return NULL;
}

static int
on_check(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *d = jt_get(r->json, "data");
	int64_t score = jt_int(d, -1, "abuseConfidenceScore");
	int64_t reports = jt_int(d, -1, "totalReports");
	int white = jt_bool(d, "isWhitelisted");
	int tor = jt_bool(d, "isTor") == 1;
	const char *usage = jt_str(d, "usageType");

	(void)arg;
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (d == NULL || !jt_is(d, J_OBJ))
		return online_unexpected(oq, r, "no data object");
	if (score < 0 || score > 100)
		return online_unexpected(oq, r, "no abuseConfidenceScore");
	if (reports < 0)
		return online_unexpected(oq, r, "no totalReports");
	if (jt_get(d, "isWhitelisted") == NULL)
		return online_unexpected(oq, r, "no isWhitelisted");
	f->score = (int)score;
	f->last_seen = online_time(jt_str(d, "lastReportedAt"));
	f->usage = usage_of(white, tor, usage);
	if (jt_str(d, "ipAddress") != NULL)
		f->reference = chousa_arena_printf(a,
		    "https://www.abuseipdb.com/check/%.64s",
		    jt_str(d, "ipAddress"));
	if (white == 1) {
		online_hit(f, a);
		f->verdict = CHOUSA_V_BENIGN;
		f->detail = chousa_arena_printf(a, "whitelisted by AbuseIPDB"
		    "%s%.100s%s", usage ? " (" : "", usage ? usage : "",
		    usage ? ")" : "");
		return ONLINE_CACHE_HIT;
	}
	if (reports == 0) {
		online_miss(f);
		f->detail = "never reported to AbuseIPDB";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->verdict = score >= 25 ? CHOUSA_V_SUSPICIOUS : CHOUSA_V_UNKNOWN;
	f->threat = "reported_abuse";
	f->detail = chousa_arena_printf(a, "%sreported for abuse: confidence "
	    "%d%%, %lld report%s%s%.100s%s", tor ? "Tor exit node, " : "",
	    f->score, (long long)reports, reports == 1 ? "" : "s",
	    usage ? " (" : "", usage ? usage : "", usage ? ")" : "");
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

static int	ab_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

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
	.parse = ab_parse,
};

/* One kind of answer: kind is not read. */
static int
ab_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	(void)kind;
	return online_parse_buffer(on_check, NULL, &chousa_source_abuseipdb,
	    subject, body, len, a, f);
}
