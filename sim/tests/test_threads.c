// SPDX-License-Identifier: MIT
/*
 * Description: producer and consumer in two threads (rules R1, R11, P3):
 * 10^6 packets, no lost wake-up (a poll that times out while a frame is
 * published fails), no torn frame (every byte of every frame checked),
 * exact accounting (delivered + dropped = offered, as PACKET_STATISTICS
 * says too).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

#define N_PACKETS 1000000u

struct tenv {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;
	size_t len;
	_Atomic int done;
	_Atomic uint32_t delivered;
	uint32_t dropped;
	uint32_t received;
	const char *error;
	uint32_t err_seq, err_got;
};

static void *consumer(void *arg)
{
	struct tenv *e = arg;
	uint32_t idx = 0, want = 0;

	for (;;) {
		struct tpacket2_hdr *h = tpsim_frame(e->m, &e->v, idx);
		uint32_t st = tpsim_frame_status(h, TPACKET_V2);

		if (st == TP_STATUS_KERNEL) {
			if (atomic_load(&e->done) &&
			    e->received == atomic_load(&e->delivered))
				return NULL;
			if (tpsim_poll(e->s, POLLIN, 5000) == 0 &&
			    tpsim_frame_status(h, TPACKET_V2) !=
				    TP_STATUS_KERNEL) {
				e->error = "lost wake-up: poll timed out with "
					   "a frame published";
				return NULL;
			}
			continue;
		}
		const uint8_t *d = (const uint8_t *)h + h->tp_mac;
		uint32_t seq;

		memcpy(&seq, d + 14, 4);
		/* sequence numbers only grow: dropped ones leave gaps */
		if (seq < want || h->tp_len != 128 || h->tp_snaplen != 128) {
			e->error = "frame out of order or with a bad length";
			e->err_seq = want;
			e->err_got = seq;
			return NULL;
		}
		for (uint32_t i = 18; i < 128; i++) {
			if (d[i] != (uint8_t)seq) {
				e->error = "torn frame: payload byte differs";
				e->err_seq = seq;
				e->err_got = d[i];
				return NULL;
			}
		}
		want = seq + 1;
		e->received++;
		tpsim_frame_release(h, TPACKET_V2);
		idx = idx + 1 == e->v.frame_nr ? 0 : idx + 1;
	}
}

START_TEST(two_threads_million_packets)
{
	static struct tenv e;
	uint8_t pkt[128];
	unsigned int p, d;
	pthread_t t;

	memset(&e, 0, sizeof(e));
	e.s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	ck_assert_int_eq(t_ring(e.s, 4096, 16, 256, 256), 0);
	ck_assert_int_eq(tpsim_ring_view_get(e.s, &e.v), 0);
	e.m = t_map(e.s, &e.len);
	ck_assert_int_eq(pthread_create(&t, NULL, consumer, &e), 0);
	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	for (uint32_t i = 0; i < N_PACKETS; i++) {
		memcpy(pkt + 14, &i, 4);
		memset(pkt + 18, (uint8_t)i, sizeof(pkt) - 18);
		int r = t_deliver(e.s, pkt, sizeof(pkt));

		if (r == TPSIM_RX_DELIVERED)
			atomic_fetch_add(&e.delivered, 1);
		else
			e.dropped++;
	}
	atomic_store(&e.done, 1);
	/* a consumer asleep on an empty ring needs one more look */
	tpsim_poll_sync(e.s);
	pthread_join(t, NULL);
	ck_assert_msg(!e.error, "%s (expected %u, got %u)", e.error, e.err_seq,
		      e.err_got);
	/* the ring starts empty, so its 256 frames are filled whatever
	 * the scheduler does: that many at least reached the consumer.
	 * (How many more is the machine's business: ~99 % here, 4 %
	 * under valgrind.) */
	ck_assert_uint_ge(atomic_load(&e.delivered), 256);
	ck_assert_uint_eq(e.received, atomic_load(&e.delivered));
	ck_assert_uint_eq(atomic_load(&e.delivered) + e.dropped, N_PACKETS);
	t_stats(e.s, &p, &d);
	ck_assert_uint_eq(p, N_PACKETS);
	ck_assert_uint_eq(d, e.dropped);
	tpsim_close(e.s);
}
END_TEST

struct scribble {
	char *m;
	size_t len;
	_Atomic int stop;
};

static void *scribbler(void *arg)
{
	struct scribble *c = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		/* xorshift: random bytes over headers, data and status words */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t off = (size_t)(x % (c->len - 8));

		atomic_store_explicit((_Atomic uint64_t *)(c->m + (off & ~7ul)),
				      x, memory_order_relaxed);
		if ((x & 3) == 0)	/* and often hand a frame back */
			atomic_store_explicit(
				(_Atomic uint32_t *)(c->m + (off & ~255ul)), 0,
				memory_order_relaxed);
	}
	return NULL;
}

/* A consumer that writes random bytes everywhere: the producer neither
 * crashes nor writes outside the ring (guard pages), and its accounting
 * stays exact. */
START_TEST(hostile_consumer_scribbles)
{
	struct scribble c = { 0 };
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2 - (_i & 1), 0);
	uint8_t pkt[300];
	uint32_t delivered = 0, dropped = 0;
	unsigned int p, d;
	pthread_t t;

	ck_assert_int_eq(t_ring(s, 4096, 8, 256, 128), 0);
	c.m = t_map(s, &c.len);
	ck_assert_int_eq(pthread_create(&t, NULL, scribbler, &c), 0);
	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	for (uint32_t i = 0; i < 200000; i++) {
		int r = t_deliver(s, pkt, 60 + i % 240);

		if (r == TPSIM_RX_DELIVERED)
			delivered++;
		else if (r == TPSIM_RX_DROPPED)
			dropped++;
		else
			ck_abort_msg("deliver returned %d", r);
	}
	atomic_store(&c.stop, 1);
	pthread_join(t, NULL);
	ck_assert_uint_eq(delivered + dropped, 200000);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 200000);
	ck_assert_uint_eq(d, dropped);
	tpsim_close(s);
}
END_TEST

/*
 * The races of CVE-2016-8655 and CVE-2017-1000111 shape: threads change the
 * version, the reserve and the rings, map and unmap, deliver and read the
 * statistics at once. Every call must answer with one of the errnos its
 * rule allows (the call took effect whole, or not at all), and the socket
 * must stay consistent: a ring view always describes a ring that is there.
 */
struct racer {
	struct tpsim_sock *s;
	uint64_t seed;
	int id;
	char bad[160];
};

static bool allowed(int r, const int *ok)
{
	for (; *ok != 1; ok++)
		if (r == *ok)
			return true;
	return false;
}

static void *racer_main(void *arg)
{
	static const int opt_ok[] = { 0, -EBUSY, -EINVAL, 1 };
	static const int ring_ok[] = { 0, -EBUSY, -EINVAL, 1 };
	static const int map_ok[] = { 0, -EINVAL, -ENOMEM, 1 };
	struct racer *c = arg;
	uint64_t x = c->seed;
	void *m = NULL;
	size_t mlen = 0;
	uint8_t pkt[128];

	t_eth(pkt, sizeof(pkt), t_bcast, 0x88b5);
	for (int i = 0; i < 4000 && !c->bad[0]; i++) {
		int r = 0, v;
		const int *ok = opt_ok;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (x % 8) {
		case 0:
			v = (int)(x >> 8) % 3;
			r = t_setint(c->s, PACKET_VERSION, v);
			break;
		case 1:
			r = t_setint(c->s, PACKET_RESERVE, (int)(x >> 8) % 64);
			break;
		case 2:
		case 3: {
			struct tpacket_req3 q = { 4096, 1 + (x >> 8) % 3, 2048,
						  0, 60000, 0, 0 };

			if ((x >> 20) & 1)	/* or a teardown */
				q.tp_block_nr = 0;
			q.tp_frame_nr = q.tp_block_nr * 2;
			r = tpsim_setsockopt(c->s, SOL_PACKET,
					     (x >> 21) & 1 ? PACKET_TX_RING
							   : PACKET_RX_RING,
					     &q, sizeof(q));
			ok = ring_ok;
			break;
		}
		case 4: {
			struct tpsim_ring_view rv, tv;
			size_t len;

			if (m) {
				r = tpsim_munmap(c->s, m, mlen);
				m = NULL;
				break;
			}
			len = (tpsim_ring_view_of(c->s, TPSIM_RING_RX, &rv)
				       ? 0 : rv.ring_bytes) +
			      (tpsim_ring_view_of(c->s, TPSIM_RING_TX, &tv)
				       ? 0 : tv.ring_bytes);
			if (!len)
				len = 4096;
			r = tpsim_mmap(c->s, NULL, len, PROT_READ, MAP_SHARED,
				       0, &m);
			if (r)
				m = NULL;
			else
				mlen = len;
			ok = map_ok;
			break;
		}
		case 5:
		case 6:
			r = t_deliver(c->s, pkt, sizeof(pkt));
			if (r < 0 || r > TPSIM_RX_DROPPED)
				snprintf(c->bad, sizeof(c->bad),
					 "deliver returned %d", r);
			r = 0;
			break;
		default: {
			struct tpacket_stats_v3 st;
			socklen_t len = sizeof(st);

			r = tpsim_getsockopt(c->s, SOL_PACKET,
					     PACKET_STATISTICS, &st, &len);
			break;
		}
		}
		if (!allowed(r, ok))
			snprintf(c->bad, sizeof(c->bad),
				 "thread %d, op %llu: unexpected %d", c->id,
				 (unsigned long long)(x % 8), r);
	}
	if (m)
		tpsim_munmap(c->s, m, mlen);
	return NULL;
}

START_TEST(ring_setup_races)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct racer r[4];
	pthread_t th[4];
	struct tpsim_ring_view v;

	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ .s = s, .seed = 0x1234567ull * (i + 1),
				       .id = i };
		ck_assert_int_eq(pthread_create(&th[i], NULL, racer_main,
						&r[i]),
				 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_msg(!r[i].bad[0], "%s", r[i].bad);
	}
	/* what is left is whole: a ring's view matches its geometry */
	if (!tpsim_ring_view_get(s, &v))
		ck_assert_uint_eq(v.ring_bytes, (uint64_t)v.block_size *
							v.block_nr);
	tpsim_close(s);
}
END_TEST

Suite *suite_threads(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("producer_consumer");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, two_threads_million_packets);
	tcase_add_loop_test(tc, hostile_consumer_scribbles, 0, 2);
	tcase_add_test(tc, ring_setup_races);
	suite_add_tcase(s, tc);
	return s;
}
