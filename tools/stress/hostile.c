// SPDX-License-Identifier: MIT
/*
 * tpsim-stress: the producer against consumers it cannot trust. For each
 * ring kind (V1/V2/V3 RX, V1/V2/V3 TX) the producer runs flat out (RX:
 * half of its packets through tpsim_deliver_batch) while
 *  - scribbler threads write random bytes over every header, block
 *    descriptor and status word, hand frames back out of order, twice or
 *    never, and one of them unmaps its view of the ring early;
 *  - a child process maps the ring's memfd and scribbles too;
 *  - on V3, the retire timer runs on the real clock in its own thread.
 * The producer must not crash (its mapping sits between PROT_NONE guard
 * pages, so a write outside the ring would fault) or hang (an alarm ends
 * the run), and its accounting must stay exact: RX offered = delivered +
 * dropped, equal to PACKET_STATISTICS; TX bytes sent = bytes on the wire.
 *
 * Usage: tpsim-stress [--packets N] (per ring kind; default 200000)
 * Exit 0 when every kind held, 1 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tpsim.h"

#define SCRIBBLERS 2
#define RING_BYTES (8u * 4096u)

struct scribbler {
	char *m;		/* its own view of the ring */
	size_t len;
	struct tpsim_sock *s;	/* to unmap early (the first one) */
	uint64_t seed;
	bool unmap_early;
	_Atomic int *stop;
};

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* random 8-byte writes anywhere, statuses set to KERNEL (returned),
 * USER, SEND_REQUEST or garbage, frames returned out of order */
static void scribble(char *m, size_t len, uint64_t *x, uint64_t rounds,
		     _Atomic int *stop)
{
	for (uint64_t i = 0; i < rounds && !atomic_load_explicit(
						 stop, memory_order_relaxed);
	     i++) {
		uint64_t r = next(x);
		size_t off = (size_t)(r % (len - 8)) & ~7ul;
		_Atomic uint32_t *st =
			(_Atomic uint32_t *)(m + ((size_t)(r >> 32) % len & ~255ul));

		switch (r & 7) {
		case 0:
		case 1:
			atomic_store_explicit(st, 0, memory_order_release);
			break;
		case 2:
			atomic_store_explicit(st, (uint32_t)(r >> 8) & 3,
					      memory_order_release);
			break;
		default:
			atomic_store_explicit((_Atomic uint64_t *)(m + off), r,
					      memory_order_relaxed);
		}
		/* hostile, not a denial of service: the careless consumer
		 * must get some work done in between */
		for (int k = 0; k < 64; k++)
			__asm__ volatile("" ::: "memory");
		if ((r & 255) == 0)
			usleep(50);
	}
}

/* A consumer that does its job, carelessly: it returns RX frames and
 * blocks it finds (sometimes out of order), and fills and requests TX
 * frames with lengths that are mostly fine. The scribblers make it worse. */
struct worker {
	char *m;
	int version;
	bool tx;
	uint64_t seed;
	_Atomic int *stop;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint32_t nframes = RING_BYTES / 256, nblocks = RING_BYTES / 4096;
	uint32_t at = 0;	/* a sender fills frames in ring order */

	while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
		uint64_t r = next(&w->seed);

		if (!w->tx && w->version == TPACKET_V3) {
			char *b = w->m + (size_t)(r % nblocks) * 4096;

			if (tpsim_block_status(b) & TP_STATUS_USER)
				tpsim_block_release(b);
			continue;
		}
		uint32_t idx = w->tx ? at : (uint32_t)(r % nframes);
		char *h = w->m + (size_t)idx * 256;
		uint32_t st = tpsim_frame_status(h, w->version);

		if (!w->tx) {
			if (st & TP_STATUS_USER)
				tpsim_frame_release(h, w->version);
			continue;
		}
		if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT)
			continue;
		at = at + 1 == nframes ? 0 : at + 1;
		uint32_t len = 14 + (uint32_t)(r >> 40) % 200;

		if ((r & 31) == 0)
			len = (uint32_t)(r >> 20);	/* nonsense, sometimes */
		memset(h + (w->version == TPACKET_V3 ? 48 : 32), 0xab, 160);
		if (w->version == TPACKET_V1)
			((struct tpacket_hdr *)h)->tp_len = len;
		else if (w->version == TPACKET_V2)
			((struct tpacket2_hdr *)h)->tp_len = len;
		else
			((struct tpacket3_hdr *)h)->tp_len = len;
		tpsim_frame_send_request(h, w->version);
	}
	return NULL;
}

static void *scribbler_main(void *arg)
{
	struct scribbler *c = arg;

	if (c->unmap_early) {
		scribble(c->m, c->len, &c->seed, 200000, c->stop);
		tpsim_munmap(c->s, c->m, c->len);	/* and goes away */
		return NULL;
	}
	scribble(c->m, c->len, &c->seed, UINT64_MAX, c->stop);
	return NULL;
}

/* a consumer in another process, through the memfd */
static pid_t scribble_child(int fd, size_t len, uint64_t seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		_Atomic int never = 0;

		if (m == MAP_FAILED)
			_exit(2);
		scribble(m, len, &seed, UINT64_MAX, &never);
		_exit(0);
	}
	return pid;
}

static void *wire_drain(void *arg)
{
	struct tpsim_sock *s = ((void **)arg)[0];
	_Atomic int *stop = ((void **)arg)[1];
	static char buf[65536];

	while (!atomic_load(stop))
		if (tpsim_wire_recv(s, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			usleep(100);
	while (tpsim_wire_recv(s, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	return NULL;
}

static int run(int version, bool tx, uint64_t packets, uint64_t seed)
{
	struct tpsim_create_opts o = { .sz = sizeof(o),
				       .wire_queue_len = 1u << 30 };
	struct tpacket_req3 q = { 4096, 8, 256, 128, 1, 0, 0 };
	struct scribbler sc[SCRIBBLERS];
	struct worker wk;
	pthread_t th[SCRIBBLERS], drain, wth;
	_Atomic int stop = 0;
	struct tpsim_sock *s;
	uint64_t delivered = 0, dropped = 0, sent = 0;
	uint8_t pkt[300];
	int ok = 1, err, st;
	pid_t child;
	void *darg[2];

	if (tpsim_create(&o, &s))
		return 0;
	if (version != TPACKET_V1)
		tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &version,
				 sizeof(version));
	if (tx && version == TPACKET_V3)
		q.tp_retire_blk_tov = 0;
	if (tx) {
		/* the scribblers break frames all the time: without LOSS the
		 * walk would stop at each one (T2) */
		int one = 1;

		tpsim_setsockopt(s, SOL_PACKET, PACKET_LOSS, &one, sizeof(one));
	}
	err = tpsim_setsockopt(s, SOL_PACKET, tx ? PACKET_TX_RING
						 : PACKET_RX_RING, &q,
			       version == TPACKET_V3 ? sizeof(q)
						     : sizeof(struct tpacket_req));
	if (err) {
		fprintf(stderr, "ring: %s\n", tpsim_strerror_detail(s));
		return 0;
	}
	for (int i = 0; i < SCRIBBLERS; i++) {
		sc[i] = (struct scribbler){ .len = RING_BYTES, .s = s,
					    .seed = seed + 77 * (uint64_t)i + 1,
					    .unmap_early = i == 0,
					    .stop = &stop };
		if (tpsim_mmap(s, NULL, RING_BYTES, PROT_READ | PROT_WRITE,
			       MAP_SHARED, 0, (void **)&sc[i].m))
			return 0;
		pthread_create(&th[i], NULL, scribbler_main, &sc[i]);
	}
	/* the worker has a view of its own: the threads race on the ring's
	 * bytes on purpose, through different mappings, as processes do */
	wk = (struct worker){ .version = version, .tx = tx,
			      .seed = seed * 31 + 7, .stop = &stop };
	if (tpsim_mmap(s, NULL, RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		       0, (void **)&wk.m))
		return 0;
	pthread_create(&wth, NULL, worker_main, &wk);
	child = scribble_child(tpsim_ring_fd_of(s, tx ? TPSIM_RING_TX
						      : TPSIM_RING_RX),
			       RING_BYTES, seed ^ 0xabcdef);
	memset(pkt, 0xff, 6);
	memcpy(pkt + 6, "\x02\x00\x00\x00\x00\x02\x08\x00", 8);
	if (tx) {
		darg[0] = s;
		darg[1] = &stop;
		pthread_create(&drain, NULL, wire_drain, darg);
		for (uint64_t i = 0; i < packets / 16; i++) {
			ssize_t r = tpsim_send(s, NULL, MSG_DONTWAIT);

			if (r > 0)
				sent += (uint64_t)r;
			if ((i & 15) == 15)
				sched_yield();	/* let the consumers work */
		}
	} else {
		/* runs of 32 packets, every other one as one batch
		 * (tpsim_deliver_batch), the rest one by one */
		for (uint64_t i = 0; i < packets; i += 32) {
			struct tpsim_packet p[32];
			const struct tpsim_packet *v[32];
			int res[32];
			uint32_t n = packets - i < 32 ? (uint32_t)(packets - i)
						      : 32;

			for (uint32_t k = 0; k < n; k++) {
				p[k] = (struct tpsim_packet){
					.sz = sizeof(p[k]), .data = pkt,
					.len = 60 + (uint32_t)((i + k) % 240) };
				v[k] = &p[k];
			}
			if ((i / 32) & 1) {
				if (tpsim_deliver_batch(s, v, n, res) !=
				    (int)n)
					ok = 0;
			} else {
				for (uint32_t k = 0; k < n; k++)
					res[k] = tpsim_deliver(s, v[k]);
			}
			for (uint32_t k = 0; k < n; k++) {
				delivered += res[k] == TPSIM_RX_DELIVERED;
				dropped += res[k] == TPSIM_RX_DROPPED;
				if (res[k] < 0 || res[k] == TPSIM_RX_IGNORED)
					ok = 0;
			}
			if ((i & 255) == 224)
				sched_yield();
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < SCRIBBLERS; i++)
		pthread_join(th[i], NULL);
	pthread_join(wth, NULL);
	kill(child, SIGKILL);
	waitpid(child, &st, 0);
	if (tx) {
		struct tpsim_wire_stats ws;

		pthread_join(drain, NULL);
		tpsim_wire_stats_get(s, &ws);
		printf("V%d TX: %llu send() calls, %llu bytes sent, %llu on "
		       "the wire, %llu frames\n", version + 1,
		       (unsigned long long)(packets / 16),
		       (unsigned long long)sent,
		       (unsigned long long)ws.bytes,
		       (unsigned long long)ws.packets);
		ok &= ws.bytes == sent && ws.drops == 0;
	} else {
		struct tpacket_stats_v3 stv = { 0 };
		socklen_t len = sizeof(stv);

		tpsim_getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &stv, &len);
		printf("V%d RX: %llu offered, %llu delivered, %llu dropped; "
		       "tp_packets %u, tp_drops %u\n", version + 1,
		       (unsigned long long)packets,
		       (unsigned long long)delivered,
		       (unsigned long long)dropped, stv.tp_packets,
		       stv.tp_drops);
		/* how many got through is the scheduler's business; that
		 * every packet is accounted for is the producer's */
		ok &= delivered + dropped == packets &&
		      stv.tp_packets == packets && stv.tp_drops == dropped;
	}
	tpsim_close(s);
	/* the views outlive the socket (M4); munmap(2) frees them */
	for (int i = 1; i < SCRIBBLERS; i++)
		munmap(sc[i].m, sc[i].len);
	munmap(wk.m, RING_BYTES);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t packets = 200000, seed = (uint64_t)time(NULL);
	int c, failed = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'n')
			packets = strtoull(optarg, NULL, 0);
		else if (c == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	if (!packets || packets > (1ull << 40)) {
		fprintf(stderr, "tpsim-stress: --packets out of range\n");
		return 2;
	}
	/* a hang is a failure too: an hour per 10^7 packets at the most */
	alarm((unsigned int)(60 + packets / 2000));
	printf("tpsim-stress: seed %llu, %llu packets per ring kind\n",
	       (unsigned long long)seed, (unsigned long long)packets);
	for (int v = TPACKET_V1; v <= TPACKET_V3; v++) {
		for (int tx = 0; tx < 2; tx++) {
			if (!run(v, tx, packets, seed + (uint64_t)v * 2 + tx)) {
				printf("FAILED: V%d %s\n", v + 1,
				       tx ? "TX" : "RX");
				failed = 1;
			}
		}
	}
	return failed;
}
