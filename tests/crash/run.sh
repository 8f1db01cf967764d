#!/bin/sh
# run.sh - the crash library's C-level tests: the header compiled as an
# outside program would, the examples built, harness-test driving
# ordeal_crash_run() over examples/wal, and powerloss-test checking the
# power-loss model scenario by scenario.  Run from the top of the tree after
# `make`; exit 0 when everything passed.
set -u
BUILD=${BUILD:-build}
CC=${CC:-cc}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fails=0
sh tests/crash/header-compile.sh || fails=$((fails + 1))
BUILD=$BUILD sh examples/wal/build.sh || exit 1
mkdir -p "$BUILD/tests/crash"
$CC -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -Iinclude \
	-o "$BUILD/tests/crash/harness-test" tests/crash/harness-test.c \
	"$BUILD/libordeal.a" -lpthread || exit 1
"$BUILD/tests/crash/harness-test" "$BUILD" || fails=$((fails + 1))
$CC -std=c11 -D_GNU_SOURCE -Wall -Wextra -O2 -g -Iinclude \
	-o "$BUILD/tests/crash/powerloss-test" tests/crash/powerloss-test.c \
	"$BUILD/libordeal.a" -lpthread || exit 1
"$BUILD/tests/crash/powerloss-test" "$BUILD" || fails=$((fails + 1))
[ $fails -eq 0 ]
