/*
 * report/text.c - the human reporter: one line per finished test
 * ("PASS name (1.2s)", "FAIL name (3ms): exit status 1", "SKIP name:
 * reason", "FLAKY ..."), the tail of a failed test's output, a live status
 * line on a terminal, and the closing line "ordeal: N passed, N failed,
 * N skipped".  Everything a test printed is made terminal-safe first.
 */
#include "common.h"
#include "report.h"
#include "clock.h"
#include "strbuf.h"

#include <sys/ioctl.h>
#include <unistd.h>

#define TAIL_BYTES 8192

struct text_reporter {
	struct reporter base;
	FILE *out, *status;
	int tail_lines;
	bool summary_only;
	bool color;
	bool status_shown;
	size_t not_run;
};

static void clear_status(struct text_reporter *t)
{
	if (t->status && t->status_shown) {
		fputs("\r\033[K", t->status);
		fflush(t->status);
		t->status_shown = false;
	}
}

static void print_name(struct strbuf *sb, const char *name)
{
	report_printable(sb, name, strlen(name), false);
}

static void add_tail(struct strbuf *sb, const struct report_test *t,
		     const char *label, int max_lines)
{
	struct strbuf raw = STRBUF_INIT, clean = STRBUF_INIT;
	struct strbuf path = STRBUF_INIT;
	bool truncated;
	size_t off;

	report_output_path(&path, t, label);
	report_read_tail(&raw, path.buf, TAIL_BYTES, &truncated);
	if (!raw.len)
		goto out;
	off = report_tail_offset(raw.buf, raw.len, max_lines);
	report_printable(&clean, raw.buf + off, raw.len - off, true);
	strbuf_rtrim(&clean);
	strbuf_addf(sb, "    %s%s (%s):\n", label,
		    (off || truncated) ? " (tail)" : "", path.buf);
	for (char *line = clean.buf, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		strbuf_addf(sb, "    | %s\n", line);
	}
out:
	strbuf_release(&raw);
	strbuf_release(&clean);
	strbuf_release(&path);
}

static void text_finished(struct reporter *r, const struct report_test *t)
{
	struct text_reporter *tr = (struct text_reporter *)r;
	struct strbuf sb = STRBUF_INIT;

	if (t->not_run) {
		tr->not_run++;
		return;
	}
	if (tr->summary_only)
		return;
	if (tr->color) {
		static const char *const sgr[] = {[REPORT_PASS] = "32",
						  [REPORT_FAIL] = "31",
						  [REPORT_SKIP] = "33",
						  [REPORT_FLAKY] = "35"};

		strbuf_addf(&sb, "\033[%sm%s\033[0m ", sgr[t->result],
			    report_result_name(t->result));
	} else {
		strbuf_addstr(&sb, report_result_name(t->result));
		strbuf_addch(&sb, ' ');
	}
	print_name(&sb, t->name);
	if (t->result == REPORT_SKIP) {
		strbuf_addf(&sb, ": %s", t->reason ? t->reason : "skipped");
	} else {
		strbuf_addf(&sb, " (%s)", duration_str(t->res.duration_ns));
		if ((t->result == REPORT_FAIL || t->result == REPORT_FLAKY) &&
		    t->reason)
			strbuf_addf(&sb, ": %s", t->reason);
		if (t->attempts > 1)
			strbuf_addf(&sb, " (%d attempts)", t->attempts);
	}
	if (t->res.escaped > 0)
		strbuf_addf(&sb, " [killed %d leftover process%s]",
			    t->res.escaped, t->res.escaped == 1 ? "" : "es");
	strbuf_addch(&sb, '\n');
	if (t->result == REPORT_FAIL && t->ran && tr->tail_lines > 0) {
		add_tail(&sb, t, "stdout", tr->tail_lines);
		add_tail(&sb, t, "stderr", tr->tail_lines);
	}
	clear_status(tr);
	fwrite(sb.buf, 1, sb.len, tr->out);
	fflush(tr->out);
	strbuf_release(&sb);
}

static int terminal_width(FILE *fp)
{
	struct winsize ws;

	if (!ioctl(fileno(fp), TIOCGWINSZ, &ws) && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

static void text_status(struct reporter *r, const struct report_status *st)
{
	struct text_reporter *tr = (struct text_reporter *)r;
	struct strbuf sb = STRBUF_INIT;
	int width;

	if (!tr->status)
		return;
	strbuf_addf(&sb, "[%s] %d running, %zu passed, %zu failed",
		    duration_str(st->elapsed_ns), st->running, st->passed,
		    st->failed);
	if (st->slowest) {
		strbuf_addstr(&sb, "; slowest: ");
		print_name(&sb, st->slowest);
		strbuf_addf(&sb, " (%s)", duration_str(st->slowest_ns));
	}
	/* Never wrap: a wrapped line cannot be erased with \r. */
	width = terminal_width(tr->status) - 1;
	if (sb.len > (size_t)width) {
		size_t cut = width;

		/* Do not cut inside a UTF-8 sequence. */
		while (cut > 0 && ((unsigned char)sb.buf[cut] & 0xc0) == 0x80)
			cut--;
		strbuf_setlen(&sb, cut);
	}
	fprintf(tr->status, "\r\033[K%s", sb.buf);
	fflush(tr->status);
	tr->status_shown = true;
	strbuf_release(&sb);
}

static int text_end(struct reporter *r, const struct report_run *run,
		    const struct report_test *tests, size_t nr)
{
	struct text_reporter *tr = (struct text_reporter *)r;
	FILE *out = tr->out;
	size_t failed = 0;

	clear_status(tr);
	for (size_t i = 0; i < nr; i++)
		if (tests[i].result == REPORT_FAIL)
			failed++;
	if (failed && !tr->summary_only && failed <= 50) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, "failed:\n");
		for (size_t i = 0; i < nr; i++) {
			if (tests[i].result != REPORT_FAIL)
				continue;
			strbuf_addstr(&sb, "    ");
			print_name(&sb, tests[i].name);
			strbuf_addch(&sb, '\n');
		}
		fwrite(sb.buf, 1, sb.len, out);
		strbuf_release(&sb);
	}
	if (run->flaky)
		fprintf(out,
			"ordeal: %zu flaky (failed, then passed on a "
			"retry; counted as passed)\n",
			run->flaky);
	if (run->interrupted)
		fprintf(out, "ordeal: interrupted by SIG%s; %zu not run\n",
			signal_name(run->interrupt_signal)
				? signal_name(run->interrupt_signal)
				: "?",
			tr->not_run);
	else if (run->failfast_stopped)
		fprintf(out, "ordeal: --failfast: %zu not run\n", tr->not_run);
	if (run->out_dir)
		fprintf(out, "ordeal: reports in %s\n", run->out_dir);
	fprintf(out, "ordeal: %zu passed, %zu failed, %zu skipped\n",
		run->passed, run->failed, run->skipped);
	fflush(out);
	return 0;
}

static void text_free(struct reporter *r)
{
	free(r);
}

static const struct reporter_ops text_ops = {
	.name = "text",
	.test_finished = text_finished,
	.status = text_status,
	.end = text_end,
	.free = text_free,
};

struct reporter *report_text_new(FILE *out, FILE *status, int tail_lines,
				 bool summary_only, bool color)
{
	struct text_reporter *t = xcalloc(1, sizeof(*t));

	t->base.ops = &text_ops;
	t->out = out;
	t->status = status;
	t->tail_lines = tail_lines;
	t->summary_only = summary_only;
	t->color = color;
	return &t->base;
}
