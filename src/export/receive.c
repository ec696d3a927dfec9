/*
 * receive.c: an export made by the team server (GET /api/v1/export),
 * written here as chousa_export() writes its own: placed by the same rule
 * (export_place), each file under a temporary name, all renamed only when
 * every one is complete (out.c).  A directory's files come as one tar,
 * which is kept in an unlinked temporary file until the answer is whole
 * and only then unpacked, so a connection cut half-way leaves the old
 * files as they were.
 *
 * The tar comes from the network: a member must be a regular file with a
 * plain name (no path, no dot file, no name twice), or the whole answer
 * is refused and nothing is renamed.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "base/dynlib.h"
#include "base/mem.h"
#include "base/tmp.h"
#include "export/export.h"

/* A tar of more members than this is not an export. */
#define MAX_MEMBERS	1024

struct chousa_export_receipt {
	struct export_run		 run;
	struct chousa_export_opts	 opts;
	struct chousa_arena		*arena;
	struct export_file		*one;	/* the stream's file, or NULL */
	int				 tar_fd;	/* the tar meanwhile, or -1 */
	struct chousa_err		 err;	/* why write() failed, if it did */
	char				*deploy;	/* or NULL */
};

int
chousa_export_receive_begin(struct chousa_export_receipt **out,
    const char *format, const char *path, int *want_tar,
    struct chousa_err *err)
{
	struct chousa_export_receipt *rx;
	struct export_run *r;
	int rc;

	*out = NULL;
	rx = mem_alloc(sizeof(*rx));
	if (rx == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rx->tar_fd = -1;
	r = &rx->run;
	r->fmt = export_format_find(format != NULL ? format : "");
	if (r->fmt == NULL) {
		mem_free(rx);
		return chousa_errf(err, CHOUSA_EINVAL, "unknown export format "
		    "'%s'", format != NULL ? format : "");
	}
	rx->opts.format = r->fmt->name;
	rx->opts.out = path;
	r->opts = &rx->opts;
	chousa_buf_init(&r->line, 0);
	rc = chousa_arena_new(&rx->arena, 0, err);
	if (rc == CHOUSA_OK)
		rc = export_place(r, rx->arena, err);
	/* A directory's files come as a tar; one file as its bytes. */
	*want_tar = rc == CHOUSA_OK && r->dir != NULL && r->file == NULL;
	if (rc == CHOUSA_OK && *want_tar) {
		rx->tar_fd = chousa_tmp_fd();
		if (rx->tar_fd < 0)
			rc = chousa_errf(err, CHOUSA_EIO, "cannot make a "
			    "temporary file in %s: %s", chousa_tmp_dir(),
			    strerror(errno));
	} else if (rc == CHOUSA_OK)
		rc = export_open(r, NULL, 1, &rx->one, err);
	/* The server's files would name its own directory: name this one. */
	if (rc == CHOUSA_OK && (r->fmt->flags & EXPORT_F_DEPLOY) &&
	    r->dir != NULL && (rx->deploy = realpath(r->dir, NULL)) == NULL)
		rc = chousa_errf(err, CHOUSA_EIO, "cannot resolve '%s': %s",
		    r->dir, strerror(errno));
	if (rc != CHOUSA_OK) {
		chousa_export_receive_end(rx, 0, NULL, NULL);
		return rc;
	}
	*out = rx;
	return CHOUSA_OK;
}

const char *
chousa_export_receive_deploy_dir(const struct chousa_export_receipt *rx)
{
	return rx->deploy;
}

long
chousa_export_receive_write(void *arg, const char *p, size_t n)
{
	struct chousa_export_receipt *rx = arg;
	size_t done = 0;
	ssize_t k;

	if (rx->err.code != CHOUSA_OK)
		return -1;
	if (rx->tar_fd < 0)
		return export_write(rx->one, p, n, &rx->err) == CHOUSA_OK ?
		    (long)n : -1;
	while (done < n) {
		k = write(rx->tar_fd, p + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			chousa_errf(&rx->err, CHOUSA_EIO, "cannot keep the "
			    "export in %s: %s", chousa_tmp_dir(),
			    strerror(k < 0 ? errno : ENOSPC));
			return -1;
		}
		done += (size_t)k;
	}
	return (long)n;
}

/* A member's name as a file of the output directory may have it. */
static int
plain_member(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= NAME_MAX &&
	    s[0] != '.' && strchr(s, '/') == NULL && strchr(s, '\\') == NULL;
}

/* Each member of the tar into a file of the run, under its temporary name. */
static int
unpack(struct chousa_export_receipt *rx, struct chousa_err *err)
{
	struct export_run *r = &rx->run;
	struct archive *ar;
	struct archive_entry *e;
	struct export_file *f;
	char buf[65536];
	size_t i;
	la_ssize_t got;
	int rc = CHOUSA_OK, a;

	if (lseek(rx->tar_fd, 0, SEEK_SET) != 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot read the export "
		    "back: %s", strerror(errno));
	ar = archive_read_new();
	if (ar == NULL)
		return dynlib_archive_missing() != NULL ?
		    chousa_errf(err, CHOUSA_EINVAL, "cannot unpack the export: "
		    "%s", dynlib_archive_missing()) :
		    chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	archive_read_support_format_tar(ar);
	if (archive_read_open_fd(ar, rx->tar_fd, sizeof(buf)) != ARCHIVE_OK) {
		rc = chousa_errf(err, CHOUSA_EPARSE, "the export is not a tar: "
		    "%s", archive_error_string(ar));
		goto out;
	}
	while ((a = archive_read_next_header(ar, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);

		if (!plain_member(name) || archive_entry_filetype(e) !=
		    AE_IFREG) {
			rc = chousa_errf(err, CHOUSA_EPARSE, "the export holds "
			    "'%.64s', not a file of one directory",
			    name != NULL ? name : "");
			goto out;
		}
		for (i = 0; i < r->n_files; i++)
			if (strcmp(r->files[i]->name, name) == 0) {
				rc = chousa_errf(err, CHOUSA_EPARSE, "the "
				    "export holds '%s' twice", name);
				goto out;
			}
		if (r->n_files == MAX_MEMBERS) {
			rc = chousa_errf(err, CHOUSA_ELIMIT, "the export holds "
			    "over %d files", MAX_MEMBERS);
			goto out;
		}
		rc = export_open(r, name, 1, &f, err);
		while (rc == CHOUSA_OK &&
		    (got = archive_read_data(ar, buf, sizeof(buf))) != 0) {
			if (got < 0) {
				rc = chousa_errf(err, CHOUSA_EPARSE, "the "
				    "export's '%s' is cut: %s", name,
				    archive_error_string(ar));
				break;
			}
			rc = export_write(f, buf, (size_t)got, err);
		}
		/* Closed until commit: a big directory holds no descriptors. */
		if (rc == CHOUSA_OK)
			rc = export_park(f, err);
		if (rc != CHOUSA_OK)
			goto out;
	}
	if (a != ARCHIVE_EOF)
		rc = chousa_errf(err, CHOUSA_EPARSE, "the export's tar is cut "
		    "or damaged: %s", archive_error_string(ar));
out:
	archive_read_free(ar);
	return rc;
}

int
chousa_export_receive_end(struct chousa_export_receipt *rx, int ok,
    struct chousa_export_report *rep, struct chousa_err *err)
{
	int rc = CHOUSA_OK;

	if (rx == NULL)
		return CHOUSA_OK;
	if (ok && rx->err.code != CHOUSA_OK) {
		rc = chousa_errf(err, rx->err.code, "%s", rx->err.msg);
		ok = 0;
	}
	if (rep != NULL)
		memset(rep, 0, sizeof(*rep));
	rx->run.rep = rep;
	if (ok && rx->tar_fd >= 0)
		rc = unpack(rx, err);
	if (ok && rc == CHOUSA_OK)
		rc = export_commit(&rx->run, err);
	export_discard(&rx->run);
	if (rx->tar_fd >= 0)
		close(rx->tar_fd);
	chousa_buf_release(&rx->run.line);
	chousa_arena_free(rx->arena);
	free(rx->deploy);	/* realpath's */
	mem_free(rx);
	return rc;
}
