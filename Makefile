# SPDX-License-Identifier: MIT
# tpsim: one non-recursive Makefile; everything it builds goes to build/.
#   make              build libtpsim, tpconform and the tests
#   make check        unit tests + conformance suite; last line "N passed, N failed"
#   make check SAN=1  the same under ASan+UBSan (objects in build/san/)
#   make check TSAN=1 the same under ThreadSanitizer (build/tsan/)
#   make conformance  the conformance suite on every backend, reports/ written
#   make coverage     instrumented build (build/cov), every test, code and
#                     contract coverage in reports/; fails below 95% lines
#                     or 85% branches of sim/, or with a rule uncovered
#   make bench        cost per packet (ns, instructions) and two-thread
#                     throughput of sim, a bare ring and the kernel ring,
#                     with their spread (reports/bench.{json,md,svg});
#                     2-3 minutes; BENCH_ARGS=--quick for a smoke run
#   make static       build/tpconform-static: no runtime dependencies, to
#                     run inside another kernel's VM or a sandbox
#   make kernel-matrix  the suite on Debian's 6.1 and 6.12 kernels under QEMU
#                     and on the running kernel (reports/kernel-matrix.*)
#   make kernel-coverage  af_packet.c lines and branches the suite executes,
#                     in total and per contract rule, on a gcov kernel built
#                     from Debian's linux-source-6.1 (reports/kernel-coverage/;
#                     KCOV_SOURCE=linux-source-6.12, KCOV_RULES=0 for the
#                     whole suite only); make kernel-matrix KERNEL_IMAGE=bzImage
#                     [KERNEL_CONFIG=.config] runs the suite on your own kernel
#   make gvisor       the suite inside Debian's gVisor (runsc), with its
#                     expect file (reports/gvisor.*; part of kernel-matrix)
#   make stress       hostile consumers, 2 x 10^6 packets per ring kind
#   make valgrind     the unit tests and the fuzz corpora under memcheck
#   make fuzz         libFuzzer on socket operations, pcap input,
#                     check --batch, the socket filter's checker and
#                     machine, and sockets on devices in fanout groups
#                     (FUZZ_SECONDS each) [60]; FUZZ_RUNS=N
#                     stops at N executions, FUZZ_TARGETS picks targets
#   make mutation     mutation testing of sim/: MUTANTS [300] mutants of
#                     MUTATION_FILES [sim/*.c sim/*.h] drawn with SEED [1], each
#                     run under tpconform -b sim (reports/mutation.*)
#   make install      libtpsim (shared, static), headers, tpsim.pc, tpsim,
#                     tpconform, man pages under PREFIX [/usr/local]
#                     (DESTDIR, LIBDIR honoured); make uninstall
#   make check-abi    exported symbols and public layouts against the
#                     release (abi/); part of make check
#   make deb          Debian packages in build/deb/ (mk/install.mk)
#   make fixtures     rewrite fixtures/*.pcap (deterministic)
#   make help         this list

.DEFAULT_GOAL := all

CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fPIC \
		   -fvisibility=hidden -MMD -MP -Isim/include -Isim
LDLIBS  += -lpthread

ifeq ($(TSAN),1)
# a race report fails the run, it does not just scroll by
export TSAN_OPTIONS ?= halt_on_error=1 second_deadlock_stack=1
BUILD   ?= build/tsan
override CFLAGS += -O1 -fsanitize=thread -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=thread
else ifeq ($(SAN),1)
BUILD   ?= build/san
override CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=address,undefined
else
BUILD   ?= build
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

DEPS_STAMP := build/.deps-ok

# libtpsim sources (keep sorted)
SIM_SRCS := \
	sim/bpf_anc.c \
	sim/bpf_check.c \
	sim/bpf_run.c \
	sim/clock.c \
	sim/defrag.c \
	sim/dev.c \
	sim/dev_rx.c \
	sim/fanout.c \
	sim/fanout_bpf.c \
	sim/mclist.c \
	sim/profile.c \
	sim/recvq.c \
	sim/ring.c \
	sim/rx.c \
	sim/rx_plan.c \
	sim/rx_room.c \
	sim/rx_v3.c \
	sim/sock.c \
	sim/sockfilter.c \
	sim/sockopt.c \
	sim/tx.c \
	sim/wake.c
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o)
LIBTPSIM := $(BUILD)/libtpsim.a

# unit-test suites, one file per module (keep sorted)
UNIT_SRCS := \
	sim/tests/main.c \
	sim/tests/t_batch.c \
	sim/tests/t_helpers.c \
	sim/tests/test_bpf_run.c \
	sim/tests/test_batch.c \
	sim/tests/test_batch_clock.c \
	sim/tests/test_defrag.c \
	sim/tests/test_dev.c \
	sim/tests/test_edges.c \
	sim/tests/test_fanout.c \
	sim/tests/test_fanout_bpf.c \
	sim/tests/test_fanout_rollover.c \
	sim/tests/test_filter.c \
	sim/tests/test_mmap.c \
	sim/tests/test_peers.c \
	sim/tests/test_plain.c \
	sim/tests/test_poll.c \
	sim/tests/test_profile.c \
	sim/tests/test_qdisc.c \
	sim/tests/test_ring.c \
	sim/tests/test_rx.c \
	sim/tests/test_rxroom.c \
	sim/tests/test_sockbuf.c \
	sim/tests/test_sockopt.c \
	sim/tests/test_threads.c \
	sim/tests/test_tx.c \
	sim/tests/test_tx_data.c \
	sim/tests/test_v3.c
UNIT_OBJS := $(UNIT_SRCS:%.c=$(BUILD)/%.o)
UNIT_BIN  := $(BUILD)/tests/unit

# tpconform sources (keep sorted)
TPC_SRCS := \
	conformance/backend_kernel.c \
	conformance/backend_kernel_qdisc.c \
	conformance/backend_kernel_setup.c \
	conformance/backend_sim.c \
	conformance/cases/blocks.c \
	conformance/cases/bounds.c \
	conformance/cases/bounds_frames.c \
	conformance/cases/dev.c \
	conformance/cases/dev_bpf.c \
	conformance/cases/dev_defrag.c \
	conformance/cases/dev_edges.c \
	conformance/cases/dev_fanout.c \
	conformance/cases/dev_helpers.c \
	conformance/cases/dev_l3.c \
	conformance/cases/fanout_edges.c \
	conformance/cases/fanout_groups.c \
	conformance/cases/fanout_room.c \
	conformance/cases/dev_receive_edges.c \
	conformance/cases/tag_edges.c \
	conformance/cases/defrag_limits.c \
	conformance/cases/filter.c \
	conformance/cases/filter_ring.c \
	conformance/cases/filter_anc.c \
	conformance/cases/filter_check.c \
	conformance/cases/filter_edges.c \
	conformance/cases/flags.c \
	conformance/cases/layout.c \
	conformance/cases/mmap.c \
	conformance/cases/mmap_flags.c \
	conformance/cases/options.c \
	conformance/cases/opt_edges.c \
	conformance/cases/peers.c \
	conformance/cases/peers_opt.c \
	conformance/cases/profile_edges.c \
	conformance/cases/rcvbuf.c \
	conformance/cases/recv_edges.c \
	conformance/cases/poll.c \
	conformance/cases/ring.c \
	conformance/cases/rx_edges.c \
	conformance/cases/stats.c \
	conformance/cases/tx.c \
	conformance/cases/tx_data.c \
	conformance/cases/tx_hold.c \
	conformance/cases/v3_timer_edges.c \
	conformance/cases/vnet.c \
	conformance/diff_dev.c \
	conformance/diff_filter.c \
	conformance/diff_pcap.c \
	conformance/diff_seq.c \
	conformance/diff_seq_run.c \
	conformance/differential.c \
	conformance/expect.c \
	conformance/helpers.c \
	conformance/plugin.c \
	conformance/report.c \
	conformance/runner.c \
	conformance/tpconform.c
TPC_OBJS := $(TPC_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/pcap_progs.o

# Filter programs libpcap compiles from tcpdump expressions, for the
# filter cases (tools/mkpcapprogs.c); tpconform itself needs no libpcap.
PCAP_EXPRS := 'udp' 'tcp port 80' 'vlan 100 and arp' 'ether broadcast' \
	'len > 200' 'ip6 and not icmp6'
$(BUILD)/mkpcapprogs: tools/mkpcapprogs.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lpcap
$(BUILD)/gen/pcap_progs.c: $(BUILD)/mkpcapprogs Makefile
	@mkdir -p $(@D)
	$(Q)$(BUILD)/mkpcapprogs $(PCAP_EXPRS) > $@
$(BUILD)/gen/pcap_progs.o: $(BUILD)/gen/pcap_progs.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -Iconformance/cases -c -o $@ $<

# the tpsim command (keep sorted)
CLI_SRCS := \
	tools/tpsim/calc.c \
	tools/tpsim/check.c \
	tools/tpsim/common.c \
	tools/tpsim/kernel.c \
	tools/tpsim/main.c \
	tools/tpsim/picture.c \
	tools/tpsim/replay.c
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)

# the run layer (run/, prefix tpr_; rules below): keep sorted
TPR_SRCS := \
	run/checker.c \
	run/config.c \
	run/oracle.c \
	run/producer.c \
	run/report.c \
	run/run.c \
	run/scenario.c \
	run/scenario_copy.c \
	run/scenario_csum.c \
	run/scenario_empty.c \
	run/scenario_frozen.c \
	run/scenario_hwts.c \
	run/scenario_link.c \
	run/scenario_losing.c \
	run/scenario_retire.c \
	run/scenario_sizes.c \
	run/scenario_vlan.c \
	run/source.c
TPR_OBJS := $(TPR_SRCS:%.c=$(BUILD)/%.o)
LIBTPR := $(BUILD)/libtpr.a
# what a program linking libtpr.a needs besides libtpsim
TPR_LIBS := -lpcap $(shell pkg-config --libs json-c 2>/dev/null)
TPSIM_CLI := $(BUILD)/tpsim

# reference backends for tpconform: the simulator with one mistake each
# (fixtures/backends/wrap.c, -DMISTAKE=n), and without (none)
BACKEND_PAIRS := 0:none 1:no_losing 2:net_off_by_reserve 3:poll_head \
	4:stats_no_reset 5:version_after_ring 6:frames_straddle \
	7:status_before_bytes 8:v3_retire_empty 9:v12_rx_only 10:crash
BACKEND_SOS := $(foreach p,$(BACKEND_PAIRS),\
	$(BUILD)/backends/$(word 2,$(subst :, ,$(p))).so)
define backend_rule
$(BUILD)/backends/$(1).so: fixtures/backends/wrap.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  SO      $$@")
	$$(Q)$$(CC) $$(CFLAGS) -Iconformance/include -shared -DMISTAKE=$(2) \
		-o $$@ $$<
endef
$(foreach p,$(BACKEND_PAIRS),$(eval $(call backend_rule,$\
	$(word 2,$(subst :, ,$(p))),$(word 1,$(subst :, ,$(p))))))

# the README's plug-in example, built as a plug-in
PLUGIN_EXAMPLE := $(BUILD)/examples/plugin.so
$(BUILD)/examples/plugin.c: README.md scripts/extract-example
	@mkdir -p $(@D)
	$(Q)scripts/extract-example README.md plugin > $@
	$(Q)test -s $@ || { echo "README has no example 'plugin'"; exit 1; }
$(PLUGIN_EXAMPLE): $(BUILD)/examples/plugin.c
	@$(if $(Q),echo "  SO      $@")
	$(Q)$(CC) $(CFLAGS) -Iconformance/include -shared -o $@ $<

# libFuzzer (clang): five targets, built with ASan+UBSan, each run for
# FUZZ_SECONDS (or FUZZ_RUNS executions) on its corpus (fixtures/fuzz/<name>
# seeds, build/fuzz/corpus-<name> grows); a crash fails and is kept in
# fixtures/fuzz/<name>/ (scripts/fuzz), where make check replays it.
FUZZ_DIR := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?= 0
FUZZ_TARGETS ?= ops pcap batch bpf dev
FUZZ_CFLAGS := -O1 -g -std=c11 -D_GNU_SOURCE -Isim/include -Isim \
	-Itools/tpsim -Irun -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined
CLI_LIB_SRCS := $(filter-out tools/tpsim/main.c,$(CLI_SRCS))
$(FUZZ_DIR)/fuzz_ops $(FUZZ_DIR)/fuzz_dev: $(FUZZ_DIR)/fuzz_%: \
		tools/fuzz/fuzz_%.c tools/fuzz/fuzz_input.h $(SIM_SRCS)
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lpthread
$(FUZZ_DIR)/fuzz_bpf: tools/fuzz/fuzz_bpf.c sim/bpf_anc.c sim/bpf_check.c \
		sim/bpf_run.c
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -o $@ $^
$(FUZZ_DIR)/fuzz_pcap: tools/fuzz/fuzz_cli.c $(CLI_LIB_SRCS) $(SIM_SRCS) \
		run/source.c
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -DTARGET_PCAP -o $@ $^ -lpcap -lpthread
$(FUZZ_DIR)/fuzz_batch: tools/fuzz/fuzz_cli.c $(CLI_LIB_SRCS) $(SIM_SRCS) \
		run/source.c
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -DTARGET_BATCH -o $@ $^ -lpcap -lpthread
fuzz: $(DEPS_STAMP)
	$(Q)scripts/install-deps clang
	$(Q)$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
	$(Q)scripts/fuzz $(FUZZ_DIR) fixtures/fuzz $(FUZZ_SECONDS) $(FUZZ_RUNS) \
		$(FUZZ_TARGETS)

# hostile consumers against the producer (make stress; short in check)
STRESS := $(BUILD)/tpsim-stress
$(STRESS): $(BUILD)/tools/stress/hostile.o $(LIBTPSIM)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
STRESS_PACKETS ?= 2000000
stress: $(STRESS)
	$(Q)$(STRESS) --packets $(STRESS_PACKETS)

# The fuzz corpora replayed without libFuzzer (make check): every seed
# and every crash kept in fixtures/fuzz/<target> stays a regression test.
FUZZ_REPLAYS := $(BUILD)/fuzz-replay/ops $(BUILD)/fuzz-replay/pcap \
	$(BUILD)/fuzz-replay/batch $(BUILD)/fuzz-replay/bpf \
	$(BUILD)/fuzz-replay/dev
CLI_LIB_OBJS := $(filter-out $(BUILD)/tools/tpsim/main.o,$(CLI_OBJS))
$(BUILD)/tools/fuzz/cli_%.o: tools/fuzz/fuzz_cli.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -Itools/tpsim \
		-DTARGET_$(shell echo $* | tr a-z A-Z) -c -o $@ $<
# the two builds of fuzz_cli.c are not intermediate: keep them
.SECONDARY: $(BUILD)/tools/fuzz/cli_pcap.o $(BUILD)/tools/fuzz/cli_batch.o
# targets on libtpsim alone; the CLI ones (pcap, batch) below
$(BUILD)/fuzz-replay/ops $(BUILD)/fuzz-replay/bpf $(BUILD)/fuzz-replay/dev: \
		$(BUILD)/fuzz-replay/%: $(BUILD)/tools/fuzz/replay.o \
		$(BUILD)/tools/fuzz/fuzz_%.o $(LIBTPSIM)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/fuzz-replay/%: $(BUILD)/tools/fuzz/replay.o \
		$(BUILD)/tools/fuzz/cli_%.o $(CLI_LIB_OBJS) $(LIBTPR) $(LIBTPSIM)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(TPR_LIBS) $(LDLIBS)

# memcheck on the unit tests, each in the test process (CK_FORK=no) so
# that valgrind sees them; the two-thread tests are slow under it. Then
# every fuzz corpus replayed under it: memcheck sees reads of
# uninitialised bytes, which the fuzzers' AddressSanitizer does not.
# (Without --track-origins: its shadow of a ring of many GiB, which check
# inputs ask for, takes minutes an input.)
VALGRIND := valgrind --quiet --error-exitcode=9 --leak-check=full \
	--errors-for-leak-kinds=definite
valgrind: $(UNIT_BIN) $(TPR_TEST_BIN) $(FUZZ_REPLAYS)
	$(Q)scripts/install-deps valgrind
	$(Q)mkdir -p $(BUILD)/valgrind
	$(Q)CK_FORK=no $(VALGRIND) --child-silent-after-fork=yes \
		$(UNIT_BIN) $(BUILD)/valgrind
	$(Q)CK_FORK=no $(VALGRIND) --child-silent-after-fork=yes \
		$(TPR_TEST_BIN) $(BUILD)/valgrind
	$(Q)for t in $(FUZZ_REPLAYS:$(BUILD)/fuzz-replay/%=%); do \
		$(VALGRIND) --log-file=$(BUILD)/valgrind/fuzz-$$t.log \
			$(BUILD)/fuzz-replay/$$t fixtures/fuzz/$$t \
			2> $(BUILD)/valgrind/fuzz-$$t.out || { \
			echo "valgrind: corpus $$t: see" \
				"$(BUILD)/valgrind/fuzz-$$t.log"; exit 1; }; \
		echo "valgrind: corpus $$t: $$(tail -1 \
			$(BUILD)/valgrind/fuzz-$$t.out), no error"; \
	done

# the benchmark (make bench)
BENCH_SRCS := \
	tools/bench/bench.c \
	tools/bench/paths.c \
	tools/bench/single.c
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)
BENCH := $(BUILD)/tpsim-bench

# the README's examples, by the name after "<!-- example: "
README_EXAMPLES := consumer v3 tx fanout filter
EXAMPLE_BINS := $(README_EXAMPLES:%=$(BUILD)/examples/%)
TPCONFORM := $(BUILD)/tpconform

CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

.PHONY: all bench check conformance coverage deps clean help example fixtures \
	static kernel-matrix kernel-coverage gvisor stress valgrind fuzz \
	install mutation
all: $(DEPS_STAMP) $(LIBTPSIM) $(UNIT_BIN) $(TPCONFORM) $(TPSIM_CLI) \
	$(EXAMPLE_BINS) $(BACKEND_SOS) $(PLUGIN_EXAMPLE) $(STRESS) \
	$(FUZZ_REPLAYS) $(BENCH)

help:
	@sed -n 's/^#   //p' Makefile

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps
	$(Q)scripts/install-deps
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBTPSIM): $(SIM_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/conformance/%.o: override CFLAGS += -Iconformance/include -Iconformance
$(BUILD)/tools/bench/%.o: override CFLAGS += -Iconformance/include

# -rdynamic: plug-ins find tpc_builtin_backend() in the executable
$(TPCONFORM): override LDFLAGS += -rdynamic
$(TPCONFORM): $(TPC_OBJS) $(LIBTPSIM)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TPC_OBJS) $(LIBTPSIM) \
		$(if $(filter -static,$(LDFLAGS)),,-lpcap) $(LDLIBS)

$(TPSIM_CLI): $(CLI_OBJS) $(LIBTPR) $(LIBTPSIM)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(CLI_RUN_OBJS) $(LIBTPR) \
		$(LIBTPSIM) $(TPR_LIBS) $(LDLIBS)

# The benchmark: optimised as a user would build it; never fails on a
# number. gnuplot draws reports/bench.svg.
$(BENCH): $(BENCH_OBJS) $(BUILD)/conformance/backend_kernel.o \
		$(BUILD)/conformance/backend_kernel_setup.o \
		$(BUILD)/conformance/backend_kernel_qdisc.o $(LIBTPSIM)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
bench: $(DEPS_STAMP) $(BENCH) $(TPCONFORM)
	$(Q)scripts/install-deps gnuplot-nox valgrind
	$(Q)mkdir -p reports
	$(Q)$(BENCH) --out reports --tpconform $(TPCONFORM) $(BENCH_ARGS)
	$(Q)gnuplot scripts/bench.gp
	@echo "bench: reports/bench.json, reports/bench.md, reports/bench.svg"

# A tpconform with no runtime dependencies, to copy into another kernel's
# VM, a container or a sandbox (plug-in loading left out: no dlopen).
STATIC_BUILD := build/static
static: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory BUILD=$(STATIC_BUILD) \
		CFLAGS="-O2 -g -DTPC_STATIC" LDFLAGS="-static" \
		$(STATIC_BUILD)/tpconform
	$(Q)cp $(STATIC_BUILD)/tpconform build/tpconform-static
	@echo "build/tpconform-static: $$(file -b build/tpconform-static | cut -d, -f1-4)"

# The suite on several kernels under QEMU (see scripts/kernel-matrix).
kernel-matrix: $(DEPS_STAMP) $(TPCONFORM) static
	$(Q)scripts/install-deps qemu-system-x86 busybox-static cpio xz-utils \
		zstd runsc
	$(Q)scripts/kernel-matrix

# af_packet.c coverage on a gcov kernel (see scripts/kernel-coverage).
KCOV_SOURCE ?= linux-source-6.1
kernel-coverage: $(DEPS_STAMP) static
	$(Q)scripts/install-deps qemu-system-x86 busybox-static cpio \
		$(KCOV_SOURCE) bc bison flex libelf-dev libssl-dev lcov gcovr
	$(Q)KCOV_SOURCE=$(KCOV_SOURCE) scripts/kernel-coverage
# The suite inside gVisor (see scripts/gvisor); kernel-matrix runs it too.
gvisor: $(DEPS_STAMP) static
	$(Q)scripts/install-deps runsc
	$(Q)scripts/gvisor

# Coverage: a separate object tree, so it never mixes with the others.
COV_BUILD := build/cov
coverage: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory BUILD=$(COV_BUILD) \
		CFLAGS="-O0 -g --coverage" LDFLAGS="--coverage" \
		$(COV_BUILD)/tests/unit $(COV_BUILD)/tpconform $(COV_BUILD)/tpsim
	$(Q)scripts/coverage $(COV_BUILD)

# Mutation testing (tools/mutation): each mutant of the simulator rebuilt
# alone in build/mutation and run under the conformance suite (sim
# backend); make check replays a sample of the ones this run killed.
MUTANTS ?= 300
SEED ?= 1
MUTATION_FILES ?=
mutation: $(DEPS_STAMP)
	$(Q)mkdir -p reports
	$(Q)nice -n 10 python3 tools/mutation/mutate.py run \
		--mutants $(MUTANTS) --seed $(SEED) --files '$(MUTATION_FILES)'

# The run layer (run/, prefix tpr_): the producer side of `tpsim run`,
# a static archive of -fPIC objects that the preload library links.
$(LIBTPR): $(TPR_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^
$(BUILD)/run/%.o $(BUILD)/run/tests/%.o: override CFLAGS += -Irun \
	$(shell pkg-config --cflags json-c 2>/dev/null)
$(BUILD)/tools/tpsim/%.o $(BUILD)/tools/fuzz/%.o: override CFLAGS += -Irun

# its unit tests (Check), in-process, without the interposer
TPR_TEST_SRCS := \
	run/tests/main.c \
	run/tests/t_world.c \
	run/tests/test_checker.c \
	run/tests/test_config.c \
	run/tests/test_scenarios.c \
	run/tests/test_world.c
TPR_TEST_OBJS := $(TPR_TEST_SRCS:%.c=$(BUILD)/%.o)
TPR_TEST_BIN := $(BUILD)/tests/run-unit
$(TPR_TEST_BIN): $(TPR_TEST_OBJS) $(LIBTPR) $(LIBTPSIM)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(TPR_TEST_OBJS) $(LIBTPR) $(LIBTPSIM) \
		$(shell pkg-config --libs check) $(TPR_LIBS) $(LDLIBS)
all: $(LIBTPR) $(TPR_TEST_BIN)

# shared library, install/uninstall, check-abi, deb (issue 23)
include mk/install.mk
# tpsim run: the interposer and the command (issue 18)
include mk/run.mk

# the capture files under fixtures/ (committed; `make fixtures` rewrites
# them, byte for byte the same)
$(BUILD)/mkfixtures: $(BUILD)/tools/mkfixtures.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $< -lpcap
fixtures: $(BUILD)/mkfixtures
	$(Q)$(BUILD)/mkfixtures fixtures

$(UNIT_BIN): $(UNIT_OBJS) $(LIBTPSIM)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(UNIT_OBJS) $(LIBTPSIM) \
		$(shell pkg-config --libs check) $(LDLIBS)

# The README's examples, extracted and built as written; run-checks runs
# each and compares its output with what the README says it prints.
# static patterns: the .d files gcc writes next to them are not examples
$(EXAMPLE_BINS:%=%.c): $(BUILD)/examples/%.c: README.md scripts/extract-example
	@mkdir -p $(@D)
	$(Q)scripts/extract-example README.md $* > $@
	$(Q)test -s $@ || { echo "README has no example '$*'"; exit 1; }
$(EXAMPLE_BINS): $(BUILD)/examples/%: $(BUILD)/examples/%.c $(LIBTPSIM)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $< $(LIBTPSIM) $(LDFLAGS) $(LDLIBS)

example: $(EXAMPLE_BINS)
	$(Q)for e in $(EXAMPLE_BINS); do echo "$$e:"; $$e; done

conformance: all
	$(Q)mkdir -p reports
	$(Q)$(TPCONFORM) --report reports --output reports/conformance.log
	@echo "reports: reports/conformance.md .json .xml .tap, log in reports/conformance.log"

check: all
	$(Q)mkdir -p reports/tests
	$(Q)scripts/run-checks $(BUILD)

clean:
	rm -rf build

# gcc writes the .d files; without this empty rule make would try to
# remake them with its built-in `%: %.o` link rule (cli_pcap.d from a
# cli_pcap.d.o that the fuzz pattern rule then tries to compile)
%.d: ;
-include $(shell find build \( -path build/kernel-cov -o -path build/deb \) -prune -o -type f -name '*.d' -print 2>/dev/null)
