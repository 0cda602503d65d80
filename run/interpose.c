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

#define TPR_MAX_FD 65536
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
static __thread int in_tpsim;
static __thread volatile sig_atomic_t call_depth;
static __thread struct tpr_fake *volatile kick;

static struct {
	int epfd, fd;
	uint32_t events;
	uint64_t data;
} ep_regs[TPR_MAX_EPOLL];		/* under state_lock */
static int ep_n;	/* tpsim_munmap calls munmap(2) itself */

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
	return true;
}

void tpr__leave(void)
{
	call_depth = 0;
}

void tpr__kick_later(struct tpr_fake *f)
{
	if (kick)
		return;		/* one kick sends every frame marked */
	atomic_fetch_add(&f->refs, 1);
	kick = f;
}

struct tpr_fake *tpr__kick_take(void)
{
	struct tpr_fake *f = kick;

	kick = NULL;
	return f;
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

static void release(struct tpr_fake *f)
{
	struct tpsim_sock *s = atomic_exchange(&f->s, NULL);

	if (!s)
		return;
	pthread_mutex_lock(&state_lock);
	/* its mappings outlive it (M4): munmap(2) undoes them from now on */
	for (int i = 0; i < TPR_MAX_MAPS; i++)
		if (maps[i].f == f) {
			maps[i].f = NULL;
			maps[i].addr = NULL;
			atomic_fetch_sub(&nmaps, 1);
		}
	pthread_mutex_unlock(&state_lock);
	if (f->dead)
		return;		/* the parent's: leave it alone */
	if (world)
		tpr_run_sock_closing(world, s);
	tpsim_close(s);
}

void tpr__put(struct tpr_fake *f)
{
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
	static struct tpr_config *conf;
	static bool tried;
	const struct tpr_config *c;

	pthread_mutex_lock(&state_lock);
	if (!tried) {
		tried = true;
		if (tpr_config_from_env(&conf))
			conf = NULL;
	}
	c = conf;
	pthread_mutex_unlock(&state_lock);
	return c;
}

struct tpr_run *tpr__world_peek(void)
{
	struct tpr_run *w;

	pthread_mutex_lock(&state_lock);
	w = world;
	pthread_mutex_unlock(&state_lock);
	return w;
}

struct tpr_run *tpr__world(int *err)
{
	struct tpr_config *c = NULL;
	struct tpr_run *w;
	int e;

	pthread_mutex_lock(&state_lock);
	if (world || world_err) {
		w = world;
		*err = world_err;
		pthread_mutex_unlock(&state_lock);
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
	pthread_mutex_unlock(&state_lock);
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
	bool m = false;

	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < TPR_MAX_MAPS && !m; i++)
		m = maps[i].addr && maps[i].f == f;
	pthread_mutex_unlock(&state_lock);
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
	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < TPR_MAX_MAPS; i++)
		if (!maps[i].addr) {
			maps[i] = (struct tpr_map){ addr, len, f };
			atomic_fetch_add(&nmaps, 1);
			break;
		}
	/* more than TPR_MAX_MAPS: tpsim refuses past 16 a socket anyway;
	 * an untracked one is unmapped by munmap(2) and keeps counting for
	 * EBUSY, which is the kernel's answer to a leaked mapping */
	pthread_mutex_unlock(&state_lock);
}

int tpr__map_unmap(void *addr, size_t len, bool *done)
{
	struct tpr_fake *f = NULL;
	char *a = addr;
	int err = 0;

	*done = false;
	if (in_tpsim || !atomic_load(&nmaps))
		return 0;
	pthread_mutex_lock(&state_lock);
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
	pthread_mutex_unlock(&state_lock);
	if (!f)
		return 0;
	struct tpsim_sock *s = atomic_load(&f->s);

	if (s && !f->dead) {
		in_tpsim = 1;
		err = tpsim_munmap(s, addr, len);
		in_tpsim = 0;
		*done = true;
	}
	tpr__put(f);
	return err;
}

void tpr__ep_set(int epfd, int op, int fd, uint32_t events, uint64_t data)
{
	int i;

	pthread_mutex_lock(&state_lock);
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
	pthread_mutex_unlock(&state_lock);
}

void tpr__ep_forget_fd(int fd)
{
	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < ep_n; i++)
		if (ep_regs[i].fd == fd || ep_regs[i].epfd == fd)
			ep_regs[i--] = ep_regs[--ep_n];
	pthread_mutex_unlock(&state_lock);
}

int tpr__ep_fds(int epfd, int *fds, int max)
{
	int n = 0;

	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < ep_n && n < max; i++)
		if (ep_regs[i].epfd == epfd)
			fds[n++] = ep_regs[i].fd;
	pthread_mutex_unlock(&state_lock);
	return n;
}

void tpr__ep_find(int epfd, uint64_t data, int *fd, uint32_t *events)
{
	*fd = -1;
	pthread_mutex_lock(&state_lock);
	for (int i = 0; i < ep_n; i++)
		if (ep_regs[i].epfd == epfd && ep_regs[i].data == data) {
			*fd = ep_regs[i].fd;
			*events = ep_regs[i].events;
			break;
		}
	pthread_mutex_unlock(&state_lock);
}

/* Write the report and the output files of the world once. */
static void world_end(void)
{
	struct tpr_run *w;

	pthread_mutex_lock(&state_lock);
	w = world;
	if (w && world_pid != getpid())
		w = NULL;	/* a vfork child: the world is the parent's */
	pthread_mutex_unlock(&state_lock);
	if (w)
		tpr_run_finish(w);
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

static void fork_prepare(void)
{
	pthread_mutex_lock(&state_lock);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&state_lock);
}

/* The child: no producer thread, so every simulated socket is dead and
 * no new one can be made; the world is the parent's to finish. */
static void fork_child(void)
{
	pthread_mutex_init(&state_lock, NULL);
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
 * exit-time leak check, so the world's threads are joined by then (with
 * them still running, LeakSanitizer's check left dumpcap hung at exit on
 * glibc's locale lock) and what the world holds is freed */
__attribute__((constructor)) static void interpose_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	atexit(interpose_fini);
}

/* At exit: the report first (the checker sees the rings as the program
 * left them), then the sockets, then the world. */
static void interpose_fini(void)
{
	struct tpr_run *w;

	pthread_mutex_lock(&state_lock);
	w = world;
	if (w && world_pid != getpid())
		w = NULL;
	pthread_mutex_unlock(&state_lock);
	if (!w)
		return;
	tpr_run_finish(w);
	for (int fd = 0; fd < TPR_MAX_FD; fd++)
		if (atomic_load_explicit(&fd_table[fd], memory_order_relaxed))
			tpr__forget(fd);
	pthread_mutex_lock(&state_lock);
	world = NULL;
	world_err = -ESHUTDOWN;
	pthread_mutex_unlock(&state_lock);
	tpr_run_destroy(w);
}
