// SPDX-License-Identifier: MIT
/*
 * A device's qdisc holding what a TX ring sends (tpsim_dev_set_qdisc_hold,
 * T4): frames stay SENDING per device, the hold ends for one device
 * without touching another's, the link going down resets the qdisc,
 * close frees what is held, and a send without a ring is not held.
 * The conformance cases tx.held_* hold the same on Linux 6.18 (a TBF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

struct q_env {
	struct t_env e;
	struct tpsim_sock *s;
	char *m;
	size_t len;
};

static void q_open(struct q_env *q)
{
	struct tpacket_req r = { .tp_block_size = 4096, .tp_block_nr = 2,
				 .tp_frame_size = 2048, .tp_frame_nr = 4 };
	struct tpsim_ring_view v;

	t_env_open(&q->e, TPSIM_DEV_TAP);
	q->s = t_sock_in(&q->e, 0);
	ck_assert_int_eq(t_setint(q->s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(tpsim_setsockopt(q->s, SOL_PACKET, PACKET_TX_RING,
					  &r, sizeof(r)),
			 0);
	ck_assert_int_eq(tpsim_ring_view_of(q->s, TPSIM_RING_TX, &v), 0);
	ck_assert_int_eq(tpsim_mmap(q->s, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    (void **)&q->m),
			 0);
	q->len = v.ring_bytes;
}

static struct tpacket2_hdr *fr(struct q_env *q, unsigned int i)
{
	return (struct tpacket2_hdr *)(q->m + 2048 * i);
}

/* request frame i (60 bytes) and send it to device ifindex (the socket
 * bound there first: a socket sends on its own device) */
static ssize_t send_to(struct q_env *q, unsigned int i, int ifindex)
{
	ck_assert_int_eq(t_bind_to(q->s, ifindex, 0), 0);
	t_eth((uint8_t *)fr(q, i) + 32, 60, t_bcast, 0x88b5);
	fr(q, i)->tp_len = 60;
	fr(q, i)->tp_status = TP_STATUS_SEND_REQUEST;
	return tpsim_send(q->s, NULL, MSG_DONTWAIT);
}

START_TEST(qdisc_per_device)
{
	struct q_env q;
	struct tpsim_wire_stats st;
	uint8_t b[128];

	struct tpsim_dev_state ds = { .sz = sizeof(ds) };
	int i1, i2;

	q_open(&q);
	ck_assert_int_eq(tpsim_dev_state_get(q.e.d, &ds), 0);
	i1 = ds.ifindex;
	ck_assert_int_eq(tpsim_dev_state_get(q.e.d2, &ds), 0);
	i2 = ds.ifindex;
	ck_assert_int_eq(tpsim_dev_set_qdisc_hold(NULL, 1), -EINVAL);
	ck_assert_int_eq(tpsim_dev_set_qdisc_hold(q.e.d, 1), 0);
	ck_assert_int_eq(tpsim_dev_set_qdisc_hold(q.e.d2, 1), 0);
	ck_assert_int_eq(send_to(&q, 0, i1), 60);
	ck_assert_int_eq(send_to(&q, 1, i2), 60);
	ck_assert_uint_eq(fr(&q, 0)->tp_status, TP_STATUS_SENDING);
	ck_assert_uint_eq(fr(&q, 1)->tp_status, TP_STATUS_SENDING);
	ck_assert_int_eq(tpsim_wire_stats_get(q.s, &st), 0);
	ck_assert_uint_eq(st.sending, 2);
	ck_assert_uint_eq(st.packets, 0);
	/* d2's qdisc goes: its frame only (the socket holds both) */
	ck_assert_int_eq(tpsim_dev_set_qdisc_hold(q.e.d2, 0), 0);
	ck_assert_uint_eq(fr(&q, 1)->tp_status, TP_STATUS_AVAILABLE);
	ck_assert_uint_eq(fr(&q, 0)->tp_status, TP_STATUS_SENDING);
	/* d's link down resets its qdisc (dev_deactivate): dropped too */
	ck_assert_int_eq(tpsim_dev_set_link(q.e.d, 0), 0);
	ck_assert_uint_eq(fr(&q, 0)->tp_status, TP_STATUS_AVAILABLE);
	ck_assert_int_eq(tpsim_wire_stats_get(q.s, &st), 0);
	ck_assert_uint_eq(st.sending, 0);
	ck_assert_int_eq(tpsim_wire_recv(q.s, b, sizeof(b), MSG_DONTWAIT),
			 -EAGAIN);
	/* up again, still holding: the next frame is held anew */
	ck_assert_int_eq(tpsim_dev_set_link(q.e.d, 1), 0);
	ck_assert_int_eq(send_to(&q, 2, i1), 60);
	ck_assert_uint_eq(fr(&q, 2)->tp_status, TP_STATUS_SENDING);
	/* the ring cannot go while a frame is held (G1: EBUSY) */
	ck_assert_int_eq(tpsim_munmap(q.s, q.m, q.len), 0);
	{
		struct tpacket_req z = { 0 };

		ck_assert_int_eq(tpsim_setsockopt(q.s, SOL_PACKET,
						  PACKET_TX_RING, &z,
						  sizeof(z)),
				 -EBUSY);
	}
	/* close with a frame held: freed with the socket (ASan, valgrind) */
	tpsim_close(q.s);
	/* a socket without a ring is not held (no send buffer modelled) */
	q.s = t_sock_in(&q.e, 0);
	ck_assert_int_eq(t_bind_to(q.s, i1, 0), 0);
	t_eth(b, 60, t_bcast, 0x88b5);
	ck_assert_int_eq(tpsim_send_data(q.s, b, 60, NULL, MSG_DONTWAIT), 60);
	ck_assert_int_eq(tpsim_wire_recv(q.s, b, sizeof(b), MSG_DONTWAIT), 60);
	tpsim_close(q.s);
	tpsim_net_destroy(q.e.n);
}
END_TEST

/* How many 1514-byte frames a held TX ring sends before SO_SNDBUF 4608
 * is full: each charges its truesize (tpacket_snd); vnet: with a
 * virtio-net header whose hdr_len is 60 (copied into the head). */
static long held_sent(const char *profile, bool vnet)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .profile = profile,
				       .protocol = TPSIM_PROTO_NONE };
	struct tpacket_req r = { .tp_block_size = 4096, .tp_block_nr = 4,
				 .tp_frame_size = 2048, .tp_frame_nr = 8 };
	struct tpsim_ring_view v;
	struct t_env e;
	struct tpsim_sock *s;
	unsigned int off = vnet ? 10 : 0;
	int zero = 0;
	ssize_t n;
	char *m;

	t_env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(tpsim_net_add_sock(e.n, s), 0);
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	if (vnet)
		ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_SNDBUF, &zero,
					  sizeof(zero)),
			 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 0);
	ck_assert_int_eq(tpsim_ring_view_of(s, TPSIM_RING_TX, &v), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    (void **)&m),
			 0);
	for (unsigned int i = 0; i < 8; i++) {
		struct tpacket2_hdr *h = (void *)(m + 2048 * i);
		uint8_t *d = (uint8_t *)h + 32;

		memset(d, 0, off);
		if (vnet)
			d[2] = 60;	/* hdr_len, little-endian */
		t_eth(d + off, 1514, t_bcast, 0x88b5);
		h->tp_len = 1514 + off;
		h->tp_status = TP_STATUS_SEND_REQUEST;
	}
	ck_assert_int_eq(tpsim_dev_set_qdisc_hold(e.d, 1), 0);
	n = tpsim_send(s, NULL, MSG_DONTWAIT);
	ck_assert_int_eq(tpsim_munmap(s, m, v.ring_bytes), 0);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
	return n < 0 ? n : n / 1514;
}

START_TEST(qdisc_tx_truesize)
{
	/* 6.18: 832 (small head) + 1500 = 2332, two fill 4608 */
	ck_assert_int_eq(held_sent("linux", false), 2);
	/* 6.1: a 512-byte kmalloc head, 768 + 1500 = 2268: three */
	ck_assert_int_eq(held_sent("linux-6.1", false), 3);
	/* hdr_len 60 copied into the head: 832 + 1454 = 2286: three */
	ck_assert_int_eq(held_sent("linux", true), 3);
}
END_TEST

Suite *suite_qdisc(void)
{
	Suite *s = suite_create("qdisc");
	TCase *tc = tcase_create("qdisc");

	tcase_add_test(tc, qdisc_per_device);
	tcase_add_test(tc, qdisc_tx_truesize);
	suite_add_tcase(s, tc);
	return s;
}
