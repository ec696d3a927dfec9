/*
 * arena.c: region allocation for one unit of work.  Blocks are chained and
 * freed together; a request larger than a block gets a block of its own.
 * The total is capped so that hostile input cannot grow a run without bound.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "base/mem.h"

#define ARENA_BLOCK	((size_t)64 << 10)
#define ARENA_ALIGN	16

/*
 * Freed standard blocks each thread keeps for its next arenas.  A unit of
 * work (a look-up, a request) makes a few arenas and frees them at once;
 * handed back to malloc, their 64 KiB went back to the kernel at every
 * free (the heap's top was trimmed) and faulted in again at the next
 * unit's first writes: a look-up spent most of its time in brk and page
 * faults.  Eight blocks bound what a thread holds to 512 KiB.  Sanitizer
 * and failure-injection builds allocate every block, so that a use after
 * free is caught and every allocation can be failed.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(CHOUSA_INJECT)
#define ARENA_SPARE	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ARENA_SPARE	0
#endif
#endif
#ifndef ARENA_SPARE
#define ARENA_SPARE	8
#endif

struct arena_block {
	struct arena_block	*next;
	size_t			 size;
	size_t			 used;
	_Alignas(16) unsigned char data[];
};

#if ARENA_SPARE > 0
struct arena_spare {
	struct arena_block	*block[ARENA_SPARE];
	size_t			 n;
};

static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static int spare_ok;

static void
spare_drop(void *p)
{
	struct arena_spare *sp = p;

	while (sp->n > 0)
		mem_free(sp->block[--sp->n]);
	mem_free(sp);
}

static void
spare_init(void)
{
	spare_ok = pthread_key_create(&spare_key, spare_drop) == 0;
}

/* This thread's spare blocks, made on first use; NULL if none can be. */
static struct arena_spare *
spare_get(int make)
{
	struct arena_spare *sp;

	pthread_once(&spare_once, spare_init);
	if (!spare_ok)
		return NULL;
	sp = pthread_getspecific(spare_key);
	if (sp == NULL && make) {
		sp = mem_alloc(sizeof(*sp));
		if (sp != NULL && pthread_setspecific(spare_key, sp) != 0) {
			mem_free(sp);
			sp = NULL;
		}
	}
	return sp;
}

static struct arena_block *
block_take(size_t bsize)
{
	struct arena_spare *sp;

	if (bsize == ARENA_BLOCK && (sp = spare_get(0)) != NULL && sp->n > 0)
		return sp->block[--sp->n];
	return mem_realloc(NULL, sizeof(struct arena_block) + bsize);
}

static void
block_give(struct arena_block *b)
{
	struct arena_spare *sp;

	if (b->size == ARENA_BLOCK && (sp = spare_get(1)) != NULL &&
	    sp->n < ARENA_SPARE) {
		sp->block[sp->n++] = b;
		return;
	}
	mem_free(b);
}
#else
static struct arena_block *
block_take(size_t bsize)
{
	return mem_realloc(NULL, sizeof(struct arena_block) + bsize);
}

static void
block_give(struct arena_block *b)
{
	mem_free(b);
}
#endif

struct chousa_arena {
	struct arena_block	*head;
	size_t			 total;
	size_t			 max;
};

int
chousa_arena_new(struct chousa_arena **out, size_t max,
    struct chousa_err *err)
{
	struct chousa_arena *a = mem_alloc(sizeof(*a));

	if (a == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	a->max = max ? max : ((size_t)256 << 20);
	*out = a;
	return CHOUSA_OK;
}

void
chousa_arena_free(struct chousa_arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		block_give(b);
	}
	mem_free(a);
}

void *
chousa_arena_alloc(struct chousa_arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t need, bsize;
	void *p;

	if (size > a->max)
		return NULL;
	need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (need == 0)
		need = ARENA_ALIGN;
	if (b == NULL || b->size - b->used < need) {
		bsize = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
		if (a->total + bsize > a->max)
			return NULL;
		/*
		 * Not zeroed here: each allocation is zeroed as it is handed
		 * out, and zeroing all of a block first cost a request of the
		 * team server 64 KiB of memset for the few it uses.
		 */
		b = block_take(bsize);
		if (b == NULL)
			return NULL;
		b->size = bsize;
		b->used = 0;
		a->total += bsize;
		if (need > ARENA_BLOCK / 4 && a->head != NULL) {
			/* A big block goes second, so the open one stays. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += need;
	memset(p, 0, size);
	return p;
}

char *
chousa_arena_strndup(struct chousa_arena *a, const char *s, size_t len)
{
	char *d = chousa_arena_alloc(a, len + 1);

	if (d == NULL)
		return NULL;
	if (len > 0)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *
chousa_arena_strdup(struct chousa_arena *a, const char *s)
{
	return s ? chousa_arena_strndup(a, s, strlen(s)) : NULL;
}

void *
chousa_arena_grow(struct chousa_arena *a, void *arr, size_t n, size_t *cap,
    size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return arr;
	if (ncap > SIZE_MAX / size)
		return NULL;
	p = chousa_arena_alloc(a, ncap * size);
	if (p == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, arr, n * size);
	*cap = ncap;
	return p;
}

char *
chousa_arena_printf(struct chousa_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	d = chousa_arena_alloc(a, (size_t)n + 1);
	if (d == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

size_t
chousa_arena_used(const struct chousa_arena *a)
{
	return a->total;
}
