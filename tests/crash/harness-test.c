/*
 * harness-test.c - drives ordeal_crash_run() the way a storage engine's
 * own test suite would: record the points of examples/wal's walkv, crash
 * it at every (point, hit), run its recovery checker, and expect the
 * correct build to survive every crash and the buggy builds to lose acked
 * data (the planted bugs must be found).  Also the harness's edge cases:
 * timeout, a point never reached, a program that cannot run, bounded
 * output, a forking program.
 *
 * Usage: harness-test BUILD_DIR   (prints "ok"/"not ok" lines, exit 1 on
 * any failure).  Built and run by tests/crash/run.sh.
 */
#include <ordeal/crashpoint.h>

#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char build[1024];

static void ok(int cond, const char *what)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", what);
	if (!cond)
		failures++;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_rf(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct pair {
	char name[256];
	unsigned long hit;
};

/* Read "hit SEQ HIT PID TID NAME" lines into distinct (name, hit) pairs. */
static int read_trace(const char *path, struct pair *pairs, int max)
{
	FILE *f = fopen(path, "r");
	char line[512], name[256];
	unsigned long s, hit, pid, tid;
	int n = 0, i;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "hit %lu %lu %lu %lu %255s", &s, &hit, &pid,
			   &tid, name) != 5)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(pairs[i].name, name) && pairs[i].hit == hit)
				break;
		if (i == n && n < max) {
			snprintf(pairs[n].name, sizeof(pairs[n].name), "%s",
				 name);
			pairs[n++].hit = hit;
		}
	}
	fclose(f);
	return n;
}

/*
 * Crash `prog put 6` at every point and check it; returns how many
 * checks failed, -1 when the harness itself misbehaved.
 */
static int crash_all(const char *prog, int power_loss, const char *tmp)
{
	char exe[2048], trace[2048], dir[2048], acks[2048], env1[2100];
	char preload[2048], spec[300];
	const char *env[2] = {env1, NULL};
	const char *argv[] = {exe, "put", "6", NULL};
	const char *check[] = {exe, "check", NULL};
	struct ordeal_crash_opts opts;
	struct ordeal_crash_out out;
	struct pair pairs[256];
	int n, i, bad = 0;

	snprintf(exe, sizeof(exe), "%s/examples/%s", build, prog);
	snprintf(preload, sizeof(preload), "%s/libordeal-preload.so", build);
	snprintf(trace, sizeof(trace), "%s/trace", tmp);
	snprintf(dir, sizeof(dir), "%s/run", tmp);
	unlink(trace);
	rm_rf(dir);
	mkdir(dir, 0755);
	memset(&opts, 0, sizeof(opts));
	opts.dir = dir;
	opts.preload = power_loss ? preload : NULL;
	opts.timeout_ms = 10000;
	snprintf(env1, sizeof(env1), "ORDEAL_CRASH_TRACE=%s", trace);
	opts.env = env;
	if (ordeal_crash_run(argv, NULL, &opts, &out) < 0 || out.exit_code) {
		printf("# record run of %s failed: %s\n", prog,
		       out.error ? out.error : out.stderr_buf);
		ordeal_crash_out_free(&out);
		return -1;
	}
	ordeal_crash_out_free(&out);
	n = read_trace(trace, pairs, 256);
	if (n < 10)
		return -1;
	opts.power_loss = power_loss;
	for (i = 0; i < n; i++) {
		FILE *f;

		rm_rf(dir);
		mkdir(dir, 0755);
		opts.env = NULL;
		snprintf(spec, sizeof(spec), "%.200s@%lu", pairs[i].name,
			 pairs[i].hit);
		if (ordeal_crash_run(argv, spec, &opts, &out) < 0)
			return -1;
		if (!out.killed || !out.point || out.hit != pairs[i].hit ||
		    strcmp(out.point, pairs[i].name)) {
			printf("# %s not reached (exit %d)\n", spec,
			       out.exit_code);
			ordeal_crash_out_free(&out);
			return -1;
		}
		snprintf(acks, sizeof(acks), "%s/acks", tmp);
		f = fopen(acks, "w");
		if (f) {
			fwrite(out.acks, 1, out.acks_len, f);
			fclose(f);
		}
		ordeal_crash_out_free(&out);
		snprintf(env1, sizeof(env1), "ORDEAL_ACKS=%s", acks);
		opts.env = env;
		{
			struct ordeal_crash_opts vopts = opts;

			vopts.preload = NULL;
			vopts.power_loss = 0;
			if (ordeal_crash_run(check, NULL, &vopts, &out) < 0)
				return -1;
		}
		if (out.exit_code != 0) {
			if (bad < 3)
				printf("# %s %s%s: %.*s\n", prog, spec,
				       power_loss ? " (power loss)" : "",
				       (int)strcspn(out.stdout_buf, "\n"),
				       out.stdout_buf);
			bad++;
		}
		ordeal_crash_out_free(&out);
	}
	printf("# %s: %d crash points%s, %d failed\n", prog, n,
	       power_loss ? " with power loss" : "", bad);
	return bad;
}

static void edge_cases(const char *tmp)
{
	struct ordeal_crash_opts opts;
	struct ordeal_crash_out out;
	char exe[2048];
	const char *sleeper[] = {"sh", "-c", "sleep 10; echo late", NULL};
	const char *chatty[] = {"sh", "-c", "yes | head -c 300000", NULL};
	const char *nosuch[] = {"/nonexistent/prog", NULL};
	const char *put[] = {exe, "put", "2", NULL};
	const char *fork_prog[] = {
		"sh", "-c",
		"walkv=$1; mkdir a b; (cd a && $walkv put 2); "
		"(cd b && $walkv put 2); echo both",
		"sh", exe, NULL};
	long t0;

	memset(&opts, 0, sizeof(opts));
	opts.timeout_ms = 300;
	t0 = (long)time(NULL);
	ordeal_crash_run(sleeper, NULL, &opts, &out);
	ok(out.timed_out && out.signal && !strstr(out.stdout_buf, "late") &&
		   (long)time(NULL) - t0 < 5,
	   "a hanging program is stopped at the timeout");
	rm_rf(out.dir);
	ordeal_crash_out_free(&out);

	snprintf(exe, sizeof(exe), "%s/examples/walkv", build);
	memset(&opts, 0, sizeof(opts));
	ordeal_crash_run(put, "no.such.point", &opts, &out);
	ok(!out.killed && out.exit_code == 0 && !out.point && out.hit == 0 &&
		   out.acks_len > 0,
	   "a point never reached: the program exits, no crash reported");
	rm_rf(out.dir);
	ordeal_crash_out_free(&out);

	ok(ordeal_crash_run(nosuch, NULL, &opts, &out) < 0 && out.error &&
		   strstr(out.error, "nonexistent"),
	   "a program that cannot run is an error, not a crash");
	ordeal_crash_out_free(&out);

	opts.max_output = 1000;
	ordeal_crash_run(chatty, NULL, &opts, &out);
	ok(out.exit_code == 0 && out.stdout_len == 1000,
	   "captured output is bounded");
	rm_rf(out.dir);
	ordeal_crash_out_free(&out);

	/* Each process counts its own hits: both walkv runs die at their
	 * own first wal.committed, so the shell still prints "both". */
	memset(&opts, 0, sizeof(opts));
	ordeal_crash_run(fork_prog, "wal.committed", &opts, &out);
	ok(out.exit_code == 0 && strstr(out.stdout_buf, "both") &&
		   !out.point,
	   "child processes count their own hits");
	rm_rf(out.dir);
	ordeal_crash_out_free(&out);

	/* A program that dies by itself is not the injected crash. */
	{
		char prog[2100];
		const char *self_crash[] = {prog, "self-crash", NULL};

		snprintf(prog, sizeof(prog), "%s/examples/crashprog", build);
		memset(&opts, 0, sizeof(opts));
		ordeal_crash_run(self_crash, "b", &opts, &out);
		ok(out.signal == SIGSEGV && !out.killed && !out.point &&
			   out.hit == 0,
		   "a program that crashes by itself is reported as such");
		rm_rf(out.dir);
		ordeal_crash_out_free(&out);
	}

	/* A real fork(): the child goes on from the parent's count. */
	{
		char self_path[2048], trace[2100], env1[2200];
		const char *env[2] = {env1, NULL};
		const char *self[] = {self_path, "--forker", NULL};
		FILE *f;
		char line[256];
		unsigned long s, hit, pid, tid, pids[4] = {0};
		int n = 0;

		snprintf(self_path, sizeof(self_path), "%s/tests/crash/harness-test",
			 build);
		snprintf(trace, sizeof(trace), "%s/fork-trace", tmp);
		snprintf(env1, sizeof(env1), "ORDEAL_CRASH_TRACE=%s", trace);
		memset(&opts, 0, sizeof(opts));
		opts.env = env;
		ordeal_crash_run(self, NULL, &opts, &out);
		rm_rf(out.dir);
		ordeal_crash_out_free(&out);
		f = fopen(trace, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "hit %lu %lu %lu %lu", &s, &hit, &pid,
				   &tid) == 4 && hit == 2 && n < 4)
				pids[n++] = pid;
		if (f)
			fclose(f);
		ok(n == 2 && pids[0] != pids[1],
		   "after fork() parent and child each count a second hit");
		opts.env = NULL;
		ordeal_crash_run(self, "fork.point@2", &opts, &out);
		ok(out.killed && out.point && out.hit == 2,
		   "armed at the second hit, the forking program dies there");
		rm_rf(out.dir);
		ordeal_crash_out_free(&out);
	}
}

/* --forker: one hit, fork, one more hit in each process. */
static int forker(void)
{
	pid_t pid;
	int st;

	ORDEAL_CRASHPOINT("fork.point");
	pid = fork();
	ORDEAL_CRASHPOINT("fork.point");
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);
	return 0;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/ordeal-harness-XXXXXX";
	int r;

	if (argc == 2 && !strcmp(argv[1], "--forker"))
		return forker();
	if (argc != 2) {
		fprintf(stderr, "usage: harness-test BUILD_DIR\n");
		return 2;
	}
	if (!realpath(argv[1], build) || !mkdtemp(tmp))
		return 2;
	r = crash_all("walkv", 0, tmp);
	ok(r == 0, "walkv survives a crash at every point");
	r = crash_all("walkv", 1, tmp);
	ok(r == 0, "walkv survives a power cut at every point");
	r = crash_all("walkv-ack-early", 0, tmp);
	ok(r > 0, "an ack before the write is found by a plain crash");
	r = crash_all("walkv-skip-fsync", 0, tmp);
	ok(r == 0, "a missing fsync is invisible to a plain crash");
	r = crash_all("walkv-skip-fsync", 1, tmp);
	ok(r > 0, "a missing fsync is found by a power cut");
	edge_cases(tmp);
	rm_rf(tmp);
	return failures ? 1 : 0;
}
