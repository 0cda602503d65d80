// SPDX-License-Identifier: MIT
/*
 * Description: TPACKET_V3 block rings (G6, G14, B1-B7): request checks,
 * the block descriptor, packet chains, blocks closed when full and by the
 * retire timer on the virtual clock (both kernel timer models), the
 * frozen queue, rxhash/VLAN, poll, and a consumer scribbling on the open
 * block.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>

#include "t_helpers.h"

#define MS 1000000LL

struct v3_env {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;
	size_t len;
};

static int req3(struct tpsim_sock *s, unsigned int bsize, unsigned int bnr,
		unsigned int tov, unsigned int priv, unsigned int feat)
{
	struct tpacket_req3 r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = 2048,
				  .tp_frame_nr = bnr * (bsize / 2048),
				  .tp_retire_blk_tov = tov,
				  .tp_sizeof_priv = priv,
				  .tp_feature_req_word = feat };

	return tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, sizeof(r));
}

static void env_open_profile(struct v3_env *e, const char *profile,
			     unsigned int bnr, unsigned int tov,
			     unsigned int priv, unsigned int feat)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .clock = TPSIM_CLOCK_VIRTUAL,
				       .profile = profile };

	ck_assert_int_eq(tpsim_create(&o, &e->s), 0);
	ck_assert_int_eq(t_setint(e->s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(req3(e->s, 4096, bnr, tov, priv, feat), 0);
	ck_assert_int_eq(tpsim_ring_view_get(e->s, &e->v), 0);
	e->m = t_map(e->s, &e->len);
}

static void env_open(struct v3_env *e, unsigned int bnr, unsigned int tov,
		     unsigned int priv, unsigned int feat)
{
	env_open_profile(e, "linux", bnr, tov, priv, feat);
}

static void env_close(struct v3_env *e)
{
	ck_assert_int_eq(tpsim_munmap(e->s, e->m, e->len), 0);
	tpsim_close(e->s);
}

static struct tpacket_block_desc *blk(struct v3_env *e, uint32_t i)
{
	return (struct tpacket_block_desc *)(e->m + (size_t)i * e->v.block_size);
}

static struct tpacket3_hdr *pkt(struct v3_env *e, uint32_t b, uint32_t off)
{
	return (struct tpacket3_hdr *)((char *)blk(e, b) + off);
}

/* deliver a broadcast Ethernet frame of len bytes */
static int send_len(struct v3_env *e, uint32_t len)
{
	uint8_t f[9000];

	t_eth(f, len, t_bcast, 0x88b5);
	return t_deliver(e->s, f, len);
}

static void at_ms(struct v3_env *e, int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * MS };

	ck_assert_int_eq(tpsim_clock_set(e->s, &ts), 0);
}

START_TEST(g6_block_must_hold_header_priv_and_frame)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpacket_req short_req = { 4096, 1, 2048, 2 };

	/* O6: V3 takes a tpacket_req3 */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING,
					  &short_req, sizeof(short_req)),
			 -EINVAL);
	/* 48 + ALIGN8(3980) + 68 = 4100 > 4096 */
	ck_assert_int_eq(req3(s, 4096, 1, 0, 3980, 0), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "G6: tp_block_size 4096 is below the block header + "
			 "tp_sizeof_priv 3980 + tp_hdrlen 68 + PACKET_RESERVE 0");
	/* the CVE-2017-7308 shape: a priv that wraps 32 bits */
	ck_assert_int_eq(req3(s, 4096, 1, 0, 0xfffffff8u, 0), -EINVAL);
	/* 48 + 3976 + 68 = 4092 fits */
	ck_assert_int_eq(req3(s, 4096, 1, 0, 3976, 0), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(g14_default_timeout)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpsim_ring_view v;
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(req3(s, 1 << 20, 2, 0, 0, 0), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	ck_assert_uint_eq(v.retire_tov_ms, 8);	/* unknown speed */
	tpsim_close(s);

	/* 10 Gb/s, 4 MiB blocks: 32 Mbit / 10 + 1 = 4 ms */
	o.link_speed = 10000;
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(req3(s, 4 << 20, 1, 0, 0, 0), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	ck_assert_uint_eq(v.retire_tov_ms, 4);
	tpsim_close(s);
}
END_TEST

START_TEST(b1_fresh_block_descriptor)
{
	struct v3_env e;
	struct tpacket_block_desc *b;

	env_open(&e, 3, 50, 13, 0);
	b = blk(&e, 0);
	ck_assert_uint_eq(b->version, TPACKET_V3);
	ck_assert_uint_eq(b->offset_to_priv, 48);
	ck_assert_uint_eq(b->hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 0);
	ck_assert_uint_eq(b->hdr.bh1.offset_to_first_pkt, 64);
	ck_assert_uint_eq(b->hdr.bh1.blk_len, 64);
	ck_assert_uint_eq(b->hdr.bh1.seq_num, 1);
	/* only block 0 is open; the others are untouched zeroes */
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.seq_num, 0);
	ck_assert_uint_eq(e.v.max_frame_len, 4096 - 64);
	env_close(&e);
}
END_TEST

START_TEST(b2_chain_and_block_close_when_full)
{
	struct v3_env e;
	struct tpacket_block_desc *b;
	uint32_t off = 64;
	unsigned int packets, drops;

	env_open(&e, 3, 50, 13, 0);
	/* each 100-byte packet takes ALIGN8(82 + 100) = 184 bytes; 64 +
	 * 184 * 21 = 3928 and one more would reach 4112 >= 4096 */
	for (int i = 0; i < 22; i++)
		ck_assert_int_eq(send_len(&e, 100), TPSIM_RX_DELIVERED);
	b = blk(&e, 0);
	ck_assert_uint_eq(b->hdr.bh1.block_status, TP_STATUS_USER);
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 21);
	ck_assert_uint_eq(b->hdr.bh1.blk_len, 64 + 21 * 184);
	for (int i = 0; i < 21; i++) {
		struct tpacket3_hdr *h = pkt(&e, 0, off);

		ck_assert_uint_eq(h->tp_mac, 82);
		ck_assert_uint_eq(h->tp_net, 96);
		ck_assert_uint_eq(h->tp_len, 100);
		ck_assert_uint_eq(h->tp_snaplen, 100);
		ck_assert_uint_eq(h->tp_status, TP_STATUS_USER);
		ck_assert_uint_eq(h->tp_next_offset, i == 20 ? 0 : 184);
		off += 184;
	}
	/* the 22nd opened block 1 */
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.seq_num, 2);
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.num_pkts, 1);
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.block_status, 0);
	t_stats(e.s, &packets, &drops);
	ck_assert_uint_eq(packets, 22);
	ck_assert_uint_eq(drops, 0);
	env_close(&e);
}
END_TEST

START_TEST(b4_timeout_closes_a_partly_filled_block)
{
	struct v3_env e;
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;

	env_open(&e, 3, 50, 0, 0);
	at_ms(&e, 10);
	ck_assert_int_eq(send_len(&e, 60), TPSIM_RX_DELIVERED);
	at_ms(&e, 20);
	ck_assert_int_eq(send_len(&e, 60), TPSIM_RX_DELIVERED);
	b = blk(&e, 0);
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 30 * MS - 1), 0);
	ck_assert_uint_eq(tpsim_block_status(b), TP_STATUS_KERNEL);
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 1), 0);
	ck_assert_uint_eq(tpsim_block_status(b),
			  TP_STATUS_USER | TP_STATUS_BLK_TMO);
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 2);
	ck_assert_uint_eq(b->hdr.bh1.ts_last_pkt.ts_sec, 0);
	ck_assert_uint_eq(b->hdr.bh1.ts_last_pkt.ts_nsec, 20 * MS);
	ck_assert_uint_eq(b->hdr.bh1.ts_first_pkt.ts_nsec, 0);
	h = pkt(&e, 0, b->hdr.bh1.offset_to_first_pkt);
	ck_assert_uint_eq(h->tp_nsec, 10 * MS);
	ck_assert_uint_eq(pkt(&e, 0, 48 + h->tp_next_offset)->tp_next_offset,
			  0);
	/* block 1 opened by the timer, at its instant */
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.seq_num, 2);
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.ts_first_pkt.ts_nsec, 50 * MS);
	env_close(&e);
}
END_TEST

START_TEST(b4_empty_block_is_never_retired)
{
	struct v3_env e;

	env_open(&e, 2, 1, 0, 0);
	/* an hour of 1 ms expiries, skipped in bulk */
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 3600LL * 1000 * MS), 0);
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 0)), TP_STATUS_KERNEL);
	ck_assert_uint_eq(blk(&e, 0)->hdr.bh1.seq_num, 1);
	ck_assert_int_eq(send_len(&e, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 1 * MS), 0);
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 0)),
			  TP_STATUS_USER | TP_STATUS_BLK_TMO);
	env_close(&e);
}
END_TEST

/* Fill block 0 at 30 ms so that block 1 opens then, put one packet in it
 * at 35 ms, and return when block 1 is retired. */
static int64_t block1_retired_at(const char *profile)
{
	struct v3_env e;
	struct timespec now;
	int64_t ms = 35;

	env_open_profile(&e, profile, 3, 50, 0, 0);
	at_ms(&e, 30);
	while (blk(&e, 1)->hdr.bh1.seq_num == 0)
		ck_assert_int_eq(send_len(&e, 1000), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.num_pkts, 1);
	at_ms(&e, 35);
	while (tpsim_block_status(blk(&e, 1)) == TP_STATUS_KERNEL && ms < 500)
		at_ms(&e, ++ms);
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 1)),
			  TP_STATUS_USER | TP_STATUS_BLK_TMO);
	ck_assert_int_eq(tpsim_clock_now(e.s, &now), 0);
	env_close(&e);
	return ms;
}

START_TEST(b4_timer_models)
{
	/* 6.18: periodic from setup, so 50 ms whatever the block's age */
	ck_assert_int_eq(block1_retired_at("linux"), 50);
	/* before: re-armed at block open (30 ms) for 13 jiffies at 250 Hz */
	ck_assert_int_eq(block1_retired_at("linux-6.1"), 82);
}
END_TEST

START_TEST(b3_frozen_queue_and_stats_v3)
{
	struct v3_env e;
	struct tpacket_stats_v3 st;
	socklen_t len = sizeof(st);
	int delivered = 0, dropped = 0, r;

	env_open(&e, 3, 50, 0, 0);
	/* two 1500-byte packets fill a block (ALIGN8(82 + 1500) = 1584) */
	for (int i = 0; i < 10; i++) {
		r = send_len(&e, 1500);
		delivered += r == TPSIM_RX_DELIVERED;
		dropped += r == TPSIM_RX_DROPPED;
	}
	ck_assert_int_eq(delivered, 6);
	ck_assert_int_eq(dropped, 4);
	/* block 2 was closed before any drop: no LOSING */
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 2)), TP_STATUS_USER);
	ck_assert_int_eq(tpsim_getsockopt(e.s, SOL_PACKET, PACKET_STATISTICS,
					  &st, &len),
			 0);
	ck_assert_uint_eq(len, sizeof(st));
	ck_assert_uint_eq(st.tp_packets, 10);
	ck_assert_uint_eq(st.tp_drops, 4);
	ck_assert_uint_eq(st.tp_freeze_q_cnt, 1);
	/* the user returns block 0: the next packet thaws the queue */
	tpsim_block_release(blk(&e, 0));
	ck_assert_int_eq(send_len(&e, 1500), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(blk(&e, 0)->hdr.bh1.seq_num, 4);
	ck_assert_uint_eq(blk(&e, 0)->hdr.bh1.num_pkts, 1);
	len = sizeof(st);
	ck_assert_int_eq(tpsim_getsockopt(e.s, SOL_PACKET, PACKET_STATISTICS,
					  &st, &len),
			 0);
	ck_assert_uint_eq(st.tp_freeze_q_cnt, 0);
	env_close(&e);
}
END_TEST

START_TEST(b1_losing_rides_on_the_block)
{
	struct v3_env e;

	env_open(&e, 2, 50, 0, 0);
	for (int i = 0; i < 5; i++)	/* 4 delivered, 1 dropped */
		send_len(&e, 1500);
	tpsim_block_release(blk(&e, 0));
	ck_assert_int_eq(send_len(&e, 1500), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(pkt(&e, 0, 48)->tp_status, TP_STATUS_USER);
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 50 * MS), 0);
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 0)),
			  TP_STATUS_USER | TP_STATUS_BLK_TMO |
				  TP_STATUS_LOSING);
	env_close(&e);
}
END_TEST

START_TEST(b5_jumbo_closes_an_empty_block)
{
	struct v3_env e;
	uint32_t first;

	/* priv 2456: first packet at 2504, max_frame_len 1592 = 82 + 1510 */
	env_open(&e, 3, 50, 2456, 0);
	first = blk(&e, 0)->hdr.bh1.offset_to_first_pkt;
	ck_assert_uint_eq(first, 2504);
	ck_assert_int_eq(send_len(&e, 1514), TPSIM_RX_DELIVERED);
	/* it does not fit strictly below the end: block 0 closes empty */
	ck_assert_uint_eq(tpsim_block_status(blk(&e, 0)), TP_STATUS_USER);
	ck_assert_uint_eq(blk(&e, 0)->hdr.bh1.num_pkts, 0);
	ck_assert_uint_eq(blk(&e, 1)->hdr.bh1.num_pkts, 1);
	ck_assert_uint_eq(pkt(&e, 1, first)->tp_len, 1514);
	ck_assert_uint_eq(pkt(&e, 1, first)->tp_snaplen, 1510);
	ck_assert_uint_eq(pkt(&e, 1, first)->tp_next_offset, 1592);
	env_close(&e);
}
END_TEST

START_TEST(b6_rxhash_and_vlan)
{
	struct v3_env e;
	uint8_t f[128];
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = 60 };
	struct tpacket3_hdr *h;

	t_eth(f, 60, t_bcast, ETH_P_IP);
	f[14] = 0x45;
	f[23] = 17;	/* UDP */
	env_open(&e, 2, 50, 0, TP_FT_REQ_FILL_RXHASH);
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	p.flags = TPSIM_PKT_VLAN | TPSIM_PKT_RXHASH;
	p.vlan_tci = 0x2005;
	p.vlan_tpid = ETH_P_8021Q;
	p.rxhash = 0xabcd;
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	h = pkt(&e, 0, 48);
	ck_assert_uint_ne(h->hv1.tp_rxhash, 0);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 0);
	ck_assert_uint_eq(h->tp_status, TP_STATUS_USER);
	h = pkt(&e, 0, 48 + h->tp_next_offset);
	ck_assert_uint_eq(h->hv1.tp_rxhash, 0xabcd);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 0x2005);
	ck_assert_uint_eq(h->hv1.tp_vlan_tpid, ETH_P_8021Q);
	ck_assert_uint_eq(h->tp_status, TP_STATUS_USER | TP_STATUS_VLAN_VALID |
						TP_STATUS_VLAN_TPID_VALID);
	env_close(&e);

	/* without the feature bit the hash is 0 */
	env_open(&e, 2, 50, 0, 0);
	p.flags = 0;
	ck_assert_int_eq(tpsim_deliver(e.s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(pkt(&e, 0, 48)->hv1.tp_rxhash, 0);
	env_close(&e);
}
END_TEST

START_TEST(b7_poll_on_blocks_in_virtual_time)
{
	struct v3_env e;
	struct timespec now;

	env_open(&e, 3, 50, 0, 0);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	at_ms(&e, 5);
	ck_assert_int_eq(send_len(&e, 60), TPSIM_RX_DELIVERED);
	/* the block is open, so not readable; the poll jumps to 50 ms */
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 1000), POLLIN);
	ck_assert_int_eq(tpsim_clock_now(e.s, &now), 0);
	ck_assert_int_eq(now.tv_nsec, 50 * MS);
	tpsim_block_release(blk(&e, 0));
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	/* a timeout shorter than the timer: nothing, clock unmoved */
	ck_assert_int_eq(send_len(&e, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 10), 0);
	env_close(&e);
}
END_TEST

START_TEST(scribbled_open_block_cannot_lie)
{
	struct v3_env e;
	struct tpacket_block_desc *b;

	env_open(&e, 2, 50, 0, 0);
	send_len(&e, 60);
	b = blk(&e, 0);
	/* a hostile consumer rewrites the open block's counters */
	b->hdr.bh1.num_pkts = 1000;
	b->hdr.bh1.blk_len = 0xffffffff;
	send_len(&e, 60);
	ck_assert_int_eq(tpsim_clock_advance_ns(e.s, 50 * MS), 0);
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 2);
	ck_assert_uint_eq(b->hdr.bh1.blk_len, 48 + 2 * 144);
	env_close(&e);
}
END_TEST

START_TEST(real_clock_timer_thread_retires)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpsim_ring_view v;
	struct tpsim_sock *s;
	uint8_t f[60];
	void *m;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(req3(s, 4096, 2, 5, 0, 0), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0, &m),
			 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	/* bounded: a 5 ms timer on a loaded machine, 10 s at most */
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 10000), POLLIN);
	ck_assert_uint_eq(tpsim_block_status(m),
			  TP_STATUS_USER | TP_STATUS_BLK_TMO);
	ck_assert_int_eq(tpsim_munmap(s, m, v.ring_bytes), 0);
	/* teardown and a new V3 ring reuse the same timer thread */
	tpsim_close(s);
}
END_TEST

Suite *suite_v3(void)
{
	Suite *s = suite_create("v3");
	TCase *tc = tcase_create("blocks");

	tcase_add_test(tc, g6_block_must_hold_header_priv_and_frame);
	tcase_add_test(tc, g14_default_timeout);
	tcase_add_test(tc, b1_fresh_block_descriptor);
	tcase_add_test(tc, b2_chain_and_block_close_when_full);
	tcase_add_test(tc, b4_timeout_closes_a_partly_filled_block);
	tcase_add_test(tc, b4_empty_block_is_never_retired);
	tcase_add_test(tc, b4_timer_models);
	tcase_add_test(tc, b3_frozen_queue_and_stats_v3);
	tcase_add_test(tc, b1_losing_rides_on_the_block);
	tcase_add_test(tc, b5_jumbo_closes_an_empty_block);
	tcase_add_test(tc, b6_rxhash_and_vlan);
	tcase_add_test(tc, b7_poll_on_blocks_in_virtual_time);
	tcase_add_test(tc, scribbled_open_block_cannot_lie);
	tcase_add_test(tc, real_clock_timer_thread_retires);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
