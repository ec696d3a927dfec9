/*
 * fuzz-import-threatfox.c: the threatfox importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "threatfox"
#include "fuzz-import.h"
