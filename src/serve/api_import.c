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
	int				 rc;
	int				 no_spool;	/* the upload not kept */
	struct chousa_err		 err;
	struct chousa_import_report	 rep;
	struct chousa_bundle_report	 bundle;
	int				 is_bundle;
	/* The web page's: the text pasted, and the page once done. */
	const char			*text;
	void				(*page)(struct sreq *r,
					    const struct chousa_import_report *rep,
					    const char *error);
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

/* The file kept in j->fd (size bytes) into the store. */
static void
import_kept(struct sreq *r, struct import_job *j, uint64_t size)
{
	struct server *s = r->srv;
	struct chousa_store *st = NULL;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", j->fd);
	pthread_mutex_lock(&s->import_lock);
	server_log(s, "import: %s of %llu bytes from %s, importing", j->name,
	    (unsigned long long)size, r->who.name);
	j->rc = chousa_store_open_wait(&st, s->db_path, 0, IMPORT_WAIT_MS,
	    &j->err);
	if (j->rc == CHOUSA_OK)
		j->rc = chousa_store_import_file(st, j->source, path,
		    &j->opts, &j->rep, &j->bundle, &j->is_bundle, &j->err);
	chousa_store_close(st);
	pthread_mutex_unlock(&s->import_lock);
	if (j->rc == CHOUSA_OK)
		server_log(s, "import: %s of %s by %s: %llu added, %llu "
		    "updated", j->is_bundle ? "warninglist" : j->rep.source,
		    j->name, r->who.name, (unsigned long long)(j->is_bundle ?
		    j->bundle.added : j->rep.added), (unsigned long long)
		    (j->is_bundle ? 0 : j->rep.updated));
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
			chousa_import_bundle_json(&r->out, j->name, &j->bundle);
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
	r->verdicts = chousa_arena_printf(r->a, "added:%llu,updated:%llu,"
	    "rejected:%llu", (unsigned long long)(j->is_bundle ?
	    j->bundle.added : j->rep.added), (unsigned long long)(j->is_bundle
	    ? 0 : j->rep.updated), (unsigned long long)(j->is_bundle ?
	    j->bundle.rejected : j->rep.rejected));
	r->asked = source;
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
	int exit_status = chousa_exit_for_rc(j->rc);

	r->status = status;
	r->refusal = chousa_arena_strdup(r->a, j->err.msg);
	r->exit_status = exit_status;
	r->answer_on_error = 1;
	chousa_buf_reset(&r->out);
	if (j->json) {
		r->ctype = "application/json";
		chousa_import_json(&r->out, j->rep.source[0] ? j->rep.source :
		    j->source, j->name, "failed", &j->rep, exit_status,
		    j->err.msg);
	} else {
		/* The CLI says it as a warning; a script reads it here. */
		r->ctype = "text/plain; charset=utf-8";
		if (!req_for_cli(r))
			chousa_buf_addf(&r->out, "%s\n", j->err.msg);
	}
	warn_add(&r->warn, r->a, r->out.len, 0, j->err.msg);
	if (j->verbose) {
		chousa_buf_init(&b, 0);
		chousa_import_rejects_text(&b, &j->rep, j->rep.n_rejects);
		if (b.len > 0 && req_for_cli(r))
			warn_add_said(&r->warn, r->a, r->out.len, b.data);
		chousa_buf_release(&b);
	}
	return 0;
}

static int
import_finish(struct sreq *r)
{
	struct import_job *j = r->stream;

	if (j->q.too_big)
		return req_error(r, 413, "the file is over %llu bytes "
		    "([server] import_max)", (unsigned long long)j->q.max);
	if (j->q.no_memory) {
		req_header_add(r, "Retry-After", "5");
		return req_error(r, 503, "out of memory queueing the file: "
		    "retry in 5 s");
	}
	if (j->q.aborted)
		return req_error(r, 503, "the server is stopping");
	if (j->no_spool)
		return req_error(r, 507, "%s", j->err.msg);
	if (j->rc == CHOUSA_EBUSY) {
		req_header_add(r, "Retry-After", "60");
		return req_error(r, 503, "%s", j->err.msg);
	}
	if (j->rc == CHOUSA_EFORMAT || j->rc == CHOUSA_EPARSE ||
	    j->rc == CHOUSA_EINVAL)
		return import_refused(r, j, 422);
	if (j->rc == CHOUSA_ELIMIT)
		return import_refused(r, j, 413);
	if (j->rc != CHOUSA_OK)
		return import_refused(r, j, 500);
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

static void
import_abort(struct sreq *r)
{
	body_queue_abort(&((struct import_job *)r->stream)->q);
}

/* ---- the options ---- */

static const char *const import_keys[] = {
	"source", "name", "strict", "tag", "family", "source_name", "format",
	"verbose", "quiet", NULL
};

/* A value kept in the store or said back: 1 to 200 bytes of text. */
static int
text_ok(struct sreq *r, const char *key, const char *v)
{
	if (v == NULL || import_label_ok(v))
		return 1;
	req_error(r, 400, "'%s' must be 1 to 200 bytes of text", key);
	return 0;
}

static int
import_options(struct sreq *r, struct import_job *j)
{
	const char *const *names = chousa_importer_names();
	const char *format;
	int bad = 0, strict, verbose, quiet;
	size_t i;

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
	for (i = 0; strcmp(j->source, "auto") != 0 && names[i] != NULL; i++)
		if (strcmp(names[i], j->source) == 0)
			break;
	if (strcmp(j->source, "auto") != 0 && names[i] == NULL) {
		req_error(r, 400, "unknown source '%.40s' (auto, or one that "
		    "`chousa import --help` lists)", j->source);
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
	body_queue_init(&j->q, r, r->srv->max_import, NULL, NULL);
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

int
import_label_ok(const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return *v != '\0' && p - (const unsigned char *)v <= 200;
}

/* ---- the web page's: indicators pasted ---- */

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

static int
text_finish(struct sreq *r)
{
	struct import_job *j = r->stream;

	r->verdicts = chousa_arena_printf(r->a, "added:%llu,updated:%llu,"
	    "rejected:%llu", (unsigned long long)j->rep.added,
	    (unsigned long long)j->rep.updated,
	    (unsigned long long)j->rep.rejected);
	r->asked = "list";
	if (j->rc != CHOUSA_OK) {
		r->status = j->rc == CHOUSA_EBUSY ? 503 : j->rc == CHOUSA_EIO ?
		    507 : 422;
		r->refusal = chousa_arena_strdup(r->a, j->err.msg);
	}
	j->page(r, &j->rep, j->rc == CHOUSA_OK ? NULL : j->err.msg);
	return 0;
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
    const char *tag, const char *family,
    void (*page)(struct sreq *r, const struct chousa_import_report *rep,
    const char *error))
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
	if (req_background(r, text_run, text_finish, NULL) == ROUTE_PENDING)
		return ROUTE_PENDING;
	r->stream = NULL;
	r->on_body = NULL;
	return 0;
}
