/*
 * buf.c: growable byte buffers with a hard cap and a sticky failure flag,
 * in the manner of sqlite3_str: a writer appends freely and checks once.
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "base/mem.h"

static char empty_data[1];

void
chousa_buf_init(struct chousa_buf *b, size_t max)
{
	b->data = empty_data;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : CHOUSA_BUF_DEFAULT_MAX;
	b->failed = CHOUSA_OK;
}

void
chousa_buf_init_fixed(struct chousa_buf *b, char *storage, size_t size)
{
	/* With max = cap - 1, buf_grow refuses before it would realloc. */
	b->data = storage;
	b->len = 0;
	b->cap = size;
	b->max = size - 1;
	b->failed = CHOUSA_OK;
	storage[0] = '\0';
}

void
chousa_buf_release(struct chousa_buf *b)
{
	if (b->cap > 0)
		mem_free(b->data);
	chousa_buf_init(b, b->max);
}

void
chousa_buf_reset(struct chousa_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
	b->failed = CHOUSA_OK;
}

/* Make room for extra more bytes plus the NUL; 0 on failure. */
static int
buf_grow(struct chousa_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed != CHOUSA_OK)
		return 0;
	if (extra > b->max || b->len > b->max - extra) {
		b->failed = CHOUSA_ELIMIT;
		return 0;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < ((size_t)1 << 40) ? cap * 2 : need;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = mem_realloc(b->cap ? b->data : NULL, cap);
	if (p == NULL) {
		b->failed = CHOUSA_ENOMEM;
		return 0;
	}
	if (b->cap == 0)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 1;
}

char *
chousa_buf_room(struct chousa_buf *b, size_t n)
{
	/*
	 * Room already there (cap never passes max + 1, so this is within
	 * max too): the JSON writers' many short pieces stop here.  A view
	 * (cap 0 over borrowed bytes) never has room.
	 */
	if (b->len < b->cap && n < b->cap - b->len && b->failed == CHOUSA_OK)
		return b->data + b->len;
	return buf_grow(b, n) ? b->data + b->len : NULL;
}

void
chousa_buf_add(struct chousa_buf *b, const void *p, size_t len)
{
	char *d = chousa_buf_room(b, len);

	if (d == NULL)
		return;
	if (len > 0)
		memcpy(d, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
chousa_buf_adds(struct chousa_buf *b, const char *s)
{
	chousa_buf_add(b, s, strlen(s));
}

void
chousa_buf_addch(struct chousa_buf *b, int c)
{
	char ch = (char)c;

	/* Room for the byte and its NUL: the parsers' byte-at-a-time case. */
	if (b->len + 2 <= b->cap && b->len < b->max &&
	    b->failed == CHOUSA_OK) {
		b->data[b->len++] = ch;
		b->data[b->len] = '\0';
		return;
	}
	chousa_buf_add(b, &ch, 1);
}

void
chousa_buf_vaddf(struct chousa_buf *b, const char *fmt, va_list ap)
{
	size_t room;
	va_list cp;
	int n;

	if (b->failed != CHOUSA_OK)
		return;
	/* Format once into the room there is; again only when it did not
	 * fit (formatting twice was most of an export's time). */
	room = b->cap > b->len ? b->cap - b->len : 0;
	va_copy(cp, ap);
	n = vsnprintf(room > 0 ? b->data + b->len : NULL, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		if (room > 0)
			b->data[b->len] = '\0';
		b->failed = CHOUSA_EINVAL;
		return;
	}
	if ((size_t)n < room && b->len + (size_t)n <= b->max) {
		b->len += (size_t)n;
		return;
	}
	if (room > 0)
		b->data[b->len] = '\0';
	if (!buf_grow(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
chousa_buf_addf(struct chousa_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	chousa_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

int
chousa_buf_rc(const struct chousa_buf *b, const char *what,
    struct chousa_err *err)
{
	switch (b->failed) {
	case CHOUSA_OK:
		return CHOUSA_OK;
	case CHOUSA_ELIMIT:
		return chousa_errf(err, CHOUSA_ELIMIT,
		    "%s is over its limit of %zu bytes", what, b->max);
	case CHOUSA_ENOMEM:
		return chousa_errf(err, CHOUSA_ENOMEM,
		    "out of memory building %s", what);
	default:
		return chousa_errf(err, b->failed, "cannot build %s", what);
	}
}
