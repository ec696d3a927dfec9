/*
 * lookup.c: a store look-up as one result (chousa_lookup) and its two
 * documents, the `chousa lookup` text block and JSON object.  The CLI and
 * the team server both print these, so their answers are the same bytes.
 */
#include <string.h>

#include "chousa.h"

/*
 * The verdict policy (docs/verdict-policy.md) lives in the investigation;
 * a look-up asks it rather than judging the records itself, so that
 * `chousa lookup` never says malicious where `chousa investigate` does
 * not.  The run is offline, with no pivots and the store's sources only,
 * inside the caller's snapshot: what it judges is what the look-up lists.
 */
static int
policy_verdict(struct chousa_store *st, const struct chousa_config *cfg,
    struct chousa_arena *a, const char *text, size_t len,
    const struct chousa_lookup *seen, int *verdict, struct chousa_err *err)
{
	struct chousa_investigate_opts io;
	struct chousa_ctx *ctx = NULL;
	struct chousa_report *rep;
	const char *in;
	int rc;

	in = chousa_arena_strndup(a, text, len);
	if (in == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	memset(&io, 0, sizeof(io));
	io.offline = 1;
	io.depth = -1;
	io.sources = "local";
	rc = chousa_ctx_new(&ctx, st, cfg, &io, err);
	if (rc != CHOUSA_OK)
		return rc;
	/* The same snapshot: the look-up's own records are the run's. */
	chousa_ctx_known_records(ctx, seen->ind.value, seen->records,
	    seen->n_records);
	rc = chousa_investigate(ctx, &in, 1, &rep, err);
	if (rc == CHOUSA_OK && rep[0].parse_rc != CHOUSA_OK)
		rc = chousa_errf(err, rep[0].parse_rc, "%s",
		    rep[0].parse_error != NULL ? rep[0].parse_error :
		    "not an indicator");
	if (rc == CHOUSA_OK)
		*verdict = rep[0].verdict;
	chousa_ctx_free(ctx);
	return rc;
}

/*
 * An e-mail address's records are also its domain's, as investigate asks
 * about the domain: a listing of the domain itself matches as the host,
 * as a URL's does; the rest keep their kind (regdomain, url_host...).
 */
static int
add_email_domain(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_lookup *l, struct chousa_err *err)
{
	struct chousa_indicator dom;
	struct chousa_record *recs, *all;
	struct chousa_err e = { 0 };
	size_t n, i;
	int rc;

	if (l->ind.type != CHOUSA_IOC_EMAIL || l->ind.host == NULL)
		return CHOUSA_OK;
	/* The parser took it as the address's host: it is one. */
	if (chousa_ioc_parse(a, l->ind.host, strlen(l->ind.host),
	    CHOUSA_IOC_ALL, &dom, &e) != CHOUSA_OK)
		return CHOUSA_OK;
	rc = chousa_store_lookup(st, a, &dom, &recs, &n, err);
	if (rc != CHOUSA_OK || n == 0)
		return rc;
	all = chousa_arena_alloc(a, (l->n_records + n) * sizeof(*all));
	if (all == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (l->n_records > 0)
		memcpy(all, l->records, l->n_records * sizeof(*all));
	for (i = 0; i < n; i++) {
		if (recs[i].match == CHOUSA_MATCH_EXACT)
			recs[i].match = CHOUSA_MATCH_HOST;
		all[l->n_records + i] = recs[i];
	}
	l->records = all;
	l->n_records += n;
	return CHOUSA_OK;
}

/*
 * A range's records are also those inside it, as investigate finds them
 * (chousa_store_listings): its addresses, the URLs on them and narrower
 * ranges, appended after the range's own, each once.
 */
static int
add_inside(struct chousa_store *st, struct chousa_arena *a,
    struct chousa_lookup *l, struct chousa_err *err)
{
	struct chousa_listing *in;
	struct chousa_record *all;
	size_t n_in, i, k, n;
	int rc;

	rc = chousa_store_listings(st, a, &l->ind, CHOUSA_LOOKUP_INSIDE_MAX,
	    &in, &n_in, &l->n_inside_total, err);
	if (rc != CHOUSA_OK || n_in == 0)
		return rc;
	all = chousa_arena_alloc(a, (l->n_records + n_in) * sizeof(*all));
	if (all == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	if (l->n_records > 0)
		memcpy(all, l->records, l->n_records * sizeof(*all));
	n = l->n_records;
	for (i = 0; i < n_in; i++) {
		for (k = 0; k < l->n_records; k++)
			if (strcmp(all[k].value, in[i].rec.value) == 0 &&
			    strcmp(all[k].source, in[i].rec.source) == 0)
				break;
		if (k == l->n_records)
			all[n++] = in[i].rec;
	}
	l->records = all;
	l->n_records = n;
	return CHOUSA_OK;
}

int
chousa_lookup_status(int status, int one)
{
	if (status == CHOUSA_EXIT_BADINPUT || one == CHOUSA_EXIT_BADINPUT)
		return CHOUSA_EXIT_BADINPUT;
	return one > status ? one : status;
}

int
chousa_lookup(struct chousa_store *st, const struct chousa_config *cfg,
    struct chousa_arena *a, const char *text, size_t len,
    struct chousa_lookup *out, struct chousa_err *err)
{
	struct chousa_lookup l, seen;
	struct chousa_err e = { 0 };
	size_t i;
	int rc, own;

	memset(&l, 0, sizeof(l));
	rc = chousa_ioc_parse_context(a, text, len, CHOUSA_IOC_ALL,
	    CHOUSA_IOC_CTX_QUERY, &l.ind, err);
	if (rc != CHOUSA_OK)
		return rc;
	/*
	 * The records and the benign lists from the same state of the store:
	 * a snapshot of its own, or the caller's (EINVAL: one is open).
	 */
	rc = chousa_store_snapshot_begin(st, &e);
	if (rc != CHOUSA_OK && rc != CHOUSA_EINVAL) {
		*err = e;
		return rc;
	}
	own = rc == CHOUSA_OK;
	rc = chousa_store_lookup(st, a, &l.ind, &l.records, &l.n_records,
	    err);
	seen = l;
	if (rc == CHOUSA_OK && l.ind.type == CHOUSA_IOC_CIDR)
		rc = add_inside(st, a, &l, err);
	if (rc == CHOUSA_OK)
		rc = add_email_domain(st, a, &l, err);
	if (rc == CHOUSA_OK)
		rc = chousa_store_benign(st, a, &l.ind, &l.benign,
		    &l.n_benign, err);
	if (rc == CHOUSA_OK && l.n_records > 0) {
		l.family_ids = chousa_arena_alloc(a, l.n_records *
		    sizeof(*l.family_ids));
		l.family_names = chousa_arena_alloc(a, l.n_records *
		    sizeof(*l.family_names));
		if (l.family_ids == NULL || l.family_names == NULL)
			rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	for (i = 0; rc == CHOUSA_OK && i < l.n_records; i++)
		l.family_ids[i] = chousa_record_family(st, a, &l.records[i],
		    &l.family_names[i]);
	/*
	 * Nothing recorded and no benign list: the policy's last row,
	 * without the cost of a run (most look-ups of a bulk list are
	 * misses).
	 */
	l.verdict = CHOUSA_V_UNKNOWN;
	if (rc == CHOUSA_OK && (l.n_records > 0 || l.n_benign > 0)) {
		/*
		 * The verdict depends on the store alone (the config words
		 * only the report's notes): kept on the handle until the
		 * store changes, so that a team asking about the same
		 * indicators runs the policy once per indicator.
		 */
		const char *key = chousa_arena_printf(a, "verdict\x1f%s",
		    l.ind.value);

		if (key == NULL || !chousa_store_memo_get(st, key,
		    &l.verdict)) {
			rc = policy_verdict(st, cfg, a, text, len, &seen,
			    &l.verdict, err);
			if (rc == CHOUSA_OK && key != NULL)
				chousa_store_memo_put(st, key, l.verdict);
		}
	}
	if (own)
		chousa_store_snapshot_end(st);
	if (rc != CHOUSA_OK)
		return rc;
	l.is_malicious = l.verdict == CHOUSA_V_MALICIOUS;
	*out = l;
	return CHOUSA_OK;
}

/* ---- text ---- */

static void
date(struct chousa_buf *b, int64_t t)
{
	char s[32];

	/* As wide as a date, so the columns after it stay in line. */
	if (t <= 0) {
		chousa_buf_adds(b, "-         ");
		return;
	}
	chousa_time_format(t, s, sizeof(s));
	chousa_buf_add(b, s, 10);
}

static void
text_cell(struct chousa_buf *b, const char *s, int width)
{
	size_t before = b->len;
	int n;

	chousa_esc_text(b, s != NULL ? s : "-", s != NULL ? strlen(s) : 1);
	for (n = (int)(b->len - before); n < width; n++)
		chousa_buf_addch(b, ' ');
	chousa_buf_addch(b, ' ');
}

void
chousa_lookup_text(struct chousa_buf *b, struct chousa_arena *a,
    const struct chousa_lookup *l, int color)
{
	const struct chousa_record *r = l->records;
	const struct chousa_benign *bn = l->benign;
	size_t i, n = l->n_records;

	chousa_buf_adds(b, chousa_ioc_type_name(l->ind.type));
	chousa_buf_addch(b, ' ');
	chousa_esc_text(b, l->ind.value, l->ind.value_len);
	/* 1.2.3.4/32 or 1.2.3.4:8080 looked up as 1.2.3.4: say so. */
	if (l->ind.flags & CHOUSA_IOC_F_ADDRESS_ONLY) {
		chousa_buf_adds(b, " (given as ");
		chousa_esc_text(b, l->ind.raw, l->ind.raw_len);
		chousa_buf_addch(b, ')');
	}
	if (n == 0)
		chousa_buf_adds(b, ": not in the store\n");
	else {
		chousa_buf_addf(b, ": %zu record%s, ", n, n == 1 ? "" : "s");
		if (color && l->verdict == CHOUSA_V_MALICIOUS)
			chousa_buf_adds(b, "\033[1;31m");
		else if (color && l->verdict == CHOUSA_V_SUSPICIOUS)
			chousa_buf_adds(b, "\033[1;33m");
		chousa_buf_adds(b, chousa_verdict_name(l->verdict));
		if (color && l->verdict >= CHOUSA_V_SUSPICIOUS)
			chousa_buf_adds(b, "\033[0m");
		chousa_buf_addch(b, '\n');
	}
	for (i = 0; i < n; i++) {
		const char *id = l->family_ids[i], *name = l->family_names[i];

		chousa_buf_adds(b, "  ");
		text_cell(b, chousa_match_name(r[i].match), 9);
		text_cell(b, r[i].source, 13);
		text_cell(b, r[i].is_observation ? "observed" : r[i].status,
		    8);
		date(b, r[i].first_seen);
		chousa_buf_addch(b, ' ');
		date(b, r[i].last_seen);
		chousa_buf_addch(b, ' ');
		if (name != NULL) {
			char *both = chousa_arena_printf(a, "%s (%s)", id,
			    name);

			text_cell(b, both, 26);
		} else
			text_cell(b, id, 26);
		chousa_esc_text(b, r[i].value, strlen(r[i].value));
		chousa_buf_addch(b, '\n');
	}
	if (l->n_inside_total > CHOUSA_LOOKUP_INSIDE_MAX)
		chousa_buf_addf(b, "  (inside the range: the %d most recently "
		    "seen of %llu records)\n",
		    CHOUSA_LOOKUP_INSIDE_MAX,
		    (unsigned long long)l->n_inside_total);
	for (i = 0; i < l->n_benign; i++) {
		chousa_buf_adds(b, color ? "  \033[32mknown benign\033[0m: " :
		    "  known benign: ");
		chousa_esc_text(b, bn[i].list, strlen(bn[i].list));
		chousa_buf_adds(b, " (");
		chousa_esc_text(b, bn[i].kind, strlen(bn[i].kind));
		chousa_buf_adds(b, "): ");
		chousa_esc_text(b, bn[i].entry, strlen(bn[i].entry));
		chousa_buf_addch(b, '\n');
	}
}

/* ---- JSON ---- */

static void
record_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_lookup *l = arg;
	const struct chousa_record *r = &l->records[i];

	chousa_jw_kstr(w, "match", chousa_match_name(r->match));
	chousa_jw_kstr(w, "value", r->value);
	chousa_jw_kstr(w, "type", chousa_ioc_type_name(r->type));
	chousa_jw_kstr(w, "source", r->source);
	chousa_jw_kstr(w, "source_id", r->source_id);
	chousa_jw_ktime(w, "first_seen", r->first_seen);
	chousa_jw_ktime(w, "last_seen", r->last_seen);
	chousa_jw_kstr(w, "status", r->status);
	chousa_jw_kstr(w, "threat", r->threat);
	chousa_jw_kstr(w, "family", l->family_ids[i]);
	chousa_jw_kstr(w, "family_name", l->family_names[i]);
	chousa_jw_key(w, "tags");
	chousa_jw_list(w, r->tags, ',');
	chousa_jw_kint_if(w, "confidence", r->confidence,
	    r->confidence >= 0);
	chousa_jw_kstr(w, "reference", r->reference);
	chousa_jw_kbool(w, "observation", r->is_observation);
}

static void
benign_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_benign *benign = arg;

	chousa_jw_kstr(w, "list", benign[i].list);
	chousa_jw_kstr(w, "kind", benign[i].kind);
	chousa_jw_kstr(w, "entry", benign[i].entry);
}

void
chousa_lookup_json(struct chousa_buf *b, const struct chousa_lookup *l)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "indicator", l->ind.value);
	/* 1.2.3.4/32 or 1.2.3.4:8080, looked up as 1.2.3.4: as given. */
	chousa_jw_key(&w, "given");
	if (l->ind.flags & CHOUSA_IOC_F_ADDRESS_ONLY)
		chousa_jw_strn(&w, l->ind.raw, l->ind.raw_len);
	else
		chousa_jw_null(&w);
	chousa_jw_kstr(&w, "type", chousa_ioc_type_name(l->ind.type));
	chousa_jw_kbool(&w, "malicious", l->is_malicious);
	chousa_jw_kstr(&w, "verdict", chousa_verdict_name(l->verdict));
	chousa_jw_krows(&w, "records", l->n_records, record_json, l);
	/* A range: all it holds, of which records lists at most 100. */
	chousa_jw_key(&w, "inside_total");
	if (l->ind.type == CHOUSA_IOC_CIDR)
		chousa_jw_uint(&w, l->n_inside_total);
	else
		chousa_jw_null(&w);
	chousa_jw_krows(&w, "benign", l->n_benign, benign_json, l->benign);
	chousa_jw_object_end(&w);
}
