/*
 * cmd-lookup.c: `chousa lookup INDICATOR...`: what the local store knows,
 * exactly and through the indicator's parts, with the verdict policy's
 * word on it.  Reads the store only; exit 1 when an indicator is malicious.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_JSON = 256 };

/* Longer than any indicator (8 KiB): a longer line is refused, not cut. */
#define LINE_MAX_LEN	16384

static const struct cli_opt lookup_opts[] = {
	{ OPT_JSON, "json", NULL, "Print a JSON array, one object per "
	    "indicator, with every record and known-benign entry "
	    "(docs/json.md)." },
	{ 0 }
};

/* Look one indicator up, print it as the *n-th; returns its exit status. */
static int
lookup_one(struct chousa_store *st, const struct chousa_config *cfg,
    const char *text, const struct chousa_format *f, size_t *n)
{
	struct chousa_arena *a = NULL;
	struct chousa_err err = { 0 };
	struct chousa_lookup l;
	struct chousa_buf b;
	int rc, status;

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	rc = chousa_lookup(st, cfg, a, text, strlen(text), &l, &err);
	if (rc == CHOUSA_EPARSE) {
		cli_warn("%s", err.msg);
		chousa_arena_free(a);
		return EXIT_BADINPUT;
	}
	if (rc != CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_init(&b, 0);
	f->results->lookup(&b, a, &l, (*n)++, cli_use_color(stdout));
	cli_write(&b);
	chousa_buf_release(&b);
	status = l.is_malicious ? EXIT_FOUND : EXIT_CLEAN;
	chousa_arena_free(a);
	return status;
}

/* Around the list of look-ups, when the format frames it. */
static void
frame(const struct chousa_format *f, int end)
{
	struct chousa_buf b;

	if (f->results->lookup_list == NULL)
		return;
	chousa_buf_init(&b, 0);
	f->results->lookup_list(&b, end);
	cli_write(&b);
	chousa_buf_release(&b);
}

static int
run_lookup(const struct cli_cmd *self, int argc, char **argv)
{
	const struct chousa_format *f;
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_config *cfg;
	const char *arg;
	char line[LINE_MAX_LEN];
	int c, i, json = 0, status = EXIT_CLEAN;
	unsigned long lineno = 0;
	size_t n = 0;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
	if (cli_optind >= argc)
		cli_usage_error(self, "name an indicator (or - for stdin)");
	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_LOOKUP,
	    &f, &err) != CHOUSA_OK)
		cli_die_err(&err);
	/* The verdict policy reads [freshness], as investigate's does. */
	cfg = cli_load_config();
	st = cli_open_store(CHOUSA_STORE_READONLY);
	frame(f, 0);
	for (i = cli_optind; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			status = chousa_lookup_status(status,
			    lookup_one(st, cfg, argv[i], f, &n));
			continue;
		}
		while (fgets(line, sizeof(line), stdin) != NULL) {
			size_t len = strlen(line);

			lineno++;
			if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
				/* Cut in pieces, it would be looked up as
				 * a wrong indicator and then as garbage. */
				int ch;

				while ((ch = getchar()) != EOF && ch != '\n')
					;
				cli_warn("line %lu of stdin is longer than "
				    "%d bytes: skipped", lineno,
				    LINE_MAX_LEN - 2);
				status = chousa_lookup_status(status,
				    EXIT_BADINPUT);
				continue;
			}

			while (len > 0 && (line[len - 1] == '\n' ||
			    line[len - 1] == '\r' || line[len - 1] == ' '))
				line[--len] = '\0';
			if (len == 0 || line[0] == '#')
				continue;
			status = chousa_lookup_status(status,
			    lookup_one(st, cfg, line, f, &n));
		}
	}
	frame(f, 1);
	cli_flush();
	chousa_store_close(st);
	chousa_config_free(cfg);
	return status;
}

const struct cli_cmd cmd_lookup = {
	"lookup", "Look indicators up in the local store",
	"[--json] INDICATOR... | -",
	"Print every record of the local store that matches each INDICATOR "
	"(a URL, domain, IP, CIDR, hash or email; defanged forms are "
	"accepted; one host written as a single-host CIDR, 1.2.3.4/32 or "
	"2001:db8::1/128, or with a port, 1.2.3.4:8080 or [2001:db8::1]:443, "
	"as firewall exports and ThreatFox write them, is that address, "
	"shown with how it was given), exactly or through its parts: a "
	"URL's host, parent "
	"domains, registrable domain and IP host; an e-mail address's "
	"domain (its listing shown as host); a domain's parents; the "
	"listed ranges that hold an IP; the listed URLs hosted on a domain or "
	"IP; for a range, what is listed inside it (its addresses as cidr, "
	"the URLs on them as url_host, narrower ranges as cidr), as "
	"investigate finds it: at most 100, the most recently seen, with the "
	"count of all when there are more.  "
	"Each record shows how it matched (exact, host, regdomain, "
	"parent, cidr, url_host), its source, dates, status and family "
	"(Malpedia id and name).  A record that an imported report only saw "
	"(a MISP attribute not for IDS, a STIX observable) shows the status "
	"observed: evidence to identify, never a listing.  Known-benign lists "
	"that cover the indicator are shown too.  With - the indicators are read from stdin, one per "
	"line.\n\n"
	"Only the store is read: nothing leaves the machine.  Each "
	"indicator with records or a known-benign list gets the verdict of "
	"docs/verdict-policy.md on what the store holds, as investigate "
	"--offline gives it (malicious, suspicious, benign or unknown): a "
	"public resolver or cloud address listed once, a shared or "
	"crowded host that only serves listed URLs, or a listing of its "
	"domain, parent or range only is suspicious, not malicious.  The "
	"status is 1 when an indicator is malicious, 0 when none is, 3 when "
	"an indicator does not parse.",
	lookup_opts, run_lookup,
	"chousa lookup 'hxxp://evil[.]example/x.exe'\n"
	"chousa lookup --json 162.243.103.246\n"
	"cut -f1 iocs.tsv | chousa lookup -",
	NULL,
	NULL
};
