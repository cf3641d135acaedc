/*
 * tz.c -- local time for the texts people read (see tz.h).
 *
 * The community's zone: the C library's tzcode does the work.  TZ is
 * set once, before the worker and checkpointer threads start (a reload
 * that names another zone is told to restart), so localtime_r() is
 * safe on every thread.
 *
 * A member's own zone on the web (tz_use()) never touches the
 * environment: setenv() while another thread reads the environment
 * (getenv(), localtime_r()'s tzset) is undefined, and glibc has no
 * per-call zone.  Its TZif file (RFC 8536) is read here instead, once
 * per zone (cached; the loop thread only), and the offset of a time is
 * found in its transitions, or past the last one by the file's POSIX
 * TZ footer (Mm.w.d, Jn and n rules).  Which zone a thread shows is a
 * thread-local pointer, so tz_when() on any other thread keeps the
 * community's zone.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "xmalloc.h"

static char	*zone;		/* as configured; NULL: the system's */

/* One local time type of a zone. */
struct tz_type {
	int32_t		 off;		/* seconds east of UTC */
	char		 abbr[16];
};

/* A POSIX TZ rule's change of time ("M3.5.0/2"). */
struct tz_change {
	char		 kind;		/* 'M', 'J' or 'n' (zero-based day) */
	int		 m, w, d, n;
	int32_t		 at;		/* seconds after local midnight */
};

/* A member's zone, read from its TZif file. */
struct tz_zone {
	char		 name[64];
	int		 ok;		/* read; else the community's is shown */
	int64_t		*trans;		/* transition times, ascending */
	unsigned char	*idx;		/* their types */
	size_t		 ntrans;
	struct tz_type	*types;
	size_t		 ntypes;
	int		 has_rule;	/* the footer, past the last one */
	int		 has_dst;
	struct tz_type	 std, dst;
	struct tz_change start, end;
};

#define TZ_CACHE	64
static struct tz_zone	 cache[TZ_CACHE];
static size_t		 ncache;
static _Thread_local const struct tz_zone *using;	/* tz_use() */

int
tz_check(const char *name, char *err, size_t errlen)
{
	const char	*dir, *p;
	char		 path[1024], magic[4];
	FILE		*f;
	size_t		 n;

	if (name == NULL || *name == '\0' || *name == '/' ||
	    strstr(name, "..") != NULL || strlen(name) > 200) {
		snprintf(err, errlen, "timezone wants an IANA name such as "
		    "Europe/Moscow");
		return -1;
	}
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("/_+-", *p) == NULL) {
			snprintf(err, errlen, "timezone wants an IANA name "
			    "such as Europe/Moscow, got \"%s\"", name);
			return -1;
		}
	/* The C library knows UTC without any file. */
	if (strcmp(name, "UTC") == 0)
		return 0;
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "timezone \"%s\" is not known here "
		    "(no %s: is the tzdata package installed?)", name, path);
		return -1;
	}
	n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (n != sizeof magic || memcmp(magic, "TZif", 4) != 0) {
		snprintf(err, errlen, "timezone \"%s\": %s is not a zone "
		    "file", name, path);
		return -1;
	}
	return 0;
}

void
tz_apply(const char *name)
{
	free(zone);
	zone = NULL;
	using = NULL;
	if (name != NULL && *name != '\0') {
		zone = xstrdup(name);
		setenv("TZ", name, 1);
	}
	tzset();
}

/* Big-endian integers of a TZif file. */
static int64_t
be(const unsigned char *p, int n)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* A POSIX TZ name ("MSK", "<+05>") at *P into BUF. */
static int
rule_name(const char **p, char *buf, size_t len)
{
	const char	*s = *p, *e;

	if (*s == '<') {
		if ((e = strchr(s, '>')) == NULL)
			return -1;
		snprintf(buf, len, "%.*s", (int)(e - s - 1), s + 1);
		*p = e + 1;
		return 0;
	}
	for (e = s; isalpha((unsigned char)*e); e++)
		;
	if (e - s < 3)
		return -1;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	*p = e;
	return 0;
}

/* [+-]hh[:mm[:ss]] at *P in seconds. */
static int
rule_time(const char **p, int32_t *out)
{
	const char	*s = *p;
	long		 h, m = 0, sec = 0;
	int		 neg = 0;
	char		*e;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return -1;
	h = strtol(s, &e, 10);
	if (*e == ':') {
		m = strtol(e + 1, &e, 10);
		if (*e == ':')
			sec = strtol(e + 1, &e, 10);
	}
	if (h > 167 || m > 59 || sec > 59)
		return -1;
	*out = (int32_t)((h * 3600 + m * 60 + sec) * (neg ? -1 : 1));
	*p = e;
	return 0;
}

/* ",M3.5.0/2" at *P. */
static int
rule_change(const char **p, struct tz_change *c)
{
	const char	*s = *p;
	char		*e;

	if (*s++ != ',')
		return -1;
	memset(c, 0, sizeof *c);
	c->at = 7200;
	if (*s == 'M') {
		c->kind = 'M';
		c->m = (int)strtol(s + 1, &e, 10);
		if (*e != '.')
			return -1;
		c->w = (int)strtol(e + 1, &e, 10);
		if (*e != '.')
			return -1;
		c->d = (int)strtol(e + 1, &e, 10);
		if (c->m < 1 || c->m > 12 || c->w < 1 || c->w > 5 ||
		    c->d < 0 || c->d > 6)
			return -1;
	} else {
		c->kind = *s == 'J' ? 'J' : 'n';
		if (*s == 'J')
			s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		c->n = (int)strtol(s, &e, 10);
		if (c->n > 365)
			return -1;
	}
	s = e;
	if (*s == '/') {
		s++;
		if (rule_time(&s, &c->at) != 0)
			return -1;
	}
	*p = s;
	return 0;
}

/* The footer RULE ("<+05>-5", "CET-1CEST,M3.5.0,M10.5.0/3") into Z. */
static int
rule_parse(struct tz_zone *z, const char *rule)
{
	const char	*p = rule;
	int32_t		 t;

	if (rule_name(&p, z->std.abbr, sizeof z->std.abbr) != 0 ||
	    rule_time(&p, &t) != 0)
		return -1;
	z->std.off = -t;	/* POSIX counts west */
	if (*p == '\0')
		return 0;
	if (rule_name(&p, z->dst.abbr, sizeof z->dst.abbr) != 0)
		return -1;
	z->dst.off = z->std.off + 3600;
	if (*p != ',' && *p != '\0') {
		if (rule_time(&p, &t) != 0)
			return -1;
		z->dst.off = -t;
	}
	if (rule_change(&p, &z->start) != 0 ||
	    rule_change(&p, &z->end) != 0 || *p != '\0')
		return -1;
	z->has_dst = 1;
	return 0;
}

/* Read zone NAME's TZif file into Z; 0 or -1. */
static int
zone_read(struct tz_zone *z, const char *name)
{
	const char	*dir;
	char		 path[1024], rule[128];
	unsigned char	*buf = NULL, *p, *end;
	size_t		 cnt[6], len = 0, cap = 0, i, n, body;
	FILE		*f;
	int		 v2, pass, tsize;

	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			if (cap > (1 << 20))
				break;	/* no zone file is this big */
			cap = cap ? cap * 2 : 4096;
			buf = xrealloc(buf, cap);
		}
		if ((n = fread(buf + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	p = buf;
	end = buf + len;
	v2 = len >= 5 && buf[4] >= '2';
	for (pass = 0; pass < (v2 ? 2 : 1); pass++) {
		tsize = pass == 0 ? 4 : 8;
		if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
			goto bad;
		/* isut, isstd, leap, time, type, char counts. */
		for (i = 0; i < 6; i++)
			cnt[i] = (size_t)be(p + 20 + 4 * i, 4) & 0xffffffu;
		p += 44;
		body = cnt[3] * (size_t)(tsize + 1) + cnt[4] * 6 + cnt[5] +
		    cnt[2] * (size_t)(tsize + 4) + cnt[1] + cnt[0];
		if ((size_t)(end - p) < body || cnt[4] == 0)
			goto bad;
		if (pass == 0 && v2) {
			p += body;	/* the 32-bit data: v2 repeats it */
			continue;
		}
		z->ntrans = cnt[3];
		z->trans = xcalloc(cnt[3] + 1, sizeof *z->trans);
		z->idx = xcalloc(cnt[3] + 1, 1);
		for (i = 0; i < cnt[3]; i++)
			z->trans[i] = be(p + i * (size_t)tsize, tsize);
		p += cnt[3] * (size_t)tsize;
		for (i = 0; i < cnt[3]; i++)
			if ((z->idx[i] = p[i]) >= cnt[4])
				goto bad;
		p += cnt[3];
		z->ntypes = cnt[4];
		z->types = xcalloc(cnt[4], sizeof *z->types);
		for (i = 0; i < cnt[4]; i++) {
			z->types[i].off = (int32_t)be(p + 6 * i, 4);
			n = p[6 * i + 5];
			if (n < cnt[5])
				snprintf(z->types[i].abbr,
				    sizeof z->types[i].abbr, "%.*s",
				    (int)strnlen((char *)p + cnt[4] * 6 + n,
				    cnt[5] - n), p + cnt[4] * 6 + n);
		}
		p += body - cnt[3] * (size_t)(tsize + 1);
	}
	/* The footer: "\nRULE\n" (v2 and later). */
	if (v2 && end - p >= 2 && *p == '\n') {
		for (i = 1; p + i < end && p[i] != '\n'; i++)
			;
		if (p + i < end && i > 1 && i - 1 < sizeof rule) {
			memcpy(rule, p + 1, i - 1);
			rule[i - 1] = '\0';
			z->has_rule = rule_parse(z, rule) == 0;
		}
	}
	free(buf);
	return 0;
bad:
	free(buf);
	free(z->trans);
	free(z->idx);
	free(z->types);
	z->trans = NULL;
	z->idx = NULL;
	z->types = NULL;
	z->ntrans = z->ntypes = 0;
	return -1;
}

/* Days since 1970-01-01 of Y-M-D (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The local midnight (as seconds, read as UTC) of change C in year Y. */
static int64_t
change_day(const struct tz_change *c, int64_t y)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int64_t		 first;
	int		 dow, day, len;

	if (c->kind == 'J')	/* 1..365, never the 29th of February */
		return (days_from_civil(y, 1, 1) + c->n - 1 +
		    (leap(y) && c->n >= 60)) * 86400;
	if (c->kind == 'n')
		return (days_from_civil(y, 1, 1) + c->n) * 86400;
	first = days_from_civil(y, c->m, 1);
	dow = (int)(((first % 7) + 7 + 4) % 7);	/* 1970-01-01: Thursday */
	day = 1 + (c->d - dow + 7) % 7 + (c->w - 1) * 7;
	len = mdays[c->m - 1] + (c->m == 2 && leap(y));
	while (day > len)
		day -= 7;
	return (first + day - 1) * 86400;
}

/* The local time type of T past Z's last transition (its footer). */
static const struct tz_type *
rule_type(const struct tz_zone *z, time_t t)
{
	struct tm	tm;
	time_t		local = t + z->std.off;
	int64_t		y, start, end;

	if (!z->has_dst)
		return &z->std;
	gmtime_r(&local, &tm);
	y = (int64_t)tm.tm_year + 1900;
	/* The start is in standard time, the end in daylight time. */
	start = change_day(&z->start, y) + z->start.at - z->std.off;
	end = change_day(&z->end, y) + z->end.at - z->dst.off;
	if (start < end)
		return t >= start && t < end ? &z->dst : &z->std;
	return t >= end && t < start ? &z->std : &z->dst;
}

/* The local time type of T in Z. */
static const struct tz_type *
zone_type(const struct tz_zone *z, time_t t)
{
	size_t	lo = 0, hi = z->ntrans, mid;

	if (z->ntrans == 0 || (int64_t)t < z->trans[0])
		return z->ntrans == 0 && z->has_rule ? rule_type(z, t) :
		    &z->types[0];
	if ((int64_t)t >= z->trans[z->ntrans - 1] && z->has_rule)
		return rule_type(z, t);
	/* The last transition at or before T. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= (int64_t)t)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->idx[lo]];
}

/* Zone NAME, read once; NULL when it cannot be. */
static const struct tz_zone *
zone_get(const char *name)
{
	struct tz_zone	*z;
	size_t		 i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0)
			return cache[i].ok ? &cache[i] : NULL;
	if (strlen(name) >= sizeof cache[0].name)
		return NULL;
	if (ncache == TZ_CACHE) {
		/* Full (64 zones in use is more than any community):
		 * the oldest goes. */
		z = &cache[0];
		free(z->trans);
		free(z->idx);
		free(z->types);
		memmove(&cache[0], &cache[1], (TZ_CACHE - 1) * sizeof *z);
		ncache--;
	}
	z = &cache[ncache++];
	memset(z, 0, sizeof *z);
	snprintf(z->name, sizeof z->name, "%s", name);
	if (strcmp(name, "UTC") == 0) {
		/* tz_check() takes UTC without a file. */
		z->types = xcalloc(1, sizeof *z->types);
		snprintf(z->types[0].abbr, sizeof z->types[0].abbr, "UTC");
		z->ntypes = 1;
		z->ok = 1;
	} else
		z->ok = zone_read(z, name) == 0;
	return z->ok ? z : NULL;
}

void
tz_use(const char *name)
{
	if (name == NULL || *name == '\0' || (zone != NULL &&
	    strcmp(name, zone) == 0))
		using = NULL;
	else
		using = zone_get(name);	/* unreadable: the community's */
}

const char *
tz_name(void)
{
	return zone;
}

/* The zone of TM: its abbreviation when it has letters, else UTC+hh. */
static void
zone_of(const struct tm *tm, char *buf, size_t len)
{
	const char	*z = tm->tm_zone;
	long		 off = tm->tm_gmtoff;

	if (z != NULL && isalpha((unsigned char)z[0])) {
		snprintf(buf, len, "%s", z);
		return;
	}
	if (off % 3600 == 0)
		snprintf(buf, len, "UTC%+ld", off / 3600);
	else
		snprintf(buf, len, "UTC%+ld:%02ld", off / 3600,
		    labs(off % 3600) / 60);
}

/* T in the zone this thread shows (tz_use()) into TM. */
static void
local(time_t t, struct tm *tm)
{
	const struct tz_type	*ty;
	time_t			 l;

	if (using == NULL) {
		localtime_r(&t, tm);
		return;
	}
	ty = zone_type(using, t);
	l = t + ty->off;
	gmtime_r(&l, tm);
	tm->tm_gmtoff = ty->off;
	tm->tm_zone = ty->abbr;
}

time_t
tz_from_local(time_t as_utc)
{
	struct tm	tm;

	gmtime_r(&as_utc, &tm);
	tm.tm_isdst = -1;	/* the zone's rules decide */
	return mktime(&tm);
}

void
tz_zone(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	local(t, &tm);
	zone_of(&tm, buf, len);
}

void
tz_when(time_t t, char *buf, size_t len)
{
	struct tm	tm;
	char		z[32];

	local(t, &tm);
	zone_of(&tm, z, sizeof z);
	snprintf(buf, len, "%02d.%02d.%04d %02d:%02d %s", tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, z);
}
