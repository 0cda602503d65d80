# SPDX-License-Identifier: MIT
# Packaging (included by the Makefile): the shared library with its
# versioned ABI, make install / uninstall, make check-abi, make deb.
#
#   make install      libtpsim.so.MAJOR (+ .a), headers, tpsim.pc, tpsim,
#                     tpconform, man pages under PREFIX [/usr/local];
#                     DESTDIR, LIBDIR [PREFIX/lib], MANDIR honoured
#   make uninstall    removes exactly what make install put there
#   make check-abi    exported symbols against sim/libtpsim.map and the
#                     release (abi/); also part of make check
#   make deb          Debian packages libtpsim0, libtpsim-dev, tpsim in
#                     build/deb/ (dpkg-buildpackage), then lintian

TPSIM_MAJOR := $(shell sed -n 's/^\#define TPSIM_VERSION_MAJOR //p' \
	sim/include/tpsim.h)
TPSIM_MINOR := $(shell sed -n 's/^\#define TPSIM_VERSION_MINOR //p' \
	sim/include/tpsim.h)
TPSIM_VERSION := $(TPSIM_MAJOR).$(TPSIM_MINOR).0
TPSIM_SONAME := libtpsim.so.$(TPSIM_MAJOR)
LIBTPSIM_SO := $(BUILD)/libtpsim.so.$(TPSIM_VERSION)

# The shared library: the same PIC objects as libtpsim.a; the version
# script exports tpsim_* (tpsim.h's declarations) and nothing else.
$(LIBTPSIM_SO): $(SIM_OBJS) sim/libtpsim.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -shared -Wl,-soname,$(TPSIM_SONAME) \
		-Wl,--version-script=sim/libtpsim.map -Wl,-z,defs \
		-o $@ $(SIM_OBJS) $(LDLIBS)
	$(Q)ln -sf $(@F) $(BUILD)/$(TPSIM_SONAME)
	$(Q)ln -sf $(TPSIM_SONAME) $(BUILD)/libtpsim.so

# The installed commands link the shared library (build/tpconform and
# build/tpsim stay static: the tests, coverage and make static use those).
$(BUILD)/dyn/tpconform: $(TPC_OBJS) $(LIBTPSIM_SO)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -rdynamic -o $@ $(TPC_OBJS) -L$(BUILD) -ltpsim \
		-lpcap $(LDLIBS)
$(BUILD)/dyn/tpsim: $(CLI_OBJS) $(LIBTPR) $(LIBTPSIM_SO)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(CLI_RUN_OBJS) $(LIBTPR) \
		-L$(BUILD) -ltpsim $(TPR_LIBS) $(LDLIBS)

# layouts of the public structs and the ABI numbers (scripts/check-abi)
$(BUILD)/abi/layout.o: override CFLAGS += -Iconformance/include
$(BUILD)/abi/layout: $(BUILD)/abi/layout.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $<

INSTALLED := $(LIBTPSIM) $(LIBTPSIM_SO) $(BUILD)/dyn/tpconform \
	$(BUILD)/dyn/tpsim
all: $(INSTALLED) $(BUILD)/abi/layout
# what dpkg-buildpackage builds (no test suite, no scripts/install-deps)
installable: $(INSTALLED)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
INSTALL_VARS = DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" LIBDIR="$(LIBDIR)" \
	MANDIR="$(MANDIR)" VERSION="$(TPSIM_VERSION)" SONAME="$(TPSIM_SONAME)"
install: $(INSTALLED)
	$(Q)$(INSTALL_VARS) scripts/install-files install $(BUILD)
uninstall:
	$(Q)$(INSTALL_VARS) scripts/install-files uninstall $(BUILD)

check-abi: $(LIBTPSIM) $(LIBTPSIM_SO) $(BUILD)/abi/layout
	$(Q)scripts/check-abi $(BUILD)

# make check compiles the README's consumer against the installed copy
# with the flags of this build's sanitizer, if any (scripts/check-install)
check: export TPSIM_SAN_FLAGS := $(filter -fsanitize=%,$(CFLAGS))

# Debian packages from a copy of the tree (the tracked and new files), so
# the .debs and dpkg-buildpackage's leftovers stay in build/deb/.
DEB_DIR := build/deb
deb: $(DEPS_STAMP)
	$(Q)scripts/install-deps debhelper dpkg-dev lintian
	$(Q)rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/tpsim-$(TPSIM_VERSION)
	$(Q)v=$$(dpkg-parsechangelog -S Version); [ "$$v" = $(TPSIM_VERSION) ] || \
		{ echo "debian/changelog is at $$v, tpsim.h at $(TPSIM_VERSION):" \
		"add an entry (dch -v $(TPSIM_VERSION))"; exit 1; }
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | \
		tar -xf - -C $(DEB_DIR)/tpsim-$(TPSIM_VERSION)
	$(Q)cd $(DEB_DIR)/tpsim-$(TPSIM_VERSION) && \
		dpkg-buildpackage -b -us -uc > ../dpkg-buildpackage.log 2>&1 || \
		{ tail -30 ../dpkg-buildpackage.log; exit 1; }
	@ls $(DEB_DIR)/*.deb
	$(Q)cd $(DEB_DIR) && lintian --fail-on error,warning --pedantic \
		--display-info *.changes > lintian.log 2>&1; \
		rc=$$?; grep -v '^running with root' lintian.log; exit $$rc
	@echo "lintian: $$(grep -c '^[EWIP]:' $(DEB_DIR)/lintian.log) tags (pedantic and info included)"
	$(Q)scripts/check-deb $(DEB_DIR)

.PHONY: installable uninstall check-abi deb
