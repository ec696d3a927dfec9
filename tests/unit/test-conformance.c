/*
 * test-conformance.c: the indicator core against test data other projects
 * publish (tests/data/samples/vectors/, provenance in
 * tests/data/samples/README.md): the WHATWG URL tests, Unicode's
 * IdnaTestV2, the public suffix list's tests, and the refang and
 * extraction tests of ioc-fanger, iocextract and ioc-finder.
 *
 * Each case passes, or is listed with its reason in
 * tests/cases/conformance-differences.txt as a deliberate difference, or
 * fails.  A failure, or a listed difference that passes (the list must
 * stay exact), fails the corpus.  CONFORMANCE_STATS=1 prints the counts
 * (make bench records them); CONFORMANCE_LIST=1 prints unlisted failures
 * in the list's format, to review.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "chousa.h"
#include "base/json_tree.h"
#include "ioc/ioc.h"
#include "t.h"

enum { PASS, FAIL, NA };

/* ---- the list of deliberate differences ---- */

struct diff {
	char	*key;		/* "corpus\tinput as a JSON string" */
	char	*reason;
	int	 used;		/* a case had this input */
	int	 differs;	/* and did not pass */
};

static struct diff *diffs;
static size_t n_diffs;

struct reason {
	char	*id, *text;
};

static struct reason *reasons;
static size_t n_reasons;

static const char *
reason_text(const char *id)
{
	size_t i;

	for (i = 0; i < n_reasons; i++)
		if (strcmp(reasons[i].id, id) == 0)
			return reasons[i].text;
	return NULL;
}

/*
 * The file: "@id text" defines a reason; "corpus<TAB>"input"<TAB>id" lists
 * a case; '#' lines are comments.
 */
static void
load_diffs(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[8192], *t1, *t2;
	size_t n;

	T_OK("conformance_differences_file_opens", fp != NULL);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		n = strlen(line);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (line[0] == '@') {
			t1 = strchr(line, ' ');
			if (t1 == NULL)
				continue;
			*t1 = '\0';
			reasons = realloc(reasons, (n_reasons + 1) *
			    sizeof(*reasons));
			reasons[n_reasons].id = strdup(line + 1);
			reasons[n_reasons].text = strdup(t1 + 1);
			n_reasons++;
			continue;
		}
		t1 = strchr(line, '\t');
		t2 = t1 != NULL ? strrchr(line, '\t') : NULL;
		if (t2 == NULL || t2 == t1) {
			printf("not ok - conformance_differences_line: '%s'\n",
			    line);
			t_failed++;
			continue;
		}
		*t2 = '\0';
		if (reason_text(t2 + 1) == NULL) {
			printf("not ok - conformance_difference_reason: no "
			    "reason '%s'\n", t2 + 1);
			t_failed++;
		}
		diffs = realloc(diffs, (n_diffs + 1) * sizeof(*diffs));
		diffs[n_diffs].key = strdup(line);
		diffs[n_diffs].reason = strdup(t2 + 1);
		diffs[n_diffs].used = 0;
		diffs[n_diffs].differs = 0;
		n_diffs++;
	}
	fclose(fp);
}

/* ---- counting a corpus ---- */

struct corpus {
	const char	*name;
	size_t		 pass, diff, fail, na, stale;
	double		 target;	/* pass rate required, or 0 */
};

static int list_mode, stats_mode;

static void
json_str(struct chousa_buf *b, const char *s)
{
	chousa_buf_addch(b, '"');
	chousa_esc_json(b, s, strlen(s));
	chousa_buf_addch(b, '"');
}

/* Record a case's outcome; why says what differed. */
static void
outcome(struct corpus *c, const char *input, int result, const char *why)
{
	struct chousa_buf key;
	size_t i;

	if (result == NA) {
		c->na++;
		return;
	}
	chousa_buf_init(&key, 0);
	chousa_buf_adds(&key, c->name);
	chousa_buf_addch(&key, '\t');
	json_str(&key, input);
	for (i = 0; i < n_diffs; i++)
		if (strcmp(diffs[i].key, key.data) == 0)
			break;
	/* An input may be several cases (one function each): the listed
	 * difference is the one that does not pass. */
	if (i < n_diffs) {
		diffs[i].used = 1;
		if (result == PASS)
			c->pass++;
		else {
			diffs[i].differs = 1;
			c->diff++;
		}
	} else if (result == PASS)
		c->pass++;
	else {
		c->fail++;
		if (list_mode)
			printf("%s\t?\t# %s\n", key.data, why ? why : "");
		else if (c->fail <= 40)
			printf("# %s: fails: %s (%s)\n", c->name, key.data,
			    why ? why : "");
	}
	chousa_buf_release(&key);
}

static void
report(struct corpus *c)
{
	size_t applicable = c->pass + c->diff + c->fail;
	double rate = applicable ? 100.0 * (double)c->pass /
	    (double)applicable : 100.0;
	char name[96];

	if (stats_mode)
		printf("# stats %-22s pass %5zu  difference %4zu  fail %3zu  "
		    "n/a %5zu  pass rate %.2f%%\n", c->name, c->pass, c->diff,
		    c->fail, c->na, rate);
	snprintf(name, sizeof(name), "conformance_%s_no_unlisted_failure",
	    c->name);
	T_OK(name, c->fail == 0);
	if (c->target > 0) {
		snprintf(name, sizeof(name), "conformance_%s_pass_rate",
		    c->name);
		T_OK(name, rate >= c->target);
	}
}

/* ---- reading files ---- */

static char *
slurp(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int got;

	if (gz == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap + 1);
		}
		got = gzread(gz, buf + n, (unsigned)(cap - n));
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	gzclose(gz);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *dir;

/*
 * The tree reader gives NUL-terminated strings, so "\u0000" would cut an
 * input short: it becomes U+2400 (␀), and such cases are not applicable.
 */
static void
nul_visible(char *body)
{
	char *p = body;

	while ((p = strstr(p, "\\u0000")) != NULL)
		memcpy(p, "\\u2400", 6);
}

static int
has_nul(const char *s)
{
	return strstr(s, "\xe2\x90\x80") != NULL;
}

static struct jnode *load_json(const char *rel)
{
	char path[1024], why[128];
	size_t len;
	char *body;
	struct jnode *v;

	snprintf(path, sizeof(path), "%s/data/samples/vectors/%s", dir, rel);
	body = slurp(path, &len);
	if (body == NULL) {
		printf("not ok - conformance_open_%s\n", rel);
		t_failed++;
		return NULL;
	}
	nul_visible(body);
	v = jt_parse(body, len, why, sizeof(why));
	free(body);
	return v;
}

/* ---- the indicator core, as the cases call it ---- */

static struct chousa_arena *arena;

static int
parse(const char *s, unsigned types, unsigned ctx,
    struct chousa_indicator *ind)
{
	return chousa_ioc_parse_context(arena, s, strlen(s), types, ctx, ind,
	    NULL) == CHOUSA_OK;
}

/* The normal form of s as one of types, or s itself. */
static const char *
norm(const char *s, unsigned types)
{
	struct chousa_indicator ind;

	if (parse(s, types, 0, &ind))
		return ind.value;
	return s;
}

/* ---- WHATWG URL ---- */

/* Whether s (trimmed as the URL parser trims) starts "http:", "https:"
 * or "ftp:". */
static int
special_absolute(const char *s)
{
	while (*s != '\0' && (unsigned char)*s <= 0x20)
		s++;
	return strncasecmp(s, "http:", 5) == 0 ||
	    strncasecmp(s, "https:", 6) == 0 || strncasecmp(s, "ftp:", 4) == 0;
}

/*
 * A URL parsed as chousa does.  What the standard calls failure is a
 * failure here, or a host that UTS #46 refused and chousa kept as
 * written (not ASCII then); an ASCII host is the standard's even when a
 * label is not valid punycode, and chousa only flags it.
 */
static int
url_ok(const char *s, struct chousa_indicator *ind)
{
	const char *h;

	if (!parse(s, CHOUSA_IOC_BIT(CHOUSA_IOC_URL), 0, ind))
		return 0;
	if (!(ind->flags & CHOUSA_IOC_F_INVALID_HOST) || ind->host == NULL)
		return 1;
	for (h = ind->host; *h != '\0'; h++)
		if ((unsigned char)*h >= 0x80)
			return 0;
	return 1;
}

static void
run_urltestdata(void)
{
	struct corpus c = { "whatwg-url", 0, 0, 0, 0, 0, 99.0 };
	struct jnode *all = load_json("whatwg/urltestdata.json"), *x;
	struct chousa_indicator ind;
	const char *in, *base, *href;
	char why[512];
	size_t i;
	int ok, res;

	for (i = 0; i < jt_len(all); i++) {
		x = jt_at(all, i);
		in = jt_str(x, "input");
		if (in == NULL)
			continue;
		base = jt_str(x, "base");
		if ((base != NULL && strcmp(base, "about:blank") != 0) ||
		    !special_absolute(in) || has_nul(in)) {
			c.na++;
			continue;
		}
		ok = url_ok(in, &ind);
		if (jt_bool(x, "failure") == 1) {
			res = ok ? FAIL : PASS;
			snprintf(why, sizeof(why), "parsed as %s, want failure",
			    ok ? ind.value : "");
		} else {
			href = jt_str(x, "href");
			res = ok && href != NULL && strcmp(ind.value, href) ==
			    0 ? PASS : FAIL;
			snprintf(why, sizeof(why), "got %s, want %s", ok ?
			    ind.value : "failure", href ? href : "?");
		}
		outcome(&c, in, res, why);
	}
	jt_free(all);
	report(&c);
}

/* toascii.json and IdnaTestV2.json: "https://" + input + "/x" and the
 * host, as the web-platform tests use them. */
static void
run_host_file(const char *name, const char *rel)
{
	/* The host files gate at 99% except the WPT IdnaTestV2 host file,
	 * where chousa's trailing-dot policy is 126 of its differences. */
	struct corpus c = { name, 0, 0, 0, 0, 0,
	    strcmp(name, "whatwg-idna") == 0 ? 0 : 99.0 };
	struct jnode *all = load_json(rel), *x, *outv;
	struct chousa_indicator ind;
	struct chousa_buf url;
	const char *in, *want;
	char why[512];
	size_t i;
	int ok, res;

	chousa_buf_init(&url, 0);
	for (i = 0; i < jt_len(all); i++) {
		x = jt_at(all, i);
		in = jt_str(x, "input");
		if (in == NULL)
			continue;
		if (*in == '\0' || has_nul(in)) {	/* skipped, unreadable */
			c.na++;
			continue;
		}
		outv = jt_get(x, "output");
		want = jt_str(x, "output");
		chousa_buf_reset(&url);
		chousa_buf_adds(&url, "https://");
		chousa_buf_adds(&url, in);
		chousa_buf_adds(&url, "/x");
		ok = url_ok(url.data, &ind);
		if (outv == NULL || jt_is(outv, J_NULL))
			res = ok ? FAIL : PASS;
		else
			res = ok && ind.host != NULL && strcmp(ind.host,
			    want) == 0 ? PASS : FAIL;
		snprintf(why, sizeof(why), "got %s, want %s", ok ? ind.host :
		    "failure", want ? want : "failure");
		outcome(&c, in, res, why);
	}
	chousa_buf_release(&url);
	jt_free(all);
	report(&c);
}

/* ---- Unicode IdnaTestV2.txt ---- */

/* Undo \uXXXX and \x{X...} into UTF-8. */
static void
unescape_idna(const char *s, size_t len, struct chousa_buf *out)
{
	size_t i = 0;
	unsigned long cp;
	char *end;
	char u[5];

	while (i < len) {
		if (s[i] == '\\' && i + 5 < len + 0 && s[i + 1] == 'u') {
			char h[5] = { s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0 };

			cp = strtoul(h, NULL, 16);
			i += 6;
		} else if (s[i] == '\\' && i + 2 < len && s[i + 1] == 'x' &&
		    s[i + 2] == '{') {
			cp = strtoul(s + i + 3, &end, 16);
			i = (size_t)(end - s) + 1;
		} else {
			chousa_buf_addch(out, s[i++]);
			continue;
		}
		if (cp < 0x80) {
			chousa_buf_addch(out, (char)cp);
			continue;
		}
		if (cp < 0x800) {
			u[0] = (char)(0xc0 | cp >> 6);
			u[1] = (char)(0x80 | (cp & 0x3f));
			chousa_buf_add(out, u, 2);
		} else if (cp < 0x10000) {
			u[0] = (char)(0xe0 | cp >> 12);
			u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
			u[2] = (char)(0x80 | (cp & 0x3f));
			chousa_buf_add(out, u, 3);
		} else {
			u[0] = (char)(0xf0 | cp >> 18);
			u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
			u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
			u[3] = (char)(0x80 | (cp & 0x3f));
			chousa_buf_add(out, u, 4);
		}
	}
}

/* Column k (0-based) of a ';'-separated line, trimmed. */
static void
column(const char *line, int k, const char **p, size_t *n)
{
	const char *s = line, *e;

	while (k-- > 0 && s != NULL) {
		s = strchr(s, ';');
		if (s != NULL)
			s++;
	}
	if (s == NULL) {
		*p = "";
		*n = 0;
		return;
	}
	e = strchr(s, ';');
	if (e == NULL)
		e = s + strlen(s);
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*p = s;
	*n = (size_t)(e - s);
}

/* Whether a status set has a code the URL Standard's settings check. */
static int
status_is_error(const char *s, size_t n)
{
	static const char *const ignored[] = { "V2", "V3", "A4_1", "A4_2",
	    "U1", "X4_2", NULL };
	size_t i = 0, st;
	int k;

	while (i < n) {
		while (i < n && !((s[i] >= 'A' && s[i] <= 'Z')))
			i++;
		st = i;
		while (i < n && s[i] != ',' && s[i] != ']' && s[i] != ' ')
			i++;
		if (i == st)
			continue;
		for (k = 0; ignored[k] != NULL; k++)
			if (strlen(ignored[k]) == i - st &&
			    strncmp(ignored[k], s + st, i - st) == 0)
				break;
		if (ignored[k] == NULL)
			return 1;
	}
	return 0;
}

static void
run_idnatest_txt(void)
{
	struct corpus c = { "unicode-idna", 0, 0, 0, 0, 0, 99.0 };
	char path[1024], *body, *line, *next, *hash;
	struct chousa_buf src, tu, an, got;
	const char *p, *why = NULL;
	size_t len, n, sn;
	int err, ok, res;
	char msg[600];

	snprintf(path, sizeof(path), "%s/data/samples/vectors/unicode/"
	    "IdnaTestV2-16.0.0.txt.gz", dir);
	body = slurp(path, &len);
	T_OK("conformance_idnatest_opens", body != NULL);
	if (body == NULL)
		return;
	chousa_buf_init(&src, 0);
	chousa_buf_init(&tu, 0);
	chousa_buf_init(&an, 0);
	chousa_buf_init(&got, 0);
	for (line = body; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		if (strspn(line, " \t\r") == strlen(line))
			continue;
		chousa_buf_reset(&src);
		chousa_buf_reset(&tu);
		chousa_buf_reset(&an);
		column(line, 0, &p, &n);
		if (!(n == 2 && memcmp(p, "\"\"", 2) == 0))
			unescape_idna(p, n, &src);
		sn = src.len;
		column(line, 1, &p, &n);	/* toUnicode: blank = source */
		if (n == 2 && memcmp(p, "\"\"", 2) == 0)
			;
		else if (n == 0)
			chousa_buf_add(&tu, src.data, sn);
		else
			unescape_idna(p, n, &tu);
		column(line, 3, &p, &n);	/* toAsciiN: blank = toUnicode */
		if (n == 2 && memcmp(p, "\"\"", 2) == 0)
			;
		else if (n == 0)
			chousa_buf_add(&an, tu.data, tu.len);
		else
			unescape_idna(p, n, &an);
		column(line, 4, &p, &n);	/* status: blank = toUnicode's */
		if (n == 0)
			column(line, 2, &p, &n);
		err = status_is_error(p, n);
		chousa_buf_reset(&got);
		ok = ioc_idna_uts46(src.data, sn, &got, &why);
		if (err)
			res = ok ? FAIL : PASS;
		else
			res = ok && got.len == an.len && memcmp(got.data,
			    an.data, an.len) == 0 ? PASS : FAIL;
		snprintf(msg, sizeof(msg), "got %.*s, want %s", ok ?
		    (int)got.len : 7, ok ? got.data : "failure", err ?
		    "failure" : an.data);
		outcome(&c, src.data, res, msg);
	}
	chousa_buf_release(&src);
	chousa_buf_release(&tu);
	chousa_buf_release(&an);
	chousa_buf_release(&got);
	free(body);
	report(&c);
}

/* ---- the public suffix list's tests ---- */

/* The next quoted string or null of a checkPublicSuffix line. */
static const char *
psl_arg(const char **p, char *out, size_t size)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == ',' || *s == '(')
		s++;
	if (strncmp(s, "null", 4) == 0) {
		*p = s + 4;
		return NULL;
	}
	if (*s != '\'')
		return NULL;
	e = strchr(s + 1, '\'');
	if (e == NULL || (size_t)(e - s) >= size)
		return NULL;
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = '\0';
	*p = e + 1;
	return out;
}

static void
run_psl(void)
{
	struct corpus c = { "psl", 0, 0, 0, 0, 0, 0 };
	char path[1024], line[1024], a1[256], a2[256], why[600];
	struct chousa_indicator ind;
	const char *p, *dom, *want, *wn;
	FILE *fp;
	int ok, res;

	snprintf(path, sizeof(path), "%s/data/samples/vectors/psl/"
	    "test_psl.txt", dir);
	fp = fopen(path, "r");
	T_OK("conformance_psl_opens", fp != NULL);
	if (fp == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		p = strstr(line, "checkPublicSuffix(");
		if (p == NULL || strncmp(line, "//", 2) == 0)
			continue;
		p += strlen("checkPublicSuffix");
		dom = psl_arg(&p, a1, sizeof(a1));
		want = psl_arg(&p, a2, sizeof(a2));
		if (dom == NULL) {
			c.na++;
			continue;
		}
		/* A domain field: the registrable domain is what is tested,
		 * so a TLD the list does not name is accepted. */
		ok = parse(dom, CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN),
		    CHOUSA_IOC_CTX_TYPED, &ind);
		if (want == NULL)
			res = !ok || ind.regdomain == NULL ? PASS : FAIL;
		else {
			wn = norm(want, CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN));
			res = ok && ind.regdomain != NULL &&
			    strcmp(ind.regdomain, wn) == 0 ? PASS : FAIL;
		}
		snprintf(why, sizeof(why), "got %s, want %s", ok &&
		    ind.regdomain ? ind.regdomain : "null", want ? want :
		    "null");
		outcome(&c, dom, res, why);
	}
	fclose(fp);
	report(&c);
}

/* ---- extraction corpora ---- */

/* What a peer's function or result key asks for. */
struct kind {
	const char	*name;		/* function or result key */
	unsigned	 types;		/* chousa types */
	int		 hosts;		/* also the hosts of URLs, emails */
};

static const struct kind kinds[] = {
	{ "extract_urls", CHOUSA_IOC_BIT(CHOUSA_IOC_URL), 0 },
	{ "extract_unencoded_urls", CHOUSA_IOC_BIT(CHOUSA_IOC_URL), 0 },
	{ "extract_ipv4s", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV4), 1 },
	{ "extract_ipv6s", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV6), 1 },
	{ "extract_ips", CHOUSA_IOC_IPS, 1 },
	{ "extract_emails", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), 0 },
	{ "extract_md5_hashes", CHOUSA_IOC_BIT(CHOUSA_IOC_MD5), 0 },
	{ "extract_sha1_hashes", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1), 0 },
	{ "extract_sha256_hashes", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256), 0 },
	{ "extract_sha512_hashes", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA512), 0 },
	{ "extract_hashes", CHOUSA_IOC_HASHES, 0 },
	{ "extract_iocs", CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | CHOUSA_IOC_IPS |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_HASHES, 0 },
	{ "domains", CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN), 1 },
	{ "urls", CHOUSA_IOC_BIT(CHOUSA_IOC_URL), 0 },
	{ "ipv4s", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV4), 1 },
	{ "ipv6s", CHOUSA_IOC_BIT(CHOUSA_IOC_IPV6), 1 },
	{ "ipv4_cidrs", CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR), 0 },
	{ "email_addresses", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), 0 },
	{ "asns", CHOUSA_IOC_BIT(CHOUSA_IOC_ASN), 0 },
	{ "md5s", CHOUSA_IOC_BIT(CHOUSA_IOC_MD5), 0 },
	{ "sha1s", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1), 0 },
	{ "sha256s", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256), 0 },
	{ "sha512s", CHOUSA_IOC_BIT(CHOUSA_IOC_SHA512), 0 },
	{ "emails", CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL), 0 },
	{ NULL, 0, 0 }
};

static const struct kind *
find_kind(const char *name)
{
	int i;

	for (i = 0; name != NULL && kinds[i].name != NULL; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* What chousa extracted from a case's text, for one kind. */
struct got {
	char	*value[512], *raw[512];
	size_t	 n;
	const struct kind *k;
};

static void
got_add(struct got *g, const char *v, const char *raw, size_t raw_len)
{
	if (g->n >= 512)
		return;
	g->value[g->n] = strdup(v);
	g->raw[g->n] = raw != NULL ? strndup(raw, raw_len) : strdup(v);
	g->n++;
}

static int
collect(void *arg, const struct chousa_indicator *ind)
{
	struct got *g = arg;
	unsigned host_bit;

	if (g->k->types & CHOUSA_IOC_BIT(ind->type)) {
		got_add(g, ind->value, ind->raw, ind->raw_len);
		return 0;
	}
	if (!g->k->hosts || ind->host == NULL || (ind->type !=
	    CHOUSA_IOC_URL && ind->type != CHOUSA_IOC_EMAIL))
		return 0;
	host_bit = CHOUSA_IOC_BIT(ind->host_type);
	if (g->k->types & host_bit)
		got_add(g, ind->host, NULL, 0);
	return 0;
}

static void
got_clear(struct got *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->value[i]);
		free(g->raw[i]);
	}
	g->n = 0;
}

static void
extract(const char *text, const struct kind *k, struct got *g)
{
	struct chousa_extract_opts o = { 0, 0, 1 };
	struct chousa_extractor *x;

	g->n = 0;
	g->k = k;
	chousa_extractor_new(&x, &o, NULL);
	chousa_extract(x, text, strlen(text), 0, collect, g, NULL);
	chousa_extractor_free(x);
}

/* Whether got item i is the peer's e: as written, or the same normal
 * form. */
static int
same(const struct got *g, size_t i, const char *e)
{
	if (strcmp(g->raw[i], e) == 0 || strcmp(g->value[i], e) == 0)
		return 1;
	return strcmp(g->value[i], norm(e, g->k->types & ~CHOUSA_IOC_BIT(
	    CHOUSA_IOC_DOMAIN) ? g->k->types : CHOUSA_IOC_BIT(
	    CHOUSA_IOC_DOMAIN))) == 0;
}

static int
contains(const struct got *g, const char *e)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (same(g, i, e))
			return 1;
	return 0;
}

/* Equal as sets of normal forms: each expected found, each got expected. */
static int
set_eq(const struct got *g, struct jnode *list)
{
	size_t i, j;
	int hit;

	for (j = 0; j < jt_len(list); j++) {
		const char *e = jt_str(jt_at(list, j), NULL);

		if (e == NULL || !contains(g, e))
			return 0;
	}
	for (i = 0; i < g->n; i++) {
		hit = 0;
		for (j = 0; j < jt_len(list) && !hit; j++)
			if (jt_is_str(jt_at(list, j)) && same(g, i,
			    jt_at(list, j)->s))
				hit = 1;
		if (!hit)
			return 0;
	}
	return 1;
}

/* chousa's whole-text defang: each indicator replaced by its defanged
 * normal form. */
static void
defang_text(const char *s, struct chousa_buf *out)
{
	chousa_ioc_defang_text(NULL, out, s, strlen(s), NULL);
}

/* One check of a case on got; PASS, FAIL or NA. */
static int
check(struct jnode *chk, const struct got *g, const char *text_out,
    char *why, size_t why_size)
{
	const char *what = jt_str(chk, "check"), *v = jt_str(chk, "value");
	struct jnode *vv = jt_get(chk, "value");
	int64_t idx;
	size_t i;

	if (what == NULL)
		return NA;
	if (text_out != NULL) {
		/* A text function: fang, refang_data, defang. */
		snprintf(why, why_size, "got '%.200s', want '%.200s'",
		    text_out, v ? v : "?");
		if (strcmp(what, "eq") == 0 && v != NULL)
			return strcmp(text_out, v) == 0 ? PASS : FAIL;
		if (strcmp(what, "contains") == 0 && v != NULL)
			return strstr(text_out, v) != NULL ? PASS : FAIL;
		if (strcmp(what, "completes_within_seconds") == 0)
			return PASS;
		return NA;
	}
	if (g == NULL)
		return NA;
	snprintf(why, why_size, "%s: got %zu [%.150s%s], want %.200s", what,
	    g->n, g->n ? g->value[0] : "", g->n > 1 ? ", ..." : "", v ? v :
	    "(list or number)");
	if (jt_bool(chk, "soft") == 1 && g->n == 0)
		return PASS;
	if (strcmp(what, "list_eq") == 0 || strcmp(what, "sorted_eq") == 0 ||
	    strcmp(what, "same_items") == 0)
		return vv != NULL && jt_is(vv, J_ARR) && set_eq(g, vv) ?
		    PASS : FAIL;
	if (strcmp(what, "count_eq") == 0) {
		/* Counts compare distinct indicators. */
		size_t distinct = 0, j;

		for (i = 0; i < g->n; i++) {
			for (j = 0; j < i; j++)
				if (strcmp(g->value[i], g->value[j]) == 0)
					break;
			distinct += j == i;
		}
		return (int64_t)distinct == jt_int(chk, -1, "value") ? PASS :
		    FAIL;
	}
	if (strcmp(what, "contains") == 0 && v != NULL)
		return contains(g, v) ? PASS : FAIL;
	if (strcmp(what, "not_contains") == 0 && v != NULL)
		return !contains(g, v) ? PASS : FAIL;
	if (strcmp(what, "nth_eq") == 0 && v != NULL) {
		idx = jt_int(chk, 0, "index");
		return idx >= 0 && (size_t)idx < g->n && same(g, (size_t)idx,
		    v) ? PASS : FAIL;
	}
	if (strcmp(what, "all_eq") == 0 && v != NULL) {
		for (i = 0; i < g->n; i++)
			if (!same(g, i, v))
				return FAIL;
		return g->n > 0 ? PASS : FAIL;
	}
	if (strcmp(what, "eq") == 0 && v != NULL)
		return g->n == 1 && same(g, 0, v) ? PASS : FAIL;
	return NA;
}

/* Combine the outcome of one more check into a case's. */
static int
combine(int acc, int r)
{
	if (acc == FAIL || r == FAIL)
		return FAIL;
	if (acc == PASS || r == PASS)
		return PASS;
	return NA;
}

/*
 * A JSON-lines corpus of ioc-fanger, iocextract or ioc-finder: each case
 * is a call (expected.function) with checks, or (ioc-finder) a results
 * object.
 */
static void
run_jsonl(struct corpus *c, const char *rel)
{
	char path[1024], why[1024], *body, *line, *next;
	struct chousa_buf out;
	struct chousa_indicator ind;
	struct got g;
	size_t len, j;
	struct jnode *x, *exp, *checks, *chk, *results, *kw;
	const char *in, *fn, *key;
	const struct kind *k;
	int res, r;

	snprintf(path, sizeof(path), "%s/data/samples/vectors/%s", dir, rel);
	body = slurp(path, &len);
	if (body == NULL) {
		printf("not ok - conformance_open_%s\n", rel);
		t_failed++;
		return;
	}
	memset(&g, 0, sizeof(g));
	chousa_buf_init(&out, 0);
	for (line = body; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		x = jt_parse(line, strlen(line), why, sizeof(why));
		in = jt_str(x, "input");
		exp = jt_get(x, "expected");
		fn = jt_str(exp, "function");
		if (in == NULL || fn == NULL || strncmp(in, "@file:", 6) == 0) {
			c->na++;
			jt_free(x);
			continue;
		}
		res = NA;
		why[0] = '\0';
		kw = jt_get(exp, "kwargs");
		checks = jt_get(exp, "checks");
		results = jt_get(exp, "results");
		chousa_buf_reset(&out);
		if (strcmp(fn, "fang") == 0 || strcmp(fn, "refang_data") == 0) {
			chousa_ioc_refang(&out, in, strlen(in), NULL);
		} else if (strcmp(fn, "defang") == 0 ||
		    strcmp(fn, "defang_data") == 0) {
			defang_text(in, &out);
		} else if (strcmp(fn, "refang_email") == 0 ||
		    strcmp(fn, "refang_ipv4") == 0) {
			chousa_buf_adds(&out, parse(in, 0, 0, &ind) ?
			    ind.value : in);
		}
		if (out.len > 0 || strcmp(fn, "fang") == 0 ||
		    strcmp(fn, "defang") == 0) {
			for (j = 0; j < jt_len(checks); j++) {
				r = check(jt_at(checks, j), NULL, out.data,
				    why, sizeof(why));
				res = combine(res, r);
			}
		} else if (strcmp(fn, "find_iocs") == 0 && results != NULL &&
		    jt_is(results, J_OBJ)) {
			/* Every key chousa has; a key not given wants []. */
			int has_kwargs = kw != NULL && jt_is(kw, J_OBJ) &&
			    kw->n > 0;

			for (j = 0; kinds[j].name != NULL && !has_kwargs; j++) {
				struct jnode *want;
				static const char *const keys[] = { "domains",
				    "urls", "ipv4s", "ipv6s", "ipv4_cidrs",
				    "email_addresses", "asns", "md5s", "sha1s",
				    "sha256s", "sha512s", NULL };
				int q, listed = 0;

				for (q = 0; keys[q] != NULL; q++)
					if (strcmp(keys[q], kinds[j].name) == 0)
						listed = 1;
				if (!listed)
					continue;
				want = jt_get(results, kinds[j].name);
				extract(in, &kinds[j], &g);
				if (want == NULL)
					r = g.n == 0 ? PASS : FAIL;
				else
					r = set_eq(&g, want) ? PASS : FAIL;
				if (r == FAIL)
					snprintf(why, sizeof(why), "%s: got %zu "
					    "[%.200s%s]", kinds[j].name, g.n,
					    g.n ? g.value[0] : "", g.n > 1 ?
					    ", ..." : "");
				got_clear(&g);
				res = combine(res, r);
				if (res == FAIL)
					break;
			}
		} else {
			for (j = 0; j < jt_len(checks) && res != FAIL; j++) {
				chk = jt_at(checks, j);
				key = jt_str(chk, "key");
				k = find_kind(key != NULL ? key : fn);
				if (k == NULL || (kw != NULL &&
				    jt_is(kw, J_OBJ) && kw->n > 0 &&
				    jt_bool(kw, "refang") < 0)) {
					continue;
				}
				/* extract_iocs also finds YARA rules and base64
				 * URLs: values that are no indicator of chousa's
				 * are not applicable. */
				if (strcmp(fn, "extract_iocs") == 0 &&
				    jt_str(chk, "value") != NULL &&
				    !parse(jt_str(chk, "value"), 0, 0, &ind))
					continue;
				extract(in, k, &g);
				r = check(chk, &g, NULL, why, sizeof(why));
				got_clear(&g);
				res = combine(res, r);
			}
		}
		outcome(c, in, res, why);
		jt_free(x);
	}
	chousa_buf_release(&out);
	free(body);
}

static void
run_ioc_corpora(void)
{
	struct corpus fanger = { "ioc-fanger", 0, 0, 0, 0, 0, 0 };
	struct corpus iocx = { "iocextract", 0, 0, 0, 0, 0, 0 };
	struct corpus finder = { "ioc-finder", 0, 0, 0, 0, 0, 0 };

	run_jsonl(&fanger, "ioc-fanger/ioc_fanger_cases.jsonl");
	report(&fanger);
	run_jsonl(&iocx, "iocextract/iocextract_cases.jsonl");
	report(&iocx);
	run_jsonl(&finder, "ioc-finder/ioc_finder_find_iocs_cases.jsonl");
	run_jsonl(&finder, "ioc-finder/ioc_finder_procedural_cases.jsonl");
	run_jsonl(&finder, "ioc-finder/ioc_finder_unicode_cases.jsonl");
	report(&finder);
}

int
main(void)
{
	char path[1024];
	size_t i;

	dir = getenv("TESTS") != NULL ? getenv("TESTS") : "tests";
	list_mode = getenv("CONFORMANCE_LIST") != NULL;
	stats_mode = getenv("CONFORMANCE_STATS") != NULL;
	snprintf(path, sizeof(path), "%s/cases/conformance-differences.txt",
	    dir);
	load_diffs(path);
	chousa_arena_new(&arena, 0, NULL);
	run_urltestdata();
	run_host_file("whatwg-toascii", "whatwg/toascii.json");
	run_host_file("whatwg-idna", "whatwg/IdnaTestV2.json");
	run_idnatest_txt();
	run_psl();
	run_ioc_corpora();
	/* The list stays exact: each entry is a case that still differs. */
	for (i = 0; i < n_diffs; i++)
		if (!diffs[i].used || !diffs[i].differs) {
			printf("not ok - conformance_difference_stale: %s "
			    "(%s)\n", diffs[i].key, diffs[i].used ?
			    "passes now" : "no such case");
			t_failed++;
		}
	chousa_arena_free(arena);
	return T_DONE();
}
