/* SPDX-License-Identifier: MIT */
/*
 * The socket calls of the interposer: socket, bind, getsockname, close,
 * the dup family and fcntl, setsockopt/getsockopt, mmap/munmap. A call
 * on a descriptor that is not a simulated socket goes to the next
 * definition (libc) untouched. Stateless: the state is interpose.c's.
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <fcntl.h>
#include <linux/if_ether.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* A call on a socket of a world that fork left in the parent. */
#define DEAD_CHECK(f) do {					\
	if ((f)->dead) {					\
		tpr__put(f);					\
		return tpr__fail(-TPR_DEAD_ERRNO);		\
	}							\
} while (0)

TPR_EXPORT int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct tpsim_create_opts o = { .sz = sizeof(o) };
	struct tpsim_sock *s;
	struct tpr_fake *f;
	struct tpr_run *w;
	int err, fd;

	if (domain != AF_PACKET)
		return TPR_NEXT(socket)(domain, type, protocol);
	w = tpr__world(&err);
	if (!w) {
		if (err == -ENOENT)	/* not under tpsim run */
			return TPR_NEXT(socket)(domain, type, protocol);
		return tpr__fail(err);
	}
	if (!tpr__enter())	/* from a signal handler, see interpose.h */
		return tpr__fail(-EINTR);
	tpr_run_sock_opts(w, &o);
	o.type = base;
	/* protocol 0: bound to none, receives nothing until bind names one
	 * (packet_create registers no hook) */
	o.protocol = protocol ? (uint16_t)protocol : TPSIM_PROTO_NONE;
	err = tpsim_create(&o, &s);
	if (err) {
		tpr__leave();
		return tpr__fail(err);
	}
	err = tpsim_net_add_sock(tpr_run_net(w), s);
	if (err)
		goto out_close;
	tpr_run_sock_added(w, s);
	f = tpr__alloc(s, base, protocol);
	if (!f) {
		err = -ENFILE;
		goto out_closing;
	}
	tpr__leave();
	fd = TPR_NEXT(fcntl)(tpsim_poll_fd(s),
			     type & SOCK_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD,
			     0);
	if (fd < 0) {
		err = -errno;
		tpr__put(f);	/* closes s */
		return tpr__fail(err);
	}
	atomic_store(&f->nonblock, (type & SOCK_NONBLOCK) != 0);
	err = tpr__install(fd, f);
	tpr__trace("socket(AF_PACKET, %d, 0x%x) = %d", type, protocol, fd);
	tpr__put(f);		/* the descriptor holds it now */
	if (err) {
		TPR_NEXT(close)(fd);
		return tpr__fail(err);
	}
	return fd;
out_closing:
	tpr_run_sock_closing(w, s);
out_close:
	tpsim_close(s);
	tpr__leave();
	return tpr__fail(err);
}

TPR_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct tpr_fake *f = tpr__get(fd);
	int err;

	if (!f)
		return TPR_NEXT(bind)(fd, addr, len);
	DEAD_CHECK(f);
	if (!tpr__enter()) {	/* from a signal handler, see interpose.h */
		tpr__put(f);
		return tpr__fail(-EINTR);
	}
	err = tpsim_bind(atomic_load(&f->s), addr, len);
	tpr__leave();
	tpr__trace("bind(%d, ifindex %d) = %d", fd, len >= sizeof(struct sockaddr_ll)
		   ? ((const struct sockaddr_ll *)addr)->sll_ifindex : -1, err);
	if (!err && len >= sizeof(struct sockaddr_ll))
		atomic_store(&f->bound,
			     ((const struct sockaddr_ll *)addr)->sll_ifindex != 0
			     || atomic_load(&f->bound));
	if (!err)
		tpr__setup_step(f);
	tpr__put(f);
	return err ? tpr__fail(err) : 0;
}

TPR_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct tpr_fake *f = tpr__get(fd);
	int err;

	if (!f)
		return TPR_NEXT(getsockname)(fd, addr, len);
	DEAD_CHECK(f);
	if (!tpr__enter()) {	/* from a signal handler, see interpose.h */
		tpr__put(f);
		return tpr__fail(-EINTR);
	}
	err = tpsim_getsockname(atomic_load(&f->s), addr, len);
	tpr__leave();
	tpr__put(f);
	return err ? tpr__fail(err) : 0;
}

/* packet sockets have no peer and take no connection (sock_no_*) */
TPR_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(getpeername)(fd, addr, len);
	tpr__put(f);
	return tpr__fail(-EOPNOTSUPP);
}

TPR_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(connect)(fd, addr, len);
	tpr__put(f);
	return tpr__fail(-EOPNOTSUPP);
}

TPR_EXPORT int listen(int fd, int backlog)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(listen)(fd, backlog);
	tpr__put(f);
	return tpr__fail(-EOPNOTSUPP);
}

TPR_EXPORT int shutdown(int fd, int how)
{
	struct tpr_fake *f = tpr__get(fd);

	if (!f)
		return TPR_NEXT(shutdown)(fd, how);
	tpr__put(f);
	return tpr__fail(-EOPNOTSUPP);
}

TPR_EXPORT int close(int fd)
{
	struct tpr_fake *f = tpr__get(fd);
	int r;

	if (!f)
		return TPR_NEXT(close)(fd);
	tpr__ep_forget_fd(fd);
	tpr__forget(fd);
	r = TPR_NEXT(close)(fd);
	tpr__put(f);		/* the last one closes the tpsim socket */
	return r;
}

/* newfd refers to what oldfd does after a successful dup (the kernel
 * closed what newfd was) */
static int dup_done(int oldfd, int newfd)
{
	struct tpr_fake *f;

	if (newfd < 0)
		return newfd;
	tpr__forget(newfd);
	f = tpr__get(oldfd);
	if (f) {
		int err = tpr__install(newfd, f);

		tpr__put(f);
		if (err) {
			TPR_NEXT(close)(newfd);
			return tpr__fail(err);
		}
	}
	return newfd;
}

TPR_EXPORT int dup(int fd)
{
	return dup_done(fd, TPR_NEXT(dup)(fd));
}

TPR_EXPORT int dup2(int oldfd, int newfd)
{
	if (oldfd == newfd)
		return TPR_NEXT(dup2)(oldfd, newfd);
	return dup_done(oldfd, TPR_NEXT(dup2)(oldfd, newfd));
}

TPR_EXPORT int dup3(int oldfd, int newfd, int flags)
{
	return dup_done(oldfd, TPR_NEXT(dup3)(oldfd, newfd, flags));
}

/*
 * fcntl: F_DUPFD* make another descriptor of the socket; O_NONBLOCK is
 * kept here, not on the eventfd, whose description libtpsim shares and
 * needs non-blocking.
 */
static int fcntl_impl(int (*next)(int, int, ...), int fd, int cmd,
		      unsigned long arg)
{
	struct tpr_fake *f;
	int r;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return dup_done(fd, next(fd, cmd, arg));
	if (cmd != F_GETFL && cmd != F_SETFL)
		return next(fd, cmd, arg);
	f = tpr__get(fd);
	if (!f)
		return next(fd, cmd, arg);
	if (cmd == F_SETFL) {
		r = next(fd, cmd, arg | O_NONBLOCK);
		if (!r)
			atomic_store(&f->nonblock, (arg & O_NONBLOCK) != 0);
	} else {
		r = next(fd, cmd);
		if (r >= 0)
			r = (r & ~O_NONBLOCK) |
			    (atomic_load(&f->nonblock) ? O_NONBLOCK : 0);
	}
	tpr__put(f);
	return r;
}

TPR_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return fcntl_impl(TPR_NEXT(fcntl), fd, cmd, arg);
}

TPR_EXPORT int fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	unsigned long arg;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return fcntl_impl(TPR_NEXT(fcntl64), fd, cmd, arg);
}

/* The SOL_SOCKET options libtpsim leaves out (-ENOPROTOOPT) that every
 * socket takes in sock_setsockopt: stored and read back, with no effect
 * on the simulation (timestamps, priority, busy polling, ...). */
static bool generic_sockopt(int optname)
{
	switch (optname) {
	case SO_DEBUG: case SO_REUSEADDR: case SO_REUSEPORT:
	case SO_KEEPALIVE: case SO_DONTROUTE: case SO_BROADCAST:
	case SO_PRIORITY: case SO_RCVLOWAT: case SO_TIMESTAMP:
	case SO_TIMESTAMPNS: case SO_TIMESTAMPING: case SO_PASSCRED:
	case SO_BUSY_POLL: case SO_MARK: case SO_RXQ_OVFL:
	case SO_WIFI_STATUS: case SO_SELECT_ERR_QUEUE: case SO_INCOMING_CPU:
	case SO_ZEROCOPY: case SO_RCVBUFFORCE: case SO_SNDBUFFORCE:
	case SO_RCVTIMEO: case SO_OOBINLINE:
#ifdef SO_PREFER_BUSY_POLL
	case SO_PREFER_BUSY_POLL: case SO_BUSY_POLL_BUDGET:
#endif
		return true;
	}
	return false;
}

static int setsockopt_generic(struct tpr_fake *f, int optname,
			      const void *val, socklen_t len)
{
	int v, i;

	if (!generic_sockopt(optname))
		return -ENOPROTOOPT;
	if (optname == SO_RCVTIMEO)	/* a struct timeval: only its size */
		return len < sizeof(struct timeval) ? -EINVAL : 0;
	if (len < sizeof(int))
		return -EINVAL;
	if (!val)
		return -EFAULT;
	if (optname == SO_RCVBUFFORCE || optname == SO_SNDBUFFORCE)
		/* the capped forms are what libtpsim models */
		return tpsim_setsockopt(atomic_load(&f->s), SOL_SOCKET,
					optname == SO_RCVBUFFORCE ? SO_RCVBUF
								  : SO_SNDBUF,
					val, len);
	memcpy(&v, val, sizeof(v));
	for (i = 0; i < f->nopt && f->opt_name[i] != optname; i++)
		;
	if (i == TPR_SOCKOPT_SLOTS)
		return 0;
	f->opt_name[i] = optname;
	f->opt_val[i] = v;
	if (i == f->nopt)
		f->nopt++;
	return 0;
}

TPR_EXPORT int setsockopt(int fd, int level, int optname, const void *val,
			  socklen_t len)
{
	struct tpr_fake *f = tpr__get(fd);
	int err;

	if (!f)
		return TPR_NEXT(setsockopt)(fd, level, optname, val, len);
	DEAD_CHECK(f);
	if (!tpr__enter()) {
		tpr__put(f);
		return tpr__fail(-EINTR);
	}
	err = tpsim_setsockopt(atomic_load(&f->s), level, optname, val, len);
	tpr__leave();
	if (err == -ENOPROTOOPT && level == SOL_SOCKET)
		err = setsockopt_generic(f, optname, val, len);
	tpr__trace("setsockopt(%d, %d, %d, len %u) = %d %s", fd, level, optname,
		   (unsigned int)len, err,
		   err ? tpsim_strerror_detail(atomic_load(&f->s)) : "");
	if (!err && level == SOL_PACKET && optname == PACKET_AUXDATA &&
	    len >= sizeof(int))
		atomic_store(&f->auxdata, *(const int *)val != 0);
	if (!err && level == SOL_PACKET && optname == PACKET_FANOUT)
		tpr__setup_step(f);
	tpr__put(f);
	return err ? tpr__fail(err) : 0;
}

static int getsockopt_generic(struct tpr_fake *f, int optname, void *val,
			      socklen_t *len)
{
	int v = 0;

	switch (optname) {
	case SO_TYPE:
		v = f->type;
		break;
	case SO_DOMAIN:
		v = AF_PACKET;
		break;
	case SO_PROTOCOL:
		v = f->protocol;
		break;
	case SO_ACCEPTCONN:
		v = 0;
		break;
	default:
		if (!generic_sockopt(optname) || optname == SO_RCVTIMEO ||
		    optname == SO_RCVBUFFORCE || optname == SO_SNDBUFFORCE)
			return -ENOPROTOOPT;
		for (int i = 0; i < f->nopt; i++)
			if (f->opt_name[i] == optname)
				v = f->opt_val[i];
	}
	if ((int)*len < 0)
		return -EINVAL;
	if (*len > sizeof(v))
		*len = sizeof(v);
	memcpy(val, &v, *len);
	return 0;
}

TPR_EXPORT int getsockopt(int fd, int level, int optname, void *val,
			  socklen_t *len)
{
	struct tpr_fake *f = tpr__get(fd);
	struct tpsim_sock *s;
	int err;

	if (!f)
		return TPR_NEXT(getsockopt)(fd, level, optname, val, len);
	DEAD_CHECK(f);
	s = atomic_load(&f->s);
	if (!tpr__enter()) {
		tpr__put(f);
		return tpr__fail(-EINTR);
	}
	err = tpsim_getsockopt(s, level, optname, val, len);
	if (!err && level == SOL_PACKET && optname == PACKET_STATISTICS) {
		int e;
		struct tpr_run *w = tpr__world(&e);

		if (w)	/* the run layer's lock: inside the section */
			tpr_run_stats_read(w, s, val, *len);
	}
	tpr__leave();
	if (err == -ENOPROTOOPT && level == SOL_SOCKET)
		err = getsockopt_generic(f, optname, val, len);
	if (!err && level == SOL_SOCKET && optname == SO_ERROR &&
	    *len >= sizeof(int) && !*(int *)val)
		*(int *)val = atomic_exchange(&f->soft_err, 0);	/* recvmmsg's */
	tpr__trace("getsockopt(%d, %d, %d) = %d", fd, level, optname, err);
	tpr__put(f);
	return err ? tpr__fail(err) : 0;
}

static void *mmap_impl(void *(*next)(void *, size_t, int, int, int, off_t),
		       void *addr, size_t len, int prot, int flags, int fd,
		       off_t off)
{
	struct tpr_fake *f;
	void *m;
	int err;

	if (fd < 0 || (flags & MAP_ANONYMOUS) || !(f = tpr__get(fd)))
		return next(addr, len, prot, flags, fd, off);
	if (f->dead) {
		tpr__put(f);
		errno = TPR_DEAD_ERRNO;
		return MAP_FAILED;
	}
	if (!tpr__enter()) {	/* from a signal handler, see interpose.h */
		tpr__put(f);
		return (errno = EINTR, MAP_FAILED);
	}
	err = tpsim_mmap(atomic_load(&f->s), addr, len, prot, flags, off, &m);
	tpr__leave();
	tpr__trace("mmap(%d, %zu, flags 0x%x) = %d %s", fd, len, flags, err,
		   err ? tpsim_strerror_detail(atomic_load(&f->s)) : "");
	if (!err) {
		tpr__map_add(f, m, len);
		tpr__setup_step(f);
	}
	tpr__put(f);
	if (err) {
		errno = -err;
		return MAP_FAILED;
	}
	return m;
}

TPR_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd,
		      off_t off)
{
	return mmap_impl(TPR_NEXT(mmap), addr, len, prot, flags, fd, off);
}

TPR_EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd,
			off_t off)
{
	return mmap_impl(TPR_NEXT(mmap64), addr, len, prot, flags, fd, off);
}

TPR_EXPORT int munmap(void *addr, size_t len)
{
	bool done;
	int err = tpr__map_unmap(addr, len, &done);

	if (!done)
		return TPR_NEXT(munmap)(addr, len);
	return err ? tpr__fail(err) : 0;
}
