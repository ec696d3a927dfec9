/* fuzz-source-inquest.c: the inquest answers (see fuzz-source.h). */
#define SOURCE "inquest"
#include "fuzz-source.h"
