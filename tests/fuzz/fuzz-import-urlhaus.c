/*
 * fuzz-import-urlhaus.c: the urlhaus importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "urlhaus"
#include "fuzz-import.h"
