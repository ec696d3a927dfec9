/* fuzz-logfmt-zeek-json.c: the zeek-json log format (see fuzz-logfmt.h). */
#define LOGFMT "zeek-json"
#include "fuzz-logfmt.h"
