/* SPDX-License-Identifier: MIT */
/*
 * Filter programs libpcap compiled from tcpdump expressions at build time
 * (tools/mkpcapprogs.c writes the table; see PCAP_EXPRS in the Makefile).
 */
#ifndef TPC_PCAP_PROGS_H
#define TPC_PCAP_PROGS_H

#include <linux/filter.h>

struct tpc_pcap_prog {
	const char *expr;
	const struct sock_filter *insns;
	unsigned int len;
};

/* Ended by an entry with a NULL expr. */
extern const struct tpc_pcap_prog tpc_pcap_progs[];

#endif
