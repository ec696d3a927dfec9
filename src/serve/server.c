/*
 * server.c: the HTTP side of the team server, on libmicrohttpd's thread
 * pool.  The library parses HTTP, keeps connections within their memory
 * (headers past it get 431) and closes idle ones (slow clients); this
 * file routes each request, refuses it early when it may not go on (no
 * token, too low a role, rate limit, a Content-Length over the route's
 * cap: answered before its body is read), collects the body under its cap
 * and answers.  An online investigation suspends its connection until the
 * worker thread is done, so a slow service never holds an HTTP thread.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/hex.h"
#include "base/dynlib.h"
#include "base/mem.h"
#include "serve/serve.h"

/* Seconds a connection may stay idle (slow clients): then it is closed. */
#define IDLE_TIMEOUT		15
/* Seconds of silence before a vanished client is dropped (listen.c). */
#define PEER_TIMEOUT		40
/* GnuTLS's priorities: its defaults, TLS 1.2 and 1.3 only (RFC 8996). */
#define TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
/* Seconds a connection may take to send a request's headers. */
#define HEADER_TIMEOUT		20
/* Seconds a graceful stop waits for the requests under way. */
#define DRAIN_TIMEOUT		30
/* [server] max_connections and max_per_ip unset, and their highest. */
#define MAX_CONNECTIONS		1024
#define MAX_PER_IP		512
#define CONNECTIONS_CAP		1000000L
/*
 * Bytes of a request's line and headers the server takes: past them it
 * refuses the request itself (414, 431: head_refusal), with its own
 * headers and JSON, audited.
 */
#define HEAD_MAX		((size_t)32 << 10)
/*
 * Bytes of one connection's buffers in libmicrohttpd: HEAD_MAX and 16 KiB
 * more, so that a head some KiB past HEAD_MAX (a header flood of a few
 * hundred lines, each taking some 50 bytes of the library's own) still
 * reaches the server with room left for its answer.  Past this
 * libmicrohttpd answers by itself (414, 431: a bare HTML page,
 * docs/team.md), or hangs up when the head fills it all but the answer.
 * Not more: it zeroes the whole of it after every request of a kept-alive
 * connection, which at 64 KiB was 9% of the server's CPU under the
 * look-up load (perf), and one connection's worst case is this much
 * memory.
 */
#define CONN_MEMORY		(HEAD_MAX + ((size_t)16 << 10))
/*
 * Bytes of libmicrohttpd's buffers each query parameter takes besides its
 * text (0.9.75: a record of seven words, rounded to 16), counted against
 * HEAD_MAX: some 600 short ?indicator= parameters, 12 KB of URI, would
 * fill the buffers and have the connection closed without an answer.
 */
#define QUERY_PARAM_COST	64
/*
 * Offline investigations waiting for a pool thread before more are
 * refused (503): at a few milliseconds each, a full queue is well under a
 * second of work.
 */
#define INVESTIGATE_QUEUE	256
/*
 * Bytes the requests of investigations may hold before more are refused
 * (503): a request may bring 8 MiB of text, and its answer may be 64 MiB.
 */
#define QUEUE_MEMORY		((long)256 << 20)
/*
 * Bytes of offline answers kept (kept.c): an investigation's JSON is some
 * 10 KiB, so some 6,000 of them.
 */
#define ANSWER_CACHE		((long)64 << 20)
/* How much of a body over its cap is read and dropped before hanging up. */
#define DISCARD_MAX		((size_t)16 << 20)

static const struct route *const route_tables[] = {
	api_routes, web_routes, mcp_routes, metrics_routes, health_routes,
	NULL
};

void
server_log(struct server *s, const char *fmt, ...)
{
	char msg[1024], *long_msg = NULL;
	va_list ap;
	int n;

	if (s->opts.log == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A line that names long paths is said whole, never cut. */
	if (n >= (int)sizeof(msg) && (long_msg = mem_alloc((size_t)n + 1)) !=
	    NULL) {
		va_start(ap, fmt);
		vsnprintf(long_msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	s->opts.log(s->opts.log_arg, long_msg != NULL ? long_msg : msg);
	mem_free(long_msg);
}

static void
mhd_log(void *arg, const char *fmt, va_list ap)
{
	struct server *s = arg;
	char msg[512];
	size_t n;

	/*
	 * Once it runs, what the library says is about clients' mistakes,
	 * which are answered and audited: logging each would let anyone
	 * fill the log.  Before, it says why the server cannot start.
	 */
	if (s->d != NULL && !s->opts.verbose)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	if (s->opts.log != NULL)
		s->opts.log(s->opts.log_arg, msg);
}

/* ---- this thread's store ---- */

/*
 * Each thread's store handle, and the read snapshot its GETs share.
 *
 * A GET runs in a read transaction (on_bodiless), and beginning and ending
 * one is a fifth of a look-up's cost: SQLite's WAL read lock (fcntl on the
 * -shm file, a mutex the threads meet on), an fstat of the store and a
 * read of its header (bench/RESULTS.md, 2026-12-03).  So the transaction
 * stays open for the thread's next GETs while nothing was committed to the
 * store since it began, by this server or another process
 * (chousa_store_snapshot_stale): a GET sees every commit that ended before
 * it came, as in a transaction of its own.  Requests that may write (any
 * with a body, a DELETE) end it first, and a GET that saw a commit come
 * ends it after.  No GET reuses one over SNAP_MAX_MS old, and a thread left
 * without connections (idle ones close after [server] idle_timeout) ends
 * it, so an idle server keeps no old snapshot that would hold a
 * checkpoint back from the end of the WAL.
 */
#define SNAP_MAX_MS	1000

struct tstore {
	struct chousa_store	*st;
	int			 in_snap;	/* a snapshot is open */
	struct timespec		 since;		/* it began */
	long			 conns;		/* this thread's connections */
};

static struct tstore *
tstore_of(struct server *s, struct chousa_err *err)
{
	struct tstore *t = pthread_getspecific(s->store_key);

	if (t != NULL)
		return t;
	t = mem_alloc(sizeof(*t));
	if (t == NULL) {
		chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&s->lock);
	if (MEM_GROW(s->stores, s->n_stores, s->cap_stores, 16, 0) != 0) {
		pthread_mutex_unlock(&s->lock);
		mem_free(t);
		chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		return NULL;
	}
	s->stores[s->n_stores++] = t;
	pthread_mutex_unlock(&s->lock);
	pthread_setspecific(s->store_key, t);
	return t;
}

struct chousa_store *
server_store(struct server *s, struct chousa_err *err)
{
	struct tstore *t = tstore_of(s, err);

	if (t == NULL)
		return NULL;
	if (t->st != NULL)
		return t->st;
	/*
	 * Read-write, so that reading quota counters never goes through the
	 * cache's shared second connection (src/online/cache.c); nothing but
	 * the worker and token management writes through it.  Never made
	 * again: a store deleted under the server stays gone (store_watch).
	 */
	if (chousa_store_open(&t->st, s->db_path, CHOUSA_STORE_NOCREATE,
	    err) != CHOUSA_OK) {
		t->st = NULL;
		return NULL;
	}
	return t->st;
}

static void
snap_end(struct tstore *t)
{
	if (t != NULL && t->in_snap) {
		chousa_store_snapshot_end(t->st);
		t->in_snap = 0;
	}
}

/* End this thread's snapshot, if any: before a request that may write. */
static void
snap_release(struct server *s)
{
	snap_end(pthread_getspecific(s->store_key));
}

struct chousa_store *
server_store_write(struct server *s, struct chousa_err *err)
{
	struct chousa_store *st = server_store(s, err);

	/* A write in the snapshot would hold the write lock past its GET. */
	snap_release(s);
	return st;
}

/* After a GET: end its snapshot unless the next GET may share it. */
static void
snap_done(struct server *s)
{
	struct tstore *t = pthread_getspecific(s->store_key);

	if (t != NULL && t->in_snap && chousa_store_snapshot_stale(t->st))
		snap_end(t);
}

/* Milliseconds from then to now, both CLOCK_MONOTONIC. */
static double
ms_since(const struct timespec *then, const struct timespec *now)
{
	return (double)(now->tv_sec - then->tv_sec) * 1e3 +
	    (double)(now->tv_nsec - then->tv_nsec) / 1e6;
}

/*
 * Put this thread's store in a read snapshot that has every commit so
 * far, for a GET (see above): the one kept, or a new one.  When none can
 * begin, the GET runs in autocommit, each statement its own read.
 */
static void
snap_fresh(struct server *s)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = server_store(s, &err);
	struct tstore *t;
	struct timespec now;

	if (st == NULL)
		return;
	t = pthread_getspecific(s->store_key);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (t->in_snap && (ms_since(&t->since, &now) >= SNAP_MAX_MS ||
	    chousa_store_snapshot_stale(st)))
		snap_end(t);
	if (t->in_snap)
		return;
	if (chousa_store_snapshot_begin(st, NULL) == CHOUSA_OK) {
		t->in_snap = 1;
		t->since = now;
	}
}

/*
 * What the server keeps of each connection: whether it has sent a
 * request yet (a stop waits briefly for one that has not: chousa_server_busy).
 */
struct conn_state {
	int		asked;
	size_t		uri_len;	/* the request's URI, as sent */
	size_t		params;		/* its query's parameters */
	int		params_dropped;	/* unparsed: too many (head_refusal) */
	struct hdrwait	headers;	/* the deadline for a request's */
};

/*
 * A request line's URI, as sent, before libmicrohttpd splits off and
 * decodes its query: its length and parameters, for head_refusal.
 *
 * A query whose parameters would not fit in the library's buffers is
 * emptied here, so that the library parses none of it and the request
 * reaches head_refusal, which refuses it with a 414 of the server's own:
 * parsed, it would leave no room for any answer.  The URI given is the
 * request line in the library's own buffer, which it splits at the '?'
 * and parses after this call (libmicrohttpd 0.9.75,
 * parse_initial_message_line); a library that gave a copy would parse
 * the query and answer as before.  NULL: the request's state is made by
 * on_request.
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_state *cs;
	const char *q = strchr(uri, '?'), *p;

	(void)cls;
	if (ci == NULL || (cs = ci->socket_context) == NULL)
		return NULL;
	cs->uri_len = strlen(uri);
	cs->params = 0;
	cs->params_dropped = 0;
	if (q != NULL && q[1] != '\0')
		for (cs->params = 1, p = q + 1; (p = strchr(p, '&')) != NULL;
		    p++)
			cs->params++;
	if (cs->uri_len + QUERY_PARAM_COST * cs->params > HEAD_MAX &&
	    q != NULL) {
		((char *)q)[1] = '\0';
		cs->params_dropped = 1;
	}
	return NULL;
}

/* libmicrohttpd opened or closed a connection, on the thread serving it. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct server *s = cls;
	struct tstore *t = tstore_of(s, NULL);

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct conn_state *cs = mem_alloc(sizeof(*cs));

		/* [server] idle_timeout as in force now (a SIGHUP changes it). */
		(void)MHD_set_connection_option(c,
		    MHD_CONNECTION_OPTION_TIMEOUT, (unsigned int)
		    __atomic_load_n(&s->idle_timeout, __ATOMIC_RELAXED));
		*socket_context = cs;
		if (cs == NULL)		/* then not waited for at a stop */
			__atomic_sub_fetch(&s->fresh, 1, __ATOMIC_RELAXED);
		else {
			const union MHD_ConnectionInfo *fi =
			    MHD_get_connection_info(c,
			    MHD_CONNECTION_INFO_CONNECTION_FD);

			if (fi != NULL)
				hdrwatch_enter(s->hdrwatch, &cs->headers,
				    fi->connect_fd);
		}
	} else {
		struct conn_state *cs = *socket_context;
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CLIENT_ADDRESS);

		if (cs != NULL)
			hdrwatch_leave(s->hdrwatch, &cs->headers);

		peers_leave(s->peers, ci != NULL ? ci->client_addr : NULL);
		__atomic_sub_fetch(&s->conns, 1, __ATOMIC_RELAXED);
		if (cs != NULL && !cs->asked)	/* closed before a request */
			__atomic_sub_fetch(&s->fresh, 1, __ATOMIC_RELAXED);
		mem_free(cs);
		*socket_context = NULL;
	}
	if (t == NULL)
		return;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		t->conns++;
	else if (--t->conns <= 0) {
		t->conns = 0;
		snap_end(t);
	}
}

/* ---- request helpers ---- */

const char *
req_arg(struct sreq *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

struct args {
	struct sreq	*r;
	const char	*name;
	const char	**v;
	size_t		 n, cap;
	int		 over;		/* more than SERVE_MAX_INPUTS */
	int		 nomem;
};

static enum MHD_Result
each_arg(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct args *x = arg;
	const char **nv;

	(void)kind;
	if (key == NULL || strcmp(key, x->name) != 0 || value == NULL)
		return MHD_YES;
	if (x->n >= SERVE_MAX_INPUTS) {
		x->over = 1;
		return MHD_NO;
	}
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 8;
		nv = chousa_arena_alloc(x->r->a, x->cap * sizeof(*nv));
		if (nv == NULL) {
			x->nomem = 1;
			return MHD_NO;
		}
		if (x->n > 0)
			memcpy(nv, x->v, x->n * sizeof(*nv));
		x->v = nv;
	}
	x->v[x->n++] = value;
	return MHD_YES;
}

const char **
req_args(struct sreq *r, const char *name, size_t *n_out)
{
	struct args x = { r, name, NULL, 0, 0, 0, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_arg,
	    &x);
	*n_out = x.over ? SERVE_MAX_INPUTS + 1 : x.n;
	return x.nomem ? NULL : x.v;
}

static enum MHD_Result
each_nul(void *arg, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	int *nul = arg;

	(void)kind;
	if ((key != NULL && memchr(key, '\0', key_size) != NULL) ||
	    (value != NULL && memchr(value, '\0', value_size) != NULL)) {
		*nul = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

/*
 * Whether a query parameter of r holds a NUL (%00), which every reading
 * of it as a C string would cut short unseen.
 */
static int
args_hold_nul(struct sreq *r)
{
	int nul = 0;

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, each_nul,
	    &nul);
	return nul;
}

/*
 * Framing a front end may read otherwise than this server (RFC 9112
 * 6.3, 5.1): two Content-Lengths that differ, Transfer-Encoding beside
 * Content-Length, a coding other than chunked, a space before a header's
 * colon.  Read either way, the rest of the connection could be a request
 * smuggled past the proxy.
 */
struct framing {
	const char	*length;	/* the first Content-Length */
	const char	*refusal;
	int		 status;
	int		 coding;	/* a Transfer-Encoding was given */
};

static enum MHD_Result
each_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	struct framing *f = cls;
	size_t i;

	(void)kind;
	(void)value_size;
	for (i = 0; i < key_size; i++)
		if (key[i] == ' ' || key[i] == '\t') {
			f->status = 400;
			f->refusal = "a header's name holds a space";
			return MHD_NO;
		}
	if (value == NULL)
		return MHD_YES;
	if (strcasecmp(key, "Content-Length") == 0) {
		if (f->length != NULL && strcmp(f->length, value) != 0) {
			f->status = 400;
			f->refusal = "two Content-Lengths that differ";
			return MHD_NO;
		}
		f->length = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		if (f->coding || strcasecmp(value, "chunked") != 0) {
			f->status = 501;
			f->refusal = "a transfer coding other than chunked";
			return MHD_NO;
		}
		f->coding = 1;
	}
	return MHD_YES;
}

static enum MHD_Result
each_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
    size_t key_size, const char *value, size_t value_size)
{
	(void)kind;
	(void)key;
	(void)value;
	*(size_t *)cls += key_size + value_size + 4;	/* ": ", CRLF */
	return MHD_YES;
}

/*
 * Whether r's request line and headers are past HEAD_MAX (its answer's
 * status in *status: 414 for the URI alone, else 431).
 */
static const char *
head_refusal(struct sreq *r, int *status)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	const struct conn_state *cs = ci != NULL ? ci->socket_context : NULL;
	size_t uri = 0, headers = 0;

	if (cs != NULL)
		uri = cs->uri_len;
	if (uri > HEAD_MAX) {
		*status = 414;
		return "the URI is over 32 KiB: send many indicators in a POST "
		    "body";
	}
	if (cs != NULL && cs->params_dropped) {
		const char *why = chousa_arena_printf(r->a, "the URI's %zu "
		    "query parameters are over the 32 KiB the server takes "
		    "(each counts %d bytes more than its text): send many "
		    "indicators in a POST body", cs->params, QUERY_PARAM_COST);

		*status = 414;
		return why != NULL ? why : "the URI's query parameters are "
		    "over 32 KiB: send many indicators in a POST body";
	}
	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND,
	    each_header_size, &headers);
	if (uri + headers > HEAD_MAX) {
		*status = uri > headers ? 414 : 431;
		return uri > headers ? "the URI and headers are over 32 KiB: "
		    "send many indicators in a POST body" : "the headers are "
		    "over 32 KiB";
	}
	return NULL;
}

/* Why r's framing cannot be trusted (its answer's status in *status). */
static const char *
framing_refusal(struct sreq *r, int *status)
{
	struct framing f;

	memset(&f, 0, sizeof(f));
	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, each_framing,
	    &f);
	if (f.refusal == NULL && f.coding && f.length != NULL) {
		f.status = 400;
		f.refusal = "both Transfer-Encoding and Content-Length";
	}
	*status = f.status;
	return f.refusal;
}

struct known {
	const char *const	*keys;
	const char		*unknown;
	int			 repeated;	/* unknown is a key given twice */
	uint64_t		 seen;		/* bit i: keys[i] given */
};

static enum MHD_Result
each_known(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct known *x = arg;
	size_t i;

	(void)kind;
	(void)value;
	if (key == NULL || strcmp(key, "cli") == 0 ||
	    strcmp(key, "frame") == 0)
		return MHD_YES;
	for (i = 0; x->keys[i] != NULL; i++) {
		int many = x->keys[i][0] == '+';

		if (strcmp(key, x->keys[i] + many) != 0)
			continue;
		/*
		 * A parameter takes one value (req_arg reads the first) unless
		 * its key says "+" (req_args reads them all): a second would
		 * be dropped unseen, narrowing the answer.
		 */
		if (!many && i < 64 && (x->seen & ((uint64_t)1 << i))) {
			x->unknown = key;
			x->repeated = 1;
			return MHD_NO;
		}
		if (i < 64)
			x->seen |= (uint64_t)1 << i;
		return MHD_YES;
	}
	x->unknown = key;
	return MHD_NO;
}

const char *
req_unknown_arg(struct sreq *r, const char *const *keys, int *repeated)
{
	struct known x = { keys, NULL, 0, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_known,
	    &x);
	*repeated = x.repeated;
	return x.unknown;
}

int
req_repeated_error(struct sreq *r, const char *key)
{
	/* The parameters that are lists, whose items commas join. */
	static const char *const lists[] = { "types", "sources", "family",
		"state", "peer", NULL };
	size_t i;

	for (i = 0; lists[i] != NULL; i++)
		if (strcmp(key, lists[i]) == 0)
			return req_error(r, 400, "parameter '%.40s' is given "
			    "more than once: give it once (a list is one "
			    "value, joined with commas: %.40s=a,b)", key, key);
	return req_error(r, 400, "parameter '%.40s' is given more than once: "
	    "give it once", key);
}

int
req_known_args(struct sreq *r, const char *const *keys)
{
	int repeated;
	const char *unknown = req_unknown_arg(r, keys, &repeated);

	if (unknown == NULL)
		return 1;
	if (repeated)
		req_repeated_error(r, unknown);
	else
		req_error(r, 400, "unknown parameter '%.40s'", unknown);
	return 0;
}

const char *
req_header(struct sreq *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct header_join {
	const char	*name;
	struct chousa_buf b;
	size_t		 n;
};

static enum MHD_Result
header_join_one(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct header_join *j = arg;

	(void)kind;
	if (key != NULL && value != NULL && strcasecmp(key, j->name) == 0) {
		if (j->n++ > 0)
			chousa_buf_adds(&j->b, ", ");
		chousa_buf_adds(&j->b, value);
	}
	return MHD_YES;
}

const char *
req_header_list(struct sreq *r, const char *name)
{
	struct header_join j;
	const char *out;

	memset(&j, 0, sizeof(j));
	j.name = name;
	chousa_buf_init(&j.b, 0);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, header_join_one,
	    &j);
	out = j.n == 0 ? NULL : j.b.failed != CHOUSA_OK ? "" :
	    chousa_arena_strdup(r->a, j.b.data != NULL ? j.b.data : "");
	chousa_buf_release(&j.b);
	return out;
}

/* Decode one application/x-www-form-urlencoded value into the arena. */
static char *
form_decode(struct chousa_arena *a, const char *s, size_t len)
{
	char *out = chousa_arena_alloc(a, len + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    chousa_hex_value(s[i + 1]) >= 0 && chousa_hex_value(s[i + 2]) >= 0) {
			*o++ = (char)(chousa_hex_value(s[i + 1]) * 16 + chousa_hex_value(s[i + 2]));
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
}

const char *
req_form(struct sreq *r, const char *name)
{
	const char *p = r->body.data, *end = p + r->body.len;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));

		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0)
			return form_decode(r->a, eq + 1,
			    (size_t)(stop - eq - 1));
		p = stop + 1;
	}
	return NULL;
}

void
req_header_add(struct sreq *r, const char *name, const char *value)
{
	if (r->n_hdr < sizeof(r->hdr_name) / sizeof(r->hdr_name[0])) {
		r->hdr_name[r->n_hdr] = name;
		r->hdr_value[r->n_hdr] = value;
		r->n_hdr++;
	}
}

int
req_is_tls(struct sreq *r)
{
	return r->srv->opts.tls_cert != NULL || r->forwarded_https;
}

void
req_audit_input(struct sreq *r, const char *value)
{
	size_t k = r->n_inputs++;

	if (k < SERVE_AUDIT_INPUTS)
		r->audit_inputs[k] = chousa_arena_strndup(r->a, value,
		    strnlen(value, SERVE_AUDIT_INPUT_LEN));
}

/*
 * The peer has closed its side, or the connection is broken.  POLLRDHUP
 * sees the FIN even behind unread bytes, as a TLS client's close_notify
 * leaves them; a peek of one byte would see the bytes and not the FIN.
 */
int
req_client_gone(struct sreq *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	struct pollfd p;

	if (ci == NULL)
		return 0;
	p.fd = ci->connect_fd;
	p.events = POLLRDHUP;
	p.revents = 0;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

int
req_for_cli(struct sreq *r)
{
	const char *cli = req_arg(r, "cli");

	return cli != NULL && strcmp(cli, "1") == 0;
}

/* {"error": msg} and a newline: the API's error answer. */
static void
error_json(struct chousa_buf *b, const char *msg)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "error", msg);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

/* Drop r's spooled output, if any (an error answers instead). */
static void
unspool(struct sreq *r)
{
	if (r->spool_len == 0)
		return;
	close(r->spool_fd);
	r->spool_len = 0;
}

int
req_status(int code, int not_found)
{
	switch (code) {
	case CHOUSA_EPARSE:
	case CHOUSA_EINVAL:
		return 400;
	case CHOUSA_ENOTFOUND:
		return not_found;
	case CHOUSA_EEXIST:
		return 409;
	case CHOUSA_ELIMIT:
		return 413;
	case CHOUSA_EBUSY:
		return 503;
	/* The machine's state, not a fault of the server's: say which. */
	case CHOUSA_ESTORE:
		return 507;
	default:
		return 500;
	}
}

int
req_error_rc(struct sreq *r, const struct chousa_err *err, int not_found)
{
	int st = req_status(err->code, not_found);

	if (st == 503)
		req_header_add(r, "Retry-After", "1");
	return req_error(r, st, "%s", err->msg[0] ? err->msg :
	    chousa_rc_name(err->code));
}

int
req_error(struct sreq *r, int status, const char *fmt, ...)
{
	/* Room for a library's message, whose paths come whole. */
	char msg[CHOUSA_ERR_MSG_SIZE + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->status = status;
	/* What a handler found before it failed is not the answer. */
	r->verdicts = NULL;
	unspool(r);
	chousa_buf_reset(&r->out);
	if (r->route != NULL ? (r->route->flags & ROUTE_WEB) != 0 :
	    web_path(r->path))
		web_error_page(r, status, msg);
	else {
		r->ctype = "application/json";
		error_json(&r->out, msg);
	}
	if (r->refusal == NULL)
		r->refusal = chousa_arena_strdup(r->a, msg);
	return 0;
}

/*
 * Count n more bytes held by r's investigation; 0 when that would pass
 * the budget.  A request alone is let through whatever its size (the
 * routes' body caps bound it), so a budget below one body only serialises.
 */
static int
held_take(struct server *s, struct sreq *r, size_t n)
{
	int ok;

	pthread_mutex_lock(&s->lock);
	ok = s->max_held == 0 || s->held == 0 || (n <= s->max_held &&
	    s->held <= s->max_held - n);
	if (ok) {
		s->held += n;
		r->charged += n;
	}
	pthread_mutex_unlock(&s->lock);
	return ok;
}

/* What r held is freed: give it back to the budget. */
static void
held_give(struct server *s, struct sreq *r)
{
	if (r->charged == 0)
		return;
	pthread_mutex_lock(&s->lock);
	s->held -= r->charged;
	s->answers -= r->charged_answer;
	if (r->charged_answer > 0)
		pthread_cond_broadcast(&s->answers_cond);
	pthread_mutex_unlock(&s->lock);
	r->charged = r->charged_answer = 0;
}

long
server_connections(struct server *s)
{
	return __atomic_load_n(&s->conns, __ATOMIC_RELAXED);
}

void
server_connection_added(struct server *s, int n)
{
	__atomic_add_fetch(&s->conns, n, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->fresh, n, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->accepted, (uint64_t)(int64_t)n,
	    __ATOMIC_RELAXED);
}

/* Named so that top -H, ps -L and perf tell the server's threads apart. */
void
serve_name_thread(const char *name)
{
#ifdef __GLIBC__
	pthread_setname_np(pthread_self(), name);
#else
	(void)name;
#endif
}

const struct timespec *
serve_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_nsec += ms % 1000 * 1000000L;
	ts->tv_sec += ms / 1000 + ts->tv_nsec / 1000000000L;
	ts->tv_nsec %= 1000000000L;
	return ts;
}

void
server_wait_answers(struct server *s, const int *stop)
{
	struct timespec ts;

	pthread_mutex_lock(&s->lock);
	while (s->max_held > 0 && s->answers > s->max_held &&
	    !__atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
		/* A tenth of a second at most, to see *stop. */
		pthread_cond_timedwait(&s->answers_cond, &s->lock,
		    serve_deadline(&ts, 100));
	}
	pthread_mutex_unlock(&s->lock);
}

static void
on_job_done(struct invjob *j)
{
	struct sreq *r = j->done_arg;
	struct server *s = r->srv;
	/*
	 * Its answer is held until it is sent: the document, and the copy
	 * libmicrohttpd sends from; or, spooled, the file (once: it is sent
	 * from there), so the budget bounds the disk answers hold too.
	 * Counted whatever the budget says, since the work is done; the next
	 * requests and jobs wait for it instead.
	 */
	size_t n = 2 * j->out.len + j->spooled;

	pthread_mutex_lock(&s->lock);
	s->held += n;
	s->answers += n;
	r->charged += n;
	r->charged_answer += n;
	pthread_mutex_unlock(&s->lock);
	r->online_spent = j->online_spent;
	/* The connection is suspended until this: resume it to answer. */
	__atomic_store_n(&r->resumed, 1, __ATOMIC_RELEASE);
	MHD_resume_connection(r->conn);
}

int
req_submit(struct sreq *r, struct invjob *j, int (*finish)(struct sreq *r))
{
	r->job = j;
	r->finish = finish;
	j->done = on_job_done;
	j->done_arg = r;
	/* Online, what it sends is charged to the token's daily budget. */
	j->srv = r->srv;
	snprintf(j->payer, sizeof(j->payer), "%s", r->who.name);
	j->payer_budget = auth_budget(r->srv, &r->who);
	/*
	 * A full queue is said at once: holding the request would only
	 * make it wait longer than asking again, and hold its memory.  So
	 * is a queue whose requests hold too much memory already (their
	 * bodies and what was made of them: the text, the inputs).
	 */
	if (!held_take(r->srv, r, r->body.cap + chousa_arena_used(r->a))) {
		req_header_add(r, "Retry-After", "1");
		return req_error(r, 503, "the investigations queued hold too "
		    "much memory: retry in 1 s");
	}
	if (j->io.offline && !pool_reserve(r->srv->pool)) {
		held_give(r->srv, r);
		req_header_add(r, "Retry-After", "1");
		return req_error(r, 503, "too many investigations queued: "
		    "retry in 1 s");
	}
	r->suspended = 1;
	MHD_suspend_connection(r->conn);
	if (j->io.offline)
		pool_submit(r->srv->pool, j);
	else
		worker_submit(r->srv->worker, j);
	return ROUTE_PENDING;
}

/* ---- jobs on threads of their own ---- */

static enum MHD_Result respond(struct sreq *r);

/* Seconds an unused sweep matcher is kept: [server] sweep_matcher_keep. */
#define SWEEP_MATCHER_KEEP	900
/* Sweeps and exports at once, unless [server] background_jobs says. */
#define BACKGROUND_JOBS	2

struct bgjob {
	struct sreq	*r;
	pthread_t	 th;
	void		(*run)(struct sreq *r);
	void		(*abort)(struct sreq *r);
	int		 done;		/* run returned (s->lock) */
	int		 waiting;	/* r is suspended until then (s->lock) */
	int		 aborted;	/* abort was called (s->lock) */
	struct bgjob	*next;		/* s->bg */
};

static void *
bg_main(void *arg)
{
	struct bgjob *j = arg;
	struct sreq *r = j->r;
	struct server *s = r->srv;
	int waiting;

	serve_name_thread("chousa-bg");
	j->run(r);
	pthread_mutex_lock(&s->lock);
	j->done = 1;
	waiting = j->waiting;
	pthread_cond_broadcast(&s->bg_cond);
	pthread_mutex_unlock(&s->lock);
	if (waiting) {
		__atomic_store_n(&r->resumed, 1, __ATOMIC_RELEASE);
		MHD_resume_connection(r->conn);
	}
	return NULL;
}

/* A job whose thread could not start: answered by this instead. */
static int
bg_not_started(struct sreq *r)
{
	return req_error(r, 500, "cannot start a thread for the %s",
	    r->what);
}

static void
bg_unlink(struct server *s, struct bgjob *j)
{
	struct bgjob **p;

	for (p = &s->bg; *p != NULL; p = &(*p)->next)
		if (*p == j) {
			*p = j->next;
			break;
		}
	s->n_bg--;
	pthread_cond_broadcast(&s->bg_cond);
}

int
req_background(struct sreq *r, void (*run)(struct sreq *r),
    int (*finish)(struct sreq *r), void (*abort)(struct sreq *r))
{
	struct server *s = r->srv;
	struct bgjob *j = chousa_arena_alloc(r->a, sizeof(*j));
	long max;

	if (j == NULL)
		return req_error(r, 500, "out of memory");
	memset(j, 0, sizeof(*j));
	j->r = r;
	j->run = run;
	j->abort = abort;
	pthread_mutex_lock(&s->lock);
	max = s->max_bg;
	if (s->bg_stopping || s->n_bg >= max) {
		int stopping = s->bg_stopping;

		pthread_mutex_unlock(&s->lock);
		req_header_add(r, "Retry-After", "5");
		if (stopping)
			return req_error(r, 503, "the server is stopping");
		return req_error(r, 503, "%ld sweeps and exports run already "
		    "([server] background_jobs): retry in 5 s", max);
	}
	s->n_bg++;
	j->next = s->bg;
	s->bg = j;
	j->waiting = !(r->route->flags & ROUTE_STREAM);
	pthread_mutex_unlock(&s->lock);
	r->bg = j;
	r->finish = finish;
	if (j->waiting) {
		r->suspended = 1;
		MHD_suspend_connection(r->conn);
	}
	if (pthread_create(&j->th, NULL, bg_main, j) != 0) {
		pthread_mutex_lock(&s->lock);
		bg_unlink(s, j);
		pthread_mutex_unlock(&s->lock);
		r->bg = NULL;
		r->finish = bg_not_started;
		if (!j->waiting)
			return bg_not_started(r);
		__atomic_store_n(&r->resumed, 1, __ATOMIC_RELEASE);
		MHD_resume_connection(r->conn);
	}
	return ROUTE_PENDING;
}

/*
 * The body of a ROUTE_STREAM request with a job has ended: answer when the
 * job is done, else wait for it, suspended.
 */
static enum MHD_Result
bg_body_ended(struct sreq *r)
{
	struct server *s = r->srv;
	int done;

	if (r->on_body != NULL)
		r->on_body(r, "", 0);
	pthread_mutex_lock(&s->lock);
	done = r->bg->done;
	if (!done) {
		r->bg->waiting = 1;
		r->suspended = 1;
	}
	pthread_mutex_unlock(&s->lock);
	if (!done) {
		MHD_suspend_connection(r->conn);
		return MHD_YES;
	}
	r->finish(r);
	return respond(r);
}

/* r's request ended: stop its job if it still runs, and join it. */
static void
bg_end(struct server *s, struct sreq *r)
{
	struct bgjob *j = r->bg;
	int call_abort;

	pthread_mutex_lock(&s->lock);
	call_abort = !j->done && !j->aborted && j->abort != NULL;
	j->aborted = 1;
	pthread_mutex_unlock(&s->lock);
	if (call_abort)
		j->abort(r);
	pthread_join(j->th, NULL);
	pthread_mutex_lock(&s->lock);
	bg_unlink(s, j);
	pthread_mutex_unlock(&s->lock);
	r->bg = NULL;
}

/*
 * The server stops: no new jobs, the running ones aborted, and waited for
 * until they return (their connections are then resumed and answered, as
 * the daemon must have no suspended connection left when it stops).
 */
static void
bg_stop(struct server *s)
{
	struct bgjob *j;
	struct timespec ts;

	pthread_mutex_lock(&s->lock);
	s->bg_stopping = 1;
	for (;;) {
		for (j = s->bg; j != NULL; j = j->next)
			if (!j->done && !j->aborted)
				break;
		if (j == NULL)
			break;
		j->aborted = 1;
		if (j->abort != NULL) {
			pthread_mutex_unlock(&s->lock);
			j->abort(j->r);
			pthread_mutex_lock(&s->lock);
		}
	}
	for (;;) {
		for (j = s->bg; j != NULL && j->done; j = j->next)
			;
		if (j == NULL)
			break;
		pthread_cond_wait(&s->bg_cond, &s->lock);
	}
	/*
	 * Their answers ("the server is stopping") sent, half a second at most,
	 * before the daemon closes the connections.
	 */
	serve_deadline(&ts, 500);
	while (s->bg != NULL)
		if (pthread_cond_timedwait(&s->bg_cond, &s->lock, &ts) != 0)
			break;
	pthread_mutex_unlock(&s->lock);
}

/* ---- answering ---- */

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200: return "ok";
	case 303: return "see other";
	case 400: return "bad request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not found";
	case 405: return "method not allowed";
	case 413: return "payload too large";
	case 415: return "unsupported media type";
	case 429: return "too many requests";
	case 501: return "not implemented";
	case 507: return "insufficient storage";
	default: return status >= 500 ? "server error" : "error";
	}
}

/* A warning as a header value: printable ASCII, the rest %-escaped. */
static char *
header_safe(struct chousa_arena *a, const char *s)
{
	size_t n = strlen(s), i;
	char *out, *o;

	if (n > 300)
		n = 300;
	out = chousa_arena_alloc(a, n * 3 + 1);
	if (out == NULL)
		return NULL;
	for (o = out, i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c > 0x7e || c == '%') {
			snprintf(o, 4, "%%%02X", c);
			o += 3;
		} else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

/* The exit status the CLI gives an answer with this HTTP status. */
static int
exit_for_status(int status)
{
	/* An answer whose handler named no status (version, health). */
	if (status < 400)
		return CHOUSA_EXIT_CLEAN;
	if (status == 400 || status == 405)
		return CHOUSA_EXIT_USAGE;
	/* A token refused is a setting to mend, not a failure to retry. */
	if (status == 401 || status == 403 || status == 404 ||
	    status == 413 || status == 415)
		return CHOUSA_EXIT_BADINPUT;
	/* A store that cannot be written: a full disk, as chousa_exit_for_rc. */
	if (status == 507)
		return CHOUSA_EXIT_BADINPUT;
	if (status >= 500 && status != 503)
		return CHOUSA_EXIT_INTERNAL;
	/* Rate limited, unavailable: the source (here the server). */
	return CHOUSA_EXIT_SOURCE;
}

/* ---- an answer in pieces: a frame's own lines, and the output ---- */

/*
 * The answer of cli=1 is the frame's lines with ranges of the output
 * between them.  Made as a list of pieces, it can be sent from the spool
 * as well as copied together from memory.
 */
struct piece {
	int	 output;	/* a range of the output, else of lines */
	size_t	 off, len;
};

struct pieces {
	struct chousa_buf	 lines;
	struct piece		*v;
	size_t			 n, cap;
	size_t			 total;
	int			 fd;		/* the spool, when sent from it */
	size_t			 at, first;	/* the read cursor: piece at
						 * starts at byte first */
};

static void
pieces_add(struct pieces *x, int output, size_t off, size_t len)
{
	struct piece *last = x->n > 0 ? &x->v[x->n - 1] : NULL;

	if (len == 0)
		return;
	x->total += len;
	if (last != NULL && last->output == output && last->off + last->len ==
	    off) {
		last->len += len;
		return;
	}
	if (MEM_GROW(x->v, x->n, x->cap, 16, 0) != 0) {
		/* As a buffer over its cap: the answer fails (500). */
		x->lines.failed = CHOUSA_ENOMEM;
		return;
	}
	x->v[x->n].output = output;
	x->v[x->n].off = off;
	x->v[x->n].len = len;
	x->n++;
}

static void
pieces_release(struct pieces *x)
{
	chousa_buf_release(&x->lines);
	mem_free(x->v);
}

/* One "W warning" or "E error" line of a frame, escaped. */
static void
frame_line(struct pieces *x, char tag, const char *msg)
{
	size_t off = x->lines.len;

	chousa_buf_addch(&x->lines, tag);
	chousa_buf_addch(&x->lines, ' ');
	chousa_esc_text(&x->lines, msg, strcspn(msg, "\n"));
	chousa_buf_addch(&x->lines, '\n');
	pieces_add(x, 0, off, x->lines.len - off);
}

/* "O LEN", a newline and the output's bytes [from, to), when any. */
static void
frame_output(struct pieces *x, size_t from, size_t to)
{
	size_t off = x->lines.len;

	if (to <= from)
		return;
	chousa_buf_addf(&x->lines, "O %zu\n", to - from);
	pieces_add(x, 0, off, x->lines.len - off);
	pieces_add(x, 1, from, to - from);
}

/* Bytes of r's output, in memory or spooled. */
static size_t
output_len(const struct sreq *r)
{
	return r->spool_len > 0 ? r->spool_len : r->out.len;
}

/*
 * `chousa --server` asks with cli=1: the answer is then framed, so that
 * the CLI prints what it would locally and ends the same way without
 * reading any header.  The first line is "chousa/V EXIT".  In frame 1,
 * a "W warning" or "E error" line each follow, an empty line and the
 * output.  In frame 2 (frame=2 in the query), the records follow in the
 * order the local command says them: "W warning" and "E error" lines,
 * "S line" lines (said on stderr as they are, without "chousa: "), and
 * "O LEN" lines each followed by LEN bytes of output.
 */
static void
cli_frame(struct sreq *r, int version, struct pieces *x)
{
	/* An answer kept whatever its status says it as the CLI would. */
	int answered = r->status < 400 || r->answer_on_error;
	const char *refusal = r->status >= 400 ? r->refusal : NULL;
	size_t i, done = 0, at, last, len = output_len(r), off;
	/*
	 * A refusal's status is the HTTP status's, unless its handler named
	 * a failure of its own (a token name taken: 409, yet bad input).
	 */
	int own = r->exit_status >= 0 && (answered ||
	    r->exit_status > CHOUSA_EXIT_FOUND);

	chousa_buf_init(&x->lines, SERVE_MAX_OUTPUT);
	off = x->lines.len;
	chousa_buf_addf(&x->lines, "chousa/%d %d\n", version, own ?
	    r->exit_status : exit_for_status(r->status));
	pieces_add(x, 0, off, x->lines.len - off);
	for (i = 0; i < r->warn.n; i++) {
		/* Output only when answered, and in order. */
		at = answered ? r->warn.at[i] : 0;
		if (at > len)
			at = len;
		if (version > 1 && at > done) {
			/*
			 * The local command's last write before the warning
			 * is a record of its own: the CLI writes it as one,
			 * and a full stdout buffer is left unflushed, or not,
			 * as it is locally.
			 */
			last = r->warn.last[i] < at - done ? r->warn.last[i] :
			    0;
			frame_output(x, done, at - last);
			frame_output(x, at - last, at);
			done = at;
		}
		frame_line(x, r->warn.kind[i], r->warn.msg[i]);
	}
	if (refusal != NULL && !r->answer_on_error)
		frame_line(x, 'E', refusal);
	if (version == 1) {
		off = x->lines.len;
		chousa_buf_addch(&x->lines, '\n');
		pieces_add(x, 0, off, 1);
	}
	if (answered && version == 1)
		pieces_add(x, 1, 0, len);
	else if (answered)
		frame_output(x, done, len);
	r->ctype = "application/vnd.chousa.cli";
}

/* The pieces of x copied together into r's output (not spooled). */
static void
pieces_join(struct sreq *r, struct pieces *x)
{
	struct chousa_buf b;
	size_t i;

	chousa_buf_init(&b, SERVE_MAX_OUTPUT + x->lines.len);
	if (x->lines.failed != CHOUSA_OK)
		b.failed = x->lines.failed;
	for (i = 0; i < x->n; i++)
		chousa_buf_add(&b, (x->v[i].output ? r->out.data :
		    x->lines.data) + x->v[i].off, x->v[i].len);
	chousa_buf_release(&r->out);
	r->out = b;
}

/* MHD_ContentReaderCallback: the bytes of x from pos, a piece at a time. */
static ssize_t
pieces_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct pieces *x = cls;
	const struct piece *p;
	size_t skip, n;
	ssize_t got;

	if (pos < x->first) {
		x->at = 0;
		x->first = 0;
	}
	while (x->at < x->n && pos >= x->first + x->v[x->at].len) {
		x->first += x->v[x->at].len;
		x->at++;
	}
	if (x->at == x->n)
		return MHD_CONTENT_READER_END_OF_STREAM;
	p = &x->v[x->at];
	skip = (size_t)pos - x->first;
	n = p->len - skip < max ? p->len - skip : max;
	if (!p->output) {
		memcpy(buf, x->lines.data + p->off + skip, n);
		return (ssize_t)n;
	}
	do
		got = pread(x->fd, buf, n, (off_t)(p->off + skip));
	while (got < 0 && errno == EINTR);
	return got > 0 ? got : MHD_CONTENT_READER_END_WITH_ERROR;
}

/* MHD_ContentReaderFreeCallback: the response that read x is gone. */
static void
pieces_free(void *cls)
{
	struct pieces *x = cls;

	close(x->fd);
	pieces_release(x);
	mem_free(x);
}

/*
 * The response of a spooled output, framed by x (or, NULL, the output
 * alone, sent from the file as it is); it owns x and the file then.
 */
static struct MHD_Response *
spooled_response(struct sreq *r, struct pieces *x)
{
	struct MHD_Response *resp;
	struct pieces *own;
	size_t len = r->spool_len;
	int fd = r->spool_fd;

	r->spool_len = 0;
	if (x == NULL) {
		/* Sent by sendfile(2) where it can: no copy at all. */
		resp = MHD_create_response_from_fd64(len, fd);
		if (resp == NULL)
			close(fd);
		return resp;
	}
	own = mem_alloc(sizeof(*own));
	if (own == NULL) {
		close(fd);
		pieces_release(x);
		return NULL;
	}
	*own = *x;
	own->fd = fd;
	resp = MHD_create_response_from_callback(own->total, 65536,
	    pieces_read, own, pieces_free);
	if (resp == NULL)
		pieces_free(own);
	return resp;
}

/*
 * A response over b's bytes, which it takes rather than copies (a whole
 * answer, kept or made, is often several KiB): libmicrohttpd frees them
 * when it is done, and b is left empty.
 */
static struct MHD_Response *
response_taking(struct chousa_buf *b)
{
	struct MHD_Response *resp;

	if (b->cap == 0 || b->len == 0)
		return MHD_create_response_from_buffer(b->len, b->data,
		    MHD_RESPMEM_MUST_COPY);
	resp = MHD_create_response_from_buffer_with_free_callback(b->len,
	    b->data, mem_free);
	if (resp != NULL)
		chousa_buf_init(b, b->max);
	return resp;
}

static enum MHD_Result
respond(struct sreq *r)
{
	struct MHD_Response *resp;
	struct pieces x;
	enum MHD_Result ok;
	char num[16];
	size_t i;
	int framed = 0, typed;

	if (r->status == 0)
		r->status = 200;
	if (r->out.failed != CHOUSA_OK) {
		r->status = 500;
		unspool(r);
		chousa_buf_release(&r->out);
		chousa_buf_init(&r->out, SERVE_MAX_OUTPUT);
		error_json(&r->out, "the answer is too big");
		r->ctype = "application/json";
	}
	if (output_len(r) == 0 && r->status >= 400 && !r->answer_on_error)
		req_error(r, r->status, "%s", reason_phrase(r->status));
	if (req_for_cli(r) && r->route != NULL &&
	    !(r->route->flags & ROUTE_WEB) &&
	    !((r->route->flags & ROUTE_FILE) && r->status < 400)) {
		const char *frame = req_arg(r, "frame");

		memset(&x, 0, sizeof(x));
		cli_frame(r, frame != NULL && strcmp(frame, "2") == 0 ? 2 : 1,
		    &x);
		framed = 1;
	}
	/*
	 * A redirect or 304 says no type, nor an accepted MCP notification
	 * (an empty 202): they have no body to have one.
	 */
	typed = (r->status < 300 || r->status >= 400) && !(r->status == 202 &&
	    r->out.len == 0 && r->spool_len == 0);
	if (r->spool_len > 0)
		resp = spooled_response(r, framed ? &x : NULL);
	else {
		if (framed) {
			pieces_join(r, &x);
			pieces_release(&x);
		}
		resp = response_taking(&r->out);
	}
	if (resp == NULL)
		return MHD_NO;
	if (typed)
		MHD_add_response_header(resp, "Content-Type", r->ctype != NULL ?
		    r->ctype : "application/json");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* Over HTTPS (its own, or a trusted proxy's): never plain again. */
	if (req_is_tls(r))
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
	/*
	 * No inline script or style anywhere: pages load /static only, and
	 * app.js sends the upload forms to this origin only.
	 */
	if (!r->csp_set)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    r->ctype != NULL && strncmp(r->ctype, "text/html", 9) == 0 ?
		    "default-src 'none'; script-src 'self'; style-src 'self'; "
		    "img-src 'self' data:; connect-src 'self'; form-action "
		    "'self'; base-uri 'none'; frame-ancestors 'none'" :
		    "default-src 'none'; frame-ancestors 'none'");
	if (r->status == 401 && !(r->route != NULL &&
	    (r->route->flags & ROUTE_WEB)))
		MHD_add_response_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"chousa\"");
	if (r->exit_status >= 0) {
		snprintf(num, sizeof(num), "%d", r->exit_status);
		MHD_add_response_header(resp, "Chousa-Exit", num);
	}
	for (i = 0; i < r->warn.n && i < SERVE_MAX_WARN_HEADERS; i++) {
		char *v;

		/* Lines said are the CLI's frame's only. */
		if (r->warn.kind[i] != 'W')
			continue;
		v = header_safe(r->a, r->warn.msg[i]);

		if (v != NULL && i + 1 == SERVE_MAX_WARN_HEADERS &&
		    r->warn.n > i + 1)
			v = chousa_arena_printf(r->a, "%s (and %zu more)", v,
			    r->warn.n - i - 1);
		if (v != NULL)
			MHD_add_response_header(resp, "Chousa-Warning", v);
	}
	for (i = 0; i < r->n_hdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	/* Stopping: no more requests on this connection. */
	if (__atomic_load_n(&r->srv->closing, __ATOMIC_RELAXED) ||
	    r->close_after)
		MHD_add_response_header(resp, "Connection", "close");
	ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->answered = 1;
	return ok;
}

/* ---- routing ---- */

static unsigned
method_bit(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return M_GET;
	if (strcmp(m, "POST") == 0)
		return M_POST;
	if (strcmp(m, "DELETE") == 0)
		return M_DELETE;
	if (strcmp(m, "HEAD") == 0)
		return M_HEAD;
	return M_OTHER;
}

/*
 * Whether path is the route's: its path, where a '*' stands for one
 * segment without a '/' (a token's name), or, last, for the rest of the
 * path, never empty (a name decoded from %2F holds a '/', and is the
 * handler's to refuse).
 */
static int
route_match(const struct route *rt, const char *path)
{
	const char *p = rt->path;
	size_t n;

	for (; *p != '\0'; p++) {
		if (*p != '*') {
			if (*path++ != *p)
				return 0;
			continue;
		}
		n = p[1] == '\0' ? strlen(path) : strcspn(path, "/");
		if (n == 0)
			return 0;
		path += n;
	}
	return *path == '\0';
}

/*
 * The route for path and method.  The first route whose path matches
 * decides: only the routes of that same path are path's, so that
 * /api/v1/tokens/NAME/rotate, listed before /api/v1/tokens/NAME, is not
 * also the latter's.  *allowed: the methods of those routes, for a 405's
 * Allow.
 */
static const struct route *
find_route_method(const char *path, unsigned m, unsigned *allowed)
{
	const struct route *const *t;
	const struct route *rt, *any = NULL, *found = NULL;

	*allowed = 0;
	for (t = route_tables; *t != NULL; t++)
		for (rt = *t; rt->path != NULL; rt++) {
			if (any != NULL ? strcmp(rt->path, any->path) != 0 :
			    !route_match(rt, path))
				continue;
			*allowed |= rt->methods;
			if (any == NULL)
				any = rt;
			if (found == NULL && ((rt->methods & m) ||
			    (m == M_HEAD && (rt->methods & M_GET))))
				found = rt;
		}
	return found != NULL ? found : any;
}

/* The Allow header of a path whose routes take methods. */
static const char *
allow_text(unsigned methods)
{
	static const char *const text[8] = {
		"", "GET, HEAD", "POST", "GET, HEAD, POST", "DELETE",
		"GET, HEAD, DELETE", "POST, DELETE", "GET, HEAD, POST, DELETE"
	};

	return text[((methods & M_GET) ? 1 : 0) | ((methods & M_POST) ? 2 : 0) |
	    ((methods & M_DELETE) ? 4 : 0)];
}

/* Every X-Forwarded-For header, in order, joined with commas. */
static enum MHD_Result
each_forwarded(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct chousa_buf *b = arg;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") == 0 && value != NULL) {
		if (b->len > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_adds(b, value);
	}
	return MHD_YES;
}

/* The client a trusted proxy forwarded r for; 0 when there is one. */
static int
forwarded_for(struct sreq *r, char client[ADDR_TEXT_MAX])
{
	struct chousa_buf b;
	int rc;

	chousa_buf_init(&b, 65536);
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, each_forwarded,
	    &b);
	rc = addr_forwarded_client(&r->cfg_ref->proxies, b.data, b.len,
	    client);
	chousa_buf_release(&b);
	return rc;
}

/*
 * Who r comes from: the connection's address, or, when that is one of
 * [server] trusted_proxies, the client it forwards for (the proxy kept
 * in r->proxy) and whether it took the client's TLS.
 */
static void
peer_of(struct sreq *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[ADDR_TEXT_MAX], client[ADDR_TEXT_MAX];
	const char *proto;

	/*
	 * A dual-stack socket (systemd's ListenStream=8080) gives IPv4
	 * clients as ::ffff:a.b.c.d: said, matched against trusted_proxies
	 * and audited as a.b.c.d.
	 */
	if (ci == NULL || ci->client_addr == NULL ||
	    sockaddr_text(ci->client_addr, buf, NULL) != 0)
		memcpy(buf, "?", 2);
	r->peer = chousa_arena_strdup(r->a, buf);
	if (r->cfg_ref->proxies.n == 0 ||
	    !addr_ranges_has(&r->cfg_ref->proxies, buf, strlen(buf)))
		return;
	r->by_proxy = 1;
	proto = req_header(r, "X-Forwarded-Proto");
	r->forwarded_https = proto != NULL && strcasecmp(proto, "https") == 0;
	/*
	 * Forwarded, the proxy is said even when the client has the proxy's
	 * address (a browser on the proxy's own machine).
	 */
	if (forwarded_for(r, client) == 0) {
		r->proxy = r->peer;
		if (strcmp(client, buf) != 0)
			r->peer = chousa_arena_strdup(r->a, client);
	}
}

static struct sreq *
req_new(struct server *s, struct MHD_Connection *c, const char *url,
    const char *method)
{
	const union MHD_ConnectionInfo *ci;
	struct conn_state *cs;
	struct chousa_arena *a;
	struct sreq *r;

	if (chousa_arena_new(&a, (size_t)256 << 20, NULL) != CHOUSA_OK)
		return NULL;
	r = chousa_arena_alloc(a, sizeof(*r));
	if (r == NULL) {
		chousa_arena_free(a);
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->began);
	r->srv = s;
	r->conn = c;
	r->a = a;
	r->method = method_bit(method);
	r->path = chousa_arena_strdup(a, url);
	r->exit_status = -1;
	r->who.via = "none";
	chousa_buf_init(&r->body, 0);
	chousa_buf_init(&r->out, SERVE_MAX_OUTPUT);
	__atomic_add_fetch(&s->busy, 1, __ATOMIC_RELAXED);
	/* The connection's first request: it is fresh no more. */
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	cs = ci != NULL ? ci->socket_context : NULL;
	if (cs != NULL)
		hdrwait_answering(&cs->headers);
	if (cs != NULL && !cs->asked) {
		cs->asked = 1;
		__atomic_sub_fetch(&s->fresh, 1, __ATOMIC_RELAXED);
	}
	r->env.srv = s;
	r->env.cfg = cfg_take(s, &r->cfg_ref);
	peer_of(r);
	r->env.db_path = s->db_path;
	return r;
}

/*
 * Whether a body the route reads as it is (a feed, a log, text, JSON)
 * was sent as a multipart form (curl -F, requests' files=): its bytes
 * are then a MIME wrapper, whose boundary reads as a hash, around the
 * file; refused (415) saying how to send the file.  The pages' forms are
 * their own routes.  application/x-www-form-urlencoded is taken: curl
 * --data-binary, the way to send a file, labels it so.
 */
static int
form_refused(struct sreq *r, const struct route *rt)
{
	const char *ct = req_header(r, "Content-Type");
	const char *what = (rt->flags & ROUTE_IMPORT) ? "feed file" :
	    (rt->flags & ROUTE_STREAM) ? "log" :
	    (rt->flags & ROUTE_TEXT) ? "text" : "JSON";

	if (ct == NULL || (rt->flags & ROUTE_WEB))
		return 0;
	ct += strspn(ct, " \t");
	if (strncasecmp(ct, "multipart/", 10) != 0)
		return 0;
	r->exit_status = CHOUSA_EXIT_BADINPUT;
	req_error(r, 415, "the body is the %s itself, not a form (Content-Type "
	    "%.*s): send it with curl --data-binary @FILE or -T FILE", what,
	    (int)strcspn(ct, "; "), ct);
	return 1;
}

/*
 * Fail closed: while the audit log cannot be written (a full disk), a
 * request it would audit is refused, not answered unaudited.  The health
 * check and the metrics, which it does not audit, still answer, so a
 * monitor sees why.  1 when r was refused.
 */
static int
audit_refused(struct sreq *r)
{
	int e = audit_failing(server_audit(r->srv));

	if (e == 0 || (r->route->flags & ROUTE_NO_AUDIT))
		return 0;
	req_header_add(r, "Retry-After", "5");
	req_error(r, 503, "the audit log cannot be written (%s): the server "
	    "refuses requests rather than answer them unaudited, until it "
	    "can%s", strerror(e), e == ENOSPC ? " (free space on its disk)" :
	    e == EFBIG ? " (the file is at the size limit of the server's "
	    "process, ulimit -f)" : "");
	return 1;
}

/*
 * Decide, from the request line and headers alone, whether the request
 * may go on; else set its answer.  Called before any of the body is read.
 */
static void
admit(struct sreq *r)
{
	const struct route *rt;
	const char *cl, *refusal = NULL;
	long retry = 0;
	size_t max;
	unsigned allowed;
	int status;

	/*
	 * The route names what was asked (the audit line's what, null when
	 * no route matches) even for a request refused before it is routed:
	 * `chousa audit --what lookup` finds the look-ups refused for their
	 * heads too.
	 */
	rt = find_route_method(r->path != NULL ? r->path : "", r->method,
	    &allowed);
	r->what = rt != NULL ? rt->what : NULL;
	if ((refusal = head_refusal(r, &status)) != NULL ||
	    (refusal = framing_refusal(r, &status)) != NULL) {
		r->close_after = 1;
		req_error(r, status, "%s: the request is refused and the "
		    "connection closed", refusal);
		return;
	}
	r->route = rt;
	if (rt == NULL) {
		req_error(r, 404, "no such path");
		return;
	}
	if (!(rt->methods & r->method) && !(r->method == M_HEAD &&
	    (rt->methods & M_GET))) {
		req_header_add(r, "Allow", allow_text(allowed));
		req_error(r, 405, "method not allowed here");
		return;
	}
	if (args_hold_nul(r)) {
		req_error(r, 400, "a query parameter holds a NUL character "
		    "(%%00)");
		return;
	}
	r->body.max = rt->max_body > 0 ? rt->max_body : 1;
	auth_identify(r->srv, r, &refusal);
	if (r->who.role < rt->role) {
		api_tokens_refused(r);
		/* The server's fault, not the token's: ask again later. */
		if (refusal == auth_unreadable) {
			req_header_add(r, "Retry-After", "1");
			req_error(r, 503, "%s: retry in 1 s", refusal);
			return;
		}
		/*
		 * A page: to the sign-in form (with another token, for too
		 * low a role), not a bare 401; but not for a user the proxy
		 * signs in, whom the form cannot help.
		 */
		if ((rt->flags & ROUTE_WEB) && r->method != M_POST &&
		    strcmp(r->who.via, "proxy") != 0) {
			r->refusal = refusal != NULL ? refusal : "no session";
			r->status = 303;
			req_header_add(r, "Location", web_login_location(r));
			return;
		}
		if (r->who.role == CHOUSA_ROLE_NONE &&
		    strcmp(r->who.via, "proxy") == 0)
			req_error(r, 403, "%s", refusal != NULL ? refusal :
			    "the proxy's user is refused");
		else if (r->who.role == CHOUSA_ROLE_NONE)
			req_error(r, 401, "%s", refusal != NULL ? refusal :
			    "a token is needed (Authorization: Bearer ...)");
		else
			req_error(r, 403, (rt->flags & ROUTE_WEB) ?
			    "role '%s' may not use this page (%s)" :
			    "role '%s' may not %s",
			    chousa_role_name(r->who.role), r->what);
		return;
	}
	if (audit_refused(r))
		return;
	/*
	 * After the token, so that a body too large is audited with who
	 * sent it.  A streamed body's cap is the server's setting.
	 */
	max = !(rt->flags & ROUTE_STREAM) ? rt->max_body :
	    (rt->flags & ROUTE_IMPORT) ? LIVE(r->srv->max_import) :
	    LIVE(r->srv->max_stream);
	/* A GET of a path whose POST takes a body: none, as elsewhere. */
	if ((r->method & (M_GET | M_HEAD)) && (rt->methods & M_POST)) {
		max = 0;
		r->body.max = 1;
	}
	cl = req_header(r, "Content-Length");
	if (cl != NULL) {
		char *end;
		unsigned long long n = strtoull(cl, &end, 10);

		if (end == cl || *end != '\0') {
			req_error(r, 400, "bad Content-Length");
			return;
		}
		if (n > 0 && max == 0) {
			req_error(r, 413, (r->method & (M_GET | M_HEAD)) &&
			    (rt->methods & M_POST) ? "a GET takes no body: "
			    "POST it" : "this path takes no body");
			return;
		}
		if (n > max) {
			req_error(r, 413, "body over %zu bytes%s", max,
			    !(rt->flags & ROUTE_STREAM) ? "" :
			    (rt->flags & ROUTE_IMPORT) ? " ([server] "
			    "import_max)" : " ([server] sweep_max)");
			return;
		}
	}
	if (max > 0 && form_refused(r, rt))
		return;
	if (r->who.role > CHOUSA_ROLE_NONE &&
	    !auth_rate_take(r->srv->auth, &r->who, &retry)) {
		char *ra = chousa_arena_printf(r->a, "%ld", retry);

		if (ra != NULL)
			req_header_add(r, "Retry-After", ra);
		req_error(r, 429, "rate limit of this token reached: retry in "
		    "%ld s", retry);
		return;
	}
}

/* Run r's handler on this thread's store: 1 when it answers later. */
/*
 * Whether r's body is a form (application/x-www-form-urlencoded) with a
 * field holding a NUL (%00), which req_form's callers would read cut
 * short unseen.  In a form a NUL can only be written so: a '%' of the
 * field's own is %25.
 */
static int
form_holds_nul(struct sreq *r)
{
	const char *ct = req_header(r, "Content-Type");

	return ct != NULL && strncasecmp(ct,
	    "application/x-www-form-urlencoded", 33) == 0 &&
	    r->body.len >= 3 && memmem(r->body.data, r->body.len, "%00", 3) !=
	    NULL;
}

static int
handle(struct sreq *r)
{
	struct chousa_err err = { 0 };

	if (form_holds_nul(r)) {
		req_error(r, 400, "a form field holds a NUL character (%%00)");
		return 0;
	}
	r->env.st = server_store(r->srv, &err);
	if (r->env.st == NULL) {
		/* Gone under the server?  Said in its log at once. */
		(void)storewatch_check(r->srv, NULL);
		req_error(r, 503, "the store cannot be opened: %s", err.msg);
		return 0;
	}
	return r->route->handle(r) == ROUTE_PENDING;
}

/* Whether r is a GET or HEAD that has no body to wait for. */
static int
bodiless_read(struct sreq *r)
{
	const char *cl = req_header(r, "Content-Length");

	return (r->method == M_GET || r->method == M_HEAD) &&
	    (cl == NULL || strcmp(cl, "0") == 0) &&
	    req_header(r, "Transfer-Encoding") == NULL;
}

/*
 * A GET or HEAD without a body, once the request is whole: admitted and
 * answered in one read transaction of this thread's store.  So the token
 * check and a look-up take the WAL read lock once, and see the same state
 * of the store: an import is wholly in it or not at all.  (Answered later
 * than the headers on purpose: libmicrohttpd closes a connection whose
 * answer was queued with the headers, and keep-alive matters more.)
 */
static enum MHD_Result
on_bodiless(struct server *s, struct sreq *r)
{
	int pending = 0;

	snap_fresh(s);
	r->admitted = 1;
	admit(r);
	if (r->status == 0)
		pending = handle(r);
	snap_done(s);
	return pending ? MHD_YES : respond(r);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct sreq *r = *con_cls;

	(void)version;
	if (r == NULL) {
		r = req_new(s, c, url, method);
		if (r == NULL)
			return MHD_NO;
		*con_cls = r;
		if (bodiless_read(r))
			return MHD_YES;
		snap_release(s);	/* it may write, or read for long */
		r->admitted = 1;
		admit(r);
		/* Refused before the body: answer now, the body is dropped. */
		if (r->status != 0)
			return respond(r);
		/* A streamed body goes to what the handler sets up for it. */
		if ((r->route->flags & ROUTE_STREAM) && !handle(r))
			return respond(r);
		return MHD_YES;
	}
	if (*upload_size > 0) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->too_big) {
			/* Read and dropped up to a point, then hung up on. */
			r->discarded += n;
			return r->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		if (r->on_body != NULL)
			return r->on_body(r, upload, n) == 0 ? MHD_YES : MHD_NO;
		chousa_buf_add(&r->body, upload, n);
		if (r->body.failed != CHOUSA_OK)
			r->too_big = 1;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (!r->admitted)
		return on_bodiless(s, r);
	if (r->suspended) {
		if (!__atomic_load_n(&r->resumed, __ATOMIC_ACQUIRE))
			return MHD_YES;
		r->suspended = 0;
		r->finish(r);
		return respond(r);
	}
	if (r->bg != NULL)
		return bg_body_ended(r);
	if (r->too_big)
		req_error(r, 413, "body over %zu bytes", r->route->max_body);
	else if (r->status == 0 && handle(r))
		return MHD_YES;
	return respond(r);
}

/* ---- the audit line, written when the request ends ---- */

static void
audit_request(struct server *s, struct sreq *r,
    enum MHD_RequestTerminationCode toe, double ms)
{
	struct chousa_buf b;
	struct chousa_jw w;
	struct timespec ts;
	size_t i;

	if (server_audit(s) == NULL || r->quiet || (r->route != NULL &&
	    (r->route->flags & ROUTE_NO_AUDIT) && r->status < 400))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	chousa_buf_init(&b, SERVE_AUDIT_LINE_MAX);
	chousa_jw_init(&w, &b);
	chousa_jw_object(&w);
	chousa_jw_ktime(&w, "time", ts.tv_sec);
	chousa_jw_kstr(&w, "who", r->who.name[0] ? r->who.name : NULL);
	chousa_jw_kint_if(&w, "token_id", r->who.token_id,
	    r->who.token_id > 0);
	chousa_jw_kstr(&w, "role", chousa_role_name(r->who.role));
	chousa_jw_kstr(&w, "via", r->who.via);
	chousa_jw_kstr(&w, "peer", r->peer);
	chousa_jw_kstr(&w, "proxy", r->proxy);
	chousa_jw_kstr(&w, "method", r->method == M_GET ? "GET" : r->method ==
	    M_POST ? "POST" : r->method == M_DELETE ? "DELETE" : r->method ==
	    M_HEAD ? "HEAD" : "OTHER");
	chousa_jw_kstr(&w, "path", r->path);
	chousa_jw_kstr(&w, "what", r->what);
	chousa_jw_kint(&w, "status", r->status);
	chousa_jw_key(&w, "duration_ms");
	chousa_jw_double(&w, ms, 3);
	chousa_jw_kuint(&w, "n_inputs", r->n_inputs);
	chousa_jw_key(&w, "inputs");
	chousa_jw_array(&w);
	for (i = 0; i < r->n_inputs && i < SERVE_AUDIT_INPUTS; i++)
		chousa_jw_str(&w, r->audit_inputs[i]);
	chousa_jw_array_end(&w);
	chousa_jw_kstr(&w, "sources", r->asked);
	chousa_jw_kint_if(&w, "online_requests", r->online_spent,
	    r->job != NULL && !r->job->io.offline);
	chousa_jw_kstr(&w, "verdict", r->verdicts);
	chousa_jw_kstr(&w, "refused", r->status >= 400 || r->status == 303 ||
	    r->refused_in_answer ? r->refusal : NULL);
	chousa_jw_kstr(&w, "ended",
	    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL :
	    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? "timeout" :
	    toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT ? "client closed" :
	    "error");
	/* Last, so that the keys before it keep their order. */
	chousa_jw_kstr(&w, "mcp", r->mcp_method);
	chousa_jw_kint_if(&w, "kept", r->kept_age, r->kept);
	chousa_jw_object_end(&w);
	audit_write(server_audit(s), &b);
	chousa_buf_release(&b);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct sreq *r = *con_cls;
	const union MHD_ConnectionInfo *ci;
	struct timespec now;
	double ms;

	if (r == NULL)
		return;
	*con_cls = NULL;
	/* The next request's headers are waited for from now. */
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (ci != NULL && ci->socket_context != NULL)
		hdrwait_waiting(&((struct conn_state *)
		    ci->socket_context)->headers);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ms_since(&r->began, &now);
	metrics_request(s->metrics, r->route, r->method, r->status, ms / 1e3);
	audit_request(s, r, toe, ms);
	if (r->bg != NULL)
		bg_end(s, r);
	if (r->stream != NULL && r->on_body != NULL)
		r->on_body(r, NULL, 0);		/* end of a streamed body */
	chousa_buf_release(&r->body);
	chousa_buf_release(&r->out);
	unspool(r);
	if (r->job != NULL) {
		chousa_buf_release(&r->job->out);
		invjob_unspool(r->job);
		chousa_triage_free(r->job->triage);
	}
	held_give(s, r);
	cfg_drop(s, r->cfg_ref);
	chousa_arena_free(r->a);
	__atomic_sub_fetch(&s->busy, 1, __ATOMIC_RELEASE);
}

/* ---- starting and stopping ---- */

static void
tls_say_expiry(struct server *s, int64_t until, const char *what)
{
	char when[32];
	int64_t left = until - (int64_t)time(NULL);

	chousa_time_format(until, when, sizeof(when));
	if (until == 0)
		server_log(s, "TLS certificate %s (its end unreadable)", what);
	else if (left <= 0)
		server_log(s, "TLS certificate %s: it EXPIRED at %s: clients "
		    "will refuse it; renew it, then send SIGHUP", what, when);
	else if (left < TLS_WARN_DAYS * 86400)
		server_log(s, "TLS certificate %s: it expires in %lld days "
		    "(%s): renew it, then send SIGHUP", what,
		    tls_days_left(until, until - left), when);
	else
		server_log(s, "TLS certificate %s, valid until %s", what,
		    when);
}

/* The certificate of opts, checked and in force before the daemon starts. */
static int
tls_start(struct server *s, struct chousa_err *err)
{
	int64_t until;
	int rc = tls_load(s->opts.tls_cert, s->opts.tls_key, &until, err);

	if (rc == CHOUSA_OK)
		tls_say_expiry(s, until, "loaded");
	return rc;
}

const char listen_form[] = "ADDR:PORT (127.0.0.1:8080, localhost:8080, "
    "0.0.0.0:8443, [::1]:8080; a host name other than localhost is not "
    "looked up)";

int
parse_listen(const char *s, struct sockaddr_storage *sa, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hl;
	char *end;
	long port;

	memset(sa, 0, sizeof(*sa));
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return 0;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		/* An IPv6 address only in brackets: "::1:80" is ambiguous. */
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return 0;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return 0;
	memcpy(host, h, hl);
	host[hl] = '\0';
	/* The one name taken, without asking a resolver: loopback. */
	if (strcasecmp(host, "localhost") == 0 && *s != '[')
		snprintf(host, sizeof(host), "127.0.0.1");
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535)
		return 0;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)(void *)sa)->
	    sin_addr) == 1) {
		((struct sockaddr_in *)(void *)sa)->sin_family = AF_INET;
		((struct sockaddr_in *)(void *)sa)->sin_port =
		    htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
		return 1;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)(void *)sa)->
	    sin6_addr) == 1) {
		((struct sockaddr_in6 *)(void *)sa)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)(void *)sa)->sin6_port =
		    htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
		return 1;
	}
	return 0;
}

static long
cfg_long(const struct chousa_config *cfg, const char *key, long def)
{
	return chousa_config_get_long(cfg, "server", key, def);
}

/*
 * The [server] settings a SIGHUP puts in force without a restart (the
 * idle_timeout, peer_timeout, max_connections and max_per_ip for the
 * connections from then on; sweep_matcher_keep, investigate_threads,
 * drain_timeout for the next stop; update_every and the audit log's
 * rotation unless the command line set them; the audit log's path, and
 * the TLS files', by is_live_here); the others (the address, threads...)
 * are read once, at start.
 */
static const char *const live_keys[] = {
	"rate", "burst", "trusted_proxies", "online_budget", "sweep_max",
	"import_max", "queue_memory", "background_jobs", "investigate_queue",
	"idle_timeout", "update_every", "audit_max", "audit_keep",
	"max_connections", "max_per_ip", "peer_timeout", "header_timeout",
	"sweep_matcher_keep", "answer_cache",
	"investigate_threads", "drain_timeout", "proxy_user_header",
	"proxy_user_role", "proxy_admins", "proxy_groups_header",
	"proxy_group_roles", "metrics_scrapers", NULL
};

/* Whether the command line set [server] key, which a reload then leaves. */
static int
from_cli(const struct server *s, const char *key)
{
	const char *const *k;

	for (k = s->opts.cli_keys; k != NULL && *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

static int
is_live(const char *key)
{
	size_t i;

	for (i = 0; live_keys[i] != NULL; i++)
		if (strcmp(live_keys[i], key) == 0)
			return 1;
	return 0;
}

/*
 * Whether a reload puts cfg's [server] audit_log in force, unless the
 * command line named the log: it moves the log the server keeps to the
 * file the config names, or back to the start's when the config names
 * none as at the start; a server that keeps none turns it on at a file
 * the config names.  Turning the log off ("none") waits for a restart,
 * so that no reload leaves requests unrecorded.
 */
static int
audit_path_live(const struct server *s, const struct chousa_config *cfg)
{
	const char *v = chousa_config_get(cfg, "server", "audit_log");

	if (from_cli(s, "audit_log"))
		return 0;
	if (server_audit(s) == NULL)
		return v != NULL && strcmp(v, "none") != 0;
	return v != NULL ? strcmp(v, "none") != 0 :
	    chousa_config_get(s->cfg, "server", "audit_log") == NULL;
}

/* A reload turns the audit log on at path: said, and so is a failure. */
static void
audit_turn_on(struct server *s, const char *path, long max, int keep)
{
	struct chousa_err err = { 0 };
	struct audit *a = NULL;

	if (audit_open(&a, s, path, max, keep, &err) != CHOUSA_OK) {
		server_log(s, "[server] audit_log: cannot turn the audit log "
		    "on at '%s': %s; requests are still not recorded", path,
		    err.msg);
		return;
	}
	__atomic_store_n(&s->audit, a, __ATOMIC_RELEASE);
	server_log(s, "[server] audit_log: the audit log is now on, at "
	    "'%s'", path);
}

/*
 * Whether a reload puts cfg's [server] key in force: a live key, the
 * audit log's path (audit_path_live), or the TLS files' paths of a server
 * that runs TLS, whose program reads the files they name at each reload
 * (chousa_server_reload_tls).  Turning TLS on or off waits for a restart.
 */
static int
is_live_here(const struct server *s, const struct chousa_config *cfg,
    const char *key)
{
	if (is_live(key))
		return 1;
	if (strcmp(key, "audit_log") == 0)
		return audit_path_live(s, cfg);
	if (strcmp(key, "listen") == 0)
		return s->opts.n_listen_fds == 0;
	return s->opts.tls_cert != NULL && (strcmp(key, "tls_cert") == 0 ||
	    strcmp(key, "tls_key") == 0) && chousa_config_get(cfg, "server",
	    key) != NULL;
}

/* Listen on sa (its text addr); said when it cannot be. */
static struct listener *
listen_at(struct server *s, const struct sockaddr_storage *sa, socklen_t len,
    const char *addr, struct chousa_err *err)
{
	struct listener *l = NULL;

	if (listener_open(&l, sa, len, addr, err) != CHOUSA_OK)
		return NULL;
	if (listener_start(l, s, err) != CHOUSA_OK) {
		listener_close(l);
		return NULL;
	}
	return l;
}

/*
 * [server] listen, moved by a reload to want.  The new address is taken
 * before the old is let go, so no client is refused between, and the
 * connections taken on the old one (and those in its backlog) are served
 * to their end.  An address that overlaps the old one on its port
 * (127.0.0.1:8080 to 0.0.0.0:8080) cannot be bound beside it: the old
 * is let go first, and taken again if the new cannot be.  An address
 * that cannot be listened on is said, and the old one kept; until a
 * reload moves it, the health check says so (listen_refused).
 */
static void
listen_refused(struct server *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->cfg_lock);
	va_start(ap, fmt);
	vsnprintf(s->listen_refused, sizeof(s->listen_refused), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&s->cfg_lock);
}

static void
move_listener(struct server *s, const char *want, const struct chousa_config
    *cfg)
{
	struct chousa_err err = { 0 }, again = { 0 };
	struct sockaddr_storage sa, was;
	socklen_t len, was_len;
	struct listener *l;
	char old[256], now[256];
	const char *why;
	int where;

	if (!parse_listen(want, &sa, &len))
		return;		/* refused with the reload (settings.c) */
	where = listener_where(s->listener, &sa);
	if (where == LISTENER_HERE)
		listen_refused(s, "%s", "");
	if (where == LISTENER_HERE || !listener_bound(s->listener, &was,
	    &was_len))
		return;
	listener_addresses(s->listener, old, sizeof(old));
	if (where == LISTENER_OVERLAPS) {
		listener_retire(s->listener);
		s->listener = NULL;
	}
	l = listen_at(s, &sa, len, want, &err);
	if (l == NULL && s->listener == NULL) {
		s->listener = listen_at(s, &was, was_len, old, &again);
		if (s->listener == NULL) {
			server_log(s, "[server] listen: %s; nor could the "
			    "server listen again on %s: %s; it takes no new "
			    "connection: restart it", err.msg, old, again.msg);
			listen_refused(s, "the last reload's [server] listen: "
			    "%s; nor could the server listen again on %s: %s; "
			    "it takes no new connection: restart it", err.msg,
			    old, again.msg);
			return;
		}
	}
	if (l == NULL) {
		server_log(s, "[server] listen: %s; still listening on %s",
		    err.msg, old);
		listen_refused(s, "the last reload's [server] listen: %s; "
		    "still listening on %s (free the address, or set listen "
		    "back, then reload)", err.msg, old);
		return;
	}
	listen_refused(s, "%s", "");
	listener_retire(s->listener);
	s->listener = l;
	s->port = listener_port(l);
	listener_addresses(l, now, sizeof(now));
	server_log(s, "[server] listen is now %s (it was %s)", now, old);
	why = listen_exposure(&sa, s->opts.tls_cert != NULL, cfg);
	if (why != NULL)
		server_log(s, "[server] listen: %s %s", now, why);
}

/*
 * [server] investigate_threads; unset, one a core but one.  One core is
 * left to the HTTP threads: investigations on every core made look-ups
 * wait behind them (bench/RESULTS.md, 2026-12-05: in the bench's mix on 2
 * cores, a look-up p99 of 11.3-14.6 ms with 2 investigation threads,
 * 9.3-9.6 ms with 1, the investigations' own rate and p99 alike), at the
 * cost of a fifth of the rate of investigations alone on 2 cores.
 */
static int
investigate_threads(const struct chousa_config *cfg)
{
	long n_cpu = sysconf(_SC_NPROCESSORS_ONLN);

	return (int)cfg_long(cfg, "investigate_threads", n_cpu > 1 ?
	    n_cpu - 1 : 1);
}

/*
 * [server] max_connections, lowered to what the descriptor limit allows
 * (said); a listener at the old limit looks again within 10 ms.
 */
static void
set_max_conns(struct server *s, const struct chousa_config *cfg)
{
	char note[256];

	__atomic_store_n(&s->max_conns, listener_budget(cfg_long(cfg,
	    "max_connections", MAX_CONNECTIONS), note, sizeof(note)),
	    __ATOMIC_RELAXED);
	if (note[0] != '\0')
		server_log(s, "%s", note);
}

/*
 * Put cfg's live settings in force (trusted_proxies goes with the
 * cfg_ref the requests hold); read holds those of them that
 * chousa_serve_opts_from_config() reads.  Token buckets are rescaled to a
 * new rate (auth_set_rate), so that it holds at once.
 */
static void
apply_live(struct server *s, const struct chousa_config *cfg,
    const struct chousa_serve_opts *read, const struct addr_ranges *proxies)
{
	int want, got;

	pthread_mutex_lock(&s->lock);
	s->max_held = (size_t)cfg_long(cfg, "queue_memory", QUEUE_MEMORY);
	s->max_bg = cfg_long(cfg, "background_jobs", BACKGROUND_JOBS);
	/* Jobs waiting under the old bound look again. */
	pthread_cond_broadcast(&s->answers_cond);
	pthread_mutex_unlock(&s->lock);
	__atomic_store_n(&s->online_budget, cfg_long(cfg, "online_budget", 0),
	    __ATOMIC_RELAXED);
	__atomic_store_n(&s->idle_timeout, cfg_long(cfg, "idle_timeout",
	    IDLE_TIMEOUT), __ATOMIC_RELAXED);
	__atomic_store_n(&s->peer_timeout, cfg_long(cfg, "peer_timeout",
	    PEER_TIMEOUT), __ATOMIC_RELAXED);
	__atomic_store_n(&s->header_timeout, cfg_long(cfg, "header_timeout",
	    HEADER_TIMEOUT), __ATOMIC_RELAXED);
	__atomic_store_n(&s->drain_timeout, cfg_long(cfg, "drain_timeout",
	    DRAIN_TIMEOUT), __ATOMIC_RELAXED);
	__atomic_store_n(&s->max_stream, (size_t)cfg_long(cfg, "sweep_max",
	    SERVE_MAX_SWEEP_BODY), __ATOMIC_RELAXED);
	__atomic_store_n(&s->max_import, (size_t)cfg_long(cfg, "import_max",
	    SERVE_MAX_SWEEP_BODY), __ATOMIC_RELAXED);
	/*
	 * Behind trusted proxies, every client comes from their few
	 * addresses: a limit per address would cap the team, not a client
	 * (the proxy limits its own), unless max_per_ip is set.
	 */
	__atomic_store_n(&s->max_per_ip, proxies->n > 0 &&
	    chousa_config_get(cfg, "server", "max_per_ip") == NULL ? 0 :
	    cfg_long(cfg, "max_per_ip", MAX_PER_IP), __ATOMIC_RELAXED);
	if (s->listener != NULL)
		set_max_conns(s, cfg);
	if (s->auth != NULL)
		auth_set_rate(s->auth, cfg_long(cfg, "rate", 600),
		    cfg_long(cfg, "burst", 120));
	if (s->pool != NULL) {
		pool_set_queue(s->pool, cfg_long(cfg, "investigate_queue",
		    INVESTIGATE_QUEUE));
		want = investigate_threads(cfg);
		got = pool_set_threads(s->pool, want);
		if (got < want)
			server_log(s, "[server] investigate_threads: %d of %d "
			    "could be started; they serve", got, want);
	}
	if (s->kept != NULL)
		kept_set_max(s->kept, (size_t)cfg_long(cfg, "answer_cache",
		    ANSWER_CACHE));
	if (s->sweeper != NULL)
		sweeper_set_keep(s->sweeper, cfg_long(cfg,
		    "sweep_matcher_keep", SWEEP_MATCHER_KEEP));
	/* The schedule and the rotation, unless an option set them. */
	if (s->updater != NULL && !from_cli(s, "update_every"))
		updater_set_every(s->updater, read->update_every);
}

/*
 * A reload's audit log: moved, turned on, or its rotation changed, as
 * cfg says (read: what chousa_serve_opts_from_config() read of it).  Not
 * at the start, which opens the log it was given.
 */
static void
apply_audit(struct server *s, const struct chousa_config *cfg,
    const struct chousa_serve_opts *read)
{
	long max = from_cli(s, "audit_max") ? s->opts.audit_max_bytes :
	    read->audit_max_bytes;
	int keep = from_cli(s, "audit_keep") ? s->opts.audit_keep :
	    read->audit_keep;

	/* The writer says where the log went, or why it stayed. */
	if (audit_path_live(s, cfg)) {
		if (s->audit == NULL)
			audit_turn_on(s, read->audit_path, max, keep);
		else
			audit_move(s->audit, read->audit_path);
	}
	if (s->audit != NULL)
		audit_set_rotation(s->audit, max, keep);
}

/* The first value refused, said in the err of the count it holds. */
struct refusal {
	struct chousa_err	*err;
	size_t			 n;
};

static void
first_refusal(void *arg, const char *key, const char *value, const char *why)
{
	struct refusal *r = arg;

	if (r->n++ == 0)
		chousa_errf(r->err, CHOUSA_EINVAL, "bad [server] %s '%.80s': "
		    "%s", key, value, why);
}

int
chousa_serve_opts_from_config(struct chousa_serve_opts *so,
    const struct chousa_config *cfg, struct chousa_err *err)
{
	struct refusal r = { err, 0 };
	const char *v;

	so->cfg = cfg;
	so->listen = chousa_config_get(cfg, "server", "listen");
	so->audit_path = chousa_config_get(cfg, "server", "audit_log");
	v = chousa_config_get(cfg, "server", "audit_max");
	so->audit_max_bytes = v != NULL && strcmp(v, "none") == 0 ?
	    CHOUSA_AUDIT_NO_ROTATION : cfg_long(cfg, "audit_max", 0);
	so->audit_keep = (int)cfg_long(cfg, "audit_keep", 0);
	so->threads = (int)cfg_long(cfg, "threads", 0);
	v = chousa_config_get(cfg, "server", "update_every");
	so->update_every = v != NULL ? chousa_duration_parse(v) : 0;
	if (so->update_every < 0)
		so->update_every = 0;	/* refused below */
	serve_refused(cfg, first_refusal, &r);
	return r.n > 0 ? CHOUSA_EINVAL : CHOUSA_OK;
}

#define OPTION(o, n, key, value, ptr) \
	((o)[(n)++] = (struct MHD_OptionItem){ (key), (intptr_t)(value), \
	    (ptr) })

/*
 * The daemon's options, TLS or not, into o (room for 16): the limits
 * against slow and greedy clients, then the certificate when there is one.
 */
static void
daemon_options(struct server *s, int threads, struct MHD_OptionItem *o)
{
	size_t n = 0;

	OPTION(o, n, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s);
	OPTION(o, n, MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	OPTION(o, n, MHD_OPTION_CONNECTION_TIMEOUT, cfg_long(s->cfg,
	    "idle_timeout", IDLE_TIMEOUT), NULL);
	/*
	 * The listener keeps to s->max_conns and s->max_per_ip, which a
	 * SIGHUP changes; the library's own limit, which it splits evenly
	 * between its threads, is set so that it never refuses one the
	 * listener handed over, however they fall, at any max_connections.
	 */
	OPTION(o, n, MHD_OPTION_CONNECTION_LIMIT, (unsigned)(CONNECTIONS_CAP *
	    threads), NULL);
	OPTION(o, n, MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY, NULL);
	OPTION(o, n, MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
	OPTION(o, n, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s);
	OPTION(o, n, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s);
	OPTION(o, n, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s);
	if (s->opts.tls_cert != NULL) {
		OPTION(o, n, MHD_OPTION_HTTPS_CERT_CALLBACK, 0, tls_callback());
		/* TLS 1.2 at least (RFC 8996 retires 1.0 and 1.1). */
		OPTION(o, n, MHD_OPTION_HTTPS_PRIORITIES, 0,
		    (void *)(uintptr_t)TLS_PRIORITIES);
	}
	OPTION(o, n, MHD_OPTION_END, 0, NULL);
}

int
chousa_server_start(struct chousa_server **out,
    const struct chousa_serve_opts *opts, struct chousa_err *err)
{
	struct server *s;
	struct sockaddr_storage sa;
	socklen_t sa_len = 0;
	struct MHD_OptionItem o[16];
	const char *missing;
	unsigned flags;
	long n_cpu;
	int rc, threads;

	if (opts->db_path == NULL || (opts->listen == NULL &&
	    opts->n_listen_fds == 0))
		return chousa_errf(err, CHOUSA_EINVAL, "no store or address");
	if (opts->n_listen_fds == 0 && !parse_listen(opts->listen, &sa,
	    &sa_len))
		return chousa_errf(err, CHOUSA_EINVAL, "cannot read '%.80s' "
		    "as %s", opts->listen, listen_form);
	missing = dynlib_mhd_missing();
	if (missing != NULL)
		return chousa_errf(err, CHOUSA_EIO, "%s", missing);
	if (opts->tls_cert != NULL &&
	    (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES ||
	    MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK) !=
	    MHD_YES))
		return chousa_errf(err, CHOUSA_EINVAL, "this libmicrohttpd has "
		    "no TLS: put a reverse proxy in front");
	s = mem_alloc(sizeof(*s));
	if (s == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	s->opts = *opts;
	s->cfg = opts->cfg;
	s->cfg_first.cfg = opts->cfg;
	s->cfg_first.refs = 1;
	s->cfg_now = &s->cfg_first;
	s->cfg_reload_ok = 1;
	s->cfg_loaded_at = (int64_t)time(NULL);
	pthread_mutex_init(&s->cfg_lock, NULL);
	s->db_path = mem_strdup(opts->db_path);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->answers_cond, NULL);
	pthread_cond_init(&s->bg_cond, NULL);
	if (s->db_path == NULL || pthread_key_create(&s->store_key, NULL) != 0) {
		mem_free(s->db_path);
		mem_free(s);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&s->import_lock, NULL);
	storewatch_init(&s->watch, s->db_path);
	rc = addr_ranges_add(&s->cfg_first.proxies, chousa_config_get(s->cfg,
	    "server", "trusted_proxies"), "trusted proxy", err);
	apply_live(s, s->cfg, opts, &s->cfg_first.proxies);
	if (rc == CHOUSA_OK && peers_new(&s->peers) != CHOUSA_OK)
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (rc == CHOUSA_OK && hdrwatch_new(&s->hdrwatch,
	    &s->header_timeout) != CHOUSA_OK)
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (rc == CHOUSA_OK)
		rc = metrics_new(&s->metrics, route_tables, err);
	if (rc == CHOUSA_OK && opts->tls_cert != NULL)
		rc = tls_start(s, err);
	if (rc == CHOUSA_OK)
		rc = auth_new(&s->auth, cfg_long(s->cfg, "rate", 600),
		    cfg_long(s->cfg, "burst", 120), err);
	if (rc == CHOUSA_OK && opts->audit_path != NULL)
		rc = audit_open(&s->audit, s, opts->audit_path,
		    opts->audit_max_bytes, opts->audit_keep, err);
	if (rc == CHOUSA_OK && sweeper_new(&s->sweeper, s, cfg_long(s->cfg,
	    "sweep_matcher_keep", SWEEP_MATCHER_KEEP)) != CHOUSA_OK)
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (rc == CHOUSA_OK)
		rc = worker_start(&s->worker, s, err);
	n_cpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (rc == CHOUSA_OK)
		rc = kept_new(&s->kept, (size_t)cfg_long(s->cfg,
		    "answer_cache", ANSWER_CACHE));
	if (rc == CHOUSA_OK)
		rc = pool_start(&s->pool, s, investigate_threads(s->cfg),
		    cfg_long(s->cfg, "investigate_queue", INVESTIGATE_QUEUE),
		    err);
	if (rc != CHOUSA_OK)
		goto fail;
	rc = opts->n_listen_fds > 0 ? listener_adopt(&s->listener,
	    opts->listen_fds, opts->n_listen_fds, err) :
	    listener_open(&s->listener, &sa, sa_len, opts->listen, err);
	if (rc != CHOUSA_OK)
		goto fail;
	s->port = listener_port(s->listener);
	set_max_conns(s, s->cfg);
	/*
	 * One HTTP thread a core: a thread's turn over its connections is
	 * short (investigations run on the pool), and more threads than
	 * cores only queue for the CPU (bench/RESULTS.md, 2026-12-03).
	 */
	threads = opts->threads > 0 ? opts->threads :
	    (int)(n_cpu > 1 ? n_cpu : 2);
	/*
	 * poll(2), not epoll: libmicrohttpd 0.9.75's epoll loop (Debian 12's)
	 * can consume a connection's edge-triggered read event without
	 * reading the request when investigations are suspended and resumed
	 * under load.  A worker then sleeps in epoll_wait with requests
	 * unread in its sockets' queues until the idle timeout closes them
	 * all (bench/RESULTS.md, 2026-12-03).  poll is level-triggered, so a
	 * request left unread is seen again on the next turn.
	 */
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	    MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	if (opts->tls_cert != NULL)
		flags |= MHD_USE_TLS;
	daemon_options(s, threads, o);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	    MHD_OPTION_ARRAY, o, MHD_OPTION_END);
	if (s->d == NULL) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot start the HTTP "
		    "server on '%s'", opts->n_listen_fds > 0 ? "the sockets "
		    "passed" : opts->listen);
		goto fail;
	}
	rc = uses_start(&s->uses, s, err);
	if (rc != CHOUSA_OK)
		goto fail;
	rc = listener_start(s->listener, s, err);
	if (rc != CHOUSA_OK)
		goto fail;
	/* Scheduled, or run when an admin asks (POST /api/v1/update). */
	if (opts->update_every > 0 || opts->update_exe != NULL) {
		rc = updater_start(&s->updater, s, err);
		if (rc != CHOUSA_OK)
			goto fail;
	}
	*out = (struct chousa_server *)s;
	return CHOUSA_OK;
fail:
	chousa_server_free((struct chousa_server *)s);
	return rc;
}

int
chousa_server_port(const struct chousa_server *cs)
{
	return ((const struct server *)(const void *)cs)->port;
}

void
chousa_server_addresses(const struct chousa_server *cs, char *out,
    size_t size)
{
	const struct server *s = (const struct server *)(const void *)cs;

	if (s->listener != NULL)
		listener_addresses(s->listener, out, size);
	else if (size > 0)
		out[0] = '\0';
}

void
chousa_server_stop_accepting(struct chousa_server *cs)
{
	struct server *s = (struct server *)(void *)cs;

	__atomic_store_n(&s->closing, 1, __ATOMIC_RELAXED);
	listener_close(s->listener);
	s->listener = NULL;
	clock_gettime(CLOCK_MONOTONIC, &s->closed_at);
}

/*
 * A connection accepted just before the stop has its request on the way
 * (it follows the handshake within a round trip): it is waited for, for
 * this long.  One that sends nothing (a browser's preconnect) is not.
 */
#define FRESH_GRACE_MS	2000

long
chousa_server_drain_timeout(const struct chousa_server *cs)
{
	const struct server *s = (const struct server *)(const void *)cs;

	return __atomic_load_n(&s->drain_timeout, __ATOMIC_RELAXED);
}

long
chousa_server_busy(const struct chousa_server *cs)
{
	const struct server *s = (const struct server *)(const void *)cs;
	long n = __atomic_load_n(&s->busy, __ATOMIC_ACQUIRE);
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!__atomic_load_n(&s->closing, __ATOMIC_RELAXED) ||
	    ms_since(&s->closed_at, &now) < FRESH_GRACE_MS)
		n += __atomic_load_n(&s->fresh, __ATOMIC_ACQUIRE);
	return n;
}

int
chousa_server_reload_tls(struct chousa_server *cs, const char *cert_pem,
    const char *key_pem, struct chousa_err *err)
{
	struct server *s = (struct server *)(void *)cs;
	int64_t until;
	int rc;

	if (s->opts.tls_cert == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "the server was started "
		    "without TLS");
	rc = tls_load(cert_pem, key_pem, &until, err);
	if (rc == CHOUSA_OK)
		tls_say_expiry(s, until, "now in force");
	chousa_server_tls_refused(cs, rc == CHOUSA_OK ? "" : err->msg);
	return rc;
}

void
chousa_server_tls_refused(struct chousa_server *cs, const char *why)
{
	struct server *s = (struct server *)(void *)cs;

	pthread_mutex_lock(&s->cfg_lock);
	snprintf(s->tls_refused, sizeof(s->tls_refused), "%s", why);
	pthread_mutex_unlock(&s->cfg_lock);
}

void
chousa_server_reopen_logs(struct chousa_server *cs)
{
	audit_reopen(server_audit((struct server *)(void *)cs));
}

const struct chousa_config *
cfg_take(struct server *s, struct cfg_ref **ref)
{
	pthread_mutex_lock(&s->cfg_lock);
	*ref = s->cfg_now;
	(*ref)->refs++;
	pthread_mutex_unlock(&s->cfg_lock);
	return (*ref)->cfg;
}

void
cfg_drop(struct server *s, struct cfg_ref *ref)
{
	unsigned left;

	if (ref == NULL)
		return;
	pthread_mutex_lock(&s->cfg_lock);
	left = --ref->refs;
	pthread_mutex_unlock(&s->cfg_lock);
	if (left == 0 && ref->owned != NULL) {
		chousa_config_free(ref->owned);
		mem_free(ref);
	}
}

/*
 * What a reload says a live setting of cfg is now: the value in force, as
 * the server reads it.  A size is said as written and in bytes; a number
 * or size it does not take, by the default that stands in for it (the
 * config's check, said on stderr too, says why).
 */
static const char *
in_force(const struct chousa_config_key *k, const struct chousa_config *cfg,
    const char *now, char *buf, size_t size)
{
	int is_number = k->type == CHOUSA_CFG_NUMBER ||
	    k->type == CHOUSA_CFG_SIZE;
	long n;

	if (now == NULL && k->def == NULL && is_number)
		snprintf(buf, size, "unset: the default");
	else if (now == NULL)
		snprintf(buf, size, "%s (unset: the default)", k->def != NULL ?
		    k->def : "none");
	else if (!is_number || (k->word != NULL && strcmp(now, k->word) == 0))
		snprintf(buf, size, "%s", now);
	else if ((n = chousa_config_get_long(cfg, "server", k->key,
	    LONG_MIN)) == LONG_MIN)
		snprintf(buf, size, "%s, the default: '%.40s' is not taken",
		    k->def != NULL ? k->def : "the default", now);
	else if (k->type == CHOUSA_CFG_SIZE && now[strspn(now,
	    "0123456789")] != '\0')
		snprintf(buf, size, "%s (%ld bytes)", now, n);
	else
		snprintf(buf, size, "%s", now);
	return buf;
}

int
chousa_server_reload_config(struct chousa_server *cs,
    struct chousa_config *cfg, struct chousa_err *err)
{
	struct server *s = (struct server *)(void *)cs;
	const struct chousa_config_key *k;
	struct chousa_serve_opts read = { 0 };
	struct cfg_ref *ref, *old;
	const char *listen_to = NULL;
	int rc;

	if (cfg == NULL) {
		pthread_mutex_lock(&s->cfg_lock);
		s->cfg_reload_ok = 0;
		pthread_mutex_unlock(&s->cfg_lock);
		return chousa_errf(err, CHOUSA_EINVAL, "no config");
	}
	ref = mem_alloc(sizeof(*ref));
	if (ref == NULL) {
		chousa_config_free(cfg);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	ref->cfg = ref->owned = cfg;
	ref->refs = 1;
	rc = addr_ranges_add(&ref->proxies, chousa_config_get(cfg, "server",
	    "trusted_proxies"), "trusted proxy", err);
	if (rc == CHOUSA_OK)
		rc = chousa_serve_opts_from_config(&read, cfg, err);
	if (rc != CHOUSA_OK) {
		chousa_config_free(cfg);
		mem_free(ref);
		pthread_mutex_lock(&s->cfg_lock);
		s->cfg_reload_ok = 0;
		pthread_mutex_unlock(&s->cfg_lock);
		return rc;
	}
	for (k = chousa_config_keys(); k->section != NULL; k++) {
		const char *was, *now;
		char said[512];
		int live, refused;

		if (!chousa_config_key_is_serve(k))
			continue;
		/*
		 * A live setting against the one in force; any other against
		 * the start's, so that it is said at every reload until the
		 * restart.
		 */
		live = is_live_here(s, cfg, k->key);
		now = chousa_config_get(cfg, "server", k->key);
		/* A log on is turned off by a restart only, whenever on. */
		if (strcmp(k->key, "audit_log") == 0 && now != NULL &&
		    strcmp(now, "none") == 0 && s->audit != NULL &&
		    !from_cli(s, k->key)) {
			server_log(s, "[server] audit_log changed in the "
			    "config: it takes effect at the next start");
			continue;
		}
		pthread_mutex_lock(&s->cfg_lock);
		was = chousa_config_get(live ? s->cfg_now->cfg : s->cfg,
		    "server", k->key);
		refused = s->listen_refused[0] != '\0';
		pthread_mutex_unlock(&s->cfg_lock);
		/*
		 * An address refused at a reload is tried again at the next,
		 * though the config in force already names it.
		 */
		if (live && strcmp(k->key, "listen") == 0 && refused &&
		    !from_cli(s, k->key)) {
			listen_to = now != NULL ? now : k->def;
			continue;
		}
		if ((was == NULL) == (now == NULL) &&
		    (was == NULL || strcmp(was, now) == 0))
			continue;
		if (from_cli(s, k->key))
			server_log(s, "[server] %s changed in the config: the "
			    "command line's value stays in force", k->key);
		else if (live && strcmp(k->key, "audit_log") == 0)
			continue;	/* the writer says it: audit_move */
		else if (live && strcmp(k->key, "listen") == 0)
			listen_to = now != NULL ? now : k->def;
		else if (strcmp(k->key, "listen") == 0)
			server_log(s, "[server] listen changed in the config: "
			    "the server keeps the sockets systemd passed "
			    "(chousa.socket's ListenStream= says where it "
			    "listens)");
		else if (live)
			server_log(s, "[server] %s is now %s", k->key,
			    in_force(k, cfg, now, said, sizeof(said)));
		else
			server_log(s, "[server] %s changed in the config: it "
			    "takes effect at the next start", k->key);
	}
	apply_live(s, cfg, &read, &ref->proxies);
	apply_audit(s, cfg, &read);
	if (listen_to != NULL)
		move_listener(s, listen_to, cfg);
	pthread_mutex_lock(&s->cfg_lock);
	old = s->cfg_now;
	ref->gen = old->gen + 1;	/* what was kept under old is not */
	s->cfg_now = ref;
	s->cfg_reload_ok = 1;
	s->cfg_loaded_at = (int64_t)time(NULL);
	pthread_mutex_unlock(&s->cfg_lock);
	cfg_drop(s, old);
	return CHOUSA_OK;
}

void
chousa_server_free(struct chousa_server *cs)
{
	struct server *s = (struct server *)(void *)cs;
	size_t i;

	if (s == NULL)
		return;
	/* No new connections first, then nothing left running. */
	listener_close(s->listener);
	updater_stop(s->updater);
	/* Suspended connections are answered before the daemon stops. */
	worker_stop(s->worker);
	pool_stop(s->pool);
	bg_stop(s);
	if (s->d != NULL)
		MHD_stop_daemon(s->d);
	uses_stop(s->uses);	/* no request left to note one */
	if (s->opts.tls_cert != NULL)
		tls_unload();
	sweeper_free(s->sweeper);
	kept_free(s->kept);
	peers_free(s->peers);
	hdrwatch_free(s->hdrwatch);
	audit_close(s->audit);
	auth_free(s->auth);
	metrics_free(s->metrics);
	for (i = 0; i < s->n_stores; i++) {
		snap_end(s->stores[i]);
		chousa_store_close(s->stores[i]->st);
		mem_free(s->stores[i]);
	}
	mem_free(s->stores);
	pthread_key_delete(s->store_key);
	pthread_cond_destroy(&s->answers_cond);
	pthread_cond_destroy(&s->bg_cond);
	pthread_mutex_destroy(&s->import_lock);
	pthread_mutex_destroy(&s->lock);
	cfg_drop(s, s->cfg_now);	/* the server's own hold */
	pthread_mutex_destroy(&s->cfg_lock);
	storewatch_release(&s->watch);
	mem_free(s->db_path);
	mem_free(s);
}
