/*
 * md.c: the report in Markdown, for pasting into a ticket: the verdict and
 * the conclusion first (what a reader of the ticket needs), then the
 * evidence as tables.  Every untrusted string goes through chousa_esc_md,
 * which also escapes table pipes; indicators are defanged by default.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

struct md_state {
	struct chousa_buf	tmp;
};

static void
esc(struct chousa_render *r, const char *s)
{
	if (s != NULL)
		chousa_esc_md(r->out, s, strlen(s));
}

/* The scratch buffer of the shared writers (render.h). */
static struct chousa_buf *
scratch(struct chousa_render *r)
{
	return &((struct md_state *)r->state)->tmp;
}

static void
ind(struct chousa_render *r, const char *value)
{
	render_esc_indicator(r, chousa_esc_md, scratch(r), value);
}

/* A value of any type: indicators defanged, hashes and families as is. */
static void
value(struct chousa_render *r, const char *v, int type)
{
	render_esc_value(r, chousa_esc_md, scratch(r), v, type);
}

static void
sentence(struct chousa_render *r, const struct chousa_report *rep,
    const char *s)
{
	render_esc_sentence(r, chousa_esc_md, scratch(r), rep, s);
}

static void
finding_row(struct chousa_render *r, const struct chousa_report_stage *s,
    const struct chousa_finding *f)
{
	char d[16];
	size_t i;

	chousa_buf_addf(r->out, "| %s | ", s->name);
	esc(r, render_source_title(f->source));
	chousa_buf_adds(r->out, " | ");
	value(r, f->subject, f->subject_type);
	chousa_buf_addf(r->out, " | %s | ", chousa_status_name(f->status));
	if (f->status != CHOUSA_ST_HIT) {
		esc(r, f->reason);
		chousa_buf_adds(r->out, " |\n");
		return;
	}
	chousa_buf_adds(r->out, f->verdict != CHOUSA_V_UNKNOWN ?
	    chousa_verdict_name(f->verdict) : "no verdict");
	if (f->match != CHOUSA_MATCH_EXACT && f->matched != NULL) {
		chousa_buf_addf(r->out, ", %s match on ",
		    chousa_match_name(f->match));
		value(r, f->matched, CHOUSA_IOC_URL);
	}
	if (f->n_detect >= 0 && f->n_engines > 0)
		chousa_buf_addf(r->out, ", %d/%d engines", f->n_detect,
		    f->n_engines);
	if (f->threat != NULL) {
		chousa_buf_adds(r->out, ", ");
		esc(r, f->threat);
	}
	for (i = 0; i < f->n_labels && i < 6; i++) {
		chousa_buf_adds(r->out, i == 0 ? ", labels " : " ");
		esc(r, f->labels[i]);
	}
	if (f->first_seen != 0) {
		render_date(f->first_seen, d, sizeof(d));
		chousa_buf_addf(r->out, ", first seen %s", d);
	}
	if (f->n_related > 0)
		chousa_buf_addf(r->out, ", %zu related", f->n_related);
	if (f->from_cache) {
		render_date(f->cached_at, d, sizeof(d));
		chousa_buf_addf(r->out, ", cached %s", d);
	}
	if (f->stale && f->data_at != 0) {
		render_date(f->data_at, d, sizeof(d));
		chousa_buf_addf(r->out, ", stale data, updated %s", d);
	}
	if (f->reference != NULL) {
		chousa_buf_adds(r->out, ", ");
		esc(r, f->reference);
	}
	chousa_buf_adds(r->out, " |\n");
}

static int
md_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct md_state *st;

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->tmp, 1 << 20);
	r->state = st;
	return CHOUSA_OK;
}

static int
md_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	const struct chousa_report_family *fam = rep->family;
	size_t i, j;

	(void)err;
	if (r->n_items > 0)
		chousa_buf_adds(r->out, "\n---\n\n");
	chousa_buf_adds(r->out, "## ");
	if (rep->parse_rc != CHOUSA_OK) {
		esc(r, rep->input);
		chousa_buf_adds(r->out, "\n\nNot an indicator: ");
		esc(r, rep->parse_error);
		chousa_buf_addch(r->out, '\n');
		return CHOUSA_OK;
	}
	ind(r, rep->ind.value);
	chousa_buf_addf(r->out, " (%s)\n\n**Verdict:** %s",
	    chousa_ioc_type_name(rep->ind.type),
	    chousa_verdict_name(rep->verdict));
	if (rep->verdict_reason != NULL) {
		chousa_buf_adds(r->out, ": ");
		sentence(r, rep, rep->verdict_reason);
	}
	chousa_buf_adds(r->out, "  \n**Family:** ");
	if (fam == NULL)
		chousa_buf_adds(r->out, "none named");
	else {
		esc(r, fam->name);
		if (fam->known) {
			chousa_buf_adds(r->out, " (`");
			esc(r, fam->id);
			chousa_buf_adds(r->out, "`)");
		}
		chousa_buf_addf(r->out, ", confidence %d%%", fam->confidence);
		for (i = 1; i < fam->n_votes; i++) {
			chousa_buf_adds(r->out, "; conflicting: ");
			esc(r, fam->votes[i].name);
		}
	}
	chousa_buf_adds(r->out, "\n\n### Conclusion\n\n");
	for (i = 0; i < rep->n_conclusion; i++) {
		if (i > 0)
			chousa_buf_addch(r->out, ' ');
		sentence(r, rep, rep->conclusion[i]);
	}
	chousa_buf_addch(r->out, '\n');
	if (rep->n_samples > 0) {
		chousa_buf_adds(r->out, "\n### Samples\n\n| SHA-256 | Family "
		    "| Relation | Type | Name | Sources |\n|---|---|---|---|"
		    "---|---|\n");
		for (i = 0; i < rep->n_samples && i < 20; i++) {
			const struct chousa_report_sample *s =
			    &rep->samples[i];

			chousa_buf_adds(r->out, "| `");
			esc(r, s->sha256);
			chousa_buf_adds(r->out, "` | ");
			esc(r, s->family);
			chousa_buf_addf(r->out, " | %s | ", s->rel ?
			    chousa_rel_name(s->rel) : "input");
			esc(r, s->file_type);
			chousa_buf_adds(r->out, " | ");
			esc(r, s->file_name);
			chousa_buf_adds(r->out, " | ");
			for (j = 0; j < s->n_sources; j++) {
				if (j > 0)
					chousa_buf_adds(r->out, ", ");
				esc(r, render_source_title(s->sources[j]));
			}
			chousa_buf_adds(r->out, " |\n");
		}
	}
	chousa_buf_adds(r->out, "\n### Evidence\n\n| Stage | Source | About "
	    "| Status | Detail |\n|---|---|---|---|---|\n");
	for (i = 0; i < rep->n_stages; i++)
		for (j = 0; j < rep->stages[i].n_findings; j++)
			finding_row(r, &rep->stages[i],
			    &rep->stages[i].findings[j]);
	if (fam != NULL && fam->description != NULL) {
		chousa_buf_adds(r->out, "\n### About ");
		esc(r, fam->name);
		chousa_buf_adds(r->out, "\n\n");
		esc(r, fam->description);
		chousa_buf_addch(r->out, '\n');
	}
	if (rep->n_notes > 0) {
		chousa_buf_adds(r->out, "\n### Notes\n\n");
		for (i = 0; i < rep->n_notes; i++) {
			chousa_buf_adds(r->out, "- ");
			sentence(r, rep, rep->notes[i]);
			chousa_buf_addch(r->out, '\n');
		}
	}
	return CHOUSA_OK;
}

static int
md_end(struct chousa_render *r, struct chousa_err *err)
{
	struct md_state *st = r->state;

	(void)err;
	if (st != NULL)
		chousa_buf_release(&st->tmp);
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_md = {
	"md", "Markdown, for a ticket", md_begin, md_item, md_end
};
