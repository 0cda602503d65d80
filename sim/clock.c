// SPDX-License-Identifier: MIT
/*
 * The producer's clock and the V3 retire timer that runs on it.
 *
 * Real clock: stamps from CLOCK_REALTIME, the timer on CLOCK_MONOTONIC,
 * fired by one thread per socket (started with the first V3 RX ring) that
 * takes the socket lock as the kernel's timer takes the queue lock.
 * Virtual clock: one number moved by the caller; every expiry the move
 * passes is run, in order, with the clock set to its exact instant, so a
 * test of a block timeout is deterministic and never sleeps.
 */
#include <errno.h>

#include "internal.h"

#define NSEC 1000000000LL

static int64_t to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
}

static struct timespec from_ns(int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	return ts;
}

void tpsim__deadline(struct timespec *out, int64_t ns)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	*out = from_ns(to_ns(&now) + ns);
}

int64_t tpsim__mono_ns(const struct tpsim_sock *s)
{
	struct timespec ts;

	if (s->clock == TPSIM_CLOCK_VIRTUAL)
		return to_ns(&s->vclock);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return to_ns(&ts);
}

static bool v3_timer_live(const struct tpsim_sock *s)
{
	return s->rx.live && s->version == TPACKET_V3;
}

/* The timer has nothing to change before the clock passes target: an
 * empty open block, or a frozen queue whose block the user still holds. */
static bool timer_idle(const struct tpsim_sock *s)
{
	const struct tpsim_kbdq *q = &s->rx.v3;

	if (q->frozen)
		return tpsim_block_status(s->rx.kbase + (size_t)q->active *
							s->rx.block_size) &
		       TP_STATUS_USER;
	return !q->num_pkts;
}

void tpsim__timer_run_until(struct tpsim_sock *s, int64_t target)
{
	struct tpsim_kbdq *q = &s->rx.v3;

	while (v3_timer_live(s) && q->deadline_ns <= target) {
		s->vclock = from_ns(q->deadline_ns);
		tpsim__v3_timer_fire(s, q->deadline_ns);
		/* skip the expiries that would find nothing to do, so that
		 * a jump of hours with a 1 ms timer stays cheap */
		if (timer_idle(s) && q->deadline_ns + q->period_ns <= target)
			q->deadline_ns += (target - q->deadline_ns) /
					  q->period_ns * q->period_ns;
	}
	s->vclock = from_ns(target);
}

static void *timer_main(void *arg)
{
	struct tpsim_sock *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->timer_stop) {
		int64_t now;
		struct timespec at;

		if (!v3_timer_live(s)) {
			pthread_cond_wait(&s->timer_cond, &s->lock);
			continue;
		}
		now = tpsim__mono_ns(s);
		if (now >= s->rx.v3.deadline_ns) {
			tpsim__v3_timer_fire(s, now);
			continue;
		}
		at = from_ns(s->rx.v3.deadline_ns);
		pthread_cond_timedwait(&s->timer_cond, &s->lock, &at);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int tpsim__timer_start(struct tpsim_sock *s)
{
	int err = pthread_create(&s->timer_thread, NULL, timer_main, s);

	if (err)
		return -err;
	s->timer_started = true;
	return 0;
}

void tpsim__timer_kick(struct tpsim_sock *s)
{
	if (s->timer_started)
		pthread_cond_signal(&s->timer_cond);
}

void tpsim__timer_stop(struct tpsim_sock *s)
{
	if (!s->timer_started)
		return;
	pthread_mutex_lock(&s->lock);
	s->timer_stop = true;
	pthread_cond_signal(&s->timer_cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->timer_thread, NULL);
	s->timer_started = false;
}

/*
 * With a virtual clock, the instant at which the timer will next publish
 * a block (a non-empty block, not frozen), or -1. The re-armed timer may
 * need one refresh first, so this is a bound to move to, then look again.
 */
int64_t tpsim__timer_next_publish(const struct tpsim_sock *s)
{
	if (s->clock != TPSIM_CLOCK_VIRTUAL || !v3_timer_live(s) ||
	    s->rx.v3.frozen || !s->rx.v3.num_pkts)
		return -1;
	return s->rx.v3.deadline_ns;
}

int tpsim_clock_now(struct tpsim_sock *s, struct timespec *ts)
{
	if (!ts)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	tpsim__clock_read(s, ts);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void tpsim__clock_forward(struct tpsim_sock *s, const struct timespec *ts)
{
	if (to_ns(ts) > to_ns(&s->vclock))
		tpsim__timer_run_until(s, to_ns(ts));
}

int tpsim_clock_set(struct tpsim_sock *s, const struct timespec *ts)
{
	int err = 0;

	if (s->clock != TPSIM_CLOCK_VIRTUAL || !ts || ts->tv_sec < 0 ||
	    ts->tv_nsec < 0 || ts->tv_nsec >= NSEC)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (to_ns(ts) < to_ns(&s->vclock))
		err = -EINVAL;	/* time does not run backwards */
	else
		tpsim__timer_run_until(s, to_ns(ts));
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tpsim_clock_advance_ns(struct tpsim_sock *s, int64_t ns)
{
	if (s->clock != TPSIM_CLOCK_VIRTUAL || ns < 0)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	if (to_ns(&s->vclock) > INT64_MAX - ns) {
		pthread_mutex_unlock(&s->lock);
		return -EOVERFLOW;
	}
	tpsim__timer_run_until(s, to_ns(&s->vclock) + ns);
	pthread_mutex_unlock(&s->lock);
	return 0;
}
