// SPDX-License-Identifier: MIT
/*
 * tpconform --differential N: random operation sequences (diff_seq.c) run
 * on two backends (sim and kernel, or any two given with -b), compared
 * line by line.
 *
 * A differing sequence is shrunk before it is printed: packets, options,
 * V3's private area and feature word, and blocks are taken away one at a
 * time for as long as the two backends still differ on the same kind of
 * line, so the reproducer shows only what the difference needs. A plug-in
 * backend runs each sequence in a child of its own, so that a crash or a
 * hang is a difference, not the end of the run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff_seq.h"
#include "differential.h"

#define CHILD_TIMEOUT_S 20	/* a plug-in's sequence, at the most */

/* One sequence on one side; a side that may crash or hang runs it in a
 * child, writing into o, which is shared memory. */
static void run_side(const struct tpc_diff_side *d, const struct tpc_seq *s,
		     struct tpc_out *o)
{
	pid_t pid;
	int st;

	o->len = 0;
	o->buf[0] = '\0';
	if (!d->isolate) {
		tpc_seq_run(d->ops, d->ctx, s, o);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(CHILD_TIMEOUT_S);
		tpc_seq_run(d->ops, d->ctx, s, o);
		_exit(0);
	}
	if (pid < 0) {
		tpc_emit(o, "fork: %s\n", strerror(errno));
		return;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		tpc_emit(o, "timed out after %d s\n", CHILD_TIMEOUT_S);
	else if (WIFSIGNALED(st))
		tpc_emit(o, "crashed: signal %d (%s)\n", WTERMSIG(st),
		     strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st))
		tpc_emit(o, "exited with status %d\n", WEXITSTATUS(st));
}

/* The first line where a and b differ, both versions of it, and in key
 * that line's first word (what kind of thing differs). */
static bool first_diff(const char *a, const char *b, char *out, size_t len,
		       char key[16])
{
	const char *la = a, *lb = b;

	for (;;) {
		const char *ea = strchr(la, '\n'), *eb = strchr(lb, '\n');
		size_t na = ea ? (size_t)(ea - la) : strlen(la);
		size_t nb = eb ? (size_t)(eb - lb) : strlen(lb);

		if (na != nb || memcmp(la, lb, na)) {
			snprintf(out, len, "%.*s  <->  %.*s", (int)na, la,
				 (int)nb, lb);
			la += strspn(la, " ");
			snprintf(key, 16, "%.*s", (int)strcspn(la, " :\n"), la);
			return true;
		}
		if (!ea || !eb)
			break;
		la = ea + 1;
		lb = eb + 1;
	}
	snprintf(out, len, "(no line differs)");
	key[0] = '\0';
	return false;
}

struct diff_run {
	const struct tpc_diff_side *a, *b;
	struct tpc_out *oa, *ob;	/* shared memory: children write there */
};

/* Do the two sides still differ on a line of this kind? */
static bool still_differs(struct diff_run *d, const struct tpc_seq *s,
			  const char *key)
{
	char line[700], k[16];

	run_side(d->a, s, d->oa);
	run_side(d->b, s, d->ob);
	return first_diff(d->oa->buf, d->ob->buf, line, sizeof(line), k) &&
	       !strcmp(k, key);
}

/* Take away what the difference does not need, one thing at a time,
 * until nothing more can go; returns the number of runs it took. */
static unsigned int shrink(struct diff_run *d, struct tpc_seq *s, const char *key)
{
	unsigned int runs = 0;
	bool progress = true;

	while (progress) {
		struct tpc_seq t;

		progress = false;
		for (unsigned int k = s->npkts; k-- > 0;) {
			if (!(s->keep >> k & 1))
				continue;
			t = *s;
			t.keep &= ~(1ull << k);
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
		for (unsigned int i = s->nopt; i-- > 0;) {
			t = *s;
			memmove(&t.opt[i], &t.opt[i + 1],
				(t.nopt - i - 1) * sizeof(t.opt[0]));
			t.nopt--;
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
		if (s->filter) {	/* without the filter */
			t = *s;
			t.filter = false;
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
		for (int step = 0; step < 3; step++) {
			uint32_t fpb;

			t = *s;
			if (step == 0 && t.q.tp_sizeof_priv)
				t.q.tp_sizeof_priv = 0;
			else if (step == 1 && t.q.tp_feature_req_word)
				t.q.tp_feature_req_word = 0;
			else if (step == 2 && t.q.tp_block_nr > 1 &&
				 t.q.tp_frame_size &&
				 t.q.tp_frame_nr >= (fpb = t.q.tp_block_size /
							   t.q.tp_frame_size)) {
				/* one block less; a frame count that was off
				 * stays off by as much */
				t.q.tp_block_nr--;
				t.q.tp_frame_nr -= fpb;
			} else {
				continue;
			}
			runs++;
			if (still_differs(d, &t, key)) {
				*s = t;
				progress = true;
			}
		}
	}
	return runs;
}

int tpc_differential(const struct tpc_diff_side *a,
		     const struct tpc_diff_side *b, unsigned long n,
		     unsigned long seed, FILE *f)
{
	struct tpc_out *oa, *ob;
	struct diff_run d = { .a = a, .b = b };
	unsigned long differing = 0, filtered = 0;

	oa = mmap(NULL, 2 * sizeof(*oa), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (oa == MAP_FAILED) {
		fprintf(f, "differential: out of memory\n");
		return 2;
	}
	ob = oa + 1;
	d.oa = oa;
	d.ob = ob;
	for (unsigned long i = 0; i < n; i++) {
		struct tpc_seq s, m;
		char what[512], diff[700], key[16];
		unsigned int runs;

		tpc_seq_gen(seed + i, &s);
		filtered += s.filter;
		run_side(a, &s, oa);
		run_side(b, &s, ob);
		if (oa->len == ob->len && !memcmp(oa->buf, ob->buf, oa->len))
			continue;
		differing++;
		tpc_seq_describe(&s, what, sizeof(what));
		first_diff(oa->buf, ob->buf, diff, sizeof(diff), key);
		fprintf(f, "DIFF sequence %lu (reproduce: --differential 1 "
			   "--seed %lu): %s\n  %s: %s\n", i, seed + i, what,
			a->ops->name, diff);
		m = s;
		runs = shrink(&d, &m, key);
		/* the runs of the last try may not be m's: run m again */
		run_side(a, &m, oa);
		run_side(b, &m, ob);
		tpc_seq_describe(&m, what, sizeof(what));
		first_diff(oa->buf, ob->buf, diff, sizeof(diff), key);
		fprintf(f, "  shrunk in %u runs to: %s\n  %s: %s\n", runs, what,
			a->ops->name, diff);
		if (n == 1)	/* a reproducer: both sides whole */
			fprintf(f, "--- %s\n%s--- %s\n%s", a->ops->name,
				oa->buf, b->ops->name, ob->buf);
	}
	munmap(oa, 2 * sizeof(*oa));
	fprintf(f, "differential: %lu sequences (seed %lu, %lu with a socket "
		   "filter), %lu differ between %s and %s\n", n, seed, filtered,
		differing, a->ops->name, b->ops->name);
	return differing ? 1 : 0;
}
