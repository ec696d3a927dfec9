/*
 * mem.h: the library's allocator and writer, with failure injection.  Every
 * allocation of libchousa goes through mem_alloc/mem_realloc/mem_free so
 * that a test build (-DCHOUSA_INJECT) can fail the Nth one, as curl's
 * torture mode does; CHOUSA_FAIL_ALLOC=N and CHOUSA_FAIL_WRITE=N in the
 * environment pick N.  Writes to files go through mem_fwrite for the same
 * reason.
 */
#ifndef CHOUSA_MEM_H
#define CHOUSA_MEM_H

#include <stddef.h>
#include <stdio.h>

void	*mem_alloc(size_t size);		/* zeroed */
void	*mem_realloc(void *p, size_t size);
void	 mem_free(void *p);
/*
 * Make room for element n of the array *pv, which has *cap elements of
 * size bytes: when n == *cap, the array is reallocated to twice *cap
 * (first when it is empty).  Returns 0 (CHOUSA_OK) with *pv and *cap
 * updated; CHOUSA_ELIMIT when the new capacity would pass max elements
 * (0: no limit) or size_t, CHOUSA_ENOMEM when the allocation fails; on
 * failure the array and *cap are left as they were.  pv is the address of
 * the array pointer, whatever its type: call it through MEM_GROW.
 */
int	 mem_grow(void *pv, size_t n, size_t *cap, size_t size, size_t first,
	    size_t max);
/* mem_grow() on array v, which has n elements and cap allocated. */
#define MEM_GROW(v, n, cap, first, max)					\
	((n) < (cap) ? 0 : mem_grow(&(v), (n), &(cap), sizeof(*(v)),	\
	    (first), (max)))
char	*mem_strndup(const char *s, size_t len);
char	*mem_strdup(const char *s);
/* fwrite that can be made to fail; returns the items written. */
size_t	 mem_fwrite(const void *p, size_t size, size_t n, FILE *fp);
/* Whether the injected failure point was reached (tests ask). */
int	 mem_inject_fired(void);

#endif /* CHOUSA_MEM_H */
