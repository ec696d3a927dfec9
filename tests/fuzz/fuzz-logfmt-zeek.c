/* fuzz-logfmt-zeek.c: the zeek log format (see fuzz-logfmt.h). */
#define LOGFMT "zeek"
#include "fuzz-logfmt.h"
