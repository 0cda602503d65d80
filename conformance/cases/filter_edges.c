// SPDX-License-Identifier: MIT
/*
 * Programs at the classic length limit (F8): BPF_MAXINSNS instructions
 * whose first is a jump. bpf_convert_filter() keeps the eBPF address of
 * every classic instruction and the one past the last (its addrs[] has
 * len + 1 entries), so the first jump's offset is right in a program of
 * 4096 as in one of 2; the program is then too large for optmem_max on
 * every kernel (4094 packet loads are 57000 eBPF instructions): ENOMEM,
 * never EINVAL (a jump out of range) nor a crash. And the charge against
 * net.core.optmem_max at its exact edge (__sk_filter_charge), found
 * through the socket with programs of no packet load, so the case needs
 * neither the limit nor the program header's size.
 */
#include <errno.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "tpc_filter.h"

static void max_insns_jump_first(struct tpc_t *t)
{
	static struct sock_filter p[BPF_MAXINSNS];
	static const struct {
		const char *what;
		struct sock_filter j;
	} first[] = {
		{ "JA 0", INSN(BPF_JMP | BPF_JA, 0) },
		{ "JEQ #0, jt 0, jf 1",
		  { BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0 } },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	for (size_t k = 0; k < sizeof(first) / sizeof(first[0]); k++) {
		for (unsigned int n = BPF_MAXINSNS - 1; n <= BPF_MAXINSNS;
		     n++) {
			unsigned int i = 0;

			p[i++] = first[k].j;
			while (i < n - 1)
				p[i++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
			p[i++] = INSN(BPF_RET | BPF_K, 1);
			tpc_note(t, "%s, %u loads, RET: %u instructions",
				 first[k].what, n - 2, n);
			EXPECT_ERRNO(t, "converted, past optmem_max", -ENOMEM,
				     tpc_attach(t, s, p, n));
		}
	}
}

/* LD W ABS 1: 14 eBPF instructions (filter.ebpf_lengths) */
#define LOAD_LEN 14

/*
 * p: a program of exactly ebpf eBPF instructions (bpf_convert_filter)
 * returning ret: LDX #1 (1; DIV X then divides), loads x LD W ABS 1, as
 * many DIV X (5 each: the divide-by-zero check) and ADD #1 (1) as fill
 * the rest, RET #ret (2), after the prologue (3, and 4 more with packet
 * loads). Its classic length, or 0 when ebpf is too short or too long
 * for BPF_MAXINSNS.
 */
static unsigned int sized(struct sock_filter *p, uint32_t ebpf,
			  uint32_t loads, uint32_t ret)
{
	uint32_t fixed = 3 + 1 + 2 + (loads ? 4 + loads * LOAD_LEN : 0);
	uint32_t body, n = 0;

	if (ebpf < fixed)
		return 0;
	body = ebpf - fixed;
	if (2 + loads + body / 5 + body % 5 > BPF_MAXINSNS)
		return 0;
	p[n++] = INSN(BPF_LDX | BPF_IMM, 1);
	for (uint32_t i = 0; i < loads; i++)
		p[n++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	for (uint32_t i = 0; i < body / 5; i++)
		p[n++] = INSN(BPF_ALU | BPF_DIV | BPF_X, 0);
	for (uint32_t i = 0; i < body % 5; i++)
		p[n++] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
	p[n++] = INSN(BPF_RET | BPF_K, ret);
	return n;
}

/* SO_ATTACH_FILTER of a program of ebpf eBPF instructions (0 or -errno;
 * -E2BIG when sized cannot build it) */
static int attach_sized(struct tpc_t *t, struct tpc_sock *s, uint32_t ebpf,
			uint32_t loads, uint32_t ret)
{
	static struct sock_filter p[BPF_MAXINSNS];
	unsigned int n = sized(p, ebpf, loads, ret);

	return n ? tpc_attach(t, s, p, n) : -E2BIG;
}

static int detach(struct tpc_t *t, struct tpc_sock *s)
{
	int one = 1;

	return t->ops->setsockopt(s, SOL_SOCKET, SO_DETACH_FILTER, &one,
				  sizeof(one));
}

/* 1: s takes a program of ebpf eBPF instructions without packet loads
 * (detached again), 0: ENOMEM, -1: anything else (failure recorded) */
static int takes(struct tpc_t *t, struct tpc_sock *s, uint32_t ebpf)
{
	int err = attach_sized(t, s, ebpf, 0, 1);

	if (!err)
		err = detach(t, s);
	if (err == -ENOMEM || !err)
		return !err;
	tpc_fail(t, __LINE__, "%u eBPF instructions: expected 0 or -ENOMEM, "
		 "got %s", ebpf, tpc_errname(err));
	return -1;
}

/*
 * The longest eBPF form (in instructions) of a program without packet
 * loads that s takes with no program held: its charge, header + 8 x
 * length, is below optmem_max, one instruction more is not (ENOMEM).
 * Found by halving between 8 (always taken) and the longest that
 * BPF_MAXINSNS allows (20476, 163904 bytes); false (the case skipped)
 * when optmem_max is above that.
 */
static bool optmem_edge(struct tpc_t *t, struct tpc_sock *s, uint32_t *edge)
{
	uint32_t lo = 8, hi = 3 + 1 + 5 * (BPF_MAXINSNS - 2) + 2;
	int r = takes(t, s, hi);

	if (r) {
		if (r > 0)
			tpc_skip(t, "optmem_max takes %u eBPF instructions", hi);
		return false;
	}
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		r = takes(t, s, mid);
		if (r < 0)
			return false;
		*(r ? &lo : &hi) = mid;
	}
	tpc_note(t, "optmem_max takes %u eBPF instructions, not %u", lo, hi);
	*edge = lo;
	return true;
}

/* F8: a program with packet loads is charged its 4-instruction prologue
 * (skb->data and the head length cached): at the edge found without
 * loads it is taken, one instruction past it ENOMEM. */
static void optmem_edge_loads(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint32_t edge;

	REQUIRE(t, s);
	REQUIRE(t, optmem_edge(t, s, &edge));
	EXPECT_ERRNO(t, "100 loads, at the edge", 0,
		     attach_sized(t, s, edge, 100, 1));
	EXPECT_ERRNO(t, "detach", 0, detach(t, s));
	EXPECT_ERRNO(t, "100 loads, one past the edge", -ENOMEM,
		     attach_sized(t, s, edge + 1, 100, 1));
}

/*
 * F8, F15: the held program stays charged while its replacement is
 * (__sk_attach_prog charges the new one, then uncharges the old): with
 * a program of edge / 2 + 50 instructions held, another as long is
 * ENOMEM and the held one still filters (RET #33); one of edge / 2 - 150
 * (the two together 100 instructions, 800 bytes, under the edge: room
 * for the second program's header) replaces it.
 */
static void optmem_held_charge(struct tpc_t *t)
{
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	uint32_t edge;
	uint8_t frame[100];

	REQUIRE(t, s);
	REQUIRE(t, optmem_edge(t, s, &edge));
	tpc_eth(frame, sizeof(frame), tpc_bcast, 0x0800);
	EXPECT_ERRNO(t, "the first program", 0,
		     attach_sized(t, s, edge / 2 + 50, 0, 33));
	EXPECT_ERRNO(t, "as long again, beside it", -ENOMEM,
		     attach_sized(t, s, edge / 2 + 50, 0, 44));
	EXPECT_EQ(t, "bytes through the first program", 33,
		  tpc_through(t, s, frame, sizeof(frame)));
	EXPECT_ERRNO(t, "100 under the edge with it", 0,
		     attach_sized(t, s, edge / 2 - 150, 0, 55));
	EXPECT_EQ(t, "bytes through the second program", 55,
		  tpc_through(t, s, frame, sizeof(frame)));
}

const struct tpc_case tpc_cases_filter_edges[] = {
	{ "filter.max_insns_jump_first", "F8", 0,
	  .fn = max_insns_jump_first },
	{ "filter.optmem_edge_loads", "F8", 0, .fn = optmem_edge_loads },
	{ "filter.optmem_held_charge", "F8 F15", 0,
	  .fn = optmem_held_charge },
	{ .name = NULL },
};
