/*
 * fuzz-options.c - command-line input: duration_parse, parse_ullong,
 * rng_seed_parse and strvec_split_words against small reference parsers,
 * and parse_options over a random argv with a table holding every option
 * type.  parse_options exits on bad input (exit 2) and on -h (exit 0):
 * the harness is linked with -Wl,--wrap=exit and jumps back from those
 * exits, so each input runs in-process.
 *
 * Input: fields separated by "\n%%\n": [0] the string for the single-value
 * parsers and the word splitter, [1] parse_options flags byte, then one
 * field per argv word.
 */
#include "common.h"
#include "clock.h"
#include "parse-options.h"
#include "rng.h"
#include "strbuf.h"
#include "strvec.h"

#include <setjmp.h>

#include "fuzz.h"

/* ---- exit() interception ---- */

void __real_exit(int code) NORETURN;
void __wrap_exit(int code) NORETURN;
static jmp_buf exit_jump;
static int in_parse, exit_code;

void __wrap_exit(int code)
{
	if (in_parse) {
		exit_code = code;
		in_parse = 0;
		longjmp(exit_jump, 1);
	}
	__real_exit(code);
}

/* ---- reference parsers ---- */

/* A decimal (or, with hex, 0x-prefixed) number in 64 bits, whole string. */
static int ref_ull(const char *s, bool hex, unsigned long long *out)
{
	unsigned long long v = 0;
	int base = 10;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			return -1;
		v = v * (unsigned)base + (unsigned)d;
	}
	*out = v;
	return 0;
}

/* Quote a word so strvec_split_words gives it back. */
static void quote_word(struct strbuf *sb, const char *w)
{
	strbuf_addch(sb, '\'');
	for (; *w; w++) {
		if (*w == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *w);
	}
	strbuf_addch(sb, '\'');
}

static void check_words(const char *s)
{
	struct strvec words = STRVEC_INIT, again = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *err = NULL;

	if (strvec_split_words(&words, s, &err) < 0) {
		FUZZ_ASSERT(err && *err);
		free(err);
		strvec_clear(&words);
		return;
	}
	FUZZ_ASSERT(!err && words.v[words.nr] == NULL);
	for (size_t i = 0; i < words.nr; i++) {
		if (i)
			strbuf_addch(&sb, ' ');
		quote_word(&sb, words.v[i]);
	}
	FUZZ_ASSERT(strvec_split_words(&again, sb.buf, &err) == 0);
	FUZZ_ASSERT(again.nr == words.nr);
	for (size_t i = 0; i < words.nr; i++)
		FUZZ_ASSERT(!strcmp(again.v[i], words.v[i]));
	strvec_clear(&words);
	strvec_clear(&again);
	strbuf_release(&sb);
}

static void check_numbers(const char *s, size_t len)
{
	unsigned long long u, r, lo, hi;
	uint64_t seed;
	int64_t ns;
	int ok, ref;

	/* parse_ullong: the reference, bounded by [lo, hi] from the input. */
	lo = len % 7;
	hi = len & 1 ? ULLONG_MAX : 1000;
	ok = parse_ullong(s, lo, hi, "--fuzz", &u);
	ref = ref_ull(s, false, &r);
	if (ref == 0 && (r < lo || r > hi))
		ref = -1;
	if (ok != ref)
		FUZZ_FAIL("parse_ullong('%s') = %d, reference %d", s, ok, ref);
	if (!ok)
		FUZZ_ASSERT(u == r);

	ok = rng_seed_parse(s, &seed);
	ref = ref_ull(s, true, &r);
	if (ok != ref)
		FUZZ_FAIL("rng_seed_parse('%s') = %d, reference %d", s, ok, ref);
	if (!ok)
		FUZZ_ASSERT(seed == r);

	/* A duration that parses formats to one that parses too. */
	if (duration_parse(s, &ns) == 0) {
		struct strbuf sb = STRBUF_INIT;
		int64_t back;

		FUZZ_ASSERT(ns >= 0);
		duration_format(&sb, ns);
		if (duration_parse(sb.buf, &back) < 0)
			FUZZ_FAIL("duration '%s' = %lld formats as '%s', "
				  "which does not parse",
				  s, (long long)ns, sb.buf);
		/* Rounded for humans: three significant digits. */
		if (ns > 0) {
			long double rel = ((long double)back - ns) / ns;
			if (rel < -0.01L || rel > 0.01L)
				FUZZ_FAIL("duration '%s' = %lld formats as "
					  "'%s' = %lld",
					  s, (long long)ns, sb.buf,
					  (long long)back);
		}
		strbuf_release(&sb);
	}
}

/* ---- parse_options ---- */

static int cb_calls;
static int count_cb(const struct option *opt, const char *arg, int unset)
{
	(void)opt;
	(void)unset;
	cb_calls++;
	if (arg && !strcmp(arg, "bad"))
		return error("callback refuses 'bad'");
	return 0;
}

static void check_parse_options(struct fuzz_in *in)
{
	static const char *const usage[] = {"fuzz [options] [--] args", NULL};
	int flags_byte = (int)fuzz_byte(in) & 7;
	int b = 0, v = 0, set = 0, i = 0, argc = 0, rest;
	unsigned long long u = 0;
	const char *str = NULL;
	struct strvec list = STRVEC_INIT, argv = STRVEC_INIT;
	int64_t dur = 0;
	struct option opts[] = {
		OPT_GROUP("group"),
		OPT_BOOL('b', "bool", &b, "a boolean"),
		OPT__VERBOSE(&v, "more"),
		OPT_SET_INT('S', "set-int", &set, "set 3", 3),
		OPT_INT('i', "int", &i, "n", "an int"),
		OPT_UINT('u', "uint", &u, "n", "an unsigned"),
		OPT_STRING('s', "string", &str, "s", "a string"),
		OPT_STRING_LIST('l', "list", &list, "s", "a list"),
		OPT_DURATION('d', "duration", &dur, "a duration"),
		OPT_CALLBACK('c', "callback", NULL, "v", "a callback",
			     count_cb),
		OPT_CALLBACK_F(0, "noarg", NULL, NULL, "no arg",
			       PARSE_OPT_NOARG, count_cb),
		OPT_CALLBACK_F(0, "optarg", NULL, "v", "optional arg",
			       PARSE_OPT_OPTARG, count_cb),
		OPT_CALLBACK_F(0, "hidden", NULL, "v", "hidden",
			       PARSE_OPT_HIDDEN | PARSE_OPT_NONEG, count_cb),
		OPT_END(),
	};

	strvec_push(&argv, "fuzz");
	while (in->left && argv.nr < 64)
		strvec_push_nodup(&argv, fuzz_field_str(in));
	argc = (int)argv.nr;
	/* parse_options permutes argv: hand it a copy of the pointers. */
	{
		const char **copy = calloc(argv.nr + 1, sizeof(*copy));

		if (!copy)
			abort();
		memcpy(copy, argv.v, argv.nr * sizeof(*copy));
		in_parse = 1;
		exit_code = -1;
		if (!setjmp(exit_jump)) {
			rest = parse_options(argc, copy, opts, usage, flags_byte);
			in_parse = 0;
			FUZZ_ASSERT(rest >= 0 && rest <= argc);
			FUZZ_ASSERT(copy[rest] == NULL);
			for (int k = 0; k < rest; k++)
				FUZZ_ASSERT(copy[k]);
		} else {
			FUZZ_ASSERT(exit_code == 0 || exit_code == 2);
		}
		free(copy);
	}
	strvec_clear(&list);
	strvec_clear(&argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	char *s = fuzz_field_str(&in);

	check_numbers(s, strlen(s));
	check_words(s);
	free(s);
	check_parse_options(&in);
	return 0;
}
