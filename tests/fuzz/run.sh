#!/bin/sh
# tests/fuzz/run.sh - `make fuzz`: build every libFuzzer harness (see
# build.sh) and run each for FUZZ_SECONDS (default 60) on a copy of its
# seed corpus (tests/fuzz/corpus/<target>/, which also holds the
# regression inputs of fixed bugs: libFuzzer runs every one of them
# first).  FUZZ_JOBS targets run at a time (default 2).  Prints a table of
# executions per target (libFuzzer's final stats); a crash, leak, timeout
# or failed check is saved as $BUILD/fuzz/crashes/<target>-crash-* and
# makes the run fail (exit 1).
#
# Usage: BUILD=build [FUZZ_SECONDS=60] [FUZZ_JOBS=2] sh tests/fuzz/run.sh [target...]
#
# With FUZZ_MODE=check (tests/fuzz/check.sh) the output is one line per
# target, "ok <target> (<N> execs)" or "FAIL <target> ...", and a missing
# clang/libFuzzer is a skip ("skip fuzz: <reason>", exit 0).

set -u
FUZZ_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export FUZZ_ROOT
# shellcheck source=build.sh
. "$FUZZ_ROOT/tests/fuzz/build.sh"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-2}
FUZZ_MODE=${FUZZ_MODE:-run}

# One target, in the background of xargs: results in $OUT/<target>.*
if [ "${1:-}" = --one ]; then
	t=$2 out=$3
	work=$out/$t.corpus
	rm -rf "$work"
	mkdir -p "$work" "$FUZZ_BUILD/crashes"
	cp "$FUZZ_ROOT/tests/fuzz/corpus/$t"/* "$work"/ 2>/dev/null
	rm -f "$FUZZ_BUILD/crashes/$t"-*
	FUZZ_SCRATCH=$out/scratch
	export FUZZ_SCRATCH
	mkdir -p "$FUZZ_SCRATCH"
	start=$(date +%s)
	# -close_fd_mask=3: the code under test prints errors by design;
	# libFuzzer keeps its own report.  The harness's message is shown
	# by replaying the saved input below.
	(cd "$out" && "$FUZZ_BUILD/$t" -max_total_time="$FUZZ_SECONDS" \
		-close_fd_mask=3 -print_final_stats=1 -timeout=20 \
		-rss_limit_mb=2048 -max_len=8192 \
		-artifact_prefix="$FUZZ_BUILD/crashes/$t-" "$work") \
		>"$out/$t.log" 2>&1
	echo $? >"$out/$t.rc"
	echo $(($(date +%s) - start)) >"$out/$t.secs"
	[ -n "${FUZZ_KEEP_LOGS:-}" ] && cp "$out/$t.log" "$out/$t.secs" "$FUZZ_KEEP_LOGS"/
	exit 0
fi

fail() {
	if [ "$FUZZ_MODE" = check ]; then
		echo "FAIL fuzz: $*"
	else
		echo "fuzz: error: $*" >&2
	fi
	exit 1
}

if ! why=$(fuzz_have_clang); then
	if [ "$FUZZ_MODE" = check ]; then
		echo "skip fuzz: $why"
		exit 0
	fi
	fail "$why"
fi
targets=${*:-$FUZZ_TARGETS}
for t in $targets; do
	case " $FUZZ_TARGETS " in *" $t "*) ;; *) fail "unknown target '$t' (targets: $FUZZ_TARGETS)" ;; esac
done
[ "$FUZZ_MODE" = check ] || echo "fuzz: building $(echo $targets | wc -w) harnesses in $BUILD/fuzz"
if ! fuzz_build $targets >"$FUZZ_BUILD/build.log" 2>&1; then
	cat "$FUZZ_BUILD/build.log"
	fail "building the harnesses failed"
fi
# On tmpfs when there is one: the reporters fsync what they write.
tmpbase=${TMPDIR:-/tmp}
[ -z "${TMPDIR:-}" ] && [ -w /dev/shm ] && tmpbase=/dev/shm
OUT=$(mktemp -d "$tmpbase/ordeal-fuzz-XXXXXX") || exit 2
trap 'rm -rf "$OUT"' EXIT
trap 'exit 130' INT TERM HUP
[ "$FUZZ_MODE" = check ] ||
	echo "fuzz: running each target for ${FUZZ_SECONDS}s, $FUZZ_JOBS at a time"
# shellcheck disable=SC2086
printf '%s\n' $targets | xargs -P "$FUZZ_JOBS" -I{} \
	sh "$FUZZ_ROOT/tests/fuzz/run.sh" --one {} "$OUT"

failed=0
[ "$FUZZ_MODE" = check ] ||
	printf '%-14s %12s %8s %6s  %s\n' target execs exec/s corpus result
for t in $targets; do
	rc=$(cat "$OUT/$t.rc" 2>/dev/null || echo 2)
	log=$OUT/$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	corpus=$(ls "$OUT/$t.corpus" | wc -l)
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		verdict=ok
	else
		failed=$((failed + 1))
		verdict="FAIL (exit status $rc${artifact:+, input saved as $artifact})"
	fi
	if [ "$FUZZ_MODE" = check ]; then
		if [ "$rc" -eq 0 ]; then
			echo "ok $t (${execs:-0} execs)"
		else
			echo "FAIL $t (exit status $rc${artifact:+, input $artifact})"
		fi
	else
		printf '%-14s %12s %8s %6s  %s\n' "$t" "${execs:-?}" \
			"${rate:-?}" "$corpus" "$verdict"
	fi
	if [ "$rc" -ne 0 ]; then
		# What went wrong: libFuzzer's report, then the harness's own
		# message from a replay of the saved input.
		grep -a -E 'ERROR|SUMMARY|runtime error|fuzz:' "$log" |
			head -n 8 | sed 's/^/    /'
		if [ -n "$artifact" ] && [ -f "$artifact" ]; then
			"$FUZZ_BUILD/$t" "$artifact" 2>&1 | grep -a -E \
				'^fuzz:|runtime error|ERROR: AddressSanitizer|^    #[0-3] ' |
				head -n 8 | sed 's/^/    /'
		fi
	fi
done
if [ $failed -ne 0 ]; then
	[ "$FUZZ_MODE" = check ] || echo "fuzz: $failed target(s) failed; inputs in $BUILD/fuzz/crashes/"
	exit 1
fi
[ "$FUZZ_MODE" = check ] || echo "fuzz: every target ran clean"
exit 0
