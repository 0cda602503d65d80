/* SPDX-License-Identifier: MIT */
/*
 * The multiplexers: poll, ppoll, select, pselect, epoll_ctl/epoll_wait
 * (and epoll_pwait), __poll_chk, __ppoll_chk. A simulated socket is a
 * real eventfd, so the kernel does the waiting; around it:
 *  - before: tpsim_poll_sync() on each simulated socket (readable now if
 *    its ring has a frame for the user, armed for the next publication);
 *  - after: the simulated socket's revents are recomputed from the
 *    simulator (tpsim_poll with no wait: POLLIN from the ring or the
 *    receive queue, POLLOUT from the TX ring, POLLERR after the link went
 *    down), never the eventfd's own (always writable), and a wake-up
 *    that left nothing ready waits again for the rest of the timeout.
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* What the simulator says for f now; dead sockets report POLLERR. */
static short fake_revents(struct tpr_fake *f, short events)
{
	int r;

	if (f->dead)
		return POLLERR;
	r = tpsim_poll(atomic_load(&f->s), events, 0);
	if (r >= 0 && atomic_load(&f->soft_err))
		r |= POLLERR;	/* datagram_poll: sk_err pending */
	return r < 0 ? POLLERR : (short)r;
}

/* sync every simulated socket of the set; returns how many there are,
 * and how many are ready now (*ready) */
static int poll_prepare(struct pollfd *fds, nfds_t n, struct tpr_fake **fk,
			int *ready, bool blocking)
{
	int nfake = 0;

	*ready = 0;
	for (nfds_t i = 0; i < n; i++) {
		fk[i] = fds[i].fd >= 0 ? tpr__get(fds[i].fd) : NULL;
		if (!fk[i])
			continue;
		nfake++;
		tpr__consumer_waits(fk[i], blocking);
		if (!fk[i]->dead)
			tpsim_poll_sync(atomic_load(&fk[i]->s));
		if (fake_revents(fk[i], fds[i].events))
			(*ready)++;
	}
	return nfake;
}

/*
 * The wrapped poll: timeout in ns (-1 forever); sigmask for ppoll
 * (NULL: poll). Simulated sockets wait on POLLIN of their eventfd.
 */
static int poll_impl(struct pollfd *fds, nfds_t n, int64_t timeout_ns,
		     const sigset_t *sigmask);

/* no simulated socket in the set: the call as made */
static bool any_fake(const struct pollfd *fds, nfds_t n)
{
	for (nfds_t i = 0; i < n; i++) {
		struct tpr_fake *f = fds[i].fd >= 0 ? tpr__get(fds[i].fd) : NULL;

		if (f) {
			tpr__put(f);
			return true;
		}
	}
	return false;
}

static int poll_impl(struct pollfd *fds, nfds_t n, int64_t timeout_ns,
		     const sigset_t *sigmask)
{
	struct tpr_fake *stack_fk[64], **fk = stack_fk;
	short *want = NULL, stack_want[64];
	int64_t deadline = timeout_ns < 0 ? -1 : now_ns() + timeout_ns;
	int ready, r, nfake, err;

	if (n > 64) {
		fk = calloc(n, sizeof(*fk));
		want = calloc(n, sizeof(*want));
		if (!fk || !want) {
			free(fk);
			free(want);
			return tpr__fail(-ENOMEM);
		}
	} else {
		want = stack_want;
	}
	/* Signals stay blocked between our waits and are let in only inside
	 * ppoll (as pselect does): one arriving while we re-arm after a
	 * spurious wake-up interrupts the next wait instead of being lost
	 * to a program that would have been inside poll(2) all along. The
	 * whole call is a section of interpose.h: a handler run inside the
	 * wait (a SIGALRM kick of a TX ring) is deferred, without taking a
	 * lock or allocating in the handler, the wait returns EINTR as the
	 * kernel's does, and the kick is sent (tpr__leave) before poll
	 * returns to the program. */
	sigset_t all, old;

	if (!tpr__enter()) {	/* a signal handler inside a simulated call */
		if (fk != stack_fk) {
			free(fk);
			free(want);
		}
		return tpr__fail(-EINTR);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (!sigmask)
		sigmask = &old;
	nfake = poll_prepare(fds, n, fk, &ready, timeout_ns != 0);
	for (nfds_t i = 0; i < n; i++) {
		want[i] = fds[i].events;
		if (fk[i])
			fds[i].events = POLLIN;
	}
	for (;;) {
		int64_t left = ready ? 0 :
			       deadline < 0 ? -1 : deadline - now_ns();
		struct timespec ts, *tsp = NULL;

		if (left < -1)
			left = 0;
		if (left >= 0) {
			ts.tv_sec = left / 1000000000;
			ts.tv_nsec = left % 1000000000;
			tsp = &ts;
		}
		r = TPR_NEXT(ppoll)(fds, n, tsp, sigmask);
		if (r < 0)
			break;
		r = 0;
		for (nfds_t i = 0; i < n; i++) {
			if (fk[i])
				fds[i].revents = fake_revents(fk[i], want[i]);
			if (fds[i].revents)
				r++;
		}
		if (r || left == 0 || !nfake)
			break;
		/* a spurious wake-up of a simulated socket: re-arm, wait on */
		for (nfds_t i = 0; i < n; i++)
			if (fk[i] && !fk[i]->dead)
				tpsim_poll_sync(atomic_load(&fk[i]->s));
	}
	err = errno;
	for (nfds_t i = 0; i < n; i++)
		if (fk[i])
			fds[i].events = want[i];
	/* pending signals run now, still inside the section: their kicks
	 * are deferred to the leave just after */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tpr__leave();
	for (nfds_t i = 0; i < n; i++)
		if (fk[i])
			tpr__put(fk[i]);
	errno = err;
	if (fk != stack_fk) {
		free(fk);
		free(want);
	}
	return r;
}

/* glibc declares poll's and ppoll's fds write-only (__attr_access), which
 * is true of revents only: reading events and fd is what poll does */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
TPR_EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (!any_fake(fds, n))
		return TPR_NEXT(poll)(fds, n, timeout);
	return poll_impl(fds, n, timeout < 0 ? -1 : (int64_t)timeout * 1000000,
			 NULL);
}

TPR_EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		     const sigset_t *sigmask)
{
	int64_t t = ts ? (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec : -1;

	if (!any_fake(fds, n))
		return TPR_NEXT(ppoll)(fds, n, ts, sigmask);
	return poll_impl(fds, n, t, sigmask);
}
#pragma GCC diagnostic pop

TPR_EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout,
			  size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();	/* __chk_fail */
	return poll(fds, n, timeout);
}

TPR_EXPORT int __ppoll_chk(struct pollfd *fds, nfds_t n,
			   const struct timespec *ts, const sigset_t *sigmask,
			   size_t fdslen)
{
	if (fdslen / sizeof(*fds) < n)
		abort();
	return ppoll(fds, n, ts, sigmask);
}

/*
 * select and pselect as a poll of the same descriptors (so simulated
 * sockets get the same treatment); sets rewritten as select leaves
 * them. Descriptors at or beyond FD_SETSIZE are select's own error.
 */
static int select_impl(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		       int64_t timeout_ns, const sigset_t *sigmask,
		       bool is_pselect, struct timeval *tv)
{
	struct pollfd stack_p[64], *p = stack_p;
	int n = 0, r, count = 0;
	bool any_fake = false;

	for (int fd = 0; fd < nfds && fd < FD_SETSIZE; fd++) {
		struct tpr_fake *f = tpr__get(fd);

		if (f) {
			if ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)))
				any_fake = true;
			tpr__put(f);
		}
	}
	if (!any_fake) {
		if (is_pselect) {
			struct timespec ts = { timeout_ns / 1000000000,
					       timeout_ns % 1000000000 };

			return TPR_NEXT(pselect)(nfds, rd, wr, ex,
						 timeout_ns < 0 ? NULL : &ts,
						 sigmask);
		}
		return TPR_NEXT(select)(nfds, rd, wr, ex, tv);
	}
	if (nfds > 64 && !(p = calloc((size_t)nfds, sizeof(*p))))
		return tpr__fail(-ENOMEM);
	for (int fd = 0; fd < nfds; fd++) {
		short ev = 0;

		if (rd && FD_ISSET(fd, rd))
			ev |= POLLIN;
		if (wr && FD_ISSET(fd, wr))
			ev |= POLLOUT;
		if (ex && FD_ISSET(fd, ex))
			ev |= POLLPRI;
		if (ev)
			p[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	r = poll_impl(p, (nfds_t)n, timeout_ns, sigmask);
	if (r >= 0) {
		if (rd)
			FD_ZERO(rd);
		if (wr)
			FD_ZERO(wr);
		if (ex)
			FD_ZERO(ex);
		for (int i = 0; i < n; i++) {
			short re = p[i].revents;

			if (re & POLLNVAL) {
				r = tpr__fail(-EBADF);
				break;
			}
			if (rd && (re & (POLLIN | POLLHUP | POLLERR)) &&
			    (p[i].events & POLLIN)) {
				FD_SET(p[i].fd, rd);
				count++;
			}
			if (wr && (re & (POLLOUT | POLLERR)) &&
			    (p[i].events & POLLOUT)) {
				FD_SET(p[i].fd, wr);
				count++;
			}
			if (ex && (re & POLLPRI)) {
				FD_SET(p[i].fd, ex);
				count++;
			}
		}
		if (r >= 0)
			r = count;
	}
	if (p != stack_p)
		free(p);
	return r;
}

TPR_EXPORT int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		      struct timeval *tv)
{
	int64_t t = tv ? (int64_t)tv->tv_sec * 1000000000 +
			 (int64_t)tv->tv_usec * 1000 : -1;

	return select_impl(nfds, rd, wr, ex, t, NULL, false, tv);
}

TPR_EXPORT int pselect(int nfds, fd_set *rd, fd_set *wr, fd_set *ex,
		       const struct timespec *ts, const sigset_t *sigmask)
{
	int64_t t = ts ? (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec : -1;

	return select_impl(nfds, rd, wr, ex, t, sigmask, true, NULL);
}

/*
 * epoll: the kernel reports events with the user's data, not the
 * descriptor, so the registrations of simulated sockets are kept
 * (interpose.c: epoll instance, descriptor, events, data) to sync them
 * before a wait and recompute their events after it.
 */
TPR_EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct tpr_fake *f = tpr__get(fd);
	struct epoll_event e;
	int r;

	if (!f)
		return TPR_NEXT(epoll_ctl)(epfd, op, fd, ev);
	if (ev) {	/* the eventfd signals readiness of both kinds */
		e = *ev;
		e.events = (e.events & ~(uint32_t)(EPOLLOUT | EPOLLIN)) |
			   EPOLLIN;
	}
	r = TPR_NEXT(epoll_ctl)(epfd, op, fd, ev ? &e : NULL);
	if (!r)
		tpr__ep_set(epfd, op, fd, ev ? ev->events : 0,
			    ev ? ev->data.u64 : 0);
	tpr__put(f);
	return r;
}

/* sync the simulated sockets of epfd; how many are there */
static int ep_sync(int epfd, bool blocking)
{
	int fds[TPR_MAX_EPOLL], n = tpr__ep_fds(epfd, fds, TPR_MAX_EPOLL);

	for (int i = 0; i < n; i++) {
		struct tpr_fake *f = tpr__get(fds[i]);

		if (!f)
			continue;
		tpr__consumer_waits(f, blocking);
		if (!f->dead)
			tpsim_poll_sync(atomic_load(&f->s));
		tpr__put(f);
	}
	return n;
}

/* rewrite the events of simulated sockets; drop those not ready */
static int ep_fix(int epfd, struct epoll_event *evs, int n)
{
	int out = 0;

	for (int k = 0; k < n; k++) {
		int fd = -1;
		uint32_t want = 0;

		tpr__ep_find(epfd, evs[k].data.u64, &fd, &want);
		struct tpr_fake *f = fd >= 0 ? tpr__get(fd) : NULL;

		if (f) {
			short re = fake_revents(f, (short)(want &
					(EPOLLIN | EPOLLOUT | EPOLLPRI)));

			tpr__put(f);
			evs[k].events = (uint32_t)re;
			if (!re)
				continue;
		}
		evs[out++] = evs[k];
	}
	return out;
}

static int epoll_impl(int epfd, struct epoll_event *evs, int max,
		      int timeout, const sigset_t *sigmask, bool pwait)
{
	int64_t deadline = timeout < 0 ? -1 : now_ns() + timeout * 1000000LL;
	sigset_t all, old;
	int r, err;

	if (!tpr__ep_fds(epfd, &r, 1))	/* no simulated socket in it */
		return pwait ? TPR_NEXT(epoll_pwait)(epfd, evs, max, timeout,
						     sigmask)
			     : TPR_NEXT(epoll_wait)(epfd, evs, max, timeout);
	if (!tpr__enter())	/* a signal handler inside a simulated call */
		return tpr__fail(-EINTR);
	/* signals only inside the wait, as in poll_impl */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (!pwait || !sigmask)
		sigmask = &old;
	for (;;) {
		int nfake = ep_sync(epfd, timeout != 0);
		int left = deadline < 0 ? -1 :
			   (int)((deadline - now_ns() + 999999) / 1000000);

		if (left < -1)
			left = 0;
		r = TPR_NEXT(epoll_pwait)(epfd, evs, max, left, sigmask);
		if (r <= 0 || !nfake)
			break;
		r = ep_fix(epfd, evs, r);
		if (r || left == 0)
			break;
	}
	err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tpr__leave();	/* the kicks of handlers run in the wait, as poll's */
	errno = err;
	return r;
}

TPR_EXPORT int epoll_wait(int epfd, struct epoll_event *evs, int max,
			  int timeout)
{
	return epoll_impl(epfd, evs, max, timeout, NULL, false);
}

TPR_EXPORT int epoll_pwait(int epfd, struct epoll_event *evs, int max,
			   int timeout, const sigset_t *sigmask)
{
	return epoll_impl(epfd, evs, max, timeout, sigmask, true);
}
