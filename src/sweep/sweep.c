/*
 * sweep.c: reading a log or capture and driving the matcher over it.  A
 * plain file is mapped and cut into chunks aligned on newlines, one per
 * thread, in rounds; each worker has its own record and hit list, and the
 * hits are handed out in line order after each round, line numbers fixed
 * up from the newline counts of the chunks before.  Standard input and
 * gzip go through one reused buffer on one thread.  Lines over the cap are
 * counted as malformed and skipped without being kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <zlib.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/sweep.h"

#define CHUNK_SIZE	((size_t)32 << 20)
#define READ_SIZE	((size_t)1 << 20)
#define HEAD_SIZE	((size_t)64 << 10)
#define MAX_THREADS	8

/* ---- input: a file descriptor or memory, maybe gzip ---- */

struct src {
	int		 fd;		/* -1 for memory */
	const char	*mem;
	size_t		 mem_len, mem_off;
	int		 gz;
	z_stream	 z;
	int		 z_end;		/* the last member ended */
	unsigned char	*in;		/* compressed input */
	uint64_t	 raw_read;	/* bytes read before inflating */
	int		 truncated;
	char		 warning[160];
};

static ssize_t
raw_read(struct src *s, void *buf, size_t cap)
{
	ssize_t n;

	if (s->fd < 0) {
		size_t left = s->mem_len - s->mem_off;

		if (cap > left)
			cap = left;
		memcpy(buf, s->mem + s->mem_off, cap);
		s->mem_off += cap;
		s->raw_read += cap;
		return (ssize_t)cap;
	}
	do
		n = read(s->fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		s->raw_read += (uint64_t)n;
	return n;
}

/* Up to cap bytes of content; 0 at the end, -1 on a read error. */
static ssize_t
src_read(struct src *s, char *buf, size_t cap)
{
	int zrc;
	ssize_t n;

	if (!s->gz)
		return raw_read(s, buf, cap);
	s->z.next_out = (unsigned char *)buf;
	s->z.avail_out = (uInt)cap;
	while (s->z.avail_out == cap) {
		if (s->z.avail_in == 0) {
			n = raw_read(s, s->in, READ_SIZE);
			if (n < 0)
				return -1;
			if (n == 0) {
				if (!s->z_end) {
					s->truncated = 1;
					snprintf(s->warning, sizeof(s->warning),
					    "gzip stream is truncated");
				}
				break;
			}
			s->z.next_in = s->in;
			s->z.avail_in = (uInt)n;
		}
		if (s->z_end) {
			/* Another member follows (cat a.gz b.gz). */
			if (inflateReset(&s->z) != Z_OK)
				break;
			s->z_end = 0;
		}
		zrc = inflate(&s->z, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END)
			s->z_end = 1;
		else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
			s->truncated = 1;
			snprintf(s->warning, sizeof(s->warning),
			    "gzip data is corrupt: %s",
			    s->z.msg ? s->z.msg : "inflate failed");
			s->z.avail_in = 0;
			/* Keep what was inflated; read no further. */
			if (s->fd >= 0)
				s->fd = -2;
			s->mem_off = s->mem_len;
			break;
		}
	}
	return (ssize_t)(cap - s->z.avail_out);
}

/* Set up gzip when the first bytes (already in head) are its magic. */
static int
src_start(struct src *s, const char *head, size_t head_len)
{
	if (head_len < 2 || (unsigned char)head[0] != 0x1f ||
	    (unsigned char)head[1] != 0x8b)
		return CHOUSA_OK;
	s->in = mem_alloc(READ_SIZE);
	if (s->in == NULL)
		return CHOUSA_ENOMEM;
	memcpy(s->in, head, head_len);
	memset(&s->z, 0, sizeof(s->z));
	if (inflateInit2(&s->z, 15 + 32) != Z_OK) {
		mem_free(s->in);
		s->in = NULL;
		return CHOUSA_ENOMEM;
	}
	s->z.next_in = s->in;
	s->z.avail_in = (uInt)head_len;
	s->gz = 1;
	return CHOUSA_OK;
}

static void
src_release(struct src *s)
{
	if (s->gz)
		inflateEnd(&s->z);
	mem_free(s->in);
}

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
	if (run->fmt == &logfmt_text) {
		struct chousa_extract_opts xo = { 0, 0, 0 };

		if (chousa_extractor_new(&w->ext, &xo, NULL) != CHOUSA_OK)
			return CHOUSA_ENOMEM;
	}
	run->fmt->init(&w->st);
	w->st.ext = w->ext;
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
	chousa_extractor_free(w->ext);
}

/* Forget the hits and counts of the last chunk, keep the memory. */
static void
worker_reset(struct worker *w)
{
	chousa_buf_reset(&w->text);
	w->n_hits = 0;
	w->lines = w->records = w->malformed = 0;
	w->n_hit = w->hit_lines = w->benign = w->time_sup = 0;
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

static void
do_line(struct worker *w, const char *p, size_t len)
{
	struct rec *r = &w->rec;
	const char *why = "malformed";
	int rc;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	r->n_obs = 0;
	r->scratch_len = 0;
	r->time.len = 0;
	r->time.p = NULL;
	r->src.len = r->dst.len = 0;
	r->src.p = r->dst.p = NULL;
	r->time_kind = REC_TIME_NONE;
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
	st->time_suppressed += w->time_sup;
}

/* The part of the state a header can change (not the extractor). */
static int
state_differs(const struct lf_state *a, const struct lf_state *b)
{
	return memcmp(a, b, offsetof(struct lf_state, ext)) != 0;
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
		r.n_obs = 0;
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
			memcpy(&ws[n].st, &cur, offsetof(struct lf_state, ext));
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
			    offsetof(struct lf_state, ext));
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

/* ---- streams: one buffer, one thread ---- */

static int
sweep_stream(const struct sweep_run *run, struct worker *w, struct src *s,
    const char *head, size_t head_len, uint64_t total, struct emit *em,
    struct chousa_err *err)
{
	const struct chousa_sweep_opts *o = run->opts;
	size_t cap = READ_SIZE * 4, len = 0, max = run->max_line;
	char *buf = mem_alloc(cap + 1);
	int skipping = 0, rc = CHOUSA_OK, eof = 0;
	ssize_t n;

	if (buf == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (head_len > 0) {
		memcpy(buf, head, head_len);
		len = head_len;
	}
	while (!eof && !em->stopped) {
		char *last;

		if (len == cap) {
			/* One line fills the buffer: grow up to the cap. */
			if (cap < max + 1) {
				size_t ncap = cap * 2 > max + 1 ? max + 1 :
				    cap * 2;
				char *nb = mem_realloc(buf, ncap + 1);

				if (nb == NULL) {
					rc = chousa_errf(err, CHOUSA_ENOMEM,
					    "out of memory");
					break;
				}
				buf = nb;
				cap = ncap;
			} else {
				if (!skipping) {
					worker_reset(w);
					w->lines = 1;
					note_bad(w, "line longer than the cap",
					    buf, 80);
					emit_worker(em, w);
				}
				skipping = 1;
				len = 0;
			}
		}
		n = src_read(s, buf + len, cap - len);
		if (n < 0) {
			rc = chousa_errf(err, CHOUSA_EIO,
			    "cannot read '%s': %s", em->file, strerror(errno));
			break;
		}
		if (n == 0)
			eof = 1;
		em->stats->bytes += (uint64_t)n;
		len += (size_t)n;
		if (skipping) {
			char *nl = memchr(buf, '\n', len);

			if (nl == NULL) {
				len = 0;
				continue;
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
			skipping = 0;
		}
		last = len > 0 ? memrchr(buf, '\n', len) : NULL;
		if (eof) {
			worker_reset(w);
			do_lines(w, buf, len);
			len = 0;
		} else if (last != NULL) {
			size_t used = (size_t)(last + 1 - buf);

			worker_reset(w);
			do_lines(w, buf, used);
			len -= used;
			memmove(buf, buf + used, len);
		} else
			continue;
		if (w->rc != CHOUSA_OK && rc == CHOUSA_OK)
			rc = chousa_errf(err, w->rc,
			    "out of memory keeping hits");
		emit_worker(em, w);
		if (o->progress != NULL)
			o->progress(o->progress_arg, s->raw_read, total);
		if (rc != CHOUSA_OK)
			break;
	}
	mem_free(buf);
	return rc;
}

/* ---- captures ---- */

struct cookie {
	struct src	*s;
	const char	*head;
	size_t		 head_len, head_off;
};

static ssize_t
cookie_read(void *arg, char *buf, size_t size)
{
	struct cookie *c = arg;

	if (c->head_off < c->head_len) {
		size_t n = c->head_len - c->head_off;

		if (n > size)
			n = size;
		memcpy(buf, c->head + c->head_off, n);
		c->head_off += n;
		return (ssize_t)n;
	}
	return src_read(c->s, buf, size);
}

/* "1710353350.000123" into buf; its length.  No printf per packet. */
static size_t
epoch_text(char *buf, size_t size, int64_t sec, long usec)
{
	char tmp[32];
	size_t n = 0, i;
	uint64_t v = sec > 0 ? (uint64_t)sec : 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && n < 20);
	if (size < n + 8)
		return 0;
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n++] = '.';
	if (usec < 0 || usec > 999999)
		usec = 0;
	for (i = 6; i > 0; i--) {
		buf[n + i - 1] = (char)('0' + usec % 10);
		usec /= 10;
	}
	return n + 6;
}

static int
sweep_pcap(const struct sweep_run *run, struct worker *w, struct src *s,
    const char *head, size_t head_len, uint64_t total, struct emit *em,
    struct chousa_err *err)
{
	const struct chousa_sweep_opts *o = run->opts;
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	cookie_io_functions_t io = { cookie_read, NULL, NULL, NULL };
	struct cookie c = { s, head, head_len, 0 };
	struct pcap_pkthdr *ph;
	const u_char *pkt;
	char addr[2 * 48], tbuf[32];
	FILE *fp;
	pcap_t *p;
	int dlt, rc = CHOUSA_OK, n;

	fp = fopencookie(&c, "r", io);
	if (fp == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	p = pcap_fopen_offline(fp, errbuf);
	if (p == NULL) {
		fclose(fp);
		if (strstr(errbuf, "truncated") != NULL) {
			em->stats->truncated = 1;
			snprintf(em->stats->warning, sizeof(em->stats->warning),
			    "%s", errbuf);
			return CHOUSA_OK;
		}
		return chousa_errf(err, CHOUSA_EFORMAT, "cannot read capture "
		    "'%s': %s", em->file, errbuf);
	}
	dlt = pcap_datalink(p);
	worker_reset(w);
	while ((n = pcap_next_ex(p, &ph, &pkt)) == 1 && !em->stopped) {
		struct rec *r = &w->rec;

		w->lines++;
		r->n_obs = 0;
		r->scratch_len = 0;
		r->src.len = r->dst.len = 0;
		r->time.p = tbuf;
		r->time.len = epoch_text(tbuf, sizeof(tbuf),
		    (int64_t)ph->ts.tv_sec, (long)ph->ts.tv_usec);
		r->time_kind = REC_TIME_EPOCH;
		if (pcap_packet_parse(dlt, pkt, ph->caplen, r, addr,
		    sizeof(addr)) < 0) {
			note_bad(w, "a packet too short for its headers",
			    (const char *)pkt, 0);
			continue;
		}
		w->records++;
		if (r->n_obs > 0)
			sweep_match_record(w, r, w->lines);
		if (w->n_hits >= 4096 || (w->lines & 0xffff) == 0) {
			uint64_t lines = w->lines;

			emit_worker(em, w);
			/* Packet numbers go on across batches. */
			em->line_base -= lines;
			em->stats->lines -= lines;
			worker_reset(w);
			w->lines = lines;
			if (o->progress != NULL)
				o->progress(o->progress_arg, s->raw_read,
				    total);
		}
	}
	if (n == PCAP_ERROR) {
		em->stats->truncated = 1;
		snprintf(em->stats->warning, sizeof(em->stats->warning),
		    "capture cut short: %s", pcap_geterr(p));
	}
	if (s->truncated && !em->stats->truncated) {
		em->stats->truncated = 1;
		memcpy(em->stats->warning, s->warning, sizeof(s->warning));
	}
	emit_worker(em, w);
	em->stats->bytes = s->raw_read;
	pcap_close(p);
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

const char *const *
chousa_sweep_format_names(void)
{
	static const char *names[16];
	size_t i;

	for (i = 0; logfmt_registry[i] != NULL && i + 1 < 16; i++)
		names[i] = logfmt_registry[i]->name;
	names[i] = NULL;
	return names;
}

static int
cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

/* Sweep src (fd or memory); map is the mapped plain file or NULL. */
static int
sweep_src(const struct chousa_matcher *m, const char *file, struct src *s,
    const char *map, size_t map_len, uint64_t total,
    const struct chousa_sweep_opts *opts, chousa_hit_fn fn, void *arg,
    struct chousa_sweep_stats *stats, struct chousa_err *err)
{
	static const struct chousa_sweep_opts no_opts;
	struct sweep_run run;
	struct worker *ws = NULL;
	struct emit em;
	char *head = NULL;
	size_t head_len = 0;
	ssize_t n;
	int n_threads = 1, i, rc;
	const char *name;

	if (opts == NULL)
		opts = &no_opts;
	memset(stats, 0, sizeof(*stats));
	if (!matcher_is_finished(m))
		return chousa_errf(err, CHOUSA_EINVAL, "matcher is not "
		    "finished");
	memset(&run, 0, sizeof(run));
	run.m = m;
	run.opts = opts;
	run.max_line = opts->max_line ? opts->max_line : CHOUSA_SWEEP_MAX_LINE;
	/* The first bytes pick gzip and the format. */
	head = mem_alloc(HEAD_SIZE + 1);
	if (head == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (map != NULL) {
		head_len = map_len < HEAD_SIZE ? map_len : HEAD_SIZE;
		memcpy(head, map, head_len);
	} else {
		while (head_len < HEAD_SIZE) {
			n = raw_read(s, head + head_len, HEAD_SIZE - head_len);
			if (n < 0) {
				rc = chousa_errf(err, CHOUSA_EIO,
				    "cannot read '%s': %s", file,
				    strerror(errno));
				goto out;
			}
			if (n == 0)
				break;
			head_len += (size_t)n;
		}
		if ((rc = src_start(s, head, head_len)) != CHOUSA_OK) {
			rc = chousa_errf(err, rc, "out of memory");
			goto out;
		}
		if (s->gz) {
			/* Detect on the inflated start. */
			char *plain = mem_alloc(HEAD_SIZE + 1);
			ssize_t got;

			if (plain == NULL) {
				rc = chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
				goto out;
			}
			got = src_read(s, plain, HEAD_SIZE);
			mem_free(head);
			head = plain;
			head_len = got > 0 ? (size_t)got : 0;
		}
	}
	if (opts->format == NULL || strcmp(opts->format, "auto") == 0) {
		name = chousa_sweep_detect(head, head_len);
		if (name == NULL) {
			rc = chousa_errf(err, CHOUSA_EFORMAT,
			    "no log format fits '%s'", file);
			goto out;
		}
		run.fmt = logfmt_find(name);
	} else if ((run.fmt = logfmt_find(opts->format)) == NULL) {
		rc = chousa_errf(err, CHOUSA_EFORMAT, "unknown log format '%s'",
		    opts->format);
		goto out;
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
	if (run.fmt->flags & LF_BINARY) {
		if (map != NULL) {
			/* A mapped capture reads through memory. */
			s->fd = -1;
			s->mem = map;
			s->mem_len = map_len;
			s->mem_off = 0;
			rc = sweep_pcap(&run, &ws[0], s, NULL, 0, total, &em,
			    err);
		} else
			rc = sweep_pcap(&run, &ws[0], s, head, head_len, total,
			    &em, err);
	} else if (map != NULL)
		rc = sweep_mapped(&run, ws, n_threads, map, map_len, &em, err);
	else
		rc = sweep_stream(&run, &ws[0], s, head, head_len, total, &em,
		    err);
	if (s->truncated && !stats->truncated) {
		stats->truncated = 1;
		memcpy(stats->warning, s->warning, sizeof(s->warning));
	}
out:
	for (i = 0; ws != NULL && i < n_threads; i++)
		worker_release(&ws[i]);
	mem_free(ws);
	mem_free(head);
	return rc;
}

int
chousa_sweep_file(const struct chousa_matcher *m, const char *path,
    const struct chousa_sweep_opts *opts, chousa_hit_fn fn, void *arg,
    struct chousa_sweep_stats *stats, struct chousa_err *err)
{
	struct chousa_sweep_stats local;
	struct src s;
	struct stat sb;
	char *map = NULL;
	size_t map_len = 0;
	unsigned char magic[2];
	int rc, fd;

	if (stats == NULL)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&s, 0, sizeof(s));
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s",
		    path, strerror(errno));
	if (fstat(fd, &sb) != 0) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = chousa_errf(err, CHOUSA_EIO, "cannot read '%s': it is a "
		    "directory", path);
		goto out;
	}
	/* A plain regular file is mapped; gzip and pipes are streamed. */
	if (S_ISREG(sb.st_mode) && sb.st_size > 0 &&
	    (pread(fd, magic, 2, 0) != 2 || magic[0] != 0x1f ||
	    magic[1] != 0x8b)) {
		map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
		    fd, 0);
		if (map == MAP_FAILED)
			map = NULL;
		else {
			map_len = (size_t)sb.st_size;
			madvise(map, map_len, MADV_SEQUENTIAL);
		}
	}
	s.fd = fd;
	rc = sweep_src(m, path, &s, map, map_len,
	    S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0, opts, fn, arg,
	    stats, err);
	src_release(&s);
	if (map != NULL)
		munmap(map, map_len);
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

int
chousa_sweep_buffer(const struct chousa_matcher *m, const char *name,
    const void *data, size_t len, const struct chousa_sweep_opts *opts,
    chousa_hit_fn fn, void *arg, struct chousa_sweep_stats *stats,
    struct chousa_err *err)
{
	struct chousa_sweep_stats local;
	struct chousa_sweep_opts o;
	struct src s;
	int rc;

	if (stats == NULL)
		stats = &local;
	memset(&o, 0, sizeof(o));
	if (opts != NULL)
		o = *opts;
	o.threads = 1;
	memset(&s, 0, sizeof(s));
	s.fd = -1;
	s.mem = data;
	s.mem_len = len;
	/* Plain bytes are read in place, like a mapped file. */
	if (len > 0 && !(len >= 2 && ((const unsigned char *)data)[0] ==
	    0x1f && ((const unsigned char *)data)[1] == 0x8b))
		rc = sweep_src(m, name, &s, data, len, len, &o, fn, arg, stats,
		    err);
	else
		rc = sweep_src(m, name, &s, NULL, 0, len, &o, fn, arg, stats,
		    err);
	src_release(&s);
	return rc;
}
