/*
 * fuzz-report-read.c - `ordeal run --rerun-failed` reads a previous
 * reports/report.json: for any bytes in that file, report_read_failed
 * returns 0 or -1 with a message, never crashes, and every name it
 * returns came from a "FAIL" test, once.
 */
#include "common.h"
#include "report.h"
#include "strvec.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = xstrfmt("%s/report.json", fuzz_dir());
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT;
	int r;

	fuzz_write_file(path, data, size);
	r = report_read_failed(path, &names, &paths);
	FUZZ_ASSERT(r == 0 || r == -1);
	FUZZ_ASSERT(names.nr == paths.nr);
	for (size_t i = 0; i < names.nr; i++)
		for (size_t k = 0; k < i; k++)
			FUZZ_ASSERT(strcmp(names.v[i], names.v[k]));
	if (r < 0)
		FUZZ_ASSERT(names.nr == 0);
	strvec_clear(&names);
	strvec_clear(&paths);
	unlink(path);
	free(path);
	return 0;
}
