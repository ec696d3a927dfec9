/*
 * pipe.c: the import's write pipeline.  A big import spends about as long
 * reading and normalising rows (CSV or JSON, chousa_ioc_parse, hashes) as
 * SQLite spends writing them; with the writing on a second thread the two
 * halves overlap.  The importer's thread fills batches of rows (strings
 * copied in, as its scratch arena is recycled) and hands them over; the
 * writer thread owns the SQLite handle until imp_pipe_drain() or
 * imp_pipe_stop() gives it back, since one connection must never be used
 * by two threads at once.  Only importers whose every write is an
 * indicator use it (struct importer.pipelined).
 */
#include <pthread.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define PIPE_ROWS	512
#define PIPE_BYTES	((size_t)256 << 10)
#define PIPE_DEPTH	4		/* batches in flight */

struct pipe_batch {
	struct ind_row		 row[PIPE_ROWS];
	size_t			 n;
	char			*buf;
	size_t			 used;
	struct pipe_batch	*next;
};

struct imp_pipe {
	struct imp		*imp;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* to the writer */
	pthread_cond_t		 done;	/* to the importer */
	struct pipe_batch	*full, *full_tail, *free, *cur;
	struct pipe_batch	 batches[PIPE_DEPTH];
	int			 busy, stop;
	int			 rc;	/* the writer's first error */
	struct chousa_err	 err;
};

static void *
writer(void *arg)
{
	struct imp_pipe *p = arg;
	struct chousa_err err = { 0 };
	struct pipe_batch *b;
	size_t i;
	int rc = CHOUSA_OK;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->full == NULL && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->full == NULL)
			break;
		b = p->full;
		p->full = b->next;
		if (p->full == NULL)
			p->full_tail = NULL;
		p->busy = 1;
		pthread_mutex_unlock(&p->mu);
		/* After an error, batches are only given back. */
		for (i = 0; i < b->n && rc == CHOUSA_OK; i++)
			rc = imp_write_row(p->imp, &b->row[i], &err);
		pthread_mutex_lock(&p->mu);
		if (rc != CHOUSA_OK && p->rc == CHOUSA_OK) {
			p->rc = rc;
			p->err = err;
		}
		b->n = 0;
		b->used = 0;
		b->next = p->free;
		p->free = b;
		p->busy = 0;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The writer's error as the import's; called with p->mu held. */
static int
pipe_failed(struct imp_pipe *p)
{
	if (p->rc != CHOUSA_OK && p->imp->err != NULL)
		*p->imp->err = p->err;
	return p->rc;
}

int
imp_pipe_start(struct imp *imp)
{
	struct imp_pipe *p = mem_alloc(sizeof(*p));
	int i;

	if (p == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	p->imp = imp;
	for (i = 0; i < PIPE_DEPTH; i++) {
		p->batches[i].buf = mem_alloc(PIPE_BYTES);
		if (p->batches[i].buf == NULL)
			goto nomem;
		p->batches[i].next = i + 1 < PIPE_DEPTH ? &p->batches[i + 1] :
		    NULL;
	}
	p->cur = &p->batches[0];
	p->free = p->cur->next;
	p->cur->next = NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	if (pthread_create(&p->thread, NULL, writer, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->work);
		pthread_cond_destroy(&p->done);
		goto nomem;
	}
	imp->pipe = p;
	return CHOUSA_OK;
nomem:
	for (i = 0; i < PIPE_DEPTH; i++)
		mem_free(p->batches[i].buf);
	mem_free(p);
	/* Not fatal: the import writes inline instead. */
	return CHOUSA_OK;
}

/* Hand the current batch over and take an empty one. */
static int
send_batch(struct imp_pipe *p)
{
	int rc;

	pthread_mutex_lock(&p->mu);
	if (p->cur->n > 0) {
		if (p->full_tail != NULL)
			p->full_tail->next = p->cur;
		else
			p->full = p->cur;
		p->full_tail = p->cur;
		p->cur->next = NULL;
		pthread_cond_signal(&p->work);
		while (p->free == NULL)
			pthread_cond_wait(&p->done, &p->mu);
		p->cur = p->free;
		p->free = p->cur->next;
		p->cur->next = NULL;
	}
	rc = pipe_failed(p);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

static const char *
copy_str(struct pipe_batch *b, const char *s, size_t len)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = b->buf + b->used;
	memcpy(d, s, len);
	d[len] = '\0';
	b->used += len + 1;
	return d;
}

static size_t
len_of(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

int
imp_pipe_push(struct imp *imp, const struct ind_row *row)
{
	struct imp_pipe *p = imp->pipe;
	struct pipe_batch *b = p->cur;
	struct ind_row *d;
	size_t need;
	int rc;

	need = row->value_len + 1 + len_of(row->source_id) +
	    len_of(row->status) + len_of(row->threat) + len_of(row->family) +
	    len_of(row->family_alt) + len_of(row->tags) +
	    len_of(row->reference) + len_of(row->host) +
	    len_of(row->regdomain);
	if (need > PIPE_BYTES) {
		/* A huge row: write it here once the writer is idle. */
		rc = imp_pipe_drain(imp);
		return rc != CHOUSA_OK ? rc : imp_write_row(imp, row, imp->err);
	}
	if (b->n == PIPE_ROWS || b->used + need > PIPE_BYTES) {
		rc = send_batch(p);
		if (rc != CHOUSA_OK)
			return rc;
		b = p->cur;
	}
	d = &b->row[b->n++];
	*d = *row;
	d->value = copy_str(b, row->value, row->value_len);
#define COPY(f) d->f = copy_str(b, row->f, row->f != NULL ? strlen(row->f) : 0)
	COPY(source_id);
	COPY(status);
	COPY(threat);
	COPY(family);
	COPY(family_alt);
	COPY(tags);
	COPY(reference);
	COPY(host);
	COPY(regdomain);
#undef COPY
	return CHOUSA_OK;
}

int
imp_pipe_drain(struct imp *imp)
{
	struct imp_pipe *p = imp->pipe;
	int rc;

	if (p == NULL)
		return CHOUSA_OK;
	rc = send_batch(p);
	if (rc != CHOUSA_OK)
		return rc;
	pthread_mutex_lock(&p->mu);
	while (p->full != NULL || p->busy)
		pthread_cond_wait(&p->done, &p->mu);
	rc = pipe_failed(p);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int
imp_pipe_stop(struct imp *imp)
{
	struct imp_pipe *p = imp->pipe;
	int rc, i;

	if (p == NULL)
		return CHOUSA_OK;
	rc = imp_pipe_drain(imp);
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	for (i = 0; i < PIPE_DEPTH; i++)
		mem_free(p->batches[i].buf);
	mem_free(p);
	imp->pipe = NULL;
	return rc;
}
