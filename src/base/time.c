/*
 * time.c: the time formats feeds and users write, to Unix seconds (UTC),
 * and paths that depend on the environment.  Parsing is by hand, with
 * every field bounded: strptime is locale-dependent and lenient.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chousa.h"
#include "base/mem.h"

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

#define TIME_FAST_MAX	253402300799	/* 9999-12-31T23:59:59Z */

static void
put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * t (0 to TIME_FAST_MAX) as "YYYY-MM-DDTHH:MM:SSZ" in out[21], the
 * inverse of days_from_civil (H. Hinnant's algorithm): exports format two
 * times per indicator, and gmtime_r would take a lock for each.
 */
static void
format_civil(int64_t t, char *out)
{
	int64_t days = t / 86400, s = t % 86400;
	int64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	put_digits(out, (unsigned)y, 4);
	out[4] = '-';
	put_digits(out + 5, (unsigned)m, 2);
	out[7] = '-';
	put_digits(out + 8, (unsigned)d, 2);
	out[10] = 'T';
	put_digits(out + 11, (unsigned)(s / 3600), 2);
	out[13] = ':';
	put_digits(out + 14, (unsigned)(s % 3600 / 60), 2);
	out[16] = ':';
	put_digits(out + 17, (unsigned)(s % 60), 2);
	out[19] = 'Z';
	out[20] = '\0';
}

/* Read exactly n digits at *p; -1 when they are not there. */
static int
digits(const char **p, const char *end, int n)
{
	int v = 0, i;

	if (end - *p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

/*
 * Read exactly width digits into *v, then the byte sep unless sep is 0;
 * -1 when either is not there.
 */
static int
field(const char **p, const char *end, int width, int *v, int sep)
{
	*v = digits(p, end, width);
	if (*v < 0)
		return -1;
	if (sep == 0)
		return 0;
	if (*p >= end || **p != sep)
		return -1;
	(*p)++;
	return 0;
}

static int
month_from_name(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(names + 3 * i, p, 3) == 0)
			return i + 1;
	return -1;
}

/* "Wed, 16 Oct 2019 16:55:16 GMT" */
static int
parse_rfc1123(const char *p, const char *end, int64_t *out)
{
	int d, m, y, hh, mm, ss;

	if (end - p < 29 || p[3] != ',' || p[4] != ' ')
		return CHOUSA_EPARSE;
	p += 5;
	if (field(&p, end, 2, &d, ' ') < 0)
		return CHOUSA_EPARSE;
	m = month_from_name(p);
	if (m < 0 || p[3] != ' ')
		return CHOUSA_EPARSE;
	p += 4;
	if (field(&p, end, 4, &y, ' ') < 0 ||
	    field(&p, end, 2, &hh, ':') < 0 ||
	    field(&p, end, 2, &mm, ':') < 0 ||
	    field(&p, end, 2, &ss, 0) < 0)
		return CHOUSA_EPARSE;
	if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60)
		return CHOUSA_EPARSE;
	*out = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	    hh * 3600 + mm * 60 + ss;
	return CHOUSA_OK;
}

int
chousa_time_parse(const char *s, size_t len, int64_t *out)
{
	const char *p = s, *end = s + len;
	int y, m, d, hh = 0, mm = 0, ss = 0, sign, oh, om;
	int64_t t, offset = 0;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end)
		return CHOUSA_EPARSE;
	if (isalpha((unsigned char)*p))
		return parse_rfc1123(p, end, out);
	if (end - p <= 12 && memchr(p, '-', (size_t)(end - p)) == NULL) {
		/* Unix seconds, possibly with a fraction. */
		t = 0;
		while (p < end && isdigit((unsigned char)*p))
			t = t * 10 + (*p++ - '0');
		if (p < end && *p == '.')
			for (p++; p < end && isdigit((unsigned char)*p); p++)
				;
		if (p != end)
			return CHOUSA_EPARSE;
		*out = t;
		return CHOUSA_OK;
	}
	if (field(&p, end, 4, &y, '-') < 0 || field(&p, end, 2, &m, '-') < 0 ||
	    field(&p, end, 2, &d, 0) < 0)
		return CHOUSA_EPARSE;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return CHOUSA_EPARSE;
	if (p < end && (*p == ' ' || *p == 'T' || *p == 't') &&
	    end - p >= 6 && isdigit((unsigned char)p[1])) {
		p++;
		if (field(&p, end, 2, &hh, ':') < 0 ||
		    field(&p, end, 2, &mm, 0) < 0)
			return CHOUSA_EPARSE;
		if (p < end && *p == ':') {
			p++;
			if (field(&p, end, 2, &ss, 0) < 0)
				return CHOUSA_EPARSE;
			if (p < end && *p == '.')
				for (p++; p < end &&
				    isdigit((unsigned char)*p); p++)
					;
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return CHOUSA_EPARSE;
	}
	while (p < end && *p == ' ')
		p++;
	if (p < end) {
		if ((end - p == 1 && (*p == 'Z' || *p == 'z')) ||
		    (end - p == 3 && memcmp(p, "UTC", 3) == 0) ||
		    (end - p == 3 && memcmp(p, "GMT", 3) == 0))
			p = end;
		else if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			p++;
			if (field(&p, end, 2, &oh, 0) < 0)
				return CHOUSA_EPARSE;
			if (p < end && *p == ':')
				p++;
			if (field(&p, end, 2, &om, 0) < 0 || oh > 23 ||
			    om > 59)
				return CHOUSA_EPARSE;
			offset = sign * (oh * 3600 + om * 60);
		}
		if (p != end)
			return CHOUSA_EPARSE;
	}
	t = days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 +
	    hh * 3600 + mm * 60 + ss;
	*out = t - offset;
	return CHOUSA_OK;
}

long
chousa_duration_parse(const char *s)
{
	static const struct {
		const char	*unit;
		long		 seconds;
	} units[] = {
		{ "s", 1 }, { "m", 60 }, { "h", 3600 },
		{ "d", 86400 },
	};
	const long max = 100L * 366 * 86400;
	char *end;
	long n;
	size_t i;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	n = strtol(s, &end, 10);
	if (n <= 0 || n > max)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0)
			return n <= max / units[i].seconds ?
			    n * units[i].seconds : -1;
	return -1;
}

long
chousa_duration_parse_or_zero(const char *s)
{
	const char *p = s;

	while (p != NULL && *p == '0')
		p++;
	if (p != NULL && p != s && (*p == '\0' || (strchr("smhd", *p) !=
	    NULL && p[1] == '\0')))
		return 0;
	return chousa_duration_parse(s);
}

void
chousa_time_format(int64_t t, char *out, size_t out_size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t >= 0 && t <= TIME_FAST_MAX && out_size >= 21) {
		format_civil(t, out);
		return;
	}
	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, out_size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, out_size, "?");
}

void
chousa_time_day(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 11, "%Y-%m-%d",
	    &tm) == 0)
		snprintf(out, 11, "?");
}

int
chousa_default_db_path(struct chousa_buf *b, struct chousa_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		chousa_buf_addf(b, "%s/chousa/chousa.db", xdg);
	else if (home != NULL && home[0] != '\0')
		chousa_buf_addf(b, "%s/.local/share/chousa/chousa.db", home);
	else
		return chousa_errf(err, CHOUSA_EINVAL,
		    "no HOME or XDG_DATA_HOME: give the store with --db");
	return chousa_buf_rc(b, "the database path", err);
}

int
chousa_source_date_epoch(int64_t *out)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (v == NULL || *v < '0' || *v > '9')
		return 0;
	t = strtoll(v, &end, 10);
	if (*end != '\0' || t <= 0)
		return 0;
	*out = (int64_t)t;
	return 1;
}

int64_t
chousa_stamp_time(int64_t fixed)
{
	int64_t t;

	if (fixed != 0)
		return fixed;
	if (chousa_source_date_epoch(&t))
		return t;
	return (int64_t)time(NULL);
}

double
chousa_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
