/*
 * joesandbox.c: Joe Sandbox Cloud API v2.  Every call is a POST form and
 * the key is the form field apikey (never a header).  analysis/search
 * (q=) lists web ids; analysis/info of the first few gives detection,
 * score, threatname and sha256.  Success is {"data": ...}; failures are
 * non-2xx with {"errors": [{code, message}]} [DOC: jbxapi].  The shape of
 * search items and of the analysis object are [UNCONFIRMED]/[3RD]: no
 * real body was available.
 */
#include <string.h>

#include "mem.h"
#include "online.h"

#define JOE_MAX_INFO	3

static int
is_hash(const struct chousa_query *q)
{
	return q->ind != NULL && (q->ind->type == CHOUSA_IOC_MD5 ||
	    q->ind->type == CHOUSA_IOC_SHA1 ||
	    q->ind->type == CHOUSA_IOC_SHA256);
}

static int
detection_verdict(const char *d)
{
	if (d == NULL)
		return CHOUSA_V_UNKNOWN;
	if (strcmp(d, "malicious") == 0)
		return CHOUSA_V_MALICIOUS;
	if (strcmp(d, "suspicious") == 0)
		return CHOUSA_V_SUSPICIOUS;
	return CHOUSA_V_UNKNOWN;
}

static int
on_info(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val d = jt_get(r->json, "data");
	const char *tn, *sha;
	int v;

	(void)arg;
	if (r->failed || r->status != 200 || d == NULL)
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	tn = jt_str(d, "threatname");
	if (tn != NULL && (strcmp(tn, "Unknown") == 0 || *tn == '\0'))
		tn = NULL;
	v = detection_verdict(jt_str(d, "detection"));
	if (v > f->verdict)
		f->verdict = v;
	if (jt_int(d, -1, "score") >= 0 && jt_int(d, -1, "score") <= 100 &&
	    jt_int(d, -1, "score") > f->score)
		f->score = (int)jt_int(d, -1, "score");
	sha = jt_str(d, "sha256");
	if (is_hash(q) || q->ind == NULL)
		online_add_label(f, a, tn);
	else if (sha != NULL && online_hash_type(sha) == CHOUSA_IOC_SHA256)
		online_add_related(f, a, CHOUSA_REL_CONTACTED, CHOUSA_IOC_SHA256,
		    sha, tn, online_time(jt_str(d, "time")));
	return ONLINE_CACHE_HIT;
}

static void
joe_req(struct online_req *req)
{
	memset(req, 0, sizeof(*req));
	req->method = "POST";
	req->key_in = ONLINE_KEY_FORM;
	req->key_name = "apikey";
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
		char *w;

		if (webid == NULL)
			continue;
		if (f->reference == NULL)
			f->reference = chousa_arena_printf(a,
			    "https://www.joesandbox.com/analysis/%.40s", webid);
		if (q->ctx == NULL || (w = online_urlenc(a, webid)) == NULL)
			continue;
		joe_req(&req);
		req.optional = 1;
		req.path = "/v2/analysis/info";
		req.body = chousa_arena_printf(a, "webid=%s", w);
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
	char *v;

	if (oq == NULL)
		return CHOUSA_OK;
	v = online_urlenc(online_arena(oq), q->ind->value);
	joe_req(&req);
	req.path = "/v2/analysis/search";
	req.body = v ? chousa_arena_printf(online_arena(oq), "q=%s", v) : NULL;
	if (req.body == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	online_call(oq, &req, on_search, NULL);
	return online_started(oq);
}

static int
joe_check(struct chousa_query *q, struct chousa_err *err)
{
	struct online_req req;

	(void)err;
	joe_req(&req);
	req.path = "/v2/account/info";
	req.body = "";
	return online_check(q, &req);
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
	.types = CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) | CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256),
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
