/*
 * labels.h: family names from the labels sources give.  Feeds and
 * services write families, tags and anti-virus detection names in one
 * vocabulary ("Heodo", "doc", "epoch4", "Trojan.Generic",
 * "win/malicious_confidence_90%", "trojan.emotet/heodo"); these helpers
 * keep the words that can name a family and drop the rest, the way the
 * published AVClass method does: split a label into words, drop generic
 * words, platforms, file types and vendor marks (data/labels/generic.txt),
 * map aliases through a catalogue, and, over many engines' detection names,
 * require that engines agree.  Our own implementation; the word lists are
 * data the project writes (data/labels/).
 */
#ifndef CHOUSA_LABELS_H
#define CHOUSA_LABELS_H

#include "chousa.h"
#include "ioc/data.h"

/* Words longer than this are no family name (hashes, paths). */
#define LABELS_WORD_MAX		40
/* Words shorter than this name no family ("gen", "ab", "tr"). */
#define LABELS_WORD_MIN		4

/* A tag or family value outside these lengths is no label. */
#define LABELS_LABEL_MIN	2
#define LABELS_LABEL_MAX	64

/*
 * Whether a tag or family value has the shape of a label, so that it may
 * name a family: once ASCII spaces are trimmed from its ends, between
 * LABELS_LABEL_MIN and LABELS_LABEL_MAX bytes of ASCII letters, digits and
 * the punctuation real labels use (". _ - / : + !": "win.emotet",
 * "Trojan:Win32/Emotet!ml", "32-bit").  Markup, quotes, control bytes
 * (terminal escapes, tabs, C1), non-ASCII and inner whitespace make it no
 * label: a feed's tags are anyone's submission, and words mined from
 * "<img src=x onerror=...>" or a sentence are no family.  Returns the
 * trimmed length and its start in *off, or 0.
 */
size_t	labels_token(const char *s, size_t len, size_t *off);

/*
 * What a catalogue says of a label: the family id it maps to, or NULL.
 * The investigation passes its chain (store catalogue, the Malpedia list
 * fetched for the run, data/labels/aliases.txt).
 */
typedef const char *(*labels_resolve_fn)(void *arg, const char *label);

/*
 * Whether a lower-case word names no family: in data/labels/generic.txt
 * (also with digits after it: "downloader11", "epoch5"), shorter than
 * LABELS_WORD_MIN, longer than LABELS_WORD_MAX, or a number, a hex string
 * or a random-looking id (three digits or more, a third of the word).
 */
int	labels_is_generic(const char *word, size_t len);

/*
 * The family one label names: the whole label when resolve knows it,
 * else the first of its words that resolve knows, else the first word
 * that is not generic and stands alone: words joined by '-' or '_'
 * ("X-Tunnel", "for_intelmq_processing") name a family only whole, so
 * none of their words does unless the others are numbers or generic
 * ("Foobot-9953434-0").  A family galaxy's value is a name, whole.  Only a label labels_token accepts is read, or a
 * MISP galaxy tag whose value it accepts; two or three such words
 * ("Cobalt Strike", "IcedID Malware") name only a family resolve knows,
 * and any other value (markup, escapes, prose) names none.  *known (may be
 * NULL) says whether resolve knew it.  NULL when the label holds only
 * generic words ("Trojan.Generic", "virus.eicar/test").  The result is
 * resolve's id or an arena copy of the word as the label writes it.
 */
const char *labels_family(struct chousa_arena *a, const char *label,
	    labels_resolve_fn resolve, void *arg, int *known);

/*
 * The family many engines' detection names agree on, AVClass style: each
 * name's family words, each counted once per name (one engine), aliases
 * merged through resolve; the word with the most engines wins when at
 * least two engines give it and no other word has as many.  A single
 * name (a sandbox's one verdict) names a family only when resolve knows
 * its word.  A name with control bytes or markup (< > " ' ` { }) is no
 * engine's and is skipped.  *engines (may be NULL) gets the winner's
 * count.  NULL when there is no agreement.
 */
const char *labels_from_detections(struct chousa_arena *a,
	    const char *const *names, size_t n, labels_resolve_fn resolve,
	    void *arg, int *engines, int *known);

/*
 * The Malpedia id and common name data/labels/aliases.txt gives a label
 * (its id, name or an alias, case and punctuation aside), or NULL (also
 * when memory runs out).  *name (may be NULL) gets the common name.  Both
 * are arena copies.
 */
const char *labels_builtin_family(struct chousa_arena *a, const char *label,
	    const char **name);

#endif /* CHOUSA_LABELS_H */
