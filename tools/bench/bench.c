// SPDX-License-Identifier: MIT
/*
 * `make bench`: how fast the simulated producer is, against the smallest
 * correct ring (the ceiling) and the real kernel ring fed through a TAP
 * (what it replaces), all in one run so the ratios compare like with like.
 * A benchmark, not a test: it never fails on a number.
 *
 * Writes a table to stdout and DIR/bench.{json,md} (and bench.dat for the
 * plot). Usage: tpsim-bench [--quick] [--reps N] [--out DIR] [--tpconform PATH]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define NSIZES 3
static const uint32_t sizes[NSIZES] = { 64, 512, 1500 };

enum path { SIM_V2, SIM_V2_TS, SIM_V3, BASELINE, KERNEL_V2, NPATHS };
static const char *const path_names[NPATHS] = {
	"sim V2", "sim V2, caller stamps", "sim V3", "baseline V2",
	"kernel V2 (TAP)",
};
static const char *const path_keys[NPATHS] = {
	"sim_v2", "sim_v2_caller_ts", "sim_v3", "baseline_v2", "kernel_v2",
};

struct fig {
	double med, min, max;	/* packets per second */
	bool ok;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct fig measure(enum path p, uint32_t len, int reps, bool quick,
			  void *kctx)
{
	double v[32];
	struct fig f = { 0 };
	uint64_t n = p == KERNEL_V2 ? (quick ? 20000 : 100000)
				    : (quick ? 200000 : 2000000);
	int got = 0;

	for (int i = 0; i < reps && i < 32; i++) {
		double r;

		switch (p) {
		case SIM_V2:
			r = bench_sim(TPACKET_V2, len, n, false);
			break;
		case SIM_V2_TS:
			r = bench_sim(TPACKET_V2, len, n, true);
			break;
		case SIM_V3:
			r = bench_sim(TPACKET_V3, len, n, false);
			break;
		case BASELINE:
			r = bench_baseline(len, n);
			break;
		default:
			r = bench_kernel(kctx, TPACKET_V2, len, n);
			break;
		}
		if (r <= 0)
			return f;
		v[got++] = r;
	}
	qsort(v, (size_t)got, sizeof(v[0]), cmp_double);
	f.med = v[got / 2];
	f.min = v[0];
	f.max = v[got - 1];
	f.ok = true;
	return f;
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

static void json_fig(FILE *f, const struct fig *x)
{
	if (x->ok)
		fprintf(f, "{\"median\": %.0f, \"min\": %.0f, \"max\": %.0f}",
			x->med, x->min, x->max);
	else
		fprintf(f, "null");
}

static void json_ratio(FILE *f, const char *key, struct fig (*r)[NPATHS],
		       enum path a, enum path b)
{
	fprintf(f, "  \"%s\": {", key);
	for (int i = 0; i < NSIZES; i++) {
		fprintf(f, "%s\"%u\": ", i ? ", " : "", sizes[i]);
		if (r[i][a].ok && r[i][b].ok)
			fprintf(f, "%.3f", r[i][a].med / r[i][b].med);
		else
			fprintf(f, "null");
	}
	fprintf(f, "},\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "reps", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "tpconform", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct fig res[NSIZES][NPATHS];
	struct setup_cost ss, ks;
	const char *out = "reports", *tpconform = "build/tpconform";
	char why[256] = "", path[512], host[128] = "?";
	double conf_sim, conf_kernel;
	struct utsname u;
	bool quick = false;
	int reps = 5, c;
	void *kctx = NULL;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quick = true;
			reps = 3;
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > 31) {
				fprintf(stderr, "tpsim-bench: --reps 1..31\n");
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			tpconform = optarg;
			break;
		default:
			fprintf(stderr, "usage: tpsim-bench [--quick] [--reps N] "
					"[--out DIR] [--tpconform PATH]\n");
			return 2;
		}
	}
	/* the conformance suite first: the kernel context below moves this
	 * process into a network namespace of its own */
	conf_sim = suite_time(tpconform, "sim");
	conf_kernel = suite_time(tpconform, "kernel");
	if (tpc_backend_kernel.open(&kctx, why, sizeof(why)) != 0)
		kctx = NULL;
	uname(&u);
	gethostname(host, sizeof(host));

	printf("%-24s %6s %14s %14s %14s\n", "path", "bytes", "median pkt/s",
	       "min", "max");
	for (int i = 0; i < NSIZES; i++) {
		for (int p = 0; p < NPATHS; p++) {
			res[i][p] = measure((enum path)p, sizes[i], reps, quick,
					    kctx);
			if (res[i][p].ok)
				printf("%-24s %6u %14.0f %14.0f %14.0f\n",
				       path_names[p], sizes[i], res[i][p].med,
				       res[i][p].min, res[i][p].max);
			else
				printf("%-24s %6u %14s  (%s)\n", path_names[p],
				       sizes[i], "skipped",
				       why[0] ? why : "cannot run here");
		}
	}
	ss = bench_setup_sim();
	ks = bench_setup_kernel(kctx);
	printf("\nratios (medians, same run):\n");
	for (int i = 0; i < NSIZES; i++) {
		printf("  %4u bytes: sim/baseline %.2f", sizes[i],
		       res[i][SIM_V2].med / res[i][BASELINE].med);
		if (res[i][KERNEL_V2].ok)
			printf(", sim/kernel %.1f",
			       res[i][SIM_V2].med / res[i][KERNEL_V2].med);
		printf("\n");
	}
	printf("\n1 GiB V2 ring: sim %.3f ms to set up and map, %.1f MiB "
	       "resident after touching 1 %%", ss.seconds * 1e3,
	       (double)ss.rss_touched / (1 << 20));
	if (ks.ok)
		printf("; kernel %.1f ms, %.1f MiB resident once mapped",
		       ks.seconds * 1e3, (double)ks.rss_mapped / (1 << 20));
	printf("\nconformance suite: sim %.2f s, kernel %.2f s\n", conf_sim,
	       conf_kernel);

	snprintf(path, sizeof(path), "%s/bench.json", out);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "{\n  \"machine\": {\"host\": \"%s\", \"kernel\": \"%s\", "
		   "\"cpus\": %ld},\n  \"repetitions\": %d,\n", host, u.release,
		sysconf(_SC_NPROCESSORS_ONLN), reps);
	json_ratio(f, "sim_over_baseline", res, SIM_V2, BASELINE);
	json_ratio(f, "sim_over_kernel", res, SIM_V2, KERNEL_V2);
	fprintf(f, "  \"packets_per_second\": {\n");
	for (int p = 0; p < NPATHS; p++) {
		fprintf(f, "    \"%s\": {", path_keys[p]);
		for (int i = 0; i < NSIZES; i++) {
			fprintf(f, "%s\"%u\": ", i ? ", " : "", sizes[i]);
			json_fig(f, &res[i][p]);
		}
		fprintf(f, "}%s\n", p + 1 < NPATHS ? "," : "");
	}
	fprintf(f, "  },\n  \"setup_1gib\": {\"sim\": {\"ms\": %.3f, "
		   "\"rss_mapped\": %llu, \"rss_touched_1pct\": %llu}, "
		   "\"kernel\": ", ss.seconds * 1e3,
		(unsigned long long)ss.rss_mapped,
		(unsigned long long)ss.rss_touched);
	if (ks.ok)
		fprintf(f, "{\"ms\": %.3f, \"rss_mapped\": %llu, "
			   "\"rss_touched_1pct\": %llu}", ks.seconds * 1e3,
			(unsigned long long)ks.rss_mapped,
			(unsigned long long)ks.rss_touched);
	else
		fprintf(f, "null");
	fprintf(f, "},\n  \"conformance_seconds\": {\"sim\": %.2f, "
		   "\"kernel\": %.2f},\n  \"kernel_skipped\": \"%s\"\n}\n",
		conf_sim, conf_kernel, kctx ? "" : why);
	fclose(f);

	snprintf(path, sizeof(path), "%s/bench.md", out);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return 1;
	}
	fprintf(f, "# tpsim benchmark\n\nMachine: %s, Linux %s, %ld CPUs; "
		   "median of %d runs (min–max).\n\n| path |", host, u.release,
		sysconf(_SC_NPROCESSORS_ONLN), reps);
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %u B (Mpkt/s) |", sizes[i]);
	fprintf(f, "\n|---|");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (int p = 0; p < NPATHS; p++) {
		fprintf(f, "| %s |", path_names[p]);
		for (int i = 0; i < NSIZES; i++) {
			if (res[i][p].ok)
				fprintf(f, " %.2f (%.2f–%.2f) |",
					res[i][p].med / 1e6, res[i][p].min / 1e6,
					res[i][p].max / 1e6);
			else
				fprintf(f, " skipped |");
		}
		fprintf(f, "\n");
	}
	fprintf(f, "\n| ratio |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %u B |", sizes[i]);
	fprintf(f, "\n|---|---|---|---|\n| sim / baseline |");
	for (int i = 0; i < NSIZES; i++)
		fprintf(f, " %.2f |", res[i][SIM_V2].med / res[i][BASELINE].med);
	fprintf(f, "\n| sim / kernel |");
	for (int i = 0; i < NSIZES; i++)
		if (res[i][KERNEL_V2].ok)
			fprintf(f, " %.1f |",
				res[i][SIM_V2].med / res[i][KERNEL_V2].med);
		else
			fprintf(f, " – |");
	fprintf(f, "\n\n1 GiB V2 ring: sim %.3f ms to set up and map, "
		   "%.1f MiB resident after touching 1 %% of it",
		ss.seconds * 1e3, (double)ss.rss_touched / (1 << 20));
	if (ks.ok)
		fprintf(f, "; kernel %.1f ms, %.1f MiB resident once mapped",
			ks.seconds * 1e3, (double)ks.rss_mapped / (1 << 20));
	fprintf(f, ".\n\nConformance suite wall time: sim %.2f s, kernel "
		   "%.2f s.\n", conf_sim, conf_kernel);
	fclose(f);

	snprintf(path, sizeof(path), "%s/bench.dat", out);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "# bytes sim_v2 baseline_v2 kernel_v2 (Mpkt/s)\n");
		for (int i = 0; i < NSIZES; i++)
			fprintf(f, "%u %.4f %.4f %.4f\n", sizes[i],
				res[i][SIM_V2].med / 1e6,
				res[i][BASELINE].med / 1e6,
				res[i][KERNEL_V2].ok ? res[i][KERNEL_V2].med / 1e6
						     : 0.0);
		fclose(f);
	}
	if (kctx)
		tpc_backend_kernel.close(kctx);
	return 0;
}
