/*
 * fuzz-crash-trace.c - what `ordeal crash` reads back from the programs it
 * runs: the record run's trace ("KIND SEQ HIT PID TID NAME" lines, read by
 * read_trace in src/cmd-crash.c) and the status fd's "crashed NAME@N"
 * lines (parse_status in lib/harness.c).  For any bytes: no crash, no
 * hang, and the recorded pairs of each point are exactly its hits 1..max
 * in order of first appearance.
 *
 * Both readers are static: the two files are #included here (their other
 * functions are unused and not called).
 */
#include "cmd-crash.c"

#include "fuzz.h"

#define child harness_child
#define fmt harness_fmt
#include "../../lib/harness.c"
#undef child
#undef fmt

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crash_record rec = {0};
	struct ordeal_crash_out out;
	unsigned long total = 0;
	char *text;
	FILE *fp;

	fp = fmemopen((void *)data, size ? size : 1, "r");
	FUZZ_ASSERT(fp);
	if (!size)
		fgetc(fp);
	read_trace(&rec, fp, "prog");
	fclose(fp);
	for (size_t i = 0; i < rec.points_nr; i++) {
		unsigned long want = 1;

		FUZZ_ASSERT(rec.points[i].name);
		for (size_t k = 0; k < rec.nr; k++)
			if (rec.pairs[k].name == rec.points[i].name)
				FUZZ_ASSERT(rec.pairs[k].hit == want++);
		FUZZ_ASSERT(want - 1 == rec.points[i].max);
		total += rec.points[i].max;
	}
	FUZZ_ASSERT(total == rec.nr);
	FUZZ_ASSERT(rec.nr <= size);
	crash_record_release(&rec);

	text = fuzz_memdup0(data, size);
	memset(&out, 0, sizeof(out));
	parse_status(text, &out);
	if (out.point)
		FUZZ_ASSERT(strstr(text, out.point));
	free(out.point);
	free(text);
	return 0;
}
