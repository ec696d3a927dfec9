/*
 * sides.c: which end of a flow a hit names as the internal host.  A
 * format gives the flow's two ends in the direction it knows (src the
 * client); the internal end is the one inside the private or configured
 * internal ranges, and when both or neither are, the end that is not
 * listed, else the client.  The choice is made once per record, so every
 * hit of one line shows the same two sides.
 */
#include <arpa/inet.h>
#include <string.h>

#include "chousa.h"
#include "sweep/sweep.h"

static const char *const private_ranges[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
	"127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128",
	NULL
};
#define N_PRIVATE	(sizeof(private_ranges) / sizeof(private_ranges[0]) - 1)

/* An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96); 0 on success. */
static int
addr16(const char *p, size_t len, uint8_t out[16], int *is_v6)
{
	char buf[64];
	const char *pct;

	if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	pct = memchr(p, '%', len);
	if (pct != NULL)
		len = (size_t)(pct - p);
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET, buf, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		*is_v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out) == 1) {
		*is_v6 = 1;
		return 0;
	}
	return -1;
}

static int
add_range(struct sides_ranges *s, const char *p, size_t len,
    struct chousa_err *err)
{
	const char *slash = memchr(p, '/', len);
	uint8_t lo[16], hi[16];
	long prefix;
	int is_v6, i;

	if (addr16(p, slash ? (size_t)(slash - p) : len, lo, &is_v6) != 0)
		goto bad;
	prefix = is_v6 ? 128 : 32;
	if (slash != NULL) {
		const char *q = slash + 1, *end = p + len;

		prefix = 0;
		if (q == end || end - q > 3)
			goto bad;
		for (; q < end; q++) {
			if (*q < '0' || *q > '9')
				goto bad;
			prefix = prefix * 10 + (*q - '0');
		}
		if (prefix > (is_v6 ? 128 : 32))
			goto bad;
	}
	if (!is_v6)
		prefix += 96;
	for (i = 0; i < 16; i++) {
		int bits = (int)prefix - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));

		lo[i] &= mask;
		hi[i] = (uint8_t)(lo[i] | (uint8_t)~mask);
	}
	if (s->n >= SIDES_MAX_RANGES)
		return chousa_errf(err, CHOUSA_EINVAL, "more than %d internal "
		    "ranges", (int)(SIDES_MAX_RANGES - N_PRIVATE));
	memcpy(s->r[s->n].lo, lo, 16);
	memcpy(s->r[s->n].hi, hi, 16);
	s->n++;
	return CHOUSA_OK;
bad:
	return chousa_errf(err, CHOUSA_EINVAL, "bad internal range '%.*s': "
	    "want an address or CIDR such as 10.20.0.0/16", (int)len, p);
}

int
sides_init(struct sides_ranges *s, const char *list, struct chousa_err *err)
{
	const char *p, *end;
	size_t i;
	int rc;

	s->n = 0;
	for (i = 0; private_ranges[i] != NULL; i++)
		if (add_range(s, private_ranges[i], strlen(private_ranges[i]),
		    err) != CHOUSA_OK)
			return CHOUSA_EINVAL;
	for (p = list; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			continue;
		rc = add_range(s, p, (size_t)(end - p), err);
		if (rc != CHOUSA_OK)
			return rc;
	}
	return CHOUSA_OK;
}

int
sides_is_internal(const struct sides_ranges *s, const char *p, size_t len)
{
	uint8_t a[16];
	size_t i;
	int is_v6;

	if (len == 0 || addr16(p, len, a, &is_v6) != 0)
		return 0;
	for (i = 0; i < s->n; i++)
		if (memcmp(a, s->r[i].lo, 16) >= 0 &&
		    memcmp(a, s->r[i].hi, 16) <= 0)
			return 1;
	return 0;
}

void
sides_orient(struct worker *w, const struct rec *r, size_t first)
{
	const struct sides_ranges *s = &w->run->internal;
	struct chousa_str in, out;
	int in_src, in_dst, hit_src = 0, hit_dst = 0, swap = 0;
	size_t i, in_off, out_off;

	if (first >= w->n_hits)
		return;
	in_src = sides_is_internal(s, r->src.p, r->src.len);
	in_dst = sides_is_internal(s, r->dst.p, r->dst.len);
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
