/*
 * labels.c: family names from labels, tags and detection names.  A value
 * is a label only in a label's shape (one token of letters, digits and a
 * little punctuation): markup, escapes and prose name nothing and are
 * never mined for words, since anyone can submit a feed's tags.  A label
 * is cut into words at every character that is not a letter or a digit;
 * a word names a family unless data/labels/generic.txt lists it (or it
 * with digits after it), it is too short or too long, or it looks like a
 * number, a hash or a variant id.  Over many engines' detection names a
 * word must be given by two engines at least, and by more engines than
 * any other, after aliases are merged: AVClass's published method, in
 * our own code and with our own word lists.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "ioc/labels.h"

#define WORDS_PER_LABEL	16
#define VOTE_WORDS	128

/* ---- words ---- */

static int
in_list(const char *const *list, const char *w, size_t len)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], w, len) == 0)
			return 1;
	return 0;
}

int
labels_is_generic(const char *w, size_t len)
{
	const char *const *words = data_generic_words();
	size_t i, digits = 0, hex = 0, base = len;

	if (len < LABELS_WORD_MIN || len > LABELS_WORD_MAX)
		return 1;
	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)w[i]))
			digits++;
		else if (strchr("abcdefABCDEF", w[i]) != NULL)
			hex++;
	}
	if (digits == len)
		return 1;
	/* "b61a4b8883ba", "6a7c1cce": a hash or an engine's record id. */
	if (digits > 0 && digits + hex == len && len >= 6)
		return 1;
	/* "2975xfk8s2pq1", "10sjj37": an engine's variant id. */
	if (digits >= 3 && digits * 3 >= len)
		return 1;
	if (in_list(words, w, len))
		return 1;
	/* "downloader11", "siggen15", "epoch4" */
	while (base > 0 && isdigit((unsigned char)w[base - 1]))
		base--;
	return base < len && base > 0 && in_list(words, w, base);
}

/* ---- the shape of a label ---- */

/* Punctuation real labels use besides letters and digits. */
#define LABEL_PUNCT	"._-/:+!"

size_t
labels_token(const char *s, size_t len, size_t *off)
{
	size_t start = 0, end = len, i;

	while (start < end && s[start] == ' ')
		start++;
	while (end > start && s[end - 1] == ' ')
		end--;
	if (end - start < LABELS_LABEL_MIN || end - start > LABELS_LABEL_MAX)
		return 0;
	/* Bytes, not the locale's isalnum: no high byte is part of a label. */
	for (i = start; i < end; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != '\0' &&
		    strchr(LABEL_PUNCT, c) != NULL)))
			return 0;
	}
	if (off != NULL)
		*off = start;
	return end - start;
}

/*
 * Whether s is two or three label tokens with single spaces between them
 * ("Cobalt Strike", "IcedID Malware"): a name, not a sentence.
 */
static int
few_tokens(const char *s, size_t len)
{
	size_t i = 0, n = 0, tok;

	while (len > 0 && *s == ' ') {
		s++;
		len--;
	}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len > LABELS_LABEL_MAX)
		return 0;
	while (i < len) {
		tok = strcspn(s + i, " ");
		if (tok > len - i)
			tok = len - i;
		if (tok == 0 || labels_token(s + i, tok, NULL) != tok)
			return 0;
		n++;
		i += tok;
		if (i < len && ++i == len)
			return 0;
	}
	return n >= 2 && n <= 3;
}

/* Whether a detection name is free of control bytes and markup. */
static int
detection_clean(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || strchr("<>\"'`{}", c) != NULL)
			return 0;
		/* C1 controls, as UTF-8: C2 80 to C2 9F. */
		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f)
			return 0;
	}
	return 1;
}

/* The words of s: [start, end) pairs into w, at most max. */
static size_t
split(const char *s, size_t w[][2], size_t max)
{
	size_t n = 0, i = 0, len = strlen(s);

	while (i < len && n < max) {
		size_t start;

		while (i < len && !isalnum((unsigned char)s[i]))
			i++;
		start = i;
		while (i < len && isalnum((unsigned char)s[i]))
			i++;
		if (i > start) {
			w[n][0] = start;
			w[n][1] = i;
			n++;
		}
	}
	return n;
}

/* A lower-case copy of a word, NUL-terminated, in buf (LABELS_WORD_MAX). */
static const char *
lower_word(const char *s, size_t len, char *buf)
{
	size_t i;

	for (i = 0; i < len && i < LABELS_WORD_MAX; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

static const char *
resolve_word(labels_resolve_fn resolve, void *arg, const char *word)
{
	return resolve != NULL ? resolve(arg, word) : NULL;
}

/* ---- MISP machine tags ---- */

/*
 * A MISP machine tag, namespace:predicate or namespace:predicate="value"
 * (tlp:white, misp-galaxy:malpedia="Emotet"; the quotes may be left
 * out), names a family only in a galaxy of families; any other names
 * nothing.  Returns 1 for a machine
 * tag, with the family's name in [*v, *v + *vlen) or *vlen 0; 0 for a
 * label of another shape (Trojan:Win32/Emotet.A, HEUR:Trojan.Emotet).
 */
static int
machine_tag(const char *label, const char **v, size_t *vlen)
{
	static const char *const plain[] = { "tlp", "pap", "misp", "workflow",
	    "osint", "type", "circl", "estimative-language", "kill-chain",
	    "veris", "admiralty-scale", "enisa", "ecsirt", "rsit", "iep",
	    "false-positive", "source-reliability",
	    "information-credibility", NULL };
	static const char *const galaxies[] = { "malpedia", "mitre-malware",
	    "malware", "ransomware", "banker", "botnet", "rat", "stealer",
	    "backdoor", "android", "tool", "mitre-tool", NULL };
	const char *colon, *p, *eq;
	size_t ns;

	*vlen = 0;
	for (p = label; isalnum((unsigned char)*p) || *p == '-' || *p == '_';
	    p++)
		;
	if (*p != ':' || p == label)
		return 0;
	colon = p;
	ns = (size_t)(colon - label);
	for (p = colon + 1; isalnum((unsigned char)*p) || *p == '-' ||
	    *p == '_' || *p == '.' || *p == '+'; p++)
		;
	if (p == colon + 1)
		return 0;
	eq = p;
	if (*eq == '\0')
		return in_list(plain, label, ns);
	if (eq[0] != '=')
		return 0;
	/* The value quoted, or not ("misp-galaxy:banker=Qakbot"). */
	if (ns == 11 && strncasecmp(label, "misp-galaxy", 11) == 0 &&
	    in_list(galaxies, colon + 1, (size_t)(eq - colon - 1))) {
		*v = eq + 1 + (eq[1] == '"');
		*vlen = eq[1] == '"' ? strcspn(*v, "\"") : strlen(*v);
		/* Nothing after the closing quote: a tag, not a tag and more. */
		if ((*v)[*vlen] == '"' && (*v)[*vlen + 1 +
		    strspn(*v + *vlen + 1, " ")] != '\0')
			*vlen = 0;
	}
	return 1;
}

/*
 * Whether a word of a phrase ("Zbot-9953434-0") is filler: a generic word,
 * a number or an id; a short word of letters ("X" of "X-Tunnel", "for" of
 * "for_intelmq_processing") is part of the phrase's name.
 */
static int
phrase_filler(const char *w, size_t len)
{
	size_t i;

	if (len < LABELS_WORD_MIN) {
		for (i = 0; i < len; i++)
			if (!isalpha((unsigned char)w[i]))
				return 1;
		return 0;
	}
	return labels_is_generic(w, len);
}

/*
 * The word that names a family in the part of a label that holds word i,
 * words joined by '-' or '_' ("Zbot-9953434-0", "X-Tunnel",
 * "for_intelmq_processing"): its one word that is not filler, or -1 when
 * it has none or several.  Several words make a phrase, which names a
 * family only whole, through a catalogue: "Tunnel" of "X-Tunnel" or
 * "intelmq" of a workflow tag is no family.
 */
static long
phrase_word(const char *label, size_t w[][2], size_t n, size_t i)
{
	size_t lo = i, hi = i, k;
	long only = -1;

	while (lo > 0 && w[lo - 1][1] + 1 == w[lo][0] &&
	    strchr("-_", label[w[lo][0] - 1]) != NULL)
		lo--;
	while (hi + 1 < n && w[hi][1] + 1 == w[hi + 1][0] &&
	    strchr("-_", label[w[hi][1]]) != NULL)
		hi++;
	for (k = lo; k <= hi; k++) {
		if (phrase_filler(label + w[k][0], w[k][1] - w[k][0]))
			continue;
		if (only >= 0)
			return -1;
		only = (long)k;
	}
	return only;
}

/*
 * A family galaxy's value names the family whole: "X-Tunnel" is the
 * name, not "Tunnel".  A catalogue's id for it when one knows it (or a
 * word of it), else the value as written; NULL for generic words only.
 */
static const char *
galaxy_family(struct chousa_arena *a, const char *value,
    labels_resolve_fn resolve, void *arg, int *known)
{
	size_t w[WORDS_PER_LABEL][2], n, i, len = strlen(value), off;
	const char *id;
	int content = 0, is_known = 0;

	if (labels_token(value, len, &off) != len || off != 0)
		return labels_family(a, value, resolve, arg, known);
	n = split(value, w, WORDS_PER_LABEL);
	for (i = 0; i < n; i++)
		content += !labels_is_generic(value + w[i][0],
		    w[i][1] - w[i][0]);
	if (content == 0)
		return NULL;
	id = labels_family(a, value, resolve, arg, &is_known);
	if (known != NULL)
		*known = is_known;
	return id != NULL && is_known ? id : value;
}

const char *
labels_family(struct chousa_arena *a, const char *label,
    labels_resolve_fn resolve, void *arg, int *known)
{
	size_t w[WORDS_PER_LABEL][2], n, i;
	char buf[LABELS_WORD_MAX + 1];
	const char *first = NULL, *id, *tag;
	size_t tag_len, tok_len, off;
	int known_only = 0;

	if (known != NULL)
		*known = 0;
	if (label == NULL || *label == '\0')
		return NULL;
	if (machine_tag(label, &tag, &tag_len)) {
		if (tag_len == 0 || tag_len > LABELS_WORD_MAX * 4)
			return NULL;
		tag = chousa_arena_strndup(a, tag, tag_len);
		return tag != NULL ? galaxy_family(a, tag, resolve, arg,
		    known) : NULL;
	}
	tok_len = labels_token(label, strlen(label), &off);
	if (tok_len == 0) {
		/*
		 * "IcedID Malware", "qakbot payload": a few words name only
		 * a family the catalogue knows; never an unknown word, which
		 * would be any word of a sentence.
		 */
		if (!few_tokens(label, strlen(label)))
			return NULL;
		known_only = 1;
		off = strspn(label, " ");
		tok_len = strlen(label + off);
		while (tok_len > 0 && label[off + tok_len - 1] == ' ')
			tok_len--;
	}
	if (off > 0 || tok_len < strlen(label))
		label = chousa_arena_strndup(a, label + off, tok_len);
	if (label == NULL)
		return NULL;
	n = split(label, w, WORDS_PER_LABEL);
	/* One word that is generic names nothing, whatever a catalogue says. */
	if (n == 1 && labels_is_generic(label + w[0][0], w[0][1] - w[0][0]))
		return NULL;
	id = resolve_word(resolve, arg, label);
	if (id != NULL) {
		if (known != NULL)
			*known = 1;
		return id;
	}
	for (i = 0; i < n; i++) {
		const char *p = label + w[i][0];
		size_t len = w[i][1] - w[i][0];

		if (labels_is_generic(p, len))
			continue;
		lower_word(p, len, buf);
		id = resolve_word(resolve, arg, buf);
		if (id != NULL) {
			if (known != NULL)
				*known = 1;
			return id;
		}
		/* As the source wrote it: "RustyStealer". */
		if (first == NULL && !known_only &&
		    phrase_word(label, w, n, i) == (long)i)
			first = chousa_arena_strndup(a, p, len);
	}
	return first;
}

/* ---- agreement between engines ---- */

struct tally {
	const char	*id;		/* resolve's id or the word (arena) */
	int		 engines;
	int		 known;
	size_t		 last;		/* the name that counted it last */
};

const char *
labels_from_detections(struct chousa_arena *a, const char *const *names,
    size_t n, labels_resolve_fn resolve, void *arg, int *engines,
    int *known)
{
	struct tally t[VOTE_WORDS];
	size_t n_t = 0, k, i, j, best = 0;
	int second = 0;

	if (engines != NULL)
		*engines = 0;
	if (known != NULL)
		*known = 0;
	for (k = 0; k < n; k++) {
		size_t w[WORDS_PER_LABEL][2], nw;
		char buf[LABELS_WORD_MAX + 1];

		if (names[k] == NULL || !detection_clean(names[k]))
			continue;
		nw = split(names[k], w, WORDS_PER_LABEL);
		for (i = 0; i < nw; i++) {
			const char *p = names[k] + w[i][0];
			size_t len = w[i][1] - w[i][0];
			const char *id;
			int is_known;

			if (labels_is_generic(p, len))
				continue;
			lower_word(p, len, buf);
			id = resolve_word(resolve, arg, buf);
			is_known = id != NULL;
			for (j = 0; j < n_t; j++)
				if (strcmp(t[j].id, is_known ? id : buf) == 0)
					break;
			if (j == n_t) {
				if (n_t == VOTE_WORDS)
					continue;
				t[j].id = is_known ? id :
				    chousa_arena_strdup(a, buf);
				if (t[j].id == NULL)
					return NULL;
				t[j].engines = 0;
				t[j].known = is_known;
				t[j].last = (size_t)-1;
				n_t++;
			}
			/* One engine, one vote, however often it says it. */
			if (t[j].last != k) {
				t[j].engines++;
				t[j].last = k;
			}
		}
	}
	if (n_t == 0)
		return NULL;
	for (j = 1; j < n_t; j++)
		if (t[j].engines > t[best].engines)
			best = j;
	for (j = 0; j < n_t; j++)
		if (j != best && t[j].engines > second)
			second = t[j].engines;
	if (t[best].engines == second)
		return NULL;
	/* Few names: only a family a catalogue knows. */
	if (t[best].engines < 2 && !(n <= 2 && t[best].known))
		return NULL;
	if (engines != NULL)
		*engines = t[best].engines;
	if (known != NULL)
		*known = t[best].known;
	return t[best].id;
}

/* ---- compiled-in aliases and platforms ---- */

/* s reduced to lower-case letters and digits, as the store's keys. */
static void
key_of(const char *s, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < cap; i++)
		if (isalnum((unsigned char)s[i]))
			out[n++] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
}

/*
 * Each piece of an aliases line ("win.emotet: Emotet, Geodo") a label may
 * name its family by, in order: the id, the id's name after its dot, and
 * each alias; fn returns non-zero to stop there, and so does this.
 */
static int
alias_pieces(const char *l, const char *colon,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	const char *dot = memchr(l, '.', (size_t)(colon - l)), *p;
	size_t len;

	if (fn(arg, l, (size_t)(colon - l)))
		return 1;
	if (dot != NULL && fn(arg, dot + 1, (size_t)(colon - dot - 1)))
		return 1;
	for (p = colon + 1; *p != '\0';) {
		len = strcspn(p, ",");
		if (fn(arg, p, len))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* alias_pieces' test: does the piece reduce to the key wanted? */
static int
piece_is(void *want, const char *s, size_t len)
{
	char k[96];

	key_of(s, len, k, sizeof(k));
	return strcmp(k, want) == 0;
}

/*
 * The aliases' lines, each once reduced to the keys it answers to: a
 * report asks for a family by label many times, and reducing every line
 * at every call was several percent of an investigation.  Built on first
 * use; without memory for it the lines are read as they are.
 */
struct alias_key {
	const char	*key;
	size_t		 line;
};
static struct alias_key *alias_keys;
static size_t n_alias_keys;
static pthread_once_t alias_once = PTHREAD_ONCE_INIT;

struct alias_build {
	struct alias_key	*keys;
	size_t			 n;
	char			*pool;	/* where the next key goes */
	size_t			 line;
};

/* alias_pieces' step of the index: the piece's key, if it has one. */
static int
piece_add(void *arg, const char *s, size_t len)
{
	struct alias_build *ab = arg;

	key_of(s, len, ab->pool, 96);
	if (ab->pool[0] == '\0')
		return 0;
	ab->keys[ab->n].key = ab->pool;
	ab->keys[ab->n++].line = ab->line;
	ab->pool += strlen(ab->pool) + 1;
	return 0;
}

static void
alias_index(void)
{
	const char *const *lines = data_family_aliases();
	struct alias_build ab;
	const char *colon, *p;
	size_t i, n = 0, pieces, bytes = 1;

	for (i = 0; lines[i] != NULL; i++) {
		/* The id, its name, and one alias more than commas. */
		pieces = 3;
		for (p = lines[i]; *p != '\0'; p++)
			pieces += *p == ',';
		n += pieces;
		/*
		 * No key is longer than its piece, and the id's name is part
		 * of the id: twice the line, and a NUL each.
		 */
		bytes += 2 * strlen(lines[i]) + pieces;
	}
	ab.keys = mem_alloc(n * sizeof(*ab.keys) + bytes);
	if (ab.keys == NULL)
		return;
	ab.pool = (char *)(ab.keys + n);
	ab.n = 0;
	for (i = 0; lines[i] != NULL; i++) {
		colon = strchr(lines[i], ':');
		ab.line = i;
		if (colon != NULL)
			alias_pieces(lines[i], colon, piece_add, &ab);
	}
	alias_keys = ab.keys;
	n_alias_keys = ab.n;
}

/* The first line that answers to want, or NULL. */
static const char *
alias_line(const char *want)
{
	const char *const *lines = data_family_aliases();
	const char *colon;
	size_t i, best = SIZE_MAX;

	pthread_once(&alias_once, alias_index);
	if (alias_keys != NULL) {
		for (i = 0; i < n_alias_keys; i++)
			if (alias_keys[i].key[0] == want[0] &&
			    strcmp(alias_keys[i].key, want) == 0 &&
			    alias_keys[i].line < best)
				best = alias_keys[i].line;
		return best != SIZE_MAX ? lines[best] : NULL;
	}
	for (i = 0; lines[i] != NULL; i++) {
		colon = strchr(lines[i], ':');
		if (colon != NULL && alias_pieces(lines[i], colon, piece_is,
		    (void *)(uintptr_t)want))
			return lines[i];
	}
	return NULL;
}

const char *
labels_builtin_family(struct chousa_arena *a, const char *label,
    const char **name)
{
	char want[96];
	const char *l, *colon, *first;
	size_t first_len;

	if (label == NULL)
		return NULL;
	key_of(label, strlen(label), want, sizeof(want));
	if (want[0] == '\0')
		return NULL;
	l = alias_line(want);
	if (l == NULL)
		return NULL;
	colon = strchr(l, ':');
	/* The name is the line's first alias. */
	first = colon + 1;
	first_len = strcspn(first, ",");
	while (first_len > 0 && *first == ' ') {
		first++;
		first_len--;
	}
	if (name != NULL)
		*name = first_len > 0 ? chousa_arena_strndup(a, first,
		    first_len) : NULL;
	return chousa_arena_strndup(a, l, (size_t)(colon - l));
}
