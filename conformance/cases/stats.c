// SPDX-License-Identifier: MIT
/* Description: PACKET_STATISTICS (O7, R12): counting, drops, reset. */
#include <errno.h>
#include <sys/socket.h>

#include "tpc.h"

static void count(struct tpc_t *t, int n, unsigned int want_p,
		  unsigned int want_d)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	unsigned int p, d;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int i = 0; i < n; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets (delivered + dropped)", want_p, p);
	EXPECT_EQ(t, "tp_drops", want_d, d);
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets after a read", 0, p);
	EXPECT_EQ(t, "tp_drops after a read", 0, d);
}

static void count_no_drops(struct tpc_t *t)
{
	count(t, 3, 3, 0);
}

static void count_with_drops(struct tpc_t *t)
{
	count(t, 6, 6, 2);
}

static void truncated_read(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	unsigned int first = 0;
	socklen_t len = sizeof(first);
	unsigned int p, d;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int i = 0; i < 5; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_ERRNO(t, "PACKET_STATISTICS into 4 bytes", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					&first, &len));
	EXPECT_EQ(t, "optlen", 4, len);
	EXPECT_EQ(t, "tp_packets", 5, first);
	/* the short read reset both counters all the same */
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_drops after a short read", 0, d);
}

static void no_ring_counts(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_DGRAM);
	uint8_t pkt[100], buf[200];
	unsigned int p, d;

	REQUIRE(t, s);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "recv without a ring", 86,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 1, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
}

const struct tpc_case tpc_cases_stats[] = {
	{ "stats.count_no_drops", "O7 R12", TPC_V12, .fn = count_no_drops },
	{ "stats.count_with_drops", "O7 R12 R1", TPC_V12,
	  .fn = count_with_drops },
	{ "stats.truncated_read", "O7", TPC_V12, .fn = truncated_read },
	{ "stats.no_ring_counts", "O7", 0, .fn = no_ring_counts },
	{ NULL },
};
