/*
 * fuzz-suite-header.c - the requirement header of a test file
 * ("# ordeal: requires=root,!exec:zfs timeout=30s"): suite_parse_header
 * on any text returns 0 or -1 with a message, sets a skip reason only on
 * success, and a timeout only from a valid duration.
 */
#include "common.h"
#include "clock.h"
#include "suite.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_memdup0(data, size);
	char *skip = (char *)1, *err = (char *)1;
	int64_t timeout = -7;
	int ret;

	ret = suite_parse_header(text, &skip, &timeout, &err);
	FUZZ_ASSERT(ret == 0 || ret == -1);
	if (ret == 0) {
		FUZZ_ASSERT(err == NULL);
		if (skip)
			FUZZ_ASSERT(!strncmp(skip, "requires ", 9));
		FUZZ_ASSERT(timeout == -7 || timeout >= 0);
	} else {
		FUZZ_ASSERT(err && *err);
		FUZZ_ASSERT(skip == NULL);
	}
	free(skip);
	free(err);
	free(text);
	return 0;
}
