/*
 * tmp.h: temporary files, in TMPDIR as every Unix tool's, unlinked from the
 * start so that nothing is left behind whatever happens to the process.
 */
#ifndef CHOUSA_TMP_H
#define CHOUSA_TMP_H

/* Where temporary files go: TMPDIR, or /tmp without it. */
const char *chousa_tmp_dir(void);
/* An unlinked temporary file there, or -1 with errno set. */
int	chousa_tmp_fd(void);

#endif
