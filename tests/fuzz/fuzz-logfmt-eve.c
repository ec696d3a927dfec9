/* fuzz-logfmt-eve.c: the eve log format (see fuzz-logfmt.h). */
#define LOGFMT "eve"
#include "fuzz-logfmt.h"
