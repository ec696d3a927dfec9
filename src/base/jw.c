/*
 * jw.c: the one JSON writer every JSON document goes through.  It writes
 * straight into a chousa_buf and keeps only one bit per open container
 * (is it still empty?), so commas come out right without the callers
 * counting, and every string goes through chousa_esc_json: invalid UTF-8
 * becomes U+FFFD and the output is always valid JSON.
 */
#include <string.h>

#include "chousa.h"

void
chousa_jw_init(struct chousa_jw *w, struct chousa_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

/*
 * Before a value or a key: a comma unless it is the first in its container
 * or follows its key.  Top-level values are separate documents (JSON
 * lines); the caller writes what goes between them.
 */
static void
sep(struct chousa_jw *w)
{
	uint32_t bit;

	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	bit = UINT32_C(1) << (w->depth - 1);
	if (w->used & bit) {
		chousa_buf_addch(w->b, ',');
		if (w->spaced)
			chousa_buf_addch(w->b, ' ');
	}
	w->used |= bit;
}

static void
open_container(struct chousa_jw *w, char c)
{
	sep(w);
	chousa_buf_addch(w->b, c);
	/* Deeper than 32 never happens in our documents; commas would. */
	if (w->depth < 32)
		w->depth++;
	w->used &= ~(UINT32_C(1) << (w->depth - 1));
}

static void
close_container(struct chousa_jw *w, char c)
{
	chousa_buf_addch(w->b, c);
	if (w->depth > 0)
		w->depth--;
}

void
chousa_jw_object(struct chousa_jw *w)
{
	open_container(w, '{');
}

void
chousa_jw_object_end(struct chousa_jw *w)
{
	close_container(w, '}');
}

void
chousa_jw_array(struct chousa_jw *w)
{
	open_container(w, '[');
}

void
chousa_jw_array_end(struct chousa_jw *w)
{
	close_container(w, ']');
}

void
chousa_jw_key(struct chousa_jw *w, const char *key)
{
	size_t len = strlen(key), n = len + (w->spaced ? 4 : 3);
	char *p;

	sep(w);
	w->after_key = 1;
	/* Keys are our own names: plain ASCII, nothing to escape. */
	p = chousa_buf_room(w->b, n);
	if (p == NULL)
		return;
	*p++ = '"';
	memcpy(p, key, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	if (w->spaced)
		*p++ = ' ';
	*p = '\0';
	w->b->len += n;
}

void
chousa_jw_str(struct chousa_jw *w, const char *s)
{
	sep(w);
	chousa_esc_json_str(w->b, s);
}

void
chousa_jw_strn(struct chousa_jw *w, const char *s, size_t len)
{
	sep(w);
	chousa_buf_addch(w->b, '"');
	chousa_esc_json(w->b, s, len);
	chousa_buf_addch(w->b, '"');
}

void
chousa_jw_strn_or_null(struct chousa_jw *w, const char *s, size_t len)
{
	if (s == NULL || len == 0)
		chousa_jw_null(w);
	else
		chousa_jw_strn(w, s, len);
}

/* Digits by hand: numbers are most of some documents, printf is slow. */
static void
digits(struct chousa_buf *b, uint64_t v, int negative)
{
	char s[24];
	size_t i = sizeof(s);

	do {
		s[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	if (negative)
		s[--i] = '-';
	chousa_buf_add(b, s + i, sizeof(s) - i);
}

void
chousa_jw_int(struct chousa_jw *w, int64_t v)
{
	sep(w);
	if (v < 0)
		digits(w->b, (uint64_t)0 - (uint64_t)v, 1);
	else
		digits(w->b, (uint64_t)v, 0);
}

void
chousa_jw_uint(struct chousa_jw *w, uint64_t v)
{
	sep(w);
	digits(w->b, v, 0);
}

void
chousa_jw_double(struct chousa_jw *w, double v, int decimals)
{
	sep(w);
	/* JSON has no NaN or infinity. */
	if (v != v || v > 1e300 || v < -1e300)
		chousa_buf_add(w->b, "null", 4);
	else
		chousa_buf_addf(w->b, "%.*f", decimals, v);
}

void
chousa_jw_bool(struct chousa_jw *w, int v)
{
	sep(w);
	if (v)
		chousa_buf_add(w->b, "true", 4);
	else
		chousa_buf_add(w->b, "false", 5);
}

void
chousa_jw_null(struct chousa_jw *w)
{
	sep(w);
	chousa_buf_add(w->b, "null", 4);
}

void
chousa_jw_time(struct chousa_jw *w, int64_t t)
{
	char s[32];

	if (t <= 0) {
		chousa_jw_null(w);
		return;
	}
	chousa_time_format(t, s, sizeof(s));
	chousa_jw_str(w, s);
}

void
chousa_jw_list(struct chousa_jw *w, const char *s, char delim)
{
	const char *end;

	chousa_jw_array(w);
	while (s != NULL && *s != '\0') {
		end = strchr(s, delim);
		if (end == NULL)
			end = s + strlen(s);
		if (end > s)
			chousa_jw_strn(w, s, (size_t)(end - s));
		s = *end != '\0' ? end + 1 : end;
	}
	chousa_jw_array_end(w);
}

/*
 * The next member's comma now, then a newline: documents of many objects
 * (a STIX bundle, a MISP event) put one a line.  The member that follows
 * needs no separator of its own, as after a key.
 */
void
chousa_jw_newline(struct chousa_jw *w)
{
	sep(w);
	chousa_buf_addch(w->b, '\n');
	w->after_key = 1;
}

void
chousa_jw_raw(struct chousa_jw *w, const char *json, size_t len)
{
	sep(w);
	chousa_buf_add(w->b, json, len);
}

/* ---- a key and its value in one call ---- */

void
chousa_jw_kstr(struct chousa_jw *w, const char *key, const char *s)
{
	chousa_jw_key(w, key);
	chousa_jw_str(w, s);
}

void
chousa_jw_kint(struct chousa_jw *w, const char *key, int64_t v)
{
	chousa_jw_key(w, key);
	chousa_jw_int(w, v);
}

void
chousa_jw_kuint(struct chousa_jw *w, const char *key, uint64_t v)
{
	chousa_jw_key(w, key);
	chousa_jw_uint(w, v);
}

void
chousa_jw_kbool(struct chousa_jw *w, const char *key, int v)
{
	chousa_jw_key(w, key);
	chousa_jw_bool(w, v);
}

void
chousa_jw_ktime(struct chousa_jw *w, const char *key, int64_t t)
{
	chousa_jw_key(w, key);
	chousa_jw_time(w, t);
}

void
chousa_jw_kint_if(struct chousa_jw *w, const char *key, int64_t v, int has)
{
	chousa_jw_key(w, key);
	if (has)
		chousa_jw_int(w, v);
	else
		chousa_jw_null(w);
}

void
chousa_jw_kbool_if(struct chousa_jw *w, const char *key, int v, int has)
{
	chousa_jw_key(w, key);
	if (has)
		chousa_jw_bool(w, v);
	else
		chousa_jw_null(w);
}

void
chousa_jw_krows(struct chousa_jw *w, const char *key, size_t n,
    chousa_jw_row_fn fn, const void *arg)
{
	size_t i;

	chousa_jw_key(w, key);
	chousa_jw_array(w);
	for (i = 0; i < n; i++) {
		chousa_jw_object(w);
		fn(arg, w, i);
		chousa_jw_object_end(w);
	}
	chousa_jw_array_end(w);
}

void
chousa_jw_rows_document(struct chousa_buf *b, const char *key, size_t n,
    chousa_jw_row_fn fn, const void *arg)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_krows(&w, key, n, fn, arg);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
