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
char	*mem_strndup(const char *s, size_t len);
char	*mem_strdup(const char *s);
/* fwrite that can be made to fail; returns the items written. */
size_t	 mem_fwrite(const void *p, size_t size, size_t n, FILE *fp);
/* Whether the injected failure point was reached (tests ask). */
int	 mem_inject_fired(void);

#endif /* CHOUSA_MEM_H */
