// SPDX-License-Identifier: MIT
/*
 * setsockopt/getsockopt at SOL_PACKET (packet_setsockopt,
 * packet_getsockopt) and the SOL_SOCKET options the rings depend on:
 * SO_RCVBUF (COPY, R5), SO_SNDBUF and SO_SNDTIMEO (send, T3), and
 * SO_RCVBUFFORCE/SO_SNDBUFFORCE as a CAP_NET_ADMIN caller sets them.
 * Each check is the kernel's, in its order (O1-O8).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/time.h>

#include "internal.h"

/* Smallest buffers the kernel allows (SOCK_MIN_RCVBUF, SOCK_MIN_SNDBUF). */
#define TPSIM_MIN_RCVBUF 2304u
#define TPSIM_MIN_SNDBUF 4608u

static bool has_ring(const struct tpsim_sock *s)
{
	return s->rx.live || s->tx.live;
}

static bool known(const struct tpsim_sock *s, int optname)
{
	return optname > 0 && optname < 32 &&
	       (s->prof->setsockopt_known & (1u << optname));
}

/* Read the int-sized value of an option whose length must be exact. */
static int get_exact_int(struct tpsim_sock *s, const char *rule,
			 const char *name, const void *optval,
			 socklen_t optlen, int *val)
{
	if (optlen != sizeof(int)) {
		tpsim__detail(s, "%s: %s needs optlen %zu, got %u", rule, name,
			      sizeof(int), (unsigned int)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(val, optval, sizeof(int));
	return 0;
}

/* Same, for the options that take at least an int. */
static int get_min_int(struct tpsim_sock *s, const char *name,
		       const void *optval, socklen_t optlen, int *val)
{
	if (optlen < sizeof(int)) {
		tpsim__detail(s, "O5: %s needs optlen >= %zu, got %u", name,
			      sizeof(int), (unsigned int)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(val, optval, sizeof(int));
	return 0;
}

static int busy(struct tpsim_sock *s, const char *rule, const char *name)
{
	tpsim__detail(s, "%s: %s cannot change once a ring exists", rule,
		      name);
	return -EBUSY;
}

static int set_ring_opt(struct tpsim_sock *s, int optname, const void *optval,
			socklen_t optlen)
{
	size_t need = s->version == TPACKET_V3 ? sizeof(struct tpacket_req3)
					       : sizeof(struct tpacket_req);
	union tpsim_req req = { 0 };

	if (optlen < need) {
		tpsim__detail(s, "O6: ring request for TPACKET_V%d needs optlen "
				 ">= %zu, got %u", s->version + 1, need,
			      (unsigned int)optlen);
		return -EINVAL;
	}
	if (!optval)
		return -EFAULT;
	memcpy(&req, optval, need);
	return tpsim__set_ring(s, &req, false, optname == PACKET_TX_RING);
}

static int set_packet(struct tpsim_sock *s, int optname, const void *optval,
		      socklen_t optlen)
{
	int val, err;

	switch (optname) {
	case PACKET_RX_RING:
	case PACKET_TX_RING:
		return set_ring_opt(s, optname, optval, optlen);
	case PACKET_COPY_THRESH:
		err = get_exact_int(s, "O5", "PACKET_COPY_THRESH", optval,
				    optlen, &val);
		if (!err)
			s->copy_thresh = val;
		return err;
	case PACKET_VERSION:
		err = get_exact_int(s, "O2", "PACKET_VERSION", optval, optlen,
				    &val);
		if (err)
			return err;
		if (val < 0 || val > 31 || !(s->prof->versions & (1u << val))) {
			tpsim__detail(s, "O2: PACKET_VERSION %d is not a "
					 "TPACKET version of profile %s", val,
				      s->prof->name);
			return -EINVAL;
		}
		if (has_ring(s))
			return busy(s, "O2", "PACKET_VERSION");
		s->version = val;
		return 0;
	case PACKET_RESERVE:
		err = get_exact_int(s, "O3", "PACKET_RESERVE", optval, optlen,
				    &val);
		if (err)
			return err;
		if ((unsigned int)val > INT_MAX) {
			tpsim__detail(s, "O3: PACKET_RESERVE %u > INT_MAX",
				      (unsigned int)val);
			return -EINVAL;
		}
		if (has_ring(s))
			return busy(s, "O3", "PACKET_RESERVE");
		s->reserve = (unsigned int)val;
		return 0;
	case PACKET_LOSS:
		err = get_exact_int(s, "O4", "PACKET_LOSS", optval, optlen,
				    &val);
		if (err)
			return err;
		if (has_ring(s))
			return busy(s, "O4", "PACKET_LOSS");
		s->loss = val != 0;
		return 0;
	case PACKET_AUXDATA:
	case PACKET_ORIGDEV:
		err = get_min_int(s, optname == PACKET_AUXDATA
					     ? "PACKET_AUXDATA"
					     : "PACKET_ORIGDEV",
				  optval, optlen, &val);
		if (err)
			return err;
		if (optname == PACKET_AUXDATA)
			s->auxdata = val != 0;
		else
			s->origdev = val != 0;
		return 0;
	case PACKET_VNET_HDR:
	case 24:	/* PACKET_VNET_HDR_SZ, 6.2 on */
		/* O10: SOCK_RAW only, an int, 0/10/12 for the size, EBUSY
		 * with a ring (the value checked first) */
		if (s->type != SOCK_RAW) {
			tpsim__detail(s, "O10: virtio-net headers need "
					 "SOCK_RAW");
			return -EINVAL;
		}
		err = get_min_int(s, optname == PACKET_VNET_HDR
					     ? "PACKET_VNET_HDR"
					     : "PACKET_VNET_HDR_SZ",
				  optval, optlen, &val);
		if (err)
			return err;
		if (optname != PACKET_VNET_HDR && val && val != 10 &&
		    val != 12) {
			tpsim__detail(s, "O10: PACKET_VNET_HDR_SZ %d is not 0, "
					 "10 or 12", val);
			return -EINVAL;
		}
		if (has_ring(s))
			return busy(s, "O10", "the virtio-net header size");
		s->vnet_hdr_sz = optname == PACKET_VNET_HDR ? (val ? 10u : 0u)
							    : (uint32_t)val;
		return 0;
	case PACKET_TIMESTAMP:
		err = get_exact_int(s, "O5", "PACKET_TIMESTAMP", optval, optlen,
				    &val);
		if (!err)
			s->tstamp = val;
		return err;
	case PACKET_TX_HAS_OFF:
		err = get_exact_int(s, "O5", "PACKET_TX_HAS_OFF", optval,
				    optlen, &val);
		/* silently ignored once a ring exists, as the kernel */
		if (!err && !has_ring(s))
			s->tx_has_off = val != 0;
		return err;
	case PACKET_QDISC_BYPASS:
		err = get_exact_int(s, "O5", "PACKET_QDISC_BYPASS", optval,
				    optlen, &val);
		if (!err)
			s->qdisc_bypass = val != 0;
		return err;
	case PACKET_IGNORE_OUTGOING:
		err = get_exact_int(s, "O5", "PACKET_IGNORE_OUTGOING", optval,
				    optlen, &val);
		if (err)
			return err;
		if (val < 0 || val > 1) {
			tpsim__detail(s, "O5: PACKET_IGNORE_OUTGOING takes 0 "
					 "or 1, got %d", val);
			return -EINVAL;
		}
		s->ignore_outgoing = val;
		return 0;
	case PACKET_FANOUT_DATA:
		/* no fanout group ever exists here */
		tpsim__detail(s, "PACKET_FANOUT_DATA without a fanout group");
		return -EINVAL;
	case PACKET_ADD_MEMBERSHIP:
	case PACKET_DROP_MEMBERSHIP:
	case PACKET_FANOUT:
		tpsim__detail(s, "option %d is not simulated", optname);
		return -EOPNOTSUPP;
	default:
		tpsim__detail(s, "O1: option %d cannot be set", optname);
		return -ENOPROTOOPT;
	}
}

/* sock_setsockopt() and __sock_set_rcvbuf()/SO_SNDBUF: the value is
 * taken as unsigned (so -1 is huge), capped at the host's rmem_max or
 * wmem_max, kept below INT_MAX / 2, doubled for overhead, and raised to
 * the minimum (proven on 6.18 by sockbuf.rcvbuf_sndbuf_values) */
static uint32_t buf_size(int val, uint32_t max, uint32_t min)
{
	uint32_t v = (uint32_t)val;

	if (v > max)
		v = max;
	if (v > INT_MAX / 2)
		v = INT_MAX / 2;
	return v * 2 > min ? v * 2 : min;
}

/* sock_set_timeout(): a struct timeval; 0 means forever, a negative one
 * means do not wait */
static int set_timeout(struct tpsim_sock *s, const void *optval,
		       socklen_t optlen, int64_t *out)
{
	struct timeval tv;

	if (optlen < sizeof(tv))
		return -EINVAL;
	if (!optval)
		return -EFAULT;
	memcpy(&tv, optval, sizeof(tv));
	if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) {
		tpsim__detail(s, "SO_SNDTIMEO: tv_usec %ld out of range",
			      (long)tv.tv_usec);
		return -EDOM;
	}
	if (tv.tv_sec < 0)
		*out = -1;
	else
		*out = (int64_t)tv.tv_sec * 1000000000 +
		       (int64_t)tv.tv_usec * 1000;
	return 0;
}

static int set_socket(struct tpsim_sock *s, int optname, const void *optval,
		      socklen_t optlen)
{
	int val;

	if (optname == SO_SNDTIMEO)
		return set_timeout(s, optval, optlen, &s->sndtimeo_ns);
	if (tpsim__filter_opt(optname))		/* sockfilter.c */
		return tpsim__filter_setsockopt(s, optname, optval, optlen);
	if (optname != SO_RCVBUF && optname != SO_SNDBUF &&
	    optname != SO_RCVBUFFORCE && optname != SO_SNDBUFFORCE) {
		tpsim__detail(s, "SOL_SOCKET option %d is not simulated",
			      optname);
		return -ENOPROTOOPT;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	if (!optval)
		return -EFAULT;
	memcpy(&val, optval, sizeof(int));
	/* the FORCE variants (the caller has CAP_NET_ADMIN, as the owner of
	 * a private netns does): no rmem_max/wmem_max cap, and a negative
	 * value counts as 0 rather than as a huge unsigned one */
	if (optname == SO_RCVBUF) {
		s->rcvbuf = buf_size(val, s->rmem_max, TPSIM_MIN_RCVBUF);
	} else if (optname == SO_RCVBUFFORCE) {
		s->rcvbuf = buf_size(val < 0 ? 0 : val, UINT32_MAX,
				     TPSIM_MIN_RCVBUF);
	} else {
		s->sndbuf = optname == SO_SNDBUF
				    ? buf_size(val, s->wmem_max,
					       TPSIM_MIN_SNDBUF)
				    : buf_size(val < 0 ? 0 : val, UINT32_MAX,
					       TPSIM_MIN_SNDBUF);
		pthread_cond_broadcast(&s->tx_cond);	/* maybe room now */
	}
	return 0;
}

/* Options of a socket in a net that the net's lock guards (fanout.c,
 * mclist.c); taken before, never under, the socket's lock. */
static bool net_option(int optname)
{
	return optname == PACKET_FANOUT || optname == PACKET_FANOUT_DATA ||
	       optname == PACKET_ADD_MEMBERSHIP ||
	       optname == PACKET_DROP_MEMBERSHIP;
}

static int set_net(struct tpsim_sock *s, int optname, const void *optval,
		   socklen_t optlen)
{
	s->detail[0] = '\0';
	if (optname == PACKET_ADD_MEMBERSHIP ||
	    optname == PACKET_DROP_MEMBERSHIP)
		return tpsim__mc_setsockopt(s, optname, optval, optlen);
	return tpsim__fanout_setsockopt(s, optname, optval, optlen);
}

/* SO_ERROR: sock_error(), the pending error read and cleared at once */
static int get_net(struct tpsim_sock *s, int level, int optname,
		   void *optval, socklen_t *optlen)
{
	int len = (int)*optlen, err;

	s->detail[0] = '\0';
	if (level == SOL_SOCKET) {
		int v;

		if (len < 0)
			return -EINVAL;
		if (len && !optval)
			return -EFAULT;
		v = atomic_exchange(&s->sk_err, 0);
		if (len > (int)sizeof(v))
			len = sizeof(v);
		memcpy(optval, &v, (size_t)len);
		*optlen = (socklen_t)len;
		return 0;
	}
	err = tpsim__fanout_getsockopt(s, optname, optval, &len);
	if (!err)
		*optlen = (socklen_t)len;
	return err;
}

int tpsim_setsockopt(struct tpsim_sock *s, int level, int optname,
		     const void *optval, socklen_t optlen)
{
	int err;

	if (level == SOL_PACKET && s->net && net_option(optname))
		return set_net(s, optname, optval, optlen);
	pthread_mutex_lock(&s->lock);
	s->detail[0] = '\0';
	if (level == SOL_SOCKET) {
		err = set_socket(s, optname, optval, optlen);
	} else if (level != SOL_PACKET) {
		tpsim__detail(s, "O1: level %d is not SOL_PACKET", level);
		err = -ENOPROTOOPT;
	} else if (!known(s, optname)) {
		tpsim__detail(s, "O1: option %d does not exist in profile %s",
			      optname, s->prof->name);
		err = -ENOPROTOOPT;
	} else {
		err = set_packet(s, optname, optval, optlen);
	}
	tpsim__rx_plan(s);
	pthread_mutex_unlock(&s->lock);
	return err;
}

/* packet_getsockopt(): *len in, the length copied out; optlen is written
 * (put_user) before the value (copy_to_user), so a NULL optval still
 * learns the length, and PACKET_STATISTICS is reset either way. */
static int get_packet(struct tpsim_sock *s, int optname, void *optval,
		      int *len, socklen_t *optlen)
{
	struct tpacket_stats_v3 st;
	const void *data;
	int val = 0, lv = sizeof(int);

	data = &val;
	switch (optname) {
	case PACKET_STATISTICS:
		/* O7: read and reset; drops are added to packets here */
		st.tp_packets = s->st_packets + s->st_drops;
		st.tp_drops = s->st_drops;
		st.tp_freeze_q_cnt = s->st_freeze;
		s->st_packets = 0;
		s->st_drops = 0;
		s->st_freeze = 0;
		data = &st;
		lv = s->version == TPACKET_V3 ? sizeof(st)
					      : sizeof(struct tpacket_stats);
		break;
	case PACKET_AUXDATA:
		val = s->auxdata;
		break;
	case PACKET_ORIGDEV:
		val = s->origdev;
		break;
	case PACKET_VNET_HDR:
		val = !!s->vnet_hdr_sz;
		break;
	case 24:	/* PACKET_VNET_HDR_SZ */
		val = (int)s->vnet_hdr_sz;
		break;
	case PACKET_VERSION:
		val = s->version;
		break;
	case PACKET_HDRLEN:
		/* C2: the version goes in, the struct size comes out */
		if (*len > (int)sizeof(int))
			*len = sizeof(int);
		if (*len < (int)sizeof(int)) {
			tpsim__detail(s, "C2: PACKET_HDRLEN needs optlen >= %zu",
				      sizeof(int));
			return -EINVAL;
		}
		if (!optval)	/* copy_from_user() */
			return -EFAULT;
		memcpy(&val, optval, sizeof(int));
		switch (val) {
		case TPACKET_V1:
			val = sizeof(struct tpacket_hdr);
			break;
		case TPACKET_V2:
			val = sizeof(struct tpacket2_hdr);
			break;
		case TPACKET_V3:
			val = sizeof(struct tpacket3_hdr);
			break;
		default:
			tpsim__detail(s, "C2: PACKET_HDRLEN of unknown version "
					 "%d", val);
			return -EINVAL;
		}
		break;
	case PACKET_RESERVE:
		val = (int)s->reserve;
		break;
	case PACKET_LOSS:
		val = s->loss;
		break;
	case PACKET_TIMESTAMP:
		val = s->tstamp;
		break;
	case PACKET_COPY_THRESH:
		/* read back as stored since 6.12 (found by
		 * opt.option_surface); 6.1 has no get side */
		if (!s->prof->copy_thresh_readable) {
			tpsim__detail(s, "O9: PACKET_COPY_THRESH cannot be read "
					 "in profile %s", s->prof->name);
			return -ENOPROTOOPT;
		}
		val = s->copy_thresh;
		break;
	case PACKET_FANOUT:
		val = 0;
		break;
	case PACKET_IGNORE_OUTGOING:
		val = s->ignore_outgoing;
		break;
	case PACKET_ROLLOVER_STATS:
		tpsim__detail(s, "PACKET_ROLLOVER_STATS without rollover");
		return -EINVAL;
	case PACKET_TX_HAS_OFF:
		val = s->tx_has_off;
		break;
	case PACKET_QDISC_BYPASS:
		val = s->qdisc_bypass;
		break;
	default:
		tpsim__detail(s, "O1: option %d cannot be read", optname);
		return -ENOPROTOOPT;
	}
	if (*len > lv)
		*len = lv;
	*optlen = (socklen_t)*len;
	if (*len && !optval)
		return -EFAULT;
	if (*len)
		memcpy(optval, data, (size_t)*len);
	return 0;
}

int tpsim_getsockopt(struct tpsim_sock *s, int level, int optname,
		     void *optval, socklen_t *optlen)
{
	int len, err;

	if (!optlen)
		return -EFAULT;
	len = (int)*optlen;
	if ((level == SOL_PACKET && s->net &&
	     (optname == PACKET_FANOUT || optname == PACKET_ROLLOVER_STATS)) ||
	    (level == SOL_SOCKET && optname == SO_ERROR))
		return get_net(s, level, optname, optval, optlen);
	pthread_mutex_lock(&s->lock);
	s->detail[0] = '\0';
	if (level == SOL_SOCKET && tpsim__filter_opt(optname)) {
		err = tpsim__filter_getsockopt(s, optname, optval, &len);
	} else if (level == SOL_SOCKET) {
		if (optname != SO_RCVBUF && optname != SO_SNDBUF) {
			err = -ENOPROTOOPT;
		} else if (len < 0) {
			err = -EINVAL;
		} else {
			int v = (int)(optname == SO_RCVBUF ? s->rcvbuf
							   : s->sndbuf);

			if (len > (int)sizeof(v))
				len = sizeof(v);
			if (len && !optval) {
				err = -EFAULT;
			} else {
				memcpy(optval, &v, (size_t)len);
				err = 0;
			}
		}
	} else if (level != SOL_PACKET) {
		tpsim__detail(s, "O1: level %d is not SOL_PACKET", level);
		err = -ENOPROTOOPT;
	} else if (len < 0) {
		tpsim__detail(s, "O8: negative optlen %d", len);
		err = -EINVAL;
	} else if (!known(s, optname)) {
		tpsim__detail(s, "O1: option %d does not exist in profile %s",
			      optname, s->prof->name);
		err = -ENOPROTOOPT;
	} else {
		err = get_packet(s, optname, optval, &len, optlen);
	}
	if (!err)
		*optlen = (socklen_t)len;
	pthread_mutex_unlock(&s->lock);
	return err;
}
