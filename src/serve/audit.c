/*
 * audit.c: the append-only audit log, one JSON object a line (who, when,
 * what, the indicators asked, the sources asked, the verdicts, or why it
 * was refused).  Lines are appended whole with write(2) to a file opened
 * O_APPEND, so they never mix, and nothing is ever rewritten: past
 * max_bytes the file is renamed to .1 (.1 to .2 ..., the oldest beyond
 * keep dropped) and a new one is started.  A key or token never reaches
 * it: requests carry their token in a header that is not logged.
 *
 * A thread of its own writes it.  The threads that answer requests only
 * queue their line in memory; the first line into an empty queue wakes
 * the writer, which waits AUDIT_GATHER_MS more for the lines that follow
 * and writes them all with one write(2).  So no request waits for the
 * disk, for another request's line or for a rotation (five renames and an
 * open), and under load the log costs some hundred system calls a second
 * instead of one a request.  The queue is bounded: past AUDIT_QUEUE_MAX a
 * stalled disk holds the requests that end, as it would hold a writer of
 * their own, instead of memory growing without bound.  A line is in
 * memory only until the next write, so a kill -9 loses at most the last
 * AUDIT_GATHER_MS of lines and those of a write under way; audit_close
 * writes the queue out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

/*
 * Bytes of lines queued behind a write before the threads that end more
 * requests wait for it (a stalled disk holds them, as it holds a lone
 * writer, instead of memory growing without bound).
 */
#define AUDIT_QUEUE_MAX		((size_t)4 << 20)

/* How long the writer gathers lines after the first, in milliseconds. */
#define AUDIT_GATHER_MS		10

struct audit {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* lines came, or stop */
	pthread_cond_t	 drained;	/* a batch was written */
	struct chousa_buf queue;	/* whole lines, under lock */
	int		 idle;		/* the writer waits on wake, under lock */
	int		 stop;		/* audit_close asks, under lock */
	pthread_t	 tid;
	/* Only the writer touches these. */
	struct chousa_buf batch;	/* the lines being written */
	char		*path;
	int		 fd;
	long		 max_bytes;
	int		 keep;
	off_t		 size;
};

static int
open_log(struct audit *a, struct chousa_err *err)
{
	struct stat sb;

	a->fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd < 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot open the audit log "
		    "'%s': %s", a->path, strerror(errno));
	a->size = fstat(a->fd, &sb) == 0 ? sb.st_size : 0;
	return CHOUSA_OK;
}

static void
release(struct audit *a)
{
	chousa_buf_release(&a->queue);
	chousa_buf_release(&a->batch);
	pthread_cond_destroy(&a->drained);
	pthread_cond_destroy(&a->wake);
	pthread_mutex_destroy(&a->lock);
	mem_free(a->path);
	mem_free(a);
}

/* path.N for N = keep..1 moves up one; path becomes path.1. */
static void
rotate(struct audit *a)
{
	char from[4096], to[4096];
	int i;

	for (i = a->keep; i >= 1; i--) {
		snprintf(to, sizeof(to), "%s.%d", a->path, i);
		if (i == 1)
			snprintf(from, sizeof(from), "%s", a->path);
		else
			snprintf(from, sizeof(from), "%s.%d", a->path, i - 1);
		if (rename(from, to) != 0 && errno != ENOENT)
			return;
	}
	close(a->fd);
	a->fd = -1;
	if (open_log(a, NULL) != CHOUSA_OK)
		a->fd = -1;
}

/* Append b's lines, then rotate when past max_bytes: the writer only. */
static void
write_batch(struct audit *a, const struct chousa_buf *b)
{
	size_t off = 0;
	ssize_t n;

	if (a->fd < 0)
		open_log(a, NULL);
	while (a->fd >= 0 && off < b->len) {
		n = write(a->fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
		a->size += n;
	}
	if (a->fd >= 0 && a->size >= a->max_bytes)
		rotate(a);
}

/* The writer: the lines of each AUDIT_GATHER_MS in one write. */
static void *
writer_main(void *arg)
{
	struct audit *a = arg;
	struct chousa_buf t;
	struct timespec ts;

	serve_name_thread("chousa-audit");

	pthread_mutex_lock(&a->lock);
	for (;;) {
		while (a->queue.len == 0 && !a->stop) {
			a->idle = 1;
			pthread_cond_wait(&a->wake, &a->lock);
			a->idle = 0;
		}
		if (a->queue.len == 0)
			break;
		/* A full queue or audit_close does not wait. */
		if (!a->stop && a->queue.len < AUDIT_QUEUE_MAX / 2)
			pthread_cond_timedwait(&a->wake, &a->lock,
			    serve_deadline(&ts, AUDIT_GATHER_MS));
		t = a->batch;
		a->batch = a->queue;
		a->queue = t;
		pthread_mutex_unlock(&a->lock);
		write_batch(a, &a->batch);
		chousa_buf_reset(&a->batch);
		pthread_mutex_lock(&a->lock);
		pthread_cond_broadcast(&a->drained);
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

int
audit_open(struct audit **out, const char *path, long max_bytes, int keep,
    struct chousa_err *err)
{
	struct audit *a = mem_alloc(sizeof(*a));
	int rc, e;

	if (a == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	a->path = mem_strdup(path);
	if (a->path == NULL) {
		mem_free(a);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	a->max_bytes = max_bytes > 0 ? max_bytes : 64L << 20;
	a->keep = keep > 0 ? keep : 5;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	pthread_cond_init(&a->drained, NULL);
	chousa_buf_init(&a->queue, AUDIT_QUEUE_MAX + SERVE_AUDIT_LINE_MAX + 1);
	chousa_buf_init(&a->batch, AUDIT_QUEUE_MAX + SERVE_AUDIT_LINE_MAX + 1);
	rc = open_log(a, err);
	if (rc == CHOUSA_OK && (e = pthread_create(&a->tid, NULL,
	    writer_main, a)) != 0)
		rc = chousa_errf(err, CHOUSA_EINTERNAL, "cannot start the "
		    "audit log's writer: %s", strerror(e));
	if (rc != CHOUSA_OK) {
		if (a->fd >= 0)
			close(a->fd);
		release(a);
		return rc;
	}
	*out = a;
	return CHOUSA_OK;
}

/* Write out what is queued, then close. */
void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->tid, NULL);
	if (a->fd >= 0)
		close(a->fd);
	release(a);
}

void
audit_write(struct audit *a, const struct chousa_buf *line)
{
	size_t len;

	if (a == NULL || line->failed != CHOUSA_OK)
		return;
	pthread_mutex_lock(&a->lock);
	while (a->queue.len >= AUDIT_QUEUE_MAX && !a->stop)
		pthread_cond_wait(&a->drained, &a->lock);
	len = a->queue.len;
	chousa_buf_add(&a->queue, line->data, line->len);
	chousa_buf_addch(&a->queue, '\n');
	if (a->queue.failed != CHOUSA_OK) {
		/* Out of memory: this line is lost, not the queue. */
		a->queue.len = len;
		a->queue.failed = CHOUSA_OK;
	}
	/* The first line wakes the writer; a queue half full, again. */
	if (a->idle || (len < AUDIT_QUEUE_MAX / 2 &&
	    a->queue.len >= AUDIT_QUEUE_MAX / 2))
		pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}
