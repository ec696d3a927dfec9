/*
 * hybridanalysis.c: Hybrid Analysis (Falcon Sandbox) API v2, headers
 * api-key and "User-Agent: Falcon Sandbox".  Hashes go to
 * GET search/hash?hash= (API 2.35, 2025), which answers the sample's
 * sha256s and a list of reports with their state and verdict only; the
 * summary of the first few successful reports (GET report/{id}/summary)
 * adds the threat score, the file type and name, the contacted hosts and
 * vx_family.  The answer of the POST form used up to 2025, an array of
 * full report summaries, is read too.  Hosts and URLs go to the POST form
 * search/terms (domain=, host=, url=): for a host its results are samples
 * that contacted it, whose verdicts are theirs, not the host's; for a URL
 * a result of type_short "url" is an analysis of the URL itself.
 * vx_family is an AV detection name ("Trojan.Generic", "ml.Generic"):
 * it goes to the finding's detections, never to a family.
 *
 * Relies on (a missing one is "unexpected answer", never a miss):
 * search/hash's sha256s (array) and reports (array) with reports[].id,
 * reports[].state and reports[].verdict (null until analysed), or, in
 * the older array, [].sha256 and [].verdict; search/terms' result
 * (array) and result[].sha256.  A report summary that fails or lacks a
 * field only adds less.  The seeded limits (5 a minute, 200 a day) are a
 * cautious guess [UNCONFIRMED]; set rate and daily in the config.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define HA_GUI		"https://www.hybrid-analysis.com/sample/"
#define HA_SUMMARIES	3	/* report summaries asked per sample */

enum { HA_TERMS, HA_HASH, HA_SUMMARY };

static void
ha_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "api-key: ");
	req->headers[0] = "User-Agent: Falcon Sandbox";
	req->headers[1] = "Accept: application/json";
}

/*
 * What one full report summary says about its sample: verdict, score,
 * detection name, tags, type and name, and (for a hash) the hosts it
 * contacted.  Used for the older search answer and for report/summary.
 */
static void
read_summary(struct online_q *oq, struct jnode *it)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	int64_t ts = jt_int(it, -1, "threat_score");
	int64_t av = jt_int(it, -1, "av_detect");
	int64_t when = online_time(jt_str(it, "analysis_start_time"));
	struct jnode *hosts;
	size_t i;

	online_raise_verdict(f, online_verdict_word(jt_str(it, "verdict")));
	online_add_detection(f, a, jt_str(it, "vx_family"));
	online_add_labels(f, a, jt_get(it, "classification_tags"), 16);
	online_add_labels(f, a, jt_get(it, "tags"), 16);
	if (ts >= 0 && ts <= 100 && ts > f->score)
		f->score = (int)ts;
	else if (f->score < 0 && av >= 0 && av <= 100)
		f->score = (int)av;
	if (f->file_type == NULL)
		f->file_type = online_strn(a, jt_str(it, "type"), 200);
	if (f->file_name == NULL)
		f->file_name = online_strn(a, jt_str(it, "submit_name"), 200);
	if (when > 0 && (f->first_seen == 0 || when < f->first_seen))
		f->first_seen = when;
	if (when > f->last_seen)
		f->last_seen = when;
	hosts = jt_get(it, "domains");
	for (i = 0; i < jt_len(hosts) && i < 50; i++)
		if (jt_is_str(jt_at(hosts, i)))
			online_add_related(f, a, CHOUSA_REL_CONTACTED,
			    CHOUSA_IOC_DOMAIN, jt_at(hosts, i)->s, NULL,
			    when);
	hosts = jt_get(it, "hosts");
	for (i = 0; i < jt_len(hosts) && i < 50; i++)
		if (jt_is_str(jt_at(hosts, i)))
			online_add_related(f, a, CHOUSA_REL_CONTACTED,
			    strchr(jt_at(hosts, i)->s, ':') ?
			    CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4,
			    jt_at(hosts, i)->s, NULL, when);
}

/* search/terms: {"count": n, "result": [short report summaries]}. */
static int
on_terms(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *res = jt_get(r->json, "result");
	int is_url = q->ind != NULL && q->ind->type == CHOUSA_IOC_URL;
	size_t i, n = 0, bad = 0, own = 0;

	(void)arg;
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (res == NULL || !jt_is(res, J_ARR))
		return online_unexpected(oq, r, "no result list");
	for (i = 0; i < jt_len(res); i++)
		if (jt_str(jt_at(res, i), "sha256") == NULL)
			return online_unexpected(oq, r, "a result without "
			    "sha256");
	for (i = 0; i < jt_len(res) && i < 200; i++) {
		struct jnode *it = jt_at(res, i);
		const char *ts = jt_str(it, "type_short");
		int v = online_verdict_word(jt_str(it, "verdict"));

		/* An analysis of the URL itself: its verdict is the URL's. */
		if (is_url && ts != NULL && strcmp(ts, "url") == 0) {
			online_raise_verdict(f, v);
			online_add_detection(f, a, jt_str(it, "vx_family"));
			own++;
			continue;
		}
		if (!online_add_sample(f, a, CHOUSA_REL_CONTACTED,
		    jt_str(it, "sha256"), NULL,
		    online_time(jt_str(it, "analysis_start_time"))))
			continue;
		n++;
		if (v == CHOUSA_V_MALICIOUS)
			bad++;
	}
	if (n == 0 && own == 0) {
		online_miss(f);
		f->detail = "no sandbox report mentions it";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	if (own > 0)
		f->detail = chousa_arena_printf(a, "%zu sandbox analys%s of the"
		    " URL itself, %zu report%s of samples that contacted it",
		    own, own == 1 ? "is" : "es", n, n == 1 ? "" : "s");
	else
		f->detail = chousa_arena_printf(a, "%zu sandbox report%s of "
		    "samples that contacted it (%zu malicious)", n,
		    n == 1 ? "" : "s", bad);
	return ONLINE_CACHE_HIT;
}

/* report/{id}/summary: one analysis in full. */
static int
on_summary(struct online_q *oq, void *arg, const struct online_result *r)
{
	(void)arg;
	if (r->failed || r->status != 200 || !jt_is(r->json, J_OBJ))
		return ONLINE_NO_CACHE;
	read_summary(oq, r->json);
	return ONLINE_CACHE_HIT;
}

/* Up to 2025: an array of full report summaries of the sample. */
static int
on_hash_array(struct online_q *oq, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	const char *sha256 = NULL;
	size_t i, n = jt_len(r->json);

	for (i = 0; i < n; i++) {
		struct jnode *it = jt_at(r->json, i);

		if (jt_str(it, "sha256") == NULL)
			return online_unexpected(oq, r, "a report without "
			    "sha256");
		if (jt_get(it, "verdict") == NULL)
			return online_unexpected(oq, r, "a report without "
			    "verdict");
	}
	for (i = 0; i < n && i < 200; i++) {
		struct jnode *it = jt_at(r->json, i);

		read_summary(oq, it);
		if (sha256 == NULL && online_hash_type(jt_str(it, "sha256")) ==
		    CHOUSA_IOC_SHA256)
			sha256 = jt_str(it, "sha256");
	}
	if (n == 0) {
		online_miss(f);
		f->detail = "no sandbox report of this sample";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu report%s of the sample", n,
	    n == 1 ? "" : "s");
	if (sha256 != NULL)
		f->reference = chousa_arena_printf(a, HA_GUI "%s", sha256);
	return ONLINE_CACHE_HIT;
}

/*
 * Since API 2.35: {"sha256s": [...], "reports": [{id, environment_id,
 * state, error_type, error_origin, verdict}]}; the summaries of the
 * first successful reports follow as optional calls.
 */
static int
on_hash(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *shas = jt_get(r->json, "sha256s");
	struct jnode *reps = jt_get(r->json, "reports");
	const char *sha256 = jt_str(jt_at(shas, 0), NULL);
	size_t i, n, ok = 0, asked = 0;

	(void)arg;
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (jt_is(r->json, J_ARR))
		return on_hash_array(oq, r);
	if (shas == NULL || !jt_is(shas, J_ARR))
		return online_unexpected(oq, r, "no sha256s list");
	if (reps == NULL || !jt_is(reps, J_ARR))
		return online_unexpected(oq, r, "no reports list");
	n = jt_len(reps);
	for (i = 0; i < n; i++) {
		struct jnode *it = jt_at(reps, i);

		if (jt_str(it, "id") == NULL)
			return online_unexpected(oq, r, "a report without id");
		if (jt_get(it, "state") == NULL)
			return online_unexpected(oq, r, "a report without "
			    "state");
		if (jt_get(it, "verdict") == NULL)
			return online_unexpected(oq, r, "a report without "
			    "verdict");
	}
	if (n == 0 && jt_len(shas) == 0) {
		online_miss(f);
		f->detail = "no sandbox report of this sample";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	for (i = 0; i < n && i < 500; i++) {
		struct jnode *it = jt_at(reps, i);
		const char *state = jt_str(it, "state");
		struct online_req req;
		char *id;

		online_raise_verdict(f, online_verdict_word(jt_str(it,
		    "verdict")));
		if (state == NULL || strcmp(state, "SUCCESS") != 0)
			continue;
		ok++;
		if (q->ctx == NULL || asked >= HA_SUMMARIES)
			continue;
		id = online_urlenc(a, jt_str(it, "id"));
		ha_req(&req);
		req.optional = 1;
		req.path = id ? chousa_arena_printf(a, "/report/%s/summary",
		    id) : NULL;
		if (req.path == NULL)
			continue;
		online_call(oq, &req, on_summary, NULL);
		asked++;
	}
	f->detail = chousa_arena_printf(a, "%zu report%s of the sample, %zu "
	    "analysed", n, n == 1 ? "" : "s", ok);
	if (online_hash_type(sha256) == CHOUSA_IOC_SHA256)
		f->reference = chousa_arena_printf(a, HA_GUI "%s", sha256);
	return ONLINE_CACHE_HIT;
}

static int
ha_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	const char *field;
	char *v;

	if (oq == NULL)
		return CHOUSA_OK;
	ha_req(&req);
	if (online_is_hash(q)) {
		v = online_urlenc(online_arena(oq), q->ind->value);
		req.path = v ? chousa_arena_printf(online_arena(oq),
		    "/search/hash?hash=%s", v) : NULL;
		return online_ask(oq, &req, on_hash, NULL, err);
	}
	req.method = "POST";
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

static int	ha_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

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
	.parse = ha_parse,
};

/* kind modulo 3: HA_TERMS, HA_HASH (either shape) or HA_SUMMARY. */
static int
ha_parse(const char *subject, const char *body, size_t len,
    int kind, struct chousa_arena *a, struct chousa_finding *f)
{
	unsigned k = (unsigned)kind % 3;

	return online_parse_buffer(k == HA_TERMS ? on_terms :
	    k == HA_HASH ? on_hash : on_summary, NULL,
	    &chousa_source_hybridanalysis, subject, body, len, a, f);
}
