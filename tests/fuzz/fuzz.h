/*
 * tests/fuzz/fuzz.h - what the libFuzzer harnesses share: splitting an input
 * into fields, a scratch directory, and strict checkers for what ordeal
 * writes (UTF-8, JSON, XML 1.0, TAP 13/14 with its YAML blocks).
 *
 * The checkers are written here, from the specifications, on purpose: they
 * must not share code (or mistakes) with the writers they judge.  Each
 * returns NULL when the text is valid, else a static message; FUZZ_CHECK
 * turns a message into an abort() that libFuzzer reports with the input.
 *
 * Header-only (static functions): every harness is one .c file.
 */
#ifndef ORDEAL_FUZZ_H
#define ORDEAL_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_FAIL(...)                                                         \
	do {                                                                   \
		fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__);          \
		fprintf(stderr, __VA_ARGS__);                                  \
		fprintf(stderr, "\n");                                         \
		abort();                                                       \
	} while (0)

#define FUZZ_ASSERT(cond)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			FUZZ_FAIL("assertion failed: %s", #cond);              \
	} while (0)

/* Abort with the checker's message and the text it judged. */
#define FUZZ_CHECK(what, text, len, msg)                                       \
	do {                                                                   \
		const char *m_ = (msg);                                        \
		if (m_) {                                                      \
			fprintf(stderr, "---- %s (%zu bytes) ----\n", (what),  \
				(size_t)(len));                                \
			fwrite((text), 1, (len), stderr);                      \
			fprintf(stderr, "\n----\n");                           \
			FUZZ_FAIL("%s: %s", (what), m_);                       \
		}                                                              \
	} while (0)

/* ---- input fields ---- */

/*
 * Fields are separated by FUZZ_SEP so seed files stay readable:
 * printf 'name\n%%%%\nreason' writes two fields.
 */
#define FUZZ_SEP "\n%%\n"

struct fuzz_in {
	const char *p;
	size_t left;
};

/* The next field (not NUL-terminated); an exhausted input gives "". */
static inline const char *fuzz_field(struct fuzz_in *in, size_t *len)
{
	const char *start = in->p, *sep = NULL;
	size_t i;

	for (i = 0; i + 4 <= in->left; i++)
		if (!memcmp(in->p + i, FUZZ_SEP, 4)) {
			sep = in->p + i;
			break;
		}
	if (!sep) {
		*len = in->left;
		in->p += in->left;
		in->left = 0;
		return start;
	}
	*len = (size_t)(sep - start);
	in->left -= *len + 4;
	in->p = sep + 4;
	return start;
}

/* The next field as a malloc'd C string (cut at its first NUL). */
static inline char *fuzz_field_str(struct fuzz_in *in)
{
	size_t len;
	const char *s = fuzz_field(in, &len);
	char *r = malloc(len + 1);

	if (!r)
		abort();
	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

/* A small number from the input (consumes one byte, 0 when exhausted). */
static inline unsigned fuzz_byte(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return (unsigned char)*in->p++;
}

static inline char *fuzz_memdup0(const uint8_t *d, size_t n)
{
	char *r = malloc(n + 1);

	if (!r)
		abort();
	memcpy(r, d, n);
	r[n] = '\0';
	return r;
}

/*
 * ---- a scratch directory ----
 * $FUZZ_SCRATCH when set (run.sh points it into its own temporary
 * directory, removed at the end); else /dev/shm/ordeal-fuzz-PID (tmpfs:
 * the reporters' fsync is cheap), removed at exit.  Harnesses unlink what
 * they write after each input.
 */

static char fuzz_dir_buf[256];

static void fuzz_dir_remove(void)
{
	rmdir(fuzz_dir_buf);
}

static inline const char *fuzz_dir(void)
{
	if (!fuzz_dir_buf[0]) {
		const char *env = getenv("FUZZ_SCRATCH");
		const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

		if (env && *env)
			snprintf(fuzz_dir_buf, sizeof(fuzz_dir_buf), "%s/%ld",
				 env, (long)getpid());
		else
			snprintf(fuzz_dir_buf, sizeof(fuzz_dir_buf),
				 "%s/ordeal-fuzz-%ld", base, (long)getpid());
		if (mkdir(fuzz_dir_buf, 0700) && access(fuzz_dir_buf, W_OK))
			abort();
		atexit(fuzz_dir_remove);
	}
	return fuzz_dir_buf;
}

static inline void fuzz_write_file(const char *path, const void *d, size_t n)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		abort();
	if (n && fwrite(d, 1, n, fp) != n)
		abort();
	fclose(fp);
}

/* Read a whole file (malloc'd, NUL-terminated); NULL when missing. */
static inline char *fuzz_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!fp)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap * 2 + 4096;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r);
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF) ---- */

/* Length of the valid sequence at s[0..avail), 0 when invalid. */
static inline size_t fuzz_utf8_len(const unsigned char *s, size_t avail,
				   uint32_t *cp)
{
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf && avail >= 2 && (s[1] & 0xc0) == 0x80) {
		*cp = ((c & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef && avail >= 3 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*cp = ((c & 0x0f) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3f);
		if (*cp < 0x800 || (*cp >= 0xd800 && *cp <= 0xdfff))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4 && avail >= 4 && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
		*cp = ((c & 0x07) << 18) | ((s[1] & 0x3fu) << 12) |
		      ((s[2] & 0x3fu) << 6) | (s[3] & 0x3f);
		if (*cp < 0x10000 || *cp > 0x10ffff)
			return 0;
		return 4;
	}
	return 0;
}

static inline bool fuzz_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if (!(n = fuzz_utf8_len(p + i, len - i, &cp)))
			return false;
		i += n;
	}
	return true;
}

/*
 * What a sanitizer should make of s: each invalid byte replaced by U+FFFD
 * (one per byte, as the writers promise).  Appends to a malloc'd buffer.
 */
static inline char *fuzz_utf8_expect(const char *s, size_t len, size_t *olen)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out = malloc(len * 3 + 1);
	size_t i = 0, o = 0, n;
	uint32_t cp;

	if (!out)
		abort();
	while (i < len) {
		n = fuzz_utf8_len(p + i, len - i, &cp);
		if (!n) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		}
	}
	out[o] = '\0';
	*olen = o;
	return out;
}

/* ---- JSON (RFC 8259), strict: one value, no duplicate keys ---- */

/* Called for every decoded string value (not keys) when set. */
typedef void fuzz_json_string_fn(void *ctx, const char *key, const char *s,
				 size_t len);

struct fuzz_json {
	const char *p, *end;
	int depth;
	const char *err;
	fuzz_json_string_fn *on_string;
	void *ctx;
	char *buf; /* decoded string */
	size_t len, cap;
	char *key; /* the member name of the current value */
};

static inline void fj_ws(struct fuzz_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static inline void fj_put(struct fuzz_json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		j->cap = (j->len + n + 1) * 2;
		j->buf = realloc(j->buf, j->cap);
		if (!j->buf)
			abort();
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static inline int fj_hex4(struct fuzz_json *j, uint32_t *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static inline void fj_put_cp(struct fuzz_json *j, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	fj_put(j, b, n);
}

/* A string literal into j->buf; 0 or -1 (j->err set). */
static inline int fj_string(struct fuzz_json *j)
{
	j->len = 0;
	fj_put(j, "", 0);
	if (j->p >= j->end || *j->p != '"')
		return j->err = "expected a string", -1;
	j->p++;
	for (;;) {
		unsigned char c;
		uint32_t cp;
		size_t n;

		if (j->p >= j->end)
			return j->err = "unterminated string", -1;
		c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return 0;
		}
		if (c < 0x20)
			return j->err = "raw control character in a string", -1;
		if (c != '\\') {
			n = fuzz_utf8_len((const unsigned char *)j->p,
					  (size_t)(j->end - j->p), &cp);
			if (!n)
				return j->err = "invalid UTF-8 in a string", -1;
			fj_put(j, j->p, n);
			j->p += n;
			continue;
		}
		if (++j->p >= j->end)
			return j->err = "unterminated escape", -1;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"': fj_put(j, "\"", 1); break;
		case '\\': fj_put(j, "\\", 1); break;
		case '/': fj_put(j, "/", 1); break;
		case 'b': fj_put(j, "\b", 1); break;
		case 'f': fj_put(j, "\f", 1); break;
		case 'n': fj_put(j, "\n", 1); break;
		case 'r': fj_put(j, "\r", 1); break;
		case 't': fj_put(j, "\t", 1); break;
		case 'u':
			if (fj_hex4(j, &cp) < 0)
				return j->err = "bad \\u escape", -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				uint32_t lo;

				if (j->end - j->p < 6 || j->p[0] != '\\' ||
				    j->p[1] != 'u')
					return j->err = "lone high surrogate", -1;
				j->p += 2;
				if (fj_hex4(j, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return j->err = "bad low surrogate", -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return j->err = "lone low surrogate", -1;
			}
			fj_put_cp(j, cp);
			break;
		default:
			return j->err = "unknown escape", -1;
		}
	}
}

static inline int fj_number(struct fuzz_json *j)
{
	const char *p = j->p;

	if (p < j->end && *p == '-')
		p++;
	if (p >= j->end)
		return j->err = "bad number", -1;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return j->err = "bad number", -1;
	}
	if (p < j->end && *p == '.') {
		p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return j->err = "bad fraction", -1;
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < j->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < j->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= j->end || *p < '0' || *p > '9')
			return j->err = "bad exponent", -1;
		while (p < j->end && *p >= '0' && *p <= '9')
			p++;
	}
	j->p = p;
	return 0;
}

static inline int fj_value(struct fuzz_json *j);

static inline int fj_object(struct fuzz_json *j)
{
	char **keys = NULL;
	size_t nkeys = 0;
	int ret = -1;

	j->p++;
	fj_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		char *saved;

		fj_ws(j);
		if (fj_string(j) < 0)
			goto out;
		for (size_t i = 0; i < nkeys; i++)
			if (!strcmp(keys[i], j->buf) &&
			    strlen(keys[i]) == j->len) {
				j->err = "duplicate key";
				goto out;
			}
		keys = realloc(keys, (nkeys + 1) * sizeof(*keys));
		if (!keys || !(keys[nkeys] = strdup(j->buf)))
			abort();
		nkeys++;
		fj_ws(j);
		if (j->p >= j->end || *j->p != ':') {
			j->err = "expected ':'";
			goto out;
		}
		j->p++;
		saved = j->key;
		j->key = keys[nkeys - 1];
		if (fj_value(j) < 0) {
			j->key = saved;
			goto out;
		}
		j->key = saved;
		fj_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			ret = 0;
			goto out;
		}
		j->err = "expected ',' or '}'";
		goto out;
	}
out:
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	return ret;
}

static inline int fj_array(struct fuzz_json *j)
{
	j->p++;
	fj_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (fj_value(j) < 0)
			return -1;
		fj_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return 0;
		}
		return j->err = "expected ',' or ']'", -1;
	}
}

static inline int fj_value(struct fuzz_json *j)
{
	int ret;

	fj_ws(j);
	if (j->p >= j->end)
		return j->err = "expected a value", -1;
	if (++j->depth > 64)
		return j->err = "nested too deep", -1;
	switch (*j->p) {
	case '{':
		ret = fj_object(j);
		break;
	case '[':
		ret = fj_array(j);
		break;
	case '"':
		ret = fj_string(j);
		if (!ret && j->on_string)
			j->on_string(j->ctx, j->key, j->buf, j->len);
		break;
	case 't':
	case 'f':
	case 'n': {
		const char *w = *j->p == 't' ? "true"
				: *j->p == 'f' ? "false" : "null";
		size_t n = strlen(w);

		if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n)) {
			j->err = "bad literal";
			ret = -1;
		} else {
			j->p += n;
			ret = 0;
		}
		break;
	}
	default:
		ret = fj_number(j);
	}
	j->depth--;
	return ret;
}

/*
 * Check that s[0..len) is exactly one JSON value (whitespace around it
 * allowed).  NULL when valid, else a message.  on_string may be NULL.
 */
static inline const char *fuzz_json_check(const char *s, size_t len,
					  fuzz_json_string_fn *on_string,
					  void *ctx)
{
	struct fuzz_json j = {0};

	j.p = s;
	j.end = s + len;
	j.on_string = on_string;
	j.ctx = ctx;
	if (fj_value(&j) == 0) {
		fj_ws(&j);
		if (j.p != j.end)
			j.err = "garbage after the value";
	}
	free(j.buf);
	return j.err;
}

/* ---- XML 1.0 well-formedness (the subset a writer may produce) ---- */

static inline bool fx_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	       (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	       (cp >= 0x10000 && cp <= 0x10ffff);
}

static inline bool fx_name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || (!first && ((c >= '0' && c <= '9') || c == '-' ||
				       c == '.'));
}

/* An entity or character reference at p ('&'); its length or 0. */
static inline size_t fx_reference(const char *p, const char *end)
{
	static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;",
					    "&apos;"};
	const char *q;
	uint32_t v = 0;

	for (size_t i = 0; i < 5; i++) {
		size_t n = strlen(named[i]);

		if ((size_t)(end - p) >= n && !memcmp(p, named[i], n))
			return n;
	}
	if (end - p < 4 || p[1] != '#')
		return 0;
	q = p + 2;
	if (*q == 'x') {
		q++;
		if (q >= end || *q == ';')
			return 0;
		for (; q < end && *q != ';'; q++) {
			int d = (*q >= '0' && *q <= '9')   ? *q - '0'
				: (*q >= 'a' && *q <= 'f') ? *q - 'a' + 10
				: (*q >= 'A' && *q <= 'F') ? *q - 'A' + 10
							   : -1;
			if (d < 0 || v > 0x10ffff)
				return 0;
			v = v * 16 + (uint32_t)d;
		}
	} else {
		if (q >= end || *q == ';')
			return 0;
		for (; q < end && *q != ';'; q++) {
			if (*q < '0' || *q > '9' || v > 0x10ffff)
				return 0;
			v = v * 10 + (uint32_t)(*q - '0');
		}
	}
	if (q >= end || !fx_char_ok(v))
		return 0;
	return (size_t)(q + 1 - p);
}

/* Character data or an attribute value up to a stop byte. */
static inline const char *fx_text(const char **pp, const char *end,
				  char stop, bool attr)
{
	const char *p = *pp;

	while (p < end && *p != stop) {
		uint32_t cp;
		size_t n;

		if (*p == '&') {
			if (!(n = fx_reference(p, end)))
				return "bad reference";
			p += n;
			continue;
		}
		if (attr && *p == '<')
			return "'<' in an attribute value";
		if (!attr && *p == '>' && p - *pp >= 2 && p[-1] == ']' &&
		    p[-2] == ']')
			return "']]>' in character data";
		n = fuzz_utf8_len((const unsigned char *)p, (size_t)(end - p),
				  &cp);
		if (!n)
			return "invalid UTF-8";
		if (!fx_char_ok(cp))
			return "character not allowed in XML 1.0";
		p += n;
	}
	*pp = p;
	return NULL;
}

/*
 * Check a whole document: optional XML declaration, one root element,
 * elements with attributes (unique names, quoted values), text,
 * references, comments; no DTD, no CDATA, no processing instructions
 * (a writer of ours never makes them).
 */
static inline const char *fuzz_xml_check(const char *s, size_t len)
{
	const char *p = s, *end = s + len, *err;
	const char *stack[256];
	size_t stack_len[256];
	int depth = 0;
	bool root_seen = false;

	if (!fuzz_utf8_valid(s, len))
		return "the document is not valid UTF-8";
	if (len >= 5 && !memcmp(p, "<?xml", 5)) {
		const char *q = strstr(p, "?>");

		if (!q)
			return "unterminated XML declaration";
		p = q + 2;
	}
	for (;;) {
		const char *t = p;

		if (depth) {
			if ((err = fx_text(&p, end, '<', false)))
				return err;
		} else {
			while (p < end && (*p == ' ' || *p == '\n' ||
					   *p == '\t' || *p == '\r'))
				p++;
		}
		(void)t;
		if (p >= end)
			break;
		if (*p != '<')
			return "text outside the root element";
		if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
			const char *q = p + 4;

			while (q + 3 <= end && memcmp(q, "--", 2))
				q++;
			if (q + 3 > end || q[2] != '>')
				return "bad comment";
			p = q + 3;
			continue;
		}
		if (p + 1 < end && p[1] == '/') {
			const char *n = p + 2, *q = n;

			while (q < end && fx_name_char(*q, q == n))
				q++;
			if (!depth || (size_t)(q - n) != stack_len[depth - 1] ||
			    memcmp(n, stack[depth - 1], (size_t)(q - n)))
				return "mismatched end tag";
			while (q < end && (*q == ' ' || *q == '\n'))
				q++;
			if (q >= end || *q != '>')
				return "bad end tag";
			p = q + 1;
			depth--;
			continue;
		}
		{
			const char *n = p + 1, *q = n;
			const char *attrs[64];
			size_t attr_len[64], nattrs = 0;

			while (q < end && fx_name_char(*q, q == n))
				q++;
			if (q == n)
				return "bad element name";
			if (!depth && root_seen)
				return "a second root element";
			for (;;) {
				const char *a, *v;
				char quote;

				bool ws = false;
				while (q < end && (*q == ' ' || *q == '\n' ||
						   *q == '\t' || *q == '\r'))
					q++, ws = true;
				if (q >= end)
					return "unterminated start tag";
				if (*q == '>' || (*q == '/' && q + 1 < end &&
						  q[1] == '>'))
					break;
				if (!ws)
					return "no space before an attribute";
				a = q;
				while (q < end && fx_name_char(*q, q == a))
					q++;
				if (q == a || q >= end || *q != '=')
					return "bad attribute";
				for (size_t i = 0; i < nattrs; i++)
					if (attr_len[i] == (size_t)(q - a) &&
					    !memcmp(attrs[i], a, attr_len[i]))
						return "duplicate attribute";
				if (nattrs == 64)
					return "too many attributes";
				attrs[nattrs] = a;
				attr_len[nattrs++] = (size_t)(q - a);
				q++;
				if (q >= end || (*q != '"' && *q != '\''))
					return "unquoted attribute value";
				quote = *q++;
				v = q;
				if ((err = fx_text(&v, end, quote, true)))
					return err;
				if (v >= end)
					return "unterminated attribute value";
				q = v + 1;
			}
			if (*q == '/') {
				p = q + 2;
				if (!depth)
					root_seen = true;
				continue;
			}
			if (depth == 256)
				return "nested too deep";
			stack[depth] = n;
			stack_len[depth++] = (size_t)(q - n - 0);
			{
				/* the name's length, not the tag's */
				const char *e = n;

				while (e < end && fx_name_char(*e, e == n))
					e++;
				stack_len[depth - 1] = (size_t)(e - n);
			}
			root_seen = true;
			p = q + 1;
		}
	}
	if (depth)
		return "unclosed element";
	if (!root_seen)
		return "no root element";
	return NULL;
}

/* ---- TAP 13/14 ---- */

/* Decode a YAML double-quoted scalar as the TAP writer makes them. */
static inline const char *fuzz_yaml_dq(const char **pp, const char *end)
{
	const char *p = *pp;

	if (p >= end || *p != '"')
		return "expected '\"'";
	p++;
	while (p < end && *p != '"') {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			return "raw control character in a YAML string";
		if (c == '\\') {
			p++;
			if (p >= end)
				return "unterminated YAML escape";
			switch (*p) {
			case '\\': case '"': case 'n': case 't': case 'r':
			case '0': case 'a': case 'b': case 'e': case 'f':
			case 'v': case '/': case ' ': case 'N': case '_':
			case 'L': case 'P':
				p++;
				break;
			case 'x':
				if (end - p < 3 || !strchr("0123456789abcdefABCDEF", p[1]) ||
				    !strchr("0123456789abcdefABCDEF", p[2]) || !p[1] || !p[2])
					return "bad \\x escape";
				p += 3;
				break;
			default:
				return "unknown YAML escape";
			}
			continue;
		}
		p++;
	}
	if (p >= end)
		return "unterminated YAML string";
	*pp = p + 1;
	return NULL;
}

/*
 * Undo the description escaping ('\\' and '\#') of a TAP test point and
 * cut at the first unescaped '#' (a directive).  Returns a malloc'd string.
 */
static inline char *fuzz_tap_unescape(const char *s, size_t len,
				      const char **directive)
{
	char *out = malloc(len + 1);
	size_t o = 0;

	if (!out)
		abort();
	*directive = NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len &&
		    (s[i + 1] == '\\' || s[i + 1] == '#')) {
			out[o++] = s[++i];
			continue;
		}
		if (s[i] == '#') {
			*directive = s + i;
			/* the space before a directive is not the name's */
			if (o && out[o - 1] == ' ')
				o--;
			break;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return out;
}

#endif
