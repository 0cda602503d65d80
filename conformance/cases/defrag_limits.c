// SPDX-License-Identifier: MIT
/*
 * PACKET_FANOUT_FLAG_DEFRAG (N21) at the limits the other DEFRAG cases
 * leave: a datagram of exactly 65535 bytes is reassembled, one byte more
 * is not (ip_frag_reasm: len > 65535 is E2BIG); a fragment whose
 * tot_len runs past the frame is not a fragment to ip_check_defrag
 * (skb->len < netoff + len) and goes on as it is; fragments a socket
 * sent are reassembled too, still PACKET_OUTGOING (the first fragment's
 * skb keeps its pkt_type). The cases mutation testing asked for (README
 * "Mutation testing").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc.h"
#include "tpc_dev.h"

static int join(struct tpc_t *t, struct tpc_sock *s, uint16_t id,
		uint16_t type_flags)
{
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, sizeof(v));
}

/* An IPv4/UDP fragment of datagram id from 10.0.0.4 to 10.0.0.2 carrying
 * payload bytes [off, off + n) (byte i is i * 7 + id), MF when more
 * follow; padded to 60 bytes; its length returned */
static uint32_t frag(uint8_t *b, uint16_t id, uint32_t off, uint32_t n,
		     bool more)
{
	uint32_t tot = 20 + n, len = 14 + tot < 60 ? 60 : 14 + tot;
	uint16_t fo = (uint16_t)(off / 8 | (more ? 0x2000 : 0));

	tpc_ipv4_frame(b, len, 4, 2);
	b[16] = (uint8_t)(tot >> 8), b[17] = (uint8_t)tot;
	b[18] = (uint8_t)(id >> 8), b[19] = (uint8_t)id;
	b[20] = (uint8_t)(fo >> 8), b[21] = (uint8_t)fo;
	for (uint32_t i = 0; i < n; i++)
		b[34 + i] = (uint8_t)((off + i) * 7 + id);
	return len;
}

/* Datagram id of 20 + n bytes in fragments of 1480 payload bytes */
static int datagram(struct tpc_t *t, uint16_t id, uint32_t n)
{
	static uint8_t b[1514];

	for (uint32_t off = 0; off < n; off += 1480) {
		uint32_t k = n - off > 1480 ? 1480 : n - off;

		if (tpc_arrive(t, b, frag(b, id, off, k, off + k < n)))
			return -1;
	}
	return 0;
}

/* N21: 65515 payload bytes in 45 fragments make a 65535-byte datagram,
 * handed whole to the member (recv: 65549 bytes with the link header);
 * 65516 would make 65536, past IP's length: nothing */
static void fanout_defrag_max(struct tpc_t *t)
{
	static uint8_t buf[70000];
	struct tpc_sock *m;
	ssize_t n;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	EXPECT_ERR(t, join(t, m, 367, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	REQUIRE(t, !datagram(t, 0x701, 65515));
	n = t->ops->recv(m, buf, sizeof(buf), MSG_DONTWAIT);
	EXPECT_EQ(t, "the 65535-byte datagram's length", 14 + 65535, n);
	EXPECT_EQ(t, "its tot_len", 65535, buf[16] << 8 | buf[17]);
	EXPECT_EQ(t, "its last byte", (uint8_t)(65514 * 7 + 0x701),
		  buf[14 + 65534]);
	REQUIRE(t, !datagram(t, 0x702, 65516));
	EXPECT_ERRNO(t, "a 65536-byte datagram", -EAGAIN,
		     t->ops->recv(m, buf, sizeof(buf), MSG_DONTWAIT));
}

/* N21: a first fragment (MF) whose tot_len, 100, runs past its 60-byte
 * frame goes to the member at once, as it came */
static void fanout_defrag_truncated(struct tpc_t *t)
{
	uint8_t b[60], got[128];
	struct tpc_sock *m;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	EXPECT_ERR(t, join(t, m, 368, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	frag(b, 0x703, 0, 16, true);
	b[16] = 0, b[17] = 100;
	REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	EXPECT_EQ(t, "the frame as it came", 60,
		  t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_TRUE(t, "its bytes unchanged", !memcmp(got, b, sizeof(b)));
}

/* N21: the fragments' ECN field (ip_frag_ecn_table): ECT(0) then CE make
 * a datagram marked CE; not-ECT then ECT(0) make none, and the member
 * gets nothing of it */
static void fanout_defrag_ecn(struct tpc_t *t)
{
	static const uint8_t tos[2][2] = { { 2, 3 }, { 0, 2 } };
	uint8_t b[60], got[128];
	struct tpc_sock *m;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	EXPECT_ERR(t, join(t, m, 369, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	for (int d = 0; d < 2; d++) {
		uint16_t id = (uint16_t)(0x705 + d);

		frag(b, id, 0, 16, true);
		b[15] = tos[d][0];
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
		frag(b, id, 16, 8, false);
		b[15] = tos[d][1];
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
	}
	EXPECT_EQ(t, "ECT(0) + CE: the datagram", 14 + 44,
		  t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT));
	EXPECT_HEX(t, "its tos: CE", 3, got[15]);
	EXPECT_ERR(t, t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT),
		   -EAGAIN);
}

/* N21: the datagram keeps IP_DF when the largest fragment had it
 * (ip_frag_reasm: max_df_size == max_size): DF on both fragments, on the
 * larger first one only: DF; on the smaller last one only: none */
static void fanout_defrag_df(struct tpc_t *t)
{
	static const bool df[3][2] = { { true, true }, { true, false },
				       { false, true } };
	uint8_t b[60], got[128];
	struct tpc_sock *m;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_IP);
	REQUIRE(t, m);
	EXPECT_ERR(t, join(t, m, 370, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	for (int d = 0; d < 3; d++) {
		uint16_t id = (uint16_t)(0x708 + d);

		tpc_note(t, "datagram %d: DF on the first %d, the last %d", d,
			 df[d][0], df[d][1]);
		frag(b, id, 0, 16, true);
		b[20] |= df[d][0] ? 0x40 : 0;
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
		frag(b, id, 16, 8, false);
		b[20] |= df[d][1] ? 0x40 : 0;
		REQUIRE(t, !tpc_arrive(t, b, sizeof(b)));
		EXPECT_EQ(t, "the datagram", 14 + 44,
			  t->ops->recv(m, got, sizeof(got), MSG_DONTWAIT));
		EXPECT_HEX(t, "its frag_off", d < 2 ? 0x4000 : 0,
			   got[20] << 8 | got[21]);
	}
}

/* One frame of len bytes out of slot idx of a 2-frame V2 TX ring */
static int send_frame(struct tpc_t *t, struct tpc_sock *tx, char *ring,
		      unsigned int idx, const uint8_t *b, uint32_t len)
{
	struct tpacket2_hdr *h = (void *)(ring + idx * 2048);
	uint8_t wire[128];

	memcpy((uint8_t *)h + 32, b, len);
	h->tp_len = len;
	tpc_set_status(t, h, TP_STATUS_SEND_REQUEST);
	if (tpc_send(t, tx, NULL, 0) != (ssize_t)len)
		return -1;
	return tpc_wire_read(t, tx, wire, sizeof(wire), 1000) ==
			       (ssize_t)len
		       ? 0
		       : -1;
}

/* N20, N21: two fragments another socket sends reach an ETH_P_ALL DEFRAG
 * group as one datagram, still PACKET_OUTGOING (sll_pkttype 4) */
static void fanout_defrag_outgoing(struct tpc_t *t)
{
	const struct sockaddr_ll *sll;
	struct tpc_sock *m, *tx = NULL;
	char *rx, *rt;
	uint8_t b[128];
	struct tpc_hdr h;
	uint32_t len;

	REQUIRE(t, tpc_has_dev(t, false));
	m = tpc_open_proto(t, SOCK_RAW, ETH_P_ALL);
	REQUIRE(t, m);
	rx = tpc_ring_map(t, m, 4096, 1, 2048);
	REQUIRE(t, rx);
	EXPECT_ERR(t, join(t, m, 369, PACKET_FANOUT_LB |
				       PACKET_FANOUT_FLAG_DEFRAG),
		   0);
	rt = tpc_open_tx(t, SOCK_RAW, 2048, 2, &tx);
	REQUIRE(t, rt);
	len = frag(b, 0x704, 0, 16, true);
	REQUIRE(t, !send_frame(t, tx, rt, 0, b, len));
	EXPECT_EQ(t, "member after the first fragment", 0, tpc_packets(t, m));
	len = frag(b, 0x704, 16, 8, false);
	REQUIRE(t, !send_frame(t, tx, rt, 1, b, len));
	EXPECT_EQ(t, "member after the last", 1, tpc_packets(t, m));
	tpc_hdr(t, rx, &h);
	EXPECT_HEX(t, "status", TP_STATUS_USER, h.status & TP_STATUS_USER);
	EXPECT_EQ(t, "tp_len", 14 + 20 + 24, h.len);
	sll = (const void *)(rx + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
	EXPECT_EQ(t, "sll_pkttype", PACKET_OUTGOING, sll->sll_pkttype);
	EXPECT_HEX(t, "sll_protocol", htons(ETH_P_IP), sll->sll_protocol);
}

#define DEV TPC_CAP_DEVICE

const struct tpc_case tpc_cases_defrag_limits[] = {
	{ "dev.fanout_defrag_max", "N21", 0, .fn = fanout_defrag_max,
	  .needs = DEV },
	{ "dev.fanout_defrag_truncated", "N21", 0,
	  .fn = fanout_defrag_truncated, .needs = DEV },
	{ "dev.fanout_defrag_outgoing", "N20 N21", TPC_V2,
	  .fn = fanout_defrag_outgoing, .needs = DEV },
	{ "dev.fanout_defrag_ecn", "N21", 0, .fn = fanout_defrag_ecn,
	  .needs = DEV },
	{ "dev.fanout_defrag_df", "N21", 0, .fn = fanout_defrag_df,
	  .needs = DEV },
	{ .name = NULL },
};
