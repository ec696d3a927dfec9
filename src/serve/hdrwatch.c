/*
 * hdrwatch.c: a deadline for a request's headers, against slow-loris
 * clients.
 *
 * libmicrohttpd's connection timeout is one of idleness: each byte starts
 * it again, so a client sending a header line every few seconds holds its
 * connection for ever, and a few hundred such clients, before any token
 * is read, hold every connection the server allows.  Here each connection
 * waiting for a request's headers (from its accept, and again after each
 * answer) is on a list with the time it began to wait; a thread looks once
 * a second and shuts down the socket of any waiting past [server]
 * header_timeout.  The connection's own thread then reads the end and
 * closes it, as for a client gone.
 *
 * The list's lock is held both by the look and by a connection's leaving,
 * which libmicrohttpd calls before it closes the socket: a descriptor shut
 * down is always still the connection's, never one reused since.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "serve/serve.h"
#include "base/mem.h"

struct hdrwatch {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;
	struct hdrwait	*head;		/* under lock */
	int		 stop;		/* under lock */
	pthread_t	 tid;
	const long	*timeout;	/* seconds, atomic: a SIGHUP sets it */
	uint64_t	 cut;		/* atomic */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
look(struct hdrwatch *h)
{
	int64_t now = now_ms(), since, limit;
	struct hdrwait *w;

	limit = (int64_t)__atomic_load_n(h->timeout, __ATOMIC_RELAXED) * 1000;
	for (w = h->head; w != NULL; w = w->next) {
		since = __atomic_load_n(&w->since, __ATOMIC_RELAXED);
		if (since == 0 || w->cut || now - since < limit)
			continue;
		w->cut = 1;
		(void)shutdown(w->fd, SHUT_RDWR);
		__atomic_fetch_add(&h->cut, 1, __ATOMIC_RELAXED);
	}
}

static void *
watch_main(void *arg)
{
	struct hdrwatch *h = arg;
	struct timespec ts;

	pthread_mutex_lock(&h->lock);
	while (!h->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		(void)pthread_cond_timedwait(&h->wake, &h->lock, &ts);
		if (!h->stop)
			look(h);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

int
hdrwatch_new(struct hdrwatch **out, const long *timeout)
{
	struct hdrwatch *h = mem_alloc(sizeof(*h));

	*out = NULL;
	if (h == NULL)
		return CHOUSA_ENOMEM;
	h->timeout = timeout;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->wake, NULL);
	if (pthread_create(&h->tid, NULL, watch_main, h) != 0) {
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->lock);
		mem_free(h);
		return CHOUSA_ENOMEM;
	}
	*out = h;
	return CHOUSA_OK;
}

void
hdrwatch_free(struct hdrwatch *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	h->stop = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->tid, NULL);
	pthread_cond_destroy(&h->wake);
	pthread_mutex_destroy(&h->lock);
	mem_free(h);
}

void
hdrwatch_enter(struct hdrwatch *h, struct hdrwait *w, int fd)
{
	w->fd = fd;
	w->cut = 0;
	w->since = now_ms();
	pthread_mutex_lock(&h->lock);
	w->prev = NULL;
	w->next = h->head;
	if (h->head != NULL)
		h->head->prev = w;
	h->head = w;
	pthread_mutex_unlock(&h->lock);
}

void
hdrwatch_leave(struct hdrwatch *h, struct hdrwait *w)
{
	pthread_mutex_lock(&h->lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else if (h->head == w)
		h->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	pthread_mutex_unlock(&h->lock);
}

void
hdrwait_answering(struct hdrwait *w)
{
	__atomic_store_n(&w->since, (int64_t)0, __ATOMIC_RELAXED);
}

void
hdrwait_waiting(struct hdrwait *w)
{
	__atomic_store_n(&w->since, now_ms(), __ATOMIC_RELAXED);
}

uint64_t
hdrwatch_cut(struct hdrwatch *h)
{
	return h != NULL ? __atomic_load_n(&h->cut, __ATOMIC_RELAXED) : 0;
}
