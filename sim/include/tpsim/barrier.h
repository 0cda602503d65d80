/* SPDX-License-Identifier: MIT */
/*
 * Memory ordering for the ring's status words, on C11 <stdatomic.h>.
 *
 * The ring is plain memory shared with a consumer that may be another
 * thread or another process. The only synchronisation point is the status
 * word of each frame:
 *   producer: write header + data, then tpsim_store_release(status, USER)
 *   consumer: tpsim_load_acquire(status) sees USER, then reads the frame,
 *             then tpsim_store_release(status, KERNEL) to hand it back
 * Each use names what it pairs with.
 */
#ifndef TPSIM_BARRIER_H
#define TPSIM_BARRIER_H

#include <stdatomic.h>
#include <stdint.h>

/*
 * The status words live in memory that is not declared _Atomic (it is the
 * kernel's ABI), so the accessors cast. On every platform we build for,
 * _Atomic uint32_t/uint64_t have the size and alignment of the plain type.
 */
#define TPSIM_ATOMIC_CAST(p) ((_Atomic __typeof__(*(p)) *)(p))

#define tpsim_load_acquire(p) \
	atomic_load_explicit(TPSIM_ATOMIC_CAST(p), memory_order_acquire)
#define tpsim_store_release(p, v) \
	atomic_store_explicit(TPSIM_ATOMIC_CAST(p), (v), memory_order_release)
#define TPSIM_READ_ONCE(p) \
	atomic_load_explicit(TPSIM_ATOMIC_CAST(p), memory_order_relaxed)
#define TPSIM_WRITE_ONCE(p, v) \
	atomic_store_explicit(TPSIM_ATOMIC_CAST(p), (v), memory_order_relaxed)

/* Full fence: orders a status store before a later load of a waiter flag
 * (and the waiter's flag store before its status load), the store-buffer
 * pattern that acquire/release alone does not order. */
#define tpsim_smp_mb() atomic_thread_fence(memory_order_seq_cst)

#endif
