/*
 * graph.h: the evidence graph of one report, as the html and dot renderers
 * draw it.  Nodes are the values the edges name (the input, hosts, IPs,
 * URLs, samples, families, listing sources), each once; the layout is a
 * deterministic layering by hops from the input, so golden files and
 * screenshots are stable.  Not exported.
 */
#ifndef CHOUSA_RENDER_GRAPH_H
#define CHOUSA_RENDER_GRAPH_H

#include "chousa.h"

/*
 * Caps: a report's graph is for reading, not for dumping a whole feed.
 * What passes them is counted in n_skipped_nodes / n_skipped_edges and said
 * under the drawing.
 */
#define GRAPH_MAX_NODES		120
#define GRAPH_MAX_EDGES		240
#define GRAPH_MAX_LAYERS	6
/* Characters of a value shown in a box; the whole value is in its title. */
#define GRAPH_LABEL_CHARS	26

enum graph_kind {
	GRAPH_INPUT = 0,	/* the investigated indicator */
	GRAPH_DOMAIN,
	GRAPH_IP,
	GRAPH_URL,
	GRAPH_SAMPLE,
	GRAPH_FAMILY,
	GRAPH_SOURCE,		/* a feed that lists a node ("listed") */
	GRAPH_OTHER,		/* email, ASN, CIDR */
	GRAPH_KIND_COUNT
};

struct graph_node {
	const char	*value;		/* borrowed from the report */
	int		 type;		/* ioc type, 0 for family/source */
	int		 kind;		/* enum graph_kind */
	int		 layer;		/* column, hops from the input */
	int		 row;		/* row inside the column */
};

struct graph_edge {
	size_t		 from;		/* node indexes */
	size_t		 to;
	const char	*label;		/* the relation ("contacted") */
	const char	*source;	/* who supports it, or NULL */
};

struct graph {
	struct graph_node	*nodes;	/* arena */
	size_t			 n_nodes;
	struct graph_edge	*edges;	/* arena */
	size_t			 n_edges;
	size_t			 n_skipped_nodes;
	size_t			 n_skipped_edges;
	int			 n_layers;
	int			 max_rows;	/* rows of the tallest column */
};

/* "input", "domain", "ip", "url", "sample", "family", "source", "other". */
const char *graph_kind_name(int kind);

/*
 * Build the graph of rep's edges (and its input, always node 0) with its
 * layout.  Everything goes to the arena a; strings stay borrowed from rep.
 * Returns CHOUSA_ENOMEM only.
 */
int	graph_build(struct graph *g, struct chousa_arena *a,
	    const struct chousa_report *rep, struct chousa_err *err);

/*
 * Append the graph as one <svg> element (no XML prolog), every value
 * escaped; indicator values are defanged when defang is set.  An empty
 * graph still draws its input.  seq makes the element ids unique when one
 * page holds several graphs.
 */
void	graph_svg(const struct graph *g, struct chousa_buf *out, int defang,
	    size_t seq);

/*
 * Append value as a node shows it: defanged for indicators when defang is
 * set, not escaped (the caller escapes for its output).
 */
void	graph_node_text(const struct graph_node *n, struct chousa_buf *out,
	    int defang);

#endif /* CHOUSA_RENDER_GRAPH_H */
