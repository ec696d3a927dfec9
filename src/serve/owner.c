/*
 * owner.c: one server a store.  A server owns its store's keys, cache,
 * quota counters, audit log and updates, so a second one on the same
 * store must not start.  The claim is an exclusive flock on
 * "<store>.serve.lock", held for the process's life: the kernel lets it go
 * however the process ends (a crash or SIGKILL too), so a stale file never
 * blocks a start.  The file holds the owner's pid, for the messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

/* The lock file's path for db_path, or NULL out of memory. */
static char *
lock_path(const char *db_path)
{
	size_t n = strlen(db_path);
	char *p = mem_alloc(n + sizeof(".serve.lock"));

	if (p != NULL) {
		memcpy(p, db_path, n);
		memcpy(p + n, ".serve.lock", sizeof(".serve.lock"));
	}
	return p;
}

/* The pid the lock file fd holds, 0 when it holds none. */
static long
holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

int
chousa_serve_claim(const char *db_path, int *fd_out, struct chousa_err *err)
{
	char *path = lock_path(db_path), pid[32];
	int fd, n;

	*fd_out = -1;
	if (path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	/* Close-on-exec: the update runs it starts do not hold the claim. */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		chousa_errf(err, CHOUSA_EIO, "serve: cannot open the store's "
		    "lock file '%s': %s: this user (uid %u) must be able to "
		    "write it and the store's directory: chown them to the "
		    "server's user, or run chousa serve as their owner "
		    "(chousa serve --check says what else it needs)", path,
		    strerror(errno), (unsigned)geteuid());
	else if (fd < 0)
		chousa_errf(err, CHOUSA_EIO, "serve: cannot open the store's "
		    "lock file '%s': %s", path, strerror(errno));
	if (fd < 0) {
		mem_free(path);
		return err != NULL ? err->code : CHOUSA_EIO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		long other = holder_pid(fd);
		int busy = errno == EWOULDBLOCK;

		if (busy && other > 0)
			chousa_errf(err, CHOUSA_EBUSY, "serve: another chousa "
			    "serve (pid %ld) is running on the store '%s': "
			    "one server owns a store", other, db_path);
		else if (busy)
			chousa_errf(err, CHOUSA_EBUSY, "serve: another chousa "
			    "serve is running on the store '%s': one server "
			    "owns a store", db_path);
		else
			chousa_errf(err, CHOUSA_EIO, "serve: cannot lock "
			    "'%s': %s", path, strerror(errno));
		close(fd);
		mem_free(path);
		return err != NULL ? err->code : CHOUSA_EBUSY;
	}
	mem_free(path);
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		/* The pid is for messages: its loss costs them, not the claim. */
	}
	*fd_out = fd;
	return CHOUSA_OK;
}

long
chousa_serve_owner(const char *db_path, int *unknown)
{
	char *path = lock_path(db_path);
	long pid = 0;
	int fd;

	*unknown = 0;
	if (path == NULL) {
		*unknown = 1;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	mem_free(path);
	if (fd < 0) {
		*unknown = errno != ENOENT;
		return 0;
	}
	/* A shared lock is refused only while a server holds its own. */
	if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			pid = holder_pid(fd) > 0 ? holder_pid(fd) : -1;
		else
			*unknown = 1;
	} else
		flock(fd, LOCK_UN);
	close(fd);
	return pid;
}
