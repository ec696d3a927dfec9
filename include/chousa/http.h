/*
 * chousa/http.h: the one HTTP layer (src/http*.c, the only user of
 * libcurl).  Many requests are in flight at once through the curl multi
 * interface; the layer owns time-outs, the body cap, gzip, proxies from the
 * environment, TLS verification, the user agent and bounded redirects that
 * never downgrade to plain HTTP (an https request may only be redirected
 * to https, at most 5 times).  Proxies come from the environment as
 * libcurl reads them, since CURLOPT_PROXY is never set: https_proxy or
 * HTTPS_PROXY for https URLs, http_proxy for http, NO_PROXY for
 * exceptions.  TLS peers are always verified unless opts.insecure, which
 * the caller must announce with a warning.  Part of chousa.h.
 */
#ifndef CHOUSA_HTTP_H
#define CHOUSA_HTTP_H

struct chousa_http;

struct chousa_http_opts {
	long		 timeout_ms;	/* whole request; 0: 30 s */
	long		 connect_timeout_ms;	/* 0: 10 s */
	/*
	 * The longest a request may go with no byte sent or received once
	 * connected, in seconds; 0: no such limit (timeout_ms alone).  A
	 * peer that works long before its answer (the team server's
	 * investigation) is given this and a long timeout_ms.
	 */
	long		 stall_s;
	size_t		 max_body;	/* 0: 32 MiB */
	int		 max_parallel;	/* transfers at once; 0: 16 */
	int		 insecure;	/* no TLS verification (on-prem) */
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
	/*
	 * A POST body read as it is sent, instead of body (a log uploaded
	 * to the team server): read_body puts at most n bytes at buf and
	 * returns how many, 0 at its end, -1 on a failure (the request then
	 * ends with CHOUSA_EHTTP).  body_size is its length, or -1 when
	 * unknown (sent chunked).
	 */
	long		(*read_body)(void *arg, char *buf, size_t n);
	void		*read_arg;
	int64_t		 body_size;
	/*
	 * A 2xx answer's body handed on as it comes, instead of kept in
	 * resp.body (an export of the team server's store, of any size):
	 * write_body takes n bytes and returns n, or -1 on a failure (the
	 * request then ends with CHOUSA_EIO).  The body of any other status
	 * is kept in resp.body, as ever, for its error.
	 */
	long		(*write_body)(void *arg, const char *p, size_t n);
	void		*write_arg;
	/*
	 * The answer's headers whose names start with this (case does not
	 * matter: "Chousa-"), kept in resp.headers; NULL keeps none.
	 */
	const char	*keep_headers;
};

/*
 * rc is CHOUSA_OK when an HTTP answer came (whatever its status), else
 * CHOUSA_ETIMEOUT (with timed_out saying which limit: "timed out after N
 * s", "no connection after N s", "nothing sent or received for N s"),
 * CHOUSA_ELIMIT ("response over N bytes": the transfer is aborted at the
 * cap), CHOUSA_ENOMEM or CHOUSA_EHTTP (libcurl's reason, which never holds
 * a header).
 */
enum chousa_http_timeout {
	CHOUSA_HTTP_TIMEOUT_WHOLE = 1,	/* opts.timeout_ms */
	CHOUSA_HTTP_TIMEOUT_CONNECT,	/* opts.connect_timeout_ms */
	CHOUSA_HTTP_TIMEOUT_STALL	/* opts.stall_s */
};
struct chousa_http_resp {
	int		 rc;
	char		 errmsg[200];	/* why, when rc != OK */
	int		 timed_out;	/* enum chousa_http_timeout, or 0 */
	long		 status;	/* HTTP status */
	struct chousa_buf body;		/* borrowed for the callback */
	const char	*content_type;	/* borrowed, or NULL */
	long		 retry_after;	/* seconds (delta or HTTP date), -1:
					 * absent */
	const char	*etag;		/* borrowed, or NULL */
	const char	*last_modified;	/* borrowed, or NULL */
	const char	*headers;	/* req.keep_headers': "Name: value\n"
					 * lines, borrowed, or NULL */
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
 * Call fn(arg) from chousa_http_run() once delay_ms have passed; the run
 * does not return while a timer is armed.  Sources use it to release
 * queued requests when a rate limit allows, instead of sleeping.
 */
typedef void (*chousa_http_timer_fn)(void *arg);
int	chousa_http_after(struct chousa_http *h, long delay_ms,
	    chousa_http_timer_fn fn, void *arg, struct chousa_err *err);

/*
 * Whether cfg turns TLS verification off for the online sources ([http]
 * insecure = yes, or CHOUSA_HTTP_INSECURE=yes), for on-premises services
 * with private certificates; [http] ca_file = PATH trusts a private CA
 * instead and keeps verification on.  The library never prints: a command
 * that makes online calls warns "chousa: warning: TLS verification is
 * off" when this is true.
 */
int	chousa_http_insecure(const struct chousa_config *cfg);

/*
 * Apply the TLS settings of cfg ([http] ca_file and insecure) to h.  Every
 * command that makes its own handle calls this, so they all agree.
 */
void	chousa_http_use_config(struct chousa_http *h,
	    const struct chousa_config *cfg);
/*
 * Forget what the runs on h have learnt under the config so far: the keys
 * a service refused, the sources' rate state (the daily counts are read
 * again from the store).  For a handle that outlives a config (the team
 * server's, after SIGHUP), between runs.
 */
void	chousa_http_forget(struct chousa_http *h);

/* Requests handed to the network so far (tests check offline runs). */
unsigned long chousa_http_n_requests(const struct chousa_http *h);

/*
 * Download url to path (written to path.part, renamed on success).  With
 * an ETag or date from an earlier download, a 304 leaves path alone and
 * sets *not_modified.  Used by `chousa update`.  CHOUSA_EIO only for a
 * failure of this machine's (path cannot be written: a full disk), never
 * for the server's or the network's.
 */
int	chousa_http_download(struct chousa_http *h,
	    const struct chousa_http_req *req, const char *path,
	    int *not_modified, struct chousa_http_resp *meta,
	    chousa_progress_fn progress, void *progress_arg,
	    struct chousa_err *err);

/* ---- feed updates (src/online/feed_update.c) ---- */

/*
 * Append to out the directory chousa update keeps its downloads in,
 * feeds/ beside the store at store_path, and create it (mode 0700) when it
 * is not there.  CHOUSA_EIO when it cannot be created.
 */
int	chousa_feed_dir(const char *store_path, struct chousa_buf *out,
	    struct chousa_err *err);

/* The steps of one feed's update, as chousa_feed_step_fn sees them. */
enum chousa_feed_step {
	CHOUSA_FEED_STEP_DOWNLOAD,	/* the download begins */
	CHOUSA_FEED_STEP_IMPORT,	/* the import begins */
	CHOUSA_FEED_STEP_END		/* the step that began has ended */
};
typedef void (*chousa_feed_step_fn)(void *arg,
	    const struct chousa_feed *feed, int step);

/* What chousa_feed_update() works with; every pointer is borrowed. */
struct chousa_feed_update_opts {
	const struct chousa_config *cfg;	/* [feeds] <name>_url,
						 * [abusech] auth_key */
	struct chousa_store	*store;		/* imported into */
	struct chousa_http	*http;		/* downloads through */
	const char		*dir;		/* from chousa_feed_dir() */
	chousa_feed_step_fn	 step;		/* or NULL */
	chousa_progress_fn	 progress;	/* bytes downloaded, then the
						 * import's progress; or NULL */
	void			*progress_arg;	/* for step and progress */
};

/* How one feed's update ended. */
enum chousa_feed_outcome {
	CHOUSA_FEED_NOT_TRIED,		/* nothing was asked: see the error */
	CHOUSA_FEED_UPDATED,		/* downloaded and imported */
	CHOUSA_FEED_NOT_MODIFIED,	/* unchanged upstream since the last
					 * download; the check is dated */
	CHOUSA_FEED_NO_KEY,		/* skipped: it needs [abusech]
					 * auth_key, which is not set */
	CHOUSA_FEED_DOWNLOAD_FAILED,	/* previous data kept */
	CHOUSA_FEED_IMPORT_FAILED	/* previous data kept */
};

struct chousa_feed_result {
	int				 outcome;	/* CHOUSA_FEED_* */
	const char			*path;		/* the download; arena,
							 * or NULL */
	/* The import's counts (a failed one's format and digest). */
	struct chousa_import_report	 rep;
	/* A bundle of lists (warninglists, abusech-fp): lists > 0. */
	struct chousa_bundle_report	 bundle;
	/*
	 * code != CHOUSA_OK: updated or checked, but the feed state (ETag,
	 * Last-Modified, time of the check) was not recorded, so the next
	 * update asks unconditionally.
	 */
	struct chousa_err		 state_err;
};

/*
 * Update feed: download it from the [feeds] <name>_url of opts->cfg, else
 * its official url, into opts->dir/<file> (the abuse.ch Auth-Key sent to
 * the feeds that take it; conditionally when the last download is still
 * there), then import it into opts->store.  out is always filled; its
 * path is in a.  Returns CHOUSA_OK when outcome is UPDATED, NOT_MODIFIED
 * or NO_KEY; otherwise the error that stopped it, with outcome saying
 * where: CHOUSA_EINVAL "no location; set [feeds] <name>_url in the
 * config" (NOT_TRIED), the download's error (DOWNLOAD_FAILED) or the
 * import's (IMPORT_FAILED: CHOUSA_ESTORE when the store, not the file,
 * failed, as chousa_store_import() says).  Never prints: progress goes to opts->step and
 * opts->progress.
 */
int	chousa_feed_update(const struct chousa_feed_update_opts *opts,
	    const struct chousa_feed *feed, struct chousa_arena *a,
	    struct chousa_feed_result *out, struct chousa_err *err);

/* ---- the online sources' cache, quotas and state (src/online/cache.c) ---- */

/* One source's share of the response cache. */
struct chousa_cache_stat {
	const char	*source;	/* borrowed for the callback */
	uint64_t	 entries;
	uint64_t	 bytes;
	uint64_t	 expired;	/* still stored, no longer used */
	int64_t		 oldest;	/* fetched_at, Unix seconds */
	int64_t		 newest;
};
typedef int (*chousa_cache_stat_fn)(void *arg,
	    const struct chousa_cache_stat *cs);

/* Call fn once per source that has cached answers, by name. */
int	chousa_cache_stats(struct chousa_store *st, chousa_cache_stat_fn fn,
	    void *arg, struct chousa_err *err);
/* Drop the cached answers of source (NULL: all); OUT: *n_removed. */
int	chousa_cache_clear(struct chousa_store *st, const char *source,
	    uint64_t *n_removed, struct chousa_err *err);

/* What `chousa sources` shows about one source. */
struct chousa_source_info {
	long		 daily;		/* limit per day in force, 0: none */
	long		 used_today;	/* requests made today (UTC) */
	long		 quota_left;	/* -1: unlimited */
	const char	*last_error;	/* arena, or NULL */
	int64_t		 last_error_at;
	uint64_t	 cache_entries;
	uint64_t	 cache_bytes;
};

/* Fill out for src from the store (may be NULL) and the config. */
int	chousa_source_state(struct chousa_store *st, struct chousa_arena *a,
	    const struct chousa_source *src, const struct chousa_config *cfg,
	    struct chousa_source_info *out, struct chousa_err *err);

#endif /* CHOUSA_HTTP_H */
