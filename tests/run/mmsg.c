// SPDX-License-Identifier: MIT
/*
 * Description: recvmmsg, sendmmsg and close_range on a simulated packet
 * socket (no ring: the receive queue), with the kernel's semantics
 * (net/socket.c do_recvmmsg, __sys_sendmmsg; fs/file.c close_range).
 * Run under
 *   tpsim run --pcap fixtures/eth-mixed.pcap --pace lossless --end none
 *     --wire-out wire.pcap -- run-mmsg fixtures/eth-mixed.pcap
 * it reads the capture's record lengths itself (60 frames, classic pcap)
 * and checks: a blocking recvmmsg of 50 returns 50 whose msg_len and
 * bytes are the capture's; a zero timeout ends a batch after its first
 * message and is written back as 0; a bad timeout is EINVAL; a blocking
 * one of 9 takes the rest; nothing left and MSG_DONTWAIT: EAGAIN, the
 * timeout not written; MSG_WAITFORONE takes the 3 queued of 8 asked (a
 * sender's outgoing copies, queued within its send); the link going down
 * while a batch waits for its second message: 1 returned, ENETDOWN kept
 * for SO_ERROR; sendmmsg: 3 sent of 3, the first failing is its error, a
 * later failure ends the batch (1 of 3), vlen 0 is 0; close_range
 * forgets the simulated sockets it closes, CLOSE_RANGE_CLOEXEC keeps
 * them. The wire then holds 3 + 1 + 3 + 1 frames (run.bats checks).
 * TAP on stdout, exit 1 on a failure; each failure prints both values.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define NPKT 60
#define BUFSZ 2048

static int n, failed;
static uint32_t len_of[NPKT];
static unsigned char *data_of[NPKT];

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

static long rc(long r)
{
	return r < 0 ? -errno : r;
}

/* the records of a little-endian classic pcap file: lengths and bytes */
static int load(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char h[24], r[16];
	int k = 0;

	if (!fp || fread(h, 1, 24, fp) != 24)
		return -1;
	while (k < NPKT && fread(r, 1, 16, fp) == 16) {
		uint32_t incl = r[8] | r[9] << 8 | r[10] << 16 |
				(uint32_t)r[11] << 24;

		data_of[k] = malloc(incl);
		if (!data_of[k] || incl > BUFSZ ||
		    fread(data_of[k], 1, incl, fp) != incl)
			break;
		len_of[k++] = incl;
	}
	fclose(fp);
	return k;
}

static unsigned char bufs[64][BUFSZ];
static struct iovec iov[64];
static struct mmsghdr vec[64];

static void reset(unsigned int k)
{
	memset(vec, 0, sizeof(vec));
	for (unsigned int i = 0; i < k; i++) {
		iov[i] = (struct iovec){ bufs[i], BUFSZ };
		vec[i].msg_hdr.msg_iov = &iov[i];
		vec[i].msg_hdr.msg_iovlen = 1;
	}
}

/* messages [0, k) of vec are frames first, first + 1, ... */
static long same_frames(int k, int first)
{
	for (int i = 0; i < k; i++)
		if (vec[i].msg_len != len_of[first + i] ||
		    memcmp(bufs[i], data_of[first + i], len_of[first + i]))
			return first + i;
	return -1;
}

static int rx, tx;
static pid_t rx_tid;
static unsigned char frame60[60] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 9, 0x88, 0xb5 };

static void link_set(short up)
{
	struct ifreq r;
	int any = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&r, 0, sizeof(r));
	strcpy(r.ifr_name, "tpsim0");
	ioctl(any, SIOCGIFFLAGS, &r);
	r.ifr_flags = (short)((r.ifr_flags & ~IFF_UP) | up);
	ioctl(any, SIOCSIFFLAGS, &r);
	close(any);
}

/* link down once the main thread sleeps in the simulator's wait (a
 * futex): its batch has its first message by then */
static void *link_down(void *arg)
{
	char path[64], line[64];

	(void)arg;
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", rx_tid);
	for (int i = 0; i < 5000; i++) {
		FILE *fp = fopen(path, "r");
		long nr = -1;

		if (fp && fgets(line, sizeof(line), fp))
			nr = strtol(line, NULL, 10);
		if (fp)
			fclose(fp);
		if (nr == SYS_futex)
			break;
		usleep(1000);
	}
	link_set(0);
	return NULL;
}

static void recv_checks(void)
{
	struct timespec ts;
	pthread_t t;
	int e;
	socklen_t l = sizeof(e);

	reset(50);
	check("recvmmsg 50, blocking", 50, rc(recvmmsg(rx, vec, 50, 0, NULL)));
	check("  msg_len and bytes: the capture's (first wrong)", -1,
	      same_frames(50, 0));
	reset(8);
	ts = (struct timespec){ 0, 0 };
	check("recvmmsg 8, timeout 0: one message", 1,
	      rc(recvmmsg(rx, vec, 8, 0, &ts)));
	check("  it is frame 50", -1, same_frames(1, 50));
	check("  timeout written back: 0 s", 0, ts.tv_sec);
	check("  timeout written back: 0 ns", 0, ts.tv_nsec);
	ts = (struct timespec){ 0, 1000000000 };
	check("recvmmsg, tv_nsec 1e9: EINVAL", -EINVAL,
	      rc(recvmmsg(rx, vec, 8, 0, &ts)));
	reset(9);
	check("recvmmsg 9, blocking: the rest", 9,
	      rc(recvmmsg(rx, vec, 9, 0, NULL)));
	check("  frames 51..59", -1, same_frames(9, 51));
	ts = (struct timespec){ 5, 0 };
	check("recvmmsg MSG_DONTWAIT, none left: EAGAIN", -EAGAIN,
	      rc(recvmmsg(rx, vec, 8, MSG_DONTWAIT, &ts)));
	check("  the timeout not written", 5, ts.tv_sec);
	/* the sender's outgoing copies reach rx within send() */
	for (int i = 0; i < 3; i++)
		send(tx, frame60, 60, 0);
	reset(8);
	check("recvmmsg 8, MSG_WAITFORONE, 3 queued", 3,
	      rc(recvmmsg(rx, vec, 8, MSG_WAITFORONE, NULL)));
	check("  msg_len 60", 60, vec[2].msg_len);
	/* one more frame (tx's outgoing copy), then a batch of 2 that
	 * waits for its second while the link goes down */
	check("send one frame from another socket", 60,
	      rc(send(tx, frame60, 60, 0)));
	rx_tid = (pid_t)syscall(SYS_gettid);
	pthread_create(&t, NULL, link_down, NULL);
	reset(2);
	check("recvmmsg 2, the link going down while it waits: 1", 1,
	      rc(recvmmsg(rx, vec, 2, 0, NULL)));
	pthread_join(t, NULL);
	check("  msg_len 60", 60, vec[0].msg_len);
	check("  SO_ERROR then: ENETDOWN, kept for the next call", ENETDOWN,
	      getsockopt(rx, SOL_SOCKET, SO_ERROR, &e, &l) ? -errno : e);
	check("  SO_ERROR again: 0 (read once)", 0,
	      getsockopt(rx, SOL_SOCKET, SO_ERROR, &e, &l) ? -errno : e);
	link_set(IFF_UP);
}

static void send_checks(void)
{
	static unsigned char bad[13];
	struct iovec v[3] = { { frame60, 60 }, { frame60, 60 },
			      { frame60, 60 } };

	memset(vec, 0, sizeof(vec));
	for (int i = 0; i < 3; i++) {
		vec[i].msg_hdr.msg_iov = &v[i];
		vec[i].msg_hdr.msg_iovlen = 1;
	}
	check("sendmmsg 3 frames", 3, rc(sendmmsg(tx, vec, 3, 0)));
	check("  msg_len of the third", 60, vec[2].msg_len);
	check("sendmmsg vlen 0", 0, rc(sendmmsg(tx, vec, 0, 0)));
	v[0] = (struct iovec){ bad, sizeof(bad) };
	check("sendmmsg, the first of 13 bytes: its EINVAL", -EINVAL,
	      rc(sendmmsg(tx, vec, 3, 0)));
	v[0] = (struct iovec){ frame60, 60 };
	v[1] = (struct iovec){ bad, sizeof(bad) };
	vec[1].msg_len = 12345;
	check("sendmmsg, the second of 13 bytes: 1 sent", 1,
	      rc(sendmmsg(tx, vec, 3, 0)));
	check("  the second's msg_len untouched", 12345, vec[1].msg_len);
}

static int type_of(int fd)
{
	int v = -1;
	socklen_t l = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) ? -errno : v;
}

static void close_range_checks(void)
{
	check("dup2 to 300", 300, rc(dup2(tx, 300)));
	check("dup2 to 301", 301, rc(dup2(tx, 301)));
	check("close_range(300, 301, CLOEXEC)", 0,
	      rc(close_range(300, 301, CLOSE_RANGE_CLOEXEC)));
	check("  300 still the packet socket", SOCK_RAW, type_of(300));
	check("  FD_CLOEXEC on 301", FD_CLOEXEC, fcntl(301, F_GETFD));
	check("close_range(300, ~0U, 0)", 0, rc(close_range(300, ~0U, 0)));
	check("  300: EBADF", -EBADF, type_of(300));
	check("  301: EBADF", -EBADF, type_of(301));
	check("  the socket itself still works", SOCK_RAW, type_of(tx));
	check("close_range(5, 4, 0): EINVAL", -EINVAL,
	      rc(close_range(5, 4, 0)));
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };

	setvbuf(stdout, NULL, _IOLBF, 0);
	check("the capture's records", NPKT, argc > 1 ? load(argv[1]) : -1);
	sll.sll_ifindex = (int)if_nametoindex("tpsim0");
	rx = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	tx = socket(AF_PACKET, SOCK_RAW, 0);	/* receives nothing */
	check("bind to tpsim0", 0,
	      rc(bind(rx, (struct sockaddr *)&sll, sizeof(sll))));
	sll.sll_protocol = 0;
	check("bind the sender to tpsim0", 0,
	      rc(bind(tx, (struct sockaddr *)&sll, sizeof(sll))));
	recv_checks();
	send_checks();
	close_range_checks();
	printf("1..%d\n", n);
	return failed;
}
