/*
 * http.c: the one HTTP layer and the only user of libcurl.  Requests are
 * queued and driven together through one curl multi handle, at most
 * max_parallel at a time; each has a time-out, a body cap and bounded
 * redirects that never leave https.  Proxies come from the environment
 * (HTTPS_PROXY, https_proxy, http_proxy, NO_PROXY), which libcurl reads
 * itself because CURLOPT_PROXY is never set.  Header values are never
 * logged nor put in messages, since some carry API keys.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "chousa.h"
#include "online/http_int.h"
#include "base/mem.h"

#define HTTP_MAX_HEADER	1024	/* longest header line we look at */
#define HTTP_MAX_REDIRS	5L	/* redirects followed, never https to http */

struct http_xfer {
	struct chousa_http	*h;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*url;
	char			*body;
	size_t			 body_len;
	long			(*read_body)(void *arg, char *buf, size_t n);
	void			*read_arg;
	long			(*write_body)(void *arg, const char *p,
				    size_t n);
	void			*write_arg;
	int			 sink_failed;
	int			 file_errno;	/* a download's failed write */
	char			*keep_prefix;	/* headers kept, or NULL */
	struct chousa_buf	 kept;
	struct chousa_buf	 resp_body;
	char			*content_type;
	char			*etag;
	char			*last_modified;
	long			 retry_after;
	int			 over_cap;
	/* opts.stall_s: the bytes moved, and when they last did. */
	curl_off_t		 moved;
	double			 moved_at;	/* 0: not connected yet */
	int			 stalled;
	FILE			*fp;		/* download target, or NULL */
	chousa_progress_fn	 progress;
	void			*progress_arg;
	char			 errbuf[CURL_ERROR_SIZE];
	chousa_http_done_fn	 fn;
	void			*arg;
	struct timespec		 started;
	struct http_xfer	*next;		/* pending queue */
};

struct http_timer {
	double			 when;		/* monotonic seconds */
	chousa_http_timer_fn	 fn;
	void			*arg;
	struct http_timer	*next;
};

struct chousa_http {
	CURLM			*multi;
	struct chousa_http_opts	 opts;
	char			 ua[64];
	struct http_xfer	*pend_head, *pend_tail;
	size_t			 n_pending;
	int			 n_active;
	struct http_timer	*timers;	/* sorted by when */
	unsigned long		 n_requests;	/* sockets asked for */
	char			*dl_etag;	/* of the last download */
	char			*dl_last_modified;
	char			*ca_file;	/* [http] ca_file, or NULL */
	void			*user;
	void			(*user_free)(void *);
};

static int curl_ready;

int
chousa_http_new(struct chousa_http **out, const struct chousa_http_opts *opts,
    struct chousa_err *err)
{
	struct chousa_http *h;

	if (!curl_ready) {
		CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

		/* Also where a missing libcurl shows (src/dynlib-curl.c). */
		if (rc != CURLE_OK)
			return chousa_errf(err, CHOUSA_EHTTP,
			    "cannot initialise libcurl: %s",
			    curl_easy_strerror(rc));
		curl_ready = 1;
	}
	h = mem_alloc(sizeof(*h));
	if (h == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (opts != NULL)
		h->opts = *opts;
	if (h->opts.timeout_ms <= 0)
		h->opts.timeout_ms = 30000;
	if (h->opts.connect_timeout_ms <= 0)
		h->opts.connect_timeout_ms = 10000;
	if (h->opts.max_body == 0)
		h->opts.max_body = (size_t)32 << 20;
	if (h->opts.max_parallel <= 0)
		h->opts.max_parallel = 16;
	snprintf(h->ua, sizeof(h->ua), "%s",
	    h->opts.user_agent ? h->opts.user_agent : "chousa/" CHOUSA_VERSION);
	h->opts.user_agent = h->ua;
	h->multi = curl_multi_init();
	if (h->multi == NULL) {
		mem_free(h);
		return chousa_errf(err, CHOUSA_EHTTP,
		    "cannot create a curl multi handle");
	}
	curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)h->opts.max_parallel);
	*out = h;
	return CHOUSA_OK;
}

static void
xfer_free(struct http_xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	mem_free(x->url);
	mem_free(x->body);
	mem_free(x->content_type);
	mem_free(x->etag);
	mem_free(x->last_modified);
	mem_free(x->keep_prefix);
	chousa_buf_release(&x->kept);
	chousa_buf_release(&x->resp_body);
	mem_free(x);
}

void
chousa_http_free(struct chousa_http *h)
{
	struct http_xfer *x, *nx;
	struct http_timer *t, *nt;

	if (h == NULL)
		return;
	for (x = h->pend_head; x != NULL; x = nx) {
		nx = x->next;
		xfer_free(x);
	}
	for (t = h->timers; t != NULL; t = nt) {
		nt = t->next;
		mem_free(t);
	}
	if (h->user_free != NULL)
		h->user_free(h->user);
	/* Active transfers only exist inside chousa_http_run(). */
	curl_multi_cleanup(h->multi);
	mem_free(h->dl_etag);
	mem_free(h->dl_last_modified);
	mem_free(h->ca_file);
	mem_free(h);
}

const struct chousa_http_opts *
http_opts(const struct chousa_http *h)
{
	return &h->opts;
}

unsigned long
chousa_http_n_requests(const struct chousa_http *h)
{
	return h->n_requests;
}

void
http_tune(struct chousa_http *h, long timeout_ms, long connect_timeout_ms,
    long max_body, int max_parallel)
{
	if (timeout_ms > 0)
		h->opts.timeout_ms = timeout_ms;
	if (connect_timeout_ms > 0)
		h->opts.connect_timeout_ms = connect_timeout_ms;
	if (max_body > 0)
		h->opts.max_body = (size_t)max_body;
	if (max_parallel > 0) {
		h->opts.max_parallel = max_parallel;
		curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
		    (long)max_parallel);
	}
}

void *
http_user(const struct chousa_http *h)
{
	return h->user;
}

void
http_set_user(struct chousa_http *h, void *p, void (*free_fn)(void *))
{
	h->user = p;
	h->user_free = free_fn;
}

void
chousa_http_forget(struct chousa_http *h)
{
	if (h->user_free != NULL)
		h->user_free(h->user);
	h->user = NULL;
	h->user_free = NULL;
}

void
http_set_tls(struct chousa_http *h, const char *ca_file, int insecure)
{
	if (ca_file != NULL && *ca_file != '\0') {
		mem_free(h->ca_file);
		h->ca_file = mem_strdup(ca_file);
	}
	if (insecure)
		h->opts.insecure = 1;
}

int
chousa_http_insecure(const struct chousa_config *cfg)
{
	return cfg != NULL && chousa_config_get_bool(cfg, "http", "insecure",
	    0);
}

void
chousa_http_use_config(struct chousa_http *h, const struct chousa_config *cfg)
{
	if (cfg != NULL)
		http_set_tls(h, chousa_config_get(cfg, "http", "ca_file"),
		    chousa_http_insecure(cfg));
}

/* ---- callbacks from libcurl ---- */

/* The next piece of a body read as it is sent. */
static size_t
on_read(char *p, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;
	long got = x->read_body(x->read_arg, p, size * n);

	return got < 0 ? CURL_READFUNC_ABORT : (size_t)got;
}

static size_t
on_write(char *p, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;
	size_t len = size * n;
	long status = 0;

	if (x->write_body != NULL &&
	    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) ==
	    CURLE_OK && status >= 200 && status <= 299) {
		if (x->write_body(x->write_arg, p, len) != (long)len) {
			x->sink_failed = 1;
			return 0;
		}
		return len;
	}
	if (x->resp_body.len + len > x->h->opts.max_body) {
		x->over_cap = 1;
		return 0;
	}
	if (x->fp != NULL) {
		if (mem_fwrite(p, 1, len, x->fp) != len) {
			/* This machine's disk, not the server: say so. */
			x->file_errno = errno != 0 ? errno : EIO;
			return 0;
		}
		x->resp_body.len += len;	/* a count only */
		return len;
	}
	chousa_buf_add(&x->resp_body, p, len);
	return x->resp_body.failed ? 0 : len;
}

/* Retry-After is either delta-seconds or an HTTP date. */
static long
parse_retry_after(const char *v, size_t len)
{
	int64_t t;
	long s = 0;
	size_t i;

	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	if (len == 0)
		return -1;
	for (i = 0; i < len && v[i] >= '0' && v[i] <= '9'; i++)
		if (s < 86400 * 31)
			s = s * 10 + (v[i] - '0');
	if (i == len && i > 0)
		return s;
	if (chousa_time_parse(v, len, &t) == CHOUSA_OK) {
		int64_t d = t - (int64_t)time(NULL);

		return d < 0 ? 0 : d > 86400 * 31 ? 86400 * 31 : (long)d;
	}
	return -1;
}

static char *
dup_value(const char *v, size_t len)
{
	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	return mem_strndup(v, len);
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_xfer *x = arg;
	size_t len = size * n, nlen;
	const char *colon;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or 100): start over. */
		x->retry_after = -1;
		mem_free(x->etag);
		mem_free(x->last_modified);
		x->etag = x->last_modified = NULL;
		chousa_buf_reset(&x->kept);
		return len;
	}
	/* Kept whole up to 64 lines' worth: a long list is still one. */
	if (x->keep_prefix != NULL && len > strlen(x->keep_prefix) &&
	    strncasecmp(p, x->keep_prefix, strlen(x->keep_prefix)) == 0 &&
	    x->kept.len + len < 64 * HTTP_MAX_HEADER) {
		size_t keep = len;

		while (keep > 0 && (p[keep - 1] == '\n' ||
		    p[keep - 1] == '\r'))
			keep--;
		chousa_buf_add(&x->kept, p, keep);
		chousa_buf_addch(&x->kept, '\n');
	}
	if (len > HTTP_MAX_HEADER)
		return len;
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	colon = memchr(p, ':', len);
	if (colon == NULL)
		return size * n;
	nlen = (size_t)(colon - p);
	colon++;
	len -= nlen + 1;
	if (nlen == 11 && strncasecmp(p, "retry-after", 11) == 0)
		x->retry_after = parse_retry_after(colon, len);
	else if (nlen == 4 && strncasecmp(p, "etag", 4) == 0) {
		mem_free(x->etag);
		x->etag = dup_value(colon, len);
	} else if (nlen == 13 && strncasecmp(p, "last-modified", 13) == 0) {
		mem_free(x->last_modified);
		x->last_modified = dup_value(colon, len);
	}
	return size * n;
}

/*
 * Whether x has moved no byte for opts.stall_s since it connected.
 * libcurl's LOW_SPEED_TIME would average over its last seconds, so a
 * silence would end seconds late; this counts from the last byte.
 */
static int
stalled(struct http_xfer *x, curl_off_t moved)
{
	curl_off_t connected = 0;
	double now = chousa_monotonic();

	if (x->moved_at == 0) {
		if (curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T,
		    &connected) != CURLE_OK || connected == 0)
			return 0;
		x->moved_at = now;
	}
	if (moved != x->moved) {
		x->moved = moved;
		x->moved_at = now;
		return 0;
	}
	x->stalled = now - x->moved_at >= (double)x->h->opts.stall_s;
	return x->stalled;
}

static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
    curl_off_t ulnow)
{
	struct http_xfer *x = arg;

	(void)ultotal;
	if (x->h->opts.stall_s > 0 && stalled(x, dlnow + ulnow))
		return 1;
	if (x->progress != NULL)
		x->progress(x->progress_arg, (uint64_t)dlnow,
		    dltotal > 0 ? (uint64_t)dltotal : 0);
	return 0;
}

/* ---- setting up one transfer ---- */

static int
xfer_new(struct chousa_http *h, const struct chousa_http_req *req,
    struct http_xfer **out, struct chousa_err *err)
{
	struct http_xfer *x;
	const char *method = req->method ? req->method : "GET";
	int is_https, is_post;
	char hdr[HTTP_MAX_HEADER];
	size_t i;

	if (req->url == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no url given");
	if (h->opts.offline)
		return chousa_errf(err, CHOUSA_EHTTP,
		    "offline: no request made");
	is_https = strncasecmp(req->url, "https://", 8) == 0;
	if (!is_https && strncasecmp(req->url, "http://", 7) != 0)
		return chousa_errf(err, CHOUSA_EINVAL,
		    "not an http or https url");
	is_post = strcmp(method, "POST") == 0;
	if (!is_post && strcmp(method, "GET") != 0 &&
	    strcmp(method, "DELETE") != 0)
		return chousa_errf(err, CHOUSA_EINVAL,
		    "method '%s' not supported", method);
	x = mem_alloc(sizeof(*x));
	if (x == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	x->h = h;
	x->retry_after = -1;
	chousa_buf_init(&x->resp_body, h->opts.max_body + 1);
	x->url = mem_strdup(req->url);
	x->easy = curl_easy_init();
	if (x->url == NULL || x->easy == NULL)
		goto nomem;
	x->write_body = req->write_body;
	x->write_arg = req->write_arg;
	chousa_buf_init(&x->kept, 0);
	if (req->keep_headers != NULL &&
	    (x->keep_prefix = mem_strdup(req->keep_headers)) == NULL)
		goto nomem;
	if (is_post && req->read_body != NULL) {
		x->read_body = req->read_body;
		x->read_arg = req->read_arg;
		/* A length unknown is sent in chunks. */
		if (req->body_size < 0)
			x->headers = curl_slist_append(x->headers,
			    "Transfer-Encoding: chunked");
	} else if (is_post) {
		x->body_len = req->body ? req->body_len : 0;
		x->body = mem_strndup(req->body ? req->body : "", x->body_len);
		if (x->body == NULL)
			goto nomem;
	}
	for (i = 0; req->headers != NULL && req->headers[i] != NULL; i++) {
		struct curl_slist *l;

		if (i >= 32)
			break;
		l = curl_slist_append(x->headers, req->headers[i]);
		if (l == NULL)
			goto nomem;
		x->headers = l;
	}
	if (req->if_none_match != NULL) {
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s",
		    req->if_none_match);
		x->headers = curl_slist_append(x->headers, hdr);
	}
	if (req->if_modified_since != NULL) {
		snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s",
		    req->if_modified_since);
		x->headers = curl_slist_append(x->headers, hdr);
	}

	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, x->url);
	if (strcmp(method, "DELETE") == 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, HTTP_MAX_REDIRS);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
	    is_https ? "https" : "http,https");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    h->opts.connect_timeout_ms);
	if (h->opts.stall_s > 0) {
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
	}
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, h->ua);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->opts.insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->opts.insecure ? 0L : 2L);
	/* libcurl reads neither CURL_CA_BUNDLE nor SSL_CERT_FILE itself. */
	if (h->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->ca_file);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->opts.max_body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	if (x->headers != NULL)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	if (is_post && x->read_body != NULL) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, x);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_size);
	} else if (is_post) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->body_len);
	}
	*out = x;
	return CHOUSA_OK;
nomem:
	xfer_free(x);
	return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
}

/* Fill resp from a finished transfer; borrowed pointers point into x. */
static void
xfer_result(struct http_xfer *x, CURLcode code, struct chousa_http_resp *resp)
{
	char *ct = NULL;
	double secs = 0;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after = x->retry_after;
	resp->etag = x->etag;
	resp->last_modified = x->last_modified;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
	resp->elapsed = secs;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct) ==
	    CURLE_OK && ct != NULL) {
		x->content_type = mem_strdup(ct);
		resp->content_type = x->content_type;
	}
	resp->body = x->resp_body;
	if (x->kept.len > 0 && !x->kept.failed)
		resp->headers = x->kept.data;
	if (x->sink_failed) {
		resp->rc = CHOUSA_EIO;
		snprintf(resp->errmsg, sizeof(resp->errmsg),
		    "the answer could not be written");
	} else if (x->over_cap || code == CURLE_FILESIZE_EXCEEDED) {
		resp->rc = CHOUSA_ELIMIT;
		snprintf(resp->errmsg, sizeof(resp->errmsg),
		    "response over %zu bytes", x->h->opts.max_body);
	} else if (x->stalled) {
		resp->rc = CHOUSA_ETIMEOUT;
		resp->timed_out = CHOUSA_HTTP_TIMEOUT_STALL;
		snprintf(resp->errmsg, sizeof(resp->errmsg),
		    "nothing sent or received for %ld s", x->h->opts.stall_s);
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		curl_off_t connected = 0;

		resp->rc = CHOUSA_ETIMEOUT;
		/* Connected: TCP, a proxy's tunnel and TLS all done. */
		(void)curl_easy_getinfo(x->easy, CURLINFO_PRETRANSFER_TIME_T,
		    &connected);
		if (connected == 0) {
			resp->timed_out = CHOUSA_HTTP_TIMEOUT_CONNECT;
			snprintf(resp->errmsg, sizeof(resp->errmsg),
			    "no connection after %ld s",
			    (x->h->opts.connect_timeout_ms + 999) / 1000);
		} else {
			resp->timed_out = CHOUSA_HTTP_TIMEOUT_WHOLE;
			snprintf(resp->errmsg, sizeof(resp->errmsg),
			    "timed out after %ld s",
			    (x->h->opts.timeout_ms + 999) / 1000);
		}
	} else if (code == CURLE_OK) {
		resp->rc = CHOUSA_OK;
	} else if (code == CURLE_TOO_MANY_REDIRECTS) {
		resp->rc = CHOUSA_EHTTP;
		snprintf(resp->errmsg, sizeof(resp->errmsg),
		    "too many redirects (over %ld)", HTTP_MAX_REDIRS);
	} else if (code == CURLE_UNSUPPORTED_PROTOCOL &&
	    strncasecmp(x->url, "https://", 8) == 0) {
		/* Only a redirect leaves https: REDIR_PROTOCOLS refused it. */
		resp->rc = CHOUSA_EHTTP;
		snprintf(resp->errmsg, sizeof(resp->errmsg),
		    "redirect refused: an https request may only go to https");
	} else if (code == CURLE_OUT_OF_MEMORY || x->resp_body.failed ==
	    CHOUSA_ENOMEM) {
		resp->rc = CHOUSA_ENOMEM;
		snprintf(resp->errmsg, sizeof(resp->errmsg), "out of memory");
	} else {
		/*
		 * The error buffer names hosts and TLS problems, never
		 * headers, so it is safe to pass on.
		 */
		resp->rc = CHOUSA_EHTTP;
		const char *m = x->errbuf[0] ? x->errbuf :
		    curl_easy_strerror(code);
		size_t n = strnlen(m, sizeof(resp->errmsg) - 1);

		memcpy(resp->errmsg, m, n);
		resp->errmsg[n] = '\0';
	}
}

int
chousa_http_submit(struct chousa_http *h, const struct chousa_http_req *req,
    chousa_http_done_fn fn, void *arg, struct chousa_err *err)
{
	struct http_xfer *x;
	int rc;

	rc = xfer_new(h, req, &x, err);
	if (rc != CHOUSA_OK)
		return rc;
	x->fn = fn;
	x->arg = arg;
	if (h->pend_tail != NULL)
		h->pend_tail->next = x;
	else
		h->pend_head = x;
	h->pend_tail = x;
	h->n_pending++;
	return CHOUSA_OK;
}

int
chousa_http_after(struct chousa_http *h, long delay_ms,
    chousa_http_timer_fn fn, void *arg, struct chousa_err *err)
{
	struct http_timer *t, **pp;

	t = mem_alloc(sizeof(*t));
	if (t == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	t->when = chousa_monotonic() + (delay_ms > 0 ? (double)delay_ms / 1000.0 : 0);
	t->fn = fn;
	t->arg = arg;
	for (pp = &h->timers; *pp != NULL && (*pp)->when <= t->when;
	    pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return CHOUSA_OK;
}

/* Move queued transfers into the multi handle up to max_parallel. */
static int
start_pending(struct chousa_http *h, struct chousa_err *err)
{
	while (h->pend_head != NULL && h->n_active < h->opts.max_parallel) {
		struct http_xfer *x = h->pend_head;

		h->pend_head = x->next;
		if (h->pend_head == NULL)
			h->pend_tail = NULL;
		h->n_pending--;
		x->next = NULL;
		if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
			xfer_free(x);
			return chousa_errf(err, CHOUSA_EHTTP,
			    "cannot add a transfer");
		}
		h->n_active++;
		h->n_requests++;
	}
	return CHOUSA_OK;
}

static void
run_timers(struct chousa_http *h)
{
	double now = chousa_monotonic();
	int n = 0;

	/* Bounded: a timer that re-arms itself at once waits one turn. */
	while (h->timers != NULL && h->timers->when <= now && n++ < 10000) {
		struct http_timer *t = h->timers;

		h->timers = t->next;
		t->fn(t->arg);
		mem_free(t);
	}
}

static void
finish_done(struct chousa_http *h)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct http_xfer *x = NULL;
		struct chousa_http_resp resp;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&x);
		CURLcode code = m->data.result;
		curl_multi_remove_handle(h->multi, x->easy);
		h->n_active--;
		xfer_result(x, code, &resp);
		if (x->fn != NULL)
			x->fn(x->arg, &resp);
		xfer_free(x);
	}
}

int
chousa_http_run(struct chousa_http *h, struct chousa_err *err)
{
	int running = 0, rc;

	for (;;) {
		run_timers(h);
		rc = start_pending(h, err);
		if (rc != CHOUSA_OK)
			return rc;
		if (h->n_active == 0 && h->pend_head == NULL) {
			if (h->timers == NULL)
				break;
			double wait = h->timers->when - chousa_monotonic();
			if (wait > 0) {
				struct timespec ts;

				ts.tv_sec = (time_t)wait;
				ts.tv_nsec = (long)((wait - (double)ts.tv_sec) *
				    1e9);
				nanosleep(&ts, NULL);
			}
			continue;
		}
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return chousa_errf(err, CHOUSA_EHTTP,
			    "curl multi failed");
		finish_done(h);
		if (h->n_active == 0)
			continue;
		long tmo = 1000;
		if (h->timers != NULL) {
			double wait = (h->timers->when - chousa_monotonic()) * 1000.0;

			tmo = wait < 0 ? 0 : wait < 1000 ? (long)wait + 1 :
			    1000;
		}
		if (curl_multi_poll(h->multi, NULL, 0, (int)tmo, NULL) !=
		    CURLM_OK)
			return chousa_errf(err, CHOUSA_EHTTP,
			    "curl multi poll failed");
	}
	return CHOUSA_OK;
}

/* ---- downloads ---- */

int
chousa_http_download(struct chousa_http *h, const struct chousa_http_req *req,
    const char *path, int *not_modified, struct chousa_http_resp *meta,
    chousa_progress_fn progress, void *progress_arg, struct chousa_err *err)
{
	struct http_xfer *x = NULL;
	struct chousa_http_resp resp;
	struct chousa_buf part;
	CURLcode code;
	int rc;

	if (not_modified != NULL)
		*not_modified = 0;
	chousa_buf_init(&part, 4096);
	chousa_buf_addf(&part, "%s.part", path);
	rc = chousa_buf_rc(&part, "download path", err);
	if (rc != CHOUSA_OK)
		goto out;
	rc = xfer_new(h, req, &x, err);
	if (rc != CHOUSA_OK)
		goto out;
	x->fp = fopen(part.data, "wb");
	if (x->fp == NULL) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    part.data, strerror(errno));
		goto out;
	}
	x->progress = progress;
	x->progress_arg = progress_arg;
	curl_easy_setopt(x->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(x->easy, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(x->easy, CURLOPT_XFERINFODATA, x);
	h->n_requests++;
	code = curl_easy_perform(x->easy);
	xfer_result(x, code, &resp);
	if (fclose(x->fp) != 0 && resp.rc == CHOUSA_OK)
		x->file_errno = errno != 0 ? errno : EIO;
	x->fp = NULL;
	if (x->file_errno != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "download failed: cannot "
		    "write '%s': %s%s", part.data, strerror(x->file_errno),
		    x->file_errno == ENOSPC ? ": free space on its disk, "
		    "then try again" : "");
		goto fail;
	}
	if (resp.rc != CHOUSA_OK) {
		rc = chousa_errf(err, resp.rc, "download failed: %s",
		    resp.errmsg);
		goto fail;
	}
	if (resp.status == 304) {
		if (not_modified != NULL)
			*not_modified = 1;
		unlink(part.data);
	} else if (resp.status < 200 || resp.status > 299) {
		rc = chousa_errf(err, CHOUSA_EHTTP, "download failed: HTTP %ld",
		    resp.status);
		goto fail;
	} else if (rename(part.data, path) != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot rename to '%s': %s",
		    path, strerror(errno));
		goto fail;
	}
	if (meta != NULL) {
		/* x dies here: its strings move to h for the caller. */
		*meta = resp;
		memset(&meta->body, 0, sizeof(meta->body));
		meta->content_type = NULL;
		mem_free(h->dl_etag);
		mem_free(h->dl_last_modified);
		h->dl_etag = x->etag;
		h->dl_last_modified = x->last_modified;
		x->etag = x->last_modified = NULL;
		meta->etag = h->dl_etag;
		meta->last_modified = h->dl_last_modified;
	}
	rc = CHOUSA_OK;
	goto out;
fail:
	unlink(part.data);
out:
	if (x != NULL && x->fp != NULL)
		fclose(x->fp);
	if (x != NULL)
		x->fp = NULL;
	xfer_free(x);
	chousa_buf_release(&part);
	return rc;
}
