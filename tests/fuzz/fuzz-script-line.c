/*
 * fuzz-script-line.c - the script engine's line syntax: $VAR expansion,
 * splitting into words with '...' quoting, and !/?/[cond] prefixes and the
 * & suffix.  Nothing may crash or leak; expansion of text without '$' is
 * the identity; the parsed command line is consistent.
 */
#include "common.h"
#include "script/engine.h"
#include "strbuf.h"

#include "fuzz.h"

static const char *fake_getenv(void *data, const char *name)
{
	(void)data;
	if (!strcmp(name, "WORK"))
		return "/tmp/work dir";
	if (!strcmp(name, "x"))
		return "a b";
	if (!strcmp(name, "q"))
		return "it's";
	if (!strcmp(name, "e"))
		return "";
	if (!strcmp(name, "R"))
		return "a.b*c[d]$";
	if (!strcmp(name, "$"))
		return "1234";
	if (!strcmp(name, "#") || !strcmp(name, "1"))
		return "#";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct strbuf sb = STRBUF_INIT;
	struct script_words words = {0};
	struct script_cmdline cl = SCRIPT_CMDLINE_INIT;
	char *err = NULL;

	script_expand(&sb, line, size, fake_getenv, NULL);
	if (!memchr(line, '$', size))
		FUZZ_ASSERT(sb.len == size && !memcmp(sb.buf, line, size));
	strbuf_release(&sb);

	if (script_split_line(&words, line, size, fake_getenv, NULL, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		free(err);
		script_words_clear(&words);
		return 0;
	}
	FUZZ_ASSERT(!err);
	for (size_t i = 0; i < words.nr; i++)
		FUZZ_ASSERT(words.w[i].s);
	/* Without quotes, '$', '#' or NUL: plain splitting on blanks. */
	if (!memchr(line, '\'', size) && !memchr(line, '$', size) &&
	    !memchr(line, '#', size) && !memchr(line, '\0', size)) {
		size_t i = 0, k = 0;

		while (i < size) {
			size_t j;

			while (i < size && strchr(" \t\r", line[i]))
				i++;
			if (i >= size)
				break;
			for (j = i; j < size && !strchr(" \t\r", line[j]); j++)
				;
			FUZZ_ASSERT(k < words.nr);
			FUZZ_ASSERT(strlen(words.w[k].s) == j - i &&
				    !memcmp(words.w[k].s, line + i, j - i));
			FUZZ_ASSERT(!words.w[k].quoted);
			k++;
			i = j;
		}
		FUZZ_ASSERT(k == words.nr);
	}
	if (script_parse_cmdline(&cl, &words, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		free(err);
	} else {
		FUZZ_ASSERT(!err);
		FUZZ_ASSERT(cl.args.v[cl.args.nr] == NULL);
		FUZZ_ASSERT(cl.want <= WANT_ANY);
		for (size_t i = 0; i < cl.nr_conds; i++)
			FUZZ_ASSERT(cl.conds[i].name);
		if (cl.bg_name)
			FUZZ_ASSERT(cl.background);
	}
	script_cmdline_clear(&cl);
	script_words_clear(&words);
	return 0;
}
