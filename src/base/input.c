/*
 * input.c: one streaming reader for every importer.  libarchive does the
 * decompression (any filter; zip or raw), fed by our own read callback so
 * that the SHA-256 and the progress count see the bytes as given.  A gzip
 * is inflated by gunzip.c instead, since libarchive's filter leaves its
 * CRC-32 unchecked; libarchive then sees its content only if that is an
 * archive (a tar.gz).  The
 * first 64 KiB are kept for the importers' probes; after that data flows
 * through one 256 KiB buffer, and lines are views into it when they can be.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "base/dynlib.h"
#include "base/gunzip.h"
#include "base/input.h"
#include "base/mem.h"
#include "base/sha256.h"

#define RAW_CHUNK	((size_t)64 << 10)
#define DATA_CHUNK	((size_t)256 << 10)
struct input {
	char			*name;
	unsigned		 flags;		/* INPUT_NO_* */
	int			 fd;		/* -1 for memory */
	int			 is_stdin;
	int			 read_error;	/* the last error was a read */
	int			 damaged;	/* the decompressor failed */
	/*
	 * A damaged stream's failure met while peeking, after some content:
	 * the content is given first, then this error, as past the peek.
	 */
	int			 deferred_rc;
	char			 deferred_msg[CHOUSA_ERR_MSG_SIZE];
	int			 read_errno;	/* of that read */
	/*
	 * A gzip is inflated by gunzip.c, which checks its trailers, not by
	 * libarchive's filter: gz_buf takes its content for libarchive, and
	 * first holds the start that start() looked at.
	 */
	struct gunzip		*gz;
	uint8_t			*gz_buf;
	size_t			 gz_head_len;
	size_t			 gz_head_pos;
	int			 gz_head_pending;
	void			*map;		/* input_map() of a file */
	size_t			 map_len;
	const uint8_t		*mem;
	size_t			 mem_len;
	size_t			 mem_pos;
	input_reader_fn		 reader;	/* or NULL */
	void			*reader_arg;
	size_t			 head_len;	/* read by read_head() */
	int			 head_pending;	/* not yet given to libarchive */
	struct archive		*ar;
	char			*member;	/* an archive's, or NULL */
	uint64_t		 n_skipped;	/* non-regular members */
	int			 started;	/* header read */
	int			 eof;
	int			 compressed;
	uint8_t			*raw;
	uint64_t		 raw_done;
	uint64_t		 raw_total;
	uint64_t		 data_done;
	struct store_sha256	 sha;
	int			 sha_on;	/* sha initialised */
	/* The peeked start, served before anything else. */
	char			*peek;
	size_t			 peek_len;
	size_t			 peek_pos;
	int			 peeked;
	/* The current chunk of content. */
	char			*data;
	size_t			 data_len;
	size_t			 data_pos;
	char			*chunk;
	/* A line that spans chunks is assembled here. */
	char			*line;
	size_t			 line_len;
	uint64_t		 lineno;
};

/* Up to cap bytes of the descriptor or reader: how many, -1 (errno). */
static ssize_t
raw_fill(struct input *in, uint8_t *buf, size_t cap)
{
	ssize_t n;

	if (in->reader != NULL)
		return in->reader(in->reader_arg, buf, cap);
	do
		n = read(in->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	return n;
}

/* n raw bytes read: hashed and counted. */
static void
raw_count(struct input *in, const void *buf, size_t n)
{
	if (!(in->flags & INPUT_NO_HASH)) {
		if (!in->sha_on) {
			store_sha256_init(&in->sha);
			in->sha_on = 1;
		}
		store_sha256_update(&in->sha, buf, n);
	}
	in->raw_done += (uint64_t)n;
}

static la_ssize_t
raw_read(struct archive *ar, void *arg, const void **buf)
{
	struct input *in = arg;
	ssize_t n;

	if (in->head_pending) {
		/* The stream's first bytes, read (and counted) by start(). */
		in->head_pending = 0;
		*buf = in->raw;
		return (la_ssize_t)in->head_len;
	}
	if (in->fd < 0 && in->reader == NULL) {
		size_t left = in->mem_len - in->mem_pos;

		n = (ssize_t)(left < RAW_CHUNK ? left : RAW_CHUNK);
		*buf = in->mem + in->mem_pos;
		in->mem_pos += (size_t)n;
	} else {
		if (in->raw == NULL)
			in->raw = mem_alloc(RAW_CHUNK);
		if (in->raw == NULL) {
			in->read_error = 1;
			if (ar != NULL)
				archive_set_error(ar, ENOMEM, "out of memory");
			return -1;
		}
		n = raw_fill(in, in->raw, RAW_CHUNK);
		if (n < 0) {
			in->read_error = 1;
			in->read_errno = errno;
			if (ar != NULL)
				archive_set_error(ar, errno,
				    "read failed: %s", strerror(errno));
			return -1;
		}
		*buf = in->raw;
	}
	raw_count(in, *buf, (size_t)n);
	return n;
}

/*
 * The first bytes of a descriptor or reader, enough for maybe_packed()
 * (or all there is), read into in->raw before libarchive starts and
 * handed to it as its first read.
 */
#define HEAD_MIN	8
#define HEAD_MIN_TAR	512	/* a tar says so at 257 */

static int
read_head(struct input *in, struct chousa_err *err)
{
	ssize_t n;

	if (in->raw == NULL)
		in->raw = mem_alloc(RAW_CHUNK);
	if (in->raw == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	in->head_len = 0;
	while (in->head_len < (in->flags & INPUT_MEMBERS ? HEAD_MIN_TAR :
	    HEAD_MIN)) {
		n = raw_fill(in, in->raw + in->head_len,
		    RAW_CHUNK - in->head_len);
		if (n < 0) {
			in->read_error = 1;
			return chousa_errf(err, CHOUSA_EIO, "cannot read '%s': "
			    "%s", in->name, strerror(errno));
		}
		if (n == 0)
			break;
		in->head_len += (size_t)n;
	}
	raw_count(in, in->raw, in->head_len);
	in->head_pending = 1;
	return CHOUSA_OK;
}

static int maybe_packed(const uint8_t *b, size_t n);

/* Whether the first bytes are a POSIX or GNU tar's header. */
static int
is_tar(const uint8_t *b, size_t n)
{
	return n >= 263 && memcmp(b + 257, "ustar", 5) == 0;
}

/* Whether libarchive is needed for these first bytes. */
static int
needs_archive(const struct input *in, const uint8_t *b, size_t n)
{
	return maybe_packed(b, n) || ((in->flags & INPUT_MEMBERS) &&
	    is_tar(b, n));
}

/*
 * The next regular member of the archive (or the one stream of anything
 * else), its name kept; in->eof at the end.  Other members are counted
 * and skipped; without INPUT_MEMBERS, 64 of them end the search.
 */
static int
next_regular(struct input *in, struct chousa_err *err)
{
	struct archive_entry *e;
	const char *path;
	int rc, i;

	mem_free(in->member);
	in->member = NULL;
	for (i = 0; i < 64 || (in->flags & INPUT_MEMBERS); i++) {
		rc = archive_read_next_header(in->ar, &e);
		if (rc == ARCHIVE_EOF) {
			in->eof = 1;
			return CHOUSA_OK;
		}
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			in->damaged = !in->read_error;
			return chousa_errf(err, CHOUSA_EFORMAT,
			    "cannot read '%s': %s", in->name,
			    archive_error_string(in->ar));
		}
		if (archive_format(in->ar) == ARCHIVE_FORMAT_RAW)
			return CHOUSA_OK;
		if (archive_entry_filetype(e) == AE_IFREG) {
			path = archive_entry_pathname(e);
			in->member = mem_strdup(path != NULL ? path : "?");
			if (in->member == NULL)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			return CHOUSA_OK;
		}
		/* A directory is no content skipped; a link or device is. */
		if (archive_entry_filetype(e) != AE_IFDIR)
			in->n_skipped++;
	}
	return chousa_errf(err, CHOUSA_EFORMAT, "no file found in archive "
	    "'%s'", in->name);
}

/* ---- gzip, through gunzip.c ---- */

static int
is_gzip(const uint8_t *b, size_t n)
{
	return n >= 2 && b[0] == 0x1f && b[1] == 0x8b;
}

/* gunzip.c's source: the raw bytes, hashed and counted as any. */
static long
gz_source(void *arg, const void **buf)
{
	return (long)raw_read(NULL, arg, buf);
}

/* Why gunzip_read() returned code, in words. */
static const char *
gz_why(struct input *in, long code)
{
	if (code == GUNZIP_EREAD)
		return strerror(in->read_errno);
	if (code == GUNZIP_ENOMEM)
		return "out of memory";
	return gunzip_error(in->gz);
}

static int
gz_error(struct input *in, long code, struct chousa_err *err)
{
	if (code == GUNZIP_ENOMEM)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	in->damaged = code == GUNZIP_EDAMAGED;
	return chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s", in->name,
	    gz_why(in, code));
}

/*
 * A gzip's reader, and the start of its content in gz_buf, enough to tell
 * whether libarchive must unpack it further (a tar.gz).  A failure after
 * some content is met again by the next read, the content given first.
 */
static int
gz_start(struct input *in, struct chousa_err *err)
{
	size_t want = in->flags & INPUT_MEMBERS ? HEAD_MIN_TAR : HEAD_MIN;
	long n;

	in->gz = gunzip_new(gz_source, in);
	in->gz_buf = mem_alloc(RAW_CHUNK);
	if (in->gz == NULL || in->gz_buf == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	in->compressed = 1;
	while (in->gz_head_len < want) {
		n = gunzip_read(in->gz, in->gz_buf + in->gz_head_len,
		    RAW_CHUNK - in->gz_head_len);
		if (n < 0 && in->gz_head_len == 0)
			return gz_error(in, n, err);
		if (n <= 0)
			break;
		in->gz_head_len += (size_t)n;
	}
	in->gz_head_pending = 1;
	return CHOUSA_OK;
}

/* Up to cap bytes of a gzip's content: how many, or a GUNZIP_E* code. */
static long
gz_content(struct input *in, void *buf, size_t cap)
{
	size_t n;

	if (!in->gz_head_pending)
		return gunzip_read(in->gz, buf, cap);
	n = in->gz_head_len - in->gz_head_pos;
	if (n > cap)
		n = cap;
	memcpy(buf, in->gz_buf + in->gz_head_pos, n);
	in->gz_head_pos += n;
	in->gz_head_pending = in->gz_head_pos < in->gz_head_len;
	return (long)n;
}

/* libarchive's source when a gzip holds an archive: its content. */
static la_ssize_t
gz_archive_read(struct archive *ar, void *arg, const void **buf)
{
	struct input *in = arg;
	long n;

	*buf = in->gz_buf;
	if (in->gz_head_pending) {
		in->gz_head_pending = 0;
		return (la_ssize_t)in->gz_head_len;
	}
	n = gunzip_read(in->gz, in->gz_buf, RAW_CHUNK);
	if (n >= 0)
		return (la_ssize_t)n;
	/* pull() takes a failure that is not the data's for a read's. */
	in->read_error = n != GUNZIP_EDAMAGED;
	archive_set_error(ar, n == GUNZIP_ENOMEM ? ENOMEM : EIO, "%s",
	    gz_why(in, n));
	return -1;
}

static int
start(struct input *in, struct chousa_err *err)
{
	const uint8_t *head;
	size_t head_len;
	int rc, packed;

	/*
	 * A stream is unpacked when its first bytes say so, as a file is
	 * (input_map): the same bytes read the same from a pipe, an upload
	 * or a file, and no filter's guess takes plain text for lzma.
	 */
	if (in->fd >= 0 || in->reader != NULL) {
		rc = read_head(in, err);
		if (rc != CHOUSA_OK)
			return rc;
		if (in->head_len == 0) {
			in->eof = in->started = 1;
			return CHOUSA_OK;
		}
		head = in->raw;
		head_len = in->head_len;
	} else {
		head = in->mem;
		head_len = in->mem_len;
	}
	if (is_gzip(head, head_len)) {
		rc = gz_start(in, err);
		if (rc != CHOUSA_OK)
			return rc;
		head = in->gz_buf;
		head_len = in->gz_head_len;
		if (!needs_archive(in, head, head_len)) {
			/* Plain content: no libarchive at all. */
			in->started = 1;
			return CHOUSA_OK;
		}
	}
	packed = needs_archive(in, head, head_len);
	in->ar = archive_read_new();
	if (in->ar == NULL && dynlib_archive_missing() != NULL)
		return chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s",
		    in->name, dynlib_archive_missing());
	if (in->ar == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (packed) {
		archive_read_support_filter_all(in->ar);
		archive_read_support_format_zip(in->ar);
		if (in->flags & INPUT_MEMBERS)
			archive_read_support_format_tar(in->ar);
	}
	archive_read_support_format_raw(in->ar);
	archive_read_set_read_callback(in->ar, in->gz != NULL ?
	    gz_archive_read : raw_read);
	archive_read_set_callback_data(in->ar, in);
	/* No seek callback: a seek would break the running hash. */
	if (archive_read_open1(in->ar) != ARCHIVE_OK) {
		in->damaged = !in->read_error;
		return chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s",
		    in->name, archive_error_string(in->ar));
	}
	/* The first regular member of an archive; the one of anything else. */
	rc = next_regular(in, err);
	if (rc != CHOUSA_OK)
		return rc;
	in->compressed = in->gz != NULL || archive_filter_count(in->ar) > 1 ||
	    archive_format(in->ar) != ARCHIVE_FORMAT_RAW;
	in->started = 1;
	return CHOUSA_OK;
}

/*
 * The buffers are taken when first needed: a mapped sweep needs none, and
 * a sweep of many small logs (or a fuzzer) would otherwise clear 1.3 MB
 * for each.
 */
static int
alloc_bufs(struct input *in, const char *name, struct chousa_err *err)
{
	in->name = mem_strdup(name);
	if (in->name == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

int
input_rename(struct input *in, const char *name)
{
	char *copy = mem_strdup(name);

	if (copy == NULL)
		return -1;
	mem_free(in->name);
	in->name = copy;
	return 0;
}

/* *buf, of size bytes, taken if it is not yet. */
static int
need(char **buf, size_t size, struct chousa_err *err)
{
	if (*buf == NULL)
		*buf = mem_alloc(size);
	if (*buf == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

int
input_open(struct input **out, const char *path, struct chousa_err *err)
{
	struct input *in = mem_alloc(sizeof(*in));
	struct stat sb;
	int rc;

	if (in == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	in->fd = -1;
	rc = alloc_bufs(in, path, err);
	if (rc != CHOUSA_OK)
		goto fail;
	in->is_stdin = strcmp(path, "-") == 0;
	if (in->is_stdin)
		in->fd = dup(STDIN_FILENO);
	else
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
		goto fail;
	}
	if (fstat(in->fd, &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			rc = chousa_errf(err, CHOUSA_EIO,
			    "'%s' is a directory", path);
			goto fail;
		}
		if (S_ISREG(sb.st_mode))
			in->raw_total = (uint64_t)sb.st_size;
		if (S_ISREG(sb.st_mode) && sb.st_size == 0)
			in->eof = in->started = 1;
	}
	*out = in;
	return CHOUSA_OK;
fail:
	input_free(in);
	return rc;
}

/* A new input named name, of no descriptor; the caller says what it reads. */
static int
input_new(struct input **out, const char *name, struct chousa_err *err)
{
	struct input *in = mem_alloc(sizeof(*in));
	int rc;

	if (in == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	in->fd = -1;
	rc = alloc_bufs(in, name, err);
	if (rc != CHOUSA_OK) {
		input_free(in);
		return rc;
	}
	*out = in;
	return CHOUSA_OK;
}

int
input_open_mem(struct input **out, const void *p, size_t len,
    const char *name, struct chousa_err *err)
{
	struct input *in;
	int rc = input_new(&in, name, err);

	if (rc != CHOUSA_OK)
		return rc;
	in->mem = p;
	in->mem_len = len;
	in->raw_total = len;
	if (len == 0)
		in->eof = in->started = 1;
	*out = in;
	return CHOUSA_OK;
}

int
input_open_reader(struct input **out, input_reader_fn fn, void *arg,
    const char *name, struct chousa_err *err)
{
	struct input *in;
	int rc = input_new(&in, name, err);

	if (rc != CHOUSA_OK)
		return rc;
	in->reader = fn;
	in->reader_arg = arg;
	*out = in;
	return CHOUSA_OK;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	if (in->ar != NULL)
		archive_read_free(in->ar);
	if (in->fd >= 0)
		close(in->fd);
	if (in->map != NULL)
		munmap(in->map, in->map_len);
	if (in->sha_on)
		store_sha256_free(&in->sha);
	mem_free(in->name);
	mem_free(in->raw);
	mem_free(in->peek);
	mem_free(in->chunk);
	mem_free(in->line);
	gunzip_free(in->gz);
	mem_free(in->gz_buf);
	mem_free(in->member);
	mem_free(in);
}

/*
 * n more bytes of content: too many (for the cap, or for the compressed
 * bytes read, as a decompression bomb gives) end the reading.
 */
static int
count_content(struct input *in, size_t n, struct chousa_err *err)
{
	in->data_done += (uint64_t)n;
	if ((!(in->flags & INPUT_NO_SIZE_CAP) &&
	    in->data_done > INPUT_MAX_BYTES) || (in->compressed &&
	    in->data_done > (uint64_t)INPUT_MAX_RATIO * in->raw_done +
	    ((uint64_t)64 << 20)))
		/*
		 * Not CHOUSA_ELIMIT: importers take that for one line too
		 * long and go on, and a bomb must end the import.
		 */
		return chousa_errf(err, CHOUSA_EIO, "'%s' decompresses to "
		    "too much data (a decompression bomb?)", in->name);
	return CHOUSA_OK;
}

/* Decompress up to cap bytes into buf; 0 at the end. */
static int
pull(struct input *in, char *buf, size_t cap, size_t *got,
    struct chousa_err *err)
{
	la_ssize_t n;
	int rc;

	*got = 0;
	if (!in->started) {
		rc = start(in, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (in->eof)
		return CHOUSA_OK;
	if (in->ar == NULL) {
		/* A gzip of plain content. */
		n = gz_content(in, buf, cap);
		if (n < 0)
			return gz_error(in, n, err);
	} else {
		n = archive_read_data(in->ar, buf, cap);
		if (n < 0) {
			in->damaged = !in->read_error;
			return chousa_errf(err, CHOUSA_EIO, "cannot read "
			    "'%s': %s", in->name, archive_error_string(in->ar));
		}
	}
	if (n == 0) {
		in->eof = 1;
		return CHOUSA_OK;
	}
	rc = count_content(in, (size_t)n, err);
	if (rc != CHOUSA_OK)
		return rc;
	*got = (size_t)n;
	return CHOUSA_OK;
}

int
input_peek(struct input *in, const char **p, size_t *len,
    struct chousa_err *err)
{
	size_t got;
	int rc;

	if (!in->peeked) {
		rc = need(&in->peek, INPUT_PEEK_MAX + 1, err);
		if (rc != CHOUSA_OK)
			return rc;
		in->peeked = 1;
		while (in->peek_len < INPUT_PEEK_MAX) {
			struct chousa_err e = { 0 };

			rc = pull(in, in->peek + in->peek_len,
			    INPUT_PEEK_MAX - in->peek_len, &got, &e);
			if (rc != CHOUSA_OK && in->damaged &&
			    in->peek_len > 0) {
				in->deferred_rc = rc;
				memcpy(in->deferred_msg, e.msg,
				    sizeof(in->deferred_msg));
				break;
			}
			if (rc != CHOUSA_OK) {
				if (err != NULL)
					*err = e;
				return rc;
			}
			if (got == 0)
				break;
			in->peek_len += got;
		}
		in->peek[in->peek_len] = '\0';
	}
	*p = in->peek + in->peek_pos;
	*len = in->peek_len - in->peek_pos;
	return CHOUSA_OK;
}

void
input_set_flags(struct input *in, unsigned flags)
{
	in->flags = flags;
}

/*
 * Whether the first bytes can start something libarchive unpacks: a
 * compressed stream or a zip.  When they cannot, the content is the bytes
 * as they are, and libarchive (a dlopen and a round of bidding, several
 * milliseconds) is not needed for them.  Any doubt goes to libarchive.
 */
static int
maybe_packed(const uint8_t *b, size_t n)
{
	static const struct {
		uint8_t		 len;
		const char	*magic;
	} magics[] = {
		{ 2, "\x1f\x8b" },		/* gzip */
		{ 2, "\x1f\x9d" },		/* compress */
		{ 3, "BZh" },			/* bzip2 */
		{ 6, "\xfd" "7zXZ\x00" },	/* xz */
		{ 3, "\x5d\x00\x00" },		/* lzma */
		{ 4, "\x28\xb5\x2f\xfd" },	/* zstd */
		{ 4, "\x04\x22\x4d\x18" },	/* lz4 */
		{ 4, "\x02\x21\x4c\x18" },	/* lz4, legacy */
		{ 4, "LZIP" }, { 4, "LRZI" }, { 7, "GRZipII" },
		{ 4, "\x89LZO" },		/* lzop */
		{ 6, "begin " },		/* uuencoded */
		{ 2, "PK" },			/* zip */
	};
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].len &&
		    memcmp(b, magics[i].magic, magics[i].len) == 0)
			return 1;
	return 0;
}

int
input_map(struct input *in, const char **p, size_t *len,
    struct chousa_err *err)
{
	uint8_t head[HEAD_MIN_TAR];
	struct stat sb;
	ssize_t n;
	int rc;

	*p = NULL;
	*len = 0;
	if (in->peeked || in->data_len > 0 || in->map != NULL ||
	    in->reader != NULL)
		return CHOUSA_OK;	/* reading has begun, or is a stream */
	if (in->fd < 0) {
		if (needs_archive(in, in->mem, in->mem_len) && !in->started) {
			rc = start(in, err);
			if (rc != CHOUSA_OK || in->compressed)
				return rc;
		}
		*p = (const char *)in->mem;
		*len = in->mem_len;
		return CHOUSA_OK;
	}
	/* Standard input may not start at its beginning: read, never map. */
	if (in->is_stdin || fstat(in->fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size <= 0)
		return CHOUSA_OK;
	n = pread(in->fd, head, sizeof(head), 0);
	if (n < 0 || needs_archive(in, head, (size_t)n))
		return CHOUSA_OK;	/* read it through libarchive */
	in->map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
	    in->fd, 0);
	if (in->map == MAP_FAILED) {
		in->map = NULL;
		return CHOUSA_OK;	/* read it instead */
	}
	in->map_len = (size_t)sb.st_size;
	madvise(in->map, in->map_len, MADV_SEQUENTIAL);
	in->raw_done = in->raw_total = in->map_len;
	*p = in->map;
	*len = in->map_len;
	return CHOUSA_OK;
}

int
input_damaged(const struct input *in)
{
	return in->damaged;
}

/* Make data/data_len the next chunk; data_len 0 at the end. */
static int
next_chunk(struct input *in, struct chousa_err *err)
{
	size_t got;
	int rc;

	if (!in->peeked) {
		const char *p;
		size_t len;

		rc = input_peek(in, &p, &len, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	in->data_pos = 0;
	if (in->peek_pos < in->peek_len) {
		in->data = in->peek + in->peek_pos;
		in->data_len = in->peek_len - in->peek_pos;
		in->peek_pos = in->peek_len;
		return CHOUSA_OK;
	}
	if (in->deferred_rc != CHOUSA_OK) {
		in->data_len = 0;
		return chousa_errf(err, in->deferred_rc, "%s",
		    in->deferred_msg);
	}
	rc = need(&in->chunk, DATA_CHUNK + 1, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = pull(in, in->chunk, DATA_CHUNK, &got, err);
	in->data = in->chunk;
	in->data_len = rc == CHOUSA_OK ? got : 0;
	return rc;
}

int
input_read(struct input *in, const char **p, size_t *len,
    struct chousa_err *err)
{
	int rc;

	if (in->data_pos >= in->data_len) {
		rc = next_chunk(in, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	*p = in->data + in->data_pos;
	*len = in->data_len - in->data_pos;
	in->data_pos = in->data_len;
	return CHOUSA_OK;
}

int
input_line(struct input *in, char **line, size_t *len,
    struct chousa_err *err)
{
	int toolong = 0, rc, any = 0;
	char *nl, *s;
	size_t n;

	rc = need(&in->line, INPUT_LINE_MAX + 1, err);
	if (rc != CHOUSA_OK)
		return rc;
	in->line_len = 0;
	for (;;) {
		if (in->data_pos >= in->data_len) {
			rc = next_chunk(in, err);
			if (rc != CHOUSA_OK)
				return rc;
			if (in->data_len == 0) {
				if (!any) {
					*line = NULL;
					*len = 0;
					return CHOUSA_OK;
				}
				s = in->line;
				n = in->line_len;
				break;
			}
		}
		any = 1;
		s = in->data + in->data_pos;
		n = in->data_len - in->data_pos;
		nl = memchr(s, '\n', n);
		if (nl != NULL && in->line_len == 0 && !toolong) {
			/* The common case: the whole line is in the chunk. */
			n = (size_t)(nl - s);
			in->data_pos += n + 1;
			break;
		}
		if (nl != NULL)
			n = (size_t)(nl - s);
		if (!toolong && in->line_len + n > INPUT_LINE_MAX)
			toolong = 1;
		if (!toolong) {
			memcpy(in->line + in->line_len, s, n);
			in->line_len += n;
		}
		in->data_pos += n + (nl != NULL);
		if (nl != NULL) {
			s = in->line;
			n = in->line_len;
			break;
		}
	}
	in->lineno++;
	if (toolong)
		return chousa_errf(err, CHOUSA_ELIMIT, "line %llu is longer "
		    "than %zu bytes", (unsigned long long)in->lineno,
		    INPUT_LINE_MAX);
	if (n > 0 && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	*line = s;
	*len = n;
	return CHOUSA_OK;
}

uint64_t
input_lineno(const struct input *in)
{
	return in->lineno;
}

void
input_progress(const struct input *in, uint64_t *done, uint64_t *total)
{
	*done = in->raw_done;
	*total = in->raw_total;
}

/*
 * The rest of a gzip inflated and dropped: an importer that stops at its
 * format's end (a JSON document's) would leave the trailers unchecked.
 */
static int
gz_drain(struct input *in, struct chousa_err *err)
{
	long n;
	int rc;

	while ((n = gunzip_read(in->gz, in->gz_buf, RAW_CHUNK)) > 0) {
		rc = count_content(in, (size_t)n, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return n < 0 ? gz_error(in, n, err) : CHOUSA_OK;
}

int
input_finish(struct input *in, char out[65], struct chousa_err *err)
{
	const void *buf;
	la_ssize_t n;
	int rc;

	if (in->gz != NULL) {
		rc = gz_drain(in, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (in->flags & INPUT_NO_HASH) {
		out[0] = '\0';
		return CHOUSA_OK;
	}
	if (!in->sha_on) {
		store_sha256_init(&in->sha);
		in->sha_on = 1;
	}
	/* Hash what the decompressor has not asked for yet. */
	if (in->fd >= 0 || in->mem != NULL)
		for (;;) {
			n = raw_read(in->ar, in, &buf);
			if (n < 0)
				return chousa_errf(err, CHOUSA_EIO,
				    "cannot read '%s'", in->name);
			if (n == 0)
				break;
		}
	store_sha256_hex(&in->sha, out);
	return CHOUSA_OK;
}

int
input_check_whole(const char *path, int *damaged, struct chousa_err *err)
{
	struct input *in;
	int rc = input_open(&in, path, err);

	if (rc != CHOUSA_OK)
		return rc;
	input_set_flags(in, INPUT_NO_HASH);
	if (!in->started)
		rc = start(in, err);
	if (rc == CHOUSA_OK && in->gz != NULL)
		rc = gz_drain(in, err);
	*damaged = in->damaged;
	input_free(in);
	return rc;
}

const char *
input_name(const struct input *in)
{
	return in->name;
}

const char *
input_member(const struct input *in)
{
	return in->member;
}

uint64_t
input_skipped_members(const struct input *in)
{
	return in->n_skipped;
}

int
input_next_member(struct input *in, int *more, struct chousa_err *err)
{
	int rc;

	*more = 0;
	if (in->member == NULL || in->ar == NULL || in->damaged ||
	    in->deferred_rc != CHOUSA_OK)
		return CHOUSA_OK;
	/* What the last member left unread is skipped by libarchive. */
	in->eof = 0;
	in->peeked = 0;
	in->peek_len = in->peek_pos = 0;
	in->data = NULL;
	in->data_len = in->data_pos = 0;
	in->line_len = 0;
	in->lineno = 0;
	rc = next_regular(in, err);
	if (rc != CHOUSA_OK)
		return rc;
	*more = !in->eof;
	return CHOUSA_OK;
}
