// SPDX-License-Identifier: MIT
/*
 * The kernel backend: real AF_PACKET sockets on a TAP device in a private
 * network namespace that open() creates for this process (and a user
 * namespace too when not root). The host's network is never touched; the
 * namespace and the device go away with the process.
 *
 * inject writes the frame to the TAP fd. On x86_64 tun hands a frame
 * written without MSG_MORE to the receive path before write() returns
 * (tun_rx_batched), so the packet socket has seen it by then: no sleep.
 *
 * Elsewhere (a sandbox, another kernel) a step of that set-up may be
 * missing. Each one that fails costs only the caps that need it, with the
 * reason, so the cases needing them skip and the others still give a
 * verdict: gVisor (make gvisor) has a TAP but no virtio_net_hdr on it and
 * no SIOCSIFFLAGS, and cannot send on a packet socket.
 *
 * This file has the ops on an open backend; the set-up (the namespace,
 * the TAP or loopback sender) is backend_kernel_setup.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <stdbool.h>
#include <unistd.h>
#include <time.h>
#include <unistd.h>

#include "backend_kernel.h"
#include "backend_kernel_qdisc.h"

struct tpc_sock {
	int fd;
};

/* The one place a syscall's -1/errno becomes -errno. */
static int sys_ret(long r)
{
	return r < 0 ? -errno : (int)r;
}

static int kern_info(void *ctx, struct tpc_backend_info *out)
{
	struct kern_ctx *c = ctx;
	const char *label = getenv("TPC_KERNEL_ENV");
	bool named = label && *label;
	struct utsname u;

	uname(&u);
	/* "gVisor runsc 0.0~20221219.0 (uname: Linux 4.4.0), ..." */
	snprintf(out->env, sizeof(out->env), "%s%s%s %s%s, %s network "
		 "namespace, %s %s", named ? label : "",
		 named ? " (uname: " : "", u.sysname, u.release,
		 named ? ")" : "",
		 c->private_netns ? "a private" : "the current",
		 c->tapfd >= 0 ? "TAP" : !(c->caps & TPC_CAP_INJECT)
		 ? "no injection, sockets on" : "loopback injection on",
		 c->ifname);
	out->caps = c->caps;
	/* a caller built before the reasons has no room for them */
	if (out->sz >= offsetof(struct tpc_backend_info, why) +
			   sizeof(out->why))
		memcpy(out->why, c->why, sizeof(out->why));
	return 0;
}

void tpc_kern_close(void *ctx)
{
	struct kern_ctx *c = ctx;

	if (c->tapfd >= 0)
		close(c->tapfd);
	if (c->sendfd >= 0)
		close(c->sendfd);
	if (c->l3fd >= 0)
		close(c->l3fd);
	free(c);
}

static int kern_dev_info(void *ctx, uint8_t addr[6], int *ifindex)
{
	struct kern_ctx *c = ctx;

	memcpy(addr, c->addr, 6);
	*ifindex = c->ifindex;
	return 0;
}

static void drain_tap(struct kern_ctx *c);

static int kern_socket(void *ctx, int type, int protocol, struct tpc_sock **out)
{
	struct kern_ctx *c = ctx;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons((uint16_t)protocol),
				   .sll_ifindex = c->ifindex };
	struct tpc_sock *s;
	int fd;

	fd = socket(AF_PACKET, type | SOCK_CLOEXEC, htons((uint16_t)protocol));
	if (fd < 0)
		return -errno;
	if (protocol && bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return -ENOMEM;
	}
	s->fd = fd;
	*out = s;
	/* a case that failed with the TAP's qdisc holding frames must not
	 * hold the next case's */
	if (c->tapfd >= 0 && c->hold_pid != getpid())
		tpc_kern_tbf_del(c->ifindex);
	drain_tap(c);
	return 0;
}

static void kern_sock_close(struct tpc_sock *s)
{
	close(s->fd);
	free(s);
}

static int kern_setsockopt(struct tpc_sock *s, int level, int optname,
			   const void *optval, socklen_t optlen)
{
	return sys_ret(setsockopt(s->fd, level, optname, optval, optlen));
}

static int kern_getsockopt(struct tpc_sock *s, int level, int optname,
			   void *optval, socklen_t *optlen)
{
	return sys_ret(getsockopt(s->fd, level, optname, optval, optlen));
}

static int kern_mmap(struct tpc_sock *s, size_t length, off_t offset,
		     void **out)
{
	void *m = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		       offset);

	if (m == MAP_FAILED) {
		*out = NULL;
		return -errno;
	}
	*out = m;
	return 0;
}

static int kern_munmap(struct tpc_sock *s, void *addr, size_t length)
{
	(void)s;
	return sys_ret(munmap(addr, length));
}

static int kern_poll(struct tpc_sock *s, short events, int timeout_ms)
{
	struct pollfd p = { .fd = s->fd, .events = events };
	int r = poll(&p, 1, timeout_ms);

	return r <= 0 ? sys_ret(r) : p.revents;
}

static ssize_t kern_recv(struct tpc_sock *s, void *buf, size_t len, int flags)
{
	ssize_t r = recv(s->fd, buf, len, flags);

	return r < 0 ? -errno : r;
}

static int kern_inject(void *ctx, struct tpc_sock *s, const struct tpc_inject *p)
{
	struct kern_ctx *c = ctx;
	struct virtio_net_hdr vh = { 0 };
	struct iovec iov[2] = { { &vh, sizeof(vh) },
				{ (void *)p->data, p->len } };
	ssize_t n;

	(void)s;
	if (!(c->caps & TPC_CAP_INJECT))
		return -ENXIO;	/* the cases skip before they get here */
	if (c->loopback) {
		struct sockaddr_ll to = { .sll_family = AF_PACKET,
					  .sll_ifindex = c->ifindex };

		if (p->flags)
			return -EOPNOTSUPP;	/* no checksum metadata */
		n = sendto(c->sendfd, p->data, p->len, 0,
			   (struct sockaddr *)&to, sizeof(to));
		if (n < 0)
			return -errno;
		return n == (ssize_t)p->len ? 0 : -EIO;
	}
	if (!c->vnet_hdr) {
		if (p->flags)
			return -EOPNOTSUPP;	/* no checksum metadata */
		n = write(c->tapfd, p->data, p->len);
		if (n < 0)
			return -errno;
		return n == (ssize_t)p->len ? 0 : -EIO;
	}
	if (p->flags & TPC_INJ_CSUM_PARTIAL) {
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.csum_start = p->csum_start;
		vh.csum_offset = p->csum_offset;
	} else if (p->flags & TPC_INJ_CSUM_VALID) {
		vh.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	}
	n = writev(c->tapfd, iov, 2);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(sizeof(vh) + p->len) ? 0 : -EIO;
}

static int kern_mmap_at(struct tpc_sock *s, void *addr, size_t length,
			off_t offset, int flags, void **out)
{
	void *m = mmap(addr, length, PROT_READ | PROT_WRITE, flags, s->fd,
		       offset);

	if (m == MAP_FAILED) {
		*out = NULL;
		return -errno;
	}
	*out = m;
	return 0;
}

static int kern_bind(struct tpc_sock *s, const struct sockaddr_ll *a,
		     socklen_t len)
{
	return sys_ret(bind(s->fd, (const struct sockaddr *)a, len));
}

static int kern_getsockname(struct tpc_sock *s, struct sockaddr_ll *a,
			    socklen_t *len)
{
	return sys_ret(getsockname(s->fd, (struct sockaddr *)a, len));
}

/* The TAP's link down or up, as `ip link set` does it. */
static int kern_set_link(void *ctx, int up)
{
	struct kern_ctx *c = ctx;
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", c->ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		err = -errno;
	} else {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			err = -errno;
	}
	close(s);
	return err;
}

/* /proc/net/dev_mcast: one line per address of a device's multicast
 * list, its ifindex first (dev_mc_seq_show) */
static int kern_dev_mc_count(void *ctx, int ifindex)
{
	FILE *f = fopen("/proc/net/dev_mcast", "re");
	char line[256];
	int n = 0, idx;

	(void)ctx;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d", &idx) == 1 && idx == ifindex)
			n++;
	fclose(f);
	return n;
}

/* A TUN (IFF_TUN | IFF_NO_PI: ARPHRD_NONE, no header, no address) beside
 * the TAP, up, without IPv6 (the namespace's default says so); only in a
 * namespace of our own. */
static int kern_l3_dev(void *ctx)
{
	struct kern_ctx *c = ctx;
	struct ifreq ifr = { 0 };
	int s, err = 0;

	if (c->l3fd >= 0)
		return c->l3_ifindex;
	if (!c->private_netns || c->tapfd < 0)
		return -EOPNOTSUPP;
	c->l3fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (c->l3fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "tpc1");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(c->l3fd, TUNSETIFF, &ifr) < 0 ||
	    ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		err = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		err = -errno;
	if (!err && ioctl(s, SIOCGIFINDEX, &ifr) < 0)
		err = -errno;
	if (s >= 0)
		close(s);
	if (err) {
		close(c->l3fd);
		c->l3fd = -1;
		return err;
	}
	c->l3_ifindex = ifr.ifr_ifindex;
	return c->l3_ifindex;
}

/* tun hands a write to the receive path before write() returns, as for
 * the TAP (tun_get_user, tun_rx_batched) */
static int kern_l3_inject(void *ctx, const void *data, uint32_t len)
{
	struct kern_ctx *c = ctx;
	ssize_t n;

	if (c->l3fd < 0)
		return -ENODEV;
	n = write(c->l3fd, data, len);
	return n < 0 ? -errno : n == (ssize_t)len ? 0 : -EIO;
}

/* closing a TUN that is not persistent unregisters it (tun_chr_close):
 * the notifiers have run when close() returns */
static int kern_l3_remove(void *ctx)
{
	struct kern_ctx *c = ctx;

	if (c->l3fd < 0)
		return -ENODEV;
	close(c->l3fd);
	c->l3fd = -1;
	return 0;
}

static ssize_t kern_send(struct tpc_sock *s, const struct sockaddr_ll *to,
			 int flags)
{
	ssize_t r = sendto(s->fd, NULL, 0, flags, (const struct sockaddr *)to,
			   to ? sizeof(*to) : 0);

	return r < 0 ? -errno : r;
}

static ssize_t kern_send_data(struct tpc_sock *s, const void *buf,
			      size_t len, const struct sockaddr_ll *to,
			      int flags)
{
	ssize_t r = sendto(s->fd, buf, len, flags,
			   (const struct sockaddr *)to, to ? sizeof(*to) : 0);

	return r < 0 ? -errno : r;
}

/* Frames the TAP device transmitted come out of its fd, each after the
 * virtio_net_hdr that IFF_VNET_HDR puts first. */
static ssize_t kern_wire_read(void *ctx, struct tpc_sock *s, void *buf,
			      size_t len, int timeout_ms)
{
	struct kern_ctx *c = ctx;
	struct virtio_net_hdr vh;
	struct iovec iov[2] = { { &vh, sizeof(vh) }, { buf, len } };
	struct pollfd p = { .fd = c->tapfd, .events = POLLIN };
	ssize_t n;

	(void)s;
	if (c->tapfd < 0)
		return -ENOSYS;	/* loopback or no TAP: no wire to read */
	n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EAGAIN;
	if (!c->vnet_hdr) {
		n = read(c->tapfd, buf, len);
		return n < 0 ? -errno : n;
	}
	n = readv(c->tapfd, iov, 2);
	if (n < 0)
		return -errno;
	return n < (ssize_t)sizeof(vh) ? -EIO : n - (ssize_t)sizeof(vh);
}

/* Anything a previous case sent and did not read must not reach this
 * one's wire_read. */
static void drain_tap(struct kern_ctx *c)
{
	char buf[65536];

	while (kern_wire_read(c, NULL, buf, sizeof(buf), 0) >= 0)
		;
}

/*
 * qdisc_hold 1: the TBF (backend_kernel_qdisc.c), then one frame of
 * TPC_KERN_TBF_BURST bytes through it from a socket of our own that
 * empties its bucket, read back off the TAP so no case sees it there.
 * 0: the qdisc deleted, what it held dropped.
 */
static int kern_qdisc_hold(void *ctx, int on)
{
	struct kern_ctx *c = ctx;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_ifindex = c->ifindex };
	static const char mark[] = "tpconform qdisc_hold";
	uint8_t f[TPC_KERN_TBF_BURST], buf[2048];
	int fd, err;

	if (c->tapfd < 0)
		return -ENOSYS;
	if (!on) {
		c->hold_pid = 0;
		return tpc_kern_tbf_del(c->ifindex);
	}
	/* a case that failed while holding left frames in our qdisc: delete
	 * it first (dropping them), or the filler would queue behind them */
	tpc_kern_tbf_del(c->ifindex);
	err = tpc_kern_tbf_add(c->ifindex);
	if (err)
		return err;
	c->hold_pid = getpid();
	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, c->addr, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	memcpy(f + 14, mark, sizeof(mark));
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    send(fd, f, sizeof(f), 0) != (ssize_t)sizeof(f))
		err = -errno;
	close(fd);
	while (!err) {
		ssize_t n = kern_wire_read(c, NULL, buf, sizeof(buf), 1000);

		if (n < 0)
			err = (int)n;	/* the bucket is not empty */
		else if (n == (ssize_t)sizeof(f) &&
			 !memcmp(buf + 14, mark, sizeof(mark)))
			break;
	}
	return err;
}

static int kern_sleep_ms(struct tpc_sock *s, int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	(void)s;
	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int64_t kern_clock_ns(struct tpc_sock *s)
{
	struct timespec ts;

	(void)s;
	clock_gettime(CLOCK_REALTIME, &ts);	/* what stamps packets */
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const struct tpc_backend_ops tpc_backend_kernel = {
	.sz = sizeof(struct tpc_backend_ops),
	.name = "kernel",
	.open = tpc_kern_open,
	.close = tpc_kern_close,
	.dev_info = kern_dev_info,
	.socket = kern_socket,
	.sock_close = kern_sock_close,
	.setsockopt = kern_setsockopt,
	.getsockopt = kern_getsockopt,
	.mmap = kern_mmap,
	.munmap = kern_munmap,
	.poll = kern_poll,
	.recv = kern_recv,
	.inject = kern_inject,
	.send = kern_send,
	.send_data = kern_send_data,
	.wire_read = kern_wire_read,
	.sleep_ms = kern_sleep_ms,
	.clock_ns = kern_clock_ns,
	.bind = kern_bind,
	.getsockname = kern_getsockname,
	.set_link = kern_set_link,
	.info = kern_info,
	.dev_mc_count = kern_dev_mc_count,
	.l3_dev = kern_l3_dev,
	.l3_inject = kern_l3_inject,
	.l3_remove = kern_l3_remove,
	.mmap_at = kern_mmap_at,
	.qdisc_hold = kern_qdisc_hold,
};
