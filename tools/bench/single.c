// SPDX-License-Identifier: MIT
/*
 * The producer's cost per packet with no second thread: deliver a packet,
 * then hand its frame (or its block, V3) back, in one loop. Measured in
 * nanoseconds and, deterministic on a machine shared with others, in
 * instructions: the loop runs under valgrind's callgrind, which counts
 * only inside st_loop() (--toggle-collect). Under valgrind the clock read
 * is a system call whose kernel side is not counted, for sim and the
 * bare ring alike.
 *
 * The bare ring does what any correct producer of the same V2 frames
 * must per packet: look at the frame's status, read the clock, copy,
 * write the header and sockaddr_ll, release the status, then the full
 * fence and the look for sleepers (P3). Its batched form reads the clock
 * and fences once per 64 packets, as tpsim_deliver_batch does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BLOCK_SIZE 65536u
#define BLOCK_NR 64u
#define FRAME_SIZE 2048u
#define FRAME_NR (BLOCK_NR * (BLOCK_SIZE / FRAME_SIZE))
#define BATCH 64u

const char *const st_names[ST_NPATHS] = {
	"sim V1", "sim V2", "sim V3", "sim V2 batch", "bare V2",
	"bare V2 batch",
};
const char *const st_keys[ST_NPATHS] = {
	"sim_v1", "sim_v2", "sim_v3", "sim_v2_batch", "bare_v2",
	"bare_v2_batch",
};

struct st_ctx {
	enum st_path path;
	struct tpsim_sock *s;
	char *ring;
	uint32_t len;
	const uint8_t *f;
	struct tpsim_packet p;
	const struct tpsim_packet *v[BATCH];
	uint32_t cidx;		/* consumer: next frame or block */
	uint32_t head;		/* bare producer */
	struct tpsim_wake wake;	/* bare: nobody sleeps here */
};

static char *frame(char *ring, uint32_t i)
{
	uint32_t fpb = BLOCK_SIZE / FRAME_SIZE;

	return ring + (size_t)(i / fpb) * BLOCK_SIZE +
	       (size_t)(i % fpb) * FRAME_SIZE;
}

static void release_frames(struct st_ctx *c, int version, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		tpsim_frame_release(frame(c->ring, c->cidx), version);
		c->cidx = c->cidx + 1 == FRAME_NR ? 0 : c->cidx + 1;
	}
}

static void release_blocks(struct st_ctx *c)
{
	struct tpacket_block_desc *b =
		(void *)(c->ring + (size_t)c->cidx * BLOCK_SIZE);

	if (tpsim_block_status(b) & TP_STATUS_USER) {
		tpsim_block_release(b);
		c->cidx = c->cidx + 1 == BLOCK_NR ? 0 : c->cidx + 1;
	}
}

/* n packets of the bare ring, fencing and reading the clock every
 * `every` packets */
static void bare(struct st_ctx *c, uint32_t n, uint32_t every)
{
	struct timespec ts = { 0 };

	for (uint32_t i = 0; i < n; i++) {
		struct tpacket2_hdr *h = (void *)frame(c->ring, c->head);
		struct sockaddr_ll *sll = (void *)((char *)h + 32);

		if (tpsim_load_acquire(&h->tp_status) != TP_STATUS_KERNEL)
			abort();	/* one thread: it was just released */
		if (i % every == 0)
			clock_gettime(CLOCK_REALTIME, &ts);
		memcpy((char *)h + 66, c->f, c->len);
		h->tp_len = h->tp_snaplen = c->len;
		h->tp_mac = 66;
		h->tp_net = 80;
		h->tp_sec = (uint32_t)ts.tv_sec;
		h->tp_nsec = (uint32_t)ts.tv_nsec;
		sll->sll_family = AF_PACKET;
		sll->sll_protocol = 0xb588;
		sll->sll_halen = 6;
		memcpy(sll->sll_addr, c->f + 6, 6);
		tpsim_store_release(&h->tp_status, (uint32_t)TP_STATUS_USER);
		if (i % every == every - 1 || i + 1 == n) {
			tpsim_smp_mb();
			if (atomic_load_explicit(&c->wake.sleepers,
						 memory_order_relaxed))
				abort();
		}
		c->head = c->head + 1 == FRAME_NR ? 0 : c->head + 1;
	}
}

/* The measured loop: n packets (a multiple of BATCH). noinline: callgrind
 * counts inside it, by name. */
__attribute__((noinline)) void st_loop(struct st_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i += BATCH) {
		switch (c->path) {
		case ST_SIM_V1:
		case ST_SIM_V2:
			for (uint32_t k = 0; k < BATCH; k++) {
				int v = c->path == ST_SIM_V1 ? TPACKET_V1
							     : TPACKET_V2;

				tpsim_deliver(c->s, &c->p);
				release_frames(c, v, 1);
			}
			break;
		case ST_SIM_V3:
			for (uint32_t k = 0; k < BATCH; k++) {
				tpsim_deliver(c->s, &c->p);
				release_blocks(c);
			}
			break;
		case ST_SIM_V2_BATCH:
			tpsim_deliver_batch(c->s, c->v, BATCH, NULL);
			release_frames(c, TPACKET_V2, BATCH);
			break;
		case ST_BARE_V2:
			for (uint32_t k = 0; k < BATCH; k++) {
				bare(c, 1, 1);
				release_frames(c, TPACKET_V2, 1);
			}
			break;
		default:
			bare(c, BATCH, BATCH);
			release_frames(c, TPACKET_V2, BATCH);
			break;
		}
	}
}

static int st_setup(struct st_ctx *c, enum st_path path, uint32_t len)
{
	static uint8_t f[1514];
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpacket_req3 q = { .tp_block_size = BLOCK_SIZE,
				  .tp_block_nr = BLOCK_NR,
				  .tp_frame_size = FRAME_SIZE,
				  .tp_frame_nr = FRAME_NR,
				  .tp_retire_blk_tov = 1 };
	int version = path == ST_SIM_V1   ? TPACKET_V1
		      : path == ST_SIM_V3 ? TPACKET_V3
					  : TPACKET_V2;
	void *m;

	memset(c, 0, sizeof(*c));
	bench_frame(f, len);
	c->path = path;
	c->len = len;
	c->f = f;
	c->p = (struct tpsim_packet){ .sz = sizeof(c->p), .data = f,
				      .len = len };
	for (uint32_t i = 0; i < BATCH; i++)
		c->v[i] = &c->p;
	if (path >= ST_BARE_V2) {
		c->ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
			       PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		return c->ring == MAP_FAILED ? -ENOMEM : 0;
	}
	if (tpsim_create(&o, &c->s))
		return -ENOMEM;
	if ((version != TPACKET_V1 &&
	     tpsim_setsockopt(c->s, SOL_PACKET, PACKET_VERSION, &version,
			      sizeof(version))) ||
	    tpsim_setsockopt(c->s, SOL_PACKET, PACKET_RX_RING, &q,
			     version == TPACKET_V3
				     ? sizeof(q)
				     : sizeof(struct tpacket_req)) ||
	    tpsim_mmap(c->s, NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		       PROT_READ | PROT_WRITE, MAP_SHARED, 0, &m)) {
		tpsim_close(c->s);
		return -EINVAL;
	}
	c->ring = m;
	return 0;
}

static void st_teardown(struct st_ctx *c)
{
	if (c->s) {
		tpsim_munmap(c->s, c->ring, (size_t)BLOCK_SIZE * BLOCK_NR);
		tpsim_close(c->s);
	} else {
		munmap(c->ring, (size_t)BLOCK_SIZE * BLOCK_NR);
	}
}

double bench_st_ns(enum st_path path, uint32_t len, uint64_t n)
{
	struct st_ctx c;
	double t0, t;

	n -= n % BATCH;
	if (st_setup(&c, path, len))
		return -1;
	st_loop(&c, 2 * FRAME_NR);	/* warm: every frame touched */
	t0 = bench_now();
	st_loop(&c, n);
	t = bench_now() - t0;
	st_teardown(&c);
	return t * 1e9 / (double)n;
}

/* The child's side: what `tpsim-bench --st PATH LEN N` runs under
 * callgrind. */
int bench_st_child(enum st_path path, uint32_t len, uint64_t n)
{
	struct st_ctx c;

	if (st_setup(&c, path, len))
		return 1;
	st_loop(&c, n);
	st_teardown(&c);
	return 0;
}

/* Instructions per packet: the same loop run twice as long under
 * callgrind; the difference divided by the extra packets leaves out the
 * first lap's page faults and cold paths. -1 when valgrind cannot run. */
static double collected(const char *self, enum st_path path, uint32_t len,
			uint64_t n)
{
	char cmd[1024], line[256];
	double v = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "valgrind --tool=callgrind "
		 "--toggle-collect=st_loop --callgrind-out-file=/dev/null "
		 "%s --st %d %u %llu 2>&1", self, (int)path, len,
		 (unsigned long long)n);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		const char *at = strstr(line, "Collected : ");

		if (at)
			v = strtod(at + 12, NULL);
	}
	if (pclose(p) != 0)
		return -1;
	return v;
}

double bench_st_instructions(const char *self, enum st_path path,
			     uint32_t len)
{
	const uint64_t n = 8 * FRAME_NR;	/* 16384 packets */
	double a = collected(self, path, len, n);
	double b = collected(self, path, len, 2 * n);

	if (a < 0 || b < 0)
		return -1;
	return (b - a) / (double)n;
}
