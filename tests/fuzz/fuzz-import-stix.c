/*
 * fuzz-import-stix.c: the stix importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "stix"
#include "fuzz-import.h"
