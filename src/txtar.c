/*
 * txtar.c - parsing and formatting of txtar archives (see txtar.h for the
 * marker rules).
 */
#include "common.h"
#include "strbuf.h"
#include "txtar.h"

bool txtar_is_marker(const char *buf, size_t len, char **name)
{
	size_t b, e;

	if (len && buf[len - 1] == '\r')
		len--;
	if (len < 6 || memcmp(buf, "-- ", 3) || memcmp(buf + len - 3, " --", 3))
		return false;
	b = 3;
	e = len - 3;
	while (b < e && (buf[b] == ' ' || buf[b] == '\t'))
		b++;
	while (e > b && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
		e--;
	/*
	 * A NUL cannot be in a file name: such a line is data, not a marker
	 * whose name would be silently cut short.
	 */
	if (b == e || memchr(buf + b, '\0', e - b))
		return false;
	if (name)
		*name = xstrndup(buf + b, e - b);
	return true;
}

/* Copy [b, e) adding a final newline when missing. */
static char *copy_section(const char *buf, size_t b, size_t e, size_t *len)
{
	size_t n = e - b;
	bool add_nl = n && buf[e - 1] != '\n';
	char *s = xmalloc(n + add_nl + 1);

	memcpy(s, buf + b, n);
	if (add_nl)
		s[n++] = '\n';
	s[n] = '\0';
	*len = n;
	return s;
}

void txtar_parse(struct txtar *ar, const char *buf, size_t len)
{
	size_t pos = 0, lineno = 0, sect_start = 0;
	struct txtar_file *cur = NULL;

	memset(ar, 0, sizeof(*ar));
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;
		size_t next = nl ? end + 1 : len;
		char *name;

		lineno++;
		if (txtar_is_marker(buf + pos, end - pos, &name)) {
			if (cur) {
				cur->data = copy_section(buf, sect_start, pos,
							 &cur->len);
				cur->data_end = pos;
			} else {
				ar->comment = copy_section(buf, 0, pos,
							   &ar->comment_len);
			}
			ALLOC_GROW(ar->files, ar->nr + 1, ar->alloc);
			cur = &ar->files[ar->nr++];
			memset(cur, 0, sizeof(*cur));
			cur->name = name;
			cur->line = lineno;
			cur->data_off = next;
			sect_start = next;
		}
		pos = next;
	}
	if (cur) {
		cur->data = copy_section(buf, sect_start, len, &cur->len);
		cur->data_end = len;
	} else {
		ar->comment = copy_section(buf, 0, len, &ar->comment_len);
	}
}

void txtar_clear(struct txtar *ar)
{
	for (size_t i = 0; i < ar->nr; i++) {
		free(ar->files[i].name);
		free(ar->files[i].data);
	}
	free(ar->files);
	free(ar->comment);
	memset(ar, 0, sizeof(*ar));
}

void txtar_format(struct strbuf *out, const struct txtar *ar)
{
	if (ar->comment)
		strbuf_add(out, ar->comment, ar->comment_len);
	for (size_t i = 0; i < ar->nr; i++) {
		strbuf_addf(out, "-- %s --\n", ar->files[i].name);
		strbuf_add(out, ar->files[i].data, ar->files[i].len);
		if (ar->files[i].len &&
		    ar->files[i].data[ar->files[i].len - 1] != '\n')
			strbuf_addch(out, '\n');
	}
}

bool txtar_needs_quote(const char *data, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;

		if (txtar_is_marker(data + pos, end - pos, NULL))
			return true;
		pos = end + 1;
	}
	return false;
}
