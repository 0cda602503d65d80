/* SPDX-License-Identifier: MIT */
/* tpconform internals: loading a backend plug-in. */
#ifndef TPC_PLUGIN_LOADER_H
#define TPC_PLUGIN_LOADER_H

#include <stddef.h>

#include "tpc_backend.h"

/* 0 and *out, or a negative errno with the reason in why. */
int tpc_plugin_load(const char *path, const struct tpc_backend_ops **out,
		    char *why, size_t whylen);

#endif
