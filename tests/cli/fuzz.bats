#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# The fuzzing pipeline (scripts/fuzz, tools/fuzz/replay.c) on a target
# with a planted bug: a crash fails the run, is minimised and kept as a
# regression input, and the replay driver then fails on it.
load helper

setup() {
	W=$BATS_TEST_TMPDIR
	cat > "$W/planted.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
#ifndef CLEAN
	if (n >= 3 && d[0] == 'B' && d[1] == 'U' && d[2] == 'G')
		abort();
#endif
	return 0;
}
EOF
	mkdir -p "$W/seeds/planted"
	printf 'fine' > "$W/seeds/planted/ok"
	cc -o "$W/replay" "$ROOT/tools/fuzz/replay.c" "$W/planted.c"
}

@test "replay: runs every input of a corpus, names the count" {
	run "$W/replay" "$W/seeds/planted"
	assert_success
	assert_output --partial "replayed 1 inputs"
}

@test "replay: an input that crashes the target fails the run, named" {
	printf 'BUG' > "$W/seeds/planted/regress-x"
	run "$W/replay" "$W/seeds/planted"
	assert_failure
	assert_output --partial "input $W/seeds/planted/regress-x (3 bytes)"
	refute_output --partial "replayed"
}

@test "replay: no inputs, a missing path, an oversized file: exit 1" {
	mkdir "$W/empty"
	run "$W/replay" "$W/empty"
	assert_failure 1
	assert_output "no inputs found"
	run "$W/replay" "$W/nothing"
	assert_failure 1
	assert_output --partial "nothing: No such file or directory"
	head -c 1048577 /dev/zero > "$W/big"
	run "$W/replay" "$W/big"
	assert_failure 1
	assert_output "$W/big: larger than 1048576 bytes"
}

@test "scripts/fuzz: a crash fails, is minimised and kept as regress-*" {
	command -v clang >/dev/null || skip "clang not installed (make fuzz installs it)"
	clang -g -fsanitize=fuzzer,address -o "$W/fuzz_planted" "$W/planted.c"
	printf 'BUG and more bytes to cut' > "$W/seeds/planted/seed"
	run "$ROOT/scripts/fuzz" "$W" "$W/seeds" 60 0 planted
	assert_failure 1
	assert_output --partial "SUMMARY: libFuzzer: deadly signal"
	assert_output --regexp "input kept as $W/seeds/planted/regress-[0-9a-f]{16}"
	kept=("$W"/seeds/planted/regress-*)
	[ "${#kept[@]}" -eq 1 ]
	# minimised: the planted prefix stays, most of the rest is cut
	run cat "${kept[0]}"
	assert_output --regexp '^BUG'
	[ "$(stat -c %s "${kept[0]}")" -lt 25 ]
	run "$W/replay" "$W/seeds/planted"
	assert_failure
}

@test "scripts/fuzz: a clean run stops at RUNS executions, exit 0" {
	command -v clang >/dev/null || skip "clang not installed (make fuzz installs it)"
	clang -g -fsanitize=fuzzer,address -DCLEAN -o "$W/fuzz_planted" \
		"$W/planted.c"
	run "$ROOT/scripts/fuzz" "$W" "$W/seeds" 60 2000 planted
	assert_success
	assert_output --partial "fuzz: planted for 60 s or 2000 runs"
	assert_output --partial "stat::number_of_executed_units: 2000"
}

@test "scripts/fuzz: bad arguments, missing target" {
	run "$ROOT/scripts/fuzz" "$W" "$W/seeds" 1x 0 planted
	assert_failure 2
	assert_output "fuzz: SECONDS and RUNS are whole numbers"
	run "$ROOT/scripts/fuzz" "$W" "$W/seeds" 1 0 nosuch
	assert_failure 1
	assert_output "fuzz: no target $W/fuzz_nosuch"
}
