/* fuzz-source-malpedia.c: the malpedia answers (see fuzz-source.h). */
#define SOURCE "malpedia"
#include "fuzz-source.h"
