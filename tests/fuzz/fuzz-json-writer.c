/*
 * fuzz-json-writer.c - json.h's writer driven by a random program of
 * calls (objects, arrays, keys and values with any bytes, pretty or not):
 * the output is one valid JSON value (strict checker in fuzz.h: UTF-8,
 * escapes, no duplicate keys) and every string reads back as the bytes
 * written with each invalid byte replaced by U+FFFD.
 */
#include "common.h"
#include "json.h"
#include "strbuf.h"

#include "fuzz.h"

struct expect {
	char **v;
	size_t *len;
	size_t nr, next;
};

static void on_string(void *ctx, const char *key, const char *s, size_t len)
{
	struct expect *e = ctx;

	(void)key;
	FUZZ_ASSERT(e->next < e->nr);
	if (e->len[e->next] != len || memcmp(e->v[e->next], s, len))
		FUZZ_FAIL("string %zu reads back as '%.*s', expected '%s'",
			  e->next, (int)len, s, e->v[e->next]);
	e->next++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	struct strbuf out = STRBUF_INIT;
	struct json_writer w;
	struct expect e = {0};
	char kinds[JSON_MAX_DEPTH]; /* 'o' or 'a' per open level */
	int depth = 0, keys = 0;
	const char *msg;

	json_init(&w, &out, fuzz_byte(&in) & 1);
	json_object_begin(&w);
	kinds[depth++] = 'o';
	while (in.left && e.nr < 256) {
		unsigned op = fuzz_byte(&in) % 9;
		size_t len;
		const char *s;

		/* In an object every value needs a fresh key first. */
		if (kinds[depth - 1] == 'o' && op != 8) {
			char key[32];

			snprintf(key, sizeof(key), "k%d", keys++);
			json_key(&w, key);
		}
		switch (op) {
		case 0:
			if (depth + 2 < JSON_MAX_DEPTH) {
				json_object_begin(&w);
				kinds[depth++] = 'o';
			} else {
				json_null(&w);
			}
			break;
		case 1:
			if (depth + 2 < JSON_MAX_DEPTH) {
				json_array_begin(&w);
				kinds[depth++] = 'a';
			} else {
				json_null(&w);
			}
			break;
		case 2:
		case 3:
			s = fuzz_field(&in, &len);
			json_string_n(&w, s, len);
			e.v = realloc(e.v, (e.nr + 1) * sizeof(*e.v));
			e.len = realloc(e.len, (e.nr + 1) * sizeof(*e.len));
			if (!e.v || !e.len)
				abort();
			e.v[e.nr] = fuzz_utf8_expect(s, len, &e.len[e.nr]);
			e.nr++;
			break;
		case 4:
			json_int(&w, (long long)fuzz_byte(&in) * -1234567891LL);
			break;
		case 5:
			json_uint(&w, (unsigned long long)fuzz_byte(&in) << 56);
			break;
		case 6: {
			double d;
			memcpy(&d, "\0\0\0\0\0\0\0\0", 8);
			if (in.left >= 8) {
				memcpy(&d, in.p, 8);
				in.p += 8;
				in.left -= 8;
			}
			json_double(&w, d);
			break;
		}
		case 7:
			if (fuzz_byte(&in) & 1)
				json_bool(&w, true);
			else
				json_null(&w);
			break;
		case 8:
			if (depth > 1) {
				if (kinds[--depth] == 'o')
					json_object_end(&w);
				else
					json_array_end(&w);
			}
			break;
		}
	}
	while (depth > 0) {
		if (kinds[--depth] == 'o')
			json_object_end(&w);
		else
			json_array_end(&w);
	}
	msg = fuzz_json_check(out.buf, out.len, on_string, &e);
	FUZZ_CHECK("json writer output", out.buf, out.len, msg);
	FUZZ_ASSERT(e.next == e.nr);
	for (size_t i = 0; i < e.nr; i++)
		free(e.v[i]);
	free(e.v);
	free(e.len);
	strbuf_release(&out);
	return 0;
}
