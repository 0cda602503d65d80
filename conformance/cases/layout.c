// SPDX-License-Identifier: MIT
/*
 * Description: frame layout (R1-R4, R8, R9, R10, M2): offsets for SOCK_RAW
 * and SOCK_DGRAM with PACKET_RESERVE, lengths, truncation, frame addresses
 * with the block gap, sockaddr_ll, the head-only rule and wrap-around.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <string.h>
#include <time.h>

#include "tpc.h"

/* Status bits that are not timestamp sources: the host may turn software
 * timestamps on for every packet (a global switch), so cases that are not
 * about timestamps leave those bits out. */
#define FLAGS(st) ((st) & 0x1fffffffUL)

static void check_offsets(struct tpc_t *t, int type, int reserve,
			  unsigned int mac, unsigned int net, unsigned int len)
{
	struct tpc_sock *s = tpc_open(t, type);
	uint8_t pkt[100];
	struct tpc_hdr h;
	char *m;

	REQUIRE(t, s);
	tpc_note(t, "%s, reserve %d", type == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM",
		 reserve);
	if (reserve)
		REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, reserve));
	m = tpc_ring_map(t, s, 4096, 1, 2048);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_HEX(t, "tp_status", TP_STATUS_USER, FLAGS(h.status));
	EXPECT_EQ(t, "tp_mac", mac, h.mac);
	EXPECT_EQ(t, "tp_net", net, h.net);
	EXPECT_EQ(t, "tp_len", len, h.len);
	EXPECT_EQ(t, "tp_snaplen", len, h.snaplen);
	EXPECT_TRUE(t, "packet bytes at tp_mac",
		    !memcmp(m + h.mac, type == SOCK_RAW ? pkt : pkt + ETH_HLEN,
			    len));
}

static void offsets_raw(struct tpc_t *t)
{
	check_offsets(t, SOCK_RAW, 0, 66, 80, 100);
}

static void offsets_raw_reserve(struct tpc_t *t)
{
	check_offsets(t, SOCK_RAW, 20, 86, 100, 100);
}

static void offsets_raw_odd_reserve(struct tpc_t *t)
{
	check_offsets(t, SOCK_RAW, 3, 69, 83, 100);
}

static void offsets_dgram(struct tpc_t *t)
{
	check_offsets(t, SOCK_DGRAM, 0, 80, 80, 86);
}

static void offsets_dgram_reserve(struct tpc_t *t)
{
	check_offsets(t, SOCK_DGRAM, 20, 100, 100, 86);
}

static void truncation(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[1000];
	struct tpc_hdr h;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 256, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_EQ(t, "tp_len", 1000, h.len);
	EXPECT_EQ(t, "tp_snaplen", 190, h.snaplen);
	EXPECT_TRUE(t, "first 190 bytes", !memcmp(m + 66, pkt, 190));
	tpc_hdr(t, m + 256, &h);
	EXPECT_HEX(t, "next frame untouched: tp_status", 0, h.status);
	EXPECT_EQ(t, "next frame untouched: tp_len", 0, h.len);
}

static void mac_beyond_frame(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[100];
	struct tpc_hdr h;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 64, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_HEX(t, "tp_status", TP_STATUS_USER, FLAGS(h.status));
	EXPECT_EQ(t, "tp_mac (outside the 64-byte frame)", 66, h.mac);
	EXPECT_EQ(t, "tp_snaplen", 0, h.snaplen);
	EXPECT_EQ(t, "tp_len", 100, h.len);
	tpc_hdr(t, m + 64, &h);
	EXPECT_HEX(t, "next frame tp_status", 0, h.status);
}

static void frame_gap(struct tpc_t *t)
{
	static const size_t off[6] = { 0, 1360, 2720, 4096, 5456, 6816 };
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 2, 1360, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int i = 0; i < 6; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	for (int i = 0; i < 6; i++)
		EXPECT_HEX(t, "status at the frame's address", TP_STATUS_USER,
			   FLAGS(tpc_status(t, m + off[i])));
	for (int i = 4080; i < 4096; i++)
		EXPECT_EQ(t, "byte in the block's 16-byte gap", 0, m[i]);
}

static void wraparound(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int n = 0; n < 10; n++) {
		char *f = m + (n % 4) * 1024;
		struct tpc_hdr h;

		pkt[30] = (uint8_t)n;
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		tpc_hdr(t, f, &h);
		EXPECT_HEX(t, "status of the next frame in order",
			   TP_STATUS_USER, FLAGS(h.status));
		EXPECT_EQ(t, "sequence byte", n, (uint8_t)f[h.mac + 30]);
		tpc_release(t, f);
	}
}

static void head_only(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	/* frames 1..3 returned, frame 0 kept: the head (frame 0) is busy,
	 * and the kernel does not look further */
	for (int i = 1; i < 4; i++)
		tpc_release(t, m + i * 1024);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	for (int i = 1; i < 4; i++)
		EXPECT_HEX(t, "returned frame stays KERNEL", 0,
			   tpc_status(t, m + i * 1024));
}

static void any_nonzero_status_is_user(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	unsigned int p, d;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	/* a value no kernel writes still keeps the frame the user's */
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)m)->tp_status = 0x80;
	else
		((struct tpacket2_hdr *)m)->tp_status = 0x80;
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 status", 0x80, tpc_status(t, m));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_drops", 1, d);
	EXPECT_EQ(t, "tp_packets", 1, p);
}

static void v1_status_high_half(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	/* V1's tp_status is an unsigned long, compared as an int */
	((struct tpacket_hdr *)m)->tp_status = 1UL << 32;
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "tp_status after delivery", TP_STATUS_USER,
		   FLAGS(tpc_status(t, m)));
}

static void sockaddr_ll_fields(struct tpc_t *t)
{
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 0x6f, 0x74, 0x68, 0x65, 0x72 };
	static const uint8_t src[6] = { 0x02, 0x74, 0x70, 0x63, 0x00, 0x02 };
	const uint8_t *dst[4] = { t->dev_addr, tpc_bcast, mcast, other };
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	for (int i = 0; i < 4; i++) {
		struct sockaddr_ll *a = (struct sockaddr_ll *)(m + i * 1024 + 32);

		tpc_eth(pkt, sizeof(pkt), dst[i], 0x86dd);
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		tpc_note(t, "destination %d", i);
		EXPECT_EQ(t, "sll_family", AF_PACKET, a->sll_family);
		EXPECT_HEX(t, "sll_protocol", htons(0x86dd), a->sll_protocol);
		EXPECT_EQ(t, "sll_ifindex", t->ifindex, a->sll_ifindex);
		EXPECT_EQ(t, "sll_hatype", ARPHRD_ETHER, a->sll_hatype);
		EXPECT_EQ(t, "sll_pkttype", i, a->sll_pkttype);
		EXPECT_EQ(t, "sll_halen", 6, a->sll_halen);
		EXPECT_TRUE(t, "sll_addr is the source address",
			    !memcmp(a->sll_addr, src, 6));
	}
}

static void v2_header_fields(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	struct tpc_hdr h;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	/* stale bytes where the VLAN fields and padding go */
	memset(m + 24, 0xa5, 8);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_EQ(t, "tp_vlan_tci without a tag", 0, h.vlan_tci);
	EXPECT_EQ(t, "tp_vlan_tpid without a tag", 0, h.vlan_tpid);
	EXPECT_TRUE(t, "tp_padding zeroed", !memcmp(h.padding, "\0\0\0\0", 4));
}

static void timestamp(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	struct tpc_hdr h;
	long long ns, lo, hi;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	/* the producer's clock: the time of day on the kernel, the
	 * virtual clock on sim */
	lo = tpc_now_ns(t, s);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	hi = tpc_now_ns(t, s);
	REQUIRE(t, lo >= 0 && hi >= 0);
	tpc_hdr(t, m, &h);
	/* always written; with no stamp taken, from a clock read, so
	 * neither hardware bit; the software bit only when the host turned
	 * stamping on */
	EXPECT_HEX(t, "timestamp source bits", 0,
		   h.status & (TP_STATUS_TS_RAW_HARDWARE |
			       TP_STATUS_TS_SYS_HARDWARE));
	ns = (long long)h.sec * 1000000000LL +
	     (t->version == TPACKET_V1 ? h.frac * 1000LL : h.frac);
	if (t->version == TPACKET_V1)
		lo -= lo % 1000;	/* microseconds */
	EXPECT_TRUE(t, "timestamp taken during the injection",
		    ns >= lo && ns <= hi);
	EXPECT_TRUE(t, "sub-second part in range",
		    h.frac < (t->version == TPACKET_V1 ? 1000000u
						       : 1000000000u));
}

/* tp_net is 16 bits: a frame whose tp_net would pass 65535 is dropped and
 * counted (tpacket_rcv), one whose tp_net is 65535 is stored. SOCK_RAW:
 * tp_net = ALIGN16(52 + 16) + reserve = 80 + reserve. */
static void net_past_16_bits(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpc_sock *fits = tpc_open(t, SOCK_RAW);
	unsigned int packets, drops;
	uint8_t pkt[100];
	struct tpc_hdr h;
	char *m;

	REQUIRE(t, s && fits);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 65536 - 80));
	m = tpc_ring_map(t, s, 131072, 1, 131072);
	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_HEX(t, "tp_status with tp_net 65536 (dropped)", TP_STATUS_KERNEL,
		   h.status);
	REQUIRE(t, !tpc_stats(t, s, &packets, &drops));
	EXPECT_EQ(t, "tp_packets (delivered + dropped)", 1, packets);
	EXPECT_EQ(t, "tp_drops", 1, drops);

	REQUIRE(t, !tpc_setint(t, fits, PACKET_RESERVE, 65535 - 80));
	m = tpc_ring_map(t, fits, 131072, 1, 131072);
	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, fits, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	EXPECT_HEX(t, "tp_status with tp_net 65535", TP_STATUS_USER,
		   FLAGS(h.status));
	EXPECT_EQ(t, "tp_net", 65535, h.net);
	EXPECT_EQ(t, "tp_mac", 65521, h.mac);
	EXPECT_TRUE(t, "packet bytes at tp_mac",
		    !memcmp(m + h.mac, pkt, sizeof(pkt)));
}

const struct tpc_case tpc_cases_layout[] = {
	{ "layout.offsets_raw", "R3 R10 C2", TPC_V12, .fn = offsets_raw },
	{ "layout.offsets_raw_reserve", "R3 O3", TPC_V12,
	  .fn = offsets_raw_reserve },
	{ "layout.offsets_raw_odd_reserve", "R3 O3", TPC_V12,
	  .fn = offsets_raw_odd_reserve },
	{ "layout.net_past_16_bits", "R3 O7", TPC_V12,
	  .fn = net_past_16_bits },
	{ "layout.offsets_dgram", "R3", TPC_V12, .fn = offsets_dgram },
	{ "layout.offsets_dgram_reserve", "R3 O3", TPC_V12,
	  .fn = offsets_dgram_reserve },
	{ "layout.truncation", "R4", TPC_V12, .fn = truncation },
	{ "layout.mac_beyond_frame", "R4", TPC_V12, .fn = mac_beyond_frame },
	{ "layout.frame_gap", "M2", TPC_V12, .fn = frame_gap },
	{ "layout.wraparound", "R1 R11", TPC_V12, .fn = wraparound },
	{ "layout.head_only", "R1", TPC_V12, .fn = head_only },
	{ "layout.any_nonzero_status_is_user", "R1 O7", TPC_V12,
	  .fn = any_nonzero_status_is_user },
	{ "layout.v1_status_high_half", "R1 C4", TPC_V1,
	  .fn = v1_status_high_half },
	{ "layout.sockaddr_ll", "R10 C1", TPC_V12,
	  .fn = sockaddr_ll_fields,
	  .needs = TPC_CAP_TAP_LINK | TPC_CAP_ADDR },
	{ "layout.v2_header_fields", "R8", TPC_V2, .fn = v2_header_fields },
	{ "layout.timestamp", "R9 C4", TPC_V12, .fn = timestamp },
	{ NULL },
};
