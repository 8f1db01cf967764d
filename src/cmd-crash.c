/*
 * cmd-crash.c - `ordeal crash`: record which crash points a program hits,
 * crash it at each chosen (point, hit) in a fresh directory, run the
 * verifier after every crash, and report a table with the failures kept
 * and a command line reproducing each alone.
 *
 * WORK is a fresh temporary directory: WORK/record/ holds the record run
 * (its trace), runs happen in one reused directory per -j slot, and a run
 * that is kept (failed, or --keep-all) becomes WORK/NNNN/ (dir/, stdout,
 * stderr, acks, status, verify.out, result.json).  WORK is removed at the
 * end unless something was kept.
 */
#include "common.h"
#include "cmd.h"
#include "clock.h"
#include "parse-options.h"
#include "path.h"
#include "rng.h"
#include "run-command.h"
#include "strbuf.h"
#include "strvec.h"

#include <ordeal/crashpoint.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* A point seen in the record run: its name and its highest hit. */
struct crash_point {
	char *name;
	unsigned long max;
};

/* One (point, hit) to crash at; name and max belong to its crash_point. */
struct crash_pair {
	const char *name;
	unsigned long hit;
	unsigned long max;
};

/*
 * The record run's result.  Every process counts from a count its parent
 * had reached (or from zero after exec), so the hits of a point seen over
 * all processes are exactly 1..max: a trace line is a new pair iff its
 * hit is above the point's max so far.  Pairs are in order of first
 * appearance.
 */
struct crash_record {
	struct crash_point *points;
	size_t points_nr, points_alloc;
	struct crash_pair *pairs;
	size_t nr, alloc;
};

enum job_phase { JOB_WAITING, JOB_PROGRAM, JOB_VERIFY, JOB_DONE };

struct crash_job {
	size_t index;
	struct crash_pair pair;
	char *base, *dir, *acks;
	char *out_path; /* borrowed by cp.out_path while it runs */
	int slot;
	enum job_phase phase;
	struct child_process cp;
	struct run_result prog, verify;
	bool reached, self_crash, failed, has_verify;
	int64_t start_ns, duration_ns;
	struct strbuf why;
};

/*
 * Runs reuse one directory per -j slot (WORK/slot-K.G): emptying a
 * directory and truncating its files is much cheaper than making new
 * ones on a busy file system.  A run that is kept (failure, --keep-all)
 * is renamed to WORK/NNNN and its slot starts a new generation G.
 */
struct crash_slot {
	char *base;
	int id;
	unsigned gen;
	bool busy;
};

struct crash_opts {
	const char *points, *syscalls, *from, *setup, *verify, *seed_arg;
	int power_loss, all, keep_all, jobs;
	unsigned long long max_hits, sample;
	int64_t timeout_ns;
	uint64_t seed;
	char *preload;
	const char **program;
	char *work;
};

static const char *const crash_usage[] = {
	"ordeal crash [options] [--verify CMD] -- PROGRAM [ARG...]",
	NULL,
};

static const char *const sys_points[] = {
	"write",  "pwrite",    "fsync", "fdatasync", "rename",
	"unlink", "ftruncate", "close", "open",
};

/* True when the ELF file has no PT_INTERP: LD_PRELOAD cannot reach it. */
static int is_static_elf(const char *path)
{
	unsigned char h[64], ph[56];
	int fd = open(path, O_RDONLY | O_CLOEXEC), is64, i, ret = 0;
	uint64_t phoff;
	uint16_t phentsize, phnum;

	if (fd < 0)
		return 0;
	if (read(fd, h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    memcmp(h, "\177ELF", 4) || h[5] != 1 /* little endian only */) {
		close(fd);
		return 0;
	}
	is64 = h[4] == 2;
	if (is64) {
		memcpy(&phoff, h + 32, 8);
		memcpy(&phentsize, h + 54, 2);
		memcpy(&phnum, h + 56, 2);
	} else {
		uint32_t off32;

		memcpy(&off32, h + 28, 4);
		phoff = off32;
		memcpy(&phentsize, h + 42, 2);
		memcpy(&phnum, h + 44, 2);
	}
	ret = 1;
	for (i = 0; i < phnum && phentsize <= sizeof(ph); i++) {
		uint32_t type;

		if (pread(fd, ph, phentsize,
			  (off_t)(phoff + (uint64_t)i * phentsize)) !=
		    (ssize_t)phentsize)
			break;
		memcpy(&type, ph, 4);
		if (type == 3 /* PT_INTERP */) {
			ret = 0;
			break;
		}
	}
	close(fd);
	return ret;
}

static char *find_preload(void)
{
	const char *env = getenv("ORDEAL_PRELOAD");
	char self[4096];
	ssize_t n;

	if (env && *env)
		return xstrdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash, *p;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			p = xstrfmt("%s/libordeal-preload.so", self);
			if (!access(p, R_OK))
				return p;
			free(p);
			p = xstrfmt("%s/../lib/libordeal-preload.so", self);
			if (!access(p, R_OK))
				return p;
			free(p);
		}
	}
	return NULL;
}

static int validate_syscalls(const char *list)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = list;

	if (!strcmp(list, "all"))
		return 0;
	while (*p) {
		size_t n = strcspn(p, ","), i;
		int found = 0;

		strbuf_setlen(&sb, 0);
		strbuf_add(&sb, p, n);
		for (i = 0; i < ARRAY_SIZE(sys_points); i++)
			if (!strcmp(sb.buf, sys_points[i]) ||
			    (!strncmp(sb.buf, "sys.", 4) &&
			     !strcmp(sb.buf + 4, sys_points[i])))
				found = 1;
		if (!found) {
			error("unknown syscall '%s' in --syscalls (known: "
			      "write, pwrite, fsync, fdatasync, rename, "
			      "unlink, ftruncate, close, open)",
			      sb.buf);
			strbuf_release(&sb);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	strbuf_release(&sb);
	return 0;
}

/* A fresh directory for one run: a copy of --from, or empty + --setup. */
static int prepare_dir(const struct crash_opts *o, const char *base,
		       const char *dir)
{
	struct stat st;

	if (mkdir_p(base, 0755) < 0)
		return error_errno("cannot create '%s'", base);
	if (!stat(dir, &st)) {
		if (clear_directory(dir) < 0)
			return error_errno("cannot empty '%s'", dir);
		if (o->from && copy_recursive(o->from, dir) < 0)
			return error("cannot copy '%s' to '%s'", o->from, dir);
	} else if (o->from) {
		if (copy_recursive(o->from, dir) < 0)
			return error("cannot copy '%s' to '%s'", o->from, dir);
	} else if (mkdir(dir, 0755) < 0) {
		return error_errno("cannot create '%s'", dir);
	}
	if (o->setup) {
		struct child_process cp = CHILD_PROCESS_INIT;
		char *err = NULL, *out = path_join(base, "setup.out");
		int ret = 0;

		if (strvec_split_words(&cp.args, o->setup, &err) < 0 ||
		    !cp.args.nr) {
			ret = error("bad --setup command: %s",
				    err ? err : "empty");
			free(err);
			free(out);
			child_process_clear(&cp);
			return ret;
		}
		cp.dir = dir;
		cp.use_path = true;
		cp.in = CHILD_NULL;
		cp.out = CHILD_FILE;
		cp.out_path = out;
		cp.err = CHILD_STDOUT;
		cp.timeout_ns = o->timeout_ns;
		strvec_pushf(&cp.env, "ORDEAL_CRASH_DIR=%s", dir);
		run_command(&cp);
		if (!run_result_passed(&cp.result)) {
			struct strbuf sb = STRBUF_INIT;

			run_result_describe(&sb, &cp.result);
			ret = error("--setup '%s' failed (%s); see '%s'",
				    o->setup, sb.buf, out);
			strbuf_release(&sb);
		}
		free(out);
		child_process_clear(&cp);
		return ret;
	}
	return 0;
}

static int open_fresh(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
		      0644);

	if (fd < 0)
		error_errno("cannot create '%s'", path);
	return fd;
}

/*
 * The program's child_process: env, fd 3 for its acks, and fd 198 for the
 * library's status lines: high, so that a shell script's own "exec 4>y"
 * cannot redirect them.
 */
static int setup_program(const struct crash_opts *o, struct child_process *cp,
			 const char *base, const char *dir, const char *at,
			 const char *trace, int *fds)
{
	char *p;

	strvec_pushv(&cp->args, o->program);
	cp->use_path = true;
	cp->dir = dir;
	cp->in = CHILD_NULL;
	cp->out = CHILD_FILE;
	cp->out_path = NULL;
	cp->timeout_ns = o->timeout_ns;
	strvec_pushf(&cp->env, "ORDEAL_CRASH_DIR=%s", dir);
	strvec_pushf(&cp->env, "ORDEAL_ACK_FD=3");
	strvec_pushf(&cp->env, "ORDEAL_STATUS_FD=198");
	strvec_push(&cp->env, "ORDEAL_CRASH_AT");
	strvec_push(&cp->env, "ORDEAL_CRASH_TRACE");
	strvec_push(&cp->env, "ORDEAL_POWER_LOSS");
	if (at)
		strvec_pushf(&cp->env, "ORDEAL_CRASH_AT=%s", at);
	if (trace)
		strvec_pushf(&cp->env, "ORDEAL_CRASH_TRACE=%s", trace);
	if (o->preload) {
		strvec_pushf(&cp->env, "LD_PRELOAD=%s", o->preload);
		/* --power-loss alone: bookkeeping, no syscall points */
		strvec_pushf(&cp->env, "ORDEAL_SYSCALLS=%s",
			     o->syscalls ? o->syscalls : "none");
		if (o->power_loss && at)
			strvec_push(&cp->env, "ORDEAL_POWER_LOSS=1");
	}
	p = path_join(base, "acks");
	fds[0] = open_fresh(p);
	free(p);
	p = path_join(base, "status");
	fds[1] = open_fresh(p);
	free(p);
	if (fds[0] < 0 || fds[1] < 0)
		return -1;
	cp->fd_map[0].from = fds[0];
	cp->fd_map[0].to = 3;
	cp->fd_map[1].from = fds[1];
	cp->fd_map[1].to = 198;
	cp->nr_fd_map = 2;
	return 0;
}

static struct crash_point *find_point(const struct crash_record *rec,
				      const char *name)
{
	size_t i;

	for (i = 0; i < rec->points_nr; i++)
		if (!strcmp(rec->points[i].name, name))
			return &rec->points[i];
	return NULL;
}

static void record_hit(struct crash_record *rec, const char *name,
		       unsigned long hit)
{
	struct crash_point *pt = find_point(rec, name);

	if (!pt) {
		ALLOC_GROW(rec->points, rec->points_nr + 1, rec->points_alloc);
		pt = &rec->points[rec->points_nr++];
		pt->name = xstrdup(name);
		pt->max = 0;
	}
	while (pt->max < hit) {
		ALLOC_GROW(rec->pairs, rec->nr + 1, rec->alloc);
		rec->pairs[rec->nr].name = pt->name;
		rec->pairs[rec->nr++].hit = ++pt->max;
	}
}

static void crash_record_release(struct crash_record *rec)
{
	size_t i;

	for (i = 0; i < rec->points_nr; i++)
		free(rec->points[i].name);
	free(rec->points);
	free(rec->pairs);
	memset(rec, 0, sizeof(*rec));
}

/*
 * Read a trace ("KIND SEQ HIT PID TID NAME" lines) into `rec`.  0, or -1
 * with an error for a point with an invalid name or a corrupt line.  A
 * process writes its hits in order, and a forked child starts from a
 * count its parent had already written, so a hit number above the lines
 * read so far is corrupt (and would make record_hit add pairs forever).
 */
static int read_trace(struct crash_record *rec, FILE *fp, const char *prog)
{
	struct strbuf line = STRBUF_INIT;
	unsigned long lines = 0;
	int ret = 0;

	while (!ret && strbuf_getline(&line, fp) != EOF) {
		char kind[8];
		unsigned long s, hit, pid, tid;
		int n = 0;

		if (sscanf(line.buf, "%7s %lu %lu %lu %lu %n", kind, &s, &hit,
			   &pid, &tid, &n) < 5 ||
		    !n)
			continue;
		lines++;
		if (!strcmp(kind, "bad"))
			ret = error("invalid crash point name '%s' in '%s' "
				    "(names may not contain spaces, control "
				    "characters or '@')",
				    line.buf + n, prog);
		else if (!hit || hit > lines || memchr(line.buf, '-', n))
			ret = error("corrupt crash trace line from '%s': '%s'",
				    prog, line.buf);
		else
			record_hit(rec, line.buf + n, hit);
	}
	strbuf_release(&line);
	return ret;
}

/*
 * Run the program once, unarmed, tracing every hit.  0, or -1 (an error),
 * -2 (the program failed by itself), -3 (we were interrupted).
 */
static int record(struct crash_opts *o, struct crash_record *rec)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char *base = path_join(o->work, "record");
	char *dir = path_join(base, "dir"), *trace = path_join(base, "trace");
	char *out = path_join(base, "output");
	struct strbuf sb = STRBUF_INIT;
	int fds[2] = {-1, -1}, ret = -1;
	size_t i;
	FILE *fp;

	if (prepare_dir(o, base, dir) < 0)
		goto done;
	if (setup_program(o, &cp, base, dir, NULL, trace, fds) < 0)
		goto done;
	cp.out_path = out;
	cp.err = CHILD_STDOUT;
	run_command(&cp);
	close(fds[0]);
	close(fds[1]);
	if (run_command_interrupted()) {
		/* Not the program's failure: ours to report as such. */
		run_command_kill_all();
		ret = -3;
		goto done;
	}
	if (!cp.result.started) {
		ret = error("cannot run '%s': %s", o->program[0],
			    strerror(cp.result.spawn_errno));
		goto done;
	}
	fp = fopen(trace, "r");
	if (fp) {
		int r = read_trace(rec, fp, o->program[0]);

		fclose(fp);
		if (r < 0)
			goto done;
	}
	if (!run_result_passed(&cp.result)) {
		run_result_describe(&sb, &cp.result);
		error("the record run of '%s' failed by itself (%s), before "
		      "any "
		      "injected crash; its output is in '%s'",
		      o->program[0], sb.buf, out);
		ret = -2;
		goto done;
	}
	/* Pairs borrow their point's max only now that it is final. */
	for (i = 0; i < rec->nr; i++)
		rec->pairs[i].max = find_point(rec, rec->pairs[i].name)->max;
	if (!rec->nr) {
		error("'%s' hit no crash point in the record run (it exited "
		      "before the first one%s)",
		      o->program[0],
		      o->preload ? ", or wrote nothing under its directory"
				 : "; use --syscalls for syscall points");
		goto done;
	}
	ret = 0;
done:
	strbuf_release(&sb);
	child_process_clear(&cp);
	free(base);
	free(dir);
	free(trace);
	free(out);
	return ret;
}

static int parse_point_item(const char *item, char **name, unsigned long *hit)
{
	const char *at = strchr(item, '@');

	*hit = 0;
	if (at) {
		unsigned long long h;

		if (parse_ullong(at + 1, 1, ULONG_MAX, "--points hit", &h) < 0)
			return -1;
		*hit = (unsigned long)h;
		*name = xstrndup(item, (size_t)(at - item));
	} else {
		*name = xstrdup(item);
	}
	if (!ordeal_crashpoint_name_valid(*name)) {
		error("invalid crash point name '%s' in --points (names may not"
		      " contain spaces or '@')",
		      *name);
		free(*name);
		return -1;
	}
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* --max-hits N keeps the first and the last N hits of each point. */
static bool within_max_hits(const struct crash_opts *o,
			    const struct crash_pair *p)
{
	return !o->max_hits || p->hit <= o->max_hits ||
	       p->hit + o->max_hits > p->max;
}

/* Mark the pairs one --points item names; -1 (with an error) if none. */
static int choose_item(const struct crash_opts *o,
		       const struct crash_record *rec, const char *item,
		       bool *chosen)
{
	const struct crash_point *pt;
	unsigned long hit;
	char *name;
	size_t i;

	if (parse_point_item(item, &name, &hit) < 0)
		return -1;
	pt = find_point(rec, name);
	if (!pt || hit > pt->max) {
		struct strbuf known = STRBUF_INIT;

		for (i = 0; i < rec->points_nr; i++)
			strbuf_addf(&known, "%s%s", i ? ", " : "",
				    rec->points[i].name);
		if (!pt)
			error("crash point '%s' was never hit in the record "
			      "run (points hit: %s)",
			      name, known.buf);
		else
			error("crash point '%s' was hit only %lu time%s in the "
			      "record run, not %lu",
			      name, pt->max, pt->max == 1 ? "" : "s", hit);
		strbuf_release(&known);
		free(name);
		return -1;
	}
	for (i = 0; i < rec->nr; i++)
		if (rec->pairs[i].name == pt->name &&
		    (hit ? rec->pairs[i].hit == hit
			 : within_max_hits(o, &rec->pairs[i])))
			chosen[i] = true;
	free(name);
	return 0;
}

/* Choose the (point, hit) pairs to crash at, in record order. */
static int select_pairs(const struct crash_opts *o,
			const struct crash_record *rec, struct crash_pair **out,
			size_t *out_nr)
{
	bool *chosen = xcalloc(rec->nr ? rec->nr : 1, sizeof(*chosen));
	size_t *idx = xcalloc(rec->nr ? rec->nr : 1, sizeof(*idx));
	size_t i, n = 0;

	if (o->points) {
		struct strbuf item = STRBUF_INIT;
		const char *p = o->points;

		while (*p) {
			size_t len = strcspn(p, ",");

			strbuf_setlen(&item, 0);
			strbuf_add(&item, p, len);
			p += len + (p[len] == ',');
			if (len && choose_item(o, rec, item.buf, chosen) < 0) {
				strbuf_release(&item);
				free(chosen);
				free(idx);
				return -1;
			}
		}
		strbuf_release(&item);
	} else {
		for (i = 0; i < rec->nr; i++)
			chosen[i] = within_max_hits(o, &rec->pairs[i]);
	}
	for (i = 0; i < rec->nr; i++)
		if (chosen[i])
			idx[n++] = i;
	if (o->sample && o->sample < n) {
		struct rng r;

		rng_init(&r, o->seed);
		rng_shuffle(&r, idx, n, sizeof(*idx));
		n = (size_t)o->sample;
		qsort(idx, n, sizeof(*idx),
		      cmp_size); /* back to record order */
	}
	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (i = 0; i < n; i++)
		(*out)[i] = rec->pairs[idx[i]];
	*out_nr = n;
	free(chosen);
	free(idx);
	return 0;
}

static int start_program(const struct crash_opts *o, struct crash_job *j)
{
	char *at = xstrfmt("%s@%lu", j->pair.name, j->pair.hit);
	char *out, *err;
	int fds[2] = {-1, -1}, ret;

	child_process_init(&j->cp);
	if (prepare_dir(o, j->base, j->dir) < 0) {
		free(at);
		return -1;
	}
	ret = setup_program(o, &j->cp, j->base, j->dir, at, NULL, fds);
	strvec_pushf(&j->cp.env, "ORDEAL_CRASH_POINT=%s", j->pair.name);
	strvec_pushf(&j->cp.env, "ORDEAL_CRASH_HIT=%lu", j->pair.hit);
	strvec_pushf(&j->cp.env, "ORDEAL_SEED=%llu",
		     (unsigned long long)o->seed);
	strvec_pushf(&j->cp.env, "ORDEAL_RUN=%zu", j->index + 1);
	out = path_join(j->base, "stdout");
	err = path_join(j->base, "stderr");
	j->cp.out_path = out;
	j->cp.err = CHILD_FILE;
	j->cp.err_path = err;
	j->cp.data = j;
	j->start_ns = clock_now_ns();
	if (!ret)
		ret = start_command(&j->cp);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(at);
	j->phase = JOB_PROGRAM;
	/* out/err paths are borrowed by cp until it finishes */
	j->out_path = out;
	j->cp.data = j;
	free(err);
	return ret;
}

static int start_verify(const struct crash_opts *o, struct crash_job *j)
{
	char *err = NULL;
	char *out = path_join(j->base, "verify.out");

	free(j->out_path);
	j->out_path = NULL;
	child_process_clear(&j->cp);
	child_process_init(&j->cp);
	if (strvec_split_words(&j->cp.args, o->verify, &err) < 0 ||
	    !j->cp.args.nr) {
		free(err);
		free(out);
		return -1;
	}
	j->cp.use_path = true;
	j->cp.dir = j->dir;
	j->cp.in = CHILD_NULL;
	j->cp.out = CHILD_FILE;
	j->cp.out_path = out;
	j->cp.err = CHILD_STDOUT;
	j->cp.timeout_ns = o->timeout_ns;
	j->cp.data = j;
	j->out_path = out;
	strvec_pushf(&j->cp.env, "ORDEAL_CRASH_DIR=%s", j->dir);
	strvec_pushf(&j->cp.env, "ORDEAL_CRASH_POINT=%s", j->pair.name);
	strvec_pushf(&j->cp.env, "ORDEAL_CRASH_HIT=%lu", j->pair.hit);
	strvec_pushf(&j->cp.env, "ORDEAL_SEED=%llu",
		     (unsigned long long)o->seed);
	strvec_pushf(&j->cp.env, "ORDEAL_RUN=%zu", j->index + 1);
	strvec_pushf(&j->cp.env, "ORDEAL_ACKS=%s", j->acks);
	j->phase = JOB_VERIFY;
	j->has_verify = true;
	return start_command(&j->cp);
}

/* The program finished: did it die at the point, or by itself? */
static void judge_program(struct crash_job *j)
{
	struct strbuf st = STRBUF_INIT, want = STRBUF_INIT;
	char *status = path_join(j->base, "status");

	j->prog = j->cp.result;
	strbuf_read_file(&st, status, 1 << 20);
	strbuf_addf(&want, "crashed %s@%lu\n", j->pair.name, j->pair.hit);
	j->reached = j->prog.signal == SIGKILL && !j->prog.timed_out &&
		     strstr(st.buf, want.buf);
	if (!j->reached) {
		if (j->prog.timed_out || (j->prog.signal && !j->prog.exited)) {
			j->self_crash = true;
			j->failed = true;
			run_result_describe(&j->why, &j->prog);
			strbuf_insert(&j->why, 0, "program ", 8);
		} else if (!j->prog.started) {
			j->failed = true;
			strbuf_addstr(&j->why, "program could not start");
		} else if (j->prog.exit_code) {
			j->failed = true;
			strbuf_addf(&j->why,
				    "program exited %d before the point",
				    j->prog.exit_code);
		}
	}
	strbuf_release(&st);
	strbuf_release(&want);
	free(status);
}

static void judge_verify(struct crash_job *j)
{
	j->verify = j->cp.result;
	if (!run_result_passed(&j->verify) && !j->failed) {
		struct strbuf out = STRBUF_INIT;
		char *p = path_join(j->base, "verify.out");

		j->failed = true;
		run_result_describe(&j->why, &j->verify);
		strbuf_insert(&j->why, 0, "verify: ", 8);
		strbuf_read_file(&out, p, 4096);
		if (out.len) {
			size_t n = strcspn(out.buf, "\n");

			strbuf_addstr(&j->why, ": ");
			strbuf_add(&j->why, out.buf, n);
		}
		strbuf_release(&out);
		free(p);
	}
}

static void print_repro(const struct crash_opts *o, const struct crash_job *j)
{
	struct strbuf sb = STRBUF_INIT, at = STRBUF_INIT;
	size_t i;

	strbuf_addf(&at, "%s@%lu", j->pair.name, j->pair.hit);
	strbuf_addstr(&sb, "ordeal crash --points ");
	strbuf_add_shell_quoted(&sb, at.buf);
	if (o->syscalls) {
		strbuf_addstr(&sb, " --syscalls ");
		strbuf_add_shell_quoted(&sb, o->syscalls);
	}
	if (o->power_loss)
		strbuf_addstr(&sb, " --power-loss");
	if (o->from) {
		strbuf_addstr(&sb, " --from ");
		strbuf_add_shell_quoted(&sb, o->from);
	}
	if (o->setup) {
		strbuf_addstr(&sb, " --setup ");
		strbuf_add_shell_quoted(&sb, o->setup);
	}
	if (o->verify) {
		strbuf_addstr(&sb, " --verify ");
		strbuf_add_shell_quoted(&sb, o->verify);
	}
	if (o->timeout_ns != 30 * (int64_t)1000000000) {
		strbuf_addstr(&sb, " --timeout ");
		strbuf_addstr(&sb, duration_str(o->timeout_ns));
	}
	strbuf_addstr(&sb, " --");
	for (i = 0; o->program[i]; i++) {
		strbuf_addch(&sb, ' ');
		strbuf_add_shell_quoted(&sb, o->program[i]);
	}
	printf("  reproduce: %s\n", sb.buf);
	strbuf_release(&sb);
	strbuf_release(&at);
}

/* Move a finished run out of its slot to WORK/NNNN, to keep it. */
static void keep_run(const struct crash_opts *o, struct crash_slot *slot,
		     struct crash_job *j)
{
	char *dest = xstrfmt("%s/%04zu", o->work, j->index + 1);

	if (rename(slot->base, dest) < 0) {
		warning_errno("cannot rename '%s' to '%s'", slot->base, dest);
		free(dest);
	} else {
		free(j->base);
		free(j->dir);
		free(j->acks);
		j->base = dest;
		j->dir = path_join(dest, "dir");
		j->acks = path_join(dest, "acks");
	}
	/* Either way the slot's directory is taken: start a new one. */
	free(slot->base);
	slot->gen++;
	slot->base = xstrfmt("%s/slot-%d.%u", o->work, slot->id, slot->gen);
}

static int run_all(struct crash_opts *o, struct crash_pair *sel, size_t nr)
{
	struct crash_job *jobs = xcalloc(nr ? nr : 1, sizeof(*jobs));
	struct crash_slot *slots = xcalloc((size_t)o->jobs, sizeof(*slots));
	size_t next = 0, done = 0, i, failed = 0, unreached = 0;
	int running = 0, interrupted = 0, k;

	for (k = 0; k < o->jobs; k++) {
		slots[k].id = k + 1;
		slots[k].base = xstrfmt("%s/slot-%d.0", o->work, k + 1);
	}
	for (i = 0; i < nr; i++) {
		jobs[i].index = i;
		jobs[i].pair = sel[i];
		strbuf_init(&jobs[i].why, 0);
	}
	while (done < nr) {
		struct child_process *cp;
		struct crash_job *j;

		if (run_command_interrupted()) {
			interrupted = 1;
			break;
		}
		while (running < o->jobs && next < nr) {
			j = &jobs[next++];
			for (k = 0; slots[k].busy; k++)
				;
			j->slot = k;
			j->base = xstrdup(slots[k].base);
			j->dir = path_join(j->base, "dir");
			j->acks = path_join(j->base, "acks");
			if (start_program(o, j) < 0) {
				j->failed = true;
				strbuf_addstr(&j->why,
					      "could not start the run");
				j->phase = JOB_DONE;
				done++;
				continue;
			}
			slots[k].busy = true;
			running++;
		}
		if (!running)
			continue;
		cp = run_command_wait_any(-1);
		if (!cp)
			continue;
		j = cp->data;
		if (j->phase == JOB_PROGRAM) {
			judge_program(j);
			j->duration_ns = clock_now_ns() - j->start_ns;
			if (o->verify && start_verify(o, j) == 0)
				continue;
			if (o->verify && !j->failed) {
				j->failed = true;
				strbuf_addstr(&j->why,
					      "verify could not start");
			}
		} else {
			judge_verify(j);
		}
		j->duration_ns = clock_now_ns() - j->start_ns;
		if (j->failed) {
			char *res = path_join(j->base, "result.json");

			run_result_write_json(res, &j->cp, o->seed, NULL);
			free(res);
		}
		/* After the evidence: cp still borrows the slot's paths. */
		if (j->failed || o->keep_all)
			keep_run(o, &slots[j->slot], j);
		free(j->out_path);
		j->out_path = NULL;
		child_process_clear(&j->cp);
		j->phase = JOB_DONE;
		slots[j->slot].busy = false;
		running--;
		done++;
	}
	if (interrupted) {
		run_command_kill_all();
		for (i = 0; i < nr; i++)
			if (jobs[i].phase == JOB_PROGRAM ||
			    jobs[i].phase == JOB_VERIFY) {
				free(jobs[i].out_path);
				child_process_clear(&jobs[i].cp);
			}
	}

	printf("%-40s %-12s %-8s %s\n", "POINT@HIT", "KILLED", "VERIFY",
	       "TIME");
	for (i = 0; i < nr; i++) {
		struct crash_job *j = &jobs[i];
		struct strbuf at = STRBUF_INIT;
		const char *killed, *verify;

		if (j->phase != JOB_DONE)
			continue;
		strbuf_addf(&at, "%s@%lu", j->pair.name, j->pair.hit);
		killed = j->reached	 ? "yes"
			 : j->self_crash ? "self-crash"
					 : "not reached";
		if (!j->reached && !j->self_crash)
			unreached++;
		verify = !j->has_verify			 ? "-"
			 : run_result_passed(&j->verify) ? "ok"
							 : "FAILED";
		printf("%-40s %-12s %-8s %s\n", at.buf, killed, verify,
		       duration_str(j->duration_ns));
		strbuf_release(&at);
		if (j->failed)
			failed++;
	}
	printf("%zu crash points, %zu failed, %zu not reached\n", done, failed,
	       unreached);
	for (i = 0; i < nr; i++) {
		struct crash_job *j = &jobs[i];

		if (j->phase == JOB_DONE && j->failed) {
			printf("FAILED %s@%lu: %s\n  kept: %s\n", j->pair.name,
			       j->pair.hit, j->why.buf, j->base);
			print_repro(o, j);
		}
	}
	/* Slots of passing runs; an interrupted run's slot stays. */
	for (k = 0; k < o->jobs; k++) {
		if (!slots[k].busy)
			remove_recursive(slots[k].base);
		free(slots[k].base);
	}
	free(slots);
	printf("ordeal: %zu passed, %zu failed, 0 skipped\n", done - failed,
	       failed);
	for (i = 0; i < nr; i++) {
		free(jobs[i].base);
		free(jobs[i].dir);
		free(jobs[i].acks);
		strbuf_release(&jobs[i].why);
	}
	free(jobs);
	if (interrupted) {
		/* Nothing to keep: the work directory goes, as on success. */
		if (!failed && !o->keep_all) {
			remove_recursive(o->work);
			warning("interrupted by SIG%s",
				signal_name(run_command_interrupted()));
		} else {
			warning("interrupted by SIG%s; runs left in '%s'",
				signal_name(run_command_interrupted()),
				o->work);
		}
		return EXIT_INTERRUPTED;
	}
	return failed ? EXIT_FOUND : EXIT_OK;
}

int cmd_crash(int argc, const char **argv)
{
	struct crash_opts o = {0};
	struct crash_record rec = {0};
	struct crash_pair *sel = NULL;
	size_t sel_nr = 0;
	char *prog_path, *abs_program = NULL, *abs_verify = NULL;
	int ret;
	struct option options[] = {
		OPT_STRING(0, "points", &o.points, "list",
			   "crash only at these points (NAME or NAME@N, "
			   "comma-separated)"),
		OPT_BOOL(0, "all", &o.all,
			 "crash at every hit of every point"
			 " (the default)"),
		OPT_STRING(0, "syscalls", &o.syscalls, "list",
			   "preload syscall crash points (write,fsync,... "
			   "or all)"),
		OPT_BOOL(0, "power-loss", &o.power_loss,
			 "at the crash, lose what was not synced (any point)"),
		OPT_STRING(0, "from", &o.from, "dir",
			   "each run starts in a copy of this directory"),
		OPT_STRING(0, "setup", &o.setup, "cmd",
			   "prepare each fresh directory with this command"),
		OPT_STRING(0, "verify", &o.verify, "cmd",
			   "the recovery checker, run after every crash"),
		OPT_DURATION(0, "timeout", &o.timeout_ns,
			     "per program and verifier run (default 30s)"),
		OPT_INT('j', "jobs", &o.jobs, "n", "runs side by side"),
		OPT_UINT(0, "max-hits", &o.max_hits, "n",
			 "only the first and last N hits of each point"),
		OPT_UINT(0, "sample", &o.sample, "n",
			 "crash at N pairs chosen with --seed"),
		OPT_STRING(0, "seed", &o.seed_arg, "n", "seed for --sample"),
		OPT_BOOL(0, "keep-all", &o.keep_all,
			 "keep the directories of passing runs too"),
		OPT_END(),
	};

	o.jobs = 1;
	o.timeout_ns = 30 * (int64_t)1000000000;
	argc = parse_options(argc, argv, options, crash_usage, 0);
	if (argc < 1) {
		error("no program given");
		usage_with_options(crash_usage, options);
	}
	if (o.jobs < 1)
		die("-j must be at least 1");
	if (o.timeout_ns <= 0)
		die("--timeout must be positive");
	if (o.points && o.sample)
		die("--points and --sample cannot be combined");
	if (o.from && o.setup)
		die("--from and --setup cannot be combined");
	if (o.seed_arg) {
		if (rng_seed_parse(o.seed_arg, &o.seed) < 0)
			die("bad --seed '%s'", o.seed_arg);
	} else {
		o.seed = rng_seed_from_os();
	}
	if (o.syscalls && validate_syscalls(o.syscalls) < 0)
		return EXIT_USAGE;
	if (o.from) {
		struct stat st;

		if (stat(o.from, &st) < 0 || !S_ISDIR(st.st_mode))
			die("--from '%s' is not a directory", o.from);
		o.from = path_absolute(o.from);
	}
	if (o.verify) {
		struct strvec words = STRVEC_INIT;
		char *err = NULL, *path = NULL;

		if (strvec_split_words(&words, o.verify, &err) < 0 || !words.nr)
			die("bad --verify command '%s': %s", o.verify,
			    err ? err : "empty");
		path = locate_in_path(words.v[0], getenv("PATH"));
		if (!path)
			die("cannot find the verifier '%s'", words.v[0]);
		/* It runs in each fresh directory: pin a relative path. */
		if (strchr(words.v[0], '/') && words.v[0][0] != '/') {
			struct strbuf sb = STRBUF_INIT;
			char *abs = path_absolute(words.v[0]);
			size_t k;

			strbuf_add_shell_quoted(&sb, abs);
			for (k = 1; k < words.nr; k++) {
				strbuf_addch(&sb, ' ');
				strbuf_add_shell_quoted(&sb, words.v[k]);
			}
			free(abs);
			o.verify = abs_verify = strbuf_detach(&sb, NULL);
		}
		free(path);
		strvec_clear(&words);
	}
	o.program = argv;
	prog_path = locate_in_path(argv[0], getenv("PATH"));
	if (!prog_path)
		die("cannot find '%s'", argv[0]);
	/* The program runs in each fresh directory: pin a relative path. */
	if (strchr(argv[0], '/') && argv[0][0] != '/')
		argv[0] = abs_program = path_absolute(argv[0]);
	if (o.syscalls || o.power_loss) {
		if (is_static_elf(prog_path))
			die("'%s' is statically linked: --syscalls and "
			    "--power-loss work by LD_PRELOAD, which cannot "
			    "reach it; link it dynamically or mark crash "
			    "points with ORDEAL_CRASHPOINT",
			    argv[0]);
		o.preload = find_preload();
		if (!o.preload)
			die("cannot find libordeal-preload.so (set "
			    "ORDEAL_PRELOAD)");
	}
	free(prog_path);

	run_command_init();
	{
		char *base = path_absolute(temp_base());

		o.work = make_temp_dir(base, "ordeal-crash-");
		free(base);
	}
	if (!o.work)
		die_errno("cannot create a work directory");
	printf("ordeal crash: seed %llu, work directory %s\n",
	       (unsigned long long)o.seed, o.work);
	fflush(stdout);

	ret = record(&o, &rec);
	if (ret == -3) {
		if (!o.keep_all)
			remove_recursive(o.work);
		warning("interrupted by SIG%s during the record run",
			signal_name(run_command_interrupted()));
		ret = EXIT_INTERRUPTED;
		goto out;
	}
	if (ret < 0) {
		if (!o.keep_all && ret != -2)
			remove_recursive(o.work);
		ret = ret == -2 ? EXIT_FOUND : EXIT_USAGE;
		goto out;
	}
	if (!o.keep_all) {
		char *rdir = path_join(o.work, "record");

		remove_recursive(rdir);
		free(rdir);
	}
	if (select_pairs(&o, &rec, &sel, &sel_nr) < 0) {
		remove_recursive(o.work);
		ret = EXIT_USAGE;
		goto out;
	}
	ret = run_all(&o, sel, sel_nr);
	if (ret == EXIT_OK && !o.keep_all)
		remove_recursive(o.work);
out:
	crash_record_release(&rec);
	free(sel);
	free(o.preload);
	free(o.work);
	free(abs_program);
	free(abs_verify);
	free((char *)o.from);
	return ret;
}
