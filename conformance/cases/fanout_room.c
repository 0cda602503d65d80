// SPDX-License-Identifier: MIT
/*
 * N15 at the edges of a member's room (__packet_rcv_has_room): a socket
 * without a ring whose sk_rcvbuf - sk_rmem_alloc - truesize is exactly 0
 * has no room (ROOM_NONE, not ROOM_LOW), and a V3 ring whose active
 * block is its last looks for room at the block a quarter of the ring
 * ahead, counted round to the ring's start (__tpacket_v3_has_room); a
 * member short of room, down to 1 byte, keeps a flow's frames until the
 * flow is huge (fanout_flow_is_huge). The cases mutation testing asked for (README
 * "Mutation testing").
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v));
}

/* m[0] and m[1]: ring-less sockets of protocol proto and SO_RCVBUF
 * rcvbuf in HASH group id with FLAG_ROLLOVER; false when one could not
 * be (failure recorded) */
static bool rcvbuf_pair(struct tpc_t *t, struct tpc_sock **m, int proto,
			int rcvbuf, uint16_t id)
{
	for (int i = 0; i < 2; i++) {
		int err;

		m[i] = tpc_open_proto(t, SOCK_RAW, proto);
		if (!m[i])
			return false;
		err = t->ops->setsockopt(m[i], SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					 sizeof(rcvbuf));
		if (!err)
			err = join(t, m[i], id, PACKET_FANOUT_HASH |
						PACKET_FANOUT_FLAG_ROLLOVER);
		if (err) {
			tpc_fail(t, __LINE__, "member %d of group %u: %s", i,
				 id, tpc_errname(err));
			return false;
		}
	}
	return true;
}

/*
 * HASH with FLAG_ROLLOVER over two ring-less members of sk_rcvbuf 6912
 * (SO_RCVBUF 3456), 1000-byte frames of one flow costing 2304 each (6.1
 * to 6.18, sockbuf.truesize_classes): the flow's member takes two; for
 * the third, 6912 - 4608 - 2304 = 0 is no room at all, so it rolls over
 * to the other member (ROOM_LOW would have kept it: the flow is not huge
 * after two frames), counted in tp_all but not in tp_huge.
 */
static void fanout_rollover_rcvbuf_zero(struct tpc_t *t)
{
	static uint8_t b[1000];
	struct tpacket_rollover_stats st[2];
	struct tpc_sock *m[2];
	unsigned int n[2];
	int x;

	REQUIRE(t, tpc_has_dev(t, false));
	REQUIRE(t, rcvbuf_pair(t, m, ETH_P_IP, 3456, 363));
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	for (int i = 0; i < 2; i++) {
		socklen_t len = sizeof(st[i]);

		n[i] = tpc_packets(t, m[i]);
		EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS", 0,
			     t->ops->getsockopt(m[i], SOL_PACKET,
						PACKET_ROLLOVER_STATS, &st[i],
						&len));
	}
	tpc_note(t, "members' frames %u and %u", n[0], n[1]);
	x = n[0] > n[1] ? 0 : 1;	/* the flow's member */
	EXPECT_EQ(t, "the flow's member's frames", 2, n[x]);
	EXPECT_EQ(t, "the other member's frames", 1, n[!x]);
	EXPECT_EQ(t, "the flow's member's tp_all", 1, st[x].tp_all);
	EXPECT_EQ(t, "the flow's member's tp_huge", 0, st[x].tp_huge);
	EXPECT_EQ(t, "the flow's member's tp_failed", 0, st[x].tp_failed);
}

/*
 * ROLLOVER over two V3 rings of 4 blocks of 4096 bytes, 3 frames of 1000
 * bytes to a block: member 0 takes 10 frames (the 10th opens its last
 * block, 3). Its block 0 given back, the block a quarter of the ring
 * ahead of block 3 is block 0 (3 + 1 - 4), the kernel's again: member 0
 * has room and takes the 11th too.
 */
static void fanout_rollover_v3_wrap(struct tpc_t *t)
{
	static uint8_t b[1000];
	struct tpc_sock *m[2];
	char *ring[2];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		ring[i] = tpc_ring_map(t, m[i], 4096, 4, 2048);
		REQUIRE(t, ring[i]);
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 364, PACKET_FANOUT_ROLLOVER));
	}
	tpc_eth(b, sizeof(b), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 10; i++)
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	EXPECT_EQ(t, "member 0 after 10 frames", 10, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1 after 10 frames", 0, tpc_packets(t, m[1]));
	EXPECT_HEX(t, "member 0's block 0", TP_STATUS_USER,
		   tpc_block_status(ring[0]) & TP_STATUS_USER);
	tpc_block_release(ring[0]);
	REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	EXPECT_EQ(t, "member 0 after block 0 came back", 1,
		  tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1 after block 0 came back", 0,
		  tpc_packets(t, m[1]));
}

/* One frame of len bytes (type 0x88b5, to broadcast) out of slot idx of
 * a 2-frame V2 TX ring, and off the wire */
static int send_out(struct tpc_t *t, struct tpc_sock *tx, char *ring,
		    unsigned int idx, uint32_t len)
{
	struct tpacket2_hdr *h = (void *)(ring + idx * 2048);
	static uint8_t wire[2048];

	tpc_eth((uint8_t *)h + 32, len, tpc_bcast, 0x88b5);
	h->tp_len = len;
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	if (tpc_send(t, tx, NULL, 0) != (ssize_t)len)
		return -1;
	return tpc_wire_read(t, tx, wire, sizeof(wire), 1000) == (ssize_t)len
		       ? 0
		       : -1;
}

/*
 * N15, N20: a sent frame's copy costs the receive buffer what the
 * sender's skb did: from a TX ring, the 832-byte small head holding the
 * link header and the rest as page fragments (tpacket_fill_skb: truesize
 * += the bytes past the header), 832 + len - 14 on 6.18. Member 0 of a
 * ROLLOVER group of ring-less ETH_P_ALL sockets, sk_rcvbuf 2400 (SO_RCVBUF
 * 1200), has room for a 981-byte copy (2400 - 1799 = 601, above a
 * quarter, 600) and takes it; a 982-byte one leaves 600, not above:
 * member 1 takes it. Debian's 6.12 and 6.1 head sizes differ (the
 * profiles linux-6.12 and linux-6.1 say so).
 */
static void fanout_rollover_outgoing_room(struct tpc_t *t)
{
	static uint8_t buf[2048];
	struct tpc_sock *m[2], *tx = NULL;
	int rcvbuf[2] = { 1200, 1 << 20 };
	char *rt;

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_SOCKET, SO_RCVBUF,
						 &rcvbuf[i], sizeof(int)),
			   0);
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 370, PACKET_FANOUT_ROLLOVER));
	}
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	REQUIRE(t, !send_out(t, tx, rt, 0, 981));
	EXPECT_EQ(t, "member 0 gets the 981-byte copy", 981,
		  t->ops->recv(m[0], buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERRNO(t, "member 1 after the 981-byte copy", -EAGAIN,
		     t->ops->recv(m[1], buf, sizeof(buf), MSG_DONTWAIT));
	REQUIRE(t, !send_out(t, tx, rt, 1, 982));
	EXPECT_ERRNO(t, "member 0 after the 982-byte copy", -EAGAIN,
		     t->ops->recv(m[0], buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(t, "member 1 gets the 982-byte copy", 982,
		  t->ops->recv(m[1], buf, sizeof(buf), MSG_DONTWAIT));
}

/*
 * What a sent frame's copy costs past its length (its truesize - len,
 * 818 on 6.18), found through the drop rule of a socket without a ring
 * (packet_rcv: a copy is dropped while sk_rmem_alloc >= sk_rcvbuf):
 * with sk_rcvbuf 2400 a 60-byte copy after two of len bytes is dropped
 * from len = 1200 - cost on. Each probe sends out of slot *k & 1 of the
 * 2-frame ring rt. 0 with a failure recorded when anything else happens.
 */
static uint32_t out_cost(struct tpc_t *t, struct tpc_sock *tx, char *rt,
			 unsigned int *k)
{
	static uint8_t buf[2048];
	int rcvbuf = 1200;
	uint32_t lo = 60, hi = 1000;
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);

	if (!s || t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				     sizeof(rcvbuf))) {
		tpc_fail(t, __LINE__, "a socket of SO_RCVBUF 1200");
		return 0;
	}
	for (uint32_t len = lo, probe = 0; hi - lo > 1 || probe < 2;
	     probe++) {
		unsigned int p, d;

		len = probe == 0 ? lo : probe == 1 ? hi : lo + (hi - lo) / 2;
		if (send_out(t, tx, rt, (*k)++ & 1, len) ||
		    send_out(t, tx, rt, (*k)++ & 1, len) ||
		    send_out(t, tx, rt, (*k)++ & 1, 60) ||
		    tpc_stats(t, s, &p, &d)) {
			tpc_fail(t, __LINE__, "sending %u, %u and 60 bytes",
				 len, len);
			return 0;
		}
		while (t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
			;
		if (probe < 2 && d != probe) {
			tpc_fail(t, __LINE__, "a 60-byte copy after two of %u "
				 "bytes in sk_rcvbuf 2400: expected %u drops, "
				 "got %u", len, probe, d);
			return 0;
		}
		*(d ? &hi : &lo) = len;
	}
	tpc_note(t, "a sent copy costs its length + %u", 1200 - hi);
	return 1200 - hi;
}

/*
 * N15, N20: a member of a FLAG_ROLLOVER group left exactly 1 byte of
 * receive buffer by a frame (sk_rcvbuf - sk_rmem_alloc - truesize = 1)
 * is short of room, not out of it (ROOM_LOW): it keeps the frame, its
 * flow not huge. Two ring-less ETH_P_ALL members of sk_rcvbuf 4000 in a
 * HASH group, sent copies of truesize 1500 and 1499 (a quarter, 1000,
 * still free after them), then 1001, which leaves 0: rolled over to the
 * other member; then 1000, which leaves 1: kept. Lengths are truesizes
 * less the cost out_cost measured, so every profile's head class fits.
 */
static void fanout_rollover_room_one_byte(struct tpc_t *t)
{
	static const uint32_t truesize[4] = { 1500, 1499, 1001, 1000 };
	static const int keeps[4] = { 1, 1, 0, 1 };
	struct tpacket_rollover_stats st;
	socklen_t len = sizeof(st);
	struct tpc_sock *m[2], *tx = NULL;
	unsigned int k = 0, cost;
	int x = -1;
	char *rt;

	REQUIRE(t, tpc_has_dev(t, false));
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	cost = out_cost(t, tx, rt, &k);
	REQUIRE(t, cost);
	REQUIRE(t, rcvbuf_pair(t, m, ETH_P_ALL, 2000, 372));
	for (int f = 0; f < 4; f++) {
		unsigned int n[2];

		tpc_note(t, "the copy of truesize %u (%u bytes)", truesize[f],
			 truesize[f] - cost);
		REQUIRE(t, !send_out(t, tx, rt, k++ & 1, truesize[f] - cost));
		n[0] = tpc_packets(t, m[0]);
		n[1] = tpc_packets(t, m[1]);
		EXPECT_EQ(t, "copies to the members", 1, n[0] + n[1]);
		if (x < 0)
			x = n[1];	/* the flow's member */
		EXPECT_EQ(t, "copies the flow's member keeps", keeps[f], n[x]);
	}
	EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS", 0,
		     t->ops->getsockopt(m[x], SOL_PACKET,
					PACKET_ROLLOVER_STATS, &st, &len));
	EXPECT_EQ(t, "tp_all", 1, st.tp_all);
	EXPECT_EQ(t, "tp_huge", 0, st.tp_huge);
	EXPECT_EQ(t, "tp_failed", 0, st.tp_failed);
}

/*
 * N15: HASH with FLAG_ROLLOVER over two V2 rings of 256 frames nobody
 * reads, 256 frames of one IPv4/UDP flow. The flow's member takes 192
 * with room to spare (the frame 64 ahead of its head free), then is short
 * of room (ROOM_LOW) and keeps a frame only while its flow is not huge
 * (fanout_flow_is_huge: each such frame writes its flow hash into a slot
 * of a 16-entry history, L1_CACHE_BYTES / 4, and the flow is huge once
 * it holds more than 8). So at least 9 stay (8 slots hold no more than 8
 * frames) and the rest roll over to the other member, each counted in
 * tp_all and tp_huge. The kernel writes a random slot: that the flow
 * fills 9 of 16 within 64 frames fails with a chance below 10^-14.
 */
static void fanout_rollover_huge_flow(struct tpc_t *t)
{
	struct tpacket_rollover_stats st;
	socklen_t len = sizeof(st);
	struct tpc_sock *m[2];
	unsigned int n[2], d[2];
	uint8_t b[64];
	int x;

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		REQUIRE(t, tpc_ring_map(t, m[i], 4096, 16, 256));
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 371, PACKET_FANOUT_HASH |
					PACKET_FANOUT_FLAG_ROLLOVER));
	}
	tpc_ipv4_frame(b, sizeof(b), 1, 2);
	for (int i = 0; i < 256; i++)
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	for (int i = 0; i < 2; i++)
		REQUIRE(t, !tpc_stats(t, m[i], &n[i], &d[i]));
	tpc_note(t, "members' frames %u and %u", n[0], n[1]);
	x = n[0] > n[1] ? 0 : 1;	/* the flow's member */
	EXPECT_EQ(t, "frames in all", 256, n[0] + n[1]);
	EXPECT_EQ(t, "drops in all", 0, d[0] + d[1]);
	EXPECT_TRUE(t, "the flow's member keeps 201 to 255 frames",
		    n[x] >= 201 && n[x] <= 255);
	EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS", 0,
		     t->ops->getsockopt(m[x], SOL_PACKET,
					PACKET_ROLLOVER_STATS, &st, &len));
	EXPECT_EQ(t, "the flow's member's tp_all", n[!x], st.tp_all);
	EXPECT_EQ(t, "the flow's member's tp_huge", n[!x], st.tp_huge);
	EXPECT_EQ(t, "the flow's member's tp_failed", 0, st.tp_failed);
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_fanout_room[] = {
	{ "dev.fanout_rollover_rcvbuf_zero", "N15 S1", 0,
	  .fn = fanout_rollover_rcvbuf_zero, .needs = DEV | TPC_CAP_TAP_LINK },
	{ "dev.fanout_rollover_v3_wrap", "N15", TPC_V3,
	  .fn = fanout_rollover_v3_wrap, .needs = DEV },
	{ "dev.fanout_rollover_outgoing_room", "N15 N20", TPC_V2,
	  .fn = fanout_rollover_outgoing_room,
	  .needs = DEV | TPC_CAP_TAP_LINK },
	{ "dev.fanout_rollover_room_one_byte", "N15 N20", TPC_V2,
	  .fn = fanout_rollover_room_one_byte,
	  .needs = DEV | TPC_CAP_TAP_LINK },
	{ "dev.fanout_rollover_huge_flow", "N15", TPC_V2,
	  .fn = fanout_rollover_huge_flow, .needs = DEV },
	{ .name = NULL },
};
