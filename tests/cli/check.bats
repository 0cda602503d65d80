#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tpsim check: verdicts with rules, nearest valid requests, --json,
# --batch, and agreement with the running kernel.
load helper

@test "a valid request: ok, exit 0" {
	run tpsim check --version 2 --block-size 4096 --block-nr 4 --frame-size 2048 --frame-nr 8
	assert_success
	assert_output "ok"
}

@test "G8 with the nearest valid request, which is valid" {
	run tpsim check --version 2 --block-size 4096 --block-nr 4 --frame-size 100 --frame-nr 160
	assert_failure 1
	assert_line "EINVAL (G8): tp_frame_size 100 is not a multiple of 16"
	assert_line "  nearest valid: --version 2 --ring rx --block-size 4096 --block-nr 4 --frame-size 112 --frame-nr 144"
	run tpsim check --version 2 --ring rx --block-size 4096 --block-nr 4 --frame-size 112 --frame-nr 144
	assert_success
}

# rule, errno, then the request as key=value words
verdict() {
	local want_rule=$1 want_err=$2
	shift 2
	run tpsim check --batch --json <<<"$*"
	assert_success
	assert_output --partial "\"result\":\"$want_err\""
	assert_output --partial "\"rule\":\"$want_rule\""
	# the suggestion, when there is one, is itself valid
	local near
	near=$(sed -n 's/.*"nearest":{\([^}]*\)}.*/\1/p' <<<"$output" |
	       tr -d '"' | tr ':,' '= ')
	if [ -n "$near" ]; then
		run tpsim check --batch --json <<<"$near"
		assert_output --partial '"result":"ok"'
	fi
}

@test "every geometry rule is named, with a valid suggestion" {
	verdict G2 EINVAL block_size=4096 block_nr=0 frame_size=2048 frame_nr=2
	verdict G4 EINVAL block_size=0x80000000 block_nr=1 frame_size=2048 frame_nr=1
	verdict G5 EINVAL block_size=4097 block_nr=1 frame_size=2048 frame_nr=2
	verdict G6 EINVAL version=3 block_size=4096 block_nr=1 frame_size=2048 frame_nr=2 sizeof_priv=3980
	verdict G7 EINVAL version=3 block_size=4096 block_nr=1 frame_size=64 frame_nr=64
	verdict G9 EINVAL block_size=4096 block_nr=1 frame_size=8192 frame_nr=1
	verdict G10 EINVAL block_size=4096 block_nr=0x80000000 frame_size=64 frame_nr=0
	verdict G11 EINVAL block_size=4096 block_nr=2 frame_size=2048 frame_nr=5
	verdict G12 ENOMEM block_size=4096 block_nr=524289 frame_size=4096 frame_nr=524289
	verdict G13 EINVAL version=3 ring=tx block_size=4096 block_nr=1 frame_size=2048 frame_nr=2 retire_tov=10
}

@test "a profile without PACKET_VERSION: ENOPROTOOPT, suggest V1" {
	run tpsim check --profile linux-2.6 --version 2 --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2
	assert_failure 1
	assert_line --partial "ENOPROTOOPT (O1)"
	assert_line "  nearest valid: --version 1 --ring rx --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2"
}

@test "--json: one object with result, errno, rule, message, nearest" {
	run tpsim check --json --block-size 4096 --block-nr 1 --frame-size 100 --frame-nr 40
	assert_failure 1
	assert_output --partial '{"result":"EINVAL","errno":22,"rule":"G8","message":"tp_frame_size 100 is not a multiple of 16"'
	assert_output --partial '"nearest":{"version":1,"ring":"rx","block_size":4096,"block_nr":1,"frame_size":112,"frame_nr":36'
}

@test "--batch: a line per request, in order; comments, blanks, hex" {
	run tpsim check --batch <<'REQ'
# a comment, then a blank line

block_size=4096 block_nr=1 frame_size=2048 frame_nr=2
block_size=0x1000 block_nr=0x1 frame_size=100 frame_nr=40
version=3 ring=tx block_size=4096 block_nr=1 frame_size=2048 frame_nr=2
REQ
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "${lines[0]}" "ok"
	assert_equal "${lines[1]}" "EINVAL (G8): tp_frame_size 100 is not a multiple of 16"
	assert_equal "${lines[2]}" "ok"
}

@test "--batch --json: defaults version=1 ring=rx, zeros elsewhere" {
	run tpsim check --batch --json <<<"block_size=4096"
	assert_success
	assert_output --partial '"request":{"version":1,"ring":"rx","block_size":4096,"block_nr":0,"frame_size":0,"frame_nr":0'
	assert_output --partial '"result":"ok"'
}

@test "--batch: bad lines stop it with the line number, exit 2" {
	run tpsim check --batch <<<$'block_size=4096\ncolour=blue'
	assert_failure 2
	assert_output --partial "line 2: unknown key 'colour'"
	run tpsim check --batch <<<"block_size=four"
	assert_failure 2
	assert_output --partial "block_size: 'four' is not a number"
	run tpsim check --batch <<<"version=4"
	assert_failure 2
	run tpsim check --batch <<<"block_size"
	assert_failure 2
	assert_output --partial "'block_size' is not key=value"
	run tpsim check --batch <<<"ring=up"
	assert_failure 2
	run tpsim check --batch --block-size 4096 </dev/null
	assert_failure 2
	assert_output --partial "--batch takes its requests from stdin"
	run tpsim check --batch < <(printf 'block_size=%05000d\n' 1)
	assert_failure 2
	assert_output --partial "longer than"
}

@test "bad options: exit 2, one line" {
	run tpsim check --frame-size 1e3
	assert_failure 2
	assert_output "tpsim check: frame_size: '1e3' is not a number (try 'tpsim check --help')"
	run tpsim check --ring sideways
	assert_failure 2
	run tpsim check --reserve 0x80000000
	assert_failure 2
	assert_output --partial "above INT_MAX (O3)"
	run tpsim check --what
	assert_failure 2
	run tpsim check stray
	assert_failure 2
}

kernel_or_skip() {
	tpsim check --kernel --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2 >/dev/null 2>&1 ||
		skip "no kernel packet socket here: $(tpsim check --kernel 2>&1 | head -1)"
}

@test "--kernel: the running kernel agrees on one request" {
	kernel_or_skip
	run tpsim check --kernel --version 3 --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2 --sizeof-priv 3980
	assert_failure 1
	assert_line "  kernel: EINVAL, agrees"
}

# Requests around every limit: versions, both rings, block sizes about a
# page and about 2^31, frame sizes about each header length, counts right
# and off by one, reserve, private areas up to the CVE-2017-7308 shape.
# Deterministic (a fixed seed); rings that would be set up stay under
# 300 MiB so the kernel's half takes seconds.
gen() {
	awk -v n="$1" 'BEGIN {
		srand(7308)
		split("0 4095 4096 4097 8192 12288 65536 1048576 2147479552 2147483648 4294963200", bs)
		split("0 1 2 3 16 64 257 524289 2147483648", bn)
		split("0 16 48 51 52 64 67 68 80 96 100 112 128 2048 4096 8192 65536", fs)
		split("0 13 3976 3980 4294967288", pv)
		split("0 28 4000", rs)
		for (i = 0; i < n; i++) {
			b = bs[int(rand() * 11) + 1]; k = bn[int(rand() * 9) + 1]
			if (b > 1048576 && k > 3) k = 1
			f = fs[int(rand() * 17) + 1]
			fr = (f > 0 && b / f >= 1) ? int(b / f) * k : k
			r = rand(); if (r < 0.15) fr++; else if (r < 0.2) fr = 0
			# keep the kernel from zeroing gigabytes: past 1 MiB
			# blocks, a count that is off fails before allocation
			if (b > 1048576 && b < 2147483648) fr++
			printf "version=%d ring=%s block_size=%s block_nr=%s frame_size=%s frame_nr=%d", \
				int(rand() * 3) + 1, rand() < 0.3 ? "tx" : "rx", b, k, f, fr
			if (rand() < 0.3) printf " sizeof_priv=%s", pv[int(rand() * 5) + 1]
			if (rand() < 0.2) printf " retire_tov=%d", int(rand() * 20)
			if (rand() < 0.1) printf " feature_req_word=1"
			if (rand() < 0.2) printf " reserve=%s", rs[int(rand() * 3) + 1]
			printf "\n"
		}
	}'
}

@test "--batch --json --kernel: 2000 generated requests, all agree" {
	kernel_or_skip
	gen 2000 > "$BATS_TEST_TMPDIR/req"
	run bash -c "'$TPSIM' check --batch --json --kernel < '$BATS_TEST_TMPDIR/req'"
	assert_success
	assert_equal "$(grep -c '"agree":true' <<<"$output")" 2000
	# and the sample is not all one answer
	assert [ "$(grep -c '"result":"ok"' <<<"$output")" -gt 100 ]
	assert [ "$(grep -c '"result":"EINVAL"' <<<"$output")" -gt 100 ]
}

@test "a teardown says that nothing else was checked" {
	run tpsim check --block-size 4095
	assert_success
	assert_output "ok (teardown: tp_block_nr 0, nothing else is checked)"
	run tpsim check --block-size 4095 --block-nr 1 --frame-size 2048 --frame-nr 1
	assert_failure
	assert_output --partial "EINVAL (G5)"
}
