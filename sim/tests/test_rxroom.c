// SPDX-License-Identifier: MIT
/* tpsim_rx_room and tpsim_rx_last: the room a lossless producer waits
 * for, and what the producer wrote for the last packet. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "t_helpers.h"

static int ring3(struct tpsim_sock *s, unsigned int bsize, unsigned int bnr)
{
	struct tpacket_req3 r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = 2048,
				  .tp_frame_nr = bsize / 2048 * bnr,
				  .tp_retire_blk_tov = 1000 };

	return tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, sizeof(r));
}

START_TEST(errors)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };

	ck_assert_int_eq(tpsim_rx_room(NULL, 60), -EINVAL);
	ck_assert_int_eq(tpsim_rx_last(NULL, &in), -EINVAL);
	ck_assert_int_eq(tpsim_rx_last(s, NULL), -EINVAL);
	in.sz = 8;
	ck_assert_int_eq(tpsim_rx_last(s, &in), -EINVAL);
	in.sz = sizeof(in);
	ck_assert_int_eq(tpsim_rx_last(s, &in), -ENOENT);
	tpsim_close(s);
}
END_TEST

/* V2: room is the head frame being KERNEL; the last packet's frame,
 * lengths, offsets, status and stamp as the ring shows them */
START_TEST(v2_head_frame)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	struct tpacket2_hdr *h;
	struct tpsim_ring_view v;
	uint8_t f[300];
	size_t len;
	char *ring;

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ring = t_map(s, &len);
	tpsim_ring_view_get(s, &v);
	t_eth(f, sizeof(f), t_bcast, 0x0800);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(tpsim_rx_room(s, sizeof(f)), 1);
		ck_assert_int_eq(t_deliver(s, f, sizeof(f)),
				 TPSIM_RX_DELIVERED);
		ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
		ck_assert_uint_eq(in.seq, (uint64_t)i + 1);
		ck_assert_uint_eq(in.frame, (uint32_t)i);
		ck_assert_uint_eq(in.sz, sizeof(in));
		h = tpsim_frame(ring, &v, (uint32_t)i);
		ck_assert_int_eq(in.ring, 1);
		ck_assert_uint_eq(in.status, h->tp_status);
		ck_assert_uint_eq(in.len, h->tp_len);
		ck_assert_uint_eq(in.snaplen, h->tp_snaplen);
		ck_assert_uint_eq(in.mac, h->tp_mac);
		ck_assert_uint_eq(in.net, h->tp_net);
		ck_assert_uint_eq(in.ts.tv_sec, h->tp_sec);
		ck_assert_uint_eq(in.ts.tv_nsec, h->tp_nsec);
	}
	ck_assert_int_eq(tpsim_rx_room(s, sizeof(f)), 0);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DROPPED);
	/* a drop writes nothing: the last packet is still frame 1 */
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.seq, 2);
	ck_assert_uint_eq(in.frame, 1);
	/* the head is frame 0: freeing frame 1 gives no room */
	tpsim_frame_release(tpsim_frame(ring, &v, 1), TPACKET_V2);
	ck_assert_int_eq(tpsim_rx_room(s, sizeof(f)), 0);
	tpsim_frame_release(tpsim_frame(ring, &v, 0), TPACKET_V2);
	ck_assert_int_eq(tpsim_rx_room(s, sizeof(f)), 1);
	/* a status no kernel writes is not KERNEL: no room (R1) */
	tpsim_frame_set_status(tpsim_frame(ring, &v, 0), TPACKET_V2, 0x80);
	ck_assert_int_eq(tpsim_rx_room(s, sizeof(f)), 0);
	munmap(ring, len);
	tpsim_close(s);
}
END_TEST

/* the tag held outside the data is what the frame shows, kept in the
 * producer's state: a consumer that rewrites the released frame's VLAN
 * fields afterwards changes nothing in the answer */
START_TEST(v2_vlan)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	struct tpsim_packet p = { .sz = sizeof(p), .len = 100,
				  .flags = TPSIM_PKT_VLAN, .vlan_tci = 0x123,
				  .vlan_tpid = 0x88a8 };
	struct tpsim_ring_view v;
	struct tpacket2_hdr *h;
	uint8_t f[100];
	size_t len;

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	tpsim_ring_view_get(s, &v);
	h = tpsim_frame(t_map(s, &len), &v, 0);
	t_eth(f, sizeof(f), t_bcast, 0x0800);
	p.data = f;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(h->tp_vlan_tci, 0x123);
	h->tp_vlan_tci = 0xbad;
	h->tp_vlan_tpid = 0xbad;
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.vlan_tci, 0x123);
	ck_assert_uint_eq(in.vlan_tpid, 0x88a8);
	ck_assert(in.status & TP_STATUS_VLAN_VALID);
	tpsim_close(s);
}
END_TEST

/* the plain path's short record: what tpsim_rx_last answers after a
 * plain delivery is the plan that packet met, even when the plan changes
 * before the question (a new ring with PACKET_RESERVE moves tp_mac) */
START_TEST(plain_record_outlives_plan)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info a = { .sz = sizeof(a) };
	unsigned int reserve = 64;
	uint8_t f[3000];

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	t_eth(f, sizeof(f), t_bcast, 0x0800);
	ck_assert_int_eq(t_deliver(s, f, 1000), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	/* no question in between: the record is still the short one */
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RESERVE,
					  &reserve, sizeof(reserve)), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	ck_assert_int_eq(tpsim_rx_last(s, &a), 0);
	ck_assert_int_eq(a.ring, 1);
	ck_assert_uint_eq(a.seq, 2);
	ck_assert_uint_eq(a.frame, 1);
	ck_assert_uint_eq(a.len, sizeof(f));
	/* R3 without the reserve: tp_net = TPACKET_ALIGN(32 + 20 + 16) */
	ck_assert_uint_eq(a.net, 80);
	ck_assert_uint_eq(a.mac, 80 - 14);
	ck_assert_uint_eq(a.snaplen, 2048 - (80 - 14));	/* R4 */
	ck_assert_uint_eq(a.vlan_tci, 0);
	ck_assert_uint_eq(a.vlan_tpid, 0);
	/* and the next plain packet is told with the new plan */
	ck_assert_int_eq(t_deliver(s, f, 1000), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_rx_last(s, &a), 0);
	ck_assert_uint_eq(a.mac, 80 - 14 + reserve);
	ck_assert_uint_eq(a.snaplen, 1000);
	ck_assert_uint_eq(a.frame, 0);
	ck_assert_uint_eq(a.seq, 3);
	tpsim_close(s);
}
END_TEST

/* no ring: the receive queue below SO_RCVBUF */
START_TEST(no_ring_queue)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	uint8_t f[1000];
	int n = 0;

	t_eth(f, sizeof(f), t_bcast, 0x0800);
	while (tpsim_rx_room(s, sizeof(f)) == 1) {
		ck_assert_int_eq(t_deliver(s, f, sizeof(f)),
				 TPSIM_RX_DELIVERED);
		ck_assert_int_lt(++n, 100000);
	}
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DROPPED);
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_int_eq(in.ring, 0);
	ck_assert_uint_eq(in.len, sizeof(f));
	ck_assert_uint_eq(in.snaplen, sizeof(f));
	ck_assert_uint_eq(in.seq, (uint64_t)n);
	tpsim_close(s);
}
END_TEST

/*
 * The promise itself, on every ring kind: over a random run of
 * deliveries and returns, tpsim_rx_room said 1 exactly when the next
 * delivery was DELIVERED (V3 blocks of several sizes, frozen queues,
 * packets larger than a block).
 */
static void room_predicts(int version, unsigned int seed)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	struct tpsim_ring_view v;
	uint8_t f[5000];
	uint32_t oldest = 0;	/* frame or block the consumer frees next */
	size_t len;
	char *ring;

	if (version == TPACKET_V3)
		ck_assert_int_eq(ring3(s, 4096, 4), 0);
	else
		ck_assert_int_eq(t_ring(s, 4096, 2, 1024, 8), 0);
	ring = t_map(s, &len);
	tpsim_ring_view_get(s, &v);
	srand(seed);
	for (int i = 0; i < 3000; i++) {
		uint32_t n = 14 + (uint32_t)rand() % (sizeof(f) - 14);
		int room, res;

		if (rand() % 3 == 0) {	/* the consumer returns one */
			if (version == TPACKET_V3) {
				void *b = ring + (size_t)oldest * v.block_size;

				if (!(tpsim_block_status(b) & TP_STATUS_USER))
					continue;
				tpsim_block_release(b);
				oldest = (oldest + 1) % v.block_nr;
			} else {
				void *h = tpsim_frame(ring, &v, oldest);

				if (!(tpsim_frame_status(h, version) &
				      TP_STATUS_USER))
					continue;
				tpsim_frame_release(h, version);
				oldest = (oldest + 1) % v.frame_nr;
			}
			continue;
		}
		t_eth(f, n, t_bcast, 0x0800);
		room = tpsim_rx_room(s, n);
		res = t_deliver(s, f, n);
		ck_assert_msg(room == (res == TPSIM_RX_DELIVERED),
			      "step %d len %u: room %d, deliver %d", i, n,
			      room, res);
	}
	munmap(ring, len);
	tpsim_close(s);
}

START_TEST(room_predicts_v1) { room_predicts(TPACKET_V1, 1); }
END_TEST
START_TEST(room_predicts_v2) { room_predicts(TPACKET_V2, 2); }
END_TEST
START_TEST(room_predicts_v3) { room_predicts(TPACKET_V3, 3); }
END_TEST

/* V3: the packet's block, its status and the tag */
START_TEST(v3_last)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	uint8_t f[5000];

	ck_assert_int_eq(ring3(s, 4096, 4), 0);
	t_eth(f, sizeof(f), t_bcast, 0x0800);
	ck_assert_int_eq(t_deliver(s, f, 100), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.frame, 0);
	ck_assert_uint_eq(in.len, 100);
	ck_assert_uint_eq(in.snaplen, 100);
	/* a packet larger than a block is cut to what the block holds */
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.frame, 2);
	ck_assert_uint_eq(in.len, sizeof(f));
	/* B5: the block's room (4096 - 48) less tp_mac (82) */
	ck_assert_uint_eq(in.mac, 82);
	ck_assert_uint_eq(in.snaplen, 4096 - 48 - 82);
	ck_assert_uint_eq(in.seq, 3);
	tpsim_close(s);
}
END_TEST

/* V3 frozen on a block still the user's while a later one came back:
 * __tpacket_v3_has_room holds, yet the queue stays frozen (B3) */
START_TEST(v3_frozen_out_of_order)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpsim_ring_view v;
	uint8_t f[4000];
	size_t len;
	char *ring;
	int n = 0;

	ck_assert_int_eq(ring3(s, 4096, 4), 0);
	ring = t_map(s, &len);
	tpsim_ring_view_get(s, &v);
	t_eth(f, sizeof(f), t_bcast, 0x0800);
	/* a block each (the first closes the empty block 0, B2), until
	 * the queue freezes on block 0 */
	while (t_deliver(s, f, sizeof(f)) == TPSIM_RX_DELIVERED)
		ck_assert_int_lt(++n, 10);
	ck_assert_int_eq(n, 3);
	tpsim_block_release(ring + v.block_size);	/* block 1, not 0 */
	ck_assert_int_eq(tpsim_rx_room(s, 60), 0);
	ck_assert_int_eq(t_deliver(s, f, 60), TPSIM_RX_DROPPED);
	/* a length past what 32 bits hold with the header: cut, no room */
	ck_assert_int_eq(tpsim_rx_room(s, UINT32_MAX), 0);
	tpsim_block_release(ring);			/* block 0: thaws */
	ck_assert_int_eq(tpsim_rx_room(s, UINT32_MAX), 1);
	ck_assert_int_eq(t_deliver(s, f, 60), TPSIM_RX_DELIVERED);
	munmap(ring, len);
	tpsim_close(s);
}
END_TEST

Suite *suite_rxroom(void)
{
	Suite *s = suite_create("rxroom");
	TCase *tc = tcase_create("rxroom");

	tcase_add_test(tc, errors);
	tcase_add_test(tc, v2_head_frame);
	tcase_add_test(tc, v2_vlan);
	tcase_add_test(tc, plain_record_outlives_plan);
	tcase_add_test(tc, no_ring_queue);
	tcase_add_test(tc, room_predicts_v1);
	tcase_add_test(tc, room_predicts_v2);
	tcase_add_test(tc, room_predicts_v3);
	tcase_add_test(tc, v3_last);
	tcase_add_test(tc, v3_frozen_out_of_order);
	suite_add_tcase(s, tc);
	return s;
}
