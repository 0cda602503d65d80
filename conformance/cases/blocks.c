// SPDX-License-Identifier: MIT
/*
 * TPACKET_V3 blocks (G6, B1-B7, O7): the block descriptor, packet chains,
 * blocks closed when full and by the retire timer, the frozen queue,
 * LOSING on blocks, the largest packet a block takes, rxhash and VLAN,
 * poll on blocks, and which retire-timer model the kernel runs.
 *
 * Cases that must not see the timer use a 60 s timeout (the old kernels
 * keep it in 16 bits, so no more than 65535 ms); cases about the timer
 * wait with the backend's sleep/poll, which is virtual time on sim.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <string.h>

#include "../tpc.h"

#define QUIET_TOV 60000u	/* ms: the timer stays out of the way */
#define BS 4096u

static struct tpacket_block_desc *blk(char *ring, uint32_t i)
{
	return (struct tpacket_block_desc *)(ring + (size_t)i * BS);
}

static struct tpacket3_hdr *pkt(char *ring, uint32_t b, uint32_t off)
{
	return (struct tpacket3_hdr *)((char *)blk(ring, b) + off);
}

/* Inject n Ethernet frames of len bytes (broadcast, experimental type). */
static int burst(struct tpc_t *t, struct tpc_sock *s, int n, uint32_t len)
{
	uint8_t f[1514];

	tpc_eth(f, len, tpc_bcast, 0x88b5);
	for (int i = 0; i < n; i++)
		if (tpc_inject(t, s, f, len))
			return -1;
	return 0;
}

static void descriptor(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 3, QUIET_TOV, 13, 0, &s);
	struct tpacket_block_desc *b;

	REQUIRE(t, r);
	b = blk(r, 0);
	EXPECT_EQ(t, "block 0 version", TPACKET_V3, b->version);
	EXPECT_EQ(t, "offset_to_priv", 48, b->offset_to_priv);
	EXPECT_HEX(t, "block_status", TP_STATUS_KERNEL,
		   tpc_block_status(b));
	EXPECT_EQ(t, "num_pkts", 0, b->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "offset_to_first_pkt (priv 13)", 64,
		  b->hdr.bh1.offset_to_first_pkt);
	EXPECT_EQ(t, "blk_len of an empty block", 64, b->hdr.bh1.blk_len);
	EXPECT_EQ(t, "seq_num of block 0", 1, b->hdr.bh1.seq_num);
	EXPECT_EQ(t, "seq_num of block 1 (not opened)", 0,
		  blk(r, 1)->hdr.bh1.seq_num);
}

static void chain_and_full_close(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 3, QUIET_TOV, 13, 0, &s);
	struct tpacket_block_desc *b;
	uint32_t off = 64;

	REQUIRE(t, r);
	/* 100-byte frames take ALIGN8(82 + 100) = 184 bytes each: 21 fit
	 * strictly below the end of a 4096-byte block after 64 */
	REQUIRE(t, !burst(t, s, 22, 100));
	b = blk(r, 0);
	EXPECT_HEX(t, "block 0 status after 22 frames", TP_STATUS_USER,
		   tpc_block_status(b));
	EXPECT_EQ(t, "num_pkts", 21, b->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "blk_len", 64 + 21 * 184, b->hdr.bh1.blk_len);
	for (int i = 0; i < 21; i++) {
		struct tpacket3_hdr *h = pkt(r, 0, off);

		tpc_note(t, "packet %d at offset %u", i, off);
		EXPECT_EQ(t, "tp_mac", 82, h->tp_mac);
		EXPECT_EQ(t, "tp_net", 96, h->tp_net);
		EXPECT_EQ(t, "tp_len", 100, h->tp_len);
		EXPECT_EQ(t, "tp_snaplen", 100, h->tp_snaplen);
		EXPECT_HEX(t, "packet tp_status", TP_STATUS_USER, h->tp_status);
		EXPECT_EQ(t, "tp_next_offset", i == 20 ? 0 : 184,
			  h->tp_next_offset);
		off += 184;
	}
	tpc_note(t, "block 1");
	EXPECT_EQ(t, "seq_num", 2, blk(r, 1)->hdr.bh1.seq_num);
	EXPECT_EQ(t, "num_pkts (open block)", 1, blk(r, 1)->hdr.bh1.num_pkts);
	EXPECT_HEX(t, "status (open block)", TP_STATUS_KERNEL,
		   tpc_block_status(blk(r, 1)));
}

static void seq_after_wrap(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, QUIET_TOV, 0, 0, &s);

	REQUIRE(t, r);
	/* two 1500-byte frames per block (ALIGN8(1582) = 1584); the third
	 * closes the block */
	for (uint32_t round = 0; round < 4; round++) {
		REQUIRE(t, !burst(t, s, 2, 1500));
		tpc_note(t, "round %u", round);
		if (round) {
			EXPECT_HEX(t, "previous block closed", TP_STATUS_USER,
				   tpc_block_status(blk(r, (round - 1) % 2)));
			EXPECT_EQ(t, "previous block seq_num", round,
				  blk(r, (round - 1) % 2)->hdr.bh1.seq_num);
			tpc_block_release(blk(r, (round - 1) % 2));
		}
	}
	EXPECT_EQ(t, "seq_num of block 1 in round 4", 4,
		  blk(r, 1)->hdr.bh1.seq_num);
}

static void timeout_partial_block(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 3, 50, 0, 0, &s);
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h1, *h2;

	REQUIRE(t, r);
	REQUIRE(t, !burst(t, s, 2, 60));
	EXPECT_EQ(t, "poll for the timeout (2 s bound)", POLLIN,
		  t->ops->poll(s, POLLIN, 2000));
	b = blk(r, 0);
	EXPECT_HEX(t, "block status", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(b));
	EXPECT_EQ(t, "num_pkts", 2, b->hdr.bh1.num_pkts);
	h1 = pkt(r, 0, b->hdr.bh1.offset_to_first_pkt);
	EXPECT_EQ(t, "first tp_next_offset", 144, h1->tp_next_offset);
	h2 = pkt(r, 0, 48 + 144);
	EXPECT_EQ(t, "last tp_next_offset", 0, h2->tp_next_offset);
	EXPECT_EQ(t, "ts_last_pkt sec = last packet's", h2->tp_sec,
		  b->hdr.bh1.ts_last_pkt.ts_sec);
	EXPECT_EQ(t, "ts_last_pkt nsec = last packet's", h2->tp_nsec,
		  b->hdr.bh1.ts_last_pkt.ts_nsec);
	EXPECT_EQ(t, "block 1 opened", 2, blk(r, 1)->hdr.bh1.seq_num);
}

static void empty_block_not_retired(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, 20, 0, 0, &s);

	REQUIRE(t, r);
	REQUIRE(t, !tpc_sleep_ms(t, s, 200));	/* ten expiries */
	EXPECT_HEX(t, "idle block status after 200 ms", TP_STATUS_KERNEL,
		   tpc_block_status(blk(r, 0)));
	EXPECT_EQ(t, "seq_num", 1, blk(r, 0)->hdr.bh1.seq_num);
	EXPECT_EQ(t, "poll", 0, t->ops->poll(s, POLLIN, 0));
}

static void frozen_queue(struct tpc_t *t)
{
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 3, QUIET_TOV, 0, 0, &s);

	REQUIRE(t, r);
	/* 3 blocks of two frames: 6 land, the 7th freezes, 4 are lost */
	REQUIRE(t, !burst(t, s, 10, 1500));
	EXPECT_ERR(t, t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st,
					 &len),
		   0);
	EXPECT_EQ(t, "optlen of tpacket_stats_v3", sizeof(st), len);
	EXPECT_EQ(t, "tp_packets", 10, st.tp_packets);
	EXPECT_EQ(t, "tp_drops", 4, st.tp_drops);
	EXPECT_EQ(t, "tp_freeze_q_cnt", 1, st.tp_freeze_q_cnt);
	EXPECT_HEX(t, "block 2 closed before the drops", TP_STATUS_USER,
		   tpc_block_status(blk(r, 2)));
	/* returning block 0 thaws the queue at the next packet */
	tpc_block_release(blk(r, 0));
	REQUIRE(t, !burst(t, s, 1, 1500));
	EXPECT_EQ(t, "block 0 reopened: seq_num", 4,
		  blk(r, 0)->hdr.bh1.seq_num);
	EXPECT_EQ(t, "block 0 reopened: num_pkts", 1,
		  blk(r, 0)->hdr.bh1.num_pkts);
	len = sizeof(st);
	EXPECT_ERR(t, t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st,
					 &len),
		   0);
	EXPECT_EQ(t, "tp_freeze_q_cnt reset by the read", 0,
		  st.tp_freeze_q_cnt);
}

static void losing_on_block(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, QUIET_TOV, 0, 0, &s);

	REQUIRE(t, r);
	REQUIRE(t, !burst(t, s, 5, 1500));	/* 4 land, 1 dropped */
	tpc_block_release(blk(r, 0));
	/* two more fill block 0, a third closes it while drops are unread */
	REQUIRE(t, !burst(t, s, 3, 1500));
	EXPECT_HEX(t, "block 0 closed with drops pending",
		   TP_STATUS_USER | TP_STATUS_LOSING,
		   tpc_block_status(blk(r, 0)));
	EXPECT_HEX(t, "packet status inside it (no LOSING per packet)",
		   TP_STATUS_USER, pkt(r, 0, 48)->tp_status);
	EXPECT_HEX(t, "block 1 closed before any drop", TP_STATUS_USER,
		   tpc_block_status(blk(r, 1)));
}

static void jumbo_closes_empty_block(struct tpc_t *t)
{
	struct tpc_sock *s;
	/* priv 2456: packets start at 2504, a block takes 1592 = 82 + 1510 */
	char *r = tpc_open_v3(t, BS, 3, QUIET_TOV, 2456, 0, &s);
	struct tpacket3_hdr *h;

	REQUIRE(t, r);
	REQUIRE(t, !burst(t, s, 1, 1514));
	/* the packet ends exactly at the block end, which is not strictly
	 * below it: the empty block is closed and the next one takes it */
	EXPECT_HEX(t, "block 0 closed empty", TP_STATUS_USER,
		   tpc_block_status(blk(r, 0)));
	EXPECT_EQ(t, "block 0 num_pkts", 0, blk(r, 0)->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "block 1 num_pkts", 1, blk(r, 1)->hdr.bh1.num_pkts);
	h = pkt(r, 1, 2504);
	EXPECT_EQ(t, "tp_len", 1514, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen cut to the block", 1510, h->tp_snaplen);
	EXPECT_EQ(t, "tp_next_offset", 1592, h->tp_next_offset);
}

static void frame_size_does_not_cut(struct tpc_t *t)
{
	/* 128-byte frames: V1/V2 would cut a 1000-byte packet to 128 -
	 * tp_mac; a V3 ring ignores tp_frame_size when it places packets */
	struct tpacket_req3 q = { .tp_block_size = BS, .tp_block_nr = 2,
				  .tp_frame_size = 128, .tp_frame_nr = 64,
				  .tp_retire_blk_tov = QUIET_TOV };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket3_hdr *h;
	char *r;

	REQUIRE(t, s);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	r = tpc_map_all(t, s, 2 * BS);
	REQUIRE(t, r);
	REQUIRE(t, !burst(t, s, 2, 1000));
	h = pkt(r, 0, 48);
	EXPECT_EQ(t, "tp_snaplen", 1000, h->tp_snaplen);
	EXPECT_EQ(t, "tp_next_offset", 1088, h->tp_next_offset);
	EXPECT_EQ(t, "second packet's tp_len", 1000,
		  pkt(r, 0, 48 + 1088)->tp_len);
}

/* A UDP/IPv4 frame: the flow hash needs addresses and ports */
static void udp_frame(uint8_t *f, uint32_t len)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17,
					0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };

	tpc_eth(f, len, tpc_bcast, ETH_P_IP);
	memcpy(f + 14, ip, sizeof(ip));
	f[34] = 0x30;	/* ports 12345 -> 80 */
	f[35] = 0x39;
	f[36] = 0;
	f[37] = 80;
}

static void rxhash_on_request(struct tpc_t *t)
{
	struct tpc_sock *s, *s2;
	char *r = tpc_open_v3(t, BS, 2, QUIET_TOV, 0, TP_FT_REQ_FILL_RXHASH,
			      &s);
	char *r2;
	uint8_t f[60];

	REQUIRE(t, r);
	r2 = tpc_open_v3(t, BS, 2, QUIET_TOV, 0, 0, &s2);
	REQUIRE(t, r2);
	udp_frame(f, sizeof(f));
	REQUIRE(t, !tpc_inject(t, s, f, sizeof(f)));
	EXPECT_TRUE(t, "tp_rxhash is filled with TP_FT_REQ_FILL_RXHASH",
		    pkt(r, 0, 48)->hv1.tp_rxhash != 0);
	EXPECT_EQ(t, "tp_rxhash without the feature", 0,
		  pkt(r2, 0, 48)->hv1.tp_rxhash);
}

/* B6: tp_rxhash names the flow (skb_get_hash: addresses, protocol,
 * ports): a frame of the same flow again has the same, a flow that
 * differs only in the last byte of its destination address, or only in
 * a UDP, TCP or SCTP port, another (a keyed 32-bit hash: 2^-32 of a
 * chance that two flows share one); a protocol without ports, or a
 * frame that is not IP, is named by what it has, whatever follows. */
static void rxhash_by_flow(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, QUIET_TOV, 0, TP_FT_REQ_FILL_RXHASH,
			      &s);
	struct tpacket3_hdr *h;
	uint32_t hash[12];
	uint8_t f[60];

	REQUIRE(t, r);
	for (int i = 0; i < 12; i++) {
		udp_frame(f, sizeof(f));
		if (i == 2)
			f[33] = 3;		/* to 10.0.0.3 */
		if (i == 3 || i == 5 || i == 7)
			f[37] = 81;		/* to port 81 */
		if (i == 4 || i == 5)
			f[23] = 6;		/* TCP */
		if (i == 6 || i == 7)
			f[23] = 132;		/* SCTP */
		if (i == 8 || i == 9)
			f[23] = 254;		/* no ports */
		if (i == 9)
			f[37] = 81;
		if (i >= 10)	/* not IP: only the type counts */
			tpc_eth(f, sizeof(f), tpc_bcast, 0x88b5);
		if (i == 11)
			f[30] ^= 0xff;
		REQUIRE(t, !tpc_inject(t, s, f, sizeof(f)));
	}
	h = pkt(r, 0, 48);
	for (int i = 0; i < 12; i++) {
		hash[i] = h->hv1.tp_rxhash;
		h = (struct tpacket3_hdr *)((char *)h + h->tp_next_offset);
	}
	EXPECT_EQ(t, "the same flow twice", hash[0], hash[1]);
	EXPECT_TRUE(t, "another destination address", hash[0] != hash[2]);
	EXPECT_TRUE(t, "another UDP port", hash[0] != hash[3]);
	EXPECT_TRUE(t, "another TCP port", hash[4] != hash[5]);
	EXPECT_TRUE(t, "another SCTP port", hash[6] != hash[7]);
	EXPECT_EQ(t, "protocol 254, other bytes where ports would be",
		  hash[8], hash[9]);
	EXPECT_EQ(t, "type 0x88b5, other bytes", hash[10], hash[11]);
}

static void vlan_in_hv1(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, 20, 0, 0, &s);
	struct tpacket3_hdr *h;
	uint8_t f[104];

	REQUIRE(t, r);
	tpc_eth(f, sizeof(f), tpc_bcast, ETH_P_8021Q);
	f[14] = 0x20;	/* TCI 0x2005 */
	f[15] = 0x05;
	f[16] = 0x88;	/* inner type 0x88b5 */
	f[17] = 0xb5;
	REQUIRE(t, !tpc_inject(t, s, f, sizeof(f)));
	EXPECT_EQ(t, "poll for the timeout", POLLIN,
		  t->ops->poll(s, POLLIN, 2000));
	h = pkt(r, 0, 48);
	EXPECT_HEX(t, "packet tp_status",
		   TP_STATUS_USER | TP_STATUS_VLAN_VALID |
			   TP_STATUS_VLAN_TPID_VALID,
		   h->tp_status);
	EXPECT_HEX(t, "hv1.tp_vlan_tci", 0x2005, h->hv1.tp_vlan_tci);
	EXPECT_HEX(t, "hv1.tp_vlan_tpid", ETH_P_8021Q, h->hv1.tp_vlan_tpid);
	EXPECT_EQ(t, "tp_len (untagged)", 100, h->tp_len);
}

static void poll_previous_block(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 3, QUIET_TOV, 0, 0, &s);

	REQUIRE(t, r);
	EXPECT_EQ(t, "poll, empty ring", 0, t->ops->poll(s, POLLIN, 0));
	REQUIRE(t, !burst(t, s, 2, 1500));
	EXPECT_EQ(t, "poll, block 0 full but open", 0,
		  t->ops->poll(s, POLLIN, 0));
	REQUIRE(t, !burst(t, s, 1, 1500));
	EXPECT_EQ(t, "poll, block 0 closed", POLLIN,
		  t->ops->poll(s, POLLIN, 0));
	tpc_block_release(blk(r, 0));
	EXPECT_EQ(t, "poll, block 0 returned", 0, t->ops->poll(s, POLLIN, 0));
}

static void g6_priv_limits(struct tpc_t *t)
{
	struct tpacket_req3 r = { .tp_block_size = BS, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2 };
	struct tpacket_req old = { BS, 1, 2048, 2 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	EXPECT_ERR(t, t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &old,
					 sizeof(old)),
		   -EINVAL);
	r.tp_sizeof_priv = 3980;	/* 48 + 3984 + 68 = 4100 */
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &r), -EINVAL);
	r.tp_sizeof_priv = 0xfffffff8u;	/* wraps 32 bits */
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &r), -EINVAL);
	r.tp_sizeof_priv = 3976;	/* 48 + 3976 + 68 = 4092 */
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &r), 0);
}

/*
 * G14: tp_retire_blk_tov 0 derives the timeout from the link speed. A TAP
 * reports 10 Gb/s (since 6.0), so 16 MiB blocks give 128 Mbit / 10 + 1 =
 * 13 ms: the block is retired no earlier than that after setup (a timer
 * never fires early), and long before a 1 s timer started after it that
 * watches the same packet.
 */
static void default_retire_tov(struct tpc_t *t)
{
	const unsigned int big = 16u << 20;
	struct tpc_sock *a, *b;
	char *ra, *rb;
	int64_t t0, tret;

	/* before the setup: the timer starts somewhere inside it, and
	 * setsockopt returns only after an RCU grace period */
	REQUIRE(t, (a = tpc_open(t, SOCK_RAW)));
	t0 = tpc_now_ns(t, a);
	REQUIRE(t, t0 >= 0);
	{
		struct tpacket_req3 q = { .tp_block_size = big,
					  .tp_block_nr = 1,
					  .tp_frame_size = 2048,
					  .tp_frame_nr = big / 2048 };

		EXPECT_ERR(t, tpc_req3(t, a, PACKET_RX_RING, &q), 0);
	}
	ra = tpc_map_all(t, a, big);
	REQUIRE(t, ra);
	rb = tpc_open_v3(t, BS, 2, 1000, 0, 0, &b);
	REQUIRE(t, rb);
	REQUIRE(t, !burst(t, a, 1, 60));
	EXPECT_EQ(t, "poll with the default timeout (1 s bound)", POLLIN,
		  t->ops->poll(a, POLLIN, 1000));
	tret = (tpc_now_ns(t, a) - t0) / 1000;
	tpc_note(t, "retired %lld us after the setup began", (long long)tret);
	EXPECT_HEX(t, "block status", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(ra));
	EXPECT_TRUE(t, "not before the 13 ms default", tret >= 13000);
	EXPECT_HEX(t, "the 1 s ring's block, same packet", TP_STATUS_KERNEL,
		   tpc_block_status(blk(rb, 0)));
}

/*
 * Which retire timer: since 6.18 it ticks every retire_tov from ring
 * setup; before, it was re-armed at each block open. Open block 1 at
 * about 100 ms and see whether it is retired at the 400 ms tick or 400 ms
 * after its open.
 */
static void timer_ticks_from_setup(struct tpc_t *t)
{
	struct tpacket_req3 q = { .tp_block_size = BS, .tp_block_nr = 3,
				  .tp_frame_size = 2048, .tp_frame_nr = 6,
				  .tp_retire_blk_tov = 400 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int64_t t0, topen, tret;
	char *r;

	REQUIRE(t, s);
	/* before the setup, which starts the timer and then waits for an
	 * RCU grace period */
	t0 = tpc_now_ms(t, s);
	REQUIRE(t, t0 >= 0);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	r = tpc_map_all(t, s, 3 * BS);
	REQUIRE(t, r);
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));
	REQUIRE(t, !burst(t, s, 3, 1500));	/* block 1 opens now */
	topen = tpc_now_ms(t, s) - t0;
	if (topen > 200) {
		tpc_skip(t, "the machine stalled: block 1 opened at %lld ms",
			 (long long)topen);
		return;
	}
	/* block 0 is closed and would make poll ready at once (P1) */
	tpc_block_release(blk(r, 0));
	EXPECT_EQ(t, "poll for block 1 (3 s bound)", POLLIN,
		  t->ops->poll(s, POLLIN, 3000));
	tret = tpc_now_ms(t, s) - t0;
	tpc_note(t, "block 1 opened at %lld ms, retired at %lld ms",
		 (long long)topen, (long long)tret);
	EXPECT_HEX(t, "block 1 status", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(blk(r, 1)));
	EXPECT_TRUE(t, "retired at the 400 ms tick, not 400 ms after its open",
		    tret >= 400 && tret < topen + 350);
}

/* The retire timer on a frozen queue (prb_retire_rx_blk_timer_expired):
 * while the user holds the block the queue stopped at, the timer leaves
 * it; once the user returns it, the timer itself reopens it, before any
 * packet comes. With two blocks the queue always stops at block 0, even
 * if the timer closed a block early. */
static void timer_on_frozen_queue(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, BS, 2, 20, 0, 0, &s);

	REQUIRE(t, r);
	REQUIRE(t, !burst(t, s, 5, 1500));
	EXPECT_HEX(t, "block 0 with the user", TP_STATUS_USER,
		   tpc_block_status(blk(r, 0)) & TP_STATUS_USER);
	EXPECT_HEX(t, "block 1 with the user", TP_STATUS_USER,
		   tpc_block_status(blk(r, 1)) & TP_STATUS_USER);
	REQUIRE(t, !tpc_sleep_ms(t, s, 200));	/* ten expiries, frozen */
	EXPECT_HEX(t, "block 0 still the user's after 200 ms", TP_STATUS_USER,
		   tpc_block_status(blk(r, 0)) & TP_STATUS_USER);
	EXPECT_EQ(t, "block 0 seq_num after 200 ms", 1,
		  blk(r, 0)->hdr.bh1.seq_num);
	tpc_block_release(blk(r, 0));
	REQUIRE(t, !tpc_sleep_ms(t, s, 200));	/* the timer thaws it */
	EXPECT_EQ(t, "block 0 reopened by the timer: seq_num", 3,
		  blk(r, 0)->hdr.bh1.seq_num);
	EXPECT_EQ(t, "block 0 reopened by the timer: num_pkts", 0,
		  blk(r, 0)->hdr.bh1.num_pkts);
	EXPECT_HEX(t, "block 0 reopened by the timer: status",
		   TP_STATUS_KERNEL, tpc_block_status(blk(r, 0)));
	REQUIRE(t, !burst(t, s, 1, 60));
	EXPECT_EQ(t, "the next packet lands in block 0", 1,
		  blk(r, 0)->hdr.bh1.num_pkts);
}

const struct tpc_case tpc_cases_blocks[] = {
	{ "blocks.descriptor", "B1 G15 C1", TPC_V3, .fn = descriptor },
	{ "blocks.chain_and_full_close", "B2 B1", TPC_V3,
	  .fn = chain_and_full_close },
	{ "blocks.seq_after_wrap", "B1 B2", TPC_V3, .fn = seq_after_wrap },
	{ "blocks.timeout_partial_block", "B4 C3", TPC_V3,
	  .fn = timeout_partial_block },
	{ "blocks.empty_block_not_retired", "B4", TPC_V3,
	  .fn = empty_block_not_retired },
	{ "blocks.frozen_queue", "B3 O7", TPC_V3, .fn = frozen_queue },
	{ "blocks.timer_on_frozen_queue", "B3 B4", TPC_V3,
	  .fn = timer_on_frozen_queue },
	{ "blocks.losing_on_block", "B1 R6", TPC_V3, .fn = losing_on_block },
	{ "blocks.jumbo_closes_empty_block", "B5 B2", TPC_V3,
	  .fn = jumbo_closes_empty_block },
	{ "blocks.frame_size_does_not_cut", "B5 B2", TPC_V3,
	  .fn = frame_size_does_not_cut },
	{ "blocks.rxhash_on_request", "B6", TPC_V3, .fn = rxhash_on_request },
	{ "blocks.rxhash_by_flow", "B6", TPC_V3, .fn = rxhash_by_flow },
	{ "blocks.vlan_in_hv1", "B6 R8", TPC_V3, .fn = vlan_in_hv1 },
	{ "blocks.poll_previous_block", "B7 P1", TPC_V3,
	  .fn = poll_previous_block },
	{ "blocks.g6_priv_limits", "G6 O6", TPC_V3, .fn = g6_priv_limits },
	{ "blocks.default_retire_tov", "G14 B4", TPC_V3,
	  .fn = default_retire_tov, .needs = TPC_CAP_TAP_LINK },
	{ "blocks.timer_ticks_from_setup", "B4", TPC_V3,
	  .fn = timer_ticks_from_setup },
	{ .name = NULL },
};
