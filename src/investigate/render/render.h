/*
 * render.h: what the renderers share inside the library.  A renderer is a
 * const struct chousa_renderer (chousa/investigate.h) listed in
 * src/investigate/render/registry.c; it formats the report model into r->out and never
 * queries anything.  These helpers keep the small decisions (defanging,
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
 * Append a sentence of the report (conclusion, reason) with every
 * indicator of the report defanged in it when r->opts.defang; raw like
 * render_indicator: the caller escapes the result.
 */
void	render_sentence(const struct chousa_render *r,
	    const struct chousa_report *rep, struct chousa_buf *tmp,
	    const char *s);

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

/* "2024-03-13" (date only) or "" for 0, into out (>= 11 bytes). */
void	render_date(int64_t t, char *out, size_t out_size);

/* The display title of a source ("URLhaus"), from its name. */
const char *render_source_title(const char *name);

/* Whether a finding counts as evidence (hit), for summaries. */
int	render_finding_is_hit(const struct chousa_finding *f);

#endif /* CHOUSA_RENDER_H */
