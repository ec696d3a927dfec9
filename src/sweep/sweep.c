/*
 * sweep.c: reading a log or capture and driving the matcher over it.
 * Input comes through the importers' reader (base/input.c), so every
 * compression import reads is read here too.  A plain file is mapped and
 * cut into chunks aligned on newlines, one per thread, in rounds; each
 * worker has its own record and hit list, and the hits are handed out in
 * line order after each round, line numbers fixed up from the newline
 * counts of the chunks before.  Compressed input and standard input are
 * read in chunks on one thread; so is each member of a zip or tar, one
 * after another, each a file of its own.  Lines over the cap are counted as
 * malformed and skipped without being kept.  A format that is not line
 * based (captures) reads the input itself and hands over its records.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"
#include "base/input.h"
#include "base/mem.h"
#include "sweep/sweep.h"

#define CHUNK_SIZE	((size_t)32 << 20)
#define MAX_THREADS	8

/* ---- workers ---- */

static int
worker_init(struct worker *w, const struct sweep_run *run)
{
	memset(w, 0, sizeof(*w));
	w->run = run;
	w->rec.scratch = mem_alloc(REC_SCRATCH);
	w->dcache = mem_alloc(DCACHE_SIZE * sizeof(*w->dcache));
	if (w->rec.scratch == NULL || w->dcache == NULL)
		return CHOUSA_ENOMEM;
	chousa_buf_init(&w->text, (size_t)1 << 30);
	if (run->fmt->priv_new != NULL &&
	    run->fmt->priv_new(&w->st.priv, &run->env) != CHOUSA_OK)
		return CHOUSA_ENOMEM;
	if (run->fmt->init != NULL)
		run->fmt->init(&w->st);
	return CHOUSA_OK;
}

static void
worker_release(struct worker *w)
{
	mem_free(w->rec.scratch);
	mem_free(w->dcache);
	chousa_buf_release(&w->text);
	mem_free(w->hits);
	chousa_arena_free(w->slow);
	if (w->st.priv != NULL)
		w->run->fmt->priv_free(w->st.priv);
}

/* Forget the hits and counts of the last chunk, keep the memory. */
static void
worker_reset(struct worker *w)
{
	chousa_buf_reset(&w->text);
	w->n_hits = 0;
	w->lines = w->records = w->malformed = 0;
	w->n_hit = w->hit_lines = w->benign = w->time_sup = 0;
	w->shared_sup = w->resolver_sup = 0;
	w->last_hit_line = 0;
	w->n_bad = 0;
}

static void
note_bad(struct worker *w, const char *why, const char *p, size_t len)
{
	size_t n;

	w->malformed++;
	if (w->n_bad >= BAD_KEEP)
		return;
	n = len < sizeof(w->bad[0].text) ? len : sizeof(w->bad[0].text);
	w->bad[w->n_bad].line = w->lines;
	w->bad[w->n_bad].why = why;
	memcpy(w->bad[w->n_bad].text, p, n);
	w->bad[w->n_bad].len = n;
	w->n_bad++;
}

/* Inlined into do_lines' loop: a call a line showed in the profile. */
static inline __attribute__((always_inline)) void
do_line(struct worker *w, const char *p, size_t len)
{
	struct rec *r = &w->rec;
	const char *why = "malformed";
	int rc;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	rec_clear(r);
	rc = w->run->fmt->parse(&w->st, p, len, r, &why);
	if (rc == LF_MALFORMED) {
		note_bad(w, why, p, len);
		return;
	}
	if (rc != LF_RECORD)
		return;
	w->records++;
	if (r->n_obs > 0)
		sweep_match_record(w, r, w->lines);
}

/* Every line of [p, p+len); the last may lack its newline. */
static void
do_lines(struct worker *w, const char *p, size_t len)
{
	const char *end = p + len;
	size_t max = w->run->max_line;

	while (p < end && w->rc == CHOUSA_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		w->lines++;
		if (n > max)
			note_bad(w, "line longer than the cap", p, 80);
		else
			do_line(w, p, n);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	do_lines(w, w->chunk, w->chunk_len);
	return NULL;
}

/* ---- emitting hits in order ---- */

struct emit {
	const char		*file;
	chousa_hit_fn		 fn;
	void			*arg;
	uint64_t		 line_base;
	struct chousa_sweep_stats *stats;
	int			 stopped;
	const struct chousa_sweep_opts *opts;
	unsigned		 bad_shown;
};

static void
emit_worker(struct emit *em, struct worker *w)
{
	struct chousa_sweep_stats *st = em->stats;
	const struct chousa_sweep_opts *o = em->opts;
	size_t i;

	for (i = 0; i < w->n_bad && o->malformed != NULL &&
	    em->bad_shown < o->max_malformed; i++, em->bad_shown++)
		o->malformed(o->malformed_arg, em->file,
		    em->line_base + w->bad[i].line, w->bad[i].why,
		    w->bad[i].text, w->bad[i].len);
	for (i = 0; i < w->n_hits && !em->stopped; i++) {
		const struct hitrow *h = &w->hits[i];
		struct chousa_hit hit;

		hit.file = em->file;
		hit.line = em->line_base + h->line;
		hit.time = h->time;
		hit.time_text.p = w->text.data + h->time_off;
		hit.time_text.len = h->time_len;
		hit.src.p = w->text.data + h->src_off;
		hit.src.len = h->src_len;
		hit.dst.p = w->text.data + h->dst_off;
		hit.dst.len = h->dst_len;
		hit.observed.p = w->text.data + h->obs_off;
		hit.observed.len = h->obs_len;
		hit.match = h->match;
		hit.type = h->e->type;
		hit.indicator = h->e->value;
		hit.sources = h->e->sources;
		hit.family = h->e->family;
		hit.first_seen = h->e->first_seen;
		hit.last_seen = h->e->last_seen;
		if (em->fn != NULL && em->fn(em->arg, &hit) != 0)
			em->stopped = 1;
	}
	em->line_base += w->lines;
	st->lines += w->lines;
	st->records += w->records;
	st->malformed += w->malformed;
	st->hits += w->n_hit;
	st->hit_lines += w->hit_lines;
	st->benign_suppressed += w->benign;
	st->shared_suppressed += w->shared_sup;
	st->resolver_suppressed += w->resolver_sup;
	st->time_suppressed += w->time_sup;
}

/* The part of the state a header can change (not the per-worker part). */
static int
state_differs(const struct lf_state *a, const struct lf_state *b)
{
	return memcmp(a, b, offsetof(struct lf_state, priv)) != 0;
}

/* ---- plain files: mapped, in rounds of one chunk per thread ---- */

/*
 * Read the leading '#' lines (a Zeek header) into st before the chunks
 * are shared out, so that every chunk of the first round starts with the
 * column map.  Header parsing is idempotent: chunk 0 reads them again.
 */
static void
preparse_header(const struct sweep_run *run, struct lf_state *st,
    const char *p, size_t len)
{
	struct rec r;
	const char *end = p + len, *why;
	int lines = 0;

	memset(&r, 0, sizeof(r));
	while (p < end && *p == '#' && lines++ < 64) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 4096)
			break;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		rec_clear(&r);
		(void)run->fmt->parse(st, p, n, &r, &why);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static int
sweep_mapped(const struct sweep_run *run, struct worker *ws, int n_threads,
    const char *data, size_t size, struct emit *em, struct chousa_err *err)
{
	const struct chousa_sweep_opts *o = run->opts;
	struct lf_state cur;
	pthread_t tid[MAX_THREADS];
	size_t pos = 0, chunk = CHUNK_SIZE;
	int i, n, rc = CHOUSA_OK;

	memcpy(&cur, &ws[0].st, sizeof(cur));
	preparse_header(run, &cur, data, size);
	/* Small files are still shared out between the threads. */
	if (chunk > size / (size_t)n_threads + 1)
		chunk = size / (size_t)n_threads + 1;
	while (pos < size && !em->stopped) {
		for (n = 0; n < n_threads && pos < size; n++) {
			size_t end = pos + chunk;
			const char *nl;

			if (end >= size)
				end = size;
			else {
				nl = memchr(data + end, '\n', size - end);
				end = nl ? (size_t)(nl - data) + 1 : size;
			}
			worker_reset(&ws[n]);
			memcpy(&ws[n].st, &cur, offsetof(struct lf_state, priv));
			memcpy(&ws[n].start_st, &ws[n].st, sizeof(cur));
			ws[n].chunk = data + pos;
			ws[n].chunk_len = end - pos;
			pos = end;
		}
		for (i = 1; i < n; i++)
			if (pthread_create(&tid[i], NULL, worker_main,
			    &ws[i]) != 0) {
				/* No thread: run it here instead. */
				worker_main(&ws[i]);
				tid[i] = 0;
			}
		worker_main(&ws[0]);
		for (i = 1; i < n; i++)
			if (tid[i] != 0)
				pthread_join(tid[i], NULL);
		/* A header inside a chunk changes how the next ones read. */
		for (i = 1; i < n; i++) {
			if (!state_differs(&ws[i - 1].st, &ws[i].start_st))
				continue;
			worker_reset(&ws[i]);
			memcpy(&ws[i].st, &ws[i - 1].st,
			    offsetof(struct lf_state, priv));
			memcpy(&ws[i].start_st, &ws[i].st, sizeof(cur));
			worker_main(&ws[i]);
		}
		memcpy(&cur, &ws[n - 1].st, sizeof(cur));
		for (i = 0; i < n; i++) {
			if (ws[i].rc != CHOUSA_OK && rc == CHOUSA_OK)
				rc = chousa_errf(err, ws[i].rc,
				    "out of memory keeping hits");
			emit_worker(em, &ws[i]);
		}
		em->stats->bytes = pos;
		if (o->progress != NULL)
			o->progress(o->progress_arg, pos, size);
		if (rc != CHOUSA_OK)
			break;
	}
	return rc;
}

/* ---- streams: compressed input and standard input, on one thread ---- */

/*
 * A read that failed: the end of a damaged stream, whose lines up to the
 * damage are swept (the decompressor gives whole blocks, so up to its last
 * 64 KiB before the damage are lost), or an error.
 */
static int
read_failed(struct input *in, struct chousa_sweep_stats *st, int rc,
    const struct chousa_err *why)
{
	/* Nothing at all could be read: that is no sweep. */
	if (!input_damaged(in) || st->bytes == 0)
		return rc;
	st->truncated = 1;
	snprintf(st->warning, sizeof(st->warning), "compressed data is "
	    "truncated or damaged (%.100s)", why->msg);
	return CHOUSA_OK;
}

/* One line carried over from the last chunk, or too long to keep. */
struct carry {
	char	*buf;
	size_t	 len, cap;
	int	 too_long;	/* skipping to the next newline */
};

/* Append to the carried line, up to the cap; -1 out of memory. */
static int
carry_add(struct carry *c, const char *p, size_t n, size_t max)
{
	if (c->too_long)
		return 0;
	if (c->len + n > max) {
		/* Keep only what note_bad shows. */
		c->too_long = 1;
		n = c->len < 80 ? 80 - c->len : 0;
		if (n > max)
			n = 0;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		char *nb;

		while (cap < c->len + n)
			cap *= 2;
		nb = mem_realloc(c->buf, cap);
		if (nb == NULL)
			return -1;
		c->buf = nb;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	return 0;
}

/* The carried line is complete: parse it (or count it as too long). */
static void
carry_line(struct worker *w, struct carry *c)
{
	w->lines++;
	if (c->too_long)
		note_bad(w, "line longer than the cap", c->buf, c->len);
	else
		do_line(w, c->buf, c->len);
	c->len = 0;
	c->too_long = 0;
}

static int
sweep_stream(const struct sweep_run *run, struct worker *w,
    struct input *in, struct emit *em, struct chousa_err *err)
{
	const struct chousa_sweep_opts *o = run->opts;
	struct carry c = { NULL, 0, 0, 0 };
	uint64_t done, total;
	int rc = CHOUSA_OK;

	while (!em->stopped) {
		const char *p, *last, *nl;
		size_t n;

		rc = input_read(in, &p, &n, err);
		if (rc != CHOUSA_OK) {
			rc = read_failed(in, em->stats, rc, err);
			n = 0;
		}
		worker_reset(w);
		if (n == 0) {
			if (c.len > 0 || c.too_long)
				carry_line(w, &c);
			emit_worker(em, w);
			break;
		}
		em->stats->bytes += n;
		if (c.len > 0 || c.too_long) {
			nl = memchr(p, '\n', n);
			if (carry_add(&c, p, nl ? (size_t)(nl - p) : n,
			    run->max_line) != 0) {
				rc = chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
				break;
			}
			if (nl == NULL)
				continue;
			carry_line(w, &c);
			n -= (size_t)(nl + 1 - p);
			p = nl + 1;
		}
		last = n > 0 ? memrchr(p, '\n', n) : NULL;
		if (last != NULL) {
			do_lines(w, p, (size_t)(last + 1 - p));
			n -= (size_t)(last + 1 - p);
			p = last + 1;
		}
		if (n > 0 && carry_add(&c, p, n, run->max_line) != 0) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			break;
		}
		if (w->rc != CHOUSA_OK) {
			rc = chousa_errf(err, w->rc, "out of memory keeping "
			    "hits");
			break;
		}
		emit_worker(em, w);
		input_progress(in, &done, &total);
		if (o->progress != NULL)
			o->progress(o->progress_arg, done, total);
	}
	mem_free(c.buf);
	return rc;
}

/* ---- formats that read the input themselves (captures) ---- */

struct feed_run {
	struct lf_feed		 f;	/* first: the callbacks get it */
	struct worker		*w;
	struct emit		*em;
	struct input		*in;
	const struct sweep_run	*run;
};

static int
feed_read(struct lf_feed *f, const char **p, size_t *len,
    struct chousa_err *err)
{
	struct feed_run *fr = (struct feed_run *)f;
	int rc = input_read(fr->in, p, len, err);

	if (rc != CHOUSA_OK && input_damaged(fr->in)) {
		f->truncated = 1;
		snprintf(f->warning, sizeof(f->warning), "compressed data is "
		    "truncated or damaged (%.100s)", err != NULL ? err->msg :
		    "");
		*len = 0;
		return CHOUSA_OK;
	}
	if (rc == CHOUSA_OK)
		fr->em->stats->bytes += *len;
	return rc;
}

/*
 * Hand out the hits so far every 64 Ki packets or 4096 hits, so that a
 * long capture shows its hits and progress as it goes.
 */
static void
feed_flush(struct feed_run *fr, int last)
{
	struct worker *w = fr->w;
	const struct chousa_sweep_opts *o = fr->run->opts;
	uint64_t lines = w->lines, done, total;

	if (!last && w->n_hits < 4096 && (w->lines & 0xffff) != 0)
		return;
	emit_worker(fr->em, w);
	if (!last) {
		/* Packet numbers go on across batches. */
		fr->em->line_base -= lines;
		fr->em->stats->lines -= lines;
		worker_reset(w);
		w->lines = lines;
	}
	input_progress(fr->in, &done, &total);
	if (o->progress != NULL)
		o->progress(o->progress_arg, done, total);
}

static int
feed_record(struct lf_feed *f)
{
	struct feed_run *fr = (struct feed_run *)f;
	struct worker *w = fr->w;

	w->lines++;
	w->records++;
	if (f->rec->n_obs > 0)
		sweep_match_record(w, f->rec, w->lines);
	feed_flush(fr, 0);
	return fr->em->stopped || w->rc != CHOUSA_OK;
}

static void
feed_malformed(struct lf_feed *f, const char *why)
{
	struct feed_run *fr = (struct feed_run *)f;

	fr->w->lines++;
	note_bad(fr->w, why, "", 0);
	feed_flush(fr, 0);
}

static int
sweep_feed(const struct sweep_run *run, struct worker *w, struct input *in,
    const char *map, size_t map_len, struct emit *em, struct chousa_err *err)
{
	struct feed_run fr;
	int rc;

	memset(&fr, 0, sizeof(fr));
	fr.f.name = em->file;
	fr.f.mem = map;
	fr.f.mem_len = map_len;
	fr.f.read = feed_read;
	fr.f.record = feed_record;
	fr.f.malformed = feed_malformed;
	fr.f.rec = &w->rec;
	fr.w = w;
	fr.em = em;
	fr.in = in;
	fr.run = run;
	worker_reset(w);
	if (map != NULL)
		em->stats->bytes = map_len;
	rc = run->fmt->read(&w->st, &fr.f, err);
	if (rc == CHOUSA_OK && w->rc != CHOUSA_OK)
		rc = chousa_errf(err, w->rc, "out of memory keeping hits");
	feed_flush(&fr, 1);
	if (fr.f.truncated && !em->stats->truncated) {
		em->stats->truncated = 1;
		memcpy(em->stats->warning, fr.f.warning,
		    sizeof(em->stats->warning));
	}
	return rc;
}

/* ---- the API ---- */

const char *
chousa_sweep_detect(const void *data, size_t len)
{
	const struct chousa_logfmt *best = NULL;
	int best_score = 0;
	size_t i;

	for (i = 0; logfmt_registry[i] != NULL; i++) {
		int s = logfmt_registry[i]->probe(data, len);

		if (s > best_score) {
			best_score = s;
			best = logfmt_registry[i];
		}
	}
	return best ? best->name : NULL;
}

static int
cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* Sweep one opened input: pick the format, then read it one of three ways. */
static int
sweep_input(const struct chousa_matcher *m, const char *file,
    struct input *in, const struct chousa_sweep_opts *opts, chousa_hit_fn fn,
    void *arg, struct chousa_sweep_stats *stats, struct chousa_err *err)
{
	static const struct chousa_sweep_opts no_opts;
	struct sweep_run run;
	struct worker *ws = NULL;
	struct emit em;
	const char *map, *head, *name;
	char *member_file = NULL;
	size_t map_len, head_len;
	int n_threads = 1, i, rc;

	if (opts == NULL)
		opts = &no_opts;
	if (!matcher_is_finished(m))
		return chousa_errf(err, CHOUSA_EINVAL, "matcher is not "
		    "finished");
	memset(&run, 0, sizeof(run));
	run.m = m;
	run.opts = opts;
	run.max_line = opts->max_line ? opts->max_line : CHOUSA_SWEEP_MAX_LINE;
	run.env.keep_private = matcher_has_private(m);
	rc = sides_init(&run.internal, opts->internal, err);
	if (rc != CHOUSA_OK)
		return rc;
	input_set_flags(in, INPUT_NO_HASH | INPUT_NO_SIZE_CAP | INPUT_MEMBERS);
	rc = input_map(in, &map, &map_len, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* The first bytes of the content pick the format. */
	if (map != NULL) {
		head = map;
		head_len = map_len < INPUT_PEEK_MAX ? map_len : INPUT_PEEK_MAX;
	} else {
		rc = input_peek(in, &head, &head_len, err);
		if (rc != CHOUSA_OK) {
			rc = read_failed(in, stats, rc, err);
			if (rc != CHOUSA_OK)
				return rc;
			head_len = 0;
		}
	}
	/* A member of an archive is a file of its own: ARCHIVE:MEMBER. */
	if (input_member(in) != NULL) {
		size_t size = strlen(file) + strlen(input_member(in)) + 2;

		member_file = mem_alloc(size);
		if (member_file == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
		snprintf(member_file, size, "%s:%s", file, input_member(in));
		file = member_file;
	}
	if (opts->format == NULL || strcmp(opts->format, "auto") == 0) {
		name = chousa_sweep_detect(head, head_len);
		if (name == NULL) {
			rc = chousa_errf(err, CHOUSA_EFORMAT,
			    "no log format fits '%s'", file);
			goto out;
		}
		run.fmt = logfmt_find(name);
	} else {
		run.fmt = logfmt_find(opts->format);
		if (run.fmt == NULL) {
			rc = chousa_errf(err, CHOUSA_EFORMAT, "unknown log "
			    "format '%s'", opts->format);
			goto out;
		}
	}
	snprintf(stats->format, sizeof(stats->format), "%s", run.fmt->name);
	if (map != NULL && !(run.fmt->flags & LF_BINARY)) {
		n_threads = opts->threads > 0 ? opts->threads : cores();
		if (n_threads > MAX_THREADS)
			n_threads = MAX_THREADS;
		if ((size_t)n_threads > map_len / (1 << 20) + 1)
			n_threads = (int)(map_len / (1 << 20) + 1);
	}
	ws = mem_alloc((size_t)n_threads * sizeof(*ws));
	if (ws == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n_threads; i++)
		if (worker_init(&ws[i], &run) != CHOUSA_OK) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory "
			    "starting a sweep");
			n_threads = i + 1;
			goto out;
		}
	memset(&em, 0, sizeof(em));
	em.file = file;
	em.fn = fn;
	em.arg = arg;
	em.stats = stats;
	em.opts = opts;
	stats->threads = n_threads;
	if (run.fmt->flags & LF_BINARY)
		rc = sweep_feed(&run, &ws[0], in, map, map_len, &em, err);
	else if (map != NULL)
		rc = sweep_mapped(&run, ws, n_threads, map, map_len, &em, err);
	else
		rc = sweep_stream(&run, &ws[0], in, &em, err);
out:
	for (i = 0; ws != NULL && i < n_threads; i++)
		worker_release(&ws[i]);
	mem_free(ws);
	mem_free(member_file);
	return rc;
}

/* The counts of one member of an archive added to the archive's. */
static void
stats_add(struct chousa_sweep_stats *to, const struct chousa_sweep_stats *st)
{
	to->bytes += st->bytes;
	to->lines += st->lines;
	to->records += st->records;
	to->malformed += st->malformed;
	to->hits += st->hits;
	to->hit_lines += st->hit_lines;
	to->benign_suppressed += st->benign_suppressed;
	to->shared_suppressed += st->shared_suppressed;
	to->resolver_suppressed += st->resolver_suppressed;
	to->time_suppressed += st->time_suppressed;
	if (st->threads > to->threads)
		to->threads = st->threads;
	if (to->format[0] == '\0')
		memcpy(to->format, st->format, sizeof(to->format));
	if (st->truncated && !to->truncated) {
		to->truncated = 1;
		memcpy(to->warning, st->warning, sizeof(to->warning));
	}
}

/* Whether a member's failure is its own (the next ones are read). */
static int
member_own_failure(struct input *in, int rc)
{
	return (rc == CHOUSA_EFORMAT || rc == CHOUSA_EIO) &&
	    !input_damaged(in);
}

/*
 * An archive, its first member swept into stats (first_rc): each member
 * said to opts->member and counted, then the next ones swept the same
 * way, until the end, a damaged archive or a failure not the member's own.
 */
static int
sweep_members(const struct chousa_matcher *m, const char *name,
    struct input *in, const struct chousa_sweep_opts *opts, chousa_hit_fn fn,
    void *arg, int first_rc, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct chousa_sweep_stats total, st;
	char *file;
	size_t size;
	int rc = first_rc, more = 1;

	total = *stats;
	memset(total.format, 0, sizeof(total.format));
	total.bytes = total.lines = total.records = total.malformed = 0;
	total.hits = total.hit_lines = 0;
	total.benign_suppressed = total.time_suppressed = 0;
	total.shared_suppressed = total.resolver_suppressed = 0;
	total.truncated = 0;
	st = *stats;
	for (;;) {
		size = strlen(name) + strlen(input_member(in)) + 2;
		file = mem_alloc(size);
		if (file == NULL) {
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
			break;
		}
		snprintf(file, size, "%s:%s", name, input_member(in));
		total.members++;
		if (member_own_failure(in, rc))
			total.members_unreadable++;
		else
			stats_add(&total, &st);
		if (opts != NULL && opts->member != NULL)
			opts->member(opts->member_arg, file, rc, &st, err);
		mem_free(file);
		if (rc != CHOUSA_OK && !member_own_failure(in, rc))
			break;
		rc = input_next_member(in, &more, err);
		if (rc != CHOUSA_OK || !more)
			break;
		memset(&st, 0, sizeof(st));
		rc = sweep_input(m, name, in, opts, fn, arg, &st, err);
	}
	total.members_skipped = input_skipped_members(in);
	*stats = total;
	/* A damaged archive ends where the damage is, what was read kept. */
	if (rc != CHOUSA_OK && input_damaged(in) && total.members > 0) {
		stats->truncated = 1;
		snprintf(stats->warning, sizeof(stats->warning), "the "
		    "archive is truncated or damaged (%.100s)", err->msg);
		return CHOUSA_OK;
	}
	return member_own_failure(in, rc) ? CHOUSA_OK : rc;
}

/*
 * What chousa_sweep_file and chousa_sweep_buffer share: rc and in are
 * what opening the input gave (in is freed here); stats and err may be
 * NULL.
 */
static int
sweep_opened(int rc, struct input *in, const char *name,
    const struct chousa_matcher *m, const struct chousa_sweep_opts *opts,
    chousa_hit_fn fn, void *arg, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct chousa_sweep_stats local;
	struct chousa_err local_err;

	if (err == NULL)
		err = &local_err;
	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (rc != CHOUSA_OK)
		return rc;
	rc = sweep_input(m, name, in, opts, fn, arg, stats, err);
	if (input_member(in) != NULL)
		rc = sweep_members(m, name, in, opts, fn, arg, rc, stats, err);
	input_free(in);
	return rc;
}

int
chousa_sweep_file(const struct chousa_matcher *m, const char *path,
    const struct chousa_sweep_opts *opts, chousa_hit_fn fn, void *arg,
    struct chousa_sweep_stats *stats, struct chousa_err *err)
{
	struct input *in = NULL;
	int rc;

	rc = input_open(&in, path, err);
	return sweep_opened(rc, in, path, m, opts, fn, arg, stats, err);
}

/* sweep_opened on one thread: memory and streams are read in order. */
static int
sweep_opened_1(int rc, struct input *in, const char *name,
    const struct chousa_matcher *m, const struct chousa_sweep_opts *opts,
    chousa_hit_fn fn, void *arg, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct chousa_sweep_opts o;

	memset(&o, 0, sizeof(o));
	if (opts != NULL)
		o = *opts;
	o.threads = 1;
	return sweep_opened(rc, in, name, m, &o, fn, arg, stats, err);
}

int
chousa_sweep_buffer(const struct chousa_matcher *m, const char *name,
    const void *data, size_t len, const struct chousa_sweep_opts *opts,
    chousa_hit_fn fn, void *arg, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct input *in = NULL;
	int rc = input_open_mem(&in, data, len, name, err);

	return sweep_opened_1(rc, in, name, m, opts, fn, arg, stats, err);
}

int
chousa_sweep_stream(const struct chousa_matcher *m, const char *name,
    chousa_read_fn fn, void *fn_arg, const struct chousa_sweep_opts *opts,
    chousa_hit_fn hit, void *arg, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct input *in = NULL;
	int rc = input_open_reader(&in, fn, fn_arg, name, err);

	return sweep_opened_1(rc, in, name, m, opts, hit, arg, stats, err);
}

int
chousa_sweep_check_internal(const char *list, struct chousa_err *err)
{
	struct addr_ranges s;

	return sides_init(&s, list, err);
}
