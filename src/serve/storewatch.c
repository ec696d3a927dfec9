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

void
storewatch_token_wrote(struct server *s, int rc, const struct chousa_err *err)
{
	if (rc == CHOUSA_OK)
		storewatch_wrote(s, NULL);
	else if (err->code != CHOUSA_EINVAL && err->code != CHOUSA_ENOTFOUND &&
	    err->code != CHOUSA_EEXIST)
		storewatch_wrote(s, err);
}

/*
 * The directory that holds path, allocated (path may be as long as the
 * system takes: nothing here is cut); NULL when out of memory.
 */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (slash == NULL)
		return mem_strdup(".");
	dir = mem_strdup(path);
	if (dir != NULL)
		dir[slash == path ? 1 : slash - path] = '\0';
	return dir;
}

/* Why the store cannot be written now, added to why; 0 when it can. */
static int
unwritable(struct server *s, struct chousa_buf *why)
{
	struct storewatch *w = &s->watch;
	struct statvfs vs;
	char *dir = dir_of(s->db_path);
	int failed = 1;

	if (dir == NULL)
		chousa_buf_adds(why, "it cannot be checked: out of memory");
	else if (access(s->db_path, W_OK) != 0)
		chousa_buf_addf(why, "the file cannot be written by the "
		    "server's user (uid %ld): %s", (long)geteuid(),
		    strerror(errno));
	else if (access(dir, W_OK | X_OK) != 0)
		chousa_buf_addf(why, "its directory %s cannot be written by "
		    "the server's user (uid %ld), which SQLite needs for the "
		    "-wal and -shm files: %s", dir, (long)geteuid(),
		    strerror(errno));
	else if (statvfs(dir, &vs) == 0 && (geteuid() == 0 ? vs.f_bfree :
	    vs.f_bavail) == 0)
		chousa_buf_addf(why, "the disk that holds it (%s) is full",
		    dir);
	else {
		pthread_mutex_lock(&w->lock);
		failed = w->write_failed[0] != '\0';
		if (failed)
			chousa_buf_addf(why, "the last write failed: %s",
			    w->write_failed);
		pthread_mutex_unlock(&w->lock);
	}
	mem_free(dir);
	return failed;
}

int
storewatch_check(struct server *s, struct chousa_buf *why)
{
	struct storewatch *w = &s->watch;
	struct chousa_buf found;
	struct stat sb;
	const char *text;
	int status = H_OK, said, gone = 0;

	chousa_buf_init(&found, 0);
	if (!w->known)
		;
	else if (stat(s->db_path, &sb) != 0)
		gone = errno == ENOENT;
	else if (sb.st_dev != w->dev || sb.st_ino != w->ino)
		gone = 2;
	if (gone) {
		chousa_buf_addf(&found, "the store %s was %s under the server: "
		    "it still answers from the file it opened at its start, "
		    "and what it writes there is lost; stop the server, "
		    "restore the store (chousa db restore), and start it",
		    s->db_path,
		    gone == 1 ? "deleted" : "deleted or replaced");
		status = H_UNAVAILABLE;
	} else if (unwritable(s, &found))
		status = H_DEGRADED;
	else
		chousa_buf_adds(&found, "readable and writable");
	text = found.data;
	pthread_mutex_lock(&w->lock);
	said = w->said;
	w->said = status;
	pthread_mutex_unlock(&w->lock);
	/* Out of memory, the state is still told, without its detail. */
	if (found.failed != CHOUSA_OK || found.data == NULL)
		text = "(no detail: out of memory)";
	if (status == H_UNAVAILABLE && said != H_UNAVAILABLE)
		server_log(s, "%s", text);
	else if (status == H_DEGRADED && said == H_OK)
		server_log(s, "the store %s cannot be written: %s; requests "
		    "that write (tokens, imports, the online answers kept) "
		    "fail until it can", s->db_path, text);
	else if (status == H_OK && said == H_DEGRADED)
		server_log(s, "the store %s can be written again", s->db_path);
	if (why != NULL)
		chousa_buf_adds(why, text);
	chousa_buf_release(&found);
	return status;
}
