/*
 * fuzz-import-malpedia.c: the malpedia importer over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "malpedia"
#include "fuzz-import.h"
