// SPDX-License-Identifier: MIT
/*
 * Unit tests of libtpsim: every suite, forked per test (Check's default),
 * TAP and XML logs under the directory given as argv[1].
 */
#include <stdio.h>
#include <stdlib.h>

#include "t_helpers.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "reports/tests";
	char tap[512], xml[512];
	SRunner *sr;
	int failed;

	snprintf(tap, sizeof(tap), "%s/unit.tap", dir);
	snprintf(xml, sizeof(xml), "%s/unit.xml", dir);
	sr = srunner_create(suite_profile());
	srunner_add_suite(sr, suite_sockopt());
	srunner_add_suite(sr, suite_ring());
	srunner_add_suite(sr, suite_mmap());
	srunner_add_suite(sr, suite_rx());
	srunner_add_suite(sr, suite_poll());
	srunner_add_suite(sr, suite_v3());
	srunner_add_suite(sr, suite_tx());
	srunner_add_suite(sr, suite_tx_data());
	srunner_add_suite(sr, suite_edges());
	srunner_add_suite(sr, suite_batch());
	srunner_add_suite(sr, suite_batch_clock());
	srunner_add_suite(sr, suite_plain());
	srunner_add_suite(sr, suite_peers());
	srunner_add_suite(sr, suite_sockbuf());
	srunner_add_suite(sr, suite_threads());
	srunner_add_suite(sr, suite_dev());
	srunner_add_suite(sr, suite_qdisc());
	srunner_add_suite(sr, suite_fanout());
	srunner_add_suite(sr, suite_fanout_bpf());
	srunner_add_suite(sr, suite_fanout_rollover());
	srunner_add_suite(sr, suite_defrag());
	srunner_add_suite(sr, suite_filter());
	srunner_add_suite(sr, suite_bpf_run());
	srunner_add_suite(sr, suite_rxroom());
	srunner_set_tap(sr, tap);
	srunner_set_xml(sr, xml);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
