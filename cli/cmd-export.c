/*
 * cmd-export.c: `chousa export --format F [filters] [-o FILE|DIR]`: write
 * the store's indicators in an engine's native format.  Reads the store
 * only; the summary (what each file holds, what was left out and why)
 * goes to stderr.  With --server, cli/client-export.c exports the team
 * server's store instead.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_FORMAT = 256, OPT_TYPES, OPT_SOURCES, OPT_FAMILY, OPT_MIN_CONF,
	OPT_SINCE, OPT_ACTIVE, OPT_TLP, OPT_INCLUDE_BENIGN, OPT_DELTA,
	OPT_NOTICE, OPT_DEPLOY_DIR
};

static const struct cli_opt export_opts[] = {
	{ OPT_FORMAT, "format", "NAME", "The format (required).  "
	    "@EXPORTFORMATS@." },
	{ 'o', "output", "PATH", "Where to write: a directory for "
	    "@EXPORTDIRS@ (created when missing); a file or a directory for "
	    "the others (--format says which write one file per type into a "
	    "directory).  Without it a one-file format goes to stdout." },
	{ OPT_TYPES, "types", "LIST", "Only these types, comma separated: "
	    "@TYPES@; ip means ipv4, ipv6 and cidr, hash every hash." },
	{ OPT_SOURCES, "sources", "LIST", "Only what these sources list "
	    "(urlhaus, threatfox, feodo, malwarebazaar, misp, stix, or a "
	    "list's --source-name), comma separated." },
	{ OPT_FAMILY, "family", "LIST", "Only indicators of these families, "
	    "comma separated, by Malpedia id, name or alias (emotet, "
	    "win.qakbot)." },
	{ OPT_MIN_CONF, "min-confidence", "N", "Only indicators whose "
	    "confidence is at least N (0-100); unknown confidence is below "
	    "any N." },
	{ OPT_SINCE, "since", "DATE", "Only indicators last seen (or, "
	    "without a last sighting, first seen) on or after DATE." },
	{ OPT_ACTIVE, "active", "DAYS", "Only indicators seen within the "
	    "last DAYS days, or that a source reports online." },
	{ OPT_TLP, "tlp", "LEVEL", "The TLP marking written where the "
	    "format has one (ecs, misp-feed, stix): clear (the default), "
	    "green, amber, amber+strict or red." },
	{ OPT_INCLUDE_BENIGN, "include-benign", NULL, "Keep indicators that "
	    "a known-benign list covers (an address in a listed range, a "
	    "domain under a listed hostname), or chousa's lists of shared "
	    "platforms (github.com, drive.google.com...) and public DNS "
	    "resolvers (8.8.8.8...) that investigate reads; left out by "
	    "default.  A URL of one file on such a host stays; a root URL "
	    "(http://host/) names the whole host and is judged as it is." },
	{ OPT_DELTA, "delta", "STATE", "Also write what changed since the "
	    "export that wrote the file STATE, in the engine's live form "
	    "(suricata: dataset-add and dataset-remove commands; zeek-intel: "
	    "an intel file of additions and a script of Intel::remove "
	    "calls; ecs: index and delete actions; csv, txt: added and "
	    "removed files), then update STATE.  The first run finds "
	    "everything new." },
	{ OPT_NOTICE, "notice", NULL, "zeek-intel: add the meta.do_notice "
	    "column, set to T (with policy/frameworks/intel/do_notice)." },
	{ OPT_DEPLOY_DIR, "deploy-dir", "DIR", "suricata, clickhouse: the "
	    "directory the engine will read the files from, when it is not "
	    "where they are written (a staging directory, another host): "
	    "suricata.yaml and the CREATE DICTIONARY statements name it.  "
	    "An absolute path.  Default: the output directory's absolute "
	    "path." },
	{ 0 }
};

void
cli_export_summary(const char *format, const struct chousa_export_report *rep)
{
	size_t i;
	int why, t;

	cli_info("export %s: %llu of %llu indicators written", format,
	    (unsigned long long)rep->n_written,
	    (unsigned long long)rep->n_read);
	for (i = 0; i < rep->n_files; i++)
		cli_info("  %-28s %10llu entries %12llu bytes",
		    rep->files[i].name, (unsigned long long)rep->files[i].n,
		    (unsigned long long)rep->files[i].bytes);
	for (why = 0; why < CHOUSA_EXPORT_WHY_COUNT; why++) {
		char detail[512];
		size_t len = 0;

		if (rep->left_out[why] == 0)
			continue;
		detail[0] = '\0';
		for (t = 0; t < CHOUSA_IOC_TYPE_COUNT; t++) {
			if (rep->left_out_type[why][t] == 0 ||
			    len >= sizeof(detail))
				continue;
			len += (size_t)snprintf(detail + len,
			    sizeof(detail) - len, "%s%s %llu", len ? ", " : "",
			    chousa_ioc_type_name(t),
			    (unsigned long long)rep->left_out_type[why][t]);
		}
		cli_info("  left out %llu: %s (%s)",
		    (unsigned long long)rep->left_out[why],
		    why == CHOUSA_EXPORT_WHY_FAMILY ? "not of --family" :
		    why == CHOUSA_EXPORT_WHY_CONFIDENCE ?
		    "below --min-confidence" :
		    why == CHOUSA_EXPORT_WHY_SINCE ? "not seen since --since" :
		    why == CHOUSA_EXPORT_WHY_INACTIVE ?
		    "not seen within --active days" :
		    why == CHOUSA_EXPORT_WHY_BENIGN ?
		    "on a known-benign list or chousa's shared-platform and "
		    "public-resolver lists (--include-benign keeps them)" :
		    why == CHOUSA_EXPORT_WHY_TYPE ?
		    "a type the format has no place for" :
		    why == CHOUSA_EXPORT_WHY_SCHEME ?
		    "a URL the engine cannot see in clear (not http://)" :
		    "a value the format cannot carry", detail);
	}
	if (rep->delta)
		cli_info("  delta: %llu added or changed, %llu removed",
		    (unsigned long long)rep->n_added,
		    (unsigned long long)rep->n_removed);
}

/* How many indicators the export left out, for any reason. */
static uint64_t
export_left_out(const struct chousa_export_report *rep)
{
	uint64_t n = 0;
	int why;

	for (why = 0; why < CHOUSA_EXPORT_WHY_COUNT; why++)
		n += rep->left_out[why];
	return n;
}

static int
run_export(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_export_opts o;
	struct chousa_export_report rep;
	struct chousa_store *st;
	struct chousa_err err = { 0 };
	const char *arg;
	int64_t epoch;
	int c;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);
	memset(&o, 0, sizeof(o));
	o.min_confidence = -1;
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			o.format = arg;
			break;
		case 'o':
			o.out = arg;
			break;
		case OPT_TYPES:
			if (chousa_ioc_types_parse(arg, &o.types, &err) !=
			    CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			break;
		case OPT_SOURCES:
			o.sources = arg;
			break;
		case OPT_FAMILY:
			o.families = arg;
			break;
		case OPT_MIN_CONF:
			o.min_confidence = (int)cli_number_arg(self,
			    "min-confidence", arg, 0, 100);
			break;
		case OPT_SINCE:
			if (chousa_time_parse(arg, strlen(arg), &o.since) !=
			    CHOUSA_OK || o.since <= 0)
				cli_usage_error(self, "--since takes a date "
				    "such as 2024-03-13, not '%s'", arg);
			break;
		case OPT_ACTIVE:
			o.active_days = (int)cli_number_arg(self, "active",
			    arg, 1, 36500);
			break;
		case OPT_TLP:
			o.tlp = arg;
			break;
		case OPT_INCLUDE_BENIGN:
			o.include_benign = 1;
			break;
		case OPT_DELTA:
			o.delta_state = arg;
			break;
		case OPT_NOTICE:
			o.zeek_notice = 1;
			break;
		case OPT_DEPLOY_DIR:
			o.deploy_dir = arg;
			break;
		}
	}
	if (o.format == NULL)
		cli_usage_error(self, "name a format with --format");
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	if (chousa_export_format_summary(o.format) == NULL)
		cli_unknown_name(self, "format", o.format,
		    chousa_export_formats());
	/* Reproducible builds' convention: one fixed clock and stamp. */
	if (chousa_source_date_epoch(&epoch))
		o.stamp = o.now = epoch;
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (chousa_export(st, &o, &rep, &err) != CHOUSA_OK) {
		chousa_store_close(st);
		cli_die_err(&err);
	}
	chousa_store_close(st);
	if (!g_opt.quiet)
		cli_export_summary(o.format, &rep);
	if (!rep.delta && rep.n_written == 0 && (export_left_out(&rep) > 0 ||
	    o.sources != NULL || o.families != NULL || o.types != 0))
		/* A warning, not a line of the summary: -q and cron see it. */
		cli_warn("the export selected nothing: its filters left out "
		    "every indicator of the store");
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_export = {
	"export", "Write the store's indicators for Zeek, Suricata, Elastic, "
	"Splunk, ClickHouse, DNS RPZ, MISP or STIX",
	"--format NAME [-o PATH] [filters]",
	"Write the indicators of the local store in the native format of an "
	"engine that already sees the traffic, each with its family "
	"(Malpedia id and name), confidence, first and last sighting, "
	"sources and an evidence link in that format's own fields.  One "
	"record per indicator: what several feeds list is merged.  Only the "
	"store is read.  Indicators on a known-benign list are left out "
	"unless --include-benign is given.  --format lists the formats.\n\n"
	"Every file is written under a temporary name and renamed when all "
	"of them are complete, so an engine never reads half a file.  The "
	"same store gives the same bytes: the files carry the time of the "
	"store's last import, not the time of the export (SOURCE_DATE_EPOCH, "
	"when set, fixes both that stamp and the clock --active counts "
	"from).  A value a format cannot carry exactly (a tab for Zeek, a "
	"name too long for a DNS zone) is left out, never altered.  The "
	"summary on stderr gives each file's count and what was left out "
	"and why.  docs/export.md has a recipe per engine.\n\n"
	"With --server URL (or [server] url), the team server's store is "
	"exported here, into the same place and with the same care: a "
	"directory's files come in one answer and are renamed together; "
	"--delta is refused (its state lives beside the store).",
	export_opts, run_export,
	"chousa export --format zeek-intel --active 30 -o /opt/zeek/share/"
	"intel/chousa.intel\n"
	"chousa export --format suricata -o /etc/suricata/chousa\n"
	"chousa export --format rpz --types domain --min-confidence 50 -o "
	"chousa.rpz\n"
	"chousa export --format suricata --delta export.state -o out/",
	NULL,
	NULL
};
