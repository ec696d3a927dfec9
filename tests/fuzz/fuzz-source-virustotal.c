/* fuzz-source-virustotal.c: the virustotal answers (see fuzz-source.h). */
#define SOURCE "virustotal"
#include "fuzz-source.h"
