/*
 * api_import.c: POST /api/v1/import (admin): a feed file, a MISP event, a
 * STIX bundle or a case's list of indicators, uploaded as the body and
 * imported into the team's store as `chousa import` imports it here: the
 * same importers, options, JSON line, summary and exit status.
 *
 * The body is read as it arrives (upload.c) into an unnamed temporary
 * file (the importers read a file: a zip's directory is at its end), on
 * a thread of its own (req_background), then imported in one transaction
 * on a store handle of its own.  Requests meanwhile read the store as it
 * was until the commit, and the caches built from it (the sweeps'
 * matcher, the export's ETag) follow its generation.  One import runs at
 * a time; a scheduled update holding the store is waited for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/tmp.h"
#include "serve/serve.h"

/* How long an import waits for another writer (an update) to finish. */
#define IMPORT_WAIT_MS	(5 * 60 * 1000)

struct import_job {
	struct body_queue		 q;
	/* The options, as `chousa import` takes them. */
	const char			*source;	/* an importer, or auto */
	const char			*name;		/* the file's, as sent */
	struct chousa_import_opts	 opts;
	int				 json;	/* the JSON line, else text */
	int				 verbose;
	int				 quiet;
	/* What it did. */
	int				 fd;		/* the upload, or -1 */
	int				 stop;		/* the request ended, or
							 * the server stops */
	int				 client_gone;	/* the stop's cause */
	struct sreq			*r;
	int				 rc;
	int				 no_spool;	/* the upload not kept */
	struct chousa_err		 err;
	struct chousa_import_report	 rep;
	struct chousa_bundle_report	 bundle;
	int				 is_bundle;
	/* The web page's: the text pasted or the file's form, and the
	 * page once done. */
	const char			*text;
	struct file_form		*form;
	import_page_fn			 page;
};

/* Keep the body in the job's temporary file; 0 when it is all there. */
static int
keep_upload(struct import_job *j)
{
	char buf[65536];
	long n;

	j->fd = chousa_tmp_fd();
	if (j->fd < 0) {
		j->no_spool = 1;
		chousa_errf(&j->err, CHOUSA_EIO, "cannot keep the upload in "
		    "%s: %s", chousa_tmp_dir(), strerror(errno));
		return -1;
	}
	while ((n = body_queue_read(&j->q, buf, sizeof(buf))) > 0)
		if (chousa_write_all(j->fd, buf, (size_t)n) != 0) {
			j->no_spool = 1;
			chousa_errf(&j->err, CHOUSA_EIO, "cannot keep the "
			    "upload in %s: %s", chousa_tmp_dir(),
			    strerror(errno));
			return -1;
		}
	return n == 0 ? 0 : -1;
}

/*
 * The import's progress, every few thousand rows: a client that has left
 * (a Ctrl-C of `chousa --server URL import`) stops it, as a Ctrl-C stops
 * the import here, and nothing of it lands.
 */
static void
watch_client(void *arg, uint64_t done, uint64_t total)
{
	struct import_job *j = arg;

	(void)done;
	(void)total;
	if (!__atomic_load_n(&j->stop, __ATOMIC_ACQUIRE) &&
	    req_client_gone(j->r)) {
		j->client_gone = 1;
		__atomic_store_n(&j->stop, 1, __ATOMIC_RELEASE);
	}
}

/* The file kept in j->fd (size bytes) into the store. */
static void
import_kept(struct sreq *r, struct import_job *j, uint64_t size)
{
	struct server *s = r->srv;
	struct chousa_store *st = NULL;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", j->fd);
	pthread_mutex_lock(&s->import_lock);
	if (__atomic_load_n(&j->stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&s->import_lock);
		j->rc = chousa_errf(&j->err, CHOUSA_EIO, "stopped before it "
		    "began");
		return;
	}
	server_log(s, "import: %s of %llu bytes from %s, importing", j->name,
	    (unsigned long long)size, r->who.name);
	j->rc = chousa_store_open_wait(&st, s->db_path, CHOUSA_STORE_NOCREATE,
	    IMPORT_WAIT_MS, &j->err);
	if (j->rc == CHOUSA_OK) {
		chousa_store_stop_when(st, &j->stop);
		j->r = r;
		j->opts.progress = watch_client;
		j->opts.progress_arg = j;
		j->rc = chousa_store_import_file(st, j->source, path,
		    &j->opts, &j->rep, &j->bundle, &j->is_bundle, &j->err);
	}
	chousa_store_close(st);
	pthread_mutex_unlock(&s->import_lock);
	if (j->rc == CHOUSA_OK)
		server_log(s, "import: %s of %s by %s: %llu added, %llu "
		    "updated", j->is_bundle ? "warninglist" : j->rep.source,
		    j->name, r->who.name, (unsigned long long)(j->is_bundle ?
		    j->bundle.added : j->rep.added), (unsigned long long)
		    (j->is_bundle ? 0 : j->rep.updated));
	else if (j->bundle.lists > 0)
		server_log(s, "import: %s by %s: %u list%s imported, then: %s",
		    j->name, r->who.name, j->bundle.lists, j->bundle.lists == 1 ?
		    "" : "s", j->err.msg);
	else
		server_log(s, "import: %s by %s: nothing imported: %s%s",
		    j->name, r->who.name, j->err.msg, j->client_gone ? " (its "
		    "client left)" : __atomic_load_n(&j->stop,
		    __ATOMIC_ACQUIRE) ? " (the server stops)" : "");
}

static void
import_run(struct sreq *r)
{
	struct import_job *j = r->stream;
	int ok;

	ok = keep_upload(j) == 0;
	body_queue_done(&j->q);
	if (!ok) {
		j->rc = CHOUSA_EIO;
		return;
	}
	import_kept(r, j, j->q.received);
}

/* The summary `chousa import` says on stderr, as the CLI's frame says it
 * (cli=1), or as the text answer. */
static void
summary(struct sreq *r, struct import_job *j, const struct chousa_buf *b)
{
	if (b->len == 0)
		return;
	if (req_for_cli(r))
		warn_add_said(&r->warn, r->a, r->out.len, b->data);
	else if (!j->json)
		chousa_buf_add(&r->out, b->data, b->len);
}

/* The audit line's verdict (the counts) and the importer asked. */
static void
audit_counts(struct sreq *r, const struct import_job *j)
{
	r->verdicts = chousa_arena_printf(r->a, "added:%llu,updated:%llu,"
	    "rejected:%llu", (unsigned long long)(j->is_bundle ?
	    j->bundle.added : j->rep.added), (unsigned long long)(j->is_bundle
	    ? 0 : j->rep.updated), (unsigned long long)(j->is_bundle ?
	    j->bundle.rejected : j->rep.rejected));
	r->asked = j->is_bundle ? "warninglist" : j->rep.source[0] != '\0' ?
	    j->rep.source : j->source;
}

static int
import_done(struct sreq *r, struct import_job *j)
{
	struct chousa_buf b;
	const char *source = j->is_bundle ? "warninglist" : j->rep.source;

	r->ctype = j->json ? "application/json" : "text/plain; charset=utf-8";
	r->exit_status = CHOUSA_EXIT_CLEAN;
	chousa_buf_init(&b, 0);
	if (j->is_bundle) {
		/* As locally: the JSON line, or else the summary. */
		if (j->json)
			chousa_import_bundle_json(&r->out, source, j->name,
			    "archive", &j->bundle, 0, NULL);
		else if (!j->quiet)
			chousa_import_bundle_text(&b, j->name, &j->bundle);
		summary(r, j, &b);
		if (j->bundle.failed > 0)
			warn_add(&r->warn, r->a, r->out.len, 0,
			    chousa_arena_printf(r->a, "%u list%s refused by "
			    "the importer (first: %s)", j->bundle.failed,
			    j->bundle.failed == 1 ? "" : "s",
			    j->bundle.first_failure));
	} else {
		if (j->json)
			chousa_import_json(&r->out, source, j->name,
			    "imported", &j->rep, 0, NULL);
		if (!j->quiet)
			chousa_import_text(&b, j->source, j->name, &j->rep,
			    j->verbose);
		summary(r, j, &b);
	}
	chousa_buf_release(&b);
	audit_counts(r, j);
	return 0;
}

/*
 * An import the importer refused (the wrong format, an empty file, a bad
 * row with strict): the status says so, and the answer is what the CLI
 * prints of it, its JSON line with the error.
 */
static int
import_refused(struct sreq *r, struct import_job *j, int status)
{
	struct chousa_buf b;
	char text[CHOUSA_BUNDLE_FAILED_TEXT];
	int exit_status = chousa_exit_for_rc(j->rc);
	const char *said = j->err.msg;

	/*
	 * An archive of lists the store failed on midway (a full disk): those
	 * before it went in, as chousa import says.
	 */
	if (j->bundle.lists > 0)
		said = chousa_import_bundle_failed_text(text, sizeof(text),
		    &j->bundle, "imported", &j->err);
	r->status = status;
	r->refusal = chousa_arena_strdup(r->a, j->err.msg);
	r->exit_status = exit_status;
	r->answer_on_error = 1;
	chousa_buf_reset(&r->out);
	if (j->json && j->bundle.lists > 0) {
		r->ctype = "application/json";
		chousa_import_bundle_json(&r->out, "warninglist", j->name,
		    "archive", &j->bundle, exit_status, &j->err);
	} else if (j->json) {
		r->ctype = "application/json";
		chousa_import_json(&r->out, j->rep.source[0] ? j->rep.source :
		    j->source, j->name, "failed", &j->rep, exit_status,
		    j->err.msg);
	} else {
		/* The CLI says it as a warning; a script reads it here. */
		r->ctype = "text/plain; charset=utf-8";
		if (!req_for_cli(r))
			chousa_buf_addf(&r->out, "%s\n", said);
	}
	warn_add(&r->warn, r->a, r->out.len, 0, said);
	if (j->verbose) {
		chousa_buf_init(&b, 0);
		chousa_import_rejects_text(&b, &j->rep, j->rep.n_rejects);
		if (b.len > 0 && req_for_cli(r))
			warn_add_said(&r->warn, r->a, r->out.len, b.data);
		chousa_buf_release(&b);
	}
	return 0;
}

/* An upload that did not reach the importer: 1 when r answers why. */
static int
upload_failed(struct sreq *r, struct import_job *j)
{
	if (body_queue_refused(r, &j->q, "file", "import_max"))
		return 1;
	if (j->q.aborted)
		req_error(r, 503, "the server is stopping");
	else if (j->no_spool)
		req_error(r, 507, "%s", j->err.msg);
	else
		return 0;
	return 1;
}

/*
 * A failed import's status: 422 for a file the importer refused, else
 * the server's for the code (the store's disk full: 507, not the file's).
 */
static int
import_status(const struct import_job *j)
{
	if (j->rc == CHOUSA_EFORMAT || j->rc == CHOUSA_EPARSE ||
	    j->rc == CHOUSA_EINVAL || (j->rc == CHOUSA_EIO &&
	    (j->rep.damaged || j->bundle.damaged)))
		return 422;
	return req_status(j->rc, 400);
}

static int
import_finish(struct sreq *r)
{
	struct import_job *j = r->stream;

	if (upload_failed(r, j))
		return 0;
	if (j->rc == CHOUSA_EBUSY) {
		req_header_add(r, "Retry-After", "60");
		return req_error(r, 503, "%s", j->err.msg);
	}
	if (j->rc != CHOUSA_OK)
		return import_refused(r, j, import_status(j));
	return import_done(r, j);
}

static int
import_body(struct sreq *r, const char *p, size_t n)
{
	struct import_job *j = r->stream;

	if (p == NULL) {
		body_queue_release(&j->q);
		if (j->fd >= 0)
			close(j->fd);
		j->fd = -1;
		r->stream = NULL;
		return 0;
	}
	return body_queue_put(&j->q, p, n);
}

/* The request ended early, or the server stops: the upload dropped, and
 * an import under way stopped and rolled back (a client's Ctrl-C here is
 * the local import's). */
static void
import_abort(struct sreq *r)
{
	struct import_job *j = r->stream;

	__atomic_store_n(&j->stop, 1, __ATOMIC_RELEASE);
	body_queue_abort(&j->q);
}

/* ---- the options ---- */

static const char *const import_keys[] = {
	"source", "name", "strict", "tag", "family", "source_name", "format",
	"verbose", "quiet", NULL
};

/* A value kept in the store or said back: one line of plain text. */
static int
text_ok(struct sreq *r, const char *key, const char *v)
{
	struct chousa_err err = { 0 };

	if (v == NULL || chousa_import_label_check(key, v, &err) == CHOUSA_OK)
		return 1;
	req_error(r, 400, "%s", err.msg);
	return 0;
}

/* auto, or an importer's name: 1, else 0 with err saying so. */
static int
importer_known(const char *source, struct chousa_err *err)
{
	const char *const *names = chousa_importer_names();
	size_t i;

	if (strcmp(source, "auto") == 0)
		return 1;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], source) == 0)
			return 1;
	chousa_errf(err, CHOUSA_EINVAL, "unknown source '%.40s' (auto, or "
	    "one that `chousa import --help` lists)", source);
	return 0;
}

static int
import_options(struct sreq *r, struct import_job *j)
{
	const char *format;
	int bad = 0, strict, verbose, quiet;

	if (!req_known_args(r, import_keys))
		return 0;
	j->source = api_opt_str(r, NULL, "source", &bad);
	j->name = api_opt_str(r, NULL, "name", &bad);
	j->opts.tag = api_opt_str(r, NULL, "tag", &bad);
	j->opts.family = api_opt_str(r, NULL, "family", &bad);
	j->opts.source_name = api_opt_str(r, NULL, "source_name", &bad);
	format = api_opt_str(r, NULL, "format", &bad);
	strict = api_opt_bool(r, NULL, "strict", 0);
	verbose = strict < 0 ? -1 : api_opt_bool(r, NULL, "verbose", 0);
	quiet = verbose < 0 ? -1 : api_opt_bool(r, NULL, "quiet", 0);
	if (bad || quiet < 0)
		return 0;
	if (j->source == NULL) {
		req_error(r, 400, "name the importer: source=auto, or one that "
		    "`chousa import --help` lists");
		return 0;
	}
	if (!importer_known(j->source, &j->err)) {
		req_error(r, 400, "%s", j->err.msg);
		return 0;
	}
	if (format != NULL && strcmp(format, "json") != 0 &&
	    strcmp(format, "text") != 0) {
		req_error(r, 400, "unknown format '%.40s' (json or text)",
		    format);
		return 0;
	}
	if (!text_ok(r, "name", j->name) || !text_ok(r, "tag", j->opts.tag) ||
	    !text_ok(r, "family", j->opts.family) ||
	    !text_ok(r, "source_name", j->opts.source_name))
		return 0;
	if (j->name == NULL)
		j->name = "upload";
	j->json = format == NULL || strcmp(format, "json") == 0;
	j->opts.strict = strict;
	j->opts.file_name = j->name;
	j->verbose = verbose;
	j->quiet = quiet;
	return 1;
}

int
api_import(struct sreq *r)
{
	struct import_job *j = chousa_arena_alloc(r->a, sizeof(*j));

	if (j == NULL)
		return req_error(r, 500, "out of memory");
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (!import_options(r, j))
		return 0;
	body_queue_init(&j->q, r, LIVE(r->srv->max_import), NULL, NULL);
	r->stream = j;
	r->on_body = import_body;
	req_audit_input(r, j->name);
	if (req_background(r, import_run, import_finish, import_abort) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	/* Refused: the body is not read. */
	body_queue_release(&j->q);
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}


/* ---- the web page's: indicators pasted, or a file ---- */

/* The page, once the job is done: its summary, or why nothing was. */
static int
page_finish(struct sreq *r)
{
	struct import_job *j = r->stream;

	if (j->form != NULL && (file_form_failed(j->form, "choose a file to "
	    "import") || upload_failed(r, j)))
		return 0;
	audit_counts(r, j);
	if (j->rc != CHOUSA_OK) {
		r->status = import_status(j);
		r->refusal = chousa_arena_strdup(r->a, j->err.msg);
	}
	j->page(r, j->form != NULL ? j->name : NULL, &j->rep, j->is_bundle &&
	    j->rc == CHOUSA_OK ? &j->bundle : NULL, j->rc == CHOUSA_OK ? NULL :
	    j->err.msg);
	return 0;
}

static void
text_run(struct sreq *r)
{
	struct import_job *j = r->stream;

	j->fd = chousa_tmp_fd();
	if (j->fd < 0 || chousa_write_all(j->fd, j->text, strlen(j->text)) !=
	    0) {
		j->rc = chousa_errf(&j->err, CHOUSA_EIO, "cannot keep the text "
		    "in %s: %s", chousa_tmp_dir(), strerror(errno));
		return;
	}
	import_kept(r, j, strlen(j->text));
}

/* The request's end (p NULL): the kept text's file closed. */
static int
text_release(struct sreq *r, const char *p, size_t n)
{
	struct import_job *j = r->stream;

	(void)n;
	if (p == NULL) {
		if (j->fd >= 0)
			close(j->fd);
		j->fd = -1;
		r->stream = NULL;
	}
	return 0;
}

int
import_text_page(struct sreq *r, const char *text, const char *source_name,
    const char *tag, const char *family, import_page_fn page)
{
	struct import_job *j = chousa_arena_alloc(r->a, sizeof(*j));

	if (j == NULL)
		return req_error(r, 500, "out of memory");
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->source = "list";
	j->name = "pasted";
	j->text = text;
	j->page = page;
	j->opts.source_name = source_name;
	j->opts.tag = tag;
	j->opts.family = family;
	j->opts.file_name = j->name;
	r->stream = j;
	r->on_body = text_release;
	req_audit_input(r, source_name);
	if (req_background(r, text_run, page_finish, NULL) == ROUTE_PENDING)
		return ROUTE_PENDING;
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}

static const char *const file_keys[] = {
	"source", "source_name", "tag", "family", NULL
};

/* The form's fields, at the file: the importer and the labels, checked
 * as the API checks them; 0 with ff->bad said. */
static int
file_options(struct file_form *ff)
{
	static const char *const labels[] = { "source_name", "tag",
		"family" };
	struct import_job *j = ff->arg;
	const char *v[3], *source;
	int too_long = 0;
	size_t i;

	source = file_form_value(ff, "source", &too_long);
	for (i = 0; i < 3; i++)
		v[i] = file_form_value(ff, labels[i], &too_long);
	if (too_long) {
		chousa_errf(&ff->bad, CHOUSA_EINVAL, "a field of the form is "
		    "too long: send it from the page");
		return 0;
	}
	j->source = source != NULL ? source : "auto";
	if (!importer_known(j->source, &ff->bad))
		return 0;
	for (i = 0; i < 3; i++)
		if (v[i] != NULL && chousa_import_label_check(labels[i], v[i],
		    &ff->bad) != CHOUSA_OK)
			return 0;
	j->opts.source_name = v[0];
	j->opts.tag = v[1];
	j->opts.family = v[2];
	j->name = chousa_import_label_check("file name", ff->file, NULL) ==
	    CHOUSA_OK ? ff->file : "upload";
	j->opts.file_name = j->name;
	req_audit_input(ff->r, j->name);
	return 1;
}

static int
file_body(struct sreq *r, const char *p, size_t n)
{
	return file_form_body(((struct import_job *)r->stream)->form, p, n);
}

int
import_file_page(struct sreq *r, int (*csrf_valid)(struct sreq *r,
    const char *token), import_page_fn page)
{
	struct import_job *j = chousa_arena_alloc(r->a, sizeof(*j));
	struct file_form *ff = chousa_arena_alloc(r->a, sizeof(*ff));

	if (j == NULL || ff == NULL)
		return req_error(r, 500, "out of memory");
	memset(j, 0, sizeof(*j));
	memset(ff, 0, sizeof(*ff));
	j->fd = -1;
	j->source = "auto";
	j->name = "upload";
	j->page = page;
	j->form = ff;
	ff->file_key = "file";
	ff->keys = file_keys;
	ff->csrf_valid = csrf_valid;
	ff->options = file_options;
	ff->put = import_body;
	ff->abort = import_abort;
	ff->arg = j;
	if (!file_form_start(r, ff))
		return 0;
	body_queue_init(&j->q, r, LIVE(r->srv->max_import), NULL, NULL);
	r->stream = j;
	r->on_body = file_body;
	if (req_background(r, import_run, page_finish, import_abort) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	file_form_stop(ff);
	body_queue_release(&j->q);
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}
