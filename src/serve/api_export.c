/*
 * api_export.c: GET /api/v1/export, `chousa export` for the engines and
 * SIEMs that pull their feed from the team server (a Zeek intel file, a
 * Suricata dataset, an RPZ zone, a STIX bundle, a MISP feed...).  The
 * query takes the CLI's options; the answer is the bytes the CLI writes
 * for the same store, one file of it for the formats that write a
 * directory (file=NAME), or with archive=tar every file the CLI writes
 * into a directory, in one tar (what `chousa --server URL export`
 * unpacks: one answer, so no import falls between two of its files).
 * --delta is not offered: its state belongs to one consumer, and the
 * server has many.
 *
 * An export reads the whole store and takes seconds on a big one, so it
 * runs on a thread of its own (req_background), with a read-only store
 * handle of its own, into a private directory under TMPDIR; the file
 * asked for is opened, everything is unlinked, and the open file is sent
 * (sendfile), so nothing is left behind whatever happens next.
 *
 * The same store and the same query give the same bytes, so the ETag is a
 * hash of the store's last change and the parsed query, and a consumer
 * that polls gets a 304 without an export being run at all.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "base/hash.h"
#include "base/tmp.h"
#include "export/export.h"
#include "serve/serve.h"

/* The names a directory's listing keeps for a 400 or 404 (bytes, files). */
#define LIST_BYTES	4096
#define LIST_MAX	128

/* What the store is at: its last import's end (a date) and generation. */
struct version {
	int64_t	 changed_at;
	int64_t	 generation;
};

struct xjob {
	/* In: the parsed query. */
	struct chousa_export_opts	 o;
	const char			*tlp;	/* normal form, for the ETag */
	const char			*file;	/* file=, or NULL */
	const char			*name;	/* the file served */
	int				 is_dir;
	int				 tar;	/* archive=tar */
	/* Out: set by the run. */
	int				 rc;
	struct chousa_err		 err;
	struct chousa_export_report	 rep;
	struct version			 ver;	/* of the store exported */
	int				 listing;	/* no file, or no such
							 * file: the names */
	uint64_t			 entries;	/* in the file sent */
	/*
	 * The directory's files, sorted: n_names of them, the first
	 * n_kept in names (the run allocates nothing that a request gone
	 * early would leave behind).
	 */
	char				 names[LIST_BYTES];
	const char			*name_at[LIST_MAX];
	size_t				 n_names, n_kept;
};

/* ---- the ETag ---- */

/*
 * Whether the store's last change is in a second already over, so a
 * Last-Modified of whole seconds dates it: a change later in the same
 * second would carry the same date, and a client given it would be told
 * 304 for the newer store.  Until then no Last-Modified is given (the
 * ETag, which counts imports, still is).
 */
static int
settled(int64_t changed)
{
	return changed > 0 && changed < (int64_t)time(NULL);
}

static int
version_of(struct chousa_store *st, struct version *v, struct chousa_err *err)
{
	int rc = chousa_store_changed_at(st, &v->changed_at, err);

	return rc != CHOUSA_OK ? rc : chousa_store_generation(st,
	    &v->generation, err);
}

static uint64_t
hash_str(uint64_t h, const char *s)
{
	/* With its NUL: "a" "bc" and "ab" "c" hash apart. */
	return chousa_fnv1a64(h, s != NULL ? s : "", s != NULL ?
	    strlen(s) + 1 : 1);
}

static uint64_t
hash_int(uint64_t h, int64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)v);
	return hash_str(h, num);
}

/*
 * The ETag of x's answer for the store at v, into out; 0 when the bytes
 * depend on the clock and none can be given: a store never imported into
 * is stamped with the time of the export, and active=DAYS counts back
 * from it.  The generation tells apart two imports of the same second.
 */
static int
etag_of(const struct xjob *x, const struct version *v, char out[24])
{
	const struct chousa_export_opts *o = &x->o;
	uint64_t h = CHOUSA_FNV64_INIT;
	int64_t changed_at = v->changed_at;

	if (o->stamp <= 0 && changed_at <= 0)
		return 0;
	if (o->active_days > 0 && o->now <= 0)
		return 0;
	/* The version too: a release may write a format differently. */
	h = hash_str(h, CHOUSA_VERSION);
	h = hash_str(h, o->format);
	h = hash_str(h, x->file);
	h = hash_int(h, x->tar);
	h = hash_int(h, (int64_t)o->types);
	h = hash_str(h, o->sources);
	h = hash_str(h, o->families);
	h = hash_int(h, o->min_confidence);
	h = hash_int(h, o->since);
	h = hash_int(h, o->active_days);
	h = hash_str(h, x->tlp);
	h = hash_int(h, o->include_benign);
	h = hash_int(h, o->zeek_notice);
	h = hash_str(h, o->deploy_dir);
	h = hash_int(h, o->stamp > 0 ? o->stamp : changed_at);
	h = hash_int(h, v->generation);
	h = hash_int(h, o->active_days > 0 ? o->now : 0);
	snprintf(out, 24, "\"%016llx\"", (unsigned long long)h);
	return 1;
}

/* Whether an If-None-Match list holds etag (or is "*"). */
static int
etag_matches(const char *list, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		/* A weak comparison, as RFC 9110 asks for If-None-Match. */
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

/* ---- the run, on its own thread ---- */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The names of dir's files but dot files into x, sorted, as many as fit;
 * n_names counts them all.  1 when they all fit, 0 when not, -1 when dir
 * cannot be read (errno set).
 */
static int
list_names(struct xjob *x, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t used = 0, len;

	x->n_names = x->n_kept = 0;
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		len = strlen(e->d_name) + 1;
		x->n_names++;
		if (x->n_kept < LIST_MAX && used + len <= sizeof(x->names)) {
			memcpy(x->names + used, e->d_name, len);
			x->name_at[x->n_kept++] = x->names + used;
			used += len;
		}
	}
	closedir(d);
	qsort(x->name_at, x->n_kept, sizeof(x->name_at[0]), name_cmp);
	return x->n_kept == x->n_names;
}

/* Remove every file of dir and dir, keeping their names first if asked. */
static void
clear_dir(struct xjob *x, const char *dir, int keep_names)
{
	DIR *d;
	struct dirent *e;

	if (keep_names)
		list_names(x, dir);
	d = opendir(dir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/*
 * Whether the file fd names the directory dir: suricata.yaml and the
 * ClickHouse statements give their files' paths, which here are the
 * server's temporary ones, of no use to the consumer (and never the
 * same twice).  Read with pread: the offset stays at 0 for sendfile.
 */
static int
names_dir(int fd, const char *dir)
{
	char buf[65536];
	size_t n = strlen(dir), have = 0;
	off_t at = 0;
	ssize_t got;

	for (;;) {
		got = pread(fd, buf + have, sizeof(buf) - have, at);
		if (got <= 0)
			return 0;
		at += got;
		have += (size_t)got;
		if (memmem(buf, have, dir, n) != NULL)
			return 1;
		/* Keep the tail a path may be cut in. */
		if (have >= n) {
			memmove(buf, buf + have - (n - 1), n - 1);
			have = n - 1;
		}
	}
}

/*
 * The file sent: opened before its directory goes, and handed to r's
 * spool, which on_completed closes even when finish is never called (the
 * client went).  An empty file is an empty answer.  0 when there is no
 * such file, or (x->rc set) it cannot be read.
 */
static int
open_answer(struct sreq *r, struct xjob *x, const char *dir,
    const char *path)
{
	struct stat sb;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t i;

	if (fd < 0) {
		if (errno != ENOENT)
			x->rc = chousa_errf(&x->err, CHOUSA_EIO, "cannot read "
			    "the export: %s", strerror(errno));
		return 0;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return 0;
	}
	if (names_dir(fd, dir)) {
		close(fd);
		x->rc = chousa_errf(&x->err, CHOUSA_EINVAL, "'%s' names the "
		    "directory its files are read from: give it as "
		    "deploy_dir=/absolute/path", x->name);
		return 0;
	}
	/* A one-file export names its file by the path it was given. */
	for (i = 0; i < x->rep.n_files; i++) {
		const char *n = x->rep.files[i].name, *slash = strrchr(n, '/');

		if (strcmp(slash != NULL ? slash + 1 : n, x->name) == 0)
			x->entries = x->rep.files[i].n;
	}
	if (sb.st_size == 0) {
		close(fd);
		return 1;
	}
	r->spool_fd = fd;
	r->spool_len = (size_t)sb.st_size;
	return 1;
}

/* When the store was last changed, for the members' times. */
static int64_t
stamp_of(const struct xjob *x)
{
	return x->o.stamp > 0 ? x->o.stamp : x->ver.changed_at;
}

/*
 * Every file of dir (but dot files) into one tar, at dir/.tar, opened
 * for r's spool: sorted by name, mode 0644, owned by nobody in
 * particular and dated by the store, so the same store gives the same
 * bytes.  A file that names dir is refused as open_answer refuses it.
 */
static int
open_tar(struct sreq *r, struct xjob *x, const char *dir)
{
	char path[PATH_MAX], buf[65536];
	struct archive *ar = NULL;
	struct archive_entry *e = NULL;
	struct stat sb;
	size_t i;
	int fd = -1, in = -1, ok = 0;
	ssize_t got;

	switch (list_names(x, dir)) {
	case -1:
		goto io;
	case 0:
		x->rc = chousa_errf(&x->err, CHOUSA_ELIMIT, "the export wrote "
		    "more files than a tar answer holds");
		return 0;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/.tar", dir) >=
	    sizeof(path))
		goto io;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ar = archive_write_new();
	e = archive_entry_new();
	if (fd < 0 || ar == NULL || e == NULL ||
	    archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
	    archive_write_open_fd(ar, fd) != ARCHIVE_OK)
		goto io;
	for (i = 0; i < x->n_kept; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    x->name_at[i]) >= sizeof(path))
			goto io;
		in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (in < 0 || fstat(in, &sb) != 0 || !S_ISREG(sb.st_mode))
			goto io;
		if (names_dir(in, dir)) {
			x->rc = chousa_errf(&x->err, CHOUSA_EINVAL, "'%s' in the "
			    "tar names the directory its files are read from: "
			    "give it as deploy_dir=/absolute/path (where the "
			    "tar is unpacked)", x->name_at[i]);
			goto out;
		}
		archive_entry_set_pathname(e, x->name_at[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)sb.st_size);
		archive_entry_set_mtime(e, (time_t)stamp_of(x), 0);
		if (archive_write_header(ar, e) != ARCHIVE_OK)
			goto io;
		while ((got = read(in, buf, sizeof(buf))) > 0)
			if (archive_write_data(ar, buf, (size_t)got) != got)
				goto io;
		if (got < 0)
			goto io;
		close(in);
		in = -1;
		archive_entry_free(e);
		if ((e = archive_entry_new()) == NULL)
			goto io;
	}
	if (archive_write_close(ar) != ARCHIVE_OK || fstat(fd, &sb) != 0)
		goto io;
	r->spool_fd = fd;
	r->spool_len = (size_t)sb.st_size;
	fd = -1;
	ok = 1;
	goto out;
io:
	x->rc = chousa_errf(&x->err, CHOUSA_EIO, "cannot make the export's "
	    "tar: %s", ar != NULL && archive_error_string(ar) != NULL ?
	    archive_error_string(ar) : strerror(errno));
out:
	if (in >= 0)
		close(in);
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	if (ar != NULL)
		archive_write_free(ar);
	return ok;
}

static void
export_run(struct sreq *r)
{
	struct xjob *x = r->stream;
	struct chousa_store *st = NULL;
	char dir[PATH_MAX], path[PATH_MAX];
	int found = 0;

	x->err.code = CHOUSA_OK;
	x->err.msg[0] = '\0';
	if ((size_t)snprintf(dir, sizeof(dir), "%s/chousa-export.XXXXXX",
	    chousa_tmp_dir()) >= sizeof(dir)) {
		x->rc = chousa_errf(&x->err, CHOUSA_EIO, "TMPDIR is too long");
		return;
	}
	if (mkdtemp(dir) == NULL) {
		x->rc = chousa_errf(&x->err, CHOUSA_EIO, "cannot make a "
		    "directory in %s: %s", chousa_tmp_dir(), strerror(errno));
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    x->name != NULL ? x->name : "") >= sizeof(path)) {
		rmdir(dir);
		x->rc = chousa_errf(&x->err, CHOUSA_EIO, "TMPDIR is too long");
		return;
	}
	/*
	 * A handle of this thread's own: server_store() keeps one per
	 * thread until the server stops, and this thread ends with the run.
	 */
	x->rc = chousa_store_open(&st, r->env.db_path, CHOUSA_STORE_READONLY,
	    &x->err);
	if (x->rc == CHOUSA_OK)
		x->rc = version_of(st, &x->ver, &x->err);
	if (x->rc == CHOUSA_OK) {
		/*
		 * A directory for the formats that write one and for a tar
		 * (where the others write as they do into one), else a file.
		 */
		x->o.out = x->is_dir || x->tar ? dir : path;
		x->rc = chousa_export(st, &x->o, &x->rep, &x->err);
		x->o.out = NULL;
	}
	chousa_store_close(st);
	if (x->rc == CHOUSA_OK && x->tar) {
		open_tar(r, x, dir);
		clear_dir(x, dir, 0);
		return;
	}
	if (x->rc == CHOUSA_OK && x->name != NULL)
		found = open_answer(r, x, dir, path);
	x->listing = x->rc == CHOUSA_OK && !found;
	clear_dir(x, dir, x->listing);
}

/* ---- the answer, on the HTTP thread ---- */

/* "Mon, 13 Nov 2023 22:13:20 GMT" (arena), or NULL. */
static const char *
http_date(struct chousa_arena *a, int64_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	/* Spelt out: strftime's %a and %b follow the locale. */
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return NULL;
	return chousa_arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The media type of a file, by its extension. */
static const char *
ctype_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (dot == NULL)
		return "text/plain; charset=utf-8";
	if (strcmp(dot, ".json") == 0)
		return "application/json";
	if (strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".jsonl") == 0)
		return "application/x-ndjson";
	if (strcmp(dot, ".csv") == 0)
		return "text/csv; charset=utf-8";
	return "text/plain; charset=utf-8";
}

/* The file's name as a download's: only [A-Za-z0-9._-] (arena). */
static const char *
disposition(struct chousa_arena *a, const char *name)
{
	char safe[64];
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < sizeof(safe); i++)
		safe[i] = (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '-' || name[i] == '_' ? name[i] : '_';
	safe[i] = '\0';
	if (i == 0 || safe[0] == '.')
		safe[0] = '_';
	return chousa_arena_printf(a, "attachment; filename=\"%s\"", safe);
}

/*
 * No file named, or none of that name: a 400 or 404 whose error names the
 * files (as many as fit in the line) and whose "files" member has them all.
 */
static int
answer_listing(struct sreq *r, struct xjob *x)
{
	struct chousa_buf names;
	struct chousa_jw w;
	const char *msg;
	size_t i;

	chousa_buf_init(&names, 0);
	for (i = 0; i < x->n_kept; i++) {
		if (names.len + strlen(x->name_at[i]) > 160) {
			chousa_buf_adds(&names, ", ...");
			break;
		}
		chousa_buf_addf(&names, "%s%s", i ? ", " : "", x->name_at[i]);
	}
	if (x->file == NULL)
		msg = chousa_arena_printf(r->a, "format '%s' writes several "
		    "files: name one with file= (%s)", x->o.format,
		    names.len ? names.data : "none");
	else
		msg = chousa_arena_printf(r->a, "format '%s' wrote no file "
		    "'%.64s' (%s)", x->o.format, x->file,
		    names.len ? names.data : "none");
	chousa_buf_release(&names);
	if (msg == NULL)
		return req_error(r, 500, "out of memory");
	req_error(r, x->file == NULL ? 400 : 404, "%s", msg);
	chousa_buf_reset(&r->out);
	chousa_jw_init(&w, &r->out);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "error", msg);
	chousa_jw_key(&w, "files");
	chousa_jw_array(&w);
	for (i = 0; i < x->n_kept; i++)
		chousa_jw_str(&w, x->name_at[i]);
	chousa_jw_array_end(&w);
	chousa_jw_kuint(&w, "n_files", x->n_names);
	chousa_jw_object_end(&w);
	chousa_buf_addch(&r->out, '\n');
	return 0;
}

/* "benign=3,type=2" (arena), or NULL when nothing was left out. */
static const char *
left_out(struct chousa_arena *a, const struct chousa_export_report *rep)
{
	char v[256];
	size_t len = 0;
	int why;

	v[0] = '\0';
	for (why = 0; why < CHOUSA_EXPORT_WHY_COUNT; why++)
		if (rep->left_out[why] > 0 && len < sizeof(v))
			len += (size_t)snprintf(v + len, sizeof(v) - len,
			    "%s%s=%llu", len ? "," : "",
			    chousa_export_why_name(why),
			    (unsigned long long)rep->left_out[why]);
	return len > 0 ? chousa_arena_strdup(a, v) : NULL;
}

/*
 * "benign:ipv4=2,benign:domain=1,type:sha1=5" (arena): left_out's counts
 * by type, as the CLI's summary gives them; NULL when nothing was.
 */
static const char *
left_out_types(struct chousa_arena *a, const struct chousa_export_report *rep)
{
	char v[1024];
	size_t len = 0;
	int why, t;

	v[0] = '\0';
	for (why = 0; why < CHOUSA_EXPORT_WHY_COUNT; why++)
		for (t = 0; t < CHOUSA_IOC_TYPE_COUNT; t++)
			if (rep->left_out_type[why][t] > 0 && len < sizeof(v))
				len += (size_t)snprintf(v + len, sizeof(v) -
				    len, "%s%s:%s=%llu", len ? "," : "",
				    chousa_export_why_name(why),
				    chousa_ioc_type_name(t), (unsigned long long)
				    rep->left_out_type[why][t]);
	return len > 0 && len < sizeof(v) ? chousa_arena_strdup(a, v) : NULL;
}

/*
 * "zeek.intel=120" or "suricata-ipv4.lst=12,suricata.yaml=0" (arena):
 * each file the summary lists, by its name in the directory, with the
 * entries the format counted in it; NULL when there are none.
 */
static const char *
files_header(struct chousa_arena *a, const struct chousa_export_report *rep)
{
	struct chousa_buf b;
	const char *s = NULL;
	size_t i;

	chousa_buf_init(&b, 4096);
	for (i = 0; i < rep->n_files; i++) {
		const char *n = rep->files[i].name, *slash = strrchr(n, '/');

		chousa_buf_addf(&b, "%s%s=%llu", i ? "," : "",
		    slash != NULL ? slash + 1 : n,
		    (unsigned long long)rep->files[i].n);
	}
	if (b.len > 0 && !b.failed)
		s = chousa_arena_strdup(a, b.data);
	chousa_buf_release(&b);
	return s;
}

/* How many indicators the filters left out, for whatever reason. */
static uint64_t
left_out_of(const struct chousa_export_report *rep)
{
	uint64_t n = 0;
	int why;

	for (why = 0; why < CHOUSA_EXPORT_WHY_COUNT; why++)
		n += rep->left_out[why];
	return n;
}

static int
export_finish(struct sreq *r)
{
	struct xjob *x = r->stream;
	const char *v;
	char etag[24];

	r->stream = NULL;
	if (x->rc == CHOUSA_EBUSY) {
		req_header_add(r, "Retry-After", "5");
		return req_error(r, 503, "%s", x->err.msg);
	}
	if (x->rc != CHOUSA_OK)
		return req_error(r, x->rc == CHOUSA_EINVAL ||
		    x->rc == CHOUSA_EPARSE || x->rc == CHOUSA_ENOTFOUND ? 400 :
		    500, "%s", x->err.msg[0] ? x->err.msg :
		    chousa_rc_name(x->rc));
	r->verdicts = chousa_arena_printf(r->a, "written:%llu",
	    (unsigned long long)x->rep.n_written);
	if (x->listing)
		return answer_listing(r, x);
	r->status = 200;
	r->ctype = x->tar ? "application/x-tar" : ctype_of(x->name);
	r->exit_status = CHOUSA_EXIT_CLEAN;
	req_header_add(r, "Content-Disposition", disposition(r->a, x->name));
	/* The store the run read: an import since the request is in it. */
	if (etag_of(x, &x->ver, etag))
		req_header_add(r, "ETag", chousa_arena_strdup(r->a, etag));
	v = settled(stamp_of(x)) ? http_date(r->a, stamp_of(x)) : NULL;
	if (v != NULL)
		req_header_add(r, "Last-Modified", v);
	req_header_add(r, "Chousa-Export-Read", chousa_arena_printf(r->a,
	    "%llu", (unsigned long long)x->rep.n_read));
	req_header_add(r, "Chousa-Export-Written", chousa_arena_printf(r->a,
	    "%llu", (unsigned long long)x->rep.n_written));
	if (!x->tar)
		req_header_add(r, "Chousa-Export-Entries",
		    chousa_arena_printf(r->a, "%llu",
		    (unsigned long long)x->entries));
	v = files_header(r->a, &x->rep);
	if (v != NULL)
		req_header_add(r, "Chousa-Export-Files", v);
	v = left_out(r->a, &x->rep);
	if (v != NULL)
		req_header_add(r, "Chousa-Export-Left-Out", v);
	v = left_out_types(r->a, &x->rep);
	if (v != NULL)
		req_header_add(r, "Chousa-Export-Left-Out-Types", v);
	/* The local command's warning (cli/cmd-export.c), word for word. */
	if (!x->rep.delta && x->rep.n_written == 0 && (left_out_of(&x->rep) >
	    0 || x->o.sources != NULL || x->o.families != NULL ||
	    x->o.types != 0))
		warn_add(&r->warn, r->a, 0, 0, "the export selected nothing: "
		    "its filters left out every indicator of the store");
	return 0;
}

/* ---- the route ---- */

/* "zeek-intel, suricata, ... or txt" (arena). */
static const char *
format_names(struct chousa_arena *a)
{
	const char *const *names = chousa_export_formats();
	struct chousa_buf b;
	const char *s;
	size_t i;

	chousa_buf_init(&b, 0);
	for (i = 0; names[i] != NULL; i++)
		chousa_buf_addf(&b, "%s%s", i == 0 ? "" : names[i + 1] == NULL ?
		    " or " : ", ", names[i]);
	s = b.len > 0 ? chousa_arena_strdup(a, b.data) : "";
	chousa_buf_release(&b);
	return s != NULL ? s : "";
}

/* A file name of a directory's export: one name, no path, no dot file. */
static int
plain_name(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= NAME_MAX &&
	    s[0] != '.' && strchr(s, '/') == NULL;
}

static const char *const export_keys[] = {
	"format", "file", "types", "sources", "family", "min_confidence",
	"since", "active", "tlp", "include_benign", "zeek_notice", "delta",
	"deploy_dir", "archive", NULL
};

/*
 * The query, as `chousa export` reads its options (cli/cmd-export.c);
 * 0 with a 400 set when it cannot be.
 */
static int
export_options(struct sreq *r, struct xjob *x)
{
	struct chousa_err err = { 0 };
	struct chousa_export_opts *o = &x->o;
	const struct export_format *f;
	const char *format, *types, *since, *archive;
	int bad = 0, benign, notice;
	int64_t epoch;
	char *tlp, *p;

	if (!req_known_args(r, export_keys))
		return 0;
	if (req_arg(r, "delta") != NULL)
		return req_error(r, 400, "'delta' is not offered: its state is "
		    "a consumer's own (run chousa export --delta there)"), 0;
	format = api_opt_str(r, NULL, "format", &bad);
	if (bad)
		return 0;
	if (format == NULL)
		return req_error(r, 400, "name a format with format= (%s)",
		    format_names(r->a)), 0;
	f = export_format_find(format);
	if (f == NULL)
		return req_error(r, 400, "unknown format '%.40s' (%s)", format,
		    format_names(r->a)), 0;
	o->format = f->name;
	o->min_confidence = -1;
	x->is_dir = chousa_export_format_is_dir(format);
	types = api_opt_str(r, NULL, "types", &bad);
	if (types != NULL &&
	    chousa_ioc_types_parse(types, &o->types, &err) != CHOUSA_OK)
		return req_error(r, 400, "%s", err.msg), 0;
	o->sources = api_opt_str(r, NULL, "sources", &bad);
	o->families = api_opt_str(r, NULL, "family", &bad);
	o->min_confidence = (int)api_opt_int(r, NULL, "min_confidence", 0, 100,
	    -1, &bad);
	if (bad)
		return 0;
	since = api_opt_str(r, NULL, "since", &bad);
	if (since != NULL && (chousa_time_parse(since, strlen(since),
	    &o->since) != CHOUSA_OK || o->since <= 0))
		return req_error(r, 400, "'since' takes a date such as "
		    "2024-03-13, not '%.40s'", since), 0;
	o->active_days = (int)api_opt_int(r, NULL, "active", 1, 36500, 0,
	    &bad);
	if (bad)
		return 0;
	o->tlp = api_opt_str(r, NULL, "tlp", &bad);
	o->deploy_dir = bad ? NULL : api_opt_str(r, NULL, "deploy_dir", &bad);
	benign = api_opt_bool(r, NULL, "include_benign", 0);
	notice = benign < 0 ? 0 : api_opt_bool(r, NULL, "zeek_notice", 0);
	if (benign < 0 || notice < 0)
		return 0;
	o->include_benign = benign;
	o->zeek_notice = notice;
	/* The TLP's normal form, for the ETag (the export says if it is bad). */
	tlp = chousa_arena_strdup(r->a, o->tlp != NULL ? o->tlp : "clear");
	if (tlp == NULL)
		return req_error(r, 500, "out of memory"), 0;
	for (p = tlp; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	x->tlp = strcmp(tlp, "white") == 0 ? "clear" : tlp;
	x->file = api_opt_str(r, NULL, "file", &bad);
	if (x->file != NULL && !x->is_dir)
		return req_error(r, 400, "format '%s' writes one file: 'file' "
		    "is for the formats that write a directory", o->format), 0;
	if (x->file != NULL && !plain_name(x->file))
		return req_error(r, 400, "'file' takes a file's name, not "
		    "'%.64s'", x->file), 0;
	x->name = x->is_dir ? x->file : f->file;
	archive = api_opt_str(r, NULL, "archive", &bad);
	if (bad)
		return 0;
	if (archive != NULL && strcmp(archive, "tar") != 0)
		return req_error(r, 400, "'archive' takes tar, not '%.40s'",
		    archive), 0;
	if (archive != NULL && x->file != NULL)
		return req_error(r, 400, "'file' names one file; archive=tar "
		    "sends them all: give one or the other"), 0;
	if (archive != NULL) {
		x->tar = 1;
		x->name = chousa_arena_printf(r->a, "chousa-%s.tar", f->name);
		if (x->name == NULL)
			return req_error(r, 500, "out of memory"), 0;
	}
	/* Reproducible builds' convention, as the CLI: one clock and stamp. */
	if (chousa_source_date_epoch(&epoch))
		o->stamp = o->now = epoch;
	return 1;
}

/*
 * Whether an If-Modified-Since date ims (NULL: none) is at or after
 * changed, for a client that keeps dates alone (curl -z, wget -N).  A
 * date that cannot be read is ignored, as RFC 9110 asks.  It is asked
 * only where an ETag could be given (the answer is the store's alone),
 * and only without If-None-Match, which the RFC puts first.
 */
static int
not_modified_since(const char *ims, int64_t changed)
{
	size_t len = ims != NULL ? strlen(ims) : 0;
	int64_t t;

	/* A date later than the clock is ignored (RFC 9110, 13.1.3). */
	return len > 4 && strcmp(ims + len - 4, " GMT") == 0 &&
	    chousa_time_parse(ims, len, &t) == CHOUSA_OK &&
	    settled(changed) && changed <= t && t <= (int64_t)time(NULL);
}

int
api_export(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct xjob *x = chousa_arena_alloc(r->a, sizeof(*x));
	const char *inm;
	struct version now;
	char etag[24];

	if (x == NULL)
		return req_error(r, 500, "out of memory");
	memset(x, 0, sizeof(*x));
	if (!export_options(r, x))
		return 0;
	inm = chousa_arena_printf(r->a, "format=%s%s%s", x->o.format,
	    x->file != NULL ? " file=" : "", x->file != NULL ? x->file : "");
	req_audit_input(r, inm != NULL ? inm : x->o.format);
	r->asked = "store";
	/*
	 * A consumer that has this store's export already is told so before
	 * anything is run: polling every few minutes then costs one query.
	 */
	inm = req_header(r, "If-None-Match");
	if (version_of(r->env.st, &now, &err) == CHOUSA_OK &&
	    etag_of(x, &now, etag) && (inm != NULL ? etag_matches(inm, etag) :
	    not_modified_since(req_header(r, "If-Modified-Since"),
	    x->o.stamp > 0 ? x->o.stamp : now.changed_at))) {
		const char *lm = http_date(r->a, x->o.stamp > 0 ? x->o.stamp :
		    now.changed_at);

		r->status = 304;
		r->exit_status = CHOUSA_EXIT_CLEAN;
		req_header_add(r, "ETag", chousa_arena_strdup(r->a, etag));
		if (lm != NULL)
			req_header_add(r, "Last-Modified", lm);
		r->verdicts = "not modified";
		return 0;
	}
	r->stream = x;
	if (req_background(r, export_run, export_finish, NULL) ==
	    ROUTE_PENDING)
		return ROUTE_PENDING;
	r->stream = NULL;
	return 0;
}
