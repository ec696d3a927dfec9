/*
 * used.c: when each token was last let in, and from which address, for
 * `chousa token list` (the tokens table's last_used_at, last_used_from),
 * so that a platform engineer can find the tokens nobody uses any more.
 *
 * Not written from the request path: a commit there would end every
 * thread's cached token (auth.c) and could wait on an import's write
 * lock.  Requests note a use in memory (each thread at most once every
 * USE_NOTE_EVERY seconds for the same token and address, so the lock is
 * rarely met); a thread of its own writes what was noted in one
 * transaction every USE_WRITE_EVERY seconds, and at the end.  A write
 * that fails (the store busy past its timeout) keeps the uses for the
 * next, and is noted for the health check (storewatch.c), which the
 * thread also runs each time.  The server's own listings lay what is
 * noted over what is written, so they are current; a `token list` beside
 * a running server is at most USE_WRITE_EVERY seconds behind, and a
 * kill -9 forgets that much.  A use is the token's by its id and hash
 * both: a `chousa db restore` meanwhile may have given the id to another
 * (a backup of another store), whose row must not take it (a listing,
 * which has no hashes, at least never lays a use on a token made after
 * it).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "serve/serve.h"

#define USE_NOTE_EVERY	30
#define USE_WRITE_EVERY	60

struct token_uses {
	struct server		*srv;
	pthread_t		 tid;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	int			 stop;
	/* Noted since the last write, one per token. */
	struct chousa_token_use	*v;
	size_t			 n, cap;
};

/* This thread's last note, so that the next within a while is skipped. */
static _Thread_local struct {
	const struct token_uses	*u;
	struct chousa_token_use	 last;
} use_seen;

/*
 * Keep use as the token's, unless a later one is kept; with the lock.  Out
 * of memory, it is not kept: the next note may be.
 */
static void
keep(struct token_uses *u, const struct chousa_token_use *use)
{
	size_t i;

	for (i = 0; i < u->n && (u->v[i].id != use->id ||
	    strcmp(u->v[i].hash, use->hash) != 0); i++)
		;
	if (i == u->n && MEM_GROW(u->v, u->n, u->cap, 16, 0) == 0) {
		u->v[u->n++] = *use;
		return;
	}
	if (i < u->n && u->v[i].at <= use->at)
		u->v[i] = *use;
}

void
uses_note(struct token_uses *u, int64_t token_id, const char *hash,
    const char *peer)
{
	int64_t now = (int64_t)time(NULL);
	const char *from = peer != NULL ? peer : "";

	if (u == NULL || token_id == 0 || hash == NULL)
		return;
	if (use_seen.u == u && use_seen.last.id == token_id &&
	    strcmp(use_seen.last.hash, hash) == 0 &&
	    now >= use_seen.last.at && now - use_seen.last.at <
	    USE_NOTE_EVERY && strcmp(use_seen.last.from, from) == 0)
		return;
	use_seen.u = u;
	use_seen.last.id = token_id;
	snprintf(use_seen.last.hash, sizeof(use_seen.last.hash), "%s", hash);
	use_seen.last.at = now;
	snprintf(use_seen.last.from, sizeof(use_seen.last.from), "%s", from);
	pthread_mutex_lock(&u->lock);
	keep(u, &use_seen.last);
	pthread_mutex_unlock(&u->lock);
}

/* Lay the uses noted but not yet written over the listed tokens. */
static void
overlay(struct token_uses *u, struct chousa_token *t, size_t n)
{
	size_t i, j;

	if (u == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	for (i = 0; i < n; i++)
		for (j = 0; j < u->n; j++)
			if (u->v[j].id == t[i].id &&
			    u->v[j].at >= t[i].created_at &&
			    u->v[j].at >= t[i].last_used_at) {
				t[i].last_used_at = u->v[j].at;
				memcpy(t[i].last_used_from, u->v[j].from,
				    sizeof(t[i].last_used_from));
			}
	pthread_mutex_unlock(&u->lock);
}

int
uses_tokens(struct token_uses *u, struct chousa_store *st,
    struct chousa_arena *a, long unused_for, struct chousa_token **t,
    size_t *n, struct chousa_err *err)
{
	int rc = chousa_store_token_list(st, a, t, n, err);

	if (rc != CHOUSA_OK)
		return rc;
	overlay(u, *t, *n);
	if (unused_for >= 0)
		*n = chousa_token_unused(*t, *n, (int64_t)time(NULL),
		    unused_for);
	return CHOUSA_OK;
}

/*
 * Write what is noted; called with the lock held, which it leaves while
 * writing.  A write that failed gives its uses back, under those noted
 * meanwhile.
 */
static void
write_noted(struct token_uses *u)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_token_use *v = u->v;
	size_t n = u->n, i;

	if (n == 0)
		return;
	u->v = NULL;
	u->n = u->cap = 0;
	pthread_mutex_unlock(&u->lock);
	st = server_store(u->srv, &err);
	if (st != NULL)
		(void)chousa_store_token_used(st, v, n, &err);
	storewatch_wrote(u->srv, &err);
	pthread_mutex_lock(&u->lock);
	if (err.code != CHOUSA_OK && u->stop)
		server_log(u->srv, "the tokens' uses of the last minute are "
		    "lost: %s", err.msg);
	else if (err.code != CHOUSA_OK) {
		server_log(u->srv, "the tokens' last use is not written "
		    "(tried again in %d s): %s", USE_WRITE_EVERY, err.msg);
		for (i = 0; i < n; i++)
			keep(u, &v[i]);
	}
	mem_free(v);
}

static void *
uses_main(void *arg)
{
	struct token_uses *u = arg;
	struct timespec until;

	serve_name_thread("chousa-used");
	pthread_mutex_lock(&u->lock);
	while (!u->stop) {
		until.tv_sec = time(NULL) + USE_WRITE_EVERY;
		until.tv_nsec = 0;
		while (!u->stop && pthread_cond_timedwait(&u->cond, &u->lock,
		    &until) == 0)
			;
		write_noted(u);
		if (u->stop)
			break;
		/* Once a minute, whether a probe asks or not. */
		pthread_mutex_unlock(&u->lock);
		(void)storewatch_check(u->srv, NULL);
		pthread_mutex_lock(&u->lock);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

int
uses_start(struct token_uses **out, struct server *s, struct chousa_err *err)
{
	struct token_uses *u = mem_alloc(sizeof(*u));

	if (u == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	u->srv = s;
	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->cond, NULL);
	if (pthread_create(&u->tid, NULL, uses_main, u) != 0) {
		pthread_cond_destroy(&u->cond);
		pthread_mutex_destroy(&u->lock);
		mem_free(u);
		return chousa_errf(err, CHOUSA_ENOMEM, "cannot start a thread");
	}
	*out = u;
	return CHOUSA_OK;
}

void
uses_stop(struct token_uses *u)
{
	if (u == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	u->stop = 1;
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->tid, NULL);	/* it writes what is left */
	pthread_cond_destroy(&u->cond);
	pthread_mutex_destroy(&u->lock);
	mem_free(u->v);
	mem_free(u);
}
