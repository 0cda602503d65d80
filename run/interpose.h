/* SPDX-License-Identifier: MIT */
/*
 * The preload interposer of `tpsim run` (build/libtpsim-run.so): what its
 * files share. Not installed; the library's interface is the libc
 * functions it defines.
 *
 * A packet socket the program opens becomes a simulated socket (struct
 * tpsim_sock in the world of run/tpr.h) behind a real kernel descriptor:
 * a dup of the socket's tpsim_poll_fd() eventfd, so that poll, select
 * and epoll on it work unchanged and the descriptor number is the
 * kernel's to hand out. interpose.c holds the process-wide state (the
 * descriptor table, the world, the mappings); the other files are
 * stateless wrappers of one concern each.
 */
#ifndef TPR_INTERPOSE_H
#define TPR_INTERPOSE_H

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tpr.h"
#include "tpsim.h"

/* the wrappers are the library's interface: exported despite
 * -fvisibility=hidden */
#define TPR_EXPORT __attribute__((visibility("default")))

/*
 * The next definition of libc function fn (dlsym RTLD_NEXT), looked up
 * once per call site and cached; usable before the constructor ran (the
 * dynamic loader may call into us that early).
 */
void *tpr__dlnext(const char *name);
#define TPR_NEXT(fn) ({							\
	static void *next_;						\
	void *p_ = __atomic_load_n(&next_, __ATOMIC_ACQUIRE);		\
	if (!p_) {							\
		p_ = tpr__dlnext(#fn);					\
		__atomic_store_n(&next_, p_, __ATOMIC_RELEASE);		\
	}								\
	(__typeof__(&fn))p_;						\
})

/* One line on stderr per simulated call when TPSIM_RUN_TRACE is set
 * (asked for: never otherwise). */
void tpr__trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Generic SOL_SOCKET options the simulator does not model but a
 * packet socket accepts (sock_setsockopt): kept and read back. */
#define TPR_SOCKOPT_SLOTS 16

/*
 * One simulated socket, shared by every descriptor that refers to it
 * (dup). Entries come from a fixed pool and are never freed, so a racing
 * lookup never touches freed memory; refs counts descriptors plus calls
 * in flight, and the tpsim socket is closed when it falls to 0.
 */
struct tpr_fake {
	_Atomic int refs;		/* 0: free pool entry */
	_Atomic(struct tpsim_sock *) s;	/* NULL once closed */
	int type;			/* SOCK_RAW / SOCK_DGRAM */
	int protocol;			/* as socket(2) took it (net order) */
	_Atomic bool nonblock;		/* O_NONBLOCK of the description */
	_Atomic bool bound;		/* bound to the simulated device */
	_Atomic bool auxdata;		/* PACKET_AUXDATA on */
	_Atomic int soft_err;		/* errno a recvmmsg left for the next
					 * call (sk_err), 0 none */
	bool dead;			/* world left behind by fork */
	int opt_name[TPR_SOCKOPT_SLOTS];
	int opt_val[TPR_SOCKOPT_SLOTS];
	int nopt;
};

/* descriptors at or past this are never simulated sockets */
#define TPR_MAX_FD 65536

/* The simulated socket behind fd with a reference taken, or NULL when
 * fd is not one (then the caller passes the call on). */
struct tpr_fake *tpr__get(int fd);
void tpr__put(struct tpr_fake *f);
/* A new entry for s (refs 1), or NULL when the pool is exhausted. */
struct tpr_fake *tpr__alloc(struct tpsim_sock *s, int type, int protocol);
/* Make fd refer to f (takes a reference). -EMFILE past the table. */
int tpr__install(int fd, struct tpr_fake *f);
/* fd no longer refers to its socket (the reference is dropped). */
void tpr__forget(int fd);

/* The world, created at the first need when TPSIM_RUN_CONFIG is set:
 * NULL and *err = -ENOENT when not under tpsim run, another negative
 * errno when it could not be created (or fork left it in the parent). */
struct tpr_run *tpr__world(int *err);

/* A mapping of a simulated socket's ring (munmap goes to tpsim). */
void tpr__map_add(struct tpr_fake *f, void *addr, size_t len);
/* If [addr, addr+len) lies in a ring mapping of a live socket: unmap it
 * through tpsim (return its result, 0 or negative errno) and set *done;
 * else *done = false. */
int tpr__map_unmap(void *addr, size_t len, bool *done);

/*
 * Calls into libtpsim and the run layer take locks that are not
 * recursive, so a signal handler that calls back into a simulated socket
 * while its thread is inside such a section (netsniff-ng kicks its TX
 * ring from a timer signal) must not enter it: every section that takes
 * one is bracketed by tpr__enter()/tpr__leave() (or runs with signals
 * blocked), and tpr__enter() is false inside one. A kick refused so
 * (the handler's send of no data on a TX ring) is queued with
 * tpr__kick_later (0, or -ENOBUFS when TPR_DEFER are queued) and done
 * by tpr__leave() of the section it interrupted, as is the closing of a
 * socket whose last reference went meanwhile (tpr__put); other calls
 * fail with EINTR. The multiplexers are sections too (their waits let
 * signals in only inside ppoll/epoll_pwait): a handler's kick there is
 * sent before the call returns EINTR.
 */
bool tpr__enter(void);
void tpr__leave(void);
int tpr__kick_later(struct tpr_fake *f);

/* recvmsg and sendmsg on a simulated socket (interpose_io.c): the
 * byte count or a negative errno; recvmmsg and sendmmsg loop on them. */
ssize_t tpr__recvmsg(struct tpr_fake *f, struct msghdr *msg, int flags);
ssize_t tpr__sendmsg(struct tpr_fake *f, const struct msghdr *msg, int flags);

/* -1 with errno = -err, the libc convention at the edge. */
static inline int tpr__fail(int err)
{
	errno = -err;
	return -1;
}

/* The errno of every call on a socket a fork left in the parent: the
 * simulated interface (and its producer) lives in the parent only. */
#define TPR_DEAD_ERRNO ENETDOWN

/* The configuration of tpsim run (parsed once), NULL when not under it:
 * what the interface looks like before the world exists, so a process
 * that only asks about interfaces (ip, tshark's parent) creates none. */
const struct tpr_config *tpr__config(void);
/* The world if it exists, without creating it. */
struct tpr_run *tpr__world_peek(void);

/* The program now waits for packets on f: let the producer start. Only
 * a wait that may block counts (blocking true): libpcap's non-blocking
 * drain of a new filter is setup, not a consumer ready for traffic. */
void tpr__consumer_waits(struct tpr_fake *f, bool blocking);
/* A setup step of f succeeded (bind, mmap, PACKET_FANOUT). A socket
 * that is bound, has its RX ring mapped and is in a fanout group is a
 * busy poller's queue (DPDK's af_packet PMD: mmap, bind, then
 * PACKET_FANOUT, and no call after that while it reads the ring): the
 * producer starts then, whichever of the three came last. No program
 * that waits for packets (libpcap, netsniff-ng) sets all three before
 * its filter is in place, so their start stays the first wait. */
void tpr__setup_step(struct tpr_fake *f);

/* Registrations of simulated sockets in epoll instances (at most
 * TPR_MAX_EPOLL): op as epoll_ctl's; the descriptors of epfd (returns
 * how many); the descriptor and events registered with data (fd -1). */
#define TPR_MAX_EPOLL 64
void tpr__ep_set(int epfd, int op, int fd, uint32_t events, uint64_t data);
int tpr__ep_fds(int epfd, int *fds, int max);
/* fd closed: its registrations go (as the kernel's, once the last
 * descriptor of the file is closed), and those of it as an instance */
void tpr__ep_forget_fd(int fd);
void tpr__ep_find(int epfd, uint64_t data, int *fd, uint32_t *events);


#endif
