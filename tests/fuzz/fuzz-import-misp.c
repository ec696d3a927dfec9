/*
 * fuzz-import-misp.c: the misp importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "misp"
#include "fuzz-import.h"
