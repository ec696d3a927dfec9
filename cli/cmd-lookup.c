/*
 * cmd-lookup.c: `chousa lookup INDICATOR...`: what the local store knows,
 * exactly and through the indicator's parts.  Reads the store only; exit 1
 * when anything malicious matched.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_JSON = 256 };

/* Longer than any indicator (8 KiB): a longer line is refused, not cut. */
#define LINE_MAX_LEN	16384

static const struct cli_opt lookup_opts[] = {
	{ OPT_JSON, "json", NULL, "Print a JSON array, one object per "
	    "indicator, with every record and known-benign entry." },
	{ 0 }
};

/*
 * Whether the records make the indicator malicious.  A match on the
 * indicator, its host, a listed parent or range always does; a match only
 * through the registrable domain or URLs hosted there does not when a
 * known-benign list covers the indicator (a shared host like a CDN).
 */
static int
is_malicious(const struct chousa_record *r, size_t n, size_t n_benign)
{
	size_t i;

	for (i = 0; i < n; i++) {
		/* What a report only saw is no listing. */
		if (r[i].is_observation)
			continue;
		if (r[i].match == CHOUSA_MATCH_EXACT ||
		    r[i].match == CHOUSA_MATCH_HOST ||
		    r[i].match == CHOUSA_MATCH_PARENT ||
		    r[i].match == CHOUSA_MATCH_CIDR)
			return 1;
		if (n_benign == 0)
			return 1;
	}
	return 0;
}

static void
date(struct chousa_buf *b, int64_t t)
{
	char s[32];

	if (t <= 0) {
		chousa_buf_adds(b, "-");
		return;
	}
	chousa_time_format(t, s, sizeof(s));
	chousa_buf_add(b, s, 10);
}

static void
text_cell(struct chousa_buf *b, const char *s, int width)
{
	size_t before = b->len;
	int n;

	chousa_esc_text(b, s != NULL ? s : "-", s != NULL ? strlen(s) : 1);
	for (n = (int)(b->len - before); n < width; n++)
		chousa_buf_addch(b, ' ');
	chousa_buf_addch(b, ' ');
}

static void
family_label(struct chousa_store *st, struct chousa_arena *a,
    const char *family, const char **id, const char **name)
{
	struct chousa_family f;

	*id = family;
	*name = NULL;
	if (family != NULL && chousa_store_family(st, a, family, &f, NULL) ==
	    CHOUSA_OK) {
		*id = f.id;
		*name = f.name;
	}
}

static void
print_text(struct chousa_buf *b, struct chousa_store *st,
    struct chousa_arena *a, const struct chousa_indicator *ind,
    const struct chousa_record *r, size_t n, const struct chousa_benign *bn,
    size_t n_benign)
{
	size_t i;

	chousa_buf_adds(b, chousa_ioc_type_name(ind->type));
	chousa_buf_addch(b, ' ');
	chousa_esc_text(b, ind->value, ind->value_len);
	if (n == 0)
		chousa_buf_adds(b, ": not in the store\n");
	else
		chousa_buf_addf(b, ": %zu record%s%s\n", n, n == 1 ? "" : "s",
		    is_malicious(r, n, n_benign) ? ", malicious" : "");
	for (i = 0; i < n; i++) {
		const char *id, *name;

		family_label(st, a, r[i].family, &id, &name);
		chousa_buf_adds(b, "  ");
		text_cell(b, chousa_match_name(r[i].match), 9);
		text_cell(b, r[i].source, 13);
		text_cell(b, r[i].is_observation ? "observed" : r[i].status,
		    8);
		date(b, r[i].first_seen);
		chousa_buf_addch(b, ' ');
		date(b, r[i].last_seen);
		chousa_buf_addch(b, ' ');
		if (name != NULL) {
			char *both = chousa_arena_printf(a, "%s (%s)", id,
			    name);

			text_cell(b, both, 26);
		} else
			text_cell(b, id, 26);
		chousa_esc_text(b, r[i].value, strlen(r[i].value));
		chousa_buf_addch(b, '\n');
	}
	for (i = 0; i < n_benign; i++) {
		chousa_buf_adds(b, "  known benign: ");
		chousa_esc_text(b, bn[i].list, strlen(bn[i].list));
		chousa_buf_adds(b, " (");
		chousa_esc_text(b, bn[i].kind, strlen(bn[i].kind));
		chousa_buf_adds(b, "): ");
		chousa_esc_text(b, bn[i].entry, strlen(bn[i].entry));
		chousa_buf_addch(b, '\n');
	}
}

static void
json_kv(struct chousa_buf *b, const char *key, const char *v, int comma)
{
	if (comma)
		chousa_buf_addch(b, ',');
	chousa_buf_addf(b, "\"%s\":", key);
	chousa_esc_json_str(b, v);
}

static void
json_time(struct chousa_buf *b, const char *key, int64_t t)
{
	char s[32];

	if (t <= 0) {
		chousa_buf_addf(b, ",\"%s\":null", key);
		return;
	}
	chousa_time_format(t, s, sizeof(s));
	chousa_buf_addf(b, ",\"%s\":\"%s\"", key, s);
}

static void
print_json(struct chousa_buf *b, struct chousa_store *st,
    struct chousa_arena *a, const struct chousa_indicator *ind,
    const struct chousa_record *r, size_t n, const struct chousa_benign *bn,
    size_t n_benign)
{
	size_t i;

	chousa_buf_adds(b, "{");
	json_kv(b, "indicator", ind->value, 0);
	json_kv(b, "type", chousa_ioc_type_name(ind->type), 1);
	chousa_buf_addf(b, ",\"malicious\":%s,\"records\":[",
	    is_malicious(r, n, n_benign) ? "true" : "false");
	for (i = 0; i < n; i++) {
		const char *id, *name;

		family_label(st, a, r[i].family, &id, &name);
		chousa_buf_adds(b, i ? ",{" : "{");
		json_kv(b, "match", chousa_match_name(r[i].match), 0);
		json_kv(b, "value", r[i].value, 1);
		json_kv(b, "type", chousa_ioc_type_name(r[i].type), 1);
		json_kv(b, "source", r[i].source, 1);
		json_kv(b, "source_id", r[i].source_id, 1);
		json_time(b, "first_seen", r[i].first_seen);
		json_time(b, "last_seen", r[i].last_seen);
		json_kv(b, "status", r[i].status, 1);
		json_kv(b, "threat", r[i].threat, 1);
		json_kv(b, "family", id, 1);
		json_kv(b, "family_name", name, 1);
		json_kv(b, "tags", r[i].tags, 1);
		if (r[i].confidence >= 0)
			chousa_buf_addf(b, ",\"confidence\":%d",
			    r[i].confidence);
		else
			chousa_buf_adds(b, ",\"confidence\":null");
		json_kv(b, "reference", r[i].reference, 1);
		chousa_buf_addf(b, ",\"observation\":%s",
		    r[i].is_observation ? "true" : "false");
		chousa_buf_adds(b, "}");
	}
	chousa_buf_adds(b, "],\"benign\":[");
	for (i = 0; i < n_benign; i++) {
		chousa_buf_adds(b, i ? ",{" : "{");
		json_kv(b, "list", bn[i].list, 0);
		json_kv(b, "kind", bn[i].kind, 1);
		json_kv(b, "entry", bn[i].entry, 1);
		chousa_buf_adds(b, "}");
	}
	chousa_buf_adds(b, "]}");
}

/* Look one indicator up and print it; returns its exit status. */
static int
lookup_one(struct chousa_store *st, const char *text, int json, int *first)
{
	struct chousa_arena *a = NULL;
	struct chousa_err err = { 0 };
	struct chousa_indicator ind;
	struct chousa_record *r = NULL;
	struct chousa_benign *bn = NULL;
	struct chousa_buf b;
	size_t n = 0, n_benign = 0;
	int status;

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (chousa_ioc_parse(a, text, strlen(text), CHOUSA_IOC_ALL, &ind,
	    &err) != CHOUSA_OK) {
		cli_warn("%s", err.msg);
		chousa_arena_free(a);
		return EXIT_BADINPUT;
	}
	/* The records and the benign lists from the same state of the store. */
	if (chousa_store_snapshot_begin(st, &err) != CHOUSA_OK ||
	    chousa_store_lookup(st, a, &ind, &r, &n, &err) != CHOUSA_OK ||
	    chousa_store_benign(st, a, &ind, &bn, &n_benign, &err) !=
	    CHOUSA_OK)
		cli_die_err(&err);
	chousa_store_snapshot_end(st);
	chousa_buf_init(&b, 0);
	if (json) {
		if (!*first)
			chousa_buf_addch(&b, ',');
		print_json(&b, st, a, &ind, r, n, bn, n_benign);
	} else
		print_text(&b, st, a, &ind, r, n, bn, n_benign);
	*first = 0;
	cli_write(&b);
	chousa_buf_release(&b);
	status = is_malicious(r, n, n_benign) ? EXIT_FOUND : EXIT_CLEAN;
	chousa_arena_free(a);
	return status;
}

static int
worse(int status, int rc)
{
	/* Bad input outranks found, which outranks clean. */
	if (rc == EXIT_BADINPUT || status == EXIT_BADINPUT)
		return EXIT_BADINPUT;
	return rc > status ? rc : status;
}

static int
run_lookup(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_store *st;
	const char *arg;
	char line[LINE_MAX_LEN];
	int c, i, json = 0, first = 1, status = EXIT_CLEAN;
	unsigned long lineno = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (c == OPT_JSON)
			json = 1;
	if (cli_optind >= argc)
		cli_usage_error(self, "name an indicator (or - for stdin)");
	st = cli_open_store(CHOUSA_STORE_READONLY);
	if (json)
		fputs("[", stdout);
	for (i = cli_optind; i < argc; i++) {
		if (strcmp(argv[i], "-") != 0) {
			status = worse(status, lookup_one(st, argv[i], json,
			    &first));
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
				status = worse(status, EXIT_BADINPUT);
				continue;
			}

			while (len > 0 && (line[len - 1] == '\n' ||
			    line[len - 1] == '\r' || line[len - 1] == ' '))
				line[--len] = '\0';
			if (len == 0 || line[0] == '#')
				continue;
			status = worse(status, lookup_one(st, line, json,
			    &first));
		}
	}
	if (json)
		fputs("]\n", stdout);
	cli_flush();
	chousa_store_close(st);
	return status;
}

const struct cli_cmd cmd_lookup = {
	"lookup", "Look indicators up in the local store",
	"[--json] INDICATOR... | -",
	"Print every record of the local store that matches each INDICATOR "
	"(a URL, domain, IP, CIDR, hash or email; defanged forms are "
	"accepted), exactly or through its parts: a URL's host, parent "
	"domains, registrable domain and IP host; a domain's parents; the "
	"listed ranges that hold an IP; the listed URLs hosted on a domain or "
	"IP.  Each record shows how it matched (exact, host, regdomain, "
	"parent, cidr, url_host), its source, dates, status and family "
	"(Malpedia id and name).  A record that an imported report only saw "
	"(a MISP attribute not for IDS, a STIX observable) shows the status "
	"observed: evidence to identify, never a listing.  Known-benign lists "
	"that cover the indicator are shown too.  With - the indicators are read from stdin, one per "
	"line.\n\n"
	"Only the store is read: nothing leaves the machine.  The status is "
	"1 when anything malicious matched, 0 when nothing did, 3 when an "
	"indicator does not parse.  A match only through the registrable "
	"domain or URLs hosted there does not count as malicious when a "
	"known-benign list covers the indicator.",
	lookup_opts, run_lookup,
	"chousa lookup 'hxxp://evil[.]example/x.exe'\n"
	"chousa lookup --json 162.243.103.246\n"
	"cut -f1 iocs.tsv | chousa lookup -"
};
