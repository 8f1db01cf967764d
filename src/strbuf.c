/*
 * strbuf.c - the growable string buffer and its file helpers.
 */
#include "strbuf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	strbuf_grow(sb, 0);
	res = sb->buf;
	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	bool fresh = !sb->alloc;

	if (extra > SIZE_MAX - sb->len - 1)
		die("strbuf: size overflow");
	if (fresh)
		sb->buf = NULL;
	ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		BUG("strbuf_setlen beyond allocation");
	sb->len = len;
	if (sb->buf != strbuf_slopbuf)
		sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	strbuf_setlen(sb, sb->len + n);
}

void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	strbuf_add(sb, other->buf, other->len);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0,
		      fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("bad format '%s'", fmt);
	if ((size_t)n >= (sb->alloc ? sb->alloc - sb->len : 0)) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	strbuf_setlen(sb, sb->len + (size_t)n);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_splice(struct strbuf *sb, size_t pos, size_t len, const void *data,
		   size_t dlen)
{
	if (pos > sb->len || len > sb->len - pos)
		BUG("strbuf_splice out of range");
	if (dlen > len)
		strbuf_grow(sb, dlen - len);
	memmove(sb->buf + pos + dlen, sb->buf + pos + len, sb->len - pos - len);
	if (dlen)
		memcpy(sb->buf + pos, data, dlen);
	if (sb->alloc)
		strbuf_setlen(sb, sb->len + dlen - len);
}

void strbuf_insert(struct strbuf *sb, size_t pos, const void *data, size_t len)
{
	strbuf_splice(sb, pos, 0, data, len);
}

void strbuf_add_shell_quoted(struct strbuf *sb, const char *w)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789-_./=:,+@%";

	if (*w && !w[strspn(w, safe)]) {
		strbuf_addstr(sb, w);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *w; w++) {
		if (*w == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *w);
	}
	strbuf_addch(sb, '\'');
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

void strbuf_rtrim(struct strbuf *sb)
{
	size_t n = sb->len;

	while (n && is_space(sb->buf[n - 1]))
		n--;
	if (sb->alloc)
		strbuf_setlen(sb, n);
}

void strbuf_ltrim(struct strbuf *sb)
{
	size_t i = 0;

	while (i < sb->len && is_space(sb->buf[i]))
		i++;
	if (i)
		strbuf_splice(sb, 0, i, NULL, 0);
}

void strbuf_trim(struct strbuf *sb)
{
	strbuf_rtrim(sb);
	strbuf_ltrim(sb);
}

void strbuf_replace_all(struct strbuf *sb, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to), pos = 0;

	if (!flen)
		BUG("strbuf_replace_all with empty pattern");
	while (pos + flen <= sb->len) {
		char *hit = memmem(sb->buf + pos, sb->len - pos, from, flen);
		if (!hit)
			break;
		pos = (size_t)(hit - sb->buf);
		strbuf_splice(sb, pos, flen, to, tlen);
		pos += tlen;
	}
}

int strbuf_starts_with(const struct strbuf *sb, const char *prefix)
{
	size_t n = strlen(prefix);

	return sb->len >= n && !memcmp(sb->buf, prefix, n);
}

ssize_t strbuf_read_fd(struct strbuf *sb, int fd, size_t max)
{
	size_t start = sb->len;

	for (;;) {
		size_t want = 65536;
		ssize_t n;

		if (max && sb->len - start + want > max)
			want = max - (sb->len - start);
		if (!want)
			break;
		strbuf_grow(sb, want);
		n = xread(fd, sb->buf + sb->len, want);
		if (n < 0) {
			strbuf_setlen(sb, start);
			return -1;
		}
		if (n == 0)
			break;
		strbuf_setlen(sb, sb->len + (size_t)n);
	}
	return (ssize_t)(sb->len - start);
}

ssize_t strbuf_read_file(struct strbuf *sb, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = strbuf_read_fd(sb, fd, max);
	close_keep_errno(fd);
	return n;
}

ssize_t strbuf_read_file_tail(struct strbuf *sb, const char *path, size_t max,
			      bool *truncated)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (truncated)
		*truncated = false;
	if (fd < 0)
		return -1;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && max &&
	    (size_t)st.st_size > max) {
		if (lseek(fd, st.st_size - (off_t)max, SEEK_SET) < 0) {
			close_keep_errno(fd);
			return -1;
		}
		if (truncated)
			*truncated = true;
	}
	n = strbuf_read_fd(sb, fd, max);
	close_keep_errno(fd);
	return n;
}

int strbuf_getline(struct strbuf *sb, FILE *fp)
{
	int c;

	strbuf_reset(sb);
	while ((c = getc(fp)) != EOF) {
		if (c == '\n')
			return 0;
		strbuf_addch(sb, c);
	}
	return sb->len ? 0 : EOF;
}

int strbuf_write_file(const struct strbuf *sb, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0)
		return error_errno("cannot open '%s' for writing", path);
	if (write_in_full(fd, sb->buf, sb->len) < 0) {
		close_keep_errno(fd);
		return error_errno("cannot write '%s'", path);
	}
	if (close(fd) < 0)
		return error_errno("cannot write '%s'", path);
	return 0;
}

int strbuf_write_file_atomic(const struct strbuf *sb, const char *path)
{
	char *tmp = xstrfmt("%s.tmp-%ld", path, (long)getpid());
	struct stat st;
	mode_t mode = 0666;
	int fd;

	if (!stat(path, &st))
		mode = st.st_mode & 07777;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp);
		free(tmp);
		return -1;
	}
	if (write_in_full(fd, sb->buf, sb->len) < 0 || fsync(fd) < 0) {
		error_errno("cannot write '%s'", tmp);
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp, path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
