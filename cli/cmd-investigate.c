/*
 * cmd-investigate.c: `chousa investigate INDICATOR...`: run reputation,
 * identification and enrichment over the sources and print a verdict and
 * a conclusion with the evidence of every hop.  Inputs come from the
 * arguments, -f FILE or stdin, one per line, or with --extract from free
 * text; they are investigated in batches so that a long list keeps memory
 * flat and online look-ups of one batch run together.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_FORMAT = 256, OPT_NO_DEFANG, OPT_DEPTH, OPT_MAX_SAMPLES, OPT_AT,
	OPT_OFFLINE, OPT_SOURCES, OPT_EXHAUSTIVE, OPT_REFRESH, OPT_EXTRACT,
	OPT_BUDGET, OPT_JSON
};

#define BATCH		256
#define INPUT_FILE_MAX	((size_t)256 << 20)

static const struct cli_opt investigate_opts[] = {
	{ 'f', "file", "FILE", "Read indicators from FILE, one per line "
	    "('-' is stdin); blank lines and lines starting with # are "
	    "skipped." },
	{ OPT_EXTRACT, "extract", NULL, "Treat the input as free text (an "
	    "e-mail, a report, a ticket) and investigate every indicator "
	    "found in it.  Each operand that names a file is read (as "
	    "chousa extract reads it); '-' is stdin; any other operand is "
	    "text itself." },
	{ OPT_FORMAT, "format", "FORMAT", "Report format: text (the "
	    "default), json (JSON lines, one object per indicator), md, html, "
	    "stix, misp or dot." },
	{ OPT_JSON, "json", NULL, "The same as --format json." },
	{ 'o', "output", "FILE", "Write the report to FILE instead of "
	    "stdout." },
	{ OPT_NO_DEFANG, "no-defang", NULL, "Print indicators as they are; "
	    "text, md and html reports defang them by default." },
	{ OPT_DEPTH, "depth", "N", "Follow pivots at most N hops from the "
	    "indicator (default 2, at most 5)." },
	{ OPT_MAX_SAMPLES, "max-samples", "N", "Enrich at most N related "
	    "samples, the best supported and most recent first (default 5)." },
	{ OPT_BUDGET, "budget", "N", "Make at most N look-ups per indicator "
	    "(default 200)." },
	{ OPT_AT, "at", "TIME", "The time of the observed traffic: say "
	    "whether the indicator was listed and online then." },
	{ OPT_OFFLINE, "offline", NULL, "Use the local store only; no "
	    "network connection is made at all." },
	{ OPT_SOURCES, "sources", "LIST", "Ask only these sources, comma "
	    "separated; 'local' and 'online' name the groups (see chousa "
	    "sources)." },
	{ OPT_EXHAUSTIVE, "exhaustive", NULL, "Ask every source, even once "
	    "the verdict is settled." },
	{ OPT_REFRESH, "refresh", NULL, "Bypass the cache of online "
	    "answers." },
	{ 0 }
};

struct inputs {
	char	**v;
	size_t	 n;
	size_t	 cap;
};

static void
push(struct inputs *in, const char *s, size_t len)
{
	char *d;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t'))
		len--;
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	if (len == 0 || *s == '#')
		return;
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->v = xrealloc(in->v, in->cap * sizeof(*in->v));
	}
	d = xmalloc(len + 1);
	memcpy(d, s, len);
	in->v[in->n++] = d;
}

static void
push_lines(struct inputs *in, const struct chousa_buf *b)
{
	const char *p = b->data, *end = b->data + b->len;

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		push(in, p, len);
		p += len + 1;
	}
}

static int
on_extracted(void *arg, const struct chousa_indicator *ind)
{
	push(arg, ind->value, ind->value_len);
	return 0;
}

static void
extract_into(struct inputs *in, const struct chousa_buf *text)
{
	struct chousa_extract_opts xo = { CHOUSA_IOC_ALL, 1, 0 };
	struct chousa_extractor *x;
	struct chousa_err err = { 0 };

	if (chousa_extractor_new(&x, &xo, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (chousa_extract(x, text->data != NULL ? text->data : "", text->len,
	    0, on_extracted, in, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_extractor_free(x);
}

/* Whether an operand of --extract names a file rather than being text. */
static int
is_file(const char *arg)
{
	struct stat sb;

	return strchr(arg, '\n') == NULL && stat(arg, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode);
}

static _Noreturn void
unknown_format(const struct cli_cmd *self, const char *format)
{
	const struct chousa_renderer *const *r = chousa_renderers();
	const char *names[32];
	size_t i;

	for (i = 0; r[i] != NULL && i + 1 < 32; i++)
		names[i] = r[i]->name;
	names[i] = NULL;
	cli_unknown_name(self, "format", format, names);
}

/* Every name of --sources must be a source or a group: else usage. */
static void
check_sources(const struct cli_cmd *self, const char *list)
{
	const struct chousa_source *const *all = chousa_sources();
	const char *names[128];
	char word[64];
	size_t i, n = 0, len;

	for (i = 0; all[i] != NULL && n + 3 < 128; i++)
		names[n++] = all[i]->name;
	names[n++] = "local";
	names[n++] = "online";
	names[n] = NULL;
	for (; *list != '\0'; list += len) {
		len = strcspn(list, ", ");
		if (len > 0) {
			snprintf(word, sizeof(word), "%.*s",
			    (int)(len < sizeof(word) ? len : sizeof(word) - 1),
			    list);
			for (i = 0; names[i] != NULL; i++)
				if (strcmp(names[i], word) == 0)
					break;
			if (names[i] == NULL)
				cli_unknown_name(self, "source", word, names);
		}
		while (list[len] == ',' || list[len] == ' ')
			len++;
	}
}

static long
number(const struct cli_cmd *self, const char *name, const char *arg,
    long lo, long hi)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < lo || v > hi)
		cli_usage_error(self, "--%s needs a number from %ld to %ld",
		    name, lo, hi);
	return v;
}

/* -v: the first bytes of every answer a source could not read. */
static void
say_unreadable(const struct chousa_report *rep)
{
	size_t s, i;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->answer_head != NULL)
				cli_debug("%s about '%s': %s; the answer began: "
				    "%s", f->source, f->subject ? f->subject :
				    "", f->reason ? f->reason : "unreadable",
				    f->answer_head);
		}
}

static int
run_investigate(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_investigate_opts io;
	struct chousa_render_opts ro;
	struct chousa_render rs;
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	struct chousa_config *cfg;
	struct chousa_ctx *ctx;
	struct chousa_report *reps;
	struct chousa_buf out, text;
	struct inputs in = { 0 };
	const struct chousa_renderer *renderer;
	const char *arg, *file = NULL, *format = "text", *output = NULL;
	const char *not_a_file = NULL;
	int c, extract = 0, found = 0, bad = 0, failed = 0, answered = 0;
	size_t i, k;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);

	memset(&io, 0, sizeof(io));
	memset(&ro, 0, sizeof(ro));
	ro.defang = 1;
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'f':		file = arg; break;
		case 'o':		output = arg; break;
		case OPT_EXTRACT:	extract = 1; break;
		case OPT_FORMAT:	format = arg; break;
		case OPT_JSON:		format = "json"; break;
		case OPT_NO_DEFANG:	ro.defang = 0; break;
		case OPT_DEPTH:
			io.depth = (int)number(self, "depth", arg, 0, 5);
			if (io.depth == 0)
				io.depth = -1;
			break;
		case OPT_MAX_SAMPLES:
			io.max_samples = (int)number(self, "max-samples", arg,
			    1, 100);
			break;
		case OPT_BUDGET:
			io.budget = (int)number(self, "budget", arg, 1,
			    100000);
			break;
		case OPT_AT:
			if (chousa_time_parse(arg, strlen(arg), &io.at) !=
			    CHOUSA_OK)
				cli_usage_error(self, "--at: cannot read '%s' "
				    "as a time", arg);
			break;
		case OPT_OFFLINE:	io.offline = 1; break;
		case OPT_SOURCES:	io.sources = arg; break;
		case OPT_EXHAUSTIVE:	io.exhaustive = 1; break;
		case OPT_REFRESH:	io.refresh = 1; break;
		}
	}
	renderer = chousa_renderer_find(format);
	if (renderer == NULL)
		unknown_format(self, format);
	if (io.sources != NULL)
		check_sources(self, io.sources);
	if (file == NULL && cli_optind >= argc && isatty(STDIN_FILENO))
		cli_no_input(self);

	/* The inputs. */
	chousa_buf_init(&text, INPUT_FILE_MAX);
	if (file != NULL) {
		struct chousa_buf b;

		cli_read_file(file, &b, INPUT_FILE_MAX);
		if (extract)
			extract_into(&in, &b);
		else
			push_lines(&in, &b);
		chousa_buf_release(&b);
	}
	for (i = (size_t)cli_optind; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			struct chousa_buf b;

			cli_read_file("-", &b, INPUT_FILE_MAX);
			if (extract)
				extract_into(&in, &b);
			else
				push_lines(&in, &b);
			chousa_buf_release(&b);
		} else if (extract && is_file(argv[i])) {
			struct chousa_buf b;

			cli_read_file(argv[i], &b, INPUT_FILE_MAX);
			extract_into(&in, &b);
			chousa_buf_release(&b);
		} else if (extract) {
			if (strpbrk(argv[i], " \t\n") == NULL)
				not_a_file = argv[i];
			chousa_buf_adds(&text, argv[i]);
			chousa_buf_addch(&text, '\n');
		} else
			push(&in, argv[i], strlen(argv[i]));
	}
	if (file == NULL && cli_optind >= argc) {
		struct chousa_buf b;

		cli_read_file("-", &b, INPUT_FILE_MAX);
		if (extract)
			extract_into(&in, &b);
		else
			push_lines(&in, &b);
		chousa_buf_release(&b);
	}
	if (text.len > 0)
		extract_into(&in, &text);
	chousa_buf_release(&text);
	if (in.n == 0 && not_a_file != NULL)
		cli_die(EXIT_BADINPUT, "no indicator to investigate: there is "
		    "no file '%s', so it was read as text", not_a_file);
	if (in.n == 0)
		cli_die(EXIT_BADINPUT, "no indicator to investigate");

	cfg = cli_load_config();
	if (!io.offline && chousa_http_insecure(cfg))
		cli_warn("warning: TLS verification is off");
	/*
	 * The store: a missing one leaves the online sources (the local
	 * ones then say error, never miss); one that cannot be read is an
	 * error of its own.
	 */
	if (access(cli_db_path(), F_OK) != 0)
		cli_warn("no store at '%s': local sources will fail (run "
		    "chousa update or chousa import)", cli_db_path());
	else if (chousa_store_open_wait(&st, cli_db_path(),
	    CHOUSA_STORE_READONLY, cli_store_wait_ms(), &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (chousa_ctx_new(&ctx, st, cfg, &io, &err) != CHOUSA_OK) {
		if (err.code == CHOUSA_ENOTFOUND)
			cli_die(EXIT_BADINPUT, "%s", err.msg);
		cli_die_err(&err);
	}
	/* A path that cannot be written is the user's to mend: status 3. */
	if (output != NULL && freopen(output, "w", stdout) == NULL)
		cli_die(EXIT_BADINPUT, "cannot write the report to '%s': %s",
		    output, strerror(errno));
	ro.color = output == NULL && strcmp(format, "text") == 0 &&
	    cli_use_color(stdout);
	chousa_buf_init(&out, 0);
	if (chousa_render_begin(&rs, renderer, &ro, &out, &err) != CHOUSA_OK)
		cli_die_err(&err);
	for (i = 0; i < in.n; i += BATCH) {
		size_t n = in.n - i < BATCH ? in.n - i : BATCH;

		if (chousa_investigate(ctx, (const char *const *)in.v + i, n,
		    &reps, &err) != CHOUSA_OK)
			cli_die_err(&err);
		for (k = 0; k < n; k++) {
			const struct chousa_report *rep = &reps[k];

			if (g_opt.verbose)
				say_unreadable(rep);
			if (rep->parse_rc != CHOUSA_OK) {
				cli_warn("%s", rep->parse_error);
				bad = 1;
			} else if (rep->verdict == CHOUSA_V_MALICIOUS ||
			    rep->verdict == CHOUSA_V_SUSPICIOUS)
				found = 1;
			/* "unknown" while sources failed is no answer. */
			if (rep->parse_rc == CHOUSA_OK) {
				if (rep->n_errors > 0 && rep->verdict ==
				    CHOUSA_V_UNKNOWN)
					failed = 1;
				else
					answered = 1;
			}
			if (chousa_render_item(&rs, rep, &err) != CHOUSA_OK)
				cli_die_err(&err);
			cli_write(&out);
			chousa_buf_reset(&out);
		}
		if (chousa_ctx_reset(ctx, &err) != CHOUSA_OK)
			cli_die_err(&err);
	}
	if (chousa_render_end(&rs, &err) != CHOUSA_OK)
		cli_die_err(&err);
	cli_write(&out);
	cli_flush();
	chousa_buf_release(&out);
	chousa_ctx_free(ctx);
	chousa_config_free(cfg);
	chousa_store_close(st);
	for (i = 0; i < in.n; i++)
		free(in.v[i]);
	free(in.v);
	if (found)
		return EXIT_FOUND;
	if (bad)
		return EXIT_BADINPUT;
	if (failed && !answered)
		return EXIT_SOURCE;
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_investigate = {
	"investigate", "Find out what caused a communication, with evidence",
	"[OPTIONS] [INDICATOR...]",
	"Investigate each indicator (IP, domain, URL or file hash, defanged "
	"or not) in three stages: reputation (who lists it), identification "
	"(which samples and family are tied to it, through its host, its "
	"registrable domain and what sources relate to it) and enrichment "
	"(what the top samples and the family are).  The report ends with a "
	"verdict (malicious, suspicious, benign or unknown; never 'clean'), "
	"the family with a confidence, and a conclusion that names the "
	"evidence of every hop.\n\n"
	"Without arguments or -f, indicators are read from stdin, one per "
	"line (on a terminal, the usage is printed instead).  Every look-up has a status: hit, miss, skipped (with why) "
	"or error (with the message); a failing source never stops the "
	"investigation.  chousa never contacts the indicator itself: no DNS "
	"look-up, no fetch.\n\n"
	"The verdict follows docs/verdict-policy.md: an exact listing wins "
	"over a benign list; a shared platform, public resolver, CDN or cloud "
	"range that only hosts listed content is 'suspicious (hosts listed "
	"content)'; samples that merely contacted a host are identification "
	"evidence, never a verdict.  Families come from labels with generic "
	"words dropped, aliases merged and, for anti-virus detection names, "
	"agreement between engines.  The notes name every feed older than "
	"[freshness] max_age_days (default 7) or retired upstream, whose "
	"'not listed' is no evidence, and a store with no known-benign list.  "
	"When the store has no Malpedia catalogue and the run is online (a "
	"source has a key), Malpedia's public family list is fetched once "
	"([feeds] malpedia_url, else the malpedia base URL) and cached for a "
	"week, and the notes say so; offline, a built-in alias list stands "
	"in.\n\n"
	"Exit status: 0 when nothing is malicious or suspicious, 1 when "
	"something is, 2 for an unknown format or source name, 3 when an "
	"input is not an indicator, 4 when sources failed and no answer "
	"could be given.",
	investigate_opts, run_investigate,
	"chousa investigate 'www[.]dnautik[.]com'\n"
	"chousa investigate --format json -f iocs.txt > report.jsonl\n"
	"chousa investigate --extract phishing-mail.eml\n"
	"chousa investigate --at '2024-03-13 18:49' 162.243.103.246"
};
