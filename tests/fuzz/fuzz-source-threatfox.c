/* fuzz-source-threatfox.c: the threatfox answers (see fuzz-source.h). */
#define SOURCE "threatfox"
#include "fuzz-source.h"
