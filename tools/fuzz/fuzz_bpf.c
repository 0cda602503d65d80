// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the socket filter's checker and machine
 * (sim/bpf_check.c, sim/bpf_run.c, sim/bpf_anc.c): random programs
 * against random packets. The checker must answer 0 or -EINVAL; a
 * program it accepts must run without reading outside the packet (the
 * link header and the payload are separate heap blocks of exactly their
 * size, so AddressSanitizer sees one byte past either) and in at most
 * as many steps as it has instructions. Half the inputs are "repaired"
 * first (opcodes from the kernel's list, jumps inside the program, a
 * RET at the end), so that most reach the machine.
 *
 * Input: flags (1), instruction count (1), 8 bytes an instruction, then
 * the packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"

static const uint16_t codes[] = {
	0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54,
	0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0x20,
	0x28, 0x30, 0x80, 0x40, 0x48, 0x50, 0x00, 0x60, 0x81, 0xb1, 0x01,
	0x61, 0x02, 0x03, 0x07, 0x87, 0x06, 0x16, 0x05, 0x15, 0x1d, 0x35,
	0x3d, 0x25, 0x2d, 0x45, 0x4d,
};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* Keep the instruction's own bits where they are already valid. */
static void repair(struct sock_filter *f, uint32_t n)
{
	for (uint32_t pc = 0; pc < n; pc++) {
		uint32_t left = n - pc - 1;	/* instructions after pc */
		struct sock_filter *i = &f[pc];

		i->code = codes[i->code % NCODES];
		if (BPF_CLASS(i->code) == BPF_JMP) {
			if (!left) {
				i->code = BPF_RET | BPF_A;
			} else if (BPF_OP(i->code) == BPF_JA) {
				i->k %= left;
			} else {
				i->jt %= left;
				i->jf %= left;
			}
		}
		if ((i->code == (BPF_ALU | BPF_DIV | BPF_K) ||
		     i->code == (BPF_ALU | BPF_MOD | BPF_K)) && !i->k)
			i->k = 1;
		if (BPF_CLASS(i->code) == BPF_ALU &&
		     (BPF_OP(i->code) == BPF_LSH || BPF_OP(i->code) == BPF_RSH) &&
		     BPF_SRC(i->code) == BPF_K)
			i->k &= 31;
		if (i->code == BPF_ST || i->code == BPF_STX ||
		    BPF_MODE(i->code) == BPF_MEM)
			i->k &= 15;
		/* ancillary loads: a known one, often */
		if (BPF_CLASS(i->code) == BPF_LD &&
		    BPF_MODE(i->code) == BPF_ABS && (i->jt & 1))
			i->k = (uint32_t)SKF_AD_OFF + 4 * (i->jf % 16);
	}
	if (BPF_CLASS(f[n - 1].code) != BPF_RET)
		f[n - 1].code = f[n - 1].k & 1 ? BPF_RET | BPF_A
					       : BPF_RET | BPF_K;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_filter f[64];
	struct tpsim_bpf_pkt p = { 0 };
	uint32_t n, rnd = 1, steps, ebpf_len;
	uint8_t flags, *hdr = NULL, *payload = NULL;
	size_t plen;
	char why[160];
	int err;

	if (size < 2)
		return 0;
	flags = data[0];
	n = data[1] % 64 + 1;
	data += 2, size -= 2;
	if (size < n * sizeof(f[0]))
		return 0;
	memcpy(f, data, n * sizeof(f[0]));
	data += n * sizeof(f[0]), size -= n * sizeof(f[0]);
	if (flags & 1)
		repair(f, n);
	err = tpsim__bpf_check(f, n, why, sizeof(why));
	if (err && err != -EINVAL)
		abort();
	if (err)
		return 0;
	if (tpsim__bpf_ebpf_len(f, n, flags & 4, &ebpf_len, why,
				sizeof(why)) ||
	    ebpf_len < n)
		abort();	/* 64 instructions never jump that far */

	/* the packet: a link header of 0 or 14 bytes, then the rest */
	p.hdr_len = (flags & 2) && size >= 14 ? 14 : 0;
	plen = size - p.hdr_len;
	hdr = malloc(p.hdr_len ? p.hdr_len : 1);
	payload = malloc(plen ? plen : 1);
	if (!hdr || !payload)
		goto out;
	memcpy(hdr, data, p.hdr_len);
	memcpy(payload, data + p.hdr_len, plen);
	p.hdr = hdr;
	p.payload = payload;
	p.plen = (uint32_t)plen;
	p.data_off = (flags & 4) ? p.hdr_len : 0;	/* DGRAM or RAW */
	p.protocol = p.hdr_len ? (uint16_t)(hdr[12] << 8 | hdr[13]) : 0x800;
	p.vlan_present = flags & 8;
	p.vlan_tci = flags;
	p.vlan_tpid = flags & 16 ? 0x88a8 : 0x8100;
	p.pkttype = flags >> 5;
	p.rnd = &rnd;
	(void)tpsim__bpf_run(f, n, &p, &steps);
	if (steps < 1 || steps > n)
		abort();
out:
	free(hdr);
	free(payload);
	return 0;
}
