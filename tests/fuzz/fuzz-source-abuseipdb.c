/* fuzz-source-abuseipdb.c: the abuseipdb answers (see fuzz-source.h). */
#define SOURCE "abuseipdb"
#include "fuzz-source.h"
