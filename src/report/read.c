/*
 * report/read.c - reading a previous run's reports/report.json back, for
 * `ordeal run --rerun-failed`.  Parsed with jansson (kept out of the
 * writers: its names clash with json.h's writer).
 */
#include "common.h"
#include "report.h"
#include "strvec.h"

#include <jansson.h>
#include <unistd.h>

int report_read_failed(const char *report_json, struct strvec *names,
		       struct strvec *paths)
{
	json_error_t jerr;
	json_t *root, *tests, *t;
	size_t i;

	/* As reals: a --shuffle seed may not fit json_int_t. */
	root = json_load_file(report_json, JSON_DECODE_INT_AS_REAL, &jerr);
	if (!root) {
		if (access(report_json, F_OK))
			return error("no previous run: '%s' is missing",
				     report_json);
		return error("%s:%d: %s", report_json, jerr.line, jerr.text);
	}
	tests = json_object_get(root, "tests");
	if (!json_is_array(tests)) {
		json_decref(root);
		return error("%s: no \"tests\" array", report_json);
	}
	json_array_foreach(tests, i, t)
	{
		const char *name =
			json_string_value(json_object_get(t, "name"));
		const char *res =
			json_string_value(json_object_get(t, "result"));
		const char *path =
			json_string_value(json_object_get(t, "path"));
		bool seen = false;

		if (!name || !res || strcmp(res, "FAIL"))
			continue;
		/* --count repeats a name: keep each once. */
		for (size_t k = 0; k < names->nr && !seen; k++)
			seen = !strcmp(names->v[k], name);
		if (seen)
			continue;
		strvec_push(names, name);
		strvec_push(paths, path ? path : "");
	}
	json_decref(root);
	return 0;
}
