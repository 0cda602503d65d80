# SPDX-License-Identifier: MIT
# tpsim run (issue 18), included by the Makefile: the preload interposer
# build/libtpsim-run.so (run/interpose*.c over libtpr.a and libtpsim.a,
# their symbols kept inside it) and the command's run.c, which only the
# tpsim executables link (the CLI fuzzers leave it out).

INTERPOSE_SRCS := \
	run/interpose.c \
	run/interpose_if.c \
	run/interpose_io.c \
	run/interpose_mmsg.c \
	run/interpose_poll.c \
	run/interpose_sock.c
INTERPOSE_OBJS := $(INTERPOSE_SRCS:%.c=$(BUILD)/%.o)
LIBTPSIM_RUN := $(BUILD)/libtpsim-run.so
ifeq ($(TSAN),1)
# Under TSAN=1 the programs get the plain interposer: ThreadSanitizer's
# runtime, preloaded above it, intercepts poll and stops tracking the
# locks taken inside our poll, so it reports races on data every party
# reads under the socket's lock. The uninstrumented programs give it
# nothing to see; libtpsim's and the run layer's threads are checked in
# their own TSan-built tests.
TSAN_PLAIN := build/tsan-plain
$(LIBTPSIM_RUN): $(INTERPOSE_SRCS) $(TPR_SRCS) $(SIM_SRCS) mk/run.mk
	$(Q)$(MAKE) --no-print-directory TSAN=0 BUILD=$(TSAN_PLAIN) \
		$(TSAN_PLAIN)/libtpsim-run.so
	$(Q)cp $(TSAN_PLAIN)/libtpsim-run.so $@
else
$(LIBTPSIM_RUN): $(INTERPOSE_OBJS) $(LIBTPR) $(LIBTPSIM)
	@$(if $(Q),echo "  SO      $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-z,defs -Wl,--exclude-libs,ALL \
		-o $@ $(INTERPOSE_OBJS) $(LIBTPR) $(LIBTPSIM) $(TPR_LIBS) -ldl \
		$(LDLIBS)
endif

# where make install puts the interposer; tpsim looks beside itself first
CLI_RUN_OBJS := $(BUILD)/tools/tpsim/run.o
$(BUILD)/tools/tpsim/run.o: override CFLAGS += -Irun \
	-DTPSIM_RUN_LIBDIR='"$(LIBDIR)/tpsim"'
all: $(LIBTPSIM_RUN)
# both tpsim executables link the command (recipes in Makefile and
# mk/install.mk)
$(TPSIM_CLI) $(BUILD)/dyn/tpsim: $(CLI_RUN_OBJS) $(LIBTPR)

# the packet-free probe of the interposer, run under tpsim run by
# tests/run/run.bats
RUN_PROBE := $(BUILD)/tests/run-probe
$(RUN_PROBE): $(BUILD)/tests/run/probe.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
all: $(RUN_PROBE)
# a busy poller of its own: the producer's start without a call
RUN_BUSY := $(BUILD)/tests/run-busy
$(RUN_BUSY): $(BUILD)/tests/run/busy.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^
all: $(RUN_BUSY)

# a TX ring kicked from a signal handler (tests/run/sigsend.c); -rdynamic:
# its munmap (exported) must be the one libtpsim's munmap(2) call finds
RUN_SIGSEND := $(BUILD)/tests/run-sigsend
$(RUN_SIGSEND): $(BUILD)/tests/run/sigsend.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -rdynamic -o $@ $^ -ldl
all: $(RUN_SIGSEND)

# recvmmsg, sendmmsg, close_range on a simulated socket (tests/run/mmsg.c)
RUN_MMSG := $(BUILD)/tests/run-mmsg
$(RUN_MMSG): $(BUILD)/tests/run/mmsg.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lpthread
all: $(RUN_MMSG)

# the README's table: tcpdump, dumpcap, netsniff-ng, dpdk-testpmd under each
# hostile scenario (about a minute)
.PHONY: scenario-table
scenario-table: all
	$(Q)scripts/run-scenario-table $(BUILD)
# make install and the Debian package take the interposer too
install: $(LIBTPSIM_RUN)
installable: $(LIBTPSIM_RUN)
