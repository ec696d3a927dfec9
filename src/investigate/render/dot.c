/*
 * dot.c: the evidence graph in Graphviz DOT, for analysts who lay it out
 * their own way or merge it into a bigger case graph.  One digraph, one
 * cluster per investigated indicator.  Labels are quoted DOT strings built
 * from values that passed chousa_esc_text (no controls, valid UTF-8) with
 * quotes and backslashes escaped, so a value can never end a string.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/render/graph.h"
#include "investigate/render/render.h"

struct dot_state {
	struct chousa_buf	tmp;
	struct chousa_buf	text;
};

static const char *const kind_shape[GRAPH_KIND_COUNT] = {
	"doubleoctagon", "ellipse", "ellipse", "box", "note", "hexagon",
	"cylinder", "ellipse"
};
static const char *const kind_color[GRAPH_KIND_COUNT] = {
	"#fde2e1", "#dbeafe", "#d1fae5", "#ede9fe", "#ffedd5", "#fecaca",
	"#e5e7eb", "#f3f4f6"
};

/* s as the inside of a DOT quoted string. */
static void
dot_esc(struct dot_state *st, struct chousa_buf *out, const char *s,
    size_t len)
{
	size_t i;

	chousa_buf_reset(&st->text);
	chousa_esc_text(&st->text, s, len);
	for (i = 0; i < st->text.len; i++) {
		char c = st->text.data[i];

		if (c == '"' || c == '\\')
			chousa_buf_addch(out, '\\');
		chousa_buf_addch(out, c);
	}
	if (st->text.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->text.failed;
}

static void
dot_escs(struct dot_state *st, struct chousa_buf *out, const char *s)
{
	if (s != NULL)
		dot_esc(st, out, s, strlen(s));
}

static int
dot_begin(struct chousa_render *r, struct chousa_err *err)
{
	struct dot_state *st;

	st = chousa_arena_alloc(r->arena, sizeof(*st));
	if (st == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	chousa_buf_init(&st->tmp, 1 << 20);
	chousa_buf_init(&st->text, 1 << 20);
	r->state = st;
	chousa_buf_adds(r->out, "digraph chousa {\n"
	    "\trankdir=LR;\n"
	    "\tnode [style=filled, fontname=\"monospace\", fontsize=10];\n"
	    "\tedge [fontsize=9, color=\"#6b7280\"];\n");
	return CHOUSA_OK;
}

static int
dot_item(struct chousa_render *r, const struct chousa_report *rep,
    struct chousa_err *err)
{
	struct dot_state *st = r->state;
	struct chousa_buf *out = r->out;
	struct chousa_arena *a = NULL;
	size_t id = r->n_items + 1, i;
	struct graph g;
	int rc;

	rc = chousa_arena_new(&a, 0, err);
	if (rc != CHOUSA_OK)
		return rc;
	rc = graph_build(&g, a, rep, err);
	if (rc != CHOUSA_OK)
		goto out;
	chousa_buf_addf(out, "\tsubgraph cluster_%zu {\n\t\tlabel=\"", id);
	dot_escs(st, out, chousa_verdict_name(rep->verdict));
	chousa_buf_adds(out, ": ");
	chousa_buf_reset(&st->tmp);
	render_indicator(r, &st->tmp, rep->parse_rc == CHOUSA_OK ?
	    rep->ind.value : rep->input);
	dot_esc(st, out, st->tmp.data, st->tmp.len);
	if (rep->family != NULL) {
		chousa_buf_adds(out, " (");
		dot_escs(st, out, rep->family->name != NULL ?
		    rep->family->name : rep->family->id);
		chousa_buf_addf(out, " %d%%)", rep->family->confidence);
	}
	chousa_buf_adds(out, "\";\n");
	for (i = 0; i < g.n_nodes; i++) {
		const struct graph_node *n = &g.nodes[i];

		chousa_buf_addf(out, "\t\tr%zu_n%zu [label=\"", id, i);
		chousa_buf_reset(&st->tmp);
		graph_node_text(n, &st->tmp, r->opts.defang);
		dot_esc(st, out, st->tmp.data, st->tmp.len);
		chousa_buf_addf(out, "\", shape=%s, fillcolor=\"%s\", "
		    "tooltip=\"%s\"];\n", kind_shape[n->kind],
		    kind_color[n->kind], graph_kind_name(n->kind));
	}
	for (i = 0; i < g.n_edges; i++) {
		const struct graph_edge *e = &g.edges[i];

		chousa_buf_addf(out, "\t\tr%zu_n%zu -> r%zu_n%zu [label=\"",
		    id, e->from, id, e->to);
		dot_escs(st, out, e->label);
		if (e->source != NULL) {
			chousa_buf_adds(out, "\\n(");
			dot_escs(st, out, e->source);
			chousa_buf_adds(out, ")");
		}
		chousa_buf_adds(out, "\"];\n");
	}
	if (g.n_skipped_edges > 0)
		chousa_buf_addf(out, "\t\t/* %zu edges over the cap of %d */\n",
		    g.n_skipped_edges, GRAPH_MAX_EDGES);
	chousa_buf_adds(out, "\t}\n");
	if (st->tmp.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = st->tmp.failed;
out:
	chousa_arena_free(a);
	return rc;
}

static int
dot_end(struct chousa_render *r, struct chousa_err *err)
{
	struct dot_state *st = r->state;

	(void)err;
	chousa_buf_adds(r->out, "}\n");
	if (st != NULL) {
		chousa_buf_release(&st->tmp);
		chousa_buf_release(&st->text);
	}
	return CHOUSA_OK;
}

const struct chousa_renderer chousa_renderer_dot = {
	"dot", "the evidence graph in Graphviz DOT",
	dot_begin, dot_item, dot_end, NULL, 0
};
