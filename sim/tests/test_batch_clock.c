// SPDX-License-Identifier: MIT
/*
 * Description: tpsim_deliver_batch and the clock. A batch of packets that
 * carry their arrival times (TPSIM_PKT_CLOCK) leaves the ring as
 * tpsim_clock_set() before each tpsim_deliver() does; an invalid clock
 * step stops a batch where it stands; on the real clock, one run of the
 * lock shares one clock read.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "t_batch.h"

/* A V2 ring of more frames than a run (its frames held to the run's
 * end), plain packets: an invalid clock step stops the batch there with
 * what came before delivered, released and noted; a valid one stamps
 * the packets from it on with the new time. */
START_TEST(batch_held_clock_steps)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	uint8_t f[60];
	struct tpsim_packet ok = { .sz = sizeof(ok), .data = f, .len = 60 };
	struct tpsim_packet step = ok, bad;
	const struct tpsim_packet *v[4] = { &ok, &ok, &bad, &ok };
	int res[4] = { -99, -99, -99, -99 };
	unsigned int p, d;
	size_t len;
	char *m;

	step.flags = TPSIM_PKT_CLOCK;
	step.clock_at.tv_sec = 5;
	bad = step;
	bad.clock_at.tv_nsec = 1000000000L;
	ck_assert_int_eq(t_ring(s, 8192, 16, 1024, 128), 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 4, res), 2);
	ck_assert_int_eq(res[0], TPSIM_RX_DELIVERED);
	ck_assert_int_eq(res[1], TPSIM_RX_DELIVERED);
	ck_assert_int_eq(res[2], -99);
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(tpsim_frame_status(m + i * 1024, TPACKET_V2),
				  i < 2 ? TP_STATUS_USER : TP_STATUS_KERNEL);
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.seq, 2);
	ck_assert_uint_eq(in.frame, 1);
	ck_assert_uint_eq(in.len, 60);
	ck_assert_uint_eq(in.status, TP_STATUS_USER);
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, 2);
	ck_assert_uint_eq(d, 0);
	v[2] = &step;	/* and no results asked for */
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 4, NULL), 4);
	for (int i = 2; i < 6; i++) {
		struct tpacket2_hdr *h = (void *)(m + i * 1024);

		ck_assert_uint_eq(tpsim_frame_status(h, TPACKET_V2),
				  TP_STATUS_USER);
		ck_assert_msg(h->tp_sec == (i < 4 ? 0u : 5u),
			      "frame %d stamped %u s", i, h->tp_sec);
	}
	ck_assert_int_eq(tpsim_rx_last(s, &in), 0);
	ck_assert_uint_eq(in.seq, 6);
	ck_assert_uint_eq(in.frame, 5);
	ck_assert_int_eq(in.ts.tv_sec, 5);
	t_stats(s, &p, &d);	/* since the last read, which cleared them */
	ck_assert_uint_eq(p, 4);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* On the real clock, the packets of one run without their own stamp share
 * the run's one clock read; a packet with its own keeps it. */
START_TEST(batch_one_clock_read_per_run)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpsim_sock *s;
	uint8_t f[60];
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = 60 };
	struct tpsim_packet st = p;
	const struct tpsim_packet *v[64];
	struct tpacket2_hdr *h0, *h;
	size_t len;
	char *m;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 32, 2048, 64), 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	st.flags = TPSIM_PKT_SW_TS;
	st.sw_ts.tv_sec = 5;
	st.sw_ts.tv_nsec = 6;
	for (int i = 0; i < 64; i++)
		v[i] = i == 10 ? &st : &p;
	ck_assert_int_eq(tpsim_deliver_batch(s, v, 64, NULL), 64);
	h0 = (void *)m;
	for (int i = 1; i < 64; i++) {
		h = (void *)(m + (size_t)i * 2048);
		if (i == 10) {
			ck_assert_uint_eq(h->tp_sec, 5);
			ck_assert_uint_eq(h->tp_nsec, 6);
			continue;
		}
		ck_assert_msg(h->tp_sec == h0->tp_sec &&
			      h->tp_nsec == h0->tp_nsec,
			      "frame %d stamped %u.%09u, frame 0 %u.%09u", i,
			      h->tp_sec, h->tp_nsec, h0->tp_sec, h0->tp_nsec);
	}
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* TPSIM_PKT_CLOCK: a batch of packets that carry their arrival times
 * leaves a V3 ring (blocks retired by the timer between them) exactly as
 * tpsim_clock_set() before each tpsim_deliver() does. */
static void clock_follows(int version, unsigned int frames, bool plain)
{
	static struct t_batch_list l;
	struct tpsim_sock *a = t_batch_ring_sock(SOCK_RAW, version, frames);
	struct tpsim_sock *b = t_batch_ring_sock(SOCK_RAW, version, frames);
	int ra[T_BATCH_NPKT], rb[T_BATCH_NPKT];
	struct timespec now_a, now_b;
	unsigned int pa, da, pb, db;
	size_t la, lb;
	uint8_t *ma, *mb;

	t_batch_list(&l, plain);
	ma = t_map(a, &la);
	mb = t_map(b, &lb);
	for (int i = 0; i < T_BATCH_NPKT; i++) {
		/* 1 to 2.5 ms apart (the timer's period is 10 ms), and
		 * once back in time */
		struct timespec at = { .tv_sec = 0,
				       .tv_nsec = (long)(i * 1500000L +
							 (i % 3) * 500000L) };

		if (i == 100)
			at.tv_nsec = 1000;
		l.p[i].flags |= TPSIM_PKT_CLOCK;
		l.p[i].clock_at = at;
		tpsim_clock_now(a, &now_a);
		if (at.tv_nsec > now_a.tv_nsec)
			ck_assert_int_eq(tpsim_clock_set(a, &at), 0);
		l.p[i].flags &= ~(uint32_t)TPSIM_PKT_CLOCK;
		ra[i] = tpsim_deliver(a, l.p + i);
		l.p[i].flags |= TPSIM_PKT_CLOCK;
	}
	for (int i = 0; i < T_BATCH_NPKT; i += 50)
		ck_assert_int_eq(tpsim_deliver_batch(b, l.pp + i, 50, rb + i),
				 50);
	t_batch_same_rx_last(a, b, T_BATCH_NPKT - 1);
	for (int i = 0; i < T_BATCH_NPKT; i++)
		ck_assert_msg(ra[i] == rb[i], "packet %d: %d, batch %d", i,
			      ra[i], rb[i]);
	for (size_t off = 0; off < la; off++)
		ck_assert_msg(ma[off] == mb[off], "ring byte %zu: 0x%02x, "
			      "batch 0x%02x", off, ma[off], mb[off]);
	tpsim_clock_now(a, &now_a);
	tpsim_clock_now(b, &now_b);
	ck_assert_int_eq(now_a.tv_nsec, now_b.tv_nsec);
	ck_assert_int_eq(now_b.tv_nsec,
			 (T_BATCH_NPKT - 1) * 1500000L + (T_BATCH_NPKT - 1) % 3 * 500000L);
	t_stats(a, &pa, &da);
	t_stats(b, &pb, &db);
	ck_assert_uint_eq(pa, pb);
	ck_assert_uint_eq(da, db);
	tpsim_munmap(a, ma, la);
	tpsim_munmap(b, mb, lb);
	tpsim_close(a);
	tpsim_close(b);
}

START_TEST(batch_clock_follows_packets)
{
	clock_follows(TPACKET_V3, 0, false);
}
END_TEST

START_TEST(batch_clock_deferred)
{
	clock_follows(TPACKET_V2, 128, false);
	clock_follows(TPACKET_V2, 128, true);
}
END_TEST

/* The clock moves for a packet the socket never sees (a tagged frame
 * too short to untag); TPSIM_PKT_CLOCK is refused on a real clock, with
 * an older struct or a bad time. */
START_TEST(packet_clock_rules)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpsim_sock *real;
	uint8_t f[60];
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = 18,
				  .flags = TPSIM_PKT_CLOCK,
				  .clock_at = { 2, 5 } };
	struct timespec now;

	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_IGNORED);
	tpsim_clock_now(s, &now);
	ck_assert_int_eq(now.tv_sec, 2);
	ck_assert_int_eq(now.tv_nsec, 5);
	p.clock_at.tv_nsec = 1000000000L;
	ck_assert_int_eq(tpsim_deliver(s, &p), -EINVAL);
	p.clock_at.tv_nsec = 0;
	p.clock_at.tv_sec = -1;
	ck_assert_int_eq(tpsim_deliver(s, &p), -EINVAL);
	p.clock_at.tv_sec = 1;
	p.sz = offsetof(struct tpsim_packet, clock_at);
	ck_assert_int_eq(tpsim_deliver(s, &p), -EINVAL);
	p.sz = sizeof(p);
	/* earlier than now: the clock stays */
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_IGNORED);
	tpsim_clock_now(s, &now);
	ck_assert_int_eq(now.tv_sec, 2);
	ck_assert_int_eq(tpsim_create(&o, &real), 0);
	ck_assert_int_eq(tpsim_deliver(real, &p), -EINVAL);
	tpsim_close(real);
	tpsim_close(s);
}
END_TEST

Suite *suite_batch_clock(void)
{
	Suite *s = suite_create("batch_clock");
	TCase *tc = tcase_create("batch_clock");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, batch_clock_follows_packets);
	tcase_add_test(tc, batch_clock_deferred);
	tcase_add_test(tc, batch_held_clock_steps);
	tcase_add_test(tc, batch_one_clock_read_per_run);
	tcase_add_test(tc, packet_clock_rules);
	suite_add_tcase(s, tc);
	return s;
}
