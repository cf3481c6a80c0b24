# gcisim - build, test and check.  See README.md.
#   make            build ./gcisim
#   make run        install missing Debian packages (as root), build, run scripts/gci2020.lua
#   make test       unit tests, script tests and CLI tests; ends with "N passed, N failed"
#   make bench      benchmarks, printing their figures
#   make asan       the whole test suite under AddressSanitizer + UBSan
#   make leakcheck  the whole test suite under valgrind
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (default 60)
#   make charts     the README's example charts, docs/charts/*.{svg,png}

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
CFLAGS   += -std=c17 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror -pthread $(LUA_CFLAGS) $(CAIRO_CFLAGS) $(EDIT_CFLAGS)
LDLIBS   += $(LUA_LIBS) $(CAIRO_LIBS) -lcsv $(EDIT_LIBS) -lm -pthread
# Bind every symbol at start: batch jobs are forked children, which then
# inherit a resolved symbol table instead of each resolving it again.
LDFLAGS  += -Wl,-z,now
BUILD    ?= build
BIN      ?= gcisim
# What building and running needs; .ci/run adds the test tools.
DEBIAN_PKGS = build-essential pkg-config liblua5.4-dev libcsv-dev libcairo2-dev fonts-dejavu-core libedit-dev
TEST_PKGS   = python3 poppler-utils

ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/%.o)
# gcisim check's answer keys, compiled into the binary (engine/check.h)
TEACH_KEYS := $(sort $(wildcard scripts/teaching/keys/*.lua))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/%)
BENCH_SRC  := $(wildcard tests/bench/bench_*.c)
BENCH_BIN  := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/%)

.PHONY: all run test bench asan ubsan leakcheck fuzz deps test-deps install-pkgs clean
all: $(BIN)

$(BIN): $(BUILD)/main.o $(BUILD)/teachkeys.o $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libgcisim.a: $(ENGINE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: engine/%.c engine/*.h | $(BUILD)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/teachkeys.c: $(TEACH_KEYS) engine/embed_keys.sh | $(BUILD)
	sh engine/embed_keys.sh $(TEACH_KEYS) > $@.tmp && mv $@.tmp $@

$(BUILD)/teachkeys.o: $(BUILD)/teachkeys.c engine/check.h
	$(CC) $(CFLAGS) -Iengine -c -o $@ $<

$(BUILD)/test_%: tests/unit/test_%.c tests/unit/harness.h $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) -Iengine -o $@ $< $(BUILD)/libgcisim.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/bench_%: tests/bench/bench_%.c $(BUILD)/libgcisim.a
	$(CC) $(CFLAGS) -Iengine -o $@ $< $(BUILD)/libgcisim.a $(LDFLAGS) $(LDLIBS)

$(BUILD):
	mkdir -p $@

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

bench: $(BIN) $(BENCH_BIN)
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@for s in tests/bench/*.sh; do [ -f "$$s" ] && GCISIM=./$(BIN) sh "$$s"; done; true

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
	@GCISIM="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect ./gcisim" \
	 VALGRIND=1 BUILD=$(BUILD) sh tests/run.sh $(UNIT_BIN)

FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf build build-asan build-fuzz gcisim
