/*
 * json_scan.c: a JSON field scanner for log lines (EVE, Zeek JSON).  It
 * builds no tree: it walks one object line once, keeping the path of keys,
 * and hands each scalar to a callback as a view into the line.  Strings
 * are found with memchr and unescaped only when the caller wants one that
 * holds a backslash, so an EVE line costs little more than reading it.
 */
#include <string.h>

#include "chousa.h"
#include "base/hex.h"
#include "base/mem.h"
#include "sweep/json_scan.h"

#define JSON_MAX_DEPTH	16

struct scan {
	const char		*p;
	const char		*end;
	json_value_fn		 fn;
	void			*arg;
	int			 nest;	/* objects and arrays open */
	struct chousa_str	 keys[JSON_MAX_DEPTH];
};

static inline void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\r' || *s->p == '\n'))
		s->p++;
}

/* At the opening quote; leaves p after the closing one. */
static int
scan_string(struct scan *s, const char **val, size_t *len, int *has_esc)
{
	const char *start = ++s->p, *q, *bs;

	*has_esc = 0;
	for (;;) {
		q = memchr(s->p, '"', (size_t)(s->end - s->p));
		if (q == NULL)
			return -1;
		bs = memchr(s->p, '\\', (size_t)(q - s->p));
		if (bs == NULL)
			break;
		*has_esc = 1;
		/* Step over the escape and look again after it. */
		s->p = bs + 2;
		if (s->p > s->end)
			return -1;
	}
	*val = start;
	*len = (size_t)(q - start);
	s->p = q + 1;
	return 0;
}

static int scan_value(struct scan *, int depth);

/*
 * After a member or an element: ',' (returns 1: another follows) or the
 * container's closing byte (returns 0: it is closed); else -1.
 */
static inline int
after_value(struct scan *s, char close)
{
	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == ',') {
		s->p++;
		return 1;
	}
	if (*s->p == close) {
		s->p++;
		return 0;
	}
	return -1;
}

static int
scan_object(struct scan *s, int depth)
{
	const char *k;
	size_t klen;
	int esc, more;

	if (depth >= JSON_MAX_DEPTH)
		return -1;
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		if (scan_string(s, &k, &klen, &esc) != 0)
			return -1;
		s->keys[depth].p = k;
		s->keys[depth].len = klen;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		skip_ws(s);
		if (scan_value(s, depth + 1) != 0)
			return -1;
		more = after_value(s, '}');
		if (more <= 0)
			return more;
	}
}

static int
scan_array(struct scan *s, int depth)
{
	int more;

	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return 0;
	}
	for (;;) {
		skip_ws(s);
		/* Elements keep the array's key: depth does not grow. */
		if (scan_value(s, depth) != 0)
			return -1;
		more = after_value(s, ']');
		if (more <= 0)
			return more;
	}
}

/* depth is the number of keys on the path to this value. */
static int
scan_value(struct scan *s, int depth)
{
	const char *v;
	size_t len;
	int esc;

	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{':
	case '[':
		/* Nesting is bounded apart from the key path: arrays of
		 * arrays do not add keys. */
		if (++s->nest > 64)
			return -1;
		esc = *s->p == '{' ? scan_object(s, depth) :
		    scan_array(s, depth);
		s->nest--;
		return esc;
	case '"':
		if (scan_string(s, &v, &len, &esc) != 0)
			return -1;
		s->fn(s->arg, s->keys, depth, v, len, 1, esc);
		return 0;
	default:
		v = s->p;
		while (s->p < s->end && *s->p != ',' && *s->p != '}' &&
		    *s->p != ']' && *s->p != ' ' && *s->p != '\t' &&
		    *s->p != '\r' && *s->p != '\n')
			s->p++;
		if (s->p == v)
			return -1;
		s->fn(s->arg, s->keys, depth, v, (size_t)(s->p - v), 0, 0);
		return 0;
	}
}

int
json_scan(const char *p, size_t len, json_value_fn fn, void *arg)
{
	struct scan s;

	s.p = p;
	s.end = p + len;
	s.fn = fn;
	s.arg = arg;
	s.nest = 0;
	skip_ws(&s);
	if (s.p >= s.end || *s.p != '{')
		return -1;
	if (scan_object(&s, 0) != 0)
		return -1;
	skip_ws(&s);
	return s.p == s.end ? 0 : -1;
}

static int
hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	int i, h;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		h = chousa_hex_value((unsigned char)p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return 0;
}

const char *
json_unescape(struct rec *r, const char *p, size_t len, size_t *out_len)
{
	const char *end = p + len;
	char *o, *start;
	unsigned cp, lo;

	/* Unescaping never makes a string longer. */
	if (r->scratch == NULL || REC_SCRATCH - r->scratch_len < len)
		return NULL;
	start = o = r->scratch + r->scratch_len;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		if (++p >= end)
			return NULL;
		switch (*p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(p, end, &cp) != 0)
				return NULL;
			p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 &&
			    p[0] == '\\' && p[1] == 'u' &&
			    hex4(p + 2, end, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			/* \uXXXX is 6 bytes: its UTF-8 (<= 4) fits. */
			if (cp < 0x80)
				*o++ = (char)cp;
			else if (cp < 0x800) {
				*o++ = (char)(0xc0 | cp >> 6);
				*o++ = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				*o++ = (char)(0xe0 | cp >> 12);
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*o++ = (char)(0x80 | (cp & 0x3f));
			} else {
				*o++ = (char)(0xf0 | cp >> 18);
				*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*o++ = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			return NULL;
		}
	}
	*out_len = (size_t)(o - start);
	r->scratch_len += *out_len;
	return start;
}
