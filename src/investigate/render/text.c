/*
 * text.c: the report for a terminal.  The verdict and family first, then
 * one section per stage with one line per look-up (skipped sources folded
 * into one line per reason), the samples, and the conclusion.  Every
 * string from a source goes through chousa_esc_text, so a feed cannot
 * drive the terminal; colour only when the caller asks for it.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_DIM	"\033[2m"
#define C_RED	"\033[1;31m"
#define C_YEL	"\033[1;33m"
#define C_GRN	"\033[32m"

struct text_state {
	struct chousa_buf	tmp;
};

static void
color(struct chousa_render *r, const char *code)
{
	if (r->opts.color)
		chousa_buf_adds(r->out, code);
}

/* Untrusted text, escaped. */
static void
esc(struct chousa_render *r, const char *s)
{
	if (s != NULL)
		chousa_esc_text(r->out, s, strlen(s));
}

/* The scratch buffer of the shared writers (render.h). */
static struct chousa_buf *
scratch(struct chousa_render *r)
{
	return &((struct text_state *)r->state)->tmp;
}

/* An indicator, defanged unless asked not to, escaped. */
static void
ind(struct chousa_render *r, const char *value)
{
	render_esc_indicator(r, chousa_esc_text, scratch(r), value);
}

/* A value of any type: indicators defanged, hashes and families as is. */
static void
value(struct chousa_render *r, const char *v, int type)
{
	render_esc_value(r, chousa_esc_text, scratch(r), v, type);
}

static void
sentence(struct chousa_render *r, const struct chousa_report *rep,
    const char *s)
{
	render_esc_sentence(r, chousa_esc_text, scratch(r), rep, s);
}

/* Drop the padding a short field leaves behind. */
static void
trim(struct chousa_render *r)
{
	while (r->out->len > 0 && r->out->data[r->out->len - 1] == ' ')
		r->out->len--;
	if (r->out->data != NULL)
		r->out->data[r->out->len] = '\0';
}

static void
endline(struct chousa_render *r)
{
	trim(r);
	chousa_buf_addch(r->out, '\n');
}

static const char *
verdict_color(int v)
{
	return v == CHOUSA_V_MALICIOUS ? C_RED : v == CHOUSA_V_SUSPICIOUS ?
	    C_YEL : v == CHOUSA_V_BENIGN ? C_GRN : C_DIM;
}

/* Between the details of a hit: a space first, then commas. */
static void
sep(struct chousa_render *r, int *any)
{
	chousa_buf_adds(r->out, *any ? ", " : " ");
	*any = 1;
}

static void
date(struct chousa_render *r, int *any, const char *label, int64_t t)
{
	char d[16];

	if (t == 0)
		return;
	render_date(t, d, sizeof(d));
	sep(r, any);
	chousa_buf_addf(r->out, "%s %s", label, d);
}

/* How a listing covers the subject, in words. */
static const char *
match_phrase(int match)
{
	switch (match) {
	case CHOUSA_MATCH_HOST:		return "its host is listed";
	case CHOUSA_MATCH_REGDOMAIN:	return "same registrable domain as";
	case CHOUSA_MATCH_PARENT:	return "its parent domain is listed";
	case CHOUSA_MATCH_CIDR:		return "inside the listed range";
	case CHOUSA_MATCH_URL_HOST:	return "host of the listed URL";
	default:			return chousa_match_name(match);
	}
}

static void
finding(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_finding *f)
{
	size_t i;
	int any = 0;

	chousa_buf_adds(r->out, "  ");
	chousa_buf_addf(r->out, "%-20.20s ", render_source_title(f->source));
	color(r, f->status == CHOUSA_ST_HIT ? C_BOLD : f->status ==
	    CHOUSA_ST_ERROR ? C_RED : C_DIM);
	chousa_buf_addf(r->out, "%-7s", chousa_status_name(f->status));
	color(r, C_RESET);
	if (strcmp(f->subject, rep->ind.value) != 0) {
		chousa_buf_adds(r->out, " about ");
		value(r, f->subject, f->subject_type);
	}
	if (f->status == CHOUSA_ST_ERROR || f->status == CHOUSA_ST_SKIPPED) {
		trim(r);
		chousa_buf_adds(r->out, ": ");
		esc(r, f->reason != NULL ? f->reason : "no reason given");
		chousa_buf_addch(r->out, '\n');
		return;
	}
	if (f->status != CHOUSA_ST_HIT) {
		/* A miss from stale data says so: it is no evidence. */
		if (f->reason != NULL) {
			trim(r);
			chousa_buf_adds(r->out, " (");
			esc(r, f->reason);
			chousa_buf_adds(r->out, ")");
		}
		endline(r);
		return;
	}
	if (f->verdict != CHOUSA_V_UNKNOWN) {
		sep(r, &any);
		chousa_buf_adds(r->out, chousa_verdict_name(f->verdict));
	}
	if (f->match != CHOUSA_MATCH_EXACT && f->matched != NULL) {
		chousa_buf_addf(r->out, " (%s: ", match_phrase(f->match));
		any = 1;
		ind(r, f->matched);
		chousa_buf_adds(r->out, ")");
	}
	if (f->n_detect >= 0 && f->n_engines > 0) {
		sep(r, &any);
		chousa_buf_addf(r->out, "%d/%d engines", f->n_detect,
		    f->n_engines);
	}
	if (f->threat != NULL) {
		sep(r, &any);
		esc(r, f->threat);
	}
	if (f->n_labels > 0) {
		sep(r, &any);
		chousa_buf_adds(r->out, "labels ");
		for (i = 0; i < f->n_labels && i < 8; i++) {
			if (i > 0)
				chousa_buf_addch(r->out, ',');
			esc(r, f->labels[i]);
		}
	}
	if (f->online != NULL) {
		sep(r, &any);
		esc(r, f->online);
	}
	date(r, &any, "first seen", f->first_seen);
	date(r, &any, "last seen", f->last_seen);
	if (f->from_cache)
		date(r, &any, "cached", f->cached_at);
	if (f->usage != NULL) {
		sep(r, &any);
		esc(r, f->usage);
	}
	if (f->stale)
		date(r, &any, "stale data, updated", f->data_at);
	chousa_buf_addch(r->out, '\n');
	for (i = 0; i < f->n_related && i < 10; i++) {
		const struct chousa_related *rel = &f->related[i];

		chousa_buf_adds(r->out, "      ");
		chousa_buf_addf(r->out, "%s ", chousa_rel_name(rel->rel));
		value(r, rel->value, rel->type);
		if (rel->family != NULL) {
			chousa_buf_adds(r->out, " (");
			esc(r, rel->family);
			chousa_buf_adds(r->out, ")");
		}
		chousa_buf_addch(r->out, '\n');
	}
	if (f->n_related > 10)
		chousa_buf_addf(r->out, "      and %zu more\n",
		    f->n_related - 10);
	if (f->detail != NULL && f->subject_type != CHOUSA_IOC_NONE) {
		chousa_buf_adds(r->out, "      ");
		esc(r, f->detail);
		chousa_buf_addch(r->out, '\n');
	}
	if (f->reference != NULL) {
		chousa_buf_adds(r->out, "      ");
		color(r, C_DIM);
		esc(r, f->reference);
		color(r, C_RESET);
		chousa_buf_addch(r->out, '\n');
	}
}

/* Skipped look-ups, one line per reason. */
static void
skipped(struct chousa_render *r, const struct chousa_report_stage *s)
{
	const char *reasons[8];
	size_t n = 0, i, j, k;

	for (i = 0; i < s->n_findings; i++) {
		const struct chousa_finding *f = &s->findings[i];

		if (f->status != CHOUSA_ST_SKIPPED || f->reason == NULL)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(reasons[k], f->reason) == 0)
				break;
		if (k == n && n < 8)
			reasons[n++] = f->reason;
	}
	for (k = 0; k < n; k++) {
		const char *seen[64];
		size_t n_seen = 0, m;

		chousa_buf_adds(r->out, "  ");
		color(r, C_DIM);
		chousa_buf_adds(r->out, "skipped (");
		esc(r, reasons[k]);
		chousa_buf_adds(r->out, "): ");
		for (j = 0; j < s->n_findings; j++) {
			const struct chousa_finding *f = &s->findings[j];

			if (f->status != CHOUSA_ST_SKIPPED || f->reason ==
			    NULL || strcmp(f->reason, reasons[k]) != 0)
				continue;
			for (m = 0; m < n_seen; m++)
				if (strcmp(seen[m], f->source) == 0)
					break;
			if (m < n_seen || n_seen >= 64)
				continue;
			seen[n_seen++] = f->source;
			chousa_buf_addf(r->out, "%s%s", n_seen > 1 ? ", " : "",
			    f->source);
		}
		color(r, C_RESET);
		chousa_buf_addch(r->out, '\n');
	}
}

static void
stage(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_report_stage *s)
{
	size_t i;

	chousa_buf_addch(r->out, '\n');
	color(r, C_BOLD);
	chousa_buf_addf(r->out, "%c%s\n", s->name[0] - 'a' + 'A', s->name + 1);
	color(r, C_RESET);
	if (s->n_findings == 0)
		chousa_buf_adds(r->out, "  nothing to ask\n");
	for (i = 0; i < s->n_findings; i++)
		if (s->findings[i].status != CHOUSA_ST_SKIPPED)
			finding(r, rep, &s->findings[i]);
	skipped(r, s);
}

static void
samples(struct chousa_render *r, const struct chousa_report *rep)
{
	size_t i, j;

	if (rep->n_samples == 0)
		return;
	chousa_buf_addch(r->out, '\n');
	color(r, C_BOLD);
	chousa_buf_adds(r->out, "Samples\n");
	color(r, C_RESET);
	for (i = 0; i < rep->n_samples && i < 20; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		chousa_buf_adds(r->out, "  ");
		esc(r, s->sha256);
		chousa_buf_addf(r->out, "  %s", s->rel ?
		    chousa_rel_name(s->rel) : "input");
		if (s->family != NULL) {
			chousa_buf_adds(r->out, "  ");
			esc(r, s->family);
		}
		if (s->file_type != NULL) {
			chousa_buf_adds(r->out, "  ");
			esc(r, s->file_type);
		}
		if (s->file_name != NULL) {
			chousa_buf_adds(r->out, "  ");
			esc(r, s->file_name);
		}
		chousa_buf_adds(r->out, "  [");
		for (j = 0; j < s->n_sources; j++)
			chousa_buf_addf(r->out, "%s%s", j ? ", " : "",
			    render_source_title(s->sources[j]));
		chousa_buf_adds(r->out, "]\n");
	}
	if (rep->n_samples > 20)
		chousa_buf_addf(r->out, "  and %zu more\n",
		    rep->n_samples - 20);
}

static void
family(struct chousa_render *r, const struct chousa_report *rep)
{
	const struct chousa_report_family *f = rep->family;
	size_t i, j;

	chousa_buf_adds(r->out, "Family:  ");
	if (f == NULL) {
		chousa_buf_adds(r->out, "none named\n");
		return;
	}
	color(r, C_BOLD);
	esc(r, f->name);
	color(r, C_RESET);
	if (f->known && strcmp(f->id, f->name) != 0) {
		chousa_buf_adds(r->out, " (");
		esc(r, f->id);
		chousa_buf_adds(r->out, ")");
	}
	chousa_buf_addf(r->out, ", confidence %d%%\n", f->confidence);
	if (f->aliases != NULL) {
		chousa_buf_adds(r->out, "         aliases: ");
		esc(r, f->aliases);
		chousa_buf_addch(r->out, '\n');
	}
	for (i = 1; i < f->n_votes; i++) {
		chousa_buf_adds(r->out, "         conflict: ");
		esc(r, f->votes[i].name);
		chousa_buf_adds(r->out, " according to ");
		for (j = 0; j < f->votes[i].n_sources; j++)
			chousa_buf_addf(r->out, "%s%s", j ? ", " : "",
			    render_source_title(f->votes[i].sources[j]));
		chousa_buf_addch(r->out, '\n');
	}
	for (i = 0; i < f->n_caveats; i++) {
		chousa_buf_adds(r->out, "         caveat: ");
		esc(r, f->caveats[i]);
		chousa_buf_addch(r->out, '\n');
	}
}

static int
text_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct text_state *st;

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->tmp, 1 << 20);
	r->state = st;
	return CHOUSA_OK;
}

static int
text_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	size_t i;

	(void)err;
	if (r->n_items > 0)
		chousa_buf_adds(r->out, "\n");
	color(r, C_BOLD);
	if (rep->parse_rc != CHOUSA_OK) {
		esc(r, rep->input);
		color(r, C_RESET);
		chousa_buf_adds(r->out, "\n  not an indicator: ");
		esc(r, rep->parse_error);
		chousa_buf_addch(r->out, '\n');
		return CHOUSA_OK;
	}
	ind(r, rep->ind.value);
	color(r, C_RESET);
	chousa_buf_addf(r->out, "  (%s)\n",
	    chousa_ioc_type_name(rep->ind.type));
	chousa_buf_adds(r->out, "Verdict: ");
	color(r, verdict_color(rep->verdict));
	chousa_buf_adds(r->out, chousa_verdict_name(rep->verdict));
	color(r, C_RESET);
	if (rep->verdict_reason != NULL) {
		chousa_buf_adds(r->out, ": ");
		sentence(r, rep, rep->verdict_reason);
	}
	chousa_buf_addch(r->out, '\n');
	family(r, rep);
	for (i = 0; i < rep->n_stages; i++)
		stage(r, rep, &rep->stages[i]);
	samples(r, rep);
	if (rep->family != NULL && rep->family->description != NULL) {
		chousa_buf_addch(r->out, '\n');
		color(r, C_BOLD);
		chousa_buf_adds(r->out, "About ");
		esc(r, rep->family->name);
		color(r, C_RESET);
		chousa_buf_adds(r->out, "\n  ");
		esc(r, rep->family->description);
		chousa_buf_addch(r->out, '\n');
	}
	if (rep->n_notes > 0) {
		chousa_buf_addch(r->out, '\n');
		color(r, C_BOLD);
		chousa_buf_adds(r->out, "Notes\n");
		color(r, C_RESET);
		for (i = 0; i < rep->n_notes; i++) {
			chousa_buf_adds(r->out, "  ");
			sentence(r, rep, rep->notes[i]);
			chousa_buf_addch(r->out, '\n');
		}
	}
	chousa_buf_addch(r->out, '\n');
	color(r, C_BOLD);
	chousa_buf_adds(r->out, "Conclusion\n");
	color(r, C_RESET);
	for (i = 0; i < rep->n_conclusion; i++) {
		chousa_buf_adds(r->out, "  ");
		sentence(r, rep, rep->conclusion[i]);
		chousa_buf_addch(r->out, '\n');
	}
	return CHOUSA_OK;
}

static int
text_end(struct chousa_render *r, struct chousa_err *err)
{
	struct text_state *st = r->state;

	(void)err;
	if (st != NULL)
		chousa_buf_release(&st->tmp);
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_text = {
	"text", "plain text for a terminal (the default)", text_begin,
	text_item, text_end
};
