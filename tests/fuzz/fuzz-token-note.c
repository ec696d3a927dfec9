/*
 * fuzz-token-note.c: a token's note (token create --note, token note, the
 * API's note), as the server checks it before the store keeps it and a
 * terminal's table prints it as it is (chousa_token_note_check,
 * src/serve/auth.c), on any bytes.  Besides memory safety it checks that
 * a note taken is within its size, UTF-8, and holds no byte a terminal
 * acts on: no C0 control or DEL, no C1 control (U+0080-U+009F), no line
 * or paragraph separator and no bidirectional embedding, override or
 * isolate.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s holds the UTF-8 of a code point in [lo, hi]. */
static int
holds(const char *s, uint32_t lo, uint32_t hi)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	while (*p != '\0') {
		if (*p < 0x80)
			c = *p++;
		else if ((*p & 0xe0) == 0xc0) {
			c = (uint32_t)(*p & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else if ((*p & 0xf0) == 0xe0) {
			c = (uint32_t)(*p & 0x0f) << 12 |
			    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		} else {
			c = 0x10000;
			p += 4;
		}
		if (c >= lo && c <= hi)
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[512];
	struct chousa_err err = { 0 };

	if (size >= sizeof(in) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (chousa_token_note_check(in, &err) != CHOUSA_OK) {
		if (err.code != CHOUSA_EINVAL || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (size > CHOUSA_TOKEN_NOTE_MAX ||
	    chousa_utf8_valid_prefix(in, size) != size ||
	    holds(in, 0x00, 0x1f) || holds(in, 0x7f, 0x9f) ||
	    holds(in, 0x2028, 0x202e) || holds(in, 0x2066, 0x2069))
		abort();
	return 0;
}
