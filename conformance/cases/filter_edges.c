// SPDX-License-Identifier: MIT
/*
 * Programs at the classic length limit (F8): BPF_MAXINSNS instructions
 * whose first is a jump. bpf_convert_filter() keeps the eBPF address of
 * every classic instruction and the one past the last (its addrs[] has
 * len + 1 entries), so the first jump's offset is right in a program of
 * 4096 as in one of 2; the program is then too large for optmem_max on
 * every kernel (4094 packet loads are 57000 eBPF instructions): ENOMEM,
 * never EINVAL (a jump out of range) nor a crash.
 */
#include <errno.h>
#include <linux/filter.h>
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

const struct tpc_case tpc_cases_filter_edges[] = {
	{ "filter.max_insns_jump_first", "F8", 0,
	  .fn = max_insns_jump_first },
	{ .name = NULL },
};
