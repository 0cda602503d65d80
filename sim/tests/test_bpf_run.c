// SPDX-License-Identifier: MIT
/*
 * Description: the filter machine and its consequences (rules F11-F14):
 * each instruction class, loads in and out of the packet, SKF_NET_OFF and
 * SKF_LL_OFF, every ancillary load, and what the answer does to a V1/V2/V3
 * ring, COPY and a socket without a ring. The values are those Linux 6.18
 * answered for the same programs on a TAP device.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "t_helpers.h"

#define INSN(c, k) ((struct sock_filter){ (c), 0, 0, (k) })
#define LD_ABS(sz, k) INSN(BPF_LD | (sz) | BPF_ABS, (uint32_t)(k))
#define ANC(what) LD_ABS(BPF_W, SKF_AD_OFF + (what))

static int attach(struct tpsim_sock *s, const struct sock_filter *f,
		  unsigned int n)
{
	struct sock_fprog p = { .len = (unsigned short)n,
				.filter = (struct sock_filter *)f };

	return tpsim_setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &p,
				sizeof(p));
}

/* A 1200-byte IPv4/UDP frame to the device (10.0.0.1 -> 10.0.0.2, ports
 * 0x1234 -> 53), with an 802.1Q tag (TCI 0xb064) in its data if vlan. */
static uint32_t udp_frame(uint8_t *f, bool vlan)
{
	uint32_t o = vlan ? 16 : 12, len = 1200;
	uint8_t *ip;

	memset(f, 0, len);
	memcpy(f, t_self, 6);
	memcpy(f + 6, "\x02\x11\x22\x33\x44\x55", 6);
	if (vlan)
		memcpy(f + 12, "\x81\x00\xb0\x64", 4);
	f[o] = 0x08;
	ip = f + o + 2;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((len - o - 2) >> 8);
	ip[3] = (uint8_t)(len - o - 2);
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
	memcpy(ip + 20, "\x12\x34\x00\x35", 4);
	for (uint32_t i = o + 2 + 28; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

/* What recv() sees of one packet through the program on a socket
 * without a ring: its length (MSG_TRUNC), or -1 when the filter dropped
 * it; the drop must not be counted. */
static long through(int type, const struct sock_filter *f, unsigned int n,
		    const struct tpsim_packet *p)
{
	struct tpsim_sock *s = t_sock(type, TPACKET_V2, 0);
	uint8_t buf[2048];
	unsigned int pk, dr;
	long r;

	ck_assert_msg(attach(s, f, n) == 0, "%s", tpsim_strerror_detail(s));
	r = tpsim_deliver(s, p);
	ck_assert_int_ge(r, 0);
	r = tpsim_recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	t_stats(s, &pk, &dr);
	ck_assert_int_eq(dr, 0);
	ck_assert_int_eq(pk, r < 0 ? 0 : 1);
	tpsim_close(s);
	return r < 0 ? -1 : r;
}

/* A at the end of pre (at most 40 instructions), read through the
 * snaplen ten bits at a time as the kernel tests read it: -1 when the
 * program ended with 0 before. */
static long value_of(int type, const struct sock_filter *pre, unsigned int n,
		     const struct tpsim_packet *p)
{
	uint32_t v = 0;

	for (uint32_t sh = 0; sh < 32; sh += 10) {
		struct sock_filter f[44];
		long r;

		memcpy(f, pre, n * sizeof(*f));
		f[n] = INSN(BPF_ALU | BPF_RSH | BPF_K, sh);
		f[n + 1] = INSN(BPF_ALU | BPF_AND | BPF_K, 0x3ff);
		f[n + 2] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
		f[n + 3] = INSN(BPF_RET | BPF_A, 0);
		r = through(type, f, n + 4, p);
		if (r < 0)
			return -1;
		v |= (uint32_t)(r - 1) << sh;
	}
	return v;
}

static uint8_t frame[1600];

static struct tpsim_packet pkt(bool vlan)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = frame };

	p.len = udp_frame(frame, vlan);
	return p;
}

#define VAL(type, vlan, ...)                                              \
	({                                                                \
		struct sock_filter _f[] = { __VA_ARGS__ };                \
		struct tpsim_packet _p = pkt(vlan);                        \
		value_of(type, _f, sizeof(_f) / sizeof(_f[0]), &_p);      \
	})

START_TEST(alu_and_misc)
{
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 7),
			     INSN(BPF_ALU | BPF_NEG, 0)), 4294967289);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 100),
			     INSN(BPF_ALU | BPF_MOD | BPF_K, 7)), 2);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 100),
			     INSN(BPF_LDX | BPF_IMM, 7),
			     INSN(BPF_ALU | BPF_DIV | BPF_X, 0)), 14);
	/* division and modulo by X = 0 end the program with 0 */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 7),
			     INSN(BPF_ALU | BPF_DIV | BPF_X, 0)), -1);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 7),
			     INSN(BPF_ALU | BPF_MOD | BPF_X, 0)), -1);
	/* a shift by X takes X's low five bits */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 7),
			     INSN(BPF_LDX | BPF_IMM, 33),
			     INSN(BPF_ALU | BPF_LSH | BPF_X, 0)), 14);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 7),
			     INSN(BPF_LDX | BPF_IMM, 32),
			     INSN(BPF_ALU | BPF_RSH | BPF_X, 0)), 7);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 0xf0),
			     INSN(BPF_ALU | BPF_SUB | BPF_K, 0x10),
			     INSN(BPF_ALU | BPF_MUL | BPF_K, 3),
			     INSN(BPF_ALU | BPF_OR | BPF_K, 1),
			     INSN(BPF_ALU | BPF_XOR | BPF_K, 0x100),
			     INSN(BPF_ALU | BPF_AND | BPF_K, 0x3f3),
			     INSN(BPF_MISC | BPF_TAX, 0),
			     INSN(BPF_ALU | BPF_ADD | BPF_X, 0),
			     INSN(BPF_ST, 15), INSN(BPF_LD | BPF_IMM, 0),
			     INSN(BPF_LDX | BPF_MEM, 15),
			     INSN(BPF_MISC | BPF_TXA, 0)),
			 0x742);	/* 0x3a1 twice */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LDX | BPF_IMM, 0x55),
			     INSN(BPF_STX, 4), INSN(BPF_JMP | BPF_JA, 1),
			     INSN(BPF_LD | BPF_IMM, 9), INSN(BPF_LD | BPF_MEM, 4)),
			 0x55);
	/* lengths: SOCK_DGRAM from the network header, VLAN tag taken off */
	ck_assert_int_eq(VAL(SOCK_DGRAM, 1, INSN(BPF_LD | BPF_W | BPF_LEN, 0)),
			 1182);
	ck_assert_int_eq(VAL(SOCK_RAW, 1, INSN(BPF_LDX | BPF_W | BPF_LEN, 0),
			     INSN(BPF_MISC | BPF_TXA, 0)), 1196);
}
END_TEST

START_TEST(jumps)
{
	/* each condition, taken and not, X and K */
	static const uint16_t ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	static const uint32_t a = 6, ks[] = { 6, 5, 7, 2, 1 };

	for (size_t o = 0; o < 4; o++)
		for (size_t i = 0; i < 5; i++)
			for (int x = 0; x < 2; x++) {
				uint32_t k = ks[i];
				bool want = ops[o] == BPF_JEQ ? a == k :
					    ops[o] == BPF_JGT ? a > k :
					    ops[o] == BPF_JGE ? a >= k :
								 (a & k) != 0;
				struct sock_filter f[] = {
					INSN(BPF_LDX | BPF_IMM, k),
					INSN(BPF_LD | BPF_IMM, a),
					{ (uint16_t)(BPF_JMP | ops[o] |
						     (x ? BPF_X : BPF_K)),
					  2, 0, k },
					INSN(BPF_RET | BPF_K, 50),
					INSN(BPF_RET | BPF_K, 60),
					INSN(BPF_RET | BPF_K, 70),
				};
				struct tpsim_packet p = pkt(false);

				ck_assert_int_eq(through(SOCK_RAW, f, 6, &p),
						 want ? 70 : 50);
			}
	/* a negative constant compares unsigned */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 5),
			     ((struct sock_filter){ BPF_JMP | BPF_JGT | BPF_K,
						    0, 1, 0x80000000 }),
			     INSN(BPF_LD | BPF_IMM, 9)), 5);
}
END_TEST

START_TEST(packet_loads)
{
	/* in the packet, at its end, past it (0: dropped uncounted) */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, 1196)), 0xacadaeaf);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, 1197)), -1);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_B, 0x80000000)), -1);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_H, 12)), 0x0800);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0, LD_ABS(BPF_B, 9)), 17);
	/* indirect: X + k as a signed 32-bit offset */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LDX | BPF_IMM, 14),
			     INSN(BPF_LD | BPF_H | BPF_IND, 20)), 0x1234);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LDX | BPF_IMM, 0xffffffff),
			     INSN(BPF_LD | BPF_B | BPF_IND, 0)), -1);
	/* MSH: 4 * (low nibble), the IP header length */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LDX | BPF_B | BPF_MSH, 14),
			     INSN(BPF_MISC | BPF_TXA, 0)), 20);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0,
			     INSN(BPF_LDX | BPF_B | BPF_MSH, SKF_NET_OFF),
			     INSN(BPF_MISC | BPF_TXA, 0)), 20);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0,
			     INSN(BPF_LDX | BPF_B | BPF_MSH, SKF_AD_OFF),
			     INSN(BPF_MISC | BPF_TXA, 0)), -1);
}
END_TEST

START_TEST(negative_offsets)
{
	/* SKF_LL_OFF reaches the link header even on SOCK_DGRAM; with the
	 * tag taken off, its type field is the inner ethertype */
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0, LD_ABS(BPF_B, SKF_LL_OFF)),
			 t_self[0]);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 1, LD_ABS(BPF_H, SKF_LL_OFF + 12)),
			 0x0800);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 1, LD_ABS(BPF_B, SKF_LL_OFF + 14)),
			 0x45);
	ck_assert_int_eq(VAL(SOCK_RAW, 1, LD_ABS(BPF_B, SKF_NET_OFF)), 0x45);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0, LD_ABS(BPF_B, SKF_NET_OFF + 9)),
			 17);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, SKF_NET_OFF + 1182)),
			 0xacadaeaf);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, SKF_NET_OFF + 1183)),
			 -1);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, SKF_LL_OFF + 1196)),
			 0xacadaeaf);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, LD_ABS(BPF_W, SKF_LL_OFF + 1197)),
			 -1);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0, INSN(BPF_LDX | BPF_IMM, SKF_LL_OFF),
			     INSN(BPF_LD | BPF_B | BPF_IND, 1)), t_self[1]);
	ck_assert_int_eq(VAL(SOCK_DGRAM, 0, INSN(BPF_LDX | BPF_IMM, -0x300000),
			     INSN(BPF_LD | BPF_B | BPF_IND, 0)), -1);
	/* between SKF_AD_OFF and 0 (an indirect load): past the packet */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LDX | BPF_IMM, SKF_AD_OFF),
			     INSN(BPF_LD | BPF_B | BPF_IND, 4)), -1);
}
END_TEST

static long anc_of(int type, bool vlan, uint32_t what,
		   const struct tpsim_packet *over)
{
	struct sock_filter f[] = { ANC(what) };
	struct tpsim_packet p = over ? *over : pkt(vlan);

	if (over)
		udp_frame(frame, vlan);
	return value_of(type, f, 1, &p);
}

START_TEST(extensions)
{
	struct tpsim_packet p = pkt(false);
	uint8_t bcast[1200];

	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_PROTOCOL, NULL), 0x800);
	ck_assert_int_eq(anc_of(SOCK_DGRAM, 1, SKF_AD_PROTOCOL, NULL), 0x800);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_PKTTYPE, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_IFINDEX, NULL), 1);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_HATYPE, NULL), 1);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_MARK, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_QUEUE, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_RXHASH, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_CPU, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_VLAN_TAG, NULL), 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_VLAN_TAG_PRESENT, NULL),
			 0);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_VLAN_TPID, NULL), 0);
	/* the whole TCI, DEI bit included */
	ck_assert_int_eq(anc_of(SOCK_DGRAM, 1, SKF_AD_VLAN_TAG, NULL), 0xb064);
	ck_assert_int_eq(anc_of(SOCK_DGRAM, 1, SKF_AD_VLAN_TAG_PRESENT, NULL),
			 1);
	ck_assert_int_eq(anc_of(SOCK_DGRAM, 1, SKF_AD_VLAN_TPID, NULL), 0x8100);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_PAY_OFFSET, NULL), 42);
	ck_assert_int_eq(anc_of(SOCK_DGRAM, 1, SKF_AD_PAY_OFFSET, NULL), 28);
	/* skb fields the packet carries */
	p.mark = 0xfeed;
	p.queue_mapping = 1;
	p.rxhash = 0xabcdef;
	p.flags = TPSIM_PKT_RXHASH;
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_MARK, &p), 0xfeed);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_QUEUE, &p), 1);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_RXHASH, &p), 0xabcdef);
	p.flags = TPSIM_PKT_VLAN;
	p.vlan_tci = 0x2005;
	p.vlan_tpid = 0x88a8;
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_VLAN_TAG, &p), 0x2005);
	ck_assert_int_eq(anc_of(SOCK_RAW, 0, SKF_AD_VLAN_TPID, &p), 0x88a8);
	/* pkttype: broadcast */
	t_eth(bcast, sizeof(bcast), t_bcast, 0x0806);
	p = (struct tpsim_packet){ .sz = sizeof(p), .data = bcast,
				   .len = sizeof(bcast) };
	{
		struct sock_filter f[] = { ANC(SKF_AD_PKTTYPE) };

		ck_assert_int_eq(value_of(SOCK_RAW, f, 1, &p), 1);
	}
	/* XOR with X; RANDOM: two draws differ */
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 0xf0),
			     INSN(BPF_LDX | BPF_IMM, 0x3c),
			     ANC(SKF_AD_ALU_XOR_X)), 0xcc);
	{
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		/* equal draws: 1 byte kept, else the whole packet */
		struct sock_filter f[] = {
			ANC(SKF_AD_RANDOM), INSN(BPF_ST, 0),
			ANC(SKF_AD_RANDOM), INSN(BPF_LDX | BPF_MEM, 0),
			{ BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0 },
			INSN(BPF_RET | BPF_K, 1),
			INSN(BPF_RET | BPF_K, 0xffff),
		};
		uint8_t buf[2048];

		p = pkt(false);
		ck_assert_int_eq(attach(s, f, 7), 0);
		for (int i = 0; i < 50; i++) {
			ck_assert_int_eq(tpsim_deliver(s, &p),
					 TPSIM_RX_DELIVERED);
			ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf),
						    MSG_TRUNC), 1200);
		}
		tpsim_close(s);
	}
}
END_TEST

/* IPv4/IPv6 with the given protocol fields: payload offset as a TAP's
 * kernel answered it (6.18); frames of len bytes */
static long pay_offset_len(int type, uint16_t ethertype, const uint8_t *l3,
			   size_t l3len, uint32_t len)
{
	struct sock_filter f[] = { ANC(SKF_AD_PAY_OFFSET) };
	struct tpsim_packet p = { .sz = sizeof(p), .data = frame,
				  .len = len };

	t_eth(frame, len, t_self, ethertype);
	memset(frame + 14, 0, len - 14);
	memcpy(frame + 14, l3, l3len < len - 14 ? l3len : len - 14);
	return value_of(type, f, 1, &p);
}

static long pay_offset(int type, uint16_t ethertype, const uint8_t *l3,
		       size_t l3len)
{
	return pay_offset_len(type, ethertype, l3, l3len, 200);
}

START_TEST(payload_offset)
{
	uint8_t l3[80] = { 0x45 };

	l3[9] = 6;		/* TCP, data offset 8 words */
	l3[32] = 0x80;
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x0800, l3, 60), 14 + 20 + 32);
	l3[32] = 0x10;		/* doff below 5: still 20 */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 20 + 20);
	l3[0] = 0x46;		/* options; ICMP */
	l3[9] = 1;
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 24 + 8);
	l3[6] = 0x20;		/* first fragment: L4 header counted */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 24 + 8);
	l3[7] = 0x10;		/* a later one: not */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 24);
	l3[0] = 0x44;		/* ihl < 5: the dissector gives up */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 0);
	memset(l3, 0, sizeof(l3));	/* IPv4 in IPv4, UDP inside */
	l3[0] = 0x45, l3[9] = 4, l3[20] = 0x45, l3[29] = 17;
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x0800, l3, 60), 14 + 48);
	memset(l3, 0, sizeof(l3));	/* IPv6, hop-by-hop, then UDP */
	l3[0] = 0x60, l3[6] = 0, l3[40] = 17, l3[41] = 0;
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x86dd, l3, 80), 48 + 8);
	l3[6] = 44;		/* a fragment header, offset 0 */
	l3[40] = 58;
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x86dd, l3, 80), 48 + 8);
	l3[43] = 8;		/* offset 1: no L4 */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x86dd, l3, 80), 48);
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x0806, l3, 28), 14);
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x8847, l3, 28), 18);
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x1234, l3, 28), 0);
	/* one tag: taken off, the IPv4 header right after the link header */
	memset(l3, 0, sizeof(l3));
	l3[0] = 0x00, l3[1] = 0x05, l3[2] = 0x08, l3[3] = 0x00;
	l3[4] = 0x45, l3[13] = 17;
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x8100, l3, 40), 14 + 20 + 8);
	/* 802.1ad taken off, an 802.1Q tag left in the data */
	memset(l3, 0, sizeof(l3));
	l3[0] = 0x00, l3[1] = 0x05, l3[2] = 0x81, l3[3] = 0x00;
	l3[4] = 0x00, l3[5] = 0x07, l3[6] = 0x08, l3[7] = 0x00;
	l3[8] = 0x45, l3[17] = 17;
	ck_assert_int_eq(pay_offset(SOCK_RAW, 0x88a8, l3, 40),
			 14 + 4 + 20 + 8);
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x88a8, l3, 40), 4 + 20 + 8);
	/* the inner tag cut short */
	ck_assert_int_eq(pay_offset_len(SOCK_RAW, 0x88a8, l3, 40, 20), 0);
}
END_TEST

START_TEST(payload_offset_edges)
{
	uint8_t l3[400] = { 0x45 };

	l3[9] = 6;		/* TCP whose data offset byte is missing */
	ck_assert_int_eq(pay_offset_len(SOCK_RAW, 0x0800, l3, 60, 14 + 30),
			 34);
	l3[9] = 33;		/* DCCP, SCTP: 12 */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 32);
	l3[9] = 132;
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 32);
	l3[9] = 0;		/* hop-by-hop means nothing after IPv4 */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 20);
	l3[9] = 44;		/* nor does a fragment header */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 20);
	l3[9] = 137;		/* MPLS in IPv4: one label stack entry */
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 60), 24);
	l3[9] = 41;		/* IPv6 in IPv4, UDP inside */
	l3[20] = 0x60, l3[26] = 17;
	ck_assert_int_eq(pay_offset(SOCK_DGRAM, 0x0800, l3, 100), 68);
	/* cut short: IPv6 header, extension header, fragment header */
	memset(l3, 0, sizeof(l3));
	l3[0] = 0x60;
	ck_assert_int_eq(pay_offset_len(SOCK_DGRAM, 0x86dd, l3, 40, 14 + 39),
			 0);
	ck_assert_int_eq(pay_offset_len(SOCK_DGRAM, 0x86dd, l3, 40, 14 + 41),
			 0);
	l3[6] = 44;
	ck_assert_int_eq(pay_offset_len(SOCK_DGRAM, 0x86dd, l3, 40, 14 + 47),
			 0);
	/* IPv4 in IPv4, 16 deep: the dissector stops after 15 headers */
	memset(l3, 0, sizeof(l3));
	for (int i = 0; i < 17; i++)
		l3[20 * i] = 0x45, l3[20 * i + 9] = 4;
	ck_assert_int_eq(pay_offset_len(SOCK_DGRAM, 0x0800, l3, 340, 400),
			 16 * 20);
}
END_TEST

START_TEST(nlattr_edges)
{
	struct tpsim_packet p = pkt(false);
	uint8_t *end = frame + 1200 - 8;
	struct sock_filter last[] = { INSN(BPF_LD | BPF_IMM, 1200 - 14 - 8),
				      INSN(BPF_LDX | BPF_IMM, 9),
				      ANC(SKF_AD_NLATTR) };
	struct sock_filter nest[] = { INSN(BPF_LD | BPF_IMM, 1200 - 14 - 8),
				      INSN(BPF_LDX | BPF_IMM, 9),
				      ANC(SKF_AD_NLATTR_NEST) };

	/* the last 8 bytes: one attribute of type 5, then nothing left */
	memcpy(end, "\x08\x00\x05\x00\0\0\0\0", 8);
	ck_assert_int_eq(value_of(SOCK_DGRAM, last, 3, &p), 0);
	/* a nest that claims more than is left */
	memcpy(end, "\x10\x00\x05\x00\0\0\0\0", 8);
	ck_assert_int_eq(value_of(SOCK_DGRAM, nest, 3, &p), 0);
	ck_assert_int_eq(VAL(SOCK_RAW, 0, INSN(BPF_LD | BPF_IMM, 2),
			     INSN(BPF_LDX | BPF_IMM, 5), ANC(SKF_AD_NLATTR)), 0);
}
END_TEST

/* netlink attributes in the packet bytes, as the kernel finds them */
START_TEST(nlattr)
{
	struct tpsim_packet p = pkt(false);
	uint8_t *d = frame + 14 + 28;
	static const struct {
		uint32_t a, x, what;
		int type;
		long want;
	} q[] = {
		{ 28, 5, SKF_AD_NLATTR, SOCK_DGRAM, 28 },
		{ 28, 7, SKF_AD_NLATTR, SOCK_DGRAM, 36 },	/* NESTED flag */
		{ 28, 9, SKF_AD_NLATTR, SOCK_DGRAM, 0 },	/* inside only */
		{ 28, 0xffff, SKF_AD_NLATTR, SOCK_DGRAM, 0 },
		{ 36, 9, SKF_AD_NLATTR_NEST, SOCK_DGRAM, 40 },
		{ 28, 9, SKF_AD_NLATTR_NEST, SOCK_DGRAM, 0 },
		{ 1197, 5, SKF_AD_NLATTR, SOCK_DGRAM, 0 },
		{ 1182, 0, SKF_AD_NLATTR, SOCK_DGRAM, 0 },
		{ 1196, 0, SKF_AD_NLATTR, SOCK_RAW, 0 },
		{ 42, 5, SKF_AD_NLATTR, SOCK_RAW, 42 },
	};

	/* {8, 5}, {12, 7 | NLA_F_NESTED, {8, 9}}, then a bad length */
	memcpy(d, "\x08\x00\x05\x00\0\0\0\0\x0c\x00\x07\x80\x08\x00\x09\x00"
		  "\0\0\0\0\xff\xff", 22);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct sock_filter f[] = { INSN(BPF_LD | BPF_IMM, q[i].a),
					   INSN(BPF_LDX | BPF_IMM, q[i].x),
					   ANC(q[i].what) };

		ck_assert_msg(value_of(q[i].type, f, 3, &p) == q[i].want,
			      "query %zu: expected %ld", i, q[i].want);
	}
}
END_TEST

/* F14: on a ring, 0 drops uncounted (no LOSING after), n caps tp_snaplen
 * and leaves tp_len; COPY queues the whole packet whatever the cap. */
START_TEST(ring_consequences)
{
	int version = _i;
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	struct sock_filter none = INSN(BPF_RET | BPF_K, 0);
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 20);
	struct sock_filter many = INSN(BPF_RET | BPF_K, 600);
	struct tpsim_packet p = pkt(false);
	struct tpsim_ring_view v;
	unsigned int pk, dr;
	uint8_t buf[2048];
	size_t len;
	char *m;

	if (version == TPACKET_V3) {
		struct tpacket_req3 r = { .tp_block_size = 4096,
					  .tp_block_nr = 2,
					  .tp_frame_size = 256,
					  .tp_frame_nr = 32 };

		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING,
						  &r, sizeof(r)), 0);
	} else {
		ck_assert_int_eq(t_ring(s, 4096, 1, 256, 16), 0);
	}
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_setint(s, PACKET_COPY_THRESH, 1), 0);
	ck_assert_int_eq(attach(s, &none, 1), 0);
	for (int i = 0; i < 40; i++)	/* more than the ring holds */
		ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_FILTERED);
	t_stats(s, &pk, &dr);
	ck_assert_int_eq(pk, 0);
	ck_assert_int_eq(dr, 0);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(attach(s, &cap, 1), 0);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(attach(s, &many, 1), 0);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	if (version == TPACKET_V3) {
		struct tpacket_block_desc *b = (void *)m;
		struct tpacket3_hdr *h;

		ck_assert_int_eq(tpsim_clock_advance_ns(s, 100000000), 0);
		ck_assert_int_eq(tpsim_block_status(b) & TP_STATUS_USER,
				 TP_STATUS_USER);
		ck_assert_int_eq(b->hdr.bh1.num_pkts, 2);
		h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
		ck_assert_int_eq(h->tp_len, 1200);
		ck_assert_int_eq(h->tp_snaplen, 20);
		h = (void *)((char *)h + h->tp_next_offset);
		ck_assert_int_eq(h->tp_len, 1200);
		ck_assert_int_eq(h->tp_snaplen, 600);	/* blocks ignore frames */
		ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_DONTWAIT),
				 -EAGAIN);
	} else {
		struct tpacket2_hdr *h2 = (void *)m;
		struct tpacket_hdr *h1 = (void *)m;
		uint32_t snap0 = version == TPACKET_V1 ? h1->tp_snaplen
						       : h2->tp_snaplen;
		uint32_t len0 = version == TPACKET_V1 ? h1->tp_len : h2->tp_len;
		uint32_t st0 = tpsim_frame_status(m, version);
		void *f1 = m + 256;

		/* no LOSING: the refused packets were never drops */
		ck_assert_int_eq(st0, TP_STATUS_USER);
		ck_assert_int_eq(len0, 1200);
		ck_assert_int_eq(snap0, 20);
		/* 600 asked, the frame holds less: COPY, and recv gets the
		 * whole skb, not the filter's 600 */
		ck_assert_int_eq(tpsim_frame_status(f1, version),
				 TP_STATUS_USER | TP_STATUS_COPY);
		ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC),
				 1200);
	}
	t_stats(s, &pk, &dr);
	ck_assert_int_eq(pk, 2);
	ck_assert_int_eq(dr, 0);
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(no_ring_and_replace)
{
	struct tpsim_sock *s = t_sock(SOCK_DGRAM, TPACKET_V2, 0);
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 100);
	struct sock_filter bad = INSN(BPF_LD | BPF_IMM, 0);
	struct sock_filter all = INSN(BPF_RET | BPF_K, 0xffffffff);
	struct tpsim_packet p = pkt(false);
	struct tpsim_packet empty = { .sz = sizeof(p), .data = frame,
				      .len = 14 };
	uint8_t buf[2048];
	int one = 1;

	ck_assert_int_eq(attach(s, &cap, 1), 0);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC), 100);
	/* a refused program leaves the old one in place */
	ck_assert_int_eq(attach(s, &bad, 1), -EINVAL);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC), 100);
	ck_assert_int_eq(attach(s, &all, 1), 0);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC), 1186);
	/* a filter saying yes to a packet of no bytes delivers it empty */
	ck_assert_int_eq(tpsim_deliver(s, &empty), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER,
					  &one, 4), 0);
	ck_assert_int_eq(tpsim_deliver(s, &empty), TPSIM_RX_IGNORED);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, buf, sizeof(buf), MSG_TRUNC), 1186);
	tpsim_close(s);
}
END_TEST

Suite *suite_bpf_run(void)
{
	Suite *su = suite_create("bpf_run");
	TCase *tc = tcase_create("bpf_run");

	tcase_add_test(tc, alu_and_misc);
	tcase_add_test(tc, jumps);
	tcase_add_test(tc, packet_loads);
	tcase_add_test(tc, negative_offsets);
	tcase_add_test(tc, extensions);
	tcase_add_test(tc, payload_offset);
	tcase_add_test(tc, nlattr);
	tcase_add_test(tc, payload_offset_edges);
	tcase_add_test(tc, nlattr_edges);
	tcase_add_loop_test(tc, ring_consequences, TPACKET_V1, TPACKET_V3 + 1);
	tcase_add_test(tc, no_ring_and_replace);
	suite_add_tcase(su, tc);
	return su;
}
