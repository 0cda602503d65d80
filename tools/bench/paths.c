// SPDX-License-Identifier: MIT
/*
 * The three producers the benchmark compares, each feeding the same
 * consumer thread, which returns frames (V2) or blocks (V3) as a real
 * consumer does and waits through its producer's own mechanism when the
 * ring is empty:
 *  - sim: libtpsim's tpsim_deliver, the consumer waiting in tpsim_poll;
 *  - baseline: the smallest correct single-producer ring with the same V2
 *    frames, status handshake, ordering and futex wake-up: the ceiling
 *    (batched, it publishes as tpsim_deliver_batch does: the statuses
 *    at the batch's end, in frame order);
 *  - kernel: a real PACKET_RX_RING fed by writes to a TAP device.
 * The sim and baseline producers wait when the ring is full (a benchmark
 * of the ring, not of dropping); the kernel's cannot, so it is measured by
 * what its consumer received.
 */
#include <errno.h>
#include <linux/if_ether.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BLOCK_SIZE 65536u
#define BLOCK_NR 64u
#define FRAME_SIZE 2048u
#define FRAME_NR (BLOCK_NR * (BLOCK_SIZE / FRAME_SIZE))

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t bench_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long size = 0, res = 0;

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* How long a consumer or a producer spins on a status word before it
 * sleeps (consumer) or yields (producer): a busy-polling consumer, as
 * high-rate capture code is, so that the producer is what is measured. */
#define SPINS 2000

/* The producer on CPU 0, the consumer on CPU 1: the figure is then the
 * handoff between two cores, not where the scheduler put the threads.
 * Nothing when the machine has one CPU. */
static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void unpin(void)
{
	cpu_set_t set;
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	for (long i = 0; i < n && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Each side's state on cache lines of its own: the producer's and the
 * consumer's writes must not share one (false sharing would be measured). */
struct consumer {
	_Alignas(64) char *ring;
	int version;
	/* returns when maybe ready, or in 100 ms */
	int (*wait)(struct consumer *c);
	void *arg;
	struct tpsim_wake *wake;	/* sim V2: the ring's wake page */
	_Atomic uint64_t consumed;
	_Atomic int stop;
	uint64_t target;	/* stop on its own at this count (0: never) */
	uint32_t idx;		/* the frame it waits for */
	uint32_t spins;		/* status checks before it waits */
	double last;		/* when the last packet was read */
	uint64_t sum;		/* of bytes read, so reads are not elided */
	char pad[64];
};

/* The count and the time of the last packet are published only when the
 * consumer is about to wait and when it is done: a clock read or a locked
 * add per packet would make the consumer, not the producer, the limit. */
static void publish(struct consumer *c, uint64_t n)
{
	c->last = bench_now();
	atomic_store(&c->consumed, n);
}

static void *consume_v2(void *arg)
{
	struct consumer *c = arg;
	uint32_t idx = 0, fpb = BLOCK_SIZE / FRAME_SIZE, spin = 0;
	uint64_t n = 0, published = 0, sum = 0;

	pin(1);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		struct tpacket2_hdr *h = (void *)(c->ring +
			(size_t)(idx / fpb) * BLOCK_SIZE +
			(size_t)(idx % fpb) * FRAME_SIZE);

		if (!(tpsim_load_acquire(&h->tp_status) & TP_STATUS_USER)) {
			if (spin < c->spins) {
				spin++;
				cpu_relax();
				continue;
			}
			spin = 0;
			if (n != published)
				publish(c, published = n);
			c->idx = idx;
			c->wait(c);
			continue;
		}
		spin = 0;
		sum += h->tp_len + ((uint8_t *)h)[h->tp_mac];
		tpsim_store_release(&h->tp_status, (uint32_t)TP_STATUS_KERNEL);
		idx = idx + 1 == FRAME_NR ? 0 : idx + 1;
		if (++n == c->target)
			break;
	}
	c->sum = sum;
	publish(c, n);
	return NULL;
}

static void *consume_v3(void *arg)
{
	struct consumer *c = arg;
	uint32_t blk = 0, spin = 0;
	uint64_t n = 0, published = 0, sum = 0;

	pin(1);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		struct tpacket_block_desc *b =
			(void *)(c->ring + (size_t)blk * BLOCK_SIZE);
		uint32_t k, off;

		if (!(tpsim_load_acquire(&b->hdr.bh1.block_status) &
		      TP_STATUS_USER)) {
			if (spin < c->spins) {
				spin++;
				cpu_relax();
				continue;
			}
			spin = 0;
			if (n != published)
				publish(c, published = n);
			c->wait(c);
			continue;
		}
		spin = 0;
		k = b->hdr.bh1.num_pkts;
		off = b->hdr.bh1.offset_to_first_pkt;
		for (uint32_t i = 0; i < k; i++) {
			struct tpacket3_hdr *h = (void *)((char *)b + off);

			sum += h->tp_len + ((uint8_t *)h)[h->tp_mac];
			off += h->tp_next_offset;
		}
		tpsim_store_release(&b->hdr.bh1.block_status,
				    (uint32_t)TP_STATUS_KERNEL);
		blk = blk + 1 == BLOCK_NR ? 0 : blk + 1;
		n += k;
		if (c->target && n >= c->target)
			break;
	}
	c->sum = sum;
	publish(c, n);
	return NULL;
}

void bench_frame(uint8_t *f, uint32_t len)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x02\x88\xb5", 8);
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)i;
}

/* ---- sim ---- */

static char *frame_of(char *ring, uint32_t idx)
{
	uint32_t fpb = BLOCK_SIZE / FRAME_SIZE;

	return ring + (size_t)(idx / fpb) * BLOCK_SIZE +
	       (size_t)(idx % fpb) * FRAME_SIZE;
}

static int sim_wait(struct consumer *c)
{
	return tpsim_poll(c->arg, POLLIN, 100);
}

static int base_ready(void *arg);

/* V2: on the ring's wake page for the frame it waits for, as a consumer
 * in another process does and as the bare ring's consumer does, so the
 * two consumers are the same code (tpsim_poll would take the socket lock
 * the producer holds while it fills a batch) */
static int sim_wait_page(struct consumer *c)
{
	return tpsim_wait(c->wake, base_ready, c, 100);
}

/* Deliver v[0..n) (all the same packet), retrying what a full ring
 * drops: a benchmark of the ring, not of dropping. */
static void sim_produce(struct tpsim_sock *s,
			const struct tpsim_packet *const *v, uint32_t n)
{
	int res[64];

	while (n) {
		uint32_t done = 0;

		if (n == 1) {
			done = tpsim_deliver(s, v[0]) == TPSIM_RX_DELIVERED;
		} else {
			tpsim_deliver_batch(s, v, n, res);
			for (uint32_t i = 0; i < n; i++)
				done += res[i] == TPSIM_RX_DELIVERED;
		}
		if (!done) {
			for (int k = 0; k < SPINS; k++)
				cpu_relax();
			sched_yield();
		}
		n -= done;
	}
}

double bench_sim(int version, uint32_t len, uint64_t n, uint32_t batch)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpacket_req3 q = { .tp_block_size = BLOCK_SIZE,
				  .tp_block_nr = BLOCK_NR,
				  .tp_frame_size = FRAME_SIZE,
				  .tp_frame_nr = FRAME_NR,
				  .tp_retire_blk_tov = 1 };
	struct consumer c = { .version = version, .target = n,
			      .spins = SPINS };
	static uint8_t f[1514];
	struct tpsim_packet p = { .sz = sizeof(p), .data = f, .len = len };
	const struct tpsim_packet *v[64];
	struct tpsim_sock *s;
	pthread_t th;
	double t0;
	void *m, *wp = NULL;

	if (batch < 1 || batch > 64)
		return -EINVAL;
	bench_frame(f, len);
	for (int i = 0; i < 64; i++)
		v[i] = &p;
	if (tpsim_create(&o, &s) ||
	    tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &version,
			     sizeof(version)) ||
	    tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
			     version == TPACKET_V3 ? sizeof(q)
						   : sizeof(struct tpacket_req)) ||
	    tpsim_mmap(s, NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		       PROT_READ | PROT_WRITE, MAP_SHARED, 0, &m))
		return -EINVAL;
	c.ring = m;
	c.wait = sim_wait;
	c.arg = s;
	if (version == TPACKET_V2) {
		struct tpsim_ring_view rv;

		tpsim_ring_view_get(s, &rv);
		wp = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE),
			  PROT_READ | PROT_WRITE, MAP_SHARED, tpsim_ring_fd(s),
			  (off_t)rv.wake_offset);
		if (wp == MAP_FAILED)
			return -ENOMEM;
		c.wake = wp;
		c.wait = sim_wait_page;
	}
	pin(0);
	t0 = bench_now();
	pthread_create(&th, NULL, version == TPACKET_V3 ? consume_v3
							 : consume_v2, &c);
	for (uint64_t i = 0; i < n; i += batch) {
		uint32_t k = n - i < batch ? (uint32_t)(n - i) : batch;

		/* V2: wait, as the bare ring does frame by frame, until the
		 * last frame this batch fills is free (the consumer returns
		 * them in order), so that nothing is dropped and retried */
		if (version == TPACKET_V2) {
			struct tpacket2_hdr *h = (void *)frame_of(
				c.ring, (uint32_t)((i + k - 1) % FRAME_NR));

			for (int w = 0; tpsim_load_acquire(&h->tp_status) !=
					TP_STATUS_KERNEL; w++)
				w < SPINS ? cpu_relax() : (void)sched_yield();
		}
		sim_produce(s, v, k);
	}
	pthread_join(th, NULL);
	unpin();
	if (wp)
		munmap(wp, (size_t)sysconf(_SC_PAGESIZE));
	tpsim_munmap(s, m, (size_t)BLOCK_SIZE * BLOCK_NR);
	tpsim_close(s);
	return (double)n / (c.last - t0);
}

/* ---- baseline: the same frames and handshake, nothing else ---- */

struct base {
	_Alignas(64) char *ring;
	uint32_t head;
	_Alignas(64) struct tpsim_wake wake;	/* shared: the handshake */
	char pad[64];
};

/* ready: the frame the consumer waits for is the user's */
static int base_ready(void *arg)
{
	struct consumer *c = arg;
	uint32_t fpb = BLOCK_SIZE / FRAME_SIZE;
	struct tpacket2_hdr *h = (void *)(c->ring +
		(size_t)(c->idx / fpb) * BLOCK_SIZE +
		(size_t)(c->idx % fpb) * FRAME_SIZE);

	return atomic_load(&c->stop) ||
	       tpsim_load_acquire(&h->tp_status) != TP_STATUS_KERNEL;
}

static int base_wait(struct consumer *c)
{
	struct base *b = c->arg;

	return tpsim_wait(&b->wake, base_ready, c, 100);
}

double bench_baseline(uint32_t len, uint64_t n, uint32_t batch)
{
	static uint8_t f[1514];
	struct base b = { 0 };
	struct consumer c = { .version = TPACKET_V2, .target = n,
			      .spins = SPINS };
	uint32_t fpb = BLOCK_SIZE / FRAME_SIZE;
	struct tpacket2_hdr *pend[64];
	struct timespec ts = { 0 };
	uint32_t npend = 0;
	pthread_t th;
	double t0;

	if (batch < 1 || batch > 64)
		return -EINVAL;
	bench_frame(f, len);
	b.ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (b.ring == MAP_FAILED)
		return -ENOMEM;
	c.ring = b.ring;
	c.wait = base_wait;
	c.arg = &b;
	pin(0);
	t0 = bench_now();
	pthread_create(&th, NULL, consume_v2, &c);
	for (uint64_t i = 0; i < n; i++) {
		struct tpacket2_hdr *h = (void *)(b.ring +
			(size_t)(b.head / fpb) * BLOCK_SIZE +
			(size_t)(b.head % fpb) * FRAME_SIZE);
		struct sockaddr_ll *sll = (void *)((char *)h + 32);

		for (int k = 0;
		     tpsim_load_acquire(&h->tp_status) != TP_STATUS_KERNEL; k++)
			k < SPINS ? cpu_relax() : (void)sched_yield();
		if (i % batch == 0)
			clock_gettime(CLOCK_REALTIME, &ts);
		memcpy((char *)h + 66, f, len);
		h->tp_len = h->tp_snaplen = len;
		h->tp_mac = 66;
		h->tp_net = 80;
		h->tp_sec = (uint32_t)ts.tv_sec;
		h->tp_nsec = (uint32_t)ts.tv_nsec;
		sll->sll_family = AF_PACKET;
		sll->sll_protocol = 0xb588;
		sll->sll_halen = 6;
		memcpy(sll->sll_addr, f + 6, 6);
		/* batched, as tpsim_deliver_batch: the statuses at the end of
		 * the batch, in frame order (a consumer waiting at the head
		 * frame is not polling each frame while it is written) */
		pend[npend++] = h;
		if (i % batch == batch - 1 || i + 1 == n) {
			for (uint32_t j = 0; j < npend; j++)
				tpsim_store_release(&pend[j]->tp_status,
						    (uint32_t)TP_STATUS_USER);
			npend = 0;
		}
		/* the wake-up: store, full fence, look for sleepers; per
		 * packet, or at the end of each batch */
		if (i % batch == batch - 1 || i + 1 == n) {
			tpsim_smp_mb();
			if (atomic_load_explicit(&b.wake.sleepers,
						 memory_order_relaxed)) {
				atomic_fetch_add(&b.wake.seq, 1);
				syscall(SYS_futex, &b.wake.seq, FUTEX_WAKE, 1,
					NULL, NULL, 0);
			}
		}
		b.head = b.head + 1 == FRAME_NR ? 0 : b.head + 1;
	}
	pthread_join(th, NULL);
	unpin();
	munmap(b.ring, (size_t)BLOCK_SIZE * BLOCK_NR);
	return (double)n / (c.last - t0);
}

/* ---- kernel ---- */

static int kern_wait(struct consumer *c)
{
	return tpc_backend_kernel.poll(c->arg, POLLIN, 100);
}

double bench_kernel(void *kctx, int version, uint32_t len, uint64_t n)
{
	const struct tpc_backend_ops *k = &tpc_backend_kernel;
	struct tpacket_req3 q = { .tp_block_size = BLOCK_SIZE,
				  .tp_block_nr = BLOCK_NR,
				  .tp_frame_size = FRAME_SIZE,
				  .tp_frame_nr = FRAME_NR,
				  .tp_retire_blk_tov = 1 };
	/* no spinning here: on two CPUs it takes the time the kernel needs
	 * to process the TAP's packets (it cut the rate fourfold) */
	struct consumer c = { .version = version, .spins = 0 };
	static uint8_t f[1514];
	struct tpc_inject inj = { .data = f, .len = len };
	struct tpc_sock *s;
	uint64_t seen;
	pthread_t th;
	double t0;
	void *m;

	if (!kctx)
		return -ENOSYS;
	bench_frame(f, len);
	if (k->socket(kctx, SOCK_RAW, ETH_P_ALL, &s))
		return -EINVAL;
	if (k->setsockopt(s, SOL_PACKET, PACKET_VERSION, &version,
			  sizeof(version)) ||
	    k->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q,
			  version == TPACKET_V3 ? sizeof(q)
						: sizeof(struct tpacket_req)) ||
	    k->mmap(s, (size_t)BLOCK_SIZE * BLOCK_NR, 0, &m)) {
		k->sock_close(s);
		return -EINVAL;
	}
	c.ring = m;
	c.wait = kern_wait;
	c.arg = s;
	t0 = bench_now();
	c.last = t0;
	pthread_create(&th, NULL, version == TPACKET_V3 ? consume_v3
							 : consume_v2, &c);
	for (uint64_t i = 0; i < n; i++)
		k->inject(kctx, s, &inj);
	/* no backpressure here: wait until nothing more arrives */
	do {
		seen = atomic_load(&c.consumed);
		usleep(50000);
	} while (atomic_load(&c.consumed) != seen);
	atomic_store(&c.stop, 1);
	pthread_join(th, NULL);
	k->munmap(s, m, (size_t)BLOCK_SIZE * BLOCK_NR);
	k->sock_close(s);
	return seen ? (double)seen / (c.last - t0) : -EIO;
}

/* ---- setup of a 1 GiB ring ---- */

static void touch(char *m, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	for (size_t off = 0; off < len / 100; off += page)
		m[off] = 1;
}

struct setup_cost bench_setup_sim(void)
{
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpacket_req q = { 4u << 20, 256, FRAME_SIZE,
				 256 * ((4u << 20) / FRAME_SIZE) };
	struct setup_cost r = { 0 };
	struct tpsim_sock *s;
	uint64_t rss0 = bench_rss();
	int v2 = TPACKET_V2;
	double t0 = bench_now();
	void *m;

	if (tpsim_create(&o, &s))
		return r;
	if (!tpsim_setsockopt(s, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) &&
	    !tpsim_setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q, sizeof(q)) &&
	    !tpsim_mmap(s, NULL, 1u << 30, PROT_READ | PROT_WRITE, MAP_SHARED,
			0, &m)) {
		r.seconds = bench_now() - t0;
		r.rss_mapped = bench_rss() - rss0;
		touch(m, 1u << 30);
		r.rss_touched = bench_rss() - rss0;
		r.ok = true;
		tpsim_munmap(s, m, 1u << 30);
	}
	tpsim_close(s);
	return r;
}

struct setup_cost bench_setup_kernel(void *kctx)
{
	const struct tpc_backend_ops *k = &tpc_backend_kernel;
	struct tpacket_req q = { 4u << 20, 256, FRAME_SIZE,
				 256 * ((4u << 20) / FRAME_SIZE) };
	struct setup_cost r = { 0 };
	struct tpc_sock *s;
	uint64_t rss0 = bench_rss();
	int v2 = TPACKET_V2;
	double t0;
	void *m;

	if (!kctx || k->socket(kctx, SOCK_RAW, 0, &s))
		return r;
	t0 = bench_now();
	if (!k->setsockopt(s, SOL_PACKET, PACKET_VERSION, &v2, sizeof(v2)) &&
	    !k->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &q, sizeof(q)) &&
	    !k->mmap(s, 1u << 30, 0, &m)) {
		r.seconds = bench_now() - t0;
		r.rss_mapped = bench_rss() - rss0;
		touch(m, 1u << 30);
		r.rss_touched = bench_rss() - rss0;
		r.ok = true;
		k->munmap(s, m, 1u << 30);
	}
	k->sock_close(s);
	return r;
}
