/*
 * batch.c: the output of a run of many investigations.  The triage table
 * can only be ranked once every report is in, yet it comes first; so the
 * reports are rendered as they come and held back, by the table row they
 * make, until the end, and then copied out in the table's order.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"
#include "base/mem.h"
#include "base/tmp.h"

/* Where a held report is: its offset and length in the spool. */
struct held {
	long	 off;
	size_t	 len;
};

struct chousa_batch {
	struct chousa_batch_opts	 o;
	struct chousa_render		 rs;
	int				 rendering;	/* rs is begun */
	struct chousa_buf		 out;		/* what rs writes */
	struct chousa_buf		*to;		/* out, or o.out when
							 * nothing waits */
	struct chousa_buf		 head;		/* waits for the
							 * table */
	struct chousa_triage		*triage;	/* NULL: no table */
	FILE				*spool;		/* held reports, or */
	struct chousa_buf		 mem;		/* ... here */
	struct held			*held;		/* by table row */
	size_t				 n_held;
	size_t				 cap_held;
	struct chousa_batch_summary	 sum;
};

static int
put(struct chousa_batch *b, const char *data, size_t len,
    struct chousa_err *err)
{
	if (len == 0)
		return CHOUSA_OK;
	if (b->o.out != NULL) {
		chousa_buf_add(b->o.out, data, len);
		return chousa_buf_rc(b->o.out, "the report", err);
	}
	return b->o.write(b->o.arg, data, len, err);
}

/* The rendering so far goes out (if not made in place); out is empty. */
static int
flush_out(struct chousa_batch *b, struct chousa_err *err)
{
	int rc;

	if (b->to != &b->out)
		return chousa_buf_rc(b->to, "the report", err);
	if (b->out.failed != CHOUSA_OK)
		return chousa_errf(err, b->out.failed, "out of memory");
	rc = put(b, b->out.data, b->out.len, err);
	chousa_buf_reset(&b->out);
	return rc;
}

/* The table, the spool and the rendering as o asks; the head goes out. */
static int
start(struct chousa_batch *b, struct chousa_err *err)
{
	const struct chousa_batch_opts *o = &b->o;
	const struct chousa_renderer *r = o->renderer;
	int rc;

	if (r == NULL && !o->table)
		return CHOUSA_OK;
	if (r == NULL) {
		b->sum.table = 1;
		return chousa_triage_new(&b->triage, o->from_text, err);
	}
	/*
	 * A table first when there are many inputs (or only the table);
	 * JSON lines stay one object per input unless only the table is
	 * asked for.
	 */
	if ((o->n_inputs > 1 || o->brief) && r->triage != NULL &&
	    (o->brief || !(r->flags & CHOUSA_RENDER_TRIAGE_LAST))) {
		rc = chousa_triage_new(&b->triage, o->from_text, err);
		if (rc != CHOUSA_OK)
			return rc;
		b->o.render.triage = 1;
		b->sum.table = 1;
		if (!(r->flags & CHOUSA_RENDER_TRIAGE_LAST) && !o->brief &&
		    o->spool_file) {
			int fd = chousa_tmp_fd();

			b->spool = fd >= 0 ? fdopen(fd, "w+") : NULL;
			if (b->spool == NULL) {
				rc = chousa_errf(err, CHOUSA_EINTERNAL,
				    "cannot make a temporary file in '%s' "
				    "(TMPDIR): %s", chousa_tmp_dir(),
				    strerror(errno));
				if (fd >= 0)
					close(fd);
				return rc;
			}
		}
	}
	b->sum.streaming = b->triage == NULL && !o->brief;
	/* When nothing waits for a table, it is rendered in place. */
	if (o->out != NULL && (b->triage == NULL ||
	    (r->flags & CHOUSA_RENDER_TRIAGE_LAST)))
		b->to = o->out;
	rc = chousa_render_begin(&b->rs, r, &b->o.render, b->to, err);
	if (rc != CHOUSA_OK)
		return rc;
	b->rendering = 1;
	/* The head goes out now, or waits for the table. */
	if (b->triage == NULL || (r->flags & CHOUSA_RENDER_TRIAGE_LAST))
		return flush_out(b, err);
	chousa_buf_add(&b->head, b->out.data, b->out.len);
	chousa_buf_reset(&b->out);
	return CHOUSA_OK;
}

int
chousa_batch_new(struct chousa_batch **out, const struct chousa_batch_opts *o,
    struct chousa_err *err)
{
	struct chousa_batch *b;
	int rc;

	*out = NULL;
	b = mem_alloc(sizeof(*b));
	if (b == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	b->o = *o;
	chousa_buf_init(&b->out, 0);
	chousa_buf_init(&b->head, 0);
	chousa_buf_init(&b->mem, 0);
	b->to = &b->out;
	rc = start(b, err);
	if (rc != CHOUSA_OK) {
		chousa_batch_free(b);
		return rc;
	}
	*out = b;
	return CHOUSA_OK;
}

/* Holds the rendering of table row index back. */
static int
hold(struct chousa_batch *b, size_t index, struct chousa_err *err)
{
	struct held *h;
	size_t i;

	while (b->cap_held <= index)
		if (MEM_GROW(b->held, b->cap_held, b->cap_held, 256, 0) !=
		    CHOUSA_OK)
			return chousa_errf(err, CHOUSA_ENOMEM,
			    "out of memory");
	for (i = b->n_held; i <= index; i++)
		b->held[i].len = 0;
	if (index >= b->n_held)
		b->n_held = index + 1;
	h = &b->held[index];
	h->len = b->out.len;
	if (b->spool == NULL) {
		h->off = (long)b->mem.len;
		chousa_buf_add(&b->mem, b->out.data, b->out.len);
		if (b->mem.failed != CHOUSA_OK)
			return chousa_errf(err, b->mem.failed,
			    "out of memory");
	} else {
		h->off = ftell(b->spool);
		if (b->out.len > 0 && mem_fwrite(b->out.data, 1, b->out.len,
		    b->spool) != b->out.len)
			return chousa_errf(err, CHOUSA_EINTERNAL, "cannot "
			    "write the report to a temporary file: %s",
			    strerror(errno));
	}
	chousa_buf_reset(&b->out);
	return CHOUSA_OK;
}

/* Writes the held rendering of table row index out. */
static int
release(struct chousa_batch *b, size_t index, struct chousa_err *err)
{
	const struct held *h;
	size_t left, n;
	char chunk[65536];
	int rc;

	if (index >= b->n_held || b->held[index].len == 0)
		return CHOUSA_OK;
	h = &b->held[index];
	if (b->spool == NULL)
		return put(b, b->mem.data + h->off, h->len, err);
	if (fseek(b->spool, h->off, SEEK_SET) != 0)
		return chousa_errf(err, CHOUSA_EINTERNAL, "cannot read the "
		    "temporary report: %s", strerror(errno));
	for (left = h->len; left > 0; left -= n) {
		n = left < sizeof(chunk) ? left : sizeof(chunk);
		if (fread(chunk, 1, n, b->spool) != n)
			return chousa_errf(err, CHOUSA_EINTERNAL, "cannot read "
			    "the temporary report: %s", strerror(errno));
		rc = put(b, chunk, n, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return CHOUSA_OK;
}

int
chousa_batch_add(struct chousa_batch *b, const struct chousa_report *rep,
    int context, const char *field, struct chousa_err *err)
{
	int rc;

	if (rep->parse_rc != CHOUSA_OK)
		b->sum.bad = 1;
	else if (rep->verdict == CHOUSA_V_MALICIOUS ||
	    rep->verdict == CHOUSA_V_SUSPICIOUS)
		b->sum.found = 1;
	/* "unknown" while sources failed is no answer. */
	if (rep->parse_rc == CHOUSA_OK) {
		if (rep->n_errors > 0 && rep->verdict == CHOUSA_V_UNKNOWN)
			b->sum.failed = 1;
		else
			b->sum.answered = 1;
	}
	if (b->triage != NULL) {
		rc = chousa_triage_add(b->triage, rep, context, field, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (b->o.brief || b->o.renderer == NULL)
		return CHOUSA_OK;
	rc = chousa_render_item(&b->rs, rep, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (b->triage != NULL && !(b->o.renderer->flags &
	    CHOUSA_RENDER_TRIAGE_LAST))
		return hold(b, b->triage->n_rows - 1, err);
	return flush_out(b, err);
}

int
chousa_batch_leave_out(struct chousa_batch *b, const char *input,
    int context, const char *field, struct chousa_err *err)
{
	struct chousa_indicator ind;
	struct chousa_arena *a;
	int rc;

	if (b->triage == NULL)
		return CHOUSA_OK;
	rc = chousa_arena_new(&a, 0, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* As written when it does not parse: the table still names it. */
	memset(&ind, 0, sizeof(ind));
	(void)chousa_ioc_parse_context(a, input, strlen(input), CHOUSA_IOC_ALL,
	    CHOUSA_IOC_CTX_QUERY, &ind, NULL);
	rc = chousa_triage_leave_out(b->triage, ind.value != NULL ? ind.value :
	    input, ind.type, context, field, err);
	chousa_arena_free(a);
	return rc;
}

int
chousa_batch_finish(struct chousa_batch *b, struct chousa_err *err)
{
	size_t i;
	int rc;

	if (b->triage != NULL) {
		rc = chousa_triage_finish(b->triage, err);
		if (rc != CHOUSA_OK || !b->rendering)
			return rc;
		if (rc == CHOUSA_OK)
			rc = put(b, b->head.data, b->head.len, err);
		if (rc == CHOUSA_OK)
			rc = chousa_render_triage(&b->rs, b->triage, err);
		if (rc == CHOUSA_OK)
			rc = flush_out(b, err);
		for (i = 0; rc == CHOUSA_OK && i < b->triage->n_rows; i++)
			rc = release(b, b->triage->rows[i].index, err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (!b->rendering)
		return CHOUSA_OK;
	b->rendering = 0;
	rc = chousa_render_end(&b->rs, err);
	if (rc != CHOUSA_OK)
		return rc;
	return flush_out(b, err);
}

struct chousa_triage *
chousa_batch_take_triage(struct chousa_batch *b)
{
	struct chousa_triage *t = b->triage;

	b->triage = NULL;
	return t;
}

void
chousa_batch_summary(const struct chousa_batch *b,
    struct chousa_batch_summary *s)
{
	*s = b->sum;
}

int
chousa_batch_status(const struct chousa_batch_summary *s)
{
	if (s->found)
		return CHOUSA_EXIT_FOUND;
	if (s->bad)
		return CHOUSA_EXIT_BADINPUT;
	if (s->failed && !s->answered)
		return CHOUSA_EXIT_SOURCE;
	return CHOUSA_EXIT_CLEAN;
}

void
chousa_batch_free(struct chousa_batch *b)
{
	if (b == NULL)
		return;
	if (b->rendering)
		(void)chousa_render_end(&b->rs, NULL);
	if (b->spool != NULL)
		fclose(b->spool);
	mem_free(b->held);
	chousa_triage_free(b->triage);
	chousa_buf_release(&b->out);
	chousa_buf_release(&b->head);
	chousa_buf_release(&b->mem);
	mem_free(b);
}
