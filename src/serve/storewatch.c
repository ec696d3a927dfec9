/*
 * storewatch.c: whether the store the server opened at its start is still
 * the file at its path, and whether it can be written.  A store deleted
 * under a running server is not noticed by SQLite: the handles open keep
 * reading the unlinked file, and the server's later opens never make a new
 * one (CHOUSA_STORE_NOCREATE).  So its device and inode, taken at the
 * start, are compared with the path's, and its file and directory asked
 * for write access and free space: a few system calls, made by the health
 * check and once a minute by the token-uses thread (used.c).  Each change
 * of state is said once in the server's log.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/serve.h"

void
storewatch_init(struct storewatch *w, const char *path)
{
	struct stat sb;

	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	if (stat(path, &sb) == 0) {
		w->dev = sb.st_dev;
		w->ino = sb.st_ino;
		w->known = 1;
	}
}

void
storewatch_release(struct storewatch *w)
{
	pthread_mutex_destroy(&w->lock);
}

void
storewatch_wrote(struct server *s, const struct chousa_err *err)
{
	struct storewatch *w = &s->watch;

	/* Another writer holding the store is contention, not a fault. */
	if (err != NULL && err->code == CHOUSA_EBUSY)
		return;
	pthread_mutex_lock(&w->lock);
	if (err != NULL && err->code != CHOUSA_OK)
		snprintf(w->write_failed, sizeof(w->write_failed), "%s",
		    err->msg);
	else
		w->write_failed[0] = '\0';
	pthread_mutex_unlock(&w->lock);
}

/* The directory that holds path, into dir. */
static void
dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* Why the store cannot be written now, into why; 0 when it can. */
static int
unwritable(struct server *s, char *why, size_t size)
{
	struct storewatch *w = &s->watch;
	struct statvfs vs;
	char dir[4096];
	int failed;

	dir_of(s->db_path, dir, sizeof(dir));
	if (access(s->db_path, W_OK) != 0)
		snprintf(why, size, "the file cannot be written by the "
		    "server's user (uid %ld): %s", (long)geteuid(),
		    strerror(errno));
	else if (access(dir, W_OK | X_OK) != 0)
		snprintf(why, size, "its directory %.300s cannot be written by "
		    "the server's user (uid %ld), which SQLite needs for the "
		    "-wal and -shm files: %s", dir, (long)geteuid(),
		    strerror(errno));
	else if (statvfs(dir, &vs) == 0 && (geteuid() == 0 ? vs.f_bfree :
	    vs.f_bavail) == 0)
		snprintf(why, size, "the disk that holds it (%.300s) is full",
		    dir);
	else {
		pthread_mutex_lock(&w->lock);
		failed = w->write_failed[0] != '\0';
		if (snprintf(why, size, "the last write failed: %s",
		    w->write_failed) < 0)
			why[0] = '\0';
		pthread_mutex_unlock(&w->lock);
		return failed;
	}
	return 1;
}

int
storewatch_check(struct server *s, char *why, size_t size)
{
	struct storewatch *w = &s->watch;
	struct stat sb;
	char found[512];
	int status = H_OK, said, gone = 0;

	if (!w->known)
		;
	else if (stat(s->db_path, &sb) != 0)
		gone = errno == ENOENT;
	else if (sb.st_dev != w->dev || sb.st_ino != w->ino)
		gone = 2;
	if (gone) {
		snprintf(found, sizeof(found), "the store %s was %s under the "
		    "server: it still answers from the file it opened at its "
		    "start, and what it writes there is lost; restore the "
		    "store (chousa db restore) and restart", s->db_path,
		    gone == 1 ? "deleted" : "deleted or replaced");
		status = H_UNAVAILABLE;
	} else if (unwritable(s, found, sizeof(found)))
		status = H_DEGRADED;
	else
		snprintf(found, sizeof(found), "readable and writable");
	pthread_mutex_lock(&w->lock);
	said = w->said;
	w->said = status;
	pthread_mutex_unlock(&w->lock);
	if (status == H_UNAVAILABLE && said != H_UNAVAILABLE)
		server_log(s, "%s", found);
	else if (status == H_DEGRADED && said == H_OK)
		server_log(s, "the store %s cannot be written: %s; requests "
		    "that write (tokens, imports, the online answers kept) "
		    "fail until it can", s->db_path, found);
	else if (status == H_OK && said == H_DEGRADED)
		server_log(s, "the store %s can be written again", s->db_path);
	if (why != NULL)
		snprintf(why, size, "%s", found);
	return status;
}
