/*
 * registry.c: every importer, in the order `chousa import --help` lists
 * them, and the choice among them.  Adding a format is one file under
 * src/store/import/ and one line here.  Each importer's table entry
 * carries its feed (struct chousa_feed): where update downloads it, with
 * which key, whether import takes a directory or --source-name, the store
 * names its records carry and the local source that answers for them
 * (which the entry makes when it gives that source's indicator types).
 *
 * A JSON document is judged by its structure (detect.c), read as far as
 * it takes: the first 64 KiB, and when they do not decide, the document
 * again from its start.  Text is judged by its first bytes.  A document no
 * importer names is refused with what it is; auto never hands JSON to
 * list, which would read any text, and so a benign list's names as
 * indicators.
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "store/import/import.h"
#include "base/mem.h"

extern const struct importer importer_urlhaus, importer_threatfox,
	importer_feodo, importer_malwarebazaar, importer_malpedia,
	importer_warninglist, importer_stix, importer_misp, importer_list;

const struct importer *const importers[] = {
	&importer_urlhaus,
	&importer_threatfox,
	&importer_feodo,
	&importer_malwarebazaar,
	&importer_malpedia,
	&importer_warninglist,
	&importer_stix,
	&importer_misp,
	&importer_list,
	NULL
};

/*
 * Downloads with no importer of their own: abuse.ch's false-positive list
 * goes into the benign lists through the warninglist importer.
 */
static const struct chousa_feed feed_abusech_fp = {
	.name = "abusech-fp",
	.title = "abuse.ch's false-positive list",
	.local_source = "benign",
	.url = "https://hunting-api.abuse.ch/api/v1/",
	.file = "abusech-fp.json",
	.post = "{\"query\": \"get_fplist\", \"format\": \"json\"}",
	.flags = CHOUSA_FEED_ABUSECH_KEY | CHOUSA_FEED_NEEDS_KEY |
	    CHOUSA_FEED_REFERENCE | CHOUSA_FEED_FPLIST,
};

static const struct chousa_feed *const other_feeds[] = {
	&feed_abusech_fp,
	NULL
};

#define FEEDS_MAX	32

static const struct chousa_feed *feeds[FEEDS_MAX];
static const struct chousa_feed *downloads[FEEDS_MAX];
static pthread_once_t feeds_once = PTHREAD_ONCE_INIT;

/*
 * Each download's [feeds] <name>_url setting, for the program to add to
 * base's settings table as it starts (chousa_feed_config_keys()): base
 * names no feed, and a new feed needs no row there.
 */
static struct chousa_config_key url_keys[FEEDS_MAX];
static char url_names[FEEDS_MAX][64];
static char url_helps[FEEDS_MAX][256];
static size_t n_url_keys;

/*
 * The strings of parts, joined into out (cut at size).  Every command
 * runs this as it starts: by hand it costs a few thousand instructions,
 * a third of what snprintf does.
 */
static void
join(char *out, size_t size, const char *const *parts)
{
	size_t len = 0, n;

	for (; *parts != NULL; parts++) {
		n = strlen(*parts);
		if (n > size - 1 - len)
			n = size - 1 - len;
		memcpy(out + len, *parts, n);
		len += n;
	}
	out[len] = '\0';
}

static void
url_key(const struct chousa_feed *f)
{
	size_t n = n_url_keys++;

	join(url_names[n], sizeof(url_names[n]),
	    (const char *const[]){ f->name, "_url", NULL });
	join(url_helps[n], sizeof(url_helps[n]),
	    (const char *const[]){ "Where chousa update downloads ",
	    f->title, " from", (f->flags & CHOUSA_FEED_NEEDS_KEY) ?
	    " (with an Auth-Key)" : "", ", instead of its official location: "
	    "a mirror or a local server.", NULL });
	url_keys[n].section = "feeds";
	url_keys[n].key = url_names[n];
	url_keys[n].type = CHOUSA_CFG_URL;
	url_keys[n].help = f->url_help != NULL ? f->url_help : url_helps[n];
}

static void
feeds_init(void)
{
	size_t i, n = 0;
	int pass;

	for (i = 0; importers[i] != NULL && n + 1 < FEEDS_MAX; i++)
		feeds[n++] = &importers[i]->feed;
	for (i = 0; other_feeds[i] != NULL && n + 1 < FEEDS_MAX; i++)
		feeds[n++] = other_feeds[i];
	for (i = 0; feeds[i] != NULL; i++)
		if (feeds[i]->url != NULL)
			url_key(feeds[i]);
	n = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; feeds[i] != NULL; i++) {
			int is_reference = (feeds[i]->flags &
			    CHOUSA_FEED_REFERENCE) != 0;

			if (feeds[i]->url != NULL && is_reference == !pass)
				downloads[n++] = feeds[i];
		}
}

/* Built once, whichever thread asks first (the server's workers). */
const struct chousa_feed *const *
chousa_feeds(void)
{
	pthread_once(&feeds_once, feeds_init);
	return feeds;
}

const struct chousa_feed *const *
chousa_feed_downloads(void)
{
	pthread_once(&feeds_once, feeds_init);
	return downloads;
}

const struct chousa_config_key *
chousa_feed_config_keys(size_t *n)
{
	pthread_once(&feeds_once, feeds_init);
	*n = n_url_keys;
	return url_keys;
}

const struct chousa_feed *
chousa_feed_find(const char *name)
{
	size_t i, k;

	if (name == NULL)
		return NULL;
	chousa_feeds();
	for (i = 0; feeds[i] != NULL; i++) {
		if (strcasecmp(feeds[i]->name, name) == 0)
			return feeds[i];
		for (k = 0; feeds[i]->aliases != NULL &&
		    feeds[i]->aliases[k] != NULL; k++)
			if (strcasecmp(feeds[i]->aliases[k], name) == 0)
				return feeds[i];
	}
	return NULL;
}

const char *
chousa_feed_local_source(const char *name)
{
	const struct chousa_feed *f = chousa_feed_find(name);

	return f != NULL && f->local_source != NULL ? f->local_source :
	    "local-lists";
}

/* Scores from here up are certain: reading stops. */
#define SURE	90

static const struct importer *
find(const char *name)
{
	size_t i;

	for (i = 0; importers[i] != NULL; i++)
		if (strcmp(importers[i]->feed.name, name) == 0)
			return importers[i];
	return NULL;
}

const char *
chousa_importer_help(const char *name)
{
	const struct importer *imp = find(name);

	return imp != NULL ? imp->help : NULL;
}

/* The JSON importer the shape fits best, with its score. */
static const struct importer *
best_json(const struct jshape *sh, int *score)
{
	const struct importer *best = NULL;
	size_t i;
	int s;

	*score = 0;
	for (i = 0; importers[i] != NULL; i++) {
		if (importers[i]->probe_json == NULL)
			continue;
		s = importers[i]->probe_json(sh);
		if (s > *score) {
			*score = s;
			best = importers[i];
		}
	}
	return best;
}

/* Stop reading once the named importer, or any, is sure. */
static int
sure(void *arg, const struct jshape *sh)
{
	const struct importer *named = arg;
	int score;

	if (named != NULL && named->probe_json != NULL &&
	    named->probe_json(sh) >= SURE)
		return 1;
	best_json(sh, &score);
	return score >= SURE;
}

/* The content as given: a file, stdin ("-") or bytes in memory. */
static int
reopen(const struct import_src *src, struct input **out,
    struct chousa_err *err)
{
	if (src->mem != NULL)
		return input_open_mem(out, src->mem, src->mem_len, src->path,
		    err);
	if (strcmp(src->path, "-") == 0)
		return CHOUSA_ENOTFOUND;
	return input_open(out, src->path, err);
}

/*
 * The shape of the JSON document whose first bytes are p; read again
 * whole when they do not decide.
 */
static int
json_shape(const struct import_src *src, const char *p, size_t len,
    const struct importer *named, struct jshape *sh, struct chousa_err *err)
{
	struct input *again = NULL;
	int all = len < INPUT_PEEK_MAX, rc, score;

	rc = shape_scan(sh, p, len, all, sure, (void *)named, err);
	if (rc != CHOUSA_OK || sh->complete || sh->error[0] != '\0')
		return rc;
	if (named != NULL && named->probe_json != NULL &&
	    named->probe_json(sh) >= SURE)
		return CHOUSA_OK;
	best_json(sh, &score);
	if (score >= SURE || all)
		return CHOUSA_OK;
	rc = reopen(src, &again, err);
	if (rc == CHOUSA_ENOTFOUND)
		return CHOUSA_OK;	/* stdin: the start is all there is */
	if (rc != CHOUSA_OK)
		return rc;
	rc = shape_read(sh, again, sure, (void *)named, err);
	input_free(again);
	return rc;
}

/* "a STIX bundle (import stix)" or the shape's own words, into b. */
static void
what_it_is(struct chousa_buf *b, const struct jshape *sh)
{
	const struct importer *other;
	int score;

	other = best_json(sh, &score);
	if (other != NULL && score >= 60)
		chousa_buf_addf(b, "%s (import %s)", other->expects,
		    other->feed.name);
	else
		shape_describe(b, sh);
}

static int
refuse(struct chousa_err *err, struct chousa_buf *b)
{
	int rc = chousa_errf(err, CHOUSA_EFORMAT, "%s", b->data != NULL ?
	    b->data : "cannot tell the format");

	chousa_buf_release(b);
	return rc;
}

/* The importers that read JSON, "a, b and c", into b. */
static void
json_names(struct chousa_buf *b)
{
	size_t i, n = 0, total = 0;

	for (i = 0; importers[i] != NULL; i++)
		total += importers[i]->probe_json != NULL;
	for (i = 0; importers[i] != NULL; i++) {
		if (importers[i]->probe_json == NULL)
			continue;
		chousa_buf_addf(b, "%s%s", n == 0 ? "" : n + 1 == total ?
		    " and " : ", ", importers[i]->feed.name);
		n++;
	}
}

static int
choose_json(const struct import_src *src, const struct importer *named,
    const char *p, size_t len, const struct importer **out,
    struct jshape **shape_out, struct chousa_err *err)
{
	struct jshape *sh = mem_alloc(sizeof(*sh));
	const struct importer *best;
	struct chousa_buf b;
	int rc, score;

	if (sh == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = json_shape(src, p, len, named, sh, err);
	if (rc != CHOUSA_OK)
		goto fail;
	chousa_buf_init(&b, 1024);
	best = best_json(sh, &score);
	if (named != NULL && named->probe_json != NULL) {
		if (named->probe_json(sh) > 0)
			goto chosen;
		chousa_buf_addf(&b, "'%s' is not %s: it is ", src->path,
		    named->expects);
		what_it_is(&b, sh);
		rc = refuse(err, &b);
		goto fail;
	}
	if (named != NULL && named->probe == NULL) {
		chousa_buf_addf(&b, "'%s' is not %s: it is ", src->path,
		    named->expects);
		what_it_is(&b, sh);
		rc = refuse(err, &b);
		goto fail;
	}
	if (named != NULL) {
		/* list reads any text: unless a feed format names it. */
		if (score < SURE)
			goto chosen;
		chousa_buf_addf(&b, "'%s' is %s, not %s", src->path,
		    best->expects, named->expects);
		rc = refuse(err, &b);
		goto fail;
	}
	if (best != NULL && score >= 10) {
		named = best;
		goto chosen;
	}
	chousa_buf_addf(&b, "cannot tell the format of '%s': it is ",
	    src->path);
	shape_describe(&b, sh);
	if (sh->partial)
		chousa_buf_adds(&b, " (only its first 64 KiB could be read)");
	chousa_buf_adds(&b, "; the importers of JSON are ");
	json_names(&b);
	rc = refuse(err, &b);
	goto fail;
chosen:
	chousa_buf_release(&b);
	*out = named;
	*shape_out = sh;
	return CHOUSA_OK;
fail:
	mem_free(sh);
	return rc;
}

/* The first byte of the content past a byte-order mark and white space. */
static int
first_byte(const char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i < len ? (unsigned char)p[i] : -1;
}

int
import_choose(const char *source, const struct import_src *src,
    struct input *in, const struct importer **out, struct jshape **shape,
    struct chousa_err *err)
{
	const struct importer *named = NULL, *best = NULL;
	const char *p = "";
	size_t len = 0, i;
	int rc, c, score, best_score = 0;

	*shape = NULL;
	if (strcmp(source, "auto") != 0) {
		named = find(source);
		if (named == NULL)
			return chousa_errf(err, CHOUSA_EINVAL,
			    "no importer named '%s'", source);
	}
	if (in == NULL) {
		/* A directory: a MISP feed is the only one. */
		if (named != NULL && !(named->feed.flags &
		    CHOUSA_FEED_DIRECTORY))
			return chousa_errf(err, CHOUSA_EIO,
			    "'%s' is a directory", src->path);
		for (i = 0; named == NULL && importers[i] != NULL; i++)
			if (importers[i]->feed.flags & CHOUSA_FEED_DIRECTORY)
				named = importers[i];
		*out = named;
		return CHOUSA_OK;
	}
	rc = input_peek(in, &p, &len, err);
	if (rc != CHOUSA_OK)
		return rc;
	c = first_byte(p, len);
	if (c < 0)
		return chousa_errf(err, CHOUSA_EFORMAT, "'%s' is empty%s",
		    src->path, len > 0 ? " (white space only)" : "");
	if (c == '{' || c == '[')
		return choose_json(src, named, p, len, out, shape, err);
	if (named != NULL) {
		if (named->probe == NULL || named->probe(p, len) == 0)
			return chousa_errf(err, CHOUSA_EFORMAT,
			    "'%s' is not %s", src->path, named->expects);
		*out = named;
		return CHOUSA_OK;
	}
	for (i = 0; importers[i] != NULL; i++) {
		if (importers[i]->probe == NULL)
			continue;
		score = importers[i]->probe(p, len);
		if (score > best_score) {
			best = importers[i];
			best_score = score;
		}
	}
	/* Below 10 is "text, if you say so": never a guess. */
	if (best == NULL || best_score < 10)
		return chousa_errf(err, CHOUSA_EFORMAT, "cannot tell the "
		    "format of '%s' (name the source: urlhaus, threatfox, ..., "
		    "or list for any text)", src->path);
	*out = best;
	return CHOUSA_OK;
}
