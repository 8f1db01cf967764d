/*
 * test-json.c - unit tests of the JSON writer and UTF-8 sanitiser: every
 * document the writer produces is parsed back with jansson (loaded by
 * jansson-shim.h) and compared value by value, compact and pretty; strings
 * with quotes, backslashes, control characters, NULs and invalid UTF-8
 * come back as the same text or with U+FFFD; the XML mode replaces what
 * XML 1.0 forbids.
 */
#include "common.h"
#include "json.h"
#include "strbuf.h"

#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include "jansson-shim.h"

#define FFFD "\xef\xbf\xbd"

static int setup(void **state)
{
	(void)state;
	if (jx_load() < 0)
		print_message("jansson not found: parse checks are skipped\n");
	return 0;
}

static struct jx *parse_or_fail(const struct strbuf *sb)
{
	struct jx_error err;
	struct jx *j;

	if (!jx_loadb)
		skip();
	j = jx_parse(sb->buf, sb->len, &err);
	if (!j)
		fail_msg("invalid JSON (%s at %d): %s", err.text, err.position,
			 sb->buf);
	return j;
}

/* Write `s` as a JSON string, parse it back, return the decoded bytes. */
static void roundtrip(const char *s, size_t len, struct strbuf *decoded)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	struct jx *j;

	json_init(&w, &out, false);
	json_string_n(&w, s, len);
	j = parse_or_fail(&out);
	assert_int_equal(j->type, JX_STRING);
	strbuf_reset(decoded);
	strbuf_add(decoded, jx_str(j), jx_strlen(j));
	jx_free(j);
	strbuf_release(&out);
}

static void check_roundtrip_same(const char *s, size_t len)
{
	struct strbuf back = STRBUF_INIT;

	roundtrip(s, len, &back);
	assert_int_equal(back.len, len);
	assert_memory_equal(back.buf, s, len);
	strbuf_release(&back);
}

static void check_roundtrip(const char *s, const char *want)
{
	struct strbuf back = STRBUF_INIT;

	roundtrip(s, strlen(s), &back);
	assert_string_equal(back.buf, want);
	strbuf_release(&back);
}

static void write_document(struct strbuf *out, bool pretty)
{
	struct json_writer w;

	json_init(&w, out, pretty);
	json_object_begin(&w);
	json_key(&w, "name");
	json_string(&w, "ordeal");
	json_key(&w, "neg");
	json_int(&w, -42);
	json_key(&w, "min");
	json_int(&w, INT64_MIN);
	json_key(&w, "big");
	json_uint(&w, 9007199254740993ULL);
	json_key(&w, "half");
	json_double(&w, 0.5);
	json_key(&w, "yes");
	json_bool(&w, true);
	json_key(&w, "no");
	json_bool(&w, false);
	json_key(&w, "nothing");
	json_null(&w);
	json_key(&w, "empty_obj");
	json_object_begin(&w);
	json_object_end(&w);
	json_key(&w, "empty_arr");
	json_array_begin(&w);
	json_array_end(&w);
	json_key(&w, "list");
	json_array_begin(&w);
	for (int i = 0; i < 3; i++) {
		json_object_begin(&w);
		json_key(&w, "i");
		json_int(&w, i);
		json_key(&w, "tags");
		json_array_begin(&w);
		json_string(&w, "a");
		json_array_begin(&w);
		json_array_end(&w);
		json_null(&w);
		json_array_end(&w);
		json_object_end(&w);
	}
	json_array_end(&w);
	json_key(&w, "we\"ird\nkey");
	json_int(&w, 1);
	json_object_end(&w);
}

static void check_document(const struct strbuf *out)
{
	struct jx *j = parse_or_fail(out), *v, *list;

	assert_int_equal(j->type, JX_OBJECT);
	assert_int_equal(jx_object_size(j), 12);
	assert_string_equal(jx_str(jx_get(j, "name")), "ordeal");
	assert_int_equal(jx_int(jx_get(j, "neg")), -42);
	assert_true(jx_int(jx_get(j, "min")) == INT64_MIN);
	v = jx_get(j, "big");
	assert_non_null(v);
	assert_int_equal(v->type, JX_INTEGER);
	assert_true((unsigned long long)jx_int(v) == 9007199254740993ULL);
	v = jx_get(j, "half");
	assert_non_null(v);
	assert_true(v->type == JX_REAL || v->type == JX_INTEGER);
	if (v->type == JX_REAL)
		assert_true(jx_real(v) == 0.5);
	assert_int_equal(jx_get(j, "yes")->type, JX_TRUE);
	assert_int_equal(jx_get(j, "no")->type, JX_FALSE);
	assert_int_equal(jx_get(j, "nothing")->type, JX_NULL);
	assert_int_equal(jx_object_size(jx_get(j, "empty_obj")), 0);
	assert_int_equal(jx_size(jx_get(j, "empty_arr")), 0);
	list = jx_get(j, "list");
	assert_int_equal(jx_size(list), 3);
	for (size_t i = 0; i < 3; i++) {
		struct jx *e = jx_at(list, i), *tags;
		assert_int_equal(jx_int(jx_get(e, "i")), (long long)i);
		tags = jx_get(e, "tags");
		assert_int_equal(jx_size(tags), 3);
		assert_string_equal(jx_str(jx_at(tags, 0)), "a");
		assert_int_equal(jx_at(tags, 1)->type, JX_ARRAY);
		assert_int_equal(jx_at(tags, 2)->type, JX_NULL);
	}
	assert_int_equal(jx_int(jx_get(j, "we\"ird\nkey")), 1);
	jx_free(j);
}

static void test_document_compact(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	write_document(&out, false);
	assert_null(memchr(out.buf, '\n', out.len));
	check_document(&out);
	strbuf_release(&out);
}

static void test_document_pretty(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	write_document(&out, true);
	assert_non_null(memchr(out.buf, '\n', out.len));
	check_document(&out);
	strbuf_release(&out);
}

static void test_deep_nesting(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	struct jx *j, *v;
	int depth = JSON_MAX_DEPTH - 1;

	(void)state;
	json_init(&w, &out, false);
	for (int i = 0; i < depth; i++) {
		if (i % 2) {
			json_array_begin(&w);
		} else {
			json_object_begin(&w);
			json_key(&w, "k");
		}
	}
	json_int(&w, 7);
	for (int i = depth - 1; i >= 0; i--) {
		if (i % 2)
			json_array_end(&w);
		else
			json_object_end(&w);
	}
	j = parse_or_fail(&out);
	v = j;
	for (int i = 0; i < depth; i++)
		v = i % 2 ? jx_at(v, 0) : jx_get(v, "k");
	assert_non_null(v);
	assert_int_equal(jx_int(v), 7);
	jx_free(j);
	strbuf_release(&out);
}

static void test_appends_to_strbuf(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;

	(void)state;
	strbuf_addstr(&out, "prefix ");
	json_init(&w, &out, false);
	json_array_begin(&w);
	json_int(&w, 1);
	json_int(&w, 2);
	json_array_end(&w);
	assert_true(strbuf_starts_with(&out, "prefix ["));
	/* Two values need exactly one comma between them. */
	assert_non_null(strstr(out.buf, "1,"));
	assert_null(strstr(out.buf, ",,"));
	assert_null(strstr(out.buf, ",]"));
	strbuf_release(&out);
}

static void test_escapes(void **state)
{
	static const char tricky[] =
		"quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f"
		" c1\x01 c1f\x1f del\x7f";
	struct strbuf out = STRBUF_INIT;

	(void)state;
	check_roundtrip_same(tricky, sizeof(tricky) - 1);
	check_roundtrip_same("", 0);
	check_roundtrip_same("a\0b", 3); /* NUL inside a string */

	/* Controls never appear raw in the output. */
	json_quote(&out, tricky, sizeof(tricky) - 1);
	assert_int_equal(out.buf[0], '"');
	assert_int_equal(out.buf[out.len - 1], '"');
	for (size_t i = 0; i < out.len; i++)
		assert_true((unsigned char)out.buf[i] >= 0x20);
	assert_non_null(strstr(out.buf, "\\\""));
	assert_non_null(strstr(out.buf, "\\\\"));
	assert_non_null(strstr(out.buf, "\\u0001"));
	strbuf_release(&out);

	json_quote(&out, "plain", 5);
	assert_string_equal(out.buf, "\"plain\"");
	strbuf_release(&out);
}

static void test_valid_utf8_kept(void **state)
{
	(void)state;
	check_roundtrip(
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
}

/* Decoded text of `s` must be valid and hold U+FFFD where the bad was. */
static void check_replaced(const char *s, const char *prefix,
			   const char *suffix)
{
	struct strbuf back = STRBUF_INIT;

	roundtrip(s, strlen(s), &back);
	assert_true(strbuf_starts_with(&back, prefix));
	assert_non_null(strstr(back.buf + strlen(prefix), FFFD));
	assert_true(back.len >= strlen(suffix));
	assert_string_equal(back.buf + back.len - strlen(suffix), suffix);
	strbuf_release(&back);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	check_roundtrip("a\xff"
			"b",
			"a" FFFD "b");
	check_roundtrip("\x80", FFFD);
	check_roundtrip("x\xfe", "x" FFFD);
	check_replaced("a\xc0\xaf"
		       "b",
		       "a", "b"); /* overlong '/' */
	check_replaced("a\xed\xa0\x80"
		       "b",
		       "a", "b"); /* surrogate */
	check_replaced("a\xf4\x90\x80\x80"
		       "b",
		       "a", "b");		/* > U+10FFFF */
	check_replaced("a\xe2\x82", "a", FFFD); /* cut at the end */
	check_replaced("a\xe2\x82"
		       "b",
		       "a", "b"); /* cut in the middle */
	/* A good character right after a bad byte survives. */
	check_roundtrip("\xff\xc3\xa9", FFFD "\xc3\xa9");
}

static void sanitize(const char *s, size_t len, bool xml, struct strbuf *out)
{
	strbuf_reset(out);
	utf8_sanitize(out, s, len, xml);
}

static void test_utf8_sanitize(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	sanitize("ok \xc3\xa9", 5, false, &out);
	assert_string_equal(out.buf, "ok \xc3\xa9");
	sanitize("\x01\x1b[0m", 5, false, &out); /* controls are valid UTF-8 */
	assert_string_equal(out.buf, "\x01\x1b[0m");
	sanitize("a\xff", 2, false, &out);
	assert_string_equal(out.buf, "a" FFFD);

	/* XML: C0 controls except tab, LF, CR become U+FFFD. */
	sanitize("a\x01"
		 "b\tc\nd\re\x1b",
		 10, true, &out);
	assert_string_equal(out.buf, "a" FFFD "b\tc\nd\re" FFFD);
	sanitize("x\0y", 3, true, &out);
	assert_string_equal(out.buf, "x" FFFD "y");
	sanitize("\xef\xbf\xbe\xef\xbf\xbf", 6, true, &out); /* FFFE, FFFF */
	assert_string_equal(out.buf, FFFD FFFD);
	sanitize("\xef\xbf\xbe", 3, false, &out); /* fine outside XML */
	assert_string_equal(out.buf, "\xef\xbf\xbe");
	sanitize("a\xff", 2, true, &out);
	assert_string_equal(out.buf, "a" FFFD);
	sanitize("caf\xc3\xa9 \xf0\x9f\x98\x80", 10, true, &out);
	assert_string_equal(out.buf, "caf\xc3\xa9 \xf0\x9f\x98\x80");

	/* It appends. */
	strbuf_reset(&out);
	strbuf_addstr(&out, ">");
	utf8_sanitize(&out, "z", 1, true);
	assert_string_equal(out.buf, ">z");
	strbuf_release(&out);
}

static void test_doubles_stay_valid(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	struct jx *j;
	static const double values[] = {
		0.0, -0.0, 1e-300, -2.5e300, 123456789.125, 1.0 / 3.0,
	};

	(void)state;
	json_init(&w, &out, false);
	json_array_begin(&w);
	for (size_t i = 0; i < ARRAY_SIZE(values); i++)
		json_double(&w, values[i]);
	/* JSON has no NaN or infinity: whatever comes out must parse. */
	json_double(&w, NAN);
	json_double(&w, INFINITY);
	json_double(&w, -INFINITY);
	json_array_end(&w);
	j = parse_or_fail(&out);
	assert_int_equal(jx_size(j), ARRAY_SIZE(values) + 3);
	for (size_t i = 0; i < ARRAY_SIZE(values); i++) {
		struct jx *v = jx_at(j, i);
		double d = v->type == JX_REAL ? jx_real(v) : (double)jx_int(v);
		double err = d - values[i];

		assert_true(v->type == JX_REAL || v->type == JX_INTEGER);
		/* Rounded at most in the 6th significant digit. */
		if (err < 0)
			err = -err;
		assert_true(err <=
			    1e-5 * (values[i] < 0 ? -values[i] : values[i]));
	}
	jx_free(j);
	strbuf_release(&out);
}

static void test_garbage_everywhere(void **state)
{
	/* Every byte value, in keys and values: the output still parses. */
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	char all[256];
	struct jx *j;

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (char)(255 - i);
	json_init(&w, &out, true);
	json_object_begin(&w);
	json_key(&w, "\xff\x01key");
	json_string_n(&w, all, sizeof(all));
	json_object_end(&w);
	j = parse_or_fail(&out);
	assert_int_equal(jx_object_size(j), 1);
	jx_free(j);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_compact),
		cmocka_unit_test(test_document_pretty),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_appends_to_strbuf),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_utf8_sanitize),
		cmocka_unit_test(test_doubles_stay_valid),
		cmocka_unit_test(test_garbage_everywhere),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
