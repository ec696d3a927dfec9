/*
 * threatfox.c: the ThreatFox API (abuse.ch), header Auth-Key, JSON bodies:
 * search_ioc for hosts and URLs, search_hash for samples.  An IOC record
 * names the family (malware, a Malpedia id, and malware_printable), the
 * threat type and a confidence; search_ioc also lists the samples using
 * the IOC as C2.  ThreatFox keeps IP C2s as "ip:port" IOCs, which an
 * exact_match search for the bare IP never finds: an IP is searched
 * without exact_match, and only records whose IOC is the IP (with or
 * without a port) are kept, since that search also matches substrings
 * ("1.2.3.4" finds "11.2.3.45:80").  Domains keep exact_match, and
 * records of another value are dropped all the same.
 *
 * Relies on (a missing one is "unexpected answer", never a miss):
 * query_status; with "ok", data (array) and data[].ioc and
 * data[].ioc_type.  A miss is query_status "no_result" (data is then a
 * string, as documented; no genuine one was found).  Genuine search_ioc
 * answers (2021) replay in the tests.  abuse.ch publishes no rate; 60 a
 * minute is a courteous default.  The key is the abuse.ch Auth-Key.
 */
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

/* The ioc value as a related indicator: "1.2.3.4:443" loses its port. */
static void
add_ioc(struct chousa_finding *f, struct chousa_arena *a, struct jnode *it)
{
	const char *v = jt_str(it, "ioc"), *t = jt_str(it, "ioc_type");
	const char *fam = jt_str(it, "malware");
	int type = CHOUSA_IOC_NONE;
	char *val;

	if (v == NULL || t == NULL)
		return;
	val = online_strn(a, v, 2048);
	if (val == NULL)
		return;
	if (strcmp(t, "ip:port") == 0) {
		char *c = strrchr(val, ':');

		if (c != NULL)
			*c = '\0';
		if (val[0] == '[') {
			val++;
			c = strchr(val, ']');
			if (c != NULL)
				*c = '\0';
		}
		type = strchr(val, ':') ? CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4;
	} else if (strcmp(t, "domain") == 0)
		type = CHOUSA_IOC_DOMAIN;
	else if (strcmp(t, "url") == 0)
		type = CHOUSA_IOC_URL;
	else if (strcmp(t, "sha256_hash") == 0)
		type = CHOUSA_IOC_SHA256;
	else if (strcmp(t, "md5_hash") == 0)
		type = CHOUSA_IOC_MD5;
	if (type == CHOUSA_IOC_NONE)
		return;
	online_add_related(f, a, type == CHOUSA_IOC_SHA256 ||
	    type == CHOUSA_IOC_MD5 ? CHOUSA_REL_EMBEDDED : CHOUSA_REL_C2, type,
	    val, fam, online_time(jt_str(it, "first_seen")));
}

/*
 * Whether a record's IOC is the indicator asked about: the same IP (an
 * "ip:port" IOC's address), the same domain, or, for URLs and hashes,
 * whatever exact_match returned.
 */
static int
is_subject(const struct chousa_query *q, const char *ioc, const char *type)
{
	size_t n;

	if (q->ind == NULL || online_is_hash(q) ||
	    q->ind->type == CHOUSA_IOC_URL)
		return 1;
	n = strlen(q->ind->value);
	if (q->ind->type == CHOUSA_IOC_DOMAIN)
		return strcasecmp(ioc, q->ind->value) == 0;
	if (strcmp(type, "ip:port") != 0)
		return strcmp(ioc, q->ind->value) == 0;
	/* "1.2.3.4:443", or "[2001:db8::1]:443" for IPv6. */
	if (ioc[0] == '[')
		return strncasecmp(ioc + 1, q->ind->value, n) == 0 &&
		    ioc[n + 1] == ']';
	return strncmp(ioc, q->ind->value, n) == 0 && ioc[n] == ':';
}

/* arg: 0 for search_ioc, 1 for search_hash. */
static int
on_answer(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	struct jnode *data = jt_get(r->json, "data");
	int by_hash = arg != NULL, keep;
	size_t i, n = jt_len(data), kept = 0;

	keep = online_abusech(oq, r, "not listed by ThreatFox", NULL, 1);
	if (keep != ONLINE_CACHE_HIT)
		return keep;
	for (i = 0; i < n; i++)
		if (jt_str(jt_at(data, i), "ioc") == NULL ||
		    jt_str(jt_at(data, i), "ioc_type") == NULL)
			return online_unexpected(oq, r,
			    "a record without ioc or ioc_type");
	for (i = 0; i < n && i < 200; i++) {
		struct jnode *it = jt_at(data, i), *ms;
		int64_t conf = jt_int(it, -1, "confidence_level");
		const char *fam = jt_str(it, "malware");
		size_t k;

		if (!by_hash && !is_subject(q, jt_str(it, "ioc"),
		    jt_str(it, "ioc_type")))
			continue;
		kept++;
		online_add_label(f, a, jt_str(it, "malware_printable"));
		online_add_labels(f, a, jt_get(it, "tags"), 8);
		if (f->family == NULL && fam != NULL &&
		    strcmp(fam, "unknown") != 0)
			f->family = online_strn(a, fam, 200);
		if (f->threat == NULL)
			f->threat = online_strn(a, jt_str(it, "threat_type"),
			    200);
		if (conf >= 0 && conf <= 100 && conf > f->score)
			f->score = (int)conf;
		if (f->first_seen == 0)
			f->first_seen = online_time(jt_str(it, "first_seen"));
		if (f->last_seen == 0)
			f->last_seen = online_time(jt_str(it, "last_seen"));
		if (f->reference == NULL && jt_str(it, "id") != NULL)
			f->reference = chousa_arena_printf(a,
			    "https://threatfox.abuse.ch/ioc/%.20s/",
			    jt_str(it, "id"));
		if (by_hash) {
			add_ioc(f, a, it);
			continue;
		}
		ms = jt_get(it, "malware_samples");
		for (k = 0; k < jt_len(ms) && k < 50; k++)
			online_add_related(f, a, CHOUSA_REL_C2,
			    CHOUSA_IOC_SHA256,
			    jt_str(jt_at(ms, k), "sha256_hash"),
			    jt_str(it, "malware"),
			    online_time(jt_str(jt_at(ms, k), "time_stamp")));
	}
	if (kept == 0) {
		online_miss(f);
		f->detail = "not listed by ThreatFox (only other IOCs contain"
		    " it)";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	f->verdict = CHOUSA_V_MALICIOUS;
	f->detail = chousa_arena_printf(a, "%zu IOC record%s%s%s", kept,
	    kept == 1 ? "" : "s", f->threat ? ", " : "",
	    f->threat ? f->threat : "");
	return ONLINE_CACHE_HIT;
}

static void
tf_req(struct online_req *req)
{
	online_abusech_req(req);
	req->path = "/";
	req->body_type = "application/json";
}

/*
 * { "query": "search_hash", "hash": value }, or search_ioc with value as
 * search_term and exact_match when exact is 0 or 1 (-1: none).  NULL when
 * out of memory.
 */
static char *
tf_body(struct chousa_arena *a, const char *value, int by_hash, int exact)
{
	struct chousa_buf b;
	struct chousa_jw w;

	online_json_begin(&b, &w);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "query", by_hash ? "search_hash" : "search_ioc");
	chousa_jw_kstr(&w, by_hash ? "hash" : "search_term", value);
	if (!by_hash && exact >= 0)
		chousa_jw_kbool(&w, "exact_match", exact);
	chousa_jw_object_end(&w);
	return online_json_end(a, &b);
}

static int
tf_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;
	int by_hash = online_is_hash(q);

	if (oq == NULL)
		return CHOUSA_OK;
	tf_req(&req);
	/* An IP's C2s are "ip:port" IOCs, so an IP is no exact_match. */
	req.body = tf_body(online_arena(oq), q->ind->value, by_hash,
	    !online_is_ip(q));
	return online_ask(oq, &req, on_answer, by_hash ? (void *)1 : NULL,
	    err);
}

static int
tf_check(struct chousa_query *q, struct chousa_err *err)
{
	const char *body = tf_body(chousa_ctx_arena(q->ctx), "example.com", 0,
	    -1);

	if (body == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return online_check_with(q, tf_req, NULL, body);
}

static int	tf_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_threatfox = {
	.name = "threatfox",
	.title = "ThreatFox API (abuse.ch)",
	.types = ONLINE_NET | CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256),
	.stages = CHOUSA_STAGE_REPUTATION | CHOUSA_STAGE_IDENTIFICATION |
	    CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY | CHOUSA_SRC_ABUSECH_KEY,
	.cost = 20,
	.rate_per_min = 60,
	.daily = 0,
	.ttl = 43200,
	.default_url = "https://threatfox-api.abuse.ch/api/v1",
	.start = tf_start,
	.check = tf_check,
	.parse = tf_parse,
};

/* kind modulo 2: 0 search_ioc, 1 search_hash. */
static int
tf_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(on_answer,
	    (unsigned)kind % 2 ? (void *)1 : NULL,
	    &chousa_source_threatfox, subject, body, len, a, f);
}
