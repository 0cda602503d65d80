// SPDX-License-Identifier: MIT
/*
 * The ancillary loads that are helper calls in the kernel:
 * SKF_AD_PAY_OFFSET (skb_get_poff: the flow dissector with the basic
 * keys, then the transport header's length) and SKF_AD_NLATTR /
 * SKF_AD_NLATTR_NEST (netlink attributes looked up in the packet bytes,
 * which on a packet socket are whatever arrived).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include "bpf.h"

/* MAX_FLOW_DISSECT_HDRS: headers the dissector walks at most */
#define MAX_HDRS 15

/* The filter's data: n bytes at off readable? */
static bool have(const struct tpsim_bpf_pkt *p, uint32_t off, uint32_t n)
{
	uint32_t len = p->hdr_len + p->plen - p->data_off;

	return off <= len && n <= len - off;
}

static uint8_t at(const struct tpsim_bpf_pkt *p, uint32_t off)
{
	return tpsim__bpf_byte(p, p->data_off + off);
}

/* Transport header lengths __skb_get_poff() skips, by IP protocol. */
static uint32_t l4_len(const struct tpsim_bpf_pkt *p, uint8_t proto,
		       uint32_t poff)
{
	uint32_t doff;

	switch (proto) {
	case IPPROTO_TCP:
		if (!have(p, poff + 12, 1))
			return 0;
		doff = (uint32_t)(at(p, poff + 12) & 0xf0) >> 2;
		return doff > 20 ? doff : 20;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
	case IPPROTO_IGMP:
		return 8;
	case IPPROTO_DCCP:
	case IPPROTO_SCTP:
		return 12;
	default:
		return 0;
	}
}

enum dis { D_GOOD, D_BAD, D_PROTO_AGAIN, D_IPPROTO_AGAIN, D_CONTINUE };

struct keys {
	uint32_t nhoff;
	uint16_t proto;	/* host order */
	uint8_t ip_proto;
	bool frag, first_frag;
	int vlans;	/* tags walked (the first may be outside the data) */
};

/* The network-layer step of __skb_flow_dissect for one protocol. */
static enum dis dissect_net(const struct tpsim_bpf_pkt *p, struct keys *k)
{
	uint32_t ihl, frag;

	switch (k->proto) {
	case ETH_P_8021Q:
	case ETH_P_8021AD:
		if (k->vlans++ == 0 && p->vlan_present) {
			/* the tag the receive path took off */
			k->proto = p->protocol;
			return D_PROTO_AGAIN;
		}
		if (!have(p, k->nhoff, 4))
			return D_BAD;
		k->proto = (uint16_t)(at(p, k->nhoff + 2) << 8 |
				      at(p, k->nhoff + 3));
		k->nhoff += 4;
		return D_PROTO_AGAIN;
	case ETH_P_IP:
		if (!have(p, k->nhoff, 20) || (at(p, k->nhoff) & 15) < 5)
			return D_BAD;
		ihl = (uint32_t)(at(p, k->nhoff) & 15) * 4;
		k->ip_proto = at(p, k->nhoff + 9);
		frag = (uint32_t)(at(p, k->nhoff + 6) << 8 |
				  at(p, k->nhoff + 7));
		k->nhoff += ihl;
		if (frag & 0x3fff) {	/* IP_MF | IP_OFFSET */
			k->frag = true;
			/* not parsed further, first fragment or not */
			k->first_frag = !(frag & 0x1fff);
			return D_GOOD;
		}
		return D_CONTINUE;
	case ETH_P_IPV6:
		if (!have(p, k->nhoff, 40))
			return D_BAD;
		k->ip_proto = at(p, k->nhoff + 6);
		k->nhoff += 40;
		return D_CONTINUE;
	case ETH_P_ARP:
	case ETH_P_RARP:
		return D_GOOD;		/* no ARP keys asked for */
	case ETH_P_MPLS_UC:
	case ETH_P_MPLS_MC:
		k->nhoff += 4;		/* no MPLS keys asked for */
		return D_GOOD;
	default:
		return D_BAD;
	}
}

/* The transport-layer step: IPv6 extension headers and tunnels. */
static enum dis dissect_ip_proto(const struct tpsim_bpf_pkt *p,
				 struct keys *k)
{
	switch (k->ip_proto) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
		if (k->proto != ETH_P_IPV6)
			return D_CONTINUE;
		if (!have(p, k->nhoff, 2))
			return D_BAD;
		k->ip_proto = at(p, k->nhoff);
		k->nhoff += (uint32_t)(at(p, k->nhoff + 1) + 1) << 3;
		return D_IPPROTO_AGAIN;
	case IPPROTO_FRAGMENT:
		if (k->proto != ETH_P_IPV6)
			return D_CONTINUE;
		if (!have(p, k->nhoff, 8))
			return D_BAD;
		k->frag = true;
		k->ip_proto = at(p, k->nhoff);
		k->first_frag = !((at(p, k->nhoff + 2) << 8 |
				   at(p, k->nhoff + 3)) & 0xfff8);
		k->nhoff += 8;
		return D_GOOD;
	case IPPROTO_IPIP:
		k->proto = ETH_P_IP;
		return D_PROTO_AGAIN;
	case IPPROTO_IPV6:
		k->proto = ETH_P_IPV6;
		return D_PROTO_AGAIN;
	case IPPROTO_MPLS:
		k->proto = ETH_P_MPLS_UC;
		return D_PROTO_AGAIN;
	default:
		return D_CONTINUE;
	}
}

/* skb_flow_dissect_flow_keys_basic(): false when the dissector gives up */
static bool dissect(const struct tpsim_bpf_pkt *p, struct keys *k)
{
	int hdrs = 0;
	enum dis d;

	k->nhoff = p->hdr_len - p->data_off;	/* skb_network_offset */
	k->proto = p->vlan_present ? p->vlan_tpid : p->protocol;
proto_again:
	d = dissect_net(p, k);
	if (d == D_PROTO_AGAIN)
		goto again;
	if (d != D_CONTINUE)
		return d == D_GOOD;
ip_proto_again:
	d = dissect_ip_proto(p, k);
	if (d == D_BAD)
		return false;
	if (d != D_PROTO_AGAIN && d != D_IPPROTO_AGAIN)
		return true;
again:
	if (++hdrs > MAX_HDRS)
		return true;
	if (d == D_PROTO_AGAIN)
		goto proto_again;
	goto ip_proto_again;
}

uint32_t tpsim__bpf_pay_offset(const struct tpsim_bpf_pkt *p)
{
	uint32_t len = p->hdr_len + p->plen - p->data_off, poff;
	struct keys k = { 0 };
	bool ok = dissect(p, &k);

	if (!ok)
		return 0;
	/* thoff = min_t(u16, nhoff, skb->len) */
	poff = (uint16_t)k.nhoff < (uint16_t)len ? (uint16_t)k.nhoff
						 : (uint16_t)len;
	if (k.frag && !k.first_frag)
		return poff;
	return poff + l4_len(p, k.ip_proto, poff);
}

/* nla_ok(): an attribute header and its whole length fit in rem */
static bool nla_ok(const struct tpsim_bpf_pkt *p, uint32_t off, int64_t rem,
		   uint16_t *len)
{
	if (rem < 4)
		return false;
	*len = (uint16_t)(at(p, off) | at(p, off + 1) << 8);
	return *len >= 4 && *len <= rem;
}

/* nla_find(): the first attribute of type x in [off, off + rem) */
static uint32_t nla_find(const struct tpsim_bpf_pkt *p, uint32_t off,
			 int64_t rem, uint32_t x)
{
	uint16_t len;

	while (nla_ok(p, off, rem, &len)) {
		uint32_t type = (uint32_t)(at(p, off + 2) |
					   at(p, off + 3) << 8) & 0x3fff;

		if (type == x)
			return off;
		rem -= (len + 3u) & ~3u;
		off += (len + 3u) & ~3u;
	}
	return 0;
}

uint32_t tpsim__bpf_nlattr(const struct tpsim_bpf_pkt *p, uint32_t a,
			   uint32_t x, bool nest)
{
	uint32_t len = p->hdr_len + p->plen - p->data_off;
	uint16_t nla_len;

	if (len < 4 || a > len - 4)
		return 0;
	if (!nest)
		return nla_find(p, a, (int64_t)len - a, x);
	if (!nla_ok(p, a, (int64_t)len - a, &nla_len))
		return 0;
	return nla_find(p, a + 4, nla_len - 4, x);
}
