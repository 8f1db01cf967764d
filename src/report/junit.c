/*
 * report/junit.c - JUnit XML (--junit FILE): testsuites/testsuite/testcase
 * with failure/skipped, system-out/system-err (tails of the output files),
 * time in seconds, the de-facto shape read by Jenkins, GitLab and
 * GitHub test reporters (our schema: tests/schema/junit.xsd).
 *
 * Text goes through report_xml_escape(): invalid UTF-8 and the control
 * characters XML 1.0 forbids become U+FFFD, and '>' is always escaped, so
 * no CDATA section is ever opened and "]]>" needs no special case.  The
 * file is streamed to a temporary name and renamed when complete.
 */
#include "common.h"
#include "report.h"
#include "clock.h"
#include "strbuf.h"

#include <unistd.h>

#define JUNIT_FAIL_TAIL (64 * 1024)
#define JUNIT_PASS_TAIL (4 * 1024)

struct junit_reporter {
	struct reporter base;
	char *path;
};

static void attr(struct strbuf *sb, const char *name, const char *value)
{
	struct strbuf esc = STRBUF_INIT;

	strbuf_addf(sb, " %s=\"", name);
	report_xml_escape(&esc, value, strlen(value));
	/*
	 * A parser turns a raw tab or newline in an attribute into a space
	 * (attribute-value normalization): keep them as references.
	 */
	for (size_t i = 0; i < esc.len; i++) {
		if (esc.buf[i] == '\t')
			strbuf_addstr(sb, "&#9;");
		else if (esc.buf[i] == '\n')
			strbuf_addstr(sb, "&#10;");
		else
			strbuf_addch(sb, esc.buf[i]);
	}
	strbuf_release(&esc);
	strbuf_addch(sb, '"');
}

static void output_elem(struct strbuf *sb, const char *elem,
			const struct report_test *t, const char *which,
			size_t max)
{
	struct strbuf raw = STRBUF_INIT, path = STRBUF_INIT;
	bool truncated;

	report_output_path(&path, t, which);
	report_read_tail(&raw, path.buf, max, &truncated);
	if (raw.len) {
		strbuf_addf(sb, "      <%s>", elem);
		if (truncated) {
			struct strbuf note = STRBUF_INIT;

			strbuf_addf(&note, "[... earlier output in %s]\n",
				    path.buf);
			report_xml_escape(sb, note.buf, note.len);
			strbuf_release(&note);
		}
		report_xml_escape(sb, raw.buf, raw.len);
		strbuf_addf(sb, "</%s>\n", elem);
	}
	strbuf_release(&raw);
	strbuf_release(&path);
}

static void property(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addstr(sb, "        <property");
	attr(sb, "name", name);
	attr(sb, "value", value);
	strbuf_addstr(sb, "/>\n");
}

static void add_testcase(struct strbuf *sb, const struct report_test *t)
{
	const struct run_result *res = &t->res;
	char num[64];

	strbuf_addstr(sb, "    <testcase");
	attr(sb, "name", t->name);
	attr(sb, "classname", "ordeal");
	strbuf_addf(sb, " time=\"%.3f\">\n", res->duration_ns / 1e9);
	if (t->ran || t->interrupted) {
		strbuf_addstr(sb, "      <properties>\n");
		property(sb, "result", report_result_name(t->result));
		snprintf(num, sizeof(num), "%d", t->attempts);
		property(sb, "attempts", num);
		if (res->exited) {
			snprintf(num, sizeof(num), "%d", res->exit_code);
			property(sb, "exit_status", num);
		}
		if (res->signal)
			property(sb, "signal",
				 signal_name(res->signal)
					 ? signal_name(res->signal)
					 : "?");
		snprintf(num, sizeof(num), "%ld", res->max_rss_kb);
		property(sb, "max_rss_kb", num);
		snprintf(num, sizeof(num), "%.3f", res->user_s);
		property(sb, "user_s", num);
		snprintf(num, sizeof(num), "%.3f", res->sys_s);
		property(sb, "sys_s", num);
		if (res->escaped) {
			snprintf(num, sizeof(num), "%d", res->escaped);
			property(sb, "escaped_killed", num);
		}
		if (t->dir)
			property(sb, "output_dir", t->dir);
		strbuf_addstr(sb, "      </properties>\n");
	}
	if (t->result == REPORT_SKIP) {
		strbuf_addstr(sb, "      <skipped");
		attr(sb, "message", t->reason ? t->reason : "skipped");
		strbuf_addstr(sb, "/>\n");
	} else if (t->result == REPORT_FAIL) {
		const char *msg = t->reason ? t->reason : "failed";

		strbuf_addstr(sb, "      <failure");
		attr(sb, "message", msg);
		attr(sb, "type",
		     t->interrupted   ? "interrupted"
		     : res->timed_out ? "timeout"
				      : "failure");
		strbuf_addch(sb, '>');
		report_xml_escape(sb, msg, strlen(msg));
		strbuf_addstr(sb, "</failure>\n");
	}
	if (t->ran || t->interrupted) {
		size_t max = t->result == REPORT_FAIL ? JUNIT_FAIL_TAIL
						      : JUNIT_PASS_TAIL;

		output_elem(sb, "system-out", t, "stdout", max);
		output_elem(sb, "system-err", t, "stderr", max);
	}
	strbuf_addstr(sb, "    </testcase>\n");
}

static int junit_end(struct reporter *r, const struct report_run *run,
		     const struct report_test *tests, size_t nr)
{
	struct junit_reporter *jr = (struct junit_reporter *)r;
	struct strbuf sb = STRBUF_INIT, ts = STRBUF_INIT;
	char *tmp = xstrfmt("%s.tmp-%ld", jr->path, (long)getpid());
	char host[256] = "localhost";
	double secs = run->elapsed_ns / 1e9;
	char seed[32];
	FILE *fp;
	int ret = 0;

	fp = fopen(tmp, "w");
	if (!fp) {
		ret = error_errno("cannot create '%s'", tmp);
		goto out;
	}
	gethostname(host, sizeof(host) - 1);
	/* ISO 8601 without a zone suffix, as the JUnit schema's timestamp. */
	timestamp_format_iso(&ts, run->started_wall_ns);
	if (ts.len && ts.buf[ts.len - 1] == 'Z')
		strbuf_setlen(&ts, ts.len - 1);
	{
		char *dot = strchr(ts.buf, '.');

		if (dot)
			strbuf_setlen(&ts, dot - ts.buf);
	}

	strbuf_addstr(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addf(&sb,
		    "<testsuites name=\"ordeal\" tests=\"%zu\" "
		    "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
		    "time=\"%.3f\">\n",
		    nr, run->failed, run->skipped, secs);
	strbuf_addf(&sb,
		    "  <testsuite name=\"ordeal run\" tests=\"%zu\" "
		    "failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
		    "time=\"%.3f\"",
		    nr, run->failed, run->skipped, secs);
	attr(&sb, "timestamp", ts.buf);
	attr(&sb, "hostname", host);
	strbuf_addstr(&sb, ">\n    <properties>\n");
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)run->seed);
	strbuf_addstr(&sb, "  ");
	property(&sb, "seed", seed);
	strbuf_addstr(&sb, "  ");
	property(&sb, "interrupted", run->interrupted ? "true" : "false");
	strbuf_addstr(&sb, "    </properties>\n");
	for (size_t i = 0; i < nr; i++) {
		add_testcase(&sb, &tests[i]);
		if (sb.len > 64 * 1024) {
			fwrite(sb.buf, 1, sb.len, fp);
			strbuf_reset(&sb);
		}
	}
	strbuf_addstr(&sb, "  </testsuite>\n</testsuites>\n");
	fwrite(sb.buf, 1, sb.len, fp);
	if (fflush(fp) || ferror(fp) || fsync(fileno(fp))) {
		ret = error_errno("cannot write '%s'", tmp);
		fclose(fp);
		unlink(tmp);
		goto out;
	}
	fclose(fp);
	if (rename(tmp, jr->path) < 0) {
		ret = error_errno("cannot rename '%s' to '%s'", tmp, jr->path);
		unlink(tmp);
	}
out:
	free(tmp);
	strbuf_release(&sb);
	strbuf_release(&ts);
	return ret;
}

static void junit_free(struct reporter *r)
{
	struct junit_reporter *jr = (struct junit_reporter *)r;

	free(jr->path);
	free(jr);
}

static const struct reporter_ops junit_ops = {
	.name = "junit",
	.end = junit_end,
	.free = junit_free,
};

struct reporter *report_junit_new(const char *path)
{
	struct junit_reporter *j = xcalloc(1, sizeof(*j));

	j->base.ops = &junit_ops;
	j->path = xstrdup(path);
	return &j->base;
}
