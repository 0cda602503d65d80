// SPDX-License-Identifier: MIT
/*
 * Devices and many sockets (issue 17): bind and getsockname, the link
 * going down, up and away, memberships and a NIC's filter, fanout join
 * rules and the members each mode picks. Every errno and length here is
 * what Linux 6.18 answered to the same calls on a TAP in a private
 * network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "t_helpers.h"

#ifndef PACKET_FANOUT_FLAG_IGNORE_OUTGOING
#define PACKET_FANOUT_FLAG_IGNORE_OUTGOING 0x4000
#endif

static const uint8_t dev_addr[6] = { 0x02, 0, 0, 0, 0, 0x0a };

struct env {
	struct tpsim_net *n;
	struct tpsim_dev *d, *d2;
};

static void env_open(struct env *e, enum tpsim_dev_kind kind)
{
	struct tpsim_dev_opts o = { .sz = sizeof(o), .kind = kind };

	ck_assert_int_eq(tpsim_net_create(&e->n), 0);
	memcpy(o.addr, dev_addr, 6);
	ck_assert_int_eq(tpsim_dev_add(e->n, &o, &e->d), 0);
	o.addr[5] = 0x0b;
	ck_assert_int_eq(tpsim_dev_add(e->n, &o, &e->d2), 0);
}

/* A socket of protocol proto (host order; 0: none) in the net. */
static struct tpsim_sock *sock_in(struct env *e, uint16_t proto)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .clock = TPSIM_CLOCK_VIRTUAL };
	struct tpsim_sock *s;

	o.protocol = proto ? htons(proto) : TPSIM_PROTO_NONE;
	ck_assert_int_eq(tpsim_create(&o, &s), 0);
	ck_assert_int_eq(tpsim_net_add_sock(e->n, s), 0);
	return s;
}

static int bind_to(struct tpsim_sock *s, int ifindex, uint16_t proto)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET,
				 .sll_ifindex = ifindex,
				 .sll_protocol = htons(proto) };

	return tpsim_bind(s, (struct sockaddr *)&a, sizeof(a));
}

static int so_error(struct tpsim_sock *s)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &len),
			 0);
	return v;
}

/* An IPv4/UDP frame from src:sport to dst:dport, to Ethernet dmac. */
static void udp_frame(uint8_t *b, const uint8_t dmac[6], uint8_t src,
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

static int dev_rx(struct tpsim_dev *d, const uint8_t *b, uint32_t len,
		  unsigned int cpu, unsigned int queue,
		  struct tpsim_dev_result *res, unsigned int nres)
{
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = len };

	return tpsim_dev_deliver(d, &p, cpu, queue, res, nres);
}

static unsigned int packets(struct tpsim_sock *s)
{
	unsigned int p, dr;

	t_stats(s, &p, &dr);
	return p;
}

static int join(struct tpsim_sock *s, uint16_t id, uint16_t type_flags,
		uint32_t max, socklen_t len)
{
	struct fanout_args a = { .id = id, .type_flags = type_flags,
				 .max_num_members = max };
	int v = id | type_flags << 16;

	if (len == sizeof(int))
		return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, &v, len);
	return tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, &a, len);
}

START_TEST(bind_rules)
{
	struct env e;
	struct tpsim_sock *s, *none;
	struct sockaddr_ll a = { .sll_family = AF_PACKET }, g;
	socklen_t gl;

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	none = sock_in(&e, 0);
	a.sll_ifindex = 1;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a) - 1),
			 -EINVAL);
	a.sll_family = AF_INET;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a)),
			 -EINVAL);
	a.sll_family = 0;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a)),
			 -EINVAL);
	ck_assert_int_eq(bind_to(s, 999, 0), -ENODEV);

	/* unbound: ifindex 0, no hardware address, 12 bytes */
	gl = sizeof(g);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_uint_eq(gl, 12);
	ck_assert_int_eq(g.sll_family, AF_PACKET);
	ck_assert_int_eq(g.sll_ifindex, 0);
	ck_assert_int_eq(g.sll_protocol, htons(ETH_P_ALL));
	ck_assert_int_eq(g.sll_halen, 0);

	/* bound with protocol 0: keeps ETH_P_ALL; the device's address */
	ck_assert_int_eq(bind_to(s, 1, 0), 0);
	gl = sizeof(g);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_uint_eq(gl, 18);
	ck_assert_int_eq(g.sll_ifindex, 1);
	ck_assert_int_eq(g.sll_protocol, htons(ETH_P_ALL));
	ck_assert_int_eq(g.sll_hatype, ARPHRD_ETHER);
	ck_assert_int_eq(g.sll_halen, 6);
	ck_assert_mem_eq(g.sll_addr, dev_addr, 6);
	ck_assert_int_eq(g.sll_pkttype, 0);
	/* a short buffer: the length says how long the address is */
	gl = 4;
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_uint_eq(gl, 18);

	/* a socket of protocol 0 gets nothing, and says protocol 0 */
	gl = sizeof(g);
	ck_assert_int_eq(tpsim_getsockname(none, (struct sockaddr *)&g, &gl),
			 0);
	ck_assert_int_eq(g.sll_protocol, 0);
	{
		uint8_t b[64];
		struct tpsim_dev_result r[4];

		t_eth(b, sizeof(b), dev_addr, ETH_P_IP);
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 4), 1);
		ck_assert_ptr_eq(r[0].sock, s);
		ck_assert_int_eq(r[0].result, TPSIM_RX_DELIVERED);
		/* on the second device: s is bound to the first */
		ck_assert_int_eq(dev_rx(e.d2, b, 64, 0, 0, r, 4), 0);
		/* bound with a protocol it starts receiving */
		ck_assert_int_eq(bind_to(none, 0, ETH_P_IP), 0);
		ck_assert_int_eq(dev_rx(e.d2, b, 64, 0, 0, r, 4), 1);
		ck_assert_ptr_eq(r[0].sock, none);
	}
	tpsim_close(s);
	tpsim_close(none);
	tpsim_net_destroy(e.n);
}
END_TEST

/* A socket bound to every device reports the device a frame came in on,
 * and the packet type against that device's address. */
START_TEST(unbound_sees_each_device)
{
	struct env e;
	struct tpsim_sock *s;
	uint8_t b[64];
	char *m;
	size_t len;
	const struct sockaddr_ll *sll;
	const unsigned int off = TPACKET_ALIGN(sizeof(struct tpacket2_hdr));

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	t_eth(b, sizeof(b), dev_addr, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d2, b, 64, 0, 0, NULL, 0), 1);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 1);
	sll = (const struct sockaddr_ll *)(m + off);
	ck_assert_int_eq(sll->sll_ifindex, 2);
	ck_assert_int_eq(sll->sll_pkttype, PACKET_OTHERHOST);
	sll = (const struct sockaddr_ll *)(m + 2048 + off);
	ck_assert_int_eq(sll->sll_ifindex, 1);
	ck_assert_int_eq(sll->sll_pkttype, PACKET_HOST);
	ck_assert_int_eq(tpsim_munmap(s, m, len), 0);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(link_down_up)
{
	struct env e;
	struct tpsim_sock *s, *any, *late;
	uint8_t b[64], out[128];

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	any = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(bind_to(s, 1, 0), 0);
	t_eth(b, sizeof(b), dev_addr, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);

	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), -ENETDOWN);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLIN | POLLERR);
	ck_assert_int_eq(tpsim_poll(any, POLLIN, 0), POLLIN);
	ck_assert_int_eq(so_error(s), ENETDOWN);
	ck_assert_int_eq(so_error(s), 0);
	ck_assert_int_eq(so_error(any), 0);
	/* down, up, down: one error; recv reports it before the data */
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -ENETDOWN);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT), 64);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	/* binding to a device that is down: ENETDOWN at once */
	late = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(bind_to(late, 1, 0), 0);
	ck_assert_int_eq(so_error(late), ENETDOWN);

	/* a send on a device that is down: ENETDOWN, TX ring or not */
	ck_assert_int_eq(tpsim_send(late, NULL, 0), -ENETDOWN);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 3);
	ck_assert_int_eq(packets(s), 2);
	ck_assert_int_eq(packets(late), 1);
	tpsim_close(s);
	tpsim_close(any);
	tpsim_close(late);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(device_removed)
{
	struct env e;
	struct tpsim_sock *s;
	struct sockaddr_ll g;
	socklen_t gl = sizeof(g);
	uint8_t out[64];
	struct tpsim_dev_state st = { .sz = sizeof(st) };

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(bind_to(s, 2, 0), 0);
	tpsim_dev_remove(e.d2);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLERR);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -ENETDOWN);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_int_eq(g.sll_ifindex, -1);
	ck_assert_uint_eq(gl, 12);
	ck_assert_int_eq(bind_to(s, 2, 0), -ENODEV);
	/* gone: a send without a destination is ENXIO */
	ck_assert_int_eq(tpsim_send(s, NULL, 0), -ENXIO);
	ck_assert_int_eq(bind_to(s, 1, 0), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_int_eq(st.ifindex, 1);
	ck_assert_uint_eq(st.flags, IFF_UP);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

static int mreq(struct tpsim_sock *s, int opt, int ifindex, int type,
		const uint8_t *addr, int alen, socklen_t len)
{
	struct {
		struct packet_mreq m;
		uint8_t more[24];
	} m;

	memset(&m, 0, sizeof(m));
	m.m.mr_ifindex = ifindex;
	m.m.mr_type = (unsigned short)type;
	m.m.mr_alen = (unsigned short)alen;
	if (addr)
		memcpy(m.m.mr_address, addr, 6);
	return tpsim_setsockopt(s, SOL_PACKET, opt, &m, len);
}

START_TEST(membership_rules)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 1 };
	struct env e;
	struct tpsim_sock *s;
	struct tpsim_dev_state st = { .sz = sizeof(st) };
	const int add = PACKET_ADD_MEMBERSHIP, drop = PACKET_DROP_MEMBERSHIP;

	env_open(&e, TPSIM_DEV_NIC);
	s = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_PROMISC, NULL, 0, 15),
			 -EINVAL);
	ck_assert_int_eq(mreq(s, add, 999, PACKET_MR_PROMISC, NULL, 0, 16),
			 -ENODEV);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_PROMISC, NULL, 7, 16),
			 -EINVAL);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_PROMISC, NULL, 9, 16),
			 -EINVAL);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_MULTICAST, NULL, 0, 16),
			 -EINVAL);
	/* an unknown type is taken and does nothing */
	ck_assert_int_eq(mreq(s, add, 1, 77, NULL, 0, 16), 0);
	/* packet_mreq_max: 40 bytes, longer is cut there, the address must
	 * fit in what was given */
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_MULTICAST, mc, 6, 13),
			 -EINVAL);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_MULTICAST, mc, 6, 40), 0);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_MULTICAST, mc, 6, 16), 0);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_PROMISC, NULL, 0, 16), 0);
	ck_assert_int_eq(mreq(s, add, 1, PACKET_MR_PROMISC, NULL, 0, 16), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	/* counted per socket: the device counts each entry once */
	ck_assert_uint_eq(st.promiscuity, 1);
	ck_assert_uint_eq(st.mc_count, 1);
	ck_assert_uint_eq(st.flags, IFF_UP | IFF_PROMISC);
	ck_assert_int_eq(mreq(s, drop, 1, PACKET_MR_PROMISC, NULL, 0, 16), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_uint_eq(st.promiscuity, 1);
	/* dropping what is not there: 0; a bad length still EINVAL */
	ck_assert_int_eq(mreq(s, drop, 1, PACKET_MR_ALLMULTI, NULL, 0, 16), 0);
	ck_assert_int_eq(mreq(s, drop, 1, PACKET_MR_ALLMULTI, NULL, 9, 16),
			 -EINVAL);
	ck_assert_int_eq(mreq(s, drop, 999, PACKET_MR_ALLMULTI, NULL, 0, 16),
			 0);
	/* close drops them all */
	tpsim_close(s);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_uint_eq(st.promiscuity, 0);
	ck_assert_uint_eq(st.mc_count, 0);
	ck_assert_uint_eq(st.flags, IFF_UP);
	tpsim_net_destroy(e.n);
}
END_TEST

/* What a NIC-like device lets through, as its state changes. */
START_TEST(nic_filter)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 1 };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x77 };
	struct env e;
	struct tpsim_sock *s, *t;
	uint8_t b[64];
	struct tpsim_dev_state st = { .sz = sizeof(st) };

	env_open(&e, TPSIM_DEV_NIC);
	s = sock_in(&e, ETH_P_ALL);
	t = sock_in(&e, ETH_P_ALL);
	t_eth(b, 64, other, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	t_eth(b, 64, mc, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	t_eth(b, 64, t_bcast, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);

	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_MULTICAST,
			      mc, 6, 16), 0);
	t_eth(b, 64, mc, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_UNICAST,
			      other, 6, 16), 0);
	t_eth(b, 64, other, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	ck_assert_int_eq(mreq(s, PACKET_DROP_MEMBERSHIP, 1, PACKET_MR_UNICAST,
			      other, 6, 16), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	/* promiscuous from t: unicast to others too */
	ck_assert_int_eq(mreq(t, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_PROMISC,
			      NULL, 0, 16), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	tpsim_close(t);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	/* all-multicast: any group */
	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_ALLMULTI,
			      NULL, 0, 16), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_uint_eq(st.flags, IFF_UP | IFF_ALLMULTI);
	b[5] = 0x42;
	b[0] = 0x01;
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, NULL, 0), 1);
	/* the device going away drops the memberships on it */
	tpsim_dev_remove(e.d);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(fanout_join_rules)
{
	struct env e;
	struct tpsim_sock *s, *s0, *s3, *ip, *ip2, *u;
	struct tpacket_rollover_stats rs;
	socklen_t len;
	int v, fd;

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	s0 = sock_in(&e, 0);
	ck_assert_int_eq(bind_to(s, 1, 0), 0);
	ck_assert_int_eq(join(s0, 7, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	ck_assert_int_eq(join(s, 7, PACKET_FANOUT_LB, 0, 3), -EINVAL);
	ck_assert_int_eq(join(s, 7, PACKET_FANOUT_LB, 0, 5), -EINVAL);
	ck_assert_int_eq(join(s, 7, PACKET_FANOUT_ROLLOVER |
					    PACKET_FANOUT_FLAG_ROLLOVER,
			      0, 4),
			 -EINVAL);
	ck_assert_int_eq(join(s, 7, 9, 0, 4), -EINVAL);
	/* an unknown flag bit is kept and shown */
	ck_assert_int_eq(join(s, 7, PACKET_FANOUT_LB | 0x100, 0, 4), 0);
	ck_assert_int_eq(t_getint(s, PACKET_FANOUT, &v), 0);
	ck_assert_int_eq(v, 0x1010007);
	ck_assert_int_eq(join(s, 7, PACKET_FANOUT_LB, 0, 4), -EALREADY);
	ck_assert_int_eq(bind_to(s, 1, 0), -EINVAL);

	/* joining: device, mode, flags, size, protocol must agree */
	s3 = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(join(s3, 7, PACKET_FANOUT_LB | 0x100, 0, 4), -EINVAL);
	ck_assert_int_eq(bind_to(s3, 1, 0), 0);
	ck_assert_int_eq(join(s3, 7, PACKET_FANOUT_HASH | 0x100, 0, 4),
			 -EINVAL);
	ck_assert_int_eq(join(s3, 7, PACKET_FANOUT_LB, 0, 4), -EINVAL);
	ck_assert_int_eq(join(s3, 7, PACKET_FANOUT_LB | 0x100, 5, 8), -EINVAL);
	ck_assert_int_eq(join(s3, 7, PACKET_FANOUT_LB | 0x100, 256, 8), 0);
	ip = sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(bind_to(ip, 1, 0), 0);
	ck_assert_int_eq(join(ip, 7, PACKET_FANOUT_LB | 0x100, 0, 4), -EINVAL);
	ck_assert_int_eq(join(ip, 9, PACKET_FANOUT_LB, 65537, 8), -EINVAL);
	ck_assert_int_eq(join(ip, 9, PACKET_FANOUT_LB, 1, 8), 0);
	ip2 = sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(bind_to(ip2, 1, 0), 0);
	ck_assert_int_eq(join(ip2, 9, PACKET_FANOUT_LB, 0, 8), -ENOSPC);
	ck_assert_int_eq(join(ip2, 9, PACKET_FANOUT_LB, 1, 8), -ENOSPC);

	/* UNIQUEID: id 0 asked, a free id given, the flag not kept */
	u = sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(join(u, 5, PACKET_FANOUT_HASH |
					    PACKET_FANOUT_FLAG_UNIQUEID,
			      0, 4),
			 -EINVAL);
	ck_assert_int_eq(join(u, 0, PACKET_FANOUT_HASH |
					    PACKET_FANOUT_FLAG_UNIQUEID,
			      0, 4),
			 0);
	ck_assert_int_eq(t_getint(u, PACKET_FANOUT, &v), 0);
	ck_assert_int_eq(v, 0);	/* id 0 was free here */
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(u, SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 -EINVAL);
	tpsim_close(u);

	/* PACKET_FANOUT_DATA */
	fd = 0;
	ck_assert_int_eq(tpsim_setsockopt(ip2, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	ck_assert_int_eq(join(ip2, 11, PACKET_FANOUT_ROLLOVER, 0, 4), 0);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(ip2, SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(len, 24);
	ck_assert_int_eq(tpsim_setsockopt(ip2, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	u = sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(join(u, 12, PACKET_FANOUT_EBPF, 0, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EINVAL);
	fd = 999;
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EBADF);
	ck_assert_int_eq(tpsim_setsockopt(u, SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, 2),
			 -EINVAL);
	tpsim_close(u);

	/* joining while the link is down (6.13 on) */
	u = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(bind_to(u, 2, 0), 0);
	ck_assert_int_eq(tpsim_dev_set_link(e.d2, 0), 0);
	ck_assert_int_eq(join(u, 20, PACKET_FANOUT_LB, 0, 4), 0);
	tpsim_close(u);

	/* closing the last member frees the group: id 9 is free again */
	tpsim_close(ip);
	ck_assert_int_eq(join(ip2, 9, PACKET_FANOUT_LB, 0, 4), -EALREADY);
	tpsim_close(ip2);
	ip2 = sock_in(&e, ETH_P_IP);
	ck_assert_int_eq(bind_to(ip2, 1, 0), 0);
	ck_assert_int_eq(join(ip2, 9, PACKET_FANOUT_QM, 3, 8), 0);
	tpsim_close(ip2);
	tpsim_close(s);
	tpsim_close(s0);
	tpsim_close(s3);
	tpsim_net_destroy(e.n);
}
END_TEST

/* LB: round robin in join order, starting at the second member. */
START_TEST(fanout_lb_cpu_qm)
{
	static const struct {
		uint16_t mode;
		unsigned int counts[3];
	} cases[] = {
		{ PACKET_FANOUT_LB, { 2, 3, 2 } },	/* 1,2,0,1,2,0,1 */
		{ PACKET_FANOUT_CPU, { 3, 2, 2 } },	/* cpu i: i % 3 */
		{ PACKET_FANOUT_QM, { 2, 2, 3 } },	/* queue i+2 */
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct env e;
		struct tpsim_sock *m[3], *plain;
		struct tpsim_dev_result r[4];
		uint8_t b[64];

		env_open(&e, TPSIM_DEV_TAP);
		for (int i = 0; i < 3; i++) {
			m[i] = sock_in(&e, ETH_P_ALL);
			ck_assert_int_eq(join(m[i], 3, cases[c].mode, 0, 4), 0);
		}
		plain = sock_in(&e, ETH_P_ALL);
		t_eth(b, 64, dev_addr, ETH_P_IP);
		for (unsigned int i = 0; i < 7; i++) {
			ck_assert_int_eq(dev_rx(e.d, b, 64, i, i + 2, r, 4), 2);
			ck_assert_ptr_eq(r[0].sock, plain);
			ck_assert_int_eq(r[1].result, TPSIM_RX_DELIVERED);
		}
		for (int i = 0; i < 3; i++) {
			unsigned int got = packets(m[i]);

			ck_assert_msg(got == cases[c].counts[i],
				      "mode %u member %d: %u packets, want %u",
				      cases[c].mode, i, got,
				      cases[c].counts[i]);
		}
		ck_assert_int_eq(packets(plain), 7);
		for (int i = 0; i < 3; i++)
			tpsim_close(m[i]);
		tpsim_close(plain);
		tpsim_net_destroy(e.n);
	}
}
END_TEST

/* HASH: every frame of a flow, both directions, on one member; and a
 * member whose link goes down leaves the array, back at its end. */
START_TEST(fanout_hash_sticky)
{
	struct env e;
	struct tpsim_sock *m[4];
	struct tpsim_dev_result r[2];
	uint8_t b[64];
	unsigned int used = 0;

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 4; i++) {
		m[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(join(m[i], 1, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	for (uint8_t f = 1; f <= 32; f++) {
		struct tpsim_sock *first;

		udp_frame(b, dev_addr, f, 200, (uint16_t)(1000 + f), 53);
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		first = r[0].sock;
		for (int k = 0; k < 3; k++) {
			udp_frame(b, dev_addr, f, 200, (uint16_t)(1000 + f),
				  53);
			ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
			ck_assert_ptr_eq(r[0].sock, first);
			udp_frame(b, dev_addr, 200, f, 53,
				  (uint16_t)(1000 + f));
			ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
			ck_assert_ptr_eq(r[0].sock, first);
		}
		for (int i = 0; i < 4; i++)
			if (first == m[i])
				used |= 1u << i;
	}
	/* 32 flows over 4 members: each member has some */
	ck_assert_uint_eq(used, 15);
	for (int i = 0; i < 4; i++)
		tpsim_close(m[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(fanout_link_down_member)
{
	struct env e;
	struct tpsim_sock *m[3];
	struct tpsim_dev_result r[2];
	uint8_t b[64];

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 3; i++) {
		m[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(bind_to(m[i], i == 0 ? 2 : 1, 0), 0);
	}
	/* m0 on the other device cannot join a group of device 1 */
	ck_assert_int_eq(join(m[1], 4, PACKET_FANOUT_CPU, 0, 4), 0);
	ck_assert_int_eq(join(m[2], 4, PACKET_FANOUT_CPU, 0, 4), 0);
	ck_assert_int_eq(join(m[0], 4, PACKET_FANOUT_CPU, 0, 4), -EINVAL);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	ck_assert_int_eq(dev_rx(e.d2, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[0]);
	/* down and up: the array is now m2, m1 */
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(so_error(m[1]), ENETDOWN);
	ck_assert_int_eq(so_error(m[2]), ENETDOWN);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 1, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[2]);
	/* a member closing: m2 alone takes everything */
	tpsim_close(m[1]);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[2]);
	tpsim_close(m[0]);
	tpsim_close(m[2]);
	tpsim_net_destroy(e.n);
}
END_TEST

/*
 * ROLLOVER mode over two V2 rings of 8 frames nobody reads: member 0
 * takes frames while the frame two ahead of its head (8 >> 2) is free,
 * i.e. 6; then member 1 the same 6; then both are under pressure, the
 * search fails and member 0 gets the rest: 2 into its last frames, 2
 * dropped. Rollover statistics are member 0's (the search starts there).
 */
START_TEST(fanout_rollover_rings)
{
	struct env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	struct tpacket_rollover_stats rs;
	socklen_t len = sizeof(rs);
	unsigned int p, d;
	uint8_t b[64];
	void *map[2];
	size_t mlen[2];

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		m[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_setint(m[i], PACKET_VERSION, TPACKET_V2), 0);
		ck_assert_int_eq(t_ring(m[i], 4096, 2, 1024, 8), 0);
		map[i] = t_map(m[i], &mlen[i]);
		ck_assert_int_eq(join(m[i], 2, PACKET_FANOUT_ROLLOVER, 0, 4),
				 0);
	}
	t_eth(b, 64, dev_addr, ETH_P_IP);
	for (int i = 0; i < 16; i++) {
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		ck_assert_msg(r[0].sock == m[i >= 6 && i < 12],
			      "packet %d to the wrong member", i);
	}
	t_stats(m[0], &p, &d);
	ck_assert_uint_eq(p, 10);	/* tp_packets counts the drops too */
	ck_assert_uint_eq(d, 2);
	t_stats(m[1], &p, &d);
	ck_assert_uint_eq(p, 6);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 12);
	ck_assert_uint_eq(rs.tp_huge, 0);
	ck_assert_uint_eq(rs.tp_failed, 4);
	/* member 1's consumer frees its ring and polls: pressure off, the
	 * search finds it again */
	for (unsigned int i = 0; i < 8; i++)
		tpsim_frame_release((char *)map[1] + (i / 4) * 4096 +
					    (i % 4) * 1024,
				    TPACKET_V2);
	ck_assert_int_eq(tpsim_poll(m[1], POLLIN, 0), 0);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
	ck_assert_ptr_eq(r[0].sock, m[1]);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(tpsim_munmap(m[i], map[i], mlen[i]), 0);
		tpsim_close(m[i]);
	}
	tpsim_net_destroy(e.n);
}
END_TEST

/* FLAG_ROLLOVER on LB: a member without room passes frames on. */
START_TEST(fanout_lb_rollover_flag)
{
	struct env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	uint8_t b[64];
	void *map;
	size_t mlen;
	unsigned int p, d;
	struct tpacket_rollover_stats rs;
	socklen_t len;

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++)
		m[i] = sock_in(&e, ETH_P_ALL);
	/* member 0: a 4-frame ring; member 1: the receive queue */
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m[0], 4096, 1, 1024, 4), 0);
	map = t_map(m[0], &mlen);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(join(m[i], 6, PACKET_FANOUT_LB |
						       PACKET_FANOUT_FLAG_ROLLOVER,
				      0, 4),
				 0);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	/* LB alternates 1,0,1,0,...; member 0 keeps its frames while the
	 * frame one ahead (4 >> 2) of its head is free (2nd, 4th, 6th),
	 * takes the 8th in its last free frame (room LOW, the flow not
	 * huge), and rolls the 10th over to member 1 */
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 2), 1);
		ck_assert_msg(r[0].sock == m[i % 2 && i != 9 ? 0 : 1],
			      "packet %d to the wrong member", i);
	}
	t_stats(m[0], &p, &d);
	ck_assert_uint_eq(p, 4);
	ck_assert_uint_eq(d, 0);
	t_stats(m[1], &p, &d);
	ck_assert_uint_eq(p, 6);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 1);
	ck_assert_uint_eq(rs.tp_failed, 0);
	ck_assert_int_eq(tpsim_munmap(m[0], map, mlen), 0);
	tpsim_close(m[0]);
	tpsim_close(m[1]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* Send one 60-byte frame from s's TX ring (V2, 2 frames); returns what
 * tpsim_send returned. */
static ssize_t send_one(struct tpsim_sock *s, void *ring, unsigned int idx)
{
	struct tpacket2_hdr *h = (void *)((char *)ring + idx * 2048);
	uint8_t frame[60];

	t_eth(frame, sizeof(frame), t_bcast, 0x88b5);
	memcpy((char *)h + 32, frame, sizeof(frame));
	h->tp_len = sizeof(frame);
	tpsim_frame_send_request(h, TPACKET_V2);
	return tpsim_send(s, NULL, 0);
}

/* dev_queue_xmit_nit: what a socket sends reaches the device's other
 * ETH_P_ALL sockets as PACKET_OUTGOING, never the sender, a protocol
 * socket, a PACKET_IGNORE_OUTGOING socket, a group with the
 * IGNORE_OUTGOING flag or the sender's own group; PACKET_QDISC_BYPASS
 * sends past them all. */
START_TEST(outgoing_copies)
{
	struct env e;
	struct tpsim_sock *s, *all, *ip, *ign, *g[2], *h[2];
	struct tpacket_req req = { .tp_block_size = 4096, .tp_block_nr = 1,
				   .tp_frame_size = 2048, .tp_frame_nr = 2 };
	uint8_t out[128];
	void *ring;

	env_open(&e, TPSIM_DEV_TAP);
	s = sock_in(&e, ETH_P_ALL);
	all = sock_in(&e, ETH_P_ALL);
	ip = sock_in(&e, ETH_P_IP);
	ign = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(ign, PACKET_IGNORE_OUTGOING, 1), 0);
	for (int i = 0; i < 2; i++) {
		g[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(join(g[i], 8, PACKET_FANOUT_LB |
					       PACKET_FANOUT_FLAG_IGNORE_OUTGOING,
				      0, 4),
				 0);
		h[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(join(h[i], 9, PACKET_FANOUT_LB, 0, 4), 0);
	}
	ck_assert_int_eq(bind_to(s, 1, 0), 0);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_TX_RING, &req,
					  sizeof(req)),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &ring),
			 0);
	ck_assert_int_eq(send_one(s, ring, 0), 60);
	ck_assert_int_eq(tpsim_recv(all, out, sizeof(out), MSG_DONTWAIT), 60);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(tpsim_recv(ip, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(tpsim_recv(ign, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(packets(g[0]) + packets(g[1]), 0);
	ck_assert_int_eq(packets(h[0]) + packets(h[1]), 1);
	/* PACKET_QDISC_BYPASS: nobody */
	ck_assert_int_eq(t_setint(s, PACKET_QDISC_BYPASS, 1), 0);
	ck_assert_int_eq(send_one(s, ring, 1), 60);
	ck_assert_int_eq(tpsim_recv(all, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(packets(h[0]) + packets(h[1]), 0);
	ck_assert_int_eq(tpsim_munmap(s, ring, 4096), 0);
	tpsim_close(s);
	ck_assert_int_eq(bind_to(h[0], 0, 0), -EINVAL);
	tpsim_close(all);
	tpsim_close(ip);
	tpsim_close(ign);
	for (int i = 0; i < 2; i++) {
		tpsim_close(g[i]);
		tpsim_close(h[i]);
	}
	tpsim_net_destroy(e.n);
}
END_TEST

/* The sender's own fanout group does not see what it sends. */
START_TEST(outgoing_not_to_own_group)
{
	struct env e;
	struct tpsim_sock *h[2];
	struct tpacket_req req = { .tp_block_size = 4096, .tp_block_nr = 1,
				   .tp_frame_size = 2048, .tp_frame_nr = 2 };
	void *ring;

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		h[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(bind_to(h[i], 1, 0), 0);
		ck_assert_int_eq(join(h[i], 9, PACKET_FANOUT_LB, 0, 4), 0);
	}
	ck_assert_int_eq(t_setint(h[0], PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(tpsim_setsockopt(h[0], SOL_PACKET, PACKET_TX_RING,
					  &req, sizeof(req)),
			 0);
	ck_assert_int_eq(tpsim_mmap(h[0], NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &ring),
			 0);
	ck_assert_int_eq(send_one(h[0], ring, 0), 60);
	ck_assert_int_eq(packets(h[0]) + packets(h[1]), 0);
	ck_assert_int_eq(tpsim_munmap(h[0], ring, 4096), 0);
	for (int i = 0; i < 2; i++)
		tpsim_close(h[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* CBPF without a program: member 0; RND: every frame to some member;
 * IPv6 flows and tagged frames keep to one HASH member. */
START_TEST(fanout_other_modes)
{
	struct env e;
	struct tpsim_sock *c[2], *r[2], *h[3], *v;
	struct tpsim_dev_result res[4];
	uint8_t b[80];
	int fd = 0;

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++) {
		c[i] = sock_in(&e, ETH_P_IP);
		ck_assert_int_eq(join(c[i], 1, PACKET_FANOUT_CBPF, 0, 4), 0);
		r[i] = sock_in(&e, ETH_P_ARP);
		ck_assert_int_eq(join(r[i], 2, PACKET_FANOUT_RND, 0, 4), 0);
	}
	ck_assert_int_eq(tpsim_setsockopt(c[0], SOL_PACKET, PACKET_FANOUT_DATA,
					  &fd, sizeof(fd)),
			 -EOPNOTSUPP);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, res, 4), 1);
		ck_assert_ptr_eq(res[0].sock, c[0]);
	}
	t_eth(b, 64, dev_addr, ETH_P_ARP);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, res, 4), 1);
	ck_assert_uint_eq(packets(r[0]) + packets(r[1]), 20);
	/* an 802.3 length field goes to neither */
	b[12] = 0, b[13] = 50;
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, res, 4), 0);

	for (int i = 0; i < 3; i++) {
		h[i] = sock_in(&e, ETH_P_IPV6);
		ck_assert_int_eq(join(h[i], 3, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	for (uint8_t f = 0; f < 8; f++) {
		struct tpsim_sock *first = NULL;

		for (int k = 0; k < 4; k++) {
			/* an 802.1Q tag, then IPv6/TCP, both directions */
			memset(b, 0, sizeof(b));
			memcpy(b, dev_addr, 6);
			b[12] = 0x81, b[14] = 0, b[15] = 7;
			b[16] = 0x86, b[17] = 0xdd;
			b[18] = 0x60;
			b[24] = 6;
			b[18 + 8 + 15 + (k & 1) * 16] = (uint8_t)(f + 1);
			b[18 + 24 + 15 - (k & 1) * 16] = 9;
			b[58 + (k & 1) * 2 + 1] = 80;
			b[58 + 2 - (k & 1) * 2] = 0x30;
			b[58 + 3 - (k & 1) * 2] = f;
			ck_assert_int_eq(dev_rx(e.d, b, 80, 0, 0, res, 4), 1);
			if (!first)
				first = res[0].sock;
			ck_assert_ptr_eq(res[0].sock, first);
		}
	}
	/* a frame too short for its IP header: hash 0, still one member */
	t_eth(b, 20, dev_addr, ETH_P_IPV6);
	ck_assert_int_eq(dev_rx(e.d, b, 20, 0, 0, res, 4), 1);
	/* a device without link addresses (ARPHRD_NONE) */
	{
		struct tpsim_dev_opts o = { .sz = sizeof(o),
					    .hatype = ARPHRD_NONE,
					    .kind = TPSIM_DEV_NIC };
		struct tpsim_dev *d3;
		struct tpsim_packet p = { .sz = sizeof(p), .data = b,
					  .len = 40,
					  .flags = TPSIM_PKT_PROTOCOL,
					  .protocol = htons(ETH_P_IPV6) };

		ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d3), 0);
		v = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(tpsim_dev_deliver(d3, &p, 0, 0, res, 4), 2);
		tpsim_close(v);
	}
	for (int i = 0; i < 2; i++) {
		tpsim_close(c[i]);
		tpsim_close(r[i]);
	}
	for (int i = 0; i < 3; i++)
		tpsim_close(h[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

/* ROLLOVER's room test on V3 blocks and on the receive queue. */
START_TEST(fanout_rollover_v3_and_queue)
{
	struct env e;
	struct tpsim_sock *m[2];
	struct tpsim_dev_result r[2];
	struct tpacket_req3 q = { .tp_block_size = 4096, .tp_block_nr = 4,
				  .tp_frame_size = 2048, .tp_frame_nr = 8,
				  .tp_retire_blk_tov = 1000 };
	uint8_t b[1500];
	void *map;
	size_t len;
	unsigned int p, d;
	int rcvbuf = 4096;

	env_open(&e, TPSIM_DEV_TAP);
	for (int i = 0; i < 2; i++)
		m[i] = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V3), 0);
	ck_assert_int_eq(tpsim_setsockopt(m[0], SOL_PACKET, PACKET_RX_RING, &q,
					  sizeof(q)),
			 0);
	map = t_map(m[0], &len);
	ck_assert_int_eq(tpsim_setsockopt(m[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					  sizeof(rcvbuf)),
			 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(join(m[i], 5, PACKET_FANOUT_ROLLOVER, 0, 4),
				 0);
	t_eth(b, sizeof(b), dev_addr, ETH_P_IP);
	/* 2 frames of 1500 bytes a 4096-byte block: blocks fill, close,
	 * and the member rolls over when the block a quarter ahead
	 * (1 of 4) is the user's */
	for (int i = 0; i < 24; i++)
		ck_assert_int_eq(dev_rx(e.d, b, sizeof(b), 0, 0, r, 2), 1);
	t_stats(m[0], &p, &d);
	ck_assert_uint_gt(p, 0);
	t_stats(m[1], &p, &d);
	/* the small queue takes frames while a quarter of it is free */
	ck_assert_uint_gt(p, 0);
	ck_assert_uint_eq(d, 0);
	ck_assert_int_eq(tpsim_munmap(m[0], map, len), 0);
	tpsim_close(m[0]);
	tpsim_close(m[1]);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(api_null_args)
{
	struct env e;
	struct tpsim_dev_state st = { .sz = 4 };
	struct tpsim_sock *s;
	socklen_t len = 20;
	int v = 0;
	socklen_t vl = sizeof(v);

	env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), -EINVAL);
	ck_assert_int_eq(tpsim_dev_state_get(NULL, &st), -EINVAL);
	ck_assert_int_eq(tpsim_dev_set_link(NULL, 1), -EINVAL);
	ck_assert_int_eq(tpsim_dev_add(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_net_add_sock(NULL, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_dev_deliver(NULL, NULL, 0, 0, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(tpsim_bind(NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_getsockname(NULL, NULL, NULL), -EINVAL);
	s = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(tpsim_bind(s, NULL, 20), -EINVAL);
	ck_assert_int_eq(tpsim_getsockname(s, NULL, &len), -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT, NULL,
					  4),
			 -EFAULT);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET,
					  PACKET_ADD_MEMBERSHIP, NULL, 16),
			 -EFAULT);
	vl = (socklen_t)-1;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &vl),
			 -EINVAL);
	vl = 4;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_SOCKET, SO_ERROR, NULL, &vl),
			 -EFAULT);
	vl = (socklen_t)-1;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_FANOUT, &v,
					  &vl),
			 -EINVAL);
	vl = 4;
	ck_assert_int_eq(tpsim_getsockopt(s, SOL_PACKET, PACKET_FANOUT, NULL,
					  &vl),
			 -EFAULT);
	ck_assert_int_eq(join(s, 1, PACKET_FANOUT_EBPF, 0, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					  NULL, 4),
			 -EFAULT);
	tpsim_close(s);
	tpsim_net_destroy(NULL);
	tpsim_dev_remove(NULL);
	tpsim_net_destroy(e.n);
}
END_TEST

/* Pressure: set while a member is short of room, cleared by poll, and by
 * recv only once it took a packet (found by --differential-dev). */
START_TEST(rollover_pressure_recv)
{
	struct env e;
	struct tpsim_sock *m;
	struct tpsim_dev_result r[1];
	struct tpacket_rollover_stats rs;
	socklen_t len;
	uint8_t b[64], out[64];
	void *map;
	size_t mlen;

	env_open(&e, TPSIM_DEV_TAP);
	m = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(m, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m, 4096, 1, 1024, 4), 0);
	map = t_map(m, &mlen);
	ck_assert_int_eq(join(m, 1, PACKET_FANOUT_ROLLOVER, 0, 4), 0);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	for (unsigned int i = 0; i < 4; i++)
		tpsim_frame_release((char *)map + i * 1024, TPACKET_V2);
	ck_assert_int_eq(tpsim_recv(m, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(m, SOL_PACKET, PACKET_ROLLOVER_STATS,
					  &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 3);
	ck_assert_uint_eq(rs.tp_failed, 2);
	ck_assert_int_eq(tpsim_poll(m, POLLIN, 0), POLLIN);
	ck_assert_int_eq(dev_rx(e.d, b, 64, 0, 0, r, 1), 1);
	ck_assert_int_eq(tpsim_getsockopt(m, SOL_PACKET, PACKET_ROLLOVER_STATS,
					  &rs, &len),
			 0);
	ck_assert_uint_eq(rs.tp_all, 4);
	ck_assert_uint_eq(rs.tp_failed, 2);
	ck_assert_int_eq(tpsim_munmap(m, map, mlen), 0);
	tpsim_close(m);
	tpsim_net_destroy(e.n);
}
END_TEST

/* Defaults, shared list entries, a group on one device, outgoing copies
 * through a destination, a huge flow rolled over, hashes of odd IP. */
START_TEST(more_paths)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 9 };
	static const uint8_t uc[6] = { 2, 0, 0, 0, 0, 0x33 };
	struct env e = { 0 };
	struct tpsim_dev *d0, *lo, *d2;
	struct tpsim_dev_opts o = { .sz = sizeof(o), .kind = 7 };
	struct tpsim_dev_state st = { .sz = sizeof(st) };
	struct tpsim_sock *a, *b2, *dg, *m[2];
	struct tpsim_dev_result r[4];
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = 1,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_halen = 6 };
	struct tpacket_rollover_stats rs;
	socklen_t len;
	uint8_t b[64], out[64];
	void *map;
	size_t mlen;
	unsigned int head = 0;

	ck_assert_int_eq(tpsim_net_create(&e.n), 0);
	ck_assert_int_eq(tpsim_dev_add(e.n, NULL, &d0), 0);
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &lo), -EINVAL);
	o.kind = TPSIM_DEV_TAP;
	o.hatype = ARPHRD_LOOPBACK;
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &lo), 0);
	o.sz = 8;
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d2), -EINVAL);
	e.d = d0;
	ck_assert_int_eq(tpsim_dev_state_get(lo, &st), 0);
	ck_assert_int_eq(st.ifindex, 2);

	/* one multicast and one unicast address from two sockets */
	a = sock_in(&e, ETH_P_ALL);
	b2 = sock_in(&e, ETH_P_ALL);
	for (int i = 0; i < 2; i++) {
		struct tpsim_sock *x = i ? b2 : a;

		ck_assert_int_eq(mreq(x, PACKET_ADD_MEMBERSHIP, 1,
				      PACKET_MR_MULTICAST, mc, 6, 16), 0);
		ck_assert_int_eq(mreq(x, PACKET_ADD_MEMBERSHIP, 1,
				      PACKET_MR_UNICAST, uc, 6, 16), 0);
		ck_assert_int_eq(mreq(x, PACKET_ADD_MEMBERSHIP, 2,
				      PACKET_MR_ALLMULTI, NULL, 0, 16), 0);
	}
	ck_assert_int_eq(tpsim_dev_state_get(d0, &st), 0);
	ck_assert_uint_eq(st.mc_count, 1);
	ck_assert_uint_eq(st.uc_count, 1);
	ck_assert_int_eq(mreq(a, PACKET_DROP_MEMBERSHIP, 1, PACKET_MR_MULTICAST,
			      mc, 6, 16), 0);
	ck_assert_int_eq(tpsim_dev_state_get(d0, &st), 0);
	ck_assert_uint_eq(st.mc_count, 1);
	tpsim_dev_remove(lo);	/* drops the ALLMULTI entries only */
	tpsim_close(b2);
	ck_assert_int_eq(tpsim_dev_state_get(d0, &st), 0);
	ck_assert_uint_eq(st.mc_count, 0);
	ck_assert_uint_eq(st.uc_count, 1);

	/* SOCK_DGRAM, bound to no device, sends through its destination:
	 * a sees the link header as an outgoing copy */
	{
		struct tpsim_create_opts co = { .sz = sizeof(co),
						.type = SOCK_DGRAM };

		ck_assert_int_eq(tpsim_create(&co, &dg), 0);
		ck_assert_int_eq(tpsim_net_add_sock(e.n, dg), 0);
	}
	memcpy(to.sll_addr, t_bcast, 6);
	ck_assert_int_eq(tpsim_send(dg, &to, 0), 0);
	ck_assert_int_eq(tpsim_recv(a, out, sizeof(out), MSG_DONTWAIT), 14);
	to.sll_ifindex = 0;
	ck_assert_int_eq(tpsim_send(dg, &to, 0), -ENXIO);
	tpsim_close(dg);
	tpsim_close(a);

	/* a CPU group with the ROLLOVER flag: member 0 always tried first;
	 * kept at room LOW by a consumer returning one frame at a time,
	 * the same flow becomes huge and rolls over */
	for (int i = 0; i < 2; i++) {
		m[i] = sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(bind_to(m[i], 1, 0), 0);
	}
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m[0], 4096, 1, 1024, 4), 0);
	map = t_map(m[0], &mlen);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(join(m[i], 9, PACKET_FANOUT_CPU |
						       PACKET_FANOUT_FLAG_ROLLOVER,
				      0, 4),
				 0);
	{
		struct tpsim_packet p = { .sz = sizeof(p), .data = b,
					  .len = 64,
					  .flags = TPSIM_PKT_RXHASH,
					  .rxhash = 77 };

		t_eth(b, 64, dev_addr, ETH_P_IP);
		for (int i = 0; i < 200; i++) {
			ck_assert_int_eq(tpsim_dev_deliver(d0, &p, 0, 0, r, 4),
					 1);
			if (r[0].sock != m[0])
				continue;
			head = (head + 1) % 4;
			if (i >= 2)
				tpsim_frame_release((char *)map + head * 1024,
						    TPACKET_V2);
		}
		/* on another device the group (of device 1) is not */
		ck_assert_int_eq(tpsim_dev_add(e.n, NULL, &d2), 0);
		ck_assert_int_eq(dev_rx(d2, b, 64, 0, 0, r, 4), 0);
	}
	len = 8;	/* a short buffer: tp_all alone */
	memset(&rs, 0, sizeof(rs));
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_uint_gt(rs.tp_all, 0);
	ck_assert_uint_eq(rs.tp_huge, 0);
	len = sizeof(rs);
	ck_assert_int_eq(tpsim_getsockopt(m[0], SOL_PACKET,
					  PACKET_ROLLOVER_STATS, &rs, &len),
			 0);
	ck_assert_uint_gt(rs.tp_huge, 0);
	ck_assert_uint_eq(rs.tp_huge, rs.tp_all);
	ck_assert_int_eq(tpsim_munmap(m[0], map, mlen), 0);

	/* HASH over IPv4 fragments and ICMP (no ports) and a flow to
	 * itself with its ports swapped: each frame to one member */
	for (int i = 0; i < 2; i++)
		tpsim_close(m[i]);
	for (int i = 0; i < 2; i++) {
		m[i] = sock_in(&e, ETH_P_IP);
		ck_assert_int_eq(join(m[i], 10, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	udp_frame(b, dev_addr, 5, 5, 80, 1234);
	ck_assert_int_eq(dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[20] = 0x20;	/* more fragments */
	ck_assert_int_eq(dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[20] = 0;
	b[23] = 1;	/* ICMP */
	ck_assert_int_eq(dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[14] = 0x41;	/* an IHL under 20 bytes */
	ck_assert_int_eq(dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	{
		struct tpsim_packet p = { .sz = 8, .data = b, .len = 64 };

		ck_assert_int_eq(tpsim_dev_deliver(d0, &p, 0, 0, r, 4),
				 -EINVAL);
		p.sz = sizeof(p);
		p.data = NULL;
		ck_assert_int_eq(tpsim_dev_deliver(d0, &p, 0, 0, r, 4),
				 -EINVAL);
		/* a tag held outside: the ethertype in the data counts */
		p.data = b;
		p.flags = TPSIM_PKT_VLAN;
		b[12] = 0x81, b[13] = 0;
		ck_assert_int_eq(tpsim_dev_deliver(d0, &p, 0, 0, r, 4), 0);
	}
	for (int i = 0; i < 2; i++)
		tpsim_close(m[i]);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(api_edges)
{
	struct env e;
	struct tpsim_dev_opts o = { .sz = sizeof(o), .ifindex = 1 };
	struct tpsim_dev *d;
	struct tpsim_sock *s, *lone;
	struct sockaddr_ll g;
	socklen_t gl = sizeof(g);
	struct tpsim_packet p = { .sz = sizeof(p) };
	uint8_t b[64];

	ck_assert_int_eq(tpsim_net_create(NULL), -EINVAL);
	env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), -EEXIST);
	o.ifindex = -1;
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), -EINVAL);
	o.ifindex = 0;
	o.name = "tpsim1";
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), -EEXIST);
	o.name = "a-name-too-long-for-ifnamsiz";
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), -EINVAL);
	o.name = NULL;
	o.hatype = 0xfff0;
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), -EINVAL);
	o.hatype = 0;
	o.down = 1;
	ck_assert_int_eq(tpsim_dev_add(e.n, &o, &d), 0);
	t_eth(b, 64, dev_addr, ETH_P_IP);
	ck_assert_int_eq(dev_rx(d, b, 64, 0, 0, NULL, 0), -ENETDOWN);
	p.data = b;
	p.len = 10;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), -EINVAL);
	s = sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(tpsim_net_add_sock(e.n, s), -EBUSY);

	/* a lone socket binds only to its own device */
	lone = t_sock(SOCK_RAW, TPACKET_V1, 0);
	ck_assert_int_eq(bind_to(lone, 5, 0), -ENODEV);
	ck_assert_int_eq(bind_to(lone, 1, ETH_P_IP), 0);
	ck_assert_int_eq(tpsim_getsockname(lone, (struct sockaddr *)&g, &gl),
			 0);
	ck_assert_uint_eq(gl, 18);
	ck_assert_int_eq(g.sll_protocol, htons(ETH_P_IP));
	ck_assert_int_eq(t_setint(lone, PACKET_FANOUT, 1), -EOPNOTSUPP);
	tpsim_close(lone);
	/* destroying the net lets go of its sockets */
	tpsim_net_destroy(e.n);
	ck_assert_int_eq(t_setint(s, PACKET_FANOUT, 1), -EOPNOTSUPP);
	tpsim_close(s);
}
END_TEST

Suite *suite_dev(void)
{
	Suite *s = suite_create("dev");
	TCase *tc = tcase_create("dev");

	tcase_add_test(tc, bind_rules);
	tcase_add_test(tc, unbound_sees_each_device);
	tcase_add_test(tc, link_down_up);
	tcase_add_test(tc, device_removed);
	tcase_add_test(tc, membership_rules);
	tcase_add_test(tc, nic_filter);
	tcase_add_test(tc, fanout_join_rules);
	tcase_add_test(tc, fanout_lb_cpu_qm);
	tcase_add_test(tc, fanout_hash_sticky);
	tcase_add_test(tc, fanout_link_down_member);
	tcase_add_test(tc, fanout_rollover_rings);
	tcase_add_test(tc, fanout_lb_rollover_flag);
	tcase_add_test(tc, outgoing_copies);
	tcase_add_test(tc, outgoing_not_to_own_group);
	tcase_add_test(tc, fanout_other_modes);
	tcase_add_test(tc, fanout_rollover_v3_and_queue);
	tcase_add_test(tc, api_null_args);
	tcase_add_test(tc, rollover_pressure_recv);
	tcase_add_test(tc, more_paths);
	tcase_add_test(tc, api_edges);
	suite_add_tcase(s, tc);
	return s;
}
