// SPDX-License-Identifier: MIT
/*
 * Description: what other projects' suites showed of the kernel, continued
 * from peers.c: protocol filtering (R16), the option surface (O9), what a
 * socket bound to a protocol sees of tagged packets (R17) and the
 * virtio-net header on receive, recv() and send (O10).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "../tpc.h"

/* R16: a socket bound to a protocol no frame carries sees nothing and
 * counts nothing; its own protocol gets through. */
static void protocol_filter(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, 0x88b6);
	uint8_t pkt[60];
	unsigned int p, d;
	char *r;

	REQUIRE(t, s);
	r = tpc_ring_map(t, s, 4096, 1, 2048);
	REQUIRE(t, r);
	for (int i = 0; i < 4; i++) {
		static const uint16_t types[] = { 0x88b5, ETH_P_IP, ETH_P_ARP,
						  0x88b7 };

		tpc_eth(pkt, sizeof(pkt), tpc_bcast, types[i]);
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	}
	EXPECT_HEX(t, "frame 0", TP_STATUS_KERNEL, tpc_status(t, r));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 0, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b6);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 after its protocol", TP_STATUS_USER,
		   tpc_status(t, r) & TP_STATUS_USER);
}

static int getopt_err(struct tpc_t *t, struct tpc_sock *s, int opt)
{
	int v = 0;
	socklen_t len = sizeof(v);

	return t->ops->getsockopt(s, SOL_PACKET, opt, &v, &len);
}

/* O9: the option surface beyond the ring: options with no set or no get
 * side, PACKET_FANOUT without a group, PACKET_VNET_HDR's socket type,
 * flags read back, PACKET_TX_RING's optlen. */
static void option_surface(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dg = tpc_open(t, SOCK_DGRAM);
	static const int flags[] = { PACKET_QDISC_BYPASS, PACKET_ORIGDEV,
				     PACKET_IGNORE_OUTGOING,
				     PACKET_TX_HAS_OFF };
	static const int set_only[] = { PACKET_ADD_MEMBERSHIP,
					PACKET_DROP_MEMBERSHIP,
					PACKET_RX_RING, PACKET_TX_RING,
					PACKET_FANOUT_DATA };
	struct tpacket_req q = { 0 };
	int v = 1;

	REQUIRE(t, s && dg);
	tpc_note(t, "PACKET_RECV_OUTPUT");
	EXPECT_ERRNO(t, "set PACKET_RECV_OUTPUT", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_RECV_OUTPUT, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "get PACKET_RECV_OUTPUT", -ENOPROTOOPT,
		     getopt_err(t, s, PACKET_RECV_OUTPUT));
	tpc_note(t, "PACKET_TX_TIMESTAMP");
	EXPECT_ERRNO(t, "get PACKET_TX_TIMESTAMP", -ENOPROTOOPT,
		     getopt_err(t, s, PACKET_TX_TIMESTAMP));
	for (size_t i = 0; i < sizeof(set_only) / sizeof(set_only[0]); i++) {
		tpc_note(t, "getsockopt of set-only option %d", set_only[i]);
		EXPECT_ERRNO(t, "get", -ENOPROTOOPT,
			     getopt_err(t, s, set_only[i]));
	}
	tpc_note(t, "PACKET_COPY_THRESH");
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 77));
	REQUIRE(t, !tpc_getint(t, s, PACKET_COPY_THRESH, &v));
	EXPECT_EQ(t, "PACKET_COPY_THRESH read back", 77, v);
	tpc_note(t, "PACKET_TX_TIMESTAMP");
	v = 1;
	EXPECT_ERRNO(t, "set PACKET_TX_TIMESTAMP", -ENOPROTOOPT,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_TX_TIMESTAMP, &v,
					sizeof(v)));
	tpc_note(t, "PACKET_FANOUT without a group");
	REQUIRE(t, !tpc_getint(t, s, PACKET_FANOUT, &v));
	EXPECT_EQ(t, "PACKET_FANOUT", 0, v);
	tpc_note(t, "PACKET_VNET_HDR");
	v = 1;
	EXPECT_ERRNO(t, "PACKET_VNET_HDR on SOCK_DGRAM", -EINVAL,
		     t->ops->setsockopt(dg, SOL_PACKET, PACKET_VNET_HDR, &v,
					sizeof(v)));
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		tpc_note(t, "flag option %d", flags[i]);
		REQUIRE(t, !tpc_getint(t, s, flags[i], &v));
		EXPECT_EQ(t, "default", 0, v);
		REQUIRE(t, !tpc_setint(t, s, flags[i], 1));
		REQUIRE(t, !tpc_getint(t, s, flags[i], &v));
		EXPECT_EQ(t, "read back", 1, v);
	}
	tpc_note(t, "PACKET_TX_RING optlen");
	EXPECT_ERRNO(t, "PACKET_TX_RING optlen 12", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					sizeof(q) - 4));
}

/* R17: what a socket bound to a protocol sees of tagged packets. */
static void vlan_bound_socket(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, ETH_P_ARP);
	static const struct {
		uint8_t tags[8];	/* after the addresses: tag(s), ARP */
		unsigned int ntags;
		uint8_t pkttype;
	} c[] = {
		{ { 0x81, 0x00, 0x00, 5, 0x08, 0x06 }, 1, PACKET_OTHERHOST },
		{ { 0x81, 0x00, 0x00, 0, 0x08, 0x06 }, 1, PACKET_BROADCAST },
		{ { 0x81, 0x00, 0x00, 0, 0x81, 0x00, 0x00, 7 }, 2,
		  PACKET_OTHERHOST },
		{ { 0x81, 0x00, 0x20, 0, 0x88, 0xa8, 0x00, 0 }, 2,
		  PACKET_BROADCAST },
	};
	uint8_t pkt[64];
	char *r;

	REQUIRE(t, s);
	r = tpc_ring_map(t, s, 4096, 1, 2048);
	REQUIRE(t, r);
	for (unsigned int i = 0; i < 4; i++) {
		char *f = r + 2048 * (i % 2);
		struct sockaddr_ll *sll = (void *)(f + 32);
		struct tpc_hdr h;

		tpc_note(t, "packet %u", i);
		tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0);
		memcpy(pkt + 12, c[i].tags, 4 * c[i].ntags + 2);
		if (c[i].ntags == 2) {
			pkt[20] = 0x08;
			pkt[21] = 0x06;
		}
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		tpc_hdr(t, f, &h);
		EXPECT_HEX(t, "status", TP_STATUS_USER,
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_len", 64 - 4 * c[i].ntags, h.len);
		EXPECT_EQ(t, "sll_pkttype", c[i].pkttype, sll->sll_pkttype);
		EXPECT_HEX(t, "sll_protocol", htons(ETH_P_ARP),
			   sll->sll_protocol);
		EXPECT_TRUE(t, "the addresses before the tags' removal",
			    !memcmp(f + h.mac, pkt, 12));
		/* the tag is cleared, not only its VALID bit */
		EXPECT_HEX(t, "tp_vlan_tci", 0, h.vlan_tci);
		EXPECT_HEX(t, "tp_vlan_tpid", 0, h.vlan_tpid);
		tpc_release(t, f);
	}
}

/* R17 at its edges: VID 1 is a VID (the whole 12 bits count), so the
 * packet is PACKET_OTHERHOST; a priority tag around an 802.1ad tag is
 * untagged down to the ARP type, which then sits right after the
 * addresses; an inner tag cut short (5 of the 6 bytes skb_vlan_untag
 * pulls) frees the packet before a socket bound to 802.1Q sees it. */
static void vlan_bound_edges(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, ETH_P_ARP);
	struct tpc_sock *q = tpc_open_proto(t, SOCK_RAW, ETH_P_8021Q);
	struct sockaddr_ll *sll;
	uint8_t pkt[64];
	struct tpc_hdr h;
	unsigned int p, d;
	char *r, *rq;

	REQUIRE(t, s && q);
	r = tpc_ring_map(t, s, 4096, 1, 2048);
	rq = tpc_ring_map(t, q, 4096, 1, 2048);
	REQUIRE(t, r && rq);
	sll = (void *)(r + 32);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_8021Q);
	pkt[14] = 0x00;	/* VID 1 */
	pkt[15] = 0x01;
	pkt[16] = 0x08;
	pkt[17] = 0x06;
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, r, &h);
	EXPECT_HEX(t, "VID 1: status & USER", TP_STATUS_USER,
		   h.status & TP_STATUS_USER);
	EXPECT_EQ(t, "VID 1: sll_pkttype", PACKET_OTHERHOST,
		  sll->sll_pkttype);
	tpc_release(t, r);
	sll = (void *)(r + 2048 + 32);
	pkt[14] = 0x20;	/* priority 1, VID 0, around 802.1ad VID 0 */
	pkt[15] = 0x00;
	pkt[16] = 0x88;
	pkt[17] = 0xa8;
	pkt[18] = 0x00;
	pkt[19] = 0x00;
	pkt[20] = 0x08;
	pkt[21] = 0x06;
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, r + 2048, &h);
	EXPECT_HEX(t, "two tags: status & USER", TP_STATUS_USER,
		   h.status & TP_STATUS_USER);
	EXPECT_EQ(t, "two tags: tp_len", 56, h.len);
	EXPECT_EQ(t, "two tags: sll_pkttype", PACKET_BROADCAST,
		  sll->sll_pkttype);
	EXPECT_HEX(t, "two tags: the type after the addresses", 0x0806,
		   (unsigned int)((uint8_t)r[2048 + h.mac + 12] << 8 |
				  (uint8_t)r[2048 + h.mac + 13]));
	tpc_release(t, r + 2048);
	/* 12 + 8100 0000 + 8100 + 5 bytes */
	pkt[16] = 0x81;
	pkt[17] = 0x00;
	REQUIRE(t, !tpc_inject(t, q, pkt, 23));
	EXPECT_HEX(t, "a cut-short inner tag: 802.1Q socket's frame 0",
		   TP_STATUS_KERNEL, tpc_status(t, rq));
	REQUIRE(t, !tpc_stats(t, q, &p, &d));
	EXPECT_EQ(t, "802.1Q socket's tp_packets", 0, p);
}

#define VNET_HDR_SZ 24	/* PACKET_VNET_HDR_SZ, 6.2 on */

/* O10: PACKET_VNET_HDR / PACKET_VNET_HDR_SZ, set and read back. */
static void vnet_hdr_values(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dg = tpc_open(t, SOCK_DGRAM);
	int v = 1;

	REQUIRE(t, s && dg);
	EXPECT_ERRNO(t, "PACKET_VNET_HDR_SZ on SOCK_DGRAM", -EINVAL,
		     t->ops->setsockopt(dg, SOL_PACKET, VNET_HDR_SZ, &v,
					sizeof(v)));
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 5));
	REQUIRE(t, !tpc_getint(t, s, PACKET_VNET_HDR, &v));
	EXPECT_EQ(t, "PACKET_VNET_HDR read back", 1, v);
	REQUIRE(t, !tpc_getint(t, s, VNET_HDR_SZ, &v));
	EXPECT_EQ(t, "PACKET_VNET_HDR_SZ after PACKET_VNET_HDR 5", 10, v);
	v = 11;
	EXPECT_ERRNO(t, "PACKET_VNET_HDR_SZ 11", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, VNET_HDR_SZ, &v,
					sizeof(v)));
	EXPECT_ERRNO(t, "PACKET_VNET_HDR_SZ optlen 2", -EINVAL,
		     t->ops->setsockopt(s, SOL_PACKET, VNET_HDR_SZ, &v, 2));
	REQUIRE(t, !tpc_setint(t, s, VNET_HDR_SZ, 12));
	REQUIRE(t, !tpc_getint(t, s, VNET_HDR_SZ, &v));
	EXPECT_EQ(t, "PACKET_VNET_HDR_SZ read back", 12, v);
	REQUIRE(t, !tpc_getint(t, s, PACKET_VNET_HDR, &v));
	EXPECT_EQ(t, "PACKET_VNET_HDR with size 12", 1, v);
	REQUIRE(t, !tpc_ring(t, s, 4096, 1, 2048, 2));
	v = 0;
	EXPECT_ERRNO(t, "PACKET_VNET_HDR with a ring", -EBUSY,
		     t->ops->setsockopt(s, SOL_PACKET, PACKET_VNET_HDR, &v,
					sizeof(v)));
	v = 13;
	EXPECT_ERRNO(t, "PACKET_VNET_HDR_SZ 13 with a ring (value first)",
		     -EINVAL, t->ops->setsockopt(s, SOL_PACKET, VNET_HDR_SZ,
						 &v, sizeof(v)));
}

/* O10: the virtio-net header sits right before the link header: tp_net
 * moves by its size; a partial checksum fills it in. */
static void vnet_hdr_rx(struct tpc_t *t)
{
	static const int sizes[] = { 10, 12 };
	uint8_t pkt[100];

	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	for (size_t i = 0; i < 2; i++) {
		struct tpc_sock *s = tpc_open(t, SOCK_RAW);
		struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
					.flags = TPC_INJ_CSUM_PARTIAL,
					.csum_start = 34, .csum_offset = 6 };
		unsigned int base = t->version == TPACKET_V3 ? 96 : 80;
		uint16_t mac, net;
		const uint8_t *vh;
		char *r;

		REQUIRE(t, s);
		tpc_note(t, "PACKET_VNET_HDR_SZ %d", sizes[i]);
		REQUIRE(t, !tpc_setint(t, s, VNET_HDR_SZ, sizes[i]));
		if (t->version == TPACKET_V3) {
			struct tpacket_req3 q = {
				.tp_block_size = 4096, .tp_block_nr = 1,
				.tp_frame_size = 2048, .tp_frame_nr = 2,
				.tp_retire_blk_tov = 10 };
			struct tpacket_block_desc *b;
			struct tpacket3_hdr *h;

			REQUIRE(t, !tpc_req3(t, s, PACKET_RX_RING, &q));
			r = tpc_map_all(t, s, 4096);
			REQUIRE(t, r);
			REQUIRE(t, !tpc_inject_ex(t, s, &p));
			REQUIRE(t, !tpc_sleep_ms(t, s, 100));
			b = (void *)r;
			EXPECT_TRUE(t, "block retired",
				    tpc_block_status(b) & TP_STATUS_USER);
			h = (void *)(r + b->hdr.bh1.offset_to_first_pkt);
			mac = h->tp_mac, net = h->tp_net;
			EXPECT_EQ(t, "tp_len", 100, h->tp_len);
			vh = (uint8_t *)h + mac - 10;
		} else {
			struct tpc_hdr h;

			r = tpc_ring_map(t, s, 4096, 1, 2048);
			REQUIRE(t, r);
			REQUIRE(t, !tpc_inject_ex(t, s, &p));
			tpc_hdr(t, r, &h);
			mac = h.mac, net = h.net;
			EXPECT_EQ(t, "tp_len", 100, h.len);
			vh = (uint8_t *)r + mac - 10;
		}
		EXPECT_EQ(t, "tp_net", base + (unsigned int)sizes[i], net);
		EXPECT_EQ(t, "tp_mac", base + (unsigned int)sizes[i] - 14,
			  mac);
		EXPECT_HEX(t, "virtio-net flags (NEEDS_CSUM)", 1, vh[0]);
		EXPECT_HEX(t, "virtio-net gso_type", 0, vh[1]);
		EXPECT_EQ(t, "virtio-net csum_start", 34, vh[6] | vh[7] << 8);
		EXPECT_EQ(t, "virtio-net csum_offset", 6, vh[8] | vh[9] << 8);
	}
}

/* O10 without a ring: recv() gives the header, then the packet. */
static void vnet_hdr_recv(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[60], got[200];

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, VNET_HDR_SZ, 12));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	memset(got, 0xee, sizeof(got));
	EXPECT_EQ(t, "recv", 72, t->ops->recv(s, got, sizeof(got),
					       MSG_DONTWAIT));
	for (int i = 0; i < 12; i++)
		EXPECT_HEX(t, "virtio-net header byte", 0, got[i]);
	EXPECT_TRUE(t, "the packet after the header",
		    !memcmp(got + 12 + 12, pkt + 12, 48));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_ERRNO(t, "recv into less than the header, MSG_PEEK", -EINVAL,
		     t->ops->recv(s, got, 8, MSG_DONTWAIT | MSG_PEEK));
	EXPECT_ERRNO(t, "recv into less than the header", -EINVAL,
		     t->ops->recv(s, got, 8, MSG_DONTWAIT));
	/* that error freed the packet (packet_recvmsg's out_free) */
	EXPECT_ERRNO(t, "recv after the error", -EAGAIN,
		     t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	/* a buffer of the header and 20 bytes: the packet is cut to 20
	 * (packet_rcv_vnet takes the header off the length first) */
	memset(got, 0xee, sizeof(got));
	EXPECT_EQ(t, "recv of header + 20", 32,
		  t->ops->recv(s, got, 32, MSG_DONTWAIT));
	EXPECT_HEX(t, "byte after the 32", 0xee, got[32]);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "recv of header + 20, MSG_TRUNC", 72,
		  t->ops->recv(s, got, 32, MSG_DONTWAIT | MSG_TRUNC));
}

static void set_tp_len(const struct tpc_t *t, char *h, uint32_t len)
{
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_len = len;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_len = len;
	else
		((struct tpacket3_hdr *)h)->tp_len = len;
}

/* O10 on TX: each frame starts with the header; send() counts what
 * follows it, and no MTU applies; a checksum past hdr_len raises
 * hdr_len (not in the frame); hdr_len past the data is WRONG_FORMAT. */
static void vnet_hdr_tx(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t got[4096];
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	for (int i = 0; i < 3; i++) {
		char *h = r + 2048 * i;
		uint8_t *vh = (uint8_t *)h + off, *d = vh + 10;
		uint32_t len = i == 1 ? 1600 : 100;	/* 1600: past MTU */

		memset(vh, 0, 10);
		if (i == 1) {
			vh[0] = 1;	/* NEEDS_CSUM at 34 + 16 */
			vh[6] = 34;
			vh[8] = 16;
		}
		if (i == 2)
			vh[2] = 200;	/* hdr_len past 100 bytes */
		tpc_eth(d, len, tpc_bcast, ETH_P_IP);
		d[14] = 0x45;
		if (t->version == TPACKET_V1)
			((struct tpacket_hdr *)h)->tp_len = len + 10;
		else if (t->version == TPACKET_V2)
			((struct tpacket2_hdr *)h)->tp_len = len + 10;
		else
			((struct tpacket3_hdr *)h)->tp_len = len + 10;
		tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	}
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "frame 2 (hdr_len 200)", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r + 4096));
	EXPECT_EQ(t, "frame 1 hdr_len, raised in a copy only", 0,
		  (uint8_t)r[2048 + off + 2]);
	EXPECT_EQ(t, "first frame on the wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), 1000));
	{	/* its bytes: what follows the header, from its first */
		uint8_t want[100];

		tpc_eth(want, sizeof(want), tpc_bcast, ETH_P_IP);
		want[14] = 0x45;
		EXPECT_TRUE(t, "the first frame's bytes after the header",
			    !memcmp(got, want, sizeof(want)));
	}
	EXPECT_EQ(t, "second frame on the wire (past the MTU)", 1600,
		  tpc_wire_read(t, s, got, sizeof(got), 1000));
	/* a checksum starting inside the first 20 bytes: EINVAL */
	r[4096 + off + 2] = 0;
	r[4096 + off] = 1;
	r[4096 + off + 6] = 19;
	r[4096 + off + 8] = 2;
	tpc_set_status(t, r + 4096, TP_STATUS_SEND_REQUEST);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	r[4096 + off + 6] = 20;
	tpc_set_status(t, r + 4096, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "csum_start 20", 100, tpc_send(t, s, NULL, 0));
	/* without NEEDS_CSUM, csum_start and csum_offset mean nothing:
	 * 200 + 16 past 100 bytes is no reason to refuse */
	r[6144 + off] = 0;
	r[6144 + off + 2] = 0;
	r[6144 + off + 6] = (char)200;
	r[6144 + off + 8] = 16;
	tpc_eth((uint8_t *)r + 6144 + off + 10, 100, tpc_bcast, ETH_P_IP);
	set_tp_len(t, r + 6144, 110);
	tpc_set_status(t, r + 6144, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "no NEEDS_CSUM, csum_start 200", 100,
		  tpc_send(t, s, NULL, 0));
	/* a frame shorter than the header */
	set_tp_len(t, r, 5);
	tpc_set_status(t, r, TP_STATUS_SEND_REQUEST);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "a 5-byte frame", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
}
const struct tpc_case tpc_cases_peers_opt[] = {
	{ "opt.protocol_filter", "R16", 0, .fn = protocol_filter },
	{ "opt.option_surface", "O9 O4", 0, .fn = option_surface },
	{ "opt.vnet_hdr_values", "O10", 0, .fn = vnet_hdr_values },
	{ "flags.vlan_bound_socket", "R17 R8", TPC_V12,
	  .fn = vlan_bound_socket, .needs = TPC_CAP_TAP_LINK },
	{ "flags.vlan_bound_edges", "R17 R8", TPC_V12,
	  .fn = vlan_bound_edges, .needs = TPC_CAP_TAP_LINK },
	{ "layout.vnet_hdr_rx", "O10 R3 R7", TPC_V123, .fn = vnet_hdr_rx,
	  .needs = TPC_CAP_CSUM },
	{ "stats.vnet_hdr_recv", "O10", 0, .fn = vnet_hdr_recv },
	{ "tx.vnet_hdr", "O10 T2", TPC_V123, .fn = vnet_hdr_tx,
	  .needs = TPC_CAP_WIRE | TPC_CAP_TAP_LINK },
	{ .name = NULL },
};
