// SPDX-License-Identifier: MIT
/*
 * Description: rules at their exact boundaries, continued from bounds.c:
 * what a received frame or V3 block holds at its edges (R8, R9, R10, B2,
 * B5, B6, G15), socket options at their limits, TX frames of the bare
 * link header and a malformed last frame, a poll shorter than the timer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "tpc_bounds.h"

/*
 * R10, what eth_type_trans() makes of the type field: 0x0600 and up is an
 * ethertype; below, a length (802.3), and sll_protocol says ETH_P_802_3
 * when the payload starts ff ff (raw IPX), else ETH_P_802_2 (LLC).
 */
static void ethertype_or_length(struct tpc_t *t)
{
	static const struct {
		uint16_t type;
		uint8_t b0, b1;
		uint16_t want;
	} c[] = {
		{ 0x0600, 0xff, 0xff, 0x0600 }, { 0x05ff, 0xff, 0xff, 0x0001 },
		{ 0x002e, 0xff, 0xff, 0x0001 }, { 0x002e, 0xff, 0xfe, 0x0004 },
		{ 0x002e, 0xfe, 0xff, 0x0004 }, { 0x002e, 0xaa, 0xaa, 0x0004 },
	};
	struct tpc_sock *s;
	char *r = tpc_open_ring(t, SOCK_RAW, 4096, 4, 2048, &s);
	uint8_t pkt[60];

	REQUIRE(t, r);
	for (unsigned int i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const struct sockaddr_ll *sll =
			(const void *)((char *)tpc_frame(r, 4096, 2048, i) + 32);

		tpc_eth(pkt, sizeof(pkt), tpc_bcast, c[i].type);
		pkt[14] = c[i].b0;
		pkt[15] = c[i].b1;
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		tpc_note(t, "type 0x%04x, payload %02x %02x", c[i].type,
			 c[i].b0, c[i].b1);
		EXPECT_HEX(t, "frame status", TP_STATUS_USER,
			   tpc_status(t, tpc_frame(r, 4096, 2048, i)) &
				   TP_STATUS_USER);
		EXPECT_HEX(t, "sll_protocol", c[i].want,
			   ntohs(sll->sll_protocol));
	}
}

/*
 * R8: the stack takes an 802.1Q tag off (skb_vlan_untag) before the
 * taps; it pulls the tag and 2 bytes more, 20 bytes in all, and frees a
 * shorter tagged frame before any tap sees it: 17- and 19-byte frames are
 * neither delivered nor counted, a 20-byte one is, with the tag outside.
 */
static void vlan_too_short(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_ring(t, SOCK_RAW, 4096, 2, 2048, &s);
	uint8_t pkt[20];
	unsigned int p, d;
	struct tpc_hdr h;

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_8021Q);
	pkt[14] = 0x20;	/* TCI 0x2005 */
	pkt[15] = 0x05;
	pkt[16] = 0x88;	/* the inner type */
	pkt[17] = 0xb5;
	REQUIRE(t, !tpc_inject(t, s, pkt, 17));
	REQUIRE(t, !tpc_inject(t, s, pkt, 19));
	EXPECT_HEX(t, "frame 0 after 17- and 19-byte tagged frames",
		   TP_STATUS_KERNEL, tpc_status(t, tpc_frame(r, 4096, 2048, 0)));
	REQUIRE(t, !tpc_inject(t, s, pkt, 20));
	tpc_hdr(t, tpc_frame(r, 4096, 2048, 0), &h);
	EXPECT_HEX(t, "frame 0 status & USER", TP_STATUS_USER,
		   h.status & TP_STATUS_USER);
	EXPECT_EQ(t, "tp_len of the 20-byte frame untagged", 16, h.len);
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 1, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
}

/* R9: the stamp's seconds are written (V1 and V2): two packets 1.1 s
 * apart (virtual time on sim) are stamped 1 or 2 seconds apart. */
static void stamp_seconds(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_ring(t, SOCK_RAW, 4096, 2, 2048, &s);
	uint8_t pkt[60];
	struct tpc_hdr a, b;

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 1100));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, tpc_frame(r, 4096, 2048, 0), &a);
	tpc_hdr(t, tpc_frame(r, 4096, 2048, 1), &b);
	tpc_note(t, "stamps %u.%u and %u.%u", a.sec, a.frac, b.sec, b.frac);
	EXPECT_TRUE(t, "seconds 1 or 2 apart",
		    b.sec - a.sec == 1 || b.sec - a.sec == 2);
	EXPECT_TRUE(t, "fraction below a second",
		    a.frac < (t->version == TPACKET_V1 ? 1000000u
						       : 1000000000u));
}

static struct tpacket_block_desc *bd(char *ring, unsigned int i)
{
	return (struct tpacket_block_desc *)(ring + (size_t)i * 4096);
}

/*
 * B5 at its far end: a private area so large that not even tp_mac fits
 * (48 + 3976 of 4096 bytes leave 72; a reserve of 4 puts tp_mac at 86):
 * the packet is cut to nothing and tp_mac moved to the block's room.
 * Ending exactly at the block end, it closes block 0 empty and lands in
 * block 1 all the same.
 */
static void v3_no_room_for_mac(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket3_hdr *h;
	uint8_t pkt[60];
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 4));
	EXPECT_ERRNO(t, "ring, priv 3976", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 3, 80, 153, 3976));
	r = tpc_map_all(t, s, 3 * 4096);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "block 0", TP_STATUS_USER, tpc_block_status(bd(r, 0)));
	EXPECT_EQ(t, "block 0 num_pkts", 0, bd(r, 0)->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "block 1 num_pkts", 1, bd(r, 1)->hdr.bh1.num_pkts);
	h = (struct tpacket3_hdr *)((char *)bd(r, 1) + 48 + 3976);
	EXPECT_EQ(t, "tp_len", 60, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen", 0, h->tp_snaplen);
	EXPECT_EQ(t, "tp_mac (the block's room)", 72, h->tp_mac);
	EXPECT_EQ(t, "tp_net", 100, h->tp_net);
}

/* G15 for V3: a ring set up again starts over at block 0, seq_num 1, with
 * nothing of the torn-down ring's open block left. */
static void v3_ring_again(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[1500];
	char *r;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "ring", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 2, 2048, 4, 0));
	r = tpc_map_all(t, s, 2 * 4096);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	/* two fill block 0, the third opens block 1 */
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "block 1 num_pkts", 1, bd(r, 1)->hdr.bh1.num_pkts);
	REQUIRE(t, !tpc_unmap(t, r));
	EXPECT_ERRNO(t, "teardown", 0,
		     req3(t, s, PACKET_RX_RING, 0, 0, 0, 0, 0));
	EXPECT_ERRNO(t, "ring again", 0,
		     req3(t, s, PACKET_RX_RING, 4096, 2, 2048, 4, 0));
	r = tpc_map_all(t, s, 2 * 4096);
	REQUIRE(t, r);
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	EXPECT_EQ(t, "new block 0 seq_num", 1, bd(r, 0)->hdr.bh1.seq_num);
	EXPECT_EQ(t, "new block 0 num_pkts", 1, bd(r, 0)->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "new block 0 blk_len", 48 + 144,
		  bd(r, 0)->hdr.bh1.blk_len);
	EXPECT_EQ(t, "new block 1 num_pkts", 0, bd(r, 1)->hdr.bh1.num_pkts);
}

/* R10 for V3: each packet's sockaddr_ll follows its 48-byte header. */
static void v3_sockaddr_ll(struct tpc_t *t)
{
	static const uint8_t src[6] = { 0x02, 0x74, 0x70, 0x63, 0x00, 0x02 };
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 2, 60000, 0, 0, &s);
	const struct sockaddr_ll *a;
	uint8_t pkt[60];

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x86dd);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	a = (const struct sockaddr_ll *)(r + bd(r, 0)->hdr.bh1.offset_to_first_pkt
					 + 48);
	EXPECT_EQ(t, "sll_family", AF_PACKET, a->sll_family);
	EXPECT_HEX(t, "sll_protocol", htons(0x86dd), a->sll_protocol);
	EXPECT_EQ(t, "sll_ifindex", t->ifindex, a->sll_ifindex);
	EXPECT_EQ(t, "sll_hatype", 1, a->sll_hatype);
	EXPECT_EQ(t, "sll_pkttype", PACKET_BROADCAST, a->sll_pkttype);
	EXPECT_EQ(t, "sll_halen", 6, a->sll_halen);
	EXPECT_TRUE(t, "sll_addr is the source address",
		    !memcmp(a->sll_addr, src, 6));
}

/*
 * B6, R8: a V3 packet's header is written whole, whatever the block held
 * before: the consumer scribbles over block 0 while it owns it, and a
 * packet without a tag placed there later has tci, tpid, the padding and
 * rxhash (no TP_FT_REQ_FILL_RXHASH) all 0.
 */
static void v3_header_rewritten(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 2, 10, 0, 0, &s);
	struct tpacket3_hdr *h;
	uint8_t pkt[60];

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));	/* block 0 retired */
	EXPECT_HEX(t, "block 0", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(bd(r, 0)));
	memset(r + 48, 0xa5, 4096 - 48);
	tpc_block_release(bd(r, 0));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));	/* block 1 retired */
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));	/* block 0 */
	EXPECT_EQ(t, "block 0 num_pkts", 1, bd(r, 0)->hdr.bh1.num_pkts);
	h = (struct tpacket3_hdr *)(r + 48);
	EXPECT_EQ(t, "tp_len", 60, h->tp_len);
	EXPECT_HEX(t, "tp_vlan_tci", 0, h->hv1.tp_vlan_tci);
	EXPECT_HEX(t, "tp_vlan_tpid", 0, h->hv1.tp_vlan_tpid);
	EXPECT_HEX(t, "hv1.tp_padding", 0, h->hv1.tp_padding);
	EXPECT_HEX(t, "tp_rxhash", 0, h->hv1.tp_rxhash);
	EXPECT_HEX(t, "tp_padding[0..3]", 0,
		   (uint32_t)h->tp_padding[0] | h->tp_padding[1] << 8 |
			   h->tp_padding[2] << 16 |
			   (uint32_t)h->tp_padding[3] << 24);
	EXPECT_HEX(t, "tp_padding[4..7]", 0,
		   (uint32_t)h->tp_padding[4] | h->tp_padding[5] << 8 |
			   h->tp_padding[6] << 16 |
			   (uint32_t)h->tp_padding[7] << 24);
}

static int setopt(struct tpc_t *t, struct tpc_sock *s, int level, int opt,
		  const void *v, socklen_t len)
{
	return t->ops->setsockopt(s, level, opt, v, len);
}

/*
 * Option checks at their edges (O1, O4, O5, O8): PACKET_VNET_HDR only on
 * SOCK_RAW; PACKET_IGNORE_OUTGOING takes 0 or 1; PACKET_FANOUT_DATA and
 * PACKET_ROLLOVER_STATS without a fanout group are EINVAL; SO_SNDTIMEO's
 * tv_usec must lie in [0, 10^6) (EDOM), from no buffer EFAULT;
 * getsockopt(SO_RCVBUF) with optlen 0 reads nothing, with no buffer is
 * EFAULT; an option no level has is ENOPROTOOPT.
 */
static void option_edges(struct tpc_t *t)
{
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dgram = tpc_open(t, SOCK_DGRAM);
	struct timeval tv;
	socklen_t len;
	int v = 0, big[4];

	REQUIRE(t, raw && dgram);
	EXPECT_ERRNO(t, "PACKET_VNET_HDR 0 on SOCK_DGRAM", -EINVAL,
		     setopt(t, dgram, SOL_PACKET, PACKET_VNET_HDR, &v,
			    sizeof(v)));
	EXPECT_ERRNO(t, "PACKET_VNET_HDR 0 on SOCK_RAW", 0,
		     setopt(t, raw, SOL_PACKET, PACKET_VNET_HDR, &v,
			    sizeof(v)));
	for (v = -1; v <= 2; v++) {
		tpc_note(t, "PACKET_IGNORE_OUTGOING %d", v);
		EXPECT_ERRNO(t, "PACKET_IGNORE_OUTGOING",
			     v == 0 || v == 1 ? 0 : -EINVAL,
			     setopt(t, raw, SOL_PACKET, PACKET_IGNORE_OUTGOING,
				    &v, sizeof(v)));
	}
	t->note[0] = '\0';
	v = 0;
	EXPECT_ERRNO(t, "PACKET_FANOUT_DATA without fanout", -EINVAL,
		     setopt(t, raw, SOL_PACKET, PACKET_FANOUT_DATA, &v,
			    sizeof(v)));
	len = sizeof(big);
	EXPECT_ERRNO(t, "PACKET_ROLLOVER_STATS without fanout", -EINVAL,
		     t->ops->getsockopt(raw, SOL_PACKET, PACKET_ROLLOVER_STATS,
					big, &len));
	tv = (struct timeval){ 0, 999999 };
	EXPECT_ERRNO(t, "SO_SNDTIMEO 0.999999 s", 0,
		     setopt(t, raw, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	tv = (struct timeval){ 1, 0 };
	EXPECT_ERRNO(t, "SO_SNDTIMEO 1 s", 0,
		     setopt(t, raw, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	tv = (struct timeval){ 0, 1000000 };
	EXPECT_ERRNO(t, "SO_SNDTIMEO tv_usec 10^6", -EDOM,
		     setopt(t, raw, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	tv = (struct timeval){ 0, -1 };
	EXPECT_ERRNO(t, "SO_SNDTIMEO tv_usec -1", -EDOM,
		     setopt(t, raw, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	len = 0;
	EXPECT_ERRNO(t, "getsockopt SO_RCVBUF, optlen 0", 0,
		     t->ops->getsockopt(raw, SOL_SOCKET, SO_RCVBUF, &v, &len));
	EXPECT_EQ(t, "optlen after", 0, len);
	len = sizeof(v);
	EXPECT_ERRNO(t, "getsockopt SO_RCVBUF into NULL", -EFAULT,
		     t->ops->getsockopt(raw, SOL_SOCKET, SO_RCVBUF, NULL, &len));
	EXPECT_ERRNO(t, "SO_RCVBUF with optlen 3", -EINVAL,
		     setopt(t, raw, SOL_SOCKET, SO_RCVBUF, &v, 3));
	len = sizeof(v);
	EXPECT_ERRNO(t, "getsockopt at level SOL_IP", -ENOPROTOOPT,
		     t->ops->getsockopt(raw, 0 /* SOL_IP */, 1, &v, &len));
	/* a SOL_SOCKET option no kernel has (sk_setsockopt,
	 * sk_getsockopt: ENOPROTOOPT); SO_SNDTIMEO from no buffer */
	len = sizeof(v);
	EXPECT_ERRNO(t, "getsockopt SOL_SOCKET option 9999", -ENOPROTOOPT,
		     t->ops->getsockopt(raw, SOL_SOCKET, 9999, &v, &len));
	EXPECT_ERRNO(t, "setsockopt SOL_SOCKET option 9999", -ENOPROTOOPT,
		     setopt(t, raw, SOL_SOCKET, 9999, &v, sizeof(v)));
	EXPECT_ERRNO(t, "SO_SNDTIMEO from NULL", -EFAULT,
		     setopt(t, raw, SOL_SOCKET, SO_SNDTIMEO, NULL,
			    sizeof(tv)));
	/* SO_BPF_EXTENSIONS can only be read; an unknown SOL_PACKET
	 * option cannot be read */
	EXPECT_ERRNO(t, "setsockopt SO_BPF_EXTENSIONS", -ENOPROTOOPT,
		     setopt(t, raw, SOL_SOCKET, SO_BPF_EXTENSIONS, &v,
			    sizeof(v)));
	len = sizeof(v);
	EXPECT_ERRNO(t, "getsockopt SOL_PACKET option 9999", -ENOPROTOOPT,
		     t->ops->getsockopt(raw, SOL_PACKET, 9999, &v, &len));
	/* no buffer: EFAULT, for an int option, for SO_ERROR, and with no
	 * length at all */
	EXPECT_ERRNO(t, "PACKET_LOSS from NULL", -EFAULT,
		     setopt(t, raw, SOL_PACKET, PACKET_LOSS, NULL, sizeof(int)));
	len = sizeof(v);
	EXPECT_ERRNO(t, "getsockopt SO_ERROR into NULL", -EFAULT,
		     t->ops->getsockopt(raw, SOL_SOCKET, SO_ERROR, NULL, &len));
	EXPECT_ERRNO(t, "getsockopt SO_RCVBUF with no optlen", -EFAULT,
		     t->ops->getsockopt(raw, SOL_SOCKET, SO_RCVBUF, &v, NULL));
}

/* R1's premise: a frame shorter than the Ethernet header reaches no tap
 * (tun refuses it, EINVAL; so does the simulator's producer), and the
 * ring and the statistics stay as they were. */
static void rx_short_frame(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 2048, &s);
	unsigned int p = 1, d = 1;
	uint8_t pkt[14];
	struct tpc_inject in = { .data = pkt, .len = 13 };

	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	EXPECT_ERRNO(t, "a 13-byte frame", -EINVAL,
		     t->ops->inject(t->bctx, s, &in));
	EXPECT_HEX(t, "frame 0", TP_STATUS_KERNEL, tpc_status(t, m));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 0, p);
	EXPECT_EQ(t, "tp_drops", 0, d);
	EXPECT_ERR(t, tpc_inject(t, s, pkt, 14), 0);
	EXPECT_HEX(t, "frame 0 after a 14-byte frame", TP_STATUS_USER,
		   tpc_status(t, m) & TP_STATUS_USER);
}

/* T2 at the link header: a TX frame of exactly the 14-byte Ethernet
 * header is sent (dev_validate_header), 13 bytes are not. */
static void tx_header_only(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	uint8_t got[2048];
	void *h;

	REQUIRE(t, r);
	h = tpc_frame(r, 4096, 2048, 0);
	set_off(t, h, 14, t->version == TPACKET_V3 ? 48 : 32);
	EXPECT_EQ(t, "send of a 14-byte frame", 14, tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "wire", 14,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	h = tpc_frame(r, 4096, 2048, 1);
	set_off(t, h, 13, t->version == TPACKET_V3 ? 48 : 32);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
}

/* T2 with PACKET_LOSS at the ring's end: a malformed last frame is
 * skipped and the walk wraps to frame 0. */
static void loss_skip_wraps(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t got[2048];
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_LOSS, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	for (uint32_t i = 0; i < 3; i++)
		set_off(t, tpc_frame(r, 4096, 2048, i), 60, (uint16_t)off);
	EXPECT_EQ(t, "frames 0-2", 180, tpc_send(t, s, NULL, 0));
	set_off(t, tpc_frame(r, 4096, 2048, 3), 13, (uint16_t)off);
	set_off(t, tpc_frame(r, 4096, 2048, 0), 70, (uint16_t)off);
	EXPECT_EQ(t, "frame 3 skipped, frame 0 sent", 70,
		  tpc_send(t, s, NULL, 0));
	EXPECT_HEX(t, "frame 3", TP_STATUS_AVAILABLE,
		   tpc_status(t, tpc_frame(r, 4096, 2048, 3)));
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(t, "wire", 60,
			  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_EQ(t, "wire, after the wrap", 70,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
}

/* P1/B4 with a timeout shorter than the timer: a poll that ends before
 * the block is retired returns 0; a longer one sees the block. Without a
 * ring, poll answers for the receive queue. */
static void poll_before_timer(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 2, 200, 0, 0, &s);
	struct tpc_sock *q = tpc_open(t, SOCK_RAW);
	uint8_t pkt[60];

	REQUIRE(t, r && q);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	EXPECT_EQ(t, "no ring, nothing queued", 0,
		  t->ops->poll(q, POLLIN, 0));
	/* on sim each socket has a device of its own: a packet each */
	REQUIRE(t, !tpc_inject(t, q, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "no ring, a packet queued", POLLIN,
		  t->ops->poll(q, POLLIN, 0));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "poll 20 ms, the timer at 200", 0,
		  t->ops->poll(s, POLLIN, 20));
	EXPECT_HEX(t, "block 0 still open", TP_STATUS_KERNEL,
		   tpc_block_status(r));
	EXPECT_EQ(t, "poll 2 s", POLLIN, t->ops->poll(s, POLLIN, 2000));
}

static uint32_t word_at(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * B2 on an empty block: closing it, the kernel still ends "the chain" by
 * writing tp_next_offset 0 where a first packet would be (the block's
 * prev pointer, reset at each open), not where the previous block's last
 * packet was. The consumer scribbles over block 1 while it owns it, so
 * the write shows.
 */
static void v3_empty_close_writes_first(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 2, 10, 0, 0, &s);
	static uint8_t jumbo[9000];
	uint8_t pkt[60];

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	tpc_eth(jumbo, sizeof(jumbo), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));	/* block 0 retired */
	tpc_block_release(bd(r, 0));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));	/* block 1 retired */
	EXPECT_HEX(t, "block 1", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(bd(r, 1)));
	memset(r + 4096 + 48, 0xa5, 4096 - 48);
	tpc_block_release(bd(r, 1));
	/* two packets in block 0: its last one at 48 + 144 */
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 30));	/* block 0 retired */
	EXPECT_EQ(t, "block 0 num_pkts", 2, bd(r, 0)->hdr.bh1.num_pkts);
	/* a jumbo frame closes block 1 empty (and is dropped: block 0 is
	 * the user's) */
	REQUIRE(t, !tpc_inject(t, s, jumbo, sizeof(jumbo)));
	EXPECT_HEX(t, "block 1 closed", TP_STATUS_USER,
		   tpc_block_status(bd(r, 1)) & TP_STATUS_USER);
	EXPECT_EQ(t, "block 1 num_pkts", 0, bd(r, 1)->hdr.bh1.num_pkts);
	EXPECT_HEX(t, "word at the first packet's place", 0,
		   word_at(r + 4096 + 48));
	EXPECT_HEX(t, "word at block 0's last packet's place", 0xa5a5a5a5,
		   word_at(r + 4096 + 48 + 144));
}
const struct tpc_case tpc_cases_bounds_frames[] = {
	{ "bounds.ethertype_or_length", "R10", TPC_V12,
	  .fn = ethertype_or_length },
	{ "bounds.vlan_too_short", "R8", TPC_V12, .fn = vlan_too_short },
	{ "bounds.stamp_seconds", "R9", TPC_V12, .fn = stamp_seconds },
	{ "bounds.v3_no_room_for_mac", "B5 B2", TPC_V3,
	  .fn = v3_no_room_for_mac },
	{ "bounds.v3_ring_again", "G15 B1", TPC_V3, .fn = v3_ring_again },
	{ "bounds.v3_sockaddr_ll", "R10 B6", TPC_V3, .fn = v3_sockaddr_ll,
	  .needs = TPC_CAP_TAP_LINK },
	{ "bounds.v3_header_rewritten", "B6 R8", TPC_V3,
	  .fn = v3_header_rewritten },
	{ "bounds.option_edges", "O1 O4 O5 O8", 0, .fn = option_edges },
	{ "bounds.rx_short_frame", "R1", TPC_V12, .fn = rx_short_frame,
	  .needs = TPC_CAP_TAP_LINK },
	{ "bounds.tx_header_only", "T2", TPC_V123, .fn = tx_header_only,
	  .needs = TPC_CAP_WIRE },
	{ "bounds.loss_skip_wraps", "T2 O4", TPC_V123, .fn = loss_skip_wraps,
	  .needs = TPC_CAP_WIRE },
	{ "bounds.poll_before_timer", "P1 B4", TPC_V3,
	  .fn = poll_before_timer },
	{ "bounds.v3_empty_close_writes_first", "B2 B5", TPC_V3,
	  .fn = v3_empty_close_writes_first },
	{ .name = NULL },
};
