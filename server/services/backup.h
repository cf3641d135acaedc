/*
 * backup.h -- a consistent copy of a running server's state.
 */
#ifndef HEARTH_BACKUP_H
#define HEARTH_BACKUP_H

#include <stddef.h>

struct server;

/*
 * Write into DIR (absolute; created 0700, must not exist yet):
 * hearth.db (SQLite online backup of the last commit), secret.key (the
 * key of address hashes and feed tokens), tls/cert.pem and tls/key.pem
 * (the certificate in use), vapid.pem (the web push key, when there
 * is one), INFO (what, when, from where) and MANIFEST
 * (`sha256sum -c` format, over every other file).  Returns the number
 * of files written, or -1 with the reason in ERR.
 */
int	backup_write(struct server *, const char *dir, char *err,
	    size_t errlen);

#endif
