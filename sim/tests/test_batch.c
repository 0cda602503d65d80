// SPDX-License-Identifier: MIT
/*
 * Description: tpsim_deliver_batch, the vector form of the producer
 * (netif_receive_skb_list() handing a NIC poll's packets up at once).
 * Proves that a batch leaves the ring, the results and the statistics
 * exactly as the same packets delivered one by one (V1, V2, V3, the
 * receive queue), what the call returns when packet k is invalid, and
 * that a consumer thread sees every frame of a batch in order
 * (ThreadSanitizer runs it). The batch and the clock: test_batch_clock.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include "t_batch.h"

/* plain: see t_batch_list */
static void compare_lists(int type, int version, unsigned int run,
			  unsigned int frames, bool plain)
{
	static struct t_batch_list l;
	struct tpsim_sock *a = t_batch_ring_sock(type, version, frames);
	struct tpsim_sock *b = t_batch_ring_sock(type, version, frames);
	int single[T_BATCH_NPKT], batch[T_BATCH_NPKT];
	unsigned int pa, da, pb, db;
	size_t la, lb;
	uint8_t *ma, *mb;

	t_batch_list(&l, plain);
	ma = t_map(a, &la);
	mb = t_map(b, &lb);
	/* batches of run packets: both sides of TPSIM_BATCH_RUN (64) */
	for (unsigned int i = 0; i < T_BATCH_NPKT; i += run) {
		unsigned int n = T_BATCH_NPKT - i < run ? T_BATCH_NPKT - i : run;

		for (unsigned int k = i; k < i + n; k++)
			single[k] = tpsim_deliver(a, l.p + k);
		ck_assert_int_eq(tpsim_deliver_batch(b, l.pp + i, n,
						     batch + i), (int)n);
		t_batch_same_rx_last(a, b, i + n - 1);
	}
	for (int i = 0; i < T_BATCH_NPKT; i++)
		ck_assert_msg(single[i] == batch[i],
			      "packet %d: single %d, batch %d (V%d, type %d)",
			      i, single[i], batch[i], version, type);
	ck_assert_uint_eq(la, lb);
	for (size_t off = 0; off < la; off++)
		ck_assert_msg(ma[off] == mb[off],
			      "ring byte %zu: single 0x%02x, batch 0x%02x "
			      "(V%d, type %d, runs of %u)", off, ma[off],
			      mb[off], version, type, run);
	t_stats(a, &pa, &da);
	t_stats(b, &pb, &db);
	ck_assert_uint_eq(pa, pb);
	ck_assert_uint_eq(da, db);
	ck_assert_uint_gt(da, 0);	/* the list overflows the ring */
	tpsim_munmap(a, ma, la);
	tpsim_munmap(b, mb, lb);
	tpsim_close(a);
	tpsim_close(b);
}

static void compare_batch_with_single(int type, int version, unsigned int run,
				      unsigned int frames)
{
	compare_lists(type, version, run, frames, false);
}

START_TEST(batch_equals_single_v1_v2)
{
	for (int v = TPACKET_V1; v <= TPACKET_V2; v++) {
		compare_batch_with_single(SOCK_RAW, v, 300, 64);
		compare_batch_with_single(SOCK_DGRAM, v, 7, 64);
	}
}
END_TEST

START_TEST(batch_equals_single_v3)
{
	compare_batch_with_single(SOCK_RAW, TPACKET_V3, 300, 0);
	compare_batch_with_single(SOCK_DGRAM, TPACKET_V3, 64, 0);
	compare_batch_with_single(SOCK_RAW, TPACKET_V3, 1, 0);
}
END_TEST

/* V2 with more frames than a run: the plain frames' statuses go out at
 * the run's end, in order, and before a packet the general path places
 * (tags, flags in the list) or a clock step (batch_clock_deferred): the
 * ring ends byte for byte as with single deliveries. */
START_TEST(batch_equals_single_deferred)
{
	compare_batch_with_single(SOCK_RAW, TPACKET_V2, 300, 128);
	compare_batch_with_single(SOCK_RAW, TPACKET_V2, 64, 128);
	compare_batch_with_single(SOCK_DGRAM, TPACKET_V2, 7, 128);
}
END_TEST

/* The same with plain packets only: a batch's plain run takes whole
 * runs; with runs of 50 the ring fills in the middle of one (its last
 * packets dropped: tpsim_rx_last is of the one before them), with runs of
 * 64 at a run's end (the next run delivers none). */
START_TEST(batch_equals_single_plain)
{
	compare_lists(SOCK_RAW, TPACKET_V2, 50, 128, true);
	compare_lists(SOCK_RAW, TPACKET_V2, 64, 128, true);
	compare_lists(SOCK_DGRAM, TPACKET_V2, 50, 128, true);
	compare_lists(SOCK_RAW, TPACKET_V1, 50, 128, true);
}
END_TEST

/* Without a ring: the receive queue gets the same packets, in order. */
START_TEST(batch_equals_single_queue)
{
	static struct t_batch_list l;
	struct tpsim_sock *a = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *b = t_sock(SOCK_RAW, TPACKET_V2, 0);
	int ra[T_BATCH_NPKT], rb[T_BATCH_NPKT];
	static uint8_t ba[2048], bb[2048];
	ssize_t na, nb;

	t_batch_list(&l, false);
	for (int i = 0; i < T_BATCH_NPKT; i++)
		ra[i] = tpsim_deliver(a, l.p + i);
	ck_assert_int_eq(tpsim_deliver_batch(b, l.pp, T_BATCH_NPKT, rb),
			 T_BATCH_NPKT);
	for (int i = 0; i < T_BATCH_NPKT; i++)
		ck_assert_int_eq(ra[i], rb[i]);
	do {
		na = tpsim_recv(a, ba, sizeof(ba), MSG_DONTWAIT);
		nb = tpsim_recv(b, bb, sizeof(bb), MSG_DONTWAIT);
		ck_assert_int_eq(na, nb);
		if (na > 0)
			ck_assert_int_eq(memcmp(ba, bb, (size_t)na), 0);
	} while (na > 0);
	ck_assert_int_eq(na, -EAGAIN);
	tpsim_close(a);
	tpsim_close(b);
}
END_TEST

/* Packet k is invalid: 0..k-1 are delivered and published, k is returned,
 * k and later are untouched (their results too), as sendmmsg(2). */
START_TEST(batch_stops_at_invalid_packet)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t f[60];
	struct tpsim_packet ok = { .sz = sizeof(ok), .data = f, .len = 60 };
	struct tpsim_packet shortp = { .sz = sizeof(ok), .data = f, .len = 13 };
	const struct tpsim_packet *v[5] = { &ok, &ok, &ok, &shortp, &ok };
	int res[5] = { -99, -99, -99, -99, -99 };
	unsigned int p, d;
	size_t len;
	char *m;

	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 5, res), 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(res[i], TPSIM_RX_DELIVERED);
	ck_assert_int_eq(res[3], -99);
	ck_assert_int_eq(res[4], -99);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(tpsim_frame_status(m + i * 2048, TPACKET_V2),
				  TP_STATUS_USER);
	ck_assert_uint_eq(tpsim_frame_status(m + 3 * 2048, TPACKET_V2),
			  TP_STATUS_KERNEL);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLIN);
	/* the first invalid: the error, nothing delivered */
	ck_assert_int_eq(tpsim_deliver_batch(s, v + 3, 2, res + 3), -EINVAL);
	ck_assert_int_eq(res[3], -99);
	ck_assert_int_eq(res[4], -99);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 3);
	ck_assert_uint_eq(d, 0);
	/* a NULL pointer in the vector is an invalid packet too */
	v[1] = NULL;
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 3, NULL), 1);
	ck_assert_uint_eq(tpsim_frame_status(m + 3 * 2048, TPACKET_V2),
			  TP_STATUS_USER);
	/* a full ring drops, and that is a result, not an error */
	ck_assert_int_eq(tpsim_deliver_batch(s, v + 2, 1, res), 1);
	ck_assert_int_eq(res[0], TPSIM_RX_DROPPED);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 2);
	ck_assert_uint_eq(d, 1);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* A held V2 ring filled by batches, one more dropped: the frame the
 * consumer then returns gets the next batch's packet with
 * TP_STATUS_LOSING, as a single delivery's would (R6). */
START_TEST(batch_held_losing)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	uint8_t f[60];
	struct tpsim_packet ok = { .sz = sizeof(ok), .data = f, .len = 60 };
	const struct tpsim_packet *v[64];
	int res[64];
	size_t len;
	char *m;

	for (int i = 0; i < 64; i++)
		v[i] = &ok;
	ck_assert_int_eq(t_ring(s, 8192, 16, 1024, 128), 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 64, NULL), 64);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 64, NULL), 64);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 2, res), 2);
	ck_assert_int_eq(res[0], TPSIM_RX_DROPPED);
	ck_assert_int_eq(res[1], TPSIM_RX_DROPPED);
	ck_assert_uint_eq(tpsim_frame_status(m, TPACKET_V2), TP_STATUS_USER);
	tpsim_frame_release(m, TPACKET_V2);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 2, res), 2);
	ck_assert_int_eq(res[0], TPSIM_RX_DELIVERED);
	ck_assert_int_eq(res[1], TPSIM_RX_DROPPED);
	ck_assert_uint_eq(tpsim_frame_status(m, TPACKET_V2),
			  TP_STATUS_USER | TP_STATUS_LOSING);
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.frame, 0);
	ck_assert_uint_eq(in.seq, 129);
	ck_assert_uint_eq(in.status, TP_STATUS_USER | TP_STATUS_LOSING);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

START_TEST(batch_bad_arguments)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t f[60];
	struct tpsim_packet ok = { .sz = sizeof(ok), .data = f, .len = 60 };
	const struct tpsim_packet *v[1] = { &ok };
	struct tpsim_packet oldsz = ok;
	unsigned int p, d;

	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	oldsz.sz = offsetof(struct tpsim_packet, protocol);
	ck_assert_int_eq(tpsim_deliver_batch(NULL, v, 1, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_deliver_batch(s, NULL, 1, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_deliver_batch(s, NULL, 0, NULL), 0);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 0, NULL), 0);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 1u << 31, NULL), -EINVAL);
	v[0] = &oldsz;
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 1, NULL), -EINVAL);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 0);
	ck_assert_uint_eq(d, 0);
	tpsim_close(s);
}
END_TEST

/* A consumer thread sleeping in tpsim_poll sees every frame of every
 * batch, in order and whole; the accounting is exact. Under
 * ThreadSanitizer (make check TSAN=1) this proves the ordering. */
#define NBATCH_PKTS 200000u

struct bconsumer {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;
	_Atomic uint32_t delivered;
	_Atomic int done;
	uint32_t received;
	const char *error;
	uint32_t err_want, err_got;
};

static void *bconsume(void *arg)
{
	struct bconsumer *c = arg;
	uint32_t idx = 0, want = 0;

	for (;;) {
		struct tpacket2_hdr *h = tpsim_frame(c->m, &c->v, idx);
		const uint8_t *d;
		uint32_t seq;

		if (!(tpsim_frame_status(h, TPACKET_V2) & TP_STATUS_USER)) {
			if (atomic_load(&c->done) &&
			    c->received == atomic_load(&c->delivered))
				return NULL;
			tpsim_poll(c->s, POLLIN, 10);
			continue;
		}
		d = (const uint8_t *)h + h->tp_mac;
		memcpy(&seq, d + 14, 4);
		if (seq < want || h->tp_len != 100 || d[99] != (uint8_t)seq) {
			c->error = "frame out of order, torn or of a bad length";
			c->err_want = want;
			c->err_got = seq;
			return NULL;
		}
		want = seq + 1;
		c->received++;
		tpsim_frame_release(h, TPACKET_V2);
		idx = idx + 1 == c->v.frame_nr ? 0 : idx + 1;
	}
}

START_TEST(batch_two_threads)
{
	static struct bconsumer c;
	static uint8_t f[64][100];
	struct tpsim_packet p[64];
	const struct tpsim_packet *v[64];
	int res[64];
	uint32_t seq = 0, dropped = 0;
	unsigned int sp, sd;
	size_t len;
	pthread_t t;

	memset(&c, 0, sizeof(c));
	c.s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	ck_assert_int_eq(t_ring(c.s, 4096, 16, 256, 256), 0);
	ck_assert_int_eq(tpsim_ring_view_get(c.s, &c.v), 0);
	c.m = t_map(c.s, &len);
	ck_assert_int_eq(pthread_create(&t, NULL, bconsume, &c), 0);
	for (int i = 0; i < 64; i++) {
		t_eth(f[i], 100, t_bcast, ETH_P_IP);
		p[i] = (struct tpsim_packet){ .sz = sizeof(p[i]),
					      .data = f[i], .len = 100 };
		v[i] = &p[i];
	}
	while (seq < NBATCH_PKTS) {
		/* batches of 1 to 64 packets */
		unsigned int n = 1 + seq % 64;

		for (unsigned int i = 0; i < n; i++) {
			uint32_t q = seq + i;

			memcpy(f[i] + 14, &q, 4);
			f[i][99] = (uint8_t)q;
		}
		ck_assert_int_eq(tpsim_deliver_batch(c.s, v, n, res), (int)n);
		for (unsigned int i = 0; i < n; i++) {
			if (res[i] == TPSIM_RX_DELIVERED)
				atomic_fetch_add(&c.delivered, 1);
			else
				dropped++;
		}
		seq += n;
	}
	atomic_store(&c.done, 1);
	tpsim_poll_sync(c.s);
	pthread_join(t, NULL);
	ck_assert_msg(!c.error, "%s (expected %u or later, got %u)", c.error,
		      c.err_want, c.err_got);
	ck_assert_uint_eq(c.received, atomic_load(&c.delivered));
	ck_assert_uint_ge(c.received, 256);
	t_stats(c.s, &sp, &sd);
	ck_assert_uint_eq(sp, seq);
	ck_assert_uint_eq(sd, dropped);
	tpsim_munmap(c.s, c.m, len);
	tpsim_close(c.s);
}
END_TEST


Suite *suite_batch(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("batch");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, batch_bad_arguments);
	tcase_add_test(tc, batch_equals_single_deferred);
	tcase_add_test(tc, batch_held_losing);
	tcase_add_test(tc, batch_equals_single_plain);
	tcase_add_test(tc, batch_equals_single_queue);
	tcase_add_test(tc, batch_equals_single_v1_v2);
	tcase_add_test(tc, batch_equals_single_v3);
	tcase_add_test(tc, batch_stops_at_invalid_packet);
	tcase_add_test(tc, batch_two_threads);
	suite_add_tcase(s, tc);
	return s;
}
