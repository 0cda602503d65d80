// SPDX-License-Identifier: MIT
/*
 * Unit tests of the run layer, in-process and without the interposer:
 * TAP and XML logs under the directory given as argv[1].
 */
#include <stdio.h>
#include <stdlib.h>

#include "t_run.h"

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "reports/tests";
	char tap[512], xml[512];
	SRunner *sr;
	int failed;

	snprintf(tap, sizeof(tap), "%s/run-unit.tap", dir);
	snprintf(xml, sizeof(xml), "%s/run-unit.xml", dir);
	sr = srunner_create(suite_run_config());
	srunner_add_suite(sr, suite_run_world());
	srunner_add_suite(sr, suite_run_checker());
	srunner_add_suite(sr, suite_run_scenarios());
	srunner_set_tap(sr, tap);
	srunner_set_xml(sr, xml);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
