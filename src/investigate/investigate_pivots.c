/*
 * investigate_pivots.c: what an analyst looks at next, beside the verdict.
 * The records the store lists around the input (every URL on its host,
 * with ports and each record's own page; the addresses inside a range),
 * and the next steps: ready-made commands for the obvious pivots (sweep
 * the logs for it or its family, investigate its top sample and the other
 * infrastructure the evidence ties to it).
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/investigate.h"

#define STEP_ARGS_MAX	5

int
inv_listings(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_err err;
	int rc;

	if (ctx->store == NULL)
		return CHOUSA_OK;
	rc = chousa_store_listings(ctx->store, ctx->arena, &rep->ind,
	    CHOUSA_LISTED_MAX, &rep->listed, &rep->n_listed,
	    &rep->n_listed_total, &err);
	if (rc == CHOUSA_ENOMEM)
		return rc;
	if (rc != CHOUSA_OK) {
		/* The look-ups said what they could; this is extra. */
		rep->n_listed = 0;
		rep->n_listed_total = 0;
		return inv_add_note(ctx, it, "the records around it could not "
		    "be read: %s", err.msg);
	}
	if (rep->n_listed_total > 0)
		rep->listed_on = rep->ind.type == CHOUSA_IOC_CIDR ||
		    rep->ind.host == NULL ? rep->ind.value : rep->ind.host;
	return CHOUSA_OK;
}

/* ---- next steps ---- */

struct steps {
	struct chousa_next_step	 v[8];
	size_t			 n;
};

static struct chousa_next_step *
step(struct steps *s, const char *why, const char *command, int refang)
{
	struct chousa_next_step *st;

	if (s->n == sizeof(s->v) / sizeof(s->v[0]))
		return NULL;
	st = &s->v[s->n++];
	memset(st, 0, sizeof(*st));
	st->why = why;
	st->command = command;
	st->refang = refang;
	return st;
}

static int
arg(struct chousa_arena *a, struct chousa_next_step *st, const char *value,
    int type)
{
	const char **args;
	int *types;
	size_t i;

	if (st == NULL || value == NULL || st->n_args >= STEP_ARGS_MAX)
		return CHOUSA_OK;
	for (i = 0; i < st->n_args; i++)
		if (strcmp(st->args[i], value) == 0)
			return CHOUSA_OK;
	args = chousa_arena_alloc(a, (st->n_args + 1) * sizeof(*args));
	types = chousa_arena_alloc(a, (st->n_args + 1) * sizeof(*types));
	if (args == NULL || types == NULL)
		return CHOUSA_ENOMEM;
	if (st->n_args > 0) {
		memcpy(args, st->args, st->n_args * sizeof(*args));
		memcpy(types, st->arg_types, st->n_args * sizeof(*types));
	}
	args[st->n_args] = value;
	types[st->n_args] = type;
	st->args = args;
	st->arg_types = types;
	st->n_args++;
	return CHOUSA_OK;
}

static int
is_hash(int type)
{
	return (CHOUSA_IOC_BIT(type) & CHOUSA_IOC_HASHES) != 0;
}

/* Whether value is the input or one of its structural parts. */
static int
is_self(const struct chousa_report *rep, const char *value)
{
	return strcmp(value, rep->ind.value) == 0 || (rep->ind.host != NULL &&
	    strcmp(value, rep->ind.host) == 0) || (rep->ind.regdomain != NULL &&
	    strcmp(value, rep->ind.regdomain) == 0);
}

/*
 * The other infrastructure the evidence ties to the input: what its
 * samples contacted, delivered from or used as C2, by the edges of the
 * graph, and, for a range, the addresses listed in it.
 */
static int
other_infrastructure(struct chousa_arena *a, const struct chousa_report *rep,
    struct chousa_next_step *st)
{
	size_t i;
	int rc = CHOUSA_OK;

	for (i = 0; i < rep->n_edges && rc == CHOUSA_OK; i++) {
		const struct chousa_edge *e = &rep->edges[i];

		if (strcmp(e->kind, "host-of") == 0 ||
		    strcmp(e->kind, "regdomain-of") == 0 ||
		    strcmp(e->kind, "family") == 0)
			continue;
		if (e->to_type != CHOUSA_IOC_NONE && !is_hash(e->to_type) &&
		    !is_self(rep, e->to))
			rc = arg(a, st, e->to, e->to_type);
		if (rc == CHOUSA_OK && e->from_type != CHOUSA_IOC_NONE &&
		    !is_hash(e->from_type) && !is_self(rep, e->from))
			rc = arg(a, st, e->from, e->from_type);
	}
	return rc;
}

int
inv_next_steps(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	struct chousa_next_step *st;
	struct steps s;
	size_t i;
	int rc, bad = rep->verdict == CHOUSA_V_MALICIOUS ||
	    rep->verdict == CHOUSA_V_SUSPICIOUS;

	s.n = 0;
	/*
	 * Sweeps print a hit per line: grep keeps this indicator's (a range
	 * is no string a hit line holds).
	 */
	rc = CHOUSA_OK;
	if (rep->ind.type != CHOUSA_IOC_CIDR) {
		st = step(&s, "Sweep your logs for it", "chousa sweep LOGS... "
		    "| grep -F --", 1);
		rc = arg(a, st, rep->ind.value, rep->ind.type);
	}
	if (rc == CHOUSA_OK && bad && rep->family != NULL &&
	    rep->family->known) {
		st = step(&s, "Sweep your logs for every listed indicator of "
		    "its family", "chousa sweep LOGS... | grep -F --", 0);
		rc = arg(a, st, rep->family->id, CHOUSA_IOC_NONE);
	}
	if (rc == CHOUSA_OK && rep->ind.type == CHOUSA_IOC_EMAIL &&
	    rep->ind.host != NULL) {
		st = step(&s, "Investigate its domain", "chousa investigate", 0);
		rc = arg(a, st, rep->ind.host, rep->ind.host_type);
	}
	for (i = 0; rc == CHOUSA_OK && i < rep->n_samples; i++)
		if (rep->samples[i].rel != 0) {
			st = step(&s, "Investigate its top sample",
			    "chousa investigate", 0);
			rc = arg(a, st, rep->samples[i].sha256,
			    CHOUSA_IOC_SHA256);
			break;
		}
	if (rc == CHOUSA_OK && rep->ind.type == CHOUSA_IOC_CIDR &&
	    rep->n_listed > 0) {
		st = step(&s, "Investigate the listed indicators inside it",
		    "chousa investigate", 0);
		/* The range's own listing is this very report. */
		for (i = 0; rc == CHOUSA_OK && i < rep->n_listed; i++)
			if (!is_self(rep, rep->listed[i].rec.value))
				rc = arg(a, st, rep->listed[i].rec.value,
				    rep->listed[i].rec.type);
		if (st != NULL && st->n_args == 0)
			s.n--;
	} else if (rc == CHOUSA_OK && bad) {
		st = step(&s, "Investigate the other infrastructure its "
		    "samples tie to it", "chousa investigate", 0);
		rc = other_infrastructure(a, rep, st);
		if (st != NULL && st->n_args == 0)
			s.n--;
	}
	if (rc != CHOUSA_OK)
		return rc;
	rep->next_steps = chousa_arena_alloc(a, (s.n ? s.n : 1) *
	    sizeof(*rep->next_steps));
	if (rep->next_steps == NULL)
		return CHOUSA_ENOMEM;
	memcpy(rep->next_steps, s.v, s.n * sizeof(*rep->next_steps));
	rep->n_next_steps = s.n;
	return CHOUSA_OK;
}
