/*
 * fuzz-import-auto.c: format detection and whichever importer it picks,
 * over arbitrary bytes (fuzz-import.h).
 */
#define IMPORTER "auto"
#include "fuzz-import.h"
