/*
 * input.h: the importers' (and the sweep's) streaming reader.  A path or
 * "-" is read through libarchive (gzip through gunzip.h, which checks its
 * CRC-32s), so gzip, bzip2, xz and the first member of a zip (every
 * member of a zip or tar, with INPUT_MEMBERS) are decompressed on the
 * fly, with no unpacked copy on disk.  Lines and the
 * total are capped (see below); the SHA-256 of the bytes as given is
 * computed on the way.
 */
#ifndef CHOUSA_INPUT_H
#define CHOUSA_INPUT_H

#include "chousa.h"

/* A line longer than this is a rejected row, skipped whole. */
#define INPUT_LINE_MAX		((size_t)1 << 20)
/* What input_peek() can show of the start of the content. */
#define INPUT_PEEK_MAX		((size_t)64 << 10)
/*
 * Decompressed bytes at most, and at most this many per compressed byte
 * (past the first 64 MiB).  Feed exports compress 5-20x; deflate's own
 * ceiling is about 1030x, so 1000 let a zero bomb run to the byte cap.
 */
#define INPUT_MAX_BYTES		((uint64_t)64 << 30)
#define INPUT_MAX_RATIO		200

struct input;

/* Open path ("-" is stdin).  Caller frees with input_free(). */
int	input_open(struct input **out, const char *path,
	    struct chousa_err *err);
/* The same over bytes in memory (borrowed until input_free). */
int	input_open_mem(struct input **out, const void *p, size_t len,
	    const char *name, struct chousa_err *err);
/*
 * The same over a stream that fn reads: fn(arg, buf, cap) puts up to cap
 * bytes in buf and returns how many, 0 at the end, or -1 with errno set.
 */
typedef long (*input_reader_fn)(void *arg, void *buf, size_t cap);
int	input_open_reader(struct input **out, input_reader_fn fn, void *arg,
	    const char *name, struct chousa_err *err);
/* Say in by name in its errors from now on (an open descriptor's path
 * means nothing to the user); 0, or -1 out of memory. */
int	input_rename(struct input *in, const char *name);
void	input_free(struct input *in);

/*
 * Flags for input_set_flags(), before the first read.  The sweep reads
 * logs that need no digest and may well be bigger than any feed.
 */
#define INPUT_NO_HASH		0x1u	/* no SHA-256: input_finish gives none */
#define INPUT_NO_SIZE_CAP	0x2u	/* no INPUT_MAX_BYTES (the ratio stays) */
/*
 * Every regular member of a zip or tar (plain or compressed), one after
 * another (input_next_member), not only the first of a zip.  The caps
 * hold for the whole archive.
 */
#define INPUT_MEMBERS		0x4u
void	input_set_flags(struct input *in, unsigned flags);

/*
 * The path of the member being read when the content is an archive's
 * (once reading has begun), else NULL.
 */
const char *input_member(const struct input *in);
/*
 * With INPUT_MEMBERS, once a member has been read to its end: go on to
 * the next regular member.  *more (OUT) is 1 when there is one, 0 at the
 * end of the archive; the reading functions then read it from its start.
 */
int	input_next_member(struct input *in, int *more, struct chousa_err *err);
/* Members that are no regular file (links, devices...), skipped so far. */
uint64_t input_skipped_members(const struct input *in);

/*
 * The whole content in memory when it is not compressed and is a regular
 * file (mapped, borrowed until input_free) or memory: *p and *len.  *p is
 * NULL when it is not so, or reading has begun: read it with input_read.
 * Call it before any other read.  Content whose first bytes are no known
 * compression or zip is mapped without loading libarchive at all.
 */
int	input_map(struct input *in, const char **p, size_t *len,
	    struct chousa_err *err);
/*
 * After a read error: whether the content was damaged or cut short
 * (corrupt or truncated compressed data), rather than unreadable.
 */
int	input_damaged(const struct input *in);

/* The first bytes of the content (up to INPUT_PEEK_MAX), not consumed. */
int	input_peek(struct input *in, const char **p, size_t *len,
	    struct chousa_err *err);
/* The next bytes of the content; *len is 0 at the end. */
int	input_read(struct input *in, const char **p, size_t *len,
	    struct chousa_err *err);
/*
 * The next line, without its \n or \r\n, NUL-terminated and writable until
 * the next call; *line is NULL at the end.  A line over INPUT_LINE_MAX is
 * skipped and CHOUSA_ELIMIT returned (the caller counts a reject and goes
 * on).
 */
int	input_line(struct input *in, char **line, size_t *len,
	    struct chousa_err *err);
/* The number of the line input_line() returned last (1-based). */
uint64_t input_lineno(const struct input *in);

/* Bytes of the file read so far, and its size (0 unknown). */
void	input_progress(const struct input *in, uint64_t *done,
	    uint64_t *total);
/* Read the rest of the file and give the SHA-256 of all of it. */
int	input_finish(struct input *in, char out[65], struct chousa_err *err);
/*
 * Whether the file at path, when it is a gzip, is whole: every member's
 * CRC-32 and length right, nothing after the last (CHOUSA_EIO and
 * *damaged 1 when not).  CHOUSA_OK for anything else.  For a reader that
 * commits as it goes, before it begins: a gzip's damage may show only at
 * its end.
 */
int	input_check_whole(const char *path, int *damaged,
	    struct chousa_err *err);
/* The name of what is read: "path" or "path:member". */
const char *input_name(const struct input *in);

#endif /* CHOUSA_INPUT_H */
