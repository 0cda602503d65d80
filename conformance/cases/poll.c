// SPDX-License-Identifier: MIT
/*
 * Description: poll (P1, P3): which frame decides POLLIN, POLLOUT, and the
 * check-status-then-poll race under a bounded two-thread stress.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tpc.h"

static char *ring4(struct tpc_t *t, struct tpc_sock **sp, uint8_t *pkt)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	*sp = s;
	if (!s)
		return NULL;
	tpc_eth(pkt, 60, tpc_bcast, 0x0800);
	return tpc_ring_map(t, s, 4096, 1, 1024);
}

static int pollin(struct tpc_t *t, struct tpc_sock *s)
{
	return t->ops->poll(s, POLLIN, 0);
}

static void readiness(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m = ring4(t, &s, pkt);

	REQUIRE(t, m);
	EXPECT_EQ(t, "poll on an empty ring", 0, pollin(t, s));
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	EXPECT_HEX(t, "poll after one packet", POLLIN, pollin(t, s));
	EXPECT_HEX(t, "poll(POLLIN|POLLRDNORM)", POLLIN | POLLRDNORM,
		   t->ops->poll(s, POLLIN | POLLRDNORM, 0));
	tpc_release(t, m);
	EXPECT_EQ(t, "poll after the frame is returned", 0, pollin(t, s));
}

static void previous_frame_rule(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m = ring4(t, &s, pkt);

	REQUIRE(t, m);
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	/* frame 0 is still USER, but frame 1 (before the head) is
	 * returned: only frame 1 is looked at */
	tpc_release(t, m + 1024);
	EXPECT_EQ(t, "poll with frame 0 USER, frame 1 returned", 0,
		  pollin(t, s));
	tpc_release(t, m);
	/* and the other way round: frame 1 kept, frame 0 returned */
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	tpc_release(t, m + 2048);
	EXPECT_EQ(t, "poll with frame 3 USER, frame 2 returned", POLLIN,
		  pollin(t, s));
}

static void full_ring(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m = ring4(t, &s, pkt);

	REQUIRE(t, m);
	for (int i = 0; i < 6; i++)
		REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	EXPECT_EQ(t, "poll on a full ring", POLLIN, pollin(t, s));
	for (int i = 0; i < 4; i++)
		tpc_release(t, m + i * 1024);
	EXPECT_EQ(t, "poll with every frame returned", 0, pollin(t, s));
	REQUIRE(t, !tpc_inject(t, s, pkt, 60));
	EXPECT_EQ(t, "poll after one more packet", POLLIN, pollin(t, s));
}

static void pollout_always(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m = ring4(t, &s, pkt);

	REQUIRE(t, m);
	EXPECT_HEX(t, "poll(POLLIN|POLLOUT) on an idle socket", POLLOUT,
		   t->ops->poll(s, POLLIN | POLLOUT, 0));
	EXPECT_HEX(t, "poll(POLLOUT|POLLWRNORM)", POLLOUT | POLLWRNORM,
		   t->ops->poll(s, POLLOUT | POLLWRNORM, 0));
}

static void poll_times_out(struct tpc_t *t)
{
	struct tpc_sock *s;
	uint8_t pkt[60];
	char *m = ring4(t, &s, pkt);

	REQUIRE(t, m);
	EXPECT_EQ(t, "poll(POLLIN, 20 ms) on an empty ring", 0,
		  t->ops->poll(s, POLLIN, 20));
}

struct race {
	struct tpc_t *t;
	struct tpc_sock *s;
	const uint8_t *pkt;
	unsigned int n;
	unsigned int seed;
	_Atomic unsigned int armed;	/* i + 1: consumer is about to poll */
	_Atomic int stop;
	int inject_err;
};

static void *race_producer(void *arg)
{
	struct race *r = arg;
	struct tpc_inject p = { .data = r->pkt, .len = 60 };
	unsigned int x = r->seed | 1;

	for (unsigned int i = 0; i < r->n; i++) {
		while (atomic_load_explicit(&r->armed, memory_order_acquire) !=
		       i + 1) {
			if (atomic_load(&r->stop))
				return NULL;
			sched_yield();
		}
		/* a few spins of random length: land before, inside and
		 * after the consumer's poll call */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		for (volatile unsigned int k = x % 2048; k; k--)
			;
		int err = r->t->ops->inject(r->t->bctx, r->s, &p);

		if (err) {
			r->inject_err = err;
			return NULL;
		}
	}
	return NULL;
}

static void race(struct tpc_t *t, unsigned int n)
{
	struct race r = { .t = t, .n = n, .seed = t->seed };
	uint8_t pkt[60];
	pthread_t th;
	char *m = ring4(t, &r.s, pkt);

	REQUIRE(t, m);
	r.pkt = pkt;
	if (pthread_create(&th, NULL, race_producer, &r)) {
		tpc_fail(t, __LINE__, "pthread_create failed");
		return;
	}
	for (unsigned int i = 0; i < n && !t->failed; i++) {
		char *f = m + (i % 4) * 1024;
		int rv;

		if (tpc_status(t, f) != 0) {
			tpc_fail(t, __LINE__, "iteration %u: frame not KERNEL "
				 "before the packet", i);
			break;
		}
		atomic_store_explicit(&r.armed, i + 1, memory_order_release);
		rv = t->ops->poll(r.s, POLLIN, 5000);
		if (rv <= 0) {
			tpc_fail(t, __LINE__, "iteration %u: poll returned %d "
				 "with frame status 0x%lx: %s", i, rv,
				 tpc_status(t, f),
				 tpc_status(t, f) ? "lost wake-up"
						  : "no packet in 5 s");
			break;
		}
		/* POLLIN says the frame before the head is ours: this one */
		if (!(tpc_status(t, f) & TP_STATUS_USER)) {
			tpc_fail(t, __LINE__, "iteration %u: POLLIN but frame "
				 "status 0x%lx", i, tpc_status(t, f));
			break;
		}
		tpc_release(t, f);
	}
	atomic_store(&r.stop, 1);
	pthread_join(th, NULL);
	if (r.inject_err)
		tpc_fail(t, __LINE__, "inject: %s", tpc_errname(r.inject_err));
}

static void race_stress(struct tpc_t *t)
{
	/* 10^5 rounds on the simulator, 10^4 through a TAP device */
	race(t, strcmp(t->backend, "kernel") ? 100000 : 10000);
}

const struct tpc_case tpc_cases_poll[] = {
	{ "poll.readiness", "P1", TPC_V12, .fn = readiness },
	{ "poll.previous_frame_rule", "P1", TPC_V12,
	  .fn = previous_frame_rule },
	{ "poll.full_ring", "P1", TPC_V12, .fn = full_ring },
	{ "poll.pollout_always", "P1", TPC_V2, .fn = pollout_always },
	{ "poll.times_out", "P1", TPC_V2, .fn = poll_times_out },
	{ "poll.race_stress", "P3 R11", TPC_V12, .timeout_s = 120,
	  .fn = race_stress, .needs = TPC_CAP_INJECT },	/* not via tpc_inject */
	{ NULL },
};
