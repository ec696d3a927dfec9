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
		"EPERM", "EINTERNAL", "EBUSY"
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "EUNKNOWN";
	return names[code];
}
