// SPDX-License-Identifier: MIT
/*
 * Description: mmap of the socket (rules M1-M3) and a consumer in another
 * process that maps the ring through its memfd and sleeps on the wake page.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t_helpers.h"

START_TEST(m1_checks)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	void *m, *m2;

	ck_assert_int_eq(tpsim_mmap(s, NULL, 8192, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 -EINVAL);	/* no ring */
	ck_assert_int_eq(t_ring(s, 4096, 2, 2048, 4), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 8192, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 4096, &m),
			 -EINVAL);	/* offset */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 12288, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 -EINVAL);	/* too long */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 -EINVAL);	/* too short */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 0, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 -EINVAL);
	/* mmap rounds the length up to a page before comparing */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 8192 - 100, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 8192, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m2),
			 0);
	ck_assert_ptr_ne(m, m2);
	/* M3: every mapping counts */
	ck_assert_int_eq(tpsim_munmap(s, m, 8192), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), -EBUSY);
	ck_assert_int_eq(tpsim_munmap(s, m, 8192), -EINVAL);	/* twice */
	ck_assert_int_eq(tpsim_munmap(s, m2, 12288), -EINVAL);	/* length */
	ck_assert_int_eq(tpsim_munmap(s, (char *)m2 + 1, 4096), -EINVAL);
	ck_assert_int_eq(tpsim_munmap(s, m2, 0), -EINVAL);
	/* a part: what is left still counts */
	ck_assert_int_eq(tpsim_munmap(s, m2, 4096), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), -EBUSY);
	ck_assert_int_eq(tpsim_munmap(s, (char *)m2 + 4096, 4096), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	tpsim_close(s);
}
END_TEST

START_TEST(m3_split_counts)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	void *m, *more[15];
	char *c;

	ck_assert_int_eq(t_ring(s, 4096, 3, 2048, 6), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 12288, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	c = m;
	/* the middle page: two mappings remain */
	ck_assert_int_eq(tpsim_munmap(s, c + 4096, 4096), 0);
	ck_assert_int_eq(tpsim_munmap(s, c + 4096, 4096), -EINVAL);
	ck_assert_int_eq(tpsim_munmap(s, c, 8192), -EINVAL);	/* a hole */
	ck_assert_int_eq(tpsim_munmap(s, c, 4096), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), -EBUSY);
	ck_assert_int_eq(tpsim_munmap(s, c + 8192, 4096), 0);
	ck_assert_int_eq(t_ring(s, 0, 0, 0, 0), 0);
	/* a split needs a slot: at sixteen mappings it is ENOMEM */
	ck_assert_int_eq(t_ring(s, 4096, 3, 2048, 6), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 12288, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, &m),
			 0);
	for (int i = 0; i < 15; i++)
		ck_assert_int_eq(tpsim_mmap(s, NULL, 12288,
					    PROT_READ | PROT_WRITE,
					    MAP_SHARED, 0, &more[i]),
				 0);
	c = m;
	ck_assert_int_eq(tpsim_munmap(s, c + 4096, 4096), -ENOMEM);
	ck_assert_str_eq(tpsim_strerror_detail(s), "M3: splitting a mapping "
						   "would make more than 16");
	ck_assert_int_eq(tpsim_munmap(s, c + 8192, 4096), 0);	/* tail */
	tpsim_close(s);	/* unmaps the rest */
}
END_TEST

START_TEST(m1_flags)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	void *m;

	void *at;

	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	/* no mapping type, or one a file cannot have (MAP_DROPPABLE) */
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    0, 0, &m),
			 -EINVAL);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | 0x08, 0, &m),
			 -EINVAL);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED_VALIDATE | MAP_SYNC, 0, &m),
			 -EOPNOTSUPP);
	ck_assert_ptr_null(m);
	/* MAP_FIXED where the caller reserved room (NOREPLACE is left to
	 * mmap.flags_as_mmap2: valgrind takes it for a hint) */
	at = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(at, MAP_FAILED);
	ck_assert_int_eq(tpsim_mmap(s, at, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_FIXED, 0, &m),
			 0);
	ck_assert_ptr_eq(m, at);
	ck_assert_int_eq(tpsim_munmap(s, at, 4096), 0);
	ck_assert_int_eq(tpsim_mmap(s, NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED, 0, NULL),
			 -EINVAL);
	tpsim_close(s);
}
END_TEST

START_TEST(m2_mapping_sees_producer)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	uint8_t pkt[60];
	size_t len;
	char *a, *b;

	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	ck_assert_int_eq(t_ring(s, 4096, 1, 2048, 2), 0);
	a = t_map(s, &len);
	b = t_map(s, &len);
	ck_assert_int_eq(t_deliver(s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(((struct tpacket2_hdr *)a)->tp_status, 1);
	ck_assert_mem_eq(a, b, 4096);
	/* returning a frame through one mapping is seen by the producer */
	tpsim_frame_release(b, TPACKET_V2);
	ck_assert_int_eq(t_deliver(s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(t_deliver(s, pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_uint_eq(((struct tpacket2_hdr *)a)->tp_status, 1);
	tpsim_close(s);	/* close unmaps the socket's own mappings */
}
END_TEST

struct child_ctx {
	const struct tpsim_ring_view *v;
	char *m;
	uint32_t idx;
};

static int child_ready(void *arg)
{
	struct child_ctx *c = arg;

	return tpsim_frame_status(tpsim_frame(c->m, c->v, c->idx),
				  TPACKET_V2) != TP_STATUS_KERNEL;
}

/* Consume n packets through the memfd; exit 0 when all arrived in order. */
static void child_consume(int fd, const struct tpsim_ring_view *v, int n)
{
	struct child_ctx c = { v, NULL, 0 };
	struct tpsim_wake *w;
	char *base;

	alarm(20);
	base = mmap(NULL, v->wake_offset + 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		_exit(10);
	c.m = base;
	w = (struct tpsim_wake *)(base + v->wake_offset);
	for (int i = 0; i < n; i++) {
		struct tpacket2_hdr *h;
		uint32_t seq;

		if (tpsim_wait(w, child_ready, &c, 10000) <= 0)
			_exit(11);	/* timed out: a lost wake-up */
		h = tpsim_frame(c.m, v, c.idx);
		memcpy(&seq, (char *)h + h->tp_mac + 14, sizeof(seq));
		if (seq != (uint32_t)i || h->tp_len != 64)
			_exit(12);
		tpsim_frame_release(h, TPACKET_V2);
		c.idx = (c.idx + 1) % v->frame_nr;
	}
	_exit(0);
}

START_TEST(cross_process_consumer)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	struct tpsim_ring_view v;
	const int n = 20000;
	uint8_t pkt[64];
	int status, drops = 0;
	pid_t pid;

	ck_assert_int_eq(t_ring(s, 4096, 2, 512, 16), 0);
	ck_assert_int_eq(tpsim_ring_view_get(s, &v), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = dup(tpsim_ring_fd(s));

		/* the child keeps only the memfd; its copy of the socket
		 * goes (leak checkers follow forks) */
		tpsim_close(s);
		child_consume(fd, &v, n);
	}
	t_eth(pkt, sizeof(pkt), t_bcast, 0x0800);
	for (uint32_t i = 0; i < (uint32_t)n;) {
		memcpy(pkt + 14, &i, sizeof(i));
		int r = t_deliver(s, pkt, sizeof(pkt));

		if (r == TPSIM_RX_DELIVERED) {
			i++;
		} else {
			ck_assert_int_eq(r, TPSIM_RX_DROPPED);
			drops++;
			usleep(50);	/* the ring is full: let it drain */
		}
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child status 0x%x", status);
	unsigned int p, d;
	t_stats(s, &p, &d);
	ck_assert_uint_eq(p, (unsigned int)(n + drops));
	ck_assert_uint_eq(d, (unsigned int)drops);
	tpsim_close(s);
}
END_TEST

Suite *suite_mmap(void)
{
	Suite *s = suite_create("mmap");
	TCase *tc = tcase_create("packet_mmap");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cross_process_consumer);
	tcase_add_test(tc, m1_checks);
	tcase_add_test(tc, m1_flags);
	tcase_add_test(tc, m3_split_counts);
	tcase_add_test(tc, m2_mapping_sees_producer);
	suite_add_tcase(s, tc);
	return s;
}
