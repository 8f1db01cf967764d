/*
 * script/parse.c - the line syntax of scripts: splitting into words with
 * '...' quoting and $VAR expansion (as Go's os.Expand), and turning words
 * into a command line with its !, ?, [cond] prefixes and & suffix.
 */
#include "common.h"
#include "regex.h"
#include "script/engine.h"
#include "strbuf.h"

static bool is_alnum_(int c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static bool is_shell_special(int c)
{
	return c && strchr("*#$@!?-0123456789", c);
}

static void add_var(struct strbuf *out, const char *name, size_t n,
		    script_getenv_fn *getenv_fn, void *data)
{
	/* Judged on the bytes: a NUL in the name makes key shorter than n. */
	bool quote = n > 2 && !memcmp(name + n - 2, "@R", 2);
	char *key = xstrndup(name, quote ? n - 2 : n);
	const char *v;

	v = getenv_fn(data, key);
	if (v && quote)
		regex_quote_meta(out, v);
	else if (v)
		strbuf_addstr(out, v);
	free(key);
}

void script_expand(struct strbuf *out, const char *s, size_t len,
		   script_getenv_fn *getenv_fn, void *data)
{
	size_t i = 0;

	while (i < len) {
		const char *p = s + i + 1;
		size_t rest = len - i - 1, j;

		if (s[i] != '$' || !rest) {
			strbuf_addch(out, s[i++]);
			continue;
		}
		if (p[0] == '{') {
			if (rest > 2 && is_shell_special(p[1]) && p[2] == '}') {
				add_var(out, p + 1, 1, getenv_fn, data);
				i += 4;
				continue;
			}
			for (j = 1; j < rest && p[j] != '}'; j++)
				;
			if (j < rest && j > 1) {
				add_var(out, p + 1, j - 1, getenv_fn, data);
				i += 1 + j + 1;
			} else if (j < rest) {
				i += 3; /* "${}": bad syntax, eaten */
			} else {
				i += 2; /* no closing brace: "${" eaten */
			}
			continue;
		}
		if (is_shell_special(p[0])) {
			add_var(out, p, 1, getenv_fn, data);
			i += 2;
			continue;
		}
		for (j = 0; j < rest && is_alnum_(p[j]); j++)
			;
		if (!j) {
			strbuf_addch(out, '$');
			i++;
			continue;
		}
		add_var(out, p, j, getenv_fn, data);
		i += 1 + j;
	}
}

void script_words_clear(struct script_words *w)
{
	for (size_t i = 0; i < w->nr; i++)
		free(w->w[i].s);
	free(w->w);
	memset(w, 0, sizeof(*w));
}

int script_split_line(struct script_words *out, const char *line, size_t len,
		      script_getenv_fn *getenv_fn, void *data, char **err)
{
	struct strbuf word = STRBUF_INIT;
	bool in_word = false, quoted = false, any_quote = false;
	size_t i = 0, start = 0;

	memset(out, 0, sizeof(*out));
	for (;; i++) {
		if (!quoted && (i >= len || line[i] == ' ' || line[i] == '\t' ||
				line[i] == '\r' || line[i] == '#')) {
			if (in_word) {
				script_expand(&word, line + start, i - start,
					      getenv_fn, data);
				ALLOC_GROW(out->w, out->nr + 1, out->alloc);
				out->w[out->nr].quoted = any_quote;
				out->w[out->nr++].s =
					strbuf_detach(&word, NULL);
				in_word = false;
				any_quote = false;
			}
			if (i >= len || line[i] == '#')
				break;
			continue;
		}
		if (i >= len) {
			strbuf_release(&word);
			script_words_clear(out);
			*err = xstrdup("unterminated quoted argument");
			return -1;
		}
		if (line[i] == '\'') {
			if (!quoted) {
				if (in_word)
					script_expand(&word, line + start,
						      i - start, getenv_fn,
						      data);
				in_word = true;
				any_quote = true;
				quoted = true;
				start = i + 1;
				continue;
			}
			strbuf_add(&word, line + start, i - start);
			if (i + 1 < len && line[i + 1] == '\'') {
				/* '' inside quotes is one literal quote */
				strbuf_addch(&word, '\'');
				i++;
				start = i + 1;
				continue;
			}
			quoted = false;
			start = i + 1;
			continue;
		}
		if (!in_word) {
			in_word = true;
			start = i;
		}
	}
	strbuf_release(&word);
	return 0;
}

void script_cmdline_clear(struct script_cmdline *c)
{
	for (size_t i = 0; i < c->nr_conds; i++)
		free(c->conds[i].name);
	free(c->conds);
	strvec_clear(&c->args);
	free(c->bg_name);
	memset(c, 0, sizeof(*c));
	strvec_init(&c->args);
}

/* "&" or "&name&" with name of [A-Za-z0-9_]+. */
static bool parse_bg_marker(const char *s, char **name)
{
	size_t n = strlen(s), i;

	*name = NULL;
	if (!strcmp(s, "&"))
		return true;
	if (n < 3 || s[0] != '&' || s[n - 1] != '&')
		return false;
	for (i = 1; i < n - 1; i++)
		if (!is_alnum_(s[i]))
			return false;
	*name = xstrndup(s + 1, n - 2);
	return true;
}

int script_parse_cmdline(struct script_cmdline *out,
			 const struct script_words *words, char **err)
{
	size_t i = 0, end = words->nr;
	bool have_want = false;

	memset(out, 0, sizeof(*out));
	strvec_init(&out->args);
	for (; i < end; i++) {
		const struct script_word *w = &words->w[i];
		size_t n = strlen(w->s);

		if (w->quoted)
			break;
		if (!strcmp(w->s, "!") || !strcmp(w->s, "?")) {
			if (have_want) {
				*err = xstrfmt(
					"more than one '!' or '?' prefix");
				goto fail;
			}
			have_want = true;
			out->want = w->s[0] == '!' ? WANT_FAILURE : WANT_ANY;
			continue;
		}
		if (n >= 2 && w->s[0] == '[' && w->s[n - 1] == ']') {
			struct script_cond_use *c;
			const char *b = w->s + 1, *e = w->s + n - 1;
			bool negate = false;

			while (b < e && *b == ' ')
				b++;
			if (b < e && *b == '!') {
				negate = true;
				b++;
			}
			while (b < e && *b == ' ')
				b++;
			while (e > b && e[-1] == ' ')
				e--;
			if (b == e) {
				*err = xstrfmt("empty condition '%s'", w->s);
				goto fail;
			}
			ALLOC_GROW(out->conds, out->nr_conds + 1,
				   out->alloc_conds);
			c = &out->conds[out->nr_conds++];
			c->name = xstrndup(b, e - b);
			c->negate = negate;
			continue;
		}
		break;
	}
	if (i >= end) {
		*err = xstrdup(out->nr_conds ? "missing command after condition"
					     : "missing command after prefix");
		goto fail;
	}
	if (end - i >= 2 && !words->w[end - 1].quoted &&
	    parse_bg_marker(words->w[end - 1].s, &out->bg_name)) {
		out->background = true;
		end--;
	}
	for (; i < end; i++)
		strvec_push(&out->args, words->w[i].s);
	return 0;
fail:
	script_cmdline_clear(out);
	return -1;
}
