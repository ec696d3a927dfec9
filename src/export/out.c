/*
 * out.c: the files of an export.  Each is written under a temporary name
 * in its final directory (".NAME.tmp.PID.N", created exclusively, mode
 * 0666 less the umask like any file) and renamed only after every file of
 * the run is complete and synced, so an engine that reloads a file never
 * reads half of one; a run that fails removes its temporary files.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "export/export.h"

/* A format's buffer is written out past this. */
#define FLUSH_AT	((size_t)256 << 10)

static unsigned tmp_counter;

static char *
join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = mem_alloc(a + b + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

/* ".base.tmp.PID.N" beside path. */
static char *
tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	size_t size = strlen(path) + 48;
	char *p = mem_alloc(size);

	if (p == NULL)
		return NULL;
	snprintf(p, size, "%.*s.%s.tmp.%ld.%u", (int)dir_len, path,
	    path + dir_len, (long)getpid(), tmp_counter++);
	return p;
}

static int
add_file(struct export_run *r, struct export_file *f, struct chousa_err *err)
{
	if (MEM_GROW(r->files, r->n_files, r->files_cap, 32, 0) != CHOUSA_OK) {
		mem_free(f);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	r->files[r->n_files++] = f;
	return CHOUSA_OK;
}

static int
open_tmp(struct export_file *f, struct chousa_err *err)
{
	int fd;

	f->tmp = tmp_name(f->path);
	if (f->tmp == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = errno;

		mem_free(f->tmp);
		f->tmp = NULL;
		return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    f->path, strerror(e));
	}
	f->fp = fdopen(fd, "w");
	if (f->fp == NULL) {
		close(fd);
		unlink(f->tmp);
		mem_free(f->tmp);
		f->tmp = NULL;
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	return CHOUSA_OK;
}

int
export_open_path(struct export_run *r, const char *path,
    struct export_file **out, struct chousa_err *err)
{
	struct export_file *f = mem_alloc(sizeof(*f));
	int rc;

	if (f == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&f->buf, 0);
	rc = add_file(r, f, err);
	if (rc != CHOUSA_OK)
		return rc;
	f->path = mem_strdup(path);
	if (f->path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = open_tmp(f, err);
	if (rc == CHOUSA_OK)
		*out = f;
	return rc;
}

int
export_open(struct export_run *r, const char *name, int listed,
    struct export_file **out, struct chousa_err *err)
{
	struct export_file *f = mem_alloc(sizeof(*f));
	const char *shown;
	int rc;

	if (f == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&f->buf, 0);
	f->listed = listed;
	rc = add_file(r, f, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (name == NULL && r->file == NULL) {
		f->fp = stdout;
		snprintf(f->name, sizeof(f->name), "-");
		*out = f;
		return CHOUSA_OK;
	}
	f->path = name != NULL ? join(r->dir, name) : mem_strdup(r->file);
	if (f->path == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	shown = name != NULL ? name : r->file;
	snprintf(f->name, sizeof(f->name), "%s", shown);
	rc = open_tmp(f, err);
	if (rc == CHOUSA_OK)
		*out = f;
	return rc;
}

int
export_flush(struct export_file *f, struct chousa_err *err)
{
	int rc = chousa_buf_rc(&f->buf, f->name, err);

	if (rc != CHOUSA_OK || f->buf.len == 0)
		return rc;
	if (f->fp == NULL) {
		f->fp = fopen(f->tmp, "a");
		if (f->fp == NULL)
			return chousa_errf(err, CHOUSA_EIO, "cannot write "
			    "'%s': %s", f->path, strerror(errno));
	}
	if (f->buf.len > 0 &&
	    mem_fwrite(f->buf.data, 1, f->buf.len, f->fp) != f->buf.len)
		return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    f->path != NULL ? f->path : "stdout", strerror(errno));
	f->bytes += f->buf.len;
	chousa_buf_reset(&f->buf);
	return CHOUSA_OK;
}

int
export_park(struct export_file *f, struct chousa_err *err)
{
	int rc = export_flush(f, err);

	if (rc != CHOUSA_OK || f->fp == NULL || f->fp == stdout)
		return rc;
	if (fclose(f->fp) != 0) {
		f->fp = NULL;
		return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    f->path, strerror(errno));
	}
	f->fp = NULL;
	return CHOUSA_OK;
}

/* Write f->buf out once it is big (or has failed, to say so). */
static int
flush_when_big(struct export_file *f, struct chousa_err *err)
{
	if (f->buf.len < FLUSH_AT && f->buf.failed == CHOUSA_OK)
		return CHOUSA_OK;
	return export_flush(f, err);
}

int
export_entry(struct export_file *f, struct chousa_err *err)
{
	f->n++;
	return flush_when_big(f, err);
}

int
export_write(struct export_file *f, const void *p, size_t n,
    struct chousa_err *err)
{
	chousa_buf_add(&f->buf, p, n);
	return flush_when_big(f, err);
}

/* Flush, sync and close one file; its temporary name stays. */
static int
finish(struct export_file *f, struct chousa_err *err)
{
	int rc = export_flush(f, err);
	FILE *fp = f->fp;

	if (rc != CHOUSA_OK)
		return rc;
	if (fp == NULL) {	/* parked: sync it through a descriptor */
		int fd = open(f->tmp, O_WRONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) != 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return chousa_errf(err, CHOUSA_EIO, "cannot write "
			    "'%s': %s", f->path, strerror(e));
		}
		close(fd);
		return CHOUSA_OK;
	}
	if (fp == stdout) {
		if (fflush(stdout) != 0)
			return chousa_errf(err, CHOUSA_EIO, "cannot write "
			    "to stdout: %s", strerror(errno));
		return CHOUSA_OK;
	}
	f->fp = NULL;
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		int e = errno;

		fclose(fp);
		return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    f->path, strerror(e));
	}
	if (fclose(fp) != 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot write '%s': %s",
		    f->path, strerror(errno));
	return CHOUSA_OK;
}

int
export_commit(struct export_run *r, struct chousa_err *err)
{
	struct chousa_export_report *rep = r->rep;
	size_t i;
	int rc;

	for (i = 0; i < r->n_files; i++) {
		rc = finish(r->files[i], err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	/* Every file is complete: only now does any take its name. */
	for (i = 0; i < r->n_files; i++) {
		struct export_file *f = r->files[i];

		if (f->tmp == NULL)
			continue;
		if (rename(f->tmp, f->path) != 0)
			return chousa_errf(err, CHOUSA_EIO, "cannot rename "
			    "'%s' to '%s': %s", f->tmp, f->path,
			    strerror(errno));
		mem_free(f->tmp);
		f->tmp = NULL;
	}
	for (i = 0; i < r->n_files && rep != NULL; i++) {
		struct export_file *f = r->files[i];
		struct chousa_export_file *out;

		if (!f->listed || rep->n_files == CHOUSA_EXPORT_MAX_FILES)
			continue;
		out = &rep->files[rep->n_files++];
		snprintf(out->name, sizeof(out->name), "%s", f->name);
		out->n = f->n;
		out->bytes = f->bytes;
	}
	return CHOUSA_OK;
}

void
export_discard(struct export_run *r)
{
	size_t i;

	for (i = 0; i < r->n_files; i++) {
		struct export_file *f = r->files[i];

		if (f->fp != NULL && f->fp != stdout)
			fclose(f->fp);
		if (f->tmp != NULL)
			unlink(f->tmp);
		mem_free(f->tmp);
		mem_free(f->path);
		chousa_buf_release(&f->buf);
		mem_free(f);
	}
	mem_free(r->files);
	r->files = NULL;
	r->n_files = r->files_cap = 0;
}
