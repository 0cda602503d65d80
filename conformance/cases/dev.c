// SPDX-License-Identifier: MIT
/*
 * Description: one device, many sockets (rules N1-N13): bind and
 * getsockname, PACKET_FANOUT join rules and the members LB, ROLLOVER (mode
 * and flag) and HASH pick, memberships, the link going down and up. Frames
 * arrive on the device (inject with no socket), so every socket on it and
 * every fanout group sees them. Fanout cases use ETH_P_IP sockets: nothing
 * the TAP itself sends (IPv6 neighbour discovery) reaches them. The HASH
 * case's ETH_P_ALL members (for its IPv6 flows) rely on the kernel
 * backend's TAP having IPv6 disabled.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

static int bind_to(struct tpc_t *t, struct tpc_sock *s, int family,
		   int ifindex, int proto, socklen_t len)
{
	struct sockaddr_ll a = { .sll_family = (unsigned short)family,
				 .sll_ifindex = ifindex,
				 .sll_protocol = htons((uint16_t)proto) };

	return t->ops->bind(s, &a, len);
}

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags, uint32_t max, socklen_t len)
{
	struct fanout_args a = { .id = id, .type_flags = type_flags,
				 .max_num_members = max };
	int v = id | type_flags << 16;

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT,
				  len == sizeof(int) ? (void *)&v : (void *)&a,
				  len);
}

static void bind_rules(struct tpc_t *t)
{
	struct tpc_sock *s, *none;
	struct sockaddr_ll g;
	socklen_t len = sizeof(g);

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	none = tpc_open_proto(t, SOCK_RAW, 0);
	REQUIRE(t, s && none);
	EXPECT_ERR(t, bind_to(t, s, AF_PACKET, t->ifindex, 0,
			      sizeof(struct sockaddr_ll) - 1),
		   -EINVAL);
	EXPECT_ERR(t, bind_to(t, s, AF_INET, t->ifindex, 0,
			      sizeof(struct sockaddr_ll)),
		   -EINVAL);
	EXPECT_ERR(t, bind_to(t, s, 0, t->ifindex, 0,
			      sizeof(struct sockaddr_ll)),
		   -EINVAL);
	EXPECT_ERR(t, bind_to(t, s, AF_PACKET, 999, 0,
			      sizeof(struct sockaddr_ll)),
		   -ENODEV);
	/* protocol 0 keeps ETH_P_ALL; the device's address */
	EXPECT_ERR(t, bind_to(t, s, AF_PACKET, t->ifindex, 0,
			      sizeof(struct sockaddr_ll)),
		   0);
	memset(&g, 0, sizeof(g));
	EXPECT_ERR(t, t->ops->getsockname(s, &g, &len), 0);
	EXPECT_EQ(t, "getsockname length", 18, len);
	EXPECT_EQ(t, "sll_family", AF_PACKET, g.sll_family);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_ALL), g.sll_protocol);
	EXPECT_EQ(t, "sll_ifindex", t->ifindex, g.sll_ifindex);
	EXPECT_EQ(t, "sll_hatype", 1, g.sll_hatype);
	EXPECT_EQ(t, "sll_halen", 6, g.sll_halen);
	EXPECT_TRUE(t, "sll_addr is the device's",
		    !memcmp(g.sll_addr, t->dev_addr, 6));
	len = 4;
	EXPECT_ERR(t, t->ops->getsockname(s, &g, &len), 0);
	EXPECT_EQ(t, "getsockname length with a 4-byte buffer", 18, len);
	/* a socket of protocol 0 is bound to nothing */
	len = sizeof(g);
	memset(&g, 0, sizeof(g));
	EXPECT_ERR(t, t->ops->getsockname(none, &g, &len), 0);
	EXPECT_EQ(t, "unbound getsockname length", 12, len);
	EXPECT_EQ(t, "unbound sll_ifindex", 0, g.sll_ifindex);
	EXPECT_EQ(t, "unbound sll_protocol", 0, g.sll_protocol);
	EXPECT_EQ(t, "unbound sll_halen", 0, g.sll_halen);
}

static void fanout_join_rules(struct tpc_t *t)
{
	struct tpc_sock *s, *none, *b, *c;
	struct tpacket_rollover_stats rs;
	socklen_t len;
	int v = 0;

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	none = tpc_open_proto(t, SOCK_RAW, 0);
	b = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	c = tpc_open_proto(t, SOCK_RAW, ETH_P_ARP);
	REQUIRE(t, s && none && b && c);
	EXPECT_ERR(t, join(t, none, 301, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_LB, 0, 3), -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_LB, 0, 5), -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_ROLLOVER |
					      PACKET_FANOUT_FLAG_ROLLOVER,
			   0, 4),
		   -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, 9, 0, 4), -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_LB, 65537, 8), -EINVAL);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_LB | 0x100, 2, 8), 0);
	len = sizeof(v);
	EXPECT_ERR(t, t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					 &len),
		   0);
	EXPECT_HEX(t, "PACKET_FANOUT read back", 0x101012d, (unsigned)v);
	EXPECT_ERR(t, join(t, s, 301, PACKET_FANOUT_LB | 0x100, 2, 8),
		   -EALREADY);
	EXPECT_ERR(t, bind_to(t, s, AF_PACKET, t->ifindex, 0,
			      sizeof(struct sockaddr_ll)),
		   -EINVAL);
	/* joining: mode, flags, size and protocol must be the group's */
	EXPECT_ERR(t, join(t, b, 301, PACKET_FANOUT_HASH | 0x100, 0, 4),
		   -EINVAL);
	EXPECT_ERR(t, join(t, b, 301, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	EXPECT_ERR(t, join(t, b, 301, PACKET_FANOUT_LB | 0x100, 3, 8),
		   -EINVAL);
	EXPECT_ERR(t, join(t, c, 301, PACKET_FANOUT_LB | 0x100, 0, 4),
		   -EINVAL);
	EXPECT_ERR(t, join(t, b, 301, PACKET_FANOUT_LB | 0x100, 0, 4), 0);
	EXPECT_ERR(t, join(t, c, 302, PACKET_FANOUT_LB, 1, 8), 0);
	/* full: 2 members at most */
	EXPECT_ERR(t, t->ops->setsockopt(none, SOL_PACKET, PACKET_FANOUT_DATA,
					 &v, sizeof(v)),
		   -EINVAL);
	len = sizeof(rs);
	EXPECT_ERR(t, t->ops->getsockopt(s, SOL_PACKET, PACKET_ROLLOVER_STATS,
					 &rs, &len),
		   -EINVAL);
	EXPECT_ERR(t, join(t, none, 0, PACKET_FANOUT_HASH |
					       PACKET_FANOUT_FLAG_UNIQUEID,
			   0, 4),
		   -EINVAL);
}

static void fanout_full(struct tpc_t *t)
{
	struct tpc_sock *a, *b, *c;

	REQUIRE(t, tpc_has_dev(t, true));
	a = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	b = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	c = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, a && b && c);
	EXPECT_ERR(t, join(t, a, 303, PACKET_FANOUT_CPU, 2, 8), 0);
	EXPECT_ERR(t, join(t, b, 303, PACKET_FANOUT_CPU, 0, 8), 0);
	EXPECT_ERR(t, join(t, c, 303, PACKET_FANOUT_CPU, 0, 8), -ENOSPC);
	EXPECT_ERR(t, join(t, c, 303, PACKET_FANOUT_CPU, 2, 8), -ENOSPC);
	EXPECT_ERR(t, join(t, c, 5, PACKET_FANOUT_FLAG_UNIQUEID, 0, 4),
		   -EINVAL);
	EXPECT_ERR(t, join(t, c, 0, PACKET_FANOUT_FLAG_UNIQUEID, 0, 4), 0);
}

/* LB: round robin in join order from the second member: 2/3/2 of 7. */
static void fanout_lb(struct tpc_t *t)
{
	static const unsigned int want[3] = { 2, 3, 2 };
	struct tpc_sock *m[3];
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 3; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, join(t, m[i], 304, PACKET_FANOUT_LB, 0, 4), 0);
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 7; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", want[i], tpc_packets(t, m[i]));
	}
}

/* ROLLOVER over two 8-frame rings nobody reads: member 0 fills while the
 * frame two ahead of its head is free (6), member 1 the same, then both
 * are under pressure and member 0 takes the rest (2 frames, 2 drops). */
static void fanout_rollover_rings(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	char *ring[2];
	struct tpacket_rollover_stats rs;
	socklen_t len = sizeof(rs);
	unsigned int p, d;
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		REQUIRE(t, m[i]);
		ring[i] = tpc_ring_map(t, m[i], 4096, 2, 1024);
		REQUIRE(t, ring[i]);
		EXPECT_ERR(t, join(t, m[i], 305, PACKET_FANOUT_ROLLOVER, 0, 4),
			   0);
	}
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 16; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, m[0], &p, &d));
	EXPECT_EQ(t, "member 0 tp_packets", 10, p);
	EXPECT_EQ(t, "member 0 tp_drops", 2, d);
	REQUIRE(t, !tpc_stats(t, m[1], &p, &d));
	EXPECT_EQ(t, "member 1 tp_packets", 6, p);
	EXPECT_EQ(t, "member 1 tp_drops", 0, d);
	EXPECT_ERR(t, t->ops->getsockopt(m[0], SOL_PACKET,
					 PACKET_ROLLOVER_STATS, &rs, &len),
		   0);
	EXPECT_EQ(t, "PACKET_ROLLOVER_STATS length", 24, len);
	EXPECT_EQ(t, "tp_all", 12, rs.tp_all);
	EXPECT_EQ(t, "tp_huge", 0, rs.tp_huge);
	EXPECT_EQ(t, "tp_failed", 4, rs.tp_failed);
	/* member 1 frees its ring and polls: no more pressure */
	for (unsigned int i = 0; i < 8; i++)
		tpc_release(t, tpc_frame(ring[1], 4096, 1024, i));
	EXPECT_EQ(t, "poll of the emptied ring", 0,
		  t->ops->poll(m[1], POLLIN, 0));
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "member 0 after", 0, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "member 1 after", 1, tpc_packets(t, m[1]));
}

/* LB with the ROLLOVER flag: a 4-frame ring and a receive queue. */
static void fanout_lb_rollover_flag(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	struct tpacket_rollover_stats rs;
	socklen_t len = sizeof(rs);
	unsigned int p, d;
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	m[0] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	m[1] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m[0] && m[1]);
	REQUIRE(t, tpc_ring_map(t, m[0], 4096, 1, 1024));
	for (int i = 0; i < 2; i++)
		EXPECT_ERR(t, join(t, m[i], 306, PACKET_FANOUT_LB |
						 PACKET_FANOUT_FLAG_ROLLOVER,
				   0, 4),
			   0);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (int i = 0; i < 10; i++)
		REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, m[0], &p, &d));
	EXPECT_EQ(t, "member 0 tp_packets", 4, p);
	EXPECT_EQ(t, "member 0 tp_drops", 0, d);
	EXPECT_EQ(t, "member 1 tp_packets", 6, tpc_packets(t, m[1]));
	EXPECT_ERR(t, t->ops->getsockopt(m[0], SOL_PACKET,
					 PACKET_ROLLOVER_STATS, &rs, &len),
		   0);
	EXPECT_EQ(t, "tp_all", 1, rs.tp_all);
	EXPECT_EQ(t, "tp_failed", 0, rs.tp_failed);
}

/* A 64-byte UDP frame from address src to dst, port sport to dport:
 * IPv4 10.0.0.x, or IPv6 fd00::x when v6 */
static void udp(uint8_t *b, bool v6, uint8_t src, uint8_t dst,
		uint16_t sport, uint16_t dport)
{
	uint8_t *l4 = b + (v6 ? 54 : 34);

	tpc_eth(b, 64, tpc_bcast, v6 ? ETH_P_IPV6 : ETH_P_IP);
	memset(b + 14, 0, 50);
	if (v6) {
		memcpy(b + 14, tpc_ip6_udp, 40);
		b[14 + 23] = src;
		b[14 + 39] = dst;
	} else {
		b[14] = 0x45;
		b[16] = 0, b[17] = 50;
		b[22] = 64;
		b[23] = 17;
		b[26] = 10, b[29] = src;
		b[30] = 10, b[33] = dst;
	}
	l4[0] = (uint8_t)(sport >> 8), l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8), l4[3] = (uint8_t)dport;
}

/*
 * HASH: every frame of a flow, both ways, on one member: the symmetric
 * flow hash (__skb_get_hash_symmetric) orders the two addresses, and the
 * two ports when the addresses are equal (__flow_hash_consistentify).
 * Sixteen flows of each set, three frames each way: IPv4 and IPv6 flows
 * between two addresses, and flows from an address to itself whose
 * directions differ only in which port is the source.
 */
static void fanout_hash_sticky(struct tpc_t *t)
{
	static const char *const name[4] = { "IPv4", "IPv6",
		"IPv4 to itself", "IPv6 to itself" };
	struct tpc_sock *m[4];
	uint8_t pkt[64];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, tpc_fanout_group(t, m, 4, 307, PACKET_FANOUT_HASH));
	for (int set = 0; set < 4; set++) {
		bool v6 = set & 1;

		for (uint8_t f = 1; f <= 16; f++) {
			uint8_t peer = set < 2 ? 200 : f;
			int who = -1;

			tpc_note(t, "%s flow %u", name[set], f);
			for (int k = 0; k < 3; k++) {
				udp(pkt, v6, f, peer, (uint16_t)(1000 + f), 53);
				REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
				udp(pkt, v6, peer, f, 53, (uint16_t)(1000 + f));
				REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
			}
			for (int i = 0; i < 4; i++) {
				unsigned int n = tpc_packets(t, m[i]);

				if (n) {
					EXPECT_EQ(t, "frames of the flow", 6,
						  n);
					EXPECT_EQ(t, "members with the flow",
						  -1, who);
					who = i;
				}
			}
			EXPECT_TRUE(t, "some member has the flow", who >= 0);
		}
	}
}

static void link_cycle(struct tpc_t *t)
{
	struct tpc_sock *s, *late, *tx = NULL;
	uint8_t pkt[64], buf[128];

	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	REQUIRE(t, tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 0), 0);
	EXPECT_HEX(t, "poll with the link down", POLLIN | POLLERR,
		   (unsigned)t->ops->poll(s, POLLIN, 0));
	EXPECT_EQ(t, "SO_ERROR", ENETDOWN, tpc_so_error(t, s));
	EXPECT_EQ(t, "SO_ERROR read again", 0, tpc_so_error(t, s));
	/* the TX ring: POLLERR, and a send fails before any frame */
	EXPECT_HEX(t, "poll of the TX ring socket with the link down",
		   POLLOUT | POLLERR, (unsigned)t->ops->poll(tx, POLLOUT, 0));
	EXPECT_ERR(t, (int)tpc_send(t, tx, NULL, 0), -ENETDOWN);
	/* up and down again: one more error, reported before the data */
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 1), 0);
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 0), 0);
	EXPECT_ERR(t, (int)t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT),
		   -ENETDOWN);
	EXPECT_EQ(t, "recv after the error", 64,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERR(t, (int)t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT),
		   -EAGAIN);
	/* bound while down: the error at once */
	late = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, late);
	EXPECT_EQ(t, "SO_ERROR of a socket bound while down", ENETDOWN,
		  tpc_so_error(t, late));
	EXPECT_ERR(t, t->ops->set_link(t->bctx, 1), 0);
	EXPECT_ERR(t, (int)tpc_send(t, tx, NULL, 0), 0);
	REQUIRE(t, !tpc_arrive(t, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "frames after up", 64,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(t, "frames of the late socket", 64,
		  t->ops->recv(late, buf, sizeof(buf), MSG_DONTWAIT));
}

/* The link always comes back up, whatever the case found. */
static void link_down_up(struct tpc_t *t)
{
	REQUIRE(t, tpc_has_dev(t, true));
	link_cycle(t);
	t->ops->set_link(t->bctx, 1);
}

static int mreq(struct tpc_t *t, struct tpc_sock *s, int opt, int ifindex,
		int type, int alen, socklen_t len)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 1 };
	struct {
		struct packet_mreq m;
		uint8_t more[24];
	} m;

	memset(&m, 0, sizeof(m));
	m.m.mr_ifindex = ifindex;
	m.m.mr_type = (unsigned short)type;
	m.m.mr_alen = (unsigned short)alen;
	memcpy(m.m.mr_address, mc, 6);
	return t->ops->setsockopt(s, SOL_PACKET, opt, &m, len);
}

static void membership_rules(struct tpc_t *t)
{
	const int add = PACKET_ADD_MEMBERSHIP, drop = PACKET_DROP_MEMBERSHIP;
	struct tpc_sock *s;
	int i;

	REQUIRE(t, tpc_has_dev(t, true));
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, s);
	i = t->ifindex;
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_PROMISC, 0, 15), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, add, 999, PACKET_MR_PROMISC, 0, 16), -ENODEV);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_PROMISC, 7, 16), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_PROMISC, 9, 16), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_MULTICAST, 0, 16), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, add, i, 77, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_MULTICAST, 6, 13), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_MULTICAST, 6, 40), 0);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_MULTICAST, 6, 16), 0);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_PROMISC, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, add, i, PACKET_MR_ALLMULTI, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, drop, i, PACKET_MR_PROMISC, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, drop, i, PACKET_MR_PROMISC, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, drop, i, PACKET_MR_UNICAST, 0, 16), 0);
	EXPECT_ERR(t, mreq(t, s, drop, i, PACKET_MR_ALLMULTI, 9, 16), -EINVAL);
	EXPECT_ERR(t, mreq(t, s, drop, 999, PACKET_MR_ALLMULTI, 0, 16), 0);
}

#define DEV (TPC_CAP_DEVICE | TPC_CAP_TAP_LINK)

const struct tpc_case tpc_cases_dev[] = {
	{ "dev.bind_rules", "N1 N2", 0, .fn = bind_rules, .needs = DEV },
	{ "dev.fanout_join_rules", "N3 N4 N5 N6 N8 N12 N13", 0,
	  .fn = fanout_join_rules, .needs = DEV },
	{ "dev.fanout_full", "N7 N9", 0, .fn = fanout_full, .needs = DEV },
	{ "dev.fanout_lb", "N14", 0, .fn = fanout_lb, .needs = DEV },
	{ "dev.fanout_rollover_rings", "N15", TPC_V2,
	  .fn = fanout_rollover_rings, .needs = DEV },
	{ "dev.fanout_lb_rollover_flag", "N15", TPC_V2,
	  .fn = fanout_lb_rollover_flag, .needs = DEV },
	{ "dev.fanout_hash_sticky", "N16", 0, .fn = fanout_hash_sticky,
	  .needs = DEV },
	{ "dev.link_down_up", "N17", 0, .fn = link_down_up, .needs = DEV },
	{ "dev.membership_rules", "N10 N11", 0, .fn = membership_rules,
	  .needs = DEV },
	{ NULL },
};
