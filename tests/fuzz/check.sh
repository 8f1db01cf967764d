#!/bin/sh
# tests/fuzz/check.sh - the fuzz stage of `make check`: build every
# libFuzzer harness and run each for FUZZ_SECONDS (default 3) on its seed
# corpus, which replays every seed and regression input first.  One line
# per target: "ok <target> (<N> execs)" or "FAIL <target> (...)" with the
# report; exit 1 on any failure.  Without clang or libFuzzer it prints
# "skip fuzz: <reason>" and exits 0.
#
# Usage: BUILD=build sh tests/fuzz/check.sh [target...]
FUZZ_SECONDS=${FUZZ_SECONDS:-3} FUZZ_MODE=check \
	exec sh "$(dirname "$0")/run.sh" "$@"
