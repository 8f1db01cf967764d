/*
 * report/json.c - reports/report.json, kola's report shape extended:
 * {"result","seed","started","elapsed","tests":[{"name","result",
 * "duration_ns","exit_status","signal","timed_out","attempts",
 * "max_rss_kb","user_s","sys_s","output_dir",...}]}.  Written once, at the
 * end of the run (also an interrupted one), atomically, so a reader never
 * sees half a report.  `--rerun-failed` reads it back.  It is streamed to
 * the temporary file in chunks: 10,000 tests make a few MB of JSON, which
 * must not become the run's peak memory.
 */
#include "common.h"
#include "report.h"
#include "run-command.h"
#include "clock.h"
#include "json.h"
#include "strbuf.h"

#include <fcntl.h>
#include <unistd.h>

#define JSON_CHUNK (64 * 1024)

struct json_reporter {
	struct reporter base;
	char *path;
};

static void add_test(struct json_writer *w, const struct report_test *t)
{
	static const struct run_result not_run; /* a test that never ran */
	const struct run_result *res = &t->res;

	json_object_begin(w);
	json_key(w, "name");
	json_string(w, t->name);
	json_key(w, "result");
	json_string(w, report_result_name(t->result));
	if (t->path) {
		json_key(w, "path");
		json_string(w, t->path);
	}
	json_key(w, "instance");
	json_uint(w, t->instance);
	json_key(w, "reason");
	if (t->reason)
		json_string(w, t->reason);
	else
		json_null(w);
	json_key(w, "duration_ns");
	json_int(w, res->duration_ns);
	run_result_json_status(w, t->ran ? res : &not_run);
	json_key(w, "interrupted");
	json_bool(w, t->interrupted);
	json_key(w, "not_run");
	json_bool(w, t->not_run);
	json_key(w, "attempts");
	json_int(w, t->attempts);
	json_key(w, "max_rss_kb");
	json_int(w, res->max_rss_kb);
	json_key(w, "user_s");
	json_double(w, res->user_s);
	json_key(w, "sys_s");
	json_double(w, res->sys_s);
	json_key(w, "escaped_killed");
	json_int(w, res->escaped);
	json_key(w, "output_dir");
	if (t->dir && t->attempts > 0)
		json_string(w, t->dir);
	else
		json_null(w);
	json_key(w, "attempt_dirs");
	json_array_begin(w);
	if (t->dir)
		for (int k = 1; k < t->attempts; k++) {
			char *d = xstrfmt("%s/attempt-%d", t->dir, k);

			json_string(w, d);
			free(d);
		}
	json_array_end(w);
	json_object_end(w);
}

static int json_end(struct reporter *r, const struct report_run *run,
		    const struct report_test *tests, size_t nr)
{
	struct json_reporter *jr = (struct json_reporter *)r;
	struct strbuf sb = STRBUF_INIT, ts = STRBUF_INIT;
	char *tmp = xstrfmt("%s.tmp-%ld", jr->path, (long)getpid());
	struct json_writer w;
	const char *result;
	int fd, ret = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp);
		goto out;
	}

	if (run->interrupted)
		result = "INTERRUPTED";
	else if (run->failed)
		result = "FAIL";
	else
		result = "PASS";

	json_init(&w, &sb, true);
	json_object_begin(&w);
	json_key(&w, "result");
	json_string(&w, result);
	json_key(&w, "seed");
	json_uint(&w, run->seed);
	json_key(&w, "shuffled");
	json_bool(&w, run->shuffled);
	json_key(&w, "started");
	timestamp_format_iso(&ts, run->started_wall_ns);
	json_string(&w, ts.buf);
	json_key(&w, "elapsed");
	json_double(&w, run->elapsed_ns / 1e9);
	json_key(&w, "jobs");
	json_int(&w, run->jobs);
	json_key(&w, "interrupted");
	json_bool(&w, run->interrupted);
	json_key(&w, "passed");
	json_uint(&w, run->passed);
	json_key(&w, "failed");
	json_uint(&w, run->failed);
	json_key(&w, "skipped");
	json_uint(&w, run->skipped);
	json_key(&w, "flaky");
	json_uint(&w, run->flaky);
	json_key(&w, "tests");
	json_array_begin(&w);
	for (size_t i = 0; i < nr; i++) {
		add_test(&w, &tests[i]);
		/* The writer keeps no offsets into sb: it may be emptied. */
		if (sb.len >= JSON_CHUNK) {
			if (write_in_full(fd, sb.buf, sb.len) < 0)
				goto write_error;
			strbuf_reset(&sb);
		}
	}
	json_array_end(&w);
	json_object_end(&w);
	strbuf_addch(&sb, '\n');
	if (write_in_full(fd, sb.buf, sb.len) < 0 || fsync(fd) < 0)
		goto write_error;
	if (close(fd) < 0) {
		fd = -1;
		goto write_error;
	}
	fd = -1;
	if (rename(tmp, jr->path) < 0) {
		error_errno("cannot rename '%s' to '%s'", tmp, jr->path);
		unlink(tmp);
		goto out;
	}
	ret = 0;
	goto out;
write_error:
	error_errno("cannot write '%s'", tmp);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	strbuf_release(&sb);
	strbuf_release(&ts);
	return ret;
}

static void json_free(struct reporter *r)
{
	struct json_reporter *jr = (struct json_reporter *)r;

	free(jr->path);
	free(jr);
}

static const struct reporter_ops json_ops = {
	.name = "json",
	.end = json_end,
	.free = json_free,
};

struct reporter *report_json_new(const char *path)
{
	struct json_reporter *j = xcalloc(1, sizeof(*j));

	j->base.ops = &json_ops;
	j->path = xstrdup(path);
	return &j->base;
}
