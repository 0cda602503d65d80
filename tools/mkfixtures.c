// SPDX-License-Identifier: MIT
/*
 * Writes the capture files under fixtures/ that the tpsim CLI tests read:
 * well-formed ones for `tpsim replay` and broken ones for its error paths.
 * Deterministic: the same bytes every run. Usage: mkfixtures DIR
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define T0 1700000000	/* 2023-11-14, any fixed second will do */

static void eth(unsigned char *f, unsigned int len, unsigned int seq,
		int vlan)
{
	static const unsigned char dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const unsigned char src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	unsigned int o = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		f[o++] = 0x81, f[o++] = 0x00;
		f[o++] = 0x00, f[o++] = 100;	/* VID 100 */
	}
	f[o++] = 0x08, f[o++] = 0x00;		/* IPv4 */
	/* an IPv4/UDP header, then a counting payload */
	memset(f + o, 0, 28);
	f[o] = 0x45;
	f[o + 2] = (unsigned char)((len - o) >> 8);
	f[o + 3] = (unsigned char)(len - o);
	f[o + 8] = 64;
	f[o + 9] = 17;
	f[o + 12] = 10, f[o + 15] = 1;
	f[o + 16] = 10, f[o + 19] = 2;
	f[o + 20] = 0x30, f[o + 21] = 0x39;
	f[o + 22] = 0, f[o + 23] = 80;
	for (unsigned int i = o + 28; i < len; i++)
		f[i] = (unsigned char)(i + seq);
}

/* n packets: lengths from lens (cycled), gap_us apart */
static int write_pcap(const char *dir, const char *name, int dlt,
		      const unsigned int *lens, unsigned int nlens,
		      unsigned int n, unsigned int gap_us, int vlan)
{
	static unsigned char f[9100];
	char path[512];
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	pcap_dumper_t *d;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	d = dead ? pcap_dump_open(dead, path) : NULL;
	if (!d) {
		fprintf(stderr, "mkfixtures: %s: %s\n", path,
			dead ? pcap_geterr(dead) : "pcap_open_dead");
		return 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		unsigned int len = lens[i % nlens];
		unsigned long long us = (unsigned long long)i * gap_us;
		struct pcap_pkthdr h = { .caplen = len, .len = len };

		h.ts.tv_sec = T0 + (time_t)(us / 1000000);
		h.ts.tv_usec = (suseconds_t)(us % 1000000);
		if (dlt == DLT_EN10MB) {
			eth(f, len, i, vlan);
		} else {	/* DLT_RAW: the IPv4 packet alone */
			eth(f, len + 14, i, 0);
			memmove(f, f + 14, len);
		}
		pcap_dump((unsigned char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

/* One record of shapes.pcap: a link-layer shape and how to build it. */
struct shape {
	unsigned int len;	/* bytes on the wire */
	const unsigned char *head;	/* the bytes after the addresses */
	unsigned int head_len;
	int dst;		/* 0 host, 1 broadcast, 2 multicast, 3 other */
};

/* The link-layer shapes a capture can hold, beyond the plain frame:
 * stacked and unknown tags, 802.3 length frames, runts, jumbo, MPLS,
 * PPPoE, each with a counting payload after the given bytes. */
static const unsigned char h_ip[] = { 0x08, 0x00, 0x45 };
static const unsigned char h_arp[] = { 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
				       0x06, 0x04, 0x00, 0x01 };
static const unsigned char h_qinq_arp[] = { 0x88, 0xa8, 0x00, 200,
					    0x81, 0x00, 0x00, 100,
					    0x08, 0x06, 0x00, 0x01 };
static const unsigned char h_qq_ip[] = { 0x81, 0x00, 0x00, 10,
					 0x81, 0x00, 0x00, 20,
					 0x08, 0x00, 0x45 };
static const unsigned char h_triple[] = { 0x88, 0xa8, 0x00, 1,
					  0x81, 0x00, 0x00, 2,
					  0x81, 0x00, 0x00, 3,
					  0x86, 0xdd, 0x60 };
static const unsigned char h_9100[] = { 0x91, 0x00, 0x00, 30,
					0x08, 0x00, 0x45 };
static const unsigned char h_q_9100[] = { 0x81, 0x00, 0x00, 40,
					  0x91, 0x00, 0x00, 50,
					  0x08, 0x00, 0x45 };
static const unsigned char h_ad_only[] = { 0x88, 0xa8, 0x0f, 0xff,
					   0x88, 0xb5 };
static const unsigned char h_llc[] = { 0x00, 0x2e, 0x42, 0x42, 0x03 };
static const unsigned char h_snap[] = { 0x00, 0x40, 0xaa, 0xaa, 0x03,
					0x00, 0x00, 0x00, 0x08, 0x00 };
static const unsigned char h_ipx[] = { 0x00, 0x30, 0xff, 0xff };
static const unsigned char h_mpls[] = { 0x88, 0x47, 0x00, 0x01, 0x01, 0x40,
					0x45 };
static const unsigned char h_mpls_mc[] = { 0x88, 0x48, 0x00, 0x02, 0x01,
					   0x40 };
static const unsigned char h_pppoe_s[] = { 0x88, 0x64, 0x11, 0x00, 0x12,
					   0x34, 0x00, 0x20, 0x00, 0x21,
					   0x45 };
static const unsigned char h_pppoe_d[] = { 0x88, 0x63, 0x11, 0x09, 0x00,
					   0x00, 0x00, 0x04, 0x01, 0x01 };
static const unsigned char h_v6[] = { 0x86, 0xdd, 0x60 };
static const unsigned char h_q_short[] = { 0x81, 0x00, 0x00, 7 };
static const unsigned char h_odd[] = { 0x06, 0x00 };	/* first type */
static const unsigned char h_odd2[] = { 0x05, 0xff };	/* last length */
static const unsigned char h_lldp[] = { 0x88, 0xcc, 0x02, 0x07 };
static const unsigned char h_zero[] = { 0x00, 0x00 };
static const unsigned char h_ffff[] = { 0xff, 0xff };

#define SH(len, h, dst) { len, h, sizeof(h), dst }
static const struct shape shapes[] = {
	{ 0, NULL, 0, 1 }, { 1, NULL, 0, 1 }, { 13, NULL, 0, 1 },
	SH(14, h_ip, 1), SH(15, h_ip, 1), SH(60, h_ip, 0), SH(60, h_ip, 3),
	SH(60, h_ip, 2), SH(60, h_arp, 1), SH(64, h_qinq_arp, 1),
	SH(100, h_qq_ip, 0), SH(120, h_triple, 1), SH(80, h_9100, 1),
	SH(80, h_q_9100, 1), SH(60, h_ad_only, 1), SH(60, h_llc, 2),
	SH(78, h_snap, 1), SH(62, h_ipx, 1), SH(90, h_mpls, 0),
	SH(70, h_mpls_mc, 2), SH(96, h_pppoe_s, 0), SH(60, h_pppoe_d, 1),
	SH(1514, h_v6, 0), SH(60, h_q_short, 1), SH(17, h_q_short, 1),
	SH(18, h_q_short, 1), SH(19, h_q_short, 1), SH(20, h_qq_ip, 1),
	SH(22, h_qq_ip, 1), SH(60, h_odd, 1), SH(60, h_odd2, 1),
	SH(60, h_lldp, 2), SH(60, h_zero, 1), SH(60, h_ffff, 1),
	SH(9014, h_ip, 0), SH(1518, h_qq_ip, 1), SH(4000, h_qinq_arp, 0),
};

static int write_shapes(const char *dir)
{
	static const unsigned char dst[4][6] = {
		{ 0x02, 0, 0, 0, 0, 0x01 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
		{ 0x02, 0, 0, 0, 0, 0x99 },
	};
	static const unsigned char src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static unsigned char f[9100];
	char path[512];
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;

	snprintf(path, sizeof(path), "%s/shapes.pcap", dir);
	d = dead ? pcap_dump_open(dead, path) : NULL;
	if (!d) {
		fprintf(stderr, "mkfixtures: %s: %s\n", path,
			dead ? pcap_geterr(dead) : "pcap_open_dead");
		return 1;
	}
	for (unsigned int i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		const struct shape *sh = &shapes[i];
		struct pcap_pkthdr h = { .caplen = sh->len, .len = sh->len };
		unsigned int n;

		h.ts.tv_sec = T0;
		h.ts.tv_usec = (suseconds_t)i * 1000;
		memcpy(f, dst[sh->dst], 6);
		memcpy(f + 6, src, 6);
		n = 12 + sh->head_len;
		if (sh->head)
			memcpy(f + 12, sh->head, sh->head_len);
		for (unsigned int j = n; j < sizeof(f); j++)
			f[j] = (unsigned char)(j * 3 + i);
		pcap_dump((unsigned char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

int main(int argc, char **argv)
{
	static const unsigned int mixed[] = { 60, 128, 256, 512, 1000, 1514 };
	static const unsigned int small[] = { 200 };
	static const unsigned int jumbo[] = { 9014 };
	static const unsigned int vlan[] = { 64, 1518 };
	static const unsigned int raw[] = { 100 };
	/* 37 records of no bytes, then one frame: each must be accounted */
	static const unsigned int runts[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					      0, 0, 0, 0, 0, 0, 0, 60 };
	const char *dir = argc > 1 ? argv[1] : "fixtures";
	char path[512];
	FILE *f;
	long size;
	int rc = 0;

	rc |= write_pcap(dir, "eth-mixed.pcap", DLT_EN10MB, mixed, 6, 60,
			 1000, 0);
	rc |= write_pcap(dir, "burst.pcap", DLT_EN10MB, small, 1, 400, 10, 0);
	rc |= write_pcap(dir, "vlan.pcap", DLT_EN10MB, vlan, 2, 16, 1000, 1);
	rc |= write_pcap(dir, "jumbo.pcap", DLT_EN10MB, jumbo, 1, 8, 1000, 0);
	rc |= write_pcap(dir, "runts.pcap", DLT_EN10MB, runts, 38, 38, 1000,
			 0);
	rc |= write_shapes(dir);
	rc |= write_pcap(dir, "empty.pcap", DLT_EN10MB, mixed, 6, 0, 0, 0);
	rc |= write_pcap(dir, "not-ethernet.pcap", DLT_RAW, raw, 1, 4, 1000,
			 0);
	/* a file cut in the middle of its third record */
	rc |= write_pcap(dir, "truncated.pcap", DLT_EN10MB, mixed, 6, 3, 1000,
			 0);
	snprintf(path, sizeof(path), "%s/truncated.pcap", dir);
	f = fopen(path, "r+");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 ||
	    ftruncate(fileno(f), size - 100)) {
		perror(path);
		rc = 1;
	}
	if (f)
		fclose(f);
	/* not a capture at all */
	snprintf(path, sizeof(path), "%s/bad-magic.pcap", dir);
	f = fopen(path, "w");
	if (!f || fputs("this is not a pcap file, just text.\n", f) < 0) {
		perror(path);
		rc = 1;
	}
	if (f)
		fclose(f);
	return rc;
}
