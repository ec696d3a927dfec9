/*
 * logtime.h: the time syntaxes more than one log format writes.  Each
 * turns a log's time text into Unix seconds (UTC), 0 when it cannot; a
 * format with a syntax of its own keeps its parser in its own file.  ISO
 * 8601 goes through chousa_time_parse, the one ISO parser of the library.
 */
#ifndef CHOUSA_SWEEP_LOGTIME_H
#define CHOUSA_SWEEP_LOGTIME_H

#include "chousa.h"

/* "1704067200" or "1704067200.123456" (Zeek, Squid, captures). */
int64_t	logtime_epoch(const char *p, size_t len);
/* "2024-01-01T00:00:00.123456+0000", "...Z", "2024-01-01 00:00:00". */
int64_t	logtime_iso(const char *p, size_t len);
/*
 * A calendar time given by its fields, with the offset east of UTC in
 * seconds; 0 when a field is out of range.
 */
int64_t	logtime_fields(int year, int month, int day, int hour, int min,
	    int sec, long offset);
/* "Jan".."Dec" in any case: 1..12, or -1. */
int	logtime_month(const char *p, size_t len);
/* Up to max digits at *p (advanced past them); -1 when there is none. */
long	logtime_digits(const char **p, const char *end, int max);
/*
 * The parts of a time, each read at *p (advanced past it); 0 when it is
 * there, -1 when not.  A day, a month name and a year separated by sep
 * ("10/Oct/2000", "25-Nov-2026"); a month, a day and a year by sep
 * ("6/5/2013"); a clock ("13:55:36") after one separator character.
 */
int	logtime_dmy(const char **p, const char *end, char sep, int *day,
	    int *month, int *year);
int	logtime_mdy(const char **p, const char *end, char sep, int *month,
	    int *day, int *year);
int	logtime_clock(const char **p, const char *end, int *hour, int *min,
	    int *sec);

#endif /* CHOUSA_SWEEP_LOGTIME_H */
