/*
 * script/engine.h - the engine's insides, shared by engine.c (the state of
 * one script and the main loop), parse.c (line syntax), cmds.c (the command
 * table) and conds.c (the condition table).  Not for use outside
 * src/script/ and its unit tests.
 *
 * A command receives its expanded arguments (argv[0] is its name) and the
 * expectation of the line (st->want) and returns a enum cmd_ret; on failure
 * it leaves a message in st->msg (without FILE:LINE, which the engine adds).
 * Commands that support `!`/`?` (CMD_NEG) judge the expectation themselves,
 * so their messages can say what was unexpected.
 */
#ifndef ORDEAL_SCRIPT_ENGINE_H
#define ORDEAL_SCRIPT_ENGINE_H

#include "common.h"
#include "run-command.h"
#include "script/script.h"
#include "strbuf.h"
#include "strvec.h"
#include "txtar.h"

/* ---- parse.c ---- */

struct script_word {
	char *s;
	bool quoted; /* some part of it was inside '...' */
};

struct script_words {
	struct script_word *w;
	size_t nr, alloc;
};

typedef const char *script_getenv_fn(void *data, const char *name);

/*
 * Expand $NAME, ${NAME}, $$-style specials exactly as Go's os.Expand: a `$`
 * not followed by a name stays, `${` without `}` is dropped.  A name ending
 * in "@R" gives the value quoted as a regex (testscript's extension).
 */
void script_expand(struct strbuf *out, const char *s, size_t len,
		   script_getenv_fn *getenv_fn, void *data);
/*
 * Split one script line into words: spaces, tabs and '\r' separate, '...'
 * quotes ('' inside is one quote), an unquoted '#' ends the line, unquoted
 * text is expanded.  Returns 0, or -1 with *err (malloc'd) for an
 * unterminated quote.
 */
int script_split_line(struct script_words *out, const char *line, size_t len,
		      script_getenv_fn *getenv_fn, void *data, char **err);
void script_words_clear(struct script_words *w);

enum script_want {
	WANT_SUCCESS = 0,
	WANT_FAILURE, /* ! */
	WANT_ANY,     /* ? */
};

struct script_cond_use {
	char *name; /* "linux", "exec:zfs" */
	bool negate;
};

struct script_cmdline {
	enum script_want want;
	struct script_cond_use *conds;
	size_t nr_conds, alloc_conds;
	struct strvec args; /* the command name and its arguments */
	bool background;    /* trailing & or &name& */
	char *bg_name;	    /* NULL when unnamed */
};

#define SCRIPT_CMDLINE_INIT                                                    \
	{                                                                      \
		.args = STRVEC_INIT                                            \
	}

/*
 * Turn words into a command line: leading `!`, `?` and `[cond]` prefixes
 * (any order, unquoted), the command and its arguments, then a trailing
 * unquoted `&` or `&name&`.  Returns 0, or -1 with *err (malloc'd).
 */
int script_parse_cmdline(struct script_cmdline *out,
			 const struct script_words *words, char **err);
void script_cmdline_clear(struct script_cmdline *c);

/* ---- engine.c: the state of one script ---- */

struct script_bg {
	struct child_process cp;
	char *name; /* NULL: unnamed */
	char *desc; /* "prog arg..." for the log */
	enum script_want want;
	size_t line; /* where it was started */
	char *out_path, *err_path;
	bool finished;
};

struct script_update {
	size_t member; /* index in st->ar.files */
	char *path;    /* file holding the new content */
};

struct script_state {
	const struct script_options *opts;
	const char *file; /* for FILE:LINE ("stdin" for "-") */
	const char *path; /* the script file, "-" for stdin */
	size_t lineno;

	char *root;  /* private temp dir: work/ and spool/ */
	char *work;  /* $WORK (resolved, no symlinks) */
	char *cwd;   /* current directory (absolute) */
	char *spool; /* where outputs are kept */
	char *stdout_path, *stderr_path;
	/*
	 * Built-ins' output (echo, cat, env) is small and kept in memory;
	 * exec and wait leave theirs in the spool files.
	 */
	bool out_in_mem;
	struct strbuf mem_out, mem_err;
	char *stdin_path; /* set by `stdin`, used by the next exec */
	struct strvec env;

	struct script_bg **bg;
	size_t nr_bg, alloc_bg;
	unsigned bg_seq;

	enum script_want want; /* of the running command */
	bool background;
	const char *bg_name;

	struct strbuf log;
	struct strbuf msg;   /* failure message of the running command */
	int64_t deadline_ns; /* 0: none */
	bool timed_out;

	struct txtar ar;
	char **member_paths; /* absolute path of each archive member */
	struct script_update *updates;
	size_t nr_updates, alloc_updates;
	unsigned spool_seq;
};

enum cmd_ret {
	CMD_OK = 0,
	CMD_FAIL,  /* the expectation of the line was not met */
	CMD_FATAL, /* misuse (bad arguments, I/O error): fails even with ! */
	CMD_SKIP,  /* skip: st->msg holds the reason */
	CMD_STOP,  /* stop: pass now */
};

/* Set st->msg; returns `ret` so commands can `return cmd_err(...)`. */
int cmd_fail(struct script_state *st, const char *fmt, ...) PRINTF_LIKE(2, 3);
int cmd_fatal(struct script_state *st, const char *fmt, ...) PRINTF_LIKE(2, 3);

const char *state_getenv(struct script_state *st, const char *name);
void state_setenv(struct script_state *st, const char *name, const char *value);
/* Absolute path of `p` against the script's cwd (malloc'd). */
char *state_abs(struct script_state *st, const char *p);
/*
 * For built-ins that write: the absolute path of `p`, or NULL after setting
 * a fatal message when it is outside $WORK (lexically, or through a
 * symlinked directory) and --allow-outside-work was not given.
 */
char *state_writable_path(struct script_state *st, const char *p);
/* The same, for writes that follow a final symlink (chmod, cp's target). */
char *state_writable_path_follow(struct script_state *st, const char *p);
/* Replace the last command's output with these bytes (and log them). */
int state_set_output(struct script_state *st, const char *out, size_t olen,
		     const char *err, size_t elen);
/* Log the spooled stdout/stderr (a bounded tail of each). */
void state_log_output(struct script_state *st, const char *out_path,
		      const char *err_path);
/* Append to the log (raw). */
void state_logf(struct script_state *st, const char *fmt, ...)
	PRINTF_LIKE(2, 3);
/* A new file path in the spool dir (malloc'd). */
char *state_spool_path(struct script_state *st, const char *what);
/* Whether `name` is a program command; its path. */
const char *state_program(struct script_state *st, const char *name);
/* Nanoseconds left before the script's deadline (0: no deadline). */
int64_t state_time_left(struct script_state *st);
/* Kill and reap every background command (status not checked). */
void state_kill_background(struct script_state *st);
/* mkdir -p that stats before creating (cheap when the dir exists). */
int state_mkdir_p(const char *abs);
/* Record that archive member `idx` should get the content of `path`. */
void state_add_update(struct script_state *st, size_t idx, const char *path);

/* A file mapped (or read) whole for matching; `data` is never NULL. */
struct mapped_file {
	const char *data;
	size_t len;
	void *map;
	size_t map_len;
};
/*
 * Map `name` ("stdout", "stderr" or a path relative to the cwd).  Returns
 * 0, or -1 with a fatal message set.
 */
int state_map(struct script_state *st, const char *name, struct mapped_file *m);
void mapped_file_release(struct mapped_file *m);

/* ---- cmds.c ---- */

enum cmd_flags {
	CMD_NEG = 1, /* supports ! and ? */
	CMD_BG = 2,  /* supports & */
};

struct script_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	unsigned flags;
	int (*run)(struct script_state *st, int argc, const char **argv);
};

extern const struct script_cmd script_cmds[];
const struct script_cmd *script_find_cmd(const char *name);
/* Run argv (argv[0] a program name or path) like exec. */
int script_run_program(struct script_state *st, const char *path, int argc,
		       const char **argv);
/* Wait for a started child (other children may finish meanwhile). */
void script_wait_child(struct child_process *cp);
/* CMD_OK when a finished child's result meets `want`, else a message. */
int script_judge(struct script_state *st, const struct run_result *r,
		 enum script_want want);
/* Wait for one or all background commands. */
int script_wait_background(struct script_state *st, const char *name,
			   bool check);

/* ---- conds.c ---- */

struct script_cond {
	const char *name; /* a name, or a prefix ending in ':' */
	const char *summary;
	int (*eval)(struct script_state *st, const char *name, const char *arg);
};

extern const struct script_cond script_conds[];
/*
 * Evaluate condition `name` (without brackets or '!'): 1 true, 0 false,
 * -1 unknown (a fatal message is set).
 */
int script_eval_cond(struct script_state *st, const char *name);

#endif
