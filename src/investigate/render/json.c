/*
 * json.c: the report as JSON lines, one object per indicator, in the
 * schema of docs/report-json.md.  Every field is always present (null or
 * an empty array when unknown), so consumers need no existence checks;
 * everything is written through chousa_jw, so the output is valid UTF-8
 * whatever the feeds held.  Indicators are never defanged here.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

static void
kstrs(struct chousa_jw *w, const char *k, const char *const *v, size_t n)
{
	size_t i;

	chousa_jw_key(w, k);
	chousa_jw_array(w);
	for (i = 0; i < n; i++)
		chousa_jw_str(w, v[i]);
	chousa_jw_array_end(w);
}

static const char *
type_name(int type)
{
	return type == CHOUSA_IOC_NONE ? "family" : chousa_ioc_type_name(type);
}

static void
related(struct chousa_jw *w, const struct chousa_finding *f)
{
	size_t i;

	chousa_jw_key(w, "related");
	chousa_jw_array(w);
	for (i = 0; i < f->n_related; i++) {
		const struct chousa_related *r = &f->related[i];

		chousa_jw_object(w);
		chousa_jw_kstr(w, "relation", chousa_rel_name(r->rel));
		chousa_jw_kstr(w, "type", chousa_ioc_type_name(r->type));
		chousa_jw_kstr(w, "value", r->value);
		chousa_jw_kstr(w, "family", r->family);
		chousa_jw_ktime(w, "seen", r->seen);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

static void
finding(struct chousa_jw *w, const struct chousa_finding *f)
{
	int hit = f->status == CHOUSA_ST_HIT;

	chousa_jw_object(w);
	chousa_jw_kstr(w, "source", f->source);
	chousa_jw_kstr(w, "subject", f->subject);
	chousa_jw_kstr(w, "subject_type", type_name(f->subject_type));
	chousa_jw_kint(w, "depth", f->depth);
	chousa_jw_kstr(w, "status", chousa_status_name(f->status));
	chousa_jw_kstr(w, "reason", f->reason);
	chousa_jw_ktime(w, "reset_at", f->reset_at);
	chousa_jw_kstr(w, "verdict", hit ? chousa_verdict_name(f->verdict) :
	    NULL);
	chousa_jw_kstr(w, "match", hit ? chousa_match_name(f->match) : NULL);
	chousa_jw_kstr(w, "matched", f->matched);
	chousa_jw_kint_if(w, "detections", f->n_detect, f->n_detect >= 0);
	chousa_jw_kint_if(w, "engines", f->n_engines, f->n_engines >= 0);
	chousa_jw_kint_if(w, "score", f->score, f->score >= 0);
	kstrs(w, "labels", f->labels, f->n_labels);
	chousa_jw_kstr(w, "family", f->family);
	related(w, f);
	chousa_jw_ktime(w, "first_seen", f->first_seen);
	chousa_jw_ktime(w, "last_seen", f->last_seen);
	chousa_jw_kstr(w, "online", f->online);
	chousa_jw_kstr(w, "threat", f->threat);
	chousa_jw_kstr(w, "detail", f->detail);
	chousa_jw_kstr(w, "reference", f->reference);
	chousa_jw_kstr(w, "file_type", f->file_type);
	chousa_jw_kstr(w, "file_name", f->file_name);
	chousa_jw_kbool(w, "from_cache", f->from_cache);
	chousa_jw_ktime(w, "cached_at", f->cached_at);
	kstrs(w, "detection_names", f->detections, f->n_detections);
	chousa_jw_kint(w, "records", f->n_records);
	chousa_jw_kstr(w, "usage", f->usage);
	chousa_jw_ktime(w, "data_at", f->data_at);
	chousa_jw_kbool(w, "stale", f->stale);
	chousa_jw_object_end(w);
}

static void
family(struct chousa_jw *w, const struct chousa_report_family *f)
{
	size_t i;

	chousa_jw_key(w, "family");
	if (f == NULL) {
		chousa_jw_null(w);
		return;
	}
	chousa_jw_object(w);
	chousa_jw_kstr(w, "id", f->id);
	chousa_jw_kstr(w, "name", f->name);
	chousa_jw_kint(w, "confidence", f->confidence);
	chousa_jw_kbool(w, "known", f->known);
	/* The store keeps aliases comma-separated; the report lists them. */
	chousa_jw_key(w, "aliases");
	chousa_jw_list(w, f->aliases, ',');
	chousa_jw_kstr(w, "description", f->description);
	chousa_jw_key(w, "votes");
	chousa_jw_array(w);
	for (i = 0; i < f->n_votes; i++) {
		chousa_jw_object(w);
		chousa_jw_kstr(w, "id", f->votes[i].id);
		chousa_jw_kstr(w, "name", f->votes[i].name);
		chousa_jw_key(w, "weight");
		chousa_jw_double(w, f->votes[i].weight, 2);
		kstrs(w, "sources", f->votes[i].sources,
		    f->votes[i].n_sources);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
	chousa_jw_kbool(w, "conflict", f->n_votes > 1);
	kstrs(w, "caveats", f->caveats, f->n_caveats);
	chousa_jw_object_end(w);
}

/* What the store lists around the input: {on, total, records}. */
static void
listed(struct chousa_jw *w, const struct chousa_report *rep)
{
	size_t i;

	chousa_jw_key(w, "listed");
	if (rep->listed_on == NULL) {
		chousa_jw_null(w);
		return;
	}
	chousa_jw_object(w);
	chousa_jw_kstr(w, "on", rep->listed_on);
	chousa_jw_kint(w, "total", (long long)rep->n_listed_total);
	chousa_jw_key(w, "records");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_listed; i++) {
		const struct chousa_listing *l = &rep->listed[i];

		chousa_jw_object(w);
		chousa_jw_kstr(w, "value", l->rec.value);
		chousa_jw_kstr(w, "type", chousa_ioc_type_name(l->rec.type));
		chousa_jw_kstr(w, "match", chousa_match_name(l->rec.match));
		chousa_jw_kint(w, "port", l->port);
		chousa_jw_kstr(w, "source", l->rec.source);
		chousa_jw_kstr(w, "family", l->rec.family);
		chousa_jw_kstr(w, "threat", l->rec.threat);
		chousa_jw_kstr(w, "status", l->rec.status);
		chousa_jw_ktime(w, "first_seen", l->rec.first_seen);
		chousa_jw_ktime(w, "last_seen", l->rec.last_seen);
		chousa_jw_kstr(w, "reference", l->rec.reference);
		chousa_jw_kstr(w, "external_reference", l->external);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
	chousa_jw_object_end(w);
}

/* The next steps, commands never defanged (as every JSON value). */
static void
next_steps(const struct chousa_render *r, struct chousa_jw *w,
    const struct chousa_report *rep)
{
	struct chousa_render raw = *r;
	struct chousa_buf cmd;
	size_t i;

	raw.opts.defang = 0;
	chousa_buf_init(&cmd, 1 << 16);
	chousa_jw_key(w, "next_steps");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_next_steps; i++) {
		chousa_jw_object(w);
		chousa_jw_kstr(w, "why", rep->next_steps[i].why);
		render_command(&raw, &rep->next_steps[i], &cmd);
		chousa_jw_kstr(w, "command", cmd.data != NULL ? cmd.data : "");
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
	if (cmd.failed != CHOUSA_OK && w->b->failed == CHOUSA_OK)
		w->b->failed = cmd.failed;
	chousa_buf_release(&cmd);
}

static void
indicator(struct chousa_jw *w, const struct chousa_report *rep)
{
	chousa_jw_key(w, "indicator");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "type", chousa_ioc_type_name(rep->ind.type));
	chousa_jw_kstr(w, "value", rep->ind.value);
	chousa_jw_kstr(w, "host", rep->ind.type == CHOUSA_IOC_URL ?
	    rep->ind.host : NULL);
	chousa_jw_kstr(w, "regdomain", rep->ind.regdomain);
	chousa_jw_object_end(w);
}

/* The samples tied to the input, strongest first. */
static void
samples(struct chousa_jw *w, const struct chousa_report *rep)
{
	size_t i;

	chousa_jw_key(w, "samples");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_samples; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		chousa_jw_object(w);
		chousa_jw_kstr(w, "sha256", s->sha256);
		chousa_jw_kstr(w, "family", s->family);
		chousa_jw_kstr(w, "relation", s->rel ? chousa_rel_name(s->rel) :
		    "input");
		chousa_jw_kstr(w, "via", s->via);
		kstrs(w, "sources", s->sources, s->n_sources);
		chousa_jw_kstr(w, "file_type", s->file_type);
		chousa_jw_kstr(w, "file_name", s->file_name);
		chousa_jw_ktime(w, "first_seen", s->first_seen);
		chousa_jw_kint(w, "score", s->score);
		chousa_jw_kbool(w, "enriched", s->enriched);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

/* Each stage that ran, with its findings. */
static void
stages(struct chousa_jw *w, const struct chousa_report *rep)
{
	size_t i, j;

	chousa_jw_key(w, "stages");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_stages; i++) {
		const struct chousa_report_stage *s = &rep->stages[i];

		chousa_jw_object(w);
		chousa_jw_kstr(w, "name", s->name);
		chousa_jw_key(w, "findings");
		chousa_jw_array(w);
		for (j = 0; j < s->n_findings; j++)
			finding(w, &s->findings[j]);
		chousa_jw_array_end(w);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

/* The graph: one {from, to, kind, source} an edge. */
static void
edges(struct chousa_jw *w, const struct chousa_report *rep)
{
	size_t i;

	chousa_jw_key(w, "edges");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_edges; i++) {
		const struct chousa_edge *e = &rep->edges[i];

		chousa_jw_object(w);
		chousa_jw_kstr(w, "from", e->from);
		chousa_jw_kstr(w, "from_type", type_name(e->from_type));
		chousa_jw_kstr(w, "to", e->to);
		chousa_jw_kstr(w, "to_type", type_name(e->to_type));
		chousa_jw_kstr(w, "kind", e->kind);
		chousa_jw_kstr(w, "source", e->source);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

/* The state at the time --at asked about, or null. */
static void
at_time(struct chousa_jw *w, const struct chousa_report *rep)
{
	chousa_jw_key(w, "at");
	if (rep->at.at == 0) {
		chousa_jw_null(w);
		return;
	}
	chousa_jw_object(w);
	chousa_jw_ktime(w, "time", rep->at.at);
	chousa_jw_kbool_if(w, "listed", rep->at.listed,
	    rep->at.listed >= 0);
	chousa_jw_kbool_if(w, "online", rep->at.online,
	    rep->at.online >= 0);
	chousa_jw_ktime(w, "first_seen", rep->at.first_seen);
	chousa_jw_ktime(w, "last_seen", rep->at.last_seen);
	chousa_jw_kstr(w, "text", rep->at.text);
	chousa_jw_object_end(w);
}

/* The known-benign lists that name the input. */
static void
benign(struct chousa_jw *w, const struct chousa_report *rep)
{
	size_t i;

	chousa_jw_key(w, "benign");
	chousa_jw_array(w);
	for (i = 0; i < rep->n_benign; i++) {
		chousa_jw_object(w);
		chousa_jw_kstr(w, "list", rep->benign[i].list);
		chousa_jw_kstr(w, "kind", rep->benign[i].kind);
		chousa_jw_kstr(w, "entry", rep->benign[i].entry);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

static void
counts(struct chousa_jw *w, const struct chousa_report *rep)
{
	chousa_jw_key(w, "counts");
	chousa_jw_object(w);
	chousa_jw_kint(w, "hit", rep->n_hits);
	chousa_jw_kint(w, "miss", rep->n_misses);
	chousa_jw_kint(w, "skipped", rep->n_skipped);
	chousa_jw_kint(w, "error", rep->n_errors);
	chousa_jw_kint(w, "lookups", rep->lookups);
	chousa_jw_object_end(w);
}

static int
json_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct chousa_jw w;

	(void)err;
	chousa_jw_init(&w, r->out);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "input", rep->input);
	if (rep->parse_rc != CHOUSA_OK) {
		chousa_jw_key(&w, "indicator");
		chousa_jw_null(&w);
		chousa_jw_kstr(&w, "error", rep->parse_error);
		chousa_jw_kstr(&w, "verdict", NULL);
		chousa_jw_object_end(&w);
		chousa_buf_addch(r->out, '\n');
		return CHOUSA_OK;
	}
	indicator(&w, rep);
	chousa_jw_kstr(&w, "error", NULL);
	chousa_jw_kstr(&w, "verdict", chousa_verdict_name(rep->verdict));
	chousa_jw_kstr(&w, "verdict_reason", rep->verdict_reason);
	chousa_jw_kstr(&w, "match", rep->match >= 0 ?
	    chousa_match_name(rep->match) : NULL);
	chousa_jw_kstr(&w, "matched", rep->matched);
	family(&w, rep->family);
	samples(&w, rep);
	stages(&w, rep);
	edges(&w, rep);
	at_time(&w, rep);
	benign(&w, rep);
	kstrs(&w, "notes", rep->notes, rep->n_notes);
	counts(&w, rep);
	kstrs(&w, "conclusion", rep->conclusion, rep->n_conclusion);
	chousa_jw_kint(&w, "confidence", rep->confidence);
	chousa_jw_ktime(&w, "first_seen", rep->first_seen);
	listed(&w, rep);
	next_steps(r, &w, rep);
	chousa_jw_object_end(&w);
	chousa_buf_addch(r->out, '\n');
	return CHOUSA_OK;
}

/* ---- triage ---- */

static const char *const verdicts[] = { "unknown", "benign", "suspicious",
	"malicious" };

static void
triage_counts(struct chousa_jw *w, const struct chousa_triage *t)
{
	chousa_jw_key(w, "counts");
	chousa_jw_object(w);
	chousa_jw_kuint(w, "malicious", t->n_verdict[CHOUSA_V_MALICIOUS]);
	chousa_jw_kuint(w, "suspicious", t->n_verdict[CHOUSA_V_SUSPICIOUS]);
	chousa_jw_kuint(w, "unknown", t->n_verdict[CHOUSA_V_UNKNOWN]);
	chousa_jw_kuint(w, "benign", t->n_verdict[CHOUSA_V_BENIGN]);
	chousa_jw_kuint(w, "not_an_indicator", t->n_invalid);
	chousa_jw_kuint(w, "left_out", t->n_left_out);
	chousa_jw_kuint(w, "header", t->n_header);
	chousa_jw_object_end(w);
}

static void
triage_row(struct chousa_jw *w, const struct chousa_triage_row *row,
    size_t rank)
{
	chousa_jw_object(w);
	chousa_jw_kuint(w, "rank", rank);
	chousa_jw_kint(w, "index", (long long)row->index);
	chousa_jw_kstr(w, "input", row->input);
	chousa_jw_kstr(w, "indicator", row->value);
	chousa_jw_kstr(w, "type", row->value != NULL && row->type != 0 ?
	    chousa_ioc_type_name(row->type) : NULL);
	chousa_jw_kstr(w, "verdict", row->left_out || row->verdict < 0 ?
	    NULL : verdicts[row->verdict]);
	chousa_jw_kint(w, "confidence", row->confidence);
	chousa_jw_key(w, "family");
	if (row->family == NULL)
		chousa_jw_null(w);
	else {
		chousa_jw_object(w);
		chousa_jw_kstr(w, "id", row->family_id);
		chousa_jw_kstr(w, "name", row->family);
		chousa_jw_kint(w, "confidence", row->family_confidence);
		chousa_jw_object_end(w);
	}
	chousa_jw_kstr(w, "evidence", row->evidence);
	chousa_jw_kstr(w, "context", chousa_context_name(row->context));
	chousa_jw_kstr(w, "field", row->field);
	chousa_jw_kbool(w, "left_out", row->left_out);
	chousa_jw_object_end(w);
}

/* The triage, one line after the reports: {"triage": {...}}. */
static int
json_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	struct chousa_jw w;
	size_t i;

	(void)err;
	chousa_jw_init(&w, r->out);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "triage");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "overall", t->overall >= 0 ?
	    verdicts[t->overall] : NULL);
	chousa_jw_kstr(&w, "overall_text", t->overall_text);
	chousa_jw_kbool(&w, "from_text", t->from_text);
	triage_counts(&w, t);
	kstrs(&w, "families", t->families, t->n_families);
	chousa_jw_key(&w, "rows");
	chousa_jw_array(&w);
	for (i = 0; i < t->n_rows; i++)
		triage_row(&w, &t->rows[i], i + 1);
	chousa_jw_array_end(&w);
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(r->out, '\n');
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_json = {
	"json", "JSON lines, one object per indicator (docs/report-json.md)",
	NULL, json_item, NULL, json_triage, CHOUSA_RENDER_TRIAGE_LAST
};
