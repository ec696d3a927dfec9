/*
 * html.c: the report as one self-contained HTML page, for a ticket or an
 * e-mail: inline CSS, the evidence graph as inline SVG, no script and no
 * external resource.  Everything from a feed or an API is data, never
 * markup: it goes through chousa_esc_html, and the page's own CSP forbids
 * scripts, so even a missed escape could not run code.
 */
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "investigate/render/graph.h"
#include "investigate/render/render.h"

struct html_state {
	struct chousa_buf	tmp;	/* defanging, times */
	struct chousa_buf	rows;	/* the overview, written at the end */
	const struct chousa_report *rep;	/* the report being written */
};

/* Listings a report shows. */
#define SHOW_LISTED	100

/* The overview lists at most this much; a note says when rows are left. */
#define OVERVIEW_MAX	((size_t)4 << 20)

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:0;color:#111827;background:#f9fafb;overflow-wrap:break-word}"
    "header,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}"
    "header h1{font-size:22px;margin:18px 0 2px}"
    ".meta,footer{color:#6b7280;font-size:12px}"
    "section.report{background:#fff;border:1px solid #e5e7eb;"
    "border-radius:8px;margin:16px 0;padding:4px 18px 14px}"
    "h2{font-size:18px;overflow-wrap:break-word}"
    "h3{font-size:15px;margin:16px 0 6px}"
    "code{font:12px ui-monospace,monospace;background:#f3f4f6;"
    "padding:1px 4px;border-radius:3px;overflow-wrap:break-word}"
    "a{overflow-wrap:break-word}"
    ".badge{display:inline-block;padding:2px 8px;border-radius:10px;"
    "font-size:12px;font-weight:600;text-transform:uppercase;color:#fff}"
    ".v-malicious{background:#b91c1c}.v-suspicious{background:#c2410c}"
    ".v-benign{background:#047857}.v-unknown{background:#6b7280}"
    ".conclusion{background:#fffbeb;border-left:4px solid #f59e0b;"
    "padding:6px 12px}"
    "table{border-collapse:collapse;width:100%;font-size:13px}"
    "th,td{text-align:left;vertical-align:top;border-bottom:1px solid "
    "#e5e7eb;padding:4px 6px}th{background:#f3f4f6;font-weight:600}"
    ".stage td:nth-child(2){width:24%}"
    ".st-hit{color:#b91c1c;font-weight:600}.st-miss{color:#6b7280}"
    ".st-skipped{color:#92400e}.st-error{color:#7f1d1d;font-weight:600}"
    "dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;"
    "margin:8px 0}dt{font-weight:600;color:#374151}dd{margin:0}"
    ".graph{overflow-x:auto}.graph svg{background:#fff;border:1px solid "
    "#e5e7eb;border-radius:6px}"
    ".note{color:#6b7280;font-size:12px}"
    "pre{margin:2px 0 8px;white-space:pre-wrap;overflow-wrap:break-word}"
    ".tlp{display:inline-block;margin:14px 0 0;padding:2px 10px;"
    "font-weight:700;background:#000;border-radius:4px}"
    ".tlp-clear{color:#fff}.tlp-green{color:#33ff00}"
    ".tlp-amber{color:#ffc000}.tlp-red{color:#ff2b2b}"
    ".v-left{background:#9ca3af}"
    /* The overview is written last but shown first. */
    "main{display:flex;flex-direction:column}.overview{order:-1}"
    /*
     * A table wider than the page (a hash beside a reference URL that
     * holds it) scrolls in its own box at any width, so the page is never
     * wider than the screen; a flex item may be narrower than its table.
     */
    "main>*{min-width:0}.scroll{overflow-x:auto}"
    /* On a phone the next steps' terms stack over their commands. */
    "@media (max-width:800px){dl{display:block}dd{margin:0 0 6px}}";

/* ---- small writers ---- */

static void
esc(struct chousa_buf *out, const char *s)
{
	if (s != NULL)
		chousa_esc_html(out, s, strlen(s));
}

/*
 * Untrusted free text (a reason, a sentence, a feed's string): escaped,
 * and every indicator in it defanged when the caller asked; a line may
 * break between the labels of an indicator in it, not inside one.
 */
static void
txt(struct chousa_render *r, const char *s)
{
	struct html_state *st = r->state;

	render_esc_sentence(r, chousa_esc_html_breakable, &st->tmp, st->rep,
	    s);
}

/* An indicator value, defanged when the caller asked, in <code>. */
static void
ind(struct chousa_render *r, const char *value)
{
	struct html_state *st = r->state;

	chousa_buf_adds(r->out, "<code>");
	render_esc_indicator(r, chousa_esc_html_breakable, &st->tmp, value);
	chousa_buf_adds(r->out, "</code>");
}

static void
date(struct chousa_buf *out, int64_t t)
{
	char s[16];

	render_date(t, s, sizeof(s));
	chousa_buf_adds(out, s[0] != '\0' ? s : "?");
}

/*
 * A reference link.  Only http(s) links become anchors (a javascript: or
 * data: URL from a feed stays text), and they never send a referrer.
 */
static void
ref_link(struct chousa_buf *out, const char *url)
{
	if (strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0) {
		chousa_buf_adds(out, "<a href=\"");
		esc(out, url);
		chousa_buf_adds(out, "\" rel=\"noreferrer noopener\">");
		esc(out, url);
		chousa_buf_adds(out, "</a>");
	} else {
		chousa_buf_adds(out, "<code>");
		esc(out, url);
		chousa_buf_adds(out, "</code>");
	}
}

static void
list(struct chousa_render *r, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			chousa_buf_adds(r->out, ", ");
		txt(r, v[i]);
	}
}

/*
 * A family's aliases, comma-separated as the catalogue keeps them
 * ("Geodo,Heodo"), said with a space after each comma so they read and
 * wrap as a list.
 */
static void
aliases(struct chousa_render *r, const char *s)
{
	struct html_state *st = r->state;
	struct chousa_buf b;
	const char *p;

	chousa_buf_init(&b, 1 << 16);
	for (p = s; *p != '\0'; p++) {
		chousa_buf_addch(&b, *p);
		if (*p == ',' && p[1] != ' ' && p[1] != '\0')
			chousa_buf_addch(&b, ' ');
	}
	render_esc_sentence(r, chousa_esc_html, &st->tmp, st->rep,
	    b.data != NULL ? b.data : "");
	chousa_buf_release(&b);
}

/* ---- sections ---- */

static void
summary(struct chousa_render *r, const struct chousa_report *rep)
{
	struct chousa_buf *out = r->out;
	const struct chousa_report_family *f = rep->family;
	size_t i;

	chousa_buf_adds(out, "<dl class=\"summary\"><dt>Verdict</dt><dd>");
	esc(out, chousa_verdict_name(rep->verdict));
	if (rep->verdict_reason != NULL) {
		chousa_buf_adds(out, ": ");
		txt(r, rep->verdict_reason);
	}
	chousa_buf_adds(out, "</dd>");
	if (rep->matched != NULL && rep->match > CHOUSA_MATCH_EXACT) {
		chousa_buf_adds(out, "<dt>Matched</dt><dd>");
		ind(r, rep->matched);
		chousa_buf_adds(out, " (");
		esc(out, chousa_match_name(rep->match));
		chousa_buf_adds(out, ")</dd>");
	}
	if (f != NULL) {
		chousa_buf_adds(out, "<dt>Family</dt><dd><strong>");
		esc(out, f->name != NULL ? f->name : f->id);
		chousa_buf_adds(out, "</strong>");
		if (f->id != NULL && f->name != NULL &&
		    strcmp(f->id, f->name) != 0) {
			chousa_buf_adds(out, " <code>");
			esc(out, f->id);
			chousa_buf_adds(out, "</code>");
		}
		chousa_buf_addf(out, ", confidence %d%%", f->confidence);
		if (!f->known)
			chousa_buf_adds(out,
			    " (not in the Malpedia catalogue)");
		chousa_buf_adds(out, "</dd>");
		if (f->aliases != NULL && f->aliases[0] != '\0') {
			chousa_buf_adds(out, "<dt>Aliases</dt><dd>");
			aliases(r, f->aliases);
			chousa_buf_adds(out, "</dd>");
		}
		if (f->n_votes > 1) {
			chousa_buf_adds(out, "<dt>Conflict</dt><dd><ul>");
			for (i = 0; i < f->n_votes; i++) {
				const struct chousa_family_vote *v =
				    &f->votes[i];

				chousa_buf_adds(out, "<li>");
				esc(out, v->name != NULL ? v->name : v->id);
				chousa_buf_addf(out, " (weight %.1f: ",
				    v->weight);
				list(r, v->sources, v->n_sources);
				chousa_buf_adds(out, ")</li>");
			}
			chousa_buf_adds(out, "</ul></dd>");
		}
		for (i = 0; i < f->n_caveats; i++) {
			chousa_buf_adds(out, "<dt>Caveat</dt><dd>");
			txt(r, f->caveats[i]);
			chousa_buf_adds(out, "</dd>");
		}
	} else
		chousa_buf_adds(out, "<dt>Family</dt><dd>none identified</dd>");
	if (rep->at.at != 0 && rep->at.text != NULL) {
		chousa_buf_adds(out, "<dt>At the time</dt><dd>");
		txt(r, rep->at.text);
		chousa_buf_adds(out, "</dd>");
	}
	for (i = 0; i < rep->n_benign; i++) {
		chousa_buf_adds(out, "<dt>Known benign</dt><dd>");
		txt(r, rep->benign[i].list);
		chousa_buf_adds(out, " (");
		txt(r, rep->benign[i].kind);
		chousa_buf_adds(out, "): ");
		txt(r, rep->benign[i].entry);
		chousa_buf_adds(out, "</dd>");
	}
	chousa_buf_addf(out, "<dt>Look-ups</dt><dd>%d: %d hit, %d miss, "
	    "%d skipped, %d error</dd></dl>\n", rep->lookups, rep->n_hits,
	    rep->n_misses, rep->n_skipped, rep->n_errors);
}

static void
finding_detail(struct chousa_render *r, const struct chousa_finding *f)
{
	struct chousa_buf *out = r->out;
	const char *sep = "";

	if (f->status == CHOUSA_ST_SKIPPED || f->status == CHOUSA_ST_ERROR) {
		txt(r, f->reason);
		return;
	}
	if (f->n_engines > 0) {
		chousa_buf_addf(out, "%d/%d engines", f->n_detect,
		    f->n_engines);
		sep = "; ";
	}
	if (f->n_labels > 0) {
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "labels ");
		list(r, f->labels, f->n_labels);
		sep = "; ";
	}
	if (f->family != NULL) {
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "family ");
		esc(out, f->family);
		sep = "; ";
	}
	if (f->matched != NULL && f->match > CHOUSA_MATCH_EXACT) {
		chousa_buf_adds(out, sep);
		esc(out, chousa_match_name(f->match));
		chousa_buf_adds(out, " match ");
		ind(r, f->matched);
		sep = "; ";
	}
	if (f->threat != NULL) {
		chousa_buf_adds(out, sep);
		txt(r, f->threat);
		sep = "; ";
	}
	if (f->online != NULL) {
		chousa_buf_adds(out, sep);
		txt(r, f->online);
		sep = "; ";
	}
	if (f->first_seen != 0 || f->last_seen != 0) {
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "seen ");
		date(out, f->first_seen);
		chousa_buf_adds(out, " to ");
		date(out, f->last_seen);
		sep = "; ";
	}
	if (f->file_name != NULL || f->file_type != NULL) {
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "file ");
		txt(r, f->file_name);
		if (f->file_type != NULL) {
			chousa_buf_adds(out, " (");
			txt(r, f->file_type);
			chousa_buf_adds(out, ")");
		}
		sep = "; ";
	}
	if (f->n_related > 0) {
		chousa_buf_adds(out, sep);
		chousa_buf_addf(out, "%zu related", f->n_related);
		sep = "; ";
	}
	if (f->detail != NULL) {
		chousa_buf_adds(out, sep);
		txt(r, f->detail);
		sep = "; ";
	}
	if (f->stale) {
		/* Old data: its "not listed" is no evidence either. */
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "<strong>stale data</strong>");
		if (f->data_at != 0) {
			chousa_buf_adds(out, ", updated ");
			date(out, f->data_at);
		}
		sep = "; ";
	}
	if (f->from_cache) {
		chousa_buf_adds(out, sep);
		chousa_buf_adds(out, "cached ");
		date(out, f->cached_at);
		sep = "; ";
	}
	if (f->reference != NULL) {
		chousa_buf_adds(out, sep);
		ref_link(out, f->reference);
	}
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * Skipped look-ups as one line per reason ("skipped (offline): URLhaus,
 * VirusTotal"): never shown as clean, but not a wall of rows either.
 */
static void
skipped(struct chousa_render *r, const struct chousa_report_stage *s)
{
	struct chousa_buf *out = r->out;
	size_t i, j, k;

	for (i = 0; i < s->n_findings; i++) {
		const struct chousa_finding *f = &s->findings[i];

		if (f->status != CHOUSA_ST_SKIPPED)
			continue;
		for (j = 0; j < i; j++)
			if (s->findings[j].status == CHOUSA_ST_SKIPPED &&
			    same_str(s->findings[j].reason, f->reason))
				break;
		if (j < i)
			continue;	/* this reason was written already */
		chousa_buf_adds(out, "<p class=\"note st-skipped\">Skipped (");
		txt(r, f->reason != NULL ? f->reason : "no reason given");
		chousa_buf_adds(out, "): ");
		for (j = i; j < s->n_findings; j++) {
			const struct chousa_finding *g = &s->findings[j];

			if (g->status != CHOUSA_ST_SKIPPED ||
			    !same_str(g->reason, f->reason))
				continue;
			for (k = i; k < j; k++)
				if (s->findings[k].status ==
				    CHOUSA_ST_SKIPPED &&
				    same_str(s->findings[k].reason,
				    f->reason) &&
				    same_str(s->findings[k].source, g->source))
					break;
			if (k < j)
				continue;	/* source named already */
			if (j > i)
				chousa_buf_adds(out, ", ");
			esc(out, render_source_title(g->source));
		}
		chousa_buf_adds(out, ".</p>\n");
	}
}

/* Without -v, the sources that found nothing, as one line. */
/* The misses of a stage in one line; stale ones (no evidence) apart. */
static void
missed_line(struct chousa_render *r, const struct chousa_report_stage *s,
    int stale)
{
	const char *seen[64];
	size_t n = 0, i, k;

	for (i = 0; i < s->n_findings; i++) {
		const char *t = render_source_title(s->findings[i].source);

		if (s->findings[i].status != CHOUSA_ST_MISS ||
		    !s->findings[i].stale != !stale)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(seen[k], t) == 0)
				break;
		if (k == n && n < 64)
			seen[n++] = t;
	}
	if (n == 0)
		return;
	chousa_buf_adds(r->out, "<p class=\"note st-miss\">Not listed by ");
	list(r, seen, n);
	chousa_buf_adds(r->out, stale ? " (<strong>stale data</strong>: "
	    "not listed is no evidence).</p>\n" : ".</p>\n");
}

static void
missed(struct chousa_render *r, const struct chousa_report_stage *s)
{
	missed_line(r, s, 0);
	missed_line(r, s, 1);
}

static void
stage(struct chousa_render *r, const struct chousa_report_stage *s,
    size_t number)
{
	struct chousa_buf *out = r->out;
	size_t i;

	chousa_buf_addf(out, "<section class=\"stage\"><h3>%zu. ", number);
	if (s->name != NULL && s->name[0] >= 'a' && s->name[0] <= 'z') {
		chousa_buf_addch(out, s->name[0] - 'a' + 'A');
		esc(out, s->name + 1);
	} else
		esc(out, s->name);
	chousa_buf_adds(out, "</h3>\n");
	if (s->n_findings == 0) {
		chousa_buf_adds(out, "<p class=\"note\">No look-ups in this "
		    "stage.</p></section>\n");
		return;
	}
	chousa_buf_adds(out, "<div class=\"scroll\"><table><thead><tr><th>"
	    "Source</th><th>Subject</th><th>Status</th><th>Verdict</th><th>"
	    "Evidence</th></tr></thead><tbody>\n");
	for (i = 0; i < s->n_findings; i++) {
		const struct chousa_finding *f = &s->findings[i];
		const char *st = chousa_status_name(f->status);

		if (f->status == CHOUSA_ST_SKIPPED || (f->status ==
		    CHOUSA_ST_MISS && !r->opts.verbose))
			continue;	/* summed up under the table */
		chousa_buf_adds(out, "<tr><td>");
		esc(out, render_source_title(f->source));
		chousa_buf_adds(out, "</td><td>");
		if (f->subject != NULL && f->subject_type == 0) {
			/* A family id or a name, not an indicator. */
			chousa_buf_adds(out, "<code>");
			esc(out, f->subject);
			chousa_buf_adds(out, "</code>");
		} else if (f->subject != NULL)
			ind(r, f->subject);
		chousa_buf_adds(out, "</td><td class=\"st-");
		esc(out, st);
		chousa_buf_adds(out, "\">");
		esc(out, st);
		chousa_buf_adds(out, "</td><td>");
		if (f->status == CHOUSA_ST_HIT)
			esc(out, chousa_verdict_name(f->verdict));
		chousa_buf_adds(out, "</td><td>");
		finding_detail(r, f);
		chousa_buf_adds(out, "</td></tr>\n");
	}
	chousa_buf_adds(out, "</tbody></table></div>\n");
	if (!r->opts.verbose)
		missed(r, s);
	skipped(r, s);
	chousa_buf_adds(out, "</section>\n");
}

static void
samples(struct chousa_render *r, const struct chousa_report *rep)
{
	struct chousa_buf *out = r->out;
	size_t i;

	if (rep->n_samples == 0)
		return;
	chousa_buf_adds(out, "<section class=\"samples\"><h3>Samples</h3>"
	    "<div class=\"scroll\"><table><thead><tr><th>SHA-256</th><th>"
	    "Family</th><th>Relation</th><th>File</th><th>First seen</th><th>"
	    "Sources</th></tr></thead><tbody>\n");
	for (i = 0; i < rep->n_samples; i++) {
		const struct chousa_report_sample *s = &rep->samples[i];

		chousa_buf_adds(out, "<tr><td><code>");
		esc(out, s->sha256);
		chousa_buf_adds(out, "</code></td><td>");
		esc(out, s->family);
		chousa_buf_adds(out, "</td><td>");
		esc(out, chousa_rel_name(s->rel));
		if (s->via != NULL) {
			chousa_buf_adds(out, " ");
			ind(r, s->via);
		}
		chousa_buf_adds(out, "</td><td>");
		txt(r, s->file_name);
		if (s->file_type != NULL) {
			chousa_buf_adds(out, " (");
			txt(r, s->file_type);
			chousa_buf_adds(out, ")");
		}
		chousa_buf_adds(out, "</td><td>");
		if (s->first_seen != 0)
			date(out, s->first_seen);
		chousa_buf_adds(out, "</td><td>");
		list(r, s->sources, s->n_sources);
		chousa_buf_adds(out, "</td></tr>\n");
	}
	chousa_buf_adds(out, "</tbody></table></div></section>\n");
}

static void
listings(struct chousa_render *r, const struct chousa_report *rep)
{
	struct html_state *st = r->state;
	struct chousa_buf *out = r->out;
	size_t i;

	if (!render_listings_worth(rep))
		return;
	chousa_buf_addf(out, "<section class=\"listed\"><h3>Listed %s ",
	    rep->ind.type == CHOUSA_IOC_CIDR ? "inside" : "on");
	ind(r, rep->listed_on);
	chousa_buf_addf(out, "</h3><p class=\"note\">%llu record%s",
	    (unsigned long long)rep->n_listed_total,
	    rep->n_listed_total == 1 ? "" : "s");
	if (rep->n_listed_total > rep->n_listed || rep->n_listed >
	    SHOW_LISTED)
		chousa_buf_addf(out, ", the %zu most recently seen below",
		    rep->n_listed < SHOW_LISTED ? rep->n_listed :
		    (size_t)SHOW_LISTED);
	chousa_buf_adds(out, ".</p><div class=\"scroll\"><table><thead><tr>"
	    "<th>Indicator</th><th>Source</th><th>Family</th><th>Threat</th>"
	    "<th>Status</th><th>Seen</th><th>Reference</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; i < rep->n_listed && i < SHOW_LISTED; i++) {
		const struct chousa_listing *l = &rep->listed[i];

		chousa_buf_adds(out, "<tr><td><code>");
		render_esc_listing(r, chousa_esc_html, &st->tmp, l);
		chousa_buf_adds(out, "</code></td><td>");
		esc(out, render_feed_title(l->rec.source));
		chousa_buf_adds(out, "</td><td>");
		txt(r, l->rec.family);
		chousa_buf_adds(out, "</td><td>");
		txt(r, l->rec.threat);
		chousa_buf_adds(out, "</td><td>");
		txt(r, l->rec.status);
		chousa_buf_adds(out, "</td><td>");
		if (l->rec.first_seen != 0 || l->rec.last_seen != 0) {
			date(out, l->rec.first_seen);
			chousa_buf_adds(out, " to ");
			date(out, l->rec.last_seen);
		}
		chousa_buf_adds(out, "</td><td>");
		if (l->rec.reference != NULL)
			ref_link(out, l->rec.reference);
		chousa_buf_adds(out, "</td></tr>\n");
	}
	chousa_buf_adds(out, "</tbody></table></div></section>\n");
}

static void
next_steps(struct chousa_render *r, const struct chousa_report *rep)
{
	struct html_state *st = r->state;
	struct chousa_buf *out = r->out;
	size_t i;

	if (rep->n_next_steps == 0)
		return;
	chousa_buf_adds(out, "<section class=\"next\"><h3>Next steps</h3>"
	    "<dl>");
	for (i = 0; i < rep->n_next_steps; i++) {
		chousa_buf_adds(out, "<dt>");
		txt(r, rep->next_steps[i].why);
		chousa_buf_adds(out, "</dt><dd><pre><code>");
		render_esc_command(r, chousa_esc_html, &st->tmp,
		    &rep->next_steps[i]);
		chousa_buf_adds(out, "</code></pre></dd>");
	}
	chousa_buf_adds(out, "</dl></section>\n");
}

static void
family_notes(struct chousa_render *r, const struct chousa_report *rep)
{
	const struct chousa_report_family *f = rep->family;
	struct chousa_buf *out = r->out;
	const char *p, *nl;
	size_t n;

	if (f == NULL || (f->description == NULL && f->refs == NULL))
		return;
	chousa_buf_adds(out, "<section class=\"family\"><h3>About ");
	esc(out, f->name != NULL ? f->name : f->id);
	chousa_buf_adds(out, "</h3>");
	if (f->description != NULL) {
		chousa_buf_adds(out, "<p>");
		txt(r, f->description);
		chousa_buf_adds(out, "</p>");
	}
	if (f->refs != NULL) {
		chousa_buf_adds(out, "<ul class=\"refs\">");
		/* At most 20 references: the rest are in Malpedia. */
		for (p = f->refs, n = 0; *p != '\0' && n < 20; n++) {
			struct html_state *st = r->state;

			nl = strchr(p, '\n');
			chousa_buf_reset(&st->tmp);
			chousa_buf_add(&st->tmp, p,
			    nl != NULL ? (size_t)(nl - p) : strlen(p));
			if (st->tmp.len > 0) {
				chousa_buf_adds(out, "<li>");
				ref_link(out, st->tmp.data);
				chousa_buf_adds(out, "</li>");
			}
			if (nl == NULL)
				break;
			p = nl + 1;
		}
		chousa_buf_adds(out, "</ul>");
	}
	chousa_buf_adds(out, "</section>\n");
}

/* ---- the renderer ---- */

static int
html_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct html_state *st;
	char when[32];

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->tmp, 1 << 20);
	chousa_buf_init(&st->rows, OVERVIEW_MAX);
	r->state = st;
	chousa_time_format(chousa_stamp_time(r->opts.now), when, sizeof(when));
	chousa_buf_adds(r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-"
	    "Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'"
	    "\">\n<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>chousa investigation report</title>"
	    "\n<style>");
	chousa_buf_adds(r->out, style);
	chousa_buf_adds(r->out, "</style></head>\n<body><header>");
	if (r->opts.tlp != NULL) {
		char label[32];

		render_tlp_label(r->opts.tlp, label, sizeof(label));
		chousa_buf_addf(r->out, "<p class=\"tlp tlp-%s\">%s</p>",
		    strcmp(r->opts.tlp, "amber+strict") == 0 ? "amber" :
		    r->opts.tlp, label);
	}
	chousa_buf_addf(r->out, "<h1>chousa investigation report</h1><p "
	    "class=\"meta\">Written %s by chousa %s.%s</p></header>\n"
	    "<main>\n", when, CHOUSA_VERSION, r->opts.defang ? " Indicators "
	    "are defanged." : "");
	return CHOUSA_OK;
}

/* One line of the overview: a link to the section, verdict, family. */
static void
overview_row(struct chousa_render *r, const struct chousa_report *rep)
{
	struct html_state *st = r->state;
	struct chousa_buf *o = &st->rows;
	const char *v = rep->parse_rc == CHOUSA_OK ?
	    chousa_verdict_name(rep->verdict) : "unknown";

	chousa_buf_addf(o, "<tr><td><a href=\"#report-%zu\">%zu</a></td>"
	    "<td><span class=\"badge v-%s\">%s</span></td><td><code>",
	    r->n_items + 1, r->n_items + 1, v,
	    rep->parse_rc == CHOUSA_OK ? v : "not an indicator");
	chousa_buf_reset(&st->tmp);
	if (rep->parse_rc == CHOUSA_OK)
		render_indicator(r, &st->tmp, rep->ind.value);
	else
		chousa_buf_adds(&st->tmp, rep->input != NULL ? rep->input : "");
	chousa_esc_html_breakable(o, st->tmp.data, st->tmp.len);
	chousa_buf_adds(o, "</code></td><td>");
	if (rep->family != NULL) {
		esc(o, rep->family->name != NULL ? rep->family->name :
		    rep->family->id);
		chousa_buf_addf(o, " (%d%%)", rep->family->confidence);
	}
	chousa_buf_adds(o, "</td></tr>\n");
}

static int
html_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct html_state *st = r->state;
	struct chousa_buf *out = r->out;
	struct chousa_arena *a = NULL;
	struct graph g;
	size_t i;
	int rc;

	if (!r->opts.triage)
		overview_row(r, rep);
	st->rep = rep;
	chousa_buf_addf(out, "<section class=\"report\" id=\"report-%zu\">"
	    "<h2>", r->n_items + 1);
	if (rep->parse_rc != CHOUSA_OK) {
		chousa_buf_adds(out, "<span class=\"badge v-unknown\">not an "
		    "indicator</span> <code>");
		txt(r, rep->input);
		chousa_buf_adds(out, "</code></h2><p>");
		txt(r, rep->parse_error);
		chousa_buf_adds(out, "</p></section>\n");
		st->rep = NULL;
		return CHOUSA_OK;
	}
	chousa_buf_adds(out, "<span class=\"badge v-");
	esc(out, chousa_verdict_name(rep->verdict));
	chousa_buf_adds(out, "\">");
	esc(out, chousa_verdict_name(rep->verdict));
	chousa_buf_adds(out, "</span> ");
	ind(r, rep->ind.value);
	chousa_buf_adds(out, " <small>");
	esc(out, chousa_ioc_type_name(rep->ind.type));
	chousa_buf_adds(out, "</small></h2>\n");
	if (rep->input != NULL && rep->ind.value != NULL &&
	    strcmp(rep->input, rep->ind.value) != 0) {
		chousa_buf_adds(out, "<p class=\"note\">As given: ");
		/* Input that came defanged is shown as written. */
		if (strchr(rep->input, '[') != NULL ||
		    strstr(rep->input, "hxxp") != NULL) {
			chousa_buf_adds(out, "<code>");
			esc(out, rep->input);
			chousa_buf_adds(out, "</code>");
		} else
			ind(r, rep->input);
		chousa_buf_adds(out, "</p>\n");
	}
	chousa_buf_adds(out, "<section class=\"conclusion\"><h3>Conclusion"
	    "</h3><p>");
	for (i = 0; i < rep->n_conclusion; i++) {
		if (i > 0)
			chousa_buf_addch(out, ' ');
		txt(r, rep->conclusion[i]);
	}
	if (rep->n_conclusion == 0)
		chousa_buf_adds(out, "No conclusion.");
	chousa_buf_adds(out, "</p></section>\n");
	summary(r, rep);

	rc = chousa_arena_new(&a, 0, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = graph_build(&g, a, rep, err);
	if (rc != CHOUSA_OK)
		goto out;
	chousa_buf_adds(out, "<section class=\"graph\"><h3>Evidence graph"
	    "</h3>\n");
	graph_svg(&g, out, r->opts.defang, r->n_items + 1);
	if (g.n_skipped_nodes > 0 || g.n_skipped_edges > 0)
		chousa_buf_addf(out, "<p class=\"note\">%zu edges not drawn "
		    "(the graph shows at most %d nodes and %d edges).</p>",
		    g.n_skipped_edges, GRAPH_MAX_NODES, GRAPH_MAX_EDGES);
	chousa_buf_adds(out, "</section>\n");

	for (i = 0; i < rep->n_stages && i < 3; i++)
		stage(r, &rep->stages[i], i + 1);
	listings(r, rep);
	samples(r, rep);
	family_notes(r, rep);
	if (rep->n_notes > 0) {
		chousa_buf_adds(out, "<section class=\"notes\"><h3>Notes</h3>"
		    "<ul>");
		for (i = 0; i < rep->n_notes; i++) {
			chousa_buf_adds(out, "<li>");
			txt(r, rep->notes[i]);
			chousa_buf_adds(out, "</li>");
		}
		chousa_buf_adds(out, "</ul></section>\n");
	}
	next_steps(r, rep);
	chousa_buf_adds(out, "</section>\n");
out:
	st->rep = NULL;
	chousa_arena_free(a);
	return rc;
}

/* The triage table, before the reports (the CLI orders it so). */
static int
html_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	struct html_state *st = r->state;
	struct chousa_buf *out = r->out;
	size_t i;

	(void)err;
	chousa_buf_addf(out, "<section class=\"triage\"><h2>Triage of %zu "
	    "input%s</h2><p>", t->n_rows, t->n_rows == 1 ? "" : "s");
	if (t->from_text)
		chousa_buf_adds(out, "<strong>Overall:</strong> ");
	txt(r, t->overall_text);
	chousa_buf_adds(out, "</p><div class=\"scroll\"><table><thead><tr>"
	    "<th>Verdict</th><th>Indicator</th><th>Family</th>"
	    "<th>Confidence</th><th>Evidence</th></tr></thead><tbody>\n");
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];
		const char *v = row->left_out ? "left" : row->verdict < 0 ?
		    "unknown" : chousa_verdict_name(row->verdict);

		chousa_buf_addf(out, "<tr><td><span class=\"badge v-%s\">%s"
		    "</span></td><td>", v, row->left_out ? "left out" :
		    render_verdict_word(row->verdict));
		if (!row->left_out)
			chousa_buf_addf(out, "<a href=\"#report-%zu\">",
			    row->report);
		chousa_buf_adds(out, "<code>");
		chousa_buf_reset(&st->tmp);
		if (row->value != NULL)
			render_indicator(r, &st->tmp, row->value);
		else
			chousa_buf_adds(&st->tmp, row->input);
		chousa_esc_html_breakable(out, st->tmp.data, st->tmp.len);
		chousa_buf_adds(out, "</code>");
		if (!row->left_out)
			chousa_buf_adds(out, "</a>");
		if (row->field != NULL) {
			chousa_buf_adds(out, " <small>");
			esc(out, row->field);
			chousa_buf_adds(out, "</small>");
		}
		chousa_buf_adds(out, "</td><td>");
		txt(r, row->family);
		chousa_buf_adds(out, "</td><td>");
		if (row->family != NULL)
			chousa_buf_addf(out, "%d%%", row->family_confidence);
		chousa_buf_adds(out, "</td><td>");
		txt(r, row->evidence);
		chousa_buf_adds(out, "</td></tr>\n");
	}
	chousa_buf_adds(out, "</tbody></table></div></section>\n");
	return CHOUSA_OK;
}

static int
html_end(struct chousa_render *r, struct chousa_err *err)
{
	struct html_state *st = r->state;

	(void)err;
	if (st != NULL && r->n_items > 1 && !r->opts.triage) {
		chousa_buf_adds(r->out, "<section class=\"overview\"><h2>"
		    "Overview</h2><div class=\"scroll\"><table><thead><tr>"
		    "<th>#</th><th>Verdict</th><th>Indicator</th>"
		    "<th>Family</th></tr></thead><tbody>\n");
		chousa_buf_add(r->out, st->rows.data, st->rows.len);
		chousa_buf_adds(r->out, "</tbody></table></div>");
		if (st->rows.failed != CHOUSA_OK)
			chousa_buf_adds(r->out, "<p class=\"note\">The "
			    "overview is cut short; every report is below."
			    "</p>");
		chousa_buf_adds(r->out, "</section>\n");
	}
	chousa_buf_addf(r->out, "</main>\n<footer><p>%zu indicator%s "
	    "investigated. Strings from feeds and APIs are shown as data.</p>"
	    "</footer>\n</body></html>\n", r->n_items,
	    r->n_items == 1 ? "" : "s");
	if (st != NULL) {
		chousa_buf_release(&st->tmp);
		chousa_buf_release(&st->rows);
	}
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_html = {
	"html", "one self-contained HTML page with the evidence graph",
	html_begin, html_item, html_end, html_triage, 0
};
