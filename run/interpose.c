/* SPDX-License-Identifier: MIT */
/*
 * The interposer's process-wide state, all of it in this file: the table
 * from descriptor to simulated socket, the pool of sockets, the world
 * (run/tpr.h) and the ring mappings; fork, exec and exit.
 *
 * Locking: descriptor lookups are lock-free (an atomic slot per
 * descriptor, pool entries never freed), so read/write/mmap on ordinary
 * descriptors cost one atomic load and libtpsim's own calls through the
 * wrappers never meet a lock we hold. One mutex guards world creation
 * and the mapping list; it is never held across a call into libc that
 * we wrap.
 *
 * fork: the child keeps the descriptors (real eventfds) but not the
 * producer thread, so its simulated sockets are dead: every call on them
 * fails with ENETDOWN (TPR_DEAD_ERRNO), as if the interface had gone. A
 * ring mapped before the fork stays readable (shared memory).
 * exec: the world is finished (report and output files written) before
 * the new image replaces this one; TPSIM_RUN_CONFIG stays in the
 * environment, so a program that execs a capture program (sh -c) works.
 */
#undef _FORTIFY_SOURCE
#include "interpose.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#define TPR_POOL 256
#define TPR_MAX_MAPS 64

static _Atomic(struct tpr_fake *) fd_table[TPR_MAX_FD];
static struct tpr_fake pool[TPR_POOL];

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tpr_run *world;		/* under state_lock */
static int world_err;			/* why there is none (0: not tried) */
static pid_t world_pid;

struct tpr_map {
	void *addr;
	size_t len;
	struct tpr_fake *f;
};
static struct tpr_map maps[TPR_MAX_MAPS];	/* under state_lock */
static _Atomic int nmaps;
static __thread int in_tpsim;	/* tpsim_munmap calls munmap(2) itself */

/*
 * Signal safety (interpose.h): call_depth is 1 while this thread is
 * inside a section that holds, or may take, a lock of libtpsim or of the
 * run layer; a signal handler calling in then must not take them (the
 * lock is not recursive: netsniff-ng's SIGALRM sendto landing inside its
 * own munmap of the TX ring deadlocked on the socket's lock). What such
 * a handler asks that cannot wait (a kick of a TX ring) or must not be
 * lost (the last reference of a socket) is put in this thread's deferred
 * slots, which every section runs as it leaves (tpr__leave). The slots
 * are written by the handler and emptied by the thread it interrupted,
 * one atomic exchange each, so neither can lose the other's entry.
 */
#define TPR_DEFER 8
static __thread volatile sig_atomic_t call_depth;
static __thread _Atomic(struct tpr_fake *) kicks[TPR_DEFER];
static __thread _Atomic(struct tpr_fake *) closes[TPR_DEFER];

/* state_lock with every signal blocked: a handler never finds it held by
 * the code it interrupted, so handlers may take it too */
static void state_lock_take(sigset_t *old)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, old);
	pthread_mutex_lock(&state_lock);
}

static void state_lock_drop(const sigset_t *old)
{
	pthread_mutex_unlock(&state_lock);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static struct {
	int epfd, fd;
	uint32_t events;
	uint64_t data;
} ep_regs[TPR_MAX_EPOLL];		/* under state_lock */
static int ep_n;

void *tpr__dlnext(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

void tpr__trace(const char *fmt, ...)
{
	static _Atomic int on = -1;	/* every thread computes the same */
	char line[256];
	va_list ap;
	int n;

	if (atomic_load(&on) < 0)
		atomic_store(&on, getenv("TPSIM_RUN_TRACE") != NULL);
	if (!atomic_load(&on))
		return;
	n = snprintf(line, sizeof(line), "tpsim-run[%d]: ", (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	TPR_NEXT(write)(2, line, (size_t)n);
}

bool tpr__enter(void)
{
	if (call_depth)
		return false;
	call_depth = 1;
	atomic_signal_fence(memory_order_seq_cst);
	return true;
}

static bool defer(_Atomic(struct tpr_fake *) *slot, struct tpr_fake *f)
{
	for (int i = 0; i < TPR_DEFER; i++) {
		struct tpr_fake *none = NULL;

		if (atomic_compare_exchange_strong(&slot[i], &none, f))
			return true;
	}
	return false;
}

int tpr__kick_later(struct tpr_fake *f)
{
	for (int i = 0; i < TPR_DEFER; i++)
		if (atomic_load(&kicks[i]) == f)
			return 0;	/* one kick sends every frame marked */
	atomic_fetch_add(&f->refs, 1);
	if (defer(kicks, f))
		return 0;
	atomic_fetch_sub(&f->refs, 1);	/* not the last: ours was extra */
	return -ENOBUFS;
}

/* One deferred entry run (at depth 0, entering itself); false when the
 * slots are empty. A kick is tpsim_send of the TX ring's marked frames,
 * as the handler's send would have been (MSG_DONTWAIT: it ran in a
 * handler, which must not wait). */
static bool run_deferred(void)
{
	for (int i = 0; i < TPR_DEFER; i++) {
		struct tpr_fake *f = atomic_exchange(&kicks[i], NULL);
		struct tpsim_sock *s;

		if (!f)
			continue;
		s = atomic_load(&f->s);
		if (s && !f->dead) {
			call_depth = 1;
			atomic_signal_fence(memory_order_seq_cst);
			tpsim_send(s, NULL, MSG_DONTWAIT);
			atomic_signal_fence(memory_order_seq_cst);
			call_depth = 0;
		}
		tpr__put(f);
		return true;
	}
	for (int i = 0; i < TPR_DEFER; i++) {
		struct tpr_fake *f = atomic_exchange(&closes[i], NULL);

		if (f) {
			tpr__put(f);
			return true;
		}
	}
	return false;
}

void tpr__leave(void)
{
	atomic_signal_fence(memory_order_seq_cst);
	call_depth = 0;
	atomic_signal_fence(memory_order_seq_cst);
	while (run_deferred())
		;
}

struct tpr_fake *tpr__get(int fd)
{
	struct tpr_fake *f;

	if (fd < 0 || fd >= TPR_MAX_FD)
		return NULL;
	for (;;) {
		f = atomic_load(&fd_table[fd]);
		if (!f)
			return NULL;
		atomic_fetch_add(&f->refs, 1);
		if (atomic_load(&fd_table[fd]) == f)
			return f;
		tpr__put(f);	/* closed or replaced meanwhile */
	}
}

/* the last reference gone (at depth 0): the socket closes */
static void release(struct tpr_fake *f)
{
	struct tpsim_sock *s = atomic_exchange(&f->s, NULL);
	sigset_t old;

	if (!s)
		return;
	state_lock_take(&old);
	/* its mappings outlive it (M4): munmap(2) undoes them from now on */
	for (int i = 0; i < TPR_MAX_MAPS; i++)
		if (maps[i].f == f) {
			maps[i].f = NULL;
			maps[i].addr = NULL;
			atomic_fetch_sub(&nmaps, 1);
		}
	state_lock_drop(&old);
	if (f->dead)
		return;		/* the parent's: leave it alone */
	call_depth = 1;
	atomic_signal_fence(memory_order_seq_cst);
	if (world)
		tpr_run_sock_closing(world, s);
	tpsim_close(s);
	tpr__leave();
}

/*
 * Inside a section (or a handler that interrupted one) the last
 * reference is not dropped but deferred: closing takes locks. A
 * reference that is not the last goes at once; refs never reaches 0
 * here, so the pool entry cannot be handed out meanwhile.
 */
void tpr__put(struct tpr_fake *f)
{
	if (call_depth) {
		int r = atomic_load(&f->refs);

		while (r > 1)
			if (atomic_compare_exchange_weak(&f->refs, &r, r - 1))
				return;
		if (!defer(closes, f))
			/* more than TPR_DEFER closes in handlers during one
			 * call: the socket stays open (never a deadlock) */
			tpr__trace("a socket closed in a signal handler "
				   "stays open: %d closes deferred",
				   TPR_DEFER);
		return;
	}
	if (atomic_fetch_sub(&f->refs, 1) == 1)
		release(f);
}

struct tpr_fake *tpr__alloc(struct tpsim_sock *s, int type, int protocol)
{
	for (int i = 0; i < TPR_POOL; i++) {
		struct tpr_fake *f = &pool[i];
		int zero = 0;

		if (!atomic_compare_exchange_strong(&f->refs, &zero, 1))
			continue;
		f->type = type;
		f->protocol = protocol;
		f->dead = false;
		f->nopt = 0;
		atomic_store(&f->nonblock, false);
		atomic_store(&f->bound, false);
		atomic_store(&f->auxdata, false);
		atomic_store(&f->soft_err, 0);
		atomic_store(&f->s, s);
		return f;
	}
	return NULL;
}

int tpr__install(int fd, struct tpr_fake *f)
{
	struct tpr_fake *old;

	if (fd < 0 || fd >= TPR_MAX_FD)
		return -EMFILE;
	atomic_fetch_add(&f->refs, 1);
	old = atomic_exchange(&fd_table[fd], f);
	if (old)
		tpr__put(old);
	return 0;
}

void tpr__forget(int fd)
{
	struct tpr_fake *old;

	if (fd < 0 || fd >= TPR_MAX_FD)
		return;
	old = atomic_exchange(&fd_table[fd], NULL);
	if (old)
		tpr__put(old);
}

const struct tpr_config *tpr__config(void)
{
	sigset_t old_mask;
	static struct tpr_config *conf;
	static bool tried;
	const struct tpr_config *c;

	state_lock_take(&old_mask);
	if (!tried) {
		tried = true;
		if (tpr_config_from_env(&conf))
			conf = NULL;
	}
	c = conf;
	state_lock_drop(&old_mask);
	return c;
}

struct tpr_run *tpr__world_peek(void)
{
	sigset_t old_mask;
	struct tpr_run *w;

	state_lock_take(&old_mask);
	w = world;
	state_lock_drop(&old_mask);
	return w;
}

struct tpr_run *tpr__world(int *err)
{
	sigset_t old_mask;
	struct tpr_config *c = NULL;
	struct tpr_run *w;
	int e;

	state_lock_take(&old_mask);
	if (world || world_err) {
		w = world;
		*err = world_err;
		state_lock_drop(&old_mask);
		return w;
	}
	e = tpr_config_from_env(&c);
	if (!e) {
		e = tpr_run_create(c, &world);
		tpr_config_free(c);
	}
	if (e) {
		world = NULL;
		world_err = e;
	} else {
		world_pid = getpid();
	}
	w = world;
	*err = world_err;
	state_lock_drop(&old_mask);
	return w;
}

void tpr__consumer_waits(struct tpr_fake *f, bool blocking)
{
	if (blocking && atomic_load(&f->bound) && world && !f->dead)
		tpr_run_consumer_ready(world);
}

/* f has a ring mapping now */
static bool mapped(const struct tpr_fake *f)
{
	sigset_t old_mask;
	bool m = false;

	state_lock_take(&old_mask);
	for (int i = 0; i < TPR_MAX_MAPS && !m; i++)
		m = maps[i].addr && maps[i].f == f;
	state_lock_drop(&old_mask);
	return m;
}

void tpr__setup_step(struct tpr_fake *f)
{
	struct tpsim_sock *s = atomic_load(&f->s);
	struct tpsim_ring_view v;
	socklen_t len = sizeof(int);
	int fanout = 0;

	if (!s || f->dead || !atomic_load(&f->bound))
		return;
	/* the socket's lock, state_lock and the run's are taken: a section
	 * (see tpr__enter), never inside a signal handler's socket call */
	if (!tpr__enter())
		return;
	if (!tpsim_ring_view_of(s, TPSIM_RING_RX, &v) &&
	    !tpsim_getsockopt(s, SOL_PACKET, PACKET_FANOUT, &fanout, &len) &&
	    fanout && mapped(f))
		tpr__consumer_waits(f, true);
	tpr__leave();
}

void tpr__map_add(struct tpr_fake *f, void *addr, size_t len)
{
	sigset_t old_mask;

	state_lock_take(&old_mask);
	for (int i = 0; i < TPR_MAX_MAPS; i++)
		if (!maps[i].addr) {
			maps[i] = (struct tpr_map){ addr, len, f };
			atomic_fetch_add(&nmaps, 1);
			break;
		}
	/* more than TPR_MAX_MAPS: tpsim refuses past 16 a socket anyway;
	 * an untracked one is unmapped by munmap(2) and keeps counting for
	 * EBUSY, which is the kernel's answer to a leaked mapping */
	state_lock_drop(&old_mask);
}

int tpr__map_unmap(void *addr, size_t len, bool *done)
{
	sigset_t old_mask;
	struct tpr_fake *f = NULL;
	char *a = addr;
	int err = 0;

	*done = false;
	if (in_tpsim || !atomic_load(&nmaps))
		return 0;
	state_lock_take(&old_mask);
	for (int i = 0; i < TPR_MAX_MAPS; i++) {
		char *lo = maps[i].addr;

		if (!lo || a < lo || a >= lo + maps[i].len)
			continue;
		f = maps[i].f;
		atomic_fetch_add(&f->refs, 1);
		if (a == lo && len >= maps[i].len) {
			maps[i].addr = NULL;	/* all of it goes */
			maps[i].f = NULL;
			atomic_fetch_sub(&nmaps, 1);
		}
		break;
	}
	state_lock_drop(&old_mask);
	if (!f)
		return 0;
	struct tpsim_sock *s = atomic_load(&f->s);

	if (s && !f->dead) {
		*done = true;
		if (!tpr__enter()) {
			/* a handler unmapping a ring while its thread is
			 * inside a simulated call: tpsim cannot take the
			 * socket's lock (see interpose.h) */
			err = -EINTR;
		} else {
			in_tpsim = 1;
			err = tpsim_munmap(s, addr, len);
			in_tpsim = 0;
			tpr__leave();
		}
	}
	tpr__put(f);
	return err;
}

void tpr__ep_set(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	sigset_t old_mask;
	int i;

	state_lock_take(&old_mask);
	for (i = 0; i < ep_n; i++)
		if (ep_regs[i].epfd == epfd && ep_regs[i].fd == fd)
			break;
	if (op == EPOLL_CTL_DEL) {
		if (i < ep_n)
			ep_regs[i] = ep_regs[--ep_n];
	} else if (i < TPR_MAX_EPOLL) {
		ep_regs[i].epfd = epfd;
		ep_regs[i].fd = fd;
		ep_regs[i].events = events;
		ep_regs[i].data = data;
		if (i == ep_n)
			ep_n++;
	}
	state_lock_drop(&old_mask);
}

void tpr__ep_forget_fd(int fd)
{
	sigset_t old_mask;

	state_lock_take(&old_mask);
	for (int i = 0; i < ep_n; i++)
		if (ep_regs[i].fd == fd || ep_regs[i].epfd == fd)
			ep_regs[i--] = ep_regs[--ep_n];
	state_lock_drop(&old_mask);
}

int tpr__ep_fds(int epfd, int *fds, int max)
{
	sigset_t old_mask;
	int n = 0;

	state_lock_take(&old_mask);
	for (int i = 0; i < ep_n && n < max; i++)
		if (ep_regs[i].epfd == epfd)
			fds[n++] = ep_regs[i].fd;
	state_lock_drop(&old_mask);
	return n;
}

void tpr__ep_find(int epfd, uint64_t data, int *fd, uint32_t *events)
{
	sigset_t old_mask;

	*fd = -1;
	state_lock_take(&old_mask);
	for (int i = 0; i < ep_n; i++)
		if (ep_regs[i].epfd == epfd && ep_regs[i].data == data) {
			*fd = ep_regs[i].fd;
			*events = ep_regs[i].events;
			break;
		}
	state_lock_drop(&old_mask);
}

/* Write the report and the output files of the world once. */
static void world_end(void)
{
	sigset_t old_mask;
	struct tpr_run *w;

	state_lock_take(&old_mask);
	w = world;
	if (w && world_pid != getpid())
		w = NULL;	/* a vfork child: the world is the parent's */
	state_lock_drop(&old_mask);
	/* an exec from a handler that interrupted a simulated call: the
	 * world's locks may be held by that call, the report is lost */
	if (w && tpr__enter()) {
		tpr_run_finish(w);
		tpr__leave();
	}
}

/* The exec family: finish first (the new image starts afresh). */
TPR_EXPORT int execve(const char *path, char *const argv[],
		      char *const envp[])
{
	world_end();
	return TPR_NEXT(execve)(path, argv, envp);
}

TPR_EXPORT int execv(const char *path, char *const argv[])
{
	world_end();
	return TPR_NEXT(execv)(path, argv);
}

TPR_EXPORT int execvp(const char *file, char *const argv[])
{
	world_end();
	return TPR_NEXT(execvp)(file, argv);
}

TPR_EXPORT int execvpe(const char *file, char *const argv[],
		       char *const envp[])
{
	world_end();
	return TPR_NEXT(execvpe)(file, argv, envp);
}

TPR_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	world_end();
	return TPR_NEXT(fexecve)(fd, argv, envp);
}

/* execl, execlp, execle: the list made a vector (glibc's own execl calls
 * its internal execve, which no interposer sees) */
static int exec_list(int kind, const char *path, const char *arg0,
		     va_list ap)
{
	va_list cp;
	size_t n = 1;
	char *const *envp = NULL;

	va_copy(cp, ap);
	while (va_arg(cp, char *))
		n++;
	va_end(cp);
	char *argv[n + 1];

	argv[0] = (char *)arg0;
	for (size_t i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *);
	if (kind == 'e')
		envp = va_arg(ap, char *const *);
	if (kind == 'e')
		return execve(path, argv, envp);
	if (kind == 'p')
		return execvp(path, argv);
	return execv(path, argv);
}

TPR_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list('l', path, arg, ap);
	va_end(ap);
	return r;
}

TPR_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list('p', file, arg, ap);
	va_end(ap);
	return r;
}

TPR_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int r;

	va_start(ap, arg);
	r = exec_list('e', path, arg, ap);
	va_end(ap);
	return r;
}

/* fork: the lock is held across it, with signals blocked (the mask
 * of the forking thread, put back in both processes) */
static __thread sigset_t fork_mask;

static void fork_prepare(void)
{
	state_lock_take(&fork_mask);
}

static void fork_parent(void)
{
	state_lock_drop(&fork_mask);
}

/* The child: no producer thread, so every simulated socket is dead and
 * no new one can be made; the world is the parent's to finish. */
static void fork_child(void)
{
	pthread_mutex_init(&state_lock, NULL);
	pthread_sigmask(SIG_SETMASK, &fork_mask, NULL);
	if (!world)
		return;
	for (int i = 0; i < TPR_POOL; i++)
		pool[i].dead = true;
	world = NULL;
	world_err = -TPR_DEAD_ERRNO;
}

static void interpose_fini(void);

/* interpose_fini is an atexit handler, not a destructor: registered after
 * the sanitizer runtimes' own (preloaded before us), it runs before their
 * exit-time leak check, so the world's threads are joined by then and
 * what the world holds is freed. (dumpcap's hang at exit under SAN=1 is
 * not this: ASan's lazy start inside libp11-kit's newlocale() corrupts
 * glibc's locale lock, see tests/run/run.bats.) */
__attribute__((constructor)) static void interpose_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	atexit(interpose_fini);
}

/* At exit: the report first (the checker sees the rings as the program
 * left them), then the sockets, then the world. */
static void interpose_fini(void)
{
	sigset_t old_mask;
	struct tpr_run *w;

	state_lock_take(&old_mask);
	w = world;
	if (w && world_pid != getpid())
		w = NULL;
	state_lock_drop(&old_mask);
	if (!w || !tpr__enter())	/* exit() from such a handler */
		return;
	tpr_run_finish(w);
	tpr__leave();
	for (int fd = 0; fd < TPR_MAX_FD; fd++)
		if (atomic_load_explicit(&fd_table[fd], memory_order_relaxed))
			tpr__forget(fd);
	state_lock_take(&old_mask);
	world = NULL;
	world_err = -ESHUTDOWN;
	state_lock_drop(&old_mask);
	tpr_run_destroy(w);
}
