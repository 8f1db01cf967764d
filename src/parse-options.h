/*
 * parse-options.h - table-driven command-line parsing (after git's
 * parse-options).  The same table parses argv and prints -h/--help.
 *
 * Accepted forms: `-x`, `-xVALUE`, `-x VALUE`, `--long`, `--long=VALUE`,
 * `--long VALUE`, `--no-long` for booleans, `--` ends options.  With
 * PARSE_OPT_SINGLE_DASH_LONG, `-long` and `-long=VALUE` are also accepted
 * (TestSmoke's spelling), and underscores match dashes (`-bug_mode`).
 *
 * parse_options() returns the number of arguments left, moved to the front
 * of argv (argv[result] is NULL).  On -h/--help it prints the usage to
 * stdout and exits 0; on a bad option it prints an error and the usage to
 * stderr and exits 2.  It is for cmd_* functions only.
 */
#ifndef ORDEAL_PARSE_OPTIONS_H
#define ORDEAL_PARSE_OPTIONS_H

#include "common.h"

struct strvec;

enum parse_opt_type {
	OPTION_END,
	OPTION_GROUP,	    /* a heading in -h output */
	OPTION_BOOL,	    /* int: 1 / 0 with --no- */
	OPTION_COUNTUP,	    /* int: +1 each time (-v -v) */
	OPTION_SET_INT,	    /* int: set to defval */
	OPTION_INT,	    /* int, any sign */
	OPTION_UINT,	    /* unsigned long long */
	OPTION_STRING,	    /* const char *, points into argv */
	OPTION_STRING_LIST, /* struct strvec *, each occurrence appended */
	OPTION_DURATION,    /* int64_t nanoseconds: 150ms, 2s, 10m, 1h30m */
	OPTION_CALLBACK,    /* calls callback(opt, arg, unset) */
};

enum parse_opt_flags {
	PARSE_OPT_KEEP_DASHDASH = 1,	  /* leave "--" in the result */
	PARSE_OPT_STOP_AT_NON_OPTION = 2, /* first non-option ends parsing */
	PARSE_OPT_SINGLE_DASH_LONG = 4,	  /* accept -long and -long=V */
};

enum parse_opt_option_flags {
	PARSE_OPT_OPTARG = 1, /* value only with `=` (--shuffle[=SEED]) */
	PARSE_OPT_NOARG = 2,  /* callback takes no value */
	PARSE_OPT_NONEG = 4,  /* no --no- form */
	PARSE_OPT_HIDDEN = 8, /* not in -h */
};

struct option;
/* Return 0, or -1 after printing an error (parse_options then exits 2). */
typedef int parse_opt_cb(const struct option *opt, const char *arg, int unset);

struct option {
	enum parse_opt_type type;
	int short_name;
	const char *long_name;
	void *value;
	const char *argh; /* placeholder in -h ("n", "dur") */
	const char *help;
	int flags;
	parse_opt_cb *callback;
	intptr_t defval;
};

/*
 * The value pointers are type-checked (C11 _Generic): OPT_BOOL needs an
 * int *, OPT_UINT an unsigned long long *, and so on, because the parser
 * stores through that type; a bool * would be silently overrun.
 */
#define OPT_TYPED_(v, T) _Generic((v), T : (v))

#define OPT_END()                                                              \
	{                                                                      \
		OPTION_END                                                     \
	}
#define OPT_GROUP(h)                                                           \
	{                                                                      \
		OPTION_GROUP, 0, NULL, NULL, NULL, (h)                         \
	}
#define OPT_BOOL(s, l, v, h)                                                   \
	{                                                                      \
		OPTION_BOOL, (s), (l), OPT_TYPED_(v, int *), NULL, (h)         \
	}
#define OPT__VERBOSE(v, h)                                                     \
	{                                                                      \
		OPTION_COUNTUP, 'v', "verbose", OPT_TYPED_(v, int *), NULL,    \
			(h)                                                    \
	}
#define OPT_COUNTUP(s, l, v, h)                                                \
	{                                                                      \
		OPTION_COUNTUP, (s), (l), OPT_TYPED_(v, int *), NULL, (h)      \
	}
#define OPT_SET_INT(s, l, v, h, i)                                             \
	{                                                                      \
		OPTION_SET_INT, (s), (l), OPT_TYPED_(v, int *), NULL, (h),     \
			PARSE_OPT_NONEG, NULL, (i)                             \
	}
#define OPT_INT(s, l, v, a, h)                                                 \
	{                                                                      \
		OPTION_INT, (s), (l), OPT_TYPED_(v, int *), (a), (h)           \
	}
#define OPT_UINT(s, l, v, a, h)                                                \
	{                                                                      \
		OPTION_UINT, (s), (l), OPT_TYPED_(v, unsigned long long *),    \
			(a), (h)                                               \
	}
#define OPT_STRING(s, l, v, a, h)                                              \
	{                                                                      \
		OPTION_STRING, (s), (l), OPT_TYPED_(v, const char **), (a),    \
			(h)                                                    \
	}
#define OPT_STRING_LIST(s, l, v, a, h)                                         \
	{                                                                      \
		OPTION_STRING_LIST, (s), (l), OPT_TYPED_(v, struct strvec *),  \
			(a), (h)                                               \
	}
#define OPT_DURATION(s, l, v, h)                                               \
	{                                                                      \
		OPTION_DURATION, (s), (l), OPT_TYPED_(v, int64_t *), "dur",    \
			(h)                                                    \
	}
#define OPT_CALLBACK(s, l, v, a, h, cb)                                        \
	{                                                                      \
		OPTION_CALLBACK, (s), (l), (v), (a), (h), 0, (cb)              \
	}
#define OPT_CALLBACK_F(s, l, v, a, h, f, cb)                                   \
	{                                                                      \
		OPTION_CALLBACK, (s), (l), (v), (a), (h), (f), (cb)            \
	}

/*
 * `usage` is a NULL-terminated list of lines; the first is the synopsis
 * ("ordeal loop [options] -- command [args]").
 */
int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage, int flags);
/* Print the usage and option table to `fp`. */
void usage_with_options_fp(FILE *fp, const char *const *usage,
			   const struct option *opts);
/* Print usage to stderr and exit 2. */
void usage_with_options(const char *const *usage,
			const struct option *opts) NORETURN;

/*
 * Parse a whole decimal number into [min, max]; 0, or -1 with an error
 * message naming `what` ("--count").
 */
int parse_ullong(const char *s, unsigned long long min, unsigned long long max,
		 const char *what, unsigned long long *out);

#endif
