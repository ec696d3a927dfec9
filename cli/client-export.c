/*
 * client-export.c: `chousa --server URL export --format F [-o PATH]`: the
 * team server's store exported here, as the local command exports this
 * machine's.  The options are the local command's (but --delta, whose
 * state belongs here while the store is there); the output is placed by
 * the same rule and written with the same care (chousa_export_receive_*):
 * a directory's files come in one answer, a tar, so no import on the
 * server falls between two of them, and are renamed together when all
 * are complete.  The answer streams to disk, whatever its size.  The
 * summary on stderr is the local one, from the answer's headers.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "client.h"

/* The value of header name in "Name: value\n" lines, or NULL (static). */
static const char *
header(const char *lines, const char *name)
{
	static char v[16384];
	size_t n = strlen(name), len;
	const char *p = lines, *nl;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			len -= n + 1;
			while (len > 0 && (*p == ' ' || *p == '\t'))
				p++, len--;
			snprintf(v, sizeof(v), "%.*s", (int)len, p);
			return v;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return NULL;
}

static uint64_t
number(const char *s)
{
	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

/* The index whose name(i) is s[0, len), of count; -1 when none is. */
static int
index_of(const char *s, size_t len, const char *(*name)(int), int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (strlen(name(i)) == len && strncmp(s, name(i), len) == 0)
			return i;
	return -1;
}

static int
why_of(const char *s, size_t len)
{
	return index_of(s, len, chousa_export_why_name,
	    CHOUSA_EXPORT_WHY_COUNT);
}

static int
type_of(const char *s, size_t len)
{
	return index_of(s, len, chousa_ioc_type_name, CHOUSA_IOC_TYPE_COUNT);
}

/*
 * Each "key=N" of a comma-separated header value, to fn: the server's
 * Chousa-Export-Left-Out ("why=count") and -Left-Out-Types
 * ("why:type=count").
 */
static void
each_count(const char *v, void (*fn)(struct chousa_export_report *,
    const char *, size_t, uint64_t), struct chousa_export_report *rep)
{
	const char *p = v, *eq, *end;

	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq != NULL)
			fn(rep, p, (size_t)(eq - p), number(eq + 1));
		p = *end == ',' ? end + 1 : NULL;
	}
}

static void
left_out(struct chousa_export_report *rep, const char *name, size_t len,
    uint64_t n)
{
	int why = why_of(name, len);

	if (why >= 0)
		rep->left_out[why] = n;
}

static void
left_out_type(struct chousa_export_report *rep, const char *name, size_t len,
    uint64_t n)
{
	const char *colon = memchr(name, ':', len);
	int why, t;

	if (colon == NULL)
		return;
	why = why_of(name, (size_t)(colon - name));
	t = type_of(colon + 1, len - (size_t)(colon - name) - 1);
	if (why >= 0 && t >= 0)
		rep->left_out_type[why][t] = n;
}

/*
 * The files the summary lists, from Chousa-Export-Files ("name=entries",
 * in the order the format wrote them): those of written that it names,
 * with their entries, in its order.  A file written under another name
 * (-o FILE, stdout) is the one file the server names.
 */
static void
report_files(struct chousa_export_report *rep,
    const struct chousa_export_report *written, const char *v)
{
	const char *p = v, *eq, *end, *f, *slash;
	size_t i, len;

	rep->n_files = 0;
	while (p != NULL && *p != '\0' &&
	    rep->n_files < CHOUSA_EXPORT_MAX_FILES) {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		len = eq != NULL ? (size_t)(eq - p) : 0;
		for (i = 0; eq != NULL && i < written->n_files; i++) {
			f = written->files[i].name;
			slash = strrchr(f, '/');
			if (slash != NULL)
				f = slash + 1;
			if (written->n_files == 1 || (strlen(f) == len &&
			    strncmp(f, p, len) == 0)) {
				rep->files[rep->n_files] = written->files[i];
				rep->files[rep->n_files++].n = number(eq + 1);
				break;
			}
		}
		p = *end == ',' ? end + 1 : NULL;
	}
}

/* The summary's figures, from the answer's headers. */
static void
report_from(struct chousa_export_report *rep, const char *h)
{
	struct chousa_export_report written = *rep;

	rep->n_read = number(header(h, "Chousa-Export-Read"));
	rep->n_written = number(header(h, "Chousa-Export-Written"));
	report_files(rep, &written, header(h, "Chousa-Export-Files"));
	each_count(header(h, "Chousa-Export-Left-Out"), left_out, rep);
	each_count(header(h, "Chousa-Export-Left-Out-Types"), left_out_type,
	    rep);
}

/* Each Chousa-Warning of the answer, on stderr as the local command's. */
static void
warnings_from(const char *h)
{
	static const char name[] = "Chousa-Warning:";
	const char *p = h, *nl;
	size_t len;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > sizeof(name) - 1 &&
		    strncasecmp(p, name, sizeof(name) - 1) == 0) {
			size_t skip = sizeof(name) - 1;

			while (skip < len && (p[skip] == ' ' || p[skip] == '\t'))
				skip++;
			cli_warn("%.*s", (int)(len - skip), p + skip);
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
}

/* The answer came but cannot be put in place: exit saying why. */
static void
unwritten(const struct remote *rm, const struct chousa_err *err)
{
	/* A tar that is not an export's is the server's doing. */
	if (err->code == CHOUSA_EPARSE || err->code == CHOUSA_ELIMIT)
		cli_die(EXIT_SOURCE, "'%s' answered an export that cannot be "
		    "unpacked: %s", rm->url, err->msg);
	cli_die_err(err);
}

int
remote_export(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_export_receipt *rx;
	struct chousa_export_report rep;
	struct chousa_err err = { 0 };
	struct chousa_http_req sink;
	struct remote_answer a;
	struct remote rm;
	const char *arg, *format = NULL, *out = NULL, *v;
	int c, deploy_given = 0, want_tar, status;
	unsigned types;
	int64_t since;

	remote_init(&rm);
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		const char *name = remote_opt_name(self, c);

		if (c == 'o')
			out = arg;
		else if (strcmp(name, "format") == 0)
			format = arg;
		else if (strcmp(name, "delta") == 0)
			cli_usage_error(self, "--delta keeps its state beside "
			    "the store it compares, and the store is the "
			    "server's: export whole with --server, or run "
			    "--delta on the server's machine");
		else if (strcmp(name, "include-benign") == 0)
			remote_query(&rm, "include_benign", "1");
		else if (strcmp(name, "notice") == 0)
			remote_query(&rm, "zeek_notice", "1");
		else {
			/* Checked here as locally, so a mistake reads alike. */
			if (strcmp(name, "types") == 0 &&
			    chousa_ioc_types_parse(arg, &types, &err) !=
			    CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			if (strcmp(name, "min-confidence") == 0)
				(void)cli_number_arg(self, name, arg, 0, 100);
			if (strcmp(name, "active") == 0)
				(void)cli_number_arg(self, name, arg, 1,
				    36500);
			if (strcmp(name, "since") == 0 &&
			    (chousa_time_parse(arg, strlen(arg), &since) !=
			    CHOUSA_OK || since <= 0))
				cli_usage_error(self, "--since takes a date "
				    "such as 2024-03-13, not '%s'", arg);
			deploy_given |= strcmp(name, "deploy-dir") == 0;
			/* types, sources, family, min_confidence, since,
			 * active, tlp, deploy_dir: the same names. */
			remote_query(&rm, strcmp(name, "min-confidence") == 0 ?
			    "min_confidence" : strcmp(name, "deploy-dir") == 0 ?
			    "deploy_dir" : name, arg);
		}
	}
	if (format == NULL)
		cli_usage_error(self, "name a format with --format");
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	if (chousa_export_format_summary(format) == NULL)
		cli_unknown_name(self, "format", format,
		    chousa_export_formats());
	remote_query(&rm, "format", format);
	if (chousa_export_receive_begin(&rx, format, out, &want_tar, &err) !=
	    CHOUSA_OK)
		cli_die_err(&err);
	if (want_tar)
		remote_query(&rm, "archive", "tar");
	if (!deploy_given &&
	    (v = chousa_export_receive_deploy_dir(rx)) != NULL)
		remote_query(&rm, "deploy_dir", v);
	memset(&sink, 0, sizeof(sink));
	sink.write_body = chousa_export_receive_write;
	sink.write_arg = rx;
	sink.keep_headers = "Chousa-";
	/* Framed when it fails, so its error and status read as ever. */
	remote_call(&rm, "GET", "/api/v1/export", REMOTE_FRAMED, &sink, &a);
	if (a.rc == CHOUSA_OK && a.status == 200) {
		if (chousa_export_receive_end(rx, 1, &rep, &err) != CHOUSA_OK)
			unwritten(&rm, &err);
		report_from(&rep, a.headers);
		v = header(a.headers, "Chousa-Exit");
		status = v != NULL ? (int)number(v) : EXIT_CLEAN;
		if (!g_opt.quiet)
			cli_export_summary(format, &rep);
		/* After the summary, and with -q too, as locally. */
		warnings_from(a.headers);
		remote_answer_release(&a);
		return status;
	}
	/* A file the answer could not be written to says why itself. */
	if (a.rc == CHOUSA_EIO &&
	    chousa_export_receive_end(rx, 1, NULL, &err) != CHOUSA_OK)
		unwritten(&rm, &err);
	if (a.rc != CHOUSA_EIO)
		chousa_export_receive_end(rx, 0, NULL, NULL);
	return remote_framed(&rm, &a);
}
