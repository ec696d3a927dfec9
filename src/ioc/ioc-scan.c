/*
 * ioc-scan.c: refang and extract indicators from free text in one pass.
 * The text is cut into runs (bytes that can belong to an indicator:
 * letters of any script, digits and ASCII punctuation; white space,
 * quotes, angle brackets and CJK punctuation end a run).  A run that
 * holds a defang marker is refanged into a scratch copy with a map back to
 * the raw bytes; then URLs are found by their scheme and the rest is cut
 * into words, and words where CJK prose meets an indicator (cjk_cut()),
 * and the pieces are classified.  Only what classifies as an indicator is
 * reported or refanged, so prose stays prose.  Nothing is allocated per
 * run: the scratch buffers are reused.
 */
#include <pthread.h>
#include <string.h>

#include "chousa.h"
#include "ioc/ioc.h"
#include "base/hash.h"
#include "base/mem.h"

#define MAX_RUN		IOC_MAX_TOKEN	/* longer runs are cut */
#define UNIQUE_MAX	(1u << 26)	/* entries in the unique set */

/* Byte classes of the scanner. */
enum { C_RUN = 1, C_ANCHOR = 2, C_WORD = 4, C_ALNUM = 8, C_HEX = 16,
	C_DEFANG = 32, C_COLON = 64, C_TRIM = 128, C_AT = 256, C_MARK2 = 512,
	C_CJK = 1024 /* of a run only: it has CJK letters */, C_SLASH = 2048 };

static unsigned short cls[256];

/* One-character strings, for what a full-width character stands for. */
static char ascii_str[128][2];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void init_classes(void);

/* The tables are built once, whichever thread comes first. */
static void
classes(void)
{
	pthread_once(&cls_once, init_classes);
}

static void
init_classes(void)
{
	int c;

	for (c = 1; c < 128; c++)
		ascii_str[c][0] = (char)c;

	for (c = 0x21; c < 0x7f; c++)
		cls[c] = C_RUN;
	/* Ends of a run: quotes, angle brackets, backticks, '|'. */
	cls['"'] = cls['<'] = cls['>'] = cls['`'] = cls['|'] = 0;
	cls['^'] = 0;
	for (c = '0'; c <= '9'; c++)
		cls[c] |= C_WORD | C_ALNUM | C_HEX;
	for (c = 'a'; c <= 'z'; c++)
		cls[c] |= C_WORD | C_ALNUM | (c <= 'f' ? C_HEX : 0);
	for (c = 'A'; c <= 'Z'; c++)
		cls[c] |= C_WORD | C_ALNUM | (c <= 'F' ? C_HEX : 0);
	cls['.'] |= C_ANCHOR | C_WORD;
	cls[':'] |= C_ANCHOR | C_WORD;
	cls['@'] |= C_ANCHOR | C_WORD;
	cls['-'] |= C_WORD;
	cls['_'] |= C_WORD;
	cls['+'] |= C_WORD;
	cls['['] |= C_ANCHOR | C_DEFANG;
	cls['('] |= C_ANCHOR | C_DEFANG;
	cls['{'] |= C_ANCHOR | C_DEFANG;
	cls['}'] |= C_ANCHOR | C_DEFANG;
	cls[')'] |= C_DEFANG;
	cls['/'] |= C_SLASH;
	cls['\\'] |= C_ANCHOR | C_DEFANG;
	cls[']'] |= C_ANCHOR | C_DEFANG;
	cls[':'] |= C_COLON;
	cls['.'] |= C_TRIM;
	cls['-'] |= C_TRIM;
	cls['_'] |= C_TRIM;
	cls['+'] |= C_TRIM;
	cls['@'] |= C_TRIM;
	cls[':'] |= C_TRIM;
	cls['@'] |= C_AT;
	/* Second bytes of the bracketed markers: "[.]", "(dot)", " [at] ". */
	cls['.'] |= C_MARK2;
	cls[':'] |= C_MARK2;
	cls['/'] |= C_MARK2;
	cls['@'] |= C_MARK2;
	cls['d'] |= C_MARK2;
	cls['D'] |= C_MARK2;
	cls['a'] |= C_MARK2;
	cls['A'] |= C_MARK2;
	cls['['] |= C_MARK2;
	cls['('] |= C_MARK2;
	cls['{'] |= C_MARK2;
	for (c = 0; "\\,-<>pPeEwWhH]}^"[c] != '\0'; c++)
		cls[(unsigned char)"\\,-<>pPeEwWhH]}^"[c]] |= C_MARK2;
	/* Bytes of UTF-8 letters stay in words; which ones is decided by
	 * utf8_class(). */
	for (c = 0x80; c < 0x100; c++)
		cls[c] = C_WORD;
}

/* What utf8_class() says a non-ASCII character is. */
enum {
	U_END = 0,	/* not part of an indicator: ends a run */
	U_LETTER = 1,	/* a letter of a script written with spaces */
	U_CJK = 2,	/* Han, kana or Hangul: written without spaces */
	U_HIRA = 3	/* hiragana, which CJK prose uses for particles */
	/* 0x21..0x7e: the ASCII character a full-width form stands for */
};

/* Ranges of code points that are letters (or marks) of a host label. */
static const struct {
	unsigned	first, last;
	int		kind;
} letters[] = {
	{ 0x00aa, 0x00aa, U_LETTER }, { 0x00b5, 0x00b5, U_LETTER },
	{ 0x00ba, 0x00ba, U_LETTER }, { 0x00c0, 0x00d6, U_LETTER },
	{ 0x00d8, 0x00f6, U_LETTER }, { 0x00f8, 0x02af, U_LETTER },
	{ 0x0300, 0x036f, U_LETTER },	/* combining marks */
	{ 0x0370, 0x037d, U_LETTER }, { 0x037f, 0x0386, U_LETTER },
	{ 0x0388, 0x03ff, U_LETTER }, { 0x0400, 0x0482, U_LETTER },
	{ 0x0483, 0x052f, U_LETTER }, { 0x0531, 0x0556, U_LETTER },
	{ 0x0561, 0x0587, U_LETTER }, { 0x0591, 0x05bd, U_LETTER },
	{ 0x05bf, 0x05bf, U_LETTER }, { 0x05c1, 0x05c2, U_LETTER },
	{ 0x05c4, 0x05c5, U_LETTER }, { 0x05c7, 0x05c7, U_LETTER },
	{ 0x05d0, 0x05ea, U_LETTER }, { 0x0610, 0x061a, U_LETTER },
	{ 0x0620, 0x0669, U_LETTER }, { 0x066e, 0x06d3, U_LETTER },
	{ 0x06d5, 0x06dc, U_LETTER }, { 0x06df, 0x06e8, U_LETTER },
	{ 0x06ea, 0x06ff, U_LETTER }, { 0x0900, 0x0963, U_LETTER },
	{ 0x0966, 0x0d7f, U_LETTER },	/* Indic scripts */
	{ 0x0e01, 0x0e3a, U_LETTER }, { 0x0e40, 0x0e4e, U_LETTER },
	{ 0x0e50, 0x0e59, U_LETTER }, { 0x0e81, 0x0edf, U_LETTER },
	{ 0x10a0, 0x10ff, U_LETTER }, { 0x1100, 0x11ff, U_CJK },
	{ 0x1e00, 0x1fbc, U_LETTER }, { 0x1fc2, 0x1fcc, U_LETTER },
	{ 0x1fd0, 0x1fdb, U_LETTER }, { 0x1fe0, 0x1fec, U_LETTER },
	{ 0x1ff2, 0x1ffc, U_LETTER },
	{ 0x200c, 0x200d, U_LETTER },	/* joiners, inside Indic and Arabic
					 * words; IDNA judges them */
	{ 0x3005, 0x3007, U_CJK },
	{ 0x3041, 0x3096, U_HIRA }, { 0x309d, 0x309f, U_HIRA },
	{ 0x30a1, 0x30fa, U_CJK }, { 0x30fc, 0x30ff, U_CJK },
	{ 0x3131, 0x318e, U_CJK }, { 0x31f0, 0x31ff, U_CJK },
	{ 0x3400, 0x4dbf, U_CJK }, { 0x4e00, 0x9fff, U_CJK },
	{ 0xac00, 0xd7a3, U_CJK }, { 0xf900, 0xfaff, U_CJK },
	{ 0xff66, 0xff9f, U_CJK },	/* half-width katakana */
	{ 0x20000, 0x3134f, U_CJK },
};

/*
 * A non-ASCII character at s: its length in *n and what it means here:
 * U_END, U_LETTER, U_CJK, U_HIRA, or the ASCII byte a full-width form
 * stands for ('.', ':', '/', '@', digits, letters, '-').
 */
static int
utf8_class(const unsigned char *s, size_t len, size_t *n)
{
	unsigned cp = ioc_utf8_decode(s, len, n);
	size_t lo = 0, hi = sizeof(letters) / sizeof(letters[0]), mid;

	if (*n == 0) {
		*n = 1;
		return U_END;
	}
	/* Full-width digits, letters and hyphen, as typed in a Japanese
	 * input method. */
	if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 &&
	    cp <= 0xff3a) || (cp >= 0xff41 && cp <= 0xff5a) || cp == 0xff0d)
		return (int)(cp - 0xff00 + 0x20);
	switch (cp) {
	case 0xff0e:	/* FULLWIDTH FULL STOP */
	case 0x3002:	/* IDEOGRAPHIC FULL STOP */
	case 0xff61:	/* HALFWIDTH IDEOGRAPHIC FULL STOP */
		return '.';
	case 0xff1a:
		return ':';
	case 0xff0f:
		return '/';
	case 0xff20:
		return '@';
	}
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cp < letters[mid].first)
			hi = mid;
		else if (cp > letters[mid].last)
			lo = mid + 1;
		else
			return letters[mid].kind;
	}
	return U_END;
}

/* ---- the extractor ---- */

struct uniq {
	uint64_t	*hash;		/* 0 = empty slot */
	size_t		 n, cap;
};

struct chousa_extractor {
	struct chousa_extract_opts	 opts;
	struct ioc_tld_cache		*tlds;
	struct chousa_buf		 clean;	/* refanged run */
	size_t				*map;	/* clean -> raw offset */
	size_t				 map_cap;
	struct chousa_buf		 work;	/* ioc_res strings */
	struct uniq			 uniq;
	/* The current run and the caller's callback. */
	const char			*text;
	size_t				 text_len, base, run_start;
	int				 run_changed;
	int				(*emit)(struct chousa_extractor *,
					    struct ioc_res *, size_t cs,
					    size_t ce);
	chousa_ioc_fn			 fn;
	void				*arg;
	int				 stop;
	/* refang output */
	struct chousa_buf		*out;
	size_t				 copied;
};

int
chousa_extractor_new(struct chousa_extractor **out,
    const struct chousa_extract_opts *opts, struct chousa_err *err)
{
	struct chousa_extractor *x;

	classes();
	x = mem_alloc(sizeof(*x));
	if (x == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory for an "
		    "extractor");
	if (opts != NULL)
		x->opts = *opts;
	x->tlds = ioc_tld_cache_new();
	x->map_cap = MAX_RUN * 2 + 64;
	x->map = mem_alloc(x->map_cap * sizeof(*x->map));
	chousa_buf_init(&x->clean, MAX_RUN * 2 + 64);
	chousa_buf_init(&x->work, MAX_RUN * 8);
	if (x->tlds == NULL || x->map == NULL) {
		chousa_extractor_free(x);
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory for an "
		    "extractor");
	}
	*out = x;
	return CHOUSA_OK;
}

void
chousa_extractor_free(struct chousa_extractor *x)
{
	if (x == NULL)
		return;
	ioc_tld_cache_free(x->tlds);
	mem_free(x->map);
	mem_free(x->uniq.hash);
	chousa_buf_release(&x->clean);
	chousa_buf_release(&x->work);
	mem_free(x);
}

static uint64_t
hash64(int type, const char *s, size_t len)
{
	uint64_t h = chousa_fnv1a64(CHOUSA_FNV64_INIT ^ (uint64_t)type, s, len);

	h ^= h >> 29;
	return h ? h : 1;
}

/*
 * Whether (type, value) was seen; adds it.  A 64-bit hash stands for the
 * value: a collision (about 1 in 10^10 at a million entries) would hide
 * one indicator, which is acceptable for de-duplication.
 */
static int
uniq_seen(struct uniq *u, int type, const char *s, size_t len)
{
	uint64_t h = hash64(type, s, len);
	size_t i;

	if (u->n * 2 >= u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 1024, k;
		uint64_t *nh;

		if (ncap > UNIQUE_MAX)
			return 0;	/* full: report, do not remember */
		nh = mem_alloc(ncap * sizeof(*nh));
		if (nh == NULL)
			return 0;
		for (k = 0; k < u->cap; k++) {
			if (u->hash[k] == 0)
				continue;
			i = u->hash[k] & (ncap - 1);
			while (nh[i] != 0)
				i = (i + 1) & (ncap - 1);
			nh[i] = u->hash[k];
		}
		mem_free(u->hash);
		u->hash = nh;
		u->cap = ncap;
	}
	i = h & (u->cap - 1);
	while (u->hash[i] != 0) {
		if (u->hash[i] == h)
			return 1;
		i = (i + 1) & (u->cap - 1);
	}
	u->hash[i] = h;
	u->n++;
	return 0;
}

/* ---- refanging a run ---- */

/* strchr(set, c) that does not match the NUL. */
static int
in_set(const char *set, int c)
{
	return c != 0 && strchr(set, c) != NULL;
}

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether s (of len) starts with the lower-case word w, any case. */
static size_t
match_ci(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w), i;

	if (n > len)
		return 0;
	for (i = 0; i < n; i++)
		if (lc((unsigned char)s[i]) != w[i])
			return 0;
	return n;
}

/*
 * What may stand between a scheme of n bytes at s and its host: ':' (maybe
 * bracketed, or full-width), "]" or ")" closing "[http", a space or two
 * ("http :// evil.com"), no ':' at all ("http//"), a third slash.
 * Returns the length to replace with *to (the scheme, or the scheme and
 * "://" when the separator itself was defanged); 0 when none follows.
 */
static size_t
scheme_sep(const char *s, size_t len, size_t n, const char **to)
{
	static const char *const full[] = { "http://", "https://", "ftp://",
	    NULL };
	size_t k = n, j, e;
	int i, colon;

	if (k < len && (s[k] == ']' || s[k] == ')'))
		k++;
	while (k < len && k - n < 3 && s[k] == ' ')
		k++;
	if (k < len && (s[k] == '[' || s[k] == '(' || s[k] == '{') &&
	    k + 1 < len && s[k + 1] == ':')
		return k;
	if (k + 2 < len && (unsigned char)s[k] == 0xef &&
	    (unsigned char)s[k + 1] == 0xbc && (unsigned char)s[k + 2] == 0x9a)
		return k;
	colon = k < len && s[k] == ':';
	for (j = k + colon; j < len && j - k - colon < 4 && (s[j] == '/' ||
	    s[j] == '\\'); j++)
		;
	for (e = j; e < len && e - j < 3 && s[e] == ' '; e++)
		;
	if (colon && j - k - 1 <= 2 && e == j)
		return k;	/* "http://" or a bracketed form: as it is */
	if (j - k - colon < 2 || e >= len ||
	    !(cls[(unsigned char)s[e]] & C_ALNUM))
		return 0;
	/*
	 * Refanging never lengthens text (the scanner's buffers rely on
	 * it): "http//evil.com" becomes "http:/evil.com", which the URL
	 * Standard reads as http://evil.com/.
	 */
	if (!colon && e == j) {
		if (j - k != 2 || k != n)
			return 0;
		*to = strcmp(*to, "https") == 0 ? "https:" :
		    strcmp(*to, "ftp") == 0 ? "ftp:" : "http:";
		return k + 1;
	}
	for (i = 0; full[i] != NULL; i++)
		if (strncmp(full[i], *to, strlen(*to)) == 0 &&
		    full[i][strlen(*to)] == ':')
			*to = full[i];
	return e;
}

/*
 * A defanged scheme at s ("hxxp", "hXXps", "h__p", "fxp", "http[s]"):
 * returns the raw length and sets *to to the real scheme, or 0.  Only
 * when a ':' (maybe bracketed) follows.
 */
static size_t
defanged_scheme(const char *s, size_t len, const char **to)
{
	size_t n = 0, k;
	int c1, c2;

	if (len < 4)
		return 0;
	c1 = lc((unsigned char)s[1]);
	c2 = lc((unsigned char)s[2]);
	/* "xxxx://" for http, "xxxxs://" and "xxxxx://" for https. */
	if (match_ci(s, len, "xxxx") == 4) {
		n = 4;
		*to = "http";
		if (n < len && (lc((unsigned char)s[n]) == 's' ||
		    lc((unsigned char)s[n]) == 'x')) {
			n++;
			*to = "https";
		}
		return scheme_sep(s, len, n, to);
	}
	if (lc((unsigned char)s[0]) == 'h' && lc((unsigned char)s[3]) == 'p' &&
	    in_set("xt_*-?", c1) && in_set("xt_*-?", c2) &&
	    !(c1 == 't' && c2 == 't')) {
		n = 4;
		*to = "http";
	} else if (lc((unsigned char)s[0]) == 'h' &&
	    match_ci(s, len, "http") == 4) {
		n = 4;
		*to = "http";
	} else if (lc((unsigned char)s[0]) == 'f' &&
	    in_set("x_*", lc((unsigned char)s[1])) &&
	    lc((unsigned char)s[2]) == 'p') {
		n = 3;
		*to = "ftp";
	} else if (lc((unsigned char)s[0]) == 'f' &&
	    in_set("x_*", lc((unsigned char)s[1])) &&
	    in_set("x_*", lc((unsigned char)s[2])) &&
	    lc((unsigned char)s[3]) == 'p') {
		n = 4;
		*to = "ftp";
	}
	if (n == 0)
		return 0;
	if (*to[0] == 'h') {
		k = match_ci(s + n, len - n, "[s]");
		if (k == 0)
			k = match_ci(s + n, len - n, "(s)");
		if (k > 0) {
			n += k;
			*to = "https";
		} else if (n < len && lc((unsigned char)s[n]) == 's') {
			n++;
			*to = "https";
		}
	}
	return scheme_sep(s, len, n, to);
}

/* Bracketed markers: what they stand for. */
static const struct {
	const char	*raw;
	const char	*to;
} markers[] = {
	{ "[://]", "://" }, { "[:]//", "://" }, { "[:/]/", "://" },
	{ "[.]", "." }, { "(.)", "." }, { "{.}", "." }, { "[dot]", "." },
	{ "(dot)", "." }, { "{dot}", "." }, { "[:]", ":" }, { "(:)", ":" },
	{ "{:}", ":" }, { "[/]", "/" }, { "[@]", "@" }, { "(@)", "@" },
	{ "{@}", "@" }, { "[at]", "@" }, { "(at)", "@" }, { "{at}", "@" },
	{ " [.] ", "." }, { " (.) ", "." }, { " [dot] ", "." },
	{ " (dot) ", "." }, { " {dot} ", "." }, { " dot ", "." },
	{ " [at] ", "@" }, { " (at) ", "@" }, { " [@] ", "@" },
	/* seen in the peers' tests: */
	{ "].[", "." }, { "[.[", "." }, { "].]", "." }, { "}.{", "." },
	{ "{.{", "." }, { "}.}", "." }, { "<.>", "." }, { "\\(.\\)", "." },
	{ "\\(.)", "." }, { "(/)", "/" }, { "{/}", "/" },
	{ "[,]", "." }, { "(,)", "." }, { "[-]", "-" }, { "\\/", "/" },
	{ "[http]", "http" }, { "(http)", "http" }, { "[https]", "https" },
	{ "(https)", "https" }, { "[www]", "www" }, { "(www)", "www" },
	{ "[punto]", "." }, { "(punto)", "." }, { "[punkt]", "." },
	{ "(punkt)", "." }, { "{punkt}", "." }, { "[arroba]", "@" },
	{ "(arroba)", "@" }, { "{arroba}", "@" }, { "[et]", "@" },
	{ "(et)", "@" }, { "{et}", "@" },
	{ " [punto] ", "." }, { " (punto) ", "." }, { " [punkt] ", "." },
	{ " (punkt) ", "." }, { " [arroba] ", "@" }, { " (arroba) ", "@" },
	{ " [et] ", "@" }, { " (et) ", "@" },
	{ NULL, NULL }
};

/*
 * Whether a rule of refang_run() may start at byte c: a defanged scheme
 * (at a word start), a bracketed or spaced marker, "\.", "47.]244" after a
 * letter or digit, or a non-ASCII look-alike.  Erring towards yes is safe.
 */
static inline int
rule_may_start(unsigned char c, int prev_alnum)
{
	return c >= 0x80 || c == '[' || c == '(' || c == '{' || c == ' ' ||
	    c == '\\' || c == ']' || c == '}' || c == '<' ||
	    (prev_alnum && (c == '.' || c == '^')) || (!prev_alnum &&
	    (c == 'h' || c == 'H' || c == 'f' || c == 'F' || c == 'x' ||
	    c == 'X'));
}

/* Whether word s[0..n) is one of the lower-case words w. */
static int
word_in(const char *s, size_t n, const char *const *w)
{
	for (; *w != NULL; w++)
		if (strlen(*w) == n && match_ci(s, n, *w) == n)
			return 1;
	return 0;
}

/*
 * Spaces that defang: around "://" after a scheme ("http :// evil.com"),
 * around '@' ("foo @ bar.com"), or " AT " between the first word of a
 * list item and a host ("bob AT example.com").  What raw[i..] stands for
 * goes in *to; returns its length, or 0.  b holds what was refanged.
 */
static size_t
spaced_rule(const struct chousa_buf *b, const char *raw, size_t i,
    size_t len, const char **to)
{
	static const char *const schemes[] = { "http", "https", "ftp", NULL };
	size_t k = i, ws, s2;

	while (k < len && k - i < 3 && raw[k] == ' ')
		k++;
	/* "http ://" and "http:// host" */
	if (b->len >= 3 && memcmp(b->data + b->len - 3, "://", 3) == 0 &&
	    k < len && (cls[(unsigned char)raw[k]] & C_ALNUM)) {
		*to = "";
		return k - i;
	}
	for (ws = b->len; ws > 0 && (cls[(unsigned char)b->data[ws - 1]] &
	    C_ALNUM); ws--)
		;
	if (k + 2 < len && raw[k] == ':' && raw[k + 1] == '/' &&
	    word_in(b->data + ws, b->len - ws, schemes)) {
		*to = "";
		return k - i;
	}
	if (b->len == ws || k >= len)
		return 0;
	/* "foo @ bar.com" */
	if (raw[k] == '@') {
		for (s2 = k + 1; s2 < len && s2 - k < 4 && raw[s2] == ' '; s2++)
			;
		if (s2 > k + 1 && s2 < len && (cls[(unsigned char)raw[s2]] &
		    C_ALNUM)) {
			*to = "@";
			return s2 - i;
		}
		return 0;
	}
	/* "bob AT example.com" (spaced_join() saw the list item). */
	if (k + 3 < len && raw[k] == 'A' && raw[k + 1] == 'T' &&
	    raw[k + 2] == ' ') {
		for (s2 = k + 2; s2 < len && s2 - k < 5 && raw[s2] == ' '; s2++)
			;
		if (s2 < len && (cls[(unsigned char)raw[s2]] & C_ALNUM)) {
			*to = "@";
			return s2 - i;
		}
	}
	return 0;
}

/*
 * The rules of refang_run(), each given raw[i..len): the length of the
 * marker that starts at i, with *to set to what it stands for, or 0.
 */

/* "hxxp", "fxp", "xxxx": a defanged scheme at the start of a word. */
static size_t
scheme_rule(const char *raw, size_t i, size_t len, const char **to)
{
	unsigned char c = (unsigned char)raw[i];
	size_t n;

	if (c != 'h' && c != 'H' && c != 'f' && c != 'F' && c != 'x' &&
	    c != 'X')
		return 0;
	n = defanged_scheme(raw + i, len - i, to);
	/* "http://" written plainly is no marker. */
	if (n > 0 && c != 'x' && c != 'X' && n == strlen(*to) &&
	    match_ci(raw + i, n, *to) != 0)
		return 0;
	return n;
}

/* A bracketed marker of markers[] ("[.]", "(dot)", "\/"), or "\.". */
static size_t
bracket_rule(const char *raw, size_t i, size_t len, const char **to)
{
	unsigned char c = (unsigned char)raw[i];
	size_t k, m;

	if ((c == '[' || c == '(' || c == '{' || c == ' ' || c == ']' ||
	    c == '}' || c == '<' || c == '\\') && i + 2 < len &&
	    (cls[(unsigned char)raw[i + 1]] & C_MARK2)) {
		for (k = 0; markers[k].raw != NULL; k++) {
			m = match_ci(raw + i, len - i, markers[k].raw);
			if (m > 0) {
				*to = markers[k].to;
				return m;
			}
		}
	}
	if (c == '\\' && i + 1 < len && raw[i + 1] == '.') {
		*to = ".";
		return 2;
	}
	return 0;
}

/*
 * Between two digits, one dot among brackets and backslashes is a dot:
 * "10.)))10", "10[[[.10", "10\\\\.10".
 */
static size_t
digits_dot_rule(const char *raw, size_t i, size_t len, const char **to)
{
	size_t k;
	int dots = 0;

	if (i == 0 || raw[i - 1] < '0' || raw[i - 1] > '9' ||
	    !in_set(".[](){}\\", raw[i]))
		return 0;
	for (k = i; k < len && k - i < 10 && in_set(".[](){}\\", raw[k]); k++)
		dots += raw[k] == '.';
	if (dots != 1 || k - i < 2 || k >= len || raw[k] < '0' || raw[k] > '9')
		return 0;
	*to = ".";
	return k - i;
}

/* After a letter or digit: "47.]244", "10.]]]10", "1[.2", "example^.com". */
static size_t
broken_dot_rule(const char *raw, size_t i, size_t len, const char **to)
{
	char c = raw[i];
	size_t k = i + 1;

	if (c == '.')
		while (k < len && k - i < 4 && raw[k] == ']')
			k++;
	else if ((c == '[' || c == '(' || c == '^') && k < len &&
	    raw[k] == '.')
		k++;
	if (k == i + 1 || k >= len || !(cls[(unsigned char)raw[k]] & C_ALNUM))
		return 0;
	*to = ".";
	return k - i;
}

/*
 * Refang raw[0..len) into x->clean with x->map; returns whether anything
 * changed.  Every marker is undone here; whether the result is an
 * indicator is decided later, and only indicators are reported.
 */
static int
refang_run(struct chousa_extractor *x, const char *raw, size_t len)
{
	struct chousa_buf *b = &x->clean;
	size_t i = 0, k, n;
	int changed = 0, prev_alnum = 0;
	const char *to;

	chousa_buf_reset(b);
	while (i < len && b->len + 8 < x->map_cap) {
		unsigned char c = (unsigned char)raw[i];
		size_t start = i, room;

		/*
		 * Bytes at which none of the rules below can start are copied
		 * as a run, as the last lines of this loop would one by one
		 * (most of a feed's URLs; refanging was a tenth of an import).
		 */
		if (!rule_may_start(c, prev_alnum)) {
			room = x->map_cap - 8 - b->len;
			while (i < len && i - start < room &&
			    !rule_may_start((unsigned char)raw[i], prev_alnum)) {
				x->map[b->len + (i - start)] = i;
				prev_alnum = (cls[(unsigned char)raw[i]] &
				    C_ALNUM) != 0;
				i++;
			}
			chousa_buf_add(b, raw + start, i - start);
			continue;
		}
		to = NULL;
		n = 0;
		if (!prev_alnum)
			n = scheme_rule(raw, i, len, &to);
		if (n == 0 && c == ' ')
			n = spaced_rule(b, raw, i, len, &to);
		if (n == 0)
			n = bracket_rule(raw, i, len, &to);
		if (n == 0 && prev_alnum)
			n = digits_dot_rule(raw, i, len, &to);
		if (n == 0 && prev_alnum)
			n = broken_dot_rule(raw, i, len, &to);
		if (n == 0 && c >= 0x80) {
			size_t ul;
			int m = utf8_class((const unsigned char *)raw + i,
			    len - i, &ul);

			if (m > U_HIRA) {
				n = ul;
				to = ascii_str[m];
			} else {
				/* A letter: copied whole.  A scheme may follow a
				 * CJK letter ("はhxxp://"), not a Latin one. */
				for (k = 0; k < ul; k++) {
					x->map[b->len] = i + k;
					chousa_buf_addch(b, raw[i + k]);
				}
				i += ul;
				prev_alnum = m == U_LETTER;
				continue;
			}
		}
		if (n > 0) {
			for (k = 0; to[k] != '\0'; k++) {
				x->map[b->len] = start;
				chousa_buf_addch(b, to[k]);
			}
			changed = 1;
			i += n;
			prev_alnum = 0;
			continue;
		}
		x->map[b->len] = i;
		chousa_buf_addch(b, (char)c);
		prev_alnum = (cls[c] & C_ALNUM) != 0 || c >= 0x80;
		i++;
	}
	x->map[b->len] = i;
	return changed;
}

/* ---- finding indicators in a (refanged) run ---- */

/* Report clean[cs..ce) classified in r. */
static int
found(struct chousa_extractor *x, struct ioc_res *r, size_t cs, size_t ce)
{
	struct chousa_indicator ind;
	size_t rs, re;

	if (x->stop)
		return x->stop;
	if ((r->type == CHOUSA_IOC_IPV4 || r->type == CHOUSA_IOC_IPV6 ||
	    r->type == CHOUSA_IOC_CIDR) && !x->opts.keep_private &&
	    (r->flags & CHOUSA_IOC_F_NONPUBLIC) != 0)
		return 0;
	rs = x->run_changed ? x->map[cs] : cs;
	re = x->run_changed ? x->map[ce] : ce;
	if (x->run_changed) {
		/* Defanged only when a marker falls inside the span. */
		if (re - rs != ce - cs ||
		    memcmp(x->clean.data + cs, x->text + x->run_start + rs,
		    ce - cs) != 0)
			r->flags |= CHOUSA_IOC_F_DEFANGED;
	}
	if (x->emit != NULL)
		return x->stop = x->emit(x, r, x->run_start + rs,
		    x->run_start + re);
	if (x->opts.unique && uniq_seen(&x->uniq, r->type,
	    r->b->data + r->value, r->value_len))
		return 0;
	memset(&ind, 0, sizeof(ind));
	ioc_res_fill(r, &ind);
	ind.raw = x->text + x->run_start + rs;
	ind.raw_len = re - rs;
	ind.offset = x->base + x->run_start + rs;
	return x->stop = x->fn(x->arg, &ind);
}

/* Common file extensions that are also top-level domains. */
static int
file_like(const char *host)
{
	static const char *const ext[] = { "zip", "mov", "py", "sh", "md",
	    "rs", "so", "pm", "ps", "tf", "ml", NULL };
	const char *dot = strchr(host, '.');
	size_t i;

	if (dot == NULL || strchr(dot + 1, '.') != NULL)
		return 0;
	for (i = 0; ext[i] != NULL; i++)
		if (strcmp(dot + 1, ext[i]) == 0)
			return 1;
	return 0;
}

/*
 * "end of sentence.Next": a Title-case last label after a lower-case one
 * is a sentence running on without a space, not a domain.
 */
static int
sentence_end(const char *s, size_t len)
{
	size_t dot = len, i;

	while (dot > 0 && s[dot - 1] != '.')
		dot--;
	if (dot < 2 || len - dot < 2 || !(s[dot] >= 'A' && s[dot] <= 'Z') ||
	    !(s[dot - 2] >= 'a' && s[dot - 2] <= 'z'))
		return 0;
	for (i = dot + 1; i < len; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z'))
			return 0;
	return 1;
}

static int
try_token(struct chousa_extractor *x, const char *s, size_t cs, size_t ce,
    unsigned types)
{
	struct ioc_res r;

	if (ce <= cs)
		return 0;
	ioc_res_init(&r, &x->work, x->tlds);
	if (ioc_classify(&r, s + cs, ce - cs, types) == CHOUSA_IOC_NONE)
		return 0;
	if (r.type == CHOUSA_IOC_DOMAIN && !x->run_changed &&
	    (file_like(r.b->data + r.value) || sentence_end(s + cs, ce - cs)))
		return 0;
	return found(x, &r, cs, ce) != 0 ? -1 : 1;
}

static int
is_hexcolon(const char *s, size_t a, size_t b)
{
	size_t i;
	int colons = 0, dbl = 0;

	for (i = a; i < b; i++) {
		if (s[i] == ':') {
			colons++;
			if (i + 1 < b && s[i + 1] == ':')
				dbl = 1;
		} else if (!(cls[(unsigned char)s[i]] & C_HEX) && s[i] != '.')
			return 0;
	}
	if (dbl)
		return 1;
	if (colons != 7)
		return 0;
	/* Eight groups of two digits are bytes (a fingerprint, an EUI-64),
	 * not an address anyone writes that way. */
	for (i = a; i + 2 < b && s[i + 2] == ':'; i += 3)
		;
	return i + 2 != b;
}

/* Trim a word of what cannot start or end an indicator. */
static void
trim_word(const char *s, size_t *a, size_t *b)
{
	/* "_jabber._tcp.example.com" keeps its '_'; "_evil.com_" is
	 * Markdown emphasis. */
	int keep_underscore = *b - *a > 2 && s[*a] == '_' &&
	    s[*b - 1] != '_' && (cls[(unsigned char)s[*a + 1]] & C_ALNUM);
	size_t a0 = *a;

	while (*a < *b && (cls[(unsigned char)s[*a]] & C_TRIM) &&
	    !(s[*a] == ':' && *a + 1 < *b && s[*a + 1] == ':') &&
	    !(keep_underscore && s[*a] == '_') &&
	    /* ".1.1.1.1" is not 1.1.1.1: the dot stays, and spoils it
	     * ("..1.1.1.1" is punctuation, then an address). */
	    !(s[*a] == '.' && *a + 1 < *b && s[*a + 1] >= '0' &&
	    s[*a + 1] <= '9' && (*a == a0 || s[*a - 1] != '.')))
		(*a)++;
	while (*b > *a && (cls[(unsigned char)s[*b - 1]] & C_TRIM) &&
	    !(s[*b - 1] == ':' && *b - *a > 2 && s[*b - 2] == ':'))
		(*b)--;
}

/*
 * A cheap look before classifying: most words of a log are numbers, time
 * stamps and names that can be no indicator.
 */
static int
plausible(const char *s, size_t len)
{
	size_t i, dot = len;
	unsigned f = 0, all = ~0u, c;

	for (i = 0; i < len; i++) {
		c = cls[(unsigned char)s[i]];
		f |= c;
		all &= c;
		if (s[i] == '.')
			dot = i;
	}
	if (f & (C_COLON | C_AT))
		return 1;
	if (dot == len) {
		/* A hash or an AS number. */
		if ((all & C_HEX) && (len == 32 || len == 40 || len == 64 ||
		    len == 128))
			return 1;
		return len >= 3 && (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 's';
	}
	/* A domain ends in a letter label; an IPv4 address is digits. */
	c = (unsigned char)s[dot + 1];
	if (dot + 1 < len && (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	    c >= 0x80))
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] != '.' && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* ---- where CJK prose and an indicator meet ---- */

/* Letter kinds for the CJK boundary rules. */
enum { L_NONE, L_ALPHA, L_HAN, L_HIRA };

/* The kind of the character at s[i] (before end); its length in *n. */
static int
letter_kind(const char *s, size_t i, size_t end, size_t *n)
{
	unsigned char c = (unsigned char)s[i];
	int m;

	if (c < 0x80) {
		*n = 1;
		return (cls[c] & C_ALNUM) ? L_ALPHA : L_NONE;
	}
	m = utf8_class((const unsigned char *)s + i, end - i, n);
	return m == U_LETTER ? L_ALPHA : m == U_CJK ? L_HAN : m == U_HIRA ?
	    L_HIRA : L_NONE;
}

/* The case particles は が を に へ で (UTF-8, 3 bytes at s). */
static int
particle(const char *s)
{
	static const char *const p[] = { "\xe3\x81\xaf", "\xe3\x81\x8c",
	    "\xe3\x82\x92", "\xe3\x81\xab", "\xe3\x81\xb8",
	    "\xe3\x81\xa7", NULL };
	int k;

	for (k = 0; p[k] != NULL; k++)
		if (memcmp(s, p[k], 3) == 0)
			return 1;
	return 0;
}

/*
 * Japanese, Chinese and Korean are written without spaces, so where an
 * indicator starts and ends there is decided by these rules (docs/
 * indicators.md has them with examples).  The first place in s[a..b)
 * where one of them ends a token, or b:
 *
 *  1. between a CJK letter and a Latin (or other alphabetic) letter or a
 *     digit: "サーバevil.com", "evil.comです", "1.2.3.4でした";
 *  2. after the first dot, where kanji or katakana turn into hiragana:
 *     "日本語.中国では", since no top-level domain ends that way;
 *  3. before the first dot, after one of the particles は が を に へ で
 *     between two kanji or katakana: "ドメインは日本語.jp".
 *
 * In a URL host (in_host) only rules 1 and 2 after its first dot apply:
 * the scheme says where the host starts.
 */
static size_t
cjk_cut(const char *s, size_t a, size_t b, int in_host)
{
	size_t i = a, n, prev_at = a;
	int k, prev = L_NONE, prev2 = L_NONE, dots = 0;

	while (i < b) {
		k = letter_kind(s, i, b, &n);
		if (k != L_NONE && prev != L_NONE) {
			if ((prev == L_ALPHA) != (k == L_ALPHA) &&
			    (!in_host || dots > 0))
				return i;
			if (dots > 0 && prev == L_HAN && k == L_HIRA)
				return i;
			if (!in_host && dots == 0 && k == L_HAN &&
			    prev == L_HIRA && prev2 == L_HAN && i - prev_at == 3 &&
			    particle(s + prev_at))
				return i;
		}
		if (s[i] == '.')
			dots++;
		prev2 = prev;
		prev = k;
		prev_at = i;
		i += n;
	}
	return b;
}

static int do_piece(struct chousa_extractor *, const char *, size_t,
    size_t, size_t);
static int asn_word(const char *, size_t, size_t);

/* One word: cut where CJK prose meets an indicator, each piece alone. */
static int
do_word(struct chousa_extractor *x, const char *s, size_t n, size_t a,
    size_t b)
{
	size_t i, c;
	int rc, found = 0;

	for (i = a; i < b && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == b)
		return do_piece(x, s, n, a, b);
	while (a < b) {
		c = cjk_cut(s, a, b, 0);
		rc = do_piece(x, s, n, a, c);
		if (rc < 0)
			return rc;
		found |= rc > 0;
		a = c;
	}
	return found;
}

/* One piece without ':' (or an IPv6 address), maybe followed by /N. */
static int
do_piece(struct chousa_extractor *x, const char *s, size_t n, size_t a,
    size_t b)
{
	unsigned types = x->opts.types;
	size_t e;
	int rc;

	trim_word(s, &a, &b);
	if (b <= a || b - a < 2 || !plausible(s + a, b - a))
		return 0;
	if (types == 0)
		types = ((1u << CHOUSA_IOC_TYPE_COUNT) - 1) & ~1u;
	/* A name after a single '/' is a file in a path
	 * ("/widgets/cart.9b0f3f75.cab"), not a host ("//evil.com"). */
	if (a > 0 && s[a - 1] == '/' && (a < 2 || s[a - 2] != '/'))
		types &= ~CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN);
	/* A CIDR: an address, '/', 1-3 digits, and nothing word-like. */
	if (b < n && s[b] == '/' && (types == 0 ||
	    (types & CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR)))) {
		for (e = b + 1; e < n && e - b <= 4 && s[e] >= '0' &&
		    s[e] <= '9'; e++)
			;
		if (e > b + 1 && e - b <= 4 && (e == n ||
		    !(cls[(unsigned char)s[e]] & C_WORD) ||
		    (s[e] == '.' && (e + 1 == n ||
		    !(cls[(unsigned char)s[e + 1]] & C_ALNUM))))) {
			rc = try_token(x, s, a, e, CHOUSA_IOC_BIT(
			    CHOUSA_IOC_CIDR));
			if (rc != 0)
				return rc;
		}
	}
	return try_token(x, s, a, b, types & ~CHOUSA_IOC_BIT(
	    CHOUSA_IOC_CIDR) & ~CHOUSA_IOC_BIT(CHOUSA_IOC_URL));
}

/* Whether the extractor reports type t. */
static int
wanted(const struct chousa_extractor *x, int t)
{
	return x->opts.types == 0 || (x->opts.types & CHOUSA_IOC_BIT(t));
}

/* Words of s[a..b): runs of word bytes. */
static int
scan_words(struct chousa_extractor *x, const char *s, size_t n, size_t a,
    size_t b)
{
	size_t i = a, ws, we, k, p;
	unsigned wf, c;
	int rc;

	while (i < b) {
		while (i < b && !(cls[(unsigned char)s[i]] & C_WORD))
			i++;
		ws = i;
		wf = 0;
		for (; i < b; i++) {
			c = cls[(unsigned char)s[i]];
			if (!(c & C_WORD))
				break;
			wf |= c;
		}
		we = i;
		if (we < b && s[we] == ' ' && asn_word(s, ws, we) &&
		    wanted(x, CHOUSA_IOC_ASN)) {
			/* "AS 13335": the two words are one indicator. */
			for (k = we + 1; k < b && s[k] >= '0' && s[k] <= '9';
			    k++)
				;
			if (k == b || !(cls[(unsigned char)s[k]] & C_WORD)) {
				rc = try_token(x, s, ws, k, CHOUSA_IOC_BIT(
				    CHOUSA_IOC_ASN));
				if (rc < 0)
					return rc;
				if (rc > 0) {
					i = k;
					continue;
				}
			}
		}
		/* "user@[192.0.2.7]", "user@[IPv6:2001:db8::1]" */
		if ((wf & C_AT) && we + 2 < b && s[we - 1] == '@' &&
		    s[we] == '[' && wanted(x, CHOUSA_IOC_EMAIL)) {
			const char *close = memchr(s + we, ']', b - we < 48 ?
			    b - we : 48);

			if (close != NULL) {
				k = (size_t)(close - s) + 1;
				for (p = we; p > ws && (cls[(unsigned char)
				    s[p - 1]] & C_TRIM) && s[p - 1] != '@'; p--)
					;
				rc = try_token(x, s, ws, k, CHOUSA_IOC_BIT(
				    CHOUSA_IOC_EMAIL));
				if (rc < 0)
					return rc;
				if (rc > 0) {
					i = k;
					continue;
				}
			}
		}
		if (we - ws < 3)
			continue;
		if (!(wf & C_COLON)) {
			/* An email keeps its '@'; else '@' splits. */
			rc = do_word(x, s, n, ws, we);
			if (rc < 0)
				return rc;
			if (rc == 0 && (wf & C_AT)) {
				const char *at = memchr(s + ws, '@', we - ws);

				rc = do_word(x, s, n, (size_t)(at - s) + 1,
				    we);
				if (rc < 0)
					return rc;
			}
			continue;
		}
		{
			size_t a2 = ws, b2 = we;

			trim_word(s, &a2, &b2);
			if (b2 > a2 && is_hexcolon(s, a2, b2)) {
				rc = do_word(x, s, n, a2, b2);
				if (rc != 0) {
					if (rc < 0)
						return rc;
					continue;
				}
			}
		}
		/* host:port, md5:HASH, mailto:a@b.c: each part alone. */
		for (p = ws, k = ws; k <= we; k++) {
			if (k < we && s[k] != ':')
				continue;
			rc = do_word(x, s, n, p, k);
			if (rc < 0)
				return rc;
			p = k + 1;
		}
	}
	return 0;
}

/*
 * A URL in CJK prose: its host ends by the rules of cjk_cut(), and its
 * path, query or fragment at the first CJK letter ("…/pathを参照").
 */
static size_t
url_end_cjk(const char *s, size_t after, size_t end)
{
	size_t i, auth, n;
	int k;

	for (i = after; i < end && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == end)
		return end;
	for (auth = after; auth < end && !in_set("/\\?#", s[auth]); auth++)
		;
	i = cjk_cut(s, after, auth, 1);
	if (i < auth)
		return i;
	for (i = auth; i < end; i += n) {
		k = letter_kind(s, i, end, &n);
		if (k == L_HAN || k == L_HIRA)
			return i;
	}
	return end;
}

/* Where a URL starting at us ends in s[..n), bracket balance kept. */
static size_t
url_end(const char *s, size_t n, size_t us, size_t after)
{
	int paren = 0, square = 0, curly = 0;
	char opener = us > 0 ? s[us - 1] : 0;
	size_t i;

	for (i = after; i < n; i++) {
		char c = s[i];

		if (c == '(')
			paren++;
		else if (c == ')' && paren-- == 0)
			break;
		else if (c == '[')
			square++;
		else if (c == ']' && square-- == 0)
			break;
		else if (c == '{')
			curly++;
		else if (c == '}' && curly-- == 0)
			break;
		else if (c == '\'' && opener == '\'')
			break;
		else if (c == '*' && opener == '*')
			break;
		else if (c == ',' && i + 1 < n && s[i + 1] == 'h' &&
		    ioc_url_scheme_len(s + i + 1, n - i - 1) > 0)
			break;
	}
	i = url_end_cjk(s, after, i);
	while (i > after && in_set(".,;:!?'*", s[i - 1]))
		i--;
	return i;
}

static int scan_run_urls(struct chousa_extractor *, const char *, size_t);

/* Find the indicators of one (refanged) run s[0..n). */
static int
scan_run(struct chousa_extractor *x, const char *s, size_t n)
{
	if (memchr(s, ':', n) == NULL)
		return scan_words(x, s, n, 0, n);
	return scan_run_urls(x, s, n);
}

static int
scan_run_urls(struct chousa_extractor *x, const char *s, size_t n)
{
	size_t i = 0, k, us, ue, after;
	unsigned types = x->opts.types;
	int rc;

	while (i < n) {
		/* Only refanged text holds "http:/" (from "http//"). */
		const char *p = i + 2 > n ? NULL : x->run_changed ?
		    memmem(s + i, n - i, ":/", 2) : memmem(s + i, n - i,
		    "://", 3);
		size_t colon;

		if (p == NULL)
			return scan_words(x, s, n, i, n);
		colon = (size_t)(p - s);
		/* "://", or the "http:/" refang makes of "http//". */
		after = colon + 2 < n && s[colon + 2] == '/' ? colon + 3 :
		    colon + 2;
		/* The scheme: letters before ":/". */
		us = colon;
		while (us > i && colon - us < 5 &&
		    (cls[(unsigned char)s[us - 1]] & C_ALNUM) &&
		    !(s[us - 1] >= '0' && s[us - 1] <= '9'))
			us--;
		if (us == colon || ioc_url_scheme_len(s + us, n - us) !=
		    colon - us + 1 || (us > i && (cls[(unsigned char)
		    s[us - 1]] & C_ALNUM)) || (after == colon + 2 &&
		    (after >= n || !(cls[(unsigned char)s[after]] & C_ALNUM) ||
		    !x->run_changed))) {
			rc = scan_words(x, s, n, i, after > n ? n : after);
			if (rc < 0)
				return rc;
			i = after;
			continue;
		}
		rc = scan_words(x, s, n, i, us);
		if (rc < 0)
			return rc;
		ue = url_end(s, n, us, after);
		if (ue > after && (types == 0 ||
		    (types & CHOUSA_IOC_BIT(CHOUSA_IOC_URL)))) {
			rc = try_token(x, s, us, ue, CHOUSA_IOC_BIT(
			    CHOUSA_IOC_URL));
			if (rc < 0)
				return rc;
		}
		k = ue > after ? ue : after;
		i = k;
	}
	return 0;
}

/* Words that do not start a spaced " dot " domain. */
static int
stop_word(const char *s, size_t len)
{
	static const char *const w[] = { "the", "a", "an", "this", "that",
	    "of", "and", "or", "to", "in", "on", "at", "for", "with", "is",
	    "was", "by", "as", "be", "it", "its", "dot", "no", "not", "one",
	    "my", "our", "your", "from", "via", "per", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strlen(w[i]) == len && match_ci(s, len, w[i]) == len)
			return 1;
	return 0;
}

/*
 * At text[i] a run ended at a space: the length of spaces that defang
 * rather than separate, or 0.  "http ://evil.com" and "http:// evil.com"
 * after a scheme; "foo @ bar.com"; "bob AT example.com" when bob starts a
 * list item (the start of a line, or after ':', ',', ';', '-', '*', '(' or
 * a tab), so that "look AT example.com" stays prose.
 */
static size_t
spaced_defang(const char *t, size_t len, size_t rs, size_t i)
{
	static const char *const schemes[] = { "http", "https", "ftp", "hxxp",
	    "hxxps", "fxp", "h__p", "h__ps", "xxxx", "xxxxs", NULL };
	size_t k = i, ws, q, e;

	while (k < len && k - i < 3 && t[k] == ' ')
		k++;
	if (k >= len || i == rs)
		return 0;
	for (ws = i; ws > rs && ((cls[(unsigned char)t[ws - 1]] & C_ALNUM) ||
	    t[ws - 1] == '_'); ws--)
		;
	if (k + 1 < len && t[k] == ':' && t[k + 1] == '/' &&
	    word_in(t + ws, i - ws, schemes))
		return k - i;
	if (i - rs >= 3 && t[i - 1] == '/' && t[i - 2] == '/' &&
	    (cls[(unsigned char)t[k]] & C_ALNUM)) {
		for (q = i - 2; q > rs && t[q - 1] == '/'; q--)
			;
		if (q > rs && (t[q - 1] == ':' || (cls[(unsigned char)
		    t[q - 1]] & C_ALNUM)))
			return k - i;
	}
	if (!(cls[(unsigned char)t[i - 1]] & C_ALNUM))
		return 0;
	if (t[k] == '@') {
		for (e = k + 1; e < len && e - k < 4 && t[e] == ' '; e++)
			;
		return e > k + 1 && e < len && (cls[(unsigned char)t[e]] &
		    C_ALNUM) ? e - i : 0;
	}
	if (k + 3 < len && t[k] == 'A' && t[k + 1] == 'T' && t[k + 2] == ' ') {
		for (ws = i; ws > rs && (cls[(unsigned char)t[ws - 1]] &
		    C_WORD) && (unsigned char)t[ws - 1] < 0x80; ws--)
			;
		for (q = ws; q < i; q++)
			if (t[q] >= 'A' && t[q] <= 'Z')
				return 0;
		q = ws;
		if (q > 0 && t[q - 1] == ' ')
			q--;
		if (q > 0 && !in_set("\n:,;-*(\t", t[q - 1]))
			return 0;
		for (e = k + 2; e < len && e - k < 5 && t[e] == ' '; e++)
			;
		return e > k + 2 && e < len && (cls[(unsigned char)t[e]] &
		    C_ALNUM) ? e - i : 0;
	}
	return 0;
}

/*
 * Whether the word ending at i is "AS", "ASN" or "asn": "AS 13335" is an
 * AS number as reports write it, "as 1234" is English.
 */
static int
asn_word(const char *t, size_t rs, size_t i)
{
	size_t ws = i;

	while (ws > rs && (cls[(unsigned char)t[ws - 1]] & C_ALNUM))
		ws--;
	if (ws > rs && !in_set(" ([\"'", t[ws - 1]))
		return 0;
	return (i - ws == 2 && memcmp(t + ws, "AS", 2) == 0) ||
	    (i - ws == 3 && (memcmp(t + ws, "ASN", 3) == 0 ||
	    memcmp(t + ws, "asn", 3) == 0 || memcmp(t + ws, "Asn", 3) == 0));
}

/*
 * At text[i] a run ended at a space: the length of a spaced marker
 * (" [.] ", " dot ") that joins it to the next label, or 0.
 */
static size_t
spaced_join(const char *t, size_t len, size_t rs, size_t i)
{
	size_t k, m, ws;

	if (i + 1 < len && t[i + 1] >= '0' && t[i + 1] <= '9' &&
	    asn_word(t, rs, i))
		return 1;
	m = spaced_defang(t, len, rs, i);
	if (m > 0)
		return m;
	if (i == rs || !(cls[(unsigned char)t[i - 1]] & C_ALNUM) ||
	    i + 3 >= len || !(cls[(unsigned char)t[i + 1]] & C_MARK2))
		return 0;
	for (k = 0; markers[k].raw != NULL; k++) {
		if (markers[k].raw[0] != ' ')
			continue;
		m = match_ci(t + i, len - i, markers[k].raw);
		if (m == 0 || i + m >= len ||
		    !(cls[(unsigned char)t[i + m]] & C_ALNUM))
			continue;
		for (ws = i; ws > rs && (cls[(unsigned char)t[ws - 1]] &
		    C_ALNUM); ws--)
			;
		if (stop_word(t + ws, i - ws))
			return 0;
		if (strcmp(markers[k].raw, " dot ") == 0) {
			/* A bare " dot " needs a known TLD after it. */
			size_t te = i + m, tl;
			struct ioc_res r;

			while (te < len && (cls[(unsigned char)t[te]] &
			    C_ALNUM))
				te++;
			tl = te - i - m;
			memset(&r, 0, sizeof(r));
			if (tl < 2 || tl > 20)
				return 0;
			{
				char low[24];
				size_t q;

				for (q = 0; q < tl; q++)
					low[q] = (char)lc((unsigned char)
					    t[i + m + q]);
				if (!ioc_tld_known(&r, low, tl))
					return 0;
			}
		}
		return m;
	}
	return 0;
}

/* Whether a "://" of the run follows something other than a scheme. */
static int
odd_scheme(const char *s, size_t n)
{
	const char *p, *e = s + n, *q;

	for (p = memmem(s, n, "://", 3); p != NULL;
	    p = memmem(p + 3, (size_t)(e - p - 3), "://", 3)) {
		q = p;
		while (q > s && (cls[(unsigned char)q[-1]] & C_ALNUM))
			q--;
		if (ioc_url_scheme_len(q, (size_t)(e - q)) != (size_t)(p - q) +
		    1)
			return 1;
	}
	return 0;
}

/* Whether the run has "http//" (a scheme that lost its ':'). */
static int
colonless_scheme(const char *s, size_t n)
{
	const char *p, *e = s + n;

	for (p = memmem(s, n, "//", 2); p != NULL;
	    p = memmem(p + 2, (size_t)(e - p - 2), "//", 2)) {
		if (p - s >= 3 && ((p[-1] | 0x20) == 'p' || (p[-1] | 0x20) ==
		    's'))
			return 1;
	}
	return 0;
}

static int
process_run(struct chousa_extractor *x, size_t rs, size_t re, unsigned flags)
{
	const char *raw = x->text + rs;
	size_t n = re - rs;

	x->run_start = rs;
	if (!(flags & C_ANCHOR)) {
		/* Only a hash or an ASN can be here. */
		if (n < 32) {
			size_t i;

			for (i = 0; i + 2 < n; i++)
				if (lc((unsigned char)raw[i]) == 'a' &&
				    lc((unsigned char)raw[i + 1]) == 's')
					break;
			if (i + 2 >= n)
				return 0;
		}
		x->run_changed = 0;
		return scan_run(x, raw, n);
	}
	if (!(flags & C_DEFANG) && !((flags & C_COLON) &&
	    odd_scheme(raw, n)) && !(!(flags & C_COLON) &&
	    (flags & C_SLASH) && colonless_scheme(raw, n))) {
		x->run_changed = 0;
		return scan_run(x, raw, n);
	}
	x->run_changed = refang_run(x, raw, n);
	if (!x->run_changed)
		return scan_run(x, raw, n);
	return scan_run(x, x->clean.data, x->clean.len);
}

/* The end of the ASCII part of a run from i; ORs the classes seen. */
static size_t
run_ascii(const unsigned char *u, size_t i, size_t lim, unsigned *flags)
{
	unsigned f = 0, c;

	while (i < lim) {
		c = cls[u[i]];
		if (!(c & C_RUN))
			break;
		f |= c;
		i++;
	}
	*flags |= f;
	return i;
}

/* The utf8_class() of the character that ends before i (after rs). */
static int
class_before(const unsigned char *u, size_t rs, size_t i)
{
	size_t k = i, n;

	if (i <= rs)
		return U_END;
	k = i - 1;
	while (k > rs && (u[k] & 0xc0) == 0x80)
		k--;
	if (u[k] < 0x80)
		return (cls[u[k]] & C_ALNUM) ? U_LETTER : U_END;
	return utf8_class(u + k, i - k, &n);
}

/*
 * A full-width or ideographic full stop right after a CJK letter ends a
 * sentence ("送付済み。CC: ..." is prose, not the domain "送付済み.cc");
 * after Latin letters or digits it is a dot ("evil。com").
 */
static int
cjk_sentence_stop(const unsigned char *u, size_t i)
{
	int before = class_before(u, 0, i);

	return before == U_CJK || before == U_HIRA;
}

/* Scan text, calling process_run for each run. */
static int
scan_text(struct chousa_extractor *x, const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t i = 0, rs, ul, m, lim;
	unsigned flags;
	int rc, k;

	x->text = t;
	x->text_len = len;
	x->stop = 0;
	while (i < len) {
		while (i < len && !(cls[(unsigned char)t[i]] & C_RUN)) {
			if ((unsigned char)t[i] >= 0x80 && utf8_class(
			    (const unsigned char *)t + i, len - i, &ul) != 0)
				break;
			i++;
		}
		if (i >= len)
			break;
		rs = i;
		flags = 0;
		lim = len - rs > MAX_RUN ? rs + MAX_RUN : len;
		for (;;) {
			unsigned char c;

			i = run_ascii(u, i, lim, &flags);
			if (i >= lim)
				break;
			c = (unsigned char)t[i];
			k = c >= 0x80 ? utf8_class(u + i, len - i, &ul) : U_END;
			if (k != U_END) {
				if (k == '.' && cjk_sentence_stop(u, i))
					break;
				if (k == U_CJK || k == U_HIRA)
					flags |= C_CJK;
				else if (k > U_HIRA)
					flags |= C_ANCHOR | C_DEFANG;
				i += ul;
				continue;
			}
			/* "1<.>1", "example^.com": run-ending bytes that
			 * defang a dot between two letters or digits. */
			if ((c == '<' || c == '^') && i > rs && i + 3 < len &&
			    (cls[u[i - 1]] & C_ALNUM) && t[i + 1] == '.' &&
			    (c == '^' || t[i + 2] == '>') &&
			    (cls[u[i + (c == '<' ? 3 : 2)]] & C_ALNUM)) {
				flags |= C_ANCHOR | C_DEFANG;
				i += c == '<' ? 3 : 2;
				continue;
			}
			m = c == ' ' ? spaced_join(t, len, rs, i) : 0;
			if (m > 0) {
				flags |= C_ANCHOR | C_DEFANG;
				i += m;
				continue;
			}
			break;
		}
		rc = process_run(x, rs, i, flags);
		if (rc != 0)
			return rc;
		if (i == rs)
			i++;
	}
	return 0;
}

int
chousa_extract(struct chousa_extractor *x, const char *text, size_t len,
    size_t base, chousa_ioc_fn fn, void *arg, struct chousa_err *err)
{
	int rc;

	if (x == NULL || fn == NULL || (text == NULL && len > 0))
		return chousa_errf(err, CHOUSA_EINVAL, "bad extract call");
	x->fn = fn;
	x->arg = arg;
	x->base = base;
	x->emit = NULL;
	rc = scan_text(x, text, len);
	return x->stop != 0 ? x->stop : rc;
}

/* ---- refang ---- */

static int
refang_emit(struct chousa_extractor *x, struct ioc_res *r, size_t rs,
    size_t re)
{
	size_t cs, ce;

	if (!(r->flags & CHOUSA_IOC_F_DEFANGED) || rs < x->copied)
		return 0;
	/* Find the clean span again from the raw span. */
	for (cs = 0; cs < x->clean.len && x->run_start + x->map[cs] < rs;
	    cs++)
		;
	for (ce = cs; ce < x->clean.len && x->run_start + x->map[ce] < re;
	    ce++)
		;
	chousa_buf_add(x->out, x->text + x->copied, rs - x->copied);
	chousa_buf_add(x->out, x->clean.data + cs, ce - cs);
	x->copied = re;
	return 0;
}

int
chousa_ioc_refang(struct chousa_buf *out, const char *s, size_t len,
    struct chousa_err *err)
{
	struct chousa_extractor *x;
	struct chousa_extract_opts o = { 0, 0, 1 };
	int rc;

	rc = chousa_extractor_new(&x, &o, err);
	if (rc != CHOUSA_OK)
		return rc;
	x->out = out;
	x->copied = 0;
	x->emit = refang_emit;
	x->base = 0;
	(void)scan_text(x, s, len);
	chousa_buf_add(out, s + x->copied, len - x->copied);
	chousa_extractor_free(x);
	return chousa_buf_rc(out, "refanged text", err);
}

/* ---- defang ---- */

struct defang_ctx {
	struct chousa_buf	*out;
	const char		*text;
	size_t			 copied;
};

static int
on_defang(void *arg, const struct chousa_indicator *ind)
{
	struct defang_ctx *d = arg;

	if (ind->offset < d->copied)
		return 0;
	chousa_buf_add(d->out, d->text + d->copied, ind->offset - d->copied);
	/* The text keeps its script: "вирус.рф" becomes "вирус[.]рф". */
	if (ind->flags & CHOUSA_IOC_F_IDN)
		chousa_ioc_defang(d->out, ind->display, strlen(ind->display));
	else if (ind->type == CHOUSA_IOC_URL && ind->value_len > 1 &&
	    ind->value[ind->value_len - 1] == '/' && ind->raw_len > 0 &&
	    ind->raw[ind->raw_len - 1] != '/')
		/* The root path the normal form adds was not written. */
		chousa_ioc_defang(d->out, ind->value, ind->value_len - 1);
	else
		chousa_ioc_defang(d->out, ind->value, ind->value_len);
	d->copied = ind->offset + ind->raw_len;
	return 0;
}

int
chousa_ioc_defang_text(struct chousa_extractor *x, struct chousa_buf *out,
    const char *s, size_t len, struct chousa_err *err)
{
	struct chousa_extract_opts o = { 0, 0, 1 };
	struct chousa_extractor *own = NULL;
	struct defang_ctx d = { out, s, 0 };
	int rc;

	if (x == NULL) {
		rc = chousa_extractor_new(&own, &o, err);
		if (rc != CHOUSA_OK)
			return rc;
		x = own;
	}
	rc = chousa_extract(x, s, len, 0, on_defang, &d, err);
	if (rc == CHOUSA_OK)
		chousa_buf_add(out, s + d.copied, len - d.copied);
	chousa_extractor_free(own);
	return rc != CHOUSA_OK ? rc : chousa_buf_rc(out, "defanged text",
	    err);
}

int
ioc_refang_token(struct chousa_buf *out, const char *s, size_t len)
{
	struct chousa_extractor x;
	size_t a = 0, b = len, m, ul;
	static const char *const pairs[] = { "\"\"", "''", "<>", "()", "[]",
	    "{}", "``", NULL };
	int changed, k;

	classes();
	while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' ||
	    s[a] == '\r'))
		a++;
	while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' ||
	    s[b - 1] == '\n' || s[b - 1] == '\r'))
		b--;
	for (k = 0; pairs[k] != NULL && b - a >= 2; k++)
		if (s[a] == pairs[k][0] && s[b - 1] == pairs[k][1] &&
		    !(k == 4 && memchr(s + a + 1, ']', b - a - 2) == NULL &&
		    memchr(s + a + 1, ':', b - a - 2) != NULL)) {
			a++;
			b--;
			k = -1;
		}
	/* 「...」 and other CJK brackets around the indicator. */
	if (b - a >= 6 && (unsigned char)s[a] == 0xe3 &&
	    (unsigned char)s[b - 3] == 0xe3 && utf8_class(
	    (const unsigned char *)s + a, b - a, &ul) == 0 && ul == 3) {
		a += 3;
		b -= 3;
	}
	/* Room for a defanged form of the longest normal form. */
	if (b - a > 2 * MAX_RUN)
		b = a + 2 * MAX_RUN + 1;
	memset(&x, 0, sizeof(x));
	/*
	 * Refanging never lengthens text, so one map entry per input byte
	 * does; sizing it to the token, not the longest token, matters
	 * because every chousa_ioc_parse of a feed row comes here.
	 */
	x.map_cap = (b - a) + 64;
	x.map = mem_alloc(x.map_cap * sizeof(*x.map));
	if (x.map == NULL) {
		out->failed = CHOUSA_ENOMEM;
		return 0;
	}
	chousa_buf_init(&x.clean, MAX_RUN * 2 + 64);
	changed = refang_run(&x, s + a, b - a);
	m = x.clean.len;
	if (x.clean.failed != CHOUSA_OK)
		out->failed = x.clean.failed;
	else if (x.map[m] < b - a)
		out->failed = CHOUSA_ELIMIT;
	chousa_buf_add(out, x.clean.data, m);
	chousa_buf_release(&x.clean);
	mem_free(x.map);
	return changed;
}
