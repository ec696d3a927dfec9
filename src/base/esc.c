/*
 * esc.c: making untrusted strings safe for each kind of output.  Everything
 * a feed, an API or a log says may hold escape sequences, invalid UTF-8,
 * markup or spreadsheet formulas; every renderer passes such strings through
 * one of these.  All of them decode UTF-8 strictly and write U+FFFD for a
 * bad sequence, so the output is always valid UTF-8.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"

static const char replacement[] = "\xef\xbf\xbd";

/*
 * Length of the valid UTF-8 sequence at s (1-4), or 0 when it is invalid
 * (overlong forms, surrogates and values past U+10FFFF included).  *cp gets
 * the code point.
 */
static size_t
utf8_seq(const unsigned char *s, size_t len, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
chousa_utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		n = utf8_seq(u + i, len - i, &cp);
		if (n == 0)
			break;
		i += n;
	}
	return i;
}

/*
 * Walk s by code point, calling emit for each valid one and writing U+FFFD
 * for each invalid byte.  emit gets the bytes of the code point; runs of
 * printable ASCII that are not in special (the characters the escaper
 * changes) are copied as they are.
 */
typedef void (*emit_fn)(struct chousa_buf *b, unsigned cp, const char *p,
    size_t n);

#define ONES		UINT64_C(0x0101010101010101)
#define HIGHS		UINT64_C(0x8080808080808080)
/* Whether a word has a zero byte: exact as a yes or no. */
#define HAS_ZERO(x)	(((x) - ONES) & ~(x) & HIGHS)
/* The most special characters the word-wide scan handles. */
#define MAX_SPECIAL	8

/*
 * Whether the 8 bytes at u are all printable ASCII (0x20 to 0x7e) and none
 * is special: spec holds each special byte repeated through a word.
 */
static int
plain8(const unsigned char *u, const uint64_t *spec, size_t n_spec)
{
	uint64_t x;
	size_t k;

	memcpy(&x, u, sizeof(x));
	/* No high bit: then x - 0x20.. borrows exactly at bytes below 0x20. */
	if ((x & HIGHS) != 0 || ((x - ONES * 0x20) & ~x & HIGHS) != 0 ||
	    HAS_ZERO(x ^ (ONES * 0x7f)) != 0)
		return 0;
	for (k = 0; k < n_spec; k++)
		if (HAS_ZERO(x ^ spec[k]) != 0)
			return 0;
	return 1;
}

static void
walk_plain(struct chousa_buf *b, const char *s, size_t len, emit_fn emit,
    const char *special)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char stop[32];		/* a bit per byte: special */
	uint64_t spec[MAX_SPECIAL];
	const char *q;
	size_t i = 0, n, start, n_spec = 0;
	unsigned cp;
	int wide = 1;

	if (s == NULL)
		return;
	memset(stop, 0, sizeof(stop));
	for (q = special; q != NULL && *q != '\0'; q++) {
		stop[(unsigned char)*q >> 3] |= (unsigned char)(1u <<
		    ((unsigned char)*q & 7));
		if (n_spec == MAX_SPECIAL)
			wide = 0;
		else
			spec[n_spec++] = ONES * (unsigned char)*q;
	}
	while (i < len) {
		/*
		 * Printable ASCII the escaper keeps goes in one piece: the
		 * common case, and most of an export's bytes.  Eight bytes
		 * are tested at once while they are all plain.
		 */
		start = i;
		while (wide && len - i >= 8 && plain8(u + i, spec, n_spec))
			i += 8;
		while (i < len && u[i] >= 0x20 && u[i] < 0x7f &&
		    (stop[u[i] >> 3] & (1u << (u[i] & 7))) == 0)
			i++;
		if (i > start)
			chousa_buf_add(b, s + start, i - start);
		if (i == len)
			break;
		n = utf8_seq(u + i, len - i, &cp);
		if (n == 0) {
			chousa_buf_add(b, replacement, 3);
			i++;
			continue;
		}
		emit(b, cp, s + i, n);
		i += n;
	}
}

/* C0, DEL and C1 controls, and the bidi overrides that disguise text. */
static int
is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* One line's breaks besides \n and \r: U+2028 and U+2029. */
static int
is_line_break(unsigned cp)
{
	return cp == 0x2028 || cp == 0x2029;
}

int
chousa_text_line_check(const char *what, const char *s, size_t max,
    struct chousa_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = s != NULL ? strlen(s) : 0, i, n;
	unsigned cp;

	if (len > max)
		return chousa_errf(err, CHOUSA_EINVAL, "the %s is %zu bytes "
		    "long: at most %zu", what, len, max);
	for (i = 0; i < len; i += n) {
		if ((n = utf8_seq(u + i, len - i, &cp)) == 0)
			return chousa_errf(err, CHOUSA_EINVAL, "the %s is not "
			    "UTF-8", what);
		if (is_control(cp) || is_line_break(cp))
			return chousa_errf(err, CHOUSA_EINVAL, "the %s holds "
			    "a control character or a line or direction mark "
			    "(at byte %zu): it is one line of plain text", what,
			    i);
	}
	return CHOUSA_OK;
}

static void
emit_text(struct chousa_buf *b, unsigned cp, const char *p, size_t n)
{
	if (cp == '\t') {
		chousa_buf_addch(b, ' ');
		return;
	}
	if (is_control(cp))
		return;	/* ESC included: an escape sequence loses its head */
	chousa_buf_add(b, p, n);
}

void
chousa_esc_text(struct chousa_buf *b, const char *s, size_t len)
{
	walk_plain(b, s, len, emit_text, NULL);
}

static void
emit_line(struct chousa_buf *b, unsigned cp, const char *p, size_t n)
{
	if (cp == '\n' || cp == '\r' || cp == '\t')
		chousa_buf_addch(b, ' ');
	else if (!is_control(cp))
		chousa_buf_add(b, p, n);
}

void
chousa_esc_line(struct chousa_buf *b, const char *s, size_t len)
{
	walk_plain(b, s, len, emit_line, NULL);
}

static void
emit_json(struct chousa_buf *b, unsigned cp, const char *p, size_t n)
{
	switch (cp) {
	case '"':
		chousa_buf_add(b, "\\\"", 2);
		return;
	case '\\':
		chousa_buf_add(b, "\\\\", 2);
		return;
	case '\n':
		chousa_buf_add(b, "\\n", 2);
		return;
	case '\r':
		chousa_buf_add(b, "\\r", 2);
		return;
	case '\t':
		chousa_buf_add(b, "\\t", 2);
		return;
	}
	/*
	 * Escaped, not dropped: the string reads back the same, and a log of
	 * JSON lines shown in a terminal (tail -f) takes no C1 control for
	 * a sequence nor a bidi override for a reversal.
	 */
	if (is_control(cp) || is_line_break(cp))
		chousa_buf_addf(b, "\\u%04x", cp);
	else
		chousa_buf_add(b, p, n);
}

/* A byte a JSON string carries as it is: printable ASCII but " and \. */
static int
json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void
chousa_esc_json(struct chousa_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	/*
	 * Most strings are plain from end to end: they go in one piece,
	 * without walk_plain's set-up, which cost more than short strings.
	 */
	if (s == NULL)
		return;
	while (i < len && json_plain(u[i]))
		i++;
	chousa_buf_add(b, s, i);
	if (i < len)
		walk_plain(b, s + i, len - i, emit_json, "\"\\");
}

void
chousa_esc_json_str(struct chousa_buf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	if (s == NULL) {
		chousa_buf_add(b, "null", 4);
		return;
	}
	/* The plain start, up to the NUL or the first byte to escape. */
	while (json_plain(u[i]))
		i++;
	chousa_buf_addch(b, '"');
	chousa_buf_add(b, s, i);
	if (u[i] != '\0')
		walk_plain(b, s + i, strlen(s + i), emit_json, "\"\\");
	chousa_buf_addch(b, '"');
}

static void
emit_html(struct chousa_buf *b, unsigned cp, const char *p, size_t n)
{
	switch (cp) {
	case '&':
		chousa_buf_add(b, "&amp;", 5);
		return;
	case '<':
		chousa_buf_add(b, "&lt;", 4);
		return;
	case '>':
		chousa_buf_add(b, "&gt;", 4);
		return;
	case '"':
		chousa_buf_add(b, "&quot;", 6);
		return;
	case '\'':
		chousa_buf_add(b, "&#39;", 5);
		return;
	case '\n':
	case '\t':
		chousa_buf_add(b, p, n);
		return;
	}
	if (is_control(cp))
		return;
	chousa_buf_add(b, p, n);
}

void
chousa_esc_html(struct chousa_buf *b, const char *s, size_t len)
{
	walk_plain(b, s, len, emit_html, "&<>\"'");
}

static int
is_alnum_cp(unsigned cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
	    (cp >= 'A' && cp <= 'Z') || cp >= 0x80;
}

/*
 * Whether a line may break after u[i]: after a run of the punctuation
 * that ends a label or a path segment, before the letter or digit that
 * starts the next ("evil[.]<wbr>example", "hxxp[:]//<wbr>x").
 */
static int
breaks_after(const unsigned char *u, size_t i, size_t len)
{
	if (i + 1 >= len || u[i] == '\0' || strchr("./?&=]@:", u[i]) == NULL)
		return 0;
	return is_alnum_cp(u[i + 1]);
}

void
chousa_esc_html_breakable(struct chousa_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t from = 0, i;

	if (s == NULL)
		return;
	for (i = 0; i < len; i++)
		if (breaks_after(u, i, len)) {
			chousa_esc_html(b, s + from, i + 1 - from);
			chousa_buf_add(b, "<wbr>", 5);
			from = i + 1;
		}
	chousa_esc_html(b, s + from, len - from);
}

/*
 * Only what can start markup is escaped, so the text reads as written:
 * backslash, backtick, * [ ] | ~ always, < > & as entities (an HTML tag
 * must not come alive in a renderer that ignores a backslash there), and _
 * where it could open or close emphasis (not inside a word:
 * "malware_download" stays).
 */
void
chousa_esc_md(struct chousa_buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp, prev = ' ', next = ' ';
	size_t i = 0, n, m;

	if (s == NULL)
		return;
	while (i < len) {
		n = utf8_seq(u + i, len - i, &cp);
		if (n == 0) {
			chousa_buf_add(b, replacement, 3);
			i++;
			prev = 0xfffd;
			continue;
		}
		if (cp == '\n' || cp == '\r' || cp == '\t')
			chousa_buf_addch(b, ' ');
		else if (is_control(cp))
			;
		else if (cp == '_') {
			m = i + n < len ? utf8_seq(u + i + n, len - i - n,
			    &next) : 0;
			if (m == 0 || !is_alnum_cp(prev) || !is_alnum_cp(next))
				chousa_buf_addch(b, '\\');
			chousa_buf_addch(b, '_');
		} else if (cp == '<')
			chousa_buf_add(b, "&lt;", 4);
		else if (cp == '>')
			chousa_buf_add(b, "&gt;", 4);
		else if (cp == '&')
			chousa_buf_add(b, "&amp;", 5);
		else {
			/* "](" would open a link's target, whatever came before. */
			if ((cp < 0x80 && strchr("\\`*[]|~", (int)cp) != NULL) ||
			    (cp == '(' && prev == ']'))
				chousa_buf_addch(b, '\\');
			chousa_buf_add(b, s + i, n);
		}
		prev = cp;
		i += n;
	}
}

static void
emit_csv(struct chousa_buf *b, unsigned cp, const char *p, size_t n)
{
	if (cp == '"') {
		chousa_buf_add(b, "\"\"", 2);
		return;
	}
	if (cp == '\n' || cp == '\r' || cp == '\t') {
		chousa_buf_addch(b, ' ');
		return;
	}
	if (is_control(cp))
		return;
	chousa_buf_add(b, p, n);
}

void
chousa_esc_csv(struct chousa_buf *b, const char *s, size_t len)
{
	chousa_buf_addch(b, '"');
	/* A spreadsheet runs a cell that starts with one of these. */
	if (s != NULL && len > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		chousa_buf_addch(b, '\'');
	walk_plain(b, s, len, emit_csv, "\"");
	chousa_buf_addch(b, '"');
}

void
chousa_esc_stix(struct chousa_buf *b, const char *s)
{
	size_t n;

	chousa_buf_addch(b, '\'');
	while (*s != '\0') {
		n = strcspn(s, "'\\");
		chousa_buf_add(b, s, n);
		s += n;
		if (*s == '\0')
			break;
		chousa_buf_addch(b, '\\');
		chousa_buf_addch(b, *s);
		s++;
	}
	chousa_buf_addch(b, '\'');
}
