/*
 * tz.c -- local time for the texts people read (see tz.h).
 *
 * The C library's tzcode does the work: TZ is set once, before the
 * worker and checkpointer threads start (a reload that names another
 * zone is told to restart), so localtime_r() is safe on every thread.
 * The one exception is a member's own zone on the web (tz_use()): the
 * loop thread puts it in TZ for one page and puts the community's
 * back before the next event.  Only the loop formats local times (the
 * workers hash, the store's threads sync and checkpoint), and TZ,
 * once in the environment, is replaced in place (setenv() of a name
 * that is there swaps its entry; glibc never frees the old string),
 * so no other thread can read a freed environment.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "xmalloc.h"

static char	*zone;		/* as configured; NULL: the system's */
static char	*using;		/* a member's zone in TZ now, or NULL */

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
	free(using);
	using = NULL;
	if (name != NULL && *name != '\0') {
		zone = xstrdup(name);
		setenv("TZ", name, 1);
	}
	tzset();
}

void
tz_use(const char *name)
{
	if (name == NULL || *name == '\0' || (zone != NULL &&
	    strcmp(name, zone) == 0)) {
		if (using == NULL)
			return;
		/* Back to the community's (the system's: /etc/localtime). */
		setenv("TZ", zone != NULL ? zone : ":/etc/localtime", 1);
		free(using);
		using = NULL;
	} else {
		if (using != NULL && strcmp(using, name) == 0)
			return;
		setenv("TZ", name, 1);
		free(using);
		using = xstrdup(name);
	}
	tzset();
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

	localtime_r(&t, &tm);
	zone_of(&tm, buf, len);
}

void
tz_when(time_t t, char *buf, size_t len)
{
	struct tm	tm;
	char		z[32];

	localtime_r(&t, &tm);
	zone_of(&tm, z, sizeof z);
	snprintf(buf, len, "%02d.%02d.%04d %02d:%02d %s", tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, z);
}
