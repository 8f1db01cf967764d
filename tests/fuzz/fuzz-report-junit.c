/*
 * fuzz-report-junit.c - the JUnit reporter: for any bytes in test names,
 * reasons, directories and output, the file is well-formed XML 1.0
 * (fuzz.h's checker: UTF-8, allowed characters, references, nesting,
 * unique attributes) with one <testcase> per test.
 */
#include "fuzz-report.h"

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
	for (p = xml; (p = strstr(p, "<testcase ")); p++)
		cases++;
	FUZZ_ASSERT(cases == fr.nr);
	free(xml);
	unlink(path);
	free(path);
	fuzz_run_clear(&fr);
	return 0;
}
