/* SPDX-License-Identifier: MIT */
/*
 * The tpsim command: what the subcommands share. Errors in the caller's
 * input are one line on stderr naming the problem, and exit status 2.
 */
#ifndef TPSIM_CLI_H
#define TPSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tpsim.h"

#define EXIT_USAGE 2

/* One ring request, as `tpsim check` and `tpsim calc` take it. */
struct cli_req {
	int version;		/* TPACKET_V1..V3 */
	bool tx;		/* PACKET_TX_RING */
	uint32_t block_size, block_nr, frame_size, frame_nr;
	uint32_t retire_tov, sizeof_priv, feature_req_word, reserve;
	const char *profile;
};

/* The answer to one request: 0 or a negative errno, the rule and text. */
struct cli_verdict {
	int err;
	char rule[8];
	char message[200];
};

/* Print "tpsim CMD: <message>" and the help hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A decimal or 0x-hex number that fits 32 bits; false after printing
 * the problem. */
bool cli_u32(const char *cmd, const char *opt, const char *text,
	     uint32_t *out);
bool cli_u64(const char *cmd, const char *opt, const char *text,
	     uint64_t *out);

void cli_req_init(struct cli_req *r);
/* Set one request field from a key=value word (keys of --batch); false
 * after printing the problem. */
bool cli_req_set(const char *cmd, struct cli_req *r, const char *key,
		 const char *val);
/* The request's problems that need no simulator (version range, ...);
 * false after printing the problem. */
bool cli_req_valid(const char *cmd, const struct cli_req *r);

/* Ask libtpsim (the profile's kernel). */
int cli_check_sim(const struct cli_req *r, struct cli_verdict *v);
/* Ask the running kernel, from a private network namespace; -ENOSYS with
 * the reason in why when that is impossible here. */
int cli_kernel_open(char *why, size_t whylen);
int cli_check_kernel(const struct cli_req *r, struct cli_verdict *v);

const char *cli_errname(int err);
void cli_json_string(FILE *f, const char *s);

/* A picture of a request's layout: text, or SVG. */
void cli_picture_text(FILE *f, const struct cli_req *r);
int cli_picture_svg(const char *path, const struct cli_req *r);

int cmd_calc(int argc, char **argv);
int cmd_check(int argc, char **argv);
/* `tpsim check --batch` on in: the parser, for the fuzzer too */
int cli_check_batch(FILE *in, bool json, const char *profile);
int cmd_replay(int argc, char **argv);
/* tpsim run (run.c, linked with the run layer, not into the fuzzers) */
int cmd_run(int argc, char **argv);

#endif
