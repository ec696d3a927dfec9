/*
 * ioc-host.c: host names: the WHATWG "domain to ASCII" (ASCII lower-cased
 * as it is, anything else through UTS #46 in ioc-idna.c), the label checks
 * of a DNS name, the public suffix list (a top-level domain, the
 * registrable domain) and the Unicode form kept for display.
 *
 * A host is never dropped for one bad label: when its labels fail IDNA or
 * DNS syntax but its top-level domain is sound, it is kept as written and
 * flagged invalid-host with the reason, so that an attacker cannot hide a
 * domain from extraction with one broken label.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpsl.h>

#include "chousa.h"
#include "ioc/ioc.h"
#include "base/hash.h"
#include "base/mem.h"

#define HOST_MAX	253	/* bytes of an ASCII host (RFC 1035) */

/* ---- the public suffix list ---- */

static const psl_ctx_t *psl;
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;

/*
 * The list: CHOUSA_PSL names a newer public_suffix_list.dat (Debian 12's
 * is from February 2023, before .merck and other new TLDs); else the one
 * built into libpsl, which costs nothing to open.
 */
static void
psl_open(void)
{
	const char *path = getenv("CHOUSA_PSL");

	if (path != NULL && *path != '\0')
		psl = psl_load_file(path);
	if (psl == NULL)
		psl = psl_builtin();
}

const psl_ctx_t *
ioc_psl(void)
{
	pthread_once(&psl_once, psl_open);
	return psl;
}

/*
 * Top-level domains that the list names only through rules below them
 * (".za" has "gov.za", "co.za"... but no "za" rule).  libpsl answers for
 * rules, not for their parents, so these come from the list's text: the
 * last label of every rule.  Read once, on the first TLD libpsl does not
 * know (most text names .com and friends only).
 */
#define TLD_SET_SLOTS	4096	/* the list names about 1500 TLDs */
#define TLD_NAME_MAX	32	/* the longest TLD has 24 bytes */

/* An open-addressing set: a slot is a NUL-terminated name, or empty. */
struct tld_set {
	char	(*slot)[TLD_NAME_MAX];
	size_t	  n;
};

static struct tld_set tld_set;
static pthread_once_t tld_once = PTHREAD_ONCE_INIT;

static uint32_t
tld_hash(const char *s, size_t len)
{
	uint32_t h = CHOUSA_FNV32_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)(s[i] | 0x20);

		h = chousa_fnv1a32(h, &c, 1);
	}
	return h;
}

/* The slot of name (lower case), or of the empty place it would take. */
static char *
tld_slot(const char *name, size_t len)
{
	uint32_t i = tld_hash(name, len) & (TLD_SET_SLOTS - 1);

	while (tld_set.slot[i][0] != '\0' &&
	    !(strncmp(tld_set.slot[i], name, len) == 0 &&
	    tld_set.slot[i][len] == '\0'))
		i = (i + 1) & (TLD_SET_SLOTS - 1);
	return tld_set.slot[i];
}

static void
tld_add(const char *s, size_t len)
{
	char low[TLD_NAME_MAX], *sl;
	size_t i;

	if (len == 0 || len >= TLD_NAME_MAX ||
	    tld_set.n >= TLD_SET_SLOTS / 2)
		return;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return;	/* Unicode TLDs are rules of their own */
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	}
	sl = tld_slot(low, len);
	if (sl[0] == '\0') {
		memcpy(sl, low, len);
		sl[len] = '\0';
		tld_set.n++;
	}
}

static void
tld_load(void)
{
	const char *env = getenv("CHOUSA_PSL"), *path, *p, *end, *nl;
	size_t len, i, got;
	char *text;
	FILE *fp = NULL;

	path = env != NULL && *env != '\0' ? env : psl_builtin_filename();
	if (path != NULL)
		fp = fopen(path, "r");
	if (fp == NULL && psl_dist_filename() != NULL)
		fp = fopen(psl_dist_filename(), "r");
	if (fp == NULL)
		return;
	/* One read: the list is some 300 KB, and this runs once. */
	text = mem_alloc((size_t)4 << 20);
	tld_set.slot = mem_alloc(TLD_SET_SLOTS * sizeof(*tld_set.slot));
	got = text != NULL ? fread(text, 1, ((size_t)4 << 20) - 1, fp) : 0;
	fclose(fp);
	if (text == NULL || tld_set.slot == NULL) {
		mem_free(text);
		mem_free(tld_set.slot);
		tld_set.slot = NULL;
		return;
	}
	for (p = text, end = text + got; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		len = strcspn(p, " \t\r\n");
		if (len > (size_t)(nl - p))
			len = (size_t)(nl - p);
		if (len == 0 || (len >= 2 && p[0] == '/' && p[1] == '/'))
			continue;
		for (i = len; i > 0 && p[i - 1] != '.'; i--)
			;
		tld_add(p + i, len - i);
	}
	mem_free(text);
}

static int
tld_in_set(const char *name)
{
	size_t len = strlen(name);

	pthread_once(&tld_once, tld_load);
	return tld_set.slot != NULL && len < TLD_NAME_MAX &&
	    tld_slot(name, len)[0] != '\0';
}

/* ---- caches of the extractor ---- */

#define TLD_SLOTS	1024

struct tld_slot {
	char	name[24];
	int	known;	/* 0 empty, 1 yes, 2 no */
};

#define RD_SLOTS	4096

/* A registrable-domain answer: the offset of it in host, or -1. */
struct rd_slot {
	uint32_t	hash;
	short		off;
	char		host[58];
};

struct ioc_tld_cache {
	struct tld_slot	slot[TLD_SLOTS];
	struct rd_slot	rd[RD_SLOTS];
};

struct ioc_tld_cache *
ioc_tld_cache_new(void)
{
	return mem_alloc(sizeof(struct ioc_tld_cache));
}

void
ioc_tld_cache_free(struct ioc_tld_cache *c)
{
	mem_free(c);
}

int
ioc_tld_known(struct ioc_res *r, const char *tld, size_t len)
{
	char name[64];
	uint32_t h;
	struct tld_slot *sl = NULL;
	int known;

	if (len == 0 || len >= sizeof(name))
		return 0;
	h = chousa_fnv1a32(CHOUSA_FNV32_INIT, tld, len);
	if (r != NULL && r->tlds != NULL && len < sizeof(sl->name)) {
		sl = &r->tlds->slot[h % TLD_SLOTS];
		if (sl->known != 0 && strncmp(sl->name, tld, len) == 0 &&
		    sl->name[len] == '\0')
			return sl->known == 1;
	}
	memcpy(name, tld, len);
	name[len] = '\0';
	known = psl_is_public_suffix2(ioc_psl(), name,
	    PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) || tld_in_set(name);
	if (sl != NULL) {
		memcpy(sl->name, name, len + 1);
		sl->known = known ? 1 : 2;
	}
	return known;
}

/* ---- domain to ASCII ---- */

int
ioc_host_to_ascii(const char *s, size_t len, struct chousa_buf *out,
    const char **why)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == len) {
		/*
		 * The URL Standard's ASCII case: lower-cased as it is, even
		 * an "xn--" label that is not valid punycode, because that is
		 * the host a browser contacts.
		 */
		size_t at = out->len;

		chousa_buf_add(out, s, len);
		if (out->failed != CHOUSA_OK)
			return 1;
		for (i = at; i < at + len; i++)
			if (out->data[i] >= 'A' && out->data[i] <= 'Z')
				out->data[i] = (char)(out->data[i] + 32);
		return 1;
	}
	return ioc_idna_uts46(s, len, out, why);
}

/* Whether an ASCII host has a label starting "xn--". */
static int
has_ace(const char *h, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if ((i == 0 || h[i - 1] == '.') && strncmp(h + i, "xn--", 4) ==
		    0)
			return 1;
	return 0;
}

int
ioc_host_display(const char *ascii, size_t len, struct chousa_buf *out,
    const char **why)
{
	if (!has_ace(ascii, len))
		return 0;
	return ioc_idna_to_unicode(ascii, len, out, why) ? 1 : -1;
}

/*
 * What is wrong with the labels of an ASCII host as a DNS name (letters,
 * digits, '-' and '_'), or NULL.  An empty label is not checked here.
 */
static const char *
dns_problem(const char *h, size_t len)
{
	size_t i, start = 0;

	if (len > HOST_MAX)
		return "a host name longer than 253 bytes";
	for (i = 0; i <= len; i++) {
		if (i == len || h[i] == '.') {
			if (i - start > 63)
				return "a label longer than 63 bytes";
			if (i > start && (h[start] == '-' || h[i - 1] == '-'))
				return "a label starts or ends with '-'";
			start = i + 1;
			continue;
		}
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' &&
		    h[i] <= '9') || h[i] == '-' || h[i] == '_'))
			return "a character not allowed in a DNS name";
	}
	return NULL;
}

/*
 * The ASCII form of the labels at the right of s that convert on their
 * own, into out; how many labels that is.  Where one label fails, the
 * registrable domain may still lie entirely to its right.
 */
static size_t
good_suffix(const char *s, size_t len, struct chousa_buf *out)
{
	struct chousa_buf lab;
	size_t end = len, start, n = 0;
	const char *why;

	chousa_buf_init(&lab, HOST_MAX * 4);
	while (end > 0) {
		start = end;
		while (start > 0 && s[start - 1] != '.')
			start--;
		chousa_buf_reset(&lab);
		if (start == end || !ioc_host_to_ascii(s + start, end - start,
		    &lab, &why) || lab.failed != CHOUSA_OK || lab.len == 0 ||
		    memchr(lab.data, '.', lab.len) != NULL)
			break;
		if (n > 0)
			chousa_buf_addch(&lab, '.');
		/* prepend: out = lab + out */
		chousa_buf_add(&lab, out->data, out->len);
		chousa_buf_reset(out);
		chousa_buf_add(out, lab.data, lab.len);
		n++;
		if (start == 0)
			break;
		end = start - 1;
	}
	chousa_buf_release(&lab);
	return n;
}

void
ioc_host_invalid(struct ioc_res *r, const char *why)
{
	if (!(r->flags & CHOUSA_IOC_F_INVALID_HOST))
		r->host_error = why;
	r->flags |= CHOUSA_IOC_F_INVALID_HOST;
}

/*
 * Whether the last label of h (ASCII, the host or the sound labels at its
 * right) is a known TLD of a host of more than one label; sets why.
 */
static int
tld_ok(struct ioc_res *r, const char *h, size_t len, int one_label)
{
	size_t tld = len, i;
	int digits = 1;

	while (tld > 0 && h[tld - 1] != '.')
		tld--;
	if (one_label)
		return (r->why = "a single label is not a domain"), 0;
	for (i = tld; i < len; i++)
		if (h[i] < '0' || h[i] > '9')
			digits = 0;
	if (digits)
		return (r->why = "numeric top-level label"), 0;
	if (ioc_tld_known(r, h + tld, len - tld))
		return 1;
	/*
	 * A caller that knows the text is a domain (a typed field) accepts
	 * a TLD the list does not name yet, if it looks like one.
	 */
	if (r->lenient_tld && len - tld >= 2 && len - tld <= 63) {
		for (i = tld; i < len; i++)
			if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= '0' &&
			    h[i] <= '9') || h[i] == '-'))
				break;
		if (i == len && (h[tld] >= 'a' && h[tld] <= 'z')) {
			r->flags |= CHOUSA_IOC_F_UNLISTED_TLD;
			return 1;
		}
	}
	return (r->why = "unknown top-level domain"), 0;
}

int
ioc_domain(struct ioc_res *r, const char *s, size_t len, int need_tld,
    size_t *host_off)
{
	struct chousa_buf ascii, uni;
	char ascii_mem[HOST_MAX * 4 + 8], uni_mem[HOST_MAX * 4 + 8];
	const char *why = NULL;
	size_t i, off;
	int idna_ok, ok = 0, d;

	while (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > HOST_MAX * 4)
		return (r->why = "host name of a bad length"), 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			return (r->why = "NUL in host"), 0;
		if (ioc_forbidden_host_byte((unsigned char)s[i]))
			return (r->why = "character not allowed in a host "
			    "name"), 0;
		if (s[i] == '.' && (i == 0 || s[i - 1] == '.'))
			return (r->why = "empty label"), 0;
	}
	/* On the stack: extraction calls this for every candidate. */
	chousa_buf_init_fixed(&ascii, ascii_mem, sizeof(ascii_mem));
	chousa_buf_init_fixed(&uni, uni_mem, sizeof(uni_mem));
	idna_ok = ioc_host_to_ascii(s, len, &ascii, &why) &&
	    ascii.failed == CHOUSA_OK && ascii.len > 0;
	while (idna_ok && ascii.len > 0 && ascii.data[ascii.len - 1] == '.')
		ascii.len--;
	if (!idna_ok) {
		/* Kept as written; the TLD is judged on its own. */
		chousa_buf_reset(&ascii);
		if (good_suffix(s, len, &ascii) == 0) {
			r->why = why != NULL ? why : "not a valid host name";
			goto out;
		}
	}
	if (need_tld && !tld_ok(r, ascii.data, ascii.len,
	    memchr(s, '.', len) == NULL))
		goto out;
	if (idna_ok) {
		const char *p = dns_problem(ascii.data, ascii.len);

		if (p != NULL)
			ioc_host_invalid(r, p);
		off = ioc_res_add(r, ascii.data, ascii.len);
		d = ioc_host_display(ascii.data, ascii.len, &uni, &why);
		if (d > 0) {
			r->flags |= CHOUSA_IOC_F_IDN;
			r->display = ioc_res_add(r, uni.data, uni.len);
		} else if (d < 0)
			ioc_host_invalid(r, why);
		ioc_set_regdomain(r, off);
	} else {
		/* As written: ASCII lower-cased, the rest untouched. */
		ioc_host_invalid(r, why != NULL ? why : "not a valid host name");
		off = r->b->len;
		for (i = 0; i < len; i++)
			chousa_buf_addch(r->b, (char)(s[i] >= 'A' &&
			    s[i] <= 'Z' ? s[i] + 32 : s[i]));
		chousa_buf_addch(r->b, '\0');
		ioc_set_regdomain_of(r, ascii.data, ascii.len);
	}
	*host_off = off;
	ok = r->b->failed == CHOUSA_OK;
	if (!ok)
		r->why = "out of memory";
out:
	/* ascii and uni are on the stack: nothing to release. */
	return ok;
}

/* ---- registrable domains ---- */

void
ioc_set_regdomain_sound(struct ioc_res *r, const char *s, size_t len)
{
	struct chousa_buf good;

	chousa_buf_init(&good, HOST_MAX * 8);
	if (good_suffix(s, len, &good) > 0 && good.failed == CHOUSA_OK)
		ioc_set_regdomain_of(r, good.data, good.len);
	chousa_buf_release(&good);
}

void
ioc_set_regdomain_of(struct ioc_res *r, const char *host, size_t len)
{
	char tmp[HOST_MAX + 1];
	const char *rd;

	if (len == 0 || len > HOST_MAX)
		return;
	memcpy(tmp, host, len);
	tmp[len] = '\0';
	rd = psl_registrable_domain(ioc_psl(), tmp);
	if (rd != NULL)
		r->regdomain = ioc_res_add(r, rd, len - (size_t)(rd - tmp));
}

void
ioc_set_regdomain(struct ioc_res *r, size_t host_off)
{
	const char *rd;
	const char *host;
	struct rd_slot *sl = NULL;
	uint32_t h;
	size_t len;

	if (r->b->failed != CHOUSA_OK)
		return;
	host = r->b->data + host_off;
	len = strlen(host);
	/* Logs name the same hosts again and again: remember answers. */
	if (r->tlds != NULL && len < sizeof(sl->host)) {
		h = chousa_fnv1a32(CHOUSA_FNV32_INIT, host, len);
		sl = &r->tlds->rd[h % RD_SLOTS];
		if (sl->hash == h && memcmp(sl->host, host, len + 1) == 0) {
			if (sl->off >= 0)
				r->regdomain = host_off + (size_t)sl->off;
			return;
		}
	}
	rd = psl_registrable_domain(ioc_psl(), host);
	if (rd != NULL)
		r->regdomain = host_off + (size_t)(rd - host);
	if (sl != NULL) {
		sl->hash = h;
		sl->off = rd != NULL ? (short)(rd - host) : -1;
		memcpy(sl->host, host, len + 1);
	}
}

int
chousa_ioc_each_parent(const char *domain,
    int (*fn)(void *arg, const char *parent), void *arg)
{
	if (domain == NULL)
		return 0;
	return ioc_each_parent_upto(domain, psl_registrable_domain(
	    ioc_psl(), domain), fn, arg);
}

