// SPDX-License-Identifier: MIT
/*
 * The producer thread of `tpsim run`: the input played into the device at
 * the chosen pace, through the scenarios; every delivery accounted per
 * socket and shown to the oracle and the checker; at the end of input the
 * V3 blocks retired on the virtual clock, the rings drained (lossless),
 * then the --end action. Frames the program sends are taken off the wire
 * all along.
 *
 * Lossless: before each packet the producer asks tpsim_rx_room of every
 * socket with a ring; it reads only the producer's state and the status
 * words the consumer writes back, never anything else of the ring.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* A lossless producer gives up waiting for a consumer that returns no
 * frame for this long: it delivers (the ring drops) and says so. */
#define STALL_NS (10 * 1000000000LL)
/* Rings drained at the end of input: waited for at most this long. */
#define DRAIN_NS (10 * 1000000000LL)
/* The checker looks at the status words every this many packets. */
#define SCAN_EVERY 64

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* Sleep ns with the lock let go (the program's calls go on meanwhile);
 * false when told to stop. */
static bool nap(struct tpr_run *r, int64_t ns)
{
	struct timespec d;

	if (r->stop)
		return false;
	if (ns <= 0)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &d);	/* the cond's clock (run.c) */
	d.tv_sec += ns / 1000000000;
	d.tv_nsec += ns % 1000000000;
	if (d.tv_nsec >= 1000000000) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&r->cond, &r->lock, &d);
	return !r->stop;
}

static bool has_ring(struct tpr_sockent *e)
{
	struct tpsim_ring_view v;

	return tpsim_ring_view_get(e->s, &v) == 0;
}

/* Every socket with a ring has room for len bytes. */
static bool room_everywhere(struct tpr_run *r, uint32_t len)
{
	for (int i = 0; i < r->nsocks; i++) {
		struct tpr_sockent *e = &r->socks[i];

		if (!e->closed && has_ring(e) && tpsim_rx_room(e->s, len) == 0)
			return false;
	}
	return true;
}

static void wait_room(struct tpr_run *r, uint32_t len)
{
	int64_t start = mono_ns(), nap_ns = 20000;

	while (!room_everywhere(r, len)) {
		if (mono_ns() - start > STALL_NS) {
			tpr__finding(r, "C1", 0, 0, false, "lossless: no ring "
				     "room for %lld s, the consumer returns "
				     "nothing: delivering anyway",
				     (long long)(STALL_NS / 1000000000));
			return;
		}
		if (!nap(r, nap_ns))
			return;
		if (nap_ns < 1000000)
			nap_ns *= 2;
	}
}

static void clock_forward(struct tpsim_sock *s, const struct timespec *to)
{
	struct timespec now;

	if (!tpsim_clock_now(s, &now) && ts_ns(to) > ts_ns(&now))
		tpsim_clock_set(s, to);
}

int tpr__deliver(struct tpr_run *r, struct tpsim_packet *p, bool lossless)
{
	struct tpsim_dev_result res[TPR_MAX_SOCKS];
	struct tpsim_rx_info in = { .sz = sizeof(in) };
	int n;

	/* time passes up to the packet's arrival first: the retire timer
	 * may close a block on the way (and find the next one the user's),
	 * and the room asked for is the room left after that */
	if (p->flags & TPSIM_PKT_CLOCK)
		for (int i = 0; i < r->nsocks; i++)
			if (!r->socks[i].closed)
				clock_forward(r->socks[i].s, &p->clock_at);
	if (lossless)
		wait_room(r, p->len);
	if (r->stop)
		return -ECANCELED;
	r->offered++;
	r->now = p->clock_at;
	for (int i = 0; i < r->nsocks; i++)
		r->socks[i].offered += !r->socks[i].closed;
	n = tpsim_dev_deliver(r->dev, p, 0, 0, res, TPR_MAX_SOCKS);
	if (n == -ENETDOWN) {
		r->link_down_lost++;
		for (int i = 0; i < r->nsocks; i++)
			r->socks[i].link_down += !r->socks[i].closed;
		return n;
	}
	for (int i = 0; i < n && i < TPR_MAX_SOCKS; i++) {
		struct tpr_sockent *e = tpr__sock_find(r, res[i].sock);

		if (!e)
			continue;
		switch (res[i].result) {
		case TPSIM_RX_DELIVERED:
			e->delivered++;
			if (tpsim_rx_last(e->s, &in) || in.seq == e->last_seq)
				break;
			e->last_seq = in.seq;
			if (!in.ring)
				break;
			tpr__oracle_note(r, e, p, &in);
			if (tpr__ring_sync(e))
				tpr__check_published(r, e, in.frame, in.status);
			break;
		case TPSIM_RX_DROPPED:
			e->dropped++;
			break;
		case TPSIM_RX_FILTERED:
			e->filtered++;
			break;
		default:	/* IGNORED: counted as offered - the rest */
			break;
		}
	}
	if (!(r->offered % SCAN_EVERY))
		for (int i = 0; i < r->nsocks; i++)
			if (!r->socks[i].closed && tpr__ring_sync(&r->socks[i]))
				tpr__check_scan(r, &r->socks[i], false);
	return n;
}

void tpr__wire_drain(struct tpr_run *r)
{
	static const size_t cap = 65536 + 64;
	unsigned char *buf = NULL;

	for (int i = 0; i < r->nsocks; i++) {
		struct tpr_sockent *e = &r->socks[i];
		ssize_t n;

		if (e->closed)
			continue;
		for (;;) {
			if (!buf && !(buf = malloc(cap)))
				return;
			n = tpsim_wire_recv(e->s, buf, cap,
					    MSG_DONTWAIT | MSG_TRUNC);
			if (n < 0)
				break;
			tpr__oracle_wire(r, buf,
					 (size_t)n > cap ? (uint32_t)cap
							 : (uint32_t)n);
		}
	}
	free(buf);
}

/* Slots the consumer still holds, over every ring. */
static uint32_t held(struct tpr_run *r)
{
	uint32_t n = 0;

	for (int i = 0; i < r->nsocks; i++)
		if (!r->socks[i].closed && tpr__ring_sync(&r->socks[i]))
			n += tpr__check_scan(r, &r->socks[i], false);
	return n;
}

/*
 * Pace: wait until the frame is due. start_real/start_ts: real and
 * capture time of the first frame. --pace capture keeps the file's gaps
 * on the virtual clock: while it waits, the sockets' clocks follow real
 * time from the last packet (the retire timer fires in the gap, as the
 * kernel's would), and once the program has given every frame back it
 * could do nothing with the rest of the gap, so the gap is skipped
 * (counted in the report's skipped_ms).
 */
static bool pace(struct tpr_run *r, const struct tpr_frame *f,
		 int64_t start_real, int64_t start_ts)
{
	int64_t due, now, last_ts = ts_ns(&r->now);

	if (r->cfg->pace == TPR_PACE_RATE) {
		due = start_real + (int64_t)((double)f->index * 1e9 /
					     (double)r->cfg->rate);
		while (!r->stop && mono_ns() < due)
			nap(r, due - mono_ns());
		return !r->stop;
	}
	if (r->cfg->pace != TPR_PACE_CAPTURE || !f->index)
		return !r->stop;
	/* the gaps skipped so far come off the real schedule */
	due = start_real + (ts_ns(&f->ts) - start_ts) - r->skipped_ns;
	while (!r->stop && (now = mono_ns()) < due) {
		int64_t t = ts_ns(&f->ts) - (due - now);
		struct timespec at = { .tv_sec = t / 1000000000,
				       .tv_nsec = t % 1000000000 };

		if (!held(r)) {
			r->skipped_ns += due - now;
			break;
		}
		if (t > last_ts)
			for (int i = 0; i < r->nsocks; i++)
				if (!r->socks[i].closed)
					clock_forward(r->socks[i].s, &at);
		nap(r, due - now < 1000000 ? due - now : 1000000);
	}
	return !r->stop;
}

/* The end of input: time runs on until the retire timer has handed
 * over every V3 block, and (lossless) the consumer returns them all. */
static void finish_input(struct tpr_run *r)
{
	int64_t start = mono_ns();

	for (int k = 0; k < 4; k++)
		for (int i = 0; i < r->nsocks; i++) {
			struct tpr_sockent *e = &r->socks[i];
			struct tpsim_ring_view v;

			if (e->closed || tpsim_ring_view_get(e->s, &v) ||
			    v.version != TPACKET_V3)
				continue;
			tpsim_clock_advance_ns(e->s,
					       (int64_t)(v.retire_tov_ms + 1) *
						       1000000);
		}
	r->input_done = true;
	if (r->cfg->pace == TPR_PACE_LOSSLESS)
		while (held(r) && mono_ns() - start < DRAIN_NS)
			if (!nap(r, 1000000))
				return;
	r->drained = !held(r);
	tpr__wire_drain(r);
	switch (r->cfg->end) {
	case TPR_END_SIGNAL:
		/* the process, not this thread: its handler runs in one of
		 * the program's threads, as a ^C would */
		kill(getpid(), r->cfg->end_signal);
		break;
	case TPR_END_DOWN:
		tpsim_dev_set_link(r->dev, 0);
		r->link_up = false;
		break;
	default:
		break;
	}
	r->ended = true;
}

static void *producer_main(void *arg)
{
	struct tpr_run *r = arg;
	bool lossless = r->cfg->pace == TPR_PACE_LOSSLESS;
	int64_t start_real = 0, start_ts = 0;
	struct tpr_frame f;
	char err[sizeof(r->err)];
	int rc;

	pthread_mutex_lock(&r->lock);
	/* a program that only sends (netsniff-ng --out, trafgen, tcpreplay)
	 * may never wait for packets: its frames leave the wire meanwhile */
	while (!r->ready && nap(r, 2000000))
		tpr__wire_drain(r);
	while (!r->stop) {
		rc = tpr_source_next(r->src, &f, err, sizeof(err));
		if (rc < 0)
			tpr__finding(r, "C6", 0, 0, false, "input: %s", err);
		if (rc <= 0)
			break;
		if (!f.index) {
			start_real = mono_ns();
			start_ts = ts_ns(&f.ts);
		}
		if (!pace(r, &f, start_real, start_ts))
			break;
		tpr__scn_play(r, &f, lossless);
		tpr__wire_drain(r);
	}
	if (!r->stop)
		finish_input(r);
	/* what the program sends after the input keeps going to the wire */
	while (nap(r, 2000000))
		tpr__wire_drain(r);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int tpr__producer_start(struct tpr_run *r)
{
	sigset_t all, old;
	int err;

	/* no signal of the program's lands in this thread: its handlers
	 * run in the program's own threads */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&r->thread, NULL, producer_main, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (err)
		return -err;
	r->thread_started = true;
	return 0;
}

void tpr__producer_stop(struct tpr_run *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	if (r->thread_started) {
		pthread_join(r->thread, NULL);
		r->thread_started = false;
	}
}
