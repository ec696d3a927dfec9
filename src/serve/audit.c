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
 *
 * A write that fails (the disk full, an I/O error, a log that cannot be
 * opened again after a rotation) loses its lines, but never silently:
 * they are counted (GET /metrics), and said on stderr at once and then at
 * most once a minute while it lasts, and when it ends.  While it fails,
 * the server refuses the requests it audits (server.c: audit_failing),
 * so none is answered unaudited; their refusals' lines are still queued,
 * and so are the writes that find the disk has room again.  A line cut short
 * by a failed write is ended by a newline before the next one, so one
 * line is broken, not two.  SIGHUP opens the log again at its path, for
 * logrotate's default (move, then signal).
 *
 * After each write (not each line: a batch), an fstat and a stat tell
 * whether the file written is still the one at the path.  Deleted under
 * the server (no name left), the batch just written went nowhere: a new
 * file is started at the path and the batch written again there, so
 * nothing is lost past the deletion, and it is said.  Moved away (a
 * rename: logrotate without its signal), the lines are in the moved file:
 * the writer follows the path to the file now there (logrotate's
 * "create"), or, when none comes within AUDIT_MOVED_WAIT seconds, starts
 * one, saying so either way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* Seconds between two stderr lines about the same failure. */
#define AUDIT_COMPLAIN_EVERY	60

/*
 * Seconds the writer writes on to a log moved away before it makes a new
 * one at the path: logrotate renames, then makes its own (owner and mode
 * as configured) a moment later, and refuses to find one there.
 */
#define AUDIT_MOVED_WAIT	2

struct audit {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* lines came, or stop */
	pthread_cond_t	 drained;	/* a batch was written */
	struct chousa_buf queue;	/* whole lines, under lock */
	int		 idle;		/* the writer waits on wake, under lock */
	int		 stop;		/* audit_close asks, under lock */
	int		 reopen;	/* SIGHUP asks, under lock */
	char		*move_to;	/* a reload's new path, under lock */
	char		*first_path;	/* the path it was opened at */
	pthread_t	 tid;
	struct server	*srv;		/* for its log */
	/* Counted by the writer, read by anyone (atomic). */
	uint64_t	 written, lost, size_now;
	uint64_t	 deleted, gone;	/* deletions under the server, and
					 * the lines they took */
	int64_t		 deleted_at;	/* the last one; 0: none */
	int		 failing_now;	/* the failing write's errno, for
					 * other threads; 0: none */
	/* Only the writer touches these. */
	struct chousa_buf batch;	/* the lines being written */
	char		*path;
	int		 fd;
	long		 max_bytes;	/* atomic: a SIGHUP sets them */
	int		 keep;
	off_t		 size;
	int		 torn;		/* the file ends inside a line */
	int		 failing;	/* the last write failed */
	int		 open_errno;	/* why the log could not be opened */
	uint64_t	 in_file;	/* lines written to fd since its open */
	uint64_t	 held;		/* lines fd held at its open */
	time_t		 opened_at;
	time_t		 moved_at;	/* found moved away, nothing at the
					 * path yet; 0: not */
	uint64_t	 unsaid;	/* lines lost since the last complaint */
	time_t		 said_at;
};

static int
last_byte(int fd, off_t size)
{
	char c;

	return pread(fd, &c, 1, size - 1) == 1 ? (unsigned char)c : -1;
}

/*
 * The lines a file of size bytes holds: counted once at its open (a
 * start, a SIGHUP), so that a deletion says all the lines it took, not
 * only those since.
 */
static uint64_t
lines_held(int fd, off_t size)
{
	char buf[65536], *p, *end;
	uint64_t n = 0;
	off_t at = 0;
	ssize_t got;

	while (at < size && (got = pread(fd, buf, sizeof(buf), at)) > 0) {
		for (p = buf, end = buf + got; p < end &&
		    (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
			n++;
		at += got;
	}
	return n;
}

/* The log opened at path (the writer's, or a move's) into a->fd. */
static int
open_log_at(struct audit *a, const char *path, struct chousa_err *err)
{
	struct stat sb;

	/* Read too: its last byte says whether it ends a line. */
	a->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (a->fd < 0) {
		a->open_errno = errno;
		return chousa_errf(err, CHOUSA_EIO, "cannot open the audit log "
		    "'%s': %s", path, strerror(errno));
	}
	a->size = fstat(a->fd, &sb) == 0 ? sb.st_size : 0;
	a->in_file = 0;
	a->held = lines_held(a->fd, a->size);
	a->opened_at = time(NULL);
	a->moved_at = 0;
	/* A file that does not end a line (a crash mid-write) is ended. */
	a->torn = a->size > 0 && last_byte(a->fd, a->size) != '\n';
	__atomic_store_n(&a->size_now, (uint64_t)a->size, __ATOMIC_RELAXED);
	return CHOUSA_OK;
}

static int
open_log(struct audit *a, struct chousa_err *err)
{
	return open_log_at(a, a->path, err);
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
	mem_free(a->move_to);
	mem_free(a->first_path);
	mem_free(a);
}

/*
 * Close the log and open it again at its path (a failure is retried by
 * the next write).
 */
static void
reopen(struct audit *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
	if (open_log(a, NULL) != CHOUSA_OK)
		a->fd = -1;
}

/*
 * The log moved to path to (a reload's [server] audit_log): opened there
 * first, so that a path it cannot open leaves the log where it was, said
 * either way.  path changes under lock, for audit_files.
 */
static void
move_log(struct audit *a, char *to)
{
	char *from = a->path;
	int fd = a->fd, torn = a->torn;
	off_t size = a->size;
	uint64_t in_file = a->in_file, held = a->held;
	time_t opened_at = a->opened_at, moved_at = a->moved_at;

	if (open_log_at(a, to, NULL) != CHOUSA_OK) {
		server_log(a->srv, "cannot open the audit log '%s': %s; it "
		    "stays at '%s'", to, strerror(a->open_errno), from);
		a->fd = fd;
		a->torn = torn;
		a->size = size;
		a->in_file = in_file;
		a->held = held;
		a->opened_at = opened_at;
		a->moved_at = moved_at;
		__atomic_store_n(&a->size_now, (uint64_t)size,
		    __ATOMIC_RELAXED);
		mem_free(to);
		return;
	}
	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(&a->lock);
	a->path = to;
	pthread_mutex_unlock(&a->lock);
	server_log(a->srv, "[server] audit_log: the audit log is now '%s' "
	    "(it was '%s')", to, from);
	mem_free(from);
}

/* path.N for N = keep..1 moves up one; path becomes path.1. */
static void
rotate(struct audit *a)
{
	char from[4096], to[4096];
	int i;

	for (i = __atomic_load_n(&a->keep, __ATOMIC_RELAXED); i >= 1; i--) {
		snprintf(to, sizeof(to), "%s.%d", a->path, i);
		if (i == 1)
			snprintf(from, sizeof(from), "%s", a->path);
		else
			snprintf(from, sizeof(from), "%s.%d", a->path, i - 1);
		if (rename(from, to) != 0 && errno != ENOENT)
			return;
	}
	reopen(a);
}

static uint64_t
count_lines(const char *p, size_t len)
{
	const char *end = p + len;
	uint64_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Write all of p, or as much as the file takes; the bytes written. */
static size_t
write_all(struct audit *a, const char *p, size_t len, int *e)
{
	size_t off = 0;
	ssize_t n;

	*e = 0;
	while (off < len) {
		n = write(a->fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*e = n < 0 ? errno : ENOSPC;
			break;
		}
		off += (size_t)n;
		a->size += n;
	}
	return off;
}

/*
 * Say a failure on stderr: at its start, then once a minute with the
 * lines lost meanwhile, and once when it ends.
 */
static void
complain(struct audit *a, int e, uint64_t lost)
{
	time_t now = time(NULL);

	a->unsaid += lost;
	if (e != 0 && a->failing && now - a->said_at < AUDIT_COMPLAIN_EVERY)
		return;
	if (e != 0)
		server_log(a->srv, "cannot write the audit log '%s': %s; %llu "
		    "line%s lost (said again once a minute while it lasts)",
		    a->path, strerror(e), (unsigned long long)a->unsaid,
		    a->unsaid == 1 ? "" : "s");
	else
		server_log(a->srv, "the audit log '%s' is written again; %llu "
		    "line%s lost since the last message", a->path,
		    (unsigned long long)a->unsaid, a->unsaid == 1 ? "" : "s");
	a->said_at = now;
	a->unsaid = 0;
}

/*
 * b's lines appended (the log opened first if it is not, a torn line
 * ended): the bytes written, *e why not all.
 */
static size_t
append(struct audit *a, const struct chousa_buf *b, int *e)
{
	size_t off = 0;

	*e = 0;
	if (a->fd < 0 && open_log(a, NULL) != CHOUSA_OK)
		*e = a->open_errno;
	if (a->fd >= 0 && a->torn) {
		if (write_all(a, "\n", 1, e) == 1)
			a->torn = 0;
	}
	if (a->fd >= 0 && *e == 0) {
		off = write_all(a, b->data, b->len, e);
		if (off > 0 && b->data[off - 1] != '\n')
			a->torn = 1;
	}
	a->in_file += count_lines(b->data, off);
	return off;
}

/* Where the file written is: at the log's path, or not any more. */
enum log_place { LOG_HERE, LOG_DELETED, LOG_MOVED, LOG_REPLACED };

static enum log_place
log_place(struct audit *a)
{
	struct stat open_sb, path_sb;

	/* What cannot be told is taken as it was. */
	if (fstat(a->fd, &open_sb) != 0)
		return LOG_HERE;
	if (open_sb.st_nlink == 0)
		return LOG_DELETED;
	if (stat(a->path, &path_sb) != 0)
		return errno == ENOENT ? LOG_MOVED : LOG_HERE;
	if (path_sb.st_dev != open_sb.st_dev ||
	    path_sb.st_ino != open_sb.st_ino)
		return LOG_REPLACED;
	return LOG_HERE;
}

/* Say that the log was moved away, with where to when it can be told. */
static void
say_moved(struct audit *a, const char *then)
{
	char link[64], to[4096], since[24];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", a->fd);
	n = readlink(link, to, sizeof(to) - 1);
	to[n > 0 ? n : 0] = '\0';
	chousa_time_format(a->opened_at, since, sizeof(since));
	server_log(a->srv, "the audit log '%s' was moved away%s%s%s: the %llu "
	    "line%s written since %s are there; %s", a->path, n > 0 ?
	    " to '" : "", to, n > 0 ? "'" : "",
	    (unsigned long long)a->in_file, a->in_file == 1 ? "" : "s",
	    since, then);
}

/*
 * After a write of b (off bytes of it): the log followed to its path if
 * the file written is there no more.  The bytes of b now in the log.
 */
static size_t
follow_path(struct audit *a, const struct chousa_buf *b, size_t off,
    int *e)
{
	uint64_t last = count_lines(b->data, off), before;
	char since[24];
	time_t now;

	switch (log_place(a)) {
	case LOG_HERE:
		a->moved_at = 0;
		return off;
	case LOG_DELETED:
		before = a->held + a->in_file - last;
		chousa_time_format(a->opened_at, since, sizeof(since));
		server_log(a->srv, "the audit log '%s' was deleted under the "
		    "server: a new one is started at its path, and the last "
		    "%llu line%s, which went to the deleted file, %s written "
		    "again there; the %llu it held before (%llu of them "
		    "already there when the server opened it at %s) are gone "
		    "with it", a->path, (unsigned long long)last,
		    last == 1 ? "" : "s", last == 1 ? "is" : "are",
		    (unsigned long long)before,
		    (unsigned long long)a->held, since);
		__atomic_fetch_add(&a->deleted, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&a->gone, before, __ATOMIC_RELAXED);
		__atomic_store_n(&a->deleted_at, (int64_t)time(NULL),
		    __ATOMIC_RELAXED);
		reopen(a);
		return append(a, b, e);
	case LOG_REPLACED:
		say_moved(a, "the file now at its path is written from now "
		    "on");
		reopen(a);
		return off;
	case LOG_MOVED:
		now = time(NULL);
		if (a->moved_at == 0)
			a->moved_at = now;
		if (now - a->moved_at < AUDIT_MOVED_WAIT)
			return off;
		say_moved(a, "nothing took its path, so a new one is started "
		    "there");
		reopen(a);
		return off;
	}
	return off;
}

/* Append b's lines, then rotate when past max_bytes: the writer only. */
static void
write_batch(struct audit *a, const struct chousa_buf *b)
{
	size_t off;
	uint64_t lost;
	int e;

	off = append(a, b, &e);
	if (a->fd >= 0 && off > 0)
		off = follow_path(a, b, off, &e);
	lost = count_lines(b->data + off, b->len - off);
	__atomic_fetch_add(&a->written, count_lines(b->data, off),
	    __ATOMIC_RELAXED);
	__atomic_fetch_add(&a->lost, lost, __ATOMIC_RELAXED);
	if (e != 0 || a->failing)
		complain(a, e, lost);
	a->failing = e != 0;
	__atomic_store_n(&a->failing_now, e, __ATOMIC_RELAXED);
	if (a->fd >= 0 && a->size >= __atomic_load_n(&a->max_bytes,
	    __ATOMIC_RELAXED))
		rotate(a);
	__atomic_store_n(&a->size_now, (uint64_t)(a->fd >= 0 ? a->size : 0),
	    __ATOMIC_RELAXED);
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
		while (a->queue.len == 0 && !a->stop && !a->reopen) {
			a->idle = 1;
			pthread_cond_wait(&a->wake, &a->lock);
			a->idle = 0;
		}
		if (a->reopen) {
			char *to = a->move_to;

			a->reopen = 0;
			a->move_to = NULL;
			pthread_mutex_unlock(&a->lock);
			if (to != NULL)
				move_log(a, to);
			else
				reopen(a);
			pthread_mutex_lock(&a->lock);
			continue;
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

void
audit_set_rotation(struct audit *a, long max_bytes, int keep)
{
	__atomic_store_n(&a->max_bytes, max_bytes > 0 ? max_bytes : 64L << 20,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&a->keep, keep > 0 ? keep : 5, __ATOMIC_RELAXED);
}

int
audit_open(struct audit **out, struct server *s, const char *path,
    long max_bytes, int keep, struct chousa_err *err)
{
	struct audit *a = mem_alloc(sizeof(*a));
	int rc, e;

	if (a == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	a->path = mem_strdup(path);
	a->first_path = mem_strdup(path);
	if (a->path == NULL || a->first_path == NULL) {
		mem_free(a->path);
		mem_free(a->first_path);
		mem_free(a);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	a->srv = s;
	audit_set_rotation(a, max_bytes, keep);
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

void
audit_reopen(struct audit *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->reopen = 1;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}

void
audit_stats(struct audit *a, struct audit_stats *out)
{
	out->written = __atomic_load_n(&a->written, __ATOMIC_RELAXED);
	out->lost = __atomic_load_n(&a->lost, __ATOMIC_RELAXED);
	out->size = __atomic_load_n(&a->size_now, __ATOMIC_RELAXED);
	out->failing = __atomic_load_n(&a->failing_now, __ATOMIC_RELAXED);
	out->deleted = __atomic_load_n(&a->deleted, __ATOMIC_RELAXED);
	out->gone = __atomic_load_n(&a->gone, __ATOMIC_RELAXED);
	out->deleted_at = __atomic_load_n(&a->deleted_at, __ATOMIC_RELAXED);
}

int
audit_failing(struct audit *a)
{
	return a == NULL ? 0 : __atomic_load_n(&a->failing_now,
	    __ATOMIC_RELAXED);
}

void
audit_move(struct audit *a, const char *path)
{
	int same;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	if (path == NULL)
		path = a->first_path;
	/* Where it is, or already going: nothing to do. */
	same = a->move_to != NULL ? strcmp(a->move_to, path) == 0 :
	    strcmp(a->path, path) == 0;
	if (!same) {
		mem_free(a->move_to);
		a->move_to = mem_strdup(path);
		if (a->move_to == NULL)
			server_log(a->srv, "cannot move the audit log to '%s': "
			    "out of memory; it stays at '%s'", path, a->path);
		else
			a->reopen = 1;
		pthread_cond_signal(&a->wake);
	}
	pthread_mutex_unlock(&a->lock);
}

int
audit_files(struct audit *a, struct chousa_arena *ar, const char **path)
{
	*path = NULL;
	if (a == NULL)
		return CHOUSA_OK;
	pthread_mutex_lock(&a->lock);
	*path = chousa_arena_strdup(ar, a->path);
	pthread_mutex_unlock(&a->lock);
	return *path != NULL ? CHOUSA_OK : CHOUSA_ENOMEM;
}
