#!/bin/sh
# valgrind.sh - `make valgrind`: every unit test binary under memcheck
# (definite leaks and invalid accesses are errors), one line per binary and
# the closing line.  A second opinion beside `make asan`: valgrind needs no
# rebuild and sees uninitialised reads, which ASan does not.
set -u
BUILD=${BUILD:-build}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind: skipped: valgrind is not installed (apt-get install valgrind)"
	echo "ordeal: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
HELPER=$(cd "$BUILD" && pwd)/ordeal-test-helper
export ORDEAL_TEST_HELPER=$HELPER
pass=0 fail=0
log=$(mktemp "${TMPDIR:-/tmp}/ordeal-valgrind.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT
for t in "$BUILD"/tests/unit/test-*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --track-fds=no \
		"$t" >"$log" 2>&1; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		grep -E '==[0-9]+==|FAILED|ERROR' "$log" | head -40 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "ordeal: $pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
