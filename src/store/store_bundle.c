/*
 * store_bundle.c: reference data that comes as many lists in one file.
 * The MISP warninglists repository archive is walked with libarchive and
 * each lists/<name>/list.json goes through the warninglist importer on
 * its own, one transaction each, so that a list the importer refuses
 * costs that list only.  abuse.ch's false-positive list is rewritten into
 * warninglists (one per entry type) and imported the same way.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/dynlib.h"
#include "base/input.h"
#include "base/json_tree.h"
#include "base/mem.h"
#include "store/store.h"

/* The biggest real list (a top-million domain list) is about 30 MiB. */
#define LIST_MAX	((size_t)256 << 20)
#define FPLIST_MAX	((size_t)64 << 20)

static void
count(struct chousa_bundle_report *rep, const struct chousa_import_report *r)
{
	rep->lists++;
	rep->rows += r->rows_read;
	rep->added += r->added;
	rep->rejected += r->rejected;
}

static void
failure(struct chousa_bundle_report *rep, const char *name, const char *why)
{
	rep->failed++;
	if (rep->first_failure[0] == '\0')
		snprintf(rep->first_failure, sizeof(rep->first_failure),
		    "%.80s: %.110s", name, why);
}

/*
 * Whether a list's failure is the store's or the machine's (a full disk,
 * memory): it would fail every list after it too, so it ends the bundle
 * as its error, never counted as a list the importer refused.
 */
static int
stops_bundle(int rc)
{
	return rc == CHOUSA_ENOMEM || rc == CHOUSA_ESTORE || rc == CHOUSA_EDB ||
	    rc == CHOUSA_EBUSY;
}

/* "misp-warninglists-main/lists/akamai/list.json" is one; README is not. */
static int
is_list_json(const char *name)
{
	const char *l = strstr(name, "lists/");
	size_t n = strlen(name);

	if (l == NULL || (l != name && l[-1] != '/') || n < 10 ||
	    strcmp(name + n - 10, "/list.json") != 0)
		return 0;
	/* Exactly one directory between lists/ and list.json. */
	l += 6;
	return strchr(l, '/') == name + n - 10;
}

/* Read the current entry whole into a new buffer of at most max. */
static int
read_entry(struct archive *ar, struct archive_entry *e, const char *name,
    char **out, size_t *len, struct chousa_err *err)
{
	la_int64_t size = archive_entry_size(e);
	size_t cap, got = 0;
	char *buf;

	if (size < 0 || (uint64_t)size > LIST_MAX)
		return chousa_errf(err, CHOUSA_ELIMIT, "'%s' is over %zu MiB",
		    name, LIST_MAX >> 20);
	cap = (size_t)size + 1;
	buf = mem_alloc(cap);
	if (buf == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	while (got < (size_t)size) {
		la_ssize_t n = archive_read_data(ar, buf + got,
		    (size_t)size - got);

		if (n <= 0) {
			mem_free(buf);
			return chousa_errf(err, CHOUSA_EFORMAT, "cannot read "
			    "'%s': %s", name, n < 0 ?
			    archive_error_string(ar) : "it ends early");
		}
		got += (size_t)n;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return CHOUSA_OK;
}

int
chousa_store_import_warninglists(struct chousa_store *st, const char *path,
    const struct chousa_import_opts *opts, struct chousa_bundle_report *rep,
    struct chousa_err *err)
{
	struct archive *ar;
	struct archive_entry *e;
	int rc = CHOUSA_OK, r;

	memset(rep, 0, sizeof(*rep));
	/*
	 * Each list commits on its own, and a gzip's CRC-32 is at its end:
	 * a damaged archive is refused before any list goes in.
	 */
	rc = input_check_whole(path, &rep->damaged, err);
	if (rc != CHOUSA_OK)
		return rc;
	ar = archive_read_new();
	if (ar == NULL)
		return dynlib_archive_missing() != NULL ?
		    chousa_errf(err, CHOUSA_EIO, "cannot read '%s': %s", path,
		    dynlib_archive_missing()) :
		    chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	archive_read_support_filter_all(ar);
	archive_read_support_format_tar(ar);
	if (archive_read_open_filename(ar, path, 65536) != ARCHIVE_OK) {
		rc = chousa_errf(err, CHOUSA_EFORMAT, "'%s' is not a "
		    "warninglists archive: %s", path,
		    archive_error_string(ar));
		goto out;
	}
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		struct chousa_import_report one;
		struct chousa_err lerr = { 0 };
		const char *name = archive_entry_pathname(e);
		char *buf = NULL;
		size_t len = 0;

		if (name == NULL || archive_entry_filetype(e) != AE_IFREG ||
		    !is_list_json(name))
			continue;
		rc = read_entry(ar, e, name, &buf, &len, &lerr);
		if (rc == CHOUSA_OK) {
			memset(&one, 0, sizeof(one));
			rc = store_import_buffer(st, "warninglist", name, buf,
			    len, opts, &one, &lerr);
			mem_free(buf);
		}
		if (stops_bundle(rc)) {
			chousa_errf(err, rc, "%s", lerr.msg);
			goto out;
		}
		if (rc == CHOUSA_OK)
			count(rep, &one);
		else
			failure(rep, name, lerr.msg);
		rc = CHOUSA_OK;
	}
	if (r != ARCHIVE_EOF)
		rc = chousa_errf(err, CHOUSA_EFORMAT, "cannot read '%s': %s",
		    path, archive_error_string(ar));
	else if (rep->lists + rep->failed == 0)
		rc = chousa_errf(err, CHOUSA_EFORMAT, "'%s' holds no "
		    "lists/*/list.json: not a MISP warninglists archive", path);
out:
	archive_read_free(ar);
	return rc;
}

/* ---- abuse.ch's false-positive list ---- */

/* A value that can stand in a JSON string as it is. */
static int
plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

struct fp_lists {
	struct chousa_buf	ip;
	struct chousa_buf	domain;
	size_t			n_ip;
	size_t			n_domain;
	uint64_t		skipped;
};

static void
fp_entry(struct fp_lists *fl, struct jnode *item)
{
	const char *type = jt_str(item, "entry_type");
	const char *value = jt_str(item, "entry_value");
	struct chousa_buf *b;
	size_t *n;

	if (type == NULL || value == NULL || !plain(value) ||
	    strlen(value) > 300) {
		fl->skipped++;
		return;
	}
	if (strcmp(type, "ip") == 0 || strcmp(type, "ip_address") == 0) {
		b = &fl->ip;
		n = &fl->n_ip;
	} else if (strcmp(type, "domain") == 0 ||
	    strcmp(type, "hostname") == 0) {
		b = &fl->domain;
		n = &fl->n_domain;
	} else {
		fl->skipped++;
		return;
	}
	chousa_buf_addf(b, "%s\"%s\"", *n > 0 ? ", " : "", value);
	(*n)++;
}

static int
fp_import(struct chousa_store *st, const char *name, const char *type,
    struct chousa_buf *entries, size_t n,
    const struct chousa_import_opts *opts, struct chousa_bundle_report *rep,
    struct chousa_err *err)
{
	struct chousa_import_report one;
	struct chousa_err lerr = { 0 };
	struct chousa_buf doc;
	int rc;

	if (n == 0)
		return CHOUSA_OK;
	chousa_buf_init(&doc, FPLIST_MAX + 4096);
	chousa_buf_addf(&doc, "{\"name\": \"%s\", \"type\": \"%s\", "
	    "\"description\": \"Indicators abuse.ch removed from its "
	    "platforms as false positives\", \"matching_attributes\": [], "
	    "\"list\": [%s]}", name, type, entries->data != NULL ?
	    entries->data : "");
	rc = chousa_buf_rc(&doc, name, err);
	if (rc == CHOUSA_OK) {
		memset(&one, 0, sizeof(one));
		rc = store_import_buffer(st, "warninglist", name, doc.data,
		    doc.len, opts, &one, &lerr);
		if (rc == CHOUSA_OK)
			count(rep, &one);
		else if (stops_bundle(rc))
			chousa_errf(err, rc, "%s", lerr.msg);
		else {
			failure(rep, name, lerr.msg);
			rc = CHOUSA_OK;
		}
	}
	chousa_buf_release(&doc);
	return rc;
}

int
chousa_store_import_fplist(struct chousa_store *st, const char *path,
    const struct chousa_import_opts *opts, struct chousa_bundle_report *rep,
    struct chousa_err *err)
{
	struct fp_lists fl;
	struct chousa_buf body;
	struct jnode *root, *data;
	char why[160], chunk[65536];
	size_t i, got;
	FILE *fp;
	int rc;

	memset(rep, 0, sizeof(*rep));
	memset(&fl, 0, sizeof(fl));
	fp = fopen(path, "rb");
	if (fp == NULL)
		return chousa_errf(err, CHOUSA_EIO, "cannot open '%s': %s",
		    path, strerror(errno));
	chousa_buf_init(&body, FPLIST_MAX);
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		chousa_buf_add(&body, chunk, got);
	fclose(fp);
	rc = chousa_buf_rc(&body, path, err);
	if (rc != CHOUSA_OK)
		goto out;
	root = jt_parse(body.data != NULL ? body.data : "", body.len, why,
	    sizeof(why));
	if (root == NULL || !jt_is(root, J_OBJ)) {
		rc = chousa_errf(err, CHOUSA_EFORMAT, "'%s' is not abuse.ch's "
		    "false-positive list: %s", path, root == NULL ? why :
		    "not an object");
		jt_free(root);
		goto out;
	}
	chousa_buf_init(&fl.ip, FPLIST_MAX);
	chousa_buf_init(&fl.domain, FPLIST_MAX);
	data = jt_get(root, "data");
	if (data != NULL && jt_is(data, J_ARR))
		for (i = 0; i < jt_len(data); i++)
			fp_entry(&fl, jt_at(data, i));
	else
		for (i = 0; i < root->n; i++)
			if (jt_is(root->v[i], J_OBJ))
				fp_entry(&fl, root->v[i]);
	jt_free(root);
	rep->skipped = fl.skipped;
	if (fl.n_ip + fl.n_domain == 0 && fl.skipped == 0) {
		rc = chousa_errf(err, CHOUSA_EFORMAT, "'%s' holds no entry of "
		    "abuse.ch's false-positive list", path);
		goto lists;
	}
	rc = fp_import(st, "abuse.ch false positives (ip)", "cidr", &fl.ip,
	    fl.n_ip, opts, rep, err);
	if (rc == CHOUSA_OK)
		rc = fp_import(st, "abuse.ch false positives (domain)",
		    "hostname", &fl.domain, fl.n_domain, opts, rep, err);
lists:
	chousa_buf_release(&fl.ip);
	chousa_buf_release(&fl.domain);
out:
	chousa_buf_release(&body);
	return rc;
}

int
chousa_feed_import(struct chousa_store *st, const struct chousa_feed *feed,
    const char *path, const struct chousa_import_opts *opts,
    struct chousa_import_report *rep, struct chousa_bundle_report *bundle,
    struct chousa_err *err)
{
	int rc;

	memset(rep, 0, sizeof(*rep));
	memset(bundle, 0, sizeof(*bundle));
	if (feed->flags & CHOUSA_FEED_FPLIST)
		return chousa_store_import_fplist(st, path, opts, bundle, err);
	if (feed->flags & CHOUSA_FEED_WARNINGLISTS) {
		rc = chousa_store_import_warninglists(st, path, opts, bundle,
		    err);
		/* [feeds] warninglist_url may name one list.json. */
		if (rc != CHOUSA_EFORMAT)
			return rc;
		memset(bundle, 0, sizeof(*bundle));
	}
	return chousa_store_import(st, feed->name, path, opts, rep, err);
}

int
chousa_store_import_file(struct chousa_store *st, const char *source,
    const char *path, const struct chousa_import_opts *opts,
    struct chousa_import_report *rep, struct chousa_bundle_report *bundle,
    int *is_bundle, struct chousa_err *err)
{
	const struct chousa_feed *feed = chousa_feed_find(source);
	struct chousa_err berr = { 0 };
	int rc, brc;

	*is_bundle = 0;
	memset(rep, 0, sizeof(*rep));
	memset(bundle, 0, sizeof(*bundle));
	rc = chousa_store_import(st, source, path, opts, rep, err);
	if (rc != CHOUSA_EFORMAT || (feed == NULL ? strcmp(source, "auto") !=
	    0 : !(feed->flags & CHOUSA_FEED_WARNINGLISTS)))
		return rc;
	/* Not a list (nor, for auto, any format): the repository's archive
	 * of them, when it is one. */
	brc = chousa_store_import_warninglists(st, path, opts, bundle, &berr);
	if (brc == CHOUSA_EFORMAT)
		return rc;
	/* An archive of lists the store failed on (a full disk). */
	if (brc != CHOUSA_OK)
		return chousa_errf(err, brc, "%s", berr.msg);
	*is_bundle = 1;
	return CHOUSA_OK;
}
