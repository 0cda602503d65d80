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
	/* a V3 request is a tpacket_req3; the timer is kept out of the way
	 * (60 s) so geometry cases mean the same for every version */
	struct tpacket_req3 r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = fsize, .tp_frame_nr = fnr,
				  .tp_retire_blk_tov = 60000 };
	socklen_t len = t->version == TPACKET_V3 ? sizeof(r)
						 : sizeof(struct tpacket_req);

	return t->ops->setsockopt(s, SOL_PACKET, PACKET_RX_RING, &r, len);
}

char *tpc_ring_map(struct tpc_t *t, struct tpc_sock *s, unsigned int bsize,
		   unsigned int bnr, unsigned int fsize)
{
	size_t len = (size_t)bsize * bnr;
	int err;

	err = tpc_ring(t, s, bsize, bnr, fsize, bnr * (bsize / fsize));
	if (err) {
		tpc_fail(t, __LINE__, "PACKET_RX_RING %u x %u, frame %u: %s",
			 bsize, bnr, fsize, tpc_errname(err));
		return NULL;
	}
	return tpc_map_all(t, s, len);
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
	int err;

	/* a backend that cannot inject here skips exactly the cases that
	 * reach an injection (declaring it on ~100 cases would drift) */
	if (t->info && !(t->info->caps & TPC_CAP_INJECT)) {
		tpc_caps_why(t->info, TPC_CAP_INJECT, t->msg, sizeof(t->msg));
		t->skipped = true;
		return -ENXIO;
	}
	err = t->ops->inject(t->bctx, s, p);
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
	if (t->version == TPACKET_V3)	/* a TX frame */
		return tpsim_load_acquire(
			&((const struct tpacket3_hdr *)frame)->tp_status);
	return tpsim_load_acquire(
		&((const struct tpacket2_hdr *)frame)->tp_status);
}

void tpc_set_status(const struct tpc_t *t, void *frame, uint32_t status)
{
	/* release: the frame's contents are written before its status */
	if (t->version == TPACKET_V1)
		tpsim_store_release(&((struct tpacket_hdr *)frame)->tp_status,
				    (unsigned long)status);
	else if (t->version == TPACKET_V3)
		tpsim_store_release(&((struct tpacket3_hdr *)frame)->tp_status,
				    status);
	else
		tpsim_store_release(&((struct tpacket2_hdr *)frame)->tp_status,
				    status);
}

void tpc_release(const struct tpc_t *t, void *frame)
{
	/* release: our reads of the frame are done before it is reused */
	tpc_set_status(t, frame, TP_STATUS_KERNEL);
}

uint32_t tpc_block_status(const void *block)
{
	/* acquire: pairs with the producer's release of the block */
	return tpsim_load_acquire(
		&((const struct tpacket_block_desc *)block)->hdr.bh1.block_status);
}

void tpc_block_release(void *block)
{
	tpsim_store_release(
		&((struct tpacket_block_desc *)block)->hdr.bh1.block_status, 0U);
}

void tpc_skip(struct tpc_t *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->skipped = true;
}

/* The newer backend calls: a backend without them skips the case. */
static bool has_time(struct tpc_t *t)
{
	if (TPC_OPS_HAS(t->ops, sleep_ms) && TPC_OPS_HAS(t->ops, clock_ns))
		return true;
	tpc_skip(t, "backend %s has no sleep_ms/clock_ns", t->backend);
	return false;
}

int tpc_sleep_ms(struct tpc_t *t, struct tpc_sock *s, int ms)
{
	int err;

	if (!has_time(t))
		return -ENOSYS;
	err = t->ops->sleep_ms(s, ms);
	if (err)
		tpc_fail(t, __LINE__, "sleep_ms(%d): %s", ms, tpc_errname(err));
	return err;
}

int64_t tpc_now_ns(struct tpc_t *t, struct tpc_sock *s)
{
	if (!has_time(t))
		return -1;
	return t->ops->clock_ns(s);
}

int64_t tpc_now_ms(struct tpc_t *t, struct tpc_sock *s)
{
	int64_t ns = tpc_now_ns(t, s);

	return ns < 0 ? ns : ns / 1000000;
}

ssize_t tpc_send(struct tpc_t *t, struct tpc_sock *s,
		 const struct sockaddr_ll *to, int flags)
{
	if (!TPC_OPS_HAS(t->ops, send)) {
		tpc_skip(t, "backend %s has no send", t->backend);
		return -ENOSYS;
	}
	return t->ops->send(s, to, flags);
}

ssize_t tpc_send_data(struct tpc_t *t, struct tpc_sock *s, const void *buf,
		      size_t len, const struct sockaddr_ll *to, int flags)
{
	if (!TPC_OPS_HAS(t->ops, send_data)) {
		tpc_skip(t, "backend %s has no send_data", t->backend);
		return -ENOSYS;
	}
	return t->ops->send_data(s, buf, len, to, flags);
}

ssize_t tpc_wire_read(struct tpc_t *t, struct tpc_sock *s, void *buf,
		      size_t len, int timeout_ms)
{
	if (!TPC_OPS_HAS(t->ops, wire_read)) {
		tpc_skip(t, "backend %s has no wire_read", t->backend);
		return -ENOSYS;
	}
	return t->ops->wire_read(t->bctx, s, buf, len, timeout_ms);
}

char *tpc_map_all(struct tpc_t *t, struct tpc_sock *s, size_t len)
{
	void *m;
	int err;

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

int tpc_req3(struct tpc_t *t, struct tpc_sock *s, int optname,
	     const struct tpacket_req3 *r)
{
	(void)t;
	return t->ops->setsockopt(s, SOL_PACKET, optname, r, sizeof(*r));
}

char *tpc_open_v3(struct tpc_t *t, unsigned int bsize, unsigned int bnr,
		  unsigned int tov, unsigned int priv, unsigned int features,
		  struct tpc_sock **sp)
{
	struct tpacket_req3 r = { .tp_block_size = bsize, .tp_block_nr = bnr,
				  .tp_frame_size = 2048,
				  .tp_frame_nr = bnr * (bsize / 2048),
				  .tp_retire_blk_tov = tov,
				  .tp_sizeof_priv = priv,
				  .tp_feature_req_word = features };
	int err;

	*sp = tpc_open(t, SOCK_RAW);
	if (!*sp)
		return NULL;
	err = tpc_req3(t, *sp, PACKET_RX_RING, &r);
	if (err) {
		tpc_fail(t, __LINE__, "V3 PACKET_RX_RING %u x %u, priv %u: %s",
			 bsize, bnr, priv, tpc_errname(err));
		return NULL;
	}
	return tpc_map_all(t, *sp, (size_t)bsize * bnr);
}

char *tpc_open_tx(struct tpc_t *t, int type, unsigned int fsize,
		  unsigned int fnr, struct tpc_sock **sp)
{
	struct tpacket_req3 r = { .tp_block_size = 4096,
				  .tp_block_nr = fnr / (4096 / fsize),
				  .tp_frame_size = fsize, .tp_frame_nr = fnr };
	int err;

	if (!*sp)
		*sp = tpc_open(t, type);
	if (!*sp)
		return NULL;
	err = tpc_req3(t, *sp, PACKET_TX_RING, &r);
	if (err) {
		tpc_fail(t, __LINE__, "PACKET_TX_RING %u frames of %u: %s",
			 fnr, fsize, tpc_errname(err));
		return NULL;
	}
	return tpc_map_all(t, *sp, (size_t)4096 * r.tp_block_nr);
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
