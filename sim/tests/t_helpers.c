// SPDX-License-Identifier: MIT
/* Helpers shared by the unit-test suites. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/mman.h>

#include "t_helpers.h"

const uint8_t t_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t t_self[6] = { 0x02, 0, 0, 0, 0, 0x01 };

struct tpsim_sock *t_sock(int type, int version, unsigned int reserve)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .type = type,
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, version), 0);
	if (reserve)
		ck_assert_int_eq(t_setint(s, PACKET_RESERVE, (int)reserve), 0);
	return s;
}

struct tpsim_sock *t_sock_profile(const char *profile)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .profile = profile };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	return s;
}

int t_ring(struct tpsim_sock *s, unsigned int bsize, unsigned int bnr,
	   unsigned int fsize, unsigned int fnr)
{
	struct tpacket_req r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				 .tp_frame_size = fsize, .tp_frame_nr = fnr };

	return tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, sizeof(r));
}

int t_setint(struct tpsim_sock *s, int opt, int val)
{
	return tpsim_setsockopt(s, SOL_PACKET, opt, &val, sizeof(val));
}

int t_getint(struct tpsim_sock *s, int opt, int *val)
{
	socklen_t len = sizeof(*val);

	return tpsim_getsockopt(s, SOL_PACKET, opt, val, &len);
}

void *t_map(struct tpsim_sock *s, size_t *len)
{
	struct tpsim_ring_view v;
	void *m;

	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, v.ring_bytes,
				    PROT_READ | PROT_WRITE, MAP_SHARED, 0, &m),
			 0);
	*len = v.ring_bytes;
	return m;
}

void t_eth(uint8_t *buf, uint32_t len, const uint8_t dst[6], uint16_t type)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	uint16_t t = htons(type);

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	memcpy(buf + 12, &t, 2);
	for (uint32_t i = ETH_HLEN; i < len; i++)
		buf[i] = (uint8_t)i;
}

int t_deliver_flags(struct tpsim_sock *s, const void *data, uint32_t len,
		    uint32_t flags)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = data, .len = len,
				  .flags = flags };

	return tpsim_deliver(s, &p);
}

int t_deliver(struct tpsim_sock *s, const void *data, uint32_t len)
{
	return t_deliver_flags(s, data, len, 0);
}

void t_stats(struct tpsim_sock *s, unsigned int *packets, unsigned int *drops)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_STATISTICS,
					  &st, &len),
			 0);
	ck_assert_int_eq(len, sizeof(st));
	*packets = st.tp_packets;
	*drops = st.tp_drops;
}
