// SPDX-License-Identifier: MIT
/*
 * Cases that need more of the device than the Ethernet TAP's frames: its
 * multicast list as memberships change it (packet_dev_mc, dev_mc_add's
 * reference counts; /proc/net/dev_mcast on Linux), and a second device
 * without a link-layer header (ARPHRD_NONE, a TUN): what a socket bound
 * there is told (R10, N2) and where the packet sits in its frame (R4).
 * Each needs an optional backend op (dev_mc_count, l3_dev, l3_inject,
 * l3_remove) and skips without it. The fanout cases on the Ethernet
 * device are in dev_fanout.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <string.h>

#include "tpc.h"
#include "tpc_dev.h"

static int mc_count_of(struct tpc_t *t, int ifindex)
{
	int n;

	if (!TPC_OPS_HAS(t->ops, dev_mc_count)) {
		tpc_skip(t, "backend %s has no dev_mc_count", t->backend);
		return -1;
	}
	n = t->ops->dev_mc_count(t->bctx, ifindex);
	if (n < 0)
		tpc_skip(t, "the device's multicast list is unreadable: %s",
			 tpc_errname(n));
	return n;
}

static int mc_count(struct tpc_t *t)
{
	return mc_count_of(t, t->ifindex);
}

static int member(struct tpc_t *t, struct tpc_sock *s, int opt,
		  const uint8_t addr[6])
{
	struct packet_mreq m = { .mr_ifindex = t->ifindex,
				 .mr_type = PACKET_MR_MULTICAST,
				 .mr_alen = 6 };

	memcpy(m.mr_address, addr, 6);
	return t->ops->setsockopt(s, SOL_PACKET, opt, &m, sizeof(m));
}

/*
 * N10, N11: a membership puts its address on the device's list once per
 * socket; the list counts the sockets (dev_mc_add's refcount), so the
 * address stays until the last one drops it. A socket counts its own
 * repeated memberships (packet_mc_add: i->count) and drops the address
 * from the device only at its last drop; close drops what is left.
 */
static void mc_list_counts(struct tpc_t *t)
{
	static const uint8_t a[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x00, 0x01 };
	static const uint8_t b[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x00, 0x02 };
	const int add = PACKET_ADD_MEMBERSHIP, drop = PACKET_DROP_MEMBERSHIP;
	struct tpc_sock *s1, *s2;
	int base;

	REQUIRE(t, tpc_has_dev(t, true));
	s1 = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	s2 = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, s1 && s2);
	base = mc_count(t);	/* lo and IPv4 may hold some of their own */
	REQUIRE(t, base >= 0);
	EXPECT_ERR(t, member(t, s1, add, a), 0);
	EXPECT_EQ(t, "addresses after one socket's membership", base + 1,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s2, add, a), 0);
	EXPECT_EQ(t, "addresses after a second socket's", base + 1,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s1, drop, a), 0);
	EXPECT_EQ(t, "addresses after the first socket's drop", base + 1,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s2, drop, a), 0);
	EXPECT_EQ(t, "addresses after the last drop", base, mc_count(t));
	/* one socket, the same membership twice */
	EXPECT_ERR(t, member(t, s1, add, a), 0);
	EXPECT_ERR(t, member(t, s1, add, a), 0);
	EXPECT_EQ(t, "addresses after a membership added twice", base + 1,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s1, drop, a), 0);
	EXPECT_EQ(t, "addresses after one of its two drops", base + 1,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s1, drop, a), 0);
	EXPECT_EQ(t, "addresses after both drops", base, mc_count(t));
	/* two addresses are two entries; close drops both */
	EXPECT_ERR(t, member(t, s1, add, a), 0);
	EXPECT_ERR(t, member(t, s1, add, b), 0);
	EXPECT_EQ(t, "addresses after two memberships", base + 2,
		  mc_count(t));
	EXPECT_ERR(t, member(t, s2, drop, b), 0);
	EXPECT_EQ(t, "addresses after another socket's drop of one",
		  base + 2, mc_count(t));
	for (int i = 0; i < t->nsocks; i++) {
		if (t->socks[i] != s1)
			continue;
		t->socks[i] = t->socks[--t->nsocks];
		break;
	}
	t->ops->sock_close(s1);
	EXPECT_EQ(t, "addresses after close", base, mc_count(t));
}

/* The ARPHRD_NONE device's ifindex, or -1 (the case skipped). */
static int l3_dev(struct tpc_t *t)
{
	int idx;

	if (!TPC_OPS_HAS(t->ops, l3_dev) || !TPC_OPS_HAS(t->ops, l3_inject)) {
		tpc_skip(t, "backend %s has no l3_dev/l3_inject", t->backend);
		return -1;
	}
	idx = t->ops->l3_dev(t->bctx);
	if (idx <= 0) {
		tpc_skip(t, "no device without a link header: %s",
			 tpc_errname(idx));
		return -1;
	}
	return idx;
}

static int bind_l3(struct tpc_t *t, struct tpc_sock *s, int ifindex,
		   uint16_t proto)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = ifindex,
				 .sll_protocol = htons(proto) };

	return t->ops->bind(s, &a, sizeof(a));
}

/* An IPv4/UDP packet of 28 bytes and an IPv6/UDP one of 48: what a TUN
 * without packet information takes, its protocol by the first nibble
 * (tun_get_user) */

static void check_frame(struct tpc_t *t, const char *ring, uint32_t idx,
			int ifindex, const uint8_t *pkt, uint32_t len,
			uint16_t proto)
{
	const char *f = ring + idx * 1024;
	const struct sockaddr_ll *a = (const struct sockaddr_ll *)(f + 32);
	struct tpc_hdr h;

	tpc_hdr(t, f, &h);
	EXPECT_HEX(t, "tp_status", TP_STATUS_USER, h.status & TP_STATUS_USER);
	/* a TUN's packet carries no tag, in its data or beside it */
	EXPECT_HEX(t, "tp_status VLAN bits", 0,
		   h.status & (TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID));
	EXPECT_HEX(t, "tp_vlan_tci", 0, h.vlan_tci);
	EXPECT_HEX(t, "tp_vlan_tpid", 0, h.vlan_tpid);
	EXPECT_EQ(t, "tp_len", len, h.len);
	EXPECT_EQ(t, "tp_snaplen", len, h.snaplen);
	/* no link header: the packet at tp_net, TPACKET_ALIGN(52 + 16)
	 * for SOCK_RAW as for SOCK_DGRAM (TPACKET_ALIGN(52) + 16), and
	 * tp_mac the same (macoff = netoff - 0) */
	EXPECT_EQ(t, "tp_net", 80, h.net);
	EXPECT_EQ(t, "tp_mac", 80, h.mac);
	EXPECT_TRUE(t, "the packet's bytes at tp_net",
		    !memcmp(f + h.net, pkt, len));
	EXPECT_EQ(t, "sll_family", AF_PACKET, a->sll_family);
	EXPECT_HEX(t, "sll_protocol", htons(proto), a->sll_protocol);
	EXPECT_EQ(t, "sll_ifindex", ifindex, a->sll_ifindex);
	EXPECT_HEX(t, "sll_hatype", ARPHRD_NONE, a->sll_hatype);
	EXPECT_EQ(t, "sll_pkttype", PACKET_HOST, a->sll_pkttype);
	/* dev_parse_header: no header_ops, no source address */
	EXPECT_EQ(t, "sll_halen", 0, a->sll_halen);
}

/*
 * R4, R10, N2 on a link without a header (ARPHRD_NONE): SOCK_RAW and
 * SOCK_DGRAM alike get the packet at tp_net with tp_mac equal to it,
 * sll_hatype ARPHRD_NONE, sll_halen 0 and the protocol the device gave
 * (ETH_P_IP, ETH_P_IPV6); a socket bound there by protocol gets only
 * its own.
 */
static void l3_frames(struct tpc_t *t)
{
	struct tpc_sock *raw, *dgram, *v6;
	char *mr, *md, *m6;
	int idx = l3_dev(t);

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	mr = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &raw);
	md = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 1024, &dgram);
	m6 = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &v6);
	REQUIRE(t, mr && md && m6);
	EXPECT_ERR(t, bind_l3(t, raw, idx, ETH_P_ALL), 0);
	EXPECT_ERR(t, bind_l3(t, dgram, idx, ETH_P_ALL), 0);
	EXPECT_ERR(t, bind_l3(t, v6, idx, ETH_P_IPV6), 0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip4_udp, sizeof(tpc_ip4_udp)), 0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip6_udp, sizeof(tpc_ip6_udp)), 0);
	tpc_note(t, "SOCK_RAW, IPv4");
	check_frame(t, mr, 0, idx, tpc_ip4_udp, sizeof(tpc_ip4_udp), ETH_P_IP);
	REQUIRE(t, !t->failed);
	tpc_note(t, "SOCK_RAW, IPv6");
	check_frame(t, mr, 1, idx, tpc_ip6_udp, sizeof(tpc_ip6_udp), ETH_P_IPV6);
	REQUIRE(t, !t->failed);
	tpc_note(t, "SOCK_DGRAM, IPv4");
	check_frame(t, md, 0, idx, tpc_ip4_udp, sizeof(tpc_ip4_udp), ETH_P_IP);
	REQUIRE(t, !t->failed);
	tpc_note(t, "SOCK_DGRAM, IPv6");
	check_frame(t, md, 1, idx, tpc_ip6_udp, sizeof(tpc_ip6_udp), ETH_P_IPV6);
	REQUIRE(t, !t->failed);
	tpc_note(t, "bound to ETH_P_IPV6");
	check_frame(t, m6, 0, idx, tpc_ip6_udp, sizeof(tpc_ip6_udp), ETH_P_IPV6);
	REQUIRE(t, !t->failed);
	EXPECT_HEX(t, "ETH_P_IPV6 socket's second frame", TP_STATUS_KERNEL,
		   tpc_status(t, m6 + 1024));
}

/* n SOCK_RAW sockets of protocol proto, bound to the TUN (idx) with it,
 * each joined to group id of mode and flags type_flags (the group takes
 * its protocol and device from them, fanout_add); false, the failure
 * recorded, when one could not be opened, bound or joined. */
static bool l3_group(struct tpc_t *t, struct tpc_sock **m, int n, int idx,
		     uint16_t proto, uint16_t id, uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16), err = 0;

	for (int i = 0; i < n && !err; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, proto);
		if (!m[i])
			return false;
		err = bind_l3(t, m[i], idx, proto);
		if (!err)
			err = t->ops->setsockopt(m[i], SOL_PACKET,
						 PACKET_FANOUT, &v, sizeof(v));
	}
	if (err)
		tpc_fail(t, __LINE__, "bind to the TUN and PACKET_FANOUT of "
			 "group %u: expected 0, got %s", id, tpc_errname(err));
	return !err;
}

/* A packet written to the TUN; a failure is recorded and returned. */
static int l3_arrive(struct tpc_t *t, const uint8_t *b, uint32_t len)
{
	int err = t->ops->l3_inject(t->bctx, b, len);

	if (err)
		tpc_fail(t, __LINE__, "a packet on the TUN: %s",
			 tpc_errname(err));
	return err;
}

/* N19 on a link without a header: a fanout group's classic program
 * reads the protocol the device gave the packet (SKF_AD_PROTOCOL), so
 * returning it, modulo 3 members, puts IPv4 (0x0800) on member 2, IPv6
 * (0x86dd) on 1. */
static void l3_fanout_cbpf(struct tpc_t *t)
{
	static const struct sock_filter proto[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog fp = { .len = 2, .filter = (void *)proto };
	struct tpc_sock *m[3];
	int idx = l3_dev(t);
	unsigned int p0, p1, p2;

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	REQUIRE(t, l3_group(t, m, 3, idx, ETH_P_ALL, 343, PACKET_FANOUT_CBPF));
	EXPECT_ERR(t, t->ops->setsockopt(m[0], SOL_PACKET, PACKET_FANOUT_DATA,
					 &fp, sizeof(fp)),
		   0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip6_udp, sizeof(tpc_ip6_udp)), 0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip4_udp, sizeof(tpc_ip4_udp)), 0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip6_udp, sizeof(tpc_ip6_udp)), 0);
	p0 = tpc_packets(t, m[0]);
	p1 = tpc_packets(t, m[1]);
	p2 = tpc_packets(t, m[2]);
	EXPECT_EQ(t, "member 0", 0, p0);
	EXPECT_EQ(t, "member 1 (IPv6)", 2, p1);
	EXPECT_EQ(t, "member 2 (IPv4)", 1, p2);
}

/*
 * R16, N16 on a link without a header: tun gives a packet ETH_P_IP or
 * ETH_P_IPV6 by its version nibble (tun_get_user, IFF_NO_PI), so a group
 * bound to ETH_P_IP on the TUN gets the IPv4 packets and one bound to
 * ETH_P_IPV6 the IPv6 one, whatever bytes 12-13 hold (the IPv4 source
 * 10.0.0.1 reads 0x0a00 there, fd00::1 0x0000: no EtherType on this
 * link); and the HASH group spreads 32 IPv4 flows that differ in the
 * destination port over both members, the flow dissector starting from
 * that protocol (__skb_get_hash_symmetric). The kernel keys its hash at
 * boot: all 32 on one member has a chance of 2^-31.
 */
static void l3_fanout_protocol(struct tpc_t *t)
{
	struct tpc_sock *m4[2], *m6;
	uint8_t b[sizeof(tpc_ip4_udp)];
	unsigned int n0, n1;
	int idx = l3_dev(t);

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	REQUIRE(t, l3_group(t, m4, 2, idx, ETH_P_IP, 344, PACKET_FANOUT_HASH));
	REQUIRE(t, l3_group(t, &m6, 1, idx, ETH_P_IPV6, 345, PACKET_FANOUT_LB));
	memcpy(b, tpc_ip4_udp, sizeof(b));
	for (unsigned int k = 0; k < 32; k++) {
		b[23] = (uint8_t)(0x35 + k);	/* UDP to port 53 + k */
		REQUIRE(t, !l3_arrive(t, b, sizeof(b)));
	}
	REQUIRE(t, !l3_arrive(t, tpc_ip6_udp, sizeof(tpc_ip6_udp)));
	n0 = tpc_packets(t, m4[0]);
	n1 = tpc_packets(t, m4[1]);
	tpc_note(t, "the ETH_P_IP group's members: %u and %u", n0, n1);
	EXPECT_EQ(t, "IPv4 packets in the ETH_P_IP group", 32, n0 + n1);
	EXPECT_TRUE(t, "both HASH members have some of the flows", n0 && n1);
	EXPECT_EQ(t, "IPv6 packets in the ETH_P_IPV6 group", 1,
		  tpc_packets(t, m6));
}

/* An IPv4 fragment as a TUN takes it (no link header): datagram id from
 * 10.0.0.1 to 10.0.0.2, payload bytes [off, off + n) (byte i is i * 7 +
 * id), MF when more follow, no header checksum (ip_check_defrag reads
 * none); its length returned. */
static uint32_t l3_fragment(uint8_t *b, uint16_t id, uint32_t off,
			    uint32_t n, bool more)
{
	uint32_t tot = 20 + n;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	memcpy(b, tpc_ip4_udp, 20);
	b[2] = (uint8_t)(tot >> 8), b[3] = (uint8_t)tot;
	b[4] = (uint8_t)(id >> 8), b[5] = (uint8_t)id;
	b[6] = (uint8_t)(fo >> 8), b[7] = (uint8_t)fo;
	b[10] = b[11] = 0;
	for (uint32_t i = 0; i < n; i++)
		b[20 + i] = (uint8_t)((off + i) * 7 + id);
	return tot;
}

/*
 * N21 on a link without a header: ip_check_defrag takes a packet the TUN
 * gave ETH_P_IP by its version nibble as one an Ethernet header names,
 * so a DEFRAG group of every protocol on the TUN gets two fragments as
 * one datagram, its header rewritten (tot_len, frag_off 0).
 */
static void l3_fanout_defrag(struct tpc_t *t)
{
	struct tpc_sock *m;
	uint8_t b[64], got[128];
	int idx = l3_dev(t);

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	REQUIRE(t, l3_group(t, &m, 1, idx, ETH_P_ALL, 346,
			    PACKET_FANOUT_LB | PACKET_FANOUT_FLAG_DEFRAG));
	REQUIRE(t, !l3_arrive(t, b, l3_fragment(b, 0x501, 0, 16, true)));
	REQUIRE(t, !l3_arrive(t, b, l3_fragment(b, 0x501, 16, 8, false)));
	EXPECT_EQ(t, "recv: the whole datagram", 44,
		  t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_EQ(t, "tot_len", 44, got[2] << 8 | got[3]);
	EXPECT_EQ(t, "id", 0x501, got[4] << 8 | got[5]);
	EXPECT_EQ(t, "frag_off", 0, got[6] << 8 | got[7]);
	for (uint32_t k = 0; k < 24; k++)
		if (got[20 + k] != (uint8_t)(k * 7 + 0x501)) {
			tpc_fail(t, __LINE__, "payload byte %u: expected %#x, "
				 "got %#x", k, (uint8_t)(k * 7 + 0x501),
				 got[20 + k]);
			return;
		}
	EXPECT_ERR(t, (int)t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT),
		   -EAGAIN);
}

/* N1, N2: getsockname of a socket bound to a device without an address:
 * 12 bytes, sll_hatype ARPHRD_NONE, sll_halen 0; and the device's
 * multicast list is empty. */
static void l3_getsockname(struct tpc_t *t)
{
	struct sockaddr_ll g;
	socklen_t len = sizeof(g);
	struct tpc_sock *s;
	int idx = l3_dev(t);

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	s = tpc_open_proto(t, SOCK_DGRAM, ETH_P_ALL);
	REQUIRE(t, s);
	EXPECT_ERR(t, bind_l3(t, s, idx, ETH_P_IP), 0);
	memset(&g, 0xa5, sizeof(g));
	EXPECT_ERR(t, t->ops->getsockname(s, &g, &len), 0);
	EXPECT_EQ(t, "getsockname length", 12, len);
	EXPECT_EQ(t, "sll_family", AF_PACKET, g.sll_family);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_IP), g.sll_protocol);
	EXPECT_EQ(t, "sll_ifindex", idx, g.sll_ifindex);
	EXPECT_HEX(t, "sll_hatype", ARPHRD_NONE, g.sll_hatype);
	EXPECT_EQ(t, "sll_halen", 0, g.sll_halen);
	/* N10: a link without addresses has no multicast list: IPv4 maps
	 * no group onto it (arp_mc_map), and its list starts empty */
	EXPECT_EQ(t, "addresses in the TUN's multicast list", 0,
		  mc_count_of(t, idx));
}

/*
 * N17, N1 when the device goes (packet_notifier: NETDEV_DOWN, then
 * NETDEV_UNREGISTER): a socket bound to it gets ENETDOWN once, keeps
 * ifindex -1 (getsockname: 12 bytes, no link type), and a send finds no
 * device (ENXIO); a socket bound to the TAP sees none of it. SO_ERROR
 * read with optlen 0 clears the error too.
 */
static void l3_unregister(struct tpc_t *t)
{
	struct sockaddr_ll g;
	socklen_t len = sizeof(g);
	struct tpc_sock *s, *other, *mute;
	socklen_t vlen = 0;
	int idx = l3_dev(t), v;

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, idx > 0);
	if (!TPC_OPS_HAS(t->ops, l3_remove)) {
		tpc_skip(t, "backend %s has no l3_remove", t->backend);
		return;
	}
	s = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	other = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	mute = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, s && other && mute);
	EXPECT_ERR(t, bind_l3(t, s, idx, ETH_P_ALL), 0);
	EXPECT_ERR(t, bind_l3(t, mute, idx, ETH_P_ALL), 0);
	EXPECT_ERR(t, t->ops->l3_inject(t->bctx, tpc_ip4_udp, sizeof(tpc_ip4_udp)), 0);
	EXPECT_ERR(t, t->ops->l3_remove(t->bctx), 0);
	EXPECT_EQ(t, "SO_ERROR after the device went", ENETDOWN,
		  tpc_so_error(t, s));
	EXPECT_EQ(t, "SO_ERROR read again", 0, tpc_so_error(t, s));
	/* read with optlen 0: nothing copied, the error gone all the same
	 * (sock_error before the copy) */
	v = -1;
	EXPECT_ERR(t, t->ops->getsockopt(mute, SOL_SOCKET, SO_ERROR, &v,
					 &vlen),
		   0);
	EXPECT_EQ(t, "optlen after SO_ERROR with optlen 0", 0, vlen);
	EXPECT_EQ(t, "SO_ERROR's value with optlen 0", -1, v);
	EXPECT_EQ(t, "SO_ERROR after it", 0, tpc_so_error(t, mute));
	EXPECT_EQ(t, "SO_ERROR of a socket on the TAP", 0,
		  tpc_so_error(t, other));
	memset(&g, 0xa5, sizeof(g));
	EXPECT_ERR(t, t->ops->getsockname(s, &g, &len), 0);
	EXPECT_EQ(t, "getsockname length", 12, len);
	EXPECT_EQ(t, "sll_ifindex", -1, g.sll_ifindex);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_ALL), g.sll_protocol);
	EXPECT_EQ(t, "sll_hatype", 0, g.sll_hatype);
	EXPECT_EQ(t, "sll_halen", 0, g.sll_halen);
	EXPECT_ERR(t, (int)tpc_send_data(t, s, tpc_ip4_udp, sizeof(tpc_ip4_udp), NULL, 0),
		   -ENXIO);
}

/* N1: a socket of protocol 0 bound to the device with protocol 0 stays
 * protocol 0 (packet_do_bind: proto = po->num): bound, named by
 * getsockname, but hooked to nothing, so it receives nothing. */
static void bind_protocol_none(struct tpc_t *t)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = t->ifindex }, g;
	socklen_t len = sizeof(g);
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, 0);
	uint8_t b[64], buf[64];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, s);
	EXPECT_ERR(t, t->ops->bind(s, &a, sizeof(a)), 0);
	memset(&g, 0xa5, sizeof(g));
	EXPECT_ERR(t, t->ops->getsockname(s, &g, &len), 0);
	EXPECT_EQ(t, "getsockname length", 18, len);
	EXPECT_HEX(t, "sll_protocol", 0, g.sll_protocol);
	EXPECT_EQ(t, "sll_ifindex", t->ifindex, g.sll_ifindex);
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	EXPECT_ERR(t, (int)t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT),
		   -EAGAIN);
}

/* R10 on the device: a TAP filters nothing, so a frame to another host's
 * address, to a multicast group nobody joined and to broadcast all reach
 * a socket, of every protocol or of ETH_P_IP, as PACKET_OTHERHOST,
 * _MULTICAST and _BROADCAST, with the source's address. */
static void tap_passes_all(struct tpc_t *t)
{
	static const uint8_t other[6] = { 0x02, 0x6f, 0x74, 0x68, 0x65, 0x72 };
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x00, 0x09 };
	static const uint8_t src[6] = { 0x02, 0x74, 0x70, 0x63, 0x00, 0x02 };
	const uint8_t *dst[3] = { other, group, tpc_bcast };
	struct tpc_sock *s, *ip;
	uint8_t b[64];
	char *r = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s), *r4;

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, r);
	ip = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, ip);
	r4 = tpc_ring_map(t, ip, 4096, 1, 1024);
	REQUIRE(t, r4);
	for (int i = 0; i < 3; i++) {
		tpc_eth(b, sizeof(b), dst[i], ETH_P_IP);
		REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	}
	for (int i = 0; i < 6; i++) {
		const char *f = (i < 3 ? r : r4) + i % 3 * 1024;
		const struct sockaddr_ll *a = (const void *)(f + 32);

		tpc_note(t, "frame %d of the %s socket", i % 3,
			 i < 3 ? "ETH_P_ALL" : "ETH_P_IP");
		EXPECT_HEX(t, "status", TP_STATUS_USER,
			   tpc_status(t, f) & TP_STATUS_USER);
		EXPECT_EQ(t, "sll_pkttype", 3 - i % 3, a->sll_pkttype);
		EXPECT_EQ(t, "sll_halen", 6, a->sll_halen);
		EXPECT_TRUE(t, "sll_addr is the source",
			    !memcmp(a->sll_addr, src, 6));
	}
}

/*
 * O9 across kernels: PACKET_COPY_THRESH reads back what was set (6.12
 * on) or cannot be read at all (ENOPROTOOPT before), never another
 * error. A V3 case so that make mutation's linux-6.1 phase, which runs
 * the V3 cases, meets it too.
 */
static void copy_thresh_read(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	int v = -1, r;
	socklen_t len = sizeof(v);

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 77));
	r = t->ops->getsockopt(s, SOL_PACKET, PACKET_COPY_THRESH, &v, &len);
	tpc_note(t, "getsockopt: %s, %d", tpc_errname(r), v);
	EXPECT_TRUE(t, "77 read back, or ENOPROTOOPT",
		    (r == 0 && v == 77 && len == sizeof(v)) ||
			    r == -ENOPROTOOPT);
}

/*
 * R17, F12 across kernels: a socket bound to ETH_P_IP never sees the
 * outer TPID of a priority tag (802.1AD, VID 0) around a tag (VID 7):
 * 6.2 on clear the tag before its filter runs (SKF_AD_VLAN_TPID 0), 6.1
 * leaves the inner tag's TPID, 0x8100, readable. Its filter drops the
 * packet on 0x88a8 only. A V3 case for the linux-6.1 mutation phase.
 */
static void bound_qinq_tpid(struct tpc_t *t)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_VLAN_TPID),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_8021AD, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog fp = { .len = 4, .filter = prog };
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	uint8_t b[64], got[64];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, s);
	EXPECT_ERR(t, t->ops->setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
					 sizeof(fp)),
		   0);
	tpc_tags(t, b, 0, 7, ETH_P_IP);
	b[12] = 0x88, b[13] = 0xa8;	/* the outer tag 802.1AD */
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	EXPECT_EQ(t, "recv (the filter saw no 0x88a8)", 56,
		  t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
}

#define DEV (TPC_CAP_DEVICE | TPC_CAP_TAP_LINK)

const struct tpc_case tpc_cases_dev_l3[] = {
	{ "dev.mc_list_counts", "N10 N11", 0, .fn = mc_list_counts,
	  .needs = DEV },
	{ "dev.l3_frames", "R4 R10 N2", TPC_V12, .fn = l3_frames,
	  .needs = DEV },
	{ "dev.l3_getsockname", "N1 N2", 0, .fn = l3_getsockname,
	  .needs = DEV },
	{ "dev.l3_fanout_cbpf", "N19", 0, .fn = l3_fanout_cbpf,
	  .needs = DEV },
	{ "dev.l3_fanout_protocol", "R16 N16", 0, .fn = l3_fanout_protocol,
	  .needs = DEV },
	{ "dev.l3_fanout_defrag", "N21", 0, .fn = l3_fanout_defrag,
	  .needs = DEV },
	{ "dev.l3_unregister", "N1 N17", 0, .fn = l3_unregister,
	  .needs = DEV },
	{ "dev.bind_protocol_none", "N1", 0, .fn = bind_protocol_none,
	  .needs = DEV },
	{ "dev.tap_passes_all", "R10", TPC_V12, .fn = tap_passes_all,
	  .needs = DEV },
	{ "opt.copy_thresh_read", "O9", TPC_V3, .fn = copy_thresh_read },
	{ "filter.bound_qinq_tpid", "R17 F12", TPC_V3, .fn = bound_qinq_tpid,
	  .needs = DEV },
	{ NULL },
};
