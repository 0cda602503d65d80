/* SPDX-License-Identifier: MIT */
/*
 * The simulated interface as the system shows interfaces: ioctl by name
 * on any socket (SIOCGIF*, SIOCSIFFLAGS, SIOCETHTOOL, the timestamping
 * and wireless requests), getifaddrs, if_nametoindex, if_indextoname,
 * if_nameindex. Requests about other interfaces go to the kernel.
 *
 * The interface answers as a TAP-like Ethernet device without offloads,
 * hardware timestamps or wireless extensions would: EOPNOTSUPP for
 * SIOCSHWTSTAMP/SIOCGHWTSTAMP (no ndo_eth_ioctl), the wireless range
 * (wext_handle_ioctl) and ethtool commands it has no answer for; no IPv4
 * address (EADDRNOTAVAIL). /sys/class/net/<name> does not exist for it:
 * libpcap reads statistics/rx_missed_errors, rx_fifo_errors and
 * dsa/tagging there and takes ENOENT as "no interface drops, not a DSA
 * port", which is right for this device (README, tpsim run).
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>

/* link mode mask words of ETHTOOL_GLINKSETTINGS (the handshake tells the
 * caller how many; they are all zero: no modes advertised) */
#define TPR_LINK_NWORDS 3

/*
 * The simulated interface now: from the world when there is one (its
 * link state moves), else from the configuration (up). false when not
 * under tpsim run.
 */
static bool sim_info(struct tpr_ifinfo *in, struct tpr_run **wp)
{
	const struct tpr_config *c = tpr__config();
	struct tpr_run *w = tpr__world_peek();

	*wp = w;
	if (w && tpr__enter()) {
		struct tpsim_dev_state st = { .sz = sizeof(st) };
		int err = tpr_run_ifinfo(w, in);

		/* the device's own flags: SIOCSIFFLAGS and scenarios move them */
		if (!err && !tpsim_dev_state_get(tpr_run_dev(w), &st))
			in->up = (st.flags & IFF_UP) != 0;
		tpr__leave();
		return !err;
	}
	/* (asked from a signal handler that interrupted a simulated call:
	 * the world's locks may be held, the configuration answers) */
	if (!c)
		return false;
	memset(in, 0, sizeof(*in));
	memcpy(in->name, c->ifname, IFNAMSIZ);
	in->ifindex = c->ifindex;
	memcpy(in->mac, c->mac, 6);
	in->mtu = c->mtu;
	in->speed = c->speed;
	in->up = true;
	return true;
}

static bool sim_name(const char *name, struct tpr_ifinfo *in,
		     struct tpr_run **wp)
{
	return name && sim_info(in, wp) && !strncmp(name, in->name, IFNAMSIZ);
}

static bool sim_index(int ifindex, struct tpr_ifinfo *in, struct tpr_run **wp)
{
	return ifindex > 0 && sim_info(in, wp) && in->ifindex == ifindex;
}

static int ethtool(const struct tpr_ifinfo *in, void *data)
{
	uint32_t cmd;
	bool up = in->up;

	memcpy(&cmd, data, sizeof(cmd));
	switch (cmd) {
	case ETHTOOL_GSET: {
		struct ethtool_cmd *c = data;

		memset(c, 0, sizeof(*c));
		c->cmd = cmd;
		ethtool_cmd_speed_set(c, up ? in->speed : (uint32_t)SPEED_UNKNOWN);
		c->duplex = up ? DUPLEX_FULL : DUPLEX_UNKNOWN;
		c->port = PORT_TP;
		c->autoneg = AUTONEG_DISABLE;
		return 0;
	}
	case ETHTOOL_GLINKSETTINGS: {
		struct ethtool_link_settings *l = data;

		if (l->link_mode_masks_nwords != TPR_LINK_NWORDS) {
			/* the handshake: say how many words we have */
			memset(l, 0, sizeof(*l));
			l->cmd = cmd;
			l->link_mode_masks_nwords = -TPR_LINK_NWORDS;
			return 0;
		}
		memset(l, 0, sizeof(*l) + 3 * TPR_LINK_NWORDS * sizeof(uint32_t));
		l->cmd = cmd;
		l->link_mode_masks_nwords = TPR_LINK_NWORDS;
		l->speed = up ? in->speed : (uint32_t)SPEED_UNKNOWN;
		l->duplex = up ? DUPLEX_FULL : DUPLEX_UNKNOWN;
		l->port = PORT_TP;
		l->autoneg = AUTONEG_DISABLE;
		return 0;
	}
	case ETHTOOL_GLINK: {
		struct ethtool_value *v = data;

		v->data = up;
		return 0;
	}
	case ETHTOOL_GDRVINFO: {
		struct ethtool_drvinfo *d = data;

		memset(d, 0, sizeof(*d));
		d->cmd = cmd;
		strcpy(d->driver, "tpsim");
		strcpy(d->version, "0.2");
		strcpy(d->bus_info, "tpsim");
		return 0;
	}
	case ETHTOOL_GET_TS_INFO: {
		/* software stamps only: ethtool_op_get_ts_info */
		struct ethtool_ts_info *t = data;

		memset(t, 0, sizeof(*t));
		t->cmd = cmd;
		t->so_timestamping = SOF_TIMESTAMPING_TX_SOFTWARE |
				     SOF_TIMESTAMPING_RX_SOFTWARE |
				     SOF_TIMESTAMPING_SOFTWARE;
		t->phc_index = -1;
		return 0;
	}
	case ETHTOOL_GTSO: case ETHTOOL_GUFO: case ETHTOOL_GGSO:
	case ETHTOOL_GGRO: case ETHTOOL_GSG: case ETHTOOL_GTXCSUM:
	case ETHTOOL_GRXCSUM: case ETHTOOL_GFLAGS: {
		struct ethtool_value *v = data;	/* no offloads */

		v->data = 0;
		return 0;
	}
	case ETHTOOL_GPERMADDR: {
		struct ethtool_perm_addr *p = data;

		if (p->size < 6) {
			p->size = 6;
			return -E2BIG;
		}
		p->size = 6;
		memcpy(p->data, in->mac, 6);
		return 0;
	}
	}
	return -EOPNOTSUPP;
}

/* requests whose argument is a struct ifreq (or begins with the name) */
static bool ifreq_request(unsigned long req)
{
	return (req >= 0x8910 && req <= 0x893f && req != SIOCGIFCONF &&
		req != SIOCGIFCOUNT) ||
	       (req >= 0x8946 && req <= 0x894f) ||
	       req == SIOCGIFMAP || req == SIOCSIFMAP ||
	       req == SIOCSHWTSTAMP || req == SIOCGHWTSTAMP ||
	       (req >= 0x8b00 && req <= 0x8bff);
}

/* one request about the simulated interface: 0 or a negative errno */
static int sim_ioctl(const struct tpr_ifinfo *in, unsigned long req,
		     struct ifreq *r)
{
	struct tpr_run *w;
	int up = in->up, err;

	switch (req) {
	case SIOCGIFINDEX:
		r->ifr_ifindex = in->ifindex;
		return 0;
	case SIOCGIFHWADDR:
		r->ifr_hwaddr.sa_family = ARPHRD_ETHER;
		memset(r->ifr_hwaddr.sa_data, 0, sizeof(r->ifr_hwaddr.sa_data));
		memcpy(r->ifr_hwaddr.sa_data, in->mac, 6);
		return 0;
	case SIOCGIFMTU:
		r->ifr_mtu = (int)in->mtu;
		return 0;
	case SIOCGIFTXQLEN:
		r->ifr_qlen = 1000;
		return 0;
	case SIOCGIFFLAGS:
		r->ifr_flags = IFF_BROADCAST | IFF_MULTICAST |
			       (up ? IFF_UP | IFF_RUNNING : 0);
		return 0;
	case SIOCSIFFLAGS:
		if (!(r->ifr_flags & IFF_UP) == !up)
			return 0;
		w = tpr__world(&err);	/* a link change needs the device */
		if (!w)
			return err;
		if (!tpr__enter())	/* from a signal handler */
			return -EINTR;
		err = tpsim_dev_set_link(tpr_run_dev(w),
					 (r->ifr_flags & IFF_UP) != 0);
		tpr__leave();
		return err;
	case SIOCGIFADDR: case SIOCGIFDSTADDR: case SIOCGIFBRDADDR:
	case SIOCGIFNETMASK:
		return -EADDRNOTAVAIL;	/* no IPv4 address */
	case SIOCETHTOOL:
		return ethtool(in, r->ifr_data);
	}
	return -EOPNOTSUPP;
}

TPR_EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct tpr_ifinfo in;
	struct tpr_fake *f;
	struct tpr_run *w;
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == FIONBIO && (f = tpr__get(fd))) {
		atomic_store(&f->nonblock, *(int *)arg != 0);
		tpr__put(f);
		return 0;
	}
	if (arg && req == SIOCGIFNAME) {
		struct ifreq *r = arg;

		if (sim_index(r->ifr_ifindex, &in, &w)) {
			memcpy(r->ifr_name, in.name, IFNAMSIZ);
			return 0;
		}
	} else if (arg && ifreq_request(req) &&
		   sim_name(((struct ifreq *)arg)->ifr_name, &in, &w)) {
		int err = sim_ioctl(&in, req, arg);

		tpr__trace("ioctl(%d, 0x%lx, %s) = %d", fd, req, in.name, err);
		return err ? tpr__fail(err) : 0;
	}
	return TPR_NEXT(ioctl)(fd, req, arg);
}

TPR_EXPORT unsigned int if_nametoindex(const char *name)
{
	struct tpr_ifinfo in;
	struct tpr_run *w;

	if (sim_name(name, &in, &w))
		return (unsigned int)in.ifindex;
	return TPR_NEXT(if_nametoindex)(name);
}

TPR_EXPORT char *if_indextoname(unsigned int ifindex, char name[IF_NAMESIZE])
{
	struct tpr_ifinfo in;
	struct tpr_run *w;

	if (ifindex <= 0x7fffffff && sim_index((int)ifindex, &in, &w))
		return memcpy(name, in.name, IFNAMSIZ);
	return TPR_NEXT(if_indextoname)(ifindex, name);
}

/* if_nameindex: the kernel's list with the simulated interface at its
 * end; names are separate allocations, as glibc's if_freenameindex
 * frees them */
TPR_EXPORT struct if_nameindex *if_nameindex(void)
{
	struct if_nameindex *real = TPR_NEXT(if_nameindex)(), *out;
	struct tpr_ifinfo in;
	struct tpr_run *w;
	size_t n = 0;

	if (!real || !sim_info(&in, &w))
		return real;
	while (real[n].if_index)
		n++;
	out = calloc(n + 2, sizeof(*out));
	if (!out)
		return real;
	memcpy(out, real, n * sizeof(*out));
	out[n].if_index = (unsigned int)in.ifindex;
	out[n].if_name = strdup(in.name);
	if (!out[n].if_name) {
		free(out);
		return real;
	}
	free(real);	/* the array only: its names are out's now */
	return out;
}

/*
 * getifaddrs: one AF_PACKET entry for the simulated interface (its
 * link-level address and zero statistics, as the kernel's
 * IFLA_STATS give for a new device), put in front of the kernel's list;
 * freeifaddrs knows it by its tag.
 */
struct sim_ifaddrs {
	struct ifaddrs ifa;
	uint64_t tag;
	struct sockaddr_ll addr, brd;
	struct rtnl_link_stats stats;
	char name[IFNAMSIZ];
};
#define TPR_IFA_TAG 0x7470736d2d696661ULL	/* "tpsm-ifa" */

static bool is_sim_ifa(struct ifaddrs *p)
{
	struct sim_ifaddrs *b = (struct sim_ifaddrs *)p;

	return p && p->ifa_name == b->name && b->tag == TPR_IFA_TAG;
}

TPR_EXPORT int getifaddrs(struct ifaddrs **out)
{
	struct sim_ifaddrs *b;
	struct tpr_ifinfo in;
	struct tpr_run *w;
	int r = TPR_NEXT(getifaddrs)(out);

	if (r || !sim_info(&in, &w))
		return r;
	b = calloc(1, sizeof(*b));
	if (!b)
		return 0;	/* the kernel's list alone */
	b->tag = TPR_IFA_TAG;
	memcpy(b->name, in.name, IFNAMSIZ);
	b->addr.sll_family = AF_PACKET;
	b->addr.sll_ifindex = in.ifindex;
	b->addr.sll_hatype = ARPHRD_ETHER;
	b->addr.sll_halen = 6;
	memcpy(b->addr.sll_addr, in.mac, 6);
	b->brd = b->addr;
	memset(b->brd.sll_addr, 0xff, 6);
	b->ifa.ifa_next = *out;
	b->ifa.ifa_name = b->name;
	b->ifa.ifa_flags = IFF_BROADCAST | IFF_MULTICAST |
			   (in.up ? IFF_UP | IFF_RUNNING : 0);
	b->ifa.ifa_addr = (struct sockaddr *)&b->addr;
	b->ifa.ifa_broadaddr = (struct sockaddr *)&b->brd;
	b->ifa.ifa_data = &b->stats;
	*out = &b->ifa;
	return 0;
}

TPR_EXPORT void freeifaddrs(struct ifaddrs *p)
{
	if (is_sim_ifa(p)) {
		struct ifaddrs *rest = p->ifa_next;

		free(p);
		p = rest;
	}
	if (p)
		TPR_NEXT(freeifaddrs)(p);
}
