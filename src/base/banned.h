/*
 * banned.h: functions that are easy to misuse with untrusted input are
 * compile errors in chousa's own code (after git's banned.h).  It comes in
 * through base/mem.h, after the system headers, so only the files that
 * include mem.h (directly or through their module's header) are checked:
 * most of src/, none of cli/.
 */
#ifndef CHOUSA_BANNED_H
#define CHOUSA_BANNED_H

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
