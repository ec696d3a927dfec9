/*
 * ctx.c: the run context of an investigation.  It holds what sources may
 * use (store, config, http, the run arena) and the options of the run, and
 * it is the only place that decides whether an http handle exists at all:
 * an offline run never creates one, so no source can open a socket.
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "investigate/investigate.h"
#include "ioc/labels.h"

#define CTX_ARENA_MAX	((size_t)1 << 30)

/* Pick the sources named in list (NULL: all), in ask order. */
static int
select_sources(struct chousa_ctx *ctx, const char *list,
    struct chousa_err *err)
{
	const struct chousa_source *const *all = chousa_sources();
	size_t i, n;

	for (n = 0; n < INV_MAX_SOURCES && all[n] != NULL; n++)
		;
	if (list == NULL || *list == '\0') {
		for (i = 0; i < n; i++)
			ctx->sources[ctx->n_sources++] = all[i];
		return CHOUSA_OK;
	}
	for (i = 0; i < n; i++) {
		const char *p = list, *name = all[i]->name;
		size_t name_len = strlen(name);
		int want = 0;

		while (*p != '\0') {
			size_t len = strcspn(p, ", ");

			if ((len == name_len && strncmp(p, name, len) == 0) ||
			    (len == 5 && strncmp(p, "local", 5) == 0 &&
			    (all[i]->flags & CHOUSA_SRC_LOCAL)) ||
			    (len == 6 && strncmp(p, "online", 6) == 0 &&
			    !(all[i]->flags & CHOUSA_SRC_LOCAL)))
				want = 1;
			p += len;
			while (*p == ',' || *p == ' ')
				p++;
		}
		if (want)
			ctx->sources[ctx->n_sources++] = all[i];
	}
	/* Every name given must be a source. */
	while (*list != '\0') {
		size_t len = strcspn(list, ", ");
		int found = len == 0 || (len == 5 &&
		    strncmp(list, "local", 5) == 0) || (len == 6 &&
		    strncmp(list, "online", 6) == 0);

		for (i = 0; i < n && !found; i++)
			if (strlen(all[i]->name) == len &&
			    strncmp(all[i]->name, list, len) == 0) {
				found = 1;
				if (ctx->n_named < INV_MAX_SOURCES)
					ctx->named[ctx->n_named++] = all[i];
			}
		if (!found)
			return chousa_errf(err, CHOUSA_ENOTFOUND,
			    "unknown source '%.*s' (see chousa sources)",
			    (int)(len > 40 ? 40 : len), list);
		list += len;
		while (*list == ',' || *list == ' ')
			list++;
	}
	return CHOUSA_OK;
}

int
chousa_ctx_new(struct chousa_ctx **out, struct chousa_store *st,
    const struct chousa_config *cfg,
    const struct chousa_investigate_opts *opts, struct chousa_err *err)
{
	struct chousa_ctx *ctx;
	struct chousa_http_opts hopts;
	int rc;

	ctx = mem_alloc(sizeof(*ctx));
	if (ctx == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (opts != NULL)
		ctx->opts = *opts;
	if (ctx->opts.depth == 0)
		ctx->opts.depth = INV_DEFAULT_DEPTH;
	else if (ctx->opts.depth < 0)
		ctx->opts.depth = 0;
	if (ctx->opts.depth > INV_MAX_DEPTH)
		ctx->opts.depth = INV_MAX_DEPTH;
	if (ctx->opts.max_samples <= 0)
		ctx->opts.max_samples = INV_DEFAULT_SAMPLES;
	if (ctx->opts.budget <= 0)
		ctx->opts.budget = INV_DEFAULT_BUDGET;
	/* The cache is read through the store: no socket is ever needed. */
	if (ctx->opts.cache_only) {
		ctx->opts.offline = 1;
		ctx->opts.refresh = 0;
	}
	ctx->opts.sources = NULL;	/* not kept: borrowed */
	ctx->opts.http = NULL;
	ctx->store = st;
	ctx->cfg = cfg;
	if (cfg == NULL) {
		rc = chousa_config_parse(&ctx->own_cfg, "", 0, "(none)", err);
		if (rc != CHOUSA_OK)
			goto out;
		ctx->cfg = ctx->own_cfg;
	}
	rc = select_sources(ctx, opts != NULL ? opts->sources : NULL, err);
	if (rc != CHOUSA_OK)
		goto out;
	rc = chousa_arena_new(&ctx->arena, CTX_ARENA_MAX, err);
	if (rc == CHOUSA_OK)
		rc = chousa_arena_new(&ctx->keep, CTX_ARENA_MAX, err);
	if (rc != CHOUSA_OK)
		goto out;
	if (!ctx->opts.offline && ctx->opts.shared_http != NULL)
		ctx->http = ctx->opts.shared_http;
	else if (!ctx->opts.offline) {
		if (opts != NULL && opts->http != NULL)
			hopts = *opts->http;
		else
			memset(&hopts, 0, sizeof(hopts));
		hopts.offline = 0;
		rc = chousa_http_new(&ctx->http, &hopts, err);
		if (rc != CHOUSA_OK)
			goto out;
	}
	*out = ctx;
	ctx = NULL;
out:
	chousa_ctx_free(ctx);
	return rc;
}

void
chousa_ctx_free(struct chousa_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (ctx->http != ctx->opts.shared_http)
		chousa_http_free(ctx->http);
	families_free(ctx);
	chousa_arena_free(ctx->keep);
	chousa_arena_free(ctx->arena);
	chousa_config_free(ctx->own_cfg);
	mem_free(ctx);
}

int
chousa_ctx_reset(struct chousa_ctx *ctx, struct chousa_err *err)
{
	struct chousa_arena *a;
	int rc;

	rc = chousa_arena_new(&a, CTX_ARENA_MAX, err);
	if (rc != CHOUSA_OK)
		return rc;
	chousa_arena_free(ctx->arena);
	ctx->arena = a;
	ctx->memo_value = NULL;
	ctx->memo_recs = NULL;
	ctx->memo_n = 0;
	ctx->ages = NULL;
	ctx->n_ages = 0;
	ctx->ages_read = 0;
	memset(ctx->fam_memo, 0, sizeof(ctx->fam_memo));
	ctx->fam_next = 0;
	return CHOUSA_OK;
}

void
chousa_ctx_known_records(struct chousa_ctx *ctx, const char *value,
    struct chousa_record *recs, size_t n)
{
	ctx->memo_value = value;
	ctx->memo_recs = recs;
	ctx->memo_n = n;
}

struct chousa_store *
chousa_ctx_store(struct chousa_ctx *ctx)
{
	return ctx->store;
}

struct chousa_http *
chousa_ctx_http(struct chousa_ctx *ctx)
{
	return ctx->http;
}

struct chousa_arena *
chousa_ctx_arena(struct chousa_ctx *ctx)
{
	return ctx->arena;
}

const struct chousa_config *
chousa_ctx_config(struct chousa_ctx *ctx)
{
	return ctx->cfg;
}

int
chousa_ctx_offline(const struct chousa_ctx *ctx)
{
	return ctx->opts.offline || ctx->http == NULL;
}

int
chousa_ctx_refresh(const struct chousa_ctx *ctx)
{
	return ctx->opts.refresh;
}

int
chousa_ctx_cache_only(const struct chousa_ctx *ctx)
{
	return ctx->opts.cache_only;
}

const struct chousa_payer *
chousa_ctx_payer(const struct chousa_ctx *ctx)
{
	return ctx->opts.payer;
}

/* An empty setting counts as unset, so "api_key =" means no key. */
static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
chousa_ctx_key(struct chousa_ctx *ctx, const struct chousa_source *s)
{
	return chousa_source_key(ctx->cfg, s);
}

const char *
chousa_ctx_base_url(struct chousa_ctx *ctx, const struct chousa_source *s)
{
	const char *u = nonempty(chousa_config_get(ctx->cfg, s->name,
	    "base_url"));

	return u != NULL ? u : s->default_url;
}

void
chousa_query_done(struct chousa_query *q)
{
	if (q->finding->status == CHOUSA_ST_PENDING) {
		q->finding->status = CHOUSA_ST_ERROR;
		q->finding->reason = "the source ended without an answer";
	}
}

int
ctx_store_lookup(struct chousa_ctx *ctx, const struct chousa_indicator *ind,
    struct chousa_record **out, size_t *n_out, struct chousa_err *err)
{
	int rc;

	if (ctx->store == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store is open");
	if (ctx->memo_value != NULL && strcmp(ctx->memo_value,
	    ind->value) == 0) {
		*out = ctx->memo_recs;
		*n_out = ctx->memo_n;
		return CHOUSA_OK;
	}
	rc = chousa_store_lookup(ctx->store, ctx->arena, ind, out, n_out,
	    err);
	if (rc != CHOUSA_OK)
		return rc;
	ctx->memo_value = chousa_arena_strdup(ctx->arena, ind->value);
	ctx->memo_recs = *out;
	ctx->memo_n = *n_out;
	return CHOUSA_OK;
}

int
ctx_family(struct chousa_ctx *ctx, const char *label, const char **id,
    const char **name)
{
	struct chousa_family fam;
	size_t i, slot;
	int rc;

	for (i = 0; i < sizeof(ctx->fam_memo) / sizeof(ctx->fam_memo[0]); i++)
		if (ctx->fam_memo[i].label != NULL &&
		    strcmp(ctx->fam_memo[i].label, label) == 0) {
			*id = ctx->fam_memo[i].id;
			*name = ctx->fam_memo[i].name;
			return CHOUSA_OK;
		}
	*id = *name = NULL;
	rc = ctx->store == NULL ? CHOUSA_ENOTFOUND :
	    chousa_store_family(ctx->store, ctx->arena, label, &fam, NULL);
	if (rc == CHOUSA_OK) {
		*id = fam.id;
		*name = fam.name != NULL ? fam.name : fam.id;
	} else if (rc != CHOUSA_ENOTFOUND)
		return rc;
	/*
	 * Without a catalogue in the store: Malpedia's family list when the
	 * run fetched it, else the aliases compiled in (data/labels/).
	 */
	if (*id == NULL)
		*id = families_find(ctx, label, name);
	if (*id == NULL)
		*id = labels_builtin_family(ctx->arena, label, name);
	if (*id != NULL && *name == NULL)
		*name = *id;
	slot = ctx->fam_next++ % (sizeof(ctx->fam_memo) /
	    sizeof(ctx->fam_memo[0]));
	ctx->fam_memo[slot].label = chousa_arena_strdup(ctx->arena, label);
	ctx->fam_memo[slot].id = *id;
	ctx->fam_memo[slot].name = *name;
	return CHOUSA_OK;
}
