// SPDX-License-Identifier: MIT
/*
 * PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP (packet_mc_add,
 * packet_mc_drop, packet_dev_mc): a socket's memberships, counted per
 * socket, each entry counted once on the device (promiscuity, allmulti,
 * its multicast and unicast lists), dropped at close (packet_flush_mclist)
 * and when the device goes (packet_dev_mclist_delete). And the filter a
 * NIC-like device applies with that state before any socket sees a frame.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* struct packet_mreq_max: packet_mreq with MAX_ADDR_LEN address bytes */
struct mreq_max {
	int mr_ifindex;
	unsigned short mr_type;
	unsigned short mr_alen;
	unsigned char mr_address[32];
};

struct tpsim_mc {
	struct tpsim_mc *next;
	int ifindex;
	unsigned short type, alen;
	uint8_t addr[32];
	unsigned int count;
};

/* dev_mc_add / dev_uc_add and their _del: a reference-counted list. */
static int hw_list(struct tpsim_hwaddr **list, const uint8_t *addr,
		   uint16_t alen, int what)
{
	struct tpsim_hwaddr **pp, *a;

	for (pp = list; (a = *pp); pp = &a->next) {
		if (a->alen == alen && !memcmp(a->addr, addr, alen)) {
			if (what > 0) {
				a->refs++;
			} else if (--a->refs == 0) {
				*pp = a->next;
				free(a);
			}
			return 0;
		}
	}
	if (what < 0)
		return -ENOENT;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	memcpy(a->addr, addr, alen);
	a->alen = alen;
	a->refs = 1;
	a->next = *list;
	*list = a;
	return 0;
}

/* packet_dev_mc(): what one entry does to the device, what = +1 or -1. */
static int dev_mc(struct tpsim_sock *s, struct tpsim_dev *d,
		  const struct tpsim_mc *i, int what)
{
	switch (i->type) {
	case PACKET_MR_MULTICAST:
	case PACKET_MR_UNICAST:
		if (i->alen != d->addr_len) {
			tpsim__detail(s, "N11: mr_alen %u is not the device's "
					 "address length %u", i->alen,
				      d->addr_len);
			return -EINVAL;
		}
		return hw_list(i->type == PACKET_MR_MULTICAST ? &d->mc : &d->uc,
			       i->addr, i->alen, what);
	case PACKET_MR_PROMISC:
		d->promiscuity += (unsigned int)what;
		return 0;
	case PACKET_MR_ALLMULTI:
		d->allmulti += (unsigned int)what;
		return 0;
	default:
		/* a type it does not know is kept, and does nothing (6.18) */
		return 0;
	}
}

static bool same(const struct tpsim_mc *ml, const struct mreq_max *m)
{
	return ml->ifindex == m->mr_ifindex && ml->type == m->mr_type &&
	       ml->alen == m->mr_alen && !memcmp(ml->addr, m->mr_address,
						 ml->alen);
}

static int mc_add(struct tpsim_sock *s, const struct mreq_max *m)
{
	struct tpsim_dev *d = tpsim__dev_find(s->net, m->mr_ifindex);
	struct tpsim_mc *i;
	int err;

	if (!d) {
		tpsim__detail(s, "N10: no device has ifindex %d",
			      m->mr_ifindex);
		return -ENODEV;
	}
	if (m->mr_alen > d->addr_len) {
		tpsim__detail(s, "N10: mr_alen %u is longer than the device's "
				 "address (%u)", m->mr_alen, d->addr_len);
		return -EINVAL;
	}
	for (i = s->mclist; i; i = i->next) {
		if (same(i, m)) {
			i->count++;
			return 0;
		}
	}
	i = calloc(1, sizeof(*i));
	if (!i)
		return -ENOBUFS;
	i->type = m->mr_type;
	i->ifindex = m->mr_ifindex;
	i->alen = m->mr_alen;
	memcpy(i->addr, m->mr_address, i->alen);
	i->count = 1;
	err = dev_mc(s, d, i, 1);
	if (err) {
		free(i);
		return err;
	}
	i->next = s->mclist;
	s->mclist = i;
	return 0;
}

/* Not found is not an error (6.18 returns 0). */
static void mc_drop(struct tpsim_sock *s, const struct mreq_max *m)
{
	struct tpsim_mc **pp, *ml;

	for (pp = &s->mclist; (ml = *pp); pp = &ml->next) {
		if (!same(ml, m))
			continue;
		if (--ml->count == 0) {
			struct tpsim_dev *d = tpsim__dev_find(s->net,
							      ml->ifindex);

			*pp = ml->next;
			if (d)
				dev_mc(s, d, ml, -1);
			free(ml);
		}
		return;
	}
}

int tpsim__mc_setsockopt(struct tpsim_sock *s, int optname,
			 const void *optval, socklen_t optlen)
{
	struct mreq_max m;
	size_t len = optlen;
	int err = 0;

	if (len < sizeof(struct packet_mreq)) {
		tpsim__detail(s, "N10: optlen %u is shorter than struct "
				 "packet_mreq", (unsigned)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	if (len > sizeof(m))
		len = sizeof(m);
	memset(&m, 0, sizeof(m));
	memcpy(&m, optval, len);
	if (len < m.mr_alen + offsetof(struct packet_mreq, mr_address)) {
		tpsim__detail(s, "N10: mr_alen %u does not fit in optlen %zu",
			      m.mr_alen, len);
		return -EINVAL;
	}
	pthread_mutex_lock(&s->net->lock);
	if (optname == PACKET_ADD_MEMBERSHIP)
		err = mc_add(s, &m);
	else
		mc_drop(s, &m);
	pthread_mutex_unlock(&s->net->lock);
	return err;
}

void tpsim__mc_flush(struct tpsim_sock *s)
{
	struct tpsim_mc *ml;

	while ((ml = s->mclist)) {
		struct tpsim_dev *d = tpsim__dev_find(s->net, ml->ifindex);

		s->mclist = ml->next;
		if (d)
			dev_mc(s, d, ml, -1);
		free(ml);
	}
}

void tpsim__mc_dev_gone(struct tpsim_sock *s, struct tpsim_dev *d)
{
	struct tpsim_mc **pp = &s->mclist, *ml;

	while ((ml = *pp)) {
		if (ml->ifindex != d->ifindex) {
			pp = &ml->next;
			continue;
		}
		*pp = ml->next;
		dev_mc(s, d, ml, -1);
		free(ml);
	}
}

static bool in_list(const struct tpsim_hwaddr *a, const uint8_t *addr,
		    unsigned int alen)
{
	for (; a; a = a->next)
		if (a->alen == alen && !memcmp(a->addr, addr, alen))
			return true;
	return false;
}

/* A NIC's receive filter: its own address, broadcast, its unicast list,
 * multicast while all-multicast or listed, everything while promiscuous.
 * A TAP (and a link without addresses) passes everything. */
bool tpsim__dev_accepts(const struct tpsim_dev *d,
			const struct tpsim_packet *p)
{
	const uint8_t *dst = p->data;

	if (d->kind == TPSIM_DEV_TAP || d->promiscuity || !d->addr_len ||
	    p->len < d->addr_len)
		return true;
	if (dst[0] & 1) {
		static const uint8_t bcast[6] = { 0xff, 0xff, 0xff,
						  0xff, 0xff, 0xff };

		return !memcmp(dst, bcast, 6) || d->allmulti ||
		       in_list(d->mc, dst, d->addr_len);
	}
	return !memcmp(dst, d->addr, d->addr_len) ||
	       in_list(d->uc, dst, d->addr_len);
}
