/*
 * upload.c: a request's body, handed from its HTTP thread to the job that
 * reads it on a thread of its own (req_background), as it arrives: a
 * bounded queue.  A full queue suspends the connection until the reader
 * has taken half of it, so a client faster than the job waits for it and
 * an HTTP thread never blocks.  Sweeps (sweep.c) and imports
 * (api_import.c) read their uploads through it.
 */
#include <errno.h>
#include <string.h>
#include <microhttpd.h>

#include "base/mem.h"
#include "serve/serve.h"

/* Bytes of the body queued at most before the connection is suspended. */
#define QUEUE_MAX	((size_t)4 << 20)

struct chunk {
	struct chunk	*next;
	size_t		 len, pos;
	char		 data[];
};

void
body_queue_init(struct body_queue *q, struct sreq *r, uint64_t max,
    uint64_t *received, uint64_t *waits)
{
	memset(q, 0, sizeof(*q));
	q->r = r;
	q->max = max;
	q->received_total = received;
	q->waits = waits;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
}

void
body_queue_release(struct body_queue *q)
{
	struct chunk *c, *next;

	for (c = q->head; c != NULL; c = next) {
		next = c->next;
		mem_free(c);
	}
	q->head = q->tail = NULL;
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
}

long
body_queue_read(void *arg, void *buf, size_t cap)
{
	struct body_queue *q = arg;
	size_t got = 0;

	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->ended && !q->aborted)
		pthread_cond_wait(&q->cond, &q->lock);
	if (q->aborted) {
		pthread_mutex_unlock(&q->lock);
		errno = q->too_big ? EFBIG : ECONNABORTED;
		return -1;
	}
	while (got < cap && q->head != NULL) {
		struct chunk *c = q->head;
		size_t n = c->len - c->pos;

		if (n > cap - got)
			n = cap - got;
		memcpy((char *)buf + got, c->data + c->pos, n);
		c->pos += n;
		got += n;
		if (c->pos == c->len) {
			q->head = c->next;
			if (q->head == NULL)
				q->tail = NULL;
			mem_free(c);
		}
	}
	q->queued -= got;
	/* Under the lock, so the resume comes after the suspend that set
	 * paused. */
	if (q->paused && q->queued <= QUEUE_MAX / 2) {
		q->paused = 0;
		MHD_resume_connection(q->r->conn);
	}
	pthread_mutex_unlock(&q->lock);
	return (long)got;
}

void
body_queue_wait_start(struct body_queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->ended && !q->aborted)
		pthread_cond_wait(&q->cond, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

void
body_queue_done(struct body_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->done = 1;
	if (q->paused) {
		q->paused = 0;
		MHD_resume_connection(q->r->conn);
	}
	pthread_mutex_unlock(&q->lock);
}

int
body_queue_put(struct body_queue *q, const char *p, size_t n)
{
	struct sreq *r = q->r;
	struct chunk *c;

	pthread_mutex_lock(&q->lock);
	if (n == 0) {
		q->ended = 1;
		pthread_cond_broadcast(&q->cond);
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	q->received += n;
	if (q->received_total != NULL)
		__atomic_add_fetch(q->received_total, n, __ATOMIC_RELAXED);
	if (q->received > q->max && !q->too_big) {
		/* Chunked past the cap: the rest is dropped, then a 413. */
		q->too_big = q->aborted = 1;
		r->too_big = 1;
		pthread_cond_broadcast(&q->cond);
	}
	if (q->done || q->aborted) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	c = mem_alloc(sizeof(*c) + n);
	if (c == NULL) {
		q->aborted = q->no_memory = 1;
		pthread_cond_broadcast(&q->cond);
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	memcpy(c->data, p, n);
	c->len = n;
	c->next = NULL;
	c->pos = 0;
	if (q->tail != NULL)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->queued += n;
	pthread_cond_broadcast(&q->cond);
	if (q->queued >= QUEUE_MAX && !q->paused) {
		q->paused = 1;
		if (q->waits != NULL)
			__atomic_add_fetch(q->waits, 1, __ATOMIC_RELAXED);
		MHD_suspend_connection(r->conn);
	}
	pthread_mutex_unlock(&q->lock);
	return 0;
}

int
body_queue_refused(struct sreq *r, const struct body_queue *q,
    const char *what, const char *setting)
{
	if (q->too_big)
		req_error(r, 413, "the %s is over %llu bytes ([server] %s)",
		    what, (unsigned long long)q->max, setting);
	else if (q->no_memory) {
		req_header_add(r, "Retry-After", "5");
		req_error(r, 503, "out of memory queueing the %s: retry in 5 s",
		    what);
	} else
		return 0;
	return 1;
}

void
body_queue_abort(struct body_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->aborted = 1;
	pthread_cond_broadcast(&q->cond);
	if (q->paused) {
		q->paused = 0;
		MHD_resume_connection(q->r->conn);
	}
	pthread_mutex_unlock(&q->lock);
}
