# twingraph: build, demo, check, bench, install.
#   make demo            install missing Debian packages, build, run scripts/lua/demo.lua
#   make check           install missing packages, build, run every test
#   make check SANITIZE=1  the same with ASan + UBSan
#   make bench           benchmarks against the peer tools (bench/)
#   make install PREFIX=/usr/local

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PKGS     = igraph libxml-2.0 sqlite3 lua5.4
# Debian 12's GraphBLAS and SuiteSparse ship no .pc files: their flags live here.
SS_CFLAGS = -I/usr/include/suitesparse
SS_LIBS   = -lgraphblas -lcholmod -lklu -lumfpack -lamd -lcolamd -lsuitesparseconfig

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
OPT    ?= -O2 -g
CFLAGS_ALL = -std=c11 $(WARN) $(OPT) -fPIC -MMD -MP -D_DEFAULT_SOURCE \
             $(SS_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LIBS_ALL   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(SS_LIBS) -llapacke -lopenblas -lz -lm \
             $(LDLIBS)
# Programs (twingraph, tests, benchmarks) link igraph statically: Debian's
# shared libigraph routes every internal call through the PLT, which costs
# 10-15 % in betweenness (docs/benchmarks.md).  libigraph.a is not -fPIC, so
# libtwingraph.so keeps the shared one.  Debian 12 ships glpk, arpack and
# plfit without unversioned .so links unless their -dev packages are in.
IGRAPH_STATIC = -Wl,-Bstatic -ligraph -Wl,-Bdynamic -lstdc++ -lgmp -lblas -llapack -lgomp \
                -lpthread -l:libglpk.so.40 -l:libarpack.so.2 -l:libplfit.so.0
EXE_LIBS = $(IGRAPH_STATIC) $(LIBS_ALL)
# src/gnn runs its kernels in parallel with OpenMP: compile and link with it.
CFLAGS_ALL += -fopenmp
LDFLAGS += -fopenmp
ifeq ($(SANITIZE),1)
  BUILD := build-san
  SANFLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
  CFLAGS_ALL += $(SANFLAGS) -g
  LDFLAGS += $(SANFLAGS)
endif

LIB_MODULES = core graph mining sim risk gnn
LIB_SRC  = $(foreach m,$(LIB_MODULES),$(wildcard src/$(m)/*.c))
LUA_SRC  = $(wildcard src/lua/*.c)
CLI_SRC  = $(wildcard src/cli/*.c)
TEST_SRC = $(wildcard tests/*/test_*.c)

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
LUA_OBJ  = $(LUA_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_BIN = $(TEST_SRC:%.c=$(BUILD)/%)
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BIN = $(BENCH_SRC:%.c=$(BUILD)/%)

STATIC = $(BUILD)/libtwingraph.a
SHARED = $(BUILD)/libtwingraph.so
PROG   = $(BUILD)/twingraph

.PHONY: all demo check test bench install clean deps lib
all: deps
	@$(MAKE) --no-print-directory lib $(PROG)

lib: $(STATIC) $(SHARED)

deps:
	@sh scripts/install-deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LIBS_ALL)

$(PROG): $(CLI_OBJ) $(LUA_OBJ) $(STATIC)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LUA_OBJ) $(STATIC) $(EXE_LIBS)
	@ln -sf $(BUILD)/twingraph twingraph

$(BUILD)/tests/%: tests/%.c $(STATIC) tests/test_util.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc $(LDFLAGS) -o $@ $< $(STATIC) $(EXE_LIBS) -lcmocka

$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Isrc $(LDFLAGS) -o $@ $< $(STATIC) $(EXE_LIBS)

demo: deps
	@$(MAKE) --no-print-directory lib $(PROG)
	@mkdir -p out
	$(PROG) scripts/lua/demo.lua

# Every C test binary and every Lua test; one closing line "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory lib $(PROG) $(TEST_BIN)
	@BUILD=$(BUILD) sh scripts/run-tests.sh $(TEST_BIN)
test: check

bench: deps
	@$(MAKE) --no-print-directory lib $(PROG) $(BENCH_BIN)
	@BUILD=$(BUILD) sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/twingraph $(DESTDIR)$(PREFIX)/share/twingraph/lua \
	    $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/twingraph
	install -m 644 $(STATIC) $(SHARED) $(DESTDIR)$(PREFIX)/lib/
	for m in $(LIB_MODULES); do install -d $(DESTDIR)$(PREFIX)/include/twingraph/$$m; \
	    install -m 644 src/$$m/tg_$$m.h $(DESTDIR)$(PREFIX)/include/twingraph/$$m/; done
	cp -r scripts/lua/. $(DESTDIR)$(PREFIX)/share/twingraph/lua/
	install -m 644 docs/twingraph.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell sed -n 's/.*TG_VERSION "\(.*\)"/\1/p' src/core/tg_core.h)|' \
	    twingraph.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/twingraph.pc

clean:
	rm -rf build build-san twingraph

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
