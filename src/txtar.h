/*
 * txtar.h - the txtar archive format used by script tests: a comment (the
 * script) followed by file sections, each introduced by a marker line
 * `-- NAME --`.
 *
 * Marker rules (as Go's txtar): a line that starts with "-- " and, after a
 * trailing '\r' is dropped, ends with " --", at least 6 bytes long, and whose
 * name (the text between, trimmed of spaces) is not empty and holds no
 * NUL byte.  A section runs
 * to the next marker; a missing final newline is added to the comment and
 * to each file's data.
 *
 * Ownership: txtar_parse() copies everything it keeps; txtar_clear() frees
 * it.  Offsets (data_off/data_end) point into the buffer that was parsed,
 * so an updater can splice new content into the original bytes.
 */
#ifndef ORDEAL_TXTAR_H
#define ORDEAL_TXTAR_H

#include "common.h"

struct strbuf;

struct txtar_file {
	char *name; /* as written between the markers, trimmed */
	char *data; /* the content, newline-terminated unless empty */
	size_t len;
	size_t line;	 /* 1-based line number of the marker */
	size_t data_off; /* where the content starts in the parsed buffer */
	size_t data_end; /* and where it ends (the next marker or EOF) */
};

struct txtar {
	char *comment; /* the script; newline-terminated unless empty */
	size_t comment_len;
	struct txtar_file *files;
	size_t nr, alloc;
};

#define TXTAR_INIT                                                             \
	{                                                                      \
		NULL, 0, NULL, 0, 0                                            \
	}

/* Parse `len` bytes (NULs allowed).  Never fails: any text is an archive. */
void txtar_parse(struct txtar *ar, const char *buf, size_t len);
void txtar_clear(struct txtar *ar);

/*
 * If the line at buf[0..len) (without its '\n') is a marker, store a
 * malloc'd name in *name and return true.
 */
bool txtar_is_marker(const char *buf, size_t len, char **name);

/* Serialise: comment, then "-- name --\n" + data for each file. */
void txtar_format(struct strbuf *out, const struct txtar *ar);

/*
 * Whether `data` holds a line that would be read as a marker (so it cannot
 * be stored in an archive verbatim).
 */
bool txtar_needs_quote(const char *data, size_t len);

#endif
