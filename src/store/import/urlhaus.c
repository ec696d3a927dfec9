/*
 * urlhaus.c: URLhaus dumps.  The CSV (full, recent, online; with or
 * without last_online), the JSON dump (an object keyed by id, each an
 * array of one record, tags an array or null) and the plain URL lists.
 * URLhaus keeps the family among the tags; the first tag a catalogue knows
 * becomes the family.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

enum { C_ID, C_DATEADDED, C_URL, C_STATUS, C_LAST_ONLINE, C_THREAT, C_TAGS,
	C_LINK, C_REPORTER };

static const char *const columns[] = {
	"id", "dateadded", "url", "url_status", "last_online", "threat",
	"tags", "urlhaus_link", "reporter", NULL
};

static int
is_url_line(const char *p, size_t len)
{
	return (len > 7 && strncasecmp(p, "http://", 7) == 0) ||
	    (len > 8 && strncasecmp(p, "https://", 8) == 0);
}

static int
urlhaus_probe(const char *p, size_t len)
{
	const char *line;
	size_t n;

	if (imp_contains(p, len < 1024 ? len : 1024, "URLhaus") &&
	    imp_contains(p, len < 2048 ? len : 2048, "id,dateadded"))
		return 100;
	line = probe_first_data(p, len, &n);
	if (line != NULL && n > 20 && line[0] == '"' &&
	    imp_contains(line, n, "urlhaus.abuse.ch/url/"))
		return 80;
	if (line != NULL && is_url_line(line, n))
		return imp_contains(p, len < 1024 ? len : 1024, "URLhaus") ?
		    90 : 40;
	return 0;
}

static int
run_csv(struct imp *imp)
{
	struct csv c;
	int rc, eof = 0;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "csv");
	csv_init(&c, columns, 4);
	for (;;) {
		struct imp_ind r;
		const char *url;
		int64_t last;

		rc = csv_next(imp, &c, &eof);
		if (rc != CHOUSA_OK || eof)
			return rc;
		url = csv_get(&c, C_URL);
		if (url == NULL) {
			rc = imp_reject(imp, c.line, "no url column");
			if (rc != CHOUSA_OK)
				return rc;
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.value = url;
		r.value_len = strlen(url);
		r.types = CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
		r.source_id = csv_get(&c, C_ID);
		r.first_seen = imp_time(csv_get(&c, C_DATEADDED));
		last = imp_time(csv_get(&c, C_LAST_ONLINE));
		r.last_seen = last;
		r.status = csv_get(&c, C_STATUS);
		r.threat = csv_get(&c, C_THREAT);
		r.tags = csv_get(&c, C_TAGS);
		r.reference = csv_get(&c, C_LINK);
		r.confidence = -1;
		r.family_from_tags = 1;
		rc = imp_put_indicator(imp, &r, c.line);
		if (rc != CHOUSA_OK)
			return rc;
	}
}

static int
run_text(struct imp *imp)
{
	struct chousa_err lerr = { 0 };
	char *line;
	size_t len;
	int rc;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "text");
	for (;;) {
		struct imp_ind r;

		rc = input_line(imp->in, &line, &len, &lerr);
		if (rc == CHOUSA_ELIMIT) {
			imp_row(imp);
			rc = imp_reject(imp, input_lineno(imp->in), "%s",
			    lerr.msg);
			if (rc != CHOUSA_OK)
				return rc;
			continue;
		}
		if (rc != CHOUSA_OK)
			return chousa_errf(imp->err, rc, "%s", lerr.msg);
		if (line == NULL)
			return CHOUSA_OK;
		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			return rc;
		while (len > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		if (len == 0 || *line == '#') {
			if (len > 0)
				imp_comment(imp, line + 1, len - 1);
			continue;
		}
		imp_row(imp);
		memset(&r, 0, sizeof(r));
		r.value = line;
		r.value_len = len;
		r.types = CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
		r.threat = "malware_download";
		r.confidence = -1;
		rc = imp_put_indicator(imp, &r, input_lineno(imp->in));
		if (rc != CHOUSA_OK)
			return rc;
	}
}

static int
json_record(struct imp *imp, const char *key, struct jnode *o)
{
	struct imp_ind r;
	const char *url = jt_text(o, "url");

	if (url == NULL)
		return imp_reject(imp, 0, "record '%.40s' has no url", key);
	memset(&r, 0, sizeof(r));
	r.value = url;
	r.value_len = strlen(url);
	r.types = CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
	r.source_id = jt_text(o, "id") != NULL ? jt_text(o, "id") : key;
	r.first_seen = imp_time(jt_text(o, "dateadded"));
	r.last_seen = imp_time(jt_text(o, "last_online"));
	r.status = jt_text(o, "url_status");
	r.threat = jt_text(o, "threat");
	r.tags = jt_join(imp->a, jt_get(o, "tags"), ',');
	r.reference = jt_text(o, "urlhaus_link");
	r.confidence = -1;
	r.family_from_tags = 1;
	return imp_put_indicator(imp, &r, 0);
}

static int
urlhaus_run(struct imp *imp)
{
	const char *p, *line;
	size_t len, n;
	int rc;

	rc = input_peek(imp->in, &p, &len, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (imp->shape != NULL)
		return json_records(imp, 2, json_record);
	line = probe_first_data(p, len, &n);
	if (line != NULL && is_url_line(line, n))
		return run_text(imp);
	return run_csv(imp);
}

/* The JSON dump: {"<id>": [{"url": ..., "urlhaus_link": ...}], ...}. */
static int
urlhaus_probe_json(const struct jshape *sh)
{
	const struct shape_obj *rec = shape_gobj(sh, "*[]");

	if (sh->root != J_OBJ)
		return 0;
	if (shape_has(rec, "urlhaus_link", -1))
		return 95;
	return shape_has(rec, "url", J_STR) &&
	    shape_has(rec, "url_status", -1) ? 90 : 0;
}

const struct importer importer_urlhaus = {
	.feed = {
		.name = "urlhaus",
		.title = "URLhaus",
		.local_source = "local-urlhaus",
		.url = "https://urlhaus.abuse.ch/downloads/csv_recent/",
		.file = "urlhaus.csv",
		.record_page = "https://urlhaus.abuse.ch/url/%s/",
		.flags = CHOUSA_FEED_ABUSECH_KEY,
		.local_types = FEED_HOST_TYPES,
	},
	.expects = "a URLhaus CSV, JSON dump or URL list",
	.help = "CSV dumps, JSON dump, URL lists",
	.probe = urlhaus_probe,
	.run = urlhaus_run,
	.pipelined = 1,
	.probe_json = urlhaus_probe_json,
};
