/*
 * triage.c: Recorded Future Sandbox (Hatching Triage), header
 * "Authorization: Bearer <key>".  One search (v0/search?query=domain:,
 * url:, ip: or sha256:) lists the sandbox runs; the overview of the first
 * few reported ones (v1/samples/{id}/overview.json, the path the official
 * clients use) gives the sample's sha256, analysis.score (0-10) and
 * analysis.family.  The search query prefixes are [3RD] and the overview
 * shape is from the official client's types [DOC]; no real overview body
 * was available, so every key is optional.  Base URL: the public cloud
 * https://tria.ge/api (set base_url for private or RF-branded instances).
 */
#include <string.h>

#include "mem.h"
#include "online.h"

#define TRIAGE_MAX_OVERVIEWS	3

static void
tr_req(struct online_req *req)
{
	memset(req, 0, sizeof(*req));
	req->key_in = ONLINE_KEY_HEADER;
	req->key_name = "Authorization: Bearer ";
}

static int
score_verdict(int64_t score)
{
	if (score >= 8)
		return CHOUSA_V_MALICIOUS;
	if (score >= 6)
		return CHOUSA_V_SUSPICIOUS;
	return CHOUSA_V_UNKNOWN;
}

static int
is_hash_query(const struct chousa_query *q)
{
	return q->ind != NULL && (q->ind->type == CHOUSA_IOC_MD5 ||
	    q->ind->type == CHOUSA_IOC_SHA1 ||
	    q->ind->type == CHOUSA_IOC_SHA256 ||
	    q->ind->type == CHOUSA_IOC_SHA512);
}

/* One sample's overview report. */
static int
on_overview(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val fam, sample;
	const char *sha, *first = NULL;
	int64_t score;
	size_t i;

	(void)arg;
	if (r->failed || r->status != 200 || !YAJL_IS_OBJECT(r->json))
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	sample = jt_get(r->json, "sample");
	fam = jt_get(r->json, "analysis", "family");
	for (i = 0; i < jt_len(fam) && i < 8; i++)
		if (jt_is_str(jt_at(fam, i))) {
			if (first == NULL)
				first = jt_at(fam, i)->u.string;
			if (is_hash_query(q) || q->ind == NULL)
				online_add_label(f, a, jt_at(fam, i)->u.string);
		}
	score = jt_int(r->json, -1, "analysis", "score");
	if (score < 0)
		score = jt_int(sample, -1, "score");
	if (score >= 0 && score <= 10) {
		int v = score_verdict(score);

		if (v > f->verdict)
			f->verdict = v;
		if (score * 10 > f->score)
			f->score = (int)score * 10;
	}
	sha = jt_str(sample, "sha256");
	if (!is_hash_query(q) && sha != NULL &&
	    online_hash_type(sha) == CHOUSA_IOC_SHA256)
		online_add_related(f, a, CHOUSA_REL_CONTACTED,
		    CHOUSA_IOC_SHA256, sha, first,
		    online_time(jt_str(sample, "completed")));
	if (is_hash_query(q) && f->file_type == NULL &&
	    jt_str(sample, "filetype") != NULL)
		f->file_type = chousa_arena_strndup(a,
		    jt_str(sample, "filetype"),
		    strnlen(jt_str(sample, "filetype"), 200));
	return ONLINE_CACHE_HIT;
}

/* The search: {"data": [{"id", "status", "kind", "filename", ...}]}. */
static int
on_search(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val data = jt_get(r->json, "data");
	size_t i, n = jt_len(data), asked = 0;

	(void)arg;
	if (r->status == 404 || n == 0) {
		online_miss(f);
		f->detail = "no sandbox run found";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu sandbox run%s found", n,
	    n == 1 ? "" : "s");
	for (i = 0; i < n && i < 50; i++) {
		yajl_val it = jt_at(data, i);
		const char *id = jt_str(it, "id"), *st = jt_str(it, "status");
		struct online_req req;
		char *eid;

		if (id == NULL || (st != NULL && strcmp(st, "reported") != 0))
			continue;
		if (f->reference == NULL)
			f->reference = chousa_arena_printf(a,
			    "https://tria.ge/%.64s", id);
		if (q->ctx == NULL || asked >= TRIAGE_MAX_OVERVIEWS)
			continue;
		eid = online_urlenc(a, id);
		tr_req(&req);
		req.optional = 1;
		req.path = eid ? chousa_arena_printf(a,
		    "/v1/samples/%s/overview.json", eid) : NULL;
		if (req.path == NULL)
			continue;
		online_call(oq, &req, on_overview, NULL);
		asked++;
	}
	return ONLINE_CACHE_HIT;
}

static int
tr_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct chousa_arena *a;
	struct online_req req;
	const char *prefix;
	char *term, *v;

	if (oq == NULL)
		return CHOUSA_OK;
	a = online_arena(oq);
	switch (q->ind->type) {
	case CHOUSA_IOC_DOMAIN:
		prefix = "domain";
		break;
	case CHOUSA_IOC_URL:
		prefix = "url";
		break;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		prefix = "ip";
		break;
	case CHOUSA_IOC_MD5:
		prefix = "md5";
		break;
	case CHOUSA_IOC_SHA1:
		prefix = "sha1";
		break;
	default:
		prefix = "sha256";
		break;
	}
	term = chousa_arena_printf(a, "%s:%s", prefix, q->ind->value);
	v = term ? online_urlenc(a, term) : NULL;
	tr_req(&req);
	req.path = v ? chousa_arena_printf(a, "/v0/search?query=%s&limit=20",
	    v) : NULL;
	if (req.path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	online_call(oq, &req, on_search, NULL);
	return online_started(oq);
}

static int
tr_check(struct chousa_query *q, struct chousa_err *err)
{
	struct online_req req;

	(void)err;
	tr_req(&req);
	req.path = "/v0/users/me";
	return online_check(q, &req);
}

int
triage_parse(const char *body, size_t len, int kind, struct chousa_arena *a,
    struct chousa_finding *f)
{
	return online_parse_buffer(kind == 0 ? on_search : on_overview, NULL,
	    body, len, a, f);
}

const struct chousa_source chousa_source_triage = {
	.name = "triage",
	.title = "Recorded Future Triage",
	.types = CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) | CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256),
	.stages = CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 60,
	.rate_per_min = 10,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://tria.ge/api",
	.start = tr_start,
	.check = tr_check,
};
