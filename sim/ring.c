// SPDX-License-Identifier: MIT
/*
 * Ring setup (packet_set_ring) and the socket's mmap: geometry checks in
 * the kernel's order, the ring's memory in a memfd, and the mappings that
 * make ring changes fail with EBUSY.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

uint32_t tpsim__hdrlen(int version)
{
	/* C2: TPACKET_ALIGN(sizeof hdr) + sizeof(struct sockaddr_ll) */
	switch (version) {
	case TPACKET_V1:
		return TPACKET_HDRLEN;
	case TPACKET_V2:
		return TPACKET2_HDRLEN;
	default:
		return TPACKET3_HDRLEN;
	}
}

static size_t sys_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

uint64_t tpsim__page_round(uint64_t n)
{
	uint64_t p = sys_page();

	return (n + p - 1) / p * p;
}

#define page_round tpsim__page_round

void tpsim__ring_free(struct tpsim_ring *r)
{
	if (!r->live)
		return;
	munmap(r->guard, r->guard_len);
	close(r->memfd);
	memset(r, 0, sizeof(*r));
	r->memfd = -1;
}

/*
 * The ring's memory: a memfd of the ring bytes plus one wake page, mapped
 * for the producer between PROT_NONE guards so that a stray access faults
 * instead of landing in someone else's memory: a page before, and after
 * it the ring's length (address space only, MAP_NORESERVE), so that a
 * block or frame index past the wake page by up to block_nr, e.g. one
 * wrapped the wrong way (active + block_nr / 4 + block_nr), faults too.
 */
static int ring_alloc(struct tpsim_ring *r, bool tx)
{
	size_t page = sys_page();
	uint64_t wake_off = page_round(r->bytes);
	uint64_t total = wake_off + page;
	int err;

	r->memfd = memfd_create(tx ? "tpsim-tx-ring" : "tpsim-rx-ring",
				MFD_CLOEXEC);
	if (r->memfd < 0)
		return -errno;
	if (ftruncate(r->memfd, (off_t)total) < 0) {
		err = errno == EFBIG || errno == EINVAL ? -ENOMEM : -errno;
		goto out_close;
	}
	r->guard_len = page + total + wake_off;
	r->guard = mmap(NULL, r->guard_len, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->guard == MAP_FAILED) {
		err = -ENOMEM;
		goto out_close;
	}
	r->kbase = mmap(r->guard + page, total, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, r->memfd, 0);
	if (r->kbase == MAP_FAILED) {
		err = -ENOMEM;
		goto out_unmap_guard;
	}
	r->live = true;
	return 0;

out_unmap_guard:
	munmap(r->guard, r->guard_len);
out_close:
	close(r->memfd);
	r->memfd = -1;
	return err;
}

static int busy_if_mapped(struct tpsim_sock *s)
{
	if (!s->nr_maps)
		return 0;
	tpsim__detail(s, "G1: the ring is mapped (%u mapping%s); munmap first",
		      s->nr_maps, s->nr_maps == 1 ? "" : "s");
	return -EBUSY;
}

/* BLK_PLUS_PRIV(): the block descriptor, then the private area rounded
 * up to 8, in 64 bits so that a huge sizeof_priv cannot wrap (G6). */
static uint64_t blk_plus_priv(uint64_t sizeof_priv)
{
	return TPSIM_ALIGN8(sizeof(struct tpacket_block_desc)) +
	       TPSIM_ALIGN8(sizeof_priv);
}

/* The checks of packet_set_ring(), one per rule, in the kernel's order. */
static int check_geometry(struct tpsim_sock *s, const union tpsim_req *u,
			  bool tx)
{
	const struct tpsim_profile *p = s->prof;
	const struct tpacket_req *q = &u->req;
	uint32_t hdrlen = tpsim__hdrlen(s->version);
	uint32_t min_frame, fpb;

	if (tx ? s->tx.live : s->rx.live) {
		tpsim__detail(s, "G3: a%s ring exists already; tear it down "
				 "with tp_block_nr 0 first", tx ? " TX" : "n RX");
		return -EBUSY;
	}
	if ((int)q->tp_block_size <= 0) {
		tpsim__detail(s, "G4: tp_block_size %u is not a positive int",
			      q->tp_block_size);
		return -EINVAL;
	}
	if (q->tp_block_size % p->page_size) {
		tpsim__detail(s, "G5: tp_block_size %u is not a multiple of "
				 "PAGE_SIZE %u", q->tp_block_size,
			      p->page_size);
		return -EINVAL;
	}
	min_frame = hdrlen + (p->reserve_in_min_frame ? s->reserve : 0);
	if (s->version == TPACKET_V3 &&
	    q->tp_block_size < blk_plus_priv(u->req3.tp_sizeof_priv) +
				       min_frame) {
		tpsim__detail(s, "G6: tp_block_size %u is below the block "
				 "header + tp_sizeof_priv %u + tp_hdrlen %u + "
				 "PACKET_RESERVE %u", q->tp_block_size,
			      u->req3.tp_sizeof_priv, hdrlen, s->reserve);
		return -EINVAL;
	}
	if (q->tp_frame_size < min_frame) {
		tpsim__detail(s, "G7: tp_frame_size %u is below tp_hdrlen %u "
				 "+ PACKET_RESERVE %u", q->tp_frame_size,
			      hdrlen, min_frame - hdrlen);
		return -EINVAL;
	}
	if (q->tp_frame_size & (TPACKET_ALIGNMENT - 1)) {
		tpsim__detail(s, "G8: tp_frame_size %u is not a multiple of %d",
			      q->tp_frame_size, TPACKET_ALIGNMENT);
		return -EINVAL;
	}
	fpb = q->tp_block_size / q->tp_frame_size;
	if (!fpb) {
		tpsim__detail(s, "G9: tp_frame_size %u is larger than "
				 "tp_block_size %u", q->tp_frame_size,
			      q->tp_block_size);
		return -EINVAL;
	}
	if (p->overflow_guard && fpb > UINT_MAX / q->tp_block_nr) {
		tpsim__detail(s, "G10: %u frames per block * tp_block_nr %u "
				 "overflows 32 bits", fpb, q->tp_block_nr);
		return -EINVAL;
	}
	/* 32-bit product on purpose: without G10 (2.6) it wraps there too */
	if (fpb * q->tp_block_nr != q->tp_frame_nr) {
		tpsim__detail(s, "G11: tp_frame_nr %u != %u frames per block * "
				 "tp_block_nr %u", q->tp_frame_nr, fpb,
			      q->tp_block_nr);
		return -EINVAL;
	}
	return 0;
}

/* Where the kernel would fail to allocate (G12), fail the same way. */
static int check_memory(struct tpsim_sock *s, const struct tpacket_req *q,
			bool tx)
{
	const struct tpsim_profile *p = s->prof;
	uint64_t bytes = (uint64_t)q->tp_block_size * q->tp_block_nr;
	uint64_t bitmap = ((uint64_t)q->tp_frame_nr + 63) / 64 * 8;

	if (p->kmalloc_max &&
	    (uint64_t)q->tp_block_nr * p->pointer_size > p->kmalloc_max) {
		tpsim__detail(s, "G12: block vector of %u pointers exceeds the "
				 "%llu-byte kmalloc limit", q->tp_block_nr,
			      (unsigned long long)p->kmalloc_max);
		return -ENOMEM;
	}
	if (p->max_block_size && q->tp_block_size > p->max_block_size) {
		tpsim__detail(s, "G12: tp_block_size %u exceeds the page "
				 "allocator's largest block %llu",
			      q->tp_block_size,
			      (unsigned long long)p->max_block_size);
		return -ENOMEM;
	}
	if (bytes > s->mem_limit) {
		tpsim__detail(s, "G12: ring of %llu bytes exceeds the "
				 "simulator's mem_limit %llu",
			      (unsigned long long)bytes,
			      (unsigned long long)s->mem_limit);
		return -ENOMEM;
	}
	/* the owner bitmap: V1/V2 RX rings only (a V3 ring has blocks) */
	if (p->owner_bitmap && !tx && s->version != TPACKET_V3 &&
	    p->kmalloc_max && bitmap > p->kmalloc_max) {
		tpsim__detail(s, "G12: owner bitmap of %u frames exceeds the "
				 "%llu-byte kmalloc limit", q->tp_frame_nr,
			      (unsigned long long)p->kmalloc_max);
		return -ENOMEM;
	}
	return 0;
}

int tpsim__set_ring(struct tpsim_sock *s, const union tpsim_req *u,
		    bool closing, bool tx)
{
	const struct tpacket_req *q = &u->req;
	struct tpsim_ring nr = { .memfd = -1 };
	struct tpsim_ring *rb = tx ? &s->tx : &s->rx;
	int err;

	if (!closing && s->prof->mapped_check_first) {
		err = busy_if_mapped(s);
		if (err)
			return err;
	}
	if (!closing && tx && s->tx_pending) {
		tpsim__detail(s, "G1: %u TX frames are still being sent",
			      s->tx_pending);
		return -EBUSY;
	}
	if (q->tp_block_nr) {
		err = check_geometry(s, u, tx);
		if (!err)
			err = check_memory(s, q, tx);
		if (err)
			return err;
		nr.block_size = q->tp_block_size;
		nr.block_nr = q->tp_block_nr;
		nr.frame_size = q->tp_frame_size;
		nr.frame_nr = q->tp_frame_nr;
		nr.frames_per_block = q->tp_block_size / q->tp_frame_size;
		nr.bytes = (uint64_t)q->tp_block_size * q->tp_block_nr;
		err = ring_alloc(&nr, tx);
		if (err) {
			tpsim__detail(s, "G12: cannot allocate %llu bytes of "
					 "ring memory",
				      (unsigned long long)nr.bytes);
			return err;
		}
		/* block transmit does not exist: a V3 TX ring is frames */
		if (tx && s->version == TPACKET_V3 &&
		    (u->req3.tp_retire_blk_tov || u->req3.tp_sizeof_priv ||
		     u->req3.tp_feature_req_word)) {
			tpsim__detail(s, "G13: a V3 TX ring takes no "
					 "tp_retire_blk_tov, tp_sizeof_priv "
					 "or tp_feature_req_word");
			tpsim__ring_free(&nr);
			return -EINVAL;
		}
		if (!tx && s->version == TPACKET_V3 && !s->clock &&
		    !s->timer_started) {
			err = tpsim__timer_start(s);
			if (err) {
				tpsim__detail(s, "G12: cannot start the retire "
						 "timer");
				tpsim__ring_free(&nr);
				return err;
			}
		}
	} else if (q->tp_frame_nr) {
		tpsim__detail(s, "G2: teardown (tp_block_nr 0) with tp_frame_nr "
				 "%u", q->tp_frame_nr);
		return -EINVAL;
	}
	if (!closing && !s->prof->mapped_check_first) {
		err = busy_if_mapped(s);
		if (err) {
			tpsim__ring_free(&nr);
			return err;
		}
	}

	/* G15: the new ring starts at frame 0, all frames KERNEL (zeroed) */
	if (!tx) {
		tpsim__wake_all(s); /* cross-process waiters leave the page */
		s->shared_wake = NULL;
	}
	tpsim__ring_free(rb);
	*rb = nr;
	s->hdrlen = tpsim__hdrlen(s->version);
	if (tx) {
		/* frames already on the wire stay there: it is the network */
		pthread_cond_broadcast(&s->tx_cond);
	} else {
		if (nr.live)
			s->shared_wake = (struct tpsim_wake *)(
				nr.kbase + page_round(nr.bytes));
		if (nr.live && s->version == TPACKET_V3)
			tpsim__v3_init(s, &u->req3);
		/* and the receive queue with the RX ring */
		tpsim__rq_purge(s);
		tpsim__timer_kick(s);
	}
	s->detail[0] = '\0';
	return 0;
}

/* Map the rings back to back (M2): the RX ring, then the TX ring, each
 * from its own memfd, into one reserved range. */
static void *map_rings(struct tpsim_sock *s, void *addr, uint64_t len,
		       int prot, int flags)
{
	char *base;
	uint64_t off = 0;

	/* the range where the caller asked for it (MAP_FIXED replaces what
	 * is there, MAP_FIXED_NOREPLACE fails with EEXIST) */
	base = mmap(addr, len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			    (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)),
		    -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	for (int i = 0; i < 2; i++) {
		const struct tpsim_ring *r = i ? &s->tx : &s->rx;

		if (!r->live)
			continue;
		/* over the reserved range: NOREPLACE would refuse it */
		if (mmap(base + off, r->bytes, prot,
			 (flags & ~MAP_FIXED_NOREPLACE) | MAP_FIXED, r->memfd,
			 0) == MAP_FAILED) {
			int err = errno;

			munmap(base, len);
			errno = err;
			return MAP_FAILED;
		}
		off += r->bytes;
	}
	return base;
}

/* A MAP_FIXED mapping over this socket's own: the pages it covers are
 * the new mapping's, and a mapping it covers whole stops counting (the
 * kernel closes its vma). One it covers in part still counts whole. */
static void drop_covered(struct tpsim_sock *s, const char *lo, uint64_t len)
{
	for (unsigned int i = 0; i < s->nr_maps;) {
		const char *a = s->maps[i].addr;

		if (a >= lo && a + s->maps[i].len <= lo + len)
			s->maps[i] = s->maps[--s->nr_maps];
		else
			i++;
	}
}

int tpsim_mmap(struct tpsim_sock *s, void *addr, size_t length, int prot,
	       int flags, off_t offset, void **out)
{
	uint64_t len = page_round(length), want;
	void *m;
	int err = -EINVAL;

	if (!out)
		return -EINVAL;
	*out = NULL;
	/* the mmap(2) syscall's own checks: an offset off the page, a length
	 * of 0; a negative offset is beyond a socket's largest file size
	 * (file_mmap_ok(): EOVERFLOW) */
	if (!length || offset % (off_t)sys_page())
		return -EINVAL;
	if (offset < 0)
		return -EOVERFLOW;
	/* do_mmap(): a file is mapped shared, shared-validate or private,
	 * nothing else. The flags then go to the memfd's mmap as they are:
	 * MAP_SHARED_VALIDATE refuses a flag a socket does not support
	 * (MAP_SYNC: EOPNOTSUPP) as on a socket, and a private mapping
	 * copies a page at the user's first write to it, as a private vma
	 * does with the pages packet_mmap() inserts (M1, seen on 6.18) */
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
	case MAP_PRIVATE:
		break;
	default:
		tpsim__detail(s, "M1: mapping type %#x is not MAP_SHARED, "
				 "MAP_SHARED_VALIDATE or MAP_PRIVATE",
			      (unsigned int)(flags & MAP_TYPE));
		return -EINVAL;
	}
	pthread_mutex_lock(&s->lock);
	want = (s->rx.live ? s->rx.bytes : 0) + (s->tx.live ? s->tx.bytes : 0);
	if (offset) {
		tpsim__detail(s, "M1: mmap offset %lld is not 0",
			      (long long)offset);
		goto out;
	}
	if (!want) {
		tpsim__detail(s, "M1: no ring to map");
		goto out;
	}
	if (len != want) {
		tpsim__detail(s, "M1: mmap length %zu != RX + TX ring size %llu",
			      length, (unsigned long long)want);
		goto out;
	}
	if (s->nr_maps == TPSIM_MAX_MAPPINGS) {
		tpsim__detail(s, "M3: more than %d live mappings",
			      TPSIM_MAX_MAPPINGS);
		err = -ENOMEM;
		goto out;
	}
	m = map_rings(s, addr, len, prot, flags);
	if (m == MAP_FAILED) {
		err = -errno;
		goto out;
	}
	drop_covered(s, m, len);	/* none unless MAP_FIXED */
	s->maps[s->nr_maps].addr = m;
	s->maps[s->nr_maps].len = len;
	s->nr_maps++;
	*out = m;
	s->detail[0] = '\0';
	err = 0;
out:
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tpsim_munmap(struct tpsim_sock *s, void *addr, size_t length)
{
	uint64_t len = page_round(length);
	char *a = addr;
	int err = -EINVAL;

	if (!len || (uintptr_t)a % sys_page())
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	for (unsigned int i = 0; i < s->nr_maps; i++) {
		struct tpsim_mapping *m = &s->maps[i];
		char *lo = m->addr, *hi = lo + m->len;

		if (a < lo || a >= hi || len > (uint64_t)(hi - a))
			continue;
		if (a > lo && a + len < hi) {
			/* the middle: two mappings remain, each counting
			 * (M3, as packet_mm_open counts a split vma) */
			if (s->nr_maps == TPSIM_MAX_MAPPINGS) {
				tpsim__detail(s, "M3: splitting a mapping "
						 "would make more than %d",
					      TPSIM_MAX_MAPPINGS);
				err = -ENOMEM;
				break;
			}
			s->maps[s->nr_maps].addr = a + len;
			s->maps[s->nr_maps].len = (size_t)(hi - (a + len));
			s->nr_maps++;
			m->len = (size_t)(a - lo);
		} else if (a > lo) {
			m->len -= len;			/* the tail */
		} else if (len < m->len) {
			m->addr = a + len;		/* the head */
			m->len -= len;
		} else {
			s->maps[i] = s->maps[--s->nr_maps];	/* all */
		}
		munmap(addr, len);
		err = 0;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tpsim_ring_fd_of(struct tpsim_sock *s, enum tpsim_ring_id which)
{
	const struct tpsim_ring *r;
	int fd;

	if (which != TPSIM_RING_RX && which != TPSIM_RING_TX)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	r = which == TPSIM_RING_TX ? &s->tx : &s->rx;
	fd = r->live ? r->memfd : -ENXIO;
	pthread_mutex_unlock(&s->lock);
	return fd;
}

int tpsim_ring_fd(struct tpsim_sock *s)
{
	return tpsim_ring_fd_of(s, TPSIM_RING_RX);
}

int tpsim_ring_view_of(struct tpsim_sock *s, enum tpsim_ring_id which,
		       struct tpsim_ring_view *v)
{
	const struct tpsim_ring *r;
	int err = 0;

	if ((which != TPSIM_RING_RX && which != TPSIM_RING_TX) || !v)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	r = which == TPSIM_RING_TX ? &s->tx : &s->rx;
	if (!r->live) {
		err = -ENXIO;
	} else {
		memset(v, 0, sizeof(*v));
		v->version = (uint32_t)s->version;
		v->block_size = r->block_size;
		v->block_nr = r->block_nr;
		v->frame_size = r->frame_size;
		v->frame_nr = r->frame_nr;
		v->frames_per_block = r->frames_per_block;
		v->ring_bytes = r->bytes;
		v->wake_offset = page_round(r->bytes);
		if (which == TPSIM_RING_RX && s->version == TPACKET_V3) {
			v->retire_tov_ms = r->v3.retire_tov_ms;
			v->sizeof_priv = r->v3.sizeof_priv;
			v->max_frame_len = r->v3.max_frame_len;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

int tpsim_ring_view_get(struct tpsim_sock *s, struct tpsim_ring_view *v)
{
	return tpsim_ring_view_of(s, TPSIM_RING_RX, v);
}
