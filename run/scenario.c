// SPDX-License-Identifier: MIT
/*
 * The hostile scenarios' table: each entry names the public report that
 * motivates it. What a scenario does is in its own small file
 * (run/scenario_*.c); the producer only calls its hooks.
 */
#include <string.h>

#include "tpr.h"

static const struct tpr_scenario_info table[] = {
	{ "losing-burst",
	  "libpcap#898, libpcap#546 (the reader out of step with the kernel)",
	  "bursts that overrun the ring while the consumer is behind: drops, "
	  "then TP_STATUS_LOSING" },
	{ "v3-frozen",
	  "Suricata PR#64 (lapping frames still in use); tp_freeze_q_cnt",
	  "every V3 block filled until the queue freezes, then more packets" },
	{ "v3-empty-block",
	  "gopacket#251 (an empty V3 block parsed as a packet)",
	  "a packet that fills a whole block arrives at an empty open block: "
	  "the block is closed with num_pkts 0" },
	{ "vlan-stacked",
	  "Suricata PR#2574 (VLAN read from the wrong header), libpcap PR#346 "
	  "(the 802.1ad TPID)",
	  "802.1ad outer tags held outside the data over 802.1Q tags in it" },
	{ "copy",
	  "packet_mmap.txt on PACKET_COPY_THRESH (TP_STATUS_COPY frames)",
	  "PACKET_COPY_THRESH on every socket and packets larger than a frame" },
	{ "csum-partial",
	  "TP_STATUS_CSUMNOTREADY (tcpdump's 'incorrect checksum' on "
	  "offloaded traffic)",
	  "TCP/UDP packets marked CHECKSUM_PARTIAL, the checksum field holding "
	  "the pseudo-header sum" },
	{ "hw-timestamps",
	  "TP_STATUS_TS_RAW_HARDWARE (PACKET_TIMESTAMP with "
	  "SOF_TIMESTAMPING_RAW_HARDWARE)",
	  "hardware stamps that differ from the software ones" },
	{ "size-edges",
	  "libpcap#185 and the ring's cut: frames of 14, 15, snaplen +-1, "
	  "block end",
	  "a frame at every size boundary of every ring on the device" },
	{ "link-flap",
	  "Suricata and libpcap hangs when the interface goes down",
	  "the interface goes down and comes back mid-capture (ENETDOWN)" },
	{ "old-retire",
	  "the V3 retire timer before Linux 6.18 (timer_list re-armed at each "
	  "block open)",
	  "sockets on the linux-6.12 profile, packets spaced around the block "
	  "timeout" },
};

const struct tpr_scenario_info *tpr_scenario_at(size_t i)
{
	return i < sizeof(table) / sizeof(table[0]) ? &table[i] : NULL;
}

void tpr_scenario_list(FILE *to)
{
	const struct tpr_scenario_info *s;

	for (size_t i = 0; (s = tpr_scenario_at(i)); i++)
		fprintf(to, "%-15s %s\n%-15s from: %s\n", s->name, s->summary,
			"", s->motivation);
}
