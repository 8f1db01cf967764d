/*
 * report.h - the reporters of `ordeal run`: one interface (a table of
 * callbacks, after redis's ae backends), one implementation per file in
 * src/report/: text (humans), tap (TAP 13/14), json (reports/report.json,
 * kola's shape), events (Go's test2json stream), junit (JUnit XML).
 *
 * The runner owns every struct report_test and struct report_run and keeps
 * them alive until report_end(); reporters borrow them during a callback
 * and copy what they keep.  Reporters that need the whole run (report.json,
 * JUnit) are written in end() from the array the runner passes, so the
 * runner's records are the only per-test memory (a fixed struct per test,
 * strings shared or in arenas: a 10,000-test run must stay small).  Test
 * output is never held whole: reporters read bounded tails of the
 * per-test files.
 *
 * Invariant: after begin(), every planned test reaches test_finished()
 * exactly once before end(), including tests that never ran (interrupted,
 * --failfast: not_run set) and tests that were running when the run was
 * interrupted (interrupted set), so every report is complete and valid.
 */
#ifndef ORDEAL_REPORT_H
#define ORDEAL_REPORT_H

#include "common.h"
#include "run-command.h"

struct strbuf;

enum report_result {
	REPORT_PASS,
	REPORT_FAIL,
	REPORT_SKIP,
	REPORT_FLAKY, /* failed, then passed on a retry */
};

/* "PASS", "FAIL", "SKIP", "FLAKY". */
const char *report_result_name(enum report_result r);

struct report_test {
	const char *name;
	const char *path; /* the file (NULL for --exec templates) */
	const char *dir;  /* "tests/<safe-name>" relative to the run */
	/*
	 * The run's directory (shared by every test): the last attempt's
	 * output files are out_dir/dir/stdout and out_dir/dir/stderr (see
	 * report_output_path), built when needed rather than kept per test.
	 */
	const char *out_dir;
	unsigned instance; /* 1..--count */
	enum report_result result;
	/*
	 * SKIP: the reason ("requires root", "exit status 77", "not run:
	 * interrupted").  FAIL: how it ended ("exit status 1", "timed out
	 * after 2s").  May be NULL.
	 */
	const char *reason;
	bool ran;	       /* a process ran (result is meaningful) */
	bool not_run;	       /* never started: interrupted or --failfast */
	bool interrupted;      /* killed because the run was interrupted */
	int attempts;	       /* processes run (1 + retries used) */
	struct run_result res; /* the last attempt */
	int64_t started_ns;    /* monotonic, for the live status */
};

struct report_run {
	uint64_t seed;
	bool shuffled;
	int64_t started_wall_ns;
	int64_t elapsed_ns; /* filled in before end() */
	size_t total;	    /* tests planned (tests x --count) */
	int jobs;
	const char *out_dir; /* the run's directory */
	int tap_version;     /* 13 or 14 */
	/* Counts, filled in before end(). */
	size_t passed, failed, skipped, flaky;
	bool interrupted; /* by a signal (130) */
	int interrupt_signal;
	bool failfast_stopped;
};

/* The live status (text reporter on a terminal). */
struct report_status {
	int running;
	size_t finished, passed, failed;
	int64_t elapsed_ns;
	const char *slowest; /* the running test that started first */
	int64_t slowest_ns;
};

struct reporter;

struct reporter_ops {
	const char *name;
	void (*begin)(struct reporter *r, const struct report_run *run);
	void (*test_started)(struct reporter *r, const struct report_test *t);
	void (*test_finished)(struct reporter *r, const struct report_test *t);
	void (*status)(struct reporter *r, const struct report_status *st);
	/*
	 * The run is over (or interrupted): `tests` holds every planned test
	 * in plan order.  Returns 0, or -1 after printing an error.
	 */
	int (*end)(struct reporter *r, const struct report_run *run,
		   const struct report_test *tests, size_t nr);
	void (*free)(struct reporter *r);
};

/* Each implementation embeds this first. */
struct reporter {
	const struct reporter_ops *ops;
};

/* A set of reporters driven together (the runner's view). */
struct report_set {
	struct reporter **v;
	size_t nr, alloc;
};

#define REPORT_SET_INIT                                                        \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

void report_set_add(struct report_set *s, struct reporter *r);
void report_begin(struct report_set *s, const struct report_run *run);
void report_test_started(struct report_set *s, const struct report_test *t);
void report_test_finished(struct report_set *s, const struct report_test *t);
void report_status(struct report_set *s, const struct report_status *st);
/* Calls every end(); -1 when any failed. */
int report_end(struct report_set *s, const struct report_run *run,
	       const struct report_test *tests, size_t nr);
void report_set_clear(struct report_set *s);

/*
 * The reporters.  FILE pointers are borrowed (not closed); paths are
 * opened by the reporter.
 *
 * text: per-test lines and the closing line on `out`, the live status on
 * `status` (NULL: none, e.g. not a terminal); `tail_lines` lines of a
 * failed test's output are shown.  summary_only: only the closing lines
 * (when stdout carries TAP or JSON and the text goes to stderr).  color:
 * the result words in color (PASS green, FAIL red, SKIP yellow, FLAKY
 * magenta).
 */
struct reporter *report_text_new(FILE *out, FILE *status, int tail_lines,
				 bool summary_only, bool color);
/* TAP to `out` (flushed per test so a reader can follow it). */
struct reporter *report_tap_new(FILE *out);
/* reports/report.json: written atomically in end(). */
struct reporter *report_json_new(const char *path);
/* test2json events to `out`, "Package" = `package`. */
struct reporter *report_events_new(FILE *out, const char *package);
/* JUnit XML to `path`, written atomically in end(). */
struct reporter *report_junit_new(const char *path);

/*
 * Helpers shared by the reporters (pure; unit-tested).
 *
 * report_printable: append `len` bytes as text safe for a terminal or a
 * TAP line: invalid UTF-8 and control characters (C0 except tab, DEL, C1,
 * and newline unless keep_newlines) become U+FFFD, so a test's output
 * cannot drive the terminal.  With keep_newlines, CRLF becomes LF.
 */
void report_printable(struct strbuf *out, const char *s, size_t len,
		      bool keep_newlines);
/* A TAP description: printable, with '\' and '#' backslash-escaped. */
void report_tap_escape(struct strbuf *out, const char *name);
/*
 * A YAML double-quoted scalar that both TAP::Parser's YAMLish reader and
 * full YAML parsers read back: escapes \\ \" \n \t \r and \xHH.
 */
void report_yaml_quote(struct strbuf *out, const char *s, size_t len);
/*
 * XML character data / attribute value: sanitized for XML 1.0 (U+FFFD for
 * invalid UTF-8 and forbidden controls), & < > " ' escaped.  Used outside
 * CDATA, so "]]>" needs no special case ('>' is escaped).
 */
void report_xml_escape(struct strbuf *out, const char *s, size_t len);
/*
 * A directory name for a test that is safe on any filesystem and in a
 * shell: [A-Za-z0-9._-] kept, anything else '_', no leading '.', at most
 * 80 bytes.  When anything was changed a short hash of the full name is
 * appended ("a_b-1f2e3d4c"), so distinct names rarely collide; the caller
 * still checks for collisions.
 */
void report_safe_name(struct strbuf *out, const char *name);
/*
 * The path of a test's output file `which` ("stdout", "stderr"):
 * out_dir/dir/which, into `sb` (reset first).  Empty when the test has no
 * directory.
 */
void report_output_path(struct strbuf *sb, const struct report_test *t,
			const char *which);
/* The last `max_lines` lines of s[0..len) (a trailing newline ignored). */
size_t report_tail_offset(const char *s, size_t len, int max_lines);
/*
 * Append the tail (at most `max_bytes`) of a file, as read from disk;
 * *truncated tells whether bytes were left out.  Missing file: nothing.
 */
void report_read_tail(struct strbuf *out, const char *path, size_t max_bytes,
		      bool *truncated);

/*
 * Read a report.json back (--rerun-failed): push the name and path ("" for
 * --exec tests) of every FAIL test, each name once.  0, or -1 with an
 * error naming the file (and line, for bad JSON).
 */
struct strvec;
int report_read_failed(const char *report_json, struct strvec *names,
		       struct strvec *paths);

#endif
