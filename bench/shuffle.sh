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
