/*
 * text.c: the report for a terminal.  The verdict and family first, then
 * one section per stage with a line per hit or failure (misses folded
 * into one line, skipped look-ups into one count, both line by line with
 * -v), what is listed around the input, the samples, the conclusion and
 * the next steps.  Many inputs start with the triage table.  Every string
 * from a source goes through chousa_esc_text, so a feed cannot drive the
 * terminal, and is defanged like the indicators; lines wrap at the
 * caller's width between words, continuation lines indented under their
 * text; colour only when the caller asks for it.
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

/* Listings, samples and related values shown without -v. */
#define SHOW_LISTED	20
#define SHOW_SAMPLES	20
#define SHOW_RELATED	10
/* The triage's columns are at most this wide; longer values overflow. */
#define COL_VALUE_MAX	44
#define COL_FAMILY_MAX	22

struct text_state {
	struct chousa_buf	tmp;
	struct chousa_buf	line;	/* a line being wrapped */
	size_t			start;	/* where the current line began */
};

static struct text_state *
state(struct chousa_render *r)
{
	return r->state;
}

static void
color(struct chousa_render *r, const char *code)
{
	if (r->opts.color)
		chousa_buf_adds(r->out, code);
}

/* ---- lines and wrapping ---- */

/* Columns a UTF-8 sequence starting with lead takes: CJK and kin two. */
static int
columns_of(unsigned cp)
{
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * The columns s[0, len) takes on a terminal: ANSI colour sequences take
 * none, a UTF-8 character one, or two when East Asian wide.
 */
static size_t
display_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x1b) {
			/* ESC [ ... final byte */
			i++;
			if (i < len && s[i] == '[')
				for (i++; i < len && !(s[i] >= 0x40 &&
				    s[i] <= 0x7e); i++)
					;
			i++;
			continue;
		}
		if (c < 0x80) {
			w++;
			i++;
		} else {
			unsigned cp = 0;
			int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
			int k;

			cp = n == 4 ? c & 0x07 : n == 3 ? c & 0x0f : n == 2 ?
			    c & 0x1f : c;
			for (k = 1; k < n && i + (size_t)k < len; k++)
				cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3f);
			w += (size_t)columns_of(cp);
			i += (size_t)n;
		}
	}
	return w;
}

static void
line_begin(struct chousa_render *r)
{
	state(r)->start = r->out->len;
}

/* Drop the padding a short field leaves behind. */
static void
trim(struct chousa_render *r)
{
	while (r->out->len > state(r)->start &&
	    r->out->data[r->out->len - 1] == ' ')
		r->out->len--;
	if (r->out->data != NULL)
		r->out->data[r->out->len] = '\0';
}

/*
 * End the line begun at line_begin(): wrapped at opts.width between
 * words (a run of spaces is a break; a word is never split, a longer one
 * takes a line of its own), continuation lines indented by hang.
 */
static void
line_end_hang(struct chousa_render *r, size_t hang)
{
	struct text_state *st = state(r);
	struct chousa_buf *out = r->out;
	size_t width = r->opts.width > 0 ? (size_t)r->opts.width : 0;
	size_t i, col, len;
	const char *p;

	trim(r);
	len = out->len - st->start;
	if (width == 0 || out->failed != CHOUSA_OK ||
	    display_width(out->data + st->start, len) <= width) {
		chousa_buf_addch(out, '\n');
		return;
	}
	if (hang + 20 > width)
		hang = width > 24 ? 4 : 0;
	chousa_buf_reset(&st->line);
	chousa_buf_add(&st->line, out->data + st->start, len);
	out->len = st->start;
	p = st->line.data;
	len = st->line.len;
	/* The leading indentation stays with the first word. */
	for (i = 0; i < len && p[i] == ' '; i++)
		;
	chousa_buf_add(out, p, i);
	col = i;
	while (i < len) {
		size_t w0 = i, w1, gap0 = i, wcols;

		while (w0 < len && p[w0] == ' ')
			w0++;
		for (w1 = w0; w1 < len && p[w1] != ' '; w1++)
			;
		if (w0 == len)
			break;
		wcols = display_width(p + w0, w1 - w0);
		if (gap0 < w0 && col > hang && col + (w0 - gap0) + wcols >
		    width) {
			/* A word too long for the hang starts nearer. */
			size_t k, ind = hang + wcols > width && hang > 6 ? 6 :
			    hang;

			chousa_buf_addch(out, '\n');
			for (k = 0; k < ind; k++)
				chousa_buf_addch(out, ' ');
			col = ind;
		} else {
			chousa_buf_add(out, p + gap0, w0 - gap0);
			col += display_width(p + gap0, w0 - gap0);
		}
		chousa_buf_add(out, p + w0, w1 - w0);
		col += wcols;
		i = w1;
	}
	chousa_buf_addch(out, '\n');
}

/* The usual end: continuation lines under the line's own text. */
static void
line_end(struct chousa_render *r)
{
	struct text_state *st = state(r);
	size_t indent = 0;

	while (st->start + indent < r->out->len &&
	    r->out->data[st->start + indent] == ' ')
		indent++;
	line_end_hang(r, indent + 2);
}

/* ---- strings ---- */

/* Untrusted text, escaped and defanged. */
static void
esc(struct chousa_render *r, const char *s)
{
	render_esc_sentence(r, chousa_esc_text, &state(r)->tmp, NULL, s);
}

/* A link: escaped, never defanged (it points at the source's page). */
/* Whether a reference is a web address, printed whole so it pastes. */
static int
is_link(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

static void
esc_link(struct chousa_render *r, const char *s)
{
	if (s != NULL)
		chousa_esc_text(r->out, s, strlen(s));
}

/* An indicator, defanged unless asked not to, escaped. */
static void
ind(struct chousa_render *r, const char *value)
{
	render_esc_indicator(r, chousa_esc_text, &state(r)->tmp, value);
}

/* A value of any type: indicators defanged, hashes and families as is. */
static void
value(struct chousa_render *r, const char *v, int type)
{
	render_esc_value(r, chousa_esc_text, &state(r)->tmp, v, type);
}

static void
sentence(struct chousa_render *r, const struct chousa_report *rep,
    const char *s)
{
	render_esc_sentence(r, chousa_esc_text, &state(r)->tmp, rep, s);
}

static const char *
verdict_color(int v)
{
	return v == CHOUSA_V_MALICIOUS ? C_RED : v == CHOUSA_V_SUSPICIOUS ?
	    C_YEL : v == CHOUSA_V_BENIGN ? C_GRN : C_DIM;
}

static void
heading(struct chousa_render *r, const char *title)
{
	chousa_buf_addch(r->out, '\n');
	color(r, C_BOLD);
	chousa_buf_adds(r->out, title);
	color(r, C_RESET);
	chousa_buf_addch(r->out, '\n');
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

/* ---- the stages ---- */

/* The column the details of a finding line start at. */
#define FINDING_HANG	31

static void
finding(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_finding *f)
{
	size_t i;
	int any = 0;

	line_begin(r);
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
		line_end_hang(r, FINDING_HANG);
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
		line_end_hang(r, FINDING_HANG);
		return;
	}
	if (f->verdict != CHOUSA_V_UNKNOWN) {
		sep(r, &any);
		chousa_buf_adds(r->out, chousa_verdict_name(f->verdict));
	}
	if (f->match != CHOUSA_MATCH_EXACT && f->matched != NULL) {
		chousa_buf_addf(r->out, " (%s: ", f->match ==
		    CHOUSA_MATCH_URL_HOST && f->subject_type == CHOUSA_IOC_URL ?
		    "other URLs on its host are listed" :
		    match_phrase(f->match));
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
	line_end_hang(r, FINDING_HANG);
	for (i = 0; i < f->n_related && i < SHOW_RELATED; i++) {
		const struct chousa_related *rel = &f->related[i];

		line_begin(r);
		chousa_buf_adds(r->out, "      ");
		chousa_buf_addf(r->out, "%s ", chousa_rel_name(rel->rel));
		value(r, rel->value, rel->type);
		if (rel->family != NULL) {
			chousa_buf_adds(r->out, " (");
			esc(r, rel->family);
			chousa_buf_adds(r->out, ")");
		}
		line_end(r);
	}
	if (f->n_related > SHOW_RELATED)
		chousa_buf_addf(r->out, "      and %zu more\n",
		    f->n_related - SHOW_RELATED);
	if (f->detail != NULL && f->subject_type != CHOUSA_IOC_NONE) {
		line_begin(r);
		chousa_buf_adds(r->out, "      ");
		esc(r, f->detail);
		line_end(r);
	}
	if (f->reference != NULL && !is_link(f->reference)) {
		/* A description (a MISP event's title) reads as prose. */
		line_begin(r);
		chousa_buf_adds(r->out, "      ");
		sentence(r, rep, f->reference);
		line_end(r);
	} else if (f->reference != NULL) {
		chousa_buf_adds(r->out, "      ");
		color(r, C_DIM);
		esc_link(r, f->reference);
		color(r, C_RESET);
		chousa_buf_addch(r->out, '\n');
	}
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * The look-ups of one status that share a subject and a reason, as one
 * line: "  skipped (offline): urlhaus, otx" or "  not listed: URLhaus,
 * ThreatFox".  Each group is written at its first member.
 */
static void
grouped(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_report_stage *s, int status)
{
	size_t i, j, k;

	for (i = 0; i < s->n_findings; i++) {
		const struct chousa_finding *f = &s->findings[i];

		if (f->status != status)
			continue;
		for (j = 0; j < i; j++)
			if (s->findings[j].status == status &&
			    same_str(s->findings[j].reason, f->reason) &&
			    same_str(s->findings[j].subject, f->subject))
				break;
		if (j < i)
			continue;	/* its group was written */
		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		color(r, C_DIM);
		chousa_buf_adds(r->out, status == CHOUSA_ST_SKIPPED ?
		    "skipped" : "not listed");
		if (strcmp(f->subject, rep->ind.value) != 0) {
			chousa_buf_adds(r->out, " about ");
			value(r, f->subject, f->subject_type);
		}
		if (f->reason != NULL) {
			chousa_buf_adds(r->out, " (");
			esc(r, f->reason);
			chousa_buf_adds(r->out, ")");
		}
		chousa_buf_adds(r->out, ":");
		for (j = i; j < s->n_findings; j++) {
			const struct chousa_finding *g = &s->findings[j];

			if (g->status != status || !same_str(g->reason,
			    f->reason) || !same_str(g->subject, f->subject))
				continue;
			for (k = i; k < j; k++)
				if (s->findings[k].status == status &&
				    same_str(s->findings[k].reason,
				    f->reason) && same_str(s->findings[k].subject,
				    f->subject) && strcmp(s->findings[k].source,
				    g->source) == 0)
					break;
			if (k < j)
				continue;	/* named already */
			chousa_buf_adds(r->out, j > i ? ", " : " ");
			chousa_buf_adds(r->out, status == CHOUSA_ST_SKIPPED ?
			    g->source : render_source_title(g->source));
		}
		color(r, C_RESET);
		line_end(r);
	}
}

static void
stage(struct chousa_render *r, const struct chousa_report *rep,
    const struct chousa_report_stage *s)
{
	size_t i;
	char title[32];

	snprintf(title, sizeof(title), "%c%s", s->name[0] - 'a' + 'A',
	    s->name + 1);
	heading(r, title);
	if (s->n_findings == 0)
		chousa_buf_adds(r->out, "  nothing to ask\n");
	for (i = 0; i < s->n_findings; i++) {
		int st = s->findings[i].status;

		if (st == CHOUSA_ST_HIT || st == CHOUSA_ST_ERROR ||
		    (r->opts.verbose && st == CHOUSA_ST_MISS))
			finding(r, rep, &s->findings[i]);
	}
	if (!r->opts.verbose)
		grouped(r, rep, s, CHOUSA_ST_MISS);
	else
		grouped(r, rep, s, CHOUSA_ST_SKIPPED);
}

/* Without -v, the skipped look-ups of the report as one count. */
static void
skipped_count(struct chousa_render *r, const struct chousa_report *rep)
{
	const char *reasons[8];
	size_t counts[8], n = 0, s, i, k;

	if (r->opts.verbose || rep->n_skipped == 0)
		return;
	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];
			const char *why = f->reason != NULL ? f->reason :
			    "no reason given";

			if (f->status != CHOUSA_ST_SKIPPED)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(reasons[k], why) == 0)
					break;
			if (k == n && n < 8) {
				reasons[n] = why;
				counts[n++] = 0;
			}
			if (k < n)
				counts[k]++;
		}
	chousa_buf_addch(r->out, '\n');
	line_begin(r);
	color(r, C_DIM);
	chousa_buf_addf(r->out, "Skipped: %d look-up%s (", rep->n_skipped,
	    rep->n_skipped == 1 ? "" : "s");
	for (k = 0; k < n; k++) {
		chousa_buf_adds(r->out, k > 0 ? "; " : "");
		esc(r, reasons[k]);
		chousa_buf_addf(r->out, ": %zu", counts[k]);
	}
	chousa_buf_adds(r->out, "); -v lists them");
	color(r, C_RESET);
	line_end(r);
}

/* ---- the sections after the stages ---- */

static void
listings(struct chousa_render *r, const struct chousa_report *rep)
{
	size_t i, shown = r->opts.verbose ? rep->n_listed : SHOW_LISTED;
	char d[16];

	if (!render_listings_worth(rep))
		return;
	chousa_buf_addch(r->out, '\n');
	line_begin(r);
	color(r, C_BOLD);
	chousa_buf_addf(r->out, "Listed %s ", rep->ind.type ==
	    CHOUSA_IOC_CIDR ? "inside" : "on");
	ind(r, rep->listed_on);
	color(r, C_RESET);
	chousa_buf_addf(r->out, ": %llu record%s",
	    (unsigned long long)rep->n_listed_total,
	    rep->n_listed_total == 1 ? "" : "s");
	line_end(r);
	for (i = 0; i < rep->n_listed && i < shown; i++) {
		const struct chousa_listing *l = &rep->listed[i];
		struct chousa_buf *tmp = &state(r)->tmp;

		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		render_esc_listing(r, chousa_esc_text, tmp, l);
		chousa_buf_adds(r->out, "  ");
		esc(r, render_feed_title(l->rec.source));
		if (l->rec.family != NULL) {
			chousa_buf_adds(r->out, ", ");
			esc(r, l->rec.family);
		}
		if (l->rec.threat != NULL) {
			chousa_buf_adds(r->out, ", ");
			esc(r, l->rec.threat);
		}
		if (l->rec.status != NULL) {
			chousa_buf_adds(r->out, ", ");
			esc(r, l->rec.status);
		}
		if (l->rec.last_seen != 0 || l->rec.first_seen != 0) {
			render_date(l->rec.last_seen ? l->rec.last_seen :
			    l->rec.first_seen, d, sizeof(d));
			chousa_buf_addf(r->out, ", %s %s", l->rec.last_seen ?
			    "last seen" : "first seen", d);
		}
		if (l->rec.reference != NULL) {
			chousa_buf_adds(r->out, "  ");
			color(r, C_DIM);
			esc_link(r, l->rec.reference);
			color(r, C_RESET);
		}
		line_end_hang(r, 6);
	}
	if (rep->n_listed_total > (uint64_t)(i))
		chousa_buf_addf(r->out, "  and %llu more%s\n",
		    (unsigned long long)(rep->n_listed_total - i),
		    i < rep->n_listed ? " (-v shows up to 100)" : "");
}

static void
samples(struct chousa_render *r, const struct chousa_report *rep)
{
	size_t i, j;

	if (rep->n_samples == 0)
		return;
	heading(r, "Samples");
	for (i = 0; i < rep->n_samples && i < SHOW_SAMPLES; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		esc_link(r, s->sha256);
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
		chousa_buf_adds(r->out, "]");
		line_end_hang(r, 6);
	}
	if (rep->n_samples > SHOW_SAMPLES)
		chousa_buf_addf(r->out, "  and %zu more\n",
		    rep->n_samples - SHOW_SAMPLES);
}

static void
family(struct chousa_render *r, const struct chousa_report *rep)
{
	const struct chousa_report_family *f = rep->family;
	size_t i, j;

	line_begin(r);
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
	chousa_buf_addf(r->out, ", confidence %d%%", f->confidence);
	line_end_hang(r, 9);
	if (f->aliases != NULL) {
		line_begin(r);
		chousa_buf_adds(r->out, "         aliases: ");
		esc(r, f->aliases);
		line_end(r);
	}
	for (i = 1; i < f->n_votes; i++) {
		line_begin(r);
		chousa_buf_adds(r->out, "         conflict: ");
		esc(r, f->votes[i].name);
		chousa_buf_adds(r->out, " according to ");
		for (j = 0; j < f->votes[i].n_sources; j++)
			chousa_buf_addf(r->out, "%s%s", j ? ", " : "",
			    render_source_title(f->votes[i].sources[j]));
		line_end(r);
	}
	for (i = 0; i < f->n_caveats; i++) {
		line_begin(r);
		chousa_buf_adds(r->out, "         caveat: ");
		esc(r, f->caveats[i]);
		line_end(r);
	}
}

/* Commands are never wrapped: they must paste whole. */
static void
next_steps(struct chousa_render *r, const struct chousa_report *rep)
{
	struct chousa_buf *tmp = &state(r)->tmp;
	size_t i;

	if (rep->n_next_steps == 0)
		return;
	heading(r, "Next steps");
	for (i = 0; i < rep->n_next_steps; i++) {
		const struct chousa_next_step *st = &rep->next_steps[i];

		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		esc(r, st->why);
		chousa_buf_adds(r->out, ":");
		line_end(r);
		chousa_buf_adds(r->out, "    ");
		render_esc_command(r, chousa_esc_text, tmp, st);
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
	chousa_buf_init(&st->line, 1 << 20);
	r->state = st;
	render_tlp_banner(r, r->opts.color ? C_BOLD : "", r->opts.color ?
	    C_RESET "\n\n" : "\n\n");
	return CHOUSA_OK;
}

static int
text_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	size_t i;

	(void)err;
	if (r->n_items > 0 || r->opts.triage)
		chousa_buf_adds(r->out, "\n");
	line_begin(r);
	color(r, C_BOLD);
	if (rep->parse_rc != CHOUSA_OK) {
		esc_link(r, rep->input);
		color(r, C_RESET);
		chousa_buf_adds(r->out, "\n  not an indicator: ");
		esc(r, rep->parse_error);
		chousa_buf_addch(r->out, '\n');
		return CHOUSA_OK;
	}
	ind(r, rep->ind.value);
	color(r, C_RESET);
	chousa_buf_addf(r->out, "  (%s", chousa_ioc_type_name(rep->ind.type));
	/* 1.2.3.4/32 or 1.2.3.4:8080 investigated as 1.2.3.4: say so. */
	if (rep->ind.flags & CHOUSA_IOC_F_ADDRESS_ONLY) {
		chousa_buf_adds(r->out, ", given as ");
		/* Input that came defanged is shown as written, as html.c. */
		if (strchr(rep->input, '[') != NULL)
			esc(r, rep->input);
		else
			ind(r, rep->input);
	}
	chousa_buf_addch(r->out, ')');
	line_end(r);
	line_begin(r);
	chousa_buf_adds(r->out, "Verdict: ");
	color(r, verdict_color(rep->verdict));
	chousa_buf_adds(r->out, chousa_verdict_name(rep->verdict));
	color(r, C_RESET);
	if (rep->verdict_reason != NULL) {
		chousa_buf_adds(r->out, ": ");
		sentence(r, rep, rep->verdict_reason);
	}
	line_end_hang(r, 9);
	family(r, rep);
	for (i = 0; i < rep->n_stages; i++)
		stage(r, rep, &rep->stages[i]);
	skipped_count(r, rep);
	listings(r, rep);
	samples(r, rep);
	if (rep->family != NULL && rep->family->description != NULL) {
		chousa_buf_addch(r->out, '\n');
		color(r, C_BOLD);
		chousa_buf_adds(r->out, "About ");
		esc(r, rep->family->name);
		color(r, C_RESET);
		chousa_buf_addch(r->out, '\n');
		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		esc(r, rep->family->description);
		line_end(r);
	}
	if (rep->n_notes > 0) {
		heading(r, "Notes");
		for (i = 0; i < rep->n_notes; i++) {
			line_begin(r);
			chousa_buf_adds(r->out, "  ");
			sentence(r, rep, rep->notes[i]);
			line_end(r);
		}
	}
	heading(r, "Conclusion");
	for (i = 0; i < rep->n_conclusion; i++) {
		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		sentence(r, rep, rep->conclusion[i]);
		line_end(r);
	}
	next_steps(r, rep);
	return CHOUSA_OK;
}

/* ---- the triage table ---- */

struct columns {
	size_t	verdict, value, family;
};

/* A row's indicator as the table writes it, into tmp (raw). */
static void
row_value(struct chousa_render *r, const struct chousa_triage_row *row,
    struct chousa_buf *tmp)
{
	chousa_buf_reset(tmp);
	if (row->value != NULL)
		render_indicator(r, tmp, row->value);
	else
		chousa_buf_adds(tmp, row->input);
	if (row->field != NULL)
		chousa_buf_addf(tmp, " (%s)", row->field);
}

static size_t
row_family(const struct chousa_triage_row *row, char *out, size_t size)
{
	out[0] = '\0';
	if (row->family != NULL)
		snprintf(out, size, "%s %d%%", row->family,
		    row->family_confidence);
	return display_width(out, strlen(out));
}

static void
pad(struct chousa_render *r, size_t have, size_t want)
{
	for (; have < want; have++)
		chousa_buf_addch(r->out, ' ');
	chousa_buf_adds(r->out, "  ");
}

static int
text_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	struct chousa_buf *tmp = &state(r)->tmp;
	struct columns c = { 7, 9, 6 };
	size_t i, w, hang, cap = COL_VALUE_MAX, width = (size_t)r->opts.width;
	char fam[96];

	(void)err;
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];
		const char *v = row->left_out ? "left out" :
		    render_verdict_word(row->verdict);

		if (strlen(v) > c.verdict)
			c.verdict = strlen(v);
		w = row_family(row, fam, sizeof(fam));
		if (w > c.family)
			c.family = w > COL_FAMILY_MAX ? COL_FAMILY_MAX : w;
	}
	/* The indicator column gives way, so the evidence keeps 24. */
	if (width > 0) {
		size_t room = width > 2 + c.verdict + 2 + c.family + 2 + 2 +
		    24 ? width - (2 + c.verdict + 2 + c.family + 2 + 2 + 24) :
		    0;

		cap = room < 20 ? 20 : room < cap ? room : cap;
	}
	for (i = 0; i < t->n_rows; i++) {
		row_value(r, &t->rows[i], tmp);
		w = display_width(tmp->data, tmp->len);
		if (w > c.value)
			c.value = w > cap ? cap : w;
	}
	line_begin(r);
	color(r, C_BOLD);
	chousa_buf_addf(r->out, "Triage of %zu input%s", t->n_rows,
	    t->n_rows == 1 ? "" : "s");
	color(r, C_RESET);
	if (!t->from_text) {
		chousa_buf_adds(r->out, ": ");
		esc(r, t->overall_text);
	}
	line_end_hang(r, 2);
	if (t->from_text) {
		line_begin(r);
		chousa_buf_adds(r->out, "Overall: ");
		color(r, verdict_color(t->overall));
		esc(r, t->overall_text);
		color(r, C_RESET);
		line_end_hang(r, 9);
	}
	chousa_buf_addch(r->out, '\n');
	line_begin(r);
	chousa_buf_adds(r->out, "  ");
	color(r, C_DIM);
	chousa_buf_adds(r->out, "VERDICT");
	pad(r, 7, c.verdict);
	chousa_buf_adds(r->out, "INDICATOR");
	pad(r, 9, c.value);
	chousa_buf_adds(r->out, "FAMILY");
	pad(r, 6, c.family);
	chousa_buf_adds(r->out, "EVIDENCE");
	color(r, C_RESET);
	line_end(r);
	hang = 2 + c.verdict + 2 + c.value + 2 + c.family + 2;
	if (width > 0 && hang + 20 > width)
		hang = 4;
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];
		const char *v = row->left_out ? "left out" :
		    render_verdict_word(row->verdict);

		line_begin(r);
		chousa_buf_adds(r->out, "  ");
		color(r, row->left_out || row->verdict < 0 ? C_DIM :
		    verdict_color(row->verdict));
		chousa_buf_adds(r->out, v);
		color(r, C_RESET);
		pad(r, strlen(v), c.verdict);
		row_value(r, row, tmp);
		w = display_width(tmp->data, tmp->len);
		chousa_esc_text(r->out, tmp->data, tmp->len);
		if (w > c.value) {
			/*
			 * A long value keeps its line whole (no wrapping can
			 * help it); the rest of the row goes under it.
			 */
			chousa_buf_addch(r->out, '\n');
			line_begin(r);
			pad(r, 0, 2 + c.verdict + 2 + c.value);
		} else
			pad(r, w, c.value);
		w = row_family(row, fam, sizeof(fam));
		esc(r, fam);
		pad(r, w, c.family);
		esc(r, row->evidence);
		line_end_hang(r, hang);
	}
	return CHOUSA_OK;
}

static int
text_end(struct chousa_render *r, struct chousa_err *err)
{
	struct text_state *st = r->state;

	(void)err;
	if (st != NULL) {
		chousa_buf_release(&st->tmp);
		chousa_buf_release(&st->line);
	}
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_text = {
	"text", "plain text for a terminal (the default)", text_begin,
	text_item, text_end, text_triage, 0
};
