/*
 * list.c: plain indicator lists, or any text.  A line that is one
 * indicator is taken as it is; any other line goes through the extractor,
 * so a report pasted as text imports too (defanged forms included).  The
 * options --tag, --family and --source-name label what comes in.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

/*
 * Any text will do when list is named; --source auto (which wants 10 or
 * more) takes it only when the first line is one token, like a list.
 */
static int
list_probe(const char *p, size_t len)
{
	size_t i, n = len < 4096 ? len : 4096, line_len;
	const char *line;

	for (i = 0; i < n; i++)
		if (p[i] == '\0')
			return 0;
	line = probe_first_data(p, n, &line_len);
	while (line != NULL && line_len > 0 && (line[line_len - 1] == '\r' ||
	    line[line_len - 1] == ' '))
		line_len--;
	if (line != NULL && line_len > 0 && line_len < 2048 &&
	    memchr(line, ' ', line_len) == NULL &&
	    memchr(line, '\t', line_len) == NULL &&
	    memchr(line, '"', line_len) == NULL)
		return 30;
	return 5;
}

struct list_run {
	struct imp	*imp;
	uint64_t	 line;
	int		 found;
};

static int
put(struct imp *imp, const char *value, size_t len, uint64_t line)
{
	struct imp_ind r;

	memset(&r, 0, sizeof(r));
	r.value = value;
	r.value_len = len;
	r.tags = imp->opts->tag;
	r.family = imp->opts->family;
	/*
	 * A list has no dates: the import's own time is not when the value
	 * was seen, and would make sweep --as-of-log-time and lookup --at
	 * drop it on older logs.  The imports table keeps when it came.
	 */
	r.first_seen = 0;
	r.last_seen = 0;
	r.confidence = -1;
	return imp_put_indicator(imp, &r, line);
}

static int
on_found(void *arg, const struct chousa_indicator *ind)
{
	struct list_run *lr = arg;
	int rc;

	lr->found++;
	rc = put(lr->imp, ind->value, ind->value_len, lr->line);
	return rc != CHOUSA_OK ? rc : 0;
}

static int
list_run(struct imp *imp)
{
	struct chousa_extract_opts xo = { CHOUSA_IOC_ALL, 0, 0 };
	struct chousa_extractor *x = NULL;
	struct chousa_err lerr = { 0 };
	struct list_run lr = { imp, 0, 0 };
	char *line;
	size_t len;
	int rc;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "text");
	rc = chousa_extractor_new(&x, &xo, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	for (;;) {
		struct chousa_indicator ind;
		struct chousa_err perr = { 0 };
		char *p, *end;

		rc = input_line(imp->in, &line, &len, &lerr);
		lr.line = input_lineno(imp->in);
		if (rc == CHOUSA_ELIMIT) {
			imp_row(imp);
			rc = imp_reject(imp, lr.line, "%s", lerr.msg);
			if (rc != CHOUSA_OK)
				break;
			continue;
		}
		if (rc != CHOUSA_OK) {
			rc = chousa_errf(imp->err, rc, "%s", lerr.msg);
			break;
		}
		if (line == NULL)
			break;
		rc = imp_scratch(imp);
		if (rc != CHOUSA_OK)
			break;
		p = line;
		end = line + len;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (p < end && *p == '#')
			imp_comment(imp, p + 1, (size_t)(end - p - 1));
		if (p == end || *p == '#' || (end - p >= 2 && p[0] == '/' &&
		    p[1] == '/'))
			continue;
		imp_row(imp);
		if (memchr(p, ' ', (size_t)(end - p)) == NULL &&
		    memchr(p, '\t', (size_t)(end - p)) == NULL &&
		    chousa_ioc_parse(imp->a, p, (size_t)(end - p),
		    CHOUSA_IOC_ALL, &ind, &perr) == CHOUSA_OK) {
			rc = put(imp, ind.value, ind.value_len, lr.line);
			if (rc != CHOUSA_OK)
				break;
			continue;
		}
		lr.found = 0;
		rc = chousa_extract(x, p, (size_t)(end - p), 0, on_found, &lr,
		    imp->err);
		if (rc != CHOUSA_OK)
			break;
		/* A lone token that is no indicator is a bad row. */
		if (lr.found == 0 && memchr(p, ' ', (size_t)(end - p)) ==
		    NULL) {
			rc = imp_reject(imp, lr.line, "%s", perr.msg[0] ?
			    perr.msg : "not an indicator");
			if (rc != CHOUSA_OK)
				break;
		}
	}
	chousa_extractor_free(x);
	return rc;
}

const struct importer importer_list = {
	.feed = {
		.name = "list",
		.local_source = "local-lists",
		.flags = CHOUSA_FEED_SOURCE_NAME | CHOUSA_FEED_ANY_TEXT,
	},
	.expects = "a list of indicators or text",
	.help = "indicators one per line, or any text",
	.probe = list_probe,
	.run = list_run,
	.pipelined = 1,
};
