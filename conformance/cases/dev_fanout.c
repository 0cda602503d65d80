// SPDX-License-Identifier: MIT
/*
 * Fanout groups on the Ethernet device: which member the flow hash picks
 * (N16: both ports of UDP and UDP-Lite, ESP's and AH's SPI; nothing past
 * a fragment's or a portless protocol's IP header), UNIQUEID's next free
 * id (N13), ROLLOVER by a ring-less member's truesize (N15), what a CBPF
 * group's program reads of a tagged frame (N19, R8, R17), and which
 * protocol's group a frame with two tags reaches.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <string.h>

#include "tpc.h"
#include "tpc_dev.h"

/*
 * N19, R17: which protocol a tagged frame reaches (the tags taken off
 * before the protocol handlers, __netif_receive_skb_core): an outer tag
 * with a VID leaves the inner tag's type (ETH_P_8021Q); a priority tag
 * (VID 0) is taken off, and the tag it wraps with it. A fanout group of
 * a protocol is handed what a plain socket of that protocol is.
 */
static void fanout_tagged_protocol(struct tpc_t *t)
{
	struct tpc_sock *a, *q, *plain;
	struct tpc_inject in = { .len = 64 };
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, true));
	a = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	q = tpc_open_proto(t, SOCK_RAW, ETH_P_8021Q);
	plain = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, a && q && plain);
	EXPECT_ERR(t, t->ops->setsockopt(a, SOL_PACKET, PACKET_FANOUT,
					 &(int){ 340 | PACKET_FANOUT_LB << 16 },
					 sizeof(int)),
		   0);
	EXPECT_ERR(t, t->ops->setsockopt(q, SOL_PACKET, PACKET_FANOUT,
					 &(int){ 341 | PACKET_FANOUT_LB << 16 },
					 sizeof(int)),
		   0);
	in.data = b;
	tpc_tags(t, b, 5, 7, ETH_P_IP);	/* VID 5 around VID 7 */
	EXPECT_ERR(t, t->ops->inject(t->bctx, NULL, &in), 0);
	EXPECT_EQ(t, "ETH_P_IP group after VID 5 around VID 7", 0,
		  tpc_packets(t, a));
	EXPECT_EQ(t, "ETH_P_8021Q group after VID 5 around VID 7", 1,
		  tpc_packets(t, q));
	EXPECT_EQ(t, "ETH_P_IP socket after VID 5 around VID 7", 0,
		  tpc_packets(t, plain));
	tpc_tags(t, b, 0, 7, ETH_P_IP);	/* priority tag around VID 7 */
	b[22] = 0x45;
	EXPECT_ERR(t, t->ops->inject(t->bctx, NULL, &in), 0);
	{	/* both tags gone: the link header, then the IP header */
		uint8_t got[64];

		EXPECT_EQ(t, "recv of the ETH_P_IP socket", 56,
			  t->ops->recv(plain, got, sizeof(got),
				       MSG_DONTWAIT));
		EXPECT_HEX(t, "its type", ETH_P_IP, got[12] << 8 | got[13]);
		EXPECT_HEX(t, "the byte after it", 0x45, got[14]);
	}
	EXPECT_EQ(t, "ETH_P_IP group after VID 0 around VID 7", 1,
		  tpc_packets(t, a));
	EXPECT_EQ(t, "ETH_P_8021Q group after VID 0 around VID 7", 0,
		  tpc_packets(t, q));
	EXPECT_EQ(t, "ETH_P_IP socket after VID 0 around VID 7", 1,
		  tpc_packets(t, plain));
	tpc_tags(t, b, 0, -1, ETH_P_IP);	/* a priority tag alone */
	EXPECT_ERR(t, t->ops->inject(t->bctx, NULL, &in), 0);
	EXPECT_EQ(t, "ETH_P_IP group after a priority tag", 1,
		  tpc_packets(t, a));
	EXPECT_EQ(t, "ETH_P_8021Q group after a priority tag", 0,
		  tpc_packets(t, q));
	EXPECT_EQ(t, "ETH_P_IP socket after a priority tag", 1,
		  tpc_packets(t, plain));
}

/* The IPv4 and IPv6 headers a flow starts from (UDP, 10.0.0.1 to
 * 10.0.0.2; fd00::1 to fd00::2) */

/* A frame of flow k of set `set` (0: IPv4/UDP, destination port 0x1100
 * + k; 1: the same over UDP-Lite; 2: IPv6/UDP; 3: IPv4/UDP, source port
 * 0x2000 + k; 4, 5: ESP's, AH's SPI; 6: IPv4/UDP, destination port
 * k * 256 + 53; 7, 8: IPv4/UDP to, from 10.0.0.(64 + k)): flows that
 * differ in one byte of one port or one address only. */
static void flow(struct tpc_t *t, uint8_t *b, int set, unsigned int k)
{
	uint16_t sport = set == 3 ? (uint16_t)(0x2000 + k) : 0x2000;
	uint16_t dport = set == 3 || set >= 7 ? 0x1100
			 : set == 6 ? (uint16_t)(k << 8 | 0x35)
				    : (uint16_t)(0x1100 + k);
	uint8_t *l4;

	tpc_eth(b, 80, t->dev_addr, set == 2 ? ETH_P_IPV6 : ETH_P_IP);
	memset(b + 14, 0, 66);
	if (set == 2) {
		memcpy(b + 14, tpc_ip6_udp, 40);
		l4 = b + 54;
	} else {
		memcpy(b + 14, tpc_ip4_udp, 20);
		b[14 + 9] = set == 1 ? 136 : 17;
		l4 = b + 34;
	}
	l4[0] = (uint8_t)(sport >> 8), l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8), l4[3] = (uint8_t)dport;
	if (set == 7 || set == 8)	/* the last byte of one address */
		b[14 + (set == 7 ? 19 : 15)] = (uint8_t)(0x40 + k);
	if (set == 4 || set == 5) {	/* ESP: its SPI; AH: 4 bytes in */
		b[14 + 9] = set == 4 ? 50 : 51;
		memset(l4, 0x11, 8);
		l4[set == 4 ? 3 : 7] = (uint8_t)k;
	}
}

/*
 * N16: the flow hash takes in both ports of UDP and UDP-Lite, over IPv4
 * and IPv6 (the flow dissector's ports), and the last byte of either
 * IPv4 address: 32 flows that differ only in one port's or address's
 * byte spread over both members of a HASH group. The
 * kernel's hash is keyed at boot, so which flow goes where is chance;
 * all 32 on one member has a chance of 2^-31.
 */
static void fanout_hash_spread(struct tpc_t *t)
{
	static const char *const name[9] = { "IPv4/UDP destination port",
		"IPv4/UDP-Lite destination port", "IPv6/UDP destination port",
		"IPv4/UDP source port", "ESP SPI", "AH SPI",
		"IPv4/UDP destination port's high byte",
		"IPv4 destination address's last byte",
		"IPv4 source address's last byte" };
	struct tpc_sock *m[2];
	uint8_t b[80];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, tpc_fanout_group(t, m, 2, 342, PACKET_FANOUT_HASH));
	for (int set = 0; set < 9; set++) {
		unsigned int n0, n1;

		for (unsigned int k = 0; k < 32; k++) {
			flow(t, b, set, k);
			REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
		}
		n0 = tpc_packets(t, m[0]);
		n1 = tpc_packets(t, m[1]);
		tpc_note(t, "flows by %s: %u and %u", name[set], n0, n1);
		EXPECT_EQ(t, "frames", 32, n0 + n1);
		EXPECT_TRUE(t, "both members have some of the flows",
			    n0 && n1);
	}
}

static int fanout_id(struct tpc_t *t, struct tpc_sock *s)
{
	int v = -1;
	socklen_t len = sizeof(v);
	int err = t->ops->getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, &len);

	return err ? err : v & 0xffff;
}

/* N13: PACKET_FANOUT_FLAG_UNIQUEID takes the next id no group of the net
 * holds (fanout_find_new_id): one after the last it gave, skipping an
 * id a group took meanwhile. The kernel's counter is shared by every
 * net, so only "not a taken id" is exact there. */
static void fanout_uniqueid_skips_taken(struct tpc_t *t)
{
	const int uniq = (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID)
			 << 16;
	struct tpc_sock *a, *b, *c;
	int ida, idc;

	REQUIRE(t, tpc_has_dev(t, true));
	a = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	b = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	c = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, a && b && c);
	EXPECT_ERR(t, t->ops->setsockopt(a, SOL_PACKET, PACKET_FANOUT, &uniq,
					 sizeof(int)),
		   0);
	ida = fanout_id(t, a);
	REQUIRE(t, ida >= 0);
	/* the id after it, taken by a group of its own */
	EXPECT_ERR(t, t->ops->setsockopt(b, SOL_PACKET, PACKET_FANOUT,
			&(int){ ((ida + 1) & 0xffff) | PACKET_FANOUT_HASH << 16 },
			sizeof(int)),
		   0);
	EXPECT_ERR(t, t->ops->setsockopt(c, SOL_PACKET, PACKET_FANOUT, &uniq,
					 sizeof(int)),
		   0);
	idc = fanout_id(t, c);
	tpc_note(t, "ids %d, %d (taken), %d", ida, (ida + 1) & 0xffff, idc);
	EXPECT_TRUE(t, "a new id", idc >= 0 && idc != ida &&
				   idc != ((ida + 1) & 0xffff));
}

/*
 * N15 for sockets without a ring (packet_rcv_has_room): a member has room
 * while sk_rcvbuf - sk_rmem_alloc - the frame's truesize is above a
 * quarter of sk_rcvbuf. 1000-byte frames cost 2304 each (6.1 to 6.18);
 * with SO_RCVBUF 9216 (18432) the first member takes 5 (11520 would
 * leave 4608, not above it), the sixth rolls over to the second.
 */
static void fanout_rollover_rcvbuf(struct tpc_t *t)
{
	static uint8_t b[1000];
	struct tpc_sock *m[2];
	int rcvbuf = 9216;

	REQUIRE(t, tpc_has_dev(t, true));
	for (int i = 0; i < 2; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_SOCKET, SO_RCVBUF,
						 &rcvbuf, sizeof(rcvbuf)),
			   0);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ 344 | PACKET_FANOUT_ROLLOVER << 16 },
				sizeof(int)),
			   0);
	}
	tpc_eth(b, sizeof(b), t->dev_addr, 0x88b5);
	for (int i = 0; i < 6; i++)
		REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	EXPECT_EQ(t, "frames of the first member", 5, tpc_packets(t, m[0]));
	EXPECT_EQ(t, "frames of the second", 1, tpc_packets(t, m[1]));
}

/*
 * N19, R8: what a fanout group's classic program reads at the link
 * header of a tagged frame (SKF_LL_OFF + 12): the type after the tag,
 * which skb_vlan_untag moved there. Three members, the type modulo 3:
 * IPv4 (0x0800) to member 2, tagged or not, IPv6 (0x86dd) to member 1,
 * and an inner tag (0x8100, the outer one taken off) to member 0.
 */
static void fanout_cbpf_link_type(struct tpc_t *t)
{
	static const struct sock_filter type[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_LL_OFF + 12),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const unsigned int want[3] = { 1, 1, 3 };
	struct sock_fprog fp = { .len = 2, .filter = (void *)type };
	struct tpc_sock *m[3];
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, tpc_fanout_group(t, m, 3, 345, PACKET_FANOUT_CBPF));
	EXPECT_ERR(t, t->ops->setsockopt(m[0], SOL_PACKET, PACKET_FANOUT_DATA,
					 &fp, sizeof(fp)),
		   0);
	tpc_tags(t, b, 5, -1, ETH_P_IP);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	tpc_tags(t, b, 5, -1, ETH_P_IPV6);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	tpc_tags(t, b, 0, 7, ETH_P_IPV6);	/* the inner tag stays in the data */
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	tpc_eth(b, sizeof(b), t->dev_addr, ETH_P_IP);
	REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	for (int i = 0; i < 3; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", want[i], tpc_packets(t, m[i]));
	}
}

/* Every frame to one member of a two-member HASH group? */
static bool one_member(struct tpc_t *t, struct tpc_sock *m[2], unsigned int n)
{
	unsigned int n0 = tpc_packets(t, m[0]), n1 = tpc_packets(t, m[1]);

	tpc_note(t, "%u and %u", n0, n1);
	return n0 + n1 == n && (!n0 || !n1);
}

/*
 * N16: what the flow hash leaves out (the flow dissector): the ports of a
 * fragment, first or not (16 fragments of one datagram, each with other
 * bytes where ports would be, go to one member), and anything past the
 * IP header of a protocol without ports (32 packets of protocol 254 that
 * differ in bytes 4 to 7 after it go to one member).
 */
static void fanout_hash_no_ports(struct tpc_t *t)
{
	struct tpc_sock *m[2];
	uint8_t b[80];

	REQUIRE(t, tpc_has_dev(t, true));
	REQUIRE(t, tpc_fanout_group(t, m, 2, 346, PACKET_FANOUT_HASH));
	for (unsigned int k = 0; k < 16; k++) {
		uint16_t fo = (uint16_t)(k | 0x2000);	/* MF, offset 8k */

		flow(t, b, 0, 0);
		b[14 + 6] = (uint8_t)(fo >> 8), b[14 + 7] = (uint8_t)fo;
		memset(b + 34, (int)(k * 17), 8);
		REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	}
	EXPECT_TRUE(t, "16 fragments of a datagram on one member",
		    one_member(t, m, 16));
	for (unsigned int k = 0; k < 32; k++) {
		flow(t, b, 0, 0);
		b[14 + 9] = 254;
		b[34 + 4] = b[34 + 5] = b[34 + 6] = b[34 + 7] = (uint8_t)k;
		REQUIRE(t, !tpc_inject(t, NULL, b, sizeof(b)));
	}
	EXPECT_TRUE(t, "32 packets of protocol 254 on one member",
		    one_member(t, m, 32));
}

/* A CBPF fanout group (id) of n members of protocol proto whose program
 * returns the ancillary field anc; frame f (64 bytes) on the device once;
 * the member that got it must be want. */
static void cbpf_pick(struct tpc_t *t, uint16_t id, int n, uint16_t proto,
		      uint32_t anc, const uint8_t *f, int want)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + anc),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog fp = { .len = 2, .filter = prog };
	struct tpc_sock *m[4];

	for (int i = 0; i < n; i++) {
		m[i] = tpc_open_proto(t, SOCK_RAW, proto);
		REQUIRE(t, m[i]);
		EXPECT_ERR(t, t->ops->setsockopt(m[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ id | PACKET_FANOUT_CBPF << 16 },
				sizeof(int)),
			   0);
	}
	EXPECT_ERR(t, t->ops->setsockopt(m[0], SOL_PACKET, PACKET_FANOUT_DATA,
					 &fp, sizeof(fp)),
		   0);
	REQUIRE(t, !tpc_inject(t, NULL, f, 64));
	for (int i = 0; i < n; i++) {
		tpc_note(t, "member %d", i);
		EXPECT_EQ(t, "frames", i == want, tpc_packets(t, m[i]));
	}
}

/* N19, R8, R17: a fanout program sees the tag the stack took off: the
 * whole TCI (0x2005 modulo 3 is member 1) in a group of every protocol */
static void fanout_cbpf_tci(struct tpc_t *t)
{
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, true));
	tpc_tags(t, b, 0x2005, -1, ETH_P_IP);
	cbpf_pick(t, 347, 3, ETH_P_ALL, SKF_AD_VLAN_TAG, b, 1);
}

/* ... and in a group of one protocol, a VID (even 1) made the frame
 * PACKET_OTHERHOST (3: member 3 of 4) before the group saw it */
static void fanout_cbpf_vid_otherhost(struct tpc_t *t)
{
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, true));
	tpc_tags(t, b, 1, -1, ETH_P_IP);
	cbpf_pick(t, 348, 4, ETH_P_IP, SKF_AD_PKTTYPE, b, 3);
}

/* ... and a VID around a second tag leaves that tag's protocol, 0x8100
 * (member 0 of 3), for a group of ETH_P_8021Q */
static void fanout_cbpf_inner_tag(struct tpc_t *t)
{
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, true));
	tpc_tags(t, b, 5, 7, ETH_P_IP);
	cbpf_pick(t, 349, 3, ETH_P_8021Q, SKF_AD_PROTOCOL, b, 0);
}

#define DEV (TPC_CAP_DEVICE | TPC_CAP_TAP_LINK)

const struct tpc_case tpc_cases_dev_fanout[] = {
	{ "dev.fanout_uniqueid_skips_taken", "N13", 0,
	  .fn = fanout_uniqueid_skips_taken, .needs = DEV },
	{ "dev.fanout_rollover_rcvbuf", "N15 S1", 0,
	  .fn = fanout_rollover_rcvbuf, .needs = DEV },
	{ "dev.fanout_cbpf_link_type", "N19 R8", 0,
	  .fn = fanout_cbpf_link_type, .needs = DEV },
	{ "dev.fanout_hash_no_ports", "N16", 0, .fn = fanout_hash_no_ports,
	  .needs = DEV },
	{ "dev.fanout_cbpf_tci", "N19 R8", 0, .fn = fanout_cbpf_tci,
	  .needs = DEV },
	{ "dev.fanout_cbpf_vid_otherhost", "N19 R17", 0,
	  .fn = fanout_cbpf_vid_otherhost, .needs = DEV },
	{ "dev.fanout_cbpf_inner_tag", "N19 R17", 0,
	  .fn = fanout_cbpf_inner_tag, .needs = DEV },
	{ "dev.fanout_hash_spread", "N16", 0, .fn = fanout_hash_spread,
	  .needs = DEV },
	{ "dev.fanout_tagged_protocol", "N19 R17", 0,
	  .fn = fanout_tagged_protocol, .needs = DEV },
	{ NULL },
};
