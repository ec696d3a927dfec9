/*
 * cmd-sweep.c: `chousa sweep FILE...`: find every line of logs and
 * captures that names known-bad infrastructure in the local store.  Hits
 * go to stdout one per line (text, JSON lines or CSV) so that they pipe;
 * the summary by internal host and by family goes to stderr.  With
 * --investigate the distinct indicators hit are investigated afterwards
 * and their conclusions printed after the hits.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum {
	OPT_FORMAT = 256, OPT_JSON, OPT_CSV, OPT_THREADS, OPT_INVESTIGATE,
	OPT_AS_OF, OPT_WINDOW, OPT_NO_BENIGN, OPT_OFFLINE, OPT_MAX_LINE,
	OPT_INTERNAL
};

static const struct cli_opt sweep_opts[] = {
	{ OPT_FORMAT, "format", "NAME", "The log format.  Input compressed "
	    "with gzip, bzip2, xz or zstd is read as import reads it; each "
	    "regular file of a zip or tar (plain or compressed) is swept as a "
	    "file of its own, named ARCHIVE:MEMBER, its format detected by "
	    "itself.  auto: detected from the first lines (the default).  "
	    "@LOGFORMATS@." },
	{ OPT_INTERNAL, "internal", "CIDR,...", "Address ranges that are "
	    "internal besides the private ones (10/8, 172.16/12, 192.168/16, "
	    "100.64/10, loopback, link-local, fc00::/7).  A hit's internal "
	    "host is the end of the flow inside them; when both or neither "
	    "are, the end that is not listed, else the client.  All hits of "
	    "one line show the same two sides." },
	{ OPT_JSON, "json", NULL, "Print hits as JSON lines with the keys "
	    "time, file, line, src, dst, indicator, type, match, observed, "
	    "sources (an array) and family (null when none is known); the "
	    "last line is {\"summary\": {...}} with the counts of the text "
	    "summary.  docs/json.md gives each key's type." },
	{ OPT_CSV, "csv", NULL, "Print hits as CSV with a header row." },
	{ OPT_THREADS, "threads", "N", "Sweep a plain file with N threads "
	    "(default: the number of cores).  Standard input, gzip and "
	    "captures are read on one thread." },
	{ OPT_INVESTIGATE, "investigate", NULL, "After the sweep, "
	    "investigate each distinct indicator that was hit and print its "
	    "verdict and conclusion." },
	{ OPT_OFFLINE, "offline", NULL, "With --investigate: use the local "
	    "store only, make no network connection." },
	{ OPT_AS_OF, "as-of-log-time", NULL, "Count a hit only if the "
	    "indicator was listed around the time of the log line (see "
	    "--window); indicators with no dates (those of import list) "
	    "always count." },
	{ OPT_WINDOW, "window", "DAYS", "With --as-of-log-time: how many "
	    "days before the first and after the last sighting still count "
	    "(default 30)." },
	{ OPT_NO_BENIGN, "no-benign-filter", NULL, "Report the hits "
	    "suppressed by default: a listed domain or address that a "
	    "known-benign list names itself (an address: or a range holding "
	    "it), a listed parent or range where a benign list covers the "
	    "host seen, and what chousa's own lists call a shared platform's "
	    "host (github.com, not a tenant's evil.github.io) or a public "
	    "resolver (8.8.8.8).  A listed URL, and a listed subdomain of a "
	    "benign domain, are always reported." },
	{ OPT_MAX_LINE, "max-line", "BYTES", "Skip lines longer than BYTES "
	    "as malformed (default 16 MiB)." },
	{ 0 }
};

struct sweep_out {
	const char			*format;	/* text, json or csv */
	const struct chousa_result_hooks *fmt;	/* its hooks */
	struct chousa_buf		 b;
	struct chousa_tally		 hosts, families, indicators;
	struct chousa_sweep_summary	 sum;	/* summed over the files */
	int				 color;	/* text on a terminal */
};

static int
on_hit(void *arg, const struct chousa_hit *h)
{
	struct sweep_out *o = arg;
	const char *family = h->family[0] ? h->family : "(unknown)";

	o->sum.hits++;
	o->fmt->sweep_hit(&o->b, h, o->color);
	if (o->b.len > (1 << 16)) {
		cli_write(&o->b);
		chousa_buf_reset(&o->b);
	}
	if (chousa_tally_add(&o->hosts, h->src.p, h->src.len) != CHOUSA_OK ||
	    chousa_tally_add(&o->families, family, strlen(family)) !=
	    CHOUSA_OK || chousa_tally_add(&o->indicators, h->indicator,
	    strlen(h->indicator)) != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory");
	return 0;
}

static void
on_malformed(void *arg, const char *file, uint64_t line, const char *why,
    const char *text, size_t len)
{
	struct chousa_buf b;

	(void)arg;
	chousa_buf_init(&b, 4096);
	chousa_esc_text(&b, text, len);
	cli_warn("%s:%llu: %s: %s", file, (unsigned long long)line, why,
	    b.data);
	chousa_buf_release(&b);
}

/* The summary after the hits, in a format that has one on stdout. */
static void
stdout_summary(struct sweep_out *o, double secs)
{
	if (o->fmt->sweep_summary == NULL)
		return;
	o->sum.seconds = secs;
	o->fmt->sweep_summary(&o->b, &o->sum);
	cli_write(&o->b);
	chousa_buf_reset(&o->b);
}

/* The counts on stderr, and the 20 most seen hosts and families. */
static void
print_summary(struct sweep_out *o, double secs)
{
	const struct {
		const char		*label;
		struct chousa_tally	*t;
	} parts[] = {
		{ "by internal host", &o->hosts },
		{ "by family", &o->families },
	};
	const struct chousa_count *top;
	struct chousa_buf b;
	size_t p;

	if (g_opt.quiet)
		return;
	o->sum.seconds = secs;
	chousa_buf_init(&b, 0);
	chousa_sweep_summary_text(&b, &o->sum);
	for (p = 0; o->sum.hits > 0 && p < 2; p++) {
		top = chousa_tally_sorted(parts[p].t);
		if (top == NULL)
			cli_die(EXIT_INTERNAL, "out of memory");
		chousa_sweep_counts_text(&b, parts[p].label, top,
		    parts[p].t->n < 20 ? parts[p].t->n : 20, parts[p].t->n);
	}
	fputs(b.data, stderr);
	chousa_buf_release(&b);
}

static void
investigate_hits(struct chousa_store *st, struct sweep_out *o, int offline)
{
	struct chousa_investigate_opts io;
	struct chousa_ctx *ctx = NULL;
	struct chousa_report *reps = NULL;
	struct chousa_config *cfg;
	struct chousa_err err;
	struct chousa_buf b;
	const struct chousa_count *c;
	const char **in;
	size_t i;

	if (o->indicators.n == 0)
		return;
	memset(&io, 0, sizeof(io));
	io.offline = offline;
	cfg = cli_load_config();
	if (chousa_ctx_new(&ctx, st, cfg, &io, &err) != CHOUSA_OK) {
		chousa_config_free(cfg);
		cli_die_err(&err);
	}
	c = chousa_tally_sorted(&o->indicators);
	if (c == NULL)
		cli_die(EXIT_INTERNAL, "out of memory");
	in = xmalloc(o->indicators.n * sizeof(*in));
	for (i = 0; i < o->indicators.n; i++)
		in[i] = c[i].name;
	if (chousa_investigate(ctx, in, o->indicators.n, &reps, &err) !=
	    CHOUSA_OK) {
		chousa_ctx_free(ctx);
		chousa_config_free(cfg);
		cli_die_err(&err);
	}
	chousa_buf_init(&b, 0);
	for (i = 0; i < o->indicators.n; i++)
		o->fmt->sweep_investigation(&b, &reps[i], c[i].n);
	cli_write(&b);
	chousa_buf_release(&b);
	free(in);
	chousa_ctx_free(ctx);
	chousa_config_free(cfg);
}

/* ---- the steps of a run ---- */

/* The options that are neither sweep options nor output state. */
struct args {
	int	 investigate;
	int	 offline;
	long	 window;	/* days */
};

static void
parse_options(const struct cli_cmd *self, int argc, char **argv,
    struct chousa_sweep_opts *so, struct sweep_out *out, struct args *args)
{
	struct chousa_err err;
	const char *arg;
	char *end;
	int c;

	args->window = 30;
	out->format = "text";
	for (;;) {
		c = cli_getopt(self, argc, argv, &arg);
		if (c == -1)
			break;
		switch (c) {
		case OPT_FORMAT:
			so->format = arg;
			break;
		case OPT_JSON:
			out->format = "json";
			break;
		case OPT_CSV:
			out->format = "csv";
			break;
		case OPT_THREADS:
			so->threads = (int)cli_number_arg(self, "threads",
			    arg, 1, 64);
			break;
		case OPT_INVESTIGATE:
			args->investigate = 1;
			break;
		case OPT_OFFLINE:
			args->offline = 1;
			break;
		case OPT_AS_OF:
			so->as_of_log_time = 1;
			out->sum.as_of_log_time = 1;
			break;
		case OPT_WINDOW:
			args->window = cli_number_arg(self, "window", arg, 0,
			    36500);
			break;
		case OPT_NO_BENIGN:
			so->no_benign_filter = 1;
			break;
		case OPT_INTERNAL:
			if (chousa_sweep_check_internal(arg, &err) != CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			so->internal = arg;
			break;
		case OPT_MAX_LINE:
			so->max_line = (size_t)strtoull(arg, &end, 10);
			if (*end != '\0' || so->max_line < 64)
				cli_usage_error(self, "--max-line needs a "
				    "number of bytes (at least 64)");
			break;
		}
	}
}

/* A --format other than auto must be one the sweep knows. */
static void
check_format(const struct cli_cmd *self, const char *format)
{
	const char *const *names = chousa_sweep_format_names();
	size_t i;

	if (format == NULL || strcmp(format, "auto") == 0)
		return;
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], format) == 0)
			return;
	cli_unknown_name(self, "format", format, names);
}

static struct chousa_matcher *
build_matcher(struct chousa_store *st)
{
	struct chousa_matcher *m = NULL;
	struct chousa_matcher_stats ms;
	struct chousa_err err;

	if (chousa_matcher_from_store(&m, st, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_matcher_stats(m, &ms);
	if (g_opt.verbose)
		cli_info("matcher: %llu ipv4, %llu ipv6, %llu cidr, %llu "
		    "domains, %llu urls, %llu hashes, %llu benign, %.1f MB, "
		    "built in %.2f s", (unsigned long long)ms.n_ipv4,
		    (unsigned long long)ms.n_ipv6,
		    (unsigned long long)ms.n_cidr,
		    (unsigned long long)ms.n_domain,
		    (unsigned long long)ms.n_url,
		    (unsigned long long)ms.n_hash,
		    (unsigned long long)ms.n_benign,
		    (double)ms.memory / 1e6, ms.build_seconds);
	return m;
}

/*
 * One file swept, or one member of an archive: counted into out, and
 * what was left out said.  A file that cannot be read does not stop the
 * others (it is counted and said); running out of memory does.
 */
static void
file_done(struct sweep_out *out, const char *path, int rc,
    const struct chousa_sweep_stats *ss, const struct chousa_err *err)
{
	const char *unit;	/* what ss->lines counts */

	out->sum.files++;
	out->sum.lines += ss->lines;
	out->sum.bytes += ss->bytes;
	out->sum.malformed += ss->malformed;
	out->sum.benign_suppressed += ss->benign_suppressed;
	out->sum.shared_suppressed += ss->shared_suppressed;
	out->sum.resolver_suppressed += ss->resolver_suppressed;
	out->sum.time_suppressed += ss->time_suppressed;
	if (rc != CHOUSA_OK) {
		if (rc != CHOUSA_EIO && rc != CHOUSA_EFORMAT)
			cli_die_err(err);
		cli_warn("%s", err->msg);
		out->sum.unreadable++;
		return;
	}
	unit = chousa_sweep_format_unit(ss->format);
	out->sum.incomplete += ss->truncated != 0;
	if (ss->truncated)
		cli_warn("%s: %s; the %llu %s read were swept", path,
		    ss->warning, (unsigned long long)ss->lines, unit);
	if (ss->malformed > 0 && !g_opt.quiet)
		cli_warn("%s: %llu malformed %s skipped%s", path,
		    (unsigned long long)ss->malformed, unit,
		    g_opt.verbose ? "" : " (-v shows the first)");
	if (g_opt.verbose)
		cli_info("%s: format %s, %llu %s, %llu records, %llu hits "
		    "on %llu %s, %llu benign suppressed, %llu outside the "
		    "time window, %d threads", path, ss->format,
		    (unsigned long long)ss->lines, unit,
		    (unsigned long long)ss->records,
		    (unsigned long long)ss->hits,
		    (unsigned long long)ss->hit_lines, unit,
		    (unsigned long long)ss->benign_suppressed,
		    (unsigned long long)ss->time_suppressed, ss->threads);
}

/* Each member of a zip or tar is a file of its own. */
static void
on_member(void *arg, const char *file, int rc,
    const struct chousa_sweep_stats *st, const struct chousa_err *err)
{
	file_done(arg, file, rc, st, err);
}

/* Sweeps one file (or each member of an archive) into out. */
static void
sweep_one(struct chousa_matcher *m, const char *path,
    const struct chousa_sweep_opts *so, struct sweep_out *out)
{
	struct chousa_sweep_opts o = *so;	/* with this file's progress */
	struct chousa_sweep_stats ss;
	struct cli_progress prog;
	struct chousa_err err;
	uint64_t incomplete = out->sum.incomplete;
	int rc;

	cli_progress_init(&prog, path);
	o.progress = cli_progress_update;
	o.progress_arg = &prog;
	o.member = on_member;
	o.member_arg = out;
	rc = chousa_sweep_file(m, path, &o, on_hit, out, &ss, &err);
	cli_progress_end(&prog);
	if (ss.members == 0) {
		file_done(out, path, rc, &ss, &err);
		return;
	}
	if (rc != CHOUSA_OK) {
		if (rc != CHOUSA_EIO && rc != CHOUSA_EFORMAT)
			cli_die_err(&err);
		cli_warn("%s", err.msg);
		out->sum.unreadable++;
		return;
	}
	/* Damage between two members: no member said it. */
	if (ss.truncated && out->sum.incomplete == incomplete) {
		out->sum.incomplete++;
		cli_warn("%s: %s; the %llu members before it were swept", path,
		    ss.warning, (unsigned long long)ss.members);
	}
	if (ss.members_skipped > 0)
		cli_warn("%s: %llu members that are no regular file (links, "
		    "devices) skipped", path,
		    (unsigned long long)ss.members_skipped);
}

static int
run_sweep(const struct cli_cmd *self, int argc, char **argv)
{
	const struct chousa_format *f;
	struct chousa_sweep_opts so;
	struct chousa_err err;
	struct chousa_matcher *m;
	struct chousa_store *st;
	struct sweep_out out;
	struct args args = { 0 };
	int i;
	double t0;

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);
	memset(&so, 0, sizeof(so));
	memset(&out, 0, sizeof(out));
	parse_options(self, argc, argv, &so, &out, &args);
	if (cli_optind >= argc)
		cli_usage_error(self, "no file to sweep (use - for stdin)");
	check_format(self, so.format);
	if (chousa_format_get(out.format, CHOUSA_RESULT_SWEEP, &f, &err) !=
	    CHOUSA_OK)
		cli_die_err(&err);
	out.fmt = f->results;
	so.window = (int64_t)args.window * 86400;
	if (g_opt.verbose) {
		so.malformed = on_malformed;
		so.max_malformed = 5;
	}
	st = cli_open_store(CHOUSA_STORE_READONLY);
	m = build_matcher(st);
	chousa_buf_init(&out.b, 0);
	out.color = strcmp(out.format, "text") == 0 && cli_use_color(stdout);
	if (out.fmt->sweep_begin != NULL)
		out.fmt->sweep_begin(&out.b);
	t0 = chousa_monotonic();
	for (i = cli_optind; i < argc; i++)
		sweep_one(m, argv[i], &so, &out);
	cli_write(&out.b);
	chousa_buf_reset(&out.b);
	if (!args.investigate)
		stdout_summary(&out, chousa_monotonic() - t0);
	cli_flush();
	print_summary(&out, chousa_monotonic() - t0);
	if (args.investigate)
		investigate_hits(st, &out, args.offline);
	if (args.investigate)
		stdout_summary(&out, chousa_monotonic() - t0);
	cli_flush();
	chousa_buf_release(&out.b);
	chousa_tally_free(&out.hosts);
	chousa_tally_free(&out.families);
	chousa_tally_free(&out.indicators);
	chousa_matcher_free(m);
	chousa_store_close(st);
	return chousa_sweep_exit_status(&out.sum);
}

const struct cli_cmd cmd_sweep = {
	"sweep", "Find known-bad infrastructure in logs and captures",
	"[--format NAME] [--json|--csv] [--investigate] FILE...|-",
	"Sweep logs and captures against the local store: every line's "
	"addresses, domains, URLs and file hashes are looked up where the "
	"format really shows them (a Zeek http.log URL is rebuilt from host "
	"and uri), exactly and by parent domain, CIDR range or URL host.  "
	"--format lists the formats.  Captures are decoded through VLAN, "
	"QinQ, MPLS, PPPoE, Linux cooked, NFLOG, raw IP, 802.11/radiotap and "
	"loopback link layers and the GRE, ERSPAN, VXLAN, Geneve, Teredo, "
	"GTP-U and L2TP tunnels, inner and outer addresses both looked up; "
	"DNS over UDP and TCP, HTTP Host and target, and the TLS server name "
	"over TCP and in QUIC's Initial packets (decrypted with libcrypto, "
	"when it is installed).  Compressed input (gzip, bzip2, xz, zstd) is "
	"read transparently, and every file of a zip or tar.\n\n"
	"Each hit is one line on stdout: time, file:line, internal host, "
	"remote side, indicator, match kind (exact, parent, cidr, url, host), "
	"sources and family, tab separated.  A summary on stderr says how many "
	"hits known-benign lists suppressed, then counts by internal host and "
	"by family.  Malformed lines are counted and skipped; a truncated "
	"compressed file or capture is reported, counted as incomplete in "
	"the summary, and what was read is kept; one of which nothing at all "
	"could be read is unreadable.  A capture chousa cannot read or decode "
	"at all is an error that names why.  Exit status: 1 when anything "
	"matched, 0 when nothing did, 3 when an input cannot be read, or "
	"when nothing matched and an input was read only in part.",
	sweep_opts, run_sweep,
	"chousa sweep /var/log/zeek/current/*.log\n"
	"chousa sweep --json eve.json.gz | "
	    "jq 'select(.indicator) | .indicator'\n"
	"chousa sweep --internal 198.51.100.0/24 capture.pcapng\n"
	"chousa sweep --investigate --offline http.log",
	NULL,
	NULL
};
