/* fuzz-source-otx.c: the otx answers (see fuzz-source.h). */
#define SOURCE "otx"
#include "fuzz-source.h"
