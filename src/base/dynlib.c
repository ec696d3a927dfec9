/* dynlib: shared libraries loaded on first use (see dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "base/dynlib.h"

static pthread_mutex_t dynlib_lock = PTHREAD_MUTEX_INITIALIZER;

/* 1 when every symbol is in lib->syms, -1 with lib->error set. */
static int
dynlib_open(struct dynlib *lib)
{
	void *h;
	size_t i;

	h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(lib->error, sizeof(lib->error), "cannot load %s (%s);"
		    " install it with scripts/install-deps.sh", lib->soname,
		    dlerror());
		return -1;
	}
	for (i = 0; i < lib->n; i++) {
		void *p = dlsym(h, lib->names[i]);

		if (p == NULL) {
			snprintf(lib->error, sizeof(lib->error),
			    "%s has no %s: too old?", lib->soname,
			    lib->names[i]);
			return -1;
		}
		/* POSIX lets a data pointer from dlsym hold a function. */
		memcpy(&lib->syms[i], &p, sizeof(p));
	}
	return 1;
}

int
dynlib_load(struct dynlib *lib)
{
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (state == 0) {
		pthread_mutex_lock(&dynlib_lock);
		/* The release store publishes the symbols with the state. */
		if (lib->state == 0)
			__atomic_store_n(&lib->state, dynlib_open(lib),
			    __ATOMIC_RELEASE);
		pthread_mutex_unlock(&dynlib_lock);
		state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);
	}
	return state == 1 ? 0 : -1;
}

const char *
dynlib_error(const struct dynlib *lib)
{
	return lib->error[0] != '\0' ? lib->error : "not loaded";
}
