// SPDX-License-Identifier: MIT
/*
 * `make bench`: three kinds of figure, each with its spread.
 *  (a) the producer's cost per packet in one thread (deliver, hand the
 *      frame back): ns, and instructions under callgrind, which do not
 *      depend on what else the machine runs;
 *  (b) the handoff to a consumer thread, both threads pinned, run reps
 *      times interleaved across paths: median and interquartile range;
 *  (c) the kernel ring fed through a TAP, as (b) but unpinned.
 * Ratios compare figures of this one run. A benchmark, not a test: it
 * never fails on a number.
 *
 * Writes a table to stdout and DIR/bench.{json,md} (bench.dat and
 * bench-st.dat for the plot). Usage: tpsim-bench [--quick] [--reps N]
 * [--out DIR] [--tpconform PATH] [--no-instructions]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define NSIZES 3
static const uint32_t sizes[NSIZES] = { 64, 512, 1500 };
#define MAXREPS 31

/* (b) and (c): two threads */
enum path { SIM_V2, SIM_V2_B, SIM_V3_B, BARE_V2, BARE_V2_B, KERNEL_V2,
	    NPATHS };
static const char *const path_names[NPATHS] = {
	"sim V2", "sim V2 batch 64", "sim V3 batch 64", "bare V2",
	"bare V2 batch 64", "kernel V2 (TAP)",
};
static const char *const path_keys[NPATHS] = {
	"sim_v2", "sim_v2_batch", "sim_v3_batch", "bare_v2",
	"bare_v2_batch", "kernel_v2",
};

/* a figure: median and quartiles of reps runs */
struct fig {
	double med, q1, q3;
	int n;		/* runs it summarises (a failed run is left out) */
	bool ok;
};

struct st_fig {
	struct fig ns;
	double instr;	/* per packet, -1: valgrind cannot run */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double quantile(const double *v, int n, double q)
{
	double at = q * (n - 1);
	int lo = (int)at;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (v[lo + 1] - v[lo]) * (at - lo);
}

static struct fig summarise(double *v, int n)
{
	struct fig f = { 0 };

	if (n < 1)
		return f;
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	f.med = quantile(v, n, 0.5);
	f.q1 = quantile(v, n, 0.25);
	f.q3 = quantile(v, n, 0.75);
	f.n = n;
	f.ok = true;
	return f;
}

static double run2(enum path p, uint32_t len, bool quick, void *kctx)
{
	uint64_t n = p == KERNEL_V2 ? (quick ? 20000 : 100000)
				    : (quick ? 200000 : 1000000);

	switch (p) {
	case SIM_V2:
		return bench_sim(TPACKET_V2, len, n, 1);
	case SIM_V2_B:
		return bench_sim(TPACKET_V2, len, n, 64);
	case SIM_V3_B:
		return bench_sim(TPACKET_V3, len, n, 64);
	case BARE_V2:
		return bench_baseline(len, n, 1);
	case BARE_V2_B:
		return bench_baseline(len, n, 64);
	default:
		return bench_kernel(kctx, TPACKET_V2, len, n);
	}
}

/* wall time of one tpconform run on one backend, or -1 */
static double suite_time(const char *tpconform, const char *backend)
{
	double t0 = bench_now();
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(tpconform, tpconform, "-b", backend, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) > 1)
		return -1;
	return bench_now() - t0;
}

static void json_fig(FILE *f, const struct fig *x, double scale)
{
	if (x->ok)
		fprintf(f, "{\"median\": %.4g, \"q1\": %.4g, \"q3\": %.4g, "
			   "\"runs\": %d}", x->med * scale, x->q1 * scale,
			x->q3 * scale, x->n);
	else
		fprintf(f, "null");
}

static double ratio(const struct fig *a, const struct fig *b)
{
	return a->ok && b->ok && b->med > 0 ? a->med / b->med : -1;
}

struct results {
	struct st_fig st[NSIZES][ST_NPATHS];
	struct fig two[NSIZES][NPATHS];
	/* sim V2 batched / bare V2 batched, run by run (the two run one after
	 * the other in each round, so a pair met the same load) */
	struct fig pair[NSIZES];
	double seconds;		/* the whole run */
	struct setup_cost ss, ks;
	double conf_sim, conf_kernel;
	int reps;
	bool instr;
	char host[128], why[256];
	struct utsname u;
};

static double instr_ratio(const struct results *r, int i, enum st_path a,
			  enum st_path b)
{
	if (r->st[i][a].instr <= 0 || r->st[i][b].instr <= 0)
		return -1;
	return r->st[i][a].instr / r->st[i][b].instr;
}

static void write_json(FILE *f, const struct results *r)
{
	fprintf(f, "{\n  \"machine\": {\"host\": \"%s\", \"kernel\": \"%s\", "
		   "\"cpus\": %ld},\n  \"repetitions\": %d,\n", r->host,
		r->u.release, sysconf(_SC_NPROCESSORS_ONLN), r->reps);
	fprintf(f, "  \"single_thread\": {\n");
	for (int p = 0; p < ST_NPATHS; p++) {
		fprintf(f, "    \"%s\": {", st_keys[p]);
		for (int i = 0; i < NSIZES; i++) {
			fprintf(f, "%s\"%u\": {\"ns\": ", i ? ", " : "",
				sizes[i]);
			json_fig(f, &r->st[i][p].ns, 1);
			if (r->st[i][p].instr > 0)
				fprintf(f, ", \"instructions\": %.1f}",
					r->st[i][p].instr);
			else
				fprintf(f, ", \"instructions\": null}");
		}
		fprintf(f, "}%s\n", p + 1 < ST_NPATHS ? "," : "");
	}
	fprintf(f, "  },\n  \"two_threads_mpps\": {\n");
	for (int p = 0; p < NPATHS; p++) {
		fprintf(f, "    \"%s\": {", path_keys[p]);
		for (int i = 0; i < NSIZES; i++) {
			fprintf(f, "%s\"%u\": ", i ? ", " : "", sizes[i]);
			json_fig(f, &r->two[i][p], 1e-6);
		}
		fprintf(f, "}%s\n", p + 1 < NPATHS ? "," : "");
	}
	fprintf(f, "  },\n  \"ratios\": {\n");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, "    \"%u\": {\"instructions_sim_v2_over_bare\": "
			   "%.3f, \"instructions_sim_v2_batch_over_bare\": "
			   "%.3f, \"two_threads_sim_over_bare\": %.3f, "
			   "\"two_threads_batch_sim_over_bare\": %.3f, "
			   "\"two_threads_batch_sim_over_bare_batch\": %.3f}%s\n",
			sizes[i], instr_ratio(r, i, ST_SIM_V2, ST_BARE_V2),
			instr_ratio(r, i, ST_SIM_V2_BATCH, ST_BARE_V2),
			ratio(&r->two[i][SIM_V2], &r->two[i][BARE_V2]),
			ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2]),
			ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2_B]),
			i + 1 < NSIZES ? "," : "");
	fprintf(f, "  },\n  \"two_threads_batch_sim_over_bare_batch_paired\": "
		   "{");
	for (int i = 0; i < NSIZES; i++) {
		fprintf(f, "%s\"%u\": ", i ? ", " : "", sizes[i]);
		json_fig(f, &r->pair[i], 1);
	}
	fprintf(f, "},\n  \"seconds\": %.0f,\n  \"setup_1gib\": {",
		r->seconds);
	fprintf(f, "\"sim\": {\"ms\": %.3f, "
		   "\"rss_mapped\": %llu, \"rss_touched_1pct\": %llu}, "
		   "\"kernel\": ", r->ss.seconds * 1e3,
		(unsigned long long)r->ss.rss_mapped,
		(unsigned long long)r->ss.rss_touched);
	if (r->ks.ok)
		fprintf(f, "{\"ms\": %.3f, \"rss_mapped\": %llu, "
			   "\"rss_touched_1pct\": %llu}", r->ks.seconds * 1e3,
			(unsigned long long)r->ks.rss_mapped,
			(unsigned long long)r->ks.rss_touched);
	else
		fprintf(f, "null");
	fprintf(f, "},\n  \"conformance_seconds\": {\"sim\": %.2f, "
		   "\"kernel\": %.2f},\n  \"kernel_skipped\": \"%s\"\n}\n",
		r->conf_sim, r->conf_kernel, r->why);
}

static void md_fig(FILE *f, const struct fig *x, double scale,
		   const char *fmt)
{
	char a[32], b[32], c[32];

	if (!x->ok) {
		fprintf(f, " – |");
		return;
	}
	snprintf(a, sizeof(a), fmt, x->med * scale);
	snprintf(b, sizeof(b), fmt, x->q1 * scale);
	snprintf(c, sizeof(c), fmt, x->q3 * scale);
	fprintf(f, " %s (%s–%s) |", a, b, c);
}

static void write_md(FILE *f, const struct results *r)
{
	fprintf(f, "# tpsim benchmark\n\nMachine: %s, Linux %s, %ld CPUs. "
		   "Each figure: median (interquartile range) of %d runs.\n\n"
		   "## One thread: deliver, then hand the frame back\n\n"
		   "| path | 64 B ns | 64 B instr. | 512 B ns | 512 B instr. "
		   "| 1500 B ns | 1500 B instr. |\n|---|---|---|---|---|---|---|\n",
		r->host, r->u.release, sysconf(_SC_NPROCESSORS_ONLN), r->reps);
	for (int p = 0; p < ST_NPATHS; p++) {
		fprintf(f, "| %s |", st_names[p]);
		for (int i = 0; i < NSIZES; i++) {
			md_fig(f, &r->st[i][p].ns, 1, "%.1f");
			if (r->st[i][p].instr > 0)
				fprintf(f, " %.0f |", r->st[i][p].instr);
			else
				fprintf(f, " – |");
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Two threads, pinned (Mpkt/s); kernel through a TAP\n\n"
		   "| path | 64 B | 512 B | 1500 B |\n|---|---|---|---|\n");
	for (int p = 0; p < NPATHS; p++) {
		fprintf(f, "| %s |", path_names[p]);
		for (int i = 0; i < NSIZES; i++)
			md_fig(f, &r->two[i][p], 1e-6, "%.2f");
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Ratios (this run)\n\n| ratio | 64 B | 512 B | 1500 B |"
		   "\n|---|---|---|---|\n| instructions, sim V2 / bare V2 |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |", instr_ratio(r, i, ST_SIM_V2, ST_BARE_V2));
	fprintf(f, "\n| instructions, sim V2 batch / bare V2 |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |",
			instr_ratio(r, i, ST_SIM_V2_BATCH, ST_BARE_V2));
	fprintf(f, "\n| two threads, sim V2 / bare V2 |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |",
			ratio(&r->two[i][SIM_V2], &r->two[i][BARE_V2]));
	fprintf(f, "\n| two threads, sim V2 batch / bare V2 |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |",
			ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2]));
	fprintf(f, "\n| two threads, sim V2 batch / bare V2 batch |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |",
			ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2_B]));
	fprintf(f, "\n| two threads, sim V2 batch / bare V2 batch, run by run: "
		   "median (q1–q3) |");
	for (int i = 0; i < NSIZES; i++)
		md_fig(f, &r->pair[i], 1, "%.2f");
	fprintf(f, "\n\nThe whole run took %.0f s.", r->seconds);
	fprintf(f, "\n\n1 GiB V2 ring: sim %.3f ms to set up and map, "
		   "%.1f MiB resident after touching 1 %% of it",
		r->ss.seconds * 1e3, (double)r->ss.rss_touched / (1 << 20));
	if (r->ks.ok)
		fprintf(f, "; kernel %.1f ms, %.1f MiB resident once mapped",
			r->ks.seconds * 1e3,
			(double)r->ks.rss_mapped / (1 << 20));
	fprintf(f, ".\n\nConformance suite wall time: sim %.2f s, kernel "
		   "%.2f s.\n", r->conf_sim, r->conf_kernel);
}

static void print_stdout(const struct results *r)
{
	printf("one thread: ns per packet, median (q1-q3), and instructions "
	       "per packet%s\n", r->instr ? "" : " (no valgrind: skipped)");
	printf("%-18s %6s %22s %8s\n", "path", "bytes", "ns (q1-q3)",
	       "instr");
	for (int i = 0; i < NSIZES; i++)
		for (int p = 0; p < ST_NPATHS; p++) {
			const struct st_fig *x = &r->st[i][p];

			printf("%-18s %6u %8.1f (%5.1f-%5.1f) %8.0f\n",
			       st_names[p], sizes[i], x->ns.med, x->ns.q1,
			       x->ns.q3, x->instr);
		}
	printf("\ntwo threads, pinned: Mpkt/s, median (q1-q3) of %d runs\n",
	       r->reps);
	for (int i = 0; i < NSIZES; i++)
		for (int p = 0; p < NPATHS; p++) {
			const struct fig *x = &r->two[i][p];

			if (x->ok)
				printf("%-18s %6u %7.2f (%5.2f-%5.2f)%s\n",
				       path_names[p], sizes[i], x->med * 1e-6,
				       x->q1 * 1e-6, x->q3 * 1e-6,
				       x->n < r->reps ? " (a run failed)" : "");
			else
				printf("%-18s %6u skipped (%s)\n",
				       path_names[p], sizes[i],
				       r->why[0] ? r->why : "cannot run here");
		}
	printf("\nratios (this run):\n");
	for (int i = 0; i < NSIZES; i++)
		printf("  %4u B: instructions sim V2/bare %.2f, sim V2 batch/"
		       "bare %.2f; two threads sim/bare %.2f, sim batch/bare "
		       "%.2f, sim batch/bare batch %.2f\n", sizes[i],
		       instr_ratio(r, i, ST_SIM_V2, ST_BARE_V2),
		       instr_ratio(r, i, ST_SIM_V2_BATCH, ST_BARE_V2),
		       ratio(&r->two[i][SIM_V2], &r->two[i][BARE_V2]),
		       ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2]),
		       ratio(&r->two[i][SIM_V2_B], &r->two[i][BARE_V2_B]));
	for (int i = 0; i < NSIZES; i++)
		if (r->pair[i].ok)
			printf("  %4u B: sim V2 batch / bare V2 batch run by run: "
			       "median %.2f (q1-q3 %.2f-%.2f)\n", sizes[i],
			       r->pair[i].med, r->pair[i].q1, r->pair[i].q3);
	printf("\n1 GiB V2 ring: sim %.3f ms to set up and map, %.1f MiB "
	       "resident after touching 1 %%", r->ss.seconds * 1e3,
	       (double)r->ss.rss_touched / (1 << 20));
	if (r->ks.ok)
		printf("; kernel %.1f ms, %.1f MiB resident once mapped",
		       r->ks.seconds * 1e3, (double)r->ks.rss_mapped / (1 << 20));
	printf("\nconformance suite: sim %.2f s, kernel %.2f s\n", r->conf_sim,
	       r->conf_kernel);
}

static int write_file(const char *dir, const char *name,
		      void (*fn)(FILE *, const struct results *),
		      const struct results *r)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fn(f, r);
	return fclose(f);
}

static void write_dat(FILE *f, const struct results *r)
{
	fprintf(f, "# bytes then, per two-thread path (%s ...): median q1 q3 "
		   "in Mpkt/s\n", path_keys[0]);
	for (int i = 0; i < NSIZES; i++) {
		fprintf(f, "%u", sizes[i]);
		for (int p = 0; p < NPATHS; p++) {
			const struct fig *x = &r->two[i][p];

			fprintf(f, " %.4f %.4f %.4f", x->ok ? x->med * 1e-6 : 0,
				x->ok ? x->q1 * 1e-6 : 0,
				x->ok ? x->q3 * 1e-6 : 0);
		}
		fprintf(f, "\n");
	}
}

static void write_st_dat(FILE *f, const struct results *r)
{
	fprintf(f, "# path, then instructions per packet at 64 512 1500 B\n");
	for (int p = 0; p < ST_NPATHS; p++) {
		fprintf(f, "\"%s\"", st_names[p]);
		for (int i = 0; i < NSIZES; i++)
			fprintf(f, " %.1f", r->st[i][p].instr > 0
						    ? r->st[i][p].instr : 0);
		fprintf(f, "\n");
	}
}

static double t_start;

/* progress on stderr, with the time since the start */
static void stage(const char *what)
{
	fprintf(stderr, "tpsim-bench: [%3.0f s] %s\n", bench_now() - t_start,
		what);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "reps", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "tpconform", required_argument, NULL, 't' },
		{ "no-instructions", no_argument, NULL, 'n' },
		{ "st", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	static struct results r;
	const char *out = "reports", *tpconform = "build/tpconform";
	char self[PATH_MAX];
	double v[NSIZES][NPATHS][MAXREPS];
	bool quick = false, child = false;
	ssize_t sl;
	int c;
	void *kctx = NULL;

	r.reps = 9;
	r.instr = true;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quick = true;
			r.reps = 3;
			break;
		case 'r':
			r.reps = atoi(optarg);
			if (r.reps < 1 || r.reps > MAXREPS) {
				fprintf(stderr, "tpsim-bench: --reps 1..%d\n",
					MAXREPS);
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			tpconform = optarg;
			break;
		case 'n':
			r.instr = false;
			break;
		case 's':
			child = true;
			break;
		default:
			fprintf(stderr, "usage: tpsim-bench [--quick] [--reps N] "
					"[--out DIR] [--tpconform PATH] "
					"[--no-instructions]\n");
			return 2;
		}
	}
	if (child) {	/* under callgrind: --st PATH LEN N */
		if (argc - optind != 3 || atoi(argv[optind]) < 0 ||
		    atoi(argv[optind]) >= ST_NPATHS)
			return 2;
		return bench_st_child((enum st_path)atoi(argv[optind]),
				      (uint32_t)atoi(argv[optind + 1]),
				      strtoull(argv[optind + 2], NULL, 10));
	}
	sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl < 0)
		r.instr = false;
	else
		self[sl] = '\0';

	/* how long it takes, said before and after: on a 2-vCPU machine
	 * about 2.5 minutes at the default 9 runs (half of it callgrind and
	 * the kernel's conformance run), under a minute with --quick */
	t_start = bench_now();
	fprintf(stderr, "tpsim-bench: %d runs per figure; about %s on a "
			"2-vCPU machine (progress below)\n", r.reps,
		quick ? "1 minute" : "2-3 minutes");
	/* the conformance suite first: the kernel context below moves this
	 * process into a network namespace of its own */
	stage("conformance suite, sim and kernel");
	r.conf_sim = suite_time(tpconform, "sim");
	r.conf_kernel = suite_time(tpconform, "kernel");
	if (tpc_backend_kernel.open(&kctx, r.why, sizeof(r.why)) != 0)
		kctx = NULL;
	uname(&r.u);
	gethostname(r.host, sizeof(r.host));

	/* (a) one thread */
	stage(r.instr ? "one thread: ns, then instructions under callgrind"
		      : "one thread: ns");
	for (int i = 0; i < NSIZES; i++)
		for (int p = 0; p < ST_NPATHS; p++) {
			double ns[MAXREPS];
			int got = 0;

			for (int k = 0; k < r.reps; k++) {
				ns[got] = bench_st_ns((enum st_path)p,
						      sizes[i],
						      quick ? 200000 : 1000000);
				got += ns[got] > 0;
			}
			r.st[i][p].ns = summarise(ns, got);
			r.st[i][p].instr =
				r.instr ? bench_st_instructions(
						  self, (enum st_path)p, sizes[i])
					: -1;
		}
	/* (b), (c): the runs interleaved, so that a change of load on the
	 * machine falls on every path alike */
	stage("two threads and the kernel ring");
	for (int k = 0; k < r.reps; k++)
		for (int i = 0; i < NSIZES; i++)
			for (int p = 0; p < NPATHS; p++)
				v[i][p][k] = run2((enum path)p, sizes[i], quick,
						  kctx);
	for (int i = 0; i < NSIZES; i++) {
		double q[MAXREPS];
		int got = 0;

		for (int k = 0; k < r.reps; k++)
			if (v[i][SIM_V2_B][k] > 0 && v[i][BARE_V2_B][k] > 0)
				q[got++] = v[i][SIM_V2_B][k] / v[i][BARE_V2_B][k];
		r.pair[i] = summarise(q, got);
	}
	for (int i = 0; i < NSIZES; i++)
		for (int p = 0; p < NPATHS; p++) {
			int got = 0;

			for (int k = 0; k < r.reps; k++)
				if (v[i][p][k] > 0)
					v[i][p][got++] = v[i][p][k];
			r.two[i][p] = summarise(v[i][p], got);
		}
	r.ss = bench_setup_sim();
	r.ks = bench_setup_kernel(kctx);
	r.seconds = bench_now() - t_start;
	print_stdout(&r);
	if (write_file(out, "bench.json", write_json, &r) ||
	    write_file(out, "bench.md", write_md, &r) ||
	    write_file(out, "bench.dat", write_dat, &r) ||
	    write_file(out, "bench-st.dat", write_st_dat, &r))
		return 1;
	if (kctx)
		tpc_backend_kernel.close(kctx);
	fprintf(stderr, "tpsim-bench: done in %.0f s; wrote %s/bench.{json,"
			"md,dat}, bench-st.dat\n", r.seconds, out);
	return 0;
}
