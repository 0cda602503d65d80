#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tpsim run: unmodified programs from Debian (tcpdump, dumpcap, tshark)
# on the simulated interface, each output compared with the oracle
# (--expect-out) and the input; the interposer's packet-free probe; the
# programs it refuses. BUILD names the build directory (build, build/san).
load '../cli/helper'
bats_require_minimum_version 1.5.0	# run -127

BUILD=${BUILD:-$ROOT/build}
TPSIM=${TPSIM:-$BUILD/tpsim}
PROBE=$BUILD/tests/run-probe
BUSY=$BUILD/tests/run-busy

setup() {
	T=$(mktemp -d)
}

teardown() {
	rm -rf "$T"
}

# The packets of a capture (time, bytes), whatever its header says.
packets() { tcpdump -tt -nn -xx -r "$1" "${@:2}" 2>/dev/null; }

# tpsim run ... -- tcpdump on the fixture $1, lossless; more tcpdump args
# after it (a filter expression). Leaves $T/out.pcap, $T/exp.pcap,
# $T/report.json; tcpdump's and tpsim's stderr in $T/err.
tcpdump_run() {
	local fix=$1
	shift
	tpsim run --timeout 60 --pcap "$FIX/$fix.pcap" --pace lossless \
		--expect-out "$T/exp.pcap" --report "$T/report.json" -- \
		tcpdump -Z root -i tpsim0 -w "$T/out.pcap" "$@" 2> "$T/err"
}

@test "the interposer, packet-free: sockets, ioctl, ethtool, if_*, rings, waits, link down, fork" {
	run tpsim run --timeout 60 --pcap "$FIX/empty.pcap" --end none \
		--ifindex 77 --mac 02:11:22:33:44:55 --mtu 9000 --speed 2500 \
		-- "$PROBE"
	assert_success
	refute_output --partial "not ok"
	assert_line "1..98"
}

@test "without tpsim run the probe finds no tpsim0 (the probe can fail)" {
	run "$PROBE"
	assert_failure
	assert_line --partial "not ok 14 - SIOCGIFINDEX tpsim0: expected 0, got -19"
}

@test "a static binary is refused, not run unsimulated" {
	printf 'int main(void){return 0;}\n' > "$T/s.c"
	cc -static -o "$T/static" "$T/s.c"
	run tpsim run --pcap "$FIX/empty.pcap" -- "$T/static"
	assert_failure 126
	assert_output --partial "$T/static is statically linked: the interposer (LD_PRELOAD) cannot reach its system calls"
}

@test "a Go program is refused (raw system calls)" {
	cp /bin/true "$T/gotrue"
	printf 'go1.19' > "$T/bi"
	objcopy --add-section .go.buildinfo="$T/bi" "$T/gotrue"
	run tpsim run --pcap "$FIX/empty.pcap" -- "$T/gotrue"
	assert_failure 126
	assert_output --partial "is a Go program (the Go runtime and gopacket make raw system calls)"
}

@test "no program after -- is a usage error" {
	run tpsim run --pcap "$FIX/empty.pcap"
	assert_failure 2
	assert_output --partial "tpsim run: no program after --"
}

@test "a program that is not there: 127" {
	run -127 tpsim run --pcap "$FIX/empty.pcap" -- "$T/nothing-here"
	assert_failure 127
	assert_output --partial "no such program"
}

@test "a hung program is killed at --timeout: 124" {
	run tpsim run --timeout 1 --pcap "$FIX/empty.pcap" --end none -- \
		sleep 30
	assert_failure 124
	assert_output --partial "tpsim run: sleep hung: no exit within 1 s, killed"
}

# tcpdump -w under --pace lossless: out.pcap is --expect-out byte for
# byte, and its packets are the input's (these fixtures hold nothing the
# ring cuts: runts.pcap and shapes.pcap do, README)
@test "tcpdump -w, lossless, every Ethernet fixture: out.pcap == --expect-out == the input" {
	for f in eth-mixed burst jumbo vlan empty; do
		tcpdump_run "$f" || { cat "$T/err"; false; }
		cmp "$T/out.pcap" "$T/exp.pcap" ||
			{ echo "$f: out.pcap != exp.pcap"; false; }
		diff <(packets "$T/out.pcap") <(packets "$FIX/$f.pcap") ||
			{ echo "$f: packets differ from the input"; false; }
		n=$(packets "$FIX/$f.pcap" | grep -c '^[0-9]' || true)
		grep -qx "$n packets\{0,1\} captured" "$T/err" ||
			{ echo "$f: wanted $n captured:"; cat "$T/err"; false; }
	done
}

# (a live capture filters the untagged frame, the tag held outside the
# data: "vlan 100 and udp" matches what tcpdump -r matches on the tagged
# file, a bare "udp" would not; so each pair below means the same on both)
@test "tcpdump -w with a filter expression: out.pcap == --expect-out == the filtered input" {
	for x in "eth-mixed:udp port 80" "eth-mixed:len > 200" \
		"eth-mixed:len <= 200" "vlan:vlan 100 and udp" "vlan:vlan 200" \
		"vlan:len > 200"; do
		f=${x%%:*} expr=${x#*:}
		# shellcheck disable=SC2086
		tcpdump_run "$f" $expr || { cat "$T/err"; false; }
		cmp "$T/out.pcap" "$T/exp.pcap" ||
			{ echo "$f '$expr': out != exp"; false; }
		# shellcheck disable=SC2086
		diff <(packets "$T/out.pcap") <(packets "$FIX/$f.pcap" $expr) ||
			{ echo "$f '$expr': differs"; false; }
	done
}

# Under SAN=1 the ASan runtime is preloaded into programs that are not
# built with it, so it initialises at the first malloc it intercepts. A
# library constructor that runs before the runtime's own (libp11-kit's,
# in dumpcap and tshark through GnuTLS) calls newlocale(), which mallocs
# holding glibc's locale lock for writing; ASan's initialisation then
# calls dlerror(), whose gettext takes and releases that same lock, and
# newlocale's own unlock leaves its reader count at -1: libp11-kit's
# destructor (freelocale) waits on it forever at exit. glibc and ASan,
# not the interposer (README): those two are skipped there. (libgpg-error,
# which the interposer's libpcap brings in, does the same in
# bindtextdomain(), so coreutils' env, cat, sleep would hang in main: no
# test runs them under tpsim run.)
san_skip_p11kit() {
	if ldd "$TPSIM" 2>/dev/null | grep -q libasan; then
		skip "SAN=1: ASan's lazy init inside newlocale() (libp11-kit's constructor) corrupts glibc's locale lock, a hang at exit (README)"
	fi
}
@test "dumpcap -P -w, lossless: the packets of --expect-out" {
	san_skip_p11kit
	tpsim run --timeout 60 --pcap "$FIX/eth-mixed.pcap" --pace lossless \
		--expect-out "$T/exp.pcap" -- \
		dumpcap -q -i tpsim0 -P -w "$T/d.pcap" 2> "$T/err" ||
		{ cat "$T/err"; false; }
	diff <(packets "$T/d.pcap") <(packets "$T/exp.pcap")
	diff <(packets "$T/d.pcap") <(packets "$FIX/eth-mixed.pcap")
}

@test "tshark -i tpsim0 (dumpcap underneath, fork and exec): the packets of --expect-out" {
	san_skip_p11kit
	tpsim run --timeout 60 --pcap "$FIX/vlan.pcap" --pace lossless \
		--expect-out "$T/exp.pcap" -- \
		tshark -q -i tpsim0 -F pcap -w "$T/t.pcap" 2> "$T/err" ||
		{ cat "$T/err"; false; }
	diff <(packets "$T/t.pcap") <(packets "$T/exp.pcap")
	diff <(packets "$T/t.pcap") <(packets "$FIX/vlan.pcap")
}

# A report value: python3 reads the JSON (sockets[0] for per-socket keys).
rget() {
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
s=r["sockets"][0]; k=sys.argv[2]
print(s["packet_statistics_read"][k] if k.startswith("tp_") else s.get(k, r.get(k)))' "$1" "$2"
}

# Drops on purpose: tcpdump writes into a FIFO nobody reads for 2 s, so it
# stops reading the ring (64 KiB, -B 64) while 1200 packets arrive at
# 20000/s; then the reader drains it, tcpdump empties the ring and gets
# SIGINT at 4 s (--end none: the producer leaves the ending to us; tpsim
# run passes the SIGINT on). Only tcpdump runs under tpsim run.
@test "tcpdump under --pace rate with drops: captured / received by filter / dropped by kernel equal the report" {
	cd "$T"
	mkfifo f
	{ sleep 2; cat; } < f > out.pcap &
	"$TPSIM" run --timeout 60 --pcap "$FIX/eth-mixed.pcap" --loop 20 \
		--pace rate=20000 --end none --report report.json \
		--expect-out exp.pcap -- \
		tcpdump -Z root -B 64 -i tpsim0 -w f 2> tcpdump.err & tp=$!
	sleep 4
	kill -INT $tp
	wait $tp || { cat tcpdump.err; false; }
	wait
	cat tcpdump.err
	captured=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' tcpdump.err)
	received=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter$/\1/p' tcpdump.err)
	dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' tcpdump.err)
	echo "tcpdump: $captured / $received / $dropped; report: delivered" \
		"$(rget report.json delivered), offered $(rget report.json offered)," \
		"dropped $(rget report.json dropped), read tp_packets" \
		"$(rget report.json tp_packets) tp_drops $(rget report.json tp_drops)"
	[ "$dropped" -gt 0 ]
	[ "$received" -eq 1200 ]
	[ "$received" -eq "$(rget report.json tp_packets)" ]
	[ "$received" -eq "$(rget report.json offered)" ]
	[ "$dropped" -eq "$(rget report.json tp_drops)" ]
	[ "$dropped" -eq "$(rget report.json dropped)" ]
	[ "$captured" -eq "$(rget report.json delivered)" ]
	[ "$captured" -eq "$(packets out.pcap | grep -c '^[0-9]')" ]
	cmp out.pcap exp.pcap
}

# losing-burst overruns the ring within 8 packets of the first one a ring
# sees, whatever the seed: drops in every run, tcpdump's count of them is
# the report's, and what it wrote is still what the ring gave.
@test "losing-burst forces drops for every seed: tcpdump counts them as the report does" {
	for seed in 1 2 3; do
		tpsim run --timeout 60 --pcap "$FIX/eth-mixed.pcap" --pace lossless \
			--scenario losing-burst --seed "$seed" \
			--expect-out "$T/exp.pcap" --report "$T/r.json" -- \
			tcpdump -Z root -i tpsim0 -w "$T/out.pcap" 2> "$T/err" ||
			{ cat "$T/err"; false; }
		dropped=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$T/err")
		echo "seed $seed: tcpdump dropped $dropped, report $(rget "$T/r.json" dropped)"
		[ "$(rget "$T/r.json" dropped)" -gt 0 ]
		[ "$dropped" -eq "$(rget "$T/r.json" dropped)" ]
		[ "$dropped" -eq "$(rget "$T/r.json" tp_drops)" ]
		cmp "$T/out.pcap" "$T/exp.pcap"
	done
}

# netsniff-ng and trafgen write the host's net.core buffer sysctls
# (rmem_default/max, wmem_default/max) and put them back only on a clean
# exit: run them with private copies of those files (a mount namespace)
# so that no test changes the machine's defaults for the tests after it.
own_sysctls() {
	unshare -m sh -c 'd=$(mktemp -d) || exit 1
		for f in rmem_default rmem_max wmem_default wmem_max; do
			cat /proc/sys/net/core/$f > "$d/$f" &&
			mount --bind "$d/$f" /proc/sys/net/core/$f || exit 1
		done
		exec "$@"' sh "$@"
}

# The packets of a capture without their times (the wire has its own).
bytes_only() { packets "$1" | sed 's/^[0-9]*\.[0-9]* //'; }

@test "netsniff-ng RX (its own V3 ring): the packets of --expect-out" {
	own_sysctls "$TPSIM" run --timeout 60 --pcap "$FIX/eth-mixed.pcap" --pace lossless \
		--expect-out "$T/exp.pcap" -- \
		netsniff-ng --in tpsim0 --out "$T/n.pcap" --silent \
		> "$T/out" 2> "$T/err" || { cat "$T/out" "$T/err"; false; }
	diff <(packets "$T/n.pcap") <(packets "$T/exp.pcap")
	diff <(packets "$T/n.pcap") <(packets "$FIX/eth-mixed.pcap")
	grep -q '60  packets incoming' "$T/out"
}

# -S 1MiB: Debian's netsniff-ng 0.6.8 sizes its TX ring from the link
# speed, and at 10 Gb/s (tpsim0's default, as a veth's) asks for 152587
# blocks of 8 frames and 1220703 frames: EINVAL on the kernel too (README)
#
# netsniff-ng kicks its TX ring with sendto() from a SIGALRM handler every
# 10 us, and the handler re-arms its own timer: an alarm still pending
# when timer_purge() disarms it at the end re-arms it, and the next kick
# finds the TX ring torn down (a send of 0 bytes without a ring: EINVAL,
# and netsniff-ng panics "Flushing TX_RING failed: Invalid argument!")
# or the socket closed (EBADF, which it ignores). netsniff-ng's own exit
# race, on the kernel too (README); every frame is on the wire by then
# (timer_purge's blocking send returned), so that exit is let through and
# the wire still compared. A hang fails (--timeout).
@test "netsniff-ng TX ring (--out tpsim0 from a pcap): the wire equals the input" {
	run own_sysctls "$TPSIM" run --timeout 60 --pcap "$FIX/empty.pcap" --end none \
		--wire-out "$T/wire.pcap" -- netsniff-ng --in "$FIX/eth-mixed.pcap" \
		--out tpsim0 -S 1MiB --silent
	if [ "$status" -ne 0 ]; then
		assert_line "Flushing TX_RING failed: Invalid argument!"
		refute_output --partial "hung"
	fi
	diff <(bytes_only "$T/wire.pcap") <(bytes_only "$FIX/eth-mixed.pcap")
}

# A TX ring kicked by sendto() from a signal handler (tests/run/sigsend.c):
# the handler inside a munmap that holds the socket's lock (its send is
# deferred to that call's end; this hung netsniff-ng before), inside
# ppoll and inside epoll_pwait (its send runs at once).
@test "a signal handler's sendto kick: inside a locked munmap, inside ppoll and epoll_pwait" {
	run tpsim run --timeout 20 --pcap "$FIX/empty.pcap" --end none \
		--wire-out "$T/wire.pcap" -- "$BUILD/tests/run-sigsend"
	assert_success
	refute_output --partial "not ok"
	assert_line "1..23"
	[ "$(packets "$T/wire.pcap" | grep -c '^[0-9]')" -eq 10 ]
}

# recvmmsg/sendmmsg/close_range with the kernel's rules (tests/run/mmsg.c)
@test "recvmmsg, sendmmsg, close_range on a simulated socket" {
	run tpsim run --timeout 30 --pcap "$FIX/eth-mixed.pcap" --pace lossless \
		--end none --wire-out "$T/wire.pcap" -- \
		"$BUILD/tests/run-mmsg" "$FIX/eth-mixed.pcap"
	assert_success
	refute_output --partial "not ok"
	assert_line "1..37"
	[ "$(packets "$T/wire.pcap" | grep -c '^[0-9]')" -eq 8 ]
}

@test "netsniff-ng at the default 10 Gb/s: its TX ring request is refused (G11), as on a veth" {
	export TPSIM_RUN_TRACE=1	# not through env(1): see san_skip_p11kit
	run own_sysctls "$TPSIM" run --timeout 60 --pcap "$FIX/empty.pcap" --end none -- \
		netsniff-ng --in "$FIX/eth-mixed.pcap" \
		--out tpsim0 --silent
	assert_output --partial "G11: tp_frame_nr 1220703 != 8 frames per block * tp_block_nr 152587"
	assert_output --partial "Cannot allocate TX_RING!"
}

# tcpreplay sends each packet with send() on a packet socket without a
# TX ring: packet_snd (tpsim_send_data)
@test "tcpreplay (send() of data, no TX ring): the wire equals the input" {
	"$TPSIM" run --timeout 60 --pcap "$FIX/empty.pcap" --end none \
		--wire-out "$T/wire.pcap" -- tcpreplay -i tpsim0 \
		"$FIX/eth-mixed.pcap" > "$T/out" 2>&1 || { cat "$T/out"; false; }
	grep -q "Successful packets:        60" "$T/out" || { cat "$T/out"; false; }
	diff <(bytes_only "$T/wire.pcap") <(bytes_only "$FIX/eth-mixed.pcap")
}

@test "trafgen (TX ring) sends what its configuration says" {
	printf '{ fill(0xff, 6), 0x02, 0, 0, 0, 0, 0x09, c16(0x88b5), fill(0xaa, 46) }\n' \
		> "$T/tg.cfg"
	own_sysctls "$TPSIM" run --timeout 60 --pcap "$FIX/empty.pcap" --end none \
		--wire-out "$T/wire.pcap" -- trafgen --dev tpsim0 \
		--conf "$T/tg.cfg" -n 10 -P 1 -q > "$T/out" 2>&1 ||
		{ cat "$T/out"; false; }
	run bytes_only "$T/wire.pcap"
	[ "${#lines[@]}" -eq 50 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 5 ]
	assert_line "02:00:00:00:00:09 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5), length 60: "
	assert_line "	0x0030:  aaaa aaaa aaaa aaaa aaaa aaaa"
}

# A busy poller makes no call once set up: the producer starts when its
# socket is bound, mapped and in a fanout group, whichever came last
# (tests/run/busy.c); without a group only a wait starts it.
@test "a busy poller without a call: started at the fanout join or the mapping, never before a wait without a group" {
	for order in fanout mmap-last nofanout; do
		run "$TPSIM" run --timeout 60 --pcap "$FIX/eth-mixed.pcap" \
			--end none -- "$BUSY" "$order" 60
		assert_success
		assert_line "frames 60"
		assert_line "  socket 1: offered 60, delivered 60, dropped 0, filtered 0, ignored 0"
	done
}

# dpdk-testpmd (Debian's dpdk-dev) with DPDK's af_packet PMD on tpsim0:
# one socket per queue with its RX and TX rings in one mapping, bound,
# in a fanout group, the RX ring busy-polled with no call at all (the
# producer starts at the fanout join, interpose.h) and the TX ring kicked
# by sendto(MSG_DONTWAIT). io forwarding sends each frame back out as it
# came: the wire is the input byte for byte. --no-flush-rx: testpmd
# otherwise throws away what its RX queues hold when forwarding starts
# (flush_fwd_rx_queues), as it would on a real interface. --end (SIGINT)
# comes once the ring is drained; testpmd's forwarding core finishes its
# burst (the TX kick) before it stops. 2 lcores on 2 CPUs, no hugepages.
testpmd_run() {
	local pmd
	pmd=$(dpkg -L librte-net-af-packet23 |
		grep -m1 'pmds-[^/]*/librte_net_af_packet\.so\.[0-9]*$')
	"$TPSIM" run --timeout 60 "$@" --pace lossless \
		--wire-out "$T/wire.pcap" --report "$T/report.json" -- \
		dpdk-testpmd --no-huge -m 1024 --no-pci --no-telemetry \
		--no-shconf -l 0,1 --vdev net_af_packet0,iface=tpsim0 \
		-d "$pmd" -- --total-num-mbufs=4096 \
		--forward-mode=io --port-topology=loop --no-flush-rx -a \
		--stats-period 1 > "$T/out" 2>&1
}

# One run (testpmd takes ~2 s): three fixtures played twice, 952 frames,
# more than the PMD's ring of 512: the producer fills the ring while
# testpmd finishes its setup (~1 s here; it gives up waiting only after
# 10 s) and then reuses each slot once the busy poller has handed it back,
# which it sees in the status words alone.
@test "dpdk-testpmd (af_packet PMD: RX+TX rings in one mapping, fanout, busy poll): forwarded frames equal the input" {
	local in=(--pcap "$FIX/eth-mixed.pcap" --pcap "$FIX/vlan.pcap"
		  --pcap "$FIX/burst.pcap" --loop 2)
	testpmd_run "${in[@]}" || { cat "$T/out"; false; }
	n=952
	grep -Eq "^  RX-packets: $n +RX-dropped: 0 +RX-total: $n\$" \
		"$T/out" || { echo "want RX $n"; cat "$T/out"; false; }
	grep -Eq "^  TX-packets: $n +TX-dropped: 0 +TX-total: $n\$" \
		"$T/out" || { echo "want TX $n"; cat "$T/out"; false; }
	# socket 1 is the PMD's probe (SIOCGIFINDEX), closed after setup;
	# socket 2 is the queue's, with the rings
	grep -qx "  socket 2: offered $n, delivered $n, dropped 0, filtered 0, ignored 0" \
		"$T/out" || { cat "$T/out"; false; }
	grep -q '"wire_packets":'"$n"',' "$T/report.json" ||
		{ cat "$T/report.json"; false; }
	diff <(bytes_only "$T/wire.pcap") <(for _ in 1 2; do
		for f in eth-mixed vlan burst; do
			bytes_only "$FIX/$f.pcap"; done; done) ||
		{ echo "the wire differs from the input"; false; }
}

@test "the summary on stderr, also when tcpdump drops root for user tcpdump (no --report given)" {
	run tpsim run --timeout 60 --pcap "$FIX/eth-mixed.pcap" -- \
		sh -c "tcpdump -i tpsim0 -w - > '$T/out.pcap'"
	assert_success
	assert_line "tpsim run: tpsim0, pace lossless: 60 packets offered"
	assert_line "  socket 1: offered 60, delivered 60, dropped 0, filtered 0, ignored 0; the program read PACKET_STATISTICS 1 time: tp_packets 60, tp_drops 0"
	assert_line "  consumer checker: 0 findings"
	diff <(packets "$T/out.pcap") <(packets "$FIX/eth-mixed.pcap")
}
