/*
 * sweep.c: the documents of a log sweep: one hit as a text, CSV or JSON
 * line, the summary (counts on stderr, or the last JSON line), and the
 * conclusion of each indicator investigated after the sweep.  Hits are
 * rare next to lines read, so these favour one shape over speed.
 */
#include <string.h>

#include "chousa.h"

/* ---- one hit ---- */

/* The time as the log has it when it could not be read. */
static void
hit_time(struct chousa_buf *b, const struct chousa_hit *h, int csv)
{
	char t[32];

	if (h->time != 0) {
		chousa_time_format(h->time, t, sizeof(t));
		chousa_buf_adds(b, t);
	} else if (csv || h->time_text.len > 0)
		chousa_esc_text(b, h->time_text.p, h->time_text.len);
	else
		chousa_buf_addch(b, '-');
}

/* A text field: escaped, "-" when empty, tabs made spaces. */
static void
text_field(struct chousa_buf *b, const char *s, size_t len)
{
	size_t start = b->len, i;

	if (len == 0) {
		chousa_buf_addch(b, '-');
		return;
	}
	chousa_esc_text(b, s, len);
	for (i = start; i < b->len; i++)
		if (b->data[i] == '\t')
			b->data[i] = ' ';
}

void
chousa_sweep_hit_text(struct chousa_buf *b, const struct chousa_hit *h,
    int color)
{
	int has_family = h->family[0] != '\0';

	hit_time(b, h, 0);
	chousa_buf_addch(b, '\t');
	text_field(b, h->file, strlen(h->file));
	chousa_buf_addf(b, ":%llu\t", (unsigned long long)h->line);
	text_field(b, h->src.p, h->src.len);
	chousa_buf_addch(b, '\t');
	text_field(b, h->dst.p, h->dst.len);
	chousa_buf_addch(b, '\t');
	/* On a terminal the listed indicator and its family stand out. */
	if (color)
		chousa_buf_adds(b, "\033[1;31m");
	text_field(b, h->indicator, strlen(h->indicator));
	if (color)
		chousa_buf_adds(b, "\033[0m");
	chousa_buf_addf(b, "\t%s\t", chousa_sweep_match_name(h->match));
	text_field(b, h->sources, strlen(h->sources));
	chousa_buf_addch(b, '\t');
	if (color && has_family)
		chousa_buf_adds(b, "\033[1m");
	text_field(b, h->family, strlen(h->family));
	if (color && has_family)
		chousa_buf_adds(b, "\033[0m");
	chousa_buf_addch(b, '\n');
}

void
chousa_sweep_csv_header(struct chousa_buf *b)
{
	chousa_buf_adds(b, "time,file,line,src,dst,indicator,type,match,"
	    "sources,family\n");
}

void
chousa_sweep_hit_csv(struct chousa_buf *b, const struct chousa_hit *h,
    int color)
{
	struct chousa_buf t;

	(void)color;
	chousa_buf_init(&t, 0);
	hit_time(&t, h, 1);
	chousa_esc_csv(b, t.data, t.len);
	chousa_buf_release(&t);
	chousa_buf_addch(b, ',');
	chousa_esc_csv(b, h->file, strlen(h->file));
	chousa_buf_addf(b, ",%llu,", (unsigned long long)h->line);
	chousa_esc_csv(b, h->src.p, h->src.len);
	chousa_buf_addch(b, ',');
	chousa_esc_csv(b, h->dst.p, h->dst.len);
	chousa_buf_addch(b, ',');
	chousa_esc_csv(b, h->indicator, strlen(h->indicator));
	chousa_buf_addf(b, ",%s,%s,", chousa_ioc_type_name(h->type),
	    chousa_sweep_match_name(h->match));
	chousa_esc_csv(b, h->sources, strlen(h->sources));
	chousa_buf_addch(b, ',');
	chousa_esc_csv(b, h->family, strlen(h->family));
	chousa_buf_addch(b, '\n');
}

void
chousa_sweep_hit_json(struct chousa_buf *b, const struct chousa_hit *h,
    int color)
{
	struct chousa_jw w;
	char t[32];

	(void)color;
	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "time");
	if (h->time != 0) {
		chousa_time_format(h->time, t, sizeof(t));
		chousa_jw_str(&w, t);
	} else
		chousa_jw_strn_or_null(&w, h->time_text.p, h->time_text.len);
	chousa_jw_kstr(&w, "file", h->file);
	chousa_jw_kuint(&w, "line", h->line);
	chousa_jw_key(&w, "src");
	chousa_jw_strn_or_null(&w, h->src.p, h->src.len);
	chousa_jw_key(&w, "dst");
	chousa_jw_strn_or_null(&w, h->dst.p, h->dst.len);
	chousa_jw_kstr(&w, "indicator", h->indicator);
	chousa_jw_kstr(&w, "type", chousa_ioc_type_name(h->type));
	chousa_jw_kstr(&w, "match", chousa_sweep_match_name(h->match));
	chousa_jw_key(&w, "observed");
	chousa_jw_strn_or_null(&w, h->observed.p, h->observed.len);
	chousa_jw_key(&w, "sources");
	chousa_jw_list(&w, h->sources, ',');
	chousa_jw_key(&w, "family");
	chousa_jw_strn_or_null(&w, h->family, strlen(h->family));
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

/* ---- the summary ---- */

int
chousa_sweep_exit_status(const struct chousa_sweep_summary *s)
{
	if (s->unreadable > 0)
		return CHOUSA_EXIT_BADINPUT;
	if (s->hits > 0)
		return CHOUSA_EXIT_FOUND;
	return s->incomplete > 0 ? CHOUSA_EXIT_BADINPUT : CHOUSA_EXIT_CLEAN;
}

void
chousa_sweep_summary_json(struct chousa_buf *b,
    const struct chousa_sweep_summary *s)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "summary");
	chousa_jw_object(&w);
	chousa_jw_kuint(&w, "files", s->files);
	chousa_jw_kuint(&w, "unreadable", s->unreadable);
	chousa_jw_kuint(&w, "incomplete", s->incomplete);
	chousa_jw_kuint(&w, "lines", s->lines);
	chousa_jw_kuint(&w, "bytes", s->bytes);
	chousa_jw_kuint(&w, "malformed", s->malformed);
	chousa_jw_kuint(&w, "hits", s->hits);
	chousa_jw_kuint(&w, "benign_suppressed", s->benign_suppressed);
	chousa_jw_kuint(&w, "shared_suppressed", s->shared_suppressed);
	chousa_jw_kuint(&w, "resolver_suppressed", s->resolver_suppressed);
	/* Without --as-of-log-time nothing is judged by time: null. */
	chousa_jw_kint_if(&w, "time_suppressed", (int64_t)s->time_suppressed,
	    s->as_of_log_time);
	chousa_jw_key(&w, "seconds");
	chousa_jw_double(&w, s->seconds, 3);
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

void
chousa_sweep_summary_text(struct chousa_buf *b,
    const struct chousa_sweep_summary *s)
{
	double mb = (double)s->bytes / 1e6;

	/* What was left out is said every time, not only with -v. */
	chousa_buf_addf(b, "chousa: sweep: %llu hit%s, %llu suppressed by "
	    "known-benign lists", (unsigned long long)s->hits,
	    s->hits == 1 ? "" : "s", (unsigned long long)s->benign_suppressed);
	if (s->benign_suppressed > 0) {
		/* Name chousa's own lists: no `chousa update` loaded them. */
		chousa_buf_adds(b, " (");
		if (s->resolver_suppressed > 0)
			chousa_buf_addf(b, "%llu by chousa's public resolvers; ",
			    (unsigned long long)s->resolver_suppressed);
		if (s->shared_suppressed > 0)
			chousa_buf_addf(b, "%llu by chousa's shared platforms; ",
			    (unsigned long long)s->shared_suppressed);
		chousa_buf_adds(b, "--no-benign-filter shows them)");
	}
	if (s->as_of_log_time)
		chousa_buf_addf(b, ", %llu outside the time window",
		    (unsigned long long)s->time_suppressed);
	if (s->incomplete > 0)
		chousa_buf_addf(b, "; %llu file%s read only in part",
		    (unsigned long long)s->incomplete,
		    s->incomplete == 1 ? "" : "s");
	chousa_buf_addf(b, "; %llu lines, %.1f MB in %.3f s (%.0f MB/s)\n",
	    (unsigned long long)s->lines, mb, s->seconds,
	    s->seconds > 0 ? mb / s->seconds : 0.0);
}

void
chousa_sweep_counts_text(struct chousa_buf *b, const char *label,
    const struct chousa_count *c, size_t n, size_t n_all)
{
	size_t i;

	chousa_buf_addf(b, "%s:\n", label);
	for (i = 0; i < n; i++) {
		chousa_buf_addf(b, "  %8llu  ", (unsigned long long)c[i].n);
		if (c[i].name[0] != '\0')
			chousa_esc_text(b, c[i].name, strlen(c[i].name));
		else
			chousa_buf_addch(b, '-');
		chousa_buf_addch(b, '\n');
	}
	if (n_all > n)
		chousa_buf_addf(b, "  ... and %zu more\n", n_all - n);
}

/* ---- what the investigation of each indicator hit concluded ---- */

void
chousa_sweep_investigation_json(struct chousa_buf *b,
    const struct chousa_report *r, uint64_t hits)
{
	struct chousa_jw w;
	size_t i;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "investigation", r->input);
	chousa_jw_kuint(&w, "hits", hits);
	chousa_jw_kstr(&w, "verdict", chousa_verdict_name(r->verdict));
	chousa_jw_kstr(&w, "family", r->family != NULL ? r->family->id :
	    NULL);
	chousa_jw_key(&w, "conclusion");
	chousa_jw_array(&w);
	for (i = 0; i < r->n_conclusion; i++)
		chousa_jw_str(&w, r->conclusion[i]);
	chousa_jw_array_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

static void
investigation_lines(struct chousa_buf *b, const struct chousa_report *r,
    uint64_t hits, int csv)
{
	size_t i;

	chousa_buf_adds(b, csv ? "# " : "\n");
	chousa_buf_adds(b, "investigation of ");
	chousa_esc_text(b, r->input, strlen(r->input));
	chousa_buf_addf(b, " (%llu hit%s): %s", (unsigned long long)hits,
	    hits == 1 ? "" : "s", chousa_verdict_name(r->verdict));
	if (r->family != NULL && r->family->name != NULL) {
		chousa_buf_adds(b, ", ");
		chousa_esc_text(b, r->family->name, strlen(r->family->name));
	}
	chousa_buf_addch(b, '\n');
	for (i = 0; i < r->n_conclusion; i++) {
		chousa_buf_adds(b, csv ? "#   " : "  ");
		chousa_esc_text(b, r->conclusion[i], strlen(r->conclusion[i]));
		chousa_buf_addch(b, '\n');
	}
}

void
chousa_sweep_investigation_text(struct chousa_buf *b,
    const struct chousa_report *r, uint64_t hits)
{
	investigation_lines(b, r, hits, 0);
}

void
chousa_sweep_investigation_csv(struct chousa_buf *b,
    const struct chousa_report *r, uint64_t hits)
{
	investigation_lines(b, r, hits, 1);
}
