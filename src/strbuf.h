/*
 * strbuf.h - the one growable string type (after git's strbuf).
 *
 * Invariants: `buf` is never NULL and always NUL-terminated at `buf[len]`;
 * `len < alloc` whenever alloc > 0.  An initialised but empty strbuf points
 * at a shared empty string and owns nothing, so STRBUF_INIT costs nothing.
 * Bytes may include NULs; `len` is authoritative.
 *
 * Ownership: the strbuf owns `buf`.  strbuf_release() frees it and
 * re-initialises; strbuf_detach() hands it to the caller (who frees it).
 */
#ifndef ORDEAL_STRBUF_H
#define ORDEAL_STRBUF_H

#include "common.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT                                                            \
	{                                                                      \
		0, 0, strbuf_slopbuf                                           \
	}

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (always malloc'd, even if empty); sb is reset. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
/* Make room for `extra` more bytes plus the NUL. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addchars(struct strbuf *sb, int c, size_t n);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len);
/* Replace `len` bytes at `pos` with `data`/`dlen`. */
void strbuf_splice(struct strbuf *sb, size_t pos, size_t len, const void *data,
		   size_t dlen);

/*
 * Append `w` as one word a POSIX shell reads back unchanged: as is when it
 * only holds safe characters, else single-quoted ('\'' for a quote).  For
 * the reproduction commands ordeal prints.
 */
void strbuf_add_shell_quoted(struct strbuf *sb, const char *w);

void strbuf_trim(struct strbuf *sb);
void strbuf_rtrim(struct strbuf *sb);
void strbuf_ltrim(struct strbuf *sb);
/* Replace every occurrence of `from` (non-empty) with `to`. */
void strbuf_replace_all(struct strbuf *sb, const char *from, const char *to);
int strbuf_starts_with(const struct strbuf *sb, const char *prefix);

/*
 * Append up to `max` bytes read from fd until EOF (max 0: no limit).
 * Returns bytes read, or -1 with errno set.
 */
ssize_t strbuf_read_fd(struct strbuf *sb, int fd, size_t max);
/* Append a whole file (max 0: no limit); -1 and errno on failure. */
ssize_t strbuf_read_file(struct strbuf *sb, const char *path, size_t max);
/*
 * Append the last `max` bytes of a file (its tail), for showing the end of
 * a test's output; returns bytes appended or -1.  `*truncated` (may be NULL)
 * tells whether earlier bytes were left out.
 */
ssize_t strbuf_read_file_tail(struct strbuf *sb, const char *path, size_t max,
			      bool *truncated);
/* Read one line (without '\n') from fp; 0 on success, EOF at end. */
int strbuf_getline(struct strbuf *sb, FILE *fp);

/* Write the whole buffer to a file atomically (tmp + fsync + rename). */
int strbuf_write_file_atomic(const struct strbuf *sb, const char *path);
/* Write the buffer to `path` (truncating). */
int strbuf_write_file(const struct strbuf *sb, const char *path);

#endif
