// SPDX-License-Identifier: MIT
/* Helpers shared by the unit-test suites. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
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

int t_ring_v(struct tpsim_sock *s, int version, unsigned int bsize,
	     unsigned int bnr, unsigned int fsize, unsigned int fnr)
{
	struct tpacket_req3 q = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = fsize, .tp_frame_nr = fnr,
				  .tp_retire_blk_tov = 10 };

	if (version != TPACKET_V3)
		return t_ring(s, bsize, bnr, fsize, fnr);
	return tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q, sizeof(q));
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

/* Devices (test_dev.c, test_fanout.c): a net of two devices, d then d2,
 * addresses t_dev_addr and the same ending in 0x0b. */
const uint8_t t_dev_addr[6] = { 0x02, 0, 0, 0, 0, 0x0a };

void t_env_open(struct t_env *e, enum tpsim_dev_kind kind)
{
	struct tpsim_dev_opts o = { .sz = sizeof(o), .kind = kind };

	ck_assert_int_eq(tpsim_net_create(&e->n), 0);
	memcpy(o.addr, t_dev_addr, 6);
	ck_assert_int_eq(tpsim_dev_add(e->n, &o, &e->d), 0);
	o.addr[5] = 0x0b;
	ck_assert_int_eq(tpsim_dev_add(e->n, &o, &e->d2), 0);
}

/* A socket of protocol proto (host order; 0: none) in the net. */
struct tpsim_sock *t_sock_in(struct t_env *e, uint16_t proto)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpsim_sock *s;

	o.protocol = proto ? htons(proto) : TPSIM_PROTO_NONE;
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(tpsim_net_add_sock(e->n, s), 0);
	return s;
}

int t_bind_to(struct tpsim_sock *s, int ifindex, uint16_t proto)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = ifindex,
				 .sll_protocol = htons(proto) };

	return tpsim_bind(s, (struct sockaddr *)&a, sizeof(a));
}

int t_so_error(struct tpsim_sock *s)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len),
			 0);
	return v;
}

/* An IPv4/UDP frame from src:sport to dst:dport, to Ethernet dmac. */
void t_udp_frame(uint8_t *b, const uint8_t dmac[6], uint8_t src,
		 uint8_t dst, uint16_t sport, uint16_t dport)
{
	t_eth(b, 64, dmac, ETH_P_IP);
	memset(b + 14, 0, 28);
	b[14] = 0x45;
	b[23] = 17;
	b[26] = 10, b[29] = src;
	b[30] = 10, b[33] = dst;
	b[34] = (uint8_t)(sport >> 8), b[35] = (uint8_t)sport;
	b[36] = (uint8_t)(dport >> 8), b[37] = (uint8_t)dport;
}

int t_dev_rx(struct tpsim_dev *d, const uint8_t *b, uint32_t len,
	     unsigned int cpu, unsigned int queue,
	     struct tpsim_dev_result *res, unsigned int nres)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = len };

	return tpsim_dev_deliver(d, &p, cpu, queue, res, nres);
}

unsigned int t_packets(struct tpsim_sock *s)
{
	unsigned int p, dr;

	t_stats(s, &p, &dr);
	return p;
}

int t_join(struct tpsim_sock *s, uint16_t id, uint16_t type_flags,
	   uint32_t max, socklen_t len)
{
	struct fanout_args a = { .id = id, .type_flags = type_flags,
				 .max_num_members = max };
	int v = (int)((uint32_t)id | (uint32_t)type_flags << 16);

	if (len == sizeof(int))
		return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, len);
	return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, &a, len);
}

/* test_peers.c, test_sockbuf.c: a socket with the given create options. */
struct tpsim_sock *t_sock_opts(int type, uint16_t proto,
			       const char *profile, uint32_t rmax,
			       uint32_t wmax)
{
	struct tpsim_create_opts o = { .sz = sizeof(o), .type = type,
				       .protocol = htons(proto),
				       .clock = TPSIM_CLOCK_VIRTUAL,
				       .profile = profile, .rmem_max = rmax,
				       .wmem_max = wmax };
	struct tpsim_sock *s;

	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	return s;
}

/* Deliver f as an outgoing copy (PACKET_OUTGOING). */
int t_deliver_out(struct tpsim_sock *s, const uint8_t *f, uint32_t len)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = len,
				  .flags = TPSIM_PKT_PKTTYPE,
				  .pkttype = PACKET_OUTGOING };

	return tpsim_deliver(s, &p);
}

long t_host_core(const char *name, long def)
{
	char path[96];
	FILE *f;
	long v;

	snprintf(path, sizeof(path), "/proc/sys/net/core/%s", name);
	f = fopen(path, "r");
	if (!f)
		return def;
	if (fscanf(f, "%ld", &v) != 1 || v <= 0 || v > INT_MAX)
		v = def;
	fclose(f);
	return v;
}
