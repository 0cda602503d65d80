/* SPDX-License-Identifier: MIT */
/*
 * recvmmsg, sendmmsg and close_range on simulated sockets, with the
 * semantics of net/socket.c (do_recvmmsg, __sys_sendmmsg) and
 * fs/file.c (close_range): a loop over the single-message calls of
 * interpose_io.c.
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <linux/close_range.h>
#include <time.h>
#include <unistd.h>

/* UIO_MAXIOV: both calls take at most this many messages */
#define TPR_MMSG_MAX 1024
/* the kernel's internal flag, refused from user space
 * (include/linux/socket.h) */
#define TPR_MSG_CMSG_COMPAT 0x80000000u

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/*
 * do_recvmmsg: messages until vlen, or until one call fails; the first
 * failure is the result only when nothing was received, else (unless
 * EAGAIN) it is kept as the socket's pending error for the next call
 * (sk_err, also SO_ERROR and POLLERR). MSG_WAITFORONE makes every
 * message after the first MSG_DONTWAIT. The timeout is looked at after
 * each message only, so a blocking wait for the first is not bounded by
 * it (the kernel's behaviour, recvmmsg(2) BUGS); what is left of it is
 * written back when a message came.
 */
static int fake_recvmmsg(struct tpr_fake *f, struct mmsghdr *vec,
			 unsigned int vlen, int flags, struct timespec *timeout)
{
	int64_t end = 0;
	unsigned int n = 0;
	ssize_t err = 0;
	socklen_t l = sizeof(int);
	int pending = 0;

	if ((unsigned int)flags & TPR_MSG_CMSG_COMPAT)
		return -EINVAL;
	if (timeout) {	/* poll_select_set_timeout */
		if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 ||
		    timeout->tv_nsec >= 1000000000)
			return -EINVAL;
		end = mono_ns() + (int64_t)timeout->tv_sec * 1000000000 +
		      timeout->tv_nsec;
	}
	if (f->dead)
		return -TPR_DEAD_ERRNO;
	if (!(flags & MSG_ERRQUEUE)) {	/* sock_error() */
		pending = atomic_exchange(&f->soft_err, 0);
		if (!pending && tpr__enter()) {
			tpsim_getsockopt(atomic_load(&f->s), SOL_SOCKET,
					 SO_ERROR, &pending, &l);
			tpr__leave();
		}
		if (pending)
			return -pending;
	}
	if (vlen > TPR_MMSG_MAX)
		vlen = TPR_MMSG_MAX;
	while (n < vlen) {
		err = tpr__recvmsg(f, &vec[n].msg_hdr, flags & ~MSG_WAITFORONE);
		if (err < 0)
			break;
		vec[n].msg_len = (unsigned int)err;
		err = 0;
		n++;
		if (flags & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (timeout) {
			int64_t left = end - mono_ns();

			if (left < 0)
				left = 0;
			timeout->tv_sec = left / 1000000000;
			timeout->tv_nsec = left % 1000000000;
			if (!left)
				break;
		}
	}
	if (!err)
		return (int)n;
	if (!n)
		return (int)err;
	if (err != -EAGAIN)
		atomic_store(&f->soft_err, (int)-err);
	return (int)n;
}

TPR_EXPORT int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
			int flags, struct timespec *timeout)
{
	struct tpr_fake *f = tpr__get(fd);
	int r;

	if (!f)
		return TPR_NEXT(recvmmsg)(fd, vec, vlen, flags, timeout);
	r = fake_recvmmsg(f, vec, vlen, flags, timeout);
	tpr__put(f);
	return r < 0 ? tpr__fail(r) : r;
}

/*
 * __sys_sendmmsg: each message sent as sendmsg would send it, its byte
 * count in msg_len; the count of messages sent, or the first one's error
 * when none went (an error after the first ends the batch silently).
 * MSG_BATCH, the kernel's hint to the driver, means nothing here.
 */
TPR_EXPORT int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen,
			int flags)
{
	struct tpr_fake *f = tpr__get(fd);
	unsigned int n = 0;
	ssize_t err = 0;

	if (!f)
		return TPR_NEXT(sendmmsg)(fd, vec, vlen, flags);
	if ((unsigned int)flags & TPR_MSG_CMSG_COMPAT)
		err = -EINVAL;
	if (vlen > TPR_MMSG_MAX)
		vlen = TPR_MMSG_MAX;
	while (!err && n < vlen) {
		err = tpr__sendmsg(f, &vec[n].msg_hdr, flags & ~MSG_BATCH);
		if (err < 0)
			break;
		vec[n].msg_len = (unsigned int)err;
		err = 0;
		n++;
	}
	tpr__put(f);
	if (n || !err)
		return (int)n;
	return tpr__fail((int)err);
}

/*
 * close_range: the simulated sockets in the range are forgotten as
 * close() forgets one, before the kernel closes the descriptors (after
 * it, another thread could get the same number for a new socket). The
 * kernel's only refusals past that point are checked first (EINVAL:
 * unknown flags, first > last); with CLOSE_RANGE_CLOEXEC nothing is
 * closed now (exec closes them, and exec starts the interposer afresh).
 */
TPR_EXPORT int close_range(unsigned int first, unsigned int last, int flags)
{
	struct tpr_fake *held[16];
	unsigned int nheld = 0;
	int r;

	if (((unsigned int)flags & ~(unsigned int)(CLOSE_RANGE_UNSHARE |
						   CLOSE_RANGE_CLOEXEC)) ||
	    first > last)
		return tpr__fail(-EINVAL);
	for (unsigned int fd = first;
	     !(flags & CLOSE_RANGE_CLOEXEC) && fd <= last && fd < TPR_MAX_FD;
	     fd++) {
		struct tpr_fake *f = tpr__get((int)fd);

		if (!f)
			continue;
		tpr__ep_forget_fd((int)fd);
		tpr__forget((int)fd);
		/* the last reference goes after the kernel closed the
		 * descriptor, as in close() */
		if (nheld < sizeof(held) / sizeof(held[0]))
			held[nheld++] = f;
		else
			tpr__put(f);
	}
	r = TPR_NEXT(close_range)(first, last, flags);
	while (nheld)
		tpr__put(held[--nheld]);
	return r;
}
