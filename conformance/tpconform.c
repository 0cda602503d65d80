// SPDX-License-Identifier: MIT
/*
 * tpconform: one conformance suite for the AF_PACKET mmap ring, run on the
 * simulator and on the real kernel. Exit 0 when every selected case passes
 * or skips, 1 when one fails, 2 on a usage error.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diff_pcap.h"
#include "differential.h"
#include "expect.h"
#include "tpsim.h"
#include "plugin.h"
#include "runner.h"

static const struct tpc_backend_ops *const builtin[] = {
	&tpc_backend_sim, &tpc_backend_kernel,
};
#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))
/* built in, run only when asked for by name */
static const struct tpc_backend_ops *const builtin_named[] = {
	&tpc_backend_sim_batch,
};
#define NNAMED (sizeof(builtin_named) / sizeof(builtin_named[0]))

static void usage(FILE *f)
{
	fprintf(f,
"Usage: tpconform [OPTION]...\n"
"Run the conformance suite of the AF_PACKET mmap rings (PACKET_RX_RING and\n"
"PACKET_TX_RING, TPACKET_V1/V2/V3) against one or more backends and report,\n"
"per case and\n"
"backend, PASS, FAIL or SKIP. Each case runs in its own process with a\n"
"deadline; a crash or a hang fails that case only.\n"
"\n"
"  -b, --backend NAME   sim (libtpsim) or kernel (a real packet socket on a\n"
"                       TAP device in a private network namespace), or\n"
"                       sim-batch (sim, frames through the batched\n"
"                       producer; only when named), or\n"
"                       PATH to a plug-in (a shared library, see\n"
"                       tpc_plugin.h; the path needs a '/');\n"
"                       repeatable; default: every built-in backend\n"
"  -l, --list           list the case variants with their rules and exit\n"
"  -f, --filter GLOB    run the variants whose name (v2.ring.x) or\n"
"                       backend-qualified name (sim.v2.ring.x) matches\n"
"  -R, --rule ID        run only the variants that name contract rule ID\n"
"                       (conformance/rules.tsv); with --filter, both\n"
"                       must match\n"
"  -F, --format FMT     human (default), tap, ktap, junit, json, md\n"
"  -o, --output FILE    write the report there; a summary goes to stdout\n"
"  -r, --report DIR     also write DIR/conformance.{md,json,xml,tap}\n"
"  -s, --seed N         seed for anything random (default: time)\n"
"      --netns MODE     kernel backend: private (default: a network\n"
"                       namespace of its own) or none (the current one)\n"
"      --inject HOW     kernel backend: tap (default: frames written to a\n"
"                       TAP device) or loopback (sent by a second packet\n"
"                       socket on lo, or --ifname; cases that need a TAP\n"
"                       are skipped with the reason)\n"
"      --ifname NAME    kernel backend: the interface (default tpc0, or lo)\n"
"      --differential N  instead of the cases: N random operation sequences\n"
"                       (ring requests, options, packets) on two\n"
"                       backends, every result compared: sim and kernel,\n"
"                       or the two -b backends, or the one -b backend\n"
"                       and the kernel; each difference is shrunk to what\n"
"                       it needs; with --seed S, sequence i is\n"
"                       reproduced by --differential 1 --seed S+i\n"
"      --differential-dev N  the same with sequences of 2-4 sockets on one\n"
"                       device: fanout groups (classic programs, DEFRAG),\n"
"                       rings, frames, IPv4 fragments, link down/up,\n"
"                       poll, recv, SO_ERROR\n"
"      --differential-pcap FILE...  instead of the cases: every record of\n"
"                       each capture injected into the two backends\n"
"                       (as --differential), SOCK_RAW and SOCK_DGRAM,\n"
"                       TPACKET_V1 to V3, every frame compared field by\n"
"                       field; exit 1 on a difference\n"
"      --profile NAME   sim backend: the kernel profile (linux, linux-6.1,\n"
"                       linux-6.12, linux-2.6; same as TPC_SIM_PROFILE)\n"
"  -x, --expect FILE    cases the target is known to fail, a glob and a\n"
"                       reason a line: they report XFAIL, and XPASS\n"
"                       (a failure) if they pass\n"
"  -v, --verbose        more detail from the cases\n"
"      --fail-fast      stop at the first failure (the cases not run\n"
"                       report SKIP); make mutation uses it\n"
"  -h, --help           this text\n"
"\n"
"Environment: TPC_SIM_PROFILE selects the simulator's kernel profile\n"
"(linux, linux-6.1, linux-6.12, linux-2.6). Exit status: 0 all passed or\n"
"skipped, 1 a case failed, 2 usage error.\n");
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tpconform: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tpconform --help'.\n");
	return 2;
}

/*
 * A plug-in's open and info run in this process, not in a case's: try
 * them in a child first, so that one that crashes or hangs there fails
 * its backend and not the run. (For the kernel backend the child also
 * proves the namespace can be entered before this process enters it.)
 */
static int probe_open(const struct tpc_backend_ops *ops, char *why,
		      size_t whylen)
{
	pid_t pid;
	int st, secs = 0;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;	/* cannot probe: open for real */
	if (pid == 0) {
		struct tpc_backend_info info = { .sz = sizeof(info) };
		char w[256];
		void *ctx = NULL;

		alarm(20);
		if (ops->open(&ctx, w, sizeof(w)) == 0 &&
		    TPC_OPS_HAS(ops, info))
			ops->info(ctx, &info);
		_exit(0);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (++secs > 2000) {	/* 20 s in 10 ms steps */
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			snprintf(why, whylen, "backend hung while opening");
			return -ETIMEDOUT;
		}
		usleep(10000);
	}
	if (WIFSIGNALED(st)) {
		snprintf(why, whylen, "backend crashed while opening: signal "
				      "%d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
		return -EFAULT;
	}
	return 0;
}

static bool is_builtin(const struct tpc_backend_ops *ops)
{
	for (size_t k = 0; k < NBUILTIN; k++)
		if (ops == builtin[k])
			return true;
	for (size_t k = 0; k < NNAMED; k++)
		if (ops == builtin_named[k])
			return true;
	return false;
}

/*
 * --differential: the two backends given with -b, or the one given and
 * the kernel (the reference; sim when the one given is the kernel), or
 * by default sim and kernel.
 */
static int differential_run(const struct tpc_backend_ops *const *want,
			    size_t nwant, unsigned long n,
			    unsigned long seed, bool dev_seqs,
			    char *const *files, size_t nfiles)
{
	struct tpc_diff_side side[2] = { { 0 } };
	char why[512] = "";
	int rc, err = 0;

	if (nwant > 2)
		return usage_error("--differential compares two backends, "
				   "got %zu", nwant);
	side[0].ops = want[0];
	if (nwant == 2)
		side[1].ops = want[1];
	else
		side[1].ops = want[0] == &tpc_backend_kernel
				      ? &tpc_backend_sim
				      : &tpc_backend_kernel;
	for (int k = 0; k < 2 && !err; k++) {
		side[k].isolate = !is_builtin(side[k].ops);
		if (side[k].isolate)
			err = probe_open(side[k].ops, why, sizeof(why));
		if (!err)
			err = side[k].ops->open(&side[k].ctx, why, sizeof(why));
		if (err) {
			fprintf(stderr, "tpconform: --differential: backend "
					"%s cannot run: %s\n", side[k].ops->name,
				why[0] ? why : strerror(err < 0 ? -err : EIO));
			if (k == 1)
				side[0].ops->close(side[0].ctx);
			return 2;
		}
	}
	if (nfiles)
		rc = tpc_differential_pcap(&side[0], &side[1], files, nfiles,
					   stdout);
	else
		rc = (dev_seqs ? tpc_differential_dev
			       : tpc_differential)(&side[0], &side[1], n, seed,
						   stdout);
	side[0].ops->close(side[0].ctx);
	side[1].ops->close(side[1].ctx);
	return rc;
}

/* A result against the declared expectations: a declared failure that
 * fails is XFAIL, one that passes is XPASS (the declaration is stale). */
static void apply_expect(const struct tpc_expect *e, const char *backend,
			 const char *variant, struct tpc_result *r)
{
	const char *why = tpc_expect_match(e, backend, variant);
	char msg[sizeof(r->msg) + 600];

	if (!why)
		return;
	if (r->res == TPC_FAIL) {
		r->res = TPC_XFAIL;
		snprintf(msg, sizeof(msg), "expected: %s (%s)", why, r->msg);
	} else if (r->res == TPC_PASS) {
		r->res = TPC_XPASS;
		snprintf(msg, sizeof(msg), "passed, but --expect says it "
					   "fails: %s", why);
	} else {
		return;
	}
	/* cut to fit, on purpose */
	msg[sizeof(r->msg) - 1] = '\0';
	memcpy(r->msg, msg, sizeof(r->msg));
}

/* whether the space-separated rule list names rule id (NULL: any) */
static bool names_rule(const char *rules, const char *id)
{
	size_t n;

	if (!id)
		return true;
	n = strlen(id);
	for (const char *p = rules; *p; p++) {
		if ((p == rules || p[-1] == ' ') && !strncmp(p, id, n) &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static bool selected(const char *filter, const char *backend,
		     const char *name)
{
	char full[192];

	if (!filter)
		return true;
	snprintf(full, sizeof(full), "%s.%s", backend, name);
	return !fnmatch(filter, name, 0) || !fnmatch(filter, full, 0);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "list", no_argument, NULL, 'l' },
		{ "filter", required_argument, NULL, 'f' },
		{ "rule", required_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "report", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "expect", required_argument, NULL, 'x' },
		{ "netns", required_argument, NULL, 'N' },
		{ "inject", required_argument, NULL, 'I' },
		{ "ifname", required_argument, NULL, 'i' },
		{ "profile", required_argument, NULL, 'p' },
		{ "differential", required_argument, NULL, 'D' },
		{ "fail-fast", no_argument, NULL, 'X' },
		{ "differential-dev", required_argument, NULL, 'E' },
		{ "differential-pcap", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct tpc_backend_ops *want[8];
	const char *filter = NULL, *format = NULL, *output = NULL;
	const char *rule = NULL;
	const char *report = NULL;
	struct tpc_expect *expect = NULL;
	unsigned long differential = 0;
	bool dev_seqs = false;
	char *pfiles[256];
	size_t npfiles = 0;
	struct tpc_run run = { .seed = (unsigned int)time(NULL) };
	struct tpc_variant *all;
	size_t nwant = 0, nall;
	bool list = false, verbose = false, fail_fast = false;
	int c, failed = 0;

	while ((c = getopt_long(argc, argv, "b:lf:F:o:r:R:s:vhx:", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'b': {
			const struct tpc_backend_ops *ops = NULL;
			char why[512];

			for (size_t k = 0; k < NBUILTIN; k++)
				if (!strcmp(optarg, builtin[k]->name))
					ops = builtin[k];
			for (size_t k = 0; k < NNAMED; k++)
				if (!strcmp(optarg, builtin_named[k]->name))
					ops = builtin_named[k];
			if (!ops && strchr(optarg, '/')) {
				if (tpc_plugin_load(optarg, &ops, why,
						    sizeof(why)))
					return usage_error("backend %s: %s",
							   optarg, why);
			} else if (!ops) {
				return usage_error("unknown backend '%s' (sim, "
						   "kernel, sim-batch, or a plug-in path "
						   "with a '/')", optarg);
			}
			for (size_t i = 0; i < nwant; i++)
				if (want[i] == ops)
					goto next;
			if (nwant == sizeof(want) / sizeof(want[0]))
				return usage_error("at most %zu backends",
						   nwant);
			want[nwant++] = ops;
next:
			break;
		}
		case 'l':
			list = true;
			break;
		/* the kernel backend reads these from its environment, which
		 * is how they reach it in every case's process */
		case 'N':
			if (strcmp(optarg, "private") && strcmp(optarg, "none"))
				return usage_error("--netns %s: private or none",
						   optarg);
			setenv("TPC_KERNEL_NETNS", optarg, 1);
			break;
		case 'I':
			if (strcmp(optarg, "tap") && strcmp(optarg, "loopback"))
				return usage_error("--inject %s: tap or loopback",
						   optarg);
			setenv("TPC_KERNEL_INJECT", optarg, 1);
			break;
		case 'E':
			dev_seqs = true;
			/* fall through */
		case 'D': {
			char *end;

			differential = strtoul(optarg, &end, 10);
			if (*end || !differential)
				return usage_error("--differential %s: a count "
						   "of sequences", optarg);
			break;
		}
		case 'P':	/* the files: these and the arguments */
			if (npfiles == sizeof(pfiles) / sizeof(pfiles[0]))
				return usage_error("--differential-pcap: more "
						   "than %zu files", npfiles);
			pfiles[npfiles++] = optarg;
			break;
		case 'p':	/* read by the sim backend in each case */
			if (!tpsim_profile_find(optarg))
				return usage_error("--profile %s: no such "
						   "profile (linux, linux-6.1, "
						   "linux-6.12, linux-2.6)",
						   optarg);
			setenv("TPC_SIM_PROFILE", optarg, 1);
			break;
		case 'i':
			if (!*optarg || strlen(optarg) >= 16)
				return usage_error("--ifname '%s': 1 to 15 "
						   "characters", optarg);
			setenv("TPC_KERNEL_IFNAME", optarg, 1);
			break;
		case 'X':
			fail_fast = true;
			break;
		case 'x': {
			char why[512];

			tpc_expect_free(expect);
			if (tpc_expect_load(optarg, &expect, why, sizeof(why)))
				return usage_error("--expect %s", why);
			break;
		}
		case 'f':
			filter = optarg;
			break;
		case 'R':
			if (!*optarg)
				return usage_error("%s", "--rule needs an ID");
			rule = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "human") && strcmp(optarg, "tap") &&
			    strcmp(optarg, "ktap") && strcmp(optarg, "junit") &&
			    strcmp(optarg, "json") && strcmp(optarg, "md"))
				return usage_error("unknown format '%s' (human, "
						   "tap, ktap, junit, json, md)",
						   optarg);
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'r':
			report = optarg;
			break;
		case 's': {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno || *end || !*optarg || v > 0xffffffffUL ||
			    optarg[0] == '-')
				return usage_error("--seed needs a number from "
						   "0 to 4294967295, got '%s'",
						   optarg);
			run.seed = (unsigned int)v;
			break;
		}
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("%s", "bad option");
		}
	}
	while (npfiles && optind < argc &&
	       npfiles < sizeof(pfiles) / sizeof(pfiles[0]))
		pfiles[npfiles++] = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!nwant)
		for (size_t k = 0; k < NBUILTIN; k++)
			want[nwant++] = builtin[k];

	nall = tpc_variants(&all);
	if (!nall) {
		fprintf(stderr, "tpconform: out of memory\n");
		return 1;
	}
	if (differential || npfiles) {
		int rc = differential_run(want, nwant, differential,
					  run.seed, dev_seqs, pfiles, npfiles);

		free(all);
		tpc_expect_free(expect);
		return rc;
	}
	if (list) {
		for (size_t i = 0; i < nall; i++)
			if ((selected(filter, "", all[i].name) ||
			     (filter && !fnmatch(filter, all[i].name, 0))) &&
			    names_rule(all[i].c->rules, rule))
				printf("%-52s %s\n", all[i].name,
				       all[i].c->rules);
		free(all);
		return 0;
	}

	run.v = calloc(nall, sizeof(*run.v));
	run.b = calloc(nwant, sizeof(*run.b));
	run.r = calloc(nall * nwant, sizeof(*run.r));
	if (!run.v || !run.b || !run.r) {
		fprintf(stderr, "tpconform: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nall; i++) {
		if (!names_rule(all[i].c->rules, rule))
			continue;
		for (size_t k = 0; k < nwant; k++) {
			if (selected(filter, want[k]->name, all[i].name)) {
				run.v[run.nv++] = all[i];
				break;
			}
		}
	}
	if (!run.nv) {
		int rc = rule ? usage_error("no case names rule '%s'%s%s (see "
					    "--list)", rule,
					    filter ? " and matches " : "",
					    filter ? filter : "")
			      : usage_error("no case matches '%s' (see --list)",
					    filter);

		free(all);
		free(run.v);
		free(run.b);
		free(run.r);
		tpc_expect_free(expect);
		return rc;
	}

	run.nb = nwant;
	for (size_t k = 0; k < nwant; k++) {
		struct tpc_backend_run *b = &run.b[k];
		int err;

		b->ops = want[k];
		err = probe_open(b->ops, b->skip_why, sizeof(b->skip_why));
		if (!err)
			err = b->ops->open(&b->ctx, b->skip_why,
					   sizeof(b->skip_why));
		b->info.sz = sizeof(b->info);
		b->info.caps = TPC_CAPS_ALL;
		snprintf(b->info.env, sizeof(b->info.env), "%s", b->ops->name);
		if (!err && TPC_OPS_HAS(b->ops, info))
			b->ops->info(b->ctx, &b->info);
		if (err == -ETIMEDOUT || err == -EFAULT)
			;	/* probe_open said why */
		else if (err == TPC_BACKEND_SKIP && !b->skip_why[0])
			snprintf(b->skip_why, sizeof(b->skip_why),
				 "backend unavailable");
		else if (err < 0)
			snprintf(b->skip_why, sizeof(b->skip_why),
				 "backend failed to open: %s", strerror(-err));
		if (err < 0)
			failed = 1;	/* a broken backend is a failure */
	}
	for (size_t i = 0; i < run.nv; i++) {
		for (size_t k = 0; k < run.nb; k++) {
			struct tpc_result *r = &run.r[i * run.nb + k];

			if (!selected(filter, run.b[k].ops->name,
				      run.v[i].name)) {
				r->res = TPC_SKIP;
				snprintf(r->msg, sizeof(r->msg),
					 "not selected by --filter");
				continue;
			}
			if (fail_fast && failed) {
				r->res = TPC_SKIP;
				snprintf(r->msg, sizeof(r->msg),
					 "not run: --fail-fast");
				continue;
			}
			tpc_run_case(&run.b[k], &run.v[i], run.seed, verbose,
				     r);
			apply_expect(expect, run.b[k].ops->name,
				     run.v[i].name, r);
			if (r->res == TPC_FAIL || r->res == TPC_XPASS)
				failed = 1;
		}
	}
	if (output) {
		FILE *f = fopen(output, "w");

		if (!f) {
			fprintf(stderr, "tpconform: %s: %s\n", output,
				strerror(errno));
			return 2;
		}
		tpc_report(&run, format ? format : "human", f);
		fclose(f);
		for (size_t i = 0; i < run.nv; i++)
			for (size_t k = 0; k < run.nb; k++)
				if (run.r[i * run.nb + k].res == TPC_FAIL ||
				    run.r[i * run.nb + k].res == TPC_XPASS)
					printf("%s %s.%s: %s\n",
					       tpc_res_name(
						       run.r[i * run.nb + k].res),
					       run.b[k].ops->name,
					       run.v[i].name,
					       run.r[i * run.nb + k].msg);
		for (size_t k = 0; k < run.nb; k++) {
			size_t cnt[TPC_NRES] = { 0 };

			for (size_t i = 0; i < run.nv; i++)
				cnt[run.r[i * run.nb + k].res]++;
			printf("tpconform %s: %zu passed, %zu failed, %zu "
			       "skipped", run.b[k].ops->name, cnt[TPC_PASS],
			       cnt[TPC_FAIL], cnt[TPC_SKIP]);
			if (cnt[TPC_XFAIL] || cnt[TPC_XPASS])
				printf(", %zu expected failures, %zu "
				       "unexpected passes", cnt[TPC_XFAIL],
				       cnt[TPC_XPASS]);
			printf("%s%s\n", run.b[k].skip_why[0] ? ": " : "",
			       run.b[k].skip_why);
		}
	} else {
		tpc_report(&run, format ? format : "human", stdout);
	}
	if (report) {
		int err = tpc_report_dir(&run, report);

		if (err) {
			fprintf(stderr, "tpconform: %s: %s\n", report,
				strerror(-err));
			failed = 1;
		}
	}
	for (size_t k = 0; k < run.nb; k++)
		if (!run.b[k].skip_why[0])
			run.b[k].ops->close(run.b[k].ctx);
	free(all);
	free(run.v);
	free(run.b);
	free(run.r);
	tpc_expect_free(expect);
	return failed;
}
