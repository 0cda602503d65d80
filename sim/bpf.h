/* SPDX-License-Identifier: MIT */
/*
 * Classic BPF as the kernel runs socket filters: the checker
 * (bpf_check_classic, plus what bpf_migrate_filter and sk_filter_charge
 * refuse), and the machine (the cBPF program run on the packet as the
 * socket sees it, with the kernel's ancillary loads). Internal to
 * libtpsim; the socket options live in sockfilter.c.
 */
#ifndef TPSIM_BPF_H
#define TPSIM_BPF_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __tpsim_bpf_hidden __attribute__((visibility("hidden")))

/* offsetof(struct bpf_prog, insns) on x86_64 6.18: what a program costs
 * against net.core.optmem_max beside its 8-byte eBPF instructions (found
 * by attaching programs of growing length until ENOMEM). */
#define TPSIM_BPF_PROG_HDR 96u

/* An attached program: the user's instructions as given (SO_GET_FILTER
 * returns them) and the bytes sk_filter_charge() charged for it. */
struct tpsim_bpf_prog {
	uint32_t len;
	uint32_t charge;
	struct sock_filter insns[];
};

/*
 * bpf_check_classic(): 0, or -EINVAL with the broken rule in why
 * ("F3: instruction 4: jump past the end"). len is 1..BPF_MAXINSNS.
 */
__tpsim_bpf_hidden int tpsim__bpf_check(const struct sock_filter *f,
					uint32_t len, char *why, size_t n);

/*
 * bpf_convert_filter()'s length of the eBPF program the kernel runs in
 * its place, into *ebpf_len; -EINVAL (why filled) when a jump of it does
 * not fit eBPF's 16-bit offset. f must have passed tpsim__bpf_check.
 * vlan_present_bit: the profile's (6.1's shorter VLAN_TAG_PRESENT).
 */
__tpsim_bpf_hidden int tpsim__bpf_ebpf_len(const struct sock_filter *f,
					   uint32_t len, bool vlan_present_bit,
					   uint32_t *ebpf_len, char *why,
					   size_t n);

/*
 * The packet as the filter sees it: the bytes from the link (MAC) header
 * on, as the concatenation of hdr (the link header, after VLAN untagging)
 * and payload (from the network header); the filter's offset 0 is at
 * data_off in it (0 for SOCK_RAW, hdr_len for SOCK_DGRAM), so SKF_LL_OFF
 * loads reach the link header even on SOCK_DGRAM. The metadata is what
 * the ancillary loads (SKF_AD_*) read from the skb and its device.
 */
struct tpsim_bpf_pkt {
	const uint8_t *hdr;
	uint32_t hdr_len;
	const uint8_t *payload;
	uint32_t plen;
	uint32_t data_off;	/* where the filter's data starts */
	uint16_t protocol;	/* skb->protocol, host order */
	uint8_t pkttype;
	bool vlan_present;	/* skb->vlan_all != 0 */
	/* 6.1 (profile vlan_present_bit): the VLAN loads read vlan_tci
	 * and vlan_proto whatever vlan_present says (a cleared tag stays) */
	bool vlan_raw;
	uint16_t vlan_tci, vlan_tpid;	/* host order */
	uint16_t queue_mapping;
	uint16_t hatype;
	int ifindex;
	uint32_t mark, hash;	/* skb->mark, skb->hash (0: none computed) */
	uint32_t cpu;
	uint32_t *rnd;		/* SKF_AD_RANDOM state (never 0) */
};

/*
 * Run a checked program on a packet: the filter's answer (0: drop;
 * otherwise the bytes to keep). Never reads outside the packet, never
 * takes more than len steps (jumps only go forward). *steps (may be
 * NULL) gets the instructions executed.
 */
__tpsim_bpf_hidden uint32_t tpsim__bpf_run(const struct sock_filter *f,
					   uint32_t len,
					   const struct tpsim_bpf_pkt *p,
					   uint32_t *steps);

/* bpf_anc.c: the ancillary loads that are helper calls in the kernel */
/* skb_get_poff(): offset of the transport payload (flow dissector) */
__tpsim_bpf_hidden uint32_t tpsim__bpf_pay_offset(const struct tpsim_bpf_pkt *p);
/* bpf_skb_get_nlattr / bpf_skb_get_nlattr_nest */
__tpsim_bpf_hidden uint32_t tpsim__bpf_nlattr(const struct tpsim_bpf_pkt *p,
					      uint32_t a, uint32_t x,
					      bool nest);
/* Byte i of the concatenation hdr + payload (i < hdr_len + plen). */
static inline uint8_t tpsim__bpf_byte(const struct tpsim_bpf_pkt *p,
				      uint32_t i)
{
	return i < p->hdr_len ? p->hdr[i] : p->payload[i - p->hdr_len];
}

#endif
