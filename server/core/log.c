/*
 * log.c -- leveled logging to stderr or syslog.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static enum log_level	 log_level = LOG_LEVEL_INFO;
static int		 log_syslog;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_init(enum log_level level, int use_syslog)
{
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("hearthd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

/* Parse "error", "warn", "info" or "debug".  Returns 0 on success. */
int
log_level_parse(const char *s, enum log_level *out)
{
	size_t	i;

	for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

static void	log_vwrite(enum log_level, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

static void
log_vwrite(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	char		 msg[2048];
	int		 saved = errno;
	struct timespec	 ts;
	struct tm	 tm;
	char		 when[32];
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		size_t	len = strlen(msg);

		snprintf(msg + len, sizeof msg - len, ": %s", strerror(saved));
	}
	if (log_syslog) {
		syslog(prio[level], "%s", msg);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000,
		    level_names[level], msg);
	}
	errno = saved;
}

#define LOG_FN(name, level, err)				\
	void							\
	name(const char *fmt, ...)				\
	{							\
		va_list	ap;					\
		va_start(ap, fmt);				\
		log_vwrite(level, err, fmt, ap);		\
		va_end(ap);					\
	}

LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_error, LOG_LEVEL_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
