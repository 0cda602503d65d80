#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# scripts/check-abi catches what it is for: each test builds a small
# stand-in libtpsim (stubs of the released functions, plus or minus one
# mistake) with the real version script, and reads what check-abi says.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}

setup() {
	cd "$ROOT"
	B=$BATS_TEST_TMPDIR/build
	mkdir -p "$B/abi"
	cp "$BUILD/abi/layout" "$B/abi/layout"
	cp sim/libtpsim.map "$BATS_TEST_TMPDIR/map"
	export CHECK_ABI_MAP=$BATS_TEST_TMPDIR/map
}

# add_to_newest NAME: one line in the newest node (TPSIM_0.3), before its
# closing brace, whether the node lists names already or not
add_to_newest() {
	sed -i "s/^} TPSIM_0.2;\$/\t\t$1;\n&/" "$CHECK_ABI_MAP"
}

# stand_in [EXTRA-SYMBOL...] [-NAME to leave a released one out]
stand_in() {
	local names s
	names=$(grep -v '^#' abi/libtpsim.released | cut -d' ' -f1)
	for s in "$@"; do
		case $s in
		-*) names=$(grep -vx -- "${s#-}" <<<"$names") ;;
		*) names="$names $s" ;;
		esac
	done
	for s in $names; do
		echo "__attribute__((visibility(\"default\"))) int $s(void) { return 0; }"
	done > "$B/stub.c"
	cc -fPIC -c -o "$B/stub.o" "$B/stub.c"
	ar rcs "$B/libtpsim.a" "$B/stub.o"
	cc -shared -Wl,-soname,${SONAME:-libtpsim.so.0} \
		-Wl,--version-script="$CHECK_ABI_MAP" \
		-o "$B/libtpsim.so.0.2.0" "$B/stub.o"
	ln -sf libtpsim.so.0.2.0 "$B/libtpsim.so"
}

@test "the released symbols alone pass" {
	stand_in
	run scripts/check-abi "$B"
	assert_success
	refute_output --partial "not ok"
}

@test "a new function missing from the version script is named, with the one line to add" {
	stand_in tpsim_foo
	run scripts/check-abi "$B"
	assert_failure
	assert_line "not ok 1 - public but missing from the version script $CHECK_ABI_MAP:"
	assert_line "#   tpsim_foo: add the line 'tpsim_foo;' to the TPSIM_0.3 node of $CHECK_ABI_MAP"
}

@test "that one line makes it pass" {
	add_to_newest tpsim_foo
	stand_in tpsim_foo
	run scripts/check-abi "$B"
	assert_success
}

@test "a public symbol without the prefix fails" {
	add_to_newest ring_helper
	stand_in ring_helper
	run scripts/check-abi "$B"
	assert_failure
	assert_line --partial "not ok 2 - public symbols without the project prefix"
	assert_line "#   ring_helper"
}

@test "a released symbol that disappears fails" {
	stand_in -tpsim_wait
	run scripts/check-abi "$B"
	assert_failure
	assert_line --partial "not ok 4 - released symbols disappeared or changed version"
	assert_line "#   tpsim_wait@TPSIM_0.2"
}

@test "a released symbol moved to a newer node fails" {
	sed -i '/^\t\ttpsim_wait;$/d' "$CHECK_ABI_MAP"
	add_to_newest tpsim_wait
	stand_in
	run scripts/check-abi "$B"
	assert_failure
	assert_line "#   tpsim_wait@TPSIM_0.2 is now @TPSIM_0.3"
}

@test "a soname that does not follow TPSIM_VERSION_MAJOR fails" {
	SONAME=libtpsim.so.1 stand_in
	run scripts/check-abi "$B"
	assert_failure
	assert_line "not ok 5 - soname 'libtpsim.so.1', expected libtpsim.so.0 (TPSIM_VERSION_MAJOR)"
}

@test "layout: a fixed struct that grows, a moved member, a new plug-in ABI fail" {
	stand_in
	# the tree's layout against a release where they were otherwise
	sed -e 's/^struct tpsim_ring_view 56 /struct tpsim_ring_view 48 /' \
		-e 's/^member tpc_backend_ops.info 144 8/member tpc_backend_ops.info 136 8/' \
		-e 's/^const TPC_PLUGIN_ABI 1/const TPC_PLUGIN_ABI 0/' \
		abi/layout.released > "$BATS_TEST_TMPDIR/layout"
	CHECK_ABI_LAYOUT=$BATS_TEST_TMPDIR/layout run scripts/check-abi "$B"
	assert_failure
	assert_line "#   TPC_PLUGIN_ABI is 1, released 0"
	assert_line "#   struct tpsim_ring_view: size 56, released 48 (fixed: callers built against the release allocate it)"
	assert_line "#   tpc_backend_ops.info: offset size 144 8, released 136 8"
}

@test "layout: a struct that carries its size may grow" {
	stand_in
	sed 's/^struct tpc_backend_ops 152 /struct tpc_backend_ops 144 /' \
		abi/layout.released > "$BATS_TEST_TMPDIR/layout"
	run grep -c '^struct tpc_backend_ops 144 grows' "$BATS_TEST_TMPDIR/layout"
	assert_output 1
	CHECK_ABI_LAYOUT=$BATS_TEST_TMPDIR/layout run scripts/check-abi "$B"
	assert_success
}

@test "layout: a member abi/layout.c does not list fails, naming the line to add" {
	local last off size
	stand_in
	# the last member listed, and where the tree's layout puts it
	last=$(sed -n 's/^\tM(tpc_backend_ops, \([a-z0-9_]*\));$/\1/p' abi/layout.c |
		tail -1)
	read -r off size < <("$BUILD/abi/layout" | awk -v m="tpc_backend_ops.$last" \
		'$1 == "member" && $2 == m { print $3, $4 }')
	sed "/M(tpc_backend_ops, $last);/d" abi/layout.c > "$B/layout.c"
	cc -std=c11 -D_GNU_SOURCE -Isim/include -Iconformance/include \
		-o "$B/abi/layout" "$B/layout.c"
	run scripts/check-abi "$B"
	assert_failure
	assert_line "not ok 6 - abi/layout.c does not describe every member:"
	assert_line "#   abi/layout.c: struct tpc_backend_ops: bytes $off..$((off + size)) at its end are not described: add M(tpc_backend_ops, <member>); for each new member, in order, after its last M(tpc_backend_ops, ...)"
}
