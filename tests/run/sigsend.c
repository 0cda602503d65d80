// SPDX-License-Identifier: MIT
/*
 * Description: a TX ring kicked by sendto() from a signal handler, as
 * netsniff-ng kicks its ring from SIGALRM, with the handler landing at
 * the two places that went wrong in the interposer (issue 18). Run under
 *   tpsim run --pcap fixtures/empty.pcap --end none
 *     --wire-out wire.pcap -- run-sigsend
 * it checks:
 *  1. a handler run while this thread is inside munmap of the ring,
 *     with the socket's lock held by the interposer (raised from this
 *     program's own munmap, which libtpsim's munmap(2) resolves to):
 *     its send is deferred, returns 0, and the frames go when that
 *     munmap returns. Before the fix the handler's send took the
 *     socket's lock again and the program hung (netsniff-ng's hang).
 *  2. a handler run inside ppoll (the signal pending, let in by
 *     ppoll's mask): its send is deferred too (returns 0: no lock and no
 *     allocation in the handler), ppoll returns EINTR, and the frames
 *     were sent before it returned; POLLOUT follows. Before the fix the
 *     send was deferred to the next send of the program, so a program
 *     waiting in poll never got its frames back.
 *  3. the same inside epoll_pwait.
 * TAP on stdout, exit 1 on a failure; each failure prints both values.
 * The wire then holds 2 + 4 + 4 frames of 60 bytes (run.bats checks).
 */

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_SZ 2048
#define FRAME_NR 4
#define RING_LEN (FRAME_SZ * FRAME_NR)
#define PKT_LEN 60

static int n, failed, tx;
static volatile sig_atomic_t handler_runs, in_munmap, raise_inner;
static volatile long handler_ret, handler_errno;

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

static void on_signal(int sig)
{
	int e = errno;

	(void)sig;
	handler_ret = sendto(tx, NULL, 0, MSG_DONTWAIT, NULL, 0);
	handler_errno = handler_ret < 0 ? errno : 0;
	handler_runs++;
	errno = e;
}

/*
 * This program's munmap comes first in the lookup order, so the
 * interposer's tpsim_munmap, which calls munmap(2) holding the socket's
 * lock, calls this one: the inner call (depth 2) raises the signal then.
 */
__attribute__((visibility("default"))) int munmap(void *addr, size_t len)
{
	static int (*next)(void *, size_t);
	int r;

	if (!next)
		next = (int (*)(void *, size_t))dlsym(RTLD_NEXT, "munmap");
	in_munmap++;
	if (in_munmap == 2 && raise_inner) {
		raise_inner = 0;
		raise(SIGUSR1);
	}
	r = next(addr, len);
	in_munmap--;
	return r;
}

static struct tpacket2_hdr *frame(void *ring, int i)
{
	return (struct tpacket2_hdr *)((char *)ring + (size_t)i * FRAME_SZ);
}

/* frames [0, k) filled with a 60-byte broadcast frame, SEND_REQUEST */
static void mark(void *ring, int k)
{
	for (int i = 0; i < k; i++) {
		struct tpacket2_hdr *h = frame(ring, i);
		unsigned char *d = (unsigned char *)h + TPACKET2_HDRLEN -
				   sizeof(struct sockaddr_ll);

		memset(d, 0xff, 6);
		memset(d + 6, 0x02, 6);
		d[12] = 0x88;
		d[13] = 0xb5;
		memset(d + 14, i, PKT_LEN - 14);
		h->tp_len = PKT_LEN;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
				 __ATOMIC_RELEASE);
	}
}

/* how many of frames [0, k) still say SEND_REQUEST */
static long still_requested(void *ring, int k)
{
	long c = 0;

	for (int i = 0; i < k; i++)
		c += __atomic_load_n(&frame(ring, i)->tp_status,
				     __ATOMIC_ACQUIRE) == TP_STATUS_SEND_REQUEST;
	return c;
}

static void *map_ring(void)
{
	void *m = mmap(NULL, RING_LEN, PROT_READ | PROT_WRITE, MAP_SHARED,
		       tx, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* wait (bounded) until the ring has room again: every frame sent */
static long pollout(void)
{
	struct pollfd p = { .fd = tx, .events = POLLOUT };
	int r = poll(&p, 1, 5000);

	return r == 1 ? p.revents & POLLOUT : r < 0 ? -errno : 0;
}

/* 1: the handler inside munmap, the socket's lock held */
static void in_locked_munmap(void)
{
	void *ring = map_ring();

	check("mmap the TX ring", 1, ring != NULL);
	if (!ring)
		return;
	mark(ring, 2);
	handler_runs = 0;
	raise_inner = 1;
	check("munmap with a signal raised inside it", 0,
	      munmap(ring, RING_LEN) ? -errno : 0);
	check("  the handler ran once", 1, handler_runs);
	check("  its sendto, deferred: 0", 0, handler_ret);
	ring = map_ring();
	check("  mapped again", 1, ring != NULL);
	if (!ring)
		return;
	check("  frames still SEND_REQUEST after munmap returned", 0,
	      still_requested(ring, 2));
	check("  POLLOUT: the frames are back", POLLOUT, pollout());
	munmap(ring, RING_LEN);
}

/* 2 and 3: the handler inside the wait of ppoll or epoll_pwait */
static void in_wait(bool epoll)
{
	void *ring = map_ring();
	sigset_t block, let_in;
	int r, err;

	check(epoll ? "epoll: mmap the TX ring" : "ppoll: mmap the TX ring",
	      1, ring != NULL);
	if (!ring)
		return;
	mark(ring, FRAME_NR);		/* full: no POLLOUT until sent */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &let_in);
	sigdelset(&let_in, SIGUSR1);
	handler_runs = 0;
	raise(SIGUSR1);			/* pending until the wait lets it in */
	if (epoll) {
		struct epoll_event ev = { .events = EPOLLOUT }, got;
		int ep = epoll_create1(0);

		epoll_ctl(ep, EPOLL_CTL_ADD, tx, &ev);
		r = epoll_pwait(ep, &got, 1, 5000, &let_in);
		err = errno;
		close(ep);
	} else {
		struct pollfd p = { .fd = tx, .events = POLLOUT };
		struct timespec ts = { 5, 0 };

		r = ppoll(&p, 1, &ts, &let_in);
		err = errno;
	}
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	check("  the wait: EINTR", -EINTR, r < 0 ? -err : r);
	check("  the handler ran once", 1, handler_runs);
	check("  its sendto, deferred: 0", 0,
	      handler_ret < 0 ? -handler_errno : handler_ret);
	check("  frames still SEND_REQUEST when the wait returned", 0,
	      still_requested(ring, FRAME_NR));
	check("  POLLOUT: the frames are back", POLLOUT, pollout());
	munmap(ring, RING_LEN);
}

int main(void)
{
	struct tpacket_req req = { FRAME_SZ * 2, 2, FRAME_SZ, FRAME_NR };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	struct sigaction sa = { .sa_handler = on_signal };
	int v2 = TPACKET_V2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGUSR1, &sa, NULL);
	tx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex("tpsim0");
	check("socket", 1, tx >= 0);
	check("PACKET_VERSION V2", 0,
	      setsockopt(tx, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2))
	      ? -errno : 0);
	check("PACKET_TX_RING 4 frames", 0,
	      setsockopt(tx, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req))
	      ? -errno : 0);
	check("bind to tpsim0", 0,
	      bind(tx, (struct sockaddr *)&sll, sizeof(sll)) ? -errno : 0);
	in_locked_munmap();
	in_wait(false);
	in_wait(true);
	close(tx);
	printf("1..%d\n", n);
	return failed;
}
