/*
 * urlhaus.c: the URLhaus API v1 (abuse.ch), header Auth-Key, POST forms.
 * url/ for URLs, host/ for domains and IPs, payload/ for md5 and sha256.
 * Answers are HTTP 200 with query_status "ok" or "no_results" (anything
 * else is an input or key error); numbers come as strings.  The content
 * type was text/html in 2019 and is not relied upon.  Payloads become
 * DELIVERED relations carrying their signature as the family label; the
 * URLs' tags ("emotet", "doc", "epoch4") are labels as written.  A host
 * answer lists URLs on the host, not the host: the finding says so with
 * match level url-host.
 *
 * Relies on (a missing one is "unexpected answer", never a miss):
 * query_status; with "ok", url/'s url_status, host/'s urls (array) with
 * urls[].url, payload/'s sha256_hash and urls (array).  Genuine answers
 * from 2019 and an edited 2024 host answer replay in the tests.  abuse.ch
 * publishes no rate; 60 a minute is a courteous default.  The key is the
 * abuse.ch Auth-Key.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

enum { UH_URL, UH_HOST, UH_PAYLOAD };

static void
add_payloads(struct chousa_finding *f, struct chousa_arena *a, struct jnode *p)
{
	size_t i;

	for (i = 0; i < jt_len(p) && i < 100; i++) {
		struct jnode *it = jt_at(p, i);
		const char *sha = jt_str(it, "response_sha256");
		const char *sig = jt_str(it, "signature");

		online_add_related(f, a, CHOUSA_REL_DELIVERED,
		    CHOUSA_IOC_SHA256, sha, sig,
		    online_time(jt_str(it, "firstseen")));
		online_add_label(f, a, sig);
	}
}

/* The field each kind of answer cannot do without, or NULL if present. */
static const char *
missing(int kind, struct jnode *j)
{
	struct jnode *urls = jt_get(j, "urls");
	size_t i;

	if (kind == UH_URL)
		return jt_str(j, "url_status") == NULL ? "no url_status" :
		    NULL;
	if (kind == UH_PAYLOAD && jt_str(j, "sha256_hash") == NULL)
		return "no sha256_hash";
	if (urls == NULL || !jt_is(urls, J_ARR))
		return "no urls list";
	for (i = 0; i < jt_len(urls); i++)
		if (jt_str(jt_at(urls, i), "url") == NULL)
			return "a urls entry without url";
	return NULL;
}

static int
on_answer(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	int kind = (int)(intptr_t)arg, keep;
	struct jnode *j = r->json;
	const char *why;
	size_t i;

	keep = online_abusech(oq, r, "not listed by URLhaus", NULL, 0);
	if (keep != ONLINE_CACHE_HIT)
		return keep;
	why = missing(kind, j);
	if (why != NULL)
		return online_unexpected(oq, r, why);
	online_hit(f, a);
	f->verdict = CHOUSA_V_MALICIOUS;
	f->reference = online_strn(a, jt_str(j, "urlhaus_reference"), 200);
	switch (kind) {
	case UH_URL:
		f->online = jt_str(j, "url_status") && strcmp(jt_str(j,
		    "url_status"), "online") == 0 ? "online" : "offline";
		f->threat = online_strn(a, jt_str(j, "threat"), 200);
		f->first_seen = online_time(jt_str(j, "date_added"));
		f->last_seen = online_time(jt_str(j, "last_online"));
		online_add_labels(f, a, jt_get(j, "tags"), 8);
		add_payloads(f, a, jt_get(j, "payloads"));
		f->detail = chousa_arena_printf(a,
		    "listed malware URL (%s, %s)",
		    f->threat ? f->threat : "no threat given", f->online);
		break;
	case UH_HOST: {
		struct jnode *urls = jt_get(j, "urls");
		size_t online = 0;

		f->first_seen = online_time(jt_str(j, "firstseen"));
		f->match = CHOUSA_MATCH_URL_HOST;
		f->matched = online_strn(a, jt_str(j, "host"), 300);
		for (i = 0; i < jt_len(urls) && i < 1000; i++) {
			struct jnode *u = jt_at(urls, i);
			const char *us = jt_str(u, "url_status");

			if (i < 20)
				online_add_labels(f, a, jt_get(u, "tags"), 8);
			if (us != NULL && strcmp(us, "online") == 0)
				online++;
			if (f->threat == NULL)
				f->threat = online_strn(a, jt_str(u,
				    "threat"), 200);
		}
		f->online = online > 0 ? "online" : "offline";
		int64_t n = jt_int(j, (int64_t)jt_len(urls), "url_count");

		f->detail = chousa_arena_printf(a, "%lld malware URL%s on this"
		    " host, %zu online", (long long)n, n == 1 ? "" : "s",
		    online);
		break;
	}
	default: {
		struct jnode *urls = jt_get(j, "urls");

		online_add_label(f, a, jt_str(j, "signature"));
		f->file_type = online_strn(a, jt_str(j, "file_type"), 200);
		f->first_seen = online_time(jt_str(j, "firstseen"));
		f->last_seen = online_time(jt_str(j, "lastseen"));
		for (i = 0; i < jt_len(urls) && i < 100; i++)
			online_add_related(f, a, CHOUSA_REL_DELIVERED,
			    CHOUSA_IOC_URL, jt_str(jt_at(urls, i), "url"),
			    jt_str(j, "signature"),
			    online_time(jt_str(jt_at(urls, i), "firstseen")));
		f->detail = chousa_arena_printf(a, "payload seen on %lld URL%s",
		    (long long)jt_int(j, 0, "url_count"),
		    jt_int(j, 0, "url_count") == 1 ? "" : "s");
		break;
	}
	}
	return ONLINE_CACHE_HIT;
}

static int
uh_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	const char *field;
	int kind;

	if (oq == NULL)
		return CHOUSA_OK;
	online_abusech_req(&req);
	switch (q->ind->type) {
	case CHOUSA_IOC_URL:
		kind = UH_URL;
		req.path = "/url/";
		field = "url=";
		break;
	case CHOUSA_IOC_DOMAIN:
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		kind = UH_HOST;
		req.path = "/host/";
		field = "host=";
		break;
	default:
		kind = UH_PAYLOAD;
		req.path = "/payload/";
		field = q->ind->type == CHOUSA_IOC_MD5 ? "md5_hash=" :
		    "sha256_hash=";
		break;
	}
	req.body = online_form(online_arena(oq), field, q->ind->value);
	return online_ask(oq, &req, on_answer, (void *)(intptr_t)kind, err);
}

static int
uh_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, online_abusech_req, "/host/",
	    "host=example.com");
}

static int	uh_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_urlhaus = {
	.name = "urlhaus",
	.title = "URLhaus API (abuse.ch)",
	.types = ONLINE_NET | CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256),
	.stages = CHOUSA_STAGE_REPUTATION | CHOUSA_STAGE_IDENTIFICATION |
	    CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY | CHOUSA_SRC_ABUSECH_KEY,
	.cost = 20,
	.rate_per_min = 60,
	.daily = 0,
	.ttl = 43200,
	.default_url = "https://urlhaus-api.abuse.ch/v1",
	.start = uh_start,
	.check = uh_check,
	.parse = uh_parse,
};

/* kind modulo 3: 0 url/, 1 host/, 2 payload/. */
static int
uh_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(on_answer,
	    (void *)(intptr_t)((unsigned)kind % 3),
	    &chousa_source_urlhaus, subject, body, len, a, f);
}
