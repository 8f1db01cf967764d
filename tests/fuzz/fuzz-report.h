/*
 * tests/fuzz/fuzz-report.h - what the reporter harnesses share: a run of
 * up to four tests built from the input (names, reasons, directories and
 * output files with any bytes; results, flags and counts from control
 * bytes), driven through one reporter as `ordeal run` drives it.
 *
 * Input: a control byte for the run, then per test a control field and
 * the fields name, reason, stdout, stderr, dir (separated as in fuzz.h).
 */
#ifndef ORDEAL_FUZZ_REPORT_H
#define ORDEAL_FUZZ_REPORT_H

#include "common.h"
#include "report.h"
#include "strbuf.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define FR_MAX 4

struct fuzz_run {
	struct report_run run;
	struct report_test t[FR_MAX];
	size_t nr;
	char *names[FR_MAX], *reasons[FR_MAX], *dirs[FR_MAX];
	char *out_paths[FR_MAX], *err_paths[FR_MAX];
};

static void fuzz_run_build(struct fuzz_run *fr, const uint8_t *data,
			   size_t size)
{
	struct fuzz_in in = {(const char *)data, size};
	unsigned c = fuzz_byte(&in);
	static const int sigs[] = {0, SIGKILL, SIGSEGV, SIGTERM, 99};

	memset(fr, 0, sizeof(*fr));
	fr->run.seed = (uint64_t)c * 0x9e3779b97f4a7c15ull;
	fr->run.shuffled = c & 1;
	fr->run.started_wall_ns = 1700000000123456789LL;
	fr->run.elapsed_ns = (int64_t)c * 12345678;
	fr->run.jobs = 2;
	fr->run.out_dir = fuzz_dir();
	fr->run.tap_version = c & 2 ? 14 : 13;
	fr->run.interrupted = c & 4;
	fr->run.interrupt_signal = c & 8 ? SIGINT : 0;
	fr->run.failfast_stopped = c & 16;
	while (in.left && fr->nr < FR_MAX) {
		size_t i = fr->nr++, len;
		struct report_test *t = &fr->t[i];
		const char *ctl = fuzz_field(&in, &len);
		unsigned a = len > 0 ? (unsigned char)ctl[0] : 0;
		unsigned b = len > 1 ? (unsigned char)ctl[1] : 0;
		const char *out, *err;
		size_t olen, elen;

		fr->names[i] = fuzz_field_str(&in);
		fr->reasons[i] = fuzz_field_str(&in);
		out = fuzz_field(&in, &olen);
		err = fuzz_field(&in, &elen);
		/*
		 * Each test's directory is a safe name, as a run makes them
		 * (report_safe_name); what is fuzzed is the output in it.
		 */
		free(fuzz_field_str(&in));
		fr->dirs[i] = xstrfmt("d%zu", i);
		fr->out_paths[i] = xstrfmt("%s/d%zu/stdout", fuzz_dir(), i);
		fr->err_paths[i] = xstrfmt("%s/d%zu/stderr", fuzz_dir(), i);
		{
			char *d = xstrfmt("%s/d%zu", fuzz_dir(), i);
			mkdir(d, 0700);
			free(d);
		}
		fuzz_write_file(fr->out_paths[i], out, olen);
		if (!(b & 0x80)) /* sometimes no stderr file at all */
			fuzz_write_file(fr->err_paths[i], err, elen);
		else
			unlink(fr->err_paths[i]);

		t->name = fr->names[i];
		t->path = a & 0x80 ? NULL : fr->names[i];
		t->dir = b & 0x40 ? NULL : fr->dirs[i];
		t->out_dir = fuzz_dir();
		t->instance = 1 + (b & 3);
		t->result = (enum report_result)(a & 3);
		t->reason = a & 4 ? NULL : fr->reasons[i];
		t->ran = a & 8;
		t->not_run = a & 16;
		t->interrupted = a & 32;
		t->attempts = (int)((a >> 6) & 1) + (int)(b >> 4 & 3);
		t->res.started = t->ran;
		t->res.exited = b & 4;
		t->res.exit_code = (int)(b % 256) - 3;
		t->res.signal = sigs[(b >> 3) % 5];
		t->res.timed_out = b & 32;
		t->res.duration_ns = (int64_t)a * 1000003;
		t->res.max_rss_kb = (long)b * 1000;
		t->res.user_s = a / 7.0;
		t->res.sys_s = b / 3.0;
		t->res.escaped = (int)(a & 3);
		switch (t->result) {
		case REPORT_PASS: fr->run.passed++; break;
		case REPORT_FAIL: fr->run.failed++; break;
		case REPORT_SKIP: fr->run.skipped++; break;
		case REPORT_FLAKY: fr->run.flaky++; fr->run.passed++; break;
		}
	}
	fr->run.total = fr->nr;
}

/* Drive one reporter through the run; the result of end(). */
static int fuzz_run_drive(struct fuzz_run *fr, struct reporter *r)
{
	struct report_set set = REPORT_SET_INIT;
	int ret;

	report_set_add(&set, r);
	report_begin(&set, &fr->run);
	for (size_t i = 0; i < fr->nr; i++) {
		/* As the runner: started once per attempt, counting up. */
		for (int k = 1; k <= fr->t[i].attempts; k++) {
			struct report_test a = fr->t[i];

			a.attempts = k;
			report_test_started(&set, &a);
		}
		report_test_finished(&set, &fr->t[i]);
	}
	ret = report_end(&set, &fr->run, fr->t, fr->nr);
	report_set_clear(&set);
	return ret;
}

static void fuzz_run_clear(struct fuzz_run *fr)
{
	for (size_t i = 0; i < fr->nr; i++) {
		unlink(fr->out_paths[i]);
		unlink(fr->err_paths[i]);
		free(fr->names[i]);
		free(fr->reasons[i]);
		free(fr->dirs[i]);
		free(fr->out_paths[i]);
		free(fr->err_paths[i]);
	}
}

#endif
