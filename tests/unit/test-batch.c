/*
 * test-batch.c: the order of a run's output (src/render/batch.c) over
 * hand-built reports: the triage table first and the reports in its
 * order, the same bytes whether the reports wait in a file or in memory
 * and whether they go to a writer or into a buffer; JSON lines in input
 * order with no table; one input as a plain rendering; --brief the table
 * alone; the tally and its exit status, with no renderer the tally alone;
 * a failed write stops it.
 */
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "t.h"

#define NOW	1764028800	/* 2025-11-25T00:00:00Z */

static struct chousa_report reports[3];

static void
setup(void)
{
	static const char *values[] = { "quiet.example", "evil.example",
	    "fine.example" };
	static const int verdicts[] = { CHOUSA_V_UNKNOWN, CHOUSA_V_MALICIOUS,
	    CHOUSA_V_BENIGN };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct chousa_report *r = &reports[i];

		memset(r, 0, sizeof(*r));
		r->input = r->ind.value = values[i];
		r->ind.type = CHOUSA_IOC_DOMAIN;
		r->ind.value_len = strlen(values[i]);
		r->ind.display = r->ind.host = r->ind.value;
		r->verdict = verdicts[i];
	}
}

static int
collect(void *arg, const char *data, size_t len, struct chousa_err *err)
{
	(void)err;
	chousa_buf_add(arg, data, len);
	return CHOUSA_OK;
}

static int
refuse(void *arg, const char *data, size_t len, struct chousa_err *err)
{
	(void)arg;
	(void)data;
	(void)len;
	return chousa_errf(err, CHOUSA_EIO, "the reader went away");
}

/* Where run() has a batch put its output and hold its reports. */
#define HELD_MEMORY	0	/* write(), in memory */
#define HELD_FILE	1	/* write(), in a temporary file */
#define INTO_BUF	2	/* added to a buffer, in memory */

/* Run reports[0, n) through a batch of format name into out. */
static int
run(const char *name, size_t n, int brief, int where,
    struct chousa_buf *out, struct chousa_batch_summary *sum)
{
	struct chousa_batch_opts o;
	struct chousa_batch *b;
	struct chousa_err err = { 0 };
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.renderer = chousa_renderer_find(name);
	o.render.now = NOW;
	o.n_inputs = n;
	o.brief = brief;
	o.spool_file = where == HELD_FILE;
	if (where == INTO_BUF)
		o.out = out;
	else {
		o.write = collect;
		o.arg = out;
	}
	chousa_buf_init(out, 0);
	rc = chousa_batch_new(&b, &o, &err);
	for (i = 0; rc == CHOUSA_OK && i < n; i++)
		rc = chousa_batch_add(b, &reports[i], CHOUSA_CTX_BODY, NULL,
		    &err);
	if (rc == CHOUSA_OK)
		rc = chousa_batch_finish(b, &err);
	if (b != NULL)
		chousa_batch_summary(b, sum);
	chousa_batch_free(b);
	chousa_buf_addch(out, '\0');
	return rc;
}

/* The rendering of reports[0, n) with no batch. */
static void
plain(const char *name, size_t n, struct chousa_buf *out)
{
	struct chousa_render_opts opts = { .now = NOW };
	struct chousa_render r;
	struct chousa_err err = { 0 };
	size_t i;

	chousa_buf_init(out, 0);
	(void)chousa_render_begin(&r, chousa_renderer_find(name), &opts, out,
	    &err);
	for (i = 0; i < n; i++)
		(void)chousa_render_item(&r, &reports[i], &err);
	(void)chousa_render_end(&r, &err);
	chousa_buf_addch(out, '\0');
}

/* A batch of n reports in format name streams what plain() writes. */
static void
streams_as_plain(const char *test, const char *name, size_t n)
{
	struct chousa_batch_summary sum;
	struct chousa_buf got, in_place, want;

	memset(&sum, 0, sizeof(sum));
	T_OK(test, run(name, n, 0, HELD_FILE, &got, &sum) == CHOUSA_OK);
	plain(name, n, &want);
	T_STREQ(test, got.data, want.data);
	T_OK(test, !sum.table && sum.streaming);
	/* Rendered straight into the caller's buffer: the same bytes. */
	T_OK(test, run(name, n, 0, INTO_BUF, &in_place, &sum) == CHOUSA_OK);
	T_STREQ(test, in_place.data, want.data);
	chousa_buf_release(&got);
	chousa_buf_release(&in_place);
	chousa_buf_release(&want);
}

/* Where s last occurs in text: in a report, after the table. */
static const char *
last(const char *text, const char *s)
{
	const char *p, *found = NULL;

	for (p = strstr(text, s); p != NULL; p = strstr(p + 1, s))
		found = p;
	return found;
}

int
main(void)
{
	struct chousa_batch_summary sum;
	struct chousa_batch_opts o;
	struct chousa_batch *b;
	struct chousa_err err = { 0 };
	struct chousa_buf file, mem, buf, brief;

	setup();

	T_OK("text_batch", run("text", 3, 0, HELD_FILE, &file, &sum) ==
	    CHOUSA_OK);
	T_OK("text_batch_buffer", run("text", 3, 0, INTO_BUF, &buf, &sum) ==
	    CHOUSA_OK);
	T_STREQ("buffer_and_file_agree", buf.data, file.data);
	T_OK("text_batch_memory", run("text", 3, 0, HELD_MEMORY, &mem, &sum) ==
	    CHOUSA_OK);
	T_STREQ("spool_file_and_memory_agree", file.data, mem.data);
	T_OK("has_table", sum.table && !sum.streaming);
	T_OK("tally", sum.found && sum.answered && !sum.bad && !sum.failed);
	T_INTEQ("status_found", chousa_batch_status(&sum),
	    CHOUSA_EXIT_FOUND);
	/* evil.example was added second, its report comes first. */
	T_OK("reports_in_table_order", last(file.data, "evil") != NULL &&
	    last(file.data, "quiet") != NULL &&
	    last(file.data, "evil") < last(file.data, "quiet"));
	T_OK("brief", run("text", 3, 1, HELD_FILE, &brief, &sum) ==
	    CHOUSA_OK);
	T_OK("brief_is_the_table_alone", brief.len < file.len &&
	    strstr(file.data, brief.data + brief.len / 2) != NULL);
	chousa_buf_release(&file);
	chousa_buf_release(&mem);
	chousa_buf_release(&buf);
	chousa_buf_release(&brief);

	/* JSON lines keep input order; one input has no table. */
	streams_as_plain("json_lines_in_input_order", "json", 3);
	streams_as_plain("one_input_is_a_plain_report", "text", 1);

	/* No renderer: nothing is written, the tally is kept. */
	memset(&o, 0, sizeof(o));
	o.n_inputs = 3;
	o.write = refuse;
	T_OK("no_renderer", chousa_batch_new(&b, &o, &err) == CHOUSA_OK &&
	    chousa_batch_add(b, &reports[0], CHOUSA_CTX_BODY, NULL, &err) ==
	    CHOUSA_OK && chousa_batch_add(b, &reports[1], CHOUSA_CTX_BODY, NULL,
	    &err) == CHOUSA_OK && chousa_batch_leave_out(b, "x.example",
	    CHOUSA_CTX_BODY, NULL, &err) == CHOUSA_OK &&
	    chousa_batch_finish(b, &err) == CHOUSA_OK);
	chousa_batch_summary(b, &sum);
	T_OK("no_renderer_tally", sum.found && !sum.table);
	chousa_batch_free(b);

	/* The exit status: found, then bad input, then no answer at all. */
	memset(&sum, 0, sizeof(sum));
	sum.found = sum.bad = 1;
	T_INTEQ("status_found_outranks_bad", chousa_batch_status(&sum),
	    CHOUSA_EXIT_FOUND);
	sum.found = 0;
	T_INTEQ("status_bad_input", chousa_batch_status(&sum),
	    CHOUSA_EXIT_BADINPUT);
	sum.bad = 0;
	sum.failed = sum.answered = 1;
	T_INTEQ("status_some_answered", chousa_batch_status(&sum),
	    CHOUSA_EXIT_CLEAN);
	sum.answered = 0;
	T_INTEQ("status_no_answer", chousa_batch_status(&sum),
	    CHOUSA_EXIT_SOURCE);
	/* Published numbers: scripts and the server's frames rely on them. */
	T_OK("exit_numbers_are_published", CHOUSA_EXIT_CLEAN == 0 &&
	    CHOUSA_EXIT_FOUND == 1 && CHOUSA_EXIT_USAGE == 2 &&
	    CHOUSA_EXIT_BADINPUT == 3 && CHOUSA_EXIT_SOURCE == 4 &&
	    CHOUSA_EXIT_INTERNAL == 5 && CHOUSA_EXIT_BUSY == 6 &&
	    CHOUSA_EXIT_INTERRUPTED == 130);

	/* A failed write stops the batch with its error. */
	memset(&o, 0, sizeof(o));
	o.renderer = chousa_renderer_find("json");
	o.n_inputs = 2;
	o.write = refuse;
	if (chousa_batch_new(&b, &o, &err) == CHOUSA_OK)
		(void)chousa_batch_add(b, &reports[0], CHOUSA_CTX_BODY, NULL,
		    &err);
	T_INTEQ("write_error", err.code, CHOUSA_EIO);
	chousa_batch_free(b);
	return T_DONE();
}
