// SPDX-License-Identifier: MIT
/*
 * Wake-ups without a lost one (P3): poll, the eventfd for poll/epoll, and
 * the futex-based wait that consumers in other processes use too.
 *
 * The race: a consumer reads KERNEL in the frame it wants, then sleeps,
 * while the producer fills that frame. Both sides do a store, a full fence,
 * then a load (the store-buffer pattern):
 *   consumer: sleepers++        ; fence ; load status  (tpsim_wait)
 *   producer: store status USER ; fence ; load sleepers (tpsim__wake_publish)
 * so at least one of them sees the other: either the consumer sees USER,
 * or the producer sees a sleeper, bumps seq and wakes it; a consumer not yet
 * asleep then finds seq changed and FUTEX_WAIT returns at once.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* Shared (non-private) futex ops: the word may be in a memfd page that
 * another process sleeps on. */
static long futex(_Atomic uint32_t *word, int op, uint32_t val,
		  const struct timespec *rel)
{
	return syscall(SYS_futex, (uint32_t *)word, op, val, rel, NULL, 0);
}

static void wake_word(struct tpsim_wake *w, bool always)
{
	if (!always && !atomic_load_explicit(&w->sleepers, memory_order_relaxed))
		return;
	atomic_fetch_add_explicit(&w->seq, 1, memory_order_release);
	futex(&w->seq, FUTEX_WAKE, INT_MAX, NULL);
}

static void wake_fd(struct tpsim_sock *s, bool always)
{
	static const uint64_t one = 1;

	if (!always &&
	    !atomic_load_explicit(&s->fd_armed, memory_order_relaxed))
		return;
	if (atomic_exchange(&s->fd_armed, 0) || always) {
		/* fails only with EAGAIN, when the counter is saturated:
		 * then the fd is readable anyway */
		ssize_t n = write(s->evfd, &one, sizeof(one));

		(void)n;
	}
}

#ifdef __SANITIZE_THREAD__
void tpsim__wake_publish(struct tpsim_sock *s)
{
	/* pairs with the fence in tpsim_wait(), as the inline version */
	tpsim_smp_mb();
	tpsim__wake_waiters(s);
}
#endif

/* The slow path of tpsim__wake_publish(): someone may be asleep. */
void tpsim__wake_waiters(struct tpsim_sock *s)
{
	wake_word(&s->wake_private, false);
	if (s->shared_wake)
		wake_word(s->shared_wake, false);
	wake_fd(s, false);
}

void tpsim__publish(struct tpsim_sock *s)
{
	if (s->rx_in_run)
		s->rx_wake_due = true;
	else
		tpsim__wake_publish(s);
}

void tpsim__wake_all(struct tpsim_sock *s)
{
	wake_word(&s->wake_private, true);
	if (s->shared_wake)
		wake_word(s->shared_wake, true);
	wake_fd(s, true);
}

static int ms_left(const struct timespec *deadline, struct timespec *rel)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	rel->tv_sec = deadline->tv_sec - now.tv_sec;
	rel->tv_nsec = deadline->tv_nsec - now.tv_nsec;
	if (rel->tv_nsec < 0) {
		rel->tv_nsec += 1000000000L;
		rel->tv_sec--;
	}
	return rel->tv_sec > 0 || (rel->tv_sec == 0 && rel->tv_nsec > 0);
}

int tpsim_wait(struct tpsim_wake *w, int (*ready)(void *arg), void *arg,
	       int timeout_ms)
{
	struct timespec deadline, rel;
	int r;

	if (timeout_ms > 0)
		tpsim__deadline(&deadline, (int64_t)timeout_ms * 1000000);
	for (;;) {
		uint32_t seq = atomic_load_explicit(&w->seq,
						    memory_order_acquire);
		long rc;

		r = ready(arg);
		if (r || timeout_ms == 0)
			return r;
		atomic_fetch_add_explicit(&w->sleepers, 1,
					  memory_order_relaxed);
		/* pairs with tpsim__wake_publish(): sleepers++ is ordered
		 * before ready() loads the status word */
		tpsim_smp_mb();
		r = ready(arg);
		if (r) {
			atomic_fetch_sub(&w->sleepers, 1);
			return r;
		}
		if (timeout_ms > 0 && !ms_left(&deadline, &rel)) {
			atomic_fetch_sub(&w->sleepers, 1);
			return 0;
		}
		rc = futex(&w->seq, FUTEX_WAIT, seq,
			   timeout_ms > 0 ? &rel : NULL);
		atomic_fetch_sub(&w->sleepers, 1);
		if (rc < 0 && errno == EINTR)
			return -EINTR;
	}
}

int tpsim__pollin_locked(struct tpsim_sock *s)
{
	const struct tpsim_ring *r = &s->rx;
	uint32_t prev;

	if (s->rq_head)
		return 1;
	if (!r->live)
		return 0;
	if (s->version == TPACKET_V3) {
		/* B7: the block before the active one */
		prev = r->v3.active ? r->v3.active - 1 : r->block_nr - 1;
		return tpsim_block_status(r->kbase + (size_t)prev *
							     r->block_size) !=
		       TP_STATUS_KERNEL;
	}
	/* P1: the frame just before the head, not the head */
	prev = r->head ? r->head - 1 : r->frame_nr - 1;
	return tpsim_frame_status(tpsim__frame(r, prev), s->version) !=
	       TP_STATUS_KERNEL;
}

struct poll_ctx {
	struct tpsim_sock *s;
	short events;
};

static short poll_mask_locked(struct tpsim_sock *s, short events)
{
	short mask = 0;

	/* packet_poll: pressure off once there is room; datagram_poll:
	 * POLLERR while an error is pending */
	tpsim__pressure_check_locked(s);
	if (atomic_load(&s->sk_err))
		mask |= POLLERR;
	if (tpsim__pollout_locked(s))
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	if (tpsim__pollin_locked(s))
		mask |= POLLIN | POLLRDNORM;
	return mask & (events | POLLERR | POLLHUP);
}

static int poll_mask(void *arg)
{
	struct poll_ctx *c = arg;
	int mask;

	pthread_mutex_lock(&c->s->lock);
	mask = poll_mask_locked(c->s, c->events);
	pthread_mutex_unlock(&c->s->lock);
	return mask;
}

/*
 * On a virtual clock, a poll that a retire-timer expiry within the timeout
 * would satisfy moves the clock to that expiry instead of sleeping; one
 * the timer cannot satisfy waits as on the real clock. Returns the mask,
 * 0 to wait for real.
 */
static int poll_virtual(struct tpsim_sock *s, short events, int timeout_ms)
{
	int64_t start, next;
	int mask;

	pthread_mutex_lock(&s->lock);
	start = tpsim__mono_ns(s);
	/* the re-armed timer may refresh once before it retires */
	for (int i = 0; i < 3; i++) {
		mask = poll_mask_locked(s, events);
		next = tpsim__timer_next_publish(s);
		if (mask || next < 0 ||
		    (timeout_ms >= 0 &&
		     next > start + (int64_t)timeout_ms * 1000000))
			break;
		tpsim__timer_run_until(s, next);
	}
	pthread_mutex_unlock(&s->lock);
	return mask;
}

int tpsim_poll(struct tpsim_sock *s, short events, int timeout_ms)
{
	struct poll_ctx c = { s, events };

	if (s->clock == TPSIM_CLOCK_VIRTUAL && timeout_ms != 0) {
		int mask = poll_virtual(s, events, timeout_ms);

		if (mask)
			return mask;
	}
	return tpsim_wait(&s->wake_private, poll_mask, &c, timeout_ms);
}

int tpsim_poll_fd(struct tpsim_sock *s)
{
	return s->evfd;
}

int tpsim_poll_sync(struct tpsim_sock *s)
{
	static const uint64_t one = 1;
	uint64_t v;
	ssize_t n;
	int ready;

	/* drain first, then arm, then look: a publication after the look
	 * finds the fd armed, one before it is seen by the look. The fd is
	 * ours and non-blocking: a read fails only when it is already
	 * drained (EAGAIN), a write only when it is saturated (readable) */
	n = read(s->evfd, &v, sizeof(v));
	atomic_store(&s->fd_armed, 1);
	tpsim_smp_mb();
	pthread_mutex_lock(&s->lock);
	ready = tpsim__pollin_locked(s);
	pthread_mutex_unlock(&s->lock);
	if (ready && atomic_exchange(&s->fd_armed, 0))
		n = write(s->evfd, &one, sizeof(one));
	(void)n;
	return ready;
}
