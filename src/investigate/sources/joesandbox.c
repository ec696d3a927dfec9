/*
 * joesandbox.c: Joe Sandbox Cloud API v2.  Every call is a POST form and
 * the key is the form field apikey (never a header).  analysis/search
 * (q=) lists analyses: since 2024 each item is a full analysis object
 * (detection, score, threatname, sha256, filename), read as it is; an
 * item with only a webid (older servers, the documented example) is
 * completed by analysis/info, whose object is read flat ({"data":
 * {...}}) or nested ({"data": {"analysis": {...}}}).  About a host, a
 * file analysis is a sample that contacted it (its verdict is its own);
 * a URL analysis describes the host or URL it browsed.  Failures are
 * {"errors": [{code, message}]} [DOC: jbxapi]; code 4 is a refused key.
 *
 * Relies on (a missing one is "unexpected answer", never a miss): the
 * search's data (array) and data[].webid.  An info answer without data
 * (object) with detection, flat or under data.analysis, adds nothing to
 * what the search said (the source's last error says why).  Genuine 2024
 * search and info answers replay in the tests.  The seeded rate (10 a minute) is a
 * cautious guess [UNCONFIRMED].
 */
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define JOE_MAX_INFO	3

static void
joe_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_FORM, "apikey");
	req->method = "POST";
}

/*
 * Whether the analysed URL u is the URL asked about, or on the host asked
 * about; both sides in chousa's normal form.
 */
static int
url_matches(struct online_q *oq, const char *u)
{
	const struct chousa_query *q = online_query(oq);
	struct chousa_indicator ind;

	if (q->ind == NULL || u == NULL || *u == '\0' ||
	    chousa_ioc_parse(online_arena(oq), u, strlen(u),
	    CHOUSA_IOC_BIT(CHOUSA_IOC_URL), &ind, NULL) != CHOUSA_OK)
		return 0;
	if (q->ind->type == CHOUSA_IOC_URL)
		return strcmp(ind.value, q->ind->value) == 0;
	return ind.host != NULL && strcasecmp(ind.host, q->ind->value) == 0;
}

/* One analysis object; returns 0 when it lacks the detection. */
static int
read_analysis(struct online_q *oq, struct jnode *d)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	const char *tn = jt_str(d, "threatname");
	const char *sha = jt_str(d, "sha256");
	int64_t score = jt_int(d, -1, "score");
	struct jnode *tags = jt_get(d, "tags");

	if (jt_get(d, "detection") == NULL)
		return 0;
	if (tn != NULL && (strcmp(tn, "Unknown") == 0 || *tn == '\0'))
		tn = NULL;
	/*
	 * About a host or URL, only an analysis of it describes it; a file
	 * analysis is a sample that contacted it, another URL's is unrelated
	 * (the search matches words).
	 */
	if (!online_is_hash(q) && q->ind != NULL &&
	    !url_matches(oq, jt_str(d, "filename"))) {
		online_add_sample(f, a, CHOUSA_REL_CONTACTED, sha, tn,
		    online_time(jt_str(d, "time")));
		return 1;
	}
	online_raise_verdict(f, online_verdict_word(jt_str(d, "detection")));
	if (score >= 0 && score <= 100 && score > f->score)
		f->score = (int)score;
	online_add_label(f, a, tn);
	online_add_labels(f, a, tags, 8);
	return 1;
}

static int
on_info(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct jnode *d = jt_get(r->json, "data");

	(void)arg;
	if (r->failed || r->status != 200)
		return ONLINE_NO_CACHE;
	if (jt_is(jt_get(d, "analysis"), J_OBJ))
		d = jt_get(d, "analysis");
	if (d == NULL || !jt_is(d, J_OBJ))
		return online_unexpected(oq, r, "no data object");
	if (!read_analysis(oq, d))
		return online_unexpected(oq, r, "no detection");
	return ONLINE_CACHE_HIT;
}

/* {"errors": [{"code", "message"}]}: the service's own refusal. */
static int
on_errors(struct online_q *oq, const struct online_result *r)
{
	struct jnode *e = jt_at(jt_get(r->json, "errors"), 0);
	const char *msg = jt_str(e, "message");

	if (jt_int(e, 0, "code") == 4)
		online_error(oq, "key refused: %.100s", msg ? msg : "");
	else
		online_error(oq, "Joe Sandbox answered '%.100s'",
		    msg ? msg : "an error");
	return ONLINE_NO_CACHE;
}

static int
on_search(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *d = jt_get(r->json, "data");
	size_t i, n = jt_len(d), asked = 0;

	(void)arg;
	if (jt_len(jt_get(r->json, "errors")) > 0)
		return on_errors(oq, r);
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (d == NULL || !jt_is(d, J_ARR))
		return online_unexpected(oq, r, "no data list");
	for (i = 0; i < n; i++)
		if (jt_str(jt_at(d, i), "webid") == NULL)
			return online_unexpected(oq, r,
			    "an analysis without webid");
	if (n == 0) {
		online_miss(f);
		f->detail = "no Joe Sandbox analysis found";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->detail = chousa_arena_printf(a, "%zu Joe Sandbox analys%s", n,
	    n == 1 ? "is" : "es");
	for (i = 0; i < n && i < 50; i++) {
		const char *webid = jt_str(jt_at(d, i), "webid");
		struct online_req req;

		if (f->reference == NULL)
			f->reference = chousa_arena_printf(a,
			    "https://www.joesandbox.com/analysis/%.40s", webid);
		if (read_analysis(oq, jt_at(d, i)))
			continue;
		if (q->ctx == NULL || asked >= JOE_MAX_INFO)
			continue;
		joe_req(&req);
		req.optional = 1;
		req.path = "/v2/analysis/info";
		req.body = online_form(a, "webid=", webid);
		if (req.body == NULL)
			continue;
		online_call(oq, &req, on_info, NULL);
		asked++;
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

static int	joe_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

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
	.parse = joe_parse,
};

/* kind modulo 2: 0 analysis/search, 1 analysis/info. */
static int
joe_parse(const char *subject, const char *body, size_t len,
    int kind, struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer((unsigned)kind % 2 == 0 ? on_search :
	    on_info, NULL, &chousa_source_joesandbox, subject, body, len, a, f);
}
