/*
 * feed_update.c: one feed's update, as `chousa update` runs it: find its
 * location (the [feeds] <name>_url of the config, else the descriptor's
 * official url), send the abuse.ch Auth-Key where the feed takes it, ask
 * conditionally (ETag, Last-Modified of the last download) when the last
 * file is there to fall back on, download beside the store and import.
 * It lives in online because it needs both the HTTP layer and the store;
 * a failed download or import leaves the previous data in place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chousa.h"

int
chousa_feed_dir(const char *store_path, struct chousa_buf *out,
    struct chousa_err *err)
{
	const char *slash = strrchr(store_path, '/');
	size_t start = out->len;
	int rc;

	if (slash != NULL)
		chousa_buf_add(out, store_path, (size_t)(slash - store_path));
	else
		chousa_buf_addch(out, '.');
	chousa_buf_adds(out, "/feeds");
	rc = chousa_buf_rc(out, "feed directory", err);
	if (rc != CHOUSA_OK)
		return rc;
	if (mkdir(out->data + start, 0700) != 0 && errno != EEXIST)
		return chousa_errf(err, CHOUSA_EIO, "cannot create '%s': %s",
		    out->data + start, strerror(errno));
	return CHOUSA_OK;
}

static void
step(const struct chousa_feed_update_opts *o, const struct chousa_feed *f,
    int what)
{
	if (o->step != NULL)
		o->step(o->progress_arg, f, what);
}

/*
 * The request for f at url: its method and body, and the Auth-Key header
 * (into headers, two slots) when key is set.
 */
static int
make_request(struct chousa_http_req *req, const char **headers,
    const struct chousa_feed *f, const char *url, const char *key,
    struct chousa_arena *a, struct chousa_err *err)
{
	memset(req, 0, sizeof(*req));
	req->method = f->post != NULL ? "POST" : "GET";
	req->url = url;
	if (f->post != NULL) {
		req->body = f->post;
		req->body_len = strlen(f->post);
	}
	if (key != NULL && key[0] != '\0') {
		headers[0] = chousa_arena_printf(a, "Auth-Key: %s", key);
		if (headers[0] == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		headers[1] = NULL;
		req->headers = headers;
	}
	return CHOUSA_OK;
}

/* Import the download at out->path; records the feed state on success. */
static int
import_download(const struct chousa_feed_update_opts *o,
    const struct chousa_feed *f, const char *url, const char *etag,
    const char *lastmod, struct chousa_feed_result *out,
    struct chousa_err *err)
{
	struct chousa_import_opts io;
	int rc;

	memset(&io, 0, sizeof(io));
	io.progress = o->progress;
	io.progress_arg = o->progress_arg;
	step(o, f, CHOUSA_FEED_STEP_IMPORT);
	rc = chousa_feed_import(o->store, f, out->path, &io, &out->rep,
	    &out->bundle, err);
	step(o, f, CHOUSA_FEED_STEP_END);
	if (rc != CHOUSA_OK) {
		out->outcome = CHOUSA_FEED_IMPORT_FAILED;
		return rc;
	}
	out->outcome = CHOUSA_FEED_UPDATED;
	chousa_store_set_feed_state(o->store, f->name, url, etag, lastmod,
	    &out->state_err);
	return CHOUSA_OK;
}

int
chousa_feed_update(const struct chousa_feed_update_opts *o,
    const struct chousa_feed *f, struct chousa_arena *a,
    struct chousa_feed_result *out, struct chousa_err *err)
{
	struct chousa_http_req req;
	struct chousa_http_resp meta;
	struct chousa_err state_err = { 0 };
	const char *url, *key = NULL, *etag = NULL, *lastmod = NULL;
	const char *headers[2] = { NULL, NULL };
	char keyname[64];
	int not_modified = 0, rc;

	memset(out, 0, sizeof(*out));
	out->outcome = CHOUSA_FEED_NOT_TRIED;
	snprintf(keyname, sizeof(keyname), "%s_url", f->name);
	url = chousa_config_get(o->cfg, "feeds", keyname);
	if (url == NULL)
		url = f->url;
	if (url == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no location; set "
		    "[feeds] %s in the config", keyname);
	out->path = chousa_arena_printf(a, "%s/%s", o->dir, f->file);
	if (out->path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (f->flags & CHOUSA_FEED_ABUSECH_KEY)
		key = chousa_config_get(o->cfg, "abusech", "auth_key");
	/* The Hunting API answers nobody without a key. */
	if ((f->flags & CHOUSA_FEED_NEEDS_KEY) && (key == NULL ||
	    key[0] == '\0')) {
		out->outcome = CHOUSA_FEED_NO_KEY;
		return CHOUSA_OK;
	}
	rc = make_request(&req, headers, f, url, key, a, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* Conditional only when the last file is there to fall back on. */
	if (f->post == NULL && access(out->path, R_OK) == 0 &&
	    chousa_store_feed_state(o->store, a, f->name, &etag, &lastmod,
	    &state_err) == CHOUSA_OK) {
		req.if_none_match = etag;
		req.if_modified_since = lastmod;
	}
	memset(&meta, 0, sizeof(meta));
	step(o, f, CHOUSA_FEED_STEP_DOWNLOAD);
	rc = chousa_http_download(o->http, &req, out->path, &not_modified,
	    &meta, o->progress, o->progress_arg, err);
	step(o, f, CHOUSA_FEED_STEP_END);
	if (rc != CHOUSA_OK) {
		out->outcome = CHOUSA_FEED_DOWNLOAD_FAILED;
		/*
		 * Listed by db stats as a failed import: an update by cron
		 * that never reaches the feed is seen there.  The file, not
		 * the URL, which may carry a key.
		 */
		if (rc == CHOUSA_EHTTP || rc == CHOUSA_ETIMEOUT ||
		    rc == CHOUSA_ELIMIT)
			(void)chousa_store_import_failed(o->store, f->name,
			    out->path, chousa_arena_printf(a, "download "
			    "failed: %s", err->msg));
		return rc;
	}
	if (not_modified) {
		/* Unchanged upstream is fresh: the check is dated. */
		out->outcome = CHOUSA_FEED_NOT_MODIFIED;
		chousa_store_set_feed_state(o->store, f->name, url, etag,
		    lastmod, &out->state_err);
		return CHOUSA_OK;
	}
	etag = meta.etag != NULL ? chousa_arena_strdup(a, meta.etag) : NULL;
	lastmod = meta.last_modified != NULL ?
	    chousa_arena_strdup(a, meta.last_modified) : NULL;
	return import_download(o, f, url, etag, lastmod, out, err);
}
