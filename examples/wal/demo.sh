#!/bin/sh
# demo.sh - `ordeal crash` on the bundled examples: the WAL store survives a
# power cut at every point, its build with a missing fsync does not, and
# the classic `write; rename` config writer loses an acked config.  Called
# by `make demo` (examples/demo.sh); run from the top after `make`.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
cd "$top"
sh examples/wal/build.sh || exit 1
ordeal=$BUILD/ordeal
ex=$BUILD/examples
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-demo.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work"

show() { # keep the head of the table, the count line and two failures
	awk '/^POINT@HIT/ { t = 6 } t > 0 { print; t--; next }
	     / crash points, / { print } /^FAILED/ && f < 2 { print; f++; k = 2; next }
	     k > 0 { print; k-- } /^ordeal: / { print }'
}
run() { # description, then ordeal crash arguments
	echo
	echo "== $1"
	shift
	echo "\$ ordeal crash $*" | sed "s|$ex/||g; s|$tmp/||g"
	# failures are kept under $tmp/work, removed at the end
	TMPDIR=$tmp/work "$ordeal" crash "$@" | show | sed "s|$ex/||g; s|$tmp/||g"
}

run "a WAL store that syncs before it acks: nothing lost, even at every syscall" \
	-j2 --syscalls all --power-loss --verify "$ex/walkv check" -- "$ex/walkv" put 6
run "the same store acking before fsync: a plain kill hides the bug" \
	-j2 --verify "$ex/walkv check" -- "$ex/walkv-skip-fsync" put 6
run "... a power cut finds it" \
	-j2 --power-loss --verify "$ex/walkv check" -- "$ex/walkv-skip-fsync" put 6
mkdir "$tmp/seed" && printf 'value=old\nend\n' >"$tmp/seed/cfg"
run "write; rename without fsync loses the acked config" \
	--power-loss --from "$tmp/seed" --verify "$ex/confwrite check cfg" -- "$ex/confwrite" bad cfg new
run "write; fsync; rename; fsync(dir) keeps it" \
	--power-loss --from "$tmp/seed" --verify "$ex/confwrite check cfg" -- "$ex/confwrite" good cfg new
exit 0
