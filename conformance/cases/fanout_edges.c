// SPDX-License-Identifier: MIT
/*
 * Edges of the fanout hash (N16): the flow dissector reads AH's SPI, 4
 * bytes into its header, as the flow's ports only when all 4 of its
 * bytes are in the frame (skb_flow_get_ports(): __skb_header_pointer of
 * the 4 bytes at proto_ports_offset()). A CBPF fanout program runs on
 * a frame of only the link header as on any other (fanout_demux_bpf()).
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "../tpc.h"
#include "tpc_dev.h"

/* An IPv4 header from 10.0.0.1 to 10.0.0.2 of protocol AH (51) */
static const uint8_t ip4_ah[20] = {
	0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, 51, 0, 0,
	10, 0, 0, 1, 10, 0, 0, 2,
};

/*
 * 32 AH frames of 42 bytes (the SPI's last byte the frame's last) that
 * differ only in that byte spread over both members of a two-member
 * HASH group (the hash is keyed at boot: all 32 on one member has a
 * chance of 2^-31); 32 frames of 41 bytes that differ only in the SPI's
 * third byte, the last they hold, go to one member: no ports.
 */
static void fanout_hash_ah_edge(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	uint8_t b[42];
	unsigned int n0, n1;

	if (!TPC_OPS_HAS(t->ops, bind)) {
		tpc_skip(t, "the backend has no bind");
		return;
	}
	REQUIRE(t, tpc_fanout_group(t, m, 2, 351, PACKET_FANOUT_HASH));
	for (unsigned int k = 0; k < 32; k++) {
		tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
		memcpy(b + 14, ip4_ah, sizeof(ip4_ah));
		memset(b + 34, 0x11, 8);
		b[41] = (uint8_t)k;
		REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	}
	n0 = tpc_packets(t, m[0]);
	n1 = tpc_packets(t, m[1]);
	tpc_note(t, "42-byte frames by SPI: %u and %u", n0, n1);
	EXPECT_EQ(t, "42-byte frames", 32, n0 + n1);
	EXPECT_TRUE(t, "both members have some of the 42-byte flows",
		    n0 && n1);
	for (unsigned int k = 0; k < 32; k++) {
		tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
		memcpy(b + 14, ip4_ah, sizeof(ip4_ah));
		memset(b + 34, 0x11, 8);
		b[40] = (uint8_t)k;
		REQUIRE(t, !tpc_inject(t, NULL, b, 41));
	}
	n0 = tpc_packets(t, m[0]);
	n1 = tpc_packets(t, m[1]);
	tpc_note(t, "41-byte frames: %u and %u", n0, n1);
	EXPECT_EQ(t, "41-byte frames", 32, n0 + n1);
	EXPECT_TRUE(t, "the 41-byte frames on one member", !n0 || !n1);
}

/* N18: a program that returns 1 sends a 14-byte frame (the link header
 * and nothing after it) to member 1 of a two-member CBPF group */
static void fanout_cbpf_header_only(struct tpc_t *t)
{
	struct sock_filter prog[] = { BPF_STMT(BPF_RET | BPF_K, 1) };
	struct sock_fprog fp = { .len = 1, .filter = prog };
	struct tpc_sock *m[2];
	uint8_t b[14];

	if (!TPC_OPS_HAS(t->ops, bind)) {
		tpc_skip(t, "the backend has no bind");
		return;
	}
	REQUIRE(t, tpc_fanout_group(t, m, 2, 352, PACKET_FANOUT_CBPF));
	EXPECT_ERR(t, t->ops->setsockopt(m[0], SOL_PACKET, PACKET_FANOUT_DATA,
					 &fp, sizeof(fp)),
		   0);
	tpc_eth(b, sizeof(b), t->dev_addr, 0x88b5);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	EXPECT_EQ(t, "member 0's frames", 0, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1's frames", 1, tpc_packets(t, m[1]));
}

const struct tpc_case tpc_cases_fanout_edges[] = {
	{ "dev.fanout_hash_ah_edge", "N16", 0, .fn = fanout_hash_ah_edge },
	{ "dev.fanout_cbpf_header_only", "N18", 0,
	  .fn = fanout_cbpf_header_only },
	{ .name = NULL },
};
