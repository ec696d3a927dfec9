/*
 * sweep.c: POST /api/v1/sweep, a log (or capture) uploaded as the body and
 * swept against the store as it arrives, never stored: the same hits, the
 * same summary line and the same exit status as `chousa sweep - < log`.
 *
 * The body goes from the HTTP thread through a bounded queue to a sweep
 * on a thread of its own (req_background).  A full queue suspends the
 * connection until the sweep has read half of it, so a client faster than
 * the sweep waits for it, and an HTTP thread never blocks.  The matcher is
 * built from the store once, shared by every sweep, and built again when
 * an import has changed the store since.
 *
 * The web page's form (POST /sweep) sends the log as a multipart file
 * (form.c), whose bytes are queued the same way as they come, once the
 * form's CSRF field, which comes before the file, has been checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <microhttpd.h>

#include "base/dynlib.h"
#include "base/mem.h"
#include "serve/serve.h"

/* The hits of one sweep, at most (past SERVE_SPOOL_AT, on disk). */
#define SWEEP_MAX_OUTPUT	((size_t)1 << 30)

/* ---- the matcher every sweep shares ---- */

struct shared_matcher {
	struct chousa_matcher	*m;
	int64_t			 generation;	/* of the store it holds */
	long			 refs;		/* sweeps, and the cache */
};

struct sweeper {
	struct server		*srv;
	pthread_mutex_t		 lock;
	pthread_cond_t		 built;
	int			 building;
	struct shared_matcher	*cur;
	struct sweeper_stats	 stats;		/* atomics */
	/*
	 * A matcher no sweep has used for keep seconds is freed (it holds
	 * hundreds of MB on a big store) by the reaper thread; a SIGHUP may
	 * change keep (sweeper_set_keep), under lock.
	 */
	long			 keep;		/* 0: kept */
	double			 last_used;	/* chousa_monotonic() */
	pthread_t		 reaper;
	int			 reaping;	/* the thread runs */
	int			 stopping;
	pthread_cond_t		 wake;
};

static void
matcher_unref(struct sweeper *sw, struct shared_matcher *sm)
{
	int last;

	if (sm == NULL)
		return;
	pthread_mutex_lock(&sw->lock);
	last = --sm->refs == 0;
	sw->last_used = chousa_monotonic();
	pthread_mutex_unlock(&sw->lock);
	if (last) {
		chousa_matcher_free(sm->m);
		mem_free(sm);
	}
}

/*
 * The matcher of the store as it is now: the one in the cache, or, when
 * an import has changed the store since it was built, a new one (the old
 * one goes when its last sweep ends).  One thread builds; the others
 * wait for it.
 */
static struct shared_matcher *
matcher_get(struct server *s, struct chousa_err *err)
{
	struct sweeper *sw = s->sweeper;
	struct shared_matcher *sm = NULL, *old = NULL;
	struct chousa_store *st = NULL;
	int64_t gen = 0;

	if (chousa_store_open(&st, s->db_path, CHOUSA_STORE_READONLY, err) !=
	    CHOUSA_OK || chousa_store_generation(st, &gen, err) !=
	    CHOUSA_OK) {
		chousa_store_close(st);
		return NULL;
	}
	pthread_mutex_lock(&sw->lock);
	while (sw->building)
		pthread_cond_wait(&sw->built, &sw->lock);
	sw->last_used = chousa_monotonic();
	if (sw->cur != NULL && sw->cur->generation == gen) {
		sm = sw->cur;
		sm->refs++;
		pthread_mutex_unlock(&sw->lock);
		chousa_store_close(st);
		return sm;
	}
	sw->building = 1;
	pthread_mutex_unlock(&sw->lock);

	sm = mem_alloc(sizeof(*sm));
	if (sm == NULL)
		chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	else if (chousa_matcher_from_store(&sm->m, st, err) != CHOUSA_OK) {
		mem_free(sm);
		sm = NULL;
	}
	chousa_store_close(st);

	pthread_mutex_lock(&sw->lock);
	sw->building = 0;
	if (sm != NULL) {
		sw->stats.builds++;
		sm->generation = gen;
		sm->refs = 2;
		old = sw->cur;
		sw->cur = sm;
	}
	pthread_cond_broadcast(&sw->built);
	pthread_mutex_unlock(&sw->lock);
	if (sm != NULL) {
		struct chousa_matcher_stats ms;

		chousa_matcher_stats(sm->m, &ms);
		server_log(s, "sweep: the store's matcher built in %.1f s, "
		    "%zu MB", ms.build_seconds, ms.memory >> 20);
	}
	matcher_unref(sw, old);
	return sm;
}

/*
 * Free the cached matcher once no sweep has used it for sw->keep s,
 * looking every half of keep (at most 30 s); with keep 0, only woken.
 */
static void *
reaper_main(void *arg)
{
	struct sweeper *sw = arg;
	struct shared_matcher *idle;
	struct timespec ts;
	double unused;

	serve_name_thread("chousa-reaper");
	pthread_mutex_lock(&sw->lock);
	while (!sw->stopping) {
		if (sw->keep == 0)
			pthread_cond_wait(&sw->wake, &sw->lock);
		else
			pthread_cond_timedwait(&sw->wake, &sw->lock,
			    serve_deadline(&ts, (sw->keep < 60 ?
			    (sw->keep + 1) / 2 : 30) * 1000));
		unused = chousa_monotonic() - sw->last_used;
		if (sw->stopping || sw->keep == 0 || sw->cur == NULL ||
		    sw->building || sw->cur->refs > 1 ||
		    unused < (double)sw->keep)
			continue;
		idle = sw->cur;
		sw->cur = NULL;
		pthread_mutex_unlock(&sw->lock);
		matcher_unref(sw, idle);
		server_log(sw->srv, "sweep: the matcher freed, unused for "
		    "%.0f s", unused);
		pthread_mutex_lock(&sw->lock);
	}
	pthread_mutex_unlock(&sw->lock);
	return NULL;
}

int
sweeper_new(struct sweeper **out, struct server *s, long keep)
{
	struct sweeper *sw = mem_alloc(sizeof(*sw));

	if (sw == NULL)
		return CHOUSA_ENOMEM;
	sw->srv = s;
	sw->keep = keep;
	pthread_mutex_init(&sw->lock, NULL);
	pthread_cond_init(&sw->built, NULL);
	pthread_cond_init(&sw->wake, NULL);
	sw->reaping = pthread_create(&sw->reaper, NULL, reaper_main, sw) == 0;
	*out = sw;
	return CHOUSA_OK;
}

void
sweeper_set_keep(struct sweeper *sw, long keep)
{
	pthread_mutex_lock(&sw->lock);
	sw->keep = keep;
	pthread_cond_broadcast(&sw->wake);
	pthread_mutex_unlock(&sw->lock);
}

void
sweeper_free(struct sweeper *sw)
{
	if (sw == NULL)
		return;
	if (sw->reaping) {
		pthread_mutex_lock(&sw->lock);
		sw->stopping = 1;
		pthread_cond_broadcast(&sw->wake);
		pthread_mutex_unlock(&sw->lock);
		pthread_join(sw->reaper, NULL);
	}
	matcher_unref(sw, sw->cur);
	pthread_cond_destroy(&sw->wake);
	pthread_cond_destroy(&sw->built);
	pthread_mutex_destroy(&sw->lock);
	mem_free(sw);
}

void
sweeper_stats(struct sweeper *sw, struct sweeper_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (sw == NULL)
		return;
	pthread_mutex_lock(&sw->lock);
	*out = sw->stats;
	if (sw->cur != NULL) {
		struct chousa_matcher_stats ms;

		chousa_matcher_stats(sw->cur->m, &ms);
		out->matcher_bytes = ms.memory;
	}
	pthread_mutex_unlock(&sw->lock);
	out->received = __atomic_load_n(&sw->stats.received,
	    __ATOMIC_RELAXED);
	out->waits = __atomic_load_n(&sw->stats.waits, __ATOMIC_RELAXED);
}

/* ---- one upload ---- */

struct upload {
	struct body_queue	 q;	/* first: the form's too */
	/* What the sweep found that was not the body's. */
	int			 no_store;	/* no matcher: the store failed */
	/* The run's options. */
	const char		*name;		/* the hits' "file" */
	const struct chousa_result_hooks *fmt;
	const char		*ctype;
	struct chousa_sweep_opts so;
	/* What it gave: the output (past SERVE_SPOOL_AT, in a file). */
	struct chousa_buf	 out;
	int			 spool_fd;
	size_t			 spooled;
	struct chousa_sweep_stats ss;
	struct chousa_sweep_summary sum;
	/* An archive's members: their warnings, one a line. */
	struct chousa_buf	 member_warn;
	uint64_t		 members_incomplete;
	uint64_t		 rows;		/* hits written */
	uint64_t		 max_rows;	/* 0: all */
	int			 rc;
	struct chousa_err	 err;
};

/*
 * A member of an archive swept (the sweep's thread): what the CLI says of
 * it on stderr kept for the answer's warnings.
 */
static void
on_member(void *arg, const char *file, int rc,
    const struct chousa_sweep_stats *st, const struct chousa_err *err)
{
	struct upload *up = arg;
	const char *unit = chousa_sweep_format_unit(st->format);

	if (rc != CHOUSA_OK)
		chousa_buf_addf(&up->member_warn, "%s\n", err->msg);
	if (rc == CHOUSA_OK && st->truncated) {
		up->members_incomplete++;
		chousa_buf_addf(&up->member_warn, "%s: %s; the %llu %s read "
		    "were swept\n", file, st->warning,
		    (unsigned long long)st->lines, unit);
	}
	if (rc == CHOUSA_OK && st->malformed > 0)
		chousa_buf_addf(&up->member_warn, "%s: %llu malformed %s "
		    "skipped\n", file, (unsigned long long)st->malformed,
		    unit);
}

static void
upload_init(struct upload *up, struct sreq *r)
{
	struct sweeper *sw = r->srv->sweeper;

	body_queue_init(&up->q, r, LIVE(r->srv->max_stream), &sw->stats.received,
	    &sw->stats.waits);
	chousa_buf_init(&up->out, SWEEP_MAX_OUTPUT);
	chousa_buf_init(&up->member_warn, (size_t)1 << 20);
	up->so.member = on_member;
	up->so.member_arg = up;
}

static void
upload_free(struct upload *up)
{
	body_queue_release(&up->q);
	chousa_buf_release(&up->out);
	chousa_buf_release(&up->member_warn);
	if (up->spooled > 0)
		close(up->spool_fd);
	up->spooled = 0;
}

/*
 * Each piece of the body (the HTTP thread): queued for the sweep; p ""
 * with n 0 says the body ended, p NULL (after the sweep's thread was
 * joined) frees what the upload holds.
 */
static int
upload_body(struct sreq *r, const char *p, size_t n)
{
	struct upload *up = r->stream;

	if (p == NULL) {
		upload_free(up);
		r->stream = NULL;
		return 0;
	}
	return body_queue_put(&up->q, p, n);
}

/* The request ended early, or the server stops (another thread). */
static void
upload_abort(struct sreq *r)
{
	body_queue_abort(&((struct upload *)r->stream)->q);
}

/* ---- the sweep ---- */

/* Past SERVE_SPOOL_AT, the output goes on to a file. */
static int
out_spill(struct upload *up)
{
	if (up->out.failed != CHOUSA_OK)
		return chousa_buf_rc(&up->out, "the hits", &up->err);
	if (up->out.len < SERVE_SPOOL_AT)
		return CHOUSA_OK;
	if (up->spooled + up->out.len > SWEEP_MAX_OUTPUT)
		return chousa_errf(&up->err, CHOUSA_ELIMIT, "the hits pass "
		    "%zu MiB: sweep the log in parts", SWEEP_MAX_OUTPUT >> 20);
	return spool_spill(&up->spool_fd, &up->spooled, &up->out, &up->err);
}

static int
on_hit(void *arg, const struct chousa_hit *h)
{
	struct upload *up = arg;

	up->sum.hits++;
	if (up->max_rows > 0 && up->rows >= up->max_rows)
		return 0;
	up->rows++;
	up->fmt->sweep_hit(&up->out, h, 0);
	up->rc = out_spill(up);
	return up->rc != CHOUSA_OK;
}

static void
sweep_run(struct sreq *r)
{
	struct upload *up = r->stream;
	struct shared_matcher *sm;
	double t0;
	int rc;

	/*
	 * The options are all set once the body's first piece is queued
	 * (a form's fields come before its file): read them after it.
	 */
	body_queue_wait_start(&up->q);
	sm = matcher_get(r->srv, &up->err);
	if (sm == NULL) {
		up->no_store = 1;
		up->rc = CHOUSA_EINTERNAL;
		body_queue_done(&up->q);
		return;
	}
	/* The sweep's seconds, as the CLI's summary: the matcher's not. */
	t0 = chousa_monotonic();
	if (up->fmt->sweep_begin != NULL)
		up->fmt->sweep_begin(&up->out);
	rc = chousa_sweep_stream(sm->m, up->name, body_queue_read, &up->q, &up->so,
	    on_hit, up, &up->ss, &up->err);
	body_queue_done(&up->q);
	matcher_unref(r->srv->sweeper, sm);
	if (up->rc == CHOUSA_OK)
		up->rc = rc;
	if (up->rc != CHOUSA_OK)
		return;
	up->sum.files = up->ss.members > 0 ? up->ss.members : 1;
	up->sum.unreadable = up->ss.members_unreadable;
	up->sum.incomplete = up->ss.members > 0 ? up->members_incomplete +
	    (up->ss.truncated && up->members_incomplete == 0) :
	    up->ss.truncated != 0;
	up->sum.lines = up->ss.lines;
	up->sum.bytes = up->ss.bytes;
	up->sum.malformed = up->ss.malformed;
	up->sum.benign_suppressed = up->ss.benign_suppressed;
	up->sum.shared_suppressed = up->ss.shared_suppressed;
	up->sum.resolver_suppressed = up->ss.resolver_suppressed;
	up->sum.time_suppressed = up->ss.time_suppressed;
	up->sum.seconds = chousa_monotonic() - t0;
	if (up->fmt->sweep_summary != NULL)
		up->fmt->sweep_summary(&up->out, &up->sum);
	up->rc = out_spill(up);
	/* A spooled answer is all in its file. */
	if (up->rc == CHOUSA_OK && up->spooled > 0 && up->out.len > 0)
		up->rc = spool_spill(&up->spool_fd, &up->spooled, &up->out,
		    &up->err);
}

/* The answer, once the sweep has ended and the body with it. */
/*
 * For `chousa --server URL sweep` (cli=1), unless quiet: the summary the
 * local command writes on stderr, said after all of the output.
 */
static void
cli_summary(struct sreq *r, struct upload *up)
{
	const char *quiet = req_arg(r, "quiet");
	struct chousa_buf b;
	const char *msg;
	size_t len;

	if (!req_for_cli(r) || (quiet != NULL && strcmp(quiet, "0") != 0))
		return;
	chousa_buf_init(&b, 0);
	chousa_sweep_summary_text(&b, &up->sum);
	if (b.data != NULL && b.len > 8) {
		len = b.len;
		if (b.data[len - 1] == '\n')
			b.data[--len] = '\0';
		/* The CLI says "chousa: " before each warning itself. */
		msg = strncmp(b.data, "chousa: ", 8) == 0 ? b.data + 8 : b.data;
		warn_add(&r->warn, r->a, r->spool_len > 0 ? r->spool_len :
		    r->out.len, 0, msg);
	}
	chousa_buf_release(&b);
}

/* The answer of a sweep that failed, set in r: 1, else 0. */
static int
sweep_failed(struct sreq *r, struct upload *up)
{
	if (body_queue_refused(r, &up->q, "log", "sweep_max"))
		return 1;
	if (up->no_store) {
		req_header_add(r, "Retry-After", "5");
		req_error(r, 503, "the store cannot be read: %s", up->err.msg);
	} else if (up->rc == CHOUSA_EIO || up->rc == CHOUSA_EFORMAT) {
		r->exit_status = CHOUSA_EXIT_BADINPUT;
		req_error(r, up->q.aborted ? 503 : 400, "%s", up->q.aborted ?
		    "the server is stopping" : up->err.msg);
	} else if (up->rc == CHOUSA_ELIMIT)
		req_error(r, 413, "%s", up->err.msg);
	else if (up->rc != CHOUSA_OK)
		req_error(r, 500, "%s", up->err.msg[0] ? up->err.msg :
		    chousa_rc_name(up->rc));
	else
		return 0;
	return 1;
}

/* The warnings of an archive's members, and of the archive. */
static void
members_said(struct sreq *r, struct upload *up)
{
	const char *p = up->member_warn.data, *nl;
	char *v;

	for (; p != NULL && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		v = chousa_arena_printf(r->a, "%.*s", (int)(nl - p), p);
		warn_add(&r->warn, r->a, 0, 0, v);
	}
	if (up->ss.truncated && up->members_incomplete == 0) {
		v = chousa_arena_printf(r->a, "%s: %s; the %llu members "
		    "before it were swept", up->name, up->ss.warning,
		    (unsigned long long)up->ss.members);
		warn_add(&r->warn, r->a, 0, 0, v);
	}
	if (up->ss.members_skipped > 0) {
		v = chousa_arena_printf(r->a, "%s: %llu members that are no "
		    "regular file (links, devices) skipped", up->name,
		    (unsigned long long)up->ss.members_skipped);
		warn_add(&r->warn, r->a, 0, 0, v);
	}
}

static int
sweep_finish(struct sreq *r)
{
	struct upload *up = r->stream;
	const char *unit;
	char *v;

	if (sweep_failed(r, up))
		return 0;
	chousa_buf_release(&r->out);
	r->out = up->out;
	chousa_buf_init(&up->out, 0);
	r->spool_fd = up->spool_fd;
	r->spool_len = up->spooled;
	up->spooled = 0;
	r->ctype = up->ctype;
	r->exit_status = chousa_sweep_exit_status(&up->sum);
	unit = chousa_sweep_format_unit(up->ss.format);
	if (up->ss.members > 0)
		members_said(r, up);
	else if (up->ss.truncated) {
		v = chousa_arena_printf(r->a, "%s: %s; the %llu %s read were "
		    "swept", up->name, up->ss.warning,
		    (unsigned long long)up->ss.lines, unit);
		warn_add(&r->warn, r->a, 0, 0, v);
	}
	if (up->ss.malformed > 0 && up->ss.members == 0) {
		v = chousa_arena_printf(r->a, "%s: %llu malformed %s skipped",
		    up->name, (unsigned long long)up->ss.malformed, unit);
		warn_add(&r->warn, r->a, 0, 0, v);
	}
	cli_summary(r, up);
	r->verdicts = chousa_arena_printf(r->a, "hits:%llu",
	    (unsigned long long)up->sum.hits);
	r->asked = "store";
	req_header_add(r, "Chousa-Log-Format", up->ss.format);
	return 0;
}

/* ---- the route ---- */

static const char *const sweep_keys[] = {
	"format", "log_format", "internal", "name", "window", "max_line",
	"as_of_log_time", "no_benign_filter", "quiet", NULL
};

int
log_options_valid(const char *format_key, const char *log,
    const char *internal, struct chousa_err *err)
{
	const char *const *names;
	int i;

	if (log != NULL && strcmp(log, "auto") != 0) {
		names = chousa_sweep_format_names();
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], log) == 0)
				break;
		if (names[i] == NULL) {
			chousa_errf(err, CHOUSA_EINVAL, "unknown %s '%.40s' "
			    "(auto, or one that `chousa sweep --help` lists)",
			    format_key, log);
			return 0;
		}
	}
	return internal == NULL ||
	    chousa_sweep_check_internal(internal, err) == CHOUSA_OK;
}

/* The options, from the query string, as `chousa sweep` takes them. */
static int
sweep_options(struct sreq *r, struct upload *up)
{
	const struct chousa_format *f;
	struct chousa_err err;
	const char *format, *log, *internal, *name;
	long window, max_line;
	int bad = 0, as_of, no_benign;

	if (!req_known_args(r, sweep_keys))
		return 0;
	format = api_opt_str(r, NULL, "format", &bad);
	log = api_opt_str(r, NULL, "log_format", &bad);
	internal = api_opt_str(r, NULL, "internal", &bad);
	name = api_opt_str(r, NULL, "name", &bad);
	window = api_opt_int(r, NULL, "window", 0, 36500, 30, &bad);
	max_line = bad ? 0 : api_opt_int(r, NULL, "max_line", 64,
	    (long)CHOUSA_SWEEP_MAX_LINE, (long)CHOUSA_SWEEP_MAX_LINE, &bad);
	as_of = bad ? 0 : api_opt_bool(r, NULL, "as_of_log_time", 0);
	no_benign = as_of < 0 ? 0 : api_opt_bool(r, NULL, "no_benign_filter",
	    0);
	if (bad || as_of < 0 || no_benign < 0)
		return 0;
	if (format == NULL)
		format = "json";
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0 &&
	    strcmp(format, "csv") != 0) {
		req_error(r, 400, "unknown format '%.40s' (json, text or csv)",
		    format);
		return 0;
	}
	if (chousa_format_get(format, CHOUSA_RESULT_SWEEP, &f, &err) !=
	    CHOUSA_OK) {
		req_error(r, 400, "%s", err.msg);
		return 0;
	}
	if (!log_options_valid("log_format", log, internal, &err)) {
		req_error(r, 400, "%s", err.msg);
		return 0;
	}
	if (name != NULL && (name[0] == '\0' || strlen(name) > 255)) {
		req_error(r, 400, "'name' must be 1 to 255 bytes");
		return 0;
	}
	up->fmt = f->results;
	up->ctype = api_ctype(format);
	up->name = name != NULL ? name : "-";
	up->so.format = log;
	up->so.internal = internal;
	up->so.as_of_log_time = as_of;
	up->so.no_benign_filter = no_benign;
	up->so.window = (int64_t)window * 86400;
	up->so.max_line = (size_t)max_line;
	up->sum.as_of_log_time = as_of;
	return 1;
}

int
api_sweep(struct sreq *r)
{
	struct upload *up = chousa_arena_alloc(r->a, sizeof(*up));

	if (up == NULL)
		return req_error(r, 500, "out of memory");
	memset(up, 0, sizeof(*up));
	if (!sweep_options(r, up))
		return 0;
	upload_init(up, r);
	r->stream = up;
	r->on_body = upload_body;
	req_audit_input(r, up->name);
	if (req_background(r, sweep_run, sweep_finish, upload_abort) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	/* Refused: the body is not read. */
	upload_free(up);
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}

/* ---- the web page's form ---- */

static const char *const form_keys[] = {
	"log_format", "internal", "window", "as_of_log_time", NULL
};

/* A log from the form: the upload (first: r->stream is either) and more. */
struct form {
	struct upload		 up;
	const struct web_sweep	*web;
	struct chousa_result_hooks hooks;	/* the rows, for up.fmt */
	struct file_form	 ff;
};

/*
 * The form's sweep options (fields before the file), as the API's
 * log_format, internal, as_of_log_time and window: 0 with ff->bad said.
 */
static int
form_options(struct file_form *ff)
{
	struct upload *up = ff->arg;
	const char *log, *internal, *window, *as_of;
	int too_long = 0;
	char *end;
	long days = 30;

	log = file_form_value(ff, "log_format", &too_long);
	internal = file_form_value(ff, "internal", &too_long);
	window = file_form_value(ff, "window", &too_long);
	as_of = file_form_value(ff, "as_of_log_time", &too_long);
	if (too_long) {
		chousa_errf(&ff->bad, CHOUSA_EINVAL, "a field of the form is "
		    "too long: send it from the page");
		return 0;
	}
	if (!log_options_valid("log_format", log, internal, &ff->bad))
		return 0;
	if (window != NULL) {
		errno = 0;
		days = strtol(window, &end, 10);
		if (errno != 0 || end == window || *end != '\0' || days < 0 ||
		    days > 36500) {
			chousa_errf(&ff->bad, CHOUSA_EINVAL, "the window must be "
			    "0 to 36500 days");
			return 0;
		}
	}
	if (log != NULL && strcmp(log, "auto") != 0)
		up->so.format = log;
	up->so.internal = internal;
	up->so.as_of_log_time = as_of != NULL;
	up->so.window = (int64_t)days * 86400;
	up->sum.as_of_log_time = up->so.as_of_log_time;
	return 1;
}

static int
form_body(struct sreq *r, const char *p, size_t n)
{
	return file_form_body(&((struct form *)r->stream)->ff, p, n);
}

static int
form_finish(struct sreq *r)
{
	struct form *f = r->stream;
	struct upload *up = &f->up;

	if (file_form_failed(&f->ff, "choose a log file to sweep"))
		return 0;
	if (sweep_failed(r, up))
		return 0;
	r->exit_status = chousa_sweep_exit_status(&up->sum);
	r->verdicts = chousa_arena_printf(r->a, "hits:%llu",
	    (unsigned long long)up->sum.hits);
	r->asked = "store";
	if (up->out.failed != CHOUSA_OK)
		return req_error(r, 500, "out of memory writing the hits");
	f->web->page(r, f->ff.file[0] != '\0' ? f->ff.file : "the log",
	    up->ss.format, &up->out, up->rows, &up->sum);
	return 0;
}

int
sweep_form(struct sreq *r, const struct web_sweep *ws)
{
	struct form *f = chousa_arena_alloc(r->a, sizeof(*f));
	struct upload *up;

	if (f == NULL)
		return req_error(r, 500, "out of memory");
	memset(f, 0, sizeof(*f));
	up = &f->up;
	f->web = ws;
	f->ff.file_key = "log";
	f->ff.keys = form_keys;
	f->ff.csrf_valid = ws->csrf_valid;
	f->ff.options = form_options;
	f->ff.put = upload_body;
	f->ff.abort = upload_abort;
	f->ff.arg = up;
	if (!file_form_start(r, &f->ff))
		return 0;
	r->stream = f;
	upload_init(up, r);
	up->name = "upload";
	up->so.window = (int64_t)30 * 86400;
	up->so.max_line = CHOUSA_SWEEP_MAX_LINE;
	up->max_rows = ws->max_rows;
	f->hooks.sweep_hit = ws->row;
	up->fmt = &f->hooks;
	r->on_body = form_body;
	req_audit_input(r, "upload");
	if (req_background(r, sweep_run, form_finish, upload_abort) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	file_form_stop(&f->ff);
	upload_free(up);
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}

/* ---- a text swept whole (the MCP sweep tool) ---- */

/*
 * Over HTTP the sweep runs on the request's thread: the text is at most
 * the body's cap, swept at hundreds of MB a second.  The first sweep after
 * an import waits for the matcher to be built again, as every sweep does.
 */

/*
 * Under stdio (chousa mcp) there is no server and one thread: the process
 * keeps the matcher of the store's generation it was built from.
 */
static struct chousa_matcher *stdio_matcher;
static int64_t stdio_generation = -1;

static int
text_hit(void *arg, const struct chousa_hit *h)
{
	struct chousa_buf *out = arg;

	chousa_sweep_hit_json(out, h, 0);
	return out->failed != CHOUSA_OK;
}

int
sweep_text(struct runenv *env, const char *text, size_t len,
    const struct chousa_sweep_opts *so, struct chousa_buf *out,
    struct chousa_sweep_stats *ss, struct chousa_err *err)
{
	struct shared_matcher *sm = NULL;
	const struct chousa_matcher *m;
	int64_t gen = 0;
	int rc;

	if (env->srv != NULL) {
		sm = matcher_get(env->srv, err);
		if (sm == NULL)
			return err->code != CHOUSA_OK ? err->code :
			    CHOUSA_EINTERNAL;
		m = sm->m;
	} else {
		if (env->st == NULL)
			return chousa_errf(err, CHOUSA_ENOTFOUND, "no store "
			    "to sweep against");
		rc = chousa_store_generation(env->st, &gen, err);
		if (rc == CHOUSA_OK && (stdio_matcher == NULL ||
		    gen != stdio_generation)) {
			sweep_text_release();
			rc = chousa_matcher_from_store(&stdio_matcher, env->st,
			    err);
			stdio_generation = rc == CHOUSA_OK ? gen : -1;
		}
		if (rc != CHOUSA_OK)
			return rc;
		m = stdio_matcher;
	}
	rc = chousa_sweep_buffer(m, "log", text, len, so, text_hit, out, ss,
	    err);
	if (sm != NULL)
		matcher_unref(env->srv->sweeper, sm);
	if (out->failed != CHOUSA_OK)
		rc = chousa_buf_rc(out, "the hits", err);
	return rc;
}

void
sweep_text_release(void)
{
	chousa_matcher_free(stdio_matcher);
	stdio_matcher = NULL;
	stdio_generation = -1;
}
