/*
 * csv.c: the abuse.ch CSV dialects.  Fields are quoted (RFC 4180, quotes
 * doubled), separated by "," (URLhaus, Feodo) or ", " (ThreatFox,
 * MalwareBazaar); the header is the last comment line before the data or a
 * plain first line, and columns are found by name so that older layouts
 * with fewer columns import too.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

char *
imp_nul_replace(struct chousa_arena *a, const char *s, size_t len,
    size_t *out_len)
{
	size_t i, n = 0, size = len + 1;
	char *out;

	for (i = 0; i < len; i++)
		if (s[i] == '\0')
			size += 2;
	out = a != NULL ? chousa_arena_alloc(a, size) : mem_alloc(size);
	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (s[i] == '\0') {
			memcpy(out + n, "\xef\xbf\xbd", 3);
			n += 3;
		} else
			out[n++] = s[i];
	out[n] = '\0';
	if (out_len != NULL)
		*out_len = n;
	return out;
}

void
csv_init(struct csv *c, const char *const *names, int min_match)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->names = names;
	c->min_match = min_match;
	/* Without a header, the documented order. */
	for (i = 0; i < CSV_MAX_COLS && names[i] != NULL; i++)
		c->idx[i] = i;
	for (; i < CSV_MAX_COLS; i++)
		c->idx[i] = -1;
}

int
csv_split(char *line, size_t len, char **f, size_t *fl, int max)
{
	char *p = line, *end = line + len, *w;
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && *p == '"') {
			w = f[n] = ++p;
			for (;;) {
				if (p == end)
					return -1;	/* unterminated */
				if (*p == '"') {
					if (p + 1 < end && p[1] == '"') {
						*w++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*w++ = *p++;
			}
			fl[n] = (size_t)(w - f[n]);
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p != ',')
				return -1;
		} else {
			f[n] = p;
			while (p < end && *p != ',')
				p++;
			w = p;
			while (w > f[n] && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
			fl[n] = (size_t)(w - f[n]);
		}
		n++;
		if (p == end)
			break;
		*p++ = '\0';	/* the comma */
	}
	return n;
}

/* Try line as a header; returns whether it was one. */
static int
try_header(struct csv *c, char *line, size_t len)
{
	char *f[CSV_MAX_FIELDS];
	size_t fl[CSV_MAX_FIELDS];
	int idx[CSV_MAX_COLS];
	int n, i, j, matched = 0;

	n = csv_split(line, len, f, fl, CSV_MAX_FIELDS);
	if (n < 2)
		return 0;
	for (i = 0; i < CSV_MAX_COLS; i++)
		idx[i] = -1;
	for (i = 0; i < CSV_MAX_COLS && c->names[i] != NULL; i++)
		for (j = 0; j < n; j++)
			if (strlen(c->names[i]) == fl[j] &&
			    memcmp(c->names[i], f[j], fl[j]) == 0) {
				idx[i] = j;
				matched++;
				break;
			}
	if (matched < c->min_match)
		return 0;
	memcpy(c->idx, idx, sizeof(idx));
	c->have_header = 1;
	return 1;
}

int
csv_next(struct imp *imp, struct csv *c, int *eof)
{
	struct chousa_err lerr = { 0 };
	char *line, *p;
	size_t len;
	int rc, n;

	rc = imp_scratch(imp);
	if (rc != CHOUSA_OK)
		return rc;
	for (;;) {
		rc = input_line(imp->in, &line, &len, &lerr);
		c->line = input_lineno(imp->in);
		if (rc == CHOUSA_ELIMIT) {
			imp_row(imp);
			rc = imp_reject(imp, c->line, "%s", lerr.msg);
			if (rc != CHOUSA_OK)
				return rc;
			continue;
		}
		if (rc != CHOUSA_OK)
			return chousa_errf(imp->err, rc, "%s", lerr.msg);
		if (line == NULL) {
			*eof = 1;
			return CHOUSA_OK;
		}
		/* A UTF-8 byte-order mark on the first line. */
		if (c->line == 1 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
		p = line;
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		if (len == 0)
			continue;
		if (*p == '#') {
			/* Headers only before the data; footers after it. */
			if (imp->n_rows == 0) {
				p++;
				len--;
				imp_comment(imp, p, len);
				try_header(c, p, len);
			}
			continue;
		}
		if (!c->have_header && imp->n_rows == 0 &&
		    try_header(c, p, len))
			continue;
		imp_row(imp);
		n = csv_split(p, len, c->f, c->fl, CSV_MAX_FIELDS);
		if (n < 0) {
			rc = imp_reject(imp, c->line, "malformed CSV row");
			if (rc != CHOUSA_OK)
				return rc;
			continue;
		}
		c->nf = n;
		for (n = 0; n < c->nf; n++) {
			c->f[n][c->fl[n]] = '\0';
			if (memchr(c->f[n], '\0', c->fl[n]) != NULL) {
				c->f[n] = imp_nul_replace(imp->a, c->f[n],
				    c->fl[n], &c->fl[n]);
				if (c->f[n] == NULL)
					return chousa_errf(imp->err,
					    CHOUSA_ENOMEM, "out of memory");
			}
		}
		*eof = 0;
		return CHOUSA_OK;
	}
}

const char *
csv_get(struct csv *c, int i)
{
	int j = i < CSV_MAX_COLS ? c->idx[i] : -1;

	if (j < 0 || j >= c->nf || imp_is_null(c->f[j], c->fl[j]))
		return NULL;
	return c->f[j];
}

const char *
probe_first_data(const char *p, size_t len, size_t *line_len)
{
	const char *end = p + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p < nl && *p != '#') {
			*line_len = (size_t)(nl - p);
			return p;
		}
		p = nl + 1;
	}
	return NULL;
}

int
probe_starts(const char *p, size_t len, int c)
{
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return p[i] == c;
	return 0;
}
