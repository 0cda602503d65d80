// SPDX-License-Identifier: MIT
/*
 * The receive path at its edges, one boundary a case: a ring of more
 * than 64 frames (a producer that batches its status stores must still
 * hand over the first frame of a batch), tp_rxhash of an IPv4 frame that
 * is its 20-byte header and nothing more, a SOCK_DGRAM view of stacked
 * tags whose last one ends the frame, the outgoing copy of a frame that
 * names 802.1Q but is too short for a tag, the virtio-net header of a
 * packet that lost two tags before a bound socket saw it.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include "../tpc.h"

/* R11 on a ring of 128 frames (16 per 4096-byte block, 8 blocks): the
 * first two frames handed over each with its own status, length and
 * bytes, the third still the kernel's. */
static void ring_over_64_frames(struct tpc_t *t)
{
	struct tpc_sock *s;
	char *r = tpc_open_ring(t, SOCK_RAW, 4096, 8, 256, &s);
	uint8_t f[2][60];
	struct tpc_hdr h;

	REQUIRE(t, r);
	for (int i = 0; i < 2; i++) {
		tpc_eth(f[i], sizeof(f[i]), tpc_bcast, 0x88b5);
		f[i][14] = (uint8_t)(0xa0 + i);
		REQUIRE(t, !tpc_inject(t, s, f[i], sizeof(f[i])));
	}
	for (uint32_t i = 0; i < 2; i++) {
		char *fr = tpc_frame(r, 4096, 256, i);

		tpc_note(t, "frame %u", i);
		tpc_hdr(t, fr, &h);
		EXPECT_HEX(t, "tp_status", TP_STATUS_USER,
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_len", 60, h.len);
		EXPECT_HEX(t, "first byte after the link header",
			   0xa0 + i, (uint8_t)fr[h.mac + 14]);
	}
	tpc_note(t, "frame 2");
	EXPECT_HEX(t, "tp_status", TP_STATUS_KERNEL,
		   tpc_status(t, tpc_frame(r, 4096, 256, 2)));
}

/* An IPv4 header of 20 bytes (protocol 254, no ports) to 10.0.0.dst,
 * the frame cut to len bytes. */
static void ip_header_frame(uint8_t *f, uint32_t len, uint8_t dst)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, 254,
					0, 0, 10, 0, 0, 1, 10, 0, 0, 0 };

	tpc_eth(f, 14, tpc_bcast, ETH_P_IP);
	memcpy(f + 14, ip, len - 14);
	if (len >= 34)
		f[33] = dst;
}

/* The tp_rxhash of the first block's 4 frames, each checked for its
 * tp_len (lens), all 4 noted for the failure message. */
static void read_hashes(struct tpc_t *t, char *r, const uint32_t lens[4],
			uint32_t hash[4])
{
	struct tpacket3_hdr *h = (struct tpacket3_hdr *)(r + 48);

	for (int i = 0; i < 4; i++) {
		tpc_note(t, "frame %d", i);
		EXPECT_EQ(t, "tp_len", lens[i], h->tp_len);
		hash[i] = h->hv1.tp_rxhash;
		h = (struct tpacket3_hdr *)((char *)h + h->tp_next_offset);
	}
	tpc_note(t, "hashes %#x %#x %#x %#x", hash[0], hash[1], hash[2],
		 hash[3]);
}

/* B6: the flow dissector takes an IPv4 header whole or not at all. A
 * 34-byte frame (the 20-byte header, nothing after) is hashed by its
 * addresses: two destinations, two hashes. A 33-byte one is cut inside
 * the header: only the ethertype is left, and frames that differ in
 * what would be an address share a hash. */
static void rxhash_header_only(struct tpc_t *t)
{
	static const uint32_t lens[4] = { 34, 34, 33, 33 };
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 65536, 2, 1000, 0, TP_FT_REQ_FILL_RXHASH,
			      &s);
	uint32_t hash[4];
	uint8_t f[34];

	REQUIRE(t, r);
	for (int i = 0; i < 4; i++) {
		memset(f, 0, sizeof(f));
		ip_header_frame(f, lens[i], (uint8_t)(2 + i % 2));
		if (i == 3)
			f[32] = 0x7f;	/* the cut header's last byte */
		REQUIRE(t, !tpc_inject(t, s, f, lens[i]));
	}
	read_hashes(t, r, lens, hash);
	EXPECT_TRUE(t, "34 bytes: another destination, another hash",
		    hash[0] != hash[1]);
	EXPECT_EQ(t, "33 bytes: the type alone", hash[2], hash[3]);
	EXPECT_TRUE(t, "33 bytes: not the 34-byte frame's hash",
		    hash[2] != hash[0]);
}

/* B6: the flow dissector reads UDP's ports as one 4-byte word or not at
 * all. Frames of 38 bytes (4 bytes of UDP) that differ in the
 * destination port's low byte hash apart; frames of 37 (3 bytes) that
 * differ in its high byte share the hash of no ports. */
static void rxhash_ports_cut(struct tpc_t *t)
{
	static const uint32_t lens[4] = { 38, 38, 37, 37 };
	static const uint8_t at[4] = { 37, 37, 36, 36 }, val[4] = { 1, 2,
								     1, 2 };
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 65536, 2, 1000, 0, TP_FT_REQ_FILL_RXHASH,
			      &s);
	uint32_t hash[4];
	uint8_t f[38];

	REQUIRE(t, r);
	for (int i = 0; i < 4; i++) {
		memset(f, 0, sizeof(f));
		ip_header_frame(f, 34, 2);
		f[14 + 9] = IPPROTO_UDP;
		memcpy(f + 34, "\x30\x39\x00\x35", 4);	/* 12345 -> 53 */
		f[at[i]] = val[i];
		REQUIRE(t, !tpc_inject(t, s, f, lens[i]));
	}
	read_hashes(t, r, lens, hash);
	EXPECT_TRUE(t, "4 bytes of UDP: another port, another hash",
		    hash[0] != hash[1]);
	EXPECT_EQ(t, "3 bytes of UDP: no ports read", hash[2], hash[3]);
}

/* R14 with R8: 802.1ad (TCI 200) outside 802.1Q (TCI 100) outside ARP,
 * and the frame ends with the inner tag (22 bytes). The outer tag is
 * taken off; the inner tag is whole, so SOCK_DGRAM still names ARP
 * (vlan_get_protocol_dgram reads a whole vlan_hdr at the data's end). */
static void tags_end_frame_dgram(struct tpc_t *t)
{
	static const uint8_t tags[] = { 0x00, 200, 0x81, 0x00,
					0x00, 100, 0x08, 0x06 };
	struct tpc_sock *s;
	struct sockaddr_ll *sll;
	char *r = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 2048, &s);
	uint8_t pkt[22];
	struct tpc_hdr h;

	REQUIRE(t, r);
	tpc_eth(pkt, 14, tpc_bcast, ETH_P_8021AD);
	memcpy(pkt + 14, tags, sizeof(tags));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, r, &h);
	sll = (struct sockaddr_ll *)(r + 32);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_ARP), sll->sll_protocol);
	EXPECT_EQ(t, "tp_len (the inner tag)", 4, h.len);
	if (t->version == TPACKET_V2) {
		EXPECT_HEX(t, "status", TP_STATUS_USER | TP_STATUS_VLAN_VALID |
					   TP_STATUS_VLAN_TPID_VALID,
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_vlan_tci", 200, h.vlan_tci);
		EXPECT_HEX(t, "tp_vlan_tpid", ETH_P_8021AD, h.vlan_tpid);
	}
}

/* R13 with R14: a SOCK_RAW sender's 16-byte frame whose type says
 * 802.1Q but holds 2 bytes, not a 4-byte tag. Its outgoing copy on a
 * SOCK_DGRAM ring is still marked tagged (the protocol is 802.1Q), but
 * vlan_get_tci() finds no whole tag: TCI 0; vlan_get_protocol_dgram()
 * neither: sll_protocol 0; the data is the 2 bytes after the header. */
static void outgoing_short_tag_dgram(struct tpc_t *t)
{
	struct tpc_sock *rx = NULL, *tx = NULL;
	uint8_t wire[2048], *d;
	struct sockaddr_ll *sll;
	struct tpc_hdr h;
	char *rr, *rt;

	rr = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 2048, &rx);
	REQUIRE(t, rr);
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	d = (uint8_t *)rt + 32;
	tpc_eth(d, 14, tpc_bcast, ETH_P_8021Q);
	d[14] = 0xa0;	/* what would be PCP 5 of a TCI */
	d[15] = 0x64;
	((struct tpacket2_hdr *)rt)->tp_len = 16;
	tpc_set_status(t, rt, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "send", 16, tpc_send(t, tx, NULL, 0));
	EXPECT_EQ(t, "on the wire", 16,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	tpc_hdr(t, rr, &h);
	sll = (struct sockaddr_ll *)(rr + 32);
	EXPECT_HEX(t, "status", TP_STATUS_USER | TP_STATUS_VLAN_VALID |
				   TP_STATUS_VLAN_TPID_VALID,
		   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
	EXPECT_EQ(t, "sll_pkttype", PACKET_OUTGOING, sll->sll_pkttype);
	EXPECT_HEX(t, "sll_protocol", 0, sll->sll_protocol);
	EXPECT_HEX(t, "tp_vlan_tci", 0, h.vlan_tci);
	EXPECT_HEX(t, "tp_vlan_tpid", ETH_P_8021Q, h.vlan_tpid);
	EXPECT_EQ(t, "tp_len", 2, h.len);
	EXPECT_HEX(t, "first byte of the data", 0xa0, (uint8_t)rr[h.mac]);
}

/* O10 with R17: a socket bound to ETH_P_IP gets a frame with two
 * priority tags (VID 0) around IPv4 after the stack took both off
 * (skb_vlan_untag, then again for the inner tag); the partial checksum
 * that started 42 bytes into the frame starts 34 bytes into what
 * recv() gives, 8 bytes of tags fewer. */
static void vnet_bound_two_tags(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	static uint8_t pkt[100], got[200];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 42, .csum_offset = 6 };

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	tpc_eth(pkt, 14, t->dev_addr, ETH_P_8021Q);
	memcpy(pkt + 14, "\x00\x00\x81\x00\x00\x00\x08\x00", 8);
	pkt[22] = 0x45;		/* IPv4, 20 bytes, 78 in all, TTL 64, UDP */
	pkt[25] = 78;
	pkt[30] = 64;
	pkt[31] = 17;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	EXPECT_EQ(t, "recv: the header and the untagged frame", 10 + 92,
		  t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_HEX(t, "virtio-net flags (NEEDS_CSUM)", 1, got[0]);
	EXPECT_EQ(t, "virtio-net csum_start", 34, got[6] | got[7] << 8);
	EXPECT_EQ(t, "virtio-net csum_offset", 6, got[8] | got[9] << 8);
	EXPECT_HEX(t, "type after the addresses", 0x0800,
		   got[10 + 12] << 8 | got[10 + 13]);
}

const struct tpc_case tpc_cases_rx_edges[] = {
	{ "layout.ring_over_64_frames", "R11", TPC_V12,
	  .fn = ring_over_64_frames },
	{ "blocks.rxhash_header_only", "B6", TPC_V3,
	  .fn = rxhash_header_only },
	{ "blocks.rxhash_ports_cut", "B6", TPC_V3,
	  .fn = rxhash_ports_cut },
	{ "flags.tags_end_frame_dgram", "R14 R8", TPC_V12,
	  .fn = tags_end_frame_dgram },
	{ "outgoing.short_tag_dgram", "R13 R14", TPC_V2,
	  .fn = outgoing_short_tag_dgram, .needs = TPC_CAP_WIRE },
	{ "stats.vnet_bound_two_tags", "O10 R17", 0,
	  .fn = vnet_bound_two_tags, .needs = TPC_CAP_CSUM },
	{ .name = NULL },
};
