// SPDX-License-Identifier: MIT
/*
 * Description: what a capture program sees of the simulated interface
 * through the interposer, packet-free: run under
 *   tpsim run --pcap fixtures/empty.pcap --end none --ifindex 77
 *     --mac 02:11:22:33:44:55 --mtu 9000 --speed 2500 -- run-probe
 * it checks socket/sockopt answers, ioctl by name on any socket (the
 * kernel's dev_ioctl answers for such a device), ethtool, getifaddrs and
 * if_*, bind/getsockname, ring setup and mmap (MAP_LOCKED|MAP_POPULATE,
 * EBUSY while mapped), poll/select/epoll timeouts, O_NONBLOCK, the dup
 * family, link down (POLLERR, SO_ERROR ENETDOWN), a forked child's dead
 * sockets, and that other sockets stay the kernel's. TAP on stdout,
 * exit 1 on a failure; each failure prints both values.
 */
#include <net/if.h>	/* before the linux/ headers */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define IFNAME "tpsim0"
#define IFINDEX 77

static int n, failed;

static void check(const char *what, long want, long got)
{
	n++;
	if (want == got) {
		printf("ok %d - %s: %ld\n", n, what, got);
		return;
	}
	printf("not ok %d - %s: expected %ld, got %ld\n", n, what, want, got);
	failed = 1;
}

/* -errno of a call returning -1, else its value */
static long rc(long r)
{
	return r < 0 ? -errno : r;
}

static int sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l) < 0)
		return -errno;
	return v;
}

static long ifreq_ioctl(int fd, unsigned long req, struct ifreq *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->ifr_name, IFNAME);
	return rc(ioctl(fd, req, r));
}

static void interface_checks(int any)
{
	struct ifreq r;
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	struct ethtool_cmd ec = { .cmd = ETHTOOL_GSET };
	struct ethtool_ts_info ti = { .cmd = ETHTOOL_GET_TS_INFO };
	unsigned char mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	char name[IF_NAMESIZE] = "";

	check("SIOCGIFINDEX tpsim0", 0, ifreq_ioctl(any, SIOCGIFINDEX, &r));
	check("  ifindex", IFINDEX, r.ifr_ifindex);
	check("SIOCGIFHWADDR", 0, ifreq_ioctl(any, SIOCGIFHWADDR, &r));
	check("  hatype ARPHRD_ETHER", ARPHRD_ETHER, r.ifr_hwaddr.sa_family);
	check("  address 02:11:22:33:44:55", 0,
	      memcmp(r.ifr_hwaddr.sa_data, mac, 6));
	check("SIOCGIFMTU", 0, ifreq_ioctl(any, SIOCGIFMTU, &r));
	check("  mtu", 9000, r.ifr_mtu);
	check("SIOCGIFFLAGS", 0, ifreq_ioctl(any, SIOCGIFFLAGS, &r));
	check("  IFF_UP|IFF_RUNNING", IFF_UP | IFF_RUNNING,
	      r.ifr_flags & (IFF_UP | IFF_RUNNING));
	memset(&r, 0, sizeof(r));
	r.ifr_ifindex = IFINDEX;
	check("SIOCGIFNAME 77", 0, rc(ioctl(any, SIOCGIFNAME, &r)));
	check("  is tpsim0", 0, strcmp(r.ifr_name, IFNAME));
	check("SIOCGIFADDR: no IPv4 address", -EADDRNOTAVAIL,
	      ifreq_ioctl(any, SIOCGIFADDR, &r));
	check("SIOCSHWTSTAMP: no hardware stamps", -EOPNOTSUPP,
	      ifreq_ioctl(any, SIOCSHWTSTAMP, &r));
	check("SIOCGIWNAME: not wireless", -EOPNOTSUPP,
	      ifreq_ioctl(any, 0x8B01, &r));
	ifreq_ioctl(any, SIOCGIFINDEX, &r);
	r.ifr_data = (void *)&ev;
	check("ETHTOOL_GLINK", 0, rc(ioctl(any, SIOCETHTOOL, &r)));
	check("  link up", 1, ev.data);
	r.ifr_data = (void *)&ec;
	check("ETHTOOL_GSET", 0, rc(ioctl(any, SIOCETHTOOL, &r)));
	check("  speed Mb/s", 2500, ethtool_cmd_speed(&ec));
	r.ifr_data = (void *)&ti;
	check("ETHTOOL_GET_TS_INFO", 0, rc(ioctl(any, SIOCETHTOOL, &r)));
	check("  no PTP clock", -1, ti.phc_index);
	check("if_nametoindex tpsim0", IFINDEX, if_nametoindex(IFNAME));
	check("if_indextoname 77", 0,
	      strcmp(if_indextoname(IFINDEX, name) ? name : "", IFNAME));
	check("if_nametoindex lo (the kernel's)", 1, if_nametoindex("lo"));
}

static void list_checks(void)
{
	struct ifaddrs *ifa, *p;
	struct if_nameindex *ni;
	int sim = 0, lo = 0;

	check("getifaddrs", 0, rc(getifaddrs(&ifa)));
	for (p = ifa; p; p = p->ifa_next) {
		if (!strcmp(p->ifa_name, "lo"))
			lo = 1;
		if (strcmp(p->ifa_name, IFNAME) || !p->ifa_addr ||
		    p->ifa_addr->sa_family != AF_PACKET)
			continue;
		sim = ((struct sockaddr_ll *)p->ifa_addr)->sll_ifindex;
	}
	freeifaddrs(ifa);
	check("getifaddrs: tpsim0 AF_PACKET ifindex", IFINDEX, sim);
	check("getifaddrs: lo still there", 1, lo);
	ni = if_nameindex();
	sim = lo = 0;
	for (struct if_nameindex *i = ni; i && i->if_index; i++) {
		if (!strcmp(i->if_name, IFNAME))
			sim = (int)i->if_index;
		if (!strcmp(i->if_name, "lo"))
			lo = 1;
	}
	if_freenameindex(ni);
	check("if_nameindex: tpsim0", IFINDEX, sim);
	check("if_nameindex: lo", 1, lo);
}

static void ring_checks(int fd)
{
	struct tpacket_req req = { 4096, 4, 2048, 8 };
	int v2 = TPACKET_V2;
	void *m;

	check("PACKET_VERSION V2", 0,
	      rc(setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2))));
	check("PACKET_RX_RING 4 x 4096", 0,
	      rc(setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
			    sizeof(req))));
	m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);
	check("mmap MAP_LOCKED|MAP_POPULATE", 0, m == MAP_FAILED ? -errno : 0);
	check("  frame 0 is the kernel's", TP_STATUS_KERNEL,
	      m == MAP_FAILED ? -1 : (long)((struct tpacket2_hdr *)m)->tp_status);
	check("PACKET_RX_RING again while mapped: EBUSY", -EBUSY,
	      rc(setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req,
			    sizeof(req))));
	check("munmap", 0, m == MAP_FAILED ? -1 : rc(munmap(m, 4 * 4096)));
}

static void wait_checks(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timeval tv = { 0, 30000 };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 }, got;
	fd_set rd;
	int ep = epoll_create1(0);
	char b[64];

	check("poll 30 ms, nothing offered", 0, rc(poll(&p, 1, 30)));
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	check("select 30 ms", 0, rc(select(fd + 1, &rd, NULL, NULL, &tv)));
	check("epoll_ctl ADD", 0, rc(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)));
	check("epoll_wait 30 ms", 0, rc(epoll_wait(ep, &got, 1, 30)));
	close(ep);
	check("recv MSG_DONTWAIT: EAGAIN", -EAGAIN,
	      rc(recv(fd, b, sizeof(b), MSG_DONTWAIT)));
	check("F_SETFL O_NONBLOCK", 0,
	      rc(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)));
	check("  F_GETFL says so", O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	check("  recv: EAGAIN", -EAGAIN, rc(recv(fd, b, sizeof(b), 0)));
	check("  read: EAGAIN", -EAGAIN, rc(read(fd, b, sizeof(b))));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* packet_snd: shorter than the Ethernet header is EINVAL, past
	 * MTU 9000 + 14 + 4 EMSGSIZE (checked first) */
	memset(b, 0xff, sizeof(b));
	check("send of 13 bytes without a TX ring: EINVAL", -EINVAL,
	      rc(send(fd, b, 13, 0)));
	{
		static char big[9019];

		check("send of 9019 bytes: EMSGSIZE", -EMSGSIZE,
		      rc(send(fd, big, sizeof(big), 0)));
	}
}

static void link_checks(int any, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct ifreq r;

	ifreq_ioctl(any, SIOCGIFFLAGS, &r);
	r.ifr_flags &= ~IFF_UP;
	check("SIOCSIFFLAGS down", 0, rc(ioctl(any, SIOCSIFFLAGS, &r)));
	check("  poll: POLLERR", POLLERR, rc(poll(&p, 1, 1000)) == 1 ?
	      p.revents & POLLERR : -1);
	check("  SO_ERROR: ENETDOWN", ENETDOWN,
	      sockopt_int(fd, SOL_SOCKET, SO_ERROR));
	check("  SIOCGIFFLAGS: not IFF_UP", 0,
	      ifreq_ioctl(any, SIOCGIFFLAGS, &r) ? -1 : r.ifr_flags & IFF_UP);
	r.ifr_flags |= IFF_UP;
	check("SIOCSIFFLAGS up", 0, rc(ioctl(any, SIOCSIFFLAGS, &r)));
}

static void fork_checks(int fd)
{
	pid_t pid = fork();
	int st = 0;

	if (!pid) {	/* the child: dead sockets, never a crash */
		int v;
		socklen_t l = sizeof(v);

		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) == 0)
			_exit(10);
		if (errno != ENETDOWN)
			_exit(11);
		if (socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)) >= 0)
			_exit(12);
		_exit(close(fd) == 0 ? 0 : 13);
	}
	waitpid(pid, &st, 0);
	check("forked child: ENETDOWN on the socket, no new one (exit)", 0,
	      WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st));
	check("parent's socket still works after the child closed it",
	      SOCK_RAW, sockopt_int(fd, SOL_SOCKET, SO_TYPE));
}

int main(void)
{
	int any = socket(AF_INET, SOCK_DGRAM, 0), fd, fd2, nb, one = 1;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = IFINDEX };
	socklen_t sl = sizeof(sll);

	setvbuf(stdout, NULL, _IOLBF, 0);
	check("AF_INET socket is the kernel's: SO_TYPE", SOCK_DGRAM,
	      sockopt_int(any, SOL_SOCKET, SO_TYPE));
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	check("socket(AF_PACKET, SOCK_RAW)", 1, fd >= 0);
	check("  SO_TYPE", SOCK_RAW, sockopt_int(fd, SOL_SOCKET, SO_TYPE));
	check("  SO_DOMAIN", AF_PACKET, sockopt_int(fd, SOL_SOCKET, SO_DOMAIN));
	check("  SO_PROTOCOL", htons(ETH_P_ALL),
	      sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	check("  SO_TIMESTAMP set", 0,
	      rc(setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof(one))));
	check("  SO_TIMESTAMP read back", 1,
	      sockopt_int(fd, SOL_SOCKET, SO_TIMESTAMP));
	check("  SO_BPF_EXTENSIONS (SKF_AD_MAX)", 64,
	      sockopt_int(fd, SOL_SOCKET, SO_BPF_EXTENSIONS));
	check("  F_GETFL: blocking", 0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	nb = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	check("socket(SOCK_DGRAM|SOCK_NONBLOCK): SO_TYPE", SOCK_DGRAM,
	      sockopt_int(nb, SOL_SOCKET, SO_TYPE));
	check("  F_GETFL: O_NONBLOCK", O_NONBLOCK, fcntl(nb, F_GETFL) & O_NONBLOCK);
	check("  close", 0, rc(close(nb)));
	check("  closed: F_GETFD EBADF", -EBADF, rc(fcntl(nb, F_GETFD)));
	interface_checks(any);
	interface_checks(fd);
	list_checks();
	check("bind to ifindex 12345: ENODEV", -ENODEV, ({
		struct sockaddr_ll b = sll;

		b.sll_ifindex = 12345;
		rc(bind(fd, (struct sockaddr *)&b, sizeof(b)));
	}));
	check("bind to tpsim0", 0,
	      rc(bind(fd, (struct sockaddr *)&sll, sizeof(sll))));
	memset(&sll, 0, sizeof(sll));
	check("getsockname", 0, rc(getsockname(fd, (struct sockaddr *)&sll,
					       &sl)));
	check("  sll_ifindex", IFINDEX, sll.sll_ifindex);
	check("  sll_family", AF_PACKET, sll.sll_family);
	ring_checks(fd);
	wait_checks(fd);
	link_checks(any, fd);
	fd2 = dup(fd);
	check("dup: SO_TYPE on the copy", SOCK_RAW,
	      sockopt_int(fd2, SOL_SOCKET, SO_TYPE));
	check("dup2 onto the AF_INET socket's number", any,
	      rc(dup2(fd, any)));
	check("  it is the packet socket now", AF_PACKET,
	      sockopt_int(any, SOL_SOCKET, SO_DOMAIN));
	check("F_DUPFD_CLOEXEC", 1, fcntl(fd, F_DUPFD_CLOEXEC, 100) >= 100);
	close(fd);
	check("close the first: the copy still works", SOCK_RAW,
	      sockopt_int(fd2, SOL_SOCKET, SO_TYPE));
	fork_checks(fd2);
	printf("1..%d\n", n);
	return failed;
}
