/*
 * ioc-idna.c: UTS #46 the way browsers apply it (the WHATWG URL Standard's
 * "domain to ASCII": non-transitional, CheckHyphens false, CheckBidi and
 * CheckJoiners true, UseSTD3ASCIIRules false, VerifyDnsLength false).
 *
 * The work is ICU's uidna, the implementation browsers use, loaded with
 * dlopen the first time a host needs it: ICU costs milliseconds to load,
 * and an ASCII host (nearly every host) never needs it.  Debian 12's ICU
 * 72 knows Unicode 15.0; the mapping changes UTS #46 made since (ẞ maps to
 * ß, Georgian capitals map to lower case, some fillers are ignored) are
 * applied before ICU from a small table, so that the result is what a
 * current browser computes.  Without ICU, libidn2 (IDNA2008, stricter)
 * does what it can.
 */
#include <stdio.h>
#include <string.h>

#include <idn2.h>
#include <unicode/uidna.h>

#include "chousa.h"
#include "ioc/ioc.h"
#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_ICUUC
#define CHOUSA_SONAME_ICUUC "libicuuc.so.72"
#endif

/* ICU's symbols carry its version ("uidna_openUTS46_72"): the header's
 * renaming macros give the name, and stringifying after expansion the
 * string dlsym needs. */
#define ICU_STR2(x)	#x
#define ICU_STR(x)	ICU_STR2(x)

enum { ICU_OPEN, ICU_TO_ASCII, ICU_TO_UNICODE, N_ICU_SYMS };
static const char *const icu_names[N_ICU_SYMS] = {
	ICU_STR(uidna_openUTS46), ICU_STR(uidna_nameToASCII_UTF8),
	ICU_STR(uidna_nameToUnicodeUTF8)
};
static dynlib_fn icu_syms[N_ICU_SYMS];
static struct dynlib icu_lib = {
	CHOUSA_SONAME_ICUUC, icu_names, icu_syms, N_ICU_SYMS, 0, ""
};

typedef UIDNA *(*icu_open_fn)(uint32_t, UErrorCode *);
typedef int32_t (*icu_conv_fn)(const UIDNA *, const char *, int32_t, char *,
    int32_t, UIDNAInfo *, UErrorCode *);

static UIDNA *uts46;
static pthread_once_t uts46_once = PTHREAD_ONCE_INIT;

static void
uts46_open(void)
{
	UErrorCode ec = U_ZERO_ERROR;
	icu_open_fn op;

	if (dynlib_load(&icu_lib) != 0)
		return;
	op = (icu_open_fn)icu_syms[ICU_OPEN];
	uts46 = op(UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ |
	    UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE,
	    &ec);
	if (U_FAILURE(ec))
		uts46 = NULL;
}

/* The UTS #46 object (immutable, shared by threads), or NULL. */
static const UIDNA *
idna(void)
{
	pthread_once(&uts46_once, uts46_open);
	return uts46;
}

/* ---- the Unicode 15.0 -> 17.0 bridge ---- */

/*
 * Code points whose UTS #46 status changed between Unicode 15.0 (ICU 72)
 * and 17.0, as IdnaMappingTable.txt 15.0.0 and 17.0.0 give them, where
 * the new mapping is made of characters ICU 72 already takes as valid:
 * first..last map to to + (c - first), or are dropped when to is 0
 * (status "ignored").  Characters new in 16.0 or 17.0 stay unknown to ICU
 * 72 and so invalid: a host using them is kept and flagged.
 */
static const struct {
	uint32_t	first, last, to;
} bridge[] = {
	{ 0x04c0, 0x04c0, 0x04cf }, { 0x10a0, 0x10c5, 0x2d00 },
	{ 0x115f, 0x1160, 0 }, { 0x17b4, 0x17b5, 0 }, { 0x180e, 0x180e, 0 },
	{ 0x1e9e, 0x1e9e, 0x00df }, { 0x2061, 0x2063, 0 },
	{ 0x206a, 0x206f, 0 }, { 0x2132, 0x2132, 0x214e },
	{ 0x2183, 0x2183, 0x2184 }, { 0x3164, 0x3164, 0 },
	{ 0xa7cb, 0xa7cb, 0x0264 }, { 0xa7d2, 0xa7d2, 0xa7d3 },
	{ 0xa7d4, 0xa7d4, 0xa7d5 }, { 0xa7dc, 0xa7dc, 0x019b },
	{ 0xa7f1, 0xa7f1, 0x0073 }, { 0xffa0, 0xffa0, 0 },
	{ 0x1ccd6, 0x1ccef, 0x0061 }, { 0x1ccf0, 0x1ccf9, 0x0030 },
	{ 0x1d173, 0x1d17a, 0 }, { 0x2f868, 0x2f868, 0x36fc },
	{ 0x2f874, 0x2f874, 0x5f53 }, { 0x2f91f, 0x2f91f, 0x243ab },
	{ 0x2f95f, 0x2f95f, 0x7aee }, { 0x2f9bf, 0x2f9bf, 0x45d7 },
};

static void
utf8_put(struct chousa_buf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		chousa_buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		chousa_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		chousa_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		chousa_buf_add(b, u, 4);
	}
}

/*
 * Copy s to b with the bridge applied; 0 when s is not valid UTF-8.
 * Invalid UTF-8 is refused here rather than replaced: ICU would make it
 * U+FFFD, which is a disallowed character anyway.
 */
static int
bridged(const char *s, size_t len, struct chousa_buf *b)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (u[i] < 0x80) {
			chousa_buf_addch(b, (char)u[i]);
			i++;
			continue;
		}
		cp = ioc_utf8_decode(u + i, len - i, &n);
		if (n == 0)
			return 0;
		for (k = 0; k < sizeof(bridge) / sizeof(bridge[0]); k++)
			if (cp >= bridge[k].first && cp <= bridge[k].last)
				break;
		if (k == sizeof(bridge) / sizeof(bridge[0]))
			chousa_buf_add(b, s + i, n);
		else if (bridge[k].to != 0)
			utf8_put(b, bridge[k].to + (cp - bridge[k].first));
		i += n;
	}
	return 1;
}

/* ---- conversion ---- */

/* The errors the WHATWG settings do not check (CheckHyphens false,
 * VerifyDnsLength false). */
#define IGNORED_ERRORS	(UIDNA_ERROR_EMPTY_LABEL | \
	UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG | \
	UIDNA_ERROR_LEADING_HYPHEN | UIDNA_ERROR_TRAILING_HYPHEN | \
	UIDNA_ERROR_HYPHEN_3_4)

/* What an ICU error bit means, for "invalid-host: ..." */
static const char *
icu_why(uint32_t errors)
{
	if (errors & UIDNA_ERROR_DISALLOWED)
		return "a character not allowed in a host name (UTS #46)";
	if (errors & (UIDNA_ERROR_PUNYCODE | UIDNA_ERROR_INVALID_ACE_LABEL))
		return "a label is not valid punycode";
	if (errors & UIDNA_ERROR_LEADING_COMBINING_MARK)
		return "a label starts with a combining mark";
	if (errors & UIDNA_ERROR_BIDI)
		return "a label breaks the bidi rule (RFC 5893)";
	if (errors & UIDNA_ERROR_CONTEXTJ)
		return "a zero-width joiner or non-joiner out of place";
	if (errors & UIDNA_ERROR_LABEL_HAS_DOT)
		return "a label has a dot after mapping";
	return "not a valid international domain name";
}

/*
 * Unicode 16 added to UTS #46 (with CheckHyphens false) that a label must
 * not start with "xn--" once decoded; ICU 72 predates it.
 */
static int
decoded_label_is_ace(const char *u, size_t len)
{
	size_t i = 0, s;

	while (i <= len) {
		s = i;
		while (i < len && u[i] != '.')
			i++;
		if (i - s >= 4 && strncasecmp(u + s, "xn--", 4) == 0)
			return 1;
		i++;
	}
	return 0;
}

/* Whether a label of s starts "xn--" (any case). */
static int
has_ace_label(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if ((i == 0 || s[i - 1] == '.') && strncasecmp(s + i, "xn--",
		    4) == 0)
			return 1;
	return 0;
}

/* Run one ICU conversion into out; 1 on success, 0 with *why. */
static int
icu_convert(int to_ascii, const char *s, size_t len, struct chousa_buf *out,
    const char **why)
{
	const UIDNA *u = idna();
	icu_conv_fn fn;
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	UErrorCode ec = U_ZERO_ERROR;
	struct chousa_buf in;
	char dest[1024];
	int32_t n;
	int ok = 0;

	chousa_buf_init(&in, IOC_MAX_TOKEN * 2);
	if (!bridged(s, len, &in)) {
		*why = "a host name that is not UTF-8";
		goto out;
	}
	if (in.failed != CHOUSA_OK || in.len > 512) {
		*why = "host name too long";
		goto out;
	}
	fn = (icu_conv_fn)icu_syms[to_ascii ? ICU_TO_ASCII : ICU_TO_UNICODE];
	n = fn(u, in.data, (int32_t)in.len, dest, (int32_t)sizeof(dest),
	    &info, &ec);
	if (U_FAILURE(ec) || n < 0 || (size_t)n >= sizeof(dest)) {
		*why = "host name too long";
		goto out;
	}
	if (info.errors & ~(uint32_t)IGNORED_ERRORS) {
		*why = icu_why(info.errors);
		goto out;
	}
	if (!to_ascii && decoded_label_is_ace(dest, (size_t)n)) {
		*why = "a label is still \"xn--\" once decoded";
		goto out;
	}
	chousa_buf_add(out, dest, (size_t)n);
	ok = 1;
out:
	chousa_buf_release(&in);
	return ok;
}

int
ioc_idna_uts46(const char *s, size_t len, struct chousa_buf *out,
    const char **why)
{
	char *ascii = NULL, tmp[1024];
	int ok;

	if (idna() != NULL) {
		struct chousa_buf uni;

		if (!icu_convert(1, s, len, out, why))
			return 0;
		if (!has_ace_label(s, len))
			return 1;
		/* Unicode 16's V4 on the decoded labels (ICU 72 predates
		 * it): icu_convert(0) checks it. */
		chousa_buf_init(&uni, IOC_MAX_TOKEN * 4);
		ok = icu_convert(0, s, len, &uni, why);
		chousa_buf_release(&uni);
		return ok;
	}
	/* No ICU: libidn2's IDNA2008 refuses more (symbols, emoji). */
	if (len >= sizeof(tmp)) {
		*why = "host name too long";
		return 0;
	}
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	ok = idn2_to_ascii_8z(tmp, &ascii, IDN2_NONTRANSITIONAL |
	    IDN2_NFC_INPUT) == IDN2_OK;
	if (ok)
		chousa_buf_adds(out, ascii);
	else
		*why = "not a valid international domain name (IDNA2008; "
		    "ICU not loaded)";
	idn2_free(ascii);
	return ok;
}

int
ioc_idna_to_unicode(const char *ascii, size_t len, struct chousa_buf *out,
    const char **why)
{
	char *uni = NULL, *back = NULL, tmp[1024];
	int ok;

	if (idna() != NULL)
		return icu_convert(0, ascii, len, out, why);
	if (len >= sizeof(tmp)) {
		*why = "host name too long";
		return 0;
	}
	memcpy(tmp, ascii, len);
	tmp[len] = '\0';
	/* A label that does not come back the same is not valid IDNA. */
	ok = idn2_to_unicode_8z8z(tmp, &uni, 0) == IDN2_OK &&
	    idn2_to_ascii_8z(uni, &back, IDN2_NONTRANSITIONAL |
	    IDN2_NFC_INPUT) == IDN2_OK && strcmp(back, tmp) == 0;
	if (ok)
		chousa_buf_adds(out, uni);
	else
		*why = "a label is not valid punycode";
	idn2_free(uni);
	idn2_free(back);
	return ok;
}

const char *
ioc_idna_engine(void)
{
	return idna() != NULL ? "ICU " U_ICU_VERSION " (UTS #46)" :
	    "libidn2 (IDNA2008)";
}
