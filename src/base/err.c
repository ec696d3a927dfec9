/*
 * err.c: the error buffer every fallible function fills.  The message is
 * formatted once, at the place that knows the subject, and carried up.
 */
#include <stdio.h>

#include "chousa.h"
#include "base/mem.h"

int
chousa_errf(struct chousa_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

const char *
chousa_rc_name(int code)
{
	static const char *const names[] = {
		"OK", "ENOMEM", "EINVAL", "EPARSE", "EIO", "EHTTP", "ELIMIT",
		"EDB", "ENOTFOUND", "EFORMAT", "EAUTH", "EQUOTA", "ETIMEOUT",
		"EPERM", "EINTERNAL", "EBUSY", "EEXIST", "ESTORE"
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "EUNKNOWN";
	return names[code];
}

int
chousa_exit_for_rc(int code)
{
	switch (code) {
	case CHOUSA_OK:
		return CHOUSA_EXIT_CLEAN;
	case CHOUSA_EINVAL:
		return CHOUSA_EXIT_USAGE;
	case CHOUSA_EPARSE:
	case CHOUSA_EIO:
	case CHOUSA_ELIMIT:
	case CHOUSA_ENOTFOUND:
	case CHOUSA_EFORMAT:
	case CHOUSA_EPERM:
	case CHOUSA_EEXIST:
	/* A full disk is the machine's state to mend, as a bad file is. */
	case CHOUSA_ESTORE:
		return CHOUSA_EXIT_BADINPUT;
	case CHOUSA_EHTTP:
	case CHOUSA_EAUTH:
	case CHOUSA_EQUOTA:
	case CHOUSA_ETIMEOUT:
		return CHOUSA_EXIT_SOURCE;
	case CHOUSA_EBUSY:
		return CHOUSA_EXIT_BUSY;
	default:
		return CHOUSA_EXIT_INTERNAL;
	}
}
