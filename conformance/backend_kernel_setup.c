// SPDX-License-Identifier: MIT
/*
 * The kernel backend's set-up (open): a private network namespace (and a
 * user namespace too when not root), then a TAP device in it, or a
 * loopback sender. Each step that fails costs only the caps that need it,
 * with the reason (see backend_kernel.c).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend_kernel.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int enter_namespace(char *why, size_t whylen)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (geteuid() == 0) {
		if (unshare(CLONE_NEWNET) == 0)
			return 0;
		snprintf(why, whylen, "unshare(CLONE_NEWNET): %s",
			 strerror(errno));
		return TPC_BACKEND_SKIP;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		snprintf(why, whylen,
			 "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s (not root "
			 "and no unprivileged user namespaces)",
			 strerror(errno));
		return TPC_BACKEND_SKIP;
	}
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		goto fail;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		goto fail;
	return 0;
fail:
	snprintf(why, whylen, "cannot map uid/gid in the user namespace: %s",
		 strerror(errno));
	return TPC_BACKEND_SKIP;
}

/* The environment cannot offer caps: record why (the first reason
 * stays), so the cases that need them skip with it. */
static void lack(struct kern_ctx *c, unsigned int caps, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lack(struct kern_ctx *c, unsigned int caps, const char *fmt, ...)
{
	char msg[sizeof(c->why[0])];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (int i = 0; i < TPC_NCAPS; i++) {
		if (!(caps & (1u << i)) || !(c->caps & (1u << i)))
			continue;
		c->caps &= ~(1u << i);
		snprintf(c->why[i], sizeof(c->why[i]), "%s", msg);
	}
}

/*
 * Learn ifname's index, address, link type and MTU, and bring it up when
 * it is down and ours to configure. Each step that fails costs the caps
 * that need it, not the run: gVisor, for one, has no SIOCSIFFLAGS (its
 * devices come up by themselves). False: there is no such device.
 */
static bool link_setup(struct kern_ctx *c, bool configure)
{
	const unsigned int dev = TPC_CAP_INJECT | TPC_CAP_WIRE |
				 TPC_CAP_TAP_LINK | TPC_CAP_ADDR |
				 TPC_CAP_DEVICE;
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0) {
		lack(c, dev, "socket(AF_INET) to configure %s: %s", c->ifname,
		     strerror(errno));
		return true;	/* it may exist: we cannot tell */
	}
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", c->ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		int err = errno;

		lack(c, dev, "%s: SIOCGIFFLAGS: %s", c->ifname, strerror(err));
		close(s);
		return err != ENODEV;
	}
	if (!(ifr.ifr_flags & IFF_UP)) {
		/* frames injected into a device that is down are dropped */
		ifr.ifr_flags |= IFF_UP;
		if (!configure)
			lack(c, TPC_CAP_INJECT | TPC_CAP_WIRE,
			     "%s is down and not ours to bring up", c->ifname);
		else if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			lack(c, TPC_CAP_INJECT | TPC_CAP_WIRE,
			     "%s is down and SIOCSIFFLAGS failed: %s",
			     c->ifname, strerror(errno));
	}
	if (ioctl(s, SIOCGIFINDEX, &ifr) < 0)
		/* sockets then bind to no device; the sender needs one */
		lack(c, TPC_CAP_TAP_LINK | (c->loopback ? TPC_CAP_INJECT : 0),
		     "%s: SIOCGIFINDEX: %s", c->ifname, strerror(errno));
	else
		c->ifindex = ifr.ifr_ifindex;
	if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
		lack(c, TPC_CAP_ADDR | TPC_CAP_TAP_LINK,
		     "%s: address unknown: SIOCGIFHWADDR: %s", c->ifname,
		     strerror(errno));
	} else {
		memcpy(c->addr, ifr.ifr_hwaddr.sa_data, 6);
		c->hatype = ifr.ifr_hwaddr.sa_family;
	}
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0)
		c->mtu = ifr.ifr_mtu;
	/* the link the cases were written against: Ethernet, MTU 1500 */
	if (c->hatype != ARPHRD_ETHER || c->mtu != 1500)
		lack(c, TPC_CAP_TAP_LINK, "%s has link type %d, MTU %d, not "
		     "an Ethernet TAP's 1, 1500", c->ifname, c->hatype,
		     c->mtu);
	close(s);
	return true;
}

/* The device we created gets the sim backend's address (02:74:70:73:69:6d),
 * so that a socket filter reading the destination's bytes answers the
 * same on both backends (tpconform --differential). A failure leaves
 * tun's random address, which the cases read through dev_info anyway. */
static void set_sim_address(const struct kern_ctx *c)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", c->ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, "\x02\x74\x70\x73\x69\x6d", 6);
	ioctl(s, SIOCSIFHWADDR, &ifr);
	close(s);
}

/* No TAP: the sockets live on lo (brought up when the namespace is
 * ours), and nothing can be injected. */
static void no_device(struct kern_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void no_device(struct kern_ctx *c, const char *fmt, ...)
{
	char msg[sizeof(c->why[0])];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lack(c, TPC_CAP_INJECT | TPC_CAP_WIRE | TPC_CAP_CSUM |
		TPC_CAP_TAP_LINK, "%s", msg);
	snprintf(c->ifname, sizeof(c->ifname), "lo");
	link_setup(c, c->private_netns);
}

static void open_tap(struct kern_ctx *c)
{
	struct ifreq ifr = { 0 };
	char path[128];
	int err;

	c->tapfd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (c->tapfd < 0) {
		no_device(c, "no TAP: /dev/net/tun: %s", strerror(errno));
		return;
	}
	/* IFF_VNET_HDR: each write carries a virtio_net_hdr, which is how a
	 * frame gets a partial or verified checksum (R7) */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", c->ifname);
	c->vnet_hdr = true;
	if (ioctl(c->tapfd, TUNSETIFF, &ifr) == 0)
		goto made;
	if (errno == EINVAL) {
		/* gVisor's TAP has no virtio_net_hdr: frames go bare */
		lack(c, TPC_CAP_CSUM, "TUNSETIFF refused IFF_VNET_HDR: %s",
		     strerror(errno));
		c->vnet_hdr = false;
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		if (ioctl(c->tapfd, TUNSETIFF, &ifr) == 0)
			goto made;
	}
	err = errno;
	close(c->tapfd);
	c->tapfd = -1;
	no_device(c, "no TAP: TUNSETIFF %s: %s", c->ifname, strerror(err));
	return;
made:
	/* no IPv6 on the device: no router solicitations, no MLD reports */
	if (c->private_netns)
		write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 c->ifname);
	write_file(path, "1");
	set_sim_address(c);
	link_setup(c, true);
}

/*
 * Loopback injection: a second packet socket sends each frame out of the
 * interface (lo by default), and it arrives as an incoming packet. Sent
 * with PACKET_QDISC_BYPASS, it skips the transmit taps, so the socket under
 * test sees it once, not also as PACKET_OUTGOING.
 */
static void open_loopback(struct kern_ctx *c)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int one = 1;

	/* lo has another link type, MTU and speed, no checksum metadata
	 * and no wire to read */
	lack(c, TPC_CAP_CSUM, "loopback injection carries no checksum state");
	lack(c, TPC_CAP_WIRE, "loopback injection has no wire to read");
	if (!link_setup(c, true) && strcmp(c->ifname, "lo")) {
		/* the sockets need a device to send on: lo */
		no_device(c, "there is no device %s", c->ifname);
		return;
	}
	if (!(c->caps & TPC_CAP_INJECT))
		return;
	c->sendfd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (c->sendfd < 0) {
		lack(c, TPC_CAP_INJECT, "sender socket(AF_PACKET): %s",
		     strerror(errno));
		return;
	}
	sll.sll_ifindex = c->ifindex;
	if (bind(c->sendfd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		lack(c, TPC_CAP_INJECT, "binding the sender to %s: %s",
		     c->ifname, strerror(errno));
	else if (setsockopt(c->sendfd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
			    sizeof(one)) < 0)
		/* without it the socket under test sees each frame twice */
		lack(c, TPC_CAP_INJECT, "sender PACKET_QDISC_BYPASS: %s",
		     strerror(errno));
}

/*
 * Where and how, from the environment (tpconform's --netns, --inject and
 * --ifname set it): TPC_KERNEL_NETNS private (default) or none,
 * TPC_KERNEL_INJECT tap (default) or loopback, TPC_KERNEL_IFNAME;
 * TPC_KERNEL_ENV names a kernel uname(2) does not (e.g. gVisor's runsc
 * and version) at the head of the environment line.
 *
 * The set-up degrades a step at a time: whatever it cannot do costs the
 * caps that need it, with the reason, and the cases needing those caps
 * skip. Only a machine where no packet socket opens skips the whole run.
 */
int tpc_kern_open(void **ctxp, char *why, size_t whylen)
{
	const char *netns = getenv("TPC_KERNEL_NETNS");
	const char *inject = getenv("TPC_KERNEL_INJECT");
	const char *ifname = getenv("TPC_KERNEL_IFNAME");
	char nswhy[200] = "";
	struct kern_ctx *c;
	int probe;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->tapfd = c->sendfd = c->l3fd = -1;
	c->caps = TPC_CAPS_ALL;
	c->hatype = c->mtu = -1;
	c->private_netns = !netns || strcmp(netns, "none");
	c->loopback = inject && !strcmp(inject, "loopback");
	snprintf(c->ifname, sizeof(c->ifname), "%s",
		 ifname && *ifname ? ifname : c->loopback ? "lo" : TAP_NAME);
	if (c->private_netns &&
	    enter_namespace(nswhy, sizeof(nswhy)) != 0) {
		/* the current namespace is not ours: no device is made in
		 * it and nothing is configured, the sockets stay on lo */
		c->private_netns = false;
		no_device(c, "no private network namespace: %s", nswhy);
	} else if (c->loopback) {
		open_loopback(c);
	} else {
		open_tap(c);
	}
	/* the device cases take the link down: only a TAP of our own, in a
	 * namespace of our own */
	if (!c->private_netns || c->loopback || c->tapfd < 0)
		lack(c, TPC_CAP_DEVICE, "the link is set down and up: a TAP "
		     "of our own in a private namespace only");
	probe = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		snprintf(why, whylen, "socket(AF_PACKET): %s (CAP_NET_RAW?)%s%s",
			 strerror(errno), nswhy[0] ? "; " : "", nswhy);
		tpc_kern_close(c);
		return TPC_BACKEND_SKIP;
	}
	close(probe);
	*ctxp = c;
	return 0;
}
