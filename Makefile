# gcisim - build, test and check.  See README.md.
#   make            build ./gcisim
#   make run        install missing Debian packages (as root), build, run scripts/gci2020.lua
#   make test       unit tests, script tests and CLI tests; ends with "N passed, N failed"
#   make bench      benchmarks, printing their figures
#   make asan       the whole test suite under AddressSanitizer + UBSan
#   make leakcheck  the whole test suite under valgrind
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (default 60)
#   make charts     the README's example charts, docs/charts/*.{svg,png}
#   make install    binary, man page, scripts, data, the Lua module gci.so and
#                   README, CHANGELOG and charts (share/doc/gcisim) under
#                   PREFIX (default /usr/local), staged in DESTDIR; copies
#                   what `make` built, never rebuilding it with other paths
#   make uninstall  removes exactly what make install put there

CC       ?= cc
LUA_PC   ?= lua5.4
LUA_CFLAGS := $(shell pkg-config --cflags $(LUA_PC) 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS   := $(shell pkg-config --libs $(LUA_PC) 2>/dev/null || echo -llua5.4)
CAIRO_CFLAGS := $(shell pkg-config --cflags cairo fontconfig 2>/dev/null || echo -I/usr/include/cairo)
CAIRO_LIBS   := $(shell pkg-config --libs cairo fontconfig 2>/dev/null || echo -lcairo -lfontconfig)
# libedit: line editing and history for `gcisim repl`
EDIT_CFLAGS := $(shell pkg-config --cflags libedit 2>/dev/null)
EDIT_LIBS   := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c17 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror -pthread
# LAPACK (PCA eigenvalues), GLPK (benefit-of-the-doubt linear programs) and
# GSL (the simplex of optimised weights): the core layer's analyses
# (engine/core/analysis.h, bod.h, optweights.h).  They are not linked: the
# module that uses one opens it with dlopen the first time an analysis runs
# (engine/core/dynlib.h: linked, their 15 shared objects cost every process
# and every forked batch job).  The build compiles against the Debian
# packages' headers and passes the SONAME of each library it found, and the
# runtime package that provides it, for the error when it is missing.
so_of  = $(shell objdump -p "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | sed -n 's/^ *SONAME *//p')
pkg_of = $(if $(1),$(shell dpkg -S "*/$(1)" 2>/dev/null | sed -n '1s/:.*//p'))
define dynlib_def
$(eval so_$(1) := $(call so_of,$(2)))$(eval pkg_$(1) := $(call pkg_of,$(so_$(1))))$(if $(so_$(1)),-DGS_SONAME_$(1)='"$(so_$(1))"') $(if $(pkg_$(1)),-DGS_PACKAGE_$(1)='"$(pkg_$(1))"')
endef
DYNLIB_DEFS := $(call dynlib_def,LAPACKE,lapacke) $(call dynlib_def,GLPK,glpk) $(call dynlib_def,GSL,gsl)
DYNLIB_USERS := analysis bod optweights
# What the fuzz harnesses link (tests/fuzz/run.sh): nothing more either.
ANALYSIS_LIBS :=
LDLIBS   += $(LUA_LIBS) $(CAIRO_LIBS) -lcsv $(EDIT_LIBS) -lm -pthread
# Bind every symbol at start: batch jobs are forked children, which then
# inherit a resolved symbol table instead of each resolving it again.
LDFLAGS  += -Wl,-z,now
BUILD    ?= build
BIN      ?= gcisim
# What building and running needs; .ci/run adds the test tools.
DEBIAN_PKGS = build-essential pkg-config liblua5.4-dev libcsv-dev libcairo2-dev fonts-dejavu-core libedit-dev liblapacke-dev libglpk-dev libgsl-dev
TEST_PKGS   = python3 poppler-utils lua5.4 parallel
# The peer of `make bench` (tests/bench/peer.py; skipped with a message without them).
BENCH_PKGS  = python3-numpy python3-pandas

# The engine is built by layer; a layer sees only its own headers and the
# headers of the layers below it (doc/ARCHITECTURE.md):
#   core   data, scoring, ranking, methods, analyses: no Lua, no cairo
#   io     output formats, atomic files, path policy, data directory
#   chart  chart layout and drawing (cairo)
#   lua    the gci module: bindings, sandbox, printing of Lua values
#   cli    main and the commands (run, batch, merge, repl, explain, check)
LAYERS     := core io chart lua cli
inc_core   := -Iengine/core
inc_io     := $(inc_core) -Iengine/io
inc_chart  := $(inc_io) -Iengine/chart $(CAIRO_CFLAGS)
inc_lua    := $(inc_chart) -Iengine/lua $(LUA_CFLAGS)
inc_cli    := $(inc_lua) -Iengine/cli $(EDIT_CFLAGS)
ENGINE_SRC := $(filter-out engine/cli/main.c,$(foreach l,$(LAYERS),$(wildcard engine/$(l)/*.c)))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/%.o)
ENGINE_HDR := $(foreach l,$(LAYERS),$(wildcard engine/$(l)/*.h))
# gcisim check's answer keys, compiled into the binary (engine/cli/check.h)
TEACH_KEYS := $(sort $(wildcard scripts/teaching/keys/*.lua))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
BENCH_SRC  := $(wildcard tests/bench/bench_*.c)
BENCH_BIN  := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/%)

# Installation directories (GNU-style names; DESTDIR stages a package).
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share
PKGDATADIR  ?= $(DATADIR)/gcisim
MANDIR      ?= $(DATADIR)/man
DOCDIR      ?= $(DATADIR)/doc/gcisim
# Where Debian's stock lua5.4 looks for C modules (package.cpath):
# /usr/local/lib/lua/5.4/?.so, and /usr/lib/lua/5.4/?.so for PREFIX=/usr.
LUA_CMODDIR ?= $(PREFIX)/lib/lua/5.4
INSTALL     ?= install

# The Lua C module: the engine compiled again as position-independent code
# in its own directory, linked without liblua (the interpreter that loads
# it provides Lua) but with every other library the binary links.
PIC_BUILD  ?= $(BUILD)-pic
LUA_MODULE ?= gci.so
# The commands (run, batch, merge, repl, explain, check) belong to the binary,
# not to the module: the module is the `gci` library alone, and does not
# drag libedit into every Lua program that requires it.
MODULE_SRC := $(filter-out engine/cli/%,$(ENGINE_SRC))
PIC_OBJ    := $(MODULE_SRC:engine/%.c=$(PIC_BUILD)/%.o)
MODULE_LIBS = $(filter-out $(LUA_LIBS),$(LDLIBS))

.PHONY: all run test bench asan ubsan leakcheck fuzz deps test-deps install-pkgs clean lua-module install uninstall
all: $(BIN) $(LUA_MODULE)
lua-module: $(LUA_MODULE)

$(BIN): $(BUILD)/cli/main.o $(BUILD)/teachkeys.o $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libgcisim.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

# One pattern rule per layer, each with that layer's include path.
define layer_rules
$$(BUILD)/$(1)/%.o: engine/$(1)/%.c $$(ENGINE_HDR)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(inc_$(1)) -c -o $$@ $$<
$$(PIC_BUILD)/$(1)/%.o: engine/$(1)/%.c $$(ENGINE_HDR)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) $$(inc_$(1)) -fPIC -fvisibility=hidden -c -o $$@ $$<
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rules,$(l))))
$(foreach d,$(BUILD) $(PIC_BUILD),$(DYNLIB_USERS:%=$(d)/core/%.o)): CFLAGS += $(DYNLIB_DEFS)

$(BUILD)/teachkeys.c: $(TEACH_KEYS) engine/cli/embed_keys.sh | $(BUILD)
	sh engine/cli/embed_keys.sh $(TEACH_KEYS) > $@.tmp && mv $@.tmp $@

$(BUILD)/teachkeys.o: $(BUILD)/teachkeys.c engine/cli/check.h
	$(CC) $(CFLAGS) $(inc_cli) -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c tests/unit/harness.h tests/unit/hieradd.h $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) $(inc_cli) -o $@ $< $(BUILD)/libgcisim.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench_%: tests/bench/bench_%.c $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) $(inc_cli) -o $@ $< $(BUILD)/libgcisim.a $(LDFLAGS) $(LDLIBS)

$(BUILD) $(PIC_BUILD):
	mkdir -p $@

$(LUA_MODULE): $(PIC_OBJ)
	$(CC) $(CFLAGS) -shared -o $@ $^ $(LDFLAGS) $(MODULE_LIBS)


# No path is compiled in: the installed binary finds PREFIX/share/gcisim
# from its own place (engine/io/datadir.h), so `make install PREFIX=...`
# installs the very ./gcisim built here and never rebuilds it.

# tools/install.sh records what it installs in a manifest, which uninstall
# follows, so that uninstall removes exactly that (and the directories
# install created, once empty).
INSTALL_VARS = DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' MANDIR='$(MANDIR)' PKGDATADIR='$(PKGDATADIR)' DOCDIR='$(DOCDIR)' \
	LUA_CMODDIR='$(LUA_CMODDIR)' INSTALL='$(INSTALL)' BIN='$(BIN)' LUA_MODULE='$(LUA_MODULE)'
install: $(BIN) $(LUA_MODULE)
	@$(INSTALL_VARS) sh tools/install.sh install
uninstall:
	@$(INSTALL_VARS) sh tools/install.sh uninstall

# Installs the Debian packages the build and tests need, when they are
# missing: as root it runs apt-get, otherwise it prints the command.
deps:
	@$(MAKE) -s install-pkgs PKGS="$(DEBIAN_PKGS)"
test-deps:
	@$(MAKE) -s install-pkgs PKGS="$(DEBIAN_PKGS) $(TEST_PKGS)"
install-pkgs:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; fi

run: deps
	$(MAKE) $(BIN)
	./$(BIN) run scripts/gci2020.lua

test: test-deps
	@$(MAKE) -s $(BIN) $(UNIT_BIN)
	@GCISIM=./$(BIN) BUILD=$(BUILD) sh tests/run.sh $(UNIT_BIN)

# Each script in scripts/charts/ writes its chart as SVG and PNG into the
# directory it is given, through gci.plot under --allow-write.
CHARTS := slope intervals profile bars
.PHONY: charts
charts: $(BIN)
	@mkdir -p docs/charts
	@for c in $(CHARTS); do \
	  ./$(BIN) run scripts/charts/$$c.lua docs/charts --allow-write docs/charts --quiet > /dev/null || exit 1; \
	  echo "docs/charts/$$c.svg docs/charts/$$c.png"; done

# tests/scale: exponents of every operation's time over 10^3..10^6 units
# (fails above 1.2); tests/bench/ratios.py: the same operations against a
# pandas/numpy peer, as ratios.  Both take CPU time; a few minutes in all.
bench: $(BIN) $(BENCH_BIN)
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@for s in tests/bench/*.sh; do [ -f "$$s" ] && GCISIM=./$(BIN) sh "$$s"; done; true
	@GCISIM=./$(BIN) python3 tests/scale/run.py
	@GCISIM=./$(BIN) python3 tests/bench/ratios.py

# The sanitizer flags travel in OPT: setting CFLAGS on the command line
# would override the Makefile's own additions (-std, the Lua include path).
# tests/run.sh then runs the Python tests with GCISIM=./build-asan/gcisim.
asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	$(MAKE) BUILD=build-asan BIN=build-asan/gcisim CC=clang \
	  OPT="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" test
ubsan: asan

leakcheck: $(BIN) $(UNIT_BIN)
	@GCISIM="valgrind -q --keep-debuginfo=yes --suppressions=$(CURDIR)/tests/valgrind.supp --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect ./gcisim" \
	 VALGRIND=1 BUILD=$(BUILD) sh tests/run.sh $(UNIT_BIN)

FUZZ_SECONDS ?= 60
fuzz:
	@FUZZ_LIBS='$(ANALYSIS_LIBS)' sh tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz build-pic build-asan-pic build-fuzz-pic gcisim gci.so
