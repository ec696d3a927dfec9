/*
 * ops.c: what the REST API, the web page and MCP all do: look indicators
 * up, extract them from text, list the sources, and investigate.  Each
 * writes the same document the CLI prints (src/render/, the report
 * renderers) and the exit status the CLI would end with, so `chousa
 * --server` can print the answer as it is.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/tmp.h"
#include "serve/serve.h"

/* Room at *v (of *cap items of size each) for an item after n. */
static int
grow(struct chousa_arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	void **pv = v, *nv = chousa_arena_grow(a, *pv, n, cap, size);

	if (nv == NULL)
		return -1;
	*pv = nv;
	return 0;
}

static void
warn_push(struct warnings *w, struct chousa_arena *a, size_t at,
    size_t last, const char *msg, char kind)
{
	const char *m = chousa_arena_strdup(a, msg);
	size_t cap = w->cap;

	if (m == NULL || grow(a, &w->msg, w->n, &cap, sizeof(*w->msg)) != 0)
		return;
	/* The arrays grow to the same capacity, each from the old one. */
	cap = w->cap;
	if (grow(a, &w->at, w->n, &cap, sizeof(*w->at)) != 0)
		return;
	cap = w->cap;
	if (grow(a, &w->kind, w->n, &cap, sizeof(*w->kind)) != 0 ||
	    grow(a, &w->last, w->n, &w->cap, sizeof(*w->last)) != 0)
		return;
	w->msg[w->n] = m;
	w->at[w->n] = at;
	w->kind[w->n] = kind;
	w->last[w->n++] = last;
}

void
warn_add(struct warnings *w, struct chousa_arena *a, size_t at,
    size_t last, const char *msg)
{
	warn_push(w, a, at, last, msg, 'W');
}

void
warn_add_said(struct warnings *w, struct chousa_arena *a, size_t at,
    const char *text)
{
	const char *line;
	size_t len;

	while (*text != '\0') {
		len = strcspn(text, "\n");
		line = chousa_arena_strndup(a, text, len);
		if (line != NULL)
			warn_push(w, a, at, 0, line, 'S');
		text += len + (text[len] == '\n');
	}
}

void
warn_add_all(struct warnings *w, struct chousa_arena *a,
    const struct warnings *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		warn_push(w, a, from->at[i], from->last[i], from->msg[i],
		    from->kind[i]);
}

/* One look-up's verdict into the request's tally. */
static void
lookup_tally(struct lookup_tally *t, int verdict)
{
	if (verdict == CHOUSA_V_MALICIOUS)
		t->n_malicious++;
	if (verdict >= CHOUSA_V_UNKNOWN && verdict <= CHOUSA_V_MALICIOUS)
		t->n_verdict[verdict]++;
	t->status = chousa_lookup_status(t->status,
	    verdict == CHOUSA_V_MALICIOUS ? CHOUSA_EXIT_FOUND :
	    CHOUSA_EXIT_CLEAN);
}

int
op_lookup(struct runenv *env, struct chousa_arena *a,
    const char *const *inputs, size_t n, int json, int color,
    struct chousa_buf *out, struct lookup_tally *t, struct warnings *w,
    struct chousa_err *err)
{
	/* The CLI's format hooks, so both write the same bytes. */
	const struct chousa_result_hooks *f =
	    chousa_format_find(json ? "json" : "text")->results;
	struct chousa_lookup l;
	size_t i, shown = 0, mark = out->len;	/* where the CLI's last
						 * write began */
	int rc;

	memset(t, 0, sizeof(*t));
	if (env->st == NULL)
		return chousa_errf(err, CHOUSA_EIO, "no store");
	if (f->lookup_list != NULL)
		f->lookup_list(out, 0);
	for (i = 0; i < n; i++) {
		struct chousa_err e = { 0 };
		/*
		 * The answer written out, as the verdict is, is the store's
		 * alone: kept on the handle until the store changes, a team
		 * asking about the same indicators costs a copy.
		 */
		const char *key = chousa_arena_printf(a, "lookup\x1f%c%c\x1f%s",
		    json ? 'j' : color ? 'c' : 't', shown > 0 ? 'n' : '1',
		    inputs[i]);
		const char *kept;
		size_t kept_len;

		if (key != NULL && (kept = chousa_store_memo_bytes(env->st, key,
		    &l.verdict, &kept_len)) != NULL) {
			mark = out->len;
			chousa_buf_add(out, kept, kept_len);
			shown++;
			lookup_tally(t, l.verdict);
			continue;
		}
		rc = chousa_lookup(env->st, env->cfg, a, inputs[i],
		    strlen(inputs[i]), &l, &e);
		if (rc == CHOUSA_EPARSE) {
			warn_add(w, a, out->len, out->len - mark, e.msg);
			t->n_bad++;
			t->status = chousa_lookup_status(t->status,
			    CHOUSA_EXIT_BADINPUT);
			continue;
		}
		if (rc != CHOUSA_OK) {
			*err = e;
			return rc;
		}
		mark = out->len;
		f->lookup(out, a, &l, shown++, color && !json);
		if (key != NULL && chousa_buf_rc(out, "the look-up", &e) ==
		    CHOUSA_OK)
			chousa_store_memo_put_bytes(env->st, key, l.verdict,
			    out->data + mark, out->len - mark);
		lookup_tally(t, l.verdict);
	}
	if (f->lookup_list != NULL)
		f->lookup_list(out, 1);
	return chousa_buf_rc(out, "the look-up", err);
}

const char *
op_verdict_counts(struct chousa_arena *a, const size_t count[4], size_t bad)
{
	char buf[160];
	size_t n = 0;
	int v;

	buf[0] = '\0';
	for (v = CHOUSA_V_MALICIOUS; v >= CHOUSA_V_UNKNOWN; v--)
		if (count[v] > 0 && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			    "%s%s:%zu", n ? "," : "", chousa_verdict_name(v),
			    count[v]);
	if (bad > 0 && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "%snot an indicator:%zu",
		    n ? "," : "", bad);
	return chousa_arena_strdup(a, buf);
}

const char *
op_lookup_verdicts(struct chousa_arena *a, const struct lookup_tally *t)
{
	return op_verdict_counts(a, t->n_verdict, t->n_bad);
}

int
op_sources(struct runenv *env, struct chousa_arena *a, int json,
    struct chousa_buf *out, struct warnings *w, struct chousa_err *err)
{
	struct chousa_source_row *rows;
	size_t i, n;
	int rc;

	rc = chousa_sources_state(env->st, env->cfg, a, &rows, &n, err);
	if (rc != CHOUSA_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (rows[i].warning != NULL)
			warn_add(w, a, out->len, 0, rows[i].warning);
	if (json)
		chousa_sources_json(out, rows, n);
	else
		chousa_sources_text(out, rows, n);
	return chousa_buf_rc(out, "the list of sources", err);
}

/* ---- extraction ---- */

struct extract_run {
	struct extract_req	*x;
	struct chousa_buf	*out;
	struct chousa_buf	 d;
};

static int
seen(struct extract_req *x, const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < x->n_found; i++)
		if (strlen(x->found[i]) == len && memcmp(x->found[i], v, len) ==
		    0)
			return 1;
	return 0;
}

static int
on_ioc(void *arg, const struct chousa_indicator *ind)
{
	struct extract_run *e = arg;
	struct extract_req *x = e->x;
	const char *v = ind->value;
	size_t len = ind->value_len;

	if (x->a != NULL && !seen(x, v, len) &&
	    x->n_found < SERVE_MAX_INPUTS) {
		if (x->n_found == x->cap_found) {
			const char **nv;

			x->cap_found = x->cap_found ? x->cap_found * 2 : 32;
			nv = chousa_arena_alloc(x->a, x->cap_found *
			    sizeof(*nv));
			if (nv == NULL)
				return 1;
			if (x->n_found > 0)
				memcpy(nv, x->found, x->n_found * sizeof(*nv));
			x->found = nv;
		}
		x->found[x->n_found] = chousa_arena_strndup(x->a, v, len);
		if (x->found[x->n_found] == NULL)
			return 1;
		x->n_found++;
	}
	if (e->out == NULL)
		return 0;
	/* Refused whole, never cut to the first max_out. */
	if (x->max_out > 0 && ++x->n_out > x->max_out)
		return 1;
	if (x->defang) {
		chousa_buf_reset(&e->d);
		chousa_ioc_defang(&e->d, v, len);
		v = e->d.data;
		len = e->d.len;
	}
	if (x->json)
		chousa_extract_json(e->out, ind, v, len, NULL);
	else
		chousa_extract_tsv(e->out, ind, v, len);
	return 0;
}

int
op_extract(struct extract_req *x, struct chousa_buf *out,
    struct chousa_err *err)
{
	struct chousa_extract_opts xo;
	struct chousa_extractor *ex;
	struct extract_run e;
	int rc;

	xo.types = x->types != 0 ? x->types : CHOUSA_IOC_ALL;
	xo.unique = x->unique;
	xo.keep_private = !x->public_only;
	rc = chousa_extractor_new(&ex, &xo, err);
	if (rc != CHOUSA_OK)
		return rc;
	e.x = x;
	e.out = out;
	chousa_buf_init(&e.d, 0);
	rc = chousa_extract(ex, x->text != NULL ? x->text : "", x->len, 0,
	    on_ioc, &e, err);
	chousa_buf_release(&e.d);
	chousa_extractor_free(ex);
	if (x->max_out > 0 && x->n_out > x->max_out)
		return chousa_errf(err, CHOUSA_ELIMIT, "the text holds more "
		    "than %zu indicators: split it (none is answered)",
		    x->max_out);
	if (rc == CHOUSA_OK && out != NULL)
		rc = chousa_buf_rc(out, "the extraction", err);
	return rc;
}

/* The inputs of a job from a text, growing in the job's arena. */
struct text_job {
	struct invjob	*j;
	int		 all;
	int		 nomem;
	int		 over;		/* more indicators than a request takes */
	int		*context;
	size_t		 cap_inputs, cap_context, cap_field, cap_left;
};

static int
take_text_input(struct text_job *tj, const struct chousa_indicator *ind,
    int context, const char *field)
{
	struct invjob *j = tj->j;
	struct chousa_arena *a = j->a;
	const char *v, *f = NULL;
	size_t n = j->n_inputs;

	v = chousa_arena_strndup(a, ind->value, ind->value_len);
	if (field[0] != '\0')
		f = chousa_arena_strdup(a, field);
	if (v == NULL || (field[0] != '\0' && f == NULL))
		return -1;
	if (chousa_triage_left_out(context, tj->all)) {
		struct left_out *l;

		if (grow(a, &j->left, j->n_left, &tj->cap_left,
		    sizeof(*j->left)) != 0)
			return -1;
		l = &j->left[j->n_left++];
		l->value = v;
		l->context = context;
		l->field = f;
		l->before = n;
		return 0;
	}
	if (grow(a, &j->inputs, n, &tj->cap_inputs, sizeof(*j->inputs)) != 0 ||
	    grow(a, &tj->context, n, &tj->cap_context,
	    sizeof(*tj->context)) != 0 ||
	    grow(a, &j->field, n, &tj->cap_field, sizeof(*j->field)) != 0)
		return -1;
	j->inputs[n] = v;
	tj->context[n] = context;
	j->field[n] = f;
	j->n_inputs = n + 1;
	return 0;
}

static int
on_text_input(void *arg, const struct chousa_indicator *ind, int context,
    const char *field)
{
	struct text_job *tj = arg;

	/*
	 * Refused whole rather than cut: an investigation of the first
	 * 1000 would say "nothing malicious" of a text whose 1001st is.
	 */
	if (tj->j->n_inputs + tj->j->n_left >= SERVE_MAX_INPUTS) {
		tj->over = 1;
		return 1;
	}
	if (take_text_input(tj, ind, context, field) != 0) {
		tj->nomem = 1;
		return 1;
	}
	return 0;
}

int
op_extract_inputs(struct invjob *j, const char *text, size_t len, int all,
    struct chousa_err *err)
{
	struct text_job tj;
	int rc;

	memset(&tj, 0, sizeof(tj));
	tj.j = j;
	tj.all = all;
	j->from_text = 1;
	rc = chousa_triage_extract(text, len, on_text_input, &tj, err);
	if (tj.over)
		rc = chousa_errf(err, CHOUSA_ELIMIT, "the text holds more than "
		    "%d indicators, and the server investigates at most %d a "
		    "request: send it in parts, or investigate it locally "
		    "(chousa investigate --extract)", SERVE_MAX_INPUTS,
		    SERVE_MAX_INPUTS);
	else if (tj.nomem)
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	j->context = tj.context;
	return rc;
}

/* ---- investigation ---- */

#define INV_BATCH	256

static void
note_asked(struct invjob *j, const struct chousa_report *rep)
{
	size_t s, f;

	for (s = 0; s < rep->n_stages; s++)
		for (f = 0; f < rep->stages[s].n_findings; f++) {
			const struct chousa_finding *x =
			    &rep->stages[s].findings[f];
			size_t n = strlen(j->asked), k = strlen(x->source);
			const char *p;
			int dup = 0;

			if (x->status != CHOUSA_ST_HIT && x->status !=
			    CHOUSA_ST_MISS && x->status != CHOUSA_ST_ERROR)
				continue;
			for (p = j->asked; (p = strstr(p, x->source)) != NULL;
			    p += k)
				if ((p == j->asked || p[-1] == ',') &&
				    (p[k] == ',' || p[k] == '\0'))
					dup = 1;
			if (dup || n + k + 2 >= sizeof(j->asked))
				continue;
			snprintf(j->asked + n, sizeof(j->asked) - n, "%s%s",
			    n > 0 ? "," : "", x->source);
		}
}

static void
summarize(struct invjob *j, size_t i, const struct chousa_report *rep)
{
	struct inv_summary *s = &j->sum[i];
	struct chousa_arena *a = j->a;

	s->input = j->inputs[i];
	if (rep->parse_rc != CHOUSA_OK) {
		s->reason = chousa_arena_strdup(a, rep->parse_error);
		return;
	}
	s->value = chousa_arena_strdup(a, rep->ind.value);
	s->type = chousa_ioc_type_name(rep->ind.type);
	s->verdict = rep->verdict;
	s->reason = rep->verdict_reason != NULL ?
	    chousa_arena_strdup(a, rep->verdict_reason) : NULL;
	s->n_hits = rep->n_hits;
	if (rep->family != NULL) {
		s->family = chousa_arena_strdup(a, rep->family->name != NULL ?
		    rep->family->name : rep->family->id);
		s->family_id = chousa_arena_strdup(a, rep->family->id);
		s->confidence = rep->family->confidence;
	}
}

/* ---- an investigation's output, spooled past SERVE_SPOOL_AT ---- */

int
spool_spill(int *fd, size_t *spooled, struct chousa_buf *b,
    struct chousa_err *err)
{
	const char *p = b->data;
	size_t left = b->len;

	if (*spooled == 0) {
		*fd = chousa_tmp_fd();
		if (*fd < 0)
			return chousa_errf(err, CHOUSA_EINTERNAL, "cannot make "
			    "a temporary file for the answer: %s",
			    strerror(errno));
	}
	if (chousa_write_all(*fd, p, left) != 0) {
		int e = errno;

		if (*spooled == 0)
			close(*fd);
		return chousa_errf(err, CHOUSA_EINTERNAL, "cannot write the "
		    "answer to a temporary file: %s", strerror(e));
	}
	*spooled += left;
	chousa_buf_reset(b);
	return CHOUSA_OK;
}

/* What j holds in memory goes to the end of its spool. */
static int
spill(struct invjob *j, struct chousa_err *err)
{
	int rc = spool_spill(&j->spool_fd, &j->spooled, &j->out, err);

	/* The answer's cap stays SERVE_MAX_OUTPUT in all. */
	if (rc == CHOUSA_OK)
		j->out.max = SERVE_MAX_OUTPUT - j->spooled;
	return rc;
}

/* The batch's output (chousa_batch_write_fn): into out, then the spool. */
static int
spool_write(void *arg, const char *data, size_t len, struct chousa_err *err)
{
	struct invjob *j = arg;

	j->put_at = invjob_len(j);
	chousa_buf_add(&j->out, data, len);
	if (j->out.failed != CHOUSA_OK)
		return chousa_buf_rc(&j->out, "the report", err);
	return j->out.len >= SERVE_SPOOL_AT ? spill(j, err) : CHOUSA_OK;
}

size_t
invjob_len(const struct invjob *j)
{
	return j->spooled + j->out.len;
}

void
invjob_unspool(struct invjob *j)
{
	if (j->spooled == 0)
		return;
	close(j->spool_fd);
	j->spooled = 0;
}

/* ---- an investigation's output ---- */

int
invjob_begin(struct invjob *j)
{
	struct chousa_batch_opts bo;

	memset(&j->err, 0, sizeof(j->err));
	j->batch = NULL;
	j->next_left = 0;
	j->sum = chousa_arena_alloc(j->a, (j->n_inputs + 1) *
	    sizeof(*j->sum));
	if (j->sum == NULL)
		return j->rc = chousa_errf(&j->err, CHOUSA_ENOMEM,
		    "out of memory");
	memset(&bo, 0, sizeof(bo));
	bo.renderer = j->renderer;
	bo.render = j->ro;
	bo.n_inputs = j->n_inputs + j->n_left;
	bo.brief = j->brief;
	bo.table = j->table;
	bo.from_text = j->from_text;
	/*
	 * One input is rendered in place (the small answer's way: no copy),
	 * and spilled once its report is made; more may make a table, whose
	 * reports are held in a temporary file until it is done, as the
	 * CLI's are, and then go out through spool_write.
	 */
	if (j->spool && j->n_inputs + j->n_left > 1) {
		bo.spool_file = 1;
		bo.write = spool_write;
		bo.arg = j;
	} else
		bo.out = &j->out;
	return j->rc = chousa_batch_new(&j->batch, &bo, &j->err);
}

/* The left-out inputs before the investigated input until, into the table. */
static int
add_left_out(struct invjob *j, size_t until)
{
	for (; j->next_left < j->n_left && j->left[j->next_left].before <=
	    until; j->next_left++) {
		const struct left_out *l = &j->left[j->next_left];

		j->rc = chousa_batch_leave_out(j->batch, l->value, l->context,
		    l->field, &j->err);
		if (j->rc != CHOUSA_OK)
			return j->rc;
	}
	return j->rc = CHOUSA_OK;
}

int
invjob_take(struct invjob *j, size_t i, const struct chousa_report *rep)
{
	if (j->rc != CHOUSA_OK)
		return j->rc;
	/* Said where the CLI says it: before the report's output. */
	if (rep->parse_rc != CHOUSA_OK)
		warn_add(&j->warn, j->a, invjob_len(j), invjob_len(j) -
		    j->put_at, rep->parse_error);
	summarize(j, i, rep);
	note_asked(j, rep);
	if (add_left_out(j, i) != CHOUSA_OK)
		return j->rc;
	j->put_at = invjob_len(j);
	j->rc = chousa_batch_add(j->batch, rep, j->context != NULL ?
	    j->context[i] : CHOUSA_CTX_BODY, j->field != NULL ? j->field[i] :
	    NULL, &j->err);
	/* Rendered in place: past the threshold, to the spool. */
	if (j->rc == CHOUSA_OK && j->spool && j->out.len >= SERVE_SPOOL_AT)
		j->rc = spill(j, &j->err);
	return j->rc;
}

int
invjob_end(struct invjob *j)
{
	struct chousa_batch_summary sum;

	if (j->batch == NULL)
		return j->rc;
	j->put_at = invjob_len(j);
	if (j->rc == CHOUSA_OK && add_left_out(j, j->n_inputs) == CHOUSA_OK)
		j->rc = chousa_batch_finish(j->batch, &j->err);
	/* A spooled answer is all in its file. */
	if (j->rc == CHOUSA_OK && j->spooled > 0 && j->out.len > 0)
		j->rc = spill(j, &j->err);
	if (j->spooled > 0)
		chousa_buf_release(&j->out);
	chousa_batch_summary(j->batch, &sum);
	if (j->rc == CHOUSA_OK)
		j->triage = chousa_batch_take_triage(j->batch);
	chousa_batch_free(j->batch);
	j->batch = NULL;
	/* As `chousa investigate`: an input that is none outranks found. */
	j->exit_status = chousa_lookup_status(chousa_batch_status(&sum),
	    sum.bad ? CHOUSA_EXIT_BADINPUT : CHOUSA_EXIT_CLEAN);
	if (!sum.table && j->n_left > 0 && j->rc == CHOUSA_OK) {
		char note[160];

		chousa_triage_left_out_note(note, sizeof(note), j->n_left);
		warn_add(&j->warn, j->a, invjob_len(j), invjob_len(j) -
		    j->put_at, note);
	}
	return j->rc;
}

int
invjob_run(struct invjob *j, struct chousa_store *st,
    const struct chousa_config *cfg, struct chousa_http *shared)
{
	struct chousa_investigate_opts io = j->io;
	struct chousa_report *reps;
	struct chousa_ctx *ctx = NULL;
	struct budget budget;
	size_t i, k;
	int snapshot;

	if (invjob_begin(j) != CHOUSA_OK)
		goto out;
	io.sources = j->sources[0] != '\0' ? j->sources : NULL;
	io.shared_http = io.offline ? NULL : shared;
	budget_init(&budget, st, &j, 1);
	if (!io.offline)
		io.payer = &budget.payer;
	/*
	 * Offline, the run only reads: one read transaction for all of it,
	 * rather than a WAL read lock taken and dropped by each statement
	 * (a fifth of an offline investigation's time under load).
	 */
	snapshot = io.offline && st != NULL &&
	    chousa_store_snapshot_begin(st, NULL) == CHOUSA_OK;
	/* What its answer is true of, should it be kept. */
	j->began = kept_now();
	j->marked = snapshot && chousa_store_mark(st, &j->mark);
	j->rc = chousa_ctx_new(&ctx, st, cfg, &io, &j->err);
	for (i = 0; j->rc == CHOUSA_OK && i < j->n_inputs; i += INV_BATCH) {
		size_t n = j->n_inputs - i < INV_BATCH ? j->n_inputs - i :
		    INV_BATCH;

		budget_inputs(&budget, j->inputs + i, n);
		j->rc = chousa_investigate(ctx, j->inputs + i, n, &reps,
		    &j->err);
		for (k = 0; j->rc == CHOUSA_OK && k < n; k++)
			(void)invjob_take(j, i + k, &reps[k]);
		if (j->rc == CHOUSA_OK)
			j->rc = chousa_ctx_reset(ctx, &j->err);
	}
	chousa_ctx_free(ctx);
	if (snapshot)
		chousa_store_snapshot_end(st);
out:
	return invjob_end(j);
}
