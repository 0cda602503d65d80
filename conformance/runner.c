// SPDX-License-Identifier: MIT
/*
 * Running one case variant on one backend, isolated: a forked child with
 * its own sockets, a pipe for the verdict and a deadline. A crash or a
 * hang is that case's failure; the run goes on.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"

#define TPC_DEFAULT_TIMEOUT 20

static const struct tpc_case *const *tables(void)
{
	static const struct tpc_case *const t[] = {
		tpc_cases_ring, tpc_cases_options, tpc_cases_mmap,
		tpc_cases_layout, tpc_cases_flags, tpc_cases_stats,
		tpc_cases_poll, tpc_cases_blocks, tpc_cases_tx, tpc_cases_tx_data,
		tpc_cases_vnet,
		tpc_cases_bounds, tpc_cases_bounds_frames, tpc_cases_dev,
		tpc_cases_dev_bpf, tpc_cases_dev_edges, tpc_cases_dev_l3,
		tpc_cases_dev_fanout, tpc_cases_dev_defrag, tpc_cases_fanout_edges,
		tpc_cases_rcvbuf,
		tpc_cases_filter, tpc_cases_filter_ring, tpc_cases_filter_anc,
		tpc_cases_filter_check,
		tpc_cases_peers,
		tpc_cases_peers_opt,
		tpc_cases_rx_edges, tpc_cases_v3_timer_edges, tpc_cases_mmap_flags,
		tpc_cases_fanout_groups, tpc_cases_fanout_room,
		tpc_cases_dev_receive_edges, tpc_cases_defrag_limits,
		tpc_cases_opt_edges, tpc_cases_filter_edges,
		tpc_cases_profile_edges, tpc_cases_tx_hold,
		tpc_cases_recv_edges, tpc_cases_tag_edges, NULL,
	};
	return t;
}

size_t tpc_variants(struct tpc_variant **out)
{
	const struct tpc_case *const *t = tables();
	struct tpc_variant *v = NULL;
	size_t n = 0, cap = 0;

	for (; *t; t++) {
		for (const struct tpc_case *c = *t; c->name; c++) {
			for (int ver = -1; ver <= TPACKET_V3; ver++) {
				if (ver < 0 ? c->versions != 0
					    : !(c->versions & (1u << ver)))
					continue;
				if (n == cap) {
					cap = cap ? cap * 2 : 64;
					v = realloc(v, cap * sizeof(*v));
					if (!v)
						return 0;
				}
				v[n].c = c;
				v[n].version = ver;
				if (ver < 0)
					snprintf(v[n].name, sizeof(v[n].name),
						 "%s", c->name);
				else
					snprintf(v[n].name, sizeof(v[n].name),
						 "v%d.%s", ver + 1, c->name);
				n++;
			}
		}
	}
	*out = v;
	return n;
}

const char *tpc_res_name(enum tpc_res r)
{
	static const char *const names[TPC_NRES] = { "PASS", "FAIL", "SKIP",
						     "XFAIL", "XPASS" };

	return r < TPC_NRES ? names[r] : "?";
}

static void child(const struct tpc_backend_run *b, const struct tpc_variant *v,
		  unsigned int seed, bool verbose, int fd, int timeout)
{
	static struct tpc_t t;
	struct tpc_result r = { 0 };

	alarm((unsigned int)timeout + 1);
	t.ops = b->ops;
	t.bctx = b->ctx;
	t.backend = b->ops->name;
	t.version = v->version;
	t.seed = seed;
	t.verbose = verbose;
	t.info = &b->info;
	if (b->ops->dev_info(b->ctx, t.dev_addr, &t.ifindex) < 0)
		tpc_fail(&t, __LINE__, "dev_info failed");
	else
		v->c->fn(&t);
	while (t.nmaps) {
		t.nmaps--;
		b->ops->munmap(t.maps[t.nmaps].s, t.maps[t.nmaps].addr,
			       t.maps[t.nmaps].len);
	}
	while (t.nsocks)
		b->ops->sock_close(t.socks[--t.nsocks]);
	r.res = t.failed ? TPC_FAIL : t.skipped ? TPC_SKIP : TPC_PASS;
	memcpy(r.msg, t.msg, sizeof(r.msg));
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	_exit(0);
}

/* What a cap offers, as a skip message says it is needed. */
static const char *const cap_desc[TPC_NCAPS] = {
	"a TAP-like Ethernet link (--inject tap)",
	"checksum state on injected frames",
	"a readable wire",
	"frame injection",
	"the device's own address",
	"many sockets on a device (bind, getsockname, link down/up)",
};

void tpc_caps_why(const struct tpc_backend_info *info, unsigned int miss,
		  char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < TPC_NCAPS && n < len; i++) {
		if (!(miss & (1u << i)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s%s%s",
				      n ? "; " : "needs ", cap_desc[i],
				      info->why[i][0] ? ": " : "",
				      info->why[i]);
	}
	if (n < len)
		snprintf(buf + n, len - n, " (%s)", info->env);
}

void tpc_run_case(const struct tpc_backend_run *b, const struct tpc_variant *v,
		  unsigned int seed, bool verbose, struct tpc_result *r)
{
	int timeout = v->c->timeout_s ? v->c->timeout_s : TPC_DEFAULT_TIMEOUT;
	struct timespec a, z;
	struct pollfd p;
	int fds[2], st;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (b->skip_why[0]) {
		r->res = TPC_SKIP;
		snprintf(r->msg, sizeof(r->msg), "%s", b->skip_why);
		return;
	}
	if (v->c->needs & ~b->info.caps) {
		tpc_caps_why(&b->info, v->c->needs & ~b->info.caps, r->msg,
			     sizeof(r->msg));
		r->res = TPC_SKIP;
		return;
	}
	/* "sim" covers its variants too ("sim-batch") */
	if (v->c->only && strcmp(v->c->only, b->ops->name) &&
	    (strncmp(v->c->only, b->ops->name, strlen(v->c->only)) ||
	     b->ops->name[strlen(v->c->only)] != '-')) {
		r->res = TPC_SKIP;
		snprintf(r->msg, sizeof(r->msg), "%s only: %s", v->c->only,
			 v->c->why_only);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (pipe(fds) < 0) {
		r->res = TPC_FAIL;
		snprintf(r->msg, sizeof(r->msg), "pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(b, v, seed, verbose, fds[1], timeout);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		r->res = TPC_FAIL;
		snprintf(r->msg, sizeof(r->msg), "fork: %s", strerror(errno));
		return;
	}
	p = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	n = 0;
	if (poll(&p, 1, timeout * 1000) == 1)
		n = read(fds[0], r, sizeof(*r));
	close(fds[0]);
	if (n != sizeof(*r)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		r->res = TPC_FAIL;
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			snprintf(r->msg, sizeof(r->msg),
				 "crashed: signal %d (%s) (%s)", WTERMSIG(st),
				 strsignal(WTERMSIG(st)), b->ops->name);
		else if (WIFEXITED(st))	/* e.g. exit() in a plug-in */
			snprintf(r->msg, sizeof(r->msg),
				 "crashed: the case's process exited with "
				 "status %d without a verdict (%s)",
				 WEXITSTATUS(st), b->ops->name);
		else
			snprintf(r->msg, sizeof(r->msg),
				 "timed out after %d s (%s)", timeout,
				 b->ops->name);
	} else {
		waitpid(pid, &st, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &z);
	r->secs = (double)(z.tv_sec - a.tv_sec) +
		  (double)(z.tv_nsec - a.tv_nsec) / 1e9;
}
