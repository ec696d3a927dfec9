/*
 * cmd-investigate.c: `chousa investigate INDICATOR...`: run reputation,
 * identification and enrichment over the sources and print a verdict and
 * a conclusion with the evidence of every hop.  Inputs come from the
 * arguments, -f FILE or stdin, one per line, or with --extract from free
 * text; they are investigated in batches so that a long list keeps memory
 * flat and online look-ups of one batch run together.
 */
#include <sys/ioctl.h>
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
	OPT_BUDGET, OPT_BRIEF, OPT_ALL, OPT_TLP, OPT_WIDTH, OPT_JSON,
	OPT_CACHE_ONLY
};

#define BATCH		256
#define INPUT_FILE_MAX	((size_t)256 << 20)
/* Width of a terminal whose size cannot be read. */
#define DEFAULT_WIDTH	80

static const struct cli_opt investigate_opts[] = {
	{ 'f', "file", "FILE", "Read indicators from FILE, one per line "
	    "('-' is stdin); blank lines and lines starting with # are "
	    "skipped." },
	{ OPT_EXTRACT, "extract", NULL, "Treat the input as free text (an "
	    "e-mail, a report, a ticket) and investigate every indicator "
	    "found in it.  Each operand that names a file is read (as "
	    "chousa extract reads it); '-' is stdin; any other operand is "
	    "text itself." },
	{ OPT_FORMAT, "format", "FORMAT", "Report format.  "
	    "@REPORTFORMATS@." },
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
	    "whether the indicator was listed and online then. TIME is a "
	    "date (2024-03-13), a date and time in UTC (2024-03-13 18:49, "
	    "2024-03-13T18:49:10Z, an offset such as +09:00) or Unix "
	    "seconds." },
	{ OPT_OFFLINE, "offline", NULL, "Use the local store only; no "
	    "network connection is made at all." },
	{ OPT_CACHE_ONLY, "cache-only", NULL, "Let the online sources answer "
	    "from the online cache alone (what earlier online runs, a "
	    "colleague's on a team server too, already paid for): no "
	    "network connection, no quota, no key needed.  A source with no "
	    "cached answer is skipped 'not in the online cache', never "
	    "'not listed'; a cached answer is marked cached, with when it "
	    "was fetched.  Not with --offline or --refresh." },
	{ OPT_SOURCES, "sources", "LIST", "Ask only these sources, comma "
	    "separated; 'local' and 'online' name the groups (see chousa "
	    "sources)." },
	{ OPT_EXHAUSTIVE, "exhaustive", NULL, "Ask every source, even once "
	    "the verdict is settled." },
	{ OPT_REFRESH, "refresh", NULL, "Bypass the cache of online "
	    "answers." },
	{ OPT_BRIEF, "brief", NULL, "Print only the triage table: each "
	    "input's verdict, family and strongest evidence, the worst "
	    "first." },
	{ OPT_ALL, "all", NULL, "With --extract, also investigate the "
	    "e-mail's recipients (To:, Cc:) and well-known reference sites "
	    "(CERTs, vulnerability databases, intel services), which are "
	    "otherwise left out and only named in the table." },
	{ OPT_TLP, "tlp", "LEVEL", "Mark the report with a TLP 2.0 level: "
	    "clear, green, amber, amber+strict or red (a banner in text, md "
	    "and html, marking definitions in stix, a tag in misp).  No "
	    "marking without it." },
	{ OPT_WIDTH, "width", "COLUMNS", "Wrap text at COLUMNS (0: never).  "
	    "By default text wraps at the terminal's width (the COLUMNS "
	    "variable, else the terminal's size, else 80), and is not "
	    "wrapped when written to a file or a pipe unless COLUMNS is "
	    "set." },
	{ 0 }
};

/* The inputs, and where each sat in a pasted text. */
struct inputs {
	char	**v;
	int	*context;	/* enum chousa_context */
	char	**field;	/* the e-mail header field, or NULL */
	size_t	 n;
	size_t	 cap;
	size_t	 n_private;	/* left out of the texts */
};

static void
push_ctx(struct inputs *in, const char *s, size_t len, int context,
    const char *field)
{
	char *d;

	if (!cli_input_trim(&s, &len))
		return;
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 64;
		in->v = xrealloc(in->v, in->cap * sizeof(*in->v));
		in->context = xrealloc(in->context, in->cap *
		    sizeof(*in->context));
		in->field = xrealloc(in->field, in->cap * sizeof(*in->field));
	}
	d = xmalloc(len + 1);
	memcpy(d, s, len);
	in->context[in->n] = context;
	in->field[in->n] = NULL;
	if (field != NULL && field[0] != '\0')
		in->field[in->n] = xstrdup(field);
	in->v[in->n++] = d;
}

static void
push(void *in, const char *s, size_t len)
{
	push_ctx(in, s, len, CHOUSA_CTX_BODY, NULL);
}

static int
on_extracted(void *arg, const struct chousa_indicator *ind, int context,
    const char *field)
{
	push_ctx(arg, ind->value, ind->value_len, context, field);
	return 0;
}

static void
extract_into(struct inputs *in, const struct chousa_buf *text)
{
	struct chousa_err err = { 0 };

	if (chousa_triage_extract(text->data, text->len, on_extracted, in,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	in->n_private += cli_private_addresses(text->data, text->len);
}

int
cli_extract_is_file(const char *arg)
{
	struct stat sb;

	return strchr(arg, '\n') == NULL && stat(arg, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode);
}

/* The format of reports called name; a usage error when there is none. */
static const struct chousa_renderer *
report_format(const struct cli_cmd *self, const char *name)
{
	const struct chousa_format *f;
	struct chousa_err err;
	const char *names[32];

	if (chousa_format_find(name) == NULL) {
		chousa_format_names(CHOUSA_RESULT_REPORT, names, 32);
		cli_unknown_name(self, "format", name, names);
	}
	if (chousa_format_get(name, CHOUSA_RESULT_REPORT, &f, &err) !=
	    CHOUSA_OK)
		cli_usage_error(self, "%s", err.msg);
	return f->report;
}

void
cli_investigate_check_sources(const struct cli_cmd *self, const char *list)
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

int
cli_text_width(int asked)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	long cols = 0;
	char *end;

	if (asked >= 0)
		return asked;
	if (env != NULL && *env != '\0') {
		cols = strtol(env, &end, 10);
		if (*end != '\0' || cols < 20 || cols > 1000)
			cols = 0;
	}
	if (cols > 0)
		return (int)cols;
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return DEFAULT_WIDTH;
}

/* ---- the reports, in the order of the batch (src/render/batch.c) ---- */

/* The batch's output goes to stdout; a failed write ends the process. */
static int
write_out(void *arg, const char *data, size_t len, struct chousa_err *err)
{
	struct chousa_buf b;

	(void)arg;
	(void)err;
	memset(&b, 0, sizeof(b));
	b.data = (char *)data;	/* only read */
	b.len = len;
	cli_write(&b);
	return CHOUSA_OK;
}

/* What the loop over the reports needs besides the reports. */
struct run {
	struct chousa_batch	*batch;
	int			 brief;
	size_t			 next_left_out;	/* inputs added so far */
};

/* The left-out inputs before input index until, into the table. */
static void
add_left_out(struct run *run, const struct inputs *in, const char *left_out,
    size_t until)
{
	struct chousa_err err = { 0 };

	for (; run->next_left_out < until; run->next_left_out++) {
		size_t i = run->next_left_out;

		if (left_out[i] && chousa_batch_leave_out(run->batch, in->v[i],
		    in->context[i], in->field[i], &err) != CHOUSA_OK)
			cli_die_err(&err);
	}
}

/* One finished report: what -v and the warnings say, then the batch. */
static void
take_report(struct run *run, const struct inputs *in, const char *left_out,
    size_t index, const struct chousa_report *rep)
{
	struct chousa_err err = { 0 };

	if (g_opt.verbose)
		say_unreadable(rep);
	if (rep->parse_rc != CHOUSA_OK)
		cli_warn("%s", rep->parse_error);
	add_left_out(run, in, left_out, index);
	run->next_left_out = index + 1;
	if (chousa_batch_add(run->batch, rep, in->context[index],
	    in->field[index], &err) != CHOUSA_OK)
		cli_die_err(&err);
}

/* ---- the steps of a run ---- */

/* The options that are neither investigation nor rendering options. */
struct args {
	const char	*file;		/* -f FILE, or NULL */
	const char	*format;
	const char	*output;	/* -o FILE, or NULL: stdout */
	int		 extract;
	int		 all;
	int		 width;		/* --width, or -1 */
};

long
cli_investigate_number(const struct cli_cmd *self, const char *name,
    const char *arg)
{
	if (strcmp(name, "depth") == 0)
		return cli_number_arg(self, name, arg, 0, 5);
	if (strcmp(name, "max-samples") == 0)
		return cli_number_arg(self, name, arg, 1, 100);
	return cli_number_arg(self, name, arg, 1, 100000);
}

int64_t
cli_investigate_at(const struct cli_cmd *self, const char *arg)
{
	int64_t at;

	if (chousa_time_parse(arg, strlen(arg), &at) != CHOUSA_OK)
		cli_usage_error(self, "--at: cannot read '%s' as a time: give "
		    "a date such as 2024-03-13, 2024-03-13 18:49[:10] (UTC), "
		    "2024-03-13T18:49:10Z or Unix seconds", arg);
	return at;
}

void
cli_investigate_check_cache_only(const struct cli_cmd *self,
    int cache_only, int offline, int refresh)
{
	/* --offline reads the store alone; --refresh asks the services. */
	if (cache_only && (offline || refresh))
		cli_usage_error(self, "--cache-only reads the online cache "
		    "without a connection: not with --%s",
		    offline ? "offline" : "refresh");
}

static void
parse_options(const struct cli_cmd *self, int argc, char **argv,
    struct args *args, struct chousa_investigate_opts *io,
    struct chousa_render_opts *ro, struct run *run)
{
	const char *arg;
	int c;

	args->format = "text";
	args->width = -1;
	ro->defang = 1;
	for (;;) {
		c = cli_getopt(self, argc, argv, &arg);
		if (c == -1)
			break;
		switch (c) {
		case 'f':		args->file = arg; break;
		case 'o':		args->output = arg; break;
		case OPT_EXTRACT:	args->extract = 1; break;
		case OPT_FORMAT:	args->format = arg; break;
		case OPT_JSON:		args->format = "json"; break;
		case OPT_NO_DEFANG:	ro->defang = 0; break;
		case OPT_DEPTH:
			io->depth = (int)cli_investigate_number(self, "depth",
			    arg);
			if (io->depth == 0)
				io->depth = -1;
			break;
		case OPT_MAX_SAMPLES:
			io->max_samples = (int)cli_investigate_number(self,
			    "max-samples", arg);
			break;
		case OPT_BUDGET:
			io->budget = (int)cli_investigate_number(self,
			    "budget", arg);
			break;
		case OPT_AT:
			io->at = cli_investigate_at(self, arg);
			break;
		case OPT_OFFLINE:	io->offline = 1; break;
		case OPT_CACHE_ONLY:	io->cache_only = 1; break;
		case OPT_SOURCES:	io->sources = arg; break;
		case OPT_EXHAUSTIVE:	io->exhaustive = 1; break;
		case OPT_REFRESH:	io->refresh = 1; break;
		case OPT_BRIEF:		run->brief = 1; break;
		case OPT_ALL:		args->all = 1; break;
		case OPT_TLP:
			ro->tlp = chousa_tlp_level(arg);
			if (ro->tlp == NULL)
				cli_usage_error(self, "--tlp: unknown level "
				    "'%s' (clear, green, amber, amber+strict "
				    "or red)", arg);
			break;
		case OPT_WIDTH:
			args->width = (int)cli_number_arg(self, "width", arg,
			    0, 1000);
			break;
		}
	}
	cli_investigate_check_cache_only(self, io->cache_only, io->offline,
	    io->refresh);
}

/* A file (or '-', stdin) of inputs: lines, or text to extract from. */
static void
read_inputs(struct inputs *in, const char *path, int extract)
{
	struct chousa_buf b;

	cli_read_file(path, &b, INPUT_FILE_MAX);
	if (extract)
		extract_into(in, &b);
	else
		cli_each_line(&b, push, in);
	chousa_buf_release(&b);
}

/*
 * The inputs from -f, the operands and stdin.  With --extract, an operand
 * that names a file is read, and any other is text; the texts are
 * extracted from together.
 */
static void
gather_inputs(struct inputs *in, const struct args *args, int argc,
    char **argv)
{
	struct chousa_buf text;
	const char *not_a_file = NULL;
	size_t i;

	chousa_buf_init(&text, INPUT_FILE_MAX);
	if (args->file != NULL)
		read_inputs(in, args->file, args->extract);
	for (i = (size_t)cli_optind; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "-") == 0)
			read_inputs(in, "-", args->extract);
		else if (args->extract && cli_extract_is_file(argv[i]))
			read_inputs(in, argv[i], 1);
		else if (args->extract) {
			if (strpbrk(argv[i], " \t\n") == NULL)
				not_a_file = argv[i];
			chousa_buf_adds(&text, argv[i]);
			chousa_buf_addch(&text, '\n');
		} else
			push(in, argv[i], strlen(argv[i]));
	}
	if (args->file == NULL && cli_optind >= argc)
		read_inputs(in, "-", args->extract);
	if (text.len > 0)
		extract_into(in, &text);
	chousa_buf_release(&text);
	if (in->n == 0)
		cli_private_left_out(in->n_private);
	if (in->n == 0 && not_a_file != NULL)
		cli_die(EXIT_BADINPUT, "no indicator to investigate: there is "
		    "no file '%s', so it was read as text", not_a_file);
	if (in->n == 0)
		cli_die(EXIT_BADINPUT, "no indicator to investigate");
}

static void
release_inputs(struct inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		free(in->v[i]);
		free(in->field[i]);
	}
	free(in->v);
	free(in->field);
	free(in->context);
}

/*
 * The store: a missing one leaves the online sources (the local ones then
 * say error, never miss); one that cannot be read is an error of its own.
 */
static void
open_context(struct chousa_ctx **ctx, struct chousa_store **st,
    struct chousa_config **cfg, const struct chousa_investigate_opts *io)
{
	struct chousa_err err = { 0 };

	*cfg = cli_load_config();
	if (!io->offline && !io->cache_only && chousa_http_insecure(*cfg))
		cli_warn("warning: TLS verification is off");
	if (access(cli_db_path(), F_OK) != 0)
		cli_warn("no store at '%s': local sources will fail (run "
		    "chousa update or chousa import)", cli_db_path());
	else if (chousa_store_open_wait(st, cli_db_path(),
	    CHOUSA_STORE_READONLY, cli_store_wait_ms(), &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (chousa_ctx_new(ctx, *st, *cfg, io, &err) != CHOUSA_OK) {
		if (err.code == CHOUSA_ENOTFOUND)
			cli_die(EXIT_BADINPUT, "%s", err.msg);
		cli_die_err(&err);
	}
}

/* Where the report goes, and the render options that depend on it. */
static void
open_output(const struct args *args, struct chousa_render_opts *ro)
{
	/* A path that cannot be written is the user's to mend: status 3. */
	if (args->output != NULL && freopen(args->output, "w", stdout) ==
	    NULL)
		cli_die(EXIT_BADINPUT, "cannot write the report to '%s': %s",
		    args->output, strerror(errno));
	ro->color = args->output == NULL &&
	    strcmp(args->format, "text") == 0 && cli_use_color(stdout);
	ro->verbose = g_opt.verbose > 0;
	ro->width = args->output == NULL ? cli_text_width(args->width) :
	    args->width > 0 ? args->width : 0;
}

/*
 * What is left out: in a pasted text, the recipients of an e-mail and the
 * reference sites an alert cites, unless --all.  Fills left_out (one flag
 * an input) and which (the indices of the others); returns their number.
 */
static size_t
choose_inputs(const struct inputs *in, const struct args *args,
    char **left_out, size_t **which)
{
	size_t i, n_which = 0;

	*left_out = xmalloc(in->n ? in->n : 1);
	*which = xmalloc((in->n ? in->n : 1) * sizeof(**which));
	for (i = 0; i < in->n; i++) {
		(*left_out)[i] = args->extract &&
		    chousa_triage_left_out(in->context[i], args->all);
		if (!(*left_out)[i])
			(*which)[n_which++] = i;
	}
	return n_which;
}

/*
 * The batch that orders the output; with a table, the reports wait in a
 * temporary file so that memory stays flat over a long list.
 */
static void
start_output(struct run *run, const struct chousa_renderer *renderer,
    const struct inputs *in, const struct args *args,
    const struct chousa_render_opts *ro)
{
	struct chousa_batch_opts bo;
	struct chousa_err err = { 0 };

	memset(&bo, 0, sizeof(bo));
	bo.renderer = renderer;
	bo.render = *ro;
	bo.n_inputs = in->n;
	bo.brief = run->brief;
	bo.from_text = args->extract;
	bo.spool_file = 1;
	bo.write = write_out;
	if (chousa_batch_new(&run->batch, &bo, &err) != CHOUSA_OK)
		cli_die_err(&err);
}

/* Investigates the chosen inputs in batches, with progress. */
static void
investigate_batches(struct chousa_ctx *ctx, struct run *run,
    const struct inputs *in, const char *left_out, const size_t *which,
    size_t n_which)
{
	struct chousa_err err = { 0 };
	struct chousa_batch_summary sum;
	struct chousa_report *reps;
	struct cli_progress prog;
	const char **batch;
	size_t i, k, batch_size = BATCH;

	cli_progress_init(&prog, "investigating");
	prog.unit = "indicators";
	/* About twenty steps of progress, in batches that still share. */
	if (prog.active && n_which > 1) {
		batch_size = n_which / 20;
		batch_size = batch_size < 16 ? 16 : batch_size > BATCH ?
		    BATCH : batch_size;
		cli_progress_update(&prog, 0, n_which);
	}
	chousa_batch_summary(run->batch, &sum);
	batch = xmalloc(batch_size * sizeof(*batch));
	for (i = 0; i < n_which; i += batch_size) {
		size_t n = n_which - i < batch_size ? n_which - i : batch_size;

		for (k = 0; k < n; k++)
			batch[k] = in->v[which[i + k]];
		if (chousa_investigate(ctx, batch, n, &reps, &err) !=
		    CHOUSA_OK)
			cli_die_err(&err);
		/* Output to the same terminal clears the bar first. */
		if (sum.streaming)
			cli_progress_end(&prog);
		for (k = 0; k < n; k++)
			take_report(run, in, left_out, which[i + k],
			    &reps[k]);
		if (chousa_ctx_reset(ctx, &err) != CHOUSA_OK)
			cli_die_err(&err);
		cli_progress_update(&prog, i + n, n_which);
	}
	cli_progress_end(&prog);
	free(batch);
}

static int
run_investigate(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_investigate_opts io;
	struct chousa_render_opts ro;
	struct chousa_store *st = NULL;
	struct chousa_config *cfg;
	struct chousa_ctx *ctx;
	struct chousa_batch_summary sum;
	struct chousa_err err = { 0 };
	struct inputs in = { 0 };
	struct args args = { 0 };
	struct run run;
	const struct chousa_renderer *renderer;
	char *left_out;
	size_t *which, n_which;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);

	memset(&run, 0, sizeof(run));
	memset(&io, 0, sizeof(io));
	memset(&ro, 0, sizeof(ro));
	parse_options(self, argc, argv, &args, &io, &ro, &run);
	renderer = report_format(self, args.format);
	if (io.sources != NULL)
		cli_investigate_check_sources(self, io.sources);
	if (args.file == NULL && cli_optind >= argc && isatty(STDIN_FILENO))
		cli_no_input(self);

	gather_inputs(&in, &args, argc, argv);
	open_context(&ctx, &st, &cfg, &io);
	open_output(&args, &ro);
	n_which = choose_inputs(&in, &args, &left_out, &which);
	start_output(&run, renderer, &in, &args, &ro);
	investigate_batches(ctx, &run, &in, left_out, which, n_which);
	add_left_out(&run, &in, left_out, in.n);
	if (chousa_batch_finish(run.batch, &err) != CHOUSA_OK)
		cli_die_err(&err);
	cli_flush();

	chousa_batch_summary(run.batch, &sum);
	chousa_batch_free(run.batch);
	chousa_ctx_free(ctx);
	chousa_config_free(cfg);
	chousa_store_close(st);
	release_inputs(&in);
	free(left_out);
	free(which);
	if (n_which < in.n && !sum.table) {
		char note[160];

		chousa_triage_left_out_note(note, sizeof(note), in.n - n_which);
		cli_warn("%s", note);
	}
	/*
	 * An input that is no indicator outranks what was found, as in
	 * `chousa lookup`: the answer did not cover every input.
	 */
	return chousa_lookup_status(chousa_batch_status(&sum), sum.bad ?
	    EXIT_BADINPUT : EXIT_CLEAN);
}

const struct cli_cmd cmd_investigate = {
	"investigate", "Find out what caused a communication, with evidence",
	"[OPTIONS] [INDICATOR...]",
	"Investigate each indicator (IP, domain, URL or file hash, defanged "
	"or not; one host written as a single-host CIDR, 1.2.3.4/32 or "
	"2001:db8::1/128, or with a port, 1.2.3.4:8080 or [2001:db8::1]:443, "
	"is that address, the report naming it as given) in three stages: "
	"reputation (who lists it), identification "
	"(which samples and family are tied to it, through its host, its "
	"registrable domain and what sources relate to it) and enrichment "
	"(what the top samples and the family are).  The report ends with a "
	"verdict (malicious, suspicious, benign or unknown; never 'clean'), "
	"the family with a confidence, and a conclusion that names the "
	"evidence of every hop.\n\n"
	"Without arguments or -f, indicators are read from stdin, one per "
	"line (on a terminal, the usage is printed instead).  Every look-up has a status: hit, miss, skipped (with why) "
	"or error (with the message); a failing source never stops the "
	"investigation.  Misses fold into one line and skipped look-ups into "
	"one count; -v lists them.  chousa never contacts the indicator "
	"itself: no DNS look-up, no fetch.\n\n"
	"More than one input starts with a triage table, the worst first "
	"(verdict, indicator, family with its confidence, strongest "
	"evidence), and the reports follow in its order; --brief prints the "
	"table alone.  With --extract, one overall line sums the text up, an "
	"e-mail's own header fields rank after its body, and its recipients "
	"and well-known reference sites are left out (--all keeps them), "
	"and so are private, loopback and reserved addresses (named as an "
	"operand without --extract, one is investigated); a text with "
	"nothing else says how many.  "
	"Each report shows what the store lists around the input (every URL "
	"on its host with the count, the ports feeds give, each record's own "
	"page; what a CIDR holds; an e-mail address's domain) and ends with "
	"next steps: ready-made commands to sweep logs for it and its "
	"family and to investigate its top sample and related "
	"infrastructure.  Text wraps at the terminal's width.\n\n"
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
	"source has a key) and may ask Malpedia (no --sources, or one that "
	"includes malpedia), Malpedia's public family list is fetched once "
	"([feeds] malpedia_url, else the malpedia base URL) and cached for a "
	"week, and the notes say so; otherwise a list cached earlier, else a "
	"built-in alias list, stands in.\n\n"
	"Online answers are cached in the store (chousa cache).  "
	"--cache-only shows what the cache already knows without spending "
	"anything: each online source answers from it as an online run "
	"would (an answer past its ttl is not used, and the reason says "
	"when it was fetched), or is skipped 'not in the online cache'.\n\n"
	"Exit status: 0 when nothing is malicious or suspicious, 1 when "
	"something is, 2 for an unknown format or source name, 3 when an "
	"input is not an indicator (even when another is malicious), 4 when "
	"sources failed and no answer could be given.",
	investigate_opts, run_investigate,
	"chousa investigate 'www[.]dnautik[.]com'\n"
	"chousa investigate --format json -f iocs.txt > report.jsonl\n"
	"chousa investigate --extract --brief phishing-mail.eml\n"
	"chousa investigate --cache-only 'www[.]dnautik[.]com'\n"
	"chousa investigate --format md --tlp amber -f iocs.txt > ticket.md\n"
	"chousa investigate --at '2024-03-13 18:49' 162.243.103.246",
	NULL,
	NULL
};
