// SPDX-License-Identifier: MIT
/*
 * The consumer checker: what the program does with the ring, seen from
 * the producer's side through the status words alone (read from a
 * read-only mapping of the ring's memfd). Rules:
 *   C1 a frame or block held while one handed over after it was returned
 *      (the reader out of step with the kernel: the producer drops at a
 *      held head while frames behind it are free)
 *   C2 frames or blocks never returned when the program ends
 *   C3 a status value no kernel writes (private bits, as Suricata sets):
 *      a note, not an error
 *   C4 a V3 block given back with a non-zero status other than KERNEL
 *   C5 mmap or setsockopt misuse (tpr_run_misuse)
 *   C6 the run itself (input errors, too many sockets)
 * Each finding names the rule, the socket, the frame or block, and the
 * producer's clock when it was seen.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "internal.h"

/* status bits the kernel sets on a V3 block it hands over */
#define V3_BLOCK_BITS (TP_STATUS_USER | TP_STATUS_LOSING | TP_STATUS_BLK_TMO)

void tpr__finding(struct tpr_run *r, const char *rule, int sock,
		  uint32_t frame, bool note, const char *fmt, ...)
{
	struct tpr_finding *f;
	va_list ap;

	if (r->nfindings == TPR_MAX_FINDINGS) {
		r->findings_lost++;
		return;
	}
	f = &r->findings[r->nfindings++];
	snprintf(f->rule, sizeof(f->rule), "%s", rule);
	f->sock = sock;
	f->frame = frame;
	f->at = r->now;
	f->note = note;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

void tpr__ring_unmap(struct tpr_sockent *e)
{
	if (e->ring)
		munmap(e->ring, e->ring_len);
	e->ring = NULL;
	e->ring_len = 0;
	e->ring_fd = -1;
	free(e->slots);
	e->slots = NULL;
	e->nslots = 0;
}

bool tpr__ring_sync(struct tpr_sockent *e)
{
	struct tpsim_ring_view v;
	struct stat sb;
	int fd;
	void *m;

	if (tpsim_ring_view_get(e->s, &v) || (fd = tpsim_ring_fd(e->s)) < 0 ||
	    fstat(fd, &sb)) {
		tpr__ring_unmap(e);
		return false;
	}
	if (e->ring && fd == e->ring_fd && sb.st_ino == e->ring_ino &&
	    v.ring_bytes == e->ring_len)
		return true;
	tpr__ring_unmap(e);
	/* read-only: the checker never writes the consumer's memory */
	m = mmap(NULL, v.ring_bytes, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return false;
	e->nslots = v.version == TPACKET_V3 ? v.block_nr : v.frame_nr;
	e->slots = calloc(e->nslots, sizeof(*e->slots));
	if (!e->slots) {
		munmap(m, v.ring_bytes);
		e->nslots = 0;
		return false;
	}
	e->ring = m;
	e->ring_len = v.ring_bytes;
	e->ring_fd = fd;
	e->ring_ino = sb.st_ino;
	e->v = v;
	e->cur_slot = UINT32_MAX;
	return true;
}

void tpr__check_published(struct tpr_run *r, struct tpr_sockent *e,
			  uint32_t slot, uint32_t status)
{
	struct tpr_slot *sl;

	(void)r;
	if (slot >= e->nslots)
		return;
	sl = &e->slots[slot];
	/* filled again: what it held before was given back */
	if (sl->seq && sl->seq > e->back_seq &&
	    (e->v.version != TPACKET_V3 || slot != e->cur_slot)) {
		e->back_seq = sl->seq;
		e->back_idx = slot;
	}
	if (e->v.version == TPACKET_V3) {
		/* a block is the user's once closed: the scan sees that */
		if (slot != e->cur_slot || sl->returned || !sl->seq) {
			*sl = (struct tpr_slot){ .seq = ++e->pub_seq,
						 .pending = true };
			e->cur_slot = slot;
		}
		return;
	}
	*sl = (struct tpr_slot){ .seq = ++e->pub_seq, .status = status,
				 .published = true };
}

static uint32_t slot_status(const struct tpr_sockent *e, uint32_t i)
{
	if (e->v.version == TPACKET_V3)
		return tpsim_block_status(e->ring +
					  (size_t)i * e->v.block_size);
	return tpsim_frame_status(tpsim_frame(e->ring, &e->v, i),
				  (int)e->v.version);
}

static const char *slot_name(const struct tpr_sockent *e)
{
	return e->v.version == TPACKET_V3 ? "block" : "frame";
}

/* A status the consumer left that is not the kernel's (C3, C4). */
static void odd_status(struct tpr_run *r, struct tpr_sockent *e,
		       uint32_t i, uint32_t st)
{
	struct tpr_slot *sl = &e->slots[i];

	if (sl->flagged)
		return;
	if (e->v.version == TPACKET_V3) {
		if (!(st & TP_STATUS_USER)) {
			sl->flagged = true;
			tpr__finding(r, "C4", e->id, i, false, "block %u given "
				     "back with status 0x%x: only KERNEL (0) "
				     "returns a block", i, st);
		} else if (st & ~(uint32_t)V3_BLOCK_BITS) {
			sl->flagged = true;
			tpr__finding(r, "C3", e->id, i, true, "block %u status "
				     "0x%x has bits no kernel writes (0x%x)",
				     i, st, st & ~(uint32_t)V3_BLOCK_BITS);
		}
		return;
	}
	if (!sl->seq || st != sl->status) {
		sl->flagged = true;
		tpr__finding(r, "C3", e->id, i, true, "frame %u status 0x%x: "
			     "the kernel wrote %s; bits no kernel writes", i,
			     st, sl->seq ? "another value" : "nothing there");
	}
}

uint32_t tpr__check_scan(struct tpr_run *r, struct tpr_sockent *e,
			 bool at_exit)
{
	uint64_t oldest = UINT64_MAX, newest_back = e->back_seq;
	uint32_t held = 0, first = 0, oldest_i = 0, back_i = e->back_idx;

	for (uint32_t i = 0; i < e->nslots; i++) {
		struct tpr_slot *sl = &e->slots[i];
		uint32_t st = slot_status(e, i);

		if (st == TP_STATUS_KERNEL) {
			/* V3: the producer left a block it put packets in
			 * only by closing it: KERNEL again means returned */
			if (sl->pending && i != e->cur_slot) {
				sl->pending = false;
				sl->published = true;
			}
			if (sl->published && !sl->returned)
				sl->returned = true;
			if (sl->returned && sl->seq > newest_back) {
				newest_back = sl->seq;
				back_i = i;
			}
			continue;
		}
		if (sl->pending && (st & TP_STATUS_USER)) {
			sl->pending = false;
			sl->published = true;
		}
		if (!held++)
			first = i;
		odd_status(r, e, i, st);
		if (sl->published && !sl->returned && sl->seq < oldest) {
			oldest = sl->seq;
			oldest_i = i;
		}
	}
	/* the consumer runs on while we read: the older slot must still be
	 * held after the newer was seen returned (only this thread hands
	 * slots over again, so a held one can only turn KERNEL) */
	if (oldest < newest_back && e->held_noted != oldest &&
	    slot_status(e, oldest_i) != TP_STATUS_KERNEL) {
		e->held_noted = oldest;
		tpr__finding(r, "C1", e->id, oldest_i, false, "%s %u held while "
			     "%s %u, handed over after it, was returned: the "
			     "reader is out of step (the kernel fills only "
			     "the head)", slot_name(e), oldest_i, slot_name(e),
			     back_i);
	}
	if (at_exit && held)
		tpr__finding(r, "C2", e->id, first, false, "%u %s%s never "
			     "returned at exit, the first %u", held,
			     slot_name(e), held == 1 ? "" : "s", first);
	return held;
}

void tpr_run_misuse(struct tpr_run *r, struct tpsim_sock *s,
		    const char *call, int err)
{
	struct tpr_sockent *e;
	const char *detail;

	if (!r || !s || !call)
		return;
	detail = tpsim_strerror_detail(s);
	pthread_mutex_lock(&r->lock);
	e = tpr__sock_find(r, s);
	tpr__finding(r, "C5", e ? e->id : 0, 0, false, "%s: %s%s%s", call,
		     strerror(err < 0 ? -err : err), *detail ? ": " : "",
		     detail);
	pthread_mutex_unlock(&r->lock);
}
