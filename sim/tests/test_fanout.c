// SPDX-License-Identifier: MIT
/*
 * Fanout groups on devices (issue 17): join rules, the member each mode
 * picks, a member's link going down, outgoing copies (rollover in
 * test_fanout_rollover.c). Every errno and length here is what Linux 6.18 answered to the
 * same calls on a TAP in a private network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

/* A V2 TX ring of 2 frames of 2048 bytes in one 4096-byte block, mapped. */
static void *tx_ring(struct tpsim_sock *s)
{
	struct tpacket_req req = { .tp_block_size = 4096, .tp_block_nr = 1,
				   .tp_frame_size = 2048, .tp_frame_nr = 2 };
	void *ring;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &req,
					  sizeof(req)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &ring),
			 0);
	return ring;
}

/* Send one 60-byte frame from s's TX ring (V2, 2 frames); returns what
 * tpsim_send returned. */
static ssize_t send_one(struct tpsim_sock *s, void *ring, unsigned int idx)
{
	struct tpacket2_hdr *h = (void *)((char *)ring + idx * 2048);
	uint8_t frame[60];

	t_eth(frame, sizeof(frame), t_bcast, 0x88b5);
	memcpy((char *)h + 32, frame, sizeof(frame));
	h->tp_len = sizeof(frame);
	tpsim_frame_send_request(h, TPACKET_V2);
	return tpsim_send(s, NULL, 0);
}

START_TEST(fanout_join_rules)
{
	struct t_env e;
	struct tpsim_sock *s, *s0, *s3, *ip, *ip2, *u;
	struct tpacket_rollover_stats rs;
	socklen_t len;
	int v, fd;

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	s0 = t_sock_in(&e, 0);
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	ck_assert_int_eq(t_join(s0, 7, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	ck_assert_int_eq(t_join(s, 7, PACKET_FANOUT_LB, 0, 3), -EINVAL);
	ck_assert_int_eq(t_join(s, 7, PACKET_FANOUT_LB, 0, 5), -EINVAL);
	ck_assert_int_eq(t_join(s, 7, PACKET_FANOUT_ROLLOVER |
					      PACKET_FANOUT_FLAG_ROLLOVER,
				0, 4),
			 -EINVAL);
	ck_assert_int_eq(t_join(s, 7, 9, 0, 4), -EINVAL);
	/* an unknown flag bit is kept and shown */
	ck_assert_int_eq(t_join(s, 7, PACKET_FANOUT_LB | 0x100, 0, 4), 0);
	ck_assert_int_eq(t_getint(s, PACKET_FANOUT, &v), 0);
	ck_assert_int_eq(v, 0x1010007);
	ck_assert_int_eq(t_join(s, 7, PACKET_FANOUT_LB, 0, 4), -EALREADY);
	ck_assert_int_eq(t_bind_to(s, 1, 0), -EINVAL);

	/* joining: device, mode, flags, size, protocol must agree */
	s3 = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_join(s3, 7, PACKET_FANOUT_LB | 0x100, 0, 4),
			 -EINVAL);
	ck_assert_int_eq(t_bind_to(s3, 1, 0), 0);
	ck_assert_int_eq(t_join(s3, 7, PACKET_FANOUT_HASH | 0x100, 0, 4),
			 -EINVAL);
	ck_assert_int_eq(t_join(s3, 7, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	ck_assert_int_eq(t_join(s3, 7, PACKET_FANOUT_LB | 0x100, 5, 8),
			 -EINVAL);
	ck_assert_int_eq(t_join(s3, 7, PACKET_FANOUT_LB | 0x100, 256, 8), 0);
	ip = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_bind_to(ip, 1, 0), 0);
	ck_assert_int_eq(t_join(ip, 7, PACKET_FANOUT_LB | 0x100, 0, 4),
			 -EINVAL);
	ck_assert_int_eq(t_join(ip, 9, PACKET_FANOUT_LB, 65537, 8), -EINVAL);
	ck_assert_int_eq(t_join(ip, 9, PACKET_FANOUT_LB, 1, 8), 0);
	ip2 = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_bind_to(ip2, 1, 0), 0);
	ck_assert_int_eq(t_join(ip2, 9, PACKET_FANOUT_LB, 0, 8), -ENOSPC);
	ck_assert_int_eq(t_join(ip2, 9, PACKET_FANOUT_LB, 1, 8), -ENOSPC);

	/* UNIQUEID: id 0 asked, a free id given, the flag not kept */
	u = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_join(u, 5, PACKET_FANOUT_HASH |
					      PACKET_FANOUT_FLAG_UNIQUEID,
				0, 4),
			 -EINVAL);
	ck_assert_int_eq(t_join(u, 0, PACKET_FANOUT_HASH |
					      PACKET_FANOUT_FLAG_UNIQUEID,
				0, 4),
			 0);
	ck_assert_int_eq(t_getint(u, PACKET_FANOUT, &v), 0);
	ck_assert_int_eq(v, 0);	/* id 0 was free here */
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(u, SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 -EINVAL);
	tpsim_close(u);

	/* PACKET_FANOUT_DATA */
	fd = 0;
	ck_assert_int_eq(tpsim_setsockopt(ip2, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	ck_assert_int_eq(t_join(ip2, 11, PACKET_FANOUT_ROLLOVER, 0, 4), 0);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(ip2, SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(len, 24);
	ck_assert_int_eq(tpsim_setsockopt(ip2, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	u = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_join(u, 12, PACKET_FANOUT_EBPF, 0, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	fd = 999;
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EBADF);
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, 2),
			 -EINVAL);
	tpsim_close(u);

	/* joining while the link is down (6.13 on) */
	u = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_bind_to(u, 2, 0), 0);
	ck_assert_int_eq(tpsim_dev_set_link(e.d2, 0), 0);
	ck_assert_int_eq(t_join(u, 20, PACKET_FANOUT_LB, 0, 4), 0);
	tpsim_close(u);

	/* closing the last member frees the group: id 9 is free again */
	tpsim_close(ip);
	ck_assert_int_eq(t_join(ip2, 9, PACKET_FANOUT_LB, 0, 4), -EALREADY);
	tpsim_close(ip2);
	ip2 = t_sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(t_bind_to(ip2, 1, 0), 0);
	ck_assert_int_eq(t_join(ip2, 9, PACKET_FANOUT_QM, 3, 8), 0);
	tpsim_close(ip2);
	tpsim_close(s);
	tpsim_close(s0);
	tpsim_close(s3);
	tpsim_net_destroy(e.n);
}
END_TEST

/* LB: round robin in join order, starting at the second member. */
START_TEST(fanout_lb_cpu_qm)
{
	static const struct {
		uint16_t mode;
		unsigned int counts[3];
	} cases[] = {
		{ PACKET_FANOUT_LB, { 2, 3, 2 } },	/* 1,2,0,1,2,0,1 */
		{ PACKET_FANOUT_CPU, { 3, 2, 2 } },	/* cpu i: i % 3 */
		{ PACKET_FANOUT_QM, { 2, 2, 3 } },	/* queue i+2 */
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct t_env e;
		struct tpsim_sock *m[3], *plain;
		struct tpsim_dev_result r[4];
		uint8_t b[64];

		t_env_open(&e, TPSIM_DEV_TAP);
		for (int i = 0; i < 3; i++) {
			m[i] = t_sock_in(&e, ETH_P_ALL);
			ck_assert_int_eq(t_join(m[i], 3, cases[c].mode, 0, 4),
					 0);
		}
		plain = t_sock_in(&e, ETH_P_ALL);
		t_eth(b, 64, t_dev_addr, ETH_P_IP);
		for (unsigned int i = 0; i < 7; i++) {
			ck_assert_int_eq(t_dev_rx(e.d, b, 64, i, i + 2, r, 4),
					 2);
			ck_assert_ptr_eq(r[0].sock, plain);
			ck_assert_int_eq(r[1].result, TPSIM_RX_DELIVERED);
		}
		for (int i = 0; i < 3; i++) {
			unsigned int got = t_packets(m[i]);

			ck_assert_msg(got == cases[c].counts[i],
				      "mode %u member %d: %u packets, want %u",
				      cases[c].mode, i, got,
				      cases[c].counts[i]);
		}
		ck_assert_int_eq(t_packets(plain), 7);
		for (int i = 0; i < 3; i++)
			tpsim_close(m[i]);
		tpsim_close(plain);
		tpsim_net_destroy(e.n);
	}
}
END_TEST

/* HASH: every frame of a flow, both directions, on one member; and a
 * member whose link goes down leaves the array, back at its end. */
START_TEST(fanout_hash_sticky)
{
	struct t_env e;
	struct tpsim_sock *m[4];
	struct tpsim_dev_result r[2];
	uint8_t b[64];
	unsigned int used = 0;

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 4; i++) {
		m[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_join(m[i], 1, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	for (uint8_t f = 1; f <= 32; f++) {
		struct tpsim_sock *first;

		t_udp_frame(b, t_dev_addr, f, 200, (uint16_t)(1000 + f), 53);
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		first = r[0].sock;
		for (int k = 0; k < 3; k++) {
			t_udp_frame(b, t_dev_addr, f, 200, (uint16_t)(1000 + f),
				    53);
			ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
			ck_assert_ptr_eq(r[0].sock, first);
			t_udp_frame(b, t_dev_addr, 200, f, 53,
				    (uint16_t)(1000 + f));
			ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
			ck_assert_ptr_eq(r[0].sock, first);
		}
		for (int i = 0; i < 4; i++)
			if (first == m[i])
				used |= 1u << i;
	}
	/* 32 flows over 4 members: each member has some */
	ck_assert_uint_eq(used, 15);
	for (int i = 0; i < 4; i++)
		tpsim_close(m[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(fanout_link_down_member)
{
	struct t_env e;
	struct tpsim_sock *m[3];
	struct tpsim_dev_result r[2];
	uint8_t b[64];

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 3; i++) {
		m[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_bind_to(m[i], i == 0 ? 2 : 1, 0), 0);
	}
	/* m0 on the other device cannot join a group of device 1 */
	ck_assert_int_eq(t_join(m[1], 4, PACKET_FANOUT_CPU, 0, 4), 0);
	ck_assert_int_eq(t_join(m[2], 4, PACKET_FANOUT_CPU, 0, 4), 0);
	ck_assert_int_eq(t_join(m[0], 4, PACKET_FANOUT_CPU, 0, 4), -EINVAL);
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	ck_assert_int_eq(t_dev_rx(e.d2, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[0]);
	/* down and up: the array is now m2, m1 */
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(t_so_error(m[1]), ENETDOWN);
	ck_assert_int_eq(t_so_error(m[2]), ENETDOWN);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 1, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[2]);
	/* a member closing: m2 alone takes everything */
	tpsim_close(m[1]);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[2]);
	tpsim_close(m[0]);
	tpsim_close(m[2]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* dev_queue_xmit_nit: what a socket sends reaches the device's other
 * ETH_P_ALL sockets as PACKET_OUTGOING, never the sender, a protocol
 * socket, a PACKET_IGNORE_OUTGOING socket, a group with the
 * IGNORE_OUTGOING flag or the sender's own group; PACKET_QDISC_BYPASS
 * sends past them all. */
START_TEST(outgoing_copies)
{
	struct t_env e;
	struct tpsim_sock *s, *all, *ip, *ign, *g[2], *h[2];
	uint8_t out[128];
	void *ring;

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	all = t_sock_in(&e, ETH_P_ALL);
	ip = t_sock_in(&e, ETH_P_IP);
	ign = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(ign, PACKET_IGNORE_OUTGOING, 1), 0);
	for (int i = 0; i < 2; i++) {
		g[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_join(g[i], 8, PACKET_FANOUT_LB |
						 PACKET_FANOUT_FLAG_IGNORE_OUTGOING,
					0, 4),
				 0);
		h[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_join(h[i], 9, PACKET_FANOUT_LB, 0, 4), 0);
	}
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	ring = tx_ring(s);
	ck_assert_int_eq(send_one(s, ring, 0), 60);
	ck_assert_int_eq(tpsim_recv(all, out, sizeof(out), MSG_DONTWAIT), 60);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(tpsim_recv(ip, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(tpsim_recv(ign, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(t_packets(g[0]) + t_packets(g[1]), 0);
	ck_assert_int_eq(t_packets(h[0]) + t_packets(h[1]), 1);
	/* PACKET_QDISC_BYPASS: nobody */
	ck_assert_int_eq(t_setint(s, PACKET_QDISC_BYPASS, 1), 0);
	ck_assert_int_eq(send_one(s, ring, 1), 60);
	ck_assert_int_eq(tpsim_recv(all, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(t_packets(h[0]) + t_packets(h[1]), 0);
	ck_assert_int_eq(tpsim_munmap(s, ring, 4096), 0);
	tpsim_close(s);
	ck_assert_int_eq(t_bind_to(h[0], 0, 0), -EINVAL);
	tpsim_close(all);
	tpsim_close(ip);
	tpsim_close(ign);
	for (int i = 0; i < 2; i++) {
		tpsim_close(g[i]);
		tpsim_close(h[i]);
	}
	tpsim_net_destroy(e.n);
}
END_TEST

/* The sender's own fanout group does not see what it sends. */
START_TEST(outgoing_not_to_own_group)
{
	struct t_env e;
	struct tpsim_sock *h[2];
	void *ring;

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		h[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_bind_to(h[i], 1, 0), 0);
		ck_assert_int_eq(t_join(h[i], 9, PACKET_FANOUT_LB, 0, 4), 0);
	}
	ring = tx_ring(h[0]);
	ck_assert_int_eq(send_one(h[0], ring, 0), 60);
	ck_assert_int_eq(t_packets(h[0]) + t_packets(h[1]), 0);
	ck_assert_int_eq(tpsim_munmap(h[0], ring, 4096), 0);
	for (int i = 0; i < 2; i++)
		tpsim_close(h[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* CBPF without a program: member 0; RND: every frame to some member;
 * IPv6 flows and tagged frames keep to one HASH member. */
START_TEST(fanout_other_modes)
{
	struct t_env e;
	struct tpsim_sock *c[2], *r[2], *h[3], *v;
	struct tpsim_dev_result res[4];
	uint8_t b[80];
	int fd = 0;

	t_env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		c[i] = t_sock_in(&e, ETH_P_IP);
		ck_assert_int_eq(t_join(c[i], 1, PACKET_FANOUT_CBPF, 0, 4), 0);
		r[i] = t_sock_in(&e, ETH_P_ARP);
		ck_assert_int_eq(t_join(r[i], 2, PACKET_FANOUT_RND, 0, 4), 0);
	}
	/* a CBPF group takes a struct sock_fprog, not an int (N18) */
	ck_assert_int_eq(tpsim_setsockopt(c[0], SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, res, 4), 1);
		ck_assert_ptr_eq(res[0].sock, c[0]);
	}
	t_eth(b, 64, t_dev_addr, ETH_P_ARP);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, res, 4), 1);
	ck_assert_uint_eq(t_packets(r[0]) + t_packets(r[1]), 20);
	/* an 802.3 length field goes to neither */
	b[12] = 0, b[13] = 50;
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, res, 4), 0);

	for (int i = 0; i < 3; i++) {
		h[i] = t_sock_in(&e, ETH_P_IPV6);
		ck_assert_int_eq(t_join(h[i], 3, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	for (uint8_t f = 0; f < 8; f++) {
		struct tpsim_sock *first = NULL;

		for (int k = 0; k < 4; k++) {
			/* an 802.1Q tag, then IPv6/TCP, both directions */
			memset(b, 0, sizeof(b));
			memcpy(b, t_dev_addr, 6);
			b[12] = 0x81, b[14] = 0, b[15] = 7;
			b[16] = 0x86, b[17] = 0xdd;
			b[18] = 0x60;
			b[24] = 6;
			b[18 + 8 + 15 + (k & 1) * 16] = (uint8_t)(f + 1);
			b[18 + 24 + 15 - (k & 1) * 16] = 9;
			b[58 + (k & 1) * 2 + 1] = 80;
			b[58 + 2 - (k & 1) * 2] = 0x30;
			b[58 + 3 - (k & 1) * 2] = f;
			ck_assert_int_eq(t_dev_rx(e.d, b, 80, 0, 0, res, 4), 1);
			if (!first)
				first = res[0].sock;
			ck_assert_ptr_eq(res[0].sock, first);
		}
	}
	/* a frame too short for its IP header: hash 0, still one member */
	t_eth(b, 20, t_dev_addr, ETH_P_IPV6);
	ck_assert_int_eq(t_dev_rx(e.d, b, 20, 0, 0, res, 4), 1);
	/* a device without link addresses (ARPHRD_NONE) */
	{
		struct tpsim_dev_opts o = { .sz = sizeof(o),
					    .hatype = ARPHRD_NONE,
					    .kind = TPSIM_DEV_NIC };
		struct tpsim_dev *d3;
		struct tpsim_packet p = { .sz = sizeof(p), .data = b,
					  .len = 40,
					  .flags = TPSIM_PKT_PROTOCOL,
					  .protocol = htons(ETH_P_IPV6) };

		ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d3), 0);
		v = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(tpsim_dev_deliver(d3, &p, 0, 0, res, 4), 2);
		tpsim_close(v);
	}
	for (int i = 0; i < 2; i++) {
		tpsim_close(c[i]);
		tpsim_close(r[i]);
	}
	for (int i = 0; i < 3; i++)
		tpsim_close(h[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* A TUN's packets (ARPHRD_NONE, no protocol given) reach the group bound
 * to the protocol of their version nibble, as tun_get_user sets it; a
 * packet of another version, or an empty one, reaches neither. */
START_TEST(fanout_tun_protocol)
{
	struct tpsim_dev_opts o = { .sz = sizeof(o), .ifindex = 7,
				    .hatype = ARPHRD_NONE };
	struct tpsim_dev_result res[4];
	struct tpsim_sock *g4, *g6;
	struct tpsim_dev *tun;
	struct t_env e;
	uint8_t b[40] = { 0 };
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = 40 };

	t_env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &tun), 0);
	g4 = t_sock_in(&e, ETH_P_IP);
	g6 = t_sock_in(&e, ETH_P_IPV6);
	ck_assert_int_eq(t_bind_to(g4, 7, ETH_P_IP), 0);
	ck_assert_int_eq(t_bind_to(g6, 7, ETH_P_IPV6), 0);
	ck_assert_int_eq(t_join(g4, 4, PACKET_FANOUT_LB, 0, 4), 0);
	ck_assert_int_eq(t_join(g6, 6, PACKET_FANOUT_LB, 0, 4), 0);
	b[0] = 0x45;
	ck_assert_int_eq(tpsim_dev_deliver(tun, &p, 0, 0, res, 4), 1);
	ck_assert_ptr_eq(res[0].sock, g4);
	b[0] = 0x60;
	ck_assert_int_eq(tpsim_dev_deliver(tun, &p, 0, 0, res, 4), 1);
	ck_assert_ptr_eq(res[0].sock, g6);
	b[0] = 0x50;
	ck_assert_int_eq(tpsim_dev_deliver(tun, &p, 0, 0, res, 4), 0);
	p.len = 0;
	ck_assert_int_eq(tpsim_dev_deliver(tun, &p, 0, 0, res, 4), 0);
	tpsim_close(g4);
	tpsim_close(g6);
	tpsim_net_destroy(e.n);
}
END_TEST

Suite *suite_fanout(void)
{
	Suite *s = suite_create("fanout");
	TCase *tc = tcase_create("fanout");

	tcase_add_test(tc, fanout_join_rules);
	tcase_add_test(tc, fanout_lb_cpu_qm);
	tcase_add_test(tc, fanout_hash_sticky);
	tcase_add_test(tc, fanout_link_down_member);
	tcase_add_test(tc, outgoing_copies);
	tcase_add_test(tc, outgoing_not_to_own_group);
	tcase_add_test(tc, fanout_other_modes);
	tcase_add_test(tc, fanout_tun_protocol);
	suite_add_tcase(s, tc);
	return s;
}
