/* fuzz-source-joesandbox.c: the joesandbox answers (see fuzz-source.h). */
#define SOURCE "joesandbox"
#include "fuzz-source.h"
