// SPDX-License-Identifier: MIT
/*
 * Devices and many sockets (issue 17): bind and getsockname, the link
 * going down, up and away, memberships and a NIC's filter, and the API's
 * edges. Every errno and length here is what Linux 6.18 answered to the
 * same calls on a TAP in a private network namespace.
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

START_TEST(bind_rules)
{
	struct t_env e;
	struct tpsim_sock *s, *none;
	struct sockaddr_ll a = { .sll_family = AF_PACKET }, g;
	socklen_t gl;

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	none = t_sock_in(&e, 0);
	a.sll_ifindex = 1;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a) - 1),
			 -EINVAL);
	a.sll_family = AF_INET;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a)),
			 -EINVAL);
	a.sll_family = 0;
	ck_assert_int_eq(tpsim_bind(s, (struct sockaddr *)&a, sizeof(a)),
			 -EINVAL);
	ck_assert_int_eq(t_bind_to(s, 999, 0), -ENODEV);

	/* unbound: ifindex 0, no hardware address, 12 bytes */
	gl = sizeof(g);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_uint_eq(gl, 12);
	ck_assert_int_eq(g.sll_family, AF_PACKET);
	ck_assert_int_eq(g.sll_ifindex, 0);
	ck_assert_int_eq(g.sll_protocol, htons(ETH_P_ALL));
	ck_assert_int_eq(g.sll_halen, 0);

	/* bound with protocol 0: keeps ETH_P_ALL; the device's address */
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	gl = sizeof(g);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_uint_eq(gl, 18);
	ck_assert_int_eq(g.sll_ifindex, 1);
	ck_assert_int_eq(g.sll_protocol, htons(ETH_P_ALL));
	ck_assert_int_eq(g.sll_hatype, ARPHRD_ETHER);
	ck_assert_int_eq(g.sll_halen, 6);
	ck_assert_mem_eq(g.sll_addr, t_dev_addr, 6);
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

		t_eth(b, sizeof(b), t_dev_addr, ETH_P_IP);
		ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, r, 4), 1);
		ck_assert_ptr_eq(r[0].sock, s);
		ck_assert_int_eq(r[0].result, TPSIM_RX_DELIVERED);
		/* on the second device: s is bound to the first */
		ck_assert_int_eq(t_dev_rx(e.d2, b, 64, 0, 0, r, 4), 0);
		/* bound with a protocol it starts receiving */
		ck_assert_int_eq(t_bind_to(none, 0, ETH_P_IP), 0);
		ck_assert_int_eq(t_dev_rx(e.d2, b, 64, 0, 0, r, 4), 1);
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
	struct t_env e;
	struct tpsim_sock *s;
	uint8_t b[64];
	char *m;
	size_t len;
	const struct sockaddr_ll *sll;
	const unsigned int off = TPACKET_ALIGN(sizeof(struct tpacket2_hdr));

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_setint(s, PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	m = t_map(s, &len);
	t_eth(b, sizeof(b), t_dev_addr, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d2, b, 64, 0, 0, NULL, 0), 1);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 1);
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
	struct t_env e;
	struct tpsim_sock *s, *any, *late;
	uint8_t b[64], out[128];

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	any = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	t_eth(b, sizeof(b), t_dev_addr, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);

	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), -ENETDOWN);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLIN | POLLERR);
	ck_assert_int_eq(tpsim_poll(any, POLLIN, 0), POLLIN);
	ck_assert_int_eq(t_so_error(s), ENETDOWN);
	ck_assert_int_eq(t_so_error(s), 0);
	ck_assert_int_eq(t_so_error(any), 0);
	/* down, up, down: one error; recv reports it before the data */
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 0), 0);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -ENETDOWN);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT), 64);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -EAGAIN);
	/* binding to a device that is down: ENETDOWN at once */
	late = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_bind_to(late, 1, 0), 0);
	ck_assert_int_eq(t_so_error(late), ENETDOWN);

	/* a send on a device that is down: ENETDOWN, TX ring or not */
	ck_assert_int_eq(tpsim_send(late, NULL, 0), -ENETDOWN);
	ck_assert_int_eq(tpsim_dev_set_link(e.d, 1), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 3);
	ck_assert_int_eq(t_packets(s), 2);
	ck_assert_int_eq(t_packets(late), 1);
	tpsim_close(s);
	tpsim_close(any);
	tpsim_close(late);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(device_removed)
{
	struct t_env e;
	struct tpsim_sock *s;
	struct sockaddr_ll g;
	socklen_t gl = sizeof(g);
	uint8_t out[64];
	struct tpsim_dev_state st = { .sz = sizeof(st) };

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(t_bind_to(s, 2, 0), 0);
	tpsim_dev_remove(e.d2);
	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), POLLERR);
	ck_assert_int_eq(tpsim_recv(s, out, sizeof(out), MSG_DONTWAIT),
			 -ENETDOWN);
	ck_assert_int_eq(tpsim_getsockname(s, (struct sockaddr *)&g, &gl), 0);
	ck_assert_int_eq(g.sll_ifindex, -1);
	ck_assert_uint_eq(gl, 12);
	ck_assert_int_eq(t_bind_to(s, 2, 0), -ENODEV);
	/* gone: a send without a destination is ENXIO */
	ck_assert_int_eq(tpsim_send(s, NULL, 0), -ENXIO);
	ck_assert_int_eq(t_bind_to(s, 1, 0), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_int_eq(st.ifindex, 1);
	ck_assert_uint_eq(st.flags, IFF_UP);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(membership_rules)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 1 };
	struct t_env e;
	struct tpsim_sock *s;
	struct tpsim_dev_state st = { .sz = sizeof(st) };
	const int add = PACKET_ADD_MEMBERSHIP, drop = PACKET_DROP_MEMBERSHIP;

	t_env_open(&e, TPSIM_DEV_NIC);
	s = t_sock_in(&e, ETH_P_ALL);
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
	struct t_env e;
	struct tpsim_sock *s, *t;
	uint8_t b[64];
	struct tpsim_dev_state st = { .sz = sizeof(st) };

	t_env_open(&e, TPSIM_DEV_NIC);
	s = t_sock_in(&e, ETH_P_ALL);
	t = t_sock_in(&e, ETH_P_ALL);
	t_eth(b, 64, other, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	t_eth(b, 64, mc, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	t_eth(b, 64, t_bcast, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);

	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_MULTICAST,
			      mc, 6, 16), 0);
	t_eth(b, 64, mc, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_UNICAST,
			      other, 6, 16), 0);
	t_eth(b, 64, other, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	ck_assert_int_eq(mreq(s, PACKET_DROP_MEMBERSHIP, 1, PACKET_MR_UNICAST,
			      other, 6, 16), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	/* promiscuous from t: unicast to others too */
	ck_assert_int_eq(mreq(t, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_PROMISC,
			      NULL, 0, 16), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 2);
	tpsim_close(t);
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 0);
	/* all-multicast: any group */
	ck_assert_int_eq(mreq(s, PACKET_ADD_MEMBERSHIP, 1, PACKET_MR_ALLMULTI,
			      NULL, 0, 16), 0);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), 0);
	ck_assert_uint_eq(st.flags, IFF_UP | IFF_ALLMULTI);
	b[5] = 0x42;
	b[0] = 0x01;
	ck_assert_int_eq(t_dev_rx(e.d, b, 64, 0, 0, NULL, 0), 1);
	/* the device going away drops the memberships on it */
	tpsim_dev_remove(e.d);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
}
END_TEST

START_TEST(api_null_args)
{
	struct t_env e;
	struct tpsim_dev_state st = { .sz = 4 };
	struct tpsim_sock *s;
	socklen_t len = 20;
	int v = 0;
	socklen_t vl = sizeof(v);

	t_env_open(&e, TPSIM_DEV_TAP);
	ck_assert_int_eq(tpsim_dev_state_get(e.d, &st), -EINVAL);
	ck_assert_int_eq(tpsim_dev_state_get(NULL, &st), -EINVAL);
	ck_assert_int_eq(tpsim_dev_set_link(NULL, 1), -EINVAL);
	ck_assert_int_eq(tpsim_dev_add(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_net_add_sock(NULL, NULL), -EINVAL);
	ck_assert_int_eq(tpsim_dev_deliver(NULL, NULL, 0, 0, NULL, 0),
			 -EINVAL);
	ck_assert_int_eq(tpsim_bind(NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(tpsim_getsockname(NULL, NULL, NULL), -EINVAL);
	s = t_sock_in(&e, ETH_P_ALL);
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
	ck_assert_int_eq(t_join(s, 1, PACKET_FANOUT_EBPF, 0, 4), 0);
	ck_assert_int_eq(tpsim_setsockopt(s, SOL_PACKET, PACKET_FANOUT_DATA,
					  NULL, 4),
			 -EFAULT);
	tpsim_close(s);
	tpsim_net_destroy(NULL);
	tpsim_dev_remove(NULL);
	tpsim_net_destroy(e.n);
}
END_TEST

/* Defaults, shared list entries, a group on one device, outgoing copies
 * through a destination, a huge flow rolled over, hashes of odd IP. */
START_TEST(more_paths)
{
	static const uint8_t mc[6] = { 1, 0, 0x5e, 0, 0, 9 };
	static const uint8_t uc[6] = { 2, 0, 0, 0, 0, 0x33 };
	struct t_env e = { 0 };
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
	a = t_sock_in(&e, ETH_P_ALL);
	b2 = t_sock_in(&e, ETH_P_ALL);
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
		m[i] = t_sock_in(&e, ETH_P_ALL);
		ck_assert_int_eq(t_bind_to(m[i], 1, 0), 0);
	}
	ck_assert_int_eq(t_setint(m[0], PACKET_VERSION, TPACKET_V2), 0);
	ck_assert_int_eq(t_ring(m[0], 4096, 1, 1024, 4), 0);
	map = t_map(m[0], &mlen);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(t_join(m[i], 9, PACKET_FANOUT_CPU |
							 PACKET_FANOUT_FLAG_ROLLOVER,
					0, 4),
				 0);
	{
		struct tpsim_packet p = { .sz = sizeof(p), .data = b,
					  .len = 64,
					  .flags = TPSIM_PKT_RXHASH,
					  .rxhash = 77 };

		t_eth(b, 64, t_dev_addr, ETH_P_IP);
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
		ck_assert_int_eq(t_dev_rx(d2, b, 64, 0, 0, r, 4), 0);
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
		m[i] = t_sock_in(&e, ETH_P_IP);
		ck_assert_int_eq(t_join(m[i], 10, PACKET_FANOUT_HASH, 0, 4), 0);
	}
	t_udp_frame(b, t_dev_addr, 5, 5, 80, 1234);
	ck_assert_int_eq(t_dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[20] = 0x20;	/* more fragments */
	ck_assert_int_eq(t_dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[20] = 0;
	b[23] = 1;	/* ICMP */
	ck_assert_int_eq(t_dev_rx(d0, b, 64, 0, 0, r, 4), 1);
	b[14] = 0x41;	/* an IHL under 20 bytes */
	ck_assert_int_eq(t_dev_rx(d0, b, 64, 0, 0, r, 4), 1);
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
	struct t_env e;
	struct tpsim_dev_opts o = { .sz = sizeof(o), .ifindex = 1 };
	struct tpsim_dev *d;
	struct tpsim_sock *s, *lone;
	struct sockaddr_ll g;
	socklen_t gl = sizeof(g);
	struct tpsim_packet p = { .sz = sizeof(p) };
	uint8_t b[64];

	ck_assert_int_eq(tpsim_net_create(NULL), -EINVAL);
	t_env_open(&e, TPSIM_DEV_TAP);
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
	t_eth(b, 64, t_dev_addr, ETH_P_IP);
	ck_assert_int_eq(t_dev_rx(d, b, 64, 0, 0, NULL, 0), -ENETDOWN);
	p.data = b;
	p.len = 10;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), -EINVAL);
	s = t_sock_in(&e, ETH_P_ALL);
	ck_assert_int_eq(tpsim_net_add_sock(e.n, s), -EBUSY);

	/* a lone socket binds only to its own device */
	lone = t_sock(SOCK_RAW, TPACKET_V1, 0);
	ck_assert_int_eq(t_bind_to(lone, 5, 0), -ENODEV);
	ck_assert_int_eq(t_bind_to(lone, 1, ETH_P_IP), 0);
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

/* skb_vlan_untag() frees an arriving frame whose in-data tag lacks the
 * 6 bytes after the link header before any tap: no socket is handed the
 * 18- or 19-byte one; a tag already taken off (TPSIM_PKT_VLAN) or a
 * protocol given with the frame leaves it to the sockets' own parse */
START_TEST(short_tag_freed)
{
	struct t_env e;
	struct tpsim_sock *s;
	uint8_t b[20] = { 0 };
	struct tpsim_packet p = { .sz = sizeof(p), .data = b, .len = 18 };

	t_env_open(&e, TPSIM_DEV_TAP);
	s = t_sock_in(&e, ETH_P_ALL);
	memcpy(b, t_dev_addr, 6);
	b[12] = 0x81, b[14] = 0, b[15] = 5, b[16] = 0x08;
	ck_assert_int_eq(t_dev_rx(e.d, b, 18, 0, 0, NULL, 0), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 19, 0, 0, NULL, 0), 0);
	b[12] = 0x88, b[13] = 0xa8;
	ck_assert_int_eq(t_dev_rx(e.d, b, 18, 0, 0, NULL, 0), 0);
	ck_assert_uint_eq(t_packets(s), 0);
	ck_assert_int_eq(t_dev_rx(e.d, b, 20, 0, 0, NULL, 0), 1);
	ck_assert_uint_eq(t_packets(s), 1);
	/* handed to the socket (what it makes of them is another rule) */
	p.flags = TPSIM_PKT_VLAN;
	p.vlan_tci = 7;
	p.vlan_tpid = ETH_P_8021Q;
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 1);
	p.flags = TPSIM_PKT_PROTOCOL;
	p.protocol = htons(ETH_P_IP);
	ck_assert_int_eq(tpsim_dev_deliver(e.d, &p, 0, 0, NULL, 0), 1);
	tpsim_close(s);
	tpsim_net_destroy(e.n);
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
	tcase_add_test(tc, api_null_args);
	tcase_add_test(tc, more_paths);
	tcase_add_test(tc, api_edges);
	tcase_add_test(tc, short_tag_freed);
	suite_add_tcase(s, tc);
	return s;
}
