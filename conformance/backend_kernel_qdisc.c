// SPDX-License-Identifier: MIT
/*
 * The kernel backend's holding qdisc (qdisc_hold): a token bucket filter
 * (sch_tbf) as the TAP's root qdisc, at 1 byte/s with a bucket of one
 * full-size frame (TCA_TBF_BURST 1514). Once one frame of 1514 bytes
 * has emptied the bucket, every frame sent waits in the qdisc for as
 * many seconds as it has bytes: SENDING, charged to its socket's send
 * buffer, not on the wire. Deleting the qdisc (RTM_DELQDISC, what
 * "tc qdisc del dev tpc0 root" sends) drops what it holds, and each
 * skb's destructor (tpacket_destruct_skb) gives its TX frame back.
 * Plain rtnetlink: the guests of make kernel-matrix have no tc.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend_kernel_qdisc.h"

/* our root qdisc's handle, 7c30: ("tpc"): deletion names it, so a
 * qdisc someone else put there is never taken away */
#define HOLD_HANDLE 0x7c300000u

struct nlreq {
	struct nlmsghdr n;
	struct tcmsg t;
	char buf[256];
};

static struct rtattr *put_attr(struct nlmsghdr *n, unsigned short type,
			       const void *data, size_t len)
{
	struct rtattr *a = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

/* send one request, return the kernel's answer (0 or -errno) */
static int talk(struct nlmsghdr *n)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr h;
		char b[1024];
	} ans;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ssize_t r;
	int err = -EIO;

	if (fd < 0)
		return -errno;
	if (sendto(fd, n, n->nlmsg_len, 0, (struct sockaddr *)&k,
		   sizeof(k)) < 0) {
		err = -errno;
	} else {
		r = recv(fd, &ans, sizeof(ans), 0);
		if (r < 0)
			err = -errno;
		else if (r >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
			 ans.h.nlmsg_type == NLMSG_ERROR)
			err = ((struct nlmsgerr *)NLMSG_DATA(&ans.h))->error;
	}
	close(fd);
	return err;
}

static void req_init(struct nlreq *q, int type, int flags, int ifindex)
{
	memset(q, 0, sizeof(*q));
	q->n.nlmsg_len = NLMSG_LENGTH(sizeof(q->t));
	q->n.nlmsg_type = (unsigned short)type;
	q->n.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	q->t.tcm_family = AF_UNSPEC;
	q->t.tcm_ifindex = ifindex;
	q->t.tcm_handle = HOLD_HANDLE;
	q->t.tcm_parent = TC_H_ROOT;
}

int tpc_kern_tbf_add(int ifindex)
{
	struct nlreq q;
	struct tc_tbf_qopt o = { 0 };
	uint32_t burst = TPC_KERN_TBF_BURST;
	struct rtattr *opts;

	req_init(&q, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, ifindex);
	put_attr(&q.n, TCA_KIND, "tbf", 4);
	opts = put_attr(&q.n, TCA_OPTIONS, NULL, 0);
	o.rate.rate = 1;	/* bytes per second */
	o.rate.linklayer = TC_LINKLAYER_ETHERNET;	/* no rate table */
	o.limit = 1u << 20;	/* bytes the queue holds */
	put_attr(&q.n, TCA_TBF_PARMS, &o, sizeof(o));
	put_attr(&q.n, TCA_TBF_BURST, &burst, sizeof(burst));
	opts->rta_len = (unsigned short)((char *)&q.n + q.n.nlmsg_len -
					 (char *)opts);
	return talk(&q.n);
}

int tpc_kern_tbf_del(int ifindex)
{
	struct nlreq q;

	req_init(&q, RTM_DELQDISC, 0, ifindex);
	return talk(&q.n);
}
