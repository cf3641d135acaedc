/*
 * log.h -- leveled logging to stderr, a file (log = FILE) or syslog.
 *
 * log_warn() appends strerror(errno); log_warnx() does not.  fatal() and
 * fatalx() are for impossible states and exit the process.  Lines carry
 * key=value fields; callers never log passwords or message bodies.
 */
#ifndef HEARTH_LOG_H
#define HEARTH_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

void	log_init(enum log_level, int use_syslog);
int	log_init_file(enum log_level, const char *path, char *err,
	    size_t errlen);
void	log_reopen(void);
int	log_syslog_reachable(void);
void	log_set_level(enum log_level);
int	log_level_parse(const char *, enum log_level *);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
