// SPDX-License-Identifier: MIT
/* hw-timestamps: every packet carries a hardware stamp 37 s (TAI) and a
 * few hundred nanoseconds away from its software stamp. A socket that
 * asked PACKET_TIMESTAMP with SOF_TIMESTAMPING_RAW_HARDWARE gets it and
 * TP_STATUS_TS_RAW_HARDWARE; the others keep the software stamp. */
#include "scenario_impl.h"

static void packet(struct tpr_scn_ctx *c, struct tpr_pkt *p, uint64_t index)
{
	(void)index;
	p->p.flags |= TPSIM_PKT_HW_TS;
	p->p.hw_ts = p->p.sw_ts;
	p->p.hw_ts.tv_sec += 37;
	p->p.hw_ts.tv_nsec += (long)tpr_scn_range(c, 0, 999);
	if (p->p.hw_ts.tv_nsec >= 1000000000) {
		p->p.hw_ts.tv_sec++;
		p->p.hw_ts.tv_nsec -= 1000000000;
	}
}

const struct tpr_scenario tpr_scn_hw_timestamps = {
	.info = { "hw-timestamps",
		  "TP_STATUS_TS_RAW_HARDWARE (PACKET_TIMESTAMP with "
		  "SOF_TIMESTAMPING_RAW_HARDWARE)",
		  "hardware stamps that differ from the software ones" },
	.packet = packet,
};
