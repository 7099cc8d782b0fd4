# chpsync build.  `make` builds ./chpsync; `make check` builds and runs every test.
# `make ASAN=1 check` builds into build-asan/ with AddressSanitizer + UBSan.
# `make fuzz` builds the fuzz targets into build-fuzz/ with clang, libFuzzer,
# ASan and UBSan and runs each for FUZZ_SECONDS (docs/fuzzing.md).
#
# CFLAGS/LDFLAGS given on the command line are added to the project's own
# flags (include paths, language level, warnings), never replace them.

CC      ?= cc
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes
override CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -Isrc -MMD -MP
override LDLIBS  += -lm

ifeq ($(FUZZ),1)
# Set by `make fuzz` for its sub-make (CC is clang there).
BUILD   ?= build-fuzz
override CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
		    -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
else ifeq ($(ASAN),1)
BUILD   ?= build-asan
override CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
else
BUILD   ?= build
endif
ifeq ($(WERROR),1)
override CFLAGS  += -Werror
endif

# `chpsync shell` edits lines with GNU readline when its headers are there
# (Debian: libreadline-dev; `make check` installs it, tests/deps.sh);
# without them the shell reads plain lines, and the build says so.
HAVE_READLINE := $(shell printf '\043include <readline/readline.h>\n' | \
		   $(CC) -E -x c - >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_READLINE),1)
LINEEDIT_CFLAGS := -DHAVE_READLINE
override LDLIBS += -lreadline
else ifeq ($(MAKELEVEL),0)
$(info chpsync: no readline headers (Debian: apt-get install libreadline-dev): 'chpsync shell' will read plain lines, without line editing, history or completion)
endif

# Layers, lowest first.  A layer may use only the layers before it.
LAYERS  := arch sim dev machine os user vmm cli

define layer_objs
$(patsubst src/%.c,$(BUILD)/%.o,$(wildcard src/$(1)/*.c)) \
$(patsubst src/%.S,$(BUILD)/%.o,$(wildcard src/$(1)/*.S))
endef

ARCH_O    := $(call layer_objs,arch)
SIM_O     := $(call layer_objs,sim)
DEV_O     := $(call layer_objs,dev)
MACHINE_O := $(call layer_objs,machine)
OS_O      := $(call layer_objs,os)
USER_O    := $(call layer_objs,user)
VMM_O     := $(call layer_objs,vmm)
CLI_O     := $(filter-out $(BUILD)/cli/main.o,$(call layer_objs,cli))

LIB_ARCH    := $(BUILD)/libarch.a
LIB_SIM     := $(BUILD)/libsim.a
LIB_DEV     := $(BUILD)/libdev.a
LIB_MACHINE := $(BUILD)/libmachine.a
LIB_OS      := $(BUILD)/libos.a
LIB_USER    := $(BUILD)/libuser.a
LIB_VMM     := $(BUILD)/libvmm.a
LIB_CLI     := $(BUILD)/libcli.a

# Link order: highest layer first.
LIBS_SIM     := $(LIB_SIM) $(LIB_ARCH)
LIBS_DEV     := $(LIB_DEV) $(LIBS_SIM)
LIBS_MACHINE := $(LIB_MACHINE) $(LIBS_DEV)
LIBS_OS      := $(LIB_OS) $(LIBS_MACHINE)
LIBS_USER    := $(LIB_USER) $(LIBS_OS)
LIBS_VMM     := $(LIB_VMM) $(LIBS_USER)
LIBS_CLI     := $(LIB_CLI) $(LIBS_VMM)

all: chpsync $(BUILD)/libchpsync.a $(BRIDGE_SO)

chpsync: $(BUILD)/chpsync
	ln -sf $(BUILD)/chpsync chpsync

# The bridge QEMU loads (LD_PRELOAD, docs/real-qemu.md): position
# independent, every symbol hidden but the libc entry points it takes, and
# never built with the sanitizers (their runtime cannot be preloaded).
BRIDGE_SO     := $(BUILD)/libchpsync-bridge.so
BRIDGE_SRC    := $(wildcard src/bridge/*.c)
BRIDGE_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Isrc -fPIC -fvisibility=hidden \
		 $(if $(filter 1,$(WERROR)),-Werror)
$(BRIDGE_SO): $(BRIDGE_SRC) $(wildcard src/bridge/*.h) src/cli/serve_proto.h
	@mkdir -p $(dir $@)
	$(CC) $(BRIDGE_CFLAGS) -shared -o $@ $(BRIDGE_SRC) -ldl -lpthread

# The whole simulator as one library (every layer; the program is its main).
$(BUILD)/libchpsync.a: $(ARCH_O) $(SIM_O) $(DEV_O) $(MACHINE_O) $(OS_O) $(USER_O) $(VMM_O) $(CLI_O) \
		$(foreach l,$(LAYERS),$(BUILD)/lib$(l).members)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

$(BUILD)/chpsync: $(BUILD)/cli/main.o $(LIBS_CLI)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.S
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# An archive is also rebuilt when its list of members changes (a source
# moved to another layer or removed), not only when a member is newer:
# $(BUILD)/NAME.members holds the list and changes only with it.
define members
$(shell mkdir -p $(dir $(BUILD)/$(1)) && echo '$(2)' >$(BUILD)/$(1).members.new && \
	{ cmp -s $(BUILD)/$(1).members.new $(BUILD)/$(1).members || \
	  mv $(BUILD)/$(1).members.new $(BUILD)/$(1).members; }; \
	rm -f $(BUILD)/$(1).members.new)
endef
$(call members,libarch,$(ARCH_O))
$(call members,libsim,$(SIM_O))
$(call members,libdev,$(DEV_O))
$(call members,libmachine,$(MACHINE_O))
$(call members,libos,$(OS_O))
$(call members,libuser,$(USER_O))
$(call members,libvmm,$(VMM_O))
$(call members,libcli,$(CLI_O))
# lineedit.o is rebuilt when readline comes or goes.
$(call members,lineedit-cfg,$(HAVE_READLINE))
$(BUILD)/cli/lineedit.o: override CFLAGS += $(LINEEDIT_CFLAGS)
$(BUILD)/cli/lineedit.o: $(BUILD)/lineedit-cfg.members

$(LIB_ARCH): $(ARCH_O) $(BUILD)/libarch.members
$(LIB_SIM): $(SIM_O) $(BUILD)/libsim.members
$(LIB_DEV): $(DEV_O) $(BUILD)/libdev.members
$(LIB_MACHINE): $(MACHINE_O) $(BUILD)/libmachine.members
$(LIB_OS): $(OS_O) $(BUILD)/libos.members
$(LIB_USER): $(USER_O) $(BUILD)/libuser.members
$(LIB_VMM): $(VMM_O) $(BUILD)/libvmm.members
$(LIB_CLI): $(CLI_O) $(BUILD)/libcli.members
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^) $(if $(filter %.o,$^),,$(BUILD)/empty.o)

$(BUILD)/empty.o:
	@mkdir -p $(dir $@)
	echo 'typedef int chpsync_empty_unit;' | $(CC) -x c -c -o $@ -

$(foreach l,$(LAYERS),$(eval $(BUILD)/lib$(l).a: | $(BUILD)/empty.o))

# ---- tests: one binary per layer, from tests/<layer>/*.c + the harness ----
HARNESS_O := $(BUILD)/tests/harness.o
$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -c -o $@ $<

define test_bin
$(call members,tests/test_$(1),$(wildcard tests/$(1)/*.c))
$(BUILD)/tests/test_$(1): $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/$(1)/*.c)) $(HARNESS_O) $(2) \
		$(BUILD)/tests/test_$(1).members
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter-out %.members,$$^) $$(LDLIBS)
endef
$(eval $(call test_bin,arch,$(LIBS_SIM)))
$(eval $(call test_bin,sim,$(LIBS_SIM)))
$(eval $(call test_bin,dev,$(LIBS_DEV)))
# The machine's tests drive the 3390 with the dev tests' helpers.
$(eval $(call test_bin,machine,$(BUILD)/tests/dev/dasd_util.o $(LIBS_MACHINE)))
$(eval $(call test_bin,os,$(LIBS_OS)))
$(eval $(call test_bin,user,$(LIBS_USER)))
$(eval $(call test_bin,vmm,$(LIBS_VMM)))
$(eval $(call test_bin,cli,$(LIBS_CLI)))

$(eval $(call test_bin,bridge,$(BUILD)/bridge/conv.o))

TEST_LAYERS := $(foreach l,$(LAYERS) bridge,$(if $(wildcard tests/$(l)/*.c),$(l)))
TEST_BINS   := $(foreach l,$(TEST_LAYERS),$(BUILD)/tests/test_$(l))

# ---- fuzz targets: tests/fuzz/fuzz_<target>.c (docs/fuzzing.md) ----
# Each one links with tests/fuzz/replay.c into a plain program that replays
# the target's corpus (part of `make check`, any compiler), and in the FUZZ=1
# build with libFuzzer into build-fuzz/fuzz/fuzz_<target>.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_COMMON  := $(BUILD)/tests/fuzz/common.o
# Test fixtures a target shares with the unit tests.
FUZZ_EXTRA_vfio := $(BUILD)/tests/os/vfio_fixture.o
FUZZ_REPLAY  := $(foreach t,$(FUZZ_TARGETS),$(BUILD)/tests/fuzz/replay_$(t))
FUZZ_BINS    := $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz/fuzz_$(t))

define fuzz_bin
$(BUILD)/tests/fuzz/replay_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o $(BUILD)/tests/fuzz/replay.o \
		$(FUZZ_COMMON) $(FUZZ_EXTRA_$(1)) $(LIBS_CLI)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
$(BUILD)/fuzz/fuzz_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o $(FUZZ_COMMON) $(FUZZ_EXTRA_$(1)) \
		$(LIBS_CLI)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -fsanitize=fuzzer -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_bin,$(t))))

tests: $(TEST_BINS) $(BUILD)/chpsync $(BRIDGE_SO) $(FUZZ_REPLAY)

# Seed tools: ckd_pack packs small CKD images into the ckd target's input
# format, seedgen writes the vfio and serve targets' seeds.
$(BUILD)/tests/fuzz/ckd_pack $(BUILD)/tests/fuzz/seedgen: $(BUILD)/tests/fuzz/%: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS)

# Regenerate the derived seeds in tests/fuzz/corpus/ (review the diff).
fuzz-seeds: $(BUILD)/chpsync $(BUILD)/tests/fuzz/ckd_pack $(BUILD)/tests/fuzz/seedgen
	sh tests/fuzz/mkseeds.sh $(BUILD)

# Run one layer's tests: make check-arch, check-machine, ...
check-%: $(BUILD)/tests/test_%
	$(BUILD)/tests/test_$*

# tests/deps.sh installs what the tests need when it is missing (readline
# for the shell, tmux to type into it), or says what is skipped and why;
# the build after it sees what it installed.
check:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(BUILD) $(TEST_LAYERS)

# Every golden over seeds 1..SWEEP_SEEDS (`make check` takes 8; SWEEP_JOBS
# checks at once): a scenario that ships holds for any seed.
SWEEP_SEEDS ?= 300
sweep: $(BUILD)/chpsync
	@sh tests/seed_sweep.sh $(BUILD)/chpsync $(SWEEP_SEEDS) \
		$$(ls tests/scenarios/*.scenario examples/*.scenario 2>/dev/null)

# ---- benchmarks (never part of check): they print figures ----
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
$(BUILD)/bench/%: bench/%.c $(LIBS_CLI)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $(filter-out %.h,$^) $(LDLIBS)
bench: $(BENCH_BIN) $(BUILD)/chpsync $(BRIDGE_SO)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done
	@echo "== bench/real_qemu_iops.sh"; sh bench/real_qemu_iops.sh $(BUILD)

# The timeline pictures in docs/ and the README, drawn by chpsync from the
# scenarios (tests/timeline.sh fails when they are stale).
timeline-docs: $(BUILD)/chpsync
	$(BUILD)/chpsync run --timeline docs/timeline-lazy.svg >/dev/null
	$(BUILD)/chpsync run tests/scenarios/eager-config.scenario --timeline docs/timeline-eager.svg >/dev/null

# The real s390x guest (kernel + initramfs from Debian's s390x packages) for
# the real-QEMU tests; cached outside the build directory (docs/real-qemu.md).
guest-image:
	@sh guest/mkimage.sh

# ---- fuzzing (never part of check; CI runs it briefly, .ci/run) ----
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_OPTS    ?=

fuzz-bins: $(FUZZ_BINS)

# The instrumented build, in its own directory (build-fuzz/).
fuzz-build:
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) fuzz-bins

# Line coverage of each target's corpus (seeds + build-fuzz/corpus), with
# clang's source-based coverage in build-cov/.
fuzz-replay: $(FUZZ_REPLAY)
fuzz-cov:
	$(MAKE) BUILD=build-cov CC=$(FUZZ_CC) OPT="-O1 -g" \
		CFLAGS="-fprofile-instr-generate -fcoverage-mapping" \
		LDFLAGS="-fprofile-instr-generate" fuzz-replay
	sh tests/fuzz/cov.sh build-cov build-fuzz $(or $(FUZZ_TARGET),$(FUZZ_TARGETS))

# Fuzz each target for FUZZ_SECONDS (FUZZ_TARGET=name: that one only).
fuzz: fuzz-build
	sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) "$(FUZZ_OPTS)" \
		$(or $(FUZZ_TARGET),$(FUZZ_TARGETS))

format:
	clang-format -i $$(git ls-files 'src/*.[ch]' 'tests/*.[ch]' 'bench/*.[ch]')

clean:
	rm -rf build build-asan build-fuzz build-cov chpsync

.PHONY: all chpsync check sweep tests bench fuzz fuzz-build fuzz-bins fuzz-seeds fuzz-cov \
	fuzz-replay format clean guest-image timeline-docs
.DELETE_ON_ERROR:
-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
