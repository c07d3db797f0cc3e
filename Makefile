# dangol build. `make` builds libdangol.a, libdangol.so and the dangol binary into build/.
# BUILD=asan builds the same into build-asan/ with AddressSanitizer + UBSan; BUILD=tsan into
# build-tsan/ with ThreadSanitizer, for the server's threads (`make BUILD=tsan tsan`).
# Sources are found by wildcard: a new module needs no Makefile edit.

BUILD    ?= release
ifeq ($(BUILD),asan)
OUT      := build-asan
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN    := -fsanitize=address,undefined
else ifeq ($(BUILD),tsan)
OUT      := build-tsan
OPT      := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
LDSAN    := -fsanitize=thread
else
OUT      := build
OPT      := -O2 -g
LDSAN    :=
endif

CC       ?= cc
PKGS     := sqlite3 libpq jansson nlopt libmicrohttpd libsodium nettle gsl xgboost
# liblinear ships no pkg-config file: linked by name (and listed in dangol.pc's Libs.private).
EXTRA_LIBS := -llinear
WARN     := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wold-style-definition -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wundef \
            -Wvla -Wimplicit-fallthrough -fno-common -Werror \
            -Wno-format-truncation  # messages are cut to their buffers on purpose
# The version: DG_VERSION_* in include/dangol/version.h is the one place it is written.
VERSION  := $(shell sed -n 's/^\#define DG_VERSION_STRING "\(.*\)"/\1/p' include/dangol/version.h)
SOMAJOR  := $(firstword $(subst ., ,$(VERSION)))
# Only what include/dangol/ declares between DG_API_BEGIN and DG_API_END is exported from
# libdangol.so (include/dangol/export.h). A user's CFLAGS add to these flags, they never replace
# the warnings.
CPPFLAGS := -D_GNU_SOURCE -DDANGOL_VERSION=\"$(VERSION)\" -Iinclude -Isrc -I$(OUT)/gen
DG_CFLAGS := $(WARN) $(OPT) -fPIC -fvisibility=hidden -MMD -MP \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(EXTRA_LIBS) -lm -lpthread

# make install / uninstall: PREFIX and DESTDIR as usual (DESTDIR=/tmp/stage make install).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PCDIR      ?= $(LIBDIR)/pkgconfig

LIB_SRC  := $(wildcard src/core/*.c src/store/*.c src/ingest/*.c src/frame/*.c src/analytics/*.c \
                       src/analytics/*/*.c src/crm/*.c src/report/*.c \
                       src/demo/*.c src/auth/*.c)
CLI_SRC  := $(wildcard src/cli/*.c src/server/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(OUT)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(OUT)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(OUT)/%.o)
SCHEMA   := $(sort $(wildcard src/store/schema/*.sql))

.PHONY: all deps check test unit e2e asan demo bench clean fuzz web globals tsan install \
        uninstall installcheck man
all: $(OUT)/libdangol.a $(OUT)/libdangol.so $(OUT)/dangol $(OUT)/dangol.pc $(OUT)/dangol.1

deps:
	@./scripts/deps.sh

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(DG_CFLAGS) -c $< -o $@

# Schema migrations are compiled in, so the binary carries every version it can upgrade from.
$(OUT)/gen/schema.inc: $(SCHEMA) scripts/embed.sh
	@mkdir -p $(dir $@)
	./scripts/embed.sh $(SCHEMA) > $@
$(OUT)/src/store/migrate.o: $(OUT)/gen/schema.inc
# ... and their PostgreSQL dialects (src/store/schema/pg/, docs/postgresql.md).
SCHEMA_PG := $(sort $(wildcard src/store/schema/pg/*.sql))
$(OUT)/gen/schema_pg.inc: $(SCHEMA_PG) scripts/embed.sh
	@mkdir -p $(dir $@)
	./scripts/embed.sh $(SCHEMA_PG) > $@
$(OUT)/src/store/postgres.o: $(OUT)/gen/schema_pg.inc

# The CLI's command table is generated from the DG_CLI_COMMAND(...) lines in src/cli/*.c.
$(OUT)/gen/commands.inc: $(wildcard src/cli/*.c) scripts/commands.sh
	@mkdir -p $(dir $@)
	./scripts/commands.sh src/cli/*.c > $@
$(OUT)/src/cli/main.o: $(OUT)/gen/commands.inc

$(OUT)/libdangol.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
# libdangol.so.MAJOR.MINOR.PATCH with the SONAME libdangol.so.MAJOR, and the two links to it.
$(OUT)/libdangol.so.$(VERSION): $(LIB_OBJ)
	$(CC) -shared $(LDSAN) -Wl,-soname,libdangol.so.$(SOMAJOR) -o $@ $^ $(LDLIBS)
$(OUT)/libdangol.so: $(OUT)/libdangol.so.$(VERSION)
	ln -sf libdangol.so.$(VERSION) $(OUT)/libdangol.so.$(SOMAJOR)
	ln -sf libdangol.so.$(VERSION) $@
$(OUT)/dangol.pc: scripts/dangol_pc.sh include/dangol/version.h
	./scripts/dangol_pc.sh "$(PREFIX)" "$(LIBDIR)" "$(INCLUDEDIR)" "$(VERSION)" "$(PKGS)" > $@
# The man page is generated from the --help texts, so it never disagrees with them.
$(OUT)/dangol.1: $(OUT)/dangol scripts/man.sh
	./scripts/man.sh $(OUT)/dangol $(VERSION) > $@
man: $(OUT)/dangol.1
$(OUT)/dangol: $(CLI_OBJ) $(OUT)/libdangol.a
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(OUT)/libdangol.a $(LDLIBS)
$(OUT)/unit_tests: $(TEST_OBJ) $(OUT)/libdangol.a
	$(CC) $(LDSAN) -o $@ $(TEST_OBJ) $(OUT)/libdangol.a $(LDLIBS) -lcriterion

# The unit tests run two at a time. Criterion counts a test passed before its worker's exit, where
# LeakSanitizer reports a leak, so a leak report anywhere in the output fails the run
# (tests/unit/main.c turns the check off in Criterion's runner process alone, whose own blocks
# are not ours).
unit: $(OUT)/unit_tests
	@./$(OUT)/unit_tests --jobs 2 > $(OUT)/unit.log 2>&1; rc=$$?; cat $(OUT)/unit.log; \
	  ! grep -q 'ERROR: LeakSanitizer' $(OUT)/unit.log || { echo 'unit: a test leaks (above)'; exit 1; }; \
	  exit $$rc
# The sanitizer pass leaves out test_cluster_reports.sh, which compares every report's output on
# three backends (the longest script): the code it runs is run under the sanitizers by the
# per-backend scripts (test_cluster.sh, test_postgres*.sh and each report's own script).
E2E_SCRIPTS := $(wildcard tests/e2e/test_*.sh)
ifeq ($(BUILD),asan)
E2E_SCRIPTS := $(filter-out tests/e2e/test_cluster_reports.sh,$(E2E_SCRIPTS))
endif
e2e: $(OUT)/dangol web
	DANGOL=$(CURDIR)/$(OUT)/dangol ./tests/e2e/run.sh $(E2E_SCRIPTS)

# installcheck only in the release build: a program linking the sanitizer builds' libdangol.so
# would need the sanitizer runtime loaded first.
ifeq ($(BUILD),release)
INSTALLCHECK := installcheck
endif
test: all globals unit e2e $(INSTALLCHECK)

# asan: the whole test suite under AddressSanitizer + UBSan (what `make check` runs second).
asan:
	$(MAKE) BUILD=asan test

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/dangol \
	           $(DESTDIR)$(PCDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(OUT)/dangol $(DESTDIR)$(BINDIR)/dangol
	install -m 644 $(OUT)/libdangol.a $(DESTDIR)$(LIBDIR)/libdangol.a
	install -m 755 $(OUT)/libdangol.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdangol.so.$(VERSION)
	ln -sf libdangol.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdangol.so.$(SOMAJOR)
	ln -sf libdangol.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdangol.so
	install -m 644 include/dangol/*.h $(DESTDIR)$(INCLUDEDIR)/dangol/
	./scripts/dangol_pc.sh "$(PREFIX)" "$(LIBDIR)" "$(INCLUDEDIR)" "$(VERSION)" "$(PKGS)" \
	    > $(DESTDIR)$(PCDIR)/dangol.pc
	install -m 644 $(OUT)/dangol.1 $(DESTDIR)$(MANDIR)/man1/dangol.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dangol $(DESTDIR)$(LIBDIR)/libdangol.a \
	      $(DESTDIR)$(LIBDIR)/libdangol.so $(DESTDIR)$(LIBDIR)/libdangol.so.$(SOMAJOR) \
	      $(DESTDIR)$(LIBDIR)/libdangol.so.$(VERSION) $(DESTDIR)$(PCDIR)/dangol.pc \
	      $(DESTDIR)$(MANDIR)/man1/dangol.1
	rm -rf $(DESTDIR)$(INCLUDEDIR)/dangol

# installcheck: installs into a temporary DESTDIR, builds each examples/*.c against the installed
# library through pkg-config alone (no -I or -L into the tree), runs it, checks that the shared
# library exports only dg_ names, then uninstalls and checks nothing is left.
installcheck: all
	@./scripts/installcheck.sh "$(MAKE)" "$(CC)" "$(OUT)"

# globals: no writable file-scope, global or function-local static object in the library.
globals: $(LIB_OBJ)
	@./scripts/no_globals.sh $(LIB_OBJ)

# tsan (with BUILD=tsan): the server's end-to-end tests, its pool threads answering concurrent
# requests, under ThreadSanitizer. A race report makes the server exit non-zero (TSan's exit code
# 66), which the tests' clean-shutdown check fails on; the reports are in the failure output.
# OMP_NUM_THREADS=1 (with src/analytics/churn_xgb.c's one thread under TSan): libgomp, which
# runs XGBoost's loops, is not instrumented, so TSan cannot see its barriers and reports its
# workers as racing; on one thread there are none.
TSAN_E2E := tests/e2e/test_api.sh tests/e2e/test_server.sh tests/e2e/test_audit.sh \
            tests/e2e/test_group_commit.sh
tsan: $(OUT)/dangol web
	OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  DANGOL=$(CURDIR)/$(OUT)/dangol ./tests/e2e/run.sh $(TSAN_E2E)

# The dashboard's npm packages (ECharts; playwright-core for the browser test), exactly as
# web/package-lock.json pins them; reinstalled only when the lock file changes.
web: web/node_modules/.installed
web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# check: release build and tests, then the whole suite again under ASan + UBSan, then the
# server's end-to-end tests under ThreadSanitizer, then the fuzzers. Each build compiles on every
# core first; the tests then run one step at a time (each step runs its own tests in parallel).
JOBS := $(shell nproc 2>/dev/null || echo 2)
check: deps
	$(MAKE) -j$(JOBS) all build/unit_tests
	$(MAKE) test
	$(MAKE) -j$(JOBS) BUILD=asan all build-asan/unit_tests
	$(MAKE) BUILD=asan test
	$(MAKE) -j$(JOBS) BUILD=tsan build-tsan/dangol
	$(MAKE) BUILD=tsan tsan
	$(MAKE) -j$(JOBS) $(FUZZ_TARGETS)
	$(MAKE) fuzz

demo: deps
	$(MAKE) all web
	./scripts/demo.sh

bench: deps all
	./bench/run.sh

# fuzz: libFuzzer targets tests/fuzz/fuzz_*.c (clang), each run for FUZZ_SECONDS with a fixed
# seed on a copy of its corpus in tests/fuzz/corpus/NAME. Longer runs: build-fuzz/NAME -help=1.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 5
FUZZ_FLAGS   := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -std=c17 $(CPPFLAGS)
FUZZ_LIB_SRC := $(filter src/core/%.c,$(LIB_SRC))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ -lm
# the import, config and query targets take the whole library (the store names roles and coupon
# kinds; the report layer reads the store), compiled once for the three; the JSON target takes
# jansson, as the server does
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/obj/%.o)
build-fuzz/obj/%.o: %.c $(OUT)/gen/schema.inc $(OUT)/gen/schema_pg.inc
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	  -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
build-fuzz/fuzz_import build-fuzz/fuzz_config build-fuzz/fuzz_query: build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -fsanitize=fuzzer \
	  $^ -o $@ $(LDLIBS)
# the snapshot target takes the frame's own files (the decoder, its codec, the frame and its maps)
build-fuzz/fuzz_snapshot: tests/fuzz/fuzz_snapshot.c src/frame/frame_snapshot.c src/frame/column_codec.c src/frame/frame.c src/frame/dict.c $(FUZZ_LIB_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ -lm
build-fuzz/fuzz_segment: tests/fuzz/fuzz_segment.c src/store/snapshot_delta_codec.c $(FUZZ_LIB_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ -lm
build-fuzz/fuzz_json: tests/fuzz/fuzz_json.c src/server/json_number.c $(FUZZ_LIB_SRC)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $^ -o $@ -ljansson -lm
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do n=$$(basename $$t); rm -rf build-fuzz/corpus-$$n; \
	  mkdir -p build-fuzz/corpus-$$n; cp tests/fuzz/corpus/$$n/* build-fuzz/corpus-$$n/ 2>/dev/null; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s"; \
	  ./$$t -seed=1 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
	    -artifact_prefix=build-fuzz/$$n- build-fuzz/corpus-$$n 2> build-fuzz/$$n.log \
	    || { tail -30 build-fuzz/$$n.log; exit 1; }; tail -1 build-fuzz/$$n.log; done

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(FUZZ_LIB_OBJ:.o=.d)
