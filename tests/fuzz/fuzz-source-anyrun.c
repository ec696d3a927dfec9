/* fuzz-source-anyrun.c: the anyrun answers (see fuzz-source.h). */
#define SOURCE "anyrun"
#include "fuzz-source.h"
