/*
 * audit_search.c: who asked what, read back from the audit log (the
 * current file, then the rotated FILE.1 ... FILE.keep), newest first.
 * Every line is parsed before it is answered, so a line cut short by a
 * failed write, or anything else that is not one of the log's objects,
 * is counted and never passed on.  An indicator is compared in its normal
 * form on both sides: asked as "hxxp://Evil[.]example/x", it is found by
 * "http://evil.example/x", and by "evil.example", whose subdomains and
 * URLs count as asking about it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/json_tree.h"
#include "base/mem.h"
#include "serve/serve.h"

/*
 * Seconds by which lines may be out of time order in the log (its writer
 * gathers lines of requests that end at nearly the same time).
 */
#define AUDIT_DISORDER	60

/* A line longer than this is no line the server wrote. */
#define AUDIT_LINE_MAX	((size_t)1 << 20)

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
	/* The admin's own searches, only when asked for. */
	v = jt_str(line, "what");
	if (q->what != NULL ? v == NULL || strcmp(v, q->what) != 0 :
	    v != NULL && (strcmp(v, "audit") == 0 ||
	    strcmp(v, "web: audit") == 0))
		return 0;
	if (q->refused && jt_int(line, 0, "status") < 400)
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

/* Whether f's last line was written before s->older (f is rewound). */
static int
all_older(struct search *s, FILE *f)
{
	char tail[4096];
	size_t n;
	char *end, *start;
	off_t size;

	if (fseeko(f, 0, SEEK_END) != 0 || (size = ftello(f)) <= 0)
		return 0;
	if (fseeko(f, size > (off_t)sizeof(tail) ? size -
	    (off_t)sizeof(tail) : 0, SEEK_SET) != 0)
		return 0;
	n = fread(tail, 1, sizeof(tail), f);
	rewind(f);
	while (n > 0 && tail[n - 1] == '\n')
		n--;
	if (n == 0)
		return 0;
	end = tail + n;
	start = memrchr(tail, '\n', n);
	start = start != NULL ? start + 1 : tail;
	/* A line longer than the tail read: not known, so read. */
	if (start == tail && size > (off_t)sizeof(tail))
		return 0;
	return written_before(start, (size_t)(end - start), s->older);
}

/* One file, oldest line first; its newest matches then go to out. */
static int
one_file(struct search *s, const char *path, struct chousa_buf *out,
    struct chousa_err *err)
{
	FILE *f = fopen(path, "r");
	char *p = NULL;
	size_t cap = 0, i;
	ssize_t n;
	int rc = CHOUSA_OK;

	if (f == NULL) {
		if (errno == ENOENT)
			return CHOUSA_OK;
		return chousa_errf(err, CHOUSA_EIO, "%s: %s", path,
		    strerror(errno));
	}
	if (s->older[0] != '\0' && all_older(s, f)) {
		fclose(f);
		s->done = 1;
		return CHOUSA_OK;
	}
	s->st->files++;
	s->ring_n = s->ring_at = 0;
	while (rc == CHOUSA_OK && (n = getline(&p, &cap, f)) > 0) {
		if (p[n - 1] == '\n')
			p[--n] = '\0';
		if ((size_t)n > AUDIT_LINE_MAX) {
			s->st->lines++;
			s->st->unreadable++;
			continue;
		}
		/* Older than asked: not worth parsing. */
		if (s->since[0] != '\0' && written_before(p, (size_t)n,
		    s->since)) {
			s->st->lines++;
			continue;
		}
		if (n > 0)
			rc = one_line(s, p, (size_t)n);
	}
	if (rc == CHOUSA_OK && ferror(f))
		rc = chousa_errf(err, CHOUSA_EIO, "%s: %s", path,
		    strerror(errno));
	else if (rc != CHOUSA_OK)
		rc = chousa_errf(err, rc, "out of memory reading %s", path);
	free(p);
	fclose(f);
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

int
chousa_audit_search(const char *path, int keep,
    const struct chousa_audit_query *q, struct chousa_buf *out,
    struct chousa_audit_stats *st, struct chousa_err *err)
{
	struct search s;
	char *name = NULL;
	size_t limit = q->limit > 0 ? q->limit : CHOUSA_AUDIT_LIMIT;
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
	for (k = 0; rc == CHOUSA_OK && k <= (keep > 0 ? keep : 5) &&
	    s.left > 0 && !s.done; k++) {
		mem_free(name);
		name = k == 0 ? mem_strdup(path) : NULL;
		if (k > 0 && asprintf(&name, "%s.%d", path, k) < 0)
			name = NULL;
		if (name == NULL) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			break;
		}
		rc = one_file(&s, name, out, err);
	}
	st->truncated = s.left == 0;
	if (rc == CHOUSA_OK && out->failed != CHOUSA_OK)
		rc = chousa_buf_rc(out, "the audit lines", err);
	mem_free(name);
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
