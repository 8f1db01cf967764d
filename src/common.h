/*
 * common.h - what every ordeal source file includes first: the standard
 * headers we rely on everywhere, error reporting (error/warning/die), the
 * allocation wrappers that die on failure, and banned.h.
 *
 * Conventions: module code reports a problem with `return error(...)`
 * (which prints "ordeal: error: ..." and returns -1); only cmd_*() and
 * main() decide to exit, with die().  Messages are lowercase, with the
 * subject in single quotes.
 */
#ifndef ORDEAL_COMMON_H
#define ORDEAL_COMMON_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#if defined(__GNUC__)
#define NORETURN	  __attribute__((noreturn))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define UNUSED		  __attribute__((unused))
#else
#define NORETURN
#define PRINTF_LIKE(f, a)
#define UNUSED
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses of ordeal itself (OVERVIEW.md). */
enum {
	EXIT_OK = 0,		/* everything passed, nothing found */
	EXIT_FOUND = 1,		/* a test failed or a bug was found */
	EXIT_USAGE = 2,		/* usage or input error */
	EXIT_INTERRUPTED = 130, /* SIGINT/SIGTERM/SIGHUP */
};
/* A child exiting with this status is skipped (automake). */
#define EXIT_SKIP 77

/* "ordeal: error: <msg>" on stderr; returns -1. */
int error(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* Same, with ": <strerror(errno)>" appended; returns -1. */
int error_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "ordeal: warning: <msg>". */
void warning(const char *fmt, ...) PRINTF_LIKE(1, 2);
void warning_errno(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* "ordeal: error: <msg>", then exit(EXIT_USAGE).  Commands only. */
void die(const char *fmt, ...) NORETURN PRINTF_LIKE(1, 2);
void die_errno(const char *fmt, ...) NORETURN PRINTF_LIKE(1, 2);
/* An internal invariant broke: print and abort(). */
void BUG_fl(const char *file, int line, const char *fmt, ...) NORETURN
	PRINTF_LIKE(3, 4);
#define BUG(...) BUG_fl(__FILE__, __LINE__, __VA_ARGS__)

/*
 * Allocation: these never return NULL; on exhaustion they print and exit.
 * xmalloc(0) returns a unique non-NULL pointer.
 */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xstrfmt(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* nmemb * size, dying on overflow. */
size_t st_mult(size_t a, size_t b);

/*
 * Grow array `x` (with `alloc` slots) to hold at least `nr` items.
 * Usage: ALLOC_GROW(v, n + 1, alloc); v[n++] = item;
 */
#define ALLOC_GROW(x, nr, alloc)                                               \
	do {                                                                   \
		if ((size_t)(nr) > (size_t)(alloc)) {                          \
			size_t alloc_grow_new_ =                               \
				((size_t)(alloc) + 16) * 3 / 2;                \
			if (alloc_grow_new_ < (size_t)(nr))                    \
				alloc_grow_new_ = (size_t)(nr);                \
			(x) = xrealloc(                                        \
				(x), st_mult(alloc_grow_new_, sizeof(*(x))));  \
			(alloc) = alloc_grow_new_;                             \
		}                                                              \
	} while (0)

/* Read/write everything, retrying on EINTR and short counts. */
ssize_t xread(int fd, void *buf, size_t len);
ssize_t read_in_full(int fd, void *buf, size_t len);
ssize_t write_in_full(int fd, const void *buf, size_t len);
/* close() that keeps errno. */
void close_keep_errno(int fd);

/* The program name used as the prefix of messages ("ordeal"). */
extern const char *prog_name;

/* Lowercase-only signal name without "SIG" ("KILL"), or NULL. */
const char *signal_name(int sig);
/* "SIGKILL" -> 9, "KILL" -> 9, "9" -> 9; -1 when unknown. */
int signal_from_name(const char *name);

#include "banned.h"

#endif
