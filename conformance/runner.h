/* SPDX-License-Identifier: MIT */
/* tpconform's runner and reports: variants, isolated runs, results. */
#ifndef TPC_RUNNER_H
#define TPC_RUNNER_H

#include <stdio.h>

#include "tpc.h"

/* XFAIL: failed as an --expect file declared; XPASS: passed although it
 * declared a failure (a failure of the run: the declaration is stale) */
enum tpc_res { TPC_PASS, TPC_FAIL, TPC_SKIP, TPC_XFAIL, TPC_XPASS, TPC_NRES };

struct tpc_variant {
	const struct tpc_case *c;
	int version;		/* TPACKET_Vn or -1 */
	char name[128];		/* "v2.ring.frame_alignment" or "ring.x" */
};

struct tpc_result {
	enum tpc_res res;
	double secs;
	char msg[1024];
};

struct tpc_backend_run {
	const struct tpc_backend_ops *ops;
	void *ctx;
	char skip_why[256];	/* non-empty: every case SKIPs with it */
	struct tpc_backend_info info;	/* caps and environment */
};

struct tpc_run {
	struct tpc_variant *v;
	size_t nv;
	struct tpc_backend_run *b;
	size_t nb;
	struct tpc_result *r;	/* nv * nb, r[i * nb + j] */
	unsigned int seed;
};

/* All variants of all cases, in table order. */
size_t tpc_variants(struct tpc_variant **out);
void tpc_run_case(const struct tpc_backend_run *b, const struct tpc_variant *v,
		  unsigned int seed, bool verbose, struct tpc_result *r);

const char *tpc_res_name(enum tpc_res r);
void tpc_report(const struct tpc_run *run, const char *format, FILE *f);
int tpc_report_dir(const struct tpc_run *run, const char *dir);

#endif
