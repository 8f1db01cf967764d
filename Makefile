# ordeal's build: one binary, the crash-point library, the preload library,
# the test helper and the unit tests.  Sources are found by wildcard so a new
# module needs no Makefile change.  `make help` lists the targets.

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CFLAGS  ?= -O2 -g
SANFLAGS ?=
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-missing-field-initializers -Wformat=2
UNAME_S := $(shell uname -s)
ifeq ($(UNAME_S),Linux)
OS_SRC  := src/os/linux.c
PLATFORM_CPPFLAGS := -D_GNU_SOURCE
else
OS_SRC  := src/os/posix.c
PLATFORM_CPPFLAGS := -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE -D__BSD_VISIBLE=1
endif

# Build dependencies: installed by scripts/install-deps when pkg-config cannot
# find them, unless NO_INSTALL_DEPS=1 (then the command is printed instead).
DEP_PKGS := libpcre2-8 cmocka jansson
NEEDS_DEPS := $(filter-out clean check-style help,$(or $(MAKECMDGOALS),all))
ifneq ($(NEEDS_DEPS),)
ifneq ($(shell pkg-config --exists $(DEP_PKGS) && echo ok),ok)
ifeq ($(NO_INSTALL_DEPS),1)
$(error missing build dependencies ($(DEP_PKGS)); install them with: scripts/install-deps)
else
$(info ordeal: pkg-config cannot find $(DEP_PKGS); running scripts/install-deps)
DEPS_RC := $(shell scripts/install-deps >&2; echo $$?)
ifneq ($(DEPS_RC),0)
$(error scripts/install-deps failed (exit $(DEPS_RC)))
endif
endif
endif
PCRE_CFLAGS := $(shell pkg-config --cflags libpcre2-8 jansson)
PCRE_LIBS   := $(shell pkg-config --libs libpcre2-8 jansson)
CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka)
CMOCKA_LIBS   := $(shell pkg-config --libs cmocka)
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.1.0)
ALL_CPPFLAGS := -Iinclude -Isrc $(PLATFORM_CPPFLAGS) -DORDEAL_VERSION='"$(VERSION)"' \
	-DORDEAL_BUILD_FLAGS='"$(CC) $(CFLAGS) $(SANFLAGS)"' $(PCRE_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS := -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS)
LIBS := $(PCRE_LIBS) -lm -lpthread -ldl

CORE_SRCS := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
CORE_SRCS := $(filter-out src/os/%,$(CORE_SRCS)) $(OS_SRC)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
LIB_SRCS  := $(wildcard lib/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_PIC_OBJS := $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)
PRELOAD_SRCS := $(wildcard preload/*.c)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
HELPER_SRCS := $(wildcard tests/helper/*.c)

ORDEAL  := $(BUILD)/ordeal
TARGETS := $(ORDEAL) $(BUILD)/libordeal.a $(BUILD)/libordeal.so \
	$(BUILD)/ordeal.pc
ifneq ($(HELPER_SRCS),)
TARGETS += $(BUILD)/ordeal-test-helper
endif
ifneq ($(PRELOAD_SRCS),)
TARGETS += $(BUILD)/libordeal-preload.so
endif

.PHONY: all check unit examples demo valgrind asan bench install clean check-style help fuzz
all: $(TARGETS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# libordeal runs inside the programs under test (the examples, users'
# programs, the preload library): never sanitized, so any program can link
# it; the sanitized ordeal binary links it all the same.
$(BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/pic/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(BUILD)/libcore.a: $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(ORDEAL): $(BUILD)/src/main.o $(BUILD)/libcore.a $(BUILD)/libordeal.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/libordeal.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libordeal.so: $(LIB_PIC_OBJS)
	$(CC) -std=c11 $(CFLAGS) -shared -Wl,-soname,libordeal.so.0 $(LDFLAGS) -o $@ $^ -lpthread

# The preload library runs inside arbitrary programs: never sanitized.
$(BUILD)/libordeal-preload.so: $(PRELOAD_SRCS) $(wildcard preload/*.h) $(LIB_SRCS)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(CFLAGS) -fPIC -shared $(LDFLAGS) \
		-o $@ $(PRELOAD_SRCS) $(LIB_SRCS) -ldl -lpthread

# The test helper is run under the preload library too: never sanitized.
$(BUILD)/ordeal-test-helper: $(HELPER_SRCS) $(LIB_SRCS) $(wildcard include/ordeal/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ \
		$(HELPER_SRCS) $(LIB_SRCS) -lpthread

$(BUILD)/ordeal.pc: ordeal.pc.in
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libcore.a $(BUILD)/libordeal.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(CMOCKA_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(CMOCKA_LIBS) $(LIBS)

unit: $(UNIT_BINS)

# C programs outside the library (examples/wal, the crash tests' programs).
examples: all
	@BUILD=$(BUILD) sh examples/wal/build.sh

check: all unit examples
	@BUILD=$(BUILD) sh tests/check.sh

demo: all examples
	@BUILD=$(BUILD) sh examples/demo.sh

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
		SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check

valgrind: all unit
	@BUILD=$(BUILD) sh tests/valgrind.sh

bench: all
	@BUILD=$(BUILD) sh bench/run.sh

fuzz: all
	@BUILD=$(BUILD) sh tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/ordeal \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(ORDEAL) $(DESTDIR)$(PREFIX)/bin/ordeal
	install -m 644 $(BUILD)/libordeal.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/libordeal.so $(DESTDIR)$(PREFIX)/lib/libordeal.so.0
	ln -sf libordeal.so.0 $(DESTDIR)$(PREFIX)/lib/libordeal.so
	if [ -f $(BUILD)/libordeal-preload.so ]; then install -m 755 \
		$(BUILD)/libordeal-preload.so $(DESTDIR)$(PREFIX)/lib/; fi
	install -m 644 include/ordeal/crashpoint.h $(DESTDIR)$(PREFIX)/include/ordeal/
	install -m 644 $(BUILD)/ordeal.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 docs/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

check-style:
	@clang-format --dry-run --Werror $(wildcard src/*.[ch] src/*/*.[ch] lib/*.[ch] preload/*.[ch] include/ordeal/*.h tests/helper/*.c tests/unit/*.c) && echo "style: ok"

clean:
	rm -rf build build-asan

help:
	@echo "targets: all check demo asan valgrind bench fuzz install clean check-style"
	@echo "variables: BUILD=dir PREFIX=/usr/local DESTDIR= NO_INSTALL_DEPS=1 CC=cc"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
