/*
 * families.c: Malpedia's public family list (api/get/families) for a run
 * whose store has no catalogue.  A new user with only API keys still gets
 * "heodo", "geodo" and "emotet" under one id, win.emotet: the list is
 * fetched once, on first use, when the run goes online anyway and its
 * sources include Malpedia, kept in the response cache for a week, and
 * looked up by the same keys as the store's catalogue (lower-case letters
 * and digits of the id, its name part, the common name and each alias).  `chousa update malpedia` puts
 * the catalogue in the store, and then this is never fetched.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json_tree.h"
#include "base/mem.h"
#include "investigate/investigate.h"
#include "online/cache.h"

#define LIST_TTL	(7 * 86400L)
#define CACHE_KEY	"GET /get/families (the family list)"
#define KEY_MAX		96

struct fam_entry {
	const char	*key;
	const char	*id;
	const char	*name;
	int		 prio;	/* 0 id, 1 name, 2 alias; lower wins */
};

struct families {
	struct chousa_arena	*a;
	struct fam_entry	*v;
	size_t			 n;
	size_t			 cap;
};

struct fetch {
	char	*body;
	size_t	 len;
	long	 status;
	char	 why[256];
};

static void
key_of(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s != '\0' && n + 1 < cap; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			out[n++] = *s;
		else if (*s >= 'A' && *s <= 'Z')
			out[n++] = (char)(*s - 'A' + 'a');
	out[n] = '\0';
}

static int
add(struct families *f, const char *label, const char *id,
    const char *name, int prio)
{
	char k[KEY_MAX];

	if (label == NULL)
		return CHOUSA_OK;
	key_of(label, k, sizeof(k));
	if (k[0] == '\0')
		return CHOUSA_OK;
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 4096;
		struct fam_entry *nv = mem_alloc(ncap * sizeof(*nv));

		if (nv == NULL)
			return CHOUSA_ENOMEM;
		if (f->n > 0)
			memcpy(nv, f->v, f->n * sizeof(*nv));
		mem_free(f->v);
		f->v = nv;
		f->cap = ncap;
	}
	f->v[f->n].key = chousa_arena_strdup(f->a, k);
	if (f->v[f->n].key == NULL)
		return CHOUSA_ENOMEM;
	f->v[f->n].id = id;
	f->v[f->n].name = name;
	f->v[f->n].prio = prio;
	f->n++;
	return CHOUSA_OK;
}

/* By key, then priority, then Windows first (the feeds' usual meaning). */
static int
cmp_entry(const void *pa, const void *pb)
{
	const struct fam_entry *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (c != 0)
		return c;
	if (a->prio != b->prio)
		return a->prio - b->prio;
	c = (strncmp(b->id, "win.", 4) == 0) - (strncmp(a->id, "win.", 4) == 0);
	return c != 0 ? c : strcmp(a->id, b->id);
}

/* The get/families answer: { "win.emotet": { common_name, alt_names } }. */
static int
load(struct families *f, const char *body, size_t len, char *why,
    size_t why_size)
{
	struct jnode *root = jt_parse(body, len, why, why_size);
	size_t i, j;
	int rc = CHOUSA_OK;

	if (root == NULL)
		return CHOUSA_EPARSE;
	if (!jt_is(root, J_OBJ) || root->n == 0) {
		snprintf(why, why_size, "not a family list");
		jt_free(root);
		return CHOUSA_EPARSE;
	}
	for (i = 0; i < root->n && rc == CHOUSA_OK; i++) {
		const char *key = root->keys[i];
		struct jnode *fam = root->v[i];
		const char *common = jt_str(fam, "common_name");
		struct jnode *alt = jt_get(fam, "alt_names");
		const char *id, *name, *dot;

		if (strchr(key, '.') == NULL || strlen(key) > 100)
			continue;
		id = chousa_arena_strdup(f->a, key);
		name = common != NULL ? chousa_arena_strdup(f->a, common) : id;
		if (id == NULL || name == NULL) {
			rc = CHOUSA_ENOMEM;
			break;
		}
		dot = strchr(id, '.');
		rc = add(f, id, id, name, 0);
		if (rc == CHOUSA_OK)
			rc = add(f, dot + 1, id, name, 1);
		if (rc == CHOUSA_OK)
			rc = add(f, common, id, name, 1);
		for (j = 0; j < jt_len(alt) && j < 64 && rc == CHOUSA_OK; j++)
			if (jt_is_str(jt_at(alt, j)))
				rc = add(f, jt_at(alt, j)->s, id, name,
				    2);
	}
	jt_free(root);
	if (rc == CHOUSA_OK && f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), cmp_entry);
	return rc;
}

static void
on_list(void *arg, const struct chousa_http_resp *resp)
{
	struct fetch *ft = arg;

	ft->status = resp->status;
	if (resp->rc != CHOUSA_OK) {
		snprintf(ft->why, sizeof(ft->why), "%.200s", resp->errmsg);
		return;
	}
	if (resp->status != 200) {
		snprintf(ft->why, sizeof(ft->why), "HTTP %ld", resp->status);
		return;
	}
	ft->body = mem_alloc(resp->body.len + 1);
	if (ft->body == NULL) {
		snprintf(ft->why, sizeof(ft->why), "out of memory");
		return;
	}
	memcpy(ft->body, resp->body.data, resp->body.len);
	ft->body[resp->body.len] = '\0';
	ft->len = resp->body.len;
}

static void
cache_now(struct chousa_store *st, long status, const char *body,
    size_t len, int64_t now, long ttl)
{
	int opened = 0;

	if (cache_begin(st, &opened) != CHOUSA_OK)
		return;
	cache_put(st, "malpedia", CACHE_KEY, status, body, len, now, ttl,
	    NULL);
	if (opened)
		cache_commit(st);
}

/*
 * Whether the run goes online anyway: a selected online source has a key
 * or is enabled.  Only then is the list fetched, so a run with no keys
 * stays off the network.
 */
static int
goes_online(struct chousa_ctx *ctx)
{
	size_t i;

	if (ctx->http == NULL)
		return 0;
	for (i = 0; i < ctx->n_sources; i++) {
		const struct chousa_source *s = ctx->sources[i];

		if (s->flags & CHOUSA_SRC_LOCAL)
			continue;
		if (chousa_ctx_key(ctx, s) != NULL ||
		    chousa_config_get_bool(ctx->cfg, s->name, "enabled", 0))
			return 1;
	}
	for (i = 0; i < ctx->n_named; i++)
		if (!(ctx->named[i]->flags & CHOUSA_SRC_LOCAL))
			return 1;
	return 0;
}

/*
 * Whether the run may contact Malpedia: its sources (all of them, unless
 * --sources chose some, by name or as "online") include it.  An analyst
 * who names the sources expects no other host to be asked.
 */
static int
may_ask_malpedia(struct chousa_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->n_sources; i++)
		if (strcmp(ctx->sources[i]->name, "malpedia") == 0)
			return 1;
	return 0;
}

/* Where the list is: [feeds] malpedia_url, else the API's base URL. */
static const char *
list_url(struct chousa_ctx *ctx)
{
	const struct chousa_source *mp = chousa_source_find("malpedia");
	const char *u = chousa_config_get(ctx->cfg, "feeds", "malpedia_url");
	const char *base;

	if (u != NULL && *u != '\0')
		return u;
	base = mp != NULL ? chousa_ctx_base_url(ctx, mp) : NULL;
	return base != NULL ? chousa_arena_printf(ctx->keep,
	    "%s/get/families", base) : NULL;
}

static int
fetch_list(struct chousa_ctx *ctx, const char *url, struct fetch *ft)
{
	struct chousa_http_req req;
	struct chousa_err err = { 0 };

	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	if (chousa_http_submit(ctx->http, &req, on_list, ft, &err) !=
	    CHOUSA_OK || chousa_http_run(ctx->http, &err) != CHOUSA_OK) {
		if (ft->why[0] == '\0')
			snprintf(ft->why, sizeof(ft->why), "%.150s", err.msg);
		return CHOUSA_EHTTP;
	}
	return ft->body != NULL ? CHOUSA_OK : CHOUSA_EHTTP;
}

int
families_prepare(struct chousa_ctx *ctx, const char **note)
{
	struct families *f;
	struct fetch ft;
	struct cache_entry ce;
	uint64_t have_families = 0, have_benign = 0;
	int64_t now = (int64_t)time(NULL);
	const char *url;
	char day[32];
	int rc;

	*note = ctx->fam_note;
	if (ctx->fam_tried)
		return CHOUSA_OK;
	ctx->fam_tried = 1;
	if (ctx->store != NULL && chousa_store_reference(ctx->store,
	    &have_families, &have_benign, NULL) == CHOUSA_OK &&
	    have_families)
		return CHOUSA_OK;
	f = mem_alloc(sizeof(*f));
	if (f == NULL)
		return CHOUSA_ENOMEM;
	f->a = ctx->keep;
	ctx->families = f;
	memset(&ft, 0, sizeof(ft));
	memset(&ce, 0, sizeof(ce));
	url = list_url(ctx);
	if (ctx->store != NULL && cache_get(ctx->store, "malpedia", CACHE_KEY,
	    now, &ce, NULL) == CHOUSA_OK) {
		/* A list the server said it does not have, an hour ago. */
		if (ce.status != 200) {
			snprintf(ft.why, sizeof(ft.why), "HTTP %ld, cached",
			    ce.status);
			rc = CHOUSA_ENOTFOUND;
		} else
			rc = load(f, ce.body, ce.body_len, ft.why,
			    sizeof(ft.why));
		mem_free(ce.body);
		if (rc == CHOUSA_ENOTFOUND)
			goto noted;
		if (rc == CHOUSA_ENOMEM)
			return rc;
		if (rc == CHOUSA_OK) {
			chousa_time_format(ce.fetched_at, day, sizeof(day));
			ctx->fam_note = chousa_arena_printf(ctx->keep,
			    "the store has no Malpedia catalogue: family "
			    "aliases come from Malpedia's family list, cached "
			    "%s (chousa update malpedia keeps a catalogue in "
			    "the store)", day);
			*note = ctx->fam_note;
			return CHOUSA_OK;
		}
	}
	if (!goes_online(ctx) || url == NULL ||
	    !chousa_config_get_bool(ctx->cfg, "malpedia", "enabled", 1)) {
		ctx->fam_note = "the store has no Malpedia catalogue: family "
		    "aliases come from chousa's built-in list only (run chousa "
		    "update malpedia)";
		*note = ctx->fam_note;
		return CHOUSA_OK;
	}
	if (!may_ask_malpedia(ctx)) {
		ctx->fam_note = "the store has no Malpedia catalogue, and "
		    "Malpedia is not among this run's sources, so its family "
		    "list was not fetched: family aliases come from chousa's "
		    "built-in list only (add malpedia to --sources, or run "
		    "chousa update malpedia)";
		*note = ctx->fam_note;
		return CHOUSA_OK;
	}
	rc = fetch_list(ctx, url, &ft);
	/* "No such list" is an answer: asked again in an hour, not now. */
	if (rc != CHOUSA_OK && (ft.status == 404 || ft.status == 410) &&
	    ctx->store != NULL)
		cache_now(ctx->store, ft.status, "", 0, now, 3600);
	if (rc == CHOUSA_OK) {
		rc = load(f, ft.body, ft.len, ft.why, sizeof(ft.why));
		if (rc == CHOUSA_OK && ctx->store != NULL) {
			/* Cached as the online sources' answers are. */
			cache_now(ctx->store, 200, ft.body, ft.len, now,
			    LIST_TTL);
		}
	}
	mem_free(ft.body);
	if (rc == CHOUSA_ENOMEM)
		return rc;
noted:
	ctx->fam_note = rc == CHOUSA_OK ? "the store has no Malpedia "
	    "catalogue: Malpedia's public family list was fetched for this run "
	    "and cached for a week (chousa update malpedia keeps a catalogue "
	    "in the store)" : chousa_arena_printf(ctx->keep, "the store "
	    "has no Malpedia catalogue, and Malpedia's family list could not "
	    "be fetched (%.120s): family aliases come from chousa's built-in "
	    "list only (run chousa update malpedia)", ft.why);
	*note = ctx->fam_note;
	return CHOUSA_OK;
}

const char *
families_find(struct chousa_ctx *ctx, const char *label, const char **name)
{
	struct families *f = ctx->families;
	struct fam_entry want, *hit;
	char k[KEY_MAX];
	size_t lo, hi;

	if (f == NULL || f->n == 0 || label == NULL)
		return NULL;
	key_of(label, k, sizeof(k));
	want.key = k;
	/* The first entry with the key: the best by cmp_entry's order. */
	lo = 0;
	hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(f->v[mid].key, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= f->n || strcmp(f->v[lo].key, want.key) != 0)
		return NULL;
	hit = &f->v[lo];
	if (name != NULL)
		*name = hit->name;
	return hit->id;
}

void
families_free(struct chousa_ctx *ctx)
{
	if (ctx->families != NULL)
		mem_free(ctx->families->v);
	mem_free(ctx->families);
	ctx->families = NULL;
}
