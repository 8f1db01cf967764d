/*
 * script/conds.c - the condition table: [linux], [amd64], [unix], [root],
 * [short], [net], [symlink], [case-sensitive], [userns], [exec:PROG],
 * [env:VAR].
 * Each has a summary shown by `ordeal script --list`.
 */
#include "common.h"
#include "os.h"
#include "path.h"
#include "script/engine.h"
#include "strbuf.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Names Go knows; a known name that is not ours is false, not an error. */
static const char *const known_os[] = {
	"aix",	  "android", "darwin",	"dragonfly", "freebsd",
	"hurd",	  "illumos", "ios",	"js",	     "linux",
	"nacl",	  "netbsd",  "openbsd", "plan9",     "solaris",
	"wasip1", "windows", "zos",	NULL,
};
static const char *const known_arch[] = {
	"386",	   "amd64",   "amd64p32", "arm",    "armbe",   "arm64",
	"arm64be", "loong64", "mips",	  "mipsle", "mips64",  "mips64le",
	"ppc",	   "ppc64",   "ppc64le",  "riscv",  "riscv64", "s390",
	"s390x",   "sparc",   "sparc64",  "wasm",   NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* This machine's OS and architecture in Go's spelling. */
static void host_names(const char **os, const char **arch)
{
	static char os_buf[80], arch_buf[80];
	struct utsname u;

	if (!os_buf[0]) {
		const char *m;
		size_t i;

		if (uname(&u) < 0) {
			memset(&u, 0, sizeof(u));
		}
		for (i = 0; u.sysname[i] && i + 1 < sizeof(os_buf); i++)
			os_buf[i] = (char)(u.sysname[i] >= 'A' &&
							   u.sysname[i] <= 'Z'
						   ? u.sysname[i] + 32
						   : u.sysname[i]);
		os_buf[i] = '\0';
		m = u.machine;
		if (!strcmp(m, "x86_64"))
			m = "amd64";
		else if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
			m = "arm64";
		else if (m[0] == 'i' && !strcmp(m + 2, "86"))
			m = "386";
		else if (!strncmp(m, "arm", 3))
			m = "arm";
		snprintf(arch_buf, sizeof(arch_buf), "%s", m);
	}
	*os = os_buf;
	*arch = arch_buf;
}

static int cond_os(struct script_state *st UNUSED, const char *name,
		   const char *arg UNUSED)
{
	const char *os, *arch;

	host_names(&os, &arch);
	return !strcmp(os, name);
}

static int cond_arch(struct script_state *st UNUSED, const char *name,
		     const char *arg UNUSED)
{
	const char *os, *arch;

	host_names(&os, &arch);
	return !strcmp(arch, name);
}

static int cond_unix(struct script_state *st UNUSED, const char *n UNUSED,
		     const char *a UNUSED)
{
	const char *os, *arch;

	host_names(&os, &arch);
	return strcmp(os, "windows") && strcmp(os, "plan9");
}

static int cond_root(struct script_state *st UNUSED, const char *n UNUSED,
		     const char *a UNUSED)
{
	return geteuid() == 0;
}

static int cond_short(struct script_state *st, const char *n UNUSED,
		      const char *a UNUSED)
{
	return st->opts->short_mode != 0;
}

static int cond_net(struct script_state *st, const char *n UNUSED,
		    const char *a UNUSED)
{
	return st->opts->net != 0;
}

static int cond_symlink(struct script_state *st UNUSED, const char *n UNUSED,
			const char *a UNUSED)
{
	return 1;
}

static int cond_userns(struct script_state *st UNUSED, const char *n UNUSED,
		       const char *a UNUSED)
{
	return os_unprivileged_userns();
}

static int cond_case_sensitive(struct script_state *st, const char *n UNUSED,
			       const char *a UNUSED)
{
	char *upper = path_join(st->spool, "CaseProbe");
	char *lower = path_join(st->spool, "caseprobe");
	struct stat sb;
	int fd, ret = 1;

	fd = open(upper, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0) {
		close(fd);
		ret = stat(lower, &sb) != 0;
		unlink(upper);
	}
	free(upper);
	free(lower);
	return ret;
}

static int cond_exec(struct script_state *st, const char *n UNUSED,
		     const char *arg)
{
	char *p = locate_in_path(arg, state_getenv(st, "PATH"));
	int ret = p != NULL;

	free(p);
	return ret;
}

/* cmd/go's spelling: [GOOS:linux], [GOARCH:amd64]. */
static int cond_goos(struct script_state *st, const char *n UNUSED,
		     const char *arg)
{
	return cond_os(st, arg, NULL);
}

static int cond_goarch(struct script_state *st, const char *n UNUSED,
		       const char *arg)
{
	return cond_arch(st, arg, NULL);
}

static int cond_env(struct script_state *st, const char *n UNUSED,
		    const char *arg)
{
	const char *v = state_getenv(st, arg);

	return v && *v;
}

const struct script_cond script_conds[] = {
	{"unix", "the OS is a Unix", cond_unix},
	{"root", "running as root (euid 0)", cond_root},
	{"short", "--short was given", cond_short},
	{"net", "--net was given (the network may be used)", cond_net},
	{"symlink", "symbolic links are supported", cond_symlink},
	{"case-sensitive", "the file system under $WORK is case-sensitive",
	 cond_case_sensitive},
	{"userns", "unprivileged user namespaces are enabled", cond_userns},
	{"exec:", "exec:PROG: PROG is found on $PATH", cond_exec},
	{"env:", "env:VAR: VAR is set and not empty", cond_env},
	{"GOOS:", "GOOS:NAME: the OS is NAME (cmd/go spelling)", cond_goos},
	{"GOARCH:", "GOARCH:NAME: the architecture is NAME", cond_goarch},
	{NULL, NULL, NULL},
};

int script_eval_cond(struct script_state *st, const char *name)
{
	for (const struct script_cond *c = script_conds; c->name; c++) {
		size_t n = strlen(c->name);

		if (c->name[n - 1] == ':') {
			if (!strncmp(name, c->name, n) && name[n])
				return c->eval(st, name, name + n);
		} else if (!strcmp(name, c->name)) {
			return c->eval(st, name, NULL);
		}
	}
	if (in_list(known_os, name))
		return cond_os(st, name, NULL);
	if (in_list(known_arch, name))
		return cond_arch(st, name, NULL);
	cmd_fatal(st, "unknown condition '%s'", name);
	return -1;
}
