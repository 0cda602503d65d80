// SPDX-License-Identifier: MIT
/*
 * What other projects' suites showed of the kernel (issue 15), in and
 * around the frames: outgoing copies (R13), tags on SOCK_DGRAM (R14),
 * tp_net past 16 bits (R15), tagged packets on protocol-bound sockets
 * (R17), the virtio-net header (O10) and the flow hash (B6).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/mman.h>

#include "t_helpers.h"

/* Read frame 0 of a mapped V2 ring of 2048-byte frames. */
static struct tpacket2_hdr *frame0(void *m, struct sockaddr_ll **sll)
{
	*sll = (struct sockaddr_ll *)((char *)m + 32);
	return m;
}

START_TEST(outgoing_reaches_eth_p_all_only)
{
	struct tpsim_sock *ip = t_sock_opts(SOCK_RAW, ETH_P_IP, NULL, 0, 0);
	struct tpsim_sock *all = t_sock_opts(SOCK_RAW, ETH_P_ALL, NULL, 0, 0);
	uint8_t f[98];
	unsigned int p, d;

	t_eth(f, sizeof(f), t_bcast, ETH_P_IP);
	ck_assert_int_eq(t_deliver_out(ip, f, sizeof(f)), TPSIM_RX_IGNORED);
	ck_assert_int_eq(t_deliver(ip, f, sizeof(f)), TPSIM_RX_DELIVERED);
	t_stats(ip, &p, &d);
	ck_assert_uint_eq(p, 1);
	ck_assert_int_eq(t_deliver_out(all, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_setint(all, PACKET_IGNORE_OUTGOING, 1), 0);
	ck_assert_int_eq(t_deliver_out(all, f, sizeof(f)), TPSIM_RX_IGNORED);
	tpsim_close(ip);
	tpsim_close(all);
}
END_TEST

START_TEST(outgoing_tags_stay_in_the_data)
{
	static const uint8_t tag[] = { 0x81, 0x00, 0x00, 0x2a, 0x88, 0xb5 };
	struct tpsim_sock *raw = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_sock *dg = t_sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct tpacket2_hdr *h;
	struct sockaddr_ll *sll;
	uint8_t f[100];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, 0);
	memcpy(f + 12, tag, sizeof(tag));
	ck_assert_int_eq(t_ring(raw, 4096, 1, 2048, 2), 0);
	m = t_map(raw, &len);
	ck_assert_int_eq(t_deliver_out(raw, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	/* SOCK_RAW: the frame whole, the network header after the tag */
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	ck_assert_uint_eq(h->tp_len, 100);
	ck_assert_uint_eq(h->tp_net, 80);
	ck_assert_uint_eq(h->tp_mac, 62);
	ck_assert_uint_eq(sll->sll_protocol, htons(ETH_P_8021Q));
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OUTGOING);
	tpsim_munmap(raw, m, len);
	tpsim_close(raw);

	ck_assert_int_eq(t_setint(dg, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(dg, 4096, 1, 2048, 2), 0);
	m = t_map(dg, &len);
	ck_assert_int_eq(t_deliver_out(dg, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	/* SOCK_DGRAM: the data after the tag, the tag in the VLAN fields */
	ck_assert_uint_eq(h->tp_len, 100 - 18);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID,
			  TP_STATUS_VLAN_VALID);
	ck_assert_uint_eq(h->tp_vlan_tci, 0x2a);
	ck_assert_uint_eq(h->tp_vlan_tpid, ETH_P_8021Q);
	ck_assert_uint_eq(sll->sll_protocol, htons(0x88b5));
	tpsim_munmap(dg, m, len);
	tpsim_close(dg);
}
END_TEST

START_TEST(stacked_tags_dgram_protocol)
{
	static const uint8_t tags[] = { 0x88, 0xa8, 0x00, 200, 0x81, 0x00,
					0x00, 100, 0x08, 0x06 };
	const char *profile = _i ? "linux-2.6" : "linux";
	struct tpsim_sock *s = t_sock_opts(SOCK_DGRAM, ETH_P_ALL, profile, 0,
					   0);
	struct tpacket_hdr *h;
	uint8_t f[64];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, 0);
	memcpy(f + 12, tags, sizeof(tags));
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = m;
	ck_assert_uint_eq(h->tp_len, 46);
	ck_assert_uint_eq(((struct sockaddr_ll *)((char *)m + 32))->sll_protocol,
			  htons(_i ? ETH_P_8021Q : ETH_P_ARP));
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

START_TEST(too_many_tags_dgram_protocol_zero)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct sockaddr_ll *sll;
	uint8_t f[80];
	size_t len;
	void *m;

	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	for (int i = 0; i < 9; i++) {	/* nine tags: past the depth */
		f[14 + 4 * i] = 0;
		f[15 + 4 * i] = (uint8_t)i;
		f[16 + 4 * i] = 0x81;
		f[17 + 4 * i] = 0x00;
	}
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	sll = (struct sockaddr_ll *)((char *)m + 32);
	ck_assert_uint_eq(sll->sll_protocol, 0);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* R17: a protocol-bound socket and a tagged packet */
START_TEST(bound_socket_tagged_packets)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_RAW, ETH_P_ARP, NULL, 0, 0);
	struct tpacket2_hdr *h;
	struct sockaddr_ll *sll;
	uint8_t f[64];
	size_t len;
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	/* a VID: OTHERHOST, the tag cleared */
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	f[14] = 0, f[15] = 5, f[16] = 0x08, f[17] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OTHERHOST);
	ck_assert_uint_eq(h->tp_len, 60);
	tpsim_frame_release(h, TPACKET_V2);
	/* a priority tag around another tag: stripped, the inner one's
	 * VID decides */
	f[15] = 0, f[16] = 0x81, f[17] = 0x00;
	f[18] = 0, f[19] = 7, f[20] = 0x08, f[21] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = (struct tpacket2_hdr *)((char *)m + 2048);
	sll = (struct sockaddr_ll *)((char *)h + 32);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_OTHERHOST);
	ck_assert_uint_eq(h->tp_len, 56);
	ck_assert_uint_eq(h->tp_status & TP_STATUS_VLAN_VALID, 0);
	/* a priority tag alone: the packet type stays */
	tpsim_frame_release(h, TPACKET_V2);
	f[16] = 0x08, f[17] = 0x06;
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	h = frame0(m, &sll);
	ck_assert_uint_eq(sll->sll_pkttype, PACKET_BROADCAST);
	/* a priority tag before an inner tag cut short: freed */
	f[16] = 0x81, f[17] = 0x00;
	ck_assert_int_eq(t_deliver(s, f, 22), TPSIM_RX_IGNORED);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

START_TEST(net_past_16_bits)
{
	int version = _i / 2;
	int type = _i % 2 ? SOCK_DGRAM : SOCK_RAW;
	unsigned int base = version == TPACKET_V3 ? 96 : 80;

	for (int fits = 0; fits < 2; fits++) {
		struct tpsim_sock *s = t_sock_opts(type, ETH_P_ALL, NULL, 0, 0);
		struct tpacket_req3 q = { .tp_block_size = 69632,
					  .tp_block_nr = 1,
					  .tp_frame_size = 69632,
					  .tp_frame_nr = 1,
					  .tp_retire_blk_tov = 10 };
		uint8_t f[60];
		unsigned int p, d;

		ck_assert_int_eq(t_setint(s, PACKET_VERSION, version), 0);
		ck_assert_int_eq(t_setint(s, PACKET_RESERVE,
					  (int)(65535 - base + !fits)),
				 0);
		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET,
						  PACKET_RX_RING, &q,
						  version == TPACKET_V3
							  ? sizeof(q)
							  : sizeof(struct tpacket_req)),
				 0);
		t_eth(f, sizeof(f), t_bcast, 0x88b5);
		ck_assert_int_eq(t_deliver(s, f, sizeof(f)),
				 fits ? TPSIM_RX_DELIVERED : TPSIM_RX_DROPPED);
		t_stats(s, &p, &d);
		ck_assert_uint_eq(d, !fits);
		tpsim_close(s);
	}
}
END_TEST

/* O10: the virtio-net header before the link header, V1-V3 (_i). */
START_TEST(vnet_hdr_rx_layout)
{
	int version = _i;
	struct tpsim_sock *s = t_sock(SOCK_RAW, version, 0);
	struct tpsim_packet p = { .sz = sizeof(p), .len = 100,
				  .flags = TPSIM_PKT_CSUM_PARTIAL,
				  .csum_start = 34, .csum_offset = 6 };
	unsigned int base = version == TPACKET_V3 ? 96 : 80;
	uint8_t f[100];
	const uint8_t *vh;
	uint16_t mac, net;
	size_t len;
	char *m;

	ck_assert_int_eq(t_setint(s, 24, 12), 0);
	ck_assert_int_eq(t_ring_v(s, version, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	/* a tag taken off by the stack moves csum_start with the header */
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021Q);
	f[14] = 0, f[15] = 9, f[16] = 0x08, f[17] = 0x00;
	p.data = f;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	if (version == TPACKET_V3) {
		struct tpacket_block_desc *b = (void *)m;
		struct tpacket3_hdr *h;

		ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
		h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
		mac = h->tp_mac, net = h->tp_net;
		vh = (uint8_t *)h + mac - 10;
	} else {
		struct tpacket_hdr *h1 = (void *)m;
		struct tpacket2_hdr *h2 = (void *)m;

		mac = version == TPACKET_V1 ? h1->tp_mac : h2->tp_mac;
		net = version == TPACKET_V1 ? h1->tp_net : h2->tp_net;
		vh = (uint8_t *)m + mac - 10;
	}
	ck_assert_uint_eq(net, base + 12);
	ck_assert_uint_eq(mac, base + 12 - 14);
	ck_assert_uint_eq(vh[0], 1);		/* NEEDS_CSUM */
	ck_assert_uint_eq(vh[6] | vh[7] << 8, 30);	/* 34 - the tag */
	ck_assert_uint_eq(vh[8] | vh[9] << 8, 6);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* a frame cut to nothing still carries the header when it fits, and
 * none when the link header would start past the frame */
START_TEST(vnet_hdr_no_room)
{
	for (int reserve = 20; reserve <= 30; reserve += 10) {
		struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
		uint8_t f[100];
		size_t len;
		char *m;

		ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
		ck_assert_int_eq(t_setint(s, PACKET_RESERVE, reserve), 0);
		/* tp_mac 80 + reserve + 10 - 14: 96 (the frame's end), 106 */
		ck_assert_int_eq(t_ring(s, 4096, 1, 96, 42), 0);
		m = t_map(s, &len);
		t_eth(f, sizeof(f), t_bcast, 0x88b5);
		ck_assert_int_eq(t_deliver_flags(s, f, sizeof(f),
						 TPSIM_PKT_CSUM_VALID),
				 TPSIM_RX_DELIVERED);
		ck_assert_uint_eq(((struct tpacket2_hdr *)m)->tp_snaplen, 0);
		/* DATA_VALID at tp_mac - 10, when tp_mac is in the frame */
		ck_assert_uint_eq((uint8_t)m[86], reserve == 20 ? 2 : 0);
		tpsim_munmap(s, m, len);
		tpsim_close(s);
	}
}
END_TEST

START_TEST(vnet_hdr_recv)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t f[60], got[100];

	ck_assert_int_eq(t_setint(s, 24, 12), 0);
	t_eth(f, sizeof(f), t_bcast, 0x88b5);
	ck_assert_int_eq(t_deliver_flags(s, f, sizeof(f),
					 TPSIM_PKT_CSUM_VALID),
			 TPSIM_RX_DELIVERED);
	/* below the header: EINVAL; the packet stays with MSG_PEEK only */
	ck_assert_int_eq(tpsim_recv(s, got, 8, MSG_DONTWAIT | MSG_PEEK),
			 -EINVAL);
	ck_assert_int_eq(tpsim_recv(s, got, 8, MSG_DONTWAIT), -EINVAL);
	ck_assert_int_eq(tpsim_recv(s, got, 8, MSG_DONTWAIT), -EAGAIN);
	ck_assert_int_eq(t_deliver_flags(s, f, sizeof(f),
					 TPSIM_PKT_CSUM_VALID),
			 TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_recv(s, got, 20, MSG_DONTWAIT | MSG_TRUNC |
						  MSG_PEEK),
			 72);
	memset(got, 0xee, sizeof(got));
	ck_assert_int_eq(tpsim_recv(s, got, sizeof(got), MSG_DONTWAIT), 72);
	ck_assert_uint_eq(got[0], 2);	/* DATA_VALID */
	ck_assert_uint_eq(got[11], 0);	/* num_buffers, zero */
	ck_assert_mem_eq(got + 12, f, 60);
	tpsim_close(s);
}
END_TEST

/* O10 on TX: frames past the MTU and with a checksum to fill go out,
 * counted without their header (tx.vnet_hdr) */
START_TEST(vnet_hdr_tx)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	static const uint8_t csum[10] = { 1, 0, 0, 0, 0, 0, 34, 0, 16, 0 };
	uint8_t wire[2048];
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	for (unsigned int i = 0; i < 2; i++) {
		struct tpacket2_hdr *h = (void *)((char *)m + 2048 * i);
		uint8_t *d = (uint8_t *)h + 32;
		uint32_t n = i ? 100 : 1600;

		memset(d, 0, 10);
		if (i)
			memcpy(d, csum, 10);
		t_eth(d + 10, n, t_bcast, ETH_P_IP);
		h->tp_len = n + 10;
		tpsim_frame_send_request(h, TPACKET_V2);
		ck_assert_int_eq(tpsim_send(s, NULL, 0), (int)n);
		ck_assert_int_eq(tpsim_wire_recv(s, wire, sizeof(wire),
						 MSG_DONTWAIT),
				 (int)n);
		ck_assert_uint_eq(d[2], 0);	/* hdr_len left alone */
	}
	tpsim_munmap(s, m, 4096);
	tpsim_close(s);
}
END_TEST

/* The refusals, each on a fresh socket at frame 0 */
START_TEST(vnet_hdr_tx_refused)
{
	static const uint8_t vh[4][10] = {
		{ 0, 0, 200, 0 },
		{ 0, 1 },
		{ 1, 0, 0, 0, 0, 0, 19, 0, 2, 0 },
		{ 0 },
	};
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpacket_req q = { .tp_block_size = 4096, .tp_block_nr = 1,
				 .tp_frame_size = 2048, .tp_frame_nr = 2 };
	struct tpacket2_hdr *h;
	void *m;

	ck_assert_int_eq(t_setint(s, PACKET_VNET_HDR, 1), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &q,
					  sizeof(q)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	h = m;
	memcpy((char *)h + 32, vh[_i], 10);
	t_eth((uint8_t *)h + 42, 100, t_bcast, ETH_P_IP);
	h->tp_len = _i == 3 ? 6 : 110;
	tpsim_frame_send_request(h, TPACKET_V2);
	ck_assert_int_eq(tpsim_send(s, NULL, 0), -EINVAL);
	ck_assert_uint_eq(tpsim_frame_status(h, TPACKET_V2),
			  TP_STATUS_WRONG_FORMAT);
	tpsim_munmap(s, m, 4096);
	tpsim_close(s);
}
END_TEST

/* an outgoing copy with its tag held outside and a given protocol; V3
 * SOCK_DGRAM names a tag in the data in hv1 */
START_TEST(outgoing_metadata_v3)
{
	struct tpsim_sock *s = t_sock_opts(SOCK_DGRAM, ETH_P_ALL, NULL, 0, 0);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10 };
	struct tpsim_packet p = { .sz = sizeof(p), .len = 80,
				  .flags = TPSIM_PKT_PKTTYPE,
				  .pkttype = PACKET_OUTGOING };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	uint8_t f[80];
	size_t len;
	char *m;

	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_8021AD);
	f[14] = 0, f[15] = 3, f[16] = 0x88, f[17] = 0xb5;
	p.data = f;
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	/* and one with its tag outside and its protocol given */
	p.flags |= TPSIM_PKT_VLAN | TPSIM_PKT_PROTOCOL;
	p.vlan_tci = 77;
	p.vlan_tpid = ETH_P_8021Q;
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(tpsim_deliver(s, &p), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
	b = (void *)m;
	ck_assert_uint_eq(b->hdr.bh1.num_pkts, 2);
	h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
	ck_assert_uint_eq(h->tp_len, 80 - 18);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 3);
	ck_assert_uint_eq(h->hv1.tp_vlan_tpid, ETH_P_8021AD);
	h = (void *)((char *)h + h->tp_next_offset);
	ck_assert_uint_eq(h->hv1.tp_vlan_tci, 77);
	ck_assert_uint_eq(((struct sockaddr_ll *)((char *)h + 48))->sll_protocol,
			  htons(ETH_P_IP));
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

/* B6: the simulator's flow hash covers IPv6 and frames that are not IP
 * (the kernel hashes those too: tp_rxhash is never 0) */
START_TEST(rxhash_ipv6_and_not_ip)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V3, 0);
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 1,
				  .tp_frame_size = 2048, .tp_frame_nr = 2,
				  .tp_retire_blk_tov = 10,
				  .tp_feature_req_word = TP_FT_REQ_FILL_RXHASH };
	struct tpacket_block_desc *b;
	struct tpacket3_hdr *h;
	uint8_t f[100];
	size_t len;
	char *m;

	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	m = t_map(s, &len);
	t_eth(f, sizeof(f), t_bcast, ETH_P_IPV6);
	f[14] = 0x60;
	f[20] = 17;	/* UDP */
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	t_eth(f, sizeof(f), t_bcast, ETH_P_ARP);
	ck_assert_int_eq(t_deliver(s, f, sizeof(f)), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_clock_advance_ns(s, 20000000), 0);
	b = (void *)m;
	h = (void *)(m + b->hdr.bh1.offset_to_first_pkt);
	ck_assert_uint_ne(h->hv1.tp_rxhash, 0);
	h = (void *)((char *)h + h->tp_next_offset);
	ck_assert_uint_ne(h->hv1.tp_rxhash, 0);
	tpsim_munmap(s, m, len);
	tpsim_close(s);
}
END_TEST

Suite *suite_peers(void)
{
	Suite *s = suite_create("peers");
	TCase *tc = tcase_create("peers");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, outgoing_reaches_eth_p_all_only);
	tcase_add_test(tc, outgoing_tags_stay_in_the_data);
	tcase_add_loop_test(tc, stacked_tags_dgram_protocol, 0, 2);
	tcase_add_test(tc, too_many_tags_dgram_protocol_zero);
	tcase_add_test(tc, bound_socket_tagged_packets);
	tcase_add_loop_test(tc, net_past_16_bits, 0, 6);
	tcase_add_loop_test(tc, vnet_hdr_rx_layout, TPACKET_V1, TPACKET_V3 + 1);
	tcase_add_test(tc, vnet_hdr_no_room);
	tcase_add_test(tc, vnet_hdr_recv);
	tcase_add_test(tc, vnet_hdr_tx);
	tcase_add_loop_test(tc, vnet_hdr_tx_refused, 0, 4);
	tcase_add_test(tc, outgoing_metadata_v3);
	tcase_add_test(tc, rxhash_ipv6_and_not_ip);
	suite_add_tcase(s, tc);
	return s;
}
