// SPDX-License-Identifier: MIT
/*
 * Inside the kernel backend (backend_kernel.c, the socket ops;
 * backend_kernel_setup.c, the namespace and the device open() makes):
 * the context both share. Not for cases or other backends.
 */
#ifndef TPC_BACKEND_KERNEL_H
#define TPC_BACKEND_KERNEL_H

#include <linux/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tpc_backend.h"

#define TAP_NAME "tpc0"

struct kern_ctx {
	int tapfd;		/* TAP injection: the device's fd */
	int sendfd;		/* loopback injection: the sending socket */
	bool private_netns, loopback;
	bool vnet_hdr;		/* TAP writes carry a virtio_net_hdr */
	char ifname[IFNAMSIZ];
	int ifindex;
	uint8_t addr[6];
	int hatype, mtu;	/* -1: unknown */
	int l3fd, l3_ifindex;	/* the TUN (l3_dev), -1/0 until made */
	unsigned int caps;	/* enum tpc_caps this environment offers */
	/* the process (a case's) that put the holding qdisc on the TAP:
	 * another one's socket takes it away first (qdisc_hold) */
	pid_t hold_pid;
	char why[TPC_NCAPS][120];	/* why each missing cap is missing */
};

/* The backend's open and close (tpc_backend_ops): open enters the
 * namespace and makes the device (backend_kernel_setup.c); close frees
 * what open made, and open calls it when it gives up. */
int tpc_kern_open(void **ctxp, char *why, size_t whylen);
void tpc_kern_close(void *ctx);

#endif
