/*
 * fuzz-audit.c: the audit log read back (src/serve/audit_search.c) over
 * any bytes: as a log file searched by indicator and by name, and as a
 * server's answer rendered as text.  Besides memory safety: every line
 * answered is one of the file's lines, whole; the count of lines shown
 * is the summary's; no terminal control byte reaches the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each line of out is a whole line of data. */
static void
check_lines(const struct chousa_buf *out, const uint8_t *data, size_t size)
{
	const char *p = out->data, *end = out->data + out->len, *nl;

	while (p < end) {
		const uint8_t *at;
		size_t n;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			abort();
		n = (size_t)(nl - p);
		/* Some occurrence of it is a whole line of the input. */
		for (at = data; (at = memmem(at, size - (size_t)(at - data), p,
		    n)) != NULL; at++)
			if ((at == data || at[-1] == '\n') &&
			    (at + n == data + size || at[n] == '\n'))
				break;
		if (at == NULL)
			abort();
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[256];
	struct chousa_audit_query q;
	struct chousa_audit_stats st;
	struct chousa_buf out, text;
	struct chousa_err err;
	size_t i;
	FILE *f;

	if (size > 1 << 20)
		return 0;
	if (path[0] == '\0') {
		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%s/fuzz-audit-%d.log",
		    tmp != NULL ? tmp : "/tmp", (int)getpid());
	}
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	memset(&q, 0, sizeof(q));
	q.indicator = size > 0 && data[0] & 1 ? "evil.example.com" :
	    "hxxp://198.51.100[.]7/x";
	q.who = size > 1 && data[1] & 1 ? "alice" : NULL;
	q.since = size > 2 && data[2] & 1 ? 1700000000 : 0;
	q.limit = size > 3 ? 1 + data[3] % 8 : 0;
	chousa_buf_init(&out, 0);
	if (chousa_audit_search(path, &q, &out, &st, &err) == CHOUSA_OK) {
		uint64_t shown = 0;

		check_lines(&out, data, size);
		for (i = 0; i < out.len; i++)
			shown += out.data[i] == '\n';
		if (shown != st.shown || shown > st.matched ||
		    st.unreadable > st.lines)
			abort();
	}
	chousa_buf_release(&out);
	unlink(path);
	chousa_buf_init(&text, 0);
	if (chousa_audit_text(&text, (const char *)data, size, &err) ==
	    CHOUSA_OK)
		for (i = 0; i < text.len; i++)
			if (((unsigned char)text.data[i] < 0x20 &&
			    text.data[i] != '\t' && text.data[i] != '\n') ||
			    text.data[i] == 0x7f)
				abort();
	chousa_buf_release(&text);
	return 0;
}
