#!/bin/sh
# tests/check.sh - `make check`: run every test of the project and give one
# verdict.  Four stages, in this order:
#
#   unit    every cmocka binary in $BUILD/tests/unit/; counted per test
#           case from cmocka's summary ("[  PASSED  ] N test(s)." and the
#           FAILED/SKIPPED lines); a binary that crashes or exits non-zero
#           without a FAILED count adds one failure.
#   smoke   tests/smoke.sh (plain-sh checks that do not trust the engine);
#           counted from its closing line.
#   crash-c tests/crash/run.sh, the crash library's C tests; counted from
#           its "ok ..." and "FAIL ..." lines.
#   script  `ordeal script -j2` on tests/script/ with the freshly built
#           `ordeal` and `helper` as program commands; counted from its
#           closing line (one per script), each bounded by --timeout 5m.
#           Skipped with a message while `ordeal script` is not implemented.
#
# Prints a per-stage summary and ends with exactly one closing line
# `ordeal: N passed, N failed, N skipped`; exits 1 if anything failed.
#
# Usage: BUILD=build sh tests/check.sh [unit] [smoke] [crash-c] [script]
#   (no argument: all stages; SCRIPT_ARGS adds options to `ordeal script`,
#   e.g. SCRIPT_ARGS='--run loop_*' or '-v')

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ABS_BUILD=$BUILD ;; *) ABS_BUILD=$ROOT/$BUILD ;; esac
ORDEAL=$ABS_BUILD/ordeal
HELPER=$ABS_BUILD/ordeal-test-helper
SCRIPT_ARGS=${SCRIPT_ARGS:-}
cd "$ROOT" || exit 2

STAGES=${*:-unit smoke crash-c docs fuzz script}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-check-XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

# Per-stage results, as "stage passed failed skipped note" lines.
SUMMARY=$TMP/summary
: >"$SUMMARY"
total_p=0
total_f=0
total_s=0
STAGE_T0=$(date +%s)

record() { # stage passed failed skipped note...
	stage=$1 p=$2 f=$3 s=$4
	shift 4
	# With the stage's wall time.
	echo "$stage $p $f $s $* [$(($(date +%s) - STAGE_T0))s]" >>"$SUMMARY"
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + s))
}

# The closing line's counts of a log: "P F S", or nothing.
closing_counts() {
	sed -n 's/^ordeal: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' \
		"$1" | tail -n 1
}

# A bound on one unit binary, when timeout(1) exists (a hang is a failure).
with_timeout() {
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 600 "$@"
	else
		"$@"
	fi
}

stage_unit() {
	p=0 f=0 s=0 bins=0
	echo "== unit tests ($BUILD/tests/unit)"
	for t in "$ABS_BUILD"/tests/unit/test-*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		bins=$((bins + 1))
		name=${t##*/}
		log=$TMP/$name.log
		(cd "$TMP" && export CMOCKA_MESSAGE_OUTPUT=stdout \
			ORDEAL_TEST_HELPER="$HELPER" && with_timeout "$t") \
			>"$log" 2>&1
		rc=$?
		tp=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log" | tail -n 1)
		tf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
		ts=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
		tp=${tp:-0} tf=${tf:-0} ts=${ts:-0}
		if [ $rc -ne 0 ] && [ "$tf" -eq 0 ]; then
			tf=1 # crashed, hung, or a group setup failed
		fi
		p=$((p + tp)) f=$((f + tf)) s=$((s + ts))
		if [ $rc -eq 0 ] && [ "$tf" -eq 0 ]; then
			if [ "$ts" -eq 0 ]; then
				echo "ok   $name ($tp passed)"
			else
				echo "ok   $name ($tp passed, $ts skipped)"
			fi
		else
			echo "FAIL $name (exit status $rc, $tf failed)"
			# The passing cases are noise here.
			grep -v '^\[ RUN      \]\|^\[       OK \]' "$log" |
				sed 's/^/    /'
		fi
	done
	if [ $bins -eq 0 ]; then
		echo "no unit test binaries in $BUILD/tests/unit (run 'make unit')"
		record unit 0 1 0 "no binaries"
		return
	fi
	record unit $p $f $s "($bins binaries)"
}

stage_smoke() {
	echo "== smoke (tests/smoke.sh)"
	log=$TMP/smoke.log
	BUILD=$ABS_BUILD ORDEAL=$ORDEAL sh "$ROOT/tests/smoke.sh" >"$log" 2>&1
	rc=$?
	# Only the last line of check.sh is a closing line.
	sed 's/^ordeal: \([0-9]* passed\)/smoke total: \1/' "$log"
	counts=$(closing_counts "$log")
	if [ -z "$counts" ]; then
		record smoke 0 1 0 "(no closing line, exit status $rc)"
		return
	fi
	set -- $counts
	f=$2
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	record smoke "$1" "$f" "$3" ""
}

stage_crash_c() {
	echo "== crash library (tests/crash/run.sh)"
	log=$TMP/crash-c.log
	BUILD=$ABS_BUILD sh "$ROOT/tests/crash/run.sh" >"$log" 2>&1
	rc=$?
	cat "$log"
	# One verdict per check the script runs: lines "ok ..." / "FAIL ...".
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^FAIL' "$log")
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	record crash-c "$p" "$f" 0 ""
}

stage_fuzz() {
	echo "== fuzz (tests/fuzz/check.sh: every target a few seconds)"
	log=$TMP/fuzz.log
	BUILD=$ABS_BUILD sh "$ROOT/tests/fuzz/check.sh" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^FAIL' "$log")
	s=$(grep -c '^skip ' "$log")
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	record fuzz "$p" "$f" "$s" ""
}

stage_docs() {
	echo "== docs"
	p=0 f=0
	if sh "$ROOT/tests/robustness-check.sh"; then p=$((p + 1)); else f=$((f + 1)); fi
	# Every command has its manual page, and each renders without a warning.
	for c in script run loop gocrash shuffle crash; do
		page=$ROOT/docs/ordeal-$c.1
		if [ ! -f "$page" ]; then
			echo "FAIL docs: no manual page docs/ordeal-$c.1"
			f=$((f + 1))
		elif command -v groff >/dev/null 2>&1 &&
			groff -man -Tutf8 -ww -z "$page" 2>&1 | grep -q .; then
			echo "FAIL docs: groff warns about docs/ordeal-$c.1:"
			groff -man -Tutf8 -ww -z "$page" 2>&1 | head -5
			f=$((f + 1))
		else
			echo "ok   docs/ordeal-$c.1"
			p=$((p + 1))
		fi
	done
	record docs "$p" "$f" 0 ""
}

stage_script() {
	echo "== scripts (tests/script)"
	log=$TMP/script.log
	# A trivial script tells whether the engine exists yet.
	printf 'exec true\n' >"$TMP/probe.txt"
	"$ORDEAL" script "$TMP/probe.txt" >"$log" 2>&1
	if grep -Eq 'not (yet )?implemented' "$log"; then
		n=$(find tests/script -name '*.txt' -o -name '*.txtar' 2>/dev/null |
			wc -l)
		echo "skipped: 'ordeal script' is not implemented yet"
		record script 0 0 $n "(engine not implemented: all skipped)"
		return
	fi
	# $SCRIPT_ARGS is split on purpose (several options).
	# shellcheck disable=SC2086
	{
		PATH=$ABS_BUILD:$PATH "$ORDEAL" script -j2 --timeout 5m \
			$SCRIPT_ARGS \
			--cmd "ordeal=$ORDEAL" --cmd "helper=$HELPER" \
			-e "ORDEAL_SRC=$ROOT" -e "ORDEAL_BUILD=$ABS_BUILD" \
			-e "ORDEAL_EXAMPLES=$ABS_BUILD/examples" \
			tests/script 2>&1
		echo $? >"$TMP/script.rc"
	} | tee "$log" | sed 's/^ordeal: \([0-9]* passed\)/script total: \1/'
	rc=$(cat "$TMP/script.rc")
	counts=$(closing_counts "$log")
	if [ -z "$counts" ]; then
		record script 0 1 0 "(no closing line, exit status $rc)"
		return
	fi
	set -- $counts
	f=$2
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	record script "$1" "$f" "$3" ""
}

if [ ! -x "$ORDEAL" ]; then
	echo "check: error: '$ORDEAL' is not built (run 'make')" >&2
	exit 2
fi

for stage in $STAGES; do
	STAGE_T0=$(date +%s)
	case $stage in
	unit) stage_unit ;;
	smoke) stage_smoke ;;
	crash-c) stage_crash_c ;;
	docs) stage_docs ;;
	fuzz) stage_fuzz ;;
	script) stage_script ;;
	*)
		echo "check: error: unknown stage '$stage' (unit, smoke, crash-c, docs, fuzz, script)" >&2
		exit 2
		;;
	esac
	echo
done

echo "== summary"
while read -r stage p f s note; do
	printf '%-7s %4d passed, %d failed, %d skipped %s\n' \
		"$stage" "$p" "$f" "$s" "$note"
done <"$SUMMARY"
echo "ordeal: $total_p passed, $total_f failed, $total_s skipped"
[ $total_f -eq 0 ]
