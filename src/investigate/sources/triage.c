/*
 * triage.c: Recorded Future Sandbox (Hatching Triage), header
 * "Authorization: Bearer <key>".  One search (v0/search?query=domain:,
 * url:, ip: or sha256:) lists the sandbox runs; the overview of the first
 * few reported ones (v1/samples/{id}/overview.json, the path the official
 * clients use) gives the sample's sha256, analysis.score (0-10),
 * analysis.family and analysis.tags ("family:redline", "botnet:fuma":
 * labels as written), and the C2s of extracted configs.  A search item's
 * own sha256, when it has one, is kept even if its overview fails.  For a
 * host, the runs are of samples that contacted it: their score is theirs,
 * not the host's.
 *
 * Relies on (a missing one is "unexpected answer", never a miss): the
 * search's data (array) and data[].id.  An overview that fails or lacks a
 * field only adds less.  Genuine overviews (2021-2025, both the older
 * tasks object and the newer list) and a genuine search replay in the
 * tests.  Base URL: the public cloud https://tria.ge/api (set base_url
 * for private or RF-branded instances).  The seeded rate (10 a minute) is
 * a cautious guess [UNCONFIRMED].
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define TRIAGE_MAX_OVERVIEWS	3

static void
tr_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Authorization: Bearer ");
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

/* A C2 of an extracted config: "ip:port", "host:port" or a URL. */
static void
add_c2(struct chousa_finding *f, struct chousa_arena *a, const char *c2,
    const char *family)
{
	char *v, *colon;
	int type;

	if (c2 == NULL || strlen(c2) > 2048)
		return;
	if (strstr(c2, "://") != NULL) {
		online_add_related(f, a, CHOUSA_REL_C2, CHOUSA_IOC_URL, c2,
		    family, 0);
		return;
	}
	v = online_strn(a, c2, 300);
	if (v == NULL || strchr(v, '/') != NULL)
		return;
	colon = strrchr(v, ':');
	if (colon != NULL && strchr(v, ':') == colon)
		*colon = '\0';
	type = strspn(v, "0123456789.") == strlen(v) ? CHOUSA_IOC_IPV4 :
	    strchr(v, ':') != NULL ? CHOUSA_IOC_IPV6 : CHOUSA_IOC_DOMAIN;
	online_add_related(f, a, CHOUSA_REL_C2, type, v, family, 0);
}

/*
 * One sample's overview report.  About a file asked by hash, all of it
 * describes the subject; about a host or URL, the sample is related.
 */
static int
on_overview(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	int own = arg != NULL || q->ind == NULL || online_is_hash(q);
	struct jnode *fam, *sample, *ex;
	const char *first = NULL;
	int64_t score;
	size_t i, k;

	if (r->failed || r->status != 200 || !jt_is(r->json, J_OBJ))
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	sample = jt_get(r->json, "sample");
	fam = jt_get(r->json, "analysis", "family");
	for (i = 0; i < jt_len(fam) && i < 8 && first == NULL; i++)
		if (jt_is_str(jt_at(fam, i)))
			first = jt_at(fam, i)->s;
	score = jt_int(r->json, -1, "analysis", "score");
	if (score < 0)
		score = jt_int(sample, -1, "score");
	if (!own) {
		online_add_sample(f, a, CHOUSA_REL_CONTACTED,
		    jt_str(sample, "sha256"), first,
		    online_time(jt_str(sample, "completed")));
		return ONLINE_CACHE_HIT;
	}
	online_add_labels(f, a, fam, 8);
	online_add_labels(f, a, jt_get(r->json, "analysis", "tags"), 16);
	if (score >= 0 && score <= 10) {
		online_raise_verdict(f, score_verdict(score));
		if (score * 10 > f->score)
			f->score = (int)score * 10;
	}
	if (f->file_type == NULL)
		f->file_type = online_strn(a, jt_str(sample, "filetype"), 200);
	ex = jt_get(r->json, "extracted");
	for (i = 0; i < jt_len(ex) && i < 20; i++) {
		struct jnode *cfg = jt_get(jt_at(ex, i), "config");
		struct jnode *c2 = jt_get(cfg, "c2");

		for (k = 0; k < jt_len(c2) && k < 20; k++)
			add_c2(f, a, jt_str(jt_at(c2, k), NULL),
			    jt_str(cfg, "family"));
	}
	return ONLINE_CACHE_HIT;
}

/* The search: {"data": [{"id", "status", "kind", "filename", ...}]}. */
static int
on_search(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *data = jt_get(r->json, "data");
	size_t i, n = jt_len(data), asked = 0;
	int is_url = q->ind != NULL && q->ind->type == CHOUSA_IOC_URL;

	(void)arg;
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (data == NULL || !jt_is(data, J_ARR))
		return online_unexpected(oq, r, "no data list");
	for (i = 0; i < n; i++)
		if (jt_str(jt_at(data, i), "id") == NULL)
			return online_unexpected(oq, r, "a run without id");
	if (n == 0) {
		online_miss(f);
		f->detail = "no sandbox run found";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu sandbox run%s found", n,
	    n == 1 ? "" : "s");
	for (i = 0; i < n && i < 50; i++) {
		struct jnode *it = jt_at(data, i);
		const char *id = jt_str(it, "id"), *st = jt_str(it, "status");
		const char *kind = jt_str(it, "kind");
		/* A URL run of the URL asked about describes it. */
		int own = is_url && kind != NULL && strcmp(kind, "url") == 0 &&
		    jt_str(it, "filename") != NULL &&
		    strcmp(jt_str(it, "filename"), q->ind->value) == 0;
		struct online_req req;
		char *eid;

		if (!online_is_hash(q) && q->ind != NULL && !own)
			online_add_sample(f, a, CHOUSA_REL_CONTACTED,
			    jt_str(it, "sha256"), NULL,
			    online_time(jt_str(it, "completed")));
		if (st != NULL && strcmp(st, "reported") != 0)
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
		online_call(oq, &req, on_overview, own ? (void *)1 : NULL);
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
	prefix = online_type_word(q, "domain", "ip", "url");
	term = chousa_arena_printf(a, "%s:%s", prefix, q->ind->value);
	v = term ? online_urlenc(a, term) : NULL;
	tr_req(&req);
	req.path = v ? chousa_arena_printf(a, "/v0/search?query=%s&limit=20",
	    v) : NULL;
	return online_ask(oq, &req, on_search, NULL, err);
}

static int
tr_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	/* A search that finds nothing: documented, and cheap. */
	return online_check_with(q, tr_req, "/v0/search?query=sha256%3A"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "&limit=1", NULL);
}

static int	tr_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_triage = {
	.name = "triage",
	.title = "Recorded Future Triage",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 60,
	.rate_per_min = 10,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://tria.ge/api",
	.start = tr_start,
	.check = tr_check,
	.parse = tr_parse,
};

/* kind modulo 2: 0 search, 1 overview. */
static int
tr_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer((unsigned)kind % 2 == 0 ? on_search :
	    on_overview, NULL, &chousa_source_triage, subject, body, len, a, f);
}
