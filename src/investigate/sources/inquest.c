/*
 * inquest.c: InQuest Labs, optional header "Authorization: Basic <key>"
 * (the raw key [DOC: python-inquestlabs]); keyless use is rate-limited.
 * Hashes go to the DFI search (dfi/search/hash/<kind>?hash=), hosts and
 * URLs to the IOC DB (iocdb/search?keyword=) and, optionally, the
 * reputation DB (repdb/search?keyword=).  Both keyword searches match
 * substrings ("example.com" finds "notexample.com.evil"), so only
 * records whose artifact (iocdb) or data (repdb) is the indicator, or,
 * for a URL, its host, count; the rest are dropped.  The official
 * client sends the parameters as a form body on a GET; the Swagger
 * describes query parameters, which is what we send.
 *
 * Relies on (a missing one is "unexpected answer", never a miss): the
 * envelope's success and data (array); iocdb's data[].artifact; repdb's
 * data[].data.  No genuine answer was found at all: the envelope and the
 * record keys come from the official client and third-party code [3RD].
 * The seeded rate (20 a minute) is a cautious guess for keyless use
 * [UNCONFIRMED].
 */
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

enum { IQ_DFI, IQ_IOCDB, IQ_REPDB };

/*
 * Whether a keyword-search record's value is the indicator itself, or
 * the host of the URL asked about: a keyword search matches substrings.
 */
static int
is_subject(const struct chousa_query *q, const char *v)
{
	const char *host = q->ind != NULL ? q->ind->host : NULL;

	if (q->ind == NULL)
		return 1;
	if (strcasecmp(v, q->ind->value) == 0)
		return 1;
	return q->ind->type == CHOUSA_IOC_URL && host != NULL &&
	    strcasecmp(v, host) == 0;
}

/* Records that are about the indicator, by the key that holds the value. */
static size_t
count_subject(struct online_q *oq, struct jnode *data, const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < jt_len(data); i++)
		if (is_subject(online_query(oq), jt_str(jt_at(data, i), key)))
			n++;
	return n;
}

static int
on_answer(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = online_query(oq)->finding;
	struct chousa_arena *a = online_arena(oq);
	int kind = (int)(intptr_t)arg;
	struct jnode *data = jt_get(r->json, "data");
	const char *key = kind == IQ_IOCDB ? "artifact" : "data";
	size_t i, n = jt_len(data);

	if (r->failed)
		return ONLINE_NO_CACHE;
	if (r->status == 200 && jt_bool(r->json, "success") == 0 &&
	    jt_str(r->json, "error") != NULL) {
		online_error(oq, "InQuest answered '%.80s'",
		    jt_str(r->json, "error"));
		return ONLINE_NO_CACHE;
	}
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (jt_bool(r->json, "success") < 0)
		return online_unexpected(oq, r, "no success");
	if (data == NULL || !jt_is(data, J_ARR))
		return online_unexpected(oq, r, "no data list");
	if (kind != IQ_DFI) {
		for (i = 0; i < n; i++)
			if (jt_str(jt_at(data, i), key) == NULL)
				return online_unexpected(oq, r, kind ==
				    IQ_IOCDB ? "a record without artifact" :
				    "a record without data");
		n = count_subject(oq, data, key);
	}
	if (kind == IQ_REPDB) {
		if (n == 0)
			return ONLINE_CACHE_MISS;
		online_hit(f, a);
		if (f->verdict < CHOUSA_V_SUSPICIOUS)
			f->verdict = CHOUSA_V_SUSPICIOUS;
		if (f->detail == NULL)
			f->detail = chousa_arena_printf(a, "on %zu reputation"
			    " list entr%s", n, n == 1 ? "y" : "ies");
		return ONLINE_CACHE_HIT;
	}
	if (n == 0) {
		online_miss(f);
		f->detail = "not known to InQuest Labs";
		return ONLINE_CACHE_MISS;
	}
	online_hit(f, a);
	if (kind == IQ_DFI) {
		for (i = 0; i < n && i < 50; i++) {
			struct jnode *it = jt_at(data, i);
			const char *c = jt_str(it, "classification");

			if (c != NULL && strcmp(c, "MALICIOUS") == 0)
				f->verdict = CHOUSA_V_MALICIOUS;
			if (f->file_type == NULL)
				f->file_type = online_strn(a, jt_str(it,
				    "file_type"), 100);
			if (f->first_seen == 0)
				f->first_seen = online_time(jt_str(it,
				    "first_seen"));
			if (f->reference == NULL && jt_str(it, "sha256") &&
			    online_hash_type(jt_str(it, "sha256")) ==
			    CHOUSA_IOC_SHA256)
				f->reference = chousa_arena_printf(a,
				    "https://labs.inquest.net/dfi/sha256/%s",
				    jt_str(it, "sha256"));
		}
		f->detail = f->verdict == CHOUSA_V_MALICIOUS ?
		    "classified malicious by InQuest DFI" :
		    "analysed by InQuest DFI";
	} else {
		const char *ref = NULL;

		for (i = 0; i < jt_len(data) && ref == NULL; i++)
			if (is_subject(online_query(oq), jt_str(jt_at(data, i),
			    key)))
				ref = jt_str(jt_at(data, i), "reference_link");
		f->verdict = CHOUSA_V_SUSPICIOUS;
		f->reference = online_strn(a, ref, 500);
		f->detail = chousa_arena_printf(a, "in %zu IOC DB record%s", n,
		    n == 1 ? "" : "s");
	}
	return ONLINE_CACHE_HIT;
}

static void
iq_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Authorization: Basic ");
}

static int
iq_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct chousa_arena *a;
	struct online_req req;
	char *v;

	if (oq == NULL)
		return CHOUSA_OK;
	a = online_arena(oq);
	v = online_urlenc(a, q->ind->value);
	if (v == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	iq_req(&req);
	if (online_is_hash(q)) {
		req.path = chousa_arena_printf(a, "/dfi/search/hash/%s?hash=%s",
		    online_type_word(q, NULL, NULL, NULL), v);
		return online_ask(oq, &req, on_answer, (void *)(intptr_t)IQ_DFI,
		    err);
	}
	req.path = chousa_arena_printf(a, "/iocdb/search?keyword=%s", v);
	if (req.path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	online_call(oq, &req, on_answer, (void *)(intptr_t)IQ_IOCDB);
	/* The reputation DB adds to the IOC DB's answer, never decides. */
	req.optional = 1;
	req.path = chousa_arena_printf(a, "/repdb/search?keyword=%s", v);
	if (req.path != NULL)
		online_call(oq, &req, on_answer, (void *)(intptr_t)IQ_REPDB);
	return online_started(oq);
}

static int
iq_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, iq_req,
	    "/iocdb/search?keyword=example.com", NULL);
}

static int	iq_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_inquest = {
	.name = "inquest",
	.title = "InQuest Labs",
	.types = ONLINE_NET | CHOUSA_IOC_HASHES,
	.stages = CHOUSA_STAGE_REPUTATION | CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_KEY_OPTIONAL,
	.cost = 40,
	.rate_per_min = 20,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://labs.inquest.net/api",
	.start = iq_start,
	.check = iq_check,
	.parse = iq_parse,
};

/* kind modulo 3: 0 dfi, 1 iocdb, 2 repdb. */
static int
iq_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(on_answer,
	    (void *)(intptr_t)((unsigned)kind % 3),
	    &chousa_source_inquest, subject, body, len, a, f);
}
