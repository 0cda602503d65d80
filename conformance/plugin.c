// SPDX-License-Identifier: MIT
/*
 * Loading a backend from a shared library (tpc_plugin.h), and handing
 * the built-in backends to plug-ins that wrap them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "plugin.h"
#include "tpc_plugin.h"

__attribute__((visibility("default")))
const struct tpc_backend_ops *tpc_builtin_backend(const char *name)
{
	if (name && !strcmp(name, "sim"))
		return &tpc_backend_sim;
	if (name && !strcmp(name, "kernel"))
		return &tpc_backend_kernel;
	return NULL;
}

#ifdef TPC_STATIC
int tpc_plugin_load(const char *path, const struct tpc_backend_ops **out,
		    char *why, size_t whylen)
{
	(void)path;
	*out = NULL;
	snprintf(why, whylen, "this tpconform is statically linked and "
			      "loads no plug-ins");
	return -ENOTSUP;
}
#else
#include <dlfcn.h>

/* The members every backend must have: the ABI-1 core. */
#define CORE_END (offsetof(struct tpc_backend_ops, inject) + \
		  sizeof(((struct tpc_backend_ops *)0)->inject))

int tpc_plugin_load(const char *path, const struct tpc_backend_ops **out,
		    char *why, size_t whylen)
{
	const struct tpc_backend_ops *ops;
	tpc_plugin_entry_fn entry;
	void *h;

	*out = NULL;
	/* RTLD_NOW: an unresolved symbol is an error now, not a crash in
	 * the middle of a case */
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, whylen, "%s", dlerror());
		return -ENOENT;
	}
	*(void **)&entry = dlsym(h, TPC_PLUGIN_ENTRY);
	if (!entry) {
		snprintf(why, whylen, "%s: no %s symbol", path,
			 TPC_PLUGIN_ENTRY);
		dlclose(h);
		return -EINVAL;
	}
	ops = entry(TPC_PLUGIN_ABI);
	if (!ops) {
		snprintf(why, whylen, "%s: does not speak plug-in ABI %d", path,
			 TPC_PLUGIN_ABI);
		dlclose(h);
		return -EPROTO;
	}
	if (ops->sz < CORE_END || !ops->name || !*ops->name || !ops->open ||
	    !ops->close || !ops->dev_info || !ops->socket ||
	    !ops->sock_close || !ops->setsockopt || !ops->getsockopt ||
	    !ops->mmap || !ops->munmap || !ops->poll || !ops->recv ||
	    !ops->inject) {
		snprintf(why, whylen, "%s: its ops table lacks a name or one of "
				      "the core calls (sz %zu)", path, ops->sz);
		dlclose(h);
		return -EINVAL;
	}
	*out = ops;	/* the library stays loaded for the run */
	return 0;
}
#endif
