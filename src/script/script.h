/*
 * script/script.h - the script engine's public interface: run one txtar
 * script test (Go testscript dialect, see docs/ordeal-script.1) and get its
 * verdict and log.  Used by `ordeal script` (and, through it, `ordeal run`).
 *
 * The engine mirrors Go's cmd/internal/script: an engine with a table of
 * commands and a table of conditions, each with a usage text (cmds.c,
 * conds.c), a state per script (engine.c), a line parser (parse.c), and
 * errors that carry FILE:LINE.
 *
 * Ownership: script_options is the caller's and must outlive script_run();
 * the result's strings are malloc'd and freed by script_result_clear().
 */
#ifndef ORDEAL_SCRIPT_SCRIPT_H
#define ORDEAL_SCRIPT_SCRIPT_H

#include "common.h"
#include "strbuf.h"
#include "strvec.h"

struct script_options {
	int verbose;	/* log every command and its output */
	int update;	/* -u: rewrite archive members cmp found wrong */
	int keep_work;	/* --work: keep $WORK and print its path */
	int keep_going; /* --continue: go on after a failure */
	int short_mode; /* [short] */
	int net;	/* [net] */
	int allow_outside_work; /* built-ins may write outside $WORK */
	int64_t timeout_ns;	/* per script; 0: none */
	struct strvec env;	/* "K=V" added to every script's environment */
	struct strvec progs;	/* "NAME=/abs/path" program commands */
};

#define SCRIPT_OPTIONS_INIT                                                    \
	{                                                                      \
		.env = STRVEC_INIT, .progs = STRVEC_INIT                       \
	}

enum script_status {
	SCRIPT_PASS = 0,
	SCRIPT_FAIL = 1,
	SCRIPT_SKIP = 2,
	SCRIPT_INTERRUPTED = 3,
};

struct script_result {
	enum script_status status;
	char *skip_reason; /* SKIP: the message (may be empty) */
	int64_t duration_ns;
	bool updated;	   /* -u rewrote the script file */
	struct strbuf log; /* what to show: phases, commands, FAIL lines */
};

#define SCRIPT_RESULT_INIT                                                     \
	{                                                                      \
		SCRIPT_PASS, NULL, 0, false, STRBUF_INIT                       \
	}

/*
 * Run the script `data` (the archive's bytes; NULs allowed) read from
 * `file` ("-" for stdin: then -u cannot rewrite it).  `file` is also the
 * name used in FILE:LINE messages.  The log has the real $WORK replaced by
 * "$WORK".  Never exits; children are reaped before it returns.
 */
void script_run(const struct script_options *opts, const char *file,
		const char *data, size_t len, struct script_result *res);
void script_result_clear(struct script_result *res);

#endif
