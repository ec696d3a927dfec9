/* fuzz-logfmt-squid.c: the squid log format (see fuzz-logfmt.h). */
#define LOGFMT "squid"
#include "fuzz-logfmt.h"
