/* fuzz-logfmt-clf.c: the clf log format (see fuzz-logfmt.h). */
#define LOGFMT "clf"
#include "fuzz-logfmt.h"
