#!/bin/sh
# header-compile.sh - compile include/ordeal/crashpoint.h the way an outside
# program would: as C89 (pedantic), C99, C11 and C++, with warnings as
# errors, linked against build/libordeal.a, and with -DORDEAL_NO_CRASHPOINTS.
# Each program is also run: unarmed it must exit 0, armed it must die.
# Usage: BUILD=build sh tests/crash/header-compile.sh   (exit 0 = all good)
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) lib=$BUILD/libordeal.a ;; *) lib=$top/$BUILD/libordeal.a ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-hdr.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
[ -f "$lib" ] || { echo "header-compile: $lib missing (run make)" >&2; exit 1; }

cat > "$tmp/t.c" <<'PROG'
#include <ordeal/crashpoint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct ordeal_crash_opts opts;
	int i;

	memset(&opts, 0, sizeof(opts));
	(void)opts;
	(void)argv;
	for (i = 0; i < argc + 2; i++)
		ORDEAL_CRASHPOINT("header.loop");
	if (!ordeal_crashpoint_name_valid("a.b") ||
	    ordeal_crashpoint_name_valid("a b"))
		return 3;
	printf("survived\n");
	return 0;
}
PROG
cp "$tmp/t.c" "$tmp/t.cc"

fails=0
check() {
	name=$1; shift
	if ! "$@" -I"$top/include" -Wall -Wextra -Werror -o "$tmp/$name" \
			"$lib" -lpthread 2>"$tmp/$name.err"; then
		echo "FAIL compile $name" >&2; cat "$tmp/$name.err" >&2
		fails=$((fails + 1)); return
	fi
	out=$("$tmp/$name") || { echo "FAIL run $name" >&2; fails=$((fails + 1)); return; }
	[ "$out" = survived ] || { echo "FAIL output $name" >&2; fails=$((fails + 1)); return; }
	if [ "$name" != nopoints ]; then
		ORDEAL_CRASH_AT=header.loop@2 "$tmp/$name" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 137 ] || { echo "FAIL armed $name: exit $rc, want 137" >&2; fails=$((fails + 1)); return; }
	else
		ORDEAL_CRASH_AT=header.loop "$tmp/$name" >/dev/null 2>&1 ||
			{ echo "FAIL nopoints crashed" >&2; fails=$((fails + 1)); return; }
	fi
	echo "ok $name"
}
check c89 gcc -std=c89 -pedantic "$tmp/t.c"
check c99 gcc -std=c99 -pedantic "$tmp/t.c"
check c11 gcc -std=c11 -pedantic "$tmp/t.c"
check cxx g++ -std=c++11 -pedantic "$tmp/t.cc"
check nopoints gcc -std=c89 -pedantic -DORDEAL_NO_CRASHPOINTS "$tmp/t.c"
[ $fails -eq 0 ] || { echo "header-compile: $fails failed" >&2; exit 1; }
