// SPDX-License-Identifier: MIT
/*
 * What a device hands its fanout groups at the edges the other device
 * cases leave (R17, N14, N19): a tagged frame too short for
 * skb_vlan_untag() reaches no tap, and a priority tag (VID 0) leaves a
 * frame PACKET_HOST for a fanout program. The cases mutation testing asked for (README
 * "Mutation testing").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

/*
 * R17, N14: skb_vlan_untag() frees a frame whose tag is not followed by
 * 6 bytes (the tag and the 2 bytes after it, which
 * vlan_set_encap_proto() may read) before any tap sees it: a tagged frame
 * of 18 bytes reaches neither an ETH_P_ALL socket nor a group of ETH_P_IP
 * and moves no LB counter, so one of 20 bytes after it is the group's
 * first frame (member 1); then one of 19 bytes, as nothing, and an IPv4
 * frame to member 0. A frame of 22 bytes with a second tag (VID 5 around
 * VID 7) is untagged once, so the ETH_P_ALL socket has it even though
 * the tag left in its data has no 6 bytes after the header (with a NIC's
 * VLAN offload, TPC_SIM_VLAN=offload, the outer tag comes outside the
 * data and skb_vlan_untag() leaves the frame as it is); VID 5 sends it to
 * no ETH_P_IP group.
 */
static void fanout_tag_cut_short(struct tpc_t *t)
{
	struct tpc_sock *m[2], *all;
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, false));
	all = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, all);
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ 365 | PACKET_FANOUT_LB << 16 },
				sizeof(int)),
			   0);
	}
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_8021Q);
	b[14] = 0, b[15] = 5, b[16] = 0x08, b[17] = 0, b[18] = 0x45;
	REQUIRE(t, !tpc_arrive(t, b, 18));
	REQUIRE(t, !tpc_arrive(t, b, 20));
	EXPECT_EQ(t, "the ETH_P_ALL socket's frames (18 and 20 bytes)", 1,
		  tpc_packets(t, all));
	EXPECT_EQ(t, "member 0's frames (18 and 20 bytes)", 0,
		  tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1's frames (18 and 20 bytes)", 1,
		  tpc_packets(t, m[1]));
	REQUIRE(t, !tpc_arrive(t, b, 19));
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
	b[14] = 0x45;
	REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	EXPECT_EQ(t, "the ETH_P_ALL socket's frames (19 and 64 bytes)", 1,
		  tpc_packets(t, all));
	EXPECT_EQ(t, "member 0's frames (19 and 64 bytes)", 1,
		  tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1's frames (19 and 64 bytes)", 0,
		  tpc_packets(t, m[1]));
	tpc_tags(t, b, 5, 7, ETH_P_IP);
	REQUIRE(t, !tpc_arrive(t, b, 22));
	EXPECT_EQ(t, "the ETH_P_ALL socket's frames (22 bytes, two tags)", 1,
		  tpc_packets(t, all));
	EXPECT_EQ(t, "the group's frames (22 bytes, two tags)", 0,
		  tpc_packets(t, m[0]) + tpc_packets(t, m[1]));
}

/* N19, R17: in a group of ETH_P_IP, a priority tag (PCP 3, VID 0) around
 * IPv4 leaves the frame PACKET_HOST (0): member 0 of 4 of a program
 * returning SKF_AD_PKTTYPE, where a VID would make it PACKET_OTHERHOST
 * (member 3, dev.fanout_cbpf_vid_otherhost) */
static void fanout_cbpf_priority_host(struct tpc_t *t)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE)),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog fp = { .len = 2, .filter = prog };
	struct tpc_sock *m[4];
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 4; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ 366 | PACKET_FANOUT_CBPF << 16 },
				sizeof(int)),
			   0);
	}
	EXPECT_ERR(t, t->ops->setsockopt(m[0], SOL_PACKET, PACKET_FANOUT_DATA,
					 &fp, sizeof(fp)),
		   0);
	tpc_tags(t, b, 0x6000, -1, ETH_P_IP);
	REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	for (int i = 0; i < 4; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", i == 0, tpc_packets(t, m[i]));
	}
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_dev_receive_edges[] = {
	{ "dev.fanout_tag_cut_short", "R17 N14", 0,
	  .fn = fanout_tag_cut_short,
	  .needs = DEV },
	{ "dev.fanout_cbpf_priority_host", "N19 R17", 0,
	  .fn = fanout_cbpf_priority_host, .needs = DEV },
	{ .name = NULL },
};
