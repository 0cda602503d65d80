/* SPDX-License-Identifier: MIT */
/* Unit tests of the run layer (run/): one suite per module. */
#ifndef T_RUN_H
#define T_RUN_H

#include <check.h>

Suite *suite_run_config(void);

#endif
