#!/bin/sh
# examples/flaky/test.sh - a flaky test for `ordeal loop`: it fails about
# once in 50 runs, and the failing run leaves a stale lock file behind in
# its working directory -- which would make every later run fail too if
# runs did not each start from a clean slate.
#
# The "randomness" comes from ORDEAL_SEED, so a failing run is replayed
# exactly with the `reproduce:` line ordeal prints.
set -u
seed=${ORDEAL_SEED:-$$}
# The last six digits (sh arithmetic cannot hold a 64-bit unsigned seed);
# the leading 1 keeps a leading 0 from reading as octal.
last=${seed#"${seed%??????}"}
roll=$(((1$last - 1000000) % 50))

mkdir -p cache
if [ -e cache/stale.lock ]; then
	echo "FAIL: TestCache: cache/stale.lock left by an earlier run" >&2
	exit 1
fi
echo "run ${ORDEAL_RUN:-?} thread ${ORDEAL_THREAD:-?}: roll $roll" >>cache/log
if [ "$roll" -eq 0 ]; then
	: >cache/stale.lock
	echo "FAIL: TestCache: lost the race for cache/stale.lock (roll 0)" >&2
	exit 1
fi
echo "ok: TestCache (roll $roll)"
