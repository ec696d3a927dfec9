/*
 * registry.c: the begin/item/end driver around the report renderers
 * (after masscan's OutputType), and the helpers they share.  Each
 * renderer is one file here, listed with its format in
 * src/render/registry.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "ioc/labels.h"
#include "investigate/render/render.h"

/* What a rendering holds besides the renderer's own state. */
static void
release(struct chousa_render *r)
{
	chousa_arena_free(r->arena);
	r->arena = NULL;
	chousa_extractor_free(r->defanger);
	r->defanger = NULL;
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
	if (r->opts.tlp != NULL) {
		const char *level = chousa_tlp_level(r->opts.tlp);

		if (level == NULL)
			return chousa_errf(err, CHOUSA_EINVAL, "unknown TLP "
			    "level '%s' (clear, green, amber, amber+strict or "
			    "red)", r->opts.tlp);
		r->opts.tlp = level;
	}
	r->out = out;
	rc = chousa_arena_new(&r->arena, 0, err);
	if (rc != CHOUSA_OK)
		return rc;
	if (renderer->begin != NULL)
		rc = renderer->begin(r, err);
	if (rc == CHOUSA_OK)
		rc = chousa_buf_rc(out, "the report", err);
	if (rc != CHOUSA_OK) {
		struct chousa_err ignored = { 0 };

		/*
		 * The caller has nothing to end: what began is given back
		 * here, the renderer's own buffers by its end hook (every
		 * one takes a state that is NULL or whole).
		 */
		if (r->state != NULL && renderer->end != NULL)
			(void)renderer->end(r, &ignored);
		release(r);
	}
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
chousa_render_triage(struct chousa_render *r, const struct chousa_triage *t,
    struct chousa_err *err)
{
	int rc = CHOUSA_OK;

	if (r->renderer->triage == NULL)
		return CHOUSA_OK;
	rc = r->renderer->triage(r, t, err);
	r->triaged = 1;
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
	release(r);
	return rc;
}

/* TLP 2.0's levels, and TLP 1.0's white, which 2.0 renamed clear. */
static const char *const tlp_levels[] = { "clear", "green", "amber",
	"amber+strict", "red", NULL };

const char *
chousa_tlp_level(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	if (strncasecmp(name, "tlp:", 4) == 0)
		name += 4;
	if (strcasecmp(name, "white") == 0)
		return tlp_levels[0];
	for (i = 0; tlp_levels[i] != NULL; i++)
		if (strcasecmp(name, tlp_levels[i]) == 0)
			return tlp_levels[i];
	return NULL;
}

void
render_tlp_label(const char *level, char *out, size_t out_size)
{
	size_t i;

	snprintf(out, out_size, "TLP:%s", level != NULL ? level : "");
	for (i = 4; out[i] != '\0'; i++)
		if (out[i] >= 'a' && out[i] <= 'z')
			out[i] = (char)(out[i] - 'a' + 'A');
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

/*
 * Pieces of free text: plain text, and indicators (defanged when the
 * report is).  Known values of rep are found in plain text the extractor
 * left (an address it keeps out as private, say).
 */
struct pieces {
	struct chousa_render	*r;
	const struct chousa_report *rep;
	const char		*s;
	size_t			 done;	/* s is given out up to here */
	render_piece_fn		 fn;
	void			*arg;
	struct chousa_buf	 value;	/* a defanged indicator */
};

static void
piece_value(struct pieces *p, const char *v, size_t len, int keep)
{
	chousa_buf_reset(&p->value);
	if (p->r->opts.defang && !keep)
		chousa_ioc_defang(&p->value, v, len);
	else
		chousa_buf_add(&p->value, v, len);
	p->fn(p->arg, p->value.data != NULL ? p->value.data : "",
	    p->value.len, 1);
}

/* Plain text s[0, len), with rep's known values given as indicators. */
static void
pieces_known(struct pieces *p, const char *s, size_t len, int at_start)
{
	const char *vals[64];
	size_t n = 0, i, pos, from = 0;

	if (p->rep != NULL)
		n = known_values(p->rep, vals, 64);
	for (pos = 0; pos < len;) {
		size_t best = 0;

		if ((pos == 0 && at_start) || (pos > 0 &&
		    !is_host_char((unsigned char)s[pos - 1])))
			for (i = 0; i < n; i++) {
				size_t vl = strlen(vals[i]);
				unsigned char next;

				if (vl <= best || vl > len - pos ||
				    memcmp(s + pos, vals[i], vl) != 0)
					continue;
				next = pos + vl < len ?
				    (unsigned char)s[pos + vl] : 0;
				if (is_host_char(next) || (next == '.' &&
				    pos + vl + 1 < len && is_host_char(
				    (unsigned char)s[pos + vl + 1])))
					continue;
				best = vl;
			}
		if (best == 0) {
			pos++;
			continue;
		}
		if (pos > from)
			p->fn(p->arg, s + from, pos - from, 0);
		piece_value(p, s + pos, best, 0);
		pos += best;
		from = pos;
	}
	if (len > from)
		p->fn(p->arg, s + from, len - from, 0);
}

/* Whether v is one of rep's own values (NULL rep: none is). */
static int
is_known(const struct chousa_report *rep, const char *v, size_t len)
{
	const char *vals[64];
	size_t n, i;

	if (rep == NULL)
		return 0;
	n = known_values(rep, vals, 64);
	for (i = 0; i < n; i++)
		if (strlen(vals[i]) == len && memcmp(vals[i], v, len) == 0)
			return 1;
	return 0;
}

static int
on_piece(void *arg, const struct chousa_indicator *ind)
{
	struct pieces *p = arg;
	const char *host = ind->type == CHOUSA_IOC_URL ||
	    ind->type == CHOUSA_IOC_EMAIL ? ind->host : ind->value;

	if (ind->offset < p->done)
		return 0;
	/*
	 * A reference site named in a sentence ("abuse.ch false
	 * positives") is a name, not an indicator: left as written, unless
	 * the report is about it.
	 */
	if (data_host_in(data_reference_sites(), host) &&
	    !is_known(p->rep, ind->value, ind->value_len))
		return 0;
	pieces_known(p, p->s + p->done, ind->offset - p->done, p->done == 0);
	/* Already defanged as written, or nothing to defang: as written. */
	if ((ind->flags & CHOUSA_IOC_F_DEFANGED) ||
	    (CHOUSA_IOC_BIT(ind->type) & CHOUSA_IOC_HASHES) ||
	    ind->type == CHOUSA_IOC_ASN)
		piece_value(p, ind->raw, ind->raw_len, 1);
	else
		piece_value(p, ind->value, ind->value_len, 0);
	p->done = ind->offset + ind->raw_len;
	return 0;
}

void
render_pieces(struct chousa_render *r, const struct chousa_report *rep,
    const char *s, render_piece_fn fn, void *arg)
{
	struct chousa_extract_opts xo = { CHOUSA_IOC_ALL, 0, 1 };
	struct pieces p;
	size_t len;

	if (s == NULL)
		return;
	len = strlen(s);
	memset(&p, 0, sizeof(p));
	p.r = r;
	p.rep = rep;
	p.s = s;
	p.fn = fn;
	p.arg = arg;
	chousa_buf_init(&p.value, 1 << 16);
	if (r->defanger == NULL && chousa_extractor_new(&r->defanger, &xo,
	    NULL) != CHOUSA_OK)
		r->defanger = NULL;
	if (r->defanger != NULL)
		(void)chousa_extract(r->defanger, s, len, 0, on_piece, &p,
		    NULL);
	pieces_known(&p, s + p.done, len - p.done, p.done == 0);
	chousa_buf_release(&p.value);
}

static void
to_buf(void *arg, const char *s, size_t len, int is_indicator)
{
	(void)is_indicator;
	chousa_buf_add(arg, s, len);
}

void
render_sentence(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_buf *tmp, const char *s)
{
	if (s == NULL)
		return;
	if (!r->opts.defang) {
		chousa_buf_adds(tmp, s);
		return;
	}
	render_pieces(r, rep, s, to_buf, tmp);
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

const char *
render_feed_title(const char *source)
{
	char local[64];
	const struct chousa_source *s;

	if (source == NULL)
		return "";
	snprintf(local, sizeof(local), "local-%s", source);
	s = chousa_source_find(local);
	return s != NULL && s->title != NULL ? s->title : source;
}

int
render_finding_is_hit(const struct chousa_finding *f)
{
	return f->status == CHOUSA_ST_HIT;
}

/*
 * Escape the scratch buffer into the output and carry its failure there,
 * checked once at the end.
 */
static void
esc_scratch(struct chousa_render *r, render_esc_fn esc,
    const struct chousa_buf *tmp)
{
	esc(r->out, tmp->data, tmp->len);
	if (tmp->failed != CHOUSA_OK && r->out->failed == CHOUSA_OK)
		r->out->failed = tmp->failed;
}

void
render_esc_indicator(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const char *value)
{
	chousa_buf_reset(tmp);
	render_indicator(r, tmp, value);
	esc_scratch(r, esc, tmp);
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
	if (s == NULL)
		return;
	chousa_buf_reset(tmp);
	render_sentence(r, rep, tmp, s);
	esc_scratch(r, esc, tmp);
}

void
render_esc_listing(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const struct chousa_listing *l)
{
	render_listing_value(r, l, tmp);
	esc_scratch(r, esc, tmp);
}

void
render_esc_command(struct chousa_render *r, render_esc_fn esc,
    struct chousa_buf *tmp, const struct chousa_next_step *st)
{
	render_command(r, st, tmp);
	esc_scratch(r, esc, tmp);
}

void
render_tlp_banner(struct chousa_render *r, const char *before,
    const char *after)
{
	char label[32];

	if (r->opts.tlp == NULL)
		return;
	render_tlp_label(r->opts.tlp, label, sizeof(label));
	chousa_buf_adds(r->out, before);
	chousa_buf_adds(r->out, label);
	chousa_buf_adds(r->out, after);
}

/* A shell word: single-quoted when it holds anything but safe bytes. */
static void
shell_word(struct chousa_buf *b, const char *w)
{
	const char *p;

	if (w[0] != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_/:@%+=,") == strlen(w)) {
		chousa_buf_adds(b, w);
		return;
	}
	chousa_buf_addch(b, '\'');
	for (p = w; *p != '\0'; p++) {
		if (*p == '\'')
			chousa_buf_adds(b, "'\\''");
		else
			chousa_buf_addch(b, *p);
	}
	chousa_buf_addch(b, '\'');
}

void
render_command(const struct chousa_render *r,
    const struct chousa_next_step *st, struct chousa_buf *tmp)
{
	struct chousa_buf word;
	size_t i;

	chousa_buf_init(&word, 1 << 16);
	chousa_buf_reset(tmp);
	chousa_buf_adds(tmp, st->command);
	for (i = 0; i < st->n_args; i++) {
		int t = st->arg_types != NULL ? st->arg_types[i] : 0;
		int fang = r->opts.defang && defangable(t);

		chousa_buf_reset(&word);
		if (fang)
			chousa_ioc_defang(&word, st->args[i],
			    strlen(st->args[i]));
		else
			chousa_buf_adds(&word, st->args[i]);
		chousa_buf_addch(tmp, ' ');
		if (fang && st->refang) {
			/* A defanged pattern matches nothing: refang it. */
			chousa_buf_adds(tmp, "\"$(chousa refang ");
			shell_word(tmp, word.data != NULL ? word.data : "");
			chousa_buf_adds(tmp, ")\"");
		} else
			shell_word(tmp, word.data != NULL ? word.data : "");
	}
	if (word.failed != CHOUSA_OK)
		tmp->failed = word.failed;
	chousa_buf_release(&word);
}

void
render_listing_value(const struct chousa_render *r,
    const struct chousa_listing *l, struct chousa_buf *tmp)
{
	int bracket = l->port != 0 && l->rec.type == CHOUSA_IOC_IPV6;

	chousa_buf_reset(tmp);
	/* An address with its port reads as the feed wrote it. */
	if (bracket)
		chousa_buf_addch(tmp, '[');
	render_indicator(r, tmp, l->rec.value);
	if (bracket)
		chousa_buf_addch(tmp, ']');
	if (l->port != 0 && l->rec.type != CHOUSA_IOC_URL)
		chousa_buf_addf(tmp, ":%u", l->port);
}

int
render_listings_worth(const struct chousa_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n_listed; i++)
		if (rep->listed[i].port != 0 ||
		    strcmp(rep->listed[i].rec.value, rep->ind.value) != 0)
			return 1;
	return 0;
}

const char *
render_verdict_word(int verdict)
{
	return verdict < 0 ? "not an indicator" :
	    chousa_verdict_name(verdict);
}
