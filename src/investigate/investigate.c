/*
 * investigate.c: the three stages as a table of rows, run in batches: a
 * stage starts every look-up for every input of the batch, drives the
 * online ones together with one chousa_http_run(), then reads what came
 * back.  Identification walks a bounded graph (a URL's host and
 * registrable domain, then what sources relate to them, --depth hops, a
 * look-up budget); enrichment asks about the top samples and the family.
 * The indicator itself is never contacted: no DNS, no fetching.
 */
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "investigate/investigate.h"

/*
 * Sources at or above this cost (the sandboxes and VirusTotal, with tight
 * quotas) are not asked once the question of their stage is settled.
 */
#define COSTLY		50
#define INPUT_MAX	8192

static const char *const status_names[] = { "pending", "hit", "miss",
	"skipped", "error" };
static const char *const verdict_names[] = { "unknown", "benign",
	"suspicious", "malicious" };

const char *
chousa_status_name(int st)
{
	if (st < 0 || st > CHOUSA_ST_ERROR)
		return "?";
	return status_names[st];
}

const char *
chousa_verdict_name(int v)
{
	if (v < 0 || v > CHOUSA_V_MALICIOUS)
		return "?";
	return verdict_names[v];
}

int
inv_has_subject(const struct inv_item *it, const char *value)
{
	size_t i;

	for (i = 0; i < it->n_subjects; i++)
		if (strcmp(it->subjects[i].value, value) == 0)
			return 1;
	return 0;
}

int
inv_add_subject(struct chousa_ctx *ctx, struct inv_item *it,
    const char *value, int type, int depth, int match)
{
	struct inv_subject *s;
	struct chousa_err err;

	if (value == NULL || inv_has_subject(it, value))
		return CHOUSA_OK;
	s = chousa_arena_grow(ctx->arena, it->subjects, it->n_subjects,
	    &it->cap_subjects, sizeof(*s));
	if (s == NULL)
		return CHOUSA_ENOMEM;
	it->subjects = s;
	s = &it->subjects[it->n_subjects];
	memset(s, 0, sizeof(*s));
	if (type == CHOUSA_IOC_NONE) {
		/* A family: not an indicator. */
		s->ind.type = CHOUSA_IOC_NONE;
		s->ind.value = chousa_arena_strdup(ctx->arena, value);
		if (s->ind.value == NULL)
			return CHOUSA_ENOMEM;
		s->ind.value_len = strlen(value);
		s->ind.display = s->ind.value;
	} else if (chousa_ioc_parse(ctx->arena, value, strlen(value),
	    CHOUSA_IOC_BIT(type), &s->ind, &err) != CHOUSA_OK) {
		/* A related value no parser accepts is not worth a hop. */
		return err.code == CHOUSA_ENOMEM ? CHOUSA_ENOMEM : CHOUSA_OK;
	}
	s->value = s->ind.value;
	s->type = s->ind.type;
	s->depth = depth;
	s->match = match;
	it->n_subjects++;
	return CHOUSA_OK;
}

int
inv_add_edge(struct chousa_ctx *ctx, struct inv_item *it, const char *from,
    int from_type, const char *to, int to_type, const char *kind,
    const char *source)
{
	struct chousa_report *rep = it->rep;
	struct chousa_edge *e;
	size_t i;

	if (from == NULL || to == NULL)
		return CHOUSA_OK;
	for (i = 0; i < rep->n_edges; i++) {
		e = &rep->edges[i];
		if (strcmp(e->from, from) == 0 && strcmp(e->to, to) == 0 &&
		    strcmp(e->kind, kind) == 0 && strcmp(e->source,
		    source) == 0)
			return CHOUSA_OK;
	}
	e = chousa_arena_grow(ctx->arena, rep->edges, rep->n_edges,
	    &it->cap_edges, sizeof(*e));
	if (e == NULL)
		return CHOUSA_ENOMEM;
	rep->edges = e;
	e = &rep->edges[rep->n_edges++];
	e->from = from;
	e->from_type = from_type;
	e->to = to;
	e->to_type = to_type;
	e->kind = kind;
	e->source = source;
	return CHOUSA_OK;
}

int
inv_add_note(struct chousa_ctx *ctx, struct inv_item *it, const char *fmt,
    ...)
{
	struct chousa_report *rep = it->rep;
	const char **n;
	char line[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; i < rep->n_notes; i++)
		if (strcmp(rep->notes[i], line) == 0)
			return CHOUSA_OK;
	n = chousa_arena_grow(ctx->arena, rep->notes, rep->n_notes,
	    &it->cap_notes, sizeof(*n));
	if (n == NULL)
		return CHOUSA_ENOMEM;
	rep->notes = n;
	rep->notes[rep->n_notes] = chousa_arena_strdup(ctx->arena, line);
	if (rep->notes[rep->n_notes] == NULL)
		return CHOUSA_ENOMEM;
	rep->n_notes++;
	return CHOUSA_OK;
}

int
inv_add_sentence(struct chousa_ctx *ctx, struct inv_item *it, const char *s)
{
	struct chousa_report *rep = it->rep;
	const char **c;

	if (s == NULL)
		return CHOUSA_ENOMEM;
	c = chousa_arena_grow(ctx->arena, rep->conclusion, rep->n_conclusion,
	    &it->cap_conclusion, sizeof(*c));
	if (c == NULL)
		return CHOUSA_ENOMEM;
	rep->conclusion = c;
	rep->conclusion[rep->n_conclusion++] = s;
	return CHOUSA_OK;
}

/* ---- asking sources ---- */

static int
stage_index(unsigned stage)
{
	return stage == CHOUSA_STAGE_REPUTATION ? 0 :
	    stage == CHOUSA_STAGE_IDENTIFICATION ? 1 : 2;
}

/* Whether src was already asked about value in any stage. */
static int
already_asked(const struct inv_item *it, const struct chousa_source *src,
    const char *value)
{
	size_t s, i;

	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];

			/*
			 * A finding's source is its source's own name (ask and
			 * the online sources set it so): the pointer says.
			 */
			if (f->source == src->name &&
			    strcmp(f->subject, value) == 0)
				return 1;
		}
	return 0;
}

/* Whether src takes an indicator of type (CHOUSA_IOC_NONE: a family). */
static int
answers(const struct chousa_source *src, int type)
{
	if (type == CHOUSA_IOC_NONE)
		return (src->flags & CHOUSA_SRC_FAMILY) != 0;
	return (src->types & CHOUSA_IOC_BIT(type)) != 0;
}

/* Whether a local feed listed the input itself (not through its parts). */
static int
listed_exactly(const struct inv_item *it)
{
	size_t i;

	for (i = 0; i < it->n_found[0]; i++)
		if (it->found[0][i]->status == CHOUSA_ST_HIT &&
		    it->found[0][i]->match == CHOUSA_MATCH_EXACT &&
		    it->found[0][i]->verdict >= CHOUSA_V_SUSPICIOUS &&
		    it->found[0][i]->depth == 0 &&
		    strncmp(it->found[0][i]->source, "local-", 6) == 0)
			return 1;
	return 0;
}

/* Whether the user asked for src by name or enabled it in the config. */
static int
wanted(struct chousa_ctx *ctx, const struct chousa_source *src)
{
	size_t i;

	for (i = 0; i < ctx->n_named; i++)
		if (ctx->named[i] == src)
			return 1;
	return chousa_config_get_bool(ctx->cfg, src->name, "enabled", 0);
}

/*
 * The most fundamental reason comes first, so that the report says what
 * the analyst must change before anything else would matter: a type the
 * source cannot take, then the config's no, then being offline, then the
 * key.
 */
const char *
inv_skip_reason(struct chousa_ctx *ctx, const struct chousa_source *src,
    int type)
{
	int online = !(src->flags & CHOUSA_SRC_LOCAL);
	int has_key;

	if (type >= 0 && !answers(src, type))
		return "type not supported";
	/* Only a clear no disables: absent or unclear, the source runs. */
	if (online && !chousa_config_get_bool(ctx->cfg, src->name, "enabled",
	    1))
		return "disabled in the config";
	/* From the cache alone, a key is no matter: nothing is sent. */
	if (online && ctx->opts.cache_only)
		return NULL;
	if (online && ctx->http == NULL)
		return "offline";
	has_key = chousa_ctx_key(ctx, src) != NULL;
	if ((src->flags & CHOUSA_SRC_NEEDS_KEY) && !has_key)
		return "no key";
	/*
	 * Offline by default: without keys chousa works from the store, so a
	 * source that could go without one is asked only when the user says
	 * so (enabled = yes, or its name in --sources).  A key check (type
	 * -1) of such a source without a key has nothing to test: it asks
	 * nothing, never spends the service's anonymous quota, and says
	 * whether runs use the source.
	 */
	if ((src->flags & CHOUSA_SRC_KEY_OPTIONAL) && !has_key) {
		if (type < 0)
			return wanted(ctx, src) ? "no key needed: used without "
			    "one (enabled = yes), nothing to check" : "no key "
			    "(none needed: enabled = yes uses it without one)";
		if (!wanted(ctx, src))
			return "no key (enabled = yes uses it without one)";
	}
	return NULL;
}

/* Start one look-up; the finding records the outcome whatever happens. */
static int
ask(struct chousa_ctx *ctx, struct inv_item *it, unsigned stage,
    const struct chousa_source *src, const struct inv_subject *sub)
{
	int si = stage_index(stage);
	struct chousa_finding *f, **fs;
	struct chousa_query *q;
	struct chousa_err err;
	const char *skip;
	int rc;

	int unsupported = !answers(src, sub->type);

	if (!(src->stages & stage) || already_asked(it, src, sub->value))
		return CHOUSA_OK;
	/*
	 * A source that cannot take the input's type says so once, so that
	 * it is never silently absent from the report; pivots stay quiet.
	 */
	if (unsupported && (sub != &it->subjects[0] ||
	    sub->type == CHOUSA_IOC_NONE || src->types == 0 ||
	    (src->flags & CHOUSA_SRC_LOCAL)))
		return CHOUSA_OK;
	/*
	 * The store's look-up of the input already matched its registrable
	 * domain, and says so: asking a local feed about it again would only
	 * repeat it, at a cost on shared domains with thousands of listings.
	 * A URL's look-up also matched its host and the other URLs listed on
	 * it; another input's host is asked only when no local feed lists the
	 * input itself.
	 */
	if ((src->flags & CHOUSA_SRC_LOCAL) &&
	    (src->stages & CHOUSA_STAGE_REPUTATION) && sub->depth == 0 &&
	    (sub->match == CHOUSA_MATCH_REGDOMAIN || (sub->match ==
	    CHOUSA_MATCH_HOST && (listed_exactly(it) ||
	    it->subjects[0].type == CHOUSA_IOC_URL))) &&
	    answers(src, it->subjects[0].type))
		return CHOUSA_OK;
	if (it->rep->lookups >= ctx->opts.budget) {
		inv_add_note(ctx, it, "the look-up budget (%d) was spent: "
		    "some pivots were not followed", ctx->opts.budget);
		return CHOUSA_OK;
	}
	f = chousa_arena_alloc(ctx->arena, sizeof(*f));
	q = chousa_arena_alloc(ctx->arena, sizeof(*q));
	fs = chousa_arena_grow(ctx->arena, it->found[si], it->n_found[si],
	    &it->cap_found[si], sizeof(*fs));
	if (f == NULL || q == NULL || fs == NULL)
		return CHOUSA_ENOMEM;
	it->found[si] = fs;
	it->found[si][it->n_found[si]++] = f;
	f->source = src->name;
	f->stage = stage;
	f->n_detect = -1;
	f->n_engines = -1;
	f->score = -1;
	f->match = CHOUSA_MATCH_EXACT;
	f->subject = sub->value;
	f->subject_type = sub->type;
	f->depth = sub->depth;
	skip = inv_skip_reason(ctx, src, sub->type);
	if (skip != NULL) {
		f->status = CHOUSA_ST_SKIPPED;
		f->reason = skip;
		return CHOUSA_OK;
	}
	if (src->cost >= COSTLY && !ctx->opts.exhaustive &&
	    (stage == CHOUSA_STAGE_REPUTATION ? it->settled :
	    it->family_settled)) {
		f->status = CHOUSA_ST_SKIPPED;
		f->reason = stage == CHOUSA_STAGE_REPUTATION ?
		    "verdict already settled (--exhaustive asks)" :
		    "family already settled (--exhaustive asks)";
		return CHOUSA_OK;
	}
	it->rep->lookups++;
	q->ctx = ctx;
	q->source = src;
	q->ind = &sub->ind;
	q->finding = f;
	q->input = it->index;
	memset(&err, 0, sizeof(err));
	rc = src->start(q, &err);
	if (rc != CHOUSA_OK) {
		if (rc == CHOUSA_ENOMEM)
			return rc;
		f->status = CHOUSA_ST_ERROR;
		f->reason = chousa_arena_strdup(ctx->arena, err.msg[0] ?
		    err.msg : chousa_rc_name(rc));
	}
	return CHOUSA_OK;
}

/*
 * What the cheap sources said so far: a verdict two sources agree on (or
 * a benign listing), or a family well supported by a sample.
 */
static int
settle(struct chousa_ctx *ctx, struct inv_item *it, unsigned stage)
{
	int rc;

	if (stage == CHOUSA_STAGE_REPUTATION)
		return inv_verdict(ctx, it);
	rc = inv_collect_samples(ctx, it);
	if (rc == CHOUSA_OK)
		rc = inv_family(ctx, it);
	it->family_settled = rc == CHOUSA_OK && it->rep->family != NULL &&
	    it->rep->family->confidence >= 85 && it->rep->n_samples > 0 &&
	    it->rep->family->n_votes == 1;
	return rc;
}

/*
 * Ask every selected source of the stage about subjects [from, to): the
 * cheap ones first, subject by subject (so the local sources share one
 * store look-up per subject), then, unless that settled the question, the
 * costly ones.
 */
static int
ask_all(struct chousa_ctx *ctx, struct inv_item *it, unsigned stage,
    size_t from, size_t to)
{
	size_t s, i;
	int rc, pass;

	for (pass = 0; pass < 2; pass++) {
		/*
		 * Offline, every costly source is skipped anyway; from the
		 * cache, the run settles as the online run that filled it.
		 */
		if (pass == 1 && !ctx->opts.exhaustive && (ctx->http != NULL ||
		    ctx->opts.cache_only)) {
			rc = settle(ctx, it, stage);
			if (rc != CHOUSA_OK)
				return rc;
		}
		for (i = from; i < to && i < it->n_subjects; i++)
			for (s = 0; s < ctx->n_sources; s++) {
				if ((ctx->sources[s]->cost >= COSTLY) != pass)
					continue;
				rc = ask(ctx, it, stage, ctx->sources[s],
				    &it->subjects[i]);
				if (rc != CHOUSA_OK)
					return rc;
			}
	}
	return CHOUSA_OK;
}

/* Drive the online look-ups, then close the ones that never ended. */
static int
drive(struct chousa_ctx *ctx, struct inv_item *items, size_t n,
    unsigned stage)
{
	int si = stage_index(stage);
	struct chousa_err err;
	const char *why = NULL;
	size_t k, i;

	if (ctx->http != NULL && chousa_http_run(ctx->http, &err) !=
	    CHOUSA_OK)
		why = chousa_arena_strdup(ctx->arena, err.msg);
	for (k = 0; k < n; k++)
		for (i = 0; i < items[k].n_found[si]; i++) {
			struct chousa_finding *f = items[k].found[si][i];

			if (f->status != CHOUSA_ST_PENDING)
				continue;
			f->status = CHOUSA_ST_ERROR;
			f->reason = why != NULL ? why :
			    "the source ended without an answer";
		}
	return CHOUSA_OK;
}

/* ---- the stages ---- */

typedef int (*item_fn)(struct chousa_ctx *, struct inv_item *);

/*
 * first, then second when not NULL, on each item whose input parsed;
 * stops at the first failure.
 */
static int
each_parsed(struct chousa_ctx *ctx, struct inv_item *items, size_t n,
    item_fn first, item_fn second)
{
	size_t k;
	int rc;

	for (k = 0; k < n; k++) {
		if (items[k].rep->parse_rc != CHOUSA_OK)
			continue;
		rc = first(ctx, &items[k]);
		if (rc == CHOUSA_OK && second != NULL)
			rc = second(ctx, &items[k]);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return CHOUSA_OK;
}

static int
stage_reputation(struct chousa_ctx *ctx, struct inv_item *items, size_t n)
{
	size_t k;
	int rc;

	for (k = 0; k < n; k++) {
		if (items[k].rep->parse_rc != CHOUSA_OK)
			continue;
		rc = ask_all(ctx, &items[k], CHOUSA_STAGE_REPUTATION, 0, 1);
		if (rc != CHOUSA_OK)
			return rc;
	}
	drive(ctx, items, n, CHOUSA_STAGE_REPUTATION);
	return each_parsed(ctx, items, n, inv_verdict, NULL);
}

/* Related non-sample indicators of the findings of one stage: next hop. */
static int
pivot_related(struct chousa_ctx *ctx, struct inv_item *it, int si,
    size_t first)
{
	size_t i, j;
	int rc;

	for (i = first; i < it->n_found[si]; i++) {
		struct chousa_finding *f = it->found[si][i];

		if (f->status != CHOUSA_ST_HIT || f->depth + 1 >
		    ctx->opts.depth)
			continue;
		for (j = 0; j < f->n_related; j++) {
			const struct chousa_related *r = &f->related[j];

			if (r->value == NULL || (CHOUSA_IOC_BIT(r->type) &
			    CHOUSA_IOC_HASHES))
				continue;
			/* Only what ties to infrastructure: not every
			 * domain a sample looked up is evidence. */
			if (f->subject_type == CHOUSA_IOC_SHA256 ||
			    f->subject_type == CHOUSA_IOC_MD5 ||
			    f->subject_type == CHOUSA_IOC_SHA1)
				continue;
			rc = inv_add_subject(ctx, it, r->value, r->type,
			    f->depth + 1, CHOUSA_MATCH_EXACT);
			if (rc != CHOUSA_OK)
				return rc;
		}
	}
	return CHOUSA_OK;
}

static int
stage_identification(struct chousa_ctx *ctx, struct inv_item *items,
    size_t n)
{
	size_t k, *from, *seen;
	int rc = CHOUSA_OK, round;

	from = chousa_arena_alloc(ctx->arena, (n ? n : 1) * sizeof(*from));
	seen = chousa_arena_alloc(ctx->arena, (n ? n : 1) * sizeof(*seen));
	if (from == NULL || seen == NULL)
		return CHOUSA_ENOMEM;
	/* The structural pivots: a URL's host, a registrable domain. */
	for (k = 0; k < n; k++) {
		struct inv_item *it = &items[k];
		const struct chousa_indicator *ind = &it->rep->ind;

		if (it->rep->parse_rc != CHOUSA_OK)
			continue;
		if (ind->type == CHOUSA_IOC_URL && ind->host != NULL) {
			rc = inv_add_subject(ctx, it, ind->host,
			    ind->host_type, 0, CHOUSA_MATCH_HOST);
			if (rc == CHOUSA_OK)
				rc = inv_add_edge(ctx, it, ind->host,
				    ind->host_type, ind->value, ind->type,
				    "host-of", "chousa");
		}
		/*
		 * An e-mail address's domain: a sender at a listed domain is
		 * the first thing an analyst checks.
		 */
		if (rc == CHOUSA_OK && ind->type == CHOUSA_IOC_EMAIL &&
		    ind->host != NULL) {
			rc = inv_add_subject(ctx, it, ind->host,
			    ind->host_type, 0, CHOUSA_MATCH_HOST);
			if (rc == CHOUSA_OK)
				rc = inv_add_edge(ctx, it, ind->host,
				    ind->host_type, ind->value, ind->type,
				    "host-of", "chousa");
		}
		if (rc == CHOUSA_OK)
			rc = inv_listings(ctx, it);
		if (rc == CHOUSA_OK && ind->regdomain != NULL &&
		    (ind->type == CHOUSA_IOC_URL ||
		    ind->type == CHOUSA_IOC_DOMAIN) &&
		    !inv_has_subject(it, ind->regdomain)) {
			rc = inv_add_subject(ctx, it, ind->regdomain,
			    CHOUSA_IOC_DOMAIN, 0, CHOUSA_MATCH_REGDOMAIN);
			if (rc == CHOUSA_OK)
				rc = inv_add_edge(ctx, it, ind->regdomain,
				    CHOUSA_IOC_DOMAIN, ind->host != NULL ?
				    ind->host : ind->value, CHOUSA_IOC_DOMAIN,
				    "regdomain-of", "chousa");
		}
		/* An md5 or sha1 the reputation stage resolved: its sha256,
		 * which reports and relations are keyed by. */
		if (rc == CHOUSA_OK && (ind->type == CHOUSA_IOC_MD5 ||
		    ind->type == CHOUSA_IOC_SHA1)) {
			size_t i;

			for (i = 0; i < it->n_found[0] && rc == CHOUSA_OK; i++)
				if (it->found[0][i]->status == CHOUSA_ST_HIT &&
				    it->found[0][i]->matched != NULL &&
				    strlen(it->found[0][i]->matched) == 64)
					rc = inv_add_subject(ctx, it,
					    it->found[0][i]->matched,
					    CHOUSA_IOC_SHA256, 0,
					    CHOUSA_MATCH_EXACT);
		}
		if (rc != CHOUSA_OK)
			return rc;
		from[k] = 0;
		seen[k] = 0;
		/* Reputation's findings on the input may relate things. */
		rc = pivot_related(ctx, it, 0, 0);
		if (rc != CHOUSA_OK)
			return rc;
	}
	/* The walk: each round asks about the subjects the last one found. */
	for (round = 0; round <= ctx->opts.depth; round++) {
		int more = 0;

		for (k = 0; k < n; k++) {
			struct inv_item *it = &items[k];
			size_t to = it->n_subjects;

			if (it->rep->parse_rc != CHOUSA_OK || from[k] >= to)
				continue;
			rc = ask_all(ctx, it, CHOUSA_STAGE_IDENTIFICATION,
			    from[k], to);
			if (rc != CHOUSA_OK)
				return rc;
			from[k] = to;
			more = 1;
		}
		if (!more)
			break;
		drive(ctx, items, n, CHOUSA_STAGE_IDENTIFICATION);
		for (k = 0; k < n; k++) {
			if (items[k].rep->parse_rc != CHOUSA_OK)
				continue;
			rc = pivot_related(ctx, &items[k], 1, seen[k]);
			seen[k] = items[k].n_found[1];
			if (rc != CHOUSA_OK)
				return rc;
		}
	}
	return each_parsed(ctx, items, n, inv_verdict, inv_collect_samples);
}

static int
stage_enrichment(struct chousa_ctx *ctx, struct inv_item *items, size_t n)
{
	size_t k, i, first;
	int rc;

	/* The top samples. */
	for (k = 0; k < n; k++) {
		struct inv_item *it = &items[k];
		struct chousa_report *rep = it->rep;

		if (rep->parse_rc != CHOUSA_OK)
			continue;
		first = it->n_subjects;
		for (i = 0; i < rep->n_samples &&
		    i < (size_t)ctx->opts.max_samples; i++) {
			const char *h = rep->samples[i].sha256;
			int type = strlen(h) == 64 ? CHOUSA_IOC_SHA256 :
			    strlen(h) == 40 ? CHOUSA_IOC_SHA1 : CHOUSA_IOC_MD5;
			size_t j;

			rc = inv_add_subject(ctx, it, h, type, 1,
			    CHOUSA_MATCH_EXACT);
			if (rc != CHOUSA_OK)
				return rc;
			/*
			 * Kept on the subject: the samples are collected
			 * again from the findings after this stage.
			 */
			for (j = 0; j < it->n_subjects; j++)
				if (strcmp(it->subjects[j].value, h) == 0)
					it->subjects[j].enriched = 1;
		}
		/* A hash given as input is its own sample. */
		rc = ask_all(ctx, it, CHOUSA_STAGE_ENRICHMENT, 0, 1);
		if (rc == CHOUSA_OK)
			rc = ask_all(ctx, it, CHOUSA_STAGE_ENRICHMENT, first,
			    it->n_subjects);
		if (rc != CHOUSA_OK)
			return rc;
	}
	drive(ctx, items, n, CHOUSA_STAGE_ENRICHMENT);
	/* The family: votes over everything, then its description. */
	for (k = 0; k < n; k++) {
		struct inv_item *it = &items[k];

		if (it->rep->parse_rc != CHOUSA_OK)
			continue;
		rc = inv_collect_samples(ctx, it);
		if (rc == CHOUSA_OK)
			rc = inv_family(ctx, it);
		if (rc != CHOUSA_OK)
			return rc;
		if (it->rep->family != NULL) {
			first = it->n_subjects;
			rc = inv_add_subject(ctx, it, it->rep->family->id,
			    CHOUSA_IOC_NONE, 2, CHOUSA_MATCH_EXACT);
			if (rc == CHOUSA_OK)
				rc = ask_all(ctx, it, CHOUSA_STAGE_ENRICHMENT,
				    first, it->n_subjects);
			if (rc != CHOUSA_OK)
				return rc;
		}
	}
	drive(ctx, items, n, CHOUSA_STAGE_ENRICHMENT);
	return each_parsed(ctx, items, n, inv_family, inv_verdict);
}

/* The pipeline, in one place. */
static const struct {
	const char	*name;
	unsigned	 stage;
	int		(*run)(struct chousa_ctx *, struct inv_item *, size_t);
} stages[] = {
	{ "reputation", CHOUSA_STAGE_REPUTATION, stage_reputation },
	{ "identification", CHOUSA_STAGE_IDENTIFICATION,
	    stage_identification },
	{ "enrichment", CHOUSA_STAGE_ENRICHMENT, stage_enrichment },
};

/* Stable order of sources by cost, cheap and local first. */
static void
sort_sources(struct chousa_ctx *ctx)
{
	size_t i, j;

	for (i = 1; i < ctx->n_sources; i++) {
		const struct chousa_source *s = ctx->sources[i];

		for (j = i; j > 0 && ctx->sources[j - 1]->cost > s->cost; j--)
			ctx->sources[j] = ctx->sources[j - 1];
		ctx->sources[j] = s;
	}
}

static void
count(struct chousa_report *rep)
{
	size_t s, i;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++)
			switch (rep->stages[s].findings[i].status) {
			case CHOUSA_ST_HIT:	rep->n_hits++; break;
			case CHOUSA_ST_MISS:	rep->n_misses++; break;
			case CHOUSA_ST_SKIPPED:	rep->n_skipped++; break;
			default:		rep->n_errors++; break;
			}
}

/* "3 days", "1 day", "5 hours" */
static const char *
age_words(struct chousa_arena *a, int64_t secs)
{
	if (secs >= 2 * 86400)
		return chousa_arena_printf(a, "%lld days",
		    (long long)(secs / 86400));
	if (secs >= 86400)
		return "1 day";
	return chousa_arena_printf(a, "%lld hour%s", (long long)(secs / 3600),
	    secs / 3600 == 1 ? "" : "s");
}

/* The note that names a stale or historical feed. */
static int
stale_note(struct chousa_ctx *ctx, struct inv_item *it, const char *source,
    const struct chousa_freshness *fr, int64_t now)
{
	char when[32], until[32];

	chousa_time_format(fr->updated_at, when, sizeof(when));
	chousa_time_format(fr->data_until, until, sizeof(until));
	if (fr->historical)
		return inv_add_note(ctx, it, "%s is historical: its last "
		    "update (%.10s) held %llu row%s, as upstream has emptied "
		    "or retired it; its data ends %.10s, and its \"not "
		    "listed\" is no evidence", inv_source_title(source), when,
		    (unsigned long long)fr->rows, fr->rows == 1 ? "" : "s",
		    fr->data_until ? until : "at an unknown date");
	return inv_add_note(ctx, it, "%s data is %s old (updated %.10s; "
	    "[freshness] max_age_days is %ld): its \"not listed\" is no "
	    "evidence; run chousa update", inv_source_title(source),
	    age_words(ctx->arena, now - fr->updated_at), when,
	    fr->max_age / 86400);
}

/*
 * The age of every finding's data, and the notes a reader needs about
 * it: a stale or historical feed, whose "not listed" is no evidence, and
 * a store with no known-benign list.
 */
static int
freshness_notes(struct chousa_ctx *ctx, struct inv_item *it, int64_t now)
{
	size_t s, i;
	int rc;

	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			struct chousa_finding *f = it->found[s][i];
			struct chousa_freshness fr;

			if (f->status == CHOUSA_ST_SKIPPED ||
			    f->status == CHOUSA_ST_ERROR)
				continue;
			if (!(chousa_source_find(f->source) != NULL &&
			    (chousa_source_find(f->source)->flags &
			    CHOUSA_SRC_LOCAL))) {
				f->data_at = f->from_cache && f->cached_at ?
				    f->cached_at : now;
				continue;
			}
			rc = ctx_freshness(ctx, f->source, now, &fr);
			if (rc != CHOUSA_OK)
				return rc;
			if (!fr.known)
				continue;
			f->data_at = fr.updated_at;
			f->stale = fr.stale;
			if (!fr.stale || fr.updated_at == 0)
				continue;
			if (f->status == CHOUSA_ST_MISS)
				f->reason = fr.historical ? "historical feed: "
				    "not listed is no evidence" : "stale data: "
				    "not listed is no evidence";
			rc = stale_note(ctx, it, f->source, &fr, now);
			if (rc != CHOUSA_OK)
				return rc;
		}
	/* Shared platforms and resolvers need a benign list to be seen. */
	if (ctx->store != NULL) {
		struct chousa_freshness fr;

		rc = ctx_freshness(ctx, "benign", now, &fr);
		if (rc != CHOUSA_OK)
			return rc;
		if (fr.updated_at == 0)
			return inv_add_note(ctx, it, "the store has no "
			    "known-benign list, so shared platforms, CDNs and "
			    "resolvers are known only from chousa's short "
			    "built-in lists: run chousa update warninglist");
	}
	return CHOUSA_OK;
}

/* Copy the working findings into the report's stages. */
/*
 * What a private, shared or documentation address's listings are worth:
 * the same address is another host in every network, so a public feed
 * cannot know this one, and a list that names it (the user's own, or a
 * feed's mistake) speaks of the lister's network.
 */
static int
nonpublic_note(struct chousa_ctx *ctx, struct inv_item *it)
{
	const struct chousa_report *rep = it->rep;

	if (!(rep->ind.flags & CHOUSA_IOC_F_NONPUBLIC))
		return CHOUSA_OK;
	if (rep->matched == NULL)
		return inv_add_note(ctx, it, "%s is not a public address: no "
		    "public feed can know it", rep->ind.value);
	return inv_add_note(ctx, it, "%s is not a public address: it is "
	    "another host in every network, so a list that names it speaks "
	    "of its lister's network, not necessarily of this one",
	    rep->ind.value);
}

static int
finish(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	size_t s, i;
	int rc;

	rc = freshness_notes(ctx, it, ctx->now);
	if (rc != CHOUSA_OK)
		return rc;
	rep->n_stages = 3;
	for (s = 0; s < 3; s++) {
		struct chousa_report_stage *st = &rep->stages[s];

		st->name = stages[s].name;
		st->n_findings = it->n_found[s];
		if (st->n_findings == 0)
			continue;
		st->findings = chousa_arena_alloc(ctx->arena,
		    st->n_findings * sizeof(*st->findings));
		if (st->findings == NULL)
			return CHOUSA_ENOMEM;
		for (i = 0; i < st->n_findings; i++)
			st->findings[i] = *it->found[s][i];
	}
	count(rep);
	for (s = 0; s < 3; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];
			char when[32];

			if (!f->from_cache || f->cached_at == 0)
				continue;
			chousa_time_format(f->cached_at, when, sizeof(when));
			inv_add_note(ctx, it, "%s answered from the cache "
			    "(fetched %s)", f->source, when);
		}
	return CHOUSA_OK;
}

int
chousa_investigate(struct chousa_ctx *ctx, const char *const *inputs,
    size_t n, struct chousa_report **out, struct chousa_err *err)
{
	struct chousa_report *reps;
	struct inv_item *items;
	const char *fam_note = NULL;
	size_t k, s;
	int rc = CHOUSA_OK;

	sort_sources(ctx);
	ctx->now = (int64_t)time(NULL);
	rc = families_prepare(ctx, &fam_note);
	if (rc != CHOUSA_OK)
		return chousa_errf(err, rc, "out of memory");
	reps = chousa_arena_alloc(ctx->arena, (n ? n : 1) * sizeof(*reps));
	items = chousa_arena_alloc(ctx->arena, (n ? n : 1) * sizeof(*items));
	if (reps == NULL || items == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	for (k = 0; k < n; k++) {
		struct chousa_report *rep = &reps[k];
		struct chousa_err perr;
		size_t len = strlen(inputs[k]);

		items[k].rep = rep;
		items[k].index = k;
		rep->match = -1;
		rep->input = chousa_arena_strndup(ctx->arena, inputs[k],
		    len > INPUT_MAX ? INPUT_MAX : len);
		if (rep->input == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		rep->parse_rc = chousa_ioc_parse_context(ctx->arena, inputs[k],
		    len, CHOUSA_IOC_ALL, CHOUSA_IOC_CTX_QUERY, &rep->ind,
		    &perr);
		if (rep->parse_rc == CHOUSA_ENOMEM)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		if (rep->parse_rc != CHOUSA_OK) {
			void *probe = mem_alloc(64);

			/*
			 * A parser may report a failed allocation as bad
			 * input; when memory is out now, say memory.
			 */
			if (probe == NULL)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			mem_free(probe);
			rep->parse_error = chousa_arena_strdup(ctx->arena,
			    perr.msg);
			if (rep->parse_error == NULL)
				return chousa_errf(err, CHOUSA_ENOMEM,
				    "out of memory");
			continue;
		}
		rc = inv_add_subject(ctx, &items[k], rep->ind.value,
		    rep->ind.type, 0, CHOUSA_MATCH_EXACT);
		if (rc != CHOUSA_OK)
			return chousa_errf(err, rc, "out of memory");
		if (fam_note != NULL)
			inv_add_note(ctx, &items[k], "%s", fam_note);
		rep->at.at = ctx->opts.at;
	}
	for (s = 0; s < sizeof(stages) / sizeof(stages[0]); s++) {
		rc = stages[s].run(ctx, items, n);
		if (rc != CHOUSA_OK)
			return chousa_errf(err, rc, "out of memory during %s",
			    stages[s].name);
	}
	for (k = 0; k < n; k++) {
		if (reps[k].parse_rc != CHOUSA_OK)
			continue;
		rc = nonpublic_note(ctx, &items[k]);
		if (rc == CHOUSA_OK)
			rc = finish(ctx, &items[k]);
		if (rc == CHOUSA_OK)
			rc = inv_time_check(ctx, &items[k]);
		if (rc == CHOUSA_OK)
			rc = inv_conclude(ctx, &items[k]);
		if (rc == CHOUSA_OK)
			rc = inv_next_steps(ctx, &items[k]);
		if (rc != CHOUSA_OK)
			return chousa_errf(err, rc, "out of memory");
	}
	*out = reps;
	return CHOUSA_OK;
}
