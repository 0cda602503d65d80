// SPDX-License-Identifier: MIT
/*
 * Description: edges of receiving that mutation testing asked for (README
 * "Mutation testing"): how much of the receive buffer a frame costs (S1,
 * O7: a socket without a ring queues frames while sk_rmem_alloc is below
 * sk_rcvbuf, each charged the truesize of a frame that came in through a
 * TAP: 832 up to 192 bytes, 1280 to 640, 2304 from 641, pages past
 * 8 KiB), COPY at exactly rmem_alloc == rcvbuf and a frame filled
 * exactly (R4, R5), recv's virtio-net header of a partial checksum (O10),
 * the stamps of a packet and of a V3 block (R9, B1), and a V3 packet with
 * no room for its virtio-net header (B5). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"

/* Frames of len bytes into s with SO_RCVBUF rcvbuf: how many
 * are queued (recv reads them back), the rest counted as drops. */
static int fits(struct tpc_t *t, struct tpc_sock *s, uint32_t len,
		int rcvbuf, int sent)
{
	static uint8_t pkt[9100], got[9200];
	unsigned int p, d;
	int n = 0;

	if (t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			       sizeof(rcvbuf))) {
		tpc_fail(t, __LINE__, "SO_RCVBUF %d refused", rcvbuf);
		return -1;
	}
	tpc_eth(pkt, len, tpc_bcast, 0x88b5);
	for (int i = 0; i < sent; i++)
		if (tpc_inject(t, s, pkt, len))
			return -1;
	if (tpc_stats(t, s, &p, &d))
		return -1;
	while (t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT) == (long)len)
		n++;
	if (p != (unsigned int)sent || d != (unsigned int)(sent - n)) {
		tpc_fail(t, __LINE__, "%u-byte frames: tp_packets %u, tp_drops "
			 "%u, %d queued of %d", len, p, d, n, sent);
		return -1;
	}
	return n;
}

static void truesize_classes(struct tpc_t *t)
{
	static const struct {
		uint32_t len;
		int rcvbuf, want;	/* SO_RCVBUF (doubled), frames queued */
	} c[] = {
		{ 192, 1, 3 },		/* 832 each: 0, 832, 1664 < 2304 */
		{ 193, 1, 2 },		/* 1280 each: 0, 1280 < 2304 */
		{ 640, 1, 2 },		/* a head of exactly 1024: 1280 */
		{ 641, 1, 1 },		/* 2304: one frame fills it */
		{ 640, 1280, 2 },	/* 1280 in 2560: full at exactly 2 */
		{ 9000, 13000, 3 },	/* 12544 each: 0, 12544, 25088 < 26000 */
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	/* each round reads the queue empty and the counters back to 0 */
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int n;

		tpc_note(t, "%u-byte frames, SO_RCVBUF %d", c[i].len,
			 c[i].rcvbuf);
		n = fits(t, s, c[i].len, c[i].rcvbuf, 6);
		REQUIRE(t, n >= 0);
		EXPECT_EQ(t, "frames queued", c[i].want, n);
	}
}

/* O10 on recv: the virtio-net header of a partial checksum says
 * NEEDS_CSUM (1) with csum_start and csum_offset, little-endian
 * (virtio_net_hdr_from_skb), for a tagged frame counted without the tag.
 * (A verified one, DATA_VALID, cannot be
 * made on a TAP: tun ignores the flag; flags.csum_valid is sim only.) */
static void vnet_hdr_csum_recv(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[100], got[200];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 34, .csum_offset = 6 };

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	memset(pkt + 14, 0, 28);	/* IPv4/UDP */
	pkt[14] = 0x45;
	pkt[17] = sizeof(pkt) - 14;
	pkt[22] = 64;
	pkt[23] = 17;
	pkt[39] = sizeof(pkt) - 34;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	memset(got, 0xee, sizeof(got));
	EXPECT_EQ(t, "recv", 110, t->ops->recv(s, got, sizeof(got),
						MSG_DONTWAIT));
	EXPECT_HEX(t, "flags (NEEDS_CSUM)", 1, got[0]);
	EXPECT_HEX(t, "gso_type (NONE)", 0, got[1]);
	EXPECT_EQ(t, "csum_start", 34, got[6] | got[7] << 8);
	EXPECT_EQ(t, "csum_offset", 6, got[8] | got[9] << 8);
	EXPECT_HEX(t, "the frame after the header", 0x45, got[10 + 14]);
	/* tagged: the tag goes before the taps (skb_vlan_untag), and
	 * csum_start counts from the frame without it */
	memmove(pkt + 16, pkt + 12, sizeof(pkt) - 16);
	pkt[12] = 0x81, pkt[13] = 0, pkt[14] = 0, pkt[15] = 5;
	p.csum_start = 38;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	memset(got, 0xee, sizeof(got));
	EXPECT_EQ(t, "recv of the tagged frame", 106,
		  t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_HEX(t, "tagged: flags (NEEDS_CSUM)", 1, got[0]);
	EXPECT_EQ(t, "tagged: csum_start", 34, got[6] | got[7] << 8);
	EXPECT_EQ(t, "tagged: csum_offset", 6, got[8] | got[9] << 8);
	/* a csum_start past 255 needs its high byte */
	{
		static uint8_t big[400], out[420];
		struct tpc_inject q = { .data = big, .len = sizeof(big),
					.flags = TPC_INJ_CSUM_PARTIAL,
					.csum_start = 300, .csum_offset = 6 };

		tpc_eth(big, sizeof(big), tpc_bcast, 0x88b5);
		REQUIRE(t, !tpc_inject_ex(t, s, &q));
		EXPECT_EQ(t, "recv of the 400-byte frame", 410,
			  t->ops->recv(s, out, sizeof(out), MSG_DONTWAIT));
		EXPECT_EQ(t, "csum_start 300", 300, out[6] | out[7] << 8);
	}
}

/* R4, R5 at their edges: a packet that fills its frame exactly is not
 * cut (macoff + snaplen > frame_size), and COPY queues the whole packet
 * only while sk_rmem_alloc is below sk_rcvbuf, each copy charged the
 * skb's truesize (1280 for a 600-byte frame, sockbuf.truesize_classes):
 * with SO_RCVBUF 1280 (2560) two copies fit and the third finds
 * rmem_alloc == rcvbuf. */
static void copy_edges(struct tpc_t *t)
{
	static uint8_t pkt[600], got[700];
	int rcvbuf = 1280;
	struct tpc_sock *s = NULL;
	struct tpc_hdr h;
	char *r;

	r = tpc_open_ring(t, SOCK_RAW, 4096, 1, 256, &s);
	REQUIRE(t, r);
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 1));
	REQUIRE(t, !t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				       sizeof(rcvbuf)));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	/* tp_mac 66: 190 bytes fill the 256-byte frame */
	REQUIRE(t, !tpc_inject(t, s, pkt, 190));
	tpc_hdr(t, tpc_frame(r, 4096, 256, 0), &h);
	EXPECT_HEX(t, "frame 0 (190 bytes) status", TP_STATUS_USER,
		   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
	EXPECT_EQ(t, "frame 0 tp_mac", 66, h.mac);
	EXPECT_EQ(t, "frame 0 tp_snaplen", 190, h.snaplen);
	for (int i = 0; i < 3; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	for (uint32_t i = 1; i < 4; i++) {
		tpc_note(t, "frame %u", i);
		tpc_hdr(t, tpc_frame(r, 4096, 256, i), &h);
		EXPECT_HEX(t, "status (COPY while rmem_alloc < rcvbuf)",
			   TP_STATUS_USER | (i < 3 ? TP_STATUS_COPY : 0),
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_snaplen", 190, h.snaplen);
		EXPECT_EQ(t, "tp_len", 600, h.len);
	}
	tpc_note(t, "the receive queue");
	EXPECT_EQ(t, "recv 1", 600, t->ops->recv(s, got, sizeof(got),
						  MSG_DONTWAIT));
	EXPECT_EQ(t, "recv 2", 600, t->ops->recv(s, got, sizeof(got),
						  MSG_DONTWAIT));
	EXPECT_ERRNO(t, "recv 3", -EAGAIN,
		     t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
}

/* R9: the stamp is the clock's time of arrival: between clock readings
 * before and after the frame (CLOCK_REALTIME; V1 keeps microseconds,
 * V2 nanoseconds). Half a second first, so the stamp's fraction is
 * large (a wrong unit shows). */
static void timestamp_bounds(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	uint8_t pkt[60];
	int64_t t0, t1, ts;
	struct tpc_hdr h;
	char *r;

	if (!TPC_OPS_HAS(t->ops, clock_ns)) {
		tpc_skip(t, "the backend has no clock_ns");
		return;
	}
	r = tpc_open_ring(t, SOCK_RAW, 4096, 1, 2048, &s);
	REQUIRE(t, r);
	REQUIRE(t, !tpc_sleep_ms(t, s, 500));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	t0 = t->ops->clock_ns(s);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	t1 = t->ops->clock_ns(s);
	tpc_hdr(t, r, &h);
	if (t->version == TPACKET_V1) {
		t0 -= t0 % 1000;
		ts = (int64_t)h.sec * 1000000000 + (int64_t)h.frac * 1000;
	} else {
		ts = (int64_t)h.sec * 1000000000 + h.frac;
	}
	if (ts < t0 || ts > t1) {
		tpc_fail(t, __LINE__, "stamp %lld ns outside the clock's %lld "
			 "to %lld ns", (long long)ts, (long long)t0,
			 (long long)t1);
		return;
	}
	EXPECT_TRUE(t, "fraction below a second",
		    h.frac < (t->version == TPACKET_V1 ? 1000000u
						      : 1000000000u));
}

/* B1: a block's ts_first_pkt is the time it was opened (prb_open_block),
 * ts_last_pkt its last packet's stamp: both between clock readings,
 * after half a second (a fraction left out shows). */
static void block_timestamps(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 2,
				  .tp_frame_size = 2048, .tp_frame_nr = 4,
				  .tp_retire_blk_tov = 10 };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	uint8_t pkt[60];
	int64_t t0, t1, first, last, pkt_ts;
	char *r;

	REQUIRE(t, s);
	if (!TPC_OPS_HAS(t->ops, clock_ns)) {
		tpc_skip(t, "the backend has no clock_ns");
		return;
	}
	REQUIRE(t, !tpc_sleep_ms(t, s, 500));
	t0 = t->ops->clock_ns(s);
	REQUIRE(t, !tpc_req3(t, s, PACKET_RX_RING, &q));
	r = tpc_map_all(t, s, 8192);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	t1 = t->ops->clock_ns(s);
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));	/* the timer retires it */
	b = (void *)r;
	EXPECT_HEX(t, "block 0 status", TP_STATUS_USER | TP_STATUS_BLK_TMO,
		   tpc_block_status(b));
	h = (void *)(r + b->hdr.bh1.offset_to_first_pkt);
	first = (int64_t)b->hdr.bh1.ts_first_pkt.ts_sec * 1000000000 +
		b->hdr.bh1.ts_first_pkt.ts_nsec;
	last = (int64_t)b->hdr.bh1.ts_last_pkt.ts_sec * 1000000000 +
	       b->hdr.bh1.ts_last_pkt.ts_nsec;
	pkt_ts = (int64_t)h->tp_sec * 1000000000 + h->tp_nsec;
	if (first < t0 || first > t1) {
		tpc_fail(t, __LINE__, "ts_first_pkt %lld ns outside %lld to "
			 "%lld", (long long)first, (long long)t0,
			 (long long)t1);
		return;
	}
	EXPECT_EQ(t, "ts_last_pkt (ns) is the packet's stamp", pkt_ts, last);
}

/* B5 with O10: a V3 packet whose tp_mac would lie past what a block
 * holds is cut to nothing at the block's end, and gets no virtio-net
 * header either (tpacket_rcv: do_vnet = false): reserve 3980 with a
 * 10-byte header puts tp_mac at 4072, past 4048. The header's place
 * stays as the ring was (zero), though the checksum was partial. */
static void v3_no_room_no_vnet(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 2,
				  .tp_frame_size = 4096, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10 };
	uint8_t pkt[60];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 34, .csum_offset = 6 };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 3980));
	EXPECT_ERRNO(t, "PACKET_RX_RING (G6 exactly: 48 + 68 + 3980)", 0,
		     tpc_req3(t, s, PACKET_RX_RING, &q));
	r = tpc_map_all(t, s, 8192);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	pkt[14] = 0x45;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));
	/* it fills a block: the open one closes empty, block 1 takes it */
	b = (void *)r;
	EXPECT_TRUE(t, "block 0 retired", tpc_block_status(b) & TP_STATUS_USER);
	EXPECT_EQ(t, "block 0 num_pkts", 0, b->hdr.bh1.num_pkts);
	b = (void *)(r + 4096);
	EXPECT_TRUE(t, "block 1 retired", tpc_block_status(b) & TP_STATUS_USER);
	EXPECT_EQ(t, "block 1 num_pkts", 1, b->hdr.bh1.num_pkts);
	h = (void *)((char *)b + b->hdr.bh1.offset_to_first_pkt);
	EXPECT_EQ(t, "tp_len", 60, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen", 0, h->tp_snaplen);
	EXPECT_EQ(t, "tp_mac (the block's end)", 4048, h->tp_mac);
	for (int i = 4086; i < 4096; i++)
		EXPECT_HEX(t, "no virtio-net header before the block's end", 0,
			   (uint8_t)r[4096 + i]);
}

/* B5 with O10 at the edge: tp_mac exactly at what a block holds (reserve
 * 3956: 4048) leaves no byte of the packet, but the virtio-net header
 * still goes before it (snaplen 0 is not past the end). */
static void v3_vnet_at_block_end(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 2,
				  .tp_frame_size = 4096, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10 };
	uint8_t pkt[60];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 34, .csum_offset = 6 };
	struct tpacket3_hdr *h = NULL;
	const uint8_t *vh;
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, 3956));
	EXPECT_ERRNO(t, "PACKET_RX_RING", 0,
		     tpc_req3(t, s, PACKET_RX_RING, &q));
	r = tpc_map_all(t, s, 8192);
	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	pkt[14] = 0x45;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));
	for (int i = 0; i < 2 && !h; i++) {
		struct tpacket_block_desc *b = (void *)(r + 4096 * i);

		if (b->hdr.bh1.num_pkts == 1)
			h = (void *)((char *)b + b->hdr.bh1.offset_to_first_pkt);
	}
	EXPECT_TRUE(t, "a block with the packet", h);
	EXPECT_EQ(t, "tp_len", 60, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen", 0, h->tp_snaplen);
	EXPECT_EQ(t, "tp_mac", 4048, h->tp_mac);
	vh = (const uint8_t *)h + h->tp_mac - 10;
	EXPECT_HEX(t, "virtio-net flags (NEEDS_CSUM)", 1, vh[0]);
	EXPECT_EQ(t, "csum_start", 34, vh[6] | vh[7] << 8);
	EXPECT_EQ(t, "csum_offset", 6, vh[8] | vh[9] << 8);
}

/* S1's neighbour: sk_getsockopt reads the length as an int, so a
 * negative one is EINVAL, for SO_RCVBUF and SO_SNDBUF alike. */
static void sockbuf_optlen(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	socklen_t len = (socklen_t)-1;
	int v = 0;

	REQUIRE(t, s);
	EXPECT_ERRNO(t, "SO_RCVBUF, optlen -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
	len = (socklen_t)-1;
	EXPECT_ERRNO(t, "SO_SNDBUF, optlen -1", -EINVAL,
		     t->ops->getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len));
}

const struct tpc_case tpc_cases_rcvbuf[] = {
	{ "sockbuf.negative_optlen", "S1", 0, .fn = sockbuf_optlen },
	{ "blocks.vnet_at_block_end", "B5 O10", TPC_V3,
	  .fn = v3_vnet_at_block_end, .needs = TPC_CAP_CSUM },
	{ "blocks.no_room_no_vnet", "B5 O10", TPC_V3,
	  .fn = v3_no_room_no_vnet, .needs = TPC_CAP_CSUM },
	{ "blocks.timestamps", "B1", TPC_V3, .fn = block_timestamps },
	{ "layout.timestamp_bounds", "R9", TPC_V12, .fn = timestamp_bounds },
	{ "ring.copy_edges", "R4 R5", TPC_V12, .fn = copy_edges },
	{ "stats.vnet_hdr_csum_recv", "O10", 0, .fn = vnet_hdr_csum_recv,
	  .needs = TPC_CAP_CSUM },
	/* the classes are a TAP's (tun's skbs); frames a second socket
	 * sends on lo cost what packet_snd allocated */
	{ "sockbuf.truesize_classes", "S1 O7", 0, .fn = truesize_classes,
	  .needs = TPC_CAP_TAP_LINK },
	{ NULL },
};
