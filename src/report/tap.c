/*
 * report/tap.c - the TAP reporter (test.tap, and stdout with --tap): the
 * version line, the plan up front (kola's test.tap starts with it), one
 * test point per finished test numbered in finishing order, SKIP
 * directives, and YAML diagnostics for every test that ran.
 *
 * The version line is "TAP version 13" unless the run asks for 14: what we
 * emit is valid under both, and prove (Test::Harness before 3.48, e.g.
 * Debian 12's 3.44) rejects "TAP version 14" with a parse error while TAP
 * 14 harnesses must accept 13.  The YAML uses only what TAP::Parser's
 * YAMLish reader understands (flat keys, plain numbers, double-quoted
 * strings with \n \t \\ \" \xHH escapes).
 */
#include "common.h"
#include "report.h"
#include "strbuf.h"

#define TAP_TAIL_BYTES 4096
#define TAP_TAIL_LINES 20

struct tap_reporter {
	struct reporter base;
	FILE *out;
	size_t n;
};

static void yaml_tail(struct strbuf *sb, const struct report_test *t,
		      const char *key)
{
	struct strbuf raw = STRBUF_INIT, path = STRBUF_INIT;
	bool truncated;
	size_t off;

	report_output_path(&path, t, key);
	report_read_tail(&raw, path.buf, TAP_TAIL_BYTES, &truncated);
	if (raw.len) {
		off = report_tail_offset(raw.buf, raw.len, TAP_TAIL_LINES);
		strbuf_addf(sb, "  %s: ", key);
		report_yaml_quote(sb, raw.buf + off, raw.len - off);
		strbuf_addch(sb, '\n');
	}
	strbuf_release(&raw);
	strbuf_release(&path);
}

static void tap_begin(struct reporter *r, const struct report_run *run)
{
	struct tap_reporter *tr = (struct tap_reporter *)r;

	fprintf(tr->out, "TAP version %d\n1..%zu\n", run->tap_version,
		run->total);
	fprintf(tr->out, "# ordeal run: seed %llu%s\n",
		(unsigned long long)run->seed,
		run->shuffled ? " (shuffled)" : "");
	fflush(tr->out);
}

static void tap_finished(struct reporter *r, const struct report_test *t)
{
	struct tap_reporter *tr = (struct tap_reporter *)r;
	struct strbuf sb = STRBUF_INIT;
	const struct run_result *res = &t->res;
	bool ok = t->result != REPORT_FAIL;

	strbuf_addf(&sb, "%sok %zu - ", ok ? "" : "not ", ++tr->n);
	report_tap_escape(&sb, t->name);
	if (t->result == REPORT_SKIP) {
		const char *why = t->reason ? t->reason : "skipped";

		strbuf_addstr(&sb, " # SKIP ");
		report_printable(&sb, why, strlen(why), false);
	}
	strbuf_addch(&sb, '\n');
	/* Diagnostics for every test that ran or tried to (not skips). */
	if (t->attempts > 0 && !(t->result == REPORT_SKIP && !t->ran)) {
		strbuf_addstr(&sb, "  ---\n");
		strbuf_addf(&sb, "  result: %s\n",
			    report_result_name(t->result));
		if (t->reason) {
			strbuf_addstr(&sb, "  message: ");
			report_yaml_quote(&sb, t->reason, strlen(t->reason));
			strbuf_addch(&sb, '\n');
		}
		strbuf_addf(&sb, "  duration_ms: %.3f\n",
			    res->duration_ns / 1e6);
		if (res->exited)
			strbuf_addf(&sb, "  exit_status: %d\n", res->exit_code);
		if (res->signal)
			strbuf_addf(&sb, "  signal: %s\n",
				    signal_name(res->signal)
					    ? signal_name(res->signal)
					    : "?");
		if (res->timed_out)
			strbuf_addstr(&sb, "  timed_out: true\n");
		if (t->interrupted)
			strbuf_addstr(&sb, "  interrupted: true\n");
		strbuf_addf(&sb, "  attempts: %d\n", t->attempts);
		strbuf_addf(&sb, "  max_rss_kb: %ld\n", res->max_rss_kb);
		strbuf_addf(&sb, "  user_s: %.3f\n  sys_s: %.3f\n", res->user_s,
			    res->sys_s);
		if (res->escaped)
			strbuf_addf(&sb, "  escaped_killed: %d\n",
				    res->escaped);
		if (t->dir) {
			strbuf_addstr(&sb, "  output_dir: ");
			report_yaml_quote(&sb, t->dir, strlen(t->dir));
			strbuf_addch(&sb, '\n');
		}
		if (t->result == REPORT_FAIL) {
			yaml_tail(&sb, t, "stdout");
			yaml_tail(&sb, t, "stderr");
		}
		strbuf_addstr(&sb, "  ...\n");
	}
	fwrite(sb.buf, 1, sb.len, tr->out);
	fflush(tr->out);
	strbuf_release(&sb);
}

static int tap_end(struct reporter *r, const struct report_run *run,
		   const struct report_test *tests UNUSED, size_t nr UNUSED)
{
	struct tap_reporter *tr = (struct tap_reporter *)r;

	if (run->interrupted)
		fprintf(tr->out, "# interrupted by SIG%s\n",
			signal_name(run->interrupt_signal)
				? signal_name(run->interrupt_signal)
				: "?");
	fprintf(tr->out, "# %zu passed, %zu failed, %zu skipped\n", run->passed,
		run->failed, run->skipped);
	if (fflush(tr->out) || ferror(tr->out))
		return error_errno("cannot write the TAP report");
	return 0;
}

static void tap_free(struct reporter *r)
{
	free(r);
}

static const struct reporter_ops tap_ops = {
	.name = "tap",
	.begin = tap_begin,
	.test_finished = tap_finished,
	.end = tap_end,
	.free = tap_free,
};

struct reporter *report_tap_new(FILE *out)
{
	struct tap_reporter *t = xcalloc(1, sizeof(*t));

	t->base.ops = &tap_ops;
	t->out = out;
	return &t->base;
}
