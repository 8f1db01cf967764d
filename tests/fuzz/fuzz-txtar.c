/*
 * fuzz-txtar.c - txtar_parse on any bytes: offsets stay inside the input,
 * sections are what the offsets say, no member or comment holds a marker
 * line, and format(parse(x)) parses back to the same archive.
 */
#include "common.h"
#include "strbuf.h"
#include "txtar.h"

#include "fuzz.h"

static void same_archive(const struct txtar *a, const struct txtar *b)
{
	FUZZ_ASSERT(a->nr == b->nr);
	FUZZ_ASSERT(a->comment_len == b->comment_len);
	FUZZ_ASSERT(!memcmp(a->comment, b->comment, a->comment_len));
	for (size_t i = 0; i < a->nr; i++) {
		FUZZ_ASSERT(!strcmp(a->files[i].name, b->files[i].name));
		FUZZ_ASSERT(a->files[i].len == b->files[i].len);
		FUZZ_ASSERT(!memcmp(a->files[i].data, b->files[i].data,
				    a->files[i].len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct txtar ar, ar2;
	struct strbuf out = STRBUF_INIT;
	size_t prev_end = 0;

	txtar_parse(&ar, buf, size);
	FUZZ_ASSERT(ar.comment);
	FUZZ_ASSERT(!ar.comment_len || ar.comment[ar.comment_len - 1] == '\n');
	FUZZ_ASSERT(!txtar_needs_quote(ar.comment, ar.comment_len));
	for (size_t i = 0; i < ar.nr; i++) {
		const struct txtar_file *f = &ar.files[i];
		size_t raw = f->data_end - f->data_off;

		FUZZ_ASSERT(f->name && *f->name);
		FUZZ_ASSERT(f->data_off <= f->data_end && f->data_end <= size);
		FUZZ_ASSERT(f->data_off >= prev_end);
		FUZZ_ASSERT(f->line >= 1 && f->line <= size);
		prev_end = f->data_end;
		/* The copy is the raw section plus at most one newline. */
		FUZZ_ASSERT(f->len == raw || f->len == raw + 1);
		FUZZ_ASSERT(!memcmp(f->data, buf + f->data_off, raw));
		FUZZ_ASSERT(!f->len || f->data[f->len - 1] == '\n');
		FUZZ_ASSERT(!txtar_needs_quote(f->data, f->len));
	}
	txtar_format(&out, &ar);
	txtar_parse(&ar2, out.buf, out.len);
	same_archive(&ar, &ar2);
	txtar_clear(&ar2);
	txtar_clear(&ar);
	strbuf_release(&out);
	return 0;
}
