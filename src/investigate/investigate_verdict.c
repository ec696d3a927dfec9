/*
 * investigate_verdict.c: from findings to judgements.  The verdict weighs
 * who lists the indicator and at which level (the indicator itself, a
 * URL's host, only its registrable domain) against the known-benign lists;
 * samples are gathered from relations and ranked by the strength and age
 * of their evidence; the family comes from weighted votes in which one
 * source repeating itself counts once.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "investigate/investigate.h"

#define VOTES_MAX	32

const char *
inv_source_title(const char *name)
{
	const struct chousa_source *s = chousa_source_find(name);

	return s != NULL && s->title != NULL ? s->title : name;
}

/* The subject record for a value, or NULL. */
static const struct inv_subject *
subject_of(const struct inv_item *it, const char *value)
{
	size_t i;

	for (i = 0; i < it->n_subjects; i++)
		if (strcmp(it->subjects[i].value, value) == 0)
			return &it->subjects[i];
	return NULL;
}

/* Is the finding about the input (itself, its host or its domain)? */
static int
about_input(const struct inv_item *it, const struct chousa_finding *f,
    int *level)
{
	const struct inv_subject *s = subject_of(it, f->subject);

	if (s == NULL || s->depth != 0 || s->type == CHOUSA_IOC_NONE)
		return 0;
	*level = s->match != CHOUSA_MATCH_EXACT ? s->match : f->match;
	return 1;
}

static int
is_hash_type(int type)
{
	return (CHOUSA_IOC_BIT(type) & CHOUSA_IOC_HASHES) != 0;
}

/* Append a name to a comma-free list of distinct titles. */
static void
add_name(const char **names, size_t *n, size_t cap, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	if (*n < cap)
		names[(*n)++] = name;
}

/* "A", "A and B", "A, B and C" into the arena. */
static const char *
join_names(struct chousa_arena *a, const char *const *names, size_t n)
{
	struct chousa_buf b;
	const char *s;
	size_t i;

	chousa_buf_init(&b, 4096);
	for (i = 0; i < n; i++) {
		if (i > 0)
			chousa_buf_adds(&b, i + 1 == n ? " and " : ", ");
		chousa_buf_adds(&b, names[i]);
	}
	s = chousa_arena_strdup(a, b.data != NULL ? b.data : "");
	chousa_buf_release(&b);
	return s;
}

int
inv_verdict(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	const char *mal[16], *sus[16], *ben[8];
	size_t n_mal = 0, n_sus = 0, n_ben = 0, s, i;
	int best = -1, level;
	const char *matched = NULL, *benign_kind = NULL;

	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];
			const char *title;

			if (f->status != CHOUSA_ST_HIT ||
			    !about_input(it, f, &level))
				continue;
			title = inv_source_title(f->source);
			/* "11 vendors say so" is what an analyst quotes. */
			if (f->n_detect > 0 && f->n_engines > 0)
				title = chousa_arena_printf(ctx->arena,
				    "%s (%d of %d engines)", title,
				    f->n_detect, f->n_engines);
			if (title == NULL)
				return CHOUSA_ENOMEM;
			if (f->verdict == CHOUSA_V_BENIGN) {
				if (level == CHOUSA_MATCH_EXACT ||
				    level == CHOUSA_MATCH_HOST) {
					add_name(ben, &n_ben, 8,
					    f->detail != NULL ? f->detail :
					    title);
					benign_kind = f->threat;
				}
				continue;
			}
			if (f->verdict == CHOUSA_V_MALICIOUS &&
			    level != CHOUSA_MATCH_REGDOMAIN &&
			    level != CHOUSA_MATCH_PARENT)
				add_name(mal, &n_mal, 16, title);
			else if (f->verdict >= CHOUSA_V_SUSPICIOUS)
				add_name(sus, &n_sus, 16, title);
			else
				continue;
			if (best < 0 || level < best) {
				best = level;
				matched = f->matched != NULL ? f->matched :
				    f->subject;
			}
		}
	rep->match = best;
	rep->matched = matched;
	it->listers = n_mal + n_sus == 0 ? NULL : join_names(ctx->arena,
	    n_mal ? mal : sus, n_mal ? n_mal : n_sus);
	it->benign_lists = n_ben == 0 ? NULL : join_names(ctx->arena, ben,
	    n_ben);
	if (n_ben > 0 && (n_mal > 0 || n_sus > 0)) {
		rep->verdict = CHOUSA_V_SUSPICIOUS;
		rep->verdict_reason = chousa_arena_printf(ctx->arena,
		    "listed by %s, but on the known-benign list %s: shared "
		    "infrastructure", join_names(ctx->arena, n_mal ? mal : sus,
		    n_mal ? n_mal : n_sus), join_names(ctx->arena, ben,
		    n_ben));
	} else if (n_ben > 0) {
		rep->verdict = CHOUSA_V_BENIGN;
		rep->verdict_reason = chousa_arena_printf(ctx->arena,
		    "on the known-benign list %s", join_names(ctx->arena,
		    ben, n_ben));
	} else if (n_mal > 0) {
		rep->verdict = CHOUSA_V_MALICIOUS;
		rep->verdict_reason = chousa_arena_printf(ctx->arena,
		    "listed by %s", join_names(ctx->arena, mal, n_mal));
	} else if (n_sus > 0) {
		rep->verdict = CHOUSA_V_SUSPICIOUS;
		rep->verdict_reason = chousa_arena_printf(ctx->arena,
		    "only its %s is listed, by %s", best ==
		    CHOUSA_MATCH_REGDOMAIN ? "registrable domain" :
		    best == CHOUSA_MATCH_PARENT ? "parent domain" :
		    best == CHOUSA_MATCH_CIDR ? "network range" : "related "
		    "infrastructure", join_names(ctx->arena, sus, n_sus));
	} else {
		rep->verdict = CHOUSA_V_UNKNOWN;
		rep->verdict_reason = NULL;
		/* A malicious sample that contacted it is still evidence. */
		for (i = 0; i < rep->n_samples; i++)
			if (rep->samples[i].family != NULL &&
			    !is_hash_type(rep->ind.type)) {
				rep->verdict = CHOUSA_V_SUSPICIOUS;
				rep->verdict_reason = chousa_arena_printf(
				    ctx->arena, "not listed, but a %s sample "
				    "is related to it", rep->samples[i].family);
				break;
			}
	}
	it->settled = rep->verdict == CHOUSA_V_BENIGN || n_mal >= 2;
	rep->benign = NULL;
	rep->n_benign = 0;
	if (n_ben > 0 && ctx->store != NULL)
		chousa_store_benign(ctx->store, ctx->arena, &rep->ind,
		    &rep->benign, &rep->n_benign, NULL);
	(void)benign_kind;
	return CHOUSA_OK;
}

/* ---- samples ---- */

static struct chousa_report_sample *
find_sample(struct chousa_report *rep, const char *value)
{
	size_t i;

	for (i = 0; i < rep->n_samples; i++)
		if (strcasecmp(rep->samples[i].sha256, value) == 0)
			return &rep->samples[i];
	return NULL;
}

static int
sample_add_source(struct chousa_arena *a, struct chousa_report_sample *s,
    const char *src)
{
	const char **grown;
	size_t i;

	for (i = 0; i < s->n_sources; i++)
		if (strcmp(s->sources[i], src) == 0)
			return CHOUSA_OK;
	grown = chousa_arena_alloc(a, (s->n_sources + 1) * sizeof(*grown));
	if (grown == NULL)
		return CHOUSA_ENOMEM;
	if (s->n_sources > 0)
		memcpy(grown, s->sources, s->n_sources * sizeof(*grown));
	grown[s->n_sources++] = src;
	s->sources = grown;
	return CHOUSA_OK;
}

static struct chousa_report_sample *
add_sample(struct chousa_ctx *ctx, struct inv_item *it, const char *value)
{
	struct chousa_report *rep = it->rep;
	struct chousa_report_sample *s = find_sample(rep, value);

	if (s != NULL)
		return s;
	if (rep->n_samples >= 1000)
		return NULL;
	s = rep->samples;
	if (rep->n_samples >= it->cap_samples) {
		size_t ncap = it->cap_samples ? it->cap_samples * 2 : 8;

		s = chousa_arena_alloc(ctx->arena, ncap * sizeof(*s));
		if (s == NULL)
			return NULL;
		if (rep->n_samples > 0)
			memcpy(s, rep->samples, rep->n_samples * sizeof(*s));
		it->cap_samples = ncap;
		rep->samples = s;
	}
	s = &rep->samples[rep->n_samples++];
	memset(s, 0, sizeof(*s));
	s->sha256 = value;
	return s;
}

static int
rel_strength(int rel)
{
	switch (rel) {
	case 0:				return 50;	/* the input */
	case CHOUSA_REL_DELIVERED:
	case CHOUSA_REL_CONTACTED:
	case CHOUSA_REL_C2:		return 40;
	case CHOUSA_REL_DROPPED:	return 30;
	default:			return 20;
	}
}

static int
cmp_sample(const void *pa, const void *pb)
{
	const struct chousa_report_sample *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->first_seen != b->first_seen)
		return a->first_seen > b->first_seen ? -1 : 1;
	return strcmp(a->sha256, b->sha256);
}

void
inv_rank_samples(struct chousa_report *rep, int64_t now)
{
	size_t i;

	for (i = 0; i < rep->n_samples; i++) {
		struct chousa_report_sample *s = &rep->samples[i];
		int64_t age = s->first_seen ? now - s->first_seen : -1;

		s->score = rel_strength(s->rel) + 10 * (int)(s->n_sources > 4 ?
		    4 : s->n_sources) + (s->family != NULL ? 15 : 0);
		/* Recent evidence first: within a year counts most. */
		if (age >= 0 && age < 365 * 86400)
			s->score += 10;
		else if (age >= 0 && age < 3 * 365 * 86400)
			s->score += 5;
	}
	if (rep->n_samples > 1)
		qsort(rep->samples, rep->n_samples, sizeof(*rep->samples),
		    cmp_sample);
}

/* A family id for a label through the catalogue, else the label. */
static const char *
family_id(struct chousa_ctx *ctx, const char *label, const char **name)
{
	const char *id;
	static const char *const generic[] = { "unknown", "malware",
	    "trojan", "generic", "none", "n/a", "null", "-", NULL };
	size_t i;

	for (i = 0; generic[i] != NULL; i++)
		if (strcasecmp(label, generic[i]) == 0)
			return NULL;
	if (ctx_family(ctx, label, &id, name) == CHOUSA_OK && id != NULL)
		return id;
	*name = label;
	return label;
}

/* The family a finding names: its Malpedia id, else its first label. */
static const char *
finding_family(struct chousa_ctx *ctx, const struct chousa_finding *f,
    const char **name)
{
	size_t i;
	const char *id;

	if (f->family != NULL)
		return family_id(ctx, f->family, name);
	for (i = 0; i < f->n_labels; i++) {
		id = family_id(ctx, f->labels[i], name);
		if (id != NULL)
			return id;
	}
	return NULL;
}

int
inv_collect_samples(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_report_sample *smp;
	const char *name;
	size_t s, i, j;

	rep->n_samples = 0;
	if (is_hash_type(rep->ind.type)) {
		smp = add_sample(ctx, it, rep->ind.value);
		if (smp == NULL)
			return CHOUSA_ENOMEM;
		smp->rel = 0;
		smp->via = rep->ind.value;
	}
	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];

			if (f->status != CHOUSA_ST_HIT ||
			    is_hash_type(f->subject_type) ||
			    f->subject_type == CHOUSA_IOC_NONE)
				continue;
			for (j = 0; j < f->n_related; j++) {
				const struct chousa_related *r =
				    &f->related[j];

				if (r->value == NULL || !is_hash_type(r->type))
					continue;
				smp = add_sample(ctx, it, r->value);
				if (smp == NULL)
					continue;
				if (smp->via == NULL) {
					smp->rel = r->rel;
					smp->via = f->subject;
				}
				if (smp->family == NULL && r->family != NULL)
					smp->family = family_id(ctx, r->family,
					    &name);
				if (r->seen != 0 && (smp->first_seen == 0 ||
				    r->seen < smp->first_seen))
					smp->first_seen = r->seen;
				if (sample_add_source(ctx->arena, smp,
				    f->source) != CHOUSA_OK)
					return CHOUSA_ENOMEM;
				inv_add_edge(ctx, it, r->value, r->type,
				    f->subject, f->subject_type,
				    chousa_rel_name(r->rel), f->source);
			}
		}
	/* What sources say about the samples themselves. */
	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];
			const char *fam;

			if (f->status != CHOUSA_ST_HIT ||
			    !is_hash_type(f->subject_type))
				continue;
			/* What the sample did is part of the graph. */
			for (j = 0; j < f->n_related; j++)
				if (f->related[j].value != NULL &&
				    !is_hash_type(f->related[j].type))
					inv_add_edge(ctx, it, f->subject,
					    f->subject_type,
					    f->related[j].value,
					    f->related[j].type,
					    chousa_rel_name(f->related[j].rel),
					    f->source);
			smp = find_sample(rep, f->subject);
			if (smp == NULL && f->matched != NULL)
				smp = find_sample(rep, f->matched);
			if (smp == NULL)
				continue;
			/* A sample known by md5 takes its sha256. */
			if (f->matched != NULL && strlen(f->matched) == 64 &&
			    strlen(smp->sha256) != 64)
				smp->sha256 = f->matched;
			fam = finding_family(ctx, f, &name);
			if (fam != NULL && smp->family == NULL)
				smp->family = fam;
			if (fam != NULL)
				inv_add_edge(ctx, it, smp->sha256,
				    f->subject_type, fam, CHOUSA_IOC_NONE,
				    "family", f->source);
			if (smp->file_type == NULL)
				smp->file_type = f->file_type;
			if (smp->file_name == NULL)
				smp->file_name = f->file_name;
			if (f->first_seen != 0 && (smp->first_seen == 0 ||
			    f->first_seen < smp->first_seen))
				smp->first_seen = f->first_seen;
			if (sample_add_source(ctx->arena, smp, f->source) !=
			    CHOUSA_OK)
				return CHOUSA_ENOMEM;
		}
	for (i = 0; i < rep->n_samples; i++) {
		const struct inv_subject *sub = subject_of(it,
		    rep->samples[i].sha256);

		rep->samples[i].enriched = sub != NULL && sub->enriched;
	}
	inv_rank_samples(rep, (int64_t)time(NULL));
	return CHOUSA_OK;
}

/* ---- the family vote ---- */

/*
 * One source's word counts once per family: local-urlhaus and the urlhaus
 * API are the same source asked two ways.
 */
static const char *
origin_of(const char *source)
{
	return strncmp(source, "local-", 6) == 0 ? source + 6 : source;
}

/* How much a finding's subject says about the input. */
static double
subject_weight(const struct inv_item *it, const struct chousa_finding *f)
{
	const struct inv_subject *s = subject_of(it, f->subject);

	if (s == NULL)
		return 0.5;
	if (is_hash_type(s->type)) {
		const struct chousa_report_sample *smp;
		size_t i;

		for (i = 0; i < it->rep->n_samples; i++) {
			smp = &it->rep->samples[i];
			if (strcasecmp(smp->sha256, f->subject) == 0 ||
			    (f->matched != NULL &&
			    strcasecmp(smp->sha256, f->matched) == 0))
				return smp->rel == 0 ? 1.0 : 0.9;
		}
		return 0.6;
	}
	if (s->depth > 0)
		return 0.5;
	switch (s->match != CHOUSA_MATCH_EXACT ? s->match : f->match) {
	case CHOUSA_MATCH_EXACT:	return 1.0;
	case CHOUSA_MATCH_HOST:
	case CHOUSA_MATCH_URL_HOST:	return 0.8;
	default:			return 0.4;
	}
}

struct vote_acc {
	const char	*id;
	const char	*name;
	double		 weight;
	const char	*origins[16];
	double		 by_origin[16];
	const char	*sources[16];
	size_t		 n_origins;
};

/*
 * Whether two labels name the same family when no catalogue could tell:
 * "win.emotet", "Emotet" and "EMOTET" agree (platform prefix, case and
 * punctuation aside).
 */
/*
 * The aliases analysts meet most, for when no Malpedia catalogue is in
 * the store (online-only runs); the catalogue, when loaded, knows them all.
 */
static const char *const aliases[][2] = {
	{ "heodo", "emotet" }, { "geodo", "emotet" },
	{ "qbot", "qakbot" }, { "quakbot", "qakbot" },
	{ "pinkslipbot", "qakbot" }, { "trickloader", "trickbot" },
	{ "thetrick", "trickbot" }, { "cridex", "dridex" },
	{ "bugat", "dridex" }, { "agenttesla", "agent_tesla" },
	{ "cobaltstrike", "cobalt_strike" }, { "beacon", "cobalt_strike" },
};

/* The alias target of a bare name, or the name. */
static const char *
canonical(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(s, aliases[i][0]) == 0)
			return aliases[i][1];
	return s;
}

static int
same_family(const char *a, const char *b)
{
	const char *da = strchr(a, '.'), *db = strchr(b, '.');

	if (da != NULL && da - a <= 5)
		a = da + 1;
	if (db != NULL && db - b <= 5)
		b = db + 1;
	a = canonical(a);
	b = canonical(b);
	for (;;) {
		while (*a != '\0' && !isalnum((unsigned char)*a))
			a++;
		while (*b != '\0' && !isalnum((unsigned char)*b))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

static void
vote(struct vote_acc *v, size_t *n, const char *id, const char *name,
    const char *source, double w)
{
	const char *o = origin_of(source);
	struct vote_acc *a = NULL;
	size_t i;

	for (i = 0; i < *n && a == NULL; i++)
		if (same_family(v[i].id, id)) {
			a = &v[i];
			/* Keep the Malpedia-style id and the nicer name;
			 * an alias ("Heodo") gives way to the name. */
			if ((strchr(a->id, '.') == NULL &&
			    strchr(id, '.') != NULL) ||
			    (canonical(a->id) != a->id &&
			    canonical(id) == id)) {
				if (strcmp(a->name, a->id) != 0 &&
				    canonical(a->name) == a->name)
					name = a->name;
				a->id = id;
				a->name = name;
			} else if (strcmp(a->name, a->id) == 0 &&
			    strcmp(name, id) != 0)
				a->name = name;
			/* "Emotet" reads better than "emotet"; an alias
			 * ("Heodo") never replaces the name. */
			if (islower((unsigned char)a->name[0]) &&
			    isupper((unsigned char)name[0]) &&
			    canonical(name) == name)
				a->name = name;
		}
	if (a == NULL) {
		if (*n >= VOTES_MAX)
			return;
		a = &v[(*n)++];
		memset(a, 0, sizeof(*a));
		a->id = id;
		a->name = name;
	}
	for (i = 0; i < a->n_origins; i++)
		if (strcmp(a->origins[i], o) == 0) {
			if (w > a->by_origin[i]) {
				a->weight += w - a->by_origin[i];
				a->by_origin[i] = w;
			}
			return;
		}
	if (a->n_origins >= 16)
		return;
	a->origins[a->n_origins] = o;
	a->sources[a->n_origins] = source;
	a->by_origin[a->n_origins++] = w;
	a->weight += w;
}

static int
cmp_vote(const void *pa, const void *pb)
{
	const struct vote_acc *a = pa, *b = pb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(a->id, b->id);
}

int
inv_family(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_report_family *fam;
	struct vote_acc votes[VOTES_MAX];
	struct chousa_family cat;
	size_t n = 0, s, i, j;
	double total = 0, support, conf;
	const char *name;

	rep->family = NULL;
	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];
			double w;
			const char *seen_ids[8];
			size_t n_seen = 0, k;

			if (f->status != CHOUSA_ST_HIT ||
			    f->subject_type == CHOUSA_IOC_NONE ||
			    f->verdict == CHOUSA_V_BENIGN)
				continue;
			w = subject_weight(it, f);
			/* The Malpedia id and every label, each once. */
			for (j = 0; j <= f->n_labels; j++) {
				const char *label = j == 0 ? f->family :
				    f->labels[j - 1];
				const char *id;

				if (label == NULL)
					continue;
				id = family_id(ctx, label, &name);
				if (id == NULL)
					continue;
				for (k = 0; k < n_seen; k++)
					if (strcasecmp(seen_ids[k], id) == 0)
						break;
				if (k < n_seen || n_seen >= 8)
					continue;
				seen_ids[n_seen++] = id;
				vote(votes, &n, id, name, f->source, w);
			}
		}
	if (n == 0)
		return CHOUSA_OK;
	qsort(votes, n, sizeof(votes[0]), cmp_vote);
	for (i = 0; i < n; i++)
		total += votes[i].weight;
	fam = chousa_arena_alloc(ctx->arena, sizeof(*fam));
	if (fam == NULL)
		return CHOUSA_ENOMEM;
	fam->votes = chousa_arena_alloc(ctx->arena, n * sizeof(*fam->votes));
	if (fam->votes == NULL)
		return CHOUSA_ENOMEM;
	for (i = 0; i < n; i++) {
		struct chousa_family_vote *v = &fam->votes[i];

		v->id = votes[i].id;
		v->name = votes[i].name;
		v->weight = votes[i].weight;
		v->n_sources = votes[i].n_origins;
		v->sources = chousa_arena_alloc(ctx->arena,
		    (v->n_sources ? v->n_sources : 1) * sizeof(*v->sources));
		if (v->sources == NULL)
			return CHOUSA_ENOMEM;
		for (j = 0; j < v->n_sources; j++)
			v->sources[j] = votes[i].sources[j];
	}
	fam->n_votes = n;
	fam->id = votes[0].id;
	fam->name = votes[0].name;
	/*
	 * Share of the vote times how much independent support it has:
	 * one source alone is 70 at most, two 85, three 92.
	 */
	{
		double w = votes[0].weight, half = 1.0;

		while (w >= 1.0) {
			half *= 0.5;
			w -= 1.0;
		}
		half *= 1.0 - 0.5 * w;
		support = 1.0 - half;
	}
	conf = 100.0 * (votes[0].weight / total) * (0.4 + 0.6 * support);
	if (rep->verdict == CHOUSA_V_SUSPICIOUS && rep->n_benign > 0) {
		conf *= 0.5;
		fam->caveats = chousa_arena_alloc(ctx->arena,
		    2 * sizeof(*fam->caveats));
		if (fam->caveats == NULL)
			return CHOUSA_ENOMEM;
		fam->caveats[fam->n_caveats++] = chousa_arena_printf(
		    ctx->arena, "it is shared infrastructure (%s, %s): the "
		    "family may belong to another tenant",
		    rep->benign[0].list, rep->benign[0].kind != NULL ?
		    rep->benign[0].kind : "benign list");
	} else if (rep->match == CHOUSA_MATCH_REGDOMAIN ||
	    rep->match == CHOUSA_MATCH_PARENT || rep->match ==
	    CHOUSA_MATCH_CIDR) {
		conf *= 0.6;
		fam->caveats = chousa_arena_alloc(ctx->arena,
		    2 * sizeof(*fam->caveats));
		if (fam->caveats == NULL)
			return CHOUSA_ENOMEM;
		fam->caveats[fam->n_caveats++] = chousa_arena_printf(
		    ctx->arena, "only its %s is listed, which other sites "
		    "may share", chousa_match_name(rep->match));
	}
	/* Many families on one address: shared hosting, not one actor. */
	if (n >= 3 && fam->n_caveats == 0) {
		conf *= 0.7;
		fam->caveats = chousa_arena_alloc(ctx->arena,
		    sizeof(*fam->caveats));
		if (fam->caveats == NULL)
			return CHOUSA_ENOMEM;
		fam->caveats[fam->n_caveats++] = chousa_arena_printf(
		    ctx->arena, "%zu different families are tied to it, as "
		    "on shared hosting", n);
	}
	fam->confidence = (int)(conf + 0.5);
	if (fam->confidence > 100)
		fam->confidence = 100;
	if (ctx->store != NULL && chousa_store_family(ctx->store, ctx->arena,
	    fam->id, &cat, NULL) == CHOUSA_OK) {
		fam->known = 1;
		fam->id = cat.id;
		fam->name = cat.name != NULL ? cat.name : cat.id;
		fam->aliases = cat.aliases;
		fam->description = cat.description;
		fam->refs = cat.refs;
	}
	/* No catalogue: "emotet" as a reader writes it, "Emotet". */
	if (!fam->known && fam->name != NULL && islower((unsigned char)
	    fam->name[0]) && strchr(fam->name, '.') == NULL) {
		char *cap = chousa_arena_strdup(ctx->arena, fam->name);

		if (cap == NULL)
			return CHOUSA_ENOMEM;
		cap[0] = (char)toupper((unsigned char)cap[0]);
		fam->name = cap;
		fam->votes[0].name = cap;
	}
	/* An online catalogue's answer (enrichment) fills what is missing. */
	for (i = 0; i < it->n_found[2]; i++) {
		const struct chousa_finding *f = it->found[2][i];

		if (f->status == CHOUSA_ST_HIT && f->subject_type ==
		    CHOUSA_IOC_NONE && strcmp(f->subject, fam->id) == 0 &&
		    fam->description == NULL)
			fam->description = f->detail;
	}
	rep->family = fam;
	/* Every vote is an edge to its family. */
	for (i = 0; i < n; i++)
		for (j = 0; j < votes[i].n_origins; j++)
			inv_add_edge(ctx, it, rep->ind.value, rep->ind.type,
			    fam->votes[i].id, CHOUSA_IOC_NONE, "family",
			    votes[i].sources[j]);
	return CHOUSA_OK;
}

/* ---- --at: listed and online at the time of the traffic? ---- */

int
inv_time_check(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_time_check *tc = &it->rep->at;
	int64_t at = ctx->opts.at;
	int any_online = 0, any_offline = 0, level;
	size_t s, i;
	char when[32], first[32], last[32];

	if (at == 0)
		return CHOUSA_OK;
	tc->at = at;
	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];

			if (f->status != CHOUSA_ST_HIT || f->verdict <
			    CHOUSA_V_SUSPICIOUS || !about_input(it, f, &level))
				continue;
			if (f->first_seen != 0 && (tc->first_seen == 0 ||
			    f->first_seen < tc->first_seen))
				tc->first_seen = f->first_seen;
			if (f->last_seen > tc->last_seen)
				tc->last_seen = f->last_seen;
			if (f->online != NULL && strcmp(f->online,
			    "online") == 0)
				any_online = 1;
			else if (f->online != NULL)
				any_offline = 1;
		}
	chousa_time_format(at, when, sizeof(when));
	chousa_time_format(tc->first_seen, first, sizeof(first));
	chousa_time_format(tc->last_seen, last, sizeof(last));
	tc->listed = tc->first_seen == 0 ? -1 : at >= tc->first_seen;
	if (tc->listed == 1 && tc->last_seen != 0 && at <= tc->last_seen)
		tc->online = 1;
	else if (tc->listed == 1 && any_online)
		tc->online = 1;
	else if (tc->listed == 1 && any_offline && tc->last_seen != 0)
		tc->online = 0;
	else
		tc->online = -1;
	if (tc->listed == -1)
		tc->text = chousa_arena_printf(ctx->arena, "No listing of it "
		    "gives a date, so it cannot be said whether it was listed "
		    "at %s.", when);
	else if (tc->listed == 0)
		tc->text = chousa_arena_printf(ctx->arena, "At %s it was not "
		    "listed yet: the first listing is from %s.", when, first);
	else if (tc->online == 1)
		tc->text = chousa_arena_printf(ctx->arena, "At %s it was "
		    "listed (since %s) and still seen active (last seen %s).",
		    when, first, tc->last_seen ? last : "unknown");
	else if (tc->online == 0)
		tc->text = chousa_arena_printf(ctx->arena, "At %s it was "
		    "listed (since %s) but no longer seen active after %s.",
		    when, first, last);
	else
		tc->text = chousa_arena_printf(ctx->arena, "At %s it was "
		    "listed (since %s); whether it was still online then is "
		    "not known.", when, first);
	return tc->text != NULL ? CHOUSA_OK : CHOUSA_ENOMEM;
}
