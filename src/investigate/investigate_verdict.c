/*
 * investigate_verdict.c: from findings to judgements.  The verdict weighs
 * who lists the indicator and at which level (the indicator itself, a
 * URL's host, only its registrable domain) against the known-benign lists;
 * samples are gathered from relations and ranked by the strength and age
 * of their evidence; the family comes from weighted votes in which one
 * source repeating itself counts once.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "investigate/investigate.h"
#include "ioc/labels.h"

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

/*
 * Is the finding about the input (itself, its host or its domain)?  The
 * level says how: a finding about a URL's host that found the host
 * itself listed is HOST; one that found only other listed URLs on it is
 * URL_HOST, as for a domain that is the host of listed URLs.
 */
static int
about_input(const struct inv_item *it, const struct chousa_finding *f,
    int *level)
{
	const struct inv_subject *s = subject_of(it, f->subject);

	if (s == NULL || s->depth != 0 || s->type == CHOUSA_IOC_NONE)
		return 0;
	if (s->match == CHOUSA_MATCH_EXACT)
		*level = f->match;
	else if (s->match == CHOUSA_MATCH_HOST)
		*level = f->match == CHOUSA_MATCH_EXACT ? CHOUSA_MATCH_HOST :
		    f->match == CHOUSA_MATCH_URL_HOST ? CHOUSA_MATCH_URL_HOST :
		    f->match;
	else
		*level = s->match;
	return 1;
}

/*
 * The labels a finding's family is read from: the families of its
 * records when it has them (a store's), else its labels.
 */
static void
finding_labels(const struct chousa_finding *f, const char *const **labels,
    size_t *n)
{
	*labels = f->has_families ? f->families : f->labels;
	*n = f->has_families ? f->n_families : f->n_labels;
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

/*
 * One source's word counts once: local-urlhaus and the urlhaus API are
 * the same source asked two ways.
 */
static const char *
origin_of(const char *source)
{
	return strncmp(source, "local-", 6) == 0 ? source + 6 : source;
}

/* The evidence about the input, sorted by how it ties to it. */
struct evidence {
	const char	*exact[16];	/* list the indicator itself */
	size_t		 n_exact;
	const char	*origins[16];	/* their distinct origins */
	size_t		 n_origins;
	const char	*host[16];	/* list a URL's host itself */
	size_t		 n_host;
	const char	*hosted[16];	/* list content it hosts */
	size_t		 n_hosted;
	const char	*hosted_fams[16]; /* families of that content */
	size_t		 n_hosted_fams;
	int		 hosted_records;
	/*
	 * The records each origin lists on the host: a URL's own look-up
	 * and its host's find the same ones, which count once.
	 */
	const char	*hosted_origins[16];
	int		 hosted_counts[16];
	size_t		 n_hosted_origins;
	const char	*listers[16];	/* all three above, in ask order */
	size_t		 n_listers;
	const char	*weak[16];	/* its domain, a parent, a range, or
					 * a suspicious word */
	size_t		 n_weak;
	const char	*ben[8];	/* known-benign lists */
	size_t		 n_ben;
	int		 best;		/* best level, -1 none */
	const char	*matched;
	int64_t		 first_seen;	/* earliest listing counted, 0 */
};

static void
evidence_add(struct evidence *e, const char **arr, size_t *n,
    const char *title, const struct chousa_finding *f, int level)
{
	add_name(arr, n, 16, title);
	if (f->first_seen != 0 && arr != e->weak && (e->first_seen == 0 ||
	    f->first_seen < e->first_seen))
		e->first_seen = f->first_seen;
	if (e->best < 0 || level < e->best) {
		e->best = level;
		e->matched = f->matched != NULL ? f->matched : f->subject;
	}
}

/* The families the labels of content hosted on the input name. */
static void
hosted_families(struct chousa_ctx *ctx, struct evidence *e,
    const struct chousa_finding *f)
{
	const char *const *labels;
	const char *origin;
	size_t i, n_labels;
	int n;

	finding_labels(f, &labels, &n_labels);
	for (i = 0; i < n_labels; i++) {
		const char *fam = inv_label_family(ctx, labels[i], NULL);

		if (fam != NULL)
			add_name(e->hosted_fams, &e->n_hosted_fams, 16, fam);
	}
	n = f->n_records > 0 ? f->n_records : 1;
	origin = origin_of(f->source);
	for (i = 0; i < e->n_hosted_origins; i++)
		if (strcmp(e->hosted_origins[i], origin) == 0)
			break;
	if (i == e->n_hosted_origins) {
		if (i == 16)
			return;
		e->hosted_origins[e->n_hosted_origins] = origin;
		e->hosted_counts[e->n_hosted_origins++] = 0;
	}
	if (n > e->hosted_counts[i]) {
		e->hosted_records += n - e->hosted_counts[i];
		e->hosted_counts[i] = n;
	}
}

static int
gather(struct chousa_ctx *ctx, struct inv_item *it, struct evidence *e)
{
	size_t s, i;
	int level;

	memset(e, 0, sizeof(*e));
	e->best = -1;
	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];
			const char *title;

			if (f->status != CHOUSA_ST_HIT ||
			    !about_input(it, f, &level))
				continue;
			if (f->usage != NULL && strcmp(f->usage, "tor") == 0)
				it->usage_tor = 1;
			if (f->usage != NULL && strcmp(f->usage,
			    "hosting") == 0)
				it->usage_hosting = 1;
			title = f->list_name != NULL ?
			    chousa_arena_printf(ctx->arena, "%s (imported list)",
			    f->list_name) : inv_source_title(f->source);
			/* "11 vendors say so" is what an analyst quotes. */
			if (f->n_detect > 0 && f->n_engines > 0)
				title = chousa_arena_printf(ctx->arena,
				    "%s (%d of %d engines)", title,
				    f->n_detect, f->n_engines);
			if (title == NULL)
				return CHOUSA_ENOMEM;
			/*
			 * A mail provider on a benign list says nothing of
			 * one of its mailboxes.
			 */
			if (it->rep->ind.type == CHOUSA_IOC_EMAIL &&
			    level != CHOUSA_MATCH_EXACT &&
			    f->verdict == CHOUSA_V_BENIGN)
				continue;
			if (f->verdict == CHOUSA_V_BENIGN ||
			    (f->usage != NULL && strcmp(f->usage,
			    "allowlisted") == 0)) {
				if (level == CHOUSA_MATCH_EXACT ||
				    level == CHOUSA_MATCH_HOST)
					add_name(e->ben, &e->n_ben, 8,
					    f->detail != NULL ? f->detail :
					    title);
				continue;
			}
			if (f->verdict < CHOUSA_V_SUSPICIOUS)
				continue;
			/*
			 * Reports against a Tor exit or a hosting provider are
			 * about its users: weak, whatever the score.
			 */
			if (f->usage != NULL && (strcmp(f->usage, "tor") == 0 ||
			    strcmp(f->usage, "hosting") == 0)) {
				evidence_add(e, e->weak, &e->n_weak, title, f,
				    level);
				continue;
			}
			if ((f->verdict == CHOUSA_V_MALICIOUS &&
			    (level == CHOUSA_MATCH_EXACT ||
			    level == CHOUSA_MATCH_HOST)) ||
			    level == CHOUSA_MATCH_URL_HOST)
				add_name(e->listers, &e->n_listers, 16, title);
			if (f->verdict == CHOUSA_V_MALICIOUS &&
			    level == CHOUSA_MATCH_EXACT) {
				evidence_add(e, e->exact, &e->n_exact, title, f,
				    level);
				add_name(e->origins, &e->n_origins, 16,
				    origin_of(f->source));
			} else if (f->verdict == CHOUSA_V_MALICIOUS &&
			    level == CHOUSA_MATCH_HOST)
				evidence_add(e, e->host, &e->n_host, title, f,
				    level);
			else if (level == CHOUSA_MATCH_URL_HOST) {
				evidence_add(e, e->hosted, &e->n_hosted, title,
				    f, level);
				hosted_families(ctx, e, f);
			} else
				evidence_add(e, e->weak, &e->n_weak, title, f,
				    level);
		}
	return CHOUSA_OK;
}

static int
kind_is(const char *kind, const char *want)
{
	return kind != NULL && strcmp(kind, want) == 0;
}

/*
 * Why the input is shared infrastructure, from the benign lists that
 * cover it and the compiled-in lists of platforms and resolvers; NULL when
 * it is not: what the report says of it, whatever the verdict (which
 * chousa_benign_exact decides: a tenant's name under a CDN's is shared
 * only in that sense).
 */
static const char *
shared_reason(struct chousa_ctx *ctx, const struct chousa_report *rep)
{
	const struct chousa_indicator *ind = &rep->ind;
	const char *host = ind->type == CHOUSA_IOC_URL ? ind->host :
	    ind->value;
	size_t i;

	if (is_hash_type(ind->type))
		return NULL;
	if (data_public_resolver(host))
		return chousa_arena_printf(ctx->arena, "%s is a public DNS "
		    "resolver", host);
	for (i = 0; i < rep->n_benign; i++) {
		const struct chousa_benign *b = &rep->benign[i];

		if (kind_is(b->kind, "resolver") || kind_is(b->kind, "cdn"))
			return chousa_arena_printf(ctx->arena, "%s is on %s "
			    "(%s)", host, b->list, kind_is(b->kind,
			    "resolver") ? "public resolvers" : "a CDN");
	}
	if (data_shared_platform(host))
		return chousa_arena_printf(ctx->arena, "%s is a shared "
		    "platform where anyone can publish", host);
	for (i = 0; i < rep->n_benign; i++) {
		const struct chousa_benign *b = &rep->benign[i];

		return chousa_arena_printf(ctx->arena, "%s is on the "
		    "known-benign list %s (%s)", host, b->list,
		    b->kind != NULL ? b->kind : "benign");
	}
	return NULL;
}

/* Whether a sample ties to the input more closely than by contacting it. */
static int
sample_tie(const struct chousa_report *rep, int *contacted)
{
	size_t i;

	*contacted = 0;
	for (i = 0; i < rep->n_samples; i++) {
		const struct chousa_report_sample *smp = &rep->samples[i];

		if (smp->rel == 0)
			continue;
		if (smp->family != NULL && (smp->rel == CHOUSA_REL_C2 ||
		    smp->rel == CHOUSA_REL_DELIVERED))
			return (int)i + 1;
		/* A sample of no known family contacting it says as little. */
		*contacted = 1;
	}
	return 0;
}

static void
set_verdict(struct chousa_report *rep, int v, const char *reason)
{
	rep->verdict = v;
	rep->verdict_reason = reason;
}

/*
 * A verdict whose reason is who lists it (listed) and then why that says
 * less than it seems (caveat).
 */
static void
set_verdict_but(struct chousa_arena *a, struct inv_item *it, int v,
    const char *listed, const char *caveat)
{
	set_verdict(it->rep, v, chousa_arena_printf(a, "%s%s", listed,
	    caveat));
	it->reason_listed = listed != NULL ? strlen(listed) : 0;
}

/* How sure the verdict is (chousa_report.confidence), from its evidence. */
static int
verdict_confidence(const struct chousa_report *rep, const struct evidence *e)
{
	switch (rep->verdict) {
	case CHOUSA_V_MALICIOUS:
		if (e->n_exact > 0)
			return e->n_origins >= 3 ? 95 : e->n_origins == 2 ?
			    90 : 75;
		return e->n_host > 0 ? 70 : 60;
	case CHOUSA_V_SUSPICIOUS:
		return 40;
	case CHOUSA_V_BENIGN:
		return 80;
	default:
		return 0;
	}
}

/* The sources of a range's listings, "Feodo Tracker and ThreatFox". */
static const char *
listing_sources(struct chousa_arena *a, const struct chousa_report *rep)
{
	const char *names[16];
	size_t n = 0, i;

	for (i = 0; i < rep->n_listed; i++) {
		const char *src = rep->listed[i].rec.source;
		char local[64];

		if (src == NULL)
			continue;
		snprintf(local, sizeof(local), "local-%s", src);
		add_name(names, &n, 16, chousa_source_find(local) != NULL ?
		    inv_source_title(local) : src);
	}
	return join_names(a, names, n);
}

/*
 * The names and benign lists the verdict quotes: the listing sources that
 * agree (it->listers), the benign lists (it->benign_lists), the shared
 * platform reason (it->shared).
 */
static void
verdict_context(struct chousa_ctx *ctx, struct inv_item *it,
    const struct evidence *e)
{
	struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;

	rep->benign = NULL;
	rep->n_benign = 0;
	if (e->n_ben > 0 && ctx->store != NULL)
		chousa_store_benign(ctx->store, a, &rep->ind, &rep->benign,
		    &rep->n_benign, NULL);
	it->shared = shared_reason(ctx, rep);
	it->hosts_listed = 0;
	it->contacted_only = 0;
	rep->match = e->best;
	rep->matched = e->matched;
	/* A listing of the input or its host names the others that agree. */
	it->listers = e->n_exact > 0 || e->n_host > 0 ? join_names(a,
	    e->listers, e->n_listers) :
	    e->n_hosted > 0 ? join_names(a, e->hosted, e->n_hosted) :
	    e->n_weak > 0 ? join_names(a, e->weak, e->n_weak) : NULL;
	it->benign_lists = e->n_ben == 0 ? NULL : join_names(a, e->ben,
	    e->n_ben);
	rep->first_seen = e->first_seen;
}

/*
 * An exact listing is malicious unless the benign lists say otherwise, as
 * they say it for an export (chousa_benign_exact): a list names the input
 * itself, it is a platform's own host, or the address is shared too
 * widely for one listing to hold.
 */
static void
verdict_exact(struct chousa_arena *a, struct inv_item *it,
    const struct evidence *e)
{
	struct chousa_report *rep = it->rep;
	const struct chousa_benign *why;
	const char *listed = chousa_arena_printf(a, "listed by %s",
	    it->listers);
	const char *subject = rep->ind.value;
	int type = rep->ind.type;

	(void)chousa_benign_subject(&type, &subject, rep->ind.host);
	switch (chousa_benign_exact(rep->ind.type, rep->ind.value,
	    rep->ind.host, rep->benign, rep->n_benign, e->n_origins, &why)) {
	case CHOUSA_BENIGN_SAME:
		set_verdict_but(a, it, CHOUSA_V_SUSPICIOUS, listed,
		    chousa_arena_printf(a, ", but on the known-benign list "
		    "%s: likely a false positive or shared infrastructure",
		    it->benign_lists != NULL ? it->benign_lists : why->list));
		break;
	case CHOUSA_BENIGN_PLATFORM:
		set_verdict_but(a, it, CHOUSA_V_SUSPICIOUS, listed,
		    chousa_arena_printf(a, ", but %s is a shared platform's "
		    "own host, where anyone can publish: a listing of all of "
		    "it says little of one user's content", subject));
		break;
	case CHOUSA_BENIGN_WIDE:
		set_verdict_but(a, it, CHOUSA_V_SUSPICIOUS, listed,
		    chousa_arena_printf(a, ", but %s: many unrelated hosts "
		    "share it", it->shared));
		break;
	case CHOUSA_BENIGN_RANGE:
		set_verdict_but(a, it, CHOUSA_V_SUSPICIOUS, listed,
		    chousa_arena_printf(a, " only, and %s: its addresses "
		    "change hands", it->shared));
		break;
	default:
		set_verdict(rep, CHOUSA_V_MALICIOUS, listed);
	}
}

/*
 * Hosting listed content makes a host malicious only when it is no shared
 * platform and what it hosts is one threat.
 */
static void
verdict_hosted(struct chousa_arena *a, struct inv_item *it,
    const struct evidence *e)
{
	struct chousa_report *rep = it->rep;
	const char *mal_names = it->listers;
	const char *fams = e->n_hosted_fams > 0 ? chousa_arena_printf(a,
	    " (%s)", join_names(a, e->hosted_fams, e->n_hosted_fams)) : "";

	if (rep->ind.type == CHOUSA_IOC_URL && it->shared != NULL)
		/* Other tenants' listings say nothing of this URL. */
		set_verdict(rep, CHOUSA_V_UNKNOWN, chousa_arena_printf(a,
		    "not listed; %s, where %s list%s other URLs", it->shared,
		    mal_names, e->n_hosted > 1 ? "" : "s"));
	else if (it->shared != NULL || e->n_hosted_fams >= 3 ||
	    rep->ind.type == CHOUSA_IOC_URL) {
		it->hosts_listed = 1;
		set_verdict(rep, CHOUSA_V_SUSPICIOUS, chousa_arena_printf(a,
		    "hosts listed content: %s list%s %d URL%s on %s%s%s%s",
		    mal_names, e->n_hosted > 1 ? "" : "s", e->hosted_records,
		    e->hosted_records == 1 ? "" : "s",
		    rep->ind.type == CHOUSA_IOC_URL ? "its host" : "it", fams,
		    it->shared != NULL ? "; " : "",
		    it->shared != NULL ? it->shared : ""));
	} else
		/*
		 * Rule 10: malicious, but the host itself is not listed, and
		 * the reason says so.
		 */
		set_verdict(rep, CHOUSA_V_MALICIOUS, chousa_arena_printf(a,
		    "hosts listed content: %s list%s %d URL%s on it%s",
		    mal_names, e->n_hosted > 1 ? "" : "s", e->hosted_records,
		    e->hosted_records == 1 ? "" : "s", fams));
}

/* What a weak tie listed: "parent domain", "network range"... */
static const char *
weak_tie_name(int best)
{
	switch (best) {
	case CHOUSA_MATCH_REGDOMAIN:
		return "registrable domain";
	case CHOUSA_MATCH_PARENT:
		return "parent domain";
	case CHOUSA_MATCH_CIDR:
		return "network range";
	case CHOUSA_MATCH_EXACT:
		return "reputation (reports, not a listing)";
	default:
		return "related infrastructure";
	}
}

/*
 * With no listing at all: a range's listed hosts, the benign lists, then
 * a sample that ties to the input.
 */
static void
verdict_unlisted(struct chousa_arena *a, struct inv_item *it,
    const struct evidence *e)
{
	struct chousa_report *rep = it->rep;
	int contacted, tie;

	if (rep->ind.type == CHOUSA_IOC_CIDR && rep->n_listed > 0) {
		/* A range is shared by its hosts: what it holds is a lead. */
		set_verdict(rep, CHOUSA_V_SUSPICIOUS, chousa_arena_printf(a,
		    "holds %llu listed indicator%s, by %s%s%s",
		    (unsigned long long)rep->n_listed_total,
		    rep->n_listed_total == 1 ? "" : "s",
		    listing_sources(a, rep), e->n_ben > 0 ? "; it is on the "
		    "known-benign list " : "", e->n_ben > 0 ?
		    it->benign_lists : ""));
		return;
	}
	if (e->n_ben > 0) {
		set_verdict(rep, CHOUSA_V_BENIGN, chousa_arena_printf(a,
		    "on the known-benign list %s", it->benign_lists));
		return;
	}
	tie = sample_tie(rep, &contacted);
	if (tie > 0 && !is_hash_type(rep->ind.type) && it->shared == NULL) {
		const struct chousa_report_sample *smp =
		    &rep->samples[tie - 1];

		set_verdict(rep, CHOUSA_V_SUSPICIOUS, chousa_arena_printf(a,
		    "not listed, but a %s sample %s it", smp->family,
		    smp->rel == CHOUSA_REL_C2 ? "uses as its C2 server" :
		    "was delivered by"));
		return;
	}
	set_verdict(rep, CHOUSA_V_UNKNOWN, NULL);
	/* Contacted in a sandbox: identification, never a verdict. */
	if (!is_hash_type(rep->ind.type))
		(void)sample_tie(rep, &it->contacted_only);
}

/*
 * The verdict policy, in the order of docs/verdict-policy.md: an exact
 * listing first (it wins over a benign list that covers only the host,
 * a parent or a range), then a listed host, then hosted content, then
 * weaker ties, then the benign lists, then samples.
 */
int
inv_verdict(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	struct evidence e;
	int rc;

	it->usage_tor = it->usage_hosting = 0;
	it->reason_listed = 0;
	rc = gather(ctx, it, &e);
	if (rc != CHOUSA_OK)
		return rc;
	verdict_context(ctx, it, &e);
	if (rep->ind.type == CHOUSA_IOC_EMAIL && e.n_exact == 0 &&
	    (e.n_host > 0 || e.n_hosted > 0)) {
		/*
		 * A listed domain makes its mailboxes suspect, not malware: a
		 * compromised site's mail, or a sender spoofing it.
		 */
		set_verdict(rep, CHOUSA_V_SUSPICIOUS, chousa_arena_printf(a,
		    "its domain %s %s %s", rep->ind.host, e.n_host > 0 ?
		    "is listed by" : "hosts content listed by", it->listers));
	} else if (e.n_exact > 0)
		verdict_exact(a, it, &e);
	else if (e.n_host > 0) {
		if (it->shared != NULL)
			set_verdict_but(a, it, CHOUSA_V_SUSPICIOUS,
			    chousa_arena_printf(a, "listed through its host, "
			    "by %s", it->listers), chousa_arena_printf(a,
			    ", but %s", it->shared));
		else
			set_verdict(rep, CHOUSA_V_MALICIOUS,
			    chousa_arena_printf(a, "listed by %s",
			    it->listers));
	} else if (e.n_hosted > 0)
		verdict_hosted(a, it, &e);
	else if (e.n_weak > 0 && e.n_ben == 0)
		set_verdict(rep, CHOUSA_V_SUSPICIOUS, chousa_arena_printf(a,
		    "only its %s is listed, by %s", weak_tie_name(e.best),
		    it->listers));
	else
		verdict_unlisted(a, it, &e);
	it->settled = rep->verdict == CHOUSA_V_BENIGN || e.n_origins >= 2;
	rep->confidence = verdict_confidence(rep, &e);
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

/* labels.c's catalogue: the run's chain of family look-ups. */
static const char *
resolve_family(void *arg, const char *label)
{
	struct chousa_ctx *ctx = arg;
	const char *id, *name;

	if (ctx_family(ctx, label, &id, &name) != CHOUSA_OK)
		return NULL;
	return id;
}

const char *
inv_label_family(struct chousa_ctx *ctx, const char *label,
    const char **name)
{
	const char *id, *cat_id, *cat_name;
	int known;

	id = labels_family(ctx->arena, label, resolve_family, ctx, &known);
	if (name != NULL)
		*name = id;
	if (id != NULL && known && name != NULL &&
	    ctx_family(ctx, id, &cat_id, &cat_name) == CHOUSA_OK &&
	    cat_name != NULL)
		*name = cat_name;
	return id;
}

const char *
inv_record_family(struct chousa_ctx *ctx, const char *family,
    const char *tags)
{
	const char *p, *end, *tag;
	int known;

	if (family != NULL && labels_family(ctx->arena, family,
	    resolve_family, ctx, &known) != NULL)
		return family;
	/*
	 * A tag is anyone's word: a family only when a catalogue knows it,
	 * never the feed, the organisation or the workflow it names.
	 */
	for (p = tags; p != NULL && *p != '\0'; p = end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tag = chousa_arena_strndup(ctx->arena, p, (size_t)(end - p));
		if (tag != NULL && labels_family(ctx->arena, tag,
		    resolve_family, ctx, &known) != NULL && known)
			return tag;
		if (*end == ',')
			end++;
	}
	return NULL;
}

const char *
inv_detection_family(struct chousa_ctx *ctx, const struct chousa_finding *f,
    const char **name, int *engines)
{
	const char *id, *cat_id, *cat_name;
	int known;

	id = labels_from_detections(ctx->arena, f->detections,
	    f->n_detections, resolve_family, ctx, engines, &known);
	if (name != NULL)
		*name = id;
	if (id != NULL && known && name != NULL &&
	    ctx_family(ctx, id, &cat_id, &cat_name) == CHOUSA_OK &&
	    cat_name != NULL)
		*name = cat_name;
	return id;
}

/*
 * The family a finding names: its Malpedia id, else its first label
 * that names one, else what its engines' detection names agree on.
 */
static const char *
finding_family(struct chousa_ctx *ctx, const struct chousa_finding *f,
    const char **name)
{
	const char *const *labels;
	size_t i, n;
	const char *id;

	if (f->family != NULL) {
		id = inv_label_family(ctx, f->family, name);
		if (id != NULL)
			return id;
	}
	finding_labels(f, &labels, &n);
	for (i = 0; i < n; i++) {
		id = inv_label_family(ctx, labels[i], name);
		if (id != NULL)
			return id;
	}
	return f->n_detections > 0 ? inv_detection_family(ctx, f, name,
	    NULL) : NULL;
}

int
inv_collect_samples(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_report_sample *smp;
	const char *name;
	size_t s, i, j;
	int rc;

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
					smp->family = inv_label_family(ctx,
					    r->family, &name);
				if (r->seen != 0 && (smp->first_seen == 0 ||
				    r->seen < smp->first_seen))
					smp->first_seen = r->seen;
				if (sample_add_source(ctx->arena, smp,
				    f->source) != CHOUSA_OK)
					return CHOUSA_ENOMEM;
				rc = inv_add_edge(ctx, it, r->value, r->type,
				    f->subject, f->subject_type,
				    chousa_rel_name(r->rel), f->source);
				if (rc != CHOUSA_OK)
					return rc;
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
			for (j = 0; j < f->n_related; j++) {
				const struct chousa_related *r =
				    &f->related[j];

				if (r->value == NULL || is_hash_type(r->type))
					continue;
				rc = inv_add_edge(ctx, it, f->subject,
				    f->subject_type, r->value, r->type,
				    chousa_rel_name(r->rel), f->source);
				if (rc != CHOUSA_OK)
					return rc;
			}
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
			rc = fam != NULL ? inv_add_edge(ctx, it, smp->sha256,
			    f->subject_type, fam, CHOUSA_IOC_NONE, "family",
			    f->source) : CHOUSA_OK;
			if (rc != CHOUSA_OK)
				return rc;
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
 * Whether two family ids are one when no catalogue could tell:
 * "win.emotet", "Emotet" and "EMOTET" agree (platform prefix, case and
 * punctuation aside).  Aliases ("Heodo") were mapped to ids before, by
 * the catalogue chain (ctx_family).
 */
static int
same_family(const char *a, const char *b)
{
	const char *da = strchr(a, '.'), *db = strchr(b, '.');

	if (da != NULL && da - a <= 5)
		a = da + 1;
	if (db != NULL && db - b <= 5)
		b = db + 1;
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
			/* Keep the Malpedia-style id and the nicer name. */
			if (strchr(a->id, '.') == NULL &&
			    strchr(id, '.') != NULL) {
				a->id = id;
				a->name = name;
			} else if (islower((unsigned char)a->name[0]) &&
			    isupper((unsigned char)name[0]))
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

/* How the sample a finding is about ties to the input, or -1. */
static int
sample_rel(const struct inv_item *it, const struct chousa_finding *f)
{
	size_t i;

	if (!is_hash_type(f->subject_type))
		return -1;
	for (i = 0; i < it->rep->n_samples; i++) {
		const struct chousa_report_sample *smp = &it->rep->samples[i];

		if (strcasecmp(smp->sha256, f->subject) == 0 ||
		    (f->matched != NULL && strcasecmp(smp->sha256,
		    f->matched) == 0))
			return smp->rel;
	}
	return -1;
}

/*
 * Whether a finding's families say anything about the input.  Not on a
 * shared platform or a known-benign host: there the content other
 * tenants published, and the samples that merely contacted it, belong to
 * someone else.
 */
static int
votes_for_input(const struct inv_item *it, const struct chousa_finding *f)
{
	int level, rel;

	if (it->shared == NULL && it->rep->n_benign == 0 &&
	    !it->hosts_listed)
		return 1;
	if (about_input(it, f, &level))
		return level == CHOUSA_MATCH_EXACT ||
		    (level == CHOUSA_MATCH_HOST && !it->hosts_listed &&
		    it->shared == NULL);
	rel = sample_rel(it, f);
	return rel == 0 || rel == CHOUSA_REL_DELIVERED;
}

/* Each family of a finding once: its id, labels, then detections. */
static void
vote_finding(struct chousa_ctx *ctx, struct vote_acc *votes, size_t *n,
    const struct chousa_finding *f, double w)
{
	const char *seen_ids[8], *id, *name;
	const char *const *labels;
	size_t n_seen = 0, n_labels, j, k;

	finding_labels(f, &labels, &n_labels);
	for (j = 0; j <= n_labels + 1; j++) {
		const char *label = j == 0 ? f->family : j <= n_labels ?
		    labels[j - 1] : NULL;

		if (j == n_labels + 1)
			id = f->n_detections > 0 ? inv_detection_family(ctx, f,
			    &name, NULL) : NULL;
		else
			id = label != NULL ? inv_label_family(ctx, label,
			    &name) : NULL;
		if (id == NULL)
			continue;
		for (k = 0; k < n_seen; k++)
			if (same_family(seen_ids[k], id))
				break;
		if (k < n_seen || n_seen >= 8)
			continue;
		seen_ids[n_seen++] = id;
		vote(votes, n, id, name != NULL ? name : id, f->source, w);
	}
}

static int
cmp_vote(const void *pa, const void *pb)
{
	const struct vote_acc *a = pa, *b = pb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* The votes of the findings about the input, the heaviest first. */
static size_t
count_votes(struct chousa_ctx *ctx, struct inv_item *it,
    struct vote_acc votes[VOTES_MAX])
{
	size_t n = 0, s, i;

	for (s = 0; s < 3; s++)
		for (i = 0; i < it->n_found[s]; i++) {
			const struct chousa_finding *f = it->found[s][i];

			if (f->status != CHOUSA_ST_HIT ||
			    f->subject_type == CHOUSA_IOC_NONE ||
			    f->verdict == CHOUSA_V_BENIGN ||
			    !votes_for_input(it, f))
				continue;
			vote_finding(ctx, votes, &n, f, subject_weight(it, f));
		}
	if (n > 0)
		qsort(votes, n, sizeof(votes[0]), cmp_vote);
	return n;
}

/* The family of the first vote, with every vote copied to the arena. */
static int
family_new(struct chousa_ctx *ctx, const struct vote_acc *votes, size_t n,
    struct chousa_report_family **out)
{
	struct chousa_report_family *fam;
	size_t i, j;

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
	*out = fam;
	return CHOUSA_OK;
}

/*
 * How much independent support a weight is: one source alone is 0.5, two
 * 0.75, three 0.875, so that the family's confidence is 70 at most with
 * one source, 85 with two, 92 with three.
 */
static double
support_of(double weight)
{
	double half = 1.0;

	while (weight >= 1.0) {
		half *= 0.5;
		weight -= 1.0;
	}
	half *= 1.0 - 0.5 * weight;
	return 1.0 - half;
}

/* The family's only caveat: the arena holds room for one more. */
static int
family_caveat(struct chousa_ctx *ctx, struct chousa_report_family *fam,
    size_t room, const char *text)
{
	fam->caveats = chousa_arena_alloc(ctx->arena,
	    room * sizeof(*fam->caveats));
	if (fam->caveats == NULL)
		return CHOUSA_ENOMEM;
	fam->caveats[fam->n_caveats++] = text;
	return CHOUSA_OK;
}

/*
 * The confidence: the first vote's share of the whole times its support,
 * lowered by what makes a family on this indicator less certain.
 */
static int
family_confidence(struct chousa_ctx *ctx, const struct inv_item *it,
    struct chousa_report_family *fam, const struct vote_acc *votes,
    size_t n)
{
	const struct chousa_report *rep = it->rep;
	double total = 0, conf;
	size_t i;
	int rc = CHOUSA_OK;

	for (i = 0; i < n; i++)
		total += votes[i].weight;
	conf = 100.0 * (votes[0].weight / total) *
	    (0.4 + 0.6 * support_of(votes[0].weight));
	if (rep->verdict != CHOUSA_V_MALICIOUS && it->shared != NULL) {
		conf *= 0.5;
		rc = family_caveat(ctx, fam, 2, chousa_arena_printf(ctx->arena,
		    "it is shared infrastructure (%s): the family may belong "
		    "to another tenant", it->shared));
	} else if (rep->match == CHOUSA_MATCH_REGDOMAIN ||
	    rep->match == CHOUSA_MATCH_PARENT || rep->match ==
	    CHOUSA_MATCH_CIDR) {
		conf *= 0.6;
		rc = family_caveat(ctx, fam, 2, chousa_arena_printf(ctx->arena,
		    "only its %s is listed, which other sites may share",
		    chousa_match_name(rep->match)));
	}
	if (rc != CHOUSA_OK)
		return rc;
	/*
	 * Many families on one address: shared hosting, not one actor.  A
	 * file has one author: there it is the sources that disagree.
	 */
	if (n >= 3 && fam->n_caveats == 0 && !is_hash_type(rep->ind.type)) {
		conf *= 0.7;
		rc = family_caveat(ctx, fam, 1, chousa_arena_printf(ctx->arena,
		    "%zu different families are tied to it, as on shared "
		    "hosting", n));
	}
	fam->confidence = (int)(conf + 0.5);
	if (fam->confidence > 100)
		fam->confidence = 100;
	return rc;
}

/*
 * The family's name and description from a catalogue: the store's, else
 * the run's other catalogues, else the label capitalised; an online
 * catalogue's answer (enrichment) fills a missing description.
 */
static int
family_describe(struct chousa_ctx *ctx, const struct inv_item *it,
    struct chousa_report_family *fam)
{
	struct chousa_family cat;
	const char *cat_id, *cat_name;
	size_t i;

	if (ctx->store != NULL && chousa_store_family(ctx->store, ctx->arena,
	    fam->id, &cat, NULL) == CHOUSA_OK) {
		fam->known = 1;
		fam->id = cat.id;
		fam->name = cat.name != NULL ? cat.name : cat.id;
		fam->aliases = cat.aliases;
		fam->description = cat.description;
		fam->refs = cat.refs;
	} else if (ctx_family(ctx, fam->id, &cat_id, &cat_name) ==
	    CHOUSA_OK && cat_id != NULL) {
		fam->known = 1;
		fam->id = cat_id;
		fam->name = cat_name != NULL ? cat_name : cat_id;
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
	for (i = 0; i < it->n_found[2]; i++) {
		const struct chousa_finding *f = it->found[2][i];

		if (f->status == CHOUSA_ST_HIT && f->subject_type ==
		    CHOUSA_IOC_NONE && strcmp(f->subject, fam->id) == 0 &&
		    fam->description == NULL)
			fam->description = f->detail;
	}
	return CHOUSA_OK;
}

int
inv_family(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_report_family *fam;
	struct vote_acc votes[VOTES_MAX];
	size_t n, i, j;
	int rc;

	rep->family = NULL;
	n = count_votes(ctx, it, votes);
	if (n == 0)
		return CHOUSA_OK;
	rc = family_new(ctx, votes, n, &fam);
	if (rc == CHOUSA_OK)
		rc = family_confidence(ctx, it, fam, votes, n);
	if (rc == CHOUSA_OK)
		rc = family_describe(ctx, it, fam);
	if (rc != CHOUSA_OK)
		return rc;
	rep->family = fam;
	/* Every vote is an edge to its family. */
	for (i = 0; i < n; i++)
		for (j = 0; j < votes[i].n_origins; j++) {
			rc = inv_add_edge(ctx, it, rep->ind.value,
			    rep->ind.type, fam->votes[i].id, CHOUSA_IOC_NONE,
			    "family", votes[i].sources[j]);
			if (rc != CHOUSA_OK)
				return rc;
		}
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
