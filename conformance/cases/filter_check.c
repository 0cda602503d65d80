// SPDX-License-Identifier: MIT
/*
 * Description: what the classic checker accepts and how long the eBPF
 * form of each instruction is (F2, F6, F8): every opcode of
 * chk_code_allowed attaches; M[k] validity follows JA and both targets
 * of a conditional jump; and the eBPF length of each kind of instruction,
 * measured where it is exact through the socket interface: a JA over
 * instructions converts while its eBPF offset is 32767 (then the program
 * is past optmem_max: ENOMEM) and not at 32768 (EINVAL). The cases
 * mutation testing asked for (README "Mutation testing").
 */
#include <errno.h>
#include <linux/filter.h>
#include <string.h>
#include <sys/socket.h>

#include "tpc_filter.h"

#define R_A INSN(BPF_RET | BPF_A, 0)
#define J(c, jt, jf, k) ((struct sock_filter){ (c), (jt), (jf), (k) })

static void opcodes_accepted(struct tpc_t *t)
{
	/* each opcode the kernel accepts, with operands it accepts */
	static const struct sock_filter ops[] = {
		INSN(BPF_ALU | BPF_ADD | BPF_K, 1),
		INSN(BPF_ALU | BPF_ADD | BPF_X, 0),
		INSN(BPF_ALU | BPF_SUB | BPF_K, 1),
		INSN(BPF_ALU | BPF_SUB | BPF_X, 0),
		INSN(BPF_ALU | BPF_MUL | BPF_K, 3),
		INSN(BPF_ALU | BPF_MUL | BPF_X, 0),
		INSN(BPF_ALU | BPF_DIV | BPF_K, 3),
		INSN(BPF_ALU | BPF_DIV | BPF_X, 0),
		INSN(BPF_ALU | BPF_MOD | BPF_K, 3),
		INSN(BPF_ALU | BPF_MOD | BPF_X, 0),
		INSN(BPF_ALU | BPF_AND | BPF_K, 3),
		INSN(BPF_ALU | BPF_AND | BPF_X, 0),
		INSN(BPF_ALU | BPF_OR | BPF_K, 3),
		INSN(BPF_ALU | BPF_OR | BPF_X, 0),
		INSN(BPF_ALU | BPF_XOR | BPF_K, 3),
		INSN(BPF_ALU | BPF_XOR | BPF_X, 0),
		INSN(BPF_ALU | BPF_LSH | BPF_K, 31),
		INSN(BPF_ALU | BPF_LSH | BPF_X, 0),
		INSN(BPF_ALU | BPF_RSH | BPF_K, 31),
		INSN(BPF_ALU | BPF_RSH | BPF_X, 0),
		INSN(BPF_ALU | BPF_NEG, 0),
		INSN(BPF_LD | BPF_W | BPF_ABS, 0),
		INSN(BPF_LD | BPF_H | BPF_ABS, 0),
		INSN(BPF_LD | BPF_B | BPF_ABS, 0),
		INSN(BPF_LD | BPF_W | BPF_LEN, 0),
		INSN(BPF_LD | BPF_W | BPF_IND, 0),
		INSN(BPF_LD | BPF_H | BPF_IND, 0),
		INSN(BPF_LD | BPF_B | BPF_IND, 0),
		INSN(BPF_LD | BPF_IMM, 0),
		INSN(BPF_LD | BPF_MEM, 15),
		INSN(BPF_LDX | BPF_W | BPF_LEN, 0),
		INSN(BPF_LDX | BPF_B | BPF_MSH, 14),
		INSN(BPF_LDX | BPF_IMM, 0),
		INSN(BPF_LDX | BPF_MEM, 15),
		INSN(BPF_ST, 15),
		INSN(BPF_STX, 15),
		INSN(BPF_MISC | BPF_TAX, 0),
		INSN(BPF_MISC | BPF_TXA, 0),
		INSN(BPF_JMP | BPF_JA, 0),
		J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		J(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 0),
		J(BPF_JMP | BPF_JGE | BPF_K, 0, 0, 1),
		J(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 0),
		J(BPF_JMP | BPF_JGT | BPF_K, 0, 0, 1),
		J(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 0),
		J(BPF_JMP | BPF_JSET | BPF_K, 0, 0, 1),
		J(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 0),
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);
	struct sock_filter f[3] = { INSN(BPF_ST, 15) };
	struct sock_filter rk = INSN(BPF_RET | BPF_K, 1);

	REQUIRE(t, s);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		f[1] = ops[i];
		f[2] = R_A;
		tpc_note(t, "opcode 0x%02x k %u", ops[i].code, ops[i].k);
		EXPECT_ERRNO(t, "M[15] stored, the opcode, RET A", 0,
			     tpc_attach(t, s, f, 3));
	}
	tpc_note(t, "the returns");
	EXPECT_ERRNO(t, "RET K alone", 0, tpc_attach(t, s, &rk, 1));
	EXPECT_ERRNO(t, "RET A alone", 0, tpc_attach(t, s, &f[2], 1));
}

static void memory_paths(struct tpc_t *t)
{
	static const struct {
		const char *what;
		struct sock_filter f[5];
		unsigned int n;
		int err;
	} progs[] = {
		{ "JA over the only store, then LD M[0]",
		  { INSN(BPF_JMP | BPF_JA, 1), INSN(BPF_ST, 0),
		    INSN(BPF_LD | BPF_MEM, 0), R_A }, 4, -EINVAL },
		{ "JA to a store, then LD M[0]",
		  { INSN(BPF_JMP | BPF_JA, 0), INSN(BPF_ST, 0),
		    INSN(BPF_LD | BPF_MEM, 0), R_A }, 4, 0 },
		{ "JEQ: jt over the only store, jf onto it",
		  { J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), INSN(BPF_ST, 0),
		    INSN(BPF_LD | BPF_MEM, 0), R_A }, 4, -EINVAL },
		{ "JEQ: jf over the only store, jt onto it",
		  { J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), INSN(BPF_ST, 0),
		    INSN(BPF_LDX | BPF_MEM, 0), R_A }, 4, -EINVAL },
		{ "JEQ after the store: both targets keep M[0]",
		  { INSN(BPF_ST, 0), J(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
		    INSN(BPF_LD | BPF_IMM, 1), INSN(BPF_LD | BPF_MEM, 0), R_A },
		  5, 0 },
		{ "M[3] and M[4]: stored M[3] does not make M[4] valid",
		  { INSN(BPF_STX, 3), INSN(BPF_LD | BPF_MEM, 4), R_A }, 3,
		  -EINVAL },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		tpc_note(t, "%s", progs[i].what);
		EXPECT_ERRNO(t, progs[i].what, progs[i].err,
			     tpc_attach(t, s, progs[i].f, progs[i].n));
	}
}

/* LD W ABS 1: 14 eBPF instructions (direct path: mov, sub, jslt, load,
 * swap, ja; then the helper call and its exit: 8) */
#define LOAD_LEN 14
#define FAR 32767	/* the largest eBPF jump offset */

/*
 * Attach [JA over the rest][insn][1-instruction fillers][loads][RET K]
 * where fillers and loads make the JA's eBPF offset FAR + extra if insn
 * is len eBPF instructions long: the answer is ENOMEM (converted, too big
 * for optmem_max) at extra 0 and EINVAL at extra 1. insn comes first: a
 * jump further on than eBPF instruction 32767 fails by itself (below).
 */
static int ja_over(struct tpc_t *t, struct tpc_sock *s,
		   const struct sock_filter *insn, uint32_t len, uint32_t extra)
{
	static struct sock_filter p[BPF_MAXINSNS];
	uint32_t loads = (FAR - len) / LOAD_LEN;
	uint32_t fill = FAR + extra - len - loads * LOAD_LEN, n = 1;

	p[n++] = *insn;
	for (uint32_t i = 0; i < fill; i++)
		p[n++] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
	for (uint32_t i = 0; i < loads; i++)
		p[n++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	p[n] = INSN(BPF_RET | BPF_K, 1);
	p[0] = INSN(BPF_JMP | BPF_JA, n - 1);
	return tpc_attach(t, s, p, n + 1);
}

/*
 * Attach [loads][fillers][insn][ADD][RET K] with insn at eBPF address
 * addr, the 7-instruction prologue of a program with packet loads
 * counted (3 to clear A and X and keep the context, 4 to cache data and
 * the head length).
 */
static int jump_at(struct tpc_t *t, struct tpc_sock *s,
		   const struct sock_filter *insn, uint32_t addr)
{
	static struct sock_filter p[BPF_MAXINSNS];
	uint32_t loads = (addr - 7) / LOAD_LEN, n = 0;
	uint32_t fill = addr - 7 - loads * LOAD_LEN;

	for (uint32_t i = 0; i < loads; i++)
		p[n++] = INSN(BPF_LD | BPF_W | BPF_ABS, 1);
	for (uint32_t i = 0; i < fill; i++)
		p[n++] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
	p[n++] = *insn;
	p[n++] = INSN(BPF_ALU | BPF_ADD | BPF_K, 1);
	p[n++] = INSN(BPF_RET | BPF_K, 1);
	return tpc_attach(t, s, p, n);
}

/* bpf_convert_filter emits a jump in its first pass while the addresses
 * after it are still 0: the offset it checks is minus the jump's own
 * address minus 1, so every eBPF jump at address 32768 or later fails
 * with EINVAL, wherever it goes. A classic jump's last eBPF jump is the
 * Jxx (a negative K first moves it to a register) or the JA after it. */
static void jump_addresses(struct tpc_t *t)
{
	static const struct {
		const char *what;
		struct sock_filter i;
		uint32_t last;	/* its last jump's index in its expansion */
	} jumps[] = {
		{ "JA 0", INSN(BPF_JMP | BPF_JA, 0), 0 },
		{ "JEQ K 5, jf 0", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), 0 },
		{ "JEQ K 5, jt 0, jf 1", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 5),
		  0 },
		{ "JEQ K -1, jf 0", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, -1u), 1 },
		{ "JSET K, jt 0, jf 1", J(BPF_JMP | BPF_JSET | BPF_K, 0, 1, 5),
		  1 },
		{ "JGE K, jt 1, jf 1", J(BPF_JMP | BPF_JGE | BPF_K, 1, 1, 5), 1 },
		{ "JGE K -5, jt 1, jf 1", J(BPF_JMP | BPF_JGE | BPF_K, 1, 1,
					    -5u), 2 },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	for (size_t i = 0; i < sizeof(jumps) / sizeof(jumps[0]); i++) {
		uint32_t ok = FAR - jumps[i].last;

		tpc_note(t, "%s at eBPF address %u", jumps[i].what, ok);
		EXPECT_ERRNO(t, "converts, then past optmem_max", -ENOMEM,
			     jump_at(t, s, &jumps[i].i, ok));
		tpc_note(t, "%s at eBPF address %u", jumps[i].what, ok + 1);
		EXPECT_ERRNO(t, "a jump past eBPF address 32767", -EINVAL,
			     jump_at(t, s, &jumps[i].i, ok + 1));
	}
}

#define ANC(what) INSN(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + (what))

static void ebpf_lengths(struct tpc_t *t)
{
	/* eBPF instructions per classic one (bpf_convert_filter and
	 * convert_bpf_extensions); jumps target the next instruction */
	static const struct {
		const char *what;
		struct sock_filter i;
		uint32_t len;
	} insns[] = {
		{ "ADD K", INSN(BPF_ALU | BPF_ADD | BPF_K, 1), 1 },
		{ "DIV X", INSN(BPF_ALU | BPF_DIV | BPF_X, 0), 5 },
		{ "MOD X", INSN(BPF_ALU | BPF_MOD | BPF_X, 0), 5 },
		{ "MOD K", INSN(BPF_ALU | BPF_MOD | BPF_K, 3), 1 },
		{ "LD W ABS 0", INSN(BPF_LD | BPF_W | BPF_ABS, 0), 13 },
		{ "LD B ABS 1", INSN(BPF_LD | BPF_B | BPF_ABS, 1), 13 },
		{ "LD H ABS 32768", INSN(BPF_LD | BPF_H | BPF_ABS, 32768), 16 },
		{ "LD B ABS SKF_NET_OFF", INSN(BPF_LD | BPF_B | BPF_ABS,
					      SKF_NET_OFF), 8 },
		{ "LD W IND 0", INSN(BPF_LD | BPF_W | BPF_IND, 0), 8 },
		{ "LD W IND 4", INSN(BPF_LD | BPF_W | BPF_IND, 4), 9 },
		{ "LDX B MSH 14", INSN(BPF_LDX | BPF_B | BPF_MSH, 14), 19 },
		{ "RET K", INSN(BPF_RET | BPF_K, 0), 2 },
		{ "RET A", INSN(BPF_RET | BPF_A, 0), 1 },
		{ "JEQ K, jf 0", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), 1 },
		{ "JEQ K -1, jf 0", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, -1u), 2 },
		{ "JEQ K, jt 0, jf 1", J(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 5), 1 },
		{ "JGT X, jt 0, jf 1", J(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 0), 1 },
		{ "JSET K, jt 0, jf 1", J(BPF_JMP | BPF_JSET | BPF_K, 0, 1, 5),
		  2 },
		{ "JGE K, jt 1, jf 1", J(BPF_JMP | BPF_JGE | BPF_K, 1, 1, 5), 2 },
		{ "JGE K -5, jt 1, jf 1", J(BPF_JMP | BPF_JGE | BPF_K, 1, 1,
					    -5u), 3 },
		{ "JA 0", INSN(BPF_JMP | BPF_JA, 0), 1 },
		{ "protocol", ANC(SKF_AD_PROTOCOL), 2 },
		{ "pkttype", ANC(SKF_AD_PKTTYPE), 2 },
		{ "ifindex", ANC(SKF_AD_IFINDEX), 4 },
		{ "nlattr", ANC(SKF_AD_NLATTR), 4 },
		{ "nlattr nest", ANC(SKF_AD_NLATTR_NEST), 4 },
		{ "mark", ANC(SKF_AD_MARK), 1 },
		{ "queue", ANC(SKF_AD_QUEUE), 1 },
		{ "hatype", ANC(SKF_AD_HATYPE), 4 },
		{ "rxhash", ANC(SKF_AD_RXHASH), 1 },
		{ "cpu", ANC(SKF_AD_CPU), 4 },
		{ "A ^= X", ANC(SKF_AD_ALU_XOR_X), 1 },
		{ "vlan tag", ANC(SKF_AD_VLAN_TAG), 1 },
		{ "vlan present", ANC(SKF_AD_VLAN_TAG_PRESENT), 3 },
		{ "payload offset", ANC(SKF_AD_PAY_OFFSET), 4 },
		{ "random", ANC(SKF_AD_RANDOM), 4 },
		{ "vlan tpid", ANC(SKF_AD_VLAN_TPID), 2 },
	};
	struct tpc_sock *s = tpc_open(t, SOCK_RAW);

	REQUIRE(t, s);
	for (size_t i = 0; i < sizeof(insns) / sizeof(insns[0]); i++) {
		tpc_note(t, "%s: %u eBPF instructions", insns[i].what,
			 insns[i].len);
		EXPECT_ERRNO(t, "JA offset 32767 (converts, then past "
			     "optmem_max)", -ENOMEM,
			     ja_over(t, s, &insns[i].i, insns[i].len, 0));
		EXPECT_ERRNO(t, "JA offset 32768", -EINVAL,
			     ja_over(t, s, &insns[i].i, insns[i].len, 1));
	}
}

const struct tpc_case tpc_cases_filter_check[] = {
	{ "filter.opcodes_accepted", "F2", 0, .fn = opcodes_accepted },
	{ "filter.memory_paths", "F6", 0, .fn = memory_paths },
	{ "filter.ebpf_lengths", "F8", 0, .fn = ebpf_lengths },
	{ "filter.jump_addresses", "F8", 0, .fn = jump_addresses },
	{ NULL },
};
