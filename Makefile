# chousa: one plain Makefile.  Dependencies come from Debian through
# pkg-config; scripts/install-deps.sh installs what is missing.
#
#   make            build ./chousa
#   make check      install missing deps, build, run every test
#   make check SANITIZE=address,undefined
#   make demo       install missing deps, build, run the worked example
#   make fuzz FUZZTIME=600   run every libFuzzer target (clang)
#   make bench      benchmarks, appended to bench/RESULTS.md
#   make lint       clang-format check and cppcheck
#   make install    PREFIX=/usr/local

PKG_CONFIG ?= pkg-config
CC         ?= cc
OBJCOPY    ?= objcopy
PREFIX     ?= /usr/local
DEPS        = libpsl libidn2 sqlite3 yajl zlib
# Loaded with dlopen on first use, not linked (src/base/dynlib.h): their headers
# are needed, and the soname of the library the headers belong to.  So is
# libcrypto's, for SHA-256 when it is there (src/base/sha256.c), ICU's,
# for international host names (src/ioc/ioc-idna.c), and libmicrohttpd and
# GnuTLS, for the team server (src/serve/).
DLOPEN_DEPS = libcurl libarchive icu-uc libmicrohttpd gnutls
soname      = $(shell objdump -p $$($(CC) -print-file-name=lib$(1).so) 2>/dev/null | sed -n 's/^ *SONAME *//p')
WERROR     ?= -Werror

CFLAGS     ?= -O2 -g
CFLAGS     += -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wwrite-strings -Wvla -Wformat=2 \
              -Wno-format-nonliteral $(WERROR)
CPPFLAGS   += -D_GNU_SOURCE -Iinclude -Isrc \
              $(shell $(PKG_CONFIG) --cflags $(DEPS) $(DLOPEN_DEPS) 2>/dev/null)
# strcpy, sprintf, atoi and the like are compile errors in every file of the
# tree, with no #include to forget (src/base/banned.h says how).
CPPFLAGS   += -include base/banned.h
sodef       = $(if $(call soname,$(1)),-DCHOUSA_SONAME_$(2)='"$(call soname,$(1))"')
SONAMES    := $(call sodef,curl,CURL) $(call sodef,archive,ARCHIVE) \
              $(call sodef,crypto,CRYPTO) $(call sodef,icuuc,ICUUC) \
              $(call sodef,microhttpd,MHD) $(call sodef,gnutls,GNUTLS)
CPPFLAGS   += $(SONAMES)
LDLIBS     += $(shell $(PKG_CONFIG) --libs $(DEPS) 2>/dev/null) -ldl -lpthread -lm

VERSION    := $(shell sed -n 's/^\#define CHOUSA_VERSION "\(.*\)"/\1/p' include/chousa.h)

BUILD      ?= build
ifdef SANITIZE
override BUILD := $(BUILD)-san
# -fno-builtin: memcmp, memcpy and friends go through the sanitizer's
# checked versions instead of inline loads it may not see past a short
# buffer (a fuzz finding in the capture reader got past it that way).
CFLAGS     += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer \
              -fno-builtin
LDFLAGS    += -fsanitize=$(SANITIZE)
endif
ifdef INJECT
override BUILD := $(BUILD)-inject
CPPFLAGS   += -DCHOUSA_INJECT
endif

# The data files under data/ (token lists, aliases) become C arrays that
# src/ioc/data.c includes, so the tool needs no file at run time.
DATA_TXT   := $(sort $(wildcard data/*.txt data/*/*.txt))
DATA_H     := $(BUILD)/gen/chousa-data.h
CPPFLAGS   += -I$(BUILD)/gen

LIB_SRC    := $(sort $(wildcard src/*/*.c src/*/*/*.c))
CLI_SRC    := $(sort $(wildcard cli/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test-*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz-*.c))
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libchousa.a
LIB_INTERNAL := $(BUILD)/libchousa-internal.a
BIN        := $(BUILD)/chousa
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/replay/%)
HEADERS    := $(wildcard include/*.h include/chousa/*.h src/*/*.h src/*/*/*.h cli/*.h)

.PHONY: print-ldlibs all check deps deps-test lint fuzz bench demo install golden-update clean man

all: chousa docs/chousa.1

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(DATA_H): $(DATA_TXT) scripts/gen-data.sh
	@mkdir -p $(dir $@)
	scripts/gen-data.sh $(DATA_TXT) > $@.tmp && mv $@.tmp $@

$(BUILD)/src/ioc/data.o: $(DATA_H)

# Two archives of the same objects.  libchousa.a, the one `make install`
# ships and ./chousa links, is one relocatable object in which only the
# chousa_* symbols stay global: the module-internal functions (mem_alloc,
# url_host, importers...) and the run-time loading shims become local, so
# they cannot collide with a program's own names or with the real libcurl,
# libarchive or libmicrohttpd it links.  The unit tests and fuzz replays
# call internal functions, and link libchousa-internal.a.
$(LIB_INTERNAL): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/libchousa.o: $(LIB_OBJ)
	$(LD) -r -o $@.tmp $^
	$(OBJCOPY) --wildcard --keep-global-symbol='chousa_*' $@.tmp $@
	@rm -f $@.tmp

$(LIB): $(BUILD)/libchousa.o
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

# ./chousa is the build of the current flavour, so tests and users run one
# path whatever SANITIZE says.
chousa: $(BIN)
	ln -sf $(BIN) chousa

docs/chousa.1: $(BIN)
	$(BIN) help --man > $@.tmp && mv $@.tmp $@
man: docs/chousa.1

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(LIB_INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_INTERNAL) $(LDLIBS)

# Fuzz targets built with a plain main() that replays their corpus.
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(LIB_INTERNAL)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(LIB_INTERNAL) $(LDLIBS)

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

# The build uses every core unless make was given its own -j: four trees
# (plain, failure injection, and their sanitizer twins in CI) built one
# file at a time took half of CI's build minutes for nothing.
NPROC      := $(shell nproc 2>/dev/null || echo 2)
check: deps-test
	@$(MAKE) --no-print-directory $(if $(findstring j,$(filter-out --%,$(MAKEFLAGS))),,-j$(NPROC)) all-tests
	@tests/run.sh $(BUILD)

.PHONY: all-tests
all-tests: chousa $(UNIT_BIN) $(REPLAY_BIN)
ifndef INJECT
	@$(MAKE) --no-print-directory INJECT=1 inject-tests
endif

# The failure-injection flavour that tests/cli/test-robust-inject.sh runs:
# the program and the two unit tests it drives (the others would be
# linked for nothing).
.PHONY: inject-tests
inject-tests: $(BIN) $(BUILD)/tests/test-robust-render $(BUILD)/tests/test-peers

demo: deps
	@$(MAKE) --no-print-directory chousa
	@scripts/demo.sh

# libFuzzer builds need clang; each target runs FUZZTIME seconds.
FUZZTIME ?= 60
fuzz: deps-test
	@scripts/fuzz.sh $(FUZZTIME) $(FUZZ_SRC)

bench: deps-test
	@$(MAKE) --no-print-directory chousa
	@bench/run.sh

lint: $(LIB)
	@scripts/lint.sh $(LIB)

golden-update: chousa
	@tests/run.sh $(BUILD) --update-golden

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/chousa
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/chousa
	install -m 644 docs/chousa.1 $(DESTDIR)$(PREFIX)/share/man/man1/chousa.1
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libchousa.a
	install -m 644 include/chousa.h $(DESTDIR)$(PREFIX)/include/chousa.h
	install -m 644 include/chousa/*.h $(DESTDIR)$(PREFIX)/include/chousa/
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@REQUIRES@|$(DEPS)|' scripts/chousa.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/chousa.pc
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system \
	    $(DESTDIR)$(PREFIX)/share/doc/chousa/examples \
	    $(DESTDIR)$(PREFIX)/share/doc/chousa/docs
	sed -e 's|@PREFIX@|$(PREFIX)|g' dist/chousa.service.in \
	    > $(DESTDIR)$(PREFIX)/lib/systemd/system/chousa.service
	sed -e 's|@PREFIX@|$(PREFIX)|g' dist/chousa-backup.service.in \
	    > $(DESTDIR)$(PREFIX)/lib/systemd/system/chousa-backup.service
	install -m 644 dist/chousa.socket dist/chousa-backup.timer \
	    $(DESTDIR)$(PREFIX)/lib/systemd/system/
	install -m 644 dist/chousa.logrotate dist/chousa.nginx dist/chousa-alerts.yml \
	    $(DESTDIR)$(PREFIX)/share/doc/chousa/examples/
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/chousa/
	install -m 644 docs/*.md docs/openapi.json \
	    $(DESTDIR)$(PREFIX)/share/doc/chousa/docs/

# The link flags a program using libchousa.a needs (bench/bench-store.sh).
print-ldlibs:
	@echo $(LDLIBS)

clean:
	rm -rf build build-san build-inject build-san-inject build-fuzz chousa
