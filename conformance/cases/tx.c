// SPDX-License-Identifier: MIT
/*
 * The TX ring (T1-T3, G13, M1, M2, P2), for V1, V2 and V3: what send()
 * takes from the ring, in which order, what reaches the wire (the TAP fd
 * on the kernel), the statuses a malformed frame leaves, PACKET_LOSS,
 * the MTU, SOCK_DGRAM headers, PACKET_TX_HAS_OFF, RX and TX in one mapping
 * and POLLOUT.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <string.h>

#include "../tpc.h"

#define WIRE_WAIT 1000	/* ms for a sent frame to reach the wire */

/* TPACKET_ALIGN(sizeof hdr): where the data goes without TX_HAS_OFF */
static uint32_t data_off(const struct tpc_t *t)
{
	return t->version == TPACKET_V3 ? 48 : 32;
}

static void *frame(char *ring, unsigned int fsize, uint32_t i)
{
	return tpc_frame(ring, 4096, fsize, i);
}

static void set_len(const struct tpc_t *t, void *h, uint32_t len)
{
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_len = len;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_len = len;
	else
		((struct tpacket3_hdr *)h)->tp_len = len;
}

/* Put an Ethernet frame of len bytes in h and request it. */
static void put(const struct tpc_t *t, void *h, uint32_t len, uint16_t type)
{
	uint8_t *d = (uint8_t *)h + data_off(t);

	if (len >= ETH_HLEN)
		tpc_eth(d, len, tpc_bcast, type);
	set_len(t, h, len);
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
}

static void send_and_wire(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	uint8_t want[100], got[2048];

	REQUIRE(t, r);
	EXPECT_HEX(t, "a new TX frame", TP_STATUS_AVAILABLE,
		   tpc_status(t, frame(r, 2048, 0)));
	put(t, frame(r, 2048, 0), 100, 0x88b5);
	EXPECT_EQ(t, "send", 100, tpc_send(t, s, NULL, 0));
	EXPECT_HEX(t, "frame 0 after send", TP_STATUS_AVAILABLE,
		   tpc_status(t, frame(r, 2048, 0)));
	EXPECT_EQ(t, "bytes on the wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	tpc_eth(want, sizeof(want), tpc_bcast, 0x88b5);
	EXPECT_TRUE(t, "the wire carries the frame's bytes",
		    !memcmp(want, got, sizeof(want)));
	EXPECT_ERR(t, tpc_wire_read(t, s, got, sizeof(got), 50), -EAGAIN);
}

static void walk_stops_at_first_free(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	uint8_t got[2048];

	REQUIRE(t, r);
	put(t, frame(r, 2048, 0), 100, 0x88b5);
	put(t, frame(r, 2048, 2), 80, 0x88b5);	/* after a free frame */
	EXPECT_EQ(t, "send", 100, tpc_send(t, s, NULL, 0));
	EXPECT_HEX(t, "frame 2 left alone", TP_STATUS_SEND_REQUEST,
		   tpc_status(t, frame(r, 2048, 2)));
	EXPECT_EQ(t, "second send (head at the free frame 1)", 0,
		  tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "one frame on the wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_ERR(t, tpc_wire_read(t, s, got, sizeof(got), 50), -EAGAIN);
	/* filling frame 1 lets the walk reach frame 2 */
	put(t, frame(r, 2048, 1), 90, 0x88b5);
	EXPECT_EQ(t, "third send", 170, tpc_send(t, s, NULL, 0));
}

static void wrong_format(struct tpc_t *t, bool loss)
{
	struct tpc_sock *s = NULL;
	char *r;
	uint8_t got[2048];

	s = tpc_open(t, SOCK_RAW);
	REQUIRE(t, s);
	if (loss)
		REQUIRE(t, !tpc_setint(t, s, PACKET_LOSS, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	put(t, frame(r, 2048, 0), 100, 0x88b5);
	set_len(t, frame(r, 2048, 0), 3000);	/* beyond the frame */
	put(t, frame(r, 2048, 1), 100, 0x88b5);
	if (!loss) {
		EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EMSGSIZE);
		EXPECT_HEX(t, "frame 0", TP_STATUS_WRONG_FORMAT,
			   tpc_status(t, frame(r, 2048, 0)));
		EXPECT_HEX(t, "frame 1 (the walk stopped)",
			   TP_STATUS_SEND_REQUEST,
			   tpc_status(t, frame(r, 2048, 1)));
		EXPECT_ERR(t, tpc_wire_read(t, s, got, sizeof(got), 50),
			   -EAGAIN);
		return;
	}
	EXPECT_EQ(t, "send with PACKET_LOSS", 100, tpc_send(t, s, NULL, 0));
	EXPECT_HEX(t, "frame 0 skipped", TP_STATUS_AVAILABLE,
		   tpc_status(t, frame(r, 2048, 0)));
	EXPECT_HEX(t, "frame 1 sent", TP_STATUS_AVAILABLE,
		   tpc_status(t, frame(r, 2048, 1)));
	EXPECT_EQ(t, "wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
}

static void wrong_format_stops(struct tpc_t *t)
{
	wrong_format(t, false);
}

static void loss_skips(struct tpc_t *t)
{
	wrong_format(t, true);
}

static void mtu_limits(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 4096, 4, &s);
	uint8_t got[4096];

	REQUIRE(t, r);
	put(t, frame(r, 4096, 0), 1514, 0x88b5);
	EXPECT_EQ(t, "send 1514 (MTU 1500 + 14)", 1514,
		  tpc_send(t, s, NULL, 0));
	put(t, frame(r, 4096, 1), 1515, 0x88b5);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EMSGSIZE);
	EXPECT_HEX(t, "frame 1", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, frame(r, 4096, 1)));
	put(t, frame(r, 4096, 1), 1518, ETH_P_8021Q);
	EXPECT_EQ(t, "send 1518 with an 802.1Q tag", 1518,
		  tpc_send(t, s, NULL, 0));
	put(t, frame(r, 4096, 2), 1519, ETH_P_8021Q);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EMSGSIZE);
	put(t, frame(r, 4096, 2), 13, 0);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "frame shorter than the link header",
		   TP_STATUS_WRONG_FORMAT, tpc_status(t, frame(r, 4096, 2)));
	EXPECT_EQ(t, "wire 1", 1514,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_EQ(t, "wire 2", 1518,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
}

/* T2 for SOCK_DGRAM: the data may be the MTU long (the link header is
 * the device's to add), 4 more with an 802.1Q protocol
 * (packet_extra_vlan_len_allowed), no more. */
static void mtu_limits_dgram(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	static const struct {
		uint32_t len;
		uint16_t proto;
		int want;
	} c[] = {
		{ 1500, 0x88b5, 1500 }, { 1501, 0x88b5, -EMSGSIZE },
		{ 1504, ETH_P_8021Q, 1504 }, { 1505, ETH_P_8021Q, -EMSGSIZE },
	};
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_DGRAM, 4096, 4, &s);
	uint8_t got[4096];

	REQUIRE(t, r);
	for (unsigned int i = 0, at = 0; i < 4; i++) {
		void *h = frame(r, 4096, at);

		tpc_note(t, "%u bytes of protocol %#x", c[i].len, c[i].proto);
		memset((uint8_t *)h + data_off(t), 0xab, c[i].len);
		set_len(t, h, c[i].len);
		tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
		to.sll_protocol = htons(c[i].proto);
		EXPECT_EQ(t, "send", c[i].want, tpc_send(t, s, &to, 0));
		if (c[i].want < 0) {
			EXPECT_HEX(t, "status", TP_STATUS_WRONG_FORMAT,
				   tpc_status(t, h));
			/* the walk stays at the refused frame: reuse it */
			continue;
		}
		at++;
		EXPECT_EQ(t, "wire", 14 + c[i].len,
			  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	}
}

static void v3_frames_fixed_size(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);

	REQUIRE(t, r);
	put(t, frame(r, 2048, 0), 100, 0x88b5);
	((struct tpacket3_hdr *)frame(r, 2048, 0))->tp_next_offset = 2048;
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "frame 0", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, frame(r, 2048, 0)));
}

static void g13_v3_tx_options(struct tpc_t *t)
{
	struct tpacket_req3 q = { 4096, 1, 2048, 2, 0, 0, 0 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	q.tp_retire_blk_tov = 10;
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &q), -EINVAL);
	q.tp_retire_blk_tov = 0;
	q.tp_sizeof_priv = 8;
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &q), -EINVAL);
	q.tp_sizeof_priv = 0;
	q.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH;
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &q), -EINVAL);
	q.tp_feature_req_word = 0;
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &q), 0);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &q), -EBUSY);
}

static void rx_tx_one_mapping(struct tpc_t *t)
{
	struct tpacket_req3 rx = { 8192, 2, 2048, 8, 0, 0, 0 };
	struct tpacket_req3 tx = { 4096, 3, 2048, 6, 0, 0, 0 };
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t f[100], got[2048];
	char *m;
	void *bad;

	REQUIRE(t, s);
	if (t->version == TPACKET_V3)
		rx.tp_retire_blk_tov = 60000;
	/* TX first, RX second: the mapping is RX first all the same */
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_TX_RING, &tx), 0);
	EXPECT_ERR(t, tpc_req3(t, s, PACKET_RX_RING, &rx), 0);
	EXPECT_ERR(t, t->ops->mmap(s, 16384, 0, &bad), -EINVAL);
	EXPECT_ERR(t, t->ops->mmap(s, 12288, 0, &bad), -EINVAL);
	m = tpc_map_all(t, s, 16384 + 12288);
	REQUIRE(t, m);
	tpc_eth(f, sizeof(f), tpc_bcast, 0x88b5);
	REQUIRE(t, !tpc_inject(t, s, f, sizeof(f)));
	if (t->version == TPACKET_V3)
		EXPECT_EQ(t, "RX block 0 at offset 0 holds the packet", 1,
			  ((struct tpacket_block_desc *)m)->hdr.bh1.num_pkts);
	else
		EXPECT_HEX(t, "RX frame 0 at offset 0", TP_STATUS_USER,
			   tpc_status(t, m) & TP_STATUS_USER);
	put(t, m + 16384, 100, 0x88b5);
	EXPECT_EQ(t, "send from the TX frame at offset 16384", 100,
		  tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
}

static void pollout(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);

	REQUIRE(t, r);
	EXPECT_EQ(t, "poll, idle TX ring", POLLOUT,
		  t->ops->poll(s, POLLOUT, 0));
	/* the current frame is not AVAILABLE, but the send buffer is
	 * idle: datagram_poll() still says writable */
	put(t, frame(r, 2048, 0), 100, 0x88b5);
	EXPECT_EQ(t, "poll, current frame SEND_REQUEST", POLLOUT,
		  t->ops->poll(s, POLLOUT, 0));
	tpc_set_status(t, frame(r, 2048, 0), TP_STATUS_WRONG_FORMAT);
	EXPECT_EQ(t, "poll, current frame WRONG_FORMAT", POLLOUT,
		  t->ops->poll(s, POLLOUT, 0));
}

static void dontwait(struct tpc_t *t)
{
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	uint8_t got[2048];

	REQUIRE(t, r);
	for (uint32_t i = 0; i < 4; i++)
		put(t, frame(r, 2048, i), 60 + i, 0x88b5);
	EXPECT_EQ(t, "send(MSG_DONTWAIT) of 4 frames", 60 + 61 + 62 + 63,
		  tpc_send(t, s, NULL, MSG_DONTWAIT));
	for (uint32_t i = 0; i < 4; i++) {
		tpc_note(t, "frame %u", i);
		EXPECT_EQ(t, "wire, in ring order", 60 + i,
			  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	}
	/* the ring wraps: frame 0 again */
	put(t, frame(r, 2048, 0), 70, 0x88b5);
	EXPECT_EQ(t, "send after the wrap", 70,
		  tpc_send(t, s, NULL, MSG_DONTWAIT));
}

static void dgram_header(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_DGRAM, 2048, 4, &s);
	uint8_t got[2048];
	uint8_t *d;

	REQUIRE(t, r);
	d = (uint8_t *)frame(r, 2048, 0) + data_off(t);
	memset(d, 0xab, 50);
	set_len(t, frame(r, 2048, 0), 50);
	tpc_set_status(t, frame(r, 2048, 0), TP_STATUS_SEND_REQUEST);
	/* no destination: the link header cannot be built */
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
	EXPECT_HEX(t, "frame 0", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, frame(r, 2048, 0)));
	tpc_set_status(t, frame(r, 2048, 0), TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "sendto", 50, tpc_send(t, s, &to, 0));
	EXPECT_EQ(t, "wire: header + data", 64,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_TRUE(t, "destination", !memcmp(got, to.sll_addr, 6));
	EXPECT_TRUE(t, "source is the device", !memcmp(got + 6,
							t->dev_addr, 6));
	EXPECT_HEX(t, "ethertype", 0x88b5, got[12] << 8 | got[13]);
	EXPECT_HEX(t, "first data byte", 0xab, got[14]);
}

/* Found by --differential: without a TX ring, send() is packet_snd()
 * with no data. SOCK_DGRAM builds the link header and sends it alone. */
static void send_without_ring(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpc_sock *raw = tpc_open(t, SOCK_RAW);
	struct tpc_sock *dgram = tpc_open(t, SOCK_DGRAM);
	uint8_t got[2048];

	REQUIRE(t, raw && dgram);
	EXPECT_ERR(t, tpc_send(t, raw, NULL, 0), -EINVAL);
	EXPECT_ERR(t, tpc_send(t, raw, &to, 0), -EINVAL);
	EXPECT_ERR(t, tpc_send(t, dgram, NULL, 0), -EINVAL);
	EXPECT_ERR(t, tpc_wire_read(t, dgram, got, sizeof(got), 50), -EAGAIN);
	EXPECT_EQ(t, "SOCK_DGRAM sendto of no data", 0,
		  tpc_send(t, dgram, &to, 0));
	EXPECT_EQ(t, "wire: the link header alone", 14,
		  tpc_wire_read(t, dgram, got, sizeof(got), WIRE_WAIT));
	EXPECT_TRUE(t, "destination", !memcmp(got, to.sll_addr, 6));
	EXPECT_TRUE(t, "source is the device", !memcmp(got + 6,
							t->dev_addr, 6));
	EXPECT_HEX(t, "ethertype", 0x88b5, got[12] << 8 | got[13]);
}

static void has_off(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint32_t min = data_off(t);
	uint8_t got[2048];
	char *r;
	void *h;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_TX_HAS_OFF, 1));
	r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	REQUIRE(t, r);
	h = frame(r, 2048, 0);
	tpc_eth((uint8_t *)h + 200, 100, tpc_bcast, 0x88b5);
	set_len(t, h, 100);
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_mac = 200;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_mac = 200;
	else
		((struct tpacket3_hdr *)h)->tp_mac = 200;
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "send with tp_mac 200", 100, tpc_send(t, s, NULL, 0));
	EXPECT_EQ(t, "wire", 100,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_HEX(t, "ethertype read at tp_mac", 0x88b5,
		   got[12] << 8 | got[13]);
	h = frame(r, 2048, 1);
	set_len(t, h, 100);
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_mac = (uint16_t)(min - 1);
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_mac = (uint16_t)(min - 1);
	else
		((struct tpacket3_hdr *)h)->tp_mac = (uint16_t)(min - 1);
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	EXPECT_ERR(t, tpc_send(t, s, NULL, 0), -EINVAL);
}

/* SOCK_DGRAM reads the data at tp_net, not tp_mac (tpacket_parse_header):
 * tp_mac points at zeroes here, so the wire shows which one was read. */
static void has_off_dgram(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = t->ifindex, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpc_sock *s = tpc_open(t, SOCK_DGRAM);
	uint8_t got[2048];
	char *r;
	void *h;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_TX_HAS_OFF, 1));
	r = tpc_open_tx(t, SOCK_DGRAM, 2048, 4, &s);
	REQUIRE(t, r);
	h = frame(r, 2048, 0);
	memset((uint8_t *)h + 300, 0xcd, 50);
	set_len(t, h, 50);
	if (t->version == TPACKET_V1) {
		((struct tpacket_hdr *)h)->tp_mac = 200;
		((struct tpacket_hdr *)h)->tp_net = 300;
	} else if (t->version == TPACKET_V2) {
		((struct tpacket2_hdr *)h)->tp_mac = 200;
		((struct tpacket2_hdr *)h)->tp_net = 300;
	} else {
		((struct tpacket3_hdr *)h)->tp_mac = 200;
		((struct tpacket3_hdr *)h)->tp_net = 300;
	}
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	EXPECT_EQ(t, "sendto with tp_net 300", 50, tpc_send(t, s, &to, 0));
	EXPECT_EQ(t, "wire: header + data", 64,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
	EXPECT_HEX(t, "ethertype", 0x88b5, got[12] << 8 | got[13]);
	EXPECT_HEX(t, "first data byte, read at tp_net", 0xcd, got[14]);
	EXPECT_HEX(t, "last data byte", 0xcd, got[63]);
}

/* sendto an ifindex no device has: ENXIO before the ring is walked, the
 * frame stays SEND_REQUEST (tpacket_snd) */
static void sendto_no_device(struct tpc_t *t)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(0x88b5),
				  .sll_ifindex = 999999, .sll_halen = 6,
				  .sll_addr = { 2, 0, 0, 0, 0, 9 } };
	struct tpc_sock *s = NULL;
	char *r = tpc_open_tx(t, SOCK_RAW, 2048, 4, &s);
	uint8_t got[2048];
	void *h;

	REQUIRE(t, r);
	h = frame(r, 2048, 0);
	tpc_eth((uint8_t *)h + data_off(t), 60, tpc_bcast, 0x88b5);
	set_len(t, h, 60);
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	EXPECT_ERR(t, tpc_send(t, s, &to, 0), -ENXIO);
	EXPECT_HEX(t, "frame 0 after ENXIO", TP_STATUS_SEND_REQUEST,
		   tpc_status(t, h));
	to.sll_ifindex = t->ifindex;
	EXPECT_EQ(t, "sendto the device", 60, tpc_send(t, s, &to, 0));
	EXPECT_EQ(t, "wire", 60,
		  tpc_wire_read(t, s, got, sizeof(got), WIRE_WAIT));
}

const struct tpc_case tpc_cases_tx[] = {
	{ "tx.send_and_wire", "T1", TPC_V123,
	  .fn = send_and_wire, .needs = TPC_CAP_WIRE },
	{ "tx.walk_stops_at_first_free", "T1", TPC_V123,
	  .fn = walk_stops_at_first_free, .needs = TPC_CAP_WIRE },
	{ "tx.wrong_format_stops", "T2 C3", TPC_V123,
	  .fn = wrong_format_stops, .needs = TPC_CAP_WIRE },
	{ "tx.loss_skips", "T2 O4", TPC_V123,
	  .fn = loss_skips, .needs = TPC_CAP_WIRE },
	{ "tx.mtu_limits_dgram", "T2", TPC_V123, .fn = mtu_limits_dgram,
	  .needs = TPC_CAP_WIRE | TPC_CAP_TAP_LINK },
	{ "tx.mtu_limits", "T2", TPC_V123,
	  .fn = mtu_limits, .needs = TPC_CAP_WIRE | TPC_CAP_TAP_LINK },
	{ "tx.v3_frames_fixed_size", "T2", TPC_V3, .fn = v3_frames_fixed_size },
	{ "tx.g13_v3_tx_options", "G13 G3", TPC_V3, .fn = g13_v3_tx_options },
	{ "tx.rx_tx_one_mapping", "M1 M2", TPC_V123,
	  .fn = rx_tx_one_mapping, .needs = TPC_CAP_WIRE },
	{ "tx.pollout", "P2", TPC_V123, .fn = pollout },
	{ "tx.dontwait", "T3 T1", TPC_V123,
	  .fn = dontwait, .needs = TPC_CAP_WIRE },
	{ "tx.dgram_header", "T1 T2", TPC_V123,
	  .fn = dgram_header, .needs = TPC_CAP_WIRE | TPC_CAP_ADDR },
	{ "tx.has_off", "T2", TPC_V123, .fn = has_off, .needs = TPC_CAP_WIRE },
	{ "tx.has_off_dgram", "T2", TPC_V123, .fn = has_off_dgram,
	  .needs = TPC_CAP_WIRE },
	{ "tx.sendto_no_device", "T1", TPC_V123, .fn = sendto_no_device,
	  .needs = TPC_CAP_WIRE },
	{ "tx.send_without_ring", "T1", 0, .fn = send_without_ring,
	  .needs = TPC_CAP_WIRE | TPC_CAP_ADDR },
	{ .name = NULL },
};
