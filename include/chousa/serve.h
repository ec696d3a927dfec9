/*
 * chousa/serve.h: the team server (src/serve/): one process that owns the
 * store, the online cache, the quota buckets and the scheduled feed
 * updates, and answers a REST API (/api/v1/), a web page and the Model
 * Context Protocol (/mcp) over HTTP, on libmicrohttpd's thread pool.  API
 * tokens (chousa_token_create) say who asks; every request is audited.
 * The same MCP tools also speak over stdio (chousa_mcp_stdio).  Part of
 * chousa.h.
 */
#ifndef CHOUSA_SERVE_H
#define CHOUSA_SERVE_H

/* Roles, each allowing what the one before does and more. */
enum chousa_role {
	CHOUSA_ROLE_NONE = 0,	/* no token: health only */
	CHOUSA_ROLE_READ,	/* the store only: look-ups, offline runs */
	CHOUSA_ROLE_INVESTIGATE,	/* may spend online quota */
	CHOUSA_ROLE_ADMIN	/* also updates and token management */
};
const char *chousa_role_name(int role);		/* "read", ... */
/* The role named s; CHOUSA_ROLE_NONE when it is no role. */
int	chousa_role_parse(const char *s);

/* A token's text: "chousa_" and 45 characters of base64url (270 bits). */
#define CHOUSA_TOKEN_SIZE	52
/* The largest daily budget of online requests a token may be given. */
#define CHOUSA_BUDGET_MAX	1000000000L

/*
 * Make a token for name with role, valid for lifetime seconds (0: until
 * revoked), with a daily budget of online_budget online requests (0: no
 * limit, -1: the server's [server] online_budget), accepted only from the
 * addresses and CIDR ranges of allow_from (comma-separated; NULL, "" or
 * "any": from any address), with a note (NULL or "": none; whose it is,
 * what for: chousa_token_note_check), store its hash and write the token
 * to out (shown once: the store keeps only the hash).  CHOUSA_EINVAL on a
 * bad name, role, range or note; CHOUSA_EEXIST when name already has a
 * valid token.  *expires_at (may be NULL): when it ends, 0 never.
 */
int	chousa_token_create(struct chousa_store *st, const char *name,
	    int role, long lifetime, long online_budget,
	    const char *allow_from, const char *note,
	    char out[CHOUSA_TOKEN_SIZE + 1], int64_t *expires_at,
	    struct chousa_err *err);
/*
 * A token's note is text for people, printed as it is in a terminal's
 * table: at most CHOUSA_TOKEN_NOTE_MAX bytes of UTF-8 without control
 * characters, line or paragraph separators or bidirectional overrides.
 * CHOUSA_EINVAL, saying why, otherwise.
 */
int	chousa_token_note_check(const char *note, struct chousa_err *err);
/*
 * Set the note of name's valid token (NULL or "": none).  CHOUSA_EINVAL
 * on a bad note; CHOUSA_ENOTFOUND when name has no valid token.
 */
int	chousa_token_set_note(struct chousa_store *st, const char *name,
	    const char *note, struct chousa_err *err);
/*
 * Bind name's valid token to the addresses of allow_from (as
 * chousa_token_create takes it; "any" lifts the binding), from its next
 * request on.  CHOUSA_EINVAL on a bad range; CHOUSA_ENOTFOUND when name
 * has no valid token.
 */
int	chousa_token_set_allow(struct chousa_store *st, const char *name,
	    const char *allow_from, struct chousa_err *err);

/* How long a rotated token works beside the new one, unless told. */
#define CHOUSA_TOKEN_GRACE	3600
#define CHOUSA_TOKEN_GRACE_TEXT	"1h"	/* the same, as users write it */

/*
 * Rotate name's token (chousa_store_token_rotate: lifetime and grace in
 * seconds as it takes them): a new token, written to out and shown once,
 * with the role, budget, addresses and note of the one it replaces, whose end
 * *rot says,
 * with the new token's.  CHOUSA_EINVAL on a bad name; CHOUSA_ENOTFOUND
 * when name has no valid token.
 */
int	chousa_token_rotate(struct chousa_store *st, const char *name,
	    long lifetime, long grace, char out[CHOUSA_TOKEN_SIZE + 1],
	    struct chousa_token_rotation *rot, struct chousa_err *err);
/*
 * What `chousa token rotate` says of it (no newline): "token 'NAME'
 * rotated (role R, until T); the one before works until T2; the new one
 * is shown only this once".
 */
void	chousa_token_rotated_text(struct chousa_buf *b, const char *name,
	    const struct chousa_token_rotation *rot);

/* "valid", "expired" or "revoked" at time now. */
const char *chousa_token_state(const struct chousa_token *t, int64_t now);

/*
 * The token listing (docs/json.md) of n tokens t, as `chousa token list
 * --json` prints it and GET /api/v1/tokens answers: one line.
 */
void	chousa_token_list_json(struct chousa_buf *b,
	    const struct chousa_token *t, size_t n);
/*
 * Keep, in their order, the tokens of t valid at now and neither used nor
 * made in the seconds before it (`token list --unused-for`: the ones to
 * revoke); the number kept.
 */
size_t	chousa_token_unused(struct chousa_token *t, size_t n, int64_t now,
	    long seconds);
/* The states chousa_token_state() names, as bits. */
#define CHOUSA_TOKEN_VALID	0x1u
#define CHOUSA_TOKEN_EXPIRED	0x2u
#define CHOUSA_TOKEN_REVOKED	0x4u
/*
 * "valid", "expired", "revoked", comma-separated, into *mask;
 * CHOUSA_EINVAL, saying which word is none of them, otherwise.
 */
int	chousa_token_states_parse(const char *s, unsigned *mask,
	    struct chousa_err *err);
/* Keep, in their order, the tokens of t in a state of mask at now. */
size_t	chousa_token_in_states(struct chousa_token *t, size_t n, int64_t now,
	    unsigned mask);
/* The same as `chousa token list` prints it: a table, states as of now. */
void	chousa_token_list_text(struct chousa_buf *b,
	    const struct chousa_token *t, size_t n, int64_t now);
/*
 * What `chousa token create` says of a new token (no newline): "token
 * 'NAME' (role R, until T, from LIST) created; it is shown only this
 * once"; allow_from as chousa_token_create took it.
 */
void	chousa_token_created_text(struct chousa_buf *b, const char *name,
	    int role, int64_t ends, const char *allow_from);
/*
 * What `chousa token revoke` (readmitted 0) or `token readmit` (1) says
 * when done (no newline), wherever it is asked: the CLI, the API for
 * it, the web page.
 */
void	chousa_token_ended_text(struct chousa_buf *b, const char *name,
	    int readmitted);

/* What the server tells its operator; msg is one line. */
typedef void (*chousa_serve_log_fn)(void *arg, const char *msg);

/* audit_max_bytes: never rotate (logrotate moves it; SIGHUP reopens). */
#define CHOUSA_AUDIT_NO_ROTATION	LONG_MAX

struct chousa_serve_opts {
	const char	*listen;	/* "ADDR:PORT", "[::1]:PORT"; port 0:
					 * any free port */
	/*
	 * Sockets already bound and listening (systemd's socket
	 * activation): served instead of listen, and closed at the end.
	 */
	const int	*listen_fds;
	int		 n_listen_fds;
	const char	*db_path;
	const char	*config_path;	/* for the update child; or NULL */
	const struct chousa_config *cfg;	/* borrowed for the run */
	const char	*audit_path;	/* JSON lines; NULL: no audit log */
	long		 audit_max_bytes;	/* rotate past this; 0: 64 MiB;
						 * CHOUSA_AUDIT_NO_ROTATION */
	int		 audit_keep;	/* rotated files kept; 0: 5 */
	const char	*tls_cert;	/* PEM text, or NULL for plain HTTP */
	const char	*tls_key;
	/*
	 * Why the TLS pair's files could not be read, for
	 * chousa_server_check() to say as its tls error; or NULL.
	 */
	const char	*tls_unread;
	int		 threads;	/* HTTP threads; 0: 4 per core */
	long		 update_every;	/* seconds; 0: no scheduled update */
	/*
	 * The [server] keys the command line set ("update_every" for
	 * --update-every...), NULL-terminated, or NULL: a reload leaves
	 * them, where it otherwise takes the config's live settings again.
	 */
	const char *const *cli_keys;
	const char	*update_exe;	/* the chousa binary to run updates */
	chousa_serve_log_fn log;
	void		*log_arg;
	int		 verbose;	/* also log clients' protocol errors */
};

/*
 * The [server] settings of cfg that both a start and a reload read, into
 * so: listen, audit_log, audit_max ("none": CHOUSA_AUDIT_NO_ROTATION),
 * audit_keep, threads and update_every, with so->cfg set to cfg; the
 * other fields are left.  All are read, and then CHOUSA_EINVAL, the first
 * said in err as "bad [server] KEY 'VALUE': why", when cfg holds a value
 * chousa serve refuses (chousa_serve_config_checks()).
 */
int	chousa_serve_opts_from_config(struct chousa_serve_opts *so,
	    const struct chousa_config *cfg, struct chousa_err *err);
/*
 * The checks of the [server] values chousa serve refuses rather than put
 * a default in their place (listen, update_every, trusted_proxies,
 * proxy_user_role, proxy_group_roles), n of them: the program gives them
 * to chousa_config_add_checks() as it starts, so that chousa config check
 * and every command say what a start and a reload refuse.  Static.
 */
const struct chousa_config_value_check *chousa_serve_config_checks(
	    size_t *n);

/* ---- the audit log, read back ---- */

#define CHOUSA_AUDIT_LIMIT	100	/* entries answered by default */
#define CHOUSA_AUDIT_LIMIT_MAX	10000

/* Which entries: all of those given must hold. */
struct chousa_audit_query {
	const char	*indicator;	/* asked about it (normal forms), or
					 * for a domain its subdomains and
					 * URLs, for an address its URLs */
	const char	*who;		/* the token's name */
	int64_t		 token_id;	/* the token's id (a name's tokens
					 * differ by it); 0: any */
	const char	*peer;		/* the client's address in one of
					 * these: "192.0.2.7", "10.0.0.0/8",
					 * a comma-separated list */
	const char	*what;		/* "investigate", "lookup", "web: sweep"... */
	int64_t		 since;		/* at or after (Unix seconds); 0: any */
	int		 refused;	/* only answers of status 400 and up */
	size_t		 limit;		/* the newest so many; 0: the default */
};

struct chousa_audit_stats {
	int		 files;		/* read, current and rotated */
	uint64_t	 lines;
	uint64_t	 unreadable;	/* not one of the log's objects: skipped */
	uint64_t	 matched;	/* in the files read */
	uint64_t	 shown;		/* of them, answered */
	int		 truncated;	/* the limit was reached: there may be more */
};

/*
 * The entries of the audit log at path, then of every rotated copy beside
 * it (path.1, path.2 ..., each maybe compressed: path.2.gz, .xz, .zst,
 * .bz2...) that q selects, newest first, as JSON lines into out, each as
 * the log holds it.  path itself may be compressed.  CHOUSA_EINVAL when
 * q->indicator is no indicator or q->peer no address or range;
 * CHOUSA_EIO when a file cannot be read, or a compressed one is damaged
 * (a missing one is skipped).
 */
int	chousa_audit_search(const char *path,
	    const struct chousa_audit_query *q, struct chousa_buf *out,
	    struct chousa_audit_stats *st, struct chousa_err *err);
/*
 * since as users give it: a date (chousa_time_parse) or a duration back
 * from now ("7d"), into *out; 0 when it is neither.
 */
int	chousa_audit_since(const char *s, int64_t now, int64_t *out);
#define CHOUSA_AUDIT_SINCE_HELP	"a date such as 2024-03-13 or a duration " \
	"such as 7d"
/*
 * What a search of path should warn of, into buf: no audit log there, or
 * lines skipped; NULL when nothing.
 */
const char *chousa_audit_warning(const struct chousa_audit_stats *st,
	    const char *path, char *buf, size_t size);
/* The line that ends the answer: {"summary": {...}} (docs/json.md). */
void	chousa_audit_summary_json(struct chousa_buf *out,
	    const struct chousa_audit_stats *st);
/*
 * The entries of such JSON lines as text, one a line: time, who, token
 * id, client address (peer), what, status, verdict (or why refused) and
 * the first inputs defanged, tab separated, "-" for what a line lacks;
 * the summary line is skipped.  CHOUSA_EPARSE on a line that
 * is not a JSON object.
 */
int	chousa_audit_text(struct chousa_buf *out, const char *jsonl,
	    size_t len, struct chousa_err *err);

struct chousa_server;

/*
 * Start listening and serving in background threads.  Fails with
 * CHOUSA_EIO when the address cannot be bound, CHOUSA_EINVAL on bad
 * options.  Caller frees with chousa_server_free(), which stops it.
 */
int	chousa_server_start(struct chousa_server **out,
	    const struct chousa_serve_opts *opts, struct chousa_err *err);
/*
 * What a start with opts would refuse or regret, checked without starting
 * (nothing bound, created or written; the store read): one line a check
 * into out, "ok", "warning" or "error", what, what was found; or, json,
 * one object {"status": the worst, "checks": [{check, status, detail}]}.
 * CHOUSA_EINVAL, the first error in err, when any is an error.
 */
int	chousa_server_check(const struct chousa_serve_opts *opts, int json,
	    struct chousa_buf *out, struct chousa_err *err);
/*
 * Claim db_path for one server: an exclusive lock on "<db_path>.serve.lock"
 * (made if missing), the caller's pid written in it.  *fd_out (OUT) holds
 * the claim: keep it open for the server's life (the kernel lets it go at
 * the process's end, however it ends).  CHOUSA_EBUSY, naming the other
 * server's pid, when one holds it; CHOUSA_EIO when the file cannot be made.
 */
int	chousa_serve_claim(const char *db_path, int *fd_out,
	    struct chousa_err *err);
/*
 * The pid of the server holding db_path's claim (chousa_serve_claim), -1
 * when one holds it and its pid is not written, 0 when none; *unknown set
 * when the lock file cannot be read (then 0).
 */
long	chousa_serve_owner(const char *db_path, int *unknown);
/*
 * How the TLS messages of this process (a start, a reload, a check) name
 * the certificate's and the key's files: "'FILE' (--tls-cert)", "'FILE'
 * ([server] tls_cert in CONFIG)"; NULL: unnamed.  Copied.
 */
void	chousa_serve_tls_names(const char *cert, const char *key);
/* The port it listens on (the one chosen when asked for 0). */
int	chousa_server_port(const struct chousa_server *s);
/* Where it listens, "127.0.0.1:8080, [::]:8080", into out. */
void	chousa_server_addresses(const struct chousa_server *s, char *out,
	    size_t size);
/*
 * Stop taking connections (the first step of a graceful stop): the
 * listening sockets are closed, and every answer from now on closes its
 * connection.  The requests under way go on; chousa_server_busy() says
 * how many are left.  A passed socket lives on in systemd, where clients
 * wait for the next process.
 */
void	chousa_server_stop_accepting(struct chousa_server *s);
/* Requests begun and not yet answered to their last byte. */
long	chousa_server_busy(const struct chousa_server *s);
/*
 * How long a graceful stop waits for them, in seconds: [server]
 * drain_timeout (default 30) as the last reload left it.
 */
long	chousa_server_drain_timeout(const struct chousa_server *s);
/*
 * Put a new PEM certificate chain and key in force for the connections
 * from now on (SIGHUP, after a renewal); those up keep theirs.  A pair
 * that does not parse, or whose key is not the certificate's, leaves the
 * one in force and fails with CHOUSA_EINVAL.
 */
int	chousa_server_reload_tls(struct chousa_server *s, const char *cert_pem,
	    const char *key_pem, struct chousa_err *err);
/*
 * A renewal refused before it reached chousa_server_reload_tls (a file
 * that cannot be read), said by the health answer and /metrics as its
 * refusals are.
 */
void	chousa_server_tls_refused(struct chousa_server *s, const char *why);
/*
 * Put cfg in force (SIGHUP, after the config file changed): the requests
 * and investigations from now on read the sources' keys and settings from
 * it; those under way finish with the one they began with.  The server
 * owns cfg from here on, whatever the result.  Its [server] limits (rate,
 * burst, trusted_proxies, online_budget, sweep_max, import_max,
 * queue_memory, background_jobs, investigate_queue) are in force at once,
 * each change said in the server's log; the other [server] settings are
 * read at start only, each that differs said as waiting for a restart.
 * A trusted_proxies that cannot be read fails with CHOUSA_EINVAL.  cfg
 * NULL: the file could not be read.  On failure the config in force is
 * kept, and /metrics says the last reload failed.
 */
int	chousa_server_reload_config(struct chousa_server *s,
	    struct chousa_config *cfg, struct chousa_err *err);
/* Open the audit log again at its path (SIGHUP, after logrotate). */
void	chousa_server_reopen_logs(struct chousa_server *s);
void	chousa_server_free(struct chousa_server *s);

/*
 * Speak MCP over in and out (JSON-RPC, one message a line) until in ends.
 * allow_online lets the investigate tool ask online sources when a call
 * says online = true; otherwise every tool reads the store only.
 */
int	chousa_mcp_stdio(const char *db_path, const struct chousa_config *cfg,
	    int allow_online, int in_fd, int out_fd, struct chousa_err *err);

#endif /* CHOUSA_SERVE_H */
