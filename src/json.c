/*
 * json.c - the streaming JSON writer and UTF-8 sanitising shared with the
 * XML writer.
 */
#include "json.h"

#include <math.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included).
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static const char replacement[] = "\xef\xbf\xbd";

static bool xml_forbidden(uint32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	return cp == 0xfffe || cp == 0xffff;
}

void utf8_sanitize(struct strbuf *out, const char *s, size_t len, bool xml)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n = utf8_seq_len(p + i, len - i, &cp);

		if (!n) {
			strbuf_addstr(out, replacement);
			i++;
			continue;
		}
		if (xml && xml_forbidden(cp))
			strbuf_addstr(out, replacement);
		else
			strbuf_add(out, p + i, n);
		i += n;
	}
}

void json_quote(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	strbuf_addch(out, '"');
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_seq_len(p + i, len - i, &cp);

		if (!n) {
			strbuf_addstr(out, replacement);
			i++;
			continue;
		}
		switch (cp) {
		case '"':
			strbuf_addstr(out, "\\\"");
			break;
		case '\\':
			strbuf_addstr(out, "\\\\");
			break;
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\r':
			strbuf_addstr(out, "\\r");
			break;
		case '\t':
			strbuf_addstr(out, "\\t");
			break;
		default:
			if (cp < 0x20 || cp == 0x7f)
				strbuf_addf(out, "\\u%04x", (unsigned)cp);
			else
				strbuf_add(out, p + i, n);
		}
		i += n;
	}
	strbuf_addch(out, '"');
}

void json_init(struct json_writer *w, struct strbuf *out, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->pretty = pretty;
	w->first[0] = true;
}

static void indent(struct json_writer *w)
{
	strbuf_addch(w->out, '\n');
	strbuf_addchars(w->out, ' ', (size_t)w->depth * 2);
}

/* Separator before a value or key at the current level. */
static void before_item(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		strbuf_addch(w->out, ',');
	w->first[w->depth] = false;
	if (w->pretty && w->depth)
		indent(w);
}

static void open_level(struct json_writer *w, char c)
{
	before_item(w);
	strbuf_addch(w->out, c);
	if (w->depth + 1 >= JSON_MAX_DEPTH)
		BUG("json nesting too deep");
	w->first[++w->depth] = true;
}

static void close_level(struct json_writer *w, char c)
{
	bool empty = w->first[w->depth];

	if (!w->depth)
		BUG("json close without open");
	w->depth--;
	if (w->pretty && !empty)
		indent(w);
	strbuf_addch(w->out, c);
}

void json_object_begin(struct json_writer *w)
{
	open_level(w, '{');
}

void json_object_end(struct json_writer *w)
{
	close_level(w, '}');
}

void json_array_begin(struct json_writer *w)
{
	open_level(w, '[');
}

void json_array_end(struct json_writer *w)
{
	close_level(w, ']');
}

void json_key(struct json_writer *w, const char *key)
{
	before_item(w);
	json_quote(w->out, key, strlen(key));
	strbuf_addstr(w->out, w->pretty ? ": " : ":");
	w->after_key = true;
}

void json_string_n(struct json_writer *w, const char *s, size_t len)
{
	before_item(w);
	json_quote(w->out, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_string_n(w, s, strlen(s));
}

void json_int(struct json_writer *w, long long v)
{
	before_item(w);
	strbuf_addf(w->out, "%lld", v);
}

void json_uint(struct json_writer *w, unsigned long long v)
{
	before_item(w);
	strbuf_addf(w->out, "%llu", v);
}

void json_double(struct json_writer *w, double v)
{
	before_item(w);
	if (!isfinite(v))
		strbuf_addstr(w->out, "null");
	else
		strbuf_addf(w->out, "%.6g", v);
}

void json_bool(struct json_writer *w, bool v)
{
	before_item(w);
	strbuf_addstr(w->out, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	before_item(w);
	strbuf_addstr(w->out, "null");
}
