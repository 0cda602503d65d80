// SPDX-License-Identifier: MIT
/*
 * Description: the TX ring (G13, M1, M2, P2, T1-T3): one mapping for RX
 * and TX, the SEND_REQUEST walk, wrong-format frames with and without
 * PACKET_LOSS, size limits, SOCK_DGRAM headers, PACKET_TX_HAS_OFF, frames
 * held SENDING on a slow wire, SO_SNDTIMEO, a full wire queue, and a
 * send of no data without a TX ring.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "t_helpers.h"

struct tx_env {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;	/* the TX ring (the mapping holds no RX ring) */
	size_t len;
	int version;
};

static int tx_ring(struct tpsim_sock *s, unsigned int fsize, unsigned int fnr)
{
	struct tpacket_req3 r = { .tp_block_size = 4096,
				  .tp_block_nr = fnr / (4096 / fsize),
				  .tp_frame_size = fsize, .tp_frame_nr = fnr };

	return tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r, sizeof(r));
}

static void env_open_opts(struct tx_env *e, struct tpsim_create_opts *o,
			  int version, unsigned int fsize, unsigned int fnr)
{
	ck_assert_int_eq(tpsim_create(o, &e->s), 0);
	ck_assert_int_eq(t_setint(e->s, PACKET_VERSION, version), 0);
	ck_assert_int_eq(tx_ring(e->s, fsize, fnr), 0);
	ck_assert_int_eq(tpsim_ring_view_of(e->s, TPSIM_RING_TX, &e->v), 0);
	ck_assert_int_eq(tpsim_mmap(e->s, NULL, e->v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    (void **)&e->m),
			 0);
	e->len = e->v.ring_bytes;
	e->version = version;
}

static void env_open(struct tx_env *e, int version)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };

	env_open_opts(e, &o, version, 2048, 4);
}

static void env_close(struct tx_env *e)
{
	ck_assert_int_eq(tpsim_munmap(e->s, e->m, e->len), 0);
	tpsim_close(e->s);
}

static void *frame(struct tx_env *e, uint32_t i)
{
	return tpsim_frame(e->m, &e->v, i);
}

/* data offset without PACKET_TX_HAS_OFF: TPACKET_ALIGN(sizeof hdr) */
static uint32_t data_off(int version)
{
	return version == TPACKET_V3 ? 48 : 32;
}

static void set_len(struct tx_env *e, uint32_t i, uint32_t len)
{
	void *h = frame(e, i);

	if (e->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_len = len;
	else if (e->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_len = len;
	else
		((struct tpacket3_hdr *)h)->tp_len = len;
}

/* Fill frame i with an Ethernet frame of len bytes and request it. */
static void put(struct tx_env *e, uint32_t i, uint32_t len, uint16_t type)
{
	uint8_t *d = (uint8_t *)frame(e, i) + data_off(e->version);

	if (len >= ETH_HLEN)
		t_eth(d, len, t_bcast, type);
	set_len(e, i, len);
	tpsim_frame_send_request(frame(e, i), e->version);
}

static uint32_t st(struct tx_env *e, uint32_t i)
{
	return tpsim_frame_status(frame(e, i), e->version);
}

static void test_send_basic(int version)
{
	struct tx_env e;
	uint8_t buf[256], want[100];

	env_open(&e, version);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_AVAILABLE);
	put(&e, 0, 100, 0x88b5);
	put(&e, 2, 100, 0x88b5);	/* not reached: frame 1 is free */
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 100);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_AVAILABLE);
	ck_assert_uint_eq(st(&e, 2), TP_STATUS_SEND_REQUEST);
	t_eth(want, 100, t_bcast, 0x88b5);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), MSG_DONTWAIT),
			 100);
	ck_assert_mem_eq(buf, want, 100);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), MSG_DONTWAIT),
			 -EAGAIN);
	env_close(&e);
}

START_TEST(t1_send_v1) { test_send_basic(TPACKET_V1); }
END_TEST
START_TEST(t1_send_v2) { test_send_basic(TPACKET_V2); }
END_TEST
START_TEST(t1_send_v3) { test_send_basic(TPACKET_V3); }
END_TEST

START_TEST(t2_wrong_format_stops_the_walk)
{
	struct tx_env e;
	uint8_t buf[2048];

	env_open(&e, TPACKET_V2);
	put(&e, 0, 100, 0x88b5);
	set_len(&e, 0, 3000);	/* beyond the 2048-byte frame */
	put(&e, 1, 100, 0x88b5);
	set_len(&e, 0, 3000);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EMSGSIZE);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_WRONG_FORMAT);
	ck_assert_uint_eq(st(&e, 1), TP_STATUS_SEND_REQUEST);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), MSG_DONTWAIT),
			 -EAGAIN);
	env_close(&e);

	/* PACKET_LOSS: skipped, AVAILABLE again, the walk goes on */
	env_open(&e, TPACKET_V2);
	ck_assert_int_eq(tpsim_munmap(e.s, e.m, e.len), 0);
	ck_assert_int_eq(t_setint(e.s, PACKET_LOSS, 1), -EBUSY);
	tpsim_close(e.s);
	{
		struct tpsim_create_opts o = { .sz = sizeof(o) };

		ck_assert_int_eq(tpsim_create(&o, &e.s), 0);
		ck_assert_int_eq(t_setint(e.s, PACKET_VERSION, TPACKET_V2), 0);
		ck_assert_int_eq(t_setint(e.s, PACKET_LOSS, 1), 0);
		ck_assert_int_eq(tx_ring(e.s, 2048, 4), 0);
		ck_assert_int_eq(tpsim_ring_view_of(e.s, TPSIM_RING_TX, &e.v),
				 0);
		ck_assert_int_eq(tpsim_mmap(e.s, NULL, e.v.ring_bytes,
					    PROT_READ | PROT_WRITE, MAP_SHARED,
					    0, (void **)&e.m),
				 0);
	}
	put(&e, 0, 100, 0x88b5);
	set_len(&e, 0, 3000);
	put(&e, 1, 100, 0x88b5);
	set_len(&e, 0, 3000);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 100);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_AVAILABLE);
	ck_assert_uint_eq(st(&e, 1), TP_STATUS_AVAILABLE);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 100);
	env_close(&e);
}
END_TEST

START_TEST(t2_size_limits)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tx_env e;
	uint8_t buf[4096];

	env_open_opts(&e, &o, TPACKET_V2, 4096, 4);
	/* MTU 1500 + 14: 1514 goes, 1515 does not */
	put(&e, 0, 1514, 0x88b5);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 1514);
	put(&e, 1, 1515, 0x88b5);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EMSGSIZE);
	ck_assert_str_eq(tpsim_strerror_detail(e.s),
			 "T2: tp_len 1515 exceeds MTU 1500 + 14");
	/* a frame stays WRONG_FORMAT until the user rewrites it */
	put(&e, 1, 1518, ETH_P_8021Q);	/* four more for a VLAN tag */
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 1518);
	put(&e, 2, 1519, ETH_P_8021Q);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EMSGSIZE);
	ck_assert_str_eq(tpsim_strerror_detail(e.s),
			 "T2: tp_len 1519 exceeds 1518 (frame or MTU)");
	put(&e, 2, 13, 0);	/* shorter than the link header */
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EINVAL);
	ck_assert_uint_eq(st(&e, 2), TP_STATUS_WRONG_FORMAT);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 1514);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 1518);
	env_close(&e);
}
END_TEST

START_TEST(t2_v3_frames_are_fixed_size)
{
	struct tx_env e;

	env_open(&e, TPACKET_V3);
	put(&e, 0, 100, 0x88b5);
	((struct tpacket3_hdr *)frame(&e, 0))->tp_next_offset = 2048;
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EINVAL);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_WRONG_FORMAT);
	env_close(&e);
}
END_TEST

START_TEST(g13_v3_tx_takes_no_block_options)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpacket_req3 r = { 4096, 1, 2048, 2, 0, 0, 0 };

	r.tp_retire_blk_tov = 10;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 -EINVAL);
	r.tp_retire_blk_tov = 0;
	r.tp_sizeof_priv = 8;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 -EINVAL);
	r.tp_sizeof_priv = 0;
	r.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 -EINVAL);
	r.tp_feature_req_word = 0;
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 0);
	/* G3 per direction: a second TX ring is busy, an RX ring is not */
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &r,
					  sizeof(r)),
			 -EBUSY);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r,
					  sizeof(r)),
			 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), -EBUSY);
	tpsim_close(s);
}
END_TEST

START_TEST(m2_rx_then_tx_in_one_mapping)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req rx = { 8192, 2, 2048, 8 }, tx = { 4096, 3, 2048, 6 };
	struct tpsim_ring_view v;
	uint8_t f[100];
	char *m;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &tx,
					  sizeof(tx)),
			 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &rx,
					  sizeof(rx)),
			 0);
	/* M1: the sum, not either one */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 16384, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, (void **)&m),
			 -EINVAL);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 16384 + 12288,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    (void **)&m),
			 0);
	/* an RX packet lands at offset 0, a TX frame is read at 16384 */
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(tpsim_frame_status(m, TPACKET_V2) & TP_STATUS_USER,
			  TP_STATUS_USER);
	ck_assert_int_eq(tpsim_ring_view_of(s, TPSIM_RING_TX, &v), 0);
	ck_assert_uint_eq(v.ring_bytes, 12288);
	memcpy(m + 16384 + 32, f, sizeof(f));
	((struct tpacket2_hdr *)(m + 16384))->tp_len = sizeof(f);
	tpsim_frame_send_request(m + 16384, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(s, NULL, MSG_DONTWAIT), 100);
	ck_assert_int_eq(tpsim_munmap(s, m, 16384 + 12288), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(t1_held_frames_stay_sending)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .wire = TPSIM_WIRE_HOLD };
	struct timeval tv = { 0, 10000 };
	struct tpsim_wire_stats ws;
	struct tx_env e;
	uint8_t buf[256];
	struct tpacket_req none = { 0 };

	env_open_opts(&e, &o, TPACKET_V2, 2048, 4);
	put(&e, 0, 100, 0x88b5);
	put(&e, 1, 60, 0x88b5);
	ck_assert_int_eq(tpsim_send(e.s, NULL, MSG_DONTWAIT), 160);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_SENDING);
	ck_assert_uint_eq(st(&e, 1), TP_STATUS_SENDING);
	ck_assert_int_eq(tpsim_wire_stats_get(e.s, &ws), 0);
	ck_assert_uint_eq(ws.sending, 2);
	ck_assert_uint_eq(ws.queued, 2);
	/* a blocking send waits for them: SO_SNDTIMEO bounds it */
	ck_assert_int_eq(tpsim_setsockopt(e.s, SOL_SOCKET, SO_SNDTIMEO, &tv,
					  sizeof(tv)),
			 0);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -ETIMEDOUT);
	/* a ring with frames in flight cannot be torn down (G1) */
	ck_assert_int_eq(tpsim_munmap(e.s, e.m, e.len), 0);
	ck_assert_int_eq(tpsim_setsockopt(e.s, SOL_PACKET, PACKET_TX_RING,
					  &none, sizeof(none)),
			 -EBUSY);
	ck_assert_int_eq(tpsim_mmap(e.s, NULL, e.len, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, (void **)&e.m),
			 0);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 100);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_AVAILABLE);
	ck_assert_uint_eq(st(&e, 1), TP_STATUS_SENDING);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, 10, MSG_TRUNC), 60);
	ck_assert_uint_eq(st(&e, 1), TP_STATUS_AVAILABLE);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 0);
	env_close(&e);
}
END_TEST

START_TEST(p2_pollout)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .wire = TPSIM_WIRE_HOLD };
	struct tx_env e;
	int sndbuf = 0;	/* the minimum: 4608 bytes */

	env_open_opts(&e, &o, TPACKET_V2, 2048, 8);
	ck_assert_int_eq(tpsim_poll(e.s, POLLOUT, 0), POLLOUT);
	/* the current frame requested: still writable, the buffer is idle */
	put(&e, 0, 1000, 0x88b5);
	ck_assert_int_eq(tpsim_poll(e.s, POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(tpsim_setsockopt(e.s, SOL_SOCKET, SO_SNDBUF, &sndbuf,
					  sizeof(sndbuf)),
			 0);
	for (int i = 1; i < 4; i++)
		put(&e, (uint32_t)i, 1000, 0x88b5);
	/* 4 x (1000 + 768) held: past the 4608 buffer, send stops early */
	ck_assert_int_eq(tpsim_send(e.s, NULL, MSG_DONTWAIT), 3000);
	ck_assert_uint_eq(st(&e, 3), TP_STATUS_SEND_REQUEST);
	/* more than half the buffer in flight, current frame requested */
	ck_assert_int_eq(tpsim_poll(e.s, POLLOUT, 0), 0);
	env_close(&e);
}
END_TEST

START_TEST(t1_dgram_builds_the_header)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .type = SOCK_DGRAM };
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = 1, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tx_env e;
	uint8_t buf[256];
	uint8_t *d;

	env_open_opts(&e, &o, TPACKET_V2, 2048, 4);
	d = (uint8_t *)frame(&e, 0) + 32;
	memset(d, 0xab, 50);
	set_len(&e, 0, 50);
	tpsim_frame_send_request(frame(&e, 0), TPACKET_V2);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EINVAL);
	ck_assert_uint_eq(st(&e, 0), TP_STATUS_WRONG_FORMAT);
	tpsim_frame_send_request(frame(&e, 0), TPACKET_V2);
	to.sll_ifindex = 7;
	ck_assert_int_eq(tpsim_send(e.s, &to, 0), -ENXIO);
	to.sll_ifindex = 1;
	ck_assert_int_eq(tpsim_send(e.s, &to, 0), 50);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 64);
	ck_assert_mem_eq(buf, to.sll_addr, 6);
	ck_assert_mem_eq(buf + 6, t_self, 6);
	ck_assert_uint_eq(buf[12] << 8 | buf[13], 0x88b5);
	ck_assert_uint_eq(buf[14], 0xab);
	env_close(&e);
}
END_TEST

START_TEST(t2_tx_has_off)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tx_env e;
	struct tpacket2_hdr *h;
	uint8_t buf[256];

	ck_assert_int_eq(tpsim_create(&o, &e.s), 0);
	ck_assert_int_eq(t_setint(e.s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_setint(e.s, PACKET_TX_HAS_OFF, 1), 0);
	ck_assert_int_eq(tx_ring(e.s, 2048, 4), 0);
	ck_assert_int_eq(tpsim_ring_view_of(e.s, TPSIM_RING_TX, &e.v), 0);
	ck_assert_int_eq(tpsim_mmap(e.s, NULL, e.v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0,
				    (void **)&e.m),
			 0);
	e.len = e.v.ring_bytes;
	e.version = TPACKET_V2;
	h = frame(&e, 0);
	t_eth((uint8_t *)h + 200, 100, t_bcast, 0x88b5);
	h->tp_len = 100;
	h->tp_mac = 200;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 100);
	ck_assert_int_eq(tpsim_wire_recv(e.s, buf, sizeof(buf), 0), 100);
	ck_assert_uint_eq(buf[12] << 8 | buf[13], 0x88b5);
	/* below the header, and past the frame end */
	h = frame(&e, 1);
	h->tp_len = 100;
	h->tp_mac = 31;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EINVAL);
	h->tp_mac = 2048 - 99;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), -EINVAL);
	env_close(&e);
}
END_TEST

START_TEST(t1_no_ring_and_full_wire)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .wire_queue_len = 2 };
	struct tpsim_wire_stats ws;
	struct tx_env e;
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(tpsim_send(s, NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_send(s, NULL, MSG_OOB), -EINVAL);
	tpsim_close(s);

	env_open_opts(&e, &o, TPACKET_V2, 2048, 4);
	for (uint32_t i = 0; i < 3; i++)
		put(&e, i, 60, 0x88b5);
	/* a TAP drops what its queue cannot take; the frames are done */
	ck_assert_int_eq(tpsim_send(e.s, NULL, 0), 180);
	ck_assert_int_eq(tpsim_wire_stats_get(e.s, &ws), 0);
	ck_assert_uint_eq(ws.packets, 2);
	ck_assert_uint_eq(ws.drops, 1);
	ck_assert_uint_eq(ws.queued, 2);
	ck_assert_uint_eq(st(&e, 2), TP_STATUS_AVAILABLE);
	env_close(&e);
}
END_TEST

/* packet_snd() with no data: what --differential found the kernel does */
START_TEST(t1_send_of_no_data_without_ring)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = 1, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpsim_sock *raw = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *dgram = t_sock(SOCK_DGRAM, TPACKET_V2, 0);
	struct tpsim_wire_stats ws;
	uint8_t buf[64];

	ck_assert_int_eq(tpsim_send(raw, &to, 0), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(raw),
			 "T1: no TX ring, and a send of 0 bytes is shorter "
			 "than the 14-byte link header");
	ck_assert_int_eq(tpsim_send(dgram, NULL, 0), -EINVAL);
	ck_assert_str_eq(tpsim_strerror_detail(dgram),
			 "T1: no TX ring, and a SOCK_DGRAM send needs a "
			 "destination address");
	to.sll_ifindex = 7;
	ck_assert_int_eq(tpsim_send(dgram, &to, 0), -ENXIO);
	to.sll_ifindex = 1;
	ck_assert_int_eq(tpsim_send(dgram, &to, MSG_DONTWAIT), 0);
	ck_assert_int_eq(tpsim_wire_recv(dgram, buf, sizeof(buf), 0), 14);
	ck_assert_mem_eq(buf, to.sll_addr, 6);
	ck_assert_mem_eq(buf + 6, t_self, 6);
	ck_assert_uint_eq(buf[12] << 8 | buf[13], 0x88b5);
	ck_assert_int_eq(tpsim_wire_stats_get(dgram, &ws), 0);
	ck_assert_uint_eq(ws.packets, 1);
	ck_assert_uint_eq(ws.bytes, 14);
	ck_assert_int_eq(tpsim_wire_recv(raw, buf, sizeof(buf), MSG_DONTWAIT),
			 -EAGAIN);
	tpsim_close(raw);
	tpsim_close(dgram);
}
END_TEST

Suite *suite_tx(void)
{
	Suite *s = suite_create("tx");
	TCase *tc = tcase_create("tx_ring");

	tcase_add_test(tc, t1_send_v1);
	tcase_add_test(tc, t1_send_v2);
	tcase_add_test(tc, t1_send_v3);
	tcase_add_test(tc, t2_wrong_format_stops_the_walk);
	tcase_add_test(tc, t2_size_limits);
	tcase_add_test(tc, t2_v3_frames_are_fixed_size);
	tcase_add_test(tc, g13_v3_tx_takes_no_block_options);
	tcase_add_test(tc, m2_rx_then_tx_in_one_mapping);
	tcase_add_test(tc, t1_held_frames_stay_sending);
	tcase_add_test(tc, p2_pollout);
	tcase_add_test(tc, t1_dgram_builds_the_header);
	tcase_add_test(tc, t2_tx_has_off);
	tcase_add_test(tc, t1_no_ring_and_full_wire);
	tcase_add_test(tc, t1_send_of_no_data_without_ring);
	suite_add_tcase(s, tc);
	return s;
}
