/*
 * banned.h - functions that are easy to misuse, made compile errors (as in
 * git).  Use strbuf, xsnprintf-free formatting (strbuf_addf) and memcpy with
 * an explicit length instead.
 */
#ifndef ORDEAL_BANNED_H
#define ORDEAL_BANNED_H

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

#endif
