/*
 * logtime.c: time syntaxes shared by log formats.  A calendar time is
 * written back as ISO 8601 and read by chousa_time_parse, so the library
 * has one calendar: this runs only for lines that hit, so the detour
 * costs nothing that shows.
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "sweep/logtime.h"

int64_t
logtime_epoch(const char *p, size_t len)
{
	const char *end = p + len;
	long v = logtime_digits(&p, end, 12);

	if (v <= 0 || (p < end && *p != '.'))
		return 0;
	return v;
}

int64_t
logtime_iso(const char *p, size_t len)
{
	int64_t t;

	if (chousa_time_parse(p, len, &t) != CHOUSA_OK || t < 0)
		return 0;
	return t;
}

int64_t
logtime_fields(int year, int month, int day, int hour, int min, int sec,
    long offset)
{
	char buf[48];
	long oh, om;
	int n;

	if (year < 1970 || year > 9999 || month < 1 || month > 12 ||
	    day < 1 || day > 31 || hour < 0 || hour > 23 || min < 0 ||
	    min > 59 || sec < 0 || sec > 60 || offset < -86399 ||
	    offset > 86399)
		return 0;
	oh = (offset < 0 ? -offset : offset) / 3600;
	om = (offset < 0 ? -offset : offset) / 60 % 60;
	n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d"
	    "%c%02ld%02ld", year, month, day, hour, min, sec,
	    offset < 0 ? '-' : '+', oh, om);
	return n > 0 && (size_t)n < sizeof(buf) ? logtime_iso(buf, (size_t)n) :
	    0;
}

int
logtime_month(const char *p, size_t len)
{
	static const char m[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char s[3];
	int i;

	if (len < 3)
		return -1;
	for (i = 0; i < 3; i++)
		s[i] = (char)(p[i] | 0x20);
	for (i = 0; i < 12; i++)
		if (memcmp(m + i * 3, s, 3) == 0)
			return i + 1;
	return -1;
}

long
logtime_digits(const char **p, const char *end, int max)
{
	long v = 0;
	int n = 0;

	while (*p < end && n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

/* A number of at most max digits, then the separator sep (0: none). */
static int
part(const char **p, const char *end, int max, char sep, int *out)
{
	long v = logtime_digits(p, end, max);

	if (v < 0 || (sep != 0 && (*p >= end || *(*p)++ != sep)))
		return -1;
	*out = (int)v;
	return 0;
}

int
logtime_dmy(const char **p, const char *end, char sep, int *day,
    int *month, int *year)
{
	if (part(p, end, 2, sep, day) != 0)
		return -1;
	*month = logtime_month(*p, (size_t)(end - *p));
	if (*month < 0 || end - *p < 4 || (*p)[3] != sep)
		return -1;
	*p += 4;
	return part(p, end, 4, 0, year);
}

int
logtime_mdy(const char **p, const char *end, char sep, int *month,
    int *day, int *year)
{
	if (part(p, end, 2, sep, month) != 0 || part(p, end, 2, sep, day) != 0)
		return -1;
	return part(p, end, 4, 0, year);
}

int
logtime_clock(const char **p, const char *end, int *hour, int *min,
    int *sec)
{
	if (*p >= end)
		return -1;
	(*p)++;
	if (part(p, end, 2, ':', hour) != 0 || part(p, end, 2, ':', min) != 0)
		return -1;
	return part(p, end, 2, 0, sec);
}
