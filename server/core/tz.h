/*
 * tz.h -- local time for the texts people read.
 *
 * The operator names the community's zone (config timezone, an IANA
 * name such as Europe/Moscow; unset: the system's).  It is put in the
 * environment once at start-up, before any thread exists, and every
 * text a member, moderator or visitor reads shows times in it with
 * the zone ("07.12.2026 18:00 MSK": 24-hour, day.month.year); a member
 * may choose their own zone for the web pages they read (tz_use()).  Machine
 * formats (Date:, Atom, iCalendar, server-time) stay in UTC.
 */
#ifndef HEARTH_TZ_H
#define HEARTH_TZ_H

#include <stddef.h>
#include <time.h>

/*
 * Is NAME an IANA zone this machine knows (a TZif file under TZDIR or
 * /usr/share/zoneinfo)?  0, or -1 with the reason in ERR.
 */
int		 tz_check(const char *name, char *err, size_t errlen);

/* Use zone NAME from now on (NULL: the system's).  Before threads. */
void		 tz_apply(const char *name);

/*
 * This thread shows times in zone NAME (checked by tz_check() when it
 * was chosen) until the next call; NULL: the configured one again.
 * The environment is not touched (the zone's file is read and cached
 * here), and other threads keep the configured zone.  The loop thread
 * only, around one member's page (http.c).
 */
void		 tz_use(const char *name);

/* The zone given to tz_apply(), or NULL for the system's. */
const char	*tz_name(void);

/*
 * A wall-clock time read as if it were UTC (AS_UTC, e.g. from
 * timegm()) as the instant it names in the local zone.
 */
time_t		 tz_from_local(time_t as_utc);

/* T as "07.12.2026 18:00 MSK" in BUF. */
void		 tz_when(time_t t, char *buf, size_t len);

/* T's zone as shown after a time ("MSK", "UTC+05"). */
void		 tz_zone(time_t t, char *buf, size_t len);

#endif
