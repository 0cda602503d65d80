// SPDX-License-Identifier: MIT
/*
 * The oracle: --expect-out is what the ring published, written as a
 * correct consumer writes it with libpcap's conventions (pcap-linux.c):
 * tp_snaplen bytes from tp_mac, the stamp tp_sec/tp_nsec in microseconds,
 * and a tag held outside the data (TP_STATUS_VLAN_VALID or a non-zero
 * tp_vlan_tci) put back after the MAC addresses with tp_vlan_tpid (or
 * 0x8100 without TP_STATUS_VLAN_TPID_VALID), caplen and len 4 more, and
 * caplen cut to the program's snapshot (--snaplen, tcpdump -s).
 * "The program saw what the ring gave it" is then a comparison of files.
 * Everything comes from the producer's record of the write
 * (tpsim_rx_last) and the packet it delivered, never from the ring.
 *
 * --wire-out: the frames the program sent, in the order they left.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static pcap_dumper_t *open_dump(struct tpr_run *r, const char *opt,
				const char *path)
{
	pcap_dumper_t *d = pcap_dump_open(r->dead, path);

	if (!d)
		snprintf(r->err, sizeof(r->err), "%s %s: %s", opt, path,
			 pcap_geterr(r->dead));
	return d;
}

int tpr__oracle_open(struct tpr_run *r)
{
	if (!r->cfg->expect_out && !r->cfg->wire_out)
		return 0;
	/* microseconds and the program's snapshot: the file tcpdump -w
	 * writes */
	r->dead = pcap_open_dead(DLT_EN10MB, (int)r->cfg->snaplen);
	r->obuf = malloc(TPR_SNAPLEN + 4);
	if (!r->dead || !r->obuf)
		return -ENOMEM;
	if (r->cfg->expect_out &&
	    !(r->expect = open_dump(r, "--expect-out", r->cfg->expect_out)))
		return -EINVAL;
	if (r->cfg->wire_out &&
	    !(r->wire = open_dump(r, "--wire-out", r->cfg->wire_out)))
		return -EINVAL;
	return 0;
}

void tpr__oracle_note(struct tpr_run *r, struct tpr_sockent *e,
		      const struct tpsim_packet *p,
		      const struct tpsim_rx_info *in)
{
	const uint8_t *d = p->data;
	uint8_t *out = r->obuf;
	struct pcap_pkthdr h = { 0 };
	uint32_t snap = in->snaplen, len = in->len, seen_len = p->len, tpid;
	bool tagged = in->vlan_tci || (in->status & TP_STATUS_VLAN_VALID);
	bool untagged_here;

	(void)e;
	/* one record per packet offered, whichever socket's ring (of a
	 * fanout group, or two capture sockets) took it; SOCK_DGRAM
	 * frames (no link header: tp_mac == tp_net) are not Ethernet */
	if (!r->expect || r->pkt_written == r->offered || in->mac == in->net)
		return;
	r->pkt_written = r->offered;
	/* the frame as the socket saw it: a tag in the data that the
	 * receive path took out (skb_vlan_untag) is gone from it, 4 bytes
	 * less in tp_len (V1 rings cannot say so: the tag is lost) */
	untagged_here = !(p->flags & TPSIM_PKT_VLAN) && p->len >= 16 &&
			in->len + 4 == p->len;
	if (untagged_here)
		seen_len -= 4;
	if (snap > seen_len)	/* cannot be: the producer wrote no more */
		snap = seen_len;
	if (snap > TPR_SNAPLEN)
		snap = TPR_SNAPLEN;
	if (!untagged_here) {
		memcpy(out, d, snap);
	} else {
		memcpy(out, d, snap < 12 ? snap : 12);
		if (snap > 12)
			memcpy(out + 12, d + 16, snap - 12);
	}
	if (tagged && snap >= 12) {
		tpid = in->vlan_tpid || (in->status & TP_STATUS_VLAN_TPID_VALID)
			       ? in->vlan_tpid
			       : 0x8100;
		memmove(out + 16, out + 12, snap - 12);
		out[12] = (uint8_t)(tpid >> 8);
		out[13] = (uint8_t)tpid;
		out[14] = (uint8_t)(in->vlan_tci >> 8);
		out[15] = (uint8_t)in->vlan_tci;
		snap += 4;
		len += 4;
	}
	/* then libpcap's own cut to its snapshot */
	h.caplen = snap > r->cfg->snaplen ? r->cfg->snaplen : snap;
	h.len = len;
	h.ts.tv_sec = in->ts.tv_sec;
	h.ts.tv_usec = in->ts.tv_nsec / 1000;
	pcap_dump((unsigned char *)r->expect, &h, out);
	r->expect_written++;
}

void tpr__oracle_wire(struct tpr_run *r, const void *data, uint32_t len)
{
	struct pcap_pkthdr h = { .caplen = len, .len = len };

	r->wire_written++;
	if (!r->wire)
		return;
	h.ts.tv_sec = r->now.tv_sec;
	h.ts.tv_usec = r->now.tv_nsec / 1000;
	pcap_dump((unsigned char *)r->wire, &h, data);
}

int tpr__oracle_close(struct tpr_run *r)
{
	int err = 0;

	if (r->expect) {
		if (pcap_dump_flush(r->expect))
			err = -EIO;
		pcap_dump_close(r->expect);
		r->expect = NULL;
	}
	if (r->wire) {
		if (pcap_dump_flush(r->wire))
			err = -EIO;
		pcap_dump_close(r->wire);
		r->wire = NULL;
	}
	if (r->dead) {
		pcap_close(r->dead);
		r->dead = NULL;
	}
	free(r->obuf);
	r->obuf = NULL;
	if (err)
		snprintf(r->err, sizeof(r->err), "writing --expect-out or "
			 "--wire-out: %s", strerror(-err));
	return err;
}
