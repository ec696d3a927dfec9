/*
 * cmd-import.c: `chousa import SOURCE FILE...`: load feed files into the
 * store, one transaction each, and print one summary line per file.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_SOURCE = 's', OPT_STRICT = 256, OPT_TAG, OPT_FAMILY,
	OPT_SOURCE_NAME, OPT_THREADS };

static const struct cli_opt import_opts[] = {
	{ OPT_SOURCE, "source", "NAME", "Read every FILE as NAME "
	    "(@IMPORTERS@), or auto to tell each file's format from its "
	    "content.  Then every operand is a file." },
	{ OPT_STRICT, "strict", NULL, "Fail the whole file at its first bad "
	    "row instead of counting it as rejected." },
	{ OPT_TAG, "tag", "TAG", "list: add TAG to every indicator." },
	{ OPT_FAMILY, "family", "NAME", "list: set the family of every "
	    "indicator (mapped to a Malpedia id when the catalogue knows "
	    "it)." },
	{ OPT_SOURCE_NAME, "source-name", "NAME", "list, misp, stix: record "
	    "the indicators under source NAME (a case, a colleague's export) "
	    "instead of the importer's name." },
	{ OPT_THREADS, "threads", "N", "1: read and write on one thread.  "
	    "By default a second thread writes to the store while the first "
	    "reads, for files of 1 MB or more of the row feeds (urlhaus, "
	    "threatfox, feodo, list); 2 does so for any size." },
	{ 0 }
};

/* Said on stderr: what the library rendered into b, which is released. */
static void
say(struct chousa_buf *b)
{
	if (b->len > 0)
		fwrite(b->data, 1, b->len, stderr);
	chousa_buf_release(b);
}

static int
import_one(struct chousa_store *st, const char *source, const char *path,
    const struct chousa_import_opts *o)
{
	struct chousa_import_report rep;
	struct chousa_bundle_report bun;
	struct chousa_buf b;
	char said[CHOUSA_BUNDLE_FAILED_TEXT];
	struct chousa_err err = { 0 };
	struct cli_progress prog;
	struct chousa_import_opts opts = *o;
	int rc, bundle;

	cli_progress_init(&prog, path);
	opts.progress = cli_progress_update;
	opts.progress_arg = &prog;
	rc = chousa_store_import_file(st, source, path, &opts, &rep, &bun,
	    &bundle, &err);
	cli_progress_end(&prog);
	if (rc == CHOUSA_OK && bundle) {
		chousa_buf_init(&b, 0);
		if (g_opt.json) {
			chousa_import_bundle_json(&b, "warninglist", path,
			    "archive", &bun, 0, NULL);
			cli_output(&b);
		} else if (!g_opt.quiet) {
			chousa_import_bundle_text(&b, path, &bun);
			say(&b);
		}
		if (bun.failed > 0)
			cli_warn("%u list%s refused by the importer (first: "
			    "%s)", bun.failed, bun.failed == 1 ?
			    "" : "s", bun.first_failure);
		return EXIT_CLEAN;
	}
	/*
	 * An archive of lists the store failed on midway (a full disk):
	 * those before it went in, each in its own transaction, and saying
	 * nothing changed would be false.
	 */
	if (rc != CHOUSA_OK && bun.lists > 0) {
		if (g_opt.json) {
			chousa_buf_init(&b, 0);
			chousa_import_bundle_json(&b, "warninglist", path,
			    "archive", &bun, chousa_exit_for_rc(rc), &err);
			cli_output(&b);
		}
		cli_warn("%s", chousa_import_bundle_failed_text(said,
		    sizeof(said), &bun, "imported", &err));
		return chousa_exit_for_rc(rc);
	}
	cli_print_import(rep.source[0] ? rep.source : source, path,
	    rc == CHOUSA_OK ? "imported" : "failed", &rep,
	    rc == CHOUSA_OK ? NULL : &err);
	if (rc != CHOUSA_OK) {
		cli_warn_err(&err);
		if (g_opt.verbose) {
			chousa_buf_init(&b, 0);
			chousa_import_rejects_text(&b, &rep, rep.n_rejects);
			say(&b);
		}
		return chousa_exit_for_rc(rc);
	}
	if (!g_opt.quiet) {
		chousa_buf_init(&b, 0);
		chousa_import_text(&b, source, path, &rep, g_opt.verbose);
		say(&b);
	}
	return EXIT_CLEAN;
}

/* A label the store keeps and the tables show: refused as the server does. */
static const char *
label(const struct cli_cmd *self, const char *option, const char *arg)
{
	struct chousa_err err = { 0 };

	if (chousa_import_label_check(option, arg, &err) != CHOUSA_OK)
		cli_usage_error(self, "%s", err.msg);
	return arg;
}

static int
run_import(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_import_opts o;
	struct chousa_store *st;
	const char *arg, *source = NULL;
	int c, i, status = EXIT_CLEAN, rc;

	memset(&o, 0, sizeof(o));
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		switch (c) {
		case OPT_SOURCE:
			source = arg;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_TAG:
			o.tag = label(self, "--tag", arg);
			break;
		case OPT_FAMILY:
			o.family = label(self, "--family", arg);
			break;
		case OPT_SOURCE_NAME:
			o.source_name = label(self, "--source-name", arg);
			break;
		case OPT_THREADS: {
			char *end;

			o.threads = (int)strtol(arg, &end, 10);
			if (*end != '\0' || o.threads < 1 || o.threads > 2)
				cli_usage_error(self, "--threads needs 1 or 2");
			break;
		}
		}
	}
	i = cli_optind;
	if (source == NULL) {
		if (i >= argc)
			cli_usage_error(self, "name a source and a file");
		source = argv[i++];
	}
	if (strcmp(source, "auto") != 0) {
		const char *const *names = chousa_importer_names();
		size_t k;

		for (k = 0; names[k] != NULL; k++)
			if (strcmp(names[k], source) == 0)
				break;
		if (names[k] == NULL)
			cli_unknown_name(self, "source", source, names);
	}
	if (i >= argc)
		cli_usage_error(self, "name a file to import");
	/*
	 * Into the team's store only when --server asks it: [server] url
	 * alone leaves this machine's store the one imported into.
	 */
	if (cli_server_url(argc, argv) != NULL && g_opt.server != NULL)
		return cli_remote_import(source, argv + i, argc - i, &o);
	st = cli_open_store(0);
	for (; i < argc; i++) {
		rc = import_one(st, source, argv[i], &o);
		if (rc > status)
			status = rc;
	}
	chousa_store_close(st);
	return status;
}

const struct cli_cmd cmd_import = {
	"import", "Load feed files into the local store",
	"[OPTIONS] SOURCE FILE...  |  --source NAME|auto FILE...",
	"Import each FILE into the store as SOURCE: @IMPORTER_HELP@.  "
	"auto tells the format "
	"from the content, a JSON document by its structure however late the "
	"keys that decide come; it never reads JSON as a list, and refuses a "
	"document no importer names, saying what it is.  warninglist (and "
	"auto) also take the repository's archive of every list "
	"(misp-warninglists-main.tar.gz).\n\n"
	"A MISP attribute with to_ids false and a STIX observable are kept "
	"as observations: evidence investigate shows to identify them, never "
	"a verdict, a lookup's malicious or a sweep hit.  MISP attributes for "
	"IDS and STIX indicators are listings, like a feed's rows.\n\n"
	"Gzip and zip files are read directly; one whose CRC or length does "
	"not match (a damaged download) is refused whole, exit 3.  Each file "
	"is one transaction: "
	"an interrupted import leaves the store as it was.  Importing the same "
	"file again adds nothing; a newer dump updates last-seen dates and "
	"status in place.  Each file's line says how many records were read, "
	"and how many of them were added, updated, unchanged or rejected.  A "
	"rejected record names its line or, in JSON, its path (the first "
	"three are shown; -v shows ten); records left out by design are "
	"counted as skipped, with their kinds.  An empty file, or one of the "
	"wrong format, is refused before anything is written, and the status "
	"is 3.  So is a file the store cannot take (a full disk): the message "
	"says so, and the store keeps what it held.\n\n"
	"Family labels are mapped to Malpedia ids through the catalogue's "
	"aliases, so import malpedia first (or at any time: look-ups map "
	"labels again).  A tag, family or source name is 1 to 200 bytes of "
	"one line of plain text, as a token's note: one holding a control "
	"character (C0 or C1), a line separator or a bidirectional override "
	"(U+202A-U+202E, U+2066-U+2069) is refused, status 2.\n\n"
	"With --server URL (and an admin token), each FILE is uploaded to the "
	"team server and imported into its store, with the same options, "
	"output and exit status; [server] url alone does not do that.",
	import_opts, run_import,
	"chousa import malpedia malpedia-families.json\n"
	"chousa import urlhaus csv.txt.zip\n"
	"chousa import --source auto ipblocklist.csv recent.csv\n"
	"chousa import list --tag phishing --source-name mycase iocs.txt\n"
	"chousa --server https://chousa.example:8443 import misp event.json",
	NULL,
	NULL
};
