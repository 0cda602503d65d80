// SPDX-License-Identifier: MIT
/*
 * Description: poll readiness (rules P1, P3): the frame before the head
 * decides POLLIN, POLLOUT is always there, the eventfd follows the same
 * rule at each sync, and a sleeping poll wakes for a packet.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "t_helpers.h"

struct penv {
	struct tpsim_sock *s;
	struct tpsim_ring_view v;
	char *m;
	size_t len;
	uint8_t pkt[60];
};

static void penv_open(struct penv *e, unsigned int frames)
{
	e->s = t_sock(SOCK_RAW, TPACKET_V2, 0);
	ck_assert_int_eq(t_ring(e->s, 4096, frames / 2, 2048, frames), 0);
	ck_assert_int_eq(tpsim_ring_view_get(e->s, &e->v), 0);
	e->m = t_map(e->s, &e->len);
	t_eth(e->pkt, sizeof(e->pkt), t_bcast, 0x0800);
}

static void *frame(struct penv *e, uint32_t i)
{
	return tpsim_frame(e->m, &e->v, i);
}

START_TEST(p1_previous_frame_rule)
{
	struct penv e;

	penv_open(&e, 4);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), POLLIN);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN | POLLRDNORM, 0),
			 POLLIN | POLLRDNORM);
	ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	/* frame 0 still USER, frame 1 (before the head) returned: the
	 * kernel looks at frame 1 only, so nothing to read */
	tpsim_frame_release(frame(&e, 1), TPACKET_V2);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	tpsim_frame_release(frame(&e, 0), TPACKET_V2);
	/* fill the ring: head wraps to 0, frame 3 is before it */
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), POLLIN);
	for (uint32_t i = 0; i < 4; i++)
		tpsim_frame_release(frame(&e, i), TPACKET_V2);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), 0);
	ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 0), POLLIN);
	tpsim_close(e.s);
}
END_TEST

START_TEST(p1_pollout_always)
{
	struct penv e;

	penv_open(&e, 4);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN | POLLOUT, 0), POLLOUT);
	ck_assert_int_eq(tpsim_poll(e.s, POLLOUT | POLLWRNORM, 0),
			 POLLOUT | POLLWRNORM);
	tpsim_close(e.s);
}
END_TEST

START_TEST(p1_poll_timeout)
{
	struct penv e;
	struct timespec a, b;
	long ms;

	penv_open(&e, 4);
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 30), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, 29);
	tpsim_close(e.s);
}
END_TEST

static void *late_deliver(void *arg)
{
	struct penv *e = arg;

	usleep(20000);
	t_deliver(e->s, e->pkt, 60);
	return NULL;
}

START_TEST(p3_blocking_poll_wakes)
{
	struct penv e;
	pthread_t t;

	penv_open(&e, 4);
	ck_assert_int_eq(pthread_create(&t, NULL, late_deliver, &e), 0);
	ck_assert_int_eq(tpsim_poll(e.s, POLLIN, 10000), POLLIN);
	pthread_join(t, NULL);
	tpsim_close(e.s);
}
END_TEST

static int fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0);
}

START_TEST(poll_fd_follows_rule)
{
	struct penv e;
	int fd;

	penv_open(&e, 4);
	fd = tpsim_poll_fd(e.s);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(tpsim_poll_sync(e.s), 0);
	ck_assert_int_eq(fd_readable(fd), 0);
	ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(fd_readable(fd), 1);
	ck_assert_int_eq(tpsim_poll_sync(e.s), 1);
	ck_assert_int_eq(fd_readable(fd), 1);
	tpsim_frame_release(frame(&e, 0), TPACKET_V2);
	ck_assert_int_eq(tpsim_poll_sync(e.s), 0);
	ck_assert_int_eq(fd_readable(fd), 0);
	/* epoll-style consumers: the fd turns readable on publication */
	ck_assert_int_eq(t_deliver(e.s, e.pkt, 60), TPSIM_RX_DELIVERED);
	ck_assert_int_eq(fd_readable(fd), 1);
	tpsim_close(e.s);
}
END_TEST

START_TEST(p1_no_ring)
{
	struct tpsim_sock *s = t_sock(SOCK_RAW, TPACKET_V2, 0);

	ck_assert_int_eq(tpsim_poll(s, POLLIN, 0), 0);
	ck_assert_int_eq(tpsim_poll_sync(s), 0);
	tpsim_close(s);
}
END_TEST

Suite *suite_poll(void)
{
	Suite *s = suite_create("poll");
	TCase *tc = tcase_create("packet_poll");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, p1_no_ring);
	tcase_add_test(tc, p1_poll_timeout);
	tcase_add_test(tc, p1_pollout_always);
	tcase_add_test(tc, p1_previous_frame_rule);
	tcase_add_test(tc, p3_blocking_poll_wakes);
	tcase_add_test(tc, poll_fd_follows_rule);
	suite_add_tcase(s, tc);
	return s;
}
