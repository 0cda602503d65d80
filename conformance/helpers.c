// SPDX-License-Identifier: MIT
/*
 * Helpers the cases share: sockets, rings and mappings that the runner
 * releases after the case, frames built and read the same way for every
 * backend, and failure messages with both values and the context.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <stdarg.h>
#include <string.h>

#include "tpc.h"
#include "tpsim/barrier.h"

const uint8_t tpc_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

const char *tpc_errname(long long v)
{
	static __thread char buf[32];

	switch (v) {
	case 0: return "0";
	case -EINVAL: return "-EINVAL";
	case -EBUSY: return "-EBUSY";
	case -ENOMEM: return "-ENOMEM";
	case -ENOPROTOOPT: return "-ENOPROTOOPT";
	case -EFAULT: return "-EFAULT";
	case -EAGAIN: return "-EAGAIN";
	case -EOPNOTSUPP: return "-EOPNOTSUPP";
	case -EPERM: return "-EPERM";
	case -ENXIO: return "-ENXIO";
	default:
		snprintf(buf, sizeof(buf), "%lld", v);
		return buf;
	}
}

void tpc_note(struct tpc_t *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->note, sizeof(t->note), fmt, ap);
	va_end(ap);
}

void tpc_fail(struct tpc_t *t, int line, const char *fmt, ...)
{
	int saved = errno;
	char what[600];
	va_list ap;

	if (t->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (t->version >= 0)
		snprintf(t->msg, sizeof(t->msg), "%s (%s, V%d%s%s; line %d)",
			 what, t->backend, t->version + 1, t->note[0] ? ", " : "",
			 t->note, line);
	else
		snprintf(t->msg, sizeof(t->msg), "%s (%s%s%s; line %d)", what,
			 t->backend, t->note[0] ? ", " : "", t->note, line);
	t->failed = true;
	errno = saved;
}

struct tpc_sock *tpc_open_proto(struct tpc_t *t, int type, int protocol)
{
	struct tpc_sock *s;
	int err;

	if (t->nsocks == TPC_MAX_SOCKS) {
		tpc_fail(t, __LINE__, "too many sockets in one case");
		return NULL;
	}
	err = t->ops->socket(t->bctx, type, protocol, &s);
	if (err) {
		tpc_fail(t, __LINE__, "socket(%s): %s",
			 type == SOCK_RAW ? "SOCK_RAW" : "SOCK_DGRAM",
			 tpc_errname(err));
		return NULL;
	}
	t->socks[t->nsocks++] = s;
	/* V1 is every socket's default: leaving it unset lets the V1 cases
	 * run on kernels that predate PACKET_VERSION (profile linux-2.6) */
	if (t->version > TPACKET_V1 &&
	    tpc_setint(t, s, PACKET_VERSION, t->version))
		return NULL;
	return s;
}

struct tpc_sock *tpc_open(struct tpc_t *t, int type)
{
	return tpc_open_proto(t, type, ETH_P_ALL);
}

int tpc_setint(struct tpc_t *t, struct tpc_sock *s, int opt, int val)
{
	int err = t->ops->setsockopt(s, SOL_PACKET, opt, &val, sizeof(val));

	if (err)
		tpc_fail(t, __LINE__, "setsockopt(%d, %d): %s", opt, val,
			 tpc_errname(err));
	return err;
}

int tpc_getint(struct tpc_t *t, struct tpc_sock *s, int opt, int *val)
{
	socklen_t len = sizeof(*val);
	int err = t->ops->getsockopt(s, SOL_PACKET, opt, val, &len);

	if (err)
		tpc_fail(t, __LINE__, "getsockopt(%d): %s", opt,
			 tpc_errname(err));
	return err;
}

int tpc_ring(struct tpc_t *t, struct tpc_sock *s, unsigned int bsize,
	     unsigned int bnr, unsigned int fsize, unsigned int fnr)
{
	struct tpacket_req r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				 .tp_frame_size = fsize, .tp_frame_nr = fnr };

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, sizeof(r));
}

char *tpc_ring_map(struct tpc_t *t, struct tpc_sock *s, unsigned int bsize,
		   unsigned int bnr, unsigned int fsize)
{
	size_t len = (size_t)bsize * bnr;
	void *m;
	int err;

	err = tpc_ring(t, s, bsize, bnr, fsize, bnr * (bsize / fsize));
	if (err) {
		tpc_fail(t, __LINE__, "PACKET_RX_RING %u x %u, frame %u: %s",
			 bsize, bnr, fsize, tpc_errname(err));
		return NULL;
	}
	if (t->nmaps == TPC_MAX_MAPS) {
		tpc_fail(t, __LINE__, "too many mappings in one case");
		return NULL;
	}
	err = t->ops->mmap(s, len, 0, &m);
	if (err) {
		tpc_fail(t, __LINE__, "mmap(%zu): %s", len, tpc_errname(err));
		return NULL;
	}
	t->maps[t->nmaps].s = s;
	t->maps[t->nmaps].addr = m;
	t->maps[t->nmaps].len = len;
	t->nmaps++;
	return m;
}

char *tpc_open_ring(struct tpc_t *t, int type, unsigned int bsize,
		    unsigned int bnr, unsigned int fsize, struct tpc_sock **sp)
{
	*sp = tpc_open(t, type);
	return *sp ? tpc_ring_map(t, *sp, bsize, bnr, fsize) : NULL;
}

int tpc_unmap(struct tpc_t *t, void *addr)
{
	for (int i = 0; i < t->nmaps; i++) {
		if (t->maps[i].addr != addr)
			continue;
		int err = t->ops->munmap(t->maps[i].s, addr, t->maps[i].len);

		t->maps[i] = t->maps[--t->nmaps];
		if (err)
			tpc_fail(t, __LINE__, "munmap: %s", tpc_errname(err));
		return err;
	}
	tpc_fail(t, __LINE__, "unmap of an address never mapped");
	return -EINVAL;
}

void tpc_eth(uint8_t *buf, uint32_t len, const uint8_t dst[6], uint16_t type)
{
	static const uint8_t src[6] = { 0x02, 0x74, 0x70, 0x63, 0x00, 0x02 };
	uint16_t ty = htons(type);

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	memcpy(buf + 12, &ty, 2);
	for (uint32_t i = ETH_HLEN; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
}

int tpc_inject_ex(struct tpc_t *t, struct tpc_sock *s,
		  const struct tpc_inject *p)
{
	int err = t->ops->inject(t->bctx, s, p);

	if (err)
		tpc_fail(t, __LINE__, "inject(%u bytes): %s", p->len,
			 tpc_errname(err));
	return err;
}

int tpc_inject(struct tpc_t *t, struct tpc_sock *s, const void *d,
	       uint32_t len)
{
	struct tpc_inject p = { .data = d, .len = len };

	return tpc_inject_ex(t, s, &p);
}

int tpc_stats(struct tpc_t *t, struct tpc_sock *s, unsigned int *packets,
	      unsigned int *drops)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	int err = t->ops->getsockopt(s, SOL_PACKET, PACKET_STATISTICS, &st,
				     &len);

	if (err) {
		tpc_fail(t, __LINE__, "PACKET_STATISTICS: %s",
			 tpc_errname(err));
		return err;
	}
	*packets = st.tp_packets;
	*drops = st.tp_drops;
	return 0;
}

void *tpc_frame(char *ring, unsigned int bsize, unsigned int fsize,
		uint32_t idx)
{
	unsigned int fpb = bsize / fsize;

	return ring + (size_t)(idx / fpb) * bsize + (size_t)(idx % fpb) * fsize;
}

unsigned long tpc_status(const struct tpc_t *t, const void *frame)
{
	/* acquire: pairs with the producer's release of the status word */
	if (t->version == TPACKET_V1)
		return tpsim_load_acquire(
			&((const struct tpacket_hdr *)frame)->tp_status);
	return tpsim_load_acquire(
		&((const struct tpacket2_hdr *)frame)->tp_status);
}

void tpc_release(const struct tpc_t *t, void *frame)
{
	/* release: our reads of the frame are done before it is reused */
	if (t->version == TPACKET_V1)
		tpsim_store_release(&((struct tpacket_hdr *)frame)->tp_status,
				    0UL);
	else
		tpsim_store_release(&((struct tpacket2_hdr *)frame)->tp_status,
				    0U);
}

void tpc_hdr(const struct tpc_t *t, const void *frame, struct tpc_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->status = tpc_status(t, frame);
	if (t->version == TPACKET_V1) {
		const struct tpacket_hdr *p = frame;

		h->len = p->tp_len;
		h->snaplen = p->tp_snaplen;
		h->mac = p->tp_mac;
		h->net = p->tp_net;
		h->sec = p->tp_sec;
		h->frac = p->tp_usec;
	} else {
		const struct tpacket2_hdr *p = frame;

		h->len = p->tp_len;
		h->snaplen = p->tp_snaplen;
		h->mac = p->tp_mac;
		h->net = p->tp_net;
		h->sec = p->tp_sec;
		h->frac = p->tp_nsec;
		h->vlan_tci = p->tp_vlan_tci;
		h->vlan_tpid = p->tp_vlan_tpid;
		memcpy(h->padding, p->tp_padding, 4);
	}
}
