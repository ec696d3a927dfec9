/*
 * chousa/http.h: the one HTTP layer (src/http*.c, the only user of
 * libcurl).  Many requests are in flight at once through the curl multi
 * interface; the layer owns time-outs, the body cap, gzip, proxies from the
 * environment, TLS verification, the user agent and bounded redirects that
 * never downgrade to plain HTTP.  Part of chousa.h.
 */
#ifndef CHOUSA_HTTP_H
#define CHOUSA_HTTP_H

struct chousa_http;

struct chousa_http_opts {
	long		 timeout_ms;	/* whole request; 0: 30 s */
	long		 connect_timeout_ms;	/* 0: 10 s */
	size_t		 max_body;	/* 0: 32 MiB */
	int		 max_parallel;	/* 0: 16 */
	int		 insecure;	/* skip TLS verification (on-premises) */
	int		 offline;	/* refuse every request: no socket */
	const char	*user_agent;	/* NULL: "chousa/VERSION" */
};

/* A header as "Name: value"; the layer never logs header values. */
struct chousa_http_req {
	const char	*method;	/* "GET" or "POST" */
	const char	*url;
	const char	*const *headers;	/* NULL-terminated, or NULL */
	const char	*body;		/* POST body, or NULL */
	size_t		 body_len;
	const char	*if_none_match;	/* ETag, or NULL */
	const char	*if_modified_since;	/* HTTP date, or NULL */
};

struct chousa_http_resp {
	int		 rc;		/* CHOUSA_OK when an HTTP answer came */
	char		 errmsg[200];	/* transport error when rc != OK */
	long		 status;	/* HTTP status */
	struct chousa_buf body;		/* borrowed for the callback */
	const char	*content_type;	/* borrowed, or NULL */
	long		 retry_after;	/* seconds, -1 when absent */
	const char	*etag;		/* borrowed, or NULL */
	const char	*last_modified;	/* borrowed, or NULL */
	double		 elapsed;	/* seconds */
};

/* Called once per request when it ends, from chousa_http_run(). */
typedef void (*chousa_http_done_fn)(void *arg,
	    const struct chousa_http_resp *resp);

/* Caller frees with chousa_http_free(). */
int	chousa_http_new(struct chousa_http **out,
	    const struct chousa_http_opts *opts, struct chousa_err *err);
void	chousa_http_free(struct chousa_http *h);

/*
 * Queue a request; fn runs when it ends (also on transport failure).  The
 * request's strings are copied.  With opts.offline this fails at once with
 * CHOUSA_EHTTP and opens no socket.
 */
int	chousa_http_submit(struct chousa_http *h,
	    const struct chousa_http_req *req, chousa_http_done_fn fn,
	    void *arg, struct chousa_err *err);

/*
 * Drive every queued request to its end, calling the callbacks; callbacks
 * may submit more.  Returns when nothing is left.
 */
int	chousa_http_run(struct chousa_http *h, struct chousa_err *err);

/*
 * Download url to path (written to path.part, renamed on success).  With
 * an ETag or date from an earlier download, a 304 leaves path alone and
 * sets *not_modified.  Used by `chousa update`.
 */
int	chousa_http_download(struct chousa_http *h,
	    const struct chousa_http_req *req, const char *path,
	    int *not_modified, struct chousa_http_resp *meta,
	    chousa_progress_fn progress, void *progress_arg,
	    struct chousa_err *err);

#endif /* CHOUSA_HTTP_H */
