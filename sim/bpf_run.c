// SPDX-License-Identifier: MIT
/*
 * The classic BPF machine as the kernel runs a socket filter (the cBPF
 * program after bpf_convert_filter, run by ___bpf_prog_run or the JIT):
 * 32-bit A and X, sixteen scratch words, loads from the packet as the
 * socket sees it, the ancillary loads of SKF_AD_OFF, and the kernel's
 * answers where classic BPF leaves things open (a load outside the packet
 * or a division by X = 0 ends the program with 0; a shift by X takes X's
 * low five bits). Each answer was checked on Linux 6.18 (rules F11-F13).
 */
#include "bpf.h"

/* bpf_size_to_bytes() for BPF_W, BPF_H, BPF_B (BPF_DW never reaches). */
static const uint8_t size_bytes[4] = { 4, 2, 1, 0 };

/*
 * bpf_skb_load_helper_*: size bytes, big-endian, at off from the start of
 * the filter's data; a negative off reaches the network header
 * (SKF_NET_OFF) or the link header (SKF_LL_OFF). false when any byte is
 * outside [link header, end of packet).
 */
static bool load(const struct tpsim_bpf_pkt *p, int32_t off, uint32_t size,
		 uint32_t *out)
{
	uint64_t total = (uint64_t)p->hdr_len + p->plen, at;
	uint32_t v = 0;

	if (off >= 0)
		at = p->data_off + (uint64_t)off;
	else if (off >= SKF_NET_OFF)
		at = p->hdr_len + (uint64_t)((int64_t)off - SKF_NET_OFF);
	else if (off >= SKF_LL_OFF)
		at = (uint64_t)((int64_t)off - SKF_LL_OFF);
	else
		return false;
	if (at + size > total)
		return false;
	for (uint32_t i = 0; i < size; i++)
		v = v << 8 | tpsim__bpf_byte(p, (uint32_t)(at + i));
	*out = v;
	return true;
}

/* xorshift32: SKF_AD_RANDOM (the kernel's is prandom_u32 per CPU) */
static uint32_t next_random(uint32_t *s)
{
	uint32_t x = *s ? *s : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* An extension load: A's new value, read from the skb, its device or a
 * helper (convert_bpf_extensions). a and x: A and X before the load. */
static uint32_t extension(const struct tpsim_bpf_pkt *p, uint32_t k,
			  uint32_t a, uint32_t x)
{
	switch (k - (uint32_t)SKF_AD_OFF) {
	case SKF_AD_PROTOCOL:
		return p->protocol;
	case SKF_AD_PKTTYPE:
		return p->pkttype & 7;
	case SKF_AD_IFINDEX:
		return (uint32_t)p->ifindex;
	case SKF_AD_NLATTR:
		return tpsim__bpf_nlattr(p, a, x, false);
	case SKF_AD_NLATTR_NEST:
		return tpsim__bpf_nlattr(p, a, x, true);
	case SKF_AD_MARK:
		return p->mark;
	case SKF_AD_QUEUE:
		return p->queue_mapping;
	case SKF_AD_HATYPE:
		return p->hatype;
	case SKF_AD_RXHASH:
		/* skb->hash as it is: 0 unless a driver or an earlier
		 * reader computed it (the ring's V3 hash comes later) */
		return p->hash;
	case SKF_AD_CPU:
		return p->cpu;
	case SKF_AD_ALU_XOR_X:
		return a ^ x;
	case SKF_AD_VLAN_TAG:
		/* the whole TCI, priority and DEI bits included */
		return p->vlan_present || p->vlan_raw ? p->vlan_tci : 0;
	case SKF_AD_VLAN_TAG_PRESENT:
		return p->vlan_present;
	case SKF_AD_PAY_OFFSET:
		return tpsim__bpf_pay_offset(p);
	case SKF_AD_RANDOM:
		return next_random(p->rnd);
	default:	/* SKF_AD_VLAN_TPID; the checker let no other in */
		return p->vlan_present || p->vlan_raw ? p->vlan_tpid : 0;
	}
}

/* 32-bit ALU; false for a division or modulo by 0 (only X can be 0:
 * the checker refuses constant 0), which ends the program with 0. */
static bool alu(uint32_t op, uint32_t *a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (!v) return false; *a /= v; break;
	case BPF_MOD: if (!v) return false; *a %= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_OR: *a |= v; break;
	case BPF_XOR: *a ^= v; break;
	case BPF_LSH: *a <<= v & 31; break;
	case BPF_RSH: *a >>= v & 31; break;
	default: *a = -*a; break;	/* BPF_NEG */
	}
	return true;
}

static bool cond(uint32_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	default: return a & v;	/* BPF_JSET */
	}
}

uint32_t tpsim__bpf_run(const struct sock_filter *f, uint32_t len,
			const struct tpsim_bpf_pkt *p, uint32_t *steps)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 }, v, n = 0;
	uint32_t data_len = p->hdr_len + p->plen - p->data_off;
	uint32_t ret = 0;

	for (uint32_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t sz = size_bytes[BPF_SIZE(i->code) >> 3];

		n++;
		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			switch (BPF_MODE(i->code)) {
			case BPF_IMM: a = i->k; break;
			case BPF_MEM: a = mem[i->k]; break;
			case BPF_LEN: a = data_len; break;
			case BPF_IND:
				if (!load(p, (int32_t)(x + i->k), sz, &a))
					goto out;
				break;
			default:	/* BPF_ABS */
				if (i->k >= (uint32_t)SKF_AD_OFF)
					a = extension(p, i->k, a, x);
				else if (!load(p, (int32_t)i->k, sz, &a))
					goto out;
				break;
			}
			break;
		case BPF_LDX:
			switch (BPF_MODE(i->code)) {
			case BPF_IMM: x = i->k; break;
			case BPF_MEM: x = mem[i->k]; break;
			case BPF_LEN: x = data_len; break;
			default:	/* BPF_MSH: 4 * (byte & 0xf), an IP
					 * header's length */
				if (!load(p, (int32_t)i->k, 1, &v))
					goto out;
				x = (v & 0xf) << 2;
				break;
			}
			break;
		case BPF_ST:
			mem[i->k] = a;
			break;
		case BPF_STX:
			mem[i->k] = x;
			break;
		case BPF_ALU:
			v = BPF_SRC(i->code) == BPF_X ? x : i->k;
			if (!alu(BPF_OP(i->code), &a, v))
				goto out;
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA)
				pc += i->k;
			else
				pc += cond(BPF_OP(i->code), a,
					   BPF_SRC(i->code) == BPF_X ? x : i->k)
					      ? i->jt
					      : i->jf;
			break;
		case BPF_RET:
			ret = BPF_RVAL(i->code) == BPF_A ? a : i->k;
			goto out;
		default:	/* BPF_MISC */
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
out:
	if (steps)
		*steps = n;
	return ret;
}
