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

int main(int argc, char **argv)
{
	static const unsigned int mixed[] = { 60, 128, 256, 512, 1000, 1514 };
	static const unsigned int small[] = { 200 };
	static const unsigned int jumbo[] = { 9014 };
	static const unsigned int vlan[] = { 64, 1518 };
	static const unsigned int raw[] = { 100 };
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
