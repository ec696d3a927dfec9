/*
 * json_tree.c: path readers over yajl trees for the online sources'
 * parsers.  Absent, null and wrongly typed values all read as "absent", so
 * one parser copes with 2019 and 2024 shapes of the same answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/json_tree.h"

#define JT_MAX_DEPTH	64

/*
 * yajl frees its trees recursively, so a hostile answer nested a million
 * deep would blow the stack: refuse anything deeper than any real API.
 */
static int
too_deep(const char *s, size_t len)
{
	int depth = 0, in_str = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"')
			in_str = 1;
		else if (c == '[' || c == '{') {
			if (++depth > JT_MAX_DEPTH)
				return 1;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return 0;
}

yajl_val
jt_parse(const char *body, size_t len, char *why, size_t why_size)
{
	char ebuf[128];
	yajl_val v;
	size_t i;

	if (why_size > 0)
		why[0] = '\0';
	/* yajl reads up to the NUL: a NUL inside the body is malformed. */
	if (strlen(body) != len) {
		snprintf(why, why_size, "a NUL byte inside the answer");
		return NULL;
	}
	if (too_deep(body, len)) {
		snprintf(why, why_size, "JSON nested over %d deep",
		    JT_MAX_DEPTH);
		return NULL;
	}
	ebuf[0] = '\0';
	v = yajl_tree_parse(body, ebuf, sizeof(ebuf));
	if (v != NULL)
		return v;
	for (i = 0; i < sizeof(ebuf) && ebuf[i] != '\0'; i++)
		if (ebuf[i] == '\n' || ebuf[i] == '\r')
			ebuf[i] = ' ';
	/* The first line of yajl's message is the reason; drop the echo. */
	for (i = 0; i + 1 < sizeof(ebuf) && ebuf[i] != '\0'; i++)
		if (ebuf[i] == ' ' && ebuf[i + 1] == ' ') {
			ebuf[i] = '\0';
			break;
		}
	if (strstr(ebuf, "premature EOF") != NULL)
		snprintf(why, why_size, "truncated JSON");
	else
		snprintf(why, why_size, "malformed JSON%s%.80s",
		    ebuf[0] ? ": " : "", ebuf);
	return NULL;
}

void
jt_free(yajl_val v)
{
	if (v != NULL)
		yajl_tree_free(v);
}

yajl_val
jt_getv(yajl_val v, const char *const *path)
{
	size_t i, k;

	for (k = 0; v != NULL && path[k] != NULL; k++) {
		yajl_val next = NULL;

		if (!YAJL_IS_OBJECT(v))
			return NULL;
		for (i = 0; i < v->u.object.len; i++)
			if (strcmp(v->u.object.keys[i], path[k]) == 0) {
				next = v->u.object.values[i];
				break;
			}
		v = next;
	}
	return v;
}

const char *
jt_strv(yajl_val v, const char *const *path)
{
	v = jt_getv(v, path);
	return v != NULL && YAJL_IS_STRING(v) ? v->u.string : NULL;
}

int64_t
jt_intv(yajl_val v, int64_t def, const char *const *path)
{
	const char *s;
	char *end;
	long long n;

	v = jt_getv(v, path);
	if (v == NULL)
		return def;
	if (YAJL_IS_INTEGER(v))
		return v->u.number.i;
	if (YAJL_IS_DOUBLE(v))
		/* Out of range (or NaN) would be undefined: absent. */
		return v->u.number.d > -9.2e18 && v->u.number.d < 9.2e18 ?
		    (int64_t)v->u.number.d : def;
	if (!YAJL_IS_STRING(v))
		return def;
	s = v->u.string;
	if (*s == '\0')
		return def;
	n = strtoll(s, &end, 10);
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			;
	return *end == '\0' ? (int64_t)n : def;
}

int
jt_boolv(yajl_val v, const char *const *path)
{
	v = jt_getv(v, path);
	if (v == NULL)
		return -1;
	if (YAJL_IS_TRUE(v))
		return 1;
	if (YAJL_IS_FALSE(v))
		return 0;
	if (YAJL_IS_STRING(v)) {
		if (strcmp(v->u.string, "true") == 0)
			return 1;
		if (strcmp(v->u.string, "false") == 0)
			return 0;
	}
	return -1;
}

size_t
jt_len(yajl_val arr)
{
	return arr != NULL && YAJL_IS_ARRAY(arr) ? arr->u.array.len : 0;
}

yajl_val
jt_at(yajl_val arr, size_t i)
{
	return i < jt_len(arr) ? arr->u.array.values[i] : NULL;
}

int
jt_is_str(yajl_val v)
{
	return v != NULL && YAJL_IS_STRING(v);
}
