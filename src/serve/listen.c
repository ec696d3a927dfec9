/*
 * listen.c: the server's listening socket, and the thread that accepts on
 * it and hands each connection to libmicrohttpd (MHD_add_connection).
 *
 * Left to itself, libmicrohttpd has each of its HTTP threads poll the one
 * listening socket, and whichever wakes first accepts.  A client that
 * opens its connections at once (wrk, a SOAR's pool) then lands most of
 * them on one thread: in the bench's mix one HTTP thread did three times
 * the other's work, and its connections waited for it while the other
 * thread idled (bench/RESULTS.md, 2026-12-04).  Handed over from here, a
 * connection goes to the thread its descriptor's number picks
 * (libmicrohttpd's rule for added connections), which spreads a burst
 * evenly.
 *
 * At the connection limit, this thread stops accepting, and clients past
 * it wait in the backlog, as libmicrohttpd's own accepting did.  It
 * counts a connection as it hands it over, not when the HTTP thread takes
 * it up, so that a burst never hands over more than the limit: an HTTP
 * thread of libmicrohttpd 0.9.75 that refuses an added connection at its
 * own limit keeps a lock held and hangs (new_connection_process_).  The
 * library's own limit is set above anything it can be handed.  The
 * limit is kept under the process's descriptor limit, with room left for
 * the server's own files: a server whose connections took every
 * descriptor could no longer open its store to check a token.
 *
 * The limits are read at each accept, so a SIGHUP changes them for the
 * connections from then on: [server] max_connections, peer_timeout, and
 * max_per_ip, the connections one address may hold, counted here
 * (peers.c) rather than by libmicrohttpd, whose limit is fixed at its
 * start.
 *
 * The sockets may also come ready-made from systemd (socket activation,
 * sd_listen_fds(3)): they then outlive the process, so a restart refuses
 * no client (those that come meanwhile wait in their backlog for the
 * next process), and a port under 1024 needs no privilege of the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/mem.h"
#include "base/ranges.h"
#include "serve/serve.h"

/* How long to back off when out of descriptors, before accepting again. */
#define FULL_PAUSE_MS	100
/* How often to look again while at the connection limit. */
#define LIMIT_PAUSE_MS	10
/*
 * Descriptors kept for the server's own files, past its connections: each
 * thread's store (the database, its WAL and its shared memory), the audit
 * log, answers spooled to files, the updater's downloads and the online
 * worker's sockets.
 */
#define FD_RESERVE	64
/* At most one log line a minute about descriptors, one about max_per_ip. */
#define FULL_LOG_EVERY	60

struct listener {
	int			 fds[LISTENER_MAX];
	int			 n;
	int			 wake[2];	/* written to stop the thread */
	int			 port;
	pthread_t		 tid;
	int			 started;
	struct server		*srv;
	time_t			 logged;	/* last "out of descriptors" line */
	time_t			 refused_logged;	/* and "max_per_ip" */
};

/* What to do about the errors a user can fix. */
static const char *
listen_hint(int e)
{
	switch (e) {
	case EADDRINUSE:
		return "; another program listens there: stop it, or choose "
		    "another address (--listen, or [server] listen)";
	case EACCES:
		return "; ports under 1024 need privileges: choose a higher "
		    "one, or a reverse proxy";
	case EADDRNOTAVAIL:
		return "; that address is not one of this machine's";
	default:
		return "";
	}
}

/* The error said; errno left as the call set it, for the caller to test. */
static int
errno_err(struct chousa_err *err, const char *what, const char *addr)
{
	int e = errno, rc;

	rc = chousa_errf(err, CHOUSA_EIO, "cannot listen on '%s': %s: %s%s",
	    addr, what, strerror(e), listen_hint(e));
	errno = e;
	return rc;
}

static struct listener *
listener_new(struct chousa_err *err)
{
	struct listener *l = mem_alloc(sizeof(*l));

	if (l == NULL) {
		chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		return NULL;
	}
	l->wake[0] = l->wake[1] = -1;
	if (pipe2(l->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		chousa_errf(err, CHOUSA_EIO, "cannot make a pipe: %s",
		    strerror(errno));
		listener_close(l);
		return NULL;
	}
	return l;
}

/* The port of the socket fd is bound to; 0 when unknown. */
static int
bound_port(int fd)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	char host[ADDR_TEXT_MAX];
	int port;

	if (getsockname(fd, (struct sockaddr *)&bound, &blen) != 0 ||
	    sockaddr_text((struct sockaddr *)&bound, host, &port) != 0)
		return 0;
	return port;
}

/* A socket bound to sa as the server binds it, in *fd (-1 on failure). */
static int
bind_socket(const struct sockaddr_storage *sa, socklen_t len,
    const char *addr, int *fd, struct chousa_err *err)
{
	int one = 1;

	*fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (*fd < 0)
		return errno_err(err, "socket", addr);
	/* A restart binds again at once, past the old connections' TIME_WAIT. */
	(void)setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* [::] means IPv6 only: IPv4 clients are not let in unasked. */
	if (sa->ss_family == AF_INET6)
		(void)setsockopt(*fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(*fd, (const struct sockaddr *)sa, len) != 0)
		return errno_err(err, "bind", addr);
	return CHOUSA_OK;
}

int
listener_probe(const struct sockaddr_storage *sa, socklen_t len,
    const char *addr, int *in_use, struct chousa_err *err)
{
	int fd, rc = bind_socket(sa, len, addr, &fd, err);

	*in_use = rc != CHOUSA_OK && errno == EADDRINUSE;
	if (fd >= 0)
		close(fd);
	return rc;
}

int
listener_open(struct listener **out, const struct sockaddr_storage *sa,
    socklen_t len, const char *addr, struct chousa_err *err)
{
	struct listener *l = listener_new(err);
	int rc, fd;

	if (l == NULL)
		return CHOUSA_ENOMEM;
	rc = bind_socket(sa, len, addr, &fd, err);
	if (fd >= 0)
		l->fds[l->n++] = fd;
	if (rc != CHOUSA_OK)
		goto fail;
	if (listen(fd, SOMAXCONN) != 0) {
		rc = errno_err(err, "listen", addr);
		goto fail;
	}
	l->port = bound_port(fd);
	*out = l;
	return CHOUSA_OK;
fail:
	listener_close(l);
	return rc;
}

int
listener_adopt(struct listener **out, const int *fds, int n,
    struct chousa_err *err)
{
	struct listener *l;
	int i, on, type;
	socklen_t olen;

	if (n < 1 || n > LISTENER_MAX)
		return chousa_errf(err, CHOUSA_EINVAL, "%d listening sockets "
		    "passed: chousa takes 1 to %d", n, LISTENER_MAX);
	for (i = 0; i < n; i++) {
		olen = sizeof(type);
		if (getsockopt(fds[i], SOL_SOCKET, SO_TYPE, &type,
		    &olen) != 0 || type != SOCK_STREAM)
			return chousa_errf(err, CHOUSA_EINVAL, "descriptor %d "
			    "passed to listen on is no stream socket: "
			    "chousa.socket wants ListenStream=", fds[i]);
		olen = sizeof(on);
		if (getsockopt(fds[i], SOL_SOCKET, SO_ACCEPTCONN, &on,
		    &olen) != 0 || !on)
			return chousa_errf(err, CHOUSA_EINVAL, "descriptor %d "
			    "passed to listen on is not listening (Accept=no "
			    "in chousa.socket)", fds[i]);
	}
	l = listener_new(err);
	if (l == NULL)
		return CHOUSA_ENOMEM;
	for (i = 0; i < n; i++) {
		/* The accepting thread polls; a child never inherits them. */
		(void)fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) |
		    O_NONBLOCK);
		(void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		l->fds[l->n++] = fds[i];
	}
	l->port = bound_port(fds[0]);
	*out = l;
	return CHOUSA_OK;
}

int
listener_addresses(const struct listener *l, char *out, size_t size)
{
	struct sockaddr_storage a;
	socklen_t alen;
	char host[ADDR_TEXT_MAX];
	size_t used = 0;
	int i, port;

	if (size > 0)
		out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		alen = sizeof(a);
		if (getsockname(l->fds[i], (struct sockaddr *)&a, &alen) != 0 ||
		    sockaddr_text((struct sockaddr *)&a, host, &port) != 0)
			continue;
		if (used < size)
			used += (size_t)snprintf(out + used, size - used,
			    strchr(host, ':') != NULL ? "%s[%s]:%d" : "%s%s:%d",
			    used > 0 ? ", " : "", host, port);
	}
	return l->n;
}

long
listener_budget(long want, char *note, size_t n)
{
	struct rlimit rl;
	rlim_t need;
	long used, room;
	int fd;

	note[0] = '\0';
	/* The lowest free descriptor: about how many are open now. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	used = fd >= 0 ? fd : 16;
	if (fd >= 0)
		close(fd);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	need = (rlim_t)want + FD_RESERVE + (rlim_t)used;
	/* The soft limit is raised as far as the hard one allows. */
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ||
		    rl.rlim_max > need ? need : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return want;
	room = (long)rl.rlim_cur - FD_RESERVE - used;
	if (room < 1)
		room = 1;
	snprintf(note, n, "[server] max_connections lowered from %ld to %ld: "
	    "the descriptor limit is %ld (ulimit -n), and %d are kept for "
	    "the server's files", want, room, (long)rl.rlim_cur, FD_RESERVE);
	return room;
}

/* The address fd is bound to, in *sa; 0 when unknown. */
static int
bound_addr(int fd, struct sockaddr_storage *sa, socklen_t *len)
{
	*len = sizeof(*sa);
	memset(sa, 0, sizeof(*sa));
	return getsockname(fd, (struct sockaddr *)sa, len) == 0;
}

/* The IP address of sa, its family's bytes; NULL for another family. */
static const void *
ip_bytes(const struct sockaddr_storage *sa, size_t *n)
{
	if (sa->ss_family == AF_INET) {
		*n = 4;
		return &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr;
	}
	if (sa->ss_family == AF_INET6) {
		*n = 16;
		return &((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr;
	}
	return NULL;
}

static int
ip_port(const struct sockaddr_storage *sa)
{
	return ntohs(sa->ss_family == AF_INET ?
	    ((const struct sockaddr_in *)(const void *)sa)->sin_port :
	    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
}

static int
ip_is_any(const struct sockaddr_storage *sa)
{
	static const unsigned char zero[16];
	size_t n;
	const void *b = ip_bytes(sa, &n);

	return b != NULL && memcmp(b, zero, n) == 0;
}

int
listener_where(const struct listener *l, const struct sockaddr_storage *sa)
{
	struct sockaddr_storage at;
	socklen_t len;
	const void *a, *b;
	size_t na, nb;

	if (l == NULL || l->n != 1 || !bound_addr(l->fds[0], &at, &len) ||
	    at.ss_family != sa->ss_family)
		return LISTENER_ELSEWHERE;
	a = ip_bytes(&at, &na);
	b = ip_bytes(sa, &nb);
	if (a == NULL || b == NULL || (ip_port(sa) != 0 &&
	    ip_port(sa) != ip_port(&at)))
		return LISTENER_ELSEWHERE;
	if (memcmp(a, b, na) == 0)
		return ip_port(sa) == 0 ? LISTENER_ELSEWHERE : LISTENER_HERE;
	return ip_port(sa) != 0 && (ip_is_any(&at) || ip_is_any(sa)) ?
	    LISTENER_OVERLAPS : LISTENER_ELSEWHERE;
}

int
listener_bound(const struct listener *l, struct sockaddr_storage *sa,
    socklen_t *len)
{
	return l != NULL && l->n == 1 && bound_addr(l->fds[0], sa, len);
}

int
listener_port(const struct listener *l)
{
	return l->port;
}

/*
 * Out of descriptors or memory: the pending connections stay in the
 * backlog (closing them would tell clients nothing more) and accepting
 * resumes after a pause, so a full process does not spin.
 */
static int
accept_full(struct listener *l)
{
	time_t now = time(NULL);

	if (now - l->logged >= FULL_LOG_EVERY) {
		l->logged = now;
		server_log(l->srv, "cannot accept connections: %s; set a "
		    "higher descriptor limit (ulimit -n) or a lower [server] "
		    "max_connections", strerror(errno));
	}
	return FULL_PAUSE_MS;
}

/* Whether the server holds [server] max_connections (as lowered). */
static int
at_limit(const struct listener *l)
{
	return server_connections(l->srv) >= __atomic_load_n(
	    &l->srv->max_conns, __ATOMIC_RELAXED);
}

/*
 * A connection from an address past [server] max_per_ip is closed at
 * once, as it would have been told nothing more by an answer; counted,
 * and said at most once a minute.  So is one whose new address found no
 * room in the count (PEER_NO_MEMORY), in words of its own: raising the
 * limit would not help.
 */
static void
refuse_peer(struct listener *l, int fd, const struct sockaddr *peer,
    long limit, int why)
{
	char host[ADDR_TEXT_MAX];
	time_t now = time(NULL);
	int port;

	close(fd);
	__atomic_add_fetch(&l->srv->refused_per_ip, 1, __ATOMIC_RELAXED);
	if (now - l->refused_logged < FULL_LOG_EVERY)
		return;
	l->refused_logged = now;
	if (sockaddr_text(peer, host, &port) != 0)
		snprintf(host, sizeof(host), "?");
	if (why == PEER_NO_MEMORY)
		server_log(l->srv, "refused a connection from %s: out of "
		    "memory counting the connections by address; the "
		    "server needs more memory", host);
	else
		server_log(l->srv, "refused connections from %s: it has "
		    "[server] max_per_ip (%ld) open; raise it if that "
		    "address stands for many clients (a NAT, a proxy: "
		    "trusted_proxies)", host, limit);
}

/*
 * TCP keep-alive on a connection: a client that vanished without closing
 * (a laptop off the network) is found out after [server] peer_timeout
 * seconds of silence (default 40: 20 s, then 4 probes 5 s apart), even
 * while its request waits for a job (an import, which it then stops:
 * req_client_gone), and even when idle_timeout is long, instead of being
 * held until the answer.  The same bound an answer the client no longer
 * acknowledges (TCP_USER_TIMEOUT), where the kernel would otherwise retry
 * for some 15 minutes.
 */
static void
keepalive(int fd, long timeout)
{
	int on = 1, idle, intvl, cnt;
	unsigned user_ms = (unsigned)timeout * 1000;

	idle = timeout / 2 > 0 ? (int)(timeout / 2) : 1;
	intvl = timeout / 8 > 0 ? (int)(timeout / 8) : 1;
	cnt = (timeout - idle) / intvl > 0 ? (int)((timeout - idle) / intvl) :
	    1;
	/* Best effort: a socket that takes none is served all the same. */
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms,
	    sizeof(user_ms));
}

/* Accept all that wait on fd; the poll timeout for the next turn. */
static int
accept_all(struct listener *l, int fd)
{
	struct sockaddr_storage peer;
	socklen_t plen;
	long limit;
	int c, in;

	while (!at_limit(l)) {
		plen = sizeof(peer);
		c = accept4(fd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EPROTO)
				continue;
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				return accept_full(l);
			return -1;	/* EAGAIN: none left */
		}
		limit = __atomic_load_n(&l->srv->max_per_ip, __ATOMIC_RELAXED);
		in = peers_enter(l->srv->peers, (struct sockaddr *)&peer,
		    limit);
		if (in != PEER_IN) {
			refuse_peer(l, c, (struct sockaddr *)&peer, limit, in);
			continue;
		}
		keepalive(c, __atomic_load_n(&l->srv->peer_timeout,
		    __ATOMIC_RELAXED));
		/*
		 * Counted in before the HTTP thread may answer it (its
		 * /metrics counts itself) and counted out as it closes
		 * (on_connection); one refused is closed there, unstarted.
		 */
		server_connection_added(l->srv, 1);
		if (MHD_add_connection(l->srv->d, c, (struct sockaddr *)&peer,
		    plen) != MHD_YES) {
			server_connection_added(l->srv, -1);
			peers_leave(l->srv->peers, (struct sockaddr *)&peer);
		}
	}
	return -1;
}

static void *
listener_main(void *arg)
{
	struct listener *l = arg;
	struct pollfd p[1 + LISTENER_MAX];
	int pause = 0, full, i, t;

	serve_name_thread("chousa-accept");
	p[0].fd = l->wake[0];
	for (i = 0; i < l->n; i++)
		p[1 + i].fd = l->fds[i];
	for (;;) {
		/*
		 * At the limit, or pausing while out of descriptors, the
		 * listening sockets are not watched: their backlog would wake
		 * the poll at once.
		 */
		full = pause > 0 || at_limit(l);
		for (i = 0; i <= l->n; i++) {
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, full ? 1 : (nfds_t)(1 + l->n), !full ? -1 :
		    pause > 0 ? pause : LIMIT_PAUSE_MS) < 0 && errno != EINTR)
			break;
		if (p[0].revents != 0)
			break;
		pause = 0;
		if (full)
			continue;
		for (i = 0; i < l->n; i++)
			if (p[1 + i].revents != 0) {
				t = accept_all(l, l->fds[i]);
				if (t > 0)
					pause = t;
			}
	}
	return NULL;
}

int
listener_start(struct listener *l, struct server *s, struct chousa_err *err)
{
	int e;

	l->srv = s;
	e = pthread_create(&l->tid, NULL, listener_main, l);
	if (e != 0)
		return chousa_errf(err, CHOUSA_ENOMEM, "cannot start a "
		    "thread: %s", strerror(e));
	l->started = 1;
	return CHOUSA_OK;
}

/* The accepting thread woken and ended; 0 when it never ran. */
static int
listener_stop(struct listener *l)
{
	if (!l->started)
		return 0;
	while (write(l->wake[1], "", 1) < 0 && errno == EINTR)
		;
	pthread_join(l->tid, NULL);
	l->started = 0;
	return 1;
}

void
listener_retire(struct listener *l)
{
	int i;

	if (l == NULL)
		return;
	if (listener_stop(l))
		for (i = 0; i < l->n; i++)
			(void)accept_all(l, l->fds[i]);
	listener_close(l);
}

void
listener_close(struct listener *l)
{
	int i;

	if (l == NULL)
		return;
	(void)listener_stop(l);
	for (i = 0; i < l->n; i++)
		close(l->fds[i]);
	if (l->wake[0] >= 0)
		close(l->wake[0]);
	if (l->wake[1] >= 0)
		close(l->wake[1]);
	mem_free(l);
}
