/*
 * suite.c - test discovery (files, directories, ID lists with a command
 * template) and requirement headers.
 */
#include "suite.h"
#include "clock.h"
#include "path.h"
#include "strbuf.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static bool is_script_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && !strcmp(name + n - 4, ".txt")) ||
	       (n > 6 && !strcmp(name + n - 6, ".txtar"));
}

static struct test_entry *new_entry(struct suite *s)
{
	struct test_entry *t;

	ALLOC_GROW(s->tests, s->nr + 1, s->alloc);
	t = &s->tests[s->nr++];
	memset(t, 0, sizeof(*t));
	strvec_init(&t->argv);
	return t;
}

bool suite_requirement_met(const char *req)
{
	struct utsname u;

	if (!strcmp(req, "root"))
		return geteuid() == 0;
	if (!strncmp(req, "exec:", 5)) {
		char *p = locate_in_path(req + 5, getenv("PATH"));
		bool ok = p != NULL;
		free(p);
		return ok;
	}
	if (!strncmp(req, "env:", 4)) {
		const char *v = getenv(req + 4);
		return v && *v;
	}
	if (!strcmp(req, "unix"))
		return true;
	if (uname(&u) < 0)
		return false;
	if (!strcasecmp(req, u.sysname))
		return true;
	if (!strcmp(req, "amd64"))
		return !strcmp(u.machine, "x86_64");
	if (!strcmp(req, "arm64"))
		return !strcmp(u.machine, "aarch64");
	return !strcmp(req, u.machine);
}

int suite_parse_header(const char *text, char **skip_reason,
		       int64_t *timeout_ns, char **err)
{
	struct strvec words = STRVEC_INIT;
	int ret = 0;

	*skip_reason = NULL;
	*err = NULL;
	if (strvec_split_words(&words, text, err) < 0) {
		strvec_clear(&words);
		return -1;
	}
	for (size_t i = 0; i < words.nr && !ret; i++) {
		const char *w = words.v[i];

		if (!strncmp(w, "requires=", 9)) {
			char *list = xstrdup(w + 9), *req, *next;

			for (req = list; req && !ret; req = next) {
				bool neg = req[0] == '!';

				next = strchr(req, ',');
				if (next)
					*next++ = '\0';
				if (!req[neg]) {
					*err = xstrfmt(
						"empty requirement in '%s'", w);
					ret = -1;
					break;
				}
				if (suite_requirement_met(req + neg) == neg &&
				    !*skip_reason)
					*skip_reason =
						xstrfmt("requires %s", req);
			}
			free(list);
		} else if (!strncmp(w, "timeout=", 8)) {
			if (duration_parse(w + 8, timeout_ns) < 0) {
				*err = xstrfmt("bad timeout '%s'", w + 8);
				ret = -1;
			}
		} else {
			*err = xstrfmt("unknown header field '%s' (expected "
				       "requires= or timeout=)",
				       w);
			ret = -1;
		}
	}
	strvec_clear(&words);
	if (ret) {
		free(*skip_reason);
		*skip_reason = NULL;
	}
	return ret;
}

/* Look for "ordeal:" in the first 10 lines of a test file. */
static int read_header(struct test_entry *t)
{
	FILE *fp = fopen(t->path, "re");
	struct strbuf line = STRBUF_INIT;
	int ret = 0;

	if (!fp)
		return error_errno("cannot open '%s'", t->path);
	for (int n = 1; n <= 10 && strbuf_getline(&line, fp) != EOF; n++) {
		const char *p = strstr(line.buf, "ordeal:");
		char *err;

		if (!p || line.len > 4096)
			continue;
		/* Only in a comment: a line starting with # / - ; or *. */
		if (!strchr("#/-;*", line.buf[strspn(line.buf, " \t")]))
			continue;
		if (suite_parse_header(p + 7, &t->skip_reason, &t->timeout_ns,
				       &err) < 0) {
			ret = error("%s:%d: %s", t->path, n, err);
			free(err);
		}
		break;
	}
	strbuf_release(&line);
	fclose(fp);
	return ret;
}

static int add_file(struct suite *s, const char *path, bool from_dir)
{
	struct test_entry *t;
	struct stat st;

	if (stat(path, &st) < 0)
		return error_errno("cannot open '%s'", path);
	if (is_script_name(path)) {
		if (access(path, R_OK) < 0)
			return error_errno("cannot read '%s'", path);
		t = new_entry(s);
		t->kind = TEST_SCRIPT;
	} else if (S_ISREG(st.st_mode) && !access(path, X_OK)) {
		t = new_entry(s);
		t->kind = TEST_EXEC;
		strvec_push(&t->argv, path[0] == '/' || !strncmp(path, "./", 2)
					      ? path
					      : "");
		if (!t->argv.v[0][0]) {
			strvec_clear(&t->argv);
			strvec_pushf(&t->argv, "./%s", path);
		}
	} else {
		if (from_dir)
			return 0; /* data files beside tests are fine */
		return error("'%s' is not a test: neither executable nor a "
			     "script (*.txt, *.txtar)",
			     path);
	}
	t->name = xstrdup(path);
	t->path = xstrdup(path);
	if (read_header(t) < 0) {
		/* Keep it, skipped with the reason, so the run shows it. */
		t->skip_reason = xstrdup("malformed ordeal: header");
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Directories on the current walk, so symlink loops end. */
struct dir_stack {
	dev_t dev;
	ino_t ino;
	const struct dir_stack *up;
};

static int add_dir(struct suite *s, const char *dir, const struct dir_stack *up)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t nr = 0, alloc = 0;
	int ret = 0;
	struct dir_stack here;
	struct stat st;

	if (stat(dir, &st) < 0)
		return error_errno("cannot open '%s'", dir);
	for (const struct dir_stack *p = up; p; p = p->up)
		if (p->dev == st.st_dev && p->ino == st.st_ino)
			return 0; /* a loop back to an ancestor */
	here.dev = st.st_dev;
	here.ino = st.st_ino;
	here.up = up;
	d = opendir(dir);
	if (!d)
		return error_errno("cannot open '%s'", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "testdata"))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_names);
	for (size_t i = 0; i < nr; i++) {
		char *p = strcmp(dir, ".") ? path_join(dir, names[i])
					   : xstrdup(names[i]);
		struct stat sub;

		if (!stat(p, &sub) && S_ISDIR(sub.st_mode)) {
			if (add_dir(s, p, &here) < 0)
				ret = -1;
		} else if (add_file(s, p, true) < 0) {
			ret = -1;
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return ret;
}

int suite_add_path(struct suite *s, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return error_errno("cannot open '%s'", path);
	if (S_ISDIR(st.st_mode))
		return add_dir(s, path, NULL);
	return add_file(s, path, false);
}

int suite_add_id(struct suite *s, const char *id, const char *tmpl)
{
	struct strvec words = STRVEC_INIT;
	struct test_entry *t;
	char *err;

	if (strvec_split_words(&words, tmpl, &err) < 0) {
		error("--exec: %s", err);
		free(err);
		strvec_clear(&words);
		return -1;
	}
	if (!words.nr) {
		strvec_clear(&words);
		return error("--exec: the template is empty");
	}
	t = new_entry(s);
	t->kind = TEST_TEMPLATE;
	t->name = xstrdup(id);
	for (size_t i = 0; i < words.nr; i++) {
		struct strbuf w = STRBUF_INIT;
		strbuf_addstr(&w, words.v[i]);
		if (strstr(w.buf, "{}"))
			strbuf_replace_all(&w, "{}", id);
		strvec_push_nodup(&t->argv, strbuf_detach(&w, NULL));
	}
	strvec_clear(&words);
	return 0;
}

int suite_add_list(struct suite *s, const char *list_file, const char *tmpl)
{
	FILE *fp = strcmp(list_file, "-") ? fopen(list_file, "re") : stdin;
	struct strbuf line = STRBUF_INIT;
	int ret = 0;

	if (!fp)
		return error_errno("cannot open '%s'", list_file);
	if (!tmpl)
		ret = error("--list needs --exec TEMPLATE");
	while (!ret && strbuf_getline(&line, fp) != EOF) {
		strbuf_trim(&line);
		if (!line.len || line.buf[0] == '#')
			continue;
		if (suite_add_id(s, line.buf, tmpl) < 0)
			ret = -1;
	}
	strbuf_release(&line);
	if (fp != stdin)
		fclose(fp);
	return ret;
}

static bool matches_any(const struct strvec *globs, const char *name)
{
	for (size_t i = 0; i < globs->nr; i++)
		if (!fnmatch(globs->v[i], name, 0) ||
		    !fnmatch(globs->v[i], path_basename(name), 0))
			return true;
	return false;
}

static void entry_clear(struct test_entry *t)
{
	free(t->name);
	free(t->path);
	free(t->skip_reason);
	strvec_clear(&t->argv);
}

void suite_filter(struct suite *s, const struct strvec *run,
		  const struct strvec *skip)
{
	size_t out = 0;

	for (size_t i = 0; i < s->nr; i++) {
		struct test_entry *t = &s->tests[i];
		bool keep = (!run || !run->nr || matches_any(run, t->name)) &&
			    !(skip && matches_any(skip, t->name));
		if (keep)
			s->tests[out++] = *t;
		else
			entry_clear(t);
	}
	s->nr = out;
}

ssize_t suite_find(const struct suite *s, const char *name)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->tests[i].name, name))
			return (ssize_t)i;
	return -1;
}

void suite_clear(struct suite *s)
{
	for (size_t i = 0; i < s->nr; i++)
		entry_clear(&s->tests[i]);
	free(s->tests);
	s->tests = NULL;
	s->nr = s->alloc = 0;
}
