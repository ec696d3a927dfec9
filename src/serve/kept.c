/*
 * kept.c: offline investigations' answers, kept for the whole server so
 * that the same question asked again (an alert that fires again, a team
 * pivoting on the same indicator, an agent that asks twice) is answered
 * at once on the HTTP thread, instead of waiting in the investigations'
 * queue for work already done, as IntelOwl reuses a recent analysis.
 *
 * An answer is the store's, the config's and the clock's: it is given
 * again only while the indicator data has had no commit since the
 * investigation's snapshot began (its mark, the WAL index header every
 * connection shares, so that a commit by any process moves it; this
 * server's own bookkeeping, a token's use or an online answer cached, is
 * told apart by chousa_store_data_moved), under the same config (a
 * SIGHUP's new one is another generation), and for KEPT_SECONDS at most,
 * so that what an answer says of age (a stale feed) is never older than
 * that.  The key is the asker's, all that makes its answer: the REST
 * request's role and JSON body as sent, MCP's role, transport and the
 * investigate tool's arguments as read (api.c, mcp.c); a kept answer is
 * only ever given to the same key.  A hash table of chains; past
 * [server] answer_cache bytes in all, or KEPT_MAX answers, every answer
 * is forgotten at once, which is rare and cheaper than an order of use.
 */
#include <pthread.h>
#include <string.h>

#include "base/hash.h"
#include "base/mem.h"
#include "serve/serve.h"

#define KEPT_SLOTS	16384	/* chains; a power of two */
#define KEPT_MAX	65536
#define KEPT_SECONDS	60

struct kept_answer {
	struct kept_answer	*next;	/* in its chain */
	char			*key;	/* then verdicts, asked, bytes */
	size_t			 key_len;
	size_t			 len;	/* the bytes' */
	const char		*verdicts;
	const char		*asked;
	const char		*bytes;
	size_t			 size;	/* all of it, as counted */
	struct chousa_store_mark mark;
	unsigned		 cfg_gen;
	int64_t			 at;	/* monotonic seconds */
	int			 exit_status;
};

struct kept {
	pthread_mutex_t		 lock;
	struct kept_answer	*slot[KEPT_SLOTS];
	size_t			 bytes;
	size_t			 n;
	size_t			 max;
	unsigned long		 hits;
};

int
kept_new(struct kept **out, size_t max)
{
	struct kept *k = mem_alloc(sizeof(*k));

	*out = k;
	if (k == NULL)
		return CHOUSA_ENOMEM;
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	k->max = max;
	return CHOUSA_OK;
}

/* The answer at *at, unlinked and freed. */
static void
forget(struct kept *k, struct kept_answer **at)
{
	struct kept_answer *e = *at;

	*at = e->next;
	k->bytes -= e->size;
	k->n--;
	mem_free(e->key);
	mem_free(e);
}

static void
forget_all(struct kept *k)
{
	size_t i;

	for (i = 0; i < KEPT_SLOTS; i++)
		while (k->slot[i] != NULL)
			forget(k, &k->slot[i]);
}

void
kept_free(struct kept *k)
{
	if (k == NULL)
		return;
	forget_all(k);
	pthread_mutex_destroy(&k->lock);
	mem_free(k);
}

void
kept_set_max(struct kept *k, size_t max)
{
	pthread_mutex_lock(&k->lock);
	k->max = max;
	if (k->bytes > max)
		forget_all(k);
	pthread_mutex_unlock(&k->lock);
}

unsigned long
kept_hits(struct kept *k)
{
	unsigned long n;

	if (k == NULL)
		return 0;
	pthread_mutex_lock(&k->lock);
	n = k->hits;
	pthread_mutex_unlock(&k->lock);
	return n;
}

static size_t
slot_of(const char *key, size_t len)
{
	return chousa_fnv1a32(CHOUSA_FNV32_INIT, key, len) & (KEPT_SLOTS - 1);
}

static int
same_key(const struct kept_answer *e, const char *key, size_t len)
{
	return e != NULL && e->key_len == len && memcmp(e->key, key, len) ==
	    0;
}

/*
 * Whether e may answer now: no commit of data since its snapshot (as st,
 * the asker's handle, sees the store), the same config, young enough.
 */
static int
still_true(const struct kept_answer *e, struct chousa_store *st,
    unsigned cfg_gen, int64_t now)
{
	return e->cfg_gen == cfg_gen && now - e->at < KEPT_SECONDS &&
	    now >= e->at && !chousa_store_data_moved(st, &e->mark);
}

int
kept_get(struct kept *k, const char *key, size_t key_len,
    struct chousa_store *st, unsigned cfg_gen, struct chousa_arena *a,
    struct chousa_buf *out, struct kept_meta *meta)
{
	struct kept_answer **at, *e;
	int64_t now = kept_now();
	int found = 0;

	if (k == NULL || st == NULL)
		return 0;
	pthread_mutex_lock(&k->lock);
	for (at = &k->slot[slot_of(key, key_len)]; (e = *at) != NULL;
	    at = &e->next)
		if (same_key(e, key, key_len))
			break;
	if (e != NULL && !still_true(e, st, cfg_gen, now))
		forget(k, at);
	else if (e != NULL) {
		meta->verdicts = chousa_arena_strdup(a, e->verdicts);
		meta->asked = chousa_arena_strdup(a, e->asked);
		meta->exit_status = e->exit_status;
		meta->age = (long)(now - e->at);
		if (meta->verdicts != NULL && meta->asked != NULL) {
			chousa_buf_add(out, e->bytes, e->len);
			found = out->failed == CHOUSA_OK;
		}
		if (found)
			k->hits++;
	}
	pthread_mutex_unlock(&k->lock);
	return found;
}

void
kept_put(struct kept *k, const char *key, size_t key_len,
    const struct kept_put *p)
{
	size_t lv = strlen(p->verdicts), la = strlen(p->asked), size;
	struct kept_answer *e, **at;
	char *q;

	if (k == NULL)
		return;
	size = key_len + lv + la + p->len + 3 + sizeof(*e);
	e = mem_alloc(sizeof(*e));
	q = mem_alloc(size - sizeof(*e));
	if (e == NULL || q == NULL) {
		mem_free(e);
		mem_free(q);
		return;	/* not kept: the next asker runs it again */
	}
	e->key = q;
	e->key_len = key_len;
	memcpy(q, key, key_len);
	q += key_len;
	e->verdicts = q;
	memcpy(q, p->verdicts, lv + 1);
	q += lv + 1;
	e->asked = q;
	memcpy(q, p->asked, la + 1);
	q += la + 1;
	e->bytes = q;
	if (p->len > 0)
		memcpy(q, p->bytes, p->len);
	q[p->len] = '\0';
	e->len = p->len;
	e->size = size;
	e->mark = p->mark;
	e->cfg_gen = p->cfg_gen;
	e->at = p->at;
	e->exit_status = p->exit_status;

	pthread_mutex_lock(&k->lock);
	if (size > k->max) {
		pthread_mutex_unlock(&k->lock);
		mem_free(e->key);
		mem_free(e);
		return;
	}
	if (k->bytes + size > k->max || k->n >= KEPT_MAX)
		forget_all(k);
	/* In place of an answer of its key, if any. */
	for (at = &k->slot[slot_of(key, key_len)]; *at != NULL;
	    at = &(*at)->next)
		if (same_key(*at, key, key_len)) {
			forget(k, at);
			break;
		}
	at = &k->slot[slot_of(key, key_len)];
	e->next = *at;
	*at = e;
	k->n++;
	k->bytes += size;
	pthread_mutex_unlock(&k->lock);
}

int64_t
kept_now(void)
{
	return (int64_t)chousa_monotonic();
}
