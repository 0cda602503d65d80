// SPDX-License-Identifier: MIT
/*
 * Socket filters at SOL_SOCKET (sk_setsockopt, sk_getsockopt):
 * SO_ATTACH_FILTER, SO_DETACH_FILTER, SO_LOCK_FILTER, SO_GET_FILTER,
 * SO_BPF_EXTENSIONS, with the kernel's errno for each refusal (F1, F8-F10),
 * and run_filter(): the attached program run on a packet before any ring
 * or queue sees it (F14).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bpf.h"
#include "internal.h"

bool tpsim__filter_opt(int optname)
{
	return optname == SO_ATTACH_FILTER || optname == SO_DETACH_FILTER ||
	       optname == SO_LOCK_FILTER || optname == SO_BPF_EXTENSIONS;
}

void tpsim__filter_free(struct tpsim_sock *s)
{
	free(s->filter);
	s->filter = NULL;
}

int tpsim__fprog_check(struct tpsim_sock *s, const char *rule,
		       const char *why_prefix, const struct sock_fprog *fprog,
		       uint32_t *ebpf_len)
{
	char why[sizeof(s->detail)];
	int err;

	if (!fprog->filter || !fprog->len || fprog->len > BPF_MAXINSNS) {
		tpsim__detail(s, "%s: a program of 1..%d instructions is "
			      "needed, got %u at %p", rule, BPF_MAXINSNS,
			      fprog->len, (void *)fprog->filter);
		return -EINVAL;
	}
	err = tpsim__bpf_check(fprog->filter, fprog->len, why, sizeof(why));
	if (!err)
		err = tpsim__bpf_ebpf_len(fprog->filter, fprog->len,
					  s->prof->vlan_present_bit, ebpf_len,
					  why, sizeof(why));
	if (err)
		tpsim__detail(s, "%s%s", why_prefix, why);
	return err;
}

/* sk_attach_filter(): __get_filter's checks, bpf_prepare_filter's, then
 * sk_filter_charge's; the old program stays on any refusal (F15). */
static int attach(struct tpsim_sock *s, const void *optval, socklen_t optlen)
{
	struct tpsim_bpf_prog *prog;
	struct sock_fprog fprog;
	uint32_t ebpf_len, charge, held;
	int err;

	if (optlen != sizeof(fprog)) {
		tpsim__detail(s, "F1: SO_ATTACH_FILTER needs optlen %zu (struct "
			      "sock_fprog), got %u", sizeof(fprog),
			      (unsigned int)optlen);
		return -EINVAL;
	}
	memcpy(&fprog, optval, sizeof(fprog));
	if (s->filter_locked) {
		tpsim__detail(s, "F9: the filter is locked (SO_LOCK_FILTER)");
		return -EPERM;
	}
	err = tpsim__fprog_check(s, "F1", "", &fprog, &ebpf_len);
	if (err)
		return err;
	/* bpf_prog_size() of the eBPF form, against net.core.optmem_max,
	 * with the program it replaces still charged */
	charge = TPSIM_BPF_PROG_HDR + 8 * ebpf_len;
	held = s->filter ? s->filter->charge : 0;
	if (charge > s->prof->optmem_max ||
	    held + charge >= s->prof->optmem_max) {
		tpsim__detail(s, "F8: the program takes %u bytes as eBPF (%u "
			      "instructions); with %u held, that reaches "
			      "optmem_max %u", charge, ebpf_len, held,
			      s->prof->optmem_max);
		return -ENOMEM;
	}
	prog = malloc(sizeof(*prog) + fprog.len * sizeof(fprog.filter[0]));
	if (!prog)
		return -ENOMEM;
	prog->len = fprog.len;
	prog->charge = charge;
	memcpy(prog->insns, fprog.filter, fprog.len * sizeof(fprog.filter[0]));
	free(s->filter);
	s->filter = prog;
	return 0;
}

int tpsim__filter_setsockopt(struct tpsim_sock *s, int optname,
			     const void *optval, socklen_t optlen)
{
	int val;

	/* sk_setsockopt() reads an int first, whatever the option */
	if (optlen < sizeof(int)) {
		tpsim__detail(s, "F1: SOL_SOCKET options need optlen >= %zu",
			      sizeof(int));
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(&val, optval, sizeof(val));
	switch (optname) {
	case SO_ATTACH_FILTER:
		return attach(s, optval, optlen);
	case SO_DETACH_FILTER:
		if (s->filter_locked) {
			tpsim__detail(s, "F9: the filter is locked "
					 "(SO_LOCK_FILTER)");
			return -EPERM;
		}
		if (!s->filter) {
			tpsim__detail(s, "F9: no filter to detach");
			return -ENOENT;
		}
		tpsim__filter_free(s);
		return 0;
	case SO_LOCK_FILTER:
		if (s->filter_locked && !val) {
			tpsim__detail(s, "F9: a locked filter stays locked");
			return -EPERM;
		}
		s->filter_locked = val != 0;
		return 0;
	default:	/* SO_BPF_EXTENSIONS can only be read */
		tpsim__detail(s, "SOL_SOCKET option %d cannot be set",
			      optname);
		return -ENOPROTOOPT;
	}
}

/* sk_get_filter(): the length is in instructions, in and out (F10) */
static int get_filter(struct tpsim_sock *s, void *optval, int *len)
{
	uint32_t n = s->filter ? s->filter->len : 0;

	if (!n || !*len) {
		*len = (int)n;
		return 0;
	}
	if ((uint32_t)*len < n) {
		tpsim__detail(s, "F10: SO_GET_FILTER room for %d instructions, "
			      "the program has %u", *len, n);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(optval, s->filter->insns, n * sizeof(s->filter->insns[0]));
	*len = (int)n;
	return 0;
}

int tpsim__filter_getsockopt(struct tpsim_sock *s, int optname, void *optval,
			     int *len)
{
	int v;

	if (*len < 0) {
		tpsim__detail(s, "O8: negative optlen %d", *len);
		return -EINVAL;
	}
	switch (optname) {
	case SO_GET_FILTER:
		return get_filter(s, optval, len);
	case SO_LOCK_FILTER:
		v = s->filter_locked;
		break;
	case SO_BPF_EXTENSIONS:
		v = SKF_AD_MAX;	/* bpf_tell_extensions() */
		break;
	default:	/* SO_DETACH_FILTER cannot be read */
		tpsim__detail(s, "SOL_SOCKET option %d cannot be read",
			      optname);
		return -ENOPROTOOPT;
	}
	if (*len > (int)sizeof(v))
		*len = sizeof(v);
	if (*len && !optval)
		return -EFAULT;
	if (*len)
		memcpy(optval, &v, (size_t)*len);
	return 0;
}

/* The skb fields a filter may read (tpsim_packet's since 0.3). */
#define PKT_HAS(p, f) ((p)->sz >= offsetof(struct tpsim_packet, f) + \
			sizeof((p)->f))

uint32_t tpsim__run_filter(struct tpsim_sock *s, const struct tpsim_packet *p,
			   const struct rx_skb *k)
{
	struct tpsim_bpf_pkt b = {
		.hdr = k->lhdr,
		.hdr_len = k->lhdr_len,
		.payload = k->payload,
		.plen = k->plen,
		/* SOCK_RAW: from the link header; SOCK_DGRAM: the network
		 * header, the link header still before it (SKF_LL_OFF) */
		.data_off = s->type == SOCK_RAW ? 0 : k->lhdr_len,
		.protocol = ntohs(k->protocol),
		.pkttype = k->pkttype,
		/* skb_vlan_tag_present(): vlan_all != 0 */
		.vlan_present = k->vlan && (k->vlan_tci || k->vlan_tpid),
		.vlan_tci = k->vlan_tci,
		.vlan_tpid = k->vlan_tpid,
		.vlan_raw = s->prof->vlan_present_bit,
		.queue_mapping = PKT_HAS(p, queue_mapping) ? p->queue_mapping
							   : 0,
		.hatype = s->hatype,
		.ifindex = s->ifindex,
		.mark = PKT_HAS(p, mark) ? p->mark : 0,
		.hash = (p->flags & TPSIM_PKT_RXHASH) ? p->rxhash : 0,
		.cpu = 0,
		.rnd = &s->bpf_rnd,
	};

	uint32_t steps;

	return tpsim__bpf_run(s->filter->insns, s->filter->len, &b, &steps);
}
