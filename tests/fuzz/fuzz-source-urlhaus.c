/* fuzz-source-urlhaus.c: the urlhaus answers (see fuzz-source.h). */
#define SOURCE "urlhaus"
#include "fuzz-source.h"
