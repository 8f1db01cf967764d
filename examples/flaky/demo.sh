#!/bin/sh
# examples/flaky/demo.sh - the `ordeal loop` part of `make demo`: loop the
# 1-in-50 flaky test on an overlay slate until it has been run 200 times,
# show the failure rate, the kept evidence (the upper layer: exactly what
# the failing run changed) and the line that replays one failure.
# Run from the top of the tree with BUILD set (examples/demo.sh does).
set -u
BUILD=${BUILD:-build}
ordeal=$PWD/$BUILD/ordeal
work=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-demo-loop-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# overlay needs root or unprivileged user namespaces; auto falls back to
# the cheapest slate that works here.
slate=overlay:examples/flaky
"$ordeal" loop -q --count 1 --slate "$slate" --workdir "$work" -- true \
	>/dev/null 2>&1 || slate=auto:examples/flaky
rm -rf "$work"/ordeal-*

echo "\$ ordeal loop -c 2 --stop-after 100 --max-failures 0 --seed 1 --slate $slate -- sh ./test.sh"
"$ordeal" loop -q -c 2 --stop-after 100 --max-failures 0 --seed 1 \
	--slate "$slate" --workdir "$work" -- sh ./test.sh
echo "(exit status $?: the flaky test failed, as it was meant to)"

first=$(sed -n 's/.*"first_dir": "\(.*\)".*/\1/p' "$work"/ordeal-*/summary.json |
	head -1)
echo
echo "kept evidence of $(basename "$first"):"
(cd "$first" && find . -type f -o -type c | sort | sed 's/^\.\//  /')
echo "  stderr: $(cat "$first/stderr")"
