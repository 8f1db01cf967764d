#!/bin/sh
# A flaky test: it fails on its first attempt and passes on a retry, so
# `--retries 1` reports it FLAKY.  The attempt count lives in a file in
# the test's own output directory: every run starts from zero, so the
# demo repeats exactly.
counter=${ORDEAL_OUTPUT_DIR:-${TMPDIR:-/tmp}}/flaky.count
n=$(cat "$counter" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$counter"
echo "attempt $n"
if [ "$n" -eq 1 ]; then
	echo "connection reset by peer (simulated)" >&2
	exit 1
fi
