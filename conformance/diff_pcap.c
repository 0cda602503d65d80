// SPDX-License-Identifier: MIT
/*
 * tpconform --differential-pcap FILE...: real captures replayed into two
 * backends (by default the simulator and a kernel ring on a TAP), for
 * SOCK_RAW and SOCK_DGRAM, TPACKET_V1, V2 and V3, every record injected
 * in order and every frame compared field by field: status, lengths,
 * offsets, VLAN fields, sockaddr_ll, a hash of the bytes captured, the
 * statistics. A user proves the simulator on their own traffic with it.
 */
#include <errno.h>
#include <stdbool.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff_pcap.h"
#include "diff_seq.h"

#ifndef TPC_STATIC
#include <pcap/pcap.h>

#define BLOCK 65536u
#define BLOCKS 16u
#define FRAME 16384u		/* holds a jumbo frame whole (V1/V2) */
#define CHUNK 48u		/* records between two snapshots */

struct rec {
	uint32_t len;
	unsigned char *data;
};

static uint32_t fnv(const unsigned char *b, uint32_t n)
{
	uint32_t h = 0x811c9dc5u;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x01000193u;
	return h;
}

/* Everything a V1/V2 frame shows, then the frame handed back. */
static void snap_frames(struct tpc_out *o, char *m, int version, int ifindex)
{
	for (uint32_t i = 0; i < BLOCKS * (BLOCK / FRAME); i++) {
		char *h = m + (size_t)i * FRAME;
		struct tpc_frame_fields f;
		struct sockaddr_ll *sll = (void *)(h + 32);

		tpc_frame_fields_read(h, version, &f);
		if (!f.status)
			continue;
		tpc_emit(o, "frame %u: status 0x%lx len %u snaplen %u mac %u "
			 "net %u vlan %u/%x sll %u/%04x/%d/%u/%u/%u bytes "
			 "%08x\n", i,
			 f.status & ~(unsigned long)TP_STATUS_TS_SOFTWARE,
			 f.len, f.snaplen, f.mac, f.net, f.tci, f.tpid,
			 sll->sll_family,
			 sll->sll_protocol, sll->sll_ifindex == ifindex,
			 sll->sll_hatype, sll->sll_pkttype, sll->sll_halen,
			 f.mac + (uint64_t)f.snaplen <= FRAME
				 ? fnv((unsigned char *)h + f.mac, f.snaplen)
				 : 0);
		if (version == TPACKET_V1)
			((struct tpacket_hdr *)h)->tp_status = TP_STATUS_KERNEL;
		else
			__atomic_store_n(&((struct tpacket2_hdr *)h)->tp_status,
					 TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	}
}

/* Every packet of every V3 block; closed blocks handed back. */
static void snap_blocks(struct tpc_out *o, char *m, int ifindex)
{
	for (uint32_t b = 0; b < BLOCKS; b++) {
		struct tpacket_block_desc *d = (void *)(m + (size_t)b * BLOCK);
		struct tpacket_hdr_v1 *h1 = &d->hdr.bh1;
		uint32_t off = h1->offset_to_first_pkt;
		uint32_t st = __atomic_load_n(&h1->block_status,
					      __ATOMIC_ACQUIRE);

		if (!(st & TP_STATUS_USER))
			continue;
		tpc_emit(o, "block %u: status 0x%x pkts %u len %u\n", b, st,
			 h1->num_pkts, h1->blk_len);
		for (uint32_t k = 0; k < h1->num_pkts && off &&
				     off < BLOCK - 48; k++) {
			struct tpacket3_hdr *p = (void *)((char *)d + off);
			struct sockaddr_ll *sll = (void *)((char *)p + 48);

			tpc_emit(o, "  packet %u: next %u status 0x%x len %u "
				 "snap %u mac %u net %u vlan %u/%x sll "
				 "%04x/%d/%u/%u bytes %08x\n", k,
				 p->tp_next_offset,
				 p->tp_status & ~(uint32_t)TP_STATUS_TS_SOFTWARE,
				 p->tp_len, p->tp_snaplen, p->tp_mac, p->tp_net,
				 p->hv1.tp_vlan_tci, p->hv1.tp_vlan_tpid,
				 sll->sll_protocol, sll->sll_ifindex == ifindex,
				 sll->sll_pkttype, sll->sll_halen,
				 off + (uint64_t)p->tp_mac + p->tp_snaplen <=
						 BLOCK
					 ? fnv((unsigned char *)p + p->tp_mac,
					       p->tp_snaplen)
					 : 0);
			if (!p->tp_next_offset)
				break;
			off += p->tp_next_offset;
		}
		__atomic_store_n(&h1->block_status, 0, __ATOMIC_RELEASE);
	}
}

/* One backend's socket for one capture, type and version. */
struct side {
	const struct tpc_backend_ops *ops;
	void *ctx;
	struct tpc_sock *sk;
	void *m;
	int ifindex, version;
	struct tpc_out *o;
};

static void side_open(struct side *d, int type)
{
	struct tpacket_req3 q = { .tp_block_size = BLOCK,
				  .tp_block_nr = BLOCKS,
				  .tp_frame_size = FRAME,
				  .tp_frame_nr = BLOCKS * (BLOCK / FRAME),
				  .tp_retire_blk_tov = 60000 };
	uint8_t dev[6];
	int err;

	d->m = NULL;
	d->sk = NULL;
	d->ops->dev_info(d->ctx, dev, &d->ifindex);
	err = d->ops->socket(d->ctx, type, ETH_P_ALL, &d->sk);
	tpc_emit(d->o, "socket %d\n", err);
	if (err) {
		d->sk = NULL;
		return;
	}
	err = d->ops->setsockopt(d->sk, SOL_PACKET, PACKET_VERSION,
				 &d->version, sizeof(d->version));
	if (!err)
		err = d->ops->setsockopt(d->sk, SOL_PACKET, PACKET_RX_RING, &q,
					 d->version == TPACKET_V3
						 ? sizeof(q)
						 : sizeof(struct tpacket_req));
	if (!err)
		err = d->ops->mmap(d->sk, (size_t)BLOCK * BLOCKS, 0, &d->m);
	if (err)
		d->m = NULL;
	tpc_emit(d->o, "ring %d\n", err);
}

static void side_inject(struct side *d, const struct rec *r, size_t i)
{
	struct tpc_inject p = { .data = r->data, .len = r->len };

	if (d->m)
		tpc_emit(d->o, "record %zu (%u bytes): %d\n", i + 1, r->len,
			 d->ops->inject(d->ctx, d->sk, &p) < 0 ? -1 : 0);
}

static void side_snap(struct side *d)
{
	if (!d->m)
		return;
	if (d->version == TPACKET_V3)
		snap_blocks(d->o, d->m, d->ifindex);
	else
		snap_frames(d->o, d->m, d->version, d->ifindex);
}

static void side_close(struct side *d)
{
	struct tpacket_stats_v3 st = { 0 };
	socklen_t slen = sizeof(st);
	int err;

	if (!d->sk)
		return;
	err = d->ops->getsockopt(d->sk, SOL_PACKET, PACKET_STATISTICS, &st,
				 &slen);
	tpc_emit(d->o, "stats %d: packets %u drops %u\n", err, st.tp_packets,
		 st.tp_drops);
	if (d->m)
		d->ops->munmap(d->sk, d->m, (size_t)BLOCK * BLOCKS);
	d->ops->sock_close(d->sk);
}

static int load(const char *path, struct rec **out, size_t *nout)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, errbuf);
	struct pcap_pkthdr *h;
	const unsigned char *d;
	struct rec *r = NULL;
	size_t n = 0;
	int rc;

	if (!p) {
		fprintf(stderr, "tpconform: --differential-pcap %s: %s\n", path,
			errbuf);
		return -1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "tpconform: --differential-pcap %s: link type "
				"%d is not Ethernet\n", path, pcap_datalink(p));
		pcap_close(p);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		struct rec *nr = realloc(r, (n + 1) * sizeof(*r));
		/* what a TAP takes in one write: the rest is cut, as the
		 * ring would cut it anyway */
		uint32_t len = h->caplen > 65000 ? 65000 : h->caplen;

		if (!nr || !(nr[n].data = malloc(len ? len : 1))) {
			r = nr ? nr : r;
			rc = PCAP_ERROR;
			break;
		}
		r = nr;
		memcpy(r[n].data, d, len);
		r[n++].len = len;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "tpconform: --differential-pcap %s: after %zu "
				"records: %s\n", path, n, pcap_geterr(p));
		pcap_close(p);
		for (size_t i = 0; i < n; i++)
			free(r[i].data);
		free(r);
		return -1;
	}
	pcap_close(p);
	*out = r;
	*nout = n;
	return 0;
}

/* The first line where a and b differ, printed with both sides. */
static void first_diff(FILE *f, const char *an, const char *a, const char *bn,
		       const char *b)
{
	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			fprintf(f, "  %s: %.*s\n  %s: %.*s\n", an, (int)la, a, bn,
				(int)lb, b);
			return;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
}

int tpc_differential_pcap(const struct tpc_diff_side *a,
			  const struct tpc_diff_side *b, char *const *files,
			  size_t nfiles, FILE *f)
{
	struct tpc_out *oa = malloc(sizeof(*oa)), *ob = malloc(sizeof(*ob));
	unsigned long runs = 0, diffs = 0, lines = 0;
	int rc = 0;

	if (!oa || !ob) {
		free(oa);
		free(ob);
		return 2;
	}
	for (size_t i = 0; i < nfiles && rc != 2; i++) {
		struct rec *r;
		size_t n;

		if (load(files[i], &r, &n)) {
			rc = 2;
			break;
		}
		for (int type = 0; type < 2; type++) {
			for (int v = TPACKET_V1; v <= TPACKET_V3; v++) {
				int st = type ? SOCK_DGRAM : SOCK_RAW;
				struct side da = { a->ops, a->ctx, .version = v,
						   .o = oa };
				struct side db = { b->ops, b->ctx, .version = v,
						   .o = ob };
				bool differed = false;

				runs++;
				oa->len = ob->len = 0;
				oa->buf[0] = ob->buf[0] = '\0';
				side_open(&da, st);
				side_open(&db, st);
				/* both sides in step, compared at each
				 * snapshot: what one shows is bounded */
				for (size_t k = 0; k <= n; k++) {
					if (k < n) {
						side_inject(&da, &r[k], k);
						side_inject(&db, &r[k], k);
					}
					if (k < n && (k + 1) % CHUNK && k + 1 < n)
						continue;
					if (k < n) {
						side_snap(&da);
						side_snap(&db);
					} else {
						side_close(&da);
						side_close(&db);
					}
					for (const char *c = oa->buf; *c; c++)
						lines += *c == '\n';
					if (!differed &&
					    strcmp(oa->buf, ob->buf)) {
						differed = true;
						diffs++;
						rc = 1;
						fprintf(f, "DIFF %s, %s, "
							"TPACKET_V%d:\n",
							files[i],
							type ? "SOCK_DGRAM"
							     : "SOCK_RAW",
							v + 1);
						first_diff(f, a->ops->name,
							   oa->buf,
							   b->ops->name,
							   ob->buf);
					}
					oa->len = ob->len = 0;
					oa->buf[0] = ob->buf[0] = '\0';
				}
			}
		}
		for (size_t k = 0; k < n; k++)
			free(r[k].data);
		free(r);
	}
	if (rc != 2)
		fprintf(f, "differential-pcap: %zu files, %lu runs (RAW and "
			   "DGRAM, V1 to V3), %lu lines compared, %lu "
			   "differences (%s vs %s)\n", nfiles, runs, lines,
			diffs, a->ops->name, b->ops->name);
	free(oa);
	free(ob);
	return rc;
}
#else
int tpc_differential_pcap(const struct tpc_diff_side *a,
			  const struct tpc_diff_side *b, char *const *files,
			  size_t nfiles, FILE *f)
{
	(void)a, (void)b, (void)files, (void)nfiles;
	fprintf(f, "tpconform: --differential-pcap is not in the static "
		   "build (no libpcap)\n");
	return 2;
}
#endif
