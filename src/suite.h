/*
 * suite.h - what a test is, shared by `ordeal run` and `ordeal shuffle`:
 * discovery of executables, scripts (*.txt, *.txtar) and directories, test
 * IDs from a list run through a command template, and the requirement
 * header (`# ordeal: requires=root,linux,exec:zfs timeout=30s`).
 *
 * A suite owns its entries and every string in them; suite_clear() frees
 * all.  Entries keep discovery order: directories are walked in name
 * order, skipping hidden directories and testdata/.
 */
#ifndef ORDEAL_SUITE_H
#define ORDEAL_SUITE_H

#include "common.h"
#include "strvec.h"

enum test_kind {
	TEST_EXEC,     /* an executable file */
	TEST_SCRIPT,   /* a txtar script run by the script engine */
	TEST_TEMPLATE, /* an ID substituted into --exec TEMPLATE */
};

struct test_entry {
	char *name; /* display name (path as given, or the ID) */
	char *path; /* the file (NULL for TEST_TEMPLATE) */
	enum test_kind kind;
	struct strvec argv; /* the command to run (exec and template) */
	char *skip_reason;  /* an unmet requirement, or NULL */
	int64_t timeout_ns; /* from the header; 0: the run's default */
};

struct suite {
	struct test_entry *tests;
	size_t nr, alloc;
};

#define SUITE_INIT                                                             \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

/*
 * Add a file or a directory.  A file that is neither a script nor
 * executable is an error (-1 with a message naming it).
 */
int suite_add_path(struct suite *s, const char *path);
/*
 * Add one test per non-empty, non-comment line of `list_file` ("-" for
 * stdin), each run as `exec_template` split into words with "{}" replaced
 * inside words by the ID (no shell).  -1 with a message on error.
 */
int suite_add_list(struct suite *s, const char *list_file,
		   const char *exec_template);
/* Add one templated test (the same substitution, for a single ID). */
int suite_add_id(struct suite *s, const char *id, const char *exec_template);
/*
 * Keep tests whose name matches any `run` glob (all when empty) and no
 * `skip` glob (fnmatch, '*' matching '/').
 */
void suite_filter(struct suite *s, const struct strvec *run,
		  const struct strvec *skip);
/* Index of the test named `name`, or -1. */
ssize_t suite_find(const struct suite *s, const char *name);
void suite_clear(struct suite *s);

/*
 * Parse a requirement header line's text after "ordeal:" (e.g.
 * "requires=root,exec:zfs timeout=30s").  Sets *skip_reason (malloc'd) to
 * the first unmet requirement, or NULL, and *timeout_ns when given.
 * Returns 0, or -1 with *err (malloc'd) describing a malformed header.
 */
int suite_parse_header(const char *text, char **skip_reason,
		       int64_t *timeout_ns, char **err);
/* Whether a requirement ("root", "linux", "exec:zfs", "env:X") holds. */
bool suite_requirement_met(const char *req);

#endif
