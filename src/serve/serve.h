/*
 * serve.h: what the team server's files share.  server.c runs
 * libmicrohttpd and turns each HTTP request into a struct sreq that one
 * route handles (api.c, web.c, mcp.c); ops.c holds the operations those
 * three front ends have in common (look-up, extraction, sources,
 * investigation), so a REST answer, a web page and an MCP result come from
 * the same call and the same renderer.  auth.c says who asks, audit.c
 * writes it down, worker.c runs every online investigation in one thread
 * (one set of quota buckets, one cache, single flight), update.c runs the
 * scheduled feed updates.  Never exported.
 */
#ifndef CHOUSA_SERVE_INTERNAL_H
#define CHOUSA_SERVE_INTERNAL_H

#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "chousa.h"
#include "base/ranges.h"

struct MHD_Connection;
struct bgjob;
struct route;
struct server;
struct tstore;
struct sreq;

/* ---- limits ---- */

#define SERVE_MAX_JSON_BODY	((size_t)1 << 20)	/* API requests */
#define SERVE_MAX_TEXT_BODY	((size_t)8 << 20)	/* text to extract */
#define SERVE_MAX_SWEEP_BODY	((size_t)1 << 30)	/* a streamed log, unless
						 * [server] sweep_max */
#define SERVE_MAX_INPUTS	1000	/* indicators in one request */
#define SERVE_MAX_OUTPUT	((size_t)64 << 20)	/* one answer */
/*
 * A REST investigation's answer past this many bytes goes on, as it is
 * made, to an unlinked temporary file in TMPDIR, and is sent from there:
 * a running job holds at most this much of its output (and a report) in
 * memory.
 */
#define SERVE_SPOOL_AT		((size_t)1 << 20)
/*
 * Chousa-Warning headers in one answer (a client caps its headers' size);
 * the last one says how many more there are.  The CLI's frame has them all.
 */
#define SERVE_MAX_WARN_HEADERS	8
/*
 * The audit log says what was asked, not all of it: the first inputs of a
 * request, each cut, so that its line stays under SERVE_AUDIT_LINE_MAX
 * (an input escaped for JSON grows at most six times).
 */
#define SERVE_AUDIT_INPUTS	100
#define SERVE_AUDIT_INPUT_LEN	2048
#define SERVE_AUDIT_LINE_MAX	((size_t)2 << 20)

/* ---- who asks (auth.c) ---- */

struct principal {
	int		 role;		/* enum chousa_role */
	int64_t		 token_id;	/* 0: none */
	int64_t		 expires_at;	/* the token's end, 0: none */
	char		 name[64];	/* the token's name, or "" */
	long		 online_budget;	/* the token's, -1: the server's */
	const char	*via;		/* "bearer", "session", "none",
					 * "stdio" */
	/* The token's allowed addresses (struct chousa_token's); "": any. */
	char		 allow_from[CHOUSA_TOKEN_ALLOW_MAX + 1];
};

/*
 * A web session: the cookie's value maps to a principal and a CSRF token
 * (derived from the id: the store keeps neither, only the id's hash).
 */
#define SESSION_ID_SIZE		43
struct session {
	char		 id[SESSION_ID_SIZE + 1];
	char		 csrf[65];
	char		 token_hash[65];	/* re-checked on every use */
	struct principal who;
	int64_t		 expires;
};

struct auth;
int	auth_new(struct auth **out, long rate_per_min, long burst,
	    struct chousa_err *err);
/* A new rate for every token (a SIGHUP); their buckets are kept. */
void	auth_set_rate(struct auth *a, long rate_per_min, long burst);
void	auth_free(struct auth *a);
/*
 * Who the Authorization header or session cookie of r names; a token that
 * is unknown, malformed or revoked leaves role NONE and says why in
 * *refusal (static).  *refusal == auth_unreadable when the fault is the
 * server's: its token store could not be read.
 */
extern const char auth_unreadable[];
void	auth_identify(struct server *s, struct sreq *r,
	    const char **refusal);
/*
 * Who the token text tok is: 1 with who and its hash filled, or 0 with
 * *refusal saying why (malformed, unknown, revoked).  A token let in is
 * noted as used (used.c).
 */
int	auth_token(struct server *s, struct sreq *r, const char *tok,
	    struct principal *who, char hex[65], const char **refusal);
/*
 * Whether t[i] of a listing (oldest first) is its name's current token:
 * valid, and no later one of the name valid (one rotated is, for its
 * grace).  What the name spent is said on it.  With bearer, among the
 * name's bearer tokens only (a single sign-on user's row stands beside
 * them): the one rotated.
 */
int	auth_token_current(const struct chousa_token *t, size_t n, size_t i,
	    int64_t now, int bearer);
/* When t was last used and from where ("never"), for a listing. */
void	auth_last_use_text(const struct chousa_token *t, char *out,
	    size_t size);
/* A token was created or revoked through the server: trust none seen. */
void	auth_tokens_changed(void);
/*
 * The Set-Cookie value for session s (NULL: the cookie ended, for a
 * sign-out): HttpOnly, SameSite=Strict, Path=/; over TLS (r's own or a
 * trusted proxy's) Secure and named __Host-chousa_session, else
 * chousa_session; NULL when memory runs out.
 */
const char *auth_session_cookie(struct sreq *r, const struct session *s);
/*
 * The role of a user the proxy signed in, in groups (the proxy's
 * comma-separated [server] proxy_groups_header, NULL: none): admin for
 * proxy_admins, else the highest of proxy_user_role's and those
 * proxy_group_roles gives its groups; CHOUSA_ROLE_NONE: refused.
 */
int	auth_proxy_role(const struct chousa_config *cfg, const char *user,
	    const char *groups);
/*
 * Whether a value of [server] proxy_user_role (none, read, investigate),
 * or of proxy_group_roles (GROUP=ROLE, ...), can be read: CHOUSA_OK, else
 * CHOUSA_EINVAL and why in err (settings.c's checks).
 */
int	auth_user_role_check(const char *value, struct chousa_err *err);
int	auth_group_roles_check(const char *value, struct chousa_err *err);
/*
 * Each entry GROUP=ROLE of map ([server] proxy_group_roles) checked (the
 * last '=' divides, as a group's name may hold one); with groups (a
 * proxy's comma-separated header; NULL: none), *role raised to the
 * highest role of an entry whose group it lists, in any case.
 * CHOUSA_EINVAL for a bad entry.
 */
int	auth_group_role(const char *map, const char *groups, int *role,
	    struct chousa_err *err);
/*
 * The next entry of the comma-separated list at *p (blanks around an
 * entry are not its own; empty entries are skipped), *len its length, *p
 * moved past it; NULL at the list's end or when *p is NULL.
 */
const char *auth_list_next(const char **p, size_t *len);
/* Whether list (auth_list_next's; NULL: empty) holds name, in any case. */
int	auth_listed(const char *list, const char *name);
/*
 * Whether who may see the other tokens' names and use beside its own (the
 * series by name of GET /metrics): an admin, or a bearer token [server]
 * metrics_scrapers names (in any case), as a Prometheus's read token.  A
 * user the proxy signed in never is by that list, which names tokens.
 */
int	auth_sees_token_names(const struct chousa_config *cfg,
	    const struct principal *who);

/* ---- the values chousa serve refuses (settings.c) ---- */

/* One refused: its [server] key, its value, and why, words after both. */
typedef void (*serve_refused_fn)(void *arg, const char *key,
	    const char *value, const char *why);
/*
 * Each [server] setting of cfg chousa serve refuses, to fn (NULL: only
 * counted), in the order of chousa_serve_config_checks(); how many.
 */
size_t	serve_refused(const struct chousa_config *cfg, serve_refused_fn fn,
	    void *arg);
/* A last good backup older than this is said by serve --check. */
#define BACKUP_STALE_DAYS	2
/*
 * What a token's name is made of (at most TOKEN_NAME_MAX): an e-mail address
 * a single sign-on proxy names, plus-addressed ones too.
 */
#define TOKEN_NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"abcdefghijklmnopqrstuvwxyz0123456789-_.@+"
#define TOKEN_NAME_MAX		100
#define TOKEN_NAME_RULE		"letters, digits and - _ . @ +, at most 100"
/*
 * A token's allowed addresses as the store keeps them, into out: each
 * address or range checked, blanks dropped, joined by commas; "" for any
 * address (NULL, blank or "any").
 */
int	auth_allow_normal(const char *allow_from,
	    char out[CHOUSA_TOKEN_ALLOW_MAX + 1], struct chousa_err *err);
/* "allow_from": the list of addresses and ranges, null for any. */
void	auth_allow_json(struct chousa_jw *w, const char *allow_from);
/* "note": the text, null for none. */
void	auth_note_json(struct chousa_jw *w, const char *note);
/* "online_budget": a token's budget, null for the server's default. */
void	auth_budget_json(struct chousa_jw *w, long budget);
/* The daily budget of online requests in force for p: 0 no limit. */
long	auth_budget(const struct server *s, const struct principal *p);
/* Whether p may make one more request now; else *retry_after seconds. */
int	auth_rate_take(struct auth *a, const struct principal *p,
	    long *retry_after);
/*
 * Whether a sign-in from the client address peer may go on now: the
 * [server] rate and burst per address.  Else 0, with *retry_after seconds
 * and *first_refusal 1 on the first refusal since one was let in (the
 * one a flood's audit keeps).
 */
int	auth_login_take(struct auth *a, const char *peer, long *retry_after,
	    int *first_refusal);
/*
 * A new session for p, kept in the store (table sessions), so that a
 * restart signs no one out; its id and csrf token are copied to out.
 * Past its token's cap of sessions, that token's oldest ends; -1: no
 * random bytes; AUTH_SESSIONS_FULL: the store holds other tokens' live
 * sessions only (and auth_sessions_full says so); AUTH_SESSIONS_STORE:
 * the store could not be written (auth_sessions_unkept);
 * AUTH_SESSIONS_NOROOM: nor can it be until its admin acts, its disk
 * full or its file not the server's user's (auth_sessions_noroom).
 */
#define AUTH_SESSIONS_FULL	1
#define AUTH_SESSIONS_STORE	2
#define AUTH_SESSIONS_NOROOM	3
extern const char auth_sessions_full[];
extern const char auth_sessions_unkept[];
extern const char auth_sessions_noroom[];
int	auth_session_new(struct server *s, const struct principal *p,
	    const char *token_hash, struct session *out);
/*
 * The web session r's cookie holds, when its token still stands, for a
 * page no route has (its error page's bar): r->who and r->sess filled and
 * 1, else 0.
 */
int	auth_web_session(struct server *s, struct sreq *r);
/*
 * The live session whose cookie value is id into *out: 1; 0 when there
 * is none (ended, expired, never); -1 when the store cannot be read.
 */
int	auth_session_find(struct server *s, const char *id,
	    struct session *out);
/* End the session whose cookie value is id (sign-out, a token refused). */
void	auth_session_end(struct server *s, const char *id);
/* Random base64url text of n characters (n + 1 bytes at out). */
int	auth_random(char *out, size_t n);
/* Compare two NUL-terminated secrets in time independent of content. */
int	auth_secret_eq(const char *a, const char *b);

/* The connections handed to the HTTP threads and not yet closed. */
long	server_connections(struct server *s);
/*
 * One more handed over, or (n -1) not after all: counted by the listener
 * before the HTTP thread may take it up, answer it and even close it,
 * which is counted in server.c.
 */
void	server_connection_added(struct server *s, int n);
/* ts set to ms milliseconds from now, for pthread_cond_timedwait. */
const struct timespec *serve_deadline(struct timespec *ts, long ms);
/* The calling thread named in ps -L, top -H and perf (15 bytes at most). */
void	serve_name_thread(const char *name);

/* ---- the audit log (audit.c) ---- */

struct audit;
/* s: whose log says the audit log's failures. */
int	audit_open(struct audit **out, struct server *s, const char *path,
	    long max_bytes, int keep, struct chousa_err *err);
void	audit_close(struct audit *a);
/* Queue one JSON object (without newline) as one line for the writer. */
void	audit_write(struct audit *a, const struct chousa_buf *line);

/* What the audit log wrote and lost, and its size now. */
struct audit_stats {
	uint64_t	 written;	/* lines */
	uint64_t	 lost;		/* lines */
	uint64_t	 size;		/* bytes of the file being written */
	int		 failing;	/* the last write failed: its errno */
	uint64_t	 deleted;	/* times deleted under the server */
	uint64_t	 gone;		/* lines those deletions took */
	int64_t		 deleted_at;	/* the last deletion; 0: none */
};
void	audit_stats(struct audit *a, struct audit_stats *out);
/*
 * The errno of the last write, when it failed (ENOSPC: the disk full;
 * EFBIG: past the file size limit); 0 when it worked, or a NULL a.
 */
int	audit_failing(struct audit *a);
/*
 * Its path, copied into ar (NULL: no log, a NULL); CHOUSA_ENOMEM when the
 * copy fails.  The search finds the rotated copies beside it.
 */
int	audit_files(struct audit *a, struct chousa_arena *ar,
	    const char **path);
/* Close and open the log again at its path (after a logrotate move). */
void	audit_reopen(struct audit *a);
/*
 * Move the log to path (NULL: the path it was opened at) from its next
 * write on: the writer opens it there, or says why not and keeps writing
 * where it was.  The rotated files stay beside the old path.
 */
void	audit_move(struct audit *a, const char *path);
/* Rotate past max_bytes (0: 64 MiB), keeping keep files (0: 5), from now. */
void	audit_set_rotation(struct audit *a, long max_bytes, int keep);

/*
 * "ADDR:PORT", "[V6]:PORT" or "localhost:PORT" (127.0.0.1) into sa; 0 on
 * a bad address, which listen_form says how to write.
 */
extern const char listen_form[];
/*
 * What is wrong with serving plain HTTP at sa, as a phrase to follow the
 * address ("without TLS: ..."), by whether a TLS proxy is trusted in cfg;
 * NULL on loopback or with TLS.
 */
const char *listen_exposure(const struct sockaddr_storage *sa, int tls,
	    const struct chousa_config *cfg);
int	parse_listen(const char *s, struct sockaddr_storage *sa,
	    socklen_t *len);

/* ---- the certificate (tls.c) ---- */

/* Check a PEM certificate chain and its key as tls_load does, no more. */
int	tls_check(const char *cert_pem, const char *key_pem, int64_t *expires,
	    struct chousa_err *err);

/*
 * Check a PEM certificate chain and its key, and put them in force for
 * the handshakes from now on; a bad pair leaves the one in force.
 * *expires (may be NULL): the certificate's notAfter.
 */
int	tls_load(const char *cert_pem, const char *key_pem, int64_t *expires,
	    struct chousa_err *err);
/* The notAfter of the certificate in force, 0: none. */
int64_t	tls_expires(void);
/* Certificates this close to their end are said as such (log, health). */
#define TLS_WARN_DAYS	14
/*
 * The days from now to until, rounded: what the log, serve --check and
 * health say, so that a start, a reload and a check a moment apart agree.
 */
long long tls_days_left(int64_t until, int64_t now);
/* The retrieve function, as MHD_OPTION_HTTPS_CERT_CALLBACK takes it. */
void	*tls_callback(void);
/* Free every pair loaded (the daemon stopped). */
void	tls_unload(void);

/* ---- metrics (metrics.c) ---- */

struct metrics;
/* Counters for every route of the NULL-ended tables. */
int	metrics_new(struct metrics **out, const struct route *const *tables,
	    struct chousa_err *err);
void	metrics_free(struct metrics *m);
/* A request answered: its route (NULL: none), method, status, duration. */
void	metrics_request(struct metrics *m, const struct route *rt,
	    unsigned method, int status, double seconds);

/* ---- investigations (ops.c, worker.c) ---- */

/*
 * Warnings for the caller ("'x' is not an indicator"): the arrays and the
 * strings in the request's arena.  Each says where the local command
 * would have said it: after how many bytes of its output, the last of
 * them written by one write of that many (0: unknown).  The CLI's frame
 * gives that write as a record of its own, so the CLI's stdout buffer is
 * flushed where the local one is, also when a warning falls on its edge.
 * All zero is an empty list.
 */
struct warnings {
	const char	**msg;
	size_t		 *at;		/* bytes of output before each */
	size_t		 *last;		/* of them, the last write's */
	char		 *kind;		/* 'W' a warning, 'S' a line said */
	size_t		  n, cap;
};

/* One input's outcome, for the triage table, MCP and the audit log. */
struct inv_summary {
	const char	*input;		/* as given */
	const char	*value;		/* normal form, or NULL: not an ioc */
	const char	*type;
	int		 verdict;	/* enum chousa_verdict */
	const char	*family;	/* display name, or NULL */
	const char	*family_id;
	int		 confidence;
	const char	*reason;	/* verdict reason, or parse error */
	int		 n_hits;
};

/* An input left out of a job (its context), for the table. */
struct left_out {
	const char	*value;
	int		 context;
	const char	*field;
	size_t		 before;	/* the investigated inputs before it */
};

/*
 * Offline investigations' answers, kept for the whole server (kept.c):
 * given again to the same request while the store has had no commit, the
 * config is the same and a minute has not passed.  max: bytes in all
 * ([server] answer_cache; 0 keeps none).
 */
struct kept;
struct kept_meta {
	const char	*verdicts;	/* in the arena given */
	const char	*asked;
	int		 exit_status;
	long		 age;		/* seconds since its run began */
};
struct kept_put {
	const char			*bytes;
	size_t				 len;
	const char			*verdicts;
	const char			*asked;
	int				 exit_status;
	struct chousa_store_mark	 mark;
	unsigned			 cfg_gen;
	int64_t				 at;	/* kept_now() at its start */
};
int	kept_new(struct kept **out, size_t max);
void	kept_free(struct kept *k);
void	kept_set_max(struct kept *k, size_t max);
/* 1 with the answer added to out and its meta filled, else 0. */
int	kept_get(struct kept *k, const char *key, size_t key_len,
	    struct chousa_store *st, unsigned cfg_gen, struct chousa_arena *a,
	    struct chousa_buf *out, struct kept_meta *meta);
void	kept_put(struct kept *k, const char *key, size_t key_len,
	    const struct kept_put *p);
unsigned long kept_hits(struct kept *k);
int64_t	kept_now(void);
/*
 * A key's bytes at most: a request of one indicator with its options is
 * far less, and megabytes of padding around one would crowd out every
 * other answer.
 */
#define KEPT_KEY_MAX	16384

/* An investigation a request asks for, run inline or by the worker. */
struct invjob {
	/* In: set by the asker. */
	struct chousa_arena		*a;	/* the request's */
	const char			**inputs;
	size_t				 n_inputs;
	struct chousa_investigate_opts	 io;
	char				 sources[256];	/* io.sources */
	const struct chousa_renderer	*renderer;	/* NULL: none */
	struct chousa_render_opts	 ro;
	/*
	 * Who pays for its online requests: the token's name ("": nobody
	 * counts them) and its daily budget (0: no limit); the server told
	 * when that budget is reached (NULL: none).  Out: online_spent, the
	 * requests charged to it (budget.c).
	 */
	struct server			*srv;
	char				 payer[64];
	long				 payer_budget;
	long				 online_spent;
	int				 brief;	/* the triage table only */
	/*
	 * With no renderer, keep the ranked table (the web page lays it
	 * out): out, triage, the request's until it ends (server.c frees
	 * it), NULL when the run failed.
	 */
	int				 table;
	struct chousa_triage		*triage;
	int				 spool;	/* output past SERVE_SPOOL_AT
						 * to a file (REST only: the
						 * others read out back) */
	/*
	 * Inputs extracted from one text (investigate --extract): where
	 * each sat (NULL: the body), and those left out for it, named in
	 * the table only.
	 */
	int				 from_text;
	const int			*context;	/* n_inputs */
	const char			**field;	/* n_inputs */
	struct left_out			*left;
	size_t				 n_left;
	/*
	 * Out: the rendered document, status as the CLI's, summaries.  When
	 * spooled is not 0, the document is the first spooled bytes of the
	 * file spool_fd (open, owned by the job), and out is empty.
	 */
	struct chousa_buf		 out;
	int				 spool_fd;
	size_t				 spooled;
	size_t				 put_at;	/* where the batch's
							 * last write began */
	int				 exit_status;
	int				 rc;
	struct chousa_err		 err;
	struct inv_summary		*sum;	/* n_inputs of them */
	char				 asked[512];	/* sources asked */
	struct warnings			 warn;	/* inputs that are no
						 * indicators */
	/*
	 * Out: the store as the run read it (its snapshot's mark; marked 0
	 * when it cannot be told) and when it began, so that its answer may
	 * be kept (kept.c); cfg_gen, the config it ran under.
	 */
	struct chousa_store_mark	 mark;
	int				 marked;
	int64_t				 began;
	unsigned			 cfg_gen;
	/*
	 * The request's key in the kept answers, or NULL; from_kept, when
	 * the answer kept by a run just ahead of it was taken instead of
	 * running (out then holds it, kept says of it).  kept_form, when not
	 * NULL, makes what is kept of the answer into b (MCP's tool result,
	 * with kept_arg): 0 when it is none to keep; else out is kept.
	 */
	const char			*kept_key;
	size_t				 kept_key_len;
	int				 from_kept;
	struct kept_meta		 kept;
	int				(*kept_form)(struct invjob *j,
					    void *arg, struct chousa_buf *b);
	void				*kept_arg;
	/* The run's: the output in the CLI's order, into out. */
	struct chousa_batch		*batch;
	size_t				 next_left;	/* left given to it */
	/* The worker's: done() runs in its thread once out is filled. */
	void				(*done)(struct invjob *j);
	void				*done_arg;
	struct invjob			*next;
};

/*
 * Who pays for a run's online requests (budget.c): the jobs it answers,
 * in the order they came, charged through payer against their tokens'
 * daily budgets, counted in the store st (the run's own handle).  inputs
 * are those of the chousa_investigate() call the charges are made in.
 */
struct budget {
	struct chousa_payer	 payer;
	struct chousa_store	*st;
	struct invjob		**jobs;
	size_t			 n_jobs;
	const char *const	*inputs;
	size_t			 n_inputs;
};
void	budget_init(struct budget *b, struct chousa_store *st,
	    struct invjob **jobs, size_t n_jobs);
void	budget_inputs(struct budget *b, const char *const *inputs, size_t n);

/*
 * Run j now in this thread with st (offline runs, MCP over stdio, and the
 * worker's own batches of one).  Fills j's outputs; returns j->rc.
 */
int	invjob_run(struct invjob *j, struct chousa_store *st,
	    const struct chousa_config *cfg, struct chousa_http *shared);

/*
 * A job's output, as the CLI prints it (chousa_batch: the triage table,
 * the order of the reports, the left-out inputs, the tally): begin, take
 * each report in input order, end.  Each returns j->rc.
 */
/* Allocate j's summaries, clear its error, start its output. */
int	invjob_begin(struct invjob *j);
/* Take report rep as input i of j: warnings, summary, sources, output. */
int	invjob_take(struct invjob *j, size_t i,
	    const struct chousa_report *rep);
/* The rest of j->out and j->exit_status; also after a failure. */
int	invjob_end(struct invjob *j);
/* Bytes of output j made so far, in memory and spooled. */
size_t	invjob_len(const struct invjob *j);
/* Close j's spool, if any. */
void	invjob_unspool(struct invjob *j);

struct worker;
int	worker_start(struct worker **out, struct server *s,
	    struct chousa_err *err);
void	worker_stop(struct worker *w);
/*
 * Queue j; done(j) runs in the worker's thread once it is finished.
 * Inputs asked by several queued jobs with the same options are looked
 * up once.
 */
void	worker_submit(struct worker *w, struct invjob *j);
/* Jobs waiting for the online thread. */
size_t	worker_queued(struct worker *w);

/*
 * The offline investigations' threads and their bounded queue.  A request
 * first reserves a place (0: the queue is full, or the server stops), then
 * submits its job; done(j) runs in a pool thread.
 */
struct pool;
int	pool_start(struct pool **out, struct server *s, int threads,
	    long queue, struct chousa_err *err);
void	pool_stop(struct pool *p);
int	pool_reserve(struct pool *p);
void	pool_submit(struct pool *p, struct invjob *j);
/* Jobs queued or running, and how many may be. */
void	pool_load(struct pool *p, size_t *busy, size_t *cap);
/* How many may wait beyond the running ones (a SIGHUP). */
void	pool_set_queue(struct pool *p, long queue);
/*
 * Another number of threads (a SIGHUP): those past it stop taking jobs
 * once their own is done.  Returns how many take jobs now: fewer when
 * not all could be started.
 */
int	pool_set_threads(struct pool *p, int threads);

/*
 * The listening socket (listen.c): opened, bound and listening before the
 * daemon starts, so an address in use is said precisely; its thread then
 * accepts and hands each connection to the daemon s->d.
 */
struct listener;
#define LISTENER_MAX	16	/* sockets passed at most */
int	listener_open(struct listener **out, const struct sockaddr_storage *sa,
	    socklen_t len, const char *addr, struct chousa_err *err);
/*
 * Whether a start could listen on sa (serve --check): a socket bound as
 * listener_open binds it, never listening, and closed at once.  Returns
 * listener_open's error for a bind that fails, *in_use (OUT) set when
 * another socket listens there.
 */
int	listener_probe(const struct sockaddr_storage *sa, socklen_t len,
	    const char *addr, int *in_use, struct chousa_err *err);
/*
 * Listen on the n sockets fds, already bound and listening (passed by
 * systemd); CHOUSA_EINVAL when one is not such a socket.  They are
 * closed with the listener.
 */
int	listener_adopt(struct listener **out, const int *fds, int n,
	    struct chousa_err *err);
/* The port of the first socket. */
int	listener_port(const struct listener *l);
/*
 * Where a listener (of one socket) stands to the address sa, which
 * parse_listen gave: LISTENER_HERE, on it already; LISTENER_OVERLAPS, on
 * the same port of an address that one of them covers (127.0.0.1:8080
 * and 0.0.0.0:8080), which cannot be bound beside it; else
 * LISTENER_ELSEWHERE.  Port 0 (any) is always elsewhere.
 */
#define LISTENER_ELSEWHERE	0
#define LISTENER_HERE		1
#define LISTENER_OVERLAPS	2
int	listener_where(const struct listener *l,
	    const struct sockaddr_storage *sa);
/* The address a listener of one socket is bound to; 0 if none. */
int	listener_bound(const struct listener *l, struct sockaddr_storage *sa,
	    socklen_t *len);
/* "127.0.0.1:8080, [::]:8080" into out; returns how many sockets. */
int	listener_addresses(const struct listener *l, char *out, size_t size);
/*
 * The connections the server may hold, want at most: the descriptor
 * limit is raised toward what they need, and when it cannot be, fewer,
 * said in note (empty when want stands).
 */
long	listener_budget(long want, char *note, size_t n);
/*
 * Accept until the server holds s->max_conns connections, then wait; a
 * connection from an address that has s->max_per_ip open is closed.
 */
int	listener_start(struct listener *l, struct server *s,
	    struct chousa_err *err);
/* Stop accepting and close the socket; NULL is fine. */
void	listener_close(struct listener *l);
/*
 * Stop accepting, hand over the connections that already wait in the
 * backlog, then close: moving to another address refuses no client that
 * came to the old one before the move.
 */
void	listener_retire(struct listener *l);

/*
 * The open connections by client address (peers.c), for [server]
 * max_per_ip.  An address of no IP family is never counted.
 */
struct peers;
int	peers_new(struct peers **out);
void	peers_free(struct peers *p);
/*
 * One more from sa, unless limit (0: none) are open: PEER_IN when let in,
 * PEER_AT_LIMIT, or PEER_NO_MEMORY when a new address finds no room.
 */
enum { PEER_NO_MEMORY = -1, PEER_AT_LIMIT = 0, PEER_IN = 1 };
int	peers_enter(struct peers *p, const struct sockaddr *sa, long limit);
void	peers_leave(struct peers *p, const struct sockaddr *sa);

/*
 * A deadline for each connection's request headers (hdrwatch.c): from its
 * accept and from each answer, a connection whose next request's headers
 * have not all come within *timeout seconds is shut down.
 */
struct hdrwatch;
struct hdrwait {
	struct hdrwait	*prev, *next;	/* under the watch's lock */
	int		 fd;
	int		 cut;		/* shut down once */
	int64_t		 since;		/* ms, monotonic; 0: being answered */
};
int	hdrwatch_new(struct hdrwatch **out, const long *timeout);
void	hdrwatch_free(struct hdrwatch *h);
void	hdrwatch_enter(struct hdrwatch *h, struct hdrwait *w, int fd);
/* Before the socket is closed. */
void	hdrwatch_leave(struct hdrwatch *h, struct hdrwait *w);
void	hdrwait_answering(struct hdrwait *w);	/* its headers came */
void	hdrwait_waiting(struct hdrwait *w);	/* answered: the next's */
uint64_t hdrwatch_cut(struct hdrwatch *h);	/* connections shut */

/*
 * An answer too big to hold: b's bytes go to the end of the unlinked
 * temporary file *fd (made when *spooled is 0), *spooled counts them, and
 * b is emptied.  On failure a file just made is closed again.
 */
int	spool_spill(int *fd, size_t *spooled, struct chousa_buf *b,
	    struct chousa_err *err);

/* ---- the other operations (ops.c), shared by REST, web and MCP ---- */

/* Where an operation runs: a store of this thread, the config. */
struct runenv {
	struct server			*srv;	/* NULL under stdio */
	struct chousa_store		*st;	/* may be NULL: no store */
	const struct chousa_config	*cfg;
	const char			*db_path;
};

/*
 * Add a copy of msg to w, said after at bytes of the output, the last
 * last of them one write of the local command's (out of memory drops it:
 * the answer fails too).
 */
void	warn_add(struct warnings *w, struct chousa_arena *a, size_t at,
	    size_t last, const char *msg);
/*
 * Lines the local command says on stderr as they are, not as warnings
 * ("chousa: " is not put before them): each line of text, after at bytes
 * of output.
 */
void	warn_add_said(struct warnings *w, struct chousa_arena *a, size_t at,
	    const char *text);
/* Add every warning of from to w. */
void	warn_add_all(struct warnings *w, struct chousa_arena *a,
	    const struct warnings *from);

/*
 * What a look-up found, counted from its records: the exit status alone
 * cannot say it, since bad input outranks a malicious match there.
 */
struct lookup_tally {
	size_t	n_malicious;	/* records with malicious true */
	size_t	n_bad;		/* inputs that are no indicators */
	size_t	n_verdict[4];	/* inputs by verdict (CHOUSA_V_...) */
	int	status;		/* the CLI's exit status (0, 1 or 3) */
};

/*
 * Look every input up; the `chousa lookup` document in out (json: the
 * array and a newline, else the text blocks, in ANSI colour when color),
 * its counts and the CLI's exit status in *t.  A store that cannot be
 * read fails (rc, err).
 */
int	op_lookup(struct runenv *env, struct chousa_arena *a,
	    const char *const *inputs, size_t n, int json, int color,
	    struct chousa_buf *out, struct lookup_tally *t,
	    struct warnings *w, struct chousa_err *err);
/*
 * The audit log's verdict of a request, in a's memory: "malicious:2,
 * unknown:1,not an indicator:1", the count of each verdict, the worst
 * first (count[CHOUSA_V_...]), then the inputs that are no indicators
 * (bad); "" when there are none.  An investigation's and a look-up's
 * say it alike.
 */
const char *op_verdict_counts(struct chousa_arena *a, const size_t count[4],
	    size_t bad);
/* A look-up's verdicts for the audit log (op_verdict_counts). */
const char *op_lookup_verdicts(struct chousa_arena *a,
	    const struct lookup_tally *t);
/* The `chousa sources` document (json or the table). */
int	op_sources(struct runenv *env, struct chousa_arena *a, int json,
	    struct chousa_buf *out, struct warnings *w, struct chousa_err *err);

struct extract_req {
	const char	*text;
	size_t		 len;
	unsigned	 types;		/* 0: all */
	int		 unique;
	int		 public_only;
	int		 defang;
	int		 json;
	/* Written past which the extraction fails (ELIMIT); 0: no limit. */
	size_t		 max_out;
	size_t		 n_out;
	/* For investigation from text: normal forms, in order, unique. */
	const char	**found;
	size_t		 n_found;
	size_t		 cap_found;
	struct chousa_arena *a;
};
/*
 * The inputs of j from a text, as investigate --extract takes them: each
 * with its context; those left out (unless all) into j->left.
 */
int	op_extract_inputs(struct invjob *j, const char *text, size_t len,
	    int all, struct chousa_err *err);
/* Extract from text; each indicator written to out (unless out NULL). */
int	op_extract(struct extract_req *x, struct chousa_buf *out,
	    struct chousa_err *err);

/* ---- the REST API's pieces the web page and MCP use too (api.c) ---- */

/*
 * Fill j (memset here) from r and v (a JSON object, or NULL: the query
 * string) as POST /api/v1/investigate reads them; 0 with a 4xx set on r
 * when it cannot.  format is the default renderer's name.
 */
int	api_investigate_job(struct sreq *r, void *v, struct invjob *j,
	    const char *default_format);
/*
 * The options of a request, from the JSON body v (a struct jnode *), or
 * from the query string when v is NULL.  A boolean: def when absent, -2
 * with a 400 set when it is no boolean.  A string: NULL when absent, *bad
 * set (with a 400) when it is no string.  A whole number within [lo, hi]:
 * def when absent, -1 with *bad and a 400 when it is not one.
 */
int	api_opt_bool(struct sreq *r, void *v, const char *key, int def);
const char *api_opt_str(struct sreq *r, void *v, const char *key, int *bad);
long	api_opt_int(struct sreq *r, void *v, const char *key, long lo,
	    long hi, long def, int *bad);
/*
 * The media type of an answer in output format format (json: JSON lines,
 * as the CLI prints them).
 */
const char *api_ctype(const char *format);
/* "malicious:2,unknown:1" for the audit log (arena). */
const char *api_verdicts(struct chousa_arena *a, const struct invjob *j);
/* j's answer kept, when it is one to keep (kept.c), by its run's thread. */
void	api_keep_answer(struct invjob *j, struct kept *k);
/*
 * Whether j, as filled for r, asks what the answers kept may answer:
 * one indicator offline, with no text and nothing refreshed.
 */
int	api_keepable(const struct sreq *r, const struct invjob *j);
/*
 * The answer kept under key (key_len bytes in r's arena, of a request of
 * KEPT_KEY_MAX bytes at most) added to out, meta filled and r's audit
 * and Age header said of it: 1.  Else 0, and j holds the key, so that
 * its run looks again when its turn comes and keeps its answer.
 */
int	api_kept_find(struct sreq *r, struct invjob *j, const char *key,
	    size_t key_len, struct chousa_buf *out, struct kept_meta *meta);
/* r's audit and Age header, for an answer kept (meta). */
void	api_kept_said(struct sreq *r, const struct kept_meta *meta);

/* ---- a body read as it arrives (upload.c) ---- */

/*
 * A streamed route's body, queued by its HTTP thread (body_queue_put from
 * the route's on_body) for the job reading it on its own thread
 * (body_queue_read).  Past QUEUE_MAX bytes queued the connection is
 * suspended until the reader has taken half.
 */
struct chunk;
struct body_queue {
	struct sreq		*r;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;	/* queued, ended or aborted */
	struct chunk		*head, *tail;
	size_t			 queued;
	uint64_t		 received;
	uint64_t		 max;		/* past it, too_big */
	int			 ended;		/* the body is all here */
	int			 aborted;	/* the request or server ends */
	int			 too_big;	/* the body passed max */
	int			 done;		/* the reader reads no more */
	int			 no_memory;	/* a piece could not be queued */
	int			 paused;	/* suspended for a full queue */
	uint64_t		*received_total;	/* counters (atomic), */
	uint64_t		*waits;			/* or NULL */
};
void	body_queue_init(struct body_queue *q, struct sreq *r, uint64_t max,
	    uint64_t *received, uint64_t *waits);
/* Frees the pieces still queued. */
void	body_queue_release(struct body_queue *q);
/*
 * One piece of the body (the HTTP thread); n 0 says it ended.  Past max
 * the rest is dropped and r->too_big set.  Returns 0.
 */
int	body_queue_put(struct body_queue *q, const char *p, size_t n);
/*
 * The reader's read (chousa_read_fn, arg the queue): what is queued, or
 * wait for it; 0 at the end; -1 with errno EFBIG (past max) or
 * ECONNABORTED (the request or server ends).
 */
long	body_queue_read(void *arg, void *buf, size_t cap);
/* Wait for the first piece, the end or an abort. */
void	body_queue_wait_start(struct body_queue *q);
/* The reader reads no more: a paused upload goes on, to be dropped. */
void	body_queue_done(struct body_queue *q);
/* The request ended early, or the server stops (any thread). */
void	body_queue_abort(struct body_queue *q);
/*
 * A body past its cap (413, "the WHAT is over N bytes ([server]
 * SETTING)") or out of memory (503): 1 when r answers so.
 */
int	body_queue_refused(struct sreq *r, const struct body_queue *q,
	    const char *what, const char *setting);

/* ---- sweeps of uploaded logs (sweep.c) and exports (api_export.c) ---- */

/*
 * The matcher the sweeps share, built on first use and after imports, and
 * freed once no sweep has used it for keep seconds (0: kept).
 */
struct sweeper;
int	sweeper_new(struct sweeper **out, struct server *s, long keep);
/* Another keep (a SIGHUP): the reaper looks again at once. */
void	sweeper_set_keep(struct sweeper *sw, long keep);
void	sweeper_free(struct sweeper *sw);
struct sweeper_stats {
	uint64_t	 received;	/* bytes of uploaded logs */
	uint64_t	 waits;		/* uploads suspended for a full queue */
	uint64_t	 builds;	/* matchers built */
	size_t		 matcher_bytes;	/* the one in use, 0: none yet */
};
void	sweeper_stats(struct sweeper *sw, struct sweeper_stats *out);
/* GET /api/v1/audit (admin): the audit log's entries, newest first. */
int	api_audit(struct sreq *r);
/*
 * The same search for the web page's /audit (the same query keys): once
 * done, page(r, lines, len, st) answers from its JSON lines (page NULL:
 * the API's answer).
 */
int	audit_search_page(struct sreq *r, void (*page)(struct sreq *r,
	    const char *lines, size_t len,
	    const struct chousa_audit_stats *st));

/* An entry of the audit log as people read it (audit_search.c). */
#define AUDIT_SHOW_INPUTS	3
struct audit_input {
	const char	*value;		/* the normal form, or NULL: none */
	const char	*shown;		/* defanged, else as asked */
};
struct audit_entry {
	const char	*time, *who, *what;
	const char	*peer;		/* the client's address */
	int64_t		 token_id;	/* 0: none */
	const char	*outcome;	/* the verdict, or why refused */
	int64_t		 status;
	struct audit_input inputs[AUDIT_SHOW_INPUTS];
	size_t		 n_inputs;
	int64_t		 more;		/* inputs not in inputs[] */
};
/*
 * fn(arg, e) for each entry of an answer's JSON lines (the summary line
 * skipped); e and its strings last for the call.  CHOUSA_EPARSE on a line
 * that is not a JSON object.
 */
int	audit_each(const char *jsonl, size_t len,
	    void (*fn)(void *arg, const struct audit_entry *e), void *arg,
	    struct chousa_err *err);
/* POST /api/v1/import (admin): the body, a file, imported as chousa
 * import imports it (api_import.c). */
int	api_import(struct sreq *r);
/*
 * The web page's import (POST /import): text pasted, one indicator a line
 * as the list importer reads it, under source_name (tag and family may be
 * NULL), on a thread of its own; once done, page(r, file, rep, bundle,
 * error) answers (file: the file's name, NULL for text pasted; bundle: a
 * warninglists archive's report, else NULL; error NULL when it was
 * imported).
 */
typedef void (*import_page_fn)(struct sreq *r, const char *file,
	    const struct chousa_import_report *rep,
	    const struct chousa_bundle_report *bundle, const char *error);
int	import_text_page(struct sreq *r, const char *text,
	    const char *source_name, const char *tag, const char *family,
	    import_page_fn page);
/*
 * The page's file (POST /import/file, multipart/form-data: csrf, source,
 * source_name, tag, family, then the file "file"), imported as the API
 * imports an upload, then page.
 */
int	import_file_page(struct sreq *r, int (*csrf_valid)(struct sreq *r,
	    const char *token), import_page_fn page);
/*
 * A sweep's log format (NULL or "auto": detected; format_key names its
 * option in the error) and internal ranges (NULL: none): 1, or 0 with
 * err saying which is wrong.  The API's, the page's and MCP's alike.
 */
int	log_options_valid(const char *format_key, const char *log,
	    const char *internal, struct chousa_err *err);
/* POST /api/v1/sweep: the body, a log, swept as it arrives. */
int	api_sweep(struct sreq *r);
/*
 * A page's form of a few short fields, then one file (form.c): a
 * multipart/form-data body read as it arrives.  When the file begins, its
 * field "csrf" (sent before it) must be valid and options(), reading the
 * fields before it, must accept them; its bytes then go to put (n 0: the
 * file's end; p NULL: the request's end, to release).  A refusal calls
 * abort, and the job's end answers it with file_form_failed.
 */
#define FILE_FORM_FIELDS	6
struct form_value {
	char	 s[1024];
	size_t	 len;		/* past s: too long */
};
struct file_form {
	struct sreq		*r;
	struct MHD_PostProcessor *pp;
	const char		*file_key;
	const char *const	*keys;		/* NULL-ended, at most
						 * FILE_FORM_FIELDS */
	int			(*csrf_valid)(struct sreq *r,
				    const char *token);
	int			(*options)(struct file_form *f);
	int			(*put)(struct sreq *r, const char *p,
				    size_t n);
	void			(*abort)(struct sreq *r);
	void			*arg;		/* the options' */
	struct form_value	 csrf;
	struct form_value	 values[FILE_FORM_FIELDS];
	int			 checked;	/* the CSRF, at the file */
	int			 refused;	/* stale or forged */
	int			 unreadable;	/* not a form, or cut */
	int			 late;		/* an option after the file */
	int			 bad_options;	/* bad says why */
	int			 got_file;
	char			 file[128];	/* its name, as sent */
	struct chousa_err	 bad;
};
/* The post processor for r (0: r's answer is a 415). */
int	file_form_start(struct sreq *r, struct file_form *f);
/* The route's on_body: the body's pieces, its end, the request's end. */
int	file_form_body(struct file_form *f, const char *p, size_t n);
/* Before the job starts, when it is refused. */
void	file_form_stop(struct file_form *f);
/* A field read before the file: its text, NULL when unsent or empty
 * (*too_long set when over the buffer). */
const char *file_form_value(struct file_form *f, const char *key,
	    int *too_long);
/* At the job's end: 1 when the form was refused and r answered so. */
int	file_form_failed(struct file_form *f, const char *no_file);

/*
 * The web page's sweep (POST /sweep, multipart/form-data): the form's
 * field "log", a file, swept as it arrives, once its field "csrf" (sent
 * before it) is valid, with the options of the fields before it
 * (log_format, internal, as_of_log_time, window: the API's); the page
 * then shows the first max_rows hits.
 */
struct web_sweep {
	/* A hit as a row of the page's table. */
	void	(*row)(struct chousa_buf *b, const struct chousa_hit *h,
		    int color);
	int	(*csrf_valid)(struct sreq *r, const char *token);
	/* The answer's page: the rows written, of sum->hits. */
	void	(*page)(struct sreq *r, const char *file, const char *format,
		    const struct chousa_buf *rows, uint64_t shown,
		    const struct chousa_sweep_summary *sum);
	uint64_t max_rows;
};
int	sweep_form(struct sreq *r, const struct web_sweep *ws);
/*
 * Sweep text whole (the MCP sweep tool): with the server's shared
 * matcher, or under stdio one the process keeps until the store changes
 * (sweep_text_release frees it); the hits as JSON lines into out.
 */
int	sweep_text(struct runenv *env, const char *text, size_t len,
	    const struct chousa_sweep_opts *so, struct chousa_buf *out,
	    struct chousa_sweep_stats *ss, struct chousa_err *err);
void	sweep_text_release(void);
/* GET /api/v1/export: the store in an engine's format. */
int	api_export(struct sreq *r);

/* ---- a request (server.c) ---- */

enum { M_GET = 1, M_POST = 2, M_DELETE = 4, M_HEAD = 8, M_OTHER = 16 };

/*
 * A route: a path (where '*' is one segment without a '/', as a token's
 * name, or, last, the rest of the path), and its handler.  The first
 * route whose path matches a request's decides which routes are its path's.
 */
struct route {
	const char	*path;
	unsigned	 methods;	/* M_* mask */
	int		 role;		/* the least role it needs */
	size_t		 max_body;	/* 0: no body allowed */
	unsigned	 flags;
	/* Fill r's response, or start a job and return ROUTE_PENDING. */
	int		(*handle)(struct sreq *r);
	const char	*what;		/* for the audit log */
};
#define ROUTE_WEB	0x1u	/* a page: login form instead of 401, and
				 * CSRF checked on POST */
#define ROUTE_STREAM	0x2u	/* body handed to on_body, not kept */
#define ROUTE_TEXT	0x4u	/* its body is text, not JSON (a 415 says) */
#define ROUTE_NO_AUDIT	0x8u	/* static files, health */
#define ROUTE_FILE	0x10u	/* answers a file's bytes (export): cli=1
				 * frames its errors only */
#define ROUTE_IMPORT	0x20u	/* a streamed body capped by import_max */
#define ROUTE_PENDING	1

struct sreq {
	struct server		*srv;
	struct MHD_Connection	*conn;
	const struct route	*route;
	struct chousa_arena	*a;
	unsigned		 method;
	const char		*path;
	const char		*peer;		/* client address */
	const char		*proxy;		/* the trusted proxy it came by */
	struct cfg_ref		*cfg_ref;	/* r->env.cfg's hold */
	int			 forwarded_https; /* by a proxy's TLS */
	int			 by_proxy;	/* from a trusted proxy */
	struct principal	 who;
	struct session		 sess;		/* when via session */
	int			 has_session;
	int			 quiet;		/* refused, not audited: one
						 * of a flood already was */
	struct runenv		 env;
	/* The body, kept (up to route->max_body) unless ROUTE_STREAM. */
	struct chousa_buf	 body;
	int			 too_big;
	int			 close_after;	/* framing not to be trusted:
						 * no request after this one */
	size_t			 discarded;	/* bytes over the cap */
	/*
	 * Streaming routes: called with each piece of the body, then with
	 * ("", 0) when it has ended, and with (NULL, 0) when the request is
	 * done, to free what stream holds.
	 */
	int			(*on_body)(struct sreq *r, const char *p,
				    size_t n);
	void			*stream;
	/* The response. */
	int			 status;
	const char		*ctype;
	struct chousa_buf	 out;
	/*
	 * Or, when spool_len is not 0, the output is that many bytes of the
	 * file spool_fd (r owns it until respond() hands it on), out empty.
	 */
	int			 spool_fd;
	size_t			 spool_len;
	const char		*hdr_name[12];
	const char		*hdr_value[12];
	size_t			 n_hdr;
	int			 exit_status;	/* -1: no Chousa-Exit header */
	/*
	 * The output, warnings and exit status stand though the status is
	 * an error (an import that failed: its JSON line and why); the
	 * refusal is then one of the warnings, for the CLI's frame.
	 */
	int			 answer_on_error;
	int			 csp_set;	/* the handler set its own CSP */
	struct warnings		 warn;
	/* An investigation in flight, and what to do when it is done. */
	struct invjob		*job;
	int			(*finish)(struct sreq *r);
	int			 admitted;	/* admit() has run */
	size_t			 charged;	/* counted in srv->held */
	size_t			 charged_answer;	/* of it, the answer */
	int			 suspended;
	int			 resumed;
	int			 answered;
	/* A job on a thread of its own (req_background), or NULL. */
	struct bgjob		*bg;
	/* For the audit log. */
	struct timespec		 began;		/* headers read (monotonic) */
	const char		*what;
	const char		*refusal;
	const char		*audit_inputs[SERVE_AUDIT_INPUTS];	/* arena */
	size_t			 n_inputs;	/* asked, maybe more than kept */
	const char		*verdicts;	/* "malicious:2,unknown:1" */
	const char		*asked;
	long			 online_spent;	/* its job's, audited */
	const char		*mcp_method;	/* /mcp's JSON-RPC method */
	int			 kept;		/* answered as kept (kept.c) */
	long			 kept_age;	/* then its age, seconds */
	int			 refused_in_answer;	/* a 200 that refuses
							 * (an MCP tool error) */
};

/* Query parameter name, or NULL (borrowed from the connection). */
const char *req_arg(struct sreq *r, const char *name);
/*
 * Every value of a repeated query parameter; *n_out may be 0 (arena),
 * SERVE_MAX_INPUTS + 1 when there are more than SERVE_MAX_INPUTS (the
 * first ones given), and NULL out of memory.
 */
const char **req_args(struct sreq *r, const char *name, size_t *n_out);
const char *req_header(struct sreq *r, const char *name);
/*
 * Every value of a header, repeated or not, as one list ("a, b": HTTP's
 * own reading of a repeated header); NULL when there is none.
 */
const char *req_header_list(struct sreq *r, const char *name);
/*
 * 1 when every query parameter is one of keys (NULL-ended; cli and frame
 * are the CLI's, always allowed), each given once (but a key spelt with a
 * leading '+', as "+indicator", which may be repeated), else 0 with a 400
 * naming the first that is not: a misspelt filter must not widen an
 * answer silently, nor a repeated one, whose second value would be
 * dropped, narrow it.
 */
int	req_known_args(struct sreq *r, const char *const *keys);
/*
 * The first query parameter not in keys (nor cli or frame), or given a
 * second time (*repeated, OUT, then 1), or NULL.
 */
const char *req_unknown_arg(struct sreq *r, const char *const *keys,
	    int *repeated);
/* The 400 of a parameter given twice, naming it; returns 0. */
int	req_repeated_error(struct sreq *r, const char *key);
/* A form field of an urlencoded body, decoded (arena), or NULL. */
const char *req_form(struct sreq *r, const char *name);
/* Add a response header (both strings arena or static). */
void	req_header_add(struct sreq *r, const char *name, const char *value);
/* An error answer: JSON {"error": msg} for the API, a page for the web. */
int	req_error(struct sreq *r, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/*
 * The HTTP status of a library failure, one table for every route: 400
 * for what the request said wrong (CHOUSA_EPARSE, EINVAL), not_found for
 * CHOUSA_ENOTFOUND (404 for a name in the path, 400 for one among the
 * request's arguments), 409 a name taken (EEXIST), 413 past a limit, 503
 * a store another writer holds or a server stopping (EBUSY), 507
 * Insufficient Storage for a store that cannot be written (ESTORE: a full
 * disk, a file not the server's user's), else 500.
 */
int	req_status(int code, int not_found);
/*
 * The error answer of a call that failed with err: req_status's status
 * (a 503 with Retry-After), err's message.  Returns 0.
 */
int	req_error_rc(struct sreq *r, const struct chousa_err *err,
	    int not_found);
/* Note an indicator the request asked about, for the audit log. */
void	req_audit_input(struct sreq *r, const char *value);
/*
 * Start j, online on the worker, offline on the pool; r is answered by
 * r->finish once it is done.  A full pool queue, or requests of
 * investigations holding [server] queue_memory already, answer 503 at
 * once.
 */
int	req_submit(struct sreq *r, struct invjob *j, int (*finish)(struct sreq *r));
/*
 * Run run(r) on a thread of its own: sweeps and exports, which take
 * seconds and must not hold an HTTP thread's other connections.  At most
 * [server] background_jobs (default 2) run at once; past that, and while
 * the server stops, r gets a 503 with Retry-After.  A route that reads its
 * body whole is suspended at once; a ROUTE_STREAM route starts run before
 * its body, which on_body hands over while run reads it.  Either way r is
 * answered by finish(r) once run has returned and the body has ended.
 * abort(r) (may be NULL) is called from another thread when the request
 * ends early (the client went) or the server stops: run must then return
 * soon.  After run has returned and been joined, r->on_body(r, NULL, 0)
 * is called when r->stream is set, to free what the stream holds.
 * Returns ROUTE_PENDING, or 0 with the error answer set.
 */
int	req_background(struct sreq *r, void (*run)(struct sreq *r),
	    int (*finish)(struct sreq *r), void (*abort)(struct sreq *r));

/*
 * Whether `chousa --server` asks (cli=1): the answer is then framed as
 * the CLI prints it (server.c), and says what the local command says.
 */
int	req_for_cli(struct sreq *r);
/*
 * Whether r's client has closed its connection (an interrupted CLI, a
 * closed tab) while its job runs with the connection suspended, which
 * libmicrohttpd does not watch: its socket, peeked without waiting.
 */
int	req_client_gone(struct sreq *r);
/* Whether TLS is on (cookies get Secure). */
int	req_is_tls(struct sreq *r);

/* ---- the server ---- */

/*
 * A config in force, held by each request and investigation that began
 * under it: SIGHUP puts another in force without pulling it from under
 * them (cfg_take, cfg_drop).
 */
struct cfg_ref {
	const struct chousa_config	*cfg;
	struct chousa_config		*owned;	/* freed with the last hold;
						 * NULL: the caller's */
	unsigned			 refs;
	struct addr_ranges		 proxies;	/* its trusted_proxies */
	unsigned			 gen;	/* one more at each reload */
};

/* The config in force, held until cfg_drop(s, *ref). */
const struct chousa_config *cfg_take(struct server *s, struct cfg_ref **ref);
void	cfg_drop(struct server *s, struct cfg_ref *ref);

/* A live setting of struct server's, read as a SIGHUP may write it. */
#define LIVE(v)	__atomic_load_n(&(v), __ATOMIC_RELAXED)

/* ---- the store's file, watched (storewatch.c) ---- */

struct storewatch {
	dev_t		 dev;		/* the file opened at the start */
	ino_t		 ino;
	int		 known;		/* 0: it could not be stat'ed then */
	pthread_mutex_t	 lock;
	/* Why the server's last write failed; "": it succeeded. */
	char		 write_failed[CHOUSA_ERR_MSG_SIZE];
	int		 said;		/* the H_* last said in the log */
};
/* Take the identity of the store at path, as the start opened it. */
void	storewatch_init(struct storewatch *w, const char *path);
void	storewatch_release(struct storewatch *w);
/*
 * The store's state: H_UNAVAILABLE when its path no longer names the file
 * opened at the start (deleted, or replaced), H_DEGRADED when it cannot
 * be written (file or directory not writable by the server's user, disk
 * full, or the last write failed), else H_OK; why says what was found
 * (added to why, which may be NULL; never cut, however long the
 * store's path).  A change is said once in the server's log.
 */
int	storewatch_check(struct server *s, struct chousa_buf *why);
/* A write to the store by the server ended with err (NULL: it worked). */
void	storewatch_wrote(struct server *s, const struct chousa_err *err);
/*
 * A token's change (the API's or the Tokens page's) written with rc, or
 * not: a store that refused the write (read only, full) marks the health's
 * store check at once, not at the next minute's write of the uses; a
 * refusal of the request itself (a name taken, none to revoke, a bad note)
 * says nothing of the store.
 */
void	storewatch_token_wrote(struct server *s, int rc,
	    const struct chousa_err *err);

struct server {
	struct chousa_serve_opts	 opts;
	/* The config at start: the [server] settings, read once. */
	const struct chousa_config	*cfg;
	/* The config in force for sources and keys (SIGHUP may change it). */
	pthread_mutex_t			 cfg_lock;
	struct cfg_ref			*cfg_now;
	struct cfg_ref			 cfg_first;	/* opts.cfg's */
	int				 cfg_reload_ok;	/* the last SIGHUP's */
	/* Why the last reload refused the TLS pair; "": it was taken. */
	char				 tls_refused[CHOUSA_ERR_MSG_SIZE];
	/*
	 * Why the last reload could not move the listener to [server]
	 * listen, and where it listens instead; "": it listens there.
	 */
	char				 listen_refused[CHOUSA_ERR_MSG_SIZE];
	int64_t				 cfg_loaded_at;	/* in force since */
	struct MHD_Daemon		*d;
	struct listener			*listener;
	int				 port;
	long				 max_conns;	/* connections at most
							 * (atomic) */
	long				 max_per_ip;	/* from one address; 0:
							 * any (atomic) */
	struct peers			*peers;
	struct hdrwatch			*hdrwatch;
	uint64_t			 refused_per_ip;	/* (atomic) */
	/*
	 * The [server] settings a SIGHUP changes (server_apply_live):
	 * online_budget, max_stream, max_import, idle_timeout,
	 * peer_timeout, drain_timeout, max_conns and max_per_ip read
	 * atomically, max_held and max_bg under lock, trusted_proxies in
	 * each request's cfg_ref.
	 */
	long				 online_budget;	/* a token's a day, 0:
							 * none ([server]) */
	long				 idle_timeout;	/* a new connection's, s */
	long				 peer_timeout;	/* a silent client's, s */
	long				 header_timeout; /* a request's headers', s */
	long				 drain_timeout;	/* a stop's wait, s */
	long				 conns;		/* handed over, open (atomic) */
	long				 busy;		/* requests under way (atomic) */
	long				 fresh;		/* connections yet to send
							 * a request (atomic) */
	struct timespec			 closed_at;	/* stop_accepting's time */
	int				 closing;	/* answers close their
							 * connections (atomic) */
	uint64_t			 accepted;	/* handed over in all
							 * (atomic) */
	struct metrics			*metrics;
	struct auth			*auth;
	/*
	 * NULL: no audit log.  A reload may set it once (the log turned on);
	 * read it through server_audit(), never set back to NULL before the
	 * end.
	 */
	struct audit			*audit;
	struct worker			*worker;
	struct pool			*pool;
	struct kept			*kept;	/* offline answers */
	struct updater			*updater;
	struct token_uses		*uses;
	char				*db_path;
	struct storewatch		 watch;
	/* Store handles of the threads, closed at the end. */
	pthread_mutex_t			 lock;
	struct tstore			**stores;
	size_t				 n_stores, cap_stores;
	pthread_key_t			 store_key;
	/*
	 * Bytes the requests of investigations hold (their bodies while
	 * queued or running, then their answers until sent), under lock;
	 * [server] queue_memory bounds it (0: no bound).
	 */
	size_t				 held;
	size_t				 max_held;
	size_t				 answers;	/* of held */
	pthread_cond_t			 answers_cond;	/* answers went */
	/* The background jobs running (req_background), under lock. */
	struct bgjob			*bg;
	long				 n_bg, max_bg;
	int				 bg_stopping;
	size_t				 max_stream;	/* a streamed body's cap */
	size_t				 max_import;	/* an imported file's */
	pthread_mutex_t			 import_lock;	/* one import at once */
	struct sweeper			*sweeper;
	pthread_cond_t			 bg_cond;	/* one ended */
};

/*
 * Wait while the answers of investigations not yet sent hold more than
 * [server] queue_memory: a job run now would add its answer to them,
 * faster than clients take them.  Returns at once when *stop is set.
 */
void	server_wait_answers(struct server *s, const int *stop);
/* This thread's store handle (opened on first use), or NULL with err. */
struct chousa_store *server_store(struct server *s, struct chousa_err *err);
/*
 * This thread's store as server_store gives it, out of the read snapshot
 * a GET runs in, for a write (a session's): the GET's later reads then
 * each see the store as it is.
 */
struct chousa_store *server_store_write(struct server *s,
	    struct chousa_err *err);
/* The audit log in force, or NULL: none. */
static inline struct audit *
server_audit(const struct server *s)
{
	return __atomic_load_n(&s->audit, __ATOMIC_ACQUIRE);
}
void	server_log(struct server *s, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* The route tables of each front end. */
extern const struct route metrics_routes[];
extern const struct route health_routes[];

/* ---- the server's health (health.c) ---- */

enum { H_OK, H_DEGRADED, H_DRAINING, H_UNAVAILABLE };
#define HEALTH_CHECKS_MAX	10
struct health_check {
	const char	*name;		/* "store", "feeds"... */
	int		 status;	/* H_* */
	const char	*detail;	/* for a person; arena, or NULL */
};
struct health_report {
	int			 worst;	/* H_*: the server's status */
	int64_t			 at;
	size_t			 n;
	struct health_check	 c[HEALTH_CHECKS_MAX];
};
/*
 * Every check, in order, into *out (details in r's arena): over the
 * sources' rows (chousa_sources_state's), or, when unreadable says why
 * they could not be read, with the store unavailable.
 */
void	health_run(struct sreq *r, const struct chousa_source_row *rows,
	    size_t n, const char *unreadable, struct health_report *out);
/* "ok", "degraded", "draining" or "unavailable". */
const char *health_status_name(int status);
extern const struct route api_routes[];
/*
 * The what and input (the token named) of a request to a token's route
 * refused before its handler ran, from its path (api.c).
 */
void	api_tokens_refused(struct sreq *r);
extern const struct route web_routes[];

/*
 * Where a web page asked for while signed out sends its browser: the
 * sign-in form, with next= the page's path and query (a GET's only), so
 * that signing in comes back to it.  In r's arena; "/login" when none.
 */
const char *web_login_location(struct sreq *r);
/*
 * Whether an error on path is answered as a page (the web's), not JSON:
 * every path but the API's (/api/, /mcp, /metrics).
 */
int	web_path(const char *path);
/*
 * r's answer made the web's error page: the bar (when r has a session,
 * looked up here for a path no route has), status, msg, and a Back link.
 */
void	web_error_page(struct sreq *r, int status, const char *msg);

/*
 * web_result.c: a page a POST made (a triage table, an online report, the
 * Tokens page's result) kept for its session (Post/Redirect/Get).
 */
#define WEB_RESULT_ID_SIZE	22
/*
 * Keep a copy of html for session sid under id (WEB_RESULT_ID_SIZE random
 * characters, auth_random's); 0, else -1 (no memory, or too big to keep).
 */
int	web_result_put(const char *sid, const char *id, const char *html,
	    size_t len);
/* Add the html kept under id for session sid to out: 1, else 0 (gone). */
int	web_result_get(const char *sid, const char *id, struct chousa_buf *out);
/*
 * The same, and no longer kept: what is shown once (the Tokens page's
 * result, holding a new token).
 */
int	web_result_take(const char *sid, const char *id, struct chousa_buf *out);
extern const struct route mcp_routes[];

/* ---- MCP (mcp.c), over HTTP and stdio ---- */

/*
 * Answer one JSON-RPC message (body) into out; nothing for a notification
 * (out left empty).  An investigation that needs the worker returns
 * ROUTE_PENDING with *job set; mcp_finish() writes its answer afterwards.
 * MCP_NOT_RPC when the message is no JSON-RPC request at all (not JSON,
 * not an object, no method): the error answer is in out, and over HTTP
 * it is a 400.
 */
#define MCP_NOT_RPC	(-1)
/*
 * What one message asked and got, for the audit log: filled by
 * mcp_handle (and, for an investigation, by mcp_finish); strings in the
 * message's arena or static.
 */
struct mcp_note {
	const char	*method;	/* the JSON-RPC method, or NULL */
	const char	*tool;		/* tools/call's tool, or NULL */
	const char	*version;	/* initialize's agreed version, or NULL */
	const char	**inputs;	/* the indicators asked (n_inputs) */
	size_t		 n_inputs;
	const char	*verdicts;	/* "malicious:2,unknown:1", "hits:3" */
	const char	*asked;		/* the sources asked */
	const char	*refusal;	/* an error's or a tool error's words */
};
/*
 * version is the session's protocol version (initialize's over stdio,
 * the MCP-Protocol-Version header over HTTP; NULL: unknown, read as
 * 2025-03-26): before 2025-06-18 a tool's structured result also travels
 * as an embedded resource.  note (NULL: not wanted) is filled as above.
 */
int	mcp_handle(struct runenv *env, const struct principal *who,
	    struct chousa_arena *a, const char *body, size_t len,
	    const char *version, struct mcp_note *note,
	    struct chousa_buf *out, struct invjob **job, void **state);
void	mcp_finish(void *state, struct invjob *job, struct chousa_buf *out);
/* 1 when chousa speaks the MCP protocol version ver. */
int	mcp_version_known(const char *ver);

/* ---- scheduled updates (update.c) ---- */

/* ---- when each token was last used (used.c) ---- */

struct token_uses;
int	uses_start(struct token_uses **out, struct server *s,
	    struct chousa_err *err);
/* Write what is noted, then stop. */
void	uses_stop(struct token_uses *u);
/* The token let in r by its hex SHA-256 hash, from peer (the client's). */
void	uses_note(struct token_uses *u, int64_t token_id, const char *hash,
	    const char *peer);
/*
 * The store's tokens as this server knows them: the uses noted but not
 * yet written laid over them and, when unused_for >= 0, only the valid
 * ones neither used nor made in the last unused_for seconds.
 */
int	uses_tokens(struct token_uses *u, struct chousa_store *st,
	    struct chousa_arena *a, long unused_for, struct chousa_token **t,
	    size_t *n, struct chousa_err *err);
/* A token unused this long is pointed out (serve --check, the web page). */
#define TOKEN_DORMANT_DAYS	90

struct updater;
int	updater_start(struct updater **out, struct server *s,
	    struct chousa_err *err);
void	updater_stop(struct updater *u);
/* Ask for an update now (admin); 0 when one is already running. */
int	updater_kick(struct updater *u);
struct update_state {
	int		 running;
	int64_t		 last_ok;	/* Unix seconds, 0: never */
	int64_t		 last_try;
	int		 last_status;	/* the update's exit status */
	int		 failures;	/* in a row */
	long		 every;		/* the schedule, s; 0: when asked */
};
void	updater_state(struct updater *u, struct update_state *out);
/* A new schedule (a SIGHUP's [server] update_every), from now on. */
void	updater_set_every(struct updater *u, long every);
/*
 * An update asked for: one starts now unless one runs already (whose
 * end then answers).  Returns the runs ended so far, for updater_wait.
 */
uint64_t updater_ask(struct updater *u);
/* What a run wrote: its exit status, stdout (--json) and stderr. */
struct update_report {
	int		 status;
	const char	*out, *said;	/* arena */
};
/*
 * Wait for a run past the after-th to end, then copy its report into a;
 * 0 when *stop was set (the request or the server ends) first.
 */
int	updater_wait(struct updater *u, uint64_t after, const int *stop,
	    struct chousa_arena *a, struct update_report *rep);
/* The state as members of the object w has open ("last_ok", "running"...). */
void	updater_json(struct updater *u, struct chousa_jw *w);

#endif /* CHOUSA_SERVE_INTERNAL_H */
