/* fuzz-source-triage.c: the triage answers (see fuzz-source.h). */
#define SOURCE "triage"
#include "fuzz-source.h"
