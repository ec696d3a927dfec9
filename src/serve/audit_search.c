/*
 * audit_search.c: who asked what, read back from the audit log (the
 * current file, then every rotated FILE.1, FILE.2 ... in the directory,
 * newest first, whether the server's rotation or logrotate made them and
 * logrotate compressed them or not: FILE.2.gz is read through the
 * importers' reader, which unpacks gzip, xz, zstd, bzip2...).  Every line
 * is parsed before it is answered, so a line cut short by a failed write,
 * or anything else that is not one of the log's objects, is counted and
 * never passed on.  An indicator is compared in its normal form on both
 * sides: asked as "hxxp://Evil[.]example/x", it is found by
 * "http://evil.example/x", and by "evil.example", whose subdomains and
 * URLs count as asking about it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/input.h"
#include "base/json_tree.h"
#include "base/mem.h"
#include "base/ranges.h"
#include "serve/serve.h"

/*
 * Seconds by which lines may be out of time order in the log (its writer
 * gathers lines of requests that end at nearly the same time).
 */
#define AUDIT_DISORDER	60

/*
 * Rotated files listed at most: logrotate's "rotate 90" makes 90, and a
 * directory of more is read as far as this.
 */
#define ROTATED_MAX	100000

/*
 * Inputs already compared, as asked: a team asks about the same few
 * thousand indicators again and again, and parsing one costs more than
 * the rest of its line.  A slot taken by another input is overwritten.
 */
#define MEMO_SLOTS	4096

struct memo_slot {
	char	*input;
	size_t	 len;
	int	 matches;
};

struct search {
	const struct chousa_audit_query *q;
	const char	*want;		/* the indicator's normal form */
	int		 want_type;	/* and its type */
	char		 since[24];	/* "YYYY-MM-DDTHH:MM:SSZ", or "" */
	/*
	 * A file whose last line is older than this (since, less a margin
	 * for lines written a little out of order) is older all through,
	 * as are the files rotated before it.
	 */
	char		 older[24];
	int		 done;		/* the files left are older than since */
	struct chousa_arena *a;		/* one line's parse */
	/* The newest matches of the file being read: a ring of copies. */
	char		**ring;
	size_t		 ring_n, ring_at;
	size_t		 left;		/* room left in the answer */
	struct chousa_audit_stats *st;
	struct memo_slot *memo;		/* MEMO_SLOTS, or NULL */
	struct addr_ranges peers;	/* q->peer's, when given */
};

/*
 * A rotated copy of the log: FILE.n, or FILE.n.gz (packed); or, with
 * logrotate's dateext, FILE-20240313 (dated: its date in stamp).
 */
#define STAMP_MAX	32
struct rotated {
	unsigned long	 n;
	int		 packed;
	int		 dated;
	char		 stamp[STAMP_MAX];
	char		*path;
};

/* s parsed as an indicator, in a; 0 when it is none. */
static int
parse(struct chousa_arena *a, const char *s, size_t len,
    struct chousa_indicator *ind)
{
	struct chousa_err err;

	return chousa_ioc_parse(a, s, len, CHOUSA_IOC_ALL, ind, &err) ==
	    CHOUSA_OK;
}

/* s's normal form as an indicator, in a; NULL when it is none. */
static const char *
normal_form(struct chousa_arena *a, const char *s, size_t len)
{
	struct chousa_indicator ind;

	return parse(a, s, len, &ind) ? ind.value : NULL;
}

/* host is the domain or address asked, or a name under that domain. */
static int
on_host(const struct search *s, const char *host)
{
	size_t h, w = strlen(s->want);

	if (host == NULL || s->want_type == CHOUSA_IOC_URL)
		return 0;
	h = strlen(host);
	if (h == w)
		return strcmp(host, s->want) == 0;
	return s->want_type == CHOUSA_IOC_DOMAIN && h > w &&
	    host[h - w - 1] == '.' && strcmp(host + h - w, s->want) == 0;
}

/*
 * An input is the indicator asked, or one on it: for a domain, its
 * subdomains and URLs; for an address, the URLs on it.
 */
static int
asked_about(struct search *s, const struct jnode *line)
{
	const struct jnode *inputs = jt_get(line, "inputs");
	struct chousa_indicator ind;
	size_t i;

	for (i = 0; i < jt_len(inputs); i++) {
		const struct jnode *v = jt_at(inputs, i);
		struct memo_slot *m = NULL;
		int hit;

		if (v->type != J_STR)
			continue;
		if (strcmp(v->s, s->want) == 0)
			return 1;
		if (s->memo != NULL) {
			m = &s->memo[chousa_fnv1a32(CHOUSA_FNV32_INIT, v->s,
			    v->len) % MEMO_SLOTS];
			if (m->input != NULL && m->len == v->len &&
			    memcmp(m->input, v->s, v->len) == 0) {
				if (m->matches)
					return 1;
				continue;
			}
		}
		hit = parse(s->a, v->s, v->len, &ind) &&
		    (strcmp(ind.value, s->want) == 0 || on_host(s, ind.host));
		if (m != NULL) {
			mem_free(m->input);
			m->input = mem_strndup(v->s, v->len);
			m->len = v->len;
			m->matches = hit;
		}
		if (hit)
			return 1;
	}
	return 0;
}

static int
line_matches(struct search *s, const struct jnode *line)
{
	const struct chousa_audit_query *q = s->q;
	const char *v;

	if (s->since[0] != '\0' && ((v = jt_str(line, "time")) == NULL ||
	    strcmp(v, s->since) < 0))
		return 0;
	if (q->who != NULL && ((v = jt_str(line, "who")) == NULL ||
	    strcmp(v, q->who) != 0))
		return 0;
	if (q->token_id > 0 && jt_int(line, 0, "token_id") != q->token_id)
		return 0;
	if (q->peer != NULL && ((v = jt_str(line, "peer")) == NULL ||
	    !addr_ranges_has(&s->peers, v, strlen(v))))
		return 0;
	/* The admin's own searches, only when asked for. */
	v = jt_str(line, "what");
	if (q->what != NULL ? v == NULL || strcmp(v, q->what) != 0 :
	    v != NULL && (strcmp(v, "audit") == 0 ||
	    strcmp(v, "web: audit") == 0))
		return 0;
	/* An MCP tool's error is answered 200, refused all the same. */
	if (q->refused && jt_int(line, 0, "status") < 400 &&
	    (jt_str(line, "mcp") == NULL || jt_str(line, "refused") == NULL))
		return 0;
	return s->want == NULL || asked_about(s, line);
}

/* One line of the file: kept in the ring when it matches. */
static int
one_line(struct search *s, const char *p, size_t len)
{
	struct jnode *line;
	char why[64];
	char *copy;

	s->st->lines++;
	/* A NUL is in no line the server wrote (and would cut the copy). */
	line = memchr(p, '\0', len) != NULL ? NULL : jt_parse(p, len, why,
	    sizeof(why));
	if (line == NULL || line->type != J_OBJ ||
	    jt_str(line, "time") == NULL) {
		jt_free(line);
		s->st->unreadable++;
		return CHOUSA_OK;
	}
	if (line_matches(s, line)) {
		if ((copy = mem_alloc(len + 1)) == NULL) {
			jt_free(line);
			return CHOUSA_ENOMEM;
		}
		memcpy(copy, p, len);
		mem_free(s->ring[s->ring_at]);
		s->ring[s->ring_at] = copy;
		s->ring_at = (s->ring_at + 1) % s->left;
		if (s->ring_n < s->left)
			s->ring_n++;
		s->st->matched++;
	}
	jt_free(line);
	/* The arena holds only normal forms already compared. */
	if (chousa_arena_used(s->a) > ((size_t)1 << 20)) {
		chousa_arena_free(s->a);
		if (chousa_arena_new(&s->a, 0, NULL) != CHOUSA_OK) {
			s->a = NULL;
			return CHOUSA_ENOMEM;
		}
	}
	return CHOUSA_OK;
}

/*
 * 1 when line starts as the server writes it, {"time":"...Z", with a time
 * before t; 0 when it does not (or when it is not so written: parsed).
 */
static int
written_before(const char *line, size_t len, const char *t)
{
	static const char lead[] = "{\"time\":\"";
	size_t n = sizeof(lead) - 1;

	return len > n + 21 && memcmp(line, lead, n) == 0 &&
	    line[n + 19] == 'Z' && line[n + 20] == '"' &&
	    memcmp(line + n, t, 20) < 0;
}

/*
 * Whether the last line of the file open at fd was written before
 * s->older: read from its tail, so that an old file costs one read.  A
 * compressed file's tail is no line: such a file is read through, and
 * one_file tells from its last line.
 */
static int
all_older(struct search *s, int fd)
{
	char tail[4096];
	char *end, *start;
	struct stat sb;
	ssize_t got;
	size_t n;

	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0)
		return 0;
	got = pread(fd, tail, sizeof(tail), sb.st_size > (off_t)sizeof(tail) ?
	    sb.st_size - (off_t)sizeof(tail) : 0);
	if (got <= 0)
		return 0;
	n = (size_t)got;
	while (n > 0 && tail[n - 1] == '\n')
		n--;
	if (n == 0)
		return 0;
	end = tail + n;
	start = memrchr(tail, '\n', n);
	start = start != NULL ? start + 1 : tail;
	/* A line longer than the tail read: not known, so read. */
	if (start == tail && sb.st_size > (off_t)sizeof(tail))
		return 0;
	return written_before(start, (size_t)(end - start), s->older);
}

/*
 * The file's bytes for the reader, through read(2): never mapped, since
 * logrotate's copytruncate may cut the log short under a map (SIGBUS).
 */
static long
fd_read(void *arg, void *buf, size_t cap)
{
	ssize_t n;

	do
		n = read(*(int *)arg, buf, cap);
	while (n < 0 && errno == EINTR);
	return n;
}

/* One file, oldest line first; its newest matches then go to out. */
static int
one_file(struct search *s, const char *path, struct chousa_buf *out,
    struct chousa_err *err)
{
	struct input *in = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc, last_older = 0;
	char *p;
	size_t n, i;

	if (fd < 0) {
		/* Gone since it was listed (a rotation): nothing to read. */
		if (errno == ENOENT)
			return CHOUSA_OK;
		return chousa_errf(err, CHOUSA_EIO, "%s: %s", path,
		    strerror(errno));
	}
	if (s->older[0] != '\0' && all_older(s, fd)) {
		close(fd);
		s->done = 1;
		return CHOUSA_OK;
	}
	rc = input_open_reader(&in, fd_read, &fd, path, err);
	if (rc != CHOUSA_OK) {
		close(fd);
		return rc;
	}
	input_set_flags(in, INPUT_NO_HASH | INPUT_NO_SIZE_CAP);
	s->st->files++;
	s->ring_n = s->ring_at = 0;
	for (;;) {
		rc = input_line(in, &p, &n, err);
		if (rc == CHOUSA_ELIMIT) {
			/* Longer than any line the server writes. */
			s->st->lines++;
			s->st->unreadable++;
			last_older = 0;
			continue;
		}
		if (rc != CHOUSA_OK || p == NULL)
			break;
		if (n == 0)
			continue;
		last_older = s->older[0] != '\0' && written_before(p, n,
		    s->older);
		/* Older than asked: not worth parsing. */
		if (s->since[0] != '\0' && written_before(p, n, s->since)) {
			s->st->lines++;
			continue;
		}
		rc = one_line(s, p, n);
		if (rc != CHOUSA_OK) {
			rc = chousa_errf(err, rc, "out of memory reading %s",
			    path);
			break;
		}
	}
	input_free(in);
	close(fd);
	/* Those rotated before a file older all through are older too. */
	if (rc == CHOUSA_OK && last_older)
		s->done = 1;
	/* Newest first: the ring backwards from its last entry. */
	for (i = 0; i < s->ring_n; i++) {
		size_t k = (s->ring_at + s->left - 1 - i) % s->left;

		chousa_buf_adds(out, s->ring[k]);
		chousa_buf_addch(out, '\n');
		mem_free(s->ring[k]);
		s->ring[k] = NULL;
	}
	s->left -= s->ring_n;
	s->st->shown += s->ring_n;
	return rc;
}

/* ---- the rotated copies ---- */

/* What logrotate's compresscmd may have added after FILE.n. */
static const char *const packed_ext[] = {
	"gz", "bz2", "xz", "zst", "lz4", "lzma", "Z", NULL
};

/* Whether end is "" or ".EXT" of a compressor; whether packed. */
static int
packed_end(const char *end, int *packed)
{
	size_t i;

	*packed = *end != '\0';
	if (!*packed)
		return 1;
	for (i = 0; *end == '.' && packed_ext[i] != NULL; i++)
		if (strcmp(end + 1, packed_ext[i]) == 0)
			return 1;
	return 0;
}

/*
 * Whether name is a rotated copy of base, into r: base.n or base.n.EXT
 * (n from 1, no leading zero), or logrotate's dateext base-DATE or
 * base-DATE.EXT (its default -%Y%m%d, hourly's -%Y%m%d%H, or a
 * dateformat of digits and dashes: such dates sort as they run).
 */
static int
rotated_name(const char *name, const char *base, size_t base_len,
    struct rotated *r)
{
	const char *p = name + base_len + 1;
	char *end;
	size_t len;

	memset(r, 0, sizeof(*r));
	if (strncmp(name, base, base_len) != 0)
		return 0;
	if (name[base_len] == '-' && *p >= '0' && *p <= '9') {
		len = strspn(p, "0123456789-");
		if (len < 8 || len >= STAMP_MAX)
			return 0;
		memcpy(r->stamp, p, len);
		r->dated = 1;
		return packed_end(p + len, &r->packed);
	}
	if (name[base_len] != '.' || *p < '1' || *p > '9')
		return 0;
	errno = 0;
	r->n = strtoul(p, &end, 10);
	if (errno != 0)
		return 0;
	return packed_end(end, &r->packed);
}

/*
 * Newest first: FILE.1, FILE.2...; then the dated ones, the latest date
 * first (a log whose rotation changed to dateext kept both).
 */
static int
rotated_order(const void *x, const void *y)
{
	const struct rotated *a = x, *b = y;
	int c;

	if (a->dated != b->dated)
		return a->dated - b->dated;
	if (a->dated && (c = strcmp(b->stamp, a->stamp)) != 0)
		return c;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->packed - b->packed;
}

/* Whether a and b are one copy, plain and compressed. */
static int
rotated_same(const struct rotated *a, const struct rotated *b)
{
	return a->dated == b->dated && a->n == b->n &&
	    strcmp(a->stamp, b->stamp) == 0;
}

static void
rotated_free(struct rotated *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		mem_free(r[i].path);
	mem_free(r);
}

/*
 * The rotated copies of path in its directory, newest (FILE.1, or the
 * latest date) first, one per number or date: FILE.2 before FILE.2.gz,
 * which a compression under way
 * may still be writing (the plain one goes when it is done).  A directory
 * that cannot be listed (searchable, not readable) gives none.
 */
static int
rotated_list(const char *path, struct rotated **out, size_t *n_out,
    struct chousa_err *err)
{
	const char *slash = strrchr(path, '/'), *base;
	struct rotated *r = NULL, *grown;
	struct dirent *de;
	size_t n = 0, cap = 0, i, kept;
	char *dir;
	DIR *d;
	int rc = CHOUSA_OK;

	*out = NULL;
	*n_out = 0;
	base = slash != NULL ? slash + 1 : path;
	dir = slash == NULL ? mem_strdup(".") : slash == path ?
	    mem_strdup("/") : mem_strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	d = opendir(dir);
	while (d != NULL && n < ROTATED_MAX && (de = readdir(d)) != NULL) {
		struct rotated one;

		if (!rotated_name(de->d_name, base, strlen(base), &one))
			continue;
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			grown = mem_realloc(r, cap * sizeof(*r));
			if (grown == NULL) {
				rc = CHOUSA_ENOMEM;
				break;
			}
			r = grown;
		}
		r[n] = one;
		r[n].path = slash == NULL ? mem_strdup(de->d_name) : NULL;
		if (slash != NULL && asprintf(&r[n].path, "%.*s/%s",
		    (int)(slash - path), path, de->d_name) < 0)
			r[n].path = NULL;
		if (r[n++].path == NULL) {
			rc = CHOUSA_ENOMEM;
			break;
		}
	}
	if (d != NULL)
		closedir(d);
	mem_free(dir);
	if (rc != CHOUSA_OK) {
		rotated_free(r, n);
		return chousa_errf(err, rc, "out of memory");
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), rotated_order);
	for (i = kept = 0; i < n; i++) {
		if (kept > 0 && rotated_same(&r[kept - 1], &r[i])) {
			mem_free(r[i].path);
			continue;
		}
		r[kept++] = r[i];
	}
	*out = r;
	*n_out = kept;
	return CHOUSA_OK;
}

int
chousa_audit_search(const char *path, const struct chousa_audit_query *q,
    struct chousa_buf *out, struct chousa_audit_stats *st,
    struct chousa_err *err)
{
	struct search s;
	struct rotated *rot = NULL;
	size_t limit = q->limit > 0 ? q->limit : CHOUSA_AUDIT_LIMIT, n_rot = 0;
	size_t i;
	int rc = CHOUSA_OK, k;

	memset(st, 0, sizeof(*st));
	memset(&s, 0, sizeof(s));
	s.q = q;
	s.st = st;
	if (limit > CHOUSA_AUDIT_LIMIT_MAX)
		limit = CHOUSA_AUDIT_LIMIT_MAX;
	s.left = limit;
	if (q->since > 0) {
		chousa_time_format(q->since, s.since, sizeof(s.since));
		chousa_time_format(q->since - AUDIT_DISORDER, s.older,
		    sizeof(s.older));
	}
	if (q->peer != NULL && addr_ranges_add(&s.peers, q->peer, "peer",
	    err) != CHOUSA_OK)
		return CHOUSA_EINVAL;
	if (chousa_arena_new(&s.a, 0, err) != CHOUSA_OK)
		return CHOUSA_ENOMEM;
	if (q->indicator != NULL) {
		struct chousa_indicator ind;

		if (parse(s.a, q->indicator, strlen(q->indicator), &ind)) {
			s.want = ind.value;
			s.want_type = ind.type;
		}
		if (s.want == NULL) {
			chousa_arena_free(s.a);
			return chousa_errf(err, CHOUSA_EINVAL, "'%.80s' is no "
			    "indicator (an IP, a domain, a URL or a hash)",
			    q->indicator);
		}
		s.want = mem_strdup(s.want);
	}
	/* Without its memo the search is slower, not wrong. */
	if (s.want != NULL)
		s.memo = mem_alloc(MEMO_SLOTS * sizeof(*s.memo));
	s.ring = mem_alloc(limit * sizeof(*s.ring));
	if (s.ring == NULL || (q->indicator != NULL && s.want == NULL))
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (rc == CHOUSA_OK)
		rc = rotated_list(path, &rot, &n_rot, err);
	if (rc == CHOUSA_OK)
		rc = one_file(&s, path, out, err);
	for (i = 0; rc == CHOUSA_OK && i < n_rot && s.left > 0 && !s.done;
	    i++)
		rc = one_file(&s, rot[i].path, out, err);
	st->truncated = s.left == 0;
	if (rc == CHOUSA_OK && out->failed != CHOUSA_OK)
		rc = chousa_buf_rc(out, "the audit lines", err);
	rotated_free(rot, n_rot);
	if (s.memo != NULL)
		for (k = 0; k < MEMO_SLOTS; k++)
			mem_free(s.memo[k].input);
	mem_free(s.memo);
	mem_free(s.ring);
	mem_free((char *)s.want);
	chousa_arena_free(s.a);
	return rc;
}

const char *
chousa_audit_warning(const struct chousa_audit_stats *st, const char *path,
    char *buf, size_t size)
{
	if (st->files == 0)
		snprintf(buf, size, "%s: no such audit log", path);
	else if (st->unreadable > 0)
		snprintf(buf, size, "%llu line%s of %s could not be read and "
		    "were skipped", (unsigned long long)st->unreadable,
		    st->unreadable == 1 ? "" : "s", path);
	else
		return NULL;
	return buf;
}

void
chousa_audit_summary_json(struct chousa_buf *out,
    const struct chousa_audit_stats *st)
{
	chousa_buf_addf(out, "{\"summary\":{\"files\":%d,\"lines\":%llu,"
	    "\"unreadable\":%llu,\"matched\":%llu,\"shown\":%llu,"
	    "\"more\":%s}}\n", st->files, (unsigned long long)st->lines,
	    (unsigned long long)st->unreadable,
	    (unsigned long long)st->matched, (unsigned long long)st->shown,
	    st->truncated ? "true" : "false");
}

/* ---- the entries of an answer, for people ---- */

/*
 * An input as people see it: its normal form (value), defanged to be
 * shared safely (shown); what is no indicator as it was asked (value
 * NULL).
 */
static void
entry_input(struct chousa_arena *a, const char *s, size_t len,
    struct audit_input *in)
{
	struct chousa_buf d;

	in->value = normal_form(a, s, len);
	in->shown = s;
	if (in->value == NULL)
		return;
	chousa_buf_init(&d, 0);
	chousa_ioc_defang(&d, in->value, strlen(in->value));
	if (d.failed == CHOUSA_OK)
		in->shown = chousa_arena_strndup(a, d.data, d.len);
	chousa_buf_release(&d);
	if (in->shown == NULL)
		in->shown = s;
}

static void
entry_of(struct chousa_arena *a, const struct jnode *line,
    struct audit_entry *e)
{
	const struct jnode *inputs = jt_get(line, "inputs");
	size_t i;

	memset(e, 0, sizeof(*e));
	e->time = jt_str(line, "time");
	e->who = jt_str(line, "who");
	e->token_id = jt_int(line, 0, "token_id");
	e->peer = jt_str(line, "peer");
	e->what = jt_str(line, "what");
	e->status = jt_int(line, 0, "status");
	e->outcome = jt_str(line, "verdict") != NULL ? jt_str(line,
	    "verdict") : jt_str(line, "refused");
	for (i = 0; i < jt_len(inputs) && e->n_inputs < AUDIT_SHOW_INPUTS;
	    i++) {
		const struct jnode *v = jt_at(inputs, i);

		if (v->type == J_STR)
			entry_input(a, v->s, v->len,
			    &e->inputs[e->n_inputs++]);
	}
	e->more = jt_int(line, 0, "n_inputs") - (int64_t)e->n_inputs;
	if (e->more < 0)
		e->more = 0;
}

int
audit_each(const char *jsonl, size_t len,
    void (*fn)(void *arg, const struct audit_entry *e), void *arg,
    struct chousa_err *err)
{
	const char *p = jsonl, *end = jsonl + len, *nl;
	struct chousa_arena *a;
	int rc = CHOUSA_OK;

	while (p < end && rc == CHOUSA_OK) {
		struct audit_entry e;
		struct jnode *line;
		char why[64];
		char *copy;
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		p += n + 1;
		if (n == 0)
			continue;
		if ((copy = mem_strndup(p - n - 1, n)) == NULL ||
		    chousa_arena_new(&a, 0, err) != CHOUSA_OK) {
			mem_free(copy);
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		}
		line = jt_parse(copy, strlen(copy), why, sizeof(why));
		mem_free(copy);
		if (line == NULL || line->type != J_OBJ)
			rc = chousa_errf(err, CHOUSA_EPARSE, "an audit answer "
			    "that is not JSON lines: %s", line == NULL ? why :
			    "not an object");
		else if (jt_get(line, "summary") == NULL) {
			entry_of(a, line, &e);
			fn(arg, &e);
		}
		jt_free(line);
		chousa_arena_free(a);
	}
	return rc;
}

/* A column's text, made safe for a terminal, or "-". */
static void
column(struct chousa_buf *out, const char *s)
{
	if (s == NULL || s[0] == '\0')
		s = "-";
	chousa_esc_text(out, s, strlen(s));
}

static void
text_line(void *arg, const struct audit_entry *e)
{
	struct chousa_buf *out = arg;
	size_t i;

	column(out, e->time);
	chousa_buf_addch(out, '\t');
	column(out, e->who);
	if (e->token_id > 0)
		chousa_buf_addf(out, "\t%lld\t", (long long)e->token_id);
	else
		chousa_buf_adds(out, "\t-\t");
	column(out, e->peer);
	chousa_buf_addch(out, '\t');
	column(out, e->what);
	chousa_buf_addf(out, "\t%lld\t", (long long)e->status);
	column(out, e->outcome);
	chousa_buf_addch(out, '\t');
	for (i = 0; i < e->n_inputs; i++) {
		if (i > 0)
			chousa_buf_adds(out, ", ");
		chousa_esc_text(out, e->inputs[i].shown,
		    strlen(e->inputs[i].shown));
	}
	if (e->more > 0)
		chousa_buf_addf(out, "%s%lld more", i > 0 ? " and " : "",
		    (long long)e->more);
	else if (i == 0)
		chousa_buf_addch(out, '-');
	chousa_buf_addch(out, '\n');
}

int
chousa_audit_text(struct chousa_buf *out, const char *jsonl, size_t len,
    struct chousa_err *err)
{
	int rc = audit_each(jsonl, len, text_line, out, err);

	return rc != CHOUSA_OK ? rc : chousa_buf_rc(out, "the audit lines",
	    err);
}

int
chousa_audit_since(const char *s, int64_t now, int64_t *out)
{
	long back;

	if (chousa_time_parse(s, strlen(s), out) == CHOUSA_OK && *out > 0)
		return 1;
	back = chousa_duration_parse(s);
	if (back <= 0)
		return 0;
	*out = now - back;
	return 1;
}
