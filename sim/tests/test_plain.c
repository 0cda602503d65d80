// SPDX-License-Identifier: MIT
/*
 * Description: the plain path (rx.c, rx_plan.c). A socket whose
 * configuration decides every packet the same way (a ring, every
 * protocol, no filter, no virtio-net header, no copy threshold) has its
 * packets written by a shorter path than the general one. Each case
 * delivers one packet list to a plain socket, to its twin with a socket
 * filter that accepts whole packets (run_filter's answer above any
 * length changes nothing, but every packet then takes the general path)
 * and, in batches, to a third: after every packet the three rings must
 * be the same byte for byte, with the same results and statistics. V1,
 * V2, V3, SOCK_RAW and SOCK_DGRAM; frames that leave slack at the end of
 * a block; options set while the head is in the middle of a block (the
 * plan is worked out again); a copy threshold switched on and off; a
 * ring that fills (drops, LOSING); tagged, flagged and short packets
 * in between, which the plain path must leave to the general one.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "t_helpers.h"

#define NPKT 160
#define NSOCK 3	/* plain, filtered twin, plain in batches */

struct twin {
	struct tpsim_sock *s[NSOCK];
	uint8_t *ring[NSOCK];
	size_t len;
	int version;
	uint32_t next[NSOCK];	/* the consumer: next frame or block */
	uint32_t units, unit_size, per_block, block_size;
};

static struct tpsim_sock *make(int type, int version, bool filter)
{
	struct sock_filter all[] = { BPF_STMT(BPF_RET | BPF_K, 0x40000) };
	struct sock_fprog prog = { .len = 1, .filter = all };
	struct tpsim_sock *s = t_sock(type, version, 0);

	if (filter)
		ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET,
						  SO_ATTACH_FILTER, &prog,
						  sizeof(prog)),
				 0);
	if (version == TPACKET_V3) {
		struct tpacket_req3 r = { .tp_block_size = 4096,
					  .tp_block_nr = 4,
					  .tp_frame_size = 2048,
					  .tp_frame_nr = 8,
					  .tp_retire_blk_tov = 5 };

		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET,
						  PACKET_RX_RING, &r,
						  sizeof(r)),
				 0);
	} else {
		/* 2 frames of 1536 in a 4096-byte block: 1024 bytes of
		 * slack after each pair, so the frames are not contiguous */
		ck_assert_int_eq(t_ring(s, 4096, 4, 1536, 8), 0);
	}
	return s;
}

static void twin_open(struct twin *t, int type, int version)
{
	memset(t, 0, sizeof(*t));
	t->version = version;
	for (int i = 0; i < NSOCK; i++) {
		t->s[i] = make(type, version, i == 1);
		t->ring[i] = t_map(t->s[i], &t->len);
	}
	t->block_size = 4096;
	t->units = version == TPACKET_V3 ? 4 : 8;
	t->per_block = version == TPACKET_V3 ? 1 : 2;
	t->unit_size = version == TPACKET_V3 ? 4096 : 1536;
}

static void twin_close(struct twin *t)
{
	for (int i = 0; i < NSOCK; i++) {
		tpsim_munmap(t->s[i], t->ring[i], t->len);
		tpsim_close(t->s[i]);
	}
}

static uint8_t *unit(struct twin *t, int i, uint32_t n)
{
	return t->ring[i] + (size_t)(n / t->per_block) * t->block_size +
	       (size_t)(n % t->per_block) * t->unit_size;
}

/* The consumer hands back the oldest frame (block) if it is the user's. */
static void consume(struct twin *t, int i)
{
	uint8_t *u = unit(t, i, t->next[i]);

	if (t->version == TPACKET_V3) {
		if (!(tpsim_block_status(u) & TP_STATUS_USER))
			return;
		tpsim_block_release(u);
	} else {
		if (!(tpsim_frame_status(u, t->version) & TP_STATUS_USER))
			return;
		tpsim_frame_release(u, t->version);
	}
	t->next[i] = (t->next[i] + 1) % t->units;
}

/* Packet n of the list: sizes 15 to 1514 (a bare 14-byte header is no
 * byte for SOCK_DGRAM: run_filter's 0 without a filter, the program's
 * answer with one, so the twins differ there by design), four kinds of
 * destination,
 * IPv4, an 802.3 length field with and without the raw-802.3 marker;
 * every seventh tagged in its data, every eleventh with a checksum
 * flag, every thirteenth 18 bytes with a tag (freed before the taps),
 * every fifth moving the clock (TPSIM_PKT_CLOCK). */
static void packet(int n, uint8_t *buf, struct tpsim_packet *p)
{
	static const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 9, 9, 9, 9, 9 };
	const uint8_t *dst = n % 4 == 0 ? t_bcast : n % 4 == 1 ? t_self
					  : n % 4 == 2 ? mcast : other;
	uint32_t len = 15 + (uint32_t)(n * 211 % 1500);
	uint16_t type = n % 3 == 0 ? ETH_P_IP : n % 3 == 1 ? 0x0100 : 0x05dc;

	if (n % 7 == 3)
		type = ETH_P_8021Q;
	t_eth(buf, len, dst, type);
	if (n % 6 == 1 && len >= 16)
		buf[14] = buf[15] = 0xff;	/* raw 802.3: ETH_P_802_3 */
	memset(p, 0, sizeof(*p));
	p->sz = sizeof(*p);
	p->data = buf;
	p->len = n % 13 == 5 ? 18 : len;
	if (n % 13 == 5)
		t_eth(buf, 18, dst, ETH_P_8021Q);
	if (n % 11 == 4)
		p->flags |= TPSIM_PKT_CSUM_VALID;
	if (n % 5 == 2) {
		p->flags |= TPSIM_PKT_CLOCK;
		p->clock_at.tv_sec = n / 5;
		p->clock_at.tv_nsec = 1000 * n;
	}
}

static void stats_eq(struct twin *t)
{
	unsigned int pk[NSOCK], dr[NSOCK];

	for (int i = 0; i < NSOCK; i++)
		t_stats(t->s[i], &pk[i], &dr[i]);
	ck_assert_uint_eq(pk[0], pk[1]);
	ck_assert_uint_eq(dr[0], dr[1]);
	ck_assert_uint_eq(pk[0], pk[2]);
	ck_assert_uint_eq(dr[0], dr[2]);
}

static void run(int type, int version)
{
	static uint8_t buf[NPKT][1514];
	struct tpsim_packet p[NPKT];
	struct twin t;
	int delivered = 0;

	twin_open(&t, type, version);
	for (int n = 0; n < NPKT; n++) {
		const struct tpsim_packet *one = &p[n];
		int r[NSOCK];

		packet(n, buf[n], &p[n]);
		r[0] = tpsim_deliver(t.s[0], &p[n]);
		r[1] = tpsim_deliver(t.s[1], &p[n]);
		ck_assert_int_eq(tpsim_deliver_batch(t.s[2], &one, 1, &r[2]),
				 1);
		ck_assert_msg(r[0] == r[1] && r[0] == r[2],
			      "packet %d: plain %d, filtered %d, batch %d", n,
			      r[0], r[1], r[2]);
		delivered += r[0] == TPSIM_RX_DELIVERED;
		for (int i = 1; i < NSOCK; i++)
			ck_assert_msg(!memcmp(t.ring[0], t.ring[i], t.len),
				      "packet %d (%u bytes, flags %#x): ring "
				      "%d differs from the plain one",
				      n, p[n].len, p[n].flags, i);
		/* the consumer keeps up two times in three */
		if (n % 3 != 2)
			for (int i = 0; i < NSOCK; i++)
				consume(&t, i);
		/* options while the head is mid-block: the plan again */
		if (n == 37 || n == 90) {
			int v = 1 << 20;

			for (int i = 0; i < NSOCK; i++)
				ck_assert_int_eq(tpsim_setsockopt(t.s[i],
								  SOL_SOCKET,
								  SO_RCVBUF,
								  &v,
								  sizeof(v)),
						 0);
		}
		/* a copy threshold: the plain socket is plain no more */
		if (n == 60 || n == 75)
			for (int i = 0; i < NSOCK; i++)
				ck_assert_int_eq(t_setint(t.s[i],
							  PACKET_COPY_THRESH,
							  n == 60),
						 0);
		/* PACKET_STATISTICS clears the drops, and with them LOSING
		 * (R6): now and then, so that frames carry LOSING between */
		if (n % 16 == 15)
			stats_eq(&t);
	}
	stats_eq(&t);
	ck_assert_int_gt(delivered, NPKT / 3);
	twin_close(&t);
}

START_TEST(plain_v1_raw)
{
	run(SOCK_RAW, TPACKET_V1);
}
END_TEST

START_TEST(plain_v2_raw)
{
	run(SOCK_RAW, TPACKET_V2);
}
END_TEST

START_TEST(plain_v2_dgram)
{
	run(SOCK_DGRAM, TPACKET_V2);
}
END_TEST

START_TEST(plain_v3_raw)
{
	run(SOCK_RAW, TPACKET_V3);
}
END_TEST

START_TEST(plain_v3_dgram)
{
	run(SOCK_DGRAM, TPACKET_V3);
}
END_TEST

Suite *suite_plain(void)
{
	Suite *s = suite_create("plain");
	TCase *tc = tcase_create("plain");

	tcase_add_test(tc, plain_v1_raw);
	tcase_add_test(tc, plain_v2_raw);
	tcase_add_test(tc, plain_v2_dgram);
	tcase_add_test(tc, plain_v3_raw);
	tcase_add_test(tc, plain_v3_dgram);
	suite_add_tcase(s, tc);
	return s;
}
