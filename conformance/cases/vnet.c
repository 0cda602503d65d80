// SPDX-License-Identifier: MIT
/*
 * The virtio-net header (O10) at its edges. On a TX ring frame (T2):
 * packet_snd_vnet_parse() raises hdr_len to csum_start + csum_offset + 2
 * when NEEDS_CSUM is set and refuses a hdr_len past the data by one
 * byte but not at the data's end; virtio_net_hdr_to_skb() refuses a
 * gso_type it does not know with EINVAL (tpacket_snd turns every
 * refusal into EINVAL and TP_STATUS_WRONG_FORMAT). On receive:
 * virtio_net_hdr_from_skb() writes csum_offset as a little-endian
 * 16-bit field, its high byte too.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/socket.h>

#include "../tpc.h"

#define FSIZE 2048u
#define DATA 100u	/* bytes after the 10-byte virtio-net header */

static void set_len(const struct tpc_t *t, char *h, uint32_t len)
{
	if (t->version == TPACKET_V1)
		((struct tpacket_hdr *)h)->tp_len = len;
	else if (t->version == TPACKET_V2)
		((struct tpacket2_hdr *)h)->tp_len = len;
	else
		((struct tpacket3_hdr *)h)->tp_len = len;
}

/* Frame r of the ring: a 100-byte IPv4 frame after a virtio-net header
 * with the given flags, gso_type, csum_start, csum_offset and hdr_len
 * (below 256), handed
 * to the kernel; returns send()'s result. */
static ssize_t send_one(struct tpc_t *t, struct tpc_sock *s, char *r,
			uint8_t flags, uint8_t gso, uint16_t start,
			uint16_t coff, uint8_t hdr_len)
{
	uint32_t off = t->version == TPACKET_V3 ? 48 : 32;
	uint8_t *vh = (uint8_t *)r + off, *d = vh + 10;

	memset(vh, 0, 10);
	vh[0] = flags;
	vh[1] = gso;
	vh[2] = hdr_len;
	vh[6] = (uint8_t)start;
	vh[7] = (uint8_t)(start >> 8);
	vh[8] = (uint8_t)coff;
	vh[9] = (uint8_t)(coff >> 8);
	tpc_eth(d, DATA, tpc_bcast, ETH_P_IP);
	d[14] = 0x45;
	set_len(t, r, DATA + 10);
	tpc_set_status(t, r, TP_STATUS_SEND_REQUEST);
	return tpc_send(t, s, NULL, 0);
}

static void vnet_hdr_edges(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint8_t got[4096];
	char *r;

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	r = tpc_open_tx(t, SOCK_RAW, FSIZE, 4, &s);
	REQUIRE(t, r);
	/* 34 + 66 + 2 = 102: two bytes past the 100 */
	EXPECT_ERR(t, send_one(t, s, r, 1, 0, 34, 66, 0), -EINVAL);
	EXPECT_HEX(t, "csum end 102 of 100", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
	/* 34 + 65 + 2 = 101: one byte past */
	EXPECT_ERR(t, send_one(t, s, r, 1, 0, 34, 65, 0), -EINVAL);
	EXPECT_HEX(t, "csum end 101 of 100", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
	/* 34 + 64 + 2 = 100: the checksum ends at the data's end */
	/* hdr_len 100, 60 + 40 + 2 = 102: the sum raises it past the data */
	EXPECT_ERR(t, send_one(t, s, r, 1, 0, 60, 40, 100), -EINVAL);
	EXPECT_HEX(t, "hdr_len 100, csum end 102", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
	EXPECT_EQ(t, "csum end 100 of 100", DATA,
		  send_one(t, s, r, 1, 0, 34, 64, 0));
	EXPECT_EQ(t, "that frame on the wire", DATA,
		  tpc_wire_read(t, s, got, sizeof(got), 1000));
	/* the ring moved on to frame 1; a gso_type no kernel knows (0x7f),
	 * with and without NEEDS_CSUM */
	r += FSIZE;
	EXPECT_ERR(t, send_one(t, s, r, 0, 0x7f, 0, 0, 0), -EINVAL);
	EXPECT_HEX(t, "gso_type 0x7f", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
	EXPECT_ERR(t, send_one(t, s, r, 1, 0x7f, 34, 16, 0), -EINVAL);
	EXPECT_HEX(t, "gso_type 0x7f, NEEDS_CSUM", TP_STATUS_WRONG_FORMAT,
		   tpc_status(t, r));
}

/* O10 on recv(): a partial checksum 300 bytes into the transport header
 * (csum_offset 0x012c) comes back in both bytes of csum_offset. */
static void vnet_hdr_csum_offset_high(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	static uint8_t pkt[400], got[600];
	struct tpc_inject p = { .data = pkt, .len = sizeof(pkt),
				.flags = TPC_INJ_CSUM_PARTIAL,
				.csum_start = 34, .csum_offset = 300 };

	REQUIRE(t, s);
	REQUIRE(t, !tpc_setint(t, s, PACKET_VNET_HDR, 1));
	tpc_eth(pkt, sizeof(pkt), tpc_bcast, ETH_P_IP);
	pkt[14] = 0x45;
	REQUIRE(t, !tpc_inject_ex(t, s, &p));
	EXPECT_EQ(t, "recv: the header and the packet", 410,
		  t->ops->recv(s, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_HEX(t, "virtio-net flags (NEEDS_CSUM)", 1, got[0]);
	EXPECT_EQ(t, "virtio-net csum_start", 34, got[6] | got[7] << 8);
	EXPECT_EQ(t, "virtio-net csum_offset", 300, got[8] | got[9] << 8);
}

const struct tpc_case tpc_cases_vnet[] = {
	{ "tx.vnet_hdr_edges", "O10 T2", TPC_V123, .fn = vnet_hdr_edges,
	  .needs = TPC_CAP_WIRE | TPC_CAP_TAP_LINK },
	{ "stats.vnet_hdr_csum_offset_high", "O10", 0,
	  .fn = vnet_hdr_csum_offset_high, .needs = TPC_CAP_CSUM },
	{ .name = NULL },
};
