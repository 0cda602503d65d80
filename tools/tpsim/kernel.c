// SPDX-License-Identifier: MIT
/*
 * `tpsim check --kernel`: the same request asked of the running kernel,
 * through a packet socket bound to nothing in a private network namespace
 * (and a user namespace when not root), so the host sees no traffic and
 * no device.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

int cli_kernel_open(char *why, size_t whylen)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int fd;

	if (uid == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			snprintf(why, whylen, "unshare(CLONE_NEWNET): %s",
				 strerror(errno));
			return -ENOSYS;
		}
	} else {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
			snprintf(why, whylen, "unshare(user+net namespace): %s",
				 strerror(errno));
			return -ENOSYS;
		}
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
		write_file("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
		write_file("/proc/self/gid_map", map);
	}
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, whylen, "socket(AF_PACKET): %s", strerror(errno));
		return -ENOSYS;
	}
	close(fd);
	return 0;
}

static int sys(int r)
{
	return r < 0 ? -errno : 0;
}

int cli_check_kernel(const struct cli_req *r, struct cli_verdict *v)
{
	struct tpacket_req3 q = { .tp_block_size = r->block_size,
				  .tp_block_nr = r->block_nr,
				  .tp_frame_size = r->frame_size,
				  .tp_frame_nr = r->frame_nr,
				  .tp_retire_blk_tov = r->retire_tov,
				  .tp_sizeof_priv = r->sizeof_priv,
				  .tp_feature_req_word = r->feature_req_word };
	int fd, val, err = 0;

	memset(v, 0, sizeof(*v));
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		v->err = -errno;
		snprintf(v->message, sizeof(v->message), "socket: %s",
			 strerror(errno));
		return v->err;
	}
	if (r->version != TPACKET_V1) {
		val = r->version;
		err = sys(setsockopt(fd, SOL_PACKET, PACKET_VERSION, &val,
				     sizeof(val)));
	}
	if (!err && r->reserve) {
		val = (int)r->reserve;
		err = sys(setsockopt(fd, SOL_PACKET, PACKET_RESERVE, &val,
				     sizeof(val)));
	}
	if (!err)
		err = sys(setsockopt(fd, SOL_PACKET,
				     r->tx ? PACKET_TX_RING : PACKET_RX_RING,
				     &q,
				     r->version == TPACKET_V3
					     ? sizeof(q)
					     : sizeof(struct tpacket_req)));
	close(fd);	/* tears the ring down */
	v->err = err;
	if (err)
		snprintf(v->message, sizeof(v->message), "%s", strerror(-err));
	return err;
}
