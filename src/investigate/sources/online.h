/*
 * online.h: what every online source shares, so that each module under
 * src/investigate/sources/ is only its requests and its parser.  The framework puts the
 * key where the service wants it, answers from the cache, spends quota
 * (token bucket per source plus daily counters in the store), retries 429
 * and 5xx with back-off, and maps every failure to a status and a clear
 * reason.  A module sees only answers it can parse.
 *
 * Convention with the engine: a query that ends inside start() (skipped,
 * or answered from the cache) has its status set when start() returns and
 * chousa_query_done() is not called; one that ends later calls it.
 */
#ifndef CHOUSA_ONLINE_H
#define CHOUSA_ONLINE_H

#include "chousa.h"
#include "base/json_tree.h"
#include "online/cache.h"

/* Where the API key goes. */
enum online_key {
	ONLINE_KEY_NONE = 0,	/* keyless call */
	ONLINE_KEY_HEADER,	/* key_name is the header prefix "x-apikey: " */
	ONLINE_KEY_FORM		/* key_name is the form field ("apikey") */
};

/*
 * What the callback wants cached; by number also what a source's parse
 * hook returns (include/chousa/investigate.h).
 */
enum online_keep {
	ONLINE_NO_CACHE = 0,
	ONLINE_CACHE_HIT,	/* the source's ttl (24 h by default) */
	ONLINE_CACHE_MISS	/* miss_ttl (1 h by default) */
};

#define ONLINE_MAX_HEADERS	4
/* Bytes of an unreadable answer kept for -v. */
#define ONLINE_HEAD_MAX		160
/* The key group of the abuse.ch APIs: one Auth-Key, [abusech] auth_key. */
#define ONLINE_ABUSECH		"abusech"

struct online_req {
	const char	*method;	/* "GET" (NULL) or "POST" */
	const char	*path;		/* appended to the base URL, escaped */
	const char	*body;		/* POST body without the key, or NULL */
	const char	*body_type;	/* "application/json"; NULL: form */
	int		 key_in;	/* enum online_key */
	const char	*key_name;
	const char	*headers[ONLINE_MAX_HEADERS + 1];	/* extra */
	/*
	 * An optional call (a relationship page) never decides the status:
	 * its failures reach the callback with failed set.
	 */
	int		 optional;
	int		 no_cache;	/* neither read nor write the cache */
};

/* One answer as the callback sees it. */
struct online_result {
	int		 failed;	/* optional call that failed */
	const char	*error;		/* why, when failed */
	long		 status;	/* HTTP status (2xx or 404 otherwise) */
	struct jnode *json;		/* parsed body, or NULL */
	const char	*body;		/* raw body, NUL-terminated */
	size_t		 body_len;
	int		 from_cache;
	int64_t		 fetched_at;
};

struct online_q;

/* Returns enum online_keep.  arg is what the module passed. */
typedef int (*online_fn)(struct online_q *oq, void *arg,
	    const struct online_result *r);

/*
 * Begin an online query: decides skipped (disabled, offline, no key)
 * itself and returns NULL then, with the finding's status set.
 */
struct online_q *online_begin(struct chousa_query *q);
/* Issue one call for oq; fn runs once with its answer. */
void	online_call(struct online_q *oq, const struct online_req *req,
	    online_fn fn, void *arg);
/*
 * Called by start() after its first calls: ends the query when nothing is
 * in flight any more.  Returns OK (start's return value).
 */
int	online_started(struct online_q *oq);

/*
 * sources --check: one uncached call that ends hit ("key accepted") on
 * 2xx or 404, and the usual statuses otherwise.
 */
int	online_check(struct chousa_query *q, const struct online_req *req);

/* The same with the request made by init, then path and body when set. */
int	online_check_with(struct chousa_query *q,
	    void (*init)(struct online_req *), const char *path,
	    const char *body);

struct chousa_query *online_query(struct online_q *oq);
struct chousa_arena *online_arena(struct online_q *oq);
const char *online_key(struct online_q *oq);

/* ---- filling a finding (strings are copied to the arena) ---- */

void	online_hit(struct chousa_finding *f, struct chousa_arena *a);
void	online_miss(struct chousa_finding *f);
void	online_error(struct online_q *oq, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * An answer without the shape the module relies on (what: the field that
 * is missing or of another type; NULL: the HTTP status was not the one
 * the service answers with): status error "unexpected answer from
 * <title>: <what>", never a miss, and the first bytes of the body kept in
 * the finding's answer_head for -v.  Returns ONLINE_NO_CACHE, so that it
 * is never cached.
 */
int	online_unexpected(struct online_q *oq, const struct online_result *r,
	    const char *what);
void	online_add_label(struct chousa_finding *f, struct chousa_arena *a,
	    const char *label);
/* The strings of the JSON array arr, at most max, as labels. */
void	online_add_labels(struct chousa_finding *f, struct chousa_arena *a,
	    struct jnode *arr, size_t max);
/*
 * An AV or sandbox detection name (finding's detections), not a family;
 * kept once per engine, repeats included (agreement is counted).
 */
void	online_add_detection(struct chousa_finding *f, struct chousa_arena *a,
	    const char *name);
void	online_add_related(struct chousa_finding *f, struct chousa_arena *a,
	    int rel, int type, const char *value, const char *family,
	    int64_t seen);
/* Time from a string in any format chousa_time_parse reads, else 0. */
int64_t	online_time(const char *s);
/* Verdict from malicious/suspicious counts. */
int	online_verdict_counts(int malicious, int suspicious);
/* The ioc type of a hash by its length (md5/sha1/sha256), else NONE. */
int	online_hash_type(const char *s);

/* Fresh request with the key put where key_in says. */
void	online_req_init(struct online_req *req, int key_in,
	    const char *key_name);
/*
 * Issue req and end start(): the usual tail of a module's start().  A
 * NULL path, or a POST without a body, is what a failed arena printf
 * left: CHOUSA_ENOMEM.
 */
int	online_ask(struct online_q *oq, const struct online_req *req,
	    online_fn fn, void *arg, struct chousa_err *err);

/*
 * The abuse.ch envelope (URLhaus, ThreatFox, MalwareBazaar): returns
 * ONLINE_CACHE_HIT when query_status is "ok" (and, with need_data, data
 * is a non-empty array); else ends the answer as a miss ("no_result",
 * "no_results", also_miss, or an empty data list) with miss_detail, as
 * unexpected (not HTTP 200, no query_status, data not a list), or as an
 * error (a refused key, as a 401 is; another status names bad input),
 * and returns the keep value.
 */
int	online_abusech(struct online_q *oq, const struct online_result *r,
	    const char *miss_detail, const char *also_miss, int need_data);
/* An abuse.ch request: a POST with the key in the Auth-Key header. */
void	online_abusech_req(struct online_req *req);

/* The indicator types most services take. */
#define ONLINE_NET	(CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | \
			    CHOUSA_IOC_BIT(CHOUSA_IOC_URL))
#define ONLINE_HASH3	(CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) | \
			    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) | \
			    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256))

/*
 * The service's word for the subject's type: domain, ip or url as given;
 * for a hash its kind ("md5", "sha1", "sha512", else "sha256").
 */
const char *online_type_word(const struct chousa_query *q,
	    const char *domain, const char *ip, const char *url);
/* Whether the query's subject is a hash, or an IP address. */
int	online_is_hash(const struct chousa_query *q);
int	online_is_ip(const struct chousa_query *q);
/* A copy of s of at most max bytes in the arena; NULL for NULL. */
char	*online_strn(struct chousa_arena *a, const char *s, size_t max);
/* Verdict from a sandbox's word: malicious, suspicious, whitelisted. */
int	online_verdict_word(const char *s);
/* Raise f's verdict to v when v is worse (unknown never lowers it). */
void	online_raise_verdict(struct chousa_finding *f, int v);
/*
 * A sample relation (rel) to sha with its family label; returns 0 and
 * adds nothing when sha is not a sha256.
 */
int	online_add_sample(struct chousa_finding *f, struct chousa_arena *a,
	    int rel, const char *sha, const char *family, int64_t seen);

/* ---- escaping for requests ---- */

/* A form body "prefix<value percent-encoded>" ("url=..."); arena. */
char	*online_form(struct chousa_arena *a, const char *prefix,
	    const char *value);

/* Percent-encode s for a URL path segment or form value; arena. */
char	*online_urlenc(struct chousa_arena *a, const char *s);
/*
 * A JSON request body: online_json_begin readies b and w, then chousa_jw
 * writes the object and online_json_end copies it into a and releases b
 * (NULL when out of memory).  The writer puts ", " and ": " between
 * members, as the first bodies were written by hand: a body is part of
 * its answer's cache key, so cached answers stay valid.
 */
void	online_json_begin(struct chousa_buf *b, struct chousa_jw *w);
char	*online_json_end(struct chousa_arena *a, struct chousa_buf *b);

/* ---- parsers callable on a buffer (fuzzing, tests) ---- */

/*
 * Parse body as src's answer to a question about subject (an indicator
 * as written, or NULL) into f; strings go to a.  Returns the keep value,
 * or -1 when the body is not JSON.  No request is made: follow-up calls
 * a callback would issue are dropped.  Each module's parse hook (struct
 * chousa_source) is this with its callback.
 */
int	online_parse_buffer(online_fn fn, void *arg,
	    const struct chousa_source *src, const char *subject,
	    const char *body, size_t len, struct chousa_arena *a,
	    struct chousa_finding *f);

#endif /* CHOUSA_ONLINE_H */
