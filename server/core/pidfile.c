/*
 * pidfile.c -- one hearthd per state directory: a pidfile held with flock.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"

/* The pid written in FD, or 0 when there is none yet. */
static long
pidfile_read(int fd)
{
	char	buf[32];
	ssize_t	n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * Open and lock PATH.  A process that exits unlinks its pidfile while
 * still holding the lock; one that opened the old file meanwhile then
 * locks an unlinked file, so after locking we check that PATH is still
 * the file we hold, and start over when it is not.
 */
int
pidfile_lock(const char *path, char *err, size_t errlen)
{
	struct stat	 a, b;
	int		 fd, tries;
	long		 pid;

	for (tries = 0; tries < 10; tries++) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		    0644);
		if (fd == -1) {
			snprintf(err, errlen, "pidfile %s: %s", path,
			    strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			int	saved = errno;

			pid = pidfile_read(fd);
			close(fd);
			if (saved == EWOULDBLOCK) {
				if (pid > 0)
					snprintf(err, errlen, "another hearthd "
					    "(pid %ld) holds %s and runs on "
					    "this state directory; stop it "
					    "first", pid, path);
				else
					snprintf(err, errlen, "another hearthd "
					    "holds %s and runs on this state "
					    "directory; stop it first", path);
			} else
				snprintf(err, errlen, "cannot lock %s: %s",
				    path, strerror(saved));
			return -1;
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return fd;
		close(fd);
	}
	snprintf(err, errlen, "cannot lock %s: it keeps being replaced", path);
	return -1;
}

int
pidfile_write(int fd)
{
	char	buf[32];
	int	n;

	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

void
pidfile_release(const char *path, int fd)
{
	if (fd < 0)
		return;
	/* Unlink first, while the lock still keeps others out. */
	(void)unlink(path);
	close(fd);
}

/*
 * Lock the state directory DIR itself (flock works on a directory's
 * descriptor), so that two hearthds never share one even when their
 * pidfiles are configured apart.  Returns the descriptor or -1.
 */
int
statedir_lock(const char *dir, char *err, size_t errlen)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "state directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "another hearthd runs on the "
			    "state directory %s; stop it first", dir);
		else
			snprintf(err, errlen, "cannot lock %s: %s", dir,
			    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
