// SPDX-License-Identifier: MIT
/*
 * A fanout group's program: PACKET_FANOUT_DATA (fanout_set_data,
 * fanout_set_data_cbpf, fanout_set_data_ebpf; rule N18) and the member
 * it picks (fanout_demux_bpf; rule N19). A PACKET_FANOUT_CBPF group takes
 * a classic program checked as SO_ATTACH_FILTER checks one (bpf_check.c)
 * and runs it (bpf_run.c) on the frame as the group's packet_type sees
 * it. eBPF cannot run here: an fd the kernel would take is refused with
 * EOPNOTSUPP, every fd it would refuse gets the kernel's errno.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "internal.h"

/* SOCK_FILTER_LOCKED: SO_LOCK_FILTER guards the group's program too */
static bool filter_locked(struct tpsim_sock *s)
{
	bool locked;

	pthread_mutex_lock(&s->lock);
	locked = s->filter_locked;
	pthread_mutex_unlock(&s->lock);
	if (locked)
		tpsim__detail(s, "N18: the socket's filter is locked "
				 "(SO_LOCK_FILTER)");
	return locked;
}

/* fanout_set_data_cbpf(): copy_bpf_fprog_from_user's optlen, then
 * bpf_prog_create_from_user (bpf_check_basics_ok, bpf_prepare_filter);
 * not charged to optmem_max as a socket's filter is. */
int tpsim__fanout_cbpf_new(struct tpsim_sock *s, const void *optval,
			   socklen_t optlen, struct tpsim_bpf_prog **out)
{
	struct tpsim_bpf_prog *prog;
	struct sock_fprog fprog;
	uint32_t ebpf_len;
	int err;

	if (filter_locked(s))
		return -EPERM;
	if (optlen != sizeof(fprog)) {
		tpsim__detail(s, "N18: PACKET_FANOUT_DATA of a CBPF group needs "
				 "optlen %zu (struct sock_fprog), got %u",
			      sizeof(fprog), (unsigned int)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(&fprog, optval, sizeof(fprog));
	err = tpsim__fprog_check(s, "N18", "N18: ", &fprog, &ebpf_len);
	if (err)
		return err;
	prog = malloc(sizeof(*prog) + fprog.len * sizeof(fprog.filter[0]));
	if (!prog)
		return -ENOMEM;
	prog->len = fprog.len;
	prog->charge = 0;
	memcpy(prog->insns, fprog.filter, fprog.len * sizeof(fprog.filter[0]));
	*out = prog;
	return 0;
}

/* Is fd a BPF program, and of which type (bpf_prog_get_type)? -EBADF
 * for no open file, -EINVAL for a file that is not a program, else the
 * type (-1 when bpf(2) would not tell). */
static int bpf_prog_type(int fd)
{
	char path[40], link[64];
	struct bpf_prog_info info;
	union bpf_attr a;
	ssize_t n;

	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -EINVAL;
	link[n] = '\0';
	if (strcmp(link, "anon_inode:bpf-prog"))
		return -EINVAL;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
		return -1;
	return (int)info.type;
}

/* fanout_set_data_ebpf() up to bpf_prog_get_type(fd,
 * BPF_PROG_TYPE_SOCKET_FILTER): its refusals, and EOPNOTSUPP for a
 * program it would take (the simulator runs no eBPF). */
int tpsim__fanout_ebpf_set(struct tpsim_sock *s, const void *optval,
			   socklen_t optlen)
{
	uint32_t fd;
	int type;

	if (filter_locked(s))
		return -EPERM;
	if (optlen != sizeof(fd)) {
		tpsim__detail(s, "N12: optlen %u is not an fd",
			      (unsigned int)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(&fd, optval, sizeof(fd));
	type = bpf_prog_type(fd > INT32_MAX ? -1 : (int)fd);
	if (type == -EBADF) {
		tpsim__detail(s, "N12: fd %u is not open", fd);
		return -EBADF;
	}
	if (type == -EINVAL || (type >= 0 &&
				type != BPF_PROG_TYPE_SOCKET_FILTER)) {
		tpsim__detail(s, "N12: fd %u is not a socket filter program",
			      fd);
		return -EINVAL;
	}
	tpsim__detail(s, "N12: fd %u is an eBPF program; eBPF is not "
			 "simulated", fd);
	return -EOPNOTSUPP;
}

static bool vlan_type(uint16_t type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD;
}

/* eth_type_trans()'s pkt_type, from the device's own address */
static uint8_t eth_pkttype(const struct tpsim_dev *d, const uint8_t *dst)
{
	static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff };

	if (!memcmp(dst, d->addr, ETH_ALEN))
		return PACKET_HOST;
	if (dst[0] & 1)
		return memcmp(dst, bcast, ETH_ALEN) ? PACKET_MULTICAST
						    : PACKET_BROADCAST;
	return PACKET_OTHERHOST;
}

/* eth_type_trans()'s protocol for a type field (host order) */
static uint16_t eth_proto(uint16_t type, const uint8_t *l3, uint32_t len)
{
	if (type >= ETH_P_802_3_MIN)
		return type;
	if (len >= 2 && l3[0] == 0xff && l3[1] == 0xff)
		return ETH_P_802_3;
	return ETH_P_802_2;
}

/* skb_vlan_untag(): the tag at the front of the network data goes to the
 * VLAN fields, the type after it to the link header's copy; false when
 * the tag is cut short (the stack frees the frame before any tap). */
static bool untag(const uint8_t *frame, uint16_t *type, uint8_t hdr[ETH_HLEN],
		  struct tpsim_bpf_pkt *v)
{
	if (v->plen < 6)
		return false;
	v->vlan_present = true;
	v->vlan_tci = (uint16_t)(v->payload[0] << 8 | v->payload[1]);
	v->vlan_tpid = *type;
	*type = (uint16_t)(v->payload[2] << 8 | v->payload[3]);
	memcpy(hdr, frame, 12);
	hdr[12] = (uint8_t)(*type >> 8);
	hdr[13] = (uint8_t)*type;
	v->hdr = hdr;
	v->payload += 4;
	v->plen -= 4;
	return true;
}

/* An incoming Ethernet frame as the taps see it: skb->data at the
 * network header, one tag in the data taken off; for a group bound to
 * one protocol (ptype_base, after __netif_receive_skb_core's VLAN step)
 * a VID makes the frame PACKET_OTHERHOST, a priority tag around another
 * tag is taken off too, and the tag is then cleared. */
static bool view_rx(const struct tpsim_dev *d, const struct tpsim_packet *p,
		    bool all, uint8_t hdr[ETH_HLEN], struct tpsim_bpf_pkt *v)
{
	const uint8_t *b = p->data;
	uint16_t type = (uint16_t)(b[12] << 8 | b[13]);

	v->pkttype = (p->flags & TPSIM_PKT_PKTTYPE) ? p->pkttype
						    : eth_pkttype(d, b);
	v->data_off = ETH_HLEN;
	if (p->flags & TPSIM_PKT_VLAN) {
		v->vlan_present = true;
		v->vlan_tci = p->vlan_tci;
		v->vlan_tpid = p->vlan_tpid;
	} else if (vlan_type(type) && !untag(b, &type, hdr, v)) {
		return false;
	}
	if (!all) {
		while (v->vlan_present && !(v->vlan_tci & 0x0fff) &&
		       vlan_type(type))
			if (!untag(b, &type, hdr, v))
				return false;
		if (v->vlan_present && (v->vlan_tci & 0x0fff))
			v->pkttype = PACKET_OTHERHOST;
		v->vlan_present = false;
		v->vlan_tci = v->vlan_tpid = 0;
	}
	v->protocol = eth_proto(type, v->payload, v->plen);
	return true;
}

/* The skb fields after rxhash, in a tpsim_packet of an older size */
#define PKT_HAS(p, f) ((p)->sz >= offsetof(struct tpsim_packet, f) + \
			sizeof((p)->f))

uint32_t tpsim__fanout_run_bpf(const struct tpsim_bpf_prog *prog,
			       const struct tpsim_dev *d,
			       const struct tpsim_packet *p, bool all,
			       unsigned int cpu, uint32_t *rnd)
{
	const uint8_t *b = p->data;
	uint32_t hlen = d->hard_header_len;
	uint8_t hdr[ETH_HLEN];
	struct tpsim_bpf_pkt v;

	if (p->len < hlen)	/* no frame a tap sees */
		return 0;
	v = (struct tpsim_bpf_pkt){
		.hdr = b,
		.hdr_len = hlen,
		.payload = b + hlen,
		.plen = p->len - hlen,
		.pkttype = PACKET_HOST,
		.queue_mapping = PKT_HAS(p, queue_mapping) ? p->queue_mapping
							   : 0,
		.hatype = d->hatype,
		.ifindex = d->ifindex,
		.mark = PKT_HAS(p, mark) ? p->mark : 0,
		.hash = (p->flags & TPSIM_PKT_RXHASH) ? p->rxhash : 0,
		.cpu = cpu,
		.rnd = rnd,
	};

	if (hlen && (p->flags & TPSIM_PKT_PKTTYPE) &&
	    p->pkttype == PACKET_OUTGOING) {
		/* dev_queue_xmit_nit(): skb->data at the link header, the
		 * frame as sent, its protocol the type field as it is */
		v.pkttype = PACKET_OUTGOING;
		v.protocol = (p->flags & TPSIM_PKT_PROTOCOL)
				     ? ntohs(p->protocol)
				     : (uint16_t)(b[12] << 8 | b[13]);
	} else if (hlen) {
		if (!view_rx(d, p, all, hdr, &v))
			return 0;
	} else {
		/* no link header: skb->data is the network header */
		if (p->flags & TPSIM_PKT_PKTTYPE)
			v.pkttype = p->pkttype;
		if (p->flags & TPSIM_PKT_PROTOCOL)
			v.protocol = ntohs(p->protocol);
		else if (p->len && (b[0] >> 4) == 4)
			v.protocol = ETH_P_IP;
		else if (p->len && (b[0] >> 4) == 6)
			v.protocol = ETH_P_IPV6;
	}
	return tpsim__bpf_run(prog->insns, prog->len, &v, NULL);
}
