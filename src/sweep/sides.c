/*
 * sides.c: which end of a flow a hit names as the internal host.  A
 * format gives the flow's two ends in the direction it knows (src the
 * client); the internal end is the one inside the private or configured
 * internal ranges, and when both or neither are, the end that is not
 * listed, else the client.  The choice is made once per record, so every
 * hit of one line shows the same two sides.
 */
#include <string.h>

#include "chousa.h"
#include "sweep/sweep.h"

static const char private_ranges[] = "10.0.0.0/8, 172.16.0.0/12, "
    "192.168.0.0/16, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, fc00::/7, "
    "fe80::/10, ::1/128";

int
sides_init(struct addr_ranges *s, const char *list, struct chousa_err *err)
{
	s->n = 0;
	if (addr_ranges_add(s, private_ranges, "internal range", err) !=
	    CHOUSA_OK)
		return CHOUSA_EINVAL;
	return addr_ranges_add(s, list, "internal range", err);
}

void
sides_orient(struct worker *w, const struct rec *r, size_t first)
{
	const struct addr_ranges *s = &w->run->internal;
	struct chousa_str in, out;
	int in_src, in_dst, hit_src = 0, hit_dst = 0, swap = 0;
	size_t i, in_off, out_off;

	if (first >= w->n_hits)
		return;
	in_src = addr_ranges_has(s, r->src.p, r->src.len);
	in_dst = addr_ranges_has(s, r->dst.p, r->dst.len);
	for (i = first; i < w->n_hits; i++) {
		hit_src |= (w->hits[i].obs_flags & OBS_F_SRC) != 0;
		hit_dst |= (w->hits[i].obs_flags & OBS_F_DST) != 0;
	}
	if (in_src != in_dst)
		swap = in_dst;
	else if (!in_src && hit_src != hit_dst)
		swap = hit_src;	/* the listed end is the remote one */
	in = swap ? r->dst : r->src;
	out = swap ? r->src : r->dst;
	if (in.len > 256)
		in.len = 256;
	if (out.len > 1024)
		out.len = 1024;
	in_off = sweep_keep(w, in.p, in.len);
	out_off = sweep_keep(w, out.p, out.len);
	for (i = first; i < w->n_hits; i++) {
		struct hitrow *h = &w->hits[i];

		h->src_off = in_off;
		h->src_len = in.len;
		if (out.len > 0) {
			h->dst_off = out_off;
			h->dst_len = out.len;
		} else {
			/* No remote end known: the value that matched. */
			h->dst_off = h->obs_off;
			h->dst_len = h->obs_len > 1024 ? 1024 : h->obs_len;
		}
	}
	if (w->text.failed)
		w->rc = w->text.failed;
}
