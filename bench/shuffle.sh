#!/bin/sh
# bench/shuffle.sh - trials needed to shrink a failing test sequence:
# ordeal's shrinker against plain ddmin and Apache::TestSmoke's reduction,
# on synthetic oracles (no processes: the count of trials is the cost).
# Run from the top of the tree; BUILD names the build directory.
set -e
BUILD=${BUILD:-build}
mkdir -p "$BUILD/bench"
${CC:-cc} -std=c11 -O2 -D_GNU_SOURCE -Isrc -o "$BUILD/bench/shrink-bench" \
	bench/shrink-bench.c src/shrink.c src/usage.c src/strbuf.c
echo "== shuffle: trials to shrink (lower is better) =="
"$BUILD/bench/shrink-bench"

# Wall clock of a whole shuffle (hunt and shrink) with -j 4 against -j 1,
# both on copy slates, in the same run: a 16-test suite of 50 ms tests
# with one planted polluter.
case $BUILD in /*) ordeal=$BUILD/ordeal ;; *) ordeal=$(pwd)/$BUILD/ordeal ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-bench-shuffle.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fixture" "$work/t"
: >"$work/fixture/keep"
i=0
while [ $i -lt 14 ]; do
	printf '#!/bin/sh\nsleep 0.05\n' >"$work/t/f$i.sh"
	i=$((i + 1))
done
printf '#!/bin/sh\nsleep 0.05\necho dirty > state\n' >"$work/t/polluter.sh"
printf '#!/bin/sh\nsleep 0.05\n[ ! -e state ]\n' >"$work/t/victim.sh"
chmod +x "$work"/t/*.sh
now_ms() { date +%s%3N; }
run() {
	start=$(now_ms)
	(cd "$work" && "$ordeal" shuffle --seed 5 --times 1 --iterations 8 \
		--slate copy:fixture -j "$1" --report "r$1.txt" t >/dev/null) ||
		true # exit 1: the planted dependency was found
	end=$(now_ms)
	echo $((end - start))
}
t1=$(run 1)
t4=$(run 4)
echo
echo "== shuffle: wall clock, 16 tests x 50 ms, 8 iterations, copy slates =="
printf '%-10s %8s %7s\n' "jobs" "ms" "ratio"
printf '%-10s %8s %7s\n' "-j 1" "$t1" "1.00"
printf '%-10s %8s %7s\n' "-j 4" "$t4" "$(awk "BEGIN{printf \"%.2f\", $t4/$t1}")"
grep -q 'polluter.sh' "$work/r1.txt" && grep -q 'polluter.sh' "$work/r4.txt" ||
	echo "warning: a run did not find the planted polluter"
