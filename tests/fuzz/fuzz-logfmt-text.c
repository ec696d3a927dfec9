/* fuzz-logfmt-text.c: the text log format (see fuzz-logfmt.h). */
#define LOGFMT "text"
#include "fuzz-logfmt.h"
