// SPDX-License-Identifier: MIT
/*
 * Edges of the socket options: a read into no buffer (optval NULL) and
 * the receive and send buffer sizes at their cap.
 *
 * getsockopt copies the value out last (copy_to_sockptr() in
 * sk_getsockopt() and packet_getsockopt()): a NULL optval with a
 * non-zero optlen is EFAULT once the option is known to be readable,
 * and nothing is copied for an optlen of 0. SO_RCVBUFFORCE and
 * SO_SNDBUFFORCE (CAP_NET_ADMIN) skip the rmem_max/wmem_max cap; the
 * value is still kept at INT_MAX / 2 before it is doubled
 * (__sock_set_rcvbuf(), sock_setsockopt()'s set_sndbuf), and a
 * negative one counts as 0.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "../tpc.h"

/* O8: optval NULL at SOL_SOCKET and at SOL_PACKET */
static void getsockopt_null_optval(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	socklen_t len = 8;
	unsigned int packets = 0, drops = 0;
	uint8_t pkt[60];

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "SO_LOCK_FILTER into NULL, optlen 8", -EFAULT,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, NULL,
					&len));
	EXPECT_EQ(t, "SOL_SOCKET optlen after EFAULT (value copied first)",
		  8, len);
	len = 0;
	EXPECT_ERRNO(t, "SO_LOCK_FILTER into NULL, optlen 0", 0,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_LOCK_FILTER, NULL,
					&len));
	EXPECT_EQ(t, "optlen after a 0-byte read", 0, len);
	len = 8;
	EXPECT_ERRNO(t, "PACKET_VERSION into NULL, optlen 8", -EFAULT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_VERSION, NULL,
					&len));
	EXPECT_EQ(t, "SOL_PACKET optlen after EFAULT (length copied first)",
		  4, len);
	len = 8;
	EXPECT_ERRNO(t, "PACKET_HDRLEN from NULL, optlen 8", -EFAULT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_HDRLEN, NULL,
					&len));
	EXPECT_EQ(t, "optlen after PACKET_HDRLEN's EFAULT", 8, len);
	/* O7: the counters are taken and reset before the copy fails */
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	len = sizeof(struct tpacket_stats);
	EXPECT_ERRNO(t, "PACKET_STATISTICS into NULL", -EFAULT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					NULL, &len));
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets after the failed read", 0, packets);
	len = sizeof(int);
	EXPECT_ERRNO(t, "PACKET_RX_RING (not readable) into NULL",
		     -ENOPROTOOPT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_RX_RING, NULL,
					&len));
	len = sizeof(int);
	EXPECT_ERRNO(t, "PACKET_ADD_MEMBERSHIP (not readable) into NULL",
		     -ENOPROTOOPT,
		     t->ops->getsockopt(s, SOL_PACKET, PACKET_ADD_MEMBERSHIP,
					NULL, &len));
}

static int buf_rw(struct tpc_t *t, struct tpc_sock *s, int set, int get,
		  int val, int *out)
{
	socklen_t len = sizeof(*out);
	int err = t->ops->setsockopt(s, SOL_SOCKET, set, &val, sizeof(val));

	if (err)
		return err;
	return t->ops->getsockopt(s, SOL_SOCKET, get, out, &len);
}

/* S1: the FORCE variants at INT_MAX / 2 and around it */
static void bufforce_cap(struct tpc_t *t)
{
	static const struct {
		int val;
		int rcv, snd;
	} cases[] = {
		{ INT_MAX, INT_MAX - 1, INT_MAX - 1 },
		{ INT_MAX / 2 + 1, INT_MAX - 1, INT_MAX - 1 },
		{ INT_MAX / 2, INT_MAX - 1, INT_MAX - 1 },
		{ INT_MAX / 2 - 1, INT_MAX - 3, INT_MAX - 3 },
		{ -1, 2304, 4608 }, { INT_MIN, 2304, 4608 },
		{ 1153, 2306, 4608 },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v, err;

	REQUIRE(t, s);
	err = t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &v, 0);
	if (err == -EPERM) {
		tpc_skip(t, "SO_RCVBUFFORCE needs CAP_NET_ADMIN");
		return;
	}
	EXPECT_ERRNO(t, "SO_RCVBUFFORCE optlen 0", -EINVAL, err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tpc_note(t, "FORCE %d", cases[i].val);
		v = 0;
		EXPECT_ERRNO(t, "SO_RCVBUFFORCE", 0,
			     buf_rw(t, s, SO_RCVBUFFORCE, SO_RCVBUF,
				    cases[i].val, &v));
		EXPECT_EQ(t, "SO_RCVBUF read back", cases[i].rcv, v);
		v = 0;
		EXPECT_ERRNO(t, "SO_SNDBUFFORCE", 0,
			     buf_rw(t, s, SO_SNDBUFFORCE, SO_SNDBUF,
				    cases[i].val, &v));
		EXPECT_EQ(t, "SO_SNDBUF read back", cases[i].snd, v);
	}
}

const struct tpc_case tpc_cases_opt_edges[] = {
	{ "opt.getsockopt_null_optval", "O8", 0,
	  .fn = getsockopt_null_optval },
	{ "sockbuf.bufforce_cap", "S1", 0, .fn = bufforce_cap },
	{ .name = NULL },
};
