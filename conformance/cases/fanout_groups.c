// SPDX-License-Identifier: MIT
/*
 * Fanout groups at the edges the other fanout cases leave (N4, N7, N13,
 * N14): the options read into no buffer (packet_getsockopt's
 * copy_to_user: EFAULT), the order FLAG_UNIQUEID hands out ids in
 * (fanout_find_new_id: one after the last), a group of more members than
 * the first array holds, and a group of sockets bound to no device
 * (its hook on every device, match->prot_hook.dev NULL). The cases
 * mutation testing asked for (README "Mutation testing").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v));
}

/* N4, N13: PACKET_FANOUT and PACKET_ROLLOVER_STATS read into a NULL
 * buffer of a non-zero length are EFAULT; of length 0 they succeed and
 * copy nothing (len = min(len, lv), then copy_to_user of len bytes). */
static void fanout_read_null(struct tpc_t *t)
{
	struct tpc_sock *s;
	socklen_t len;

	REQUIRE(t, tpc_has_dev(t, false));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	EXPECT_ERRNO(t, "join a ROLLOVER group", 0,
		     join(t, s, 360, PACKET_FANOUT_ROLLOVER));
	len = sizeof(int);
	EXPECT_ERRNO(t, "PACKET_FANOUT into NULL, length 4", -EFAULT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, NULL,
					&len));
	len = sizeof(struct tpacket_rollover_stats);
	EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS into NULL, length 24", -EFAULT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_ROLLOVER_STATS,
					NULL, &len));
	len = 0;
	EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS into NULL, length 0", 0,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_ROLLOVER_STATS,
					NULL, &len));
	EXPECT_EQ(t, "length back", 0, len);
}

static int fanout_id(struct tpc_t *t, struct tpc_sock *s)
{
	int v = -1;
	socklen_t len = sizeof(v);
	int err = t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, &len);

	return err ? err : v & 0xffff;
}

/* N7: FLAG_UNIQUEID counts up (fanout_find_new_id: fanout_next_id = id +
 * 1). The kernel's counter is the host's, so another process may take
 * ids in between: the second id is after the first, not right after. */
static void fanout_uniqueid_order(struct tpc_t *t)
{
	uint16_t uniq = PACKET_FANOUT_LB | PACKET_FANOUT_FLAG_UNIQUEID;
	struct tpc_sock *a, *b;
	int ida, idb;

	REQUIRE(t, tpc_has_dev(t, false));
	a = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	b = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, a && b);
	EXPECT_ERRNO(t, "first UNIQUEID join", 0, join(t, a, 0, uniq));
	EXPECT_ERRNO(t, "second UNIQUEID join", 0, join(t, b, 0, uniq));
	ida = fanout_id(t, a);
	idb = fanout_id(t, b);
	tpc_note(t, "ids %d then %d", ida, idb);
	REQUIRE(t, ida >= 0 && idb >= 0);
	EXPECT_TRUE(t, "the second id counts up from the first (mod 65536)",
		    ((idb - ida) & 0xffff) >= 1 && ((idb - ida) & 0xffff) < 32768);
}

#define MANY 8

/* Frames to every member of an LB group of MANY members (the sockets past
 * the case's four opened and closed here). */
static void lb_many(struct tpc_t *t, struct tpc_sock **m)
{
	uint8_t b[64];

	for (int i = 0; i < MANY; i++) {
		int err = t->ops->socket(t->bctx, SOCK_RAW, ETH_P_IP, &m[i]);

		EXPECT_ERRNO(t, "socket", 0, err);
		if (t->version > TPACKET_V1)
			REQUIRE(t, !tpc_setint(t, m[i], PACKET_VERSION,
					       t->version));
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 361, PACKET_FANOUT_LB));
	}
	tpc_eth(b, sizeof(b), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 2 * MANY; i++)
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	for (int i = 0; i < MANY; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", 2, tpc_packets(t, m[i]));
	}
}

/* N14 past four members: an LB group of 8 takes 16 frames, 2 each */
static void fanout_lb_eight(struct tpc_t *t)
{
	struct tpc_sock *m[MANY] = { NULL };

	REQUIRE(t, tpc_has_dev(t, false));
	lb_many(t, m);
	for (int i = MANY - 1; i >= 0; i--)
		if (m[i])
			t->ops->sock_close(m[i]);
}

/* A group of sockets bound to no device (bind with ifindex 0) hooks every
 * device: a frame on the TAP reaches one of its members. Protocol 0x88b5
 * (local experimental) keeps the host's own traffic out. */
static void fanout_any_device(struct tpc_t *t)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_protocol = htons(0x88b5) };
	struct tpc_sock *m[2];
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, 0x88b5);
		REQUIRE(t, m[i]);
		EXPECT_ERRNO(t, "bind to no device", 0,
			     t->ops->bind(m[i], &a, sizeof(a)));
		EXPECT_ERRNO(t, "join", 0,
			     join(t, m[i], 362, PACKET_FANOUT_LB));
	}
	tpc_eth(b, sizeof(b), t->dev_addr, 0x88b5);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	/* LB: the first frame to member 1 (N14) */
	EXPECT_EQ(t, "member 0's frames", 1, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1's frames", 2, tpc_packets(t, m[1]));
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_fanout_groups[] = {
	{ "dev.fanout_read_null", "N4 N13", 0, .fn = fanout_read_null,
	  .needs = DEV },
	{ "dev.fanout_uniqueid_order", "N7", 0, .fn = fanout_uniqueid_order,
	  .needs = DEV },
	{ "dev.fanout_lb_eight", "N14", 0, .fn = fanout_lb_eight,
	  .needs = DEV },
	{ "dev.fanout_any_device", "N14", 0, .fn = fanout_any_device,
	  .needs = DEV },
	{ .name = NULL },
};
