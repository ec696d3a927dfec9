/*
 * worker.c: every online investigation of the server runs in this one
 * thread, on one store handle and one HTTP handle.  So there is one set of
 * rate buckets and daily counters for the whole team (exact, since nothing
 * else spends them), and one cache.  Jobs that arrive while a batch runs
 * wait for the next one; queued jobs with the same options are merged and
 * each distinct input is investigated once for all of them (single
 * flight), and what a batch fetched is in the cache for the batches after
 * it.  Jobs are answered in the order they came.
 *
 * Offline investigations run on a small pool of their own (the pool_*
 * functions), not on the HTTP threads: an investigation costs many
 * look-ups, and a look-up queued behind it on the same HTTP thread waited
 * for all of them.  The pool's queue is bounded; when it is full the
 * request is refused at once (503, Retry-After) rather than held.  What
 * their requests hold is bounded too: req_submit() (server.c) refuses
 * past [server] queue_memory, and a job waits to run while the answers
 * not yet sent hold more than that.  A running REST job's output holds at
 * most SERVE_SPOOL_AT of memory: past it, it goes on to a file (ops.c);
 * the web page and MCP read their jobs' output back, so it stays there.
 */
#include <string.h>

#include "base/mem.h"
#include "serve/serve.h"

/* Distinct inputs merged into one batch (the CLI's batch size). */
#define MERGE_MAX	256

struct worker {
	pthread_t			 tid;
	pthread_mutex_t			 lock;
	pthread_cond_t			 cond;
	struct invjob			*head, *tail;
	int				 stop;
	int				 started;
	struct server			*srv;
	const struct chousa_config	*cfg;	/* held by ref */
	struct cfg_ref			*ref;
	struct chousa_store		*st;
	struct chousa_http		*http;
};

/* Whether two jobs can share one investigation. */
static int
same_options(const struct invjob *a, const struct invjob *b)
{
	return a->io.offline == b->io.offline &&
	    a->io.refresh == b->io.refresh &&
	    a->io.exhaustive == b->io.exhaustive &&
	    a->io.depth == b->io.depth &&
	    a->io.max_samples == b->io.max_samples &&
	    a->io.budget == b->io.budget && a->io.at == b->io.at &&
	    strcmp(a->sources, b->sources) == 0;
}

/* Index of s in v[0..n), or n. */
static size_t
find(const char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return n;
}

/* New inputs j would add to the n distinct ones in v. */
static size_t
added(const struct invjob *j, const char *const *v, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < j->n_inputs; i++)
		if (find(v, n, j->inputs[i]) == n && find(j->inputs, i,
		    j->inputs[i]) == i)
			k++;
	return k;
}

/*
 * Run the n jobs (same options, at most MERGE_MAX distinct inputs in all)
 * as one investigation, and give each its own rendering of the reports.
 */
static void
run_merged(struct worker *w, struct invjob **jobs, size_t n)
{
	const char *uniq[MERGE_MAX];
	struct chousa_investigate_opts io = jobs[0]->io;
	struct chousa_report *reps = NULL;
	struct chousa_ctx *ctx = NULL;
	struct chousa_err err = { 0 };
	struct budget budget;
	size_t n_uniq = 0, i, k;
	int rc;

	for (i = 0; i < n; i++)
		for (k = 0; k < jobs[i]->n_inputs; k++)
			if (find(uniq, n_uniq, jobs[i]->inputs[k]) == n_uniq)
				uniq[n_uniq++] = jobs[i]->inputs[k];
	io.sources = jobs[0]->sources[0] != '\0' ? jobs[0]->sources : NULL;
	io.shared_http = w->http;
	budget_init(&budget, w->st, jobs, n);
	budget_inputs(&budget, uniq, n_uniq);
	io.payer = &budget.payer;
	rc = chousa_ctx_new(&ctx, w->st, w->cfg, &io, &err);
	if (rc == CHOUSA_OK)
		rc = chousa_investigate(ctx, uniq, n_uniq, &reps, &err);
	for (i = 0; i < n; i++) {
		struct invjob *j = jobs[i];

		if (rc != CHOUSA_OK) {
			j->rc = rc;
			j->err = err;
			continue;
		}
		if (invjob_begin(j) == CHOUSA_OK)
			for (k = 0; k < j->n_inputs && j->rc == CHOUSA_OK; k++)
				(void)invjob_take(j, k,
				    &reps[find(uniq, n_uniq, j->inputs[k])]);
		invjob_end(j);
	}
	chousa_ctx_free(ctx);
}

static void
run_queue(struct worker *w, struct invjob *list)
{
	struct invjob *group[64], **pp, *j;
	const char *uniq[MERGE_MAX];
	size_t n, n_uniq, i, k;

	while (list != NULL) {
		j = list;
		list = j->next;
		if (j->n_inputs > MERGE_MAX) {
			invjob_run(j, w->st, w->cfg, w->http);
			j->done(j);
			continue;
		}
		/* Gather the queued jobs that can share j's run. */
		n = 0;
		group[n++] = j;
		n_uniq = 0;
		for (k = 0; k < j->n_inputs; k++)
			if (find(uniq, n_uniq, j->inputs[k]) == n_uniq)
				uniq[n_uniq++] = j->inputs[k];
		for (pp = &list; *pp != NULL && n < 64;) {
			struct invjob *o = *pp;

			if (!same_options(j, o) || o->n_inputs > MERGE_MAX ||
			    added(o, uniq, n_uniq) + n_uniq > MERGE_MAX) {
				pp = &o->next;
				continue;
			}
			for (k = 0; k < o->n_inputs; k++)
				if (find(uniq, n_uniq, o->inputs[k]) == n_uniq)
					uniq[n_uniq++] = o->inputs[k];
			*pp = o->next;
			group[n++] = o;
		}
		run_merged(w, group, n);
		for (i = 0; i < n; i++)
			group[i]->done(group[i]);
	}
}

/* Put j at the end of the queue head..tail. */
static void
append(struct invjob **head, struct invjob **tail, struct invjob *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

/* Answer j without running it: the server is stopping. */
static void
refuse(struct invjob *j)
{
	j->rc = chousa_errf(&j->err, CHOUSA_EBUSY, "the server is "
	    "stopping: ask again");
	j->done(j);
}

/* Refuse every job of list. */
static void
refuse_all(struct invjob *list)
{
	struct invjob *next;

	for (; list != NULL; list = next) {
		next = list->next;
		refuse(list);
	}
}

/*
 * The config in force, taken before each queue is run: keys a SIGHUP put
 * in force apply from the next, and the shared HTTP client starts afresh
 * with it.
 */
static void
take_config(struct worker *w)
{
	struct cfg_ref *ref;
	const struct chousa_config *cfg = cfg_take(w->srv, &ref);

	if (ref == w->ref) {
		cfg_drop(w->srv, ref);
		return;
	}
	cfg_drop(w->srv, w->ref);
	w->ref = ref;
	w->cfg = cfg;
	/* A key refused before may be the one just replaced. */
	chousa_http_forget(w->http);
	chousa_http_use_config(w->http, cfg);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct invjob *list;

	serve_name_thread("chousa-online");

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		if (w->head == NULL) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		list = w->head;
		w->head = w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		/* As the pool's: not while unsent answers hold too much. */
		server_wait_answers(w->srv, &w->stop);
		if (__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE))
			refuse_all(list);
		else {
			take_config(w);
			run_queue(w, list);
		}
		pthread_mutex_lock(&w->lock);
	}
	/* Whatever is still queued is answered, so no connection hangs. */
	list = w->head;
	w->head = w->tail = NULL;
	pthread_mutex_unlock(&w->lock);
	refuse_all(list);
	return NULL;
}

int
worker_start(struct worker **out, struct server *s, struct chousa_err *err)
{
	const struct chousa_config *cfg;
	struct chousa_http_opts ho;
	struct worker *w = mem_alloc(sizeof(*w));
	int rc;

	if (w == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->srv = s;
	cfg = w->cfg = cfg_take(s, &w->ref);
	rc = chousa_store_open(&w->st, s->db_path, CHOUSA_STORE_NOCREATE, err);
	if (rc != CHOUSA_OK)
		goto fail;
	memset(&ho, 0, sizeof(ho));
	rc = chousa_http_new(&w->http, &ho, err);
	if (rc != CHOUSA_OK)
		goto fail;
	chousa_http_use_config(w->http, cfg);
	if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "cannot start a thread");
		goto fail;
	}
	w->started = 1;
	*out = w;
	return CHOUSA_OK;
fail:
	worker_stop(w);
	return rc;
}

void
worker_stop(struct worker *w)
{
	if (w == NULL)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		pthread_join(w->tid, NULL);
	}
	chousa_http_free(w->http);
	chousa_store_close(w->st);
	cfg_drop(w->srv, w->ref);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	mem_free(w);
}

void
worker_submit(struct worker *w, struct invjob *j)
{
	pthread_mutex_lock(&w->lock);
	if (w->stop) {
		pthread_mutex_unlock(&w->lock);
		refuse(j);
		return;
	}
	append(&w->head, &w->tail, j);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

size_t
worker_queued(struct worker *w)
{
	const struct invjob *j;
	size_t n = 0;

	pthread_mutex_lock(&w->lock);
	for (j = w->head; j != NULL; j = j->next)
		n++;
	pthread_mutex_unlock(&w->lock);
	return n;
}

/* ---- offline investigations ---- */

/*
 * The offline investigations' threads.  [server] investigate_threads may
 * change at a SIGHUP: more are started when more are wanted than ever
 * ran; past the number wanted, a thread parks (on park, after its job)
 * rather than ending, so that its store handle, which the server keeps
 * to the end, is used again when it is wanted again.  Threads waiting for
 * work on cond are all under want: each looks at want before it waits,
 * and want changes under lock with both conditions woken.
 */
struct pool {
	struct server	*srv;
	pthread_t	*tid;
	int		 n_started;
	size_t		 cap_tid;
	int		 n_ids;		/* given to the threads as they start */
	int		 want;		/* threads that take jobs: ids 0..want-1 */
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_cond_t	 park;
	struct invjob	*head, *tail;
	size_t		 held;		/* reserved: queued or running */
	size_t		 max_held;
	long		 queue;		/* [server] investigate_queue */
	int		 stop;
};

static void *
pool_main(void *arg)
{
	struct pool *p = arg;
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct invjob *j;
	int stopping, id;

	serve_name_thread("chousa-offline");

	st = server_store(p->srv, &err);
	pthread_mutex_lock(&p->lock);
	id = p->n_ids++;
	for (;;) {
		if (id >= p->want && !p->stop) {
			pthread_cond_wait(&p->park, &p->lock);
			continue;
		}
		if (p->head == NULL && !p->stop) {
			pthread_cond_wait(&p->cond, &p->lock);
			continue;
		}
		j = p->head;
		if (j == NULL)
			break;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		stopping = p->stop;
		pthread_mutex_unlock(&p->lock);
		/*
		 * Queued jobs were taken when their requests were small;
		 * their answers may not be: each waits until the answers not
		 * yet sent are back under the budget.
		 */
		if (!stopping) {
			server_wait_answers(p->srv, &p->stop);
			stopping = __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
		}
		if (stopping)
			refuse(j);
		else if (st == NULL) {
			j->rc = chousa_errf(&j->err, CHOUSA_EIO, "the store "
			    "cannot be opened: %s", err.msg);
			j->done(j);
		} else {
			struct cfg_ref *ref;
			const struct chousa_config *cfg = cfg_take(p->srv,
			    &ref);

			j->cfg_gen = ref->gen;
			/*
			 * The same request just ahead of it may have kept its
			 * answer while it waited: a burst of one question
			 * runs once.
			 */
			if (j->kept_key != NULL && kept_get(p->srv->kept,
			    j->kept_key, j->kept_key_len, st, ref->gen, j->a,
			    &j->out, &j->kept))
				j->from_kept = 1;
			else {
				invjob_run(j, st, cfg, NULL);
				api_keep_answer(j, p->srv->kept);
			}
			cfg_drop(p->srv, ref);
			j->done(j);
		}
		pthread_mutex_lock(&p->lock);
		p->held--;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Threads started until n_started is n; 0, or -1 when one cannot be. */
static int
pool_grow(struct pool *p, int n)
{
	while (p->n_started < n) {
		if (MEM_GROW(p->tid, (size_t)p->n_started, p->cap_tid, 8,
		    0) != 0 || pthread_create(&p->tid[p->n_started], NULL,
		    pool_main, p) != 0)
			return -1;
		p->n_started++;
	}
	return 0;
}

int
pool_start(struct pool **out, struct server *s, int threads, long queue,
    struct chousa_err *err)
{
	struct pool *p = mem_alloc(sizeof(*p));

	if (p == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	memset(p, 0, sizeof(*p));
	p->srv = s;
	p->want = threads;
	p->queue = queue;
	p->max_held = (size_t)threads + (size_t)queue;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	pthread_cond_init(&p->park, NULL);
	pthread_mutex_lock(&p->lock);
	if (pool_grow(p, threads) != 0) {
		pthread_mutex_unlock(&p->lock);
		pool_stop(p);
		return chousa_errf(err, CHOUSA_ENOMEM, "cannot start a "
		    "thread");
	}
	pthread_mutex_unlock(&p->lock);
	*out = p;
	return CHOUSA_OK;
}

int
pool_set_threads(struct pool *p, int threads)
{
	int n;

	pthread_mutex_lock(&p->lock);
	(void)pool_grow(p, threads);
	/* As many as could be started, when not all could. */
	n = p->want = threads < p->n_started ? threads : p->n_started;
	p->max_held = (size_t)p->want + (size_t)p->queue;
	pthread_cond_broadcast(&p->park);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return n;
}

void
pool_stop(struct pool *p)
{
	int i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&p->cond);
	pthread_cond_broadcast(&p->park);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->n_started; i++)
		pthread_join(p->tid[i], NULL);
	pthread_cond_destroy(&p->park);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	mem_free(p->tid);
	mem_free(p);
}

int
pool_reserve(struct pool *p)
{
	int ok;

	pthread_mutex_lock(&p->lock);
	ok = !p->stop && p->held < p->max_held;
	if (ok)
		p->held++;
	pthread_mutex_unlock(&p->lock);
	return ok;
}

void
pool_submit(struct pool *p, struct invjob *j)
{
	pthread_mutex_lock(&p->lock);
	append(&p->head, &p->tail, j);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void
pool_set_queue(struct pool *p, long queue)
{
	pthread_mutex_lock(&p->lock);
	p->queue = queue;
	p->max_held = (size_t)p->want + (size_t)queue;
	pthread_mutex_unlock(&p->lock);
}

void
pool_load(struct pool *p, size_t *busy, size_t *cap)
{
	pthread_mutex_lock(&p->lock);
	*busy = p->held;
	*cap = p->max_held;
	pthread_mutex_unlock(&p->lock);
}
