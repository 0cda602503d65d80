// SPDX-License-Identifier: MIT
/*
 * Description: what a socket filter's answer does (F14, F15): 0 drops a
 * packet before the ring without counting it, n caps tp_snaplen (tp_len
 * stays), COPY still queues the whole packet, a socket without a ring
 * gets n bytes; libpcap's sequence of a reject-all program, a drain and
 * the real program; and programs libpcap compiled from tcpdump
 * expressions, run on the same frames on every backend.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pcap_progs.h"
#include "tpc_filter.h"

static void ring_cap(struct tpc_t *t)
{
	struct sock_filter none = INSN(BPF_RET | BPF_K, 0);
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 20);
	struct sock_filter many = INSN(BPF_RET | BPF_K, 600);
	struct tpc_sock *s;
	uint8_t frame[1200], buf[2048];
	unsigned int p, d;
	struct tpc_hdr h;
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 256, &s);
	REQUIRE(t, m);
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 1));
	tpc_udp_frame(t, frame, sizeof(frame), 0);
	EXPECT_ERRNO(t, "attach RET #0", 0, tpc_attach(t, s, &none, 1));
	for (int i = 0; i < 40; i++)	/* more than the ring's 16 frames */
		REQUIRE(t, !tpc_inject(t, s, frame, sizeof(frame)));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets after 40 refused", 0, p);
	EXPECT_EQ(t, "tp_drops after 40 refused", 0, d);
	EXPECT_HEX(t, "frame 0 status", TP_STATUS_KERNEL, tpc_status(t, m));
	EXPECT_ERRNO(t, "attach RET #20", 0, tpc_attach(t, s, &cap, 1));
	REQUIRE(t, !tpc_inject(t, s, frame, sizeof(frame)));
	EXPECT_ERRNO(t, "attach RET #600", 0, tpc_attach(t, s, &many, 1));
	REQUIRE(t, !tpc_inject(t, s, frame, sizeof(frame)));
	tpc_hdr(t, m, &h);
	EXPECT_HEX(t, "frame 0 status (no LOSING)", TP_STATUS_USER, h.status);
	EXPECT_EQ(t, "frame 0 tp_len", 1200, h.len);
	EXPECT_EQ(t, "frame 0 tp_snaplen", 20, h.snaplen);
	tpc_hdr(t, tpc_frame(m, 4096, 256, 1), &h);
	EXPECT_HEX(t, "frame 1 status", TP_STATUS_USER | TP_STATUS_COPY,
		   h.status);
	EXPECT_EQ(t, "frame 1 tp_snaplen (the frame's room)", 256 - h.mac,
		  h.snaplen);
	/* the COPY queue has the skb itself, not the filter's 600 */
	EXPECT_EQ(t, "recv of the COPY", 1200,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 2, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
}

static void v3_cap(struct tpc_t *t)
{
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 20);
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	struct tpc_sock *s;
	uint8_t frame[1200];
	char *m;

	m = tpc_open_v3(t, 4096, 2, 10, 0, 0, &s);
	REQUIRE(t, m);
	tpc_udp_frame(t, frame, sizeof(frame), 0);
	EXPECT_ERRNO(t, "attach RET #20", 0, tpc_attach(t, s, &cap, 1));
	REQUIRE(t, !tpc_inject(t, s, frame, sizeof(frame)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 50));
	b = (struct tpacket_block_desc *)m;
	EXPECT_HEX(t, "block 0 status", TP_STATUS_USER,
		   tpc_block_status(b) & TP_STATUS_USER);
	EXPECT_EQ(t, "num_pkts", 1, b->hdr.bh1.num_pkts);
	h = (struct tpacket3_hdr *)(m + b->hdr.bh1.offset_to_first_pkt);
	EXPECT_EQ(t, "tp_len", 1200, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen", 20, h->tp_snaplen);
}

static void no_ring_trim(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_DGRAM);
	struct sock_filter cap = INSN(BPF_RET | BPF_K, 100);
	struct sock_filter all = INSN(BPF_RET | BPF_K, 0xffffffff);
	uint8_t frame[1200], empty[14];

	REQUIRE(t, s);
	tpc_udp_frame(t, frame, sizeof(frame), 0);
	EXPECT_ERRNO(t, "attach RET #100", 0, tpc_attach(t, s, &cap, 1));
	EXPECT_EQ(t, "recv length", 100,
		  tpc_through(t, s, frame, sizeof(frame)));
	EXPECT_ERRNO(t, "attach RET #-1", 0, tpc_attach(t, s, &all, 1));
	EXPECT_EQ(t, "recv length", 1186,
		  tpc_through(t, s, frame, sizeof(frame)));
	/* a filter that says yes to a packet of no bytes (SOCK_DGRAM, an
	 * Ethernet header alone) delivers it, empty */
	tpc_eth(empty, sizeof(empty), t->dev_addr, 0x0800);
	EXPECT_EQ(t, "recv length, 14-byte frame", 0,
		  tpc_through(t, s, empty, sizeof(empty)));
}

/* pcap_activate() on Linux: a reject-all program, drain what came
 * before it, then the real one; replacing is atomic */
static void libpcap_drain(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct sock_filter reject = INSN(BPF_RET | BPF_K, 0);
	struct sock_filter real[] = {
		INSN(BPF_LD | BPF_H | BPF_ABS, 12),
		{ BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0x0806 },
		INSN(BPF_RET | BPF_K, 262144),
		INSN(BPF_RET | BPF_K, 0),
	};
	uint8_t ip[60], arp[60], buf[256];
	unsigned int p, d;

	REQUIRE(t, s);
	tpc_eth(ip, sizeof(ip), tpc_bcast, 0x0800);
	tpc_eth(arp, sizeof(arp), tpc_bcast, 0x0806);
	REQUIRE(t, !tpc_inject(t, s, ip, sizeof(ip)));	/* before: queued */
	EXPECT_ERRNO(t, "attach reject-all", 0, tpc_attach(t, s, &reject, 1));
	REQUIRE(t, !tpc_inject(t, s, arp, sizeof(arp)));
	EXPECT_EQ(t, "drain: the packet from before", 60,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERRNO(t, "drain: then nothing", -EAGAIN,
		     t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_ERRNO(t, "attach the real program", 0,
		     tpc_attach(t, s, real, 4));
	REQUIRE(t, !tpc_inject(t, s, ip, sizeof(ip)));
	REQUIRE(t, !tpc_inject(t, s, arp, sizeof(arp)));
	EXPECT_EQ(t, "recv: the ARP frame only", 60,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(t, "its ethertype", 0x06, buf[13]);
	EXPECT_ERRNO(t, "then nothing", -EAGAIN,
		     t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets (refused ones not counted)", 2, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
}

static const struct tpc_pcap_prog *pcap_prog(struct tpc_t *t, const char *e)
{
	for (const struct tpc_pcap_prog *p = tpc_pcap_progs; p->expr; p++)
		if (!strcmp(p->expr, e))
			return p;
	tpc_fail(t, __LINE__, "no compiled program for '%s'", e);
	return NULL;
}

/* A frame for the expression cases: ethertype, IP protocol, ports. */
struct pframe {
	const char *what;
	const uint8_t *dst;	/* NULL: the device */
	uint16_t type;		/* 0x8100: tagged VID 100, then inner */
	uint16_t inner;
	uint8_t proto;
	uint16_t sport, dport;
	uint32_t len;
	long want;		/* recv length, -1: refused */
};

static uint32_t build(struct tpc_t *t, const struct pframe *f, uint8_t *b)
{
	uint32_t o = 14;
	uint16_t type = f->type;

	tpc_eth(b, f->len, f->dst ? f->dst : t->dev_addr, f->type);
	if (type == 0x8100) {
		b[14] = 0, b[15] = 100;
		b[16] = (uint8_t)(f->inner >> 8), b[17] = (uint8_t)f->inner;
		type = f->inner;
		o = 18;
	}
	if (type == 0x0800) {
		memset(b + o, 0, 20);
		b[o] = 0x45, b[o + 9] = f->proto;
		o += 20;
	} else if (type == 0x86dd) {
		memset(b + o, 0, 40);
		b[o] = 0x60, b[o + 6] = f->proto;
		o += 40;
	} else {
		return f->len;
	}
	b[o] = (uint8_t)(f->sport >> 8), b[o + 1] = (uint8_t)f->sport;
	b[o + 2] = (uint8_t)(f->dport >> 8), b[o + 3] = (uint8_t)f->dport;
	b[o + 12] = 0x50;	/* TCP data offset 5 */
	return f->len;
}

static void expression(struct tpc_t *t, const char *expr,
		       const struct pframe *fr, size_t n)
{
	const struct tpc_pcap_prog *p = pcap_prog(t, expr);
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t b[1600];

	REQUIRE(t, p && s);
	EXPECT_ERRNO(t, expr, 0, tpc_attach(t, s, p->insns, p->len));
	for (size_t i = 0; i < n; i++) {
		tpc_note(t, "'%s' on %s", expr, fr[i].what);
		EXPECT_EQ(t, fr[i].what, fr[i].want,
			  tpc_through(t, s, b, build(t, &fr[i], b)));
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void pcap_udp(struct tpc_t *t)
{
	static const struct pframe f[] = {
		{ "IPv4/UDP", NULL, 0x0800, 0, 17, 1, 2, 100, 100 },
		{ "IPv6/UDP", NULL, 0x86dd, 0, 17, 1, 2, 100, 100 },
		{ "IPv4/TCP", NULL, 0x0800, 0, 6, 1, 2, 100, -1 },
		{ "ARP", NULL, 0x0806, 0, 0, 0, 0, 60, -1 },
	};

	expression(t, "udp", f, N(f));
}

static void pcap_tcp_port(struct tpc_t *t)
{
	static const struct pframe f[] = {
		{ "TCP from port 80", NULL, 0x0800, 0, 6, 80, 5555, 80, 80 },
		{ "TCP to port 80", NULL, 0x0800, 0, 6, 5555, 80, 80, 80 },
		{ "TCP 5555 -> 1234", NULL, 0x0800, 0, 6, 5555, 1234, 80, -1 },
		{ "UDP to port 80", NULL, 0x0800, 0, 17, 5555, 80, 80, -1 },
		{ "IPv6 TCP to 80", NULL, 0x86dd, 0, 6, 5555, 80, 100, 100 },
	};

	expression(t, "tcp port 80", f, N(f));
}

static void pcap_vlan_arp(struct tpc_t *t)
{
	/* compiled without a live socket, libpcap looks for the tag in the
	 * packet bytes, where a packet socket never shows it: the tag was
	 * taken off before any filter (only SKF_AD_VLAN_TAG sees it) */
	static const struct pframe f[] = {
		{ "ARP tagged VID 100", NULL, 0x8100, 0x0806, 0, 0, 0, 64, -1 },
		{ "ARP untagged", NULL, 0x0806, 0, 0, 0, 0, 60, -1 },
	};

	expression(t, "vlan 100 and arp", f, N(f));
}

static void pcap_broadcast(struct tpc_t *t)
{
	static const struct pframe f[] = {
		{ "to ff:ff:ff:ff:ff:ff", tpc_bcast, 0x0806, 0, 0, 0, 0, 60, 60 },
		{ "to the device", NULL, 0x0806, 0, 0, 0, 0, 60, -1 },
	};

	expression(t, "ether broadcast", f, N(f));
}

static void pcap_len(struct tpc_t *t)
{
	/* len is skb->len: 4 bytes short of the wire for a tagged frame */
	static const struct pframe f[] = {
		{ "201 bytes", NULL, 0x0800, 0, 17, 1, 2, 201, 201 },
		{ "200 bytes", NULL, 0x0800, 0, 17, 1, 2, 200, -1 },
		{ "tagged, 204 on the wire", NULL, 0x8100, 0x0800, 17, 1, 2,
		  204, -1 },
		{ "tagged, 205 on the wire", NULL, 0x8100, 0x0800, 17, 1, 2,
		  205, 201 },
	};

	expression(t, "len > 200", f, N(f));
}

static void pcap_ip6_not_icmp6(struct tpc_t *t)
{
	static const struct pframe f[] = {
		{ "IPv6/UDP", NULL, 0x86dd, 0, 17, 1, 2, 100, 100 },
		{ "IPv6/ICMPv6", NULL, 0x86dd, 0, 58, 0, 0, 100, -1 },
		{ "IPv4/UDP", NULL, 0x0800, 0, 17, 1, 2, 100, -1 },
	};

	expression(t, "ip6 and not icmp6", f, N(f));
}

const struct tpc_case tpc_cases_filter_ring[] = {
	{ "filter.ring_cap", "F14", TPC_V12, .fn = ring_cap },
	{ "filter.v3_cap", "F14", TPC_V3, .fn = v3_cap },
	{ "filter.no_ring_trim", "F14", 0, .fn = no_ring_trim },
	{ "filter.libpcap_drain", "F14 F15", 0, .fn = libpcap_drain },
	{ "filter.pcap_udp", "F11 F14", 0, .fn = pcap_udp },
	{ "filter.pcap_tcp_port_80", "F11 F14", 0, .fn = pcap_tcp_port },
	{ "filter.pcap_vlan_100_and_arp", "F11 F12", 0, .fn = pcap_vlan_arp },
	{ "filter.pcap_ether_broadcast", "F11", 0, .fn = pcap_broadcast },
	{ "filter.pcap_len_gt_200", "F11", 0, .fn = pcap_len },
	{ "filter.pcap_ip6_and_not_icmp6", "F11", 0,
	  .fn = pcap_ip6_not_icmp6 },
	{ NULL },
};
