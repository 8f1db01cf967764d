/*
 * fuzz-report-junit.c - the JUnit reporter: for any bytes in test names,
 * reasons, directories and output, the file is well-formed XML 1.0
 * (fuzz.h's checker: UTF-8, allowed characters, references, nesting,
 * unique attributes) with one <testcase> per test, whose name attribute
 * reads back (as an XML parser reads it) as the test's name.
 */
#include "fuzz-report.h"

/* What an XML parser makes of an attribute value (XML 1.0 3.3.3). */
static char *attr_value(const char *p, const char *end)
{
	char *out = malloc((size_t)(end - p) + 1), *o = out;

	if (!out)
		abort();
	while (p < end) {
		if (*p == '\t' || *p == '\n' || *p == '\r') {
			*o++ = ' '; /* attribute-value normalization */
			p++;
		} else if (*p == '&') {
			static const char *const ent[][2] = {
				{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
				{"&quot;", "\""}, {"&apos;", "'"}};
			size_t i;

			for (i = 0; i < 5; i++)
				if (!strncmp(p, ent[i][0], strlen(ent[i][0])))
					break;
			if (i < 5) {
				*o++ = ent[i][1][0];
				p += strlen(ent[i][0]);
			} else {
				/* &#N; or &#xN; (checked well-formed already) */
				unsigned long cp = p[2] == 'x'
					? strtoul(p + 3, NULL, 16)
					: strtoul(p + 2, NULL, 10);
				FUZZ_ASSERT(cp < 0x80); /* writers only use these */
				*o++ = (char)cp;
				p = strchr(p, ';') + 1;
			}
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

/* The name as JUnit should carry it: XML-sanitized, then read back. */
static char *expect_name(const char *name)
{
	size_t len;
	char *clean = fuzz_utf8_expect(name, strlen(name), &len);
	char *out = malloc(len * 3 + 1), *o = out;
	const unsigned char *p = (const unsigned char *)clean;

	if (!out)
		abort();
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = fuzz_utf8_len(p + i, len - i, &cp);

		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    cp == 0xfffe || cp == 0xffff) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(o, p + i, n);
			o += n;
		}
		i += n;
	}
	*o = '\0';
	free(clean);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run fr;
	char *path = xstrfmt("%s/junit.xml", fuzz_dir());
	char *xml, *p;
	size_t len, cases = 0;

	fuzz_run_build(&fr, data, size);
	FUZZ_ASSERT(fuzz_run_drive(&fr, report_junit_new(path)) == 0);
	xml = fuzz_read_file(path, &len);
	FUZZ_ASSERT(xml);
	FUZZ_CHECK("junit.xml", xml, len, fuzz_xml_check(xml, len));
	for (p = xml; (p = strstr(p, "<testcase name=\"")); p++) {
		char *q = strchr(p + 16, '"');
		char *got = attr_value(p + 16, q), *want;

		FUZZ_ASSERT(cases < fr.nr);
		want = expect_name(fr.names[cases]);
		if (strcmp(got, want))
			FUZZ_FAIL("testcase name '%s' reads back as '%s'", want,
				  got);
		free(got);
		free(want);
		cases++;
	}
	FUZZ_ASSERT(cases == fr.nr);
	free(xml);
	unlink(path);
	free(path);
	fuzz_run_clear(&fr);
	return 0;
}
