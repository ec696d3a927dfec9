/*
 * http_int.h: what the online sources need from the HTTP layer beyond the
 * public interface.
 */
#ifndef CHOUSA_HTTP_INT_H
#define CHOUSA_HTTP_INT_H

/* The options in force (defaults filled in); borrowed. */
const struct chousa_http_opts *http_opts(const struct chousa_http *h);

/*
 * Override the time-outs, body cap and parallelism of h (values <= 0 keep
 * the current ones); for requests submitted afterwards.
 */
void	http_tune(struct chousa_http *h, long timeout_ms,
	    long connect_timeout_ms, long max_body, int max_parallel);

/*
 * One slot of state that lives as long as the handle (the online sources'
 * rate buckets); free_fn runs in chousa_http_free().
 */
void	*http_user(const struct chousa_http *h);
void	 http_set_user(struct chousa_http *h, void *p, void (*free_fn)(void *));

/*
 * TLS settings from the config ([http] ca_file, insecure): a CA bundle
 * used instead of the system's (copied; NULL keeps the system's), and
 * verification off when insecure (never turned back on for the handle).
 */
void	http_set_tls(struct chousa_http *h, const char *ca_file, int insecure);

#endif /* CHOUSA_HTTP_INT_H */
