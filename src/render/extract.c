/*
 * extract.c: one extracted indicator as a line of `chousa extract`'s
 * output, TSV or JSON.  Hot: a big file prints millions of lines, so the
 * TSV line of a printable value is written with one append.
 */
#include <string.h>

#include "chousa.h"

/* Normal forms are printable ASCII but for an email's local part. */
static int
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

void
chousa_extract_tsv(struct chousa_buf *b, const struct chousa_indicator *ind,
    const char *value, size_t value_len)
{
	const char *tn = chousa_ioc_type_name(ind->type);
	size_t tl = strlen(tn);
	char line[512];

	if (ind->host_error != NULL) {
		/* A kept but invalid host says so in a third column. */
		chousa_buf_add(b, tn, tl);
		chousa_buf_addch(b, '\t');
		chousa_esc_text(b, value, value_len);
		chousa_buf_adds(b, "\tinvalid-host: ");
		chousa_buf_adds(b, ind->host_error);
		chousa_buf_addch(b, '\n');
		return;
	}
	if (!printable(value, value_len)) {
		chousa_buf_add(b, tn, tl);
		chousa_buf_addch(b, '\t');
		chousa_esc_text(b, value, value_len);
		chousa_buf_addch(b, '\n');
		return;
	}
	/* One append per line when it fits: most do. */
	if (tl + value_len + 2 <= sizeof(line)) {
		memcpy(line, tn, tl);
		line[tl] = '\t';
		memcpy(line + tl + 1, value, value_len);
		line[tl + 1 + value_len] = '\n';
		chousa_buf_add(b, line, tl + value_len + 2);
	} else {
		chousa_buf_add(b, tn, tl);
		chousa_buf_addch(b, '\t');
		chousa_buf_add(b, value, value_len);
		chousa_buf_addch(b, '\n');
	}
}

void
chousa_extract_json(struct chousa_buf *b, const struct chousa_indicator *ind,
    const char *value, size_t value_len, const char *file)
{
	struct chousa_jw w;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "type", chousa_ioc_type_name(ind->type));
	chousa_jw_key(&w, "value");
	chousa_jw_strn(&w, value, value_len);
	chousa_jw_key(&w, "raw");
	chousa_jw_strn(&w, ind->raw, ind->raw_len);
	chousa_jw_kuint(&w, "offset", ind->offset);
	chousa_jw_kstr(&w, "host_error", ind->host_error);
	chousa_jw_kstr(&w, "file", file);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
}
