/*
 * audit.c: the append-only audit log, one JSON object a line (who, when,
 * what, the indicators asked, the sources asked, the verdicts, or why it
 * was refused).  Each line is one write(2) to a file opened O_APPEND, so
 * lines of concurrent requests never mix, and nothing is ever rewritten:
 * past max_bytes the file is renamed to .1 (.1 to .2 ..., the oldest
 * beyond keep dropped) and a new one is started.  A key or token never
 * reaches it: requests carry their token in a header that is not logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

struct audit {
	pthread_mutex_t	 lock;
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

void
audit_write(struct audit *a, const struct chousa_buf *line)
{
	struct chousa_buf b;
	ssize_t n;

	if (a == NULL || line->failed != CHOUSA_OK)
		return;
	chousa_buf_init(&b, line->len + 2);
	chousa_buf_add(&b, line->data, line->len);
	chousa_buf_addch(&b, '\n');
	pthread_mutex_lock(&a->lock);
	if (a->fd < 0)
		open_log(a, NULL);
	if (a->fd >= 0 && b.failed == CHOUSA_OK) {
		n = write(a->fd, b.data, b.len);
		if (n > 0)
			a->size += n;
		if (a->size >= a->max_bytes)
			rotate(a);
	}
	pthread_mutex_unlock(&a->lock);
	chousa_buf_release(&b);
}
