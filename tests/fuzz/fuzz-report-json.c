/*
 * fuzz-report-json.c - reports/report.json: for any bytes in test names,
 * reasons, paths and output, the file is one strict JSON value, each
 * test's "name" reads back as the name with invalid UTF-8 replaced by
 * U+FFFD, and report_read_failed (--rerun-failed) gets back exactly the
 * FAIL tests' names, each once.  report_safe_name gives every name a
 * directory name of [A-Za-z0-9._-] without a leading '.'.
 */
#include "fuzz-report.h"
#include "strvec.h"

struct names {
	char **v;
	size_t nr;
};

static void on_string(void *ctx, const char *key, const char *s, size_t len)
{
	struct names *n = ctx;

	if (!key || strcmp(key, "name"))
		return;
	n->v = realloc(n->v, (n->nr + 1) * sizeof(*n->v));
	if (!n->v)
		abort();
	n->v[n->nr++] = fuzz_memdup0((const uint8_t *)s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run fr;
	char *path = xstrfmt("%s/report.json", fuzz_dir());
	struct strvec failed = STRVEC_INIT, paths = STRVEC_INIT;
	struct names names = {0};
	size_t len, nfail = 0;
	char *json;

	fuzz_run_build(&fr, data, size);
	FUZZ_ASSERT(fuzz_run_drive(&fr, report_json_new(path)) == 0);
	json = fuzz_read_file(path, &len);
	FUZZ_ASSERT(json);
	FUZZ_CHECK("report.json", json, len,
		   fuzz_json_check(json, len, on_string, &names));
	FUZZ_ASSERT(names.nr == fr.nr);
	for (size_t i = 0; i < fr.nr; i++) {
		size_t elen;
		char *want = fuzz_utf8_expect(fr.names[i], strlen(fr.names[i]),
					      &elen);

		FUZZ_ASSERT(!strcmp(names.v[i], want));
		free(want);
	}
	/* Directory names for the tests: safe on any file system. */
	for (size_t i = 0; i < fr.nr; i++) {
		struct strbuf sn = STRBUF_INIT;

		report_safe_name(&sn, fr.names[i]);
		FUZZ_ASSERT(sn.len >= 1 && sn.len <= 80 + 9);
		FUZZ_ASSERT(sn.buf[0] != '.');
		for (size_t k = 0; k < sn.len; k++)
			FUZZ_ASSERT(strchr("abcdefghijklmnopqrstuvwxyz"
					   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					   "0123456789._-",
					   sn.buf[k]) &&
				    sn.buf[k]);
		strbuf_release(&sn);
	}
	FUZZ_ASSERT(report_read_failed(path, &failed, &paths) == 0);
	for (size_t i = 0; i < fr.nr; i++) {
		bool dup = false;

		if (fr.t[i].result != REPORT_FAIL)
			continue;
		for (size_t k = 0; k < i; k++)
			if (fr.t[k].result == REPORT_FAIL &&
			    !strcmp(names.v[k], names.v[i]))
				dup = true;
		if (dup)
			continue;
		FUZZ_ASSERT(nfail < failed.nr);
		FUZZ_ASSERT(!strcmp(failed.v[nfail], names.v[i]));
		nfail++;
	}
	FUZZ_ASSERT(nfail == failed.nr);
	for (size_t i = 0; i < names.nr; i++)
		free(names.v[i]);
	free(names.v);
	strvec_clear(&failed);
	strvec_clear(&paths);
	free(json);
	unlink(path);
	free(path);
	fuzz_run_clear(&fr);
	return 0;
}
