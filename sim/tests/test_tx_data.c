// SPDX-License-Identifier: MIT
/*
 * send() of data on a socket without a TX ring (packet_snd): what goes
 * on the wire, the outgoing copy the device's taps get, and every error
 * in the kernel's order. The conformance case tx.send_data checks the
 * same on a TAP.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

/* standalone sockets: the frame, the errors, the sizes */
START_TEST(send_data_standalone)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = 1, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpsim_sock *raw = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *dgram = t_sock(SOCK_DGRAM, TPACKET_V2, 0);
	struct tpsim_wire_stats ws;
	static uint8_t f[1600], got[2048];

	for (unsigned int i = 0; i < sizeof(f); i++)
		f[i] = (uint8_t)i;
	t_eth(f, 60, t_self, 0x88b5);
	ck_assert_int_eq(tpsim_send_data(raw, f, 60, NULL, MSG_DONTWAIT), 60);
	ck_assert_int_eq(tpsim_wire_recv(raw, got, sizeof(got), 0), 60);
	ck_assert_mem_eq(got, f, 60);

	/* errors */
	ck_assert_int_eq(tpsim_send_data(NULL, f, 60, NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_send_data(raw, f, 60, NULL, MSG_OOB), -EINVAL);
	ck_assert_int_eq(tpsim_send_data(raw, NULL, 60, NULL, 0), -EFAULT);
	ck_assert_int_eq(tpsim_send_data(raw, f, 13, NULL, 0), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(raw),
			 "T1: no TX ring, and a send of 13 bytes is shorter "
			 "than the 14-byte link header");
	/* 1500 + 14 + 4: EMSGSIZE first unless VLAN-tagged */
	ck_assert_int_eq(tpsim_send_data(raw, f, 1519, NULL, 0), -EMSGSIZE);
	ck_assert_str_eq(tpsim_strerror_detail(raw),
			 "T1: no TX ring, and a send of 1519 bytes exceeds "
			 "MTU 1500 + 14 + 4 (VLAN)");
	ck_assert_int_eq(tpsim_send_data(raw, f, 1515, NULL, 0), -EMSGSIZE);
	ck_assert_str_eq(tpsim_strerror_detail(raw),
			 "T2: tp_len 1515 exceeds MTU 1500 + 14");
	ck_assert_int_eq(tpsim_send_data(raw, f, 1514, NULL, 0), 1514);
	f[12] = 0x81;
	f[13] = 0x00;
	ck_assert_int_eq(tpsim_send_data(raw, f, 1518, NULL, 0), 1518);
	/* too long beats too short: 1519 bytes of SOCK_DGRAM without to */
	ck_assert_int_eq(tpsim_send_data(dgram, f, 1505, NULL, 0), -EMSGSIZE);
	ck_assert_int_eq(tpsim_send_data(dgram, f, 100, NULL, 0), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(dgram),
			 "T1: no TX ring, and a SOCK_DGRAM send needs a "
			 "destination address");
	to.sll_ifindex = 7;
	ck_assert_int_eq(tpsim_send_data(dgram, f, 100, &to, 0), -ENXIO);
	to.sll_ifindex = 1;
	ck_assert_int_eq(tpsim_send_data(dgram, f, 100, &to, 0), 100);
	ck_assert_int_eq(tpsim_wire_recv(raw, got, sizeof(got), 0), 1514);
	ck_assert_int_eq(tpsim_wire_recv(raw, got, sizeof(got), 0), 1518);
	ck_assert_int_eq(tpsim_wire_recv(dgram, got, sizeof(got), 0), 114);
	ck_assert_mem_eq(got, to.sll_addr, 6);
	ck_assert_mem_eq(got + 6, t_self, 6);
	ck_assert_uint_eq(got[12] << 8 | got[13], 0x88b5);
	ck_assert_mem_eq(got + 14, f, 100);
	ck_assert_int_eq(tpsim_wire_stats_get(raw, &ws), 0);
	ck_assert_uint_eq(ws.packets, 3);
	ck_assert_uint_eq(ws.bytes, 60 + 1514 + 1518);
	tpsim_close(raw);
	tpsim_close(dgram);
}
END_TEST

/* with a TX ring the data is ignored: tpacket_snd sends the ring */
START_TEST(send_data_with_ring_is_tpacket_snd)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req r = { 4096, 1, 2048, 2 };
	uint8_t f[60] = { 0 };

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)), 0);
	ck_assert_int_eq(tpsim_send_data(s, f, sizeof(f), NULL, 0), 0);
	ck_assert_int_eq(tpsim_wire_recv(s, f, sizeof(f), MSG_DONTWAIT),
			 -EAGAIN);
	tpsim_close(s);
}
END_TEST

/* a full wire drops the frame and the send still succeeds (a TAP);
 * PACKET_VNET_HDR's header in the data is not simulated */
START_TEST(send_data_full_wire_and_vnet)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .wire_queue_len = 1 };
	struct tpsim_wire_stats ws;
	struct tpsim_sock *s;
	uint8_t f[60];
	int one = 1;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(tpsim_send_data(s, f, 60, NULL, 0), 60);
	ck_assert_int_eq(tpsim_send_data(s, f, 60, NULL, 0), 60);
	ck_assert_int_eq(tpsim_wire_stats_get(s, &ws), 0);
	ck_assert_uint_eq(ws.packets, 1);
	ck_assert_uint_eq(ws.drops, 1);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &one,
					  sizeof(one)), 0);
	ck_assert_int_eq(tpsim_send_data(s, f, 60, NULL, 0), -EOPNOTSUPP);
	ck_assert_str_eq(tpsim_strerror_detail(s),
			 "T1: a send of data with PACKET_VNET_HDR and no TX "
			 "ring is not simulated");
	tpsim_close(s);
}
END_TEST

/* in a net: unbound, link down, and the taps' outgoing copy */
START_TEST(send_data_in_net)
{
	struct t_env e;
	struct tpsim_sock *s, *tap, *unbound;
	uint8_t f[64], out[128];

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	tap = t_sock_in(&e, ETH_P_ALL);
	unbound = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	ck_assert_int_eq(t_bind_to(tap, 1, 0), 0);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(tpsim_send_data(unbound, f, 64, NULL, 0), -ENXIO);
	ck_assert_int_eq(tpsim_send_data(s, f, 64, NULL, 0), 64);
	ck_assert_int_eq(tpsim_recv(tap, out, sizeof(out), MSG_DONTWAIT), 64);
	ck_assert_mem_eq(out, f, 64);
	ck_assert_int_eq(tpsim_wire_recv(s, out, sizeof(out), 0), 64);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(tpsim_send_data(s, f, 64, NULL, 0), -ENETDOWN);
	tpsim_close(s);
	tpsim_close(tap);
	tpsim_close(unbound);
	tpsim_net_destroy(e.n);
}
END_TEST

Suite *suite_tx_data(void)
{
	Suite *s = suite_create("tx_data");
	TCase *tc = tcase_create("packet_snd");

	tcase_add_test(tc, send_data_standalone);
	tcase_add_test(tc, send_data_with_ring_is_tpacket_snd);
	tcase_add_test(tc, send_data_full_wire_and_vnet);
	tcase_add_test(tc, send_data_in_net);
	suite_add_tcase(s, tc);
	return s;
}
