// SPDX-License-Identifier: MIT
/*
 * Tags at the edges of what the receive path reads (R8, R13, R14, R17,
 * N19): how deep vlan_get_protocol_dgram() looks for a SOCK_DGRAM
 * socket's sll_protocol, received and outgoing, a tag in the data cut
 * short, and which protocol's group
 * a frame with two tags reaches when the inner one is cut short or the
 * outer VID's low byte is 0. The cases mutation testing asked for
 * (README "Mutation testing").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

/* One frame of a SOCK_DGRAM ring: what it names and keeps. */
struct dgram_seen {
	uint16_t protocol;	/* sll_protocol, host order */
	uint32_t len;		/* tp_len */
};

/* Frame i of a V1/V2 ring of 2048-byte frames in 4096-byte blocks. */
static void dgram_frame(struct tpc_t *t, char *ring, uint32_t i,
			struct dgram_seen *out)
{
	char *f = tpc_frame(ring, 4096, 2048, i);
	struct sockaddr_ll *sll = (struct sockaddr_ll *)(f + 32);
	struct tpc_hdr h;

	tpc_hdr(t, f, &h);
	out->protocol = ntohs(sll->sll_protocol);
	out->len = h.len;
	if (!(h.status & TP_STATUS_USER))
		tpc_fail(t, __LINE__, "frame %u: status %#lx, no packet", i,
			 h.status);
}

/*
 * A frame of len bytes (buffer 64): 802.1AD TCI 200 (the tag the stack
 * takes off), then n 802.1Q tags (TCI 1, 2, ...) left in the data, then
 * ARP. Bytes past len stay as the caller wrote them.
 */
static void stacked(struct tpc_t *t, uint8_t *b, unsigned int n)
{
	uint32_t o = 12;

	tpc_eth(b, 64, t->dev_addr, ETH_P_8021AD);
	b[o++] = 0x88, b[o++] = 0xa8, b[o++] = 0, b[o++] = 200;
	for (unsigned int i = 1; i <= n; i++) {
		b[o++] = 0x81, b[o++] = 0, b[o++] = 0;
		b[o++] = (uint8_t)i;
	}
	b[o++] = 0x08, b[o] = 0x06;
}

/*
 * R14: vlan_get_protocol_dgram() walks the tags left in the data with
 * __vlan_get_protocol_offset(): from mac_len - 4, so the link header's
 * own type field is its first step of VLAN_MAX_DEPTH (8). Frames with
 * 2, 6 and 7 tags in the data (after the stack took the 802.1AD one) name
 * ARP, ARP and 0 (the walk gives up); a frame whose one tag in the data
 * has 3 of its 4 bytes (21 bytes: skb_header_pointer() finds no whole
 * vlan_hdr) names 0, whatever lies past its end. The data always starts
 * after the outer tag: the inner tags stay in it.
 */
static void tags_depth_dgram(struct tpc_t *t)
{
	static const struct {
		unsigned int tags, len;
		uint16_t protocol;
	} f[] = {
		{ 2, 64, ETH_P_ARP },
		{ 6, 64, ETH_P_ARP },
		{ 7, 64, 0 },
		{ 1, 21, 0 },	/* the one tag in the data cut to 3 bytes */
	};
	struct tpc_sock *s;
	char *r = tpc_open_ring(t, SOCK_DGRAM, 4096, 2, 2048, &s);
	uint8_t b[64];

	REQUIRE(t, r);
	for (uint32_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct dgram_seen seen;

		stacked(t, b, f[i].tags);
		if (f[i].len == 21)	/* past its end: a type of IPv4 */
			b[21] = 0x00;
		REQUIRE(t, !tpc_inject(t, s, b, f[i].len));
		dgram_frame(t, r, i, &seen);
		tpc_note(t, "frame %u: %u tags in the data, %u bytes", i,
			 f[i].tags, f[i].len);
		EXPECT_HEX(t, "sll_protocol", f[i].protocol, seen.protocol);
		EXPECT_EQ(t, "tp_len (from the first tag in the data)",
			  f[i].len - 18, seen.len);
	}
}

/*
 * R13 with R14: the outgoing copy of a frame a SOCK_RAW socket sent with
 * 7 and with 8 802.1Q tags around ARP, on a SOCK_DGRAM ring. Nothing set
 * mac_len since packet_snd, so __vlan_get_protocol_offset starts at the
 * first tag and has 7 steps for tags (one more than for a received
 * frame, flags.tags_depth_dgram): 7 tags name ARP and the data starts
 * after them (packet_parse_headers put the network header there); 8
 * name 0 and the data starts after the link header.
 */
static void outgoing_tags_depth_dgram(struct tpc_t *t)
{
	struct tpc_sock *rx = NULL, *tx = NULL;
	char *r = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 2048, &rx);
	char *rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	uint8_t wire[2048];

	REQUIRE(t, r && rt);
	for (unsigned int n = 7, i = 0; n <= 8; n++, i++) {
		char *f = rt + 2048 * i;
		uint8_t *b = (uint8_t *)f + 32;
		struct dgram_seen seen;
		uint32_t o = 12;

		tpc_eth(b, 64, tpc_bcast, 0);
		for (unsigned int k = 1; k <= n; k++) {
			b[o++] = 0x81, b[o++] = 0, b[o++] = 0;
			b[o++] = (uint8_t)k;
		}
		b[o++] = 0x08, b[o] = 0x06;
		((struct tpacket2_hdr *)f)->tp_len = 64;
		tpc_set_status(t, f, TP_STATUS_SEND_REQUEST);
		tpc_note(t, "%u tags", n);
		EXPECT_EQ(t, "send", 64, tpc_send(t, tx, NULL, 0));
		EXPECT_EQ(t, "on the wire", 64,
			  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
		dgram_frame(t, r, i, &seen);
		EXPECT_HEX(t, "sll_protocol", n == 7 ? ETH_P_ARP : 0,
			   seen.protocol);
		EXPECT_EQ(t, "tp_len", n == 7 ? 64 - 14 - 28 : 64 - 14,
			  seen.len);
	}
}

/*
 * R17, N19: the outer tag has VID 0x100 (its TCI's low byte 0) around a
 * second 802.1Q tag around IPv4: not a priority tag (__netif_receive_skb_core
 * strips an outer tag only when its whole VID is 0), so the frame reaches
 * the ETH_P_8021Q group, not the ETH_P_IP group.
 */
static void fanout_vid_low_byte_zero(struct tpc_t *t)
{
	struct tpc_sock *ip, *q;
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, false));
	ip = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	q = tpc_open_proto(t, SOCK_RAW, ETH_P_8021Q);
	REQUIRE(t, ip && q);
	EXPECT_ERR(t, t->ops->setsockopt(ip, SOL_PACKET, PACKET_FANOUT,
					 &(int){ 380 | PACKET_FANOUT_LB << 16 },
					 sizeof(int)),
		   0);
	EXPECT_ERR(t, t->ops->setsockopt(q, SOL_PACKET, PACKET_FANOUT,
					 &(int){ 381 | PACKET_FANOUT_LB << 16 },
					 sizeof(int)),
		   0);
	tpc_tags(t, b, 0x100, 7, ETH_P_IP);
	b[22] = 0x45;
	REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	EXPECT_EQ(t, "ETH_P_IP group after VID 0x100 around VID 7", 0,
		  tpc_packets(t, ip));
	EXPECT_EQ(t, "ETH_P_8021Q group after VID 0x100 around VID 7", 1,
		  tpc_packets(t, q));
}

/*
 * R17, N14: a priority tag (VID 0) around a second tag that is cut
 * short. The taps have the frame (skb_vlan_untag() took the outer tag,
 * which needs 6 bytes after the link header: dev.fanout_tag_cut_short);
 * then the stack takes the
 * priority tag away and untags again, which needs the inner tag and 2
 * bytes after it, so 20- to 23-byte frames are freed there, before any
 * protocol's group: neither the ETH_P_IP nor the ETH_P_8021Q group's LB
 * counter moves; 24 bytes reach the ETH_P_IP group. After each short
 * frame (the bytes past its end say IPv4), the same frame whole goes to
 * the ETH_P_IP group and one with VID 5 outside to the ETH_P_8021Q
 * group: the k-th frame a two-member LB group takes goes to member k % 2
 * (fanout_demux_lb).
 */
static void fanout_priority_inner_cut(struct tpc_t *t)
{
	struct tpc_sock *ip[2], *q[2];
	unsigned int nip = 0, nq = 0;	/* the frames each group took */
	uint8_t b[64];

	REQUIRE(t, tpc_has_dev(t, false));
	for (int i = 0; i < 2; i++) {
		ip[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
		q[i] = tpc_open_proto(t, SOCK_RAW, ETH_P_8021Q);
		REQUIRE(t, ip[i] && q[i]);
		EXPECT_ERR(t, t->ops->setsockopt(ip[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ 382 | PACKET_FANOUT_LB << 16 },
				sizeof(int)),
			   0);
		EXPECT_ERR(t, t->ops->setsockopt(q[i], SOL_PACKET,
				PACKET_FANOUT,
				&(int){ 383 | PACKET_FANOUT_LB << 16 },
				sizeof(int)),
			   0);
	}
	for (uint32_t len = 20; len <= 24; len++) {
		unsigned int want_ip[2] = { 0, 0 }, want_q[2] = { 0, 0 };

		tpc_note(t, "a %u-byte frame, then two whole ones", len);
		tpc_tags(t, b, 0, 7, ETH_P_IP);
		b[22] = 0x45;
		REQUIRE(t, !tpc_arrive(t, b, len));
		if (len == 24)	/* whole enough to untag twice */
			want_ip[++nip % 2]++;
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
		want_ip[++nip % 2]++;
		tpc_tags(t, b, 5, 7, ETH_P_IP);
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
		want_q[++nq % 2]++;
		for (uint32_t i = 0; i < 2; i++) {
			tpc_note(t, "a %u-byte frame: member %u", len, i);
			EXPECT_EQ(t, "ETH_P_IP group", want_ip[i],
				  tpc_packets(t, ip[i]));
			EXPECT_EQ(t, "ETH_P_8021Q group", want_q[i],
				  tpc_packets(t, q[i]));
		}
	}
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_tag_edges[] = {
	{ "flags.tags_depth_dgram", "R14 R8", TPC_V12,
	  .fn = tags_depth_dgram },
	{ "outgoing.tags_depth_dgram", "R13 R14", TPC_V2,
	  .fn = outgoing_tags_depth_dgram, .needs = TPC_CAP_WIRE },
	{ "dev.fanout_vid_low_byte_zero", "N19 R17", 0,
	  .fn = fanout_vid_low_byte_zero, .needs = DEV },
	{ "dev.fanout_priority_inner_cut", "N19 R17 N14", 0,
	  .fn = fanout_priority_inner_cut, .needs = DEV },
	{ .name = NULL },
};
