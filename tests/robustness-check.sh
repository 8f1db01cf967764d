#!/bin/sh
# tests/robustness-check.sh - keep docs/ROBUSTNESS.md honest: every test
# it names (`name.txt` in backticks) must exist in tests/script/, and every
# tests/script/torture_*.txt and interrupt_*.txt must be named in it.
# Prints what is wrong and exits 1, or prints one "ok" line and exits 0.
#
#   sh tests/robustness-check.sh
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DOC=$ROOT/docs/ROBUSTNESS.md
DIR=$ROOT/tests/script
bad=0

[ -f "$DOC" ] || { echo "robustness-check: no $DOC" >&2; exit 1; }
named=$(grep -o '`[A-Za-z0-9_.-]*\.txt`' "$DOC" | tr -d '`' | sort -u)
[ -n "$named" ] || { echo "robustness-check: no test named in $DOC" >&2; exit 1; }
for t in $named; do
	if [ ! -f "$DIR/$t" ]; then
		echo "robustness-check: docs/ROBUSTNESS.md names $t, which is not in tests/script/" >&2
		bad=1
	fi
done
for f in "$DIR"/torture_*.txt "$DIR"/interrupt_*.txt; do
	[ -f "$f" ] || continue
	t=${f##*/}
	if ! printf '%s\n' "$named" | grep -qxF "$t"; then
		echo "robustness-check: tests/script/$t is not in docs/ROBUSTNESS.md" >&2
		bad=1
	fi
done
[ $bad = 0 ] || exit 1
echo "robustness-check: ok ($(printf '%s\n' "$named" | wc -l | tr -d ' ') tests named, all present)"
