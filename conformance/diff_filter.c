// SPDX-License-Identifier: MIT
/*
 * The socket filters of tpconform --differential: a random classic BPF
 * program a sequence attaches (valid most of the time, broken in one of
 * the ways the kernel refuses otherwise), from a small grammar that
 * reaches every instruction class and every ancillary load. Loads whose
 * value differs between kernels by nature (SKF_AD_CPU, SKF_AD_RANDOM)
 * are masked to 0 right after, so only what is the kernel's to decide is
 * compared: verdicts, snaplens, statistics, errnos.
 */
#include <linux/filter.h>

#include "diff_seq.h"

static uint64_t next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

#define R(n) ((uint32_t)(next(x) % (n)))

/* A constant: small offsets, offsets near a packet's end, the negative
 * offsets of SKF_NET_OFF/SKF_LL_OFF, and anything. */
static uint32_t konst(uint64_t *x)
{
	switch (R(10)) {
	case 0: return R(16);
	case 1: return R(64);
	case 2: return 1400 + R(120);
	case 3: return (uint32_t)SKF_NET_OFF + R(48);
	case 4: return (uint32_t)SKF_LL_OFF + R(48);
	case 5: return (uint32_t)next(x);
	case 6: return 0xffffffffu - R(4);
	case 7: return R(1600);
	case 8: return 12 + 2 * R(4);
	default: return R(256);
	}
}

static const uint16_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV,
				    BPF_MOD, BPF_AND, BPF_OR,  BPF_XOR,
				    BPF_LSH, BPF_RSH, BPF_NEG };
static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

/* One instruction with left instructions after it before the final RET.
 * Returns how many it wrote (2 for a masked CPU/RANDOM load). */
static unsigned int insn(uint64_t *x, struct sock_filter *f, uint32_t left)
{
	uint16_t op, size = (uint16_t)(R(3) << 3);

	*f = (struct sock_filter){ 0, 0, 0, konst(x) };
	switch (R(13)) {
	case 0:
		f->code = BPF_LD | size | BPF_ABS;
		break;
	case 1: {
		uint32_t what = 4 * R(SKF_AD_MAX / 4);

		f->code = BPF_LD | size | BPF_ABS;
		f->k = (uint32_t)SKF_AD_OFF + what;
		if ((what == SKF_AD_CPU || what == SKF_AD_RANDOM) && left) {
			f[1] = (struct sock_filter){ BPF_ALU | BPF_AND | BPF_K,
						     0, 0, 0 };
			return 2;
		}
		if (what == SKF_AD_CPU || what == SKF_AD_RANDOM)
			f->k = (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL;
		break;
	}
	case 2:
		f->code = BPF_LD | size | BPF_IND;
		if (R(2))
			f->k = R(40);
		break;
	case 3:
		f->code = BPF_LDX | BPF_B | BPF_MSH;
		if (R(2))
			f->k = 14 + R(4);
		break;
	case 4:
		op = alu_ops[R(11)];
		f->code = BPF_ALU | op | (op == BPF_NEG ? 0 : R(2) ? BPF_X
								  : BPF_K);
		if ((op == BPF_LSH || op == BPF_RSH) && !(f->code & BPF_X))
			f->k %= 32;
		if ((op == BPF_DIV || op == BPF_MOD) && !f->k)
			f->k = 3;
		break;
	case 5:
		f->code = BPF_JMP | jmp_ops[R(4)] | (R(2) ? BPF_X : BPF_K);
		f->jt = (uint8_t)(left ? R(left + 1) : 0);
		f->jf = (uint8_t)(left ? R(left + 1) : 0);
		if (R(2))
			f->k = R(2) ? 0x800 : R(1500);
		break;
	case 6:
		f->code = BPF_JMP | BPF_JA;
		f->k = left ? R(left + 1) : 0;
		break;
	case 7:
		f->code = R(2) ? BPF_LD | BPF_IMM : BPF_LDX | BPF_IMM;
		break;
	case 8:
		f->code = R(2) ? BPF_ST : BPF_STX;
		f->k = R(16);
		break;
	case 9:
		f->code = R(2) ? BPF_LD | BPF_MEM : BPF_LDX | BPF_MEM;
		f->k = R(16);
		break;
	case 10:
		f->code = BPF_MISC | (R(2) ? BPF_TAX : BPF_TXA);
		break;
	case 11:
		f->code = R(2) ? BPF_LD | BPF_W | BPF_LEN
			       : BPF_LDX | BPF_W | BPF_LEN;
		break;
	default:
		f->code = BPF_RET | (R(2) ? BPF_A : BPF_K);
		f->k = R(2000);
		break;
	}
	return 1;
}

unsigned int tpc_filter_gen(uint64_t seed, struct sock_filter *f)
{
	uint64_t s = seed | 1, *x = &s;
	bool valid = R(5) != 0;
	uint32_t n = 1 + R(valid ? TPC_FILTER_MAX - 2 : 8), i = 0;

	while (i + 1 < n) {
		i += insn(x, &f[i], n - i - 2);
		if (!valid && R(6) == 0)	/* an opcode of any kind */
			f[i - 1].code = (uint16_t)R(256);
		if (!valid && R(8) == 0) {	/* a jump off the end */
			f[i - 1].jt = (uint8_t)R(256);
			f[i - 1].k = (uint32_t)next(x);
		}
	}
	f[i] = (struct sock_filter){ BPF_RET | (R(3) ? BPF_A : BPF_K), 0, 0,
				     R(2000) };
	if (!valid && R(10) == 0)
		f[i].code = BPF_ALU | BPF_ADD;	/* no RET at the end */
	return i + 1;
}
