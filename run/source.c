// SPDX-License-Identifier: MIT
/*
 * The input of a producer: pcap and pcapng files (libpcap reads both),
 * Ethernet only, played in order and N times, with nanosecond stamps.
 * `tpsim replay` and `tpsim run` both read their captures through here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct tpr_source {
	char **paths;
	unsigned int n, cur;
	uint32_t loop, pass;	/* loop 0: forever */
	pcap_t *p;
	uint64_t index;
	/* the timeline: a later file or pass is shifted to start after
	 * the last packet played */
	int64_t shift_ns, last_ns;
	bool first_of_file;
};

static pcap_t *open_one(const char *path, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	const char *name;

	p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!p) {
		snprintf(err, errlen, "%s: %s", path, errbuf);
		return NULL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		name = pcap_datalink_val_to_name(pcap_datalink(p));
		snprintf(err, errlen, "%s: link type %s is not Ethernet "
			 "(DLT_EN10MB)", path, name ? name : "unknown");
		pcap_close(p);
		return NULL;
	}
	return p;
}

void tpr_source_close(struct tpr_source *src)
{
	if (!src)
		return;
	if (src->p)
		pcap_close(src->p);
	for (unsigned int i = 0; i < src->n; i++)
		free(src->paths[i]);
	free(src->paths);
	free(src);
}

int tpr_source_open(struct tpr_source **out, char *const *paths,
		    unsigned int n, uint32_t loop, char *err, size_t errlen)
{
	struct tpr_source *src = calloc(1, sizeof(*src));

	if (!src || !(src->paths = calloc(n ? n : 1, sizeof(char *)))) {
		free(src);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	src->loop = loop;
	for (unsigned int i = 0; i < n; i++) {
		pcap_t *p = open_one(paths[i], err, errlen);

		/* every file checked now: a bad one fails before the run */
		if (!p) {
			tpr_source_close(src);
			return -EINVAL;
		}
		pcap_close(p);
		if (!(src->paths[i] = strdup(paths[i]))) {
			tpr_source_close(src);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		src->n++;
	}
	*out = src;
	return 0;
}

/* The next file (or pass); false at the end of the input. */
static bool advance(struct tpr_source *src, char *err, size_t errlen)
{
	if (src->p) {
		pcap_close(src->p);
		src->p = NULL;
		if (++src->cur == src->n) {
			src->cur = 0;
			src->pass++;
		}
	}
	/* forever (loop 0) stops on an input with no packet at all */
	if (!src->n || (src->loop && src->pass >= src->loop) ||
	    (!src->loop && src->pass > 0 && !src->index))
		return false;
	src->p = open_one(src->paths[src->cur], err, errlen);
	src->first_of_file = true;
	return src->p != NULL;
}

int tpr_source_next(struct tpr_source *src, struct tpr_frame *f, char *err,
		    size_t errlen)
{
	struct pcap_pkthdr *h;
	const unsigned char *data;
	int64_t t;
	int rc;

	if (errlen)
		*err = '\0';
	for (;;) {
		if (!src->p && !advance(src, err, errlen))
			return src->p || !*err ? 0 : -EINVAL;
		rc = pcap_next_ex(src->p, &h, &data);
		if (rc == 1)
			break;
		if (rc == PCAP_ERROR) {
			snprintf(err, errlen, "%s: after %llu packets: %s",
				 src->paths[src->cur],
				 (unsigned long long)src->index,
				 pcap_geterr(src->p));
			return -EINVAL;
		}
		if (!advance(src, err, errlen))
			return *err ? -EINVAL : 0;
	}
	/* nanosecond precision: tv_usec holds nanoseconds */
	t = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
	if (src->first_of_file) {
		src->first_of_file = false;
		if (src->index && t + src->shift_ns <= src->last_ns)
			src->shift_ns = src->last_ns + 1000000 - t;
	}
	t += src->shift_ns;
	if (t < 0)
		t = 0;
	src->last_ns = t > src->last_ns ? t : src->last_ns;
	f->data = data;
	f->caplen = h->caplen;
	f->len = h->len;
	f->ts.tv_sec = t / 1000000000;
	f->ts.tv_nsec = t % 1000000000;
	f->index = src->index++;
	return 1;
}

void tpr_source_pos(const struct tpr_source *src, long *at, long *size)
{
	struct stat sb;

	*at = 0;
	*size = 0;
	if (!src->p)
		return;
	*at = ftell(pcap_file(src->p));
	if (fstat(fileno(pcap_file(src->p)), &sb) == 0)
		*size = sb.st_size;
}
