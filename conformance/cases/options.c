// SPDX-License-Identifier: MIT
/*
 * Description: socket options (O1-O8, C2): levels, unknown options, optlen
 * rules, bad values, read-back.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>

#include "tpc.h"

static void unknown_option(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = 1;
	socklen_t len = sizeof(v);

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "setsockopt level SOL_IP", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_IP, PACKET_VERSION, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "setsockopt option 4", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_PACKET, 4, &v, sizeof(v)));
	EXPECT_ERRNO(t, "setsockopt option 99", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_PACKET, 99, &v, sizeof(v)));
	EXPECT_ERRNO(t, "setsockopt PACKET_HDRLEN", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "getsockopt option 99", -ENOPROTOOPT,
		     t->ops->getsockopt(s, SOL_PACKET, 99, &v, &len));
	EXPECT_ERRNO(t, "getsockopt PACKET_RX_RING", -ENOPROTOOPT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_RX_RING, &v,
					&len));
}

static void version_values(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	short sh = 1;
	long lg = 1;
	int v;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_getint(t, s, PACKET_VERSION, &v));
	EXPECT_EQ(t, "default PACKET_VERSION", TPACKET_V1, v);
	EXPECT_ERRNO(t, "PACKET_VERSION optlen 2", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &sh,
					sizeof(sh)));
	EXPECT_ERRNO(t, "PACKET_VERSION optlen 8", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &lg,
					sizeof(lg)));
	v = -1;
	EXPECT_ERRNO(t, "PACKET_VERSION -1", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
	v = 3;
	EXPECT_ERRNO(t, "PACKET_VERSION 3", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
	v = TPACKET_V2;
	EXPECT_ERRNO(t, "PACKET_VERSION 1", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					sizeof(v)));
	REQUIRE(t, !tpc_getint(t, s, PACKET_VERSION, &v));
	EXPECT_EQ(t, "PACKET_VERSION read back", TPACKET_V2, v);
}

static void reserve_values(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = -1;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "PACKET_RESERVE 0xffffffff", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RESERVE, &v,
					sizeof(v)));
	v = INT_MAX;
	EXPECT_ERRNO(t, "PACKET_RESERVE INT_MAX", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RESERVE, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "PACKET_RESERVE optlen 3", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RESERVE, &v, 3));
	v = 0;
	REQUIRE(t, !tpc_getint(t, s, PACKET_RESERVE, &v));
	EXPECT_EQ(t, "PACKET_RESERVE read back", INT_MAX, v);
}

static void readback(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_LOSS, 7));
	REQUIRE(t, !tpc_getint(t, s, PACKET_LOSS, &v));
	EXPECT_EQ(t, "PACKET_LOSS stored as a boolean", 1, v);
	REQUIRE(t, !tpc_setint(t, s, PACKET_TIMESTAMP, 0x50));
	REQUIRE(t, !tpc_getint(t, s, PACKET_TIMESTAMP, &v));
	EXPECT_EQ(t, "PACKET_TIMESTAMP stored as given", 0x50, v);
	REQUIRE(t, !tpc_setint(t, s, PACKET_AUXDATA, 3));
	REQUIRE(t, !tpc_getint(t, s, PACKET_AUXDATA, &v));
	EXPECT_EQ(t, "PACKET_AUXDATA stored as a boolean", 1, v);
}

static void optlen_rules(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	long long big = 1;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "PACKET_COPY_THRESH optlen 8", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_COPY_THRESH, &big,
					sizeof(big)));
	EXPECT_ERRNO(t, "PACKET_TIMESTAMP optlen 2", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_TIMESTAMP, &big,
					2));
	EXPECT_ERRNO(t, "PACKET_LOSS optlen 8", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_LOSS, &big,
					sizeof(big)));
	/* "at least an int" options take longer values */
	EXPECT_ERRNO(t, "PACKET_AUXDATA optlen 8", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_AUXDATA, &big,
					sizeof(big)));
	EXPECT_ERRNO(t, "PACKET_AUXDATA optlen 3", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_AUXDATA, &big,
					3));
}

static void ring_optlen_short(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_req3 r = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2 };

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "PACKET_RX_RING optlen 15", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r,
					sizeof(struct tpacket_req) - 1));
	EXPECT_ERRNO(t, "PACKET_RX_RING optlen 0", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, 0));
	/* a longer request is fine: the extra bytes are not read */
	EXPECT_ERRNO(t, "PACKET_RX_RING optlen 28", 0,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r,
					sizeof(r)));
}

static void hdrlen(struct tpc_t *t)
{
	static const int want[] = { 32, 32, 48 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	socklen_t len;
	int v;

	REQUIRE(t, s);
	for (int ver = 0; ver < 3; ver++) {
		v = ver;
		len = sizeof(v);
		EXPECT_ERRNO(t, "PACKET_HDRLEN", 0,
			     t->ops->getsockopt(s, SOL_PACKET, PACKET_HDRLEN,
						&v, &len));
		EXPECT_EQ(t, "PACKET_HDRLEN of a version", want[ver], v);
	}
	v = 3;
	len = sizeof(v);
	EXPECT_ERRNO(t, "PACKET_HDRLEN of version 3", -EINVAL,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					&len));
	v = 1;
	len = 3;
	EXPECT_ERRNO(t, "PACKET_HDRLEN optlen 3", -EINVAL,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_HDRLEN, &v,
					&len));
}

static void getsockopt_lengths(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = 0x7f7f7f7f;
	socklen_t len = (socklen_t)-1;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "getsockopt optlen -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					&len));
	REQUIRE(t, !tpc_setint(t, s, PACKET_VERSION, TPACKET_V2));
	len = 2;
	EXPECT_ERRNO(t, "getsockopt optlen 2", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					&len));
	EXPECT_EQ(t, "optlen after a short read", 2, len);
	EXPECT_HEX(t, "value after a 2-byte read", 0x7f7f0001u, (unsigned)v);
	len = 64;
	EXPECT_ERRNO(t, "getsockopt optlen 64", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_VERSION, &v,
					&len));
	EXPECT_EQ(t, "optlen cut to an int", 4, len);
}

const struct tpc_case tpc_cases_options[] = {
	{ "opt.unknown_option", "O1", 0, .fn = unknown_option },
	{ "opt.version_values", "O2 O8", 0, .fn = version_values },
	{ "opt.reserve_values", "O3 O8", 0, .fn = reserve_values },
	{ "opt.readback", "O4 O5 O8", 0, .fn = readback },
	{ "opt.optlen_rules", "O4 O5", 0, .fn = optlen_rules },
	{ "opt.ring_optlen_short", "O6", TPC_V12, .fn = ring_optlen_short },
	{ "opt.hdrlen", "C2 C1", 0, .fn = hdrlen },
	{ "opt.getsockopt_lengths", "O8", 0, .fn = getsockopt_lengths },
	{ NULL },
};
