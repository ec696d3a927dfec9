/* fuzz-source-hybridanalysis.c: its answers (see fuzz-source.h). */
#define SOURCE "hybridanalysis"
#include "fuzz-source.h"
