// SPDX-License-Identifier: MIT
/*
 * The kernel's checks on a classic BPF socket filter, in its order:
 * bpf_check_classic() (known opcodes, constants, jumps, the final RET,
 * scratch memory written before read), then what bpf_migrate_filter()
 * refuses while rewriting the program as eBPF (a jump farther than eBPF's
 * 16-bit offset). The eBPF length also decides what sk_filter_charge()
 * charges (sockfilter.c). Rules F2-F7 of conformance/rules.tsv.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "bpf.h"

/* What the checker looks at beyond "the opcode exists". */
enum chk {
	CK_NONE = 1,	/* allowed, nothing more to check */
	CK_NONZERO,	/* DIV/MOD by constant: k != 0 */
	CK_SHIFT,	/* LSH/RSH by constant: k < 32 */
	CK_MEM,		/* scratch cell: k < BPF_MEMWORDS */
	CK_JA,		/* k inside the program */
	CK_JCOND,	/* jt and jf inside the program */
	CK_ABS,		/* k at or past SKF_AD_OFF: a known extension only */
	CK_RET,		/* may end the program */
};

/* chk_code_allowed(): every opcode the kernel accepts; 0 = refused. */
static const uint8_t check_of[256] = {
	[BPF_ALU | BPF_ADD | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_ADD | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_SUB | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_SUB | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_MUL | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_MUL | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_DIV | BPF_K] = CK_NONZERO,
	[BPF_ALU | BPF_DIV | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_MOD | BPF_K] = CK_NONZERO,
	[BPF_ALU | BPF_MOD | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_AND | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_AND | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_OR | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_OR | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_XOR | BPF_K] = CK_NONE,
	[BPF_ALU | BPF_XOR | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_LSH | BPF_K] = CK_SHIFT,
	[BPF_ALU | BPF_LSH | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_RSH | BPF_K] = CK_SHIFT,
	[BPF_ALU | BPF_RSH | BPF_X] = CK_NONE,
	[BPF_ALU | BPF_NEG] = CK_NONE,
	[BPF_LD | BPF_W | BPF_ABS] = CK_ABS,
	[BPF_LD | BPF_H | BPF_ABS] = CK_ABS,
	[BPF_LD | BPF_B | BPF_ABS] = CK_ABS,
	[BPF_LD | BPF_W | BPF_LEN] = CK_NONE,
	[BPF_LD | BPF_W | BPF_IND] = CK_NONE,
	[BPF_LD | BPF_H | BPF_IND] = CK_NONE,
	[BPF_LD | BPF_B | BPF_IND] = CK_NONE,
	[BPF_LD | BPF_IMM] = CK_NONE,
	[BPF_LD | BPF_MEM] = CK_MEM,
	[BPF_LDX | BPF_W | BPF_LEN] = CK_NONE,
	[BPF_LDX | BPF_B | BPF_MSH] = CK_NONE,
	[BPF_LDX | BPF_IMM] = CK_NONE,
	[BPF_LDX | BPF_MEM] = CK_MEM,
	[BPF_ST] = CK_MEM,
	[BPF_STX] = CK_MEM,
	[BPF_MISC | BPF_TAX] = CK_NONE,
	[BPF_MISC | BPF_TXA] = CK_NONE,
	[BPF_RET | BPF_K] = CK_RET,
	[BPF_RET | BPF_A] = CK_RET,
	[BPF_JMP | BPF_JA] = CK_JA,
	[BPF_JMP | BPF_JEQ | BPF_K] = CK_JCOND,
	[BPF_JMP | BPF_JEQ | BPF_X] = CK_JCOND,
	[BPF_JMP | BPF_JGE | BPF_K] = CK_JCOND,
	[BPF_JMP | BPF_JGE | BPF_X] = CK_JCOND,
	[BPF_JMP | BPF_JGT | BPF_K] = CK_JCOND,
	[BPF_JMP | BPF_JGT | BPF_X] = CK_JCOND,
	[BPF_JMP | BPF_JSET | BPF_K] = CK_JCOND,
	[BPF_JMP | BPF_JSET | BPF_X] = CK_JCOND,
};

static int refuse(char *why, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* bpf_anc_helper(): the extensions this kernel knows (SO_BPF_EXTENSIONS
 * answers SKF_AD_MAX); any load size selects them. */
static bool known_extension(uint32_t k)
{
	uint32_t off = k - (uint32_t)SKF_AD_OFF;

	return off < SKF_AD_MAX && off % 4 == 0;
}

/* check_load_and_stores(): along every path, M[k] is read only after a
 * store to it; a jump target keeps only the cells valid on every path
 * that reaches it. Jumps go forward, so one pass sees every path. */
static int check_memory(const struct sock_filter *f, uint32_t len, char *why,
			size_t n)
{
	uint16_t masks[BPF_MAXINSNS];
	uint16_t valid = 0;

	for (uint32_t pc = 0; pc < len; pc++)
		masks[pc] = 0xffff;
	for (uint32_t pc = 0; pc < len; pc++) {
		valid &= masks[pc];
		switch (f[pc].code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << f[pc].k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << f[pc].k)))
				return refuse(why, n, "F6: instruction %u reads "
					      "M[%u] before a store to it on "
					      "some path", pc, f[pc].k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f[pc].k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (check_of[f[pc].code & 0xff] != CK_JCOND ||
			    f[pc].code > 0xff)
				break;
			masks[pc + 1 + f[pc].jt] &= valid;
			masks[pc + 1 + f[pc].jf] &= valid;
			valid = 0xffff;
			break;
		}
	}
	return 0;
}

int tpsim__bpf_check(const struct sock_filter *f, uint32_t len, char *why,
		     size_t n)
{
	for (uint32_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint8_t ck = i->code < 256 ? check_of[i->code] : 0;

		switch (ck) {
		case 0:
			return refuse(why, n, "F2: instruction %u: opcode 0x%x "
				      "is not one the kernel accepts", pc,
				      i->code);
		case CK_NONZERO:
			if (!i->k)
				return refuse(why, n, "F5: instruction %u: "
					      "division or modulo by "
					      "constant 0", pc);
			break;
		case CK_SHIFT:
			if (i->k >= 32)
				return refuse(why, n, "F5: instruction %u: shift "
					      "by %u (>= 32)", pc, i->k);
			break;
		case CK_MEM:
			if (i->k >= BPF_MEMWORDS)
				return refuse(why, n, "F5: instruction %u: "
					      "scratch cell M[%u] (only "
					      "0..%d)", pc, i->k,
					      BPF_MEMWORDS - 1);
			break;
		case CK_JA:
			if (i->k >= len - pc - 1)
				return refuse(why, n, "F3: instruction %u: jump "
					      "by %u leaves the program", pc,
					      i->k);
			break;
		case CK_JCOND:
			if (pc + i->jt + 1 >= len || pc + i->jf + 1 >= len)
				return refuse(why, n, "F3: instruction %u: jt %u "
					      "or jf %u leaves the program",
					      pc, i->jt, i->jf);
			break;
		case CK_ABS:
			if (i->k >= (uint32_t)SKF_AD_OFF &&
			    !known_extension(i->k))
				return refuse(why, n, "F7: instruction %u: "
					      "ancillary load SKF_AD_OFF+%u is "
					      "not an extension of this kernel",
					      pc, i->k - (uint32_t)SKF_AD_OFF);
			break;
		default:
			break;
		}
	}
	if (f[len - 1].code >= 256 || check_of[f[len - 1].code] != CK_RET)
		return refuse(why, n, "F4: the last instruction (%u, opcode "
			      "0x%x) is not a return", len - 1,
			      f[len - 1].code);
	return check_memory(f, len, why, n);
}

/* eBPF instructions an extension load becomes (convert_bpf_extensions,
 * 6.18 x86_64), by (k - SKF_AD_OFF) / 4. */
static const uint8_t ext_len[SKF_AD_MAX / 4] = {
	[SKF_AD_PROTOCOL / 4] = 2,	/* load, byte swap */
	[SKF_AD_PKTTYPE / 4] = 2,	/* load, mask */
	[SKF_AD_IFINDEX / 4] = 4,	/* dev, NULL check, exit, load */
	[SKF_AD_NLATTR / 4] = 4,	/* three moves, a call */
	[SKF_AD_NLATTR_NEST / 4] = 4,
	[SKF_AD_MARK / 4] = 1,
	[SKF_AD_QUEUE / 4] = 1,
	[SKF_AD_HATYPE / 4] = 4,
	[SKF_AD_RXHASH / 4] = 1,
	[SKF_AD_CPU / 4] = 4,
	[SKF_AD_ALU_XOR_X / 4] = 1,
	[SKF_AD_VLAN_TAG / 4] = 1,
	[SKF_AD_VLAN_TAG_PRESENT / 4] = 3,	/* load, test, set 1 */
	[SKF_AD_PAY_OFFSET / 4] = 4,
	[SKF_AD_RANDOM / 4] = 4,
	[SKF_AD_VLAN_TPID / 4] = 2,
};

/* convert_bpf_ld_abs(): a load from the packet. With a constant offset
 * >= 0 a direct path (bounds check, load, byte swap for H/W, jump over)
 * comes first; then the helper call and its error exit (8, or 9 for an
 * indirect load with k != 0). */
static uint32_t ld_len(const struct sock_filter *i, bool *seen_ld)
{
	bool ind = BPF_MODE(i->code) == BPF_IND;
	uint32_t n = 0;

	*seen_ld = true;
	if (!ind && (int32_t)i->k >= 0) {
		n = 1 + (i->k != 0) + 1;		/* mov, sub, jslt */
		n += (int32_t)i->k <= INT16_MAX ? 1 : 3;
		n += BPF_SIZE(i->code) != BPF_B;	/* swap */
		n += 1;					/* ja */
	}
	return n + 8 + (ind && i->k);
}

/* Where each classic instruction starts in the eBPF program, and the
 * index of its jump inside its own expansion (for the offset check). */
static uint32_t insn_len(const struct sock_filter *i, bool *seen_ld,
			 uint32_t *jmp_at)
{
	struct sock_filter b = { .code = BPF_LD | BPF_ABS | BPF_B, .k = i->k };

	*jmp_at = 0;
	switch (BPF_CLASS(i->code)) {
	case BPF_ALU:
		/* DIV/MOD by X: zero-extend X, test, clear A, exit */
		return (i->code & 0xf8) == (BPF_DIV | BPF_X) ||
			       (i->code & 0xf8) == (BPF_MOD | BPF_X)
			       ? 5
			       : 1;
	case BPF_LD:
		if (BPF_MODE(i->code) == BPF_ABS && known_extension(i->k))
			return ext_len[(i->k - (uint32_t)SKF_AD_OFF) / 4];
		if (BPF_MODE(i->code) == BPF_ABS ||
		    BPF_MODE(i->code) == BPF_IND)
			return ld_len(i, seen_ld);
		return 1;
	case BPF_LDX:
		if (BPF_MODE(i->code) == BPF_MSH)
			return 1 + ld_len(&b, seen_ld) + 5;
		return 1;
	case BPF_RET:
		return BPF_RVAL(i->code) == BPF_K ? 2 : 1;
	case BPF_JMP: {
		/* a negative constant goes through a register first */
		uint32_t pre = BPF_OP(i->code) != BPF_JA &&
			       BPF_SRC(i->code) == BPF_K && (int32_t)i->k < 0;

		*jmp_at = pre;
		if (BPF_OP(i->code) == BPF_JA || i->jf == 0 ||
		    (i->jt == 0 && BPF_OP(i->code) != BPF_JSET))
			return pre + 1;
		return pre + 2;		/* Jxx to jt, JA to jf */
	}
	default:	/* ST, STX, MISC */
		return 1;
	}
}

static bool far(int64_t off)
{
	return off < INT16_MIN || off > INT16_MAX;
}

int tpsim__bpf_ebpf_len(const struct sock_filter *f, uint32_t len,
			uint32_t *ebpf_len, char *why, size_t n)
{
	uint32_t addr[BPF_MAXINSNS + 1], jmp_at[BPF_MAXINSNS];
	bool seen_ld = false;
	uint32_t at = 0;

	for (uint32_t pc = 0; pc < len; pc++) {
		addr[pc] = at;
		at += insn_len(&f[pc], &seen_ld, &jmp_at[pc]);
	}
	addr[len] = at;
	for (uint32_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		int64_t from = (int64_t)addr[pc] + jmp_at[pc] + 1;
		uint32_t jt = pc + 1 + i->jt, jf = pc + 1 + i->jf;
		/* the expansion's last jump, prologue included */
		int64_t last = (seen_ld ? 7 : 3) + from - 1;
		bool bad;

		if (BPF_CLASS(i->code) != BPF_JMP)
			continue;
		if (BPF_OP(i->code) == BPF_JA)
			bad = far((int64_t)addr[pc + 1 + i->k] - from);
		else if (i->jf == 0)
			bad = far((int64_t)addr[jt] - from);
		else if (i->jt == 0 && BPF_OP(i->code) != BPF_JSET)
			bad = far((int64_t)addr[jf] - from);
		else {	/* Jxx to jt, then a JA to jf right after it */
			bad = far((int64_t)addr[jt] - from) ||
			      far((int64_t)addr[jf] - from - 1);
			last++;
		}
		/* bpf_convert_filter's first pass emits each jump while the
		 * addresses after it are still 0: its offset is then minus
		 * its own address minus 1, so a jump at eBPF address 32768
		 * or later fails, wherever it goes (measured on 6.18) */
		bad = bad || far(-last - 1);
		if (bad)
			return refuse(why, n, "F8: instruction %u: its jump "
				      "spans more eBPF instructions than a "
				      "16-bit offset reaches, or starts past "
				      "eBPF instruction 32767", pc);
	}
	/* prologue: clear A and X, keep the context; with packet loads also
	 * cache data and the head length */
	*ebpf_len = 3 + at + (seen_ld ? 4 : 0);
	return 0;
}
