/*
 * registry.c: every renderer, and the begin/item/end driver around them
 * (after masscan's OutputType).  Adding a format is one file in
 * src/investigate/render/ and one line here.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/render.h"

extern const struct chousa_renderer chousa_renderer_text;
extern const struct chousa_renderer chousa_renderer_json;
extern const struct chousa_renderer chousa_renderer_md;
extern const struct chousa_renderer chousa_renderer_html;
extern const struct chousa_renderer chousa_renderer_stix;
extern const struct chousa_renderer chousa_renderer_misp;
extern const struct chousa_renderer chousa_renderer_dot;
/* Other renderers: one extern per file. */

static const struct chousa_renderer *const renderers[] = {
	&chousa_renderer_text,
	&chousa_renderer_json,
	&chousa_renderer_md,
	&chousa_renderer_html,
	&chousa_renderer_stix,
	&chousa_renderer_misp,
	&chousa_renderer_dot,
	/* Other renderers: one line per file. */
	NULL
};

const struct chousa_renderer *const *
chousa_renderers(void)
{
	return renderers;
}

const struct chousa_renderer *
chousa_renderer_find(const char *name)
{
	size_t i;

	for (i = 0; renderers[i] != NULL; i++)
		if (strcmp(renderers[i]->name, name) == 0)
			return renderers[i];
	return NULL;
}

int
chousa_render_begin(struct chousa_render *r,
    const struct chousa_renderer *renderer,
    const struct chousa_render_opts *opts, struct chousa_buf *out,
    struct chousa_err *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->renderer = renderer;
	if (opts != NULL)
		r->opts = *opts;
	r->out = out;
	rc = chousa_arena_new(&r->arena, 0, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (renderer->begin != NULL)
		rc = renderer->begin(r, err);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(out, "the report", err);
	return rc;
}

int
chousa_render_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	int rc = CHOUSA_OK;

	if (r->renderer->item != NULL)
		rc = r->renderer->item(r, rep, err);
	r->n_items++;
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(r->out, "the report", err);
	return rc;
}

int
chousa_render_end(struct chousa_render *r, struct chousa_err *err)
{
	int rc = CHOUSA_OK;

	if (r->renderer != NULL && r->renderer->end != NULL && r->arena != NULL)
		rc = r->renderer->end(r, err);
	if (rc == CHOUSA_OK && r->out != NULL)
		rc = chousa_buf_rc(r->out, "the report", err);
	chousa_arena_free(r->arena);
	r->arena = NULL;
	return rc;
}

/* ---- helpers shared by the renderers ---- */

void
render_indicator(const struct chousa_render *r, struct chousa_buf *tmp,
    const char *value)
{
	if (value == NULL)
		return;
	if (r->opts.defang)
		chousa_ioc_defang(tmp, value, strlen(value));
	else
		chousa_buf_adds(tmp, value);
}

static int
is_host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
defangable(int type)
{
	return type == CHOUSA_IOC_URL || type == CHOUSA_IOC_DOMAIN ||
	    type == CHOUSA_IOC_IPV4 || type == CHOUSA_IOC_IPV6 ||
	    type == CHOUSA_IOC_EMAIL || type == CHOUSA_IOC_CIDR;
}

/* The indicator values a sentence of rep may quote. */
static size_t
known_values(const struct chousa_report *rep, const char **v, size_t cap)
{
	size_t n = 0, i;

	if (defangable(rep->ind.type) && n < cap)
		v[n++] = rep->ind.value;
	if (rep->ind.host != NULL && n < cap)
		v[n++] = rep->ind.host;
	if (rep->ind.regdomain != NULL && n < cap)
		v[n++] = rep->ind.regdomain;
	if (rep->matched != NULL && n < cap)
		v[n++] = rep->matched;
	for (i = 0; i < rep->n_edges && n + 2 <= cap; i++) {
		if (defangable(rep->edges[i].from_type))
			v[n++] = rep->edges[i].from;
		if (defangable(rep->edges[i].to_type))
			v[n++] = rep->edges[i].to;
	}
	for (i = 0; i < rep->n_samples && n < cap; i++)
		if (rep->samples[i].via != NULL &&
		    strchr(rep->samples[i].via, '.') != NULL)
			v[n++] = rep->samples[i].via;
	return n;
}

void
render_sentence(const struct chousa_render *r,
    const struct chousa_report *rep, struct chousa_buf *tmp, const char *s)
{
	const char *vals[64];
	size_t n, i, pos, len;

	if (s == NULL)
		return;
	if (!r->opts.defang || rep == NULL) {
		chousa_buf_adds(tmp, s);
		return;
	}
	n = known_values(rep, vals, 64);
	len = strlen(s);
	for (pos = 0; pos < len;) {
		size_t best = 0;

		if (pos == 0 || !is_host_char((unsigned char)s[pos - 1]))
			for (i = 0; i < n; i++) {
				size_t vl = strlen(vals[i]);
				unsigned char next;

				if (vl <= best || vl > len - pos ||
				    memcmp(s + pos, vals[i], vl) != 0)
					continue;
				next = (unsigned char)s[pos + vl];
				if (is_host_char(next) || (next == '.' &&
				    is_host_char((unsigned char)
				    s[pos + vl + 1])))
					continue;
				best = vl;
			}
		if (best > 0) {
			chousa_ioc_defang(tmp, s + pos, best);
			pos += best;
		} else
			chousa_buf_addch(tmp, s[pos++]);
	}
}

void
render_date(int64_t t, char *out, size_t out_size)
{
	char full[32];

	if (out_size == 0)
		return;
	out[0] = '\0';
	if (t == 0 || out_size < 11)
		return;
	chousa_time_format(t, full, sizeof(full));
	memcpy(out, full, 10);
	out[10] = '\0';
}

const char *
render_source_title(const char *name)
{
	const struct chousa_source *s;

	if (name == NULL)
		return "";
	s = chousa_source_find(name);
	return s != NULL && s->title != NULL ? s->title : name;
}

int
render_finding_is_hit(const struct chousa_finding *f)
{
	return f->status == CHOUSA_ST_HIT;
}

/* Carry a scratch buffer's failure into the output, checked once at end. */
static void
keep_failure(struct chousa_render *r, const struct chousa_buf *tmp)
{
	if (tmp->failed != CHOUSA_OK && r->out->failed == CHOUSA_OK)
		r->out->failed = tmp->failed;
}

void
render_esc_indicator(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const char *value)
{
	chousa_buf_reset(tmp);
	render_indicator(r, tmp, value);
	esc(r->out, tmp->data, tmp->len);
	keep_failure(r, tmp);
}

void
render_esc_value(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const char *v, int type)
{
	if (v == NULL)
		return;
	if (type == CHOUSA_IOC_NONE || (CHOUSA_IOC_BIT(type) &
	    CHOUSA_IOC_HASHES))
		esc(r->out, v, strlen(v));
	else
		render_esc_indicator(r, esc, tmp, v);
}

void
render_esc_sentence(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const struct chousa_report *rep, const char *s)
{
	chousa_buf_reset(tmp);
	render_sentence(r, rep, tmp, s);
	esc(r->out, tmp->data, tmp->len);
	keep_failure(r, tmp);
}
