/*
 * json.h - a small streaming JSON writer used by every report (result.json,
 * report.json, summary.json, test2json events).
 *
 * Strings are arbitrary bytes: valid UTF-8 passes through, invalid bytes
 * become U+FFFD, control characters are escaped, so the output is always
 * valid JSON.  The writer tracks nesting and commas; the caller only says
 * what comes next.  It writes into a strbuf (the caller flushes it).
 */
#ifndef ORDEAL_JSON_H
#define ORDEAL_JSON_H

#include "common.h"
#include "strbuf.h"

#define JSON_MAX_DEPTH 32

struct json_writer {
	struct strbuf *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool after_key;
	bool pretty; /* newline + indent per member */
};

void json_init(struct json_writer *w, struct strbuf *out, bool pretty);
void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
/* A member name inside an object; the next value call is its value. */
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);
void json_string_n(struct json_writer *w, const char *s, size_t len);
void json_int(struct json_writer *w, long long v);
void json_uint(struct json_writer *w, unsigned long long v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Append `len` bytes as a JSON string literal with quotes. */
void json_quote(struct strbuf *out, const char *s, size_t len);

/*
 * Replace invalid UTF-8 in s[0..len) by U+FFFD, appending to `out`.  When
 * `xml` is set, characters XML 1.0 forbids (C0 controls other than tab, LF,
 * CR; U+FFFE/U+FFFF) are also replaced by U+FFFD.
 */
void utf8_sanitize(struct strbuf *out, const char *s, size_t len, bool xml);

#endif
