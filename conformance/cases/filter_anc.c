// SPDX-License-Identifier: MIT
/*
 * Description: the two ancillary loads that walk the packet (F12):
 * SKF_AD_PAY_OFFSET (skb_get_poff: the flow dissector, then the length of
 * the transport header) on frames built to sit on each of its edges (TCP
 * data offsets, a TCP header cut short, a second VLAN tag, IPv4 and IPv6
 * fragments, IPv6 extension headers, an IPv6 header one byte short), and
 * SKF_AD_NLATTR / SKF_AD_NLATTR_NEST (nla_find over the packet's bytes)
 * on attributes of 16-bit lengths, flagged types, padding and nests. The
 * cases mutation testing asked for (README "Mutation testing").
 */
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc_filter.h"

#define ANC(what) INSN(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + (what))

/*
 * A after pre on frame (a SOCK_RAW socket without a ring): the program
 * returns A + 1 and recv() reports min(A + 1, len), so A is read exactly
 * while it is below len - 1; frames of 1025 bytes or more are read ten
 * bits at a time (tpc_filter_value's way) for any value. -2 when a
 * failure was recorded, -1 when nothing arrived.
 */
static long anc_value(struct tpc_t *t, struct tpc_sock *s,
		      const uint8_t *frame, uint32_t len,
		      const struct sock_filter *pre, unsigned int n)
{
	uint32_t v = 0, step = len > 1024 ? 10 : 32;

	for (uint32_t sh = 0; sh < 32; sh += step) {
		struct sock_filter f[16];
		unsigned int k = n;
		long r;
		int err;

		memcpy(f, pre, n * sizeof(*f));
		if (step == 10) {
			f[k++] = INSN(BPF_ALU | BPF_RSH | BPF_K, sh);
			f[k++] = INSN(BPF_ALU | BPF_AND | BPF_K, 0x3ff);
		}
		f[k++] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
		f[k++] = INSN(BPF_RET | BPF_A, 0);
		err = tpc_attach(t, s, f, k);
		if (err) {
			tpc_fail(t, __LINE__, "attach: %s", tpc_errname(err));
			return -2;
		}
		r = tpc_through(t, s, frame, len);
		if (r < 0)
			return r;
		if (step == 32)
			return r - 1;
		v |= (uint32_t)(r - 1) << sh;
	}
	return v;
}

#define ANC_EQ(what, frame, len, want, ...)                                 \
	do {                                                                \
		struct sock_filter _f[] = { __VA_ARGS__ };                  \
		long _v = anc_value(t, s, frame, len, _f,                   \
				    sizeof(_f) / sizeof(_f[0]));            \
		REQUIRE(t, _v != -2);                                       \
		EXPECT_EQ(t, what, want, _v);                               \
	} while (0)
#define SUB(k) INSN(BPF_ALU | BPF_SUB | BPF_K, (k))
#define POFF_EQ(what, len, want) \
	ANC_EQ(what, f, len, want, ANC(SKF_AD_PAY_OFFSET))

/* An Ethernet frame to the device of type, zeroes after the header. */
static void eth0(struct tpc_t *t, uint8_t *f, uint32_t len, uint16_t type)
{
	tpc_eth(f, len, t->dev_addr, type);
	memset(f + 14, 0, len - 14);
}

/* An IPv4 header at ip: ihl 5, protocol proto, fragment bytes 6-7. */
static void ip4(uint8_t *ip, uint8_t proto, uint8_t frag_hi, uint8_t frag_lo)
{
	ip[0] = 0x45;
	ip[6] = frag_hi;
	ip[7] = frag_lo;
	ip[8] = 64;
	ip[9] = proto;
}

static void pay_offset_ipv4(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	static uint8_t f[1100];

	REQUIRE(t, s);
	eth0(t, f, sizeof(f), 0x0800);
	ip4(f + 14, 6, 0, 0);
	f[34 + 12] = 0x80;	/* TCP data offset 8 words */
	POFF_EQ("TCP, data offset 32 bytes", sizeof(f), 14 + 20 + 32);
	f[34 + 12] = 0x40;	/* below the 20-byte minimum */
	POFF_EQ("TCP, data offset 16 bytes (20 counted)", sizeof(f),
		14 + 20 + 20);
	f[34 + 12] = 0x5f;	/* the low nibble is not the offset */
	POFF_EQ("TCP, data offset byte 0x5f", sizeof(f), 14 + 20 + 20);
	/* the TCP header ends before its data offset byte: the network
	 * header's end (__skb_get_poff returns thoff) */
	POFF_EQ("TCP cut after 12 bytes", 14 + 20 + 12, 14 + 20);
	/* past the frame's end: read as A - 20 */
	ANC_EQ("TCP cut after 13 bytes (0x5f: 20 counted), minus 20", f,
	       14 + 20 + 13, 14 + 20, ANC(SKF_AD_PAY_OFFSET), SUB(20));
	/* IPv4 fragments: the first skips its UDP header, a later one not */
	ip4(f + 14, 17, 0x20, 0x00);	/* MF, offset 0 */
	POFF_EQ("first fragment (MF, offset 0)", sizeof(f), 14 + 20 + 8);
	ip4(f + 14, 17, 0x00, 0x01);	/* offset 8 bytes */
	POFF_EQ("later fragment (offset 1 in the low byte)", sizeof(f),
		14 + 20);
	ip4(f + 14, 17, 0x01, 0x00);	/* offset 2048 bytes */
	POFF_EQ("later fragment (offset 256 in the high byte)", sizeof(f),
		14 + 20);
	ip4(f + 14, 17, 0x40, 0x00);	/* DF only: no fragment */
	POFF_EQ("DF set, not a fragment", sizeof(f), 14 + 20 + 8);
	ip4(f + 14, 17, 0x00, 0x00);
	f[14] = 0x44;	/* ihl 4: the dissector gives up */
	POFF_EQ("IPv4 ihl 4", sizeof(f), 0);
	f[14] = 0x46;	/* ihl 6 */
	POFF_EQ("IPv4 ihl 6, UDP", sizeof(f), 14 + 24 + 8);
	/* the other transports by their fixed header's size */
	ip4(f + 14, 132, 0, 0);
	POFF_EQ("SCTP (a 12-byte common header)", sizeof(f), 14 + 20 + 12);
	ip4(f + 14, 33, 0, 0);
	POFF_EQ("DCCP (12 bytes)", sizeof(f), 14 + 20 + 12);
	ip4(f + 14, 1, 0, 0);
	POFF_EQ("ICMP (8 bytes)", sizeof(f), 14 + 20 + 8);
	ip4(f + 14, 2, 0, 0);
	POFF_EQ("IGMP (8 bytes)", sizeof(f), 14 + 20 + 8);
	ip4(f + 14, 253, 0, 0);	/* RFC 3692's experimental protocol */
	POFF_EQ("protocol 253 (no header counted)", sizeof(f), 14 + 20);
}

/* A second 802.1Q tag in the data, after the one the receive path took
 * off: the dissector reads the inner one's type from the data. */
static void pay_offset_qinq(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	static uint8_t f[1100];

	REQUIRE(t, s);
	eth0(t, f, sizeof(f), 0x8100);
	memcpy(f + 14, "\x00\x64\x81\x00\x00\xc8\x08\x00", 8);
	ip4(f + 22, 17, 0, 0);
	/* the outer tag leaves the data: 4 bytes less */
	POFF_EQ("802.1Q in 802.1Q, IPv4 UDP", sizeof(f) - 4, 14 + 4 + 20 + 8);
	memcpy(f + 14, "\x00\x64\x81\x00\x00\xc8\x86\xdd", 8);
	f[22] = 0x60;
	f[22 + 6] = 17;
	POFF_EQ("802.1Q in 802.1Q, IPv6 UDP", sizeof(f) - 4, 14 + 4 + 40 + 8);
}

/* IPv6 header at ip with next header nh. */
static void ip6(uint8_t *ip, uint8_t nh)
{
	ip[0] = 0x60;
	ip[6] = nh;
	ip[7] = 64;
}

static void pay_offset_ipv6(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	static uint8_t f[1100];
	uint8_t *x = f + 54;	/* after the IPv6 header */

	REQUIRE(t, s);
	eth0(t, f, sizeof(f), 0x86dd);
	ip6(f + 14, 17);
	POFF_EQ("IPv6 UDP", sizeof(f), 14 + 40 + 8);
	/* UDP's 8 bytes are counted even when the frame has none */
	ANC_EQ("IPv6 header complete, nothing after it, minus 20", f, 14 + 40,
	       14 + 40 + 8 - 20, ANC(SKF_AD_PAY_OFFSET), SUB(20));
	POFF_EQ("IPv6 header one byte short", 14 + 39, 0);
	ip6(f + 14, 0);	/* hop-by-hop options, 16 bytes, then UDP */
	x[0] = 17;
	x[1] = 1;
	POFF_EQ("hop-by-hop options of 16 bytes, UDP", sizeof(f),
		14 + 40 + 16 + 8);
	ip6(f + 14, 60);	/* destination options, 8 bytes, then TCP */
	x[0] = 6;
	x[1] = 0;
	x[8 + 12] = 0x60;
	POFF_EQ("destination options of 8 bytes, TCP of 24", sizeof(f),
		14 + 40 + 8 + 24);
	/* fragment header: offset in bits 15-3 of bytes 2-3, M in bit 0 */
	memset(x, 0, 32);
	ip6(f + 14, 44);
	x[0] = 17;
	x[3] = 0x01;	/* M only: the first fragment */
	POFF_EQ("IPv6 first fragment (M, offset 0), UDP", sizeof(f),
		14 + 40 + 8 + 8);
	x[3] = 0x08;	/* offset 1 (8 bytes) */
	POFF_EQ("IPv6 later fragment (offset 1)", sizeof(f), 14 + 40 + 8);
	x[1] = 0xff;	/* reserved byte: not part of the offset */
	x[2] = 0x01;
	x[3] = 0x00;	/* offset 32 */
	POFF_EQ("IPv6 later fragment (offset 32, reserved 0xff)", sizeof(f),
		14 + 40 + 8);
	x[3] = 0x07;	/* offset 32, res 3 bits and M: still a later one */
	POFF_EQ("IPv6 later fragment (low bits 0x07)", sizeof(f),
		14 + 40 + 8);
	x[1] = 0;
	x[2] = 0x01;
	x[3] = 0x01;	/* offset 32 and M */
	POFF_EQ("IPv6 later fragment (offset 32, M)", sizeof(f), 14 + 40 + 8);
	x[2] = 0x80;
	x[3] = 0x00;	/* offset 4096: the offset's top bit */
	POFF_EQ("IPv6 later fragment (offset 4096)", sizeof(f), 14 + 40 + 8);
	POFF_EQ("IPv6 fragment header one byte short", 14 + 40 + 7, 0);
}

/* nla header at f + o: nla_len (host order, little-endian here), type */
static void nla(uint8_t *f, uint32_t o, uint16_t len, uint16_t type)
{
	f[o] = (uint8_t)len;
	f[o + 1] = (uint8_t)(len >> 8);
	f[o + 2] = (uint8_t)type;
	f[o + 3] = (uint8_t)(type >> 8);
}

#define A_IMM(a) INSN(BPF_LD | BPF_IMM, (a))
#define X_IMM(x) INSN(BPF_LDX | BPF_IMM, (x))

static void nlattr_walk(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	static uint8_t f[1100];

	REQUIRE(t, s);
	eth0(t, f, sizeof(f), 0x88b5);
	/* an attribute of 260 bytes (its length's high byte used), then
	 * type 7 flagged NLA_F_NESTED | NLA_F_NET_BYTEORDER */
	nla(f, 40, 260, 1);
	nla(f, 300, 8, 0xc007);
	f[304] = 1;	/* the payload's first byte is not the type's */
	ANC_EQ("nlattr type 7 after a 260-byte one", f, sizeof(f), 300,
	       A_IMM(40), X_IMM(7), ANC(SKF_AD_NLATTR));
	ANC_EQ("nlattr type 0xc007 (the flags are not part of the type)", f,
	       sizeof(f), 0, A_IMM(40), X_IMM(0xc007), ANC(SKF_AD_NLATTR));
	/* lengths padded to 4: 5 bytes take 8 */
	nla(f, 40, 5, 1);
	nla(f, 48, 8, 9);
	ANC_EQ("nlattr after a 5-byte one (padded to 8)", f, sizeof(f), 48,
	       A_IMM(40), X_IMM(9), ANC(SKF_AD_NLATTR));
	nla(f, 40, 7, 1);
	ANC_EQ("nlattr after a 7-byte one (padded to 8)", f, sizeof(f), 48,
	       A_IMM(40), X_IMM(9), ANC(SKF_AD_NLATTR));
	/* the last 4 bytes of the packet: an attribute fits exactly */
	nla(f, sizeof(f) - 4, 4, 3);
	ANC_EQ("nlattr in the last 4 bytes", f, sizeof(f), sizeof(f) - 4,
	       A_IMM(sizeof(f) - 4), X_IMM(3), ANC(SKF_AD_NLATTR));
	ANC_EQ("nlattr with 3 bytes left", f, sizeof(f), 0,
	       A_IMM(sizeof(f) - 3), X_IMM(3), ANC(SKF_AD_NLATTR));
	nla(f, sizeof(f) - 8, 12, 3);	/* 4 bytes past the end */
	ANC_EQ("nlattr running 4 bytes past the end", f, sizeof(f), 0,
	       A_IMM(sizeof(f) - 8), X_IMM(3), ANC(SKF_AD_NLATTR));
	/* a 6-byte one takes 8 of what is left; the next one ends with
	 * the packet */
	nla(f, sizeof(f) - 16, 6, 1);
	nla(f, sizeof(f) - 8, 8, 9);
	ANC_EQ("nlattr ending with the packet after a 6-byte one", f,
	       sizeof(f), sizeof(f) - 8, A_IMM(sizeof(f) - 16), X_IMM(9),
	       ANC(SKF_AD_NLATTR));
	/* a nest of 12 bytes at 40: its header, then type 9 at 44 */
	nla(f, 40, 12, 0x8001);
	nla(f, 44, 8, 9);
	ANC_EQ("nest: type 9 inside", f, sizeof(f), 44, A_IMM(40), X_IMM(9),
	       ANC(SKF_AD_NLATTR_NEST));
	nla(f, 40, 11, 0x8001);	/* the inner one no longer fits */
	ANC_EQ("nest of 11 bytes: an 8-byte one at 44 does not fit", f,
	       sizeof(f), 0, A_IMM(40), X_IMM(9), ANC(SKF_AD_NLATTR_NEST));
	nla(f, 40, 3, 0x8001);
	ANC_EQ("nest whose length is below its header", f, sizeof(f), 0,
	       A_IMM(40), X_IMM(9), ANC(SKF_AD_NLATTR_NEST));
	nla(f, sizeof(f) - 8, 8, 0x8001);
	nla(f, sizeof(f) - 4, 4, 9);
	ANC_EQ("nest in the last 8 bytes", f, sizeof(f), sizeof(f) - 4,
	       A_IMM(sizeof(f) - 8), X_IMM(9), ANC(SKF_AD_NLATTR_NEST));
	/* type 9 at 12 bytes from the end in a nest of the last 16: found;
	 * in a nest of 20 there (nla_ok against skb->len - a fails), the
	 * nest is not looked into */
	nla(f, sizeof(f) - 16, 16, 0x8001);
	nla(f, sizeof(f) - 12, 8, 9);
	ANC_EQ("nest ending with the packet", f, sizeof(f), sizeof(f) - 12,
	       A_IMM(sizeof(f) - 16), X_IMM(9), ANC(SKF_AD_NLATTR_NEST));
	nla(f, sizeof(f) - 16, 20, 0x8001);
	ANC_EQ("nest running 4 bytes past the end", f, sizeof(f), 0,
	       A_IMM(sizeof(f) - 16), X_IMM(9), ANC(SKF_AD_NLATTR_NEST));
}

/* F12 with R17: a socket bound to a protocol runs its filter after the
 * stack cleared the tag (__vlan_hwaccel_clear_tag): the VLAN loads
 * answer 0 there, while an ETH_P_ALL tap saw the tag, a priority tag
 * (TCI 0) included. */
static void vlan_cleared_for_bound(struct tpc_t *t)
{
	struct tpc_sock *all = tpc_open(t, SOCK_RAW);
	struct tpc_sock *arp = tpc_open_proto(t, SOCK_RAW, ETH_P_ARP), *s;
	static uint8_t f[1100];	/* long enough to read any value */

	REQUIRE(t, all && arp);
	tpc_eth(f, sizeof(f), tpc_bcast, 0x8100);
	memcpy(f + 14, "\x60\x05\x08\x06", 4);	/* PCP 3, VID 5, ARP */
	s = all;
	ANC_EQ("ETH_P_ALL: vlan tag", f, sizeof(f), 0x6005,
	       ANC(SKF_AD_VLAN_TAG));
	s = arp;
	ANC_EQ("bound to ARP: vlan tag", f, sizeof(f), 0,
	       ANC(SKF_AD_VLAN_TAG));
	ANC_EQ("bound to ARP: vlan present", f, sizeof(f), 0,
	       ANC(SKF_AD_VLAN_TAG_PRESENT));
	ANC_EQ("bound to ARP: vlan tpid", f, sizeof(f), 0,
	       ANC(SKF_AD_VLAN_TPID));
	ANC_EQ("bound to ARP: protocol", f, sizeof(f), 0x0806,
	       ANC(SKF_AD_PROTOCOL));
	/* a priority tag (TCI 0) is still a tag: present is the TPID's */
	memcpy(f + 14, "\x00\x00\x08\x06", 4);
	s = all;
	ANC_EQ("ETH_P_ALL: priority tag present", f, sizeof(f), 1,
	       ANC(SKF_AD_VLAN_TAG_PRESENT));
	ANC_EQ("ETH_P_ALL: priority tag's TCI", f, sizeof(f), 0,
	       ANC(SKF_AD_VLAN_TAG));
}

const struct tpc_case tpc_cases_filter_anc[] = {
	{ "filter.vlan_cleared_for_bound", "F12 R17", 0,
	  .fn = vlan_cleared_for_bound, .needs = TPC_CAP_TAP_LINK },
	{ "filter.pay_offset_ipv4", "F12", 0, .fn = pay_offset_ipv4,
	  .needs = TPC_CAP_TAP_LINK },
	{ "filter.pay_offset_qinq", "F12", 0, .fn = pay_offset_qinq,
	  .needs = TPC_CAP_TAP_LINK },
	{ "filter.pay_offset_ipv6", "F12", 0, .fn = pay_offset_ipv6,
	  .needs = TPC_CAP_TAP_LINK },
	{ "filter.nlattr_walk", "F12", 0, .fn = nlattr_walk,
	  .needs = TPC_CAP_TAP_LINK },
	{ NULL },
};
