/*
 * tmp.h: temporary files, in TMPDIR as every Unix tool's, unlinked from the
 * start so that nothing is left behind whatever happens to the process.
 */
#ifndef CHOUSA_TMP_H
#define CHOUSA_TMP_H

#include <stddef.h>

/* Where temporary files go: TMPDIR, or /tmp without it. */
const char *chousa_tmp_dir(void);
/* An unlinked temporary file there, or -1 with errno set. */
int	chousa_tmp_fd(void);
/*
 * All n bytes of p to fd, through short writes and EINTR: 0, or -1 with
 * errno set (ENOSPC for a write that wrote nothing).
 */
int	chousa_write_all(int fd, const void *p, size_t n);

#endif
