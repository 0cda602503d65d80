// SPDX-License-Identifier: MIT
/*
 * Cases on facts that changed between kernels (sim/profile.c), written so
 * every supported kernel passes them and the older profiles are held to
 * their data too (make mutation runs the V3 cases under linux-6.1 and the
 * V1 cases under linux-2.6):
 *
 * - R14 on a V3 ring: SOCK_DGRAM names the ethertype after the stacked
 *   tags (vlan_get_protocol_dgram(), in 6.1 too through the stable
 *   backport), as flags.vlan_stacked_dgram shows on V1/V2.
 * - G12: the owner bitmap of a V1/V2 RX ring (5.7 on) is one kmalloc,
 *   limited at 4 MiB, not at the 128 KiB of 2.6's kmalloc: a ring of
 *   1114112 frames (a 136 KiB bitmap) is accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "../tpc.h"

/* R14: 802.1ad TCI 200 around 802.1Q TCI 100 around ARP, on V3 DGRAM */
static void v3_vlan_stacked_dgram(struct tpc_t *t)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 200, 0x81, 0x00,
					0x00, 100, 0x08, 0x06, 0x00, 0x01 };
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10 };
	struct tpc_sock *s = tpc_open(t, SOCK_DGRAM);
	const struct tpacket_block_desc *b;
	const struct tpacket3_hdr *h;
	const struct sockaddr_ll *sll;
	uint8_t pkt[64];
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_req3(t, s, PACKET_RX_RING, &q));
	r = tpc_map_all(t, s, 4096);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0);
	memcpy(pkt + 12, tags, sizeof(tags));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));
	REQUIRE(t, tpc_block_status(r) & TP_STATUS_USER);
	b = (const void *)r;
	EXPECT_EQ(t, "num_pkts", 1, b->hdr.bh1.num_pkts);
	h = (const void *)(r + b->hdr.bh1.offset_to_first_pkt);
	sll = (const void *)((const char *)h +
			     TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
	EXPECT_EQ(t, "tp_len (the inner tag stays in the data)", 46,
		  h->tp_len);
	EXPECT_EQ(t, "tp_vlan_tci (the outer tag)", 200, h->hv1.tp_vlan_tci);
	EXPECT_HEX(t, "tp_vlan_tpid", 0x88a8, h->hv1.tp_vlan_tpid);
	EXPECT_HEX(t, "sll_protocol: the type after both tags",
		   htons(ETH_P_ARP), sll->sll_protocol);
}

/* G12: 17 blocks of 4 MiB with 64-byte frames, 1114112 frames */
static void owner_bitmap_136k(struct tpc_t *t)
{
	struct tpacket_req q = { .tp_block_size = 4u << 20,
				 .tp_block_nr = 17, .tp_frame_size = 64,
				 .tp_frame_nr = 17u * ((4u << 20) / 64) };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int err;

	REQUIRE(t, s);
	err = t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
				 sizeof(q));
	if (err == -ENOMEM && strcmp(t->backend, "sim")) {
		tpc_skip(t, "a 68 MiB RX ring: ENOMEM (memory, not a rule)");
		return;
	}
	tpc_note(t, "%u frames: an owner bitmap of %u bytes", q.tp_frame_nr,
		 q.tp_frame_nr / 8);
	EXPECT_ERRNO(t, "RX ring with a 136 KiB owner bitmap", 0, err);
}

const struct tpc_case tpc_cases_profile_edges[] = {
	{ "flags.vlan_stacked_dgram_block", "R14", TPC_V3,
	  .fn = v3_vlan_stacked_dgram },
	{ "bounds.owner_bitmap_136k", "G12", TPC_V12,
	  .fn = owner_bitmap_136k, .timeout_s = 60 },
	{ .name = NULL },
};
