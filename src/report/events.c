/*
 * report/events.c - the --json event stream in Go's test2json format, one
 * object per line: {"Time","Action","Package","Test","Elapsed","Output"},
 * with Action start/run/output/pass/fail/skip, so tools built for `go test
 * -json` (gotestsum, go-junit-report, IDEs) read an ordeal run.  A test's
 * output is sent when it finishes, as "output" events of one line each,
 * bounded to the tail of each stream (the whole output stays on disk).
 *
 * Test names: Go reads '/' in "Test" as a subtest separator, and gotestsum
 * (1.8) crashes on a failed subtest whose parent never ran, so every '/'
 * of a name becomes U+2215 DIVISION SLASH, which reads the same.  The
 * exact names are in reports/report.json.
 */
#include "common.h"
#include "report.h"
#include "clock.h"
#include "json.h"
#include "strbuf.h"

#define EVENT_TAIL_BYTES (16 * 1024)

#define DIVISION_SLASH "\xe2\x88\x95"

struct events_reporter {
	struct reporter base;
	FILE *out;
	char *package;
	int64_t started_ns;
};

/* One event; test/output/elapsed are optional (NULL / negative). */
static void event(struct events_reporter *er, const char *action,
		  const char *test, const char *output, size_t output_len,
		  double elapsed)
{
	struct strbuf sb = STRBUF_INIT, ts = STRBUF_INIT;
	struct json_writer w;

	timestamp_format_rfc3339(&ts, clock_wall_ns());
	json_init(&w, &sb, false);
	json_object_begin(&w);
	json_key(&w, "Time");
	json_string(&w, ts.buf);
	json_key(&w, "Action");
	json_string(&w, action);
	json_key(&w, "Package");
	json_string(&w, er->package);
	if (test) {
		struct strbuf name = STRBUF_INIT;

		strbuf_addstr(&name, test);
		strbuf_replace_all(&name, "/", DIVISION_SLASH);
		json_key(&w, "Test");
		json_string_n(&w, name.buf, name.len);
		strbuf_release(&name);
	}
	if (elapsed >= 0) {
		json_key(&w, "Elapsed");
		json_double(&w, elapsed);
	}
	if (output) {
		json_key(&w, "Output");
		json_string_n(&w, output, output_len);
	}
	json_object_end(&w);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, er->out);
	strbuf_release(&sb);
	strbuf_release(&ts);
}

static void output_line(struct events_reporter *er, const char *test,
			const char *fmt, ...) PRINTF_LIKE(3, 4);
static void output_line(struct events_reporter *er, const char *test,
			const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	event(er, "output", test, sb.buf, sb.len, -1);
	strbuf_release(&sb);
}

/* The tail of one output file, one "output" event per line. */
static void output_file(struct events_reporter *er, const struct report_test *t,
			const char *which)
{
	struct strbuf raw = STRBUF_INIT, path = STRBUF_INIT;
	const char *test = t->name;
	bool truncated;
	size_t pos = 0;

	report_output_path(&path, t, which);
	report_read_tail(&raw, path.buf, EVENT_TAIL_BYTES, &truncated);
	if (truncated) {
		/* Start at a line boundary. */
		char *nl = memchr(raw.buf, '\n', raw.len);

		pos = nl ? (size_t)(nl - raw.buf) + 1 : 0;
		output_line(er, test, "[... earlier output in %s]\n", path.buf);
	}
	while (pos < raw.len) {
		char *nl = memchr(raw.buf + pos, '\n', raw.len - pos);
		size_t end = nl ? (size_t)(nl - raw.buf) + 1 : raw.len;

		if (nl) {
			event(er, "output", test, raw.buf + pos, end - pos, -1);
		} else {
			/* test2json ends every Output with a newline. */
			struct strbuf last = STRBUF_INIT;

			strbuf_add(&last, raw.buf + pos, end - pos);
			strbuf_addch(&last, '\n');
			event(er, "output", test, last.buf, last.len, -1);
			strbuf_release(&last);
		}
		pos = end;
	}
	strbuf_release(&raw);
	strbuf_release(&path);
}

static void events_begin(struct reporter *r,
			 const struct report_run *run UNUSED)
{
	struct events_reporter *er = (struct events_reporter *)r;

	er->started_ns = clock_now_ns();
	event(er, "start", NULL, NULL, 0, -1);
	fflush(er->out);
}

static void events_started(struct reporter *r, const struct report_test *t)
{
	struct events_reporter *er = (struct events_reporter *)r;

	if (t->attempts > 1)
		return; /* a retry: the test is already running */
	event(er, "run", t->name, NULL, 0, -1);
	output_line(er, t->name, "=== RUN   %s\n", t->name);
	fflush(er->out);
}

static void events_finished(struct reporter *r, const struct report_test *t)
{
	struct events_reporter *er = (struct events_reporter *)r;
	double secs = t->res.duration_ns / 1e9;
	const char *action, *word;

	if (t->attempts == 0) {
		/* Never started: announce it so the stream has it. */
		event(er, "run", t->name, NULL, 0, -1);
		output_line(er, t->name, "=== RUN   %s\n", t->name);
	}
	if (t->ran || t->interrupted) {
		output_file(er, t, "stdout");
		output_file(er, t, "stderr");
	}
	switch (t->result) {
	case REPORT_PASS:
	case REPORT_FLAKY:
		action = "pass";
		word = "PASS";
		break;
	case REPORT_SKIP:
		action = "skip";
		word = "SKIP";
		break;
	default:
		action = "fail";
		word = "FAIL";
	}
	output_line(er, t->name, "--- %s: %s (%.2fs)\n", word, t->name, secs);
	if (t->result == REPORT_FLAKY)
		output_line(er, t->name,
			    "    ordeal: FLAKY: passed on attempt %d\n",
			    t->attempts);
	else if (t->reason)
		output_line(er, t->name, "    ordeal: %s\n", t->reason);
	event(er, action, t->name, NULL, 0, secs);
	fflush(er->out);
}

static int events_end(struct reporter *r, const struct report_run *run,
		      const struct report_test *tests UNUSED, size_t nr UNUSED)
{
	struct events_reporter *er = (struct events_reporter *)r;
	bool failed = run->failed || run->interrupted;
	double secs = run->elapsed_ns / 1e9;

	output_line(er, NULL, "%s\n", failed ? "FAIL" : "PASS");
	output_line(er, NULL, "%s\t%s\t%.3fs\n", failed ? "FAIL" : "ok  ",
		    er->package, secs);
	event(er, failed ? "fail" : "pass", NULL, NULL, 0, secs);
	if (fflush(er->out) || ferror(er->out))
		return error_errno("cannot write the JSON event stream");
	return 0;
}

static void events_free(struct reporter *r)
{
	struct events_reporter *er = (struct events_reporter *)r;

	free(er->package);
	free(er);
}

static const struct reporter_ops events_ops = {
	.name = "events",
	.begin = events_begin,
	.test_started = events_started,
	.test_finished = events_finished,
	.end = events_end,
	.free = events_free,
};

struct reporter *report_events_new(FILE *out, const char *package)
{
	struct events_reporter *e = xcalloc(1, sizeof(*e));

	e->base.ops = &events_ops;
	e->out = out;
	e->package = xstrdup(package);
	return &e->base;
}
