/*
 * audit.c: the append-only audit log, one JSON object a line (who, when,
 * what, the indicators asked, the sources asked, the verdicts, or why it
 * was refused).  Lines are appended whole with write(2) to a file opened
 * O_APPEND, so lines of concurrent requests never mix, and nothing is ever
 * rewritten: past max_bytes the file is renamed to .1 (.1 to .2 ..., the
 * oldest beyond keep dropped) and a new one is started.  A key or token
 * never reaches it: requests carry their token in a header that is not
 * logged.
 *
 * One thread writes at a time, outside the lock; a line that comes while
 * it writes is queued, and the writer writes the queue before it leaves.
 * So under load the threads take turns writing batches instead of each
 * waiting for the lock through the others' write(2), and no line waits
 * for a timer: each is written by the time one write(2) under way ends.
 * The queue is in memory only until then, so a kill -9 loses at most the
 * lines of requests that ended during that last write(2); audit_close
 * finds the queue empty.  On a disk slow enough that lines always come
 * during a write, one thread writes for the others until they stop, where
 * before every thread waited for the lock.
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

struct audit {
	pthread_mutex_t	 lock;
	pthread_cond_t	 drained;	/* a batch was written */
	struct chousa_buf queue;	/* whole lines, under lock */
	struct chousa_buf batch;	/* the lines being written */
	int		 writing;	/* a thread is writing, under lock */
	/* Only the writing thread touches these. */
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

int
audit_open(struct audit **out, const char *path, long max_bytes, int keep,
    struct chousa_err *err)
{
	struct audit *a = mem_alloc(sizeof(*a));
	int rc;

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
	pthread_cond_init(&a->drained, NULL);
	chousa_buf_init(&a->queue, AUDIT_QUEUE_MAX + SERVE_AUDIT_LINE_MAX + 1);
	chousa_buf_init(&a->batch, AUDIT_QUEUE_MAX + SERVE_AUDIT_LINE_MAX + 1);
	rc = open_log(a, err);
	if (rc != CHOUSA_OK) {
		audit_close(a);
		return rc;
	}
	*out = a;
	return CHOUSA_OK;
}

void
audit_close(struct audit *a)
{
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	chousa_buf_release(&a->queue);
	chousa_buf_release(&a->batch);
	pthread_cond_destroy(&a->drained);
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

void
audit_write(struct audit *a, const struct chousa_buf *line)
{
	struct chousa_buf t;
	size_t len;

	if (a == NULL || line->failed != CHOUSA_OK)
		return;
	pthread_mutex_lock(&a->lock);
	while (a->writing && a->queue.len >= AUDIT_QUEUE_MAX)
		pthread_cond_wait(&a->drained, &a->lock);
	len = a->queue.len;
	chousa_buf_add(&a->queue, line->data, line->len);
	chousa_buf_addch(&a->queue, '\n');
	if (a->queue.failed != CHOUSA_OK) {
		/* Out of memory: this line is lost, not the queue. */
		a->queue.len = len;
		a->queue.failed = CHOUSA_OK;
	}
	if (a->writing) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	a->writing = 1;
	while (a->queue.len > 0) {
		t = a->batch;
		a->batch = a->queue;
		a->queue = t;
		pthread_mutex_unlock(&a->lock);
		write_batch(a, &a->batch);
		chousa_buf_reset(&a->batch);
		pthread_mutex_lock(&a->lock);
		pthread_cond_broadcast(&a->drained);
	}
	a->writing = 0;
	pthread_mutex_unlock(&a->lock);
}
