/*
 * parse-options.c - the option-table parser and the -h printer.
 */
#include "parse-options.h"
#include "clock.h"
#include "strbuf.h"
#include "strvec.h"

#include <ctype.h>

static const char *const *cur_usage;
static const struct option *cur_opts;

static int opt_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
static int opt_error(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

int parse_ullong(const char *s, unsigned long long min, unsigned long long max,
		 const char *what, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	/* strtoull skips any white space and takes a sign: a digit first. */
	if (!s || !*s || *s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		goto bad;
	if (v < min || v > max)
		return error("%s must be between %llu and %llu, not '%s'", what,
			     min, max, s);
	*out = v;
	return 0;
bad:
	return error("%s expects a whole number, not '%s'", what, s ? s : "");
}

static const char *opt_display(const struct option *o, bool as_long)
{
	static char buf[128];

	if (as_long || !o->short_name)
		snprintf(buf, sizeof(buf), "--%s", o->long_name);
	else
		snprintf(buf, sizeof(buf), "-%c", o->short_name);
	return buf;
}

/* Store `arg` into the option; `unset` for --no-X. */
static int set_value(const struct option *o, const char *arg, int unset,
		     bool as_long)
{
	const char *name = opt_display(o, as_long);
	unsigned long long u;
	char *end;
	long long l;

	switch (o->type) {
	case OPTION_BOOL:
		*(int *)o->value = !unset;
		return 0;
	case OPTION_COUNTUP:
		*(int *)o->value = unset ? 0 : *(int *)o->value + 1;
		return 0;
	case OPTION_SET_INT:
		*(int *)o->value = unset ? 0 : (int)o->defval;
		return 0;
	case OPTION_INT:
		errno = 0;
		l = strtoll(arg, &end, 10);
		if (!*arg || isspace((unsigned char)*arg) || *end || errno ||
		    l < INT32_MIN || l > INT32_MAX)
			return opt_error("%s expects a number, not '%s'", name,
					 arg);
		*(int *)o->value = (int)l;
		return 0;
	case OPTION_UINT:
		if (parse_ullong(arg, 0, ULLONG_MAX, name, &u) < 0)
			return -1;
		*(unsigned long long *)o->value = u;
		return 0;
	case OPTION_STRING:
		*(const char **)o->value = unset ? NULL : arg;
		return 0;
	case OPTION_STRING_LIST:
		if (unset)
			strvec_clear(o->value);
		else
			strvec_push(o->value, arg);
		return 0;
	case OPTION_DURATION:
		if (duration_parse(arg, (int64_t *)o->value) < 0)
			return opt_error("%s expects a duration such as 150ms, "
					 "2s or 10m, not '%s'",
					 name, arg);
		return 0;
	case OPTION_CALLBACK:
		return o->callback(o, unset ? NULL : arg, unset);
	default:
		BUG("option type %d", o->type);
	}
}

static bool takes_value(const struct option *o)
{
	switch (o->type) {
	case OPTION_INT:
	case OPTION_UINT:
	case OPTION_STRING:
	case OPTION_STRING_LIST:
	case OPTION_DURATION:
		return true;
	case OPTION_CALLBACK:
		return !(o->flags & PARSE_OPT_NOARG);
	default:
		return false;
	}
}

static bool can_negate(const struct option *o)
{
	if (o->flags & PARSE_OPT_NONEG)
		return false;
	return o->type == OPTION_BOOL || o->type == OPTION_COUNTUP ||
	       o->type == OPTION_STRING_LIST || o->type == OPTION_STRING ||
	       o->type == OPTION_CALLBACK;
}

/* Compare a long name with user text, treating '_' as '-'. */
static bool long_name_eq(const char *name, const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i] == '_' ? '-' : text[i];
		if (!name[i] || name[i] != c)
			return false;
	}
	return !name[i];
}

/*
 * Parse one long option at argv[*i] (text after the dashes).  Returns 0,
 * or -1 after an error, or -2 when not found.
 */
static int parse_long(const struct option *opts, const char *text, int argc,
		      const char **argv, int *i)
{
	const char *eq = strchr(text, '=');
	size_t len = eq ? (size_t)(eq - text) : strlen(text);
	bool neg = false;

	for (int pass = 0; pass < 2; pass++) {
		const char *t = text;
		size_t l = len;

		if (pass == 1) {
			if (strncmp(text, "no-", 3))
				break;
			t += 3;
			l -= 3;
			neg = true;
		}
		for (const struct option *o = opts; o->type != OPTION_END;
		     o++) {
			if (!o->long_name || !long_name_eq(o->long_name, t, l))
				continue;
			if (neg) {
				if (!can_negate(o) || eq)
					return opt_error("option '--%s' takes "
							 "no negation",
							 o->long_name);
				return set_value(o, NULL, 1, true);
			}
			if (!takes_value(o) || (o->flags & PARSE_OPT_OPTARG)) {
				if (eq && !takes_value(o))
					return opt_error("option '--%s' takes "
							 "no value",
							 o->long_name);
				return set_value(o, eq ? eq + 1 : NULL, 0,
						 true);
			}
			if (eq)
				return set_value(o, eq + 1, 0, true);
			if (*i + 1 >= argc)
				return opt_error("option '--%s' requires a "
						 "value",
						 o->long_name);
			return set_value(o, argv[++*i], 0, true);
		}
	}
	return -2;
}

int parse_options(int argc, const char **argv, const struct option *opts,
		  const char *const *usage, int flags)
{
	int out = 0, i;

	cur_usage = usage;
	cur_opts = opts;
	/* argv[0] is the command name: skip it. */
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int rc;

		if (arg[0] != '-' || !arg[1]) {
			if (flags & PARSE_OPT_STOP_AT_NON_OPTION)
				break;
			argv[out++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			if (flags & PARSE_OPT_KEEP_DASHDASH)
				argv[out++] = argv[i];
			i++;
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help") ||
		    ((flags & PARSE_OPT_SINGLE_DASH_LONG) &&
		     !strcmp(arg, "-help"))) {
			usage_with_options_fp(stdout, usage, opts);
			exit(EXIT_OK);
		}
		if (arg[1] == '-') {
			rc = parse_long(opts, arg + 2, argc, argv, &i);
			if (rc == -2) {
				error("unknown option '%s'", arg);
				usage_with_options(usage, opts);
			}
			if (rc < 0)
				usage_with_options(usage, opts);
			continue;
		}
		if ((flags & PARSE_OPT_SINGLE_DASH_LONG) && arg[2]) {
			rc = parse_long(opts, arg + 1, argc, argv, &i);
			if (rc == 0)
				continue;
			if (rc == -1)
				usage_with_options(usage, opts);
		}
		/* A cluster of short options: -vx, -j4, -j 4. */
		for (const char *p = arg + 1; *p; p++) {
			const struct option *o;

			for (o = opts; o->type != OPTION_END; o++)
				if (o->short_name == *p)
					break;
			if (o->type == OPTION_END) {
				error("unknown switch '%c'", *p);
				usage_with_options(usage, opts);
			}
			if (!takes_value(o) || (o->flags & PARSE_OPT_OPTARG)) {
				if (set_value(o, NULL, 0, false) < 0)
					usage_with_options(usage, opts);
				continue;
			}
			if (p[1])
				rc = set_value(o, p + 1, 0, false);
			else if (i + 1 < argc)
				rc = set_value(o, argv[++i], 0, false);
			else
				rc = opt_error("switch '%s' requires a value",
					       opt_display(o, false));
			if (rc < 0)
				usage_with_options(usage, opts);
			break;
		}
	}
	while (i < argc)
		argv[out++] = argv[i++];
	argv[out] = NULL;
	return out;
}

void usage_with_options_fp(FILE *fp, const char *const *usage,
			   const struct option *opts)
{
	fprintf(fp, "usage: %s\n", usage[0]);
	for (const char *const *u = usage + 1; *u; u++)
		fprintf(fp, "   or: %s\n", *u);
	fputc('\n', fp);
	for (const struct option *o = opts; o->type != OPTION_END; o++) {
		struct strbuf sb = STRBUF_INIT;

		if (o->flags & PARSE_OPT_HIDDEN)
			continue;
		if (o->type == OPTION_GROUP) {
			fprintf(fp, "\n%s\n", o->help);
			continue;
		}
		strbuf_addstr(&sb, "    ");
		if (o->short_name)
			strbuf_addf(&sb, "-%c", o->short_name);
		if (o->short_name && o->long_name)
			strbuf_addstr(&sb, ", ");
		if (o->long_name)
			strbuf_addf(&sb, "--%s%s",
				    can_negate(o) && o->type == OPTION_BOOL
					    ? "[no-]"
					    : "",
				    o->long_name);
		if (takes_value(o)) {
			const char *argh = o->argh ? o->argh : "value";
			if (o->flags & PARSE_OPT_OPTARG)
				strbuf_addf(&sb, "[=<%s>]", argh);
			else
				strbuf_addf(&sb, " <%s>", argh);
		}
		if (sb.len < 30)
			strbuf_addchars(&sb, ' ', 30 - sb.len);
		else
			strbuf_addf(&sb, "\n%30s", "");
		fprintf(fp, "%s%s\n", sb.buf, o->help ? o->help : "");
		strbuf_release(&sb);
	}
}

void usage_with_options(const char *const *usage, const struct option *opts)
{
	usage_with_options_fp(stderr, usage, opts);
	exit(EXIT_USAGE);
}
