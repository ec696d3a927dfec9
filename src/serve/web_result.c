/*
 * web_result.c: a page a POST made (a triage table, a report that asked
 * the online services) kept for the session that asked for it, so that
 * the POST can answer with a redirect to a GET of it (Post, Redirect,
 * Get).  Back and a reload then show it again without investigating again
 * (nor spending online quota), and without the browser offering to send
 * the form again.  Kept in memory only, under a random id that only
 * its session may read, for as long as a session lasts; the oldest go
 * first past WEB_RESULTS_MAX of them or WEB_RESULTS_BYTES in all, and past
 * WEB_RESULTS_PER_SESSION for one session.  A restart forgets them: the
 * page then says so and offers the form.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "serve/serve.h"

#define WEB_RESULTS_MAX		256
#define WEB_RESULTS_PER_SESSION	16
#define WEB_RESULTS_BYTES	((size_t)128 << 20)
#define WEB_RESULT_TTL		(8 * 3600)	/* a session's length */

struct kept {
	char	 id[WEB_RESULT_ID_SIZE + 1];
	char	 sid[SESSION_ID_SIZE + 1];	/* whose */
	char	*html;
	size_t	 len;
	uint64_t made;				/* the order they came in */
	int64_t	 expires;			/* 0: a free slot */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct kept kept[WEB_RESULTS_MAX];
static size_t kept_bytes;
static uint64_t n_made;

static void
drop(struct kept *k)
{
	kept_bytes -= k->len;
	/* A kept new token is gone with it. */
	explicit_bzero(k->html, k->len);
	mem_free(k->html);
	explicit_bzero(k, sizeof(*k));
}

/* The oldest kept result (of session sid when not NULL); NULL: none. */
static struct kept *
oldest(const char *sid, size_t *n)
{
	struct kept *o = NULL;
	size_t i;

	*n = 0;
	for (i = 0; i < WEB_RESULTS_MAX; i++) {
		struct kept *k = &kept[i];

		if (k->expires == 0 || (sid != NULL &&
		    !auth_secret_eq(k->sid, sid)))
			continue;
		(*n)++;
		if (o == NULL || k->made < o->made)
			o = k;
	}
	return o;
}

int
web_result_put(const char *sid, const char *id, const char *html,
    size_t len)
{
	int64_t now = (int64_t)time(NULL);
	struct kept *slot = NULL, *o;
	char *copy;
	size_t i, n;

	if (len > WEB_RESULTS_BYTES / 4 || (copy = mem_alloc(len + 1)) ==
	    NULL)
		return -1;
	memcpy(copy, html, len);
	pthread_mutex_lock(&lock);
	for (i = 0; i < WEB_RESULTS_MAX; i++)
		if (kept[i].expires != 0 && kept[i].expires < now)
			drop(&kept[i]);
	if ((o = oldest(sid, &n)) != NULL && n >= WEB_RESULTS_PER_SESSION)
		drop(o);
	while (kept_bytes + len > WEB_RESULTS_BYTES &&
	    (o = oldest(NULL, &n)) != NULL)
		drop(o);
	for (i = 0; i < WEB_RESULTS_MAX && slot == NULL; i++)
		if (kept[i].expires == 0)
			slot = &kept[i];
	if (slot == NULL)
		drop(slot = oldest(NULL, &n));
	memcpy(slot->id, id, WEB_RESULT_ID_SIZE + 1);
	snprintf(slot->sid, sizeof(slot->sid), "%s", sid);
	slot->html = copy;
	slot->len = len;
	slot->made = ++n_made;
	slot->expires = now + WEB_RESULT_TTL;
	kept_bytes += len;
	pthread_mutex_unlock(&lock);
	return 0;
}

static int
result_find(const char *sid, const char *id, struct chousa_buf *out,
    int take)
{
	int64_t now = (int64_t)time(NULL);
	size_t i;
	int found = 0;

	if (id == NULL || strlen(id) != WEB_RESULT_ID_SIZE)
		return 0;
	pthread_mutex_lock(&lock);
	for (i = 0; i < WEB_RESULTS_MAX && !found; i++) {
		struct kept *k = &kept[i];

		if (k->expires >= now && auth_secret_eq(k->id, id) &&
		    auth_secret_eq(k->sid, sid)) {
			chousa_buf_add(out, k->html, k->len);
			found = 1;
			if (take)
				drop(k);
		}
	}
	pthread_mutex_unlock(&lock);
	return found;
}

int
web_result_get(const char *sid, const char *id, struct chousa_buf *out)
{
	return result_find(sid, id, out, 0);
}

int
web_result_take(const char *sid, const char *id, struct chousa_buf *out)
{
	return result_find(sid, id, out, 1);
}
