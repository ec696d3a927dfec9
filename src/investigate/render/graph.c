/*
 * graph.c: the evidence graph of a report, laid out and drawn as SVG.  The
 * layout is the simplest one an analyst reads at a glance: columns by hops
 * from the input (a breadth-first walk over the edges, either direction),
 * rows in the order the investigation found things.  No force layout, no
 * randomness: the same report always gives the same picture.
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "investigate/render/graph.h"

#define MARGIN		20
#define COL_W		310
#define BOX_W		210
#define BOX_H		34
#define ROW_H		56
#define LEGEND_H	34

static const char *const kind_names[GRAPH_KIND_COUNT] = {
	"input", "domain", "ip", "url", "sample", "family", "source", "other"
};

/* Fill and stroke per kind: light boxes, dark text, readable in print. */
static const char *const kind_fill[GRAPH_KIND_COUNT] = {
	"#fde2e1", "#dbeafe", "#d1fae5", "#ede9fe", "#ffedd5", "#fecaca",
	"#e5e7eb", "#f3f4f6"
};
static const char *const kind_stroke[GRAPH_KIND_COUNT] = {
	"#b91c1c", "#1d4ed8", "#047857", "#6d28d9", "#c2410c", "#7f1d1d",
	"#4b5563", "#6b7280"
};

const char *
graph_kind_name(int kind)
{
	if (kind < 0 || kind >= GRAPH_KIND_COUNT)
		return "other";
	return kind_names[kind];
}

static int
kind_of(int type, int is_source)
{
	switch (type) {
	case 0:
		return is_source ? GRAPH_SOURCE : GRAPH_FAMILY;
	case CHOUSA_IOC_DOMAIN:
		return GRAPH_DOMAIN;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		return GRAPH_IP;
	case CHOUSA_IOC_URL:
		return GRAPH_URL;
	case CHOUSA_IOC_MD5:
	case CHOUSA_IOC_SHA1:
	case CHOUSA_IOC_SHA256:
	case CHOUSA_IOC_SHA512:
		return GRAPH_SAMPLE;
	default:
		return GRAPH_OTHER;
	}
}

/*
 * The index of the node for value, added when new; -1 when the cap is
 * reached.  A family and a source of the same name stay two nodes.
 */
static long
node_index(struct graph *g, const char *value, int type, int is_source)
{
	int kind = kind_of(type, is_source);
	size_t i;

	if (value == NULL)
		value = "";
	for (i = 0; i < g->n_nodes; i++) {
		struct graph_node *n = &g->nodes[i];

		if (strcmp(n->value, value) != 0)
			continue;
		if (n->kind == GRAPH_INPUT || n->kind == kind)
			return (long)i;
	}
	if (g->n_nodes >= GRAPH_MAX_NODES) {
		g->n_skipped_nodes++;
		return -1;
	}
	g->nodes[g->n_nodes].value = value;
	g->nodes[g->n_nodes].type = type;
	g->nodes[g->n_nodes].kind = kind;
	g->nodes[g->n_nodes].layer = -1;
	return (long)g->n_nodes++;
}

/* Columns by hops from the input; what the walk misses goes last. */
static void
layout(struct graph *g)
{
	int rows[GRAPH_MAX_LAYERS] = { 0 };
	int layer, changed, last;
	size_t i;

	g->nodes[0].layer = 0;
	for (layer = 0, changed = 1; changed && layer < GRAPH_MAX_LAYERS - 1;
	    layer++) {
		changed = 0;
		for (i = 0; i < g->n_edges; i++) {
			struct graph_node *a = &g->nodes[g->edges[i].from];
			struct graph_node *b = &g->nodes[g->edges[i].to];

			if (a->layer == layer && b->layer < 0) {
				b->layer = layer + 1;
				changed = 1;
			} else if (b->layer == layer && a->layer < 0) {
				a->layer = layer + 1;
				changed = 1;
			}
		}
	}
	last = 0;
	for (i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].layer > last)
			last = g->nodes[i].layer;
	for (i = 0; i < g->n_nodes; i++) {
		struct graph_node *n = &g->nodes[i];

		if (n->layer < 0)
			n->layer = last + 1 < GRAPH_MAX_LAYERS ? last + 1 :
			    GRAPH_MAX_LAYERS - 1;
		n->row = rows[n->layer]++;
	}
	g->n_layers = 0;
	g->max_rows = 0;
	for (layer = 0; layer < GRAPH_MAX_LAYERS; layer++) {
		if (rows[layer] > 0)
			g->n_layers = layer + 1;
		if (rows[layer] > g->max_rows)
			g->max_rows = rows[layer];
	}
}

int
graph_build(struct graph *g, struct chousa_arena *a,
    const struct chousa_report *rep, struct chousa_err *err)
{
	const char *input;
	size_t i, j;

	memset(g, 0, sizeof(*g));
	g->nodes = chousa_arena_alloc(a, GRAPH_MAX_NODES * sizeof(*g->nodes));
	g->edges = chousa_arena_alloc(a, GRAPH_MAX_EDGES * sizeof(*g->edges));
	if (g->nodes == NULL || g->edges == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM,
		    "out of memory drawing the evidence graph");
	input = rep->parse_rc == CHOUSA_OK && rep->ind.value != NULL ?
	    rep->ind.value : rep->input;
	g->nodes[0].value = input != NULL ? input : "";
	g->nodes[0].type = rep->ind.type;
	g->nodes[0].kind = GRAPH_INPUT;
	g->nodes[0].layer = -1;
	g->n_nodes = 1;
	for (i = 0; i < rep->n_edges; i++) {
		const struct chousa_edge *e = &rep->edges[i];
		int listed = e->kind != NULL && strcmp(e->kind, "listed") == 0;
		long from, to;

		if (g->n_edges >= GRAPH_MAX_EDGES) {
			g->n_skipped_edges++;
			continue;
		}
		from = node_index(g, e->from, e->from_type, 0);
		to = node_index(g, e->to, e->to_type, listed);
		if (from < 0 || to < 0) {
			g->n_skipped_edges++;
			continue;
		}
		for (j = 0; j < g->n_edges; j++) {
			const struct graph_edge *o = &g->edges[j];

			if (o->from == (size_t)from && o->to == (size_t)to &&
			    strcmp(o->label, e->kind ? e->kind : "") == 0)
				break;
		}
		if (j < g->n_edges)
			continue;	/* the same fact from another source */
		g->edges[g->n_edges].from = (size_t)from;
		g->edges[g->n_edges].to = (size_t)to;
		g->edges[g->n_edges].label = e->kind ? e->kind : "";
		g->edges[g->n_edges].source = e->source;
		g->n_edges++;
	}
	layout(g);
	return CHOUSA_OK;
}

void
graph_node_text(const struct graph_node *n, struct chousa_buf *out,
    int defang)
{
	switch (n->type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
	case CHOUSA_IOC_CIDR:
	case CHOUSA_IOC_DOMAIN:
	case CHOUSA_IOC_URL:
	case CHOUSA_IOC_EMAIL:
		if (defang && n->kind != GRAPH_SOURCE &&
		    n->kind != GRAPH_FAMILY) {
			chousa_ioc_defang(out, n->value, strlen(n->value));
			return;
		}
		break;
	}
	chousa_buf_adds(out, n->value);
}

/* ---- drawing ---- */

static int
node_x(const struct graph_node *n)
{
	return MARGIN + n->layer * COL_W;
}

static int
node_y(const struct graph_node *n)
{
	return MARGIN + n->row * ROW_H;
}

/*
 * The text in a box: long values lose their middle, so a hash keeps the
 * head and tail analysts compare.  Counts code points, never splitting
 * one; invalid bytes count as one and the escaper replaces them.
 */
static void
add_short(struct chousa_buf *out, const char *s, size_t len)
{
	size_t i, n = 0, head_end = 0, tail_start = 0, count;
	const size_t head = 15, tail = GRAPH_LABEL_CHARS - 16;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	if (n <= GRAPH_LABEL_CHARS) {
		chousa_esc_html(out, s, len);
		return;
	}
	for (i = 0, count = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (count == head)
				head_end = i;
			if (count == n - tail)
				tail_start = i;
			count++;
		}
	}
	chousa_esc_html(out, s, head_end);
	chousa_buf_adds(out, "\xe2\x80\xa6");	/* U+2026 ellipsis */
	chousa_esc_html(out, s + tail_start, len - tail_start);
}

static void
draw_edge(const struct graph *g, size_t k, struct chousa_buf *out,
    size_t seq)
{
	const struct graph_edge *e = &g->edges[k];
	const struct graph_node *a = &g->nodes[e->from];
	const struct graph_node *b = &g->nodes[e->to];
	int x1, y1, x2, y2, c1, c2, lx, ly;
	size_t j, same = 0;

	/* Several relations between one pair: stack their labels. */
	for (j = 0; j < k; j++)
		if ((g->edges[j].from == e->from && g->edges[j].to == e->to) ||
		    (g->edges[j].from == e->to && g->edges[j].to == e->from))
			same++;
	y1 = node_y(a) + BOX_H / 2;
	y2 = node_y(b) + BOX_H / 2;
	if (a->layer < b->layer) {
		x1 = node_x(a) + BOX_W;
		x2 = node_x(b);
		c1 = x1 + (x2 - x1) / 2;
		c2 = c1;
	} else if (a->layer > b->layer) {
		x1 = node_x(a);
		x2 = node_x(b) + BOX_W;
		c1 = x1 - (x1 - x2) / 2;
		c2 = c1;
	} else {
		/* Same column: a loop out to the right. */
		x1 = node_x(a) + BOX_W;
		x2 = node_x(b) + BOX_W;
		c1 = x1 + 50;
		c2 = c1;
	}
	lx = (x1 + x2) / 2;
	ly = (y1 + y2) / 2 - 4 + (int)same * 12;
	if (a->layer == b->layer)
		lx = x1 + 38;
	chousa_buf_adds(out, "<g class=\"edge\"><title>");
	chousa_esc_html(out, e->label, strlen(e->label));
	if (e->source != NULL) {
		chousa_buf_adds(out, " (");
		chousa_esc_html(out, e->source, strlen(e->source));
		chousa_buf_adds(out, ")");
	}
	chousa_buf_addf(out, "</title><path d=\"M%d %d C%d %d %d %d %d %d\" "
	    "fill=\"none\" stroke=\"#6b7280\" stroke-width=\"1.5\" "
	    "marker-end=\"url(#chousa-arrow-%zu)\"/>", x1, y1, c1, y1, c2, y2,
	    x2, y2, seq);
	chousa_buf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"10\" fill=\"#374151\" stroke=\"#ffffff\" "
	    "stroke-width=\"3\" paint-order=\"stroke\">", lx, ly);
	chousa_esc_html(out, e->label, strlen(e->label));
	chousa_buf_adds(out, "</text></g>\n");
}

static void
draw_node(const struct graph_node *n, struct chousa_buf *out,
    struct chousa_buf *tmp, int defang)
{
	int x = node_x(n), y = node_y(n);

	chousa_buf_reset(tmp);
	graph_node_text(n, tmp, defang);
	chousa_buf_addf(out, "<g class=\"node %s\"><title>",
	    graph_kind_name(n->kind));
	chousa_esc_html(out, tmp->data, tmp->len);
	chousa_buf_addf(out, " (%s)</title>", graph_kind_name(n->kind));
	chousa_buf_addf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
	    "height=\"%d\" rx=\"6\" fill=\"%s\" stroke=\"%s\" "
	    "stroke-width=\"%s\"/>", x, y, BOX_W, BOX_H, kind_fill[n->kind],
	    kind_stroke[n->kind], n->kind == GRAPH_INPUT ? "2.5" : "1.2");
	chousa_buf_addf(out, "<text x=\"%d\" y=\"%d\" "
	    "font-family=\"monospace\" font-size=\"12\" fill=\"#111827\">",
	    x + 8, y + BOX_H / 2 + 4);
	add_short(out, tmp->data, tmp->len);
	chousa_buf_adds(out, "</text></g>\n");
}

void
graph_svg(const struct graph *g, struct chousa_buf *out, int defang,
    size_t seq)
{
	struct chousa_buf tmp;
	int width, height, x, k;
	size_t i;

	width = 2 * MARGIN + (g->n_layers > 0 ? g->n_layers - 1 : 0) * COL_W +
	    BOX_W;
	if (width < 2 * MARGIN + 7 * 110)
		width = 2 * MARGIN + 7 * 110;	/* room for the legend */
	height = 2 * MARGIN + (g->max_rows > 0 ? g->max_rows : 1) * ROW_H -
	    (ROW_H - BOX_H) + LEGEND_H;
	chousa_buf_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "class=\"graph\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"evidence graph\">\n", width, height,
	    width, height);
	chousa_buf_addf(out, "<defs><marker id=\"chousa-arrow-%zu\" "
	    "viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
	    "markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0 L10 5 L0 10 "
	    "z\" fill=\"#6b7280\"/></marker></defs>\n", seq);
	chousa_buf_init(&tmp, 1 << 20);
	for (i = 0; i < g->n_edges; i++)
		draw_edge(g, i, out, seq);
	for (i = 0; i < g->n_nodes; i++)
		draw_node(&g->nodes[i], out, &tmp, defang);
	/* The legend: one swatch per kind that the graph uses. */
	x = MARGIN;
	for (k = 0; k < GRAPH_KIND_COUNT; k++) {
		for (i = 0; i < g->n_nodes; i++)
			if (g->nodes[i].kind == k)
				break;
		if (i == g->n_nodes)
			continue;
		chousa_buf_addf(out, "<g class=\"legend\"><rect x=\"%d\" "
		    "y=\"%d\" width=\"14\" height=\"14\" rx=\"3\" fill=\"%s\" "
		    "stroke=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\" "
		    "fill=\"#374151\">%s</text></g>\n", x,
		    height - MARGIN - 14, kind_fill[k], kind_stroke[k], x + 20,
		    height - MARGIN - 2, kind_names[k]);
		x += 110;
	}
	chousa_buf_adds(out, "</svg>\n");
	if (tmp.failed != CHOUSA_OK && out->failed == CHOUSA_OK)
		out->failed = tmp.failed;
	chousa_buf_release(&tmp);
}
