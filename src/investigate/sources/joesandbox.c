/*
 * joesandbox.c: Joe Sandbox Cloud API v2.  Every call is a POST form and
 * the key is the form field apikey (never a header).  analysis/search
 * (q=) lists web ids; analysis/info of the first few gives detection,
 * score, threatname and sha256.  Success is {"data": ...}; failures are
 * non-2xx with {"errors": [{code, message}]} [DOC: jbxapi].  The shape of
 * search items and of the analysis object are [UNCONFIRMED]/[3RD]: no
 * real body was available.
 * The seeded rate (10 a minute) is a cautious guess [UNCONFIRMED].
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define JOE_MAX_INFO	3

static int
on_info(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val d = jt_get(r->json, "data");
	const char *tn;

	(void)arg;
	if (r->failed || r->status != 200 || d == NULL)
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	tn = jt_str(d, "threatname");
	if (tn != NULL && (strcmp(tn, "Unknown") == 0 || *tn == '\0'))
		tn = NULL;
	online_raise_verdict(f, online_verdict_word(jt_str(d, "detection")));
	if (jt_int(d, -1, "score") >= 0 && jt_int(d, -1, "score") <= 100 &&
	    jt_int(d, -1, "score") > f->score)
		f->score = (int)jt_int(d, -1, "score");
	if (online_is_hash(q) || q->ind == NULL)
		online_add_label(f, a, tn);
	else
		online_add_sample(f, a, CHOUSA_REL_CONTACTED,
		    jt_str(d, "sha256"), tn, online_time(jt_str(d, "time")));
	return ONLINE_CACHE_HIT;
}

static void
joe_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_FORM, "apikey");
	req->method = "POST";
}

static int
on_search(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val d = jt_get(r->json, "data");
	size_t i, n = jt_len(d);

	(void)arg;
	if (r->status == 404 || n == 0) {
		online_miss(f);
		f->detail = "no Joe Sandbox analysis found";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu Joe Sandbox analys%s", n,
	    n == 1 ? "is" : "es");
	for (i = 0; i < n && i < JOE_MAX_INFO; i++) {
		const char *webid = jt_str(jt_at(d, i), "webid");
		struct online_req req;

		if (webid == NULL)
			continue;
		if (f->reference == NULL)
			f->reference = chousa_arena_printf(a,
			    "https://www.joesandbox.com/analysis/%.40s", webid);
		if (q->ctx == NULL)
			continue;
		joe_req(&req);
		req.optional = 1;
		req.path = "/v2/analysis/info";
		req.body = online_form(a, "webid=", webid);
		if (req.body != NULL)
			online_call(oq, &req, on_info, NULL);
	}
	return ONLINE_CACHE_HIT;
}

static int
joe_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;

	if (oq == NULL)
		return CHOUSA_OK;
	joe_req(&req);
	req.path = "/v2/analysis/search";
	req.body = online_form(online_arena(oq), "q=", q->ind->value);
	return online_ask(oq, &req, on_search, NULL, err);
}

static int
joe_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, joe_req, "/v2/account/info", "");
}

int
joesandbox_parse(const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(kind == 0 ? on_search : on_info, NULL, body,
	    len, a, f);
}

const struct chousa_source chousa_source_joesandbox = {
	.name = "joesandbox",
	.title = "Joe Sandbox",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 70,
	.rate_per_min = 10,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://jbxcloud.joesecurity.org/api",
	.start = joe_start,
	.check = joe_check,
};
