/*
 * render.h: what the renderers share inside the library.  A renderer is a
 * const struct chousa_renderer (chousa/investigate.h) listed with its
 * format in src/render/registry.c; it formats the report model into
 * r->out and never queries anything.  These helpers keep the small decisions (defanging,
 * time format, names) the same in every format.
 */
#ifndef CHOUSA_RENDER_H
#define CHOUSA_RENDER_H

#include "chousa.h"

/*
 * Append an indicator value for a human report: defanged when
 * r->opts.defang (chousa_ioc_defang), and in both cases still raw: the
 * caller escapes the result for its format.  Uses a scratch buffer.
 */
void	render_indicator(const struct chousa_render *r, struct chousa_buf *tmp,
	    const char *value);

/*
 * Append free text (a sentence of the conclusion, a reason, a note, a
 * feed's string, an error message) with every indicator in it defanged
 * when r->opts.defang: those the extractor finds, and the values of rep
 * (may be NULL); raw like render_indicator: the caller escapes the
 * result.
 */
void	render_sentence(struct chousa_render *r,
	    const struct chousa_report *rep, struct chousa_buf *tmp,
	    const char *s);

/*
 * Free text in pieces: fn gets each run of plain text (is_indicator 0)
 * and each indicator in it (1), defanged when r->opts.defang, in order;
 * the pieces are borrowed for the call.  Markdown puts the indicators in
 * code spans this way.
 */
typedef void (*render_piece_fn)(void *arg, const char *s, size_t len,
	    int is_indicator);
void	render_pieces(struct chousa_render *r,
	    const struct chousa_report *rep, const char *s, render_piece_fn fn,
	    void *arg);

/*
 * The human formats (text, md, html) differ only in how they escape
 * untrusted text; these write through the format's escaper, using tmp as
 * scratch, so defanging and escaping happen in one order everywhere.
 */
typedef void (*render_esc_fn)(struct chousa_buf *b, const char *s,
	    size_t len);
/* An indicator value: render_indicator, then escaped. */
void	render_esc_indicator(struct chousa_render *r, render_esc_fn esc,
	    struct chousa_buf *tmp, const char *value);
/* A value of any type: indicators defanged, hashes and families as is. */
void	render_esc_value(struct chousa_render *r, render_esc_fn esc,
	    struct chousa_buf *tmp, const char *v, int type);
/* A report sentence: render_sentence, then escaped. */
void	render_esc_sentence(struct chousa_render *r, render_esc_fn esc,
	    struct chousa_buf *tmp, const struct chousa_report *rep,
	    const char *s);

/* A listing's value (render_listing_value), then escaped. */
void	render_esc_listing(struct chousa_render *r, render_esc_fn esc,
	    struct chousa_buf *tmp, const struct chousa_listing *l);
/* A next step's command line (render_command), then escaped. */
void	render_esc_command(struct chousa_render *r, render_esc_fn esc,
	    struct chousa_buf *tmp, const struct chousa_next_step *st);

/* "2024-03-13" (date only) or "" for 0, into out (>= 11 bytes). */
void	render_date(int64_t t, char *out, size_t out_size);

/* The display title of a source ("URLhaus"), from its name. */
const char *render_source_title(const char *name);

/* The display title of a feed as the store names it ("feodo"). */
const char *render_feed_title(const char *source);

/* Whether a finding counts as evidence (hit), for summaries. */
int	render_finding_is_hit(const struct chousa_finding *f);

/*
 * A next step's command line into tmp, in place of what tmp held: its
 * prefix, then each argument as a shell word, defanged when the report is
 * (a grep pattern then wrapped in "$(chousa refang '...')" so that the
 * line still runs).  Raw: the caller escapes it for its format.
 */
void	render_command(const struct chousa_render *r,
	    const struct chousa_next_step *st, struct chousa_buf *tmp);
/*
 * A listing's value ("1.2.3.4:8080" when the feed gives a port) into tmp,
 * in place of what tmp held.
 */
void	render_listing_value(const struct chousa_render *r,
	    const struct chousa_listing *l, struct chousa_buf *tmp);
/*
 * Whether the listings say more than the findings about the input: a
 * port, or a value other than the input (its host, a parent, a range).
 */
int	render_listings_worth(const struct chousa_report *rep);
/* "TLP:AMBER+STRICT" for a chousa_tlp_level() level, into out. */
void	render_tlp_label(const char *level, char *out, size_t out_size);
/* The TLP label between before and after, when r->opts.tlp is set. */
void	render_tlp_banner(struct chousa_render *r, const char *before,
	    const char *after);
/* A triage row's verdict as the table writes it. */
const char *render_verdict_word(int verdict);

#endif /* CHOUSA_RENDER_H */
