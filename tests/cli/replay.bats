#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tpsim replay: a capture through the producer into a ring, a consumer of
# a chosen speed, statistics, the output pcap read back by tshark.
load helper

@test "a fast consumer sees every packet; V3 blocks retire on the capture's clock" {
	run tpsim replay --json "$FIX/eth-mixed.pcap"
	assert_success
	assert_output '{"offered":60,"delivered":60,"dropped":0,"short":0,"unseen":0,"consumed":60,"truncated":0,"losing":0,"copy":0,"copies_received":0,"blocks":8,"blocks_timeout":8,"tp_packets":60,"tp_drops":0,"tp_freeze_q_cnt":0}'
}

@test "a slow consumer: drops and LOSING, as the statistics say" {
	out="$BATS_TEST_TMPDIR/out.pcap"
	run tpsim replay --version 2 --block-size 4096 --block-nr 2 --rate 20000 --batch 4 -w "$out" --json "$FIX/burst.pcap"
	assert_success
	offered=$(jget offered <<<"$output"); delivered=$(jget delivered <<<"$output")
	dropped=$(jget dropped <<<"$output"); consumed=$(jget consumed <<<"$output")
	losing=$(jget losing <<<"$output"); tp_drops=$(jget tp_drops <<<"$output")
	tp_packets=$(jget tp_packets <<<"$output")
	assert_equal "$offered" 400
	assert [ "$dropped" -gt 0 ]
	assert [ "$losing" -gt 0 ]
	assert_equal "$tp_drops" "$dropped"
	assert_equal "$tp_packets" "$offered"
	assert_equal "$((delivered + dropped))" "$offered"
	assert_equal "$consumed" "$delivered"
	# the consumer's pcap opens in tshark and holds what it consumed
	run tshark_q -r "$out" -T fields -e frame.len
	assert_success
	assert_equal "${#lines[@]}" "$consumed"
}

@test "V3 with a slow consumer: the queue freezes" {
	run tpsim replay --version 3 --block-size 4096 --block-nr 2 --rate 1000 --json "$FIX/burst.pcap"
	assert_success
	assert_output --partial '"tp_freeze_q_cnt":1'
	assert [ "$(jget dropped <<<"$output")" -gt 300 ]
}

@test "jumbo frames are cut to the frame, COPY keeps them whole" {
	out="$BATS_TEST_TMPDIR/jumbo.pcap"
	run tpsim replay --version 2 --frame-size 2048 --copy-thresh -w "$out" --json "$FIX/jumbo.pcap"
	assert_success
	assert_output --partial '"truncated":8,"losing":0,"copy":8,"copies_received":8'
	run tshark_q -r "$out" -T fields -e frame.cap_len -e frame.len
	assert_success
	assert_equal "${#lines[@]}" 8
	# 2048 - tp_mac 66
	assert_equal "${lines[0]}" "$(printf '1982\t9014')"
}

@test "VLAN tags come out of the ring untagged" {
	out="$BATS_TEST_TMPDIR/vlan.pcap"
	run tpsim replay --version 2 -w "$out" "$FIX/vlan.pcap"
	assert_success
	run tshark_q -r "$FIX/vlan.pcap" -Y vlan
	assert_equal "${#lines[@]}" 16
	run tshark_q -r "$out" -Y vlan
	assert_equal "${#lines[@]}" 0
	run tshark_q -r "$out" -Y "ip.dst == 10.0.0.2"
	assert_equal "${#lines[@]}" 16
}

@test "deterministic: the same input and options, the same output" {
	a="$BATS_TEST_TMPDIR/a.pcap" b="$BATS_TEST_TMPDIR/b.pcap"
	run tpsim replay --version 3 --block-size 4096 --block-nr 3 --rate 5000 --batch 8 -w "$a" --json "$FIX/burst.pcap"
	first=$output
	run tpsim replay --version 3 --block-size 4096 --block-nr 3 --rate 5000 --batch 8 -w "$b" --json "$FIX/burst.pcap"
	assert_equal "$output" "$first"
	run cmp "$a" "$b"
	assert_success
}

@test "an empty capture: zeros, exit 0" {
	run tpsim replay --json "$FIX/empty.pcap"
	assert_success
	assert_output --partial '"offered":0,"delivered":0'
}

@test "human-readable statistics" {
	run tpsim replay --version 2 "$FIX/eth-mixed.pcap"
	assert_success
	assert_line "offered    60"
	assert_line "dropped    0"
	assert_line "PACKET_STATISTICS: tp_packets 60, tp_drops 0"
}

@test "broken files: one line naming the problem, exit 2" {
	run tpsim replay "$FIX/truncated.pcap"
	assert_failure 2
	assert_output --partial "truncated.pcap: after 2 packets: truncated dump file"
	run tpsim replay "$FIX/bad-magic.pcap"
	assert_failure 2
	assert_output "tpsim replay: $FIX/bad-magic.pcap: unknown file format"
	run tpsim replay "$FIX/not-ethernet.pcap"
	assert_failure 2
	assert_output --partial "link type RAW is not Ethernet"
	run tpsim replay "$FIX/no-such-file.pcap"
	assert_failure 2
	assert_output --partial "No such file"
}

@test "bad options: exit 2" {
	run tpsim replay
	assert_failure 2
	assert_output --partial "no capture file given"
	run tpsim replay "$FIX/empty.pcap" "$FIX/empty.pcap"
	assert_failure 2
	assert_output --partial "one capture file, not 2"
	run tpsim replay --rate fast "$FIX/empty.pcap"
	assert_failure 2
	run tpsim replay --version 9 "$FIX/empty.pcap"
	assert_failure 2
	run tpsim replay --block-size 1000 --frame-size 512 "$FIX/empty.pcap"
	assert_failure 2
	assert_output --partial "G5"
	run tpsim replay --frame-size 0 "$FIX/empty.pcap"
	assert_failure 2
	run tpsim replay -w /nonexistent/out.pcap "$FIX/eth-mixed.pcap"
	assert_failure 2
	assert_output --partial "-w /nonexistent/out.pcap"
	run tpsim replay --what "$FIX/empty.pcap"
	assert_failure 2
}

@test "--filter: a tcpdump expression attached as the kernel runs it" {
	out="$BATS_TEST_TMPDIR/out.pcap"
	run tpsim replay --filter 'len > 500' -w "$out" --json "$FIX/eth-mixed.pcap"
	assert_success
	assert_output '{"filtered":30,"offered":60,"delivered":30,"dropped":0,"short":0,"unseen":0,"consumed":30,"truncated":0,"losing":0,"copy":0,"copies_received":0,"blocks":8,"blocks_timeout":8,"tp_packets":30,"tp_drops":0,"tp_freeze_q_cnt":0}'
	run tshark_q -r "$out" -T fields -e frame.len
	assert_success
	assert_equal "$(sort -u <<<"$output" | tr '\n' ' ')" "1000 1514 512 "
}

@test "--filter 'vlan 100' matches nothing: the tag is off before the filter" {
	run tpsim replay --version 2 --filter 'vlan 100' --json "$FIX/vlan.pcap"
	assert_success
	assert_equal "$(jget filtered <<<"$output")" 16
	assert_equal "$(jget tp_packets <<<"$output")" 0
	run tpsim replay --version 2 --filter 'udp' --json "$FIX/vlan.pcap"
	assert_equal "$(jget filtered <<<"$output")" 0
}

@test "--filter: an expression libpcap cannot compile is exit 2" {
	run tpsim replay --filter 'udp and' "$FIX/eth-mixed.pcap"
	assert_failure 2
	assert_output "tpsim replay: --filter 'udp and': can't parse filter expression: syntax error"
}

@test "every record is accounted once: 37 of no bytes are short, not lost" {
	run tpsim replay --version 2 "$FIX/runts.pcap"
	assert_success
	assert_line "offered    38"
	assert_line "delivered  1"
	assert_line "dropped    0"
	assert_line "short      37 (shorter than the Ethernet header)"
	assert_line "unseen     0 (freed by the receive path before the socket)"
	run tpsim replay --json "$FIX/shapes.pcap"
	assert_success
	assert_output --partial '"offered":37,"delivered":31,"dropped":0,"short":3,"unseen":3,'
}
