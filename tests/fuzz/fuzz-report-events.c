/*
 * fuzz-report-events.c - the test2json event stream (--json): for any
 * bytes in test names, reasons and output, every line is one strict JSON
 * object, "Test" reads back as the name (invalid UTF-8 as U+FFFD, '/' as
 * U+2215) and every "Output" ends with a newline, as test2json's do.
 */
#include "fuzz-report.h"

struct seen {
	const char *want_test; /* NULL: any */
	size_t tests, outputs;
};

static void on_string(void *ctx, const char *key, const char *s, size_t len)
{
	struct seen *sn = ctx;

	if (!key)
		return;
	if (!strcmp(key, "Output")) {
		FUZZ_ASSERT(len && s[len - 1] == '\n');
		sn->outputs++;
	} else if (!strcmp(key, "Test")) {
		if (sn->want_test &&
		    (strlen(sn->want_test) != len || memcmp(sn->want_test, s, len)))
			FUZZ_FAIL("Test '%.*s', expected '%s'", (int)len, s,
				  sn->want_test);
		sn->tests++;
	}
}

/* The expected "Test": sanitized, each '/' as U+2215. */
static char *expect_test(const char *name)
{
	size_t len;
	char *clean = fuzz_utf8_expect(name, strlen(name), &len);
	char *out = malloc(len * 3 + 1), *o = out;

	if (!out)
		abort();
	for (size_t i = 0; i < len; i++) {
		if (clean[i] == '/') {
			memcpy(o, "\xe2\x88\x95", 3);
			o += 3;
		} else {
			*o++ = clean[i];
		}
	}
	*o = '\0';
	free(clean);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run fr;
	char *path = xstrfmt("%s/events.json", fuzz_dir());
	char *text, *line, *want[FR_MAX] = {0};
	size_t len;
	FILE *fp;

	fuzz_run_build(&fr, data, size);
	fp = fopen(path, "w");
	FUZZ_ASSERT(fp);
	FUZZ_ASSERT(fuzz_run_drive(&fr, report_events_new(fp, "pkg/é")) == 0);
	fclose(fp);
	text = fuzz_read_file(path, &len);
	FUZZ_ASSERT(text && len && text[len - 1] == '\n');
	for (size_t i = 0; i < fr.nr; i++)
		want[i] = expect_test(fr.names[i]);
	/* Every line is an event; a test's events carry its name. */
	line = text;
	while (line < text + len) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		struct seen sn = {0};
		const char *msg;

		FUZZ_ASSERT(nl);
		msg = fuzz_json_check(line, (size_t)(nl - line), on_string,
				      &sn);
		FUZZ_CHECK("event", line, (size_t)(nl - line), msg);
		FUZZ_ASSERT(line[0] == '{');
		line = nl + 1;
	}
	/* Names in order: run the stream again per test block. */
	line = text;
	{
		size_t ti = 0;

		while (line < text + len) {
			char *nl = memchr(line, '\n', (size_t)(text + len - line));
			struct seen sn = {0};

			if (strstr(line, "\"Action\":\"run\"") &&
			    strstr(line, "\"Action\":\"run\"") < nl)
				ti++;
			sn.want_test = ti ? want[ti - 1] : NULL;
			fuzz_json_check(line, (size_t)(nl - line), on_string,
					&sn);
			line = nl + 1;
		}
		FUZZ_ASSERT(ti == fr.nr);
	}
	for (size_t i = 0; i < fr.nr; i++)
		free(want[i]);
	free(text);
	unlink(path);
	free(path);
	fuzz_run_clear(&fr);
	return 0;
}
