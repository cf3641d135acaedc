/*
 * pidfile.h -- one hearthd per state directory: a pidfile held with flock.
 *
 * pidfile_lock() opens (creating) the file and takes an exclusive,
 * non-blocking flock(2) on it before anything else touches the state
 * directory; the lock lives as long as the descriptor, across daemon()'s
 * fork, and the kernel drops it when the process dies, so a stale file
 * never blocks a start.  pidfile_write() records the (final) pid once
 * the process has detached.
 */
#ifndef HEARTH_PIDFILE_H
#define HEARTH_PIDFILE_H

#include <stddef.h>

/*
 * Lock PATH.  Returns the descriptor, or -1 with a message in ERR: when
 * another live process holds it, the message names its pid.
 */
int	pidfile_lock(const char *path, char *err, size_t errlen);
/* Lock the state directory itself; returns the descriptor or -1. */
int	statedir_lock(const char *dir, char *err, size_t errlen);
/* Write our pid into the locked file FD.  Returns 0 or -1 (errno). */
int	pidfile_write(int fd);
/* Remove PATH (still locked by FD) and close FD. */
void	pidfile_release(const char *path, int fd);

#endif
