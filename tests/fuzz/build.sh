#!/bin/sh
# tests/fuzz/build.sh - build the libFuzzer harnesses (sourced by run.sh and
# check.sh, or run alone: `BUILD=build sh tests/fuzz/build.sh [target...]`).
#
# The harnesses are compiled with clang (libFuzzer, ASan, UBSan), not with
# the gcc-built libcore.a: every source below is compiled into
# $BUILD/fuzz/obj/ with coverage instrumentation and archived as
# $BUILD/fuzz/libfuzzcore.a; each tests/fuzz/fuzz-<target>.c is linked
# against it as $BUILD/fuzz/<target>.  Objects are rebuilt when their source
# or any header is newer, so a second run only relinks what changed.
#
# Defines: fuzz_have_clang (0 when usable, else prints why), fuzz_build
# [target...] (0, or non-zero after printing the compiler's error), and
# FUZZ_TARGETS (every target, in a stable order).

FUZZ_ROOT=${FUZZ_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) FUZZ_BUILD=$BUILD/fuzz ;; *) FUZZ_BUILD=$FUZZ_ROOT/$BUILD/fuzz ;; esac
FUZZ_CC=${FUZZ_CC:-clang}

# The sources under test: the core modules the harnesses reach.  Not the
# subcommands (src/cmd-*.c; the crash harness #includes cmd-crash.c to
# reach its static trace reader, and lib/harness.c for the status parser)
# nor the slates, which no parser needs: fewer files, a faster check.
FUZZ_SRCS="src/clock.c src/diff.c src/json.c src/parse-options.c src/path.c
src/regex.c src/rng.c src/run-command.c src/shrink.c src/stats.c
src/strbuf.c src/strvec.c src/suite.c src/txtar.c src/usage.c
src/os/linux.c
src/report/events.c src/report/json.c src/report/junit.c src/report/read.c
src/report/report.c src/report/tap.c src/report/text.c
src/script/cmds.c src/script/conds.c src/script/engine.c src/script/parse.c
lib/crashpoint.c"

FUZZ_TARGETS="txtar script_line options suite_header json_writer report_tap
report_json report_events report_junit report_read crash_trace shrink diff
regex"
FUZZ_TARGETS=$(echo $FUZZ_TARGETS)

fuzz_have_clang() {
	if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
		echo "no $FUZZ_CC (install clang for libFuzzer)"
		return 1
	fi
	mkdir -p "$FUZZ_BUILD" || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
		'{ (void)d; (void)n; return 0; }' >"$FUZZ_BUILD/probe.c"
	if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined \
		-o "$FUZZ_BUILD/probe" "$FUZZ_BUILD/probe.c" \
		>"$FUZZ_BUILD/probe.log" 2>&1; then
		echo "$FUZZ_CC cannot link libFuzzer with ASan/UBSan ($(head -n 1 "$FUZZ_BUILD/probe.log"))"
		return 1
	fi
	if ! pkg-config --exists libpcre2-8 jansson; then
		echo "pkg-config cannot find libpcre2-8 and jansson"
		return 1
	fi
	return 0
}

FUZZ_CPPFLAGS="-Iinclude -Isrc -D_GNU_SOURCE -DORDEAL_VERSION=\"fuzz\" -DORDEAL_BUILD_FLAGS=\"clang-fuzz\""
FUZZ_CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
-fsanitize=address,undefined -fno-sanitize-recover=undefined"

# Compile one source to its object if it is out of date.
fuzz_compile_one() { # src
	obj=$FUZZ_BUILD/obj/$(echo "$1" | sed 's,/,_,g; s,\.c$,.o,')
	if [ -f "$obj" ] && [ ! "$FUZZ_ROOT/$1" -nt "$obj" ] &&
		[ ! "$FUZZ_BUILD/headers.stamp" -nt "$obj" ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	(cd "$FUZZ_ROOT" && $FUZZ_CC $FUZZ_CPPFLAGS \
		$(pkg-config --cflags libpcre2-8 jansson) $FUZZ_CFLAGS \
		-fsanitize=fuzzer-no-link -c -o "$obj" "$1")
}

fuzz_build() { # [target...]
	mkdir -p "$FUZZ_BUILD/obj" || return 1
	# One stamp that is newer than every object when a header changed.
	newest=$(ls -t "$FUZZ_ROOT"/src/*.h "$FUZZ_ROOT"/src/*/*.h \
		"$FUZZ_ROOT"/include/ordeal/*.h 2>/dev/null | head -n 1)
	if [ ! -f "$FUZZ_BUILD/headers.stamp" ] ||
		[ "$newest" -nt "$FUZZ_BUILD/headers.stamp" ]; then
		touch "$FUZZ_BUILD/headers.stamp"
	fi
	export FUZZ_ROOT FUZZ_BUILD FUZZ_CC FUZZ_CPPFLAGS FUZZ_CFLAGS
	# Two compilers at a time (the machine has two cores).
	# shellcheck disable=SC2086
	if ! printf '%s\n' $FUZZ_SRCS | xargs -P 2 -n 1 sh -c '
		. "$FUZZ_ROOT/tests/fuzz/build.sh" && fuzz_compile_one "$1"' sh; then
		echo "fuzz: compiling the sources failed" >&2
		return 1
	fi
	lib=$FUZZ_BUILD/libfuzzcore.a
	objs=
	for s in $FUZZ_SRCS; do
		objs="$objs $FUZZ_BUILD/obj/$(echo "$s" | sed 's,/,_,g; s,\.c$,.o,')"
	done
	stale=
	[ -f "$lib" ] || stale=1
	for o in $objs; do [ "$o" -nt "$lib" ] && stale=1; done
	if [ -n "$stale" ]; then
		rm -f "$lib"
		# shellcheck disable=SC2086
		ar rcs "$lib" $objs || return 1
	fi
	# Link the harnesses, two at a time.
	# shellcheck disable=SC2086
	printf '%s\n' ${*:-$FUZZ_TARGETS} | xargs -P 2 -n 1 sh -c '
		. "$FUZZ_ROOT/tests/fuzz/build.sh" && fuzz_link_one "$1"' sh
}

# Link one harness if it is out of date.
fuzz_link_one() { # target
	t=$1
	lib=$FUZZ_BUILD/libfuzzcore.a
	src=$FUZZ_ROOT/tests/fuzz/fuzz-$(echo "$t" | tr _ -).c
	bin=$FUZZ_BUILD/$t
	if [ -f "$bin" ] && [ ! "$src" -nt "$bin" ] && [ ! "$lib" -nt "$bin" ] &&
		[ ! "$FUZZ_ROOT/tests/fuzz/fuzz.h" -nt "$bin" ] &&
		[ ! "$FUZZ_ROOT/tests/fuzz/fuzz-report.h" -nt "$bin" ] &&
		[ ! "$FUZZ_BUILD/headers.stamp" -nt "$bin" ]; then
		return 0
	fi
	# parse_options exits: its harness catches exit() (see there).
	extra=
	[ "$t" = options ] && extra=-Wl,--wrap=exit
	# shellcheck disable=SC2086
	(cd "$FUZZ_ROOT" && $FUZZ_CC $FUZZ_CPPFLAGS -Itests/fuzz $extra \
		$(pkg-config --cflags libpcre2-8 jansson) $FUZZ_CFLAGS \
		-fsanitize=fuzzer -o "$bin" "$src" "$lib" \
		$(pkg-config --libs libpcre2-8 jansson) -lm -lpthread -ldl)
}
