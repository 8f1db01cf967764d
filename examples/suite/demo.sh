#!/bin/sh
# examples/suite/demo.sh - `make demo`'s `ordeal run` section: the example
# suite (passing, failing, skipped and flaky tests, one script test) run in
# parallel with one retry, then a look at the reports it leaves.  Run from
# the top of the tree with BUILD set (examples/demo.sh does).
set -u
BUILD=${BUILD:-build}
ordeal=$BUILD/ordeal
out=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-demo-XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT

echo "\$ ordeal run -j2 --retries 1 --junit junit.xml examples/suite/tests"
"$ordeal" run -j2 --retries 1 --output-dir "$out/run" \
	--junit "$out/junit.xml" examples/suite/tests
echo "(exit status $?: a test failed, as it was meant to)"
echo
echo "\$ head test.tap          # TAP, read by prove and TAP 14 parsers"
head -n 14 "$out/run/test.tap"
echo
echo "\$ ls reports tests       # report.json, and each test's evidence"
ls "$out/run/reports" "$out/run/tests"
