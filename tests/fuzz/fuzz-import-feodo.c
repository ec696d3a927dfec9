/*
 * fuzz-import-feodo.c: the feodo importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "feodo"
#include "fuzz-import.h"
