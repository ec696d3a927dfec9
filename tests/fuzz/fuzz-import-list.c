/*
 * fuzz-import-list.c: the list importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "list"
#include "fuzz-import.h"
