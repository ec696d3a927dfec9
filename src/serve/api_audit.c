/*
 * api_audit.c: GET /api/v1/audit, for an admin: who asked about an
 * indicator, what a token did, which requests were refused, read back
 * from the audit log newest first (chousa_audit_search).  A log of some
 * hundred megabytes takes seconds to read, so the search runs on a thread
 * of its own (req_background), never on an HTTP thread.
 */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

/* The answer is at most limit lines of the log: room for the largest. */
#define AUDIT_ANSWER_MAX	((size_t)256 << 20)

struct ajob {
	struct chousa_audit_query q;
	const char		*path;
	int			 text;
	/* The web page's answer, or NULL for the API's. */
	void			(*page)(struct sreq *r, const char *lines,
				    size_t len,
				    const struct chousa_audit_stats *st);
	struct chousa_buf	 out;
	struct chousa_audit_stats st;
	int			 rc;
	struct chousa_err	 err;
};

static const char *const audit_keys[] = {
	"indicator", "who", "token_id", "peer", "what", "since", "refused",
	"limit", "format", NULL
};

static void
audit_run(struct sreq *r)
{
	struct ajob *j = r->stream;

	j->rc = chousa_audit_search(j->path, &j->q, &j->out, &j->st, &j->err);
}

static int
audit_finish(struct sreq *r)
{
	struct ajob *j = r->stream;

	char warning[4200];

	r->stream = NULL;
	if (j->rc != CHOUSA_OK) {
		req_error(r, j->rc == CHOUSA_EINVAL ? 400 : 500, "%s",
		    j->err.msg);
		chousa_buf_release(&j->out);
		return 0;
	}
	/* Said as the local command says it, before the entries. */
	if (chousa_audit_warning(&j->st, j->path, warning, sizeof(warning)) !=
	    NULL)
		warn_add(&r->warn, r->a, 0, 0, warning);
	if (j->page != NULL)
		j->page(r, j->out.data, j->out.len, &j->st);
	else if (j->text) {
		r->ctype = "text/plain; charset=utf-8";
		if (chousa_audit_text(&r->out, j->out.data, j->out.len,
		    &j->err) != CHOUSA_OK)
			req_error(r, 500, "%s", j->err.msg);
	} else {
		r->ctype = api_ctype("json");
		chousa_buf_add(&r->out, j->out.data, j->out.len);
		chousa_audit_summary_json(&r->out, &j->st);
	}
	r->exit_status = j->st.shown > 0 ? CHOUSA_EXIT_FOUND :
	    CHOUSA_EXIT_CLEAN;
	r->verdicts = chousa_arena_printf(r->a, "entries:%llu",
	    (unsigned long long)j->st.shown);
	chousa_buf_release(&j->out);
	return 0;
}

/* "" (an empty field of a form) is no value. */
static const char *
opt_str(struct sreq *r, const char *key, int *bad)
{
	const char *v = *bad ? NULL : api_opt_str(r, NULL, key, bad);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The query, as chousa audit takes its options: 0 with a 400 set. */
static int
audit_options(struct sreq *r, struct ajob *j)
{
	const char *since, *format;
	int bad = 0, refused;

	if (!req_known_args(r, audit_keys))
		return 0;
	if (audit_files(server_audit(r->srv), r->a, &j->path) != CHOUSA_OK)
		return req_error(r, 500, "out of memory"), 0;
	if (j->path == NULL)
		return req_error(r, 404, "this server keeps no audit log: "
		    "start it with --audit-log FILE"), 0;
	j->q.indicator = opt_str(r, "indicator", &bad);
	j->q.who = opt_str(r, "who", &bad);
	j->q.peer = opt_str(r, "peer", &bad);
	/*
	 * An empty field of the web page's form: any token.  LONG_MAX is out
	 * of range, as strtol makes every larger number.
	 */
	j->q.token_id = bad || opt_str(r, "token_id", &bad) == NULL ? 0 :
	    api_opt_int(r, NULL, "token_id", 1, LONG_MAX - 1, 0, &bad);
	j->q.what = opt_str(r, "what", &bad);
	since = opt_str(r, "since", &bad);
	format = opt_str(r, "format", &bad);
	j->q.limit = bad ? 0 : (size_t)api_opt_int(r, NULL, "limit", 1,
	    CHOUSA_AUDIT_LIMIT_MAX, CHOUSA_AUDIT_LIMIT, &bad);
	/* An unticked box of the web page's form sends nothing, or "". */
	refused = opt_str(r, "refused", &bad) == NULL || bad ? 0 :
	    api_opt_bool(r, NULL, "refused", 0);
	if (bad || refused < 0)
		return 0;
	j->q.refused = refused;
	if (since != NULL && !chousa_audit_since(since, (int64_t)time(NULL),
	    &j->q.since))
		return req_error(r, 400, "'since' takes "
		    CHOUSA_AUDIT_SINCE_HELP ", not '%.40s'", since), 0;
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "text") != 0)
		return req_error(r, 400, "unknown format '%.40s' (json or "
		    "text)", format), 0;
	j->text = format != NULL && strcmp(format, "text") == 0;
	/* One that is no indicator: the search's 400. */
	if (j->q.indicator != NULL)
		req_audit_input(r, j->q.indicator);
	return 1;
}

int
audit_search_page(struct sreq *r, void (*page)(struct sreq *r,
    const char *lines, size_t len, const struct chousa_audit_stats *st))
{
	struct ajob *j = chousa_arena_alloc(r->a, sizeof(*j));

	if (j == NULL)
		return req_error(r, 500, "out of memory");
	memset(j, 0, sizeof(*j));
	if (!audit_options(r, j))
		return 0;
	j->page = page;
	chousa_buf_init(&j->out, AUDIT_ANSWER_MAX);
	r->stream = j;
	if (req_background(r, audit_run, audit_finish, NULL) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	r->stream = NULL;
	return 0;
}

int
api_audit(struct sreq *r)
{
	return audit_search_page(r, NULL);
}
