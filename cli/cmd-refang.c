/*
 * cmd-refang.c: `chousa refang` and `chousa defang`, text filters.  Refang
 * undoes every defang style, but only inside what reads as an indicator;
 * defang writes each indicator of the text in the hxxp/[.] style that is
 * safe to share.  Both take their text as arguments (one line each) or
 * read standard input line by line.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A line of stdin longer than this is left out (exit 3), as the feed
 * importers do (INPUT_LINE_MAX): memory stays bounded. */
#define FILTER_LINE_MAX	(1 << 20)

static const struct cli_opt no_opts[] = {
	{ 0 }
};

static void
one_line(struct chousa_extractor *x, const char *s, size_t len,
    struct chousa_buf *out)
{
	struct chousa_err err;
	int rc;

	if (x == NULL)
		rc = chousa_ioc_refang(out, s, len, &err);
	else
		rc = chousa_ioc_defang_text(x, out, s, len, &err);
	if (rc != CHOUSA_OK)
		cli_die_err(&err);
}

static int
run_filter(const struct cli_cmd *self, int argc, char **argv, int defang)
{
	struct chousa_extract_opts xo = { 0, 0, 1 };
	struct chousa_extractor *x = NULL;
	struct chousa_err err;
	struct chousa_buf out;
	const char *arg;
	char *line;
	unsigned long lineno = 0;
	size_t n, mark;
	int i, status = EXIT_CLEAN, ch;

	while (cli_getopt(self, argc, argv, &arg) != -1)
		;
	if (defang && chousa_extractor_new(&x, &xo, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_buf_init(&out, 0);
	for (i = cli_optind; i < argc; i++) {
		mark = out.len;
		one_line(x, argv[i], strlen(argv[i]), &out);
		chousa_buf_addch(&out, '\n');
		if (g_opt.json)
			cli_json_lines(&out, mark);
	}
	if (cli_optind >= argc) {
		line = xmalloc(FILTER_LINE_MAX + 2);
		while (fgets(line, FILTER_LINE_MAX + 2, stdin) != NULL) {
			n = strlen(line);
			lineno++;
			if (n == FILTER_LINE_MAX + 1 && line[n - 1] != '\n') {
				/* Memory stays bounded: the line is refused. */
				while ((ch = getchar()) != EOF && ch != '\n')
					;
				cli_write(&out);
				chousa_buf_reset(&out);
				cli_warn("line %lu is longer than %d bytes: "
				    "left out", lineno, FILTER_LINE_MAX);
				status = EXIT_BADINPUT;
				continue;
			}
			mark = out.len;
			one_line(x, line, n, &out);
			if (g_opt.json)
				cli_json_lines(&out, mark);
			if (out.len >= (1u << 16)) {
				cli_write(&out);
				chousa_buf_reset(&out);
			}
		}
		free(line);
	}
	if (out.failed != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory");
	cli_output(&out);
	chousa_extractor_free(x);
	return status;
}

static int
run_refang(const struct cli_cmd *self, int argc, char **argv)
{
	return run_filter(self, argc, argv, 0);
}

static int
run_defang(const struct cli_cmd *self, int argc, char **argv)
{
	return run_filter(self, argc, argv, 1);
}

const struct cli_cmd cmd_refang = {
	"refang", "Undo defanging (hxxp, [.], full-width dots) in text",
	"[TEXT...]",
	"Write TEXT (each argument a line), or standard input, with every "
	"defanged indicator made live again: hxxp, hXXps, fxp, h__p and "
	"http[s] schemes; [.] (.) {.} [dot] (dot), \" dot \" before a known "
	"top-level domain, \\.; [:] [://]; [@] [at] (at); brackets inside IP "
	"addresses (47.]244.189.]73, 1.2.3[.]4); and the full-width and "
	"ideographic ．。：／＠ of Japanese text.  Only sequences that "
	"form "
	"an indicator change: prose stays prose.  A line of standard input "
	"over 1 MiB is left out with a warning, and the status is 3.",
	no_opts, run_refang,
	"chousa refang 'hxxps://evil[.]com/a'\n"
	"chousa refang < report.txt",
	NULL,
	NULL
};

const struct cli_cmd cmd_defang = {
	"defang", "Defang every indicator in text, safe to share",
	"[TEXT...]",
	"Write TEXT (each argument a line), or standard input, with every "
	"URL, domain, IP address and email address replaced by its normal "
	"form defanged: hxxp(s) and fxp schemes, [:]// after the scheme, "
	"[.] for the dots of hosts and addresses, [@] in emails.  Hashes "
	"and AS numbers are left as they are.  The inverse of refang.  A "
	"line of standard input over 1 MiB is left out with a warning, and "
	"the status is 3.",
	no_opts, run_defang,
	"chousa defang https://evil.com/a\n"
	"chousa defang < notes.txt > notes-safe.txt",
	NULL,
	NULL
};
