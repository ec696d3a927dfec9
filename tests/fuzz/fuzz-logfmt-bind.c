/* fuzz-logfmt-bind.c: the bind log format (see fuzz-logfmt.h). */
#define LOGFMT "bind"
#include "fuzz-logfmt.h"
