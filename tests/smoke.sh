#!/bin/sh
# tests/smoke.sh - a few plain-sh checks of `ordeal script` that do not
# trust the script engine: every other end-to-end test is itself a script,
# so an engine that passed everything would make them all green.  Here
# each check runs `ordeal script` on a small script and judges its exit
# status and output with grep alone.
#
# Usage: BUILD=build sh tests/smoke.sh   (ORDEAL=path overrides the binary)
# Prints one line per check and ends with
# `ordeal: N passed, N failed, N skipped`; exits 1 if a check failed.
# While `ordeal script` is not implemented, every check is skipped.

set -u
BUILD=${BUILD:-build}
ORDEAL=${ORDEAL:-$BUILD/ordeal}
case $ORDEAL in /*) ;; *) ORDEAL=$(pwd)/$ORDEAL ;; esac

if [ ! -x "$ORDEAL" ]; then
	echo "smoke: error: '$ORDEAL' is not built" >&2
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ordeal-smoke-XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM HUP

passed=0
failed=0
skipped=0
NCHECKS=15

# The output of the last `run`, and its status.
OUT=$TMP/out
rc=0

# run ARGS...: run `ordeal script ARGS` in $TMP, capturing stdout+stderr.
run() {
	(cd "$TMP" && "$ORDEAL" script "$@") >"$OUT" 2>&1
	rc=$?
}

ok() {
	passed=$((passed + 1))
	echo "smoke: ok   $1"
}

bad() {
	failed=$((failed + 1))
	echo "smoke: FAIL $1: $2"
	echo "--- exit status $rc; output:"
	sed 's/^/    /' "$OUT"
	echo "---"
}

# has REGEX: the last output matches the extended regex.
has() {
	grep -Eq -- "$1" "$OUT"
}

# Scripts.  Line numbers matter: the checks look for FILE:LINE.
cat >"$TMP/pass.txt" <<'EOF'
# a passing script
exec true
echo hello
stdout '^hello$'
! stdout goodbye
cmp a.txt b.txt
-- a.txt --
same
-- b.txt --
same
EOF

cat >"$TMP/fail_exec.txt" <<'EOF'
# exec false must fail the script on line 3
exec true
exec false
echo not reached
EOF

cat >"$TMP/fail_negated.txt" <<'EOF'
! exec true
EOF

cat >"$TMP/fail_stdout.txt" <<'EOF'
echo hello
stdout '^goodbye$'
EOF

cat >"$TMP/fail_not_stdout.txt" <<'EOF'
echo hello
! stdout hel+o
EOF

cat >"$TMP/fail_cmp.txt" <<'EOF'
cmp a.txt b.txt
-- a.txt --
one
-- b.txt --
two
EOF

cat >"$TMP/fail_unknown.txt" <<'EOF'
echo fine
frobnicate-the-widgets x
EOF

cat >"$TMP/fail_status.txt" <<'EOF'
exec sh -c 'echo out; echo err >&2; exit 3'
EOF

cat >"$TMP/skip.txt" <<'EOF'
skip 'not today'
exec false
EOF

cat >"$TMP/pass_stop.txt" <<'EOF'
stop 'done early'
exec false
EOF

cat >"$TMP/fail_timeout.txt" <<'EOF'
exec sleep 30
EOF

cat >"$TMP/fail_cond.txt" <<'EOF'
[no-such-condition] exec true
EOF

# The engine must exist before anything can be judged.
run pass.txt
if has 'not (yet )?implemented'; then
	echo "smoke: skipped: 'ordeal script' is not implemented yet"
	echo "ordeal: 0 passed, 0 failed, $NCHECKS skipped"
	exit 0
fi

# 1. A passing script passes, with the right closing line.
if [ $rc -eq 0 ] && has '^ordeal: 1 passed, 0 failed, 0 skipped$'; then
	ok "passing script exits 0"
else
	bad "passing script exits 0" "want exit 0 and '1 passed'"
fi

# 2. exec false fails, naming file and line.
run fail_exec.txt
if [ $rc -eq 1 ] && has 'FAIL: .*fail_exec\.txt:3' &&
	has '^ordeal: 0 passed, 1 failed, 0 skipped$'; then
	ok "exec false fails at fail_exec.txt:3"
else
	bad "exec false fails" "want exit 1 and 'FAIL: fail_exec.txt:3'"
fi

# 3. The command after the failure did not run.
if ! has 'not reached'; then
	ok "nothing runs after a failed command"
else
	bad "nothing runs after a failed command" "'echo not reached' ran"
fi

# 4. ! exec true fails.
run fail_negated.txt
if [ $rc -eq 1 ] && has 'FAIL: .*fail_negated\.txt:1'; then
	ok "! exec true fails"
else
	bad "! exec true fails" "want exit 1 and 'FAIL: fail_negated.txt:1'"
fi

# 5. A stdout mismatch fails.
run fail_stdout.txt
if [ $rc -eq 1 ] && has 'FAIL: .*fail_stdout\.txt:2'; then
	ok "stdout mismatch fails"
else
	bad "stdout mismatch fails" "want exit 1 and 'FAIL: fail_stdout.txt:2'"
fi

# 6. ! stdout fails when the regex (a real regex: +) matches.
run fail_not_stdout.txt
if [ $rc -eq 1 ] && has 'FAIL: .*fail_not_stdout\.txt:2'; then
	ok "! stdout fails on a regex match"
else
	bad "! stdout fails on a match" "want exit 1, fail_not_stdout.txt:2"
fi

# 7. cmp of different archive files fails.
run fail_cmp.txt
if [ $rc -eq 1 ] && has 'FAIL: .*fail_cmp\.txt:1'; then
	ok "cmp of different files fails"
else
	bad "cmp of different files fails" "want exit 1, fail_cmp.txt:1"
fi

# 8. An unknown command is an error naming file and line, never a pass.
run fail_unknown.txt
if [ $rc -ne 0 ] && [ $rc -le 2 ] && has 'fail_unknown\.txt:2' &&
	has 'frobnicate-the-widgets'; then
	ok "unknown command is an error"
else
	bad "unknown command is an error" "want exit 1 or 2, fail_unknown.txt:2"
fi

# 9. A failing exec shows its status and output.
run fail_status.txt
if [ $rc -eq 1 ] && has 'exit status 3' && has 'out' && has 'err'; then
	ok "failure shows exit status and output"
else
	bad "failure shows status and output" "want 'exit status 3'"
fi

# 10. skip marks the script skipped and stops it.
run skip.txt
if [ $rc -eq 0 ] && has '^ordeal: 0 passed, 0 failed, 1 skipped$'; then
	ok "skip skips"
else
	bad "skip skips" "want exit 0 and '1 skipped'"
fi

# 11. stop passes early.
run pass_stop.txt
if [ $rc -eq 0 ] && has '^ordeal: 1 passed, 0 failed, 0 skipped$'; then
	ok "stop passes"
else
	bad "stop passes" "want exit 0 and '1 passed'"
fi

# 12. Several scripts: the closing line counts each, and it is last.
run pass.txt fail_exec.txt skip.txt pass_stop.txt
last=$(grep -v '^[[:space:]]*$' "$OUT" | tail -n 1)
if [ $rc -eq 1 ] &&
	[ "$last" = "ordeal: 2 passed, 1 failed, 1 skipped" ]; then
	ok "closing line counts every script"
else
	bad "closing line counts every script" \
		"want exit 1 and last line 'ordeal: 2 passed, 1 failed, 1 skipped'"
fi

# 13. A script read from stdin.
(cd "$TMP" && printf 'exec false\n' | "$ORDEAL" script -) >"$OUT" 2>&1
rc=$?
if [ $rc -eq 1 ] && has 'FAIL'; then
	ok "script from stdin fails"
else
	bad "script from stdin fails" "want exit 1 and FAIL"
fi

# 14. --timeout stops a script that would run 30s (timeout(1) guards
# against an engine that ignores it).
if command -v timeout >/dev/null 2>&1; then
	(cd "$TMP" && timeout -k 5 20 "$ORDEAL" script --timeout 1s \
		fail_timeout.txt) >"$OUT" 2>&1
	rc=$?
else
	run --timeout 1s fail_timeout.txt
fi
if [ $rc -eq 1 ] && has 'FAIL: .*fail_timeout\.txt:1'; then
	ok "--timeout fails a slow script"
else
	bad "--timeout fails a slow script" "want exit 1 within 20s, FAIL at :1"
fi

# 15. An unknown condition is an error, never silently false.
run fail_cond.txt
if [ $rc -ne 0 ] && [ $rc -le 2 ] && has 'fail_cond\.txt:1' &&
	has 'no-such-condition'; then
	ok "unknown condition is an error"
else
	bad "unknown condition is an error" "want exit 1 or 2, fail_cond.txt:1"
fi

echo "ordeal: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
