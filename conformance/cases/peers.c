// SPDX-License-Identifier: MIT
/*
 * Description: what other projects' suites (the kernel selftests, gVisor,
 * LTP) and real captures showed of the kernel that this suite had not
 * asked: socket buffer sizes (S1), mappings that outlive close (M4),
 * outgoing copies (R13), stacked VLAN tags on SOCK_DGRAM (R14), a tp_net
 * past 16 bits (R15) and the sequences of LTP's and the selftests'
 * reproducers; protocol filtering (R16), the option surface (O9) and the
 * virtio-net header (O10) are in peers_opt.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "../tpc.h"

/* Close s now; its mappings stay in the case's list with no socket, so
 * the runner frees them with munmap(NULL, ...) as the case would. */
static void close_sock(struct tpc_t *t, struct tpc_sock *s)
{
	for (int i = 0; i < t->nsocks; i++) {
		if (t->socks[i] != s)
			continue;
		t->socks[i] = t->socks[--t->nsocks];
		break;
	}
	for (int i = 0; i < t->nmaps; i++)
		if (t->maps[i].s == s)
			t->maps[i].s = NULL;
	t->ops->sock_close(s);
}

static int unmap_closed(struct tpc_t *t, void *addr)
{
	for (int i = 0; i < t->nmaps; i++) {
		if (t->maps[i].addr != addr)
			continue;
		int err = t->ops->munmap(NULL, addr, t->maps[i].len);

		t->maps[i] = t->maps[--t->nmaps];
		return err;
	}
	return -EINVAL;
}

static long host_limit(const char *name)
{
	char path[64];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/core/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int sockopt_rw(struct tpc_t *t, struct tpc_sock *s, int opt, int val,
		      int *back)
{
	socklen_t len = sizeof(*back);
	int err = t->ops->setsockopt(s, SOL_SOCKET, opt, &val, sizeof(val));

	if (!err)
		err = t->ops->getsockopt(s, SOL_SOCKET, opt, back, &len);
	if (err)
		tpc_fail(t, __LINE__, "SOL_SOCKET %d = %d: %s", opt, val,
			 tpc_errname(err));
	return err;
}

/* S1: a new socket starts at the host's rmem_default/wmem_default
 * (sock_init_data; netsniff-ng raises them to 4194304 while it runs);
 * sock_setsockopt takes the value as unsigned, caps it at the host's
 * rmem_max/wmem_max, doubles it, raises it to the minimum. */
static void sockbuf_values(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	long rmax = host_limit("rmem_max"), wmax = host_limit("wmem_max");
	long rdef = host_limit("rmem_default");
	long wdef = host_limit("wmem_default");
	static const struct {
		int val;
		int rcv, snd;	/* -1: 2 x the host's maximum */
	} cases[] = {
		{ -1, -1, -1 }, { INT_MAX, -1, -1 }, { INT_MIN, -1, -1 },
		{ 0, 2304, 4608 }, { 1, 2304, 4608 }, { 1152, 2304, 4608 },
		{ 1153, 2306, 4608 }, { 2305, 4610, 4610 },
		{ 100000, 200000, 200000 },
	};
	int v;

	REQUIRE(t, s);
	if (rmax <= 0 || wmax <= 0 || rmax > INT_MAX / 2 ||
	    wmax > INT_MAX / 2) {
		tpc_skip(t, "/proc/sys/net/core/rmem_max or wmem_max unreadable");
		return;
	}
	if (rdef > 0 && wdef > 0) {
		socklen_t len = sizeof(v);

		tpc_note(t, "new socket, rmem_default %ld wmem_default %ld",
			 rdef, wdef);
		REQUIRE(t, !t->ops->getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v,
						 &len));
		EXPECT_EQ(t, "SO_RCVBUF of a new socket", rdef, v);
		REQUIRE(t, !t->ops->getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v,
						 &len));
		EXPECT_EQ(t, "SO_SNDBUF of a new socket", wdef, v);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long want = cases[i].rcv < 0 ? 2 * rmax : cases[i].rcv;

		if (cases[i].val == 100000 && rmax < 100000)
			want = 2 * rmax;
		tpc_note(t, "SO_RCVBUF %d, rmem_max %ld", cases[i].val, rmax);
		REQUIRE(t, !sockopt_rw(t, s, SO_RCVBUF, cases[i].val, &v));
		EXPECT_EQ(t, "SO_RCVBUF read back", want, v);
		want = cases[i].snd < 0 ? 2 * wmax : cases[i].snd;
		if (cases[i].val == 100000 && wmax < 100000)
			want = 2 * wmax;
		tpc_note(t, "SO_SNDBUF %d, wmem_max %ld", cases[i].val, wmax);
		REQUIRE(t, !sockopt_rw(t, s, SO_SNDBUF, cases[i].val, &v));
		EXPECT_EQ(t, "SO_SNDBUF read back", want, v);
	}
	tpc_note(t, "short optlen");
	EXPECT_ERRNO(t, "SO_RCVBUF optlen 2", -EINVAL,
		     t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, 2));
}

/* M4: close() leaves the mapping valid; munmap frees it later. */
static void close_while_mapped(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	uint8_t pkt[60];
	char *r;

	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	if (t->version == TPACKET_V3) {
		struct tpacket_block_desc *b;
		struct tpacket3_hdr *h;

		r = tpc_open_v3(t, 4096, 2, 60000, 0, 0, &s);
		REQUIRE(t, r);
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		close_sock(t, s);
		b = (struct tpacket_block_desc *)r;
		h = (struct tpacket3_hdr *)(r + b->hdr.bh1.offset_to_first_pkt);
		EXPECT_EQ(t, "num_pkts after close", 1, b->hdr.bh1.num_pkts);
		EXPECT_EQ(t, "tp_len after close", 60, h->tp_len);
		b->hdr.bh1.block_status = TP_STATUS_USER;	/* a write */
		EXPECT_HEX(t, "block status written after close",
			   TP_STATUS_USER, tpc_block_status(b));
	} else {
		struct tpc_hdr h;

		r = tpc_open_ring(t, SOCK_RAW, 4096, 2, 2048, &s);
		REQUIRE(t, r);
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		close_sock(t, s);
		tpc_hdr(t, r, &h);
		/* TS_SOFTWARE: whether the skb had a stamp, which any
		 * socket of the host asking for stamps turns on for all */
		EXPECT_HEX(t, "status after close", TP_STATUS_USER,
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_len after close", 60, h.len);
		tpc_release(t, r);	/* a write */
		EXPECT_HEX(t, "status written after close", TP_STATUS_KERNEL,
			   tpc_status(t, r));
	}
	EXPECT_ERR(t, unmap_closed(t, r), 0);
}

/* M4 for the TX ring: the frames stay writable after close. */
static void close_while_mapped_tx(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);

	REQUIRE(t, r);
	close_sock(t, s);
	tpc_set_status(t, r + 2048, TP_STATUS_SEND_REQUEST);
	EXPECT_HEX(t, "TX frame 1 written after close", TP_STATUS_SEND_REQUEST,
		   tpc_status(t, r + 2048));
	EXPECT_HEX(t, "TX frame 0 after close", TP_STATUS_AVAILABLE,
		   tpc_status(t, r));
	EXPECT_ERR(t, unmap_closed(t, r), 0);
}

/* One IPv4 frame out of a TX ring on a third socket. */
static int send_ipv4(struct tpc_t *t, struct tpc_sock *tx, char *r,
		     uint32_t len)
{
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t *d = (uint8_t *)r + off;

	tpc_eth(d, len, tpc_bcast, ETH_P_IP);
	d[14] = 0x45;
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)r)->tp_len = len;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)r)->tp_len = len;
	else
		((struct tpacket3_hdr *)r)->tp_len = len;
	tpc_set_status(t, r, TP_STATUS_SEND_REQUEST);
	return (int)tpc_send(t, tx, NULL, 0);
}

/* R13: a frame sent through the device reaches the ETH_P_ALL sockets as
 * PACKET_OUTGOING, never a socket bound to its protocol, never one with
 * PACKET_IGNORE_OUTGOING, never the sender; PACKET_QDISC_BYPASS skips
 * the taps altogether. */
static void outgoing_all_only(struct tpc_t *t)
{
	struct tpc_sock *all, *ip, *ign, *tx = NULL;
	char *ra, *ri, *rg, *rt;
	uint8_t wire[2048];
	unsigned int p, d;
	struct tpc_hdr h;
	struct sockaddr_ll *sll;
	int v12 = t->version == TPACKET_V3 ? TPACKET_V2 : t->version;
	int saved = t->version;

	/* the receivers use V1/V2 frames; the sender the case's version */
	t->version = v12;
	ra = tpc_open_ring(t, SOCK_RAW, 4096, 1, 2048, &all);
	REQUIRE(t, ra);
	ip = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, ip);
	ri = tpc_ring_map(t, ip, 4096, 1, 2048);
	REQUIRE(t, ri);
	ign = tpc_open(t, SOCK_RAW);
	REQUIRE(t, ign);
	REQUIRE(t, !tpc_setint(t, ign, PACKET_IGNORE_OUTGOING, 1));
	rg = tpc_ring_map(t, ign, 4096, 1, 2048);
	REQUIRE(t, rg);
	t->version = saved;
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	EXPECT_EQ(t, "send", 98, send_ipv4(t, tx, rt, 98));
	EXPECT_EQ(t, "on the wire", 98,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	t->version = v12;
	tpc_hdr(t, ra, &h);
	EXPECT_HEX(t, "ETH_P_ALL socket: frame 0", TP_STATUS_USER,
		   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
	EXPECT_EQ(t, "ETH_P_ALL socket: tp_len", 98, h.len);
	EXPECT_EQ(t, "ETH_P_ALL socket: tp_mac", 66, h.mac);
	EXPECT_EQ(t, "ETH_P_ALL socket: tp_net", 80, h.net);
	sll = (struct sockaddr_ll *)(ra + 32);
	EXPECT_EQ(t, "sll_pkttype", PACKET_OUTGOING, sll->sll_pkttype);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_IP), sll->sll_protocol);
	EXPECT_HEX(t, "ETH_P_IP socket: frame 0", TP_STATUS_KERNEL,
		   tpc_status(t, ri));
	EXPECT_HEX(t, "PACKET_IGNORE_OUTGOING socket: frame 0",
		   TP_STATUS_KERNEL, tpc_status(t, rg));
	REQUIRE(t, !tpc_stats(t, ip, &p, &d));
	EXPECT_EQ(t, "ETH_P_IP socket: tp_packets", 0, p);
	REQUIRE(t, !tpc_stats(t, ign, &p, &d));
	EXPECT_EQ(t, "PACKET_IGNORE_OUTGOING socket: tp_packets", 0, p);
	REQUIRE(t, !tpc_stats(t, all, &p, &d));
	EXPECT_EQ(t, "ETH_P_ALL socket: tp_packets", 1, p);
	/* with PACKET_QDISC_BYPASS no tap sees it */
	t->version = saved;
	REQUIRE(t, !tpc_setint(t, tx, PACKET_QDISC_BYPASS, 1));
	EXPECT_EQ(t, "send with PACKET_QDISC_BYPASS", 98,
		  send_ipv4(t, tx, rt + 2048, 98));
	EXPECT_EQ(t, "on the wire", 98,
		  tpc_wire_read(t, tx, wire, sizeof(wire), 1000));
	t->version = v12;
	EXPECT_HEX(t, "ETH_P_ALL socket: frame 1 after a bypassing send",
		   TP_STATUS_KERNEL, tpc_status(t, ra + 2048));
	t->version = saved;
}

/* R14: stacked tags (802.1ad TCI 200 outside 802.1Q TCI 100) around ARP:
 * the outer tag is taken off; SOCK_DGRAM names the innermost ethertype,
 * SOCK_RAW the inner tag's TPID. */
static void vlan_stacked(struct tpc_t *t, int type)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 200, 0x81, 0x00,
					0x00, 100, 0x08, 0x06, 0x00, 0x01 };
	struct tpc_sock *s;
	uint8_t pkt[64];
	struct tpc_hdr h;
	struct sockaddr_ll *sll;
	char *r = tpc_open_ring(t, type, 4096, 1, 2048, &s);

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0);
	memcpy(pkt + 12, tags, sizeof(tags));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, r, &h);
	sll = (struct sockaddr_ll *)(r + 32);
	if (t->version == TPACKET_V2) {
		EXPECT_HEX(t, "status", TP_STATUS_USER | TP_STATUS_VLAN_VALID |
					   TP_STATUS_VLAN_TPID_VALID,
			   h.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE);
		EXPECT_EQ(t, "tp_vlan_tci", 200, h.vlan_tci);
		EXPECT_HEX(t, "tp_vlan_tpid", 0x88a8, h.vlan_tpid);
	}
	EXPECT_EQ(t, "tp_len", type == SOCK_DGRAM ? 46 : 60, h.len);
	EXPECT_HEX(t, "sll_protocol",
		   htons(type == SOCK_DGRAM ? ETH_P_ARP : ETH_P_8021Q),
		   sll->sll_protocol);
}

static void vlan_stacked_dgram(struct tpc_t *t)
{
	vlan_stacked(t, SOCK_DGRAM);
}

static void vlan_stacked_raw(struct tpc_t *t)
{
	vlan_stacked(t, SOCK_RAW);
}

/* R15: tpacket_rcv drops a packet whose tp_net would not fit 16 bits
 * (the shape of CVE-2020-14386); one byte less of reserve fits. */
static void net_past_16_bits(struct tpc_t *t, int type)
{
	/* ALIGN16(tp_hdrlen + 16) = 80 (V1/V2) or 96 (V3), for RAW (a
	 * 14-byte header counts as 16) and DGRAM alike */
	unsigned int base = t->version == TPACKET_V3 ? 96 : 80;
	uint8_t pkt[60];

	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	for (int fits = 1; fits >= 0; fits--) {
		unsigned int reserve = 65535 - base + !fits;
		struct tpc_sock *s = tpc_open(t, type);
		struct tpacket_req3 q = { .tp_block_size = 69632,
					  .tp_block_nr = 1,
					  .tp_frame_size = 69632,
					  .tp_frame_nr = 1,
					  .tp_retire_blk_tov = 10 };
		unsigned int p, d;
		char *r;

		REQUIRE(t, s);
		tpc_note(t, "reserve %u", reserve);
		REQUIRE(t, !tpc_setint(t, s, PACKET_RESERVE, (int)reserve));
		EXPECT_ERR(t, t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING,
						 &q, t->version == TPACKET_V3
							     ? sizeof(q)
							     : sizeof(struct tpacket_req)),
			   0);
		r = tpc_map_all(t, s, 69632);
		REQUIRE(t, r);
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		if (t->version == TPACKET_V3) {
			REQUIRE(t, !tpc_sleep_ms(t, s, fits ? 100 : 30));
			if (fits) {
				EXPECT_TRUE(t, "the block is retired with the "
					       "packet",
					    tpc_block_status(r) & TP_STATUS_USER);
				struct tpacket_block_desc *b = (void *)r;
				struct tpacket3_hdr *h3 = (void *)(
					r + b->hdr.bh1.offset_to_first_pkt);

				EXPECT_EQ(t, "num_pkts", 1,
					  b->hdr.bh1.num_pkts);
				EXPECT_EQ(t, "tp_net", 65535, h3->tp_net);
				EXPECT_EQ(t, "tp_mac",
					  type == SOCK_RAW ? 65521 : 65535,
					  h3->tp_mac);
			} else {
				EXPECT_HEX(t, "block 0", TP_STATUS_KERNEL,
					   tpc_block_status(r));
			}
		} else {
			struct tpc_hdr h;

			tpc_hdr(t, r, &h);
			if (fits) {
				EXPECT_HEX(t, "frame 0", TP_STATUS_USER,
					   h.status & TP_STATUS_USER);
				EXPECT_EQ(t, "tp_net", 65535, h.net);
				EXPECT_EQ(t, "tp_mac",
					  type == SOCK_RAW ? 65521 : 65535,
					  h.mac);
			} else {
				EXPECT_HEX(t, "frame 0", TP_STATUS_KERNEL,
					   h.status);
			}
		}
		REQUIRE(t, !tpc_stats(t, s, &p, &d));
		EXPECT_EQ(t, "tp_drops", !fits, d);
		EXPECT_EQ(t, "tp_packets", 1, p);
	}
}

static void net_past_16_bits_raw(struct tpc_t *t)
{
	net_past_16_bits(t, SOCK_RAW);
}

static void net_past_16_bits_dgram(struct tpc_t *t)
{
	net_past_16_bits(t, SOCK_DGRAM);
}

/* B5/B1: a packet too big for any block closes the open, empty block
 * (blk_len is the bare descriptor) and is cut to the next block. */
static void jumbo_empty_block_len(struct tpc_t *t)
{
	static uint8_t pkt[9000];
	struct tpc_sock *s;
	char *r = tpc_open_v3(t, 4096, 2, 10, 0, 0, &s);
	struct tpacket_block_desc *b0 = (void *)r, *b1 = (void *)(r + 4096);
	struct tpacket3_hdr *h;

	REQUIRE(t, r);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_sleep_ms(t, s, 100));
	EXPECT_HEX(t, "block 0", TP_STATUS_USER, tpc_block_status(b0));
	EXPECT_EQ(t, "block 0 num_pkts", 0, b0->hdr.bh1.num_pkts);
	EXPECT_EQ(t, "block 0 blk_len", 48, b0->hdr.bh1.blk_len);
	EXPECT_TRUE(t, "block 1 retired", tpc_block_status(b1) & TP_STATUS_USER);
	EXPECT_EQ(t, "block 1 num_pkts", 1, b1->hdr.bh1.num_pkts);
	h = (void *)((char *)b1 + b1->hdr.bh1.offset_to_first_pkt);
	EXPECT_EQ(t, "tp_len", 9000, h->tp_len);
	EXPECT_EQ(t, "tp_snaplen", 3966, h->tp_snaplen);
	EXPECT_EQ(t, "tp_mac", 82, h->tp_mac);
	EXPECT_EQ(t, "tp_net", 96, h->tp_net);
}

/* LTP setsockopt09 (CVE-2021-22600): a V3 ring with a feature word, torn
 * down with the same request zeroed in block_nr/frame_nr, then V2, the
 * 28-byte request zeroed as a teardown, and a V2 ring: all succeed. */
static void setsockopt09_sequence(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 4096, .tp_frame_nr = 1,
				  .tp_retire_blk_tov = 64,
				  .tp_feature_req_word =
					  TP_FT_REQ_FILL_RXHASH };

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VERSION, TPACKET_V3));
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	q.tp_block_nr = q.tp_frame_nr = 0;
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	EXPECT_ERR(t, tpc_setint(t, s, PACKET_VERSION, TPACKET_V2), 0);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &q), 0);
	q.tp_block_nr = q.tp_frame_nr = 1;
	EXPECT_ERR(t, t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
					 sizeof(struct tpacket_req)),
		   0);
}

/* txring_overwrite: a sent frame, once AVAILABLE, is rewritten and sent
 * again; the wire sees the first bytes, then the second. */
static void tx_frame_reuse(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 4096, 1, &s);
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t got[2048];

	REQUIRE(t, r);
	for (int i = 0; i < 2; i++) {
		uint8_t *d = (uint8_t *)r + off;
		uint32_t len = i ? 80 : 100;

		tpc_note(t, "send %d", i + 1);
		EXPECT_HEX(t, "frame before writing", TP_STATUS_AVAILABLE,
			   tpc_status(t, r));
		tpc_eth(d, len, tpc_bcast, 0x88b5);
		memset(d + 14, i ? 0xbb : 0xaa, len - 14);
		if (t->version == TPACKET_V1)
			((struct tpacket_hdr *)r)->tp_len = len;
		else if (t->version == TPACKET_V2)
			((struct tpacket2_hdr *)r)->tp_len = len;
		else
			((struct tpacket3_hdr *)r)->tp_len = len;
		tpc_set_status(t, r, TP_STATUS_SEND_REQUEST);
		EXPECT_EQ(t, "send", len, tpc_send(t, s, NULL, 0));
	}
	for (int i = 0; i < 2; i++) {
		tpc_note(t, "wire frame %d", i + 1);
		EXPECT_EQ(t, "wire length", i ? 80 : 100,
			  tpc_wire_read(t, s, got, sizeof(got), 1000));
		EXPECT_HEX(t, "wire payload byte", i ? 0xbb : 0xaa, got[20]);
	}
}

/* No ring, SO_RCVBUF 1 (the 2304-byte minimum): the receive queue takes
 * three 142-byte frames; the rest are dropped, and counted. */
static void no_ring_small_rcvbuf(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t pkt[142], got[200];
	unsigned int p, d;
	int one = 1, n = 0;

	REQUIRE(t, s);
	EXPECT_ERR(t, t->ops->setsockopt(s, SOL_SOCKET, SO_RCVBUF, &one,
					 sizeof(one)),
		   0);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x88b5);
	for (int i = 0; i < 50; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets", 50, p);
	EXPECT_EQ(t, "tp_drops", 47, d);
	while (t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT) == 142)
		n++;
	EXPECT_EQ(t, "frames queued", 3, n);
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_packets read again", 0, p);
	EXPECT_EQ(t, "tp_drops read again", 0, d);
}

const struct tpc_case tpc_cases_peers[] = {
	{ "sockbuf.rcvbuf_sndbuf_values", "S1", 0, .fn = sockbuf_values },
	{ "mmap.close_while_mapped", "M4 M1", TPC_V123,
	  .fn = close_while_mapped },
	{ "mmap.close_while_mapped_tx", "M4", TPC_V123,
	  .fn = close_while_mapped_tx },
	{ "outgoing.eth_p_all_only", "R13", TPC_V123,
	  .fn = outgoing_all_only, .needs = TPC_CAP_WIRE },
	{ "flags.vlan_stacked_dgram", "R14 R8", TPC_V12,
	  .fn = vlan_stacked_dgram },
	{ "flags.vlan_stacked_raw", "R14 R8", TPC_V12,
	  .fn = vlan_stacked_raw },
	{ "layout.net_past_16_bits_raw", "R15 R3", TPC_V123,
	  .fn = net_past_16_bits_raw },
	{ "layout.net_past_16_bits_dgram", "R15 R3", TPC_V123,
	  .fn = net_past_16_bits_dgram },
	{ "blocks.jumbo_empty_block_len", "B5 B1", TPC_V3,
	  .fn = jumbo_empty_block_len },
	{ "ring.setsockopt09_sequence", "G2 O2", 0,
	  .fn = setsockopt09_sequence },
	{ "tx.frame_reuse", "T1", TPC_V123, .fn = tx_frame_reuse,
	  .needs = TPC_CAP_WIRE },
	{ "stats.no_ring_small_rcvbuf", "S1 O7", 0,
	  .fn = no_ring_small_rcvbuf },
	{ .name = NULL },
};
