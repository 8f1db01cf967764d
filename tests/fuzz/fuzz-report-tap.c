/*
 * fuzz-report-tap.c - the TAP reporter: for any bytes in test names,
 * reasons and output, every line is a valid TAP 13/14 line (version, plan,
 * test point, comment, or a YAML block "  ---" ... "  ..." of flat
 * "key: value" lines whose strings are well-formed double-quoted YAML),
 * test points are numbered 1..N as planned, and a description with its
 * '\' and '#' escapes undone reads back as the (printable) name.
 */
#include "fuzz-report.h"

static const char *check_yaml_line(const char *l, size_t n)
{
	const char *p = l + 2, *end = l + n;

	if (n < 3 || l[0] != ' ' || l[1] != ' ')
		return "YAML line not indented by two spaces";
	while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_'))
		p++;
	if (p == l + 2 || end - p < 2 || p[0] != ':' || p[1] != ' ')
		return "YAML line is not 'key: value'";
	p += 2;
	if (p < end && *p == '"') {
		const char *err = fuzz_yaml_dq(&p, end);

		if (err)
			return err;
		if (p != end)
			return "text after a YAML string";
		return NULL;
	}
	for (; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		      *p == '?'))
			return "bad plain YAML value";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run fr;
	char *path = xstrfmt("%s/test.tap", fuzz_dir());
	char *text, *line, *plan;
	size_t len, lineno = 0, points = 0;
	bool in_yaml = false;
	FILE *fp;

	fuzz_run_build(&fr, data, size);
	fp = fopen(path, "w");
	FUZZ_ASSERT(fp);
	FUZZ_ASSERT(fuzz_run_drive(&fr, report_tap_new(fp)) == 0);
	fclose(fp);
	text = fuzz_read_file(path, &len);
	FUZZ_ASSERT(text && len && text[len - 1] == '\n');
	FUZZ_CHECK("tap (UTF-8)", text, len,
		   fuzz_utf8_valid(text, len) ? NULL : "invalid UTF-8");
	plan = xstrfmt("1..%zu", fr.nr);
	for (line = text; line < text + len; lineno++) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t n = (size_t)(nl - line);
		const char *msg = NULL;

		*nl = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
				msg = "control character in a TAP line";
		if (msg) {
		} else if (lineno == 0) {
			if (strcmp(line, "TAP version 13") &&
			    strcmp(line, "TAP version 14"))
				msg = "no version line";
		} else if (lineno == 1) {
			if (strcmp(line, plan))
				msg = "no plan";
		} else if (in_yaml) {
			if (!strcmp(line, "  ..."))
				in_yaml = false;
			else
				msg = check_yaml_line(line, n);
		} else if (!strcmp(line, "  ---")) {
			in_yaml = true;
		} else if (line[0] == '#') {
		} else {
			const char *p = line, *dir;
			char *desc, *want_s;
			struct strbuf want = STRBUF_INIT;
			unsigned long num;
			char *endp;

			if (!strncmp(p, "not ", 4))
				p += 4;
			if (strncmp(p, "ok ", 3)) {
				msg = "not a TAP line";
				goto judged;
			}
			num = strtoul(p + 3, &endp, 10);
			if (num != ++points || strncmp(endp, " - ", 3)) {
				msg = "bad test point number";
				goto judged;
			}
			desc = fuzz_tap_unescape(endp + 3, strlen(endp + 3), &dir);
			report_printable(&want, fr.names[points - 1],
					 strlen(fr.names[points - 1]), false);
			want_s = want.buf;
			if (strcmp(desc, want_s))
				msg = "the description does not read back as "
				      "the name";
			if (dir && strncmp(dir, "# SKIP", 6))
				msg = "unknown directive";
			if (dir && fr.t[points - 1].result != REPORT_SKIP)
				msg = "directive on a test that is no skip";
			free(desc);
			strbuf_release(&want);
		}
judged:
		FUZZ_CHECK("tap line", line, n, msg);
		line = nl + 1;
	}
	FUZZ_ASSERT(!in_yaml);
	FUZZ_ASSERT(points == fr.nr);
	free(plan);
	free(text);
	unlink(path);
	free(path);
	fuzz_run_clear(&fr);
	return 0;
}
