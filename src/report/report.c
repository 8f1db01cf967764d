/*
 * report/report.c - what every reporter shares: the report_set that drives
 * several reporters together, the result names, and the escaping helpers
 * (terminal-safe text, TAP descriptions, YAML strings, XML text, safe
 * directory names, output tails).
 */
#include "common.h"
#include "report.h"
#include "json.h"
#include "strbuf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

const char *report_result_name(enum report_result r)
{
	switch (r) {
	case REPORT_PASS:
		return "PASS";
	case REPORT_FAIL:
		return "FAIL";
	case REPORT_SKIP:
		return "SKIP";
	case REPORT_FLAKY:
		return "FLAKY";
	}
	return "FAIL";
}

void report_set_add(struct report_set *s, struct reporter *r)
{
	ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	s->v[s->nr++] = r;
}

void report_begin(struct report_set *s, const struct report_run *run)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i]->ops->begin)
			s->v[i]->ops->begin(s->v[i], run);
}

void report_test_started(struct report_set *s, const struct report_test *t)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i]->ops->test_started)
			s->v[i]->ops->test_started(s->v[i], t);
}

void report_test_finished(struct report_set *s, const struct report_test *t)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i]->ops->test_finished)
			s->v[i]->ops->test_finished(s->v[i], t);
}

void report_status(struct report_set *s, const struct report_status *st)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i]->ops->status)
			s->v[i]->ops->status(s->v[i], st);
}

int report_end(struct report_set *s, const struct report_run *run,
	       const struct report_test *tests, size_t nr)
{
	int ret = 0;

	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i]->ops->end &&
		    s->v[i]->ops->end(s->v[i], run, tests, nr) < 0)
			ret = -1;
	return ret;
}

void report_set_clear(struct report_set *s)
{
	for (size_t i = 0; i < s->nr; i++)
		s->v[i]->ops->free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->nr = s->alloc = 0;
}

#define REPLACEMENT "\xef\xbf\xbd"

void report_printable(struct strbuf *out, const char *s, size_t len,
		      bool keep_newlines)
{
	struct strbuf clean = STRBUF_INIT;
	const unsigned char *p;
	size_t i;

	utf8_sanitize(&clean, s, len, false);
	p = (const unsigned char *)clean.buf;
	for (i = 0; i < clean.len; i++) {
		unsigned char c = p[i];

		if (c == '\t' || (c == '\n' && keep_newlines)) {
			strbuf_addch(out, c);
		} else if (c == '\r' && keep_newlines && i + 1 < clean.len &&
			   p[i + 1] == '\n') {
			/* CRLF line ends: the LF is enough. */
		} else if (c < 0x20 || c == 0x7f) {
			strbuf_addstr(out, REPLACEMENT);
		} else if (c == 0xc2 && i + 1 < clean.len && p[i + 1] >= 0x80 &&
			   p[i + 1] <= 0x9f) {
			/* C1 controls (U+0080..U+009F): CSI is one of them. */
			strbuf_addstr(out, REPLACEMENT);
			i++;
		} else {
			strbuf_addch(out, c);
		}
	}
	strbuf_release(&clean);
}

void report_tap_escape(struct strbuf *out, const char *name)
{
	struct strbuf clean = STRBUF_INIT;

	report_printable(&clean, name, strlen(name), false);
	for (size_t i = 0; i < clean.len; i++) {
		if (clean.buf[i] == '\\' || clean.buf[i] == '#')
			strbuf_addch(out, '\\');
		strbuf_addch(out, clean.buf[i]);
	}
	strbuf_release(&clean);
}

void report_yaml_quote(struct strbuf *out, const char *s, size_t len)
{
	struct strbuf clean = STRBUF_INIT;

	report_printable(&clean, s, len, true);
	strbuf_addch(out, '"');
	for (size_t i = 0; i < clean.len; i++) {
		unsigned char c = clean.buf[i];

		switch (c) {
		case '\\':
			strbuf_addstr(out, "\\\\");
			break;
		case '"':
			strbuf_addstr(out, "\\\"");
			break;
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\t':
			strbuf_addstr(out, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\x%02x", c);
			else
				strbuf_addch(out, c);
		}
	}
	strbuf_addch(out, '"');
	strbuf_release(&clean);
}

void report_xml_escape(struct strbuf *out, const char *s, size_t len)
{
	struct strbuf clean = STRBUF_INIT;

	utf8_sanitize(&clean, s, len, true);
	for (size_t i = 0; i < clean.len; i++) {
		char c = clean.buf[i];

		switch (c) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		case '\'':
			strbuf_addstr(out, "&apos;");
			break;
		case '\r':
			/* A raw CR would be normalised away by parsers. */
			strbuf_addstr(out, "&#13;");
			break;
		default:
			strbuf_addch(out, c);
		}
	}
	strbuf_release(&clean);
}

#define SAFE_NAME_MAX 80

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void report_safe_name(struct strbuf *out, const char *name)
{
	size_t start = out->len, n = 0;
	bool changed = false;

	for (const char *p = name; *p && n < SAFE_NAME_MAX; p++, n++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			  c == '-';

		if (!ok || (c == '.' && n == 0)) {
			c = '_';
			changed = true;
		}
		strbuf_addch(out, c);
	}
	if (strlen(name) > SAFE_NAME_MAX)
		changed = true;
	if (out->len == start) {
		strbuf_addstr(out, "_");
		changed = true;
	}
	if (changed)
		strbuf_addf(out, "-%08x", (unsigned)fnv1a(name));
}

void report_output_path(struct strbuf *sb, const struct report_test *t,
			const char *which)
{
	strbuf_reset(sb);
	if (!t->dir)
		return;
	if (t->out_dir)
		strbuf_addf(sb, "%s/", t->out_dir);
	strbuf_addf(sb, "%s/%s", t->dir, which);
}

size_t report_tail_offset(const char *s, size_t len, int max_lines)
{
	size_t end = len;
	int lines = 0;

	if (max_lines <= 0)
		return len;
	if (end && s[end - 1] == '\n')
		end--;
	while (end > 0) {
		if (s[end - 1] == '\n' && ++lines == max_lines)
			return end;
		end--;
	}
	return 0;
}

void report_read_tail(struct strbuf *out, const char *path, size_t max_bytes,
		      bool *truncated)
{
	bool trunc = false;

	if (truncated)
		*truncated = false;
	if (!path || !*path)
		return;
	if (strbuf_read_file_tail(out, path, max_bytes, &trunc) < 0)
		return;
	if (truncated)
		*truncated = trunc;
}
