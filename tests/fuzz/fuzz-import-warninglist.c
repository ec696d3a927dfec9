/*
 * fuzz-import-warninglist.c: the warninglist importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "warninglist"
#include "fuzz-import.h"
