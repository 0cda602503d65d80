// SPDX-License-Identifier: MIT
/*
 * The kernel backend's holding qdisc (backend_kernel_qdisc.c): a TBF at
 * 1 byte/s as the root qdisc of device ifindex, and its deletion. Both
 * return 0 or a negative errno (the kernel's netlink answer).
 */
#ifndef TPC_BACKEND_KERNEL_QDISC_H
#define TPC_BACKEND_KERNEL_QDISC_H

/* the bucket, in bytes: one full-size Ethernet frame empties it */
#define TPC_KERN_TBF_BURST 1514

int tpc_kern_tbf_add(int ifindex);
int tpc_kern_tbf_del(int ifindex);

#endif
