/*
 * log.c -- leveled logging to stderr, a file or syslog.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static enum log_level	 log_level = LOG_LEVEL_INFO;
static int		 log_syslog;
static int		 log_fd = -1;		/* log = FILE, else -1 */
static char		*log_file;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void
log_init(enum log_level level, int use_syslog)
{
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog("hearthd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * Is anything listening on /dev/log?  glibc's syslog() drops messages
 * silently when nothing is, so start-up asks first.
 */
int
log_syslog_reachable(void)
{
	struct sockaddr_un	sun;
	int			fd, rc, types[] = { SOCK_DGRAM, SOCK_STREAM };
	size_t			i;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, _PATH_LOG, sizeof sun.sun_path - 1);
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if ((fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0)) == -1)
			continue;
		rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
		close(fd);
		if (rc == 0)
			return 1;
	}
	return 0;
}

/* Open PATH for appending log lines (0640, created if missing). */
static int
log_file_open(const char *path, char *err, size_t errlen)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0640);
	if (fd == -1) {
		snprintf(err, errlen, "log file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return fd;
}

/*
 * Log to the file PATH from now on (log = FILE).  Returns 0, or -1 with
 * the reason in ERR (logging is then unchanged).
 */
int
log_init_file(enum log_level level, const char *path, char *err,
    size_t errlen)
{
	int	fd;

	if ((fd = log_file_open(path, err, errlen)) == -1)
		return -1;
	if (log_fd != -1)
		close(log_fd);
	free(log_file);
	log_file = strdup(path);
	log_fd = fd;
	log_level = level;
	log_syslog = 0;
	return 0;
}

/*
 * SIGHUP after logrotate moved the file: open it again under its name.
 * When that fails the old descriptor stays.
 */
void
log_reopen(void)
{
	char	err[512];
	int	fd;

	if (log_fd == -1 || log_file == NULL)
		return;
	if ((fd = log_file_open(log_file, err, sizeof err)) == -1) {
		log_warnx("%s; still writing to the old file", err);
		return;
	}
	close(log_fd);
	log_fd = fd;
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
		char	line[2200];
		int	n;

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof line, "%s.%03ldZ %s %s\n", when,
		    ts.tv_nsec / 1000000, level_names[level], msg);
		if (n > (int)sizeof line - 1)
			n = (int)sizeof line - 1;
		/* One write per line: lines from a file never interleave. */
		if (log_fd != -1)
			(void)!write(log_fd, line, (size_t)n);
		else
			fputs(line, stderr);
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
