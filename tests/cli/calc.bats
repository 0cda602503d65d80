#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tpsim calc: the packet_mmap document's calculator, today's limits, and
# the layout of a concrete request.
load helper

DOC="--profile linux-2.6 --page-size 4096 --pointer-size 4 --max-order 11 --kmalloc-max 131072 --frame-size 2048"

@test "the document's own inputs give the document's numbers" {
	run tpsim calc $DOC
	assert_success
	assert_line "block-count limit: 32768 blocks (a 131072-byte kmalloc'd vector of 4-byte pointers)"
	assert_line "largest block:     8 MiB (document: PAGE_SIZE << MAX_ORDER)"
	assert_line "largest ring:      262144 MiB (document)"
	assert_line "frames of 2048 B:  134217728 frames (document)"
}

@test "and says where the 2.6 kernel differs (order MAX_ORDER - 1)" {
	run tpsim calc $DOC
	assert_success
	assert_line "                   4 MiB (2.6 kernel: the page allocator's largest order is MAX_ORDER - 1)"
	assert_line "                   131072 MiB (2.6 kernel)"
	assert_line "                   67108864 frames (2.6 kernel)"
}

@test "today's kernel: the block vector and the owner bitmap bound it" {
	run tpsim calc --profile linux --page-size 4096 --pointer-size 8 --kmalloc-max 4194304 --frame-size 2048
	assert_success
	assert_line --partial "block-count limit: 524288 blocks"
	assert_line --partial "largest block:     2147479552 bytes (G4"
	assert_line "frames of 2048 B:  4294967295 frames (tp_frame_nr is 32 bits: G10)"
	assert_line "                   33554432 frames on a V1/V2 RX ring (G12: its owner bitmap is one kmalloc)"
}

@test "a request: frames per block, gap, memory, usable, picture" {
	run tpsim calc --version 2 --block-size 8192 --block-nr 20 --frame-size 1536 --frame-nr 100
	assert_success
	assert_line "TPACKET_V2 RX ring: 20 blocks x 8192 bytes = 163840 bytes"
	assert_line "frames: 5 per block, 100 frames of 1536 bytes"
	assert_line "gap: 512 bytes at the end of each block, 10240 in all"
	assert_line "usable: 153600 bytes (93.8% of the ring)"
	assert_line "             0  block 0      [F0 1536][F1 1536][F2 1536][F3 1536][F4 1536][gap 512]"
	assert_line "                ... 16 more blocks alike ..."
	assert_line --partial "155648  block 19     [F95 1536]"
}

@test "a V3 request shows descriptor, private area and packet space" {
	run tpsim calc --version 3 --block-size 65536 --block-nr 2 --frame-size 2048 --frame-nr 64 --sizeof-priv 13
	assert_success
	assert_line "blocks: descriptor 48 bytes, private area 16, packets from offset 64, up to 65472 bytes of packets per block"
	assert_line "             0  block 0      [hdr 48][priv 16][pkts 65472]"
}

@test "--svg writes the same picture as SVG" {
	svg="$BATS_TEST_TMPDIR/ring.svg"
	run tpsim calc --version 2 --block-size 8192 --block-nr 20 --frame-size 1536 --frame-nr 100 --svg "$svg"
	assert_success
	run head -c 4 "$svg"
	assert_output "<svg"
	run tail -n 1 "$svg"
	assert_output "</svg>"
	# 4 blocks drawn, 6 rectangles each (5 frames, the gap)
	run grep -c "<rect" "$svg"
	assert_output 24
	# block 19's gap: 155648 + 5 x 1536
	run grep -c "<title>gap 0: offset 163328, 512 bytes</title>" "$svg"
	assert_output 1
}

@test "an invalid request names the rule, exit 1" {
	run tpsim calc --version 2 --block-size 8192 --block-nr 20 --frame-size 1500 --frame-nr 100
	assert_failure 1
	assert_line "EINVAL (G8): tp_frame_size 1500 is not a multiple of 16"
}

@test "bad input: one line, exit 2" {
	run tpsim calc --page-size abc
	assert_failure 2
	assert_output "tpsim calc: --page-size: 'abc' is not a number (try 'tpsim calc --help')"
	run tpsim calc --page-size 3000
	assert_failure 2
	assert_output --partial "--page-size 3000 is not a power of two"
	run tpsim calc --pointer-size 3
	assert_failure 2
	assert_output --partial "--pointer-size 3 is not 4 or 8"
	run tpsim calc --max-order 0
	assert_failure 2
	run tpsim calc --kmalloc-max 2
	assert_failure 2
	run tpsim calc --frame-size 4
	assert_failure 2
	assert_output --partial "--frame-size 4 is below 16"
	run tpsim calc --bogus
	assert_failure 2
	assert_output "tpsim calc: unknown option '--bogus' (try 'tpsim calc --help')"
	run tpsim calc --page-size
	assert_failure 2
	assert_output --partial "--page-size needs a value"
	run tpsim calc --page-size -5
	assert_failure 2
	run tpsim calc --page-size 99999999999999999999999
	assert_failure 2
	assert_output --partial "out of range"
	run tpsim calc extra
	assert_failure 2
	run tpsim calc --profile linux-9
	assert_failure 2
	assert_output --partial "no profile 'linux-9'"
}

@test "bad input: incomplete request, --svg without one, unwritable --svg" {
	run tpsim calc --block-size 4096
	assert_failure 2
	assert_output --partial "a request needs --block-size, --block-nr, --frame-size and --frame-nr"
	run tpsim calc --svg /tmp/x.svg
	assert_failure 2
	run tpsim calc --version 2 --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2 --svg /nonexistent/dir/x.svg
	assert_failure 2
	assert_output --partial "--svg /nonexistent/dir/x.svg"
	run tpsim calc --version 4 --block-size 4096 --block-nr 1 --frame-size 2048 --frame-nr 2
	assert_failure 2
	assert_output --partial "version: 4 is not 1, 2 or 3"
	run tpsim calc --block-size 4294967296 --block-nr 1 --frame-size 2048 --frame-nr 2
	assert_failure 2
	assert_output --partial "does not fit 32 bits"
}
