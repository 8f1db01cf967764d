/*
 * jansson-shim.h - the few jansson functions the unit tests use to check
 * that our JSON output really parses, loaded with dlopen().
 *
 * Why not #include <jansson.h>: its names (json_string, json_null,
 * json_object_get...) clash with ordeal's json.h in the same file, and the
 * unit-test link line does not carry -ljansson.  jansson's ABI for these
 * calls (json_t's leading type field, json_error_t) has been stable since
 * 2.0.  When the library is missing, jx_load() fails and the tests that
 * need it call skip().
 */
#ifndef ORDEAL_TEST_JANSSON_SHIM_H
#define ORDEAL_TEST_JANSSON_SHIM_H

#include <dlfcn.h>
#include <stddef.h>

enum jx_type {
	JX_OBJECT,
	JX_ARRAY,
	JX_STRING,
	JX_INTEGER,
	JX_REAL,
	JX_TRUE,
	JX_FALSE,
	JX_NULL,
};

struct jx {
	enum jx_type type;
	volatile size_t refcount;
};

struct jx_error {
	int line, column, position;
	char source[80];
	char text[160];
};

#define JX_DECODE_ANY 0x4
#define JX_ALLOW_NUL  0x10

static struct jx *(*jx_loadb)(const char *buf, size_t len, size_t flags,
			      struct jx_error *err);
static struct jx *(*jx_get)(const struct jx *obj, const char *key);
static size_t (*jx_size)(const struct jx *arr);
static size_t (*jx_object_size)(const struct jx *obj);
static struct jx *(*jx_at)(const struct jx *arr, size_t i);
static const char *(*jx_str)(const struct jx *s);
static size_t (*jx_strlen)(const struct jx *s);
static long long (*jx_int)(const struct jx *i);
static double (*jx_real)(const struct jx *r);
static void (*jx_delete)(struct jx *j);

/* 0 when jansson could be loaded; idempotent. */
static inline int jx_load(void)
{
	static void *lib;

	if (lib)
		return 0;
	lib = dlopen("libjansson.so.4", RTLD_NOW);
	if (!lib)
		lib = dlopen("libjansson.so", RTLD_NOW);
	if (!lib)
		return -1;
#define JX_SYM(var, name)                                                      \
	do {                                                                   \
		*(void **)&(var) = dlsym(lib, name);                           \
		if (!(var))                                                    \
			return -1;                                             \
	} while (0)
	JX_SYM(jx_loadb, "json_loadb");
	JX_SYM(jx_get, "json_object_get");
	JX_SYM(jx_size, "json_array_size");
	JX_SYM(jx_object_size, "json_object_size");
	JX_SYM(jx_at, "json_array_get");
	JX_SYM(jx_str, "json_string_value");
	JX_SYM(jx_strlen, "json_string_length");
	JX_SYM(jx_int, "json_integer_value");
	JX_SYM(jx_real, "json_real_value");
	JX_SYM(jx_delete, "json_delete");
#undef JX_SYM
	return 0;
}

/* Parse `len` bytes (any value, NULs in strings allowed); NULL on error. */
static inline struct jx *jx_parse(const char *buf, size_t len,
				  struct jx_error *err)
{
	return jx_loadb(buf, len, JX_DECODE_ANY | JX_ALLOW_NUL, err);
}

static inline void jx_free(struct jx *j)
{
	/* Parsed values are owned only by us: refcount 1. */
	if (j && j->refcount != (size_t)-1 && --j->refcount == 0)
		jx_delete(j);
}

#endif
