/*
 * jutil.c: small helpers over the streamed JSON records: joining arrays
 * of strings for the comma- or newline-separated columns.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

const char *
jjoin(struct chousa_arena *a, const struct jnode *v, int sep)
{
	struct chousa_buf b;
	const char *out;
	size_t i;

	if (v == NULL)
		return NULL;
	if (v->type == J_STR)
		return v->len ? v->s : NULL;
	if (v->type != J_ARR || v->n == 0)
		return NULL;
	/* Malpedia's references run to tens of KiB; a hostile array stops. */
	chousa_buf_init(&b, (size_t)1 << 20);
	for (i = 0; i < v->n; i++) {
		if (v->v[i]->type != J_STR || v->v[i]->len == 0)
			continue;
		if (b.len > 0)
			chousa_buf_addch(&b, sep);
		chousa_buf_add(&b, v->v[i]->s, v->v[i]->len);
	}
	out = b.failed || b.len == 0 ? NULL :
	    chousa_arena_strndup(a, b.data, b.len);
	chousa_buf_release(&b);
	return out;
}
