/*
 * fuzz-triage.c: the triage over any text (src/investigate/triage.c): the
 * context of each indicator found in it (an e-mail header's field, a
 * recipient, a reference site), the table of those indicators, and the
 * table rendered in every format that has one, text wrapped narrow.
 * Besides memory safety: a context is one of the four, a field is named
 * only in a header, and it is a field name as the text spells it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	const char		*text;
	size_t			 len;
	struct chousa_triage	*t;
	size_t			 n;
};

static int
on_indicator(void *arg, const struct chousa_indicator *ind)
{
	struct run *run = arg;
	char field[64];
	int ctx = chousa_triage_context(run->text, run->len, ind, field,
	    sizeof(field));
	size_t flen = strnlen(field, sizeof(field));

	if (ctx < CHOUSA_CTX_BODY || ctx > CHOUSA_CTX_REFERENCE ||
	    flen == sizeof(field))
		abort();
	if (flen > 0 && ctx != CHOUSA_CTX_HEADER && ctx != CHOUSA_CTX_RECIPIENT)
		abort();
	if (flen > 0 && memmem(run->text, run->len, field, flen) == NULL)
		abort();
	if (run->n++ < 64)
		(void)chousa_triage_leave_out(run->t, ind->value, ind->type, ctx,
		    field, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "text", "md", "html", "json",
		NULL };
	struct chousa_extract_opts xo = { CHOUSA_IOC_ALL, 1, 1 };
	struct chousa_extractor *x;
	struct chousa_report rep;
	struct run run;
	size_t i;

	if (size > 1 << 16 || chousa_extractor_new(&x, &xo, NULL) != CHOUSA_OK)
		return 0;
	memset(&run, 0, sizeof(run));
	run.text = (const char *)data;
	run.len = size;
	if (chousa_triage_new(&run.t, 1, NULL) != CHOUSA_OK) {
		chousa_extractor_free(x);
		return 0;
	}
	(void)chousa_extract(x, run.text, size, 0, on_indicator, &run, NULL);
	/* A row that is not an indicator, with the text as its input. */
	memset(&rep, 0, sizeof(rep));
	rep.parse_rc = CHOUSA_EPARSE;
	rep.input = size < 200 ? strndup((const char *)data, size) : NULL;
	rep.parse_error = "not an indicator";
	if (rep.input != NULL)
		(void)chousa_triage_add(run.t, &rep, CHOUSA_CTX_BODY, NULL,
		    NULL);
	if (chousa_triage_finish(run.t, NULL) == CHOUSA_OK)
		for (i = 0; formats[i] != NULL; i++) {
			struct chousa_render_opts ro = { .defang = 1,
			    .width = 40, .triage = 1, .now = 1 };
			struct chousa_render r;
			struct chousa_buf out;

			chousa_buf_init(&out, 0);
			if (chousa_render_begin(&r, chousa_renderer_find(
			    formats[i]), &ro, &out, NULL) == CHOUSA_OK)
				(void)chousa_render_triage(&r, run.t, NULL);
			(void)chousa_render_end(&r, NULL);
			chousa_buf_release(&out);
		}
	free((void *)rep.input);
	chousa_triage_free(run.t);
	chousa_extractor_free(x);
	return 0;
}
