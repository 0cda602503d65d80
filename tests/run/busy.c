// SPDX-License-Identifier: MIT
/*
 * A busy poller of a TPACKET_V2 RX ring, for tpsim run's start without a
 * call (run/interpose.h, tpr__setup_step): it sets its socket up in the
 * order ORDER names, then makes no call on the socket at all, reading the
 * ring's status words (a nap between looks, not a wait on the socket)
 * and handing each frame back, until it has seen N frames.
 *   fanout    RX ring, mmap, bind, PACKET_FANOUT (DPDK's af_packet PMD):
 *             the join is the last step
 *   mmap-last bind, PACKET_FANOUT, RX ring, mmap: the mapping is the last
 *   nofanout  RX ring, mmap, bind and no group: nothing may arrive for
 *             NOFANOUT_MS, then a poll() (a wait) lets the producer start
 * Run as: tpsim run --pcap fixtures/eth-mixed.pcap --end none -- run-busy
 * ORDER 60. Prints "frames N" and exits 0; on a failure says what and
 * exits 1 (after DEADLINE_S without the frames: 1 too, never a hang).
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define FRAME 2048
#define BLOCK 4096
#define BLOCKS 32
#define FRAMES (BLOCKS * BLOCK / FRAME)
#define DEADLINE_S 30
#define NOFANOUT_MS 200

static int fail(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	return 1;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Frames the ring holds for the user now, each handed back. */
static unsigned int take(char *ring, unsigned int *idx)
{
	unsigned int got = 0;

	for (;;) {
		struct tpacket2_hdr *h = (void *)(ring + *idx * FRAME);

		if (!(__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			return got;
		__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		*idx = (*idx + 1) % FRAMES;
		got++;
	}
}

int main(int argc, char **argv)
{
	struct tpacket_req req = { BLOCK, BLOCKS, FRAME, FRAMES };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };
	int v2 = TPACKET_V2, fanout, fd;
	unsigned int want, seen = 0, idx = 0;
	const char *order;
	char *ring = MAP_FAILED;
	double end;

	if (argc != 3) {
		fprintf(stderr, "usage: run-busy fanout|mmap-last|nofanout N\n");
		return 2;
	}
	order = argv[1];
	want = (unsigned int)strtoul(argv[2], NULL, 10);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex("tpsim0");
	fanout = (getpid() & 0xffff) | PACKET_FANOUT_HASH << 16;
	if (fd < 0 || !sll.sll_ifindex)
		return fail("socket or tpsim0");
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)))
		return fail("PACKET_VERSION");
	if (!strcmp(order, "mmap-last") &&
	    (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	     setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &fanout,
			sizeof(fanout))))
		return fail("bind, PACKET_FANOUT");
	if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return fail("PACKET_RX_RING");
	ring = mmap(NULL, (size_t)BLOCK * BLOCKS, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (ring == MAP_FAILED)
		return fail("mmap");
	if (strcmp(order, "mmap-last") &&
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		return fail("bind");
	if (!strcmp(order, "fanout") &&
	    setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &fanout,
		       sizeof(fanout)))
		return fail("PACKET_FANOUT");
	if (!strcmp(order, "nofanout")) {
		/* not started: no call was a wait, and there is no group */
		usleep(NOFANOUT_MS * 1000);
		seen = take(ring, &idx);
		if (seen) {
			printf("%u frames before any wait, without a group\n",
			       seen);
			return 1;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, DEADLINE_S * 1000) != 1)
			return fail("poll");
	}
	end = now_s() + DEADLINE_S;
	while (seen < want && now_s() < end) {
		seen += take(ring, &idx);
		usleep(1000);
	}
	printf("frames %u\n", seen);
	munmap(ring, (size_t)BLOCK * BLOCKS);
	close(fd);
	return seen == want ? 0 : 1;
}
