// SPDX-License-Identifier: MIT
/*
 * Description: status flags (R5-R8): LOSING after drops and cleared by
 * PACKET_STATISTICS, COPY with PACKET_COPY_THRESH and the full packet by
 * recv, VLAN_VALID / VLAN_TPID_VALID, CSUMNOTREADY / CSUM_VALID.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"

#define FLAGS(st) ((st) & 0x1fffffffUL)

static void losing(struct tpc_t *t, int proto)
{
	struct tpc_sock *s = NULL;
	uint8_t pkt[60];
	unsigned int p, d;
	char *m;

	if (proto == ETH_P_ALL) {
		m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 2048, &s);
	} else {
		s = tpc_open_proto(t, SOCK_RAW, proto);
		m = s ? tpc_ring_map(t, s, 4096, 1, 2048) : NULL;
	}
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int i = 0; i < 3; i++)	/* the third is dropped */
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 before any drop", TP_STATUS_USER,
		   FLAGS(tpc_status(t, m)));
	tpc_release(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 0 after a drop", TP_STATUS_USER | TP_STATUS_LOSING,
		   FLAGS(tpc_status(t, m)));
	/* reading the statistics clears the drop count, and LOSING with it */
	REQUIRE(t, !tpc_stats(t, s, &p, &d));
	EXPECT_EQ(t, "tp_drops", 1, d);
	EXPECT_EQ(t, "tp_packets", 4, p);
	tpc_release(t, m + 2048);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "frame 1 after the statistics read", TP_STATUS_USER,
		   FLAGS(tpc_status(t, m + 2048)));
}

static void losing_after_drop(struct tpc_t *t)
{
	losing(t, ETH_P_ALL);
}

/* the same for a socket bound to ETH_P_IP (the simulator's general
 * path, not its plain one) */
static void losing_bound(struct tpc_t *t)
{
	losing(t, ETH_P_IP);
}

static void losing_persists_until_read(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	for (int i = 0; i < 5; i++)	/* 4 frames, one drop */
		REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 4; i++)
			tpc_release(t, m + i * 1024);
		for (int i = 0; i < 4; i++)
			REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
		for (int i = 0; i < 4; i++)
			EXPECT_HEX(t, "LOSING on every frame until read",
				   TP_STATUS_USER | TP_STATUS_LOSING,
				   FLAGS(tpc_status(t, m + i * 1024)));
	}
}

static void copy_thresh(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[1000], buf[2048];
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 256, &s);
	REQUIRE(t, m);
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 1));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "status of a truncated frame", TP_STATUS_USER |
		   TP_STATUS_COPY, FLAGS(tpc_status(t, m)));
	EXPECT_EQ(t, "recv of the full copy", 1000,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_TRUE(t, "copy holds the whole frame", !memcmp(buf, pkt, 1000));
	/* a frame that fits is not copied */
	REQUIRE(t, !tpc_inject(t, s, pkt, 100));
	EXPECT_HEX(t, "status of a frame that fits", TP_STATUS_USER,
		   FLAGS(tpc_status(t, m + 256)));
	EXPECT_ERRNO(t, "recv with nothing queued", -EAGAIN,
		     t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
}

static void no_copy_without_thresh(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[1000], buf[2048];
	char *m;

	m = tpc_open_ring(t, SOCK_DGRAM, 4096, 1, 256, &s);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, 0x0800);
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_HEX(t, "status", TP_STATUS_USER, FLAGS(tpc_status(t, m)));
	EXPECT_ERRNO(t, "recv", -EAGAIN,
		     t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	/* and SOCK_DGRAM's copy starts at the network header */
	REQUIRE(t, !tpc_setint(t, s, PACKET_COPY_THRESH, 1));
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	EXPECT_EQ(t, "recv of the SOCK_DGRAM copy", 986,
		  t->ops->recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_TRUE(t, "copy starts after the link header",
		    !memcmp(buf, pkt + ETH_HLEN, 986));
}

static void vlan(struct tpc_t *t, int type, uint16_t tpid)
{
	struct tpc_sock *s = tpc_open(t, type);
	uint8_t pkt[104];
	struct tpc_hdr h;
	unsigned long want;
	char *m;

	REQUIRE(t, s);
	tpc_note(t, "%s, TPID 0x%04x", type == SOCK_RAW ? "SOCK_RAW"
							 : "SOCK_DGRAM", tpid);
	m = tpc_ring_map(t, s, 4096, 1, 1024);
	REQUIRE(t, m);
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, tpid);
	pkt[14] = 0x20;	/* PCP 1, VID 5 */
	pkt[15] = 0x05;
	pkt[16] = 0x08;	/* inner: IPv4 */
	pkt[17] = 0x00;
	REQUIRE(t, !tpc_inject(t, s, pkt, sizeof(pkt)));
	tpc_hdr(t, m, &h);
	want = TP_STATUS_USER;
	if (t->version == TPACKET_V2) {
		want |= TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID;
		EXPECT_HEX(t, "tp_vlan_tci", 0x2005, h.vlan_tci);
		EXPECT_HEX(t, "tp_vlan_tpid", tpid, h.vlan_tpid);
	}
	EXPECT_HEX(t, "tp_status", want, FLAGS(h.status));
	EXPECT_EQ(t, "tp_len (tag removed)", type == SOCK_RAW ? 100 : 86,
		  h.len);
	EXPECT_HEX(t, "sll_protocol (inner)", htons(0x0800),
		   ((struct sockaddr_ll *)(m + 32))->sll_protocol);
	if (type == SOCK_RAW)
		EXPECT_TRUE(t, "inner ethertype at tp_mac + 12",
			    (uint8_t)m[h.mac + 12] == 0x08 &&
				    (uint8_t)m[h.mac + 13] == 0x00);
	EXPECT_TRUE(t, "payload after the tag",
		    !memcmp(m + h.net, pkt + 18, 86));
}

static void vlan_8021q(struct tpc_t *t)
{
	vlan(t, SOCK_RAW, ETH_P_8021Q);
}

static void vlan_8021ad(struct tpc_t *t)
{
	vlan(t, SOCK_RAW, ETH_P_8021AD);
}

static void vlan_dgram(struct tpc_t *t)
{
	vlan(t, SOCK_DGRAM, ETH_P_8021Q);
}

/* A 74-byte IPv4/UDP frame; the UDP checksum field is at 34 + 6. */
static void udp_frame(uint8_t *pkt, uint32_t len)
{
	tpc_eth(pkt, len, tpc_bcast, 0x0800);
	memset(pkt + 14, 0, 28);
	pkt[14] = 0x45;
	pkt[17] = (uint8_t)(len - 14);
	pkt[22] = 64;
	pkt[23] = 17;
	pkt[38] = 0;
	pkt[39] = (uint8_t)(len - 34);
}

static void csum(struct tpc_t *t, uint32_t flag, unsigned long want)
{
	struct tpc_sock *s;
	uint8_t pkt[74];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = flag, .csum_start = 34,
				.csum_offset = 6 };
	char *m;

	m = tpc_open_ring(t, SOCK_RAW, 4096, 1, 1024, &s);
	REQUIRE(t, m);
	udp_frame(pkt, sizeof(pkt));
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	EXPECT_HEX(t, "tp_status", want, FLAGS(tpc_status(t, m)));
}

static void csum_partial(struct tpc_t *t)
{
	csum(t, TPC_INJ_CSUM_PARTIAL, TP_STATUS_USER | TP_STATUS_CSUMNOTREADY);
}

static void csum_valid(struct tpc_t *t)
{
	csum(t, TPC_INJ_CSUM_VALID, TP_STATUS_USER | TP_STATUS_CSUM_VALID);
}

static void csum_none(struct tpc_t *t)
{
	csum(t, 0, TP_STATUS_USER);
}

const struct tpc_case tpc_cases_flags[] = {
	{ "flags.losing_after_drop", "R6 O7 C3", TPC_V12,
	  .fn = losing_after_drop },
	{ "flags.losing_bound", "R6", TPC_V12, .fn = losing_bound },
	{ "flags.losing_persists_until_read", "R6", TPC_V12,
	  .fn = losing_persists_until_read },
	{ "flags.copy_thresh", "R5 O5 C3", TPC_V12, .fn = copy_thresh },
	{ "flags.no_copy_without_thresh", "R5", TPC_V12,
	  .fn = no_copy_without_thresh },
	{ "flags.vlan_8021q", "R8 C3", TPC_V12, .fn = vlan_8021q },
	{ "flags.vlan_8021ad", "R8", TPC_V12, .fn = vlan_8021ad },
	{ "flags.vlan_dgram", "R8 R3", TPC_V12, .fn = vlan_dgram },
	{ "flags.csum_partial", "R7", TPC_V12,
	  .fn = csum_partial, .needs = TPC_CAP_CSUM },
	{ "flags.csum_valid", "R7", TPC_V12, .only = "sim",
	  .why_only = "a TAP device cannot mark a frame's checksum verified: "
		      "tun ignores VIRTIO_NET_HDR_F_DATA_VALID (only the "
		      "virtio-net driver honours it), so the kernel path "
		      "here never sets TP_STATUS_CSUM_VALID",
	  .fn = csum_valid, .needs = TPC_CAP_CSUM },
	{ "flags.csum_none", "R7", TPC_V12, .fn = csum_none },
	{ NULL },
};
