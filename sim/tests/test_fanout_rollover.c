// SPDX-License-Identifier: MIT
/*
 * Fanout rollover (issue 17): ROLLOVER mode and FLAG_ROLLOVER pass a frame
 * on from a member short of room (fanout_demux_rollover, the room test of
 * packet_rcv_has_room), on V2 rings, V3 blocks and the receive queue, and
 * the pressure flag that poll and recv clear. Every count here is what
 * Linux 6.18 answered to the same calls on a TAP in a private network
 * namespace.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <sys/socket.h>

#include "t_helpers.h"

/*
 * ROLLOVER mode over two V2 rings of 8 frames nobody reads: member 0
 * takes frames while the frame two ahead of its head (8 >> 2) is free,
 * i.e. 6; then member 1 the same 6; then both are under pressure, the
 * search fails and member 0 gets the rest: 2 into its last frames, 2
 * dropped. Rollover statistics are member 0's (the search starts there).
 */
START_TEST(fanout_rollover_rings)
{
	struct t_env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	struct tpacket_rollover_stats rs;
	socklen_t len = sizeof(rs);
	unsigned int p, d;
	uint8_t b[64];
	void *map[2];
	size_t mlen[2];

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		m[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_setint(m[i], PACKET_VERSION, TPACKET_V2), 0);
		ck_assert_int_eq(t_ring(m[i], 4096, 2, 1024, 8), 0);
		map[i] = t_map(m[i], &mlen[i]);
		ck_assert_int_eq(t_join(m[i], 2, PACKET_FANOUT_ROLLOVER, 0, 4),
				 0);
	}
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		ck_assert_msg(r[0].sock == m[i >= 6 && i < 12],
			      "packet %d to the wrong member", i);
	}
	t_stats(m[0], &p, &d);
	ck_assert_uint_eq(p, 10);	/* tp_packets counts the drops too */
	ck_assert_uint_eq(d, 2);
	t_stats(m[1], &p, &d);
	ck_assert_uint_eq(p, 6);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 12);
	ck_assert_uint_eq(rs.tp_huge, 0);
	ck_assert_uint_eq(rs.tp_failed, 4);
	/* member 1's consumer frees its ring and polls: pressure off, the
	 * search finds it again */
	for (unsigned int i = 0; i < 8; i++)
		tpsim_frame_release((char *)map[1] + (i / 4) * 4096 +
					    (i % 4) * 1024,
				    TPACKET_V2);
	ck_assert_int_eq(tpsim_poll(m[1], POLLIN, 0), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(tpsim_munmap(m[i], map[i], mlen[i]), 0);
		tpsim_close(m[i]);
	}
	tpsim_net_destroy(e.n);
}
END_TEST

/* FLAG_ROLLOVER on LB: a member without room passes frames on. */
START_TEST(fanout_lb_rollover_flag)
{
	struct t_env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	uint8_t b[64];
	void *map;
	size_t mlen;
	unsigned int p, d;
	struct tpacket_rollover_stats rs;
	socklen_t len;

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++)
		m[i] = t_sock_in(&e, ETH_P_ALL);
	/* member 0: a 4-frame ring; member 1: the receive queue */
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m[0], 4096, 1, 1024, 4), 0);
	map = t_map(m[0], &mlen);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(t_join(m[i], 6, PACKET_FANOUT_LB |
							 PACKET_FANOUT_FLAG_ROLLOVER,
					0, 4),
				 0);
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	/* LB alternates 1,0,1,0,...; member 0 keeps its frames while the
	 * frame one ahead (4 >> 2) of its head is free (2nd, 4th, 6th),
	 * takes the 8th in its last free frame (room LOW, the flow not
	 * huge), and rolls the 10th over to member 1 */
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		ck_assert_msg(r[0].sock == m[i % 2 && i != 9 ? 0 : 1],
			      "packet %d to the wrong member", i);
	}
	t_stats(m[0], &p, &d);
	ck_assert_uint_eq(p, 4);
	ck_assert_uint_eq(d, 0);
	t_stats(m[1], &p, &d);
	ck_assert_uint_eq(p, 6);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 1);
	ck_assert_uint_eq(rs.tp_failed, 0);
	ck_assert_int_eq(tpsim_munmap(m[0], map, mlen), 0);
	tpsim_close(m[0]);
	tpsim_close(m[1]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* ROLLOVER's room test on V3 blocks and on the receive queue. */
START_TEST(fanout_rollover_v3_and_queue)
{
	struct t_env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 4,
				  .tp_frame_size = 2048, .tp_frame_nr = 8,
				  .tp_retire_blk_tov = 1000 };
	uint8_t b[1500];
	void *map;
	size_t len;
	unsigned int p, d;
	int rcvbuf = 4096;

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++)
		m[i] = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(m[0], SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	map = t_map(m[0], &len);
	ck_assert_int_eq(tpsim_setsockopt(m[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					  sizeof(rcvbuf)),
			 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(t_join(m[i], 5, PACKET_FANOUT_ROLLOVER, 0, 4),
				 0);
	t_eth(b, sizeof(b), t_dev_addr, ETH_P_IP);
	/* 2 frames of 1500 bytes a 4096-byte block: blocks fill, close,
	 * and the member rolls over when the block a quarter ahead
	 * (1 of 4) is the user's */
	for (int i = 0; i < 24; i++)
		ck_assert_int_eq(t_dev_rx(e.d, b, sizeof(b), 0, 0, r, 2), 1);
	t_stats(m[0], &p, &d);
	ck_assert_uint_gt(p, 0);
	t_stats(m[1], &p, &d);
	/* the small queue takes frames while a quarter of it is free */
	ck_assert_uint_gt(p, 0);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(tpsim_munmap(m[0], map, len), 0);
	tpsim_close(m[0]);
	tpsim_close(m[1]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* Pressure: set while a member is short of room, cleared by poll, and by
 * recv only once it took a packet (found by --differential-dev). */
START_TEST(rollover_pressure_recv)
{
	struct t_env e;
	struct tpsim_sock *m;
	struct tpsim_dev_result r[1];
	struct tpacket_rollover_stats rs;
	socklen_t len;
	uint8_t b[64], out[64];
	void *map;
	size_t mlen;

	t_env_open(&e, TPSIM_DEV_TAP);
	m = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(m, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m, 4096, 1, 1024, 4), 0);
	map = t_map(m, &mlen);
	ck_assert_int_eq(t_join(m, 1, PACKET_FANOUT_ROLLOVER, 0, 4), 0);
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	for (unsigned int i = 0; i < 4; i++)
		tpsim_frame_release((char *)map + i * 1024, TPACKET_V2);
	ck_assert_int_eq(tpsim_recv(m, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(m, SOL_PACKET, PACKET_ROLLOVER_STATS,
					  &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 3);
	ck_assert_uint_eq(rs.tp_failed, 2);
	ck_assert_int_eq(tpsim_poll(m, POLLIN, 0), POLLIN);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	ck_assert_int_eq(tpsim_getsockopt(m, SOL_PACKET, PACKET_ROLLOVER_STATS,
					  &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 4);
	ck_assert_uint_eq(rs.tp_failed, 2);
	ck_assert_int_eq(tpsim_munmap(m, map, mlen), 0);
	tpsim_close(m);
	tpsim_net_destroy(e.n);
}
END_TEST

Suite *suite_fanout_rollover(void)
{
	Suite *s = suite_create("fanout_rollover");
	TCase *tc = tcase_create("fanout_rollover");

	tcase_add_test(tc, fanout_rollover_rings);
	tcase_add_test(tc, fanout_lb_rollover_flag);
	tcase_add_test(tc, fanout_rollover_v3_and_queue);
	tcase_add_test(tc, rollover_pressure_recv);
	suite_add_tcase(s, tc);
	return s;
}
