/*
 * strvec.c - NULL-terminated string arrays: argv and environment building,
 * and template word splitting.
 */
#include "strvec.h"
#include "strbuf.h"

const char *strvec_empty_array[] = {NULL};

void strvec_init(struct strvec *sv)
{
	sv->v = strvec_empty_array;
	sv->nr = sv->alloc = 0;
}

const char *strvec_push_nodup(struct strvec *sv, char *s)
{
	if (sv->v == strvec_empty_array)
		sv->v = NULL;
	/*
	 * Double from 4 slots: a suite keeps one short argv per test, so
	 * ALLOC_GROW's first step (24 slots) would cost 10,000 tests 2 MiB.
	 */
	if (sv->nr + 2 > sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 4;
		if (sv->alloc < sv->nr + 2)
			sv->alloc = sv->nr + 2;
		sv->v = xrealloc(sv->v, st_mult(sv->alloc, sizeof(*sv->v)));
	}
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
	return s;
}

const char *strvec_push(struct strvec *sv, const char *s)
{
	return strvec_push_nodup(sv, xstrdup(s));
}

const char *strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strvec_push_nodup(sv, strbuf_detach(&sb, NULL));
}

void strvec_pushv(struct strvec *sv, const char *const *v)
{
	for (; v && *v; v++)
		strvec_push(sv, *v);
}

void strvec_pop(struct strvec *sv)
{
	if (!sv->nr)
		return;
	free((char *)sv->v[--sv->nr]);
	sv->v[sv->nr] = NULL;
}

void strvec_clear(struct strvec *sv)
{
	if (sv->v != strvec_empty_array) {
		for (size_t i = 0; i < sv->nr; i++)
			free((char *)sv->v[i]);
		free(sv->v);
	}
	strvec_init(sv);
}

const char **strvec_detach(struct strvec *sv)
{
	const char **v;

	if (sv->v == strvec_empty_array)
		return xcalloc(1, sizeof(const char *));
	v = sv->v;
	strvec_init(sv);
	return v;
}

static ssize_t env_index(const struct strvec *sv, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < sv->nr; i++)
		if (!strncmp(sv->v[i], key, klen) &&
		    (sv->v[i][klen] == '=' || !sv->v[i][klen]))
			return (ssize_t)i;
	return -1;
}

const char *strvec_getenv(const struct strvec *sv, const char *key)
{
	ssize_t i = env_index(sv, key);
	const char *eq;

	if (i < 0)
		return NULL;
	eq = strchr(sv->v[i], '=');
	return eq ? eq + 1 : NULL;
}

void strvec_setenv(struct strvec *sv, const char *key, const char *value)
{
	ssize_t i = env_index(sv, key);
	char *entry = xstrfmt("%s=%s", key, value);

	if (i < 0) {
		strvec_push_nodup(sv, entry);
		return;
	}
	free((char *)sv->v[i]);
	sv->v[i] = entry;
}

void strvec_unsetenv(struct strvec *sv, const char *key)
{
	ssize_t i = env_index(sv, key);

	if (i < 0)
		return;
	free((char *)sv->v[i]);
	memmove(&sv->v[i], &sv->v[i + 1],
		(sv->nr - (size_t)i) * sizeof(*sv->v));
	sv->nr--;
}

int strvec_split_words(struct strvec *out, const char *line, char **err)
{
	struct strbuf word = STRBUF_INIT;
	const char *p = line;

	*err = NULL;
	for (;;) {
		bool in_word = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		strbuf_reset(&word);
		while (*p && (in_word = true) &&
		       !(*p == ' ' || *p == '\t' || *p == '\n')) {
			char q = *p;

			if (q == '\'' || q == '"') {
				p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1])
						p++;
					strbuf_addch(&word, *p++);
				}
				if (!*p) {
					*err = xstrfmt(
						"unterminated %c quote in '%s'",
						q, line);
					strbuf_release(&word);
					return -1;
				}
				p++;
			} else if (q == '\\' && p[1]) {
				strbuf_addch(&word, p[1]);
				p += 2;
			} else {
				strbuf_addch(&word, *p++);
			}
		}
		if (in_word)
			strvec_push(out, word.buf);
	}
	strbuf_release(&word);
	return 0;
}
