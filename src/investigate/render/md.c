/*
 * md.c: the report in Markdown, for pasting into a ticket, written to read
 * well both raw and rendered (CommonMark with GitHub's tables).  The
 * verdict and the conclusion first, then the evidence as tables.  Every
 * indicator is a code span (defanged by default, never a live link, even
 * in sentences); references are autolinks; other untrusted text escapes
 * only what could start markup (chousa_esc_md).  Nothing is escaped inside
 * a code span or a link: a span takes a longer fence instead.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

/* Listings and samples a report shows. */
#define SHOW_LISTED	50
#define SHOW_SAMPLES	20

struct md_state {
	struct chousa_buf	tmp;
	struct chousa_buf	line;	/* a span's text, made one safe line */
	int			in_table;	/* | is a cell's edge */
	int			line_start;	/* the next piece opens a line */
};

static struct md_state *
state(struct chousa_render *r)
{
	return r->state;
}

/* ---- inline writers ---- */

/*
 * A code span of s: a fence one backtick longer than any run inside, with
 * a space inside it when s starts or ends with a backtick or a space, as
 * CommonMark strips one.  In a table a pipe is \| even here: GitHub's
 * table reader splits cells before it reads spans.
 */
static void
code(struct chousa_render *r, const char *s, size_t len)
{
	struct chousa_buf *out = r->out, *line = &state(r)->line;
	size_t i, run = 0, longest = 0;
	int pad;

	/* Controls (C1 and bidi overrides too) out, invalid UTF-8 as U+FFFD. */
	chousa_buf_reset(line);
	chousa_esc_line(line, s, len);
	s = line->data != NULL ? line->data : "";
	len = line->len;
	for (i = 0; i < len; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = len > 0 && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ' ||
	    s[len - 1] == ' ');
	for (i = 0; i <= longest; i++)
		chousa_buf_addch(out, '`');
	if (pad)
		chousa_buf_addch(out, ' ');
	for (i = 0; i < len; i++) {
		if (s[i] == '|' && state(r)->in_table)
			chousa_buf_adds(out, "\\|");
		else
			chousa_buf_addch(out, s[i]);
	}
	if (pad)
		chousa_buf_addch(out, ' ');
	for (i = 0; i <= longest; i++)
		chousa_buf_addch(out, '`');
}

/* Inline text: escaped where markup could start, guarded at a line start. */
static void
text_n(struct chousa_render *r, const char *s, size_t len)
{
	struct md_state *st = state(r);
	size_t lead = 0;

	if (s == NULL)
		return;
	if (st->line_start && len > 0) {
		/* "# x", "- x", "+ x", "> x", "1. x" would be blocks. */
		while (lead < len && s[lead] >= '0' && s[lead] <= '9')
			lead++;
		if ((lead > 0 && lead < len && (s[lead] == '.' ||
		    s[lead] == ')')) || (lead == 0 && strchr("#-+>=",
		    s[0]) != NULL)) {
			chousa_buf_add(r->out, s, lead);
			chousa_buf_addch(r->out, '\\');
		} else
			lead = 0;
	}
	st->line_start = 0;
	chousa_esc_md(r->out, s + lead, len - lead);
}

static void
text(struct chousa_render *r, const char *s)
{
	if (s != NULL)
		text_n(r, s, strlen(s));
}

/* Sentence pieces: plain text escaped, indicators as code spans. */
static void
piece(void *arg, const char *s, size_t len, int is_indicator)
{
	struct chousa_render *r = arg;

	if (is_indicator) {
		state(r)->line_start = 0;
		code(r, s, len);
	} else
		text_n(r, s, len);
}

/* Untrusted free text: indicators in it become code spans. */
static void
sentence(struct chousa_render *r, const struct chousa_report *rep,
    const char *s)
{
	render_pieces(r, rep, s, piece, r);
}

/* An indicator (defanged unless asked not to) as a code span. */
static void
ind(struct chousa_render *r, const char *value)
{
	struct chousa_buf *tmp = &state(r)->tmp;

	if (value == NULL)
		return;
	chousa_buf_reset(tmp);
	render_indicator(r, tmp, value);
	code(r, tmp->data != NULL ? tmp->data : "", tmp->len);
}

/* A value of any type: indicators defanged, hashes and families as is. */
static void
value(struct chousa_render *r, const char *v, int type)
{
	if (v == NULL)
		return;
	if (type == CHOUSA_IOC_NONE || (CHOUSA_IOC_BIT(type) &
	    CHOUSA_IOC_HASHES))
		code(r, v, strlen(v));
	else
		ind(r, v);
}

/*
 * A reference: an autolink when it is a plain http(s) URL (angle brackets
 * keep GitHub from reading its punctuation), else a code span.
 */
static void
link(struct chousa_render *r, const char *url)
{
	size_t i, len = strlen(url);
	int plain = strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0;

	for (i = 0; plain && i < len; i++)
		if ((unsigned char)url[i] <= ' ' || url[i] == '<' ||
		    url[i] == '>' || url[i] == '`' || url[i] == '|' ||
		    url[i] == 0x7f)
			plain = 0;
	/* One holding a control or invalid UTF-8: the span drops them. */
	if (plain) {
		chousa_buf_reset(&state(r)->line);
		chousa_esc_line(&state(r)->line, url, len);
		plain = state(r)->line.len == len &&
		    memcmp(state(r)->line.data, url, len) == 0;
	}
	if (!plain) {
		code(r, url, len);
		return;
	}
	chousa_buf_addch(r->out, '<');
	chousa_buf_adds(r->out, url);
	chousa_buf_addch(r->out, '>');
}

static void
row_begin(struct chousa_render *r)
{
	state(r)->in_table = 1;
	state(r)->line_start = 0;
	chousa_buf_adds(r->out, "| ");
}

static void
cell(struct chousa_render *r)
{
	chousa_buf_adds(r->out, " | ");
}

static void
row_end(struct chousa_render *r)
{
	chousa_buf_adds(r->out, " |\n");
	state(r)->in_table = 0;
}

/* A paragraph's first piece is at a line start. */
static void
para(struct chousa_render *r)
{
	state(r)->line_start = 1;
}

/* ---- the evidence ---- */

static void
finding_row(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_report_stage *s, const struct chousa_finding *f)
{
	char d[16];
	size_t i;

	row_begin(r);
	chousa_buf_adds(r->out, s->name);
	cell(r);
	text(r, render_source_title(f->source));
	cell(r);
	value(r, f->subject, f->subject_type);
	cell(r);
	chousa_buf_adds(r->out, chousa_status_name(f->status));
	cell(r);
	if (f->status != CHOUSA_ST_HIT) {
		sentence(r, rep, f->reason);
		row_end(r);
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
		sentence(r, rep, f->threat);
	}
	for (i = 0; i < f->n_labels && i < 6; i++) {
		chousa_buf_adds(r->out, i == 0 ? ", labels " : " ");
		sentence(r, rep, f->labels[i]);
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
		link(r, f->reference);
	}
	row_end(r);
}

/*
 * Without -v, what found nothing is summed up under the table: the
 * sources that do not list it, and how many look-ups were skipped.
 */
static void
quiet_lookups(struct chousa_render *r, const struct chousa_report *rep)
{
	const char *seen[64];
	size_t n = 0, s, i, k;

	if (r->opts.verbose)
		return;
	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];
			const char *t = render_source_title(f->source);

			if (f->status != CHOUSA_ST_MISS)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(seen[k], t) == 0)
					break;
			if (k == n && n < 64)
				seen[n++] = t;
		}
	if (n > 0) {
		chousa_buf_adds(r->out, "\nNot listed by: ");
		for (k = 0; k < n; k++) {
			if (k > 0)
				chousa_buf_adds(r->out, ", ");
			text(r, seen[k]);
		}
		chousa_buf_adds(r->out, ".\n");
	}
	if (rep->n_skipped > 0)
		chousa_buf_addf(r->out, "\n%d look-up%s skipped (offline, no "
		    "key, not supported...): `chousa investigate -v` lists "
		    "them.\n", rep->n_skipped, rep->n_skipped == 1 ? "" : "s");
}

/* Whether a look-up gets a row of its own (with -v, every one does). */
static int
shown(const struct chousa_render *r, const struct chousa_finding *f)
{
	return r->opts.verbose || (f->status != CHOUSA_ST_MISS &&
	    f->status != CHOUSA_ST_SKIPPED);
}

static void
evidence(struct chousa_render *r, const struct chousa_report *rep)
{
	size_t i, j, rows = 0;

	chousa_buf_adds(r->out, "\n### Evidence\n\n");
	for (i = 0; i < rep->n_stages; i++)
		for (j = 0; j < rep->stages[i].n_findings; j++)
			rows += shown(r, &rep->stages[i].findings[j]);
	if (rows == 0)
		chousa_buf_adds(r->out, "No source had anything on it.\n");
	else
		chousa_buf_adds(r->out, "| Stage | Source | About | Status | "
		    "Detail |\n|---|---|---|---|---|\n");
	for (i = 0; i < rep->n_stages; i++)
		for (j = 0; j < rep->stages[i].n_findings; j++)
			if (shown(r, &rep->stages[i].findings[j]))
				finding_row(r, rep, &rep->stages[i],
				    &rep->stages[i].findings[j]);
	quiet_lookups(r, rep);
}

static void
listings(struct chousa_render *r, const struct chousa_report *rep)
{
	struct chousa_buf *tmp = &state(r)->tmp;
	size_t i;
	char d[16];

	if (!render_listings_worth(rep))
		return;
	chousa_buf_addf(r->out, "\n### Listed %s ", rep->ind.type ==
	    CHOUSA_IOC_CIDR ? "inside" : "on");
	ind(r, rep->listed_on);
	chousa_buf_addf(r->out, "\n\n%llu record%s", (unsigned long long)
	    rep->n_listed_total, rep->n_listed_total == 1 ? "" : "s");
	if (rep->n_listed_total > SHOW_LISTED)
		chousa_buf_addf(r->out, ", the %d most recently seen",
		    SHOW_LISTED);
	chousa_buf_adds(r->out, ".\n\n| Indicator | Source | Family | "
	    "Threat | Status | Last seen | Reference |\n|---|---|---|---|---|"
	    "---|---|\n");
	for (i = 0; i < rep->n_listed && i < SHOW_LISTED; i++) {
		const struct chousa_listing *l = &rep->listed[i];

		row_begin(r);
		render_listing_value(r, l, tmp);
		code(r, tmp->data != NULL ? tmp->data : "", tmp->len);
		cell(r);
		text(r, render_feed_title(l->rec.source));
		cell(r);
		sentence(r, rep, l->rec.family);
		cell(r);
		sentence(r, rep, l->rec.threat);
		cell(r);
		sentence(r, rep, l->rec.status);
		cell(r);
		render_date(l->rec.last_seen, d, sizeof(d));
		chousa_buf_adds(r->out, d);
		cell(r);
		if (l->rec.reference != NULL)
			link(r, l->rec.reference);
		row_end(r);
	}
}

static void
samples(struct chousa_render *r, const struct chousa_report *rep)
{
	size_t i, j;

	if (rep->n_samples == 0)
		return;
	chousa_buf_adds(r->out, "\n### Samples\n\n| SHA-256 | Family | "
	    "Relation | Type | Name | Sources |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < rep->n_samples && i < SHOW_SAMPLES; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		row_begin(r);
		code(r, s->sha256, strlen(s->sha256));
		cell(r);
		if (s->family != NULL)
			code(r, s->family, strlen(s->family));
		cell(r);
		chousa_buf_adds(r->out, s->rel ? chousa_rel_name(s->rel) :
		    "input");
		cell(r);
		sentence(r, rep, s->file_type);
		cell(r);
		sentence(r, rep, s->file_name);
		cell(r);
		for (j = 0; j < s->n_sources; j++) {
			if (j > 0)
				chousa_buf_adds(r->out, ", ");
			text(r, render_source_title(s->sources[j]));
		}
		row_end(r);
	}
	if (rep->n_samples > SHOW_SAMPLES)
		chousa_buf_addf(r->out, "\nAnd %zu more.\n",
		    rep->n_samples - SHOW_SAMPLES);
}

/* Commands in a fenced block: nothing in it is read as Markdown. */
static void
next_steps(struct chousa_render *r, const struct chousa_report *rep)
{
	struct chousa_buf *tmp = &state(r)->tmp;
	size_t i, j;

	if (rep->n_next_steps == 0)
		return;
	chousa_buf_adds(r->out, "\n### Next steps\n\n");
	for (i = 0; i < rep->n_next_steps; i++) {
		const struct chousa_next_step *st = &rep->next_steps[i];

		para(r);
		text(r, st->why);
		chousa_buf_adds(r->out, ":\n\n```sh\n");
		render_command(r, st, tmp);
		/* A line of backticks would end the block: none can. */
		for (j = 0; j < tmp->len; j++)
			if (tmp->data[j] != '\n' && tmp->data[j] != '\r')
				chousa_buf_addch(r->out, tmp->data[j]);
		chousa_buf_adds(r->out, "\n```\n\n");
	}
	if (r->out->len >= 1)
		r->out->len--;	/* one blank line between reports */
}

/* ---- the renderer ---- */

static int
md_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct md_state *st;

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->tmp, 1 << 20);
	chousa_buf_init(&st->line, 1 << 20);
	r->state = st;
	render_tlp_banner(r, "**", "**\n\n");
	return CHOUSA_OK;
}

static int
md_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	const struct chousa_report_family *fam = rep->family;
	size_t i;

	(void)err;
	if (r->n_items > 0 || r->opts.triage)
		chousa_buf_adds(r->out, "\n---\n\n");
	chousa_buf_adds(r->out, "## ");
	if (rep->parse_rc != CHOUSA_OK) {
		code(r, rep->input, strlen(rep->input));
		chousa_buf_adds(r->out, "\n\nNot an indicator: ");
		sentence(r, rep, rep->parse_error);
		chousa_buf_addch(r->out, '\n');
		return CHOUSA_OK;
	}
	ind(r, rep->ind.value);
	chousa_buf_addf(r->out, " (%s", chousa_ioc_type_name(rep->ind.type));
	/* 1.2.3.4/32 or 1.2.3.4:8080 investigated as 1.2.3.4: say so. */
	if (rep->ind.flags & CHOUSA_IOC_F_ADDRESS_ONLY) {
		chousa_buf_adds(r->out, ", given as ");
		if (strchr(rep->input, '[') != NULL)
			code(r, rep->input, strlen(rep->input));
		else
			ind(r, rep->input);
	}
	chousa_buf_addf(r->out, ")\n\n**Verdict:** %s",
	    chousa_verdict_name(rep->verdict));
	if (rep->verdict_reason != NULL) {
		chousa_buf_adds(r->out, ": ");
		sentence(r, rep, rep->verdict_reason);
	}
	chousa_buf_adds(r->out, "  \n**Family:** ");
	if (fam == NULL)
		chousa_buf_adds(r->out, "none named");
	else {
		text(r, fam->name);
		if (fam->known) {
			chousa_buf_adds(r->out, " (");
			code(r, fam->id, strlen(fam->id));
			chousa_buf_adds(r->out, ")");
		}
		chousa_buf_addf(r->out, ", confidence %d%%", fam->confidence);
		for (i = 1; i < fam->n_votes; i++) {
			chousa_buf_adds(r->out, "; conflicting: ");
			text(r, fam->votes[i].name);
		}
	}
	chousa_buf_adds(r->out, "\n\n### Conclusion\n\n");
	para(r);
	for (i = 0; i < rep->n_conclusion; i++) {
		if (i > 0)
			chousa_buf_addch(r->out, ' ');
		sentence(r, rep, rep->conclusion[i]);
	}
	chousa_buf_addch(r->out, '\n');
	listings(r, rep);
	samples(r, rep);
	evidence(r, rep);
	if (fam != NULL && fam->description != NULL) {
		chousa_buf_adds(r->out, "\n### About ");
		text(r, fam->name);
		chousa_buf_adds(r->out, "\n\n");
		para(r);
		sentence(r, rep, fam->description);
		chousa_buf_addch(r->out, '\n');
	}
	if (rep->n_notes > 0) {
		chousa_buf_adds(r->out, "\n### Notes\n\n");
		for (i = 0; i < rep->n_notes; i++) {
			chousa_buf_adds(r->out, "- ");
			para(r);
			sentence(r, rep, rep->notes[i]);
			chousa_buf_addch(r->out, '\n');
		}
	}
	next_steps(r, rep);
	return CHOUSA_OK;
}

static int
md_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	struct chousa_buf *tmp = &state(r)->tmp;
	size_t i;

	(void)err;
	chousa_buf_addf(r->out, "## Triage of %zu input%s\n\n", t->n_rows,
	    t->n_rows == 1 ? "" : "s");
	if (t->from_text)
		chousa_buf_adds(r->out, "**Overall:** ");
	else
		para(r);
	sentence(r, NULL, t->overall_text);
	chousa_buf_adds(r->out, "\n\n| Verdict | Indicator | Family | "
	    "Confidence | Evidence |\n|---|---|---|---|---|\n");
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];

		row_begin(r);
		chousa_buf_adds(r->out, row->left_out ? "left out" :
		    render_verdict_word(row->verdict));
		cell(r);
		chousa_buf_reset(tmp);
		if (row->value != NULL)
			render_indicator(r, tmp, row->value);
		else
			chousa_buf_adds(tmp, row->input);
		code(r, tmp->data != NULL ? tmp->data : "", tmp->len);
		if (row->field != NULL) {
			chousa_buf_adds(r->out, " (");
			text(r, row->field);
			chousa_buf_adds(r->out, ")");
		}
		cell(r);
		text(r, row->family);
		cell(r);
		if (row->family != NULL)
			chousa_buf_addf(r->out, "%d%%",
			    row->family_confidence);
		cell(r);
		sentence(r, NULL, row->evidence);
		row_end(r);
	}
	return CHOUSA_OK;
}

static int
md_end(struct chousa_render *r, struct chousa_err *err)
{
	struct md_state *st = r->state;

	(void)err;
	if (st != NULL) {
		chousa_buf_release(&st->tmp);
		chousa_buf_release(&st->line);
	}
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_md = {
	"md", "Markdown, for a ticket", md_begin, md_item, md_end, md_triage,
	0
};
