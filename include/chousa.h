/*
 * chousa.h: the public interface of libchousa, the only header that cli/ and
 * outside users include.
 *
 * chousa answers one question about a suspicious communication: was it caused
 * by malware, and by which family?  The library reads indicators the way
 * analysts write them (src/ioc*), keeps the open feeds in SQLite
 * (src/store*), runs the three-stage investigation over local and online
 * sources (src/investigate*), sweeps logs for known-bad infrastructure
 * (src/sweep*), and exports its indicators to the engines that watch the
 * traffic (src/export*).
 *
 * Like <yara.h>, this header is assembled from one part per module under
 * include/chousa/; include this file, never a part on its own.
 *
 * Rules that hold for every function unless its comment says otherwise:
 *   - A function that can fail returns enum chousa_rc as int and takes a last
 *     struct chousa_err * (NULL allowed) that receives a one-line message.
 *   - Out-parameters are written only on success.
 *   - Pointers passed in are borrowed: the caller keeps them.  Pointers
 *     handed out say who owns them in one of three words: "borrowed" (valid
 *     while the object it came from lives), "arena" (lives as long as the
 *     arena passed in), or "caller frees with chousa_x_free()".
 *   - chousa_x_free(NULL) is a no-op.
 *   - The library never prints, exits or aborts because of its input.
 */
#ifndef CHOUSA_H
#define CHOUSA_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define CHOUSA_VERSION "0.1.0"

#include "chousa/base.h"
#include "chousa/ioc.h"
#include "chousa/store.h"
#include "chousa/investigate.h"
#include "chousa/http.h"
#include "chousa/sweep.h"
#include "chousa/export.h"
#include "chousa/render.h"
#include "chousa/serve.h"

#endif /* CHOUSA_H */
