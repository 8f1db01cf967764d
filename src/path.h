/*
 * path.h - path helpers: joining, lexical normalisation, containment checks
 * (is this path inside $WORK?), recursive mkdir/remove/copy.
 *
 * Returned strings are malloc'd and owned by the caller.  Recursive
 * operations never follow symbolic links out of the tree they work on.
 */
#ifndef ORDEAL_PATH_H
#define ORDEAL_PATH_H

#include "common.h"

/* "a" + "b" -> "a/b" (no double slash); an absolute `b` wins. */
char *path_join(const char *a, const char *b);
/* Remove "." and "x/.." lexically, collapse slashes; keeps a leading "/". */
char *path_normalize(const char *p);
/* Absolute version of p against the cwd (lexically normalised). */
char *path_absolute(const char *p);
/* Whether `p` (absolute, normalised) is `dir` or below it. */
bool path_is_inside(const char *p, const char *dir);
/* The last component ("a/b.txt" -> "b.txt"); points into p. */
const char *path_basename(const char *p);

/* mkdir -p; 0 or -1 with errno. */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf without following symlinks; 0 or -1 with errno (ENOENT is ok). */
int remove_recursive(const char *path);
/* Remove everything inside directory `path`, keeping it; 0 or -1. */
int clear_directory(const char *path);
/* cp -a of a file or tree (regular files, dirs, symlinks, modes); 0/-1. */
int copy_recursive(const char *src, const char *dst);
/* Create a fresh directory "<base>/<prefix>XXXXXX"; NULL on failure. */
char *make_temp_dir(const char *base, const char *prefix);
/* $TMPDIR or /tmp. */
const char *temp_base(void);
/*
 * Find `name` in a PATH-style `path` list ("a:b"); a name with a slash is
 * returned as is if executable.  Returns a malloc'd path or NULL.
 */
char *locate_in_path(const char *name, const char *path);

#endif
