/*
 * local.c: the local sources, one per feed in the store (local-urlhaus,
 * local-threatfox, local-feodo and local-malwarebazaar, which their feed
 * descriptors make through local_feed_source(); and local-lists for
 * every other import: lists, MISP events, STIX bundles, whatever comes
 * later), what imported reports saw (local-reports), the known-benign
 * lists (benign) and the Malpedia catalogue (local-malpedia).  They share
 * one store look-up per subject (ctx.c) and differ only by which records
 * are theirs.  They are named apart from the online API sources (urlhaus,
 * threatfox...), which answer the same questions live.
 *
 * Every imported record is evidence, of one of two kinds (docs/schema.md):
 * a listing (a feed row, a MISP attribute for IDS, a STIX indicator) makes
 * a verdict through its feed's source; an observation (a MISP attribute
 * not for IDS, a STIX observable: what a sandbox saw, benign hosts
 * included) only identifies, through local-reports, as relations do.  The
 * sweep matches listings only, so `sweep --investigate` agrees with it.
 */
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/investigate.h"

#define LABELS_MAX	32
#define LABEL_RECORDS_MAX 32
#define RELATED_MAX	256

/*
 * Whether a record is a listing of the local source named mine: its feed's
 * table entry says which source answers for it (chousa_feed_local_source),
 * and local-lists answers for any source no feed names.  Observations are
 * local-reports'.
 */
static int
is_mine(const struct chousa_record *r, const char *mine)
{
	if (r->is_observation)
		return 0;
	return strcmp(chousa_feed_local_source(r->source), mine) == 0;
}

static void
add_label(struct chousa_arena *a, struct chousa_finding *f, const char *s,
    size_t len)
{
	const char **grown;
	size_t i;

	while (len > 0 && (*s == ' ' || *s == '"')) {
		s++;
		len--;
	}
	/* A machine tag's closing quote stays: misp-galaxy:malpedia="Emotet". */
	while (len > 0 && (s[len - 1] == ' ' || (s[len - 1] == '"' &&
	    memchr(s, '"', len - 1) == NULL)))
		len--;
	if (len == 0 || len > 80 || f->n_labels >= LABELS_MAX)
		return;
	for (i = 0; i < f->n_labels; i++)
		if (strlen(f->labels[i]) == len &&
		    strncasecmp(f->labels[i], s, len) == 0)
			return;
	grown = chousa_arena_alloc(a, (f->n_labels + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	if (f->n_labels > 0)
		memcpy(grown, f->labels, f->n_labels * sizeof(*grown));
	grown[f->n_labels] = chousa_arena_strndup(a, s, len);
	if (grown[f->n_labels] == NULL)
		return;
	f->labels = grown;
	f->n_labels++;
}

/*
 * Tags mix family names with file types and campaigns ("doc,emotet,
 * epoch4,heodo"): all are shown as the feed gave them; the family vote
 * keeps the words that name a family (labels.c).
 */
static void
add_tags(struct chousa_ctx *ctx, struct chousa_finding *f, const char *tags)
{
	struct chousa_arena *a = chousa_ctx_arena(ctx);
	size_t n = 0;

	while (tags != NULL && *tags != '\0' && n++ < LABELS_MAX) {
		size_t len = strcspn(tags, ",");

		if (len > 0)
			add_label(a, f, tags, len);
		tags += len;
		if (*tags == ',')
			tags++;
	}
}

/* Widen f's sightings to take in first and last (0: unknown). */
static void
widen_seen(struct chousa_finding *f, int64_t first, int64_t last)
{
	if (first != 0 && (f->first_seen == 0 || first < f->first_seen))
		f->first_seen = first;
	if (last > f->last_seen)
		f->last_seen = last;
}

/*
 * The family a record names, as lookup reads it (inv_record_family), into
 * f's families once: the vote counts these, not the tags shown.
 */
static void
add_family(struct chousa_ctx *ctx, struct chousa_finding *f,
    const char *family, const char *tags)
{
	struct chousa_arena *a = chousa_ctx_arena(ctx);
	const char *fam = inv_record_family(ctx, family, tags);
	const char **grown;
	size_t i;

	f->has_families = 1;
	if (fam == NULL || f->n_families >= LABELS_MAX)
		return;
	for (i = 0; i < f->n_families; i++)
		if (strcmp(f->families[i], fam) == 0)
			return;
	grown = chousa_arena_alloc(a, (f->n_families + 1) * sizeof(*grown));
	if (grown == NULL)
		return;
	if (f->n_families > 0)
		memcpy(grown, f->families, f->n_families * sizeof(*grown));
	grown[f->n_families++] = fam;
	f->families = grown;
}

/* A record's family label, its tags and its dates, into f. */
static void
add_record(struct chousa_ctx *ctx, struct chousa_finding *f,
    const struct chousa_record *r)
{
	if (r->family != NULL)
		add_label(chousa_ctx_arena(ctx), f, r->family,
		    strlen(r->family));
	add_tags(ctx, f, r->tags);
	add_family(ctx, f, r->family, r->tags);
	widen_seen(f, r->first_seen, r->last_seen);
}

/* The catalogue id of a family label, or NULL when it has none. */
static const char *
family_id(struct chousa_ctx *ctx, const char *label)
{
	const char *id, *name;

	if (ctx_family(ctx, label, &id, &name) != CHOUSA_OK)
		return NULL;
	return id;
}

/*
 * A feed the store never imported knows nothing: its look-up is skipped
 * with the command that fills it, never a silent "not listed".
 */
static int
never_imported(struct chousa_query *q, const char *update)
{
	struct chousa_freshness fr;

	if (ctx_freshness(q->ctx, q->source->name, 0, &fr) != CHOUSA_OK ||
	    !fr.known || fr.updated_at != 0)
		return 0;
	q->finding->status = CHOUSA_ST_SKIPPED;
	q->finding->reason = update;
	return 1;
}

/* Strength of a match for picking the best record: lower is better. */
static int
match_rank(int match)
{
	switch (match) {
	case CHOUSA_MATCH_EXACT:	return 0;
	case CHOUSA_MATCH_HOST:		return 1;
	case CHOUSA_MATCH_URL_HOST:	return 2;
	case CHOUSA_MATCH_CIDR:		return 3;
	case CHOUSA_MATCH_PARENT:	return 4;
	default:			return 5;
	}
}

/*
 * The verdict a listing gives: the indicator itself, a URL's host or a
 * host that served listed URLs is malicious; a parent domain, range or
 * registrable domain only makes it suspicious (shared hosting).
 */
static int
match_verdict(int match)
{
	return match_rank(match) <= 2 ? CHOUSA_V_MALICIOUS :
	    CHOUSA_V_SUSPICIOUS;
}

static int
feed_start(struct chousa_query *q, struct chousa_err *err)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	struct chousa_record *recs, *best = NULL;
	const char *mine = q->source->name;
	int others = strcmp(mine, "local-lists") == 0;
	size_t n, i, n_mine = 0, n_used;
	int rc;

	if (chousa_ctx_store(q->ctx) != NULL && never_imported(q, others ?
	    "no list imported: chousa import list FILE" :
	    chousa_arena_printf(a, "no data: chousa update %s",
	    q->source->name + 6)))
		return CHOUSA_OK;
	rc = ctx_store_lookup(q->ctx, q->ind, &recs, &n, err);
	if (rc != CHOUSA_OK)
		return rc;
	for (i = 0; i < n; i++) {
		struct chousa_record *r = &recs[i];

		if (!is_mine(r, mine))
			continue;
		n_mine++;
		if (best == NULL || match_rank(r->match) <
		    match_rank(best->match) || (r->match == best->match &&
		    r->last_seen > best->last_seen))
			best = r;
	}
	if (best == NULL) {
		f->status = CHOUSA_ST_MISS;
		return CHOUSA_OK;
	}
	/*
	 * Labels and dates from the records at the best level only, and a
	 * bounded number of them: a registrable domain such as a code host
	 * can have thousands of listed URLs.
	 */
	for (i = 0, n_used = 0; i < n && n_used < LABEL_RECORDS_MAX; i++) {
		struct chousa_record *r = &recs[i];

		if (r->match != best->match || !is_mine(r, mine))
			continue;
		n_used++;
		add_record(q->ctx, f, r);
	}
	f->status = CHOUSA_ST_HIT;
	f->verdict = match_verdict(best->match);
	f->match = best->match;
	f->matched = best->value;
	f->online = best->status;
	f->threat = best->threat;
	f->reference = best->reference;
	f->score = best->confidence;
	f->n_records = (int)(n_mine > 100000 ? 100000 : n_mine);
	if (others && best->source != NULL) {
		f->detail = chousa_arena_printf(a, "%zu record%s from %s",
		    n_mine, n_mine == 1 ? "" : "s", best->source);
		if (chousa_feed_find(best->source) == NULL)
			f->list_name = best->source;
	}
	else if (n_mine > 1)
		f->detail = chousa_arena_printf(a, "%zu records", n_mine);
	if (best->family != NULL)
		f->family = family_id(q->ctx, best->family);
	return CHOUSA_OK;
}

/*
 * The feed that made q's source: the one whose descriptor names it and
 * gives its types.
 */
static const struct chousa_feed *
source_feed(const struct chousa_query *q)
{
	const struct chousa_feed *const *feeds = chousa_feeds();
	size_t i;

	for (i = 0; feeds[i] != NULL; i++)
		if (feeds[i]->local_types != 0 && feeds[i]->local_source !=
		    NULL && strcmp(feeds[i]->local_source, q->source->name) ==
		    0)
			return feeds[i];
	return NULL;
}

/*
 * A feed whose importer fills the sample table too (its descriptor's
 * sample_page): the sample first, with its file's name and type, then any
 * hash records.
 */
static int
sample_start(struct chousa_query *q, struct chousa_err *err)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	const struct chousa_feed *feed = source_feed(q);
	struct chousa_sample s;
	struct chousa_family fam;
	int rc;

	if (chousa_ctx_store(q->ctx) == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store is open");
	rc = chousa_store_sample(chousa_ctx_store(q->ctx), a, q->ind->value,
	    &s, err);
	if (rc == CHOUSA_ENOTFOUND || (rc == CHOUSA_OK && s.source != NULL &&
	    strcmp(chousa_feed_local_source(s.source), q->source->name) !=
	    0))
		return feed_start(q, err);
	if (rc != CHOUSA_OK)
		return rc;
	f->status = CHOUSA_ST_HIT;
	f->verdict = CHOUSA_V_MALICIOUS;
	f->match = CHOUSA_MATCH_EXACT;
	f->matched = s.sha256;
	f->first_seen = s.first_seen;
	f->last_seen = s.first_seen;
	f->file_type = s.file_type;
	f->file_name = s.file_name;
	if (s.family != NULL) {
		add_label(a, f, s.family, strlen(s.family));
		if (chousa_store_family(chousa_ctx_store(q->ctx), a, s.family,
		    &fam, NULL) == CHOUSA_OK)
			f->family = fam.id;
	}
	add_tags(q->ctx, f, s.tags);
	add_family(q->ctx, f, s.family, s.tags);
	if (s.sha256 != NULL && feed != NULL && feed->sample_page != NULL)
		f->reference = chousa_arena_printf(a, feed->sample_page,
		    s.sha256);
	return CHOUSA_OK;
}

/* ---- what imported reports saw (sandbox, MISP, STIX) ---- */

static const char *
report_title(struct chousa_arena *a, const char *source)
{
	const struct chousa_feed *feed = chousa_feed_find(source);

	return chousa_arena_printf(a, "%s report", feed != NULL &&
	    feed->title != NULL ? feed->title : source);
}

/*
 * The observations of the subject itself: the family labels, tags, dates
 * and link of each report that saw it.  Returns how many there were.
 */
static size_t
report_records(struct chousa_query *q, const struct chousa_record *recs,
    size_t n)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	size_t i, n_seen = 0;

	for (i = 0; i < n; i++) {
		const struct chousa_record *r = &recs[i];

		if (!r->is_observation || r->match != CHOUSA_MATCH_EXACT)
			continue;
		if (n_seen++ >= LABEL_RECORDS_MAX)
			continue;
		add_record(q->ctx, f, r);
		if (f->reference == NULL)
			f->reference = r->reference;
		if (f->detail == NULL && r->source != NULL)
			f->detail = report_title(a, r->source);
		if (f->family == NULL && r->family != NULL)
			f->family = family_id(q->ctx, r->family);
	}
	return n_seen;
}

static int
reports_start(struct chousa_query *q, struct chousa_err *err)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	struct chousa_relation *rels;
	struct chousa_record *recs = NULL;
	const char *value = q->ind->value;
	size_t n, i, n_recs = 0, n_seen = 0;
	int rc;

	if (chousa_ctx_store(q->ctx) == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store is open");
	rc = chousa_store_relations(chousa_ctx_store(q->ctx), a, value,
	    &rels, &n, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* The look-up the feed sources made already (ctx.c keeps it). */
	if (q->ind->type != CHOUSA_IOC_NONE) {
		rc = ctx_store_lookup(q->ctx, q->ind, &recs, &n_recs, err);
		if (rc != CHOUSA_OK)
			return rc;
		n_seen = report_records(q, recs, n_recs);
	}
	if (n > RELATED_MAX)
		n = RELATED_MAX;
	f->related = chousa_arena_alloc(a, (n ? n : 1) * sizeof(*f->related));
	if (f->related == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct chousa_relation *r = &rels[i];
		struct chousa_related *o = &f->related[f->n_related];
		int at_to = strcmp(r->to, value) == 0;

		/*
		 * Seen from the subject: the other end, with the relation
		 * kind; which end is the sample tells the direction.
		 */
		o->rel = r->rel;
		o->type = at_to ? r->from_type : r->to_type;
		o->value = at_to ? r->from : r->to;
		o->seen = r->seen;
		if (o->value == NULL || strcmp(o->value, value) == 0)
			continue;
		f->n_related++;
		widen_seen(f, r->seen, r->seen);
		if (f->detail == NULL && r->source != NULL)
			f->detail = report_title(a, r->source);
	}
	if (f->n_related > 0 || n_seen > 0) {
		/* Evidence to identify by, with no verdict of its own. */
		f->status = CHOUSA_ST_HIT;
		f->match = CHOUSA_MATCH_EXACT;
		f->matched = value;
		if (n_seen == 1 && f->n_related == 0)
			f->detail = chousa_arena_printf(a, "seen in a %s, not "
			    "listed", f->detail != NULL ? f->detail : "report");
		else if (n_seen > 1 && f->n_related == 0)
			f->detail = chousa_arena_printf(a, "seen in %zu "
			    "reports, not listed", n_seen);
	} else
		f->status = CHOUSA_ST_MISS;
	return CHOUSA_OK;
}

/* ---- known-benign lists ---- */

static int
benign_start(struct chousa_query *q, struct chousa_err *err)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	struct chousa_benign *b;
	size_t n, i;
	int rc;

	if (chousa_ctx_store(q->ctx) == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store is open");
	if (never_imported(q, "no known-benign list: chousa update "
	    "warninglist"))
		return CHOUSA_OK;
	rc = chousa_store_benign(chousa_ctx_store(q->ctx), a, q->ind, &b, &n,
	    err);
	if (rc != CHOUSA_OK)
		return rc;
	if (n == 0) {
		f->status = CHOUSA_ST_MISS;
		return CHOUSA_OK;
	}
	f->status = CHOUSA_ST_HIT;
	f->verdict = CHOUSA_V_BENIGN;
	f->matched = b[0].entry;
	f->threat = b[0].kind;
	for (i = 0; i < n; i++)
		add_label(a, f, b[i].list, strlen(b[i].list));
	f->detail = chousa_arena_printf(a, "%s (%s)", b[0].list,
	    b[0].kind != NULL ? b[0].kind : "benign");
	return CHOUSA_OK;
}

/* ---- Malpedia families ---- */

static int
malpedia_start(struct chousa_query *q, struct chousa_err *err)
{
	struct chousa_arena *a = chousa_ctx_arena(q->ctx);
	struct chousa_finding *f = q->finding;
	struct chousa_family fam;
	int rc;

	if (chousa_ctx_store(q->ctx) == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no store is open");
	rc = chousa_store_family(chousa_ctx_store(q->ctx), a, q->ind->value,
	    &fam, err);
	if (rc == CHOUSA_ENOTFOUND) {
		f->status = CHOUSA_ST_MISS;
		return CHOUSA_OK;
	}
	if (rc != CHOUSA_OK)
		return rc;
	f->status = CHOUSA_ST_HIT;
	f->family = fam.id;
	f->matched = fam.id;
	if (fam.name != NULL)
		add_label(a, f, fam.name, strlen(fam.name));
	f->detail = fam.description;
	f->reference = chousa_arena_printf(a,
	    "https://malpedia.caad.fkie.fraunhofer.de/details/%s", fam.id);
	return CHOUSA_OK;
}

#define HOST_TYPES	(CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | \
	CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_IPS)
#define FEED_STAGES	(CHOUSA_STAGE_REPUTATION | \
	CHOUSA_STAGE_IDENTIFICATION | CHOUSA_STAGE_ENRICHMENT)

/*
 * A local source is only these: no limits, no URL, no key to check and no
 * answer to parse.
 */
#define LOCAL_SOURCE(n, t, ty, st, fl, c, fn) { .name = (n), .title = (t), \
	.types = (ty), .stages = (st), .flags = CHOUSA_SRC_LOCAL | (fl), \
	.cost = (c), .start = (fn) }

const struct chousa_source chousa_source_benign = LOCAL_SOURCE("benign",
    "Known-benign lists", HOST_TYPES | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
    CHOUSA_IOC_HASHES,
    CHOUSA_STAGE_REPUTATION, CHOUSA_SRC_BENIGN, 0, benign_start);

/*
 * The local source a feed's descriptor makes (struct chousa_feed's
 * local_types): its name and title, answering its listings as the feeds'
 * sources here do, after its samples when it has them.
 */
void
local_feed_source(struct chousa_source *s, const struct chousa_feed *feed)
{
	*s = (struct chousa_source)LOCAL_SOURCE(feed->local_source,
	    feed->title != NULL ? feed->title : feed->name, feed->local_types,
	    FEED_STAGES, 0, 1, feed->sample_page != NULL ? sample_start :
	    feed_start);
}

const struct chousa_source chousa_source_local_lists = LOCAL_SOURCE(
    "local-lists", "Imported lists", HOST_TYPES | CHOUSA_IOC_HASHES |
    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR),
    FEED_STAGES, 0, 2, feed_start);
const struct chousa_source chousa_source_local_reports = LOCAL_SOURCE(
    "local-reports", "Imported reports", HOST_TYPES | CHOUSA_IOC_HASHES |
    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), CHOUSA_STAGE_IDENTIFICATION |
    CHOUSA_STAGE_ENRICHMENT, 0, 2, reports_start);
const struct chousa_source chousa_source_local_malpedia = LOCAL_SOURCE(
    "local-malpedia", "Malpedia", 0, CHOUSA_STAGE_ENRICHMENT,
    CHOUSA_SRC_FAMILY, 2, malpedia_start);
