/*
 * json.c: the report as JSON lines, one object per indicator, in the
 * schema of docs/report-json.md.  Every field is always present (null or
 * an empty array when unknown), so consumers need no existence checks;
 * every string goes through chousa_esc_json, so the output is valid
 * UTF-8 whatever the feeds held.  Indicators are never defanged here.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

static void
str(struct chousa_buf *b, const char *s)
{
	chousa_esc_json_str(b, s);
}

static void
key(struct chousa_buf *b, const char *k, int first)
{
	if (!first)
		chousa_buf_addch(b, ',');
	chousa_buf_addf(b, "\"%s\":", k);
}

static void
kstr(struct chousa_buf *b, const char *k, const char *v)
{
	key(b, k, 0);
	str(b, v);
}

static void
kint(struct chousa_buf *b, const char *k, long long v, int null_below_zero)
{
	key(b, k, 0);
	if (null_below_zero && v < 0)
		chousa_buf_adds(b, "null");
	else
		chousa_buf_addf(b, "%lld", v);
}

static void
ktime(struct chousa_buf *b, const char *k, int64_t t)
{
	char s[32];

	key(b, k, 0);
	if (t == 0) {
		chousa_buf_adds(b, "null");
		return;
	}
	chousa_time_format(t, s, sizeof(s));
	chousa_buf_addf(b, "\"%s\"", s);
}

static void
strs(struct chousa_buf *b, const char *const *v, size_t n)
{
	size_t i;

	chousa_buf_addch(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			chousa_buf_addch(b, ',');
		str(b, v[i]);
	}
	chousa_buf_addch(b, ']');
}

static const char *
type_name(int type)
{
	return type == CHOUSA_IOC_NONE ? "family" : chousa_ioc_type_name(type);
}

static void
finding(struct chousa_buf *b, const struct chousa_finding *f)
{
	size_t i;

	chousa_buf_addch(b, '{');
	key(b, "source", 1);
	str(b, f->source);
	kstr(b, "subject", f->subject);
	kstr(b, "subject_type", type_name(f->subject_type));
	kint(b, "depth", f->depth, 0);
	kstr(b, "status", chousa_status_name(f->status));
	kstr(b, "reason", f->reason);
	ktime(b, "reset_at", f->reset_at);
	kstr(b, "verdict", f->status == CHOUSA_ST_HIT ?
	    chousa_verdict_name(f->verdict) : NULL);
	kstr(b, "match", f->status == CHOUSA_ST_HIT ?
	    chousa_match_name(f->match) : NULL);
	kstr(b, "matched", f->matched);
	kint(b, "detections", f->n_detect, 1);
	kint(b, "engines", f->n_engines, 1);
	kint(b, "score", f->score, 1);
	key(b, "labels", 0);
	strs(b, f->labels, f->n_labels);
	kstr(b, "family", f->family);
	key(b, "related", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < f->n_related; i++) {
		const struct chousa_related *r = &f->related[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "relation", 1);
		str(b, chousa_rel_name(r->rel));
		kstr(b, "type", chousa_ioc_type_name(r->type));
		kstr(b, "value", r->value);
		kstr(b, "family", r->family);
		ktime(b, "seen", r->seen);
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	ktime(b, "first_seen", f->first_seen);
	ktime(b, "last_seen", f->last_seen);
	kstr(b, "online", f->online);
	kstr(b, "threat", f->threat);
	kstr(b, "detail", f->detail);
	kstr(b, "reference", f->reference);
	kstr(b, "file_type", f->file_type);
	kstr(b, "file_name", f->file_name);
	key(b, "from_cache", 0);
	chousa_buf_adds(b, f->from_cache ? "true" : "false");
	ktime(b, "cached_at", f->cached_at);
	key(b, "detection_names", 0);
	strs(b, f->detections, f->n_detections);
	kint(b, "records", f->n_records, 0);
	kstr(b, "usage", f->usage);
	ktime(b, "data_at", f->data_at);
	key(b, "stale", 0);
	chousa_buf_adds(b, f->stale ? "true" : "false");
	chousa_buf_addch(b, '}');
}

/* The store keeps aliases comma-separated; the report lists them. */
static void
aliases(struct chousa_buf *b, const char *list)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_list(&w, list, ',');
}

static void
family(struct chousa_buf *b, const struct chousa_report_family *f)
{
	size_t i;

	if (f == NULL) {
		chousa_buf_adds(b, "null");
		return;
	}
	chousa_buf_addch(b, '{');
	key(b, "id", 1);
	str(b, f->id);
	kstr(b, "name", f->name);
	kint(b, "confidence", f->confidence, 0);
	key(b, "known", 0);
	chousa_buf_adds(b, f->known ? "true" : "false");
	key(b, "aliases", 0);
	aliases(b, f->aliases);
	kstr(b, "description", f->description);
	key(b, "votes", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < f->n_votes; i++) {
		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "id", 1);
		str(b, f->votes[i].id);
		kstr(b, "name", f->votes[i].name);
		key(b, "weight", 0);
		chousa_buf_addf(b, "%.2f", f->votes[i].weight);
		key(b, "sources", 0);
		strs(b, f->votes[i].sources, f->votes[i].n_sources);
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	key(b, "conflict", 0);
	chousa_buf_adds(b, f->n_votes > 1 ? "true" : "false");
	key(b, "caveats", 0);
	strs(b, f->caveats, f->n_caveats);
	chousa_buf_addch(b, '}');
}

/* What the store lists around the input: {on, total, records}. */
static void
listed(struct chousa_buf *b, const struct chousa_report *rep)
{
	size_t i;

	if (rep->listed_on == NULL) {
		chousa_buf_adds(b, "null");
		return;
	}
	chousa_buf_addch(b, '{');
	key(b, "on", 1);
	str(b, rep->listed_on);
	kint(b, "total", (long long)rep->n_listed_total, 0);
	key(b, "records", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_listed; i++) {
		const struct chousa_listing *l = &rep->listed[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "value", 1);
		str(b, l->rec.value);
		kstr(b, "type", chousa_ioc_type_name(l->rec.type));
		kstr(b, "match", chousa_match_name(l->rec.match));
		kint(b, "port", l->port, 0);
		kstr(b, "source", l->rec.source);
		kstr(b, "family", l->rec.family);
		kstr(b, "threat", l->rec.threat);
		kstr(b, "status", l->rec.status);
		ktime(b, "first_seen", l->rec.first_seen);
		ktime(b, "last_seen", l->rec.last_seen);
		kstr(b, "reference", l->rec.reference);
		kstr(b, "external_reference", l->external);
		chousa_buf_addch(b, '}');
	}
	chousa_buf_adds(b, "]}");
}

/* The next steps, commands never defanged (as every JSON value). */
static void
next_steps(const struct chousa_render *r, struct chousa_buf *b,
    const struct chousa_report *rep)
{
	struct chousa_render raw = *r;
	struct chousa_buf cmd;
	size_t i;

	raw.opts.defang = 0;
	chousa_buf_init(&cmd, 1 << 16);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_next_steps; i++) {
		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "why", 1);
		str(b, rep->next_steps[i].why);
		chousa_buf_reset(&cmd);
		render_command(&raw, &rep->next_steps[i], &cmd);
		kstr(b, "command", cmd.data != NULL ? cmd.data : "");
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	if (cmd.failed != CHOUSA_OK && b->failed == CHOUSA_OK)
		b->failed = cmd.failed;
	chousa_buf_release(&cmd);
}

static int
json_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct chousa_buf *b = r->out;
	size_t i, j;

	(void)err;
	chousa_buf_addch(b, '{');
	key(b, "input", 1);
	str(b, rep->input);
	if (rep->parse_rc != CHOUSA_OK) {
		key(b, "indicator", 0);
		chousa_buf_adds(b, "null");
		kstr(b, "error", rep->parse_error);
		chousa_buf_adds(b, ",\"verdict\":null}\n");
		return CHOUSA_OK;
	}
	key(b, "indicator", 0);
	chousa_buf_addch(b, '{');
	key(b, "type", 1);
	str(b, chousa_ioc_type_name(rep->ind.type));
	kstr(b, "value", rep->ind.value);
	kstr(b, "host", rep->ind.type == CHOUSA_IOC_URL ? rep->ind.host :
	    NULL);
	kstr(b, "regdomain", rep->ind.regdomain);
	chousa_buf_addch(b, '}');
	kstr(b, "error", NULL);
	kstr(b, "verdict", chousa_verdict_name(rep->verdict));
	kstr(b, "verdict_reason", rep->verdict_reason);
	kstr(b, "match", rep->match >= 0 ? chousa_match_name(rep->match) :
	    NULL);
	kstr(b, "matched", rep->matched);
	key(b, "family", 0);
	family(b, rep->family);
	key(b, "samples", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_samples; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "sha256", 1);
		str(b, s->sha256);
		kstr(b, "family", s->family);
		kstr(b, "relation", s->rel ? chousa_rel_name(s->rel) :
		    "input");
		kstr(b, "via", s->via);
		key(b, "sources", 0);
		strs(b, s->sources, s->n_sources);
		kstr(b, "file_type", s->file_type);
		kstr(b, "file_name", s->file_name);
		ktime(b, "first_seen", s->first_seen);
		kint(b, "score", s->score, 0);
		key(b, "enriched", 0);
		chousa_buf_adds(b, s->enriched ? "true" : "false");
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	key(b, "stages", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_stages; i++) {
		const struct chousa_report_stage *s = &rep->stages[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "name", 1);
		str(b, s->name);
		key(b, "findings", 0);
		chousa_buf_addch(b, '[');
		for (j = 0; j < s->n_findings; j++) {
			if (j > 0)
				chousa_buf_addch(b, ',');
			finding(b, &s->findings[j]);
		}
		chousa_buf_adds(b, "]}");
	}
	chousa_buf_addch(b, ']');
	key(b, "edges", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_edges; i++) {
		const struct chousa_edge *e = &rep->edges[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "from", 1);
		str(b, e->from);
		kstr(b, "from_type", type_name(e->from_type));
		kstr(b, "to", e->to);
		kstr(b, "to_type", type_name(e->to_type));
		kstr(b, "kind", e->kind);
		kstr(b, "source", e->source);
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	key(b, "at", 0);
	if (rep->at.at == 0)
		chousa_buf_adds(b, "null");
	else {
		char t[32];

		chousa_time_format(rep->at.at, t, sizeof(t));
		chousa_buf_addf(b, "{\"time\":\"%s\"", t);
		key(b, "listed", 0);
		chousa_buf_adds(b, rep->at.listed < 0 ? "null" :
		    rep->at.listed ? "true" : "false");
		key(b, "online", 0);
		chousa_buf_adds(b, rep->at.online < 0 ? "null" :
		    rep->at.online ? "true" : "false");
		ktime(b, "first_seen", rep->at.first_seen);
		ktime(b, "last_seen", rep->at.last_seen);
		kstr(b, "text", rep->at.text);
		chousa_buf_addch(b, '}');
	}
	key(b, "benign", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < rep->n_benign; i++) {
		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '{');
		key(b, "list", 1);
		str(b, rep->benign[i].list);
		kstr(b, "kind", rep->benign[i].kind);
		kstr(b, "entry", rep->benign[i].entry);
		chousa_buf_addch(b, '}');
	}
	chousa_buf_addch(b, ']');
	key(b, "notes", 0);
	strs(b, rep->notes, rep->n_notes);
	key(b, "counts", 0);
	chousa_buf_addf(b, "{\"hit\":%d,\"miss\":%d,\"skipped\":%d,"
	    "\"error\":%d,\"lookups\":%d}", rep->n_hits, rep->n_misses,
	    rep->n_skipped, rep->n_errors, rep->lookups);
	key(b, "conclusion", 0);
	strs(b, rep->conclusion, rep->n_conclusion);
	kint(b, "confidence", rep->confidence, 0);
	ktime(b, "first_seen", rep->first_seen);
	key(b, "listed", 0);
	listed(b, rep);
	key(b, "next_steps", 0);
	next_steps(r, b, rep);
	chousa_buf_adds(b, "}\n");
	return CHOUSA_OK;
}

/* The triage, one line after the reports: {"triage": {...}}. */
static int
json_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	static const char *const verdicts[] = { "unknown", "benign",
		"suspicious", "malicious" };
	struct chousa_buf *b = r->out;
	size_t i;

	(void)err;
	chousa_buf_adds(b, "{\"triage\":{");
	key(b, "overall", 1);
	str(b, t->overall >= 0 ? verdicts[t->overall] : NULL);
	kstr(b, "overall_text", t->overall_text);
	key(b, "from_text", 0);
	chousa_buf_adds(b, t->from_text ? "true" : "false");
	chousa_buf_addf(b, ",\"counts\":{\"malicious\":%zu,"
	    "\"suspicious\":%zu,\"unknown\":%zu,\"benign\":%zu,"
	    "\"not_an_indicator\":%zu,\"left_out\":%zu,\"header\":%zu}",
	    t->n_verdict[CHOUSA_V_MALICIOUS], t->n_verdict[CHOUSA_V_SUSPICIOUS],
	    t->n_verdict[CHOUSA_V_UNKNOWN], t->n_verdict[CHOUSA_V_BENIGN],
	    t->n_invalid, t->n_left_out, t->n_header);
	key(b, "families", 0);
	strs(b, t->families, t->n_families);
	key(b, "rows", 0);
	chousa_buf_addch(b, '[');
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];

		if (i > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_adds(b, "{\"rank\":");
		chousa_buf_addf(b, "%zu", i + 1);
		kint(b, "index", (long long)row->index, 0);
		kstr(b, "input", row->input);
		kstr(b, "indicator", row->value);
		kstr(b, "type", row->value != NULL && row->type != 0 ?
		    chousa_ioc_type_name(row->type) : NULL);
		kstr(b, "verdict", row->left_out || row->verdict < 0 ? NULL :
		    verdicts[row->verdict]);
		kint(b, "confidence", row->confidence, 0);
		key(b, "family", 0);
		if (row->family == NULL)
			chousa_buf_adds(b, "null");
		else {
			chousa_buf_addch(b, '{');
			key(b, "id", 1);
			str(b, row->family_id);
			kstr(b, "name", row->family);
			kint(b, "confidence", row->family_confidence, 0);
			chousa_buf_addch(b, '}');
		}
		kstr(b, "evidence", row->evidence);
		kstr(b, "context", chousa_context_name(row->context));
		kstr(b, "field", row->field);
		key(b, "left_out", 0);
		chousa_buf_adds(b, row->left_out ? "true" : "false");
		chousa_buf_addch(b, '}');
	}
	chousa_buf_adds(b, "]}}\n");
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_json = {
	"json", "JSON lines, one object per indicator (docs/report-json.md)",
	NULL, json_item, NULL, json_triage, CHOUSA_RENDER_TRIAGE_LAST
};
