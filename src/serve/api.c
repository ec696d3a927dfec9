/*
 * api.c: the REST API, /api/v1/.  Each answer is the document the CLI's
 * --json (or, with format=text, its plain output) prints for the same
 * request, from the same library call; the exit status the CLI would end
 * with is in the Chousa-Exit header and the CLI's warnings in
 * Chousa-Warning headers, so `chousa --server` prints the same bytes and
 * ends the same way.  docs/openapi.json describes every path here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json_tree.h"
#include "serve/serve.h"

/* ---- request bodies ---- */

/*
 * The members each request body may have: anything else is a mistake
 * worth a 400 (a misspelt "ofline" must not run online).
 */
static const char *const lookup_keys[] = {
	"indicator", "indicators", "format", "color", NULL
};
static const char *const extract_keys[] = {
	"text", "types", "unique", "public_only", "defang", "format", NULL
};
static const char *const investigate_keys[] = {
	"indicator", "indicators", "text", "format", "offline", "refresh",
	"cache_only", "exhaustive", "no_defang", "color", "depth", "max_samples", "budget",
	"sources", "at", "brief", "width", "tlp", "all", "verbose", NULL
};
static const char *const token_keys[] = { "name", "role", "expires",
	"online_budget", "allow_from", "note", NULL };
/*
 * The query parameters of a request without a JSON body: the members
 * above that a query can carry (indicator repeated for "indicators").
 */
static const char *const no_keys[] = { NULL };
static const char *const format_keys[] = { "format", NULL };
/* A query's indicators are its "indicator" parameters, one each. */
static const char *const lookup_query[] = { "+indicator", "format", "color",
	NULL };
static const char *const extract_query[] = {
	"types", "unique", "public_only", "defang", "format", NULL
};
static const char *const investigate_query[] = {
	"+indicator", "text", "format", "offline", "refresh", "cache_only",
	"exhaustive",
	"no_defang", "color", "depth", "max_samples", "budget", "sources",
	"at", "brief", "width", "tlp", "all", "verbose", NULL
};

/*
 * 1 when the query holds only what the request takes, else 0 with a 400:
 * keys without a JSON body, and none with one, whose members are the
 * options (a "format" in its query would be ignored unseen).
 */
static int
query_known(struct sreq *r, const struct jnode *body, const char *const *keys)
{
	int repeated;
	const char *unknown = req_unknown_arg(r, body != NULL ? no_keys : keys,
	    &repeated);

	/*
	 * A GET's body would be ignored as unseen as a misspelt parameter:
	 * refused as every path refuses a body it takes none of (a chunked
	 * one, which admit() could not see coming).
	 */
	if (r->method == M_GET && r->body.len > 0) {
		req_error(r, 413, "a GET takes no body: POST it, as a JSON "
		    "object");
		return 0;
	}
	if (unknown == NULL)
		return 1;
	if (repeated)
		req_repeated_error(r, unknown);
	else if (body != NULL)
		req_error(r, 400, "'%.40s' in the query of a request with a "
		    "JSON body: give it as a member of the body", unknown);
	else
		req_error(r, 400, "unknown parameter '%.40s'", unknown);
	return 0;
}

/* 1 when every member of v is in keys; else 0 with a 400 set. */
static int
known_members(struct sreq *r, struct jnode *v, const char *const *keys)
{
	size_t i, k;

	for (i = 0; i < v->n; i++) {
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(v->keys[i], keys[k]) == 0)
				break;
		if (keys[k] == NULL) {
			req_error(r, 400, "unknown member '%.40s'",
			    v->keys[i]);
			return 0;
		}
	}
	return 1;
}

/* The body as a JSON object, or NULL with a 400 answer set. */
static struct jnode *body_object(struct sreq *r, const char *const *keys)
{
	char why[128];
	struct jnode *v;

	const char *body = r->body.data;
	size_t len = r->body.len;

	/* A UTF-8 BOM (PowerShell 5's), which RFC 8259 lets a reader skip. */
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) {
		body += 3;
		len -= 3;
	}
	if (len == 0) {
		req_error(r, 400, "a JSON object is needed in the body");
		return NULL;
	}
	if (memchr(body, '\0', len) != NULL) {
		req_error(r, 400, "the body holds NUL bytes: JSON is sent as "
		    "UTF-8 (this looks like UTF-16)");
		return NULL;
	}
	v = jt_parse(body, len, why, sizeof(why));
	if (v == NULL) {
		req_error(r, 400, "bad JSON: %s", why[0] ? why : "cannot parse");
		return NULL;
	}
	if (!jt_is(v, J_OBJ)) {
		jt_free(v);
		req_error(r, 400, "the body must be a JSON object");
		return NULL;
	}
	if (!known_members(r, v, keys)) {
		jt_free(v);
		return NULL;
	}
	return v;
}

/* Whether the body was sent as JSON. */
static int
is_json_body(struct sreq *r)
{
	const char *ct = req_header(r, "Content-Type");

	return ct != NULL && strncmp(ct, "application/json", 16) == 0;
}

/*
 * A boolean from the JSON body or the query string: 1, 0, or def when
 * absent; -2 (with a 400 set) when it is there but not a boolean.  The
 * query reads as the config file does (chousa_config_parse_bool: yes,
 * true, on, 1 or no, false, off, 0, in any case); a bare ?key is yes.
 */
int
api_opt_bool(struct sreq *r, void *body, const char *key, int def)
{
	struct jnode *v = body;
	const char *q;
	int yes;

	if (v != NULL) {
		struct jnode *x = jt_get(v, key);

		if (x == NULL || jt_is(x, J_NULL))
			return def;
		if (jt_is(x, J_BOOL))
			return x->b;
		req_error(r, 400, "'%s' must be true or false", key);
		return -2;
	}
	q = req_arg(r, key);
	if (q == NULL)
		return def;
	if (*q == '\0')
		return 1;
	if (chousa_config_parse_bool(q, &yes) == CHOUSA_OK)
		return yes;
	req_error(r, 400, "'%s' must be yes or no (yes, true, on, 1; no, "
	    "false, off, 0), not '%.40s'", key, q);
	return -2;
}

/*
 * A text option, whole, copied into the request's arena: its bytes and
 * *len, NULs kept (text to extract from, as a body of text/plain is
 * read); NULL when absent, and *bad (with a 400) when not a string.
 */
static const char *
api_opt_text(struct sreq *r, struct jnode *v, const char *key, size_t *len,
    int *bad)
{
	struct jnode *x = jt_get(v, key);

	*len = 0;
	if (x == NULL || jt_is(x, J_NULL))
		return NULL;
	if (!jt_is_str(x)) {
		req_error(r, 400, "'%s' must be a string", key);
		*bad = 1;
		return NULL;
	}
	*len = x->len;
	return chousa_arena_strndup(r->a, x->s, x->len);
}

/*
 * A string option; NULL when absent, and *bad (with a 400) when not one,
 * or when it holds a NUL ("\u0000"), which would cut it short unseen.
 */
const char *
api_opt_str(struct sreq *r, void *body, const char *key, int *bad)
{
	const char *s;
	size_t len;

	if (body == NULL)
		return req_arg(r, key);
	s = api_opt_text(r, body, key, &len, bad);
	if (s != NULL && memchr(s, '\0', len) != NULL) {
		req_error(r, 400, "'%s' holds a NUL character", key);
		*bad = 1;
		return NULL;
	}
	return s;
}

/* An integer option within [lo, hi]; def when absent; -1 and a 400 if bad. */
long
api_opt_int(struct sreq *r, void *body, const char *key, long lo, long hi,
    long def, int *bad)
{
	struct jnode *v = body;
	const char *q;
	char *end;
	long n;

	if (v != NULL) {
		struct jnode *x = jt_get(v, key);
		int64_t i;

		if (x == NULL || jt_is(x, J_NULL))
			return def;
		if (!jt_is_integer(x, &i) || i < lo || i > hi)
			goto bad;
		return (long)i;
	}
	q = req_arg(r, key);
	if (q == NULL)
		return def;
	errno = 0;
	n = strtol(q, &end, 10);
	/* Past a long, strtol says LONG_MAX: a number, but not this one. */
	if (*q == '\0' || *end != '\0' || errno == ERANGE || n < lo ||
	    n > hi)
		goto bad;
	return n;
bad:
	req_error(r, 400, "'%s' must be a whole number from %ld to %ld", key,
	    lo, hi);
	*bad = 1;
	return -1;
}

/*
 * The indicators of a request: "indicator" (one) or "indicators" (an
 * array of strings) in a JSON body, else the repeated query parameter.
 * NULL with a 400 set when there are none or they are not strings.
 */
static const char **
inputs_of(struct sreq *r, struct jnode *v, size_t *n_out)
{
	const char **in;
	size_t n = 0, i;

	if (v == NULL) {
		in = req_args(r, "indicator", &n);
		if (in == NULL && n > 0) {
			req_error(r, 500, "out of memory");
			return NULL;
		}
		if (n == 0) {
			req_error(r, 400, "name an indicator (?indicator=...)");
			return NULL;
		}
		if (n > SERVE_MAX_INPUTS) {
			req_error(r, 413, "at most %d indicators a request",
			    SERVE_MAX_INPUTS);
			return NULL;
		}
		*n_out = n;
		return in;
	}
	if (jt_get(v, "indicator") != NULL && jt_get(v, "indicators") != NULL) {
		req_error(r, 400, "give 'indicator' (one) or 'indicators' (an "
		    "array), not both");
		return NULL;
	}
	if (jt_get(v, "indicator") != NULL) {
		struct jnode *x = jt_get(v, "indicator");

		if (!jt_is_str(x) || memchr(x->s, '\0', x->len) != NULL) {
			req_error(r, 400, "'indicator' must be a string "
			    "without NUL characters");
			return NULL;
		}
		in = chousa_arena_alloc(r->a, sizeof(*in));
		if (in != NULL)
			in[0] = chousa_arena_strdup(r->a, x->s);
		if (in == NULL || in[0] == NULL) {
			req_error(r, 500, "out of memory");
			return NULL;
		}
		*n_out = 1;
		return in;
	}
	v = jt_get(v, "indicators");
	if (v == NULL || !jt_is(v, J_ARR)) {
		req_error(r, 400, "'indicator' (a string) or 'indicators' (an "
		    "array of strings) is needed");
		return NULL;
	}
	n = jt_len(v);
	if (n == 0) {
		req_error(r, 400, "'indicators' is empty");
		return NULL;
	}
	if (n > SERVE_MAX_INPUTS) {
		req_error(r, 413, "at most %d indicators a request",
		    SERVE_MAX_INPUTS);
		return NULL;
	}
	in = chousa_arena_alloc(r->a, n * sizeof(*in));
	for (i = 0; in != NULL && i < n; i++) {
		struct jnode *x = jt_at(v, i);

		if (!jt_is_str(x) || memchr(x->s, '\0', x->len) != NULL) {
			req_error(r, 400, "'indicators' must hold strings only, "
			    "without NUL characters");
			return NULL;
		}
		in[i] = chousa_arena_strdup(r->a, x->s);
		if (in[i] == NULL)
			in = NULL;
	}
	if (in == NULL) {
		req_error(r, 500, "out of memory");
		return NULL;
	}
	*n_out = n;
	return in;
}

/* "json" or "text" (lookup, sources); -1 with a 400 for anything else. */
static int
json_or_text(struct sreq *r, struct jnode *v)
{
	int bad = 0;
	const char *f = api_opt_str(r, v, "format", &bad);

	if (bad)
		return -1;
	if (f == NULL || strcmp(f, "json") == 0)
		return 1;
	if (strcmp(f, "text") == 0)
		return 0;
	req_error(r, 400, "unknown format '%.40s' (json or text)", f);
	return -1;
}

/*
 * The answer is one JSON object: doc_begin opens it in r->out with the
 * writer, doc_end closes it and ends the line.
 */
static void
doc_begin(struct sreq *r, struct chousa_jw *w)
{
	r->ctype = "application/json";
	chousa_jw_init(w, &r->out);
	chousa_jw_object(w);
}

static void
doc_end(struct chousa_jw *w)
{
	chousa_jw_object_end(w);
	chousa_buf_addch(w->b, '\n');
}

/* ---- the endpoints ---- */

static int
h_version(struct sreq *r)
{
	struct chousa_jw w;
	long spent = 0;

	if (!query_known(r, NULL, no_keys))
		return 0;

	/* What the caller's token may still spend online today. */
	if (r->who.name[0] != '\0' && chousa_store_token_spent(r->env.st,
	    r->who.name, (int64_t)time(NULL), &spent, NULL) != CHOUSA_OK)
		spent = 0;
	doc_begin(r, &w);
	chousa_jw_kstr(&w, "version", CHOUSA_VERSION);
	chousa_jw_kstr(&w, "api", "v1");
	chousa_jw_kstr(&w, "role", chousa_role_name(r->who.role));
	chousa_jw_kstr(&w, "token", r->who.name[0] ? r->who.name : NULL);
	chousa_jw_kint(&w, "online_budget", auth_budget(r->srv, &r->who));
	chousa_jw_kint(&w, "online_today", spent);
	doc_end(&w);
	return 0;
}

static int
h_lookup(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct jnode *v = NULL;
	const char **in;
	size_t n, i;
	struct lookup_tally t;
	int json, color, rc;

	if (r->method == M_POST) {
		v = body_object(r, lookup_keys);
		if (v == NULL)
			return 0;
	}
	if (!query_known(r, v, lookup_query))
		goto out;
	in = inputs_of(r, v, &n);
	json = in != NULL ? json_or_text(r, v) : -1;
	/* The text in ANSI colour, as the CLI prints it on a terminal. */
	color = json >= 0 ? api_opt_bool(r, v, "color", 0) : -1;
	if (in == NULL || json < 0 || color < 0)
		goto out;
	for (i = 0; i < n; i++)
		req_audit_input(r, in[i]);
	rc = op_lookup(&r->env, r->a, in, n, json, color, &r->out, &t,
	    &r->warn, &err);
	if (rc != CHOUSA_OK) {
		req_error_rc(r, &err, 400);
		goto out;
	}
	r->ctype = json ? "application/json" : "text/plain; charset=utf-8";
	r->exit_status = t.status;
	r->verdicts = op_lookup_verdicts(r->a, &t);
	r->asked = "store";
out:
	jt_free(v);
	return 0;
}

static int
h_sources(struct sreq *r)
{
	struct chousa_err err = { 0 };
	int json;

	if (!query_known(r, NULL, format_keys) || (json = json_or_text(r,
	    NULL)) < 0)
		return 0;
	if (op_sources(&r->env, r->a, json, &r->out, &r->warn, &err) !=
	    CHOUSA_OK) {
		req_error_rc(r, &err, 400);
		return 0;
	}
	r->ctype = json ? "application/json" : "text/plain; charset=utf-8";
	r->exit_status = 0;
	return 0;
}

/*
 * The text to extract from: a JSON body's "text", or the raw body with
 * the options in the query.
 */
static int
h_extract(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct extract_req x;
	struct jnode *v = NULL;
	const char *types, *f;
	int bad = 0;

	memset(&x, 0, sizeof(x));
	if (is_json_body(r)) {
		v = body_object(r, extract_keys);
		if (v == NULL)
			return 0;
	}
	if (!query_known(r, v, extract_query))
		goto out;
	if (v != NULL) {
		x.text = api_opt_text(r, v, "text", &x.len, &bad);
		if (bad)
			goto out;
		if (x.text == NULL) {
			req_error(r, 400, "'text' (a string) is needed");
			goto out;
		}
	} else {
		x.text = r->body.data;
		x.len = r->body.len;
	}
	types = api_opt_str(r, v, "types", &bad);
	f = bad ? NULL : api_opt_str(r, v, "format", &bad);
	if (bad)
		goto out;
	if (types != NULL && chousa_ioc_types_parse(types, &x.types, &err) !=
	    CHOUSA_OK) {
		req_error(r, 400, "%s", err.msg);
		goto out;
	}
	x.unique = api_opt_bool(r, v, "unique", 0);
	x.public_only = api_opt_bool(r, v, "public_only", 0);
	x.defang = api_opt_bool(r, v, "defang", 0);
	if (x.unique < 0 || x.public_only < 0 || x.defang < 0)
		goto out;
	if (f != NULL && strcmp(f, "json") != 0 && strcmp(f, "tsv") != 0) {
		req_error(r, 400, "unknown format '%.40s' (json or tsv)", f);
		goto out;
	}
	x.json = f == NULL || strcmp(f, "json") == 0;
	x.max_out = SERVE_MAX_INPUTS;
	if (op_extract(&x, &r->out, &err) != CHOUSA_OK) {
		req_error_rc(r, &err, 400);
		goto out;
	}
	r->ctype = x.json ? "application/x-ndjson" :
	    "text/tab-separated-values; charset=utf-8";
	r->exit_status = 0;
out:
	jt_free(v);
	return 0;
}

/* ---- investigate ---- */

const char *
api_ctype(const char *format)
{
	if (strcmp(format, "json") == 0)
		return "application/x-ndjson";
	if (strcmp(format, "csv") == 0)
		return "text/csv; charset=utf-8";
	if (strcmp(format, "html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(format, "md") == 0)
		return "text/markdown; charset=utf-8";
	if (strcmp(format, "stix") == 0 || strcmp(format, "misp") == 0)
		return "application/json";
	if (strcmp(format, "dot") == 0)
		return "text/vnd.graphviz; charset=utf-8";
	return "text/plain; charset=utf-8";
}

/* "malicious:2,unknown:1" over the summaries, for the audit log. */
const char *
api_verdicts(struct chousa_arena *a, const struct invjob *j)
{
	size_t count[4] = { 0, 0, 0, 0 }, bad = 0, i;

	if (j->sum == NULL)
		return NULL;
	for (i = 0; i < j->n_inputs; i++) {
		if (j->sum[i].value == NULL)
			bad++;
		else if (j->sum[i].verdict >= 0 && j->sum[i].verdict < 4)
			count[j->sum[i].verdict]++;
	}
	return op_verdict_counts(a, count, bad);
}

void
api_kept_said(struct sreq *r, const struct kept_meta *meta)
{
	r->verdicts = meta->verdicts;
	r->asked = meta->asked;
	r->kept = 1;
	r->kept_age = meta->age;
	/* HTTP's own word for an answer made before the request. */
	req_header_add(r, "Age", chousa_arena_printf(r->a, "%ld", meta->age));
}

/* r's status, audit and Age header, for the kept answer in its output. */
static void
answered_as_kept(struct sreq *r, const struct kept_meta *meta)
{
	r->exit_status = meta->exit_status;
	api_kept_said(r, meta);
}

/*
 * Lists have no table to hold their answers; a text's are its own; a
 * refresh or the online cache's answers are not the store's alone.
 */
int
api_keepable(const struct sreq *r, const struct invjob *j)
{
	return j->io.offline && !j->io.refresh && !j->io.cache_only &&
	    j->n_inputs == 1 && j->n_left == 0 && !j->from_text &&
	    r->srv->kept != NULL && r->env.st != NULL;
}

int
api_kept_find(struct sreq *r, struct invjob *j, const char *key,
    size_t key_len, struct chousa_buf *out, struct kept_meta *meta)
{
	if (kept_get(r->srv->kept, key, key_len, r->env.st, r->cfg_ref->gen,
	    r->a, out, meta)) {
		api_kept_said(r, meta);
		return 1;
	}
	/* Looked for again when its turn comes: one just ahead may keep it. */
	j->kept_key = key;
	j->kept_key_len = key_len;
	return 0;
}

/*
 * An offline investigation asked again by the same bytes: its answer as
 * kept (kept.c), when it still holds; 1 when r is answered.  Only a POST's
 * JSON body, which then holds every option (a query beside it is
 * refused), with the role that chose offline when the body did not.  A
 * body past KEPT_KEY_MAX is no key.
 */
static int
answer_kept(struct sreq *r, struct invjob *j)
{
	struct kept_meta meta;
	char *key;

	if (r->method != M_POST || !api_keepable(r, j) ||
	    r->body.len > KEPT_KEY_MAX)
		return 0;
	key = chousa_arena_alloc(r->a, r->body.len + 2);
	if (key == NULL)
		return 0;
	key[0] = (char)('0' + r->who.role);
	key[1] = '\x1f';
	memcpy(key + 2, r->body.data, r->body.len);
	if (!api_kept_find(r, j, key, r->body.len + 2, &r->out, &meta))
		return 0;
	r->exit_status = meta.exit_status;
	return 1;
}

/*
 * j's answer kept for the same request, when it is one to keep: by the
 * thread that ran it, before its request is resumed, so that the same
 * request next in the queue finds it (worker.c).
 */
void
api_keep_answer(struct invjob *j, struct kept *k)
{
	struct chousa_buf form;
	struct kept_put p;

	if (j->kept_key == NULL || j->rc != CHOUSA_OK || !j->marked ||
	    j->spooled > 0 || j->warn.n > 0)
		return;
	memset(&p, 0, sizeof(p));
	p.bytes = j->out.data;
	p.len = j->out.len;
	chousa_buf_init(&form, SERVE_MAX_OUTPUT);
	if (j->kept_form != NULL) {
		if (!j->kept_form(j, j->kept_arg, &form) ||
		    form.failed != CHOUSA_OK) {
			chousa_buf_release(&form);
			return;
		}
		p.bytes = form.data;
		p.len = form.len;
	}
	p.verdicts = api_verdicts(j->a, j);
	p.asked = j->asked[0] ? j->asked : "store";
	p.exit_status = j->exit_status;
	p.mark = j->mark;
	p.cfg_gen = j->cfg_gen;
	p.at = j->began;
	if (p.verdicts != NULL)
		kept_put(k, j->kept_key, j->kept_key_len, &p);
	chousa_buf_release(&form);
}

static int
finish_investigate(struct sreq *r)
{
	struct invjob *j = r->job;

	if (j->rc != CHOUSA_OK) {
		req_error_rc(r, &j->err, 400);
		return 0;
	}
	chousa_buf_release(&r->out);
	r->out = j->out;
	chousa_buf_init(&j->out, SERVE_MAX_OUTPUT);
	if (j->from_kept) {
		answered_as_kept(r, &j->kept);
		return 0;
	}
	r->spool_fd = j->spool_fd;
	r->spool_len = j->spooled;
	j->spooled = 0;
	r->exit_status = j->exit_status;
	warn_add_all(&r->warn, r->a, &j->warn);
	r->verdicts = api_verdicts(r->a, j);
	r->asked = j->asked[0] ? chousa_arena_strdup(r->a, j->asked) :
	    "store";
	return 0;
}

/*
 * Fill j from the request (JSON body or query): the inputs, the options
 * of `chousa investigate`, and what the role allows.  0 with a 4xx set
 * when it cannot.
 */
int
api_investigate_job(struct sreq *r, void *body, struct invjob *j,
    const char *default_format)
{
	struct jnode *v = body;
	const char *format, *sources, *at, *text, *tlp;
	int bad = 0, offline, refresh, cache_only, no_defang;
	size_t i, text_len = 0;

	memset(j, 0, sizeof(*j));
	j->a = r->a;
	chousa_buf_init(&j->out, SERVE_MAX_OUTPUT);
	/* Whole, NULs kept, as investigate --extract reads a file. */
	if (v != NULL)
		text = api_opt_text(r, v, "text", &text_len, &bad);
	else if ((text = req_arg(r, "text")) != NULL)
		text_len = strlen(text);
	if (bad)
		return 0;
	if (text != NULL && (v != NULL ? jt_get(v, "indicator") != NULL ||
	    jt_get(v, "indicators") != NULL : req_arg(r, "indicator") !=
	    NULL)) {
		req_error(r, 400, "give 'text' or the indicators, not both");
		return 0;
	}
	if (text != NULL) {
		struct chousa_err err = { 0 };
		int all = api_opt_bool(r, v, "all", 0);

		if (all < 0)
			return 0;
		/* As investigate --extract, with each input's context. */
		if (op_extract_inputs(j, text, text_len, all, &err) !=
		    CHOUSA_OK) {
			req_error_rc(r, &err, 400);
			return 0;
		}
		if (j->n_inputs + j->n_left == 0) {
			req_error(r, 400, "no indicator in the text");
			return 0;
		}
	} else {
		j->inputs = inputs_of(r, v, &j->n_inputs);
		if (j->inputs == NULL)
			return 0;
	}
	for (i = 0; i < j->n_inputs; i++)
		req_audit_input(r, j->inputs[i]);
	format = api_opt_str(r, v, "format", &bad);
	if (bad)
		return 0;
	if (format == NULL)
		format = default_format;
	j->renderer = chousa_renderer_find(format);
	if (j->renderer == NULL) {
		req_error(r, 400, "unknown format '%.40s'", format);
		return 0;
	}
	r->ctype = api_ctype(format);
	/* -1: not given (an error is -2). */
	offline = api_opt_bool(r, v, "offline", -1);
	if (offline == -2)
		return 0;
	refresh = api_opt_bool(r, v, "refresh", 0);
	cache_only = refresh < 0 ? 0 : api_opt_bool(r, v, "cache_only", 0);
	if (cache_only < 0)
		return 0;
	/* As investigate --cache-only: no connection, nothing to refresh. */
	if (cache_only && (offline != -1 || refresh > 0)) {
		req_error(r, 400, "'cache_only' reads the online cache without "
		    "a connection: not with '%s'", refresh > 0 ? "refresh" :
		    "offline");
		return 0;
	}
	/*
	 * A read token reads the store only: offline unless it may spend.
	 * The cache alone spends nothing, so any role may read it.
	 */
	if (offline == -1)
		offline = cache_only || r->who.role < CHOUSA_ROLE_INVESTIGATE;
	j->io.exhaustive = api_opt_bool(r, v, "exhaustive", 0);
	no_defang = api_opt_bool(r, v, "no_defang", 0);
	j->ro.color = api_opt_bool(r, v, "color", 0);
	j->ro.verbose = api_opt_bool(r, v, "verbose", 0);
	j->brief = api_opt_bool(r, v, "brief", 0);
	if (offline < 0 || refresh < 0 || j->io.exhaustive < 0 ||
	    no_defang < 0 || j->ro.color < 0 || j->ro.verbose < 0 ||
	    j->brief < 0)
		return 0;
	j->ro.defang = !no_defang;
	j->ro.width = (int)api_opt_int(r, v, "width", 0, 1000, 0, &bad);
	tlp = bad ? NULL : api_opt_str(r, v, "tlp", &bad);
	if (bad)
		return 0;
	if (tlp != NULL)
		j->ro.tlp = chousa_tlp_level(tlp);
	if (tlp != NULL && j->ro.tlp == NULL) {
		req_error(r, 400, "unknown TLP level '%.40s' (clear, green, "
		    "amber, amber+strict or red)", tlp);
		return 0;
	}
	/* Said for both readers: the API's field and the CLI's option. */
	if (refresh && r->who.role < CHOUSA_ROLE_INVESTIGATE) {
		req_error(r, 403, "role '%s' reads the store only: 'refresh' "
		    "(--refresh) asks the online services again; leave it out, "
		    "or ask with a token of role investigate",
		    chousa_role_name(r->who.role));
		return 0;
	}
	if (!offline && r->who.role < CHOUSA_ROLE_INVESTIGATE) {
		req_error(r, 403, "role '%s' reads the store only: ask offline "
		    "('offline': true, --offline), or with a token of role "
		    "investigate", chousa_role_name(r->who.role));
		return 0;
	}
	j->io.offline = offline;
	j->io.refresh = refresh;
	j->io.cache_only = cache_only;
	j->io.depth = (int)api_opt_int(r, v, "depth", 0, 5, 2, &bad);
	if (!bad && j->io.depth == 0)
		j->io.depth = -1;
	if (!bad)
		j->io.max_samples = (int)api_opt_int(r, v, "max_samples", 1, 100,
		    0, &bad);
	if (!bad)
		j->io.budget = (int)api_opt_int(r, v, "budget", 1, 100000, 0,
		    &bad);
	sources = bad ? NULL : api_opt_str(r, v, "sources", &bad);
	at = bad ? NULL : api_opt_str(r, v, "at", &bad);
	if (bad)
		return 0;
	if (sources != NULL) {
		if (strlen(sources) >= sizeof(j->sources)) {
			req_error(r, 400, "'sources' is too long");
			return 0;
		}
		memcpy(j->sources, sources, strlen(sources) + 1);
	}
	if (at != NULL && chousa_time_parse(at, strlen(at), &j->io.at) !=
	    CHOUSA_OK) {
		req_error(r, 400, "cannot read 'at' as a time");
		return 0;
	}
	return 1;
}

static int
h_investigate(struct sreq *r)
{
	struct invjob *j = chousa_arena_alloc(r->a, sizeof(*j));
	struct jnode *v = NULL;
	int ok;

	if (j == NULL)
		return req_error(r, 500, "out of memory");
	if (r->method == M_POST) {
		v = body_object(r, investigate_keys);
		if (v == NULL)
			return 0;
	}
	ok = query_known(r, v, investigate_query) &&
	    api_investigate_job(r, v, j, "json");
	jt_free(v);
	if (!ok)
		return 0;
	if (answer_kept(r, j))
		return 0;
	j->spool = 1;
	return req_submit(r, j, finish_investigate);
}

/* ---- administration ---- */

static const char *const list_keys[] = { "format", "unused_for", "state",
	NULL };

static int
h_tokens_list(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_token *t;
	size_t n;
	const char *format = req_arg(r, "format");
	const char *unused = req_arg(r, "unused_for");
	const char *state = req_arg(r, "state");
	long unused_for = unused != NULL ? chousa_duration_parse(unused) : 0;
	unsigned states = 0;

	if (!req_known_args(r, list_keys))
		return 0;
	if (state != NULL && chousa_token_states_parse(state, &states, &err) !=
	    CHOUSA_OK)
		return req_error(r, 400, "%s", err.msg);
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "text") != 0)
		return req_error(r, 400, "unknown format '%.40s' (json or "
		    "text)", format);
	if (unused_for < 0)
		return req_error(r, 400, "bad unused_for '%.40s': a duration "
		    "such as 90s, 30m, 12h or 90d", unused);
	if (uses_tokens(r->srv->uses, r->env.st, r->a, unused != NULL ?
	    unused_for : -1, &t, &n, &err) != CHOUSA_OK)
		return req_error_rc(r, &err, 400);
	if (state != NULL)
		n = chousa_token_in_states(t, n, (int64_t)time(NULL), states);
	r->exit_status = CHOUSA_EXIT_CLEAN;
	if (format != NULL && strcmp(format, "text") == 0) {
		r->ctype = "text/plain; charset=utf-8";
		chousa_token_list_text(&r->out, t, n, (int64_t)time(NULL));
		return 0;
	}
	r->ctype = "application/json";
	chousa_token_list_json(&r->out, t, n);
	return 0;
}

/*
 * A new token answered to the CLI (cli=1): its line, and what is said of
 * it (said, released) unless quiet=1, as the local command prints them.
 */
static void
token_for_cli(struct sreq *r, char token[CHOUSA_TOKEN_SIZE + 1],
    struct chousa_buf *said)
{
	const char *quiet = req_arg(r, "quiet");

	r->ctype = "text/plain; charset=utf-8";
	chousa_buf_addf(&r->out, "%s\n", token);
	explicit_bzero(token, CHOUSA_TOKEN_SIZE + 1);
	if (quiet == NULL || strcmp(quiet, "1") != 0)
		warn_add(&r->warn, r->a, r->out.len, r->out.len,
		    said->data != NULL ? said->data : "");
	chousa_buf_release(said);
}

/* For the CLI: what it says of a revoke or readmit, unless quiet=1. */
static int
ended_for_cli(struct sreq *r, const char *name, int readmitted)
{
	const char *quiet = req_arg(r, "quiet");
	struct chousa_buf said;

	if (quiet != NULL && strcmp(quiet, "1") == 0)
		return 0;
	chousa_buf_init(&said, 0);
	chousa_token_ended_text(&said, name, readmitted);
	warn_add(&r->warn, r->a, r->out.len, r->out.len, said.data != NULL ?
	    said.data : "");
	chousa_buf_release(&said);
	return 0;
}

static int
h_tokens_create(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	char allowed[CHOUSA_TOKEN_ALLOW_MAX + 1];
	struct chousa_jw w;
	const char *name, *role, *expires, *from, *note;
	struct jnode *v = body_object(r, token_keys);
	int bad = 0, rl, rc;
	long lifetime = 0, budget;
	int64_t ends;

	if (v == NULL)
		return 0;
	name = api_opt_str(r, v, "name", &bad);
	role = bad ? NULL : api_opt_str(r, v, "role", &bad);
	expires = bad ? NULL : api_opt_str(r, v, "expires", &bad);
	budget = bad ? -1 : api_opt_int(r, v, "online_budget", 0,
	    CHOUSA_BUDGET_MAX, -1, &bad);
	from = bad ? NULL : api_opt_str(r, v, "allow_from", &bad);
	note = bad ? NULL : api_opt_str(r, v, "note", &bad);
	jt_free(v);
	if (bad)
		return 0;
	rl = chousa_role_parse(role);
	if (name != NULL)
		req_audit_input(r, name);	/* the token acted on */
	if (name == NULL || rl == CHOUSA_ROLE_NONE)
		return req_error(r, 400, "'name' and 'role' (read, investigate "
		    "or admin) are needed");
	if (expires != NULL && (lifetime = chousa_duration_parse(expires)) < 0)
		return req_error(r, 400, "'expires' must be a duration such as "
		    "90s, 30m, 12h or 90d");
	rc = chousa_token_create(r->env.st, name, rl, lifetime, budget, from,
	    note, token, &ends, &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc == CHOUSA_EEXIST) {
		/* Bad input, as the CLI says it: not a usage error. */
		r->exit_status = chousa_exit_for_rc(rc);
		return req_error(r, 409, "%s", err.msg);
	}
	if (rc != CHOUSA_OK)
		return req_error_rc(r, &err, 404);
	r->status = 201;
	r->exit_status = CHOUSA_EXIT_CLEAN;
	if (req_for_cli(r)) {
		chousa_buf_init(&said, 0);
		chousa_token_created_text(&said, name, rl, ends, from);
		token_for_cli(r, token, &said);
		return 0;
	}
	doc_begin(r, &w);
	chousa_jw_kstr(&w, "name", name);
	chousa_jw_kstr(&w, "role", chousa_role_name(rl));
	chousa_jw_key(&w, "expires_at");
	if (ends != 0)
		chousa_jw_time(&w, ends);
	else
		chousa_jw_null(&w);
	auth_budget_json(&w, budget);
	if (auth_allow_normal(from, allowed, &err) == CHOUSA_OK)
		auth_allow_json(&w, allowed);
	auth_note_json(&w, note);
	chousa_jw_kstr(&w, "token", token);
	doc_end(&w);
	explicit_bzero(token, sizeof(token));
	return 0;
}

static const char *const rotate_keys[] = { "grace", "expires", NULL };

/* A duration member of v in *secs (left when absent); 0 and a 400 if bad. */
static int
duration_member(struct sreq *r, struct jnode *v, const char *key,
    long *secs, int *bad)
{
	const char *d = api_opt_str(r, v, key, bad);

	if (*bad)
		return 0;
	if (d != NULL && (*secs = strcmp(key, "grace") == 0 ?
	    chousa_duration_parse_or_zero(d) : chousa_duration_parse(d)) < 0) {
		*bad = 1;
		req_error(r, 400, "'%s' must be a duration such as 90s, 30m, "
		    "12h or 90d", key);
		return 0;
	}
	return 1;
}

/*
 * POST /api/v1/tokens/NAME/rotate {"grace": "1h", "expires": "90d"}: a
 * new token for NAME (chousa_token_rotate); the one before works for the
 * grace (default 1 hour; "0": revoked at once).
 */
static int
h_tokens_rotate(struct sreq *r, const char *name)
{
	struct chousa_err err = { 0 };
	struct chousa_token_rotation rot;
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	struct jnode *v = body_object(r, rotate_keys);
	struct chousa_jw w;
	long grace = CHOUSA_TOKEN_GRACE, lifetime = 0;
	int bad = 0, rc;

	r->what = "rotate tokens";
	req_audit_input(r, name);
	if (v == NULL)
		return 0;
	duration_member(r, v, "grace", &grace, &bad);
	if (!bad)
		duration_member(r, v, "expires", &lifetime, &bad);
	jt_free(v);
	if (bad)
		return 0;
	rc = chousa_token_rotate(r->env.st, name, lifetime, grace, token, &rot,
	    &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return req_error_rc(r, &err, 404);
	r->status = 201;
	r->exit_status = CHOUSA_EXIT_CLEAN;
	if (req_for_cli(r)) {
		chousa_buf_init(&said, 0);
		chousa_token_rotated_text(&said, name, &rot);
		token_for_cli(r, token, &said);
		return 0;
	}
	doc_begin(r, &w);
	chousa_jw_kstr(&w, "name", name);
	chousa_jw_kstr(&w, "role", rot.role);
	chousa_jw_key(&w, "expires_at");
	if (rot.expires_at != 0)
		chousa_jw_time(&w, rot.expires_at);
	else
		chousa_jw_null(&w);
	auth_budget_json(&w, rot.online_budget);
	chousa_jw_key(&w, "before_until");
	if (rot.before_until != 0)
		chousa_jw_time(&w, rot.before_until);
	else
		chousa_jw_null(&w);
	chousa_jw_kstr(&w, "token", token);
	doc_end(&w);
	explicit_bzero(token, sizeof(token));
	return 0;
}

/*
 * DELETE /api/v1/tokens/NAME (revoke: every token of the name) or POST
 * /api/v1/tokens/NAME/readmit (a user the single sign-on proxy signs in,
 * revoked, let in again: chousa_store_token_readmit).
 */
static int
tokens_end(struct sreq *r, const char *name, int readmit)
{
	struct chousa_err err = { 0 };
	struct chousa_jw w;
	int rc;

	if (readmit)
		r->what = "readmit users";
	req_audit_input(r, name);
	rc = readmit ? chousa_store_token_readmit(r->env.st, name, &err) :
	    chousa_store_token_revoke(r->env.st, name, &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return req_error_rc(r, &err, 404);
	r->exit_status = CHOUSA_EXIT_CLEAN;
	if (req_for_cli(r))
		return ended_for_cli(r, name, readmit);
	doc_begin(r, &w);
	chousa_jw_kstr(&w, readmit ? "readmitted" : "revoked", name);
	doc_end(&w);
	return 0;
}

static int
h_tokens_readmit(struct sreq *r, const char *name)
{
	return tokens_end(r, name, 1);
}

/*
 * A request to /api/v1/tokens/NAME... refused before its handler runs (a
 * role too low): what it asked, from its path alone, and the token it
 * named as its input, as the handler would have audited them.  The body
 * is not read then: a POST to NAME itself is "change tokens".
 */
void
api_tokens_refused(struct sreq *r)
{
	const char *name, *slash;
	char *own;

	if (r->path == NULL || strncmp(r->path, "/api/v1/tokens/",
	    strlen("/api/v1/tokens/")) != 0)
		return;
	name = r->path + strlen("/api/v1/tokens/");
	slash = strchr(name, '/');
	if (r->method == M_DELETE)
		r->what = "revoke tokens";
	else if (slash != NULL && strcmp(slash, "/rotate") == 0)
		r->what = "rotate tokens";
	else if (slash != NULL && strcmp(slash, "/readmit") == 0)
		r->what = "readmit users";
	else
		r->what = "change tokens";
	if (slash != NULL && r->method != M_DELETE &&
	    (strcmp(slash, "/rotate") == 0 || strcmp(slash, "/readmit") == 0))
		own = chousa_arena_strndup(r->a, name, (size_t)(slash - name));
	else
		own = chousa_arena_strdup(r->a, name);
	if (own != NULL && own[0] != '\0')
		req_audit_input(r, own);
}

static const char *const budget_keys[] = { "online_budget", "allow_from",
	"note", NULL };

/*
 * POST /api/v1/tokens/NAME {"online_budget": N or null, "allow_from":
 * "10.0.0.0/8" or "any", "note": "text" or null}, any of them; and
 * POST /api/v1/tokens/NAME/rotate or /readmit, when NAME could be a
 * token's name: any other NAME/rotate is a name, not found as here.
 */
static int
h_tokens_post(struct sreq *r)
{
	struct chousa_err err = { 0 };
	const char *name = r->path + strlen("/api/v1/tokens/");
	const char *slash = strchr(name, '/');
	struct jnode *v;
	struct chousa_jw w;
	char allowed[CHOUSA_TOKEN_ALLOW_MAX + 1];
	const char *from, *note;
	int bad = 0, rc, has_budget, has_from, has_note;
	long budget;

	if (slash != NULL && (strcmp(slash, "/rotate") == 0 ||
	    strcmp(slash, "/readmit") == 0) && slash > name &&
	    strspn(name, TOKEN_NAME_CHARS) == (size_t)(slash - name)) {
		name = chousa_arena_strndup(r->a, name, (size_t)(slash -
		    name));
		if (name == NULL)
			return req_error(r, 500, "out of memory");
		return strcmp(slash, "/rotate") == 0 ? h_tokens_rotate(r,
		    name) : h_tokens_readmit(r, name);
	}
	req_audit_input(r, name);
	v = body_object(r, budget_keys);
	if (v == NULL)
		return 0;
	has_budget = jt_get(v, "online_budget") != NULL;
	has_from = jt_get(v, "allow_from") != NULL;
	has_note = jt_get(v, "note") != NULL;
	r->what = has_budget + has_from + has_note > 1 ? "change tokens" :
	    has_from ? "set a token's addresses" : has_note ?
	    "set a token's note" : "set a token's budget";
	if (!has_budget && !has_from && !has_note) {
		jt_free(v);
		return req_error(r, 400, "'online_budget' (a number of online "
		    "requests a day, 0: no limit, or null for the server's "
		    "[server] online_budget), 'allow_from' (addresses and "
		    "CIDR ranges, or \"any\") or 'note' (text, or null for "
		    "none) is needed");
	}
	budget = api_opt_int(r, v, "online_budget", 0, CHOUSA_BUDGET_MAX, -1,
	    &bad);
	from = bad ? NULL : api_opt_str(r, v, "allow_from", &bad);
	note = bad ? NULL : api_opt_str(r, v, "note", &bad);
	jt_free(v);
	if (bad)
		return 0;
	if (has_from && from == NULL)
		return req_error(r, 400, "'allow_from' must be a string: "
		    "addresses and CIDR ranges, or \"any\"");
	/* What may be refused first: the addresses, then the note. */
	rc = has_from ? auth_allow_normal(from, allowed, &err) : CHOUSA_OK;
	if (rc == CHOUSA_OK && has_note)
		rc = chousa_token_set_note(r->env.st, name, note, &err);
	if (rc == CHOUSA_OK && has_from)
		rc = chousa_token_set_allow(r->env.st, name, allowed, &err);
	if (rc == CHOUSA_OK && has_budget)
		rc = chousa_store_token_set_budget(r->env.st, name, budget,
		    &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return req_error_rc(r, &err, 404);
	r->exit_status = CHOUSA_EXIT_CLEAN;
	if (req_for_cli(r))
		return 0;
	doc_begin(r, &w);
	chousa_jw_kstr(&w, "name", name);
	if (has_budget)
		auth_budget_json(&w, budget);
	if (has_from)
		auth_allow_json(&w, allowed);
	if (has_note)
		auth_note_json(&w, note);
	doc_end(&w);
	return 0;
}

static int
h_tokens_revoke(struct sreq *r)
{
	return tokens_end(r, r->path + strlen("/api/v1/tokens/"), 0);
}

static int
h_update_status(struct sreq *r)
{
	struct chousa_jw w;

	doc_begin(r, &w);
	if (r->srv->updater != NULL)
		updater_json(r->srv->updater, &w);
	else
		chousa_jw_kbool(&w, "scheduled", 0);
	doc_end(&w);
	return 0;
}

/* An update asked for with wait=1: its end awaited on a thread. */
struct update_wait {
	uint64_t		after;		/* runs ended before it */
	int			stop;		/* the request or server ends */
	int			ended;
	int			json;		/* its stdout too (--json) */
	int			quiet;		/* its warnings only (-q) */
	struct update_report	rep;
};

static void
update_wait_run(struct sreq *r)
{
	struct update_wait *w = r->stream;

	w->ended = updater_wait(r->srv->updater, w->after, &w->stop, r->a,
	    &w->rep);
}

static void
update_wait_abort(struct sreq *r)
{
	struct update_wait *w = r->stream;

	__atomic_store_n(&w->stop, 1, __ATOMIC_RELAXED);
}

/* What the run said on stderr: all of it, or (quiet) its warnings. */
static const char *
update_said(struct sreq *r, const struct update_wait *w)
{
	struct chousa_buf b;
	const char *p = w->rep.said, *kept;
	size_t len;

	if (!w->quiet)
		return p;
	chousa_buf_init(&b, 0);
	for (; *p != '\0'; p += len + (p[len] == '\n')) {
		len = strcspn(p, "\n");
		if (strncmp(p, "chousa: ", 8) == 0) {
			chousa_buf_add(&b, p, len);
			chousa_buf_addch(&b, '\n');
		}
	}
	kept = chousa_arena_strdup(r->a, b.data != NULL ? b.data : "");
	chousa_buf_release(&b);
	return kept;
}

/*
 * The run's end: for the CLI (cli=1) what `chousa update` printed on the
 * server, its stdout (with format=json) and its stderr as it was said;
 * for others a JSON object of both and its exit status.
 */
static int
update_wait_finish(struct sreq *r)
{
	struct update_wait *w = r->stream;
	int status = w->rep.status;
	struct chousa_jw jw;

	if (!w->ended) {
		req_header_add(r, "Retry-After", "5");
		return req_error(r, 503, "the server is stopping");
	}
	/* The child's own status, unless it never ran as chousa update. */
	if (status < 0 || (status > CHOUSA_EXIT_BUSY &&
	    status != CHOUSA_EXIT_INTERRUPTED))
		status = CHOUSA_EXIT_INTERNAL;
	r->exit_status = status;
	r->verdicts = chousa_arena_printf(r->a, "exit:%d", w->rep.status);
	if (req_for_cli(r)) {
		if (w->json)
			chousa_buf_adds(&r->out, w->rep.out);
		r->ctype = "application/json";
		warn_add_said(&r->warn, r->a, r->out.len, update_said(r, w));
		return 0;
	}
	doc_begin(r, &jw);
	chousa_jw_kint(&jw, "exit_status", status);
	chousa_jw_kstr(&jw, "output", w->rep.out);
	chousa_jw_kstr(&jw, "said", update_said(r, w));
	updater_json(r->srv->updater, &jw);
	doc_end(&jw);
	return 0;
}

static const char *const update_keys[] = {
	"wait", "format", "quiet", NULL
};

static int
h_update_start(struct sreq *r)
{
	struct update_wait *w;
	const char *format;
	int bad = 0, wait, quiet;

	if (!req_known_args(r, update_keys))
		return 0;
	format = api_opt_str(r, NULL, "format", &bad);
	wait = api_opt_bool(r, NULL, "wait", 0);
	quiet = wait < 0 ? -1 : api_opt_bool(r, NULL, "quiet", 0);
	if (quiet < 0)
		return 0;
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "text") != 0)
		return req_error(r, 400, "unknown format '%.40s' (json or "
		    "text)", format);
	if (r->srv->updater == NULL)
		return req_error(r, 409, "this server runs no updates");
	if (!wait) {
		if (!updater_kick(r->srv->updater))
			return req_error(r, 409, "an update is already "
			    "running");
		r->status = 202;
		return h_update_status(r);
	}
	/* Waited for: one running already is the one answered. */
	w = chousa_arena_alloc(r->a, sizeof(*w));
	if (w == NULL)
		return req_error(r, 500, "out of memory");
	memset(w, 0, sizeof(*w));
	w->json = format != NULL && strcmp(format, "json") == 0;
	w->quiet = quiet;
	w->after = updater_ask(r->srv->updater);
	r->stream = w;
	if (req_background(r, update_wait_run, update_wait_finish,
	    update_wait_abort) == ROUTE_PENDING)
		return ROUTE_PENDING;
	r->stream = NULL;
	return 0;
}

const struct route api_routes[] = {
	{ "/api/v1/version", M_GET, CHOUSA_ROLE_READ, 0, 0, h_version,
	    "version" },
	{ "/api/v1/lookup", M_GET | M_POST, CHOUSA_ROLE_READ,
	    SERVE_MAX_JSON_BODY, 0, h_lookup, "lookup" },
	{ "/api/v1/extract", M_POST, CHOUSA_ROLE_READ, SERVE_MAX_TEXT_BODY,
	    ROUTE_TEXT, h_extract, "extract" },
	{ "/api/v1/sources", M_GET, CHOUSA_ROLE_READ, 0, 0, h_sources,
	    "sources" },
	{ "/api/v1/investigate", M_GET | M_POST, CHOUSA_ROLE_READ,
	    SERVE_MAX_TEXT_BODY, 0, h_investigate, "investigate" },
	{ "/api/v1/sweep", M_POST, CHOUSA_ROLE_READ, 0, ROUTE_STREAM,
	    api_sweep, "sweep" },
	{ "/api/v1/export", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_FILE, api_export,
	    "export" },
	{ "/api/v1/tokens", M_GET, CHOUSA_ROLE_ADMIN, 0, 0, h_tokens_list,
	    "list tokens" },
	{ "/api/v1/tokens", M_POST, CHOUSA_ROLE_ADMIN, SERVE_MAX_JSON_BODY, 0,
	    h_tokens_create, "create tokens" },
	/* Before /api/v1/tokens/NAME, whose NAME would take them. */
	{ "/api/v1/tokens/*/rotate", M_POST, CHOUSA_ROLE_ADMIN,
	    SERVE_MAX_JSON_BODY, 0, h_tokens_post, "rotate tokens" },
	{ "/api/v1/tokens/*/readmit", M_POST, CHOUSA_ROLE_ADMIN,
	    SERVE_MAX_JSON_BODY, 0, h_tokens_post, "readmit users" },
	{ "/api/v1/tokens/*", M_POST, CHOUSA_ROLE_ADMIN, SERVE_MAX_JSON_BODY,
	    0, h_tokens_post, "change tokens" },
	{ "/api/v1/tokens/*", M_DELETE, CHOUSA_ROLE_ADMIN, 0, 0,
	    h_tokens_revoke, "revoke tokens" },
	{ "/api/v1/audit", M_GET, CHOUSA_ROLE_ADMIN, 0, 0, api_audit,
	    "audit" },
	{ "/api/v1/import", M_POST, CHOUSA_ROLE_ADMIN, 0,
	    ROUTE_STREAM | ROUTE_IMPORT, api_import, "import" },
	{ "/api/v1/update", M_GET, CHOUSA_ROLE_READ, 0, 0, h_update_status,
	    "update status" },
	{ "/api/v1/update", M_POST, CHOUSA_ROLE_ADMIN, 0, 0, h_update_start,
	    "update" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
