/* SPDX-License-Identifier: MIT */
/*
 * tpconform plug-ins: a backend in a shared library, loaded with
 * `tpconform --backend path/to/backend.so`.
 *
 * A plug-in exports one function, named by TPC_PLUGIN_ENTRY:
 *
 *	const struct tpc_backend_ops *tpc_plugin_entry(unsigned int abi);
 *
 * tpconform calls it with the ABI version it speaks (TPC_PLUGIN_ABI); the
 * plug-in returns its ops table (see tpc_backend.h), or NULL when it
 * cannot speak that version. The table's sz field is the size the plug-in
 * was built with: tpconform uses only the members that fit in it, so a
 * plug-in built against an older header keeps loading (cases needing a
 * newer member are SKIPped), and a newer one is read as far as tpconform
 * knows. Every call returns 0 or more, or a negative errno.
 *
 * tpconform offers its built-in backends to plug-ins, so one can wrap the
 * simulator or the kernel and change only what it models:
 *
 *	const struct tpc_backend_ops *sim = tpc_builtin_backend("sim");
 *
 * Each case runs in a forked process: a plug-in that crashes or hangs
 * fails that case and no other.
 */
#ifndef TPC_PLUGIN_H
#define TPC_PLUGIN_H

#include "tpc_backend.h"

#define TPC_PLUGIN_ABI 1
#define TPC_PLUGIN_ENTRY "tpc_plugin_entry"

typedef const struct tpc_backend_ops *(*tpc_plugin_entry_fn)(unsigned int abi);

/* The built-in backend called name ("sim", "kernel"), or NULL. */
const struct tpc_backend_ops *tpc_builtin_backend(const char *name);

#endif
