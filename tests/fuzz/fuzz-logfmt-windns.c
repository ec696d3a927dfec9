/* fuzz-logfmt-windns.c: the windns log format (see fuzz-logfmt.h). */
#define LOGFMT "windns"
#include "fuzz-logfmt.h"
