#!/bin/sh
# build.sh - build the crash examples against libordeal.a into
# $BUILD/examples/: walkv (correct), walkv-skip-fsync and walkv-ack-early
# (planted durability bugs), confwrite, and the tests' crashprog.  Run from the top of the tree
# after `make`; `make demo` and the tests call it.  Rebuilds only what is
# older than its source or the library.
set -e
BUILD=${BUILD:-build}
CC=${CC:-cc}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$BUILD/examples
lib=$BUILD/libordeal.a
[ -f "$lib" ] || { echo "build.sh: $lib missing: run make first" >&2; exit 2; }
mkdir -p "$out"
flags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -O2 -g -Iinclude"

# Each binary is linked to a temporary name and renamed into place, so
# that several tests building at once never run a half-written file.
build() { # name source extra-cflags [extra-libs]
	if [ ! -x "$out/$1" ] || [ "$2" -nt "$out/$1" ] || [ "$lib" -nt "$out/$1" ]; then
		$CC $flags $3 -o "$out/$1.tmp$$" "$2" "$lib" ${4:-} -lpthread &&
			mv -f "$out/$1.tmp$$" "$out/$1"
	fi
}
build walkv examples/wal/walkv.c ""
build walkv-skip-fsync examples/wal/walkv.c -DWAL_BUG_SKIP_FSYNC
build walkv-ack-early examples/wal/walkv.c -DWAL_BUG_ACK_EARLY
build confwrite examples/wal/confwrite.c ""
# The script tests' program (tests/crash/crashprog.c), and a static build
# of it to show that --syscalls refuses what LD_PRELOAD cannot reach.
build crashprog tests/crash/crashprog.c ""
if [ ! -x "$out/crashprog-static" ] || [ tests/crash/crashprog.c -nt "$out/crashprog-static" ]; then
	if $CC $flags -static -o "$out/crashprog-static.tmp$$" tests/crash/crashprog.c "$lib" -lpthread 2>/dev/null; then
		mv -f "$out/crashprog-static.tmp$$" "$out/crashprog-static"
	else
		rm -f "$out/crashprog-static.tmp$$"
		echo "build.sh: no static libc: crashprog-static not built" >&2
	fi
fi
# The SQLite durability test, when libsqlite3 is there.
if pkg-config --exists sqlite3 2>/dev/null; then
	build sqlite-acks tests/crash/sqlite-acks.c "$(pkg-config --cflags sqlite3)" \
		"$(pkg-config --libs sqlite3)"
fi
