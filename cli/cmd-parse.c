/*
 * cmd-parse.c: `chousa parse INDICATOR` and `chousa parse -`: refang,
 * classify and normalise indicators and print what chousa makes of them,
 * so that an analyst can see why a value is or is not matched.  With "-"
 * every line of standard input is one indicator, in one process.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_JSON = 256, OPT_TYPES, OPT_URL };

/* A line of stdin longer than this is refused, as refang does. */
#define PARSE_LINE_MAX	(1 << 20)

static const struct cli_opt parse_opts[] = {
	{ OPT_JSON, "json", NULL, "Print one JSON object instead of "
	    "key: value lines; with -, JSON lines." },
	{ OPT_TYPES, "types", "LIST", "Accept only these types, comma "
	    "separated: @TYPES@; ip means ipv4, ipv6 and cidr, hash every "
	    "hash." },
	{ OPT_URL, "url", NULL, "The values are URLs, as in a URL field of a "
	    "feed: a value without a scheme (evil.com, host/path.exe) is an "
	    "http URL, and a host under a top-level domain the public suffix "
	    "list does not name yet is accepted (flag unlisted-tld)." },
	{ 0 }
};

/* Indexed by bit: CHOUSA_IOC_F_PRIVATE is bit 0. */
static const char *const flag_names[] = {
	"private", "loopback", "cgnat", "link-local", "documentation",
	"multicast", "reserved", NULL, "defanged", "idn", "ip-host",
	"invalid-host", "no-scheme", "unlisted-tld", "address-only", NULL
};

#define N_FLAG_BITS	((int)(sizeof(flag_names) / sizeof(flag_names[0])))

/* The flag names, comma separated, or "-" for none. */
static void
add_flags(struct chousa_buf *b, unsigned flags)
{
	int i, n = 0;

	for (i = 0; i < N_FLAG_BITS; i++) {
		if (flag_names[i] == NULL || !(flags & (1u << i)))
			continue;
		if (n++ > 0)
			chousa_buf_addch(b, ',');
		chousa_buf_adds(b, flag_names[i]);
	}
	if (n == 0)
		chousa_buf_addch(b, '-');
}

/* Whether host is worth its own line: not when the indicator is a host. */
static int
has_host(const struct chousa_indicator *ind)
{
	return ind->host != NULL && ind->type != CHOUSA_IOC_DOMAIN &&
	    ind->type != CHOUSA_IOC_IPV4 && ind->type != CHOUSA_IOC_IPV6;
}

static void
kv(struct chousa_buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	chousa_buf_addf(b, "%s: ", k);
	chousa_esc_text(b, v, strlen(v));
	chousa_buf_addch(b, '\n');
}

/* One indicator as key: value lines, those it has. */
static void
print_text(struct chousa_buf *b, const struct chousa_indicator *ind)
{
	kv(b, "type", chousa_ioc_type_name(ind->type));
	kv(b, "value", ind->value);
	kv(b, "display", ind->display);
	if (has_host(ind)) {
		kv(b, "host", ind->host);
		kv(b, "host_type", chousa_ioc_type_name(ind->host_type));
	}
	kv(b, "regdomain", ind->regdomain);
	if (ind->port != 0)
		chousa_buf_addf(b, "port: %u\n", ind->port);
	kv(b, "path", ind->path);
	if (ind->type == CHOUSA_IOC_CIDR)
		chousa_buf_addf(b, "prefix: %d\n", ind->prefix);
	kv(b, "host_error", ind->host_error);
	chousa_buf_adds(b, "flags: ");
	add_flags(b, ind->flags);
	chousa_buf_addch(b, '\n');
}

/* A member that is null rather than "" when s is empty (docs/json.md). */
static void
kstr(struct chousa_jw *w, const char *key, const char *s)
{
	chousa_jw_key(w, key);
	chousa_jw_strn_or_null(w, s, s != NULL ? strlen(s) : 0);
}

/*
 * One JSON line (docs/json.md, "Parsed indicator"): every key, null where
 * the indicator has nothing.  ind is NULL when input is no indicator, and
 * why says why.
 */
static void
print_json(struct chousa_buf *b, const struct chousa_indicator *ind,
    const char *input, const char *why)
{
	static const struct chousa_indicator none;
	struct chousa_jw w;
	int parsed = ind != NULL, f;

	if (!parsed)
		ind = &none;
	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "input", input);
	kstr(&w, "type", parsed ? chousa_ioc_type_name(ind->type) : NULL);
	kstr(&w, "value", ind->value);
	kstr(&w, "display", ind->display);
	kstr(&w, "host", has_host(ind) ? ind->host : NULL);
	kstr(&w, "host_type", has_host(ind) ?
	    chousa_ioc_type_name(ind->host_type) : NULL);
	kstr(&w, "regdomain", ind->regdomain);
	chousa_jw_kint_if(&w, "port", ind->port, ind->port != 0);
	kstr(&w, "path", ind->path);
	chousa_jw_kint_if(&w, "prefix", ind->prefix, parsed &&
	    ind->type == CHOUSA_IOC_CIDR);
	kstr(&w, "host_error", ind->host_error);
	chousa_jw_key(&w, "flags");
	chousa_jw_array(&w);
	for (f = 0; f < N_FLAG_BITS; f++)
		if (flag_names[f] != NULL && (ind->flags & (1u << f)))
			chousa_jw_str(&w, flag_names[f]);
	chousa_jw_array_end(&w);
	kstr(&w, "error", why);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}

/*
 * One line of `parse -` as TSV: type, value, registrable domain, flags,
 * and what is wrong (the host's fault, or why the line is no indicator),
 * "-" for what is empty.  Every input line gives one output line.
 */
static void
print_tsv(struct chousa_buf *b, const struct chousa_indicator *ind,
    const char *why)
{
	const char *v = ind != NULL ? ind->value : "-";
	const char *rd = ind != NULL && ind->regdomain != NULL ?
	    ind->regdomain : "-";

	chousa_buf_adds(b, ind != NULL ? chousa_ioc_type_name(ind->type) :
	    "none");
	chousa_buf_addch(b, '\t');
	chousa_esc_text(b, v, strlen(v));
	chousa_buf_addch(b, '\t');
	chousa_buf_adds(b, rd);
	chousa_buf_addch(b, '\t');
	add_flags(b, ind != NULL ? ind->flags : 0);
	chousa_buf_addch(b, '\t');
	if (ind != NULL && ind->host_error != NULL)
		why = ind->host_error;
	if (why != NULL)
		chousa_esc_text(b, why, strlen(why));
	else
		chousa_buf_addch(b, '-');
	chousa_buf_addch(b, '\n');
}

/* parse -: returns EXIT_CLEAN, or EXIT_BADINPUT when a line was none. */
static int
parse_lines(unsigned types, unsigned context, int json)
{
	struct chousa_arena *a = NULL;
	struct chousa_indicator ind;
	struct chousa_err err;
	struct chousa_buf b;
	char *line = xmalloc(PARSE_LINE_MAX + 2);
	size_t n;
	unsigned long lineno = 0;
	int status = EXIT_CLEAN, ch, rc;

	chousa_buf_init(&b, 0);
	while (fgets(line, PARSE_LINE_MAX + 2, stdin) != NULL) {
		n = strlen(line);
		lineno++;
		if (n == PARSE_LINE_MAX + 1 && line[n - 1] != '\n') {
			while ((ch = getchar()) != EOF && ch != '\n')
				;
			n = 0;
			rc = chousa_errf(&err, CHOUSA_EPARSE, "line %lu is "
			    "longer than %d bytes", lineno, PARSE_LINE_MAX);
		} else {
			while (n > 0 && (line[n - 1] == '\n' ||
			    line[n - 1] == '\r'))
				line[--n] = '\0';
			/* An arena a line: memory stays that of one line. */
			if (a != NULL)
				chousa_arena_free(a);
			if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
				cli_die_err(&err);
			rc = chousa_ioc_parse_context(a, line, n, types,
			    context, &ind, &err);
		}
		if (rc == CHOUSA_ENOMEM)
			cli_die_err(&err);
		if (rc != CHOUSA_OK)
			status = EXIT_BADINPUT;
		if (json)
			print_json(&b, rc == CHOUSA_OK ? &ind : NULL, line,
			    rc == CHOUSA_OK ? NULL : err.msg);
		else
			print_tsv(&b, rc == CHOUSA_OK ? &ind : NULL,
			    rc == CHOUSA_OK ? NULL : err.msg);
		if (b.len >= (1u << 16)) {
			cli_write(&b);
			chousa_buf_reset(&b);
		}
	}
	if (b.failed != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory");
	cli_output(&b);
	chousa_arena_free(a);
	free(line);
	return status;
}

static int
run_parse(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_arena *a;
	struct chousa_indicator ind;
	struct chousa_err err;
	struct chousa_buf b;
	const char *arg, *in;
	unsigned types = 0, context = 0;
	int c, json = 0, rc;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_URL)
			context = CHOUSA_IOC_CTX_URL | CHOUSA_IOC_CTX_TYPED;
		else if (c == OPT_TYPES &&
		    chousa_ioc_types_parse(arg, &types, &err) != CHOUSA_OK)
			cli_usage_error(self, "%s", err.msg);
	}
	if (cli_optind + 1 != argc)
		cli_usage_error(self, "give exactly one indicator, or - to "
		    "read them from standard input");
	if (context != 0 && types == 0)
		types = CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
	in = argv[cli_optind];
	if (strcmp(in, "-") == 0)
		return parse_lines(types, context, json);
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	rc = chousa_ioc_parse_context(a, in, strlen(in), types, context, &ind,
	    &err);
	if (rc != CHOUSA_OK) {
		chousa_arena_free(a);
		cli_die_err(&err);
	}
	chousa_buf_init(&b, 0);
	if (json)
		print_json(&b, &ind, in, NULL);
	else
		print_text(&b, &ind);
	cli_output(&b);
	chousa_arena_free(a);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_parse = {
	"parse", "Classify and normalise indicators",
	"[--json] [--types LIST] [--url] INDICATOR|-",
	"Refang INDICATOR (hxxp, [.], full-width forms...), decide its type "
	"(ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, "
	"asn) and print its normal form, its Unicode display form, its host, "
	"registrable domain (public suffix list), port, path and flags "
	"(private, loopback, cgnat, link-local, documentation, multicast, "
	"reserved, defanged, idn, ip-host, invalid-host, no-scheme, "
	"unlisted-tld) as key: value lines.\n\n"
	"A host is a domain only under a top-level domain of the public "
	"suffix list (CHOUSA_PSL names a newer public_suffix_list.dat than "
	"the system's), so setup.exe is not one.  Host names are converted "
	"as browsers do (UTS #46 as the WHATWG URL Standard applies it).  A "
	"host whose labels are not valid IDNA or DNS syntax is kept as "
	"written, flagged invalid-host, and host_error says what is wrong.  "
	"evil.com/gate.php is an http URL (flag no-scheme).  Text that is no "
	"indicator exits 3 with a message saying why.\n\n"
	"With - instead of INDICATOR, each line of standard input is one "
	"indicator, and each gives one line of output: type, value, "
	"registrable domain, flags and what is wrong, tab-separated, with - "
	"for an empty field and type none for a line that is no indicator "
	"(JSON lines with --json, the error under \"error\").  The status is "
	"3 when a line was no indicator.",
	parse_opts, run_parse,
	"chousa parse 'hxxps://www[.]Example[.]co[.]uk:443/a/../b'\n"
	"chousa parse --json 2001:DB8:0:0:0:0:0:1\n"
	"chousa parse --url 'files.example.net/a.exe'\n"
	"cut -f2 iocs.tsv | chousa parse --json - > parsed.jsonl",
	NULL,
	NULL
};
