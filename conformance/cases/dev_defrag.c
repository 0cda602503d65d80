// SPDX-License-Identifier: MIT
/*
 * PACKET_FANOUT_FLAG_DEFRAG (rule N21, ip_check_defrag): a group's member
 * gets an IPv4 datagram whole, its header rebuilt (length, flags, checksum
 * ip_send_check), once its fragments are in; the edges of the queue
 * (ip_frag_queue: overlaps, a last fragment first, tagged fragments), and
 * two DEFRAG groups sharing the net's queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>

#include "tpc.h"
#include "tpc_dev.h"

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v));
}

/* An IPv4/UDP fragment of datagram id from 10.0.0.1: payload bytes
 * [off, off + n) of the datagram (byte i is i * 7 + id), MF set when
 * more follow; the frame padded to at least 60 bytes. */
static uint32_t fragment(uint8_t *b, uint16_t id, uint32_t off, uint32_t n,
			 bool more, uint8_t tos)
{
	uint32_t tot = 20 + n, len = 14 + tot < 60 ? 60 : 14 + tot;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	tpc_ipv4_frame(b, len, 4, 2);
	b[15] = tos;
	b[16] = (uint8_t)(tot >> 8), b[17] = (uint8_t)tot;
	b[18] = (uint8_t)(id >> 8), b[19] = (uint8_t)id;
	b[20] = (uint8_t)(fo >> 8), b[21] = (uint8_t)fo;
	for (uint32_t i = 0; i < n; i++)
		b[34 + i] = (uint8_t)((off + i) * 7 + id);
	return len;
}

static uint16_t ip_csum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The frame in ring slot i: a whole datagram id of n payload bytes,
 * IP header rewritten (tot_len, frag_off 0, checksum), tos as given. */
static void check_whole(struct tpc_t *t, char *ring, unsigned int i,
			uint16_t id, uint32_t n, uint8_t tos)
{
	void *f = tpc_frame(ring, 4096, 1024, i);
	const uint8_t *d;
	struct tpc_hdr h;

	tpc_hdr(t, f, &h);
	tpc_note(t, "datagram %#x in frame %u", id, i);
	EXPECT_HEX(t, "status", TP_STATUS_USER,
		   h.status & (TP_STATUS_USER | TP_STATUS_LOSING));
	EXPECT_EQ(t, "tp_len", 14 + 20 + n, h.len);
	d = (const uint8_t *)f + h.mac;
	EXPECT_EQ(t, "tot_len", 20 + n, d[16] << 8 | d[17]);
	EXPECT_EQ(t, "id", id, d[18] << 8 | d[19]);
	EXPECT_EQ(t, "frag_off", 0, d[20] << 8 | d[21]);
	EXPECT_EQ(t, "tos", tos, d[15]);
	EXPECT_EQ(t, "header checksum (0 when right)", 0, ip_csum(d + 14, 20));
	for (uint32_t k = 0; k < n; k++)
		if (d[34 + k] != (uint8_t)(k * 7 + id)) {
			tpc_fail(t, __LINE__, "payload byte %u: %#x", k,
				 d[34 + k]);
			return;
		}
}

/* N21: PACKET_FANOUT_FLAG_DEFRAG (ip_check_defrag): a group's member gets
 * each IPv4 datagram once, reassembled, whatever the order of its
 * fragments; a duplicate is dropped, an overlap drops what was queued;
 * a socket outside the group sees every fragment. */
static void fanout_defrag(struct tpc_t *t)
{
	struct tpc_sock *m, *plain;
	uint8_t b[128];
	uint32_t len;
	char *ring;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	plain = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m && plain);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 330, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	/* in order, the first padded past its tot_len */
	len = fragment(b, 0x101, 0, 16, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	EXPECT_EQ(t, "member after a first fragment", 0, tpc_packets(t, m));
	len = fragment(b, 0x101, 16, 20, false, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	/* backwards, CE on one fragment, ECT(0) on the other */
	len = fragment(b, 0x102, 24, 30, false, 2);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x102, 8, 16, true, 3);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x102, 0, 8, true, 2);
	REQUIRE(t, !tpc_arrive(t, b, len));
	/* a duplicate is dropped, the datagram still completes */
	len = fragment(b, 0x103, 0, 16, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x103, 16, 8, false, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	/* an overlap drops the queue: the last fragment alone is kept */
	len = fragment(b, 0x104, 0, 16, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x104, 8, 16, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x104, 24, 8, false, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	/* not a fragment: as it is */
	tpc_ipv4_frame(b, 64, 4, 2);
	REQUIRE(t, !tpc_arrive(t, b, 64));
	EXPECT_EQ(t, "plain socket: every frame", 12, tpc_packets(t, plain));
	EXPECT_EQ(t, "member: three datagrams and a whole frame", 4,
		  tpc_packets(t, m));
	check_whole(t, ring, 0, 0x101, 36, 0);
	check_whole(t, ring, 1, 0x102, 54, 3);
	check_whole(t, ring, 2, 0x103, 24, 0);
	REQUIRE(t, !t->failed);
	{	/* the whole frame as it came, its checksum (0) untouched */
		void *f = tpc_frame(ring, 4096, 1024, 3);
		struct tpc_hdr h;

		tpc_hdr(t, f, &h);
		EXPECT_EQ(t, "whole frame's tp_len", 64, h.len);
		EXPECT_TRUE(t, "the whole frame's bytes as they came",
			    !memcmp((char *)f + h.mac, b, 64));
	}
	/* the overlapped one's first two fragments came again */
	len = fragment(b, 0x104, 0, 16, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = fragment(b, 0x104, 16, 8, true, 0);
	REQUIRE(t, !tpc_arrive(t, b, len));
	EXPECT_EQ(t, "member after the overlap", 1, tpc_packets(t, m));
	check_whole(t, ring, 4, 0x104, 32, 0);
}

/* Datagram id (two fragments) on the device. */
static int datagram(struct tpc_t *t, uint16_t id)
{
	uint8_t b[128];
	uint32_t len = fragment(b, id, 0, 16, true, 0);

	if (tpc_arrive(t, b, len))
		return -1;
	len = fragment(b, id, 16, 8, false, 0);
	return tpc_arrive(t, b, len);
}

/* N21: the reassembled header's checksum (ip_send_check) where the sum
 * of its 16-bit words carries past 16 bits (id 0xffff: 0x1993f before
 * the fold), which a sum folded once too few or too many gets wrong. */
static void fanout_defrag_csum_carry(struct tpc_t *t)
{
	struct tpc_sock *m;
	char *ring;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 335, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0xffff));
	EXPECT_EQ(t, "member: the datagram", 1, tpc_packets(t, m));
	check_whole(t, ring, 0, 0xffff, 24, 0);
}

/* A fragment() of datagram id (tos 0) arrives on the device; a failure
 * is recorded and returned. */
static int frag_arrive(struct tpc_t *t, uint16_t id, uint32_t off,
		       uint32_t n, bool more)
{
	uint8_t b[128];

	return tpc_arrive(t, b, fragment(b, id, off, n, more, 0));
}

/* fragment() with an 802.1Q tag (TCI 100) after the addresses */
static uint32_t tagged(uint8_t *b, uint16_t id, uint32_t off, uint32_t n,
		       bool more)
{
	uint32_t len = fragment(b, id, off, n, more, 0);

	memmove(b + 16, b + 12, len - 12);
	b[12] = 0x81, b[13] = 0, b[14] = 0, b[15] = 100;
	return len + 4;
}

/* N21 at its edges (ip_frag_queue, ip_check_defrag): a last fragment
 * that comes twice, or again with MF set, is a duplicate, not an end
 * that moved; two datagrams whose ids differ only in the high byte are
 * two; fragments with an 802.1Q tag are untagged before the taps, so
 * they are reassembled too (the tag gone for a socket bound to
 * ETH_P_IP, R17). */
static void fanout_defrag_edges(struct tpc_t *t)
{
	struct tpc_sock *m;
	uint8_t b[160];
	uint32_t len;
	char *ring;
	struct tpc_hdr h;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	ring = tpc_ring_map(t, m, 4096, 2, 1024);
	REQUIRE(t, ring);
	EXPECT_ERR(t, join(t, m, 336, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	/* the last fragment twice, then the first (0x301); the last, then
	 * its bytes again with MF set, then the first (0x302): the MF copy
	 * ends where the datagram does, not past it (ip_frag_queue: end >
	 * qp->q.len drops the queue), so it is a duplicate the queue drops
	 * (inet_frag_queue_insert: IPFRAG_DUP) */
	for (unsigned int i = 0; i < 2; i++) {
		uint16_t id = (uint16_t)(0x301 + i);

		REQUIRE(t, !frag_arrive(t, id, 16, 8, false));
		REQUIRE(t, !frag_arrive(t, id, 16, 8, i == 1));
		REQUIRE(t, !frag_arrive(t, id, 0, 16, true));
		tpc_note(t, "the last fragment repeated %s",
			 i ? "with MF" : "as it was");
		EXPECT_EQ(t, "member after a repeated last fragment", 1,
			  tpc_packets(t, m));
		check_whole(t, ring, i, id, 24, 0);
		REQUIRE(t, !t->failed);
	}
	/* ids 0x1234 and 0x5634, interleaved */
	REQUIRE(t, !frag_arrive(t, 0x1234, 0, 16, true));
	REQUIRE(t, !frag_arrive(t, 0x5634, 0, 16, true));
	REQUIRE(t, !frag_arrive(t, 0x1234, 16, 8, false));
	REQUIRE(t, !frag_arrive(t, 0x5634, 16, 8, false));
	/* (PACKET_STATISTICS counts since the last read) */
	EXPECT_EQ(t, "member after two ids of one low byte", 2,
		  tpc_packets(t, m));
	check_whole(t, ring, 2, 0x1234, 24, 0);
	check_whole(t, ring, 3, 0x5634, 24, 0);
	REQUIRE(t, !t->failed);
	/* tagged fragments */
	len = tagged(b, 0x401, 0, 16, true);
	REQUIRE(t, !tpc_arrive(t, b, len));
	len = tagged(b, 0x401, 16, 8, false);
	REQUIRE(t, !tpc_arrive(t, b, len));
	EXPECT_EQ(t, "member after tagged fragments", 1, tpc_packets(t, m));
	check_whole(t, ring, 4, 0x401, 24, 0);
	REQUIRE(t, !t->failed);
	tpc_hdr(t, tpc_frame(ring, 4096, 1024, 4), &h);
	/* R17: a socket bound to a protocol is handed the packet with its
	 * tag taken away (0 on 6.1 and 6.18 alike) */
	EXPECT_EQ(t, "tp_vlan_tci of the tagged datagram", 0, h.vlan_tci);
}

/* N21: two DEFRAG groups share the net's queue, so the datagram goes to
 * the group that sees its last fragment first: a group of every protocol
 * before one of a protocol; among those, the group whose first member
 * was linked last (dev_add_pack puts its hook first), which a link going
 * down and up changes. */
static void fanout_defrag_groups(struct tpc_t *t)
{
	struct tpc_sock *x, *y, *z;

	REQUIRE(t, tpc_has_dev(t, false) && TPC_OPS_HAS(t->ops, set_link));
	x = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	y = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, x && y);
	EXPECT_ERR(t, join(t, y, 332, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	EXPECT_ERR(t, join(t, x, 333, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0x201));
	EXPECT_EQ(t, "x's group, joined last", 1, tpc_packets(t, x));
	EXPECT_EQ(t, "y's group", 0, tpc_packets(t, y));
	/* down and up: x, the older socket, is linked again first */
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 0), 0);
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 1), 0);
	REQUIRE(t, !datagram(t, 0x202));
	EXPECT_EQ(t, "x's group after the link came back", 0, tpc_packets(t, x));
	EXPECT_EQ(t, "y's group, linked again last", 1, tpc_packets(t, y));
	z = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, z);
	EXPECT_ERR(t, join(t, z, 334, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0x203));
	EXPECT_EQ(t, "the ETH_P_ALL group", 1, tpc_packets(t, z));
	EXPECT_EQ(t, "x's group", 0, tpc_packets(t, x));
	EXPECT_EQ(t, "y's group", 0, tpc_packets(t, y));
}

/* The link always comes back up, whatever the case found. */
static void fanout_defrag_groups_up(struct tpc_t *t)
{
	fanout_defrag_groups(t);
	if (TPC_OPS_HAS(t->ops, set_link))
		t->ops->set_link(t->bctx, 1);
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_dev_defrag[] = {
	{ "dev.fanout_defrag", "N21", TPC_V2, .fn = fanout_defrag,
	  .needs = DEV },
	{ "dev.fanout_defrag_csum_carry", "N21", TPC_V2,
	  .fn = fanout_defrag_csum_carry, .needs = DEV },
	{ "dev.fanout_defrag_edges", "N21 R17", TPC_V2,
	  .fn = fanout_defrag_edges, .needs = DEV },
	{ "dev.fanout_defrag_groups", "N21", 0, .fn = fanout_defrag_groups_up,
	  .needs = DEV | TPC_CAP_TAP_LINK },
	{ NULL },
};
