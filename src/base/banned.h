/*
 * banned.h: functions that are easy to misuse with untrusted input are
 * compile errors in chousa's own code (after git's banned.h).  The Makefile
 * and scripts/fuzz.sh pass it with -include to every compile of src/, cli/
 * and tests/, so no file can forget it.  It first includes the system headers
 * that declare these functions: their include guards make a file's own
 * later #include of them a no-op, so the macros below never meet a
 * declaration.
 */
#ifndef CHOUSA_BANNED_H
#define CHOUSA_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef strtok
#define strtok(x, y) BANNED(strtok)

#endif /* CHOUSA_BANNED_H */
