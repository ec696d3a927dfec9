/*
 * online.c: the machinery every online source shares.  A call goes through
 * the cache (key: source, method, URL and body, never the API key), then
 * the source's rate bucket (GCRA: a request that must wait is released by
 * a timer of the http loop, never by sleeping; one that would wait too
 * long is skipped as quota) and its daily counter in the store, then the
 * network.  Answers are mapped to statuses here, so that a module's
 * callback sees only something it can parse.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/hex.h"
#include "base/mem.h"
#include "investigate/investigate.h"
#include "online/http_int.h"
#include "investigate/sources/online.h"

#define ONLINE_MAX_BUCKETS	32
#define ONLINE_MAX_LABELS	32
#define ONLINE_MAX_DETECTIONS	128
#define ONLINE_MAX_RELATED	400

/* A source's rate state for the life of the http handle. */
struct bucket {
	const char	*name;		/* the source's (static) */
	double		 interval;	/* seconds per request, 0: unlimited */
	double		 tau;		/* burst tolerance */
	double		 tat;		/* theoretical arrival time */
	long		 daily;		/* 0: unlimited */
	long		 used;		/* today, from the store plus ours */
	int		 loaded;
};

struct online_state {
	struct bucket		 b[ONLINE_MAX_BUCKETS];
	size_t			 n;
	/* Key groups whose key the service refused (401/403) this run. */
	const char		*refused[ONLINE_MAX_BUCKETS];
	size_t			 n_refused;
	struct chousa_store	*store;
	int			 txn;		/* a write group is open */
	int			 txn_writes;
	int			 pruned;	/* expired answers dropped */
	long			 n_calls;	/* in flight, all sources */
};

struct online_q {
	struct chousa_query	*q;
	struct chousa_arena	*a;
	const char		*key;
	int			 n_out;
	int			 starting;
	int			 ended;
	int			 fake;		/* parse_buffer: no network */
};

struct online_call {
	struct online_q		*oq;
	struct online_req	 req;
	char			*url;
	char			*cache_key;
	char			*body;		/* with the key, to send */
	size_t			 body_len;
	const char		*hdrs[ONLINE_MAX_HEADERS + 3];
	online_fn		 fn;
	void			*arg;
	int			 tries;
	int			 reserved;	/* holds one of today's quota */
	int			 spent;		/* the service counted it */
	int			 paid;		/* charged to ticket */
	int			 ticket;
};

static double
now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const struct chousa_config *
cfg_of(struct online_q *oq)
{
	return chousa_ctx_config(oq->q->ctx);
}

static long
src_long(struct online_q *oq, const char *key, long def)
{
	return chousa_config_get_long(cfg_of(oq), oq->q->source->name, key,
	    def);
}

static long
http_long(struct online_q *oq, const char *key, long def)
{
	return chousa_config_get_long(cfg_of(oq), "http", key, def);
}

struct chousa_query *
online_query(struct online_q *oq)
{
	return oq->q;
}

struct chousa_arena *
online_arena(struct online_q *oq)
{
	return oq->a;
}

const char *
online_key(struct online_q *oq)
{
	return oq->key;
}

/* ---- per-handle state ---- */

static void
state_free(void *p)
{
	struct online_state *s = p;

	if (s == NULL)
		return;
	if (s->txn)
		cache_commit(s->store);
	mem_free(s);
}

static struct online_state *
state_of(struct online_q *oq)
{
	struct chousa_http *h;
	struct online_state *s;

	if (oq->fake)
		return NULL;
	h = chousa_ctx_http(oq->q->ctx);
	if (h == NULL)
		return NULL;
	s = http_user(h);
	if (s == NULL) {
		s = mem_alloc(sizeof(*s));
		if (s == NULL)
			return NULL;
		s->store = chousa_ctx_store(oq->q->ctx);
		http_set_user(h, s, state_free);
		/* [http] in the config tunes the run's handle (seconds). */
		http_tune(h, http_long(oq, "timeout_ms",
		    http_long(oq, "timeout", 0) * 1000),
		    http_long(oq, "connect_timeout", 0) * 1000,
		    http_long(oq, "max_body", 0),
		    (int)http_long(oq, "max_parallel", 0));
		chousa_http_use_config(h, cfg_of(oq));
	}
	return s;
}

static struct bucket *
bucket_of(struct online_q *oq, struct online_state *s)
{
	const struct chousa_source *src = oq->q->source;
	struct bucket *b;
	double rate;
	long burst;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->b[i].name, src->name) == 0)
			return &s->b[i];
	if (s->n == ONLINE_MAX_BUCKETS)
		return NULL;
	b = &s->b[s->n++];
	memset(b, 0, sizeof(*b));
	b->name = src->name;
	rate = (double)src_long(oq, "rate", (long)src->rate_per_min);
	burst = src_long(oq, "burst", rate >= 1 ? (long)rate : 1);
	if (burst < 1)
		burst = 1;
	b->interval = rate > 0 ? 60.0 / rate : 0;
	b->tau = (double)(burst - 1) * b->interval;
	b->daily = src_long(oq, "daily", src->daily);
	return b;
}

/* The key group of oq's source: siblings that share one key, else itself. */
static const char *
key_group(struct online_q *oq)
{
	const struct chousa_source *src = oq->q->source;

	return (src->flags & CHOUSA_SRC_ABUSECH_KEY) ? ONLINE_ABUSECH :
	    src->name;
}

static int
is_refused(struct online_q *oq, struct online_state *s)
{
	size_t i;

	for (i = 0; s != NULL && i < s->n_refused; i++)
		if (strcmp(s->refused[i], key_group(oq)) == 0)
			return 1;
	return 0;
}

/* A refused key is not sent again in this run, by any sibling either. */
static void
set_refused(struct online_q *oq, struct online_state *s)
{
	if (s == NULL || is_refused(oq, s) ||
	    s->n_refused == ONLINE_MAX_BUCKETS)
		return;
	s->refused[s->n_refused++] = key_group(oq);
}

/*
 * Writes (answers, quota counters, errors) are grouped in one transaction
 * that ends when no call is in flight any more, or every 500 writes.
 */
static void
state_write(struct online_q *oq)
{
	struct online_state *s = state_of(oq);
	int opened;

	if (s == NULL || s->store == NULL)
		return;
	if (s->txn && ++s->txn_writes < 500)
		return;
	if (s->txn) {
		cache_commit(s->store);
		s->txn = 0;
	}
	if (cache_begin(s->store, &opened) != CHOUSA_OK || !opened)
		return;
	s->txn = 1;
	s->txn_writes = 0;
	if (!s->pruned) {
		s->pruned = 1;
		cache_prune(s->store, (int64_t)time(NULL), NULL);
	}
}

static void
state_idle(struct online_q *oq)
{
	struct online_state *s = chousa_ctx_http(oq->q->ctx) ?
	    http_user(chousa_ctx_http(oq->q->ctx)) : NULL;

	if (s != NULL && s->n_calls == 0 && s->txn) {
		cache_commit(s->store);
		s->txn = 0;
	}
}

/* ---- ending a query ---- */

static void
record_error(struct online_q *oq, const char *msg)
{
	struct chousa_store *st;

	/* A cache-only run writes nothing: it only reads what others paid. */
	if (oq->fake || chousa_ctx_cache_only(oq->q->ctx))
		return;
	st = chousa_ctx_store(oq->q->ctx);
	if (st == NULL)
		return;
	state_write(oq);
	cache_set_error(st, oq->q->source->name, msg, (int64_t)time(NULL),
	    NULL);
}

static void
maybe_end(struct online_q *oq)
{
	struct chousa_finding *f = oq->q->finding;

	if (oq->n_out > 0 || oq->starting || oq->ended)
		return;
	oq->ended = 1;
	if (oq->fake)
		return;
	state_idle(oq);
	if (f->status == CHOUSA_ST_PENDING) {
		f->status = CHOUSA_ST_ERROR;
		f->reason = "the service gave no answer";
	}
	if (oq->q->state == oq)
		return;		/* ended inside start(): the engine sees it */
	chousa_query_done(oq->q);
}

void
online_error(struct online_q *oq, const char *fmt, ...)
{
	struct chousa_finding *f = oq->q->finding;
	char msg[240];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	record_error(oq, msg);
	if (f->status == CHOUSA_ST_HIT)
		return;		/* keep what worked */
	f->status = CHOUSA_ST_ERROR;
	f->reason = chousa_arena_strdup(oq->a, msg);
	if (f->reason == NULL)
		f->reason = "error";
}

/*
 * The first bytes of an answer, for -v: white space squeezed to one
 * space (pretty JSON is mostly indentation), controls dropped, bounded.
 */
static const char *
answer_head(struct chousa_arena *a, const char *body, size_t len)
{
	char raw[ONLINE_HEAD_MAX + 1];
	struct chousa_buf b;
	size_t i, n = 0;
	char *out;

	for (i = 0; i < len && n < ONLINE_HEAD_MAX; i++) {
		int space = body[i] == ' ' || body[i] == '\n' ||
		    body[i] == '\r' || body[i] == '\t';

		if (space && (n == 0 || raw[n - 1] == ' '))
			continue;
		raw[n++] = space ? ' ' : body[i];
	}
	chousa_buf_init(&b, ONLINE_HEAD_MAX * 4 + 16);
	chousa_esc_text(&b, raw, n);
	if (i < len)
		chousa_buf_adds(&b, "...");
	out = b.failed ? NULL : chousa_arena_strndup(a, b.data, b.len);
	chousa_buf_release(&b);
	return out;
}

int
online_unexpected(struct online_q *oq, const struct online_result *r,
    const char *what)
{
	struct chousa_finding *f = oq->q->finding;
	const char *title = oq->q->source != NULL ? oq->q->source->title :
	    "the service";
	char status[32];

	if (f->answer_head == NULL && r != NULL && r->body != NULL)
		f->answer_head = answer_head(oq->a, r->body, r->body_len);
	if (what == NULL) {
		snprintf(status, sizeof(status), "HTTP %ld",
		    r != NULL ? r->status : 0L);
		what = status;
	}
	online_error(oq, "unexpected answer from %s: %s", title, what);
	return ONLINE_NO_CACHE;
}

static void
skip(struct online_q *oq, const char *reason, int64_t reset_at)
{
	struct chousa_finding *f = oq->q->finding;

	if (f->status == CHOUSA_ST_HIT)
		return;
	f->status = CHOUSA_ST_SKIPPED;
	f->reason = reason;
	f->reset_at = reset_at;
}

/* ---- beginning ---- */

struct online_q *
online_begin(struct chousa_query *q)
{
	const struct chousa_source *src = q->source;
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	struct online_q *oq;
	const char *skip;

	f->source = src->name;
	f->n_detect = f->n_engines = f->score = -1;
	/* No indicator: a key check (sources --check). */
	skip = inv_skip_reason(q->ctx, src, q->ind != NULL ? q->ind->type : -1);
	if (skip != NULL) {
		f->status = CHOUSA_ST_SKIPPED;
		f->reason = skip;
		return NULL;
	}
	oq = chousa_arena_alloc(a, sizeof(*oq));
	if (oq == NULL) {
		f->status = CHOUSA_ST_ERROR;
		f->reason = "out of memory";
		return NULL;
	}
	oq->q = q;
	oq->a = a;
	oq->key = chousa_ctx_key(q->ctx, src);
	oq->starting = 1;
	q->state = oq;
	return oq;
}

int
online_started(struct online_q *oq)
{
	oq->starting = 0;
	maybe_end(oq);
	/* From now on an end is asynchronous. */
	if (!oq->ended)
		oq->q->state = NULL;
	return CHOUSA_OK;
}

/* ---- answers ---- */

static int
starts_like_json(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'); i++)
		;
	return i < len && (s[i] == '{' || s[i] == '[');
}

/*
 * Give fn a parsed answer and cache it as fn says; a body that is not JSON
 * ends the call as an error instead (a 404 may have any body).
 */
static void
deliver(struct online_call *c, long status, const char *body,
    size_t len, const char *ctype, int from_cache, int64_t fetched_at)
{
	struct online_q *oq = c->oq;
	struct chousa_finding *f = oq->q->finding;
	struct online_result r;
	char why[120];
	int keep;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.body = body;
	r.body_len = len;
	r.from_cache = from_cache;
	r.fetched_at = fetched_at;
	r.json = len > 0 ? jt_parse(body, len, why, sizeof(why)) : NULL;
	if (r.json == NULL && status != 404) {
		char msg[200];

		if (len == 0)
			snprintf(msg, sizeof(msg), "empty answer (HTTP %ld)",
			    status);
		else if (starts_like_json(body, len))
			snprintf(msg, sizeof(msg), "%s (%zu bytes)", why, len);
		else
			snprintf(msg, sizeof(msg),
			    "not a JSON answer (content type %.60s)",
			    ctype ? ctype : "none");
		if (c->req.optional) {
			r.failed = 1;
			r.error = msg;
			c->fn(oq, c->arg, &r);
		} else
			online_error(oq, "%s", msg);
		return;
	}
	if (from_cache) {
		f->from_cache = 1;
		if (f->cached_at == 0 || fetched_at < f->cached_at)
			f->cached_at = fetched_at;
	}
	keep = c->fn(oq, c->arg, &r);
	jt_free(r.json);
	if (!from_cache && keep != ONLINE_NO_CACHE && !oq->fake &&
	    !c->req.no_cache) {
		struct chousa_store *st = chousa_ctx_store(oq->q->ctx);
		long ttl = keep == ONLINE_CACHE_HIT ?
		    src_long(oq, "ttl", oq->q->source->ttl > 0 ?
		    oq->q->source->ttl : 86400) :
		    src_long(oq, "miss_ttl", 3600);

		if (st != NULL && ttl > 0) {
			state_write(oq);
			cache_put(st, oq->q->source->name, c->cache_key,
			    status, body, len, (int64_t)time(NULL), ttl, NULL);
		}
	}
}

static void call_submit(void *arg);

/*
 * Daily quota: a call holds one request of today's count from the moment
 * it is let through, so parallel calls cannot overrun the limit; the
 * count is written to the store only when the service answered.  A call
 * that failed (refused key, server error, network) gives its share back.
 */
static void
quota_spend(struct online_call *c)
{
	struct online_state *s = state_of(c->oq);

	if (c->spent)
		return;
	c->spent = 1;
	if (s != NULL && s->store != NULL && !c->oq->fake) {
		state_write(c->oq);
		cache_quota_add(s->store, c->oq->q->source->name,
		    (int64_t)time(NULL), 1, NULL);
	}
}

static void
quota_release(struct online_call *c, struct online_state *s)
{
	const struct chousa_payer *p = chousa_ctx_payer(c->oq->q->ctx);
	struct bucket *b;

	if (c->paid && !c->spent && p != NULL) {
		c->paid = 0;
		p->refund(p->arg, c->ticket);
	}
	if (!c->reserved || c->spent || s == NULL)
		return;
	c->reserved = 0;
	b = bucket_of(c->oq, s);
	if (b != NULL && b->used > 0)
		b->used--;
}

static void
call_end(struct online_call *c)
{
	struct online_q *oq = c->oq;
	struct online_state *s = chousa_ctx_http(oq->q->ctx) ?
	    http_user(chousa_ctx_http(oq->q->ctx)) : NULL;

	quota_release(c, s);
	if (s != NULL && s->n_calls > 0)
		s->n_calls--;
	oq->n_out--;
	maybe_end(oq);
}

/* A failure of the transport or the service: status for the query. */
static void
call_fail(struct online_call *c, const char *msg)
{
	struct online_result r;

	if (c->req.optional) {
		memset(&r, 0, sizeof(r));
		r.failed = 1;
		r.error = msg;
		c->fn(c->oq, c->arg, &r);
		return;
	}
	online_error(c->oq, "%s", msg);
}

static long
backoff_ms(struct online_q *oq, int tries)
{
	long base = http_long(oq, "backoff_ms", 1000), d;

	if (base < 0)
		base = 0;
	d = base << (tries > 4 ? 4 : tries - 1);
	/* Jitter: 50-100 % of the step, so parallel clients spread out. */
	return d / 2 + (d > 1 ? rand() % (d / 2 + 1) : 0);
}

/* "CHOUSA_<SECTION>_<SUFFIX>", the variable the config reads too. */
static void
env_name(char *out, size_t size, const char *section, const char *suffix)
{
	size_t i;

	snprintf(out, size, "CHOUSA_%s_%s", section, suffix);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = out[i] == '-' || out[i] == '.' ? '_' :
		    (char)toupper((unsigned char)out[i]);
}

/* What a 401 or 403 means, and where the key is set. */
static void
refused_msg(struct online_q *oq, long st, char *msg, size_t size)
{
	const struct chousa_source *src = oq->q->source;
	const char *g = (src->flags & CHOUSA_SRC_ABUSECH_KEY) ?
	    ONLINE_ABUSECH : NULL;
	char env[96];

	if (g != NULL) {
		env_name(env, sizeof(env), g, "auth_key");
		snprintf(msg, size, "%s refused (HTTP %ld): %s requires an "
		    "Auth-Key; set [%s] auth_key in the config or %s",
		    oq->key ? "key" : "access", st,
		    strcmp(g, ONLINE_ABUSECH) == 0 ? "abuse.ch" : g, g, env);
		return;
	}
	env_name(env, sizeof(env), src->name, "key");
	snprintf(msg, size, "%s refused (HTTP %ld): %s [%s] api_key in the "
	    "config or %s", oq->key ? "key" : "access", st,
	    oq->key ? "check" : "set", src->name, env);
}

static void
on_done(void *arg, const struct chousa_http_resp *resp)
{
	struct online_call *c = arg;
	struct online_q *oq = c->oq;
	long max_tries = http_long(oq, "retries", 3);
	long max_wait = http_long(oq, "max_wait", 20);
	char msg[240];
	long st = resp->status;

	if (resp->rc != CHOUSA_OK) {
		if (resp->rc == CHOUSA_ETIMEOUT || resp->rc == CHOUSA_ELIMIT)
			snprintf(msg, sizeof(msg), "%s", resp->errmsg);
		else
			snprintf(msg, sizeof(msg), "network error: %.200s",
			    resp->errmsg);
		call_fail(c, msg);
		goto end;
	}
	oq->q->finding->http_status = (int)st;
	if (st == 429 || st >= 500) {
		long wait = resp->retry_after >= 0 ? resp->retry_after * 1000 :
		    backoff_ms(oq, c->tries);

		if (c->tries < max_tries && wait <= max_wait * 1000) {
			if (chousa_http_after(chousa_ctx_http(oq->q->ctx), wait,
			    call_submit, c, NULL) == CHOUSA_OK)
				return;		/* still out */
		}
		if (st == 429) {
			int64_t reset = (int64_t)time(NULL) +
			    (resp->retry_after > 0 ? resp->retry_after : 60);

			record_error(oq, "quota: rate limited by the service"
			    " (HTTP 429)");
			if (c->req.optional)
				call_fail(c, "rate limited (HTTP 429)");
			else
				skip(oq, "quota (HTTP 429 from the service)",
				    reset);
		} else {
			snprintf(msg, sizeof(msg), "server error (HTTP %ld)",
			    st);
			call_fail(c, msg);
		}
		goto end;
	}
	if (st == 401 || st == 403) {
		set_refused(oq, state_of(oq));
		refused_msg(oq, st, msg, sizeof(msg));
		call_fail(c, msg);
		goto end;
	}
	/* The service answered: that counts against its daily quota. */
	quota_spend(c);
	if ((st >= 200 && st <= 299) || st == 404) {
		deliver(c, st, resp->body.data, resp->body.len,
		    resp->content_type, 0, 0);
		goto end;
	}
	snprintf(msg, sizeof(msg), "unexpected answer (HTTP %ld)", st);
	call_fail(c, msg);
end:
	call_end(c);
}

static void
call_submit(void *arg)
{
	struct online_call *c = arg;
	struct online_q *oq = c->oq;
	struct chousa_http_req hr;
	struct chousa_err err;

	c->tries++;
	memset(&hr, 0, sizeof(hr));
	hr.method = c->req.method ? c->req.method : "GET";
	hr.url = c->url;
	hr.headers = c->hdrs;
	hr.body = c->body;
	hr.body_len = c->body_len;
	if (chousa_http_submit(chousa_ctx_http(oq->q->ctx), &hr, on_done, c,
	    &err) != CHOUSA_OK) {
		call_fail(c, err.msg);
		call_end(c);
	}
}

/*
 * Whoever pays for the run's requests (chousa_payer) takes this one, or
 * refuses it: then the source is skipped, saying why.  1: it may go.
 */
static int
pay(struct online_call *c)
{
	struct online_q *oq = c->oq;
	const struct chousa_payer *p = chousa_ctx_payer(oq->q->ctx);
	const char *reason;
	char why[200];
	int64_t retry_at = 0;

	if (p == NULL)
		return 1;
	why[0] = '\0';
	if (p->charge(p->arg, oq->q->input, oq->q->source->name, &c->ticket,
	    why, sizeof(why), &retry_at)) {
		c->paid = 1;
		return 1;
	}
	reason = why[0] ? chousa_arena_strdup(oq->a, why) : NULL;
	skip(oq, reason ? reason : "quota", retry_at);
	return 0;
}

/* Daily and rate limits: 0 to send now, >0 ms to wait, -1 skipped. */
static long
quota_take(struct online_call *c)
{
	struct online_q *oq = c->oq;
	struct online_state *s = state_of(oq);
	struct bucket *b = s ? bucket_of(oq, s) : NULL;
	double now = now_real(), start;
	long max_wait = http_long(oq, "max_wait", 20);
	char *reason;

	if (b == NULL)
		return pay(c) ? 0 : -1;
	if (b->daily > 0) {
		if (!b->loaded && s->store != NULL)
			cache_quota_used(s->store, b->name, (int64_t)now,
			    &b->used, NULL);
		b->loaded = 1;
		if (b->used >= b->daily) {
			int64_t midnight = ((int64_t)now / 86400 + 1) * 86400;

			reason = chousa_arena_printf(oq->a,
			    "quota (daily limit of %ld spent)", b->daily);
			skip(oq, reason ? reason : "quota", midnight);
			return -1;
		}
	}
	if (b->interval <= 0) {
		if (!pay(c))
			return -1;
		b->used++;
		c->reserved = 1;
		return 0;
	}
	start = b->tat - b->tau > now ? b->tat - b->tau : now;
	if (start - now > (double)max_wait) {
		reason = chousa_arena_printf(oq->a,
		    "quota (rate limit of %.0f a minute)", 60.0 / b->interval);
		skip(oq, reason ? reason : "quota", (int64_t)start + 1);
		return -1;
	}
	if (!pay(c))
		return -1;
	b->tat = (b->tat > start ? b->tat : start) + b->interval;
	b->used++;
	c->reserved = 1;
	return (long)((start - now) * 1000.0);
}

static int
build(struct online_call *c, const struct online_req *req)
{
	struct online_q *oq = c->oq;
	struct chousa_arena *a = oq->a;
	const char *base = chousa_ctx_base_url(oq->q->ctx, oq->q->source);
	size_t blen, i, n = 0;
	const char *body = req->body;

	if (base == NULL)
		return 0;
	blen = strlen(base);
	if (blen > 0 && base[blen - 1] == '/' && req->path[0] == '/')
		blen--;
	c->url = chousa_arena_printf(a, "%.*s%s", (int)blen, base, req->path);
	/* The key is never part of the cache key. */
	c->cache_key = chousa_arena_printf(a, "%s %s\n%s",
	    req->method ? req->method : "GET", c->url ? c->url : "",
	    body ? body : "");
	if (c->url == NULL || c->cache_key == NULL)
		return 0;
	for (i = 0; i < ONLINE_MAX_HEADERS && req->headers[i] != NULL; i++)
		c->hdrs[n++] = req->headers[i];
	if (body != NULL)
		c->hdrs[n++] = req->body_type != NULL ?
		    chousa_arena_printf(a, "Content-Type: %s", req->body_type) :
		    "Content-Type: application/x-www-form-urlencoded";
	if (oq->key != NULL && req->key_in == ONLINE_KEY_HEADER)
		c->hdrs[n++] = chousa_arena_printf(a, "%s%s", req->key_name,
		    oq->key);
	c->hdrs[n] = NULL;
	for (i = 0; i < n; i++)
		if (c->hdrs[i] == NULL)
			return 0;
	if (oq->key != NULL && req->key_in == ONLINE_KEY_FORM) {
		char *k = online_urlenc(a, oq->key);

		body = chousa_arena_printf(a, "%s=%s%s%s", req->key_name,
		    k ? k : "", body && *body ? "&" : "", body ? body : "");
		if (k == NULL || body == NULL)
			return 0;
	}
	c->body = (char *)body;
	c->body_len = body ? strlen(body) : 0;
	return 1;
}

/*
 * A cache-only run without the answer: skipped, never a miss (an answer
 * we do not have is no evidence).  An expired answer is not used, as an
 * online run would not use it; the reason says when it was fetched.
 */
static void
not_cached(struct online_call *c, struct chousa_store *st)
{
	struct online_q *oq = c->oq;
	const char *why = "not in the online cache";
	int64_t at = st != NULL ? cache_expired_at(st, oq->q->source->name,
	    c->cache_key, (int64_t)time(NULL)) : 0;

	if (at != 0) {
		char when[32];

		chousa_time_format(at, when, sizeof(when));
		why = chousa_arena_printf(oq->a, "not in the online cache "
		    "(the answer fetched %s is past its ttl)", when);
		if (why == NULL)
			why = "not in the online cache";
	}
	if (c->req.optional)
		call_fail(c, why);
	else
		skip(oq, why, 0);
}

void
online_call(struct online_q *oq, const struct online_req *req,
    online_fn fn, void *arg)
{
	struct online_call *c;
	struct cache_entry ce;
	struct chousa_store *st;
	long wait;

	if (oq->fake || oq->ended)
		return;
	c = chousa_arena_alloc(oq->a, sizeof(*c));
	if (c == NULL) {
		online_error(oq, "out of memory");
		return;
	}
	c->oq = oq;
	c->req = *req;
	c->fn = fn;
	c->arg = arg;
	oq->n_out++;
	if (state_of(oq) != NULL)
		state_of(oq)->n_calls++;
	if (!build(c, req)) {
		online_error(oq, "cannot build the request (no base URL?)");
		goto end;
	}
	st = req->no_cache ? NULL : chousa_ctx_store(oq->q->ctx);
	if (st != NULL && !chousa_ctx_refresh(oq->q->ctx) &&
	    cache_get(st, oq->q->source->name, c->cache_key,
	    (int64_t)time(NULL), &ce, NULL) == CHOUSA_OK) {
		deliver(c, ce.status, ce.body, ce.body_len, NULL, 1,
		    ce.fetched_at);
		mem_free(ce.body);
		goto end;
	}
	if (chousa_ctx_cache_only(oq->q->ctx)) {
		not_cached(c, st);
		goto end;
	}
	/* Offline, online_begin skipped the source (inv_skip_reason). */
	if (is_refused(oq, state_of(oq))) {
		const char *why = strcmp(key_group(oq), ONLINE_ABUSECH) == 0 ?
		    "abuse.ch refused the Auth-Key earlier in this run" :
		    "key refused earlier in this run";

		if (req->optional)
			call_fail(c, why);
		else
			skip(oq, why, 0);
		goto end;
	}
	wait = quota_take(c);
	if (wait < 0) {
		if (req->optional)
			call_fail(c, "quota");
		goto end;
	}
	if (wait == 0) {
		call_submit(c);
		return;
	}
	if (chousa_http_after(chousa_ctx_http(oq->q->ctx), wait, call_submit, c,
	    NULL) == CHOUSA_OK)
		return;
	online_error(oq, "out of memory");
end:
	call_end(c);
}

static int
on_check(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_finding *f = oq->q->finding;

	(void)arg;
	f->status = CHOUSA_ST_HIT;
	f->detail = r->status == 404 ? "key accepted (test object unknown)" :
	    "key accepted";
	return ONLINE_NO_CACHE;
}

int
online_check(struct chousa_query *q, const struct online_req *req)
{
	struct online_q *oq = online_begin(q);
	struct online_req r = *req;

	if (oq == NULL)
		return CHOUSA_OK;
	r.no_cache = 1;
	online_call(oq, &r, on_check, NULL);
	return online_started(oq);
}

int
online_check_with(struct chousa_query *q, void (*init)(struct online_req *),
    const char *path, const char *body)
{
	struct online_req req;

	init(&req);
	if (path != NULL)
		req.path = path;
	if (body != NULL)
		req.body = body;
	return online_check(q, &req);
}

/* ---- filling findings ---- */

void
online_hit(struct chousa_finding *f, struct chousa_arena *a)
{
	(void)a;
	f->status = CHOUSA_ST_HIT;
	f->reason = NULL;
}

void
online_miss(struct chousa_finding *f)
{
	if (f->status == CHOUSA_ST_PENDING)
		f->status = CHOUSA_ST_MISS;
}

/*
 * Room for one more after n in an arena array whose capacity is not kept:
 * the one chousa_arena_grow gave it, 8 doubled until it holds n.
 */
static void *
grow(struct chousa_arena *a, void *old, size_t n, size_t size)
{
	size_t cap = n == 0 ? 0 : 8;

	while (cap != 0 && cap < n)
		cap *= 2;
	return chousa_arena_grow(a, old, n, &cap, size);
}

/* Append s to the list *v of *n strings, once (case-insensitively). */
static void
add_unique(const char ***v, size_t *n, struct chousa_arena *a, const char *s)
{
	const char **l;
	size_t i;

	if (s == NULL || *s == '\0' || *n >= ONLINE_MAX_LABELS)
		return;
	for (i = 0; i < *n; i++)
		if (strcasecmp((*v)[i], s) == 0)
			return;
	l = grow(a, (void *)*v, *n, sizeof(*l));
	if (l == NULL)
		return;
	l[*n] = chousa_arena_strndup(a, s, strnlen(s, 200));
	if (l[*n] == NULL)
		return;
	*v = l;
	(*n)++;
}

void
online_add_label(struct chousa_finding *f, struct chousa_arena *a,
    const char *label)
{
	add_unique(&f->labels, &f->n_labels, a, label);
}

void
online_add_labels(struct chousa_finding *f, struct chousa_arena *a,
    struct jnode *arr, size_t max)
{
	size_t i;

	for (i = 0; i < jt_len(arr) && i < max; i++)
		if (jt_is_str(jt_at(arr, i)))
			online_add_label(f, a, jt_at(arr, i)->s);
}

/*
 * One entry per engine, repeats kept: the label normalisation counts how
 * many engines agree on a name.
 */
void
online_add_detection(struct chousa_finding *f, struct chousa_arena *a,
    const char *name)
{
	const char **l;

	if (name == NULL || *name == '\0' ||
	    f->n_detections >= ONLINE_MAX_DETECTIONS)
		return;
	l = grow(a, (void *)f->detections, f->n_detections, sizeof(*l));
	if (l == NULL)
		return;
	l[f->n_detections] = chousa_arena_strndup(a, name, strnlen(name, 200));
	if (l[f->n_detections] == NULL)
		return;
	f->detections = l;
	f->n_detections++;
}

void
online_add_related(struct chousa_finding *f, struct chousa_arena *a, int rel,
    int type, const char *value, const char *family, int64_t seen)
{
	struct chousa_related *r;
	size_t i;

	if (value == NULL || *value == '\0' ||
	    f->n_related >= ONLINE_MAX_RELATED)
		return;
	for (i = 0; i < f->n_related; i++)
		if (f->related[i].rel == rel &&
		    strcasecmp(f->related[i].value, value) == 0) {
			if (f->related[i].family == NULL && family != NULL &&
			    *family != '\0')
				f->related[i].family =
				    chousa_arena_strdup(a, family);
			return;
		}
	r = grow(a, f->related, f->n_related, sizeof(*r));
	if (r == NULL)
		return;
	f->related = r;
	r = &f->related[f->n_related];
	memset(r, 0, sizeof(*r));
	r->rel = rel;
	r->type = type;
	r->value = chousa_arena_strndup(a, value, strnlen(value, 2048));
	r->family = family != NULL && *family != '\0' ?
	    chousa_arena_strndup(a, family, strnlen(family, 200)) : NULL;
	r->seen = seen;
	if (r->value != NULL)
		f->n_related++;
}

int64_t
online_time(const char *s)
{
	int64_t t;

	if (s == NULL || *s == '\0')
		return 0;
	return chousa_time_parse(s, strlen(s), &t) == CHOUSA_OK ? t : 0;
}

int
online_verdict_counts(int malicious, int suspicious)
{
	if (malicious > 0)
		return CHOUSA_V_MALICIOUS;
	if (suspicious > 0)
		return CHOUSA_V_SUSPICIOUS;
	return CHOUSA_V_UNKNOWN;
}

int
online_hash_type(const char *s)
{
	size_t n = s ? strlen(s) : 0, i;

	for (i = 0; i < n; i++)
		if (chousa_hex_value((unsigned char)s[i]) < 0)
			return CHOUSA_IOC_NONE;
	return n == 32 ? CHOUSA_IOC_MD5 : n == 40 ? CHOUSA_IOC_SHA1 :
	    n == 64 ? CHOUSA_IOC_SHA256 : n == 128 ? CHOUSA_IOC_SHA512 :
	    CHOUSA_IOC_NONE;
}

void
online_req_init(struct online_req *req, int key_in, const char *key_name)
{
	memset(req, 0, sizeof(*req));
	req->key_in = key_in;
	req->key_name = key_name;
}

int
online_ask(struct online_q *oq, const struct online_req *req, online_fn fn,
    void *arg, struct chousa_err *err)
{
	if (req->path == NULL || (req->method != NULL &&
	    strcmp(req->method, "POST") == 0 && req->body == NULL))
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	online_call(oq, req, fn, arg);
	return online_started(oq);
}

int
online_abusech(struct online_q *oq, const struct online_result *r,
    const char *miss_detail, const char *also_miss, int need_data)
{
	struct chousa_finding *f = oq->q->finding;
	const char *qs = jt_str(r->json, "query_status");
	struct jnode *data = jt_get(r->json, "data");

	/* abuse.ch answers 200 with a query_status, found or not. */
	if (r->status != 200)
		return online_unexpected(oq, r, NULL);
	if (qs == NULL)
		return online_unexpected(oq, r, "no query_status");
	if (strcmp(qs, "ok") == 0) {
		if (!need_data)
			return ONLINE_CACHE_HIT;
		if (data == NULL || !jt_is(data, J_ARR))
			return online_unexpected(oq, r, "no data list");
		if (jt_len(data) > 0)
			return ONLINE_CACHE_HIT;
	} else if (strcmp(qs, "no_result") != 0 &&
	    strcmp(qs, "no_results") != 0 &&
	    (also_miss == NULL || strcmp(qs, also_miss) != 0)) {
		/* unknown_auth_key: refused as a 401 is. */
		if (strstr(qs, "auth") != NULL) {
			char msg[240];

			set_refused(oq, state_of(oq));
			refused_msg(oq, 401, msg, sizeof(msg));
			online_error(oq, "%s (%.40s)", msg, qs);
		} else
			online_error(oq, "%s answered '%.40s'",
			    oq->q->source != NULL ? oq->q->source->title :
			    "abuse.ch", qs);
		return ONLINE_NO_CACHE;
	}
	online_miss(f);
	f->detail = miss_detail;
	return ONLINE_CACHE_MISS;
}

const char *
online_type_word(const struct chousa_query *q, const char *domain,
    const char *ip, const char *url)
{
	switch (q->ind->type) {
	case CHOUSA_IOC_DOMAIN:
		return domain;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		return ip;
	case CHOUSA_IOC_URL:
		return url;
	case CHOUSA_IOC_MD5:
		return "md5";
	case CHOUSA_IOC_SHA1:
		return "sha1";
	case CHOUSA_IOC_SHA512:
		return "sha512";
	default:
		return "sha256";
	}
}

void
online_abusech_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Auth-Key: ");
	req->method = "POST";
}

int
online_is_hash(const struct chousa_query *q)
{
	return q->ind != NULL && (q->ind->type == CHOUSA_IOC_MD5 ||
	    q->ind->type == CHOUSA_IOC_SHA1 ||
	    q->ind->type == CHOUSA_IOC_SHA256 ||
	    q->ind->type == CHOUSA_IOC_SHA512);
}

int
online_is_ip(const struct chousa_query *q)
{
	return q->ind != NULL && (q->ind->type == CHOUSA_IOC_IPV4 ||
	    q->ind->type == CHOUSA_IOC_IPV6);
}

char *
online_strn(struct chousa_arena *a, const char *s, size_t max)
{
	return s != NULL ? chousa_arena_strndup(a, s, strnlen(s, max)) : NULL;
}

int
online_verdict_word(const char *s)
{
	if (s == NULL)
		return CHOUSA_V_UNKNOWN;
	if (strcmp(s, "malicious") == 0)
		return CHOUSA_V_MALICIOUS;
	if (strcmp(s, "suspicious") == 0)
		return CHOUSA_V_SUSPICIOUS;
	if (strcmp(s, "whitelisted") == 0)
		return CHOUSA_V_BENIGN;
	return CHOUSA_V_UNKNOWN;
}

void
online_raise_verdict(struct chousa_finding *f, int v)
{
	/* UNKNOWN < BENIGN < SUSPICIOUS < MALICIOUS. */
	if (v > f->verdict)
		f->verdict = v;
}

int
online_add_sample(struct chousa_finding *f, struct chousa_arena *a, int rel,
    const char *sha, const char *family, int64_t seen)
{
	if (online_hash_type(sha) != CHOUSA_IOC_SHA256)
		return 0;
	online_add_related(f, a, rel, CHOUSA_IOC_SHA256, sha, family, seen);
	return 1;
}

/* ---- escaping for requests ---- */

char *
online_form(struct chousa_arena *a, const char *prefix, const char *value)
{
	char *v = online_urlenc(a, value);

	return v != NULL ? chousa_arena_printf(a, "%s%s", prefix, v) : NULL;
}

char *
online_urlenc(struct chousa_arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), i, o = 0;
	char *out;

	if (n > 8192)
		return NULL;
	out = chousa_arena_alloc(a, n * 3 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
		    ch == '.' || ch == '~')
			out[o++] = (char)ch;
		else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	out[o] = '\0';
	return out;
}

void
online_json_begin(struct chousa_buf *b, struct chousa_jw *w)
{
	chousa_buf_init(b, 64 * 1024);
	chousa_jw_init(w, b);
	w->spaced = 1;
}

char *
online_json_end(struct chousa_arena *a, struct chousa_buf *b)
{
	char *out = b->failed ? NULL : chousa_arena_strndup(a, b->data,
	    b->len);

	chousa_buf_release(b);
	return out;
}

/* ---- parsing without a network (fuzzing) ---- */

int
online_parse_buffer(online_fn fn, void *arg, const struct chousa_source *src,
    const char *subject, const char *body, size_t len,
    struct chousa_arena *a, struct chousa_finding *f)
{
	struct chousa_indicator *ind = NULL;
	struct chousa_query q;
	struct online_q oq;
	struct online_result r;
	char *copy, why[120];
	int keep;

	memset(&q, 0, sizeof(q));
	memset(&oq, 0, sizeof(oq));
	q.finding = f;
	q.source = src;
	if (f->source == NULL) {
		f->source = src->name;
		f->n_detect = f->n_engines = f->score = -1;
	}
	if (subject != NULL) {
		ind = chousa_arena_alloc(a, sizeof(*ind));
		if (ind != NULL && chousa_ioc_parse(a, subject, strlen(subject),
		    CHOUSA_IOC_ALL, ind, NULL) == CHOUSA_OK)
			q.ind = ind;
	}
	oq.q = &q;
	oq.a = a;
	oq.fake = 1;
	copy = chousa_arena_strndup(a, body, len);
	if (copy == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.body = copy;
	r.body_len = len;
	r.json = jt_parse(copy, len, why, sizeof(why));
	if (r.json == NULL)
		return -1;
	keep = fn(&oq, arg, &r);
	jt_free(r.json);
	return keep;
}
