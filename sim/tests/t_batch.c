// SPDX-License-Identifier: MIT
/*
 * Description: the packet list and checks shared by the batch suites
 * (test_batch.c, test_batch_clock.c).
 */
#include <linux/if_ether.h>
#include <string.h>

#include "t_batch.h"

void t_batch_list(struct t_batch_list *l, bool plain)
{
	static const uint8_t mcast[6] = { 0x01, 0, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 9, 9, 9, 9, 9 };
	uint64_t x = 0x2545f4914f6cdd1dull;

	for (int i = 0; i < T_BATCH_NPKT; i++) {
		struct tpsim_packet *p = &l->p[i];
		uint32_t len;
		const uint8_t *dst;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = 14 + (uint32_t)(x % 1501);
		dst = (x >> 20) % 4 == 0   ? t_bcast
		      : (x >> 20) % 4 == 1 ? t_self
		      : (x >> 20) % 4 == 2 ? mcast
					   : other;
		t_eth(l->data[i], len, dst,
		      (x >> 24) % 5 == 0 ? ETH_P_8021Q : ETH_P_IP);
		memset(p, 0, sizeof(*p));
		p->sz = sizeof(*p);
		p->data = l->data[i];
		p->len = (x >> 28) % 7 == 0 ? 18 : len;
		if ((x >> 32) % 3 == 0)
			p->flags |= TPSIM_PKT_CSUM_VALID;
		if ((x >> 34) % 4 == 0) {
			p->flags |= TPSIM_PKT_SW_TS;
			p->sw_ts.tv_sec = 100 + i;
			p->sw_ts.tv_nsec = 7;
		}
		if ((x >> 36) % 6 == 0) {
			p->flags |= TPSIM_PKT_VLAN;
			p->vlan_tci = (uint16_t)i;
			p->vlan_tpid = ETH_P_8021AD;
		}
		l->pp[i] = p;
		if (plain) {
			p->flags = 0;
			if (l->data[i][12] == 0x81 && l->data[i][13] == 0)
				l->data[i][12] = 0x08;	/* 8100 -> IPv4 */
		}
	}
}

struct tpsim_sock *t_batch_ring_sock(int type, int version,
				     unsigned int frames)
{
	struct tpsim_sock *s = t_sock(type, version, 0);

	if (version == TPACKET_V3) {
		struct tpacket_req3 r = { .tp_block_size = 8192,
					  .tp_block_nr = 8,
					  .tp_frame_size = 2048,
					  .tp_frame_nr = 32,
					  .tp_retire_blk_tov = 10 };

		ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET,
						  PACKET_RX_RING, &r,
						  sizeof(r)), 0);
	} else {
		ck_assert_int_eq(t_ring(s, 8192, frames / 8, 1024, frames),
				 0);
	}
	return s;
}

void t_batch_same_rx_last(struct tpsim_sock *a, struct tpsim_sock *b,
			  unsigned int at)
{
	struct tpsim_rx_info x = { .sz = sizeof(x) }, y = { .sz = sizeof(y) };
	int ea = tpsim_rx_last(a, &x), eb = tpsim_rx_last(b, &y);

	ck_assert_msg(ea == eb, "after packet %u: tpsim_rx_last single %d, "
		      "batch %d", at, ea, eb);
	if (ea)
		return;
	ck_assert_msg(x.seq == y.seq && x.ring == y.ring &&
			      x.frame == y.frame && x.status == y.status &&
			      x.len == y.len && x.snaplen == y.snaplen,
		      "after packet %u: single seq %llu ring %d frame %u "
		      "status 0x%x len %u snaplen %u, batch seq %llu ring %d "
		      "frame %u status 0x%x len %u snaplen %u", at,
		      (unsigned long long)x.seq, x.ring, x.frame, x.status,
		      x.len, x.snaplen, (unsigned long long)y.seq, y.ring,
		      y.frame, y.status, y.len, y.snaplen);
	ck_assert_msg(x.mac == y.mac && x.net == y.net &&
			      x.vlan_tci == y.vlan_tci &&
			      x.vlan_tpid == y.vlan_tpid &&
			      x.ts.tv_sec == y.ts.tv_sec &&
			      x.ts.tv_nsec == y.ts.tv_nsec,
		      "after packet %u: single mac %u net %u vlan %u/0x%x "
		      "ts %lld.%09ld, batch mac %u net %u vlan %u/0x%x "
		      "ts %lld.%09ld", at, x.mac, x.net, x.vlan_tci,
		      x.vlan_tpid, (long long)x.ts.tv_sec, x.ts.tv_nsec,
		      y.mac, y.net, y.vlan_tci, y.vlan_tpid,
		      (long long)y.ts.tv_sec, y.ts.tv_nsec);
}
