// SPDX-License-Identifier: MIT
/*
 * The net and its devices: adding sockets and devices, bind(2) and
 * getsockname(2) of a packet socket (packet_bind, packet_do_bind,
 * packet_getname), and the link going down, up or away (packet_notifier).
 * What arrives on a device is handed out by dev_rx.c; fanout groups are
 * fanout.c's, memberships mclist.c's.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int tpsim_net_create(struct tpsim_net **out)
{
	struct tpsim_net *n;

	if (!out)
		return -EINVAL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	pthread_mutex_init(&n->lock, NULL);
	n->rnd = 0x2545f491u;
	*out = n;
	return 0;
}

/* The device's view of itself, copied into a socket bound to it (or, for
 * a socket bound to every device, before each frame): what tpsim_deliver
 * reads for sll_ifindex, sll_hatype, the packet type and the MTU. */
void tpsim__sock_take_dev(struct tpsim_sock *s, const struct tpsim_dev *d)
{
	pthread_mutex_lock(&s->lock);
	s->ifindex = d->ifindex;
	s->hatype = d->hatype;
	memcpy(s->addr, d->addr, sizeof(s->addr));
	s->mtu = d->mtu;
	s->link_speed = d->link_speed;
	/* per frame for a socket on every device: the plan only when the
	 * kind of link changes */
	if (s->hard_header_len != d->hard_header_len ||
	    s->addr_len != d->addr_len) {
		s->hard_header_len = d->hard_header_len;
		s->addr_len = d->addr_len;
		tpsim__rx_plan(s);
	}
	pthread_mutex_unlock(&s->lock);
}

struct tpsim_dev *tpsim__dev_find(struct tpsim_net *n, int ifindex)
{
	for (struct tpsim_dev *d = n->devs; d; d = d->next)
		if (d->ifindex == ifindex)
			return d;
	return NULL;
}

int tpsim_net_add_sock(struct tpsim_net *n, struct tpsim_sock *s)
{
	struct tpsim_sock **pp;

	if (!n || !s)
		return -EINVAL;
	pthread_mutex_lock(&n->lock);
	if (s->net) {
		pthread_mutex_unlock(&n->lock);
		return -EBUSY;
	}
	s->net = n;
	s->net_next = NULL;
	s->bound_ifindex = 0;
	/* packet_create(): registered at once when it has a protocol */
	s->running = s->protocol != TPSIM_PROTO_NONE;
	for (pp = &n->socks; *pp; pp = &(*pp)->net_next)
		;
	*pp = s;
	pthread_mutex_unlock(&n->lock);
	return 0;
}

/* The net's part of packet_release(): out of the fanout group, the
 * memberships dropped, out of the net. */
void tpsim__net_sock_release(struct tpsim_sock *s)
{
	struct tpsim_net *n = s->net;
	struct tpsim_sock **pp;

	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	tpsim__fanout_release(s);
	tpsim__mc_flush(s);
	for (pp = &n->socks; *pp; pp = &(*pp)->net_next) {
		if (*pp == s) {
			*pp = s->net_next;
			break;
		}
	}
	s->net = NULL;
	s->running = false;
	pthread_mutex_unlock(&n->lock);
}

int tpsim_dev_add(struct tpsim_net *n, const struct tpsim_dev_opts *o,
		  struct tpsim_dev **out)
{
	static const uint8_t def_addr[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t zero[8];
	struct tpsim_dev *d, **pp;
	int err = 0;

	if (!n || !out || (o && o->sz < offsetof(struct tpsim_dev_opts,
						 __last)))
		return -EINVAL;
	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->net = n;
	d->hatype = o && o->hatype ? o->hatype : ARPHRD_ETHER;
	if (d->hatype == ARPHRD_ETHER || d->hatype == ARPHRD_LOOPBACK) {
		d->addr_len = ETH_ALEN;
		d->hard_header_len = ETH_HLEN;
	} else if (d->hatype != ARPHRD_NONE) {
		free(d);
		return -EINVAL;
	}
	memcpy(d->addr, def_addr, sizeof(def_addr));
	if (o && memcmp(o->addr, zero, sizeof(zero)))
		memcpy(d->addr, o->addr, sizeof(d->addr));
	d->mtu = o && o->mtu ? o->mtu : 1500;
	d->link_speed = o ? o->link_speed : 0;
	d->kind = o ? o->kind : TPSIM_DEV_TAP;
	d->up = !(o && o->down);
	if ((o && o->ifindex < 0) ||
	    (d->kind != TPSIM_DEV_TAP && d->kind != TPSIM_DEV_NIC) ||
	    (o && o->name && strlen(o->name) >= sizeof(d->name))) {
		free(d);
		return -EINVAL;
	}
	pthread_mutex_lock(&n->lock);
	d->ifindex = o && o->ifindex ? o->ifindex : 1;
	if (!(o && o->ifindex))
		while (tpsim__dev_find(n, d->ifindex))
			d->ifindex++;
	if (o && o->name)
		snprintf(d->name, sizeof(d->name), "%s", o->name);
	else
		snprintf(d->name, sizeof(d->name), "tpsim%d", d->ifindex);
	for (pp = &n->devs; *pp; pp = &(*pp)->next)
		if ((*pp)->ifindex == d->ifindex ||
		    !strcmp((*pp)->name, d->name))
			err = -EEXIST;
	if (!err)
		*pp = d;
	pthread_mutex_unlock(&n->lock);
	if (err) {
		free(d);
		return err;
	}
	*out = d;
	return 0;
}

/* sk_error_report(): the error is there for poll, SO_ERROR and recv;
 * sleepers wake to see it. */
static void sock_error(struct tpsim_sock *s, int err)
{
	atomic_store(&s->sk_err, err);
	pthread_mutex_lock(&s->lock);
	tpsim__wake_all(s);
	pthread_mutex_unlock(&s->lock);
}

/* packet_notifier(NETDEV_DOWN) for one socket bound to the device:
 * __unregister_prot_hook (out of the fanout array too), ENETDOWN. */
static void sock_dev_down(struct tpsim_sock *s)
{
	if (!s->running)
		return;
	s->running = false;
	if (s->fanout)
		tpsim__fanout_unlink(s);
	sock_error(s, ENETDOWN);
}

/* The device's qdisc let go (deleted, or reset as the device goes
 * down or away): the frames it held are dropped, each socket's under
 * its own lock (net lock first, as everywhere) */
static void qdisc_release_locked(struct tpsim_dev *d)
{
	for (struct tpsim_sock *s = d->net->socks; s; s = s->net_next) {
		pthread_mutex_lock(&s->lock);
		tpsim__qdisc_release(s, d->ifindex);
		pthread_mutex_unlock(&s->lock);
	}
}

static void set_link_locked(struct tpsim_dev *d, bool up)
{
	if (d->up == up)
		return;
	d->up = up;
	if (!up)	/* dev_deactivate(): the qdisc is reset */
		qdisc_release_locked(d);
	for (struct tpsim_sock *s = d->net->socks; s; s = s->net_next) {
		if (s->bound_ifindex != d->ifindex)
			continue;
		if (!up) {
			sock_dev_down(s);
		} else if (!s->running && s->protocol != TPSIM_PROTO_NONE) {
			/* NETDEV_UP: register_prot_hook, which puts a
			 * fanout member back at the end of the array */
			s->running = true;
			if (s->fanout)
				tpsim__fanout_link(s);
		}
	}
}

int tpsim_dev_set_link(struct tpsim_dev *d, int up)
{
	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&d->net->lock);
	set_link_locked(d, up != 0);
	pthread_mutex_unlock(&d->net->lock);
	return 0;
}

int tpsim_dev_set_qdisc_hold(struct tpsim_dev *d, int hold)
{
	if (!d)
		return -EINVAL;
	pthread_mutex_lock(&d->net->lock);
	d->qdisc_hold = hold != 0;
	if (!hold)
		qdisc_release_locked(d);
	pthread_mutex_unlock(&d->net->lock);
	return 0;
}

static void dev_free(struct tpsim_dev *d)
{
	struct tpsim_hwaddr *a, *next;

	for (a = d->mc; a; a = next) {
		next = a->next;
		free(a);
	}
	for (a = d->uc; a; a = next) {
		next = a->next;
		free(a);
	}
	free(d);
}

static void remove_locked(struct tpsim_dev *d)
{
	struct tpsim_net *n = d->net;

	set_link_locked(d, false);
	/* NETDEV_UNREGISTER: memberships on it go, bound sockets keep
	 * ifindex -1 (6.18: getsockname says -1, send says ENXIO) */
	for (struct tpsim_sock *s = n->socks; s; s = s->net_next) {
		tpsim__mc_dev_gone(s, d);
		if (s->bound_ifindex == d->ifindex)
			s->bound_ifindex = -1;
	}
	for (struct tpsim_dev **pp = &n->devs; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	dev_free(d);
}

void tpsim_dev_remove(struct tpsim_dev *d)
{
	struct tpsim_net *n;

	if (!d)
		return;
	n = d->net;
	pthread_mutex_lock(&n->lock);
	remove_locked(d);
	pthread_mutex_unlock(&n->lock);
}

void tpsim_net_destroy(struct tpsim_net *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	while (n->devs)
		remove_locked(n->devs);
	pthread_mutex_unlock(&n->lock);
	while (n->socks)
		tpsim__net_sock_release(n->socks);
	tpsim__defrag_free(n);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

int tpsim_dev_state_get(struct tpsim_dev *d, struct tpsim_dev_state *st)
{
	unsigned int mc = 0, uc = 0;

	if (!d || !st || st->sz < offsetof(struct tpsim_dev_state, __last))
		return -EINVAL;
	pthread_mutex_lock(&d->net->lock);
	for (struct tpsim_hwaddr *a = d->mc; a; a = a->next)
		mc++;
	for (struct tpsim_hwaddr *a = d->uc; a; a = a->next)
		uc++;
	st->ifindex = d->ifindex;
	st->flags = (d->up ? IFF_UP : 0) | (d->promiscuity ? IFF_PROMISC : 0) |
		    (d->allmulti ? IFF_ALLMULTI : 0);
	st->promiscuity = d->promiscuity;
	st->allmulti = d->allmulti;
	st->mc_count = mc;
	st->uc_count = uc;
	pthread_mutex_unlock(&d->net->lock);
	return 0;
}

/* packet_do_bind() in a net. */
static int bind_net(struct tpsim_sock *s, int ifindex, uint16_t proto)
{
	struct tpsim_net *n = s->net;
	struct tpsim_dev *d = NULL;
	uint16_t cur = s->protocol == TPSIM_PROTO_NONE ? 0 : s->protocol;
	bool rehook;

	if (s->fanout) {
		tpsim__detail(s, "N3: bind of a socket in a fanout group");
		return -EINVAL;
	}
	if (ifindex) {
		d = tpsim__dev_find(n, ifindex);
		if (!d) {
			tpsim__detail(s, "N2: no device has ifindex %d",
				      ifindex);
			return -ENODEV;
		}
	}
	if (!proto)
		proto = cur;
	rehook = proto != cur || (d ? d->ifindex : 0) != s->bound_ifindex;
	if (rehook) {
		s->running = false;
		pthread_mutex_lock(&s->lock);
		s->protocol = proto ? proto : TPSIM_PROTO_NONE;
		tpsim__rx_plan(s);
		pthread_mutex_unlock(&s->lock);
		s->bound_ifindex = d ? d->ifindex : 0;
		if (d)
			tpsim__sock_take_dev(s, d);
	}
	if (!proto || !rehook)
		return 0;
	if (!d || d->up)
		s->running = true;
	else
		sock_error(s, ENETDOWN);
	return 0;
}

int tpsim_bind(struct tpsim_sock *s, const struct sockaddr *addr,
	       socklen_t len)
{
	const struct sockaddr_ll *sll = (const struct sockaddr_ll *)addr;
	int err;

	if (!s)
		return -EINVAL;
	if (!addr || len < sizeof(struct sockaddr_ll)) {
		tpsim__detail(s, "N1: address of %u bytes, shorter than "
				 "struct sockaddr_ll", (unsigned)len);
		return -EINVAL;
	}
	if (sll->sll_family != AF_PACKET) {
		tpsim__detail(s, "N1: sll_family %u is not AF_PACKET",
			      sll->sll_family);
		return -EINVAL;
	}
	if (s->net) {
		pthread_mutex_lock(&s->net->lock);
		err = bind_net(s, sll->sll_ifindex, sll->sll_protocol);
		pthread_mutex_unlock(&s->net->lock);
		return err;
	}
	/* a lone socket: its one device is the one it was created on */
	if (sll->sll_ifindex && sll->sll_ifindex != s->ifindex) {
		tpsim__detail(s, "N2: no device has ifindex %d (a socket in "
				 "no net knows only ifindex %d)",
			      sll->sll_ifindex, s->ifindex);
		return -ENODEV;
	}
	pthread_mutex_lock(&s->lock);
	if (sll->sll_protocol)
		s->protocol = sll->sll_protocol;
	s->bound_ifindex = sll->sll_ifindex;
	tpsim__rx_plan(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int tpsim_getsockname(struct tpsim_sock *s, struct sockaddr *addr,
		      socklen_t *len)
{
	struct sockaddr_ll sll;
	struct tpsim_dev *d = NULL;
	size_t full;

	if (!s || !len)
		return -EINVAL;
	if ((int)*len < 0)	/* move_addr_to_user reads an int */
		return -EINVAL;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	if (s->net)
		pthread_mutex_lock(&s->net->lock);
	pthread_mutex_lock(&s->lock);
	sll.sll_protocol = s->protocol == TPSIM_PROTO_NONE ? 0 : s->protocol;
	sll.sll_ifindex = s->bound_ifindex;
	if (s->net && s->bound_ifindex > 0)
		d = tpsim__dev_find(s->net, s->bound_ifindex);
	if (d) {
		sll.sll_hatype = d->hatype;
		sll.sll_halen = d->addr_len;
		memcpy(sll.sll_addr, d->addr, d->addr_len);
	} else if (!s->net && s->bound_ifindex > 0) {
		sll.sll_hatype = s->hatype;
		sll.sll_halen = s->addr_len;
		memcpy(sll.sll_addr, s->addr, s->addr_len);
	}
	pthread_mutex_unlock(&s->lock);
	if (s->net)
		pthread_mutex_unlock(&s->net->lock);
	full = offsetof(struct sockaddr_ll, sll_addr) + sll.sll_halen;
	if (*len > full)
		*len = (socklen_t)full;
	if (*len && !addr)
		return -EFAULT;
	if (*len)
		memcpy(addr, &sll, *len);
	*len = (socklen_t)full;
	return 0;
}

/* tpacket_snd()/packet_snd(): the device it goes out on must be there
 * (ENXIO once it was removed) and up (ENETDOWN), before any frame is
 * looked at. A socket bound to no device sends where its destination
 * says; one in no net on its one device, always there. */
int tpsim__dev_xmit_check(struct tpsim_sock *s, const struct sockaddr_ll *to,
			  int *hold)
{
	struct tpsim_dev *d = NULL;
	int err = 0;

	*hold = 0;
	if (!s->net)
		return 0;
	pthread_mutex_lock(&s->net->lock);
	if (s->bound_ifindex > 0)
		d = tpsim__dev_find(s->net, s->bound_ifindex);
	else if (to && to->sll_ifindex)
		d = tpsim__dev_find(s->net, to->sll_ifindex);
	if (s->bound_ifindex <= 0 && !(to && to->sll_ifindex))
		err = -ENXIO;
	else if (d && !d->up)
		err = -ENETDOWN;
	else if (d && d->qdisc_hold)
		*hold = d->ifindex;
	pthread_mutex_unlock(&s->net->lock);
	/* packet_snd: an unbound socket sends only with a destination */
	if (err && !s->bound_ifindex)
		tpsim__detail(s, "T1: the socket is bound to no device and "
				 "the send names none");
	else if (err)
		tpsim__detail(s, "N17: the device is %s",
			      err == -ENXIO ? "gone" : "down");
	return err;
}
